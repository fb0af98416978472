//! The import endpoint's additions (issue 14) through the real app: eligibility
//! conditions set apart from the criteria, the settings they suggest, and where each
//! criterion was read with the importer's confidence. Documents from the corpus's `dev/`
//! set.

use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{bearer, Resp, TestApp};

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const CARE_WORKER: &[u8] =
    include_bytes!("../fixtures/import_corpus/dev/hollins_vale_care_support_worker.docx");
const UNMARKED: &str =
    include_str!("../fixtures/import_corpus/dev/kelbrook_community_development_worker.txt");
const SEED_004: &str = include_str!("../fixtures/seeds/004_fcb0ce42797d0f07.txt");

/// The `?section=` of seed 004's specification whose title contains `post`.
async fn seed_004_section(app: &TestApp, vacancy: &str, post: &str) -> u64 {
    let body = import(
        app,
        vacancy,
        "?dry_run=true&section=1",
        "text/markdown",
        SEED_004.as_bytes().to_vec(),
    )
    .await
    .expect(200)
    .body;
    body["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"].as_str().is_some_and(|t| t.contains(post)))
        .unwrap_or_else(|| panic!("no section {post}: {:#}", body["sections"]))["section"]
        .as_u64()
        .unwrap()
}

async fn dry_run(app: &TestApp, vacancy: &str, content_type: &str, body: Vec<u8>) -> Resp {
    import(app, vacancy, "?dry_run=true", content_type, body).await
}

