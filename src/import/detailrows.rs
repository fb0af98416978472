//! A person specification printed inside the job-details table: rows labelled with a
//! category and a level ("Qualifications (essential)", "Experience: desirable", "Essential
//! skills") whose value cell lists the criteria, among rows that are no criteria (Salary,
//! Hours, Main duties). Small employers (a school, a community trust) often send one table
//! as the whole job pack. The labelled rows become a criteria table (Category | Criterion
//! | Essential or desirable) under a specification heading; the rows between and just
//! after them that say how criteria are assessed or which checks apply ("How we assess",
//! "Key to assessment", "Pre-employment checks") become paragraphs after it, where the
//! method sentences, keys and conditions are read as anywhere else; the job-details rows
//! after them are closed off under a "Job details" heading.

use super::blocks::{collapse, Block, BlockKind, Cell, Item};
use super::roles::{is_mark_word, labelled_category};
use crate::domain::Requirement;

/// The most words a row label joining a category and a level has.
const MAX_LABEL_WORDS: usize = 7;

/// A row label joining a category and a level: "Qualifications (essential)",
/// "Experience: desirable", "Skills and abilities – essential", "Essential experience".
/// The category as printed (empty for "Essential criteria") and the level.
fn category_level(label: &str) -> Option<(String, Requirement)> {
    let t = collapse(label);
    let t = t.trim().trim_end_matches(':').trim();
    if t.split_whitespace().count() > MAX_LABEL_WORDS {
        return None;
    }
    // "Qualifications (essential)", "Experience [desirable]".
    if let Some(open) = t.rfind(['(', '[']) {
        let inner = t[open + 1..].trim_end_matches([')', ']']).trim();
        let category = t[..open].trim();
        if t.ends_with([')', ']']) && !category.is_empty() {
            let req = is_mark_word(inner).filter(|_| inner.chars().count() > 1)?;
            return Some((category.to_string(), req));
        }
    }
    labelled_category(t)
}

/// A two-cell row's label and value.
fn label_value(block: &Block) -> Option<(String, &Cell)> {
    match &block.kind {
        BlockKind::Row(cells) if cells.len() == 2 => Some((cells[0].plain(), &cells[1])),
        _ => None,
    }
}

/// Whether a row beside the labelled ones says how criteria are assessed or which
/// checks apply (kept as a paragraph after the criteria).
fn process_label(label: &str) -> bool {
    let l = label.to_lowercase();
    l.split_whitespace().count() <= 6
        && [
            "assess",
            "key",
            "check",
            "vetting",
            "dbs",
            "condition",
            "requirement",
            "selection",
            "shortlist",
            "evidence",
        ]
        .iter()
        .any(|w| l.contains(w))
}

/// Whether a row's label heads the checks or conditions of the post ("Checks",
/// "Pre-employment checks", "Vetting", "Conditions of appointment").
fn checks_label(label: &str) -> bool {
    let l = label.to_lowercase();
    l.split_whitespace().count() <= 6
        && ["check", "vetting", "condition", "dbs"]
            .iter()
            .any(|w| l.contains(w))
}

fn cell_of(text: &str) -> Cell {
    Cell {
        items: vec![Item {
            bullet: false,
            depth: 0,
            text: text.to_string(),
        }],
        emphasis: None,
    }
}

/// The criteria of a value cell: its items, or its lines when it has one paragraph.
fn criteria_of(cell: &Cell) -> Vec<String> {
    cell.items
        .iter()
        .map(|item| collapse(&item.text))
        .filter(|t| !t.is_empty())
        .collect()
}

