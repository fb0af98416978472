//! Pre-employment checks of an application: which the vacancy requires, and their state.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{access, actor, validate};
use crate::auth::{Caller, Role};
use crate::db::checks::{self as store, CheckRow};
use crate::db::vacancies::VacancyRow;
use crate::db::Db;
use crate::domain::checks::{CheckKind, CheckStatus};
use crate::domain::vacancy::DbsLevel;
use crate::error::{AppError, Problem};
use crate::service::rules::{check_state, recorded, required_checks_of};

/// What was found. Which keys apply depends on the kind: DBS `level_checked`,
/// `certificate_number`, `update_service`; driving licence `penalty_points`,
/// `at_fault_accidents`; references `received`; any kind `notes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, Validate, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CheckDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level_checked: Option<DbsLevel>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 30))]
    pub certificate_number: Option<String>,
    /// Subscribed to the DBS Update Service.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_service: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0, max = 99))]
    pub penalty_points: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0, max = 99))]
    pub at_fault_accidents: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0, max = 20))]
    pub received: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 2000))]
    pub notes: Option<String>,
}

impl CheckDetails {
    /// Keys that do not belong to `kind`.
    fn foreign_keys(&self, kind: CheckKind) -> Vec<&'static str> {
        let mut out = Vec::new();
        if kind != CheckKind::Dbs {
            if self.level_checked.is_some() {
                out.push("level_checked");
            }
            if self.certificate_number.is_some() {
                out.push("certificate_number");
            }
            if self.update_service.is_some() {
                out.push("update_service");
            }
        }
        if kind != CheckKind::DrivingLicence {
            if self.penalty_points.is_some() {
                out.push("penalty_points");
            }
            if self.at_fault_accidents.is_some() {
                out.push("at_fault_accidents");
            }
        }
        if kind != CheckKind::References && self.received.is_some() {
            out.push("received");
        }
        out
    }
}

/// Body of `PUT …/checks/{kind}`.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CheckUpdate {
    pub status: CheckStatus,
    /// Required to waive; e.g. the reasonable adjustment agreed.
    #[validate(length(min = 1, max = 2000))]
    pub reason: Option<String>,
    /// When the check was completed (`YYYY-MM-DD`).
    #[schema(value_type = Option<String>, format = Date)]
    pub checked_at: Option<NaiveDate>,
    #[serde(default)]
    #[validate(nested)]
    pub details: CheckDetails,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Check {
    pub kind: CheckKind,
    /// Whether the vacancy requires it.
    pub required: bool,
    pub status: CheckStatus,
    pub reason: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub checked_at: Option<String>,
    pub details: CheckDetails,
    /// For references: how many the vacancy asks for.
    pub references_required: Option<i32>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationChecks {
    pub application_id: String,
    pub checks: Vec<Check>,
    /// Required checks not yet clear or waived (failed ones are listed apart).
    pub pending_checks: Vec<CheckKind>,
    pub failed_checks: Vec<CheckKind>,
}

fn view(
    vacancy: &VacancyRow,
    application_id: &str,
    rows: &[CheckRow],
) -> Result<ApplicationChecks, AppError> {
    let required = required_checks_of(vacancy)?;
    let mut kinds: Vec<CheckKind> = required.clone();
    for (kind, _) in recorded(rows)? {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds.sort();
    let checks = kinds
        .into_iter()
        .map(|kind| {
            let row = rows.iter().find(|r| r.kind == kind.as_str());
            Check {
                kind,
                required: required.contains(&kind),
                status: row
                    .and_then(|r| CheckStatus::parse(&r.status))
                    .unwrap_or(CheckStatus::NotStarted),
                reason: row.and_then(|r| r.reason.clone()),
                checked_at: row.and_then(|r| r.checked_at.clone()),
                details: row
                    .and_then(|r| serde_json::from_str(&r.details).ok())
                    .unwrap_or_default(),
                references_required: (kind == CheckKind::References)
                    .then_some(vacancy.references_required),
                updated_at: row.map(|r| r.updated_at.clone()),
            }
        })
        .collect();
    let (pending_checks, failed_checks) = check_state(vacancy, rows)?;
    Ok(ApplicationChecks {
        application_id: application_id.to_string(),
        checks,
        pending_checks,
        failed_checks,
    })
}

#[utoipa::path(
    tag = "checks",
    params(("application_id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Every check the vacancy requires (and any other recorded), with its state", body = ApplicationChecks),
        (status = 403, description = "Needs admin, recruiter or viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/applications/{application_id}/checks")]
pub async fn list_checks(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Viewer])?;
    let id = path.into_inner();
    let (vacancy, application_id, rows) = db
        .read(move |conn| {
            let visible = access::application(conn, &caller, &id)?;
            let rows = store::for_application(conn, &visible.application.id)?;
            Ok((visible.vacancy, visible.application.id, rows))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view(&vacancy, &application_id, &rows)?))
}

#[utoipa::path(
    tag = "checks",
    params(
        ("application_id" = String, Path, description = "Application id"),
        ("kind" = CheckKind, Path, description = "Which check"),
    ),
    request_body = CheckUpdate,
    responses(
        (status = 200, description = "The application's checks after the change", body = ApplicationChecks),
        (status = 400, description = "Malformed JSON or unknown kind", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The application is no longer live", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A waiver without a reason, or `clear` contradicted by the details (DBS below the required level, licence beyond the thresholds, references missing)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/applications/{application_id}/checks/{kind}")]
pub async fn record_check(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<(String, String)>,
    body: web::Json<CheckUpdate>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter])?;
    let (id, kind) = path.into_inner();
    let kind = CheckKind::parse(&kind).ok_or_else(|| {
        AppError::BadRequest(format!(
            "unknown check kind {kind:?}: use {}",
            CheckKind::ALL.map(|k| k.as_str()).join(", ")
        ))
    })?;
    let update = body.into_inner();
    validate(&update)?;
    let foreign = update.details.foreign_keys(kind);
    if !foreign.is_empty() {
        return Err(AppError::Validation(
            foreign
                .into_iter()
                .map(|k| {
                    crate::domain::FieldError::new(
                        format!("details.{k}"),
                        format!("does not apply to a {} check", kind.as_str()),
                    )
                })
                .collect(),
        ));
    }
    let actor = actor(&caller, &req);
    let (vacancy, application_id, rows) =
        crate::service::checks::record(&db, caller, actor, id, kind, update).await?;
    Ok(HttpResponse::Ok().json(view(&vacancy, &application_id, &rows)?))
}
