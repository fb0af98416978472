//! Methods given by a later grid that repeats the criteria's text: the person
//! specification prints each criterion with its category and requirement but no method,
//! and a table later in the pack ("Appendix A – Shortlisting and interview grid", "How
//! each requirement is assessed", an assessment matrix) prints the same criteria again,
//! row by row and in any order, without categories, under one column per stage or method
//! ("Criterion | Shortlisting | Interview | Practical assessment | Certificate check") with
//! a tick ('✓', '●', 'X', 'Yes') where the stage assesses the criterion.
//!
//! The grid's rows are not further criteria: each criterion is read once, from the
//! specification, and its methods are the ticked columns of the grid row that repeats its
//! text. When a reader did take a grid row as a criterion of its own (a twin of one read
//! earlier), that twin is dropped.
//!
//! A table is such a grid when every column but the first names a method (two or more),
//! every other cell is a tick or blank, and most of its rows (at least three, three in
//! four) repeat, after normalising case, punctuation and spacing, the text of a criterion
//! read from an earlier line. Rows repeating no criterion (a condition printed in both
//! tables) are passed over. Anything else leaves the specifications as they were.
//!
//! One pass over the text form's lines, criteria indexed by normalised text in a map: time
//! and memory linear in the document.

use std::collections::{HashMap, HashSet};

use super::blocks::{parse_fragment, Spaces};
use super::methods;
use super::{ImportedSpec, LOW_CONFIDENCE};
use crate::domain::Method;

/// Columns read in a grid (no real grid has more stages).
const MAX_COLUMNS: usize = 12;
/// Rows read per grid (no specification has more criteria).
const MAX_ROWS: usize = 2_000;
/// Grids read per document.
const MAX_GRIDS: usize = 20;
/// Characters of a row's first cell compared (a criterion is far shorter).
const MAX_TEXT: usize = 2_000;

/// A cell's mark: a tick, an explicit "no", or anything else (text: not a grid).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Tick,
    /// A cross, which ticks in a grid of crosses but says "no" beside '✓'.
    Cross,
    Blank,
    Other,
}

fn mark(cell: &str) -> Mark {
    let t = cell.trim().trim_end_matches('.').to_lowercase();
    match t.as_str() {
        "" | "-" | "–" | "—" | "no" | "n" | "n/a" | "na" => Mark::Blank,
        "✓" | "✔" | "✔\u{fe0f}" | "☑" | "☒" | "√" | "●" | "•" | "■" | "◼" | "◆" | "x" | "*"
        | "yes" | "y" | "tick" | "ticked" => Mark::Tick,
        "✗" | "✘" => Mark::Cross,
        _ => Mark::Other,
    }
}

