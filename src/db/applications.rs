//! Rows and queries of `applications`, candidate numbering, equality answers and
//! idempotency records.

use diesel::prelude::*;

use super::schema::{applications, equality_monitoring, idempotency_keys, vacancy_counters};
use super::DbConnection;

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = applications)]
#[diesel(treat_none_as_null = true)]
pub struct ApplicationRow {
    pub id: String,
    pub org: String,
    pub vacancy_id: String,
    pub candidate_code: String,
    pub candidate_name: String,
    pub candidate_email: String,
    pub candidate_phone: Option<String>,
    pub guaranteed_interview: bool,
    pub driving_licence_held: Option<bool>,
    pub penalty_points: Option<i32>,
    pub at_fault_accidents: Option<i32>,
    pub right_to_work: Option<bool>,
    pub registration_number: Option<String>,
    pub status: String,
    pub submitted_by: String,
    pub submitted_at: String,
    pub updated_at: String,
    pub version: i32,
    /// Set when the personal data was erased or anonymised.
    pub anonymised_at: Option<String>,
    /// Accepted the restrictions of a politically restricted post.
    pub politically_restricted_accepted: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = equality_monitoring)]
pub struct EqualityRow {
    pub application_id: String,
    pub org: String,
    pub vacancy_id: String,
    pub age_band: Option<String>,
    pub sex: Option<String>,
    pub gender_identity: Option<String>,
    pub ethnicity: Option<String>,
    pub disability: Option<String>,
    pub religion_or_belief: Option<String>,
    pub sexual_orientation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    pub org: String,
    pub caller: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub response_status: i32,
    pub response_body: String,
    pub resource_location: Option<String>,
    pub created_at: String,
}

pub fn find(conn: &mut DbConnection, org: &str, id: &str) -> QueryResult<ApplicationRow> {
    use super::schema::applications::dsl;
    crate::on_backend!(conn, |c| dsl::applications
        .filter(dsl::id.eq(id))
        .filter(dsl::org.eq(org))
        .select(ApplicationRow::as_select())
        .first(c))
}

/// The application `id` of `org`, locked for update until the transaction ends
/// (PostgreSQL; SQLite transactions already hold the write lock). Callers lock the
/// application's vacancy first: locks are always taken vacancy, then application.
pub fn find_locked(conn: &mut DbConnection, org: &str, id: &str) -> QueryResult<ApplicationRow> {
    use super::schema::applications::dsl;
    // `as_select` is typed by backend, so each arm builds its own query.
    macro_rules! query {
        () => {
            dsl::applications
                .filter(dsl::id.eq(id))
                .filter(dsl::org.eq(org))
                .select(ApplicationRow::as_select())
        };
    }
    let found = match conn {
        DbConnection::Postgres(c) => query!().for_update().first(c).optional(),
        DbConnection::Sqlite(c) => query!().first(c).optional(),
    };
    found?.ok_or(diesel::result::Error::NotFound)
}

/// What the applicant declared, as the evaluation reads it. Kept beside the row so that
/// `update` marks a result stale exactly when an input of the evaluation changed.
pub fn declarations_of(a: &ApplicationRow) -> crate::domain::evaluation::Declarations {
    crate::domain::evaluation::Declarations {
        guaranteed_interview: a.guaranteed_interview,
        penalty_points: a.penalty_points,
        at_fault_accidents: a.at_fault_accidents,
        driving_licence_held: a.driving_licence_held,
        right_to_work: a.right_to_work,
        politically_restricted_accepted: a.politically_restricted_accepted,
    }
}

pub fn insert(conn: &mut DbConnection, row: &ApplicationRow) -> QueryResult<()> {
    diesel::insert_into(applications::table)
        .values(row)
        .execute(conn)?;
    // A new application has a result at every step from the start.
    super::results::mark_application(&row.vacancy_id, &row.id);
    Ok(())
}

