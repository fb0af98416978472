//! `/api/v1/vacancies/{id}/panel`: who scores a vacancy's applicants.

use actix_web::{get, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::vacancies::{READERS, WRITERS};
use super::{access, actor, validate};
use crate::auth::Caller;
use crate::db::panels::{self as store, PanelMemberRow};
use crate::db::{self, audit, vacancies as vacancy_store, Db};
use crate::domain::panel::{validate_panel, PanelRole};
use crate::domain::vacancy::VacancyStatus;
use crate::domain::FieldError;
use crate::error::{AppError, Problem};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PanelMember {
    /// The member's JWT `sub`.
    #[validate(length(min = 1, max = 200))]
    pub user_id: String,
    pub role: PanelRole,
}

#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Panel {
    #[validate(nested)]
    pub members: Vec<PanelMember>,
}

fn to_panel(rows: &[PanelMemberRow]) -> Panel {
    Panel {
        members: rows
            .iter()
            .map(|r| PanelMember {
                user_id: r.user_id.clone(),
                role: PanelRole::parse(&r.role).unwrap_or(PanelRole::Member),
            })
            .collect(),
    }
}

#[utoipa::path(
    tag = "panels",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    responses(
        (status = 200, description = "The panel", body = Panel),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
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
            store::for_vacancy(conn, &visible.vacancy.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(to_panel(&rows)))
}

#[utoipa::path(
    tag = "panels",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    request_body = Panel,
    responses(
        (status = 200, description = "The panel as stored", body = Panel),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
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
    let members: Vec<(String, PanelRole)> = body
        .members
        .iter()
        .map(|m| (m.user_id.trim().to_string(), m.role))
        .collect();
    let errors: Vec<FieldError> = validate_panel(&members);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let id = path.into_inner();
    let actor = actor(&caller, &req);
    let rows = db
        .write(move |conn| {
            let vacancy = vacancy_store::find(conn, &caller.org, &id)?;
            if VacancyStatus::parse(&vacancy.status).is_some_and(|s| s.is_final()) {
                return Err(AppError::Conflict(format!(
                    "the vacancy is {}; its panel can no longer change",
                    vacancy.status
                )));
            }
            let before = store::for_vacancy(conn, &vacancy.id)?;
            let now = db::now_text();
            let rows: Vec<PanelMemberRow> = members
                .iter()
                .map(|(user, role)| PanelMemberRow {
                    vacancy_id: vacancy.id.clone(),
                    user_id: user.clone(),
                    role: role.as_str().into(),
                    added_at: before
                        .iter()
                        .find(|b| &b.user_id == user)
                        .map(|b| b.added_at.clone())
                        .unwrap_or_else(|| now.clone()),
                })
                .collect();
            store::replace(conn, &vacancy.id, &rows)?;
            audit::record(
                conn,
                &actor,
                "panel.replaced",
                "vacancy",
                &vacancy.id,
                Some(&before),
                Some(&rows),
            )?;
            store::for_vacancy(conn, &vacancy.id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(to_panel(&rows)))
}
