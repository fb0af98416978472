//! Webhooks against a real receiver: a Python HTTP server (tests/receiver) that checks
//! each signature with Python's own `hmac`, fails, hangs and recovers as told. The
//! delivery worker runs in the test as it runs in `shortlist serve`.

use std::process::{Child, Command};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shortlist::auth::Role;
use shortlist::delivery::WebhookConfig;
use shortlist::domain::webhooks::RetrySchedule;

use crate::helpers::{TestApp, ORG, OTHER_ORG};

struct Receiver {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
    http: reqwest::Client,
}

impl Receiver {
    async fn start() -> Receiver {
        let dir = tempfile::tempdir().unwrap();
        let port_file = dir.path().join("port");
        let script = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/receiver/webhook_receiver.py"
        );
        let child = Command::new("python3")
            .arg(script)
            .arg("--port-file")
            .arg(&port_file)
            .spawn()
            .expect("python3 runs the receiver");
        let deadline = Instant::now() + Duration::from_secs(10);
        let port = loop {
            if let Ok(text) = std::fs::read_to_string(&port_file) {
                break text.trim().parse().unwrap();
            }
            assert!(Instant::now() < deadline, "the receiver did not start");
            actix_rt::time::sleep(Duration::from_millis(50)).await;
        };
        Receiver {
            child,
            port,
            _dir: dir,
            http: reqwest::Client::new(),
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/hooks/shortlist", self.port)
    }

    async fn control(&self, body: Value) {
        self.http
            .post(format!("http://127.0.0.1:{}/_control", self.port))
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap();
    }

    async fn log(&self) -> Vec<Value> {
        self.http
            .get(format!("http://127.0.0.1:{}/_log", self.port))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .map(|b| serde_json::from_slice(&b).unwrap())
            .unwrap()
    }

