//! The authorisation matrix: every operation of the generated OpenAPI document × every
//! role × the caller's own org and another org, each with the outcome class it must
//! get (2xx, 403 or 404; 401 is covered in `auth.rs`).
//!
//! The table below is checked against the document first, so a new endpoint cannot
//! escape it: add a row when you add an operation.
//!
//! Expected outcomes follow the design notes (domain.md, "Who calls the API") and the
//! api.md contract. For another org (same role and `sub`, org `globex`) the outcome
//! is derived: a role refused by role stays 403; anything else with an id in the path
//! is 404 (ids cannot be probed); a collection answers 2xx with the other org's own
//! data, which must leak nothing of ours.

use std::collections::{BTreeSet, HashSet};
use std::time::Instant;

use actix_web::http::{header, Method};
use actix_web::test::TestRequest;
use serde_json::{json, Value};
use shortlist::auth::Role;

use crate::both_backends;
use crate::helpers::{bearer, sample_spec, Resp, TestApp, ORG, OTHER_ORG};

/// The outcome class of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Success,
    Forbidden,
    NotFound,
    Other(u16),
}

const OK: Outcome = Outcome::Success;
const NO: Outcome = Outcome::Forbidden;
const NF: Outcome = Outcome::NotFound;

impl Outcome {
    fn of(status: u16) -> Outcome {
        match status {
            200..=299 => Outcome::Success,
            403 => Outcome::Forbidden,
            404 => Outcome::NotFound,
            other => Outcome::Other(other),
        }
    }

    fn label(self) -> String {
        match self {
            Outcome::Success => "2xx".into(),
            Outcome::Forbidden => "403".into(),
            Outcome::NotFound => "404".into(),
            Outcome::Other(s) => s.to_string(),
        }
    }
}

/// The roles, in the order of each row's `expect`.
const ROLES: [Role; 5] = [
    Role::Admin,
    Role::Recruiter,
    Role::Panel,
    Role::Viewer,
    Role::Portal,
];

/// Which vacancy of the world fills `{vacancy_id}` (and `{criterion_id}`).
#[derive(Debug, Clone, Copy)]
enum On {
    /// The draft vacancy: its spec is still editable.
    Draft,
    /// The open, anonymised vacancy with the panel and the applications.
    Open,
    /// A cancelled vacancy: equality figures are published once a vacancy is over.
    Over,
}

/// One operation of the API.
struct Row {
    method: &'static str,
    path: &'static str,
    on: On,
    /// A body that succeeds for an authorised caller, so the outcome reflects
    /// authorisation, not validation.
    body: fn(&World) -> Option<Value>,
    /// Own-org outcome for admin, recruiter, panel, viewer, portal.
    expect: [Outcome; 5],
}

impl Row {
    fn collection(&self) -> bool {
        !self.path.contains('{')
    }

    /// The outcome for the same role in another org.
    fn other_org(&self, own: Outcome) -> Outcome {
        match own {
            Outcome::Forbidden => NO,
            _ if self.collection() => OK,
            _ => NF,
        }
    }
}

/// Writes that may succeed without changing anything (so without an audit event).
const UNAUDITED: &[(&str, &str)] = &[
    // Nothing in the world is past its retention period.
    ("POST", "/api/v1/retention/run"),
];

fn no_body(_: &World) -> Option<Value> {
    None
}

