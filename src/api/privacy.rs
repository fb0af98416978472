//! Personal data: retention, erasure on request, and the equality report (aggregate
//! only, small numbers suppressed).

use std::collections::BTreeMap;

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::applications::Application;
use super::{access, actor, validate};
use crate::auth::{Caller, Role};
use crate::db::audit::{self, Actor};
use crate::db::privacy as store;
use crate::db::{self, Db, DbConnection};
use crate::domain::application::ApplicationStatus;
use crate::domain::privacy::{
    due_for_anonymisation, publishable, DEFAULT_RETENTION_DAYS, SUPPRESSION_THRESHOLD,
};
use crate::domain::vacancy::VacancyStatus;
use crate::error::{AppError, Problem};

#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OrgSettings {
    /// Days after a vacancy closes before unsuccessful applicants are anonymised
    /// (default 183, about six months).
    #[validate(range(min = 1, max = 3650))]
    pub retention_days: i32,
}

#[utoipa::path(
    tag = "privacy",
    responses(
        (status = 200, description = "The org's settings", body = OrgSettings),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/settings")]
pub async fn get_settings(caller: Caller, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin])?;
    let days = db
        .read(move |conn| store::retention_days(conn, &caller.org))
        .await?;
    Ok(HttpResponse::Ok().json(OrgSettings {
        retention_days: days.unwrap_or(DEFAULT_RETENTION_DAYS),
    }))
}

#[utoipa::path(
    tag = "privacy",
    request_body = OrgSettings,
    responses(
        (status = 200, description = "Stored", body = OrgSettings),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Out of range", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/settings")]
