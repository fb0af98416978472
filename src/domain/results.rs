//! Each application's result at one step, as a shortlist shows it: kept on write (see
//! `db::results`) so that a shortlist reads one ready row per application instead of
//! evaluating them all. Derived from an [`Evaluation`] by [`StepResult::of`] and nothing
//! else, so the kept row and a fresh evaluation cannot disagree about what they mean.

use serde::{Deserialize, Serialize};

use super::evaluation::{Evaluation, Recommendation};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepResult {
    pub recommendation: Recommendation,
    pub weighted_score: f64,
    pub max_weighted_score: f64,
    pub percentage: f64,
    pub unmet_essentials: Vec<String>,
    pub pending_essentials: Vec<String>,
    pub needs_moderation: bool,
    pub guaranteed_interview: bool,
    pub flags: Vec<String>,
    /// One entry per criterion of the vacancy, in the order the result was made for
    /// (`criterion_ids`): the mean of its counted method scores, `None` when none counts.
    pub criterion_scores: Vec<Option<f64>>,
    /// A fingerprint of the criteria `criterion_scores` follows ([`criteria_fingerprint`]);
    /// a reader whose criteria differ must not use the row (it was made before a change
    /// that should have replaced it). A fingerprint, not the ids: the ids were 70% of each
    /// stored row and most of the work of reading a shortlist back.
    pub criteria: String,
}

impl StepResult {
    /// The result of `evaluation` for a vacancy whose criteria are `criterion_ids`, in
    /// the order the shortlist lists them.
    pub fn of(evaluation: &Evaluation, criterion_ids: &[&str]) -> StepResult {
        let criterion_scores = criterion_ids
            .iter()
            .enumerate()
            .map(|(n, id)| {
                // Both lists are in position order; fall back to a search if not.
                let result = evaluation
                    .criteria
                    .get(n)
                    .filter(|r| r.criterion_id == *id)
                    .or_else(|| evaluation.criteria.iter().find(|r| r.criterion_id == *id))?;
                let counted: Vec<f64> = result
                    .methods
                    .iter()
                    .filter(|m| m.counted)
                    .filter_map(|m| m.score)
                    .collect();
                (!counted.is_empty()).then(|| counted.iter().sum::<f64>() / counted.len() as f64)
            })
            .collect();
        StepResult {
            recommendation: evaluation.recommendation,
            weighted_score: evaluation.weighted_score,
            max_weighted_score: evaluation.max_weighted_score,
            percentage: evaluation.percentage,
            unmet_essentials: evaluation.unmet_essentials.clone(),
            pending_essentials: evaluation.pending_essentials.clone(),
            needs_moderation: evaluation.needs_moderation,
            guaranteed_interview: evaluation.guaranteed_interview,
            flags: evaluation.flags.clone(),
            criterion_scores,
            criteria: criteria_fingerprint(criterion_ids),
        }
    }

    /// Whether this row was made for the criteria whose fingerprint is `fingerprint`.
    pub fn fits(&self, fingerprint: &str) -> bool {
        self.criteria == fingerprint
    }
}

