//! Vacancy lifecycle and the rules a vacancy's own settings must satisfy.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::FieldError;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }
    };
}

text_enum!(
    /// Where a vacancy is in its life.
    VacancyStatus {
        Draft => "draft",
        Open => "open",
        Closed => "closed",
        Filled => "filled",
        Cancelled => "cancelled",
    }
);

text_enum!(
    /// The Disclosure and Barring Service check a post needs.
    DbsLevel {
        None => "none",
        Basic => "basic",
        Standard => "standard",
        Enhanced => "enhanced",
        EnhancedBarredChildren => "enhanced_barred_children",
        EnhancedBarredAdults => "enhanced_barred_adults",
        EnhancedBarredBoth => "enhanced_barred_both",
    }
);

text_enum!(
    /// How much driving a post involves.
    DrivingRequirement {
        None => "none",
        Occasional => "occasional",
        Regular => "regular",
        Required => "required",
    }
);

impl VacancyStatus {
    /// The lifecycle: draft → open → closed → filled, and draft|open|closed → cancelled.
    pub fn can_become(self, to: VacancyStatus) -> bool {
        use VacancyStatus::*;
        matches!(
            (self, to),
            (Draft, Open)
                | (Open, Closed)
                | (Closed, Filled)
                | (Draft, Cancelled)
                | (Open, Cancelled)
                | (Closed, Cancelled)
        )
    }

    /// Applicants are judged against the specification they applied to, so it is
    /// frozen from the moment the vacancy opens.
    pub fn spec_editable(self) -> bool {
        self == VacancyStatus::Draft
    }

    pub fn is_final(self) -> bool {
        matches!(self, VacancyStatus::Filled | VacancyStatus::Cancelled)
    }
}

impl DrivingRequirement {
    /// Whether a licence check is a pre-employment requirement.
    pub fn needs_licence(self) -> bool {
        matches!(
            self,
            DrivingRequirement::Regular | DrivingRequirement::Required
        )
    }
}

/// Default driving thresholds (seed 001: up to 9 penalty points, up to 3 at-fault
/// accidents in two years).
pub const DEFAULT_MAX_PENALTY_POINTS: i32 = 9;
pub const DEFAULT_MAX_AT_FAULT_ACCIDENTS: i32 = 3;
/// Seed 001's trigger points for corrective driver training: 6 penalty points, 2
/// at-fault accidents in two years (see `evaluation::driving_training_required`).
pub const DEFAULT_TRAINING_PENALTY_POINTS: i32 = 6;
pub const DEFAULT_TRAINING_AT_FAULT_ACCIDENTS: i32 = 2;
pub const DEFAULT_REFERENCES_REQUIRED: i32 = 2;

/// The highest scale point allowed. Real scales run 0–3 to 1–7; the bound keeps every
/// sum and spread far from integer overflow.
pub const MAX_SCALE: i32 = 100;

/// The settings of a vacancy that rules apply to across fields.
#[derive(Debug, Clone, PartialEq)]
pub struct VacancySettings {
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub scoring_min: i32,
    pub scoring_max: i32,
    pub scoring_pass_mark: i32,
    pub max_penalty_points: i32,
    pub max_at_fault_accidents: i32,
    pub training_penalty_points: i32,
    pub training_at_fault_accidents: i32,
    pub references_required: i32,
    pub hours_per_week: Option<f64>,
    pub shortlisting_methods_count: usize,
}

