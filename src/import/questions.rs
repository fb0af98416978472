//! Specifications written as questions to the candidate: each criterion is a question
//! ("Can you …?", "Do you have …?", as a heading or a bold line), then a paragraph
//! explaining it (not part of the criterion), a requirement label ("Must have", "Would be
//! an advantage", "Essential", or one after the question: "… ? – Desirable") and a line
//! saying how it is checked ("How we'll check: application form, interview").
//!
//! Read only when nothing else found a specification: the question, not its explanation,
//! is the criterion, and a question the other readers never see as one.

use super::blocks::{collapse, Block, BlockKind};
use super::conditions;
use super::criteria::kind_of;
use super::methods;
use super::roles::requirement_heading;
use super::{ImportedCriterion, ImportedSpec};
use crate::domain::{Method, Requirement};

/// Words a question to the candidate opens with.
const QUESTION_WORDS: &[&str] = &[
    "can", "could", "do", "does", "have", "has", "are", "is", "will", "would", "did", "were",
];

/// The longest question read as a criterion, in words; a longer one is prose.
const MAX_QUESTION_WORDS: usize = 40;

/// The fewest labelled questions that make a specification (one is an aside).
const MIN_QUESTIONS: usize = 2;

/// A question with what follows it.
struct Draft {
    question: String,
    category: Option<String>,
    requirement: Option<Requirement>,
    methods: Vec<Method>,
    /// The paragraphs explaining the question (not part of the criterion).
    explanation: String,
    line: usize,
}

fn text_of(block: &Block) -> String {
    match &block.kind {
        BlockKind::Heading(text) => collapse(text),
        BlockKind::Paragraph(cell) => cell.plain(),
        BlockKind::ListItem { text, .. } => collapse(text),
        BlockKind::Row(_) => String::new(),
    }
}

/// A question to the candidate, with the requirement label printed after it, if any:
/// "Do you drive? – Essential" → ("Do you drive?", Some(Essential)). Text after the
/// question mark that is no label makes it no criterion question.
fn question(text: &str) -> Option<(String, Option<Requirement>)> {
    let end = text.rfind('?')?;
    let asked = text[..=end].trim();
    let first = asked
        .split(|c: char| !c.is_alphanumeric())
        .next()?
        .to_lowercase();
    let count = asked.split_whitespace().count();
    if !QUESTION_WORDS.contains(&first.as_str()) || !(3..=MAX_QUESTION_WORDS).contains(&count) {
        return None;
    }
    let rest = text[end + 1..].trim_matches(|c: char| c.is_whitespace() || "–—-:()".contains(c));
    if rest.is_empty() {
        return Some((asked.to_string(), None));
    }
    let label = requirement_heading(rest)?;
    Some((asked.to_string(), Some(label)))
}

/// "How we'll check: interview", "We'll check this through: your application": a lead-in
/// about checking or assessing, then the methods in words.
fn method_line(text: &str) -> Option<Vec<Method>> {
    let (lead, rest) = text.split_once(':')?;
    let lead = lead.to_lowercase();
    if lead.split_whitespace().count() > 8
        || !["check", "assess", "test", "evidence"]
            .iter()
            .any(|w| lead.contains(w))
    {
        return None;
    }
    Some(methods::words(rest))
}

/// A short line that is only a requirement label ("Must have", "Would be an advantage").
fn label(text: &str) -> Option<Requirement> {
    if text.split_whitespace().count() > 6 {
        return None;
    }
    requirement_heading(text)
}

