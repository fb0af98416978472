//! Progress through the steps: decisions (as a batch, all or nothing), reinstatement
//! on appeal, reopening, conflicts of interest and the candidate-facing outcome.
//!
//! Step decisions and reopenings lock the vacancy exclusively (as shortlisting
//! decisions and panel changes do), so no scoresheet, conflict, withdrawal or other
//! decision can slip in between the evaluation a decision is judged by and its write.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::board::{Board, CriterionRef};
use super::locks;
use super::plan as plans;
use super::rules;
use crate::auth::{Caller, Role};
use crate::db::applications::{self as application_store, ApplicationRow};
use crate::db::audit::{self, Actor};
use crate::db::checks::{self as check_store, DecisionRow};
use crate::db::panels as panel_store;
use crate::db::steps::{self as store, ConflictRow, LogEntry, OutcomeRow};
use crate::db::vacancies::VacancyRow;
use crate::db::{self, Db, DbConnection, LockMode};
use crate::domain::application::ApplicationStatus;
use crate::domain::evaluation::CriterionStatus;
use crate::domain::plan::{
    current_step, is_reinstatement, meets_so_far, reopen_refusal, status_after,
    status_after_reopen, step_decision_refusal, Outcome, Plan, ReasonCode, StepDecision,
    StepDecisionContext, StepKind, StepRefusal,
};
use crate::domain::vacancy::VacancyStatus;
use crate::domain::FieldError;
use crate::error::AppError;

