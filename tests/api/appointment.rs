//! The Social Worker Level 4 vacancy (seed 001: regular driver, enhanced DBS with both
//! barred lists, Social Work England registration) from open to appointed.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::seed_vacancies::fixture;
use serde_json::{json, Value};
use shortlist::auth::Role;

/// Parses CSV with Python's own csv module, as a spreadsheet user's tools would.
fn parse_csv_with_python(text: &str) -> Vec<Vec<String>> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("python3")
        .args(["-c", "import csv, io, json, sys; data = sys.stdin.buffer.read().decode('utf-8'); print(json.dumps(list(csv.reader(io.StringIO(data, newline='')))))"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is needed to check the CSV");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python csv failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

async fn score(
    app: &TestApp,
    application: &Value,
    method: &str,
    criteria: &[Value],
    value_of: impl Fn(&Value) -> i64,
) {
    let id = application["id"].as_str().unwrap();
    let scores: Vec<Value> = criteria
        .iter()
        .map(|c| json!({"criterion_id": c["id"], "score": value_of(c)}))
        .collect();
    for member in ["ann", "bob"] {
        app.post(
            &format!("/api/v1/applications/{id}/scoresheets"),
            &app.panel(member),
            json!({"method": method, "scores": scores}),
        )
        .await
        .expect(200);
    }
}

both_backends! {
    async fn social_worker_level4_from_open_to_appointed(app: TestApp) {
        let fx = fixture("social_worker_level4.json");
        let (vid, criteria) = app.open_vacancy_from(fx["vacancy"].clone(), fx["criteria"].clone()).await;
        assert_eq!(criteria.len(), 36);
        app.set_panel(&vid, &[("ann", "member"), ("bob", "member"), ("cat", "chair")]).await;
        let r = app.recruiter();
        let licence = json!({"driving_licence_held": true, "penalty_points": 3, "at_fault_accidents": 0, "right_to_work": true, "registration_number": "SW100200"});
        let mut with_gi = licence.clone();
        with_gi["guaranteed_interview"] = json!(true);
        let alpha = app.apply(&vid, "Alpha Adebayo", licence.clone()).await;
        let bravo = app.apply(&vid, "Bravo Byrne", licence.clone()).await;
        let charlie = app.apply(&vid, "Charlie Chen", licence.clone()).await;
        let delta = app.apply(&vid, "Delta Davies", licence.clone()).await;
        let echo = app.apply(&vid, "Echo Evans", with_gi).await;
        let fox = app.apply(&vid, "Foxtrot Fraser, Jr.", licence.clone()).await;

        let essential = |c: &Value| c["requirement"] == "essential";
        score(&app, &alpha, "application", &criteria, |_| 3).await;
        score(&app, &bravo, "application", &criteria, |c| if essential(c) { 3 } else { 2 }).await;
        score(&app, &charlie, "application", &criteria, |_| 2).await;
        score(&app, &delta, "application", &criteria, |_| 2).await;
        score(&app, &echo, "application", &criteria, |c| if essential(c) { 2 } else { 0 }).await;
        let first_essential = criteria.iter().find(|c| essential(c)).unwrap()["id"].clone();
        score(&app, &fox, "application", &criteria, |c| if c["id"] == first_essential { 1 } else { 3 }).await;

        // The full ranking: 36 criteria, max 108. Alpha 108; Bravo 31×3 + 5×2 = 103;
        // Charlie and Delta 72, tied at 3; Echo 31×2 = 62; Foxtrot (35×3 + 1 = 106)
        // is unranked: an essential is unmet, so the recommendation is reject.
        let full = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &r).await.expect(200).body;
        let rows = full["entries"].as_array().unwrap();
        let summary: Vec<(String, Value, bool, f64)> = rows.iter()
            .map(|e| (e["candidate_code"].as_str().unwrap().to_string(), e["rank"].clone(), e["tied"].as_bool().unwrap(), e["weighted_score"].as_f64().unwrap()))
            .collect();
        assert_eq!(summary, vec![
            ("C-0001".into(), json!(1), false, 108.0),
            ("C-0002".into(), json!(2), false, 103.0),
            ("C-0003".into(), json!(3), true, 72.0),
            ("C-0004".into(), json!(3), true, 72.0),
            ("C-0005".into(), json!(5), false, 62.0),
            ("C-0006".into(), json!(null), false, 106.0),
        ]);
        assert_eq!(rows[5]["recommendation"], "reject");
        assert_eq!(rows[5]["unmet_essentials"][0]["criterion_id"], first_essential);
        assert!(rows[5]["unmet_essentials"][0]["description"].is_string());
        assert_eq!(rows[4]["guaranteed_interview"], true);
        for e in rows {
            assert_eq!(e["pending_checks"], json!(["right_to_work", "dbs", "driving_licence", "references", "professional_registration"]));
        }

        // Top 2, and Echo (guaranteed interview, rank 5) stays in whatever the cut.
        let top = app.get(&format!("/api/v1/vacancies/{vid}/shortlist?top=2"), &r).await.expect(200).body;
        let codes: Vec<&str> = top["entries"].as_array().unwrap().iter().map(|e| e["candidate_code"].as_str().unwrap()).collect();
        assert_eq!(codes, ["C-0001", "C-0002", "C-0005"]);
        assert!(top["entries"].as_array().unwrap().iter().all(|e| e["proposed"] == true));
        let rejects = app.get(&format!("/api/v1/vacancies/{vid}/shortlist?recommendation=reject"), &r).await.expect(200).body;
        assert_eq!(rejects["entries"].as_array().unwrap().len(), 1);

        // The same rows as CSV, read back by Python's csv module.
        let csv = app.call(actix_web::test::TestRequest::get()
            .uri(&format!("/api/v1/vacancies/{vid}/shortlist"))
            .insert_header(crate::helpers::bearer(&r))
            .insert_header(("Accept", "text/csv"))).await.expect(200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert!(csv.text.contains("\r\n"));
        let table = parse_csv_with_python(&csv.text);
        assert_eq!(table.len(), 7, "header + six applicants");
        assert!(table.iter().all(|row| row.len() == 19 + 36), "one column per criterion, every row");
        assert_eq!(&table[0][..3], ["rank", "tied", "candidate_code"]);
        assert_eq!(table[6][3], "Foxtrot Fraser, Jr.");
        assert_eq!(table[3][0], "3");
        assert_eq!(table[3][1], "true");
        assert_eq!(table[1][7], "108");
        assert_eq!(table[1][17], "pending", "step_outcome");
        assert_eq!(table[1][18], "", "within_cut_off: the default plan has no cut-off");
        assert_eq!(table[1][19], "3");

        // Decisions. Rejecting Echo (guaranteed interview, essentials met) is refused,
        // and the whole batch with it.
        let uri = format!("/api/v1/vacancies/{vid}/shortlist/decisions");
        let id = |a: &Value| a["id"].clone();
        app.post(&uri, &r, json!({"decisions": [
            {"application_id": id(&alpha), "decision": "shortlisted", "reason": "Top ranked"},
            {"application_id": id(&echo), "decision": "not_shortlisted", "reason": "Below the cut"}
        ]})).await.expect_problem(409);
        // Shortlisting Foxtrot, who misses an essential, needs an override reason.
        let refused = app.post(&uri, &r, json!({"decisions": [
            {"application_id": id(&fox), "decision": "shortlisted", "reason": "Strong otherwise"}
        ]})).await.expect_problem(422);
        assert_eq!(refused.error_fields(), vec!["decisions[0].override_reason"]);
        let still = app.get(&format!("/api/v1/applications/{}", alpha["id"].as_str().unwrap()), &r).await.body;
        assert_eq!(still["status"], "submitted", "nothing half-written");

        let decided = app.post(&uri, &r, json!({"decisions": [
            {"application_id": id(&alpha), "decision": "shortlisted", "reason": "Ranked 1 of 6"},
            {"application_id": id(&bravo), "decision": "shortlisted", "reason": "Ranked 2 of 6"},
            {"application_id": id(&echo), "decision": "shortlisted", "reason": "Guaranteed interview scheme"},
            {"application_id": id(&charlie), "decision": "not_shortlisted", "reason": "Below the top two"},
            {"application_id": id(&delta), "decision": "not_shortlisted", "reason": "Below the top two"},
            {"application_id": id(&fox), "decision": "not_shortlisted", "reason": "Essential criterion unmet"}
        ]})).await.expect(200).body;
        let fox_decision = decided["decisions"].as_array().unwrap().iter().find(|d| d["application_id"] == id(&fox)).unwrap();
        assert_eq!(fox_decision["status"], "not_shortlisted");
        assert_eq!(fox_decision["unmet_criteria"][0]["criterion_id"], first_essential);
        app.post(&uri, &r, json!({"decisions": [{"application_id": id(&alpha), "decision": "shortlisted", "reason": "again"}]}))
            .await.expect_problem(409);

        // Interviews for the three shortlisted; the final stage counts both methods.
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r, json!({"to": "closed"})).await.expect(200);
        score(&app, &alpha, "interview", &criteria, |_| 2).await;
        score(&app, &bravo, "interview", &criteria, |_| 3).await;
        score(&app, &echo, "interview", &criteria, |_| 2).await;
        let final_list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist?stage=final"), &r).await.expect(200).body;
        let codes: Vec<&str> = final_list["entries"].as_array().unwrap().iter().map(|e| e["candidate_code"].as_str().unwrap()).collect();
        // Bravo 103 + 108 = 211 beats Alpha 108 + 72 = 180; not-shortlisted ones leave the final stage.
        assert_eq!(codes, ["C-0002", "C-0001", "C-0005"]);
        assert_eq!(final_list["entries"][0]["weighted_score"], 211.0);

        // A conditional offer to Bravo; the others are told.
        let bravo_uri = format!("/api/v1/applications/{}/transitions", bravo["id"].as_str().unwrap());
        app.post(&bravo_uri, &r, json!({"to": "offered", "reason": "Conditional offer"})).await.expect(200);
        for other in [&alpha, &echo] {
            app.post(&format!("/api/v1/applications/{}/transitions", other["id"].as_str().unwrap()), &r,
                json!({"to": "unsuccessful", "reason": "Another candidate scored higher at interview"})).await.expect(200);
        }

        let checks_uri = format!("/api/v1/applications/{}/checks", bravo["id"].as_str().unwrap());
        for (kind, body) in [
            ("right_to_work", json!({"status": "clear", "checked_at": "2026-11-20", "details": {"notes": "UK passport seen"}})),
            ("references", json!({"status": "clear", "details": {"received": 2}})),
            ("professional_registration", json!({"status": "clear", "details": {"notes": "SWE register checked: SW100200"}})),
        ] {
            app.put(&format!("{checks_uri}/{kind}"), &r, body).await.expect(200);
        }
        // The appointment is refused, naming the DBS and driving checks still pending.
        let refused = app.post(&bravo_uri, &r, json!({"to": "appointed"})).await.expect_problem(409);
        let detail = refused.body["detail"].as_str().unwrap();
        assert!(detail.contains("dbs") && detail.contains("driving_licence"), "{detail}");
        assert!(!detail.contains("right_to_work") && !detail.contains("references"), "{detail}");

        // An enhanced check without the barred lists is below this post's level.
        app.put(&format!("{checks_uri}/dbs"), &r, json!({"status": "clear", "details": {"level_checked": "enhanced", "certificate_number": "001234567890"}}))
            .await.expect_problem(422);
        // So is a licence with 10 points.
        app.put(&format!("{checks_uri}/driving_licence"), &r, json!({"status": "clear", "details": {"penalty_points": 10, "at_fault_accidents": 0}}))
            .await.expect_problem(422);
        app.put(&format!("{checks_uri}/dbs"), &r, json!({"status": "clear", "checked_at": "2026-11-22", "details": {"level_checked": "enhanced_barred_both", "certificate_number": "001234567890", "update_service": true}}))
            .await.expect(200);
        let checks = app.put(&format!("{checks_uri}/driving_licence"), &r, json!({"status": "clear", "details": {"penalty_points": 3, "at_fault_accidents": 0}}))
            .await.expect(200).body;
        assert_eq!(checks["pending_checks"], json!([]));
        assert_eq!(checks["failed_checks"], json!([]));

        let appointed = app.post(&bravo_uri, &r, json!({"to": "appointed"})).await.expect(200);
        assert_eq!(appointed.body["status"], "appointed");
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r, json!({"to": "filled"})).await.expect(200);

        let summary = app.get(&format!("/api/v1/vacancies/{vid}/summary"), &app.token(Role::Viewer)).await.expect(200).body;
        assert_eq!(summary["status"], "filled");
        assert_eq!(summary["total_applications"], 6);
        assert_eq!(summary["applications_by_status"]["appointed"], 1);
        assert_eq!(summary["applications_by_status"]["not_shortlisted"], 3);
        assert_eq!(summary["applications_by_status"]["unsuccessful"], 2);
        assert_eq!(summary["checks_outstanding"], json!({}));
        // ann and bob each scored all six by application and the three interviewees;
        // the chair scored nothing.
        let progress = summary["scoring_progress"]["by_assessor"].as_array().unwrap();
        let find = |who: &str, method: &str| progress.iter().find(|p| p["assessor"] == who && p["method"] == method).unwrap().clone();
        assert_eq!(find("ann", "application")["received"], 6);
        assert_eq!(find("ann", "interview")["expected"], 3);
        assert_eq!(find("bob", "interview")["received"], 3);
        assert_eq!(find("cat", "application")["received"], 0);

    }
}
