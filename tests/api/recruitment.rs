//! A real recruitment: the Alternatively Qualified Worker person specification (seed
//! 000), twelve applicants, two panel members and a chair scoring the application
//! form. Every expected figure below is worked out by hand from the rules in domain.md.

use crate::both_backends;
use crate::helpers::TestApp;
use crate::seed_vacancies::fixture;
use serde_json::{json, Value};
use std::collections::HashMap;

const MEMBERS: [&str; 3] = ["ann", "bob", "cat"];

/// The seed's spec with its assessment codes applied: criterion 10 (IT skills) by
/// written test (W), criterion 15 by presentation (P), and the qualification "A
/// levels/BTEC or equivalent qualified or equivalent experience" as an alternative
/// group whose second member is the equivalent experience.
fn aqw_spec() -> Value {
    let mut criteria = fixture("alternatively_qualified_worker.json")["criteria"].clone();
    let list = criteria.as_array_mut().unwrap();
    assert_eq!(list.len(), 25);
    assert!(list[10]["description"]
        .as_str()
        .unwrap()
        .starts_with("Information technology"));
    list[10]["methods"] = json!(["test"]);
    assert!(list[15]["description"]
        .as_str()
        .unwrap()
        .starts_with("Ability to manage and develop"));
    list[15]["methods"] = json!(["presentation"]);
    assert!(list[21]["description"]
        .as_str()
        .unwrap()
        .starts_with("A levels/BTEC"));
    list[21]["alternative_group"] = json!("qualification-or-experience");
    list.push(json!({
        "category": "Qualifications",
        "description": "Equivalent experience in place of the A level/BTEC qualification",
        "requirement": "essential",
        "methods": ["application", "interview"],
        "alternative_group": "qualification-or-experience"
    }));
    criteria
}

struct Recruitment<'a> {
    app: &'a TestApp,
    criteria: Vec<Value>,
}

impl Recruitment<'_> {
    fn id(&self, index: usize) -> String {
        self.criteria[index]["id"].as_str().unwrap().to_string()
    }

    /// Indexes of criteria assessed by the application form.
    fn application_criteria(&self) -> Vec<usize> {
        (0..self.criteria.len())
            .filter(|&i| {
                self.criteria[i]["methods"]
                    .as_array()
                    .unwrap()
                    .contains(&json!("application"))
            })
            .collect()
    }

    /// Each member scores every application criterion 2, except where `overrides`
    /// gives (criterion index → one score per member), or `None` to leave it unscored.
    async fn score(&self, application: &Value, overrides: &HashMap<usize, Option<[i64; 3]>>) {
        let id = application["id"].as_str().unwrap();
        for (m, member) in MEMBERS.iter().enumerate() {
            let scores: Vec<Value> = self
                .application_criteria()
                .into_iter()
                .filter_map(|i| {
                    let score = match overrides.get(&i) {
                        Some(None) => return None,
                        Some(Some(per_member)) => per_member[m],
                        None => 2,
                    };
                    Some(json!({"criterion_id": self.id(i), "score": score}))
                })
                .collect();
            self.app
                .post(
                    &format!("/api/v1/applications/{id}/scoresheets"),
                    &self.app.panel(member),
                    json!({"method": "application", "scores": scores}),
                )
                .await
                .expect(200);
        }
    }

    async fn evaluation(&self, application: &Value, stage: &str) -> Value {
        let id = application["id"].as_str().unwrap();
        self.app
            .get(
                &format!("/api/v1/applications/{id}/evaluation?stage={stage}"),
                &self.app.recruiter(),
            )
            .await
            .expect(200)
            .body
    }
}

fn pct(weighted: f64, max: f64) -> f64 {
    100.0 * weighted / max
}

#[track_caller]
fn assert_close(actual: &Value, expected: f64) {
    let a = actual.as_f64().unwrap_or(f64::NAN);
    assert!((a - expected).abs() < 1e-9, "{a} != {expected}");
}

