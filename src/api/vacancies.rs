//! `/api/v1/vacancies`: create, list, read, change and move vacancies through their
//! lifecycle.

use actix_web::http::header;
use actix_web::{get, patch, post, web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{
    actor, check_if_match, decode_cursor, encode_cursor, etag, one_page, page_response, validate,
    Page, PageParams,
};
use crate::auth::{Caller, Role};
use crate::db::vacancies::{self as store, ListCursor, ListFilter, VacancyRow};
use crate::db::{self, Db, DbConnection};
use crate::domain::checks::effective_dbs_level;
use crate::domain::criteria::validate_methods;
use crate::domain::time::uk_date;
use crate::domain::vacancy::{
    validate_settings, DbsLevel, DrivingRequirement, VacancySettings, VacancyStatus,
    DEFAULT_MAX_AT_FAULT_ACCIDENTS, DEFAULT_MAX_PENALTY_POINTS, DEFAULT_REFERENCES_REQUIRED,
    DEFAULT_TRAINING_AT_FAULT_ACCIDENTS, DEFAULT_TRAINING_PENALTY_POINTS,
};
use crate::domain::{FieldError, Method};
use crate::error::{AppError, Problem};
use crate::service::vacancies as service;

pub const WRITERS: &[Role] = &[Role::Admin, Role::Recruiter];
pub const READERS: &[Role] = &[
    Role::Admin,
    Role::Recruiter,
    Role::Viewer,
    Role::Panel,
    Role::Portal,
];

/// The marking scale of a vacancy.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, Validate, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Lowest score, e.g. 0 (no evidence).
    #[schema(minimum = 0, maximum = 100)]
    #[validate(range(min = 0, max = 100))]
    pub min: i32,
    /// Highest score, e.g. 3 (exceeded).
    #[schema(minimum = 0, maximum = 100)]
    #[validate(range(min = 0, max = 100))]
    pub max: i32,
    /// Lowest score that meets a criterion, e.g. 2.
    #[schema(minimum = 0, maximum = 100)]
    #[validate(range(min = 0, max = 100))]
    pub pass_mark: i32,
    /// A (criterion, method) pair with fewer counting assessors than this, and no
    /// agreed score, is pending. Default 1.
    #[schema(minimum = 1, maximum = 20)]
    #[validate(range(min = 1, max = 20))]
    #[serde(default = "one_assessor")]
    pub min_assessors: i32,
}

fn one_assessor() -> i32 {
    1
}

impl Default for Scoring {
    fn default() -> Scoring {
        Scoring {
            min: 0,
            max: 3,
            pass_mark: 2,
            min_assessors: 1,
        }
    }
}

/// A vacancy as the API returns it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Vacancy {
    pub id: String,
    pub reference: String,
    pub title: String,
    pub grade: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub hours_per_week: Option<f64>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    /// Applications close at the end of this day, UK time.
    #[schema(value_type = Option<String>, format = Date, example = "2026-12-31")]
    pub closing_date: Option<String>,
    pub description: Option<String>,
    pub status: VacancyStatus,
    pub dbs_level: DbsLevel,
    pub driving_requirement: DrivingRequirement,
    pub max_penalty_points: i32,
    pub max_at_fault_accidents: i32,
    /// Penalty points at which a driver is sent on corrective training (seed 001: 6).
    pub training_penalty_points: i32,
    /// At-fault accidents in two years at which a driver is sent on corrective
    /// training (seed 001: 2).
    pub training_at_fault_accidents: i32,
    pub professional_registration: Option<String>,
    pub references_required: i32,
    pub occupational_health_required: bool,
    /// Baseline Personnel Security Standard: identity, right to work, three years'
    /// employment history and at least a basic DBS check.
    pub bpss_required: bool,
    /// The DBS level checks are held to: `dbs_level` as set, raised to `basic` when
    /// `bpss_required` and `dbs_level` is `none`.
    pub effective_dbs_level: DbsLevel,
    /// The post bars political activity: applicants declare
    /// `politically_restricted_accepted`, without which there is no offer.
    pub politically_restricted: bool,
    pub guaranteed_interview_scheme: bool,
    pub anonymised_shortlisting: bool,
    pub scoring: Scoring,
    pub shortlisting_methods: Vec<Method>,
    /// How many people the vacancy appoints.
    pub positions: i32,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: String,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: String,
    /// Increases with every change; the `ETag` of the vacancy.
    pub version: i32,
}

