//! Use cases: the one owner of every rule that spans more than one request.
//!
//! Handlers in `api/` translate HTTP to a call here and the result back; the CLI
//! (`retention`) calls here too. Each write use case opens its own transaction
//! (`Db::write`) and, inside it, takes its row locks in one fixed order — the vacancy,
//! then the application (see [`locks`]) — before it reads anything it checks a rule
//! against. Any other write that could invalidate that rule takes the same locks, so
//! two requests at the same instant, on one process or two, run one after the other.

pub mod applications;
pub mod board;
pub mod checks;
pub mod decisions;
pub mod events;
pub mod locks;
pub mod panels;
pub mod plan;
pub mod privacy;
pub mod reports;
pub mod results;
pub mod rules;
pub mod scoring;
pub mod spec;
pub mod steps;
pub mod vacancies;
pub mod webhooks;

/// Audits a lifecycle move of a vacancy or an application as `<entity>.transitioned`,
/// with the row before and `{from, to, reason}` after (the reason, free text, is kept
/// out of the trail by the audit scrubber).
fn record_move(
    conn: &mut crate::db::DbConnection,
    actor: &crate::db::audit::Actor,
    entity_type: &str,
    id: &str,
    before: &impl serde::Serialize,
    (from, to): (&str, &str),
    reason: Option<&str>,
) -> Result<(), crate::error::AppError> {
    #[derive(serde::Serialize)]
    struct Moved<'a> {
        from: &'a str,
        to: &'a str,
        reason: Option<&'a str>,
    }
    crate::db::audit::record(
        conn,
        actor,
        &format!("{entity_type}.transitioned"),
        entity_type,
        id,
        Some(before),
        Some(&Moved { from, to, reason }),
    )?;
    Ok(())
}

/// Emits `application.status_changed` for a move of `row` from `from` (to its status).
fn application_moved(row: &crate::db::applications::ApplicationRow, from: &str) {
    if from == row.status {
        return;
    }
    crate::db::events::emit(crate::db::events::NewEvent::about_application(
        crate::domain::events::EventType::ApplicationStatusChanged,
        row,
        serde_json::json!({"from": from, "to": row.status}),
    ));
}

/// An application row written under its lock; `false` means the version moved, which
/// the locks make impossible, so it is reported as a conflict to retry, never ignored.
fn updated(written: bool) -> Result<(), crate::error::AppError> {
    if written {
        Ok(())
    } else {
        Err(crate::error::AppError::Conflict(
            "the application changed while this request ran; retry".into(),
        ))
    }
}

/// A vacancy written against the version its `If-Match` named: 412 when it moved.
fn vacancy_updated(written: bool) -> Result<(), crate::error::AppError> {
    if written {
        Ok(())
    } else {
        Err(crate::error::AppError::PreconditionFailed)
    }
}
