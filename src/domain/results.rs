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

/// The stored name of a recommendation (`step_results.recommendation`), as the API
/// spells it.
pub fn recommendation_name(r: Recommendation) -> &'static str {
    match r {
        Recommendation::Shortlist => "shortlist",
        Recommendation::Reject => "reject",
        Recommendation::Incomplete => "incomplete",
    }
}

/// What a ranked list's order depends on, for one application: whether it is ranked
/// (recommended for the shortlist) and its weighted score. A 40-bit FNV-1a hash of the
/// application id, the flag and the bits of its [`rank_score`], so that the sum of
/// a list's hashes, with its length, fingerprints its ranking ([`ranking_fingerprint`]).
/// Stored beside each result (`step_results.rank_hash`) so the database can add them up;
/// 40 bits keep a sum over eight million rows within an `i64`.
pub fn rank_hash(application_id: &str, ranked: bool, weighted_score: f64) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let score = rank_score(ranked, weighted_score).to_bits().to_le_bytes();
    for byte in application_id
        .bytes()
        .chain([0, u8::from(ranked)])
        .chain(score)
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // Fold the high bits in rather than drop them: FNV's low bits mix least.
    ((hash ^ (hash >> 40)) & ((1 << 40) - 1)) as i64
}

/// What a row is ordered by after its flag: its weighted score when ranked; nothing
/// (zero) when not, since unranked rows follow in submission order whatever they
/// scored. Both zeros alike.
pub fn rank_score(ranked: bool, weighted_score: f64) -> f64 {
    if ranked {
        weighted_score + 0.0
    } else {
        0.0
    }
}

/// The fingerprint of a ranked list from its length and the sum of its rows'
/// [`rank_hash`]es: equal while the same applications stand with the same scores and
/// flags, so the same order, ranks and ties (the order also follows submission, which
/// never changes). A set hash, so the database computes it without reading the rows out.
pub fn ranking_fingerprint(count: i64, hash_sum: i64) -> String {
    format!("{count:016x}{hash_sum:016x}")
}

/// How many rows of `step_result_counts` share each (vacancy, step, recommendation,
/// withdrawn) census: a result is counted in the row its [`rank_hash`] picks. Writers
/// of different applications then rarely wait for the same row (a single row per step
/// would serialise every scoresheet of a vacancy), while a page still reads at most
/// `CENSUS_SHARDS` rows per list instead of every result of the step.
pub const CENSUS_SHARDS: i64 = 64;

/// The census row one kept result is counted in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CensusKey {
    pub vacancy_id: String,
    pub step_key: String,
    pub recommendation: String,
    pub withdrawn: bool,
    pub shard: i32,
}

impl CensusKey {
    pub fn of(
        vacancy_id: &str,
        step_key: &str,
        recommendation: &str,
        status: &str,
        rank_hash: i64,
    ) -> CensusKey {
        CensusKey {
            vacancy_id: vacancy_id.to_string(),
            step_key: step_key.to_string(),
            recommendation: recommendation.to_string(),
            withdrawn: status == "withdrawn",
            shard: rank_hash.rem_euclid(CENSUS_SHARDS) as i32,
        }
    }
}

/// Counted results (each its census key and [`rank_hash`]) added up per key: the count
/// and the hash sum a census row holds.
pub fn census_totals<'a>(
    rows: impl IntoIterator<Item = &'a (CensusKey, i64)>,
) -> std::collections::BTreeMap<CensusKey, (i64, i64)> {
    let mut totals = std::collections::BTreeMap::new();
    for (key, hash) in rows {
        let t: &mut (i64, i64) = totals.entry(key.clone()).or_insert((0, 0));
        t.0 += 1;
        t.1 += hash;
    }
    totals
}

/// What replacing the counted results `before` with `after` changes in the census: per
/// key, the change of its count and of its hash sum, zero changes left out, in key
/// order. Writers apply them in that order, so two of them lock shared rows in the same
/// order and cannot deadlock.
pub fn census_deltas(
    before: &[(CensusKey, i64)],
    after: &[(CensusKey, i64)],
) -> Vec<(CensusKey, i64, i64)> {
    let mut change = census_totals(after);
    for (key, (count, sum)) in census_totals(before) {
        let t = change.entry(key).or_insert((0, 0));
        t.0 -= count;
        t.1 -= sum;
    }
    change
        .into_iter()
        .filter(|(_, (count, sum))| *count != 0 || *sum != 0)
        .map(|(key, (count, sum))| (key, count, sum))
        .collect()
}

/// One row of a page of a ranked list, in list order: whether it is ranked and its
/// score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageRow {
    pub ranked: bool,
    pub weighted_score: f64,
}

