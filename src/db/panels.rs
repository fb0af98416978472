//! Rows and queries of `panel_members`.

use diesel::prelude::*;

use super::schema::panel_members::{self, dsl};
use super::DbConnection;

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = panel_members)]
pub struct PanelMemberRow {
    pub vacancy_id: String,
    pub user_id: String,
    pub role: String,
    pub added_at: String,
    /// JSON array of the step keys the member scores; `None`: every step.
    pub steps: Option<String>,
}

pub fn for_vacancy(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<Vec<PanelMemberRow>> {
    crate::on_backend!(conn, |c| dsl::panel_members
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(PanelMemberRow::as_select())
        .order(dsl::user_id.asc())
        .load(c))
}

/// The caller's seat on a vacancy's panel, if any.
pub fn seat(
    conn: &mut DbConnection,
    vacancy_id: &str,
    user_id: &str,
) -> QueryResult<Option<PanelMemberRow>> {
    crate::on_backend!(conn, |c| dsl::panel_members
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .filter(dsl::user_id.eq(user_id))
        .select(PanelMemberRow::as_select())
        .first(c))
    .optional()
}

pub fn replace(
    conn: &mut DbConnection,
    vacancy_id: &str,
    rows: &[PanelMemberRow],
) -> QueryResult<()> {
    diesel::delete(dsl::panel_members.filter(dsl::vacancy_id.eq(vacancy_id))).execute(conn)?;
    for row in rows {
        diesel::insert_into(panel_members::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}