pub async fn set_settings(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    body: web::Json<OrgSettings>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin])?;
    let body = body.into_inner();
    validate(&body)?;
    let actor = actor(&caller, &req);
    let days = body.retention_days;
    db.write(move |conn| {
        let before = store::retention_days(conn, &caller.org)?;
        store::set_retention_days(conn, &caller.org, days, &db::now_text())?;
        audit::record(
            conn,
            &actor,
            "settings.updated",
            "org",
            &caller.org,
            Some(&before),
            Some(&OrgSettings {
                retention_days: days,
            }),
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(OrgSettings {
        retention_days: days,
    }))
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AnonymisedApplication {
    pub application_id: String,
    pub candidate_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RetentionReport {
    pub dry_run: bool,
    pub retention_days: i32,
    /// Applications anonymised (or, in a dry run, that would be).
    pub applications: Vec<AnonymisedApplication>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionRun {
    /// Report what would be anonymised without changing anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// Anonymises every unsuccessful applicant of `org` past the retention period, in the
/// caller's transaction. Shared by the admin endpoint and `shortlist retention`.
pub fn run_retention(
    conn: &mut DbConnection,
    actor: &Actor,
    today: NaiveDate,
    dry_run: bool,
) -> Result<RetentionReport, AppError> {
    let days = store::retention_days(conn, &actor.org)?.unwrap_or(DEFAULT_RETENTION_DAYS);
    let mut due = Vec::new();
    for c in store::retention_candidates(conn, &actor.org)? {
        // A vacancy cancelled before it had a closing date counts from when it changed.
        let closed_on = c
            .closing_date
            .as_deref()
            .or(c.vacancy_updated_at.get(..10))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let (Some(status), Some(vacancy_status), Some(closed_on)) = (
            ApplicationStatus::parse(&c.status),
            VacancyStatus::parse(&c.vacancy_status),
            closed_on,
        ) else {
            continue;
        };
        if due_for_anonymisation(status, vacancy_status, closed_on, today, days, false) {
            due.push(AnonymisedApplication {
                application_id: c.application_id,
                candidate_code: c.candidate_code,
            });
        }
    }
    if !dry_run {
        let now = db::now_text();
        for a in &due {
            store::anonymise(conn, &a.application_id, &a.candidate_code, &now)?;
            audit::record(
                conn,
                actor,
                "application.anonymised",
                "application",
                &a.application_id,
                None::<&()>,
                Some(&serde_json::json!({"why": "retention", "retention_days": days})),
            )?;
        }
    }
    Ok(RetentionReport {
        dry_run,
        retention_days: days,
        applications: due,
    })
}

#[utoipa::path(
    tag = "privacy",
    request_body = RetentionRun,
    responses(
        (status = 200, description = "What was (or, in a dry run, would be) anonymised", body = RetentionReport),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/retention/run")]
pub async fn retention(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin])?;
    // serde would also read a struct from a JSON array; only an object is meant.
    if !body.is_object() {
        return Err(AppError::validation("body", "must be a JSON object"));
    }
    let run: RetentionRun = serde_json::from_value(body.into_inner())
        .map_err(|e| AppError::validation("body", e.to_string()))?;
    let dry_run = run.dry_run;
    let actor = actor(&caller, &req);
    let today = super::vacancies::uk_today();
    let report = db
        .write(move |conn| run_retention(conn, &actor, today, dry_run))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[utoipa::path(
    tag = "privacy",
    params(("application_id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Personal data erased; scores and decisions kept", body = Application),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An offer is live: withdraw it (or appoint) first", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/applications/{application_id}/personal-data")]
pub async fn erase_personal_data(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin])?;
    let id = path.into_inner();
    let actor = actor(&caller, &req);
    let row = db
        .write(move |conn| {
            let found = access::application(conn, &caller, &id)?;
            if found.application.status == ApplicationStatus::Offered.as_str() {
                return Err(AppError::Conflict(
                    "an offer is live for this applicant: withdraw the offer before erasing their data".into(),
                ));
            }
            store::anonymise(conn, &found.application.id, &found.application.candidate_code, &db::now_text())?;
            audit::record(conn, &actor, "application.erased", "application", &found.application.id, None::<&()>, Some(&serde_json::json!({"why": "erasure request"})))?;
            crate::db::applications::find(conn, &caller.org, &found.application.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Application::from_row(&row, false)))
}

/// Counts at one stage, `null` when suppressed.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageCounts {
    pub applied: Option<u32>,
    pub shortlisted: Option<u32>,
    pub appointed: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CharacteristicValue {
    /// The answer given (`not stated` when left blank). Answers given by fewer than the
    /// threshold are never named: they are pooled in one row.
    pub value: String,
    pub counts: StageCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CharacteristicReport {
    pub characteristic: String,
    pub values: Vec<CharacteristicValue>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EqualityReport {
    pub vacancy_id: String,
    /// Counts below this are shown as `null` (suppressed).
    pub suppression_threshold: u32,
    /// Applicants who answered the monitoring questions (suppressed below the threshold).
    pub respondents: Option<u32>,
    pub characteristics: Vec<CharacteristicReport>,
}

/// The row that pools every answer given by fewer people than the threshold.
pub const POOLED: &str = "other answers (fewer than 5 each)";

fn publish(c: [u32; 3]) -> StageCounts {
    StageCounts {
        applied: publishable(c[0]),
        shortlisted: publishable(c[1]),
        appointed: publishable(c[2]),
    }
}

fn reached_shortlist(status: ApplicationStatus) -> bool {
    use ApplicationStatus::*;
    matches!(
        status,
        Shortlisted | Offered | Unsuccessful | Appointed | OfferWithdrawn
    )
}

#[utoipa::path(
    tag = "privacy",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    responses(
        (status = 200, description = "Counts by characteristic at each stage; counts below 5 suppressed", body = EqualityReport),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs admin, recruiter or viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies/{vacancy_id}/reports/equality")]
pub async fn equality_report(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Viewer])?;
    let id = path.into_inner();
    let (vacancy_id, rows) = db
        .read(move |conn| {
            let vacancy = crate::db::vacancies::find(conn, &caller.org, &id)?;
            let rows = store::equality_rows(conn, &vacancy.id)?;
            Ok((vacancy.id, rows))
        })
        .await?;
    type Tally = BTreeMap<String, [u32; 3]>;
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    for (status, e) in &rows {
        let status = ApplicationStatus::parse(status).unwrap_or(ApplicationStatus::Submitted);
        let stages = [
            true,
            reached_shortlist(status),
            status == ApplicationStatus::Appointed,
        ];
        for (name, value) in [
            ("age_band", &e.age_band),
            ("sex", &e.sex),
            ("gender_identity", &e.gender_identity),
            ("ethnicity", &e.ethnicity),
            ("disability", &e.disability),
            ("religion_or_belief", &e.religion_or_belief),
            ("sexual_orientation", &e.sexual_orientation),
        ] {
            let key = value.clone().unwrap_or_else(|| "not stated".into());
            let counts = tallies
                .entry(name)
                .or_default()
                .entry(key)
                .or_insert([0; 3]);
            for (i, reached) in stages.iter().enumerate() {
                counts[i] += u32::from(*reached);
            }
        }
    }
    // An answer given by fewer than the threshold is not even named: free-text answers
    // could identify the person. They are pooled, and the pool too is shown only when
    // large enough. With too few respondents, nothing is broken down at all.
    let characteristics = if publishable(rows.len() as u32).is_none() {
        Vec::new()
    } else {
        tallies
            .into_iter()
            .map(|(name, values)| {
                let mut shown = Vec::new();
                let mut pooled = [0u32; 3];
                for (value, c) in values {
                    if publishable(c[0]).is_some() {
                        shown.push(CharacteristicValue {
                            value,
                            counts: publish(c),
                        });
                    } else {
                        for i in 0..3 {
                            pooled[i] += c[i];
                        }
                    }
                }
                if pooled[0] > 0 {
                    shown.push(CharacteristicValue {
                        value: POOLED.to_string(),
                        counts: publish(pooled),
                    });
                }
                CharacteristicReport {
                    characteristic: name.to_string(),
                    values: shown,
                }
            })
            .collect()
    };
    Ok(HttpResponse::Ok().json(EqualityReport {
        vacancy_id,
        suppression_threshold: SUPPRESSION_THRESHOLD,
        respondents: publishable(rows.len() as u32),
        characteristics,
    }))
}
