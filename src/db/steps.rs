//! Rows and queries of the assessment plan, scoring seats, conflicts of interest and
//! step outcomes (with their never-rewritten log).

use diesel::prelude::*;

use super::schema::{
    assessment_steps, conflicts_of_interest, scoring_seats, step_decision_log, step_outcomes,
};
use super::DbConnection;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = assessment_steps)]
pub struct StepRow {
    pub vacancy_id: String,
    pub step_key: String,
    pub position: i32,
    pub title: String,
    pub kind: String,
    /// JSON array of method names.
    pub methods: String,
    /// JSON `{"top": N}` or `{"min_percentage": P}`.
    pub cut_off: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = scoring_seats)]
pub struct SeatRow {
    pub vacancy_id: String,
    pub user_id: String,
    pub method: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = conflicts_of_interest)]
pub struct ConflictRow {
    pub application_id: String,
    pub user_id: String,
    pub vacancy_id: String,
    pub reason: Option<String>,
    pub declared_by: String,
    pub declared_at: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = step_outcomes)]
pub struct OutcomeRow {
    pub application_id: String,
    pub step_key: String,
    pub vacancy_id: String,
    pub outcome: String,
    pub reason_code: String,
    pub reason: Option<String>,
    pub feedback: Option<String>,
    pub override_reason: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
}

#[derive(Debug, Clone, PartialEq, Insertable, serde::Serialize)]
#[diesel(table_name = step_decision_log)]
pub struct LogEntry {
    pub application_id: String,
    pub step_key: String,
    pub vacancy_id: String,
    /// `decided`, `reinstated` or `reopened`.
    pub action: String,
    pub outcome: Option<String>,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub feedback: Option<String>,
    pub override_reason: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = step_decision_log)]
pub struct LoggedDecision {
    pub seq: i64,
    pub application_id: String,
    pub step_key: String,
    pub vacancy_id: String,
    pub action: String,
    pub outcome: Option<String>,
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    pub feedback: Option<String>,
    pub override_reason: Option<String>,
    pub decided_by: String,
    pub decided_at: String,
}

pub fn plan_for_vacancy(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<Vec<StepRow>> {
    use assessment_steps::dsl;
    crate::on_backend!(conn, |c| dsl::assessment_steps
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(StepRow::as_select())
        .order(dsl::position.asc())
        .load(c))
}

pub fn replace_plan(
    conn: &mut DbConnection,
    vacancy_id: &str,
    rows: &[StepRow],
) -> QueryResult<()> {
    use assessment_steps::dsl;
    diesel::delete(dsl::assessment_steps.filter(dsl::vacancy_id.eq(vacancy_id))).execute(conn)?;
    for row in rows {
        diesel::insert_into(assessment_steps::table)
            .values(row)
            .execute(conn)?;
    }
    // The steps, and what each counts, are those of the new plan.
    super::results::mark_vacancy(vacancy_id);
    Ok(())
}

pub fn replace_seats(
    conn: &mut DbConnection,
    vacancy_id: &str,
    rows: &[SeatRow],
) -> QueryResult<()> {
    use scoring_seats::dsl;
    diesel::delete(dsl::scoring_seats.filter(dsl::vacancy_id.eq(vacancy_id))).execute(conn)?;
    for chunk in rows.chunks(200) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(scoring_seats::table)
            .values(chunk)
            .execute(c))?;
    }
    // Seats decide which scores count: every summary of the vacancy may change.
    super::summaries::after(
        conn,
        vacancy_id,
        crate::domain::summaries::ScoreWrite::Seats,
    )?;
    super::results::mark_vacancy(vacancy_id);
    Ok(())
}

pub fn conflicts_for_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> QueryResult<Vec<ConflictRow>> {
    use conflicts_of_interest::dsl;
    crate::on_backend!(conn, |c| dsl::conflicts_of_interest
        .filter(dsl::application_id.eq(application_id))
        .select(ConflictRow::as_select())
        .order(dsl::declared_at.asc())
        .load(c))
}

