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

use super::schema::{step_result_counts, step_results};
use super::DbConnection;
use crate::domain::results::{census_deltas, CensusKey};

/// The version of the migration that creates `step_results` (see `Db::migrate`).
pub const MIGRATION: &str = "2026-12-02-000014";

/// The migration that adds what a page is ranked by; its rows are refilled after it.
pub const RANKING_MIGRATION: &str = "2026-12-03-000015";

/// Keeps the status beside an application's results in step with the application
/// (`db::applications::update`, through which every status change goes), and the
/// census with it when the application is withdrawn or comes back.
pub fn set_status(conn: &mut DbConnection, application_id: &str, status: &str) -> QueryResult<()> {
    use step_results::dsl;
    let before = counted(conn, CountedScope::Application(application_id))?;
    let after: Vec<(CensusKey, i64)> = before
        .iter()
        .map(|(key, hash)| {
            let mut key = key.clone();
            key.withdrawn = status == "withdrawn";
            (key, *hash)
        })
        .collect();
    diesel::update(dsl::step_results.filter(dsl::application_id.eq(application_id)))
        .set(dsl::status.eq(status))
        .execute(conn)?;
    apply_census(conn, &census_deltas(&before, &after))
}

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

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = step_results)]
pub struct StepResultRow {
    pub application_id: String,
    pub step_key: String,
    pub vacancy_id: String,
    pub result: String,
    /// The application's status and submission time (what a page is chosen and ordered
    /// by), the result's recommendation, 1 when that is `shortlist`, its score as ranked
    /// (`domain::results::rank_score`: 0 when unranked),
    /// and `domain::results::rank_hash` of them (migration 000015).
    pub status: String,
    pub submitted_at: String,
    pub recommendation: String,
    pub ranked: i32,
    pub rank_score: f64,
    pub rank_hash: i64,
}

/// The rows a replacement covers.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    Vacancy(&'a str),
    Applications(&'a [String]),
}

/// Replaces the results of `scope` with `rows` (delete, then insert), and their counts
/// in the census: rewritten for a whole vacancy (its writers hold it exclusively),
/// changed by the difference for some applications (their writers share the vacancy).
pub fn replace(
    conn: &mut DbConnection,
    scope: Scope<'_>,
    rows: &[StepResultRow],
) -> QueryResult<()> {
    use step_results::dsl;
    let after: Vec<(CensusKey, i64)> = rows.iter().map(counted_row).collect();
    let deltas = match scope {
        Scope::Vacancy(id) => {
            crate::on_backend!(&mut *conn, |c| diesel::delete(
                dsl::step_results.filter(dsl::vacancy_id.eq(id))
            )
            .execute(c))?;
            crate::on_backend!(&mut *conn, |c| diesel::delete(
                step_result_counts::table.filter(step_result_counts::vacancy_id.eq(id))
            )
            .execute(c))?;
            census_deltas(&[], &after)
        }
        Scope::Applications(ids) => {
            let before = counted(conn, CountedScope::Applications(ids))?;
            crate::on_backend!(&mut *conn, |c| diesel::delete(
                dsl::step_results.filter(dsl::application_id.eq_any(ids))
            )
            .execute(c))?;
            census_deltas(&before, &after)
        }
    };
    // Chunked multi-row inserts: SQLite caps bound parameters per statement.
    for chunk in rows.chunks(200) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(step_results::table)
            .values(chunk)
            .execute(c))?;
    }
    apply_census(conn, &deltas)
}

/// One census row's change (`apply_census`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = step_result_counts)]
struct CensusChange<'a> {
    vacancy_id: &'a str,
    step_key: &'a str,
    recommendation: &'a str,
    withdrawn: i32,
    shard: i32,
    listed: i64,
    hash_sum: i64,
}

