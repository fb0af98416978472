//! Everything the views and decisions of one vacancy need, loaded in a fixed handful
//! of queries (never a query per application) and evaluated in memory.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::rules::{self, declarations_of};
use crate::db::applications::{self as application_store, ApplicationRow};
use crate::db::checks as check_store;
use crate::db::criteria::{self as criteria_store, CriterionRow};
use crate::db::panels as panel_store;
use crate::db::scores::{self as score_store, AgreedScoreRow, PairAggregateRow, ScoreRow};
use crate::db::steps as step_store;
use crate::db::vacancies::VacancyRow;
use crate::db::DbConnection;
use crate::domain::checks::{outstanding, CheckKind, CheckStatus};
use crate::domain::evaluation::{
    evaluate, evaluate_summaries, AgreedScoreInput, CriterionInput, Evaluation, PairSummary,
    ScoreInput, VacancyRules,
};
use crate::domain::plan::{blind_visible, standing, Outcome, Plan, ScoreStanding};
use crate::domain::results::StepResult;
use crate::domain::Method;
use crate::error::AppError;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CriterionRef {
    pub criterion_id: String,
    pub description: String,
}

/// Which scores a board is loaded with.
enum Source {
    /// Every assessor's score (matrix, summaries, blind panel views).
    Individual(Vec<ScoreRow>),
    /// The per-pair summaries kept on write (rankings and decisions).
    Aggregated,
    /// No scores: the caller reads the kept step results (`load_for_step`).
    Bare,
    /// Only these applications, with their summaries (maintenance of their results).
    Applications(Vec<String>),
}

/// Everything the views of one vacancy need, loaded once.
pub struct Board {
    pub vacancy: VacancyRow,
    pub criteria: Vec<CriterionRow>,
    pub applications: Vec<ApplicationRow>,
    /// Each assessor's score (the matrix and the summary need them), or `None` when
    /// only per-pair aggregates were loaded.
    pub scores: Option<Vec<ScoreRow>>,
    /// Per-pair summaries maintained on write, for views that need only the rules.
    pub aggregates: Vec<PairAggregateRow>,
    pub agreed: Vec<AgreedScoreRow>,
    /// The assessment plan (the default plan when none is stored).
    pub plan: Plan,
    /// Each application's outcome at every step (absent: all pending).
    pub outcomes: HashMap<String, Vec<Outcome>>,
    pub outcome_rows: Vec<step_store::OutcomeRow>,
    /// The users recused from each application.
    pub recused: HashMap<String, HashSet<String>>,
    /// Scores that do not count (removed members, seats on other steps, recusals),
    /// kept for recruiters to see; only with individual scores.
    pub excluded: Vec<(ScoreRow, ScoreStanding)>,
    /// The vacancy's rules, criteria and required checks, read loudly once at load.
    rules: VacancyRules,
    criterion_inputs: Vec<CriterionInput>,
    required_checks: Vec<CheckKind>,
    /// Each application's recorded checks, grouped once at load: a shortlist asks for
    /// every application's, and scanning all the vacancy's check rows per application
    /// made it quadratic (3 rows per application: 75 million comparisons at 5,000).
    recorded_checks: HashMap<String, Vec<(CheckKind, CheckStatus)>>,
}

/// Recorded check statuses, (application, kind, status) as `db::checks` reads them,
/// grouped by application and read loudly.
pub fn recorded_checks(
    rows: Vec<(String, String, String)>,
) -> Result<HashMap<String, Vec<(CheckKind, CheckStatus)>>, AppError> {
    let mut recorded: HashMap<String, Vec<_>> = HashMap::new();
    for (application_id, kind, status) in rows {
        let kind = rules::stored(CheckKind::parse(&kind), "checks.kind", &kind)?;
        let status = rules::stored(CheckStatus::parse(&status), "checks.status", &status)?;
        recorded
            .entry(application_id)
            .or_default()
            .push((kind, status));
    }
    Ok(recorded)
}

