//! Personal data: retention, erasure and the equality report.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::locks;
use super::rules;
use crate::api::privacy::{
    AnonymisedApplication, CharacteristicReport, CharacteristicValue, EqualityReport, OrgSettings,
    RetentionReport, StageCounts, POOLED,
};
use crate::auth::Caller;
use crate::db::applications::ApplicationRow;
use crate::db::audit::{self, Actor};
use crate::db::privacy as store;
use crate::db::vacancies::VacancyRow;
use crate::db::{self, Db, DbConnection, LockMode};
use crate::domain::application::ApplicationStatus;
use crate::domain::privacy::{
    due_for_anonymisation, publishable, DEFAULT_RETENTION_DAYS, SUPPRESSION_THRESHOLD,
};
use crate::domain::vacancy::VacancyStatus;
use crate::error::AppError;

/// `PUT /settings`.
/// The org's settings, defaults filled in.
pub fn settings(conn: &mut DbConnection, org: &str) -> Result<OrgSettings, AppError> {
    let stored = store::settings(conn, org)?;
    Ok(OrgSettings {
        retention_days: stored.map_or(DEFAULT_RETENTION_DAYS, |(days, _)| days),
        dbs_recheck_months: Some(stored.map_or(
            crate::domain::checks::DEFAULT_DBS_RECHECK_MONTHS,
            |(_, m)| m,
        )),
    })
}

/// `PUT /settings`: stores them; a new DBS re-check interval re-dates every clear DBS
/// check of the org in the same transaction, so the worklist never shows dates from
/// the old interval.
pub async fn set_settings(
    db: &Db,
    caller: Caller,
    actor: Actor,
    changes: OrgSettings,
) -> Result<OrgSettings, AppError> {
    db.write(move |conn| {
        let before = settings(conn, &caller.org)?;
        let after = OrgSettings {
            retention_days: changes.retention_days,
            dbs_recheck_months: changes.dbs_recheck_months.or(before.dbs_recheck_months),
        };
        let months = after
            .dbs_recheck_months
            .unwrap_or(crate::domain::checks::DEFAULT_DBS_RECHECK_MONTHS);
        store::set_settings(
            conn,
            &caller.org,
            after.retention_days,
            months,
            &db::now_text(),
        )?;
        if after.dbs_recheck_months != before.dbs_recheck_months {
            super::checks::redate_dbs_rechecks(conn, &caller.org, months)?;
        }
        audit::record(
            conn,
            &actor,
            "settings.updated",
            "org",
            &caller.org,
            Some(&before),
            Some(&after),
        )?;
        Ok(after)
    })
    .await
}

/// `POST /retention/run` for the caller's org.
pub async fn retention(
    db: &Db,
    actor: Actor,
    today: NaiveDate,
    dry_run: bool,
) -> Result<RetentionReport, AppError> {
    db.write(move |conn| run_retention(conn, &actor, today, dry_run))
        .await
}

/// `shortlist retention`: every org, each in its own transaction.
pub async fn retention_all_orgs(
    db: &Db,
    today: NaiveDate,
    dry_run: bool,
) -> Result<Vec<(String, RetentionReport)>, AppError> {
    let orgs = db
        .read(|conn| Ok(store::orgs_with_applications(conn)?))
        .await?;
    let mut reports = Vec::new();
    for org in orgs {
        let actor = Actor {
            org: org.clone(),
            sub: "retention-job".into(),
            request_id: None,
        };
        reports.push((org, retention(db, actor, today, dry_run).await?));
    }
    Ok(reports)
}

