//! Pre-employment checks. Recording a check locks the vacancy (shared) and then the
//! application, as an appointment does (the vacancy exclusively): a check recorded
//! `failed` at the instant of an appointment is either seen by it or comes after it.

use super::locks;
use super::rules;
use crate::api::checks::{CheckDetails, CheckUpdate};
use crate::auth::Caller;
use crate::db::applications::ApplicationRow;
use crate::db::audit::{self, Actor};
use crate::db::checks::{self as store, CheckRow, NO_DUE_DATE, PLACEHOLDER_AUTHOR};
use crate::db::vacancies::VacancyRow;
use crate::db::{self, Db, DbConnection, LockMode};
use crate::domain::checks::{
    due_on, effective_dbs_level, may_record, validate_check, worklist_membership, CheckFindings,
    CheckKind, CheckStandards, CheckStatus, WorklistMembership, DEFAULT_DBS_RECHECK_MONTHS,
};
use crate::error::AppError;

/// A row for every check `vacancy` requires of a new application, `not_started`:
/// the worklist then reads required-but-unrecorded checks like any other row, in one
/// ordered index, instead of deriving them from every vacancy's settings per request.
/// Vacancy settings that decide the checks are fixed once it opens, and applications
/// arrive only while it is open, so the rows never go stale.
pub fn add_placeholders(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
    application: &ApplicationRow,
) -> Result<(), AppError> {
    let rows: Vec<CheckRow> = rules::required_checks_of(vacancy)?
        .into_iter()
        .map(|kind| CheckRow {
            application_id: application.id.clone(),
            kind: kind.as_str().into(),
            vacancy_id: vacancy.id.clone(),
            status: CheckStatus::NotStarted.as_str().into(),
            reason: None,
            checked_at: None,
            details: "{}".into(),
            updated_by: PLACEHOLDER_AUTHOR.into(),
            updated_at: application.submitted_at.clone(),
            org: application.org.clone(),
            on_worklist: true,
            due_on: NO_DUE_DATE.into(),
        })
        .collect();
    store::insert_placeholders(conn, &rows)?;
    Ok(())
}

/// The org's months between a DBS certificate's issue and its re-check.
pub fn dbs_recheck_months(conn: &mut DbConnection, org: &str) -> Result<i32, AppError> {
    Ok(crate::db::privacy::dbs_recheck_months(conn, org)?.unwrap_or(DEFAULT_DBS_RECHECK_MONTHS))
}

fn findings_of(details: &CheckDetails) -> CheckFindings {
    CheckFindings {
        dbs_level_checked: details.level_checked,
        penalty_points: details.penalty_points,
        at_fault_accidents: details.at_fault_accidents,
        references_received: details.received,
        rtw_expires_on: details.expires_on,
        dbs_issued_on: details.issued_on,
        months_covered: details.months_covered,
    }
}

/// The org's re-check interval changed: every clear DBS check falls due anew, in the
/// same transaction as the setting.
pub fn redate_dbs_rechecks(
    conn: &mut DbConnection,
    org: &str,
    months: i32,
) -> Result<(), AppError> {
    for row in store::clear_dbs_checks(conn, org)? {
        let details: CheckDetails = serde_json::from_str(&row.details).unwrap_or_default();
        let due = due_on(
            CheckKind::Dbs,
            CheckStatus::Clear,
            &findings_of(&details),
            months,
        )
        .map(|d| d.to_string())
        .unwrap_or_else(|| NO_DUE_DATE.to_string());
        // A clear DBS check with an issue date is dated under any interval, so an
        // appointed person's row stays on the worklist: only the date moves.
        if due != row.due_on {
            store::set_due(conn, &row.application_id, &row.kind, &due)?;
        }
    }
    Ok(())
}

/// What the audit trail keeps of a check: never its details (certificate numbers,
/// notes about a caution) or the free-text reason, which live only in the check row
/// that erasure clears.
#[derive(serde::Serialize)]
struct AuditedCheck<'a> {
    kind: &'a str,
    status: &'a str,
    checked_at: Option<&'a str>,
    updated_by: &'a str,
}

impl<'a> From<&'a CheckRow> for AuditedCheck<'a> {
    fn from(r: &'a CheckRow) -> Self {
        AuditedCheck {
            kind: &r.kind,
            status: &r.status,
            checked_at: r.checked_at.as_deref(),
            updated_by: &r.updated_by,
        }
    }
}

/// `PUT /applications/{id}/checks/{kind}`: the vacancy, the application and every
/// check row of the application after the write.
pub async fn record(
    db: &Db,
    caller: Caller,
    actor: Actor,
    application_id: String,
    kind: CheckKind,
    update: CheckUpdate,
) -> Result<(VacancyRow, String, Vec<CheckRow>), AppError> {
    db.write(move |conn| {
        let found = locks::application(conn, &caller, &application_id, LockMode::Shared)?;
        if !caller.is_staff() {
            return Err(AppError::NotFound);
        }
        let status = rules::application_status(&found.application)?;
        let has_follow_up = store::for_application(conn, &found.application.id)?
            .iter()
            .any(|r| r.kind == kind.as_str() && r.due_date().is_some());
        if !may_record(status, has_follow_up) {
            return Err(AppError::Conflict(format!(
                "the application is {}; its {} check can no longer change",
                found.application.status,
                kind.as_str()
            )));
        }
        let v = &found.vacancy;
        let requirements = rules::check_requirements(v)?;
        let standards = CheckStandards {
            dbs_level: effective_dbs_level(requirements.dbs_level, requirements.bpss),
            max_penalty_points: v.max_penalty_points,
            max_at_fault_accidents: v.max_at_fault_accidents,
            references_required: v.references_required,
            today: crate::domain::time::uk_date(chrono::Utc::now()),
        };
        let findings = findings_of(&update.details);
        let due = due_on(
            kind,
            update.status,
            &findings,
            dbs_recheck_months(conn, &found.application.org)?,
        );
        let errors = validate_check(
            kind,
            update.status,
            update.reason.as_deref(),
            &findings,
            &standards,
        );
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let row = CheckRow {
            application_id: found.application.id.clone(),
            kind: kind.as_str().into(),
            vacancy_id: v.id.clone(),
            status: update.status.as_str().into(),
            reason: update.reason.as_deref().map(str::trim).map(str::to_string),
            checked_at: update.checked_at.map(|d| d.to_string()),
            details: serde_json::to_string(&update.details)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            updated_by: caller.sub.clone(),
            updated_at: db::now_text(),
            org: found.application.org.clone(),
            on_worklist: match worklist_membership(
                status,
                found.application.anonymised_at.is_some(),
            ) {
                WorklistMembership::All => true,
                WorklistMembership::DatedOnly => due.is_some(),
                WorklistMembership::None => false,
            },
            due_on: due
                .map(|d| d.to_string())
                .unwrap_or_else(|| NO_DUE_DATE.to_string()),
        };
        let before = store::put(conn, &row)?;
        crate::db::events::emit(crate::db::events::NewEvent::about_application(
            crate::domain::events::EventType::CheckUpdated,
            &found.application,
            serde_json::json!({"kind": row.kind, "status": row.status}),
        ));
        audit::record(
            conn,
            &actor,
            "check.recorded",
            "application",
            &row.application_id,
            before.as_ref().map(AuditedCheck::from).as_ref(),
            Some(&AuditedCheck::from(&row)),
        )?;
        let rows = store::for_application(conn, &found.application.id)?;
        // The lead emits `check.updated` here, in this transaction (events outbox).
        Ok((found.vacancy, found.application.id, rows))
    })
    .await
}
