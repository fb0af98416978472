//! Scoresheets and the chair's agreed scores. Both lock the vacancy (shared: a panel
//! change or a decision takes it exclusively and so waits, or is waited for) and then
//! the application, and check the panel seat, the scoring window and the sift freeze
//! under those locks.

use std::collections::{HashMap, HashSet};

use super::locks;
use super::rules;
use crate::api::access::VisibleApplication;
use crate::api::scores::{Scoresheet, StoredScoresheet};
use crate::auth::{Caller, Role};
use crate::db::audit::{self, Actor};
use crate::db::criteria as criteria_store;
use crate::db::panels as panel_store;
use crate::db::scores::{self as store, AgreedScoreRow, ScoreRow};
use crate::db::steps as step_store;
use crate::db::vacancies::VacancyRow;
use crate::db::{self, Db, DbConnection, LockMode};
use crate::domain::application::ApplicationStatus;
use crate::domain::plan::{reached, standing, Outcome, ScoreStanding};
use crate::domain::scoresheet::{validate_scoresheet, ScoreLine};
use crate::domain::vacancy::VacancyStatus;
use crate::domain::{FieldError, Method};
use crate::error::AppError;

/// Scores are taken while the vacancy is open or closed and the application is live.
/// On an anonymised vacancy, the sift (shortlisting-method) scores freeze once a
/// decision has revealed who the applicant is: they can no longer be rewritten to
/// change an outcome.
fn check_scoring_window(
    vacancy: &VacancyRow,
    application: &crate::db::applications::ApplicationRow,
    method: Method,
) -> Result<(), AppError> {
    let status = rules::vacancy_status(vacancy)?;
    if !matches!(status, VacancyStatus::Open | VacancyStatus::Closed) {
        return Err(AppError::Conflict(format!(
            "scores are accepted only while the vacancy is open or closed; it is {}",
            vacancy.status
        )));
    }
    let application_status = rules::application_status(application)?;
    if !application_status.is_live() {
        return Err(AppError::Conflict(format!(
            "the application is {}; scores are no longer accepted",
            application.status
        )));
    }
    let sift = rules::methods(
        "vacancies.shortlisting_methods",
        &vacancy.shortlisting_methods,
    )?;
    if vacancy.anonymised_shortlisting
        && application_status != ApplicationStatus::Submitted
        && sift.contains(&method)
    {
        return Err(AppError::Conflict(format!(
            "the shortlisting decision on this application is recorded and names are revealed: its {} scores are frozen",
            method.as_str()
        )));
    }
    Ok(())
}

