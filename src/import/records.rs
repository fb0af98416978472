//! Criteria printed as labelled records, one small two-column table (or group of
//! `Label: value` lines) a criterion: `Criterion | …`, `Type | Essential`, `How assessed |
//! Application form and interview`. Each run of records becomes one table with a header
//! row (criterion, requirement, methods) and a row a record, which the reading by meaning
//! reads like any criteria table.

use std::collections::HashMap;

use super::blocks::{Block, BlockKind, Cell, Item};
use super::roles::{header_role, is_mark_word, Role};

/// The most fields a record holds besides its criterion.
const MAX_FIELDS: usize = 3;

/// One record: the criterion's cell, its requirement's and its methods'.
struct Record {
    line: usize,
    criterion: Cell,
    mark: Cell,
    method: Option<Cell>,
    /// The labels of its criterion and its requirement, lower case: records of one
    /// document share them.
    labels: Vec<String>,
}

/// A two-cell row: its label (collapsed) and its value.
fn field(block: &Block) -> Option<(String, &Cell)> {
    match &block.kind {
        BlockKind::Row(cells) if cells.len() == 2 => {
            let label = cells[0].plain();
            let words = label.split_whitespace().count();
            ((1..=4).contains(&words) && !cells[1].plain().is_empty()).then(|| (label, &cells[1]))
        }
        _ => None,
    }
}

/// A one-cell row: the criterion heading a small table of its own, whose rows below give
/// its requirement and methods ("Essential or desirable | Essential").
fn lone_cell(block: &Block) -> Option<&Cell> {
    match &block.kind {
        BlockKind::Row(cells) if cells.len() == 1 && !cells[0].plain().is_empty() => {
            Some(&cells[0])
        }
        _ => None,
    }
}

/// A scoring guide's label: "Score 0", "Score 3", "Level 2", "1": the descriptor beside
/// it is no criterion and no field.
fn score_label(label: &str) -> bool {
    let l = label.to_lowercase();
    let words: Vec<&str> = l.split_whitespace().collect();
    let number = |w: &str| w.len() <= 2 && w.chars().all(|c| c.is_ascii_digit());
    match words.as_slice() {
        [n] => number(n),
        [word, n] => matches!(*word, "score" | "level" | "rating" | "points") && number(n),
        _ => false,
    }
}

/// The record starting at `index` and the number of rows it spans.
fn record_at(blocks: &[Block], index: usize) -> Option<(Record, usize)> {
    let (label, criterion) = match field(&blocks[index]) {
        Some(found) => found,
        // A criterion alone on its row, its fields below.
        None => (String::new(), lone_cell(&blocks[index])?),
    };
    // The header of a two-column table ("Criteria | Essential/Desirable") is no record.
    let value = criterion.plain();
    let heading = value.split_whitespace().count() <= 4
        && matches!(
            header_role(&value),
            Role::Mark | Role::Essential | Role::Desirable | Role::Method
        );
    let labelled = label.is_empty() || header_role(&label) == Role::Criterion;
    if !labelled || heading || is_mark_word(&value).is_some() {
        return None;
    }
    let mut labels = vec![label.to_lowercase()];
    let mut mark = None;
    let mut method = None;
    let mut span = 1;
    for block in blocks.iter().skip(index + 1).take(MAX_FIELDS) {
        let Some((label, value)) = field(block) else {
            break;
        };
        let role = header_role(&label);
        if role == Role::Criterion || score_label(&label) {
            break;
        }
        if mark.is_none()
            && (matches!(role, Role::Mark | Role::Essential | Role::Desirable)
                || is_mark_word(&value.plain()).is_some())
        {
            labels.push(label.to_lowercase());
            mark = Some(value.clone());
        } else if method.is_none() && role == Role::Method {
            method = Some(value.clone());
        }
        span += 1;
    }
    // The scoring guide under the fields ("Score 0 | No experience" … "Score 3 | …"):
    // descriptors, part of the record.
    while blocks
        .get(index + span)
        .and_then(field)
        .is_some_and(|(label, _)| score_label(&label))
    {
        span += 1;
    }
    let record = Record {
        line: blocks[index].line,
        criterion: criterion.clone(),
        mark: mark?,
        method,
        labels,
    };
    Some((record, span))
}

/// A cell of one paragraph holding `text`.
pub(super) fn text_cell(text: &str) -> Cell {
    Cell {
        items: vec![Item {
            bullet: false,
            depth: 0,
            text: text.to_string(),
        }],
        emphasis: None,
    }
}

