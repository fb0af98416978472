//! UK pre-employment checks as councils run them (BPSS, political restriction, right
//! to work follow-ups, DBS re-checks, driving trigger points) and the org-wide checks
//! worklist `GET /api/v1/checks`.

use std::collections::HashSet;

use crate::both_backends;
use crate::helpers::{TestApp, ORG, OTHER_ORG};
use serde_json::{json, Value};
use shortlist::auth::Role;

const SHORTLIST: &str = "Meets the essential criteria";
const OVERRIDE: &str = "Shortlisted before the sift was scored";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn check_uri(application: &Value, kind: &str) -> String {
    format!("/api/v1/applications/{}/checks/{kind}", id(application))
}

fn transitions(application: &Value) -> String {
    format!("/api/v1/applications/{}/transitions", id(application))
}

async fn shortlist(app: &TestApp, a: &Value) {
    app.post(
        &transitions(a),
        &app.recruiter(),
        json!({"to": "shortlisted", "reason": SHORTLIST, "override_reason": OVERRIDE}),
    )
    .await
    .expect(200);
}

/// Every page of `query` (which must not name a cursor), with `limit` per page.
async fn all_pages(app: &TestApp, token: &str, query: &str, limit: usize) -> Vec<Value> {
    pages_from(app, token, query, limit, None).await
}

/// The pages of `query` from `cursor` on.
async fn pages_from(
    app: &TestApp,
    token: &str,
    query: &str,
    limit: usize,
    cursor: Option<String>,
) -> Vec<Value> {
    let mut items = Vec::new();
    let mut cursor = cursor;
    for _ in 0..1000 {
        let mut uri = format!("/api/v1/checks?limit={limit}");
        if !query.is_empty() {
            uri.push('&');
            uri.push_str(query);
        }
        if let Some(c) = &cursor {
            uri.push_str(&format!("&cursor={c}"));
        }
        let page = app.get(&uri, token).await.expect(200).body;
        let got = page["items"].as_array().unwrap();
        assert!(got.len() <= limit);
        items.extend(got.iter().cloned());
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return items,
        }
    }
    panic!("paging did not end");
}

