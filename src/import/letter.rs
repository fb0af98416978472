//! A person specification inside a letter to applicants ("Dear Applicant, … To be
//! shortlisted, your letter must show that you have: • … It would also help if you have:
//! • … Yours sincerely"). No heading names the specification: a lead-in sentence ending in
//! a colon introduces each list and gives its level (what the candidate must show is
//! essential; what would also help or be welcome is desirable).
//!
//! The letter's lead-ins are rewritten as the headings they amount to: a "Person
//! specification" heading before the first, and an "Essential" or "Desirable" heading for
//! each, which the reading by meaning reads like any specification written as lists. The
//! letter's prose (duties, how the points are assessed, conditions) is left as it stands.
//! One pass over the blocks.

use super::blocks::{collapse, Block, BlockKind};
use super::methods;
use crate::domain::{Method, Requirement};

/// The most words in a lead-in sentence.
const MAX_LEAD_IN_WORDS: usize = 25;

/// Whether a paragraph opens a letter to applicants: "Dear Applicant,", "Dear Candidate".
fn salutation(text: &str) -> bool {
    let t = collapse(text).to_lowercase();
    let t = t.trim().trim_end_matches([',', ':', '.']).trim();
    t.starts_with("dear ") && t.split_whitespace().count() <= 4
}

/// Whether a paragraph closes the letter: "Yours sincerely,", "Yours faithfully".
fn valediction(text: &str) -> bool {
    let t = collapse(text).to_lowercase();
    let t = t.trim();
    (t.starts_with("yours ") || t.starts_with("kind regards") || t.starts_with("best wishes"))
        && t.split_whitespace().count() <= 3
}

/// The level a lead-in sentence gives the list after it: "…must show that you have:",
/// "The council will only shortlist candidates who can show:" (essential); "It would also
/// help your application if you have:", "The council would particularly welcome:"
/// (desirable). `None` for a sentence that is no lead-in.
fn lead_in(text: &str) -> Option<Requirement> {
    let t = collapse(text).to_lowercase().replace('’', "'");
    let t = t.trim();
    let words = t.split_whitespace().count();
    if !t.ends_with(':') || !(3..=MAX_LEAD_IN_WORDS).contains(&words) {
        return None;
    }
    let has = |w: &[&str]| w.iter().any(|p| t.contains(p));
    if has(&[
        "also help",
        "would help",
        "welcome",
        "desirable",
        "an advantage",
        "a bonus",
        "would like",
        "would be good",
        "would be great",
        "nice to have",
    ]) {
        Some(Requirement::Desirable)
    } else if has(&[
        "must",
        "shortlist",
        "need",
        "essential",
        "required",
        "expect",
    ]) {
        Some(Requirement::Essential)
    } else {
        None
    }
}

/// How the letter's prose says the points are assessed: the methods of a sentence about
/// every point ("We will look for every point above in your letter of application and
/// talk about each of them at interview"), and those of a sentence about the points a
/// symbol marks ("The points marked † will also be observed when you lead a story session").
#[derive(Default)]
struct Prose {
    every: Vec<Method>,
    marked: Vec<(char, Vec<Method>)>,
}

impl Prose {
    fn read(&mut self, text: &str) {
        for sentence in text.split_inclusive(". ") {
            let l = sentence.to_lowercase();
            let found = methods::words(&l);
            if found.is_empty() {
                continue;
            }
            if l.contains("marked") {
                if let Some(mark) = sentence
                    .chars()
                    .find(|c| matches!(c, '†' | '‡' | '*' | '§'))
                {
                    self.marked.push((mark, found));
                    continue;
                }
            }
            if [
                "every point",
                "each point",
                "all the points",
                "every one of",
                "each of the points",
            ]
            .iter()
            .any(|p| l.contains(p))
            {
                self.every.extend(found);
            }
        }
    }