    /// Waits until `done` holds for the log, up to `within`; returns the log.
    async fn wait_for(&self, within: Duration, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + within;
        loop {
            let log = self.log().await;
            if done(&log) || Instant::now() > deadline {
                return log;
            }
            actix_rt::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn receiving_config() -> WebhookConfig {
    WebhookConfig {
        allowed_hosts: vec!["127.0.0.1".into()],
        schedule: RetrySchedule {
            delays: vec![Duration::from_millis(200); 4],
            jitter: 0.2,
        },
        timeout: Duration::from_secs(1),
        poll: Duration::from_millis(50),
        batch: 16,
        worker: true,
    }
}

fn of_event<'a>(log: &'a [Value], id: &str) -> Vec<&'a Value> {
    log.iter().filter(|e| e["id"] == json!(id)).collect()
}

async fn event_id_of(app: &TestApp, event_type: &str, application_id: &str) -> String {
    let page = app
        .get(
            &format!("/api/v1/events?types={event_type}"),
            &app.token(Role::Admin),
        )
        .await
        .expect(200)
        .body;
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["data"]["application_id"] == json!(application_id))
        .expect("the event is in the feed")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The webhook's delivery of one event, with its attempts.
async fn delivery_of(app: &TestApp, hook_id: &str, event_id: &str) -> Value {
    let deliveries = app
        .get(
            &format!("/api/v1/webhooks/{hook_id}/deliveries"),
            &app.token(Role::Admin),
        )
        .await
        .expect(200)
        .body;
    deliveries["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["event_id"] == json!(event_id))
        .expect("a delivery of the event")
        .clone()
}

/// A new applicant who then withdraws: one `application.status_changed`.
async fn withdrawn_applicant(app: &TestApp, vacancy_id: &str, name: &str) -> String {
    let a = app.apply(vacancy_id, name, json!({})).await;
    let id = a["id"].as_str().unwrap().to_string();
    app.post(
        &format!("/api/v1/applications/{id}/transitions"),
        &app.recruiter(),
        json!({"to": "withdrawn"}),
    )
    .await
    .expect(200);
    id
}

async fn deliveries_are_signed_retried_and_logged(app: TestApp) {
    let config = receiving_config();
    let receiver = Receiver::start().await;
    let admin = app.token(Role::Admin);
    let created = app
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": receiver.url(), "events": ["application.status_changed"], "description": "Portal"}),
        )
        .await
        .expect(201);
    let hook_id = created.body["id"].as_str().unwrap().to_string();
    let secret = created.body["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("whsec_"));
    // The secret is shown once: never again.
    let read = app
        .get(&format!("/api/v1/webhooks/{hook_id}"), &admin)
        .await
        .expect(200);
    assert!(read.body.get("secret").is_none() && !read.text.contains(&secret));
    receiver.control(json!({"secrets": [secret]})).await;
    shortlist::delivery::spawn(app.db.clone(), Arc::new(config));

    // A decision reaches the portal, signed, within 5 s.
    let (vacancy_id, _) = app.open_vacancy().await;
    let a = app.apply(&vacancy_id, "Ann Example", json!({})).await;
    let a_id = a["id"].as_str().unwrap().to_string();
    let decided = Instant::now();
    app.post(
        &format!("/api/v1/vacancies/{vacancy_id}/shortlist/decisions"),
        &app.recruiter(),
        json!({"decisions": [{"application_id": a_id, "decision": "shortlisted",
                              "reason": "Strong evidence", "override_reason": "Documents to follow"}]}),
    )
    .await
    .expect(200);
    let log = receiver
        .wait_for(Duration::from_secs(5), |l| !l.is_empty())
        .await;
    let latency = decided.elapsed();
    assert_eq!(log.len(), 1, "one delivery within 5 s: {log:?}");
    assert!(latency < Duration::from_secs(5));
    println!("decision to signed delivery: {} ms", latency.as_millis());
    let first = &log[0];
    assert_eq!(
        first["valid"],
        json!(true),
        "signature verified by Python's hmac"
    );
    let body: Value = serde_json::from_str(first["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["type"], json!("application.status_changed"));
    assert_eq!(body["data"]["application_id"], json!(a_id));
    assert_eq!(body["data"]["to"], json!("shortlisted"));
    assert_eq!(first["id"], body["id"]);
    assert!(!first["body"].as_str().unwrap().contains("Ann"));

    // A receiver that answers 500 three times, then 200, gets the event exactly once
    // more after it recovers.
    receiver.control(json!({"plan": [500, 500, 500]})).await;
    let b = app.apply(&vacancy_id, "Ben Example", json!({})).await;
    let b_id = b["id"].as_str().unwrap().to_string();
    app.post(
        &format!("/api/v1/applications/{b_id}/transitions"),
        &app.recruiter(),
        json!({"to": "withdrawn", "reason": "Withdrew"}),
    )
    .await
    .expect(200);
    let b_event = event_id_of(&app, "application.status_changed", &b_id).await;
    let log = receiver
        .wait_for(Duration::from_secs(10), |l| {
            of_event(l, &b_event)
                .iter()
                .any(|e| e["answered"] == json!(200))
        })
        .await;
    actix_rt::time::sleep(Duration::from_millis(1500)).await;
    let log_after = receiver.log().await;
    let answers: Vec<Value> = of_event(&log_after, &b_event)
        .iter()
        .map(|e| e["answered"].clone())
        .collect();
    assert_eq!(
        answers,
        vec![json!(500), json!(500), json!(500), json!(200)],
        "{log:?}"
    );
    assert!(of_event(&log_after, &b_event)
        .iter()
        .all(|e| e["valid"] == json!(true)));

    // The delivery log shows each attempt.
    let b_delivery = delivery_of(&app, &hook_id, &b_event).await;
    assert_eq!(b_delivery["status"], json!("succeeded"));
    assert_eq!(b_delivery["attempts"], json!(4));
    let codes: Vec<Value> = b_delivery["attempt_log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status_code"].clone())
        .collect();
    assert_eq!(codes, vec![json!(500), json!(500), json!(500), json!(200)]);

    // A receiver that hangs past the timeout is tried again.
    receiver.control(json!({"plan": ["sleep:2.5"]})).await;
    let c_id = withdrawn_applicant(&app, &vacancy_id, "Cat Example").await;
    let c_event = event_id_of(&app, "application.status_changed", &c_id).await;
    receiver
        .wait_for(Duration::from_secs(10), |l| {
            of_event(l, &c_event).len() >= 2
        })
        .await;
    let c_delivery = delivery_of(&app, &hook_id, &c_event).await;
    assert_eq!(c_delivery["status"], json!("succeeded"), "{c_delivery}");
    let first_error = c_delivery["attempt_log"][0]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(first_error.contains("no answer within"), "{c_delivery}");

    // Rotation: the old secret keeps verifying during the overlap, the new one too.
    let rotated = app
        .post(
            &format!("/api/v1/webhooks/{hook_id}/rotate-secret"),
            &admin,
            json!({"overlap_hours": 1}),
        )
        .await
        .expect(200);
    let new_secret = rotated.body["secret"].as_str().unwrap().to_string();
    assert_ne!(new_secret, secret);
    assert!(rotated.body["previous_secret_expires_at"].is_string());
    for (secrets, who) in [
        (json!([secret]), "Dan Example"),
        (json!([new_secret]), "Eve Example"),
    ] {
        receiver
            .control(json!({"secrets": secrets, "clear": true}))
            .await;
        withdrawn_applicant(&app, &vacancy_id, who).await;
        let log = receiver
            .wait_for(Duration::from_secs(5), |l| !l.is_empty())
            .await;
        assert_eq!(log.len(), 1);
        assert_eq!(log[0]["valid"], json!(true), "verified with {secrets}");
    }

    // Redelivery on request sends the same webhook-id again.
    receiver
        .control(json!({"clear": true, "secrets": [new_secret]}))
        .await;
    let delivery_id = b_delivery["id"].as_str().unwrap();
    app.post(
        &format!("/api/v1/webhooks/{hook_id}/deliveries/{delivery_id}/redeliver"),
        &admin,
        json!({}),
    )
    .await
    .expect(202);
    let log = receiver
        .wait_for(Duration::from_secs(5), |l| !l.is_empty())
        .await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0]["id"], json!(b_event));
    assert_eq!(log[0]["valid"], json!(true));

    // Paused: events wait; resumed: they go.
    app.patch(
        &format!("/api/v1/webhooks/{hook_id}"),
        &admin,
        json!({"active": false}),
    )
    .await
    .expect(200);
    receiver.control(json!({"clear": true})).await;
    withdrawn_applicant(&app, &vacancy_id, "Fay Example").await;
    actix_rt::time::sleep(Duration::from_millis(600)).await;
    assert!(
        receiver.log().await.is_empty(),
        "a paused webhook sends nothing"
    );
    app.patch(
        &format!("/api/v1/webhooks/{hook_id}"),
        &admin,
        json!({"active": true}),
    )
    .await
    .expect(200);
    let log = receiver
        .wait_for(Duration::from_secs(5), |l| !l.is_empty())
        .await;
    assert_eq!(log.len(), 1);

    // Another org cannot see or touch it.
    let theirs = app.token_for("admin", OTHER_ORG, &[Role::Admin]);
    app.get(&format!("/api/v1/webhooks/{hook_id}"), &theirs)
        .await
        .expect_problem(404);
    app.delete(&format!("/api/v1/webhooks/{hook_id}"), &admin)
        .await
        .expect(204);
    app.get(&format!("/api/v1/webhooks/{hook_id}"), &admin)
        .await
        .expect_problem(404);
}

/// Subscriptions to internal addresses are refused, saying why, unless allowed.
async fn internal_targets_are_refused_unless_allowed(app: TestApp) {
    let admin = app.token(Role::Admin);
    for (url, why) in [
        ("http://127.0.0.1:9/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data", "link-local"),
        ("http://10.0.0.7/hook", "private"),
        ("http://[::1]:8080/hook", "loopback"),
        ("http://localhost:9/hook", "loopback"),
        ("http://0.0.0.0:9/hook", "unspecified"),
    ] {
        let r = app
            .post(
                "/api/v1/webhooks",
                &admin,
                json!({"url": url, "events": ["check.updated"]}),
            )
            .await
            .expect_problem(422);
        assert_eq!(r.error_fields(), vec!["url"]);
        let detail = r.body["detail"].as_str().unwrap();
        assert!(detail.contains(why), "{url}: {detail}");
        assert!(
            detail.contains("SHORTLIST_WEBHOOK_ALLOWED_HOSTS"),
            "{detail}"
        );
    }
    for body in [
        json!({"url": "ftp://example.com/x", "events": ["check.updated"]}),
        json!({"url": "https://user:pw@example.com/x", "events": ["check.updated"]}),
        json!({"url": "https://203.0.113.9/x", "events": []}),
        json!({"url": "https://203.0.113.9/x", "events": ["application.updated"]}),
    ] {
        let r = app.post("/api/v1/webhooks", &admin, body.clone()).await;
        assert_eq!(r.status, 422, "{body}: {}", r.text);
    }
    // Only admins manage webhooks.
    for role in [Role::Recruiter, Role::Viewer, Role::Panel, Role::Portal] {
        app.post(
            "/api/v1/webhooks",
            &app.token(role),
            json!({"url": "https://203.0.113.9/x", "events": ["check.updated"]}),
        )
        .await
        .expect_problem(403);
    }
    // A public address is accepted.
    let ok = app
        .post(
            "/api/v1/webhooks",
            &admin,
            json!({"url": "https://203.0.113.9/x", "events": ["check.updated"]}),
        )
        .await
        .expect(201);
    assert_eq!(ok.body["active"], json!(true));
    let _ = ORG;
}

async fn allowed_hosts_may_be_internal(app: TestApp) {
    let admin = app.token(Role::Admin);
    app.post(
        "/api/v1/webhooks",
        &admin,
        json!({"url": "http://127.0.0.1:9/hook", "events": ["check.updated"]}),
    )
    .await
    .expect(201);
    // Still refused: a host that is not on the list.
    app.post(
        "/api/v1/webhooks",
        &admin,
        json!({"url": "http://169.254.169.254/", "events": ["check.updated"]}),
    )
    .await
    .expect_problem(422);
}

fn allow_loopback(state: &mut shortlist::startup::AppState) {
    state.webhooks = Arc::new(receiving_config());
}

mod delivery {
    use super::*;

    #[actix_rt::test]
    async fn sqlite() {
        deliveries_are_signed_retried_and_logged(TestApp::sqlite_configured(allow_loopback).await)
            .await
    }

    #[actix_rt::test]
    async fn postgres() {
        if let Some(app) = TestApp::postgres_configured(allow_loopback).await {
            deliveries_are_signed_retried_and_logged(app).await
        }
    }
}

mod ssrf {
    use super::*;

    #[actix_rt::test]
    async fn sqlite() {
        internal_targets_are_refused_unless_allowed(TestApp::sqlite().await).await;
        allowed_hosts_may_be_internal(TestApp::sqlite_configured(allow_loopback).await).await;
    }

    #[actix_rt::test]
    async fn postgres() {
        if let Some(app) = TestApp::postgres().await {
            internal_targets_are_refused_unless_allowed(app).await;
        }
        if let Some(app) = TestApp::postgres_configured(allow_loopback).await {
            allowed_hosts_may_be_internal(app).await;
        }
    }
}
