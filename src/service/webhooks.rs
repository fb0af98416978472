//! Webhook subscriptions: made, changed and removed by an org's admins; their
//! deliveries listed and sent again.

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Caller, Role};
use crate::db::audit::{self, Actor};
use crate::db::webhooks::{self as store, AttemptRow, DeliveryRow, SubscriptionRow};
use crate::db::{self, Db};
use crate::delivery::WebhookConfig;
use crate::domain::events::EventType;
use crate::domain::webhooks::{new_secret, SECRET_BYTES};
use crate::error::AppError;

/// An org may hold this many subscriptions: enough for every portal and dashboard it
/// runs, few enough that one event cannot fan out without bound.
pub const MAX_SUBSCRIPTIONS_PER_ORG: i64 = 50;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub events: Vec<String>,
    pub description: Option<String>,
    pub active: bool,
    /// The previous secret still signs deliveries (beside the new one) until then.
    pub previous_secret_expires_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&SubscriptionRow> for Webhook {
    fn from(r: &SubscriptionRow) -> Webhook {
        Webhook {
            id: r.id.clone(),
            url: r.url.clone(),
            events: r.types(),
            description: r.description.clone(),
            active: r.active,
            previous_secret_expires_at: r
                .previous_secret_until
                .clone()
                .filter(|until| until.as_str() > db::now_text().as_str()),
            created_at: r.created_at.clone(),
            updated_at: r.updated_at.clone(),
        }
    }
}

/// A subscription with its signing secret: answered once, when it is made or rotated.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_` + base64 of the key: verify each delivery's `webhook-signature` with
    /// it. Shown only now; store it safely.
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attempt {
    pub attempt: i32,
    pub attempted_at: String,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    /// `pending`, `succeeded` or `failed` (every retry used).
    pub status: String,
    pub attempts: i32,
    /// When a pending delivery is next tried.
    pub next_attempt_at: Option<String>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<String>,
    pub created_at: String,
    pub attempt_log: Vec<Attempt>,
}

fn delivery_view(d: DeliveryRow, attempts: &[AttemptRow]) -> Delivery {
    Delivery {
        attempt_log: attempts
            .iter()
            .filter(|a| a.delivery_id == d.id)
            .map(|a| Attempt {
                attempt: a.attempt,
                attempted_at: a.attempted_at.clone(),
                status_code: a.status_code,
                error: a.error.clone(),
                duration_ms: a.duration_ms,
            })
            .collect(),
        next_attempt_at: (d.status == "pending").then_some(d.next_attempt_at),
        id: d.id,
        event_id: d.event_id,
        status: d.status,
        attempts: d.attempts,
        last_status_code: d.last_status_code,
        last_error: d.last_error,
        delivered_at: d.delivered_at,
        created_at: d.created_at,
    }
}

/// What the audit trail keeps of a subscription: never its secrets.
#[derive(Serialize)]
struct Audited<'a> {
    url: &'a str,
    events: &'a str,
    active: bool,
}

impl<'a> From<&'a SubscriptionRow> for Audited<'a> {
    fn from(r: &'a SubscriptionRow) -> Self {
        Audited {
            url: &r.url,
            events: &r.event_types,
            active: r.active,
        }
    }
}

fn admin(caller: &Caller) -> Result<(), AppError> {
    caller.require(&[Role::Admin])
}

fn generated_secret() -> String {
    new_secret(&rand::random::<[u8; SECRET_BYTES]>())
}

/// The URL a subscriber gave, checked (shape, then where it resolves to) before it
/// is stored; the same check runs again before every delivery.
async fn checked_url(url: &str, config: &WebhookConfig) -> Result<String, AppError> {
    let url = url.trim();
    crate::delivery::resolve(url, config)
        .await
        .map_err(|why| AppError::validation("url", why))?;
    Ok(url.to_string())
}

fn type_names(types: &[EventType]) -> Result<String, AppError> {
    if types.is_empty() {
        return Err(AppError::validation(
            "events",
            "name at least one event type",
        ));
    }
    let mut names: Vec<&str> = types.iter().map(|t| t.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    serde_json::to_string(&names).map_err(|e| AppError::Internal(e.to_string()))
}

pub struct NewWebhook {
    pub url: String,
    pub events: Vec<EventType>,
    pub description: Option<String>,
}

pub async fn create(
    db: &Db,
    config: &WebhookConfig,
    caller: Caller,
    actor: Actor,
    new: NewWebhook,
) -> Result<WebhookWithSecret, AppError> {
    admin(&caller)?;
    let event_types = type_names(&new.events)?;
    let url = checked_url(&new.url, config).await?;
    db.write(move |conn| {
        if store::count_for_org(conn, &caller.org)? >= MAX_SUBSCRIPTIONS_PER_ORG {
            return Err(AppError::Conflict(format!(
                "an org may have at most {MAX_SUBSCRIPTIONS_PER_ORG} webhooks; delete one first"
            )));
        }
        let now = db::now_text();
        let row = SubscriptionRow {
            id: db::new_id(),
            org: caller.org.clone(),
            url,
            event_types,
            description: new
                .description
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty()),
            active: true,
            secret: generated_secret(),
            previous_secret: None,
            previous_secret_until: None,
            created_by: caller.sub.clone(),
            created_at: now.clone(),
            updated_at: now,
        };
        store::insert(conn, &row)?;
        audit::record(
            conn,
            &actor,
            "webhook.created",
            "webhook",
            &row.id,
            None::<&()>,
            Some(&Audited::from(&row)),
        )?;
        Ok(WebhookWithSecret {
            webhook: Webhook::from(&row),
            secret: row.secret,
        })
    })
    .await
}