impl Board {
    /// With every assessor's score.
    pub fn load(conn: &mut DbConnection, vacancy: VacancyRow) -> Result<Board, AppError> {
        let scores = score_store::for_vacancy(conn, &vacancy.id)?;
        Board::load_with(conn, vacancy, Source::Individual(scores))
    }

    /// With the per-pair summaries maintained on write: all that rankings and decisions
    /// need, in half the rows and without assessor names or evidence.
    pub fn load_aggregated(
        conn: &mut DbConnection,
        vacancy: VacancyRow,
    ) -> Result<Board, AppError> {
        Board::load_with(conn, vacancy, Source::Aggregated)
    }

    /// What a shortlist at `stage` (default: the first step) needs: the board without
    /// scores, the step's index and each application's result there, read from the
    /// results kept on write (`db::results`). Where they do not cover every application
    /// (data loaded behind the API's back, before `shortlist rebuild`), the results are
    /// evaluated from the summaries instead, and a warning says so.
    pub fn load_for_step(
        conn: &mut DbConnection,
        vacancy: VacancyRow,
        stage: Option<&str>,
    ) -> Result<(Board, usize, Vec<StepResult>), AppError> {
        let mut board = Board::load_with(conn, vacancy, Source::Bare)?;
        let k = match stage {
            None => 0,
            Some(key) => board.step_index(key)?,
        };
        if let Some(kept) = board.kept_results(conn, k)? {
            return Ok((board, k, kept));
        }
        tracing::warn!(
            vacancy_id = board.vacancy.id.as_str(),
            "kept step results do not cover the vacancy: evaluating (run `shortlist rebuild`)"
        );
        board.aggregates = crate::db::summaries::for_vacancy(conn, &board.vacancy.id)?;
        board.agreed = score_store::agreed_for_vacancy(conn, &board.vacancy.id)?;
        for s in &board.aggregates {
            rules::method("scores.method", &s.method)?;
        }
        for s in &board.agreed {
            rules::method("agreed_scores.method", &s.method)?;
        }
        let results = board.step_results(k);
        Ok((board, k, results))
    }

    /// The results kept for step `k`, one per application in board order; `None` when
    /// any application has none, or one made for other criteria.
    fn kept_results(
        &self,
        conn: &mut DbConnection,
        k: usize,
    ) -> Result<Option<Vec<StepResult>>, AppError> {
        let key = &self.plan.steps[k].key;
        let rows = crate::db::results::for_step(conn, &self.vacancy.id, key)?;
        let mut by_application: HashMap<String, String> = rows.into_iter().collect();
        let fingerprint = crate::domain::results::criteria_fingerprint(&self.criterion_ids());
        let mut kept = Vec::with_capacity(self.applications.len());
        for a in &self.applications {
            let Some(text) = by_application.remove(&a.id) else {
                return Ok(None);
            };
            match serde_json::from_str::<StepResult>(&text) {
                Ok(result) if result.fits(&fingerprint) => kept.push(result),
                _ => return Ok(None),
            }
        }
        Ok(Some(kept))
    }

    /// Only these applications of the vacancy, with their summaries and agreed scores:
    /// what recomputing their results needs (`service::results`).
    pub fn load_applications(
        conn: &mut DbConnection,
        vacancy: VacancyRow,
        ids: Vec<String>,
    ) -> Result<Board, AppError> {
        Board::load_with(conn, vacancy, Source::Applications(ids))
    }

