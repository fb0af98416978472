use crate::both_backends;
use crate::helpers::{bearer, TestApp, ORG};
use actix_web::test::TestRequest;
use serde_json::json;
use shortlist::auth::Role;

both_backends! {
    async fn portal_submits_and_gets_a_candidate_code(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let a = app.apply(&vid, "Ada Lovelace", json!({"guaranteed_interview": true, "driving_licence_held": true, "penalty_points": 3, "at_fault_accidents": 0, "right_to_work": true, "registration_number": "SW12345"})).await;
        assert_eq!(a["candidate_code"], "C-0001");
        assert_eq!(a["status"], "submitted");
        assert_eq!(a["candidate"]["email"], "ada.lovelace@example.org");
        assert_eq!(a["declarations"]["penalty_points"], 3);
        assert_eq!(a["declarations"]["registration_number"], "SW12345");
        let b = app.apply(&vid, "Grace Hopper", json!({})).await;
        assert_eq!(b["candidate_code"], "C-0002");
        assert_eq!(b["declarations"]["guaranteed_interview"], false);
        let fetched = app.get(&format!("/api/v1/applications/{}", a["id"].as_str().unwrap()), &app.recruiter()).await.expect(200);
        // Staff also read the recorded decisions (none yet); the portal does not.
        assert_eq!(fetched.body["decisions"], json!([]));
        assert_eq!(a["decisions"], json!(null));
        let mut same = fetched.body.clone();
        same["decisions"] = json!(null);
        assert_eq!(same, a);
    }

    async fn one_application_per_email_per_vacancy(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        app.apply(&vid, "Ada Lovelace", json!({})).await;
        let portal = app.token(Role::Portal);
        let dup = json!({"candidate": {"name": "Ada L", "email": "ADA.LOVELACE@example.org"}});
        app.post(&format!("/api/v1/vacancies/{vid}/applications"), &portal, dup).await.expect_problem(409);
        let list = app.get(&format!("/api/v1/vacancies/{vid}/applications"), &app.recruiter()).await.expect(200);
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    }

    async fn idempotency_key_replays_and_refuses_a_different_body(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let uri = format!("/api/v1/vacancies/{vid}/applications");
        let portal = app.token(Role::Portal);
        let body = json!({"candidate": {"name": "Alan Turing", "email": "alan@example.org"}});
        let send = |body: serde_json::Value| {
            TestRequest::post()
                .uri(&uri)
                .insert_header(bearer(&portal))
                .insert_header(("Idempotency-Key", "retry-123"))
                .set_json(body)
        };
        let first = app.call(send(body.clone())).await.expect(201);
        let second = app.call(send(body.clone())).await.expect(201);
        assert_eq!(first.body, second.body);
        assert_eq!(second.header("idempotent-replayed").as_deref(), Some("true"));
        assert_eq!(first.header("location"), second.header("location"));
        let other = json!({"candidate": {"name": "Alan Turing", "email": "alan.t@example.org"}});
        app.call(send(other)).await.expect_problem(422);
        let list = app.get(&uri, &app.recruiter()).await.expect(200);
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    }

    async fn applications_only_to_open_vacancies(app: TestApp) {
        let draft = app.create_vacancy(json!({})).await;
        let body = json!({"candidate": {"name": "X", "email": "x@example.org"}});
        // A portal cannot see a draft at all; a recruiter is told it is not open.
        app.post(&format!("/api/v1/vacancies/{}/applications", draft["id"].as_str().unwrap()), &app.token(Role::Portal), body.clone()).await.expect_problem(404);
        app.post(&format!("/api/v1/vacancies/{}/applications", draft["id"].as_str().unwrap()), &app.recruiter(), body.clone()).await.expect_problem(409);
        let (vid, _) = app.open_vacancy().await;
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &app.recruiter(), json!({"to": "closed"})).await.expect(200);
        app.post(&format!("/api/v1/vacancies/{vid}/applications"), &app.recruiter(), body).await.expect_problem(409);
    }

    async fn invalid_applications_are_422(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let uri = format!("/api/v1/vacancies/{vid}/applications");
        let portal = app.token(Role::Portal);
        for body in [
            json!({"candidate": {"name": "", "email": "x@example.org"}}),
            json!({"candidate": {"name": "X", "email": "not-an-email"}}),
            json!({"candidate": {"name": "X", "email": "x@example.org"}, "declarations": {"penalty_points": -2}}),
            json!({"candidate": {"name": "X", "email": "x@example.org"}, "declarations": {"shoe_size": 9}}),
            json!({"candidate": {"name": "X", "email": "x@example.org", "phone": "0".repeat(41)}}),
        ] {
            app.post(&uri, &portal, body).await.expect_problem(422);
        }
    }

    async fn portal_sees_only_its_own_applications(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let mine = app.apply(&vid, "Mine", json!({})).await;
        let other_portal = app.token_for("portal-2", ORG, &[Role::Portal]);
        let theirs = app.post(&format!("/api/v1/vacancies/{vid}/applications"), &other_portal, json!({"candidate": {"name": "Theirs", "email": "theirs@example.org"}})).await.expect(201).body;
        let list = app.get(&format!("/api/v1/vacancies/{vid}/applications"), &other_portal).await.expect(200);
        let ids: Vec<_> = list.body["items"].as_array().unwrap().iter().map(|a| a["id"].clone()).collect();
        assert_eq!(ids, vec![theirs["id"].clone()]);
        app.get(&format!("/api/v1/applications/{}", mine["id"].as_str().unwrap()), &other_portal).await.expect_problem(404);
        // Nor can it withdraw someone else's.
        app.post(&format!("/api/v1/applications/{}/transitions", mine["id"].as_str().unwrap()), &other_portal, json!({"to": "withdrawn"})).await.expect_problem(404);
    }

    async fn equality_answers_are_stored_but_never_returned(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let resp = app.post(&format!("/api/v1/vacancies/{vid}/applications"), &app.token(Role::Portal), json!({
            "candidate": {"name": "Eq Applicant", "email": "eq@example.org"},
            "equality_monitoring": {"age_band": "25-34", "sex": "female", "ethnicity": "Mixed - White and Asian", "disability": "yes", "sexual_orientation": "bisexual"}
        })).await.expect(201);
        let id = resp.body["id"].as_str().unwrap().to_string();
        for text in [resp.text.clone(), app.get(&format!("/api/v1/applications/{id}"), &app.recruiter()).await.text,
                     app.get(&format!("/api/v1/vacancies/{vid}/applications"), &app.recruiter()).await.text] {
            assert!(!text.contains("bisexual") && !text.contains("25-34") && !text.contains("equality"), "{text}");
        }
        let stored: i64 = app.db.read(move |conn| {
            use diesel::prelude::*;
            use shortlist::db::schema::equality_monitoring::dsl;
            Ok(dsl::equality_monitoring.filter(dsl::application_id.eq(id)).count().get_result(conn)?)
        }).await.unwrap();
        assert_eq!(stored, 1);
    }

    async fn lifecycle_and_withdrawal(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let a = app.apply(&vid, "Lifecycle", json!({})).await;
        let uri = format!("/api/v1/applications/{}/transitions", a["id"].as_str().unwrap());
        let r = app.recruiter();
        app.post(&uri, &r, json!({"to": "offered"})).await.expect_problem(409);
        app.post(&uri, &r, json!({"to": "not_shortlisted"})).await.expect_problem(422);
        app.post(&uri, &app.token(Role::Portal), json!({"to": "shortlisted", "reason": "Meets the essential criteria", "override_reason": "Shortlisted before the sift was scored"})).await.expect_problem(403);
        app.post(&uri, &app.token(Role::Viewer), json!({"to": "withdrawn"})).await.expect_problem(403);
        assert_eq!(app.post(&uri, &r, json!({"to": "shortlisted", "reason": "Meets the essential criteria", "override_reason": "Shortlisted before the sift was scored"})).await.expect(200).body["status"], "shortlisted");
        assert_eq!(app.post(&uri, &r, json!({"to": "offered"})).await.expect(200).body["status"], "offered");
        // Appointment waits for every required pre-employment check.
        let refused = app.post(&uri, &r, json!({"to": "appointed"})).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("right_to_work"));
        let withdrawn = app.post(&uri, &app.token_for("portal-1", ORG, &[Role::Portal]), json!({"to": "withdrawn"})).await.expect(200);
        assert_eq!(withdrawn.body["status"], "withdrawn");
        app.post(&uri, &r, json!({"to": "shortlisted", "reason": "Meets the essential criteria", "override_reason": "Shortlisted before the sift was scored"})).await.expect_problem(409);
    }

    async fn list_filters_and_pages_in_submission_order(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        for i in 0..5 {
            app.apply(&vid, &format!("Person {i}"), json!({})).await;
        }
        let mut codes = Vec::new();
        let mut uri = format!("/api/v1/vacancies/{vid}/applications?limit=2&status=submitted");
        loop {
            let page = app.get(&uri, &app.token(Role::Viewer)).await.expect(200);
            codes.extend(page.body["items"].as_array().unwrap().iter().map(|a| a["candidate_code"].as_str().unwrap().to_string()));
            match page.header("link") {
                Some(link) => uri = link.trim_start_matches('<').split('>').next().unwrap().to_string(),
                None => break,
            }
        }
        assert_eq!(codes, ["C-0001", "C-0002", "C-0003", "C-0004", "C-0005"]);
        let none = app.get(&format!("/api/v1/vacancies/{vid}/applications?status=withdrawn"), &app.recruiter()).await.expect(200);
        assert_eq!(none.body["items"], json!([]));
    }
}
