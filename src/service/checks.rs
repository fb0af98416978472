//! Pre-employment checks. Recording a check locks the vacancy (shared) and then the
//! application, as an appointment does (the vacancy exclusively): a check recorded
//! `failed` at the instant of an appointment is either seen by it or comes after it.

use super::locks;
use super::rules;
use crate::api::checks::CheckUpdate;
use crate::auth::Caller;
use crate::db::audit::{self, Actor};
use crate::db::checks::{self as store, CheckRow};
use crate::db::vacancies::VacancyRow;
use crate::db::{self, Db, LockMode};
use crate::domain::checks::{validate_check, CheckFindings, CheckKind, CheckStandards};
use crate::error::AppError;

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
        if !rules::application_status(&found.application)?.is_live() {
            return Err(AppError::Conflict(format!(
                "the application is {}; its checks can no longer change",
                found.application.status
            )));
        }
        let v = &found.vacancy;
        let requirements = rules::check_requirements(v)?;
        let standards = CheckStandards {
            dbs_level: requirements.dbs_level,
            max_penalty_points: v.max_penalty_points,
            max_at_fault_accidents: v.max_at_fault_accidents,
            references_required: v.references_required,
        };
        let findings = CheckFindings {
            dbs_level_checked: update.details.level_checked,
            penalty_points: update.details.penalty_points,
            at_fault_accidents: update.details.at_fault_accidents,
            references_received: update.details.received,
        };
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
        Ok((found.vacancy, found.application.id, rows))
    })
    .await
}
