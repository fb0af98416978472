//! A vacancy's panel. Replacing it locks the vacancy exclusively; a scoresheet shares
//! that lock and reads its author's seat under it, so a member removed at the same
//! instant as they score either scores first (and the removal follows) or is refused.

use super::locks;
use super::rules;
use crate::auth::Caller;
use crate::db::audit::{self, Actor};
use crate::db::panels::{self as store, PanelMemberRow};
use crate::db::{self, Db, LockMode};
use crate::domain::panel::PanelRole;
use crate::error::AppError;

/// `PUT /vacancies/{id}/panel`.
pub async fn replace(
    db: &Db,
    caller: Caller,
    actor: Actor,
    vacancy_id: String,
    members: Vec<(String, PanelRole)>,
) -> Result<Vec<PanelMemberRow>, AppError> {
    db.write(move |conn| {
        let vacancy = locks::vacancy(conn, &caller, &vacancy_id, LockMode::Exclusive)?.vacancy;
        if rules::vacancy_status(&vacancy)?.is_final() {
            return Err(AppError::Conflict(format!(
                "the vacancy is {}; its panel can no longer change",
                vacancy.status
            )));
        }
        let before = store::for_vacancy(conn, &vacancy.id)?;
        let now = db::now_text();
        let rows: Vec<PanelMemberRow> = members
            .iter()
            .map(|(user, role)| PanelMemberRow {
                vacancy_id: vacancy.id.clone(),
                user_id: user.clone(),
                role: role.as_str().into(),
                added_at: before
                    .iter()
                    .find(|b| &b.user_id == user)
                    .map(|b| b.added_at.clone())
                    .unwrap_or_else(|| now.clone()),
            })
            .collect();
        store::replace(conn, &vacancy.id, &rows)?;
        audit::record(
            conn,
            &actor,
            "panel.replaced",
            "vacancy",
            &vacancy.id,
            Some(&before),
            Some(&rows),
        )?;
        Ok(store::for_vacancy(conn, &vacancy.id)?)
    })
    .await
}
