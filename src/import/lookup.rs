//! Criteria numbered in the text without marks, then a table at the end keyed by number:
//! "The table at the end of this section shows whether each numbered criterion is
//! essential (E) or desirable (D) and how it will be assessed", `No. | E / D |
//! Application | Interview | In-tray exercise` with rows `1 | E | ✓ | | `. The numbers are
//! no criteria: each numbered criterion takes its row's cells, and the criteria are
//! rewritten as that table (their category lines as category rows), which then reads as
//! any marked table does.
//!
//! The text form keeps a numbered line as a list item without its number, so the table's
//! rows 1..N are the last N list items before it, in order. One pass over the blocks, and
//! the walk back from a table stops at the table before it: linear in the document.

use super::blocks::{Block, BlockKind, Cell};
use super::records::text_cell;

/// The fewest numbered rows a lookup table has.
const MIN_ROWS: usize = 3;
/// The most words of a category line between the numbered criteria ("Skills and
/// abilities", "Other requirements").
const MAX_CATEGORY_WORDS: usize = 6;

/// The most words a cell of a lookup table holds beside the number: a mark, a tick, a
/// code or a method ("Essential", "✓", "AF/I"). A numbered table whose cells hold the
/// criteria themselves (numbered screening questions) is no lookup.
const MAX_CELL_WORDS: usize = 3;

/// Whether a table's body rows are keyed 1, 2, … N in order, each with more cells, and
/// only marks beside the numbers.
fn keyed_by_number(rows: &[&Vec<Cell>]) -> bool {
    rows.len() >= MIN_ROWS
        && rows.iter().enumerate().all(|(n, cells)| {
            let key = cells.first().map(Cell::plain).unwrap_or_default();
            cells.len() >= 2
                && key.trim_end_matches('.') == (n + 1).to_string()
                && cells[1..]
                    .iter()
                    .all(|c| c.plain().split_whitespace().count() <= MAX_CELL_WORDS)
        })
}

/// A line between the numbered criteria that names their category: a heading, or a short
/// paragraph.
fn category_line(block: &Block) -> Option<String> {
    match &block.kind {
        BlockKind::Heading(text) => Some(text.clone()),
        BlockKind::Paragraph(cell) => {
            let text = cell.plain();
            let words = text.split_whitespace().count();
            (1..=MAX_CATEGORY_WORDS).contains(&words).then_some(text)
        }
        _ => None,
    }
}

fn row(line: usize, cells: Vec<Cell>) -> Block {
    Block {
        line,
        kind: BlockKind::Row(cells),
        level: 0,
    }
}

/// The blocks with numbered criteria and the table keyed by their numbers made one table;
/// `None` when the document has no such table.
pub fn apply(blocks: &[Block]) -> Option<Vec<Block>> {
    let mut start = 0;
    while start < blocks.len() {
        let end = (start..blocks.len())
            .find(|&i| !matches!(blocks[i].kind, BlockKind::Row(_)))
            .unwrap_or(blocks.len());
        if end > start {
            if let Some(out) = rewrite(blocks, start, end) {
                return Some(out);
            }
            start = end;
        } else {
            start += 1;
        }
    }
    None
}