both_backends! {
    async fn alternatively_qualified_worker_recruitment(app: TestApp) {
        let vacancy = fixture("alternatively_qualified_worker.json")["vacancy"].clone();
        let (vid, criteria) = app.open_vacancy_from(vacancy, aqw_spec()).await;
        assert_eq!(criteria.len(), 26);
        app.set_panel(&vid, &[("ann", "member"), ("bob", "member"), ("cat", "chair")]).await;
        let r = Recruitment { app: &app, criteria };

        // 24 criteria are assessed by application; the two-member group counts once:
        // 23 units × scale max 3 = 69. Essentials counted at shortlisting: the 22 of the
        // seed less the test- and presentation-only two, plus the group's new member.
        const MAX: f64 = 69.0;
        let essential_ids: Vec<String> = r.application_criteria().into_iter()
            .filter(|&i| r.criteria[i]["requirement"] == "essential")
            .map(|i| r.id(i)).collect();
        assert_eq!(essential_ids.len(), 21);
        let desirables: Vec<usize> = (0..26).filter(|&i| r.criteria[i]["requirement"] == "desirable").collect();
        assert_eq!(desirables, vec![5, 16, 20]);
        let (k0, qualification, experience_alt) = (0usize, 21usize, 25usize);

        let none = HashMap::new();
        let mut people = HashMap::new();
        for name in ["Strong", "Good", "Unmet", "Pending", "Divergent", "Points", "Alternative", "Guaranteed", "GuaranteedUnmet", "NoDesirables", "Withdrawn", "Unscored"] {
            let declarations = match name {
                "Points" => json!({"driving_licence_held": true, "penalty_points": 10, "at_fault_accidents": 1}),
                "Guaranteed" | "GuaranteedUnmet" => json!({"guaranteed_interview": true, "driving_licence_held": true, "penalty_points": 0}),
                _ => json!({"driving_licence_held": true, "penalty_points": 3}),
            };
            people.insert(name, app.apply(&vid, &format!("{name} Applicant"), declarations).await);
        }
        assert_eq!(people["Unscored"]["candidate_code"], "C-0012");

        r.score(&people["Strong"], &r.application_criteria().into_iter().map(|i| (i, Some([3, 3, 3]))).collect()).await;
        r.score(&people["Good"], &none).await;
        r.score(&people["Unmet"], &HashMap::from([(k0, Some([1, 1, 2]))])).await;
        r.score(&people["Pending"], &HashMap::from([(1, None)])).await;
        r.score(&people["Divergent"], &HashMap::from([(6, Some([3, 1, 2]))])).await;
        r.score(&people["Points"], &none).await;
        r.score(&people["Alternative"], &HashMap::from([(qualification, Some([0, 0, 1])), (experience_alt, Some([3, 3, 3]))])).await;
        r.score(&people["Guaranteed"], &none).await;
        r.score(&people["GuaranteedUnmet"], &HashMap::from([(k0, Some([1, 1, 1]))])).await;
        r.score(&people["NoDesirables"], &desirables.iter().map(|&i| (i, Some([0, 0, 0]))).collect()).await;

        // Strong: every unit 3.
        let e = r.evaluation(&people["Strong"], "shortlisting").await;
        assert_eq!(e["recommendation"], "shortlist");
        assert_close(&e["weighted_score"], 69.0);
        assert_close(&e["max_weighted_score"], MAX);
        assert_close(&e["percentage"], 100.0);
        assert_eq!(e["flags"], json!([]));

        // Good: every unit 2 → 46 of 69.
        let e = r.evaluation(&people["Good"], "shortlisting").await;
        assert_eq!(e["recommendation"], "shortlist");
        assert_close(&e["weighted_score"], 46.0);
        assert_close(&e["percentage"], pct(46.0, MAX));
        assert_eq!(e["guaranteed_interview"], false);

        // Unmet: criterion 0 mean (1+1+2)/3 = 4/3 < 2 → unmet essential → reject.
        let e = r.evaluation(&people["Unmet"], "shortlisting").await;
        assert_eq!(e["recommendation"], "reject");
        assert_eq!(e["unmet_essentials"], json!([r.id(k0)]));
        assert_close(&e["weighted_score"], 44.0 + 4.0 / 3.0);

        // Pending: criterion 1 unscored → pending essential → incomplete; 46 − 2.
        let e = r.evaluation(&people["Pending"], "shortlisting").await;
        assert_eq!(e["recommendation"], "incomplete");
        assert_eq!(e["pending_essentials"], json!([r.id(1)]));
        assert_eq!(e["unmet_essentials"], json!([]));
        assert_close(&e["weighted_score"], 44.0);

        // Divergent: criterion 6 scored 3, 1, 2 → mean 2 (met) but spread 2 → moderation.
        let e = r.evaluation(&people["Divergent"], "shortlisting").await;
        assert_eq!(e["needs_moderation"], true);
        assert!(e["flags"].as_array().unwrap().contains(&json!("needs_moderation")));
        let c6 = e["criteria"].as_array().unwrap().iter().find(|c| c["criterion_id"] == json!(r.id(6))).unwrap();
        let pair = c6["methods"].as_array().unwrap().iter().find(|m| m["method"] == "application").unwrap();
        assert_close(&pair["score"], 2.0);
        assert_eq!(pair["spread"], 2);
        assert_eq!(pair["status"], "met");
        // The chair records the agreed score, 3: it overrides the mean and settles it.
        let id = people["Divergent"]["id"].as_str().unwrap();
        app.put(&format!("/api/v1/applications/{id}/agreed-scores"), &app.panel("cat"),
            json!({"method": "application", "scores": [{"criterion_id": r.id(6), "score": 3, "evidence": "Moderated: strong customer care examples"}]}))
            .await.expect(200);
        let e = r.evaluation(&people["Divergent"], "shortlisting").await;
        assert_eq!(e["needs_moderation"], false);
        assert_close(&e["weighted_score"], 47.0);
        let c6 = e["criteria"].as_array().unwrap().iter().find(|c| c["criterion_id"] == json!(r.id(6))).unwrap();
        let pair = c6["methods"].as_array().unwrap().iter().find(|m| m["method"] == "application").unwrap();
        assert_eq!(pair["agreed"], true);
        assert_close(&pair["score"], 3.0);

        // Points: 10 penalty points against the default threshold of 9 → flagged at once.
        let e = r.evaluation(&people["Points"], "shortlisting").await;
        assert_eq!(e["flags"], json!(["driving_threshold_exceeded"]));
        assert_eq!(e["recommendation"], "shortlist");

        // Alternative: the qualification is unmet (mean 1/3) but the group is met through
        // its second member (3): the group counts once, with its best member's 3.
        let e = r.evaluation(&people["Alternative"], "shortlisting").await;
        assert_eq!(e["recommendation"], "shortlist");
        assert_eq!(e["unmet_essentials"], json!([]));
        let q = e["criteria"].as_array().unwrap().iter().find(|c| c["criterion_id"] == json!(r.id(qualification))).unwrap();
        assert_eq!(q["status"], "unmet");
        assert_eq!(q["group_status"], "met");
        assert_close(&e["weighted_score"], 46.0 - 2.0 + 3.0);

        // Guaranteed interview: opted in and every essential met.
        let e = r.evaluation(&people["Guaranteed"], "shortlisting").await;
        assert_eq!(e["guaranteed_interview"], true);
        let e = r.evaluation(&people["GuaranteedUnmet"], "shortlisting").await;
        assert_eq!(e["guaranteed_interview"], false);
        assert_eq!(e["recommendation"], "reject");

        // Desirables at 0 cost 2 each but never block: 46 − 6.
        let e = r.evaluation(&people["NoDesirables"], "shortlisting").await;
        assert_eq!(e["recommendation"], "shortlist");
        assert_close(&e["weighted_score"], 40.0);

        // A withdrawn application takes no more scores.
        let w = people["Withdrawn"]["id"].as_str().unwrap();
        app.post(&format!("/api/v1/applications/{w}/transitions"), &app.token_for("portal-1", crate::helpers::ORG, &[shortlist::auth::Role::Portal]), json!({"to": "withdrawn"})).await.expect(200);
        app.post(&format!("/api/v1/applications/{w}/scoresheets"), &app.panel("ann"),
            json!({"method": "application", "scores": [{"criterion_id": r.id(0), "score": 2}]})).await.expect_problem(409);

        // Unscored: every counted essential is pending.
        let e = r.evaluation(&people["Unscored"], "shortlisting").await;
        assert_eq!(e["recommendation"], "incomplete");
        let mut pending: Vec<String> = e["pending_essentials"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_string()).collect();
        pending.sort();
        let mut expected = essential_ids.clone();
        expected.sort();
        assert_eq!(pending, expected);
        assert_close(&e["weighted_score"], 0.0);

        // At the final stage the test, presentation and interview count too: nobody has
        // them yet, so even the strongest applicant is incomplete, and the written test
        // and presentation criteria are pending essentials.
        let e = r.evaluation(&people["Strong"], "final").await;
        assert_eq!(e["recommendation"], "incomplete");
        let pending = e["pending_essentials"].as_array().unwrap();
        assert!(pending.contains(&json!(r.id(10))) && pending.contains(&json!(r.id(15))));
        // Every criterion is assessed at the final stage: 25 units × 3 with interviews.
        assert_close(&e["max_weighted_score"], 3.0 * (24.0 * 2.0 - 1.0 * 2.0 + 2.0));

        // Pre-employment checks derive from the vacancy: enhanced DBS, regular driver.
        assert_eq!(e["pending_checks"], json!(["right_to_work", "dbs", "driving_licence", "references"]));
    }
}