/// What a page of a ranked list needs to know about the rows around it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PageContext {
    /// How many rows of the whole list come before the page.
    pub start: u32,
    /// How many ranked rows of the whole list have a higher score than the page's
    /// first row (`start`, unless that row ties with the one before the page).
    pub better_than_first: u32,
    /// The row just before the page is ranked with the same score as the page's first.
    pub tie_before: bool,
    /// The row just after the page is ranked with the same score as the page's last.
    pub tie_after: bool,
}

/// Competition ranks (1, 2, 2, 4) and ties of a page, exactly as
/// `evaluation::rank` gives them over the whole list: ranked rows come first, best
/// score first; a rank is one more than the number of rows with a better score.
pub fn page_ranks(rows: &[PageRow], context: PageContext) -> Vec<(Option<u32>, bool)> {
    let key = |score: f64| score + 0.0;
    let mut out: Vec<(Option<u32>, bool)> = Vec::with_capacity(rows.len());
    for (n, row) in rows.iter().enumerate() {
        let rank = if !row.ranked {
            None
        } else if n == 0 {
            Some(context.better_than_first.saturating_add(1))
        } else if key(rows[n - 1].weighted_score) == key(row.weighted_score) {
            out[n - 1].0
        } else {
            // Ranked rows come first, so every row before this one is ranked and has a
            // better score: those before the page and the page's own.
            let before = u32::try_from(n).unwrap_or(u32::MAX);
            Some(context.start.saturating_add(before).saturating_add(1))
        };
        out.push((rank, false));
    }
    let last = rows.len().saturating_sub(1);
    for n in 0..rows.len() {
        if !rows[n].ranked {
            continue;
        }
        let same =
            |m: usize| rows[m].ranked && key(rows[m].weighted_score) == key(rows[n].weighted_score);
        out[n].1 = (n > 0 && same(n - 1))
            || (n < last && same(n + 1))
            || (n == 0 && context.tie_before)
            || (n == last && context.tie_after);
    }
    out
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

    /// Slices `rank` over a whole list into pages and checks `page_ranks` against it,
    /// with the context a database query gives.
    fn pages_agree(list: &[(bool, f64)], limit: usize) -> Result<(), String> {
        let entries: Vec<(String, Recommendation, f64, i64)> = list
            .iter()
            .enumerate()
            .map(|(n, &(ranked, score))| {
                let r = if ranked {
                    Recommendation::Shortlist
                } else {
                    Recommendation::Reject
                };
                (format!("a{n}"), r, score, n as i64)
            })
            .collect();
        let whole = crate::domain::evaluation::rank(&entries);
        let by_id: std::collections::HashMap<&str, (bool, f64)> = entries
            .iter()
            .map(|e| (e.0.as_str(), (e.1 == Recommendation::Shortlist, e.2)))
            .collect();
        let ordered: Vec<PageRow> = whole
            .iter()
            .map(|(id, _, _)| {
                let (ranked, weighted_score) = by_id[id.as_str()];
                PageRow {
                    ranked,
                    weighted_score,
                }
            })
            .collect();
        let same = |a: &PageRow, b: &PageRow| {
            a.ranked && b.ranked && a.weighted_score + 0.0 == b.weighted_score + 0.0
        };
        let mut start = 0;
        while start < ordered.len() {
            let end = (start + limit).min(ordered.len());
            let page = &ordered[start..end];
            let first = page.iter().find(|r| r.ranked);
            let context = PageContext {
                start: start as u32,
                better_than_first: first.map_or(0, |f| {
                    ordered
                        .iter()
                        .filter(|r| r.ranked && r.weighted_score + 0.0 > f.weighted_score + 0.0)
                        .count() as u32
                }),
                tie_before: start > 0 && same(&ordered[start - 1], &ordered[start]),
                tie_after: end < ordered.len() && same(&ordered[end - 1], &ordered[end]),
            };
            let got = page_ranks(page, context);
            let want: Vec<(Option<u32>, bool)> =
                whole[start..end].iter().map(|(_, r, t)| (*r, *t)).collect();
            if got != want {
                return Err(format!("page {start}..{end}: {got:?} != {want:?}"));
            }
            start = end;
        }
        Ok(())
    }

    #[test]
    fn page_ranks_match_the_whole_list_at_page_edges() {
        // 3.0 twice across the first page's edge, 2.0 three times, then unranked rows.
        let list = [
            (true, 3.0),
            (true, 2.0),
            (false, 9.0),
            (true, 3.0),
            (true, 2.0),
            (true, -0.0),
            (true, 2.0),
            (false, 1.0),
            (true, 0.0),
        ];
        for limit in 1..=10 {
            pages_agree(&list, limit).unwrap();
        }
        let rows = [
            PageRow {
                ranked: true,
                weighted_score: 2.0,
            },
            PageRow {
                ranked: true,
                weighted_score: 1.0,
            },
            PageRow {
                ranked: false,
                weighted_score: 5.0,
            },
        ];
        let context = PageContext {
            start: 5,
            better_than_first: 4,
            tie_before: true,
            tie_after: false,
        };
        assert_eq!(
            page_ranks(&rows, context),
            vec![(Some(5), true), (Some(7), false), (None, false)]
        );
    }

    #[test]
    fn rank_hash_sees_the_flag_the_score_and_the_application_but_not_the_zero_sign() {
        let h = rank_hash("a1", true, 2.5);
        assert_eq!(h, rank_hash("a1", true, 2.5));
        assert_ne!(h, rank_hash("a1", false, 2.5));
        assert_ne!(h, rank_hash("a1", true, 2.25));
        assert_ne!(h, rank_hash("a2", true, 2.5));
        assert_eq!(rank_hash("a1", true, 0.0), rank_hash("a1", true, -0.0));
        // An unranked row's score moves no one.
        assert_eq!(rank_hash("a1", false, 1.0), rank_hash("a1", false, 2.0));
        assert!((0..1 << 40).contains(&h));
        assert_eq!(ranking_fingerprint(3, 255).len(), 32);
    }

    fn counted(
        vacancy: &str,
        step: &str,
        rec: &str,
        status: &str,
        id: &str,
        score: f64,
    ) -> (CensusKey, i64) {
        let hash = rank_hash(id, rec == "shortlist", score);
        (CensusKey::of(vacancy, step, rec, status, hash), hash)
    }

    #[test]
    fn census_deltas_move_a_rescored_result_and_leave_the_unchanged_out() {
        let before = vec![
            counted("v", "sift", "shortlist", "submitted", "a1", 2.0),
            counted("v", "final", "incomplete", "submitted", "a1", 0.0),
        ];
        let after = vec![
            counted("v", "sift", "shortlist", "submitted", "a1", 3.0),
            counted("v", "final", "incomplete", "submitted", "a1", 0.0),
        ];
        let deltas = census_deltas(&before, &after);
        // The final step's row is unchanged; the sift row's hash moved (maybe its shard).
        assert!(deltas.iter().all(|(k, _, _)| k.step_key == "sift"));
        let count: i64 = deltas.iter().map(|d| d.1).sum();
        let sum: i64 = deltas.iter().map(|d| d.2).sum();
        assert_eq!(count, 0);
        assert_eq!(sum, after[0].1 - before[0].1);
        // Withdrawing moves the counts to the withdrawn census, count and all.
        let withdrawn = vec![counted("v", "sift", "shortlist", "withdrawn", "a1", 3.0)];
        let deltas = census_deltas(&after[..1], &withdrawn);
        assert_eq!(deltas.len(), 2);
        assert!(!deltas[0].0.withdrawn);
        assert_eq!((deltas[0].1, deltas[1].1), (-1, 1));
        assert!(deltas.windows(2).all(|w| w[0].0 < w[1].0), "in key order");
        assert!(census_deltas(&after, &after).is_empty());
    }

    proptest::proptest! {
        /// The census of the rows before, changed by the deltas, is the census of the
        /// rows after: what a writer applies keeps the maintained counts equal to a
        /// fresh count, whatever it replaced.
        #[test]
        fn census_deltas_turn_the_census_before_into_the_census_after(
            before in proptest::collection::vec((0..3u8, 0..2u8, 0..3u8, proptest::bool::ANY, 0..6u8), 0..30),
            after in proptest::collection::vec((0..3u8, 0..2u8, 0..3u8, proptest::bool::ANY, 0..6u8), 0..30),
        ) {
            let rows = |v: &[(u8, u8, u8, bool, u8)]| -> Vec<(CensusKey, i64)> {
                v.iter()
                    .map(|(app, step, rec, withdrawn, score)| {
                        let rec = ["shortlist", "reject", "incomplete"][*rec as usize];
                        let status = if *withdrawn { "withdrawn" } else { "submitted" };
                        counted("v", ["sift", "final"][*step as usize], rec, status, &format!("a{app}"), f64::from(*score))
                    })
                    .collect()
            };
            let (before, after) = (rows(&before), rows(&after));
            let mut census = census_totals(&before);
            for (key, count, sum) in census_deltas(&before, &after) {
                let t = census.entry(key).or_insert((0, 0));
                t.0 += count;
                t.1 += sum;
            }
            census.retain(|_, t| *t != (0, 0));
            proptest::prop_assert_eq!(census, census_totals(&after));
        }
        /// A page ranked from its own rows and three facts about its neighbours (what
        /// the database gives) equals the same slice of the whole list's ranking.
        #[test]
        fn page_ranks_equal_slices_of_the_whole_ranking(
            list in proptest::collection::vec((proptest::bool::ANY, 0..5u8), 0..40),
            limit in 1..12usize,
        ) {
            let list: Vec<(bool, f64)> =
                list.into_iter().map(|(r, s)| (r, f64::from(s) / 2.0)).collect();
            proptest::prop_assert!(pages_agree(&list, limit).is_ok(), "{:?}", pages_agree(&list, limit));
        }
    }
}
