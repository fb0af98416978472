//! `POST /api/v1/vacancies/{id}/criteria/import` through the real app: the seed documents
//! in each accepted format, dry runs, choosing a section, and refusals that change nothing.

use std::io::Write;

use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{bearer, sample_spec, Resp, TestApp};
use shortlist::auth::Role;

const SEED_001: &str = include_str!("../fixtures/seeds/001_d864ea12738d2d80.txt");
const SEED_002: &str = include_str!("../fixtures/seeds/002_6930bd64e9f0c8b1.txt");
const SEED_004: &str = include_str!("../fixtures/seeds/004_fcb0ce42797d0f07.txt");
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
// Word files made from the seeds by python-docx (tests/fixtures/import/docx/make.py).
const DOCX_000: &[u8] =
    include_bytes!("../fixtures/import/docx/000_alternatively_qualified_worker.docx");
const DOCX_001: &[u8] = include_bytes!("../fixtures/import/docx/001_social_worker_level4.docx");

/// (description, requirement, methods) of the hand-checked criteria of a seed.
fn expected(file: &str) -> Vec<(String, String, Value)> {
    let path = format!(
        "{}/tests/fixtures/import/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    triples(&doc["specs"][0]["criteria"])
}

fn got(body: &Value) -> Vec<(String, String, Value)> {
    triples(&body["criteria"])
}

fn triples(criteria: &Value) -> Vec<(String, String, Value)> {
    criteria
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["description"].as_str().unwrap().to_string(),
                c["requirement"].as_str().unwrap().to_string(),
                c["methods"].clone(),
            )
        })
        .collect()
}

async fn import(
    app: &TestApp,
    vacancy: &str,
    query: &str,
    content_type: &str,
    body: impl Into<Vec<u8>>,
) -> Resp {
    app.call(
        TestRequest::post()
            .uri(&format!(
                "/api/v1/vacancies/{vacancy}/criteria/import{query}"
            ))
            .insert_header(bearer(&app.recruiter()))
            .insert_header(("content-type", content_type))
            .set_payload(body.into()),
    )
    .await
}

async fn stored_spec(app: &TestApp, vacancy: &str) -> Value {
    app.get(
        &format!("/api/v1/vacancies/{vacancy}/criteria"),
        &app.recruiter(),
    )
    .await
    .expect(200)
    .body
}

fn count(criteria: &Value, requirement: &str) -> usize {
    criteria
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["requirement"] == requirement)
        .count()
}

/// A Word document whose body is `body_xml` (the children of `w:body`).
fn docx(body_xml: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", options).unwrap();
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#).unwrap();
    zip.start_file("word/document.xml", options).unwrap();
    write!(
        zip,
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body_xml}</w:body></w:document>"#
    )
    .unwrap();
    zip.finish().unwrap().into_inner()
}

fn para(text: &str) -> String {
    format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
}

fn cell(text: &str) -> String {
    format!("<w:tc>{}</w:tc>", para(text))
}

