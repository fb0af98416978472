//! Builds the application the same way for `main` and for the tests.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Service, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::error::{JsonPayloadError, PathError, QueryPayloadError};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::{Compress, ErrorHandlerResponse, ErrorHandlers};
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa::OpenApi;
use utoipa_actix_web::{scope, AppExt, UtoipaApp};
use utoipa_swagger_ui::SwaggerUi;

use crate::api::{
    applications, audit, checks, criteria, events, health, panels, privacy, reports, scores,
    shortlist, spec_import, steps, vacancies, webhooks,
};
use crate::auth::JwtKeys;
use crate::db::{Db, ReadDb};
use crate::error::{problem_response, AppError, Problem, PROBLEM_JSON};
use crate::metrics::{Metrics, MetricsToken, RecordRequests};
use crate::openapi::ApiDoc;
use crate::rate_limit::RateLimiter;
use std::sync::Arc;

/// What every request handler shares.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// A read replica for report-style reads (`SHORTLIST_READ_DATABASE_URL`); `None`:
    /// they read the primary.
    pub read_db: Option<Db>,
    pub keys: web::Data<JwtKeys>,
    pub body_limit_bytes: usize,
    /// `None` turns rate limiting off.
    pub rate_limit: Option<Arc<RateLimiter>>,
    /// Shared by every worker, so one scrape sees the whole process.
    pub metrics: Arc<Metrics>,
    /// When set, `GET /metrics` requires `Authorization: Bearer <this>`.
    pub metrics_token: Option<String>,
    /// Exact origins allowed cross-origin access; empty sends no CORS headers.
    pub cors_allowed_origins: Vec<String>,
    /// Where webhooks may deliver and how they retry.
    pub webhooks: Arc<crate::delivery::WebhookConfig>,
}

/// Every operation, registered through utoipa so the OpenAPI document is collected from
/// exactly what is served.
fn register<T>(app: UtoipaApp<T>) -> UtoipaApp<T>
where
    T: ServiceFactory<ServiceRequest, Config = (), Error = actix_web::Error, InitError = ()>,
{
    app.openapi(ApiDoc::openapi())
        .service(health::live)
        .service(health::ready)
        .service(health::metrics)
        .service(
            scope::scope("/api/v1")
                .service(vacancies::list_vacancies)
                .service(vacancies::create_vacancy)
                .service(vacancies::get_vacancy)
                .service(vacancies::update_vacancy)
                .service(vacancies::transition_vacancy)
                .service(criteria::list_criteria)
                .service(criteria::add_criterion)
                .service(criteria::replace_criteria)
                .service(criteria::update_criterion)
                .service(criteria::delete_criterion)
                .service(spec_import::import_criteria)
                .service(panels::get_panel)
                .service(panels::set_panel)
                .service(applications::list_org_applications)
                .service(applications::list_applications)
                .service(applications::submit_application)
                .service(applications::get_application)
                .service(applications::transition_application)
                .service(scores::submit_scoresheet)
                .service(scores::list_scores)
                .service(scores::record_agreed_scores)
                .service(scores::get_evaluation)
                .service(checks::list_checks)
                .service(checks::record_check)
                .service(checks::checks_worklist)
                .service(shortlist::get_shortlist)
                .service(shortlist::record_decisions)
                .service(shortlist::get_score_matrix)
                .service(shortlist::get_summary)
                .service(steps::get_plan)
                .service(steps::put_plan)
                .service(steps::decide)
                .service(steps::reopen)
                .service(steps::list_conflicts)
                .service(steps::declare_conflict)
                .service(steps::get_outcome)
                .service(privacy::get_settings)
                .service(privacy::set_settings)
                .service(privacy::retention)
                .service(privacy::erase_personal_data)
                .service(privacy::equality_report)
                .service(reports::pipeline)
                .service(audit::verify_audit_chain)
                .service(audit::list_audit_events)
                .service(events::list_events)
                .service(webhooks::create_webhook)
                .service(webhooks::list_webhooks)
                .service(webhooks::get_webhook)
                .service(webhooks::update_webhook)
                .service(webhooks::delete_webhook)
                .service(webhooks::rotate_secret)
                .service(webhooks::list_deliveries)
                .service(webhooks::redeliver),
        )
}

/// The document as served at `/openapi.json` and committed in `openapi/openapi.json`:
/// collected from the routes actually registered, so no operation is served
/// undocumented.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let mut doc = register(App::new().into_utoipa_app()).split_for_parts().1;
    crate::openapi::add_common_errors(&mut doc);
    doc
}

/// Pretty JSON with a trailing newline, exactly as committed.
pub fn openapi_document_json() -> String {
    let mut text = openapi_document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    text.push('\n');
    text
}

pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limit = state.body_limit_bytes;
    let limiter = state.rate_limit.clone();
    let keys = state.keys.clone();
    let (app, api) = register(
        App::new()
            .app_data(web::Data::new(state.db.clone()))
            .app_data(web::Data::new(ReadDb::new(
                &state.db,
                state.read_db.as_ref(),
            )))
            .app_data(web::Data::from(state.metrics.clone()))
            .app_data(web::Data::from(state.webhooks.clone()))
            .app_data(web::Data::new(MetricsToken::new(
                state.metrics_token.as_deref(),
            )))
            .app_data(state.keys.clone())
            .app_data(
                web::JsonConfig::default()
                    .limit(limit)
                    .error_handler(json_error),
            )
            .app_data(web::PayloadConfig::new(limit))
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .into_utoipa_app(),
    )
    .split_for_parts();
    let mut api = api;
    crate::openapi::add_common_errors(&mut api);
    app.service(SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", api))
        .default_service(web::to(not_found))
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap_fn(move |req, srv| {
            use futures_util::future::{ready, Either, FutureExt};
            let refusal = refuse_early(&req, limiter.as_deref(), &keys);
            match refusal {
                None => Either::Left(
                    srv.call(req)
                        .map(|res| res.map(ServiceResponse::map_into_left_body)),
                ),
                Some(response) => {
                    Either::Right(ready(Ok(req.into_response(response).map_into_right_body())))
                }
            }
        })
        // Outside the rate limit, so that a browser can read a 429 too; its own
        // refusals (a preflight from an unlisted origin) become problem+json below.
        .wrap(crate::cors::middleware(&state.cors_allowed_origins))
        .wrap(ErrorHandlers::new().default_handler(problem_for_bare_errors))
        .wrap_fn(|req, srv| {
            let request_id = req.extensions().get::<RequestId>().map(|id| id.to_string());
            let fut = srv.call(req);
            async move {
                let mut res = fut.await?;
                if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
                    res.headers_mut()
                        .insert(header::HeaderName::from_static("x-request-id"), id);
                }
                Ok(res)
            }
        })
        // gzip or brotli (or zstd) when the client's `Accept-Encoding` asks, none
        // otherwise. Outside the error handlers, so problem+json bodies are compressed
        // as they are finally sent.
        .wrap(Compress::default())
        .wrap(RecordRequests(state.metrics.clone()))
        .wrap(TracingLogger::default())
}

/// Answers a request before routing when it must go no further: a NUL character in
/// the path (no id contains one), or a client over its rate limit. A NUL in a query
/// filter is refused by PostgreSQL and mapped to a 422 (see `error.rs`).
fn refuse_early(
    req: &ServiceRequest,
    limiter: Option<&RateLimiter>,
    keys: &JwtKeys,
) -> Option<HttpResponse> {
    // No id contains a NUL; PostgreSQL could not even compare one.
    if req.uri().path().to_ascii_lowercase().contains("%00") {
        let error = AppError::NotFound;
        return Some(problem_response(error.status_code(), &error.to_problem()));
    }
    let limiter = limiter?;
    // Probes and the metrics scraper are never refused.
    if req.path().starts_with("/health/") || req.path() == "/metrics" {
        return None;
    }
    limiter
        .check(&client_key(req, keys), std::time::Instant::now())
        .err()
        .map(too_many_requests)
}

/// Who a request counts against: the verified caller, else the peer address.
fn client_key(req: &ServiceRequest, keys: &JwtKeys) -> String {
    // Verified once per request: the `Caller` extractor reuses this outcome.
    let verified = crate::auth::verified_claims_with(req.request(), keys).ok();
    match verified {
        Some(claims) => format!("caller:{}/{}", claims.org, claims.sub),
        None => format!(
            "peer:{}",
            req.peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default()
        ),
    }
}

fn too_many_requests(wait: std::time::Duration) -> HttpResponse {
    let seconds = wait.as_secs() + 1;
    let mut response = problem_response(
        StatusCode::TOO_MANY_REQUESTS,
        &Problem {
            problem_type: "/problems/rate-limited".into(),
            title: "Too many requests".into(),
            status: 429,
            detail: format!("Rate limit reached; retry in {seconds} s."),
            errors: None,
        },
    );
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_str(&seconds.to_string()).unwrap_or(HeaderValue::from_static("1")),
    );
    response
}

async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

fn json_error(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let app_error = match &err {
        JsonPayloadError::ContentType => {
            AppError::UnsupportedMediaType("the request body must be application/json".into())
        }
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            AppError::PayloadTooLarge
        }
        JsonPayloadError::Deserialize(e) if e.is_data() => {
            AppError::validation("body", e.to_string())
        }
        JsonPayloadError::Deserialize(e) => {
            AppError::BadRequest(format!("the request body is not valid JSON: {e}"))
        }
        JsonPayloadError::Payload(actix_web::error::PayloadError::Overflow) => {
            AppError::PayloadTooLarge
        }
        _ => AppError::BadRequest("the request body could not be read".into()),
    };
    app_error.into()
}

fn query_error(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(format!("invalid query string: {err}")).into()
}

fn path_error(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(format!("invalid path parameter: {err}")).into()
}

/// actix answers some failures itself (unmatched routes, unreadable payloads) with
/// bare bodies; give every one of them the same problem+json shape as ours.
fn problem_for_bare_errors<B>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, _) = res.into_parts();
    let title = status.canonical_reason().unwrap_or("Error").to_string();
    let slug = title.to_ascii_lowercase().replace(' ', "-");
    let detail = match status {
        StatusCode::NOT_FOUND => "No such resource.".to_string(),
        StatusCode::METHOD_NOT_ALLOWED => "This method is not allowed here.".to_string(),
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is too large.".to_string(),
        s if s.is_server_error() => "An unexpected error occurred.".to_string(),
        _ => title.clone(),
    };
    let response: HttpResponse<BoxBody> = problem_response(
        status,
        &Problem {
            problem_type: format!("/problems/{slug}"),
            title,
            status: status.as_u16(),
            detail,
            errors: None,
        },
    );
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body::<B>(),
    ))
}
