use crate::both_backends;
use crate::helpers::TestApp;
use serde_json::json;
use shortlist::auth::Role;

both_backends! {
    async fn required_checks_derive_from_the_vacancy(app: TestApp) {
        let (vid, _) = app.open_vacancy_from(
            json!({"reference": "DRV1", "title": "Driver", "closing_date": "2099-12-31", "dbs_level": "standard",
                   "driving_requirement": "required", "references_required": 0, "occupational_health_required": true}),
            crate::helpers::sample_spec(),
        ).await;
        let a = app.apply(&vid, "Checked Person", json!({})).await;
        let uri = format!("/api/v1/applications/{}/checks", a["id"].as_str().unwrap());
        let view = app.get(&uri, &app.token(Role::Viewer)).await.expect(200).body;
        let kinds: Vec<_> = view["checks"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["right_to_work", "dbs", "driving_licence", "occupational_health"]);
        assert!(view["checks"].as_array().unwrap().iter().all(|c| c["status"] == "not_started" && c["required"] == true));
        assert_eq!(view["pending_checks"], json!(["right_to_work", "dbs", "driving_licence", "occupational_health"]));
        app.get(&uri, &app.token(Role::Portal)).await.expect_problem(403);
    }

    async fn check_records_are_validated(app: TestApp) {
        let (vid, _) = app.open_vacancy_from(
            json!({"reference": "CHK1", "title": "Carer", "closing_date": "2099-12-31", "dbs_level": "enhanced_barred_adults",
                   "driving_requirement": "regular", "max_penalty_points": 6}),
            crate::helpers::sample_spec(),
        ).await;
        let a = app.apply(&vid, "Record Keeper", json!({})).await;
        let base = format!("/api/v1/applications/{}/checks", a["id"].as_str().unwrap());
        let r = app.recruiter();
        app.put(&format!("{base}/right_to_work"), &r, json!({"status": "waived"})).await.expect_problem(422);
        app.put(&format!("{base}/passport"), &r, json!({"status": "clear"})).await.expect_problem(400);
        app.put(&format!("{base}/right_to_work"), &r, json!({"status": "clear", "details": {"penalty_points": 1}})).await.expect_problem(422);
        app.put(&format!("{base}/dbs"), &r, json!({"status": "clear", "details": {"level_checked": "enhanced_barred_children"}})).await.expect_problem(422);
        app.put(&format!("{base}/dbs"), &r, json!({"status": "clear"})).await.expect_problem(422);
        app.put(&format!("{base}/driving_licence"), &r, json!({"status": "clear", "details": {"penalty_points": 7}})).await.expect_problem(422);
        app.put(&format!("{base}/references"), &r, json!({"status": "clear", "details": {"received": 1}})).await.expect_problem(422);
        app.put(&format!("{base}/dbs"), &app.token(Role::Viewer), json!({"status": "in_progress"})).await.expect_problem(403);
        let unchanged = app.get(&base, &r).await.body;
        assert!(unchanged["checks"].as_array().unwrap().iter().all(|c| c["status"] == "not_started"));

        // A concern, a failure and a waiver are all recordable.
        let dbs = app.put(&format!("{base}/dbs"), &r, json!({"status": "concern", "reason": "Certificate shows a caution: risk assessment booked", "details": {"level_checked": "enhanced_barred_adults", "certificate_number": "00998877"}})).await.expect(200).body;
        let entry = dbs["checks"].as_array().unwrap().iter().find(|c| c["kind"] == "dbs").unwrap().clone();
        assert_eq!(entry["status"], "concern");
        assert_eq!(entry["details"]["certificate_number"], "00998877");
        let waived = app.put(&format!("{base}/driving_licence"), &r, json!({"status": "waived", "reason": "Reasonable adjustment: taxi account for visits", "details": {"penalty_points": 7}})).await.expect(200).body;
        assert!(!waived["pending_checks"].as_array().unwrap().contains(&json!("driving_licence")));
        let failed = app.put(&format!("{base}/references"), &r, json!({"status": "failed", "details": {"received": 2}, "reason": "Unsatisfactory reference"})).await.expect(200).body;
        assert_eq!(failed["failed_checks"], json!(["references"]));
        let refs = failed["checks"].as_array().unwrap().iter().find(|c| c["kind"] == "references").unwrap().clone();
        assert_eq!(refs["details"]["received"], 2);
        assert_eq!(refs["references_required"], 2);
        // Shortlist and evaluation views carry the same state.
        let eval = app.get(&format!("/api/v1/applications/{}/evaluation", a["id"].as_str().unwrap()), &r).await.body;
        assert_eq!(eval["failed_checks"], json!(["references"]));
        assert_eq!(eval["pending_checks"], json!(["right_to_work", "dbs"]));
    }
}
