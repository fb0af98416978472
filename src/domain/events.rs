//! Change events: what happened to a vacancy or an application, told to portals and
//! dashboards without anything that identifies a person.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
pub enum EventType {
    #[serde(rename = "vacancy.status_changed")]
    VacancyStatusChanged,
    #[serde(rename = "application.submitted")]
    ApplicationSubmitted,
    #[serde(rename = "application.status_changed")]
    ApplicationStatusChanged,
    #[serde(rename = "application.step_decided")]
    ApplicationStepDecided,
    #[serde(rename = "application.erased")]
    ApplicationErased,
    #[serde(rename = "scoresheet.submitted")]
    ScoresheetSubmitted,
    #[serde(rename = "check.updated")]
    CheckUpdated,
}

impl EventType {
    pub const ALL: [EventType; 7] = [
        EventType::VacancyStatusChanged,
        EventType::ApplicationSubmitted,
        EventType::ApplicationStatusChanged,
        EventType::ApplicationStepDecided,
        EventType::ApplicationErased,
        EventType::ScoresheetSubmitted,
        EventType::CheckUpdated,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventType::VacancyStatusChanged => "vacancy.status_changed",
            EventType::ApplicationSubmitted => "application.submitted",
            EventType::ApplicationStatusChanged => "application.status_changed",
            EventType::ApplicationStepDecided => "application.step_decided",
            EventType::ApplicationErased => "application.erased",
            EventType::ScoresheetSubmitted => "scoresheet.submitted",
            EventType::CheckUpdated => "check.updated",
        }
    }

    pub fn parse(text: &str) -> Option<EventType> {
        EventType::ALL.into_iter().find(|t| t.as_str() == text)
    }

    /// Whether a portal may see this kind of event about its own applications. Scoring
    /// is the panel's business while it runs: a portal learns the result through the
    /// step decisions and status changes, never who scored what or when.
    pub fn visible_to_portals(self) -> bool {
        !matches!(self, EventType::ScoresheetSubmitted)
    }
}

/// A comma-separated `types=` filter: every name must be a known type (an unknown one
/// is a mistake the caller should hear about, not a filter that silently matches
/// nothing). Empty means every type.
pub fn parse_types(text: &str) -> Result<Vec<EventType>, String> {
    let mut types = Vec::new();
    for name in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        match EventType::parse(name) {
            Some(t) => {
                if !types.contains(&t) {
                    types.push(t)
                }
            }
            None => {
                return Err(format!(
                    "unknown event type {name:?}; known types: {}",
                    EventType::ALL.map(EventType::as_str).join(", ")
                ))
            }
        }
    }
    Ok(types)
}

/// Whether a vacancy status change is news to portals: they list open vacancies, so
/// they hear when one opens and when an open one stops taking applications.
pub fn vacancy_change_is_public(from: &str, to: &str) -> bool {
    from == "open" || to == "open"
}

/// How long the feed keeps events: a portal away for up to this long catches up from
/// its cursor. The contract promises at least 30 days; retention runs delete older ones.
pub const EVENT_RETENTION_DAYS: i64 = 90;

/// Keys an event's `data` may carry: ids, statuses, step keys, check kinds, methods.
/// Anything else (a name, an email, a reason) must never reach a portal or a webhook.
pub const DATA_KEYS: [&str; 12] = [
    "application_id",
    "vacancy_id",
    "candidate_code",
    "from",
    "to",
    "status",
    "step",
    "outcome",
    "reinstated",
    "kind",
    "method",
    "assessor",
];

/// Whether every key of `data` is one an event may carry (checked in tests and on
/// every write, so a careless new event cannot leak free text).
pub fn data_is_clean(data: &serde_json::Value) -> bool {
    match data.as_object() {
        Some(map) => map.iter().all(|(k, v)| {
            DATA_KEYS.contains(&k.as_str())
                && matches!(
                    v,
                    serde_json::Value::String(_)
                        | serde_json::Value::Bool(_)
                        | serde_json::Value::Null
                )
        }),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_type_round_trips_through_its_name_and_serde() {
        for t in EventType::ALL {
            assert_eq!(EventType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), json!(t.as_str()));
        }
    }

    #[test]
    fn type_filters_refuse_unknown_names_and_drop_repeats() {
        assert_eq!(
            parse_types("check.updated, application.submitted,check.updated").unwrap(),
            vec![EventType::CheckUpdated, EventType::ApplicationSubmitted]
        );
        assert!(parse_types("").unwrap().is_empty());
        let err = parse_types("application.updated").unwrap_err();
        assert!(err.contains("application.updated") && err.contains("check.updated"));
    }

    #[test]
    fn portals_hear_of_vacancies_opening_and_closing_only() {
        assert!(vacancy_change_is_public("draft", "open"));
        assert!(vacancy_change_is_public("open", "closed"));
        assert!(!vacancy_change_is_public("closed", "filled"));
        assert!(!vacancy_change_is_public("draft", "cancelled"));
    }

    #[test]
    fn event_data_holds_ids_and_states_only() {
        assert!(data_is_clean(
            &json!({"application_id": "a", "from": "submitted", "to": "shortlisted"})
        ));
        assert!(!data_is_clean(
            &json!({"application_id": "a", "reason": "x"})
        ));
        assert!(!data_is_clean(&json!({"name": "Ann"})));
        assert!(!data_is_clean(&json!({"status": {"nested": "x"}})));
        assert!(!data_is_clean(&json!(["application_id"])));
        assert!(!EventType::ScoresheetSubmitted.visible_to_portals());
        assert!(EventType::CheckUpdated.visible_to_portals());
    }
}
