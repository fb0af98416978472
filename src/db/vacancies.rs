//! Rows and queries of the `vacancies` table.

use diesel::prelude::*;

use super::schema::vacancies::{self, dsl};
use super::DbConnection;

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = vacancies)]
#[diesel(treat_none_as_null = true)]
pub struct VacancyRow {
    pub id: String,
    pub org: String,
    pub reference: String,
    pub title: String,
    pub grade: Option<String>,
    pub department: Option<String>,
    pub location: Option<String>,
    pub hours_per_week: Option<f64>,
    pub salary_min: Option<f64>,
    pub salary_max: Option<f64>,
    pub closing_date: Option<String>,
    pub description: Option<String>,
    pub status: String,
    pub dbs_level: String,
    pub driving_requirement: String,
    pub max_penalty_points: i32,
    pub max_at_fault_accidents: i32,
    pub professional_registration: Option<String>,
    pub references_required: i32,
    pub occupational_health_required: bool,
    pub guaranteed_interview_scheme: bool,
    pub anonymised_shortlisting: bool,
    pub scoring_min: i32,
    pub scoring_max: i32,
    pub scoring_pass_mark: i32,
    /// JSON array of method names.
    pub shortlisting_methods: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i32,
    /// How many people the vacancy appoints (at least 1).
    pub positions: i32,
    /// A pair with fewer counting assessors (and no agreed score) is pending.
    pub min_assessors: i32,
    pub bpss_required: bool,
    pub politically_restricted: bool,
    /// Trigger points for corrective driver training (seed 001).
    pub training_penalty_points: i32,
    pub training_at_fault_accidents: i32,
}

pub fn insert(conn: &mut DbConnection, row: &VacancyRow) -> QueryResult<()> {
    diesel::insert_into(vacancies::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The vacancy `id` of `org`; another org's vacancy is simply not found.
pub fn find(conn: &mut DbConnection, org: &str, id: &str) -> QueryResult<VacancyRow> {
    crate::on_backend!(conn, |c| dsl::vacancies
        .filter(dsl::id.eq(id))
        .filter(dsl::org.eq(org))
        .select(VacancyRow::as_select())
        .first(c))
}

/// The org of vacancy `id`, whatever it is: for maintenance commands, which act for
/// no caller.
/// The vacancy `id`, whatever its org: for maintenance inside a transaction that has
/// already authorised the write (`service::results`).
pub fn by_id(conn: &mut DbConnection, id: &str) -> QueryResult<Option<VacancyRow>> {
    crate::on_backend!(conn, |c| dsl::vacancies
        .filter(dsl::id.eq(id))
        .select(VacancyRow::as_select())
        .first(c))
    .optional()
}

pub fn org_of(conn: &mut DbConnection, id: &str) -> QueryResult<Option<String>> {
    dsl::vacancies
        .filter(dsl::id.eq(id))
        .select(dsl::org)
        .first(conn)
        .optional()
}

/// The vacancy `id` of `org`, row-locked until the transaction ends: `Exclusive` for
/// writes that change the vacancy's state or what others check against it (status,
/// spec, panel, appointments), `Shared` for writes that only depend on it (scores,
/// checks, submissions). SQLite transactions already hold the database write lock
/// (BEGIN IMMEDIATE), so there the plain read is enough.
pub fn find_locked(
    conn: &mut DbConnection,
    org: &str,
    id: &str,
    mode: super::LockMode,
) -> QueryResult<VacancyRow> {
    // `as_select` is typed by backend, so each arm builds its own query.
    macro_rules! query {
        () => {
            dsl::vacancies
                .filter(dsl::id.eq(id))
                .filter(dsl::org.eq(org))
                .select(VacancyRow::as_select())
        };
    }
    let found = match (conn, mode) {
        (DbConnection::Postgres(c), super::LockMode::Exclusive) => {
            query!().for_update().first(c).optional()
        }
        (DbConnection::Postgres(c), super::LockMode::Shared) => {
            query!().for_share().first(c).optional()
        }
        (DbConnection::Sqlite(c), _) => query!().first(c).optional(),
    };
    found?.ok_or(diesel::result::Error::NotFound)
}

/// Writes `row` if the stored version is still `expected_version` (optimistic locking:
/// `false` when a concurrent writer got there first: never a lost update).
pub fn update(
    conn: &mut DbConnection,
    row: &VacancyRow,
    expected_version: i32,
) -> QueryResult<bool> {
    let before = dsl::vacancies
        .filter(dsl::id.eq(&row.id))
        .select(VacancyRow::as_select())
        .first(conn)
        .optional()?;
    let changed = diesel::update(
        dsl::vacancies
            .filter(dsl::id.eq(&row.id))
            .filter(dsl::org.eq(&row.org))
            .filter(dsl::version.eq(expected_version)),
    )
    .set(row)
    .execute(conn)?;
    if changed == 1 {
        if let Some(before) = before {
            // Whether the rules the evaluation reads changed is decided where they are
            // read (`service::results::flush`); a transition or a new title leaves
            // every result as it was.
            super::results::mark(super::results::Stale::Rules(Box::new(before)));
        }
    }
    Ok(changed == 1)
}

/// Position in a newest-first listing: `(created_at, id)` of the last row seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    pub created_at: String,
    pub id: String,
}

pub struct ListFilter<'a> {
    pub org: &'a str,
    pub statuses: Option<Vec<String>>,
    /// Only vacancies whose panel this user sits on.
    pub panel_member: Option<String>,
    pub after: Option<ListCursor>,
    pub limit: i64,
}

