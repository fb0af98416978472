//! Applications: portals submit them, recruiters move them through their lifecycle.

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
use crate::db::applications::{self as store, ApplicationRow, ListFilter};
use crate::db::Db;
use crate::domain::application::{validate_declarations, ApplicationStatus};
use crate::error::{AppError, Problem};
use crate::service::steps::StepProgress;

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
    /// `null` wherever `candidate` is.
    pub declarations: Option<Declarations>,
    pub status: ApplicationStatus,
    /// The step of the vacancy's assessment plan the application is at.
    #[serde(default)]
    pub current_step: Option<String>,
    /// Each step's outcome and candidate-facing feedback, in plan order.
    #[serde(default)]
    pub steps: Option<Vec<StepProgress>>,
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: String,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: String,
    pub version: i32,
}

impl Application {
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
            let progress = crate::service::steps::progress_of_rows(conn, &visible.vacancy, &rows)?;
            Ok((rows, visible.vacancy, progress))
        })
        .await?;
    let (rows, vacancy, mut progress) = (rows.0, rows.1, rows.2);
    let (rows, next_cursor) = one_page(rows, limit, |r| encode_cursor(&[&r.submitted_at, &r.id]));
    let items = rows
        .iter()
        .map(|r| {
            Ok(
                Application::from_row(r, access::hide_identity(&caller, &vacancy, r))?
                    .with_progress(progress.remove(&r.id)),
            )
        })
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
            let progress = crate::service::steps::progress_of_rows(
                conn,
                &visible.vacancy,
                std::slice::from_ref(&visible.application),
            )?;
            Ok((visible, progress))
        })
        .await?;
    let application = Application::from_row(&visible.application, visible.hide_identity(&caller))?
        .with_progress(progress.remove(&visible.application.id));
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
