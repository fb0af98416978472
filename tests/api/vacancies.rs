use crate::both_backends;
use crate::helpers::{bearer, TestApp};
use actix_web::test::TestRequest;
use serde_json::json;
use shortlist::auth::Role;

both_backends! {
    async fn create_returns_201_location_etag_and_defaults(app: TestApp) {
        let resp = app
            .post("/api/v1/vacancies", &app.recruiter(), json!({"reference": "CA12-1155", "title": "Care Assistant"}))
            .await
            .expect(201);
        let id = resp.body["id"].as_str().unwrap().to_string();
        assert_eq!(resp.header("location"), Some(format!("/api/v1/vacancies/{id}")));
        assert_eq!(resp.header("etag").as_deref(), Some("\"1\""));
        let v = &resp.body;
        assert_eq!(v["status"], "draft");
        assert_eq!(v["dbs_level"], "none");
        assert_eq!(v["driving_requirement"], "none");
        assert_eq!(v["max_penalty_points"], 9);
        assert_eq!(v["max_at_fault_accidents"], 3);
        assert_eq!(v["references_required"], 2);
        assert_eq!(v["guaranteed_interview_scheme"], true);
        assert_eq!(v["anonymised_shortlisting"], false);
        assert_eq!(v["occupational_health_required"], false);
        assert_eq!(v["scoring"], json!({"min": 0, "max": 3, "pass_mark": 2, "min_assessors": 1}));
        assert_eq!(v["shortlisting_methods"], json!(["application"]));
        assert_eq!(v["closing_date"], json!(null));
        assert_eq!(v["version"], 1);
        let fetched = app.get(&format!("/api/v1/vacancies/{id}"), &app.token(Role::Viewer)).await.expect(200);
        assert_eq!(&fetched.body, v);
    }

    async fn all_fields_round_trip(app: TestApp) {
        let body = json!({
            "reference": "SW4-001", "title": "Social Worker Level 4", "grade": "Grade 10",
            "department": "Children's Services", "location": "County Hall", "hours_per_week": 37.0,
            "salary_min": 38626.0, "salary_max": 41511.0, "closing_date": "2099-01-31",
            "description": "Statutory social work.", "dbs_level": "enhanced_barred_children",
            "driving_requirement": "regular", "max_penalty_points": 6, "max_at_fault_accidents": 1,
            "professional_registration": "Social Work England", "references_required": 3,
            "occupational_health_required": true, "guaranteed_interview_scheme": false,
            "anonymised_shortlisting": true, "scoring": {"min": 1, "max": 7, "pass_mark": 4, "min_assessors": 2},
            "shortlisting_methods": ["application", "test"]
        });
        let created = app.post("/api/v1/vacancies", &app.recruiter(), body.clone()).await.expect(201).body;
        for (key, value) in body.as_object().unwrap() {
            assert_eq!(&created[key], value, "{key}");
        }
    }

    async fn cross_field_rules_are_422_with_every_field_named(app: TestApp) {
        let resp = app
            .post("/api/v1/vacancies", &app.recruiter(), json!({
                "reference": "", "title": "T", "salary_min": 30000, "salary_max": 20000,
                "scoring": {"min": 0, "max": 3, "pass_mark": 0}, "max_penalty_points": -1,
                "shortlisting_methods": []
            }))
            .await
            .expect_problem(422);
        let fields = resp.error_fields();
        for f in ["reference", "salary_max", "scoring.pass_mark", "max_penalty_points", "shortlisting_methods"] {
            assert!(fields.contains(&f.to_string()), "{f} missing from {fields:?}");
        }
        let list = app.get("/api/v1/vacancies", &app.recruiter()).await.expect(200);
        assert_eq!(list.body["items"], json!([]), "nothing stored");
    }

    async fn list_filters_by_status_and_pages_with_link(app: TestApp) {
        for i in 0..5 {
            app.create_vacancy(json!({"reference": format!("R{i}")})).await;
        }
        let (open_id, _) = app.open_vacancy().await;
        let t = app.token(Role::Viewer);
        let open = app.get("/api/v1/vacancies?status=open", &t).await.expect(200);
        assert_eq!(open.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(open.body["items"][0]["id"], json!(open_id));

        let mut seen = Vec::new();
        let mut uri = "/api/v1/vacancies?status=draft&limit=2".to_string();
        loop {
            let page = app.get(&uri, &t).await.expect(200);
            let items = page.body["items"].as_array().unwrap().clone();
            assert!(items.len() <= 2);
            seen.extend(items.iter().map(|v| v["reference"].as_str().unwrap().to_string()));
            match page.header("link") {
                Some(link) => {
                    assert!(link.ends_with("rel=\"next\""), "{link}");
                    assert!(link.contains("status=draft"), "{link}");
                    uri = link.trim_start_matches('<').split('>').next().unwrap().to_string();
                    assert!(page.body["next_cursor"].is_string());
                }
                None => {
                    assert!(page.body["next_cursor"].is_null());
                    break;
                }
            }
        }
        // Newest first, each exactly once.
        assert_eq!(seen, vec!["R4", "R3", "R2", "R1", "R0"]);
    }

    async fn patch_changes_fields_bumps_version_and_honours_if_match(app: TestApp) {
        let v = app.create_vacancy(json!({"grade": "G5"})).await;
        let id = v["id"].as_str().unwrap();
        let uri = format!("/api/v1/vacancies/{id}");
        let changed = app.patch(&uri, &app.recruiter(), json!({"title": "Senior Social Worker", "grade": null})).await.expect(200);
        assert_eq!(changed.body["title"], "Senior Social Worker");
        assert_eq!(changed.body["grade"], json!(null));
        assert_eq!(changed.body["version"], 2);
        assert_eq!(changed.header("etag").as_deref(), Some("\"2\""));

        let stale = TestRequest::patch()
            .uri(&uri)
            .insert_header(bearer(&app.recruiter()))
            .insert_header(("If-Match", "\"1\""))
            .set_json(json!({"title": "Lost update"}));
        app.call(stale).await.expect_problem(412);
        let fresh = TestRequest::patch()
            .uri(&uri)
            .insert_header(bearer(&app.recruiter()))
            .insert_header(("If-Match", "\"2\""))
            .set_json(json!({"title": "Kept update"}));
        assert_eq!(app.call(fresh).await.expect(200).body["version"], 3);
        let now = app.get(&uri, &app.recruiter()).await.expect(200);
        assert_eq!(now.body["title"], "Kept update");
    }

    async fn patch_validates_the_result(app: TestApp) {
        let v = app.create_vacancy(json!({"salary_min": 20000, "salary_max": 30000})).await;
        let uri = format!("/api/v1/vacancies/{}", v["id"].as_str().unwrap());
        let resp = app.patch(&uri, &app.recruiter(), json!({"salary_min": 40000})).await.expect_problem(422);
        assert_eq!(resp.error_fields(), vec!["salary_max"]);
        app.patch(&uri, &app.recruiter(), json!({"scoring": {"min": 0, "max": 3, "pass_mark": 9}}))
            .await
            .expect_problem(422);
        assert_eq!(app.get(&uri, &app.recruiter()).await.body["version"], 1);
    }

    async fn lifecycle_moves_and_illegal_transitions_are_409(app: TestApp) {
        let (id, _) = app.open_vacancy().await;
        let t = app.recruiter();
        let uri = format!("/api/v1/vacancies/{id}/transitions");
        app.post(&uri, &t, json!({"to": "filled"})).await.expect_problem(409);
        app.post(&uri, &t, json!({"to": "open"})).await.expect_problem(409);
        assert_eq!(app.post(&uri, &t, json!({"to": "closed"})).await.expect(200).body["status"], "closed");
        // Filled needs someone appointed (tests/api/integrity.rs fills one that has).
        app.post(&uri, &t, json!({"to": "filled"})).await.expect_problem(409);
        assert_eq!(app.post(&uri, &t, json!({"to": "cancelled", "reason": "budget"})).await.expect(200).body["status"], "cancelled");
        app.post(&uri, &t, json!({"to": "open"})).await.expect_problem(409);
        app.patch(&format!("/api/v1/vacancies/{id}"), &t, json!({"title": "x"})).await.expect_problem(409);
    }

    async fn cancelling_needs_a_reason(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let uri = format!("/api/v1/vacancies/{}/transitions", v["id"].as_str().unwrap());
        app.post(&uri, &app.recruiter(), json!({"to": "cancelled"})).await.expect_problem(422);
        let done = app.post(&uri, &app.recruiter(), json!({"to": "cancelled", "reason": "Post deleted in restructure"})).await.expect(200);
        assert_eq!(done.body["status"], "cancelled");
    }

    async fn opening_needs_closing_date_and_an_essential_criterion(app: TestApp) {
        let t = app.recruiter();
        let v = app.create_vacancy(json!({"closing_date": null})).await;
        let id = v["id"].as_str().unwrap();
        let uri = format!("/api/v1/vacancies/{id}/transitions");
        let resp = app.post(&uri, &t, json!({"to": "open"})).await.expect_problem(409);
        let detail = resp.body["detail"].as_str().unwrap();
        assert!(detail.contains("closing_date") && detail.contains("essential"), "{detail}");
        app.put(&format!("/api/v1/vacancies/{id}/criteria"), &t, json!([
            {"category": "Skills", "description": "Nice to have", "requirement": "desirable", "methods": ["interview"]}
        ])).await.expect(200);
        app.patch(&format!("/api/v1/vacancies/{id}"), &t, json!({"closing_date": "2099-06-30"})).await.expect(200);
        let resp = app.post(&uri, &t, json!({"to": "open"})).await.expect_problem(409);
        assert!(resp.body["detail"].as_str().unwrap().contains("essential"));
        app.patch(&format!("/api/v1/vacancies/{id}"), &t, json!({"closing_date": "2001-01-01"})).await.expect(200);
        app.put(&format!("/api/v1/vacancies/{id}/criteria"), &t, crate::helpers::sample_spec()).await.expect(200);
        let resp = app.post(&uri, &t, json!({"to": "open"})).await.expect_problem(409);
        assert!(resp.body["detail"].as_str().unwrap().contains("passed"));
        app.patch(&format!("/api/v1/vacancies/{id}"), &t, json!({"closing_date": "2099-06-30"})).await.expect(200);
        app.post(&uri, &t, json!({"to": "open"})).await.expect(200);
    }

    async fn open_vacancy_keeps_its_rules_but_may_extend_its_closing_date(app: TestApp) {
        let (id, _) = app.open_vacancy().await;
        let uri = format!("/api/v1/vacancies/{id}");
        let t = app.recruiter();
        app.patch(&uri, &t, json!({"scoring": {"min": 1, "max": 7, "pass_mark": 4}})).await.expect_problem(409);
        app.patch(&uri, &t, json!({"dbs_level": "basic"})).await.expect_problem(409);
        app.patch(&uri, &t, json!({"closing_date": null})).await.expect_problem(422);
        let ok = app.patch(&uri, &t, json!({"closing_date": "2100-01-15", "salary_max": 45000})).await.expect(200);
        assert_eq!(ok.body["closing_date"], "2100-01-15");
    }

    async fn writes_are_audited_in_the_same_transaction(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap().to_string();
        app.patch(&format!("/api/v1/vacancies/{id}"), &app.recruiter(), json!({"title": "Renamed"})).await.expect(200);
        // A refused write leaves no event behind.
        app.patch(&format!("/api/v1/vacancies/{id}"), &app.recruiter(), json!({"salary_min": 5, "salary_max": 1})).await.expect(422);
        let id2 = id.clone();
        let events = app
            .db
            .read(move |conn| Ok(shortlist::db::audit::for_entity(conn, crate::helpers::ORG, &id2)?))
            .await
            .unwrap();
        let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, vec!["vacancy.created", "vacancy.updated"]);
        assert_eq!(events[1].actor, "recruiter");
        assert!(events[1].before_state.as_deref().unwrap().contains("Social Worker Level 4"));
        assert!(events[1].after_state.as_deref().unwrap().contains("Renamed"));
        assert!(events[1].request_id.is_some());
    }
}