/// Adds `deltas` to the census, creating the rows it lacks, in the deltas' key order
/// (one order for every writer, so two of them cannot deadlock on shared rows).
fn apply_census(conn: &mut DbConnection, deltas: &[(CensusKey, i64, i64)]) -> QueryResult<()> {
    use diesel::upsert::excluded;
    use step_result_counts::dsl;
    let changes: Vec<CensusChange<'_>> = deltas
        .iter()
        .map(|(key, listed, hash_sum)| CensusChange {
            vacancy_id: &key.vacancy_id,
            step_key: &key.step_key,
            recommendation: &key.recommendation,
            withdrawn: i32::from(key.withdrawn),
            shard: key.shard,
            listed: *listed,
            hash_sum: *hash_sum,
        })
        .collect();
    // Chunks of several rows on PostgreSQL (one round trip for a scoresheet's few);
    // diesel has no multi-row upsert for SQLite, where each row is an in-process call.
    let chunk_size = match conn {
        DbConnection::Postgres(_) => 100,
        DbConnection::Sqlite(_) => 1,
    };
    for chunk in changes.chunks(chunk_size) {
        let conflict = (
            dsl::vacancy_id,
            dsl::step_key,
            dsl::recommendation,
            dsl::withdrawn,
            dsl::shard,
        );
        let add = (
            dsl::listed.eq(dsl::listed + excluded(dsl::listed)),
            dsl::hash_sum.eq(dsl::hash_sum + excluded(dsl::hash_sum)),
        );
        match &mut *conn {
            DbConnection::Postgres(c) => diesel::insert_into(step_result_counts::table)
                .values(chunk)
                .on_conflict(conflict)
                .do_update()
                .set(add)
                .execute(c)?,
            DbConnection::Sqlite(c) => diesel::insert_into(step_result_counts::table)
                .values(&chunk[0])
                .on_conflict(conflict)
                .do_update()
                .set(add)
                .execute(c)?,
        };
    }
    Ok(())
}

/// The census key and hash of a result about to be stored.
fn counted_row(row: &StepResultRow) -> (CensusKey, i64) {
    (
        CensusKey::of(
            &row.vacancy_id,
            &row.step_key,
            &row.recommendation,
            &row.status,
            row.rank_hash,
        ),
        row.rank_hash,
    )
}

/// Whose stored results [`counted`] reads.
enum CountedScope<'a> {
    Application(&'a str),
    Applications(&'a [String]),
}

/// The census keys and hashes of stored results (what a replacement takes out).
fn counted(conn: &mut DbConnection, scope: CountedScope<'_>) -> QueryResult<Vec<(CensusKey, i64)>> {
    use step_results::dsl;
    let q = dsl::step_results
        .select((
            dsl::vacancy_id,
            dsl::step_key,
            dsl::recommendation,
            dsl::status,
            dsl::rank_hash,
        ))
        .into_boxed();
    let q = match scope {
        CountedScope::Application(id) => q.filter(dsl::application_id.eq(id)),
        CountedScope::Applications(ids) => q.filter(dsl::application_id.eq_any(ids)),
    };
    let rows: Vec<(String, String, String, String, i64)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(v, step, rec, status, hash)| (CensusKey::of(&v, &step, &rec, &status, hash), hash))
        .collect())
}

/// The vacancy's census rows as stored, the empty ones left out: (key, listed, hash sum).
/// The differential test compares them with a count of the stored results.
pub fn census_rows(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<(CensusKey, i64, i64)>> {
    use step_result_counts::dsl;
    let rows: Vec<(String, String, String, i32, i32, i64, i64)> = dsl::step_result_counts
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .filter(dsl::listed.ne(0).or(dsl::hash_sum.ne(0)))
        .select((
            dsl::vacancy_id,
            dsl::step_key,
            dsl::recommendation,
            dsl::withdrawn,
            dsl::shard,
            dsl::listed,
            dsl::hash_sum,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(vacancy_id, step_key, recommendation, withdrawn, shard, listed, hash_sum)| {
                (
                    CensusKey {
                        vacancy_id,
                        step_key,
                        recommendation,
                        withdrawn: withdrawn != 0,
                        shard,
                    },
                    listed,
                    hash_sum,
                )
            },
        )
        .collect())
}

/// The vacancy's results at `step_key`: (application id, result JSON).
pub fn for_step(
    conn: &mut DbConnection,
    vacancy_id: &str,
    step_key: &str,
) -> QueryResult<Vec<(String, String)>> {
    use step_results::dsl;
    crate::on_backend!(&mut *conn, |c| dsl::step_results
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .filter(dsl::step_key.eq(step_key))
        .select((dsl::application_id, dsl::result))
        .load(c))
}

/// Every result of the vacancy (the differential test compares them all).
pub fn for_vacancy(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<Vec<StepResultRow>> {
    use step_results::dsl;
    dsl::step_results
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(StepResultRow::as_select())
        .load(conn)
}

/// Which results of a step a list holds: the vacancy's at one step, without withdrawn
/// applications unless asked, with one recommendation if asked.
#[derive(Debug, Clone, Copy)]
pub struct ListScope<'a> {
    pub vacancy_id: &'a str,
    pub step_key: &'a str,
    pub include_withdrawn: bool,
    pub recommendation: Option<&'a str>,
}

/// Where a row stands in a step's list: its order is ranked rows first, by score
/// (highest first), then submission time and id (`evaluation::rank`'s order).
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct ListKey {
    pub ranked: i32,
    pub rank_score: f64,
    pub submitted_at: String,
    pub application_id: String,
}

/// One row of a page: its place in the order and the kept result.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PageResultRow {
    pub ranked: i32,
    pub rank_score: f64,
    pub submitted_at: String,
    pub application_id: String,
    pub result: String,
}

