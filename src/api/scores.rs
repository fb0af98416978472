//! Scoresheets, agreed scores and the evaluation of one application.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{actor, validate};
use crate::auth::{Caller, Role};
use crate::db::Db;
use crate::domain::checks::CheckKind;
use crate::domain::evaluation::{evaluate, Evaluation};
use crate::domain::plan::ScoreStanding;
use crate::domain::Method;
use crate::error::{AppError, Problem};
use crate::service::{rules, scoring};

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
    /// A paper scoresheet typed in by a recruiter or admin: the `sub` of the panel
    /// member whose scores these are. Both are recorded.
    #[validate(length(min = 1, max = 200))]
    #[serde(default)]
    pub on_behalf_of: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StoredScoresheet {
    pub application_id: String,
    pub method: Method,
    /// The JWT `sub` of the assessor (or of the chair, for agreed scores).
    pub assessor: String,
    /// Who typed a paper sheet in, when not the assessor.
    pub entered_by: Option<String>,
    pub scores: Vec<ScoreEntry>,
}

impl StoredScoresheet {
    /// The sheet as stored: (criterion id, score, evidence) for each line.
    pub fn new(
        application_id: String,
        method: Method,
        assessor: String,
        lines: impl Iterator<Item = (String, i32, Option<String>)>,
    ) -> StoredScoresheet {
        StoredScoresheet {
            application_id,
            method,
            entered_by: None,
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
    /// Who typed a paper sheet in on the assessor's behalf.
    pub entered_by: Option<String>,
    /// `counting`; `excluded` (no longer on the panel or at that step) or `recused`
    /// (a declared conflict of interest) scores are kept and shown, never counted.
    pub standing: ScoreStanding,
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
    /// A step key of the vacancy's plan (default: the first step). On the default plan
    /// `shortlisting` counts only the vacancy's shortlisting methods and `final` every
    /// method; in general a step counts its methods and every earlier step's.
    pub stage: Option<String>,
}

/// The evaluation of one application at one stage.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationEvaluation {
    pub application_id: String,
    pub candidate_code: String,
    /// The step key.
    pub stage: String,
    #[serde(flatten)]
    pub evaluation: Evaluation,
    /// Panel members who declared a conflict of interest with this applicant: their
    /// scores for it do not count.
    pub recused_assessors: Vec<String>,
    /// Required pre-employment checks not yet clear or waived.
    pub pending_checks: Vec<CheckKind>,
    /// Required checks that failed.
    pub failed_checks: Vec<CheckKind>,
}

#[utoipa::path(
    tag = "scores",
    params(("application_id" = String, Path, description = "Application id")),
    request_body = Scoresheet,
    responses(
        (status = 200, description = "The caller's scores as stored (replacing their earlier ones for these criteria)", body = StoredScoresheet),
        (status = 403, description = "Needs admin, recruiter or panel", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or the caller is not on its vacancy's panel", body = Problem, content_type = "application/problem+json"),
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
    let stored = scoring::submit_scoresheet(&db, caller, actor, id, sheet).await?;
    Ok(HttpResponse::Ok().json(stored))
}

#[utoipa::path(
    tag = "scores",
    params(("application_id" = String, Path, description = "Application id")),
    request_body = Scoresheet,
    responses(
        (status = 200, description = "The agreed scores as stored; they override the assessors' mean", body = StoredScoresheet),
        (status = 403, description = "Only the panel chair records agreed scores", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or the caller is not on its vacancy's panel", body = Problem, content_type = "application/problem+json"),
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
    let stored = scoring::record_agreed_scores(&db, caller, actor, id, sheet).await?;
    Ok(HttpResponse::Ok().json(stored))
}

#[utoipa::path(
    tag = "scores",
    params(("application_id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Every assessor's scores and the agreed scores", body = ApplicationScores),
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
    let scored = db
        .read_short(move |conn| scoring::load_scored(conn, &caller, &id))
        .await?;
    Ok(HttpResponse::Ok().json(ApplicationScores {
        application_id: scored.visible.application.id.clone(),
        scores: scored
            .scores
            .into_iter()
            .filter_map(|(s, standing)| {
                Some(Score {
                    method: Method::parse(&s.method)?,
                    criterion_id: s.criterion_id,
                    assessor: s.assessor,
                    entered_by: s.entered_by,
                    standing,
                    score: s.score,
                    evidence: s.evidence,
                    submitted_at: s.submitted_at,
                })
            })
            .collect(),
        agreed_scores: scored
            .agreed
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
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`stage` is not a step of the vacancy's plan", body = Problem, content_type = "application/problem+json"),
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
    let caller_is_staff = caller.is_staff();
    let id = path.into_inner();
    let scored = db
        .read(move |conn| scoring::load_scored(conn, &caller, &id))
        .await?;
    let k = match query.stage.as_deref() {
        None => 0,
        Some(key) => crate::service::plan::step_index(&scored.plan, key)?,
    };
    let visible = &scored.visible;
    let (pending_checks, failed_checks) = rules::check_state(&visible.vacancy, &scored.checks)?;
    let counted = scored.plan.cumulative_methods(k);
    let mut evaluation = evaluate(
        &rules::vacancy_rules(&visible.vacancy)?,
        &rules::criterion_inputs(&scored.criteria)?,
        &rules::score_inputs(&scored.counting())?,
        &rules::agreed_inputs(&scored.agreed)?,
        &rules::declarations_of(&visible.application),
        &counted,
    );
    if !caller_is_staff {
        // Panel members do not see what the applicant declared, nor flags read off it.
        evaluation
            .flags
            .retain(|f| !crate::domain::evaluation::is_declaration_flag(f));
    }
    Ok(HttpResponse::Ok().json(ApplicationEvaluation {
        application_id: visible.application.id.clone(),
        candidate_code: visible.application.candidate_code.clone(),
        stage: scored.plan.steps[k].key.clone(),
        evaluation,
        recused_assessors: scored.recused.clone(),
        pending_checks,
        failed_checks,
    }))
}
