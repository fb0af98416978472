//! Rows and queries of the `criteria` table (a vacancy's person specification).

use diesel::prelude::*;

use super::schema::criteria::{self, dsl};
use super::DbConnection;

#[derive(
    Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize,
)]
#[diesel(table_name = criteria)]
#[diesel(treat_none_as_null = true)]
pub struct CriterionRow {
    pub id: String,
    pub vacancy_id: String,
    pub category: String,
    pub description: String,
    pub requirement: String,
    /// JSON array of method names.
    pub methods: String,
    pub weight: i32,
    pub alternative_group: Option<String>,
    pub position: i32,
}

pub fn for_vacancy(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<Vec<CriterionRow>> {
    crate::on_backend!(conn, |c| dsl::criteria
        .filter(dsl::vacancy_id.eq(vacancy_id))
        .select(CriterionRow::as_select())
        .order((dsl::position.asc(), dsl::id.asc()))
        .load(c))
}

pub fn insert_many(conn: &mut DbConnection, rows: &[CriterionRow]) -> QueryResult<()> {
    // Chunked multi-row inserts: SQLite caps bound parameters per statement.
    for chunk in rows.chunks(100) {
        crate::on_backend!(&mut *conn, |c| diesel::insert_into(criteria::table)
            .values(chunk)
            .execute(c))?;
    }
    // The criteria are an input of every result of their vacancy.
    let mut vacancies: Vec<&str> = rows.iter().map(|r| r.vacancy_id.as_str()).collect();
    vacancies.sort_unstable();
    vacancies.dedup();
    for v in vacancies {
        super::results::mark_vacancy(v);
    }
    Ok(())
}

pub fn update(conn: &mut DbConnection, row: &CriterionRow) -> QueryResult<()> {
    diesel::update(
        dsl::criteria
            .filter(dsl::id.eq(&row.id))
            .filter(dsl::vacancy_id.eq(&row.vacancy_id)),
    )
    .set(row)
    .execute(conn)?;
    super::results::mark_vacancy(&row.vacancy_id);
    Ok(())
}

pub fn delete(conn: &mut DbConnection, vacancy_id: &str, id: &str) -> QueryResult<usize> {
    super::results::mark_vacancy(vacancy_id);
    diesel::delete(
        dsl::criteria
            .filter(dsl::id.eq(id))
            .filter(dsl::vacancy_id.eq(vacancy_id)),
    )
    .execute(conn)
}

pub fn delete_all(conn: &mut DbConnection, vacancy_id: &str) -> QueryResult<usize> {
    super::results::mark_vacancy(vacancy_id);
    diesel::delete(dsl::criteria.filter(dsl::vacancy_id.eq(vacancy_id))).execute(conn)
}
