//! Scoresheets and the chair's agreed scores. Both lock the vacancy (shared: a panel
//! change or a decision takes it exclusively and so waits, or is waited for) and then
//! the application, and check the panel seat, the scoring window and the sift freeze
//! under those locks.

use std::collections::HashMap;

use super::locks;
use super::rules;
use crate::api::access::VisibleApplication;
use crate::api::scores::{Scoresheet, StoredScoresheet};
use crate::auth::{Caller, Role};
use crate::db::audit::{self, Actor};
use crate::db::criteria as criteria_store;
use crate::db::scores::{self as store, AgreedScoreRow, ScoreRow};
use crate::db::vacancies::VacancyRow;
use crate::db::{self, Db, DbConnection, LockMode};
use crate::domain::application::ApplicationStatus;
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

/// `POST /applications/{id}/scoresheets`: replaces the caller's own scores for the
/// criteria on the sheet, all or nothing.
pub async fn submit_scoresheet(
    db: &Db,
    caller: Caller,
    actor: Actor,
    id: String,
    sheet: Scoresheet,
) -> Result<StoredScoresheet, AppError> {
    db.write(move |conn| {
        let found = scorable(conn, &caller, &id)?;
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
                assessor: caller.sub.clone(),
                vacancy_id: found.vacancy.id.clone(),
                score: s.score,
                evidence: evidence(&s.evidence),
                submitted_at: now.clone(),
            })
            .collect();
        let before = store::replace_assessor_scores(
            conn,
            &found.application.id,
            method,
            &caller.sub,
            &rows,
        )?;
        audit::record(
            conn,
            &actor,
            "scoresheet.submitted",
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
