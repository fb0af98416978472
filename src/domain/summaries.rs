//! The rules behind the maintained per-pair summaries (`db::summaries`): which scores a
//! summary counts, and which summaries a write can change. The store refreshes exactly
//! the scope [`refresh_for`] names, recomputing it from the raw scores; the property test
//! below holds that refreshing only that scope after any sequence of writes leaves the
//! same summaries as recomputing everything.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::evaluation::PairSummary;
use super::plan::{standing, ScoreStanding};
use super::Method;

/// A write that can change which scores count, or what they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScoreWrite<'a> {
    /// One assessor's scores of one application replaced (a scoresheet, a paper sheet).
    Scoresheet { application: &'a str },
    /// A panel member declares a conflict with one applicant: their scores of that
    /// applicant stop counting.
    Conflict { application: &'a str },
    /// The scoring seats were rewritten (panel members added, removed or limited to
    /// steps; the plan's steps changed): any assessor's scores may start or stop
    /// counting, on any application of the vacancy.
    Seats,
}

/// The summaries a write can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh<'a> {
    Application(&'a str),
    Vacancy,
}

pub fn refresh_for(write: ScoreWrite<'_>) -> Refresh<'_> {
    match write {
        ScoreWrite::Scoresheet { application } | ScoreWrite::Conflict { application } => {
            Refresh::Application(application)
        }
        ScoreWrite::Seats => Refresh::Vacancy,
    }
}

/// One assessor's score as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredScore {
    pub application_id: String,
    pub criterion_id: String,
    pub method: Method,
    pub assessor: String,
    pub score: i32,
}

/// The key of a summary: (application, criterion, method).
pub type PairKey = (String, String, Method);

/// The counting scores of each pair: the assessor holds a seat for the method and has
/// not declared a conflict with the applicant. Pairs with no counting score have no
/// summary. This is what `db::summaries::refresh` computes in SQL.
pub fn summarise<'s>(
    scores: impl IntoIterator<Item = &'s StoredScore>,
    seats: &HashMap<String, Vec<Method>>,
    recused: &HashMap<String, HashSet<String>>,
) -> BTreeMap<PairKey, PairSummary> {
    let none = HashSet::new();
    let mut out: BTreeMap<PairKey, PairSummary> = BTreeMap::new();
    for s in scores {
        let recused_here = recused.get(&s.application_id).unwrap_or(&none);
        if standing(&s.assessor, s.method, seats, recused_here) != ScoreStanding::Counting {
            continue;
        }
        let key = (s.application_id.clone(), s.criterion_id.clone(), s.method);
        let entry = out.entry(key).or_insert_with(|| PairSummary {
            criterion_id: s.criterion_id.clone(),
            method: s.method,
            count: 0,
            sum: 0,
            min: i32::MAX,
            max: i32::MIN,
        });
        entry.count += 1;
        entry.sum += i64::from(s.score);
        entry.min = entry.min.min(s.score);
        entry.max = entry.max.max(s.score);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const APPS: &[&str] = &["a1", "a2", "a3"];
    const CRITERIA: &[&str] = &["c1", "c2"];
    const ASSESSORS: &[&str] = &["ann", "bob", "cat"];

    /// What a write does to the raw state, as generated.
    #[derive(Debug, Clone)]
    enum Op {
        /// assessor, application, method, scores per criterion (None: line left out)
        Sheet(usize, usize, usize, Vec<Option<i32>>),
        Conflict(usize, usize),
        /// each assessor's methods, as a bit mask over `Method::ALL`
        Seats(Vec<u8>),
    }

    fn op() -> impl Strategy<Value = Op> {
        let n = Method::ALL.len();
        prop_oneof![
            4 => (0..3usize, 0..3usize, 0..n, proptest::collection::vec(proptest::option::of(0..4i32), 2))
                .prop_map(|(a, x, m, s)| Op::Sheet(a, x, m, s)),
            1 => (0..3usize, 0..3usize).prop_map(|(a, x)| Op::Conflict(a, x)),
            1 => proptest::collection::vec(0u8..32, 3).prop_map(Op::Seats),
        ]
    }

    #[derive(Default)]
    struct State {
        scores: BTreeMap<(String, String, Method, String), i32>,
        seats: HashMap<String, Vec<Method>>,
        recused: HashMap<String, HashSet<String>>,
    }

    impl State {
        fn stored(&self) -> Vec<StoredScore> {
            self.scores
                .iter()
                .map(|((app, crit, method, assessor), score)| StoredScore {
                    application_id: app.clone(),
                    criterion_id: crit.clone(),
                    method: *method,
                    assessor: assessor.clone(),
                    score: *score,
                })
                .collect()
        }
    }

    proptest! {
        #[test]
        fn refreshing_only_the_written_scope_keeps_every_summary_right(
            ops in proptest::collection::vec(op(), 1..40)
        ) {
            let mut state = State::default();
            for (i, a) in ASSESSORS.iter().enumerate() {
                state.seats.insert((*a).into(), Method::ALL[..=i].to_vec());
            }
            let mut maintained = summarise(&state.stored(), &state.seats, &state.recused);
            for op in ops {
                let application;
                let write = match op {
                    Op::Sheet(a, x, m, lines) => {
                        application = APPS[x].to_string();
                        for (c, line) in lines.iter().enumerate() {
                            let key = (application.clone(), CRITERIA[c].to_string(), Method::ALL[m], ASSESSORS[a].to_string());
                            match line {
                                Some(score) => { state.scores.insert(key, *score); }
                                None => { state.scores.remove(&key); }
                            }
                        }
                        ScoreWrite::Scoresheet { application: &application }
                    }
                    Op::Conflict(a, x) => {
                        application = APPS[x].to_string();
                        state.recused.entry(application.clone()).or_default().insert(ASSESSORS[a].into());
                        ScoreWrite::Conflict { application: &application }
                    }
                    Op::Seats(masks) => {
                        for (a, mask) in masks.iter().enumerate() {
                            let methods = Method::ALL.iter().enumerate()
                                .filter(|(k, _)| mask & (1 << k) != 0).map(|(_, m)| *m).collect();
                            state.seats.insert(ASSESSORS[a].into(), methods);
                        }
                        ScoreWrite::Seats
                    }
                };
                // What the store does: recompute the named scope from the raw scores.
                let stored = state.stored();
                match refresh_for(write) {
                    Refresh::Application(app) => {
                        maintained.retain(|k, _| k.0 != app);
                        maintained.extend(summarise(
                            stored.iter().filter(|s| s.application_id == app),
                            &state.seats,
                            &state.recused,
                        ));
                    }
                    Refresh::Vacancy => {
                        maintained = summarise(&stored, &state.seats, &state.recused);
                    }
                }
                prop_assert_eq!(&maintained, &summarise(&stored, &state.seats, &state.recused));
            }
        }
    }

    #[test]
    fn only_counting_scores_are_summed() {
        let s = |app: &str, assessor: &str, method: Method, score: i32| StoredScore {
            application_id: app.into(),
            criterion_id: "c1".into(),
            method,
            assessor: assessor.into(),
            score,
        };
        let seats = HashMap::from([
            ("ann".to_string(), vec![Method::Application]),
            (
                "bob".to_string(),
                vec![Method::Application, Method::Interview],
            ),
        ]);
        let recused = HashMap::from([("a2".to_string(), HashSet::from(["bob".to_string()]))]);
        let scores = [
            s("a1", "ann", Method::Application, 1),
            s("a1", "bob", Method::Application, 3),
            s("a1", "ann", Method::Interview, 2), // no interview seat
            s("a1", "cat", Method::Application, 0), // not on the panel
            s("a2", "bob", Method::Application, 3), // recused
        ];
        let out = summarise(&scores, &seats, &recused);
        assert_eq!(out.len(), 1);
        let one = &out[&("a1".to_string(), "c1".to_string(), Method::Application)];
        assert_eq!((one.count, one.sum, one.min, one.max), (2, 4, 1, 3));
        assert_eq!(refresh_for(ScoreWrite::Seats), Refresh::Vacancy);
        assert_eq!(
            refresh_for(ScoreWrite::Conflict { application: "a2" }),
            Refresh::Application("a2")
        );
    }
}
