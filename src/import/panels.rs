//! Flyer-style specifications laid out as a table of panels, several side by side in a
//! row and no header row: each cell holds a bold category heading, the criteria as
//! bullets (marked "(E)" / "(D)", or under "Essential" / "Desirable" labels) and a last
//! line giving how everything in the panel is assessed ("Assessed by: application form
//! and interview").
//!
//! Read as it stands, such a row is one criterion per cell with the category, the labels
//! and the method line run into it. Each run of panel rows becomes one criteria table
//! (header row, a one-cell category row per panel, a row per bullet with its level and the
//! panel's methods), panels read left to right, row by row, which the reading by meaning
//! reads like any criteria table.

use super::blocks::{collapse, Block, BlockKind, Cell};
use super::methods;
use super::records::text_cell;
use super::roles::{is_mark_word, requirement_heading};
use crate::domain::Requirement;

/// The most words in a panel's heading.
const MAX_HEADING_WORDS: usize = 8;

/// The fewest panels that make a panel table.
const MIN_PANELS: usize = 2;

/// One panel: its category and its criteria with their levels, and its methods line.
#[derive(Debug, PartialEq)]
struct Panel {
    category: String,
    criteria: Vec<(String, Option<Requirement>)>,
    methods: String,
}

/// A level label inside a panel ("Essential", "Desirable criteria").
fn label(text: &str) -> Option<Requirement> {
    is_mark_word(text).or_else(|| requirement_heading(text))
}

/// A bullet's text less a closing level mark ("… (E)") and the level it gives.
fn marked(text: &str) -> (String, Option<Requirement>) {
    let text = collapse(text);
    if let Some(open) = text.strip_suffix(')').and_then(|t| t.rfind('(')) {
        if let Some(req) = is_mark_word(&text[open + 1..text.len() - 1]) {
            return (text[..open].trim_end().to_string(), Some(req));
        }
    }
    (text, None)
}

/// The methods of a panel's last line ("Assessed by: interview"): the words after its
/// colon, when they name a method.
fn methods_line(text: &str) -> Option<String> {
    let line = collapse(text);
    let (_, named) = line.split_once(':')?;
    let named = named.trim().trim_end_matches('.').to_string();
    (!methods::words(&named).is_empty()).then_some(named)
}

/// A cell read as a panel; `None` for any other cell.
fn panel(cell: &Cell) -> Option<Panel> {
    let (first, rest) = cell.items.split_first()?;
    let (last, middle) = rest.split_last()?;
    let category = collapse(&first.text);
    let words = category.split_whitespace().count();
    let heading = !first.bullet
        && (1..=MAX_HEADING_WORDS).contains(&words)
        && !category.contains(':')
        && cell
            .emphasis
            .as_deref()
            .is_some_and(|bold| collapse(bold) == category)
        && label(&category).is_none();
    if !heading || last.bullet {
        return None;
    }
    let methods = methods_line(&last.text)?;
    let mut level = None;
    let mut criteria = Vec::new();
    for item in middle {
        if item.bullet {
            let (text, mark) = marked(&item.text);
            criteria.push((text, mark.or(level)));
        } else {
            // Between the heading and the methods line only level labels stand.
            level = Some(label(&collapse(&item.text))?);
        }
    }
    (!criteria.is_empty()).then_some(Panel {
        category,
        criteria,
        methods,
    })
}

/// The panels of a row, left to right: every cell a panel or empty, at least one panel.
fn panels(cells: &[Cell]) -> Option<Vec<Panel>> {
    let found: Vec<Panel> = cells
        .iter()
        .filter(|c| !c.plain().is_empty())
        .map(panel)
        .collect::<Option<_>>()?;
    (!found.is_empty()).then_some(found)
}

fn level_word(level: Option<Requirement>) -> &'static str {
    match level {
        Some(Requirement::Essential) => "Essential",
        Some(Requirement::Desirable) => "Desirable",
        None => "",
    }
}

