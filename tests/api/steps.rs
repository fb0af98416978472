//! Multi-step assessment through the real app on both backends: the plan's rules,
//! independent scoring (step limits, blind reads, conflicts, removed members,
//! paper sheets, min_assessors), step decisions, reopening and candidate outcomes.

use serde_json::{json, Value};
use shortlist::auth::Role;

use crate::both_backends;
use crate::helpers::{TestApp, ORG};

/// c0 essential, application form; c1 essential, interview; c2 desirable (weight 2), test.
fn spec() -> Value {
    json!([
        {"category": "Experience", "description": "Supervising qualified staff", "requirement": "essential", "methods": ["application"]},
        {"category": "Skills", "description": "Chairing complex meetings", "requirement": "essential", "methods": ["interview"]},
        {"category": "Skills", "description": "Analysing performance data", "requirement": "desirable", "methods": ["test"], "weight": 2}
    ])
}

fn plan() -> Value {
    json!({"steps": [
        {"key": "sift", "title": "Sift", "kind": "sift", "methods": ["application"]},
        {"key": "test", "title": "Data exercise", "kind": "test", "methods": ["test"], "cut_off": {"top": 1}},
        {"key": "interview", "title": "Panel interview", "kind": "interview", "methods": ["interview"]}
    ]})
}

/// A draft with the spec and the plan, opened; returns (vacancy id, criterion ids).
async fn planned_vacancy(app: &TestApp, overrides: Value) -> (String, Vec<String>) {
    let r = app.recruiter();
    let v = app.create_vacancy(overrides).await;
    let vid = v["id"].as_str().unwrap().to_string();
    let criteria = app
        .put(&format!("/api/v1/vacancies/{vid}/criteria"), &r, spec())
        .await
        .expect(200)
        .body;
    app.put(
        &format!("/api/v1/vacancies/{vid}/assessment-plan"),
        &r,
        plan(),
    )
    .await
    .expect(200);
    app.put(
        &format!("/api/v1/vacancies/{vid}/panel"),
        &r,
        json!({"members": [
            {"user_id": "ann", "role": "chair", "steps": ["sift", "interview"]},
            {"user_id": "bob", "role": "member", "steps": ["sift", "test"]},
            {"user_id": "cat", "role": "member"}
        ]}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/vacancies/{vid}/transitions"),
        &r,
        json!({"to": "open"}),
    )
    .await
    .expect(200);
    let ids = criteria
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    (vid, ids)
}

fn sheet(method: &str, scores: &[(&str, i64)]) -> Value {
    json!({"method": method, "scores": scores.iter().map(|(c, s)| json!({"criterion_id": c, "score": s})).collect::<Vec<_>>()})
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn entry<'a>(list: &'a Value, application: &str) -> &'a Value {
    list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["application_id"] == application)
        .unwrap_or_else(|| panic!("{application} not in {list:#}"))
}

