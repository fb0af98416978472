//! Pre-employment checks: which a vacancy requires, when a passed check falls due
//! again, and which checks belong on the org's worklist.

use chrono::{Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::application::ApplicationStatus;
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
    /// BPSS: the person is who they say they are.
    Identity,
    /// BPSS: the last three years of employment (and gaps) verified.
    EmploymentHistory,
}

impl CheckKind {
    pub const ALL: [CheckKind; 8] = [
        CheckKind::RightToWork,
        CheckKind::Dbs,
        CheckKind::DrivingLicence,
        CheckKind::References,
        CheckKind::ProfessionalRegistration,
        CheckKind::OccupationalHealth,
        CheckKind::Identity,
        CheckKind::EmploymentHistory,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::RightToWork => "right_to_work",
            CheckKind::Dbs => "dbs",
            CheckKind::DrivingLicence => "driving_licence",
            CheckKind::References => "references",
            CheckKind::ProfessionalRegistration => "professional_registration",
            CheckKind::OccupationalHealth => "occupational_health",
            CheckKind::Identity => "identity",
            CheckKind::EmploymentHistory => "employment_history",
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
    /// Baseline Personnel Security Standard.
    pub bpss: bool,
}

/// Months of employment history a BPSS check verifies (three years).
pub const BPSS_EMPLOYMENT_HISTORY_MONTHS: i32 = 36;

/// The DBS level checks are held to: the vacancy's own, raised to basic when BPSS is
/// required (BPSS includes a basic criminal record check). The vacancy keeps the level
/// the recruiter set in `dbs_level`; this one is shown beside it as
/// `effective_dbs_level`.
pub fn effective_dbs_level(dbs_level: DbsLevel, bpss: bool) -> DbsLevel {
    if bpss && dbs_level == DbsLevel::None {
        DbsLevel::Basic
    } else {
        dbs_level
    }
}

/// Right to work always; DBS when a level is set (or BPSS asks for one); a licence for
/// regular or required drivers; references when any are asked for; registration when
/// a body is named; occupational health when the vacancy says so; identity and
/// employment history for BPSS.
pub fn required_checks(r: &CheckRequirements) -> Vec<CheckKind> {
    let mut kinds = vec![CheckKind::RightToWork];
    if effective_dbs_level(r.dbs_level, r.bpss) != DbsLevel::None {
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
    if r.bpss {
        kinds.push(CheckKind::Identity);
        kinds.push(CheckKind::EmploymentHistory);
    }
    kinds
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    NotStarted,
    InProgress,
    Clear,
    /// E.g. a DBS certificate with information: needs a risk assessment.
    Concern,
    Failed,
    /// Not needed for this person, with a reason (e.g. a reasonable adjustment).
    Waived,
}

impl CheckStatus {
    pub const ALL: [CheckStatus; 6] = [
        CheckStatus::NotStarted,
        CheckStatus::InProgress,
        CheckStatus::Clear,
        CheckStatus::Concern,
        CheckStatus::Failed,
        CheckStatus::Waived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::NotStarted => "not_started",
            CheckStatus::InProgress => "in_progress",
            CheckStatus::Clear => "clear",
            CheckStatus::Concern => "concern",
            CheckStatus::Failed => "failed",
            CheckStatus::Waived => "waived",
        }
    }

    pub fn parse(text: &str) -> Option<CheckStatus> {
        CheckStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Clear or waived: nothing more stands in the way of an appointment.
    pub fn is_settled(self) -> bool {
        matches!(self, CheckStatus::Clear | CheckStatus::Waived)
    }
}

/// Whether a DBS check done at `checked` covers a post that needs `required`: the
/// levels rise basic < standard < enhanced, and a barred-list check covers only the
/// workforce (children, adults or both) it searched.
pub fn dbs_covers(checked: DbsLevel, required: DbsLevel) -> bool {
    use DbsLevel::*;
    fn rank(level: DbsLevel) -> u8 {
        match level {
            None => 0,
            Basic => 1,
            Standard => 2,
            Enhanced | EnhancedBarredChildren | EnhancedBarredAdults | EnhancedBarredBoth => 3,
        }
    }
    fn barred(level: DbsLevel) -> (bool, bool) {
        match level {
            EnhancedBarredChildren => (true, false),
            EnhancedBarredAdults => (false, true),
            EnhancedBarredBoth => (true, true),
            _ => (false, false),
        }
    }
    let (need_children, need_adults) = barred(required);
    let (has_children, has_adults) = barred(checked);
    rank(checked) >= rank(required)
        && (!need_children || has_children)
        && (!need_adults || has_adults)
}

/// What a recorded check says, as the rules need it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CheckFindings {
    pub dbs_level_checked: Option<DbsLevel>,
    pub penalty_points: Option<i32>,
    pub at_fault_accidents: Option<i32>,
    pub references_received: Option<i32>,
    /// Right to work: the end of a time-limited permission.
    pub rtw_expires_on: Option<NaiveDate>,
    /// DBS: the certificate's issue date.
    pub dbs_issued_on: Option<NaiveDate>,
    /// Employment history: months verified.
    pub months_covered: Option<i32>,
}

/// The vacancy's standards a check is judged against.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckStandards {
    /// The effective level (see [`effective_dbs_level`]).
    pub dbs_level: DbsLevel,
    pub max_penalty_points: i32,
    pub max_at_fault_accidents: i32,
    pub references_required: i32,
    /// Today in the UK: an expired permission cannot be clear, nor a certificate
    /// issued in the future.
    pub today: NaiveDate,
}