/// `query` narrowed to the rows of `scope` (a boxed query, for the optional filters).
macro_rules! in_scope {
    ($query:expr, $scope:expr) => {{
        use step_results::dsl;
        let scope: &ListScope<'_> = $scope;
        let mut q = $query
            .filter(dsl::vacancy_id.eq(scope.vacancy_id))
            .filter(dsl::step_key.eq(scope.step_key))
            .into_boxed();
        if !scope.include_withdrawn {
            q = q.filter(dsl::status.ne("withdrawn"));
        }
        if let Some(r) = scope.recommendation {
            q = q.filter(dsl::recommendation.eq(r));
        }
        q
    }};
}

/// What a page of a step's list checks before reading it, from the step's census
/// (`step_result_counts`, a few rows) instead of its results (an index-only scan of
/// every result of the step was half of a first page's time at N = 20,000).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCensus {
    /// Whether the step's results cover the vacancy's applications: false only before
    /// they are filled (after the migration that creates them), when a page must be
    /// evaluated instead.
    pub covered: bool,
    /// The length of the list (the rows of the scope).
    pub listed: i64,
    /// The sum of the list's `rank_hash`: with `listed`, its ranking's fingerprint
    /// (`domain::results::ranking_fingerprint`).
    pub hash_sum: i64,
}

/// The census of `scope`'s list ([`ListCensus`]).
pub fn census(conn: &mut DbConnection, scope: &ListScope<'_>) -> QueryResult<ListCensus> {
    use diesel::dsl::sql;
    use diesel::sql_types::{BigInt, Text};
    use step_result_counts::dsl;
    let step = dsl::step_result_counts
        .filter(dsl::vacancy_id.eq(scope.vacancy_id))
        .filter(dsl::step_key.eq(scope.step_key));
    // A plain SUM of BIGINT is NUMERIC on PostgreSQL, hence the CASTs.
    let total = || sql::<BigInt>("CAST(COALESCE(SUM(listed), 0) AS BIGINT)");
    let withdrawn = if scope.include_withdrawn {
        "1 = 1"
    } else {
        "withdrawn = 0"
    };
    let (results, listed, hash_sum) = match scope.recommendation {
        Some(recommendation) => step
            .select((
                total(),
                sql::<BigInt>("CAST(COALESCE(SUM(CASE WHEN recommendation = ")
                    .bind::<Text, _>(recommendation)
                    .sql(" AND ")
                    .sql(withdrawn)
                    .sql(" THEN listed ELSE 0 END), 0) AS BIGINT)"),
                sql::<BigInt>("CAST(COALESCE(SUM(CASE WHEN recommendation = ")
                    .bind::<Text, _>(recommendation)
                    .sql(" AND ")
                    .sql(withdrawn)
                    .sql(" THEN hash_sum ELSE 0 END), 0) AS BIGINT)"),
            ))
            .get_result::<(i64, i64, i64)>(conn)?,
        None => step
            .select((
                total(),
                sql::<BigInt>("CAST(COALESCE(SUM(CASE WHEN ")
                    .sql(withdrawn)
                    .sql(" THEN listed ELSE 0 END), 0) AS BIGINT)"),
                sql::<BigInt>("CAST(COALESCE(SUM(CASE WHEN ")
                    .sql(withdrawn)
                    .sql(" THEN hash_sum ELSE 0 END), 0) AS BIGINT)"),
            ))
            .get_result::<(i64, i64, i64)>(conn)?,
    };
    // Every write keeps an application's results in its transaction, so the results
    // cover every application or, before they are first filled, none.
    let covered = results > 0 || {
        use super::schema::applications::dsl as a;
        a::applications
            .filter(a::vacancy_id.eq(scope.vacancy_id))
            .select(a::id)
            .first::<String>(conn)
            .optional()?
            .is_none()
    };
    Ok(ListCensus {
        covered,
        listed,
        hash_sum,
    })
}

