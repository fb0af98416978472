//! Webhook delivery: the worker inside `shortlist serve` that sends each pending
//! delivery, signed, to its subscriber, and the address check every send passes.
//!
//! At least once: a delivery is claimed under a lease (`db::webhooks::claim_due`),
//! sent, and its outcome recorded; a worker killed mid-send loses nothing, since the
//! lease runs out and another claims it again. Receivers deduplicate on `webhook-id`.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::db::webhooks::{self as store, AttemptResult, DeliveryRow, SubscriptionRow};
use crate::db::{self, Db};
use crate::domain::webhooks::{
    check_url, choose_address, secret_key, signature_header, RetrySchedule,
};
use crate::error::AppError;
use crate::service::events::Event;

/// How webhooks behave, from the environment (see `config.rs`).
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// Hosts that may resolve to loopback or private addresses (a portal on the same
    /// network, a test receiver); every other such target is refused.
    pub allowed_hosts: Vec<String>,
    pub schedule: RetrySchedule,
    /// Per attempt, connect to last byte.
    pub timeout: Duration,
    /// How often an idle worker looks for due deliveries.
    pub poll: Duration,
    /// Deliveries claimed per round, sent concurrently.
    pub batch: i64,
    /// Whether `serve` runs the worker (several processes may; each claims its own).
    pub worker: bool,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        WebhookConfig {
            allowed_hosts: Vec::new(),
            schedule: RetrySchedule::default(),
            timeout: Duration::from_secs(10),
            poll: Duration::from_millis(500),
            batch: 16,
            worker: true,
        }
    }
}

impl WebhookConfig {
    /// A claim outlives the slowest attempt with room to record its outcome, so that no
    /// other worker sends it again while this one is still busy with it.
    pub fn lease(&self) -> Duration {
        self.timeout * 2 + Duration::from_secs(10)
    }
}

/// A resolver that does not answer in this time fails the check (and the attempt).
const LOOKUP_TIMEOUT: Duration = Duration::from_secs(3);

/// Resolves the URL's host and picks the address to send to, or says why it may not be
/// used. Done when a subscription is made or changed and again before every send (DNS
/// can change between the two); the send then goes to exactly the address checked.
pub async fn resolve(url: &str, config: &WebhookConfig) -> Result<(String, SocketAddr), String> {
    let (host, port) = check_url(url)?;
    let addresses: Vec<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![ip],
        Err(_) => tokio::time::timeout(
            LOOKUP_TIMEOUT,
            tokio::net::lookup_host((host.as_str(), port)),
        )
        .await
        .map_err(|_| format!("{host} could not be resolved within {LOOKUP_TIMEOUT:?}"))?
        .map_err(|e| format!("{host} could not be resolved: {e}"))?
        .map(|a| a.ip())
        .collect(),
    };
    let ip = choose_address(&host, &addresses, &config.allowed_hosts)?;
    Ok((host, SocketAddr::new(ip, port)))
}

/// Runs the worker until the process ends.
pub fn spawn(db: Db, config: Arc<WebhookConfig>) {
    actix_web::rt::spawn(async move {
        let worker = db::new_id();
        tracing::info!(worker = %worker, "webhook delivery worker started");
        loop {
            match run_once(&db, &config, &worker).await {
                Ok(0) => actix_web::rt::time::sleep(config.poll).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "webhook worker round failed");
                    actix_web::rt::time::sleep(config.poll * 4).await;
                }
            }
        }
    });
}

/// Claims the due deliveries and sends them; returns how many it claimed.
pub async fn run_once(db: &Db, config: &WebhookConfig, worker: &str) -> Result<usize, AppError> {
    let token = format!("{worker}:{}", db::new_id());
    let lease_until = db::format_time(chrono::Utc::now() + config.lease());
    let batch = config.batch;
    let claimed = {
        let token = token.clone();
        db.write(move |conn| {
            let now = db::now_text();
            let ids = store::claim_due(conn, &now, &lease_until, &token, batch)?;
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            Ok(store::claimed(conn, &ids)?)
        })
        .await?
    };
    let n = claimed.len();
    let sends = claimed.into_iter().map(|(delivery, event, subscription)| {
        deliver(
            db,
            config,
            &token,
            delivery,
            Event::from(event),
            subscription,
        )
    });
    futures_util::future::join_all(sends).await;
    Ok(n)
}

