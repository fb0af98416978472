//! Webhook subscriptions, their deliveries and each delivery's attempts.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::schema::{webhook_attempts, webhook_deliveries, webhook_subscriptions};
use super::DbConnection;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhook_subscriptions)]
#[diesel(treat_none_as_null = true)]
pub struct SubscriptionRow {
    pub id: String,
    pub org: String,
    pub url: String,
    /// A JSON array of event type names.
    pub event_types: String,
    pub description: Option<String>,
    pub active: bool,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

impl SubscriptionRow {
    pub fn types(&self) -> Vec<String> {
        serde_json::from_str(&self.event_types).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = webhook_deliveries)]
pub struct DeliveryRow {
    pub id: String,
    pub org: String,
    pub subscription_id: String,
    pub event_id: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: String,
    pub lease_until: Option<String>,
    pub lease_token: Option<String>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub last_attempt_at: Option<String>,
    pub delivered_at: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    pub delivery_id: String,
    pub attempt: i32,
    pub attempted_at: String,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

pub fn insert(conn: &mut DbConnection, row: &SubscriptionRow) -> QueryResult<()> {
    diesel::insert_into(webhook_subscriptions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn update(conn: &mut DbConnection, row: &SubscriptionRow) -> QueryResult<()> {
    use super::schema::webhook_subscriptions::dsl;
    diesel::update(dsl::webhook_subscriptions.filter(dsl::id.eq(&row.id)))
        .set(row)
        .execute(conn)?;
    Ok(())
}

pub fn delete(conn: &mut DbConnection, org: &str, id: &str) -> QueryResult<bool> {
    use super::schema::webhook_subscriptions::dsl;
    {
        // SQLite enforces the cascade too, but only with foreign keys on; say it here.
        use super::schema::webhook_deliveries::dsl as d;
        diesel::delete(d::webhook_deliveries.filter(d::subscription_id.eq(id))).execute(conn)?;
    }
    Ok(diesel::delete(
        dsl::webhook_subscriptions
            .filter(dsl::org.eq(org))
            .filter(dsl::id.eq(id)),
    )
    .execute(conn)?
        == 1)
}

pub fn find(conn: &mut DbConnection, org: &str, id: &str) -> QueryResult<SubscriptionRow> {
    use super::schema::webhook_subscriptions::dsl;
    dsl::webhook_subscriptions
        .filter(dsl::org.eq(org))
        .filter(dsl::id.eq(id))
        .select(SubscriptionRow::as_select())
        .first(conn)
}

/// The subscription locked for update (PostgreSQL; SQLite's write lock covers it).
pub fn find_locked(conn: &mut DbConnection, org: &str, id: &str) -> QueryResult<SubscriptionRow> {
    use super::schema::webhook_subscriptions::dsl;
    // `as_select` is typed by backend, so each arm builds its own query.
    macro_rules! query {
        () => {
            dsl::webhook_subscriptions
                .filter(dsl::org.eq(org))
                .filter(dsl::id.eq(id))
                .select(SubscriptionRow::as_select())
        };
    }
    match conn {
        DbConnection::Postgres(c) => query!().for_update().first(c),
        DbConnection::Sqlite(c) => query!().first(c),
    }
}

pub fn list(
    conn: &mut DbConnection,
    org: &str,
    after_id: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<SubscriptionRow>> {
    use super::schema::webhook_subscriptions::dsl;
    let mut q = dsl::webhook_subscriptions
        .filter(dsl::org.eq(org))
        .into_boxed();
    if let Some(after) = after_id {
        q = q.filter(dsl::id.gt(after));
    }
    q.order(dsl::id.asc())
        .limit(limit)
        .select(SubscriptionRow::as_select())
        .load(conn)
}

pub fn count_for_org(conn: &mut DbConnection, org: &str) -> QueryResult<i64> {
    use super::schema::webhook_subscriptions::dsl;
    dsl::webhook_subscriptions
        .filter(dsl::org.eq(org))
        .count()
        .get_result(conn)
}

/// `(id, event types)` of the org's subscriptions, paused ones too: a paused
/// subscription's deliveries wait, and go when it is resumed.
pub fn subscriptions_of_org(
    conn: &mut DbConnection,
    org: &str,
) -> QueryResult<Vec<(String, Vec<String>)>> {
    use super::schema::webhook_subscriptions::dsl;
    let rows: Vec<(String, String)> = dsl::webhook_subscriptions
        .filter(dsl::org.eq(org))
        .select((dsl::id, dsl::event_types))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, types)| (id, serde_json::from_str(&types).unwrap_or_default()))
        .collect())
}

pub fn subscribes_to(types: &[String], event_type: &str) -> bool {
    types.iter().any(|t| t == event_type)
}

pub fn deliveries(
    conn: &mut DbConnection,
    subscription_id: &str,
    before: Option<(&str, &str)>,
    limit: i64,
) -> QueryResult<Vec<DeliveryRow>> {
    use super::schema::webhook_deliveries::dsl;
    let mut q = dsl::webhook_deliveries
        .filter(dsl::subscription_id.eq(subscription_id))
        .into_boxed();
    if let Some((created_at, id)) = before {
        q = q.filter(
            dsl::created_at
                .lt(created_at.to_string())
                .or(dsl::created_at
                    .eq(created_at.to_string())
                    .and(dsl::id.lt(id.to_string()))),
        );
    }
    q.order((dsl::created_at.desc(), dsl::id.desc()))
        .limit(limit)
        .select(DeliveryRow::as_select())
        .load(conn)
}

pub fn find_delivery(
    conn: &mut DbConnection,
    subscription_id: &str,
    id: &str,
) -> QueryResult<DeliveryRow> {
    use super::schema::webhook_deliveries::dsl;
    dsl::webhook_deliveries
        .filter(dsl::subscription_id.eq(subscription_id))
        .filter(dsl::id.eq(id))
        .select(DeliveryRow::as_select())
        .first(conn)
}

pub fn attempts_of(
    conn: &mut DbConnection,
    delivery_ids: &[String],
) -> QueryResult<Vec<AttemptRow>> {
    use super::schema::webhook_attempts::dsl;
    dsl::webhook_attempts
        .filter(dsl::delivery_id.eq_any(delivery_ids))
        .order((dsl::delivery_id.asc(), dsl::attempt.asc()))
        .select(AttemptRow::as_select())
        .load(conn)
}

/// Puts a delivery back in the queue, due now, whatever became of it.
pub fn requeue(conn: &mut DbConnection, id: &str, now: &str) -> QueryResult<()> {
    use super::schema::webhook_deliveries::dsl;
    diesel::update(dsl::webhook_deliveries.filter(dsl::id.eq(id)))
        .set((
            dsl::status.eq("pending"),
            dsl::next_attempt_at.eq(now),
            dsl::lease_until.eq(None::<String>),
            dsl::lease_token.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = Text)]
    id: String,
}

/// Claims up to `limit` deliveries that are due, for `lease_until`, under `token`.
/// On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets several processes claim at once
/// without waiting on, or taking, each other's rows; SQLite's single writer does the
/// same by itself. A claim is a lease, not a lock held across the HTTP call: a long
/// transaction would hold back every other writer's view.
pub fn claim_due(
    conn: &mut DbConnection,
    now: &str,
    lease_until: &str,
    token: &str,
    limit: i64,
) -> QueryResult<Vec<String>> {
    let lock = match conn {
        DbConnection::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        DbConnection::Sqlite(_) => "",
    };
    let sql = format!(
        "UPDATE webhook_deliveries SET lease_until = $1, lease_token = $2 \
         WHERE id IN (SELECT id FROM webhook_deliveries \
           WHERE status = 'pending' AND next_attempt_at <= $3 \
             AND (lease_until IS NULL OR lease_until < $3) \
             AND subscription_id IN (SELECT id FROM webhook_subscriptions WHERE active) \
           ORDER BY next_attempt_at LIMIT $4 {lock}) \
         RETURNING id"
    );
    let rows: Vec<ClaimedId> = diesel::sql_query(sql)
        .bind::<Text, _>(lease_until)
        .bind::<Text, _>(token)
        .bind::<Text, _>(now)
        .bind::<BigInt, _>(limit)
        .load(conn)?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// What a claimed delivery needs: itself, its event and its subscription.
pub fn claimed(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<(DeliveryRow, super::events::EventRow, SubscriptionRow)>> {
    use super::schema::{events, webhook_deliveries::dsl};
    dsl::webhook_deliveries
        .inner_join(events::table)
        .inner_join(webhook_subscriptions::table)
        .filter(dsl::id.eq_any(ids))
        .select((
            DeliveryRow::as_select(),
            super::events::EventRow::as_select(),
            SubscriptionRow::as_select(),
        ))
        .load(conn)
}

/// The outcome of one attempt, written only while the lease is still this worker's
/// (a worker that stalled past its lease lets the next one's result stand).
pub struct AttemptResult<'a> {
    pub delivery_id: &'a str,
    pub token: &'a str,
    pub attempt: i32,
    pub attempted_at: &'a str,
    pub status_code: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
    /// `succeeded`, `failed` or `pending` (with `next_attempt_at`).
    pub status: &'a str,
    pub next_attempt_at: &'a str,
}

pub fn record_attempt(conn: &mut DbConnection, r: &AttemptResult<'_>) -> QueryResult<bool> {
    use super::schema::webhook_deliveries::dsl;
    let delivered_at = (r.status == "succeeded").then_some(r.attempted_at);
    let changed = diesel::update(
        dsl::webhook_deliveries
            .filter(dsl::id.eq(r.delivery_id))
            .filter(dsl::lease_token.eq(r.token)),
    )
    .set((
        dsl::status.eq(r.status),
        dsl::attempts.eq(r.attempt),
        dsl::next_attempt_at.eq(r.next_attempt_at),
        dsl::lease_until.eq(None::<String>),
        dsl::lease_token.eq(None::<String>),
        dsl::last_status_code.eq(r.status_code),
        dsl::last_error.eq(r.error.as_deref()),
        dsl::last_attempt_at.eq(r.attempted_at),
        dsl::delivered_at.eq(delivered_at),
    ))
    .execute(conn)?;
    if changed == 1 {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(webhook_attempts::table)
            .values(AttemptRow {
                delivery_id: r.delivery_id.to_string(),
                attempt: r.attempt,
                attempted_at: r.attempted_at.to_string(),
                status_code: r.status_code,
                error: r.error.clone(),
                duration_ms: r.duration_ms,
            })
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(changed == 1)
}
