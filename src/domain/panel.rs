//! Interview and shortlisting panels.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PanelRole {
    /// Chairs the panel and records agreed (moderated) scores.
    Chair,
    Member,
}

impl PanelRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PanelRole::Chair => "chair",
            PanelRole::Member => "member",
        }
    }

    pub fn parse(text: &str) -> Option<PanelRole> {
        match text {
            "chair" => Some(PanelRole::Chair),
            "member" => Some(PanelRole::Member),
            _ => None,
        }
    }
}

pub const MAX_PANEL_SIZE: usize = 20;

/// Each person sits once, and a panel has at most one chair (who moderates).
pub fn validate_panel(members: &[(String, PanelRole)]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if members.len() > MAX_PANEL_SIZE {
        errors.push(FieldError::new(
            "members",
            format!("a panel has at most {MAX_PANEL_SIZE} members"),
        ));
    }
    let mut seen = HashSet::new();
    for (i, (user, _)) in members.iter().enumerate() {
        if !seen.insert(user.as_str()) {
            errors.push(FieldError::new(
                format!("members[{i}].user_id"),
                "appears more than once",
            ));
        }
    }
    let chairs = members
        .iter()
        .filter(|(_, role)| *role == PanelRole::Chair)
        .count();
    if chairs > 1 {
        errors.push(FieldError::new("members", "a panel has at most one chair"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(user: &str, role: PanelRole) -> (String, PanelRole) {
        (user.to_string(), role)
    }

    #[test]
    fn a_chair_and_members_is_valid() {
        let panel = [
            m("chair", PanelRole::Chair),
            m("a", PanelRole::Member),
            m("b", PanelRole::Member),
        ];
        assert!(validate_panel(&panel).is_empty());
        assert!(validate_panel(&[]).is_empty());
    }

    #[test]
    fn two_chairs_or_a_repeated_person_are_refused() {
        assert_eq!(
            validate_panel(&[m("a", PanelRole::Chair), m("b", PanelRole::Chair)]).len(),
            1
        );
        let errors = validate_panel(&[m("a", PanelRole::Member), m("a", PanelRole::Chair)]);
        assert_eq!(errors[0].field, "members[1].user_id");
    }
}
