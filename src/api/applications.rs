//! Applications: portals submit them, recruiters move them through their lifecycle.

use std::collections::HashMap;

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    access, actor, decode_cursor, encode_cursor, one_page, page_response, validate, Page,
    PageParams,
};
use crate::auth::{Caller, Role};
use crate::db::applications::{self as store, ApplicationRow, ListFilter, OrgListFilter};
use crate::db::{Db, ReadDb};
use crate::domain::application::{validate_declarations, ApplicationStatus};
use crate::error::{AppError, Problem};
use crate::service::steps::{Progress, StepDecisionRecord, StepProgress};

/// Who may submit applications.
pub const SUBMITTERS: &[Role] = &[Role::Admin, Role::Recruiter, Role::Portal];
pub const READERS: &[Role] = &[
    Role::Admin,
    Role::Recruiter,
    Role::Viewer,
    Role::Panel,
    Role::Portal,
];

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    #[validate(length(min = 1, max = 200))]
    pub name: String,
    #[validate(email, length(max = 254))]
    pub email: String,
    #[validate(length(max = 40))]
    pub phone: Option<String>,
}

/// What the applicant declared.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Declarations {
    /// Opted in to the Disability Confident guaranteed interview scheme.
    #[serde(default)]
    pub guaranteed_interview: bool,
    pub driving_licence_held: Option<bool>,
    /// Penalty points on the licence.
    pub penalty_points: Option<i32>,
    /// At-fault accidents in the last two years.
    pub at_fault_accidents: Option<i32>,
    pub right_to_work: Option<bool>,
    /// Professional registration number, e.g. Social Work England `SW12345`.
    #[validate(length(min = 1, max = 50))]
    pub registration_number: Option<String>,
    /// For a politically restricted post: the applicant accepts that the post bars
    /// political activity (standing for election, canvassing, speaking or writing in
    /// support of a party). Without it they cannot be offered or appointed.
    #[serde(default)]
    pub politically_restricted_accepted: Option<bool>,
}

/// Optional equality-monitoring answers: stored apart, reported only in aggregate,
/// never returned for a person.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct EqualityMonitoring {
    #[validate(length(max = 100))]
    pub age_band: Option<String>,
    #[validate(length(max = 100))]
    pub sex: Option<String>,
    #[validate(length(max = 100))]
    pub gender_identity: Option<String>,
    #[validate(length(max = 100))]
    pub ethnicity: Option<String>,
    #[validate(length(max = 100))]
    pub disability: Option<String>,
    #[validate(length(max = 100))]
    pub religion_or_belief: Option<String>,
    #[validate(length(max = 100))]
    pub sexual_orientation: Option<String>,
}

#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    #[validate(nested)]
    pub candidate: Candidate,
    #[serde(default)]
    #[validate(nested)]
    pub declarations: Declarations,
    #[validate(nested)]
    pub equality_monitoring: Option<EqualityMonitoring>,
}

/// An application as the API returns it.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Application {
    pub id: String,
    pub vacancy_id: String,
    /// Short code for anonymised views, e.g. `C-0042`.
    pub candidate_code: String,
    /// `null` for panel members while the vacancy's shortlisting is anonymised.
    pub candidate: Option<Candidate>,
    /// `null` wherever `candidate` is, and always for panel members: what an applicant
    /// declared (the guaranteed interview scheme, driving record, right to work) is for
    /// HR and the portal that submitted it, not for the people scoring them.
    pub declarations: Option<Declarations>,
    pub status: ApplicationStatus,
    /// The step of the vacancy's assessment plan the application is at.
    #[serde(default)]
    pub current_step: Option<String>,
    /// Each step's outcome and candidate-facing feedback, in plan order.
    #[serde(default)]
    pub steps: Option<Vec<StepProgress>>,
    /// Staff only (admin, recruiter, viewer): each recorded step decision with its
    /// reason code, reason and override reason, in plan order (the shortlisting
    /// decision is the first step's); `null` for panel members and portals.
    #[serde(default)]
    pub decisions: Option<Vec<StepDecisionRecord>>,
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: String,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: String,
    pub version: i32,
}

