//! An Easy Read job pack: every sentence – the job's facts, the duties, what the post
//! needs, how the choice is made, the checks, the benefits – sits in a table row beside a
//! description of its picture ("[Picture: a person with a thumbs up] | You are good at
//! listening to people."). The picture is never part of a criterion, and most rows are no
//! criteria at all.
//!
//! What the post needs is told one of two ways: rows under a heading saying how much each
//! matters ("Things you must have", "Things that would be good"), or rows under a
//! category heading ("Your skills") whose last cell says it ("Must have", "Good to
//! have"). How the choice is made comes from the rows under a heading about choosing
//! ("How we choose who gets the job"): each gives its methods to every criterion, or only
//! to a category the row quotes ("… a short task on a laptop. This is for the things under
//! 'Using computers'."). The checks in any other row or paragraph are conditions.
//!
//! Read only when picture rows make up most of the document's table rows: one pass over
//! the blocks, with a bounded count of headings, categories and choosing rows.

use super::blocks::{Block, BlockKind, Cell};
use super::conditions;
use super::criteria::kind_of;
use super::methods;
use super::roles::requirement_heading;
use super::{ImportedCriterion, ImportedSpec};
use crate::domain::{Method, Requirement};

/// The fewest picture rows that make an Easy Read pack.
const MIN_PICTURE_ROWS: usize = 6;

/// The fewest criteria an Easy Read specification has (one or two rows are an aside).
const MIN_CRITERIA: usize = 3;

/// The most rows about choosing read (a real pack has two to five).
const MAX_CHOOSING_ROWS: usize = 50;

/// The longest mark cell, in words ("Good to have", "Must have").
const MAX_MARK_WORDS: usize = 5;

/// Whether a cell is a picture's description: "[Picture: a big ear]", "[Image of a
/// bus]", "(Photo: a padlock)".
fn is_picture(cell: &str) -> bool {
    let t = cell.trim();
    let inner = t
        .strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .or_else(|| t.strip_prefix('(').and_then(|r| r.strip_suffix(')')));
    let Some(inner) = inner else {
        return false;
    };
    let lower = inner.trim_start().to_lowercase();
    [
        "picture",
        "image",
        "photo",
        "illustration",
        "drawing",
        "symbol",
        "icon",
    ]
    .iter()
    .any(|w| {
        lower
            .strip_prefix(w)
            .is_some_and(|rest| rest.starts_with([':', ' ', '-', '–']))
    })
}

/// A row's cells less its picture, when it has one.
fn without_picture(cells: &[Cell]) -> Option<Vec<String>> {
    let texts: Vec<String> = cells.iter().map(Cell::plain).collect();
    let at = texts.iter().position(|t| is_picture(t))?;
    Some(
        texts
            .into_iter()
            .enumerate()
            .filter(|(i, t)| *i != at && !t.is_empty())
            .map(|(_, t)| t)
            .collect(),
    )
}

/// How much a heading or mark cell says the things under it matter: the usual words
/// ("Must have", "Good to have", "Essential") and Easy Read's own ("Things that would be
/// good", "It would help if you").
fn level(text: &str) -> Option<Requirement> {
    if let Some(found) = requirement_heading(text) {
        return Some(found);
    }
    let t = text.to_lowercase();
    let t = t.trim().trim_end_matches(':');
    if t.split_whitespace().count() > 8 || t.ends_with('.') {
        return None;
    }
    if t == "essential"
        || [
            "must have",
            "you must",
            "you need",
            "you will need",
            "you'll need",
            "we need",
        ]
        .iter()
        .any(|w| t.contains(w))
    {
        Some(Requirement::Essential)
    } else if t == "desirable"
        || [
            "would be good",
            "would be helpful",
            "would be useful",
            "would help",
            "good to have",
            "nice to have",
        ]
        .iter()
        .any(|w| t.contains(w))
    {
        Some(Requirement::Desirable)
    } else {
        None
    }
}