impl Vacancy {
    pub fn from_row(row: &VacancyRow) -> Result<Vacancy, AppError> {
        let corrupt =
            |what: &str| AppError::Internal(format!("stored vacancy {} has a bad {what}", row.id));
        Ok(Vacancy {
            id: row.id.clone(),
            reference: row.reference.clone(),
            title: row.title.clone(),
            grade: row.grade.clone(),
            department: row.department.clone(),
            location: row.location.clone(),
            hours_per_week: row.hours_per_week,
            salary_min: row.salary_min,
            salary_max: row.salary_max,
            closing_date: row.closing_date.clone(),
            description: row.description.clone(),
            status: VacancyStatus::parse(&row.status).ok_or_else(|| corrupt("status"))?,
            dbs_level: DbsLevel::parse(&row.dbs_level).ok_or_else(|| corrupt("dbs_level"))?,
            driving_requirement: DrivingRequirement::parse(&row.driving_requirement)
                .ok_or_else(|| corrupt("driving_requirement"))?,
            max_penalty_points: row.max_penalty_points,
            max_at_fault_accidents: row.max_at_fault_accidents,
            training_penalty_points: row.training_penalty_points,
            training_at_fault_accidents: row.training_at_fault_accidents,
            professional_registration: row.professional_registration.clone(),
            references_required: row.references_required,
            occupational_health_required: row.occupational_health_required,
            bpss_required: row.bpss_required,
            effective_dbs_level: effective_dbs_level(
                DbsLevel::parse(&row.dbs_level).ok_or_else(|| corrupt("dbs_level"))?,
                row.bpss_required,
            ),
            politically_restricted: row.politically_restricted,
            guaranteed_interview_scheme: row.guaranteed_interview_scheme,
            anonymised_shortlisting: row.anonymised_shortlisting,
            scoring: Scoring {
                min: row.scoring_min,
                max: row.scoring_max,
                pass_mark: row.scoring_pass_mark,
                min_assessors: row.min_assessors,
            },
            shortlisting_methods: parse_methods(&row.shortlisting_methods)
                .ok_or_else(|| corrupt("shortlisting_methods"))?,
            positions: row.positions,
            created_at: row.created_at.clone(),
            updated_at: row.updated_at.clone(),
            version: row.version,
        })
    }
}

pub fn parse_methods(json: &str) -> Option<Vec<Method>> {
    serde_json::from_str(json).ok()
}

pub fn methods_json(methods: &[Method]) -> String {
    serde_json::to_string(methods).unwrap_or_else(|_| "[]".into())
}

/// A new vacancy. Only `reference` and `title` are required; the rest default as
/// documented.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewVacancy {
    /// The employer's reference, e.g. `SC173`.
    #[validate(length(min = 1, max = 50))]
    pub reference: String,
    #[validate(length(min = 1, max = 200))]
    pub title: String,
    #[validate(length(max = 50))]
    pub grade: Option<String>,
    #[validate(length(max = 200))]
    pub department: Option<String>,
    #[validate(length(max = 200))]
    pub location: Option<String>,
    pub hours_per_week: Option<f64>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    #[schema(value_type = Option<String>, format = Date, example = "2026-12-31")]
    pub closing_date: Option<NaiveDate>,
    #[validate(length(max = 20000))]
    pub description: Option<String>,
    /// Default `none`.
    pub dbs_level: Option<DbsLevel>,
    /// Default `none`.
    pub driving_requirement: Option<DrivingRequirement>,
    /// Default 9.
    pub max_penalty_points: Option<i32>,
    /// Default 3 (in the last two years).
    pub max_at_fault_accidents: Option<i32>,
    /// Default 6 (seed 001's trigger point for corrective driver training).
    pub training_penalty_points: Option<i32>,
    /// Default 2 (in the last two years).
    pub training_at_fault_accidents: Option<i32>,
    /// Default false.
    pub bpss_required: Option<bool>,
    /// Default false.
    pub politically_restricted: Option<bool>,
    /// Registration body, e.g. `Social Work England`.
    #[validate(length(min = 1, max = 200))]
    pub professional_registration: Option<String>,
    /// Default 2.
    pub references_required: Option<i32>,
    /// Default false.
    pub occupational_health_required: Option<bool>,
    /// Disability Confident guaranteed interview scheme; default true.
    pub guaranteed_interview_scheme: Option<bool>,
    /// Default false.
    pub anonymised_shortlisting: Option<bool>,
    /// Default 0–3, pass mark 2.
    #[validate(nested)]
    pub scoring: Option<Scoring>,
    /// Methods that count at the shortlisting stage; default `["application"]`.
    pub shortlisting_methods: Option<Vec<Method>>,
    /// How many people the vacancy appoints; default 1. Appointments never exceed it.
    #[validate(range(min = 1, max = 1000))]
    pub positions: Option<i32>,
}

