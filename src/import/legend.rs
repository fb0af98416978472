//! Requirement levels under words of a document's own, explained by a legend above the
//! table: "Core – you must show this to be shortlisted. Additional – not required, but we
//! will use it to choose between candidates", "Core requirements are essential. Additional
//! requirements are desirable". The legend defines one word for each level; table cells
//! holding just that word (or both, as a header "Core / Additional") are read as the
//! level they stand for.
//!
//! One pass over the blocks for the legend, one to rewrite the cells: linear in the
//! document.

use super::blocks::{Block, BlockKind, Cell};
use super::records::text_cell;
use super::roles::is_mark_word;
use crate::domain::Requirement;

/// The most distinct level words a legend defines.
const MAX_WORDS: usize = 6;

/// Words that open a sentence of any legend or guidance without naming a level.
const NOT_LEVEL_WORDS: &[&str] = &[
    "all",
    "any",
    "criteria",
    "criterion",
    "evidence",
    "how",
    "it",
    "key",
    "note",
    "please",
    "requirements",
    "requirement",
    "the",
    "these",
    "this",
    "those",
    "we",
    "where",
    "you",
];

/// The level a legend's description of a word gives it: "not required, but we will use it
/// to choose between candidates" → desirable, "you must show this to be shortlisted" →
/// essential. The desirable wordings are tried first: "not required" names the other.
fn described_level(description: &str) -> Option<Requirement> {
    let d = description.to_lowercase();
    let desirable = [
        "desirable",
        "not required",
        "not essential",
        "choose between",
        "advantage",
        "preferred",
        "nice to have",
        "help us shortlist",
    ];
    let essential = [
        "essential",
        "must",
        "required to",
        "minimum",
        "to be shortlisted",
    ];
    if desirable.iter().any(|w| d.contains(w)) {
        Some(Requirement::Desirable)
    } else if essential.iter().any(|w| d.contains(w)) {
        Some(Requirement::Essential)
    } else {
        None
    }
}

/// The words a legend line defines, each with its level: every sentence (or part after a
/// colon) opening with a capitalised word that is not already a requirement mark.
fn definitions(text: &str) -> Vec<(String, Requirement)> {
    let mut found = Vec::new();
    for part in text.split([';', '.', ':']) {
        let part = part.trim();
        let Some((word, rest)) = part.split_once(|c: char| c.is_whitespace()) else {
            continue;
        };
        let capitalised = word.starts_with(|c: char| c.is_uppercase())
            && word.chars().count() >= 3
            && word.chars().all(char::is_alphabetic);
        let lower = word.to_lowercase();
        if !capitalised || NOT_LEVEL_WORDS.contains(&lower.as_str()) || is_mark_word(word).is_some()
        {
            continue;
        }
        if let Some(level) = described_level(rest) {
            found.push((lower, level));
        }
    }
    found
}

/// A cell's text with each legend word read as its level: "Core" → "Essential",
/// "Core / Additional" → "Essential / Desirable"; `None` when the cell holds anything else.
fn rewritten(text: &str, words: &[(String, Requirement)]) -> Option<String> {
    let parts: Vec<&str> = text.split('/').map(str::trim).collect();
    if parts.len() > 2 {
        return None;
    }
    let names: Option<Vec<&str>> = parts
        .iter()
        .map(|p| {
            let p = p.to_lowercase();
            words
                .iter()
                .find(|(w, _)| *w == p)
                .map(|(_, level)| match level {
                    Requirement::Essential => "Essential",
                    Requirement::Desirable => "Desirable",
                })
        })
        .collect();
    names.map(|n| n.join(" / "))
}

