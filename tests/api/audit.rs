use crate::both_backends;
use crate::helpers::TestApp;
use serde_json::json;
use shortlist::auth::Role;

both_backends! {
    async fn every_write_leaves_an_audit_event(app: TestApp) {
        let (vid, criteria) = app.open_vacancy().await;
        app.set_panel(&vid, &[("cat", "chair")]).await;
        let a = app.apply(&vid, "Audited", json!({})).await;
        let aid = a["id"].as_str().unwrap();
        let sheet = json!({"method": "application", "scores": [{"criterion_id": criteria[0]["id"], "score": 2}]});
        app.post(&format!("/api/v1/applications/{aid}/scoresheets"), &app.panel("cat"), sheet.clone()).await.expect(200);
        app.put(&format!("/api/v1/applications/{aid}/agreed-scores"), &app.panel("cat"), sheet).await.expect(200);
        app.post(&format!("/api/v1/applications/{aid}/transitions"), &app.recruiter(), json!({"to": "shortlisted"})).await.expect(200);

        let admin = app.token(Role::Admin);
        let all = app.get("/api/v1/audit-events?limit=500", &admin).await.expect(200).body;
        let actions: Vec<&str> = all["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, vec![
            "vacancy.created", "criteria.replaced", "vacancy.transitioned", "panel.replaced",
            "application.submitted", "scoresheet.submitted", "agreed_scores.recorded", "application.transitioned",
        ]);
        let sheet_event = &all["items"][5];
        assert_eq!(sheet_event["actor"], "cat");
        assert_eq!(sheet_event["entity_type"], "application");
        assert_eq!(sheet_event["entity_id"], json!(aid));
        assert_eq!(sheet_event["after"][0]["score"], 2);
        assert!(sheet_event["request_id"].is_string());

        let for_app = app.get(&format!("/api/v1/audit-events?entity_type=application&entity_id={aid}"), &admin).await.expect(200).body;
        assert_eq!(for_app["items"].as_array().unwrap().len(), 4);

        // Pages join up with no gaps or repeats.
        let mut seen = Vec::new();
        let mut uri = "/api/v1/audit-events?limit=3".to_string();
        loop {
            let page = app.get(&uri, &admin).await.expect(200);
            seen.extend(page.body["items"].as_array().unwrap().iter().map(|e| e["id"].clone()));
            match page.header("link") {
                Some(link) => uri = link.trim_start_matches('<').split('>').next().unwrap().to_string(),
                None => break,
            }
        }
        let ids: Vec<_> = all["items"].as_array().unwrap().iter().map(|e| e["id"].clone()).collect();
        assert_eq!(seen, ids);
    }

    async fn audit_log_is_admin_only_and_per_org(app: TestApp) {
        app.create_vacancy(json!({})).await;
        for role in [Role::Recruiter, Role::Viewer, Role::Panel, Role::Portal] {
            app.get("/api/v1/audit-events", &app.token(role)).await.expect_problem(403);
        }
        let other = app.token_for("boss", crate::helpers::OTHER_ORG, &[Role::Admin]);
        assert_eq!(app.get("/api/v1/audit-events", &other).await.expect(200).body["items"], json!([]));
        // There is no way to change or delete an event.
        let admin = app.token(Role::Admin);
        let first = app.get("/api/v1/audit-events", &admin).await.body["items"][0]["id"].as_str().unwrap().to_string();
        app.delete(&format!("/api/v1/audit-events/{first}"), &admin).await.expect_problem(404);
        app.patch(&format!("/api/v1/audit-events/{first}"), &admin, json!({"action": "x"})).await.expect_problem(404);
    }
}
