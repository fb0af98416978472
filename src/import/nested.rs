//! Categories written as the top level of one two-level bullet list: "• Experience" with
//! "o Experience of … – essential [assessed: interview]" under it. Each second-level
//! bullet is a criterion (it carries its own requirement mark); the bullet over them names
//! their category and is no criterion. Without this a sub-list reads as the points of one
//! criterion ("Experience of working with: – adults – children").
//!
//! A bullet is a category when it is a short title with no mark of its own and every bullet
//! straight under it carries a requirement mark; two such bullets are needed, as a lone one
//! may still be a criterion with marked parts. One pass, each bullet looking at most
//! [`MAX_UNDER`] bullets ahead: linear in the document.

use std::collections::HashMap;

use super::blocks::{collapse, Block, BlockKind};

/// The most bullets one category may hold (a real one has under 15); a bullet with more
/// under it is not read as a category.
const MAX_UNDER: usize = 60;
/// The most words of a category title ("Competency and Values Framework (CVF)").
const MAX_TITLE_WORDS: usize = 8;

/// What a bullet's text states of its own: a requirement, and how it is assessed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Marks {
    pub requirement: bool,
    pub methods: bool,
}

/// The list items that name the category of the bullets under them, each with the depth
/// of those bullets. Empty unless there are two or more. `marks` reads a bullet's text.
pub fn category_items(blocks: &[Block], marks: impl Fn(&str) -> Marks) -> HashMap<usize, usize> {
    let mut found = HashMap::new();
    for (index, block) in blocks.iter().enumerate() {
        let BlockKind::ListItem { depth, text } = &block.kind else {
            continue;
        };
        if !is_title(text) || marks(text) != Marks::default() {
            continue;
        }
        // The bullets under it: those after it deeper than it, up to the next that is not.
        let under: Vec<(usize, &str)> = blocks[index + 1..]
            .iter()
            .take(MAX_UNDER + 1)
            .map_while(|b| match &b.kind {
                BlockKind::ListItem { depth: d, text } if d > depth => Some((*d, text.as_str())),
                _ => None,
            })
            .collect();
        if under.is_empty() || under.len() > MAX_UNDER {
            continue;
        }
        let Some(top) = under.iter().map(|(d, _)| *d).min() else {
            continue;
        };
        if under
            .iter()
            .filter(|(d, _)| *d == top)
            .all(|(_, text)| marks(text).requirement)
        {
            found.insert(index, top);
        }
    }
    if found.len() < 2 {
        found.clear();
    }
    found
}

/// A short title: a capital first, a few words, no sentence or lead-in ending.
fn is_title(text: &str) -> bool {
    let t = collapse(text);
    let t = t.trim();
    t.chars().next().is_some_and(char::is_uppercase)
        && t.split_whitespace().count() <= MAX_TITLE_WORDS
        && !t.ends_with(['.', ':', ';', ','])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Requirement;
    use crate::import::text;

    fn item_marks(text: &str) -> Marks {
        let l = text.to_lowercase();
        Marks {
            requirement: l.contains("– essential") || l.contains("– desirable"),
            methods: l.contains("[assessed"),
        }
    }

    #[test]
    fn top_bullets_over_marked_bullets_are_categories() {
        let doc = "- Qualifications\n  - Degree – essential [assessed: application]\n\
                   - Experience\n  - Experience of audits – essential\n    - of councils\n\
                   \x20 - Experience of teams – desirable\n";
        let blocks = text::blocks(doc);
        let found = category_items(&blocks, item_marks);
        assert_eq!(found.len(), 2);
        assert_eq!(found.get(&0), Some(&1));
        assert_eq!(found.get(&2), Some(&1));
        // One such bullet alone may be a criterion with marked parts.
        let one = text::blocks("- Qualifications\n  - Degree – essential\n- Driving – essential\n");
        assert!(category_items(&one, item_marks).is_empty());
        // A lead-in, a sentence, or an unmarked sub-bullet: no category.
        for doc in [
            "- Experience of:\n  - audits – essential\n- Skills\n  - IT – essential\n",
            "- Experience with people.\n  - a – essential\n- Skills\n  - IT – essential\n",
            "- Experience\n  - audits\n- Skills\n  - IT – essential\n",
        ] {
            assert_eq!(
                category_items(&text::blocks(doc), item_marks).len(),
                0,
                "{doc}"
            );
        }
    }

    #[test]
    fn the_criteria_take_the_bullet_over_them_as_their_category() {
        let doc = "## Person specification\n\n\
                   - Qualifications\n  - Degree or equivalent – essential [assessed: application form]\n\
                   \x20 - Level 2 Certificate in Customer Service – desirable [assessed: application form]\n\
                   - Experience\n  - Experience of working with older people – essential [assessed: application form, interview]\n";
        let spec = crate::import::roles::find(&text::blocks(doc)).expect("a specification");
        let read: Vec<(&str, &str, Requirement, usize)> = spec
            .criteria
            .iter()
            .map(|c| {
                (
                    c.category.as_str(),
                    c.description.as_str(),
                    c.requirement,
                    c.methods.len(),
                )
            })
            .collect();
        assert_eq!(
            read,
            vec![
                (
                    "Qualifications",
                    "Degree or equivalent",
                    Requirement::Essential,
                    1
                ),
                (
                    "Qualifications",
                    "Level 2 Certificate in Customer Service",
                    Requirement::Desirable,
                    1
                ),
                (
                    "Experience",
                    "Experience of working with older people",
                    Requirement::Essential,
                    2
                ),
            ]
        );
    }

    #[test]
    fn a_long_chain_of_bullets_is_read_in_linear_time() {
        let doc: String = (0..20_000)
            .map(|i| format!("{}- Skills\n", "  ".repeat(i % 300)))
            .collect();
        assert!(category_items(&text::blocks(&doc), item_marks).is_empty());
    }
}
