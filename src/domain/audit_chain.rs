//! The tamper-evident audit chain: each event's hash covers its content and the hash of
//! the event before it in the same org, so any edit, insertion or deletion breaks the
//! chain from that point on.

use sha2::{Digest, Sha256};

/// The `prev_hash` of an org's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hashed content of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEvent {
    pub id: String,
    pub org: String,
    pub seq: i64,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub request_id: Option<String>,
    pub occurred_at: String,
}

/// A JSON array in a fixed order: unambiguous (strings are escaped, `null` differs
/// from `""`) and stable across serde_json versions.
pub fn canonical(e: &ChainEvent, prev_hash: &str) -> String {
    serde_json::to_string(&serde_json::json!([
        "shortlist-audit-v1",
        e.org,
        e.seq,
        prev_hash,
        e.id,
        e.actor,
        e.action,
        e.entity_type,
        e.entity_id,
        e.before_state,
        e.after_state,
        e.request_id,
        e.occurred_at,
    ]))
    .expect("a JSON array of strings and numbers serialises")
}

pub fn hash(e: &ChainEvent, prev_hash: &str) -> String {
    hex::encode(Sha256::digest(canonical(e, prev_hash).as_bytes()))
}

/// Why a link does not hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub seq: i64,
    pub event_id: String,
    pub reason: String,
}

/// Checks events in `seq` order, continuing from `expected_seq`/`prev_hash` (so a long
/// chain can be checked a page at a time). Returns the next expected seq and hash.
pub fn verify_page<'a>(
    events: impl IntoIterator<Item = (&'a ChainEvent, &'a str, &'a str)>,
    mut expected_seq: i64,
    mut prev_hash: String,
) -> Result<(i64, String), BrokenLink> {
    for (event, stored_prev, stored_hash) in events {
        let broken = |reason: String| BrokenLink {
            seq: event.seq,
            event_id: event.id.clone(),
            reason,
        };
        if event.seq != expected_seq {
            return Err(broken(format!(
                "expected event {expected_seq} next, found {}: events are missing or inserted",
                event.seq
            )));
        }
        if stored_prev != prev_hash {
            return Err(broken(
                "its prev_hash is not the hash of the event before it".into(),
            ));
        }
        let recomputed = hash(event, &prev_hash);
        if recomputed != stored_hash {
            return Err(broken(
                "its content does not match its hash: the event was changed".into(),
            ));
        }
        prev_hash = recomputed;
        expected_seq += 1;
    }
    Ok((expected_seq, prev_hash))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn event(seq: i64, after: &str) -> ChainEvent {
        ChainEvent {
            id: format!("e{seq}"),
            org: "acme".into(),
            seq,
            actor: "alice".into(),
            action: "vacancy.updated".into(),
            entity_type: "vacancy".into(),
            entity_id: "v1".into(),
            before_state: None,
            after_state: Some(after.into()),
            request_id: Some("r".into()),
            occurred_at: format!("2026-11-25T10:00:0{seq}.000000Z"),
        }
    }

    /// Builds a valid chain: (event, prev_hash, hash) triples.
    fn chain(afters: &[&str]) -> Vec<(ChainEvent, String, String)> {
        let mut prev = GENESIS.to_string();
        afters
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let e = event(i as i64 + 1, a);
                let h = hash(&e, &prev);
                let out = (e, prev.clone(), h.clone());
                prev = h;
                out
            })
            .collect()
    }

    fn check(c: &[(ChainEvent, String, String)]) -> Result<(i64, String), BrokenLink> {
        verify_page(
            c.iter().map(|(e, p, h)| (e, p.as_str(), h.as_str())),
            1,
            GENESIS.to_string(),
        )
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(&["a", "b", "c"]);
        assert_eq!(check(&c).unwrap().0, 4);
    }

    #[test]
    fn an_edited_event_is_the_first_broken_link() {
        let mut c = chain(&["a", "b", "c"]);
        c[1].0.after_state = Some("B".into());
        let broken = check(&c).unwrap_err();
        assert_eq!(broken.seq, 2);
        assert!(broken.reason.contains("changed"));
    }

    #[test]
    fn a_deleted_event_is_detected() {
        let mut c = chain(&["a", "b", "c"]);
        c.remove(1);
        assert_eq!(check(&c).unwrap_err().seq, 3);
    }

    #[test]
    fn a_rehashed_edit_still_breaks_the_next_link() {
        // Someone edits event 2 and recomputes its own hash: event 3 no longer points at it.
        let mut c = chain(&["a", "b", "c"]);
        c[1].0.after_state = Some("B".into());
        c[1].2 = hash(&c[1].0, &c[1].1);
        let broken = check(&c).unwrap_err();
        assert_eq!(broken.seq, 3);
    }

    #[test]
    fn null_and_empty_text_hash_differently() {
        let mut a = event(1, "x");
        let mut b = a.clone();
        a.request_id = None;
        b.request_id = Some(String::new());
        assert_ne!(hash(&a, GENESIS), hash(&b, GENESIS));
    }

    proptest! {
        /// Changing any one character of any event's content breaks the chain there.
        #[test]
        fn any_edit_is_caught(afters in proptest::collection::vec("[a-z]{1,8}", 1..8), which in 0usize..8, ch in "[A-Z]") {
            let mut c = chain(&afters.iter().map(String::as_str).collect::<Vec<_>>());
            let i = which % c.len();
            let mut text = c[i].0.after_state.clone().unwrap();
            text.push_str(&ch);
            c[i].0.after_state = Some(text);
            prop_assert_eq!(check(&c).unwrap_err().seq, i as i64 + 1);
        }
    }
}