/// Newest first, keyset-paginated (stable under inserts, no OFFSET scans).
pub fn list(conn: &mut DbConnection, filter: ListFilter<'_>) -> QueryResult<Vec<VacancyRow>> {
    let mut query = dsl::vacancies
        .filter(dsl::org.eq(filter.org))
        .select(VacancyRow::as_select())
        .into_boxed();
    if let Some(statuses) = filter.statuses {
        query = query.filter(dsl::status.eq_any(statuses));
    }
    if let Some(user) = filter.panel_member {
        use super::schema::panel_members::dsl as panel;
        query = query.filter(
            dsl::id.eq_any(
                panel::panel_members
                    .filter(panel::user_id.eq(user))
                    .select(panel::vacancy_id),
            ),
        );
    }
    if let Some(after) = filter.after {
        query = query.filter(
            dsl::created_at
                .lt(after.created_at.clone())
                .or(dsl::created_at
                    .eq(after.created_at)
                    .and(dsl::id.lt(after.id))),
        );
    }
    query
        .order((dsl::created_at.desc(), dsl::id.desc()))
        .limit(filter.limit)
        .load(conn)
}

/// Bumps version and `updated_at` (the specification is part of what a vacancy is).
pub fn touch(conn: &mut DbConnection, org: &str, id: &str, now: &str) -> QueryResult<()> {
    diesel::update(
        dsl::vacancies
            .filter(dsl::id.eq(id))
            .filter(dsl::org.eq(org)),
    )
    .set((dsl::version.eq(dsl::version + 1), dsl::updated_at.eq(now)))
    .execute(conn)?;
    Ok(())
}

/// The vacancies of `org` among `ids`, in one query.
pub fn find_many(
    conn: &mut DbConnection,
    org: &str,
    ids: &[String],
) -> QueryResult<Vec<VacancyRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    dsl::vacancies
        .filter(dsl::org.eq(org))
        .filter(dsl::id.eq_any(ids))
        .select(VacancyRow::as_select())
        .load(conn)
}

/// Every vacancy of `org` (optionally in one status), oldest first.
pub fn all_for_org(
    conn: &mut DbConnection,
    org: &str,
    status: Option<&str>,
) -> QueryResult<Vec<VacancyRow>> {
    let mut q = dsl::vacancies
        .filter(dsl::org.eq(org))
        .select(VacancyRow::as_select())
        .into_boxed();
    if let Some(status) = status {
        q = q.filter(dsl::status.eq(status.to_string()));
    }
    q.order((dsl::created_at.asc(), dsl::id.asc())).load(conn)
}