/// Rules on recording a check: a waiver needs a reason; `clear` must be true of the
/// findings (a DBS check at the required level, a licence within the thresholds, the
/// references required all received, a permission to work not yet expired, three
/// years of employment history); a DBS certificate cannot be issued in the future.
pub fn validate_check(
    kind: CheckKind,
    status: CheckStatus,
    reason: Option<&str>,
    findings: &CheckFindings,
    standards: &CheckStandards,
) -> Vec<super::FieldError> {
    use super::FieldError;
    let mut errors = Vec::new();
    if status == CheckStatus::Waived && reason.is_none_or(|r| r.trim().is_empty()) {
        errors.push(FieldError::new("reason", "a waiver needs a reason"));
    }
    if kind == CheckKind::Dbs && findings.dbs_issued_on.is_some_and(|d| d > standards.today) {
        errors.push(FieldError::new(
            "details.issued_on",
            "a certificate cannot be issued in the future",
        ));
    }
    if status != CheckStatus::Clear {
        return errors;
    }
    match kind {
        CheckKind::Dbs => match findings.dbs_level_checked {
            Option::None => errors.push(FieldError::new(
                "details.level_checked",
                "a clear DBS check must say which level was checked",
            )),
            Some(level) if !dbs_covers(level, standards.dbs_level) => errors.push(FieldError::new(
                "details.level_checked",
                format!(
                    "a {} check is below the {} level this post requires and cannot be clear",
                    level.as_str(),
                    standards.dbs_level.as_str()
                ),
            )),
            Some(_) => {}
        },
        CheckKind::DrivingLicence => {
            if findings
                .penalty_points
                .is_some_and(|p| p > standards.max_penalty_points)
            {
                errors.push(FieldError::new(
                    "details.penalty_points",
                    format!(
                        "more than the {} penalty points this post allows: record a concern, a failure or a waiver with a reason",
                        standards.max_penalty_points
                    ),
                ));
            }
            if findings
                .at_fault_accidents
                .is_some_and(|a| a > standards.max_at_fault_accidents)
            {
                errors.push(FieldError::new(
                    "details.at_fault_accidents",
                    format!(
                        "more than the {} at-fault accidents this post allows: record a concern, a failure or a waiver with a reason",
                        standards.max_at_fault_accidents
                    ),
                ));
            }
        }
        CheckKind::References => {
            let received = findings.references_received.unwrap_or(0);
            if received < standards.references_required {
                errors.push(FieldError::new(
                    "details.received",
                    format!(
                        "{received} of {} references received: not yet clear",
                        standards.references_required
                    ),
                ));
            }
        }
        CheckKind::RightToWork => {
            if let Some(expires) = findings.rtw_expires_on.filter(|d| *d <= standards.today) {
                errors.push(FieldError::new(
                    "details.expires_on",
                    format!("the permission ended on {expires}: it cannot be clear"),
                ));
            }
        }
        CheckKind::EmploymentHistory => {
            let covered = findings.months_covered.unwrap_or(0);
            if covered < BPSS_EMPLOYMENT_HISTORY_MONTHS {
                errors.push(FieldError::new(
                    "details.months_covered",
                    format!(
                        "{covered} of the {BPSS_EMPLOYMENT_HISTORY_MONTHS} months of employment history verified: not yet clear"
                    ),
                ));
            }
        }
        _ => {}
    }
    errors
}