/// Where `application_id` stands in the list; `None` when it is not in it.
pub fn key_of(
    conn: &mut DbConnection,
    scope: &ListScope<'_>,
    application_id: &str,
) -> QueryResult<Option<ListKey>> {
    use step_results::dsl;
    in_scope!(step_results::table, scope)
        .filter(dsl::application_id.eq(application_id))
        .select((
            dsl::ranked,
            dsl::rank_score,
            dsl::submitted_at,
            dsl::application_id,
        ))
        .first(conn)
        .optional()
}

/// Up to `limit` rows of the list in order, after `after` (from the start without).
pub fn page(
    conn: &mut DbConnection,
    scope: &ListScope<'_>,
    after: Option<&ListKey>,
    limit: i64,
) -> QueryResult<Vec<PageResultRow>> {
    use step_results::dsl;
    let mut q = in_scope!(step_results::table, scope);
    if let Some(k) = after {
        // After in (ranked DESC, score DESC, submitted_at, id) order.
        q = q.filter(
            dsl::ranked.lt(k.ranked).or(dsl::ranked.eq(k.ranked).and(
                dsl::rank_score
                    .lt(k.rank_score)
                    .or(dsl::rank_score.eq(k.rank_score).and(
                        dsl::submitted_at
                            .gt(k.submitted_at.clone())
                            .or(dsl::submitted_at
                                .eq(k.submitted_at.clone())
                                .and(dsl::application_id.gt(k.application_id.clone()))),
                    )),
            )),
        );
    }
    q.order((
        dsl::ranked.desc(),
        dsl::rank_score.desc(),
        dsl::submitted_at.asc(),
        dsl::application_id.asc(),
    ))
    .select((
        dsl::ranked,
        dsl::rank_score,
        dsl::submitted_at,
        dsl::application_id,
        dsl::result,
    ))
    .limit(limit)
    .load(conn)
}

/// How many ranked rows of the list have a higher score than `rank_score`.
pub fn ranked_above(
    conn: &mut DbConnection,
    scope: &ListScope<'_>,
    rank_score: f64,
) -> QueryResult<i64> {
    use step_results::dsl;
    in_scope!(step_results::table, scope)
        .filter(dsl::ranked.eq(1))
        .filter(dsl::rank_score.gt(rank_score))
        .count()
        .get_result(conn)
}

/// How many rows of the list come before `key`, or are it: its 1-based position.
pub fn position_of(
    conn: &mut DbConnection,
    scope: &ListScope<'_>,
    key: &ListKey,
) -> QueryResult<i64> {
    use step_results::dsl;
    in_scope!(step_results::table, scope)
        .filter(
            dsl::ranked
                .gt(key.ranked)
                .or(dsl::ranked.eq(key.ranked).and(
                    dsl::rank_score
                        .gt(key.rank_score)
                        .or(dsl::rank_score.eq(key.rank_score).and(
                            dsl::submitted_at
                                .lt(key.submitted_at.clone())
                                .or(dsl::submitted_at
                                    .eq(key.submitted_at.clone())
                                    .and(dsl::application_id.le(key.application_id.clone()))),
                        )),
                )),
        )
        .count()
        .get_result(conn)
}
