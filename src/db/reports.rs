//! Aggregate queries of the pipeline report: counts grouped in SQL, never a query per
//! application.

use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::{
    applications, conflicts_of_interest, criteria, pre_employment_checks, scores, scoring_seats,
    step_outcomes,
};
use super::DbConnection;

/// `(vacancy_id, status, count)` over the vacancies' applications.
pub fn status_counts(
    conn: &mut DbConnection,
    vacancy_ids: &[String],
) -> QueryResult<Vec<(String, String, i64)>> {
    use applications::dsl;
    dsl::applications
        .filter(dsl::vacancy_id.eq_any(vacancy_ids))
        .group_by((dsl::vacancy_id, dsl::status))
        .select((dsl::vacancy_id, dsl::status, count_star()))
        .load(conn)
}

/// `(vacancy_id, step_key, outcome, count)` of the recorded step outcomes.
pub fn outcome_counts(
    conn: &mut DbConnection,
    vacancy_ids: &[String],
) -> QueryResult<Vec<(String, String, String, i64)>> {
    use step_outcomes::dsl;
    dsl::step_outcomes
        .filter(dsl::vacancy_id.eq_any(vacancy_ids))
        .group_by((dsl::vacancy_id, dsl::step_key, dsl::outcome))
        .select((dsl::vacancy_id, dsl::step_key, dsl::outcome, count_star()))
        .load(conn)
}

/// `(id, vacancy_id, status)` of the applications in `status`.
pub fn applications_in_status(
    conn: &mut DbConnection,
    vacancy_ids: &[String],
    status: &str,
) -> QueryResult<Vec<(String, String, String)>> {
    use applications::dsl;
    dsl::applications
        .filter(dsl::vacancy_id.eq_any(vacancy_ids))
        .filter(dsl::status.eq(status))
        .select((dsl::id, dsl::vacancy_id, dsl::status))
        .load(conn)
}

/// `(id, vacancy_id, status)` of the given applications.
pub fn applications_by_id(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    use applications::dsl;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    dsl::applications
        .filter(dsl::id.eq_any(ids))
        .select((dsl::id, dsl::vacancy_id, dsl::status))
        .load(conn)
}

/// `(application_id, user_id)` of every declared conflict of interest.
pub fn conflicts(
    conn: &mut DbConnection,
    vacancy_ids: &[String],
) -> QueryResult<Vec<(String, String)>> {
    use conflicts_of_interest::dsl;
    dsl::conflicts_of_interest
        .filter(dsl::vacancy_id.eq_any(vacancy_ids))
        .select((dsl::application_id, dsl::user_id))
        .load(conn)
}

/// `(application_id, assessor, method, lines)` of the given applications' scores.
pub fn score_lines_of(
    conn: &mut DbConnection,
    application_ids: &[String],
) -> QueryResult<Vec<(String, String, String, i64)>> {
    use scores::dsl;
    if application_ids.is_empty() {
        return Ok(Vec::new());
    }
    dsl::scores
        .filter(dsl::application_id.eq_any(application_ids))
        .group_by((dsl::application_id, dsl::assessor, dsl::method))
        .select((
            dsl::application_id,
            dsl::assessor,
            dsl::method,
            count_star(),
        ))
        .load(conn)
}

/// `(vacancy_id, user_id, method)` of the scoring seats.
pub fn seats(
    conn: &mut DbConnection,
    vacancy_ids: &[String],
) -> QueryResult<Vec<(String, String, String)>> {
    use scoring_seats::dsl;
    dsl::scoring_seats
        .filter(dsl::vacancy_id.eq_any(vacancy_ids))
        .select((dsl::vacancy_id, dsl::user_id, dsl::method))
        .load(conn)
}

/// `(vacancy_id, methods JSON)` of every criterion.
pub fn criterion_methods(
    conn: &mut DbConnection,
    vacancy_ids: &[String],
) -> QueryResult<Vec<(String, String)>> {
    use criteria::dsl;
    dsl::criteria
        .filter(dsl::vacancy_id.eq_any(vacancy_ids))
        .select((dsl::vacancy_id, dsl::methods))
        .load(conn)
}

/// `(vacancy_id, kind, status, count)` of the recorded checks of applications in one of
/// `statuses` (those whose checks are outstanding work).
pub fn check_counts(
    conn: &mut DbConnection,
    vacancy_ids: &[String],
    statuses: &[&str],
) -> QueryResult<Vec<(String, String, String, i64)>> {
    use pre_employment_checks::dsl;
    let live = applications::table
        .filter(applications::vacancy_id.eq_any(vacancy_ids))
        .filter(applications::status.eq_any(statuses))
        .select(applications::id);
    dsl::pre_employment_checks
        .filter(dsl::vacancy_id.eq_any(vacancy_ids))
        .filter(dsl::application_id.eq_any(live))
        .group_by((dsl::vacancy_id, dsl::kind, dsl::status))
        .select((dsl::vacancy_id, dsl::kind, dsl::status, count_star()))
        .load(conn)
}