/// The blocks with every run of records rewritten as one table; `None` when the document
/// has no two records labelled alike (nothing to rewrite).
pub fn as_tables(blocks: &[Block]) -> Option<Vec<Block>> {
    // The records' labels, and how many records carry each set: a document prints all its
    // records alike, so a set met once is not a record's.
    let mut found: Vec<(usize, Record, usize)> = Vec::new();
    let mut index = 0;
    while index < blocks.len() {
        match record_at(blocks, index) {
            Some((record, span)) => {
                found.push((index, record, span));
                index += span;
            }
            None => index += 1,
        }
    }
    let mut shared: HashMap<Vec<String>, usize> = HashMap::new();
    for (_, record, _) in &found {
        *shared.entry(record.labels.clone()).or_insert(0) += 1;
    }
    let mut records: HashMap<usize, (Record, usize)> = HashMap::new();
    for (at, record, span) in found {
        if shared.get(&record.labels).is_some_and(|n| *n >= 2) {
            records.insert(at, (record, span));
        }
    }
    if records.is_empty() {
        return None;
    }
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut index = 0;
    while index < blocks.len() {
        let mut run: Vec<Record> = Vec::new();
        let mut at = index;
        while let Some((record, span)) = records.remove(&at) {
            run.push(record);
            at += span;
        }
        if run.is_empty() {
            out.push(blocks[index].clone());
            index += 1;
            continue;
        }
        let header = ["Criterion", "Essential or desirable", "How assessed"];
        out.push(Block::row(
            run[0].line,
            header.iter().map(|h| text_cell(h)).collect(),
        ));
        for record in run {
            out.push(Block::row(
                record.line,
                vec![
                    record.criterion,
                    record.mark,
                    record.method.unwrap_or_default(),
                ],
            ));
        }
        index = at;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::blocks::row_texts as rows;
    use crate::import::text;

    #[test]
    fn records_of_label_rows_become_one_table() {
        let text = "### Experience\n\n\
            Criterion\tExperience of supporting older people\n\
            Type\tEssential\n\
            How assessed\tApplication form and interview\n\n\
            Criterion\tExperience of work where accuracy is essential\n\
            Type\tEssential\n\n\
            Criterion\tExperience of sheltered housing\n\
            Type\tDesirable\n\
            How assessed\tApplication form\n";
        let blocks = text::blocks(text);
        let rewritten = as_tables(&blocks).expect("two records");
        assert_eq!(
            rows(&rewritten),
            vec![
                vec!["Criterion", "Essential or desirable", "How assessed"],
                vec![
                    "Experience of supporting older people",
                    "Essential",
                    "Application form and interview"
                ],
                vec![
                    "Experience of work where accuracy is essential",
                    "Essential",
                    ""
                ],
                vec![
                    "Experience of sheltered housing",
                    "Desirable",
                    "Application form"
                ],
            ]
        );
        // The heading stays before the table.
        assert!(matches!(rewritten[0].kind, BlockKind::Heading(_)));
    }

    #[test]
    fn labelled_lines_of_plain_text_are_records_too() {
        let text = "EXPERIENCE\n\n\
            Requirement: Experience of working with the public\n\
            Essential/Desirable: Essential\n\
            Assessment: Application form; interview\n\n\
            Requirement: Experience of speaking in public\n\
            Essential/Desirable: Desirable\n\
            Assessment: Interview\n";
        let rewritten = as_tables(&text::blocks(text)).expect("two records");
        assert_eq!(
            rows(&rewritten)[2],
            vec!["Experience of speaking in public", "Desirable", "Interview"]
        );
    }

    #[test]
    fn a_criterion_alone_on_its_row_heads_its_record_and_scoring_guide() {
        let text = "Experience\n\n\
            | Experience of working with families |\n\
            | Essential or desirable | Essential |\n\
            | How assessed | Application form and interview |\n\
            | Score 0 | No experience |\n\
            | Score 3 | Substantial experience |\n\n\
            | Experience of running groups |\n\
            | Essential or desirable | Desirable |\n\
            | How assessed | Application form |\n\
            | Score 0 | None |\n";
        let rewritten = as_tables(&text::blocks(text)).expect("two records");
        // The scores are descriptors, not criteria.
        assert_eq!(
            rows(&rewritten),
            vec![
                vec!["Criterion", "Essential or desirable", "How assessed"],
                vec![
                    "Experience of working with families",
                    "Essential",
                    "Application form and interview"
                ],
                vec![
                    "Experience of running groups",
                    "Desirable",
                    "Application form"
                ],
            ]
        );
        assert!(score_label("Score 2") && score_label("3") && !score_label("Type"));
    }

    #[test]
    fn a_details_table_is_not_a_record() {
        let text = "Grade\tBand 5\nHours\t37.5\nCriterion\tSee below\nLocation\tLeeds\n";
        assert!(as_tables(&text::blocks(text)).is_none());
        // Nor is the header of a two-column criteria table.
        let text =
            "Criteria\tEssential/Desirable\nGood IT skills\tEssential\nA degree\tDesirable\n";
        assert!(as_tables(&text::blocks(text)).is_none());
        // Label lines without a requirement stay a paragraph.
        let text = "Requirement: A degree\nLocation: Leeds\n";
        assert!(rows(&text::blocks(text)).is_empty());
    }
}
