use crate::both_backends;
use crate::helpers::{bearer, TestApp};
use actix_web::test::TestRequest;
use serde_json::json;

both_backends! {
    async fn unknown_route_is_problem_404(app: TestApp) {
        app.get("/api/v1/nothing-here", &app.recruiter()).await.expect_problem(404);
        app.call(TestRequest::get().uri("/nope")).await.expect_problem(404);
    }

    async fn malformed_json_is_400_and_changes_nothing(app: TestApp) {
        let req = TestRequest::post()
            .uri("/api/v1/vacancies")
            .insert_header(bearer(&app.recruiter()))
            .insert_header(("content-type", "application/json"))
            .set_payload("{\"reference\": ");
        app.call(req).await.expect_problem(400);
        let list = app.get("/api/v1/vacancies", &app.recruiter()).await.expect(200);
        assert_eq!(list.body["items"], json!([]));
    }

    async fn wrong_content_type_is_415(app: TestApp) {
        let req = TestRequest::post()
            .uri("/api/v1/vacancies")
            .insert_header(bearer(&app.recruiter()))
            .insert_header(("content-type", "text/plain"))
            .set_payload("reference=x");
        app.call(req).await.expect_problem(415);
    }

    async fn body_too_large_is_413(app: TestApp) {
        let big = "x".repeat(100 * 1024);
        let resp = app
            .post("/api/v1/vacancies", &app.recruiter(), json!({"reference": "R", "title": "T", "description": big}))
            .await;
        resp.expect_problem(413);
    }

    async fn unknown_fields_and_wrong_types_are_422_with_a_field(app: TestApp) {
        let resp = app
            .post("/api/v1/vacancies", &app.recruiter(), json!({"reference": "R", "title": "T", "salary": 1}))
            .await
            .expect_problem(422);
        assert!(resp.body["detail"].as_str().unwrap().contains("salary"));
        app.post("/api/v1/vacancies", &app.recruiter(), json!({"reference": "R", "title": "T", "dbs_level": "gold"}))
            .await
            .expect_problem(422);
    }

    async fn bad_query_parameters_are_problems(app: TestApp) {
        let t = app.recruiter();
        app.get("/api/v1/vacancies?limit=0", &t).await.expect_problem(422);
        app.get("/api/v1/vacancies?limit=501", &t).await.expect_problem(422);
        app.get("/api/v1/vacancies?limit=abc", &t).await.expect_problem(400);
        app.get("/api/v1/vacancies?status=bogus", &t).await.expect_problem(400);
        app.get("/api/v1/vacancies?cursor=!!!", &t).await.expect_problem(422);
    }

    async fn nul_characters_are_bad_input_never_a_server_error(app: TestApp) {
        let t = app.recruiter();
        app.get("/api/v1/vacancies/x%00y", &t).await.expect_problem(404);
        // A NUL in a filter: PostgreSQL refuses it (422); SQLite simply finds nothing.
        let filtered = app.get("/api/v1/audit-events?entity_type=%00", &app.token(shortlist::auth::Role::Admin)).await;
        assert!(filtered.status == 200 || filtered.status == 422, "{}", filtered.text);
        // PostgreSQL cannot store NUL and says so (422); SQLite stores it. Neither fails.
        let resp = app.post("/api/v1/vacancies", &t, json!({"reference": "N\u{0}UL", "title": "T"})).await;
        assert!(resp.status == 201 || resp.status == 422, "{}: {}", resp.status, resp.text);
        use base64::Engine;
        let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("2026\u{0}\nx");
        app.get(&format!("/api/v1/vacancies?cursor={cursor}"), &t).await.expect_problem(422);
    }

    async fn internal_details_never_leak(app: TestApp) {
        let resp = app.get("/api/v1/vacancies/'%20OR%201=1--", &app.recruiter()).await.expect_problem(404);
        assert!(!resp.text.to_lowercase().contains("sql"));
    }
}
