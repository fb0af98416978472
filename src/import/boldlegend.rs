//! Requirement levels given by type alone, explained by a legend above the table:
//! "Criteria shown in bold are essential; criteria in normal type are desirable",
//! "Essential criteria are printed in bold. All other criteria are desirable." The table
//! has no level column: each criterion row whose text is bold takes the level the legend
//! gives bold, every other criterion row the other level. The rows are rewritten with a
//! level column after the criterion, so the table then reads as any marked table does.
//!
//! One pass over the blocks for the legend, one over the table after it: linear in the
//! document.

use super::blocks::{collapse, Block, BlockKind, Cell};
use super::records::text_cell;
use crate::domain::Requirement;

/// How many blocks after the legend its table may start (a key line, a heading between).
const TABLE_WITHIN: usize = 6;

/// The level a legend gives bold type: a sentence naming bold and one level. "All other
/// criteria are desirable" then names the other; a sentence naming both levels ("bold or
/// plain, essential or desirable") explains nothing.
fn bold_level(text: &str) -> Option<Requirement> {
    let l = text.to_lowercase();
    l.split(['.', ';']).find_map(|sentence| {
        if !sentence.contains("bold") || !sentence.contains("criteri") {
            return None;
        }
        match (
            sentence.contains("essential"),
            sentence.contains("desirable"),
        ) {
            (true, false) => Some(Requirement::Essential),
            (false, true) => Some(Requirement::Desirable),
            _ => None,
        }
    })
}

/// Whether a cell is set in bold: its (first) bold run is most of its text. A bold word
/// inside a criterion ("a **full** driving licence") is emphasis, not the level.
fn is_bold(cell: &Cell) -> bool {
    let plain = cell.plain();
    cell.emphasis
        .as_deref()
        .is_some_and(|e| !plain.is_empty() && 2 * collapse(e).len() >= plain.len())
}

fn level_cell(level: Requirement) -> Cell {
    text_cell(match level {
        Requirement::Essential => "Essential",
        Requirement::Desirable => "Desirable",
    })
}

/// The blocks with the table after a bold legend given a level column; `None` when the
/// document has no such legend followed by a table.
pub fn apply(blocks: &[Block]) -> Option<Vec<Block>> {
    let (legend, bold) = blocks
        .iter()
        .enumerate()
        .find_map(|(i, block)| match &block.kind {
            BlockKind::Paragraph(cell) => {
                let text = cell.plain();
                (text.len() <= 600)
                    .then(|| bold_level(&text))
                    .flatten()
                    .map(|l| (i, l))
            }
            _ => None,
        })?;
    let plain = match bold {
        Requirement::Essential => Requirement::Desirable,
        Requirement::Desirable => Requirement::Essential,
    };
    let start = (legend + 1..blocks.len().min(legend + 1 + TABLE_WITHIN))
        .find(|&i| matches!(blocks[i].kind, BlockKind::Row(_)))?;
    let end = (start..blocks.len())
        .find(|&i| !matches!(blocks[i].kind, BlockKind::Row(_)))
        .unwrap_or(blocks.len());
    let mut out = blocks.to_vec();
    for (n, block) in out[start..end].iter_mut().enumerate() {
        let BlockKind::Row(cells) = &mut block.kind else {
            continue;
        };
        if n == 0 {
            // The header: the level column's title.
            cells.insert(1.min(cells.len()), text_cell("Essential / Desirable"));
            continue;
        }
        // A row with nothing beside its first cell is a category (often bold itself).
        if cells.len() < 2 || cells[1..].iter().all(|c| c.plain().is_empty()) {
            continue;
        }
        let level = if is_bold(&cells[0]) { bold } else { plain };
        cells.insert(1, level_cell(level));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::blocks::row_texts as rows;
    use crate::import::text;

    #[test]
    fn a_bold_legend_gives_bold_rows_their_level() {
        let text = "Criteria shown in <b>bold</b> are essential; criteria in normal type \
            are desirable. Key: A = application form, I = interview.\n\n\
            Criteria\tA\tI\n\
            <b>Experience</b>\t\n\
            <b>Experience of building maintenance</b>\t✓\t✓\n\
            Experience of working in a school\t✓\t\n";
        let out = apply(&text::blocks(text)).expect("a bold legend");
        assert_eq!(
            rows(&out),
            vec![
                vec!["Criteria", "Essential / Desirable", "A", "I"],
                vec!["Experience", ""],
                vec!["Experience of building maintenance", "Essential", "✓", "✓"],
                vec!["Experience of working in a school", "Desirable", "✓", ""],
            ]
        );
        // The legend the other way round, with the plain level in a sentence of its own.
        let text = "Essential criteria are printed in bold. All other criteria are \
            desirable.\n\n\
            Criteria\tAF\n\
            <b>A degree</b>\t✓\n\
            A <b>full</b> driving licence held for two years\t✓\n";
        let out = apply(&text::blocks(text)).expect("a bold legend");
        assert_eq!(rows(&out)[1], vec!["A degree", "Essential", "✓"]);
        assert_eq!(
            rows(&out)[2],
            vec![
                "A full driving licence held for two years",
                "Desirable",
                "✓"
            ]
        );
    }

    #[test]
    fn bold_without_a_legend_changes_nothing() {
        // Bold as emphasis only.
        let text = "Please read the criteria in bold carefully.\n\n\
            Criteria\tE/D\n<b>A degree</b>\tE\n";
        assert!(apply(&text::blocks(text)).is_none());
        // A legend with no table after it.
        let text = "Criteria in bold are essential.\n\nWe welcome applications.\n";
        assert!(apply(&text::blocks(text)).is_none());
    }
}
