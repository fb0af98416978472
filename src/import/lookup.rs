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

/// The most a number in a summary line may be (a real specification has under 60).
const MAX_NUMBER: usize = 500;

/// The numbers of a summary's list: "1, 3, 5", "1-4", "none". `None` if anything else is
/// in it.
fn numbers(text: &str) -> Option<Vec<usize>> {
    let text = text.trim().trim_end_matches('.');
    if text.eq_ignore_ascii_case("none") || text.is_empty() {
        return Some(Vec::new());
    }
    let mut out = Vec::new();
    for part in text.split([',', '&']).flat_map(|p| p.split(" and ")) {
        let part = part.trim();
        let parse = |s: &str| s.trim().parse::<usize>().ok().filter(|&n| n <= MAX_NUMBER);
        if let Some((a, b)) = part.split_once(['-', '–']) {
            let (a, b) = (parse(a)?, parse(b)?);
            if a > b {
                return None;
            }
            out.extend(a..=b);
        } else {
            out.push(parse(part)?);
        }
        if out.len() > MAX_NUMBER {
            return None;
        }
    }
    Some(out)
}

/// "Label: 1, 3; Other: 2" (or with " | " / " / " between): each label and its numbers.
fn labelled_numbers(text: &str) -> Option<Vec<(String, Vec<usize>)>> {
    let mut out = Vec::new();
    for part in text.split([';', '|']).flat_map(|p| p.split(" / ")) {
        if part.trim().is_empty() {
            continue;
        }
        let (label, list) = part.split_once(':')?;
        let label = label.trim();
        if label.is_empty() || label.split_whitespace().count() > 4 {
            return None;
        }
        out.push((label.to_string(), numbers(list)?));
    }
    (!out.is_empty()).then_some(out)
}

/// "Essential: 1, 3 | Desirable: 2": the mark of each number.
fn level_summary(text: &str) -> Option<Vec<(usize, &'static str)>> {
    let mut out = Vec::new();
    for (label, list) in labelled_numbers(text)? {
        let mark = match label.to_lowercase().as_str() {
            "essential" => "E",
            "desirable" => "D",
            _ => return None,
        };
        out.extend(list.into_iter().map(|n| (n, mark)));
    }
    out.sort_unstable();
    Some(out)
}

/// "Assessed by – Application: 1-4; Interview: 2, 3": each method label and its numbers.
fn method_summary(text: &str) -> Option<Vec<(String, Vec<usize>)>> {
    let lower = text.to_lowercase();
    let rest = [
        "assessed by",
        "assessment",
        "how assessed",
        "method of assessment",
    ]
    .iter()
    .find_map(|lead| {
        lower
            .strip_prefix(lead)
            .map(|r| &text[text.len() - r.len()..])
    })?;
    let rest = rest.trim_start_matches([' ', '–', '-', ':', '—']);
    labelled_numbers(rest)
}

fn paragraph_text(block: &Block) -> Option<String> {
    match &block.kind {
        BlockKind::Paragraph(cell) => Some(cell.plain()),
        _ => None,
    }
}

