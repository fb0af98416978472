//! The audit trail: every write appends an event in the same transaction.

use diesel::prelude::*;

use super::schema::audit_events;
use super::DbConnection;
use crate::error::AppError;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = audit_events)]
pub struct AuditEventRow {
    pub id: String,
    pub org: String,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub request_id: Option<String>,
    pub occurred_at: String,
}

/// Who did it and under which request.
#[derive(Debug, Clone)]
pub struct Actor {
    pub org: String,
    pub sub: String,
    pub request_id: Option<String>,
}

pub fn record<B: serde::Serialize, A: serde::Serialize>(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    entity_type: &str,
    entity_id: &str,
    before: Option<&B>,
    after: Option<&A>,
) -> Result<(), AppError> {
    let row = AuditEventRow {
        id: super::new_id(),
        org: actor.org.clone(),
        actor: actor.sub.clone(),
        action: action.to_string(),
        entity_type: entity_type.to_string(),
        entity_id: entity_id.to_string(),
        before_state: before.map(to_json),
        after_state: after.map(to_json),
        request_id: actor.request_id.clone(),
        occurred_at: super::now_text(),
    };
    diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

pub fn for_entity(
    conn: &mut DbConnection,
    org: &str,
    entity_id: &str,
) -> Result<Vec<AuditEventRow>, AppError> {
    use super::schema::audit_events::dsl;
    Ok(dsl::audit_events
        .filter(dsl::org.eq(org))
        .filter(dsl::entity_id.eq(entity_id))
        .select(AuditEventRow::as_select())
        .order((dsl::occurred_at.asc(), dsl::id.asc()))
        .load(conn)?)
}

pub struct AuditFilter<'a> {
    pub org: &'a str,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<&'a str>,
    pub after: Option<(String, String)>,
    pub limit: i64,
}

/// Oldest first, keyset-paginated on `(occurred_at, id)`.
pub fn list(conn: &mut DbConnection, f: AuditFilter<'_>) -> Result<Vec<AuditEventRow>, AppError> {
    use super::schema::audit_events::dsl;
    let mut q = dsl::audit_events
        .filter(dsl::org.eq(f.org))
        .select(AuditEventRow::as_select())
        .into_boxed();
    if let Some(t) = f.entity_type {
        q = q.filter(dsl::entity_type.eq(t));
    }
    if let Some(id) = f.entity_id {
        q = q.filter(dsl::entity_id.eq(id));
    }
    if let Some((at, id)) = f.after {
        q = q.filter(
            dsl::occurred_at
                .gt(at.clone())
                .or(dsl::occurred_at.eq(at).and(dsl::id.gt(id))),
        );
    }
    Ok(q.order((dsl::occurred_at.asc(), dsl::id.asc()))
        .limit(f.limit)
        .load(conn)?)
}
