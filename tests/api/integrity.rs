//! The rules that must hold on every path (process.md, "Rules that hold under
//! concurrency and on every path"), each reached by the route that used to get round
//! it. Races between two requests are in `.ci/races.py`; a few run here in-process too.

use crate::both_backends;
use crate::helpers::{TestApp, ORG};
use serde_json::{json, Value};
use shortlist::auth::Role;

const SHORTLIST: &str = "Meets the essential criteria";
const OVERRIDE: &str = "Shortlisted before the sift was scored";

fn transitions(application: &Value) -> String {
    format!(
        "/api/v1/applications/{}/transitions",
        application["id"].as_str().unwrap()
    )
}

/// A vacancy that needs only a right-to-work check (no references), opened with the
/// sample spec; `extra` overrides the vacancy body.
async fn simple_vacancy(app: &TestApp, extra: Value) -> (String, Vec<Value>) {
    let mut body = json!({"reference": "INT1", "title": "Care Worker", "closing_date": "2099-12-31",
                          "references_required": 0});
    crate::helpers::merge(&mut body, extra);
    app.open_vacancy_from(body, crate::helpers::sample_spec())
        .await
}

/// Applies, shortlists (with an override: nothing is scored) and offers.
async fn offered(app: &TestApp, vid: &str, name: &str) -> Value {
    let a = app.apply(vid, name, json!({})).await;
    let uri = transitions(&a);
    let r = app.recruiter();
    app.post(
        &uri,
        &r,
        json!({"to": "shortlisted", "reason": SHORTLIST, "override_reason": OVERRIDE}),
    )
    .await
    .expect(200);
    app.post(&uri, &r, json!({"to": "offered"}))
        .await
        .expect(200);
    a
}

async fn clear_right_to_work(app: &TestApp, a: &Value) {
    app.put(
        &format!(
            "/api/v1/applications/{}/checks/right_to_work",
            a["id"].as_str().unwrap()
        ),
        &app.recruiter(),
        json!({"status": "clear", "checked_at": "2026-11-20"}),
    )
    .await
    .expect(200);
}

