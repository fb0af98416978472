//! `/api/v1/audit-events`: the append-only record of every change (admin only).

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{decode_cursor, encode_cursor, next_link, validate, Page, PageParams};
use crate::auth::{Caller, Role};
use crate::db::audit::{self as store, AuditFilter};
use crate::db::Db;
use crate::error::{AppError, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: String,
    /// JWT `sub` of whoever made the change.
    pub actor: String,
    /// E.g. `vacancy.created`, `scoresheet.submitted`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The entity before the change (`null` on creation).
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    /// The entity after the change.
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: String,
}

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// e.g. `vacancy`, `application`, `criterion`.
    #[validate(length(max = 50))]
    pub entity_type: Option<String>,
    #[validate(length(max = 100))]
    pub entity_id: Option<String>,
}

#[utoipa::path(
    tag = "audit",
    params(AuditParams, PageParams),
    responses(
        (status = 200, description = "Oldest first; `Link` to the next page", body = Page<AuditEvent>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit-events")]
pub async fn list_audit_events(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    filter: web::Query<AuditParams>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin])?;
    validate(&*filter)?;
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
    let filter = filter.into_inner();
    let rows = db
        .read(move |conn| {
            store::list(
                conn,
                AuditFilter {
                    org: &caller.org,
                    entity_type: filter.entity_type.as_deref(),
                    entity_id: filter.entity_id.as_deref(),
                    after,
                    limit: limit + 1,
                },
            )
        })
        .await?;
    let more = rows.len() as i64 > limit;
    let rows = &rows[..rows.len().min(limit as usize)];
    let next_cursor = more
        .then(|| rows.last().map(|r| encode_cursor(&[&r.occurred_at, &r.id])))
        .flatten();
    let parse = |s: &Option<String>| s.as_deref().and_then(|t| serde_json::from_str(t).ok());
    let items = rows
        .iter()
        .map(|r| AuditEvent {
            id: r.id.clone(),
            actor: r.actor.clone(),
            action: r.action.clone(),
            entity_type: r.entity_type.clone(),
            entity_id: r.entity_id.clone(),
            before: parse(&r.before_state),
            after: parse(&r.after_state),
            request_id: r.request_id.clone(),
            occurred_at: r.occurred_at.clone(),
        })
        .collect();
    let mut response = HttpResponse::Ok();
    if let Some(cursor) = &next_cursor {
        response.insert_header((header::LINK, next_link(&req, cursor)));
    }
    Ok(response.json(Page { items, next_cursor }))
}
