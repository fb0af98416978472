//! `step_results`: each application's result at each step, kept in the transaction of
//! every write that changes it.
//!
//! A result depends on the vacancy's rules, criteria and plan, on the application's
//! declarations, and on its counting scores (`pair_summaries`) and agreed scores. Each
//! store function that writes one of those marks what it made stale ([`mark`]); the
//! transaction wrapper (`Db::write`) recomputes every stale result last, inside the same
//! transaction, with the pure rules (`service::results::flush`). The marks live in the
//! store, like the summaries' refresh, so no route can change an input and leave its
//! result behind; and they are collected per transaction, so a use case that writes
//! fifty scoresheets of one application recomputes it once.

use std::cell::RefCell;

use diesel::prelude::*;

use super::schema::step_results;
use super::DbConnection;

/// The version of the migration that creates `step_results` (see `Db::migrate`).
pub const MIGRATION: &str = "2026-12-02-000014";

/// What a write made stale.
#[derive(Debug, Clone, PartialEq)]
pub enum Stale {
    /// Every application of the vacancy (its rules, criteria, plan or seats changed).
    Vacancy(String),
    /// One application of a vacancy (its scores, agreed scores, conflicts or declarations).
    Application {
        vacancy_id: String,
        application_id: String,
    },
    /// The vacancy row changed; this was it before. Every result is stale only if the
    /// rules or the plan the evaluation reads from it changed.
    Rules(Box<super::vacancies::VacancyRow>),
}

thread_local! {
    // A transaction runs on one blocking thread from start to end (`Db::write`), so
    // the marks on this thread are its own (the same reasoning as `events::PENDING`).
    static STALE: RefCell<Vec<Stale>> = const { RefCell::new(Vec::new()) };
}

/// Records that `stale` must be recomputed before the current transaction commits.
pub fn mark(stale: Stale) {
    STALE.with(|s| s.borrow_mut().push(stale));
}

pub fn mark_application(vacancy_id: &str, application_id: &str) {
    mark(Stale::Application {
        vacancy_id: vacancy_id.to_string(),
        application_id: application_id.to_string(),
    });
}

pub fn mark_vacancy(vacancy_id: &str) {
    mark(Stale::Vacancy(vacancy_id.to_string()));
}

/// The marks of this transaction, taken.
pub fn take() -> Vec<Stale> {
    STALE.with(|s| std::mem::take(&mut *s.borrow_mut()))
}

/// Forgets marks left by a transaction that did not commit (or by a write outside one).
pub fn discard() {
    STALE.with(|s| s.borrow_mut().clear());
}

#[derive(Debug, Clone, PartialEq, Queryable, Insertable)]
#[diesel(table_name = step_results)]
pub struct StepResultRow {
    pub application_id: String,
    pub step_key: String,
    pub vacancy_id: String,
    pub result: String,
}

/// The rows a replacement covers.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Vacancy(&'a str),
    Applications(&'a [String]),
}

/// Replaces the results of `scope` with `rows` (delete, then insert).
pub fn replace(
    conn: &mut DbConnection,
    scope: Scope<'_>,
    rows: &[StepResultRow],
) -> QueryResult<()> {
    use step_results::dsl;
    match scope {
        Scope::Vacancy(id) => {
            diesel::delete(dsl::step_results.filter(dsl::vacancy_id.eq(id))).execute(conn)?
        }
        Scope::Applications(ids) => {
            diesel::delete(dsl::step_results.filter(dsl::application_id.eq_any(ids)))
                .execute(conn)?
        }
    };
    // Chunked multi-row inserts: SQLite caps bound parameters per statement.
    for chunk in rows.chunks(200) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(step_results::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// The vacancy's results at `step_key`: (application id, result JSON).
pub fn for_step(
    conn: &mut DbConnection,
    vacancy_id: &str,
    step_key: &str,
) -> QueryResult<Vec<(String, String)>> {
    use step_results::dsl;
    dsl::step_results
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .filter(dsl::step_key.eq(step_key))
        .select((dsl::application_id, dsl::result))
        .load(conn)
}

/// Every result of the vacancy (the differential test compares them all).
pub fn for_vacancy(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<Vec<StepResultRow>> {
    use step_results::dsl;
    dsl::step_results
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select((
            dsl::application_id,
            dsl::step_key,
            dsl::vacancy_id,
            dsl::result,
        ))
        .load(conn)
}
