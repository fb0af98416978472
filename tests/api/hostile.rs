//! Tokens that must not get in, and clients that ask too often.

use crate::helpers::{TestApp, ORG, SECRET};
use actix_web::test::TestRequest;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;
use shortlist::auth::{JwtKeys, Role};

fn sign(claims: serde_json::Value) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[actix_rt::test]
async fn every_bad_token_is_a_401_problem() {
    let app = TestApp::sqlite_with(
        JwtKeys::hs256(
            SECRET,
            Some("https://idp.example.gov.uk"),
            Some("shortlist"),
        ),
        None,
    )
    .await;
    let good = json!({"sub": "alice", "org": ORG, "roles": ["recruiter"], "exp": now() + 600, "iss": "https://idp.example.gov.uk", "aud": "shortlist"});
    app.get("/api/v1/vacancies", &sign(good.clone()))
        .await
        .expect(200);
    let mut cases: Vec<(&str, String)> = Vec::new();
    let with = |key: &str, value: serde_json::Value| {
        let mut c = good.clone();
        c[key] = value;
        sign(c)
    };
    let without = |key: &str| {
        let mut c = good.clone();
        c.as_object_mut().unwrap().remove(key);
        sign(c)
    };
    cases.push(("expired", with("exp", json!(now() - 3600))));
    cases.push(("not yet valid", with("nbf", json!(now() + 3600))));
    cases.push(("wrong issuer", with("iss", json!("https://evil.example"))));
    cases.push(("wrong audience", with("aud", json!("another-service"))));
    cases.push(("no issuer", without("iss")));
    cases.push(("no audience", without("aud")));
    cases.push(("no org", without("org")));
    cases.push(("no roles", without("roles")));
    cases.push(("empty roles", with("roles", json!([]))));
    cases.push(("unknown role", with("roles", json!(["superuser"]))));
    cases.push(("no sub", without("sub")));
    cases.push(("no exp", without("exp")));
    let other_key = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &good,
        &EncodingKey::from_secret(b"not-the-secret-not-the-secret-12345"),
    )
    .unwrap();
    cases.push(("other key", other_key));
    let hs512 = jsonwebtoken::encode(
        &Header::new(Algorithm::HS512),
        &good,
        &EncodingKey::from_secret(SECRET),
    )
    .unwrap();
    cases.push(("other algorithm", hs512));
    use base64::Engine;
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    cases.push((
        "alg none",
        format!(
            "{}.{}.",
            b64(json!({"alg": "none", "typ": "JWT"})),
            b64(good.clone())
        ),
    ));
    cases.push(("garbage", "a.b.c".into()));
    for (name, token) in &cases {
        let resp = app.get("/api/v1/vacancies", token).await;
        assert_eq!(resp.status, 401, "{name}: {}", resp.text);
        assert_eq!(
            resp.header("content-type").as_deref(),
            Some("application/problem+json"),
            "{name}"
        );
    }
    for header in [
        "Bearer",
        "Bearer ",
        "Token abc",
        "bearer",
        "Basic YWxpY2U6c2VjcmV0",
    ] {
        let resp = app
            .call(
                TestRequest::get()
                    .uri("/api/v1/vacancies")
                    .insert_header(("Authorization", header)),
            )
            .await;
        assert_eq!(resp.status, 401, "header {header:?}");
    }
    println!("token cases refused: {}", cases.len() + 5);
}

#[actix_rt::test]
async fn clients_over_the_limit_get_429_with_retry_after() {
    let app = TestApp::sqlite_with(JwtKeys::hs256(SECRET, None, None), Some(5)).await;
    let busy = app.token_for("busy-portal", ORG, &[Role::Portal]);
    for _ in 0..5 {
        app.get("/api/v1/vacancies", &busy).await.expect(200);
    }
    let refused = app
        .get("/api/v1/vacancies", &busy)
        .await
        .expect_problem(429);
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=13).contains(&retry), "{retry}");
    // Another client is not held back, and health checks are never limited.
    app.get(
        "/api/v1/vacancies",
        &app.token_for("calm-portal", ORG, &[Role::Portal]),
    )
    .await
    .expect(200);
    app.call(TestRequest::get().uri("/health/live"))
        .await
        .expect(200);
}