/// The blocks with the cells holding a legend's level words rewritten as the levels;
/// `None` when no legend defines a word for each level that the tables use.
pub fn apply(blocks: &[Block]) -> Option<Vec<Block>> {
    let mut words: Vec<(String, Requirement)> = Vec::new();
    for block in blocks {
        if let BlockKind::Paragraph(cell) = &block.kind {
            let text = cell.plain();
            if text.len() <= 600 {
                words.extend(definitions(&text));
            }
        }
        if words.len() > 4 * MAX_WORDS {
            words.sort();
            words.dedup();
            if words.len() > MAX_WORDS {
                return None;
            }
        }
    }
    // A legend defines a word a level; more than a few distinct words is no legend (and
    // keeps the rewrite below linear in the document).
    words.sort();
    words.dedup();
    if words.len() > MAX_WORDS {
        return None;
    }
    let defines = |level| words.iter().any(|(_, l)| *l == level);
    if !defines(Requirement::Essential) || !defines(Requirement::Desirable) {
        return None;
    }
    // Both levels' words must be used as cells: a legend, not guidance in passing.
    let mut used = [false; 2];
    for block in blocks {
        if let BlockKind::Row(cells) = &block.kind {
            for cell in cells {
                let text = cell.plain().to_lowercase();
                for (word, level) in &words {
                    if text == *word {
                        used[usize::from(*level == Requirement::Desirable)] = true;
                    }
                }
            }
        }
    }
    if used != [true, true] {
        return None;
    }
    let out = blocks
        .iter()
        .map(|block| match &block.kind {
            BlockKind::Row(cells) => {
                let cells: Vec<Cell> = cells
                    .iter()
                    .map(|cell| match rewritten(&cell.plain(), &words) {
                        Some(text) => text_cell(&text),
                        None => cell.clone(),
                    })
                    .collect();
                Block {
                    kind: BlockKind::Row(cells),
                    ..block.clone()
                }
            }
            _ => block.clone(),
        })
        .collect();
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::blocks::row_texts as rows;
    use crate::import::text;

    #[test]
    fn a_legend_defines_the_level_words_of_a_table() {
        let text = "How to read this table: <b>Core</b> – you must show this to be \
            shortlisted. <b>Additional</b> – not required, but we will use it to choose \
            between candidates who meet all the Core requirements.\n\n\
            Requirement\tLevel\tHow assessed\n\
            A degree in ecology\tCore\tApplication\n\
            Membership of CIEEM\tAdditional\tApplication\n";
        let out = apply(&text::blocks(text)).expect("a legend");
        assert_eq!(
            rows(&out),
            vec![
                vec!["Requirement", "Level", "How assessed"],
                vec!["A degree in ecology", "Essential", "Application"],
                vec!["Membership of CIEEM", "Desirable", "Application"],
            ]
        );
        // Stated as sentences, with the header naming both words.
        let text = "Core requirements are essential. Additional requirements are desirable \
            and will help us shortlist.\n\n\
            Criteria\tCore / Additional\tEvidence\n\
            GCSE English\tCore\tAF\n\
            CompTIA A+\tAdditional\tAF\n";
        let out = apply(&text::blocks(text)).expect("a legend");
        assert_eq!(
            rows(&out)[0],
            vec!["Criteria", "Essential / Desirable", "Evidence"]
        );
        assert_eq!(rows(&out)[2], vec!["CompTIA A+", "Desirable", "AF"]);
    }

    #[test]
    fn guidance_without_level_words_in_the_table_changes_nothing() {
        // The words are defined but no cell uses them.
        let text = "Core duties must be done daily. Additional duties are not essential.\n\n\
            Criteria\tE/D\nA degree\tE\n";
        assert!(apply(&text::blocks(text)).is_none());
        // The usual marks need no legend.
        let text = "Essential – you must meet these. Desirable – an advantage.\n\n\
            Criteria\tE/D\nA degree\tEssential\nA car\tDesirable\n";
        assert!(apply(&text::blocks(text)).is_none());
        // Many words "defined" is guidance, not a legend.
        let mut text = String::new();
        for word in [
            "Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf",
        ] {
            text.push_str(&format!("{word} – you must show this. "));
        }
        text.push_str("Kilo – an advantage.\n\nCriteria\tLevel\nA degree\tAlpha\nA car\tKilo\n");
        assert!(apply(&text::blocks(&text)).is_none());
    }
}
