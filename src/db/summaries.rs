//! `pair_summaries`: the counting scores of each (application, criterion, method),
//! maintained in the transaction of every write that changes them.
//!
//! Which scores count is decided by the scores themselves, the scoring seats (panel and
//! plan) and the declared conflicts; so the three store functions that write those
//! (`scores::replace_assessor_scores`, `steps::insert_conflict`, `steps::replace_seats`)
//! call [`after`] before they return. Keeping the call in the store, not in each use
//! case, means no route can change a score and leave its summary behind.
//!
//! A refresh recomputes the scope the write can change (`domain::summaries::refresh_for`:
//! one application after a scoresheet or a conflict, the whole vacancy after a seat
//! change) from the raw scores, with the query that defines them (the SQL form of
//! `domain::summaries::summarise`): no incremental arithmetic to drift.

use diesel::prelude::*;

use super::schema::{conflicts_of_interest, pair_summaries, scores, scoring_seats};
use super::scores::PairAggregateRow;
use super::DbConnection;

use crate::domain::summaries::{refresh_for, Refresh, ScoreWrite};

/// The rows a refresh recomputes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    Application(&'a str),
    Vacancy(&'a str),
}

/// Brings the summaries of `vacancy_id` up to date after `write`, in its transaction.
pub fn after(conn: &mut DbConnection, vacancy_id: &str, write: ScoreWrite<'_>) -> QueryResult<()> {
    match refresh_for(write) {
        Refresh::Application(id) => refresh(conn, Scope::Application(id)),
        Refresh::Vacancy => refresh(conn, Scope::Vacancy(vacancy_id)),
    }
}

/// Recomputes the scope's summaries from the raw scores (delete, then insert … select).
pub fn refresh(conn: &mut DbConnection, scope: Scope<'_>) -> QueryResult<()> {
    use diesel::dsl::{count_star, exists, max, min, not, sum};
    use scores::dsl as s;
    match scope {
        Scope::Application(id) => crate::on_backend!(&mut *conn, |c| diesel::delete(
            pair_summaries::table.filter(pair_summaries::application_id.eq(id))
        )
        .execute(c))?,
        Scope::Vacancy(id) => crate::on_backend!(&mut *conn, |c| diesel::delete(
            pair_summaries::table.filter(pair_summaries::vacancy_id.eq(id))
        )
        .execute(c))?,
    };
    // The same statement for either scope, written once: only the filter differs.
    macro_rules! insert_counting {
        ($filter:expr) => {
            crate::on_backend!(&mut *conn, |c| diesel::insert_into(pair_summaries::table)
                .values(
                    s::scores
                        .inner_join(
                            scoring_seats::table.on(scoring_seats::vacancy_id
                                .eq(s::vacancy_id)
                                .and(scoring_seats::user_id.eq(s::assessor))
                                .and(scoring_seats::method.eq(s::method))),
                        )
                        .filter($filter)
                        .filter(not(exists(
                            conflicts_of_interest::table
                                .filter(conflicts_of_interest::application_id.eq(s::application_id))
                                .filter(conflicts_of_interest::user_id.eq(s::assessor)),
                        )))
                        .group_by((s::application_id, s::criterion_id, s::method, s::vacancy_id))
                        .select((
                            s::application_id,
                            s::criterion_id,
                            s::method,
                            s::vacancy_id,
                            count_star(),
                            sum(s::score),
                            min(s::score),
                            max(s::score),
                        )),
                )
                .into_columns((
                    pair_summaries::application_id,
                    pair_summaries::criterion_id,
                    pair_summaries::method,
                    pair_summaries::vacancy_id,
                    pair_summaries::assessors,
                    pair_summaries::total,
                    pair_summaries::lowest,
                    pair_summaries::highest,
                ))
                .execute(c))?
        };
    }
    match scope {
        Scope::Application(id) => insert_counting!(s::application_id.eq(id)),
        Scope::Vacancy(id) => insert_counting!(s::vacancy_id.eq(id)),
    };
    Ok(())
}

/// What a reader of the summaries gets: a `PairAggregateRow`.
const SUMMARY_COLUMNS: (
    pair_summaries::application_id,
    pair_summaries::criterion_id,
    pair_summaries::method,
    pair_summaries::assessors,
    pair_summaries::total,
    pair_summaries::lowest,
    pair_summaries::highest,
) = (
    pair_summaries::application_id,
    pair_summaries::criterion_id,
    pair_summaries::method,
    pair_summaries::assessors,
    pair_summaries::total,
    pair_summaries::lowest,
    pair_summaries::highest,
);

/// The maintained summaries of these applications (ids in chunks under SQLite's
/// bound-parameter limit).
pub fn for_applications(
    conn: &mut DbConnection,
    application_ids: &[String],
) -> QueryResult<Vec<PairAggregateRow>> {
    use pair_summaries::dsl as p;
    let mut all = Vec::new();
    for ids in application_ids.chunks(500) {
        all.extend(crate::on_backend!(&mut *conn, |c| p::pair_summaries
            .filter(p::application_id.eq_any(ids))
            .select(SUMMARY_COLUMNS)
            .load::<PairAggregateRow>(c))?);
    }
    Ok(all)
}

/// A vacancy's maintained summaries: what the shortlist and the decisions evaluate.
pub fn for_vacancy(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<PairAggregateRow>> {
    use pair_summaries::dsl as p;
    crate::on_backend!(&mut *conn, |c| p::pair_summaries
        .filter(p::vacancy_id.eq(vacancy_id))
        .select(SUMMARY_COLUMNS)
        .load(c))
}

/// Every vacancy id that has applications (and so summaries or step results): what
/// `shortlist rebuild` walks.
pub fn vacancies_with_applications(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    use super::schema::applications;
    applications::table
        .select(applications::vacancy_id)
        .distinct()
        .order(applications::vacancy_id.asc())
        .load(conn)
}
