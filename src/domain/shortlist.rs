//! Shortlisting decisions and the proposed shortlist.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::evaluation::{CriterionStatus, Evaluation, Recommendation};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Shortlisted,
    NotShortlisted,
}

/// Why a decision may not be recorded as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecisionRefusal {
    /// Shortlisting someone with an unmet or pending essential needs a stated override.
    OverrideReasonRequired,
    /// A guaranteed-interview applicant who meets every essential must be interviewed.
    GuaranteedInterview,
}

/// Checks a decision against the applicant's shortlisting evaluation and returns the
/// criteria a `not_shortlisted` decision rests on (every unmet criterion, in position
/// order; empty for `shortlisted`).
pub fn decide(
    decision: Decision,
    evaluation: &Evaluation,
    override_reason: Option<&str>,
) -> Result<Vec<String>, DecisionRefusal> {
    match decision {
        Decision::Shortlisted => {
            let doubtful = !evaluation.unmet_essentials.is_empty()
                || !evaluation.pending_essentials.is_empty();
            if doubtful && override_reason.is_none_or(|r| r.trim().is_empty()) {
                return Err(DecisionRefusal::OverrideReasonRequired);
            }
            Ok(Vec::new())
        }
        Decision::NotShortlisted => {
            if evaluation.guaranteed_interview {
                return Err(DecisionRefusal::GuaranteedInterview);
            }
            Ok(evaluation
                .criteria
                .iter()
                .filter(|c| c.status == CriterionStatus::Unmet)
                .map(|c| c.criterion_id.clone())
                .collect())
        }
    }
}

/// One row of a ranked list, as selection needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    pub rank: Option<u32>,
    pub recommendation: Recommendation,
    pub guaranteed_interview: bool,
}

/// Whether each row is in the proposed shortlist: recommended `shortlist` and within
/// the top `top` ranks (all of them when `top` is `None`), or guaranteed an interview
/// whatever the rank. Ties at the cut are all kept (rank ≤ top).
pub fn proposed(rows: &[Ranked], top: Option<u32>) -> Vec<bool> {
    rows.iter()
        .map(|r| {
            r.guaranteed_interview
                || (r.recommendation == Recommendation::Shortlist
                    && r.rank.is_some_and(|rank| top.is_none_or(|n| rank <= n)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::evaluation::CriterionResult;
    use proptest::prelude::*;

    fn evaluation(unmet: &[&str], pending: &[&str], guaranteed: bool) -> Evaluation {
        Evaluation {
            criteria: unmet
                .iter()
                .map(|id| CriterionResult {
                    criterion_id: id.to_string(),
                    status: CriterionStatus::Unmet,
                    group_status: None,
                    methods: vec![],
                    weighted_score: 0.0,
                    max_weighted_score: 3.0,
                })
                .collect(),
            recommendation: if !unmet.is_empty() {
                Recommendation::Reject
            } else if !pending.is_empty() {
                Recommendation::Incomplete
            } else {
                Recommendation::Shortlist
            },
            unmet_essentials: unmet.iter().map(|s| s.to_string()).collect(),
            pending_essentials: pending.iter().map(|s| s.to_string()).collect(),
            weighted_score: 0.0,
            max_weighted_score: 0.0,
            percentage: 0.0,
            needs_moderation: false,
            guaranteed_interview: guaranteed,
            flags: vec![],
        }
    }

    #[test]
    fn shortlisting_an_applicant_who_meets_the_essentials_needs_no_override() {
        assert_eq!(
            decide(Decision::Shortlisted, &evaluation(&[], &[], false), None),
            Ok(vec![])
        );
    }

    #[test]
    fn shortlisting_despite_an_unmet_or_pending_essential_needs_an_override_reason() {
        for e in [
            evaluation(&["c1"], &[], false),
            evaluation(&[], &["c2"], false),
        ] {
            assert_eq!(
                decide(Decision::Shortlisted, &e, None),
                Err(DecisionRefusal::OverrideReasonRequired)
            );
            assert_eq!(
                decide(Decision::Shortlisted, &e, Some("  ")),
                Err(DecisionRefusal::OverrideReasonRequired)
            );
            assert_eq!(
                decide(
                    Decision::Shortlisted,
                    &e,
                    Some("Panel judged equivalent experience")
                ),
                Ok(vec![])
            );
        }
    }

    #[test]
    fn rejection_records_the_unmet_criteria() {
        assert_eq!(
            decide(
                Decision::NotShortlisted,
                &evaluation(&["c1", "c4"], &[], false),
                None
            ),
            Ok(vec!["c1".to_string(), "c4".to_string()])
        );
    }

    #[test]
    fn a_guaranteed_interview_cannot_be_refused() {
        assert_eq!(
            decide(Decision::NotShortlisted, &evaluation(&[], &[], true), None),
            Err(DecisionRefusal::GuaranteedInterview)
        );
    }

    fn row(rank: Option<u32>, rec: Recommendation, gi: bool) -> Ranked {
        Ranked {
            rank,
            recommendation: rec,
            guaranteed_interview: gi,
        }
    }

    #[test]
    fn top_n_keeps_ties_at_the_cut_and_every_guaranteed_interview() {
        use Recommendation::*;
        let rows = [
            row(Some(1), Shortlist, false),
            row(Some(2), Shortlist, false),
            row(Some(2), Shortlist, false),
            row(Some(4), Shortlist, true),
            row(Some(5), Shortlist, false),
            row(None, Reject, false),
        ];
        assert_eq!(
            proposed(&rows, Some(2)),
            vec![true, true, true, true, false, false]
        );
        assert_eq!(
            proposed(&rows, None),
            vec![true, true, true, true, true, false]
        );
    }

    proptest! {
        /// Guaranteed-interview applicants are always proposed, whatever N.
        #[test]
        fn guaranteed_interviews_survive_any_cut(top in proptest::option::of(0u32..5), ranks in proptest::collection::vec((1u32..8, any::<bool>()), 0..12)) {
            let rows: Vec<_> = ranks.iter().map(|(r, gi)| row(Some(*r), Recommendation::Shortlist, *gi)).collect();
            let picked = proposed(&rows, top);
            for (r, p) in rows.iter().zip(&picked) {
                if r.guaranteed_interview { prop_assert!(*p); }
                if let (Some(n), Some(rank)) = (top, r.rank) {
                    if rank > n && !r.guaranteed_interview { prop_assert!(!*p); }
                }
            }
        }
    }
}
