//! The outbox: events written in the transaction of the change they report, and the
//! webhook deliveries they fan out to.
//!
//! A use case calls [`emit`] wherever it makes a change worth telling; the event is
//! held on the thread running the transaction and written by [`flush`] at its end,
//! inside it (see `Db::write`). So an event exists exactly when its change committed,
//! and the org's stream lock ([`next_seq`]) is always the last lock a transaction
//! takes: it cannot deadlock against the vacancy and application locks taken before.

use std::cell::RefCell;

use diesel::prelude::*;

use super::schema::{event_streams, events, webhook_deliveries};
use super::DbConnection;
use crate::domain::events::{data_is_clean, EventType};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    pub id: String,
    pub org: String,
    pub seq: i64,
    pub event_type: String,
    pub occurred_at: String,
    pub vacancy_id: Option<String>,
    pub application_id: Option<String>,
    pub portal: Option<String>,
    pub public_to_portals: bool,
    pub data: String,
}

/// An event a use case has made, written when its transaction ends.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub org: String,
    pub event_type: EventType,
    pub vacancy_id: Option<String>,
    pub application_id: Option<String>,
    /// The portal that submitted the application, which may see the event.
    pub portal: Option<String>,
    pub public_to_portals: bool,
    /// Ids, statuses, step keys and check kinds only (`domain::events::DATA_KEYS`).
    pub data: serde_json::Value,
}

impl NewEvent {
    /// An event about an application, visible to the portal that submitted it.
    pub fn about_application(
        event_type: EventType,
        application: &super::applications::ApplicationRow,
        mut data: serde_json::Value,
    ) -> NewEvent {
        if let Some(map) = data.as_object_mut() {
            map.insert("application_id".into(), application.id.clone().into());
            map.insert("vacancy_id".into(), application.vacancy_id.clone().into());
        }
        NewEvent {
            org: application.org.clone(),
            event_type,
            vacancy_id: Some(application.vacancy_id.clone()),
            application_id: Some(application.id.clone()),
            portal: event_type
                .visible_to_portals()
                .then(|| application.submitted_by.clone()),
            public_to_portals: false,
            data,
        }
    }
}

thread_local! {
    // The events of the transaction running on this thread. A transaction runs on one
    // blocking thread from start to end (`Db::write`), so this is its own.
    static PENDING: RefCell<Vec<NewEvent>> = const { RefCell::new(Vec::new()) };
}

/// Records `event` to be written at the end of the current transaction.
pub fn emit(event: NewEvent) {
    debug_assert!(
        data_is_clean(&event.data),
        "event data may hold ids and states only: {}",
        event.data
    );
    PENDING.with(|p| p.borrow_mut().push(event));
}

/// Forgets events left by a transaction that did not commit.
pub fn discard() {
    PENDING.with(|p| p.borrow_mut().clear());
}

/// A subscription's id and the event types it takes.
type Subscribed = (String, Vec<String>);