impl Application {
    /// The application as `caller` may see it: identity per anonymised shortlisting,
    /// declarations only for staff and the submitting portal, decisions only for staff.
    pub fn for_caller(
        row: &ApplicationRow,
        caller: &Caller,
        vacancy: &crate::db::vacancies::VacancyRow,
        progress: Option<Progress>,
    ) -> Result<Application, AppError> {
        let mut application =
            Application::from_row(row, access::hide_identity(caller, vacancy, row))?;
        if access::hide_declarations(caller, row) {
            application.declarations = None;
        }
        if let Some(p) = progress {
            application.current_step = Some(p.current_step);
            application.steps = Some(p.steps);
            if caller.is_staff() {
                application.decisions = Some(p.decisions);
            }
        }
        Ok(application)
    }

    pub fn with_progress(mut self, progress: Option<(String, Vec<StepProgress>)>) -> Application {
        if let Some((current, steps)) = progress {
            self.current_step = Some(current);
            self.steps = Some(steps);
        }
        self
    }

    /// The application as returned; an unknown stored status is an error (500), never
    /// read as some other status.
    pub fn from_row(row: &ApplicationRow, hide_identity: bool) -> Result<Application, AppError> {
        Ok(Application {
            id: row.id.clone(),
            vacancy_id: row.vacancy_id.clone(),
            candidate_code: row.candidate_code.clone(),
            candidate: (!hide_identity).then(|| Candidate {
                name: row.candidate_name.clone(),
                email: row.candidate_email.clone(),
                phone: row.candidate_phone.clone(),
            }),
            declarations: (!hide_identity).then(|| Declarations {
                guaranteed_interview: row.guaranteed_interview,
                driving_licence_held: row.driving_licence_held,
                penalty_points: row.penalty_points,
                at_fault_accidents: row.at_fault_accidents,
                right_to_work: row.right_to_work,
                registration_number: row.registration_number.clone(),
                politically_restricted_accepted: row.politically_restricted_accepted,
            }),
            status: crate::service::rules::application_status(row)?,
            current_step: None,
            steps: None,
            decisions: None,
            submitted_at: row.submitted_at.clone(),
            updated_at: row.updated_at.clone(),
            version: row.version,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ApplicationTransition {
    pub to: ApplicationStatus,
    /// Why; required for `shortlisted`, `not_shortlisted`, `unsuccessful` and
    /// `offer_withdrawn`. A move to `shortlisted` or `not_shortlisted` is a
    /// shortlisting decision: it follows the same rules and writes the same decision
    /// record as `POST …/shortlist/decisions`.
    #[validate(length(min = 1, max = 2000))]
    pub reason: Option<String>,
    /// Required to shortlist someone with an unmet or pending essential criterion.
    #[validate(length(min = 1, max = 2000))]
    pub override_reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationListParams {
    pub status: Option<ApplicationStatus>,
}

use crate::service::applications::{self as service, Submission, Submitted, TransitionRequest};

pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, AppError> {
    match req.headers().get(IDEMPOTENCY_KEY) {
        None => Ok(None),
        Some(v) => {
            let key = v
                .to_str()
                .map_err(|_| {
                    AppError::BadRequest("the Idempotency-Key header is malformed".into())
                })?
                .trim()
                .to_string();
            if key.is_empty() || key.len() > 200 {
                return Err(AppError::validation(
                    IDEMPOTENCY_KEY,
                    "must be 1 to 200 characters",
                ));
            }
            Ok(Some(key))
        }
    }
}

#[utoipa::path(
    tag = "applications",
    params(
        ("vacancy_id" = String, Path, description = "Vacancy id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: the same key and body return the first response; the same key with another body is a 422"),
    ),
    request_body = NewApplication,
    responses(
        (status = 201, description = "Submitted; `Location` set", body = Application),
        (status = 403, description = "Needs portal, recruiter or admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Vacancy not open or past its closing date, or this email already applied", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or an Idempotency-Key reused with another body", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/vacancies/{vacancy_id}/applications")]
pub async fn submit_application(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<NewApplication>,
) -> Result<HttpResponse, AppError> {
    caller.require(SUBMITTERS)?;
    let key = idempotency_key(&req)?;
    let body = body.into_inner();
    validate(&body)?;
    let declared = validate_declarations(
        body.declarations.penalty_points,
        body.declarations.at_fault_accidents,
    );
    if !declared.is_empty() {
        return Err(AppError::Validation(declared));
    }
    let vacancy_id = path.into_inner();
    // serde_json maps keep keys sorted, so this is a canonical form of the body.
    let request_hash = {
        let canonical = serde_json::to_string(&serde_json::json!({
            "vacancy_id": vacancy_id,
            "candidate": body.candidate,
            "declarations": body.declarations,
            "equality_monitoring": body.equality_monitoring,
        }))
        .unwrap_or_default();
        hex::encode(Sha256::digest(canonical.as_bytes()))
    };
    let actor = actor(&caller, &req);
    let outcome = service::submit(
        &db,
        caller,
        actor,
        Submission {
            vacancy_id,
            idempotency_key: key,
            request_hash,
            body,
        },
    )
    .await?;
    Ok(match outcome {
        Submitted::Fresh(application) => HttpResponse::Created()
            .insert_header((header::LOCATION, location(&application.id)))
            .json(application),
        Submitted::Replay {
            status,
            body,
            location,
        } => {
            let mut response =
                HttpResponse::build(StatusCode::from_u16(status).unwrap_or(StatusCode::CREATED));
            response
                .content_type("application/json")
                .insert_header(("Idempotent-Replayed", "true"));
            if let Some(location) = location {
                response.insert_header((header::LOCATION, location));
            }
            response.body(body)
        }
    })
}

fn location(id: &str) -> String {
    format!("/api/v1/applications/{id}")
}

#[utoipa::path(
    tag = "applications",
    params(("vacancy_id" = String, Path, description = "Vacancy id"), ApplicationListParams, PageParams),
    responses(
        (status = 200, description = "In submission order; `Link` to the next page", body = Page<Application>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies/{vacancy_id}/applications")]
pub async fn list_applications(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    filter: web::Query<ApplicationListParams>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(READERS)?;
    validate(&*page)?;
    let limit = page.limit();
    let after = match &page.cursor {
        Some(c) => {
            let mut parts = decode_cursor(c, 2)?;
            let id = parts.pop().unwrap_or_default();
            Some((parts.pop().unwrap_or_default(), id))
        }
        None => None,
    };
    let status = filter.status.map(|s| s.as_str().to_string());
    let vacancy_id = path.into_inner();
    let c = caller.clone();
    let rows = db
        .read(move |conn| {
            let visible = access::vacancy(conn, &c, &vacancy_id)?;
            // A portal sees only its own submissions.
            let submitted_by = (!c.is_staff() && visible.seat.is_none()).then(|| c.sub.clone());
            let rows = store::list(
                conn,
                ListFilter {
                    vacancy_id: &visible.vacancy.id,
                    status,
                    submitted_by,
                    after,
                    limit: limit + 1,
                },
            )?;
            let progress = crate::service::steps::progress_and_decisions_of_rows(
                conn,
                &visible.vacancy,
                &rows,
            )?;
            Ok((rows, visible.vacancy, progress))
        })
        .await?;
    let (rows, vacancy, mut progress) = (rows.0, rows.1, rows.2);
    let (rows, next_cursor) = one_page(rows, limit, |r| encode_cursor(&[&r.submitted_at, &r.id]));
    let items = rows
        .iter()
        .map(|r| Application::for_caller(r, &caller, &vacancy, progress.remove(&r.id)))
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(page_response(&req, items, next_cursor))
}

#[utoipa::path(
    tag = "applications",
    params(("application_id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "The application; `ETag` set", body = Application),
        (status = 404, description = "No such application visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/applications/{application_id}")]
pub async fn get_application(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(READERS)?;
    let id = path.into_inner();
    let c = caller.clone();
    let (visible, mut progress) = db
        .read(move |conn| {
            let visible = access::application(conn, &c, &id)?;
            let progress = crate::service::steps::progress_and_decisions_of_rows(
                conn,
                &visible.vacancy,
                std::slice::from_ref(&visible.application),
            )?;
            Ok((visible, progress))
        })
        .await?;
    let application = Application::for_caller(
        &visible.application,
        &caller,
        &visible.vacancy,
        progress.remove(&visible.application.id),
    )?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, super::etag(application.version)))
        .json(application))
}

#[utoipa::path(
    tag = "applications",
    params(("application_id" = String, Path, description = "Application id")),
    request_body = ApplicationTransition,
    responses(
        (status = 200, description = "The application in its new status", body = Application),
        (status = 403, description = "Not allowed for the caller's role (a portal may only withdraw)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal move; the vacancy is cancelled or filled; the data was erased; every position is filled; checks outstanding for an appointment; or a guaranteed-interview applicant who meets every essential would be rejected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason, or shortlisting against an unmet or pending essential without an override reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/applications/{application_id}/transitions")]
pub async fn transition_application(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<ApplicationTransition>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Portal])?;
    let body = body.into_inner();
    validate(&body)?;
    let is_recruiter = caller.has_any(&[Role::Admin, Role::Recruiter]);
    if !is_recruiter && body.to != ApplicationStatus::Withdrawn {
        return Err(AppError::Forbidden(
            "a portal may only withdraw an application".into(),
        ));
    }
    if body.to.needs_reason() && body.reason.is_none() {
        return Err(AppError::validation(
            "reason",
            format!(
                "a reason is required to mark an application {}",
                body.to.as_str()
            ),
        ));
    }
    let id = path.into_inner();
    let actor = actor(&caller, &req);
    let row = service::transition(
        &db,
        caller,
        actor,
        id,
        TransitionRequest {
            to: body.to,
            reason: body.reason,
            override_reason: body.override_reason,
        },
    )
    .await?;
    let vacancy_id = row.vacancy_id.clone();
    let moved = row.clone();
    let org = row.org.clone();
    let mut progress = db
        .read(move |conn| {
            let vacancy = crate::db::vacancies::find(conn, &org, &vacancy_id)?;
            crate::service::steps::progress_of_rows(conn, &vacancy, std::slice::from_ref(&moved))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .json(Application::from_row(&row, false)?.with_progress(progress.remove(&row.id))))
}

pub const MAX_ORG_PAGE_SIZE: i64 = 200;
/// Rows examined per query while filtering by `step` (the current step is derived from
/// outcomes, not stored), and at most this many per request before a short page.
const STEP_SCAN_BATCH: i64 = 500;
const STEP_SCAN_MAX: usize = 5_000;

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct OrgApplicationParams {
    pub status: Option<ApplicationStatus>,
    /// Only this vacancy's applications.
    #[validate(length(min = 1, max = 100))]
    pub vacancy_id: Option<String>,
    /// Only applications whose current step (`current_step`) has this key.
    #[validate(length(min = 1, max = 100))]
    pub step: Option<String>,
    /// Only applications changed at or after this instant (RFC 3339, e.g.
    /// `2026-12-02T09:00:00Z`). Inclusive: poll from the newest `updated_at` seen, less
    /// a few seconds (a change stamped just before a poll may commit just after it),
    /// and skip rows it already holds with the same `updated_at`.
    #[validate(length(min = 1, max = 64))]
    pub updated_since: Option<String>,
    /// Page size, 1–200 (default 50).
    #[validate(range(min = 1, max = 200))]
    pub limit: Option<i64>,
    /// Opaque position returned as `next_cursor` (and in the `Link` header).
    #[validate(length(max = 512))]
    pub cursor: Option<String>,
}

/// An RFC 3339 instant as stored (UTC, microseconds), so that text order is time order.
/// A `+hh:mm` offset whose `+` arrived as a space (an unencoded query) is read as meant.
fn stored_instant(field: &str, text: &str) -> Result<String, AppError> {
    let invalid = || {
        AppError::validation(
            field,
            "must be an RFC 3339 date-time, e.g. 2026-12-02T09:00:00Z",
        )
    };
    let mended: String = match text.char_indices().nth(19) {
        Some((i, _)) if text.is_char_boundary(i) => {
            format!("{}{}", &text[..i], text[i..].replace(' ', "+"))
        }
        _ => text.to_string(),
    };
    let parsed = chrono::DateTime::parse_from_rfc3339(&mended).map_err(|_| invalid())?;
    Ok(crate::db::format_time(parsed.with_timezone(&chrono::Utc)))
}

#[utoipa::path(
    tag = "applications",
    params(OrgApplicationParams),
    responses(
        (status = 200, description = "The org's applications (a portal: those it submitted), oldest change first by `(updated_at, id)`; `Link` to the next page. Every change of status, step outcome, current step or personal data moves `updated_at`. With `step`, a page may hold fewer than `limit` items while `next_cursor` is set", body = Page<Application>),
        (status = 400, description = "Malformed query (e.g. an unknown status)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Panel members list applications per vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit, cursor or updated_since, or a step not in the vacancy's plan", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/applications")]
pub async fn list_org_applications(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<ReadDb>,
    query: web::Query<OrgApplicationParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Viewer, Role::Portal])?;
    let params = query.into_inner();
    validate(&params)?;
    let limit = params
        .limit
        .unwrap_or(super::DEFAULT_PAGE_SIZE)
        .clamp(1, MAX_ORG_PAGE_SIZE);
    let mut after = match &params.cursor {
        Some(c) => {
            let mut parts = decode_cursor(c, 2)?;
            let id = parts.pop().unwrap_or_default();
            let at = parts.pop().unwrap_or_default();
            Some((stored_instant("cursor", &at)?, id))
        }
        None => None,
    };
    let updated_since = params
        .updated_since
        .as_deref()
        .map(|t| stored_instant("updated_since", t))
        .transpose()?;
    let status = params.status.map(|s| s.as_str().to_string());
    // A caller who is only a portal sees what it submitted.
    let submitted_by = (!caller.is_staff()).then(|| caller.sub.clone());
    let step = params.step.clone();
    let vacancy_filter = params.vacancy_id.clone();
    let c = caller.clone();
    let (page, vacancies, mut progress, next_cursor) = db
        .read(move |conn| {
            if let Some(id) = &vacancy_filter {
                let vacancy = crate::db::vacancies::find(conn, &c.org, id)?;
                if let Some(key) = &step {
                    let plan = crate::service::plan::load(conn, &vacancy)?;
                    if plan.index_of(key).is_none() {
                        return Err(AppError::validation(
                            "step",
                            format!(
                                "is not a step of this vacancy's assessment plan; its steps are {}",
                                plan.steps
                                    .iter()
                                    .map(|s| s.key.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        ));
                    }
                }
            }
            let batch = if step.is_some() {
                STEP_SCAN_BATCH
            } else {
                limit + 1
            };
            let mut vacancies: HashMap<String, crate::db::vacancies::VacancyRow> = HashMap::new();
            let mut kept: Vec<ApplicationRow> = Vec::new();
            let mut progress: HashMap<String, Progress> = HashMap::new();
            let mut scanned = 0usize;
            let mut last_scanned: Option<(String, String)> = None;
            let exhausted = loop {
                let rows = store::list_for_org(
                    conn,
                    OrgListFilter {
                        org: &c.org,
                        status: status.clone(),
                        vacancy_id: vacancy_filter.clone(),
                        updated_since: updated_since.clone(),
                        submitted_by: submitted_by.clone(),
                        after: after.clone(),
                        limit: batch,
                    },
                )?;
                let fetched = rows.len() as i64;
                scanned += rows.len();
                let missing: Vec<String> = rows
                    .iter()
                    .map(|r| r.vacancy_id.clone())
                    .filter(|id| !vacancies.contains_key(id))
                    .collect::<std::collections::HashSet<_>>()
                    .into_iter()
                    .collect();
                for v in crate::db::vacancies::find_many(conn, &c.org, &missing)? {
                    vacancies.insert(v.id.clone(), v);
                }
                let mut found = crate::service::steps::progress_across(conn, &vacancies, &rows)?;
                for r in rows {
                    last_scanned = Some((r.updated_at.clone(), r.id.clone()));
                    let p = found.remove(&r.id);
                    let wanted = match (&step, &p) {
                        (None, _) => true,
                        (Some(key), Some(p)) => &p.current_step == key,
                        (Some(_), None) => false,
                    };
                    if wanted && (kept.len() as i64) <= limit {
                        if let Some(p) = p {
                            progress.insert(r.id.clone(), p);
                        }
                        kept.push(r);
                    }
                }
                if (kept.len() as i64) > limit || fetched < batch {
                    break fetched < batch && (kept.len() as i64) <= limit;
                }
                if scanned >= STEP_SCAN_MAX {
                    break false;
                }
                after = last_scanned.clone();
            };
            let next_cursor = if (kept.len() as i64) > limit {
                kept.truncate(limit as usize);
                kept.last().map(|r| encode_cursor(&[&r.updated_at, &r.id]))
            } else if exhausted {
                None
            } else {
                // The scan stopped early: carry on from the last row examined.
                last_scanned.map(|(at, id)| encode_cursor(&[&at, &id]))
            };
            Ok((kept, vacancies, progress, next_cursor))
        })
        .await?;
    let items = page
        .iter()
        .map(|r| {
            let vacancy = vacancies.get(&r.vacancy_id).ok_or(AppError::NotFound)?;
            Application::for_caller(r, &caller, vacancy, progress.remove(&r.id))
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(page_response(&req, items, next_cursor))
}
