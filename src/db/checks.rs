//! Rows and queries of `pre_employment_checks` and `shortlist_decisions`, and the
//! org-wide checks worklist.

use diesel::prelude::*;

use super::schema::{applications, pre_employment_checks, shortlist_decisions, vacancies};
use super::vacancies::VacancyRow;
use super::DbConnection;
use crate::domain::checks::WorklistMembership;

/// `due_on` of a check that never falls due: after every real date, so the worklist's
/// one ordered index puts dated checks first in both backends (NULLs sort first in
/// SQLite and last in PostgreSQL).
pub const NO_DUE_DATE: &str = "9999-12-31";

/// `updated_by` of the row a required check has from submission until someone
/// records it.
pub const PLACEHOLDER_AUTHOR: &str = "system";

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = pre_employment_checks)]
pub struct CheckRow {
    pub application_id: String,
    pub kind: String,
    pub vacancy_id: String,
    pub status: String,
    pub reason: Option<String>,
    pub checked_at: Option<String>,
    /// JSON object.
    pub details: String,
    pub updated_by: String,
    pub updated_at: String,
    pub org: String,
    /// Whether the org's worklist shows the row (see `domain::checks::worklist_membership`).
    pub on_worklist: bool,
    /// `YYYY-MM-DD`, or [`NO_DUE_DATE`].
    pub due_on: String,
}

impl CheckRow {
    /// A required check nobody has recorded yet.
    pub fn is_placeholder(&self) -> bool {
        self.updated_by == PLACEHOLDER_AUTHOR && self.status == "not_started"
    }

