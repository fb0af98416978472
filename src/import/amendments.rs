//! Re-advertised posts whose person specification is printed as first advertised, with
//! a note of what has changed: "Criterion 2 ('Experience of managing a budget') is now
//! desirable rather than essential", "Ref 12, 'Experience of using SystmOne', has been
//! removed", "New desirable criterion under Skills: 'Able to speak a community language'
//! – assessed at interview". The specification to import is the amended one: a
//! criterion made desirable (or essential) takes that mark although its row still shows
//! the old one, a removed criterion is no criterion, and a new criterion quoted in the
//! note is one, with the category and methods the note gives.
//!
//! The note's lines are found in the text form: each quotes a criterion and says what
//! happens to it. A change or removal applies only to a criterion read with the quoted
//! text; a line of the note read as a criterion itself (it quotes one) is dropped. Linear
//! in the text: each line is read once, and each change compared with each criterion of
//! a specification of bounded size.

use super::blocks::collapse;
use super::methods;
use super::{ImportedCriterion, ImportedSpec};
use crate::domain::{Method, Requirement};

/// The longest line read as a line of an amendment note.
const MAX_LINE: usize = 600;
/// The most changes a note makes (more is not a note of amendments).
const MAX_CHANGES: usize = 40;
/// The most criteria of a specification amended.
const MAX_CRITERIA: usize = 2_000;
/// The fewest words of a quoted criterion.
const MIN_QUOTE_WORDS: usize = 3;

#[derive(Debug, Clone, PartialEq)]
enum Action {
    Mark(Requirement),
    Remove,
    Add {
        requirement: Requirement,
        category: Option<String>,
        methods: Vec<Method>,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct Change {
    /// The quoted criterion, as printed.
    quote: String,
    action: Action,
    /// The note's line, 1-based, and its words (normalised).
    line: usize,
    source: String,
}

/// Lower-case words of a text, joined by single spaces (for comparing descriptions).
fn words(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first quotation of a line: its text and the byte ranges before and after it.
/// A quote opens with a quotation mark after a non-letter and closes with the matching
/// mark before a non-letter (so the apostrophe of "children's" does not close it).
fn quotation(line: &str) -> Option<(&str, &str, &str)> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let letter = |i: usize| chars.get(i).is_some_and(|(_, c)| c.is_alphanumeric());
    let open = (0..chars.len()).find(|&i| {
        matches!(chars[i].1, '\'' | '"' | '‘' | '“') && (i == 0 || !letter(i - 1)) && letter(i + 1)
    })?;
    let closing = match chars[open].1 {
        '‘' => '’',
        '“' => '”',
        c => c,
    };
    let close = (open + 1..chars.len())
        .find(|&i| chars[i].1 == closing && !letter(i + 1) && letter(i.saturating_sub(1)))?;
    let start = chars[open].0 + chars[open].1.len_utf8();
    let end = chars[close].0;
    let after = end + closing.len_utf8();
    Some((&line[..chars[open].0], &line[start..end], &line[after..]))
}

/// What a line of a note does to the criterion it quotes, if it is such a line.
fn change(line: &str) -> Option<(String, Action)> {
    let (before, quote, after) = quotation(line)?;
    let quote = collapse(quote);
    if quote.split_whitespace().count() < MIN_QUOTE_WORDS {
        return None;
    }
    let (before_l, after_l) = (before.to_lowercase(), after.to_lowercase());
    let requirement = |text: &str| {
        let (e, d) = (text.find("essential"), text.find("desirable"));
        match (e, d) {
            (Some(_), None) => Some(Requirement::Essential),
            (None, Some(_)) => Some(Requirement::Desirable),
            _ => None,
        }
    };
    // A new criterion: "New desirable criterion under Skills: '…'", "We have added one
    // new essential criterion under Experience: '…'".
    let names_criterion = before_l.contains("criterion") || before_l.contains("criteria");
    if names_criterion
        && (before_l.contains("new ")
            || before_l.contains("added")
            || before_l.contains("additional"))
    {
        let requirement = requirement(&before_l)?;
        let category = before_l.rfind("under ").map(|at| {
            let named = &before[at + "under ".len()..];
            named
                .trim()
                .trim_end_matches([':', '-', '–', ',', '.'])
                .trim()
                .to_string()
        });
        let category = category.filter(|c| !c.is_empty() && c.split_whitespace().count() <= 6);
        return Some((
            quote,
            Action::Add {
                requirement,
                category,
                methods: methods::words(after),
            },
        ));
    }
    // A removal: "'…' has been removed", "… is no longer required".
    let removed = [
        "has been removed",
        "have been removed",
        "has been deleted",
        "has been withdrawn",
        "is removed",
        "is deleted",
        "no longer required",
        "no longer a requirement",
        "no longer applies",
    ];
    if removed.iter().any(|p| after_l.contains(p)) {
        return Some((quote, Action::Remove));
    }
    // A new mark: "is now desirable (rather than essential)", "changed to essential".
    for (to, other) in [
        (Requirement::Desirable, "desirable"),
        (Requirement::Essential, "essential"),
    ] {
        let said = [
            format!("now {other}"),
            format!("changed to {other}"),
            format!("become {other}"),
            format!("becomes {other}"),
            format!("now be {other}"),
        ];
        if said.iter().any(|p| after_l.contains(p.as_str())) {
            return Some((quote, Action::Mark(to)));
        }
    }
    None
}

/// The changes a text's note makes, in the order of its lines.
fn changes(text: &str) -> Vec<Change> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.len() > MAX_LINE || out.len() > MAX_CHANGES {
            continue;
        }
        if let Some((quote, action)) = change(line) {
            out.push(Change {
                quote,
                action,
                line: n + 1,
                source: collapse(line),
            });
        }
    }
    out
}