fn check_sheet(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
    sheet: &Scoresheet,
) -> Result<(), AppError> {
    let criteria: HashMap<String, Vec<Method>> = criteria_store::for_vacancy(conn, &vacancy.id)?
        .into_iter()
        .map(|c| Ok((c.id, rules::methods("criteria.methods", &c.methods)?)))
        .collect::<Result<_, AppError>>()?;
    let lines: Vec<ScoreLine> = sheet
        .scores
        .iter()
        .map(|s| ScoreLine {
            criterion_id: s.criterion_id.clone(),
            score: s.score,
        })
        .collect();
    let errors: Vec<FieldError> =
        validate_scoresheet(&criteria, rules::scale_of(vacancy), sheet.method, &lines);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

fn evidence(text: &Option<String>) -> Option<String> {
    text.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The application, locked, if the caller may score it: staff writers, or a member of
/// the vacancy's panel. Anyone else gets 404, as for an id that does not exist, so
/// ids cannot be probed.
fn scorable(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<VisibleApplication, AppError> {
    let found = locks::application(conn, caller, id, LockMode::Shared)?;
    if found.seat.is_none() && !caller.has_any(&[Role::Admin, Role::Recruiter]) {
        return Err(AppError::NotFound);
    }
    Ok(found)
}

/// The step a method is scored at, with the rules of the step: the member sits at it,
/// has no conflict with the applicant, the application has reached it, and its outcome
/// is not recorded yet (frozen until reopened).
fn check_step(
    conn: &mut DbConnection,
    vacancy: &VacancyRow,
    application: &crate::db::applications::ApplicationRow,
    assessor: &str,
    seat_steps: Option<Vec<String>>,
    method: Method,
) -> Result<(), AppError> {
    let plan = super::plan::load(conn, vacancy)?;
    let Some(k) = plan.step_of_method(method) else {
        return Err(AppError::validation(
            "method",
            format!(
                "no step of this vacancy's assessment plan scores {}",
                method.as_str()
            ),
        ));
    };
    let key = &plan.steps[k].key;
    if let Some(steps) = seat_steps {
        if !steps.iter().any(|s| s == key) {
            return Err(AppError::Forbidden(format!(
                "{assessor} sits on this panel for step(s) {} only; {} is scored at step '{key}'",
                steps.join(", "),
                method.as_str()
            )));
        }
    }
    let conflicts = step_store::conflicts_for_application(conn, &application.id)?;
    if conflicts.iter().any(|c| c.user_id == assessor) {
        return Err(AppError::ConflictOfInterest(format!(
            "{assessor} declared a conflict of interest with {}: their scores for this applicant are refused",
            application.candidate_code
        )));
    }
    let outcomes = super::plan::outcomes_of(
        &plan,
        &step_store::outcomes_for_application(conn, &application.id)?,
        &application.id,
    )?;
    if !reached(&outcomes, k) {
        return Err(AppError::Conflict(format!(
            "{} has not reached step '{key}': {} scores are taken once every earlier step is progressed",
            application.candidate_code,
            method.as_str()
        )));
    }
    if outcomes[k] != Outcome::Pending {
        return Err(AppError::Conflict(format!(
            "{} is {} at step '{key}': its {} scores are frozen until a recruiter reopens the step",
            application.candidate_code,
            outcomes[k].as_str(),
            method.as_str()
        )));
    }
    Ok(())
}

/// `POST /applications/{id}/scoresheets`: replaces the assessor's own scores for the
/// criteria on the sheet, all or nothing. The assessor is the caller, or the member a
/// recruiter enters a paper sheet for (`on_behalf_of`).
pub async fn submit_scoresheet(
    db: &Db,
    caller: Caller,
    actor: Actor,
    id: String,
    sheet: Scoresheet,
) -> Result<StoredScoresheet, AppError> {
    db.write(move |conn| {
        let found = scorable(conn, &caller, &id)?;
        let (assessor, seat) = match sheet.on_behalf_of.as_deref().map(str::trim) {
            Some(member) => {
                if !caller.has_any(&[Role::Admin, Role::Recruiter]) {
                    return Err(AppError::Forbidden(
                        "only a recruiter or admin enters a paper scoresheet on a member's behalf"
                            .into(),
                    ));
                }
                let Some(seat) = panel_store::seat(conn, &found.vacancy.id, member)? else {
                    return Err(AppError::validation(
                        "on_behalf_of",
                        format!("{member} is not on this vacancy's panel"),
                    ));
                };
                (member.to_string(), seat)
            }
            None => match found.seat.clone() {
                Some(seat) => (caller.sub.clone(), seat),
                None => {
                    return Err(AppError::validation(
                        "on_behalf_of",
                        "is required: every score belongs to a panel member, and you are not on this vacancy's panel",
                    ))
                }
            },
        };
        let entered_by = (assessor != caller.sub).then(|| caller.sub.clone());
        check_step(
            conn,
            &found.vacancy,
            &found.application,
            &assessor,
            super::plan::member_steps(&seat)?,
            sheet.method,
        )?;
        check_scoring_window(&found.vacancy, &found.application, sheet.method)?;
        check_sheet(conn, &found.vacancy, &sheet)?;
        let now = db::now_text();
        let method = sheet.method.as_str();
        let rows: Vec<ScoreRow> = sheet
            .scores
            .iter()
            .map(|s| ScoreRow {
                application_id: found.application.id.clone(),
                criterion_id: s.criterion_id.clone(),
                method: method.into(),
                assessor: assessor.clone(),
                vacancy_id: found.vacancy.id.clone(),
                score: s.score,
                evidence: evidence(&s.evidence),
                submitted_at: now.clone(),
                entered_by: entered_by.clone(),
            })
            .collect();
        let before = store::replace_assessor_scores(
            conn,
            &found.application.id,
            method,
            &assessor,
            &rows,
        )?;
        crate::db::events::emit(crate::db::events::NewEvent::about_application(
            crate::domain::events::EventType::ScoresheetSubmitted,
            &found.application,
            serde_json::json!({"method": method, "assessor": assessor}),
        ));
        audit::record(
            conn,
            &actor,
            "scoresheet.submitted",
            "application",
            &found.application.id,
            Some(&before),
            Some(&rows),
        )?;
        let mut stored = StoredScoresheet::new(
            found.application.id,
            sheet.method,
            assessor,
            rows.into_iter()
                .map(|r| (r.criterion_id, r.score, r.evidence)),
        );
        stored.entered_by = entered_by;
        Ok(stored)
    })
    .await
}

/// `PUT /applications/{id}/agreed-scores`: the chair's moderated scores.
pub async fn record_agreed_scores(
    db: &Db,
    caller: Caller,
    actor: Actor,
    id: String,
    sheet: Scoresheet,
) -> Result<StoredScoresheet, AppError> {
    db.write(move |conn| {
        let found = scorable(conn, &caller, &id)?;
        if !found.is_chair() {
            return Err(AppError::Forbidden(
                "only the chair of this vacancy's panel records agreed scores".into(),
            ));
        }
        if sheet.on_behalf_of.is_some() {
            return Err(AppError::validation(
                "on_behalf_of",
                "agreed scores are the chair's own",
            ));
        }
        let seat_steps = match &found.seat {
            Some(seat) => super::plan::member_steps(seat)?,
            None => None,
        };
        check_step(
            conn,
            &found.vacancy,
            &found.application,
            &caller.sub,
            seat_steps,
            sheet.method,
        )?;
        check_scoring_window(&found.vacancy, &found.application, sheet.method)?;
        check_sheet(conn, &found.vacancy, &sheet)?;
        let now = db::now_text();
        let method = sheet.method.as_str();
        let rows: Vec<AgreedScoreRow> = sheet
            .scores
            .iter()
            .map(|s| AgreedScoreRow {
                application_id: found.application.id.clone(),
                criterion_id: s.criterion_id.clone(),
                method: method.into(),
                vacancy_id: found.vacancy.id.clone(),
                score: s.score,
                evidence: evidence(&s.evidence),
                agreed_by: caller.sub.clone(),
                agreed_at: now.clone(),
            })
            .collect();
        let before = store::replace_agreed(conn, &found.application.id, method, &rows)?;
        audit::record(
            conn,
            &actor,
            "agreed_scores.recorded",
            "application",
            &found.application.id,
            Some(&before),
            Some(&rows),
        )?;
        Ok(StoredScoresheet::new(
            found.application.id,
            sheet.method,
            caller.sub.clone(),
            rows.into_iter()
                .map(|r| (r.criterion_id, r.score, r.evidence)),
        ))
    })
    .await
}

/// One application's scores as the caller may see them, with the plan and whose
/// scores count: the evaluation and the scores list read this.
pub struct ScoredApplication {
    pub visible: VisibleApplication,
    pub plan: crate::domain::plan::Plan,
    /// Every score the caller may see, with whether it counts.
    pub scores: Vec<(ScoreRow, ScoreStanding)>,
    pub agreed: Vec<AgreedScoreRow>,
    /// Members who declared a conflict with the applicant.
    pub recused: Vec<String>,
    pub checks: Vec<crate::db::checks::CheckRow>,
    pub criteria: Vec<crate::db::criteria::CriterionRow>,
}

impl ScoredApplication {
    pub fn counting(&self) -> Vec<ScoreRow> {
        self.scores
            .iter()
            .filter(|(_, s)| *s == ScoreStanding::Counting)
            .map(|(r, _)| r.clone())
            .collect()
    }
}

/// Loads what [`ScoredApplication`] holds. Blind until submitted: a caller who is
/// only a panel member sees another's score or an agreed score for an (application,
/// method) only once they have scored it themself, and sees no score that does not
/// count but their own.
pub fn load_scored(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<ScoredApplication, AppError> {
    let visible = crate::api::access::application(conn, caller, id)?;
    let plan = super::plan::load(conn, &visible.vacancy)?;
    let members = panel_store::for_vacancy(conn, &visible.vacancy.id)?;
    let seats = super::plan::seats(&plan, &members)?;
    let recused: Vec<String> =
        step_store::conflicts_for_application(conn, &visible.application.id)?
            .into_iter()
            .map(|c| c.user_id)
            .collect();
    let recused_set: HashSet<String> = recused.iter().cloned().collect();
    let mut scores = Vec::new();
    for s in store::for_application(conn, &visible.application.id)? {
        let method = rules::method("scores.method", &s.method)?;
        let st = standing(&s.assessor, method, &seats, &recused_set);
        scores.push((s, st));
    }
    let mut agreed = store::agreed_for_application(conn, &visible.application.id)?;
    if !caller.is_staff() {
        let own: HashSet<String> = scores
            .iter()
            .filter(|(s, _)| s.assessor == caller.sub)
            .map(|(s, _)| s.method.clone())
            .collect();
        scores.retain(|(s, st)| {
            s.assessor == caller.sub || (own.contains(&s.method) && *st == ScoreStanding::Counting)
        });
        agreed.retain(|a| own.contains(&a.method));
    }
    let checks = crate::db::checks::for_application(conn, &visible.application.id)?;
    let criteria = criteria_store::for_vacancy(conn, &visible.vacancy.id)?;
    Ok(ScoredApplication {
        visible,
        plan,
        scores,
        agreed,
        recused,
        checks,
        criteria,
    })
}

/// Recomputes the maintained per-pair summaries and step results of every vacancy with
/// applications (or of one), each in its own transaction under the vacancy's exclusive
/// lock, so no scoresheet interleaves. Needed only after data was written outside the
/// API (bulk loads, restores); the API keeps both itself. Returns the vacancies rebuilt.
pub async fn rebuild_summaries(db: &Db, only: Option<String>) -> Result<Vec<String>, AppError> {
    let ids = match only {
        Some(id) => vec![id],
        None => {
            db.read(|conn| Ok(db::summaries::vacancies_with_applications(conn)?))
                .await?
        }
    };
    for id in &ids {
        let id = id.clone();
        db.write(move |conn| {
            let org = crate::db::vacancies::org_of(conn, &id)?.ok_or(AppError::NotFound)?;
            crate::db::vacancies::find_locked(conn, &org, &id, LockMode::Exclusive)?;
            db::summaries::refresh(conn, db::summaries::Scope::Vacancy(&id))?;
            // And every step result, from the summaries just rebuilt.
            super::results::refresh_vacancy(conn, &id)?;
            Ok(())
        })
        .await?;
    }
    Ok(ids)
}
