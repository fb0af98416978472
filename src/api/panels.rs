//! `/api/v1/vacancies/{id}/panel`: who scores a vacancy's applicants.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::vacancies::{READERS, WRITERS};
use super::{access, actor, validate};
use crate::auth::Caller;
use crate::db::panels::{self as store, PanelMemberRow};
use crate::db::Db;
use crate::domain::panel::{validate_panel, PanelRole};
use crate::domain::FieldError;
use crate::error::{AppError, Problem};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PanelMember {
    /// The member's JWT `sub`.
    #[validate(length(min = 1, max = 200))]
    pub user_id: String,
    pub role: PanelRole,
    /// The step keys this member scores; absent or `null`: every step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<String>>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    #[validate(nested)]
    pub members: Vec<PanelMember>,
}

fn to_panel(rows: &[PanelMemberRow]) -> Result<Panel, AppError> {
    Ok(Panel {
        members: rows
            .iter()
            .map(|r| {
                Ok(PanelMember {
                    user_id: r.user_id.clone(),
                    role: crate::service::rules::stored(
                        PanelRole::parse(&r.role),
                        "panel_members.role",
                        &r.role,
                    )?,
                    steps: crate::service::plan::member_steps(r)?,
                })
            })
            .collect::<Result<_, AppError>>()?,
    })
}

#[utoipa::path(
    tag = "panels",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    responses(
        (status = 200, description = "The panel", body = Panel),
        (status = 404, description = "No such vacancy visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies/{vacancy_id}/panel")]
pub async fn get_panel(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(READERS)?;
    let id = path.into_inner();
    let rows = db
        .read(move |conn| {
            let visible = access::vacancy(conn, &caller, &id)?;
            if !caller.is_staff() && visible.seat.is_none() {
                // A portal has no business knowing who sits on a panel.
                return Err(AppError::NotFound);
            }
            Ok(store::for_vacancy(conn, &visible.vacancy.id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(to_panel(&rows)?))
}

#[utoipa::path(
    tag = "panels",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    request_body = Panel,
    responses(
        (status = 200, description = "The panel as stored", body = Panel),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy is filled or cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid members (duplicates, two chairs)", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/vacancies/{vacancy_id}/panel")]
pub async fn set_panel(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<Panel>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let body = body.into_inner();
    validate(&body)?;
    let roles: Vec<(String, PanelRole)> = body
        .members
        .iter()
        .map(|m| (m.user_id.trim().to_string(), m.role))
        .collect();
    let mut errors: Vec<FieldError> = validate_panel(&roles);
    for (i, m) in body.members.iter().enumerate() {
        if m.steps
            .as_ref()
            .is_some_and(|s| s.is_empty() || s.len() > 10)
        {
            errors.push(FieldError::new(
                format!("members[{i}].steps"),
                "lists 1 to 10 step keys, or is absent for every step",
            ));
        }
    }
    let members: Vec<(String, PanelRole, Option<Vec<String>>)> = body
        .members
        .iter()
        .map(|m| (m.user_id.trim().to_string(), m.role, m.steps.clone()))
        .collect();
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let id = path.into_inner();
    let actor = actor(&caller, &req);
    let rows = crate::service::panels::replace(&db, caller, actor, id, members).await?;
    Ok(HttpResponse::Ok().json(to_panel(&rows)?))
}
