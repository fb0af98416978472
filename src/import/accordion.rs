//! Criteria as careers sites print them in collapsible panels (an "accordion"): each panel's
//! title is a category, often with a count badge after it ("Experience 4 items"); each
//! criterion is the text, its requirement as a tag ("Essential", a styled label with no
//! punctuation before it) and, on a line of its own, how it is assessed ("How we'll assess
//! this: Application, Interview"). Rendered to text the three run into one item:
//! "Degree in a relevant subject Essential⏎How we'll assess this: Application".

use super::blocks::BREAK;
use super::methods;
use crate::domain::{Method, Requirement};

/// The most words after an assessment line's label (a list of methods).
const MAX_METHOD_WORDS: usize = 12;
/// How far from the end of an item its assessment line is looked for (label and methods).
const MAX_LINE_BYTES: usize = 300;
/// The characters of a line read for its label (the longest label and a little more).
const LABEL_CHARS: usize = 32;

/// Labels opening a line that says how the criterion above it is assessed.
const ASSESSMENT_LABELS: &[&str] = &[
    "how we'll assess this",
    "how we will assess this",
    "how we'll assess it",
    "how we will assess it",
    "how this will be assessed",
    "how it will be assessed",
    "how it's assessed",
    "how assessed",
    "assessed by",
    "assessed through",
    "assessment method",
    "method of assessment",
];

/// The assessment line closing an item and the tag before it: where the criterion's own
/// text ends, its requirement (when tagged) and the methods the line names (none for a
/// check that is no selection method, "Pre-employment check"). `None` unless the item
/// ends with such a line: on a line of its own, or run into the text after a tag (the
/// line break lost in conversion: "… Essential How we'll assess this: Interview").
pub fn tagged(text: &str) -> Option<(usize, Option<Requirement>, Vec<Method>)> {
    let (start, found, own_line) = match text.rsplit_once(BREAK) {
        Some((before, line)) if assessment_line(line).is_some() => {
            (before.len(), assessment_line(line)?, true)
        }
        _ => run_in_line(text)?,
    };
    let before = text[..start].trim_end();
    let tagged = before
        .rsplit_once(' ')
        .filter(|(head, _)| head.split_whitespace().count() >= 2)
        .and_then(|(head, last)| Some((head.trim_end().len(), tag(last)?)));
    match tagged {
        Some((end, req)) => Some((end, Some(req), found)),
        None if own_line => Some((before.len(), None, found)),
        None => None,
    }
}

/// An assessment line run into the end of the text, opening with a capital ("… How we'll
/// assess this: Interview"): where it starts and its methods.
fn run_in_line(text: &str) -> Option<(usize, Vec<Method>, bool)> {
    let mut from = text.len().saturating_sub(MAX_LINE_BYTES);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    text[from..]
        .match_indices(' ')
        .map(|(at, _)| from + at + 1)
        .filter(|&at| text[at..].starts_with(char::is_uppercase))
        .find_map(|at| Some((at - 1, assessment_line(&text[at..])?, false)))
}

/// The methods of "How we'll assess this: Application, Interview"; `None` for any other
/// line.
fn assessment_line(line: &str) -> Option<Vec<Method>> {
    let line = line.trim();
    // The label is read from the line's first words only (a long line is no such line).
    let head: String = line
        .chars()
        .take(LABEL_CHARS)
        .collect::<String>()
        .to_lowercase()
        .replace('’', "'");
    let label = ASSESSMENT_LABELS.iter().find(|l| head.starts_with(*l))?;
    // The label is ASCII but its apostrophe may have been typographic: skip as many chars.
    let at = line.char_indices().nth(label.chars().count())?.0;
    let rest = line[at..].trim_start().strip_prefix(':')?;
    let words = rest.split_whitespace().take(MAX_METHOD_WORDS + 1).count();
    if words == 0 || words > MAX_METHOD_WORDS {
        return None;
    }
    Some(methods::words(rest))
}

/// A requirement tag: the word capitalised as a label ("Essential", "DESIRABLE"), not the
/// word closing a sentence ("… is essential").
fn tag(word: &str) -> Option<Requirement> {
    if !word.starts_with(char::is_uppercase) {
        return None;
    }
    match word.to_lowercase().as_str() {
        "essential" => Some(Requirement::Essential),
        "desirable" => Some(Requirement::Desirable),
        _ => None,
    }
}

