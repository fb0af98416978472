//! Counting a vacancy's pipeline from aggregate counts, without reading every
//! application: who reached each step and where they stand at it.

use std::collections::{BTreeMap, HashMap};

use super::plan::{current_step, Outcome};

/// One step's counts: how many applications reached it and their outcomes there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepCount {
    pub reached: u64,
    /// Every outcome, `pending` included (reached and not yet decided).
    pub outcomes: BTreeMap<&'static str, u64>,
}

/// Counts at each of `steps` steps from `total` applications, the recorded outcomes
/// counted per step (`decided[k]`), and the outcomes of each withdrawn application.
/// An application reaches step k once it progressed at every earlier step, so those
/// who reached step k+1 are those progressed at step k. As on the vacancy summary, a
/// withdrawn application still pending (or in reserve) at its current step counts as
/// `withdrawn` there.
pub fn step_counts(
    steps: usize,
    total: u64,
    decided: &[HashMap<Outcome, u64>],
    withdrawn: &[Vec<Outcome>],
) -> Vec<StepCount> {
    let decided_at = |k: usize, o: Outcome| -> u64 {
        decided.get(k).and_then(|m| m.get(&o)).copied().unwrap_or(0)
    };
    let mut counts: Vec<StepCount> = (0..steps)
        .map(|k| {
            let reached = if k == 0 {
                total
            } else {
                decided_at(k - 1, Outcome::Progressed)
            };
            let mut outcomes: BTreeMap<&'static str, u64> = Outcome::ALL
                .iter()
                .map(|o| (o.as_str(), decided_at(k, *o)))
                .collect();
            let recorded: u64 = Outcome::ALL.iter().map(|o| decided_at(k, *o)).sum();
            outcomes.insert(Outcome::Pending.as_str(), reached.saturating_sub(recorded));
            StepCount { reached, outcomes }
        })
        .collect();
    for outcomes in withdrawn {
        if outcomes.len() != steps || steps == 0 {
            continue;
        }
        let c = current_step(outcomes);
        if matches!(outcomes[c], Outcome::Pending | Outcome::Reserve) {
            let shown = &mut counts[c].outcomes;
            if let Some(n) = shown.get_mut(outcomes[c].as_str()) {
                *n = n.saturating_sub(1);
            }
            *shown.entry(Outcome::Withdrawn.as_str()).or_default() += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decided(pairs: &[(Outcome, u64)]) -> HashMap<Outcome, u64> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn reached_follows_progressed_and_pending_is_the_rest() {
        use Outcome::*;
        let counts = step_counts(
            3,
            10,
            &[
                decided(&[(Progressed, 4), (NotProgressed, 3)]),
                decided(&[(Progressed, 1), (Reserve, 1)]),
                decided(&[]),
            ],
            &[],
        );
        assert_eq!(counts[0].reached, 10);
        assert_eq!(counts[0].outcomes["pending"], 3);
        assert_eq!(counts[0].outcomes["not_progressed"], 3);
        assert_eq!(counts[1].reached, 4);
        assert_eq!(counts[1].outcomes["pending"], 2);
        assert_eq!(counts[1].outcomes["reserve"], 1);
        assert_eq!(counts[2].reached, 1);
        assert_eq!(counts[2].outcomes["pending"], 1);
    }

    #[test]
    fn a_withdrawn_applicant_shows_as_withdrawn_where_they_stood() {
        use Outcome::*;
        let counts = step_counts(
            2,
            3,
            &[decided(&[(Progressed, 2)]), decided(&[(Reserve, 1)])],
            // One withdrew while pending at the sift, one from the reserve list.
            &[vec![Pending, Pending], vec![Progressed, Reserve]],
        );
        assert_eq!(counts[0].outcomes["pending"], 0);
        assert_eq!(counts[0].outcomes["withdrawn"], 1);
        assert_eq!(counts[1].outcomes["reserve"], 0);
        assert_eq!(counts[1].outcomes["withdrawn"], 1);
        assert_eq!(counts[1].outcomes["pending"], 1);
    }

    proptest::proptest! {
        /// At every step the outcomes add up to those who reached it.
        #[test]
        fn outcomes_add_up_to_reached(
            paths in proptest::collection::vec((0usize..4, 0u8..4, proptest::bool::ANY), 0..40)
        ) {
            use Outcome::*;
            let steps = 3;
            // Each application progressed `p` steps, then stopped with outcome `last`
            // (or is still pending there), perhaps withdrawn since.
            let mut decided_by_step = vec![HashMap::new(); steps];
            let mut withdrawn = Vec::new();
            for (p, last, gone) in &paths {
                let p = (*p).min(steps);
                let mut outcomes = vec![Pending; steps];
                for o in outcomes.iter_mut().take(p) {
                    *o = Progressed;
                }
                if p < steps {
                    outcomes[p] = [Pending, NotProgressed, Reserve, NoShow][*last as usize];
                }
                for (k, o) in outcomes.iter().enumerate() {
                    if *o != Pending {
                        *decided_by_step[k].entry(*o).or_insert(0u64) += 1;
                    }
                }
                if *gone {
                    withdrawn.push(outcomes);
                }
            }
            let counts = step_counts(steps, paths.len() as u64, &decided_by_step, &withdrawn);
            for c in &counts {
                proptest::prop_assert_eq!(c.outcomes.values().sum::<u64>(), c.reached);
            }
        }
    }
}
