//! Data written by the schema before assessment plans is carried into the default plan
//! by the migration: recorded decisions become the first step's outcomes, offers the
//! final step's, and every panel member keeps a seat for every method.

use serde_json::{json, Value};
use shortlist::auth::Role;

use crate::helpers::TestApp;

/// Rows as the previous release wrote them (no plan, seats, outcomes or min_assessors).
const PREVIOUS: &str = r#"
INSERT INTO vacancies (id, org, reference, title, status, dbs_level, driving_requirement,
  max_penalty_points, max_at_fault_accidents, references_required, occupational_health_required,
  guaranteed_interview_scheme, anonymised_shortlisting, scoring_min, scoring_max, scoring_pass_mark,
  shortlisting_methods, created_at, updated_at, version, positions, closing_date)
VALUES ('00000000-0000-0000-0000-0000000000a1', 'acme', 'OLD-1', 'Carried over', 'open', 'none', 'none',
  9, 3, 0, FALSE, TRUE, FALSE, 0, 3, 2, '["application"]',
  '2026-11-01T09:00:00.000000Z', '2026-11-01T09:00:00.000000Z', 2, 1, '2099-01-31');
INSERT INTO criteria (id, vacancy_id, category, description, requirement, methods, weight, alternative_group, position)
VALUES ('00000000-0000-0000-0000-0000000000c1', '00000000-0000-0000-0000-0000000000a1', 'Experience',
  'Supervising staff', 'essential', '["application","interview"]', 1, NULL, 0);
INSERT INTO panel_members (vacancy_id, user_id, role, added_at) VALUES
  ('00000000-0000-0000-0000-0000000000a1', 'ann', 'chair', '2026-11-01T09:00:00.000000Z'),
  ('00000000-0000-0000-0000-0000000000a1', 'bob', 'member', '2026-11-01T09:00:00.000000Z');
INSERT INTO vacancy_counters (vacancy_id, last_candidate_number) VALUES ('00000000-0000-0000-0000-0000000000a1', 4);
INSERT INTO applications (id, org, vacancy_id, candidate_code, candidate_name, candidate_email, guaranteed_interview,
  status, submitted_by, submitted_at, updated_at, version) VALUES
  ('00000000-0000-0000-0000-000000000001', 'acme', '00000000-0000-0000-0000-0000000000a1', 'C-0001', 'Ada', 'ada@example.org', FALSE, 'shortlisted', 'portal', '2026-11-02T09:00:00.000000Z', '2026-11-05T09:00:00.000000Z', 2),
  ('00000000-0000-0000-0000-000000000002', 'acme', '00000000-0000-0000-0000-0000000000a1', 'C-0002', 'Bea', 'bea@example.org', FALSE, 'not_shortlisted', 'portal', '2026-11-02T10:00:00.000000Z', '2026-11-05T09:00:00.000000Z', 2),
  ('00000000-0000-0000-0000-000000000003', 'acme', '00000000-0000-0000-0000-0000000000a1', 'C-0003', 'Cal', 'cal@example.org', FALSE, 'offered', 'portal', '2026-11-02T11:00:00.000000Z', '2026-11-09T09:00:00.000000Z', 3),
  ('00000000-0000-0000-0000-000000000004', 'acme', '00000000-0000-0000-0000-0000000000a1', 'C-0004', 'Dee', 'dee@example.org', FALSE, 'submitted', 'portal', '2026-11-02T12:00:00.000000Z', '2026-11-02T12:00:00.000000Z', 1);
INSERT INTO shortlist_decisions (application_id, vacancy_id, decision, reason, override_reason, unmet_criteria, decided_by, decided_at) VALUES
  ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000a1', 'shortlisted', 'Strong supervision evidence', NULL, '[]', 'recruiter', '2026-11-05T09:00:00.000000Z'),
  ('00000000-0000-0000-0000-000000000002', '00000000-0000-0000-0000-0000000000a1', 'not_shortlisted', 'No supervision evidence', NULL, '["00000000-0000-0000-0000-0000000000c1"]', 'recruiter', '2026-11-05T09:00:00.000000Z'),
  ('00000000-0000-0000-0000-000000000003', '00000000-0000-0000-0000-0000000000a1', 'shortlisted', 'Meets all', NULL, '[]', 'recruiter', '2026-11-05T09:00:00.000000Z');
INSERT INTO scores (application_id, criterion_id, method, assessor, vacancy_id, score, evidence, submitted_at) VALUES
  ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000c1', 'application', 'ann', '00000000-0000-0000-0000-0000000000a1', 3, NULL, '2026-11-04T09:00:00.000000Z'),
  ('00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-0000000000c1', 'application', 'bob', '00000000-0000-0000-0000-0000000000a1', 2, NULL, '2026-11-04T09:00:00.000000Z');
"#;

