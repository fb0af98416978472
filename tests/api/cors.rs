//! CORS for browser portals: only the configured origins get CORS headers.

use actix_web::test::TestRequest;

use crate::helpers::{bearer, Resp, TestApp};

const PORTAL: &str = "https://jobs.example.gov.uk";
const STRANGER: &str = "https://evil.example.com";

async fn with_origins(origins: &[&str]) -> TestApp {
    let origins: Vec<String> = origins.iter().map(|o| o.to_string()).collect();
    TestApp::sqlite_configured(move |state| state.cors_allowed_origins = origins).await
}

fn preflight(path: &str, origin: &str, method: &str) -> TestRequest {
    TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri(path)
        .insert_header(("Origin", origin))
        .insert_header(("Access-Control-Request-Method", method))
        .insert_header((
            "Access-Control-Request-Headers",
            "authorization, content-type, idempotency-key",
        ))
}

fn cors_headers(resp: &Resp) -> Vec<String> {
    resp.headers
        .keys()
        .map(|k| k.as_str().to_string())
        .filter(|k| k.starts_with("access-control-"))
        .collect()
}

fn listed(resp: &Resp, header: &str) -> Vec<String> {
    resp.header(header)
        .unwrap_or_default()
        .split(',')
        .map(|v| v.trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .collect()
}

#[actix_rt::test]
async fn an_allowed_origin_gets_cors_headers_on_simple_requests() {
    let app = with_origins(&[PORTAL, "http://localhost:3000"]).await;
    let resp = app
        .call(
            TestRequest::get()
                .uri("/api/v1/vacancies")
                .insert_header(("Origin", PORTAL))
                .insert_header(bearer(&app.recruiter())),
        )
        .await
        .expect(200);
    assert_eq!(
        resp.header("access-control-allow-origin").as_deref(),
        Some(PORTAL)
    );
    let exposed = listed(&resp, "access-control-expose-headers");
    for header in ["etag", "location", "link", "x-request-id", "retry-after"] {
        assert!(
            exposed.contains(&header.to_string()),
            "{header} not exposed: {exposed:?}"
        );
    }
    assert!(resp
        .header("vary")
        .is_some_and(|v| v.to_ascii_lowercase().contains("origin")));
    assert!(resp.header("access-control-allow-credentials").is_none());

    // Errors too, so the portal can read the problem.
    let refused = app
        .call(
            TestRequest::get()
                .uri("/api/v1/vacancies")
                .insert_header(("Origin", "http://localhost:3000")),
        )
        .await
        .expect_problem(401);
    assert_eq!(
        refused.header("access-control-allow-origin").as_deref(),
        Some("http://localhost:3000")
    );
}

#[actix_rt::test]
async fn an_allowed_origin_passes_preflight() {
    let app = with_origins(&[PORTAL]).await;
    let resp = app
        .call(preflight("/api/v1/vacancies/0b9e/criteria", PORTAL, "PUT"))
        .await
        .expect(200);
    assert_eq!(
        resp.header("access-control-allow-origin").as_deref(),
        Some(PORTAL)
    );
    let methods = listed(&resp, "access-control-allow-methods");
    for method in ["get", "post", "put", "patch", "delete"] {
        assert!(methods.contains(&method.to_string()), "{methods:?}");
    }
    let headers = listed(&resp, "access-control-allow-headers");
    for header in [
        "authorization",
        "content-type",
        "if-match",
        "idempotency-key",
        "x-request-id",
    ] {
        assert!(
            headers.contains(&header.to_string()),
            "{header}: {headers:?}"
        );
    }
    assert_eq!(
        resp.header("access-control-max-age").as_deref(),
        Some("3600")
    );
    assert!(resp.header("x-request-id").is_some());
}

#[actix_rt::test]
async fn another_origin_gets_no_allow_header() {
    let app = with_origins(&[PORTAL]).await;
    // Served as before (a non-browser client may send any Origin) but without CORS
    // headers, so a browser withholds the answer from the page.
    let resp = app
        .call(
            TestRequest::get()
                .uri("/api/v1/vacancies")
                .insert_header(("Origin", STRANGER))
                .insert_header(bearer(&app.recruiter())),
        )
        .await
        .expect(200);
    assert!(
        resp.header("access-control-allow-origin").is_none(),
        "{:?}",
        resp.headers
    );

    // A near miss is a miss: origins match exactly.
    for origin in [
        STRANGER,
        "https://jobs.example.gov.uk.evil.example",
        "http://jobs.example.gov.uk",
    ] {
        let resp = app
            .call(preflight("/api/v1/vacancies", origin, "POST"))
            .await;
        assert!(
            resp.header("access-control-allow-origin").is_none(),
            "{origin}: {:?}",
            resp.headers
        );
        assert!(resp.header("access-control-allow-methods").is_none());
        // Refused as problem+json, like every other error.
        resp.expect_problem(400);
    }

    // A method outside the list is not allowed either.
    let resp = app
        .call(preflight("/api/v1/vacancies", PORTAL, "TRACE"))
        .await;
    assert!(resp.header("access-control-allow-origin").is_none());
}

#[actix_rt::test]
async fn without_configured_origins_no_cors_header_is_sent() {
    let app = with_origins(&[]).await;
    let resp = app
        .call(
            TestRequest::get()
                .uri("/api/v1/vacancies")
                .insert_header(("Origin", PORTAL))
                .insert_header(bearer(&app.recruiter())),
        )
        .await
        .expect(200);
    assert!(cors_headers(&resp).is_empty(), "{:?}", resp.headers);
    let resp = app
        .call(preflight("/api/v1/vacancies", PORTAL, "POST"))
        .await;
    assert!(cors_headers(&resp).is_empty(), "{:?}", resp.headers);
    assert!(resp.status >= 400, "{}", resp.status);
}

#[actix_rt::test]
async fn a_rate_limit_refusal_is_readable_by_the_portal() {
    let app = TestApp::sqlite_configured(|state| {
        state.cors_allowed_origins = vec![PORTAL.to_string()];
        state.rate_limit = Some(std::sync::Arc::new(
            shortlist::rate_limit::RateLimiter::new(1),
        ));
    })
    .await;
    let call = || {
        TestRequest::get()
            .uri("/api/v1/vacancies")
            .insert_header(("Origin", PORTAL))
            .insert_header(bearer(&app.recruiter()))
    };
    app.call(call()).await.expect(200);
    let refused = app.call(call()).await.expect_problem(429);
    assert_eq!(
        refused.header("access-control-allow-origin").as_deref(),
        Some(PORTAL)
    );
    assert!(refused.header("retry-after").is_some());
    assert!(listed(&refused, "access-control-expose-headers").contains(&"retry-after".to_string()));
}