/// Writes the pending events of this transaction, and a delivery for each webhook
/// subscribed to them; called last, inside the transaction.
pub fn flush(conn: &mut DbConnection) -> QueryResult<()> {
    let pending = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
    if pending.is_empty() {
        return Ok(());
    }
    let now = super::now_text();
    // Per org of this transaction's events: each subscription and its event types.
    let mut subscriptions: Vec<(String, Vec<Subscribed>)> = Vec::new();
    for event in pending {
        if !data_is_clean(&event.data) {
            // Never written: a release build drops the event rather than leak free text.
            tracing::error!(event_type = event.event_type.as_str(), "unclean event data");
            continue;
        }
        let seq = next_seq(conn, &event.org)?;
        let row = EventRow {
            id: super::new_id(),
            org: event.org.clone(),
            seq,
            event_type: event.event_type.as_str().into(),
            occurred_at: now.clone(),
            vacancy_id: event.vacancy_id,
            application_id: event.application_id,
            portal: event.portal,
            public_to_portals: event.public_to_portals,
            data: event.data.to_string(),
        };
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(events::table)
            .values(&row)
            .execute(c))?;
        let subs = match subscriptions.iter().position(|(org, _)| *org == row.org) {
            Some(i) => &subscriptions[i].1,
            None => {
                let found = super::webhooks::subscriptions_of_org(conn, &row.org)?;
                subscriptions.push((row.org.clone(), found));
                &subscriptions.last().expect("just pushed").1
            }
        };
        for (subscription_id, types) in subs {
            if !super::webhooks::subscribes_to(types, &row.event_type) {
                continue;
            }
            diesel::insert_into(webhook_deliveries::table)
                .values((
                    webhook_deliveries::id.eq(super::new_id()),
                    webhook_deliveries::org.eq(&row.org),
                    webhook_deliveries::subscription_id.eq(subscription_id),
                    webhook_deliveries::event_id.eq(&row.id),
                    webhook_deliveries::status.eq("pending"),
                    webhook_deliveries::attempts.eq(0),
                    webhook_deliveries::next_attempt_at.eq(&now),
                    webhook_deliveries::created_at.eq(&now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

/// The org's next event number. The UPDATE locks the org's stream row until the
/// transaction ends, so events of one org commit in the order of their numbers.
fn next_seq(conn: &mut DbConnection, org: &str) -> QueryResult<i64> {
    use super::schema::event_streams::dsl;
    crate::on_backend!(&mut *conn, |c| diesel::insert_into(event_streams::table)
        .values((
            dsl::org.eq(org),
            dsl::seq.eq(0i64),
            dsl::purged_through.eq(0i64)
        ))
        .on_conflict_do_nothing()
        .execute(c))?;
    crate::on_backend!(conn, |c| diesel::update(
        dsl::event_streams.filter(dsl::org.eq(org))
    )
    .set(dsl::seq.eq(dsl::seq + 1))
    .returning(dsl::seq)
    .get_result(c))
}

/// Which events a feed reader sees.
pub struct FeedFilter<'a> {
    pub org: &'a str,
    pub after: i64,
    /// Empty: every type.
    pub types: &'a [String],
    /// A portal's subject: only events about its own applications and public ones.
    pub portal: Option<&'a str>,
    pub limit: i64,
}

pub fn feed(conn: &mut DbConnection, f: FeedFilter<'_>) -> QueryResult<Vec<EventRow>> {
    use super::schema::events::dsl;
    let mut q = dsl::events
        .filter(dsl::org.eq(f.org))
        .filter(dsl::seq.gt(f.after))
        .into_boxed();
    if !f.types.is_empty() {
        q = q.filter(dsl::event_type.eq_any(f.types));
    }
    if let Some(portal) = f.portal {
        q = q.filter(dsl::portal.eq(portal).or(dsl::public_to_portals.eq(true)));
    }
    q.order(dsl::seq.asc())
        .limit(f.limit)
        .select(EventRow::as_select())
        .load(conn)
}

/// `(latest seq, purged through)` of the org's stream; `(0, 0)` before its first event.
pub fn stream_position(conn: &mut DbConnection, org: &str) -> QueryResult<(i64, i64)> {
    use super::schema::event_streams::dsl;
    Ok(dsl::event_streams
        .filter(dsl::org.eq(org))
        .select((dsl::seq, dsl::purged_through))
        .first(conn)
        .optional()?
        .unwrap_or((0, 0)))
}

/// Deletes the org's events that occurred before `cutoff` (their deliveries with
/// them) and notes how far the stream was purged. Returns how many were deleted.
pub fn purge_before(conn: &mut DbConnection, org: &str, cutoff: &str) -> QueryResult<usize> {
    use super::schema::events::dsl;
    let last: Option<i64> = dsl::events
        .filter(dsl::org.eq(org))
        .filter(dsl::occurred_at.lt(cutoff))
        .select(diesel::dsl::max(dsl::seq))
        .first(conn)?;
    let Some(last) = last else { return Ok(0) };
    {
        use super::schema::webhook_deliveries::dsl as d;
        let old = dsl::events
            .filter(dsl::org.eq(org))
            .filter(dsl::seq.le(last))
            .select(dsl::id);
        diesel::delete(d::webhook_deliveries.filter(d::event_id.eq_any(old))).execute(conn)?;
    }
    let deleted = diesel::delete(
        dsl::events
            .filter(dsl::org.eq(org))
            .filter(dsl::seq.le(last)),
    )
    .execute(conn)?;
    use super::schema::event_streams::dsl as s;
    diesel::update(s::event_streams.filter(s::org.eq(org)))
        .set(s::purged_through.eq(last))
        .execute(conn)?;
    Ok(deleted)
}

/// Orgs that have events.
pub fn orgs(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    use super::schema::event_streams::dsl;
    dsl::event_streams.select(dsl::org).load(conn)
}
