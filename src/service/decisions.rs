//! Shortlisting decisions: the one owner of the decision rules, whichever route asks
//! (`POST …/shortlist/decisions` or `POST /applications/{id}/transitions` to
//! `shortlisted` / `not_shortlisted`). Every route checks the same rules against the
//! same evaluation and writes the same decision record.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::board::{Board, CriterionRef};
use super::locks;
use crate::auth::Caller;
use crate::db::applications as application_store;
use crate::db::audit::{self, Actor};
use crate::db::checks::{self as check_store, DecisionRow};
use crate::db::vacancies::VacancyRow;
use crate::db::{self, Db, DbConnection, LockMode};
use crate::domain::application::ApplicationStatus;
use crate::domain::evaluation::Stage;
use crate::domain::shortlist::{decide, Decision, DecisionRefusal};
use crate::domain::vacancy::VacancyStatus;
use crate::domain::FieldError;
use crate::error::AppError;

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedDecision {
    pub application_id: String,
    pub candidate_code: String,
    pub decision: Decision,
    pub status: ApplicationStatus,
    pub reason: String,
    pub override_reason: Option<String>,
    /// The unmet criteria a `not_shortlisted` decision rests on.
    pub unmet_criteria: Vec<CriterionRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedDecisions {
    pub decisions: Vec<RecordedDecision>,
}

/// One decision asked for.
#[derive(Debug, Clone)]
pub struct DecisionRequest {
    pub application_id: String,
    pub decision: Decision,
    pub reason: String,
    pub override_reason: Option<String>,
}

/// `POST …/shortlist/decisions`: all or nothing.
pub async fn record_batch(
    db: &Db,
    caller: Caller,
    actor: Actor,
    vacancy_id: String,
    requests: Vec<DecisionRequest>,
) -> Result<RecordedDecisions, AppError> {
    db.write(move |conn| {
        let vacancy = locks::vacancy(conn, &caller, &vacancy_id, LockMode::Exclusive)?.vacancy;
        let decisions = record(conn, &caller, &actor, vacancy, &requests)?;
        Ok(RecordedDecisions { decisions })
    })
    .await
}

/// Records `requests` on `vacancy`, which the caller has locked exclusively (so no
/// score, spec, panel or status change can slip in between evaluation and decision).
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &Actor,
    vacancy: VacancyRow,
    requests: &[DecisionRequest],
) -> Result<Vec<RecordedDecision>, AppError> {
    let status = super::rules::vacancy_status(&vacancy)?;
    if !matches!(status, VacancyStatus::Open | VacancyStatus::Closed) {
        return Err(AppError::Conflict(format!(
            "shortlisting decisions are recorded while a vacancy is open or closed; it is {}",
            vacancy.status
        )));
    }
    let board = Board::load_aggregated(conn, vacancy)?;
    let evaluations = board.evaluate(Stage::Shortlisting);
    let index: HashMap<&str, usize> = board
        .applications
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut errors = Vec::new();
    let mut conflicts = Vec::new();
    let mut seen = HashSet::new();
    let mut plan = Vec::new();
    for (n, d) in requests.iter().enumerate() {
        let Some(&i) = index.get(d.application_id.as_str()) else {
            errors.push(FieldError::new(
                format!("decisions[{n}].application_id"),
                "is not an application to this vacancy",
            ));
            continue;
        };
        if !seen.insert(d.application_id.as_str()) {
            errors.push(FieldError::new(
                format!("decisions[{n}].application_id"),
                "appears more than once",
            ));
            continue;
        }
        let a = &board.applications[i];
        if super::rules::application_status(a)? != ApplicationStatus::Submitted {
            conflicts.push(format!("{} is already {}", a.candidate_code, a.status));
            continue;
        }
        match decide(d.decision, &evaluations[i], d.override_reason.as_deref()) {
            Ok(unmet) => plan.push((i, d, unmet)),
            Err(DecisionRefusal::OverrideReasonRequired) => errors.push(FieldError::new(
                format!("decisions[{n}].override_reason"),
                format!(
                    "{} has an unmet or pending essential criterion: shortlisting needs an override reason",
                    a.candidate_code
                ),
            )),
            Err(DecisionRefusal::GuaranteedInterview) => conflicts.push(format!(
                "{} opted in to the guaranteed interview scheme and meets every essential criterion: they must be interviewed",
                a.candidate_code
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if !conflicts.is_empty() {
        return Err(AppError::Conflict(conflicts.join("; ")));
    }
    // Every application row is locked before the first write (vacancy first, then
    // applications, then the audit chain head), as every other writer does.
    for (i, _, _) in &plan {
        application_store::find_locked(conn, &caller.org, &board.applications[*i].id)?;
    }
    let now = db::now_text();
    let mut recorded = Vec::new();
    for (i, d, unmet) in plan {
        let before = &board.applications[i];
        let to = match d.decision {
            Decision::Shortlisted => ApplicationStatus::Shortlisted,
            Decision::NotShortlisted => ApplicationStatus::NotShortlisted,
        };
        let row = DecisionRow {
            application_id: before.id.clone(),
            vacancy_id: board.vacancy.id.clone(),
            decision: to.as_str().into(),
            reason: d.reason.trim().to_string(),
            override_reason: d
                .override_reason
                .as_deref()
                .map(str::trim)
                .map(str::to_string),
            unmet_criteria: serde_json::to_string(&unmet).unwrap_or_else(|_| "[]".into()),
            decided_by: caller.sub.clone(),
            decided_at: now.clone(),
        };
        check_store::insert_decision(conn, &row)?;
        let mut moved = before.clone();
        moved.status = to.as_str().into();
        moved.version += 1;
        moved.updated_at = now.clone();
        super::updated(application_store::update(conn, &moved, before.version)?)?;
        audit::record(
            conn,
            actor,
            "shortlist.decided",
            "application",
            &before.id,
            Some(before),
            Some(&row),
        )?;
        recorded.push(RecordedDecision {
            application_id: before.id.clone(),
            candidate_code: before.candidate_code.clone(),
            decision: d.decision,
            status: to,
            reason: row.reason,
            override_reason: row.override_reason,
            unmet_criteria: board.describe(&unmet),
        });
    }
    Ok(recorded)
}
