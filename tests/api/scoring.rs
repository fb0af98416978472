use crate::both_backends;
use crate::helpers::{sample_spec, TestApp};
use serde_json::{json, Value};
use shortlist::auth::Role;

fn ids(criteria: &Value) -> Vec<String> {
    criteria
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn scoresheets_are_checked_and_stored_all_or_nothing(app: TestApp) {
        let (vid, criteria) = app.open_vacancy().await;
        let c = ids(&criteria);
        app.set_panel(&vid, &[("ann", "member"), ("cat", "chair")]).await;
        let a = app.apply(&vid, "Scored Person", json!({})).await;
        let uri = format!("/api/v1/applications/{}/scoresheets", a["id"].as_str().unwrap());
        let ann = app.panel("ann");
        // criterion 3 is assessed by interview only; the whole sheet is refused.
        let bad = app.post(&uri, &ann, json!({"method": "application", "scores": [
            {"criterion_id": c[0], "score": 2}, {"criterion_id": c[3], "score": 2}
        ]})).await.expect_problem(422);
        assert_eq!(bad.error_fields(), vec!["scores[1].criterion_id"]);
        app.post(&uri, &ann, json!({"method": "application", "scores": [{"criterion_id": c[0], "score": 4}]})).await.expect_problem(422);
        app.post(&uri, &ann, json!({"method": "application", "scores": [{"criterion_id": "nope", "score": 1}]})).await.expect_problem(422);
        app.post(&uri, &ann, json!({"method": "telepathy", "scores": [{"criterion_id": c[0], "score": 1}]})).await.expect_problem(422);
        app.post(&uri, &ann, json!({"method": "application", "scores": []})).await.expect_problem(422);
        let scores_uri = format!("/api/v1/applications/{}/scores", a["id"].as_str().unwrap());
        assert_eq!(app.get(&scores_uri, &app.recruiter()).await.body["scores"], json!([]));

        let ok = app.post(&uri, &ann, json!({"method": "application", "scores": [
            {"criterion_id": c[0], "score": 3, "evidence": "Degree certificate referenced"}, {"criterion_id": c[1], "score": 1}
        ]})).await.expect(200);
        assert_eq!(ok.body["assessor"], "ann");
        // Re-submission replaces ann's own score only.
        app.post(&uri, &app.panel("cat"), json!({"method": "application", "scores": [{"criterion_id": c[0], "score": 2}]})).await.expect(200);
        app.post(&uri, &ann, json!({"method": "application", "scores": [{"criterion_id": c[0], "score": 1}]})).await.expect(200);
        let stored = app.get(&scores_uri, &app.panel("ann")).await.expect(200).body;
        let mut got: Vec<(String, String, i64)> = stored["scores"].as_array().unwrap().iter()
            .map(|s| (s["criterion_id"].as_str().unwrap().to_string(), s["assessor"].as_str().unwrap().to_string(), s["score"].as_i64().unwrap()))
            .collect();
        got.sort();
        let mut want = vec![(c[0].clone(), "ann".to_string(), 1), (c[0].clone(), "cat".to_string(), 2), (c[1].clone(), "ann".to_string(), 1)];
        want.sort();
        assert_eq!(got, want);
    }

    async fn only_the_panel_scores_and_only_the_chair_agrees(app: TestApp) {
        let (vid, criteria) = app.open_vacancy().await;
        let c = ids(&criteria);
        app.set_panel(&vid, &[("ann", "member"), ("cat", "chair")]).await;
        let a = app.apply(&vid, "Someone", json!({})).await;
        let id = a["id"].as_str().unwrap();
        let sheet = json!({"method": "application", "scores": [{"criterion_id": c[0], "score": 2}]});
        let uri = format!("/api/v1/applications/{id}/scoresheets");
        // Not on this panel: as if the application did not exist (ids cannot be probed).
        app.post(&uri, &app.panel("stranger"), sheet.clone()).await.expect_problem(404);
        app.post(&uri, &app.token(Role::Viewer), sheet.clone()).await.expect_problem(403);
        app.post(&uri, &app.token(Role::Portal), sheet.clone()).await.expect_problem(403);
        // Every score belongs to a panel member: a recruiter off the panel enters a
        // paper sheet on a member's behalf, and both are recorded.
        app.post(&uri, &app.recruiter(), sheet.clone()).await.expect_problem(422);
        let paper = json!({"method": "application", "on_behalf_of": "ann", "scores": [{"criterion_id": c[0], "score": 2}]});
        app.post(&uri, &app.panel("cat"), paper.clone()).await.expect_problem(403);
        let entered = app.post(&uri, &app.recruiter(), paper).await.expect(200).body;
        assert_eq!(entered["assessor"], "ann");
        assert_eq!(entered["entered_by"], "recruiter");
        let agreed = format!("/api/v1/applications/{id}/agreed-scores");
        app.put(&agreed, &app.panel("ann"), sheet.clone()).await.expect_problem(403);
        app.put(&agreed, &app.recruiter(), sheet.clone()).await.expect_problem(403);
        app.put(&agreed, &app.panel("cat"), sheet.clone()).await.expect(200);
        let stored = app.get(&format!("/api/v1/applications/{id}/scores"), &app.recruiter()).await.body;
        assert_eq!(stored["agreed_scores"][0]["agreed_by"], "cat");
        let outsider = app.token_for("x", crate::helpers::OTHER_ORG, &[Role::Admin]);
        app.post(&uri, &outsider, sheet).await.expect_problem(404);
        app.get(&format!("/api/v1/applications/{id}/evaluation"), &app.token(Role::Portal)).await.expect_problem(403);
    }

    async fn scores_only_while_open_or_closed_and_live(app: TestApp) {
        let (vid, criteria) = app.open_vacancy().await;
        let c = ids(&criteria);
        let a = app.apply(&vid, "Withdrawer", json!({})).await;
        let b = app.apply(&vid, "Stayer", json!({})).await;
        app.set_panel(&vid, &[("ann", "member")]).await;
        let sheet = json!({"method": "application", "on_behalf_of": "ann", "scores": [{"criterion_id": c[0], "score": 2}]});
        app.post(&format!("/api/v1/applications/{}/transitions", a["id"].as_str().unwrap()), &app.recruiter(), json!({"to": "withdrawn"})).await.expect(200);
        app.post(&format!("/api/v1/applications/{}/scoresheets", a["id"].as_str().unwrap()), &app.recruiter(), sheet.clone()).await.expect_problem(409);
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &app.recruiter(), json!({"to": "closed"})).await.expect(200);
        app.post(&format!("/api/v1/applications/{}/scoresheets", b["id"].as_str().unwrap()), &app.recruiter(), sheet.clone()).await.expect(200);
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &app.recruiter(), json!({"to": "cancelled", "reason": "Post withdrawn"})).await.expect(200);
        app.post(&format!("/api/v1/applications/{}/scoresheets", b["id"].as_str().unwrap()), &app.recruiter(), sheet).await.expect_problem(409);
    }

    async fn sixteen_parallel_assessors_lose_nothing(app: TestApp) {
        let (vid, criteria) = app.open_vacancy().await;
        let c = ids(&criteria);
        let assessors: Vec<String> = (0..16).map(|i| format!("assessor-{i:02}")).collect();
        let members: Vec<(&str, &str)> = assessors.iter().map(|a| (a.as_str(), "member")).collect();
        app.set_panel(&vid, &members).await;
        let a = app.apply(&vid, "Popular", json!({})).await;
        let uri = format!("/api/v1/applications/{}/scoresheets", a["id"].as_str().unwrap());
        let submissions = assessors.iter().enumerate().map(|(i, who)| {
            let token = app.panel(who);
            let body = json!({"method": "application", "scores": [
                {"criterion_id": c[0], "score": (i % 4) as i64},
                {"criterion_id": c[1], "score": 3},
                {"criterion_id": c[2], "score": 2}
            ]});
            let uri = uri.clone();
            let app = &app;
            async move { app.post(&uri, &token, body).await }
        });
        let results = futures_util::future::join_all(submissions).await;
        for r in results {
            r.expect(200);
        }
        let stored = app.get(&format!("/api/v1/applications/{}/scores", a["id"].as_str().unwrap()), &app.recruiter()).await.body;
        assert_eq!(stored["scores"].as_array().unwrap().len(), 16 * 3);
        let eval = app.get(&format!("/api/v1/applications/{}/evaluation", a["id"].as_str().unwrap()), &app.recruiter()).await.expect(200).body;
        let first = eval["criteria"].as_array().unwrap().iter().find(|r| r["criterion_id"] == json!(c[0])).unwrap();
        let application_pair = first["methods"].as_array().unwrap().iter().find(|m| m["method"] == "application").unwrap();
        assert_eq!(application_pair["assessor_count"], 16);
        // Scores 0,1,2,3 four times each: mean 1.5, spread 3.
        assert_eq!(application_pair["score"], 1.5);
        assert_eq!(application_pair["spread"], 3);
        assert_eq!(application_pair["needs_moderation"], true);
        // Sixteen concurrent appends left one unbroken audit chain.
        let chain = app.get("/api/v1/audit-events/verify", &app.token(Role::Admin)).await.expect(200).body;
        assert_eq!(chain["valid"], true, "{chain}");
    }

    async fn one_assessor_resubmitting_concurrently_gets_no_conflict(app: TestApp) {
        let (vid, criteria) = app.open_vacancy().await;
        let c = ids(&criteria);
        app.set_panel(&vid, &[("ann", "member")]).await;
        let a = app.apply(&vid, "Twice", json!({})).await;
        let uri = format!("/api/v1/applications/{}/scoresheets", a["id"].as_str().unwrap());
        let token = app.panel("ann");
        let sends = (0..8).map(|i| {
            let body = json!({"method": "application", "scores": [{"criterion_id": c[0], "score": i % 4}]});
            let (uri, token, app) = (uri.clone(), token.clone(), &app);
            async move { app.post(&uri, &token, body).await }
        });
        for r in futures_util::future::join_all(sends).await {
            r.expect(200);
        }
        let stored = app.get(&format!("/api/v1/applications/{}/scores", a["id"].as_str().unwrap()), &app.recruiter()).await.body;
        assert_eq!(stored["scores"].as_array().unwrap().len(), 1, "one score per assessor and criterion");
    }

    async fn evaluation_of_the_sample_spec(app: TestApp) {
        let (vid, criteria) = app.open_vacancy().await;
        let c = ids(&criteria);
        app.set_panel(&vid, &[("ann", "member")]).await;
        let a = app.apply(&vid, "Evaluated", json!({})).await;
        let id = a["id"].as_str().unwrap();
        let eval_uri = format!("/api/v1/applications/{id}/evaluation");
        let before = app.get(&eval_uri, &app.token(Role::Viewer)).await.expect(200).body;
        assert_eq!(before["recommendation"], "incomplete");
        assert_eq!(before["stage"], "shortlisting");
        assert_eq!(before["candidate_code"], "C-0001");
        // Right to work, references (2 by default): nothing recorded yet.
        assert_eq!(before["pending_checks"], json!(["right_to_work", "references"]));
        app.post(&format!("/api/v1/applications/{id}/scoresheets"), &app.panel("ann"), json!({"method": "application", "scores": [
            {"criterion_id": c[0], "score": 2}, {"criterion_id": c[1], "score": 0}, {"criterion_id": c[2], "score": 3}
        ]})).await.expect(200);
        let e = app.get(&eval_uri, &app.recruiter()).await.expect(200).body;
        assert_eq!(e["recommendation"], "shortlist");
        // c0 (2×1) + best of the group c1/c2 (3×1); c3 is interview-only: not counted.
        assert_eq!(e["weighted_score"], 5.0);
        assert_eq!(e["max_weighted_score"], 6.0);
        let final_stage = app.get(&format!("{eval_uri}?stage=final"), &app.recruiter()).await.expect(200).body;
        assert_eq!(final_stage["stage"], "final");
        assert_eq!(final_stage["recommendation"], "incomplete");
        app.get(&format!("{eval_uri}?stage=interview"), &app.recruiter()).await.expect_problem(422);
        let _ = sample_spec();
    }
}
