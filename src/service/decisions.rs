//! Shortlisting decisions: the one owner of the decision rules, whichever route asks
//! (`POST …/shortlist/decisions` or `POST /applications/{id}/transitions` to
//! `shortlisted` / `not_shortlisted`). Every route checks the same rules against the
//! same evaluation and writes the same decision record.

use serde::Serialize;
use utoipa::ToSchema;

use super::board::CriterionRef;
use super::locks;
use super::steps::StepDecisionRequest;
use crate::auth::Caller;
use crate::db::audit::Actor;
use crate::db::vacancies::VacancyRow;
use crate::db::{Db, DbConnection, LockMode};
use crate::domain::application::ApplicationStatus;
use crate::domain::plan::StepDecision;
use crate::domain::shortlist::Decision;
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
/// A shortlisting decision is the first step's decision: it goes through the step
/// rules and writes the step outcome, the decision record and the audit event.
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &Actor,
    vacancy: VacancyRow,
    requests: &[DecisionRequest],
) -> Result<Vec<RecordedDecision>, AppError> {
    let first_step = super::plan::load(conn, &vacancy)?
        .steps
        .first()
        .map(|s| s.key.clone())
        .unwrap_or_default();
    let step_requests: Vec<StepDecisionRequest> = requests
        .iter()
        .map(|d| StepDecisionRequest {
            application_id: d.application_id.clone(),
            decision: match d.decision {
                Decision::Shortlisted => StepDecision::Progressed,
                Decision::NotShortlisted => StepDecision::NotProgressed,
            },
            reason_code: None,
            reason: d.reason.clone(),
            feedback: None,
            override_reason: d.override_reason.clone(),
        })
        .collect();
    let recorded = super::steps::record(
        conn,
        caller,
        actor,
        vacancy,
        &first_step,
        &step_requests,
        true,
    )?;
    Ok(recorded
        .into_iter()
        .zip(requests)
        .map(|(r, d)| RecordedDecision {
            application_id: r.application_id,
            candidate_code: r.candidate_code,
            decision: d.decision,
            status: r.status,
            reason: r.reason,
            override_reason: r.override_reason,
            unmet_criteria: r.unmet_criteria,
        })
        .collect())
}