/// The blocks with the job-details table's specification rows read as a criteria table;
/// `None` when no table has two labelled rows or more.
pub fn as_table(blocks: &[Block], has_start: bool) -> Option<Vec<Block>> {
    if has_start {
        return None;
    }
    let labelled: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| {
            label_value(b).is_some_and(|(label, value)| {
                category_level(&label).is_some() && !criteria_of(value).is_empty()
            })
        })
        .map(|(i, _)| i)
        .collect();
    let (&first, &last) = (labelled.first()?, labelled.last()?);
    // One table: the labelled rows with only table rows between them.
    if labelled.len() < 2
        || blocks[first..=last]
            .iter()
            .any(|b| !matches!(b.kind, BlockKind::Row(_)))
    {
        return None;
    }
    // The process rows just after the last labelled one belong with them.
    let mut end = last + 1;
    while end < blocks.len()
        && label_value(&blocks[end]).is_some_and(|(label, _)| process_label(&label))
    {
        end += 1;
    }
    let line = blocks[first].line;
    let mut out: Vec<Block> = blocks[..first].to_vec();
    out.push(Block {
        line,
        kind: BlockKind::Heading("Person specification".into()),
        level: 2,
    });
    out.push(Block::row(
        line,
        vec![
            cell_of("Category"),
            cell_of("Criteria"),
            cell_of("Essential or desirable"),
        ],
    ));
    let mut notes: Vec<Block> = Vec::new();
    let mut checks: Vec<Block> = Vec::new();
    for block in &blocks[first..end] {
        let Some((label, value)) = label_value(block) else {
            continue;
        };
        match category_level(&label) {
            Some((category, req)) => {
                let mark = match req {
                    Requirement::Essential => "Essential",
                    Requirement::Desirable => "Desirable",
                };
                for criterion in criteria_of(value) {
                    out.push(Block::row(
                        block.line,
                        vec![cell_of(&category), cell_of(&criterion), cell_of(mark)],
                    ));
                }
            }
            // Checks under a heading of their own, where conditions are read.
            None if checks_label(&label) => {
                checks.push(Block {
                    line: block.line,
                    kind: BlockKind::Heading(label.trim_end_matches(':').to_string()),
                    level: 3,
                });
                checks.push(Block {
                    line: block.line,
                    kind: BlockKind::Paragraph(cell_of(&value.plain())),
                    level: 0,
                });
            }
            None if process_label(&label) => notes.push(Block {
                line: block.line,
                kind: BlockKind::Paragraph(cell_of(&format!(
                    "{}: {}",
                    label.trim_end_matches(':'),
                    value.plain()
                ))),
                level: 0,
            }),
            None => {}
        }
    }
    out.extend(notes);
    out.extend(checks);
    if end < blocks.len() {
        out.push(Block {
            line: blocks[end].line,
            kind: BlockKind::Heading("Job details".into()),
            level: 2,
        });
        out.extend(blocks[end..].iter().cloned());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::blocks::row_texts;

    fn row(line: usize, label: &str, items: &[&str]) -> Block {
        Block::row(
            line,
            vec![
                cell_of(label),
                Cell {
                    items: items
                        .iter()
                        .map(|t| Item {
                            bullet: items.len() > 1,
                            depth: 0,
                            text: t.to_string(),
                        })
                        .collect(),
                    emphasis: None,
                },
            ],
        )
    }

    #[test]
    fn labels_join_a_category_and_a_level_either_way() {
        let e = Requirement::Essential;
        let d = Requirement::Desirable;
        assert_eq!(
            category_level("Qualifications (essential)"),
            Some(("Qualifications".into(), e))
        );
        assert_eq!(
            category_level("Knowledge and qualifications: desirable"),
            Some(("Knowledge and qualifications".into(), d))
        );
        assert_eq!(
            category_level("Skills and qualities – essential"),
            Some(("Skills and qualities".into(), e))
        );
        assert_eq!(category_level("Salary"), None);
        assert_eq!(category_level("Main duties"), None);
        assert_eq!(category_level("Grade (E)"), None);
        assert_eq!(category_level("Hours (full time)"), None);
    }

    #[test]
    fn labelled_rows_become_a_criteria_table_and_the_details_stay_out() {
        let blocks = vec![
            row(1, "Salary", &["Grade 3"]),
            row(2, "Main duties", &["Open the school", "Carry out repairs"]),
            row(
                3,
                "Qualifications (essential)",
                &["Good literacy", "Level 2 certificate"],
            ),
            row(
                4,
                "Experience (desirable)",
                &["Experience on a school site"],
            ),
            row(
                5,
                "How we assess",
                &["Application form and interview for all."],
            ),
            row(6, "Checks", &["An enhanced DBS certificate is required."]),
            row(7, "Closing date", &["25 January"]),
        ];
        let out = as_table(&blocks, false).expect("rewritten");
        let rows = row_texts(&out);
        assert_eq!(rows[0], ["Salary", "Grade 3"]);
        assert_eq!(rows[2], ["Category", "Criteria", "Essential or desirable"]);
        assert_eq!(rows[3], ["Qualifications", "Good literacy", "Essential"]);
        assert_eq!(
            rows[4],
            ["Qualifications", "Level 2 certificate", "Essential"]
        );
        assert_eq!(
            rows[5],
            ["Experience", "Experience on a school site", "Desirable"]
        );
        let paragraphs: Vec<String> = out
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Paragraph(c) => Some(c.plain()),
                _ => None,
            })
            .collect();
        assert_eq!(
            paragraphs,
            [
                "How we assess: Application form and interview for all.",
                "An enhanced DBS certificate is required."
            ]
        );
        let headings: Vec<&BlockKind> = out
            .iter()
            .filter(|b| matches!(b.kind, BlockKind::Heading(_)))
            .map(|b| &b.kind)
            .collect();
        assert_eq!(
            headings,
            [
                &BlockKind::Heading("Person specification".into()),
                &BlockKind::Heading("Checks".into()),
                &BlockKind::Heading("Job details".into())
            ]
        );
        assert_eq!(rows.last().unwrap(), &["Closing date", "25 January"]);
    }

    #[test]
    fn one_labelled_row_or_a_specification_heading_leaves_the_table_alone() {
        let one = vec![
            row(1, "Salary", &["Grade 3"]),
            row(2, "Qualifications (essential)", &["Good literacy"]),
        ];
        assert!(as_table(&one, false).is_none());
        let two = vec![
            row(1, "Qualifications (essential)", &["Good literacy"]),
            row(2, "Experience (desirable)", &["Site work"]),
        ];
        assert!(as_table(&two, true).is_none());
        assert!(as_table(&two, false).is_some());
    }
}
