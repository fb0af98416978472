//! Pre-employment checks: which a vacancy requires.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::vacancy::{DbsLevel, DrivingRequirement};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    RightToWork,
    Dbs,
    DrivingLicence,
    References,
    ProfessionalRegistration,
    OccupationalHealth,
}

impl CheckKind {
    pub const ALL: [CheckKind; 6] = [
        CheckKind::RightToWork,
        CheckKind::Dbs,
        CheckKind::DrivingLicence,
        CheckKind::References,
        CheckKind::ProfessionalRegistration,
        CheckKind::OccupationalHealth,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::RightToWork => "right_to_work",
            CheckKind::Dbs => "dbs",
            CheckKind::DrivingLicence => "driving_licence",
            CheckKind::References => "references",
            CheckKind::ProfessionalRegistration => "professional_registration",
            CheckKind::OccupationalHealth => "occupational_health",
        }
    }

    pub fn parse(text: &str) -> Option<CheckKind> {
        CheckKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// What of a vacancy decides its checks.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckRequirements {
    pub dbs_level: DbsLevel,
    pub driving: DrivingRequirement,
    pub references_required: i32,
    pub professional_registration: bool,
    pub occupational_health: bool,
}

/// Right to work always; DBS when a level is set; a licence for regular or required
/// drivers; references when any are asked for; registration when a body is named;
/// occupational health when the vacancy says so.
pub fn required_checks(r: &CheckRequirements) -> Vec<CheckKind> {
    let mut kinds = vec![CheckKind::RightToWork];
    if r.dbs_level != DbsLevel::None {
        kinds.push(CheckKind::Dbs);
    }
    if r.driving.needs_licence() {
        kinds.push(CheckKind::DrivingLicence);
    }
    if r.references_required > 0 {
        kinds.push(CheckKind::References);
    }
    if r.professional_registration {
        kinds.push(CheckKind::ProfessionalRegistration);
    }
    if r.occupational_health {
        kinds.push(CheckKind::OccupationalHealth);
    }
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none() -> CheckRequirements {
        CheckRequirements {
            dbs_level: DbsLevel::None,
            driving: DrivingRequirement::None,
            references_required: 0,
            professional_registration: false,
            occupational_health: false,
        }
    }

    #[test]
    fn right_to_work_is_always_required() {
        assert_eq!(required_checks(&none()), vec![CheckKind::RightToWork]);
    }

    #[test]
    fn social_worker_needs_every_check_but_occupational_health() {
        // Seed 001: regular driver, enhanced DBS, Social Work England, two references.
        let r = CheckRequirements {
            dbs_level: DbsLevel::EnhancedBarredBoth,
            driving: DrivingRequirement::Regular,
            references_required: 2,
            professional_registration: true,
            occupational_health: false,
        };
        assert_eq!(
            required_checks(&r),
            vec![
                CheckKind::RightToWork,
                CheckKind::Dbs,
                CheckKind::DrivingLicence,
                CheckKind::References,
                CheckKind::ProfessionalRegistration
            ]
        );
    }

    #[test]
    fn occasional_driving_needs_no_licence_check() {
        let r = CheckRequirements {
            driving: DrivingRequirement::Occasional,
            ..none()
        };
        assert!(!required_checks(&r).contains(&CheckKind::DrivingLicence));
        let r = CheckRequirements {
            driving: DrivingRequirement::Required,
            occupational_health: true,
            ..none()
        };
        assert_eq!(
            required_checks(&r),
            vec![
                CheckKind::RightToWork,
                CheckKind::DrivingLicence,
                CheckKind::OccupationalHealth
            ]
        );
    }
}