/// One decision asked for at a step.
#[derive(Debug, Clone)]
pub struct StepDecisionRequest {
    pub application_id: String,
    pub decision: StepDecision,
    /// `None` from the shortlisting routes, which predate reason codes: inferred from
    /// the evaluation (`meets_criteria`, `unmet_essential`, `lower_score`, `other` when
    /// overridden).
    pub reason_code: Option<ReasonCode>,
    pub reason: String,
    pub feedback: Option<String>,
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecordedStepDecision {
    pub application_id: String,
    pub candidate_code: String,
    pub step: String,
    pub outcome: Outcome,
    pub previous_outcome: Outcome,
    /// A decision that overturns `not_progressed` or `no_show` (an appeal upheld).
    pub reinstated: bool,
    pub status: ApplicationStatus,
    pub reason_code: ReasonCode,
    pub reason: String,
    pub feedback: Option<String>,
    pub override_reason: Option<String>,
    /// The unmet criteria a `not_progressed` decision rests on.
    pub unmet_criteria: Vec<CriterionRef>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedStepDecisions {
    pub step: String,
    pub decisions: Vec<RecordedStepDecision>,
}

fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// `POST …/steps/{step_key}/decisions`.
pub async fn decide_batch(
    db: &Db,
    caller: Caller,
    actor: Actor,
    vacancy_id: String,
    step_key: String,
    requests: Vec<StepDecisionRequest>,
) -> Result<RecordedStepDecisions, AppError> {
    db.write(move |conn| {
        let vacancy = locks::vacancy(conn, &caller, &vacancy_id, LockMode::Exclusive)?.vacancy;
        let decisions = record(conn, &caller, &actor, vacancy, &step_key, &requests, false)?;
        Ok(RecordedStepDecisions {
            step: step_key,
            decisions,
        })
    })
    .await
}

/// Records `requests` at `step_key` on `vacancy`, which the caller holds exclusively.
/// `first_decision_only`: the shortlisting routes decide only applications still
/// `submitted`, as they always have; reinstatement goes through the step route.
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    actor: &Actor,
    vacancy: VacancyRow,
    step_key: &str,
    requests: &[StepDecisionRequest],
    first_decision_only: bool,
) -> Result<Vec<RecordedStepDecision>, AppError> {
    let status = rules::vacancy_status(&vacancy)?;
    if !matches!(status, VacancyStatus::Open | VacancyStatus::Closed) {
        return Err(AppError::Conflict(format!(
            "decisions are recorded while a vacancy is open or closed; it is {}",
            vacancy.status
        )));
    }
    let board = Board::load_aggregated(conn, vacancy)?;
    let plan = board.plan.clone();
    let Some(k) = plan.index_of(step_key) else {
        return Err(AppError::NotFound);
    };
    let evaluations = board.evaluate_step(k);
    let index: HashMap<&str, usize> = board
        .applications
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut errors = Vec::new();
    let mut conflicts = Vec::new();
    let mut seen = HashSet::new();
    let mut accepted = Vec::new();
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
        let app_status = rules::application_status(a)?;
        if first_decision_only && app_status != ApplicationStatus::Submitted {
            conflicts.push(format!("{} is already {}", a.candidate_code, a.status));
            continue;
        }
        let e = &evaluations[i];
        let meets = meets_so_far(e);
        let unmet: Vec<String> = e
            .criteria
            .iter()
            .filter(|c| c.status == CriterionStatus::Unmet)
            .map(|c| c.criterion_id.clone())
            .collect();
        let override_reason = trimmed(&d.override_reason);
        let reason_code = d.reason_code.unwrap_or(match d.decision {
            _ if override_reason.is_some() => ReasonCode::Other,
            StepDecision::Progressed | StepDecision::Reserve => ReasonCode::MeetsCriteria,
            StepDecision::NoShow => ReasonCode::NoShow,
            StepDecision::NotProgressed if !e.unmet_essentials.is_empty() => {
                ReasonCode::UnmetEssential
            }
            StepDecision::NotProgressed => ReasonCode::LowerScore,
        });
        let outcomes = board.outcomes_of(&a.id);
        let context = StepDecisionContext {
            step: k,
            last_step: plan.last_index(),
            decision: d.decision,
            reason_code,
            has_override_reason: override_reason.is_some(),
            status: app_status,
            outcomes: outcomes.clone(),
            guaranteed_interview: board.vacancy.guaranteed_interview_scheme
                && a.guaranteed_interview,
            protects_guaranteed_interview: plan.protects_guaranteed_interview(k),
            meets_so_far: meets,
            is_sift: plan.steps[k].kind == StepKind::Sift,
        };
        match step_decision_refusal(&context) {
            None => accepted.push((i, d, reason_code, override_reason, outcomes, unmet)),
            Some(StepRefusal::NotDecidable(why)) => {
                conflicts.push(format!("{} {why}", a.candidate_code))
            }
            Some(StepRefusal::GuaranteedInterview) => conflicts.push(format!(
                "{} opted in to the guaranteed interview scheme and meets every essential criterion assessed so far: they must be interviewed",
                a.candidate_code
            )),
            Some(StepRefusal::OverrideReasonRequired) => errors.push(FieldError::new(
                format!("decisions[{n}].override_reason"),
                if meets {
                    format!(
                        "{} meets every essential criterion assessed so far: not progressing them for a reason other than lower_score or cut_off needs an override reason",
                        a.candidate_code
                    )
                } else {
                    format!(
                        "{} has an unmet or pending essential criterion: progressing them needs an override reason",
                        a.candidate_code
                    )
                },
            )),
            Some(StepRefusal::NoShowAtSift) => errors.push(FieldError::new(
                format!("decisions[{n}].decision"),
                "no_show is for a step the applicant attends, not a sift",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    if !conflicts.is_empty() {
        return Err(AppError::Conflict(conflicts.join("; ")));
    }
    for (i, ..) in &accepted {
        application_store::find_locked(conn, &caller.org, &board.applications[*i].id)?;
    }
    let now = db::now_text();
    let mut recorded = Vec::new();
    for (i, d, reason_code, override_reason, outcomes, unmet) in accepted {
        let before = &board.applications[i];
        let previous = outcomes[k];
        let reinstated = is_reinstatement(previous, d.decision);
        let to = status_after(k, d.decision);
        let feedback = trimmed(&d.feedback);
        let reason = d.reason.trim().to_string();
        let outcome = OutcomeRow {
            application_id: before.id.clone(),
            step_key: step_key.to_string(),
            vacancy_id: board.vacancy.id.clone(),
            outcome: d.decision.outcome().as_str().into(),
            reason_code: reason_code.as_str().into(),
            reason: Some(reason.clone()),
            feedback: feedback.clone(),
            override_reason: override_reason.clone(),
            decided_by: caller.sub.clone(),
            decided_at: now.clone(),
        };
        store::record_outcome(
            conn,
            &outcome,
            if reinstated { "reinstated" } else { "decided" },
        )?;
        emit_step_decided(before, step_key, &outcome.outcome, reinstated);
        if k == 0 {
            // The first step's decision is the shortlisting decision, whichever route.
            check_store::delete_decision(conn, &before.id)?;
            if matches!(
                d.decision,
                StepDecision::Progressed | StepDecision::NotProgressed
            ) {
                check_store::insert_decision(
                    conn,
                    &DecisionRow {
                        application_id: before.id.clone(),
                        vacancy_id: board.vacancy.id.clone(),
                        decision: to.as_str().into(),
                        reason: reason.clone(),
                        override_reason: override_reason.clone(),
                        unmet_criteria: serde_json::to_string(&unmet)
                            .unwrap_or_else(|_| "[]".into()),
                        decided_by: caller.sub.clone(),
                        decided_at: now.clone(),
                    },
                )?;
            }
        }
        if before.status != to.as_str() {
            let mut moved = before.clone();
            moved.status = to.as_str().into();
            moved.version += 1;
            moved.updated_at = now.clone();
            super::updated(application_store::update(conn, &moved, before.version)?)?;
            super::application_moved(&moved, &before.status);
        } else {
            // Same status, new outcome (and perhaps a new current step): still a change
            // a portal polling `updated_since` must see.
            application_store::touch(conn, &before.id, &now)?;
        }
        #[derive(Serialize)]
        struct Decided<'a> {
            step: &'a str,
            outcome: &'a str,
            previous_outcome: &'a str,
            reason_code: &'a str,
            reinstated: bool,
            status: &'a str,
            override_reason: Option<&'a str>,
        }
        audit::record(
            conn,
            actor,
            if k == 0 && !reinstated {
                "shortlist.decided"
            } else if reinstated {
                "step.reinstated"
            } else {
                "step.decided"
            },
            "application",
            &before.id,
            Some(before),
            Some(&Decided {
                step: step_key,
                outcome: &outcome.outcome,
                previous_outcome: previous.as_str(),
                reason_code: &outcome.reason_code,
                reinstated,
                status: to.as_str(),
                override_reason: override_reason.as_deref(),
            }),
        )?;
        recorded.push(RecordedStepDecision {
            application_id: before.id.clone(),
            candidate_code: before.candidate_code.clone(),
            step: step_key.to_string(),
            outcome: d.decision.outcome(),
            previous_outcome: previous,
            reinstated,
            status: to,
            reason_code,
            reason,
            feedback,
            override_reason,
            unmet_criteria: if d.decision == StepDecision::NotProgressed {
                board.describe(&unmet)
            } else {
                Vec::new()
            },
        });
    }
    Ok(recorded)
}

/// The default plan's offer: it records the final step `progressed` in the same
/// transaction (reason code `other`, the offer's reason), so the record of how the
/// applicant got there is complete.
pub fn record_offer_as_final(
    conn: &mut DbConnection,
    caller: &Caller,
    application: &ApplicationRow,
    step_key: &str,
    reason: Option<&str>,
) -> Result<(), AppError> {
    let now = db::now_text();
    let reason = reason
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .unwrap_or("offer made")
        .to_string();
    let row = OutcomeRow {
        application_id: application.id.clone(),
        step_key: step_key.to_string(),
        vacancy_id: application.vacancy_id.clone(),
        outcome: Outcome::Progressed.as_str().into(),
        reason_code: ReasonCode::Other.as_str().into(),
        reason: Some(reason.clone()),
        feedback: None,
        override_reason: None,
        decided_by: caller.sub.clone(),
        decided_at: now.clone(),
    };
    store::record_outcome(conn, &row, "decided")?;
    emit_step_decided(application, step_key, &row.outcome, false);
    Ok(())
}

/// `application.step_decided`: the step, its outcome now (`pending` after a
/// reopening) and whether it reinstated the applicant; never the reasons or feedback.
fn emit_step_decided(
    application: &ApplicationRow,
    step_key: &str,
    outcome: &str,
    reinstated: bool,
) {
    crate::db::events::emit(crate::db::events::NewEvent::about_application(
        crate::domain::events::EventType::ApplicationStepDecided,
        application,
        serde_json::json!({"step": step_key, "outcome": outcome, "reinstated": reinstated}),
    ));
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Reopened {
    pub application_id: String,
    pub step: String,
    pub previous_outcome: Outcome,
    pub status: ApplicationStatus,
}

/// `POST …/steps/{step_key}/reopen`: the outcome goes back to pending (logged with
/// the reason), the step's scores can change again, and the status follows.
pub async fn reopen(
    db: &Db,
    caller: Caller,
    actor: Actor,
    vacancy_id: String,
    step_key: String,
    application_id: String,
    reason: String,
) -> Result<Reopened, AppError> {
    db.write(move |conn| {
        let vacancy = locks::vacancy(conn, &caller, &vacancy_id, LockMode::Exclusive)?.vacancy;
        let plan = plans::load(conn, &vacancy)?;
        let Some(k) = plan.index_of(&step_key) else {
            return Err(AppError::NotFound);
        };
        let application = application_store::find_locked(conn, &caller.org, &application_id)
            .map_err(AppError::from)?;
        if application.vacancy_id != vacancy.id {
            return Err(AppError::Validation(vec![FieldError::new(
                "application_id",
                "is not an application to this vacancy",
            )]));
        }
        let status = rules::application_status(&application)?;
        let outcomes = plans::outcomes_of(
            &plan,
            &store::outcomes_for_application(conn, &application.id)?,
            &application.id,
        )?;
        let revealed = vacancy.anonymised_shortlisting && k == 0;
        if let Some(why) = reopen_refusal(k, &outcomes, status, revealed) {
            return Err(AppError::Conflict(format!(
                "{} {why}",
                application.candidate_code
            )));
        }
        let now = db::now_text();
        store::clear_outcome(conn, &application.id, &step_key)?;
        store::log(
            conn,
            &LogEntry {
                application_id: application.id.clone(),
                step_key: step_key.clone(),
                vacancy_id: vacancy.id.clone(),
                action: "reopened".into(),
                outcome: None,
                reason_code: None,
                reason: Some(reason.trim().to_string()),
                feedback: None,
                override_reason: None,
                decided_by: caller.sub.clone(),
                decided_at: now.clone(),
            },
        )?;
        if k == 0 {
            check_store::delete_decision(conn, &application.id)?;
        }
        let to = status_after_reopen(k);
        if application.status != to.as_str() {
            let mut moved = application.clone();
            moved.status = to.as_str().into();
            moved.version += 1;
            moved.updated_at = now.clone();
            super::updated(application_store::update(
                conn,
                &moved,
                application.version,
            )?)?;
            super::application_moved(&moved, &application.status);
        } else {
            application_store::touch(conn, &application.id, &now)?;
        }
        emit_step_decided(&application, &step_key, Outcome::Pending.as_str(), false);
        #[derive(Serialize)]
        struct Reopen<'a> {
            step: &'a str,
            previous_outcome: &'a str,
            status: &'a str,
            reason: &'a str,
        }
        audit::record(
            conn,
            &actor,
            "step.reopened",
            "application",
            &application.id,
            Some(&application),
            Some(&Reopen {
                step: &step_key,
                previous_outcome: outcomes[k].as_str(),
                status: to.as_str(),
                reason: reason.trim(),
            }),
        )?;
        Ok(Reopened {
            application_id: application.id,
            step: step_key,
            previous_outcome: outcomes[k],
            status: to,
        })
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Conflicts of interest
// ---------------------------------------------------------------------------------------

#[derive(Debug, Serialize, ToSchema)]
pub struct Conflict {
    pub application_id: String,
    pub user_id: String,
    /// Shown to staff and to the member who declared it.
    pub reason: Option<String>,
    pub declared_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub declared_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Conflicts {
    pub application_id: String,
    pub conflicts: Vec<Conflict>,
}

fn conflict_view(caller: &Caller, row: ConflictRow) -> Conflict {
    let show_reason = caller.is_staff() || row.user_id == caller.sub;
    Conflict {
        application_id: row.application_id,
        user_id: row.user_id,
        reason: if show_reason { row.reason } else { None },
        declared_by: row.declared_by,
        declared_at: row.declared_at,
    }
}

/// `POST /applications/{id}/conflicts`: a member declares for themself, a recruiter
/// or admin for any member. Locks the application as a scoresheet does, so a sheet at
/// the same instant is either counted and then recused, or refused.
pub async fn declare_conflict(
    db: &Db,
    caller: Caller,
    actor: Actor,
    application_id: String,
    user_id: String,
    reason: Option<String>,
) -> Result<Conflict, AppError> {
    db.write(move |conn| {
        let found = locks::application(conn, &caller, &application_id, LockMode::Shared)?;
        let writer = caller.has_any(&[Role::Admin, Role::Recruiter]);
        if !writer && found.seat.is_none() {
            return Err(AppError::NotFound);
        }
        if !writer && user_id != caller.sub {
            return Err(AppError::Forbidden(
                "a panel member declares their own conflicts; a recruiter records one for another member".into(),
            ));
        }
        if rules::vacancy_status(&found.vacancy)?.is_final() {
            return Err(AppError::Conflict(format!(
                "the vacancy is {}",
                found.vacancy.status
            )));
        }
        if panel_store::seat(conn, &found.vacancy.id, &user_id)?.is_none() {
            return Err(AppError::Validation(vec![FieldError::new(
                "user_id",
                "is not on this vacancy's panel",
            )]));
        }
        let existing = store::conflicts_for_application(conn, &found.application.id)?;
        if existing.iter().any(|c| c.user_id == user_id) {
            return Err(AppError::Conflict(format!(
                "{user_id} has already declared a conflict of interest with this applicant"
            )));
        }
        let row = ConflictRow {
            application_id: found.application.id.clone(),
            user_id: user_id.clone(),
            vacancy_id: found.vacancy.id.clone(),
            reason: trimmed(&reason),
            declared_by: caller.sub.clone(),
            declared_at: db::now_text(),
        };
        store::insert_conflict(conn, &row)?;
        #[derive(Serialize)]
        struct Declared<'a> {
            user_id: &'a str,
            declared_by: &'a str,
            reason: Option<&'a str>,
        }
        audit::record(
            conn,
            &actor,
            "conflict.declared",
            "application",
            &found.application.id,
            None::<&()>,
            Some(&Declared {
                user_id: &row.user_id,
                declared_by: &row.declared_by,
                reason: row.reason.as_deref(),
            }),
        )?;
        Ok(conflict_view(&caller, row))
    })
    .await
}

/// `GET /applications/{id}/conflicts`: staff and the vacancy's panel.
pub async fn list_conflicts(
    db: &Db,
    caller: Caller,
    application_id: String,
) -> Result<Conflicts, AppError> {
    db.read(move |conn| {
        let found = crate::api::access::application(conn, &caller, &application_id)?;
        if !caller.is_staff() && found.seat.is_none() {
            return Err(AppError::NotFound);
        }
        let rows = store::conflicts_for_application(conn, &found.application.id)?;
        Ok(Conflicts {
            application_id: found.application.id,
            conflicts: rows
                .into_iter()
                .map(|r| conflict_view(&caller, r))
                .collect(),
        })
    })
    .await
}

// ---------------------------------------------------------------------------------------
// Outcomes
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct StepProgress {
    pub key: String,
    pub title: String,
    pub outcome: Outcome,
    /// Candidate-facing feedback recorded with the decision.
    pub feedback: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub decided_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CandidateOutcome {
    pub application_id: String,
    pub status: ApplicationStatus,
    pub current_step: String,
    pub steps: Vec<StepProgress>,
}

/// Progress of one application: each step's outcome and feedback, never reasons or
/// scores. A withdrawn application shows `withdrawn` at the step it left from (one it
/// was still being assessed at, or held in reserve for).
pub fn progress_of(
    plan: &Plan,
    application: &ApplicationRow,
    rows: &[&OutcomeRow],
) -> Result<(String, Vec<StepProgress>), AppError> {
    let mut steps: Vec<StepProgress> = plan
        .steps
        .iter()
        .map(|s| StepProgress {
            key: s.key.clone(),
            title: s.title.clone(),
            outcome: Outcome::Pending,
            feedback: None,
            decided_at: None,
        })
        .collect();
    for r in rows {
        if let Some(k) = plan.index_of(&r.step_key) {
            steps[k].outcome = rules::stored(
                Outcome::parse(&r.outcome),
                "step_outcomes.outcome",
                &r.outcome,
            )?;
            steps[k].feedback = r.feedback.clone();
            steps[k].decided_at = Some(r.decided_at.clone());
        }
    }
    let outcomes: Vec<Outcome> = steps.iter().map(|s| s.outcome).collect();
    let current = current_step(&outcomes);
    if rules::application_status(application)? == ApplicationStatus::Withdrawn
        && matches!(steps[current].outcome, Outcome::Pending | Outcome::Reserve)
    {
        steps[current].outcome = Outcome::Withdrawn;
    }
    Ok((plan.steps[current].key.clone(), steps))
}

/// `GET /applications/{id}/outcome`: the portal that submitted it, and staff.
pub async fn outcome(
    db: &Db,
    caller: Caller,
    application_id: String,
) -> Result<CandidateOutcome, AppError> {
    db.read(move |conn| {
        let found = crate::api::access::application(conn, &caller, &application_id)?;
        let own_portal = caller.has(Role::Portal) && found.application.submitted_by == caller.sub;
        if !caller.is_staff() && !own_portal {
            return Err(AppError::NotFound);
        }
        let plan = plans::load(conn, &found.vacancy)?;
        let rows = store::outcomes_for_application(conn, &found.application.id)?;
        let refs: Vec<&OutcomeRow> = rows.iter().collect();
        let (current_step, steps) = progress_of(&plan, &found.application, &refs)?;
        Ok(CandidateOutcome {
            application_id: found.application.id.clone(),
            status: rules::application_status(&found.application)?,
            current_step,
            steps,
        })
    })
    .await
}

/// A recorded step decision with its reasons, as staff (admin, recruiter, viewer) read
/// it: the shortlisting decision is the first step's.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
pub struct StepDecisionRecord {
    pub step: String,
    pub outcome: Outcome,
    pub reason_code: ReasonCode,
    pub reason: Option<String>,
    pub override_reason: Option<String>,
    /// Candidate-facing feedback.
    pub feedback: Option<String>,
    pub decided_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub decided_at: String,
}

/// The recorded decisions of one application, in plan order.
pub fn decisions_of(
    plan: &Plan,
    rows: &[&OutcomeRow],
) -> Result<Vec<StepDecisionRecord>, AppError> {
    let mut found: Vec<(usize, StepDecisionRecord)> = Vec::new();
    for r in rows {
        let Some(k) = plan.index_of(&r.step_key) else {
            continue;
        };
        found.push((
            k,
            StepDecisionRecord {
                step: r.step_key.clone(),
                outcome: rules::stored(
                    Outcome::parse(&r.outcome),
                    "step_outcomes.outcome",
                    &r.outcome,
                )?,
                reason_code: rules::stored(
                    ReasonCode::parse(&r.reason_code),
                    "step_outcomes.reason_code",
                    &r.reason_code,
                )?,
                reason: r.reason.clone(),
                override_reason: r.override_reason.clone(),
                feedback: r.feedback.clone(),
                decided_by: r.decided_by.clone(),
                decided_at: r.decided_at.clone(),
            },
        ));
    }
    found.sort_by_key(|(k, _)| *k);
    Ok(found.into_iter().map(|(_, d)| d).collect())
}

/// An application's progress through its plan and its recorded decisions.
pub struct Progress {
    pub current_step: String,
    pub steps: Vec<StepProgress>,
    pub decisions: Vec<StepDecisionRecord>,
}

/// Progress of applications of any vacancies of one org (each vacancy in `vacancies`):
/// one query for the plans and one for the outcomes, whatever the count.
pub fn progress_across(
    conn: &mut DbConnection,
    vacancies: &HashMap<String, VacancyRow>,
    applications: &[ApplicationRow],
) -> Result<HashMap<String, Progress>, AppError> {
    let ids: Vec<String> = vacancies.keys().cloned().collect();
    let mut steps_by_vacancy: HashMap<String, Vec<crate::db::steps::StepRow>> = HashMap::new();
    for row in store::plans_for_vacancies(conn, &ids)? {
        steps_by_vacancy
            .entry(row.vacancy_id.clone())
            .or_default()
            .push(row);
    }
    let mut plans: HashMap<&str, Plan> = HashMap::new();
    for (id, vacancy) in vacancies {
        let rows = steps_by_vacancy.remove(id).unwrap_or_default();
        plans.insert(id.as_str(), plans::plan_of(vacancy, &rows)?);
    }
    let application_ids: Vec<String> = applications.iter().map(|a| a.id.clone()).collect();
    let rows = store::outcomes_for_applications(conn, &application_ids)?;
    let mut by_application: HashMap<&str, Vec<&OutcomeRow>> = HashMap::new();
    for r in &rows {
        by_application
            .entry(r.application_id.as_str())
            .or_default()
            .push(r);
    }
    applications
        .iter()
        .filter_map(|a| Some((a, plans.get(a.vacancy_id.as_str())?)))
        .map(|(a, plan)| {
            let mine = by_application.remove(a.id.as_str()).unwrap_or_default();
            let (current_step, steps) = progress_of(plan, a, &mine)?;
            let decisions = decisions_of(plan, &mine)?;
            Ok((
                a.id.clone(),
                Progress {
                    current_step,
                    steps,
                    decisions,
                },
            ))
        })
        .collect()
}

/// The vacancy's plan and the recorded outcomes of `applications` (one query for one
/// application, one for the vacancy otherwise).
fn plan_and_outcomes(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
    applications: &[ApplicationRow],
) -> Result<(Plan, Vec<OutcomeRow>), AppError> {
    let plan = plans::load(conn, vacancy)?;
    let rows = if applications.len() == 1 {
        store::outcomes_for_application(conn, &applications[0].id)?
    } else {
        store::outcomes_for_vacancy(conn, &vacancy.id)?
    };
    Ok((plan, rows))
}

fn by_application(rows: &[OutcomeRow]) -> HashMap<&str, Vec<&OutcomeRow>> {
    let mut grouped: HashMap<&str, Vec<&OutcomeRow>> = HashMap::new();
    for r in rows {
        grouped
            .entry(r.application_id.as_str())
            .or_default()
            .push(r);
    }
    grouped
}

/// Each application's progress with its recorded decisions, for one vacancy.
pub fn progress_and_decisions_of_rows(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
    applications: &[ApplicationRow],
) -> Result<HashMap<String, Progress>, AppError> {
    let (plan, rows) = plan_and_outcomes(conn, vacancy, applications)?;
    let mut by_application = by_application(&rows);
    applications
        .iter()
        .map(|a| {
            let mine = by_application.remove(a.id.as_str()).unwrap_or_default();
            let (current_step, steps) = progress_of(&plan, a, &mine)?;
            let decisions = decisions_of(&plan, &mine)?;
            Ok((
                a.id.clone(),
                Progress {
                    current_step,
                    steps,
                    decisions,
                },
            ))
        })
        .collect()
}

/// Each application's progress (current step and per-step outcome), for application
/// responses: one query for the plan and one for the outcomes, whatever the count.
pub fn progress_of_rows(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
    applications: &[ApplicationRow],
) -> Result<HashMap<String, (String, Vec<StepProgress>)>, AppError> {
    let (plan, rows) = plan_and_outcomes(conn, vacancy, applications)?;
    let mut by_application = by_application(&rows);
    applications
        .iter()
        .map(|a| {
            let mine = by_application.remove(a.id.as_str()).unwrap_or_default();
            Ok((a.id.clone(), progress_of(&plan, a, &mine)?))
        })
        .collect()
}
