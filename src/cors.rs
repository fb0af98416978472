//! Cross-origin access for browser portals: only the exact origins configured in
//! `SHORTLIST_CORS_ALLOWED_ORIGINS` (checked by `config::parse_cors_origins`). With
//! none configured the middleware is left out and no CORS header is ever sent.

use actix_cors::Cors;
use actix_web::http::{header, Method};
use actix_web::middleware::Condition;

/// Preflight answers may be cached this long, in seconds.
pub const MAX_AGE_SECS: usize = 3600;

pub fn middleware(allowed_origins: &[String]) -> Condition<Cors> {
    let mut cors = Cors::default()
        .allowed_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-request-id"),
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::LINK,
            header::HeaderName::from_static("x-request-id"),
            header::RETRY_AFTER,
        ])
        .max_age(MAX_AGE_SECS)
        // A request from an origin not listed is served without CORS headers (the
        // browser then withholds the response) rather than refused: same-origin pages
        // such as /docs/ send an Origin too.
        .block_on_origin_mismatch(false);
    for origin in allowed_origins {
        cors = cors.allowed_origin(origin);
    }
    Condition::new(!allowed_origins.is_empty(), cors)
}