    fn load_with(
        conn: &mut DbConnection,
        vacancy: VacancyRow,
        source: Source,
    ) -> Result<Board, AppError> {
        let plan = super::plan::load(conn, &vacancy)?;
        let whole = matches!(source, Source::Individual(_) | Source::Aggregated);
        let conflicts = if whole {
            step_store::conflicts_for_vacancy(conn, &vacancy.id)?
        } else {
            Vec::new()
        };
        // Without individual scores, the summaries maintained on write (see
        // `db::summaries`): one ready row per pair, counting scores only.
        let aggregates = match &source {
            Source::Aggregated => crate::db::summaries::for_vacancy(conn, &vacancy.id)?,
            Source::Applications(ids) => crate::db::summaries::for_applications(conn, ids)?,
            Source::Individual(_) | Source::Bare => Vec::new(),
        };
        let criteria = criteria_store::for_vacancy(conn, &vacancy.id)?;
        let applications = match &source {
            Source::Applications(ids) => {
                application_store::some_of_vacancy(conn, &vacancy.id, ids)?
            }
            _ => application_store::all_for_vacancy(conn, &vacancy.id)?,
        };
        let agreed = match &source {
            Source::Applications(ids) => score_store::agreed_for_applications(conn, ids)?,
            Source::Bare => Vec::new(),
            _ => score_store::agreed_for_vacancy(conn, &vacancy.id)?,
        };
        let (checks, outcome_rows) = match &source {
            Source::Applications(_) => (Vec::new(), Vec::new()),
            _ => (
                check_store::statuses_for_vacancy(conn, &vacancy.id)?,
                step_store::outcomes_for_vacancy(conn, &vacancy.id)?,
            ),
        };
        let scores = match source {
            Source::Individual(scores) => Some(scores),
            _ => None,
        };
        let outcomes = super::plan::outcomes_by_application(&plan, &outcome_rows)?;
        let recused = super::plan::recusals(&conflicts);
        // Individual scores are split into those that count and those that do not,
        // by the same rule the aggregate query applies in SQL.
        let mut excluded = Vec::new();
        let scores = match scores {
            None => None,
            Some(all) => {
                let members = panel_store::for_vacancy(conn, &vacancy.id)?;
                let seats = super::plan::seats(&plan, &members)?;
                let none = HashSet::new();
                let mut counting = Vec::with_capacity(all.len());
                for s in all {
                    let method = rules::method("scores.method", &s.method)?;
                    let recused_here = recused.get(&s.application_id).unwrap_or(&none);
                    match standing(&s.assessor, method, &seats, recused_here) {
                        ScoreStanding::Counting => counting.push(s),
                        other => excluded.push((s, other)),
                    }
                }
                Some(counting)
            }
        };
        // Every enumerated value the views read, read loudly here, once.
        for a in &applications {
            rules::application_status(a)?;
        }
        for s in scores.iter().flatten() {
            rules::method("scores.method", &s.method)?;
        }
        for s in &aggregates {
            rules::method("scores.method", &s.method)?;
        }
        for s in &agreed {
            rules::method("agreed_scores.method", &s.method)?;
        }
        let recorded_checks = recorded_checks(checks)?;
        Ok(Board {
            rules: rules::vacancy_rules(&vacancy)?,
            criterion_inputs: rules::criterion_inputs(&criteria)?,
            required_checks: rules::required_checks_of(&vacancy)?,
            recorded_checks,
            criteria,
            applications,
            scores,
            aggregates,
            agreed,
            plan,
            outcomes,
            outcome_rows,
            recused,
            excluded,
            vacancy,
        })
    }

    /// Blind until submitted: what a panel member (not staff) may see. Others'
    /// scores and agreed scores for an (application, method) they have not scored
    /// themself are dropped before anything is built from them; and what does not
    /// count is not theirs to see either.
    pub fn blind_for(mut self, viewer: &str) -> Board {
        let Some(scores) = self.scores.take() else {
            return self;
        };
        let keys: Vec<(&str, crate::domain::Method, &str)> = scores
            .iter()
            .filter_map(|s| {
                Some((
                    s.application_id.as_str(),
                    Method::parse(&s.method)?,
                    s.assessor.as_str(),
                ))
            })
            .collect();
        let visible = blind_visible(viewer, &keys);
        let own: HashSet<(String, String)> = scores
            .iter()
            .filter(|s| s.assessor == viewer)
            .map(|s| (s.application_id.clone(), s.method.clone()))
            .collect();
        let kept: Vec<ScoreRow> = scores
            .into_iter()
            .zip(visible)
            .filter(|(_, v)| *v)
            .map(|(s, _)| s)
            .collect();
        self.agreed
            .retain(|a| own.contains(&(a.application_id.clone(), a.method.clone())));
        self.excluded.clear();
        self.scores = Some(kept);
        self
    }

