//! Liveness, readiness and metrics for orchestrators, load balancers and Prometheus.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::Db;
use crate::error::{AppError, Problem};
use crate::metrics::{Metrics, MetricsToken};

#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok`.
    pub status: &'static str,
}

#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The process is up", body = HealthStatus))
)]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: "ok" })
}

#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The database answers", body = HealthStatus),
        (status = 503, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(db: web::Data<Db>) -> Result<HttpResponse, AppError> {
    let db = db.get_ref().clone();
    web::block(move || db.ping())
        .await
        .map_err(|_| AppError::Unavailable)??;
    Ok(HttpResponse::Ok().json(HealthStatus { status: "ok" }))
}

/// Prometheus metrics.
///
/// Open unless `SHORTLIST_METRICS_TOKEN` is set, in which case it needs
/// `Authorization: Bearer <that token>`; an open endpoint belongs off the public network.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "Request counts and latencies by route pattern, database pool gauges and shortlist computations, in the Prometheus text format 0.0.4", body = String, content_type = "text/plain; version=0.0.4"),
        (status = 401, description = "`SHORTLIST_METRICS_TOKEN` is set and the request does not carry it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/metrics")]
pub async fn metrics(
    req: HttpRequest,
    metrics: web::Data<Metrics>,
    token: web::Data<MetricsToken>,
    db: web::Data<Db>,
) -> Result<HttpResponse, AppError> {
    let authorization = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if !token.allows(authorization) {
        return Err(AppError::Unauthorized(
            "the metrics endpoint needs the configured bearer token".into(),
        ));
    }
    Ok(HttpResponse::Ok()
        .content_type(crate::metrics::CONTENT_TYPE)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(metrics.render(db.pool_gauges())))
}
