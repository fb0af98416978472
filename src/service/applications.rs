//! Applications: submission (with idempotent replay) and every move through the
//! lifecycle. The rules of a move — the lifecycle, the vacancy's state, erasure,
//! positions and checks — are `domain::application::move_refusal`; this module reads
//! what they depend on under the vacancy's and the application's locks.

use super::locks;
use super::rules;
use crate::api::access::may_see_vacancy;
use crate::api::applications::{Application, NewApplication, IDEMPOTENCY_KEY};
use crate::auth::{Caller, Role};
use crate::db::applications::{self as store, ApplicationRow, EqualityRow, IdempotencyRow};
use crate::db::audit::{self, Actor};
use crate::db::vacancies::VacancyRow;
use crate::db::{self, Db, LockMode};
use crate::domain::application::{
    candidate_code, move_refusal, normalise_email, ApplicationStatus, MoveContext,
};
use crate::domain::plan::{reached, Outcome, StepDecision};
use crate::domain::shortlist::Decision;
use crate::domain::time::is_before_close;
use crate::domain::vacancy::VacancyStatus;
use crate::error::AppError;

use super::decisions::{self, DecisionRequest};

/// A submission as the portal sent it.
pub struct Submission {
    pub vacancy_id: String,
    pub idempotency_key: Option<String>,
    /// SHA-256 of the canonical body: a replay must carry the same body.
    pub request_hash: String,
    pub body: NewApplication,
}

pub enum Submitted {
    Fresh(Box<Application>),
    Replay {
        status: u16,
        body: String,
        location: Option<String>,
    },
}

pub fn location(id: &str) -> String {
    format!("/api/v1/applications/{id}")
}

