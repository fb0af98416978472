//! A specification written as plain paragraphs: a council's web page that puts each
//! criterion in a paragraph of its own under a category sub-heading ("What we are looking
//! for" over "### Qualifications", "Educated to Level 3", "### Experience", …), with no
//! bullets, marks or table. A reader takes each short paragraph under a category as one
//! criterion, as it would a list item.
//!
//! The text form of such a section is rewritten so its paragraphs read as list items.
//! Only a section that holds nothing but headings and short paragraphs is rewritten: a
//! start heading ("Person specification", "What we are looking for"), at least
//! [`MIN_CATEGORIES`] sub-headings below it each over at least one paragraph, every
//! paragraph under a sub-heading at most [`MAX_WORDS`] words, three in four of them
//! phrases without a closing stop, and no list item, table row, markup list or
//! emphasised label ("**Essential**") or labelled record ("Requirement: …") anywhere in the section. Paragraphs before the first sub-heading
//! (the section's introduction) stay as printed. Linear in the text.

use std::borrow::Cow;

use super::roles::{is_start, requirement_heading};
use super::text::heading;

/// How many category sub-headings the section must have.
const MIN_CATEGORIES: usize = 2;

/// The most words in a paragraph read as one criterion: longer is prose.
const MAX_WORDS: usize = 40;

/// Whether a line is a list item, a table row or holds a markup list or table: such a
/// section is laid out already.
fn laid_out(line: &str) -> bool {
    let t = line.trim_start();
    // A paragraph wholly in emphasis is a label ("**Essential**", "*Assessed by: …*"): the
    // section has a layout of its own.
    let emphasised = t.len() > 2 && (t.starts_with('*') || t.starts_with('_'));
    // "Requirement: … Essential/Desirable: …": a labelled record, read as such.
    let labelled = t
        .split_once(':')
        .is_some_and(|(label, _)| (1..=3).contains(&label.split_whitespace().count()));
    emphasised
        || labelled
        || t.starts_with('|')
        || requirement_heading(t).is_some()
        || t.starts_with("- ")
        || t.starts_with("* ")
        || t.starts_with('•')
        || t.starts_with(|c: char| c.is_ascii_digit())
            && t.split_once(['.', ')'])
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
        || line.contains('\t')
        || ["<li", "<table", "<tr", "<td"]
            .iter()
            .any(|tag| line.to_lowercase().contains(tag))
}

/// The text with the paragraphs of a paragraph-only specification section as list
/// items; unchanged unless a section is one (see the module's description).
pub fn listed(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.lines().collect();
    let Some((start, level)) = lines.iter().enumerate().find_map(|(i, line)| {
        let (level, title) = heading(line)?;
        (is_start(title) && requirement_heading(title).is_none()).then_some((i, level))
    }) else {
        return Cow::Borrowed(text);
    };
    let end = (start + 1..lines.len())
        .find(|&i| heading(lines[i]).is_some_and(|(l, _)| l <= level))
        .unwrap_or(lines.len());
    let section = &lines[start + 1..end];
    if section.iter().any(|l| laid_out(l)) {
        return Cow::Borrowed(text);
    }
    // Per sub-heading, its paragraphs' line indices.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (offset, line) in section.iter().enumerate() {
        let i = start + 1 + offset;
        if heading(line).is_some() {
            groups.push(Vec::new());
        } else if !line.trim().is_empty() {
            if let Some(group) = groups.last_mut() {
                group.push(i);
            }
        }
    }
    let paragraphs: Vec<usize> = groups.iter().flatten().copied().collect();
    let short = |i: &usize| {
        let t = lines[*i].trim();
        t.split_whitespace().count() <= MAX_WORDS && !t.ends_with(':')
    };
    // A criterion is a phrase, not a sentence: most of the paragraphs end without a stop
    // (a closing "Other requirements" sentence about the DBS check may have one).
    let phrases = paragraphs
        .iter()
        .filter(|&&i| !lines[i].trim_end().ends_with(['.', '!', '?']))
        .count();
    if groups.len() < MIN_CATEGORIES
        || groups.iter().any(Vec::is_empty)
        || !paragraphs.iter().all(short)
        || phrases * 4 < paragraphs.len() * 3
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 2 * paragraphs.len());
    for (i, line) in lines.iter().enumerate() {
        if paragraphs.binary_search(&i).is_ok() {
            out.push_str("- ");
            out.push_str(line.trim());
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# Road Safety Officer\n\n## What we are looking for\n\nYou must meet all of the requirements below.\n\n### Qualifications\n\nEducated to Level 3\n\n### Experience\n\nExperience of training groups\n\nExperience of working with children\n\n## About us\n\nWe serve the county.\n";

    #[test]
    fn paragraphs_under_category_headings_become_items() {
        let out = listed(PAGE);
        assert!(out.contains("### Qualifications\n\n- Educated to Level 3\n"));
        assert!(out.contains("- Experience of training groups\n\n- Experience of working"));
        // The introduction and what follows the section stay as printed.
        assert!(out.contains("\nYou must meet all of the requirements below.\n"));
        assert!(out.contains("\nWe serve the county.\n"));
    }

    #[test]
    fn a_section_laid_out_already_or_of_prose_stays() {
        let listed_already = PAGE.replace("Educated to Level 3", "- Educated to Level 3");
        assert_eq!(listed(&listed_already), listed_already);
        let tabled = PAGE.replace("Educated to Level 3", "Educated to Level 3\tE");
        assert_eq!(listed(&tabled), tabled);
        // Sentences are prose about the area, not criteria.
        let sentences = PAGE
            .replace("Level 3\n", "Level 3.\n")
            .replace("groups\n", "groups.\n")
            .replace("children\n", "children.\n");
        assert_eq!(listed(&sentences), sentences);
        let record = PAGE.replace("Educated to Level 3", "Requirement: Educated to Level 3");
        assert_eq!(listed(&record), record);
        let labelled = PAGE.replace("### Experience\n", "### Experience\n\n**Essential**\n");
        assert_eq!(listed(&labelled), labelled);
        let long = "word ".repeat(45);
        let prose = PAGE.replace("Experience of training groups", long.trim());
        assert_eq!(listed(&prose), prose);
        // One sub-heading is not a specification by category.
        let one = "## Person specification\n\n### Experience\n\nExperience of training\n";
        assert_eq!(listed(one), one);
        // No start heading.
        let none = "## About the job\n\n### Duties\n\nDeliver training\n\n### Hours\n\n37 hours\n";
        assert_eq!(listed(none), none);
    }
}
