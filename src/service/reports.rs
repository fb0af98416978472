//! The pipeline report: every vacancy of an org, counted with a fixed handful of
//! aggregate queries whatever the number of applications.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::plan as plans;
use super::rules;
use crate::db::reports as store;
use crate::db::steps::{self as step_store, StepRow};
use crate::db::vacancies as vacancy_store;
use crate::db::DbConnection;
use crate::domain::application::ApplicationStatus;
use crate::domain::checks::{CheckKind, CheckStatus};
use crate::domain::pipeline::step_counts;
use crate::domain::plan::{reached, Outcome, Plan, StepKind};
use crate::domain::vacancy::VacancyStatus;
use crate::domain::Method;
use crate::error::AppError;

#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineReport {
    #[schema(value_type = String, format = DateTime)]
    pub generated_at: String,
    /// Oldest vacancy first.
    pub vacancies: Vec<VacancyPipeline>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VacancyPipeline {
    pub vacancy_id: String,
    pub reference: String,
    pub title: String,
    pub status: VacancyStatus,
    pub total_applications: u64,
    /// Every application status with its count.
    pub applications_by_status: BTreeMap<String, u64>,
    /// Each step of the assessment plan, in order.
    pub steps: Vec<StepPipeline>,
    pub scoring: ScoringPipeline,
    /// Each check the vacancy requires, over applications `shortlisted` or `offered`
    /// (those whose checks are live work): `pending` (not started, in progress or a
    /// concern: not yet clear or waived) and `failed`.
    pub checks_outstanding: BTreeMap<String, CheckCounts>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepPipeline {
    pub key: String,
    pub title: String,
    pub kind: StepKind,
    /// Applications that progressed at every earlier step.
    pub reached: u64,
    /// Those who reached the step, by their outcome at it (`pending`: not decided yet;
    /// `withdrawn`: withdrew while pending or in reserve there). Adds up to `reached`.
    pub outcomes: BTreeMap<String, u64>,
}

/// Scoring progress in score lines (one criterion scored by one assessor).
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoringPipeline {
    pub expected: u64,
    pub received: u64,
    pub by_method: Vec<MethodScoring>,
}

/// For one method: `expected` = for each application that reached the method's step
/// and is not withdrawn, each assessor with a scoring seat for the method (less any
/// with a declared conflict of interest with that applicant) × the criteria assessed
/// by the method; `received` = the lines those assessors recorded for those
/// applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct MethodScoring {
    pub method: Method,
    /// The step that scores the method.
    pub step: String,
    /// Applications that reached the step and are not withdrawn.
    pub applications: u64,
    /// Assessors with a scoring seat for the method.
    pub assessors: u64,
    /// Criteria assessed by the method.
    pub criteria: u64,
    pub expected: u64,
    pub received: u64,
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct CheckCounts {
    pub pending: u64,
    pub failed: u64,
}

/// An application counted one by one: withdrawn, or with a declared conflict.
struct Special {
    vacancy_id: String,
    withdrawn: bool,
    outcomes: Vec<Outcome>,
}

/// `GET /reports/pipeline`: the org's vacancies (optionally in one status).
pub fn pipeline(
    conn: &mut DbConnection,
    org: &str,
    status: Option<VacancyStatus>,
) -> Result<PipelineReport, AppError> {
    let vacancies = vacancy_store::all_for_org(conn, org, status.map(|s| s.as_str()))?;
    let ids: Vec<String> = vacancies.iter().map(|v| v.id.clone()).collect();

    let mut plan_rows: HashMap<String, Vec<StepRow>> = HashMap::new();
    for row in step_store::plans_for_vacancies(conn, &ids)? {
        plan_rows
            .entry(row.vacancy_id.clone())
            .or_default()
            .push(row);
    }
    let plans: HashMap<String, Plan> = vacancies
        .iter()
        .map(|v| {
            let rows = plan_rows.remove(&v.id).unwrap_or_default();
            Ok((v.id.clone(), plans::plan_of(v, &rows)?))
        })
        .collect::<Result<_, AppError>>()?;

    let mut by_status: HashMap<String, BTreeMap<String, u64>> = HashMap::new();
    for (vacancy_id, status, n) in store::status_counts(conn, &ids)? {
        by_status
            .entry(vacancy_id)
            .or_default()
            .insert(status, n as u64);
    }

    // step index → outcome → count, per vacancy
    let mut decided: HashMap<String, Vec<HashMap<Outcome, u64>>> = HashMap::new();
    for (vacancy_id, step_key, outcome, n) in store::outcome_counts(conn, &ids)? {
        let Some(plan) = plans.get(&vacancy_id) else {
            continue;
        };
        let Some(k) = plan.index_of(&step_key) else {
            continue;
        };
        let outcome = rules::stored(Outcome::parse(&outcome), "step_outcomes.outcome", &outcome)?;
        let per_step = decided
            .entry(vacancy_id)
            .or_insert_with(|| vec![HashMap::new(); plan.steps.len()]);
        *per_step[k].entry(outcome).or_default() += n as u64;
    }

    // Withdrawn applications and those with a declared conflict are few: read each.
    let conflicts = store::conflicts(conn, &ids)?;
    let conflicted: Vec<String> = conflicts
        .iter()
        .map(|(a, _)| a.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut specials: HashMap<String, Special> = HashMap::new();
    let mut special_rows =
        store::applications_in_status(conn, &ids, ApplicationStatus::Withdrawn.as_str())?;
    special_rows.extend(store::applications_by_id(conn, &conflicted)?);
    for (id, vacancy_id, status) in special_rows {
        let steps = plans.get(&vacancy_id).map_or(0, |p| p.steps.len());
        specials.insert(
            id,
            Special {
                vacancy_id,
                withdrawn: status == ApplicationStatus::Withdrawn.as_str(),
                outcomes: vec![Outcome::Pending; steps],
            },
        );
    }
    let special_list: Vec<String> = specials.keys().cloned().collect();
    for row in step_store::outcomes_for_applications(conn, &special_list)? {
        let Some(s) = specials.get_mut(&row.application_id) else {
            continue;
        };
        let Some(k) = plans
            .get(&s.vacancy_id)
            .and_then(|p| p.index_of(&row.step_key))
        else {
            continue;
        };
        s.outcomes[k] = rules::stored(
            Outcome::parse(&row.outcome),
            "step_outcomes.outcome",
            &row.outcome,
        )?;
    }
    let mut special_lines: HashMap<(String, String, String), u64> = HashMap::new();
    for (application_id, assessor, method, n) in store::score_lines_of(conn, &special_list)? {
        special_lines.insert((application_id, assessor, method), n as u64);
    }
    let mut recused: HashMap<&str, HashSet<&str>> = HashMap::new();
    for (application_id, user_id) in &conflicts {
        recused
            .entry(application_id.as_str())
            .or_default()
            .insert(user_id.as_str());
    }

    let mut seats: HashMap<(String, String), Vec<String>> = HashMap::new();
    for (vacancy_id, user_id, method) in store::seats(conn, &ids)? {
        seats.entry((vacancy_id, method)).or_default().push(user_id);
    }
    let mut criteria_per_method: HashMap<(String, Method), u64> = HashMap::new();
    for (vacancy_id, methods) in store::criterion_methods(conn, &ids)? {
        for m in rules::methods("criteria.methods", &methods)? {
            *criteria_per_method
                .entry((vacancy_id.clone(), m))
                .or_default() += 1;
        }
    }
    let mut tallies: HashMap<(String, String, String), u64> = HashMap::new();
    for (vacancy_id, assessor, method, lines) in
        crate::db::scores::tallies_for_vacancies(conn, &ids)?
    {
        tallies.insert((vacancy_id, assessor, method), lines.max(0) as u64);
    }

    let live = [
        ApplicationStatus::Shortlisted.as_str(),
        ApplicationStatus::Offered.as_str(),
    ];
    let mut recorded_checks: HashMap<String, HashMap<(CheckKind, CheckStatus), u64>> =
        HashMap::new();
    for (vacancy_id, kind, status, n) in store::check_counts(conn, &ids, &live)? {
        let kind = rules::stored(CheckKind::parse(&kind), "checks.kind", &kind)?;
        let status = rules::stored(CheckStatus::parse(&status), "checks.status", &status)?;
        *recorded_checks
            .entry(vacancy_id)
            .or_default()
            .entry((kind, status))
            .or_default() += n as u64;
    }

    let mut out = Vec::with_capacity(vacancies.len());
    for vacancy in &vacancies {
        let plan = &plans[&vacancy.id];
        let counts = by_status.remove(&vacancy.id).unwrap_or_default();
        let total: u64 = counts.values().sum();
        let mut applications_by_status: BTreeMap<String, u64> = ApplicationStatus::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), 0))
            .collect();
        applications_by_status.extend(counts);
        let mine: Vec<(&String, &Special)> = specials
            .iter()
            .filter(|(_, s)| s.vacancy_id == vacancy.id)
            .collect();
        let withdrawn: Vec<Vec<Outcome>> = mine
            .iter()
            .filter(|(_, s)| s.withdrawn)
            .map(|(_, s)| s.outcomes.clone())
            .collect();
        let decided_here = decided
            .remove(&vacancy.id)
            .unwrap_or_else(|| vec![HashMap::new(); plan.steps.len()]);
        let step_list = step_counts(plan.steps.len(), total, &decided_here, &withdrawn);
        let steps: Vec<StepPipeline> = plan
            .steps
            .iter()
            .zip(&step_list)
            .map(|(step, c)| StepPipeline {
                key: step.key.clone(),
                title: step.title.clone(),
                kind: step.kind,
                reached: c.reached,
                outcomes: c
                    .outcomes
                    .iter()
                    .map(|(k, v)| (k.to_string(), *v))
                    .collect(),
            })
            .collect();

        let mut by_method = Vec::new();
        let mut methods: Vec<Method> = criteria_per_method
            .keys()
            .filter(|(v, _)| *v == vacancy.id)
            .map(|(_, m)| *m)
            .collect();
        methods.sort();
        for method in methods {
            let Some(k) = plan.step_of_method(method) else {
                continue;
            };
            let criteria = criteria_per_method[&(vacancy.id.clone(), method)];
            let empty = Vec::new();
            let seated = seats
                .get(&(vacancy.id.clone(), method.as_str().to_string()))
                .unwrap_or(&empty);
            let reached_k = step_list[k].reached;
            // Applications counted in bulk: every one that reached the step, less the
            // special ones (counted one by one below).
            let special_reached =
                mine.iter().filter(|(_, s)| reached(&s.outcomes, k)).count() as u64;
            let bulk = reached_k.saturating_sub(special_reached);
            let mut expected = bulk * seated.len() as u64 * criteria;
            let mut received: u64 = 0;
            let mut applications = bulk;
            for assessor in seated {
                let all = tallies
                    .get(&(
                        vacancy.id.clone(),
                        assessor.clone(),
                        method.as_str().to_string(),
                    ))
                    .copied()
                    .unwrap_or(0);
                let in_specials: u64 = mine
                    .iter()
                    .map(|(id, _)| {
                        special_lines
                            .get(&((*id).clone(), assessor.clone(), method.as_str().to_string()))
                            .copied()
                            .unwrap_or(0)
                    })
                    .sum();
                received += all.saturating_sub(in_specials);
            }
            for (id, s) in &mine {
                if s.withdrawn || !reached(&s.outcomes, k) {
                    continue;
                }
                applications += 1;
                let none = HashSet::new();
                let out = recused.get(id.as_str()).unwrap_or(&none);
                for assessor in seated.iter().filter(|a| !out.contains(a.as_str())) {
                    expected += criteria;
                    received += special_lines
                        .get(&((*id).clone(), assessor.clone(), method.as_str().to_string()))
                        .copied()
                        .unwrap_or(0);
                }
            }
            by_method.push(MethodScoring {
                method,
                step: plan.steps[k].key.clone(),
                applications,
                assessors: seated.len() as u64,
                criteria,
                expected,
                received,
            });
        }

        let live_count: u64 = live
            .iter()
            .map(|s| applications_by_status.get(*s).copied().unwrap_or(0))
            .sum();
        let recorded = recorded_checks.remove(&vacancy.id).unwrap_or_default();
        let mut checks_outstanding = BTreeMap::new();
        for kind in rules::required_checks_of(vacancy)? {
            let of = |pred: &dyn Fn(CheckStatus) -> bool| -> u64 {
                recorded
                    .iter()
                    .filter(|((k, s), _)| *k == kind && pred(*s))
                    .map(|(_, n)| *n)
                    .sum()
            };
            let failed = of(&|s| s == CheckStatus::Failed);
            let settled = of(&|s| s.is_settled());
            checks_outstanding.insert(
                kind.as_str().to_string(),
                CheckCounts {
                    pending: live_count.saturating_sub(settled + failed),
                    failed,
                },
            );
        }

        out.push(VacancyPipeline {
            vacancy_id: vacancy.id.clone(),
            reference: vacancy.reference.clone(),
            title: vacancy.title.clone(),
            status: rules::vacancy_status(vacancy)?,
            total_applications: total,
            applications_by_status,
            steps,
            scoring: ScoringPipeline {
                expected: by_method.iter().map(|m| m.expected).sum(),
                received: by_method.iter().map(|m| m.received).sum(),
                by_method,
            },
            checks_outstanding,
        });
    }
    Ok(PipelineReport {
        generated_at: crate::db::now_text(),
        vacancies: out,
    })
}
