//! Vacancies: creation, changes and the lifecycle. Each takes the vacancy's row lock
//! exclusively, so opening and a spec change, closing and a submission, filling and
//! an appointment run one after the other.

use chrono::NaiveDate;

use super::locks;
use super::rules;
use crate::api::vacancies::{apply_changes, check_row, only_descriptive, uk_today, VacancyChanges};
use crate::auth::Caller;
use crate::db::audit::{self, Actor};
use crate::db::vacancies::{self as store, VacancyRow};
use crate::db::{self, Db, LockMode};
use crate::domain::application::ApplicationStatus;
use crate::domain::vacancy::{open_blockers, VacancyStatus};
use crate::domain::Requirement;
use crate::error::AppError;

/// A check of the `If-Match` precondition against the stored version.
pub trait Precondition: FnOnce(i32) -> Result<(), AppError> + Send + 'static {}
impl<F: FnOnce(i32) -> Result<(), AppError> + Send + 'static> Precondition for F {}

pub async fn create(db: &Db, actor: Actor, row: VacancyRow) -> Result<VacancyRow, AppError> {
    db.write(move |conn| {
        store::insert(conn, &row)?;
        audit::record(
            conn,
            &actor,
            "vacancy.created",
            "vacancy",
            &row.id,
            None::<&()>,
            Some(&row),
        )?;
        Ok(row)
    })
    .await
}

/// `PATCH /vacancies/{id}`.
pub async fn update(
    db: &Db,
    caller: Caller,
    actor: Actor,
    id: String,
    precondition: impl Precondition,
    changes: VacancyChanges,
) -> Result<VacancyRow, AppError> {
    db.write(move |conn| update_in(conn, &caller, &actor, &id, precondition, changes))
        .await
}

/// [`update`] inside a transaction the caller holds (an import that sets the
/// vacancy's settings with its criteria writes both or neither).
pub fn update_in(
    conn: &mut crate::db::DbConnection,
    caller: &Caller,
    actor: &Actor,
    id: &str,
    precondition: impl Precondition,
    changes: VacancyChanges,
) -> Result<VacancyRow, AppError> {
    let before = locks::vacancy(conn, caller, id, LockMode::Exclusive)?.vacancy;
    precondition(before.version)?;
    let status = rules::vacancy_status(&before)?;
    if status.is_final() {
        return Err(AppError::Conflict(format!(
            "the vacancy is {} and can no longer be changed",
            status.as_str()
        )));
    }
    if !status.spec_editable() {
        if let Some(field) = only_descriptive(&changes) {
            return Err(AppError::Conflict(format!(
                "{field} can be changed only while the vacancy is a draft"
            )));
        }
    }
    let today = uk_today();
    if status == VacancyStatus::Open {
        match changes.closing_date {
            Some(None) => {
                return Err(AppError::validation(
                    "closing_date",
                    "an open vacancy must keep a closing date",
                ))
            }
            Some(Some(date)) if date < today => {
                return Err(AppError::validation(
                    "closing_date",
                    "cannot move into the past while the vacancy is open",
                ))
            }
            _ => {}
        }
    }
    let mut row = before.clone();
    apply_changes(&mut row, changes);
    let methods = rules::methods("vacancies.shortlisting_methods", &row.shortlisting_methods)?;
    check_row(&row, &methods)?;
    if row == before {
        return Ok(row);
    }
    if row.positions != before.positions {
        let appointed = crate::db::applications::count_with_status(
            conn,
            &row.id,
            ApplicationStatus::Appointed.as_str(),
        )?;
        if i64::from(row.positions) < appointed {
            return Err(AppError::Conflict(format!(
                "{appointed} already appointed: positions cannot go below that"
            )));
        }
    }
    row.version = before.version + 1;
    row.updated_at = db::now_text();
    super::vacancy_updated(store::update(conn, &row, before.version)?)?;
    // The default plan follows the shortlisting methods, and seats follow the plan.
    if row.shortlisting_methods != before.shortlisting_methods {
        let plan = super::plan::load(conn, &row)?;
        super::plan::refresh_seats(conn, &row, &plan)?;
    }
    audit::record(
        conn,
        actor,
        "vacancy.updated",
        "vacancy",
        &row.id,
        Some(&before),
        Some(&row),
    )?;
    Ok(row)
}

/// `POST /vacancies/{id}/transitions`. Opening needs a valid spec (read under the
/// lock that every spec change takes); `filled` needs someone appointed.
pub async fn transition(
    db: &Db,
    caller: Caller,
    actor: Actor,
    id: String,
    precondition: impl Precondition,
    to: VacancyStatus,
    reason: Option<String>,
) -> Result<VacancyRow, AppError> {
    db.write(move |conn| {
        let before = locks::vacancy(conn, &caller, &id, LockMode::Exclusive)?.vacancy;
        precondition(before.version)?;
        let from = rules::vacancy_status(&before)?;
        if !from.can_become(to) {
            return Err(AppError::Conflict(format!(
                "a vacancy cannot move from {} to {}",
                from.as_str(),
                to.as_str()
            )));
        }
        if to == VacancyStatus::Open {
            let criteria = crate::db::criteria::for_vacancy(conn, &before.id)?;
            let mut essentials = 0;
            for c in &criteria {
                if rules::requirement(c)? == Requirement::Essential {
                    essentials += 1;
                }
            }
            let closing = before
                .closing_date
                .as_deref()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            let blockers = open_blockers(closing, uk_today(), essentials);
            if !blockers.is_empty() {
                return Err(AppError::Conflict(format!(
                    "the vacancy cannot open yet: {}",
                    blockers.join("; ")
                )));
            }
            super::plan::check_plan_covers_spec(conn, &before)?;
            crate::db::applications::ensure_counter(conn, &before.id)?;
        }
        if to == VacancyStatus::Filled {
            let appointed = crate::db::applications::count_with_status(
                conn,
                &before.id,
                ApplicationStatus::Appointed.as_str(),
            )?;
            if appointed == 0 {
                return Err(AppError::Conflict(
                    "a vacancy is filled only once someone is appointed to it".into(),
                ));
            }
        }
        let mut row = before.clone();
        row.status = to.as_str().into();
        row.version = before.version + 1;
        row.updated_at = db::now_text();
        super::vacancy_updated(store::update(conn, &row, before.version)?)?;
        if to.is_final() {
            super::privacy::snapshot_equality(conn, &row)?;
            crate::db::checks::vacancy_over(conn, &row.id)?;
        }
        crate::db::events::emit(crate::db::events::NewEvent {
            org: row.org.clone(),
            event_type: crate::domain::events::EventType::VacancyStatusChanged,
            vacancy_id: Some(row.id.clone()),
            application_id: None,
            portal: None,
            public_to_portals: crate::domain::events::vacancy_change_is_public(
                &before.status,
                &row.status,
            ),
            data: serde_json::json!({"vacancy_id": row.id, "from": before.status, "to": row.status}),
        });
        super::record_move(
            conn,
            &actor,
            "vacancy",
            &row.id,
            &before,
            (&before.status, &row.status),
            reason.as_deref(),
        )?;
        Ok(row)
    })
    .await
}
