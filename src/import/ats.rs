//! A person specification exported from an applicant-tracking system: the vacancy's
//! fields, the advert, then one record per criterion under a heading counting them
//! ("Criterion 3 of 12"), each record a group of labelled fields – a two-column table
//! (`| Weighting | Essential |`), tab-separated rows or `Label: value` lines – of which
//! only the category, the criterion, its weighting and its assessment say anything
//! about the criterion; the rest (status, last modified, knock-out question, score
//! range, visibility) is the system's bookkeeping.
//!
//! The text form of such an export is rewritten so the specification reads as any
//! other: the records become one criteria table per category (criterion, weighting,
//! assessment), a record the system marks as deleted is left out (the hiring manager
//! took it out of the specification), and the records under a pre-employment checks
//! category, with the vacancy's own "Right to work" field, become a list of
//! pre-employment checks (conditions of the offer, not criteria to shortlist on). A
//! record with no category field is in the category of a heading printed before it, or
//! else of the record before it (a print's page break can swallow the field).
//!
//! Only an export is rewritten: at least [`MIN_RECORDS`] record headings must each be
//! followed by a criterion field and a weighting field. The lines before the first
//! record and after the last stay as printed. Linear in the text.

use std::borrow::Cow;

/// How many records make a document an export.
const MIN_RECORDS: usize = 3;

/// The most records read (the rest are left as they are).
const MAX_RECORDS: usize = 500;

/// The most words in a field's label: longer is a sentence with a colon in it.
const MAX_LABEL_WORDS: usize = 4;

/// One criterion record: where it starts (its heading) and ends (after its last field),
/// and the fields that matter.
#[derive(Default)]
struct Record {
    start: usize,
    end: usize,
    category: Option<String>,
    /// The heading printed between the record before and this one, if any: the category
    /// of an export that heads its records by category instead of labelling each.
    section: Option<String>,
    criterion: Option<String>,
    weighting: Option<String>,
    assessment: Option<String>,
    deleted: bool,
}

/// What a field's label says about its value.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Category,
    Criterion,
    Weighting,
    /// A label that names the weighting only when its value is a mark ("Type |
    /// Essential", but "Type | Qualification" is a category).
    MaybeWeighting,
    Assessment,
    Status,
    /// The system's bookkeeping: neither mark nor method.
    Other,
}