const ADA: &str = "00000000-0000-0000-0000-000000000001";
const BEA: &str = "00000000-0000-0000-0000-000000000002";
const CAL: &str = "00000000-0000-0000-0000-000000000003";
const DEE: &str = "00000000-0000-0000-0000-000000000004";

fn outcomes(body: &Value) -> Vec<(String, String)> {
    body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["key"].as_str().unwrap().to_string(),
                s["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

async fn carried(app: TestApp) {
    let r = app.recruiter();
    let outcome = |id: &str| format!("/api/v1/applications/{id}/outcome");
    let ada = app.get(&outcome(ADA), &r).await.expect(200).body;
    assert_eq!(
        outcomes(&ada),
        pairs(&[("shortlisting", "progressed"), ("final", "pending")])
    );
    assert_eq!(ada["current_step"], "final");
    let bea = app.get(&outcome(BEA), &r).await.expect(200).body;
    assert_eq!(
        outcomes(&bea),
        pairs(&[("shortlisting", "not_progressed"), ("final", "pending")])
    );
    let cal = app.get(&outcome(CAL), &r).await.expect(200).body;
    assert_eq!(
        outcomes(&cal),
        pairs(&[("shortlisting", "progressed"), ("final", "progressed")])
    );
    let dee = app.get(&outcome(DEE), &r).await.expect(200).body;
    assert_eq!(
        outcomes(&dee),
        pairs(&[("shortlisting", "pending"), ("final", "pending")])
    );
    assert_eq!(dee["current_step"], "shortlisting");

    // The default plan, and min_assessors 1 for the old vacancy.
    let vid = "00000000-0000-0000-0000-0000000000a1";
    let plan = app
        .get(&format!("/api/v1/vacancies/{vid}/assessment-plan"), &r)
        .await
        .expect(200)
        .body;
    assert_eq!(plan["is_default"], true);
    let v = app
        .get(&format!("/api/v1/vacancies/{vid}"), &r)
        .await
        .expect(200)
        .body;
    assert_eq!(v["scoring"]["min_assessors"], 1);

    // Both members' old scores still count (seats carried): mean (3 + 2) / 2 = 2.5.
    let e = app
        .get(&format!("/api/v1/applications/{ADA}/evaluation"), &r)
        .await
        .expect(200)
        .body;
    assert_eq!(e["weighted_score"], 2.5);
    assert_eq!(e["criteria"][0]["methods"][0]["assessor_count"], 2);
    let list = app
        .get(
            &format!("/api/v1/vacancies/{vid}/shortlist"),
            &app.token(Role::Viewer),
        )
        .await
        .expect(200)
        .body;
    let ada_entry = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["application_id"] == ADA)
        .unwrap();
    assert_eq!(
        ada_entry["weighted_score"], 2.5,
        "the aggregate joins the carried seats"
    );
    assert_eq!(ada_entry["step_outcome"], "progressed");

    // The old not_shortlisted decision is a first-step outcome like any other: its
    // scores are frozen, and an appeal reinstates it through the step route.
    app.post(&format!("/api/v1/applications/{BEA}/scoresheets"), &app.panel("ann"),
        json!({"method": "application", "scores": [{"criterion_id": "00000000-0000-0000-0000-0000000000c1", "score": 2}]}))
        .await.expect_problem(409);
    let appeal = app.post(&format!("/api/v1/vacancies/{vid}/steps/shortlisting/decisions"), &r, json!({"decisions": [{
        "application_id": BEA, "decision": "progressed", "reason_code": "other",
        "reason": "Appeal upheld: supervision evidence was in the attached CV", "override_reason": "Evidence overlooked at sift"
    }]})).await.expect(200).body;
    assert_eq!(appeal["decisions"][0]["reinstated"], true);
    assert_eq!(appeal["decisions"][0]["status"], "shortlisted");
    // The carried offer stands: Cal can be appointed (no checks required here but
    // right to work, which is cleared first).
    app.put(
        &format!("/api/v1/applications/{CAL}/checks/right_to_work"),
        &r,
        json!({"status": "clear"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/applications/{CAL}/transitions"),
        &r,
        json!({"to": "appointed"}),
    )
    .await
    .expect(200);
}

/// The migrations after the last one of the previous release (the assessment plans,
/// then the worklist indexes and scoring tallies).
const NEW_MIGRATIONS: usize = 2;

#[actix_web::test]
async fn previous_schema_data_is_carried_into_the_default_plan_sqlite() {
    let app = TestApp::from_previous_schema(false, NEW_MIGRATIONS, PREVIOUS)
        .await
        .unwrap();
    carried(app).await;
}

#[actix_web::test]
async fn previous_schema_data_is_carried_into_the_default_plan_postgres() {
    let Some(app) = TestApp::from_previous_schema(true, NEW_MIGRATIONS, PREVIOUS).await else {
        eprintln!("SHORTLIST_TEST_POSTGRES_URL not set: PostgreSQL part skipped");
        return;
    };
    carried(app).await;
}
