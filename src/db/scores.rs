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
    crate::on_backend!(conn, |c| dsl::scores
        .filter(dsl::application_id.eq(application_id))
        .select(ScoreRow::as_select())
        .order((
            dsl::criterion_id.asc(),
            dsl::method.asc(),
            dsl::assessor.asc(),
        ))
        .load(c))
}

/// The agreed scores of these applications (ids in chunks under SQLite's bound-parameter
/// limit).
pub fn agreed_for_applications(
    conn: &mut DbConnection,
    application_ids: &[String],
) -> QueryResult<Vec<AgreedScoreRow>> {
    use super::schema::agreed_scores::dsl;
    let mut all = Vec::new();
    for ids in application_ids.chunks(500) {
        all.extend(crate::on_backend!(&mut *conn, |c| dsl::agreed_scores
            .filter(dsl::application_id.eq_any(ids))
            .select(AgreedScoreRow::as_select())
            .load(c))?);
    }
    Ok(all)
}

pub fn agreed_for_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> QueryResult<Vec<AgreedScoreRow>> {
    use super::schema::agreed_scores::dsl;
    crate::on_backend!(conn, |c| dsl::agreed_scores
        .filter(dsl::application_id.eq(application_id))
        .select(AgreedScoreRow::as_select())
        .order((dsl::criterion_id.asc(), dsl::method.asc()))
        .load(c))
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
    let before: Vec<ScoreRow> = crate::on_backend!(&mut *conn, |c| scope
        .clone()
        .select(ScoreRow::as_select())
        .load(c))?;
    crate::on_backend!(&mut *conn, |c| diesel::delete(scope.clone()).execute(c))?;
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
    if let Some(vacancy_id) = rows
        .first()
        .or(before.first())
        .map(|r| r.vacancy_id.clone())
    {
        super::summaries::after(
            conn,
            &vacancy_id,
            crate::domain::summaries::ScoreWrite::Scoresheet {
                application: application_id,
            },
        )?;
        super::results::mark_application(&vacancy_id, application_id);
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
    if let Some(first) = rows.first().or(before.first()) {
        super::results::mark_application(&first.vacancy_id, application_id);
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
    crate::on_backend!(&mut *conn, |c| dsl::agreed_scores
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(AgreedScoreRow::as_select())
        .load(c))
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