/// Anonymises every unsuccessful applicant of `org` past the retention period, in the
/// caller's transaction. Shared by the admin endpoint and `shortlist retention`.
fn run_retention(
    conn: &mut DbConnection,
    actor: &Actor,
    today: NaiveDate,
    dry_run: bool,
) -> Result<RetentionReport, AppError> {
    let days = store::retention_days(conn, &actor.org)?.unwrap_or(DEFAULT_RETENTION_DAYS);
    let mut due = Vec::new();
    for c in store::retention_candidates(conn, &actor.org)? {
        // A vacancy cancelled before it had a closing date counts from when it changed.
        let closed_on = c
            .closing_date
            .as_deref()
            .or(c.vacancy_updated_at.get(..10))
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let (Some(status), Some(vacancy_status), Some(closed_on)) = (
            ApplicationStatus::parse(&c.status),
            VacancyStatus::parse(&c.vacancy_status),
            closed_on,
        ) else {
            continue;
        };
        if due_for_anonymisation(status, vacancy_status, closed_on, today, days, false) {
            due.push(AnonymisedApplication {
                application_id: c.application_id,
                candidate_code: c.candidate_code,
            });
        }
    }
    if !dry_run {
        let now = db::now_text();
        for a in &due {
            store::anonymise(conn, &a.application_id, &a.candidate_code, &now)?;
            let erased = crate::db::applications::find(conn, &actor.org, &a.application_id)?;
            crate::db::events::emit(crate::db::events::NewEvent::about_application(
                crate::domain::events::EventType::ApplicationErased,
                &erased,
                serde_json::json!({}),
            ));
            audit::record(
                conn,
                actor,
                "application.anonymised",
                "application",
                &a.application_id,
                None::<&()>,
                Some(&serde_json::json!({"why": "retention", "retention_days": days})),
            )?;
        }
    }
    if !dry_run {
        // The change feed keeps its events for EVENT_RETENTION_DAYS (at least the 30
        // days a portal may be away); older cursors then get a 410.
        let cutoff = db::format_time(
            chrono::Utc::now()
                - chrono::Duration::days(crate::domain::events::EVENT_RETENTION_DAYS),
        );
        crate::db::events::purge_before(conn, &actor.org, &cutoff)?;
    }
    Ok(RetentionReport {
        dry_run,
        retention_days: days,
        applications: due,
    })
}

/// `DELETE /applications/{id}/personal-data`. The application is locked (after its
/// vacancy) as an offer locks it: an offer made at the same instant either comes first
/// (and the erasure is refused) or finds the data erased (and is refused).
pub async fn erase(
    db: &Db,
    caller: Caller,
    actor: Actor,
    id: String,
) -> Result<ApplicationRow, AppError> {
    db.write(move |conn| {
        let found = locks::visible_application(conn, &caller, &id, LockMode::Shared)?;
        if rules::application_status(&found.application)? == ApplicationStatus::Offered {
            return Err(AppError::Conflict(
                "an offer is live for this applicant: withdraw the offer before erasing their data"
                    .into(),
            ));
        }
        store::anonymise(
            conn,
            &found.application.id,
            &found.application.candidate_code,
            &db::now_text(),
        )?;
        crate::db::events::emit(crate::db::events::NewEvent::about_application(
            crate::domain::events::EventType::ApplicationErased,
            &found.application,
            serde_json::json!({}),
        ));
        audit::record(
            conn,
            &actor,
            "application.erased",
            "application",
            &found.application.id,
            None::<&()>,
            Some(&serde_json::json!({"why": "erasure request"})),
        )?;
        Ok(crate::db::applications::find(
            conn,
            &caller.org,
            &found.application.id,
        )?)
    })
    .await
}

fn publish(c: [u32; 3]) -> StageCounts {
    StageCounts {
        applied: publishable(c[0]),
        shortlisted: publishable(c[1]),
        appointed: publishable(c[2]),
    }
}

fn reached_shortlist(status: ApplicationStatus) -> bool {
    use ApplicationStatus::*;
    matches!(
        status,
        Shortlisted | Offered | Unsuccessful | Appointed | OfferWithdrawn
    )
}

