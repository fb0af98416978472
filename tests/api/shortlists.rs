use crate::both_backends;
use crate::helpers::{sample_spec, TestApp};
use serde_json::{json, Value};
use shortlist::auth::Role;

async fn scored_vacancy(app: &TestApp, anonymised: bool) -> (String, Vec<Value>, Vec<Value>) {
    let (vid, criteria) = app.open_vacancy_from(
        json!({"reference": "SL1", "title": "Shortlisted post", "closing_date": "2099-12-31", "anonymised_shortlisting": anonymised}),
        sample_spec(),
    ).await;
    app.set_panel(&vid, &[("ann", "member"), ("bob", "member")])
        .await;
    let mut apps = Vec::new();
    for (name, scores) in [
        ("Ada One", [3, 3, 3]),
        ("Bo Two", [2, 2, 2]),
        ("Cy Three", [2, 2, 2]),
        ("Di Four", [1, 2, 2]),
    ] {
        let a = app.apply(&vid, name, json!({})).await;
        let sheet: Vec<Value> = criteria[..3]
            .iter()
            .zip(scores)
            .map(|(c, s)| json!({"criterion_id": c["id"], "score": s}))
            .collect();
        app.post(
            &format!(
                "/api/v1/applications/{}/scoresheets",
                a["id"].as_str().unwrap()
            ),
            &app.panel("ann"),
            json!({"method": "application", "scores": sheet}),
        )
        .await
        .expect(200);
        apps.push(a);
    }
    (vid, criteria, apps)
}

both_backends! {
    async fn ties_share_a_rank_and_say_so(app: TestApp) {
        let (vid, _, _) = scored_vacancy(&app, false).await;
        let list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &app.token(Role::Viewer)).await.expect(200).body;
        let ranks: Vec<(Value, Value)> = list["entries"].as_array().unwrap().iter().map(|e| (e["rank"].clone(), e["tied"].clone())).collect();
        assert_eq!(ranks, vec![(json!(1), json!(false)), (json!(2), json!(true)), (json!(2), json!(true)), (json!(null), json!(false))]);
        assert_eq!(list["entries"][3]["recommendation"], "reject");
        app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &app.token(Role::Portal)).await.expect_problem(403);
    }

    async fn withdrawn_applications_are_left_out_unless_asked(app: TestApp) {
        let (vid, _, apps) = scored_vacancy(&app, false).await;
        app.post(&format!("/api/v1/applications/{}/transitions", apps[0]["id"].as_str().unwrap()), &app.recruiter(), json!({"to": "withdrawn"})).await.expect(200);
        let list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &app.recruiter()).await.expect(200).body;
        assert_eq!(list["entries"].as_array().unwrap().len(), 3);
        assert_eq!(list["entries"][0]["rank"], 1);
        let all = app.get(&format!("/api/v1/vacancies/{vid}/shortlist?include_withdrawn=true"), &app.recruiter()).await.expect(200).body;
        assert_eq!(all["entries"].as_array().unwrap().len(), 4);
    }

    async fn panel_sees_codes_not_names_on_an_anonymised_shortlist(app: TestApp) {
        let (vid, _, _) = scored_vacancy(&app, true).await;
        for path in ["shortlist", "score-matrix"] {
            let seen = app.get(&format!("/api/v1/vacancies/{vid}/{path}"), &app.panel("bob")).await.expect(200);
            assert!(!seen.text.contains("Ada One") && !seen.text.contains("Bo Two"), "{path}: {}", seen.text);
            assert!(seen.text.contains("C-0001"));
            let hr = app.get(&format!("/api/v1/vacancies/{vid}/{path}"), &app.recruiter()).await.expect(200);
            assert!(hr.text.contains("Ada One"));
        }
        app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &app.panel("stranger")).await.expect_problem(404);
    }

    async fn score_matrix_shows_each_assessor(app: TestApp) {
        let (vid, criteria, apps) = scored_vacancy(&app, false).await;
        let a = apps[1]["id"].as_str().unwrap();
        app.post(&format!("/api/v1/applications/{a}/scoresheets"), &app.panel("bob"),
            json!({"method": "application", "scores": [{"criterion_id": criteria[0]["id"], "score": 0}]})).await.expect(200);
        let m = app.get(&format!("/api/v1/vacancies/{vid}/score-matrix"), &app.recruiter()).await.expect(200).body;
        assert_eq!(m["assessors"], json!(["ann", "bob"]));
        assert_eq!(m["criteria"].as_array().unwrap().len(), 4);
        let row = m["rows"].as_array().unwrap().iter().find(|r| r["application_id"] == json!(a)).unwrap();
        let cell = row["cells"].as_array().unwrap().iter()
            .find(|c| c["criterion_id"] == criteria[0]["id"] && c["method"] == "application").unwrap();
        assert_eq!(cell["scores"], json!([{"assessor": "ann", "score": 2, "standing": "counting"}, {"assessor": "bob", "score": 0, "standing": "counting"}]));
        assert_eq!(cell["aggregate"], 1.0);
        assert_eq!(cell["spread"], 2);
        assert_eq!(cell["status"], "unmet");
        assert_eq!(cell["needs_moderation"], true);
        // Every criterion × method appears, scored or not.
        assert_eq!(row["cells"].as_array().unwrap().len(), 2 + 1 + 2 + 1);
        let summary = app.get(&format!("/api/v1/vacancies/{vid}/summary"), &app.recruiter()).await.expect(200).body;
        assert_eq!(summary["needs_moderation"][0]["application_id"], json!(a));
        assert_eq!(summary["recommendations"]["shortlisting"], json!({"shortlist": 2, "reject": 2, "incomplete": 0}));
        assert_eq!(summary["applications_by_status"]["submitted"], 4);
    }
}