/// A panel title less its count badge: "Experience 4 items", "Skills (3 criteria)" →
/// "Experience", "Skills". A count of criteria or requirements only in brackets, as
/// "Level 3 criteria" names a level.
pub fn without_count(title: &str) -> &str {
    let t = title.trim_end();
    let inner = t.strip_suffix(')').unwrap_or(t);
    let bracketed = inner.len() < t.len();
    let Some((head, noun)) = inner.rsplit_once(' ') else {
        return title;
    };
    let noun = noun.to_lowercase();
    let items = matches!(noun.as_str(), "item" | "items");
    let criteria = matches!(
        noun.as_str(),
        "criterion" | "criteria" | "requirement" | "requirements"
    );
    if !(items || criteria && bracketed) {
        return title;
    }
    let Some((name, count)) = head.trim_end().rsplit_once([' ', '(']) else {
        return title;
    };
    let name = name
        .trim_end()
        .trim_end_matches(['–', '-', '·', '|'])
        .trim_end();
    let counted = (1..=3).contains(&count.len()) && count.chars().all(|c| c.is_ascii_digit());
    let opened = head[..head.len() - count.len()].ends_with('(');
    if counted && bracketed == opened && name.chars().any(char::is_alphabetic) {
        name
    } else {
        title
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_and_an_assessment_line_close_the_criterion() {
        let text = format!(
            "Degree, or equivalent experience Essential{BREAK}How we'll assess this: Application, Interview"
        );
        let (end, req, found) = tagged(&text).expect("a tagged item");
        assert_eq!(&text[..end], "Degree, or equivalent experience");
        assert_eq!(req, Some(Requirement::Essential));
        assert_eq!(found, vec![Method::Application, Method::Interview]);
        // A check that is no selection method: no methods, the line still comes off.
        let text = format!(
            "Right to work in the UK Essential{BREAK}How we’ll assess this: Pre-employment check"
        );
        let (end, req, found) = tagged(&text).expect("a tagged item");
        assert_eq!(&text[..end], "Right to work in the UK");
        assert_eq!(req, Some(Requirement::Essential));
        assert!(found.is_empty());
        // Untagged: the text is kept whole, the methods read.
        let text = format!("A flexible approach is essential{BREAK}Assessed by: interview");
        let (end, req, found) = tagged(&text).expect("an assessed item");
        assert_eq!(&text[..end], "A flexible approach is essential");
        assert_eq!(req, None);
        assert_eq!(found, vec![Method::Interview]);
        // Run into the text (its line break lost): only after a tag.
        let text = "Degree in a science Desirable How we'll assess this: Certificate";
        let (end, req, found) = tagged(text).expect("a run-in line");
        assert_eq!(&text[..end], "Degree in a science");
        assert_eq!(req, Some(Requirement::Desirable));
        assert_eq!(found, vec![Method::Documents]);
        assert_eq!(
            tagged("Good at maths. How we'll assess this: Interview"),
            None
        );
        // No assessment line: nothing to take.
        assert_eq!(
            tagged(&format!("Degree Essential{BREAK}Including maths")),
            None
        );
        assert_eq!(tagged("Degree Essential"), None);
        assert_eq!(
            tagged(&format!(
                "Degree Essential{BREAK}How we'll assess this depends on the role"
            )),
            None
        );
    }

    #[test]
    fn an_accordion_page_reads_panels_as_categories_and_tags_as_marks() {
        let page = "<h2>Person specification</h2>\
            <details open><summary><span>Experience</span> <span>2 items</span></summary><ul>\
            <li><span>Experience of running committees</span> <span class=tag>Essential</span>\
            <br><span>How we'll assess this: Application, Interview</span></li>\
            <li><span>Experience of the NHS</span> <span class=tag>Desirable</span>\
            <br><span>How we'll assess this: Interview</span></li></ul></details>\
            <details><summary><span>Skills</span> <span>1 item</span></summary><ul>\
            <li><span>Clear written English</span> <span class=tag>Essential</span>\
            <br><span>How we'll assess this: Written exercise</span></li></ul></details>";
        let specs = crate::import::import(crate::import::Format::Html, page.as_bytes())
            .expect("a specification");
        let read: Vec<(&str, &str, Requirement, &[Method])> = specs[0]
            .criteria
            .iter()
            .map(|c| {
                (
                    c.category.as_str(),
                    c.description.as_str(),
                    c.requirement,
                    c.methods.as_slice(),
                )
            })
            .collect();
        assert_eq!(
            read,
            vec![
                (
                    "Experience",
                    "Experience of running committees",
                    Requirement::Essential,
                    &[Method::Application, Method::Interview][..]
                ),
                (
                    "Experience",
                    "Experience of the NHS",
                    Requirement::Desirable,
                    &[Method::Interview][..]
                ),
                (
                    "Skills",
                    "Clear written English",
                    Requirement::Essential,
                    &[Method::Test][..]
                ),
            ]
        );
    }

    #[test]
    fn long_and_hostile_items_are_read_in_linear_time() {
        // Capitals after every space and the label again and again: only the item's end
        // is looked at, and each place only for its first words.
        let n = 200_000;
        let text = format!("{}Essential", "Essential How we'll assess this: ".repeat(n));
        let started = std::time::Instant::now();
        // The last repetition reads as an assessment line naming no method.
        assert!(tagged(&text).is_some_and(|(_, _, found)| found.is_empty()));
        let text = format!("Degree {}", "A ".repeat(n));
        assert_eq!(tagged(&text), None);
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn a_count_badge_is_no_part_of_the_category() {
        assert_eq!(without_count("Qualifications 3 items"), "Qualifications");
        assert_eq!(
            without_count("Skills and abilities (4 criteria)"),
            "Skills and abilities"
        );
        assert_eq!(
            without_count("Other requirements 1 item"),
            "Other requirements"
        );
        assert_eq!(without_count("Experience · 12 items"), "Experience");
        // Anything else is kept.
        for title in [
            "Experience",
            "Key items",
            "Level 3 criteria",
            "3 items",
            "Skills 2024 items)",
            "Skills (1234 items)",
        ] {
            assert_eq!(without_count(title), title, "{title}");
        }
    }
}