fn trimmed_opt(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Applications are accepted while the vacancy is open, until the end of its closing
/// date (UK time).
fn check_accepting(vacancy: &VacancyRow) -> Result<(), AppError> {
    if vacancy.status != VacancyStatus::Open.as_str() {
        return Err(AppError::Conflict(format!(
            "the vacancy is {} and does not accept applications",
            vacancy.status
        )));
    }
    let closing = vacancy
        .closing_date
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    match closing {
        Some(date) if is_before_close(date, chrono::Utc::now()) => Ok(()),
        _ => Err(AppError::Conflict(
            "the vacancy's closing date has passed".into(),
        )),
    }
}

/// `POST …/applications`. The vacancy is locked exclusively first: a close, another
/// submission with the same email, or the same `Idempotency-Key` sent twice at once
/// all queue behind it, so the second of two identical requests replays the first.
pub async fn submit(
    db: &Db,
    caller: Caller,
    actor: Actor,
    submission: Submission,
) -> Result<Submitted, AppError> {
    db.write(move |conn| {
        let Submission {
            vacancy_id,
            idempotency_key: key,
            request_hash,
            body,
        } = submission;
        let found = locks::vacancy(conn, &caller, &vacancy_id, LockMode::Exclusive);
        if let Some(key) = &key {
            if let Some(previous) = store::find_idempotent(conn, &caller.org, &caller.sub, key)? {
                if previous.request_hash != request_hash {
                    return Err(AppError::validation(
                        IDEMPOTENCY_KEY,
                        "was already used for a different request",
                    ));
                }
                return Ok(Submitted::Replay {
                    status: previous.response_status as u16,
                    body: previous.response_body,
                    location: previous.resource_location,
                });
            }
        }
        let found = found?;
        if !may_see_vacancy(&caller, &found.vacancy, found.seat.as_ref()) {
            return Err(AppError::NotFound);
        }
        let vacancy = found.vacancy;
        check_accepting(&vacancy)?;
        let email = normalise_email(&body.candidate.email);
        if store::email_taken(conn, &vacancy.id, &email)? {
            return Err(AppError::Conflict(
                "an application from this email address already exists for this vacancy".into(),
            ));
        }
        let number = store::next_candidate_number(conn, &vacancy.id)?;
        let now = db::now_text();
        let d = body.declarations;
        let row = ApplicationRow {
            id: db::new_id(),
            org: caller.org.clone(),
            vacancy_id: vacancy.id.clone(),
            candidate_code: candidate_code(number),
            candidate_name: body.candidate.name.trim().to_string(),
            candidate_email: email,
            candidate_phone: trimmed_opt(body.candidate.phone),
            guaranteed_interview: d.guaranteed_interview,
            driving_licence_held: d.driving_licence_held,
            penalty_points: d.penalty_points,
            at_fault_accidents: d.at_fault_accidents,
            right_to_work: d.right_to_work,
            registration_number: trimmed_opt(d.registration_number),
            status: ApplicationStatus::Submitted.as_str().into(),
            submitted_by: caller.sub.clone(),
            submitted_at: now.clone(),
            updated_at: now.clone(),
            version: 1,
            anonymised_at: None,
            politically_restricted_accepted: d.politically_restricted_accepted,
        };
        store::insert(conn, &row)?;
        crate::db::events::emit(crate::db::events::NewEvent::about_application(
            crate::domain::events::EventType::ApplicationSubmitted,
            &row,
            serde_json::json!({"candidate_code": row.candidate_code, "status": row.status}),
        ));
        super::checks::add_placeholders(conn, &vacancy, &row)?;
        if let Some(eq) = body.equality_monitoring {
            store::insert_equality(
                conn,
                &EqualityRow {
                    application_id: row.id.clone(),
                    org: row.org.clone(),
                    vacancy_id: row.vacancy_id.clone(),
                    age_band: trimmed_opt(eq.age_band),
                    sex: trimmed_opt(eq.sex),
                    gender_identity: trimmed_opt(eq.gender_identity),
                    ethnicity: trimmed_opt(eq.ethnicity),
                    disability: trimmed_opt(eq.disability),
                    religion_or_belief: trimmed_opt(eq.religion_or_belief),
                    sexual_orientation: trimmed_opt(eq.sexual_orientation),
                },
            )?;
        }
        audit::record(
            conn,
            &actor,
            "application.submitted",
            "application",
            &row.id,
            None::<&()>,
            Some(&row),
        )?;
        // As GET returns it: with the first step of the plan, all pending.
        let mut progress =
            super::steps::progress_of_rows(conn, &vacancy, std::slice::from_ref(&row))?;
        let application =
            Application::from_row(&row, false)?.with_progress(progress.remove(&row.id));
        if let Some(key) = key {
            store::insert_idempotent(
                conn,
                &IdempotencyRow {
                    org: caller.org.clone(),
                    caller: caller.sub.clone(),
                    idempotency_key: key,
                    request_hash,
                    response_status: 201,
                    response_body: serde_json::to_string(&application)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                    resource_location: Some(location(&row.id)),
                    created_at: now,
                },
            )?;
        }
        Ok(Submitted::Fresh(Box::new(application)))
    })
    .await
}

/// A move asked for through `POST /applications/{id}/transitions`.
pub struct TransitionRequest {
    pub to: ApplicationStatus,
    pub reason: Option<String>,
    pub override_reason: Option<String>,
}

/// `POST /applications/{id}/transitions`. Moves to `shortlisted` and
/// `not_shortlisted` are shortlisting decisions and go through
/// [`decisions::record`]; every other move is checked by `move_refusal` under the
/// vacancy's exclusive lock (appointments count against `positions`).
/// A batch's field names (`decisions[0].reason`), as a transition's body names them.
fn unprefixed(e: AppError) -> AppError {
    match e {
        AppError::Validation(list) => AppError::Validation(
            list.into_iter()
                .map(|f| {
                    let field = f
                        .field
                        .strip_prefix("decisions[0].")
                        .unwrap_or(&f.field)
                        .to_string();
                    crate::domain::FieldError::new(field, f.message)
                })
                .collect(),
        ),
        other => other,
    }
}

pub async fn transition(
    db: &Db,
    caller: Caller,
    actor: Actor,
    id: String,
    request: TransitionRequest,
) -> Result<ApplicationRow, AppError> {
    db.write(move |conn| {
        let found = locks::visible_application(conn, &caller, &id, LockMode::Exclusive)?;
        let is_recruiter = caller.has_any(&[Role::Admin, Role::Recruiter]);
        if !is_recruiter && found.application.submitted_by != caller.sub {
            return Err(AppError::NotFound);
        }
        let before = found.application;
        let from = rules::application_status(&before)?;
        let decision = match request.to {
            ApplicationStatus::Shortlisted => Some(Decision::Shortlisted),
            ApplicationStatus::NotShortlisted => Some(Decision::NotShortlisted),
            _ => None,
        };
        if let Some(decision) = decision {
            if !from.can_become(request.to) {
                return Err(AppError::Conflict(format!(
                    "an application cannot move from {} to {}",
                    from.as_str(),
                    request.to.as_str()
                )));
            }
            decisions::record(
                conn,
                &caller,
                &actor,
                found.vacancy,
                &[DecisionRequest {
                    application_id: before.id.clone(),
                    decision,
                    reason: request.reason.clone().unwrap_or_default(),
                    override_reason: request.override_reason.clone(),
                }],
            )
            .map_err(unprefixed)?;
            return Ok(store::find(conn, &caller.org, &before.id)?);
        }
        let vacancy = &found.vacancy;
        let plan = super::plan::load(conn, vacancy)?;
        let outcomes = super::plan::outcomes_of(
            &plan,
            &crate::db::steps::outcomes_for_application(conn, &before.id)?,
            &before.id,
        )?;
        let current = crate::domain::plan::current_step(&outcomes);
        // Turning down someone still being assessed is that step's decision: the same
        // rules and record as the steps route.
        if request.to == ApplicationStatus::Unsuccessful
            && from == ApplicationStatus::Shortlisted
            && matches!(outcomes[current], Outcome::Pending | Outcome::Reserve)
        {
            let key = plan.steps[current].key.clone();
            super::steps::record(
                conn,
                &caller,
                &actor,
                found.vacancy,
                &key,
                &[super::steps::StepDecisionRequest {
                    application_id: before.id.clone(),
                    decision: StepDecision::NotProgressed,
                    reason_code: None,
                    reason: request.reason.clone().unwrap_or_default(),
                    feedback: None,
                    override_reason: request.override_reason.clone(),
                }],
                false,
            )
            .map_err(unprefixed)?;
            return Ok(store::find(conn, &caller.org, &before.id)?);
        }
        // An offer needs the last step progressed. On the default plan (two stages,
        // where the offer has always been the final decision) making it records that.
        let mut offer_decides_final = false;
        if request.to == ApplicationStatus::Offered {
            let last = plan.last_index();
            if outcomes[last] != Outcome::Progressed {
                if plan.is_default && reached(&outcomes, last) && outcomes[last] == Outcome::Pending
                {
                    offer_decides_final = true;
                } else {
                    return Err(AppError::Conflict(format!(
                        "{} is {} at step '{}': an offer needs the last step progressed",
                        before.candidate_code,
                        outcomes[last].as_str(),
                        plan.steps[last].key
                    )));
                }
            }
        }
        let appointed = if request.to == ApplicationStatus::Appointed {
            store::count_with_status(conn, &vacancy.id, ApplicationStatus::Appointed.as_str())?
        } else {
            0
        };
        let outstanding_checks = if request.to == ApplicationStatus::Appointed {
            let rows = crate::db::checks::for_application(conn, &before.id)?;
            let (pending, failed) = rules::check_state(vacancy, &rows)?;
            pending
                .into_iter()
                .chain(failed)
                .map(|k| k.as_str().to_string())
                .collect()
        } else {
            Vec::new()
        };
        let context = MoveContext {
            from,
            to: request.to,
            vacancy: rules::vacancy_status(vacancy)?,
            erased: before.anonymised_at.is_some(),
            appointed,
            positions: vacancy.positions,
            outstanding_checks,
            political_restriction_unaccepted: vacancy.politically_restricted
                && before.politically_restricted_accepted != Some(true),
        };
        if let Some(refusal) = move_refusal(&context) {
            return Err(AppError::Conflict(refusal));
        }
        let mut row = before.clone();
        row.status = request.to.as_str().into();
        row.version += 1;
        row.updated_at = db::now_text();
        if offer_decides_final {
            super::steps::record_offer_as_final(
                conn,
                &caller,
                &row,
                &plan.steps[plan.last_index()].key,
                request.reason.as_deref(),
            )?;
        }
        super::updated(store::update(conn, &row, before.version)?)?;
        super::application_moved(&row, &before.status);
        super::record_move(
            conn,
            &actor,
            "application",
            &row.id,
            &before,
            (&before.status, &row.status),
            request.reason.as_deref(),
        )?;
        Ok(row)
    })
    .await
}
