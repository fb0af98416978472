//! The audit trail: every write appends an event in the same transaction.

use diesel::prelude::*;

use super::schema::{audit_chain_heads, audit_events};
use super::DbConnection;
use crate::domain::audit_chain::{self, ChainEvent, GENESIS};

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
    /// Position in the org's chain, from 1.
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEventRow {
    pub fn chain_event(&self) -> ChainEvent {
        ChainEvent {
            id: self.id.clone(),
            org: self.org.clone(),
            seq: self.seq,
            actor: self.actor.clone(),
            action: self.action.clone(),
            entity_type: self.entity_type.clone(),
            entity_id: self.entity_id.clone(),
            before_state: self.before_state.clone(),
            after_state: self.after_state.clone(),
            request_id: self.request_id.clone(),
            occurred_at: self.occurred_at.clone(),
        }
    }
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
) -> QueryResult<()> {
    let (seq, prev_hash) = next_link(conn, &actor.org)?;
    let mut row = AuditEventRow {
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
        seq,
        prev_hash,
        hash: String::new(),
    };
    row.hash = audit_chain::hash(&row.chain_event(), &row.prev_hash);
    crate::on_backend!(&mut *conn, |c| diesel::insert_into(audit_events::table)
        .values(&row)
        .execute(c))?;
    {
        use super::schema::audit_chain_heads::dsl;
        crate::on_backend!(&mut *conn, |c| diesel::update(
            dsl::audit_chain_heads.filter(dsl::org.eq(&row.org))
        )
        .set(dsl::last_hash.eq(&row.hash))
        .execute(c))?;
    }
    Ok(())
}

/// Takes the next position in the org's chain. The UPDATE locks the org's head row
/// until the transaction ends, so appends from concurrent transactions (and other API
/// processes) queue instead of forking the chain.
fn next_link(conn: &mut DbConnection, org: &str) -> QueryResult<(i64, String)> {
    use super::schema::audit_chain_heads::dsl;
    let head = (
        dsl::org.eq(org),
        dsl::seq.eq(0i64),
        dsl::last_hash.eq(GENESIS),
    );
    // Upserts must run on the backend's own connection.
    crate::on_backend!(&mut *conn, |c| diesel::insert_into(
        audit_chain_heads::table
    )
    .values(head)
    .on_conflict_do_nothing()
    .execute(c))?;
    let (seq, last_hash): (i64, String) = crate::on_backend!(&mut *conn, |c| diesel::update(
        dsl::audit_chain_heads.filter(dsl::org.eq(org))
    )
    .set(dsl::seq.eq(dsl::seq + 1))
    .returning((dsl::seq, dsl::last_hash))
    .get_result(c))?;
    Ok((seq, last_hash))
}

/// Keys whose values identify a person or hold free text about them. The audit trail
/// is append-only and hash-chained, so it can never be scrubbed later: personal data
/// is kept out of it from the start, and lives only in rows that retention and erasure
/// can anonymise.
const PERSONAL_KEYS: [&str; 14] = [
    "candidate_name",
    "candidate_email",
    "candidate_phone",
    "registration_number",
    "evidence",
    "name",
    "email",
    "phone",
    // Free text about a person, and check details (certificate numbers, notes about
    // a caution): a check's `details` is stored as a JSON string, so the key itself is
    // scrubbed rather than looked inside.
    "reason",
    "override_reason",
    "details",
    "notes",
    "certificate_number",
    "feedback",
];

fn without_personal_data(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for key in PERSONAL_KEYS {
                if let Some(v) = map.get_mut(key) {
                    if !v.is_null() {
                        *v = serde_json::Value::String("[personal data not audited]".into());
                    }
                }
            }
            map.values_mut().for_each(without_personal_data);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(without_personal_data),
        _ => {}
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    let mut json = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    without_personal_data(&mut json);
    json.to_string()
}

pub fn for_entity(
    conn: &mut DbConnection,
    org: &str,
    entity_id: &str,
) -> QueryResult<Vec<AuditEventRow>> {
    use super::schema::audit_events::dsl;
    dsl::audit_events
        .filter(dsl::org.eq(org))
        .filter(dsl::entity_id.eq(entity_id))
        .select(AuditEventRow::as_select())
        .order(dsl::seq.asc())
        .load(conn)
}

pub struct AuditFilter<'a> {
    pub org: &'a str,
    pub entity_type: Option<&'a str>,
    pub entity_id: Option<&'a str>,
    pub after_seq: Option<i64>,
    pub limit: i64,
}

/// In chain order, keyset-paginated on `seq`.
pub fn list(conn: &mut DbConnection, f: AuditFilter<'_>) -> QueryResult<Vec<AuditEventRow>> {
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
    if let Some(after) = f.after_seq {
        q = q.filter(dsl::seq.gt(after));
    }
    q.order(dsl::seq.asc()).limit(f.limit).load(conn)
}

/// The org's chain head: (last seq, last hash), if any event was recorded.
pub fn head(conn: &mut DbConnection, org: &str) -> QueryResult<Option<(i64, String)>> {
    use super::schema::audit_chain_heads::dsl;
    dsl::audit_chain_heads
        .filter(dsl::org.eq(org))
        .select((dsl::seq, dsl::last_hash))
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn personal_data_never_reaches_the_audit_trail() {
        let row = serde_json::json!({
            "id": "a1", "candidate_name": "Ada", "candidate_email": "ada@example.org",
            "candidate_phone": null, "status": "submitted",
            "scores": [{"criterion_id": "c1", "score": 2, "evidence": "Mentioned her MSc at UCL"}]
        });
        let text = to_json(&row);
        assert!(
            !text.contains("Ada") && !text.contains("ada@") && !text.contains("UCL"),
            "{text}"
        );
        assert!(text.contains("submitted") && text.contains("\"score\":2"));
        assert!(text.contains("\"candidate_phone\":null"));
    }
}
