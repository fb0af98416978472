//! Liveness, readiness and metrics for orchestrators, load balancers and Prometheus.

use actix_web::http::header;
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{Db, ReadDb};
use crate::error::{AppError, Problem};
use crate::metrics::{Metrics, MetricsToken};

#[derive(Serialize, ToSchema)]
pub struct HealthStatus {
    /// `ok`.
    pub status: &'static str,
    /// Readiness only, when a read replica is configured (`SHORTLIST_READ_DATABASE_URL`):
    /// `ok`, or `unavailable` (reports and worklists answer 503 meanwhile; the process
    /// stays ready, since writes and every other read still work).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_database: Option<&'static str>,
}

#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The process is up", body = HealthStatus))
)]
#[get("/health/live")]
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus {
        status: "ok",
        read_database: None,
    })
}

#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The database answers; `read_database` says whether the read replica does, when one is configured", body = HealthStatus),
        (status = 503, description = "The database is unreachable", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/health/ready")]
pub async fn ready(db: web::Data<Db>, read: web::Data<ReadDb>) -> Result<HttpResponse, AppError> {
    let db = db.get_ref().clone();
    let read = read.get_ref().clone();
    let read_database = web::block(move || {
        db.ping()?;
        if !read.is_replica() {
            return Ok(None);
        }
        Ok::<_, AppError>(Some(match read.ping() {
            Ok(()) => "ok",
            Err(_) => {
                tracing::warn!("the read database (SHORTLIST_READ_DATABASE_URL) is unreachable");
                "unavailable"
            }
        }))
    })
    .await
    .map_err(|_| AppError::Unavailable)??;
    Ok(HttpResponse::Ok().json(HealthStatus {
        status: "ok",
        read_database,
    }))
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