/// The text with an export's records rewritten (see the module's comment); the text as
/// it is when it is not an export.
pub fn tabulated(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.lines().collect();
    let records = scan(&lines);
    let complete = records
        .iter()
        .filter(|r| r.criterion.is_some() && r.weighting.is_some())
        .count();
    if complete < MIN_RECORDS {
        return Cow::Borrowed(text);
    }
    let first = records[0].start;
    let last = records[records.len() - 1].end;
    let mut out = String::with_capacity(text.len() + 256);
    for line in &lines[..first] {
        out.push_str(line);
        out.push('\n');
    }
    // The vacancy's right-to-work field is a check made before the offer, like the
    // records under pre-employment checks.
    let vacancy_checks = lines[..first].iter().filter_map(|l| right_to_work(l));
    render(
        &records,
        vacancy_checks,
        heading_level(lines[first]).max(2),
        &mut out,
    );
    out.push('\n');
    for line in &lines[last..] {
        out.push_str(line);
        out.push('\n');
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    Cow::Owned(out)
}

/// The records of the text's lines, at most [`MAX_RECORDS`]: each from its heading over
/// the field lines (and blank lines) below it. One pass over the lines.
fn scan(lines: &[&str]) -> Vec<Record> {
    let mut records: Vec<Record> = Vec::new();
    let mut section: Option<String> = None;
    let mut i = 0;
    while i < lines.len() && records.len() < MAX_RECORDS {
        if !record_heading(lines[i]) {
            // A heading between records names the category of those after it.
            if !records.is_empty() && heading_level(lines[i]) > 0 {
                let name = tagless(lines[i].trim_start().trim_start_matches('#'));
                section = Some(name).filter(|n| !n.is_empty());
            }
            i += 1;
            continue;
        }
        let mut record = Record {
            start: i,
            end: i + 1,
            section: section.take(),
            ..Record::default()
        };
        let mut j = i + 1;
        while j < lines.len() {
            let line = lines[j];
            j += 1;
            if line.trim().is_empty() {
                continue;
            }
            let fields = fields(line);
            if fields.is_empty() || record_heading(line) {
                break;
            }
            for (label, value) in fields {
                record.set(field_of(&label), value);
            }
            record.end = j;
        }
        i = record.end;
        records.push(record);
    }
    records
}

/// The records as criteria tables, one per run of one category, then the checks (the
/// records under a pre-employment category, and `vacancy_checks`) as a list under a
/// heading of `level`.
fn render(
    records: &[Record],
    vacancy_checks: impl Iterator<Item = String>,
    level: usize,
    out: &mut String,
) {
    // A record with no category of its own (a page break in the print swallowed it) is
    // in the category before it.
    let mut category: Option<String> = None;
    // The category whose heading was printed last.
    let mut headed: Option<String> = None;
    let mut table_open = false;
    let mut checks: Vec<String> = Vec::new();
    let mut checks_heading: Option<String> = None;
    for record in records {
        if let Some(own) = record.category.as_ref().or(record.section.as_ref()) {
            category = Some(own.clone());
        }
        let (Some(criterion), Some(weighting)) = (&record.criterion, &record.weighting) else {
            continue;
        };
        if record.deleted {
            continue;
        }
        if category.as_deref().is_some_and(checks_category)
            || record.assessment.as_deref().is_some_and(checks_only)
        {
            if checks_heading.is_none() {
                checks_heading = category.clone().filter(|c| checks_category(c));
            }
            checks.push(cell(criterion));
            continue;
        }
        if let Some(name) = &category {
            if !headed
                .as_ref()
                .is_some_and(|h| h.eq_ignore_ascii_case(name))
            {
                out.push_str(&format!("\n{} {}\n\n", "#".repeat(level + 1), cell(name)));
                headed = Some(name.clone());
                table_open = false;
            }
        }
        if !table_open {
            out.push_str("| Criterion | Essential or desirable | How assessed |\n");
            table_open = true;
        }
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            cell(criterion),
            cell(weighting),
            cell(record.assessment.as_deref().unwrap_or(""))
        ));
    }
    checks.extend(vacancy_checks);
    if !checks.is_empty() {
        let name = checks_heading.unwrap_or_else(|| "Pre-employment checks".to_string());
        out.push_str(&format!("\n{} {}\n\n", "#".repeat(level), cell(&name)));
        for check in &checks {
            out.push_str(&format!("- {check}\n"));
        }
    }
}

impl Record {
    fn set(&mut self, field: Field, value: String) {
        let slot = match field {
            Field::Category => &mut self.category,
            Field::Criterion => &mut self.criterion,
            Field::Weighting => &mut self.weighting,
            Field::MaybeWeighting if mark(&value) => &mut self.weighting,
            Field::Assessment => &mut self.assessment,
            Field::Status => {
                self.deleted |= deleted_status(&value);
                return;
            }
            Field::MaybeWeighting | Field::Other => return,
        };
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value);
        }
    }
}

/// A record's heading: "Criterion 3 of 12", "## Criterion 3/12", "Record 3 of 12",
/// perhaps bold or in a heading's marks.
fn record_heading(line: &str) -> bool {
    let t = tagless(line);
    let t = t
        .trim_start_matches('#')
        .trim()
        .trim_matches(['*', '_'])
        .trim();
    let lower = t.to_lowercase();
    let mut words = lower.split_whitespace();
    let noun = words.next().unwrap_or("");
    if !matches!(noun, "criterion" | "record" | "requirement") {
        return false;
    }
    let rest: Vec<&str> = words.collect();
    let number = |w: &str| !w.is_empty() && w.len() <= 4 && w.chars().all(|c| c.is_ascii_digit());
    match rest.as_slice() {
        [n, "of", total] => number(n) && number(total),
        [fraction] => fraction
            .split_once('/')
            .is_some_and(|(n, total)| number(n) && number(total)),
        _ => false,
    }
}

/// How deep a heading line is (`### …` is 3); 0 for a line that is none.
fn heading_level(line: &str) -> usize {
    let t = line.trim_start();
    let hashes = t.len() - t.trim_start_matches('#').len();
    if hashes > 0 && t.get(hashes..).is_some_and(|r| r.starts_with(' ')) {
        hashes.min(5)
    } else {
        0
    }
}

