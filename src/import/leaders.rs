//! Specifications typed without a table: each criterion is one line, then a run of dot
//! leaders, then its requirement mark and how it is assessed ("Excellent written English
//! ........ E   AF/W"), under category lines ("QUALIFICATIONS", a bold "Experience"). Each
//! run of such lines becomes one table with a header row (criterion, requirement,
//! methods), a one-cell row a category and a row a criterion, which the reading by meaning
//! reads like any criteria table.
//!
//! A line is read once, so the time is linear in the document.

use super::blocks::{collapse, Block, BlockKind};
use super::records::text_cell;
use super::roles::is_mark_word;

/// The fewest leader dots that set a criterion apart from its mark ("etc...." is no
/// leader).
const MIN_LEADER: usize = 5;

/// A dot-leader line split into the text before the leaders and the text after them
/// (trimmed); `None` for a line without a run of leaders between two texts.
pub fn split(line: &str) -> Option<(&str, &str)> {
    let mut start = None;
    let mut dots = 0;
    let mut end = 0;
    for (at, c) in line.char_indices() {
        let units = match c {
            '.' | '·' | '_' => 1,
            '…' => 3,
            // Leaders typed with spaces between the dots (". . . . .").
            ' ' if dots > 0 => 0,
            _ => {
                if dots >= MIN_LEADER {
                    break;
                }
                start = None;
                dots = 0;
                continue;
            }
        };
        if units > 0 {
            if start.is_none() {
                start = Some(at);
            }
            dots += units;
            end = at + c.len_utf8();
        }
    }
    let start = start.filter(|_| dots >= MIN_LEADER)?;
    let (before, after) = (line[..start].trim(), line[end..].trim());
    (before.chars().any(char::is_alphabetic) && !after.is_empty()).then_some((before, after))
}

/// A criterion's line: its text, its mark and what follows the mark (its methods).
fn criterion_line(text: &str) -> Option<(String, String, String)> {
    let (criterion, tail) = split(text)?;
    if criterion.split_whitespace().count() < 2 {
        return None;
    }
    let (mark, methods) = tail.split_once(char::is_whitespace).unwrap_or((tail, ""));
    is_mark_word(mark)?;
    let methods = methods.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '–' | '—' | '|' | ':' | ',' | ';')
    });
    Some((
        criterion.to_string(),
        mark.trim_matches(|c: char| !c.is_alphanumeric())
            .to_string(),
        methods.trim().to_string(),
    ))
}

fn block_text(block: &Block) -> Option<String> {
    match &block.kind {
        BlockKind::Paragraph(cell) => Some(cell.plain()),
        BlockKind::ListItem { text, .. } | BlockKind::Heading(text) => Some(collapse(text)),
        BlockKind::Row(_) => None,
    }
}

fn leader_row(block: &Block) -> Option<(String, String, String)> {
    match &block.kind {
        BlockKind::Paragraph(_) | BlockKind::ListItem { .. } => criterion_line(&block_text(block)?),
        _ => None,
    }
}

/// A category line over leader lines: a few words naming an area ("QUALIFICATIONS",
/// "Skills and knowledge"), not a key ("E = Essential"), a sentence or a mark.
fn category_line(block: &Block) -> Option<String> {
    let text = block_text(block)?;
    let words = text.split_whitespace().count();
    let named = (1..=6).contains(&words)
        && text.starts_with(char::is_alphabetic)
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '&' | ',' | '-' | '/' | '(' | ')'))
        && is_mark_word(&text).is_none();
    named.then_some(text)
}

/// The blocks with every run of dot-leader lines (and the category lines among them)
/// rewritten as one table; `None` when the document has fewer than two such lines.
pub fn as_tables(blocks: &[Block]) -> Option<Vec<Block>> {
    let rows: Vec<Option<(String, String, String)>> = blocks.iter().map(leader_row).collect();
    if rows.iter().filter(|r| r.is_some()).count() < 2 {
        return None;
    }
    let leads = |i: usize| rows.get(i).is_some_and(Option::is_some);
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len() + 8);
    let mut in_run = false;
    for (i, block) in blocks.iter().enumerate() {
        let cells = match &rows[i] {
            Some((criterion, mark, methods)) => {
                vec![text_cell(criterion), text_cell(mark), text_cell(methods)]
            }
            // A category line belongs to the run when a leader line follows it.
            None => match leads(i + 1).then(|| category_line(block)).flatten() {
                Some(category) => vec![text_cell(&category)],
                None => {
                    in_run = false;
                    out.push(block.clone());
                    continue;
                }
            },
        };
        if !in_run {
            out.push(header(block.line));
            in_run = true;
        }
        out.push(Block::row(block.line, cells));
    }
    Some(out)
}

fn header(line: usize) -> Block {
    let cells = ["Criterion", "Essential or desirable", "How assessed"];
    Block::row(line, cells.iter().map(|h| text_cell(h)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::blocks::row_texts as rows;
    use crate::import::text;

    #[test]
    fn a_leader_line_splits_at_its_dots() {
        assert_eq!(
            split("Excellent written English ........ E   AF/W"),
            Some(("Excellent written English", "E   AF/W"))
        );
        assert_eq!(
            split("Able to drive . . . . . . D"),
            Some(("Able to drive", "D"))
        );
        assert_eq!(split("Word processing etc.... and more"), None);
        assert_eq!(split("Signed ................"), None);
    }

    #[test]
    fn leader_lines_under_category_lines_become_one_table() {
        let text = "PERSON SPECIFICATION\n\n\
            E = Essential   D = Desirable\n\n\
            QUALIFICATIONS\n\n\
            Certificate in Local Council Administration ........ D   AF/Q\n\
            Educated to A level or equivalent .................. E   AF/Q\n\n\
            SKILLS\n\n\
            Excellent written English ............ E   AF/W\n\n\
            FURTHER INFORMATION\n\nPlease send a CV.\n";
        let blocks = text::blocks(text);
        let rewritten = as_tables(&blocks).expect("leader lines");
        assert_eq!(
            rows(&rewritten),
            vec![
                vec!["Criterion", "Essential or desirable", "How assessed"],
                vec!["QUALIFICATIONS"],
                vec!["Certificate in Local Council Administration", "D", "AF/Q"],
                vec!["Educated to A level or equivalent", "E", "AF/Q"],
                vec!["SKILLS"],
                vec!["Excellent written English", "E", "AF/W"],
            ]
        );
        // The key before the table and the section after it stay as they were.
        assert!(rewritten
            .iter()
            .any(|b| matches!(&b.kind, BlockKind::Paragraph(c) if c.plain().contains("CV"))));
    }

    #[test]
    fn a_contents_list_is_no_specification() {
        // Page numbers after the leaders are no marks.
        let text = "Job description ........ 2\n\nPerson specification ........ 4\n";
        assert!(as_tables(&text::blocks(text)).is_none());
    }
}
