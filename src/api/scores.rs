//! Scoresheets, agreed scores and the evaluation of one application.

use std::collections::HashMap;

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::vacancies::parse_methods;
use super::{access, actor, validate};
use crate::auth::{Caller, Role};
use crate::db::applications::ApplicationRow;
use crate::db::criteria::{self as criteria_store, CriterionRow};
use crate::db::scores::{self as store, AgreedScoreRow, ScoreRow};
use crate::db::vacancies::VacancyRow;
use crate::db::{self, audit, Db, DbConnection};
use crate::domain::application::ApplicationStatus;
use crate::domain::checks::{required_checks, CheckKind, CheckRequirements};
use crate::domain::evaluation::{
    evaluate, AgreedScoreInput, CriterionInput, Declarations, Evaluation, Scale, ScoreInput, Stage,
    VacancyRules,
};
use crate::domain::scoresheet::{validate_scoresheet, ScoreLine};
use crate::domain::vacancy::{DbsLevel, DrivingRequirement, VacancyStatus};
use crate::domain::{FieldError, Method, Requirement};
use crate::error::{AppError, Problem};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ScoreEntry {
    pub criterion_id: String,
    pub score: i32,
    /// The assessor's note of the evidence seen.
    #[validate(length(max = 4000))]
    pub evidence: Option<String>,
}

/// One assessor's scores for one method across many criteria, stored all-or-nothing.
#[derive(Debug, Clone, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct Scoresheet {
    pub method: Method,
    #[validate(nested)]
    pub scores: Vec<ScoreEntry>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoredScoresheet {
    pub application_id: String,
    pub method: Method,
    /// The JWT `sub` of the assessor (or of the chair, for agreed scores).
    pub assessor: String,
    pub scores: Vec<ScoreEntry>,
}