/// A criterion's text as compared: lower case, letters and digits, single spaces; less a
/// closing requirement mark ("(desirable)", "(E)") a grid or a specification may carry.
fn normalised(text: &str) -> String {
    let mut t: String = text
        .chars()
        .take(MAX_TEXT)
        .collect::<String>()
        .to_lowercase();
    for tail in [
        "(essential)",
        "(desirable)",
        "(e)",
        "(d)",
        "[essential]",
        "[desirable]",
    ] {
        if let Some(kept) = t.trim_end().strip_suffix(tail) {
            t = kept.to_string();
            break;
        }
    }
    let mut out = String::with_capacity(t.len());
    for word in t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The cells of a text-form table line (tab-separated HTML fragments, or a Markdown
/// `| a | b |` row), as plain text; `None` for any other line.
fn cells(line: &str) -> Option<Vec<String>> {
    let raw: Vec<&str> = if line.contains('\t') {
        line.split('\t').collect()
    } else {
        let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
        inner.split('|').collect()
    };
    if raw.len() > MAX_COLUMNS + 1 {
        return None;
    }
    Some(
        raw.iter()
            .map(|c| parse_fragment(c, Spaces::Collapse).plain())
            .collect(),
    )
}

/// A Markdown table's rule: `|---|:---:|`.
fn is_rule(line: &str) -> bool {
    let t = line.trim();
    t.starts_with('|') && t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

/// The methods a header cell names ("Shortlisting (application form)", "Certificate
/// check", "Scenario task"): the words outside brackets, or those inside when outside
/// names none.
fn column_methods(label: &str) -> Vec<Method> {
    let found = methods::phrase(&methods::without_asides(label));
    let found = if found.is_empty() {
        methods::phrase(label)
    } else {
        found
    };
    // A PDF's narrow header cell may break a word across its lines ("Applicati on",
    // "Intervie w"): the label read without its spaces.
    if found.is_empty() {
        methods::phrase(&label.replace(' ', ""))
    } else {
        found
    }
}

/// One grid row: its line (1-based), its first cell normalised, and the methods ticked.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    line: usize,
    text: String,
    methods: Vec<Method>,
}

/// A table under a method header: the header's columns and the rows read so far (`None`
/// once a cell holds anything but a tick or blank).
struct Open {
    columns: Vec<Vec<Method>>,
    rows: Option<Vec<(usize, String, Vec<Mark>)>>,
}

impl Open {
    /// The rows with their ticked methods; a cross ticks unless the grid also uses '✓'.
    fn close(self) -> Option<Vec<Row>> {
        let rows = self.rows?;
        let ticks = rows.iter().any(|(_, _, m)| m.contains(&Mark::Tick));
        let crosses_tick = !ticks;
        let out: Vec<Row> = rows
            .into_iter()
            .map(|(line, text, marks)| {
                let mut found = Vec::new();
                for (m, col) in marks.iter().zip(&self.columns) {
                    if *m == Mark::Tick || *m == Mark::Cross && crosses_tick {
                        found.extend(col.iter().copied());
                    }
                }
                Row {
                    line,
                    text,
                    methods: methods::sort(found),
                }
            })
            .collect();
        (out.len() >= 2).then_some(out)
    }
}

/// The header's method columns when every cell after the first names a method (two or
/// more) and the first names none.
fn header(cells: &[String]) -> Option<Vec<Vec<Method>>> {
    let mut rest: &[String] = cells.get(1..)?;
    while rest.last().is_some_and(|c| c.is_empty()) {
        rest = &rest[..rest.len() - 1];
    }
    if rest.len() < 2 || rest.len() > MAX_COLUMNS || !column_methods(&cells[0]).is_empty() {
        return None;
    }
    let columns: Vec<Vec<Method>> = rest.iter().map(|c| column_methods(c)).collect();
    columns.iter().all(|c| !c.is_empty()).then_some(columns)
}

/// Every tick grid of the text form: tables headed by a first column and two or more
/// method columns, whose other cells are ticks or blanks.
fn grids(text: &str) -> Vec<Vec<Row>> {
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    // A blank line since the open table's last row: a row that does not fit after it
    // starts another table rather than spoiling this one.
    let mut gap = false;
    for (i, line) in text.lines().enumerate() {
        if out.len() >= MAX_GRIDS {
            break;
        }
        if line.trim().is_empty() {
            gap = true;
            continue;
        }
        // A Markdown table's rule under its header row ("|---|---|") is no row.
        if is_rule(line) {
            continue;
        }
        let after_gap = std::mem::replace(&mut gap, false);
        let Some(cells) = cells(line) else {
            // Prose ends a table.
            if let Some(rows) = open.take().and_then(Open::close) {
                out.push(rows);
            }
            continue;
        };
        if let Some(columns) = header(&cells) {
            if let Some(rows) = open.take().and_then(Open::close) {
                out.push(rows);
            }
            open = Some(Open {
                columns,
                rows: Some(Vec::new()),
            });
            continue;
        }
        let Some(table) = open.as_mut() else {
            continue;
        };
        let Some(rows) = table.rows.as_mut() else {
            continue;
        };
        let marks: Vec<Mark> = cells.iter().skip(1).map(|c| mark(c)).collect();
        let extra = marks.iter().skip(table.columns.len());
        if marks.contains(&Mark::Other)
            || extra.into_iter().any(|m| *m != Mark::Blank)
            || rows.len() >= MAX_ROWS
        {
            if after_gap && !rows.is_empty() {
                if let Some(rows) = open.take().and_then(Open::close) {
                    out.push(rows);
                }
            } else {
                table.rows = None;
            }
            continue;
        }
        // A category row (first cell alone) repeats no criterion; it is passed over.
        if marks.iter().all(|m| *m == Mark::Blank) {
            continue;
        }
        rows.push((i + 1, normalised(&cells[0]), marks));
    }
    if let Some(rows) = open.and_then(Open::close) {
        out.push(rows);
    }
    out
}

/// A criterion's place: its specification's index and its own.
type At = (usize, usize);

/// Words of the key under which a criterion is found when a grid prints it nearly, not
/// exactly, as the specification did.
const KEY_WORDS: usize = 6;

/// The first [`KEY_WORDS`] words of a normalised text; `None` when it has fewer.
fn key(text: &str) -> Option<&str> {
    let mut ends = text.match_indices(' ').map(|(i, _)| i);
    match ends.nth(KEY_WORDS - 1) {
        Some(end) => Some(&text[..end]),
        None => (text.split(' ').count() == KEY_WORDS).then_some(text),
    }
}

/// Whether a grid row prints nearly the criterion's text: one is the other cut short
/// ("… award" for "… award in the public sector") or, of the longer's words, at least four
/// in five are the shorter's.
fn nearly(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.starts_with(short) && long[short.len()..].starts_with(' ') {
        return true;
    }
    let words: HashSet<&str> = short.split(' ').collect();
    let longer: Vec<&str> = long.split(' ').collect();
    let shared = longer.iter().filter(|w| words.contains(*w)).count();
    shared * 5 >= longer.len() * 4
}

/// Whether criteria a grid leaves out are no part of the specification: a whole group of
/// them (a category) not one of whose texts the grid repeats, while it repeats every
/// criterion of every other group, and no requirement mark of their own (their
/// confidence is low) – the benefits list read as a last category.
fn unlisted(spec: &ImportedSpec, s: usize, repeated: &HashSet<(usize, usize)>) -> Vec<usize> {
    // Per category: criteria, how many the grid repeats, whether all are unmarked.
    let mut groups: HashMap<&str, (usize, usize, bool)> = HashMap::new();
    for (c, criterion) in spec.criteria.iter().enumerate() {
        let group = groups
            .entry(criterion.category.as_str())
            .or_insert((0, 0, true));
        group.0 += 1;
        group.1 += usize::from(repeated.contains(&(s, c)));
        group.2 &= criterion.confidence <= LOW_CONFIDENCE && !criterion.methods_stated;
    }
    let listed = groups.values().filter(|g| g.1 == g.0).count();
    let whole = groups
        .values()
        .all(|&(all, seen, unmarked)| seen == all || seen == 0 && unmarked);
    if listed == 0 || listed == groups.len() || !whole {
        return Vec::new();
    }
    spec.criteria
        .iter()
        .enumerate()
        .filter(|(_, criterion)| groups[criterion.category.as_str()].1 == 0)
        .map(|(c, _)| c)
        .collect()
}

/// The specifications with the methods a later grid repeating their criteria gives them;
/// unchanged when the document has no such grid.
pub fn apply(mut specs: Vec<ImportedSpec>, text: &str) -> Vec<ImportedSpec> {
    let found = grids(text);
    if found.is_empty() {
        return specs;
    }
    // Every criterion by its normalised text: (spec, criterion) indices; and the texts by
    // their first words.
    let mut index: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (s, spec) in specs.iter().enumerate() {
        for (c, criterion) in spec.criteria.iter().enumerate() {
            index
                .entry(normalised(&criterion.description))
                .or_default()
                .push((s, c));
        }
    }
    let mut keys: HashMap<&str, Vec<&str>> = HashMap::new();
    for text in index.keys() {
        if let Some(k) = key(text) {
            keys.entry(k).or_default().push(text.as_str());
        }
    }
    let mut dropped: HashSet<(usize, usize)> = HashSet::new();
    let mut repeated: HashSet<(usize, usize)> = HashSet::new();
    let mut changes: Vec<(Vec<At>, Vec<Method>)> = Vec::new();
    for rows in found {
        let mut matched = Vec::new();
        let mut twins = Vec::new();
        for row in &rows {
            // The text as printed, or the one criterion whose first words it shares and
            // whose text it nearly prints.
            let at = index.get(&row.text).or_else(|| {
                let candidates = keys.get(key(&row.text)?)?;
                match candidates.as_slice() {
                    [only] if nearly(only, &row.text) => index.get(*only),
                    _ => None,
                }
            });
            let Some(at) = at else {
                continue;
            };
            // The specification's criteria are printed before the grid; one read from the
            // grid row itself is a twin.
            let earlier: Vec<(usize, usize)> = at
                .iter()
                .copied()
                .filter(|&(s, c)| specs[s].criteria[c].line < row.line)
                .collect();
            if earlier.is_empty() {
                continue;
            }
            twins.extend(
                at.iter()
                    .copied()
                    .filter(|&(s, c)| specs[s].criteria[c].line == row.line),
            );
            matched.push((earlier, row.methods.clone()));
        }
        if matched.len() < 3 || matched.len() * 4 < rows.len() * 3 {
            continue;
        }
        dropped.extend(twins);
        for (targets, found) in matched {
            repeated.extend(targets.iter().copied());
            if !found.is_empty() {
                changes.push((targets, found));
            }
        }
    }
    for (targets, found) in changes {
        for (s, c) in targets {
            let criterion = &mut specs[s].criteria[c];
            criterion.methods = found.clone();
            criterion.methods_stated = true;
        }
    }
    if repeated.is_empty() {
        return specs;
    }
    for (s, spec) in specs.iter().enumerate() {
        dropped.extend(unlisted(spec, s, &repeated).into_iter().map(|c| (s, c)));
    }
    if dropped.is_empty() {
        return specs;
    }
    for (s, spec) in specs.iter_mut().enumerate() {
        let mut lines = HashSet::new();
        let mut c = 0usize;
        spec.criteria.retain(|criterion| {
            let keep = !dropped.contains(&(s, c));
            if !keep {
                lines.insert(criterion.line);
            }
            c += 1;
            keep
        });
        // A dropped criterion's warnings go with it.
        spec.warnings.retain(|w| !lines.contains(&w.line));
    }
    specs.retain(|spec| !spec.criteria.is_empty());
    specs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Requirement;
    use crate::import::ImportedCriterion;

    fn criterion(description: &str, line: usize) -> ImportedCriterion {
        ImportedCriterion {
            category: "Skills".into(),
            description: description.into(),
            requirement: Requirement::Essential,
            methods: vec![Method::Application],
            alternative_group: None,
            line,
            source: description.into(),
            confidence: 1.0,
            methods_stated: false,
        }
    }

    fn spec(criteria: Vec<ImportedCriterion>) -> ImportedSpec {
        ImportedSpec {
            title: None,
            line: 1,
            criteria,
            warnings: Vec::new(),
            conditions: Vec::new(),
            settings: Default::default(),
        }
    }

    const TEXT: &str = "## Person specification\n\
        - Able to keep clear, factual records\n\
        - Experience of running tenders (desirable)\n\
        - Strong negotiation skills\n\
        - Commitment to equality\n\
        \n\
        ## Appendix A – Shortlisting and interview grid\n\
        | Criterion | Shortlisting | Interview | Practical assessment | Certificate check |\n\
        | Strong negotiation skills |  | ✓ |  |  |\n\
        | Able to keep clear, factual records | ✓ |  | ✓ |  |\n\
        | Experience of running tenders | ✓ | ✓ |  |  |\n\
        | Commitment to equality |  | ✓ |  |  |\n\
        | Full driving licence | ✓ |  |  | ✓ |\n";

    fn read() -> Vec<ImportedSpec> {
        vec![spec(vec![
            criterion("Able to keep clear, factual records", 2),
            criterion("Experience of running tenders", 3),
            criterion("Strong negotiation skills", 4),
            criterion("Commitment to equality", 5),
        ])]
    }

    #[test]
    fn marks_of_a_grid() {
        assert_eq!(mark(" ✓ "), Mark::Tick);
        assert_eq!(mark("●"), Mark::Tick);
        assert_eq!(mark("X"), Mark::Tick);
        assert_eq!(mark("Yes"), Mark::Tick);
        assert_eq!(mark(""), Mark::Blank);
        assert_eq!(mark("–"), Mark::Blank);
        assert_eq!(mark("✗"), Mark::Cross);
        assert_eq!(mark("Essential"), Mark::Other);
    }

    #[test]
    fn text_compared_without_case_punctuation_or_a_mark() {
        assert_eq!(
            normalised("Able to keep clear,  factual records."),
            normalised("able to keep clear factual records")
        );
        assert_eq!(
            normalised("Full CIPS membership (MCIPS) (desirable)"),
            "full cips membership mcips"
        );
    }

    #[test]
    fn a_header_of_method_columns() {
        let cols = header(&cells("<b>Criterion</b>\t<b>Letter of application</b>\t<b>Interview</b>\t<b>Scenario task</b>\t<b>Documents</b>\t").unwrap())
            .expect("a method header");
        assert_eq!(
            cols,
            vec![
                vec![Method::Application],
                vec![Method::Interview],
                vec![Method::Test],
                vec![Method::Documents]
            ]
        );
        // A requirement column is no method.
        assert_eq!(
            header(&cells("| Criteria | Essential | Desirable |").unwrap()),
            None
        );
        assert_eq!(
            header(&cells("| Criteria | Essential / Desirable | Interview |").unwrap()),
            None
        );
    }

    #[test]
    fn a_later_grid_gives_the_criteria_their_methods() {
        let out = apply(read(), TEXT);
        assert_eq!(out.len(), 1);
        let c = &out[0].criteria;
        assert_eq!(c.len(), 4);
        assert_eq!(c[0].methods, vec![Method::Application, Method::Test]);
        assert_eq!(c[1].methods, vec![Method::Application, Method::Interview]);
        assert_eq!(c[2].methods, vec![Method::Interview]);
        assert_eq!(c[3].methods, vec![Method::Interview]);
        assert!(c.iter().all(|c| c.methods_stated));
        assert_eq!(c[1].requirement, Requirement::Essential);
        assert_eq!(c[1].category, "Skills");
    }

    #[test]
    fn a_markdown_grid_under_its_rule_gives_the_methods_too() {
        let text = TEXT.replace(
            "| Certificate check |\n",
            "| Certificate check |\n|---|---|:---:|---|---|\n",
        );
        assert!(text.contains("|---|"));
        let out = apply(read(), &text);
        assert_eq!(
            out[0].criteria[0].methods,
            vec![Method::Application, Method::Test]
        );
        assert!(is_rule("|---|:---:|"));
        assert_eq!(column_methods("Applicati on"), vec![Method::Application]);
        assert_eq!(column_methods("Intervie w"), vec![Method::Interview]);
        assert!(!is_rule("| Criterion | Interview |"));
    }

    #[test]
    fn a_grid_row_read_as_a_criterion_is_no_second_criterion() {
        let mut specs = read();
        // The line of "Strong negotiation skills" in the grid.
        specs[0]
            .criteria
            .push(criterion("Strong negotiation skills", 9));
        let out = apply(specs, TEXT);
        assert_eq!(out[0].criteria.len(), 4);
        assert_eq!(out[0].criteria[2].methods, vec![Method::Interview]);
    }

    #[test]
    fn a_table_read_itself_is_no_later_grid() {
        // The criteria read from the tick table's own rows: nothing earlier to repeat.
        let specs = vec![spec(vec![
            criterion("Strong negotiation skills", 9),
            criterion("Able to keep clear, factual records", 10),
            criterion("Experience of running tenders", 11),
            criterion("Commitment to equality", 12),
        ])];
        assert_eq!(apply(specs.clone(), TEXT), specs);
    }

    #[test]
    fn a_grid_of_other_rows_changes_nothing() {
        // Fewer than three in four rows repeat a criterion.
        let text = "| Criterion | Application | Interview |\n\
                    | Strong negotiation skills | | ✓ |\n\
                    | Commitment to equality | ✓ | |\n\
                    | Something else | ✓ | |\n\
                    | Another thing | ✓ | |\n";
        let specs = vec![spec(vec![
            criterion("Strong negotiation skills", 1),
            criterion("Commitment to equality", 1),
        ])];
        assert_eq!(apply(specs.clone(), text), specs);
        // Cells holding words are no tick grid.
        let text = "| Criterion | Application | Interview |\n\
                    | Strong negotiation skills | Essential | ✓ |\n\
                    | Commitment to equality | ✓ | |\n\
                    | Able to keep clear, factual records | ✓ | |\n";
        let specs = vec![spec(vec![
            criterion("Strong negotiation skills", 1),
            criterion("Commitment to equality", 1),
            criterion("Able to keep clear, factual records", 1),
        ])];
        assert_eq!(apply(specs.clone(), text), specs);
    }

    #[test]
    fn crosses_tick_unless_the_grid_uses_ticks() {
        let text = "| Criterion | Application | Interview |\n\
                    | A | ✓ | ✗ |\n\
                    | B | ✗ | ✓ |\n";
        let rows = grids(text);
        assert_eq!(rows[0][0].methods, vec![Method::Application]);
        let text = "| Criterion | Application | Interview |\n\
                    | A | ✗ | ✗ |\n\
                    | B | ✗ | |\n";
        let rows = grids(text);
        assert_eq!(
            rows[0][0].methods,
            vec![Method::Application, Method::Interview]
        );
    }

    #[test]
    fn a_grid_row_printing_the_text_nearly() {
        assert_eq!(key("a b c d e f g"), Some("a b c d e f"));
        assert_eq!(key("a b c d e f"), Some("a b c d e f"));
        assert_eq!(key("a b c d e"), None);
        let long = "experience of running tenders from specification to contract award in the public sector";
        assert!(nearly(
            long,
            "experience of running tenders from specification to contract award"
        ));
        assert!(nearly(
            "experience of running tenders from specification to contract award in public sector",
            long
        ));
        assert!(!nearly(
            "experience of running tenders for building works",
            long
        ));
        let text = "- Experience of running tenders from specification to contract award in the public sector\n\
                    - Experience of managing supplier performance against contract KPIs\n\
                    - Strong negotiation skills\n\
                    \n\
                    | Criterion | Application | Interview |\n\
                    | Experience of running tenders from specification to contract award | ✓ | ✓ |\n\
                    | Experience of managing supplier performance against KPIs | ✓ | |\n\
                    | Strong negotiation skills | | ✓ |\n";
        let specs = vec![spec(vec![
            criterion(
                "Experience of running tenders from specification to contract award in the public sector",
                1,
            ),
            criterion(
                "Experience of managing supplier performance against contract KPIs",
                2,
            ),
            criterion("Strong negotiation skills", 3),
        ])];
        let out = apply(specs, text);
        let found: Vec<&Vec<Method>> = out[0].criteria.iter().map(|c| &c.methods).collect();
        assert_eq!(
            found,
            vec![
                &vec![Method::Application, Method::Interview],
                &vec![Method::Application],
                &vec![Method::Interview]
            ]
        );
    }

    #[test]
    fn a_group_the_grid_leaves_out_unmarked_is_no_part_of_the_specification() {
        let mut specs = read();
        let mut perk = criterion("Local Government Pension Scheme", 6);
        perk.category = "Working for us".into();
        perk.confidence = 0.45;
        specs[0].criteria.push(perk.clone());
        specs[0].warnings.push(crate::import::ImportWarning {
            line: 6,
            text: "Local Government Pension Scheme".into(),
            reason: "no mark".into(),
        });
        let out = apply(specs, TEXT);
        assert_eq!(out[0].criteria.len(), 4);
        assert!(out[0].warnings.is_empty());
        // Marked, the group stays: the grid only leaves it out.
        let mut specs = read();
        perk.confidence = 0.9;
        specs[0].criteria.push(perk);
        assert_eq!(apply(specs, TEXT)[0].criteria.len(), 5);
    }
}
