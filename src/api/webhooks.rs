//! `/api/v1/webhooks`: signed deliveries of the change feed to subscribers (admins).

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{
    actor, decode_cursor, encode_cursor, one_page, page_response, validate, Page, PageParams,
};
use crate::auth::Caller;
use crate::db::Db;
use crate::delivery::WebhookConfig;
use crate::domain::events::EventType;
use crate::error::{AppError, Problem};
use crate::service::webhooks::{
    self, Delivery, NewWebhook, Webhook, WebhookChange, WebhookWithSecret,
};

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// `https://…` (or `http://…`) that receives `POST`s; loopback, private and
    /// link-local targets are refused unless the operator allowed the host.
    #[validate(length(min = 1, max = 2048))]
    pub url: String,
    /// The event types to send, e.g. `["application.status_changed"]`.
    pub events: Vec<EventType>,
    #[validate(length(max = 500))]
    pub description: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    #[validate(length(min = 1, max = 2048))]
    pub url: Option<String>,
    pub events: Option<Vec<EventType>>,
    #[validate(length(max = 500))]
    pub description: Option<String>,
    /// `false` pauses deliveries (they wait); `true` resumes them.
    pub active: Option<bool>,
}

#[derive(Debug, Deserialize, ToSchema, Validate, Default)]
#[serde(deny_unknown_fields)]
pub struct RotateSecret {
    /// How long the previous secret keeps signing beside the new one (default 24).
    #[validate(range(min = 0, max = 168))]
    pub overlap_hours: Option<i64>,
}

#[utoipa::path(
    tag = "webhooks",
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "Subscribed; the signing secret is shown this once", body = WebhookWithSecret),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The org has as many webhooks as it may", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad URL (or one that resolves to a private address), unknown event type", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks")]
pub async fn create_webhook(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    config: web::Data<WebhookConfig>,
    body: web::Json<CreateWebhook>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[crate::auth::Role::Admin])?;
    let body = body.into_inner();
    validate(&body)?;
    let actor = actor(&caller, &req);
    let created = webhooks::create(
        &db,
        &config,
        caller,
        actor,
        NewWebhook {
            url: body.url,
            events: body.events,
            description: body.description,
        },
    )
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/api/v1/webhooks/{}", created.webhook.id),
        ))
        .json(created))
}

#[utoipa::path(
    tag = "webhooks",
    params(PageParams),
    responses(
        (status = 200, description = "The org's webhooks (no secrets)", body = Page<Webhook>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = page.into_inner();
    validate(&page)?;
    let after = page
        .cursor
        .as_deref()
        .map(|c| decode_cursor(c, 1).map(|mut v| v.remove(0)))
        .transpose()?;
    let limit = page.limit();
    let rows = webhooks::list(&db, caller, after, limit + 1).await?;
    let (rows, next) = one_page(rows, limit, |w| encode_cursor(&[&w.id]));
    Ok(page_response(&req, rows, next))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = String, Path)),
    responses(
        (status = 200, description = "The webhook (no secret)", body = Webhook),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{webhook_id}")]
pub async fn get_webhook(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::Ok().json(webhooks::get(&db, caller, path.into_inner()).await?))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = String, Path)),
    request_body = UpdateWebhook,
    responses(
        (status = 200, description = "Changed", body = Webhook),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad URL or event type", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[patch("/webhooks/{webhook_id}")]
pub async fn update_webhook(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    config: web::Data<WebhookConfig>,
    path: web::Path<String>,
    body: web::Json<UpdateWebhook>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[crate::auth::Role::Admin])?;
    let body = body.into_inner();
    validate(&body)?;
    let actor = actor(&caller, &req);
    let updated = webhooks::update(
        &db,
        &config,
        caller,
        actor,
        path.into_inner(),
        WebhookChange {
            url: body.url,
            events: body.events,
            description: body.description,
            active: body.active,
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(updated))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = String, Path)),
    responses(
        (status = 204, description = "Deleted, with its pending deliveries"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[delete("/webhooks/{webhook_id}")]
pub async fn delete_webhook(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = actor(&caller, &req);
    webhooks::delete(&db, caller, actor, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = String, Path)),
    request_body(content = RotateSecret, description = "Optional"),
    responses(
        (status = 200, description = "The new secret, shown this once; the previous one signs too until `previous_secret_expires_at`", body = WebhookWithSecret),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad overlap", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks/{webhook_id}/rotate-secret")]
pub async fn rotate_secret(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: Option<web::Json<RotateSecret>>,
) -> Result<HttpResponse, AppError> {
    let body = body.map(|b| b.into_inner()).unwrap_or_default();
    validate(&body)?;
    let actor = actor(&caller, &req);
    let overlap = chrono::Duration::hours(body.overlap_hours.unwrap_or(24));
    let rotated = webhooks::rotate_secret(&db, caller, actor, path.into_inner(), overlap).await?;
    Ok(HttpResponse::Ok().json(rotated))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = String, Path), PageParams),
    responses(
        (status = 200, description = "Deliveries, newest first, each with its attempts", body = Page<Delivery>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/webhooks/{webhook_id}/deliveries")]
pub async fn list_deliveries(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    let page = page.into_inner();
    validate(&page)?;
    let before = page
        .cursor
        .as_deref()
        .map(|c| decode_cursor(c, 2).map(|v| (v[0].clone(), v[1].clone())))
        .transpose()?;
    let limit = page.limit();
    let rows = webhooks::deliveries(&db, caller, path.into_inner(), before, limit + 1).await?;
    let (rows, next) = one_page(rows, limit, |(d, created)| encode_cursor(&[created, &d.id]));
    Ok(page_response(
        &req,
        rows.into_iter().map(|(d, _)| d).collect::<Vec<_>>(),
        next,
    ))
}

#[utoipa::path(
    tag = "webhooks",
    params(("webhook_id" = String, Path), ("delivery_id" = String, Path)),
    responses(
        (status = 202, description = "Queued to be sent again now", body = Delivery),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook or delivery", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, delivery_id) = path.into_inner();
    let actor = actor(&caller, &req);
    let d = webhooks::redeliver(&db, caller, actor, id, delivery_id).await?;
    Ok(HttpResponse::Accepted().json(d))
}