    /// An item's text with its methods in a closing bracket the reading takes, less the
    /// marks and remarks that gave them ("… play †", "… (we will test this with a short
    /// exercise)").
    fn mark(&self, text: &str) -> String {
        let mut text = collapse(text);
        let mut found = self.every.clone();
        for (mark, methods) in &self.marked {
            if text.ends_with(*mark) {
                text = text.trim_end_matches(*mark).trim_end().to_string();
                found.extend(methods.iter().copied());
            }
        }
        // A closing remark saying how this point is tested.
        if let Some(open) = text.rfind('(').filter(|_| text.ends_with(')')) {
            let remark = text[open + 1..text.len() - 1].to_lowercase();
            let named = methods::words(&remark);
            let says = remark.starts_with("we will") || remark.starts_with("we'll");
            if says && !named.is_empty() {
                found.extend(named);
                text = text[..open].trim_end().to_string();
            }
        }
        if found.is_empty() {
            return text;
        }
        let names: Vec<&str> = methods::sort(found)
            .iter()
            .map(|m| match m {
                Method::Application => "application",
                Method::Interview => "interview",
                Method::Test => "test",
                Method::Presentation => "presentation",
                Method::Documents => "certificates",
            })
            .collect();
        format!("{text} [assessed: {}]", names.join(", "))
    }
}

/// The letter's lead-ins rewritten as headings; `None` when the document has no letter
/// with lists introduced this way.
pub fn apply(blocks: &[Block]) -> Option<Vec<Block>> {
    // How the letters' prose says the points are assessed (one pass).
    let mut prose = Prose::default();
    let mut in_letter = false;
    for block in blocks {
        match &block.kind {
            BlockKind::Heading(_) => in_letter = false,
            BlockKind::Paragraph(cell) => {
                let text = cell.plain();
                if salutation(&text) {
                    in_letter = true;
                } else if valediction(&text) {
                    in_letter = false;
                } else if in_letter && text.len() <= 2_000 {
                    prose.read(&text);
                }
            }
            _ => {}
        }
    }
    let mut in_list = false;
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len() + 2);
    let mut heading_level = 1;
    let mut in_letter = false;
    let mut started = false;
    for (i, block) in blocks.iter().enumerate() {
        match &block.kind {
            BlockKind::Heading(_) => {
                heading_level = block.level.max(1);
                in_letter = false;
            }
            BlockKind::Paragraph(cell) => {
                let text = cell.plain();
                if salutation(&text) {
                    in_letter = true;
                } else if valediction(&text) {
                    in_letter = false;
                } else if in_letter {
                    let list_follows = matches!(
                        blocks.get(i + 1).map(|b| &b.kind),
                        Some(BlockKind::ListItem { .. })
                    );
                    if let Some(level) = lead_in(&text).filter(|_| list_follows) {
                        let spec_level = (heading_level + 1).min(6);
                        if !started {
                            out.push(heading(block.line, "Person specification", spec_level));
                            started = true;
                        }
                        let name = match level {
                            Requirement::Essential => "Essential",
                            Requirement::Desirable => "Desirable",
                        };
                        out.push(heading(block.line, name, (spec_level + 1).min(7)));
                        in_list = true;
                        continue;
                    }
                }
            }
            BlockKind::ListItem { depth, text } if in_letter && in_list => {
                out.push(Block {
                    line: block.line,
                    kind: BlockKind::ListItem {
                        depth: *depth,
                        text: prose.mark(text),
                    },
                    level: 0,
                });
                continue;
            }
            _ => {}
        }
        if !matches!(block.kind, BlockKind::ListItem { .. }) {
            in_list = false;
        }
        out.push(block.clone());
    }
    started.then_some(out)
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

    #[test]
    fn lead_ins_give_the_level_of_their_list() {
        assert_eq!(
            lead_in("To be shortlisted, your letter of application must show that you have:"),
            Some(Requirement::Essential)
        );
        assert_eq!(
            lead_in("The council will only shortlist candidates who can show:"),
            Some(Requirement::Essential)
        );
        assert_eq!(
            lead_in("It would also help your application if you have:"),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            lead_in("The council would particularly welcome:"),
            Some(Requirement::Desirable)
        );
        assert_eq!(lead_in("In the Nursery you would:"), None);
        assert_eq!(lead_in("You must have a licence."), None);
    }

    #[test]
    fn a_letter_opens_and_closes() {
        assert!(salutation("Dear Applicant,"));
        assert!(!salutation(
            "Dear applicants, thank you for your interest in the post and our school"
        ));
        assert!(valediction("Yours sincerely,"));
        assert!(!valediction("Yours is the first application"));
    }
}