both_backends! {
    async fn a_plan_is_checked_against_the_spec_and_frozen_on_open(app: TestApp) {
        let r = app.recruiter();
        let v = app.create_vacancy(json!({})).await;
        let vid = id(&v);
        let uri = format!("/api/v1/vacancies/{vid}/assessment-plan");
        // No plan yet: the default plan keeps the two stages.
        let default = app.get(&uri, &r).await.expect(200).body;
        assert_eq!(default["is_default"], true);
        let keys: Vec<&str> = default["steps"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["shortlisting", "final"]);

        app.put(&format!("/api/v1/vacancies/{vid}/criteria"), &r, spec()).await.expect(200);
        // The test method is in no step: refused, naming it.
        let missing = app.put(&uri, &r, json!({"steps": [
            {"key": "sift", "title": "Sift", "kind": "sift", "methods": ["application"]},
            {"key": "interview", "title": "Interview", "kind": "interview", "methods": ["interview"]}
        ]})).await.expect_problem(422);
        assert!(missing.text.contains("assesses by test but no step scores it"), "{}", missing.text);
        // A method in two steps, a key that is not a slug, a cut-off naming two rules.
        let bad = app.put(&uri, &r, json!({"steps": [
            {"key": "Sift", "title": "Sift", "kind": "sift", "methods": ["application", "test"]},
            {"key": "interview", "title": "Interview", "kind": "interview", "methods": ["interview", "test"], "cut_off": {"top": 2, "min_percentage": 50}}
        ]})).await.expect_problem(422);
        let mut fields = bad.error_fields();
        fields.sort();
        assert_eq!(fields, ["steps[0].key", "steps[1].cut_off", "steps[1].methods"]);
        app.put(&uri, &r, plan()).await.expect(200);
        assert_eq!(app.get(&uri, &app.token(Role::Viewer)).await.expect(200).body["steps"][1]["cut_off"], json!({"top": 1}));
        // A member limited to a step the plan does not have.
        app.put(&format!("/api/v1/vacancies/{vid}/panel"), &r, json!({"members": [
            {"user_id": "ann", "role": "chair", "steps": ["sift", "assessment-centre"]}
        ]})).await.expect_problem(422);
        // The spec changes after the plan was set: opening checks the plan again.
        app.post(&format!("/api/v1/vacancies/{vid}/criteria"), &r, json!(
            {"category": "Skills", "description": "Presenting to elected members", "requirement": "desirable", "methods": ["presentation"]}
        )).await.expect(201);
        let refused = app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r, json!({"to": "open"})).await.expect_problem(409);
        assert!(refused.text.contains("presentation"), "{}", refused.text);
        let mut fixed = plan();
        fixed["steps"][2]["methods"] = json!(["interview", "presentation"]);
        app.put(&uri, &r, fixed.clone()).await.expect(200);
        app.post(&format!("/api/v1/vacancies/{vid}/transitions"), &r, json!({"to": "open"})).await.expect(200);
        // Frozen with the specification.
        app.put(&uri, &r, fixed).await.expect_problem(409);
        app.put(&uri, &app.panel("ann"), plan()).await.expect_problem(403);
    }

    async fn scoring_is_limited_blind_and_recusable(app: TestApp) {
        let r = app.recruiter();
        let (vid, c) = planned_vacancy(&app, json!({})).await;
        let a = id(&app.apply(&vid, "Ada Able", json!({"guaranteed_interview": true})).await);
        let b = id(&app.apply(&vid, "Ben Brown", json!({})).await);
        let scoresheets = |x: &str| format!("/api/v1/applications/{x}/scoresheets");
        let scores = |x: &str| format!("/api/v1/applications/{x}/scores");

        // Step limits: bob does not sit at the interview; nobody scores a step not reached.
        app.post(&scoresheets(&a), &app.panel("bob"), sheet("interview", &[(&c[1], 2)])).await.expect_problem(403);
        let early = app.post(&scoresheets(&a), &app.panel("ann"), sheet("interview", &[(&c[1], 2)])).await.expect_problem(409);
        assert!(early.text.contains("has not reached step 'interview'"), "{}", early.text);
        // Every score belongs to a panel member.
        app.post(&scoresheets(&a), &r, sheet("application", &[(&c[0], 3)])).await.expect_problem(422);

        // Blind until submitted: ann scores Ada; bob sees nothing of it, nor any
        // aggregate built from it, until his own sheet is in.
        app.post(&scoresheets(&a), &app.panel("ann"), sheet("application", &[(&c[0], 3)])).await.expect(200);
        let bob = app.panel("bob");
        assert_eq!(app.get(&scores(&a), &bob).await.expect(200).body["scores"], json!([]));
        let e = app.get(&format!("/api/v1/applications/{a}/evaluation"), &bob).await.expect(200).body;
        assert_eq!(e["weighted_score"], 0.0);
        assert_eq!(e["pending_essentials"], json!([c[0]]));
        let list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &bob).await.expect(200).body;
        assert_eq!(entry(&list, &a)["weighted_score"], 0.0);
        let matrix = app.get(&format!("/api/v1/vacancies/{vid}/score-matrix"), &bob).await.expect(200).text;
        assert!(!matrix.contains("\"ann\""), "{matrix}");
        // A paper sheet: the recruiter types in bob's scores for Ben (entered_by kept).
        let paper = app.post(&scoresheets(&b), &r, json!({"method": "application", "on_behalf_of": "bob",
            "scores": [{"criterion_id": c[0], "score": 1}]})).await.expect(200).body;
        assert_eq!((paper["assessor"].as_str(), paper["entered_by"].as_str()), (Some("bob"), Some("recruiter")));
        // Bob's own sheet for Ada: now ann's score shows, and the mean (3 + 2) / 2 = 2.5.
        app.post(&scoresheets(&a), &bob, sheet("application", &[(&c[0], 2)])).await.expect(200);
        let seen = app.get(&scores(&a), &bob).await.expect(200).body;
        assert_eq!(seen["scores"].as_array().unwrap().len(), 2);
        let list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &bob).await.expect(200).body;
        assert_eq!(entry(&list, &a)["weighted_score"], 2.5);

        // Conflicts: cat scores Ben 3, then declares a conflict. Ben's mean was
        // (1 + 3) / 2 = 2 (met); without cat it is bob's 1 alone (unmet).
        app.post(&scoresheets(&b), &app.panel("cat"), sheet("application", &[(&c[0], 3)])).await.expect(200);
        let before = app.get(&format!("/api/v1/applications/{b}/evaluation"), &r).await.expect(200).body;
        assert_eq!(before["weighted_score"], 2.0);
        let conflicts = format!("/api/v1/applications/{b}/conflicts");
        app.post(&conflicts, &app.panel("ann"), json!({"user_id": "cat", "reason": "x"})).await.expect_problem(403);
        app.post(&conflicts, &r, json!({"user_id": "zed", "reason": "Not on the panel"})).await.expect_problem(422);
        app.post(&conflicts, &app.panel("cat"), json!({"user_id": "cat", "reason": "Ben is my neighbour"})).await.expect(201);
        app.post(&conflicts, &r, json!({"user_id": "cat", "reason": "again"})).await.expect_problem(409);
        let after = app.get(&format!("/api/v1/applications/{b}/evaluation"), &r).await.expect(200).body;
        assert_eq!(after["recused_assessors"], json!(["cat"]));
        assert_eq!(after["weighted_score"], 1.0);
        assert_eq!(after["unmet_essentials"], json!([c[0]]));
        let list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &r).await.expect(200).body;
        assert_eq!(entry(&list, &b)["weighted_score"], 1.0, "the aggregate leaves the recused out too");
        let refused = app.post(&scoresheets(&b), &app.panel("cat"), sheet("application", &[(&c[0], 2)])).await.expect_problem(409);
        assert!(refused.body["type"].as_str().unwrap().ends_with("/conflict-of-interest"), "{}", refused.text);
        let kept = app.get(&scores(&b), &r).await.expect(200).body;
        let cat = kept["scores"].as_array().unwrap().iter().find(|s| s["assessor"] == "cat").unwrap();
        assert_eq!(cat["standing"], "recused");
        // Others on the panel see the conflict, not its reason.
        let seen = app.get(&conflicts, &app.panel("ann")).await.expect(200).body;
        assert_eq!(seen["conflicts"][0]["user_id"], "cat");
        assert_eq!(seen["conflicts"][0]["reason"], json!(null));
        let audit = app.get("/api/v1/audit-events?limit=500", &app.token(Role::Admin)).await.expect(200).text;
        assert!(audit.contains("conflict.declared") && !audit.contains("neighbour"), "reasons stay out of the trail");

        // A member removed from the panel: their scores stay, marked excluded, and stop counting.
        app.put(&format!("/api/v1/vacancies/{vid}/panel"), &r, json!({"members": [
            {"user_id": "ann", "role": "chair", "steps": ["sift", "interview"]},
            {"user_id": "cat", "role": "member"}
        ]})).await.expect(200);
        let kept = app.get(&scores(&a), &r).await.expect(200).body;
        let bobs = kept["scores"].as_array().unwrap().iter().find(|s| s["assessor"] == "bob").unwrap();
        assert_eq!(bobs["standing"], "excluded");
        let e = app.get(&format!("/api/v1/applications/{a}/evaluation"), &r).await.expect(200).body;
        assert_eq!(e["weighted_score"], 3.0, "ann's 3 alone");
        let list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &r).await.expect(200).body;
        assert_eq!(entry(&list, &a)["weighted_score"], 3.0);
        let audit = app.get("/api/v1/audit-events?limit=500", &app.token(Role::Admin)).await.expect(200).text;
        assert!(audit.contains("panel.member_removed"));
        // Ann now sits at the interview only: her sift score stays, but no longer counts,
        // in the evaluation and in the shortlist's aggregate alike.
        app.put(&format!("/api/v1/vacancies/{vid}/panel"), &r, json!({"members": [
            {"user_id": "ann", "role": "chair", "steps": ["interview"]},
            {"user_id": "cat", "role": "member"}
        ]})).await.expect(200);
        let e = app.get(&format!("/api/v1/applications/{a}/evaluation"), &r).await.expect(200).body;
        assert_eq!(e["weighted_score"], 0.0);
        let list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &r).await.expect(200).body;
        assert_eq!(entry(&list, &a)["weighted_score"], 0.0);
        assert_eq!(entry(&list, &a)["recommendation"], "incomplete");
    }

    async fn steps_are_decided_in_order_reopened_and_appealed(app: TestApp) {
        let r = app.recruiter();
        let (vid, c) = planned_vacancy(&app, json!({})).await;
        let a = id(&app.apply(&vid, "Ada Able", json!({"guaranteed_interview": true})).await);
        let b = id(&app.apply(&vid, "Ben Brown", json!({})).await);
        let scoresheets = |x: &str| format!("/api/v1/applications/{x}/scoresheets");
        let decide = |step: &str| format!("/api/v1/vacancies/{vid}/steps/{step}/decisions");
        app.post(&scoresheets(&a), &app.panel("ann"), sheet("application", &[(&c[0], 3)])).await.expect(200);
        app.post(&scoresheets(&b), &app.panel("ann"), sheet("application", &[(&c[0], 1)])).await.expect(200);

        // Ada opted in and meets every essential so far: not before the interview.
        let gi = app.post(&decide("sift"), &r, json!({"decisions": [{"application_id": a, "decision": "not_progressed",
            "reason_code": "lower_score", "reason": "Ranked lower"}]})).await.expect_problem(409);
        assert!(gi.text.contains("guaranteed interview"), "{}", gi.text);
        // Ben has an unmet essential: progressing him needs an override; no_show is not for a sift.
        app.post(&decide("sift"), &r, json!({"decisions": [{"application_id": b, "decision": "progressed",
            "reason_code": "meets_criteria", "reason": "x"}]})).await.expect_problem(422);
        app.post(&decide("sift"), &r, json!({"decisions": [{"application_id": b, "decision": "no_show",
            "reason_code": "no_show", "reason": "x"}]})).await.expect_problem(422);
        // All or nothing: one bad decision leaves the good one unrecorded.
        app.post(&decide("sift"), &r, json!({"decisions": [
            {"application_id": a, "decision": "progressed", "reason_code": "meets_criteria", "reason": "Strong"},
            {"application_id": b, "decision": "progressed", "reason_code": "meets_criteria", "reason": "x"}
        ]})).await.expect_problem(422);
        assert_eq!(app.get(&format!("/api/v1/applications/{a}"), &r).await.body["status"], "submitted");
        let done = app.post(&decide("sift"), &r, json!({"decisions": [
            {"application_id": a, "decision": "progressed", "reason_code": "meets_criteria", "reason": "Strong supervision record",
             "feedback": "Your application showed strong supervision experience."},
            {"application_id": b, "decision": "not_progressed", "reason_code": "unmet_essential", "reason": "Internal: thin evidence",
             "feedback": "Your application did not show experience of supervising qualified staff."}
        ]})).await.expect(200).body;
        assert_eq!(done["decisions"][0]["status"], "shortlisted");
        assert_eq!(done["decisions"][1]["status"], "not_shortlisted");
        assert_eq!(done["decisions"][1]["unmet_criteria"][0]["criterion_id"], c[0]);
        // Decided once: the same step again is refused; its scores are frozen.
        app.post(&decide("sift"), &r, json!({"decisions": [{"application_id": a, "decision": "progressed",
            "reason_code": "meets_criteria", "reason": "again"}]})).await.expect_problem(409);
        let frozen = app.post(&scoresheets(&a), &app.panel("ann"), sheet("application", &[(&c[0], 1)])).await.expect_problem(409);
        assert!(frozen.text.contains("frozen"), "{}", frozen.text);
        // Reopened with a reason: pending again, scores can change, status goes back.
        let reopen = format!("/api/v1/vacancies/{vid}/steps/sift/reopen");
        app.post(&reopen, &r, json!({"application_id": a})).await.expect_problem(422);
        let reopened = app.post(&reopen, &r, json!({"application_id": a, "reason": "Score entered against the wrong criterion"})).await.expect(200).body;
        assert_eq!((reopened["previous_outcome"].as_str(), reopened["status"].as_str()), (Some("progressed"), Some("submitted")));
        app.post(&scoresheets(&a), &app.panel("ann"), sheet("application", &[(&c[0], 2)])).await.expect(200);
        app.post(&decide("sift"), &r, json!({"decisions": [{"application_id": a, "decision": "progressed",
            "reason_code": "meets_criteria", "reason": "Meets the essentials"}]})).await.expect(200);

        // The test step: cut-off top 1 proposes Ada (rank 1); Ben stopped at the sift.
        app.post(&scoresheets(&a), &app.panel("bob"), sheet("test", &[(&c[2], 3)])).await.expect(200);
        let at_test = app.get(&format!("/api/v1/vacancies/{vid}/shortlist?stage=test"), &r).await.expect(200).body;
        assert_eq!(at_test["stage"], "test");
        assert_eq!(at_test["entries"].as_array().unwrap().len(), 1, "{at_test:#}");
        // At the test step: c0 2 × 1 + c2 3 × 2 = 8 of (3 × 1 + 3 × 2) = 9.
        assert_eq!(entry(&at_test, &a)["weighted_score"], 8.0);
        assert_eq!(entry(&at_test, &a)["max_weighted_score"], 9.0);
        assert_eq!(entry(&at_test, &a)["within_cut_off"], true);
        assert_eq!(entry(&at_test, &a)["step_outcome"], "pending");
        // Still before the interview: no reserve for Ada.
        app.post(&decide("test"), &r, json!({"decisions": [{"application_id": a, "decision": "reserve",
            "reason_code": "meets_criteria", "reason": "Hold"}]})).await.expect_problem(409);
        app.post(&decide("test"), &r, json!({"decisions": [{"application_id": a, "decision": "progressed",
            "reason_code": "higher_score", "reason": "Top of the exercise"}]})).await.expect(200);
        // No offer before the last step is decided.
        let offer = format!("/api/v1/applications/{a}/transitions");
        let early = app.post(&offer, &r, json!({"to": "offered", "reason": "Offer"})).await.expect_problem(409);
        assert!(early.text.contains("last step"), "{}", early.text);
        app.post(&scoresheets(&a), &app.panel("ann"), sheet("interview", &[(&c[1], 2)])).await.expect(200);
        app.post(&decide("interview"), &r, json!({"decisions": [{"application_id": a, "decision": "progressed",
            "reason_code": "meets_criteria", "reason": "Appointable", "feedback": "Well done."}]})).await.expect(200);
        app.post(&offer, &r, json!({"to": "offered", "reason": "Conditional offer"})).await.expect(200);

        // Ben appeals and the appeal is upheld: a decision with a reason, never an edit.
        let appeal = app.post(&decide("sift"), &r, json!({"decisions": [{"application_id": b, "decision": "progressed",
            "reason_code": "other", "reason": "Appeal upheld", "override_reason": "Supervision evidence was in the CV"}]})).await.expect(200).body;
        assert_eq!(appeal["decisions"][0]["reinstated"], true);
        assert_eq!(appeal["decisions"][0]["previous_outcome"], "not_progressed");
        assert_eq!(appeal["decisions"][0]["status"], "shortlisted");

        // The candidate's outcome: status, steps, feedback; never reasons or scores.
        let portal = app.token_for("portal-1", ORG, &[Role::Portal]);
        let out = app.get(&format!("/api/v1/applications/{a}/outcome"), &portal).await.expect(200).body;
        assert_eq!(out["status"], "offered");
        assert_eq!(out["current_step"], "interview");
        let outcomes: Vec<&str> = out["steps"].as_array().unwrap().iter().map(|s| s["outcome"].as_str().unwrap()).collect();
        assert_eq!(outcomes, ["progressed", "progressed", "progressed"]);
        assert_eq!(out["steps"][2]["feedback"], "Well done.");
        let text = serde_json::to_string(&out).unwrap();
        for secret in ["Appointable", "Top of the exercise", "weighted", "score"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        let ben = app.get(&format!("/api/v1/applications/{b}/outcome"), &portal).await.expect(200).body;
        assert_eq!(ben["steps"][0]["feedback"], json!(null), "the reinstating decision carries no feedback");
        assert_eq!(ben["current_step"], "test");
        app.get(&format!("/api/v1/applications/{a}/outcome"), &app.token_for("portal-2", ORG, &[Role::Portal])).await.expect_problem(404);
        app.get(&format!("/api/v1/applications/{a}/outcome"), &app.panel("ann")).await.expect_problem(403);
        // The application itself carries the same progress.
        let got = app.get(&format!("/api/v1/applications/{b}"), &r).await.expect(200).body;
        assert_eq!(got["current_step"], "test");
        assert_eq!(got["steps"][0]["outcome"], "progressed");

        // The dashboard: each step's outcomes over those who reached it, and scoring
        // progress per member at their own steps, over applications at that step.
        let summary = app.get(&format!("/api/v1/vacancies/{vid}/summary"), &app.token(Role::Viewer)).await.expect(200).body;
        let outcomes = |k: usize, o: &str| summary["steps"][k]["outcomes"][o].as_u64().unwrap();
        assert_eq!((outcomes(0, "progressed"), outcomes(0, "pending")), (2, 0));
        assert_eq!((outcomes(1, "progressed"), outcomes(1, "pending")), (1, 1), "Ben reached the test");
        assert_eq!((outcomes(2, "progressed"), outcomes(2, "pending")), (1, 0));
        let progress: Vec<(String, String, u64, u64)> = summary["scoring_progress"]["by_assessor"].as_array().unwrap().iter()
            .map(|p| (p["assessor"].as_str().unwrap().into(), p["method"].as_str().unwrap().into(),
                      p["expected"].as_u64().unwrap(), p["received"].as_u64().unwrap()))
            .collect();
        let row = |who: &str, method: &str| progress.iter().find(|p| p.0 == who && p.1 == method).map(|p| (p.2, p.3));
        assert_eq!(row("ann", "application"), Some((2, 2)));
        assert_eq!(row("ann", "interview"), Some((1, 1)), "only Ada reached the interview");
        assert_eq!(row("ann", "test"), None, "ann does not sit at the test");
        assert_eq!(row("bob", "test"), Some((2, 1)));
        assert_eq!(row("bob", "interview"), None);
        // The matrix at a step; an unknown step is a 422 naming the plan's steps.
        app.get(&format!("/api/v1/vacancies/{vid}/score-matrix?stage=sift"), &r).await.expect(200);
        app.get(&format!("/api/v1/vacancies/{vid}/score-matrix?stage=assessment-centre"), &r).await.expect_problem(422);
    }

    async fn transitions_decide_through_the_steps_and_withdrawals_show(app: TestApp) {
        let r = app.recruiter();
        let (vid, c) = planned_vacancy(&app, json!({})).await;
        let a = id(&app.apply(&vid, "Ada Able", json!({})).await);
        let w = id(&app.apply(&vid, "Wes West", json!({})).await);
        app.post(&format!("/api/v1/applications/{a}/scoresheets"), &app.panel("ann"), sheet("application", &[(&c[0], 3)])).await.expect(200);
        let t = format!("/api/v1/applications/{a}/transitions");
        app.post(&t, &r, json!({"to": "shortlisted", "reason": "Meets the essentials"})).await.expect(200);
        // Turning Ada down at the test step is that step's decision, with its rules.
        app.post(&t, &r, json!({"to": "unsuccessful"})).await.expect_problem(422);
        app.post(&t, &r, json!({"to": "unsuccessful", "reason": "Others scored higher"})).await.expect(200);
        let out = app.get(&format!("/api/v1/applications/{a}/outcome"), &r).await.expect(200).body;
        let outcomes: Vec<&str> = out["steps"].as_array().unwrap().iter().map(|s| s["outcome"].as_str().unwrap()).collect();
        assert_eq!(outcomes, ["progressed", "not_progressed", "pending"]);
        // A withdrawal shows at the step the applicant left from.
        app.post(&format!("/api/v1/applications/{w}/transitions"), &app.token_for("portal-1", ORG, &[Role::Portal]),
            json!({"to": "withdrawn", "reason": "Accepted another post"})).await.expect(200);
        let out = app.get(&format!("/api/v1/applications/{w}/outcome"), &r).await.expect(200).body;
        assert_eq!(out["steps"][0]["outcome"], "withdrawn");
        // Held in reserve, then withdrawn: the reserve place is given up.
        let h = id(&app.apply(&vid, "Hal Held", json!({})).await);
        app.post(&format!("/api/v1/vacancies/{vid}/steps/sift/decisions"), &r, json!({"decisions": [{"application_id": h,
            "decision": "reserve", "reason_code": "meets_criteria", "reason": "Reserve list"}]})).await.expect(200);
        app.post(&format!("/api/v1/applications/{h}/transitions"), &app.token_for("portal-1", ORG, &[Role::Portal]),
            json!({"to": "withdrawn", "reason": "Moved away"})).await.expect(200);
        let out = app.get(&format!("/api/v1/applications/{h}/outcome"), &r).await.expect(200).body;
        assert_eq!(out["steps"][0]["outcome"], "withdrawn");
        app.post(&format!("/api/v1/vacancies/{vid}/steps/sift/decisions"), &r, json!({"decisions": [{"application_id": w,
            "decision": "progressed", "reason_code": "meets_criteria", "reason": "x", "override_reason": "y"}]})).await.expect_problem(409);
    }

    async fn min_assessors_leaves_a_lone_score_pending(app: TestApp) {
        let r = app.recruiter();
        let (vid, c) = planned_vacancy(&app, json!({"scoring": {"min": 0, "max": 3, "pass_mark": 2, "min_assessors": 2}})).await;
        let a = id(&app.apply(&vid, "Ada Able", json!({})).await);
        let uri = format!("/api/v1/applications/{a}/scoresheets");
        app.post(&uri, &app.panel("ann"), sheet("application", &[(&c[0], 3)])).await.expect(200);
        let e = app.get(&format!("/api/v1/applications/{a}/evaluation"), &r).await.expect(200).body;
        assert_eq!(e["pending_essentials"], json!([c[0]]), "one assessor of the two needed");
        let list = app.get(&format!("/api/v1/vacancies/{vid}/shortlist"), &r).await.expect(200).body;
        assert_eq!(entry(&list, &a)["recommendation"], "incomplete");
        app.post(&uri, &app.panel("bob"), sheet("application", &[(&c[0], 2)])).await.expect(200);
        let e = app.get(&format!("/api/v1/applications/{a}/evaluation"), &r).await.expect(200).body;
        assert_eq!(e["weighted_score"], 2.5);
        assert_eq!(e["recommendation"], "shortlist");
        // The chair's agreed score stands on its own.
        let b = id(&app.apply(&vid, "Ben Brown", json!({})).await);
        app.post(&format!("/api/v1/applications/{b}/scoresheets"), &app.panel("ann"), sheet("application", &[(&c[0], 1)])).await.expect(200);
        app.put(&format!("/api/v1/applications/{b}/agreed-scores"), &app.panel("ann"), sheet("application", &[(&c[0], 2)])).await.expect(200);
        let e = app.get(&format!("/api/v1/applications/{b}/evaluation"), &r).await.expect(200).body;
        assert_eq!(e["recommendation"], "shortlist");
    }
}