/// The rewrite for the table at `start..end`, when it is keyed by the numbers of the list
/// items before it.
fn rewrite(blocks: &[Block], start: usize, end: usize) -> Option<Vec<Block>> {
    let rows: Vec<&Vec<Cell>> = blocks[start..end]
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Row(cells) => Some(cells),
            _ => None,
        })
        .collect();
    let (header, body) = rows.split_first()?;
    if !keyed_by_number(body) {
        return None;
    }
    // The last N list items before the table, with nothing but category lines between
    // them (and no other table).
    let mut items = Vec::with_capacity(body.len());
    let mut first = start;
    for i in (0..start).rev() {
        match &blocks[i].kind {
            BlockKind::ListItem { depth: 0, .. } => {
                items.push(i);
                first = i;
                if items.len() == body.len() {
                    break;
                }
            }
            BlockKind::Row(_) | BlockKind::ListItem { .. } => return None,
            _ => {}
        }
    }
    if items.len() < body.len() {
        return None;
    }
    items.reverse();
    let last = *items.last()?;
    let mut header: Vec<Cell> = (*header).clone();
    header[0] = text_cell("Criteria");
    let mut out = blocks[..first].to_vec();
    out.push(row(blocks[first].line, header));
    let mut next = 0;
    for block in &blocks[first..=last] {
        if let BlockKind::ListItem { text, .. } = &block.kind {
            let mut cells = body[next].clone();
            cells[0] = text_cell(text);
            next += 1;
            out.push(row(block.line, cells));
        } else if let Some(name) = category_line(block) {
            out.push(row(block.line, vec![text_cell(&name)]));
        } else if !matches!(&block.kind, BlockKind::Paragraph(cell) if cell.is_empty()) {
            return None;
        }
    }
    // What stood between the criteria and the table (the table's heading) follows them.
    out.extend_from_slice(&blocks[last + 1..start]);
    out.extend_from_slice(&blocks[end..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::blocks::row_texts as rows;
    use crate::import::text;

    #[test]
    fn a_table_keyed_by_number_gives_the_numbered_criteria_their_cells() {
        let text = "## Main duties\n\n1. Plan deployment.\n2. Deal with complaints.\n\n\
            ## Person specification\n\n\
            ### Qualifications\n\n\
            1. Level 3 qualification\n\n\
            2. Certificate in Civil Enforcement\n\n\
            Skills and abilities\n\n\
            3. Ability to prioritise a busy workload\n\n\
            ## Criteria assessment table\n\n\
            No.\tE / D\tApplication\tInterview\n\
            1\tE\t✓\t\n\
            2\tD\t✓\t\n\
            3\tE\t\t✓\n";
        let out = apply(&text::blocks(text)).expect("a lookup table");
        assert_eq!(
            rows(&out),
            vec![
                vec!["Criteria", "E / D", "Application", "Interview"],
                vec!["Level 3 qualification", "E", "✓", ""],
                vec!["Certificate in Civil Enforcement", "D", "✓", ""],
                vec!["Skills and abilities"],
                vec!["Ability to prioritise a busy workload", "E", "", "✓"],
            ]
        );
        // The category line before the first criterion stays before the table, and the
        // duties numbered before stay as they were.
        assert!(
            matches!(&out[1].kind, BlockKind::ListItem { text, .. } if text == "Plan deployment.")
        );
        assert!(out
            .iter()
            .any(|b| b.kind == BlockKind::Heading("Qualifications".into())));
    }

    #[test]
    fn a_table_not_keyed_by_the_items_before_it_changes_nothing() {
        // Numbers out of order.
        let text = "1. A degree\n2. A car\n3. Welsh\n\nNo.\tE/D\n1\tE\n3\tD\n2\tE\n";
        assert!(apply(&text::blocks(text)).is_none());
        // More rows than numbered items.
        let text = "1. A degree\n2. A car\n\nNo.\tE/D\n1\tE\n2\tD\n3\tE\n";
        assert!(apply(&text::blocks(text)).is_none());
        // A numbered table holding the criteria (screening questions) is no lookup.
        let text = "- Deal with the public\n- Record crimes\n- Receive found property\n\n\
            No.\tQuestion\tRequired answer\n\
            1\tAre you aged 18 or over?\tYes\n\
            2\tDo you hold GCSE English at grade 4?\tYes\n\
            3\tCan you work weekends and bank holidays?\tYes\n";
        assert!(apply(&text::blocks(text)).is_none());
        // Prose between the items is not a category line.
        let text = "1. A degree\n\nWe will ask you to bring your certificates to the \
            interview on the day.\n\n2. A car\n3. Welsh\n\nNo.\tE/D\n1\tE\n2\tD\n3\tE\n";
        assert!(apply(&text::blocks(text)).is_none());
    }
}