/// What one attempt came to.
struct Sent {
    status_code: Option<i32>,
    error: Option<String>,
}

async fn deliver(
    db: &Db,
    config: &WebhookConfig,
    token: &str,
    delivery: DeliveryRow,
    event: Event,
    subscription: SubscriptionRow,
) {
    let started = Instant::now();
    let attempted_at = db::now_text();
    let sent = send(config, &event, &subscription).await;
    let attempt = delivery.attempts + 1;
    let ok = sent.status_code.is_some_and(|s| (200..300).contains(&s));
    let (status, next) = if ok {
        ("succeeded", attempted_at.clone())
    } else {
        match config
            .schedule
            .next_delay(attempt as usize, rand::random::<f64>())
        {
            Some(wait) => ("pending", db::format_time(chrono::Utc::now() + wait)),
            None => ("failed", attempted_at.clone()),
        }
    };
    if !ok {
        tracing::info!(
            delivery = %delivery.id,
            attempt,
            status_code = ?sent.status_code,
            error = ?sent.error.as_deref(),
            "webhook attempt failed; next: {status}"
        );
    }
    let duration_ms = started.elapsed().as_millis().min(i32::MAX as u128) as i32;
    let (id, token) = (delivery.id.clone(), token.to_string());
    let recorded = db
        .write(move |conn| {
            Ok(store::record_attempt(
                conn,
                &AttemptResult {
                    delivery_id: &id,
                    token: &token,
                    attempt,
                    attempted_at: &attempted_at,
                    status_code: sent.status_code,
                    error: sent.error,
                    duration_ms,
                    status,
                    next_attempt_at: &next,
                },
            )?)
        })
        .await;
    match recorded {
        Ok(true) => {}
        Ok(false) => {
            tracing::warn!(delivery = %delivery.id, "lease lost before the outcome was recorded")
        }
        Err(e) => {
            tracing::warn!(delivery = %delivery.id, error = %e, "could not record a webhook attempt")
        }
    }
}

/// The signing keys in force: the current secret, and the previous one during its
/// overlap after a rotation.
fn keys(subscription: &SubscriptionRow, now: &str) -> Vec<Vec<u8>> {
    let mut keys = Vec::new();
    if let Ok(k) = secret_key(&subscription.secret) {
        keys.push(k);
    }
    if let (Some(previous), Some(until)) = (
        &subscription.previous_secret,
        &subscription.previous_secret_until,
    ) {
        if now < until.as_str() {
            if let Ok(k) = secret_key(previous) {
                keys.push(k);
            }
        }
    }
    keys
}

async fn send(config: &WebhookConfig, event: &Event, subscription: &SubscriptionRow) -> Sent {
    let failed = |error: String| Sent {
        status_code: None,
        error: Some(error),
    };
    let (host, address) = match resolve(&subscription.url, config).await {
        Ok(target) => target,
        Err(why) => return failed(format!("refused: {why}")),
    };
    let body = match serde_json::to_vec(event) {
        Ok(b) => b,
        Err(e) => return failed(e.to_string()),
    };
    let timestamp = chrono::Utc::now().timestamp();
    let signature = signature_header(
        &keys(subscription, &db::now_text()),
        &event.id,
        timestamp,
        &body,
    );
    // A client per send, pinned to the address just checked: no second lookup that DNS
    // could answer differently, no redirect to somewhere unchecked.
    let client = match reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(config.timeout)
        .connect_timeout(config.timeout)
        .resolve(&host, address)
        .user_agent(concat!("Shortlist-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
    {
        Ok(c) => c,
        Err(e) => return failed(format!("client: {e}")),
    };
    let response = client
        .post(&subscription.url)
        .header("content-type", "application/json")
        .header("webhook-id", &event.id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match response {
        Ok(r) => {
            let status = r.status().as_u16() as i32;
            // The body is never read: a receiver could stream without end, and nothing
            // of it is kept. Dropping the response closes the connection.
            drop(r);
            Sent {
                status_code: Some(status),
                error: (!(200..300).contains(&status)).then(|| format!("answered {status}")),
            }
        }
        Err(e) if e.is_timeout() => failed(format!(
            "no answer within {} s",
            config.timeout.as_secs_f64()
        )),
        Err(e) => failed(format!("could not deliver: {e}")),
    }
}