/// Whether a heading is about how the choice is made ("How we choose who gets the job",
/// "How we will choose", "How we pick people", "Selection").
fn choosing(heading: &str) -> bool {
    let t = heading.to_lowercase();
    ["choose", "chosen", "choosing", "pick", "select", "decide"]
        .iter()
        .any(|w| t.contains(w))
}

/// The quoted phrases of a text: 'Using computers', ‘Your skills’, "What you know".
fn quoted(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (open, close) in [('\'', '\''), ('‘', '’'), ('"', '"'), ('“', '”')] {
        let mut rest = text;
        while let Some(at) = rest.find(open) {
            // An apostrophe inside a word ("adults' list", "don't") opens no quotation.
            let before = rest[..at].chars().next_back();
            let after = &rest[at + open.len_utf8()..];
            if open == '\'' && before.is_some_and(char::is_alphanumeric) {
                rest = after;
                continue;
            }
            let Some(end) = after.find(close) else {
                break;
            };
            out.push(after[..end].trim().to_lowercase());
            rest = &after[end + close.len_utf8()..];
            if out.len() >= 20 {
                return out;
            }
        }
    }
    out
}

/// A criterion read from a row before its methods are known.
struct Draft {
    description: String,
    category: Option<String>,
    requirement: Requirement,
    line: usize,
}

/// The specification of an Easy Read pack, or `None` when the document is not one (or
/// its rows name too few requirements).
pub fn find(blocks: &[Block]) -> Option<ImportedSpec> {
    let rows = blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Row(_)))
        .count();
    let pictured = blocks
        .iter()
        .filter(|b| matches!(&b.kind, BlockKind::Row(cells) if without_picture(cells).is_some()))
        .count();
    if pictured < MIN_PICTURE_ROWS || pictured * 3 < rows * 2 {
        return None;
    }
    // The headings over the current block, outermost first (one a level).
    let mut headings: Vec<(usize, String)> = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut choosing_rows: Vec<String> = Vec::new();
    // Sentences no criterion holds, read for conditions.
    let mut prose: Vec<String> = Vec::new();
    for block in blocks {
        let cells = match &block.kind {
            BlockKind::Heading(text) => {
                headings.retain(|(l, _)| *l < block.level);
                if headings.len() < 8 {
                    headings.push((block.level, super::blocks::collapse(text)));
                }
                continue;
            }
            BlockKind::Paragraph(cell) => {
                prose.push(cell.plain());
                continue;
            }
            BlockKind::ListItem { text, .. } => {
                prose.push(super::blocks::collapse(text));
                continue;
            }
            BlockKind::Row(cells) => cells,
        };
        let Some(texts) = without_picture(cells) else {
            prose.extend(cells.iter().map(Cell::plain));
            continue;
        };
        let Some(sentence) = texts.first() else {
            continue;
        };
        // The innermost heading, and whether it says how much the rows under it matter.
        let inner = headings.last().map(|(_, h)| h.as_str()).unwrap_or("");
        let inner_level = level(inner);
        // "You can send and read emails | Must have": the row's own mark.
        let mark = texts
            .get(1)
            .filter(|m| m.split_whitespace().count() <= MAX_MARK_WORDS)
            .and_then(|m| level(m));
        let requirement = mark.or(inner_level);
        if let Some(requirement) = requirement {
            // A sub-heading over the rows names their category; a heading of marks (or
            // the section's own heading) does not.
            let category = headings
                .iter()
                .rev()
                .find(|(l, h)| *l >= 3 && level(h).is_none())
                .map(|(_, h)| h.clone());
            drafts.push(Draft {
                description: sentence.clone(),
                category,
                requirement,
                line: block.line,
            });
            continue;
        }
        if headings.iter().any(|(_, h)| choosing(h)) && choosing_rows.len() < MAX_CHOOSING_ROWS {
            choosing_rows.push(texts.join(" "));
            continue;
        }
        prose.push(texts.join(" "));
    }
    let mut found_conditions: Vec<String> = Vec::new();
    // A check the post requires, listed among the things it needs, is a condition.
    drafts.retain(|d| {
        let condition = d.requirement == Requirement::Essential
            && conditions::criterion_is_condition(&d.description, "");
        if condition {
            found_conditions.push(d.description.clone());
        }
        !condition
    });
    if drafts.len() < MIN_CRITERIA {
        return None;
    }
    // Each choosing row's methods, for every criterion or for the categories it quotes.
    let categories: Vec<String> = drafts
        .iter()
        .filter_map(|d| d.category.as_ref().map(|c| c.to_lowercase()))
        .collect();
    let mut for_all: Vec<Method> = Vec::new();
    let mut scoped: Vec<(Vec<String>, Vec<Method>)> = Vec::new();
    for row in &choosing_rows {
        let found = methods::phrase(row);
        if found.is_empty() {
            continue;
        }
        let named: Vec<String> = quoted(row)
            .into_iter()
            .filter(|q| categories.contains(q))
            .collect();
        if named.is_empty() {
            for_all.extend(found);
        } else {
            scoped.push((named, found));
        }
    }
    let stated = !for_all.is_empty();
    let criteria: Vec<ImportedCriterion> = drafts
        .into_iter()
        .map(|d| {
            let mut found = for_all.clone();
            if let Some(category) = &d.category {
                let category = category.to_lowercase();
                for (named, m) in &scoped {
                    if named.contains(&category) {
                        found.extend(m.iter().copied());
                    }
                }
            }
            let methods = if stated {
                methods::sort(found)
            } else {
                // The conventions: no stated method means the application form.
                vec![Method::Application]
            };
            ImportedCriterion {
                category: d
                    .category
                    .unwrap_or_else(|| kind_of(&d.description).to_string()),
                requirement: d.requirement,
                methods,
                alternative_group: None,
                line: d.line,
                source: d.description.chars().take(200).collect(),
                description: d.description,
                confidence: if stated { 0.9 } else { 0.8 },
                methods_stated: stated,
            }
        })
        .collect();
    // Each condition once (a set keeps a page of repeats linear).
    let mut seen: std::collections::HashSet<String> = found_conditions.iter().cloned().collect();
    for text in &prose {
        for sentence in conditions::sentences(text) {
            if conditions::sentence_is_condition(&sentence) && seen.insert(sentence.clone()) {
                found_conditions.push(sentence);
            }
        }
    }
    let settings = conditions::settings(&found_conditions);
    Some(ImportedSpec {
        title: None,
        line: criteria[0].line,
        criteria,
        warnings: Vec::new(),
        conditions: found_conditions,
        settings,
    })
}

