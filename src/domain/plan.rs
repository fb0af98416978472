//! The assessment plan (ordered steps), progress through it, and who may score what
//! and whose scores count (process.md).

use std::collections::{BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::application::ApplicationStatus;
use super::evaluation::{Evaluation, Recommendation};
use super::{FieldError, Method};

pub const DEFAULT_FIRST_STEP: &str = "shortlisting";
pub const DEFAULT_LAST_STEP: &str = "final";
pub const MAX_STEPS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Sift,
    Test,
    Presentation,
    Interview,
    Other,
}

impl StepKind {
    pub const ALL: [StepKind; 5] = [
        StepKind::Sift,
        StepKind::Test,
        StepKind::Presentation,
        StepKind::Interview,
        StepKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::Sift => "sift",
            StepKind::Test => "test",
            StepKind::Presentation => "presentation",
            StepKind::Interview => "interview",
            StepKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A proposal only: people decide, and the proposal is shown beside each entry.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CutOff {
    /// Propose the top N ranks (ties at the cut included).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top: Option<u32>,
    /// Propose everyone recommended at or above this percentage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_percentage: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Step {
    pub key: String,
    pub title: String,
    pub kind: StepKind,
    pub methods: Vec<Method>,
    pub cut_off: Option<CutOff>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub steps: Vec<Step>,
    /// No plan was stored: the two stages every vacancy had before plans existed.
    pub is_default: bool,
}

/// `shortlisting` (the vacancy's shortlisting methods) then `final` (every other
/// method), so `?stage=shortlisting|final` keeps its meaning.
pub fn default_plan(shortlisting_methods: &[Method]) -> Plan {
    let sift: Vec<Method> = Method::ALL
        .into_iter()
        .filter(|m| shortlisting_methods.contains(m))
        .collect();
    let rest: Vec<Method> = Method::ALL
        .into_iter()
        .filter(|m| !shortlisting_methods.contains(m))
        .collect();
    Plan {
        steps: vec![
            Step {
                key: DEFAULT_FIRST_STEP.into(),
                title: "Shortlisting".into(),
                kind: StepKind::Sift,
                methods: sift,
                cut_off: None,
            },
            Step {
                key: DEFAULT_LAST_STEP.into(),
                title: "Final assessment".into(),
                kind: StepKind::Interview,
                methods: rest,
                cut_off: None,
            },
        ],
        is_default: true,
    }
}

impl Plan {
    pub fn index_of(&self, key: &str) -> Option<usize> {
        self.steps.iter().position(|s| s.key == key)
    }

    pub fn last_index(&self) -> usize {
        self.steps.len().saturating_sub(1)
    }

    /// The methods that count at step `k`: its own and every earlier step's.
    pub fn cumulative_methods(&self, k: usize) -> Vec<Method> {
        let mut methods: Vec<Method> = self
            .steps
            .iter()
            .take(k + 1)
            .flat_map(|s| s.methods.iter().copied())
            .collect();
        methods.sort();
        methods.dedup();
        methods
    }

    /// The step a method is scored at.
    pub fn step_of_method(&self, method: Method) -> Option<usize> {
        self.steps.iter().position(|s| s.methods.contains(&method))
    }

    /// Guaranteed-interview applicants are protected at every step before the first
    /// interview; with no interview step, at the first step.
    pub fn protects_guaranteed_interview(&self, k: usize) -> bool {
        match self
            .steps
            .iter()
            .position(|s| s.kind == StepKind::Interview)
        {
            Some(first_interview) => k < first_interview,
            None => k == 0,
        }
    }

    /// The methods a panel member may score: those of their steps (every step when
    /// they are not limited).
    pub fn seat_methods(&self, steps: Option<&[String]>) -> Vec<Method> {
        let mut methods: Vec<Method> = self
            .steps
            .iter()
            .filter(|s| steps.is_none_or(|keys| keys.iter().any(|k| k == &s.key)))
            .flat_map(|s| s.methods.iter().copied())
            .collect();
        methods.sort();
        methods.dedup();
        methods
    }
}

/// A plan proposed for the methods a specification uses: a sift (application form and
/// documents), then a test, then an interview (with any presentation). Steps with no
/// method are left out; an empty specification gets a single sift.
pub fn propose_plan(used: &BTreeSet<Method>) -> Vec<Step> {
    let pick = |methods: &[Method]| -> Vec<Method> {
        methods
            .iter()
            .copied()
            .filter(|m| used.contains(m))
            .collect()
    };
    let mut steps = Vec::new();
    let sift = pick(&[Method::Application, Method::Documents]);
    if !sift.is_empty() || used.is_empty() {
        steps.push(Step {
            key: "sift".into(),
            title: "Sift of applications".into(),
            kind: StepKind::Sift,
            methods: if sift.is_empty() {
                vec![Method::Application]
            } else {
                sift
            },
            cut_off: None,
        });
    }
    let test = pick(&[Method::Test]);
    if !test.is_empty() {
        steps.push(Step {
            key: "test".into(),
            title: "Test".into(),
            kind: StepKind::Test,
            methods: test,
            cut_off: None,
        });
    }
    let interview = pick(&[Method::Interview, Method::Presentation]);
    if !interview.is_empty() {
        steps.push(Step {
            key: "interview".into(),
            title: if interview.contains(&Method::Presentation) {
                "Presentation and interview".into()
            } else {
                "Interview".into()
            },
            kind: StepKind::Interview,
            methods: interview,
            cut_off: None,
        });
    }
    steps
}

fn is_slug(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        && key.starts_with(|c: char| c.is_ascii_lowercase())
}

/// Checks a plan against the methods the person specification uses: keys are unique
/// slugs, each method belongs to at most one step, and every method the specification
/// uses belongs to exactly one.
pub fn validate_plan(steps: &[Step], spec_methods: &BTreeSet<Method>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if steps.is_empty() {
        errors.push(FieldError::new("steps", "a plan has at least one step"));
    }
    if steps.len() > MAX_STEPS {
        errors.push(FieldError::new(
            "steps",
            format!("a plan has at most {MAX_STEPS} steps"),
        ));
    }
    let mut keys = HashSet::new();
    let mut owner: HashMap<Method, usize> = HashMap::new();
    for (i, step) in steps.iter().enumerate() {
        if !is_slug(&step.key) {
            errors.push(FieldError::new(
                format!("steps[{i}].key"),
                "must be a slug: lower-case letters, digits, '_' or '-', starting with a letter, at most 40 characters",
            ));
        } else if !keys.insert(step.key.as_str()) {
            errors.push(FieldError::new(
                format!("steps[{i}].key"),
                format!("'{}' is used by an earlier step", step.key),
            ));
        }
        let title = step.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors.push(FieldError::new(
                format!("steps[{i}].title"),
                "must be 1 to 200 characters",
            ));
        }
        let mut seen = HashSet::new();
        for method in &step.methods {
            if !seen.insert(*method) {
                errors.push(FieldError::new(
                    format!("steps[{i}].methods"),
                    format!("lists {} twice", method.as_str()),
                ));
            } else if let Some(&first) = owner.get(method) {
                errors.push(FieldError::new(
                    format!("steps[{i}].methods"),
                    format!(
                        "{} is already scored at step '{}': a method belongs to one step",
                        method.as_str(),
                        steps[first].key
                    ),
                ));
            } else {
                owner.insert(*method, i);
            }
        }
        if let Some(cut) = step.cut_off {
            match (cut.top, cut.min_percentage) {
                (Some(0), _) => errors.push(FieldError::new(
                    format!("steps[{i}].cut_off.top"),
                    "must be at least 1",
                )),
                (None, Some(p)) if !(0.0..=100.0).contains(&p) || p.is_nan() => {
                    errors.push(FieldError::new(
                        format!("steps[{i}].cut_off.min_percentage"),
                        "must be between 0 and 100",
                    ))
                }
                (Some(_), Some(_)) | (None, None) => errors.push(FieldError::new(
                    format!("steps[{i}].cut_off"),
                    "give exactly one of top or min_percentage",
                )),
                _ => {}
            }
        }
    }
    for method in spec_methods {
        if !owner.contains_key(method) {
            errors.push(FieldError::new(
                "steps",
                format!(
                    "the person specification assesses by {} but no step scores it",
                    method.as_str()
                ),
            ));
        }
    }
    errors
}

// ---------------------------------------------------------------------------------------
// Progress through the steps
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pending,
    Progressed,
    NotProgressed,
    Reserve,
    NoShow,
    Withdrawn,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Pending,
        Outcome::Progressed,
        Outcome::NotProgressed,
        Outcome::Reserve,
        Outcome::NoShow,
        Outcome::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Progressed => "progressed",
            Outcome::NotProgressed => "not_progressed",
            Outcome::Reserve => "reserve",
            Outcome::NoShow => "no_show",
            Outcome::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// The applicant goes no further from this step.
    pub fn stops(self) -> bool {
        matches!(
            self,
            Outcome::NotProgressed | Outcome::NoShow | Outcome::Withdrawn
        )
    }
}

