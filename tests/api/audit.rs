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
        app.post(&format!("/api/v1/applications/{aid}/transitions"), &app.recruiter(), json!({"to": "shortlisted", "reason": "Meets the essential criteria", "override_reason": "Shortlisted before the sift was scored"})).await.expect(200);

        let admin = app.token(Role::Admin);
        let all = app.get("/api/v1/audit-events?limit=500", &admin).await.expect(200).body;
        let actions: Vec<&str> = all["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
        assert_eq!(actions, vec![
            "vacancy.created", "criteria.replaced", "vacancy.transitioned", "panel.replaced",
            "application.submitted", "scoresheet.submitted", "agreed_scores.recorded", "shortlist.decided",
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

async fn tamper(app: &TestApp, sql: String) {
    app.db
        .read(move |conn| {
            use diesel::connection::SimpleConnection;
            conn.batch_execute(&sql)?;
            Ok(())
        })
        .await
        .unwrap();
}

both_backends! {
    async fn an_edited_audit_row_is_detected(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        for i in 0..3 {
            app.patch(&format!("/api/v1/vacancies/{vid}"), &app.recruiter(), json!({"title": format!("Title {i}")})).await.expect(200);
        }
        let admin = app.token(Role::Admin);
        let ok = app.get("/api/v1/audit-events/verify", &admin).await.expect(200).body;
        assert_eq!(ok["valid"], true);
        assert_eq!(ok["events_checked"], 6);
        assert_eq!(ok["head_seq"], 6);
        assert_eq!(ok["first_broken"], json!(null));
        let events = app.get("/api/v1/audit-events", &admin).await.body;
        assert_eq!(events["items"][0]["prev_hash"], "0".repeat(64));
        assert_eq!(events["items"][1]["prev_hash"], events["items"][0]["hash"]);
        let fourth = events["items"][3]["id"].as_str().unwrap().to_string();

        // Someone with database access quietly rewrites history.
        tamper(&app, format!("UPDATE audit_events SET after_state = '{{\"title\":\"Nothing to see\"}}' WHERE id = '{fourth}'")).await;
        let broken = app.get("/api/v1/audit-events/verify", &admin).await.expect(200).body;
        assert_eq!(broken["valid"], false);
        assert_eq!(broken["first_broken"]["seq"], 4);
        assert_eq!(broken["first_broken"]["event_id"], json!(fourth));
        assert_eq!(broken["events_checked"], 3);
        // Other orgs' chains are unaffected.
        let other = app.token_for("boss", crate::helpers::OTHER_ORG, &[Role::Admin]);
        assert_eq!(app.get("/api/v1/audit-events/verify", &other).await.expect(200).body["valid"], true);
        app.get("/api/v1/audit-events/verify", &app.recruiter()).await.expect_problem(403);
    }

    async fn deleted_audit_rows_are_detected(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        app.patch(&format!("/api/v1/vacancies/{vid}"), &app.recruiter(), json!({"title": "Renamed"})).await.expect(200);
        let admin = app.token(Role::Admin);
        // Deleting the latest event leaves the chain head pointing past the end.
        tamper(&app, "DELETE FROM audit_events WHERE seq = 4".to_string()).await;
        let tail = app.get("/api/v1/audit-events/verify", &admin).await.expect(200).body;
        assert_eq!(tail["valid"], false);
        assert_eq!(tail["first_broken"]["seq"], 4);
        // Deleting one in the middle breaks the link after it.
        tamper(&app, "DELETE FROM audit_events WHERE seq = 2".to_string()).await;
        let middle = app.get("/api/v1/audit-events/verify", &admin).await.expect(200).body;
        assert_eq!(middle["first_broken"]["seq"], 3);
    }
}