async fn import(
    app: &TestApp,
    vacancy: &str,
    query: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Resp {
    app.call(
        TestRequest::post()
            .uri(&format!(
                "/api/v1/vacancies/{vacancy}/criteria/import{query}"
            ))
            .insert_header(bearer(&app.recruiter()))
            .insert_header(("content-type", content_type))
            .set_payload(body),
    )
    .await
}

fn descriptions(body: &Value) -> Vec<String> {
    body["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["description"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn conditions_are_not_criteria_and_suggest_settings(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let body = dry_run(&app, id, DOCX, CARE_WORKER.to_vec()).await.expect(200).body;
        let criteria = descriptions(&body);
        assert_eq!(criteria.len(), 9, "{body:#}");
        assert!(!criteria.iter().any(|d| d.contains("18 or over") || d.contains("DBS")));
        let conditions: Vec<&str> = body["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(conditions.contains(&"Must be 18 or over"), "{conditions:?}");
        assert!(conditions.iter().any(|c| c.contains("enhanced DBS")));
        assert_eq!(body["suggested_settings"]["dbs_level"], "enhanced_barred_adults");
        assert_eq!(body["suggested_settings"]["driving_requirement"], "regular");
        // Each criterion: where it was read, and how sure the importer is.
        assert!(body.get("sources").is_none());
        for (n, c) in body["criteria"].as_array().unwrap().iter().enumerate() {
            assert_eq!(c["position"], n as i64);
            assert!(c["source"]["line"].as_u64().unwrap() > 0);
            let text = c["source"]["text"].as_str().unwrap();
            // The source text holds the criterion's words.
            let first_word = c["description"].as_str().unwrap().split_whitespace().next().unwrap();
            assert!(text.contains(first_word), "{text:?} / {c:#}");
            let confidence = c["confidence"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&confidence));
            // A low-confidence criterion is in the warnings, with the reason.
            if confidence <= 0.6 {
                assert!(body["warnings"].as_array().unwrap().iter().any(|w| {
                    w["line"] == c["source"]["line"]
                        && w["reason"].as_str().unwrap().starts_with("low confidence")
                }), "{body:#}");
            }
        }
        // Methods from the "How identified" codes, defined by the document's key line.
        assert_eq!(body["criteria"][1]["methods"], json!(["application", "documents"]));
        assert_eq!(body["criteria"][2]["requirement"], "desirable");
    }

    async fn apply_settings_adopts_the_suggested_settings(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        // A dry run changes nothing, settings included.
        let body = import(&app, id, "?dry_run=true&apply_settings=true", DOCX, CARE_WORKER.to_vec())
            .await
            .expect(200)
            .body;
        assert_eq!(body["applied_settings"], json!([]));
        let before = app.get(&format!("/api/v1/vacancies/{id}"), &app.recruiter()).await.expect(200).body;
        assert_eq!(before["dbs_level"], v["dbs_level"]);
        let body = import(&app, id, "?apply_settings=true", DOCX, CARE_WORKER.to_vec())
            .await
            .expect(200)
            .body;
        assert_eq!(body["applied_settings"], json!(["dbs_level", "driving_requirement"]));
        let after = app.get(&format!("/api/v1/vacancies/{id}"), &app.recruiter()).await.expect(200).body;
        assert_eq!(after["dbs_level"], "enhanced_barred_adults");
        assert_eq!(after["driving_requirement"], "regular");
    }

    async fn seed_004_conditions_are_conditions_and_its_tick_boxes_suggest_settings(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let section = seed_004_section(&app, id, "SC904").await;
        let body = import(&app, id, &format!("?dry_run=true&section={section}"), "text/markdown", SEED_004.as_bytes().to_vec())
            .await
            .expect(200)
            .body;
        // SC904, Assistant Manager: 26 rows marked E, of which three are conditions.
        let criteria = descriptions(&body);
        assert_eq!(criteria.len(), 23, "{criteria:#?}");
        for condition in ["HCPC registration if", "Minimum age", "pre-employment checks"] {
            assert!(!criteria.iter().any(|d| d.contains(condition)), "{condition} among {criteria:#?}");
            assert!(
                body["conditions"].as_array().unwrap().iter().any(|c| c.as_str().unwrap().contains(condition)),
                "{condition} not in {:#}", body["conditions"]
            );
        }
        // The form's tick boxes: exempt from the Rehabilitation of Offenders Act (Yes ✓),
        // so a DBS check applies; not politically restricted (No ✓, No ✓).
        assert_eq!(body["suggested_settings"]["dbs_level"], "standard", "{:#}", body["suggested_settings"]);
        assert_eq!(body["suggested_settings"]["politically_restricted"], false);
        assert!(body["suggested_settings"].get("driving_requirement").is_none());
        // The HCPC registration applies on one route only: no vacancy-wide setting.
        assert!(body["suggested_settings"].get("professional_registration").is_none());
        // Other forms of the pack: "Full driving licences and access to a car" stays a
        // criterion (these forms score it among the qualifications) and suggests a setting.
        let section = seed_004_section(&app, id, "SC913").await;
        let body = import(&app, id, &format!("?dry_run=true&section={section}"), "text/markdown", SEED_004.as_bytes().to_vec())
            .await
            .expect(200)
            .body;
        assert!(descriptions(&body).iter().any(|d| d.contains("driving licences")));
        assert_eq!(body["suggested_settings"]["driving_requirement"], "regular");
        assert_eq!(body["suggested_settings"]["politically_restricted"], false);
        assert_eq!(body["suggested_settings"]["dbs_level"], "standard");

        // Adopted with the import on a draft; the stored criteria hold no condition.
        let section = seed_004_section(&app, id, "SC904").await;
        let body = import(&app, id, &format!("?section={section}&apply_settings=true"), "text/markdown", SEED_004.as_bytes().to_vec())
            .await
            .expect(200)
            .body;
        assert_eq!(body["applied_settings"], json!(["dbs_level"]));
        let after = app.get(&format!("/api/v1/vacancies/{id}"), &app.recruiter()).await.expect(200).body;
        assert_eq!(after["dbs_level"], "standard");
        let stored = app.get(&format!("/api/v1/vacancies/{id}/criteria"), &app.recruiter()).await.expect(200).body;
        assert_eq!(stored.as_array().unwrap().len(), 23);
        // Only a draft imports, settings included.
        let (open, _) = app.open_vacancy().await;
        import(&app, &open, &format!("?section={section}&apply_settings=true"), "text/markdown", SEED_004.as_bytes().to_vec())
            .await
            .expect_problem(409);
    }

    async fn a_specification_that_marks_nothing_imports_as_essential_with_a_warning(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let body = dry_run(&app, id, "text/plain", UNMARKED.as_bytes().to_vec())
            .await
            .expect(200)
            .body;
        assert_eq!(descriptions(&body).len(), 13, "{body:#}");
        assert!(body["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["requirement"] == "essential"));
        assert!(body["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["reason"].as_str().unwrap().contains("imported as essential")));
        // The numbered duties before the specification are not criteria.
        assert!(!descriptions(&body).iter().any(|d| d.contains("Support residents")));
    }
}