impl StoredScoresheet {
    /// The sheet as stored: (criterion id, score, evidence) for each line.
    fn new(
        application_id: String,
        method: Method,
        assessor: String,
        lines: impl Iterator<Item = (String, i32, Option<String>)>,
    ) -> StoredScoresheet {
        StoredScoresheet {
            application_id,
            method,
            assessor,
            scores: lines
                .map(|(criterion_id, score, evidence)| ScoreEntry {
                    criterion_id,
                    score,
                    evidence,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Score {
    pub criterion_id: String,
    pub method: Method,
    pub assessor: String,
    pub score: i32,
    pub evidence: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub submitted_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AgreedScore {
    pub criterion_id: String,
    pub method: Method,
    pub score: i32,
    pub evidence: Option<String>,
    pub agreed_by: String,
    #[schema(value_type = String, format = DateTime)]
    pub agreed_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationScores {
    pub application_id: String,
    pub scores: Vec<Score>,
    pub agreed_scores: Vec<AgreedScore>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StageParams {
    /// `shortlisting` (default) counts only the vacancy's shortlisting methods; `final`
    /// counts every method.
    pub stage: Option<Stage>,
}

/// The evaluation of one application at one stage.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationEvaluation {
    pub application_id: String,
    pub candidate_code: String,
    pub stage: Stage,
    #[serde(flatten)]
    pub evaluation: Evaluation,
    /// Required pre-employment checks not yet clear or waived.
    pub pending_checks: Vec<CheckKind>,
    /// Required checks that failed.
    pub failed_checks: Vec<CheckKind>,
}

pub fn check_requirements(v: &VacancyRow) -> CheckRequirements {
    CheckRequirements {
        dbs_level: DbsLevel::parse(&v.dbs_level).unwrap_or(DbsLevel::None),
        driving: DrivingRequirement::parse(&v.driving_requirement)
            .unwrap_or(DrivingRequirement::None),
        references_required: v.references_required,
        professional_registration: v.professional_registration.is_some(),
        occupational_health: v.occupational_health_required,
    }
}

pub fn required_checks_of(v: &VacancyRow) -> Vec<CheckKind> {
    required_checks(&check_requirements(v))
}

pub fn vacancy_rules(v: &VacancyRow) -> VacancyRules {
    VacancyRules {
        scale: scale_of(v),
        shortlisting_methods: parse_methods(&v.shortlisting_methods).unwrap_or_default(),
        guaranteed_interview_scheme: v.guaranteed_interview_scheme,
        driving_required: DrivingRequirement::parse(&v.driving_requirement)
            .is_some_and(|d| d.needs_licence()),
        max_penalty_points: v.max_penalty_points,
        max_at_fault_accidents: v.max_at_fault_accidents,
    }
}

fn scale_of(v: &VacancyRow) -> Scale {
    Scale {
        min: v.scoring_min,
        max: v.scoring_max,
        pass_mark: v.scoring_pass_mark,
    }
}

pub fn criterion_inputs(rows: &[CriterionRow]) -> Vec<CriterionInput> {
    rows.iter()
        .map(|c| CriterionInput {
            id: c.id.clone(),
            requirement: Requirement::parse(&c.requirement).unwrap_or(Requirement::Desirable),
            methods: parse_methods(&c.methods).unwrap_or_default(),
            weight: c.weight,
            alternative_group: c.alternative_group.clone(),
            position: c.position,
        })
        .collect()
}

pub fn score_inputs(rows: &[ScoreRow]) -> Vec<ScoreInput> {
    rows.iter()
        .filter_map(|s| {
            Some(ScoreInput {
                criterion_id: s.criterion_id.clone(),
                method: Method::parse(&s.method)?,
                assessor: s.assessor.clone(),
                score: s.score,
            })
        })
        .collect()
}

pub fn agreed_inputs(rows: &[AgreedScoreRow]) -> Vec<AgreedScoreInput> {
    rows.iter()
        .filter_map(|s| {
            Some(AgreedScoreInput {
                criterion_id: s.criterion_id.clone(),
                method: Method::parse(&s.method)?,
                score: s.score,
            })
        })
        .collect()
}

pub fn declarations_of(a: &ApplicationRow) -> Declarations {
    Declarations {
        guaranteed_interview: a.guaranteed_interview,
        penalty_points: a.penalty_points,
        at_fault_accidents: a.at_fault_accidents,
        driving_licence_held: a.driving_licence_held,
        right_to_work: a.right_to_work,
    }
}

/// Scores are taken while the vacancy is open or closed and the application is live.
fn check_scoring_window(
    vacancy: &VacancyRow,
    application: &ApplicationRow,
) -> Result<(), AppError> {
    let open_or_closed = matches!(
        VacancyStatus::parse(&vacancy.status),
        Some(VacancyStatus::Open | VacancyStatus::Closed)
    );
    if !open_or_closed {
        return Err(AppError::Conflict(format!(
            "scores are accepted only while the vacancy is open or closed; it is {}",
            vacancy.status
        )));
    }
    if !ApplicationStatus::parse(&application.status).is_some_and(|s| s.is_live()) {
        return Err(AppError::Conflict(format!(
            "the application is {}; scores are no longer accepted",
            application.status
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
        .map(|c| {
            let methods = parse_methods(&c.methods).unwrap_or_default();
            (c.id, methods)
        })
        .collect();
    let lines: Vec<ScoreLine> = sheet
        .scores
        .iter()
        .map(|s| ScoreLine {
            criterion_id: s.criterion_id.clone(),
            score: s.score,
        })
        .collect();
    let errors: Vec<FieldError> =
        validate_scoresheet(&criteria, scale_of(vacancy), sheet.method, &lines);
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

#[utoipa::path(
    tag = "scores",
    params(("application_id" = String, Path, description = "Application id")),
    request_body = Scoresheet,
    responses(
        (status = 200, description = "The caller's scores as stored (replacing their earlier ones for these criteria)", body = StoredScoresheet),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not on this vacancy's panel (nor a recruiter or admin)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy or application no longer takes scores", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A score names a foreign criterion, a method the criterion is not assessed by, or a value off the scale", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/applications/{application_id}/scoresheets")]
pub async fn submit_scoresheet(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<Scoresheet>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Panel])?;
    let sheet = body.into_inner();
    validate(&sheet)?;
    let id = path.into_inner();
    let actor = actor(&caller, &req);
    let stored = db
        .write(move |conn| {
            // Lock first, so the status read below cannot change before commit and
            // concurrent sheets for one application queue instead of colliding.
            crate::db::applications::lock(conn, &id)?;
            let found = access::application_in_org(conn, &caller, &id)?;
            if found.seat.is_none() && !caller.has_any(&[Role::Admin, Role::Recruiter]) {
                return Err(AppError::Forbidden(
                    "only members of this vacancy's panel may score it".into(),
                ));
            }
            check_scoring_window(&found.vacancy, &found.application)?;
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
        .await?;
    Ok(HttpResponse::Ok().json(stored))
}

#[utoipa::path(
    tag = "scores",
    params(("application_id" = String, Path, description = "Application id")),
    request_body = Scoresheet,
    responses(
        (status = 200, description = "The agreed scores as stored; they override the assessors' mean", body = StoredScoresheet),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only the panel chair records agreed scores", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy or application no longer takes scores", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid scores", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/applications/{application_id}/agreed-scores")]
pub async fn record_agreed_scores(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<Scoresheet>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Panel])?;
    let sheet = body.into_inner();
    validate(&sheet)?;
    let id = path.into_inner();
    let actor = actor(&caller, &req);
    let stored = db
        .write(move |conn| {
            // Lock first, so the status read below cannot change before commit and
            // concurrent sheets for one application queue instead of colliding.
            crate::db::applications::lock(conn, &id)?;
            let found = access::application_in_org(conn, &caller, &id)?;
            if !found.is_chair() {
                return Err(AppError::Forbidden(
                    "only the chair of this vacancy's panel records agreed scores".into(),
                ));
            }
            check_scoring_window(&found.vacancy, &found.application)?;
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
        .await?;
    Ok(HttpResponse::Ok().json(stored))
}

#[utoipa::path(
    tag = "scores",
    params(("application_id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Every assessor's scores and the agreed scores", body = ApplicationScores),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Portals do not see scores", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/applications/{application_id}/scores")]
pub async fn list_scores(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Viewer, Role::Panel])?;
    let id = path.into_inner();
    let (scores, agreed) = db
        .read(move |conn| {
            let visible = access::application(conn, &caller, &id)?;
            Ok((
                store::for_application(conn, &visible.application.id)?,
                store::agreed_for_application(conn, &visible.application.id)?,
            ))
        })
        .await?;
    let application_id = scores
        .first()
        .map(|s| s.application_id.clone())
        .or_else(|| agreed.first().map(|a| a.application_id.clone()))
        .unwrap_or_default();
    Ok(HttpResponse::Ok().json(ApplicationScores {
        application_id,
        scores: scores
            .into_iter()
            .filter_map(|s| {
                Some(Score {
                    method: Method::parse(&s.method)?,
                    criterion_id: s.criterion_id,
                    assessor: s.assessor,
                    score: s.score,
                    evidence: s.evidence,
                    submitted_at: s.submitted_at,
                })
            })
            .collect(),
        agreed_scores: agreed
            .into_iter()
            .filter_map(|a| {
                Some(AgreedScore {
                    method: Method::parse(&a.method)?,
                    criterion_id: a.criterion_id,
                    score: a.score,
                    evidence: a.evidence,
                    agreed_by: a.agreed_by,
                    agreed_at: a.agreed_at,
                })
            })
            .collect(),
    }))
}

#[utoipa::path(
    tag = "scores",
    params(("application_id" = String, Path, description = "Application id"), StageParams),
    responses(
        (status = 200, description = "Every criterion × method with its aggregate, spread and status, and the application's recommendation", body = ApplicationEvaluation),
        (status = 400, description = "Unknown stage", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Portals do not see evaluations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/applications/{application_id}/evaluation")]
pub async fn get_evaluation(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
    query: web::Query<StageParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Viewer, Role::Panel])?;
    let stage = query.stage.unwrap_or(Stage::Shortlisting);
    let id = path.into_inner();
    let (visible, criteria, scores, agreed, checks) = db
        .read(move |conn| {
            let visible = access::application(conn, &caller, &id)?;
            let criteria = criteria_store::for_vacancy(conn, &visible.vacancy.id)?;
            let scores = store::for_application(conn, &visible.application.id)?;
            let agreed = store::agreed_for_application(conn, &visible.application.id)?;
            let checks = crate::db::checks::for_application(conn, &visible.application.id)?;
            Ok((visible, criteria, scores, agreed, checks))
        })
        .await?;
    let (pending_checks, failed_checks) = super::checks::check_state(&visible.vacancy, &checks);
    let evaluation = evaluate(
        &vacancy_rules(&visible.vacancy),
        &criterion_inputs(&criteria),
        &score_inputs(&scores),
        &agreed_inputs(&agreed),
        &declarations_of(&visible.application),
        stage,
    );
    Ok(HttpResponse::Ok().json(ApplicationEvaluation {
        application_id: visible.application.id.clone(),
        candidate_code: visible.application.candidate_code.clone(),
        stage,
        evaluation,
        pending_checks,
        failed_checks,
    }))
}
