//! Evaluation of one application against its vacancy's person specification.
//!
//! Pure rules over plain data (see `design/domain.md`, "Scores" and "Evaluation"): the
//! caller loads the vacancy, criteria, scores and declarations, and this module decides.
//! Nothing here is stored: an evaluation is recomputed whenever it is read, so it can
//! never go stale when a score changes.
//!
//! The caller validates inputs (criterion ids belong to the vacancy, methods belong to the
//! criterion, values lie on the scale, weights are 1–10, `scale.min >= 0`). Scores that
//! name an unknown criterion, or a method the criterion is not assessed by, are ignored
//! rather than rejected, so a stale score can never make an evaluation fail.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

/// Flag raised when declared penalty points or at-fault accidents exceed the vacancy's
/// thresholds for a post that involves driving.
pub const FLAG_DRIVING_THRESHOLD_EXCEEDED: &str = "driving_threshold_exceeded";
/// Flag raised when a post involves driving and the applicant declares no licence.
pub const FLAG_NO_DRIVING_LICENCE: &str = "no_driving_licence";
/// Flag raised when declared points or at-fault accidents reach the vacancy's trigger
/// points for corrective driver training (seed 001): a condition of driving on council
/// business, not a refusal.
pub const FLAG_DRIVING_TRAINING_REQUIRED: &str = "driving_training_required";
/// Flag raised when a politically restricted post's applicant has not accepted the
/// restriction: they cannot be offered the post until they do.
pub const FLAG_POLITICAL_RESTRICTION_NOT_ACCEPTED: &str = "political_restriction_not_accepted";
/// Flag raised when a counted (criterion, method) pair needs the panel chair to moderate.
pub const FLAG_NEEDS_MODERATION: &str = "needs_moderation";

/// Flags read off what the applicant declared (their driving record, their acceptance
/// of a political restriction): shown to staff,
/// never to panel members, who do not see declarations.
pub fn is_declaration_flag(flag: &str) -> bool {
    [
        FLAG_DRIVING_THRESHOLD_EXCEEDED,
        FLAG_NO_DRIVING_LICENCE,
        FLAG_DRIVING_TRAINING_REQUIRED,
        FLAG_POLITICAL_RESTRICTION_NOT_ACCEPTED,
    ]
    .contains(&flag)
}

/// Spread of assessors' scores (in scale points) at which the chair must moderate.
const MODERATION_SPREAD: i32 = 2;

// ---------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------

/// How a criterion is assessed.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    Application,
    Test,
    Interview,
    Presentation,
    Documents,
}

impl Method {
    pub const ALL: [Method; 5] = [
        Method::Application,
        Method::Test,
        Method::Interview,
        Method::Presentation,
        Method::Documents,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Method::Application => "application",
            Method::Test => "test",
            Method::Interview => "interview",
            Method::Presentation => "presentation",
            Method::Documents => "documents",
        }
    }

    pub fn parse(value: &str) -> Option<Method> {
        Method::ALL
            .into_iter()
            .find(|method| method.as_str() == value)
    }
}

/// Whether a criterion must be met (essential) or only adds to the score (desirable).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    Essential,
    Desirable,
}

impl Requirement {
    pub const ALL: [Requirement; 2] = [Requirement::Essential, Requirement::Desirable];

    pub fn as_str(&self) -> &'static str {
        match self {
            Requirement::Essential => "essential",
            Requirement::Desirable => "desirable",
        }
    }

    pub fn parse(value: &str) -> Option<Requirement> {
        Requirement::ALL
            .into_iter()
            .find(|requirement| requirement.as_str() == value)
    }
}

/// The point in the process an evaluation is made for: it decides which methods count.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Only the vacancy's `shortlisting_methods` count.
    Shortlisting,
    /// Every method counts.
    Final,
}

impl Stage {
    pub const ALL: [Stage; 2] = [Stage::Shortlisting, Stage::Final];

    pub fn as_str(&self) -> &'static str {
        match self {
            Stage::Shortlisting => "shortlisting",
            Stage::Final => "final",
        }
    }

    pub fn parse(value: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|stage| stage.as_str() == value)
    }
}

/// Which methods count in an evaluation: a stage of the default plan, or the methods
/// of a step of an assessment plan and every step before it (cumulative).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted<'a> {
    Stage(Stage),
    Methods(&'a [Method]),
}

impl From<Stage> for Counted<'_> {
    fn from(stage: Stage) -> Self {
        Counted::Stage(stage)
    }
}

impl<'a> From<&'a [Method]> for Counted<'a> {
    fn from(methods: &'a [Method]) -> Self {
        Counted::Methods(methods)
    }
}

impl<'a> From<&'a Vec<Method>> for Counted<'a> {
    fn from(methods: &'a Vec<Method>) -> Self {
        Counted::Methods(methods)
    }
}

impl Counted<'_> {
    fn includes(self, rules: &VacancyRules, method: Method) -> bool {
        match self {
            Counted::Stage(Stage::Shortlisting) => rules.shortlisting_methods.contains(&method),
            Counted::Stage(Stage::Final) => true,
            Counted::Methods(methods) => methods.contains(&method),
        }
    }
}

/// The vacancy's scoring scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Scale {
    pub min: i32,
    pub max: i32,
    pub pass_mark: i32,
}

impl Default for Scale {
    /// 0 no evidence, 1 partly met, 2 met, 3 exceeded.
    fn default() -> Self {
        Scale {
            min: 0,
            max: 3,
            pass_mark: 2,
        }
    }
}

/// One criterion of the person specification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionInput {
    pub id: String,
    pub requirement: Requirement,
    pub methods: Vec<Method>,
    pub weight: i32,
    /// Criteria sharing a label are alternatives: meeting any one meets the group.
    pub alternative_group: Option<String>,
    pub position: i32,
}

/// One assessor's score for one (criterion, method) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreInput {
    pub criterion_id: String,
    pub method: Method,
    pub assessor: String,
    pub score: i32,
}

/// The panel chair's moderated score for one (criterion, method) pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreedScoreInput {
    pub criterion_id: String,
    pub method: Method,
    pub score: i32,
}

/// What the applicant declared on the application form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Declarations {
    pub guaranteed_interview: bool,
    pub penalty_points: Option<i32>,
    pub at_fault_accidents: Option<i32>,
    pub driving_licence_held: Option<bool>,
    pub right_to_work: Option<bool>,
    pub politically_restricted_accepted: Option<bool>,
}

/// The parts of a vacancy the evaluation depends on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VacancyRules {
    pub scale: Scale,
    pub shortlisting_methods: Vec<Method>,
    pub guaranteed_interview_scheme: bool,
    /// True when the vacancy's driving requirement is `regular` or `required`.
    pub driving_required: bool,
    pub max_penalty_points: i32,
    pub max_at_fault_accidents: i32,
    /// Trigger points for corrective driver training (at or above).
    pub training_penalty_points: i32,
    pub training_at_fault_accidents: i32,
    pub politically_restricted: bool,
    /// A pair with fewer counting assessors than this, and no agreed score, is pending.
    pub min_assessors: u32,
}