/// Numbered criteria with no marks, each category's list followed by a line of levels by
/// number ("Essential: 1, 3 | Desirable: 2") and a line of methods by number ("Assessed by
/// – Application: 1-3; Interview: 2"): each list is rewritten as a table of its criteria,
/// their marks and methods. One pass over the blocks.
fn summaries(blocks: &[Block]) -> Option<Vec<Block>> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut changed = false;
    let mut i = 0;
    while i < blocks.len() {
        let levels = paragraph_text(&blocks[i]).and_then(|t| level_summary(&t));
        let Some(levels) = levels else {
            out.push(blocks[i].clone());
            i += 1;
            continue;
        };
        // The list items just before the line, numbered from the smallest number.
        let count = out
            .iter()
            .rev()
            .take_while(|b| matches!(b.kind, BlockKind::ListItem { depth: 0, .. }))
            .count();
        let first = levels.first().map_or(0, |(n, _)| *n);
        let in_order = levels.iter().enumerate().all(|(k, (n, _))| *n == first + k);
        if count == 0 || levels.len() != count || !in_order {
            out.push(blocks[i].clone());
            i += 1;
            continue;
        }
        let methods = blocks
            .get(i + 1)
            .and_then(paragraph_text)
            .and_then(|t| method_summary(&t));
        let items = out.split_off(out.len() - count);
        out.push(Block::row(
            items[0].line,
            vec![
                text_cell("Criteria"),
                text_cell("E/D"),
                text_cell("Assessed by"),
            ],
        ));
        for (item, (n, mark)) in items.iter().zip(&levels) {
            let BlockKind::ListItem { text, .. } = &item.kind else {
                continue;
            };
            let named: Vec<&str> = methods
                .iter()
                .flatten()
                .filter(|(_, list)| list.contains(n))
                .map(|(label, _)| label.as_str())
                .collect();
            out.push(Block::row(
                item.line,
                vec![
                    text_cell(text),
                    text_cell(mark),
                    text_cell(&named.join(", ")),
                ],
            ));
        }
        changed = true;
        i += if methods.is_some() { 2 } else { 1 };
    }
    changed.then_some(out)
}

/// The blocks with numbered criteria and the table keyed by their numbers made one table,
/// or each category's numbered list and its summary lines made a table ([`summaries`]);
/// `None` when the document has neither.
pub fn apply(blocks: &[Block]) -> Option<Vec<Block>> {
    if let Some(out) = summaries(blocks) {
        return Some(out);
    }
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
    out.push(Block::row(blocks[first].line, header));
    let mut next = 0;
    for block in &blocks[first..=last] {
        if let BlockKind::ListItem { text, .. } = &block.kind {
            let mut cells = body[next].clone();
            cells[0] = text_cell(text);
            next += 1;
            out.push(Block::row(block.line, cells));
        } else if let Some(name) = category_line(block) {
            out.push(Block::row(block.line, vec![text_cell(&name)]));
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
    fn summary_lines_by_number_give_each_category_its_marks_and_methods() {
        let text = "### Qualifications\n\n\
            1. Degree in planning\n\
            2. Member of the RTPI\n\n\
            Essential: 1 | Desirable: 2\n\n\
            Assessed by – Application: 1, 2\n\n\
            ### Skills\n\n\
            3. Ability to write clear reports\n\
            4. Good IT skills\n\
            5. Ability to negotiate\n\n\
            Essential: 3, 5 / Desirable: 4\n\n\
            Assessed by – Written exercise: 3; Interview: 3-5\n";
        let out = apply(&text::blocks(text)).expect("summary lines");
        assert_eq!(
            rows(&out),
            vec![
                vec!["Criteria", "E/D", "Assessed by"],
                vec!["Degree in planning", "E", "Application"],
                vec!["Member of the RTPI", "D", "Application"],
                vec!["Criteria", "E/D", "Assessed by"],
                vec![
                    "Ability to write clear reports",
                    "E",
                    "Written exercise, Interview"
                ],
                vec!["Good IT skills", "D", "Interview"],
                vec!["Ability to negotiate", "E", "Interview"],
            ]
        );
        assert_eq!(numbers("none"), Some(Vec::new()));
        assert_eq!(numbers("1-3, 7"), Some(vec![1, 2, 3, 7]));
        // Hostile ranges stay bounded.
        assert_eq!(numbers("1-100000"), None);
        assert_eq!(numbers("3-1"), None);
        // A level line that does not number the items before it changes nothing.
        let text = "1. A degree\n2. A car\n\nEssential: 1, 2, 3\n";
        assert!(apply(&text::blocks(text)).is_none());
        assert!(level_summary("Essential: see the advert").is_none());
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
