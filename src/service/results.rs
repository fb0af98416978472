//! Keeps each application's result at each step (`step_results`) up to date: the
//! transaction wrapper (`Db::write`) calls [`flush`] last, inside every write
//! transaction, with what the store marked stale during it (see `db::results`).
//!
//! A result is recomputed by the same pure rules a fresh evaluation uses
//! (`Board::step_results` → `evaluate_summaries` → `StepResult::of`), from the summaries
//! the store has already refreshed in the same transaction: nothing incremental to drift.

use std::collections::{BTreeMap, BTreeSet};

use super::board::Board;
use super::rules;
use crate::db::results::{self as store, Stale, StepResultRow};
use crate::db::vacancies::{self as vacancy_store, VacancyRow};
use crate::db::DbConnection;
use crate::domain::evaluation::Recommendation;
use crate::domain::results::{rank_hash, rank_score, recommendation_name};
use crate::error::AppError;

/// Beyond this many stale applications of one vacancy, one pass over the whole vacancy
/// is cheaper than fetching them by id.
const WHOLE_VACANCY_AT: usize = 200;

/// Recomputes every result the current transaction made stale.
pub fn flush(conn: &mut DbConnection) -> Result<(), AppError> {
    let marks = store::take();
    if marks.is_empty() {
        return Ok(());
    }
    let mut whole: BTreeSet<String> = BTreeSet::new();
    let mut some: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for mark in marks {
        match mark {
            Stale::Vacancy(id) => {
                whole.insert(id);
            }
            Stale::Application {
                vacancy_id,
                application_id,
            } => {
                some.entry(vacancy_id).or_default().insert(application_id);
            }
            Stale::Rules(before) => {
                if let Some(after) = vacancy_store::by_id(conn, &before.id)? {
                    if basis(conn, &before)? != basis(conn, &after)? {
                        whole.insert(after.id);
                    }
                }
            }
        }
    }
    for id in &whole {
        refresh_vacancy(conn, id)?;
    }
    for (vacancy_id, applications) in some {
        if whole.contains(&vacancy_id) {
            continue;
        }
        if applications.len() > WHOLE_VACANCY_AT {
            refresh_vacancy(conn, &vacancy_id)?;
        } else {
            refresh_applications(conn, &vacancy_id, applications.into_iter().collect())?;
        }
    }
    Ok(())
}

/// What the evaluation reads of a vacancy row: its rules, and its plan (the default
/// plan follows the shortlisting methods).
fn basis(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
) -> Result<
    (
        crate::domain::evaluation::VacancyRules,
        crate::domain::plan::Plan,
    ),
    AppError,
> {
    Ok((
        rules::vacancy_rules(vacancy)?,
        super::plan::load(conn, vacancy)?,
    ))
}

/// Recomputes every result of the vacancy.
pub fn refresh_vacancy(conn: &mut DbConnection, vacancy_id: &str) -> Result<(), AppError> {
    let Some(vacancy) = vacancy_store::by_id(conn, vacancy_id)? else {
        return Ok(());
    };
    let board = Board::load_aggregated(conn, vacancy)?;
    let rows = rows_of(&board)?;
    store::replace(conn, store::Scope::Vacancy(vacancy_id), &rows)?;
    Ok(())
}

/// Recomputes the results of these applications of the vacancy.
fn refresh_applications(
    conn: &mut DbConnection,
    vacancy_id: &str,
    ids: Vec<String>,
) -> Result<(), AppError> {
    let Some(vacancy) = vacancy_store::by_id(conn, vacancy_id)? else {
        return Ok(());
    };
    let board = Board::load_applications(conn, vacancy, ids.clone())?;
    let rows = rows_of(&board)?;
    store::replace(conn, store::Scope::Applications(&ids), &rows)?;
    Ok(())
}

/// One row per (application, step) of the board.
fn rows_of(board: &Board) -> Result<Vec<StepResultRow>, AppError> {
    let mut rows = Vec::with_capacity(board.applications.len() * board.plan.steps.len());
    for (k, step) in board.plan.steps.iter().enumerate() {
        for (a, result) in board.applications.iter().zip(board.step_results(k)) {
            let ranked = result.recommendation == Recommendation::Shortlist;
            rows.push(StepResultRow {
                application_id: a.id.clone(),
                step_key: step.key.clone(),
                vacancy_id: board.vacancy.id.clone(),
                result: serde_json::to_string(&result)
                    .map_err(|e| AppError::Internal(format!("step result: {e}")))?,
                status: a.status.clone(),
                submitted_at: a.submitted_at.clone(),
                recommendation: recommendation_name(result.recommendation).to_string(),
                ranked: i32::from(ranked),
                rank_score: rank_score(ranked, result.weighted_score),
                rank_hash: rank_hash(&a.id, ranked, result.weighted_score),
            });
        }
    }
    Ok(rows)
}

/// Fills the results of every vacancy with applications, each in its own transaction
/// under the vacancy's exclusive lock (run once, after the migration that creates the
/// table; `shortlist rebuild` does the same through the API's pool).
pub fn backfill(conn: &mut DbConnection) -> Result<usize, AppError> {
    use diesel::Connection;
    let ids = crate::db::summaries::vacancies_with_applications(conn)?;
    for id in &ids {
        conn.transaction(|conn| {
            let Some(org) = vacancy_store::org_of(conn, id)? else {
                return Ok(());
            };
            vacancy_store::find_locked(conn, &org, id, crate::db::LockMode::Exclusive)?;
            refresh_vacancy(conn, id)
        })?;
    }
    Ok(ids.len())
}
