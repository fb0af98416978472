//! `/api/v1/audit-events`: the append-only record of every change (admin only).

use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{decode_cursor, encode_cursor, one_page, page_response, validate, Page, PageParams};
use crate::auth::{Caller, Role};
use crate::db::audit::{self as store, AuditFilter};
use crate::db::Db;
use crate::error::{AppError, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEvent {
    pub id: String,
    /// JWT `sub` of whoever made the change.
    pub actor: String,
    /// E.g. `vacancy.created`, `scoresheet.submitted`.
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    /// The entity before the change (`null` on creation).
    #[schema(value_type = Option<serde_json::Value>)]
    pub before: Option<serde_json::Value>,
    /// The entity after the change.
    #[schema(value_type = Option<serde_json::Value>)]
    pub after: Option<serde_json::Value>,
    pub request_id: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: String,
    /// Position in the org's chain, from 1.
    pub seq: i64,
    /// SHA-256 of the previous event (64 zeros for the first).
    pub prev_hash: String,
    /// SHA-256 over this event's canonical encoding, including `prev_hash`.
    pub hash: String,
}

#[derive(Debug, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// e.g. `vacancy`, `application`, `criterion`.
    #[validate(length(max = 50))]
    pub entity_type: Option<String>,
    #[validate(length(max = 100))]
    pub entity_id: Option<String>,
}

#[utoipa::path(
    tag = "audit",
    params(AuditParams, PageParams),
    responses(
        (status = 200, description = "In chain order (oldest first); `Link` to the next page", body = Page<AuditEvent>),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad limit or cursor", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit-events")]
pub async fn list_audit_events(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    filter: web::Query<AuditParams>,
    page: web::Query<PageParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin])?;
    validate(&*filter)?;
    validate(&*page)?;
    let limit = page.limit();
    let after_seq =
        match &page.cursor {
            Some(c) => Some(decode_cursor(c, 1)?[0].parse::<i64>().map_err(|_| {
                AppError::validation("cursor", "is not a cursor this API returned")
            })?),
            None => None,
        };
    let filter = filter.into_inner();
    let rows = db
        .read(move |conn| {
            store::list(
                conn,
                AuditFilter {
                    org: &caller.org,
                    entity_type: filter.entity_type.as_deref(),
                    entity_id: filter.entity_id.as_deref(),
                    after_seq,
                    limit: limit + 1,
                },
            )
            .map_err(AppError::from)
        })
        .await?;
    let (rows, next_cursor) = one_page(rows, limit, |r| encode_cursor(&[&r.seq.to_string()]));
    let parse = |s: &Option<String>| s.as_deref().and_then(|t| serde_json::from_str(t).ok());
    let items = rows
        .iter()
        .map(|r| AuditEvent {
            id: r.id.clone(),
            actor: r.actor.clone(),
            action: r.action.clone(),
            entity_type: r.entity_type.clone(),
            entity_id: r.entity_id.clone(),
            before: parse(&r.before_state),
            after: parse(&r.after_state),
            request_id: r.request_id.clone(),
            occurred_at: r.occurred_at.clone(),
            seq: r.seq,
            prev_hash: r.prev_hash.clone(),
            hash: r.hash.clone(),
        })
        .collect();
    Ok(page_response(&req, items, next_cursor))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BrokenLink {
    pub seq: i64,
    pub event_id: String,
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerification {
    /// True when every event's hash recomputes and links to the one before.
    pub valid: bool,
    pub events_checked: i64,
    /// The chain head's position, as recorded when the last event was appended.
    pub head_seq: i64,
    /// The first link that does not hold, if any.
    pub first_broken: Option<BrokenLink>,
}

const VERIFY_PAGE: i64 = 1000;

#[utoipa::path(
    tag = "audit",
    responses(
        (status = 200, description = "The org's chain recomputed from the first event", body = AuditVerification),
        (status = 403, description = "Admins only", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/audit-events/verify")]
pub async fn verify_audit_chain(
    caller: Caller,
    db: web::Data<Db>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin])?;
    let report = db
        .read(move |conn| {
            use crate::domain::audit_chain::{verify_page, GENESIS};
            let (head_seq, head_hash) = store::head(conn, &caller.org)?.unwrap_or((0, GENESIS.to_string()));
            let mut expected = 1i64;
            let mut prev = GENESIS.to_string();
            loop {
                let rows = store::list(
                    conn,
                    AuditFilter {
                        org: &caller.org,
                        entity_type: None,
                        entity_id: None,
                        after_seq: Some(expected - 1),
                        limit: VERIFY_PAGE,
                    },
                )?;
                let events: Vec<_> = rows.iter().map(|r| (r.chain_event(), r)).collect();
                let checked = verify_page(
                    events.iter().map(|(e, r)| (e, r.prev_hash.as_str(), r.hash.as_str())),
                    expected,
                    prev.clone(),
                );
                match checked {
                    Err(b) => {
                        return Ok(AuditVerification {
                            valid: false,
                            events_checked: b.seq - 1,
                            head_seq,
                            first_broken: Some(BrokenLink { seq: b.seq, event_id: b.event_id, reason: b.reason }),
                        })
                    }
                    Ok((next, hash)) => {
                        expected = next;
                        prev = hash;
                    }
                }
                if (rows.len() as i64) < VERIFY_PAGE {
                    break;
                }
            }
            let checked = expected - 1;
            // Events cut from the end leave the head pointing past the last one.
            let tail_missing = checked != head_seq || prev != head_hash;
            Ok(AuditVerification {
                valid: !tail_missing,
                events_checked: checked,
                head_seq,
                first_broken: tail_missing.then(|| BrokenLink {
                    seq: checked + 1,
                    event_id: String::new(),
                    reason: format!("the chain ends at event {checked} but its head records event {head_seq}: events were removed"),
                }),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