/// Every `/api/` operation, with who may call it: each `expect` is the own-org outcome
/// for [admin, recruiter, panel, viewer, portal].
fn table() -> Vec<Row> {
    vec![
        // Vacancies: every role lists (a panel its own, a portal the open ones).
        Row {
            method: "GET",
            path: "/api/v1/vacancies",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, OK],
        },
        Row {
            method: "POST",
            path: "/api/v1/vacancies",
            on: On::Open,
            body: |_| {
                Some(
                    json!({"reference": "AZ-NEW", "title": "New post", "closing_date": "2099-12-31"}),
                )
            },
            expect: [OK, OK, NO, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/vacancies/{vacancy_id}",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, OK],
        },
        Row {
            method: "PATCH",
            path: "/api/v1/vacancies/{vacancy_id}",
            on: On::Draft,
            body: |_| Some(json!({"title": "Renamed post"})),
            expect: [OK, OK, NO, NO, NO],
        },
        Row {
            method: "POST",
            path: "/api/v1/vacancies/{vacancy_id}/transitions",
            on: On::Draft,
            body: |_| Some(json!({"to": "cancelled", "reason": "No longer funded"})),
            expect: [OK, OK, NO, NO, NO],
        },
        // Person specification: a portal reads an open vacancy's spec.
        Row {
            method: "GET",
            path: "/api/v1/vacancies/{vacancy_id}/criteria",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, OK],
        },
        Row {
            method: "POST",
            path: "/api/v1/vacancies/{vacancy_id}/criteria",
            on: On::Draft,
            body: |_| {
                Some(
                    json!({"category": "Other conditions", "description": "Willing to work some evenings",
                            "requirement": "desirable", "methods": ["interview"]}),
                )
            },
            expect: [OK, OK, NO, NO, NO],
        },
        Row {
            method: "PUT",
            path: "/api/v1/vacancies/{vacancy_id}/criteria",
            on: On::Draft,
            body: |_| Some(sample_spec()),
            expect: [OK, OK, NO, NO, NO],
        },
        Row {
            method: "POST",
            path: "/api/v1/vacancies/{vacancy_id}/criteria/import",
            on: On::Draft,
            body: |_| {
                Some(Value::String(
                    "## Person Specification\n\nEssential\n\n- Social work degree\n\n\
                     Desirable\n\n- Full driving licence\n"
                        .into(),
                ))
            },
            expect: [OK, OK, NO, NO, NO],
        },
        Row {
            method: "PATCH",
            path: "/api/v1/vacancies/{vacancy_id}/criteria/{criterion_id}",
            on: On::Draft,
            body: |_| {
                Some(json!({"description": "Social work degree or an equivalent qualification"}))
            },
            expect: [OK, OK, NO, NO, NO],
        },
        Row {
            method: "DELETE",
            path: "/api/v1/vacancies/{vacancy_id}/criteria/{criterion_id}",
            on: On::Draft,
            body: no_body,
            expect: [OK, OK, NO, NO, NO],
        },
        // Panels. A portal is not told who sits on a panel: the code answers 404
        // (as tests/api/panels.rs expects), not 403; domain.md does not say which.
        Row {
            method: "GET",
            path: "/api/v1/vacancies/{vacancy_id}/panel",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, NF],
        },
        Row {
            method: "PUT",
            path: "/api/v1/vacancies/{vacancy_id}/panel",
            on: On::Open,
            body: |_| {
                Some(
                    json!({"members": [{"user_id": "panel", "role": "chair"}, {"user_id": "panel-2", "role": "member"}]}),
                )
            },
            expect: [OK, OK, NO, NO, NO],
        },
        // Applications: a portal lists, reads and withdraws only what it submitted.
        Row {
            method: "GET",
            path: "/api/v1/vacancies/{vacancy_id}/applications",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, OK],
        },
        Row {
            method: "POST",
            path: "/api/v1/vacancies/{vacancy_id}/applications",
            on: On::Open,
            body: |_| {
                Some(
                    json!({"candidate": {"name": "Newly Applying", "email": "newly.applying@example.org"},
                            "declarations": {"right_to_work": true}}),
                )
            },
            expect: [OK, OK, NO, NO, OK],
        },
        Row {
            method: "GET",
            path: "/api/v1/applications/{application_id}",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, OK],
        },
        Row {
            method: "POST",
            path: "/api/v1/applications/{application_id}/transitions",
            on: On::Open,
            body: |_| Some(json!({"to": "withdrawn", "reason": "Accepted another post"})),
            expect: [OK, OK, NO, NO, OK],
        },
        // Scores: every score belongs to a panel member (process.md). Staff off the
        // panel pass authorisation and are then asked for `on_behalf_of` (422).
        Row {
            method: "POST",
            path: "/api/v1/applications/{application_id}/scoresheets",
            on: On::Open,
            body: |w| {
                Some(
                    json!({"method": "application", "scores": [{"criterion_id": w.open_criteria[0], "score": 2}]}),
                )
            },
            expect: [Outcome::Other(422), Outcome::Other(422), OK, NO, NO],
        },
        // Steps, conflicts and outcomes (api.md).
        Row {
            method: "GET",
            path: "/api/v1/vacancies/{vacancy_id}/assessment-plan",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, OK],
        },
        Row {
            method: "PUT",
            path: "/api/v1/vacancies/{vacancy_id}/assessment-plan",
            on: On::Draft,
            body: |_| {
                Some(json!({"steps": [
                    {"key": "sift", "title": "Sift", "kind": "sift", "methods": ["application"]},
                    {"key": "interview", "title": "Interview", "kind": "interview",
                     "methods": ["test", "interview", "presentation", "documents"]}
                ]}))
            },
            expect: [OK, OK, NO, NO, NO],
        },
        Row {
            method: "POST",
            path: "/api/v1/vacancies/{vacancy_id}/steps/{step_key}/decisions",
            on: On::Open,
            body: |w| {
                Some(
                    json!({"decisions": [{"application_id": w.application, "decision": "reserve",
                    "reason_code": "meets_criteria", "reason": "Held in reserve pending the sift"}]}),
                )
            },
            expect: [OK, OK, NO, NO, NO],
        },
        // Nothing is decided in the world, so an authorised caller meets the rule (409).
        Row {
            method: "POST",
            path: "/api/v1/vacancies/{vacancy_id}/steps/{step_key}/reopen",
            on: On::Open,
            body: |w| Some(json!({"application_id": w.application, "reason": "Appeal received"})),
            expect: [Outcome::Other(409), Outcome::Other(409), NO, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/applications/{application_id}/conflicts",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, NO],
        },
        // A member declares for themself; the world's `panel` user sits on the panel.
        Row {
            method: "POST",
            path: "/api/v1/applications/{application_id}/conflicts",
            on: On::Open,
            body: |_| Some(json!({"user_id": "panel", "reason": "Former line manager"})),
            expect: [OK, OK, OK, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/applications/{application_id}/outcome",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, NO, OK, OK],
        },
        Row {
            method: "GET",
            path: "/api/v1/applications/{application_id}/scores",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, NO],
        },
        // "chair only" (api.md); the world's `panel` user chairs the open vacancy.
        Row {
            method: "PUT",
            path: "/api/v1/applications/{application_id}/agreed-scores",
            on: On::Open,
            body: |w| {
                Some(
                    json!({"method": "application", "scores": [{"criterion_id": w.open_criteria[0], "score": 2}]}),
                )
            },
            expect: [NO, NO, OK, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/applications/{application_id}/evaluation",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, NO],
        },
        // Checks.
        Row {
            method: "GET",
            path: "/api/v1/applications/{application_id}/checks",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, NO, OK, NO],
        },
        Row {
            method: "PUT",
            path: "/api/v1/applications/{application_id}/checks/{kind}",
            on: On::Open,
            body: |_| Some(json!({"status": "in_progress"})),
            expect: [OK, OK, NO, NO, NO],
        },
        // The org-wide worklist is HR's: staff read it, panels and portals do not.
        Row {
            method: "GET",
            path: "/api/v1/checks",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, NO, OK, NO],
        },
        // Shortlists and dashboards.
        Row {
            method: "GET",
            path: "/api/v1/vacancies/{vacancy_id}/shortlist",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, NO],
        },
        Row {
            method: "POST",
            path: "/api/v1/vacancies/{vacancy_id}/shortlist/decisions",
            on: On::Open,
            body: |w| {
                Some(
                    json!({"decisions": [{"application_id": w.application, "decision": "not_shortlisted",
                                           "reason": "Did not evidence the essential criteria"}]}),
                )
            },
            expect: [OK, OK, NO, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/vacancies/{vacancy_id}/score-matrix",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/vacancies/{vacancy_id}/summary",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, OK, OK, NO],
        },
        // Personal data: retention and erasure are the admin's (domain.md); the
        // equality report is an aggregate for HR (viewer: "reports").
        Row {
            method: "GET",
            path: "/api/v1/settings",
            on: On::Open,
            body: no_body,
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "PUT",
            path: "/api/v1/settings",
            on: On::Open,
            body: |_| Some(json!({"retention_days": 183, "dbs_recheck_months": 36})),
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "POST",
            path: "/api/v1/retention/run",
            on: On::Open,
            body: |_| Some(json!({"dry_run": false})),
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "DELETE",
            path: "/api/v1/applications/{application_id}/personal-data",
            on: On::Open,
            body: no_body,
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/vacancies/{vacancy_id}/reports/equality",
            on: On::Over,
            body: no_body,
            expect: [OK, OK, NO, OK, NO],
        },
        // Worklists and dashboards (issue 13): staff read the org's applications and
        // the pipeline; a portal lists only what it submitted; panel members work per
        // vacancy.
        Row {
            method: "GET",
            path: "/api/v1/applications",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, NO, OK, OK],
        },
        Row {
            method: "GET",
            path: "/api/v1/reports/pipeline",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, NO, OK, NO],
        },
        // Audit: admin only.
        Row {
            method: "GET",
            path: "/api/v1/audit-events",
            on: On::Open,
            body: no_body,
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/audit-events/verify",
            on: On::Open,
            body: no_body,
            expect: [OK, NO, NO, NO, NO],
        },
        // The change feed: staff, and portals (their own applications only).
        Row {
            method: "GET",
            path: "/api/v1/events",
            on: On::Open,
            body: no_body,
            expect: [OK, OK, NO, OK, OK],
        },
        // Webhooks: admins only.
        Row {
            method: "POST",
            path: "/api/v1/webhooks",
            on: On::Open,
            body: |_| Some(json!({"url": "https://203.0.113.9/more", "events": ["check.updated"]})),
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/webhooks",
            on: On::Open,
            body: no_body,
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/webhooks/{webhook_id}",
            on: On::Open,
            body: no_body,
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "PATCH",
            path: "/api/v1/webhooks/{webhook_id}",
            on: On::Open,
            body: |_| Some(json!({"description": "Jobs portal"})),
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "POST",
            path: "/api/v1/webhooks/{webhook_id}/rotate-secret",
            on: On::Open,
            body: |_| Some(json!({"overlap_hours": 24})),
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "GET",
            path: "/api/v1/webhooks/{webhook_id}/deliveries",
            on: On::Open,
            body: no_body,
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "POST",
            path: "/api/v1/webhooks/{webhook_id}/deliveries/{delivery_id}/redeliver",
            on: On::Open,
            body: |_| Some(json!({})),
            expect: [OK, NO, NO, NO, NO],
        },
        Row {
            method: "DELETE",
            path: "/api/v1/webhooks/{webhook_id}",
            on: On::Open,
            body: no_body,
            expect: [OK, NO, NO, NO, NO],
        },
    ]
}