/// A stable fingerprint of criteria ids in order: their count and a 64-bit FNV-1a hash
/// of the ids, each ended by a NUL (std's hasher is seeded per process, so it cannot be
/// stored). A stale row is also caught by its count; a hash collision between two
/// criteria lists of one vacancy is not a practical concern at 64 bits.
pub fn criteria_fingerprint(criterion_ids: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for id in criterion_ids {
        for byte in id.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{}:{hash:016x}", criterion_ids.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evaluation::{
        evaluate, CriterionInput, Declarations, Method, Requirement, ScoreInput, VacancyRules,
    };

    fn criterion(id: &str, requirement: Requirement, methods: Vec<Method>) -> CriterionInput {
        CriterionInput {
            id: id.into(),
            requirement,
            methods,
            weight: 1,
            alternative_group: None,
            position: 0,
        }
    }

    fn score(criterion: &str, method: Method, assessor: &str, score: i32) -> ScoreInput {
        ScoreInput {
            criterion_id: criterion.into(),
            method,
            assessor: assessor.into(),
            score,
        }
    }

    #[test]
    fn a_result_keeps_what_the_shortlist_shows_and_means_the_counted_scores() {
        let rules = VacancyRules::default();
        let criteria = vec![
            criterion("c0", Requirement::Essential, vec![Method::Application]),
            criterion(
                "c1",
                Requirement::Desirable,
                vec![Method::Application, Method::Interview],
            ),
            criterion("c2", Requirement::Desirable, vec![Method::Test]),
        ];
        let scores = vec![
            score("c0", Method::Application, "ann", 3),
            score("c0", Method::Application, "bob", 2),
            score("c1", Method::Application, "ann", 1),
            score("c1", Method::Interview, "ann", 2),
        ];
        let stage = vec![Method::Application, Method::Interview, Method::Test];
        let e = evaluate(
            &rules,
            &criteria,
            &scores,
            &[],
            &Declarations::default(),
            stage.as_slice(),
        );
        let r = StepResult::of(&e, &["c0", "c1", "c2"]);
        assert_eq!(r.recommendation, e.recommendation);
        assert_eq!(r.weighted_score, e.weighted_score);
        assert_eq!(r.unmet_essentials, e.unmet_essentials);
        assert_eq!(r.flags, e.flags);
        assert_eq!(r.criterion_scores, vec![Some(2.5), Some(1.5), None]);
        // Stored and read back, it is the same result, to the last bit.
        let text = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<StepResult>(&text).unwrap(), r);
        assert!(r.fits(&criteria_fingerprint(&["c0", "c1", "c2"])));
        assert!(!r.fits(&criteria_fingerprint(&["c0", "c2", "c1"])));
        assert!(!r.fits(&criteria_fingerprint(&["c0", "c1"])));
        assert!(!r.fits(&criteria_fingerprint(&["c0", "c1c2", ""])));
    }

    #[test]
    fn floats_survive_the_json_round_trip_bit_for_bit() {
        // Ranking compares weighted scores with `==`: a stored score must read back as
        // the very same f64 (serde_json's `float_roundtrip`).
        for x in [
            1.0 / 3.0,
            2.0 / 3.0 * 7.0,
            0.1 + 0.2,
            123_456.789_012_345_6,
            f64::MIN_POSITIVE,
        ] {
            let text = serde_json::to_string(&x).unwrap();
            assert_eq!(
                serde_json::from_str::<f64>(&text).unwrap().to_bits(),
                x.to_bits()
            );
        }
    }

    mod properties {
        use super::*;
        use crate::domain::evaluation::rank;
        use proptest::prelude::*;

        proptest! {
            /// The shortlist ranks kept rows read back from the database; any score
            /// sheet set must rank the same from them as from fresh evaluations (ties
            /// included: they compare weighted scores with `==`).
            #[test]
            fn kept_results_rank_as_fresh_evaluations(
                sheets in proptest::collection::vec(
                    proptest::collection::vec(proptest::option::of(0..4i32), 6), 1..12),
                essential in proptest::collection::vec(any::<bool>(), 3),
            ) {
                let rules = VacancyRules::default();
                let criteria: Vec<CriterionInput> = (0..3)
                    .map(|i| criterion(
                        &format!("c{i}"),
                        if essential[i] { Requirement::Essential } else { Requirement::Desirable },
                        vec![Method::Application],
                    ))
                    .collect();
                let ids = ["c0", "c1", "c2"];
                let stage = [Method::Application];
                let mut fresh = Vec::new();
                let mut kept = Vec::new();
                for (n, sheet) in sheets.iter().enumerate() {
                    // Two assessors' lines per criterion, some left out.
                    let scores: Vec<ScoreInput> = sheet
                        .iter()
                        .enumerate()
                        .filter_map(|(j, s)| {
                            s.map(|s| score(ids[j % 3], Method::Application, ["ann", "bob"][j / 3], s))
                        })
                        .collect();
                    let e = evaluate(&rules, &criteria, &scores, &[], &Declarations::default(), stage.as_slice());
                    let text = serde_json::to_string(&StepResult::of(&e, &ids)).unwrap();
                    let back: StepResult = serde_json::from_str(&text).unwrap();
                    fresh.push((format!("a{n}"), e.recommendation, e.weighted_score, n as i64));
                    kept.push((format!("a{n}"), back.recommendation, back.weighted_score, n as i64));
                }
                prop_assert_eq!(rank(&kept), rank(&fresh));
            }
        }
    }
}