pub async fn list(
    db: &Db,
    caller: Caller,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<Webhook>, AppError> {
    admin(&caller)?;
    db.read(move |conn| {
        Ok(store::list(conn, &caller.org, after.as_deref(), limit)?
            .iter()
            .map(Webhook::from)
            .collect())
    })
    .await
}

pub async fn get(db: &Db, caller: Caller, id: String) -> Result<Webhook, AppError> {
    admin(&caller)?;
    db.read(move |conn| Ok(Webhook::from(&store::find(conn, &caller.org, &id)?)))
        .await
}

#[derive(Default)]
pub struct WebhookChange {
    pub url: Option<String>,
    pub events: Option<Vec<EventType>>,
    pub description: Option<String>,
    pub active: Option<bool>,
}

pub async fn update(
    db: &Db,
    config: &WebhookConfig,
    caller: Caller,
    actor: Actor,
    id: String,
    change: WebhookChange,
) -> Result<Webhook, AppError> {
    admin(&caller)?;
    let url = match &change.url {
        Some(url) => Some(checked_url(url, config).await?),
        None => None,
    };
    let event_types = change.events.as_deref().map(type_names).transpose()?;
    db.write(move |conn| {
        let before = store::find_locked(conn, &caller.org, &id)?;
        let mut row = before.clone();
        if let Some(url) = url {
            row.url = url;
        }
        if let Some(types) = event_types {
            row.event_types = types;
        }
        if let Some(description) = change.description {
            row.description = Some(description.trim().to_string()).filter(|d| !d.is_empty());
        }
        if let Some(active) = change.active {
            row.active = active;
        }
        row.updated_at = db::now_text();
        store::update(conn, &row)?;
        audit::record(
            conn,
            &actor,
            "webhook.updated",
            "webhook",
            &row.id,
            Some(&Audited::from(&before)),
            Some(&Audited::from(&row)),
        )?;
        Ok(Webhook::from(&row))
    })
    .await
}

pub async fn delete(db: &Db, caller: Caller, actor: Actor, id: String) -> Result<(), AppError> {
    admin(&caller)?;
    db.write(move |conn| {
        let before = store::find_locked(conn, &caller.org, &id)?;
        store::delete(conn, &caller.org, &id)?;
        audit::record(
            conn,
            &actor,
            "webhook.deleted",
            "webhook",
            &id,
            Some(&Audited::from(&before)),
            None::<&()>,
        )?;
        Ok(())
    })
    .await
}

/// A new secret, shown once; the previous one keeps signing beside it for `overlap`,
/// so a receiver can switch without missing a delivery.
pub async fn rotate_secret(
    db: &Db,
    caller: Caller,
    actor: Actor,
    id: String,
    overlap: chrono::Duration,
) -> Result<WebhookWithSecret, AppError> {
    admin(&caller)?;
    db.write(move |conn| {
        let before = store::find_locked(conn, &caller.org, &id)?;
        let mut row = before.clone();
        row.previous_secret = Some(before.secret.clone());
        row.previous_secret_until = Some(db::format_time(chrono::Utc::now() + overlap));
        row.secret = generated_secret();
        row.updated_at = db::now_text();
        store::update(conn, &row)?;
        audit::record(
            conn,
            &actor,
            "webhook.secret_rotated",
            "webhook",
            &row.id,
            None::<&()>,
            Some(&serde_json::json!({"previous_valid_until": row.previous_secret_until})),
        )?;
        Ok(WebhookWithSecret {
            webhook: Webhook::from(&row),
            secret: row.secret,
        })
    })
    .await
}

/// A subscription's deliveries, newest first.
pub async fn deliveries(
    db: &Db,
    caller: Caller,
    id: String,
    before: Option<(String, String)>,
    limit: i64,
) -> Result<Vec<(Delivery, String)>, AppError> {
    admin(&caller)?;
    db.read(move |conn| {
        store::find(conn, &caller.org, &id)?;
        let rows = store::deliveries(
            conn,
            &id,
            before.as_ref().map(|(a, b)| (a.as_str(), b.as_str())),
            limit,
        )?;
        let ids: Vec<String> = rows.iter().map(|d| d.id.clone()).collect();
        let attempts = store::attempts_of(conn, &ids)?;
        Ok(rows
            .into_iter()
            .map(|d| {
                let created = d.created_at.clone();
                (delivery_view(d, &attempts), created)
            })
            .collect())
    })
    .await
}

/// Sends a delivery again, due now, whether it succeeded, failed or is waiting.
pub async fn redeliver(
    db: &Db,
    caller: Caller,
    actor: Actor,
    id: String,
    delivery_id: String,
) -> Result<Delivery, AppError> {
    admin(&caller)?;
    db.write(move |conn| {
        let subscription = store::find_locked(conn, &caller.org, &id)?;
        store::find_delivery(conn, &subscription.id, &delivery_id)?;
        store::requeue(conn, &delivery_id, &db::now_text())?;
        audit::record(
            conn,
            &actor,
            "webhook.redelivery_requested",
            "webhook",
            &subscription.id,
            None::<&()>,
            Some(&serde_json::json!({"delivery_id": delivery_id})),
        )?;
        let d = store::find_delivery(conn, &subscription.id, &delivery_id)?;
        let attempts = store::attempts_of(conn, std::slice::from_ref(&d.id))?;
        Ok(delivery_view(d, &attempts))
    })
    .await
}
