//! Issue 13, worklists and dashboards: the org-wide application list, the pipeline
//! report, the score matrix as CSV, and who reads decisions and declarations.

use std::collections::HashSet;

use actix_web::test::TestRequest;
use serde_json::{json, Value};
use shortlist::auth::Role;

use crate::both_backends;
use crate::helpers::{bearer, sample_spec, Resp, TestApp, ORG, OTHER_ORG};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn items(r: &Resp) -> Vec<Value> {
    r.body["items"].as_array().unwrap().clone()
}

fn ids_of(r: &Resp) -> Vec<String> {
    items(r).iter().map(id).collect()
}

async fn get_csv(app: &TestApp, path: &str, token: &str) -> Resp {
    app.call(
        TestRequest::get()
            .uri(path)
            .insert_header(bearer(token))
            .insert_header(("Accept", "text/csv")),
    )
    .await
}

/// Submits an application as portal `portal`.
async fn apply_as(app: &TestApp, portal: &str, vacancy_id: &str, name: &str) -> Value {
    let email = format!("{}@example.org", name.to_lowercase().replace(' ', "."));
    app.post(
        &format!("/api/v1/vacancies/{vacancy_id}/applications"),
        &app.token_for(portal, ORG, &[Role::Portal]),
        json!({"candidate": {"name": name, "email": email}}),
    )
    .await
    .expect(201)
    .body
}

/// Every page of `path` (which already has a query) with `limit`, following
/// `next_cursor`; returns the ids in order.
async fn all_pages(app: &TestApp, path: &str, token: &str, limit: u32) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let uri = match &cursor {
            None => format!("{path}&limit={limit}"),
            Some(c) => format!("{path}&limit={limit}&cursor={c}"),
        };
        let page = app.get(&uri, token).await.expect(200);
        assert!(items(&page).len() <= limit as usize);
        seen.extend(ids_of(&page));
        match page.body["next_cursor"].as_str() {
            Some(c) => {
                assert!(page.header("link").unwrap().contains("rel=\"next\""));
                cursor = Some(c.to_string());
            }
            None => return seen,
        }
    }
    panic!("paging did not end");
}

