//! Anonymisation of an application's personal data, and per-org retention settings.

use diesel::prelude::*;

use super::schema::org_settings;
use super::DbConnection;

pub fn retention_days(conn: &mut DbConnection, org: &str) -> QueryResult<Option<i32>> {
    use super::schema::org_settings::dsl;
    dsl::org_settings
        .filter(dsl::org.eq(org))
        .select(dsl::retention_days)
        .first(conn)
        .optional()
}

/// `(retention_days, dbs_recheck_months)` of an org that stored settings.
pub fn settings(conn: &mut DbConnection, org: &str) -> QueryResult<Option<(i32, i32)>> {
    use super::schema::org_settings::dsl;
    dsl::org_settings
        .filter(dsl::org.eq(org))
        .select((dsl::retention_days, dsl::dbs_recheck_months))
        .first(conn)
        .optional()
}

/// The org's DBS re-check interval, its settings row share-locked until the
/// transaction ends (PostgreSQL): a check dated by it commits before a change of the
/// interval re-dates the org's checks, or waits for it and reads the new interval.
pub fn dbs_recheck_months(conn: &mut DbConnection, org: &str) -> QueryResult<Option<i32>> {
    use super::schema::org_settings::dsl;
    macro_rules! query {
        () => {
            dsl::org_settings
                .filter(dsl::org.eq(org))
                .select(dsl::dbs_recheck_months)
        };
    }
    match conn {
        DbConnection::Postgres(c) => query!().for_share().first(c).optional(),
        DbConnection::Sqlite(c) => query!().first(c).optional(),
    }
}