fn keys(items: &[Value]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|i| {
            (
                i["application_id"].as_str().unwrap().to_string(),
                i["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

both_backends! {
    async fn bpss_political_restriction_and_driving_training(app: TestApp) {
        let r = app.recruiter();
        let (vid, _) = app.open_vacancy_from(
            json!({"reference": "BPSS1", "title": "Elections Officer", "closing_date": "2099-12-31",
                   "bpss_required": true, "politically_restricted": true, "driving_requirement": "regular",
                   "references_required": 0}),
            crate::helpers::sample_spec(),
        ).await;
        let vacancy = app.get(&format!("/api/v1/vacancies/{vid}"), &r).await.expect(200).body;
        assert_eq!(vacancy["bpss_required"], true);
        assert_eq!(vacancy["politically_restricted"], true);
        // The recruiter's setting is kept; the level checks are held to is shown beside it.
        assert_eq!(vacancy["dbs_level"], "none");
        assert_eq!(vacancy["effective_dbs_level"], "basic");
        assert_eq!(vacancy["training_penalty_points"], 6);
        assert_eq!(vacancy["training_at_fault_accidents"], 2);
        // Fixed once open, like the other settings that decide the checks.
        app.patch(&format!("/api/v1/vacancies/{vid}"), &r, json!({"bpss_required": false})).await.expect_problem(409);

        let unaccepted = app.apply(&vid, "Una Declared", json!({"driving_licence_held": true, "penalty_points": 6, "at_fault_accidents": 0})).await;
        let accepted = app.apply(&vid, "Acey Accepted", json!({"driving_licence_held": true, "penalty_points": 3, "at_fault_accidents": 1, "politically_restricted_accepted": true})).await;
        assert_eq!(accepted["declarations"]["politically_restricted_accepted"], true);

        let view = app.get(&format!("/api/v1/applications/{}/checks", id(&unaccepted)), &r).await.expect(200).body;
        let kinds: Vec<_> = view["checks"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["right_to_work", "dbs", "driving_licence", "identity", "employment_history"]);
        // Required but not yet recorded: no recording time.
        assert!(view["checks"].as_array().unwrap().iter().all(|c| c["updated_at"].is_null() && c["required"] == true));

        // Employment history: three years, or it is not clear.
        let short = app.put(&check_uri(&unaccepted, "employment_history"), &r, json!({"status": "clear", "details": {"months_covered": 24}})).await.expect_problem(422);
        assert_eq!(short.error_fields(), ["details.months_covered"]);
        app.put(&check_uri(&unaccepted, "employment_history"), &r, json!({"status": "clear", "details": {"months_covered": 36}})).await.expect(200);
        app.put(&check_uri(&unaccepted, "identity"), &r, json!({"status": "clear", "details": {"months_covered": 36}})).await.expect_problem(422);
        // A basic DBS satisfies BPSS on a post that set no level of its own.
        app.put(&check_uri(&unaccepted, "dbs"), &r, json!({"status": "clear", "details": {"level_checked": "basic", "issued_on": "2026-10-01"}})).await.expect(200);

        // The evaluation flags training (not a refusal) and the missing declaration.
        let flags = |e: &Value| e["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect::<Vec<_>>();
        let eval = app.get(&format!("/api/v1/applications/{}/evaluation", id(&unaccepted)), &r).await.expect(200).body;
        assert!(flags(&eval).contains(&"driving_training_required".to_string()), "{eval}");
        assert!(flags(&eval).contains(&"political_restriction_not_accepted".to_string()), "{eval}");
        assert!(!flags(&eval).contains(&"driving_threshold_exceeded".to_string()), "{eval}");
        let eval = app.get(&format!("/api/v1/applications/{}/evaluation", id(&accepted)), &r).await.expect(200).body;
        assert!(flags(&eval).is_empty(), "{eval}");

        // No offer without the declaration; with it, the offer goes ahead.
        shortlist(&app, &unaccepted).await;
        shortlist(&app, &accepted).await;
        let refused = app.post(&transitions(&unaccepted), &r, json!({"to": "offered"})).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("politically restricted"), "{}", refused.body);
        let still = app.get(&format!("/api/v1/applications/{}", id(&unaccepted)), &r).await.expect(200).body;
        assert_eq!(still["status"], "shortlisted");
        app.post(&transitions(&accepted), &r, json!({"to": "offered"})).await.expect(200);

        // Training thresholds are validated like the other driving settings.
        let bad = app.post("/api/v1/vacancies", &r, json!({"reference": "T0", "title": "Driver", "training_penalty_points": 0})).await.expect_problem(422);
        assert_eq!(bad.error_fields(), ["training_penalty_points"]);
    }

    async fn worklist_due_dates_for_right_to_work_and_dbs(app: TestApp) {
        let r = app.recruiter();
        let admin = app.token(Role::Admin);
        let (vid, _) = app.open_vacancy_from(
            json!({"reference": "WL1", "title": "Care Worker", "closing_date": "2099-12-31",
                   "dbs_level": "standard", "references_required": 0}),
            crate::helpers::sample_spec(),
        ).await;
        let a = app.apply(&vid, "Time Limited", json!({})).await;
        let b = app.apply(&vid, "Dee Bees", json!({})).await;

        // Unrecorded required checks are on the worklist from submission, undated.
        let page = app.get(&format!("/api/v1/checks?vacancy_id={vid}"), &r).await.expect(200).body;
        let items = page["items"].as_array().unwrap();
        assert_eq!(items.len(), 4);
        for item in items {
            assert_eq!(item["status"], "not_started");
            assert_eq!(item["required"], true);
            assert!(item["due_on"].is_null());
            assert_eq!(item["vacancy_reference"], "WL1");
            assert!(item["candidate_code"].as_str().unwrap().starts_with("C-"));
            assert!(item["updated_at"].is_string());
        }

        // A time-limited permission: its follow-up falls due 28 days before it ends.
        let expired = app.put(&check_uri(&a, "right_to_work"), &r, json!({"status": "clear", "details": {"expires_on": "2020-01-01"}})).await.expect_problem(422);
        assert_eq!(expired.error_fields(), ["details.expires_on"]);
        app.put(&check_uri(&a, "right_to_work"), &r, json!({"status": "clear", "checked_at": "2026-11-20", "details": {"expires_on": "2099-03-31"}})).await.expect(200);
        app.put(&check_uri(&a, "dbs"), &r, json!({"status": "clear", "details": {"expires_on": "2099-03-31"}})).await.expect_problem(422);
        // A DBS certificate: re-checked the org's interval after issue (36 months by default).
        let future = app.put(&check_uri(&b, "dbs"), &r, json!({"status": "in_progress", "details": {"issued_on": "2999-01-01"}})).await.expect_problem(422);
        assert_eq!(future.error_fields(), ["details.issued_on"]);
        let recorded = app.put(&check_uri(&b, "dbs"), &r, json!({"status": "clear", "details": {"level_checked": "enhanced", "issued_on": "2026-01-15", "update_service": true}})).await.expect(200).body;
        let dbs = recorded["checks"].as_array().unwrap().iter().find(|c| c["kind"] == "dbs").unwrap().clone();
        assert_eq!(dbs["due_on"], "2029-01-15");
        assert_eq!(dbs["details"]["issued_on"], "2026-01-15");

        let dated = app.get("/api/v1/checks?due_before=2100-01-01", &r).await.expect(200).body;
        let due: Vec<_> = dated["items"].as_array().unwrap().iter().map(|i| (i["kind"].as_str().unwrap().to_string(), i["due_on"].as_str().unwrap().to_string(), i["application_id"].as_str().unwrap().to_string())).collect();
        assert_eq!(due, [("dbs".to_string(), "2029-01-15".to_string(), id(&b)), ("right_to_work".to_string(), "2099-03-03".to_string(), id(&a))]);

        // The org setting moves every clear DBS check's re-check date.
        let settings = app.get("/api/v1/settings", &admin).await.expect(200).body;
        assert_eq!(settings["dbs_recheck_months"], 36);
        app.put("/api/v1/settings", &admin, json!({"retention_days": 183, "dbs_recheck_months": 0})).await.expect_problem(422);
        let stored = app.put("/api/v1/settings", &admin, json!({"retention_days": 183, "dbs_recheck_months": 12})).await.expect(200).body;
        assert_eq!(stored["dbs_recheck_months"], 12);
        // Absent: left as it is.
        let kept = app.put("/api/v1/settings", &admin, json!({"retention_days": 200})).await.expect(200).body;
        assert_eq!(kept["dbs_recheck_months"], 12);
        app.put("/api/v1/settings", &r, json!({"retention_days": 200})).await.expect_problem(403);
        let soon = app.get("/api/v1/checks?due_before=2027-06-01", &r).await.expect(200).body;
        let soon = soon["items"].as_array().unwrap();
        assert_eq!(soon.len(), 1);
        assert_eq!(soon[0]["kind"], "dbs");
        assert_eq!(soon[0]["due_on"], "2027-01-15");
        assert_eq!(soon[0]["status"], "clear");

        // Appointed: the follow-up stays on the worklist, everything else leaves it.
        shortlist(&app, &a).await;
        app.post(&transitions(&a), &r, json!({"to": "offered"})).await.expect(200);
        app.put(&check_uri(&a, "dbs"), &r, json!({"status": "clear", "details": {"level_checked": "standard"}})).await.expect(200);
        app.post(&transitions(&a), &r, json!({"to": "appointed"})).await.expect(200);
        let left = all_pages(&app, &r, &format!("vacancy_id={vid}"), 50).await;
        let left_a: Vec<_> = left.iter().filter(|i| i["application_id"] == id(&a)).collect();
        assert_eq!(left_a.len(), 1, "{left:?}");
        assert_eq!(left_a[0]["kind"], "right_to_work");
        assert_eq!(left_a[0]["due_on"], "2099-03-03");
        // The follow-up itself is recorded on the appointed person; other checks are closed.
        let followed = app.put(&check_uri(&a, "right_to_work"), &r, json!({"status": "clear", "details": {"expires_on": "2101-06-30"}})).await.expect(200).body;
        let rtw = followed["checks"].as_array().unwrap().iter().find(|c| c["kind"] == "right_to_work").unwrap().clone();
        assert_eq!(rtw["due_on"], "2101-06-02");
        // A check with no follow-up stays as the appointment saw it.
        app.put(&check_uri(&a, "dbs"), &r, json!({"status": "in_progress"})).await.expect_problem(409);
        // Settled status granted: nothing falls due, so the appointed person leaves the list.
        app.put(&check_uri(&a, "right_to_work"), &r, json!({"status": "clear"})).await.expect(200);
        let left = all_pages(&app, &r, &format!("vacancy_id={vid}"), 50).await;
        assert!(left.iter().all(|i| i["application_id"] != id(&a)), "{left:?}");
        app.put(&check_uri(&a, "right_to_work"), &r, json!({"status": "failed", "reason": "Document not genuine"})).await.expect_problem(409);

        // Withdrawn: off the worklist.
        app.post(&transitions(&b), &r, json!({"to": "withdrawn"})).await.expect(200);
        let left = all_pages(&app, &r, &format!("vacancy_id={vid}"), 50).await;
        assert!(left.is_empty(), "{left:?}");
    }

    async fn worklist_filters_pages_and_orgs(app: TestApp) {
        let r = app.recruiter();
        let (v1, _) = app.open_vacancy_from(
            json!({"reference": "WL-A", "title": "Driver", "closing_date": "2099-12-31",
                   "driving_requirement": "required", "references_required": 2}),
            crate::helpers::sample_spec(),
        ).await;
        let (v2, _) = app.open_vacancy_from(
            json!({"reference": "WL-B", "title": "Clerk", "closing_date": "2099-12-31", "references_required": 0}),
            crate::helpers::sample_spec(),
        ).await;
        let mut v1_apps = Vec::new();
        for n in 0..7 {
            v1_apps.push(app.apply(&v1, &format!("Driver {n}"), json!({})).await);
        }
        for n in 0..3 {
            app.apply(&v2, &format!("Clerk {n}"), json!({})).await;
        }
        // Another org's vacancy and applicant, with a dated check of its own.
        let other = app.token_for("recruiter", OTHER_ORG, &[Role::Recruiter]);
        let ov = app.post("/api/v1/vacancies", &other, json!({"reference": "GLX", "title": "Globex Clerk", "closing_date": "2099-12-31", "references_required": 0})).await.expect(201).body;
        let ov_id = id(&ov);
        app.put(&format!("/api/v1/vacancies/{ov_id}/criteria"), &other, crate::helpers::sample_spec()).await.expect(200);
        app.post(&format!("/api/v1/vacancies/{ov_id}/transitions"), &other, json!({"to": "open"})).await.expect(200);
        let oa = app.post(&format!("/api/v1/vacancies/{ov_id}/applications"), &app.token_for("portal-1", OTHER_ORG, &[Role::Portal]),
            json!({"candidate": {"name": "Glo Bex", "email": "glo@example.org"}})).await.expect(201).body;
        app.put(&check_uri(&oa, "right_to_work"), &other, json!({"status": "clear", "details": {"expires_on": "2027-01-01"}})).await.expect(200);

        // Some recorded checks, one of them dated.
        app.put(&check_uri(&v1_apps[0], "references"), &r, json!({"status": "in_progress", "details": {"received": 1}})).await.expect(200);
        app.put(&check_uri(&v1_apps[1], "references"), &r, json!({"status": "failed", "reason": "Unsatisfactory", "details": {"received": 2}})).await.expect(200);
        app.put(&check_uri(&v1_apps[2], "right_to_work"), &r, json!({"status": "clear", "details": {"expires_on": "2098-01-29"}})).await.expect(200);

        // v1: right to work, driving licence, references × 7; v2: right to work × 3.
        let everything = all_pages(&app, &r, "", 200).await;
        assert_eq!(everything.len(), 24);
        assert!(everything.iter().all(|i| i["vacancy_id"] != ov_id.as_str()));
        assert_eq!(everything[0]["due_on"], "2098-01-01");
        assert_eq!(everything[0]["application_id"], id(&v1_apps[2]));
        // Sorted by due date (undated last), then application, then kind.
        let order: Vec<_> = everything.iter().map(|i| (i["due_on"].as_str().unwrap_or("9999-12-31").to_string(), i["application_id"].as_str().unwrap().to_string(), i["kind"].as_str().unwrap().to_string())).collect();
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted);

        // Paging: every row once, none missed, whatever the page size.
        for limit in [1, 5, 7] {
            let paged = all_pages(&app, &r, "", limit).await;
            assert_eq!(keys(&paged), keys(&everything), "limit {limit}");
        }
        // Stable under inserts: applications arriving between pages neither repeat
        // nor shift the rows that follow.
        let first = app.get("/api/v1/checks?limit=10", &r).await.expect(200).body;
        let cursor = first["next_cursor"].as_str().unwrap().to_string();
        app.apply(&v2, "Late Arrival", json!({})).await;
        let rest = pages_from(&app, &r, "", 10, Some(cursor)).await;
        let mut seen: Vec<_> = keys(first["items"].as_array().unwrap());
        seen.extend(keys(&rest));
        let unique: HashSet<_> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "no duplicates across pages");
        assert!(keys(&everything).iter().all(|k| unique.contains(k)), "nothing missed");
        let link = app.get("/api/v1/checks?limit=2&kind=references", &r).await.expect(200);
        assert!(link.header("link").unwrap().contains("kind=references"));

        // Filters.
        let refs = all_pages(&app, &r, "kind=references", 3).await;
        assert_eq!(refs.len(), 7);
        assert!(refs.iter().all(|i| i["kind"] == "references" && i["vacancy_reference"] == "WL-A"));
        let failed = all_pages(&app, &r, "status=failed", 50).await;
        assert_eq!(keys(&failed), [(id(&v1_apps[1]), "references".to_string())]);
        let pending = all_pages(&app, &r, "status=not_started&kind=driving_licence", 2).await;
        assert_eq!(pending.len(), 7);
        let v2_rows = all_pages(&app, &r, &format!("vacancy_id={v2}"), 2).await;
        assert_eq!(v2_rows.len(), 4);
        assert!(v2_rows.iter().all(|i| i["vacancy_id"] == v2.as_str() && i["kind"] == "right_to_work"));
        let dated = all_pages(&app, &r, "due_before=2099-01-01", 50).await;
        assert_eq!(dated.len(), 1);
        // Another org's vacancy id finds nothing, and its dated check never shows.
        assert!(all_pages(&app, &r, &format!("vacancy_id={ov_id}"), 50).await.is_empty());
        assert!(all_pages(&app, &r, "due_before=2027-06-01", 50).await.is_empty());
        // The other org sees its own row only.
        let theirs = all_pages(&app, &app.token_for("viewer", OTHER_ORG, &[Role::Viewer]), "", 50).await;
        assert_eq!(keys(&theirs), [(id(&oa), "right_to_work".to_string())]);
        assert_eq!(theirs[0]["due_on"], "2026-12-04");

        // A cancelled vacancy's applicants move no further: their checks leave the list.
        app.post(&format!("/api/v1/vacancies/{v2}/transitions"), &r, json!({"to": "cancelled", "reason": "Post deleted in the restructure"})).await.expect(200);
        assert!(all_pages(&app, &r, &format!("vacancy_id={v2}"), 50).await.is_empty());
        assert_eq!(all_pages(&app, &r, "", 200).await.len(), 21);

        // Bad input: 422 naming the field.
        for (query, field) in [("status=pending", "status"), ("kind=passport", "kind"), ("due_before=31/12/2026", "due_before"),
                               ("limit=0", "limit"), ("limit=201", "limit"), ("cursor=not-a-cursor", "cursor"),
                               ("cursor=YQ", "cursor")] {
            let bad = app.get(&format!("/api/v1/checks?{query}"), &r).await.expect_problem(422);
            assert_eq!(bad.error_fields(), [field], "{query}");
        }
        // Staff only.
        app.get("/api/v1/checks", &app.token(Role::Viewer)).await.expect(200);
        app.get("/api/v1/checks", &app.token(Role::Admin)).await.expect(200);
        app.get("/api/v1/checks", &app.panel("ann")).await.expect_problem(403);
        app.get("/api/v1/checks", &app.token_for("portal-1", ORG, &[Role::Portal])).await.expect_problem(403);
    }
}