/// The equality report of `vacancy` from its monitoring answers now.
fn compute_equality(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
) -> Result<EqualityReport, AppError> {
    let rows = store::equality_rows(conn, &vacancy.id)?;
    type Tally = BTreeMap<String, [u32; 3]>;
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    for (status, e) in &rows {
        let status = rules::stored(
            ApplicationStatus::parse(status),
            "applications.status",
            status,
        )?;
        let stages = [
            true,
            reached_shortlist(status),
            status == ApplicationStatus::Appointed,
        ];
        for (name, value) in [
            ("age_band", &e.age_band),
            ("sex", &e.sex),
            ("gender_identity", &e.gender_identity),
            ("ethnicity", &e.ethnicity),
            ("disability", &e.disability),
            ("religion_or_belief", &e.religion_or_belief),
            ("sexual_orientation", &e.sexual_orientation),
        ] {
            let key = value.clone().unwrap_or_else(|| "not stated".into());
            let counts = tallies
                .entry(name)
                .or_default()
                .entry(key)
                .or_insert([0; 3]);
            for (i, reached) in stages.iter().enumerate() {
                counts[i] += u32::from(*reached);
            }
        }
    }
    // An answer given by fewer than the threshold is not even named: free-text answers
    // could identify the person. They are pooled, and the pool too is shown only when
    // large enough. With too few respondents, nothing is broken down at all.
    let characteristics = if publishable(rows.len() as u32).is_none() {
        Vec::new()
    } else {
        tallies
            .into_iter()
            .map(|(name, values)| {
                let mut shown = Vec::new();
                let mut pooled = [0u32; 3];
                for (value, c) in values {
                    if publishable(c[0]).is_some() {
                        shown.push(CharacteristicValue {
                            value,
                            counts: publish(c),
                        });
                    } else {
                        for i in 0..3 {
                            pooled[i] += c[i];
                        }
                    }
                }
                if pooled[0] > 0 {
                    shown.push(CharacteristicValue {
                        value: POOLED.to_string(),
                        counts: publish(pooled),
                    });
                }
                CharacteristicReport {
                    characteristic: name.to_string(),
                    values: shown,
                }
            })
            .collect()
    };
    Ok(EqualityReport {
        vacancy_id: vacancy.id.clone(),
        suppression_threshold: SUPPRESSION_THRESHOLD,
        respondents: publishable(rows.len() as u32),
        characteristics,
    })
}

/// Whether a vacancy's equality report may be published: only once it is over
/// (`filled` or `cancelled`). Before that every submission, decision or appointment
/// moves the counts, and two reports either side of one change reveal that one
/// applicant's answers.
pub fn equality_report_ready(status: VacancyStatus) -> bool {
    status.is_final()
}

/// Computes and stores the report of a vacancy that just became final, in the
/// transaction that made it so. Served from the store from then on: later erasures or
/// retention do not move the published figures either.
pub fn snapshot_equality(conn: &mut DbConnection, vacancy: &VacancyRow) -> Result<(), AppError> {
    let report = compute_equality(conn, vacancy)?;
    let json = serde_json::to_string(&report).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(store::store_equality_snapshot(
        conn,
        &vacancy.org,
        &vacancy.id,
        &json,
        &db::now_text(),
    )?)
}

/// `GET /vacancies/{id}/reports/equality`: the stored report of a vacancy that is
/// over; 409 before that. A vacancy that became final before snapshots existed gets
/// its snapshot on first read.
pub async fn equality_report(
    db: &Db,
    caller: Caller,
    id: String,
) -> Result<serde_json::Value, AppError> {
    db.write(move |conn| {
        let vacancy = locks::vacancy(conn, &caller, &id, LockMode::Shared)?.vacancy;
        if !equality_report_ready(rules::vacancy_status(&vacancy)?) {
            return Err(AppError::Conflict(format!(
                "the equality report is published once the vacancy is filled or cancelled (it is {}): \
                 figures that move with each application would reveal individual answers",
                vacancy.status
            )));
        }
        if store::equality_snapshot(conn, &vacancy.id)?.is_none() {
            snapshot_equality(conn, &vacancy)?;
        }
        let stored = store::equality_snapshot(conn, &vacancy.id)?
            .ok_or_else(|| AppError::Internal("equality snapshot missing".into()))?;
        serde_json::from_str(&stored).map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
}