const CANDIDATE: [&str; 3] = [
    "Zephyrine Quillfeather",
    "zephyrine.quillfeather@example.org",
    "01632 960123",
];
const OTHER_CANDIDATE: [&str; 2] = ["Barnaby Elsewhere", "barnaby.elsewhere@example.org"];
/// Every equality-monitoring answer carries this marker; no response may.
const EQUALITY_MARKER: &str = "eqmon-x7q";

fn equality_answers() -> Value {
    let answer = |field: &str| format!("{EQUALITY_MARKER}-{field}");
    json!({
        "age_band": answer("age"),
        "sex": answer("sex"),
        "gender_identity": answer("gender"),
        "ethnicity": answer("ethnicity"),
        "disability": answer("disability"),
        "religion_or_belief": answer("religion"),
        "sexual_orientation": answer("orientation"),
    })
}

/// What one call runs against, all in org `acme`.
struct World {
    draft: String,
    draft_criterion: String,
    /// Open and anonymised; panel: `panel` (chair), `panel-2` (member).
    open: String,
    open_criteria: Vec<String>,
    /// Submitted by the portal `portal`, with equality-monitoring answers.
    application: String,
    /// Submitted by another portal, `portal-2`.
    other_application: String,
    /// Opened with one application (with equality answers), then cancelled.
    over: String,
    /// The org's webhook (to a public address; no worker runs here) and a delivery.
    webhook: String,
    delivery: String,
}