async fn audit_of(app: &TestApp, entity_id: &str) -> Vec<Value> {
    app.get(
        &format!("/api/v1/audit-events?entity_id={entity_id}&limit=500"),
        &app.token(Role::Admin),
    )
    .await
    .expect(200)
    .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

both_backends! {
    // Finding 3: a transition is a decision, with the decision rules and record.
    async fn transitions_to_a_decision_follow_the_decision_rules(app: TestApp) {
        let (vid, criteria) = simple_vacancy(&app, json!({})).await;
        app.set_panel(&vid, &[("ann", "chair")]).await;
        let guaranteed = app.apply(&vid, "Guaranteed Meets", json!({"guaranteed_interview": true})).await;
        let scores: Vec<Value> = criteria.iter()
            .filter(|c| c["methods"].as_array().unwrap().contains(&json!("application")))
            .map(|c| json!({"criterion_id": c["id"], "score": 3}))
            .collect();
        app.post(&format!("/api/v1/applications/{}/scoresheets", guaranteed["id"].as_str().unwrap()),
            &app.panel("ann"), json!({"method": "application", "scores": scores})).await.expect(200);
        // Meets every essential and opted in to the scheme: must be interviewed.
        let refused = app.post(&transitions(&guaranteed), &app.recruiter(),
            json!({"to": "not_shortlisted", "reason": "Weaker than others"})).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("guaranteed interview"), "{}", refused.text);

        // Nothing scored: essentials pending, so shortlisting needs an override reason.
        let unscored = app.apply(&vid, "Unscored", json!({})).await;
        let refused = app.post(&transitions(&unscored), &app.recruiter(),
            json!({"to": "shortlisted", "reason": SHORTLIST})).await.expect_problem(422);
        assert_eq!(refused.error_fields(), ["override_reason"]);
        // And every decision says why.
        app.post(&transitions(&unscored), &app.recruiter(),
            json!({"to": "shortlisted", "override_reason": OVERRIDE})).await.expect_problem(422);
        let moved = app.post(&transitions(&unscored), &app.recruiter(),
            json!({"to": "shortlisted", "reason": SHORTLIST, "override_reason": OVERRIDE})).await.expect(200);
        assert_eq!(moved.body["status"], "shortlisted");
        // The same record as the decisions endpoint writes.
        let events = audit_of(&app, unscored["id"].as_str().unwrap()).await;
        assert!(events.iter().any(|e| e["action"] == "shortlist.decided"), "{events:?}");
        assert!(!events.iter().any(|e| e["action"] == "application.transitioned"), "{events:?}");
        // Decided once: the decisions endpoint refuses it now.
        app.post(&format!("/api/v1/vacancies/{vid}/shortlist/decisions"), &app.recruiter(),
            json!({"decisions": [{"application_id": unscored["id"], "decision": "not_shortlisted", "reason": "x"}]}))
            .await.expect_problem(409);
    }

    // Finding 4: the lifecycle follows the vacancy.
    async fn nothing_moves_forward_on_a_cancelled_vacancy(app: TestApp) {
        let (vid, _) = simple_vacancy(&app, json!({})).await;
        let a = offered(&app, &vid, "Offered Before Cancel").await;
        let b = app.apply(&vid, "Shortlisted Before Cancel", json!({})).await;
        let r = app.recruiter();
        app.post(&transitions(&b), &r, json!({"to": "shortlisted", "reason": SHORTLIST, "override_reason": OVERRIDE})).await.expect(200);
        clear_right_to_work(&app, &a).await;
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r,
            json!({"to": "cancelled", "reason": "Budget withdrawn"})).await.expect(200);
        let refused = app.post(&transitions(&a), &r, json!({"to": "appointed"})).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("cancelled"), "{}", refused.text);
        app.post(&transitions(&b), &r, json!({"to": "offered"})).await.expect_problem(409);
        // Closing doors still works.
        app.post(&transitions(&a), &r, json!({"to": "offer_withdrawn", "reason": "Vacancy cancelled"})).await.expect(200);
    }

    async fn appointments_never_exceed_positions(app: TestApp) {
        let (vid, _) = simple_vacancy(&app, json!({})).await;
        let r = app.recruiter();
        let vacancy = app.get(&format!("/api/v1/vacancies/{vid}"), &r).await.expect(200).body;
        assert_eq!(vacancy["positions"], 1);
        // Filled needs an appointment.
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r, json!({"to": "closed"})).await.expect(200);
        let refused = app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r, json!({"to": "filled"})).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("appointed"), "{}", refused.text);
    }

    async fn two_positions_take_two_appointments_and_no_third(app: TestApp) {
        let (vid, _) = simple_vacancy(&app, json!({"positions": 2})).await;
        let r = app.recruiter();
        let mut people = Vec::new();
        for name in ["First Appointee", "Second Appointee", "Third Appointee"] {
            let a = offered(&app, &vid, name).await;
            clear_right_to_work(&app, &a).await;
            people.push(a);
        }
        app.post(&transitions(&people[0]), &r, json!({"to": "appointed"})).await.expect(200);
        app.post(&transitions(&people[1]), &r, json!({"to": "appointed"})).await.expect(200);
        let refused = app.post(&transitions(&people[2]), &r, json!({"to": "appointed"})).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("2 position(s)"), "{}", refused.text);
        // positions cannot drop below those appointed.
        app.patch(&format!("/api/v1/vacancies/{vid}"), &r, json!({"positions": 1})).await.expect_problem(409);
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r, json!({"to": "closed"})).await.expect(200);
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r, json!({"to": "filled"})).await.expect(200);
    }

    async fn the_erased_are_never_offered(app: TestApp) {
        let (vid, _) = simple_vacancy(&app, json!({})).await;
        let a = app.apply(&vid, "Erase Me", json!({})).await;
        let r = app.recruiter();
        app.post(&transitions(&a), &r, json!({"to": "shortlisted", "reason": SHORTLIST, "override_reason": OVERRIDE})).await.expect(200);
        app.delete(&format!("/api/v1/applications/{}/personal-data", a["id"].as_str().unwrap()), &app.token(Role::Admin))
            .await.expect(200);
        let refused = app.post(&transitions(&a), &r, json!({"to": "offered"})).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("erased"), "{}", refused.text);
    }

    // Finding 5: check details and free-text reasons never enter the audit trail, and
    // erasure removes them from the check rows.
    async fn check_details_stay_out_of_the_audit_trail(app: TestApp) {
        let (vid, _) = simple_vacancy(&app, json!({"dbs_level": "enhanced"})).await;
        let a = offered(&app, &vid, "Caution Holder").await;
        let id = a["id"].as_str().unwrap();
        app.put(&format!("/api/v1/applications/{id}/checks/dbs"), &app.recruiter(),
            json!({"status": "concern", "reason": "Caution for shoplifting in 2019",
                   "details": {"level_checked": "enhanced", "certificate_number": "009988776655", "notes": "Spent caution disclosed"}}))
            .await.expect(200);
        let events = audit_of(&app, id).await;
        let text = serde_json::to_string(&events).unwrap();
        assert!(text.contains("check.recorded"), "{text}");
        for secret in ["009988776655", "shoplifting", "Spent caution"] {
            assert!(!text.contains(secret), "{secret} is in the audit trail: {text}");
        }
        // Erasure (after the offer is withdrawn) clears the details from the check row.
        app.post(&transitions(&a), &app.recruiter(), json!({"to": "offer_withdrawn", "reason": "DBS concern"})).await.expect(200);
        app.delete(&format!("/api/v1/applications/{id}/personal-data"), &app.token(Role::Admin)).await.expect(200);
        let checks = app.get(&format!("/api/v1/applications/{id}/checks"), &app.recruiter()).await.expect(200).text;
        for secret in ["009988776655", "shoplifting", "Spent caution"] {
            assert!(!checks.contains(secret), "{secret} survived erasure: {checks}");
        }
    }

    // Finding 5: anonymity survives withdrawal; sift scores freeze after decisions.
    async fn anonymity_holds_after_withdrawal_and_sift_scores_freeze(app: TestApp) {
        let (vid, criteria) = simple_vacancy(&app, json!({"anonymised_shortlisting": true})).await;
        app.set_panel(&vid, &[("ann", "chair")]).await;
        let a = app.apply(&vid, "Hidden Withdrawer", json!({"right_to_work": true})).await;
        let portal = app.token_for("portal-1", ORG, &[Role::Portal]);
        app.post(&transitions(&a), &portal, json!({"to": "withdrawn"})).await.expect(200);
        let seen = app.get(&format!("/api/v1/applications/{}", a["id"].as_str().unwrap()), &app.panel("ann")).await.expect(200);
        assert!(!seen.text.contains("Hidden Withdrawer") && !seen.text.contains("hidden.withdrawer"), "{}", seen.text);
        assert!(seen.body["declarations"].is_null(), "{}", seen.text);

        let b = app.apply(&vid, "Scored Then Revealed", json!({})).await;
        let bid = b["id"].as_str().unwrap();
        let sheet = |score: i64| json!({"method": "application", "scores": criteria.iter()
            .filter(|c| c["methods"].as_array().unwrap().contains(&json!("application")))
            .map(|c| json!({"criterion_id": c["id"], "score": score})).collect::<Vec<_>>()});
        app.post(&format!("/api/v1/applications/{bid}/scoresheets"), &app.panel("ann"), sheet(1)).await.expect(200);
        app.post(&format!("/api/v1/vacancies/{vid}/shortlist/decisions"), &app.recruiter(),
            json!({"decisions": [{"application_id": bid, "decision": "not_shortlisted", "reason": "Unmet essentials"}]}))
            .await.expect(200);
        // Names are revealed now; the sift scores can no longer be rewritten.
        let refused = app.post(&format!("/api/v1/applications/{bid}/scoresheets"), &app.panel("ann"), sheet(3)).await;
        assert!(matches!(refused.status, 409), "{}", refused.text);
        app.put(&format!("/api/v1/applications/{bid}/agreed-scores"), &app.panel("ann"), sheet(3)).await.expect_problem(409);
    }

    // Finding 5: the equality report cannot be differenced.
    async fn equality_figures_are_published_once_the_vacancy_is_over(app: TestApp) {
        let (vid, _) = simple_vacancy(&app, json!({})).await;
        let portal = app.token_for("portal-1", ORG, &[Role::Portal]);
        for i in 0..6 {
            app.post(&format!("/api/v1/vacancies/{vid}/applications"), &portal, json!({
                "candidate": {"name": format!("Equal {i}"), "email": format!("equal{i}@example.org")},
                "declarations": {},
                "equality_monitoring": {"religion_or_belief": "none", "sexual_orientation": "heterosexual"}
            })).await.expect(201);
        }
        let report = format!("/api/v1/vacancies/{vid}/reports/equality");
        let refused = app.get(&report, &app.recruiter()).await.expect_problem(409);
        assert!(refused.body["detail"].as_str().unwrap().contains("filled or cancelled"), "{}", refused.text);
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &app.recruiter(),
            json!({"to": "cancelled", "reason": "Re-advertising"})).await.expect(200);
        let first = app.get(&report, &app.recruiter()).await.expect(200).body;
        assert_eq!(first["respondents"], 6);
        // An erasure afterwards does not move the published figures.
        let list = app.get(&format!("/api/v1/vacancies/{vid}/applications"), &app.recruiter()).await.expect(200).body;
        let one = list["items"][0]["id"].as_str().unwrap().to_string();
        app.delete(&format!("/api/v1/applications/{one}/personal-data"), &app.token(Role::Admin)).await.expect(200);
        let second = app.get(&report, &app.recruiter()).await.expect(200).body;
        assert_eq!(first, second);
    }

    // Finding 6: writes answer 404 for ids the caller cannot see, as for unknown ones.
    async fn score_writes_do_not_confirm_ids_to_outsiders(app: TestApp) {
        let (vid, criteria) = simple_vacancy(&app, json!({})).await;
        app.set_panel(&vid, &[("ann", "chair")]).await;
        let a = app.apply(&vid, "Probe Target", json!({})).await;
        let sheet = json!({"method": "application", "scores": [{"criterion_id": criteria[0]["id"], "score": 2}]});
        for id in [a["id"].as_str().unwrap(), "00000000-0000-0000-0000-000000000000"] {
            app.post(&format!("/api/v1/applications/{id}/scoresheets"), &app.panel("mallory"), sheet.clone())
                .await.expect_problem(404);
            app.put(&format!("/api/v1/applications/{id}/agreed-scores"), &app.panel("mallory"), sheet.clone())
                .await.expect_problem(404);
        }
        // No scores yet: the response still names the application.
        let scores = app.get(&format!("/api/v1/applications/{}/scores", a["id"].as_str().unwrap()), &app.recruiter())
            .await.expect(200).body;
        assert_eq!(scores["application_id"], a["id"]);
    }

    // Typed columns are read through one conversion that fails loudly.
    async fn an_unknown_stored_requirement_is_an_error_not_a_desirable(app: TestApp) {
        let (vid, _) = simple_vacancy(&app, json!({})).await;
        let a = app.apply(&vid, "Loud Failure", json!({})).await;
        let v = vid.clone();
        app.db.write(move |conn| {
            use diesel::prelude::*;
            use shortlist::db::schema::criteria::dsl;
            diesel::update(dsl::criteria.filter(dsl::vacancy_id.eq(v)).filter(dsl::requirement.eq("essential")))
                .set(dsl::requirement.eq("essentail"))
                .execute(conn)?;
            Ok(())
        }).await.unwrap();
        let resp = app.get(&format!("/api/v1/applications/{}/evaluation", a["id"].as_str().unwrap()), &app.recruiter()).await;
        assert_eq!(resp.status, 500, "{}", resp.text);
        let resp = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &app.recruiter()).await;
        assert_eq!(resp.status, 500, "{}", resp.text);
        // An unknown application status is not read as `submitted` either.
        let id = a["id"].as_str().unwrap().to_string();
        app.db.write(move |conn| {
            use diesel::prelude::*;
            use shortlist::db::schema::applications::dsl;
            diesel::update(dsl::applications.filter(dsl::id.eq(id)))
                .set(dsl::status.eq("on_hold"))
                .execute(conn)?;
            Ok(())
        }).await.unwrap();
        let resp = app.get(&format!("/api/v1/applications/{}", a["id"].as_str().unwrap()), &app.recruiter()).await;
        assert_eq!(resp.status, 500, "{}", resp.text);
        let resp = app.get(&format!("/api/v1/vacancies/{vid}/applications"), &app.recruiter()).await;
        assert_eq!(resp.status, 500, "{}", resp.text);
    }

    // Finding 2, in-process: an appointment and a failed check at the same instant.
    async fn appointment_and_failed_check_at_once_never_both_win(app: TestApp) {
        let (vid, _) = simple_vacancy(&app, json!({"positions": 50})).await;
        let r = app.recruiter();
        for trial in 0..8 {
            let a = offered(&app, &vid, &format!("Racer {trial}")).await;
            clear_right_to_work(&app, &a).await;
            let id = a["id"].as_str().unwrap().to_string();
            let (move_uri, check_uri) = (transitions(&a), format!("/api/v1/applications/{id}/checks/right_to_work"));
            let appoint = app.post(&move_uri, &r, json!({"to": "appointed"}));
            let fail = app.put(&check_uri, &r, json!({"status": "failed", "reason": "Document not genuine"}));
            let (appointed, failed) = futures_util::future::join(appoint, fail).await;
            let after = app.get(&format!("/api/v1/applications/{id}/checks"), &r).await.expect(200).body;
            let status = app.get(&format!("/api/v1/applications/{id}"), &r).await.expect(200).body["status"].clone();
            let check_failed = after["failed_checks"].as_array().unwrap().contains(&json!("right_to_work"));
            assert!(!(status == "appointed" && check_failed),
                "trial {trial}: appointed ({}) with a failed check ({})", appointed.status, failed.status);
        }
    }

    async fn identical_idempotent_posts_at_once_create_one(app: TestApp) {
        let (vid, _) = simple_vacancy(&app, json!({})).await;
        let portal = app.token_for("portal-1", ORG, &[Role::Portal]);
        let body = json!({"candidate": {"name": "Twice Sent", "email": "twice@example.org"}, "declarations": {}});
        let uri = format!("/api/v1/vacancies/{vid}/applications");
        let send = || app.call(actix_web::test::TestRequest::post().uri(&uri)
            .insert_header(crate::helpers::bearer(&portal))
            .insert_header(("Idempotency-Key", "same-key-1"))
            .set_json(body.clone()));
        let responses = futures_util::future::join_all((0..6).map(|_| send())).await;
        let ids: std::collections::BTreeSet<String> = responses.iter().map(|r| {
            assert_eq!(r.status, 201, "{}", r.text);
            r.body["id"].as_str().unwrap().to_string()
        }).collect();
        assert_eq!(ids.len(), 1, "{ids:?}");
        let list = app.get(&format!("{uri}?limit=50"), &app.recruiter()).await.expect(200).body;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
    }
}
