//! `/api/v1/vacancies/{id}/criteria`: the person specification. Editable only while the
//! vacancy is a draft.

use actix_web::http::header;
use actix_web::{delete, get, patch, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::vacancies::{load_visible, methods_json, parse_methods, READERS, WRITERS};
use super::{actor, validate};
use crate::auth::Caller;
use crate::db::criteria::{self as store, CriterionRow};
use crate::db::vacancies::VacancyRow;
use crate::db::{self, Db};
use crate::domain::criteria::{validate_spec, CriterionDraft};
use crate::domain::{FieldError, Method, Requirement};
use crate::error::{AppError, Problem};
use crate::service::spec;

/// Largest specification accepted in one request (the biggest seed has about 40).
pub const MAX_CRITERIA: usize = 200;

/// One criterion of a person specification.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Criterion {
    pub id: String,
    /// E.g. Qualifications, Knowledge, Experience, Skills and abilities.
    pub category: String,
    pub description: String,
    pub requirement: Requirement,
    /// How the criterion is assessed.
    pub methods: Vec<Method>,
    /// 1–10.
    pub weight: i32,
    /// Criteria sharing a label are alternatives: meeting one meets the group.
    pub alternative_group: Option<String>,
    /// Display order.
    pub position: i32,
}

impl Criterion {
    pub fn from_row(row: &CriterionRow) -> Result<Criterion, AppError> {
        let corrupt = || AppError::Internal(format!("stored criterion {} is corrupt", row.id));
        Ok(Criterion {
            id: row.id.clone(),
            category: row.category.clone(),
            description: row.description.clone(),
            requirement: Requirement::parse(&row.requirement).ok_or_else(corrupt)?,
            methods: parse_methods(&row.methods).ok_or_else(corrupt)?,
            weight: row.weight,
            alternative_group: row.alternative_group.clone(),
            position: row.position,
        })
    }
}

/// A criterion to add (or, in a whole-spec `PUT`, one element of the array).
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct NewCriterion {
    #[validate(length(min = 1, max = 80))]
    pub category: String,
    #[validate(length(min = 1, max = 2000))]
    pub description: String,
    pub requirement: Requirement,
    /// Non-empty; each method once.
    pub methods: Vec<Method>,
    /// 1–10, default 1.
    #[validate(range(min = 1, max = 10))]
    pub weight: Option<i32>,
    #[validate(length(min = 1, max = 80))]
    pub alternative_group: Option<String>,
    /// Display order; defaults to the end (or the array order in a `PUT`).
    #[validate(range(min = 0, max = 100000))]
    pub position: Option<i32>,
}

/// Changes to one criterion; absent fields stay, `null` clears `alternative_group`.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CriterionChanges {
    #[validate(length(min = 1, max = 80))]
    pub category: Option<String>,
    #[validate(length(min = 1, max = 2000))]
    pub description: Option<String>,
    pub requirement: Option<Requirement>,
    pub methods: Option<Vec<Method>>,
    #[validate(range(min = 1, max = 10))]
    pub weight: Option<i32>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub alternative_group: Option<Option<String>>,
    #[validate(range(min = 0, max = 100000))]
    pub position: Option<i32>,
}

pub(crate) fn trimmed(text: &str, field: &str) -> Result<String, AppError> {
    let t = text.trim();
    if t.is_empty() {
        Err(AppError::validation(field, "must not be blank"))
    } else {
        Ok(t.to_string())
    }
}

pub(crate) fn to_row(
    vacancy_id: &str,
    c: &NewCriterion,
    default_position: i32,
) -> Result<CriterionRow, AppError> {
    Ok(CriterionRow {
        id: db::new_id(),
        vacancy_id: vacancy_id.to_string(),
        category: trimmed(&c.category, "category")?,
        description: trimmed(&c.description, "description")?,
        requirement: c.requirement.as_str().into(),
        methods: methods_json(&c.methods),
        weight: c.weight.unwrap_or(1),
        alternative_group: c
            .alternative_group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(str::to_string),
        position: c.position.unwrap_or(default_position),
    })
}