/// How long before a time-limited permission to work ends its follow-up check falls
/// due. The employer keeps its statutory excuse only if the follow-up is done before
/// expiry; four weeks leave time to get a new share code or, when the person has
/// applied to extend their permission, an Employer Checking Service answer (up to five
/// working days) with a margin for leave and holidays.
pub const RIGHT_TO_WORK_FOLLOW_UP_LEAD_DAYS: u64 = 28;

/// Default months between a DBS certificate's issue and its re-check (an org setting):
/// three years, the interval most councils' safer-recruitment policies set.
pub const DEFAULT_DBS_RECHECK_MONTHS: i32 = 36;

/// When a recorded check falls due again, if ever: a clear right-to-work check with a
/// time-limited permission falls due [`RIGHT_TO_WORK_FOLLOW_UP_LEAD_DAYS`] before the
/// permission ends; a clear DBS check with an issue date falls due `dbs_recheck_months`
/// after it. Nothing else falls due (an unrecorded check is outstanding, not due).
pub fn due_on(
    kind: CheckKind,
    status: CheckStatus,
    findings: &CheckFindings,
    dbs_recheck_months: i32,
) -> Option<NaiveDate> {
    if status != CheckStatus::Clear {
        return None;
    }
    match kind {
        CheckKind::RightToWork => findings.rtw_expires_on.map(|end| {
            end.checked_sub_days(Days::new(RIGHT_TO_WORK_FOLLOW_UP_LEAD_DAYS))
                .unwrap_or(end)
        }),
        CheckKind::Dbs => {
            let months = u32::try_from(dbs_recheck_months.max(1)).unwrap_or(1);
            findings
                .dbs_issued_on
                .and_then(|issued| issued.checked_add_months(Months::new(months)))
        }
        _ => None,
    }
}

/// Whether a check of an application in `status` may be recorded: any check while the
/// application is live; after appointment only a check with a follow-up date (a
/// right-to-work follow-up, a DBS re-check), which the worklist asks for. Every other
/// check of an appointed person stays as the appointment saw it.
pub fn may_record(status: ApplicationStatus, has_follow_up: bool) -> bool {
    status.is_live() || (status == ApplicationStatus::Appointed && has_follow_up)
}

/// Which of an application's check rows the org's worklist shows. (A vacancy that is
/// over takes its unappointed applicants' rows off too: `db::checks::vacancy_over`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorklistMembership {
    /// Still in the running: every check is work to do or done.
    All,
    /// Appointed: only checks that fall due again (a right-to-work follow-up, a DBS
    /// re-check) are still work; the rest were settled before the appointment.
    DatedOnly,
    /// Turned down, withdrawn or erased: nothing.
    None,
}

pub fn worklist_membership(status: ApplicationStatus, erased: bool) -> WorklistMembership {
    if erased {
        WorklistMembership::None
    } else if status.is_live() {
        WorklistMembership::All
    } else if status == ApplicationStatus::Appointed {
        WorklistMembership::DatedOnly
    } else {
        WorklistMembership::None
    }
}