pub fn conflicts_for_vacancy(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<ConflictRow>> {
    use conflicts_of_interest::dsl;
    crate::on_backend!(&mut *conn, |c| dsl::conflicts_of_interest
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(ConflictRow::as_select())
        .load(c))
}

pub fn insert_conflict(conn: &mut DbConnection, row: &ConflictRow) -> QueryResult<()> {
    diesel::insert_into(conflicts_of_interest::table)
        .values(row)
        .execute(conn)?;
    // The assessor's scores of this applicant stop counting.
    super::summaries::after(
        conn,
        &row.vacancy_id,
        crate::domain::summaries::ScoreWrite::Conflict {
            application: &row.application_id,
        },
    )?;
    super::results::mark_application(&row.vacancy_id, &row.application_id);
    Ok(())
}

pub fn outcomes_for_vacancy(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<OutcomeRow>> {
    use step_outcomes::dsl;
    crate::on_backend!(&mut *conn, |c| dsl::step_outcomes
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(OutcomeRow::as_select())
        .load(c))
}

pub fn outcomes_for_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> QueryResult<Vec<OutcomeRow>> {
    use step_outcomes::dsl;
    crate::on_backend!(&mut *conn, |c| dsl::step_outcomes
        .filter(dsl::application_id.eq(application_id))
        .select(OutcomeRow::as_select())
        .load(c))
}

/// Sets the current outcome of one step (delete then insert: both backends, no upsert).
pub fn set_outcome(conn: &mut DbConnection, row: &OutcomeRow) -> QueryResult<()> {
    clear_outcome(conn, &row.application_id, &row.step_key)?;
    diesel::insert_into(step_outcomes::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Records a decision: the step's current outcome and, from the same row, its entry in
/// the never-rewritten log (`action`: `decided` or `reinstated`).
pub fn record_outcome(conn: &mut DbConnection, row: &OutcomeRow, action: &str) -> QueryResult<()> {
    set_outcome(conn, row)?;
    log(
        conn,
        &LogEntry {
            application_id: row.application_id.clone(),
            step_key: row.step_key.clone(),
            vacancy_id: row.vacancy_id.clone(),
            action: action.into(),
            outcome: Some(row.outcome.clone()),
            reason_code: Some(row.reason_code.clone()),
            reason: row.reason.clone(),
            feedback: row.feedback.clone(),
            override_reason: row.override_reason.clone(),
            decided_by: row.decided_by.clone(),
            decided_at: row.decided_at.clone(),
        },
    )
}

pub fn clear_outcome(
    conn: &mut DbConnection,
    application_id: &str,
    step_key: &str,
) -> QueryResult<()> {
    use step_outcomes::dsl;
    diesel::delete(
        dsl::step_outcomes
            .filter(dsl::application_id.eq(application_id))
            .filter(dsl::step_key.eq(step_key)),
    )
    .execute(conn)?;
    Ok(())
}

pub fn log(conn: &mut DbConnection, entry: &LogEntry) -> QueryResult<()> {
    diesel::insert_into(step_decision_log::table)
        .values(entry)
        .execute(conn)?;
    Ok(())
}

pub fn log_for_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> QueryResult<Vec<LoggedDecision>> {
    use step_decision_log::dsl;
    dsl::step_decision_log
        .filter(dsl::application_id.eq(application_id))
        .select(LoggedDecision::as_select())
        .order(dsl::seq.asc())
        .load(conn)
}

/// Erasure: the free text of decisions, feedback and declared conflicts goes.
pub fn erase_free_text(conn: &mut DbConnection, application_id: &str) -> QueryResult<()> {
    use step_decision_log::dsl as log;
    use step_outcomes::dsl as out;
    diesel::update(out::step_outcomes.filter(out::application_id.eq(application_id)))
        .set((
            out::reason.eq(Some("[erased]")),
            out::feedback.eq(None::<String>),
            out::override_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    diesel::update(log::step_decision_log.filter(log::application_id.eq(application_id)))
        .set((
            log::reason.eq(Some("[erased]")),
            log::feedback.eq(None::<String>),
            log::override_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    use conflicts_of_interest::dsl as conflict;
    diesel::update(
        conflict::conflicts_of_interest.filter(conflict::application_id.eq(application_id)),
    )
    .set(conflict::reason.eq(None::<String>))
    .execute(conn)?;
    Ok(())
}

/// The outcomes of the given applications, in one query.
pub fn outcomes_for_applications(
    conn: &mut DbConnection,
    application_ids: &[String],
) -> QueryResult<Vec<OutcomeRow>> {
    use step_outcomes::dsl;
    if application_ids.is_empty() {
        return Ok(Vec::new());
    }
    crate::on_backend!(&mut *conn, |c| dsl::step_outcomes
        .filter(dsl::application_id.eq_any(application_ids))
        .select(OutcomeRow::as_select())
        .load(c))
}

/// The stored plans of several vacancies, in one query (each in position order).
pub fn plans_for_vacancies(
    conn: &mut DbConnection,
    vacancy_ids: &[String],
) -> QueryResult<Vec<StepRow>> {
    use assessment_steps::dsl;
    if vacancy_ids.is_empty() {
        return Ok(Vec::new());
    }
    dsl::assessment_steps
        .filter(dsl::vacancy_id.eq_any(vacancy_ids))
        .select(StepRow::as_select())
        .order((dsl::vacancy_id.asc(), dsl::position.asc()))
        .load(conn)
}
