use crate::both_backends;
use crate::helpers::TestApp;
use serde_json::json;
use shortlist::auth::Role;

both_backends! {
    async fn panel_is_set_and_read(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let uri = format!("/api/v1/vacancies/{vid}/panel");
        assert_eq!(app.get(&uri, &app.recruiter()).await.expect(200).body, json!({"members": []}));
        app.set_panel(&vid, &[("cat", "chair"), ("ann", "member"), ("bob", "member")]).await;
        let panel = app.get(&uri, &app.panel("ann")).await.expect(200).body;
        assert_eq!(panel["members"].as_array().unwrap().len(), 3);
        assert!(panel["members"].as_array().unwrap().contains(&json!({"user_id": "cat", "role": "chair"})));
        app.put(&uri, &app.recruiter(), json!({"members": [{"user_id": "a", "role": "chair"}, {"user_id": "b", "role": "chair"}]})).await.expect_problem(422);
        app.put(&uri, &app.recruiter(), json!({"members": [{"user_id": "a", "role": "member"}, {"user_id": "a", "role": "chair"}]})).await.expect_problem(422);
        app.put(&uri, &app.recruiter(), json!({"members": [{"user_id": "a", "role": "boss"}]})).await.expect_problem(422);
        app.put(&uri, &app.panel("cat"), json!({"members": []})).await.expect_problem(403);
        assert_eq!(app.get(&uri, &app.recruiter()).await.body["members"].as_array().unwrap().len(), 3);
    }

    async fn panel_members_see_only_their_vacancies(app: TestApp) {
        let (mine, _) = app.open_vacancy().await;
        let (other, _) = app.open_vacancy().await;
        app.set_panel(&mine, &[("ann", "member")]).await;
        let ann = app.panel("ann");
        let list = app.get("/api/v1/vacancies", &ann).await.expect(200);
        let ids: Vec<_> = list.body["items"].as_array().unwrap().iter().map(|v| v["id"].clone()).collect();
        assert_eq!(ids, vec![json!(mine)]);
        app.get(&format!("/api/v1/vacancies/{mine}"), &ann).await.expect(200);
        app.get(&format!("/api/v1/vacancies/{other}"), &ann).await.expect_problem(404);
        app.get(&format!("/api/v1/vacancies/{other}/applications"), &ann).await.expect_problem(404);
        app.get(&format!("/api/v1/vacancies/{other}/panel"), &ann).await.expect_problem(404);
        app.get(&format!("/api/v1/vacancies/{mine}/panel"), &app.token(Role::Portal)).await.expect_problem(404);
    }

    async fn anonymised_vacancy_shows_panel_codes_not_names(app: TestApp) {
        let mut vacancy = json!({"reference": "ANON1", "title": "Anonymised post", "closing_date": "2099-12-31", "anonymised_shortlisting": true});
        let _ = &mut vacancy;
        let (vid, _) = app.open_vacancy_from(vacancy, crate::helpers::sample_spec()).await;
        app.set_panel(&vid, &[("ann", "member")]).await;
        let a = app.apply(&vid, "Hidden Name", json!({"guaranteed_interview": true})).await;
        let id = a["id"].as_str().unwrap();
        let seen = app.get(&format!("/api/v1/applications/{id}"), &app.panel("ann")).await.expect(200);
        assert_eq!(seen.body["candidate_code"], "C-0001");
        assert_eq!(seen.body["candidate"], json!(null));
        assert_eq!(seen.body["declarations"], json!(null));
        assert!(!seen.text.contains("Hidden Name"));
        let listed = app.get(&format!("/api/v1/vacancies/{vid}/applications"), &app.panel("ann")).await.expect(200);
        assert!(!listed.text.contains("Hidden Name") && !listed.text.contains("hidden.name"));
        // HR still sees who applied.
        let hr = app.get(&format!("/api/v1/applications/{id}"), &app.recruiter()).await.expect(200);
        assert_eq!(hr.body["candidate"]["name"], "Hidden Name");
        // Once the shortlisting decision is recorded the panel may know who they meet.
        app.post(&format!("/api/v1/applications/{id}/transitions"), &app.recruiter(), json!({"to": "shortlisted", "reason": "Meets the essential criteria", "override_reason": "Shortlisted before the sift was scored"})).await.expect(200);
        let after = app.get(&format!("/api/v1/applications/{id}"), &app.panel("ann")).await.expect(200);
        assert_eq!(after.body["candidate"]["name"], "Hidden Name");
    }
}