/// Spec-wide rules over the rows as they would be stored. `label` maps an error at
/// index i back to the request (`[i]` of a `PUT` body, `""` for the criterion being
/// written, `None` for a stored one it conflicts with).
pub(crate) fn check_spec(
    rows: &[CriterionRow],
    label: impl Fn(usize) -> Option<String>,
) -> Result<(), AppError> {
    let drafts: Vec<CriterionDraft> = rows
        .iter()
        .map(|r| {
            Ok(CriterionDraft {
                requirement: crate::service::rules::requirement(r)?,
                methods: crate::service::rules::methods("criteria.methods", &r.methods)?,
                alternative_group: r.alternative_group.clone(),
            })
        })
        .collect::<Result<_, AppError>>()?;
    let errors: Vec<FieldError> = validate_spec(&drafts)
        .into_iter()
        .filter_map(|e| {
            // Field paths come back as `[i].field`; rename to what the caller sent.
            let (index, rest) = e.field.strip_prefix('[')?.split_once(']')?;
            let index: usize = index.parse().ok()?;
            Some(match label(index) {
                Some(prefix) => {
                    FieldError::new(format!("{prefix}{rest}").trim_start_matches('.'), e.message)
                }
                None => FieldError::new(
                    "alternative_group",
                    format!("conflicts with an existing criterion: {}", e.message),
                ),
            })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Field checks over a whole-spec body (`PUT` or import): size, then each criterion, with
/// errors named `[i].field`.
pub(super) fn validate_whole_spec(body: &[NewCriterion]) -> Result<(), AppError> {
    if body.len() > MAX_CRITERIA {
        return Err(AppError::validation(
            "",
            format!("a person specification holds at most {MAX_CRITERIA} criteria"),
        ));
    }
    let mut errors = Vec::new();
    for (i, c) in body.iter().enumerate() {
        if let Err(AppError::Validation(list)) = validate(c) {
            errors.extend(
                list.into_iter()
                    .map(|e| FieldError::new(format!("[{i}].{}", e.field), e.message)),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// The rows a whole-spec replacement of `vacancy` would store, checked (every criterion
/// valid, spec-wide rules hold). Pure: nothing is read or written.
pub(crate) fn replacement_rows(
    vacancy: &VacancyRow,
    body: &[NewCriterion],
) -> Result<Vec<CriterionRow>, AppError> {
    let rows = body
        .iter()
        .enumerate()
        .map(|(i, c)| {
            to_row(&vacancy.id, c, i as i32).map_err(|e| match e {
                AppError::Validation(list) => AppError::Validation(
                    list.into_iter()
                        .map(|f| FieldError::new(format!("[{i}].{}", f.field), f.message))
                        .collect(),
                ),
                other => other,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    check_spec(&rows, |i| Some(format!("[{i}]")))?;
    Ok(rows)
}

#[utoipa::path(
    tag = "person specification",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    responses(
        (status = 200, description = "The criteria in display order", body = Vec<Criterion>),
        (status = 404, description = "No such vacancy visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies/{vacancy_id}/criteria")]
pub async fn list_criteria(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(READERS)?;
    let id = path.into_inner();
    let rows = db
        .read(move |conn| {
            let vacancy = load_visible(conn, &caller, &id)?;
            Ok(store::for_vacancy(conn, &vacancy.id)?)
        })
        .await?;
    let items = rows
        .iter()
        .map(Criterion::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

#[utoipa::path(
    tag = "person specification",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    request_body = NewCriterion,
    responses(
        (status = 201, description = "Added; `Location` set", body = Criterion),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy is no longer a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid criterion", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/vacancies/{vacancy_id}/criteria")]
pub async fn add_criterion(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<NewCriterion>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let body = body.into_inner();
    validate(&body)?;
    let vacancy_id = path.into_inner();
    let actor = actor(&caller, &req);
    let row = spec::add(&db, caller, actor, vacancy_id, body).await?;
    let criterion = Criterion::from_row(&row)?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/vacancies/{}/criteria/{}", row.vacancy_id, row.id),
        ))
        .json(criterion))
}

#[utoipa::path(
    tag = "person specification",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    request_body = Vec<NewCriterion>,
    responses(
        (status = 200, description = "The stored specification, with ids", body = Vec<Criterion>),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy is no longer a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid criteria; fields named `[i].field`", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/vacancies/{vacancy_id}/criteria")]
pub async fn replace_criteria(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<Vec<NewCriterion>>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let body = body.into_inner();
    validate_whole_spec(&body)?;
    let vacancy_id = path.into_inner();
    let actor = actor(&caller, &req);
    let rows = spec::replace(
        &db,
        caller,
        actor,
        vacancy_id,
        body,
        "criteria.replaced",
        None,
    )
    .await?;
    let items = rows
        .iter()
        .map(Criterion::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(items))
}

#[utoipa::path(
    tag = "person specification",
    params(
        ("vacancy_id" = String, Path, description = "Vacancy id"),
        ("criterion_id" = String, Path, description = "Criterion id"),
    ),
    request_body = CriterionChanges,
    responses(
        (status = 200, description = "The changed criterion", body = Criterion),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy or criterion", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy is no longer a draft", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/vacancies/{vacancy_id}/criteria/{criterion_id}")]
pub async fn update_criterion(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<(String, String)>,
    body: web::Json<CriterionChanges>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let changes = body.into_inner();
    validate(&changes)?;
    if let Some(Some(group)) = &changes.alternative_group {
        if group.trim().is_empty() || group.chars().count() > 80 {
            return Err(AppError::validation(
                "alternative_group",
                "length must be between 1 and 80",
            ));
        }
    }
    let (vacancy_id, criterion_id) = path.into_inner();
    let actor = actor(&caller, &req);
    let row = spec::update(&db, caller, actor, vacancy_id, criterion_id, changes).await?;
    Ok(HttpResponse::Ok().json(Criterion::from_row(&row)?))
}

#[utoipa::path(
    tag = "person specification",
    params(
        ("vacancy_id" = String, Path, description = "Vacancy id"),
        ("criterion_id" = String, Path, description = "Criterion id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy or criterion", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy is no longer a draft", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/vacancies/{vacancy_id}/criteria/{criterion_id}")]
pub async fn delete_criterion(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let (vacancy_id, criterion_id) = path.into_inner();
    let actor = actor(&caller, &req);
    spec::delete(&db, caller, actor, vacancy_id, criterion_id).await?;
    Ok(HttpResponse::NoContent().finish())
}