/// The blocks with every run of panel rows rewritten as one criteria table; `None` when
/// the document has none.
pub fn as_tables(blocks: &[Block]) -> Option<Vec<Block>> {
    let mut out: Vec<Block> = Vec::new();
    let mut found = false;
    let mut index = 0;
    while index < blocks.len() {
        let mut run: Vec<(usize, Vec<Panel>)> = Vec::new();
        let mut end = index;
        while let Some(BlockKind::Row(cells)) = blocks.get(end).map(|b| &b.kind) {
            let Some(row) = panels(cells) else { break };
            run.push((blocks[end].line, row));
            end += 1;
        }
        let count: usize = run.iter().map(|(_, row)| row.len()).sum();
        let side_by_side = run.iter().any(|(_, row)| row.len() >= 2);
        if count < MIN_PANELS || !side_by_side {
            out.push(blocks[index].clone());
            index += 1;
            continue;
        }
        found = true;
        let titles = ["Criterion", "Essential or desirable", "How assessed"];
        out.push(Block::row(
            blocks[index].line,
            titles.iter().map(|t| text_cell(t)).collect(),
        ));
        for (line, row) in run {
            for panel in row {
                out.push(Block::row(line, vec![text_cell(&panel.category)]));
                for (criterion, level) in panel.criteria {
                    let cells = vec![
                        text_cell(&criterion),
                        text_cell(level_word(level)),
                        text_cell(&panel.methods),
                    ];
                    out.push(Block::row(line, cells));
                }
            }
        }
        index = end;
    }
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::blocks::row_texts as rows;
    use crate::import::html;
    use crate::import::text;

    #[test]
    fn a_closing_mark_gives_the_level() {
        assert_eq!(
            marked("Level 3 in youth work (E)"),
            (
                "Level 3 in youth work".to_string(),
                Some(Requirement::Essential)
            )
        );
        assert_eq!(
            marked("Maths at grade 4 (C)"),
            ("Maths at grade 4 (C)".to_string(), None)
        );
    }

    #[test]
    fn panels_side_by_side_read_left_then_right() {
        let page = "<h2>Person specification</h2><table>\
            <tr><td><p><strong>Experience</strong></p><ul><li>Running forums (E)</li>\
            <li>Speaking at events (D)</li></ul><p>Assessed by: application form and interview</p></td>\
            <td><p><strong>Knowledge</strong></p><p>Essential</p><ul><li>Safeguarding</li></ul>\
            <p>Desirable</p><ul><li>Food safety</li></ul><p>How we assess this: interview</p></td></tr>\
            <tr><td><p><strong>Skills</strong></p><ul><li>Planning sessions (E)</li></ul>\
            <p>Assessed by: group activity session</p></td><td></td></tr></table>";
        let text = html::to_text(page).expect("html");
        let rewritten = as_tables(&text::blocks(&text)).expect("panels");
        assert_eq!(
            rows(&rewritten),
            vec![
                vec!["Criterion", "Essential or desirable", "How assessed"],
                vec!["Experience"],
                vec![
                    "Running forums",
                    "Essential",
                    "application form and interview"
                ],
                vec![
                    "Speaking at events",
                    "Desirable",
                    "application form and interview"
                ],
                vec!["Knowledge"],
                vec!["Safeguarding", "Essential", "interview"],
                vec!["Food safety", "Desirable", "interview"],
                vec!["Skills"],
                vec!["Planning sessions", "Essential", "group activity session"],
            ]
        );
    }

    #[test]
    fn a_cell_with_prose_is_no_panel() {
        let page = "<table><tr><td><p><strong>Experience</strong></p><p>We want someone keen.</p>\
            <ul><li>Forums</li></ul><p>Assessed by: interview</p></td>\
            <td><p><strong>Skills</strong></p><ul><li>Planning</li></ul><p>Assessed by: interview</p></td>\
            </tr></table>";
        let text = html::to_text(page).expect("html");
        assert!(as_tables(&text::blocks(&text)).is_none());
    }
}
