//! A two-column exchange table: "What you'll bring" on the left, "What we'll give you" /
//! "In return, we offer" on the right. Only the left column holds criteria; the right one
//! lists what the employer offers (training, mentoring, a budget) and is never a criterion,
//! however much it reads like one.
//!
//! Read as it stands, such a table is no specification (its header names no requirement
//! or method column), so the document was refused. The table is rewritten as the section
//! its left column amounts to: a "Person specification" heading, a heading per spanning
//! category row and the left cell's labels and bullets as paragraphs and list items, which
//! the reading by meaning reads like any specification written as lists. One pass over the
//! blocks.

use super::blocks::{collapse, Block, BlockKind, Cell, Item, BREAK};

/// Whether a header cell names what the candidate brings ("What you'll bring", "You
/// bring", "What you will bring to the role").
fn says_you_bring(text: &str) -> bool {
    let t = collapse(text).to_lowercase().replace('’', "'");
    t.split_whitespace().count() <= 8
        && [
            "you bring",
            "you'll bring",
            "you will bring",
            "you can bring",
        ]
        .iter()
        .any(|p| t.contains(p))
}

/// Whether a header cell names what the employer gives in return ("What we'll give you",
/// "In return, we offer", "What we offer").
fn says_we_give(text: &str) -> bool {
    let t = collapse(text).to_lowercase().replace('’', "'");
    t.split_whitespace().count() <= 8
        && [
            "we offer",
            "we'll offer",
            "we will offer",
            "we give",
            "we'll give",
            "we will give",
            "in return",
            "you'll get",
            "you will get",
        ]
        .iter()
        .any(|p| t.contains(p))
}

/// The exchange tables rewritten as their left column; `None` when there are none.
pub fn apply(blocks: &[Block]) -> Option<Vec<Block>> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut changed = false;
    let mut heading_level = 1;
    // The level of the categories' headings while inside an exchange table.
    let mut inside: Option<usize> = None;
    for block in blocks {
        let cells = match &block.kind {
            BlockKind::Row(cells) => Some(cells),
            _ => None,
        };
        // A category row spanning the table (one cell, as a PDF gives it) inside an
        // exchange table heads the rows after it.
        if let (Some(level), Some([only])) = (inside, cells.map(Vec::as_slice)) {
            if only.items.len() == 1
                && !only.has_bullets()
                && only.plain().split_whitespace().count() <= 8
            {
                out.push(heading(block.line, &only.plain(), level));
                continue;
            }
        }
        let Some(cells) = cells.filter(|c| c.len() == 2) else {
            inside = None;
            if let BlockKind::Heading(_) = block.kind {
                heading_level = block.level.max(1);
            }
            out.push(block.clone());
            continue;
        };
        if says_you_bring(&cells[0].plain()) && says_we_give(&cells[1].plain()) {
            let level = (heading_level + 1).min(6);
            out.push(heading(block.line, "Person specification", level));
            inside = Some(level + 1);
            changed = true;
            continue;
        }
        let Some(category_level) = inside else {
            out.push(block.clone());
            continue;
        };
        let left = &cells[0];
        // A spanning category row: one short line on the left, nothing on the right.
        let single = left.items.len() == 1 && !left.has_bullets() && cells[1].is_empty();
        if single && left.plain().split_whitespace().count() <= 8 {
            out.push(heading(block.line, &left.plain(), category_level));
            continue;
        }
        for whole in &left.items {
            // A level label over the cell's bullets ("Essential", "**Desirable**") heads
            // them, bold or not (a PDF or Markdown cell keeps no emphasis of its own); one
            // on a line of its own after an item's text (`• Item<br>**Desirable**<br>• …`)
            // is no part of that item.
            let mut body = String::new();
            let mut label = None;
            for (n, line) in whole.text.split(BREAK).enumerate() {
                if (n > 0 || !whole.bullet) && is_level_label(line) {
                    label = Some(line.trim_matches(['*', '_', ':', ' ']).to_string());
                    break;
                }
                if n > 0 {
                    body.push(BREAK);
                }
                body.push_str(line);
            }
            let item = Item {
                text: body,
                ..whole.clone()
            };
            let item = &item;
            let text = collapse(&item.text);
            if !text.is_empty() {
                push_item(&mut out, block.line, left, item, text);
            }
            if let Some(label) = label {
                out.push(heading(block.line, &label, category_level + 1));
            }
        }
    }
    changed.then_some(out)
}

