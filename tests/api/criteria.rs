use crate::both_backends;
use crate::helpers::{sample_spec, TestApp};
use serde_json::json;
use shortlist::auth::Role;

both_backends! {
    async fn whole_spec_replace_stores_in_order_with_ids(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let uri = format!("/api/v1/vacancies/{id}/criteria");
        let stored = app.put(&uri, &app.recruiter(), sample_spec()).await.expect(200).body;
        let stored = stored.as_array().unwrap();
        assert_eq!(stored.len(), 4);
        for (i, c) in stored.iter().enumerate() {
            assert_eq!(c["position"], i);
            assert!(c["id"].as_str().unwrap().len() == 36);
        }
        assert_eq!(stored[0]["weight"], 1);
        assert_eq!(stored[3]["weight"], 2);
        assert_eq!(stored[1]["alternative_group"], "credits-or-experience");
        let listed = app.get(&uri, &app.token(Role::Viewer)).await.expect(200).body;
        assert_eq!(listed.as_array().unwrap(), stored);
        // Replacing again swaps the whole spec.
        let again = app.put(&uri, &app.recruiter(), json!([
            {"category": "Knowledge", "description": "Children Act 1989", "requirement": "essential", "methods": ["interview"]}
        ])).await.expect(200).body;
        assert_eq!(again.as_array().unwrap().len(), 1);
        assert_eq!(app.get(&uri, &app.recruiter()).await.body.as_array().unwrap().len(), 1);
    }

    async fn single_criterion_crud(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let uri = format!("/api/v1/vacancies/{id}/criteria");
        let t = app.recruiter();
        let a = app.post(&uri, &t, json!({"category": "Skills", "description": "IT literate", "requirement": "essential", "methods": ["application"]})).await.expect(201);
        let a_id = a.body["id"].as_str().unwrap().to_string();
        assert_eq!(a.header("location"), Some(format!("{uri}/{a_id}")));
        assert_eq!(a.body["position"], 0);
        let b = app.post(&uri, &t, json!({"category": "Skills", "description": "Welsh speaker", "requirement": "desirable", "methods": ["interview"], "weight": 3})).await.expect(201);
        assert_eq!(b.body["position"], 1);
        let b_id = b.body["id"].as_str().unwrap().to_string();
        let patched = app.patch(&format!("{uri}/{b_id}"), &t, json!({"weight": 5, "methods": ["interview", "test"]})).await.expect(200);
        assert_eq!(patched.body["weight"], 5);
        assert_eq!(patched.body["methods"], json!(["interview", "test"]));
        app.delete(&format!("{uri}/{a_id}"), &t).await.expect(204);
        app.delete(&format!("{uri}/{a_id}"), &t).await.expect_problem(404);
        let left = app.get(&uri, &t).await.body;
        assert_eq!(left.as_array().unwrap().len(), 1);
        assert_eq!(left[0]["id"], json!(b_id));
        // The vacancy's version moves with its specification.
        assert_eq!(app.get(&format!("/api/v1/vacancies/{id}"), &t).await.body["version"], 5);
    }

    async fn criteria_are_validated(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let uri = format!("/api/v1/vacancies/{}/criteria", v["id"].as_str().unwrap());
        let t = app.recruiter();
        let cases = [
            json!({"category": "", "description": "d", "requirement": "essential", "methods": ["application"]}),
            json!({"category": "c", "description": "", "requirement": "essential", "methods": ["application"]}),
            json!({"category": "c", "description": "d", "requirement": "essential", "methods": []}),
            json!({"category": "c", "description": "d", "requirement": "essential", "methods": ["telepathy"]}),
            json!({"category": "c", "description": "d", "requirement": "essential", "methods": ["test", "test"]}),
            json!({"category": "c", "description": "d", "requirement": "vital", "methods": ["test"]}),
            json!({"category": "c", "description": "d", "requirement": "essential", "methods": ["test"], "weight": 0}),
            json!({"category": "c", "description": "d", "requirement": "essential", "methods": ["test"], "weight": 11}),
            json!({"category": "x".repeat(81), "description": "d", "requirement": "essential", "methods": ["test"]}),
            json!({"category": "c", "description": "d".repeat(2001), "requirement": "essential", "methods": ["test"]}),
        ];
        for case in cases {
            app.post(&uri, &t, case.clone()).await.expect_problem(422);
        }
        assert_eq!(app.get(&uri, &t).await.body, json!([]));
    }

    async fn alternative_groups_share_one_requirement_level(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let uri = format!("/api/v1/vacancies/{}/criteria", v["id"].as_str().unwrap());
        let t = app.recruiter();
        let resp = app.put(&uri, &t, json!([
            {"category": "Q", "description": "Degree", "requirement": "essential", "methods": ["application"], "alternative_group": "g"},
            {"category": "E", "description": "Experience", "requirement": "desirable", "methods": ["application"], "alternative_group": "g"}
        ])).await.expect_problem(422);
        assert_eq!(resp.error_fields(), vec!["[1].requirement"]);
        assert_eq!(app.get(&uri, &t).await.body, json!([]), "nothing half-written");
        app.post(&uri, &t, json!({"category": "Q", "description": "Degree", "requirement": "essential", "methods": ["application"], "alternative_group": "g"})).await.expect(201);
        app.post(&uri, &t, json!({"category": "E", "description": "Experience", "requirement": "desirable", "methods": ["application"], "alternative_group": "g"})).await.expect_problem(422);
    }

    async fn a_bad_element_rejects_the_whole_replace(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let uri = format!("/api/v1/vacancies/{}/criteria", v["id"].as_str().unwrap());
        let t = app.recruiter();
        app.put(&uri, &t, sample_spec()).await.expect(200);
        let mut bad = sample_spec();
        bad[2]["weight"] = json!(42);
        let resp = app.put(&uri, &t, bad).await.expect_problem(422);
        assert_eq!(resp.error_fields(), vec!["[2].weight"]);
        assert_eq!(app.get(&uri, &t).await.body.as_array().unwrap().len(), 4, "old spec intact");
    }

    async fn spec_is_frozen_once_open(app: TestApp) {
        let (id, criteria) = app.open_vacancy().await;
        let uri = format!("/api/v1/vacancies/{id}/criteria");
        let t = app.recruiter();
        let cid = criteria[0]["id"].as_str().unwrap();
        app.post(&uri, &t, json!({"category": "c", "description": "d", "requirement": "essential", "methods": ["test"]})).await.expect_problem(409);
        app.put(&uri, &t, sample_spec()).await.expect_problem(409);
        app.patch(&format!("{uri}/{cid}"), &t, json!({"weight": 9})).await.expect_problem(409);
        app.delete(&format!("{uri}/{cid}"), &t).await.expect_problem(409);
        assert_eq!(app.get(&uri, &t).await.body, criteria);
    }

    async fn only_writers_change_the_spec(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let uri = format!("/api/v1/vacancies/{}/criteria", v["id"].as_str().unwrap());
        for role in [Role::Viewer, Role::Panel, Role::Portal] {
            app.put(&uri, &app.token(role), sample_spec()).await.expect_problem(403);
        }
        app.put(&uri, &app.token(Role::Admin), sample_spec()).await.expect(200);
    }
}