    /// Each step's outcome for one application, in plan order.
    pub fn outcomes_of(&self, application_id: &str) -> Vec<Outcome> {
        self.outcomes
            .get(application_id)
            .cloned()
            .unwrap_or_else(|| vec![Outcome::Pending; self.plan.steps.len()])
    }

    /// The step index of `key`, or a 422 naming the plan's steps.
    pub fn step_index(&self, key: &str) -> Result<usize, AppError> {
        super::plan::step_index(&self.plan, key)
    }

    pub fn individual_scores(&self) -> &[ScoreRow] {
        self.scores.as_deref().unwrap_or(&[])
    }

    /// The evaluation of every application at step `k` of the plan (its methods and
    /// every earlier step's), in application order.
    pub fn evaluate_step(&self, k: usize) -> Vec<Evaluation> {
        let stage = self.plan.cumulative_methods(k);
        let stage = &stage;
        let rules = &self.rules;
        let criteria = &self.criterion_inputs;
        let mut scores: HashMap<&str, Vec<ScoreInput>> = HashMap::new();
        for s in self.individual_scores() {
            if let Some(method) = Method::parse(&s.method) {
                scores
                    .entry(s.application_id.as_str())
                    .or_default()
                    .push(ScoreInput {
                        criterion_id: s.criterion_id.clone(),
                        method,
                        assessor: s.assessor.clone(),
                        score: s.score,
                    });
            }
        }
        let mut summaries: HashMap<&str, Vec<PairSummary>> = HashMap::new();
        for a in &self.aggregates {
            if let (Some(method), Some(sum), Some(min), Some(max)) =
                (Method::parse(&a.method), a.sum, a.min, a.max)
            {
                summaries
                    .entry(a.application_id.as_str())
                    .or_default()
                    .push(PairSummary {
                        criterion_id: a.criterion_id.clone(),
                        method,
                        count: a.count as u32,
                        sum,
                        min,
                        max,
                    });
            }
        }
        let mut agreed: HashMap<&str, Vec<AgreedScoreInput>> = HashMap::new();
        for a in &self.agreed {
            if let Some(method) = Method::parse(&a.method) {
                agreed
                    .entry(a.application_id.as_str())
                    .or_default()
                    .push(AgreedScoreInput {
                        criterion_id: a.criterion_id.clone(),
                        method,
                        score: a.score,
                    });
            }
        }
        self.applications
            .iter()
            .map(|a| {
                let agreed = agreed.get(a.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                if self.scores.is_some() {
                    let scores = scores.get(a.id.as_str()).map(Vec::as_slice).unwrap_or(&[]);
                    evaluate(rules, criteria, scores, agreed, &declarations_of(a), stage)
                } else {
                    let pairs = summaries
                        .get(a.id.as_str())
                        .map(Vec::as_slice)
                        .unwrap_or(&[]);
                    evaluate_summaries(rules, criteria, pairs, agreed, &declarations_of(a), stage)
                }
            })
            .collect()
    }

    pub fn checks_of(&self, application_id: &str) -> (Vec<CheckKind>, Vec<CheckKind>) {
        // Kinds and statuses were read loudly at load.
        let recorded = self
            .recorded_checks
            .get(application_id)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        outstanding(&self.required_checks, recorded)
    }

    /// The vacancy's criteria ids, in the order the views list them.
    pub fn criterion_ids(&self) -> Vec<&str> {
        self.criteria.iter().map(|c| c.id.as_str()).collect()
    }

    /// Each application's result at step `k`, evaluated now (not read from those kept).
    pub fn step_results(&self, k: usize) -> Vec<StepResult> {
        let ids = self.criterion_ids();
        self.evaluate_step(k)
            .iter()
            .map(|e| StepResult::of(e, &ids))
            .collect()
    }

    pub fn describe(&self, ids: &[String]) -> Vec<CriterionRef> {
        ids.iter()
            .filter_map(|id| self.criteria.iter().find(|c| &c.id == id))
            .map(|c| CriterionRef {
                criterion_id: c.id.clone(),
                description: c.description.clone(),
            })
            .collect()
    }
}
