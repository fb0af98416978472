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
    /// Eligibility conditions the specification lists among its criteria (a minimum age,
    /// pre-employment checks, a registration on one route only): the importer must
    /// return each as a condition, not a criterion.
    #[serde(default)]
    conditions: Vec<String>,
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
    // Expected conditions not returned as conditions.
    let mut missed_conditions: Vec<String> = Vec::new();
    for file in &files {
        let raw = std::fs::read_to_string(file).expect("read an expected file");
        let expected: ExpectedFile = serde_json::from_str(&raw)
            .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
        let source = fixtures.join("seeds").join(&expected.source);
        let body =
            std::fs::read(&source).unwrap_or_else(|error| panic!("{}: {error}", source.display()));
        let imported: Vec<(usize, Vec<Criterion>, Vec<String>)> = import(Format::Text, &body)
            .map(|specs| {
                specs
                    .iter()
                    .map(|spec| (spec.line, imported_criteria(spec), spec.conditions.clone()))
                    .collect()
            })
            .unwrap_or_default();
        for spec in &expected.specs {
            let wanted = expected_criteria(spec);
            // Most descriptions in common; among equals (documents repeat specifications
            // almost word for word) the one nearest the expected line.
            let (best, partner, conditions) = imported
                .iter()
                .map(|(line, candidate, conditions)| {
                    let score = score_spec(&wanted, candidate);
                    (
                        score,
                        candidate.as_slice(),
                        conditions.as_slice(),
                        line.abs_diff(spec.line),
                    )
                })
                .max_by(|a, b| a.0.matched.cmp(&b.0.matched).then(b.3.cmp(&a.3)))
                .map(|(score, partner, conditions, _)| (score, partner, conditions))
                .unwrap_or_else(|| (score_spec(&wanted, &[]), &[], &[]));
            for condition in &spec.conditions {
                let want = scoring::tokens(condition);
                if !conditions
                    .iter()
                    .any(|c| scoring::dice(&want, &scoring::tokens(c)) >= 0.8)
                {
                    missed_conditions.push(format!("{}: {condition}", spec.title));
                }
            }
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
    assert!(
        missed_conditions.is_empty(),
        "conditions not returned as conditions:\n{}",
        missed_conditions.join("\n")
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

/// The blind corpus (`tests/fixtures/import_corpus`, format in its README): 36 person
/// specifications in 13 layouts, split into `dev/` (tuning) and `holdout/` (scored, never
/// tuned against). Prints criteria precision and recall, requirement accuracy and method
/// accuracy (sets compared exactly) over matched criteria, per document, per layout and per
/// set, with conditions recall, conditions leaked into criteria, and settings agreement.
/// Asserts only that `dev/` stays at or above [`corpus::DEV_FLOOR`]; `holdout/` must import
/// without error and its figures are reported, not gated. `SHORTLIST_SKIP_HOLDOUT=1` skips
/// the held-out set (for development, so it is scored once only); `holdout2/` (whose first
/// run is recorded) is printed unless `SHORTLIST_SKIP_HOLDOUT2=1`.
mod corpus {
    use std::collections::BTreeMap;
    use std::io::Write;
    use std::path::{Path, PathBuf};

    use serde::Deserialize;
    use serde_json::Value;
    use shortlist::domain::{Method, Requirement};
    use shortlist::import::{import, Format, ImportedSpec};

    use super::scoring::{dice, tokens, SAME_DESCRIPTION};

    /// Dev figures the importer reached (precision, recall, requirement, methods); the test
    /// fails below them.
    pub const DEV_FLOOR: [f64; 4] = [1.0, 1.0, 1.0, 1.0];

    #[derive(Deserialize)]
    struct Expected {
        layout: String,
        criteria: Vec<ExpectedCriterion>,
        #[serde(default)]
        conditions: Vec<String>,
        #[serde(default)]
        suggested_settings: BTreeMap<String, Value>,
    }

    #[derive(Deserialize)]
    struct ExpectedCriterion {
        category: Option<String>,
        description: String,
        requirement: Requirement,
        methods: Vec<Method>,
        #[serde(default)]
        condition_ok: bool,
    }

    /// Counts for one document (and, summed, for a layout or a set).
    #[derive(Default, Clone, Copy)]
    pub struct Score {
        pub expected: usize,
        pub imported: usize,
        pub matched: usize,
        pub requirement: usize,
        pub methods: usize,
        pub category: usize,
        pub category_scored: usize,
        pub conditions: usize,
        pub conditions_found: usize,
        pub leaked: usize,
        pub settings: usize,
        pub settings_expected: usize,
        pub failed: usize,
    }

    impl Score {
        fn add(&mut self, o: &Score) {
            self.expected += o.expected;
            self.imported += o.imported;
            self.matched += o.matched;
            self.requirement += o.requirement;
            self.methods += o.methods;
            self.category += o.category;
            self.category_scored += o.category_scored;
            self.conditions += o.conditions;
            self.conditions_found += o.conditions_found;
            self.leaked += o.leaked;
            self.settings += o.settings;
            self.settings_expected += o.settings_expected;
            self.failed += o.failed;
        }

        /// Precision, recall, requirement accuracy, method accuracy.
        pub fn figures(&self) -> [f64; 4] {
            [
                ratio(self.matched, self.imported),
                ratio(self.matched, self.expected),
                ratio(self.requirement, self.matched),
                ratio(self.methods, self.matched),
            ]
        }
    }

    fn ratio(part: usize, whole: usize) -> f64 {
        if whole == 0 {
            1.0
        } else {
            part as f64 / whole as f64
        }
    }

    /// Case, quotes and dashes normalised; then the word tokens.
    fn norm(text: &str) -> Vec<String> {
        let text: String = text
            .chars()
            .map(|c| match c {
                '‘' | '’' | '“' | '”' => '\'',
                '–' | '—' => '-',
                c => c,
            })
            .collect();
        tokens(&text)
    }

    fn pairs(
        expected: &[Vec<String>],
        imported: &[Vec<String>],
        floor: f64,
    ) -> Vec<(usize, usize)> {
        let mut candidates = Vec::new();
        for (e, want) in expected.iter().enumerate() {
            for (i, got) in imported.iter().enumerate() {
                let similarity = dice(want, got);
                if similarity >= floor {
                    candidates.push((similarity, e, i));
                }
            }
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let (mut ue, mut ui) = (vec![false; expected.len()], vec![false; imported.len()]);
        let mut out = Vec::new();
        for (_, e, i) in candidates {
            if !ue[e] && !ui[i] {
                ue[e] = true;
                ui[i] = true;
                out.push((e, i));
            }
        }
        out
    }

    /// Containment or a good overlap: an importer may quote a shorter or longer span.
    fn condition_matches(want: &[String], got: &[String]) -> bool {
        if want.is_empty() || got.is_empty() {
            return false;
        }
        let contained = |a: &[String], b: &[String]| {
            let hits = a.iter().filter(|w| b.contains(w)).count();
            hits as f64 >= 0.8 * a.len() as f64
        };
        contained(want, got) || contained(got, want) || dice(want, got) >= 0.6
    }

    fn setting_agrees(key: &str, want: &Value, got: Option<Value>) -> bool {
        let Some(got) = got else { return false };
        if key == "professional_registration" {
            let (w, g) = (
                want.as_str().unwrap_or("").to_lowercase(),
                got.as_str().unwrap_or("").to_lowercase(),
            );
            let initials: String = w
                .split(|c: char| !c.is_alphanumeric())
                .filter(|s| !s.is_empty() && s.chars().next().is_some_and(|c| c.is_alphabetic()))
                .filter(|s| !matches!(*s, "and" | "of" | "the"))
                .map(|s| s.chars().next().unwrap_or(' '))
                .collect();
            return !g.is_empty() && (w.contains(&g) || g.contains(&w) || initials == g);
        }
        *want == got
    }

    fn format_of(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
            "html" | "htm" => Format::Html,
            "docx" => Format::Docx,
            "pdf" => Format::Pdf,
            _ => Format::Text,
        }
    }

    /// Scores one document; the lines that describe its misses go to `misses`.
    fn score(document: &Path, expected: &Expected, misses: &mut String) -> Score {
        let body = std::fs::read(document).expect("read a corpus document");
        let mut s = Score::default();
        let imported: ImportedSpec = match import(format_of(document), &body) {
            Ok(specs) => specs
                .into_iter()
                .max_by_key(|spec| spec.criteria.len())
                .expect("at least one specification"),
            Err(error) => {
                misses.push_str(&format!("  import failed: {error}\n"));
                s.failed = 1;
                s.expected = expected.criteria.len();
                s.conditions = expected.conditions.len();
                s.settings_expected = expected.suggested_settings.len();
                return s;
            }
        };
        let want: Vec<Vec<String>> = expected
            .criteria
            .iter()
            .map(|c| norm(&c.description))
            .collect();
        let got: Vec<Vec<String>> = imported
            .criteria
            .iter()
            .map(|c| norm(&c.description))
            .collect();
        let conditions: Vec<Vec<String>> = imported.conditions.iter().map(|c| norm(c)).collect();
        let matched = pairs(&want, &got, SAME_DESCRIPTION);
        // A registration printed as a criterion may be reported as a condition instead.
        let excused: Vec<usize> = expected
            .criteria
            .iter()
            .enumerate()
            .filter(|(e, c)| {
                c.condition_ok
                    && !matched.iter().any(|(me, _)| me == e)
                    && conditions
                        .iter()
                        .any(|got| condition_matches(&want[*e], got))
            })
            .map(|(e, _)| e)
            .collect();
        s.expected = expected.criteria.len() - excused.len();
        s.imported = imported.criteria.len();
        s.matched = matched.len();
        for &(e, i) in &matched {
            let (w, g) = (&expected.criteria[e], &imported.criteria[i]);
            let got_methods: Vec<Method> = if g.methods_stated {
                g.methods.clone()
            } else {
                Vec::new()
            };
            let mut want_methods = w.methods.clone();
            want_methods.sort_by_key(|m| Method::ALL.iter().position(|x| x == m));
            let req_ok = w.requirement == g.requirement;
            let meth_ok = want_methods == got_methods;
            s.requirement += usize::from(req_ok);
            s.methods += usize::from(meth_ok);
            if let Some(category) = &w.category {
                s.category_scored += 1;
                s.category += usize::from(norm(category) == norm(&g.category));
            }
            if !req_ok || !meth_ok {
                misses.push_str(&format!(
                    "  differs: {} (expected {:?} {:?}, imported {:?} {:?})\n",
                    w.description, w.requirement, want_methods, g.requirement, got_methods
                ));
            }
        }
        for (e, c) in expected.criteria.iter().enumerate() {
            if !matched.iter().any(|(me, _)| *me == e) && !excused.contains(&e) {
                misses.push_str(&format!("  expected only: {}\n", c.description));
            }
        }
        for (i, c) in imported.criteria.iter().enumerate() {
            if !matched.iter().any(|(_, mi)| *mi == i) {
                misses.push_str(&format!("  imported only: {}\n", c.description));
            }
        }
        // Conditions: found among the imported conditions; leaked when imported as criteria.
        s.conditions = expected.conditions.len();
        for condition in &expected.conditions {
            let c = norm(condition);
            if conditions.iter().any(|got| condition_matches(&c, got)) {
                s.conditions_found += 1;
            } else {
                misses.push_str(&format!("  condition missed: {condition}\n"));
            }
            if got.iter().any(|g| dice(&c, g) >= SAME_DESCRIPTION) {
                s.leaked += 1;
            }
        }
        let settings = &imported.settings;
        let got_setting = |key: &str| -> Option<Value> {
            match key {
                "dbs_level" => settings.dbs_level.clone().map(Value::from),
                "driving_requirement" => settings.driving_requirement.clone().map(Value::from),
                "professional_registration" => {
                    settings.professional_registration.clone().map(Value::from)
                }
                "bpss_required" => settings.bpss_required.map(Value::from),
                "politically_restricted" => settings.politically_restricted.map(Value::from),
                _ => None,
            }
        };
        s.settings_expected = expected.suggested_settings.len();
        for (key, want) in &expected.suggested_settings {
            let got = got_setting(key);
            if setting_agrees(key, want, got.clone()) {
                s.settings += 1;
            } else {
                misses.push_str(&format!("  setting {key}: expected {want}, got {got:?}\n"));
            }
        }
        s
    }

    fn line(label: &str, s: &Score) -> String {
        let f = s.figures();
        format!(
            "{:<46} {:>3} {:>3} {:>3}  {:>5.2} {:>5.2} {:>5.2} {:>5.2}  {:>5.2}  {:>2}/{:<2} {:>2}  {:>2}/{:<2}{}\n",
            label.chars().take(46).collect::<String>(),
            s.expected,
            s.imported,
            s.matched,
            f[0],
            f[1],
            f[2],
            f[3],
            ratio(s.category, s.category_scored),
            s.conditions_found,
            s.conditions,
            s.leaked,
            s.settings,
            s.settings_expected,
            if s.failed > 0 { "  IMPORT FAILED" } else { "" }
        )
    }

    fn header(title: &str) -> String {
        format!(
            "\n{title}\n{:<46} {:>3} {:>3} {:>3}  {:>5} {:>5} {:>5} {:>5}  {:>5}  {:>5} {:>2}  {:>5}\n",
            "document / layout", "exp", "imp", "mat", "P", "R", "req", "meth", "cat", "cond", "lk", "sett"
        )
    }

    /// Scores one set and returns its table and its overall figures.
    pub fn run_set(set: &str) -> (String, Score) {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import_corpus")
            .join(set);
        run_dir(set, &dir)
    }

    /// Scores the documents of one folder (each beside its `NAME.expected.json`).
    fn run_dir(set: &str, dir: &Path) -> (String, Score) {
        let mut expected_files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(".expected.json"))
            .collect();
        expected_files.sort();
        let mut out = header(&format!(
            "person-specification import accuracy, corpus {set}/ (P/R = criteria precision/recall; \
             req, meth = accuracy over matched; cond = conditions found; lk = conditions leaked \
             into criteria; sett = settings agreeing)"
        ));
        let mut layouts: BTreeMap<String, Score> = BTreeMap::new();
        let mut total = Score::default();
        let mut details = String::new();
        for file in &expected_files {
            let name = file
                .file_name()
                .unwrap()
                .to_string_lossy()
                .replace(".expected.json", "");
            let expected: Expected = serde_json::from_str(
                &std::fs::read_to_string(file).expect("read an expected file"),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            let document = std::fs::read_dir(dir)
                .expect("read the set")
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .find(|p| {
                    let f = p.file_name().unwrap().to_string_lossy().to_string();
                    f.starts_with(&format!("{name}.")) && !f.ends_with(".json")
                })
                .unwrap_or_else(|| panic!("no document for {name}"));
            let mut misses = String::new();
            let s = score(&document, &expected, &mut misses);
            let label = document.file_name().unwrap().to_string_lossy().to_string();
            out.push_str(&line(&label, &s));
            if !misses.is_empty() {
                details.push_str(&format!("--- {label} ({})\n{misses}", expected.layout));
            }
            layouts.entry(expected.layout.clone()).or_default().add(&s);
            total.add(&s);
        }
        out.push_str(&header(&format!("{set}/ per layout")));
        for (layout, s) in &layouts {
            out.push_str(&line(layout, s));
        }
        out.push_str(&line(
            &format!("ALL {set}/ ({} documents)", expected_files.len()),
            &total,
        ));
        if std::env::var("SHORTLIST_IMPORT_DETAILS").is_ok() {
            out.push_str(&details);
        }
        (out, total)
    }

    /// `SHORTLIST_IMPORT_EXTRA=folder` scores a folder laid out like a corpus set, e.g. the
    /// scored sets' documents rendered again in the formats they were not written in.
    #[test]
    fn extra() {
        let Ok(folder) = std::env::var("SHORTLIST_IMPORT_EXTRA") else {
            return;
        };
        let dir = Path::new(&folder);
        let (table, _) = run_dir(&dir.display().to_string(), dir);
        let _ = std::io::stderr().write_all(table.as_bytes());
    }

    /// `SHORTLIST_IMPORT_SHOW=path` prints a document's text form and what was imported
    /// from it (for diagnosing one document).
    #[test]
    fn show() {
        let Ok(path) = std::env::var("SHORTLIST_IMPORT_SHOW") else {
            return;
        };
        let path = Path::new(&path);
        let body = std::fs::read(path).expect("read the document");
        let format = format_of(path);
        let mut out = String::new();
        if let Ok(text) = shortlist::import::text_form(format, &body) {
            for (n, line) in text.lines().enumerate() {
                out.push_str(&format!("{:>4} {line}\n", n + 1));
            }
        }
        match import(format, &body) {
            Ok(specs) => {
                for spec in specs {
                    for c in &spec.criteria {
                        out.push_str(&format!(
                            "[{}] {:?} {:?} stated={} conf={:.2} | {}\n",
                            c.category,
                            c.requirement,
                            c.methods,
                            c.methods_stated,
                            c.confidence,
                            c.description
                        ));
                    }
                    for w in &spec.warnings {
                        out.push_str(&format!(
                            "warning line {}: {} ({})\n",
                            w.line, w.text, w.reason
                        ));
                    }
                    out.push_str(&format!(
                        "conditions: {:?}\nsettings: {:?}\n",
                        spec.conditions, spec.settings
                    ));
                }
            }
            Err(e) => out.push_str(&format!("error: {e}\n")),
        }
        let _ = std::io::stderr().write_all(out.as_bytes());
    }

    #[test]
    fn corpus() {
        let (dev_table, dev) = run_set("dev");
        let _ = std::io::stderr().write_all(dev_table.as_bytes());
        if std::env::var("SHORTLIST_SKIP_HOLDOUT").is_err() {
            let (holdout_table, _) = run_set("holdout");
            let _ = std::io::stderr().write_all(holdout_table.as_bytes());
        }
        // The second blind set (new layouts, written after the importer was finished): its
        // first run is recorded in BENCHMARKS.md, so it is now a tuning set of its own,
        // reported apart and skipped only with `SHORTLIST_SKIP_HOLDOUT2=1`.
        // The later blind sets (new layouts, written after the importer was finished),
        // each reported apart; their first runs are recorded in BENCHMARKS.md. Skipped
        // with `SHORTLIST_SKIP_HOLDOUT2=1`, `…3=1`, `…4=1`, `…5=1`, `…6=1`, `…7=1`, `…8=1`, `…9=1`, `…10=1`, `…11=1`, `…12=1`, `…13=1`, `…14=1`, `…15=1`, `…16=1`, `…17=1`, `…18=1`, `…19=1`, `…20=1`, `…21=1`, `…22=1`, `…23=1`, `…24=1`, `…25=1`, `…26=1`, `…27=1`, `…28=1`, `…29=1`, `…30=1`, `…31=1`, `…32=1`.
        for (set, skip) in [
            ("holdout2", "SHORTLIST_SKIP_HOLDOUT2"),
            ("holdout3", "SHORTLIST_SKIP_HOLDOUT3"),
            ("holdout4", "SHORTLIST_SKIP_HOLDOUT4"),
            ("holdout5", "SHORTLIST_SKIP_HOLDOUT5"),
            ("holdout6", "SHORTLIST_SKIP_HOLDOUT6"),
            ("holdout7", "SHORTLIST_SKIP_HOLDOUT7"),
            ("holdout8", "SHORTLIST_SKIP_HOLDOUT8"),
            ("holdout9", "SHORTLIST_SKIP_HOLDOUT9"),
            ("holdout10", "SHORTLIST_SKIP_HOLDOUT10"),
            ("holdout11", "SHORTLIST_SKIP_HOLDOUT11"),
            ("holdout12", "SHORTLIST_SKIP_HOLDOUT12"),
            ("holdout13", "SHORTLIST_SKIP_HOLDOUT13"),
            ("holdout14", "SHORTLIST_SKIP_HOLDOUT14"),
            ("holdout15", "SHORTLIST_SKIP_HOLDOUT15"),
            ("holdout16", "SHORTLIST_SKIP_HOLDOUT16"),
            ("holdout17", "SHORTLIST_SKIP_HOLDOUT17"),
            ("holdout18", "SHORTLIST_SKIP_HOLDOUT18"),
            ("holdout19", "SHORTLIST_SKIP_HOLDOUT19"),
            ("holdout20", "SHORTLIST_SKIP_HOLDOUT20"),
            ("holdout21", "SHORTLIST_SKIP_HOLDOUT21"),
            ("holdout22", "SHORTLIST_SKIP_HOLDOUT22"),
            ("holdout23", "SHORTLIST_SKIP_HOLDOUT23"),
            ("holdout24", "SHORTLIST_SKIP_HOLDOUT24"),
            ("holdout25", "SHORTLIST_SKIP_HOLDOUT25"),
            ("holdout26", "SHORTLIST_SKIP_HOLDOUT26"),
            ("holdout27", "SHORTLIST_SKIP_HOLDOUT27"),
            ("holdout28", "SHORTLIST_SKIP_HOLDOUT28"),
            ("holdout29", "SHORTLIST_SKIP_HOLDOUT29"),
            ("holdout30", "SHORTLIST_SKIP_HOLDOUT30"),
            ("holdout31", "SHORTLIST_SKIP_HOLDOUT31"),
            ("holdout32", "SHORTLIST_SKIP_HOLDOUT32"),
        ] {
            let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/import_corpus")
                .join(set);
            if std::env::var(skip).is_err() && dir.is_dir() {
                let (table, _) = run_set(set);
                let _ = std::io::stderr().write_all(table.as_bytes());
            }
        }
        let figures = dev.figures();
        for (n, name) in [
            "precision",
            "recall",
            "requirement accuracy",
            "method accuracy",
        ]
        .iter()
        .enumerate()
        {
            assert!(
                figures[n] + 1e-9 >= DEV_FLOOR[n],
                "dev {name} {:.3} fell below {:.3}",
                figures[n],
                DEV_FLOOR[n]
            );
        }
    }
}
