//! What a specification says you do **not** need: "You do not need:" over a list, or a
//! requirement cell "Not required". Inclusive adverts list these so that people do not rule
//! themselves out; they are not selection criteria, so they are taken out before reading.

use super::blocks::{collapse, Block, BlockKind};

/// Whether a label or a requirement cell says "not needed": "You do not need:", "What you
/// don't need", "Not required", "Not needed".
fn says_not_needed(text: &str) -> bool {
    let t = collapse(text).to_lowercase().replace('’', "'");
    let t = t.trim().trim_end_matches([':', '.']).trim();
    if t.split_whitespace().count() > 6 {
        return false;
    }
    [
        "you do not need",
        "you don't need",
        "what you do not need",
        "what you don't need",
        "you won't need",
        "you will not need",
        "not required",
        "not needed",
    ]
    .contains(&t)
}

/// The blocks without the "not needed" lists and table rows; `None` when there are none.
pub fn apply(blocks: &[Block]) -> Option<Vec<Block>> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut changed = false;
    let mut skipping = false;
    for block in blocks {
        match &block.kind {
            // The label over the list: a bold line, a short paragraph or a heading.
            BlockKind::Paragraph(cell) if says_not_needed(&cell.plain()) => {
                skipping = true;
                changed = true;
                continue;
            }
            BlockKind::Heading(text) if says_not_needed(text) => {
                skipping = true;
                changed = true;
                continue;
            }
            // Its items.
            BlockKind::ListItem { .. } if skipping => {
                changed = true;
                continue;
            }
            // A row whose requirement cell says it is not required.
            BlockKind::Row(cells)
                if cells.len() >= 2
                    && cells.iter().skip(1).any(|c| says_not_needed(&c.plain())) =>
            {
                changed = true;
                continue;
            }
            _ => skipping = false,
        }
        out.push(block.clone());
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .map(|b| match &b.kind {
                BlockKind::Heading(t) => t.clone(),
                BlockKind::Paragraph(c) => c.plain(),
                BlockKind::ListItem { text, .. } => text.clone(),
                BlockKind::Row(cells) => cells
                    .iter()
                    .map(|c| c.plain())
                    .collect::<Vec<_>>()
                    .join(" | "),
            })
            .collect()
    }

    #[test]
    fn lists_and_rows_of_what_you_do_not_need_are_no_criteria() {
        let text = "### Skills\n\n**Essential**\n\n- Good IT skills (A)\n\n\
            **You don't need:**\n\n- A degree\n- Experience in a charity\n\n\
            ### Other\n\n- Willing to travel (A)\n\n\
            Criteria\tRequirement\tAssessed\n\
            A driving licence\tNot required\t—\n\
            Calm on the phone\tEssential\tI\n";
        let blocks = super::super::text::blocks(text);
        let kept = apply(&blocks).expect("a change");
        let kept = texts(&kept);
        assert!(kept.iter().any(|t| t == "Good IT skills (A)"));
        assert!(kept.iter().any(|t| t == "Willing to travel (A)"));
        assert!(kept.iter().any(|t| t.starts_with("Calm on the phone")));
        assert!(!kept
            .iter()
            .any(|t| t.contains("A degree") || t.contains("charity")));
        assert!(!kept.iter().any(|t| t.contains("driving licence")));
        // A sentence that mentions what you need is no label.
        assert!(!says_not_needed(
            "You do not need a degree to apply for this role, but"
        ));
        assert!(apply(&super::super::text::blocks("- Good IT skills\n")).is_none());
    }
}
