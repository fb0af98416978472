//! Personal data: retention, erasure on request, and the equality report (aggregate
//! only, small numbers suppressed).

use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::applications::Application;
use super::{actor, validate};
use crate::auth::{Caller, Role};
use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::service::privacy;

#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OrgSettings {
    /// Days after a vacancy closes before unsuccessful applicants are anonymised
    /// (default 183, about six months).
    #[validate(range(min = 1, max = 3650))]
    pub retention_days: i32,
    /// Months after a DBS certificate's issue date when it is re-checked (default 36);
    /// clear DBS checks then appear on the checks worklist with that `due_on`. Absent
    /// in a `PUT`: left as it is.
    #[serde(default)]
    #[validate(range(min = 1, max = 120))]
    pub dbs_recheck_months: Option<i32>,
}

#[utoipa::path(
    tag = "privacy",
    responses(
        (status = 200, description = "The org's settings", body = OrgSettings),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/settings")]
pub async fn get_settings(caller: Caller, db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin])?;
    let settings = db
        .read(move |conn| privacy::settings(conn, &caller.org))
        .await?;
    Ok(HttpResponse::Ok().json(settings))
}

#[utoipa::path(
    tag = "privacy",
    request_body = OrgSettings,
    responses(
        (status = 200, description = "Stored", body = OrgSettings),
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
    let stored = privacy::set_settings(&db, caller, actor, body).await?;
    Ok(HttpResponse::Ok().json(stored))
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

#[utoipa::path(
    tag = "privacy",
    request_body = RetentionRun,
    responses(
        (status = 200, description = "What was (or, in a dry run, would be) anonymised", body = RetentionReport),
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
    let report = privacy::retention(&db, actor, today, dry_run).await?;
    Ok(HttpResponse::Ok().json(report))
}

#[utoipa::path(
    tag = "privacy",
    params(("application_id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Personal data erased; scores and decisions kept", body = Application),
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
    let row = privacy::erase(&db, caller, actor, id).await?;
    Ok(HttpResponse::Ok().json(Application::from_row(&row, false)?))
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

#[utoipa::path(
    tag = "privacy",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    responses(
        (status = 200, description = "Counts by characteristic at each stage; counts below 5 suppressed", body = EqualityReport),
        (status = 403, description = "Needs admin, recruiter or viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy is not over yet: figures are published once it is filled or cancelled, and never change after", body = Problem, content_type = "application/problem+json"),
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
    let report = privacy::equality_report(&db, caller, id).await?;
    Ok(HttpResponse::Ok().json(report))
}