#[cfg(test)]
mod tests {
    use super::super::blocks::Item;
    use super::*;

    fn cell(text: &str) -> Cell {
        Cell {
            items: vec![Item {
                bullet: false,
                depth: 0,
                text: text.into(),
            }],
            emphasis: None,
        }
    }

    fn row(cells: &[&str]) -> Block {
        Block::row(1, cells.iter().map(|c| cell(c)).collect())
    }

    fn heading(level: usize, text: &str) -> Block {
        Block {
            line: 1,
            kind: BlockKind::Heading(text.into()),
            level,
        }
    }

    #[test]
    fn picture_descriptions() {
        assert!(is_picture("[Picture: a big ear]"));
        assert!(is_picture("[Image of a bus]"));
        assert!(is_picture("(Photo: a padlock)"));
        assert!(!is_picture("[Pictures of the team are on our website]"));
        assert!(!is_picture("You can use a computer."));
    }

    #[test]
    fn levels_in_easy_words() {
        assert_eq!(level("Things you must have"), Some(Requirement::Essential));
        assert_eq!(
            level("Things that would be good"),
            Some(Requirement::Desirable)
        );
        assert_eq!(level("Good to have"), Some(Requirement::Desirable));
        assert_eq!(level("Must have"), Some(Requirement::Essential));
        assert_eq!(level("Things you need"), Some(Requirement::Essential));
        assert_eq!(level("How to apply"), None);
        assert_eq!(level("What you will do"), None);
    }

