//! Rows and queries of `pre_employment_checks` and `shortlist_decisions`.

use diesel::prelude::*;

use super::schema::{pre_employment_checks, shortlist_decisions};
use super::DbConnection;

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
    dsl::pre_employment_checks
        .filter(dsl::application_id.eq(application_id))
        .select(CheckRow::as_select())
        .load(conn)
}

pub fn for_vacancy(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<Vec<CheckRow>> {
    use super::schema::pre_employment_checks::dsl;
    dsl::pre_employment_checks
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(CheckRow::as_select())
        .load(conn)
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