both_backends! {
    async fn dry_run_reports_the_seed_spec_and_changes_nothing(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let resp = import(&app, id, "?dry_run=true", "text/markdown", SEED_001).await.expect(200);
        let body = resp.body;
        assert_eq!(body["dry_run"], true);
        assert_eq!(body["section"], 1);
        let criteria = &body["criteria"];
        // Seed 001: 31 essential and 5 desirable bullets under "Person Specification".
        assert_eq!(count(criteria, "essential"), 31, "{criteria:#}");
        assert_eq!(count(criteria, "desirable"), 5);
        assert!(criteria.as_array().unwrap().iter().all(|c| c["id"].is_null()));
        assert_eq!(criteria[0]["description"], "Professional social work qualification.");
        assert_eq!(criteria[0]["methods"], json!(["application"]));
        assert!(body["warnings"].is_array());
        // Nothing stored, nothing audited, the vacancy's version unchanged.
        assert_eq!(stored_spec(&app, id).await, json!([]));
        let after = app.get(&format!("/api/v1/vacancies/{id}"), &app.recruiter()).await.body;
        assert_eq!(after["version"], v["version"]);
    }

    async fn import_replaces_the_spec_in_one_go_and_is_audited(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        app.put(&format!("/api/v1/vacancies/{id}/criteria"), &app.recruiter(), sample_spec())
            .await
            .expect(200);
        // Seed 002 holds three role profiles: the caller must choose.
        let refused = import(&app, id, "", "text/markdown", SEED_002).await.expect_problem(422);
        assert_eq!(refused.body["errors"][0]["field"], "section");
        assert!(refused.text.contains("3 person specifications"), "{}", refused.text);
        assert_eq!(stored_spec(&app, id).await.as_array().unwrap().len(), 4);

        let resp = import(&app, id, "?section=3", "text/markdown", SEED_002).await.expect(200);
        assert_eq!(resp.body["dry_run"], false);
        assert_eq!(resp.body["sections"].as_array().unwrap().len(), 3);
        let imported = resp.body["criteria"].clone();
        let stored = stored_spec(&app, id).await;
        assert_eq!(stored.as_array().unwrap().len(), imported.as_array().unwrap().len());
        // The stored criteria are the imported ones: the contract's fields, equal; the
        // import adds where each was read and how sure it is.
        for (s, i) in stored.as_array().unwrap().iter().zip(imported.as_array().unwrap()) {
            let stored_fields = s.as_object().unwrap();
            assert!(!stored_fields.contains_key("source") && !stored_fields.contains_key("confidence"));
            for (key, value) in stored_fields {
                assert_eq!(&i[key], value, "{key}");
            }
            assert!(i["source"]["line"].as_u64().unwrap() > 0);
            assert!(!i["source"]["text"].as_str().unwrap().is_empty());
            assert!((0.0..=1.0).contains(&i["confidence"].as_f64().unwrap()));
        }
        // The Advanced Practitioner's "60 M Level credits … OR … 5 years" is one choice.
        let groups: Vec<&Value> = stored
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["alternative_group"].is_string())
            .collect();
        assert!(groups.len() >= 2, "{stored:#}");
        assert!(groups.iter().any(|c| c["description"].as_str().unwrap().contains("60 M Level credits")));
        let events = app
            .get("/api/v1/audit-events?limit=500", &app.token(Role::Admin))
            .await
            .expect(200)
            .body;
        assert!(events["items"].as_array().unwrap().iter().any(|e| e["action"] == "criteria.imported"));
    }

    async fn measurement_numbers_become_methods(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let sections = import(&app, id, "?dry_run=true&section=1", "text/markdown", SEED_004)
            .await
            .expect(200)
            .body["sections"]
            .clone();
        // The Team Manager form (SC173) codes methods as 1–6 "Measurement" numbers.
        let team_manager = sections
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["line"].as_u64().is_some_and(|l| (3215..3235).contains(&l)))
            .unwrap_or_else(|| panic!("no section near line 3220: {sections:#}"))["section"]
            .clone();
        let body = import(&app, id, &format!("?section={team_manager}"), "text/markdown", SEED_004)
            .await
            .expect(200)
            .body;
        let by_text = |needle: &str| {
            body["criteria"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["description"].as_str().unwrap().contains(needle))
                .unwrap_or_else(|| panic!("no criterion {needle:?}: {body:#}"))
                .clone()
        };
        let c = by_text("Minimum 3 years post qualification experience");
        assert_eq!(c["requirement"], "essential");
        assert_eq!(c["methods"], json!(["application", "interview"]));
        let c = by_text("Previous experience of staff/student supervision");
        assert_eq!(c["requirement"], "desirable");
        assert_eq!(c["methods"], json!(["application"]));
        assert_eq!(by_text("Dip SW or CQSW or CSS")["methods"], json!(["application", "documents"]));
        assert_eq!(by_text("Ability to confront challenges")["methods"], json!(["test", "interview"]));
        // Next to the criteria, a plan for the methods they use: the sift (application
        // form, documents), the test after shortlisting (Measurement 3), the interview.
        let plan: Vec<(String, Value)> = body["proposed_plan"]["steps"].as_array().unwrap().iter()
            .map(|s| (s["key"].as_str().unwrap().to_string(), s["methods"].clone())).collect();
        assert_eq!(plan, vec![
            ("sift".to_string(), json!(["application", "documents"])),
            ("test".to_string(), json!(["test"])),
            ("interview".to_string(), json!(["interview"])),
        ]);
        // The proposal is a valid plan for this specification: adopt it as it is.
        app.put(&format!("/api/v1/vacancies/{id}/assessment-plan"), &app.recruiter(),
            json!({"steps": body["proposed_plan"]["steps"]})).await.expect(200);
    }

    async fn measurement_one_and_three_land_in_different_steps(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let doc = "<b>Post Title:</b> Team Manager\t<b>Post Number:</b> SC173\n\n\
\t<b>Requirements:</b> E = Essential or D = Desirable\t<b>E/D</b>\t<b>Measurement</b> Please see below\n\
<b>Skills, Knowledge &amp; Experience</b>\tNumerical reasoning to interpret performance data.\tE\t1\n\
Written skills\tAbility to write a concise case summary under time pressure.\tE\t3,4\n\
Experience\tMinimum 3 years post qualification experience.\tE\t2,4\n\
\n**Measurement:** 1. Test prior to shortlisting (i.e. all applicants). 2. From application form.. 3. Test after shortlisting. 4. Probing at interview. 5. Documentary Evidence. 6. OTHER (Please specify)\n";
        let body = import(&app, id, "", "text/markdown", doc).await.expect(200).body;
        let methods: Vec<Value> = body["criteria"].as_array().unwrap().iter().map(|c| c["methods"].clone()).collect();
        // Measurement 1 is taken by every applicant before shortlisting: scored at the
        // sift with the application; Measurement 3 after shortlisting, at the test step.
        assert_eq!(methods, vec![json!(["application"]), json!(["test", "interview"]), json!(["application", "interview"])]);
        let steps = body["proposed_plan"]["steps"].as_array().unwrap();
        let step_of = |m: &str| steps.iter().find(|s| s["methods"].as_array().unwrap().contains(&json!(m))).unwrap()["key"].clone();
        assert_eq!(step_of("application"), "sift");
        assert_eq!(step_of("test"), "test");
        assert_ne!(step_of("application"), step_of("test"));
    }

    async fn html_and_word_documents_import(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let html = "<!DOCTYPE html><html><body><h1>Family Support Worker</h1>\
            <h2>Person Specification</h2>\
            <table><tr><th>Attributes</th><th>Essential criteria</th><th>Desirable criteria</th></tr>\
            <tr><td><b>KNOWLEDGE</b></td><td><ul><li>Knowledge of the Children Act 1989 (A &amp; I)</li>\
            <li>Understanding of safeguarding</li></ul></td><td><ul><li>Knowledge of Signs of Safety (P)</li></ul></td></tr>\
            </table></body></html>";
        let body = import(&app, id, "", "text/html; charset=utf-8", html).await.expect(200).body;
        let criteria = body["criteria"].as_array().unwrap();
        assert_eq!(criteria.len(), 3, "{body:#}");
        assert_eq!(criteria[0]["description"], "Knowledge of the Children Act 1989");
        assert_eq!(criteria[0]["methods"], json!(["application", "interview"]));
        assert_eq!(criteria[2]["requirement"], "desirable");
        assert_eq!(criteria[2]["methods"], json!(["presentation"]));

        let row = |attr: &str, essential: &str, desirable: &str| {
            format!("<w:tr>{}{}{}</w:tr>", cell(attr), cell(essential), cell(desirable))
        };
        let word = docx(&format!(
            "{}<w:tbl>{}{}{}</w:tbl>",
            para("Person Specification"),
            row("ATTRIBUTES", "ESSENTIAL CRITERIA", "DESIRABLE CRITERIA"),
            row("EXPERIENCE", "Working with vulnerable adults (A &amp; I)", "Work with asylum seekers"),
            row("QUALIFICATIONS", "NVQ level 3 in Health and Social Care", ""),
        ));
        let body = import(&app, id, "", DOCX, word).await.expect(200).body;
        let criteria = body["criteria"].as_array().unwrap();
        assert_eq!(criteria.len(), 3, "{body:#}");
        assert_eq!(criteria[0]["description"], "Working with vulnerable adults");
        assert_eq!(criteria[0]["requirement"], "essential");
        assert_eq!(criteria[1]["requirement"], "desirable");
        assert_eq!(stored_spec(&app, id).await.as_array().unwrap().len(), 3);
    }

    async fn word_files_of_the_seeds_import_as_the_hand_checked_criteria(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        // Seed 001 in Word: "List Bullet" paragraphs under bold Essential/Desirable.
        let body = import(&app, id, "?dry_run=true", DOCX, DOCX_001).await.expect(200).body;
        assert_eq!(got(&body), expected("001_d864ea12738d2d80.expected.json"));
        // Seed 000 in Word: the attribute table, bullets (and sub-bullets) in its cells.
        let body = import(&app, id, "", DOCX, DOCX_000).await.expect(200).body;
        assert_eq!(got(&body), expected("000_f3ecf04fbcb1fea5.expected.json"));
        assert_eq!(stored_spec(&app, id).await.as_array().unwrap().len(), 25);
    }

    async fn unreadable_documents_are_refused_and_change_nothing(app: TestApp) {
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        app.put(&format!("/api/v1/vacancies/{id}/criteria"), &app.recruiter(), sample_spec())
            .await
            .expect(200);
        let before = stored_spec(&app, id).await;
        let not_a_zip = b"PK\x03\x04 this is not really a zip".to_vec();
        let cases: Vec<(&str, Vec<u8>, u16)> = vec![
            ("text/plain", vec![0xff, 0xfe, 0x00, 0x41], 422),
            ("text/markdown", b"Minutes of the staffing committee. Nothing to see.".to_vec(), 422),
            ("text/html", b"<html><body><p>Our vision</p></body></html>".to_vec(), 422),
            (DOCX, not_a_zip, 422),
            (DOCX, b"plain text pretending to be Word".to_vec(), 422),
            (DOCX, docx("<w:p><w:r><w:t>Only a title</w:t></w:r></w:p>"), 422),
            ("application/json", b"{\"criteria\": []}".to_vec(), 415),
            ("image/png", b"\x89PNG".to_vec(), 415),
            // PDF is read by default: a truncated one, or not a PDF at all, is a 422.
            ("application/pdf", b"%PDF-1.7".to_vec(), 422),
            ("application/pdf", b"plain text pretending to be a PDF".to_vec(), 422),
            ("text/markdown", Vec::new(), 422),
        ];
        for (content_type, body, status) in cases {
            let resp = import(&app, id, "", content_type, body).await.expect_problem(status);
            assert!(resp.body["detail"].as_str().unwrap().len() > 10, "{}", resp.text);
        }
        import(&app, id, "?section=9", "text/markdown", SEED_002).await.expect_problem(422);
        import(&app, id, "?section=0", "text/markdown", SEED_002).await.expect_problem(422);
        import(&app, id, "?sections=1", "text/markdown", SEED_002).await.expect_problem(400);
        let too_big = vec![b'a'; 8 * 1024 * 1024 + 1];
        import(&app, id, "", "text/plain", too_big).await.expect_problem(413);
        assert_eq!(stored_spec(&app, id).await, before);
    }

    async fn only_a_draft_imports_and_only_writers_may(app: TestApp) {
        let (open, _) = app.open_vacancy().await;
        import(&app, &open, "", "text/markdown", SEED_001).await.expect_problem(409);
        import(&app, &open, "?dry_run=true", "text/markdown", SEED_001).await.expect_problem(409);
        let v = app.create_vacancy(json!({})).await;
        let id = v["id"].as_str().unwrap();
        let resp = app
            .call(
                TestRequest::post()
                    .uri(&format!("/api/v1/vacancies/{id}/criteria/import"))
                    .insert_header(bearer(&app.token(Role::Panel)))
                    .insert_header(("content-type", "text/markdown"))
                    .set_payload(SEED_001),
            )
            .await;
        resp.expect_problem(403);
        assert_eq!(stored_spec(&app, id).await, json!([]));
    }
}