/// Changes to a vacancy. Absent fields stay as they are; `null` clears an optional
/// field. Once the vacancy is open only the descriptive fields may change.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct VacancyChanges {
    #[validate(length(min = 1, max = 50))]
    pub reference: Option<String>,
    #[validate(length(min = 1, max = 200))]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub grade: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub department: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub location: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<f64>)]
    pub hours_per_week: Option<Option<f64>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<f64>)]
    pub salary_min: Option<Option<f64>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<f64>)]
    pub salary_max: Option<Option<f64>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>, format = Date)]
    pub closing_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub dbs_level: Option<DbsLevel>,
    pub driving_requirement: Option<DrivingRequirement>,
    pub max_penalty_points: Option<i32>,
    pub max_at_fault_accidents: Option<i32>,
    pub training_penalty_points: Option<i32>,
    pub training_at_fault_accidents: Option<i32>,
    pub bpss_required: Option<bool>,
    pub politically_restricted: Option<bool>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub professional_registration: Option<Option<String>>,
    pub references_required: Option<i32>,
    pub occupational_health_required: Option<bool>,
    pub guaranteed_interview_scheme: Option<bool>,
    pub anonymised_shortlisting: Option<bool>,
    #[validate(nested)]
    pub scoring: Option<Scoring>,
    pub shortlisting_methods: Option<Vec<Method>>,
    /// May change until the vacancy is filled or cancelled, never below the number
    /// already appointed.
    #[validate(range(min = 1, max = 1000))]
    pub positions: Option<i32>,
}

/// Text lengths of the optional fields that `validator` cannot reach inside
/// `Option<Option<_>>`.
fn check_lengths(changes: &VacancyChanges) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut check = |field: &str, value: &Option<Option<String>>, min: usize, max: usize| {
        if let Some(Some(text)) = value {
            let n = text.chars().count();
            if n < min || n > max {
                errors.push(FieldError::new(
                    field,
                    format!("length must be between {min} and {max}"),
                ));
            }
        }
    };
    check("grade", &changes.grade, 0, 50);
    check("department", &changes.department, 0, 200);
    check("location", &changes.location, 0, 200);
    check("description", &changes.description, 0, 20000);
    check(
        "professional_registration",
        &changes.professional_registration,
        1,
        200,
    );
    errors
}

/// Body of `POST …/transitions`.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct VacancyTransition {
    pub to: VacancyStatus,
    /// Why; required to cancel.
    #[validate(length(min = 1, max = 2000))]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VacancyListParams {
    /// Only vacancies in this status.
    pub status: Option<VacancyStatus>,
}

fn settings_of(row: &VacancyRow, methods: usize) -> VacancySettings {
    VacancySettings {
        salary_min: row.salary_min,
        salary_max: row.salary_max,
        scoring_min: row.scoring_min,
        scoring_max: row.scoring_max,
        scoring_pass_mark: row.scoring_pass_mark,
        max_penalty_points: row.max_penalty_points,
        max_at_fault_accidents: row.max_at_fault_accidents,
        training_penalty_points: row.training_penalty_points,
        training_at_fault_accidents: row.training_at_fault_accidents,
        references_required: row.references_required,
        hours_per_week: row.hours_per_week,
        shortlisting_methods_count: methods,
    }
}

