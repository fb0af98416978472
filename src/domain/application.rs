//! Application lifecycle, candidate codes and the checks on what applicants declare.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Submitted,
    Shortlisted,
    NotShortlisted,
    Offered,
    Unsuccessful,
    Appointed,
    OfferWithdrawn,
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 8] = [
        ApplicationStatus::Submitted,
        ApplicationStatus::Shortlisted,
        ApplicationStatus::NotShortlisted,
        ApplicationStatus::Offered,
        ApplicationStatus::Unsuccessful,
        ApplicationStatus::Appointed,
        ApplicationStatus::OfferWithdrawn,
        ApplicationStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Shortlisted => "shortlisted",
            ApplicationStatus::NotShortlisted => "not_shortlisted",
            ApplicationStatus::Offered => "offered",
            ApplicationStatus::Unsuccessful => "unsuccessful",
            ApplicationStatus::Appointed => "appointed",
            ApplicationStatus::OfferWithdrawn => "offer_withdrawn",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<ApplicationStatus> {
        ApplicationStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
    }

    /// No move leaves these.
    pub fn is_final(self) -> bool {
        use ApplicationStatus::*;
        matches!(
            self,
            NotShortlisted | Unsuccessful | Appointed | OfferWithdrawn | Withdrawn
        )
    }

    /// Still in the running: scores may be recorded.
    pub fn is_live(self) -> bool {
        !self.is_final()
    }

    /// submitted → shortlisted | not_shortlisted; shortlisted → offered | unsuccessful;
    /// offered → appointed | offer_withdrawn; any non-final → withdrawn.
    pub fn can_become(self, to: ApplicationStatus) -> bool {
        use ApplicationStatus::*;
        if self.is_final() {
            return false;
        }
        matches!(
            (self, to),
            (Submitted, Shortlisted)
                | (Submitted, NotShortlisted)
                | (Shortlisted, Offered)
                | (Shortlisted, Unsuccessful)
                | (Offered, Appointed)
                | (Offered, OfferWithdrawn)
                | (_, Withdrawn)
        )
    }

    /// Moves that close a door on the applicant must say why.
    pub fn needs_reason(self) -> bool {
        use ApplicationStatus::*;
        matches!(self, NotShortlisted | Unsuccessful | OfferWithdrawn)
    }
}

/// `C-0001` for the first applicant to a vacancy; widens past 9999.
pub fn candidate_code(number: i32) -> String {
    format!("C-{number:04}")
}

/// Emails compare case-insensitively for the one-application-per-candidate rule.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// What an applicant declares, checked for plausibility (not truth: checks do that).
pub fn validate_declarations(
    penalty_points: Option<i32>,
    at_fault_accidents: Option<i32>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if penalty_points.is_some_and(|p| !(0..=99).contains(&p)) {
        errors.push(FieldError::new(
            "declarations.penalty_points",
            "must be between 0 and 99",
        ));
    }
    if at_fault_accidents.is_some_and(|a| !(0..=99).contains(&a)) {
        errors.push(FieldError::new(
            "declarations.at_fault_accidents",
            "must be between 0 and 99",
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use ApplicationStatus::*;

    #[test]
    fn lifecycle_follows_the_domain_rules() {
        let allowed = [
            (Submitted, Shortlisted),
            (Submitted, NotShortlisted),
            (Shortlisted, Offered),
            (Shortlisted, Unsuccessful),
            (Offered, Appointed),
            (Offered, OfferWithdrawn),
            (Submitted, Withdrawn),
            (Shortlisted, Withdrawn),
            (Offered, Withdrawn),
        ];
        for from in ApplicationStatus::ALL {
            for to in ApplicationStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn final_states_are_not_live() {
        for s in ApplicationStatus::ALL {
            assert_eq!(s.is_live(), matches!(s, Submitted | Shortlisted | Offered));
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn candidate_codes_are_zero_padded() {
        assert_eq!(candidate_code(1), "C-0001");
        assert_eq!(candidate_code(42), "C-0042");
        assert_eq!(candidate_code(12345), "C-12345");
    }

    #[test]
    fn emails_compare_without_case_or_spaces() {
        assert_eq!(
            normalise_email("  Jo.Bloggs@Example.ORG "),
            "jo.bloggs@example.org"
        );
    }

    #[test]
    fn declared_driving_figures_must_be_plausible() {
        assert!(validate_declarations(Some(10), Some(0)).is_empty());
        assert_eq!(validate_declarations(Some(-1), Some(100)).len(), 2);
    }
}
