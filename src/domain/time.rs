//! UK civil time, which closing dates are written in.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

/// The UK calendar date at instant `t`: GMT in winter, BST (UTC+1) from 01:00 UTC on
/// the last Sunday of March to 01:00 UTC on the last Sunday of October.
pub fn uk_date(t: DateTime<Utc>) -> NaiveDate {
    let year = t.year();
    let bst_start = last_sunday_1am_utc(year, 3);
    let bst_end = last_sunday_1am_utc(year, 10);
    let offset = if t >= bst_start && t < bst_end {
        Duration::hours(1)
    } else {
        Duration::zero()
    };
    (t + offset).date_naive()
}

fn last_sunday_1am_utc(year: i32, month: u32) -> DateTime<Utc> {
    let mut day = NaiveDate::from_ymd_opt(year, month + 1, 1)
        .and_then(|d| d.pred_opt())
        .expect("valid month");
    while day.weekday() != Weekday::Sun {
        day = day.pred_opt().expect("valid date");
    }
    Utc.from_utc_datetime(&day.and_hms_opt(1, 0, 0).expect("valid time"))
}

/// Applications close at the end of the closing date, UK time.
pub fn is_before_close(closing: NaiveDate, now: DateTime<Utc>) -> bool {
    uk_date(now) <= closing
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn winter_uk_date_is_the_utc_date() {
        assert_eq!(
            uk_date(utc(2026, 11, 25, 23, 30)),
            NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
        );
    }

    #[test]
    fn summer_uk_date_runs_an_hour_ahead() {
        assert_eq!(
            uk_date(utc(2026, 7, 1, 23, 30)),
            NaiveDate::from_ymd_opt(2026, 7, 2).unwrap()
        );
    }

    #[test]
    fn bst_starts_and_ends_on_the_last_sundays_at_one_utc() {
        // 2026: BST from 29 March to 25 October.
        assert_eq!(uk_date(utc(2026, 3, 29, 0, 59)).day(), 29);
        assert_eq!(uk_date(utc(2026, 3, 29, 23, 30)).day(), 30);
        assert_eq!(uk_date(utc(2026, 10, 25, 0, 30)).day(), 25);
        assert_eq!(uk_date(utc(2026, 10, 25, 23, 30)).day(), 25);
    }

    #[test]
    fn applications_close_at_the_end_of_the_closing_day() {
        let closing = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        assert!(is_before_close(closing, utc(2026, 7, 1, 22, 59)));
        assert!(!is_before_close(closing, utc(2026, 7, 1, 23, 0)));
    }
}