/// One item of an exchange table's left cell, as a list item or a paragraph.
fn push_item(out: &mut Vec<Block>, line: usize, left: &Cell, item: &Item, text: String) {
    {
        {
            let kind = if item.bullet {
                BlockKind::ListItem {
                    depth: item.depth,
                    text,
                }
            } else {
                let bold = left.emphasis.as_deref().map(collapse) == Some(text.clone());
                BlockKind::Paragraph(Cell {
                    items: vec![item.clone()],
                    emphasis: bold.then_some(text),
                })
            };
            out.push(Block {
                line,
                kind,
                level: 0,
            });
        }
    }
}

/// "Essential", "Desirable criteria:", "**Essential**": a requirement level's label.
fn is_level_label(text: &str) -> bool {
    super::roles::level_label(text.trim_matches(['*', '_', ':', ' ']))
}

fn heading(line: usize, text: &str, level: usize) -> Block {
    Block {
        line,
        kind: BlockKind::Heading(text.to_string()),
        level,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(items: &[(&str, bool)]) -> Cell {
        Cell {
            items: items
                .iter()
                .map(|&(text, bullet)| Item {
                    bullet,
                    depth: 0,
                    text: text.to_string(),
                })
                .collect(),
            emphasis: None,
        }
    }

    #[test]
    fn a_spanning_category_row_of_one_cell_heads_its_rows() {
        let blocks = vec![
            Block::row(
                1,
                vec![
                    cell(&[("What you'll bring", false)]),
                    cell(&[("What we'll give you", false)]),
                ],
            ),
            Block::row(2, vec![cell(&[("Experience", false)])]),
            Block::row(
                3,
                vec![
                    cell(&[("Experience of housing (must have)", true)]),
                    cell(&[("Fire safety training", true)]),
                ],
            ),
            Block::row(4, vec![cell(&[("Skills", false)])]),
            Block::row(
                5,
                vec![
                    cell(&[("Able to drive (bonus)", true)]),
                    cell(&[("A van", true)]),
                ],
            ),
        ];
        let out = apply(&blocks).unwrap();
        let headings: Vec<&str> = out
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Heading(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(headings, ["Person specification", "Experience", "Skills"]);
        assert_eq!(out.len(), 5);
    }

    #[test]
    fn a_level_label_after_an_items_text_heads_the_items_after_it() {
        let blocks = vec![
            Block::row(
                1,
                vec![cell(&[("You bring", false)]), cell(&[("We offer", false)])],
            ),
            Block::row(
                2,
                vec![
                    cell(&[
                        ("**Essential**", false),
                        ("Experience of arts projects (A/I)\n**Desirable**", true),
                        ("Knowledge of the sector (I)", true),
                    ]),
                    cell(&[("A budget", true)]),
                ],
            ),
        ];
        let out = apply(&blocks).unwrap();
        let kinds: Vec<String> = out
            .iter()
            .map(|b| match &b.kind {
                BlockKind::Heading(t) => format!("h {t}"),
                BlockKind::ListItem { text, .. } => format!("- {text}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "h Person specification",
                "h Essential",
                "- Experience of arts projects (A/I)",
                "h Desirable",
                "- Knowledge of the sector (I)"
            ]
        );
    }

    #[test]
    fn a_level_label_in_a_cell_heads_its_bullets() {
        assert!(is_level_label("**Essential**"));
        assert!(is_level_label("Desirable criteria:"));
        assert!(!is_level_label("Essential training will be given"));
        assert!(!is_level_label("Experience"));
    }

    #[test]
    fn only_the_left_column_is_kept() {
        let blocks = vec![
            Block::row(
                1,
                vec![
                    cell(&[("What you'll bring", false)]),
                    cell(&[("What we'll give you", false)]),
                ],
            ),
            Block::row(2, vec![cell(&[("Experience", false)]), Cell::default()]),
            Block::row(
                3,
                vec![
                    cell(&[("Experience of housing (must have)", true)]),
                    cell(&[("Fire safety training", true)]),
                ],
            ),
        ];
        let out = apply(&blocks).unwrap();
        let kinds: Vec<String> = out
            .iter()
            .map(|b| match &b.kind {
                BlockKind::Heading(t) => format!("h{} {t}", b.level),
                BlockKind::ListItem { text, .. } => format!("- {text}"),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            kinds,
            vec![
                "h2 Person specification",
                "h3 Experience",
                "- Experience of housing (must have)"
            ]
        );
    }

    #[test]
    fn other_two_column_tables_are_left() {
        let blocks = vec![Block::row(
            1,
            vec![cell(&[("Criteria", false)]), cell(&[("Essential", false)])],
        )];
        assert_eq!(apply(&blocks), None);
        assert!(!says_you_bring(
            "Please bring your certificates to the interview if you bring them"
        ));
    }
}