impl Default for VacancyRules {
    fn default() -> Self {
        VacancyRules {
            scale: Scale::default(),
            shortlisting_methods: vec![Method::Application],
            guaranteed_interview_scheme: true,
            driving_required: false,
            max_penalty_points: 9,
            max_at_fault_accidents: 3,
            training_penalty_points: 6,
            training_at_fault_accidents: 2,
            politically_restricted: false,
            min_assessors: 1,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PairStatus {
    Met,
    Unmet,
    Pending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CriterionStatus {
    Met,
    Unmet,
    Pending,
    /// None of the criterion's methods counts at this stage.
    NotAssessed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recommendation {
    Shortlist,
    Reject,
    Incomplete,
}

/// The outcome of one (criterion, method) pair.
///
/// A method that does not count at the stage is listed (so the full assessment plan is
/// visible) but carries no scores: `counted` is false, `score`/`spread` are `None`,
/// `status` is `Pending` and nothing is flagged. Reporting its scores would let, say,
/// interview marks leak into a shortlisting view they must not influence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MethodResult {
    pub method: Method,
    pub counted: bool,
    pub score: Option<f64>,
    pub spread: Option<i32>,
    pub agreed: bool,
    pub assessor_count: usize,
    pub status: PairStatus,
    pub needs_moderation: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CriterionResult {
    pub criterion_id: String,
    pub status: CriterionStatus,
    /// The alternative group's status, for members of a group; `None` for lone criteria.
    pub group_status: Option<CriterionStatus>,
    /// One entry per method of the criterion, in `Method` order.
    pub methods: Vec<MethodResult>,
    /// This criterion's own score; within a group only the best member reaches the total.
    pub weighted_score: f64,
    pub max_weighted_score: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evaluation {
    /// In position order (ties keep input order).
    pub criteria: Vec<CriterionResult>,
    pub recommendation: Recommendation,
    pub unmet_essentials: Vec<String>,
    pub pending_essentials: Vec<String>,
    pub weighted_score: f64,
    pub max_weighted_score: f64,
    pub percentage: f64,
    pub needs_moderation: bool,
    pub guaranteed_interview: bool,
    /// Sorted and deduplicated.
    pub flags: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// Exact arithmetic
// ---------------------------------------------------------------------------------------

/// A non-negative-denominator fraction, kept reduced.
///
/// Pair scores are means of integers, so weighted totals are fractions. Summing them as
/// fractions and converting once means two applications with the same true total get
/// bit-identical `f64`s, so ranking can compare with `==` and ties are never broken by
/// rounding noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fraction {
    numerator: i128,
    denominator: i128,
}

impl Fraction {
    const ZERO: Fraction = Fraction {
        numerator: 0,
        denominator: 1,
    };

    fn new(numerator: i128, denominator: i128) -> Fraction {
        debug_assert!(denominator != 0, "fraction with zero denominator");
        let sign = if denominator < 0 { -1 } else { 1 };
        let divisor = gcd(numerator, denominator).max(1);
        Fraction {
            numerator: sign * numerator / divisor,
            denominator: sign * denominator / divisor,
        }
    }

    fn whole(value: i128) -> Fraction {
        Fraction::new(value, 1)
    }

    fn plus(self, other: Fraction) -> Fraction {
        Fraction::new(
            self.numerator * other.denominator + other.numerator * self.denominator,
            self.denominator * other.denominator,
        )
    }

    fn times(self, factor: i128) -> Fraction {
        Fraction::new(self.numerator * factor, self.denominator)
    }

    fn divided_by(self, divisor: i128) -> Fraction {
        Fraction::new(self.numerator, self.denominator * divisor)
    }

    fn to_f64(self) -> f64 {
        self.numerator as f64 / self.denominator as f64
    }
}

impl Ord for Fraction {
    fn cmp(&self, other: &Self) -> Ordering {
        // Denominators are positive, so cross-multiplying keeps the order.
        (self.numerator * other.denominator).cmp(&(other.numerator * self.denominator))
    }
}

impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

type PairKey<'a> = (&'a str, Method);

/// What the rules need of one (criterion, method) pair's scores: the assessors' count,
/// sum, lowest and highest, and the agreed score. A database can aggregate these
/// itself (see [`evaluate_summaries`]), so the individual scores need never be loaded.
#[derive(Default, Clone, Copy)]
struct PairScores {
    count: u32,
    sum: i64,
    min: i32,
    max: i32,
    agreed: Option<i32>,
}

/// The assessors' scores of one (criterion, method) pair of one application, already
/// aggregated (e.g. by `GROUP BY` in SQL). Each assessor counts once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PairSummary {
    pub criterion_id: String,
    pub method: Method,
    pub count: u32,
    pub sum: i64,
    pub min: i32,
    pub max: i32,
}

/// A criterion's result together with the exact numbers the totals are built from.
struct CriterionOutcome {
    result: CriterionResult,
    weighted: Fraction,
    max_weighted: i128,
}

/// A lone criterion or an alternative group: the unit essentials are judged by.
struct RequirementUnit {
    /// Indices into the position-ordered outcomes.
    members: Vec<usize>,
    essential: bool,
}

/// Evaluates one application at one stage.
pub fn evaluate<'c>(
    rules: &VacancyRules,
    criteria: &[CriterionInput],
    scores: &[ScoreInput],
    agreed: &[AgreedScoreInput],
    declarations: &Declarations,
    stage: impl Into<Counted<'c>>,
) -> Evaluation {
    let pairs = gather_pair_scores(scores, agreed);
    evaluate_pairs(rules, criteria, &pairs, declarations, stage.into())
}

/// [`evaluate`] from per-pair aggregates instead of individual scores: the same rules,
/// the same result (a property test holds them equal).
pub fn evaluate_summaries<'c>(
    rules: &VacancyRules,
    criteria: &[CriterionInput],
    summaries: &[PairSummary],
    agreed: &[AgreedScoreInput],
    declarations: &Declarations,
    stage: impl Into<Counted<'c>>,
) -> Evaluation {
    let mut pairs: HashMap<PairKey<'_>, PairScores> = HashMap::with_capacity(summaries.len());
    for s in summaries.iter().filter(|s| s.count > 0) {
        let pair = pairs
            .entry((s.criterion_id.as_str(), s.method))
            .or_default();
        pair.count = s.count;
        pair.sum = s.sum;
        pair.min = s.min;
        pair.max = s.max;
    }
    for a in agreed {
        pairs
            .entry((a.criterion_id.as_str(), a.method))
            .or_default()
            .agreed = Some(a.score);
    }
    evaluate_pairs(rules, criteria, &pairs, declarations, stage.into())
}

fn evaluate_pairs(
    rules: &VacancyRules,
    criteria: &[CriterionInput],
    pairs: &HashMap<PairKey<'_>, PairScores>,
    declarations: &Declarations,
    stage: Counted<'_>,
) -> Evaluation {
    let mut ordered: Vec<&CriterionInput> = criteria.iter().collect();
    // Stable sort: criteria sharing a position keep the order they were given in.
    ordered.sort_by_key(|criterion| criterion.position);

    let mut outcomes: Vec<CriterionOutcome> = ordered
        .iter()
        .map(|criterion| evaluate_criterion(criterion, rules, stage, pairs))
        .collect();

    let units = requirement_units(&ordered);
    let mut weighted = Fraction::ZERO;
    let mut max_weighted: i128 = 0;
    let mut unmet_member = vec![false; ordered.len()];
    let mut pending_member = vec![false; ordered.len()];

    for unit in &units {
        let status = unit_status(unit.members.iter().map(|&i| outcomes[i].result.status));
        if ordered[unit.members[0]].alternative_group.is_some() {
            for &member in &unit.members {
                outcomes[member].result.group_status = Some(status);
            }
        }

        if unit.essential {
            let marks = match status {
                CriterionStatus::Unmet => Some(&mut unmet_member),
                CriterionStatus::Pending => Some(&mut pending_member),
                CriterionStatus::Met | CriterionStatus::NotAssessed => None,
            };
            if let Some(marks) = marks {
                for &member in &unit.members {
                    marks[member] = true;
                }
            }
        }

        if let Some(best) = best_member(unit, &outcomes) {
            weighted = weighted.plus(outcomes[best].weighted);
            max_weighted += outcomes[best].max_weighted;
        }
    }

    let ids_marked = |marks: &[bool]| -> Vec<String> {
        ordered
            .iter()
            .zip(marks)
            .filter(|(_, &marked)| marked)
            .map(|(criterion, _)| criterion.id.clone())
            .collect()
    };
    let unmet_essentials = ids_marked(&unmet_member);
    let pending_essentials = ids_marked(&pending_member);

    let recommendation = if !unmet_essentials.is_empty() {
        Recommendation::Reject
    } else if !pending_essentials.is_empty() {
        Recommendation::Incomplete
    } else {
        Recommendation::Shortlist
    };

    let percentage = if max_weighted == 0 {
        0.0
    } else {
        weighted.times(100).divided_by(max_weighted).to_f64()
    };

    let needs_moderation = outcomes
        .iter()
        .flat_map(|outcome| &outcome.result.methods)
        .any(|pair| pair.needs_moderation);

    let mut flags = driving_flags(rules, declarations);
    if rules.politically_restricted && declarations.politically_restricted_accepted != Some(true) {
        flags.push(FLAG_POLITICAL_RESTRICTION_NOT_ACCEPTED.to_string());
    }
    if needs_moderation {
        flags.push(FLAG_NEEDS_MODERATION.to_string());
    }
    flags.sort();
    flags.dedup();

    Evaluation {
        criteria: outcomes.into_iter().map(|outcome| outcome.result).collect(),
        recommendation,
        unmet_essentials,
        pending_essentials,
        weighted_score: weighted.to_f64(),
        max_weighted_score: max_weighted as f64,
        percentage,
        needs_moderation,
        guaranteed_interview: rules.guaranteed_interview_scheme
            && declarations.guaranteed_interview
            && recommendation == Recommendation::Shortlist,
        flags,
    }
}

fn gather_pair_scores<'a>(
    scores: &'a [ScoreInput],
    agreed: &'a [AgreedScoreInput],
) -> HashMap<PairKey<'a>, PairScores> {
    // Keyed by assessor first: a later score from the same assessor replaces an
    // earlier one, as a resubmitted scoresheet does.
    let mut by_assessor: HashMap<PairKey<'a>, BTreeMap<&'a str, i32>> = HashMap::new();
    for score in scores {
        by_assessor
            .entry((score.criterion_id.as_str(), score.method))
            .or_default()
            .insert(score.assessor.as_str(), score.score);
    }
    let mut pairs: HashMap<PairKey<'a>, PairScores> = by_assessor
        .into_iter()
        .map(|(key, values)| {
            let pair = PairScores {
                count: values.len() as u32,
                sum: values.values().map(|&v| i64::from(v)).sum(),
                min: values.values().copied().min().unwrap_or(0),
                max: values.values().copied().max().unwrap_or(0),
                agreed: None,
            };
            (key, pair)
        })
        .collect();
    for agreed_score in agreed {
        pairs
            .entry((agreed_score.criterion_id.as_str(), agreed_score.method))
            .or_default()
            .agreed = Some(agreed_score.score);
    }
    pairs
}

