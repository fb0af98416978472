//! The person specification. Every change locks the vacancy exclusively and checks,
//! under that lock, that it is still a draft: a vacancy that opens at the same instant
//! either opens first (and the change is refused) or sees the changed spec when it
//! counts its essential criteria.

use super::locks;
use super::rules;
use crate::api::criteria::{
    check_spec, replacement_rows, to_row, trimmed, CriterionChanges, NewCriterion, MAX_CRITERIA,
};
use crate::api::vacancies::methods_json;
use crate::auth::Caller;
use crate::db::audit::{self, Actor};
use crate::db::criteria::{self as store, CriterionRow};
use crate::db::vacancies::{self as vacancy_store, VacancyRow};
use crate::db::{self, Db, DbConnection, LockMode};
use crate::error::AppError;

/// The vacancy as a writer may change its spec, locked: same org, and still a draft.
fn editable_vacancy(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<VacancyRow, AppError> {
    let vacancy = locks::vacancy(conn, caller, id, LockMode::Exclusive)?.vacancy;
    ensure_draft(&vacancy)?;
    Ok(vacancy)
}

/// The spec of `vacancy` may change only while it is a draft.
fn ensure_draft(vacancy: &VacancyRow) -> Result<(), AppError> {
    if rules::vacancy_status(vacancy)?.spec_editable() {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "the person specification is frozen once the vacancy is {}; only a draft can change",
            vacancy.status
        )))
    }
}

/// The vacancy if its spec may change now (for an import to fail fast before it
/// parses a document); the write checks again under its lock.
pub async fn editable(db: &Db, caller: Caller, id: String) -> Result<VacancyRow, AppError> {
    db.read(move |conn| {
        let vacancy = vacancy_store::find(conn, &caller.org, &id)?;
        ensure_draft(&vacancy)?;
        Ok(vacancy)
    })
    .await
}

fn record_change(
    conn: &mut DbConnection,
    actor: &Actor,
    vacancy: &VacancyRow,
    action: &str,
    entity_id: &str,
    before: Option<&impl serde::Serialize>,
    after: Option<&impl serde::Serialize>,
) -> Result<(), AppError> {
    vacancy_store::touch(conn, &vacancy.org, &vacancy.id, &db::now_text())?;
    audit::record(conn, actor, action, "criterion", entity_id, before, after)?;
    Ok(())
}

/// `PUT …/criteria` and the importer: replaces the whole spec; `action` names the
/// audit event.
pub async fn replace(
    db: &Db,
    caller: Caller,
    actor: Actor,
    vacancy_id: String,
    body: Vec<NewCriterion>,
    action: &'static str,
    settings: Option<crate::api::vacancies::VacancyChanges>,
) -> Result<Vec<CriterionRow>, AppError> {
    db.write(move |conn| {
        let vacancy = editable_vacancy(conn, &caller, &vacancy_id)?;
        let rows = replacement_rows(&vacancy, &body)?;
        // Settings adopted from the same document (`?apply_settings=true`) are written
        // in this transaction: the criteria and the settings land together or not at all.
        if let Some(changes) = settings {
            super::vacancies::update_in(
                conn,
                &caller,
                &actor,
                &vacancy.id,
                |_: i32| Ok(()),
                changes,
            )?;
        }
        let before = store::for_vacancy(conn, &vacancy.id)?;
        store::delete_all(conn, &vacancy.id)?;
        store::insert_many(conn, &rows)?;
        vacancy_store::touch(conn, &vacancy.org, &vacancy.id, &db::now_text())?;
        audit::record(
            conn,
            &actor,
            action,
            "vacancy",
            &vacancy.id,
            Some(&before),
            Some(&rows),
        )?;
        Ok(store::for_vacancy(conn, &vacancy.id)?)
    })
    .await
}

/// `POST …/criteria`: one more criterion.
pub async fn add(
    db: &Db,
    caller: Caller,
    actor: Actor,
    vacancy_id: String,
    body: NewCriterion,
) -> Result<CriterionRow, AppError> {
    db.write(move |conn| {
        let vacancy = editable_vacancy(conn, &caller, &vacancy_id)?;
        let mut rows = store::for_vacancy(conn, &vacancy.id)?;
        if rows.len() >= MAX_CRITERIA {
            return Err(AppError::Conflict(format!(
                "a person specification holds at most {MAX_CRITERIA} criteria"
            )));
        }
        let next_position = rows.iter().map(|r| r.position + 1).max().unwrap_or(0);
        let row = to_row(&vacancy.id, &body, next_position)?;
        rows.push(row.clone());
        let new_index = rows.len() - 1;
        check_spec(&rows, |i| (i == new_index).then(String::new))?;
        store::insert_many(conn, std::slice::from_ref(&row))?;
        record_change(
            conn,
            &actor,
            &vacancy,
            "criterion.created",
            &row.id,
            None::<&()>,
            Some(&row),
        )?;
        Ok(row)
    })
    .await
}

/// `PATCH …/criteria/{id}`.
pub async fn update(
    db: &Db,
    caller: Caller,
    actor: Actor,
    vacancy_id: String,
    criterion_id: String,
    changes: CriterionChanges,
) -> Result<CriterionRow, AppError> {
    db.write(move |conn| {
        let vacancy = editable_vacancy(conn, &caller, &vacancy_id)?;
        let mut rows = store::for_vacancy(conn, &vacancy.id)?;
        let index = rows
            .iter()
            .position(|r| r.id == criterion_id)
            .ok_or(AppError::NotFound)?;
        let before = rows[index].clone();
        let row = &mut rows[index];
        if let Some(v) = &changes.category {
            row.category = trimmed(v, "category")?;
        }
        if let Some(v) = &changes.description {
            row.description = trimmed(v, "description")?;
        }
        if let Some(v) = changes.requirement {
            row.requirement = v.as_str().into();
        }
        if let Some(v) = &changes.methods {
            row.methods = methods_json(v);
        }
        if let Some(v) = changes.weight {
            row.weight = v;
        }
        if let Some(v) = &changes.alternative_group {
            row.alternative_group = v.as_deref().map(str::trim).map(str::to_string);
        }
        if let Some(v) = changes.position {
            row.position = v;
        }
        let after = row.clone();
        check_spec(&rows, |i| (i == index).then(String::new))?;
        if after != before {
            store::update(conn, &after)?;
            record_change(
                conn,
                &actor,
                &vacancy,
                "criterion.updated",
                &after.id,
                Some(&before),
                Some(&after),
            )?;
        }
        Ok(after)
    })
    .await
}

/// `DELETE …/criteria/{id}`.
pub async fn delete(
    db: &Db,
    caller: Caller,
    actor: Actor,
    vacancy_id: String,
    criterion_id: String,
) -> Result<(), AppError> {
    db.write(move |conn| {
        let vacancy = editable_vacancy(conn, &caller, &vacancy_id)?;
        let before = store::for_vacancy(conn, &vacancy.id)?
            .into_iter()
            .find(|r| r.id == criterion_id)
            .ok_or(AppError::NotFound)?;
        store::delete(conn, &vacancy.id, &criterion_id)?;
        record_change(
            conn,
            &actor,
            &vacancy,
            "criterion.deleted",
            &criterion_id,
            Some(&before),
            None::<&()>,
        )
    })
    .await
}
