//! Org-wide reports for HR dashboards.

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Caller, Role};
use crate::db::ReadDb;
use crate::domain::vacancy::VacancyStatus;
use crate::error::{AppError, Problem};
use crate::service::reports::{self, PipelineReport};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PipelineParams {
    /// Only vacancies in this status.
    pub status: Option<VacancyStatus>,
}

/// The report as long-format CSV: one row per vacancy, section, item and measure, so
/// vacancies with different plans share one header.
fn pipeline_csv(report: &PipelineReport) -> String {
    let mut rows: Vec<Vec<String>> = vec![[
        "vacancy_id",
        "reference",
        "title",
        "vacancy_status",
        "section",
        "item",
        "measure",
        "value",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()];
    for v in &report.vacancies {
        let mut push = |section: &str, item: &str, measure: &str, value: u64| {
            rows.push(vec![
                v.vacancy_id.clone(),
                v.reference.clone(),
                v.title.clone(),
                v.status.as_str().to_string(),
                section.to_string(),
                item.to_string(),
                measure.to_string(),
                value.to_string(),
            ]);
        };
        push("applications", "total", "count", v.total_applications);
        for (status, n) in &v.applications_by_status {
            push("status", status, "count", *n);
        }
        for step in &v.steps {
            push("step", &step.key, "reached", step.reached);
            for (outcome, n) in &step.outcomes {
                push("step", &step.key, outcome, *n);
            }
        }
        push("scoring", "all", "expected", v.scoring.expected);
        push("scoring", "all", "received", v.scoring.received);
        for m in &v.scoring.by_method {
            push("scoring", m.method.as_str(), "expected", m.expected);
            push("scoring", m.method.as_str(), "received", m.received);
        }
        for (kind, c) in &v.checks_outstanding {
            push("checks", kind, "pending", c.pending);
            push("checks", kind, "failed", c.failed);
        }
    }
    super::csv::document(&rows)
}

#[utoipa::path(
    tag = "reports",
    params(PipelineParams),
    responses(
        (status = 200, description = "Per vacancy: applications by status, each step's outcomes, scoring progress in score lines and outstanding checks by kind. `Accept: text/csv` gives the same figures as long-format CSV (`vacancy_id, reference, title, vacancy_status, section, item, measure, value`)", content((PipelineReport = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Malformed query (e.g. an unknown status)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs admin, recruiter or viewer", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/reports/pipeline")]
pub async fn pipeline(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<ReadDb>,
    query: web::Query<PipelineParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Viewer])?;
    let status = query.status;
    let org = caller.org.clone();
    let report = db
        .read(move |conn| reports::pipeline(conn, &org, status))
        .await?;
    if super::csv::wants_csv(&req) {
        return Ok(super::csv::attachment(
            "pipeline.csv",
            pipeline_csv(&report),
        ));
    }
    Ok(HttpResponse::Ok().json(report))
}
