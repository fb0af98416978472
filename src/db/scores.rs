//! Rows and queries of `scores` and `agreed_scores`.

use diesel::prelude::*;

use super::schema::{agreed_scores, scores, scoring_tallies};
use super::DbConnection;

/// Rows per INSERT statement: 100 rows × 8 columns stays far below SQLite's limit on
/// bound parameters.
const INSERT_CHUNK: usize = 100;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = scores)]
pub struct ScoreRow {
    pub application_id: String,
    pub criterion_id: String,
    pub method: String,
    pub assessor: String,
    pub vacancy_id: String,
    pub score: i32,
    pub evidence: Option<String>,
    pub submitted_at: String,
    /// Who typed a paper scoresheet in on the assessor's behalf.
    pub entered_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = agreed_scores)]
pub struct AgreedScoreRow {
    pub application_id: String,
    pub criterion_id: String,
    pub method: String,
    pub vacancy_id: String,
    pub score: i32,
    pub evidence: Option<String>,
    pub agreed_by: String,
    pub agreed_at: String,
}

pub fn for_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> QueryResult<Vec<ScoreRow>> {
    use super::schema::scores::dsl;
    dsl::scores
        .filter(dsl::application_id.eq(application_id))
        .select(ScoreRow::as_select())
        .order((
            dsl::criterion_id.asc(),
            dsl::method.asc(),
            dsl::assessor.asc(),
        ))
        .load(conn)
}

pub fn agreed_for_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> QueryResult<Vec<AgreedScoreRow>> {
    use super::schema::agreed_scores::dsl;
    dsl::agreed_scores
        .filter(dsl::application_id.eq(application_id))
        .select(AgreedScoreRow::as_select())
        .order((dsl::criterion_id.asc(), dsl::method.asc()))
        .load(conn)
}

/// Replaces one assessor's scores for these criteria under one method; returns the rows
/// replaced (for the audit trail). Other assessors' rows are never touched.
pub fn replace_assessor_scores(
    conn: &mut DbConnection,
    application_id: &str,
    method: &str,
    assessor: &str,
    rows: &[ScoreRow],
) -> QueryResult<Vec<ScoreRow>> {
    use super::schema::scores::dsl;
    let criterion_ids: Vec<&str> = rows.iter().map(|r| r.criterion_id.as_str()).collect();
    let scope = dsl::scores
        .filter(dsl::application_id.eq(application_id))
        .filter(dsl::method.eq(method))
        .filter(dsl::assessor.eq(assessor))
        .filter(dsl::criterion_id.eq_any(criterion_ids));
    let before: Vec<ScoreRow> = scope.clone().select(ScoreRow::as_select()).load(conn)?;
    diesel::delete(scope).execute(conn)?;
    // Multi-row inserts, in chunks under SQLite's bound-parameter limit.
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(scores::table)
            .values(chunk)
            .execute(c))?;
    }
    if let Some(first) = rows.first() {
        add_to_tally(
            conn,
            &first.vacancy_id,
            assessor,
            method,
            rows.len() as i32 - before.len() as i32,
        )?;
    }
    Ok(before)
}