    pub fn due_date(&self) -> Option<&str> {
        (self.due_on != NO_DUE_DATE).then_some(self.due_on.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = shortlist_decisions)]
pub struct DecisionRow {
    pub application_id: String,
    pub vacancy_id: String,
    pub decision: String,
    pub reason: String,
    pub override_reason: Option<String>,
    /// JSON array of criterion ids.
    pub unmet_criteria: String,
    pub decided_by: String,
    pub decided_at: String,
}

pub fn for_application(
    conn: &mut DbConnection,
    application_id: &str,
) -> QueryResult<Vec<CheckRow>> {
    use super::schema::pre_employment_checks::dsl;
    crate::on_backend!(conn, |c| dsl::pre_employment_checks
        .filter(dsl::application_id.eq(application_id))
        .select(CheckRow::as_select())
        .load(c))
}

/// Each recorded check of the vacancy's applications as (application, kind, status):
/// all that a shortlist reads of them. The whole rows (details JSON, who and when) were
/// a fifth of a 5,000-application shortlist's time, for columns it never reads.
pub fn statuses_for_vacancy(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<(String, String, String)>> {
    use super::schema::pre_employment_checks::dsl;
    crate::on_backend!(&mut *conn, |c| dsl::pre_employment_checks
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select((dsl::application_id, dsl::kind, dsl::status))
        .load(c))
}

/// The same of these applications only (a page of a shortlist).
pub fn statuses_for_applications(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    use super::schema::pre_employment_checks::dsl;
    crate::on_backend!(&mut *conn, |c| dsl::pre_employment_checks
        .filter(dsl::application_id.eq_any(ids))
        .select((dsl::application_id, dsl::kind, dsl::status))
        .load(c))
}

/// Replaces the record of one check; returns what it replaced.
pub fn put(conn: &mut DbConnection, row: &CheckRow) -> QueryResult<Option<CheckRow>> {
    use super::schema::pre_employment_checks::dsl;
    let scope = dsl::pre_employment_checks
        .filter(dsl::application_id.eq(&row.application_id))
        .filter(dsl::kind.eq(&row.kind));
    let before = scope.select(CheckRow::as_select()).first(conn).optional()?;
    diesel::delete(
        dsl::pre_employment_checks
            .filter(dsl::application_id.eq(&row.application_id))
            .filter(dsl::kind.eq(&row.kind)),
    )
    .execute(conn)?;
    diesel::insert_into(pre_employment_checks::table)
        .values(row)
        .execute(conn)?;
    Ok(before)
}

/// Rows for the required checks of a new application that has none yet.
pub fn insert_placeholders(conn: &mut DbConnection, rows: &[CheckRow]) -> QueryResult<()> {
    // One statement per row: the multi-backend connection has no batch insert.
    for row in rows {
        diesel::insert_into(pre_employment_checks::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// Puts an application's rows on the worklist, or takes them off, after its status
/// changed.
pub fn set_membership(
    conn: &mut DbConnection,
    application_id: &str,
    membership: WorklistMembership,
) -> QueryResult<()> {
    use super::schema::pre_employment_checks::dsl;
    let rows = dsl::pre_employment_checks.filter(dsl::application_id.eq(application_id));
    match membership {
        WorklistMembership::All => diesel::update(rows)
            .set(dsl::on_worklist.eq(true))
            .execute(conn),
        WorklistMembership::None => diesel::update(rows)
            .set(dsl::on_worklist.eq(false))
            .execute(conn),
        WorklistMembership::DatedOnly => diesel::update(rows)
            .set(dsl::on_worklist.eq(dsl::due_on.ne(NO_DUE_DATE)))
            .execute(conn),
    }?;
    Ok(())
}

/// The vacancy is over (filled or cancelled): nobody on it moves forward any more, so
/// the checks of everyone not appointed leave the worklist (an appointed person's
/// follow-ups stay).
pub fn vacancy_over(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<()> {
    use super::schema::pre_employment_checks::dsl;
    let not_appointed = applications::table
        .filter(applications::vacancy_id.eq(vacancy_id))
        .filter(applications::status.ne("appointed"))
        .select(applications::id);
    diesel::update(
        dsl::pre_employment_checks
            .filter(dsl::vacancy_id.eq(vacancy_id))
            .filter(dsl::application_id.eq_any(not_appointed)),
    )
    .set(dsl::on_worklist.eq(false))
    .execute(conn)?;
    Ok(())
}

/// The org's clear DBS checks: their re-check dates follow the org's interval.
pub fn clear_dbs_checks(conn: &mut DbConnection, org: &str) -> QueryResult<Vec<CheckRow>> {
    use super::schema::pre_employment_checks::dsl;
    dsl::pre_employment_checks
        .filter(dsl::org.eq(org))
        .filter(dsl::kind.eq("dbs"))
        .filter(dsl::status.eq("clear"))
        .select(CheckRow::as_select())
        .load(conn)
}

pub fn set_due(
    conn: &mut DbConnection,
    application_id: &str,
    kind: &str,
    due_on: &str,
) -> QueryResult<()> {
    use super::schema::pre_employment_checks::dsl;
    diesel::update(
        dsl::pre_employment_checks
            .filter(dsl::application_id.eq(application_id))
            .filter(dsl::kind.eq(kind)),
    )
    .set(dsl::due_on.eq(due_on))
    .execute(conn)?;
    Ok(())
}

/// Filters of the worklist; the position is `(due_on, application_id, kind)` of the
/// last row of the previous page.
pub struct WorklistFilter {
    pub org: String,
    pub status: Option<String>,
    pub kind: Option<String>,
    pub vacancy_id: Option<String>,
    /// Strictly before this `YYYY-MM-DD`.
    pub due_before: Option<String>,
    pub after: Option<(String, String, String)>,
    pub limit: i64,
}

/// One row of the worklist: the check, whose application it is and of which vacancy.
pub struct WorklistRow {
    pub check: CheckRow,
    pub candidate_code: String,
    pub vacancy: VacancyRow,
}

/// The org's checks on the worklist in `(due_on, application_id, kind)` order, read by
/// one index range (`pre_employment_checks_worklist*`: one led by the org, one each by
/// status, kind and vacancy, so a filter for something rare never walks the org's
/// other rows): keyset pagination, so a page
/// costs the same wherever it starts and rows written meanwhile neither repeat nor
/// shift what follows.
pub fn worklist(conn: &mut DbConnection, f: WorklistFilter) -> QueryResult<Vec<WorklistRow>> {
    use super::schema::pre_employment_checks::dsl as c;
    let mut q = pre_employment_checks::table
        .inner_join(applications::table.on(applications::id.eq(c::application_id)))
        .inner_join(vacancies::table.on(vacancies::id.eq(c::vacancy_id)))
        .filter(c::on_worklist.eq(true))
        .select((
            CheckRow::as_select(),
            applications::candidate_code,
            VacancyRow::as_select(),
        ))
        .into_boxed();
    // The vacancy filter has an index of its own (led by vacancy_id); the org is still
    // checked so that another org's vacancy id finds nothing.
    q = q.filter(c::org.eq(f.org));
    if let Some(vacancy_id) = f.vacancy_id {
        q = q.filter(c::vacancy_id.eq(vacancy_id));
    }
    if let Some(status) = f.status {
        q = q.filter(c::status.eq(status));
    }
    if let Some(kind) = f.kind {
        q = q.filter(c::kind.eq(kind));
    }
    if let Some(before) = f.due_before {
        q = q.filter(c::due_on.lt(before));
    }
    if let Some((due, application_id, kind)) = f.after {
        // `due_on >= x` bounds the index range; the rest picks up after the last row.
        q = q.filter(c::due_on.ge(due.clone())).filter(
            c::due_on.gt(due.clone()).or(c::due_on.eq(due).and(
                c::application_id
                    .gt(application_id.clone())
                    .or(c::application_id.eq(application_id).and(c::kind.gt(kind))),
            )),
        );
    }
    let rows: Vec<(CheckRow, String, VacancyRow)> = q
        .order((c::due_on.asc(), c::application_id.asc(), c::kind.asc()))
        .limit(f.limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(check, candidate_code, vacancy)| WorklistRow {
            check,
            candidate_code,
            vacancy,
        })
        .collect())
}

/// The first step reopened: its shortlisting decision no longer stands.
pub fn delete_decision(conn: &mut DbConnection, application_id: &str) -> QueryResult<()> {
    use shortlist_decisions::dsl;
    diesel::delete(dsl::shortlist_decisions.filter(dsl::application_id.eq(application_id)))
        .execute(conn)?;
    Ok(())
}

pub fn insert_decision(conn: &mut DbConnection, row: &DecisionRow) -> QueryResult<()> {
    diesel::insert_into(shortlist_decisions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}