/// The labelled fields a line holds: a two-cell table row (`| Label | value |` or
/// `Label<TAB>value`), or `Label: value` lines, several joined by ' · ' on one line.
/// Empty when the line is no field (a sentence, a heading, a wider row).
fn fields(line: &str) -> Vec<(String, String)> {
    let t = line.trim();
    if t.starts_with('#') {
        return Vec::new();
    }
    let cells: Vec<String> = if t.starts_with('|') {
        t.trim_matches('|').split('|').map(tagless).collect()
    } else if t.contains('\t') {
        t.split('\t').map(tagless).collect()
    } else {
        Vec::new()
    };
    if !cells.is_empty() {
        return match cells.as_slice() {
            [label, value] if label_like(label) => vec![(label.clone(), value.clone())],
            _ => Vec::new(),
        };
    }
    let plain = tagless(t);
    let mut out = Vec::new();
    for part in plain.split(" · ") {
        let Some((label, value)) = part.split_once(':') else {
            return Vec::new();
        };
        if !label_like(label) {
            return Vec::new();
        }
        out.push((label.trim().to_string(), value.trim().to_string()));
    }
    out
}

/// A field's label: a few words, at least one letter, no sentence's full stop.
fn label_like(label: &str) -> bool {
    let l = label.trim();
    let words = l.split_whitespace().count();
    (1..=MAX_LABEL_WORDS).contains(&words)
        && l.chars().any(char::is_alphabetic)
        && !l.ends_with('.')
}

/// What a label names.
fn field_of(label: &str) -> Field {
    let l = label
        .trim()
        .trim_end_matches([':', '*'])
        .trim()
        .to_lowercase();
    match l.as_str() {
        "category" | "section" | "criterion category" | "criteria category" | "area" | "group"
        | "heading" | "competency area" => Field::Category,
        "criterion"
        | "criterion text"
        | "criteria"
        | "criterion description"
        | "description"
        | "requirement text"
        | "criterion wording" => Field::Criterion,
        "weighting"
        | "weight"
        | "essential/desirable"
        | "essential / desirable"
        | "essential or desirable"
        | "e/d" => Field::Weighting,
        "priority" | "importance" | "requirement" | "type" | "criterion type" | "level" => {
            Field::MaybeWeighting
        }
        "assessment" | "assessment method" | "assessment methods" | "assessed by"
        | "how assessed" | "assessment stage" | "assessment stages" | "method" | "methods"
        | "evidence" | "how evidenced" | "stage assessed" => Field::Assessment,
        "status" | "record status" | "criterion status" | "state" => Field::Status,
        _ => Field::Other,
    }
}

/// A requirement's mark: "Essential", "Desirable (knock-out)", "E", "D".
fn mark(value: &str) -> bool {
    let l = value.trim().to_lowercase();
    let word = l.split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
    matches!(word, "essential" | "desirable" | "e" | "d")
}

/// A status saying the record was taken out: "Deleted", "Deleted (removed by …)",
/// "Withdrawn", "Inactive", "Archived".
fn deleted_status(value: &str) -> bool {
    let l = value.trim().to_lowercase();
    let word = l
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .next()
        .unwrap_or("");
    matches!(
        word,
        "deleted" | "removed" | "withdrawn" | "inactive" | "archived" | "retired"
    )
}

/// A category of checks made before appointment: "Pre-employment checks", "Conditions of
/// employment".
fn checks_category(category: &str) -> bool {
    let l = category.to_lowercase();
    l.contains("pre-employment")
        || l.contains("pre employment")
        || l.contains("preemployment")
        || l.contains("conditions of employment")
        || l.contains("employment checks")
        || l == "conditions"
}

/// An assessment that is only a check made before appointment ("Pre-employment check",
/// "Checked at offer"): a condition, not a criterion.
fn checks_only(assessment: &str) -> bool {
    let parts: Vec<String> = assessment
        .split([';', ','])
        .map(|p| p.trim().to_lowercase())
        .filter(|p| !p.is_empty())
        .collect();
    !parts.is_empty()
        && parts.iter().all(|p| {
            p.contains("pre-employment") || p.contains("pre employment") || p.contains("at offer")
        })
}

