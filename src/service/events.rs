//! The change feed: an org's events, oldest first, from a cursor.

use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Caller, Role};
use crate::db::events::{self as store, EventRow, FeedFilter};
use crate::db::Db;
use crate::domain::events::EventType;
use crate::error::AppError;

/// One event, as the feed and webhooks send it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    #[schema(value_type = String, example = "application.status_changed")]
    pub event_type: String,
    pub occurred_at: String,
    pub org: String,
    /// Its position in the org's feed: pass as `after` to read what came next.
    pub cursor: String,
    /// Ids, statuses, step keys, check kinds: never names, contact details or free text.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<EventRow> for Event {
    fn from(r: EventRow) -> Event {
        Event {
            id: r.id,
            event_type: r.event_type,
            occurred_at: r.occurred_at,
            org: r.org,
            cursor: r.seq.to_string(),
            data: serde_json::from_str(&r.data).unwrap_or(serde_json::Value::Null),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    pub events: Vec<Event>,
    /// Where to read from next (the last event's cursor, or the one given when there was
    /// nothing new): keep it and pass it as `after`.
    pub next_cursor: String,
    /// More events are waiting: ask again at once.
    pub has_more: bool,
}

/// Parses `after`: a cursor from an event or a page; absent: from the oldest kept.
pub fn parse_cursor(after: Option<&str>) -> Result<Option<i64>, AppError> {
    match after.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text.parse::<i64>().ok().filter(|n| *n >= 0).map(Some).ok_or_else(|| {
            AppError::validation("after", "is not a cursor of this feed (use an event's `cursor` or a page's `next_cursor`)")
        }),
    }
}

/// `GET /events`: staff read every event of their org; a portal only those about the
/// applications it submitted and vacancies opening or closing.
pub async fn feed(
    db: &Db,
    caller: Caller,
    after: Option<i64>,
    types: Vec<EventType>,
    limit: i64,
) -> Result<EventPage, AppError> {
    let portal = if caller.is_staff() {
        None
    } else if caller.has(Role::Portal) {
        Some(caller.sub.clone())
    } else {
        return Err(AppError::Forbidden(
            "the change feed is for portals and staff".into(),
        ));
    };
    db.read(move |conn| {
        let (latest, purged_through) = store::stream_position(conn, &caller.org)?;
        let after = after.unwrap_or(purged_through);
        if after < purged_through {
            return Err(AppError::Gone(format!(
                "events up to cursor {purged_through} were deleted after {} days; \
                 resynchronise from GET /api/v1/applications?updated_since=… and read \
                 the feed from its start",
                crate::domain::events::EVENT_RETENTION_DAYS
            )));
        }
        if after > latest {
            return Err(AppError::validation(
                "after",
                format!("is ahead of this feed, whose latest cursor is {latest}"),
            ));
        }
        let names: Vec<String> = types.iter().map(|t| t.as_str().to_string()).collect();
        let mut rows = store::feed(
            conn,
            FeedFilter {
                org: &caller.org,
                after,
                types: &names,
                portal: portal.as_deref(),
                limit: limit + 1,
            },
        )?;
        let has_more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        // Every event up to `latest` had committed before the query ran, so when it
        // found no more, the reader has seen all of them that were meant for it: skip
        // ahead to `latest` rather than rescan others' events on the next call.
        let last_seen = rows.last().map_or(after, |r| r.seq);
        let next_cursor = if has_more {
            last_seen
        } else {
            last_seen.max(latest)
        }
        .to_string();
        Ok(EventPage {
            events: rows.into_iter().map(Event::from).collect(),
            next_cursor,
            has_more,
        })
    })
    .await
}
