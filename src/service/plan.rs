//! The assessment plan, the scoring seats it implies, and reading a vacancy's or an
//! application's progress through it. Every stored value is read loudly.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::locks;
use super::rules;
use crate::auth::Caller;
use crate::db::audit::{self, Actor};
use crate::db::criteria as criteria_store;
use crate::db::panels::{self as panel_store, PanelMemberRow};
use crate::db::steps::{self as store, ConflictRow, OutcomeRow, SeatRow, StepRow};
use crate::db::vacancies::VacancyRow;
use crate::db::{Db, DbConnection, LockMode};
use crate::domain::plan::{default_plan, validate_plan, CutOff, Outcome, Plan, Step, StepKind};
use crate::domain::vacancy::VacancyStatus;
use crate::domain::Method;
use crate::error::AppError;

/// The vacancy's plan: its stored steps, or the default plan when it has none.
pub fn load(conn: &mut DbConnection, vacancy: &VacancyRow) -> Result<Plan, AppError> {
    let rows = store::plan_for_vacancy(conn, &vacancy.id)?;
    plan_of(vacancy, &rows)
}

pub fn plan_of(vacancy: &VacancyRow, rows: &[StepRow]) -> Result<Plan, AppError> {
    if rows.is_empty() {
        let sift = rules::methods(
            "vacancies.shortlisting_methods",
            &vacancy.shortlisting_methods,
        )?;
        return Ok(default_plan(&sift));
    }
    let steps = rows
        .iter()
        .map(|r| {
            Ok(Step {
                key: r.step_key.clone(),
                title: r.title.clone(),
                kind: rules::stored(StepKind::parse(&r.kind), "assessment_steps.kind", &r.kind)?,
                methods: rules::methods("assessment_steps.methods", &r.methods)?,
                cut_off: match &r.cut_off {
                    None => None,
                    Some(text) => Some(rules::stored(
                        serde_json::from_str::<CutOff>(text).ok(),
                        "assessment_steps.cut_off",
                        text,
                    )?),
                },
            })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(Plan {
        steps,
        is_default: false,
    })
}

/// The index of step `key` as a view's `?stage=` names it, or a 422 naming the plan's
/// steps (which step keys exist depends on the vacancy, not on the request's syntax).
pub fn step_index(plan: &Plan, key: &str) -> Result<usize, AppError> {
    plan.index_of(key).ok_or_else(|| {
        AppError::validation(
            "stage",
            format!(
                "is not a step of this vacancy's assessment plan ('{key}'); its steps are {}",
                plan.steps
                    .iter()
                    .map(|s| s.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    })
}

/// A panel member's step limit, read loudly.
pub fn member_steps(row: &PanelMemberRow) -> Result<Option<Vec<String>>, AppError> {
    match &row.steps {
        None => Ok(None),
        Some(text) => Ok(Some(rules::stored(
            serde_json::from_str::<Vec<String>>(text).ok(),
            "panel_members.steps",
            text,
        )?)),
    }
}

/// Which methods each panel member's scores count for.
pub fn seats(
    plan: &Plan,
    members: &[PanelMemberRow],
) -> Result<HashMap<String, Vec<Method>>, AppError> {
    members
        .iter()
        .map(|m| {
            let steps = member_steps(m)?;
            Ok((m.user_id.clone(), plan.seat_methods(steps.as_deref())))
        })
        .collect()
}

/// Rewrites the scoring seats the shortlist's aggregate joins, after a panel or plan
/// change (the caller holds the vacancy exclusively).
pub fn refresh_seats(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
    plan: &Plan,
) -> Result<(), AppError> {
    let members = panel_store::for_vacancy(conn, &vacancy.id)?;
    let rows: Vec<SeatRow> = seats(plan, &members)?
        .into_iter()
        .flat_map(|(user, methods)| {
            methods.into_iter().map(move |m| SeatRow {
                vacancy_id: vacancy.id.clone(),
                user_id: user.clone(),
                method: m.as_str().into(),
            })
        })
        .collect();
    store::replace_seats(conn, &vacancy.id, &rows)?;
    Ok(())
}

/// Each application's outcome at every step, in plan order (no row: pending).
pub fn outcomes_by_application(
    plan: &Plan,
    rows: &[OutcomeRow],
) -> Result<HashMap<String, Vec<Outcome>>, AppError> {
    let mut map: HashMap<String, Vec<Outcome>> = HashMap::new();
    for r in rows {
        let outcome = rules::stored(
            Outcome::parse(&r.outcome),
            "step_outcomes.outcome",
            &r.outcome,
        )?;
        let Some(k) = plan.index_of(&r.step_key) else {
            return Err(AppError::Internal(format!(
                "stored step outcome names step '{}', which the plan does not have",
                r.step_key
            )));
        };
        map.entry(r.application_id.clone())
            .or_insert_with(|| vec![Outcome::Pending; plan.steps.len()])[k] = outcome;
    }
    Ok(map)
}

pub fn outcomes_of(
    plan: &Plan,
    rows: &[OutcomeRow],
    application_id: &str,
) -> Result<Vec<Outcome>, AppError> {
    Ok(outcomes_by_application(plan, rows)?
        .remove(application_id)
        .unwrap_or_else(|| vec![Outcome::Pending; plan.steps.len()]))
}

/// The users recused from each application.
pub fn recusals(rows: &[ConflictRow]) -> HashMap<String, HashSet<String>> {
    let mut map: HashMap<String, HashSet<String>> = HashMap::new();
    for r in rows {
        map.entry(r.application_id.clone())
            .or_default()
            .insert(r.user_id.clone());
    }
    map
}

/// The methods the person specification assesses by.
pub fn spec_methods(
    conn: &mut DbConnection,
    vacancy_id: &str,
) -> Result<BTreeSet<Method>, AppError> {
    let mut methods = BTreeSet::new();
    for c in criteria_store::for_vacancy(conn, vacancy_id)? {
        methods.extend(rules::methods("criteria.methods", &c.methods)?);
    }
    Ok(methods)
}

/// `GET …/assessment-plan`.
pub async fn get(db: &Db, caller: Caller, vacancy_id: String) -> Result<Plan, AppError> {
    db.read(move |conn| {
        let visible = crate::api::access::vacancy(conn, &caller, &vacancy_id)?;
        load(conn, &visible.vacancy)
    })
    .await
}

/// `PUT …/assessment-plan`: draft only, checked against the specification, under the
/// same exclusive vacancy lock as spec changes and the move to `open`.
pub async fn replace(
    db: &Db,
    caller: Caller,
    actor: Actor,
    vacancy_id: String,
    steps: Vec<Step>,
) -> Result<Plan, AppError> {
    db.write(move |conn| {
        let vacancy = locks::vacancy(conn, &caller, &vacancy_id, LockMode::Exclusive)?.vacancy;
        if rules::vacancy_status(&vacancy)? != VacancyStatus::Draft {
            return Err(AppError::Conflict(format!(
                "the assessment plan is frozen once the vacancy opens; it is {}",
                vacancy.status
            )));
        }
        let errors = validate_plan(&steps, &spec_methods(conn, &vacancy.id)?);
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let before = store::plan_for_vacancy(conn, &vacancy.id)?;
        let rows: Vec<StepRow> = steps
            .iter()
            .enumerate()
            .map(|(i, s)| StepRow {
                vacancy_id: vacancy.id.clone(),
                step_key: s.key.clone(),
                position: i as i32,
                title: s.title.trim().to_string(),
                kind: s.kind.as_str().into(),
                methods: methods_json(&s.methods),
                cut_off: s.cut_off.map(|c| serde_json::to_string(&c).unwrap_or_default()),
            })
            .collect();
        // Members limited to steps the new plan no longer has would silently lose
        // their seat: refuse instead.
        let plan = plan_of(&vacancy, &rows)?;
        for m in panel_store::for_vacancy(conn, &vacancy.id)? {
            if let Some(keys) = member_steps(&m)? {
                if let Some(missing) = keys.iter().find(|k| plan.index_of(k).is_none()) {
                    return Err(AppError::Conflict(format!(
                        "panel member {} is limited to step '{missing}', which this plan does not have: change the panel first",
                        m.user_id
                    )));
                }
            }
        }
        store::replace_plan(conn, &vacancy.id, &rows)?;
        refresh_seats(conn, &vacancy, &plan)?;
        audit::record(
            conn,
            &actor,
            "assessment_plan.replaced",
            "vacancy",
            &vacancy.id,
            Some(&before),
            Some(&rows),
        )?;
        Ok(plan)
    })
    .await
}

pub fn methods_json(methods: &[Method]) -> String {
    serde_json::to_string(&methods.iter().map(|m| m.as_str()).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".into())
}

/// When a vacancy opens: its plan must still cover the specification it opens with.
pub fn check_plan_covers_spec(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
) -> Result<(), AppError> {
    let rows = store::plan_for_vacancy(conn, &vacancy.id)?;
    if rows.is_empty() {
        return Ok(());
    }
    let plan = plan_of(vacancy, &rows)?;
    let errors = validate_plan(&plan.steps, &spec_methods(conn, &vacancy.id)?);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "the assessment plan does not fit the person specification: {}",
            errors
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; ")
        )))
    }
}