/// Replaces the agreed scores for these criteria under one method.
pub fn replace_agreed(
    conn: &mut DbConnection,
    application_id: &str,
    method: &str,
    rows: &[AgreedScoreRow],
) -> QueryResult<Vec<AgreedScoreRow>> {
    use super::schema::agreed_scores::dsl;
    let criterion_ids: Vec<&str> = rows.iter().map(|r| r.criterion_id.as_str()).collect();
    let scope = dsl::agreed_scores
        .filter(dsl::application_id.eq(application_id))
        .filter(dsl::method.eq(method))
        .filter(dsl::criterion_id.eq_any(criterion_ids));
    let before: Vec<AgreedScoreRow> = scope
        .clone()
        .select(AgreedScoreRow::as_select())
        .load(conn)?;
    diesel::delete(scope).execute(conn)?;
    // Multi-row inserts, in chunks under SQLite's bound-parameter limit.
    for chunk in rows.chunks(INSERT_CHUNK) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(agreed_scores::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(before)
}

/// Every assessor score of a vacancy in one query (the shortlist and matrix load these
/// once, never per application).
pub fn for_vacancy(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<Vec<ScoreRow>> {
    use super::schema::scores::dsl;
    dsl::scores
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(ScoreRow::as_select())
        .load(conn)
}

pub fn agreed_for_vacancy(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<AgreedScoreRow>> {
    use super::schema::agreed_scores::dsl;
    dsl::agreed_scores
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(AgreedScoreRow::as_select())
        .load(conn)
}

/// One (application, criterion, method) pair's assessor scores, aggregated by the
/// database.
#[derive(Debug, Clone, Queryable)]
pub struct PairAggregateRow {
    pub application_id: String,
    pub criterion_id: String,
    pub method: String,
    pub count: i64,
    pub sum: Option<i64>,
    pub min: Option<i32>,
    pub max: Option<i32>,
}

/// Whether every score of a vacancy counts: each assessor who scored holds a seat for
/// every method they scored by, and nobody declared a conflict (`any_conflict`). Read
/// with a handful of index probes (the distinct assessors, one at a time, then any
/// score by a method outside their seat), never a scan of the scores.
pub fn all_scores_count(
    conn: &mut DbConnection,
    vacancy_id: &str,
    seats: &std::collections::HashMap<String, Vec<crate::domain::Method>>,
    any_conflict: bool,
) -> QueryResult<bool> {
    use super::schema::scores::dsl;
    use diesel::dsl::min;
    if any_conflict {
        return Ok(false);
    }
    let mut last: Option<String> = None;
    loop {
        let next: Option<String> = match &last {
            None => dsl::scores
                .filter(dsl::vacancy_id.eq(vacancy_id))
                .select(min(dsl::assessor))
                .first(conn)?,
            Some(after) => dsl::scores
                .filter(dsl::vacancy_id.eq(vacancy_id))
                .filter(dsl::assessor.gt(after))
                .select(min(dsl::assessor))
                .first(conn)?,
        };
        let Some(assessor) = next else {
            return Ok(true);
        };
        let Some(seat) = seats.get(&assessor) else {
            return Ok(false);
        };
        let outside: Vec<&str> = crate::domain::Method::ALL
            .iter()
            .filter(|m| !seat.contains(m))
            .map(|m| m.as_str())
            .collect();
        if !outside.is_empty() {
            let stray: Option<String> = dsl::scores
                .filter(dsl::vacancy_id.eq(vacancy_id))
                .filter(dsl::assessor.eq(&assessor))
                .filter(dsl::method.eq_any(outside))
                .select(dsl::method)
                .first(conn)
                .optional()?;
            if stray.is_some() {
                return Ok(false);
            }
        }
        last = Some(assessor);
    }
}

/// Every pair of a vacancy aggregated over all its scores: the shortlist's fast path
/// when [`all_scores_count`] holds.
pub fn pair_aggregates_of_all(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<PairAggregateRow>> {
    use super::schema::scores::dsl;
    use diesel::dsl::{count_star, max, min, sum};
    dsl::scores
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .group_by((dsl::application_id, dsl::criterion_id, dsl::method))
        .select((
            dsl::application_id,
            dsl::criterion_id,
            dsl::method,
            count_star(),
            sum(dsl::score),
            min(dsl::score),
            max(dsl::score),
        ))
        .load(conn)
}

/// Every pair of a vacancy aggregated in SQL: one row per (application, criterion,
/// method) instead of one per assessor, and no assessor names or evidence moved.
pub fn pair_aggregates_for_vacancy(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<PairAggregateRow>> {
    use super::schema::conflicts_of_interest as conflict;
    use super::schema::scores::dsl;
    use super::schema::scoring_seats as seat;
    use diesel::dsl::{count_star, exists, max, min, not, sum};
    // Only counting scores: the assessor holds a seat for the method (on the panel, at
    // that step) and has not declared a conflict with the applicant.
    dsl::scores
        .inner_join(
            seat::table.on(seat::vacancy_id
                .eq(dsl::vacancy_id)
                .and(seat::user_id.eq(dsl::assessor))
                .and(seat::method.eq(dsl::method))),
        )
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .filter(not(exists(
            conflict::table
                .filter(conflict::application_id.eq(dsl::application_id))
                .filter(conflict::user_id.eq(dsl::assessor)),
        )))
        .group_by((dsl::application_id, dsl::criterion_id, dsl::method))
        .select((
            dsl::application_id,
            dsl::criterion_id,
            dsl::method,
            count_star(),
            sum(dsl::score),
            min(dsl::score),
            max(dsl::score),
        ))
        .load(conn)
}

/// Moves the assessor's line count for the vacancy and method by `delta` (an upsert).
fn add_to_tally(
    conn: &mut DbConnection,
    vacancy_id: &str,
    assessor: &str,
    method: &str,
    delta: i32,
) -> QueryResult<()> {
    use super::schema::scoring_tallies::dsl;
    if delta == 0 {
        return Ok(());
    }
    crate::on_backend!(&mut *conn, |c| diesel::insert_into(scoring_tallies::table)
        .values((
            dsl::vacancy_id.eq(vacancy_id),
            dsl::assessor.eq(assessor),
            dsl::method.eq(method),
            dsl::lines.eq(delta),
        ))
        .on_conflict((dsl::vacancy_id, dsl::assessor, dsl::method))
        .do_update()
        .set(dsl::lines.eq(dsl::lines + delta))
        .execute(c))?;
    Ok(())
}

/// Score lines recorded per (vacancy, assessor, method) for these vacancies.
pub fn tallies_for_vacancies(
    conn: &mut DbConnection,
    vacancy_ids: &[String],
) -> QueryResult<Vec<(String, String, String, i32)>> {
    use super::schema::scoring_tallies::dsl;
    if vacancy_ids.is_empty() {
        return Ok(Vec::new());
    }
    dsl::scoring_tallies
        .filter(dsl::vacancy_id.eq_any(vacancy_ids))
        .select((dsl::vacancy_id, dsl::assessor, dsl::method, dsl::lines))
        .load(conn)
}