fn evaluate_criterion(
    criterion: &CriterionInput,
    rules: &VacancyRules,
    stage: Counted<'_>,
    pairs: &HashMap<PairKey<'_>, PairScores>,
) -> CriterionOutcome {
    let mut methods = criterion.methods.clone();
    methods.sort();
    methods.dedup();

    let weight = i128::from(criterion.weight);
    let mut weighted = Fraction::ZERO;
    let mut max_weighted: i128 = 0;
    let mut results = Vec::with_capacity(methods.len());

    for method in methods {
        if !stage.includes(rules, method) {
            results.push(uncounted_pair(method));
            continue;
        }
        let (result, score) = evaluate_pair(
            method,
            pairs.get(&(criterion.id.as_str(), method)),
            rules.scale,
            rules.min_assessors,
        );
        if let Some(score) = score {
            weighted = weighted.plus(score.times(weight));
        }
        // A pending pair still counts in the maximum: the applicant could yet score there.
        max_weighted += i128::from(rules.scale.max) * weight;
        results.push(result);
    }

    let status = criterion_status(
        results
            .iter()
            .filter(|pair| pair.counted)
            .map(|pair| pair.status),
    );

    CriterionOutcome {
        result: CriterionResult {
            criterion_id: criterion.id.clone(),
            status,
            group_status: None,
            methods: results,
            weighted_score: weighted.to_f64(),
            max_weighted_score: max_weighted as f64,
        },
        weighted,
        max_weighted,
    }
}

fn uncounted_pair(method: Method) -> MethodResult {
    MethodResult {
        method,
        counted: false,
        score: None,
        spread: None,
        agreed: false,
        assessor_count: 0,
        status: PairStatus::Pending,
        needs_moderation: false,
    }
}

/// Scores one counted pair; also returns its exact score for the weighted total.
fn evaluate_pair(
    method: Method,
    scores: Option<&PairScores>,
    scale: Scale,
    min_assessors: u32,
) -> (MethodResult, Option<Fraction>) {
    let pair = scores.copied().unwrap_or_default();
    let agreed = pair.agreed;
    let spread = (pair.count > 0).then(|| pair.max - pair.min);

    // The chair's agreed score overrides the mean. The mean stays a fraction so that
    // "mean >= pass mark" is decided without floating-point error.
    let score = match agreed {
        Some(agreed) => Some(Fraction::whole(i128::from(agreed))),
        // Too few independent views to stand on their own: wait for more, or for
        // the chair's agreed score.
        None if pair.count == 0 || pair.count < min_assessors => None,
        None => Some(Fraction::new(i128::from(pair.sum), i128::from(pair.count))),
    };

    let status = match score {
        None => PairStatus::Pending,
        Some(score) if score >= Fraction::whole(i128::from(scale.pass_mark)) => PairStatus::Met,
        Some(_) => PairStatus::Unmet,
    };

    let result = MethodResult {
        method,
        counted: true,
        score: score.map(Fraction::to_f64),
        spread,
        agreed: agreed.is_some(),
        assessor_count: pair.count as usize,
        status,
        needs_moderation: agreed.is_none() && spread.is_some_and(|s| s >= MODERATION_SPREAD),
    };
    (result, score)
}

fn criterion_status(counted: impl Iterator<Item = PairStatus>) -> CriterionStatus {
    let mut any_counted = false;
    let mut all_met = true;
    for status in counted {
        any_counted = true;
        match status {
            PairStatus::Unmet => return CriterionStatus::Unmet,
            PairStatus::Pending => all_met = false,
            PairStatus::Met => {}
        }
    }
    match (any_counted, all_met) {
        (false, _) => CriterionStatus::NotAssessed,
        (true, true) => CriterionStatus::Met,
        (true, false) => CriterionStatus::Pending,
    }
}

/// Status of a lone criterion (one member) or an alternative group.
fn unit_status(members: impl Iterator<Item = CriterionStatus>) -> CriterionStatus {
    let mut any_assessed = false;
    let mut all_unmet = true;
    for status in members {
        match status {
            CriterionStatus::Met => return CriterionStatus::Met,
            CriterionStatus::Unmet => any_assessed = true,
            CriterionStatus::Pending => {
                any_assessed = true;
                all_unmet = false;
            }
            // Members not assessed at this stage are left out of the group.
            CriterionStatus::NotAssessed => {}
        }
    }
    match (any_assessed, all_unmet) {
        (false, _) => CriterionStatus::NotAssessed,
        (true, true) => CriterionStatus::Unmet,
        (true, false) => CriterionStatus::Pending,
    }
}

/// Splits position-ordered criteria into lone criteria and alternative groups, in the
/// order of each unit's first member.
fn requirement_units(ordered: &[&CriterionInput]) -> Vec<RequirementUnit> {
    let mut units: Vec<RequirementUnit> = Vec::new();
    let mut unit_of_group: HashMap<&str, usize> = HashMap::new();
    for (index, criterion) in ordered.iter().enumerate() {
        let essential = criterion.requirement == Requirement::Essential;
        let existing = criterion
            .alternative_group
            .as_deref()
            .and_then(|group| unit_of_group.get(group).copied());
        match existing {
            Some(unit) => {
                units[unit].members.push(index);
                // Members should share one requirement level; if the caller let a mixed
                // group through, judge it as essential rather than silently waive it.
                units[unit].essential |= essential;
            }
            None => {
                if let Some(group) = criterion.alternative_group.as_deref() {
                    unit_of_group.insert(group, units.len());
                }
                units.push(RequirementUnit {
                    members: vec![index],
                    essential,
                });
            }
        }
    }
    units
}

/// The member whose score reaches the total: an alternative group counts once, through
/// its best-scoring assessed member (ties: lowest position, i.e. first in order).
fn best_member(unit: &RequirementUnit, outcomes: &[CriterionOutcome]) -> Option<usize> {
    let mut best: Option<usize> = None;
    for &member in &unit.members {
        if outcomes[member].result.status == CriterionStatus::NotAssessed {
            continue;
        }
        if best.is_none_or(|current| outcomes[member].weighted > outcomes[current].weighted) {
            best = Some(member);
        }
    }
    best
}

/// Flags raised by the applicant's driving declarations, sorted.
///
/// Only vacancies whose driving requirement is `regular` or `required` are concerned.
/// Undeclared values raise nothing: the driving-licence check will establish them.
pub fn driving_flags(rules: &VacancyRules, declarations: &Declarations) -> Vec<String> {
    let mut flags = Vec::new();
    if !rules.driving_required {
        return flags;
    }
    let too_many_points = declarations
        .penalty_points
        .is_some_and(|points| points > rules.max_penalty_points);
    let too_many_accidents = declarations
        .at_fault_accidents
        .is_some_and(|accidents| accidents > rules.max_at_fault_accidents);
    if too_many_points || too_many_accidents {
        flags.push(FLAG_DRIVING_THRESHOLD_EXCEEDED.to_string());
    } else if driving_training_required(
        rules.training_penalty_points,
        rules.training_at_fault_accidents,
        declarations.penalty_points,
        declarations.at_fault_accidents,
    ) {
        flags.push(FLAG_DRIVING_TRAINING_REQUIRED.to_string());
    }
    if declarations.driving_licence_held == Some(false) {
        flags.push(FLAG_NO_DRIVING_LICENCE.to_string());
    }
    flags.sort();
    flags
}

/// Seed 001's trigger points: 6 penalty points, or 2 at-fault accidents within two
/// years, lead to a corrective driver training course (9 points or 3 accidents to more
/// training: still training, so one flag covers both). One accident leads only to a
/// discussion of driving standards, which is no flag. [`driving_flags`] raises it only
/// within the vacancy's refusal thresholds: beyond them `driving_threshold_exceeded`
/// says what matters, and a waiver's reason says what is agreed instead.
pub fn driving_training_required(
    training_penalty_points: i32,
    training_at_fault_accidents: i32,
    penalty_points: Option<i32>,
    at_fault_accidents: Option<i32>,
) -> bool {
    penalty_points.is_some_and(|p| p >= training_penalty_points)
        || at_fault_accidents.is_some_and(|a| a >= training_at_fault_accidents)
}

// ---------------------------------------------------------------------------------------
// Ranking
// ---------------------------------------------------------------------------------------