pub fn insert_equality(conn: &mut DbConnection, row: &EqualityRow) -> QueryResult<()> {
    diesel::insert_into(equality_monitoring::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Writes `row` if nobody changed it since `expected_version` was read; `false` when
/// somebody did (the caller decides what that means for its request). Every change of
/// status goes through here, so here its check rows join or leave the worklist.
pub fn update(
    conn: &mut DbConnection,
    row: &ApplicationRow,
    expected_version: i32,
) -> QueryResult<bool> {
    use super::schema::applications::dsl;
    let before = dsl::applications
        .filter(dsl::id.eq(&row.id))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?;
    let changed = diesel::update(
        dsl::applications
            .filter(dsl::id.eq(&row.id))
            .filter(dsl::version.eq(expected_version)),
    )
    .set(row)
    .execute(conn)?;
    if changed == 1 {
        // Status changes (decisions, withdrawals) leave the evaluation as it was; a
        // changed declaration does not.
        if before
            .as_ref()
            .is_none_or(|b| declarations_of(b) != declarations_of(row))
        {
            super::results::mark_application(&row.vacancy_id, &row.id);
        }
        // A page of a shortlist is chosen by status in the results' own table.
        if before.as_ref().is_none_or(|b| b.status != row.status) {
            super::results::set_status(conn, &row.id, &row.status)?;
        }
        if let Some(status) = crate::domain::application::ApplicationStatus::parse(&row.status) {
            let membership =
                crate::domain::checks::worklist_membership(status, row.anonymised_at.is_some());
            super::checks::set_membership(conn, &row.id, membership)?;
        }
    }
    Ok(changed == 1)
}

pub fn email_taken(conn: &mut DbConnection, vacancy_id: &str, email: &str) -> QueryResult<bool> {
    use super::schema::applications::dsl;
    let n: i64 = dsl::applications
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .filter(dsl::candidate_email.eq(email))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Takes the vacancy's next candidate number. The UPDATE locks the counter row, so
/// concurrent submissions on PostgreSQL queue here instead of sharing a number.
pub fn next_candidate_number(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<i32> {
    use super::schema::vacancy_counters::dsl;
    let taken: Option<i32> =
        diesel::update(dsl::vacancy_counters.filter(dsl::vacancy_id.eq(vacancy_id)))
            .set(dsl::last_candidate_number.eq(dsl::last_candidate_number + 1))
            .returning(dsl::last_candidate_number)
            .get_result(conn)
            .optional()?;
    match taken {
        Some(n) => Ok(n),
        None => {
            diesel::insert_into(vacancy_counters::table)
                .values((
                    dsl::vacancy_id.eq(vacancy_id),
                    dsl::last_candidate_number.eq(1),
                ))
                .execute(conn)?;
            Ok(1)
        }
    }
}

/// Creates the counter when a vacancy opens, so that submissions only ever UPDATE it.
pub fn ensure_counter(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<()> {
    use super::schema::vacancy_counters::dsl;
    let exists: i64 = dsl::vacancy_counters
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(vacancy_counters::table)
            .values((
                dsl::vacancy_id.eq(vacancy_id),
                dsl::last_candidate_number.eq(0),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn find_idempotent(
    conn: &mut DbConnection,
    org: &str,
    caller: &str,
    key: &str,
) -> QueryResult<Option<IdempotencyRow>> {
    use super::schema::idempotency_keys::dsl;
    dsl::idempotency_keys
        .filter(dsl::org.eq(org))
        .filter(dsl::caller.eq(caller))
        .filter(dsl::idempotency_key.eq(key))
        .select(IdempotencyRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_idempotent(conn: &mut DbConnection, row: &IdempotencyRow) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub struct ListFilter<'a> {
    pub vacancy_id: &'a str,
    pub status: Option<String>,
    pub submitted_by: Option<String>,
    pub after: Option<(String, String)>,
    pub limit: i64,
}

/// In submission order, keyset-paginated on `(submitted_at, id)`.
pub fn list(conn: &mut DbConnection, f: ListFilter<'_>) -> QueryResult<Vec<ApplicationRow>> {
    use super::schema::applications::dsl;
    let mut q = dsl::applications
        .filter(dsl::vacancy_id.eq(f.vacancy_id))
        .select(ApplicationRow::as_select())
        .into_boxed();
    if let Some(status) = f.status {
        q = q.filter(dsl::status.eq(status));
    }
    if let Some(by) = f.submitted_by {
        q = q.filter(dsl::submitted_by.eq(by));
    }
    if let Some((at, id)) = f.after {
        q = q.filter(
            dsl::submitted_at
                .gt(at.clone())
                .or(dsl::submitted_at.eq(at).and(dsl::id.gt(id))),
        );
    }
    q.order((dsl::submitted_at.asc(), dsl::id.asc()))
        .limit(f.limit)
        .load(conn)
}

/// Every application of a vacancy, in submission order.
/// These applications of `vacancy_id`, in the vacancy's order (ids in chunks under
/// SQLite's bound-parameter limit).
pub fn some_of_vacancy(
    conn: &mut DbConnection,
    vacancy_id: &str,
    ids: &[String],
) -> QueryResult<Vec<ApplicationRow>> {
    use super::schema::applications::dsl;
    let mut all = Vec::new();
    for chunk in ids.chunks(500) {
        all.extend(crate::on_backend!(&mut *conn, |c| dsl::applications
            .filter(dsl::vacancy_id.eq(vacancy_id))
            .filter(dsl::id.eq_any(chunk))
            .select(ApplicationRow::as_select())
            .load(c))?);
    }
    all.sort_by(|a, b| (&a.submitted_at, &a.id).cmp(&(&b.submitted_at, &b.id)));
    Ok(all)
}

pub fn all_for_vacancy(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<ApplicationRow>> {
    use super::schema::applications::dsl;
    crate::on_backend!(&mut *conn, |c| dsl::applications
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(ApplicationRow::as_select())
        .order((dsl::submitted_at.asc(), dsl::id.asc()))
        .load(c))
}

/// How many applications of `vacancy_id` are in `status`.
pub fn count_with_status(
    conn: &mut DbConnection,
    vacancy_id: &str,
    status: &str,
) -> QueryResult<i64> {
    use super::schema::applications::dsl;
    dsl::applications
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .filter(dsl::status.eq(status))
        .count()
        .get_result(conn)
}

/// Marks the application changed now without a new version: for writes that change
/// what its representation shows (a step outcome, a reopened step) but not its own
/// columns, so `updated_since` still finds it.
pub fn touch(conn: &mut DbConnection, id: &str, now: &str) -> QueryResult<()> {
    use super::schema::applications::dsl;
    diesel::update(dsl::applications.filter(dsl::id.eq(id)))
        .set(dsl::updated_at.eq(now))
        .execute(conn)?;
    Ok(())
}

pub struct OrgListFilter<'a> {
    pub org: &'a str,
    pub status: Option<String>,
    pub vacancy_id: Option<String>,
    /// Inclusive: `updated_at >= updated_since` (RFC 3339 as stored).
    pub updated_since: Option<String>,
    pub submitted_by: Option<String>,
    /// `(updated_at, id)` of the last row already returned.
    pub after: Option<(String, String)>,
    pub limit: i64,
}

/// The org's applications, oldest change first, keyset-paginated on `(updated_at, id)`.
pub fn list_for_org(
    conn: &mut DbConnection,
    f: OrgListFilter<'_>,
) -> QueryResult<Vec<ApplicationRow>> {
    use super::schema::applications::dsl;
    let mut q = dsl::applications
        .filter(dsl::org.eq(f.org))
        .select(ApplicationRow::as_select())
        .into_boxed();
    if let Some(status) = f.status {
        q = q.filter(dsl::status.eq(status));
    }
    if let Some(vacancy_id) = f.vacancy_id {
        q = q.filter(dsl::vacancy_id.eq(vacancy_id));
    }
    if let Some(since) = f.updated_since {
        q = q.filter(dsl::updated_at.ge(since));
    }
    if let Some(by) = f.submitted_by {
        q = q.filter(dsl::submitted_by.eq(by));
    }
    if let Some((at, id)) = f.after {
        q = q.filter(
            dsl::updated_at
                .gt(at.clone())
                .or(dsl::updated_at.eq(at).and(dsl::id.gt(id))),
        );
    }
    q.order((dsl::updated_at.asc(), dsl::id.asc()))
        .limit(f.limit)
        .load(conn)
}
