//! Retention of applicants' personal data and the small-number suppression of equality
//! reports.

use chrono::{Duration, NaiveDate};

use super::application::ApplicationStatus;
use super::vacancy::VacancyStatus;

/// Six months, in days: the usual recruitment retention period.
pub const DEFAULT_RETENTION_DAYS: i32 = 183;

/// Counts below this are suppressed in equality reports, so nobody can be singled out.
pub const SUPPRESSION_THRESHOLD: u32 = 5;

/// Applications whose outcome was not a job.
pub fn is_unsuccessful(status: ApplicationStatus) -> bool {
    use ApplicationStatus::*;
    matches!(
        status,
        NotShortlisted | Unsuccessful | Withdrawn | OfferWithdrawn
    )
}

/// Whether an application's personal data is due for anonymisation: unsuccessful, on a
/// vacancy that is over (closed, filled or cancelled), more than `retention_days`
/// after the vacancy closed, and not anonymised already.
pub fn due_for_anonymisation(
    status: ApplicationStatus,
    vacancy_status: VacancyStatus,
    closed_on: NaiveDate,
    today: NaiveDate,
    retention_days: i32,
    already_anonymised: bool,
) -> bool {
    !already_anonymised
        && is_unsuccessful(status)
        && matches!(
            vacancy_status,
            VacancyStatus::Closed | VacancyStatus::Filled | VacancyStatus::Cancelled
        )
        && closed_on + Duration::days(i64::from(retention_days)) < today
}

/// A count as published: `None` (suppressed) when below the threshold.
pub fn publishable(count: u32) -> Option<u32> {
    (count >= SUPPRESSION_THRESHOLD).then_some(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(d: &str) -> NaiveDate {
        NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn unsuccessful_applicants_of_a_closed_vacancy_are_due_after_the_period() {
        let closed = day("2026-01-31");
        let due = |today: &str| {
            due_for_anonymisation(
                ApplicationStatus::NotShortlisted,
                VacancyStatus::Filled,
                closed,
                day(today),
                DEFAULT_RETENTION_DAYS,
                false,
            )
        };
        assert!(!due("2026-08-02"), "183 days after is still kept");
        assert!(due("2026-08-03"));
    }

    #[test]
    fn appointees_open_vacancies_and_done_ones_are_never_due() {
        let (closed, today) = (day("2020-01-01"), day("2026-01-01"));
        for status in [
            ApplicationStatus::Appointed,
            ApplicationStatus::Offered,
            ApplicationStatus::Shortlisted,
            ApplicationStatus::Submitted,
        ] {
            assert!(!due_for_anonymisation(
                status,
                VacancyStatus::Filled,
                closed,
                today,
                183,
                false
            ));
        }
        assert!(!due_for_anonymisation(
            ApplicationStatus::Withdrawn,
            VacancyStatus::Open,
            closed,
            today,
            183,
            false
        ));
        assert!(!due_for_anonymisation(
            ApplicationStatus::Withdrawn,
            VacancyStatus::Cancelled,
            closed,
            today,
            183,
            true
        ));
        assert!(due_for_anonymisation(
            ApplicationStatus::Withdrawn,
            VacancyStatus::Cancelled,
            closed,
            today,
            183,
            false
        ));
    }

    #[test]
    fn counts_below_five_are_suppressed() {
        assert_eq!(publishable(0), None);
        assert_eq!(publishable(4), None);
        assert_eq!(publishable(5), Some(5));
    }

    proptest! {
        #[test]
        fn no_published_count_is_below_the_threshold(n in 0u32..1000) {
            if let Some(c) = publishable(n) { prop_assert!(c >= SUPPRESSION_THRESHOLD); }
        }
    }
}