/// Required checks that are not yet clear or waived, and those that failed.
pub fn outstanding(
    required: &[CheckKind],
    recorded: &[(CheckKind, CheckStatus)],
) -> (Vec<CheckKind>, Vec<CheckKind>) {
    let status_of = |kind: CheckKind| {
        recorded
            .iter()
            .find(|(k, _)| *k == kind)
            .map(|(_, s)| *s)
            .unwrap_or(CheckStatus::NotStarted)
    };
    let pending = required
        .iter()
        .copied()
        .filter(|&k| {
            let s = status_of(k);
            !s.is_settled() && s != CheckStatus::Failed
        })
        .collect();
    let failed = required
        .iter()
        .copied()
        .filter(|&k| status_of(k) == CheckStatus::Failed)
        .collect();
    (pending, failed)
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
            bpss: false,
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
            bpss: false,
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

    fn standards() -> CheckStandards {
        CheckStandards {
            dbs_level: DbsLevel::EnhancedBarredChildren,
            max_penalty_points: 9,
            max_at_fault_accidents: 3,
            references_required: 2,
            today: date("2026-12-02"),
        }
    }

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn dbs_levels_cover_lower_levels_and_their_own_barred_lists() {
        use DbsLevel::*;
        assert!(dbs_covers(Enhanced, Standard));
        assert!(dbs_covers(Standard, Basic));
        assert!(!dbs_covers(Standard, Enhanced));
        assert!(dbs_covers(EnhancedBarredBoth, EnhancedBarredChildren));
        assert!(dbs_covers(EnhancedBarredChildren, Enhanced));
        assert!(!dbs_covers(EnhancedBarredAdults, EnhancedBarredChildren));
        assert!(!dbs_covers(Enhanced, EnhancedBarredAdults));
        for level in DbsLevel::ALL {
            assert!(dbs_covers(*level, *level));
            assert!(dbs_covers(*level, None));
        }
    }

    #[test]
    fn a_dbs_check_below_the_required_level_cannot_be_clear() {
        let below = CheckFindings {
            dbs_level_checked: Some(DbsLevel::Enhanced),
            ..Default::default()
        };
        let errors = validate_check(
            CheckKind::Dbs,
            CheckStatus::Clear,
            Option::None,
            &below,
            &standards(),
        );
        assert_eq!(errors[0].field, "details.level_checked");
        // Recording it as in progress or a concern is fine.
        assert!(validate_check(
            CheckKind::Dbs,
            CheckStatus::Concern,
            Option::None,
            &below,
            &standards()
        )
        .is_empty());
        let right = CheckFindings {
            dbs_level_checked: Some(DbsLevel::EnhancedBarredBoth),
            ..Default::default()
        };
        assert!(validate_check(
            CheckKind::Dbs,
            CheckStatus::Clear,
            Option::None,
            &right,
            &standards()
        )
        .is_empty());
    }

    #[test]
    fn a_licence_beyond_the_thresholds_cannot_be_clear() {
        let ten_points = CheckFindings {
            penalty_points: Some(10),
            at_fault_accidents: Some(4),
            ..Default::default()
        };
        assert_eq!(
            validate_check(
                CheckKind::DrivingLicence,
                CheckStatus::Clear,
                Option::None,
                &ten_points,
                &standards()
            )
            .len(),
            2
        );
        assert!(validate_check(
            CheckKind::DrivingLicence,
            CheckStatus::Waived,
            Some("Reasonable adjustment: travel by taxi"),
            &ten_points,
            &standards()
        )
        .is_empty());
        let nine = CheckFindings {
            penalty_points: Some(9),
            at_fault_accidents: Some(3),
            ..Default::default()
        };
        assert!(validate_check(
            CheckKind::DrivingLicence,
            CheckStatus::Clear,
            Option::None,
            &nine,
            &standards()
        )
        .is_empty());
    }

    #[test]
    fn waivers_need_a_reason_and_references_need_all_received() {
        let none = CheckFindings::default();
        assert_eq!(
            validate_check(
                CheckKind::RightToWork,
                CheckStatus::Waived,
                Option::None,
                &none,
                &standards()
            )[0]
            .field,
            "reason"
        );
        assert_eq!(
            validate_check(
                CheckKind::RightToWork,
                CheckStatus::Waived,
                Some(" "),
                &none,
                &standards()
            )
            .len(),
            1
        );
        let one = CheckFindings {
            references_received: Some(1),
            ..Default::default()
        };
        assert_eq!(
            validate_check(
                CheckKind::References,
                CheckStatus::Clear,
                Option::None,
                &one,
                &standards()
            )[0]
            .field,
            "details.received"
        );
        let two = CheckFindings {
            references_received: Some(2),
            ..Default::default()
        };
        assert!(validate_check(
            CheckKind::References,
            CheckStatus::Clear,
            Option::None,
            &two,
            &standards()
        )
        .is_empty());
    }

    #[test]
    fn outstanding_lists_unsettled_and_failed_checks_apart() {
        let required = [
            CheckKind::RightToWork,
            CheckKind::Dbs,
            CheckKind::DrivingLicence,
            CheckKind::References,
        ];
        let recorded = [
            (CheckKind::RightToWork, CheckStatus::Clear),
            (CheckKind::Dbs, CheckStatus::Concern),
            (CheckKind::References, CheckStatus::Failed),
            // Not required here: ignored.
            (CheckKind::OccupationalHealth, CheckStatus::Failed),
        ];
        let (pending, failed) = outstanding(&required, &recorded);
        assert_eq!(pending, vec![CheckKind::Dbs, CheckKind::DrivingLicence]);
        assert_eq!(failed, vec![CheckKind::References]);
        let all_clear: Vec<_> = required.iter().map(|k| (*k, CheckStatus::Clear)).collect();
        assert_eq!(outstanding(&required, &all_clear), (vec![], vec![]));
    }

    #[test]
    fn bpss_adds_identity_employment_history_and_a_basic_dbs() {
        let r = CheckRequirements {
            bpss: true,
            ..none()
        };
        assert_eq!(
            required_checks(&r),
            vec![
                CheckKind::RightToWork,
                CheckKind::Dbs,
                CheckKind::Identity,
                CheckKind::EmploymentHistory
            ]
        );
        assert_eq!(effective_dbs_level(DbsLevel::None, true), DbsLevel::Basic);
        // A higher level set on the vacancy stands.
        assert_eq!(
            effective_dbs_level(DbsLevel::Enhanced, true),
            DbsLevel::Enhanced
        );
        assert_eq!(effective_dbs_level(DbsLevel::None, false), DbsLevel::None);
        assert!(!required_checks(&none()).contains(&CheckKind::Identity));
    }

    #[test]
    fn employment_history_is_clear_only_with_three_years_verified() {
        let findings = |months| CheckFindings {
            months_covered: Some(months),
            ..Default::default()
        };
        let errors = validate_check(
            CheckKind::EmploymentHistory,
            CheckStatus::Clear,
            Option::None,
            &findings(35),
            &standards(),
        );
        assert_eq!(errors[0].field, "details.months_covered");
        assert!(validate_check(
            CheckKind::EmploymentHistory,
            CheckStatus::Clear,
            Option::None,
            &findings(36),
            &standards()
        )
        .is_empty());
        assert!(validate_check(
            CheckKind::EmploymentHistory,
            CheckStatus::InProgress,
            Option::None,
            &findings(12),
            &standards()
        )
        .is_empty());
    }

    #[test]
    fn an_expired_permission_cannot_be_clear_nor_a_future_certificate_recorded() {
        let expired = CheckFindings {
            rtw_expires_on: Some(date("2026-12-02")),
            ..Default::default()
        };
        let errors = validate_check(
            CheckKind::RightToWork,
            CheckStatus::Clear,
            Option::None,
            &expired,
            &standards(),
        );
        assert_eq!(errors[0].field, "details.expires_on");
        let future = CheckFindings {
            dbs_level_checked: Some(DbsLevel::EnhancedBarredChildren),
            dbs_issued_on: Some(date("2026-12-03")),
            ..Default::default()
        };
        let errors = validate_check(
            CheckKind::Dbs,
            CheckStatus::InProgress,
            Option::None,
            &future,
            &standards(),
        );
        assert_eq!(errors[0].field, "details.issued_on");
    }

    #[test]
    fn a_time_limited_permission_falls_due_four_weeks_before_it_ends() {
        let findings = CheckFindings {
            rtw_expires_on: Some(date("2027-03-31")),
            ..Default::default()
        };
        assert_eq!(
            due_on(CheckKind::RightToWork, CheckStatus::Clear, &findings, 36),
            Some(date("2027-03-03"))
        );
        // Not yet passed: nothing falls due, the check itself is outstanding.
        assert_eq!(
            due_on(
                CheckKind::RightToWork,
                CheckStatus::InProgress,
                &findings,
                36
            ),
            None
        );
        // Indefinite leave or a British passport: no follow-up.
        assert_eq!(
            due_on(
                CheckKind::RightToWork,
                CheckStatus::Clear,
                &CheckFindings::default(),
                36
            ),
            None
        );
    }

    #[test]
    fn a_dbs_certificate_falls_due_the_org_interval_after_issue() {
        let findings = CheckFindings {
            dbs_issued_on: Some(date("2026-08-31")),
            ..Default::default()
        };
        assert_eq!(
            due_on(CheckKind::Dbs, CheckStatus::Clear, &findings, 36),
            Some(date("2029-08-31"))
        );
        // Month ends clamp (31 August + 6 months is the end of February).
        assert_eq!(
            due_on(CheckKind::Dbs, CheckStatus::Clear, &findings, 6),
            Some(date("2027-02-28"))
        );
        assert_eq!(
            due_on(CheckKind::References, CheckStatus::Clear, &findings, 36),
            None
        );
    }

    #[test]
    fn the_worklist_keeps_live_applications_and_appointed_follow_ups() {
        use ApplicationStatus::*;
        for s in [Submitted, Shortlisted, Offered] {
            assert_eq!(worklist_membership(s, false), WorklistMembership::All);
            assert_eq!(worklist_membership(s, true), WorklistMembership::None);
        }
        assert_eq!(
            worklist_membership(Appointed, false),
            WorklistMembership::DatedOnly
        );
        for s in [NotShortlisted, Unsuccessful, OfferWithdrawn, Withdrawn] {
            assert_eq!(worklist_membership(s, false), WorklistMembership::None);
        }
    }

    #[test]
    fn after_appointment_only_follow_ups_are_recorded() {
        use ApplicationStatus::*;
        assert!(may_record(Submitted, false));
        assert!(may_record(Appointed, true));
        assert!(!may_record(Appointed, false));
        assert!(!may_record(Withdrawn, true));
    }

    proptest::proptest! {
        /// A follow-up never falls due after the permission it follows up has ended.
        #[test]
        fn follow_ups_fall_due_before_expiry(days in 0i64..20_000) {
            let end = date("2026-01-01") + chrono::Duration::days(days);
            let findings = CheckFindings { rtw_expires_on: Some(end), ..Default::default() };
            let due = due_on(CheckKind::RightToWork, CheckStatus::Clear, &findings, 36).unwrap();
            proptest::prop_assert!(due < end);
        }

        /// An appointment is possible exactly when every required check is settled.
        #[test]
        fn nothing_outstanding_iff_all_settled(statuses in proptest::collection::vec(0usize..6, 8)) {
            let recorded: Vec<_> = CheckKind::ALL.iter().zip(&statuses).map(|(k, s)| (*k, CheckStatus::ALL[*s])).collect();
            let (pending, failed) = outstanding(&CheckKind::ALL, &recorded);
            let all_settled = recorded.iter().all(|(_, s)| s.is_settled());
            proptest::prop_assert_eq!(pending.is_empty() && failed.is_empty(), all_settled);
        }
    }
}