    #[test]
    fn rows_under_level_headings_with_the_choice_and_checks() {
        let blocks = vec![
            heading(2, "What you will do"),
            row(&["[Picture: a circle of chairs]", "Help to run our groups."]),
            heading(2, "What you need"),
            heading(3, "Things you must have"),
            row(&["[Picture: an ear]", "You are good at listening to people."]),
            row(&["[Picture: hands]", "You can work as part of a team."]),
            heading(3, "Things that would be good"),
            row(&[
                "[Picture: a flip chart]",
                "You have helped to run a meeting.",
            ]),
            heading(2, "How we choose who gets the job"),
            row(&["[Picture: a form]", "We will read your application form."]),
            row(&[
                "[Picture: a table]",
                "We will invite some people to an interview.",
            ]),
            heading(2, "Checks"),
            row(&[
                "[Picture: a passport]",
                "You must have the right to work in the UK.",
            ]),
        ];
        let spec = find(&blocks).expect("an Easy Read specification");
        let got: Vec<(&str, Requirement)> = spec
            .criteria
            .iter()
            .map(|c| (c.description.as_str(), c.requirement))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "You are good at listening to people.",
                    Requirement::Essential
                ),
                ("You can work as part of a team.", Requirement::Essential),
                ("You have helped to run a meeting.", Requirement::Desirable),
            ]
        );
        assert!(spec
            .criteria
            .iter()
            .all(|c| c.methods == vec![Method::Application, Method::Interview]));
        assert_eq!(
            spec.conditions,
            vec!["You must have the right to work in the UK.".to_string()]
        );
    }

    #[test]
    fn marked_rows_under_categories_and_a_quoted_category_s_own_method() {
        let blocks = vec![
            heading(2, "The job"),
            row(&["[Picture: a clock]", "Up to 12 hours a week."]),
            heading(2, "What we need from you"),
            heading(3, "Your skills"),
            row(&["[Picture: hands]", "You can talk to new people.", "Must have"]),
            row(&["[Picture: a group]", "You can speak to a group.", "Good to have"]),
            heading(3, "Using computers"),
            row(&["[Picture: an envelope]", "You can send emails.", "Must have"]),
            heading(2, "How we will choose"),
            row(&["[Picture: a form]", "We will read your form."]),
            row(&[
                "[Picture: a laptop]",
                "We will ask you to do a short task on a laptop. This is for the things under 'Using computers'.",
            ]),
        ];
        let spec = find(&blocks).expect("an Easy Read specification");
        let got: Vec<(&str, &str, Requirement, Vec<Method>)> = spec
            .criteria
            .iter()
            .map(|c| {
                (
                    c.description.as_str(),
                    c.category.as_str(),
                    c.requirement,
                    c.methods.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "You can talk to new people.",
                    "Your skills",
                    Requirement::Essential,
                    vec![Method::Application]
                ),
                (
                    "You can speak to a group.",
                    "Your skills",
                    Requirement::Desirable,
                    vec![Method::Application]
                ),
                (
                    "You can send emails.",
                    "Using computers",
                    Requirement::Essential,
                    vec![Method::Application, Method::Test]
                ),
            ]
        );
    }

    #[test]
    fn a_page_of_repeated_rows_is_read_in_bounds() {
        let mut blocks = vec![heading(3, "Things you must have")];
        for _ in 0..20_000 {
            blocks.push(row(&["[Picture: a tick]", "You can work in a team."]));
        }
        blocks.push(heading(2, "Checks"));
        for _ in 0..20_000 {
            blocks.push(row(&["[Picture: a form]", "You must have a DBS check."]));
        }
        let spec = find(&blocks).expect("an Easy Read specification");
        assert_eq!(spec.criteria.len(), 20_000);
        assert_eq!(spec.conditions.len(), 1);
    }

    #[test]
    fn a_few_pictures_make_no_easy_read_pack() {
        let blocks = vec![
            heading(2, "Person specification"),
            row(&["[Picture: a logo]", "Welcome"]),
            row(&["Criteria", "Essential"]),
            row(&["Experience of budgets", "Essential"]),
        ];
        assert!(find(&blocks).is_none());
    }
}