/// Cross-field rules of a vacancy; field-local limits are checked at the API edge.
pub fn validate_settings(s: &VacancySettings) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(min) = s.salary_min {
        if !min.is_finite() || min < 0.0 {
            errors.push(FieldError::new(
                "salary_min",
                "must be a non-negative amount",
            ));
        }
    }
    if let Some(max) = s.salary_max {
        if !max.is_finite() || max < 0.0 {
            errors.push(FieldError::new(
                "salary_max",
                "must be a non-negative amount",
            ));
        }
    }
    if let (Some(min), Some(max)) = (s.salary_min, s.salary_max) {
        if min > max {
            errors.push(FieldError::new(
                "salary_max",
                "must be greater than or equal to salary_min",
            ));
        }
    }
    if let Some(hours) = s.hours_per_week {
        if !hours.is_finite() || hours <= 0.0 || hours > 168.0 {
            errors.push(FieldError::new(
                "hours_per_week",
                "must be more than 0 and at most 168",
            ));
        }
    }
    if s.scoring_min < 0 || s.scoring_max > MAX_SCALE {
        errors.push(FieldError::new(
            "scoring",
            format!("the scale must lie within 0 to {MAX_SCALE}"),
        ));
    }
    if s.scoring_min >= s.scoring_max {
        errors.push(FieldError::new(
            "scoring.max",
            "must be greater than scoring.min",
        ));
    }
    if s.scoring_pass_mark <= s.scoring_min || s.scoring_pass_mark > s.scoring_max {
        errors.push(FieldError::new(
            "scoring.pass_mark",
            "must be greater than scoring.min and at most scoring.max",
        ));
    }
    if s.max_penalty_points < 0 {
        errors.push(FieldError::new(
            "max_penalty_points",
            "must not be negative",
        ));
    }
    if s.max_at_fault_accidents < 0 {
        errors.push(FieldError::new(
            "max_at_fault_accidents",
            "must not be negative",
        ));
    }
    // At 0 every driver, even one with a clean licence, would be sent on training.
    if s.training_penalty_points < 1 {
        errors.push(FieldError::new(
            "training_penalty_points",
            "must be at least 1",
        ));
    }
    if s.training_at_fault_accidents < 1 {
        errors.push(FieldError::new(
            "training_at_fault_accidents",
            "must be at least 1",
        ));
    }
    if s.references_required < 0 {
        errors.push(FieldError::new(
            "references_required",
            "must not be negative",
        ));
    }
    if s.shortlisting_methods_count == 0 {
        errors.push(FieldError::new(
            "shortlisting_methods",
            "must name at least one assessment method",
        ));
    }
    errors
}

