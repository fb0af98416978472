//! The assessment plan, step decisions, reopening, conflicts of interest and the
//! candidate-facing outcome. Handlers translate HTTP; `service::plan` and
//! `service::steps` own the rules.

use actix_web::{get, post, put, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::vacancies::{READERS, WRITERS};
use super::{actor, validate};
use crate::auth::{Caller, Role};
use crate::db::Db;
use crate::domain::plan::{CutOff, Plan, ReasonCode, Step, StepDecision, StepKind};
use crate::domain::Method;
use crate::error::{AppError, Problem};
use crate::service::steps::{
    self as steps_service, CandidateOutcome, Conflict, Conflicts, RecordedStepDecisions, Reopened,
    StepDecisionRequest,
};

/// One step of an assessment plan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PlanStep {
    /// A slug, unique in the vacancy (`sift`, `test`, `interview`).
    #[validate(length(min = 1, max = 40))]
    pub key: String,
    #[validate(length(min = 1, max = 200))]
    pub title: String,
    pub kind: StepKind,
    /// The methods scored at this step; every method the specification uses belongs
    /// to exactly one step.
    pub methods: Vec<Method>,
    /// `{"top": N}` or `{"min_percentage": P}`: a proposal shown beside each entry.
    #[serde(default)]
    pub cut_off: Option<CutOff>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AssessmentPlan {
    #[validate(length(min = 1, max = 10), nested)]
    pub steps: Vec<PlanStep>,
    /// True when the vacancy has no stored plan and uses the default one
    /// (`shortlisting`, then `final`). Ignored on input.
    #[serde(default)]
    pub is_default: bool,
}

impl AssessmentPlan {
    pub fn from_plan(plan: &Plan) -> AssessmentPlan {
        AssessmentPlan {
            steps: plan
                .steps
                .iter()
                .map(|s| PlanStep {
                    key: s.key.clone(),
                    title: s.title.clone(),
                    kind: s.kind,
                    methods: s.methods.clone(),
                    cut_off: s.cut_off,
                })
                .collect(),
            is_default: plan.is_default,
        }
    }
}

#[utoipa::path(
    tag = "steps",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    responses(
        (status = 200, description = "The vacancy's assessment plan (the default plan when none is set)", body = AssessmentPlan),
        (status = 404, description = "No such vacancy visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies/{vacancy_id}/assessment-plan")]
pub async fn get_plan(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(READERS)?;
    let plan = crate::service::plan::get(&db, caller, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(AssessmentPlan::from_plan(&plan)))
}

#[utoipa::path(
    tag = "steps",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    request_body = AssessmentPlan,
    responses(
        (status = 200, description = "The plan as stored", body = AssessmentPlan),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy is no longer a draft, or a panel member is limited to a step the plan drops", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid steps: keys, a method in two steps, a method of the specification in none, cut-offs", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[put("/vacancies/{vacancy_id}/assessment-plan")]
pub async fn put_plan(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<AssessmentPlan>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let body = body.into_inner();
    validate(&body)?;
    let steps: Vec<Step> = body
        .steps
        .into_iter()
        .map(|s| Step {
            key: s.key.trim().to_string(),
            title: s.title,
            kind: s.kind,
            methods: s.methods,
            cut_off: s.cut_off,
        })
        .collect();
    let actor = actor(&caller, &req);
    let plan = crate::service::plan::replace(&db, caller, actor, path.into_inner(), steps).await?;
    Ok(HttpResponse::Ok().json(AssessmentPlan::from_plan(&plan)))
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct StepDecisionInput {
    pub application_id: String,
    pub decision: StepDecision,
    pub reason_code: ReasonCode,
    /// The internal reason: recorded, never shown to the candidate.
    #[validate(length(min = 1, max = 2000))]
    pub reason: String,
    /// Candidate-facing feedback, shown in the outcome.
    #[validate(length(min = 1, max = 4000))]
    #[serde(default)]
    pub feedback: Option<String>,
    /// Required to progress someone with an unmet or pending essential, or to not
    /// progress someone who meets them all for a reason other than `lower_score` or
    /// `cut_off`.
    #[validate(length(min = 1, max = 2000))]
    #[serde(default)]
    pub override_reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct StepDecisionBatch {
    #[validate(length(min = 1, max = 1000), nested)]
    pub decisions: Vec<StepDecisionInput>,
}

#[utoipa::path(
    tag = "steps",
    params(
        ("vacancy_id" = String, Path, description = "Vacancy id"),
        ("step_key" = String, Path, description = "Step key"),
    ),
    request_body = StepDecisionBatch,
    responses(
        (status = 200, description = "Every decision recorded, or none", body = RecordedStepDecisions),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy or step", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An application is not at this step, is already decided at it, or is guaranteed an interview", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown or repeated application, missing reason, or a decision against the evaluation without an override reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/vacancies/{vacancy_id}/steps/{step_key}/decisions")]
pub async fn decide(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<(String, String)>,
    body: web::Json<StepDecisionBatch>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let batch = body.into_inner();
    validate(&batch)?;
    let (vacancy_id, step_key) = path.into_inner();
    let requests = batch
        .decisions
        .into_iter()
        .map(|d| StepDecisionRequest {
            application_id: d.application_id,
            decision: d.decision,
            reason_code: Some(d.reason_code),
            reason: d.reason,
            feedback: d.feedback,
            override_reason: d.override_reason,
        })
        .collect();
    let actor = actor(&caller, &req);
    let recorded: RecordedStepDecisions =
        steps_service::decide_batch(&db, caller, actor, vacancy_id, step_key, requests).await?;
    Ok(HttpResponse::Ok().json(recorded))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReopenInput {
    pub application_id: String,
    /// Why the step is reopened: recorded in the decision log.
    #[validate(length(min = 1, max = 2000))]
    pub reason: String,
}

#[utoipa::path(
    tag = "steps",
    params(
        ("vacancy_id" = String, Path, description = "Vacancy id"),
        ("step_key" = String, Path, description = "Step key"),
    ),
    request_body = ReopenInput,
    responses(
        (status = 200, description = "The step's outcome is pending again and its scores can change", body = Reopened),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy, step or application", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to reopen, a later step is decided, an offer is made, or an anonymised sift's names are revealed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Missing reason, or the application is not to this vacancy", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/vacancies/{vacancy_id}/steps/{step_key}/reopen")]
pub async fn reopen(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<(String, String)>,
    body: web::Json<ReopenInput>,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let body = body.into_inner();
    validate(&body)?;
    let (vacancy_id, step_key) = path.into_inner();
    let actor = actor(&caller, &req);
    let reopened = steps_service::reopen(
        &db,
        caller,
        actor,
        vacancy_id,
        step_key,
        body.application_id,
        body.reason,
    )
    .await?;
    Ok(HttpResponse::Ok().json(reopened))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ConflictInput {
    /// The panel member with the conflict (a member declares for themself).
    #[validate(length(min = 1, max = 200))]
    pub user_id: String,
    #[validate(length(min = 1, max = 2000))]
    #[serde(default)]
    pub reason: Option<String>,
}

#[utoipa::path(
    tag = "steps",
    params(("application_id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Declared conflicts of interest", body = Conflicts),
        (status = 403, description = "Portals do not see conflicts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/applications/{application_id}/conflicts")]
pub async fn list_conflicts(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Viewer, Role::Panel])?;
    let listed: Conflicts = steps_service::list_conflicts(&db, caller, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(listed))
}

#[utoipa::path(
    tag = "steps",
    params(("application_id" = String, Path, description = "Application id")),
    request_body = ConflictInput,
    responses(
        (status = 201, description = "Declared: the member's sheets for this applicant are refused and their scores stop counting", body = Conflict),
        (status = 403, description = "A member declares only for themself", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application, or the caller is not on its panel", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already declared, or the vacancy is filled or cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The user is not on the vacancy's panel", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/applications/{application_id}/conflicts")]
pub async fn declare_conflict(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<ConflictInput>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Panel])?;
    let body = body.into_inner();
    validate(&body)?;
    let actor = actor(&caller, &req);
    let declared = steps_service::declare_conflict(
        &db,
        caller,
        actor,
        path.into_inner(),
        body.user_id.trim().to_string(),
        body.reason,
    )
    .await?;
    Ok(HttpResponse::Created().json(declared))
}

#[utoipa::path(
    tag = "steps",
    params(("application_id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "Status, steps reached and candidate feedback: never reasons, scores or other applicants", body = CandidateOutcome),
        (status = 403, description = "Panel members and viewers without staff roles do not read outcomes", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/applications/{application_id}/outcome")]
pub async fn get_outcome(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter, Role::Viewer, Role::Portal])?;
    let outcome: CandidateOutcome = steps_service::outcome(&db, caller, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(outcome))
}