/// The specifications as a note of amendments changes them; unchanged when the document
/// has no such note.
pub fn apply(mut specs: Vec<ImportedSpec>, text: &str) -> Vec<ImportedSpec> {
    let lower = text.to_lowercase();
    if !(lower.contains("criterion") || lower.contains("criteria") || lower.contains("ref"))
        || !["removed", "now ", "new ", "added", "deleted", "no longer"]
            .iter()
            .any(|w| lower.contains(w))
    {
        return specs;
    }
    let changes = changes(text);
    if changes.is_empty() || changes.len() > MAX_CHANGES {
        return specs;
    }
    for spec in &mut specs {
        if spec.criteria.len() > MAX_CRITERIA {
            continue;
        }
        amend(spec, &changes);
    }
    specs
}

fn amend(spec: &mut ImportedSpec, changes: &[Change]) {
    let quotes: Vec<String> = changes.iter().map(|c| words(&c.quote)).collect();
    let sources: Vec<String> = changes.iter().map(|c| words(&c.source)).collect();
    // A change or removal applies only when the quoted criterion was read: without it
    // the line is no note about this specification.
    let applies: Vec<bool> = changes
        .iter()
        .zip(&quotes)
        .map(|(c, q)| {
            matches!(c.action, Action::Add { .. })
                || spec.criteria.iter().any(|k| words(&k.description) == *q)
        })
        .collect();
    if !applies.contains(&true) {
        return;
    }
    // The note's own lines read as criteria (they quote one but are not it) go.
    spec.criteria.retain(|k| {
        let d = words(&k.description);
        !quotes
            .iter()
            .zip(&sources)
            .zip(&applies)
            .any(|((q, s), &a)| a && d != *q && d.contains(q.as_str()) && s.contains(d.as_str()))
    });
    for ((change, quote), _) in changes
        .iter()
        .zip(&quotes)
        .zip(&applies)
        .filter(|(_, &a)| a)
    {
        let at = spec
            .criteria
            .iter()
            .position(|k| words(&k.description) == *quote);
        match (&change.action, at) {
            (Action::Mark(requirement), Some(at)) => spec.criteria[at].requirement = *requirement,
            (Action::Remove, Some(at)) => {
                spec.criteria.remove(at);
            }
            (
                Action::Add {
                    requirement,
                    category,
                    methods,
                },
                found,
            ) => {
                let category = category.as_ref().map(|named| {
                    spec.criteria
                        .iter()
                        .find(|k| k.category.eq_ignore_ascii_case(named))
                        .map_or(named.clone(), |k| k.category.clone())
                });
                let mut methods = methods.clone();
                methods.sort_by_key(|m| Method::ALL.iter().position(|x| x == m));
                methods.dedup();
                let stated = !methods.is_empty();
                if methods.is_empty() {
                    methods.push(Method::Application);
                }
                if let Some(at) = found {
                    // Already read from the note: it takes what the note says of it.
                    let k = &mut spec.criteria[at];
                    k.requirement = *requirement;
                    if let Some(category) = category {
                        k.category = category;
                    }
                    k.methods = methods;
                    k.methods_stated = stated;
                    continue;
                }
                let category = category.unwrap_or_default();
                let criterion = ImportedCriterion {
                    category: category.clone(),
                    description: change.quote.clone(),
                    requirement: *requirement,
                    methods,
                    alternative_group: None,
                    line: change.line,
                    source: change.source.chars().take(200).collect(),
                    confidence: 0.8,
                    methods_stated: stated,
                };
                // After the last criterion of its category, else at the end.
                let at = spec
                    .criteria
                    .iter()
                    .rposition(|k| !category.is_empty() && k.category == category)
                    .map_or(spec.criteria.len(), |at| at + 1);
                spec.criteria.insert(at, criterion);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn criterion(category: &str, description: &str, requirement: Requirement) -> ImportedCriterion {
        ImportedCriterion {
            category: category.into(),
            description: description.into(),
            requirement,
            methods: vec![Method::Application, Method::Interview],
            alternative_group: None,
            line: 1,
            source: description.into(),
            confidence: 1.0,
            methods_stated: true,
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

    #[test]
    fn quotations_close_at_a_matching_mark_not_an_apostrophe() {
        let (_, quote, after) =
            quotation("Ref 16, 'Enhanced DBS check of the children's barred list', is removed.")
                .unwrap();
        assert_eq!(quote, "Enhanced DBS check of the children's barred list");
        assert_eq!(after, ", is removed.");
        assert_eq!(
            quotation("New criterion: ‘Ability to drive’ – at interview")
                .unwrap()
                .1,
            "Ability to drive"
        );
        assert!(quotation("The team's work").is_none());
    }

    #[test]
    fn a_note_marks_removes_and_adds_criteria() {
        let text = "## Changes to the person specification\n\
            - Criterion 2 ('Experience of managing a budget') is now desirable rather than essential.\n\
            - Criterion 3 ('Degree in a relevant subject') has been removed. We will consider others.\n\
            - We have added one new essential criterion under Experience: 'Experience of \
            supporting volunteers'. We will assess it from your application form and at interview.\n";
        let specs = vec![spec(vec![
            criterion("Experience", "Experience of leading a team", Requirement::Essential),
            criterion("Experience", "Experience of managing a budget", Requirement::Essential),
            criterion("Qualifications", "Degree in a relevant subject", Requirement::Essential),
            // The note's first line read as a criterion.
            criterion(
                "Experience",
                "Criterion 2 ('Experience of managing a budget') is now desirable rather than essential",
                Requirement::Essential,
            ),
        ])];
        let out = apply(specs, text);
        let read: Vec<(&str, &str, Requirement)> = out[0]
            .criteria
            .iter()
            .map(|c| (c.category.as_str(), c.description.as_str(), c.requirement))
            .collect();
        assert_eq!(
            read,
            vec![
                (
                    "Experience",
                    "Experience of leading a team",
                    Requirement::Essential
                ),
                (
                    "Experience",
                    "Experience of managing a budget",
                    Requirement::Desirable
                ),
                (
                    "Experience",
                    "Experience of supporting volunteers",
                    Requirement::Essential
                ),
            ]
        );
        assert_eq!(
            out[0].criteria[2].methods,
            vec![Method::Application, Method::Interview]
        );
    }

    #[test]
    fn a_new_criterion_already_read_from_the_note_takes_its_mark_category_and_methods() {
        let text = "New desirable criterion under Skills: 'Able to speak a community \
                    language' – assessed at interview.\n";
        let mut read = criterion(
            "",
            "Able to speak a community language",
            Requirement::Essential,
        );
        read.methods_stated = false;
        let out = apply(
            vec![spec(vec![
                criterion(
                    "Skills",
                    "Good IT skills for records",
                    Requirement::Essential,
                ),
                read,
            ])],
            text,
        );
        let c = &out[0].criteria[1];
        assert_eq!(
            (c.category.as_str(), c.requirement, c.methods.clone()),
            ("Skills", Requirement::Desirable, vec![Method::Interview])
        );
    }

    #[test]
    fn many_note_lines_are_read_a_bounded_number_of_times() {
        let line = "Criterion 1 ('Experience of managing a budget') has been removed.\n";
        let text = line.repeat(100_000);
        let specs = vec![spec(vec![
            criterion(
                "Experience",
                "Experience of managing a budget",
                Requirement::Essential,
            );
            2_000
        ])];
        // More changes than a note makes: no note.
        assert_eq!(apply(specs.clone(), &text)[0].criteria.len(), 2_000);
        let long = format!("'{}' has been removed.\n", "word ".repeat(1_000_000));
        assert_eq!(apply(specs, &long)[0].criteria.len(), 2_000);
    }

    #[test]
    fn quotations_of_criteria_that_were_not_read_change_nothing() {
        let text =
            "Our motto is 'Serve the whole community well' and it is now essential reading.\n\
                    'Experience of a thing' has been removed from the old scheme.\n";
        let specs = vec![spec(vec![criterion(
            "Experience",
            "Experience of leading a team",
            Requirement::Essential,
        )])];
        assert_eq!(apply(specs.clone(), text), specs);
    }
}