/// Why a draft vacancy cannot open yet; empty when it can.
pub fn open_blockers(
    closing_date: Option<NaiveDate>,
    today: NaiveDate,
    essential_criteria: usize,
) -> Vec<String> {
    let mut blockers = Vec::new();
    match closing_date {
        None => blockers.push("a closing_date is required to open the vacancy".to_string()),
        Some(date) if date < today => {
            blockers.push(format!("the closing_date {date} has already passed"))
        }
        Some(_) => {}
    }
    if essential_criteria == 0 {
        blockers
            .push("the person specification needs at least one essential criterion".to_string());
    }
    blockers
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn settings() -> VacancySettings {
        VacancySettings {
            salary_min: Some(32_000.0),
            salary_max: Some(38_000.0),
            scoring_min: 0,
            scoring_max: 3,
            scoring_pass_mark: 2,
            max_penalty_points: DEFAULT_MAX_PENALTY_POINTS,
            max_at_fault_accidents: DEFAULT_MAX_AT_FAULT_ACCIDENTS,
            training_penalty_points: DEFAULT_TRAINING_PENALTY_POINTS,
            training_at_fault_accidents: DEFAULT_TRAINING_AT_FAULT_ACCIDENTS,
            references_required: 2,
            hours_per_week: Some(37.0),
            shortlisting_methods_count: 1,
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn lifecycle_allows_only_the_documented_moves() {
        use VacancyStatus::*;
        let allowed = [
            (Draft, Open),
            (Open, Closed),
            (Closed, Filled),
            (Draft, Cancelled),
            (Open, Cancelled),
            (Closed, Cancelled),
        ];
        for &from in VacancyStatus::ALL {
            for &to in VacancyStatus::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
    }

    #[test]
    fn final_states_have_no_way_out() {
        for &from in VacancyStatus::ALL.iter().filter(|s| s.is_final()) {
            assert!(VacancyStatus::ALL.iter().all(|&to| !from.can_become(to)));
        }
    }

    #[test]
    fn spec_is_editable_only_in_draft() {
        for &s in VacancyStatus::ALL {
            assert_eq!(s.spec_editable(), s == VacancyStatus::Draft);
        }
    }

    #[test]
    fn text_forms_round_trip() {
        for &s in VacancyStatus::ALL {
            assert_eq!(VacancyStatus::parse(s.as_str()), Some(s));
        }
        for &d in DbsLevel::ALL {
            assert_eq!(DbsLevel::parse(d.as_str()), Some(d));
        }
        for &d in DrivingRequirement::ALL {
            assert_eq!(DrivingRequirement::parse(d.as_str()), Some(d));
        }
        assert_eq!(VacancyStatus::parse("OPEN"), None);
    }

    #[test]
    fn only_regular_and_required_driving_need_a_licence() {
        assert!(!DrivingRequirement::None.needs_licence());
        assert!(!DrivingRequirement::Occasional.needs_licence());
        assert!(DrivingRequirement::Regular.needs_licence());
        assert!(DrivingRequirement::Required.needs_licence());
    }

    #[test]
    fn valid_settings_pass() {
        assert!(validate_settings(&settings()).is_empty());
    }

    #[test]
    fn civil_service_scale_one_to_seven_pass_four_is_expressible() {
        let s = VacancySettings {
            scoring_min: 1,
            scoring_max: 7,
            scoring_pass_mark: 4,
            ..settings()
        };
        assert!(validate_settings(&s).is_empty());
    }

    #[test]
    fn salary_min_above_max_is_refused() {
        let s = VacancySettings {
            salary_min: Some(40_000.0),
            ..settings()
        };
        assert_eq!(fields(&validate_settings(&s)), ["salary_max"]);
    }

    #[test]
    fn pass_mark_must_lie_above_min_and_at_most_max() {
        for (min, max, pass, ok) in [
            (0, 3, 2, true),
            (0, 3, 3, true),
            (0, 3, 0, false),
            (0, 3, 4, false),
        ] {
            let s = VacancySettings {
                scoring_min: min,
                scoring_max: max,
                scoring_pass_mark: pass,
                ..settings()
            };
            assert_eq!(
                validate_settings(&s).is_empty(),
                ok,
                "{min}-{max} pass {pass}"
            );
        }
    }

    #[test]
    fn scales_stay_within_zero_to_a_hundred() {
        for (min, max) in [(-1, 3), (0, 101), (i32::MIN, i32::MAX)] {
            let s = VacancySettings {
                scoring_min: min,
                scoring_max: max,
                scoring_pass_mark: max.min(1),
                ..settings()
            };
            assert!(
                fields(&validate_settings(&s)).contains(&"scoring"),
                "{min}-{max}"
            );
        }
    }

    #[test]
    fn scale_needs_max_above_min() {
        let s = VacancySettings {
            scoring_min: 3,
            scoring_max: 3,
            scoring_pass_mark: 3,
            ..settings()
        };
        assert!(fields(&validate_settings(&s)).contains(&"scoring.max"));
    }

    #[test]
    fn thresholds_must_not_be_negative() {
        let s = VacancySettings {
            max_penalty_points: -1,
            max_at_fault_accidents: -1,
            references_required: -1,
            ..settings()
        };
        assert_eq!(
            fields(&validate_settings(&s)),
            [
                "max_penalty_points",
                "max_at_fault_accidents",
                "references_required"
            ]
        );
    }

    #[test]
    fn opening_needs_a_future_closing_date_and_an_essential_criterion() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(open_blockers(Some(today), today, 1).is_empty());
        assert_eq!(open_blockers(None, today, 1).len(), 1);
        assert_eq!(open_blockers(today.pred_opt(), today, 1).len(), 1);
        assert_eq!(open_blockers(Some(today), today, 0).len(), 1);
        assert_eq!(open_blockers(None, today, 0).len(), 2);
    }

    proptest! {
        #[test]
        fn any_ordered_scale_with_pass_inside_is_valid(min in 0i32..10, span in 1i32..10, k in 1i32..10) {
            let max = min + span;
            let pass = min + 1 + (k % span);
            let s = VacancySettings { scoring_min: min, scoring_max: max, scoring_pass_mark: pass, ..settings() };
            prop_assert!(validate_settings(&s).is_empty());
        }

        #[test]
        fn salary_order_decides_validity(a in 0u32..200_000, b in 0u32..200_000) {
            let s = VacancySettings { salary_min: Some(a as f64), salary_max: Some(b as f64), ..settings() };
            prop_assert_eq!(validate_settings(&s).is_empty(), a <= b);
        }
    }
}