/// The specification a document of criterion questions holds, if it has at least
/// [`MIN_QUESTIONS`] questions each with a requirement label.
pub fn find(blocks: &[Block]) -> Option<ImportedSpec> {
    let texts: Vec<String> = blocks.iter().map(text_of).collect();
    let is_question = |i: usize| question(&texts[i]).is_some();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut open: Option<Draft> = None;
    // The blocks no criterion holds, read for conditions.
    let mut prose: Vec<usize> = Vec::new();
    let mut category: Option<(usize, String)> = None;
    for (i, block) in blocks.iter().enumerate() {
        let text = &texts[i];
        if let Some((asked, requirement)) = question(text) {
            drafts.extend(open.take());
            open = Some(Draft {
                question: asked,
                category: category.as_ref().map(|(_, c)| c.clone()),
                requirement,
                methods: Vec::new(),
                explanation: String::new(),
                line: block.line,
            });
            continue;
        }
        if let BlockKind::Heading(_) = block.kind {
            drafts.extend(open.take());
            // A heading directly over a question names the category of the questions under
            // it; another heading as high or higher ends that category.
            if i + 1 < blocks.len() && is_question(i + 1) {
                category = Some((block.level, text.clone()));
            } else if category
                .as_ref()
                .is_some_and(|(level, _)| block.level <= *level)
            {
                category = None;
            }
            continue;
        }
        if let Some(draft) = open.as_mut() {
            if draft.requirement.is_none() {
                if let Some(requirement) = label(text) {
                    draft.requirement = Some(requirement);
                    continue;
                }
            }
            if draft.methods.is_empty() {
                if let Some(found) = method_line(text) {
                    draft.methods = found;
                    continue;
                }
            }
            // The explanation under the question.
            draft.explanation.push(' ');
            draft.explanation.push_str(text);
            continue;
        }
        prose.push(i);
    }
    drafts.extend(open);
    drafts.retain(|d| d.requirement.is_some());
    if drafts.len() < MIN_QUESTIONS {
        return None;
    }
    let mut found_conditions: Vec<String> = Vec::new();
    // What a condition question's explanation adds ("You will drive our van"), read for
    // the settings only.
    let mut context: Vec<String> = Vec::new();
    let mut criteria = Vec::with_capacity(drafts.len());
    for draft in drafts {
        // A question about a licence or a check the post requires is a condition of
        // appointment; one it would only welcome stays a criterion.
        if draft.requirement == Some(Requirement::Essential)
            && conditions::kind(&draft.question).is_some()
        {
            context.push(format!("{}{}", draft.question, draft.explanation));
            found_conditions.push(draft.question);
            continue;
        }
        let stated = !draft.methods.is_empty();
        criteria.push(ImportedCriterion {
            category: draft
                .category
                .unwrap_or_else(|| kind_of(&draft.question).to_string()),
            requirement: draft.requirement.unwrap_or(Requirement::Essential),
            methods: if stated {
                methods::sort(draft.methods)
            } else {
                // The conventions: a criterion with no stated method is assessed from the
                // application form.
                vec![Method::Application]
            },
            alternative_group: None,
            line: draft.line,
            source: draft.question.chars().take(200).collect(),
            description: draft.question,
            confidence: if stated { 0.9 } else { 0.8 },
            methods_stated: stated,
        });
    }
    if criteria.is_empty() {
        return None;
    }
    for i in prose {
        for sentence in conditions::sentences(&texts[i]) {
            if conditions::sentence_is_condition(&sentence) && !found_conditions.contains(&sentence)
            {
                found_conditions.push(sentence);
            }
        }
    }
    let settings = conditions::settings(&[found_conditions.clone(), context].concat());
    Some(ImportedSpec {
        title: None,
        line: criteria[0].line,
        criteria,
        warnings: Vec::new(),
        conditions: found_conditions,
        settings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(level: usize, text: &str) -> Block {
        Block {
            line: 1,
            kind: BlockKind::Heading(text.into()),
            level,
        }
    }

    fn para(text: &str) -> Block {
        Block {
            line: 1,
            kind: BlockKind::Paragraph(super::super::blocks::Cell {
                items: vec![super::super::blocks::Item {
                    bullet: false,
                    depth: 0,
                    text: text.into(),
                }],
                emphasis: None,
            }),
            level: 0,
        }
    }

    #[test]
    fn a_question_may_carry_its_label_and_prose_is_no_question() {
        assert_eq!(
            question("Have you led a small team? – Desirable"),
            Some((
                "Have you led a small team?".to_string(),
                Some(Requirement::Desirable)
            ))
        );
        assert_eq!(
            question("Can you bake bread?"),
            Some(("Can you bake bread?".to_string(), None))
        );
        assert_eq!(question("Why join us?"), None);
        assert_eq!(question("Do you? Then read on and apply today"), None);
        assert_eq!(question("Can you swim"), None);
    }

    #[test]
    fn check_lines_give_methods() {
        assert_eq!(
            method_line("How it is assessed: written test and interview").map(methods::sort),
            Some(methods::sort(vec![Method::Interview, Method::Test]))
        );
        assert_eq!(method_line("Note: we are closed on Mondays"), None);
    }

    #[test]
    fn questions_with_labels_and_check_lines_make_a_specification() {
        let blocks = vec![
            heading(2, "What we look for"),
            heading(3, "Practical skills"),
            heading(4, "Can you repair a bicycle puncture?"),
            para("Most of our loan bikes come back with flat tyres."),
            para("Must have"),
            para("We'll check this through: a practical task"),
            heading(4, "Have you run a workshop stall?"),
            para("Would be an advantage"),
            para("We'll check this through: your application"),
            heading(4, "Do you hold a full driving licence?"),
            para("Must have"),
            heading(2, "Pay"),
            para("The post is subject to a basic DBS check."),
        ];
        let spec = find(&blocks).expect("a specification");
        let got: Vec<(&str, &str, Requirement, Vec<Method>)> = spec
            .criteria
            .iter()
            .map(|c| {
                (
                    c.description.as_str(),
                    c.category.as_str(),
                    c.requirement,
                    c.methods.clone(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Can you repair a bicycle puncture?",
                    "Practical skills",
                    Requirement::Essential,
                    vec![Method::Test]
                ),
                (
                    "Have you run a workshop stall?",
                    "Practical skills",
                    Requirement::Desirable,
                    vec![Method::Application]
                ),
            ]
        );
        assert_eq!(
            spec.conditions,
            vec![
                "Do you hold a full driving licence?".to_string(),
                "The post is subject to a basic DBS check.".to_string()
            ]
        );
    }

    #[test]
    fn a_licence_question_s_explanation_sets_how_much_driving() {
        let blocks = vec![
            para("Can you lift heavy boxes? – Essential"),
            para("Do you have a forklift ticket? – Desirable"),
            para("Do you hold a full driving licence? – Essential"),
            para("You will drive the depot's van between sites."),
        ];
        let spec = find(&blocks).expect("a specification");
        assert_eq!(spec.criteria.len(), 2);
        assert_eq!(
            spec.settings.driving_requirement.as_deref(),
            Some("required")
        );
    }

    #[test]
    fn unlabelled_questions_are_no_specification() {
        let blocks = vec![
            heading(2, "FAQ"),
            heading(3, "Can I apply by post?"),
            para("Yes, write to us."),
            heading(3, "Do you pay travel costs?"),
            para("We pay for interview travel."),
        ];
        assert!(find(&blocks).is_none());
    }
}
