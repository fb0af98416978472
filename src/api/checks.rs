//! Pre-employment checks of an application: which the vacancy requires, and their state.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    access, actor, decode_cursor, encode_cursor, one_page, page_response, validate, Page,
    DEFAULT_PAGE_SIZE,
};
use crate::auth::{Caller, Role};
use crate::db::checks::{self as store, CheckRow, WorklistFilter, NO_DUE_DATE};
use crate::db::vacancies::VacancyRow;
use crate::db::{Db, ReadDb};
use crate::domain::checks::{CheckKind, CheckStatus};
use crate::domain::vacancy::DbsLevel;
use crate::error::{AppError, Problem};
use crate::service::rules::{check_state, recorded, required_checks_of};

/// What was found. Which keys apply depends on the kind: right to work `expires_on`;
/// DBS `level_checked`, `certificate_number`, `update_service`, `issued_on`; driving
/// licence `penalty_points`, `at_fault_accidents`; references `received`; employment
/// history `months_covered`; any kind `notes`.
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
    /// DBS: the certificate's issue date. A clear check falls due for re-check the
    /// org's `dbs_recheck_months` after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub issued_on: Option<NaiveDate>,
    /// Right to work: the last day of a time-limited permission. A clear check falls
    /// due for its follow-up 28 days before.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = Date)]
    pub expires_on: Option<NaiveDate>,
    /// Employment history: months verified (BPSS asks for 36).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0, max = 600))]
    pub months_covered: Option<i32>,
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
            if self.issued_on.is_some() {
                out.push("issued_on");
            }
        }
        if kind != CheckKind::RightToWork && self.expires_on.is_some() {
            out.push("expires_on");
        }
        if kind != CheckKind::EmploymentHistory && self.months_covered.is_some() {
            out.push("months_covered");
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
    /// When it was last recorded; `null` until it is.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<String>,
    /// When a clear check falls due again (a right-to-work follow-up, a DBS re-check).
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<String>,
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
                updated_at: row
                    .filter(|r| !r.is_placeholder())
                    .map(|r| r.updated_at.clone()),
                due_on: row.and_then(|r| r.due_date()).map(str::to_string),
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

/// Largest page of the worklist.
pub const MAX_WORKLIST_PAGE: i64 = 200;

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct WorklistParams {
    /// Only checks in this status (`not_started` includes required checks nobody has
    /// recorded yet).
    #[param(value_type = Option<CheckStatus>)]
    pub status: Option<String>,
    /// Only checks of this kind.
    #[param(value_type = Option<CheckKind>)]
    pub kind: Option<String>,
    /// Only checks of applications to this vacancy.
    #[validate(length(min = 1, max = 100))]
    pub vacancy_id: Option<String>,
    /// Only checks falling due strictly before this date (`YYYY-MM-DD`); checks with
    /// no due date are then left out.
    #[param(value_type = Option<String>, format = Date)]
    pub due_before: Option<String>,
    /// Page size, 1–200 (default 50).
    #[validate(range(min = 1, max = 200))]
    pub limit: Option<i64>,
    /// Opaque position returned as `next_cursor` (and in the `Link` header).
    #[validate(length(max = 512))]
    pub cursor: Option<String>,
}

/// One check on the org's worklist.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorklistItem {
    pub application_id: String,
    pub candidate_code: String,
    pub vacancy_id: String,
    pub vacancy_reference: String,
    pub kind: CheckKind,
    pub status: CheckStatus,
    /// Whether the vacancy requires it.
    pub required: bool,
    /// When it was last recorded; for a required check nobody has recorded yet, when
    /// the application was submitted.
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: String,
    /// When a clear check falls due again: 28 days before a time-limited permission to
    /// work ends, or the org's `dbs_recheck_months` after a DBS certificate's issue.
    #[schema(value_type = Option<String>, format = Date)]
    pub due_on: Option<String>,
}

fn parsed<T>(
    field: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, AppError> {
    match value {
        None => Ok(None),
        Some(text) => parse(text)
            .map(Some)
            .ok_or_else(|| AppError::validation(field, format!("must be {expected}"))),
    }
}

#[utoipa::path(
    tag = "checks",
    params(WorklistParams),
    responses(
        (status = 200, description = "The org's checks on live applications (and appointed people's follow-ups), by due date (undated last), then application and kind; `Link: <…>; rel=\"next\"` when there is more", body = Page<WorklistItem>),
        (status = 400, description = "Malformed query (a repeated parameter, a number out of range)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs admin, recruiter or viewer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter, limit or cursor that is not valid", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/checks")]
pub async fn checks_worklist(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<ReadDb>,
    params: web::Query<WorklistParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Viewer])?;
    let params = params.into_inner();
    validate(&params)?;
    let status = parsed(
        "status",
        params.status.as_deref(),
        CheckStatus::parse,
        &format!("one of {}", CheckStatus::ALL.map(|s| s.as_str()).join(", ")),
    )?;
    let kind = parsed(
        "kind",
        params.kind.as_deref(),
        CheckKind::parse,
        &format!("one of {}", CheckKind::ALL.map(|k| k.as_str()).join(", ")),
    )?;
    let due_before = parsed(
        "due_before",
        params.due_before.as_deref(),
        |t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok(),
        "a date (YYYY-MM-DD)",
    )?;
    let after = match &params.cursor {
        Some(cursor) => {
            let parts = decode_cursor(cursor, 3)?;
            let [due, application_id, kind]: [String; 3] = parts
                .try_into()
                .map_err(|_| AppError::validation("cursor", "is not a cursor this API returned"))?;
            if due != NO_DUE_DATE && NaiveDate::parse_from_str(&due, "%Y-%m-%d").is_err() {
                return Err(AppError::validation(
                    "cursor",
                    "is not a cursor this API returned",
                ));
            }
            Some((due, application_id, kind))
        }
        None => None,
    };
    let limit = params
        .limit
        .unwrap_or(DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_WORKLIST_PAGE);
    let filter = WorklistFilter {
        org: caller.org.clone(),
        status: status.map(|s| s.as_str().to_string()),
        kind: kind.map(|k| k.as_str().to_string()),
        vacancy_id: params.vacancy_id,
        due_before: due_before.map(|d| d.to_string()),
        after,
        limit: limit + 1,
    };
    let rows = db
        .read(move |conn| Ok(store::worklist(conn, filter)?))
        .await?;
    let (rows, next_cursor) = one_page(rows, limit, |r| {
        encode_cursor(&[&r.check.due_on, &r.check.application_id, &r.check.kind])
    });
    let items = rows
        .iter()
        .map(|r| {
            let (kind, status) = recorded(std::slice::from_ref(&r.check))?
                .pop()
                .ok_or_else(|| AppError::Internal("a check row read as nothing".into()))?;
            Ok(WorklistItem {
                application_id: r.check.application_id.clone(),
                candidate_code: r.candidate_code.clone(),
                vacancy_id: r.vacancy.id.clone(),
                vacancy_reference: r.vacancy.reference.clone(),
                kind,
                status,
                required: required_checks_of(&r.vacancy)?.contains(&kind),
                updated_at: r.check.updated_at.clone(),
                due_on: r.check.due_date().map(str::to_string),
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(page_response(&req, items, next_cursor))
}