/// The condition a vacancy's "Right to work" field states: its value up to the first ';'
/// (what follows, such as a sponsorship note, is an aside).
fn right_to_work(line: &str) -> Option<String> {
    let fields = fields(line);
    let [(label, value)] = fields.as_slice() else {
        return None;
    };
    let l = label.trim().trim_end_matches(':').trim().to_lowercase();
    if !matches!(
        l.as_str(),
        "right to work" | "right to work in the uk" | "eligibility to work"
    ) {
        return None;
    }
    let first = value.split(';').next().unwrap_or("").trim();
    let answer = first.to_lowercase();
    if first.is_empty() || matches!(answer.as_str(), "no" | "n/a" | "not applicable") {
        return None;
    }
    Some(if first.split_whitespace().count() < 3 {
        "Right to work in the UK".to_string()
    } else {
        first.to_string()
    })
}

/// A value as a table cell: one line, no column separator.
fn cell(value: &str) -> String {
    value.replace(['|', '\t', '\n'], " ").trim().to_string()
}

/// The text of a line without markup tags (`<strong>Weighting:</strong>`), trimmed.
fn tagless(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLES: &str = "# Officer\n\n| Requisition ID | X-1 |\n| Right to work | Yes |\n\n\
## Criteria (4 records)\n\n## Criterion 1 of 4\n\n| Category | Skills |\n\
| Criterion text | Able to plan routes |\n| Weighting | Essential |\n\
| Assessment | Interview; Route planning exercise |\n| Status | Active |\n\
| Last modified | 21/11/2026 by jo |\n\n## Criterion 2 of 4\n\n\
| Criterion text | Uses QRoute |\n| Weighting | Desirable |\n| Assessment | Application form |\n\
| Status | Deleted (removed by hiring manager) |\n\n## Criterion 3 of 4\n\n\
| Criterion text | Calm with complaints |\n| Weighting | Desirable |\n| Assessment | Interview |\n\
| Status | Active |\n\n## Criterion 4 of 4\n\n| Category | Pre-employment checks |\n\
| Criterion text | Enhanced DBS check |\n| Weighting | Essential |\n\
| Assessment | Pre-employment check |\n\nEnd of export\n";

    #[test]
    fn table_records_become_a_criteria_table_and_checks() {
        let out = tabulated(TABLES);
        assert!(
            out.contains("### Skills\n\n| Criterion | Essential or desirable | How assessed |\n")
        );
        assert!(out
            .contains("| Able to plan routes | Essential | Interview; Route planning exercise |"));
        // The record with no category of its own stays in the one before it.
        assert!(out.contains("| Calm with complaints | Desirable | Interview |"));
        // A deleted record is gone; system fields are gone.
        assert!(!out.contains("QRoute"));
        assert!(!out.contains("Last modified"));
        assert!(!out.contains("Active"));
        // The checks, with the vacancy's right-to-work field.
        assert!(out.contains(
            "## Pre-employment checks\n\n- Enhanced DBS check\n- Right to work in the UK\n"
        ));
        assert!(!out.contains("| Enhanced DBS check |"));
        assert!(out.ends_with("End of export\n"));
        assert!(out.starts_with("# Officer\n\n| Requisition ID | X-1 |\n"));
    }

    #[test]
    fn the_importer_reads_the_records_as_criteria_and_conditions() {
        use crate::domain::{Method, Requirement};
        let specs = super::super::import(super::super::Format::Text, TABLES.as_bytes())
            .expect("an export is read");
        let spec = specs
            .iter()
            .max_by_key(|s| s.criteria.len())
            .expect("a specification");
        let read: Vec<(&str, Requirement)> = spec
            .criteria
            .iter()
            .map(|c| (c.description.as_str(), c.requirement))
            .collect();
        assert_eq!(
            read,
            [
                ("Able to plan routes", Requirement::Essential),
                ("Calm with complaints", Requirement::Desirable)
            ]
        );
        assert_eq!(spec.criteria[0].category, "Skills");
        assert!(spec.criteria[0].methods.contains(&Method::Test));
        assert!(spec.conditions.iter().any(|c| c.contains("DBS")));
    }

    #[test]
    fn labelled_lines_are_read_and_system_fields_left_out() {
        let mut text = String::from(
            "# Vacancy\n\nRight to work\tApplicants must have the right to work in the UK; no sponsorship\n\n",
        );
        for (n, (section, criterion, weighting)) in [
            ("Experience", "Events experience", "Essential"),
            ("Experience", "CRM use", "Desirable"),
            ("Knowledge", "GDPR", "Essential"),
        ]
        .iter()
        .enumerate()
        {
            text.push_str(&format!(
                "### Criterion {} of 3\n\n<strong>Section:</strong> {section}\n\n\
<strong>Criterion:</strong> {criterion}\n\n<strong>Weighting:</strong> {weighting}\n\n\
<strong>Assessment:</strong> Application; Test\n\n\
<strong>Knock-out question:</strong> Yes · <strong>Score range:</strong> 0–4\n\n",
                n + 1
            ));
        }
        text.push_str("Record count: 3\n");
        let out = tabulated(&text);
        assert!(out.contains("#### Experience\n\n| Criterion | Essential or desirable | How assessed |\n| Events experience | Essential | Application; Test |\n| CRM use | Desirable | Application; Test |\n"));
        assert!(out.contains("#### Knowledge\n\n"));
        assert!(!out.contains("Knock-out"));
        assert!(out.contains(
            "### Pre-employment checks\n\n- Applicants must have the right to work in the UK\n"
        ));
    }

    #[test]
    fn headings_between_records_name_their_category() {
        let mut text = String::from("## Criteria\n\n");
        for (n, heading) in ["Skills", "", "Other"].iter().enumerate() {
            if !heading.is_empty() {
                text.push_str(&format!("### {heading}\n\n"));
            }
            text.push_str(&format!(
                "Criterion {}/3\nCriterion: Item {n}\nType: Essential\nHow assessed: Interview\n\n",
                n + 1
            ));
        }
        let out = tabulated(&text);
        assert!(out.contains("### Skills\n\n| Criterion | Essential or desirable | How assessed |\n| Item 0 | Essential | Interview |\n| Item 1 | Essential | Interview |\n"));
        assert!(out.contains("### Other\n\n"));
    }

    #[test]
    fn a_document_with_too_few_records_is_left_as_it_is() {
        let text = "## Criterion 1 of 2\n\n| Criterion | A |\n| Weighting | Essential |\n\n\
## Criterion 2 of 2\n\n| Criterion | B |\n| Weighting | Essential |\n";
        assert!(matches!(tabulated(text), Cow::Borrowed(_)));
        // Records with no weighting are no export's either.
        let text = "Criterion 1 of 3\nCriterion: A\nCriterion 2 of 3\nCriterion: B\n\
Criterion 3 of 3\nCriterion: C\n";
        assert!(matches!(tabulated(text), Cow::Borrowed(_)));
        // A "Type" that is no mark is no weighting.
        let text = "Criterion 1 of 3\nCriterion: A\nType: Qualification\n\
Criterion 2 of 3\nCriterion: B\nType: Skill\nCriterion 3 of 3\nCriterion: C\nType: Skill\n";
        assert!(matches!(tabulated(text), Cow::Borrowed(_)));
    }

    #[test]
    fn record_headings() {
        assert!(record_heading("## Criterion 3 of 12"));
        assert!(record_heading("<strong>Record 3/12</strong>"));
        assert!(record_heading("**Criterion 1 of 4**"));
        assert!(!record_heading("Criterion 3 of the spec"));
        assert!(!record_heading("Slide 3 of 12"));
        assert!(!record_heading("Criterion é of 3"));
        assert!(!record_heading(""));
    }

    #[test]
    fn hostile_input_is_bounded_and_never_split_inside_a_character() {
        // Many records: at most MAX_RECORDS are read, the rest left as printed.
        let mut text = String::new();
        for n in 0..(MAX_RECORDS + 100) {
            text.push_str(&format!(
                "Criterion {n} of 9999\nCriterion: é{n}\nWeighting: Essential\nStatus: ✓\n"
            ));
        }
        let out = tabulated(&text);
        let rows = out.lines().filter(|l| l.starts_with("| é")).count();
        assert_eq!(rows, MAX_RECORDS);
        assert!(out.contains(&format!("Criterion: é{}", MAX_RECORDS + 99)));
        // Odd labels, multi-byte characters, stray tags and pipes do not panic.
        let odd = "Criterion 1 of 3\n<strong>Ünïcode — label:</strong> ✓|✓\n|||\n\
Criterion 2 of 3\n\t\t\n<b\nCriterion 3 of 3\n: :\n### \u{feff}\n#é\n";
        assert!(matches!(tabulated(odd), Cow::Borrowed(_)));
        assert_eq!(heading_level("#é"), 0);
        assert_eq!(heading_level("### é"), 3);
        assert_eq!(cell("a | b\tc"), "a   b c");
    }
}
