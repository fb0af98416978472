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
    members: Vec<(String, PanelRole, Option<Vec<String>>)>,
) -> Result<Vec<PanelMemberRow>, AppError> {
    db.write(move |conn| {
        let vacancy = locks::vacancy(conn, &caller, &vacancy_id, LockMode::Exclusive)?.vacancy;
        if rules::vacancy_status(&vacancy)?.is_final() {
            return Err(AppError::Conflict(format!(
                "the vacancy is {}; its panel can no longer change",
                vacancy.status
            )));
        }
        let plan = super::plan::load(conn, &vacancy)?;
        let mut errors = Vec::new();
        for (i, (_, _, steps)) in members.iter().enumerate() {
            for key in steps.iter().flatten() {
                if plan.index_of(key).is_none() {
                    errors.push(crate::domain::FieldError::new(
                        format!("members[{i}].steps"),
                        format!("'{key}' is not a step of this vacancy's assessment plan"),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let before = store::for_vacancy(conn, &vacancy.id)?;
        let now = db::now_text();
        let rows: Vec<PanelMemberRow> = members
            .iter()
            .map(|(user, role, steps)| PanelMemberRow {
                vacancy_id: vacancy.id.clone(),
                user_id: user.clone(),
                role: role.as_str().into(),
                added_at: before
                    .iter()
                    .find(|b| &b.user_id == user)
                    .map(|b| b.added_at.clone())
                    .unwrap_or_else(|| now.clone()),
                steps: steps
                    .as_ref()
                    .map(|s| serde_json::to_string(s).unwrap_or_else(|_| "[]".into())),
            })
            .collect();
        store::replace(conn, &vacancy.id, &rows)?;
        super::plan::refresh_seats(conn, &vacancy, &plan)?;
        // A member removed: their scores stop counting (kept, shown as excluded).
        for gone in before
            .iter()
            .filter(|b| !rows.iter().any(|r| r.user_id == b.user_id))
        {
            #[derive(serde::Serialize)]
            struct Removed<'a> {
                user_id: &'a str,
                role: &'a str,
            }
            audit::record(
                conn,
                &actor,
                "panel.member_removed",
                "vacancy",
                &vacancy.id,
                Some(&Removed {
                    user_id: &gone.user_id,
                    role: &gone.role,
                }),
                None::<&()>,
            )?;
        }
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