impl World {
    async fn build(app: &TestApp, n: usize) -> World {
        let r = app.recruiter();
        let admin = app.token(Role::Admin);
        // One webhook serves every world (an org may hold only so many); made again
        // after the matrix deletes it. Subscribed to everything, so the world's events
        // give it deliveries.
        let hooks = app.get("/api/v1/webhooks", &admin).await.expect(200).body;
        let world_hook = hooks["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|h| h["url"] == json!("https://203.0.113.9/hooks"));
        let webhook = match world_hook.and_then(|h| h["id"].as_str()) {
            Some(id) => id.to_string(),
            None => app
                .post(
                    "/api/v1/webhooks",
                    &admin,
                    json!({"url": "https://203.0.113.9/hooks", "events": [
                        "vacancy.status_changed", "application.submitted",
                        "application.status_changed", "application.step_decided",
                        "application.erased", "scoresheet.submitted", "check.updated"]}),
                )
                .await
                .expect(201)
                .body["id"]
                .as_str()
                .unwrap()
                .to_string(),
        };
        let draft = app
            .create_vacancy(json!({"reference": format!("AZ-D{n}"), "title": "Draft post"}))
            .await["id"]
            .as_str()
            .unwrap()
            .to_string();
        let draft_criteria = app
            .put(
                &format!("/api/v1/vacancies/{draft}/criteria"),
                &r,
                sample_spec(),
            )
            .await
            .expect(200)
            .body;
        let (open, criteria) = app
            .open_vacancy_from(
                json!({"reference": format!("AZ-O{n}"), "title": "Open post", "closing_date": "2099-12-31",
                       "anonymised_shortlisting": true}),
                sample_spec(),
            )
            .await;
        app.set_panel(&open, &[("panel", "chair"), ("panel-2", "member")])
            .await;
        let apply_uri = format!("/api/v1/vacancies/{open}/applications");
        let application = app
            .post(
                &apply_uri,
                &app.token(Role::Portal),
                json!({"candidate": {"name": CANDIDATE[0], "email": CANDIDATE[1], "phone": CANDIDATE[2]},
                       "declarations": {"right_to_work": true},
                       "equality_monitoring": equality_answers()}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let other_application = app
            .post(
                &apply_uri,
                &app.token_for("portal-2", ORG, &[Role::Portal]),
                json!({"candidate": {"name": OTHER_CANDIDATE[0], "email": OTHER_CANDIDATE[1]}}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let (over, _) = app
            .open_vacancy_from(
                json!({"reference": format!("AZ-X{n}"), "title": "Cancelled post", "closing_date": "2099-12-31"}),
                sample_spec(),
            )
            .await;
        app.post(
            &format!("/api/v1/vacancies/{over}/applications"),
            &app.token_for("portal-3", ORG, &[Role::Portal]),
            json!({"candidate": {"name": "Over Applicant", "email": "over@example.org"},
                   "equality_monitoring": equality_answers()}),
        )
        .await
        .expect(201);
        app.post(
            &format!("/api/v1/vacancies/{over}/transitions"),
            &r,
            json!({"to": "cancelled", "reason": "Re-advertising"}),
        )
        .await
        .expect(200);
        let deliveries = app
            .get(
                &format!("/api/v1/webhooks/{webhook}/deliveries?limit=1"),
                &admin,
            )
            .await
            .expect(200)
            .body;
        let delivery = deliveries["items"][0]["id"]
            .as_str()
            .unwrap_or_else(|| {
                panic!("the world's events go to the webhook {webhook}: {deliveries}")
            })
            .to_string();
        World {
            webhook,
            delivery,
            over,
            draft,
            draft_criterion: draft_criteria[0]["id"].as_str().unwrap().to_string(),
            open,
            open_criteria: criteria
                .iter()
                .map(|c| c["id"].as_str().unwrap().to_string())
                .collect(),
            application,
            other_application,
        }
    }

    /// Everything of org `acme` that another org must never see.
    fn secrets(&self) -> Vec<String> {
        let mut out = vec![
            self.draft.clone(),
            self.draft_criterion.clone(),
            self.open.clone(),
            self.application.clone(),
            self.other_application.clone(),
            self.over.clone(),
            self.webhook.clone(),
            self.delivery.clone(),
        ];
        out.extend(self.open_criteria.iter().cloned());
        out.extend(CANDIDATE.iter().map(|s| s.to_string()));
        out.extend(OTHER_CANDIDATE.iter().map(|s| s.to_string()));
        out
    }

    /// The concrete path of `row` in this world.
    fn uri(&self, row: &Row) -> String {
        let (vacancy, criterion) = match row.on {
            On::Draft => (&self.draft, &self.draft_criterion),
            On::Open => (&self.open, &self.open_criteria[0]),
            On::Over => (&self.over, &self.open_criteria[0]),
        };
        let uri = row
            .path
            .replace("{vacancy_id}", vacancy)
            .replace("{criterion_id}", criterion)
            .replace("{application_id}", &self.application)
            .replace("{kind}", "right_to_work")
            .replace("{step_key}", "shortlisting")
            .replace("{webhook_id}", &self.webhook)
            .replace("{delivery_id}", &self.delivery);
        assert!(
            !uri.contains('{'),
            "{} {}: the authz matrix does not know how to fill a parameter of this path; \
             teach World::uri about it",
            row.method,
            row.path
        );
        uri
    }
}

async fn call(app: &TestApp, row: &Row, uri: &str, token: &str, body: Option<Value>) -> Resp {
    let method = Method::from_bytes(row.method.as_bytes()).expect("an HTTP method");
    let mut req = TestRequest::default()
        .method(method)
        .uri(uri)
        .insert_header(bearer(token));
    match body {
        // A string is a document (the criteria import), sent as it is.
        Some(Value::String(document)) => {
            req = req
                .insert_header(("content-type", "text/markdown"))
                .set_payload(document);
        }
        Some(body) => req = req.set_json(body),
        None => {}
    }
    app.call(req).await
}

const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "patch", "head", "options", "trace",
];

/// Every `/api/` operation of the generated OpenAPI document, as (METHOD, path).
fn documented_operations() -> BTreeSet<(String, String)> {
    let doc: Value = serde_json::from_str(&shortlist::startup::openapi_document_json())
        .expect("the OpenAPI document is JSON");
    let paths = doc["paths"]
        .as_object()
        .expect("the OpenAPI document has paths");
    let mut out = BTreeSet::new();
    for (path, item) in paths {
        if !path.starts_with("/api/") {
            continue;
        }
        for method in item.as_object().into_iter().flat_map(|o| o.keys()) {
            if HTTP_METHODS.contains(&method.as_str()) {
                out.insert((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// Fails unless the table lists exactly the documented operations.
fn assert_table_covers_document(table: &[Row]) {
    let documented = documented_operations();
    let mut listed = BTreeSet::new();
    for row in table {
        assert!(
            listed.insert((row.method.to_string(), row.path.to_string())),
            "the authz table lists {} {} twice",
            row.method,
            row.path
        );
    }
    let missing: Vec<String> = documented
        .difference(&listed)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    let stale: Vec<String> = listed
        .difference(&documented)
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "the authorisation matrix (tests/api/authz.rs, fn table) is out of step with the \
         OpenAPI document.\n  operations without a row (add one, with the expected outcome \
         per role): {missing:?}\n  rows for operations the document lacks (remove them): {stale:?}"
    );
}

/// Reasons a response body gives something away, for the caller `role` of `org`.
fn leaks(
    text: &str,
    role: Role,
    own_org: bool,
    is_get: bool,
    world: &World,
    secrets: &HashSet<String>,
) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(at) = text.find(EQUALITY_MARKER) {
        let from = text[..at]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i);
        let around: String = text[from..].chars().take(140).collect();
        found.push(format!(
            "equality-monitoring answers, which are never returned per person: …{around}…"
        ));
    }
    if !own_org {
        found.extend(
            secrets
                .iter()
                .filter(|s| text.contains(s.as_str()))
                .map(|s| format!("org acme's {s:?}")),
        );
        return found;
    }
    if is_get && role == Role::Panel {
        // The open vacancy is anonymised and no decision is recorded yet.
        found.extend(
            CANDIDATE
                .iter()
                .chain(OTHER_CANDIDATE.iter())
                .filter(|s| text.contains(*s))
                .map(|s| format!("candidate identity {s:?} to a panel member")),
        );
    }
    if role == Role::Portal {
        for s in OTHER_CANDIDATE
            .iter()
            .copied()
            .chain([world.other_application.as_str()])
        {
            if text.contains(s) {
                found.push(format!("another portal's application ({s:?})"));
            }
        }
    }
    found
}

/// Audit events of org `acme`: one per change, written in the change's transaction.
async fn audit_count(app: &TestApp) -> i64 {
    app.db
        .read(|conn| {
            use diesel::prelude::*;
            use shortlist::db::schema::audit_events::dsl::{audit_events, org};
            Ok(audit_events
                .filter(org.eq(ORG))
                .count()
                .get_result::<i64>(conn)?)
        })
        .await
        .expect("count audit events")
}

async fn authorisation_matrix(app: TestApp) {
    let started = Instant::now();
    let table = table();
    assert_table_covers_document(&table);
    let orgs = [ORG, OTHER_ORG];
    let mut secrets: HashSet<String> = HashSet::new();
    let mut failures = Vec::new();
    let (mut checks, mut worlds, mut get_checks) = (0usize, 0usize, 0usize);
    for row in &table {
        let is_get = row.method == "GET";
        let key = (row.method, row.path);
        // One world per operation, built afresh after any write that may have changed
        // it; a refused call changes nothing (checked below), so the next one reuses it.
        let mut current: Option<World> = None;
        for (i, &role) in ROLES.iter().enumerate() {
            for org in orgs {
                let own_org = org == ORG;
                if current.is_none() {
                    worlds += 1;
                    let w = World::build(&app, worlds).await;
                    secrets.extend(w.secrets());
                    current = Some(w);
                }
                let world = current.as_ref().expect("a world");
                let expected = if own_org {
                    row.expect[i]
                } else {
                    row.other_org(row.expect[i])
                };
                let token = app.token_for(role.as_str(), org, &[role]);
                let uri = world.uri(row);
                let audited = if is_get { 0 } else { audit_count(&app).await };
                let resp = call(&app, row, &uri, &token, (row.body)(world)).await;
                let got = Outcome::of(resp.status);
                checks += 1;
                get_checks += usize::from(is_get);
                let who = format!("{} of {org}", role.as_str());
                if got != expected {
                    failures.push(format!(
                        "{} {} as {who}: expected {}, got {}: {}",
                        row.method,
                        row.path,
                        expected.label(),
                        got.label(),
                        resp.text.chars().take(300).collect::<String>()
                    ));
                }
                for leak in leaks(&resp.text, role, own_org, is_get, world, &secrets) {
                    failures.push(format!(
                        "{} {} as {who}: the response gives away {leak}",
                        row.method, row.path
                    ));
                }
                if !is_get {
                    // Every change writes an audit event in its transaction, so the
                    // count tells whether a refused call changed anything.
                    let after = audit_count(&app).await;
                    let refused = matches!(got, Outcome::Forbidden | Outcome::NotFound);
                    if refused && after != audited {
                        failures.push(format!(
                            "{} {} as {who}: refused with {}, yet {} audited change(s) were made",
                            row.method,
                            row.path,
                            got.label(),
                            after - audited
                        ));
                    }
                    if own_org && got == OK && after == audited && !UNAUDITED.contains(&key) {
                        failures.push(format!(
                            "{} {} as {who}: succeeded without an audit event, so the \
                             no-change check of refused calls proves nothing here",
                            row.method, row.path
                        ));
                    }
                }
                if !is_get && got != NO && got != NF {
                    current = None;
                }
                if !own_org && got == OK && row.collection() && is_get {
                    // The other org's own data: here, never anything of ours.
                    let items = resp.body["items"].as_array().cloned().unwrap_or_default();
                    if items
                        .iter()
                        .any(|v| v["id"].as_str().is_some_and(|id| secrets.contains(id)))
                    {
                        failures.push(format!(
                            "{} {} as {who}: lists org acme's rows",
                            row.method, row.path
                        ));
                    }
                }
            }
        }
    }
    println!(
        "authz matrix: {} operations × {} roles × {} orgs = {checks} checks \
         ({get_checks} GET responses scanned for equality-monitoring answers), \
         {worlds} worlds, {:.2?}",
        table.len(),
        ROLES.len(),
        orgs.len(),
        started.elapsed()
    );
    assert_eq!(checks, table.len() * ROLES.len() * orgs.len());
    assert!(
        failures.is_empty(),
        "{} of {checks} authorisation checks failed:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

fn assert_hidden(resp: &Resp, what: &str) {
    for s in CANDIDATE.iter().chain(OTHER_CANDIDATE.iter()) {
        assert!(
            !resp.text.contains(s),
            "{what} shows {s:?} to a panel member before any decision: {}",
            resp.text
        );
    }
    assert!(
        !resp.text.contains(EQUALITY_MARKER),
        "{what} shows equality-monitoring answers: {}",
        resp.text
    );
}

fn scores_of(scores: &Value, assessor: &str) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = scores["scores"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["assessor"] == assessor)
        .map(|s| {
            (
                s["criterion_id"].as_str().unwrap().to_string(),
                s["score"].as_i64().unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

async fn panels_and_portals_stay_in_their_lane(app: TestApp) {
    let world = World::build(&app, 1).await;
    let r = app.recruiter();
    let chair = app.token(Role::Panel);
    let member = app.panel("panel-2");
    let (a, c) = (&world.application, &world.open_criteria);

    // Another vacancy, with a panel our `panel` user does not sit on.
    let (theirs, their_criteria) = app
        .open_vacancy_from(
            json!({"reference": "AZ-THEIRS", "title": "Their post", "closing_date": "2099-12-31"}),
            sample_spec(),
        )
        .await;
    app.set_panel(&theirs, &[("someone-else", "chair")]).await;
    let their_app = app
        .post(
            &format!("/api/v1/vacancies/{theirs}/applications"),
            &app.token(Role::Portal),
            json!({"candidate": {"name": "Their Candidate", "email": "their.candidate@example.org"}}),
        )
        .await
        .expect(201)
        .body["id"]
        .as_str()
        .unwrap()
        .to_string();

    // A panel member never reads another panel's vacancy or its applications.
    for path in [
        format!("/api/v1/vacancies/{theirs}"),
        format!("/api/v1/vacancies/{theirs}/criteria"),
        format!("/api/v1/vacancies/{theirs}/panel"),
        format!("/api/v1/vacancies/{theirs}/applications"),
        format!("/api/v1/vacancies/{theirs}/shortlist"),
        format!("/api/v1/vacancies/{theirs}/score-matrix"),
        format!("/api/v1/vacancies/{theirs}/summary"),
        format!("/api/v1/applications/{their_app}"),
        format!("/api/v1/applications/{their_app}/scores"),
        format!("/api/v1/applications/{their_app}/evaluation"),
    ] {
        let resp = app.get(&path, &chair).await;
        assert_eq!(
            resp.status, 404,
            "GET {path} by another panel's member: {}",
            resp.text
        );
    }
    let listed = app.get("/api/v1/vacancies", &chair).await.expect(200);
    assert!(!listed.text.contains(&theirs), "{}", listed.text);
    // Nor scores it. Either refusal passes: the code answers 403 ("not on this panel"),
    // although the reads above answer 404 and so hide that the application exists.
    let sheet = json!({"method": "application", "scores": [{"criterion_id": their_criteria[0]["id"], "score": 3}]});
    for (verb, path) in [
        (
            "POST",
            format!("/api/v1/applications/{their_app}/scoresheets"),
        ),
        (
            "PUT",
            format!("/api/v1/applications/{their_app}/agreed-scores"),
        ),
    ] {
        let resp = if verb == "POST" {
            app.post(&path, &chair, sheet.clone()).await
        } else {
            app.put(&path, &chair, sheet.clone()).await
        };
        assert!(
            matches!(resp.status, 403 | 404),
            "{verb} {path} by another panel's chair: {} {}",
            resp.status,
            resp.text
        );
    }
    let untouched = app
        .get(&format!("/api/v1/applications/{their_app}/scores"), &r)
        .await
        .expect(200)
        .body;
    assert_eq!(untouched["scores"], json!([]), "{untouched}");
    assert_eq!(untouched["agreed_scores"], json!([]), "{untouched}");

    // A panel member never changes another assessor's scores.
    let scoresheets = format!("/api/v1/applications/{a}/scoresheets");
    app.post(
        &scoresheets,
        &chair,
        json!({"method": "application", "scores": [{"criterion_id": c[0], "score": 3}, {"criterion_id": c[1], "score": 2}]}),
    )
    .await
    .expect(200);
    let second = app
        .post(
            &scoresheets,
            &member,
            json!({"method": "application", "scores": [{"criterion_id": c[0], "score": 1}]}),
        )
        .await
        .expect(200);
    assert_eq!(second.body["assessor"], "panel-2");
    // Naming another assessor in the sheet is refused outright.
    let posing = app
        .post(
            &scoresheets,
            &member,
            json!({"method": "application", "assessor": "panel",
                   "scores": [{"criterion_id": c[1], "score": 0, "assessor": "panel"}]}),
        )
        .await;
    assert!(
        posing.status >= 400,
        "a scoresheet naming another assessor: {}",
        posing.text
    );
    // A member (not the chair) cannot overrule with agreed scores.
    app.put(
        &format!("/api/v1/applications/{a}/agreed-scores"),
        &member,
        json!({"method": "application", "scores": [{"criterion_id": c[0], "score": 0}]}),
    )
    .await
    .expect_problem(403);
    let stored = app
        .get(&format!("/api/v1/applications/{a}/scores"), &r)
        .await
        .expect(200)
        .body;
    assert_eq!(
        scores_of(&stored, "panel"),
        {
            let mut v = vec![(c[0].clone(), 3), (c[1].clone(), 2)];
            v.sort();
            v
        },
        "the chair's scores changed: {stored}"
    );
    assert_eq!(scores_of(&stored, "panel-2"), vec![(c[0].clone(), 1)]);
    assert_eq!(stored["agreed_scores"], json!([]));

    // Panel members never see candidate names on the anonymised vacancy before decisions.
    let open = &world.open;
    for token in [&chair, &member] {
        for path in [
            format!("/api/v1/applications/{a}"),
            format!("/api/v1/applications/{a}/scores"),
            format!("/api/v1/applications/{a}/evaluation"),
            format!("/api/v1/vacancies/{open}/applications"),
            format!("/api/v1/vacancies/{open}/shortlist"),
            format!("/api/v1/vacancies/{open}/score-matrix"),
            format!("/api/v1/vacancies/{open}/summary"),
        ] {
            let resp = app.get(&path, token).await.expect(200);
            assert_hidden(&resp, &format!("GET {path}"));
        }
        let csv = app
            .call(
                TestRequest::get()
                    .uri(&format!("/api/v1/vacancies/{open}/shortlist"))
                    .insert_header(bearer(token))
                    .insert_header((header::ACCEPT, "text/csv")),
            )
            .await
            .expect(200);
        assert_hidden(&csv, "the CSV shortlist");
    }
    // Once the decision on one application is recorded, its candidate is named; the
    // other, still undecided, stays anonymous.
    app.post(
        &format!("/api/v1/vacancies/{open}/shortlist/decisions"),
        &r,
        json!({"decisions": [{"application_id": a, "decision": "shortlisted", "reason": "Strong evidence",
                              "override_reason": "Documents to follow"}]}),
    )
    .await
    .expect(200);
    let list = app
        .get(&format!("/api/v1/vacancies/{open}/applications"), &chair)
        .await
        .expect(200);
    assert!(list.text.contains(CANDIDATE[0]), "{}", list.text);
    assert!(!list.text.contains(OTHER_CANDIDATE[0]), "{}", list.text);

    // A portal never reads another portal's applications.
    let portal = app.token(Role::Portal);
    let other_portal = app.token_for("portal-2", ORG, &[Role::Portal]);
    let b = &world.other_application;
    app.get(&format!("/api/v1/applications/{b}"), &portal)
        .await
        .expect_problem(404);
    app.get(&format!("/api/v1/applications/{a}"), &other_portal)
        .await
        .expect_problem(404);
    let mine = app
        .get(&format!("/api/v1/vacancies/{open}/applications"), &portal)
        .await
        .expect(200)
        .body;
    let ids: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![a.as_str()], "{mine}");
    app.post(
        &format!("/api/v1/applications/{b}/transitions"),
        &portal,
        json!({"to": "withdrawn"}),
    )
    .await
    .expect_problem(404);
    let still = app
        .get(&format!("/api/v1/applications/{b}"), &r)
        .await
        .expect(200);
    assert_eq!(still.body["status"], "submitted");

    // Equality-monitoring answers are in no read, not even the audit log's.
    let audit = app
        .get(
            &format!("/api/v1/audit-events?entity_id={a}"),
            &app.token(Role::Admin),
        )
        .await
        .expect(200);
    assert!(!audit.text.is_empty() && !audit.text.contains(EQUALITY_MARKER));
}

both_backends! {
    async fn every_operation_for_every_role_in_both_orgs(app: TestApp) {
        authorisation_matrix(app).await;
    }

    async fn panels_and_portals_see_only_their_own(app: TestApp) {
        panels_and_portals_stay_in_their_lane(app).await;
    }
}
