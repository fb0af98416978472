use crate::both_backends;
use crate::helpers::TestApp;
use serde_json::{json, Value};
use shortlist::auth::Role;

async fn apply_with_equality(app: &TestApp, vid: &str, name: &str, sex: &str) -> Value {
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    app.post(&format!("/api/v1/vacancies/{vid}/applications"), &app.token(Role::Portal), json!({
        "candidate": {"name": name, "email": email, "phone": "07700 900123"},
        "declarations": {"registration_number": "SW-777"},
        "equality_monitoring": {"sex": sex, "age_band": "35-44", "ethnicity": "Zebrafinch heritage"}
    })).await.expect(201).body
}

both_backends! {
    async fn erasure_removes_personal_data_and_keeps_scores(app: TestApp) {
        let (vid, criteria) = app.open_vacancy().await;
        let a = apply_with_equality(&app, &vid, "Erin Erasure", "female").await;
        let id = a["id"].as_str().unwrap();
        app.set_panel(&vid, &[("ann", "member")]).await;
        app.post(&format!("/api/v1/applications/{id}/scoresheets"), &app.panel("ann"), json!({"method": "application", "scores": [
            {"criterion_id": criteria[0]["id"], "score": 3, "evidence": "Erin's degree from Leeds"}
        ]})).await.expect(200);
        let admin = app.token(Role::Admin);
        app.delete(&format!("/api/v1/applications/{id}/personal-data"), &app.recruiter()).await.expect_problem(403);
        let erased = app.delete(&format!("/api/v1/applications/{id}/personal-data"), &admin).await.expect(200).body;
        assert_eq!(erased["candidate"]["name"], "Anonymised applicant C-0001");
        assert_eq!(erased["candidate"]["phone"], json!(null));
        assert_eq!(erased["declarations"]["registration_number"], json!(null));
        for path in [format!("/api/v1/applications/{id}"), format!("/api/v1/applications/{id}/scores"), "/api/v1/audit-events?limit=500".to_string(),
                     format!("/api/v1/vacancies/{vid}/shortlist")] {
            let text = app.get(&path, &admin).await.expect(200).text;
            assert!(!text.contains("Erin") && !text.contains("Leeds") && !text.contains("07700 900123") && !text.contains("Zebrafinch"), "{path}: {text}");
        }
        let scores = app.get(&format!("/api/v1/applications/{id}/scores"), &admin).await.body;
        assert_eq!(scores["scores"][0]["score"], 3, "scores kept for statistics");
        assert_eq!(app.get("/api/v1/audit-events/verify", &admin).await.body["valid"], true);
    }

    async fn erasure_waits_while_an_offer_is_live(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let a = app.apply(&vid, "Offered Person", json!({})).await;
        let id = a["id"].as_str().unwrap();
        let t = format!("/api/v1/applications/{id}/transitions");
        app.post(&t, &app.recruiter(), json!({"to": "shortlisted", "reason": "Meets the essential criteria", "override_reason": "Shortlisted before the sift was scored"})).await.expect(200);
        app.post(&t, &app.recruiter(), json!({"to": "offered"})).await.expect(200);
        app.delete(&format!("/api/v1/applications/{id}/personal-data"), &app.token(Role::Admin)).await.expect_problem(409);
        assert_eq!(app.get(&format!("/api/v1/applications/{id}"), &app.recruiter()).await.body["candidate"]["name"], "Offered Person");
    }

    async fn retention_anonymises_only_unsuccessful_applicants_past_the_period(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let kept = app.apply(&vid, "Kept Candidate", json!({})).await;
        let gone = apply_with_equality(&app, &vid, "Gone Candidate", "male").await;
        let r = app.recruiter();
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r, json!({"to": "closed"})).await.expect(200);
        app.post(&format!("/api/v1/vacancies/{vid}/shortlist/decisions"), &r, json!({"decisions": [
            {"application_id": kept["id"], "decision": "shortlisted", "reason": "Interview", "override_reason": "Scores pending"},
            {"application_id": gone["id"], "decision": "not_shortlisted", "reason": "Not taken forward"}
        ]})).await.expect(200);
        let admin = app.token(Role::Admin);
        assert_eq!(app.get("/api/v1/settings", &admin).await.expect(200).body["retention_days"], 183);
        // Within the period nothing is due.
        let none = app.post("/api/v1/retention/run", &admin, json!({"dry_run": true})).await.expect(200).body;
        assert_eq!(none["applications"], json!([]));
        // The vacancy closed long ago.
        app.patch(&format!("/api/v1/vacancies/{vid}"), &r, json!({"closing_date": "2020-01-31"})).await.expect(200);
        let dry = app.post("/api/v1/retention/run", &admin, json!({"dry_run": true})).await.expect(200).body;
        assert_eq!(dry["applications"], json!([{"application_id": gone["id"], "candidate_code": "C-0002"}]));
        let still = app.get(&format!("/api/v1/applications/{}", gone["id"].as_str().unwrap()), &r).await.body;
        assert_eq!(still["candidate"]["name"], "Gone Candidate", "a dry run changes nothing");
        let done = app.post("/api/v1/retention/run", &admin, json!({})).await.expect(200).body;
        assert_eq!(done["applications"].as_array().unwrap().len(), 1);
        let after = app.get(&format!("/api/v1/applications/{}", gone["id"].as_str().unwrap()), &r).await.body;
        assert_eq!(after["candidate"]["name"], "Anonymised applicant C-0002");
        assert_eq!(after["status"], "not_shortlisted");
        let kept_now = app.get(&format!("/api/v1/applications/{}", kept["id"].as_str().unwrap()), &r).await.body;
        assert_eq!(kept_now["candidate"]["name"], "Kept Candidate");
        // Running again finds nothing more; settings are per org and admin only.
        assert_eq!(app.post("/api/v1/retention/run", &admin, json!({})).await.body["applications"], json!([]));
        app.put("/api/v1/settings", &admin, json!({"retention_days": 0})).await.expect_problem(422);
        app.put("/api/v1/settings", &r, json!({"retention_days": 30})).await.expect_problem(403);
        assert_eq!(app.put("/api/v1/settings", &admin, json!({"retention_days": 30})).await.expect(200).body["retention_days"], 30);
        assert_eq!(app.get("/api/v1/settings", &app.token_for("x", crate::helpers::OTHER_ORG, &[Role::Admin])).await.body["retention_days"], 183);
    }

    async fn equality_report_suppresses_small_numbers(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        for i in 0..5 {
            apply_with_equality(&app, &vid, &format!("Woman {i}"), "female").await;
        }
        apply_with_equality(&app, &vid, "Only Man", "male").await;
        app.apply(&vid, "No Answers", json!({})).await;
        // Figures are published once the vacancy is over (tests/api/integrity.rs).
        let cancel = json!({"to": "cancelled", "reason": "Re-advertising"});
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &app.recruiter(), cancel.clone()).await.expect(200);
        let report = app.get(&format!("/api/v1/vacancies/{vid}/reports/equality"), &app.token(Role::Viewer)).await.expect(200).body;
        assert_eq!(report["suppression_threshold"], 5);
        assert_eq!(report["respondents"], 6);
        let sex = report["characteristics"].as_array().unwrap().iter().find(|c| c["characteristic"] == "sex").unwrap();
        let value = |v: &str| sex["values"].as_array().unwrap().iter().find(|x| x["value"] == v).unwrap()["counts"].clone();
        assert_eq!(value("female"), json!({"applied": 5, "shortlisted": null, "appointed": null}));
        // The lone "male" answer is never named, only pooled (and the pool, of one, is suppressed).
        assert!(!sex["values"].as_array().unwrap().iter().any(|v| v["value"] == "male"));
        assert_eq!(value(shortlist::api::privacy::POOLED), json!({"applied": null, "shortlisted": null, "appointed": null}));
        // Five people is the least a report breaks down.
        let (small, _) = app.open_vacancy().await;
        for i in 0..4 {
            apply_with_equality(&app, &small, &format!("Few {i}"), "female").await;
        }
        app.post(&format!("/api/v1/vacancies/{small}/transitions"), &app.recruiter(), cancel).await.expect(200);
        let few = app.get(&format!("/api/v1/vacancies/{small}/reports/equality"), &app.recruiter()).await.expect(200).body;
        assert_eq!(few["respondents"], json!(null));
        assert_eq!(few["characteristics"], json!([]));
        assert!(!serde_json::to_string(&few).unwrap().contains("female"));
        let ages = report["characteristics"].as_array().unwrap().iter().find(|c| c["characteristic"] == "age_band").unwrap();
        assert_eq!(ages["values"][0]["counts"]["applied"], 6);
        let religion = report["characteristics"].as_array().unwrap().iter().find(|c| c["characteristic"] == "religion_or_belief").unwrap();
        assert_eq!(religion["values"][0]["value"], "not stated");
        for role in [Role::Panel, Role::Portal] {
            app.get(&format!("/api/v1/vacancies/{vid}/reports/equality"), &app.token(role)).await.expect_problem(403);
        }
    }
}