both_backends! {
    async fn org_wide_list_filters_pages_and_scopes_portals(app: TestApp) {
        let (v1, _) = app.open_vacancy().await;
        let (v2, _) = app
            .open_vacancy_from(json!({"reference": "SC174", "title": "Team Manager", "closing_date": "2099-12-31"}), sample_spec())
            .await;
        let mut mine = Vec::new();
        for n in 0..3 {
            mine.push(id(&apply_as(&app, "portal-1", &v1, &format!("First {n}")).await));
        }
        for n in 0..2 {
            mine.push(id(&apply_as(&app, "portal-1", &v2, &format!("Second {n}")).await));
        }
        let theirs = id(&apply_as(&app, "portal-2", &v1, "Other Portal").await);
        let hr = app.recruiter();

        // Staff see every application, oldest change first, with the current step.
        let all = app.get("/api/v1/applications", &hr).await.expect(200);
        assert_eq!(items(&all).len(), 6);
        assert!(items(&all).iter().all(|a| a["current_step"] == "shortlisting"));
        let stamps: Vec<(String, String)> = items(&all)
            .iter()
            .map(|a| (a["updated_at"].as_str().unwrap().to_string(), id(a)))
            .collect();
        let mut sorted = stamps.clone();
        sorted.sort();
        assert_eq!(stamps, sorted);
        assert_eq!(items(&all)[0]["candidate"]["name"], "First 0");
        app.get("/api/v1/applications", &app.token(Role::Viewer)).await.expect(200);

        // Pages of 4, then of 1: no duplicates, no gaps.
        for limit in [4, 1] {
            let paged = all_pages(&app, "/api/v1/applications?", &hr, limit).await;
            assert_eq!(paged.len(), 6, "limit {limit}");
            assert_eq!(paged.iter().collect::<HashSet<_>>().len(), 6);
            assert_eq!(paged, ids_of(&all));
        }

        // Filters.
        let second = app.get(&format!("/api/v1/applications?vacancy_id={v2}"), &hr).await.expect(200);
        assert_eq!(ids_of(&second), mine[3..].to_vec());
        assert_eq!(items(&app.get("/api/v1/applications?status=submitted", &hr).await.expect(200)).len(), 6);
        app.get("/api/v1/applications?status=sideways", &hr).await.expect_problem(400);
        app.get("/api/v1/applications?vacancy_id=nope", &hr).await.expect_problem(404);

        // A portal sees only what it submitted; a panel member is refused.
        let portal1 = app.token_for("portal-1", ORG, &[Role::Portal]);
        let own = app.get("/api/v1/applications", &portal1).await.expect(200);
        assert_eq!(ids_of(&own), mine);
        assert!(items(&own).iter().all(|a| !a["declarations"].is_null()));
        let other = app.get("/api/v1/applications", &app.token_for("portal-2", ORG, &[Role::Portal])).await.expect(200);
        assert_eq!(ids_of(&other), vec![theirs.clone()]);
        assert!(!other.text.contains("First 0"));
        app.get("/api/v1/applications", &app.token(Role::Panel)).await.expect_problem(403);
        // Another org sees its own (none).
        let elsewhere = app.get("/api/v1/applications", &app.token_for("admin", OTHER_ORG, &[Role::Admin])).await.expect(200);
        assert_eq!(items(&elsewhere).len(), 0);

        // Bad queries are 422s naming the field.
        let bad = app.get("/api/v1/applications?cursor=not-a-cursor", &hr).await.expect_problem(422);
        assert_eq!(bad.error_fields(), vec!["cursor"]);
        let bad = app.get("/api/v1/applications?limit=201", &hr).await.expect_problem(422);
        assert_eq!(bad.error_fields(), vec!["limit"]);
        let bad = app.get("/api/v1/applications?updated_since=yesterday", &hr).await.expect_problem(422);
        assert_eq!(bad.error_fields(), vec!["updated_since"]);
        let bad = app.get(&format!("/api/v1/applications?vacancy_id={v1}&step=telepathy"), &hr).await.expect_problem(422);
        assert_eq!(bad.error_fields(), vec!["step"]);

        // updated_since after a transition: only the application that moved.
        let before = items(&all).last().unwrap()["updated_at"].as_str().unwrap().to_string();
        let moved = app
            .post(&format!("/api/v1/applications/{}/transitions", mine[0]), &hr,
                  json!({"to": "shortlisted", "reason": "Strong application", "override_reason": "Shortlisted before the sift was scored"}))
            .await
            .expect(200);
        let since = moved.body["updated_at"].as_str().unwrap().to_string();
        assert!(since > before);
        let changed = app.get(&format!("/api/v1/applications?updated_since={since}"), &hr).await.expect(200);
        assert_eq!(ids_of(&changed), vec![mine[0].clone()]);
        assert_eq!(items(&changed)[0]["current_step"], "final");
        // An offset written with a `+` that arrived as a space reads as meant.
        let offset = since.replace('Z', "+00:00");
        let spaced = app.get(&format!("/api/v1/applications?updated_since={}", offset.replace('+', "%20")), &hr).await.expect(200);
        assert_eq!(ids_of(&spaced), vec![mine[0].clone()]);
        // The portal polls the same way and sees its change.
        let polled = app.get(&format!("/api/v1/applications?updated_since={since}"), &portal1).await.expect(200);
        assert_eq!(ids_of(&polled), vec![mine[0].clone()]);

        // Status and step filters follow the move.
        let shortlisted = app.get("/api/v1/applications?status=shortlisted", &hr).await.expect(200);
        assert_eq!(ids_of(&shortlisted), vec![mine[0].clone()]);
        let at_final = app.get("/api/v1/applications?step=final", &hr).await.expect(200);
        assert_eq!(ids_of(&at_final), vec![mine[0].clone()]);
        let at_sift = all_pages(&app, "/api/v1/applications?step=shortlisting", &hr, 2).await;
        assert_eq!(at_sift.len(), 5);
        assert!(!at_sift.contains(&mine[0]));

        // A step decision that leaves the status alone (reserve at the sift keeps the
        // application `submitted`) still moves updated_at.
        let reserve = app
            .post(&format!("/api/v1/vacancies/{v1}/steps/shortlisting/decisions"), &hr,
                  json!({"decisions": [{"application_id": mine[1], "decision": "reserve", "reason_code": "meets_criteria", "reason": "Reserve list",
                                        "override_reason": "Held in reserve before scoring"}]}))
            .await
            .expect(200);
        assert_eq!(reserve.body["decisions"][0]["status"], "submitted");
        let after = app.get(&format!("/api/v1/applications?updated_since={since}"), &hr).await.expect(200);
        assert_eq!(ids_of(&after).len(), 2, "{}", after.text);
        assert_eq!(ids_of(&after)[1], mine[1]);
        // And so does reopening it.
        let stamp = items(&after)[1]["updated_at"].as_str().unwrap().to_string();
        app.post(&format!("/api/v1/vacancies/{v1}/steps/shortlisting/reopen"), &hr,
                 json!({"application_id": mine[1], "reason": "Recorded in error"}))
            .await
            .expect(200);
        let reopened = app.get(&format!("/api/v1/applications/{}", mine[1]), &hr).await.expect(200);
        assert!(reopened.body["updated_at"].as_str().unwrap() > stamp.as_str());
        // Withdrawal by the portal, too.
        let withdrawn = app
            .post(&format!("/api/v1/applications/{}/transitions", mine[2]), &portal1, json!({"to": "withdrawn"}))
            .await
            .expect(200);
        let latest = app.get(&format!("/api/v1/applications?updated_since={}", withdrawn.body["updated_at"].as_str().unwrap()), &portal1).await.expect(200);
        assert_eq!(ids_of(&latest), vec![mine[2].clone()]);
    }

    async fn panel_never_sees_declarations_and_viewers_read_decision_reasons(app: TestApp) {
        let (vid, _) = app
            .open_vacancy_from(
                json!({"reference": "DRV1", "title": "Driver", "closing_date": "2099-12-31", "driving_requirement": "required"}),
                sample_spec(),
            )
            .await;
        app.set_panel(&vid, &[("ann", "member")]).await;
        let a = app.apply(&vid, "Points Holder", json!({"driving_licence_held": true, "penalty_points": 12, "guaranteed_interview": true})).await;
        let b = app.apply(&vid, "Clean Licence", json!({"driving_licence_held": true, "penalty_points": 0})).await;
        let (a, b) = (id(&a), id(&b));
        let ann = app.panel("ann");

        // Not anonymised: the panel sees who applied, but never what they declared.
        let seen = app.get(&format!("/api/v1/applications/{a}"), &ann).await.expect(200);
        assert_eq!(seen.body["candidate"]["name"], "Points Holder");
        assert!(seen.body["declarations"].is_null(), "{}", seen.text);
        assert!(seen.body["decisions"].is_null());
        let listed = app.get(&format!("/api/v1/vacancies/{vid}/applications"), &ann).await.expect(200);
        assert_eq!(items(&listed).len(), 2);
        assert!(items(&listed).iter().all(|x| x["declarations"].is_null()));
        assert!(!listed.text.contains("penalty_points"));
        // Nor the flags read off the declarations, on the shortlist or the evaluation.
        let hr_list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &app.recruiter()).await.expect(200);
        assert!(hr_list.text.contains("driving_threshold_exceeded"), "{}", hr_list.text);
        let panel_list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &ann).await.expect(200);
        assert!(!panel_list.text.contains("driving_threshold_exceeded"), "{}", panel_list.text);
        let evaluation = app.get(&format!("/api/v1/applications/{a}/evaluation"), &ann).await.expect(200);
        assert!(!evaluation.text.contains("driving_threshold_exceeded"), "{}", evaluation.text);
        let hr_evaluation = app.get(&format!("/api/v1/applications/{a}/evaluation"), &app.recruiter()).await.expect(200);
        assert!(hr_evaluation.text.contains("driving_threshold_exceeded"));
        // Staff and the submitting portal do see them.
        let hr = app.get(&format!("/api/v1/applications/{a}"), &app.recruiter()).await.expect(200);
        assert_eq!(hr.body["declarations"]["penalty_points"], 12);
        let portal = app.get(&format!("/api/v1/applications/{a}"), &app.token_for("portal-1", ORG, &[Role::Portal])).await.expect(200);
        assert_eq!(portal.body["declarations"]["penalty_points"], 12);
        assert!(portal.body["decisions"].is_null());

        // Decisions with their reasons, for the viewer's dashboard.
        app.post(&format!("/api/v1/vacancies/{vid}/shortlist/decisions"), &app.recruiter(), json!({"decisions": [
            {"application_id": a, "decision": "shortlisted", "reason": "Guaranteed interview; meets the essentials", "override_reason": "Sift not scored yet"},
            {"application_id": b, "decision": "not_shortlisted", "reason": "No evidence of post-qualifying experience"},
        ]})).await.expect(200);
        let viewer = app.token(Role::Viewer);
        let read = app.get(&format!("/api/v1/applications/{b}"), &viewer).await.expect(200);
        let d = &read.body["decisions"][0];
        assert_eq!(d["step"], "shortlisting");
        assert_eq!(d["outcome"], "not_progressed");
        assert_eq!(d["reason"], "No evidence of post-qualifying experience");
        assert_eq!(d["decided_by"], "recruiter");
        let org_list = app.get(&format!("/api/v1/applications?vacancy_id={vid}"), &viewer).await.expect(200);
        let first = items(&org_list).into_iter().find(|x| id(x) == a).unwrap();
        assert_eq!(first["decisions"][0]["reason"], "Guaranteed interview; meets the essentials");
        assert_eq!(first["decisions"][0]["override_reason"], "Sift not scored yet");
        let per_vacancy = app.get(&format!("/api/v1/vacancies/{vid}/applications"), &viewer).await.expect(200);
        assert!(per_vacancy.text.contains("No evidence of post-qualifying experience"));
        // The panel still sees neither reasons nor declarations once decided.
        let after = app.get(&format!("/api/v1/applications/{b}"), &ann).await.expect(200);
        assert!(after.body["decisions"].is_null() && after.body["declarations"].is_null());
        assert!(!after.text.contains("post-qualifying experience"));
    }

    async fn pipeline_counts_a_hand_built_recruitment(app: TestApp) {
        let hr = app.recruiter();
        let (vid, criteria) = app
            .open_vacancy_from(
                json!({"reference": "=PIPE1", "title": "Pipeline post", "closing_date": "2099-12-31",
                       "dbs_level": "none", "references_required": 1}),
                sample_spec(),
            )
            .await;
        // A second vacancy, still a draft, with nothing in it.
        let draft = app.create_vacancy(json!({"reference": "DRAFT1"})).await;
        app.set_panel(&vid, &[("ann", "member"), ("bob", "chair")]).await;
        let c: Vec<String> = criteria.iter().map(id).collect();
        let apps: Vec<String> = [
            app.apply(&vid, "Alpha One", json!({})).await,
            app.apply(&vid, "Bravo Two", json!({})).await,
            app.apply(&vid, "Charlie Three", json!({})).await,
            app.apply(&vid, "Delta Four", json!({})).await,
        ]
        .iter()
        .map(id)
        .collect();
        let sheet = |ids: &[&String]| json!({"method": "application", "scores": ids.iter().map(|c| json!({"criterion_id": c, "score": 2})).collect::<Vec<_>>()});
        // The application method assesses criteria 1-3; ann scores all three for A,
        // bob two; ann one for C, who then withdraws (C's lines stop counting).
        app.post(&format!("/api/v1/applications/{}/scoresheets", apps[0]), &app.panel("ann"), sheet(&[&c[0], &c[1], &c[2]])).await.expect(200);
        app.post(&format!("/api/v1/applications/{}/scoresheets", apps[0]), &app.panel("bob"), sheet(&[&c[0], &c[1]])).await.expect(200);
        // Re-scoring replaces: still two lines from bob.
        app.post(&format!("/api/v1/applications/{}/scoresheets", apps[0]), &app.panel("bob"), sheet(&[&c[0], &c[1]])).await.expect(200);
        app.post(&format!("/api/v1/applications/{}/scoresheets", apps[2]), &app.panel("ann"), sheet(&[&c[0]])).await.expect(200);
        app.post(&format!("/api/v1/vacancies/{vid}/shortlist/decisions"), &hr, json!({"decisions": [
            {"application_id": apps[0], "decision": "shortlisted", "reason": "Meets the essentials", "override_reason": "Bob's third line is pending"},
            {"application_id": apps[1], "decision": "not_shortlisted", "reason": "Unmet essentials"},
        ]})).await.expect(200);
        app.post(&format!("/api/v1/applications/{}/transitions", apps[2]), &app.token_for("portal-1", ORG, &[Role::Portal]), json!({"to": "withdrawn"})).await.expect(200);
        app.put(&format!("/api/v1/applications/{}/checks/right_to_work", apps[0]), &hr, json!({"status": "clear", "checked_at": "2026-11-20"})).await.expect(200);
        // Bob knows D: a declared conflict takes his seat out of D's expected lines.
        app.post(&format!("/api/v1/applications/{}/conflicts", apps[3]), &hr, json!({"user_id": "bob", "reason": "Former colleague"})).await.expect(201);

        let report = app.get("/api/v1/reports/pipeline", &app.token(Role::Viewer)).await.expect(200);
        let vacancies = report.body["vacancies"].as_array().unwrap();
        assert_eq!(vacancies.len(), 2);
        let v = vacancies.iter().find(|v| v["vacancy_id"] == vid.as_str()).unwrap();
        assert_eq!(v["reference"], "=PIPE1");
        assert_eq!(v["status"], "open");
        assert_eq!(v["total_applications"], 4);
        let by_status = &v["applications_by_status"];
        assert_eq!(by_status["submitted"], 1);
        assert_eq!(by_status["shortlisted"], 1);
        assert_eq!(by_status["not_shortlisted"], 1);
        assert_eq!(by_status["withdrawn"], 1);
        assert_eq!(by_status["appointed"], 0);
        let sift = &v["steps"][0];
        assert_eq!(sift["key"], "shortlisting");
        assert_eq!(sift["reached"], 4);
        assert_eq!(sift["outcomes"], json!({"pending": 1, "progressed": 1, "not_progressed": 1, "reserve": 0, "no_show": 0, "withdrawn": 1}));
        // The same step counts as the vacancy's own summary, and the same statuses.
        let summary = app.get(&format!("/api/v1/vacancies/{vid}/summary"), &hr).await.expect(200);
        for k in 0..2 {
            assert_eq!(v["steps"][k]["outcomes"], summary.body["steps"][k]["outcomes"], "step {k}");
        }
        assert_eq!(v["applications_by_status"], summary.body["applications_by_status"]);
        let last = &v["steps"][1];
        assert_eq!(last["key"], "final");
        assert_eq!(last["reached"], 1);
        assert_eq!(last["outcomes"]["pending"], 1);
        // Scoring in lines: application = 3 applications not withdrawn (A, B, D) × 2
        // seats × 3 criteria, less bob's 3 for D = 15 expected, 5 received (A's; C's
        // line stopped counting when C withdrew); interview = A only × 2 seats × 2
        // criteria; documents = A × 2 × 1. As on the vacancy summary.
        let methods = v["scoring"]["by_method"].as_array().unwrap();
        let method = |m: &str| methods.iter().find(|x| x["method"] == m).unwrap().clone();
        assert_eq!(method("application"), json!({"method": "application", "step": "shortlisting", "applications": 3, "assessors": 2, "criteria": 3, "expected": 15, "received": 5}));
        assert_eq!(method("interview"), json!({"method": "interview", "step": "final", "applications": 1, "assessors": 2, "criteria": 2, "expected": 4, "received": 0}));
        assert_eq!(method("documents")["expected"], 2);
        assert_eq!(v["scoring"]["expected"], 21);
        assert_eq!(v["scoring"]["received"], 5);
        // Checks over the one shortlisted applicant: right to work clear, references
        // not started.
        assert_eq!(v["checks_outstanding"], json!({"right_to_work": {"pending": 0, "failed": 0}, "references": {"pending": 1, "failed": 0}}));
        let empty = vacancies.iter().find(|v| v["vacancy_id"] == draft["id"]).unwrap();
        assert_eq!(empty["total_applications"], 0);
        assert_eq!(empty["steps"][0]["reached"], 0);

        // Filtered by vacancy status.
        let open = app.get("/api/v1/reports/pipeline?status=open", &hr).await.expect(200);
        assert_eq!(open.body["vacancies"].as_array().unwrap().len(), 1);
        app.get("/api/v1/reports/pipeline?status=sideways", &hr).await.expect_problem(400);
        app.get("/api/v1/reports/pipeline", &app.panel("ann")).await.expect_problem(403);
        app.get("/api/v1/reports/pipeline", &app.token(Role::Portal)).await.expect_problem(403);

        // The same figures as CSV, the reference defused.
        let csv = get_csv(&app, "/api/v1/reports/pipeline?status=open", &hr).await.expect(200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        let lines: Vec<&str> = csv.text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines[0], "vacancy_id,reference,title,vacancy_status,section,item,measure,value");
        assert!(lines[1..].iter().all(|l| l.starts_with(&format!("{vid},'=PIPE1,Pipeline post,open,"))), "{}", csv.text);
        assert!(lines.contains(&format!("{vid},'=PIPE1,Pipeline post,open,status,withdrawn,count,1").as_str()));
        assert!(lines.contains(&format!("{vid},'=PIPE1,Pipeline post,open,step,shortlisting,withdrawn,1").as_str()));
        assert!(lines.contains(&format!("{vid},'=PIPE1,Pipeline post,open,scoring,application,received,5").as_str()));
        assert!(lines.contains(&format!("{vid},'=PIPE1,Pipeline post,open,checks,references,pending,1").as_str()));
    }

    async fn score_matrix_as_csv_keeps_visibility_and_defuses_formulas(app: TestApp) {
        let spec = json!([
            {"category": "Experience", "description": "=HYPERLINK(\"http://evil\")", "requirement": "essential", "methods": ["application", "interview"]},
            {"category": "Skills", "description": "Plain writing", "requirement": "desirable", "methods": ["application"]}
        ]);
        let (vid, criteria) = app
            .open_vacancy_from(json!({"reference": "MX1", "title": "Matrix post", "closing_date": "2099-12-31", "anonymised_shortlisting": true}), spec)
            .await;
        app.set_panel(&vid, &[("ann", "member"), ("bob", "member")]).await;
        let c: Vec<String> = criteria.iter().map(id).collect();
        let a = id(&app.apply(&vid, "=cmd Name", json!({})).await);
        let b = id(&app.apply(&vid, "Second Person", json!({})).await);
        let w = id(&app.apply(&vid, "Gone Away", json!({})).await);
        app.post(&format!("/api/v1/applications/{w}/transitions"), &app.token_for("portal-1", ORG, &[Role::Portal]), json!({"to": "withdrawn"})).await.expect(200);
        let score = |s: i32| json!({"method": "application", "scores": [{"criterion_id": c[0], "score": s}, {"criterion_id": c[1], "score": 1}]});
        app.post(&format!("/api/v1/applications/{a}/scoresheets"), &app.panel("ann"), score(3)).await.expect(200);
        app.post(&format!("/api/v1/applications/{a}/scoresheets"), &app.panel("bob"), score(2)).await.expect(200);
        app.post(&format!("/api/v1/applications/{b}/scoresheets"), &app.panel("bob"), score(1)).await.expect(200);

        let uri = format!("/api/v1/vacancies/{vid}/score-matrix");
        let csv = get_csv(&app, &uri, &app.recruiter()).await.expect(200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert!(csv.header("content-disposition").unwrap().contains("score-matrix-MX1-final.csv"));
        let lines: Vec<&str> = csv.text.split("\r\n").filter(|l| !l.is_empty()).collect();
        // One header, one row per application not withdrawn.
        assert_eq!(lines.len(), 3, "{}", csv.text);
        assert!(lines[0].starts_with("application_id,candidate_code,candidate_name,status,"));
        // One column per criterion × method: 2 + 1.
        assert!(lines[0].contains("C1 Experience (essential) application: "));
        assert!(lines[0].contains("C1 Experience (essential) interview: "));
        assert!(lines[0].contains("C2 Skills (desirable) application: Plain writing"));
        assert!(!lines[0].contains(",=HYPERLINK"), "{}", lines[0]);
        assert!(lines[1].starts_with(&format!("{a},C-0001,'=cmd Name,submitted,")), "{}", lines[1]);
        // Staff see the mean of both assessors (2.5), an empty interview cell and 1.
        assert!(lines[1].ends_with(",2.5,,1"), "{}", lines[1]);
        assert!(lines[2].starts_with(&format!("{b},C-0002,Second Person,submitted,")));
        assert!(!csv.text.contains("Gone Away"));

        // The panel: anonymised (no names) and blind (ann sees only what she scored;
        // B, which she has not scored, shows nothing of bob's).
        let panel = get_csv(&app, &uri, &app.panel("ann")).await.expect(200);
        let rows: Vec<&str> = panel.text.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert!(rows[1].starts_with(&format!("{a},C-0001,,submitted,")), "{}", rows[1]);
        assert!(rows[2].starts_with(&format!("{b},C-0002,,submitted,")), "{}", rows[2]);
        assert!(rows[2].ends_with(",,,"), "{}", rows[2]);
        assert!(!panel.text.contains("cmd Name") && !panel.text.contains("Second Person"));
        // Without Accept: text/csv it is still JSON; ?stage= applies to both.
        app.get(&uri, &app.recruiter()).await.expect(200).body["rows"].as_array().unwrap();
        get_csv(&app, &format!("{uri}?stage=shortlisting"), &app.recruiter()).await.expect(200);
        get_csv(&app, &format!("{uri}?stage=nope"), &app.recruiter()).await.expect_problem(422);
        get_csv(&app, &uri, &app.token(Role::Portal)).await.expect_problem(403);
    }
}
