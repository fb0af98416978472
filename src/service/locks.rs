//! Row locks, always in one order: the vacancy, then the application.
//!
//! On PostgreSQL these are `SELECT … FOR UPDATE / FOR SHARE`; a use case that changes
//! a vacancy's state, spec, panel or appointments takes the vacancy exclusively, one
//! that only depends on it (a scoresheet, a check) shares it, and every use case that
//! writes an application locks that row for update. On SQLite every write transaction
//! holds the database's write lock from its first statement (`BEGIN IMMEDIATE`), which
//! serialises writers across processes, so the same calls are plain reads there.

use crate::api::access::{VisibleApplication, VisibleVacancy};
use crate::auth::{Caller, Role};
use crate::db::applications as application_store;
use crate::db::vacancies as vacancy_store;
use crate::db::{panels, DbConnection, LockMode};
use crate::error::AppError;

/// The vacancy `id` in the caller's org, locked, with the caller's panel seat. No
/// visibility check: callers authorise by role and seat (and answer 404, never 403,
/// to a caller who may not see it).
pub fn vacancy(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    mode: LockMode,
) -> Result<VisibleVacancy, AppError> {
    let vacancy = vacancy_store::find_locked(conn, &caller.org, id, mode)?;
    let seat = if caller.has(Role::Panel) {
        panels::seat(conn, &vacancy.id, &caller.sub)?
    } else {
        None
    };
    Ok(VisibleVacancy { vacancy, seat })
}

/// The application `id` in the caller's org and its vacancy: the vacancy locked in
/// `vacancy_mode`, then the application for update, both read after their locks.
pub fn application(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    vacancy_mode: LockMode,
) -> Result<VisibleApplication, AppError> {
    // Which vacancy to lock first: an application never changes vacancy.
    let vacancy_id = application_store::find(conn, &caller.org, id)?.vacancy_id;
    let visible = vacancy(conn, caller, &vacancy_id, vacancy_mode)?;
    let application = application_store::find_locked(conn, &caller.org, id)?;
    Ok(VisibleApplication {
        application,
        vacancy: visible.vacancy,
        seat: visible.seat,
    })
}

/// As [`application`], answering 404 to a caller who may not read it: staff, a
/// member of the vacancy's panel, or the portal that submitted it.
pub fn visible_application(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    vacancy_mode: LockMode,
) -> Result<VisibleApplication, AppError> {
    let found = application(conn, caller, id, vacancy_mode)?;
    let visible = caller.is_staff()
        || found.seat.is_some()
        || (caller.has(Role::Portal) && found.application.submitted_by == caller.sub);
    if visible {
        Ok(found)
    } else {
        Err(AppError::NotFound)
    }
}