pub fn set_settings(
    conn: &mut DbConnection,
    org: &str,
    retention_days: i32,
    dbs_recheck_months: i32,
    now: &str,
) -> QueryResult<()> {
    use super::schema::org_settings::dsl;
    let changed = diesel::update(dsl::org_settings.filter(dsl::org.eq(org)))
        .set((
            dsl::retention_days.eq(retention_days),
            dsl::dbs_recheck_months.eq(dbs_recheck_months),
            dsl::updated_at.eq(now),
        ))
        .execute(conn)?;
    if changed == 0 {
        diesel::insert_into(org_settings::table)
            .values((
                dsl::org.eq(org),
                dsl::retention_days.eq(retention_days),
                dsl::dbs_recheck_months.eq(dbs_recheck_months),
                dsl::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Orgs with a retention setting of their own.
pub fn all_settings(conn: &mut DbConnection) -> QueryResult<Vec<(String, i32)>> {
    use super::schema::org_settings::dsl;
    dsl::org_settings
        .select((dsl::org, dsl::retention_days))
        .load(conn)
}

/// Removes what identifies the applicant (name, email, phone, registration number,
/// free-text evidence, equality answers, cached idempotent responses) and keeps the
/// scores, decisions and candidate code for statistics.
pub fn anonymise(
    conn: &mut DbConnection,
    application_id: &str,
    candidate_code: &str,
    now: &str,
) -> QueryResult<()> {
    use super::schema::{
        agreed_scores, applications, equality_monitoring, idempotency_keys, scores,
    };
    diesel::update(applications::table.filter(applications::id.eq(application_id)))
        .set((
            applications::candidate_name.eq(format!("Anonymised applicant {candidate_code}")),
            applications::candidate_email.eq(format!("anonymised-{application_id}@invalid")),
            applications::candidate_phone.eq(None::<String>),
            applications::registration_number.eq(None::<String>),
            applications::anonymised_at.eq(Some(now)),
            applications::version.eq(applications::version + 1),
            applications::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::update(scores::table.filter(scores::application_id.eq(application_id)))
        .set(scores::evidence.eq(None::<String>))
        .execute(conn)?;
    diesel::update(agreed_scores::table.filter(agreed_scores::application_id.eq(application_id)))
        .set(agreed_scores::evidence.eq(None::<String>))
        .execute(conn)?;
    diesel::delete(
        equality_monitoring::table.filter(equality_monitoring::application_id.eq(application_id)),
    )
    .execute(conn)?;
    diesel::delete(idempotency_keys::table.filter(
        idempotency_keys::resource_location.eq(format!("/api/v1/applications/{application_id}")),
    ))
    .execute(conn)?;
    erase_free_text(conn, application_id)
}

/// What retention needs to know of one not-yet-anonymised unsuccessful application.
#[derive(Debug, Clone, Queryable)]
pub struct RetentionCandidate {
    pub application_id: String,
    pub candidate_code: String,
    pub status: String,
    pub closing_date: Option<String>,
    pub vacancy_status: String,
    pub vacancy_updated_at: String,
}

/// Unsuccessful, not yet anonymised applications to vacancies that are over.
pub fn retention_candidates(
    conn: &mut DbConnection,
    org: &str,
) -> QueryResult<Vec<RetentionCandidate>> {
    use super::schema::{applications, vacancies};
    applications::table
        .inner_join(vacancies::table)
        .filter(applications::org.eq(org))
        .filter(applications::anonymised_at.is_null())
        .filter(vacancies::status.eq_any(["closed", "filled", "cancelled"]))
        .filter(applications::status.eq_any([
            "not_shortlisted",
            "unsuccessful",
            "withdrawn",
            "offer_withdrawn",
        ]))
        .select((
            applications::id,
            applications::candidate_code,
            applications::status,
            vacancies::closing_date,
            vacancies::status,
            vacancies::updated_at,
        ))
        .load(conn)
}

/// Every org that has applications, for the retention command.
pub fn orgs_with_applications(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    use super::schema::applications::dsl;
    dsl::applications.select(dsl::org).distinct().load(conn)
}

/// Equality answers joined to application status, for one vacancy's report.
pub fn equality_rows(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> QueryResult<Vec<(String, super::applications::EqualityRow)>> {
    use super::schema::{applications, equality_monitoring};
    equality_monitoring::table
        .inner_join(applications::table)
        .filter(equality_monitoring::vacancy_id.eq(vacancy_id))
        .select((
            applications::status,
            super::applications::EqualityRow::as_select(),
        ))
        .load(conn)
}

/// The stored equality report of a vacancy, if one was computed.
pub fn equality_snapshot(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<Option<String>> {
    use super::schema::equality_snapshots::dsl;
    dsl::equality_snapshots
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(dsl::report)
        .first(conn)
        .optional()
}

/// Stores the equality report of a vacancy once; a second store keeps the first.
pub fn store_equality_snapshot(
    conn: &mut DbConnection,
    org: &str,
    vacancy_id: &str,
    report: &str,
    now: &str,
) -> QueryResult<()> {
    use super::schema::equality_snapshots::dsl;
    let row = (
        dsl::vacancy_id.eq(vacancy_id),
        dsl::org.eq(org),
        dsl::report.eq(report),
        dsl::computed_at.eq(now),
    );
    crate::on_backend!(&mut *conn, |c| diesel::insert_into(dsl::equality_snapshots)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(())
}

/// Clears what erasure must remove from an application's check and decision rows:
/// check details (certificate numbers, notes) and every free-text reason. The due
/// dates derived from the details go too, and with them the rows' place on the
/// worklist: an erased applicant is neither offered nor appointed.
pub fn erase_free_text(conn: &mut DbConnection, application_id: &str) -> QueryResult<()> {
    use super::schema::{pre_employment_checks as checks, shortlist_decisions as decisions};
    diesel::update(checks::table.filter(checks::application_id.eq(application_id)))
        .set((
            checks::details.eq("{}"),
            checks::reason.eq(None::<String>),
            checks::due_on.eq(super::checks::NO_DUE_DATE),
            checks::on_worklist.eq(false),
        ))
        .execute(conn)?;
    diesel::update(decisions::table.filter(decisions::application_id.eq(application_id)))
        .set((
            decisions::reason.eq("[erased]"),
            decisions::override_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    super::steps::erase_free_text(conn, application_id)?;
    Ok(())
}