/// Ranks applications by weighted score with standard competition ranking (1, 2, 2, 4).
///
/// Input entries are `(application id, recommendation, weighted score, submission order
/// key)`. Only `Shortlist` entries are ranked; equal scores share a rank and are reported
/// as tied, never broken silently. The result is in display order: ranked entries by rank
/// (inside a tie by order key, then input order), then unranked entries by order key.
/// Output items are `(application id, rank, tied)`.
pub fn rank(entries: &[(String, Recommendation, f64, i64)]) -> Vec<(String, Option<u32>, bool)> {
    // `-0.0 + 0.0` is `0.0`, so both zeros compare equal under `total_cmp`; a NaN (never
    // produced by `evaluate`) sorts last instead of poisoning the order.
    let sort_key = |score: f64| {
        if score.is_nan() {
            f64::NEG_INFINITY
        } else {
            score + 0.0
        }
    };

    let (mut ranked, mut unranked): (Vec<_>, Vec<_>) = entries
        .iter()
        .partition(|entry| entry.1 == Recommendation::Shortlist);
    ranked.sort_by(|a, b| sort_key(b.2).total_cmp(&sort_key(a.2)).then(a.3.cmp(&b.3)));
    unranked.sort_by_key(|entry| entry.3);

    let mut display = Vec::with_capacity(entries.len());
    let mut start = 0;
    while start < ranked.len() {
        let score = sort_key(ranked[start].2);
        let end = start
            + ranked[start..]
                .iter()
                .take_while(|entry| sort_key(entry.2).total_cmp(&score) == Ordering::Equal)
                .count();
        // Competition ranking: a rank is one more than the number of entries ahead of it.
        let rank = u32::try_from(start + 1).unwrap_or(u32::MAX);
        let tied = end - start > 1;
        display.extend(
            ranked[start..end]
                .iter()
                .map(|entry| (entry.0.clone(), Some(rank), tied)),
        );
        start = end;
    }
    display.extend(unranked.iter().map(|entry| (entry.0.clone(), None, false)));
    display
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use Method::{Application, Documents, Interview, Presentation, Test};
    use Requirement::{Desirable, Essential};

    // --- builders ----------------------------------------------------------------------

    fn criterion(
        id: &str,
        requirement: Requirement,
        methods: &[Method],
        position: i32,
    ) -> CriterionInput {
        CriterionInput {
            id: id.to_string(),
            requirement,
            methods: methods.to_vec(),
            weight: 1,
            alternative_group: None,
            position,
        }
    }

    fn with_weight(mut criterion: CriterionInput, weight: i32) -> CriterionInput {
        criterion.weight = weight;
        criterion
    }

    fn in_group(mut criterion: CriterionInput, group: &str) -> CriterionInput {
        criterion.alternative_group = Some(group.to_string());
        criterion
    }

    fn score(criterion_id: &str, method: Method, assessor: &str, value: i32) -> ScoreInput {
        ScoreInput {
            criterion_id: criterion_id.to_string(),
            method,
            assessor: assessor.to_string(),
            score: value,
        }
    }

    fn agreed(criterion_id: &str, method: Method, value: i32) -> AgreedScoreInput {
        AgreedScoreInput {
            criterion_id: criterion_id.to_string(),
            method,
            score: value,
        }
    }

    fn civil_service_scale() -> Scale {
        Scale {
            min: 1,
            max: 7,
            pass_mark: 4,
        }
    }

    fn rules_with_scale(scale: Scale) -> VacancyRules {
        VacancyRules {
            scale,
            ..VacancyRules::default()
        }
    }

    fn evaluate_plain(
        rules: &VacancyRules,
        criteria: &[CriterionInput],
        scores: &[ScoreInput],
        agreed: &[AgreedScoreInput],
        stage: Stage,
    ) -> Evaluation {
        evaluate(
            rules,
            criteria,
            scores,
            agreed,
            &Declarations::default(),
            stage,
        )
    }

    fn result_for<'a>(evaluation: &'a Evaluation, id: &str) -> &'a CriterionResult {
        evaluation
            .criteria
            .iter()
            .find(|result| result.criterion_id == id)
            .unwrap_or_else(|| panic!("no result for criterion {id}"))
    }

    fn pair_for<'a>(evaluation: &'a Evaluation, id: &str, method: Method) -> &'a MethodResult {
        result_for(evaluation, id)
            .methods
            .iter()
            .find(|pair| pair.method == method)
            .unwrap_or_else(|| panic!("no {method:?} result for criterion {id}"))
    }

    /// One essential criterion assessed by application, scored by the given assessors.
    fn single_pair(scale: Scale, values: &[i32], agreed_value: Option<i32>) -> Evaluation {
        let criteria = [criterion("c1", Essential, &[Application], 1)];
        let scores: Vec<ScoreInput> = values
            .iter()
            .enumerate()
            .map(|(i, &value)| score("c1", Application, &format!("assessor{i}"), value))
            .collect();
        let agreed: Vec<AgreedScoreInput> = agreed_value
            .map(|value| agreed("c1", Application, value))
            .into_iter()
            .collect();
        evaluate_plain(
            &rules_with_scale(scale),
            &criteria,
            &scores,
            &agreed,
            Stage::Final,
        )
    }

    // --- names and serialisation -------------------------------------------------------

    #[test]
    fn enum_names_round_trip_through_as_str_and_parse() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.as_str()), Some(method));
        }
        for requirement in Requirement::ALL {
            assert_eq!(Requirement::parse(requirement.as_str()), Some(requirement));
        }
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.as_str()), Some(stage));
        }
        assert_eq!(Method::parse("Interview"), None);
        assert_eq!(Requirement::parse(""), None);
    }

    #[test]
    fn enums_serialise_in_snake_case_matching_as_str() {
        for method in Method::ALL {
            assert_eq!(serde_json::to_value(method).unwrap(), method.as_str());
        }
        assert_eq!(
            serde_json::to_value(CriterionStatus::NotAssessed).unwrap(),
            "not_assessed"
        );
        assert_eq!(
            serde_json::to_value(Recommendation::Incomplete).unwrap(),
            "incomplete"
        );
        assert_eq!(
            serde_json::to_value(PairStatus::Pending).unwrap(),
            "pending"
        );
    }

    // --- per (criterion, method) -------------------------------------------------------

    #[test]
    fn pair_score_is_unrounded_mean_of_assessors() {
        let evaluation = single_pair(Scale::default(), &[2, 3], None);
        let pair = pair_for(&evaluation, "c1", Application);
        assert_eq!(pair.score, Some(2.5));
        assert_eq!(pair.assessor_count, 2);
        assert!(!pair.agreed);
    }

    #[test]
    fn pair_score_is_agreed_score_when_present() {
        let evaluation = single_pair(Scale::default(), &[1, 3], Some(2));
        let pair = pair_for(&evaluation, "c1", Application);
        assert_eq!(pair.score, Some(2.0));
        assert!(pair.agreed);
        assert_eq!(pair.spread, Some(2), "spread still reports the assessors");
    }

    #[test]
    fn agreed_score_without_assessors_counts() {
        let evaluation = single_pair(Scale::default(), &[], Some(3));
        let pair = pair_for(&evaluation, "c1", Application);
        assert_eq!(pair.status, PairStatus::Met);
        assert_eq!(pair.spread, None);
        assert_eq!(pair.assessor_count, 0);
    }

    #[test]
    fn pair_spread_is_max_minus_min() {
        let evaluation = single_pair(civil_service_scale(), &[3, 6, 4], None);
        assert_eq!(pair_for(&evaluation, "c1", Application).spread, Some(3));
    }

    #[test]
    fn pair_without_score_is_pending() {
        let evaluation = single_pair(Scale::default(), &[], None);
        let pair = pair_for(&evaluation, "c1", Application);
        assert_eq!(pair.status, PairStatus::Pending);
        assert_eq!(pair.score, None);
        assert_eq!(pair.spread, None);
    }

    #[test]
    fn pair_met_when_score_at_least_pass_mark_on_0_to_3_scale() {
        let status = |values: &[i32]| {
            pair_for(
                &single_pair(Scale::default(), values, None),
                "c1",
                Application,
            )
            .status
        };
        assert_eq!(status(&[2]), PairStatus::Met);
        assert_eq!(status(&[3]), PairStatus::Met);
        assert_eq!(status(&[1]), PairStatus::Unmet);
        assert_eq!(
            status(&[1, 2]),
            PairStatus::Unmet,
            "mean 1.5 is below the pass mark 2"
        );
        assert_eq!(
            status(&[1, 3]),
            PairStatus::Met,
            "mean 2 meets the pass mark"
        );
    }

    #[test]
    fn pair_met_when_score_at_least_pass_mark_on_1_to_7_scale() {
        let status = |values: &[i32]| {
            pair_for(
                &single_pair(civil_service_scale(), values, None),
                "c1",
                Application,
            )
            .status
        };
        assert_eq!(status(&[4]), PairStatus::Met);
        assert_eq!(status(&[3]), PairStatus::Unmet);
        assert_eq!(
            status(&[3, 4, 4]),
            PairStatus::Unmet,
            "mean 11/3 is below 4"
        );
        assert_eq!(status(&[3, 4, 5]), PairStatus::Met, "mean exactly 4");
    }

    #[test]
    fn pair_mean_is_compared_with_pass_mark_exactly() {
        // Ten assessors: 39/10 falls just short of the pass mark, 40/10 reaches it.
        let mut values = vec![4; 9];
        values.push(3);
        let short = single_pair(civil_service_scale(), &values, None);
        assert_eq!(
            pair_for(&short, "c1", Application).status,
            PairStatus::Unmet
        );
        values[9] = 4;
        let exact = single_pair(civil_service_scale(), &values, None);
        assert_eq!(pair_for(&exact, "c1", Application).status, PairStatus::Met);
    }

    #[test]
    fn pair_needs_moderation_when_spread_at_least_two_without_agreed_score() {
        let evaluation = single_pair(Scale::default(), &[1, 3], None);
        assert!(pair_for(&evaluation, "c1", Application).needs_moderation);
        assert!(evaluation.needs_moderation);
        assert_eq!(evaluation.flags, vec![FLAG_NEEDS_MODERATION.to_string()]);
    }

    #[test]
    fn pair_spread_below_two_needs_no_moderation() {
        let evaluation = single_pair(Scale::default(), &[2, 3], None);
        assert!(!pair_for(&evaluation, "c1", Application).needs_moderation);
        assert!(!evaluation.needs_moderation);
        assert!(evaluation.flags.is_empty());
    }

    #[test]
    fn agreed_score_clears_moderation() {
        let evaluation = single_pair(Scale::default(), &[0, 3], Some(2));
        assert!(!pair_for(&evaluation, "c1", Application).needs_moderation);
        assert!(!evaluation.needs_moderation);
    }

    #[test]
    fn resubmitted_score_replaces_the_assessors_earlier_score() {
        let criteria = [criterion("c1", Essential, &[Application], 1)];
        let scores = [
            score("c1", Application, "ann", 0),
            score("c1", Application, "ann", 3),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Final,
        );
        let pair = pair_for(&evaluation, "c1", Application);
        assert_eq!(pair.score, Some(3.0));
        assert_eq!(pair.assessor_count, 1);
    }

    #[test]
    fn unknown_criterion_ids_and_foreign_methods_are_ignored() {
        let criteria = [criterion("c1", Essential, &[Application], 1)];
        let scores = [
            score("c1", Application, "ann", 2),
            score("nope", Application, "ann", 0),
            score("c1", Interview, "ann", 0),
        ];
        let agreed = [agreed("nope", Application, 0), agreed("c1", Test, 0)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &agreed,
            Stage::Final,
        );
        assert_eq!(evaluation.criteria.len(), 1);
        assert_eq!(result_for(&evaluation, "c1").methods.len(), 1);
        assert_eq!(result_for(&evaluation, "c1").status, CriterionStatus::Met);
        assert_eq!(evaluation.recommendation, Recommendation::Shortlist);
    }

    // --- per criterion at a stage --------------------------------------------------------

    #[test]
    fn criterion_unmet_if_any_counted_method_unmet() {
        let criteria = [criterion("c1", Essential, &[Application, Interview], 1)];
        let scores = [score("c1", Interview, "ann", 1)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Final,
        );
        assert_eq!(result_for(&evaluation, "c1").status, CriterionStatus::Unmet);
    }

    #[test]
    fn criterion_met_if_all_counted_methods_met() {
        let criteria = [criterion("c1", Essential, &[Application, Interview], 1)];
        let scores = [
            score("c1", Application, "ann", 2),
            score("c1", Interview, "bob", 3),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Final,
        );
        assert_eq!(result_for(&evaluation, "c1").status, CriterionStatus::Met);
    }

    #[test]
    fn criterion_pending_if_some_counted_method_pending_and_none_unmet() {
        let criteria = [criterion("c1", Essential, &[Application, Interview], 1)];
        let scores = [score("c1", Application, "ann", 2)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Final,
        );
        assert_eq!(
            result_for(&evaluation, "c1").status,
            CriterionStatus::Pending
        );
    }

    #[test]
    fn criterion_not_assessed_when_no_method_counts_at_stage() {
        let criteria = [criterion("c1", Essential, &[Interview], 1)];
        let scores = [score("c1", Interview, "ann", 0)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        let result = result_for(&evaluation, "c1");
        assert_eq!(result.status, CriterionStatus::NotAssessed);
        assert_eq!(result.max_weighted_score, 0.0);
    }

    #[test]
    fn shortlisting_stage_counts_only_shortlisting_methods() {
        let criteria = [criterion("c1", Essential, &[Application, Interview], 1)];
        let scores = [
            score("c1", Application, "ann", 3),
            score("c1", Interview, "ann", 0),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(result_for(&evaluation, "c1").status, CriterionStatus::Met);
        let interview = pair_for(&evaluation, "c1", Interview);
        assert!(!interview.counted);
        assert_eq!(interview.score, None, "uncounted scores are not reported");
        assert!(pair_for(&evaluation, "c1", Application).counted);
        assert_eq!(evaluation.weighted_score, 3.0);
        assert_eq!(evaluation.max_weighted_score, 3.0);
    }

    #[test]
    fn shortlisting_stage_counts_test_when_vacancy_tests_before_shortlisting() {
        let rules = VacancyRules {
            shortlisting_methods: vec![Application, Test],
            ..VacancyRules::default()
        };
        let criteria = [criterion("c1", Essential, &[Application, Test], 1)];
        let scores = [
            score("c1", Application, "ann", 3),
            score("c1", Test, "ann", 1),
        ];
        let evaluation = evaluate_plain(&rules, &criteria, &scores, &[], Stage::Shortlisting);
        assert_eq!(result_for(&evaluation, "c1").status, CriterionStatus::Unmet);
        assert_eq!(evaluation.recommendation, Recommendation::Reject);
    }

    #[test]
    fn final_stage_counts_all_methods() {
        let criteria = [criterion(
            "c1",
            Essential,
            &[Application, Interview, Presentation],
            1,
        )];
        let scores = [
            score("c1", Application, "ann", 2),
            score("c1", Interview, "ann", 2),
            score("c1", Presentation, "ann", 1),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Final,
        );
        let result = result_for(&evaluation, "c1");
        assert!(result.methods.iter().all(|pair| pair.counted));
        assert_eq!(result.status, CriterionStatus::Unmet);
        assert_eq!(result.max_weighted_score, 9.0);
    }

    // --- alternative groups (seed: "60 M-level credits OR 5 years' experience") ----------

    fn credits_or_experience(requirement: Requirement) -> Vec<CriterionInput> {
        let group = "masters_or_experience";
        vec![
            in_group(
                criterion("credits", requirement, &[Application, Documents], 1),
                group,
            ),
            in_group(
                criterion("experience", requirement, &[Application, Interview], 2),
                group,
            ),
        ]
    }

    #[test]
    fn group_met_if_any_member_met() {
        let criteria = credits_or_experience(Essential);
        let scores = [
            score("credits", Application, "ann", 0),
            score("experience", Application, "ann", 3),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(
            result_for(&evaluation, "credits").status,
            CriterionStatus::Unmet
        );
        assert_eq!(
            result_for(&evaluation, "credits").group_status,
            Some(CriterionStatus::Met)
        );
        assert_eq!(
            result_for(&evaluation, "experience").group_status,
            Some(CriterionStatus::Met)
        );
        assert!(evaluation.unmet_essentials.is_empty());
        assert_eq!(evaluation.recommendation, Recommendation::Shortlist);
    }

    #[test]
    fn group_unmet_if_all_members_unmet() {
        let criteria = credits_or_experience(Essential);
        let scores = [
            score("credits", Application, "ann", 1),
            score("experience", Application, "ann", 0),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(
            result_for(&evaluation, "credits").group_status,
            Some(CriterionStatus::Unmet)
        );
        assert_eq!(evaluation.unmet_essentials, vec!["credits", "experience"]);
        assert_eq!(evaluation.recommendation, Recommendation::Reject);
    }

    #[test]
    fn group_pending_if_none_met_and_some_pending() {
        let criteria = credits_or_experience(Essential);
        let scores = [score("credits", Application, "ann", 1)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(
            result_for(&evaluation, "credits").group_status,
            Some(CriterionStatus::Pending)
        );
        assert_eq!(evaluation.pending_essentials, vec!["credits", "experience"]);
        assert_eq!(evaluation.recommendation, Recommendation::Incomplete);
    }

    #[test]
    fn group_leaves_out_members_not_assessed_at_stage() {
        let group = "masters_or_experience";
        let criteria = [
            in_group(criterion("credits", Essential, &[Application], 1), group),
            in_group(criterion("experience", Essential, &[Interview], 2), group),
        ];
        let scores = [score("credits", Application, "ann", 1)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        // Without leaving "experience" out, its pending interview would hold the group open.
        assert_eq!(
            result_for(&evaluation, "experience").status,
            CriterionStatus::NotAssessed
        );
        assert_eq!(
            result_for(&evaluation, "credits").group_status,
            Some(CriterionStatus::Unmet)
        );
        assert_eq!(evaluation.recommendation, Recommendation::Reject);
    }

    #[test]
    fn group_with_no_member_assessed_is_not_assessed() {
        let group = "masters_or_experience";
        let criteria = [
            in_group(criterion("credits", Essential, &[Documents], 1), group),
            in_group(criterion("experience", Essential, &[Interview], 2), group),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &[],
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(
            result_for(&evaluation, "credits").group_status,
            Some(CriterionStatus::NotAssessed)
        );
    }

    #[test]
    fn lone_criterion_has_no_group_status() {
        let evaluation = single_pair(Scale::default(), &[2], None);
        assert_eq!(result_for(&evaluation, "c1").group_status, None);
    }

    #[test]
    fn not_assessed_essential_neither_blocks_nor_counts() {
        let criteria = [
            criterion("application", Essential, &[Application], 1),
            criterion("interview", Essential, &[Interview], 2),
        ];
        let scores = [score("application", Application, "ann", 2)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(evaluation.recommendation, Recommendation::Shortlist);
        assert!(evaluation.pending_essentials.is_empty());
        assert_eq!(evaluation.max_weighted_score, 3.0);
    }

    // --- essentials and recommendation ---------------------------------------------------

    #[test]
    fn essentials_are_listed_in_position_order() {
        let criteria = [
            in_group(criterion("g2", Essential, &[Application], 4), "g"),
            criterion("lone3", Essential, &[Application], 3),
            in_group(criterion("g1", Essential, &[Application], 1), "g"),
            criterion("lone2", Essential, &[Application], 2),
        ];
        let scores = [
            score("g1", Application, "ann", 0),
            score("g2", Application, "ann", 1),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(evaluation.unmet_essentials, vec!["g1", "g2"]);
        assert_eq!(evaluation.pending_essentials, vec!["lone2", "lone3"]);
        let order: Vec<&str> = evaluation
            .criteria
            .iter()
            .map(|c| c.criterion_id.as_str())
            .collect();
        assert_eq!(order, vec!["g1", "lone2", "lone3", "g2"]);
    }

    #[test]
    fn unmet_desirable_does_not_block() {
        let criteria = [
            criterion("e", Essential, &[Application], 1),
            criterion("d", Desirable, &[Application], 2),
        ];
        let scores = [
            score("e", Application, "ann", 2),
            score("d", Application, "ann", 0),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(evaluation.recommendation, Recommendation::Shortlist);
        assert!(evaluation.unmet_essentials.is_empty());
    }

    #[test]
    fn pending_desirable_does_not_make_incomplete() {
        let criteria = [
            criterion("e", Essential, &[Application], 1),
            criterion("d", Desirable, &[Application], 2),
        ];
        let scores = [score("e", Application, "ann", 2)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(evaluation.recommendation, Recommendation::Shortlist);
    }

    #[test]
    fn recommendation_reject_if_any_essential_unmet_even_with_others_pending() {
        let criteria = [
            criterion("a", Essential, &[Application], 1),
            criterion("b", Essential, &[Application], 2),
        ];
        let scores = [score("a", Application, "ann", 1)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(evaluation.recommendation, Recommendation::Reject);
        assert_eq!(evaluation.unmet_essentials, vec!["a"]);
        assert_eq!(evaluation.pending_essentials, vec!["b"]);
    }

    #[test]
    fn recommendation_incomplete_if_any_essential_pending() {
        let criteria = [
            criterion("a", Essential, &[Application], 1),
            criterion("b", Essential, &[Application], 2),
        ];
        let scores = [score("a", Application, "ann", 3)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(evaluation.recommendation, Recommendation::Incomplete);
    }

    #[test]
    fn recommendation_shortlist_when_all_essentials_met() {
        let evaluation = single_pair(Scale::default(), &[2, 2], None);
        assert_eq!(evaluation.recommendation, Recommendation::Shortlist);
    }

    // --- weighted score -----------------------------------------------------------------

    #[test]
    fn weighted_score_sums_score_times_weight_over_counted_pairs() {
        let criteria = [
            with_weight(criterion("a", Essential, &[Application, Interview], 1), 2),
            with_weight(criterion("b", Desirable, &[Application], 2), 3),
        ];
        let scores = [
            score("a", Application, "ann", 2),
            score("a", Application, "bob", 3),
            score("a", Interview, "ann", 1),
            score("b", Application, "ann", 1),
        ];
        let shortlisting = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(shortlisting.weighted_score, 2.5 * 2.0 + 3.0);
        assert_eq!(shortlisting.max_weighted_score, 3.0 * 2.0 + 3.0 * 3.0);
        let final_stage = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Final,
        );
        assert_eq!(final_stage.weighted_score, 2.5 * 2.0 + 1.0 * 2.0 + 3.0);
        assert_eq!(result_for(&final_stage, "a").weighted_score, 7.0);
        assert_eq!(result_for(&final_stage, "a").max_weighted_score, 12.0);
    }

    #[test]
    fn pending_pairs_add_nothing_but_count_in_maximum() {
        let criteria = [
            criterion("a", Essential, &[Application], 1),
            criterion("b", Essential, &[Application], 2),
        ];
        let scores = [score("a", Application, "ann", 3)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(evaluation.weighted_score, 3.0);
        assert_eq!(evaluation.max_weighted_score, 6.0);
        assert_eq!(evaluation.percentage, 50.0);
    }

    #[test]
    fn percentage_is_zero_when_maximum_is_zero() {
        let criteria = [criterion("a", Essential, &[Interview], 1)];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &[],
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(evaluation.max_weighted_score, 0.0);
        assert_eq!(evaluation.percentage, 0.0);
        let empty = evaluate_plain(&VacancyRules::default(), &[], &[], &[], Stage::Final);
        assert_eq!(empty.percentage, 0.0);
        assert_eq!(empty.recommendation, Recommendation::Shortlist);
    }

    #[test]
    fn group_counts_once_through_its_best_member() {
        let group = "masters_or_experience";
        let criteria = [
            in_group(
                with_weight(criterion("credits", Desirable, &[Application], 1), 1),
                group,
            ),
            in_group(
                with_weight(
                    criterion("experience", Desirable, &[Application, Interview], 2),
                    2,
                ),
                group,
            ),
        ];
        let scores = [
            score("credits", Application, "ann", 3),
            score("experience", Application, "ann", 2),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Final,
        );
        // credits 3×1 = 3 of 3; experience 2×2 = 4 of (3+3)×2 = 12: experience counts.
        assert_eq!(evaluation.weighted_score, 4.0);
        assert_eq!(evaluation.max_weighted_score, 12.0);
    }

    #[test]
    fn group_tie_counts_lowest_position_member() {
        let group = "masters_or_experience";
        let criteria = [
            in_group(
                criterion("experience", Desirable, &[Application, Interview], 2),
                group,
            ),
            in_group(criterion("credits", Desirable, &[Application], 1), group),
        ];
        let scores = [
            score("credits", Application, "ann", 2),
            score("experience", Application, "ann", 2),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Final,
        );
        assert_eq!(evaluation.weighted_score, 2.0);
        assert_eq!(
            evaluation.max_weighted_score, 3.0,
            "credits (position 1) wins the tie"
        );
    }

    #[test]
    fn equal_totals_reached_differently_are_bit_identical() {
        // Totals are summed as fractions and converted once, so the same total reached
        // from thirds or from a whole score is the same f64 and ranks as a tie.
        let criteria = [
            criterion("a", Desirable, &[Application], 1),
            criterion("b", Desirable, &[Application], 2),
        ];
        let thirds = [
            score("a", Application, "ann", 1),
            score("a", Application, "bob", 0),
            score("a", Application, "cat", 0),
            score("b", Application, "ann", 1),
            score("b", Application, "bob", 1),
            score("b", Application, "cat", 0),
        ];
        let whole = [score("a", Application, "ann", 1)];
        let rules = VacancyRules::default();
        let by_thirds = evaluate_plain(&rules, &criteria, &thirds, &[], Stage::Final);
        let by_whole = evaluate_plain(&rules, &criteria, &whole, &[], Stage::Final);
        assert_eq!(
            by_thirds.weighted_score.to_bits(),
            by_whole.weighted_score.to_bits()
        );
    }

    // --- guaranteed interview and flags --------------------------------------------------

    #[test]
    fn guaranteed_interview_needs_scheme_opt_in_and_all_essentials_met() {
        let criteria = [criterion("c1", Essential, &[Application], 1)];
        for (scheme, opted_in, value, expected) in [
            (true, true, 2, true),
            (false, true, 2, false),
            (true, false, 2, false),
            (true, true, 1, false),
        ] {
            let rules = VacancyRules {
                guaranteed_interview_scheme: scheme,
                ..VacancyRules::default()
            };
            let declarations = Declarations {
                guaranteed_interview: opted_in,
                ..Declarations::default()
            };
            let scores = [score("c1", Application, "ann", value)];
            let evaluation = evaluate(
                &rules,
                &criteria,
                &scores,
                &[],
                &declarations,
                Stage::Shortlisting,
            );
            assert_eq!(
                evaluation.guaranteed_interview, expected,
                "scheme {scheme}, opted in {opted_in}, score {value}"
            );
        }
    }

    fn driving_rules(required: bool) -> VacancyRules {
        VacancyRules {
            driving_required: required,
            ..VacancyRules::default()
        }
    }

    #[test]
    fn driving_threshold_exceeded_when_points_or_accidents_above_thresholds() {
        let declared = |points: Option<i32>, accidents: Option<i32>| Declarations {
            penalty_points: points,
            at_fault_accidents: accidents,
            driving_licence_held: Some(true),
            ..Declarations::default()
        };
        let flags = |d: Declarations| driving_flags(&driving_rules(true), &d);
        assert_eq!(
            flags(declared(Some(10), Some(0))),
            vec![FLAG_DRIVING_THRESHOLD_EXCEEDED]
        );
        assert_eq!(
            flags(declared(Some(0), Some(4))),
            vec![FLAG_DRIVING_THRESHOLD_EXCEEDED]
        );
        assert_eq!(
            flags(declared(Some(9), Some(3))),
            vec![FLAG_DRIVING_TRAINING_REQUIRED],
            "at the threshold is allowed (with training)"
        );
        assert!(
            flags(declared(None, None)).is_empty(),
            "undeclared is left to the check"
        );
    }

    #[test]
    fn seed_001_trigger_points_flag_training_not_refusal() {
        let flags = |points, accidents| {
            driving_flags(
                &driving_rules(true),
                &Declarations {
                    driving_licence_held: Some(true),
                    penalty_points: Some(points),
                    at_fault_accidents: Some(accidents),
                    ..Declarations::default()
                },
            )
        };
        assert!(flags(5, 1).is_empty());
        assert_eq!(flags(6, 0), vec![FLAG_DRIVING_TRAINING_REQUIRED]);
        assert_eq!(flags(9, 0), vec![FLAG_DRIVING_TRAINING_REQUIRED]);
        assert_eq!(flags(0, 2), vec![FLAG_DRIVING_TRAINING_REQUIRED]);
        assert_eq!(flags(0, 3), vec![FLAG_DRIVING_TRAINING_REQUIRED]);
        // Beyond the thresholds: the refusal flag alone.
        assert_eq!(flags(10, 0), vec![FLAG_DRIVING_THRESHOLD_EXCEEDED]);
        assert_eq!(flags(0, 4), vec![FLAG_DRIVING_THRESHOLD_EXCEEDED]);
        assert!(!driving_training_required(6, 2, None, None));
        assert!(driving_training_required(3, 2, Some(3), None));
        // Not a driving post: no flags at all.
        assert!(driving_flags(
            &driving_rules(false),
            &Declarations {
                penalty_points: Some(9),
                ..Declarations::default()
            }
        )
        .is_empty());
    }

    #[test]
    fn driving_thresholds_are_per_vacancy() {
        let rules = VacancyRules {
            max_penalty_points: 3,
            ..driving_rules(true)
        };
        let declarations = Declarations {
            penalty_points: Some(4),
            ..Declarations::default()
        };
        assert_eq!(
            driving_flags(&rules, &declarations),
            vec![FLAG_DRIVING_THRESHOLD_EXCEEDED]
        );
    }

    #[test]
    fn no_driving_licence_when_driving_required_and_licence_not_held() {
        let declarations = Declarations {
            driving_licence_held: Some(false),
            penalty_points: Some(12),
            ..Declarations::default()
        };
        assert_eq!(
            driving_flags(&driving_rules(true), &declarations),
            vec![FLAG_DRIVING_THRESHOLD_EXCEEDED, FLAG_NO_DRIVING_LICENCE]
        );
    }

    #[test]
    fn driving_flags_empty_when_driving_not_required() {
        let declarations = Declarations {
            driving_licence_held: Some(false),
            penalty_points: Some(12),
            at_fault_accidents: Some(5),
            ..Declarations::default()
        };
        assert!(driving_flags(&driving_rules(false), &declarations).is_empty());
    }

    #[test]
    fn a_politically_restricted_post_flags_an_applicant_who_has_not_accepted() {
        let criteria = [criterion("c1", Essential, &[Application], 1)];
        let scores = [score("c1", Application, "ann", 2)];
        let rules = VacancyRules {
            politically_restricted: true,
            ..VacancyRules::default()
        };
        let flags = |accepted| {
            evaluate(
                &rules,
                &criteria,
                &scores,
                &[],
                &Declarations {
                    politically_restricted_accepted: accepted,
                    ..Declarations::default()
                },
                Stage::Final,
            )
            .flags
        };
        assert_eq!(flags(None), vec![FLAG_POLITICAL_RESTRICTION_NOT_ACCEPTED]);
        assert_eq!(
            flags(Some(false)),
            vec![FLAG_POLITICAL_RESTRICTION_NOT_ACCEPTED]
        );
        assert!(flags(Some(true)).is_empty());
    }

    #[test]
    fn only_driving_and_political_flags_come_from_declarations() {
        assert!(is_declaration_flag(FLAG_DRIVING_THRESHOLD_EXCEEDED));
        assert!(is_declaration_flag(FLAG_NO_DRIVING_LICENCE));
        assert!(is_declaration_flag(FLAG_DRIVING_TRAINING_REQUIRED));
        assert!(is_declaration_flag(FLAG_POLITICAL_RESTRICTION_NOT_ACCEPTED));
        assert!(!is_declaration_flag(FLAG_NEEDS_MODERATION));
    }

    #[test]
    fn flags_combine_driving_and_moderation_sorted() {
        let criteria = [criterion("c1", Essential, &[Application], 1)];
        let scores = [
            score("c1", Application, "ann", 0),
            score("c1", Application, "bob", 3),
        ];
        let declarations = Declarations {
            driving_licence_held: Some(false),
            at_fault_accidents: Some(4),
            ..Declarations::default()
        };
        let evaluation = evaluate(
            &driving_rules(true),
            &criteria,
            &scores,
            &[],
            &declarations,
            Stage::Final,
        );
        assert_eq!(
            evaluation.flags,
            vec![
                FLAG_DRIVING_THRESHOLD_EXCEEDED,
                FLAG_NEEDS_MODERATION,
                FLAG_NO_DRIVING_LICENCE
            ]
        );
    }

    // --- seed scenarios -------------------------------------------------------------------

    #[test]
    fn seed_default_scale_0_to_3_pass_2() {
        let criteria = [
            criterion("qualification", Essential, &[Application, Documents], 1),
            criterion("experience", Essential, &[Application, Interview], 2),
            with_weight(criterion("welsh", Desirable, &[Application], 3), 2),
        ];
        let scores = [
            score("qualification", Application, "ann", 2),
            score("qualification", Application, "bob", 3),
            score("experience", Application, "ann", 2),
            score("experience", Application, "bob", 2),
            score("welsh", Application, "ann", 1),
        ];
        let evaluation = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Shortlisting,
        );
        assert_eq!(evaluation.recommendation, Recommendation::Shortlist);
        assert_eq!(evaluation.weighted_score, 2.5 + 2.0 + 2.0);
        assert_eq!(evaluation.max_weighted_score, 3.0 + 3.0 + 6.0);
        assert_eq!(evaluation.percentage, 6.5 / 12.0 * 100.0);

        let final_stage = evaluate_plain(
            &VacancyRules::default(),
            &criteria,
            &scores,
            &[],
            Stage::Final,
        );
        assert_eq!(final_stage.recommendation, Recommendation::Incomplete);
        assert_eq!(
            final_stage.pending_essentials,
            vec!["qualification", "experience"]
        );
    }

    #[test]
    fn seed_civil_service_scale_1_to_7_pass_4() {
        let rules = rules_with_scale(civil_service_scale());
        let criteria = [
            criterion("leadership", Essential, &[Application], 1),
            criterion("delivery", Essential, &[Application], 2),
        ];
        let scores = [
            score("leadership", Application, "ann", 5),
            score("leadership", Application, "bob", 4),
            score("delivery", Application, "ann", 4),
            score("delivery", Application, "bob", 3),
        ];
        let evaluation = evaluate_plain(&rules, &criteria, &scores, &[], Stage::Shortlisting);
        assert_eq!(
            evaluation.unmet_essentials,
            vec!["delivery"],
            "mean 3.5 < 4"
        );
        assert_eq!(evaluation.recommendation, Recommendation::Reject);
        assert_eq!(evaluation.max_weighted_score, 14.0);

        let moderated = evaluate_plain(
            &rules,
            &criteria,
            &scores,
            &[agreed("delivery", Application, 4)],
            Stage::Shortlisting,
        );
        assert_eq!(moderated.recommendation, Recommendation::Shortlist);
        assert_eq!(moderated.weighted_score, 4.5 + 4.0);
    }

    // --- ranking ------------------------------------------------------------------------------

    fn entry(
        id: &str,
        recommendation: Recommendation,
        weighted: f64,
        order: i64,
    ) -> (String, Recommendation, f64, i64) {
        (id.to_string(), recommendation, weighted, order)
    }

    #[test]
    fn rank_uses_standard_competition_ranking() {
        let entries = [
            entry("d", Recommendation::Shortlist, 5.0, 4),
            entry("b", Recommendation::Shortlist, 8.0, 3),
            entry("a", Recommendation::Shortlist, 9.0, 1),
            entry("c", Recommendation::Shortlist, 8.0, 2),
        ];
        let ranked = rank(&entries);
        assert_eq!(
            ranked,
            vec![
                ("a".to_string(), Some(1), false),
                ("c".to_string(), Some(2), true),
                ("b".to_string(), Some(2), true),
                ("d".to_string(), Some(4), false),
            ]
        );
    }

    #[test]
    fn rank_only_shortlist_recommendations() {
        let entries = [
            entry("rejected", Recommendation::Reject, 9.0, 1),
            entry("incomplete", Recommendation::Incomplete, 9.0, 0),
            entry("shortlisted", Recommendation::Shortlist, 1.0, 2),
        ];
        assert_eq!(
            rank(&entries),
            vec![
                ("shortlisted".to_string(), Some(1), false),
                ("incomplete".to_string(), None, false),
                ("rejected".to_string(), None, false),
            ]
        );
    }

    #[test]
    fn rank_treats_both_zeros_as_tied() {
        let entries = [
            entry("a", Recommendation::Shortlist, 0.0, 1),
            entry("b", Recommendation::Shortlist, -0.0, 2),
        ];
        assert!(rank(&entries)
            .iter()
            .all(|(_, rank, tied)| *rank == Some(1) && *tied));
    }

    // --- properties -----------------------------------------------------------------------

    #[derive(Debug, Clone)]
    struct Scenario {
        rules: VacancyRules,
        criteria: Vec<CriterionInput>,
        scores: Vec<ScoreInput>,
        agreed: Vec<AgreedScoreInput>,
        stage: Stage,
    }

    impl Scenario {
        fn evaluate(&self) -> Evaluation {
            evaluate_plain(
                &self.rules,
                &self.criteria,
                &self.scores,
                &self.agreed,
                self.stage,
            )
        }
    }

    fn method_strategy() -> impl Strategy<Value = Method> {
        proptest::sample::select(Method::ALL.to_vec())
    }

    fn method_subset() -> impl Strategy<Value = Vec<Method>> {
        proptest::sample::subsequence(Method::ALL.to_vec(), 0..=Method::ALL.len())
    }

    fn scale_strategy() -> impl Strategy<Value = Scale> {
        prop_oneof![
            Just(Scale::default()),
            Just(civil_service_scale()),
            (0i32..3, 1i32..7).prop_flat_map(|(min, span)| {
                (min..=min + span).prop_map(move |pass_mark| Scale {
                    min,
                    max: min + span,
                    pass_mark,
                })
            }),
        ]
    }

    /// (requirement, methods, weight, group, position); ids are assigned by index.
    fn criterion_strategy(
    ) -> impl Strategy<Value = (Requirement, Vec<Method>, i32, Option<&'static str>, i32)> {
        (
            proptest::sample::select(Requirement::ALL.to_vec()),
            proptest::sample::subsequence(Method::ALL.to_vec(), 1..=3),
            1i32..=10,
            proptest::option::of(proptest::sample::select(vec!["g1", "g2"])),
            0i32..6,
        )
    }

    fn scenario_strategy() -> impl Strategy<Value = Scenario> {
        (
            scale_strategy(),
            proptest::collection::vec(criterion_strategy(), 1..6),
            method_subset(),
            proptest::sample::select(Stage::ALL.to_vec()),
        )
            .prop_flat_map(|(scale, criteria, shortlisting_methods, stage)| {
                let count = criteria.len();
                let values = scale.min..=scale.max;
                let scores = proptest::collection::vec(
                    (0..count, method_strategy(), 0u8..3, values.clone()),
                    0..24,
                );
                let agreed = proptest::collection::vec((0..count, method_strategy(), values), 0..4);
                (
                    Just(scale),
                    Just(criteria),
                    Just(shortlisting_methods),
                    Just(stage),
                    scores,
                    agreed,
                )
            })
            .prop_map(
                |(scale, criteria, shortlisting_methods, stage, scores, agreed_scores)| {
                    let criteria: Vec<CriterionInput> = criteria
                        .into_iter()
                        .enumerate()
                        .map(|(i, (requirement, methods, weight, group, position))| {
                            CriterionInput {
                                id: format!("c{i}"),
                                requirement,
                                methods,
                                weight,
                                alternative_group: group.map(str::to_string),
                                position,
                            }
                        })
                        .collect();
                    // One score per (criterion, method, assessor), so raising one is never masked
                    // by a later resubmission.
                    let mut seen = std::collections::HashSet::new();
                    let scores = scores
                        .into_iter()
                        .filter(|&(c, m, a, _)| seen.insert((c, m, a)))
                        .map(|(c, m, a, value)| {
                            score(&format!("c{c}"), m, &format!("assessor{a}"), value)
                        })
                        .collect();
                    let agreed_scores = agreed_scores
                        .into_iter()
                        .map(|(c, m, value)| agreed(&format!("c{c}"), m, value))
                        .collect();
                    Scenario {
                        rules: VacancyRules {
                            scale,
                            shortlisting_methods,
                            ..VacancyRules::default()
                        },
                        criteria,
                        scores,
                        agreed: agreed_scores,
                        stage,
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn raising_a_score_never_unmeets_or_lowers_weighted_score(
            scenario in scenario_strategy(),
            which in any::<proptest::sample::Index>(),
            raise in 1i32..7,
        ) {
            prop_assume!(!scenario.scores.is_empty());
            let before = scenario.evaluate();
            let mut raised = scenario.clone();
            let index = which.index(raised.scores.len());
            let max = raised.rules.scale.max;
            raised.scores[index].score = (raised.scores[index].score + raise).min(max);
            let after = raised.evaluate();

            prop_assert!(after.weighted_score >= before.weighted_score);
            for (old, new) in before.criteria.iter().zip(&after.criteria) {
                prop_assert_eq!(&old.criterion_id, &new.criterion_id);
                if old.status == CriterionStatus::Met {
                    prop_assert_ne!(new.status, CriterionStatus::Unmet);
                }
                if old.group_status == Some(CriterionStatus::Met) {
                    prop_assert_ne!(new.group_status, Some(CriterionStatus::Unmet));
                }
                for (old_pair, new_pair) in old.methods.iter().zip(&new.methods) {
                    if old_pair.status == PairStatus::Met {
                        prop_assert_ne!(new_pair.status, PairStatus::Unmet);
                    }
                }
            }
            if before.recommendation == Recommendation::Shortlist {
                prop_assert_eq!(after.recommendation, Recommendation::Shortlist);
            }
        }

        #[test]
        fn aggregated_scores_evaluate_exactly_as_individual_ones(scenario in scenario_strategy()) {
            // What a GROUP BY (criterion, method) hands over: count, sum, min, max.
            let mut groups: std::collections::BTreeMap<(String, Method), Vec<i32>> = Default::default();
            for s in &scenario.scores {
                groups.entry((s.criterion_id.clone(), s.method)).or_default().push(s.score);
            }
            let summaries: Vec<PairSummary> = groups
                .into_iter()
                .map(|((criterion_id, method), values)| PairSummary {
                    criterion_id,
                    method,
                    count: values.len() as u32,
                    sum: values.iter().map(|&v| i64::from(v)).sum(),
                    min: *values.iter().min().unwrap(),
                    max: *values.iter().max().unwrap(),
                })
                .collect();
            let from_summaries = evaluate_summaries(
                &scenario.rules,
                &scenario.criteria,
                &summaries,
                &scenario.agreed,
                &Declarations::default(),
                scenario.stage,
            );
            prop_assert_eq!(from_summaries, scenario.evaluate());
        }

        #[test]
        fn group_met_iff_some_counted_member_met(scenario in scenario_strategy()) {
            let evaluation = scenario.evaluate();
            for group in ["g1", "g2"] {
                let members: Vec<&CriterionResult> = scenario
                    .criteria
                    .iter()
                    .filter(|c| c.alternative_group.as_deref() == Some(group))
                    .map(|c| result_for(&evaluation, &c.id))
                    .collect();
                let any_member_met = members.iter().any(|m| m.status == CriterionStatus::Met);
                for member in &members {
                    prop_assert_eq!(
                        member.group_status == Some(CriterionStatus::Met),
                        any_member_met
                    );
                }
            }
        }

        #[test]
        fn methods_outside_shortlisting_methods_do_not_affect_shortlisting(
            scenario in scenario_strategy(),
            extra_scores in proptest::collection::vec((0usize..6, method_strategy(), 0u8..4, 0i32..8), 0..12),
            extra_agreed in proptest::collection::vec((0usize..6, method_strategy(), 0i32..8), 0..4),
        ) {
            let mut scenario = scenario;
            scenario.stage = Stage::Shortlisting;
            let before = scenario.evaluate();

            let outside = |method: &Method| !scenario.rules.shortlisting_methods.contains(method);
            let count = scenario.criteria.len();
            let mut extended = scenario.clone();
            extended.scores.extend(
                extra_scores
                    .iter()
                    .filter(|(_, method, _, _)| outside(method))
                    .map(|&(c, method, a, value)| {
                        score(&format!("c{}", c % count), method, &format!("extra{a}"), value)
                    }),
            );
            extended.agreed.extend(
                extra_agreed
                    .iter()
                    .filter(|(_, method, _)| outside(method))
                    .map(|&(c, method, value)| agreed(&format!("c{}", c % count), method, value)),
            );
            prop_assert_eq!(before, extended.evaluate());
        }

        #[test]
        fn percentage_within_0_to_100_and_weighted_within_maximum(scenario in scenario_strategy()) {
            let evaluation = scenario.evaluate();
            prop_assert!((0.0..=100.0).contains(&evaluation.percentage));
            prop_assert!(evaluation.weighted_score >= 0.0);
            prop_assert!(evaluation.weighted_score <= evaluation.max_weighted_score);
            for criterion in &evaluation.criteria {
                prop_assert!(criterion.weighted_score <= criterion.max_weighted_score);
            }
        }

        #[test]
        fn ranks_are_non_decreasing_and_equal_scores_share_a_rank(
            raw in proptest::collection::vec((0u8..3, 0u8..5, 0i64..6), 0..12),
        ) {
            let recommendations = [Recommendation::Shortlist, Recommendation::Reject, Recommendation::Incomplete];
            let entries: Vec<(String, Recommendation, f64, i64)> = raw
                .iter()
                .enumerate()
                .map(|(i, &(r, s, order))| (format!("a{i}"), recommendations[usize::from(r)], f64::from(s) * 0.5, order))
                .collect();
            let ranked = rank(&entries);
            prop_assert_eq!(ranked.len(), entries.len());

            let find = |id: &str| entries.iter().find(|e| e.0 == id).unwrap();
            let mut last_rank = 0;
            let mut seen_unranked = false;
            for (id, position, tied) in &ranked {
                let (_, recommendation, weighted, _) = find(id);
                match position {
                    Some(position) => {
                        prop_assert_eq!(*recommendation, Recommendation::Shortlist);
                        prop_assert!(!seen_unranked, "ranked entries come first");
                        prop_assert!(*position >= last_rank);
                        last_rank = *position;
                        let ahead = entries
                            .iter()
                            .filter(|e| e.1 == Recommendation::Shortlist && e.2 > *weighted)
                            .count();
                        prop_assert_eq!(*position as usize, ahead + 1);
                        let equal = entries
                            .iter()
                            .filter(|e| e.1 == Recommendation::Shortlist && e.2 == *weighted)
                            .count();
                        prop_assert_eq!(*tied, equal > 1);
                    }
                    None => {
                        prop_assert_ne!(*recommendation, Recommendation::Shortlist);
                        prop_assert!(!tied);
                        seen_unranked = true;
                    }
                }
            }
            for pair in ranked.windows(2) {
                let (a, b) = (find(&pair[0].0), find(&pair[1].0));
                if a.1 == Recommendation::Shortlist && b.1 == Recommendation::Shortlist && a.2 == b.2 {
                    prop_assert_eq!(pair[0].1, pair[1].1);
                    prop_assert!(a.3 <= b.3, "a tie is displayed by submission order");
                }
            }
        }
    }
}