pub(crate) fn check_row(row: &VacancyRow, shortlisting_methods: &[Method]) -> Result<(), AppError> {
    let mut errors = validate_settings(&settings_of(row, shortlisting_methods.len()));
    if !shortlisting_methods.is_empty() {
        errors.extend(validate_methods(
            shortlisting_methods,
            "shortlisting_methods",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn blank_to_none(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn vacancy_response(status: actix_web::http::StatusCode, vacancy: Vacancy) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::ETAG, etag(vacancy.version)))
        .json(vacancy)
}

/// Loads a vacancy the caller may see (see [`super::access::vacancy`]).
pub fn load_visible(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<VacancyRow, AppError> {
    Ok(super::access::vacancy(conn, caller, id)?.vacancy)
}

#[utoipa::path(
    tag = "vacancies",
    request_body = NewVacancy,
    responses(
        (status = 201, description = "Created; `Location` and `ETag` set", body = Vacancy),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/vacancies")]
pub async fn create_vacancy(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    body: web::Json<NewVacancy>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let body = body.into_inner();
    let field_errors = match validate(&body) {
        Err(AppError::Validation(list)) => list,
        _ => Vec::new(),
    };
    let scoring = body.scoring.unwrap_or_default();
    let shortlisting_methods = body
        .shortlisting_methods
        .unwrap_or_else(|| vec![Method::Application]);
    let now = db::now_text();
    let row = VacancyRow {
        id: db::new_id(),
        org: caller.org.clone(),
        reference: body.reference.trim().to_string(),
        title: body.title.trim().to_string(),
        grade: blank_to_none(body.grade),
        department: blank_to_none(body.department),
        location: blank_to_none(body.location),
        hours_per_week: body.hours_per_week,
        salary_min: body.salary_min,
        salary_max: body.salary_max,
        closing_date: body.closing_date.map(|d| d.to_string()),
        description: body.description,
        status: VacancyStatus::Draft.as_str().into(),
        dbs_level: body.dbs_level.unwrap_or(DbsLevel::None).as_str().into(),
        driving_requirement: body
            .driving_requirement
            .unwrap_or(DrivingRequirement::None)
            .as_str()
            .into(),
        max_penalty_points: body
            .max_penalty_points
            .unwrap_or(DEFAULT_MAX_PENALTY_POINTS),
        max_at_fault_accidents: body
            .max_at_fault_accidents
            .unwrap_or(DEFAULT_MAX_AT_FAULT_ACCIDENTS),
        professional_registration: blank_to_none(body.professional_registration),
        references_required: body
            .references_required
            .unwrap_or(DEFAULT_REFERENCES_REQUIRED),
        occupational_health_required: body.occupational_health_required.unwrap_or(false),
        bpss_required: body.bpss_required.unwrap_or(false),
        politically_restricted: body.politically_restricted.unwrap_or(false),
        training_penalty_points: body
            .training_penalty_points
            .unwrap_or(DEFAULT_TRAINING_PENALTY_POINTS),
        training_at_fault_accidents: body
            .training_at_fault_accidents
            .unwrap_or(DEFAULT_TRAINING_AT_FAULT_ACCIDENTS),
        guaranteed_interview_scheme: body.guaranteed_interview_scheme.unwrap_or(true),
        anonymised_shortlisting: body.anonymised_shortlisting.unwrap_or(false),
        scoring_min: scoring.min,
        scoring_max: scoring.max,
        scoring_pass_mark: scoring.pass_mark,
        min_assessors: scoring.min_assessors,
        shortlisting_methods: methods_json(&shortlisting_methods),
        created_at: now.clone(),
        updated_at: now,
        version: 1,
        positions: body.positions.unwrap_or(1),
    };
    if let Err(AppError::Validation(more)) = check_row(&row, &shortlisting_methods) {
        return Err(AppError::Validation([field_errors, more].concat()));
    }
    if !field_errors.is_empty() {
        return Err(AppError::Validation(field_errors));
    }
    let actor = actor(&caller, &req);
    let row = service::create(&db, actor, row).await?;
    let vacancy = Vacancy::from_row(&row)?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/vacancies/{}", vacancy.id),
        ))
        .insert_header((header::ETAG, etag(vacancy.version)))
        .json(vacancy))
}

#[utoipa::path(
    tag = "vacancies",
    params(VacancyListParams, PageParams),
    responses(
        (status = 200, description = "Newest first; `Link: <…>; rel=\"next\"` when there is more", body = Page<Vacancy>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies")]
pub async fn list_vacancies(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    filter: web::Query<VacancyListParams>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(READERS)?;
    validate(&*page)?;
    let limit = page.limit();
    let after = match &page.cursor {
        Some(cursor) => {
            let mut parts = decode_cursor(cursor, 2)?;
            let id = parts.pop().unwrap_or_default();
            let created_at = parts.pop().unwrap_or_default();
            Some(ListCursor { created_at, id })
        }
        None => None,
    };
    let requested = filter.status.map(|s| s.as_str().to_string());
    // Staff list everything; a panel member lists the vacancies whose panel they sit
    // on (plus open ones when also a portal); a portal lists open vacancies only.
    let (statuses, panel_member) = if caller.is_staff() {
        (requested.map(|s| vec![s]), None)
    } else if caller.has(Role::Panel) {
        (requested.map(|s| vec![s]), Some(caller.sub.clone()))
    } else if caller.has(Role::Portal) {
        match requested {
            Some(s) if s != VacancyStatus::Open.as_str() => (Some(vec![]), None),
            _ => (Some(vec![VacancyStatus::Open.as_str().to_string()]), None),
        }
    } else {
        (Some(vec![]), None)
    };
    let org = caller.org.clone();
    let rows = db
        .read(move |conn| {
            store::list(
                conn,
                ListFilter {
                    org: &org,
                    statuses,
                    panel_member,
                    after,
                    limit: limit + 1,
                },
            )
            .map_err(AppError::from)
        })
        .await?;
    let (rows, next_cursor) = one_page(rows, limit, |r| encode_cursor(&[&r.created_at, &r.id]));
    let items = rows
        .iter()
        .map(Vacancy::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(page_response(&req, items, next_cursor))
}

#[utoipa::path(
    tag = "vacancies",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    responses(
        (status = 200, description = "The vacancy; `ETag` set", body = Vacancy),
        (status = 404, description = "No such vacancy visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies/{vacancy_id}")]
pub async fn get_vacancy(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(READERS)?;
    let id = path.into_inner();
    let row = db
        .read_short(move |conn| load_visible(conn, &caller, &id))
        .await?;
    Ok(vacancy_response(
        actix_web::http::StatusCode::OK,
        Vacancy::from_row(&row)?,
    ))
}

/// Fields that describe the post; they may still change while it is open (e.g. a
/// closing date extended). Everything else decides how applicants are judged.
pub(crate) fn only_descriptive(changes: &VacancyChanges) -> Option<&'static str> {
    let fixed: [(&'static str, bool); 15] = [
        (
            "training_penalty_points",
            changes.training_penalty_points.is_some(),
        ),
        (
            "training_at_fault_accidents",
            changes.training_at_fault_accidents.is_some(),
        ),
        ("bpss_required", changes.bpss_required.is_some()),
        (
            "politically_restricted",
            changes.politically_restricted.is_some(),
        ),
        ("dbs_level", changes.dbs_level.is_some()),
        ("driving_requirement", changes.driving_requirement.is_some()),
        ("max_penalty_points", changes.max_penalty_points.is_some()),
        (
            "max_at_fault_accidents",
            changes.max_at_fault_accidents.is_some(),
        ),
        (
            "professional_registration",
            changes.professional_registration.is_some(),
        ),
        ("references_required", changes.references_required.is_some()),
        (
            "occupational_health_required",
            changes.occupational_health_required.is_some(),
        ),
        (
            "guaranteed_interview_scheme",
            changes.guaranteed_interview_scheme.is_some(),
        ),
        (
            "anonymised_shortlisting",
            changes.anonymised_shortlisting.is_some(),
        ),
        ("scoring", changes.scoring.is_some()),
        (
            "shortlisting_methods",
            changes.shortlisting_methods.is_some(),
        ),
    ];
    fixed
        .iter()
        .find(|(_, present)| *present)
        .map(|(name, _)| *name)
}

pub(crate) fn apply_changes(row: &mut VacancyRow, changes: VacancyChanges) {
    if let Some(v) = changes.reference {
        row.reference = v.trim().to_string();
    }
    if let Some(v) = changes.title {
        row.title = v.trim().to_string();
    }
    if let Some(v) = changes.grade {
        row.grade = blank_to_none(v);
    }
    if let Some(v) = changes.department {
        row.department = blank_to_none(v);
    }
    if let Some(v) = changes.location {
        row.location = blank_to_none(v);
    }
    if let Some(v) = changes.hours_per_week {
        row.hours_per_week = v;
    }
    if let Some(v) = changes.salary_min {
        row.salary_min = v;
    }
    if let Some(v) = changes.salary_max {
        row.salary_max = v;
    }
    if let Some(v) = changes.closing_date {
        row.closing_date = v.map(|d| d.to_string());
    }
    if let Some(v) = changes.description {
        row.description = v;
    }
    if let Some(v) = changes.dbs_level {
        row.dbs_level = v.as_str().into();
    }
    if let Some(v) = changes.driving_requirement {
        row.driving_requirement = v.as_str().into();
    }
    if let Some(v) = changes.max_penalty_points {
        row.max_penalty_points = v;
    }
    if let Some(v) = changes.max_at_fault_accidents {
        row.max_at_fault_accidents = v;
    }
    if let Some(v) = changes.training_penalty_points {
        row.training_penalty_points = v;
    }
    if let Some(v) = changes.training_at_fault_accidents {
        row.training_at_fault_accidents = v;
    }
    if let Some(v) = changes.bpss_required {
        row.bpss_required = v;
    }
    if let Some(v) = changes.politically_restricted {
        row.politically_restricted = v;
    }
    if let Some(v) = changes.professional_registration {
        row.professional_registration = blank_to_none(v);
    }
    if let Some(v) = changes.references_required {
        row.references_required = v;
    }
    if let Some(v) = changes.occupational_health_required {
        row.occupational_health_required = v;
    }
    if let Some(v) = changes.guaranteed_interview_scheme {
        row.guaranteed_interview_scheme = v;
    }
    if let Some(v) = changes.anonymised_shortlisting {
        row.anonymised_shortlisting = v;
    }
    if let Some(v) = changes.scoring {
        row.scoring_min = v.min;
        row.scoring_max = v.max;
        row.scoring_pass_mark = v.pass_mark;
        row.min_assessors = v.min_assessors;
    }
    if let Some(v) = changes.shortlisting_methods {
        row.shortlisting_methods = methods_json(&v);
    }
    if let Some(v) = changes.positions {
        row.positions = v;
    }
}

#[utoipa::path(
    tag = "vacancies",
    params(
        ("vacancy_id" = String, Path, description = "Vacancy id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` last read; 412 if the vacancy changed since"),
    ),
    request_body = VacancyChanges,
    responses(
        (status = 200, description = "The changed vacancy; new `ETag`", body = Vacancy),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The field cannot change in the vacancy's status", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not match the current version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/vacancies/{vacancy_id}")]
pub async fn update_vacancy(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<VacancyChanges>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let changes = body.into_inner();
    validate(&changes)?;
    let length_errors = check_lengths(&changes);
    if !length_errors.is_empty() {
        return Err(AppError::Validation(length_errors));
    }
    let id = path.into_inner();
    let headers = req.headers().clone();
    let actor = actor(&caller, &req);
    let precondition = move |version: i32| check_if_match(&headers, version);
    let row = service::update(&db, caller, actor, id, precondition, changes).await?;
    Ok(vacancy_response(
        actix_web::http::StatusCode::OK,
        Vacancy::from_row(&row)?,
    ))
}

#[utoipa::path(
    tag = "vacancies",
    params(
        ("vacancy_id" = String, Path, description = "Vacancy id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` last read; 412 if the vacancy changed since"),
    ),
    request_body = VacancyTransition,
    responses(
        (status = 200, description = "The vacancy in its new status", body = Vacancy),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Illegal transition, or the vacancy is not ready to open", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "`If-Match` does not match the current version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields (e.g. a cancellation without a reason)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/vacancies/{vacancy_id}/transitions")]
pub async fn transition_vacancy(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<VacancyTransition>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let body = body.into_inner();
    validate(&body)?;
    if body.to == VacancyStatus::Cancelled && body.reason.is_none() {
        return Err(AppError::validation(
            "reason",
            "a reason is required to cancel a vacancy",
        ));
    }
    let id = path.into_inner();
    let headers = req.headers().clone();
    let actor = actor(&caller, &req);
    let precondition = move |version: i32| check_if_match(&headers, version);
    let row =
        service::transition(&db, caller, actor, id, precondition, body.to, body.reason).await?;
    Ok(vacancy_response(
        actix_web::http::StatusCode::OK,
        Vacancy::from_row(&row)?,
    ))
}

/// Today's date in the UK: closing dates are UK calendar days.
pub fn uk_today() -> NaiveDate {
    uk_date(chrono::Utc::now())
}
