//! Import accuracy against the hand-checked criteria in `tests/fixtures/import/*.expected.json`
//! (format and conventions in that folder's README). Each expected specification is paired
//! with the imported one whose descriptions overlap it most; description, requirement and
//! methods precision and recall must each reach 95%. Category and alternative-group
//! agreement are reported only.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use shortlist::domain::{Method, Requirement};
use shortlist::import::{import, Format, ImportedSpec};

use scoring::{match_descriptions, score_spec, Criterion, SpecScore};

const GATE: f64 = 0.95;

#[derive(Deserialize)]
struct ExpectedFile {
    source: String,
    specs: Vec<ExpectedSpec>,
}

#[derive(Deserialize)]
struct ExpectedSpec {
    title: String,
    line: usize,
    criteria: Vec<ExpectedCriterion>,
    /// `false` for a specification whose document is ambiguous (e.g. more E/D marks than
    /// items): scored and reported, but not held to the gate. `note` says why.
    #[serde(default = "yes")]
    gated: bool,
    #[serde(default)]
    #[allow(dead_code)]
    note: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
struct ExpectedCriterion {
    category: String,
    description: String,
    requirement: Requirement,
    methods: Vec<Method>,
    alternative_group: Option<String>,
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// What the scorer compares, from an expected or an imported criterion.
fn criterion(
    description: &str,
    requirement: Requirement,
    methods: &[Method],
    category: &str,
    group: &Option<String>,
) -> Criterion {
    Criterion {
        description: description.to_string(),
        requirement,
        methods: methods.to_vec(),
        category: category.to_string(),
        alternative: group.is_some(),
    }
}

fn expected_criteria(spec: &ExpectedSpec) -> Vec<Criterion> {
    spec.criteria
        .iter()
        .map(|c| {
            criterion(
                &c.description,
                c.requirement,
                &c.methods,
                &c.category,
                &c.alternative_group,
            )
        })
        .collect()
}

fn imported_criteria(spec: &ImportedSpec) -> Vec<Criterion> {
    spec.criteria
        .iter()
        .map(|c| {
            criterion(
                &c.description,
                c.requirement,
                &c.methods,
                &c.category,
                &c.alternative_group,
            )
        })
        .collect()
}

/// The descriptions of a failing specification that found no partner, and the matched
/// criteria whose requirement or methods differ.
fn describe_misses(title: &str, expected: &[Criterion], imported: &[Criterion]) -> String {
    let wanted: Vec<&str> = expected.iter().map(|c| c.description.as_str()).collect();
    let got: Vec<&str> = imported.iter().map(|c| c.description.as_str()).collect();
    let pairs = match_descriptions(&wanted, &got);
    let mut out = format!("--- {title}");
    for (e, criterion) in expected.iter().enumerate() {
        match pairs.iter().find(|&&(pe, _)| pe == e) {
            None => out.push_str(&format!("\n  expected only: {}", criterion.description)),
            Some(&(_, i)) => {
                let other = &imported[i];
                if other.requirement != criterion.requirement || other.methods != criterion.methods
                {
                    out.push_str(&format!(
                        "\n  differs: {} (expected {:?} {:?}, imported {:?} {:?})",
                        criterion.description,
                        criterion.requirement,
                        criterion.methods,
                        other.requirement,
                        other.methods
                    ));
                }
            }
        }
    }
    for (i, criterion) in imported.iter().enumerate() {
        if !pairs.iter().any(|&(_, pi)| pi == i) {
            out.push_str(&format!("\n  imported only: {}", criterion.description));
        }
    }
    out
}

#[test]
fn import_accuracy() {
    let fixtures = fixtures();
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures.join("import"))
        .expect("read the fixtures folder")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".expected.json"))
        .collect();
    files.sort();

    let mut rows: Vec<Row> = Vec::new();
    // For each failing specification, the descriptions that found no partner.
    let mut unmatched: Vec<String> = Vec::new();
    for file in &files {
        let raw = std::fs::read_to_string(file).expect("read an expected file");
        let expected: ExpectedFile = serde_json::from_str(&raw)
            .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let source = fixtures.join("seeds").join(&expected.source);
        let body =
            std::fs::read(&source).unwrap_or_else(|error| panic!("{}: {error}", source.display()));
        let imported: Vec<(usize, Vec<Criterion>)> = import(Format::Text, &body)
            .map(|specs| {
                specs
                    .iter()
                    .map(|spec| (spec.line, imported_criteria(spec)))
                    .collect()
            })
            .unwrap_or_default();
        for spec in &expected.specs {
            let wanted = expected_criteria(spec);
            // Most descriptions in common; among equals (documents repeat specifications
            // almost word for word) the one nearest the expected line.
            let (best, partner) = imported
                .iter()
                .map(|(line, candidate)| {
                    let score = score_spec(&wanted, candidate);
                    (score, candidate.as_slice(), line.abs_diff(spec.line))
                })
                .max_by(|a, b| a.0.matched.cmp(&b.0.matched).then(b.2.cmp(&a.2)))
                .map(|(score, partner, _)| (score, partner))
                .unwrap_or_else(|| (score_spec(&wanted, &[]), &[]));
            if best.gated().iter().any(|&value| value < GATE) {
                unmatched.push(describe_misses(&spec.title, &wanted, partner));
            }
            rows.push(Row {
                // Held-out files were written after the importer was, without it.
                source: if file.to_string_lossy().contains(".heldout.") {
                    format!("{} held-out", &expected.source[..3])
                } else {
                    expected.source[..3].to_string()
                },
                title: spec.title.clone(),
                score: best,
                gated: spec.gated,
            });
        }
    }

    let report = render(&rows, files.len(), &unmatched);
    // Straight to stderr, past the test harness's capture, so CI logs always show it.
    let _ = std::io::stderr().write_all(report.as_bytes());
    let failures: Vec<String> = rows
        .iter()
        .filter(|row| row.gated && row.score.gated().iter().any(|&value| value < GATE))
        .map(|row| format!("{}: {}", row.source, row.title))
        .collect();
    assert!(
        failures.is_empty(),
        "below {GATE} on {} specification(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

struct Row {
    source: String,
    title: String,
    score: SpecScore,
    gated: bool,
}

fn line(label: &str, title: &str, score: &SpecScore, gated: bool) -> String {
    let p = score.gated();
    format!(
        "{:<12} {:<46} {:>4} {:>4} {:>4}  {:>5.2} {:>5.2}  {:>5.2} {:>5.2}  {:>5.2} {:>5.2}  {:>5.2} {:>5.2}{}\n",
        label,
        title.chars().take(46).collect::<String>(),
        score.expected,
        score.imported,
        score.matched,
        p[0],
        p[1],
        p[2],
        p[3],
        p[4],
        p[5],
        score.category_accuracy(),
        score.alternative_agreement(),
        if gated { "" } else { "  (not gated)" }
    )
}

/// The table: one line per specification, then one per document summing its gated
/// specifications' counts.
fn render(rows: &[Row], files: usize, unmatched: &[String]) -> String {
    let mut out =
        String::from("\nperson-specification import accuracy (P = precision, R = recall)\n");
    out.push_str(&format!(
        "{:<12} {:<46} {:>4} {:>4} {:>4}  {:>5} {:>5}  {:>5} {:>5}  {:>5} {:>5}  {:>5} {:>5}\n",
        "document",
        "specification",
        "exp",
        "imp",
        "mat",
        "descP",
        "descR",
        "reqP",
        "reqR",
        "methP",
        "methR",
        "cat",
        "alt"
    ));
    let mut documents: Vec<&str> = rows.iter().map(|r| r.source.as_str()).collect();
    documents.dedup();
    for document in &documents {
        let label = document.to_string();
        let mut total = SpecScore::default();
        let mut specs = 0;
        for row in rows.iter().filter(|r| r.source == *document) {
            out.push_str(&line(&label, &row.title, &row.score, row.gated));
            if row.gated {
                specs += 1;
                total.expected += row.score.expected;
                total.imported += row.score.imported;
                total.matched += row.score.matched;
                total.requirement += row.score.requirement;
                total.expected_methods += row.score.expected_methods;
                total.imported_methods += row.score.imported_methods;
                total.methods += row.score.methods;
                total.category += row.score.category;
                total.alternative += row.score.alternative;
            }
        }
        out.push_str(&line(
            "  all",
            &format!("{specs} gated specifications"),
            &total,
            true,
        ));
    }
    out.push_str(&format!(
        "{files} expected files, {} specifications scored\n",
        rows.len()
    ));
    for misses in unmatched {
        out.push_str(misses);
        out.push('\n');
    }
    out
}

/// Pure scoring functions, independent of the importer's types.
mod scoring {
    use std::collections::HashMap;

    use shortlist::domain::{Method, Requirement};

    /// The smallest token Dice similarity at which two descriptions are the same criterion.
    pub const SAME_DESCRIPTION: f64 = 0.8;

    #[derive(Debug, Clone, PartialEq)]
    pub struct Criterion {
        pub description: String,
        pub requirement: Requirement,
        pub methods: Vec<Method>,
        pub category: String,
        pub alternative: bool,
    }

    /// Counts for one expected specification against one imported specification.
    #[derive(Debug, Clone, Copy, Default, PartialEq)]
    pub struct SpecScore {
        pub expected: usize,
        pub imported: usize,
        /// Criteria matched one to one by description.
        pub matched: usize,
        /// Matched criteria whose requirement agrees.
        pub requirement: usize,
        pub expected_methods: usize,
        pub imported_methods: usize,
        /// (criterion, method) pairs of matched criteria present on both sides.
        pub methods: usize,
        pub category: usize,
        pub alternative: usize,
    }

    fn ratio(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            1.0
        } else {
            part as f64 / whole as f64
        }
    }

    impl SpecScore {
        /// Description, requirement and methods precision and recall, in that order.
        pub fn gated(&self) -> [f64; 6] {
            [
                ratio(self.matched, self.imported),
                ratio(self.matched, self.expected),
                ratio(self.requirement, self.imported),
                ratio(self.requirement, self.expected),
                ratio(self.methods, self.imported_methods),
                ratio(self.methods, self.expected_methods),
            ]
        }

        pub fn category_accuracy(&self) -> f64 {
            ratio(self.category, self.matched)
        }

        pub fn alternative_agreement(&self) -> f64 {
            ratio(self.alternative, self.matched)
        }
    }

    /// Lower-case alphanumeric words, sorted: a token multiset.
    pub fn tokens(description: &str) -> Vec<String> {
        let mut words: Vec<String> = description
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(str::to_lowercase)
            .collect();
        words.sort_unstable();
        words
    }

    /// Dice similarity of two sorted token multisets.
    pub fn dice(a: &[String], b: &[String]) -> f64 {
        if a.is_empty() && b.is_empty() {
            return 1.0;
        }
        let (mut i, mut j, mut common) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        2.0 * common as f64 / (a.len() + b.len()) as f64
    }

    /// One-to-one (expected, imported) index pairs, best similarity first.
    pub fn match_descriptions(expected: &[&str], imported: &[&str]) -> Vec<(usize, usize)> {
        let expected: Vec<Vec<String>> = expected.iter().map(|d| tokens(d)).collect();
        let imported: Vec<Vec<String>> = imported.iter().map(|d| tokens(d)).collect();
        let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
        for (e, want) in expected.iter().enumerate() {
            for (i, got) in imported.iter().enumerate() {
                let similarity = dice(want, got);
                if similarity >= SAME_DESCRIPTION {
                    candidates.push((similarity, e, i));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut used_expected = vec![false; expected.len()];
        let mut used_imported = vec![false; imported.len()];
        let mut pairs = Vec::new();
        for (_, e, i) in candidates {
            if !used_expected[e] && !used_imported[i] {
                used_expected[e] = true;
                used_imported[i] = true;
                pairs.push((e, i));
            }
        }
        pairs.sort_unstable();
        pairs
    }

    pub fn score_spec(expected: &[Criterion], imported: &[Criterion]) -> SpecScore {
        let wanted: Vec<&str> = expected.iter().map(|c| c.description.as_str()).collect();
        let got: Vec<&str> = imported.iter().map(|c| c.description.as_str()).collect();
        let pairs = match_descriptions(&wanted, &got);
        let mut score = SpecScore {
            expected: expected.len(),
            imported: imported.len(),
            matched: pairs.len(),
            expected_methods: expected.iter().map(|c| c.methods.len()).sum(),
            imported_methods: imported.iter().map(|c| c.methods.len()).sum(),
            ..SpecScore::default()
        };
        let normal = |category: &str| tokens(category);
        let mut categories: HashMap<String, Vec<String>> = HashMap::new();
        for (e, i) in pairs {
            let (want, got) = (&expected[e], &imported[i]);
            score.requirement += usize::from(want.requirement == got.requirement);
            score.methods += want
                .methods
                .iter()
                .filter(|m| got.methods.contains(m))
                .count();
            let want_category = categories
                .entry(want.category.clone())
                .or_insert_with(|| normal(&want.category))
                .clone();
            score.category += usize::from(want_category == normal(&got.category));
            score.alternative += usize::from(want.alternative == got.alternative);
        }
        score
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn criterion(description: &str, requirement: Requirement, methods: &[Method]) -> Criterion {
            Criterion {
                description: description.to_string(),
                requirement,
                methods: methods.to_vec(),
                category: "Knowledge".to_string(),
                alternative: false,
            }
        }

        #[test]
        fn tokens_ignore_case_and_punctuation() {
            assert_eq!(
                tokens("Health & Safety, (H&S)!"),
                vec!["h", "health", "s", "safety"]
            );
        }

        #[test]
        fn dice_counts_repeated_words_once_each() {
            let a = tokens("to be or not to be");
            assert_eq!(dice(&a, &a), 1.0);
            assert_eq!(dice(&tokens("a b"), &tokens("c d")), 0.0);
            assert!((dice(&tokens("a a b"), &tokens("a b b")) - 2.0 / 3.0).abs() < 1e-9);
        }

        #[test]
        fn matching_is_one_to_one_and_best_first() {
            let expected = ["Good IT skills", "Good IT skills and typing"];
            let imported = ["Good IT skills and typing", "Unrelated words entirely"];
            assert_eq!(match_descriptions(&expected, &imported), vec![(1, 0)]);
        }

        #[test]
        fn a_spec_score_counts_requirements_and_method_pairs() {
            use Method::{Application as A, Interview as I};
            use Requirement::{Desirable as D, Essential as E};
            let expected = [
                criterion("Knowledge of child development", E, &[A, I]),
                criterion("Report writing skills", D, &[A]),
                criterion("Missing entirely", E, &[A]),
            ];
            let imported = [
                criterion("knowledge of child development.", E, &[A]),
                criterion("Report writing skills", E, &[A]),
            ];
            let score = score_spec(&expected, &imported);
            assert_eq!((score.matched, score.requirement, score.methods), (2, 1, 2));
            assert_eq!((score.expected_methods, score.imported_methods), (4, 2));
            let gated = score.gated();
            assert_eq!(gated[0], 1.0);
            assert!((gated[1] - 2.0 / 3.0).abs() < 1e-9);
            assert_eq!(gated[2], 0.5);
            assert_eq!(gated[4], 1.0);
            assert_eq!(gated[5], 0.5);
            assert_eq!(score.category_accuracy(), 1.0);
        }
    }
}
