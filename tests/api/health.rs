use crate::both_backends;
use crate::helpers::TestApp;
use actix_web::test::TestRequest;

both_backends! {
    async fn live_and_ready_answer_without_a_token(app: TestApp) {
        let live = app.call(TestRequest::get().uri("/health/live")).await.expect(200);
        assert_eq!(live.body["status"], "ok");
        let ready = app.call(TestRequest::get().uri("/health/ready")).await.expect(200);
        assert_eq!(ready.body["status"], "ok");
    }

    async fn every_response_carries_a_request_id(app: TestApp) {
        let resp = app.call(TestRequest::get().uri("/health/live")).await;
        assert!(resp.header("x-request-id").is_some_and(|id| id.len() >= 32));
    }
}

/// Readiness reports 503 problem+json when the database cannot be reached.
#[actix_rt::test]
async fn ready_is_503_when_the_database_is_unreachable() {
    use actix_web::web;
    use shortlist::startup::{app, AppState};
    // Nothing listens on port 9 (discard) on loopback; the pool fails fast.
    let db = shortlist::db::Db::new(
        "postgres://nobody@127.0.0.1:9/none",
        1,
        std::time::Duration::from_millis(300),
    )
    .unwrap();
    let state = AppState {
        db,
        read_db: None,
        keys: web::Data::new(shortlist::auth::JwtKeys::hs256(
            crate::helpers::SECRET,
            None,
            None,
        )),
        body_limit_bytes: 1024,
        rate_limit: None,
        metrics: Default::default(),
        metrics_token: None,
        cors_allowed_origins: Vec::new(),
        webhooks: Default::default(),
    };
    let svc = actix_web::test::init_service(app(state)).await;
    let res =
        actix_web::test::call_service(&svc, TestRequest::get().uri("/health/ready").to_request())
            .await;
    assert_eq!(res.status().as_u16(), 503);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
    let live =
        actix_web::test::call_service(&svc, TestRequest::get().uri("/health/live").to_request())
            .await;
    assert_eq!(live.status().as_u16(), 200);
}
