//! `/api/v1/events`: the org's change feed, for portals that were away.

use actix_web::{get, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use super::validate;
use crate::auth::Caller;
use crate::db::Db;
use crate::domain::events::parse_types;
use crate::error::{AppError, Problem};
use crate::service::events::{self, EventPage};

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct EventParams {
    /// Read events after this cursor (an event's `cursor`, or a page's `next_cursor`);
    /// absent: from the oldest kept.
    #[validate(length(max = 20))]
    pub after: Option<String>,
    /// Comma-separated event types, e.g. `application.status_changed,check.updated`.
    #[validate(length(max = 500))]
    pub types: Option<String>,
    /// Page size, 1–500 (default 100).
    #[validate(range(min = 1, max = 500))]
    pub limit: Option<i64>,
}

#[utoipa::path(
    tag = "events",
    params(EventParams),
    responses(
        (status = 200, description = "Events after the cursor, oldest first", body = EventPage),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Panel members have no feed", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The cursor is older than the events kept (90 days)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad cursor, type or limit", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/events")]
pub async fn list_events(
    caller: Caller,
    db: web::Data<Db>,
    query: web::Query<EventParams>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    validate(&query)?;
    let after = events::parse_cursor(query.after.as_deref())?;
    let types = parse_types(query.types.as_deref().unwrap_or(""))
        .map_err(|e| AppError::validation("types", e))?;
    let page = events::feed(&db, caller, after, types, query.limit.unwrap_or(100)).await?;
    Ok(HttpResponse::Ok().json(page))
}