/// What a step decision may record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StepDecision {
    Progressed,
    NotProgressed,
    Reserve,
    NoShow,
}

impl StepDecision {
    pub fn outcome(self) -> Outcome {
        match self {
            StepDecision::Progressed => Outcome::Progressed,
            StepDecision::NotProgressed => Outcome::NotProgressed,
            StepDecision::Reserve => Outcome::Reserve,
            StepDecision::NoShow => Outcome::NoShow,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    MeetsCriteria,
    HigherScore,
    UnmetEssential,
    LowerScore,
    CutOff,
    NoShow,
    Withdrew,
    Other,
}

impl ReasonCode {
    pub const ALL: [ReasonCode; 8] = [
        ReasonCode::MeetsCriteria,
        ReasonCode::HigherScore,
        ReasonCode::UnmetEssential,
        ReasonCode::LowerScore,
        ReasonCode::CutOff,
        ReasonCode::NoShow,
        ReasonCode::Withdrew,
        ReasonCode::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::MeetsCriteria => "meets_criteria",
            ReasonCode::HigherScore => "higher_score",
            ReasonCode::UnmetEssential => "unmet_essential",
            ReasonCode::LowerScore => "lower_score",
            ReasonCode::CutOff => "cut_off",
            ReasonCode::NoShow => "no_show",
            ReasonCode::Withdrew => "withdrew",
            ReasonCode::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<ReasonCode> {
        ReasonCode::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Comparative reasons: not progressing someone who meets every essential because
    /// others scored higher, or below a cut-off, is the ordinary case, not an override.
    pub fn is_comparative(self) -> bool {
        matches!(self, ReasonCode::LowerScore | ReasonCode::CutOff)
    }
}

/// The step an application is at: the first step it has not progressed past (the
/// last step once every step is progressed). `outcomes[k]` is step k's outcome.
pub fn current_step(outcomes: &[Outcome]) -> usize {
    outcomes
        .iter()
        .position(|o| *o != Outcome::Progressed)
        .unwrap_or(outcomes.len().saturating_sub(1))
}

/// Whether the application has reached step `k`: every earlier step progressed.
pub fn reached(outcomes: &[Outcome], k: usize) -> bool {
    outcomes.iter().take(k).all(|o| *o == Outcome::Progressed)
}

/// Everything a step decision on one application is judged by.
#[derive(Debug, Clone, PartialEq)]
pub struct StepDecisionContext {
    pub step: usize,
    pub last_step: usize,
    pub decision: StepDecision,
    pub reason_code: ReasonCode,
    pub has_override_reason: bool,
    pub status: ApplicationStatus,
    /// The recorded outcome of every step, in plan order.
    pub outcomes: Vec<Outcome>,
    /// Opted in to the guaranteed interview scheme (and the vacancy runs it).
    pub guaranteed_interview: bool,
    /// Step `step` is before the plan's first interview.
    pub protects_guaranteed_interview: bool,
    /// No unmet and no pending essential at this step (cumulative).
    pub meets_so_far: bool,
    pub is_sift: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRefusal {
    /// 409: the application is not at this step, or is past deciding.
    NotDecidable(String),
    /// 409: a guaranteed-interview applicant who meets the essentials goes on.
    GuaranteedInterview,
    /// 422: the decision goes against the evaluation and needs a stated override.
    OverrideReasonRequired,
    /// 422: `no_show` is for steps the applicant attends.
    NoShowAtSift,
}

/// Whether a re-decision of a step is a reinstatement (an appeal upheld).
pub fn is_reinstatement(previous: Outcome, decision: StepDecision) -> bool {
    matches!(previous, Outcome::NotProgressed | Outcome::NoShow)
        && matches!(decision, StepDecision::Progressed | StepDecision::Reserve)
}

/// Why a step decision may not be recorded, or `None`.
pub fn step_decision_refusal(c: &StepDecisionContext) -> Option<StepRefusal> {
    use ApplicationStatus::*;
    let previous = c.outcomes.get(c.step).copied().unwrap_or(Outcome::Pending);
    if !reached(&c.outcomes, c.step) {
        return Some(StepRefusal::NotDecidable(
            "has not progressed through every earlier step".into(),
        ));
    }
    if c.outcomes
        .iter()
        .skip(c.step + 1)
        .any(|o| *o != Outcome::Pending)
    {
        return Some(StepRefusal::NotDecidable(
            "already has an outcome at a later step: reopen that step first".into(),
        ));
    }
    let reinstating = is_reinstatement(previous, c.decision);
    match previous {
        Outcome::Pending => {}
        Outcome::Reserve if c.decision != StepDecision::Reserve => {}
        _ if reinstating => {}
        Outcome::Withdrawn => {
            return Some(StepRefusal::NotDecidable("withdrew".into()));
        }
        other => {
            return Some(StepRefusal::NotDecidable(format!(
                "is already {} at this step: reopen it first to change that",
                other.as_str()
            )));
        }
    }
    let status_ok = match c.status {
        Submitted | Shortlisted => !reinstating,
        NotShortlisted | Unsuccessful => reinstating,
        Offered | Appointed | OfferWithdrawn | Withdrawn => false,
    };
    if !status_ok {
        return Some(StepRefusal::NotDecidable(format!(
            "is {}",
            c.status.as_str()
        )));
    }
    if c.decision == StepDecision::NoShow && c.is_sift {
        return Some(StepRefusal::NoShowAtSift);
    }
    if c.guaranteed_interview
        && c.meets_so_far
        && c.protects_guaranteed_interview
        && matches!(
            c.decision,
            StepDecision::NotProgressed | StepDecision::Reserve
        )
    {
        return Some(StepRefusal::GuaranteedInterview);
    }
    let against_evaluation = match c.decision {
        StepDecision::Progressed => !c.meets_so_far,
        StepDecision::NotProgressed => c.meets_so_far && !c.reason_code.is_comparative(),
        StepDecision::Reserve | StepDecision::NoShow => false,
    };
    if against_evaluation && !c.has_override_reason {
        return Some(StepRefusal::OverrideReasonRequired);
    }
    None
}

/// The application status a step decision leaves: the first step is shortlisting
/// (`shortlisted` / `not_shortlisted`, a reserve still `submitted`); a later step
/// keeps `shortlisted` or ends in `unsuccessful`.
pub fn status_after(step: usize, decision: StepDecision) -> ApplicationStatus {
    use ApplicationStatus::*;
    match (step, decision) {
        (0, StepDecision::Progressed) => Shortlisted,
        (0, StepDecision::NotProgressed | StepDecision::NoShow) => NotShortlisted,
        (0, StepDecision::Reserve) => Submitted,
        (_, StepDecision::Progressed | StepDecision::Reserve) => Shortlisted,
        (_, StepDecision::NotProgressed | StepDecision::NoShow) => Unsuccessful,
    }
}

/// The status an application returns to when step `step` is reopened for it.
pub fn status_after_reopen(step: usize) -> ApplicationStatus {
    if step == 0 {
        ApplicationStatus::Submitted
    } else {
        ApplicationStatus::Shortlisted
    }
}

/// Why step `step` may not be reopened for an application, or `None`.
pub fn reopen_refusal(
    step: usize,
    outcomes: &[Outcome],
    status: ApplicationStatus,
    sift_names_revealed: bool,
) -> Option<String> {
    let current = outcomes.get(step).copied().unwrap_or(Outcome::Pending);
    if matches!(current, Outcome::Pending | Outcome::Withdrawn) {
        return Some("has no outcome at this step to reopen".into());
    }
    if outcomes
        .iter()
        .skip(step + 1)
        .any(|o| *o != Outcome::Pending)
    {
        return Some("has an outcome at a later step: reopen that step first".into());
    }
    if matches!(
        status,
        ApplicationStatus::Offered
            | ApplicationStatus::Appointed
            | ApplicationStatus::OfferWithdrawn
            | ApplicationStatus::Withdrawn
    ) {
        return Some(format!("is {}", status.as_str()));
    }
    if step == 0 && sift_names_revealed {
        return Some(
            "was shortlisted anonymously and names are now revealed: the sift cannot be reopened"
                .into(),
        );
    }
    None
}

/// One ranked row, as a cut-off proposal needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct CutOffRow {
    pub rank: Option<u32>,
    pub recommendation: Recommendation,
    pub percentage: f64,
    pub guaranteed_interview: bool,
}

/// Whether each row falls within the step's cut-off (a proposal: people decide).
/// Guaranteed-interview applicants are within it at a protected step.
pub fn within_cut_off(cut: &CutOff, rows: &[CutOffRow], protects: bool) -> Vec<bool> {
    rows.iter()
        .map(|r| {
            if protects && r.guaranteed_interview {
                return true;
            }
            if r.recommendation != Recommendation::Shortlist {
                return false;
            }
            match (cut.top, cut.min_percentage) {
                (Some(top), _) => r.rank.is_some_and(|rank| rank <= top),
                (None, Some(p)) => r.percentage >= p,
                (None, None) => true,
            }
        })
        .collect()
}

/// No unmet and no pending essential in this evaluation.
pub fn meets_so_far(e: &Evaluation) -> bool {
    e.unmet_essentials.is_empty() && e.pending_essentials.is_empty()
}

// ---------------------------------------------------------------------------------------
// Whose scores count, and who may see them
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScoreStanding {
    Counting,
    /// The assessor is no longer on the panel, or no longer sits on this method's step.
    Excluded,
    /// The assessor declared a conflict of interest with this applicant.
    Recused,
}

/// Whether a score counts: its assessor holds a seat for its method (on the panel, at
/// that step) and has not declared a conflict with the applicant.
pub fn standing(
    assessor: &str,
    method: Method,
    seats: &HashMap<String, Vec<Method>>,
    recused: &HashSet<String>,
) -> ScoreStanding {
    if recused.contains(assessor) {
        ScoreStanding::Recused
    } else if seats.get(assessor).is_some_and(|m| m.contains(&method)) {
        ScoreStanding::Counting
    } else {
        ScoreStanding::Excluded
    }
}

/// Blind until submitted: which of `scores` (application, method, assessor) a viewer
/// who is only a panel member may see. Their own always; another's only once they have
/// scored that application by that method themself.
pub fn blind_visible(viewer: &str, scores: &[(&str, Method, &str)]) -> Vec<bool> {
    let own: HashSet<(&str, Method)> = scores
        .iter()
        .filter(|(_, _, assessor)| *assessor == viewer)
        .map(|(application, method, _)| (*application, *method))
        .collect();
    scores
        .iter()
        .map(|(application, method, _)| own.contains(&(*application, *method)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evaluation::{
        evaluate, AgreedScoreInput, CriterionInput, Declarations, ScoreInput, Stage, VacancyRules,
    };
    use crate::domain::Requirement;
    use proptest::prelude::*;

    fn step(key: &str, kind: StepKind, methods: &[Method]) -> Step {
        Step {
            key: key.into(),
            title: key.into(),
            kind,
            methods: methods.to_vec(),
            cut_off: None,
        }
    }

    fn seed_004_plan() -> Plan {
        Plan {
            steps: vec![
                step("sift", StepKind::Sift, &[Method::Application]),
                step("test", StepKind::Test, &[Method::Test]),
                step(
                    "interview",
                    StepKind::Interview,
                    &[Method::Interview, Method::Presentation],
                ),
            ],
            is_default: false,
        }
    }

    #[test]
    fn a_proposed_plan_covers_every_method_used_once() {
        let used: BTreeSet<Method> = [
            Method::Application,
            Method::Test,
            Method::Interview,
            Method::Documents,
        ]
        .into_iter()
        .collect();
        let steps = propose_plan(&used);
        let keys: Vec<&str> = steps.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(keys, vec!["sift", "test", "interview"]);
        assert!(validate_plan(&steps, &used).is_empty());
        assert_eq!(propose_plan(&BTreeSet::new()).len(), 1);
        let only_interview: BTreeSet<Method> = [Method::Interview].into_iter().collect();
        assert_eq!(propose_plan(&only_interview)[0].key, "interview");
    }

    proptest! {
        #[test]
        fn proposed_plans_are_valid(used in proptest::sample::subsequence(Method::ALL.to_vec(), 0..=5)) {
            let used: BTreeSet<Method> = used.into_iter().collect();
            prop_assert!(validate_plan(&propose_plan(&used), &used).is_empty());
        }
    }

    #[test]
    fn the_default_plan_is_the_two_stages() {
        let plan = default_plan(&[Method::Application, Method::Test]);
        assert_eq!(plan.steps[0].key, "shortlisting");
        assert_eq!(plan.steps[1].key, "final");
        assert_eq!(
            plan.cumulative_methods(0),
            vec![Method::Application, Method::Test]
        );
        assert_eq!(plan.cumulative_methods(1), Method::ALL.to_vec());
        assert!(plan.protects_guaranteed_interview(0));
        assert!(!plan.protects_guaranteed_interview(1));
    }

    #[test]
    fn every_method_of_the_spec_needs_exactly_one_step() {
        let spec: BTreeSet<Method> = [Method::Application, Method::Interview, Method::Documents]
            .into_iter()
            .collect();
        let steps = vec![
            step("sift", StepKind::Sift, &[Method::Application]),
            step(
                "interview",
                StepKind::Interview,
                &[Method::Interview, Method::Application],
            ),
        ];
        let errors = validate_plan(&steps, &spec);
        let text = format!("{errors:?}");
        assert!(
            text.contains("application is already scored at step 'sift'"),
            "{text}"
        );
        assert!(text.contains("assesses by documents"), "{text}");
        assert_eq!(errors.len(), 2);
    }

    #[test]
    fn keys_are_unique_slugs_and_cut_offs_name_one_rule() {
        let mut steps = vec![
            step("Sift!", StepKind::Sift, &[]),
            step("b", StepKind::Test, &[]),
            step("b", StepKind::Test, &[]),
        ];
        steps[1].cut_off = Some(CutOff {
            top: Some(3),
            min_percentage: Some(50.0),
        });
        let errors = validate_plan(&steps, &BTreeSet::new());
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["steps[0].key", "steps[1].cut_off", "steps[2].key"]
        );
        assert!(!validate_plan(&[], &BTreeSet::new()).is_empty());
    }

    #[test]
    fn seats_follow_step_limits() {
        let plan = seed_004_plan();
        assert_eq!(
            plan.seat_methods(Some(&["interview".to_string()])),
            vec![Method::Interview, Method::Presentation]
        );
        assert_eq!(plan.seat_methods(None).len(), 4);
        assert_eq!(plan.step_of_method(Method::Test), Some(1));
        assert!(plan.protects_guaranteed_interview(1));
        assert!(!plan.protects_guaranteed_interview(2));
    }

    #[test]
    fn the_current_step_is_the_first_not_progressed() {
        use Outcome::*;
        assert_eq!(current_step(&[Pending, Pending, Pending]), 0);
        assert_eq!(current_step(&[Progressed, Reserve, Pending]), 1);
        assert_eq!(current_step(&[Progressed, Progressed, Progressed]), 2);
        assert!(reached(&[Progressed, Pending, Pending], 1));
        assert!(!reached(&[Reserve, Pending, Pending], 1));
    }

    fn context(decision: StepDecision) -> StepDecisionContext {
        StepDecisionContext {
            step: 0,
            last_step: 2,
            decision,
            reason_code: ReasonCode::MeetsCriteria,
            has_override_reason: false,
            status: ApplicationStatus::Submitted,
            outcomes: vec![Outcome::Pending; 3],
            guaranteed_interview: false,
            protects_guaranteed_interview: true,
            meets_so_far: true,
            is_sift: true,
        }
    }

    #[test]
    fn decisions_against_the_evaluation_need_an_override() {
        let mut c = context(StepDecision::NotProgressed);
        assert_eq!(
            step_decision_refusal(&c),
            Some(StepRefusal::OverrideReasonRequired)
        );
        c.reason_code = ReasonCode::LowerScore;
        assert_eq!(step_decision_refusal(&c), None);
        let mut c = context(StepDecision::Progressed);
        c.meets_so_far = false;
        assert_eq!(
            step_decision_refusal(&c),
            Some(StepRefusal::OverrideReasonRequired)
        );
        c.has_override_reason = true;
        assert_eq!(step_decision_refusal(&c), None);
    }

    #[test]
    fn guaranteed_interview_holds_until_the_first_interview() {
        let mut c = context(StepDecision::NotProgressed);
        c.guaranteed_interview = true;
        c.has_override_reason = true;
        c.reason_code = ReasonCode::LowerScore;
        assert_eq!(
            step_decision_refusal(&c),
            Some(StepRefusal::GuaranteedInterview)
        );
        c.decision = StepDecision::Reserve;
        assert_eq!(
            step_decision_refusal(&c),
            Some(StepRefusal::GuaranteedInterview)
        );
        c.protects_guaranteed_interview = false;
        assert_eq!(step_decision_refusal(&c), None);
        // Not meeting the essentials: no guarantee.
        let mut c = context(StepDecision::NotProgressed);
        c.guaranteed_interview = true;
        c.meets_so_far = false;
        assert_eq!(step_decision_refusal(&c), None);
    }

    #[test]
    fn steps_are_decided_in_order_and_once() {
        use Outcome::*;
        let mut c = context(StepDecision::Progressed);
        c.step = 1;
        assert!(matches!(
            step_decision_refusal(&c),
            Some(StepRefusal::NotDecidable(_))
        ));
        c.outcomes = vec![Progressed, Pending, Pending];
        c.status = ApplicationStatus::Shortlisted;
        c.is_sift = false;
        assert_eq!(step_decision_refusal(&c), None);
        c.outcomes = vec![Progressed, Progressed, Pending];
        assert!(matches!(
            step_decision_refusal(&c),
            Some(StepRefusal::NotDecidable(_))
        ));
        // A reserve may be progressed later.
        c.outcomes = vec![Progressed, Reserve, Pending];
        assert_eq!(step_decision_refusal(&c), None);
        // Reinstatement on appeal: from not_progressed (status unsuccessful).
        c.outcomes = vec![Progressed, NotProgressed, Pending];
        c.status = ApplicationStatus::Unsuccessful;
        assert_eq!(step_decision_refusal(&c), None);
        c.decision = StepDecision::NotProgressed;
        assert!(matches!(
            step_decision_refusal(&c),
            Some(StepRefusal::NotDecidable(_))
        ));
        // Offered or withdrawn: nothing more to decide.
        c.decision = StepDecision::Progressed;
        c.status = ApplicationStatus::Withdrawn;
        assert!(matches!(
            step_decision_refusal(&c),
            Some(StepRefusal::NotDecidable(_))
        ));
    }

    #[test]
    fn no_show_is_for_steps_attended() {
        let c = context(StepDecision::NoShow);
        assert_eq!(step_decision_refusal(&c), Some(StepRefusal::NoShowAtSift));
    }

    #[test]
    fn reopening_goes_back_one_step_at_a_time() {
        use Outcome::*;
        let s = ApplicationStatus::Shortlisted;
        assert!(reopen_refusal(0, &[Progressed, Progressed, Pending], s, false).is_some());
        assert!(reopen_refusal(1, &[Progressed, Progressed, Pending], s, false).is_none());
        assert!(reopen_refusal(2, &[Progressed, Progressed, Pending], s, false).is_some());
        assert!(reopen_refusal(0, &[Progressed, Pending, Pending], s, true).is_some());
        assert!(reopen_refusal(
            0,
            &[Progressed, Pending, Pending],
            ApplicationStatus::Offered,
            false
        )
        .is_some());
    }

    #[test]
    fn status_follows_the_step() {
        assert_eq!(
            status_after(0, StepDecision::Progressed),
            ApplicationStatus::Shortlisted
        );
        assert_eq!(
            status_after(0, StepDecision::Reserve),
            ApplicationStatus::Submitted
        );
        assert_eq!(
            status_after(2, StepDecision::NoShow),
            ApplicationStatus::Unsuccessful
        );
        assert_eq!(
            status_after(1, StepDecision::Reserve),
            ApplicationStatus::Shortlisted
        );
    }

    #[test]
    fn cut_offs_propose_and_never_drop_a_protected_guarantee() {
        let rows = vec![
            CutOffRow {
                rank: Some(1),
                recommendation: Recommendation::Shortlist,
                percentage: 80.0,
                guaranteed_interview: false,
            },
            CutOffRow {
                rank: Some(2),
                recommendation: Recommendation::Shortlist,
                percentage: 60.0,
                guaranteed_interview: false,
            },
            CutOffRow {
                rank: Some(2),
                recommendation: Recommendation::Shortlist,
                percentage: 60.0,
                guaranteed_interview: true,
            },
            CutOffRow {
                rank: Some(4),
                recommendation: Recommendation::Shortlist,
                percentage: 50.0,
                guaranteed_interview: true,
            },
            CutOffRow {
                rank: None,
                recommendation: Recommendation::Reject,
                percentage: 90.0,
                guaranteed_interview: false,
            },
        ];
        let top = CutOff {
            top: Some(1),
            min_percentage: None,
        };
        assert_eq!(
            within_cut_off(&top, &rows, true),
            vec![true, false, true, true, false]
        );
        assert_eq!(
            within_cut_off(&top, &rows, false),
            vec![true, false, false, false, false]
        );
        let pct = CutOff {
            top: None,
            min_percentage: Some(60.0),
        };
        assert_eq!(
            within_cut_off(&pct, &rows, false),
            vec![true, true, true, false, false]
        );
    }

    #[test]
    fn blind_until_ones_own_sheet() {
        let scores = [
            ("a1", Method::Application, "ann"),
            ("a1", Method::Application, "bob"),
            ("a1", Method::Interview, "bob"),
            ("a2", Method::Application, "bob"),
        ];
        assert_eq!(
            blind_visible("ann", &scores),
            vec![true, true, false, false]
        );
        assert_eq!(blind_visible("bob", &scores), vec![true; 4]);
        assert_eq!(blind_visible("cat", &scores), vec![false; 4]);
    }

    // -----------------------------------------------------------------------------
    // Properties
    // -----------------------------------------------------------------------------

    fn methods_strategy() -> impl Strategy<Value = Vec<Method>> {
        proptest::sample::subsequence(Method::ALL.to_vec(), 1..=3)
    }

    fn plan_strategy() -> impl Strategy<Value = Plan> {
        // A random partition of the five methods into 1..=4 ordered steps.
        proptest::collection::vec(0usize..4, 5).prop_map(|owners| {
            let mut steps: Vec<Step> = (0..4)
                .map(|i| step(&format!("s{i}"), StepKind::Other, &[]))
                .collect();
            for (method, owner) in Method::ALL.into_iter().zip(owners) {
                steps[owner].methods.push(method);
            }
            steps.retain(|s| !s.methods.is_empty());
            Plan {
                steps,
                is_default: false,
            }
        })
    }

    fn scenario_strategy(
    ) -> impl Strategy<Value = (Vec<CriterionInput>, Vec<ScoreInput>, Vec<AgreedScoreInput>)> {
        let criteria =
            proptest::collection::vec((any::<bool>(), methods_strategy(), 1i32..4), 1..5).prop_map(
                |rows| {
                    rows.into_iter()
                        .enumerate()
                        .map(|(i, (essential, methods, weight))| CriterionInput {
                            id: format!("c{i}"),
                            requirement: if essential {
                                Requirement::Essential
                            } else {
                                Requirement::Desirable
                            },
                            methods,
                            weight,
                            alternative_group: None,
                            position: i as i32,
                        })
                        .collect::<Vec<_>>()
                },
            );
        criteria.prop_flat_map(|criteria| {
            let pairs: Vec<(String, Method)> = criteria
                .iter()
                .flat_map(|c| c.methods.iter().map(move |m| (c.id.clone(), *m)))
                .collect();
            let n = pairs.len();
            let scores = proptest::collection::vec(
                (
                    0..n,
                    proptest::sample::select(vec!["ann", "bob", "cat", "dan"]),
                    0i32..=3,
                ),
                0..12,
            );
            let agreed = proptest::collection::vec((0..n, 0i32..=3), 0..2);
            (Just(criteria), Just(pairs), scores, agreed).prop_map(
                |(criteria, pairs, scores, agreed)| {
                    let scores = scores
                        .into_iter()
                        .map(|(p, who, score)| ScoreInput {
                            criterion_id: pairs[p].0.clone(),
                            method: pairs[p].1,
                            assessor: who.into(),
                            score,
                        })
                        .collect();
                    let agreed = agreed
                        .into_iter()
                        .map(|(p, score)| AgreedScoreInput {
                            criterion_id: pairs[p].0.clone(),
                            method: pairs[p].1,
                            score,
                        })
                        .collect();
                    (criteria, scores, agreed)
                },
            )
        })
    }

    proptest! {
        /// Evaluation at step k equals the evaluation of the specification restricted
        /// to the methods of steps 1..k (criteria keep only those methods; a criterion
        /// left with none is not assessed, so it leaves no mark in the totals).
        #[test]
        fn step_k_is_the_spec_restricted_to_steps_up_to_k(
            plan in plan_strategy(),
            (criteria, scores, agreed) in scenario_strategy(),
        ) {
            let rules = VacancyRules::default();
            let declarations = Declarations::default();
            for k in 0..plan.steps.len() {
                let counted = plan.cumulative_methods(k);
                let at_step = evaluate(&rules, &criteria, &scores, &agreed, &declarations, &counted);
                let restricted: Vec<CriterionInput> = criteria
                    .iter()
                    .filter_map(|c| {
                        let methods: Vec<Method> =
                            c.methods.iter().copied().filter(|m| counted.contains(m)).collect();
                        (!methods.is_empty()).then(|| CriterionInput { methods, ..c.clone() })
                    })
                    .collect();
                let whole = evaluate(&rules, &restricted, &scores, &agreed, &declarations, Stage::Final);
                prop_assert_eq!(at_step.weighted_score, whole.weighted_score);
                prop_assert_eq!(at_step.max_weighted_score, whole.max_weighted_score);
                prop_assert_eq!(&at_step.unmet_essentials, &whole.unmet_essentials);
                prop_assert_eq!(&at_step.pending_essentials, &whole.pending_essentials);
                prop_assert_eq!(at_step.recommendation, whole.recommendation);
            }
        }

        /// A recused or removed assessor never changes any aggregate: evaluating with
        /// their scores filtered out by `standing` equals evaluating without them ever
        /// having scored.
        #[test]
        fn recused_or_removed_assessors_change_nothing(
            (criteria, scores, agreed) in scenario_strategy(),
            extra in proptest::collection::vec((0usize..40, 0i32..=3), 0..8),
            recuse_bob in any::<bool>(),
        ) {
            let rules = VacancyRules::default();
            let declarations = Declarations::default();
            // ann, bob and cat sit on the panel for every method; dan was removed.
            let seats: HashMap<String, Vec<Method>> = ["ann", "bob", "cat"]
                .into_iter()
                .map(|u| (u.to_string(), Method::ALL.to_vec()))
                .collect();
            let recused: HashSet<String> = if recuse_bob { ["bob".to_string()].into() } else { HashSet::new() };
            let counting: Vec<ScoreInput> = scores
                .iter()
                .filter(|s| standing(&s.assessor, s.method, &seats, &recused) == ScoreStanding::Counting)
                .cloned()
                .collect();
            // Add arbitrary extra scores from the removed and the recused.
            let mut noisy = scores.clone();
            let pairs: Vec<(String, Method)> = criteria
                .iter()
                .flat_map(|c| c.methods.iter().map(move |m| (c.id.clone(), *m)))
                .collect();
            for (p, score) in extra {
                let (criterion_id, method) = pairs[p % pairs.len()].clone();
                let who = if recuse_bob && p % 2 == 0 { "bob" } else { "dan" };
                noisy.retain(|s| !(s.assessor == who && s.criterion_id == criterion_id && s.method == method));
                noisy.push(ScoreInput { criterion_id, method, assessor: who.into(), score });
            }
            let filtered: Vec<ScoreInput> = noisy
                .into_iter()
                .filter(|s| standing(&s.assessor, s.method, &seats, &recused) == ScoreStanding::Counting)
                .collect();
            let a = evaluate(&rules, &criteria, &counting, &agreed, &declarations, Stage::Final);
            let b = evaluate(&rules, &criteria, &filtered, &agreed, &declarations, Stage::Final);
            prop_assert_eq!(a, b);
        }

        /// Blindness: what a panel member sees never depends on others' scores for a
        /// pair they have not scored.
        #[test]
        fn blind_views_ignore_unscored_pairs(
            (criteria, scores, agreed) in scenario_strategy(),
            bump in 0i32..=3,
        ) {
            let key = |s: &ScoreInput| ("app", s.method, s.assessor.clone());
            let visible_of = |scores: &[ScoreInput]| -> Vec<ScoreInput> {
                let keys: Vec<(&str, Method, String)> = scores.iter().map(key).collect();
                let refs: Vec<(&str, Method, &str)> = keys.iter().map(|(a, m, s)| (*a, *m, s.as_str())).collect();
                scores
                    .iter()
                    .zip(blind_visible("ann", &refs))
                    .filter(|(_, v)| *v)
                    .map(|(s, _)| s.clone())
                    .collect()
            };
            // Change every score by others on methods ann has not scored.
            let ann_methods: HashSet<Method> = scores.iter().filter(|s| s.assessor == "ann").map(|s| s.method).collect();
            let changed: Vec<ScoreInput> = scores
                .iter()
                .map(|s| if s.assessor != "ann" && !ann_methods.contains(&s.method) {
                    ScoreInput { score: bump, ..s.clone() }
                } else {
                    s.clone()
                })
                .collect();
            let rules = VacancyRules::default();
            let d = Declarations::default();
            let _ = agreed;
            let a = evaluate(&rules, &criteria, &visible_of(&scores), &[], &d, Stage::Final);
            let b = evaluate(&rules, &criteria, &visible_of(&changed), &[], &d, Stage::Final);
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn too_few_assessors_leave_a_pair_pending() {
        let rules = VacancyRules {
            min_assessors: 2,
            ..VacancyRules::default()
        };
        let criteria = vec![CriterionInput {
            id: "c".into(),
            requirement: Requirement::Essential,
            methods: vec![Method::Application],
            weight: 1,
            alternative_group: None,
            position: 0,
        }];
        let one = vec![ScoreInput {
            criterion_id: "c".into(),
            method: Method::Application,
            assessor: "ann".into(),
            score: 3,
        }];
        let e = evaluate(
            &rules,
            &criteria,
            &one,
            &[],
            &Declarations::default(),
            Stage::Final,
        );
        assert_eq!(e.pending_essentials, vec!["c".to_string()]);
        assert_eq!(e.weighted_score, 0.0);
        let agreed = vec![AgreedScoreInput {
            criterion_id: "c".into(),
            method: Method::Application,
            score: 2,
        }];
        let e = evaluate(
            &rules,
            &criteria,
            &one,
            &agreed,
            &Declarations::default(),
            Stage::Final,
        );
        assert!(e.pending_essentials.is_empty());
        let mut two = one.clone();
        two.push(ScoreInput {
            assessor: "bob".into(),
            score: 1,
            ..one[0].clone()
        });
        let e = evaluate(
            &rules,
            &criteria,
            &two,
            &[],
            &Declarations::default(),
            Stage::Final,
        );
        assert_eq!(e.weighted_score, 2.0);
    }
}
