//! The person specification read by meaning, whatever the template: the specification
//! region is found by its headings; table columns and lists are given roles (criterion,
//! category, essential, desirable, requirement mark, method, notes) from their header words
//! and contents; requirement levels come from columns, ticks, headings, row headers and
//! inline marks; methods from method columns, codes (defined by the document's key line),
//! stage headings and selection-process prose. Eligibility conditions are set apart.

use std::collections::HashSet;

use super::blocks::{collapse, Block, BlockKind, Cell};
use super::conditions;
use super::criteria::{kind_of, strip_enumerator};
use super::methods::{self, Codes};
use super::{ImportWarning, ImportedCriterion, ImportedSpec};
use crate::domain::{Method, Requirement};

/// The most criteria one specification may hold (as for the seed recognisers).
const MAX_CRITERIA: usize = 2_000;
/// Criteria at or below this confidence are listed in the warnings.
pub const LOW_CONFIDENCE: f64 = 0.6;

#[derive(Debug, Clone)]
struct Cand {
    line: usize,
    source: String,
    category: Option<String>,
    /// The section heading the criterion sits under (lower case).
    group: String,
    description: String,
    requirement: Option<Requirement>,
    methods: Vec<Method>,
    /// Methods came from the criterion's own row, codes or stage (not from prose).
    coded: bool,
    /// Methods came from a lead-in sentence or prose.
    prose: bool,
    /// Methods came from the stage heading over it ("Part B: Your statement"), which a
    /// sentence on how each level is assessed may add to.
    staged: bool,
}

#[derive(Default)]
struct Ctx {
    category: Option<String>,
    group: String,
    requirement: Option<Requirement>,
    /// The requirement was set by a line in capitals ("ESSENTIAL CRITERIA"), which in a
    /// plain-text pack ranks above the underlined headings under it ("Experience" /
    /// "----------"): those divide the level, not end it.
    requirement_in_capitals: bool,
    /// The markup level of the heading that set the requirement ("### Desirable"), 0 when
    /// no heading set it: a deeper heading under it ("#### Experience") is its category.
    requirement_heading_level: usize,
    /// Items came straight under the requirement heading (a flat list): the next heading
    /// ends its scope. (Sub-headings before any item divide it instead.)
    flat: bool,
    /// Items have been read since the last heading.
    items: bool,
    stage: Option<Vec<Method>>,
    /// The methods a category heading states for its own criteria ("Knowledge and skills
    /// (assessed at interview)"); reset by the next heading.
    heading_methods: Option<Vec<Method>>,
    intro: Option<Vec<Method>>,
    /// Index of the first criterion under the last heading that is not a requirement
    /// heading: the area a trailing "How we'll assess this: …" covers.
    area_start: usize,
    /// The level of the heading that named the category (`###` = 3), 0 when not a
    /// heading: a requirement heading below it (`#### Essential criteria`) keeps it.
    category_level: usize,
    /// A competency's level line was read: the bullets after it are its behavioural
    /// indicators, not criteria.
    indicators: bool,
    /// Under a screening-questions heading: the next heading ends its requirement and
    /// method.
    screening: bool,
}

impl Ctx {
    /// Opens the section of screening questions under `heading`: each an essential
    /// criterion assessed on the application, in the heading's category.
    fn screening_section(&mut self, heading: &str, level: usize) {
        self.screening = true;
        self.stage = Some(vec![Method::Application]);
        self.requirement = Some(Requirement::Essential);
        self.category = Some(category_name(heading));
        self.category_level = level;
    }
}

/// The methods of an area statement: "How we'll assess this: your application form and
/// the interview", "How this will be assessed: at interview". "On the interview day" says
/// when, not how.
fn area_methods(text: &str) -> Option<Vec<Method>> {
    let l = lower(text);
    let l = l.trim();
    let statement = [
        "how we'll assess",
        "how we will assess",
        "how we assess",
        "how this will be assessed",
        "how it will be assessed",
        "how you'll be assessed",
        "how you will be assessed",
        // "Assessed by: application form and interview." under a category's heading.
        "assessed by:",
        "assessed through:",
        "how assessed:",
    ]
    .iter()
    .any(|p| l.starts_with(p));
    if !statement || words_count(l) > 40 {
        return None;
    }
    // Clauses with methods of their own ("… for qualifications, experience and skills;
    // certificates for the qualifications") say which criteria each covers: read as a
    // method sentence, not one statement for the whole area.
    if l.split(';')
        .filter(|c| !methods::words(c).is_empty())
        .count()
        >= 2
    {
        return None;
    }
    let found = methods::words(&l.replace("interview day", "day"));
    (!found.is_empty()).then_some(found)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Role {
    Criterion,
    Category,
    Essential,
    Desirable,
    Mark,
    Method,
    Number,
    Notes,
    Unknown,
}

fn lower(text: &str) -> String {
    text.to_lowercase().replace('’', "'")
}

fn words_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// The text of a block on one line.
fn block_text(block: &Block) -> String {
    match &block.kind {
        BlockKind::Heading(text) => collapse(text),
        BlockKind::Paragraph(cell) => cell.plain(),
        BlockKind::ListItem { text, .. } => collapse(text),
        BlockKind::Row(cells) => cells.iter().map(Cell::plain).collect::<Vec<_>>().join(" "),
    }
}

/// 2 for a section heading (a heading, or a line in capitals), 1 for a sub-heading (a
/// bold line, or a short line opening a list), 0 for anything else.
fn heading_level(blocks: &[Block], index: usize) -> usize {
    let block = &blocks[index];
    match &block.kind {
        BlockKind::Heading(text) => {
            if collapse(text).is_empty() {
                0
            } else {
                2
            }
        }
        BlockKind::Paragraph(cell) => {
            let text = cell.plain();
            // "— OR —" between two routes joins them; it heads nothing.
            let joiner = lower(&text);
            if matches!(
                joiner.trim_matches(|c: char| !c.is_alphanumeric()),
                "or" | "either" | "and/or"
            ) {
                return 0;
            }
            // A level's label with an aside before its colon heads the list after it,
            // however long the aside: "Helpful extras (we will use these only if …):".
            if text.trim_end().ends_with("):")
                && cell.items.len() == 1
                && !cell.items[0].bullet
                && requirement_heading(&text).is_some()
                && index + 1 < blocks.len()
            {
                return 1;
            }
            // A bold "How we'll assess this: interview" says how an area is assessed.
            if text.is_empty()
                || area_methods(&text).is_some()
                || cell.items.len() > 1
                // A stage line may run to ten words: "Part A – What we look for in your
                // application".
                || words_count(&text) > 9 && stage_heading(&text).is_none()
                || text.ends_with(['.', ',', ';'])
                || cell.items.first().is_some_and(|item| item.bullet)
            {
                return 0;
            }
            // "Essential:" alone on its line heads the list after it; so does a line of
            // requirement words alone ("Minimum requirements", "Additional (preferred)
            // requirements"), as a PDF's headings come without their type size.
            // "It would be great if you have:" leads in its list the same way.
            if (text.ends_with(':') && words_count(&text) <= 8 || words_count(&text) <= 5)
                && requirement_heading(&text).is_some()
                && index + 1 < blocks.len()
            {
                return 1;
            }
            let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
            if letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase()) {
                return 2;
            }
            // A bold title, perhaps with how it is assessed after it in brackets.
            let title = titled_methods(&text).map_or_else(|| text.clone(), |(t, _)| t);
            let bold = cell.emphasis.as_deref().is_some_and(|e| {
                let e = collapse(e);
                let e = e.trim_end_matches(':');
                e == text.trim_end_matches(':') || e == title
            });
            if bold {
                return 1;
            }
            // A short line opening a list or a table names what follows (perhaps through
            // a lead-in: "Behaviours" / "We will assess you against these behaviours:").
            let opens = |at: usize| {
                matches!(
                    blocks.get(at).map(|b| &b.kind),
                    Some(BlockKind::ListItem { .. }) | Some(BlockKind::Row(_))
                )
            };
            let lead_in = matches!(
                blocks.get(index + 1).map(|b| &b.kind),
                Some(BlockKind::Paragraph(next)) if next.plain().ends_with(':')
                    && words_count(&next.plain()) <= 25
            );
            let opens_list = opens(index + 1) || lead_in && opens(index + 2);
            // A short line over an "Essential" / "Desirable" line names the area the two
            // lists divide (a PDF's category line without its type size).
            let over_levels = matches!(
                blocks.get(index + 1).map(|b| &b.kind),
                Some(BlockKind::Paragraph(next)) if words_count(&next.plain()) <= 3
                    && requirement_heading(&next.plain()).is_some()
            ) && requirement_heading(&text).is_none()
                && !text.ends_with(':');
            if stage_heading(&text).is_some() && lower(&text).starts_with("stage ") {
                return 2;
            }
            let starts_upper = text.chars().next().is_some_and(char::is_uppercase);
            // "Shortlisting – assessed from your application form" over its criteria.
            if opens_list && words_count(&text) <= 10 && stage_heading(&text).is_some() {
                return 1;
            }
            if opens_list && starts_upper && words_count(&text) <= 6 && !text.ends_with(':') {
                return 1;
            }
            if over_levels && starts_upper && words_count(&text) <= 6 {
                return 2;
            }
            // A short line over a sentence or two of prose and then the table or list:
            // a charity's area title and its introduction (a PDF's h3 without its type
            // size).
            let introduces = matches!(
                blocks.get(index + 1).map(|b| &b.kind),
                Some(BlockKind::Paragraph(next)) if next.plain().ends_with('.')
                    && words_count(&next.plain()) <= 60
            ) && opens(index + 2);
            if introduces && starts_upper && words_count(&text) <= 6 && !text.ends_with(':') {
                return 2;
            }
            0
        }
        _ => 0,
    }
}

pub(crate) fn is_start(text: &str) -> bool {
    let t = lower(text);
    t.contains("person specification")
        || t.contains("person spec")
        || t.contains("personnel spec")
        || t == "about you"
        || t.contains("what we're looking for")
        || t.contains("what we are looking for")
        || t.contains("who we're looking for")
        || t.contains("who we are looking for")
        // A briefing's "What we need from you".
        || t.contains("what we need from you")
        // A charity's "What you'll bring": what the post needs, area by area.
        || t.contains("what you'll bring")
        || t.contains("what you will bring")
        || t.contains("selection criteria")
        || t.contains("essential criteria")
        || t.contains("job requirements")
        // An agency's sheet: "Candidate requirements", "Client requirements".
        || t.contains("candidate requirements")
        || t.contains("client requirements")
        // The apprenticeship service's vacancy page: "Requirements" over Qualifications,
        // Skills and Other requirements.
        || t.trim() == "requirements"
        || t.contains("requirements of the post")
        || t.contains("role requirements")
        // A "Role profile" heading alone, over the responsibilities and what each needs.
        || t.trim() == "role profile"
        // "The job and what you'll need to do it": the duties beside what each needs.
        || (t.contains("what you'll need") || t.contains("what you will need"))
            && words_count(&t) >= 5
        || screening_heading(&t)
        || competency_start(&t)
}

/// An advert's "What you'll need" heading alone (no "to apply" after it).
fn need_heading(text: &str) -> bool {
    let t = lower(&collapse(text));
    matches!(
        t.trim().trim_end_matches(':'),
        "what you'll need" | "what you will need" | "what you need" | "what we need"
    )
}

/// A competency framework profile's opening heading: a start only where the document has
/// no other (an "Our competency framework" section elsewhere in a pack that heads its
/// person specification as such is not one).
fn competency_start(text: &str) -> bool {
    let t = lower(text);
    t.contains("competency profile") || t.contains("competency framework")
}

/// A heading over an online application's screening questions ("Step 1: Screening
/// questions"): yes/no questions every applicant must answer as required to go on, so
/// each is an essential criterion assessed on the application.
fn screening_heading(text: &str) -> bool {
    let t = lower(text);
    words_count(&t) <= 8 && (t.contains("screening question") || t.contains("eligibility question"))
}

/// A screening question less the answers offered after it: "Do you hold a degree? Yes /
/// No" → "Do you hold a degree?". Other text is returned as it is.
fn without_answer_options(text: &str) -> &str {
    let Some(at) = text.rfind('?') else {
        return text;
    };
    let rest = lower(&text[at + 1..]);
    let options = rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .all(|w| matches!(w, "yes" | "no" | "y" | "n"));
    if options {
        &text[..=at]
    } else {
        text
    }
}

fn is_stop(text: &str) -> bool {
    let t = lower(text);
    const STOPS: &[&str] = &[
        "benefit",
        "apply",
        "equal",
        "about us",
        "about the",
        "about this",
        // The apprenticeship service's "Questions you'll be asked" on applying.
        "questions you",
        "who we are",
        "why ",
        "what we offer",
        "what you'll",
        "what you will",
        "safeguarding",
        "additional information",
        "further information",
        "other information",
        "conditions",
        "good to know",
        "need to know",
        "selection process",
        // "How the stages work", "Assessment stages": the process, after the criteria.
        "stages",
        "strengths",
        "closing",
        "contact",
        "working for us",
        "our commitment",
        "nationality",
        "security",
        "diversity",
        "next steps",
        "terms",
        "salary",
        "job description",
        "duties",
        "responsibilit",
        "purpose",
        "summary",
        "the role",
        "the job",
        "main tasks",
        "key tasks",
        "accountabilit",
        "our values",
        "welcome",
        "the team",
        "the service",
        "job details",
        "eligibility",
        "pre-employment",
        // "Before you start": the checks made before the first day.
        "before you start",
        // An agency's "Compliance required before start".
        "compliance",
        "reward",
        "interview date",
        "recruitment",
    ];
    // "Essential for the role" heads criteria, whatever words it shares with a stop.
    if requirement_heading(text).is_some() {
        return false;
    }
    // "Your values" heads the candidate's values, criteria; "Our values" the employer's.
    let t = t.replace("your values", "");
    // "Checks", "DBS checks": what is checked before appointment, not criteria.
    let checks = words_count(&t) <= 4
        && t.split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "checks");
    checks || STOPS.iter().any(|s| t.contains(s))
}

/// `Essential criteria`, `Desirable`, `Nice to have`.
pub(crate) fn requirement_heading(text: &str) -> Option<Requirement> {
    let t = lower(text);
    let t = t.trim().trim_end_matches(':').trim();
    // A level's label and a dash before an aside: "Essential criteria – you must meet all
    // of these", "Desirable criteria — these help us choose between strong applicants".
    if let Some((label, aside)) = t.split_once(" – ").or_else(|| t.split_once(" — ")) {
        if level_label(label) && words_count(aside) >= 3 {
            return requirement_heading(label);
        }
    }
    // A label with an aside in brackets before its colon: "Minimum requirements (you must
    // show all of these):", "Helpful extras (we will use these only if …):".
    if text.trim_end().ends_with(':') && t.ends_with(')') {
        if let Some(open) = t.find('(') {
            let label = t[..open].trim();
            if (1..=3).contains(&words_count(label)) {
                if let Some(req) = requirement_heading(label) {
                    return Some(req);
                }
            }
        }
    }
    // "Essential for the role", "Desirable for this post": the level alone.
    let t = [
        " for the role",
        " for this role",
        " for the post",
        " for this post",
        " for the job",
        " for this job",
    ]
    .iter()
    .find_map(|tail| t.strip_suffix(tail))
    .unwrap_or(t);
    // "What you must have", "What would be nice to have", "Good to have".
    if words_count(t) <= 7 && !t.ends_with(['.', ';']) {
        if t.contains("must have") || t.contains("must-have") {
            return Some(Requirement::Essential);
        }
        // A lead-in naming what the candidate needs: "You'll need:", "You will need to
        // have:" (the whole line, not "You'll need a driving licence").
        let need = t
            .strip_prefix("what ")
            .unwrap_or(t)
            .trim_end_matches(" to have")
            .trim_end_matches(" to be");
        if matches!(
            need,
            "you'll need"
                | "you will need"
                | "you need"
                | "we need"
                | "you'll have"
                | "you will have"
        ) {
            return Some(Requirement::Essential);
        }
    }
    if words_count(t) <= 9 && !t.ends_with(['.', ';']) {
        // "To do this job well you will need:" (the whole line ends with the need).
        let to_do = t.starts_with("to do this ") || t.starts_with("for this ");
        if to_do
            && ["you'll need", "you will need", "you need"]
                .iter()
                .any(|n| t.ends_with(n))
        {
            return Some(Requirement::Essential);
        }
        // "It would be great if you also had:".
        if [
            "nice to have",
            "nice-to-have",
            "good to have",
            "would be nice",
            "would be great",
        ]
        .iter()
        .any(|p| t.contains(p))
        {
            return Some(Requirement::Desirable);
        }
    }
    // "Additional (preferred) requirements", "Additional/preferred criteria",
    // "Preferable": a heading of requirement words only, one of them a preference.
    let words: Vec<&str> = t
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let preference = words
        .iter()
        .any(|w| matches!(*w, "preferred" | "preferable"));
    let minimum = words.first() == Some(&"minimum");
    let only_levels = words.iter().all(|w| {
        matches!(
            *w,
            "additional"
                | "preferred"
                | "preferable"
                | "desirable"
                | "minimum"
                | "essential"
                | "requirements"
                | "requirement"
                | "criteria"
                | "criterion"
                | "and"
                | "or"
        )
    });
    if only_levels && words.len() <= 4 {
        // "Additional (desirable) criteria" as well as "Additional (preferred) criteria".
        let desirable = preference || words.contains(&"desirable");
        let essential = minimum || words.contains(&"essential");
        if desirable != essential {
            return Some(if essential {
                Requirement::Essential
            } else {
                Requirement::Desirable
            });
        }
    }
    if words_count(t) > 4 {
        return None;
    }
    // A label whose closing bracket gives the level: "Useful (desirable):".
    if lower(text).trim_end().ends_with(':') {
        if t.ends_with("(essential)") {
            return Some(Requirement::Essential);
        }
        if t.ends_with("(desirable)") {
            return Some(Requirement::Desirable);
        }
    }
    // Welsh (hanfodol, dymunol) and the other words UK packs use.
    let essential = [
        "essential",
        "hanfodol",
        "minimum criteria",
        "minimum requirements",
    ];
    let desirable = [
        "desirable",
        "dymunol",
        "bonus",
        // "Helpful extras", "Useful extras".
        "helpful extra",
        "useful extra",
        // "Extras that would help".
        "extras that",
        "preferred",
        "advantageous",
        "additional criteria",
    ];
    if essential.iter().any(|w| t.starts_with(w)) {
        Some(Requirement::Essential)
    } else if desirable.iter().any(|w| t.starts_with(w))
        || t.contains("nice to have")
        || t.ends_with("an advantage")
    {
        Some(Requirement::Desirable)
    } else {
        None
    }
}

/// The area a requirement heading names after its level: "Essential experience" →
/// "Experience"; `None` for "Essential criteria" or "Essential".
fn requirement_area(text: &str) -> Option<String> {
    let t = collapse(text);
    let t = t.trim().trim_end_matches(':').trim();
    let (first, rest) = t.split_once(' ')?;
    mark_word_in_full(first)?;
    let rest = rest.trim();
    let l = lower(rest);
    let generic = matches!(
        l.as_str(),
        "criteria" | "criterion" | "requirements" | "requirement" | "attributes"
    ) || l.starts_with("criteria")
        || l.starts_with("requirements")
        || l.contains(" have")
        || words_count(rest) > 3;
    if generic || rest.is_empty() {
        return None;
    }
    let mut chars = rest.chars();
    let head = chars.next()?;
    Some(head.to_uppercase().chain(chars).collect())
}

/// A heading joining a category and a requirement, either way round: "Experience –
/// essential", "Skills - desirable", "Desirable: Qualifications and training". The
/// category as printed and the requirement.
fn category_requirement(text: &str) -> Option<(String, Requirement)> {
    let t = collapse(text);
    let t = t.trim().trim_end_matches(':').trim();
    let (a, b) = [" – ", " — ", " - ", ": "]
        .iter()
        .find_map(|sep| t.split_once(sep))?;
    let (a, b) = (a.trim(), b.trim());
    let (category, req) = match (mark_word_in_full(a), mark_word_in_full(b)) {
        (Some(req), None) => (b, req),
        (None, Some(req)) => (a, req),
        _ => return None,
    };
    let l = lower(category);
    let generic = ["criteri", "requirement"].iter().any(|w| l.starts_with(w));
    let name = (1..=5).contains(&words_count(category))
        && category.starts_with(char::is_uppercase)
        && category
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '&' | ',' | '\'' | '’'))
        && !generic;
    name.then(|| (category.to_string(), req))
}

/// A label joining a category and a level, either way round ("Experience – essential",
/// "Desirable: Qualifications", "Essential experience", "Essential criteria"): the category
/// as printed (empty when the label names none) and the level.
pub(super) fn labelled_category(text: &str) -> Option<(String, Requirement)> {
    if let Some(found) = category_requirement(text) {
        return Some(found);
    }
    let t = collapse(text);
    let req = mark_word_in_full(t.split_whitespace().next()?)?;
    let generic = lower(&t).split_whitespace().skip(1).all(|w| {
        matches!(
            w,
            "criteria" | "criterion" | "requirements" | "requirement" | ":"
        )
    });
    match requirement_area(&t) {
        Some(area) => Some((area, req)),
        None if generic => Some((String::new(), req)),
        None => None,
    }
}

/// Whether the document heads a person specification anywhere.
pub(super) fn has_start_heading(blocks: &[Block]) -> bool {
    blocks
        .iter()
        .enumerate()
        .any(|(i, b)| heading_level(blocks, i) > 0 && is_start(&block_text(b)))
}

/// Whether two or more of the document's headings give a level and its stage.
pub(super) fn level_stage_headed(blocks: &[Block]) -> bool {
    blocks
        .iter()
        .enumerate()
        .filter(|(i, b)| {
            heading_level(blocks, *i) > 0 && level_stage_heading(&block_text(b)).is_some()
        })
        .nth(1)
        .is_some()
}

/// "Route A – qualified Environmental Health Practitioner", "Option 2: …", "Pathway 1":
/// one of the alternatives a candidate may meet.
fn route_heading(text: &str) -> bool {
    let t = lower(&collapse(text));
    ["route ", "option ", "pathway "].iter().any(|p| {
        t.strip_prefix(p).is_some_and(|rest| {
            let mut chars = rest.chars();
            let label = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
            label
                && chars
                    .next()
                    .is_none_or(|c| matches!(c, ' ' | ':' | '.' | '–' | '—' | '-' | ')'))
        })
    })
}

/// "Essential", "Desirable criteria", "essential requirements": a level's bare label.
pub(super) fn level_label(text: &str) -> bool {
    let t = text.to_lowercase();
    let words: Vec<&str> = t.split_whitespace().collect();
    matches!(words.first(), Some(&"essential" | &"desirable"))
        && words.len() <= 2
        && words
            .get(1)
            .is_none_or(|w| matches!(*w, "criteria" | "requirements"))
}

/// How many a counting word says: "two", "both", "4".
fn count_word(word: &str) -> Option<usize> {
    match word {
        "two" | "both" | "2" => Some(2),
        "three" | "3" => Some(3),
        "four" | "4" => Some(4),
        "five" | "5" => Some(5),
        "six" | "6" => Some(6),
        _ => None,
    }
}

/// A heading giving a level and the stage that assesses it: "Section 1 – Essential
/// criteria: assessed at shortlisting from your application form", "Desirable criteria:
/// applied at shortlisting only if required".
fn level_stage_heading(text: &str) -> Option<(Requirement, Vec<Method>)> {
    let t = lower(&collapse(text));
    // A numbered section's number says nothing: "Section 2 –", "Part B:".
    let t = ["section ", "part "]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .and_then(|rest| {
            let (number, rest) = rest.split_once([' ', ':', '.'])?;
            (number.len() <= 2 && number.chars().all(|c| c.is_ascii_alphanumeric()))
                .then(|| rest.trim_start_matches([' ', '–', '—', '-', ':', '.']))
        })
        .unwrap_or(&t);
    let (head, tail) = t.split_once(':')?;
    let req = requirement_heading(head)?;
    let tail = tail.trim().replace("interview day", "day");
    let names_stage = [
        "assessed",
        "tested",
        "applied",
        "checked",
        "at shortlisting",
    ]
    .iter()
    .any(|w| tail.contains(w));
    let found = methods::words(&tail);
    (names_stage && !found.is_empty() && words_count(&tail) <= 12).then_some((req, found))
}

/// `Stage 2 – Interview`, `At interview`: the methods the stage stands for.
fn stage_heading(text: &str) -> Option<Vec<Method>> {
    let t = lower(text);
    let t = t.trim();
    // A numbered step of the selection ("Step 2: Case study") is a stage as "Stage 2" is.
    // So is a numbered part ("Part 2: Data task") or round ("Round 2 – Technical
    // exercise").
    // "Checkpoint 2 – In-tray exercise" likewise.
    let step = [
        "step ",
        "part ",
        "round ",
        "sift ",
        "assessment point ",
        "checkpoint ",
    ]
    .iter()
    .any(|p| {
        t.strip_prefix(p).is_some_and(|rest| {
            // "Part 2", or a lettered part: "Part A – …", "Part B:".
            let lettered = {
                let mut chars = rest.chars();
                chars.next().is_some_and(|c| c.is_ascii_alphabetic())
                    && chars
                        .next()
                        .is_none_or(|c| matches!(c, ' ' | ':' | '.' | '–' | '—' | '-'))
            };
            // "Part one – …", "Stage two:": the number in words.
            let worded = [
                "one", "two", "three", "four", "five", "six", "first", "second", "third", "fourth",
                "fifth",
            ]
            .iter()
            .any(|n| {
                rest.strip_prefix(n)
                    .is_some_and(|after| after.starts_with([' ', ':', '.', '–', '—', '-']))
            });
            rest.starts_with(|c: char| c.is_ascii_digit()) || lettered || worded
        })
    });
    let stage = t.starts_with("stage ")
        || step
        || t.starts_with("at ")
        || t.starts_with("assessed at")
        || t.contains(" stage")
        || t.contains("assessed at")
        || t.contains("assessed by")
        // "Assessed in a classroom task:", "Checked from certificates:".
        || t.starts_with("assessed in ")
        || t.starts_with("assessed from ")
        || t.starts_with("assessed through ")
        || t.starts_with("checked ")
        // "Evidence: certificates".
        || t.starts_with("evidence:")
        || t.starts_with("evidence –")
        || t.starts_with("evidence -");
    // A heading naming only a method: "Interview", "Written exercise – shortlisted
    // candidates", "Shortlisting – assessed from your application form".
    let head = t.split(['–', '—', ':', '(']).next().unwrap_or(t).trim();
    const METHOD_WORDS: &[&str] = &[
        "interview",
        "interviews",
        "shortlisting",
        "shortlist",
        "sift",
        "application",
        "form",
        "written",
        "exercise",
        "exercises",
        "test",
        "tests",
        "testing",
        "presentation",
        "assessment",
        "centre",
        "day",
        "practical",
        "task",
        "and",
        "the",
    ];
    let method_title = !head.is_empty()
        && words_count(head) <= 4
        && head
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .all(|w| METHOD_WORDS.contains(&w));
    if method_title {
        let found = methods::words(head);
        if !found.is_empty() {
            return Some(found);
        }
    }
    // A numbered step's title may run longer: "Part one – What we will look for in your
    // application form".
    if !stage || words_count(t) > if step { 12 } else { 10 } {
        return None;
    }
    // "Sift 2 – Online task": a numbered step's methods are its title's (the word "sift"
    // numbers the step here, it does not name the application).
    if step {
        if let Some((_, title)) = t.split_once([':', '–', '—', '-']) {
            // When, not how: "Case file exercise (on the interview day)".
            let own = methods::words(&title.replace("interview day", "day"));
            if !own.is_empty() {
                return Some(own);
            }
        }
    }
    let mut found = methods::words(t);
    // A stage named as an assessment of its own ("Stage 2 – Analytical assessment",
    // "Skills assessment") is a test: the stage says the assessment is a step apart.
    if found.is_empty()
        && t.split(|c: char| !c.is_alphanumeric())
            .any(|w| w == "assessment")
    {
        found.push(Method::Test);
    }
    (!found.is_empty()).then_some(found)
}

/// A heading that states how its criteria are assessed in closing brackets: `Knowledge
/// and skills (assessed at interview)`, `Values [Interview]`: the title and the methods.
fn titled_methods(text: &str) -> Option<(String, Vec<Method>)> {
    let t = collapse(text);
    let t = t.trim().trim_end_matches(':').trim_end();
    let close = t.chars().last().filter(|c| matches!(c, ')' | ']'))?;
    let open = t.rfind(if close == ')' { '(' } else { '[' })?;
    let title = t[..open]
        .trim()
        .trim_end_matches(['–', '—', '-', ':'])
        .trim_end();
    let inner = &t[open + 1..t.len() - 1];
    if title.is_empty() || words_count(title) > 8 {
        return None;
    }
    let found = method_phrase(inner, close == ']')?;
    Some((title.to_string(), found))
}

/// A heading as a category name: `A. Skills:` → `Skills`.
fn category_name(text: &str) -> String {
    let text = collapse(text);
    let text = without_continued(text.trim().trim_end_matches(':').trim());
    // An accordion panel's title with its count badge ("Experience 4 items").
    let text = super::accordion::without_count(text);
    let bytes = text.as_bytes();
    if bytes.len() > 3 && bytes[0].is_ascii_uppercase() && bytes[1] == b'.' && bytes[2] == b' ' {
        return text[3..].trim().to_string();
    }
    // A numbered section: "1. Qualifications", "2) Experience".
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        let rest = &text[digits..];
        if let Some(name) = rest.strip_prefix(['.', ')']).filter(|r| r.starts_with(' ')) {
            if name.trim().chars().next().is_some_and(char::is_alphabetic) {
                return name.trim().to_string();
            }
        }
    }
    text.to_string()
}

/// A category re-printed after a page break, less the word saying so: "Experience and
/// knowledge (continued)", "Skills (cont.)", "Skills – continued" → the category itself.
fn without_continued(text: &str) -> &str {
    for tail in [
        "(continued)",
        "(cont.)",
        "(cont)",
        "(cont'd)",
        "(contd)",
        "(contd.)",
        "– continued",
        "- continued",
        ", continued",
    ] {
        let Some(at) = text.len().checked_sub(tail.len()) else {
            continue;
        };
        if text.is_char_boundary(at) && text[at..].eq_ignore_ascii_case(tail) {
            let rest = text[..at].trim_end();
            if rest.chars().any(char::is_alphabetic) {
                return rest;
            }
        }
    }
    text
}

pub(super) fn header_role(text: &str) -> Role {
    // A PDF's narrow header cell breaks its one word across lines ("Essenti al",
    // "Applica tion", "Essential/Desira ble"): the word read whole.
    let t = collapse(text);
    let rejoined = ((2..=3).contains(&words_count(&t))
        && t.len() <= 24
        && t.chars().all(|c| c.is_alphabetic() || c == ' ' || c == '/'))
    .then(|| header_role_of(&t.replace(' ', "")));
    // Both levels in one column, one of them broken, is the mark column, though
    // "Essential" alone reads whole.
    if rejoined == Some(Role::Mark) {
        return Role::Mark;
    }
    match header_role_of(text) {
        Role::Unknown => rejoined.unwrap_or(Role::Unknown),
        role => role,
    }
}

fn header_role_of(text: &str) -> Role {
    let t = lower(&collapse(text));
    // "You'll have…": a charity's heading trailing off into its cells.
    let t = t.trim().trim_end_matches([':', '?', '*', '…', '.']).trim();
    if t.is_empty() {
        return Role::Unknown;
    }
    let any = |ws: &[&str]| ws.iter().any(|w| t.contains(w));
    // "E/D and assessment": the mark and the methods in one column (a mark column whose
    // cells may carry codes after the letter).
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    let mark_first = ["e/d", "eord", "e&d"].iter().any(|m| {
        compact.strip_prefix(m).is_some_and(|rest| {
            rest.is_empty()
                || rest.starts_with("and")
                || rest.starts_with(|c: char| !c.is_alphanumeric())
                || ["assess", "method", "evidence"]
                    .iter()
                    .any(|w| rest.contains(w))
        })
    });
    if (t.contains("essential") && t.contains("desirable"))
        || mark_first
        || matches!(t, "ed" | "e d")
        || t.contains("requirement level")
    {
        return Role::Mark;
    }
    if t.contains("essential") || t == "e" {
        return Role::Essential;
    }
    if t.contains("desirable") || t == "d" {
        return Role::Desirable;
    }
    // Column headers in plain words: "Must have" | "Could have" (or "Nice to have").
    if words_count(t) <= 3 {
        let plain = t.replace('-', " ");
        if plain.starts_with("must have") {
            return Role::Essential;
        }
        // "Would like" / "Would be nice": what the employer would like besides.
        if [
            "could have",
            "should have",
            "nice to have",
            "good to have",
            "would like",
            "would be nice",
            "would be good",
        ]
        .iter()
        .any(|p| plain.starts_with(p))
        {
            return Role::Desirable;
        }
    }
    // "Required at appointment" against "To be developed during your first year", "Can be
    // achieved in post (within 12 months)": what is needed on the first day is essential,
    // what may come later desirable.
    if let Some(level) = appointment_level(t) {
        return level;
    }
    if any(&[
        "assess",
        "method",
        "evidence",
        "identified",
        "stage",
        "how tested",
        "measured",
        "tested",
        "shortlisting",
        // "How we'll check", "How we will find out": a charity's plain words for it.
        "how we'll check",
        "how we will check",
        "how we check",
        "how we'll find out",
        "how we will find out",
        // "How we'll know", "How we'll tell".
        "how we'll know",
        "how we will know",
        "how we'll tell",
        "how we will tell",
        // "Where we'll see it".
        "where we'll see",
        "where we will see",
        // "Where we'll look for it".
        "where we'll look",
        "where we will look",
        "where we look",
        // "We'll look for this in", "How we'll see it".
        "look for this in",
        "look for it in",
        "how we'll see",
        "how we will see",
        // "We'll see it through…".
        "we'll see it",
        "we will see it",
    ]) {
        return Role::Method;
    }
    if matches!(t, "no" | "no." | "#" | "ref" | "ref." | "number" | "item") {
        return Role::Number;
    }
    if any(&[
        "area",
        "factor",
        "category",
        // "Key responsibility" / "Main responsibility": a duty's label over what it needs.
        "responsibility",
        "attribute",
        "heading",
        "section",
        "domain",
    ]) {
        return Role::Category;
    }
    if any(&[
        "criteria",
        "criterion",
        "requirement",
        "looking for",
        "description",
        "specification",
        "competenc",
        "qualities",
        "skills",
        "you'll bring",
        "you will bring",
        "you bring",
        "you'll need",
        "you will need",
        // "What we're after".
        "we're after",
        "we are after",
        // "You'll have…": what the post holder brings.
        "you'll have",
        "you will have",
        "what you need",
        "what we need",
        "question",
    ]) {
        return Role::Criterion;
    }
    if any(&["note", "comment"]) {
        return Role::Notes;
    }
    Role::Unknown
}

/// A column heading naming when a criterion must be met: at appointment (the essential
/// column) or later, in post (the desirable one). `None` for any other heading.
fn appointment_level(t: &str) -> Option<Role> {
    if words_count(t) > 10 {
        return None;
    }
    let later = [
        "to be developed",
        "can be developed",
        "developed in post",
        "developed during",
        "achieved in post",
        "can be achieved",
        "to be achieved",
        "within 12 months",
        "within the first year",
    ]
    .iter()
    .any(|p| t.contains(p));
    if later {
        return Some(Role::Desirable);
    }
    let first_day = [
        "at appointment",
        "on appointment",
        "when you start",
        "on day one",
        "from day one",
    ]
    .iter()
    .any(|p| t.contains(p));
    first_day.then_some(Role::Essential)
}

pub(super) fn is_mark_word(text: &str) -> Option<Requirement> {
    let t = lower(text);
    let t = t.trim().trim_matches(|c: char| !c.is_alphanumeric());
    match t {
        // Welsh: hanfodol (essential), dymunol (desirable).
        // "(Ess.)", "(Des.)": the abbreviations.
        "e" | "ess" | "essential" | "hanfodol" => Some(Requirement::Essential),
        "d" | "des" | "desirable" | "dymunol" => Some(Requirement::Desirable),
        // A bilingual label: "Hanfodol / Essential".
        _ if t.contains('/') => {
            let halves: Vec<Option<Requirement>> = t.split('/').map(is_mark_word).collect();
            let first = halves.first().copied().flatten()?;
            halves.iter().all(|h| *h == Some(first)).then_some(first)
        }
        _ => None,
    }
}

/// A level phrase closing a criterion in brackets instead of a mark word: "(must have)",
/// "(bonus)", "(nice to have)".
fn bracket_level(inner: &str) -> Option<Requirement> {
    match inner {
        "must have" | "must-have" => Some(Requirement::Essential),
        "bonus" | "nice to have" | "nice-to-have" | "good to have" => Some(Requirement::Desirable),
        _ => None,
    }
}

/// A requirement written out (not a one-letter mark), Welsh included.
fn mark_word_in_full(word: &str) -> Option<Requirement> {
    match lower(word).as_str() {
        "essential" | "hanfodol" => Some(Requirement::Essential),
        "desirable" | "dymunol" => Some(Requirement::Desirable),
        _ => None,
    }
}

/// A requirement word with how it is assessed after it, as written after or under a
/// criterion: `Essential | Assessed: Application form, Certificates`, `Desirable – AF/I`,
/// `Essential`. Every part after the word must name a method (in words or codes).
fn mark_clause(text: &str, codes: &Codes) -> Option<(Requirement, Vec<Method>)> {
    let t = collapse(text);
    let t = t.trim().trim_end_matches(['.', ';']).trim_end();
    let head_end = t.find(|c: char| !c.is_alphanumeric()).unwrap_or(t.len());
    let requirement = mark_word_in_full(&t[..head_end])?;
    let after = &t[head_end..];
    let mut rest = after.trim_start_matches(|c: char| !c.is_alphanumeric());
    if rest.is_empty() {
        return Some((requirement, Vec::new()));
    }
    if !after
        .trim_start()
        .starts_with(['–', '—', '-', ':', ',', ';', '(', '|', '/'])
    {
        return None;
    }
    for lead in [
        "method of assessment",
        "how assessed",
        "assessed by",
        "assessed at",
        "assessed through",
        "assessed via",
        "assessed",
        "assessment",
        "method",
        "evidence",
    ] {
        if lower(rest).starts_with(lead) {
            rest = rest[lead.len()..].trim_start_matches(|c: char| !c.is_alphanumeric());
            break;
        }
    }
    if words_count(rest) > 14 {
        return None;
    }
    let mut found = Vec::new();
    let mut unknown = 0;
    for piece in rest
        .split([',', '/', ';', '&', '+', '|', ')', '('])
        .flat_map(|p| p.split(" and "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let named = methods::words(piece);
        if !named.is_empty() {
            found.extend(named);
        } else if let Some(coded) = code_methods(piece, codes) {
            found.extend(coded);
        } else {
            unknown += 1;
        }
    }
    (!found.is_empty() && unknown <= 1).then(|| (requirement, methods::sort(found)))
}

/// A one-letter mark with how it is assessed, closing a criterion in brackets:
/// `(E – application, interview)`, `(D: AF/I)`. The letter must be followed by a dash or
/// colon and methods (a bare `(E)` is a mark word).
fn letter_clause(text: &str, codes: &Codes) -> Option<(Requirement, Vec<Method>)> {
    let t = text.trim();
    let full = match t.chars().next()? {
        'E' => "Essential",
        'D' => "Desirable",
        _ => return None,
    };
    let after = &t[1..];
    // "E – AF/I", "D: AF, Q", "E (AF, I)", "E; A, Q".
    if !after
        .trim_start()
        .starts_with(['–', '—', '-', ':', '(', ';'])
    {
        return None;
    }
    let (requirement, found) = mark_clause(&format!("{full}{after}"), codes)?;
    (!found.is_empty()).then_some((requirement, found))
}

/// A closing requirement clause of a criterion (`… Essential | Assessed: Interview`,
/// `… – Desirable – AF`): where it starts, its requirement and methods.
fn trailing_clause(s: &str, codes: &Codes) -> Option<(usize, Requirement, Vec<Method>)> {
    let starts: Vec<usize> = s
        .match_indices(['E', 'D', 'H'])
        .map(|(at, _)| at)
        .filter(|&at| at > 0)
        .collect();
    for &at in starts.iter().rev() {
        let before = s[..at].trim_end();
        let separated = before.ends_with(['|', '–', '—', '-', '.', ')', ']', ':', ';'])
            || s[..at].ends_with(super::blocks::BREAK);
        if !separated || words_count(before) < 2 {
            continue;
        }
        if let Some((requirement, found)) = mark_clause(&s[at..], codes) {
            return Some((at, requirement, found));
        }
    }
    None
}

/// A mark with the methods after it, in one cell: `Essential – application form and
/// interview`, `Desirable: interview`. The methods are empty when none are named.
fn lead_mark(text: &str) -> Option<(Requirement, Vec<Method>)> {
    let t = collapse(text);
    let t = t.trim();
    let head_end = t.find(|c: char| !c.is_alphanumeric()).unwrap_or(t.len());
    let requirement = is_mark_word(&t[..head_end])?;
    let rest = t[head_end..].trim_start_matches(|c: char| !c.is_alphanumeric());
    if rest.is_empty() {
        return Some((requirement, Vec::new()));
    }
    // Only a separator after the mark, and a short list of methods.
    let separated = t[head_end..]
        .trim_start()
        .starts_with(['–', '—', '-', ':', ',', ';', '(']);
    if !separated || words_count(rest) > 10 || head_end <= 1 {
        return None;
    }
    Some((requirement, methods::words(rest)))
}

/// A tick or other mark in an E or D column (✓, ✔, X, Yes, •, E, D).
fn is_tick(text: &str) -> bool {
    let t = lower(text);
    let t = t.trim();
    !t.is_empty()
        && !matches!(
            t,
            "-" | "–"
                | "—"
                | "no"
                | "n/a"
                | "na"
                | "none"
                | "✗"
                | "✘"
                | "0"
                | "."
                | "no."
                | "☐"
                | "□"
        )
}

/// Whether the block after `index` is a competency's level line.
fn level_line_follows(blocks: &[Block], index: usize) -> bool {
    blocks.get(index + 1).is_some_and(|next| {
        matches!(next.kind, BlockKind::Paragraph(_)) && level_line(&block_text(next)).is_some()
    })
}

/// The requirement a competency's level line or cell states: "Level 2 (desirable)",
/// "Required on appointment" (essential), "Can be developed in post" (desirable).
fn level_mark(text: &str) -> Option<Requirement> {
    let l = lower(&collapse(text));
    if l.contains("(desirable)")
        || l.contains("developed in post")
        || l.contains("developed in the post")
        || l.contains("developed in role")
        || l.contains("can be developed")
        || l.contains("to be developed")
        || contains_phrase(&l, "desirable")
    {
        Some(Requirement::Desirable)
    } else if l.contains("(essential)")
        || contains_phrase(&l, "essential")
        || l.contains("on appointment")
        || l.contains("at appointment")
        || l.contains("from day one")
        || l.contains("from the start")
    {
        Some(Requirement::Essential)
    } else {
        None
    }
}

/// A requirement column's phrase, written instead of a mark: "Essential on appointment",
/// "Essential at shortlisting", "Desirable", "Advantageous", and what may come after
/// appointment ("Needed within 12 months (training provided)", "To be achieved within 6
/// months of starting"), which is desirable: not needed when the candidate applies.
fn requirement_phrase(text: &str) -> Option<Requirement> {
    let l = lower(&collapse(text));
    let l = l.trim().trim_end_matches(['.', '*']);
    if l.is_empty() || words_count(l) > 10 {
        return None;
    }
    let first = l
        .split_whitespace()
        .next()?
        .trim_end_matches([',', ';', ':']);
    if let Some(req) = mark_word_in_full(first) {
        return Some(req);
    }
    if matches!(first, "advantageous" | "preferred" | "preferable") {
        return Some(Requirement::Desirable);
    }
    let within_months = l
        .find("within")
        .is_some_and(|at| l[at..].contains("month") || l[at..].contains("year"));
    if within_months
        || [
            "to be achieved",
            "to be developed",
            "can be developed",
            "training provided",
        ]
        .iter()
        .any(|p| l.contains(p))
    {
        return Some(Requirement::Desirable);
    }
    None
}

/// The requirement an unmarked bullet's own wording gives: "… would be an advantage",
/// "… would be helpful", "… would be useful but isn't essential", "… would be a bonus",
/// "Ideally, you will also …", "It would be great if …" are desirable; anything else
/// (including "You will have …", "You must …", "You'll need …") states no preference.
fn modal_desirable(text: &str) -> bool {
    let l = lower(&collapse(text)).replace('\u{2019}', "'");
    let l = l.trim().trim_end_matches(['.', ';', ',']);
    let after = [
        "would be an advantage",
        "would be advantageous",
        "would be helpful",
        "would be useful",
        "would be a bonus",
        "would be a plus",
        "would be beneficial",
        "would be welcome",
        "would be desirable",
        "is desirable but not essential",
        "but isn't essential",
        "but is not essential",
        "but not essential",
    ];
    let before = [
        "ideally",
        "it would be great",
        "it would be good",
        "it would be nice",
        "it would be helpful",
        "it would be an advantage",
        "preferably",
    ];
    after.iter().any(|p| l.contains(p)) || before.iter().any(|p| l.starts_with(p))
}

/// Whether a column heading names a MoSCoW priority: `Some(true)` when its cells may be
/// the bare letters M / S / C ("MoSCoW", "MoSCoW priority"), `Some(false)` for a
/// "Priority" column of words.
fn priority_header(text: &str) -> Option<bool> {
    let l = lower(&collapse(text));
    let l = l.trim().trim_end_matches(':');
    if l.contains("moscow") {
        Some(true)
    } else if words_count(l) <= 3 && l.contains("priority") {
        Some(false)
    } else if words_count(l) <= 8
        && l.contains("must have")
        && [
            "bonus",
            "nice to have",
            "could have",
            "should have",
            "good to have",
        ]
        .iter()
        .any(|w| l.contains(w))
    {
        // "Must have or bonus?": the column says which each criterion is.
        Some(false)
    } else {
        None
    }
}

/// The requirement a MoSCoW priority cell states: "Must have" is essential, "Should have"
/// and "Could have" desirable (they choose between candidates who meet the musts); with
/// `letters`, M, S and C too. "Won't have" and anything else state nothing.
fn priority_mark(text: &str, letters: bool) -> Option<Requirement> {
    let l = lower(&collapse(text));
    let l = l.trim().trim_end_matches(['.', '*']);
    let first = l.split_whitespace().next()?;
    match first.trim_end_matches([',', ';', ':']) {
        "must" => Some(Requirement::Essential),
        "should" | "could" | "bonus" => Some(Requirement::Desirable),
        "nice" | "good" if l.contains("to have") => Some(Requirement::Desirable),
        // An agency's requirement sheet: "MUST" / "NICE".
        "nice" if words_count(l) == 1 => Some(Requirement::Desirable),
        "m" if letters && words_count(l) == 1 => Some(Requirement::Essential),
        "s" | "c" if letters && words_count(l) == 1 => Some(Requirement::Desirable),
        _ => None,
    }
}

/// A competency's level line, under its name in a competency-framework profile:
/// "Level: 3 – Team Leader · Required on appointment · Assessed by: application form and
/// interview", "Level 4 (desirable) – assessed at interview". The requirement it states
/// (if any) and the methods after "assessed".
fn level_line(text: &str) -> Option<(Option<Requirement>, Vec<Method>)> {
    let l = lower(&collapse(text));
    let rest = l.trim().strip_prefix("level")?;
    let rest = rest.trim_start_matches([':', ' ']);
    if !rest.starts_with(|c: char| c.is_ascii_digit()) || words_count(&l) > 30 {
        return None;
    }
    let found = l
        .find("assess")
        .map(|at| methods::words(&l[at..]))
        .unwrap_or_default();
    Some((level_mark(&l), found))
}

/// A labelled line under a criterion in a form's export: its requirement or its methods.
enum Field {
    Requirement(Requirement),
    Methods(Vec<Method>),
}

/// "Requirement: Essential", "Essential or desirable: Desirable", "Assessed by:
/// Application form  Interview", "How assessed: interview": a short line whose label
/// names a requirement or assessment field and whose value is a mark or method words.
fn criterion_field(label: &str, value: &str) -> Option<Field> {
    let label = lower(&collapse(label));
    let label = label.trim().trim_end_matches(':').trim();
    let value = lower(&collapse(value));
    if words_count(&value) > 16 || words_count(label) > 4 {
        return None;
    }
    let requirement_label = matches!(
        label,
        "requirement" | "essential or desirable" | "essential/desirable" | "e/d" | "e or d"
    );
    let methods_label = matches!(
        label,
        "assessed by"
            | "how assessed"
            | "assessment"
            | "method of assessment"
            | "methods of assessment"
            | "assessment method"
            | "assessment methods"
    );
    if requirement_label {
        let value = value.trim();
        if contains_phrase(value, "essential") != contains_phrase(value, "desirable") {
            return level_mark(value).map(Field::Requirement);
        }
    } else if methods_label {
        // "Assessment: application form and interview for all criteria unless stated" is
        // the whole specification's, not the last criterion's.
        let general = ["all", "criteria", "unless", "otherwise", "each", "every"]
            .iter()
            .any(|w| contains_phrase(&value, w));
        if general {
            return None;
        }
        // "Certificates at interview stage": when the certificates are checked, not an
        // interview of its own.
        let value = if ["certificate", "document", "proof"]
            .iter()
            .any(|w| value.contains(w))
        {
            [
                "at the interview stage",
                "at interview stage",
                "at interview",
            ]
            .iter()
            .fold(value, |v, when| v.replace(when, ""))
        } else {
            value
        };
        let found = methods::words(&value);
        if !found.is_empty() {
            return Some(Field::Methods(found));
        }
    }
    None
}

/// A block that is a criterion's field: a line "Label: value", or a row whose first cell
/// is the label (a form's export spaces the label from its value like cells).
fn block_field(block: &Block) -> Option<Field> {
    match &block.kind {
        BlockKind::Row(cells) if cells.len() >= 2 => {
            let value: Vec<String> = cells[1..].iter().map(Cell::plain).collect();
            criterion_field(&cells[0].plain(), &value.join(" "))
        }
        BlockKind::Row(_) | BlockKind::Heading(_) => None,
        _ => {
            let text = block_text(block);
            let (label, value) = text.split_once(':')?;
            criterion_field(label, value)
        }
    }
}

fn blank(text: &str) -> bool {
    let t = text.trim();
    t.is_empty()
        || matches!(t, "-" | "–" | "—" | "n/a" | "N/A" | "None" | "none")
        || matches!(
            t.to_lowercase().trim_end_matches('.'),
            "not applicable"
                | "none required"
                | "nothing further"
                | "none specified"
                | "none stated"
                | "none identified"
                // "Nil" in an NHS template's empty Desirable cell.
                | "nil"
        )
}

/// A criterion's text with its marks and codes taken off.
struct Inline {
    description: String,
    requirement: Option<Requirement>,
    methods: Vec<Method>,
}

/// Whether every word of `text` is an assessment code (and there is at least one).
fn code_methods(text: &str, codes: &Codes) -> Option<Vec<Method>> {
    let tokens: Vec<&str> = text
        // "[SS; IV]" as well as "(A/I)", "AF, IV", "A & I".
        .split(|c: char| {
            c == '/' || c == ',' || c == ';' || c == '&' || c.is_whitespace() || c == '+'
        })
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for token in tokens {
        if token.eq_ignore_ascii_case("and") {
            continue;
        }
        // Capitals ("AF"), or a short word the document's key defines ("App", "Int").
        let capitals = token.len() <= 4 && token.chars().all(|c| c.is_ascii_uppercase());
        if !capitals && !codes.defines(token) {
            return None;
        }
        out.extend(codes.lookup(token)?);
    }
    (!out.is_empty()).then(|| methods::sort(out))
}

/// Methods named in words in a criterion's closing brackets: `(assessed at interview)`,
/// `(assessed by practical exercise)`, or in square brackets a few method words only
/// (`[Application/Interview]`, `[Exercise]`).
fn method_phrase(inner: &str, square: bool) -> Option<Vec<Method>> {
    let l = lower(inner);
    let l = l.trim();
    let n = words_count(l);
    let phrase = [
        "assessed",
        "tested",
        "to be assessed",
        "evidenced",
        "assessment:",
    ]
    .iter()
    .any(|start| l.starts_with(start));
    if !(phrase && n <= 8 || square && n <= 4) {
        return None;
    }
    // A bare square bracket must hold only methods; one opening with its phrase
    // (`[assessed: application form, interview]`) names them after it.
    if square && !phrase {
        // Every word a method word (or a joining word): `[Interview/Exercise]`.
        let only_methods = l
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty() && !matches!(*w, "and" | "or" | "at" | "by"))
            .all(|w| !methods::words(w).is_empty() || w == "form");
        if !only_methods {
            return None;
        }
    }
    let found = methods::words(l);
    (!found.is_empty()).then_some(found)
}

/// A closing round bracket that only lists methods, each a short phrase naming one:
/// "(application form / interview)", "(interview and service charge exercise)",
/// "(application form / certificate)". A part naming none ("or equivalent", "C") or
/// running past four words ("such as a practical task") makes it text of the criterion.
fn bare_methods(inner: &str) -> Option<Vec<Method>> {
    let l = lower(inner);
    if words_count(&l) > 10 {
        return None;
    }
    let mut found = Vec::new();
    let mut parts = 0;
    for part in l
        .split(['/', ',', '+', '&', ';'])
        .flat_map(|p| p.split(" and "))
        .flat_map(|p| p.split(" or "))
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let named = methods::words(part);
        if named.is_empty() || words_count(part) > 4 {
            return None;
        }
        parts += 1;
        found.extend(named);
    }
    (parts >= 1).then(|| methods::sort(found))
}

/// A closing bracket saying how a criterion is checked in words that name no selection
/// method (`[assessed: pre-employment check]`, `(assessed: licence check)`): a note on the
/// criterion, not part of it. Lower case.
fn assessment_note(inner: &str) -> bool {
    let rest = ["assessed:", "assessed by", "assessed at", "assessment:"]
        .iter()
        .find_map(|lead| inner.strip_prefix(lead));
    rest.is_some_and(|rest| (1..=5).contains(&words_count(rest)))
}

fn parse_inline(text: &str, codes: &Codes) -> Inline {
    let mut requirement = None;
    let mut found: Vec<Method> = Vec::new();
    let mut text = text.trim().to_string();
    // An accordion's "… Essential⏎How we'll assess this: Application".
    if let Some((end, req, m)) = super::accordion::tagged(&text) {
        requirement = req;
        found.extend(m);
        text.truncate(end);
    }
    // A requirement clause on a line of its own under the criterion, or after a bar.
    if let Some((at, req, m)) = trailing_clause(&text, codes) {
        requirement = Some(req);
        found.extend(m);
        text = text[..at]
            .trim_end()
            .trim_end_matches(['|', '–', '—', '-', ':', ';'])
            .to_string();
    }
    let mut s = strip_enumerator(&collapse(&text));
    // A level letter leading the criterion after its number: "3. E - Experience of …".
    for (lead, req) in [("E", Requirement::Essential), ("D", Requirement::Desirable)] {
        let rest = s.strip_prefix(lead).and_then(|r| {
            ["  - ", " - ", " – ", " — "]
                .iter()
                .find_map(|dash| r.strip_prefix(dash))
        });
        if let Some(rest) = rest.filter(|r| words_count(r) >= 2) {
            requirement = Some(req);
            s = rest.trim_start().to_string();
            break;
        }
    }
    // A closing label over the criterion's codes: "… (E) Tested by: A, I", "… (D)
    // Assessed by: C".
    if let Some((before, found_here)) = labelled_codes(&s, codes) {
        found.extend(found_here);
        s = before;
    }
    // A bare level letter after the codes' brackets: "… [AF, IV] E", "… (A/I) D".
    for (tail, req) in [
        (" E", Requirement::Essential),
        (" D", Requirement::Desirable),
    ] {
        let t = s.trim_end();
        if let Some(before) = t.strip_suffix(tail) {
            if before.ends_with([']', ')']) && words_count(before) >= 3 {
                requirement = Some(req);
                s = before.trim_end().to_string();
                break;
            }
        }
    }
    // "… – nice to have", "… (nice to have)": the plain-words desirable mark.
    let desirable_marks = [
        "nice to have",
        "helpful, not essential",
        "helpful but not essential",
        "useful but not essential",
        "not essential",
        // "… (an advantage)", "… (preferred)".
        "an advantage",
        "would be an advantage",
        "advantageous",
        "preferred",
    ];
    let dressed: Vec<String> = desirable_marks
        .iter()
        .flat_map(|m| {
            [
                format!(" – {m}"),
                format!(" — {m}"),
                format!(" - {m}"),
                format!(" ({m})"),
            ]
        })
        .collect();
    for mark in &dressed {
        let t = s.trim_end().trim_end_matches('.');
        let Some(cut) = t.len().checked_sub(mark.len()) else {
            continue;
        };
        if t.is_char_boundary(cut)
            && t[cut..].eq_ignore_ascii_case(mark)
            && words_count(&t[..cut]) >= 2
        {
            s = t[..cut].trim_end().to_string();
            requirement = Some(Requirement::Desirable);
            break;
        }
    }
    // Criteria numbered by requirement: "E1 …", "D2. …", "(E3) …".
    if let Some((req, rest)) = requirement_number(&s) {
        requirement = Some(req);
        s = rest;
    }
    // "Title (E) – what it means in practice": the title is the criterion.
    if let Some((title, req)) = titled_mark(&s) {
        s = title;
        requirement = Some(req);
    }
    // Leading labels: "Essential:", "(E)", "[D]".
    let prefixes: [(&str, Requirement); 8] = [
        ("essential:", Requirement::Essential),
        ("desirable:", Requirement::Desirable),
        ("essential -", Requirement::Essential),
        ("desirable -", Requirement::Desirable),
        ("(e)", Requirement::Essential),
        ("(d)", Requirement::Desirable),
        ("[e]", Requirement::Essential),
        ("[d]", Requirement::Desirable),
    ];
    for (prefix, req) in prefixes {
        if lower(&s).starts_with(prefix) {
            s = s[prefix.len()..].trim().to_string();
            requirement = Some(req);
            break;
        }
    }
    // "Essential – …", "Hanfodol / Essential: …", "Desirable criteria: …".
    if requirement.is_none() {
        if let Some(&(0, end, req)) = labels(&s).first() {
            if words_count(&s[end..]) >= 2 {
                s = s[end..].trim().to_string();
                requirement = Some(req);
            }
        }
    }
    // Symbols the document's key defines, closing the criterion ("… in groups 📝 💬").
    if let Some((at, symbols)) = super::icons::trailing(&s) {
        let named: Vec<Vec<Method>> = symbols.iter().filter_map(|x| codes.lookup(x)).collect();
        if named.len() == symbols.len() && at > 0 {
            found.extend(named.into_iter().flatten());
            s = s[..at].trim_end().to_string();
        }
    }
    for _ in 0..6 {
        let t = s.trim_end().trim_end_matches(['.', ';', ',']).trim_end();
        if t.len() < s.len() {
            s = t.to_string();
        }
        // A bracketed group at the end: "(A/I)", "[AF, IV]", or braces "{A,I}" (which
        // read as square brackets do).
        if let Some(close) = s.chars().last().filter(|c| matches!(c, ')' | ']' | '}')) {
            let open_char = match close {
                ')' => '(',
                ']' => '[',
                _ => '{',
            };
            let close = if close == '}' { ']' } else { close };
            if let Some(open) = s.rfind(open_char) {
                let inner = s[open + 1..s.len() - 1].trim().to_string();
                let li = lower(&inner);
                let li = li.trim();
                let mut taken = true;
                if let Some(req) = is_mark_word(li).or_else(|| bracket_level(li)) {
                    requirement = Some(req);
                } else if let Some((req, m)) =
                    mark_clause(&inner, codes).or_else(|| letter_clause(&inner, codes))
                {
                    // "(Essential – AF/C)", "(Desirable – interview)".
                    requirement = Some(req);
                    found.extend(m);
                } else if li == "lead criterion" || li == "lead" || li == "lead criteria" {
                } else if let Some(m) = code_methods(&inner, codes) {
                    found.extend(m);
                } else if let Some(m) = method_phrase(&inner, close == ']') {
                    found.extend(m);
                } else if let Some(m) = bare_methods(&inner).filter(|_| close == ')') {
                    // "(application form / interview)", "(service charge exercise)".
                    found.extend(m);
                } else if li.starts_with("delete") || li.starts_with("do not delete") {
                    // "[delete if the post has no contact with children]": the template's
                    // instruction to whoever fills it in.
                } else if assessment_note(li) {
                    // "[assessed: licence check]": how it is checked, no selection method.
                } else {
                    taken = false;
                }
                if taken {
                    s = s[..open].trim_end().to_string();
                    continue;
                }
            }
            break;
        }
        // "… – A, I" or "… – Essential".
        let dash = [" – ", " — ", " - "]
            .iter()
            .filter_map(|d| s.rfind(d).map(|at| (at, d.len())))
            .max_by_key(|&(at, _)| at);
        if let Some((at, len)) = dash {
            let tail = s[at + len..].trim().to_string();
            if let Some(req) = is_mark_word(&tail) {
                requirement = Some(req);
                s = s[..at].trim_end().to_string();
                continue;
            }
            if let Some(m) = code_methods(&tail, codes) {
                found.extend(m);
                s = s[..at].trim_end().to_string();
                continue;
            }
        }
        if s.ends_with(['–', '—', '-']) {
            s = s.trim_end_matches(['–', '—', '-']).trim_end().to_string();
            continue;
        }
        // Bare codes after a mark: "… (E) A/I".
        let cut = s
            .char_indices()
            .rev()
            .find(|&(_, c)| c == ')' || c == ']')
            .map(|(i, _)| i + 1);
        if let Some(cut) = cut {
            let tail = s[cut..].trim().to_string();
            if !tail.is_empty() {
                if let Some(m) = code_methods(&tail, codes) {
                    found.extend(m);
                    s = s[..cut].trim_end().to_string();
                    continue;
                }
            }
        }
        break;
    }
    // "(desirable)" inside the text.
    let l = lower(&s);
    for (mark, req) in [
        ("(desirable)", Requirement::Desirable),
        ("(essential)", Requirement::Essential),
    ] {
        if let Some(at) = l.find(mark) {
            requirement = requirement.or(Some(req));
            s = format!("{}{}", &s[..at], &s[at + mark.len()..]);
            s = collapse(&s);
        }
    }
    Inline {
        description: s
            .trim()
            .trim_end_matches([':', '–', '-'])
            .trim()
            .to_string(),
        requirement,
        methods: methods::sort(found),
    }
}

/// A criterion's closing label and its codes: "… (E) Tested by: A, I" → ("… (E)",
/// [application, interview]); `None` unless every code after the label is one.
fn labelled_codes(text: &str, codes: &Codes) -> Option<(String, Vec<Method>)> {
    let l = lower(text);
    let (at, label) = [
        "tested by:",
        "assessed by:",
        "assessed:",
        "assessment:",
        "evidence:",
        // "… Excel. Method: AP, PT".
        "method:",
        "methods:",
    ]
    .iter()
    .filter_map(|label| l.rfind(label).map(|at| (at, *label)))
    .max_by_key(|(at, _)| *at)?;
    let before = text[..at].trim_end();
    let rest = text[at + label.len()..].trim();
    // The criterion's own full stop before the label is no part of it.
    let before = before.strip_suffix('.').unwrap_or(before).trim_end();
    if words_count(before) < 3 || rest.is_empty() || rest.len() > 40 {
        return None;
    }
    let found = code_methods(rest, codes)?;
    Some((before.to_string(), found))
}

/// A sentence saying how some criteria are assessed ("Knowledge will be tested at
/// interview", "Qualifications – application form and certificates", "we shortlist
/// against the essential criteria"): the criteria it covers are settled once all are read.
struct Scoped {
    /// The sentence, lower case.
    sentence: String,
    methods: Vec<Method>,
    /// The criteria read under the current heading when it was met (for "These will be
    /// assessed …").
    area: Option<(usize, usize)>,
    /// The requirement heading the sentence was read under ("Essential" / "Qualifications
    /// will also be checked against your certificates"): a category it names is that
    /// level's criteria of the category.
    level: Option<Requirement>,
    /// Read inside the specification (not in the selection-process prose around it).
    in_spec: bool,
}

/// Where a sentence ends in running text: after a full stop followed by a capital, not
/// after an abbreviation ("e.g. PGCE") or an initial. The byte index after the stop.
fn sentence_end(text: &str) -> Option<usize> {
    for (at, _) in text.match_indices(". ") {
        if !text[at + 2..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
        {
            continue;
        }
        let word = text[..at]
            .rsplit(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or("");
        let w = word.to_lowercase();
        let abbreviation = matches!(
            w.as_str(),
            "e.g" | "i.e" | "eg" | "ie" | "etc" | "no" | "approx" | "incl" | "cf" | "st"
        ) || w.chars().count() <= 1;
        if !abbreviation {
            return Some(at + 1);
        }
    }
    None
}

/// The sentences of running text (see [`sentence_end`]).
fn split_sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text.trim();
    while let Some(at) = sentence_end(rest) {
        out.push(rest[..at].trim().to_string());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// The methods a sentence says some criteria are assessed by: one with an assessing verb
/// ("will be assessed", "tested at interview", "we shortlist", "checked against
/// certificates") or a note "Area – methods". `None` for any other sentence.
fn sentence_methods(sentence: &str) -> Option<Vec<Method>> {
    let l = without_who_passed(&lower(sentence));
    if words_count(&l) > 45 {
        return None;
    }
    let verb = [
        "assess",
        "tested",
        "checked",
        "explore",
        "evaluat",
        "shortlist",
        "judge",
        "measured",
        "examined",
        "sight of",
        "scored",
        // "The points under Practical skills will also be seen in a practical test".
        "be seen in",
    ]
    .iter()
    .any(|v| l.contains(v));
    let head = l.split([':', '–', '—']).next().unwrap_or("");
    let noted = head.len() < l.len() && (1..=6).contains(&words_count(head));
    if !verb && !noted {
        return None;
    }
    let found = named_methods(&l);
    (!found.is_empty()).then_some(found)
}

/// A lower-case sentence less the words saying who goes on to a stage, not how it
/// assesses: "Candidates who pass Sift 1 complete an online task" is the task's sentence.
fn without_who_passed(l: &str) -> String {
    // The stage passed, named within a few words: "the sift", "Sift 1", "the first stage",
    // "the online typing test", "the written exercise".
    const STAGES: &[&str] = &[
        "sift",
        "shortlisting",
        "stage",
        "test",
        "tests",
        "exercise",
        "assessment",
    ];
    let mut out = l.to_string();
    for opening in ["who pass ", "who passed ", "if you pass "] {
        let mut from = 0;
        while let Some(found) = out[from..].find(opening) {
            let at = from + found;
            let start = at + opening.len();
            let mut end = None;
            let mut pos = start;
            for word in out[start..].split(' ').take(4) {
                pos += word.len();
                let bare = word.trim_end_matches([',', '.', ';', ':']);
                if STAGES.contains(&bare) {
                    end = Some(start + (pos - start) - (word.len() - bare.len()));
                    break;
                }
                pos += 1;
            }
            let Some(mut end) = end else {
                from = start;
                continue;
            };
            // "Sift 1".
            let number = out[end..].trim_start_matches(' ');
            if number.starts_with(|c: char| c.is_ascii_digit()) {
                end = out.len() - number.len() + 1;
            }
            out.replace_range(at..end, "");
            from = at;
        }
    }
    out
}

/// Whether a lower-case sentence speaks of all the criteria ("All of the criteria below
/// are essential", "Every criterion is …").
fn names_all_criteria(l: &str) -> bool {
    (l.contains("all ") && (l.contains("criteria") || l.contains("requirements")))
        // "All of the following are essential", opening the specification's list.
        || l.contains("all of the following")
        || l.contains("all the following")
        || l.contains("every criterion")
        || l.contains("each criterion")
        // "Every point below is essential".
        || l.contains("every point")
        || l.contains("each point")
}

/// Whether a lower-case sentence speaks of the whole specification without "all":
/// "Candidates will be assessed against the person specification through …", "… then
/// assess everything above at interview".
fn speaks_of_whole_specification(l: &str) -> bool {
    [
        "against the person specification",
        "against the full person specification",
        "against the whole person specification",
        "against the full specification",
        "against the job specification",
        "everything above",
        "everything listed above",
        "everything in the person specification",
        // "we look for everything in the left-hand column in your application".
        "everything in the ",
        "against the requirements above",
        "against the criteria above",
        // "We will shortlist on your application form and assess everyone we shortlist at
        // interview": every candidate on every criterion.
        "everyone we shortlist",
        "everyone who is shortlisted",
        "everyone shortlisted",
    ]
    .iter()
    .any(|p| l.contains(p))
}

/// Whether a lower-case sentence refers back to what the sentence before named ("We will
/// assess them …", "These will be tested …", "They are assessed …").
fn refers_back(l: &str) -> bool {
    l.split(|c: char| !c.is_alphanumeric())
        .any(|w| matches!(w, "them" | "they" | "these" | "each"))
}

/// The methods named in a lower-case sentence, less the words that say who is assessed
/// or when.
fn named_methods(l: &str) -> Vec<Method> {
    // Who is assessed and when is not how: "shortlisted candidates", "the interview day".
    let cleaned = l
        .replace("shortlisted candidates", "")
        .replace("shortlisted applicants", "")
        .replace("pass the sift", "")
        .replace("passed the sift", "")
        .replace("interview day", "day")
        .replace("be tested", "be assessed")
        .replace("tested at", "assessed at")
        .replace("tested through", "assessed through")
        .replace("method of assessment", "")
        .replace("methods of assessment", "");
    methods::words(&cleaned)
}

/// A sentence whose clauses say how each level is assessed, "Essential criteria are
/// assessed at shortlisting and at interview; desirable criteria are looked at from your
/// application form only": each clause with its methods. `None` unless every clause
/// (split at semicolons) names one level and some methods, and the levels differ.
fn level_clauses(sentence: &str) -> Option<Vec<(String, Vec<Method>)>> {
    if !sentence.contains(';') || sentence_methods(sentence).is_none() {
        return None;
    }
    let mut out = Vec::new();
    let mut levels = Vec::new();
    for clause in sentence.split(';').map(str::trim).filter(|c| !c.is_empty()) {
        let l = lower(clause);
        let (essential, desirable, _) = levels_named(&l);
        if essential == desirable {
            return None;
        }
        let found = named_methods(&l);
        if found.is_empty() {
            return None;
        }
        levels.push(essential);
        out.push((clause.to_string(), found));
    }
    (levels.contains(&true) && levels.contains(&false)).then_some(out)
}

/// The methods of a sentence of prose that says how a level of criteria is assessed, with
/// an assessing verb and the level named as a set ("the essential criteria", "the minimum
/// requirements"); `None` for any other sentence (a guaranteed-interview scheme for those
/// who meet the essential criteria says who is interviewed, not how criteria are assessed).
fn level_sentence_methods(sentence: &str) -> Option<Vec<Method>> {
    let l = lower(sentence);
    if words_count(&l) > 45 || l.contains("guarantee") {
        return None;
    }
    let verb = [
        "assess",
        "tested",
        "evaluat",
        "shortlist",
        "judged",
        "measured",
        "scored",
        // "a Teams interview …, covering all the must-haves and nice-to-haves".
        "covering",
        // "your CV plus a candidate summary written against each must-have".
        "against",
    ]
    .iter()
    .any(|v| l.contains(v));
    let (essential, desirable, named) = levels_named(&l);
    if !verb || !named || !(essential || desirable) {
        return None;
    }
    // "covering" and "against" are this sentence's verbs, not the general ones.
    sentence_methods(sentence).or_else(|| {
        let found = named_methods(&without_who_passed(&l));
        (!found.is_empty()).then_some(found)
    })
}

/// Whether a lower-case sentence of the selection prose speaks of every criterion: "…
/// against the full person specification", "shortlisted candidates be interviewed", "…
/// from application forms against Annex A" (minutes and reports carry the specification
/// as an annex).
fn names_whole_specification(l: &str) -> bool {
    [
        "against the full person specification",
        "against the whole person specification",
        "against the full specification",
        "against every criterion",
        "against all the criteria",
        "against all of the criteria",
        // Everyone shortlisted goes on to the interview: every criterion is asked about.
        "shortlisted candidates be interviewed",
        "shortlisted candidates will be interviewed",
    ]
    .iter()
    .any(|p| l.contains(p))
        // Minutes and reports carry the specification as an annex: "shortlisting be done
        // from application forms against Annex A".
        || ["against annex ", "against appendix ", "against schedule "]
            .iter()
            .any(|p| {
                l.split(p).skip(1).any(|rest| {
                    rest.split(|c: char| !c.is_alphanumeric())
                        .next()
                        .is_some_and(|w| !w.is_empty() && w.chars().count() <= 2)
                })
            })
}

/// The methods of a sentence of prose that says the whole specification is assessed at a
/// stage: "that shortlisted candidates be interviewed by the Committee against the full
/// person specification at Appendix 1". `None` for any other sentence (one naming a
/// level is [`level_sentence_methods`]'s; a guaranteed-interview scheme says who is
/// interviewed, not how).
fn whole_sentence_methods(sentence: &str) -> Option<Vec<Method>> {
    let l = lower(sentence);
    if words_count(&l) > 45 || l.contains("guarantee") {
        return None;
    }
    let whole = names_whole_specification(&l);
    let verb = [
        "assessed",
        "interviewed",
        "tested",
        "evaluated",
        "judged",
        "scored",
        "shortlisting",
        "shortlisted",
    ]
    .iter()
    .any(|v| l.contains(v));
    if !whole || !verb {
        return None;
    }
    let found = named_methods(&l.replace("interviewed", "interview"));
    (!found.is_empty()).then_some(found)
}

/// The methods of a sentence of prose outside the specification that says how the
/// criteria under a category are assessed: "… a role play of a telephone call with a
/// parent …, to assess the criteria under 'Communication' in Annex A". `None` unless the
/// sentence has an assessing verb and names a category as the criteria under it.
fn area_sentence_methods(sentence: &str, categories: &[String]) -> Option<Vec<Method>> {
    let l = lower(sentence);
    if words_count(&l) > 45 || !l.contains("criteria under ") {
        return None;
    }
    let tail = l.split_once("criteria under ")?.1;
    let tail = tail.trim_start_matches(['\'', '‘', '"', '“']);
    if !categories.iter().any(|c| tail.starts_with(c.as_str())) {
        return None;
    }
    sentence_methods(sentence)
}

/// The requirement levels a sentence names: (essential, desirable, whether a level is
/// named as a set of criteria). Besides "essential" and "desirable", the words packs use
/// for the two levels when they qualify the criteria: "the minimum requirements", "the
/// preferred (or preferable) criteria", "additional criteria".
fn levels_named(l: &str) -> (bool, bool, bool) {
    let words: Vec<&str> = l
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let noun = |w: &str| matches!(w, "criteria" | "criterion" | "requirements" | "requirement");
    let level_word = |w: &str| {
        matches!(
            w,
            "essential" | "desirable" | "minimum" | "preferred" | "preferable" | "additional"
        )
    };
    // A level word qualifying the criteria, perhaps through another ("additional/preferred
    // requirements", "essential and desirable criteria").
    let qualifies = |at: usize| {
        words[at + 1..]
            .iter()
            .find(|w| !level_word(w) && !matches!(**w, "and" | "or"))
            .is_some_and(|w| noun(w))
    };
    let mut essential = l.contains("essential");
    let mut desirable = l.contains("desirable");
    let mut named = false;
    for (at, w) in words.iter().enumerate() {
        if !level_word(w) || !qualifies(at) {
            continue;
        }
        match *w {
            "essential" | "minimum" => essential = true,
            "desirable" | "preferred" | "preferable" => desirable = true,
            // "additional criteria"; "additional requirements" alone may be conditions.
            _ => {
                if words.get(at + 1).is_some_and(|n| n.starts_with("criteri")) {
                    desirable = true;
                } else {
                    continue;
                }
            }
        }
        named = true;
    }
    // An agency's or a charity's plain words for the two sets: "all the must-haves and
    // nice-to-haves".
    for (set, is_essential) in [
        ("must-have", true),
        ("must haves", true),
        ("nice-to-have", false),
        ("nice to haves", false),
    ] {
        if l.contains(set) {
            if is_essential {
                essential = true;
            } else {
                desirable = true;
            }
            named = true;
        }
    }
    (essential, desirable, named)
}

/// Whether `phrase` occurs in `text` as whole words.
/// Whether a selection-process sentence names a criterion: its words (two to eight of
/// them) in the lower-cased sentence `l`, or a one-word name in capitals as printed
/// ("three of the behaviours (Leadership, Communicating and Influencing …)").
fn named_in(sentence: &str, l: &str, description: &str) -> bool {
    let name = lower(description);
    match words_count(&name) {
        2..=8 => l.contains(&name),
        1 => {
            let word = description.trim();
            word.chars().count() >= 5
                && word.starts_with(|c: char| c.is_uppercase())
                && contains_phrase(sentence, word)
        }
        _ => false,
    }
}

fn contains_phrase(text: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    text.match_indices(phrase).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Requirement labels in running text: `Essential:`, `Desirable —`, `Essential criteria:`,
/// `Hanfodol / Essential:` as (start, end of the label and its separator, requirement).
/// A label opens the text or follows a sentence end or a separator.
fn labels(text: &str) -> Vec<(usize, usize, Requirement)> {
    let mut out: Vec<(usize, usize, Requirement)> = Vec::new();
    let mut at = 0;
    let word_at = |from: usize| -> Option<(usize, usize)> {
        let rel = text[from..].find(|c: char| c.is_alphabetic())?;
        let start = from + rel;
        let end = text[start..]
            .find(|c: char| !c.is_alphanumeric())
            .map_or(text.len(), |e| start + e);
        Some((start, end))
    };
    while let Some((start, end)) = word_at(at) {
        at = end;
        if out.len() >= 50 {
            break;
        }
        let Some(requirement) = mark_word_in_full(&text[start..end]) else {
            continue;
        };
        let before = text[..start].trim_end();
        let opens = before.is_empty()
            || before.ends_with(['.', ';', ':', '—', '–', '-', '|', ')'])
            || before.ends_with("**")
            || text[..start]
                .trim_end_matches([' ', '\t'])
                .ends_with(super::blocks::BREAK);
        if !opens {
            continue;
        }
        let mut label_end = end;
        // "Hanfodol / Essential": the second half of a bilingual label.
        if let Some(after) = text[label_end..].trim_start().strip_prefix('/') {
            let from = text.len() - after.len();
            if let Some((s2, e2)) = word_at(from) {
                if text[from..s2].trim().is_empty()
                    && mark_word_in_full(&text[s2..e2]) == Some(requirement)
                {
                    label_end = e2;
                }
            }
        }
        let tail = text[label_end..].trim_start();
        for word in ["criteria", "requirements"] {
            if tail
                .get(..word.len())
                .is_some_and(|w| w.eq_ignore_ascii_case(word))
            {
                label_end = text.len() - tail.len() + word.len();
                break;
            }
        }
        let tail = text[label_end..].trim_start();
        let Some(sep) = tail
            .chars()
            .next()
            .filter(|c| matches!(*c, ':' | '—' | '–' | '-'))
        else {
            continue;
        };
        let after = &tail[sep.len_utf8()..];
        if !after.starts_with(char::is_whitespace) {
            continue;
        }
        let end = text.len() - after.trim_start().len();
        out.push((start, end, requirement));
        at = end;
    }
    out
}

/// A paragraph of labelled lists: "Essential: x; y; and z. Desirable: a." (optionally
/// after its category, "**Experience** — Essential — …").
struct Labelled {
    category: Option<String>,
    lists: Vec<(Requirement, Vec<String>)>,
    /// The sentences after the lists (how they are assessed).
    rest: Vec<String>,
}

fn labelled_paragraph(cell: &Cell) -> Option<Labelled> {
    // Line breaks kept: criteria may stand one a line after the label.
    let text = cell.text();
    let found = labels(&text);
    let first = found.first()?;
    let lead = collapse(&text[..first.0]);
    let lead = lead.as_str();
    let prefix = lead.trim_end_matches(['—', '–', '-', ':', '|']).trim();
    let category = if prefix.is_empty() {
        None
    } else {
        let bold = cell
            .emphasis
            .as_deref()
            .is_some_and(|e| collapse(e).trim_end_matches(':') == prefix);
        let named = words_count(prefix) <= 6 && !prefix.ends_with('.') && prefix.len() < lead.len();
        if !(bold || named) {
            return None;
        }
        Some(category_name(prefix))
    };
    let mut lists = Vec::new();
    let mut rest = Vec::new();
    for (n, &(_, end, requirement)) in found.iter().enumerate() {
        let stop = found.get(n + 1).map_or(text.len(), |next| next.0);
        let segment = text[end..stop].trim();
        let (list, after) = match sentence_end(segment) {
            Some(at) => (&segment[..at], &segment[at..]),
            None => (segment, ""),
        };
        let list = list.trim().trim_end_matches('.');
        let separator = if list.contains(';') {
            ';'
        } else {
            super::blocks::BREAK
        };
        let items: Vec<String> = list
            .split(separator)
            .map(|item| {
                let item = collapse(item);
                let item = item.as_str();
                let item = item
                    .strip_prefix("and ")
                    .or_else(|| item.strip_prefix("or "))
                    .unwrap_or(item);
                item.trim().to_string()
            })
            .filter(|item| !item.is_empty())
            .collect();
        if items.is_empty() {
            return None;
        }
        lists.push((requirement, items));
        rest.extend(split_sentences(&collapse(after)));
    }
    Some(Labelled {
        category,
        lists,
        rest,
    })
}

/// A table cell's criteria: its items, and the lines of an item (manual line breaks); a
/// line opening in lower case continues the one before.
fn cell_items(cell: &Cell) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in &cell.items {
        for (n, piece) in item.text.split(super::blocks::BREAK).enumerate() {
            let t = collapse(piece);
            if blank(&t) {
                continue;
            }
            let continues = n > 0 && t.chars().next().is_some_and(char::is_lowercase);
            match out.last_mut() {
                Some(last) if continues => {
                    last.push(' ');
                    last.push_str(&t);
                }
                _ => out.push(t),
            }
        }
    }
    out
}

/// The criteria of one paragraph of an Essential or Desirable cell written one a line
/// without bullets: the text split at its line breaks where a line of a few words ends
/// (not on a joining word) and the next opens a new one with a capital; anything else is
/// one text ("Degree in *Nursing* Studies" keeps its italic's break).
fn line_pieces(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in text.split(super::blocks::BREAK) {
        let t = collapse(piece);
        if t.is_empty() {
            continue;
        }
        let opens = t.chars().next().is_some_and(char::is_uppercase) && words_count(&t) >= 2;
        match out.last_mut() {
            Some(last) if !opens || !ends_a_line(last) => {
                last.push(' ');
                last.push_str(&t);
            }
            _ => out.push(t),
        }
    }
    out
}

/// Whether a line of a cell can end a criterion: a few words, not closing on a word
/// that joins it to the next line.
fn ends_a_line(line: &str) -> bool {
    let last = line
        .rsplit(' ')
        .next()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    words_count(line) >= 2
        && !line.ends_with([',', ':', ';', '-', '–', '('])
        && !matches!(
            last.as_str(),
            "and"
                | "or"
                | "of"
                | "in"
                | "the"
                | "a"
                | "an"
                | "to"
                | "with"
                | "for"
                | "on"
                | "at"
                | "by"
                | "as"
                | "including"
                | "such"
        )
}

/// A criterion cell holding a bold title and a sentence explaining it: the title.
fn bold_title(cell: &Cell) -> Option<String> {
    let bold = collapse(cell.emphasis.as_deref()?);
    if cell.items.len() < 2 {
        return None;
    }
    let first = collapse(&cell.items[0].text);
    let rest: Vec<String> = cell.items[1..].iter().map(|i| collapse(&i.text)).collect();
    let rest = rest.join(" ");
    let titled = first.trim_end_matches(':') == bold.trim_end_matches(':');
    (titled && (1..=12).contains(&words_count(&first)) && words_count(&rest) >= 4)
        .then(|| first.trim_end_matches(':').to_string())
}

/// A transposed grid: categories across the header row, requirement levels (and perhaps
/// the methods) down the first column. The index of the header row.
fn transposed(cells: &[&Vec<Cell>]) -> Option<usize> {
    let header = cells.first()?;
    if header.len() < 3 || cells.len() < 2 {
        return None;
    }
    let names: Vec<String> = header[1..].iter().map(Cell::plain).collect();
    let categories = names.iter().all(|n| {
        !n.is_empty()
            && words_count(n) <= 8
            && !matches!(
                header_role(n),
                Role::Essential | Role::Desirable | Role::Mark | Role::Method | Role::Number
            )
    });
    if !categories {
        return None;
    }
    let mut levels = 0;
    for row in &cells[1..] {
        let first = row.first().map(Cell::plain).unwrap_or_default();
        if is_mark_word(&first).is_some() || requirement_heading(&first).is_some() {
            levels += 1;
        } else if header_role(&first) != Role::Method {
            return None;
        }
    }
    (levels > 0).then_some(0)
}

/// `Title (E) – an explanation …`: the title and the mark, when a short title carries the
/// mark and a longer explanation follows a dash or colon.
fn titled_mark(s: &str) -> Option<(String, Requirement)> {
    for (mark, requirement) in [
        ("(E)", Requirement::Essential),
        ("(D)", Requirement::Desirable),
        ("(Essential)", Requirement::Essential),
        ("(Desirable)", Requirement::Desirable),
    ] {
        let Some(at) = s.find(mark) else { continue };
        let title = s[..at].trim();
        let after = s[at + mark.len()..].trim_start();
        let Some(explanation) = after.strip_prefix(['–', '—', '-', ':']) else {
            continue;
        };
        if (1..=10).contains(&words_count(title)) && words_count(explanation) >= 4 {
            return Some((title.to_string(), requirement));
        }
    }
    None
}

/// A criterion number that carries its requirement, `E1`, `D2.`, `(E3)`: the requirement
/// and the text after it.
fn requirement_number(s: &str) -> Option<(Requirement, String)> {
    let t = s.trim_start().trim_start_matches('(');
    let (requirement, len) = requirement_ref(t)?;
    let rest = t[len..].trim_start_matches(['.', ')', ':']);
    let capital = rest.trim().chars().next().is_some_and(char::is_uppercase);
    (rest.starts_with(char::is_whitespace) && capital && words_count(rest) >= 2)
        .then(|| (requirement, rest.trim().to_string()))
}

/// A criterion reference that carries its requirement at the start of `t`: `E1`, `D12`,
/// `E.1`, `E-2`, `Ess1`, `ESS.2`, `Des 3`: the requirement and the reference's length.
/// The one-letter forms are capitals; the reference ends at its digits.
fn requirement_ref(t: &str) -> Option<(Requirement, usize)> {
    let letters: String = t.chars().take_while(char::is_ascii_alphabetic).collect();
    let requirement = match letters.as_str() {
        "E" | "Ess" | "ESS" => Requirement::Essential,
        "D" | "Des" | "DES" => Requirement::Desirable,
        _ => return None,
    };
    let mut at = letters.len();
    // "E.1", "E-1"; "Ess 1" (a space only after the three-letter forms).
    if let Some(sep) = t[at..].chars().next().filter(|c| matches!(c, '.' | '-')) {
        at += sep.len_utf8();
    } else if letters.len() == 3 && t[at..].starts_with(' ') {
        at += 1;
    }
    let digits = t[at..].chars().take_while(char::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    at += digits;
    // The reference ends there: "E1", not "E12b" or "E1.5".
    let next = t[at..].chars().next();
    let after = t[at..].chars().nth(1);
    let ends = match next {
        None => true,
        Some(c) if c.is_whitespace() || matches!(c, ')' | ':') => true,
        Some('.') => !after.is_some_and(|c| c.is_ascii_digit()),
        _ => false,
    };
    ends.then_some((requirement, at))
}

/// A paragraph that opens with a criterion reference carrying the requirement, then the
/// criterion (`E1 Degree in …`, `D2. Experience of …`): the requirement.
fn reference_paragraph(cell: &Cell) -> Option<Requirement> {
    if cell.items.len() != 1 || cell.items[0].bullet {
        return None;
    }
    let text = cell.plain();
    let (requirement, _) = requirement_number(&text)?;
    // A sentence about references ("E1 and E2 are assessed …") is not one: the criterion
    // after the reference is short of a paragraph of prose.
    (words_count(&text) <= 60).then_some(requirement)
}

/// A cell holding only a criterion reference (`E1`, `D2`, `Ess.3`): its requirement.
fn reference_cell(text: &str) -> Option<Requirement> {
    let t = collapse(text);
    let t = t
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['.', ')', ':']);
    let (requirement, len) = requirement_ref(t)?;
    (len == t.len()).then_some(requirement)
}

/// Everything the walk collects.
struct Walk<'a> {
    codes: &'a Codes,
    cands: Vec<Cand>,
    key_blocks: HashSet<usize>,
    /// Paragraph indices consumed as part of the specification (not prose).
    used: HashSet<usize>,
    blanket_methods: Option<Vec<Method>>,
    blanket_essential: bool,
    scoped: Vec<Scoped>,
    /// The category printed at the head of the item being pushed ("SKILLS: …").
    item_category: Option<String>,
    /// Under a bullet naming a category (`nested`): the depth of its criteria bullets.
    criteria_depth: Option<usize>,
    /// The line and depth of the list item the last criterion was read from: an item as
    /// deep after it is its sibling, not a part of it ("(a) …", "(b) …" under a heading).
    item_depth: Option<(usize, usize)>,
}

impl Walk<'_> {
    /// Keeps a sentence that says how criteria are assessed; true when it did.
    fn method_sentence(&mut self, ctx: &Ctx, sentence: &str) -> bool {
        if let Some(clauses) = level_clauses(sentence) {
            for (clause, found) in clauses {
                self.scoped_sentence(ctx, &clause, found);
            }
            return true;
        }
        let Some(found) = sentence_methods(sentence) else {
            return false;
        };
        self.scoped_sentence(ctx, sentence, found);
        true
    }

    fn scoped_sentence(&mut self, ctx: &Ctx, sentence: &str, found: Vec<Method>) {
        let start = ctx.area_start.min(self.cands.len());
        let area = (start < self.cands.len()).then_some((start, self.cands.len()));
        if self.scoped.len() < 200 {
            self.scoped.push(Scoped {
                sentence: lower(sentence),
                methods: found,
                area,
                level: ctx.requirement.filter(|_| ctx.category.is_none()),
                in_spec: true,
            });
        }
    }

    fn push(&mut self, ctx: &mut Ctx, line: usize, raw: &str, inline: Inline, extra: Vec<Method>) {
        // Items straight under a requirement heading make it a flat list.
        if !ctx.items && ctx.category.is_none() {
            ctx.flat = ctx.requirement.is_some();
        }
        ctx.items = true;
        let item_category = self.item_category.take();
        let mut inline = inline;
        if ctx.screening {
            inline.description = without_answer_options(&inline.description).to_string();
        }
        if self.cands.len() >= MAX_CRITERIA || inline.description.is_empty() {
            return;
        }
        // A line explaining the marks ("● shows whether a criterion is essential or
        // desirable") is the table's key.
        if explains_marks(&inline.description) {
            return;
        }
        // A template's guidance note or example row left in ("Guidance: …", "EXAMPLE –
        // delete: …", a struck-out row) is no criterion of this post.
        if template_guidance(raw) || template_guidance(&inline.description) {
            return;
        }
        // A brochure's fact box ("Did you know? Nine out of ten …") is no criterion.
        if lower(&inline.description).starts_with("did you know") {
            return;
        }
        // A line that only holds codes or marks is not a criterion.
        if code_methods(&inline.description, self.codes).is_some()
            || is_mark_word(&inline.description).is_some()
        {
            return;
        }
        let mut m = inline.methods.clone();
        m.extend(extra);
        let mut coded = !m.is_empty();
        let mut prose = false;
        // (A screening question's application stage is its own, whole.)
        let staged = ctx.stage.is_some() && !ctx.screening && m.is_empty();
        // The stage's methods, unless the criterion states its own: a "How assessed"
        // column under a "Step 2: Supporting statement" heading says where each is looked
        // for, the step only when the table starts.
        if let Some(stage) = ctx.stage.as_ref().filter(|_| m.is_empty()) {
            m.extend(stage.iter().copied());
            coded = true;
        }
        if let Some(own) = ctx.heading_methods.as_ref().filter(|_| !coded) {
            m.extend(own.iter().copied());
            coded = true;
        }
        if !coded {
            if let Some(intro) = &ctx.intro {
                m.extend(intro.iter().copied());
                prose = true;
            }
        }
        self.cands.push(Cand {
            line,
            source: collapse(raw).chars().take(200).collect(),
            category: item_category.or_else(|| ctx.category.clone()),
            group: ctx.group.clone(),
            description: inline.description,
            requirement: inline.requirement.or(ctx.requirement),
            methods: methods::sort(m),
            coded,
            prose,
            staged,
        });
    }
}

/// Whether the section under the heading at `index` (up to the next heading) holds a
/// table headed by a criteria column and a mark or method column.
fn criteria_table_follows(blocks: &[Block], index: usize) -> bool {
    for (j, block) in blocks.iter().enumerate().skip(index + 1).take(8) {
        if heading_level(blocks, j) > 0 {
            return false;
        }
        if let BlockKind::Row(cells) = &block.kind {
            let roles: Vec<Role> = cells.iter().map(|c| header_role(&c.plain())).collect();
            return roles.contains(&Role::Criterion)
                && roles.iter().any(|r| {
                    matches!(
                        r,
                        Role::Method | Role::Mark | Role::Essential | Role::Desirable
                    )
                });
        }
    }
    false
}

/// How many headings open a person specification ("Person specification", "Selection
/// criteria"; not "Essential criteria", which heads a list).
pub fn specification_headings(blocks: &[Block]) -> usize {
    (0..blocks.len())
        .filter(|&i| {
            let text = block_text(&blocks[i]);
            heading_level(blocks, i) > 0 && is_start(&text) && requirement_heading(&text).is_none()
        })
        .count()
}

/// Whether a requirement heading sits below a category heading of a higher level
/// (`### Skills` then `#### Essential criteria`).
pub fn nested_requirement_headings(blocks: &[Block]) -> bool {
    let mut above: Option<usize> = None;
    for (i, block) in blocks.iter().enumerate() {
        if heading_level(blocks, i) == 0 {
            continue;
        }
        let text = block_text(block);
        // A bold or short line heads below any marked-up heading.
        let level = match block.kind {
            BlockKind::Heading(_) => block.level,
            _ => MAX_HEADING_DEPTH,
        };
        if requirement_heading(&text).is_some() {
            let below = |above: usize| level > above || level == MAX_HEADING_DEPTH;
            if above.is_some_and(below) {
                return true;
            }
        } else if is_start(&text) || is_stop(&text) {
            above = None;
        } else {
            above = Some(level);
        }
    }
    false
}

/// The heading of a section that lists criteria stage by stage ("Our selection process"
/// over "### Sift – application form", "### Written exercise", "### Interview"): one of
/// two or more stage headings, each followed by criteria (a list or a table). The
/// innermost such heading (not the page's title above it).
fn stage_sections(blocks: &[Block]) -> Option<usize> {
    (0..blocks.len()).rev().find(|&i| {
        // A heading, or a line in capitals (a plain-text document's section heading,
        // which the next such line ends).
        let capitals =
            matches!(blocks[i].kind, BlockKind::Paragraph(_)) && heading_level(blocks, i) == 2;
        if !matches!(blocks[i].kind, BlockKind::Heading(_)) && !capitals {
            return false;
        }
        let level = blocks[i].level;
        let mut stages = 0;
        for (j, block) in blocks.iter().enumerate().skip(i + 1).take(400) {
            let ends = if capitals {
                matches!(block.kind, BlockKind::Paragraph(_)) && heading_level(blocks, j) == 2
            } else {
                matches!(block.kind, BlockKind::Heading(_)) && block.level <= level
            };
            if ends {
                break;
            }
            let opens = blocks[j + 1..]
                .iter()
                .take(4)
                .any(|b| matches!(b.kind, BlockKind::ListItem { .. } | BlockKind::Row(_)));
            if heading_level(blocks, j) > 0 && opens && stage_heading(&block_text(block)).is_some()
            {
                stages += 1;
            }
        }
        stages >= 2
    })
}

/// A category printed at the head of a bullet, "SKILLS: Able to …", "Experience –
/// Experience of …": the category as printed and the criterion.
fn category_prefix(text: &str) -> Option<(String, String)> {
    let t = collapse(text);
    let (head, rest) = [": ", " – ", " — ", " - "]
        .iter()
        .filter_map(|sep| t.split_once(sep))
        .min_by_key(|(head, _)| head.len())?;
    let (head, rest) = (head.trim(), rest.trim());
    let label = (1..=3).contains(&words_count(head))
        && head.len() <= 30
        && head.starts_with(char::is_uppercase)
        && head
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, ' ' | '&'))
        && is_mark_word(head).is_none()
        && requirement_heading(head).is_none();
    let criterion = words_count(rest) >= 2 && rest.starts_with(char::is_uppercase);
    (label && criterion).then(|| (head.to_string(), rest.to_string()))
}

/// Whether the document's bullets open with their category (see [`category_prefix`]):
/// four or more do, and two or more categories head several each.
fn prefixed_items(blocks: &[Block]) -> bool {
    let mut counts: std::collections::HashMap<String, usize> = Default::default();
    let mut items = 0;
    for block in blocks {
        if let BlockKind::ListItem { text, .. } = &block.kind {
            if let Some((head, _)) = category_prefix(text) {
                items += 1;
                *counts.entry(lower(&head)).or_insert(0) += 1;
            }
        }
    }
    items >= 4 && counts.values().filter(|n| **n >= 2).count() >= 2
}

/// A line explaining what the marks of a table mean: it names both levels and the
/// columns or what a mark shows ("● shows whether a criterion is essential or desirable.
/// The final column shows how it will be identified").
fn explains_marks(text: &str) -> bool {
    let l = lower(text);
    l.contains("essential")
        && l.contains("desirable")
        && ["column", "shows whether", "indicates whether", "denotes"]
            .iter()
            .any(|w| l.contains(w))
}

/// Deeper than any marked-up heading (`######`).
const MAX_HEADING_DEPTH: usize = 7;

/// The longest key line read ("How assessed: A = application form …" runs to a few hundred
/// characters; a bounded scan keeps a hostile megabyte-long line cheap).
const MAX_KEY_BYTES: usize = 2_000;

/// The codes a document's key lines define, and the blocks that are key lines.
fn read_keys(blocks: &[Block]) -> (Codes, HashSet<usize>) {
    let mut codes = Codes::default();
    let mut key_blocks = HashSet::new();
    for (i, block) in blocks.iter().enumerate() {
        let keyish = match &block.kind {
            BlockKind::Paragraph(_) | BlockKind::ListItem { .. } | BlockKind::Heading(_) => true,
            BlockKind::Row(cells) => cells.len() == 1,
        };
        if !keyish {
            continue;
        }
        // A key is a line or two: a longer block is no key (and is not scanned as one).
        let text = block_text(block);
        if text.len() <= MAX_KEY_BYTES && codes.read_key(&text) {
            key_blocks.insert(i);
        }
    }
    (codes, key_blocks)
}

/// The items of lists that explain the selection's stages, two or more in a row, each a
/// stage's name and what it is ("Application – your application form and supporting
/// statement", "Interview – a panel interview with …", "Pre-employment – checks made
/// after an offer"): a key to the stages, not criteria.
fn stage_list_items(blocks: &[Block]) -> Vec<usize> {
    const STAGE_WORDS: &[&str] = &[
        "application",
        "form",
        "sift",
        "shortlisting",
        "assessment",
        "centre",
        "center",
        "interview",
        "interviews",
        "panel",
        "test",
        "tests",
        "testing",
        "exercise",
        "exercises",
        "presentation",
        "written",
        "practical",
        "online",
        "pre",
        "employment",
        "checks",
        "references",
        "stage",
        "day",
        "and",
    ];
    let stage_item = |text: &str| -> bool {
        let Some((head, rest)) = text
            .split_once(" – ")
            .or_else(|| text.split_once(" — "))
            .or_else(|| text.split_once(" - "))
        else {
            return false;
        };
        let head = lower(head);
        let words: Vec<&str> = head
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        (1..=3).contains(&words.len())
            && words.iter().all(|w| STAGE_WORDS.contains(w))
            && words_count(rest) >= 3
    };
    let mut out = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        match &block.kind {
            BlockKind::ListItem { text, .. } if stage_item(text) => run.push(i),
            _ => {
                if run.len() >= 2 {
                    out.append(&mut run);
                }
                run.clear();
            }
        }
    }
    if run.len() >= 2 {
        out.append(&mut run);
    }
    out
}

/// Whether the document defines its own method codes in a key line ("How assessed: S =
/// shortlisting …; P = practical clinical scenario"): then a code means what the key says,
/// which only the reading by meaning knows.
pub fn defines_codes(blocks: &[Block]) -> bool {
    !read_keys(blocks).1.is_empty()
}

/// The person specification read by meaning, or `None` when the document holds none.
pub fn find(blocks: &[Block]) -> Option<ImportedSpec> {
    // What you do not need ("You don't need:", "Not required") is no criterion.
    let pruned = super::notneeded::apply(blocks);
    let blocks = pruned.as_deref().unwrap_or(blocks);
    // A "What you'll bring" | "What we'll give you" table: only its left column is criteria.
    let exchanged = super::exchange::apply(blocks);
    let blocks = exchanged.as_deref().unwrap_or(blocks);
    // A letter to applicants whose lead-in sentences introduce the essential and
    // desirable lists: the lead-ins are read as the headings they amount to.
    let lettered = super::letter::apply(blocks);
    let blocks = lettered.as_deref().unwrap_or(blocks);
    // A specification printed as rows of the job-details table ("Qualifications
    // (essential)") is read as the criteria table it amounts to.
    let from_details = super::detailrows::as_table(blocks, has_start_heading(blocks));
    let blocks = from_details.as_deref().unwrap_or(blocks);
    // Criteria printed as labelled records are read as the table they amount to.
    let rewritten = super::records::as_tables(blocks);
    let blocks = rewritten.as_deref().unwrap_or(blocks);
    // So are criteria typed as dot-leader lines ("Excellent written English .... E  AF").
    let leadered = super::leaders::as_tables(blocks);
    let blocks = leadered.as_deref().unwrap_or(blocks);
    // And tables whose columns ask questions answered Yes or No ("Essential?",
    // "Explored at interview?").
    let answered = super::yesno::as_tables(blocks);
    let blocks = answered.as_deref().unwrap_or(blocks);
    // And flyer-style panels side by side (a bold category, bullets, "Assessed by: …").
    let paneled = super::panels::as_tables(blocks);
    let blocks = paneled.as_deref().unwrap_or(blocks);
    // Levels under a legend's own words ("Core" / "Additional") are read as the levels.
    let levelled = super::legend::apply(blocks);
    let blocks = levelled.as_deref().unwrap_or(blocks);
    // And levels given by bold type alone ("Criteria shown in bold are essential").
    let emboldened = super::boldlegend::apply(blocks);
    let blocks = emboldened.as_deref().unwrap_or(blocks);
    // Criteria numbered in the text, their levels and methods in a table keyed by number.
    let looked_up = super::lookup::apply(blocks);
    let blocks = looked_up.as_deref().unwrap_or(blocks);
    let (codes, mut key_blocks) = read_keys(blocks);
    key_blocks.extend(stage_list_items(blocks));
    let mut walk = Walk {
        codes: &codes,
        cands: Vec::new(),
        key_blocks,
        used: HashSet::new(),
        blanket_methods: None,
        blanket_essential: false,
        scoped: Vec::new(),
        item_category: None,
        criteria_depth: None,
        item_depth: None,
    };
    // Bullets naming the category of the marked bullets under them.
    let category_items = super::nested::category_items(blocks, |text| {
        let inline = parse_inline(text, &codes);
        super::nested::Marks {
            requirement: inline.requirement.is_some(),
            methods: !inline.methods.is_empty(),
        }
    });
    // Bullets that each open with their category ("EXPERIENCE: …", "Skills – …").
    let prefixed = prefixed_items(blocks);
    let has_start = blocks
        .iter()
        .enumerate()
        .any(|(i, b)| heading_level(blocks, i) > 0 && is_start(&block_text(b)));
    // Without a specification heading, the selection process that lists the criteria
    // stage by stage opens it.
    let stage_start = (!has_start).then(|| stage_sections(blocks)).flatten();
    // Failing any other, an advert's "What you'll need" section heading opens it.
    let need_start = (!has_start && stage_start.is_none())
        .then(|| {
            blocks.iter().position(|b| {
                matches!(b.kind, BlockKind::Heading(_)) && need_heading(&block_text(b))
            })
        })
        .flatten();
    let stage_start = stage_start.or(need_start);
    let has_start = has_start || stage_start.is_some();
    let other_start = blocks.iter().enumerate().any(|(i, b)| {
        let text = block_text(b);
        heading_level(blocks, i) > 0 && is_start(&text) && !competency_start(&text)
    });
    // Paragraphs opening with a criterion reference ("E1", "D2"): criteria when the
    // document has several.
    let references = blocks
        .iter()
        .filter(|b| matches!(&b.kind, BlockKind::Paragraph(cell) if reference_paragraph(cell).is_some()))
        .count();
    let mut inside = !has_start;
    let mut started = false;
    // The marked-up level of the heading that opened the specification (0: none), and
    // the level of a stop heading below it whose section is set aside.
    let mut start_level = 0;
    let mut suspended: Option<usize> = None;
    let mut ctx = Ctx::default();
    let mut start_line = None;
    let mut index = 0;
    while index < blocks.len() {
        let block = &blocks[index];
        let level = heading_level(blocks, index);
        let text = block_text(block);
        // Inside the specification, "Essential criteria" heads a list, not a new start.
        let requirement_inside = started
            && inside
            && (requirement_heading(&text).is_some() || level_stage_heading(&text).is_some());
        let start = (is_start(&text) || stage_start == Some(index))
            && !(other_start && competency_start(&text));
        if level > 0 && start && !requirement_inside {
            inside = true;
            started = true;
            ctx = Ctx {
                group: "person specification".into(),
                area_start: walk.cands.len(),
                ..Ctx::default()
            };
            start_line.get_or_insert(block.line);
            start_level = match block.kind {
                BlockKind::Heading(_) => block.level,
                _ => 0,
            };
            suspended = None;
            if let Some(req) = requirement_heading(&text) {
                ctx.requirement = Some(req);
            }
            if let Some((req, stage)) = level_stage_heading(&text) {
                ctx.requirement = Some(req);
                ctx.stage = Some(stage);
            }
            if screening_heading(&text) {
                ctx.screening_section(&text, start_level);
            }
            index += 1;
            continue;
        }
        // A heading followed by "What you must have" names an area of the specification
        // ("Our values"), however much it reads like the end of it.
        let area_follows = blocks.get(index + 1).is_some_and(|next| {
            heading_level(blocks, index + 1) > 0 && requirement_heading(&block_text(next)).is_some()
        });
        // "Our values" followed by a table of criteria and how each is assessed is an area
        // of the specification too.
        let criteria_follow = started && inside && criteria_table_follows(blocks, index);
        // So is one whose criteria are listed under how they are assessed ("###
        // Safeguarding" / "**Assessed at interview:**" / "- … (E)").
        let method_list_follows = started
            && inside
            && index + 2 < blocks.len()
            && heading_level(blocks, index + 1) > 0
            && stage_heading(&block_text(&blocks[index + 1])).is_some()
            && matches!(
                blocks.get(index + 2).map(|b| &b.kind),
                Some(BlockKind::ListItem { .. })
            );
        // A competency's name over its level line ("Safeguarding" / "Level 3 …") is a
        // criterion, however it reads.
        let names_competency = level > 0 && started && level_line_follows(blocks, index);
        if level > 0
            && is_stop(&text)
            && !walk.key_blocks.contains(&index)
            && !area_follows
            && !criteria_follow
            && !method_list_follows
            && !names_competency
        {
            // A stop heading below the specification's own, at the level of its category
            // headings ("### Strengths" among "### Behaviours" and "### Technical" under
            // "## Person specification"), sets aside its section only: a sibling heading
            // after it resumes the specification.
            suspended = (inside
                && started
                && block.level > start_level
                && start_level > 0
                && block.level == ctx.category_level
                && matches!(block.kind, BlockKind::Heading(_)))
            .then_some(block.level);
            inside = false;
            index += 1;
            continue;
        }
        if !inside
            && level > 0
            && matches!(block.kind, BlockKind::Heading(_))
            && suspended.is_some()
        {
            if suspended == Some(block.level) {
                inside = true;
                ctx.requirement = None;
                ctx.stage = None;
            } else if block.level < suspended.unwrap_or(0) {
                suspended = None;
            }
        }
        if !inside {
            index += 1;
            continue;
        }
        if walk.key_blocks.contains(&index) {
            index += 1;
            continue;
        }
        // (A form's export may space the label from its value like two cells of a row.)
        if started {
            if let Some(field) = block_field(block) {
                // "Requirement: Essential" / "Assessed by: Application form, Interview"
                // on lines of their own under a criterion are that criterion's.
                let owner = (1..=3)
                    .filter_map(|back| index.checked_sub(back))
                    .find(|&p| block_field(&blocks[p]).is_none());
                let owned = owner
                    .is_some_and(|p| walk.cands.last().is_some_and(|c| c.line == blocks[p].line));
                // Under a table of several rows ("Assessed by: application form and
                // interview" after each area's Essential | Desirable table), the methods
                // are the whole table's: every criterion read from its rows that states
                // none of its own.
                let table_from = owner.filter(|&p| {
                    p > 0
                        && matches!(blocks[p].kind, BlockKind::Row(_))
                        && matches!(blocks[p - 1].kind, BlockKind::Row(_))
                });
                if let (Some(p), Field::Methods(found)) = (table_from, &field) {
                    let first = (0..p)
                        .rev()
                        .take_while(|&q| matches!(blocks[q].kind, BlockKind::Row(_)))
                        .last()
                        .unwrap_or(p);
                    let (from, to) = (blocks[first].line, blocks[p].line);
                    for c in walk.cands.iter_mut().rev() {
                        if c.line < from {
                            break;
                        }
                        if c.line <= to && !c.coded {
                            c.methods = methods::sort(found.clone());
                            c.coded = true;
                            c.prose = false;
                        }
                    }
                }
                if owned {
                    if let Some(last) = walk.cands.last_mut() {
                        match field {
                            Field::Requirement(req) => last.requirement = Some(req),
                            Field::Methods(found) => {
                                last.methods = methods::sort(found);
                                last.coded = true;
                                last.prose = false;
                            }
                        }
                    }
                    walk.used.insert(index);
                    index += 1;
                    continue;
                }
            }
        }
        match &block.kind {
            BlockKind::Row(_) => {
                let end = blocks[index..]
                    .iter()
                    .position(|b| !matches!(b.kind, BlockKind::Row(_)))
                    .map_or(blocks.len(), |n| index + n);
                let found = table(&blocks[index..end], &mut ctx, &mut walk, has_start);
                if found {
                    start_line.get_or_insert(block.line);
                }
                index = end;
                continue;
            }
            BlockKind::Paragraph(_) if started && level_line(&text).is_some() => {
                // A competency: its name on the line before, then its level line, then
                // its indicators (not criteria).
                let here = index;
                let (req, mut found) = level_line(&text).unwrap_or_default();
                // "Assessed by: …" on a line of its own under the level line.
                if found.is_empty() {
                    if let Some(next) = blocks
                        .get(index + 1)
                        .filter(|b| matches!(b.kind, BlockKind::Paragraph(_)))
                    {
                        let l = lower(&block_text(next));
                        let assessed = ["assessed", "assessment", "how we'll assess", "method"]
                            .iter()
                            .any(|w| l.trim_start().starts_with(w));
                        if assessed && words_count(&l) <= 20 {
                            found = methods::words(&l);
                            if !found.is_empty() {
                                walk.used.insert(index + 1);
                                index += 1;
                            }
                        }
                    }
                }
                let prev = here.checked_sub(1).map(|p| (p, &blocks[p]));
                let last_is_prev =
                    prev.is_some_and(|(_, b)| walk.cands.last().is_some_and(|c| c.line == b.line));
                if last_is_prev {
                    if let Some(last) = walk.cands.last_mut() {
                        last.requirement = req.or(last.requirement);
                        if !found.is_empty() {
                            last.methods = methods::sort(found);
                            last.coded = true;
                            last.prose = false;
                        }
                    }
                } else if let Some((p, b)) = prev.filter(|(p, b)| {
                    matches!(b.kind, BlockKind::Paragraph(_) | BlockKind::Heading(_))
                        && (heading_level(blocks, *p) == 0 || level_line_follows(blocks, *p))
                        && !walk.used.contains(p)
                }) {
                    let name = category_name(&strip_enumerator(&block_text(b)));
                    if (1..=10).contains(&words_count(&name)) && !name.ends_with(['.', ':']) {
                        let inline = Inline {
                            description: name.clone(),
                            requirement: req,
                            methods: found,
                        };
                        walk.push(&mut ctx, b.line, &name, inline, Vec::new());
                        walk.used.insert(p);
                    }
                }
                ctx.indicators = true;
                walk.used.insert(here);
            }
            _ if names_competency => {
                // Read with the level line after it.
            }
            // An alternative route within a category ("Route A – qualified practitioner",
            // "Option 2: …") groups some of its criteria: the category, its level and how
            // it is assessed go on.
            _ if level > 0 && ctx.category.is_some() && route_heading(&text) => {
                walk.used.insert(index);
            }
            _ if level > 0 => {
                // A flat list ends at the next heading; a sub-heading straight under the
                // requirement heading ("Minimum requirements" / "Experience") divides it.
                let flat_ended = ctx.requirement.is_some() && ctx.flat && ctx.items;
                ctx.items = false;
                // "Knowledge and skills (assessed at interview)": the heading is the title,
                // the methods its criteria's.
                let (text, own_methods) = match titled_methods(&text) {
                    Some((title, found)) => (title, Some(found)),
                    None => (text, None),
                };
                ctx.heading_methods = None;
                ctx.indicators = false;
                if std::mem::take(&mut ctx.screening) {
                    ctx.stage = None;
                    ctx.requirement = None;
                }
                if requirement_heading(&text).is_none() {
                    ctx.area_start = walk.cands.len();
                }
                // A requirement heading below the category's heading level divides it.
                // So does a bold line under a category's heading ("**Assessed at
                // interview:**" under "### Experience").
                let under_category = ctx.category.is_some()
                    && ctx.category_level > 0
                    && (block.level > ctx.category_level
                        || matches!(block.kind, BlockKind::Paragraph(_)));
                if screening_heading(&text) {
                    ctx.screening_section(&text, block.level);
                } else if let Some((req, stage)) = level_stage_heading(&text) {
                    // "Section 2 – Essential criteria: assessed at interview": both.
                    ctx.flat = true;
                    ctx.requirement = Some(req);
                    ctx.requirement_heading_level = match block.kind {
                        BlockKind::Heading(_) => block.level,
                        _ => 0,
                    };
                    ctx.stage = Some(stage);
                    if !under_category {
                        ctx.category = None;
                    }
                } else if let Some(req) = requirement_heading(&text)
                    .or_else(|| category_requirement(&text).map(|(_, req)| req))
                {
                    ctx.flat = true;
                    ctx.requirement = Some(req);
                    ctx.requirement_heading_level = match block.kind {
                        BlockKind::Heading(_) => block.level,
                        _ => 0,
                    };
                    ctx.requirement_in_capitals = matches!(block.kind, BlockKind::Paragraph(_))
                        && text.chars().filter(|c| c.is_alphabetic()).count() >= 4
                        && text
                            .chars()
                            .filter(|c| c.is_alphabetic())
                            .all(char::is_uppercase);
                    if level == 2 && !under_category {
                        ctx.category = None;
                        ctx.stage = None;
                    }
                    // "Essential experience", "Desirable skills": the category too.
                    // "Experience – essential", "Desirable: Qualifications and training".
                    if let Some(area) = category_requirement(&text)
                        .map(|(area, _)| area)
                        .or_else(|| requirement_area(&text))
                    {
                        ctx.category = Some(area);
                        ctx.category_level = 0;
                    }
                } else if let Some(stage) = stage_heading(&text) {
                    ctx.stage = Some(stage);
                    ctx.requirement = None;
                    // The stage names its criteria's group ("Stage 2: Written exercise"),
                    // unless it divides a category's own.
                    if !under_category {
                        ctx.category = Some(category_name(&text));
                        ctx.category_level = block.level;
                    }
                } else if level == 2 {
                    ctx.category = Some(category_name(&text));
                    ctx.category_level = block.level;
                    ctx.group = lower(&text);
                    let below_capitals = ctx.requirement_in_capitals
                        && matches!(block.kind, BlockKind::Heading(_))
                        && block.level >= 2;
                    // "#### Experience" under "### Desirable criteria".
                    let below_requirement = ctx.requirement.is_some()
                        && ctx.requirement_heading_level > 0
                        && matches!(block.kind, BlockKind::Heading(_))
                        && block.level > ctx.requirement_heading_level;
                    if !below_capitals && !below_requirement {
                        ctx.requirement = None;
                        ctx.requirement_in_capitals = false;
                    }
                    ctx.stage = None;
                } else {
                    ctx.category = Some(category_name(&text));
                    ctx.category_level = block.level;
                    if flat_ended {
                        ctx.requirement = None;
                    }
                    ctx.flat = false;
                }
                if requirement_heading(&text).is_none() {
                    ctx.heading_methods = own_methods;
                }
                ctx.intro = None;
            }
            BlockKind::Paragraph(cell)
                if references >= 2
                    && (has_start || ctx.category.is_some() || ctx.requirement.is_some())
                    && reference_paragraph(cell).is_some() =>
            {
                // "E1 ⇥ Degree in … – [A]": a criterion whose reference gives its
                // requirement, one a paragraph.
                let inline = parse_inline(&text, walk.codes);
                walk.push(&mut ctx, block.line, &text, inline, Vec::new());
                start_line.get_or_insert(block.line);
                walk.used.insert(index);
            }
            BlockKind::Paragraph(cell) => {
                if !text.trim_end().ends_with(':') {
                    ctx.indicators = false;
                }
                // "Essential: x; y; and z. Desirable: a; b." – one criterion an item.
                let labelled = labelled_paragraph(cell)
                    .filter(|_| has_start || ctx.requirement.is_some() || ctx.category.is_some());
                if let Some(found) = labelled {
                    if let Some(category) = found.category {
                        if ctx.category.as_deref() != Some(category.as_str()) {
                            ctx.category = Some(category);
                            ctx.category_level = 0;
                            ctx.area_start = walk.cands.len();
                        }
                    }
                    for (requirement, items) in found.lists {
                        for item in items {
                            let mut inline = parse_inline(&item, walk.codes);
                            inline.requirement = inline.requirement.or(Some(requirement));
                            walk.push(&mut ctx, block.line, &item, inline, Vec::new());
                        }
                    }
                    for sentence in &found.rest {
                        walk.method_sentence(&ctx, sentence);
                    }
                    start_line.get_or_insert(block.line);
                    walk.used.insert(index);
                    index += 1;
                    continue;
                }
                // A paragraph of several sentences, some saying how criteria are
                // assessed: each settles its own criteria (a category it names, the
                // essential ones, all, or the ones just read).
                let parts = split_sentences(&text);
                // Selection-process prose whose clauses assess groups of criteria apart
                // ("At sift … against the criteria and the behaviours. … an interview
                // covering the criteria and behaviours, and a written exercise which
                // assesses the technical skill") is read with the whole document's
                // criteria known, after the walk.
                let grouped = parts
                    .iter()
                    .any(|p| !group_clauses(&lower(p), &[]).is_empty());
                if grouped && started {
                    index += 1;
                    continue;
                }
                if parts.len() >= 2 && parts.iter().any(|p| sentence_methods(p).is_some()) {
                    // "Stage 2 – Interview. The interview will assess …": the stage's
                    // methods for what the sentences after it name.
                    let mut stage: Option<Vec<Method>> = None;
                    let mut previous: Option<String> = None;
                    for part in &parts {
                        let title = part.trim_end_matches('.');
                        if words_count(title) <= 6 {
                            if let Some(found) = stage_heading(title) {
                                stage = Some(found);
                                continue;
                            }
                        }
                        let l = lower(part);
                        if l.contains("all ")
                            && l.contains("criteria")
                            && l.contains("essential")
                            && !l.contains("desirable")
                        {
                            walk.blanket_essential = true;
                        }
                        // "All of the criteria below are essential. We will assess them
                        // from your application form and at interview.": a sentence that
                        // refers back to all the criteria gives every criterion's methods.
                        let all_before = previous.as_deref().is_some_and(names_all_criteria);
                        previous = Some(l.clone());
                        // "At interview you will also give a presentation …": everyone
                        // shortlisted is interviewed, so the interview joins the methods
                        // the specification's opening gave every criterion.
                        if (l.starts_with("at interview") || l.starts_with("at the interview"))
                            && l.contains(" also ")
                        {
                            if let Some(blanket) = walk.blanket_methods.as_mut() {
                                if !blanket.contains(&Method::Interview) {
                                    blanket.push(Method::Interview);
                                    *blanket = methods::sort(std::mem::take(blanket));
                                }
                            }
                        }
                        if all_before && refers_back(&l) && walk.blanket_methods.is_none() {
                            if let Some(found) = sentence_methods(part) {
                                walk.blanket_methods = Some(found);
                                continue;
                            }
                        }
                        if !walk.method_sentence(&ctx, part) {
                            if let Some(found) = &stage {
                                walk.scoped_sentence(&ctx, part, found.clone());
                            }
                        }
                    }
                    walk.used.insert(index);
                    index += 1;
                    continue;
                }
                let l = lower(&text);
                // "Requirements are essential unless they are marked (desirable)": an
                // unmarked criterion is essential by the document's word.
                if l.contains(" essential unless ") {
                    walk.blanket_essential = true;
                }
                let all = l.starts_with("all ") || l.contains(" all ");
                // "Unless a method is shown in square brackets, the criterion will be
                // assessed from your application form": the methods of every criterion
                // that states none.
                let unless = l.starts_with("unless") && l.contains("assessed");
                if all
                    && l.contains("criteria")
                    && (l.contains("essential") || l.contains("assess"))
                    || unless && words_count(&l) <= 30
                {
                    if l.contains("essential") && !l.contains("desirable") {
                        walk.blanket_essential = true;
                    }
                    if let Some(at) = l.find("assess") {
                        let found = methods::words(&l[at..]);
                        if !found.is_empty() {
                            walk.blanket_methods = Some(found);
                        }
                    }
                    walk.used.insert(index);
                } else if let Some(found) = area_methods(&text) {
                    // Trailing the area's criteria it covers them; leading, it covers the
                    // ones that follow.
                    let covered = ctx.area_start.min(walk.cands.len())..;
                    if walk.cands[covered.clone()].is_empty() {
                        ctx.intro = Some(found);
                    } else {
                        for cand in walk.cands[covered].iter_mut().filter(|c| !c.coded) {
                            cand.methods = methods::sort(found.clone());
                            cand.coded = true;
                            cand.prose = false;
                        }
                    }
                    ctx.area_start = walk.cands.len();
                    walk.used.insert(index);
                } else if text.trim_end().ends_with(':') {
                    let found = methods::words(&text);
                    ctx.intro = (!found.is_empty()).then_some(found);
                    walk.used.insert(index);
                } else if walk.method_sentence(&ctx, &text) {
                    walk.used.insert(index);
                }
            }
            BlockKind::ListItem { .. }
                if ctx.indicators
                    && blocks
                        .get(index + 1)
                        .is_none_or(|next| level_line(&block_text(next)).is_none()) =>
            {
                // A competency's behavioural indicators.
                walk.used.insert(index);
            }
            BlockKind::ListItem { depth, text: raw }
                if (has_start || ctx.requirement.is_some())
                    && category_items.contains_key(&index) =>
            {
                // "• Experience" over its marked criteria: their category, no criterion.
                ctx.indicators = false;
                ctx.category = Some(category_name(raw));
                ctx.category_level = 0;
                ctx.area_start = walk.cands.len();
                walk.criteria_depth = category_items.get(&index).copied();
                walk.used.insert(index);
            }
            BlockKind::ListItem { depth, text: raw } => {
                ctx.indicators = false;
                // Under a category bullet its criteria are the bullets at their depth;
                // only deeper ones continue a criterion.
                if walk.criteria_depth.is_some_and(|d| *depth < d) {
                    walk.criteria_depth = None;
                }
                let base = walk.criteria_depth.unwrap_or(0);
                let continues = *depth > base
                    && walk.cands.last().is_some_and(|c| {
                        block.line.saturating_sub(c.line) <= 3
                            && !walk
                                .item_depth
                                .is_some_and(|(line, d)| line == c.line && d >= *depth)
                    });
                if continues {
                    let inline = parse_inline(raw, walk.codes);
                    if let Some(last) = walk.cands.last_mut() {
                        let colon = last.description.ends_with(':');
                        last.description.push_str(if colon { " " } else { "; " });
                        last.description.push_str(&inline.description);
                    }
                } else if has_start || ctx.requirement.is_some() {
                    // Without a specification heading, only lists under an Essential or
                    // Desirable heading are criteria.
                    let (category, text) = match prefixed.then(|| category_prefix(raw)).flatten() {
                        Some((category, rest)) => (Some(category), rest),
                        None => (None, raw.clone()),
                    };
                    let inline = parse_inline(&text, walk.codes);
                    walk.item_category = category;
                    walk.push(&mut ctx, block.line, raw, inline, Vec::new());
                    walk.item_depth = Some((block.line, *depth));
                    start_line.get_or_insert(block.line);
                }
                walk.used.insert(index);
            }
            _ => {}
        }
        index += 1;
    }
    if walk.cands.is_empty() {
        return None;
    }
    let first = walk.cands.first().map_or(0, |c| c.line);
    let before = blocks.iter().position(|b| b.line >= first).unwrap_or(0);
    let mut spec = finish(blocks, walk, start_line.unwrap_or(1));
    spec.title = super::spec::find_title(blocks, 0, before).or(spec.title);
    Some(spec)
}

/// Reads one table (consecutive rows); true when it held criteria.
fn table(rows: &[Block], ctx: &mut Ctx, walk: &mut Walk, has_start: bool) -> bool {
    let cells: Vec<&Vec<Cell>> = rows
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Row(cells) => Some(cells),
            _ => None,
        })
        .collect();
    if cells.is_empty() {
        return false;
    }
    if area_map(&cells, walk) || stage_map(&cells, walk) {
        return false;
    }
    if let Some(h) = transposed(&cells) {
        let categories: Vec<String> = cells[h].iter().map(|c| category_name(&c.plain())).collect();
        // A row of methods ("How assessed") gives each column's.
        let mut column_methods: Vec<Vec<Method>> = vec![Vec::new(); categories.len()];
        for row in &cells[h + 1..] {
            let first = row.first().map(Cell::plain).unwrap_or_default();
            if header_role(&first) == Role::Method && is_mark_word(&first).is_none() {
                for (c, cell) in row.iter().enumerate().skip(1).take(categories.len() - 1) {
                    column_methods[c] = methods::cell(&cell.plain(), walk.codes);
                }
            }
        }
        let before = walk.cands.len();
        for (n, row) in cells.iter().enumerate().skip(h + 1) {
            let first = row.first().map(Cell::plain).unwrap_or_default();
            let Some(requirement) = is_mark_word(&first).or_else(|| requirement_heading(&first))
            else {
                continue;
            };
            for (c, cell) in row.iter().enumerate().skip(1).take(categories.len() - 1) {
                ctx.category = Some(categories[c].clone());
                for t in cell_items(cell) {
                    let mut inline = parse_inline(&t, walk.codes);
                    inline.requirement = inline.requirement.or(Some(requirement));
                    walk.push(ctx, rows[n].line, &t, inline, column_methods[c].clone());
                }
            }
        }
        return walk.cands.len() > before;
    }
    // The header: the first of the first three rows that names two roles.
    let mut header = None;
    for (i, row) in cells.iter().enumerate().take(3) {
        let roles: Vec<Role> = row.iter().map(|c| header_role(&c.plain())).collect();
        // A "Priority" column names the requirement too (read as such below).
        let priorities = row
            .iter()
            .filter(|c| priority_header(&c.plain()).is_some())
            .count();
        let named = roles.iter().filter(|r| **r != Role::Unknown).count() + priorities;
        let marks = priorities > 0
            || roles.iter().any(|r| {
                matches!(
                    r,
                    Role::Essential | Role::Desirable | Role::Mark | Role::Method
                )
            });
        let filled: Vec<&Role> = row
            .iter()
            .zip(&roles)
            .filter(|(c, _)| !c.plain().is_empty())
            .map(|(_, r)| r)
            .collect();
        let single_header = filled.len() == 1
            && *filled[0] == Role::Criterion
            && roles[0] == Role::Criterion
            && cells
                .iter()
                .all(|r| r.iter().filter(|c| !c.plain().is_empty()).count() <= 1);
        // "Essential – interview" is a row's mark and methods, not a column's name.
        let data = row
            .iter()
            .any(|c| lead_mark(&c.plain()).is_some_and(|(_, m)| !m.is_empty()));
        if !data && (named >= 2 && (marks || roles.contains(&Role::Criterion)) || single_header) {
            header = Some((i, roles));
            break;
        }
    }
    // A two-row header: "Criteria | Assessed at" above "Criteria | Application form |
    // Interview | …", the stages under a spanning heading.
    if let Some((i, _)) = header {
        if let Some(next) = cells.get(i + 1) {
            let texts: Vec<String> = next.iter().map(Cell::plain).collect();
            if stage_header_row(&texts) {
                header = Some((i + 1, texts.iter().map(|t| header_role(t)).collect()));
            }
        }
    }
    let (header_row, mut roles) = match header {
        Some(found) => found,
        None => {
            // No header: a single column of criteria inside the specification.
            let single = cells
                .iter()
                .all(|row| row.iter().filter(|c| !c.is_empty()).count() <= 1);
            if single && has_start {
                (usize::MAX, vec![Role::Criterion])
            } else if let Some(roles) = infer_roles(&cells) {
                (usize::MAX, roles)
            } else {
                return false;
            }
        }
    };
    // A title row above the header: "Essential criteria".
    if header_row != usize::MAX {
        for row in &cells[..header_row] {
            let filled: Vec<String> = row
                .iter()
                .map(Cell::plain)
                .filter(|t| !t.is_empty())
                .collect();
            if let [only] = filled.as_slice() {
                if let Some(req) = requirement_heading(only) {
                    ctx.requirement = Some(req);
                }
            }
        }
    }
    let header_texts: Option<Vec<String>> =
        (header_row != usize::MAX).then(|| cells[header_row].iter().map(Cell::plain).collect());
    // Columns headed by assessment stages whose cells hold E or D: the letter is the
    // criterion's requirement and each stage holding one a method.
    let stage_marks: Vec<(usize, Vec<Method>)> = header_texts
        .as_ref()
        .map(|names| {
            let columns: Vec<Vec<String>> = (0..roles.len())
                .map(|c| {
                    cells
                        .iter()
                        .skip(header_row + 1)
                        .map(|row| row.get(c).map(Cell::plain).unwrap_or_default())
                        .collect()
                })
                .collect();
            stage_mark_columns(names, &roles, &columns)
        })
        .unwrap_or_default();
    for (c, _) in &stage_marks {
        roles[*c] = Role::Notes;
    }
    correct_roles_by_content(&mut roles, &cells, header_row, walk.codes);
    let ncols = roles.len();
    let body: Vec<(usize, &Vec<Cell>)> = cells
        .iter()
        .enumerate()
        .filter(|&(i, _)| header_row == usize::MAX || i > header_row)
        .map(|(i, row)| (rows[i].line, *row))
        .collect();
    let col = |roles: &[Role], role: Role| roles.iter().position(|r| *r == role);
    // Two criterion-like columns: the first names the category.
    let criterion_cols: Vec<usize> = roles
        .iter()
        .enumerate()
        .filter(|(_, r)| **r == Role::Criterion)
        .map(|(i, _)| i)
        .collect();
    if criterion_cols.len() >= 2 {
        for &i in &criterion_cols[..criterion_cols.len() - 1] {
            roles[i] = Role::Category;
        }
    }
    // Two category-like columns and no criterion column ("Area | Attribute | E/D"): the
    // one with the longer texts holds the criteria.
    if criterion_cols.is_empty() {
        if let Some(c) = longer_category_column(&roles, &cells, header_row) {
            roles[c] = Role::Criterion;
        }
    }
    // A MoSCoW priority column ("Priority": Must have / Should have / Could have, or
    // "MoSCoW": M / S / C): must is essential, should and could desirable.
    let priority: Option<(usize, bool)> = header_texts.as_ref().and_then(|names| {
        (0..ncols)
            .filter(|&c| roles[c] == Role::Unknown)
            .find_map(|c| priority_header(names.get(c)?).map(|letters| (c, letters)))
    });
    // "Attribute | Priority": the one category-like column beside the priorities holds
    // the criteria (the categories are rows spanning the table).
    if priority.is_some() && !roles.contains(&Role::Criterion) {
        let categories: Vec<usize> = (0..ncols).filter(|&c| roles[c] == Role::Category).collect();
        if let [only] = categories.as_slice() {
            roles[*only] = Role::Criterion;
        }
    }
    // Columns headed by a method alone ("Application", "Interview", "Assessment") whose
    // cells hold only ticks ("Y", "✓"): a tick marks the criterion assessed that way.
    let tick_methods: Vec<(usize, Vec<Method>)> = match &header_texts {
        Some(names) => (0..ncols)
            .filter(|&c| matches!(roles[c], Role::Unknown | Role::Method))
            .filter_map(|c| {
                let name = names.get(c)?;
                // Or headed by a method's code ("A | I | T", "AF | INT"), the key saying
                // what each stands for.
                let found = header_methods(name).or_else(|| header_code(name, walk.codes))?;
                let mut ticks = 0;
                for (_, row) in &body {
                    let t = row.get(c).map(Cell::plain).unwrap_or_default();
                    if t.is_empty() {
                        continue;
                    }
                    if !super::criteria::is_tick(&t) {
                        return None;
                    }
                    ticks += 1;
                }
                (ticks > 0).then_some((c, found))
            })
            .collect(),
        None => Vec::new(),
    };
    for (c, _) in &tick_methods {
        roles[*c] = Role::Notes;
    }
    let tick_methods: Vec<(usize, Vec<Method>)> = tick_methods
        .into_iter()
        .chain(stage_marks.clone())
        .collect();
    let essential = col(&roles, Role::Essential);
    let desirable = col(&roles, Role::Desirable);
    let mark = col(&roles, Role::Mark);
    let method = col(&roles, Role::Method);
    // NHS layout: the criteria sit in the Essential and Desirable cells.
    let nhs = mark.is_none() && (essential.is_some() || desirable.is_some()) && {
        let texts: Vec<String> = body
            .iter()
            .flat_map(|(_, row)| {
                [essential, desirable]
                    .into_iter()
                    .flatten()
                    .filter_map(|c| row.get(c).map(Cell::plain))
            })
            .filter(|t| !blank(t))
            .collect();
        !texts.is_empty() && texts.iter().filter(|t| words_count(t) >= 3).count() * 2 >= texts.len()
    };
    if nhs {
        for role in roles.iter_mut() {
            if *role == Role::Criterion {
                *role = Role::Category;
            }
        }
    }
    let category_col = col(&roles, Role::Category).or_else(|| {
        if nhs {
            (0..ncols)
                .find(|&i| Some(i) != essential && Some(i) != desirable && roles[i] != Role::Method)
        } else {
            None
        }
    });
    let criterion_col = col(&roles, Role::Criterion)
        .or_else(|| (0..ncols).find(|&i| roles[i] == Role::Unknown && Some(i) != category_col));
    // A table whose lone headings are bold: a short line in plain type is a criterion.
    let bold_headings = body.iter().any(|(_, row)| {
        let filled: Vec<&Cell> = row.iter().filter(|c| !c.plain().is_empty()).collect();
        matches!(filled.as_slice(), [only] if only
            .emphasis
            .as_deref()
            .is_some_and(|e| collapse(e) == only.plain()))
    });
    // One small table per category run together ("Qualifications | E/D | Assessment",
    // its rows, then "Experience | E/D | Assessment", …): the header repeated under
    // another first cell names the next category, and the first header names the first.
    let repeats_header = |texts: &[String]| {
        header_texts
            .as_ref()
            .is_some_and(|h| repeated_header_category(h, texts).is_some())
    };
    if let Some(h) = &header_texts {
        if body
            .iter()
            .any(|(_, row)| repeats_header(&row.iter().map(Cell::plain).collect::<Vec<_>>()))
        {
            ctx.category = Some(category_name(&h[0]));
        }
    }
    let reference_col = col(&roles, Role::Number);
    let before = walk.cands.len();
    // A requirement row after some criteria of a category ("Nice to have" inside an area)
    // divides that category only: the next category row restores the level before it.
    let mut category_from = walk.cands.len();
    let mut divided: Option<Option<Requirement>> = None;
    for (line, row) in body {
        // A row missing leading cells (a row-spanning category above it).
        let mut row: Vec<Cell> = row.clone();
        if row.len() < ncols && category_col == Some(0) && row.len() > 1 {
            let mut padded = vec![Cell::default(); ncols - row.len()];
            padded.extend(row);
            row = padded;
        }
        let texts: Vec<String> = row.iter().map(Cell::plain).collect();
        // The header repeated after a page break.
        if header_texts.as_ref().is_some_and(|h| *h == texts) {
            continue;
        }
        if let Some(name) = header_texts
            .as_ref()
            .and_then(|h| repeated_header_category(h, &texts))
        {
            if let Some(level) = divided.take() {
                ctx.requirement = level;
            }
            category_from = walk.cands.len();
            ctx.category = Some(category_name(name));
            continue;
        }
        let filled: Vec<&String> = texts.iter().filter(|t| !t.is_empty()).collect();
        let distinct: HashSet<&String> = filled.iter().copied().collect();
        // A category row: one text across the row (merged cells), or a bold line alone in
        // a one-column table.
        if distinct.len() == 1 {
            let cell = row
                .iter()
                .find(|c| !c.plain().is_empty())
                .expect("a filled cell");
            let name = cell
                .emphasis
                .clone()
                .map(|e| collapse(&e))
                .filter(|e| !e.is_empty())
                .or_else(|| cell.items.first().map(|i| collapse(&i.text)))
                .unwrap_or_default();
            let bold_alone = cell
                .emphasis
                .as_deref()
                .is_some_and(|e| collapse(e) == cell.plain());
            let short = words_count(&name) <= 8 && !name.ends_with('.');
            let at = texts.iter().position(|t| !t.is_empty()).unwrap_or(0);
            // A heading row: one text across the row, or alone in the first cell with every
            // other column (marks, methods) empty.
            // In a one-column list of criteria, a line of a few words is a heading.
            let single_column = ncols == 1
                || roles.iter().skip(1).all(|r| *r == Role::Unknown)
                    && cells
                        .iter()
                        .all(|r| r.iter().filter(|c| !c.plain().is_empty()).count() <= 1);
            let few_words = words_count(&name) <= 3 && !name.ends_with(['.', ',', ';']);
            // In a table of Essential and Desirable lists side by side, a plain line in
            // one list with nothing beside it is that list's criterion (the other list is
            // shorter), not a heading.
            let listed = nhs
                && row.len() > 1
                && !bold_alone
                && (Some(at) == essential || Some(at) == desirable);
            let spanning = ncols > 1
                && !single_column
                && !listed
                && (row.len() == 1 || filled.len() > 1 || Some(at) == category_col || at == 0);
            let is_category_row = short
                && (single_column && few_words && (bold_alone || !bold_headings)
                    || spanning
                    || bold_alone && (ncols == 1 || filled.len() == 1));
            if is_category_row {
                // "Essential criteria" across the row: the requirement of the rows below.
                if let Some(req) = requirement_heading(&name) {
                    // "Nice to have" inside an area; not "Desirable criteria", which heads
                    // the rest of the table.
                    let l = lower(&name);
                    let names_criteria = ["criteri", "requirement"].iter().any(|w| l.contains(w));
                    if ctx.category.is_some() && walk.cands.len() > category_from && !names_criteria
                    {
                        divided.get_or_insert(ctx.requirement);
                    }
                    ctx.requirement = Some(req);
                    continue;
                }
                if let Some(level) = divided.take() {
                    ctx.requirement = level;
                }
                category_from = walk.cands.len();
                ctx.category = Some(category_name(&name));
                if let Some(stage) = stage_heading(&name) {
                    ctx.stage = Some(stage);
                }
                continue;
            }
            // A paragraph introducing an area, alone on its row in a table whose criteria
            // carry marks or methods ("Young carers often take on a lot at home. You'll
            // know how to build trust."): prose, not a criterion.
            let plain = cell.plain();
            let marked_table = method.is_some()
                || mark.is_some()
                || essential.is_some()
                || desirable.is_some()
                || !tick_methods.is_empty();
            // So is one long sentence ending in a full stop ("Most of the work is face to
            // face with children … at school."): a criterion is rarely a full sentence of
            // fifteen words with no mark or method beside it.
            if !nhs
                && marked_table
                && Some(at) == criterion_col
                && (words_count(&plain) >= 12 && split_sentences(&plain).len() >= 2
                    || words_count(&plain) >= 15 && plain.ends_with('.'))
            {
                continue;
            }
        }
        if let Some(c) = category_col {
            if let Some(text) = texts.get(c).filter(|t| !t.is_empty()) {
                let label = row.get(c).and_then(bold_label);
                ctx.category = Some(category_name(label.as_deref().unwrap_or(text)));
            }
        }
        // "Q2", "EX1": a reference whose prefix the key gives a category.
        if let Some(name) = reference_col
            .and_then(|c| texts.get(c))
            .and_then(|t| walk.codes.category(t))
        {
            ctx.category = Some(name.to_string());
        }
        let mut row_methods = method
            .and_then(|c| texts.get(c))
            .map(|t| methods::cell(t, walk.codes))
            .unwrap_or_default();
        for (c, named) in &tick_methods {
            if texts.get(*c).is_some_and(|t| super::criteria::is_tick(t)) {
                row_methods.extend(named.iter().copied());
            }
        }
        let row_methods = methods::sort(row_methods);
        if nhs {
            for (c, req) in [
                (essential, Requirement::Essential),
                (desirable, Requirement::Desirable),
            ] {
                let Some(cell) = c.and_then(|c| row.get(c)) else {
                    continue;
                };
                // "Essential | Evidence | Desirable | Evidence": each requirement's cell
                // takes the methods of the evidence column beside it.
                let row_methods = match c.and_then(|c| paired_method_column(&roles, c)) {
                    Some(m) => methods::sort(methods::cell(
                        &row.get(m).map(Cell::plain).unwrap_or_default(),
                        walk.codes,
                    )),
                    // "E: SK, IN" / "D: SL" in one cell: each level's own methods.
                    None => method
                        .and_then(|m| row.get(m))
                        .and_then(|cell| level_methods(cell, req, walk.codes))
                        .unwrap_or_else(|| row_methods.clone()),
                };
                let mut texts: Vec<String> = Vec::new();
                let top = cell.items.iter().map(|i| i.depth).min().unwrap_or(0);
                for item in &cell.items {
                    for (n, t) in line_pieces(&item.text).into_iter().enumerate() {
                        if blank(&t) {
                            continue;
                        }
                        let continues = t.chars().next().is_some_and(char::is_lowercase);
                        // Sub-items belong to their parent: "…including: A; B".
                        let sub = n == 0 && item.depth > top && item.bullet;
                        match texts.last_mut() {
                            Some(last) if sub => {
                                last.push_str(if last.ends_with(':') { " " } else { "; " });
                                last.push_str(&t);
                            }
                            Some(last) if continues => {
                                last.push(' ');
                                last.push_str(&t);
                            }
                            _ => texts.push(t),
                        }
                    }
                }
                for t in texts {
                    let mut inline = parse_inline(&t, walk.codes);
                    inline.requirement = inline.requirement.or(Some(req));
                    walk.push(ctx, line, &t, inline, row_methods.clone());
                }
            }
            continue;
        }
        let Some(cc) = criterion_col else { continue };
        let Some(cell) = row.get(cc) else { continue };
        if cell.plain().is_empty() {
            continue;
        }
        let mut requirement = mark.and_then(|c| texts.get(c)).and_then(|t| {
            is_mark_word(t.split_whitespace().next().unwrap_or(""))
                .or_else(|| requirement_phrase(t))
        });
        // A number column of "E1", "D2".
        if requirement.is_none() {
            requirement = col(&roles, Role::Number)
                .and_then(|c| texts.get(c))
                .and_then(|t| requirement_number(&format!("{t} Xx yy")))
                .map(|(r, _)| r);
        }
        // "Essential – application form and interview": the mark and the methods in one
        // cell, when no column of its own gives the methods.
        let mut row_methods = row_methods;
        let mark_text = mark.and_then(|c| texts.get(c));
        // "E – AF/I", "D: AF, Q", "Essential – AF/C": the letter or word and the codes
        // of the document's key in one cell.
        let coded = mark_text
            .and_then(|t| letter_clause(t, walk.codes).or_else(|| mark_clause(t, walk.codes)));
        if let Some((req, named)) = &coded {
            requirement = requirement.or(Some(*req));
            if row_methods.is_empty() {
                row_methods = named.clone();
            }
        }
        if row_methods.is_empty() {
            if let Some((_, named)) = mark_text.and_then(|t| lead_mark(t)) {
                row_methods = named;
            }
        }
        if requirement.is_none() && !stage_marks.is_empty() {
            let found: Vec<Requirement> = stage_marks
                .iter()
                .filter_map(|(c, _)| texts.get(*c).and_then(|t| is_mark_word(t)))
                .collect();
            requirement = found
                .iter()
                .find(|r| **r == Requirement::Essential)
                .or(found.first())
                .copied();
        }
        if requirement.is_none() {
            if let Some((c, letters)) = priority {
                requirement = texts.get(c).and_then(|t| priority_mark(t, letters));
            }
        }
        // A level column that says which are essential: "Level 2 (desirable)",
        // "Required on appointment", "Can be developed in post".
        if requirement.is_none() {
            requirement = roles
                .iter()
                .enumerate()
                .filter(|(c, r)| **r == Role::Unknown && Some(*c) != criterion_col)
                .filter_map(|(c, _)| texts.get(c))
                .filter(|t| words_count(t) <= 8)
                .find_map(|t| level_mark(t));
        }
        if requirement.is_none() {
            let e = essential
                .and_then(|c| texts.get(c))
                .is_some_and(|t| is_tick(t));
            let d = desirable
                .and_then(|c| texts.get(c))
                .is_some_and(|t| is_tick(t));
            requirement = match (e, d) {
                (true, false) => Some(Requirement::Essential),
                (false, true) => Some(Requirement::Desirable),
                (true, true) => {
                    // "E" in one column and "D" in the other, or ticks in both.
                    let d_text = desirable
                        .and_then(|c| texts.get(c))
                        .cloned()
                        .unwrap_or_default();
                    is_mark_word(&d_text).or(Some(Requirement::Essential))
                }
                _ => None,
            };
            // The methods' codes written in the column of the level ("A, I" under
            // Essential, blank under Desirable): the column gives the level, its codes the
            // methods. A tick or a letter names no method.
            if row_methods.is_empty() && e != d {
                let marked = if e { essential } else { desirable };
                if let Some(t) = marked.and_then(|c| texts.get(c)) {
                    row_methods = methods::cell(t, walk.codes);
                }
            }
        }
        let items: Vec<String> = if cell.has_bullets() && cell.items.len() > 1 {
            cell.items
                .iter()
                .map(|i| collapse(&i.text))
                .filter(|t| !t.is_empty())
                .collect()
        } else if let Some(title) = bold_title(cell) {
            // A bold title and the sentence explaining it: the title is the criterion.
            vec![title]
        } else {
            vec![cell.plain()]
        };
        for t in items {
            let mut inline = parse_inline(&t, walk.codes);
            inline.requirement = inline.requirement.or(requirement);
            walk.push(ctx, line, &t, inline, row_methods.clone());
        }
    }
    walk.cands.len() > before
}

/// A table mapping the areas of the criteria already read to how each is assessed
/// ("Area | How we'll assess", "Experience | Application and interview"): every
/// criterion of an area takes the area's methods (unless its own are stated). True when
/// the table was such a map.
fn area_map(cells: &[&Vec<Cell>], walk: &mut Walk) -> bool {
    if walk.cands.is_empty() || cells.len() < 3 {
        return false;
    }
    let areas: HashSet<String> = walk
        .cands
        .iter()
        .filter_map(|c| c.category.as_deref().map(lower))
        .collect();
    let mut map: std::collections::HashMap<String, Vec<Method>> = Default::default();
    for (i, row) in cells.iter().enumerate() {
        let filled: Vec<String> = row
            .iter()
            .map(Cell::plain)
            .filter(|t| !t.is_empty())
            .collect();
        let found = match filled.as_slice() {
            [name, how] if words_count(how) <= 15 => {
                let area = lower(&category_name(name));
                let found = methods::phrase(how);
                (areas.contains(&area) && !found.is_empty()).then_some((area, found))
            }
            _ => None,
        };
        match found {
            Some((area, found)) => {
                map.insert(area, found);
            }
            // Only the header row may name no area.
            None if i == 0 => {}
            None => return false,
        }
    }
    if map.len() < 2 {
        return false;
    }
    for cand in walk.cands.iter_mut().filter(|c| !c.coded) {
        let Some(found) = cand.category.as_deref().and_then(|c| map.get(&lower(c))) else {
            continue;
        };
        cand.methods = found.clone();
        cand.coded = true;
        cand.prose = false;
    }
    true
}

/// A table of stages and what each looks at, after the criteria: `Stage | What we look
/// at` over `Application form | All Experience and Knowledge points`, `Interview |
/// Everything on slides 4 to 7`. Each criterion takes the methods of every stage naming
/// its category, or the whole specification. Every row but the header must name a method
/// and what it covers; true when the table was read so.
fn stage_map(cells: &[&Vec<Cell>], walk: &mut Walk) -> bool {
    read_stages(cells, true, walk)
}

/// The lower-case categories of the criteria read so far, each once.
fn category_names(cands: &[Cand]) -> Vec<String> {
    let mut names: Vec<String> = cands
        .iter()
        .filter_map(|c| c.category.as_deref().map(lower))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Rows of stages and what each covers (see [`stage_map`]); a first row that names no
/// stage is let pass as the header when `header` is set.
fn read_stages(cells: &[&Vec<Cell>], header: bool, walk: &mut Walk) -> bool {
    if walk.cands.is_empty() || cells.len() < 2 + usize::from(header) {
        return false;
    }
    let categories = category_names(&walk.cands);
    // Per stage: its methods, the categories it names, whether it covers everything.
    let mut stages: Vec<(Vec<Method>, Vec<String>, bool)> = Vec::new();
    for (i, row) in cells.iter().enumerate() {
        let filled: Vec<String> = row
            .iter()
            .map(Cell::plain)
            .filter(|t| !t.is_empty())
            .collect();
        let stage = match filled.as_slice() {
            [stage, covers] if words_count(stage) <= 8 && words_count(covers) <= 30 => {
                let found = methods::phrase(stage);
                let l = lower(covers);
                let named: Vec<String> = categories_named(&l, &categories)
                    .into_iter()
                    .cloned()
                    .collect();
                let whole = l
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|w| w == "everything")
                    || names_all_criteria(&l)
                    || speaks_of_whole_specification(&l);
                (!found.is_empty() && (whole || !named.is_empty())).then_some((found, named, whole))
            }
            _ => None,
        };
        match stage {
            Some(stage) => stages.push(stage),
            None if i == 0 && header => {}
            None => return false,
        }
    }
    if stages.len() < 2 {
        return false;
    }
    for cand in walk.cands.iter_mut().filter(|c| !c.coded) {
        let category = cand.category.as_deref().map(lower).unwrap_or_default();
        let found: Vec<Method> = stages
            .iter()
            .filter(|(_, named, whole)| *whole || named.contains(&category))
            .flat_map(|(m, _, _)| m.iter().copied())
            .collect();
        if found.is_empty() {
            continue;
        }
        cand.methods = methods::sort(found);
        cand.coded = true;
        cand.prose = false;
    }
    true
}

/// A method cell that gives each level its own line ("E: SK, IN" / "D: SL", "Essential –
/// interview" / "Desirable – application"): the methods of `level`'s line. `None` unless
/// every filled line of the cell opens with a level.
fn level_methods(cell: &Cell, level: Requirement, codes: &Codes) -> Option<Vec<Method>> {
    let mut mine = None;
    let mut lines = 0;
    for item in &cell.items {
        for piece in line_pieces(&item.text) {
            let t = collapse(&piece);
            if t.is_empty() {
                continue;
            }
            let (head, rest) = t.split_once([':', '–', '—'])?;
            let head_level = is_mark_word(head.trim())?;
            lines += 1;
            if head_level == level {
                mine = Some(methods::sort(methods::cell(rest.trim(), codes)));
            }
        }
    }
    if lines < 2 {
        return None;
    }
    Some(mine.unwrap_or_default())
}

/// Whether a row or item is a template's guidance left in rather than a criterion: a note
/// opening "Guidance:" ("Guidance note –"), an example row marked for deletion ("EXAMPLE –
/// delete: …") or a row struck out (`~~…~~`).
fn template_guidance(text: &str) -> bool {
    let t = collapse(text);
    let t = t.trim().trim_start_matches(['*', '_']).trim_start();
    let l = lower(t);
    let struck = t.starts_with("~~") && t.trim_end_matches(['*', '_', ' ']).ends_with("~~");
    let guidance = ["guidance:", "guidance note", "guidance –", "guidance -"]
        .iter()
        .any(|p| l.starts_with(p));
    let example = l.trim_start_matches('~').starts_with("example")
        && l.chars().take(30).collect::<String>().contains("delete");
    struck || guidance || example
}

/// A list of the selection's stages, each with what it looks at: "Application form – we
/// shortlist on the Qualifications and Experience points", "Observed session – … we look
/// at the Working with learners points", "Interview – covers everything". Read as
/// [`stage_map`] reads a table: every item of the list must name a stage's methods before
/// its dash and, after it, categories or the whole specification.
fn stage_list(blocks: &[Block], walk: &mut Walk) {
    if walk.cands.is_empty() {
        return;
    }
    let mut run: Vec<Vec<Cell>> = Vec::new();
    let flush = |run: &mut Vec<Vec<Cell>>, walk: &mut Walk| {
        if run.len() >= 2 {
            // No header row: every item must read as a stage.
            let rows: Vec<&Vec<Cell>> = run.iter().collect();
            read_stages(&rows, false, walk);
        }
        run.clear();
    };
    for block in blocks {
        match &block.kind {
            BlockKind::ListItem { text, .. } => {
                let t = collapse(text);
                let split = [" – ", " — ", " - ", ": "]
                    .iter()
                    .filter_map(|sep| t.split_once(sep))
                    .min_by_key(|(head, _)| head.len());
                match split {
                    Some((head, tail)) if run.len() < 20 => {
                        run.push(vec![
                            super::records::text_cell(head),
                            super::records::text_cell(tail),
                        ]);
                    }
                    _ => {
                        flush(&mut run, walk);
                    }
                }
            }
            _ => flush(&mut run, walk),
        }
    }
    flush(&mut run, walk);
}

/// The methods a column header names when it names nothing else: "Application",
/// "Interview", "Test/Exercise", "Assessment" (a PDF may break the word: "Applica tion").
/// A row repeating the header's column names under another first cell ("Experience |
/// E/D | Assessment" below "Qualifications | E/D | Assessment"): the category it names.
/// The repeated names must be column names ("E/D", "Assessment"), not a data row's
/// letters ("E", "D").
fn repeated_header_category<'a>(header: &[String], texts: &'a [String]) -> Option<&'a str> {
    let (first, rest) = texts.split_first()?;
    let (header_first, header_rest) = header.split_first()?;
    // Empty cells (a column a PDF's layout left blank) name nothing either way.
    let filled = || header_rest.iter().filter(|t| !t.is_empty());
    let named = filled().next().is_some() && filled().all(|t| t.chars().count() >= 3);
    (named
        && rest == header_rest
        && first != header_first
        && !header_first.is_empty()
        && (1..=5).contains(&words_count(first))
        && !first.ends_with('.'))
    .then_some(first.as_str())
}

/// The methods a column header that is a code alone stands for ("AF", "INT", "T"): the
/// document's key first, then the codes every template uses alike.
fn header_code(text: &str, codes: &Codes) -> Option<Vec<Method>> {
    let t = text.trim();
    let code = !t.is_empty() && t.len() <= 5 && t.chars().all(|c| c.is_ascii_uppercase());
    code.then(|| codes.lookup(t)).flatten()
}

fn header_methods(text: &str) -> Option<Vec<Method>> {
    let t = lower(&collapse(text));
    if t.is_empty() || words_count(&t) > 3 || t.contains("essential") || t.contains("desirable") {
        return None;
    }
    let found = methods::words(&t);
    let found = if found.is_empty() {
        methods::words(&t.replace(' ', ""))
    } else {
        found
    };
    // An assessment named by what it assesses ("Driving assessment", "Numeracy
    // assessment") is a test of it.
    let found = if found.is_empty() && t.ends_with(" assessment") {
        vec![Method::Test]
    } else {
        found
    };
    (!found.is_empty()).then_some(found)
}

/// Whether a group's word ("behaviour", "technical", "experience") comes after an
/// assessing verb in the sentence: "we will assess the behaviours", "an exercise that
/// assesses the technical skills".
/// One clause of a selection-process sentence: the groups of criteria it names
/// ("behaviour", "technical", "experience" for the criteria themselves), the level when it
/// names one only, and the methods it names.
struct GroupClause {
    groups: Vec<&'static str>,
    level: Option<Requirement>,
    methods: Vec<Method>,
}

/// The clauses of a (lower-case) selection-process sentence that name both methods and
/// groups of criteria, split at ", and", ";" and ", but"; empty unless two clauses
/// name different methods or one clause names two groups (a sentence the groups share
/// alike is read as before). Groups named one criterion at a time (`named`) are left to
/// those names.
fn group_clauses(l: &str, named: &[&str]) -> Vec<GroupClause> {
    let mut clauses = Vec::new();
    for part in l
        .split("; ")
        .flat_map(|p| p.split(", and "))
        .flat_map(|p| p.split(", but "))
        // "A video interview assessing the behaviours, followed by a written exercise that
        // tests the technical skills": each stage its own clause.
        .flat_map(|p| p.split(", followed by "))
        .flat_map(actions)
    {
        let words: Vec<&str> = part
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        // A group named as a whole: "the first technical skill" is one of it, read by its
        // place.
        let names = |prefixes: &[&str]| {
            words.iter().enumerate().any(|(i, w)| {
                prefixes.iter().any(|p| w.starts_with(p))
                    && !i.checked_sub(1).is_some_and(|b| {
                        matches!(words[b], "first" | "second" | "third" | "fourth" | "fifth")
                    })
            })
        };
        let mut groups = Vec::new();
        for (group, prefixes) in [
            ("behaviour", &["behaviour"][..]),
            ("technical", &["technical"][..]),
            ("experience", &["experience", "criteria"][..]),
        ] {
            if names(prefixes) && !named.contains(&group) {
                groups.push(group);
            }
        }
        let methods = methods::words(part);
        if groups.is_empty() || methods.is_empty() {
            continue;
        }
        let (essential, desirable) = (words.contains(&"essential"), words.contains(&"desirable"));
        let level = match (essential, desirable) {
            (true, false) => Some(Requirement::Essential),
            (false, true) => Some(Requirement::Desirable),
            _ => None,
        };
        clauses.push(GroupClause {
            groups,
            level,
            methods,
        });
    }
    let differ = clauses.windows(2).any(|w| w[0].methods != w[1].methods);
    let several = clauses.iter().any(|c| c.groups.len() >= 2);
    if differ || several {
        clauses
    } else {
        Vec::new()
    }
}

/// A clause split where "and" joins a second action with its own method: "complete a
/// technical exercise and attend an interview covering behaviours" is two clauses (the
/// exercise, the interview). Methods listed together ("a test and an interview covering
/// behaviours") stay one clause, as does an "and" with no method after it.
fn actions(part: &str) -> Vec<&str> {
    const VERBS: &[&str] = &[
        "attend",
        "complete",
        "take",
        "sit",
        "give",
        "deliver",
        "prepare",
        "undertake",
        "do",
        "be invited",
        "be asked",
    ];
    let mut pieces = Vec::new();
    let mut from = 0;
    for (at, _) in part.match_indices(" and ") {
        let rest = &part[at + 5..];
        let acts = VERBS
            .iter()
            .any(|v| rest.starts_with(v) && rest[v.len()..].starts_with(' '));
        let before = &part[from..at];
        let after_end = part[at + 5..]
            .find(" and ")
            .map_or(part.len(), |n| at + 5 + n);
        if acts
            && !methods::words(before).is_empty()
            && !methods::words(&part[at + 5..after_end]).is_empty()
        {
            pieces.push(before);
            from = at + 5;
        }
    }
    pieces.push(&part[from..]);
    pieces
}

fn assessed_after(l: &str, group: &str) -> bool {
    let verb = [
        " assess the ",
        " assess your ",
        " assess all ",
        " assesses the ",
        " assesses your ",
        // "The exercise assesses Making Effective Decisions and both technical skills".
        " assesses ",
        // "… a data exercise that tests the technical skills".
        " tests the ",
        " tests your ",
        " will test the ",
        " will test your ",
        // "Your CV and statement will be assessed against the … experience set out above".
        " assessed against ",
    ]
    .iter()
    .filter_map(|v| l.find(v))
    .min();
    verb.is_some_and(|at| l[at..].contains(group))
}

/// The method column paired with a requirement column when the table has one for each
/// ("Essential | Evidence | Desirable | Evidence"): the method column right after it.
fn paired_method_column(roles: &[Role], requirement: usize) -> Option<usize> {
    let methods = roles.iter().filter(|r| **r == Role::Method).count();
    let next = requirement + 1;
    (methods >= 2 && roles.get(next) == Some(&Role::Method)).then_some(next)
}

/// A header row naming the assessment stages, under a spanning "Assessed at" above:
/// two or more cells naming methods ("Application form", "Interview", "Certificates"),
/// every other filled cell a column role ("Criteria").
fn stage_header_row(texts: &[String]) -> bool {
    let mut stages = 0;
    for t in texts.iter().filter(|t| !t.is_empty()) {
        if header_methods(t).is_some() && header_role(t) != Role::Criterion {
            stages += 1;
        } else if header_role(t) == Role::Unknown {
            return false;
        }
    }
    stages >= 2
}

/// The columns headed by an assessment stage ("Application form", "Interview",
/// "Shortlisting", "Exercise") whose filled cells are all requirement letters or words,
/// when there are two or more: the E or D under a stage marks the criterion assessed there.
/// `columns[c]` holds column `c`'s body cells.
fn stage_mark_columns(
    names: &[String],
    roles: &[Role],
    columns: &[Vec<String>],
) -> Vec<(usize, Vec<Method>)> {
    let found: Vec<(usize, Vec<Method>)> = (0..roles.len())
        .filter(|&c| matches!(roles[c], Role::Unknown | Role::Method))
        .filter_map(|c| {
            let named = header_methods(names.get(c)?)?;
            let filled: Vec<&String> = columns.get(c)?.iter().filter(|t| !t.is_empty()).collect();
            let all_marks = !filled.is_empty()
                && filled
                    .iter()
                    .all(|t| words_count(t) == 1 && is_mark_word(t).is_some());
            all_marks.then_some((c, named))
        })
        .collect();
    if found.len() >= 2 {
        found
    } else {
        Vec::new()
    }
}

/// The bold label at the head of a cell that says more after it ("**Home energy
/// visits**" over the sentence describing that duty): the label. `None` for a cell of one
/// item or one that does not open with its bold run.
fn bold_label(cell: &Cell) -> Option<String> {
    if let Some(label) = cell.emphasis.as_deref().map(collapse) {
        let first = collapse(&cell.items.first()?.text);
        if cell.items.len() >= 2 && !label.is_empty() && first == label {
            return Some(label);
        }
    }
    // Without type (a PDF's text): a short first line, no sentence, over a sentence.
    let text = cell.text();
    let (first, rest) = text.split_once(super::blocks::BREAK)?;
    let (first, rest) = (collapse(first), collapse(rest));
    let label = (1..=6).contains(&words_count(&first))
        && !first.ends_with(['.', ',', ';', ':'])
        && first.starts_with(char::is_uppercase);
    let sentence = words_count(&rest) >= 6 && rest.ends_with('.');
    (label && sentence).then_some(first)
}

/// Of two or more columns headed as categories ("Area", "Attribute"), the one whose body
/// cells hold the most words on average: the criteria. `None` for fewer than two.
fn longer_category_column(
    roles: &[Role],
    cells: &[&Vec<Cell>],
    header_row: usize,
) -> Option<usize> {
    let columns: Vec<usize> = (0..roles.len())
        .filter(|&c| roles[c] == Role::Category)
        .collect();
    if columns.len() < 2 {
        return None;
    }
    let average = |c: usize| -> f64 {
        let texts: Vec<String> = cells
            .iter()
            .enumerate()
            .filter(|&(i, _)| header_row == usize::MAX || i > header_row)
            .filter_map(|(_, row)| row.get(c).map(Cell::plain))
            .filter(|t| !t.is_empty())
            .collect();
        if texts.is_empty() {
            return 0.0;
        }
        texts.iter().map(|t| words_count(t)).sum::<usize>() as f64 / texts.len() as f64
    };
    let best = columns
        .iter()
        .copied()
        .max_by(|&a, &b| average(a).total_cmp(&average(b)))?;
    (average(best) >= 3.0).then_some(best)
}

/// Columns whose cells say otherwise than their header: a column of E/D marks (headed
/// "Requirement", "Category", "Level") is the mark; a column of method codes or words (headed
/// "How", "Tested by") the method.
fn correct_roles_by_content(
    roles: &mut [Role],
    cells: &[&Vec<Cell>],
    header_row: usize,
    codes: &Codes,
) {
    let body = |c: usize| -> Vec<String> {
        cells
            .iter()
            .enumerate()
            .filter(|&(i, _)| header_row == usize::MAX || i > header_row)
            .filter_map(|(_, row)| row.get(c).map(Cell::plain))
            .filter(|t| !t.is_empty())
            .collect()
    };
    let has = |roles: &[Role], role: Role| roles.contains(&role);
    for c in 0..roles.len() {
        if !matches!(roles[c], Role::Criterion | Role::Category | Role::Unknown) {
            continue;
        }
        let texts = body(c);
        if texts.len() < 2 {
            continue;
        }
        let marks = texts.iter().filter(|t| is_mark_word(t).is_some()).count();
        // A column of requirement phrases ("Essential on appointment", "Advantageous",
        // "To be achieved within 6 months of starting") beside the criteria.
        let phrases = texts
            .iter()
            .filter(|t| requirement_phrase(t).is_some())
            .count();
        let methods_named = texts
            .iter()
            .filter(|t| words_count(t) <= 6 && !methods::cell(t, codes).is_empty())
            .count();
        let others_hold_criteria = roles
            .iter()
            .enumerate()
            .any(|(o, r)| o != c && matches!(r, Role::Criterion | Role::Unknown));
        let phrase_column = roles[c] == Role::Criterion
            && phrases == texts.len()
            && roles
                .iter()
                .enumerate()
                .any(|(o, r)| o != c && *r == Role::Criterion);
        if (marks * 5 >= texts.len() * 4 || phrase_column)
            && others_hold_criteria
            && !has(roles, Role::Mark)
            && !has(roles, Role::Essential)
        {
            roles[c] = Role::Mark;
        } else if roles[c] == Role::Unknown
            && methods_named * 5 >= texts.len() * 4
            && others_hold_criteria
            && !has(roles, Role::Method)
        {
            roles[c] = Role::Method;
        }
    }
    // "Attribute | Essential | Desirable | Assessment" over ticks: the attribute column
    // holds the criteria (the categories are rows spanning the table), unlike Agenda for
    // Change's, whose criteria are written in the Essential and Desirable columns.
    if !has(roles, Role::Criterion) {
        let of =
            |role: Role| -> Vec<usize> { (0..roles.len()).filter(|&c| roles[c] == role).collect() };
        let categories = of(Role::Category);
        let levels: Vec<usize> = [of(Role::Essential), of(Role::Desirable)].concat();
        let ticks: Vec<String> = levels.iter().flat_map(|&c| body(c)).collect();
        if categories.len() == 1
            && ticks.len() >= 2
            && ticks
                .iter()
                .all(|t| is_tick(t) || is_mark_word(t).is_some())
        {
            roles[categories[0]] = Role::Criterion;
        }
    }
}

/// Roles from contents when a table has no header: a column of E/D marks, or of
/// references that carry the requirement (`E1`, `D2`), beside a column of text.
fn infer_roles(rows: &[&Vec<Cell>]) -> Option<Vec<Role>> {
    let ncols = rows.iter().map(|r| r.len()).max()?;
    if ncols < 2 {
        return None;
    }
    let mut roles = vec![Role::Unknown; ncols];
    let mut best_len = 0;
    let mut text_col = None;
    for (c, role) in roles.iter_mut().enumerate() {
        let texts: Vec<String> = rows
            .iter()
            .filter_map(|r| r.get(c).map(Cell::plain))
            .filter(|t| !t.is_empty())
            .collect();
        if texts.is_empty() {
            continue;
        }
        let marks = texts
            .iter()
            .filter(|t| is_mark_word(t).is_some() || lead_mark(t).is_some())
            .count();
        if marks * 2 > texts.len() {
            *role = Role::Mark;
            continue;
        }
        // A column of references that carry the requirement: "E1", "D2".
        let references = texts.iter().filter(|t| reference_cell(t).is_some()).count();
        if references * 5 >= texts.len() * 4 {
            *role = Role::Number;
            continue;
        }
        let total: usize = texts.iter().map(|t| t.len()).sum::<usize>() / texts.len();
        if total > best_len {
            best_len = total;
            text_col = Some(c);
        }
    }
    let text_col = text_col?;
    roles[text_col] = Role::Criterion;
    (roles.contains(&Role::Mark) || roles.contains(&Role::Number)).then_some(roles)
}

/// The sentences of the document's prose: paragraphs not used as criteria, lead-ins or
/// keys.
fn prose(blocks: &[Block], walk: &Walk) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, block) in blocks.iter().enumerate() {
        if walk.used.contains(&i) || walk.key_blocks.contains(&i) {
            continue;
        }
        match &block.kind {
            BlockKind::Paragraph(cell) => {
                for s in conditions::sentences(&cell.plain()) {
                    out.push((block.line, s));
                }
            }
            BlockKind::ListItem { text, .. } => out.push((block.line, collapse(text))),
            // A note row among the criteria ("Note: a full driving licence is a condition
            // of appointment …") speaks as prose does.
            BlockKind::Row(cells) => {
                let filled: Vec<String> = cells
                    .iter()
                    .map(Cell::plain)
                    .filter(|t| !t.is_empty())
                    .collect();
                if let [only] = filled.as_slice() {
                    if let Some(note) = ["Note:", "NOTE:", "Note –", "Note -"]
                        .iter()
                        .find_map(|p| only.strip_prefix(p))
                    {
                        for s in conditions::sentences(note.trim()) {
                            out.push((block.line, s));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The categories (lower case) a lower-case sentence names: as printed, singular, or, for
/// a category joining two ("skills and qualities"), by its first word when no category is
/// called that. "Skills" within a named "Skills and abilities" is not a second name.
fn categories_named<'a>(l: &str, categories: &'a [String]) -> Vec<&'a String> {
    let named: Vec<&String> = categories
        .iter()
        .filter(|c| {
            let head = c
                .split_once(" and ")
                .map(|(head, _)| head.trim())
                .filter(|head| head.chars().count() >= 5 && !categories.iter().any(|o| o == head));
            c.chars().count() >= 5
                && (contains_phrase(l, c)
                    || c.strip_suffix('s')
                        .is_some_and(|one| contains_phrase(l, one))
                    || head.is_some_and(|head| contains_phrase(l, head)))
        })
        .collect();
    named
        .iter()
        .copied()
        .filter(|c| {
            !named
                .iter()
                .any(|o| o.len() > c.len() && o.contains(c.as_str()))
        })
        .collect()
}

/// The words by which a lower-case sentence names one criterion as an item: "the ladder
/// and practical tasks item" → ["ladder", "practical", "tasks"]. `None` unless two words or
/// more of four letters or more name it.
fn item_words(l: &str) -> Option<Vec<&str>> {
    let at = [" item", " criterion"]
        .iter()
        .filter_map(|w| {
            l.match_indices(w)
                .find(|(at, _)| {
                    !l[at + w.len()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric)
                })
                .map(|(at, _)| at)
        })
        .min()?;
    let before = &l[..at];
    let from = before.rfind("the ")? + 4;
    let words: Vec<&str> = before[from..]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && !matches!(*w, "that" | "this" | "with"))
        .collect();
    (words.len() >= 2 && words.len() <= 6).then_some(words)
}

/// A method sentence as it applies to the criteria.
struct ScopedPart {
    sentence: String,
    methods: Vec<Method>,
    area: Option<(usize, usize)>,
    level: Option<Requirement>,
    /// Read inside the specification (see [`Scoped::in_spec`]).
    in_spec: bool,
    /// Categories (lower case) the sentence leaves out: "all criteria …, except those
    /// under 'Spreadsheet skills'".
    except: Vec<String>,
}

/// Where a lower-case sentence speaking of all the criteria makes an exception: the
/// part before the exception and the part naming it.
fn exception_split(l: &str) -> Option<(&str, &str)> {
    [
        ", except ",
        " except for ",
        " except ",
        " apart from ",
        " with the exception of ",
    ]
    .iter()
    .find_map(|marker| l.find(marker).map(|at| (&l[..at], &l[at + marker.len()..])))
    .filter(|(head, _)| {
        names_all_criteria(head) || ["every ", "each "].iter().any(|w| head.contains(w))
    })
}

/// The method sentences split where they say different things of different criteria:
/// "All criteria are assessed through the application form and at interview, except
/// those under 'Spreadsheet skills', which are assessed through the spreadsheet task" (the
/// head for all but the excepted categories, the tail for those); "Application form and
/// interview for qualifications, experience and skills; certificates for the
/// qualifications" (each clause for the categories it names, when two clauses or more
/// name their own).
fn scoped_parts(scoped: &[Scoped], categories: &[String]) -> Vec<ScopedPart> {
    let mut out = Vec::with_capacity(scoped.len());
    for s in scoped {
        let part = |sentence: &str, methods: Vec<Method>, except: Vec<String>| ScopedPart {
            sentence: sentence.to_string(),
            methods,
            area: s.area,
            level: s.level,
            in_spec: s.in_spec,
            except,
        };
        if let Some((head, tail)) = exception_split(&s.sentence) {
            let head_methods = named_methods(head);
            let except: Vec<String> = categories_named(tail, categories)
                .into_iter()
                .cloned()
                .collect();
            if !head_methods.is_empty() && !except.is_empty() {
                out.push(part(head, head_methods, except));
                let tail_methods = named_methods(tail);
                if !tail_methods.is_empty() {
                    out.push(part(tail, tail_methods, Vec::new()));
                }
                continue;
            }
        }
        if s.sentence.contains(';') {
            let clauses: Vec<(&str, Vec<Method>, bool)> = s
                .sentence
                .split(';')
                .map(|c| {
                    (
                        c.trim(),
                        named_methods(c),
                        !categories_named(c, categories).is_empty(),
                    )
                })
                .collect();
            let naming = clauses
                .iter()
                .filter(|(_, m, named)| *named && !m.is_empty());
            if naming.count() >= 2 {
                for (clause, methods, _) in clauses {
                    if !methods.is_empty() {
                        out.push(part(clause, methods, Vec::new()));
                    }
                }
                continue;
            }
        }
        // "We'll shortlist on the application form and interview everyone we shortlist,
        // and I'll ask to see certificates for the qualifications at interview": the
        // clause naming everyone covers every criterion, the one naming a category only
        // that category (with what the clause says, the interview there only when).
        let clauses: Vec<&str> = s
            .sentence
            .split("; ")
            .flat_map(|p| p.split(", and "))
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if clauses.len() >= 2 {
            let everyone =
                |c: &str| contains_phrase(c, "everyone") || contains_phrase(c, "everybody");
            let whole = clauses
                .iter()
                .any(|c| everyone(c) && categories_named(c, categories).is_empty());
            let scoped = clauses
                .iter()
                .any(|c| !categories_named(c, categories).is_empty());
            if whole && scoped {
                for clause in clauses {
                    let found = if categories_named(clause, categories).is_empty() {
                        named_methods(clause)
                    } else {
                        methods::phrase(clause)
                    };
                    if !found.is_empty() {
                        let text = if everyone(clause) {
                            format!("{clause} (all criteria)")
                        } else {
                            clause.to_string()
                        };
                        out.push(part(&text, found, Vec::new()));
                    }
                }
                continue;
            }
        }
        out.push(part(&s.sentence, s.methods.clone(), Vec::new()));
    }
    out
}

fn finish(blocks: &[Block], mut walk: Walk, line: usize) -> ImportedSpec {
    let mut warnings = Vec::new();
    stage_list(blocks, &mut walk);
    let sentences = prose(blocks, &walk);
    // Methods stated in the selection-process prose: "Experience will be assessed at sift
    // and interview"; "At interview you will be assessed on all four Behaviours"; a
    // sentence naming a criterion ("a written exercise, which assesses Making Effective
    // Decisions").
    // Bounded work: prose is matched against criteria only for documents of real size.
    let prose_pairs = sentences.len().saturating_mul(walk.cands.len());
    let group_of = |cand: &Cand| -> &'static str {
        let category = cand.category.as_deref().map(lower).unwrap_or_default();
        if cand.group.contains("behaviour") || category.contains("behaviour") {
            "behaviour"
        } else if cand.group.contains("technical") || category.contains("technical") {
            "technical"
        } else if cand.group.contains("person specification")
            || cand.group.contains("experience")
            || category.contains("experience")
        {
            "experience"
        } else {
            ""
        }
    };
    // How many criteria each group holds ("the four behaviours" are all of them).
    let group_sizes: Vec<(&str, usize)> = ["behaviour", "technical", "experience"]
        .into_iter()
        .map(|g| (g, walk.cands.iter().filter(|c| group_of(c) == g).count()))
        .collect();
    // The stage the sentence before named ("At application you will …"), for a sentence
    // of the same paragraph that goes on with it ("You will also be asked for …").
    let mut previous_stage: Option<(usize, Vec<Method>)> = None;
    // A paragraph opening with its stage's label ("**Stage 1 – sift.** You will complete a
    // CV …"): every sentence of the paragraph is about that stage.
    let mut labelled_stage: Option<(usize, Vec<Method>)> = None;
    for (line, sentence) in sentences.iter().filter(|_| prose_pairs <= 2_000_000) {
        let label = sentence
            .trim()
            .trim_matches(['*', '_'])
            .trim_end_matches('.');
        if words_count(label) <= 6 {
            if let Some(found) = stage_heading(label) {
                labelled_stage = Some((*line, found));
                continue;
            }
        }
        let label_stage = labelled_stage
            .as_ref()
            .filter(|(at, _)| at == line)
            .map(|(_, stage)| stage.clone());
        let l = lower(sentence);
        // What a stage does not assess: "There are no behaviour questions at sift."
        if [
            "there are no ",
            "there is no ",
            "will not be assessed",
            "won't be assessed",
            "are not assessed",
            "is not assessed",
        ]
        .iter()
        .any(|p| l.contains(p))
        {
            continue;
        }
        // The stage holds for the rest of its paragraph until another is named: "At sift
        // … If we receive a large number … we will sift on the lead criterion first. You
        // will also answer questions on …".
        let carried = previous_stage
            .clone()
            .filter(|(at, _)| at == line)
            .map(|(_, stage)| stage)
            .filter(|_| {
                [
                    "you will also",
                    "you'll also",
                    "you will then",
                    // "Written exercise: … an analysis exercise. This assesses the three
                    // technical skills."
                    "this assesses ",
                    "this will assess ",
                    "this tests ",
                    "this will test ",
                    "it assesses ",
                    "it will assess ",
                ]
                .iter()
                .any(|p| l.starts_with(p))
            });
        // When, not how: "a test before interview", "the interview day".
        let l = [
            "before the interview",
            "before interview",
            "after the interview",
            "after interview",
            "ahead of the interview",
            "ahead of interview",
            // Who, not how: "Shortlisted candidates will be invited to an interview",
            // "If you pass the sift you will be invited to a video interview".
            "if you pass the sift",
            "if you pass sift",
            "if you are successful at sift",
            "if you are successful at the sift",
            "shortlisted candidates",
            "shortlisted applicants",
            // When: "a written exercise on the day of your interview".
            "on the day of your interview",
            "on the day of the interview",
            "on the day of interview",
        ]
        .iter()
        .fold(l, |l, when| l.replace(when, ""));
        // "Candidates who pass the typing test will be invited to an interview".
        let l = without_who_passed(&l);
        let mut found = methods::words(&l.replace("interview day", "day"));
        if found.is_empty() {
            match carried {
                Some(stage) => found = stage,
                None => continue,
            }
        }
        // "… an analysis exercise (the first technical skill) and a presentation (the
        // second technical skill)": the methods before each bracket for that criterion.
        let ordinals = ordinal_methods(&l);
        let words: Vec<&str> = l
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        // "X will be assessed …", "The technical skills will be tested by …"
        let subject: Option<String> = {
            let at = l
                .find(" will be assessed")
                .or_else(|| l.find(" will be tested"))
                .or_else(|| l.find(" are assessed"))
                .or_else(|| l.find(" is assessed"));
            at.map(|at| {
                let s = l[..at].trim();
                s.strip_prefix("the ")
                    .or_else(|| s.strip_prefix("your "))
                    .unwrap_or(s)
                    .to_string()
            })
            .filter(|s| words_count(s) <= 2 && !s.is_empty())
        };
        // "At sift …", or a stage label: "Sift: you will complete a CV …".
        let at_stage: Option<Vec<Method>> = [
            "at sift",
            "at the sift",
            "at shortlisting",
            "at application",
            "at the application stage",
            // "As part of the application process you will be asked for a CV …".
            "as part of the application",
            "as part of your application",
            "at interview",
            "at the interview",
            "sift:",
            "shortlisting:",
            "interview:",
        ]
        .iter()
        .find(|p| l.starts_with(*p))
        .map(|p| methods::words(p))
        // A stage's label of a few words: "Written exercise: candidates will complete …".
        .or_else(|| {
            let (label, rest) = l.split_once(':')?;
            let found = methods::words(label);
            ((1..=3).contains(&words_count(label))
                && !rest.trim().is_empty()
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
                && !found.is_empty())
            .then_some(found)
        })
        // "Sift will be on your CV …", "Shortlisting will be based on …": the stage as
        // the sentence's subject.
        .or_else(|| {
            ["sift will ", "the sift will ", "shortlisting will "]
                .iter()
                .any(|p| l.trim_start().starts_with(p))
                .then(|| vec![Method::Application])
        })
        .or(label_stage);
        if let Some(stage) = &at_stage {
            previous_stage = Some((*line, stage.clone()));
        }
        // At the sift a CV shows the experience, whatever else is asked for.
        let cv_at_sift =
            at_stage.as_deref() == Some(&[Method::Application][..]) && words.contains(&"cv");
        // Criteria of a group named one by one ("statements for Managing a Quality
        // Service and Working Together"): the group's word covers only those.
        // Unless the sentence counts the whole group as well: "about the four behaviours,
        // and … a presentation, which assesses Communicating and Influencing".
        let whole_group = |group: &str| -> bool {
            let size = group_sizes
                .iter()
                .find(|(g, _)| *g == group)
                .map(|(_, n)| *n);
            words.iter().enumerate().any(|(pos, w)| {
                w.starts_with(group)
                    && !group.is_empty()
                    && words[pos.saturating_sub(3)..pos]
                        .iter()
                        .any(|b| *b == "all" || count_word(b).is_some_and(|n| Some(n) == size))
            })
        };
        let named_in_group: Vec<&str> = walk
            .cands
            .iter()
            .filter(|c| named_in(sentence, &l, &c.description))
            .map(&group_of)
            .filter(|group| !whole_group(group))
            .collect();
        let mentions = |group: &str| -> bool {
            let Some(pos) = words.iter().position(|w| w.starts_with(group)) else {
                return false;
            };
            if named_in_group.contains(&group) {
                return false;
            }
            let before = &words[pos.saturating_sub(3)..pos];
            // "the first technical skill" is one of them (read by its place).
            if before
                .last()
                .is_some_and(|w| matches!(*w, "first" | "second" | "third" | "fourth" | "fifth"))
            {
                return false;
            }
            let count = before.iter().find_map(|w| count_word(w));
            let size = group_sizes
                .iter()
                .find(|(g, _)| *g == group)
                .map(|(_, n)| *n);
            count.is_none() || before.contains(&"all") || count == size
        };
        // A sentence of clauses, each with its own methods and the groups they assess:
        // "At interview we will ask about the criteria, behaviours and technical skills,
        // and you will give a presentation …, which we will use to assess the criteria
        // and the technical skills". Each group takes the methods of the clauses naming
        // it, not every method of the sentence.
        let clauses = group_clauses(&l, &named_in_group);
        let mut in_group: std::collections::HashMap<&str, usize> = Default::default();
        for cand in walk.cands.iter_mut() {
            let group_word = group_of(cand);
            let nth = {
                let n = in_group.entry(group_word).or_insert(0);
                *n += 1;
                *n
            };
            if cand.coded {
                continue;
            }
            let mut add: Option<Vec<Method>> = None;
            if !clauses.is_empty() {
                let level = cand.requirement;
                let m: Vec<Method> = clauses
                    .iter()
                    .filter(|c| {
                        // A level word qualifies the experience ("the desirable
                        // experience"), never a behaviour or a technical skill named
                        // beside it.
                        c.groups.contains(&group_word)
                            && c.level.is_none_or(|l| {
                                group_word != "experience"
                                    || level == Some(l)
                                    || l == Requirement::Essential && level.is_none()
                            })
                    })
                    .flat_map(|c| c.methods.iter().copied())
                    .collect();
                if !m.is_empty() {
                    add = Some(m);
                }
            } else if let Some(subject) = &subject {
                if !group_word.is_empty() && subject.contains(group_word) {
                    add = Some(found.clone());
                }
            }
            if let Some(stage) = at_stage.as_ref().filter(|_| clauses.is_empty()) {
                if !group_word.is_empty()
                    && (mentions(group_word)
                        || group_word == "experience"
                            && (l.contains("person specification") || cv_at_sift))
                {
                    add = Some(stage.clone());
                }
            }
            // "… a CV and a personal statement showing how you meet the essential and
            // desirable criteria": the application evidences the criteria themselves.
            if add.is_none()
                && clauses.is_empty()
                && group_word == "experience"
                && found.contains(&Method::Application)
                && l.contains("criteri")
                && ["how you meet", "against the", "demonstrat"]
                    .iter()
                    .any(|w| l.contains(w))
                // "… how you meet the essential criteria": that level only.
                && match (l.contains("essential"), l.contains("desirable")) {
                    (true, false) => cand.requirement != Some(Requirement::Desirable),
                    (false, true) => cand.requirement == Some(Requirement::Desirable),
                    _ => true,
                }
            {
                add = Some(vec![Method::Application]);
            }
            // "… an interview, where we will assess the behaviours, the technical skills
            // and your experience", "a written exercise that assesses the technical
            // skills": the groups named after the verb.
            if add.is_none()
                && clauses.is_empty()
                && subject.is_none()
                && at_stage.is_none()
                && !group_word.is_empty()
                && mentions(group_word)
                && assessed_after(&l, group_word)
            {
                add = Some(found.clone());
            }
            if let Some((_, m)) = ordinals
                .iter()
                .find(|(o, _)| !group_word.is_empty() && *o == (group_word, nth))
            {
                add = Some(m.clone());
            }
            // "… the presentation assesses the lead criterion": the one marked so.
            let lead =
                l.contains("lead criterion") && lower(&cand.source).contains("lead criterion");
            if lead || named_in(sentence, &l, &cand.description) {
                let mut m = add.unwrap_or_default();
                m.extend(found.iter().copied());
                add = Some(m);
            }
            if let Some(m) = add {
                cand.methods.extend(m);
                cand.methods = methods::sort(std::mem::take(&mut cand.methods));
                cand.prose = true;
            }
        }
    }
    // Sentences saying how some criteria are assessed: a category they name, the
    // essential or desirable ones, all, or ("These will be …") the ones read just before.
    let categories = category_names(&walk.cands);
    // The selection-process prose outside the specification, where it says how a level
    // of criteria is assessed: "At sift we will assess your CV … against the minimum
    // requirements", "we shortlist against the essential criteria".
    for (_, sentence) in &sentences {
        if walk.scoped.len() >= 200 {
            break;
        }
        let parts = level_clauses(sentence)
            .or_else(|| {
                level_sentence_methods(sentence).map(|found| vec![(sentence.clone(), found)])
            })
            .or_else(|| {
                let clauses: Vec<(String, Vec<Method>)> = sentence
                    .split(';')
                    .filter_map(|c| whole_sentence_methods(c).map(|m| (c.trim().to_string(), m)))
                    .collect();
                (!clauses.is_empty()).then_some(clauses)
            })
            .or_else(|| {
                area_sentence_methods(sentence, &categories)
                    .map(|found| vec![(sentence.clone(), found)])
            });
        for (part, found) in parts.into_iter().flatten() {
            walk.scoped.push(Scoped {
                sentence: lower(&part),
                methods: found,
                area: None,
                level: None,
                in_spec: false,
            });
        }
    }
    let mut scoped_methods: Vec<Vec<Method>> = vec![Vec::new(); walk.cands.len()];
    let parts = scoped_parts(&walk.scoped, &categories);
    for scoped in &parts {
        let l = &scoped.sentence;
        let named = categories_named(l, &categories);
        let (essential, desirable, level_named) = levels_named(l);
        let all = ["all ", "every ", "each "].iter().any(|w| l.contains(w))
            || essential && desirable
            || speaks_of_whole_specification(l)
            || !scoped.in_spec && names_whole_specification(l);
        // "These will be …", or "… assessed against these criteria" after a table.
        let these = ["these ", "they ", "this ", "both "]
            .iter()
            .any(|w| l.starts_with(w))
            || ["these criteria", "the criteria above", "the above criteria"]
                .iter()
                .any(|w| l.contains(w));
        // "the ladder and practical tasks item": the one criterion holding those words.
        let item = item_words(l).and_then(|words| {
            let mut matching = walk.cands.iter().enumerate().filter(|(_, c)| {
                let d = lower(&c.description);
                words.iter().all(|w| d.contains(w))
            });
            let first = matching.next().map(|(i, _)| i);
            first.filter(|_| matching.next().is_none())
        });
        for (i, cand) in walk.cands.iter().enumerate() {
            if cand.coded && !(cand.staged && essential != desirable) {
                continue;
            }
            let name = lower(&cand.description);
            let n = words_count(&name);
            let covered = if item == Some(i) {
                true
            } else if (2..=8).contains(&n) && contains_phrase(l, &name) {
                // The criterion itself is named: "used to assess Communicating and
                // Influencing".
                true
            } else if !named.is_empty() {
                let level = match (essential, desirable) {
                    (true, false) => cand.requirement != Some(Requirement::Desirable),
                    (false, true) => cand.requirement == Some(Requirement::Desirable),
                    // Read under a requirement heading, it speaks of that level.
                    _ => scoped.level.is_none_or(|l| cand.requirement == Some(l)),
                };
                let in_named = cand
                    .category
                    .as_deref()
                    .is_some_and(|c| named.iter().any(|n| **n == lower(c)));
                if level_named && essential != desirable {
                    // "against the minimum requirements and the knowledge and skills
                    // below": that level, and the categories named besides.
                    level || in_named
                } else {
                    // "the essential Experience": the essential ones of that category.
                    level && in_named
                }
            } else if essential && !desirable {
                cand.requirement != Some(Requirement::Desirable)
            } else if desirable && !essential {
                cand.requirement == Some(Requirement::Desirable)
            } else if all {
                true
            } else if these {
                scoped
                    .area
                    .is_some_and(|(from, to)| (from..to).contains(&i))
            } else {
                false
            };
            // The selection prose's "essential and desirable criteria" are the advert's
            // criteria, never its behaviours or technical skills listed apart with no
            // level of their own (under a "Minimum requirements" heading they are some).
            let other_group = !scoped.in_spec
                && level_named
                && cand.requirement.is_none()
                && matches!(group_of(cand), "behaviour" | "technical");
            let excepted = other_group
                || cand
                    .category
                    .as_deref()
                    .is_some_and(|c| scoped.except.contains(&lower(c)));
            if covered && !excepted {
                scoped_methods[i].extend(scoped.methods.iter().copied());
            }
        }
    }
    // A specification that states its methods only in an unscoped sentence of its own
    // ("How we assess: we shortlist from your application form and interview everyone
    // shortlisted"): the sentence speaks of every criterion, when nothing else gives any
    // criterion a method.
    let stated_nowhere = walk.blanket_methods.is_none()
        && walk.cands.iter().all(|c| c.methods.is_empty())
        && scoped_methods.iter().all(Vec::is_empty);
    if stated_nowhere {
        let process: Vec<Method> = walk
            .scoped
            .iter()
            .filter(|s| {
                s.in_spec
                    && ["assess", "shortlist"]
                        .iter()
                        .any(|v| s.sentence.contains(v))
            })
            .flat_map(|s| s.methods.iter().copied())
            .collect();
        if !process.is_empty() {
            for more in scoped_methods.iter_mut() {
                more.extend(process.iter().copied());
            }
        }
    }
    for (cand, more) in walk.cands.iter_mut().zip(scoped_methods) {
        if more.is_empty() {
            continue;
        }
        cand.methods.extend(more);
        if let Some(blanket) = &walk.blanket_methods {
            cand.methods.extend(blanket.iter().copied());
        }
        cand.methods = methods::sort(std::mem::take(&mut cand.methods));
        cand.prose = true;
    }
    // One criterion per description: a behaviour listed twice is one criterion.
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut cands: Vec<Cand> = Vec::new();
    for cand in walk.cands.drain(..) {
        let key = lower(&cand.description);
        if let Some(&at) = seen.get(&key) {
            let kept: &mut Cand = &mut cands[at];
            kept.methods.extend(cand.methods);
            kept.methods = methods::sort(std::mem::take(&mut kept.methods));
            continue;
        }
        seen.insert(key, cands.len());
        cands.push(cand);
    }
    // Conditions among the criteria, and in the prose.
    let mut conditions_found: Vec<String> = Vec::new();
    let mut criteria_texts: Vec<String> = Vec::new();
    cands.retain(|c| {
        let category = c.category.clone().unwrap_or_default();
        // A licence or a registration the post would only welcome is a criterion (a
        // condition of appointment is required).
        let welcome = c.requirement == Some(Requirement::Desirable)
            && matches!(
                conditions::kind(&c.description),
                Some(conditions::Kind::Driving | conditions::Kind::Registration)
            );
        if conditions::criterion_is_condition(&c.description, &category) && !welcome {
            conditions_found.push(c.description.clone());
            false
        } else {
            // A registration the post requires (not one it would welcome) gives the
            // setting.
            if conditions::kind(&c.description) == Some(conditions::Kind::Registration)
                && c.requirement != Some(Requirement::Desirable)
            {
                criteria_texts.push(c.description.clone());
            }
            true
        }
    });
    let mut known: HashSet<String> = conditions_found.iter().cloned().collect();
    let under_conditions = conditions_section_lines(blocks);
    // A check's sentence with the sentence before it in the same paragraph when that one
    // says whom the regulated work is with ("This post involves regulated work with
    // children. The successful candidate must join the PVG Scheme."): for the settings.
    let mut context: Vec<String> = Vec::new();
    for (n, (line, sentence)) in sentences.iter().enumerate() {
        if conditions_found.len() >= 200 {
            break;
        }
        if let Some((before_line, before)) = n.checked_sub(1).map(|p| &sentences[p]) {
            let regulated = lower(before).contains("regulated");
            if before_line == line
                && regulated
                && conditions::kind(sentence) == Some(conditions::Kind::Dbs)
                && context.len() < 20
            {
                context.push(format!("{before} {sentence}"));
            }
        }
        // Under a "Special conditions" heading, a driving licence or a check is a
        // condition however it is worded.
        // A template's guidance note ("[Guidance: record the checks here …]") is none; a
        // template's choices left in ("Basic [delete as appropriate – None / Basic /
        // Enhanced]") are read without them.
        if template_guidance(sentence.trim_start_matches('[')) {
            continue;
        }
        let sentence =
            &super::without_template_instruction(sentence).unwrap_or_else(|| sentence.clone());
        let headed = under_conditions.contains(line) && conditions::kind(sentence).is_some();
        if (headed || conditions::sentence_is_condition(sentence)) && known.insert(sentence.clone())
        {
            conditions_found.push(sentence.clone());
        }
    }
    // A paragraph read for how criteria are assessed may state a condition as well ("The
    // exercise is a written task on the interview day. This post is politically
    // restricted, …").
    for (i, block) in blocks.iter().enumerate() {
        if conditions_found.len() >= 200 {
            break;
        }
        let BlockKind::Paragraph(cell) = &block.kind else {
            continue;
        };
        if !walk.used.contains(&i) || walk.key_blocks.contains(&i) {
            continue;
        }
        for sentence in conditions::sentences(&cell.plain()) {
            if conditions::sentence_is_condition(&sentence)
                && !template_guidance(sentence.trim_start_matches('['))
                && known.insert(sentence.clone())
            {
                conditions_found.push(sentence);
            }
        }
    }
    let mut settings = conditions::settings(&[conditions_found.clone(), context].concat());
    if settings.professional_registration.is_none() {
        settings.professional_registration = criteria_texts
            .iter()
            .chain(
                cands
                    .iter()
                    .filter(|c| c.requirement != Some(Requirement::Desirable))
                    .map(|c| &c.description),
            )
            .find_map(|t| conditions::registration_body(t));
    }
    let any_marked = cands.iter().any(|c| c.requirement.is_some());
    let all_unmarked = !any_marked && !walk.blanket_essential;
    if all_unmarked && !cands.is_empty() {
        warnings.push(ImportWarning {
            line,
            text: "person specification".into(),
            reason: "the specification marks no criterion essential or desirable: every \
                     criterion listed is imported as essential"
                .into(),
        });
    }
    let mut criteria = Vec::with_capacity(cands.len());
    for cand in cands {
        let mut confidence: f64 = 1.0;
        let mut reasons: Vec<&str> = Vec::new();
        let requirement = match cand.requirement {
            Some(r) => r,
            // Unmarked bullets whose wording gives the level ("… would be an
            // advantage", "Ideally, …"), where the specification marks nothing.
            None if all_unmarked && modal_desirable(&cand.description) => Requirement::Desirable,
            None => {
                if any_marked {
                    confidence -= 0.45;
                    reasons.push("no essential/desirable mark on this row (imported as essential)");
                } else if !walk.blanket_essential {
                    confidence -= 0.1;
                }
                Requirement::Essential
            }
        };
        let mut methods = cand.methods.clone();
        if methods.is_empty() {
            if let Some(blanket) = &walk.blanket_methods {
                methods = blanket.clone();
            }
        }
        let stated = !methods.is_empty();
        // Methods the document does not state, or states only in prose.
        if !stated || cand.prose && !cand.coded {
            confidence -= 0.1;
        }
        let n = words_count(&cand.description);
        if n > 60 {
            confidence -= 0.3;
            reasons.push("very long for one criterion (several run together?)");
        }
        if n <= 1 {
            confidence -= 0.3;
            reasons.push("a single word: a heading rather than a criterion?");
        }
        let confidence = confidence.clamp(0.0, 1.0);
        if confidence <= LOW_CONFIDENCE && !reasons.is_empty() {
            warnings.push(ImportWarning {
                line: cand.line,
                text: cand.source.clone(),
                reason: format!("low confidence ({confidence:.2}): {}", reasons.join("; ")),
            });
        }
        let category = cand
            .category
            .clone()
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| kind_of(&cand.description).to_string());
        criteria.push(ImportedCriterion {
            category,
            description: cand.description,
            requirement,
            methods: if stated {
                methods
            } else {
                vec![Method::Application]
            },
            alternative_group: None,
            line: cand.line,
            source: cand.source,
            confidence,
            methods_stated: stated,
        });
    }
    ImportedSpec {
        title: title(blocks),
        line,
        criteria,
        warnings,
        conditions: conditions_found,
        settings,
    }
}

/// Methods given to one criterion of a group by its place: "a written exercise (the
/// first technical skill) and a presentation (the second technical skill)": the group,
/// the criterion's place in it, and the methods named since the last bracket.
fn ordinal_methods(l: &str) -> Vec<((&'static str, usize), Vec<Method>)> {
    let mut out = Vec::new();
    // A sentence, not a page: bounded work however many brackets it opens.
    if words_count(l) > 80 {
        return out;
    }
    let mut from = 0;
    for (open, _) in l.match_indices("(the ") {
        if open < from || out.len() >= 10 {
            continue;
        }
        let Some(close) = l[open..].find(')').map(|c| open + c) else {
            break;
        };
        let inner: Vec<&str> = l[open + 5..close].split_whitespace().collect();
        let place = match inner.first().copied() {
            Some("first") => 1,
            Some("second") => 2,
            Some("third") => 3,
            Some("fourth") => 4,
            Some("fifth") => 5,
            _ => continue,
        };
        let rest = inner[1..].join(" ");
        let group = ["behaviour", "technical", "experience"]
            .into_iter()
            .find(|g| rest.starts_with(g));
        let found = methods::words(&l[from..open]);
        from = close + 1;
        if let Some(group) = group.filter(|_| !found.is_empty() && inner.len() <= 4) {
            out.push(((group, place), found));
        }
    }
    // "The interview will assess all four behaviours and the first technical skill": one
    // criterion by its place, assessed by the sentence's methods.
    if out.is_empty() {
        let found = methods::words(l);
        for (at, _) in l.match_indices("the ") {
            if out.len() >= 10 || found.is_empty() || l[..at].ends_with('(') {
                continue;
            }
            let mut words = l[at + 4..].split_whitespace();
            let place = match words.next() {
                Some("first") => 1,
                Some("second") => 2,
                Some("third") => 3,
                Some("fourth") => 4,
                Some("fifth") => 5,
                _ => continue,
            };
            let next = words.next().unwrap_or("");
            if let Some(group) = ["behaviour", "technical", "experience"]
                .into_iter()
                .find(|g| next.starts_with(g))
            {
                out.push(((group, place), found.clone()));
            }
        }
    }
    out
}

/// The lines of the blocks under a heading that names conditions ("Special conditions",
/// "Conditions of employment", "Pre-employment checks", "Eligibility"), up to the next
/// heading.
fn conditions_section_lines(blocks: &[Block]) -> HashSet<usize> {
    let mut lines = HashSet::new();
    let mut inside = false;
    for (i, block) in blocks.iter().enumerate() {
        if heading_level(blocks, i) > 0 {
            let t = lower(&block_text(block));
            // "Other requirements", "Special requirements": what the post needs beyond
            // the criteria.
            let other_requirements = t.contains("requirement")
                && ["other", "special", "additional"]
                    .iter()
                    .any(|w| t.starts_with(w));
            inside = words_count(&t) <= 6
                && (t.contains("condition")
                    || t.contains("pre-employment")
                    || t.contains("eligib")
                    // "Safer recruitment checks", "Vetting".
                    || t.split(|c: char| !c.is_alphanumeric()).any(|w| w == "checks")
                    || t.contains("vetting")
                    // "Before you start": the checks made before the first day.
                    || t.contains("before you start")
                    // An agency's "Compliance required before start": the documents it
                    // must hold before the placement begins.
                    || t.contains("compliance")
                    || other_requirements);
            continue;
        }
        if inside {
            lines.insert(block.line);
        }
    }
    lines
}

fn title(blocks: &[Block]) -> Option<String> {
    blocks.iter().find_map(|b| match &b.kind {
        BlockKind::Heading(t) if !collapse(t).is_empty() => Some(collapse(t)),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_words_in_brackets_marks_with_methods_and_area_statements() {
        let codes = Codes::default();
        let i = parse_inline(
            "Knowledge of medical terminology (assessed at interview) – E",
            &codes,
        );
        assert_eq!(i.description, "Knowledge of medical terminology");
        assert_eq!(i.requirement, Some(Requirement::Essential));
        assert_eq!(i.methods, vec![Method::Interview]);
        let i = parse_inline("Calm under pressure [Interview/Exercise]", &codes);
        assert_eq!(i.description, "Calm under pressure");
        assert_eq!(i.methods, vec![Method::Test, Method::Interview]);
        // Square brackets holding anything but method words stay in the text.
        let i = parse_inline("Use of a system [such as Civica]", &codes);
        assert_eq!(i.description, "Use of a system [such as Civica]");
        // A square bracket opening with "assessed" names the methods after it.
        let i = parse_inline(
            "Experience of audits – desirable [assessed: application form, interview]",
            &codes,
        );
        assert_eq!(i.description, "Experience of audits");
        assert_eq!(i.requirement, Some(Requirement::Desirable));
        assert_eq!(i.methods, vec![Method::Application, Method::Interview]);
        // One naming a check, no method, is a note on the criterion: off, and no method.
        let i = parse_inline(
            "Full driving licence – essential [assessed: licence check]",
            &codes,
        );
        assert_eq!(i.description, "Full driving licence");
        assert_eq!(i.requirement, Some(Requirement::Essential));
        assert!(i.methods.is_empty());
        assert_eq!(
            lead_mark("Essential – application form and interview"),
            Some((
                Requirement::Essential,
                vec![Method::Application, Method::Interview]
            ))
        );
        assert_eq!(lead_mark("Essential or Desirable – how assessed"), None);
        assert_eq!(
            requirement_heading("What would be nice to have"),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            requirement_heading("What you must have"),
            Some(Requirement::Essential)
        );
        assert_eq!(
            requirement_heading("To do this job well you will need:"),
            Some(Requirement::Essential)
        );
        assert_eq!(
            requirement_heading("It would be great if you also had:"),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            requirement_heading("For this role you will need a licence"),
            None
        );
        assert!(assessed_after(
            "you will complete a data exercise that tests the technical skills",
            "technical"
        ));
        assert_eq!(
            sentence_methods("Candidates who pass Sift 1 complete a 40-minute online task."),
            None
        );
        assert_eq!(
            without_who_passed("candidates who pass sift 1 complete a task"),
            "candidates  complete a task"
        );
        assert_eq!(
            without_who_passed(
                "candidates who pass the typing test will be invited to an interview"
            ),
            "candidates  will be invited to an interview"
        );
        assert_eq!(
            without_who_passed("those who pass our checks will be interviewed"),
            "those who pass our checks will be interviewed"
        );
        assert_eq!(
            requirement_heading("Desirable for the role"),
            Some(Requirement::Desirable)
        );
        assert!(!is_stop("Essential for the role"));
        assert!(is_stop("About the role"));
        assert!(is_stop("How the stages work"));
        assert_eq!(
            bare_methods("application form / interview"),
            Some(vec![Method::Application, Method::Interview])
        );
        assert_eq!(
            bare_methods("service charge exercise"),
            Some(vec![Method::Test])
        );
        assert_eq!(bare_methods("GCSE grade 4 / C"), None);
        assert_eq!(bare_methods("or equivalent"), None);
        assert_eq!(bare_methods("such as a practical task"), None);
        assert_eq!(is_mark_word("(Des.)"), Some(Requirement::Desirable));
        assert!(template_guidance(
            "*Guidance: describe the experience needed.*"
        ));
        assert!(template_guidance(
            "EXAMPLE – delete: Degree in a relevant subject"
        ));
        assert!(template_guidance("~~Able to use SIMS~~"));
        assert!(!template_guidance(
            "Experience of giving guidance to tenants"
        ));
        assert_eq!(
            parse_inline(
                "Commitment to safeguarding [delete if the post has no contact with children]",
                &codes
            )
            .description,
            "Commitment to safeguarding"
        );
        assert_eq!(priority_header("Must have or bonus?"), Some(false));
        assert_eq!(priority_mark("Bonus", false), Some(Requirement::Desirable));
        assert_eq!(header_role("How we'll know"), Role::Method);
        assert_eq!(header_role("Where we'll see it"), Role::Method);
        let codes = Codes::default();
        assert_eq!(
            parse_inline("Knowledge of GIS — helpful, not essential", &codes).requirement,
            Some(Requirement::Desirable)
        );
        let split = Cell {
            items: vec![
                super::super::blocks::Item {
                    bullet: false,
                    depth: 0,
                    text: "E: T, I".into(),
                },
                super::super::blocks::Item {
                    bullet: false,
                    depth: 0,
                    text: "D: A".into(),
                },
            ],
            emphasis: None,
        };
        assert_eq!(
            level_methods(&split, Requirement::Essential, &codes),
            Some(vec![Method::Test, Method::Interview])
        );
        assert_eq!(
            level_methods(&split, Requirement::Desirable, &codes),
            Some(vec![Method::Application])
        );
        assert_eq!(
            area_methods("How we’ll assess this: your application form and a short written task on the interview day."),
            Some(vec![Method::Application, Method::Test])
        );
        assert_eq!(area_methods("How to apply: send your CV"), None);
        assert!(route_heading(
            "Route A – qualified Environmental Health Practitioner"
        ));
        assert!(route_heading(
            "Option 2: a degree and two years' experience"
        ));
        assert!(!route_heading("Routes into teaching"));
        assert!(!route_heading("Optional extras"));
        assert_eq!(
            area_methods("Assessed by: interview and a written exercise."),
            Some(vec![Method::Test, Method::Interview])
        );
        assert_eq!(
            area_methods(
                "How we assess: application form and interview for qualifications and \
                 skills; certificates for the qualifications."
            ),
            None
        );
        assert_eq!(
            item_words("the ladder and practical tasks item also by a short practical task"),
            Some(vec!["ladder", "practical", "tasks"])
        );
        assert_eq!(item_words("each item will be scored"), None);
        assert_eq!(item_words("the first item"), None);
        let codes = Codes::default();
        let inline = parse_inline("Lived experience of caring – nice to have", &codes);
        assert_eq!(inline.description, "Lived experience of caring");
        assert_eq!(inline.requirement, Some(Requirement::Desirable));
        assert_eq!(parse_inline("– nice to have", &codes).requirement, None);
        assert_eq!(header_role_of("Must have"), Role::Essential);
        assert_eq!(header_role_of("Could have"), Role::Desirable);
        assert_eq!(header_role_of("Where we'll look for it"), Role::Method);
    }

    #[test]
    fn inline_marks_and_codes_come_off() {
        let codes = Codes::default();
        let i = parse_inline(
            "1. Experience of working in a contact centre (D) A/I",
            &codes,
        );
        assert_eq!(i.description, "Experience of working in a contact centre");
        assert_eq!(i.requirement, Some(Requirement::Desirable));
        assert_eq!(i.methods, vec![Method::Application, Method::Interview]);
        let i = parse_inline("Corporate membership of CABE or RICS [D] – A", &codes);
        assert_eq!(i.description, "Corporate membership of CABE or RICS");
        assert_eq!(i.requirement, Some(Requirement::Desirable));
        let i = parse_inline(
            "GCSE English and Maths at grade 4 (C) or above, or equivalent (E) A",
            &codes,
        );
        assert_eq!(
            i.description,
            "GCSE English and Maths at grade 4 (C) or above, or equivalent"
        );
        let i = parse_inline("Intermediate Life Support (ILS)", &codes);
        assert_eq!(i.description, "Intermediate Life Support (ILS)");
        let i = parse_inline("Strong writing (lead criterion)", &codes);
        assert_eq!(i.description, "Strong writing");
        let i = parse_inline("Experience with young people (desirable)", &codes);
        assert_eq!(i.requirement, Some(Requirement::Desirable));
        assert_eq!(i.description, "Experience with young people");
    }

    #[test]
    fn a_closing_letter_mark_with_method_words_comes_off() {
        let codes = Codes::default();
        let i = parse_inline(
            "Level 2 qualification in horticulture (e.g. RHS Level 2) (D – application, certificates)",
            &codes,
        );
        assert_eq!(
            i.description,
            "Level 2 qualification in horticulture (e.g. RHS Level 2)"
        );
        assert_eq!(i.requirement, Some(Requirement::Desirable));
        assert_eq!(i.methods, vec![Method::Application, Method::Documents]);
        let i = parse_inline("Good report writing (E: interview)", &codes);
        assert_eq!(i.description, "Good report writing");
        assert_eq!(i.requirement, Some(Requirement::Essential));
        assert_eq!(i.methods, vec![Method::Interview]);
        // A letter that is not a mark stays in the description.
        let i = parse_inline("Grade 4 in English (C – or above)", &codes);
        assert_eq!(i.description, "Grade 4 in English (C – or above)");
    }

    #[test]
    fn requirement_labels_anywhere() {
        let codes = Codes::default();
        let (e, d) = (Some(Requirement::Essential), Some(Requirement::Desirable));
        let (a, doc) = (Method::Application, Method::Documents);
        // (text, description, requirement, methods): a clause on the line under the
        // criterion; in brackets with codes; a mark after a short title and before what
        // it means; a number carrying the requirement; words that only look like a mark.
        let cases: [(&str, &str, Option<Requirement>, Vec<Method>); 5] = [
            (
                "Degree in ecology\nEssential | Assessed: Application form, Certificates",
                "Degree in ecology",
                e,
                vec![a, doc],
            ),
            (
                "First Aid at Work certificate (Desirable – AF/C)",
                "First Aid at Work certificate",
                d,
                vec![a, doc],
            ),
            (
                "Resilience (E) – you stay calm when things go wrong.",
                "Resilience",
                e,
                vec![],
            ),
            (
                "D2 Experience of lecturing",
                "Experience of lecturing",
                d,
                vec![],
            ),
            (
                "Knowledge of Essential Skills Wales",
                "Knowledge of Essential Skills Wales",
                None,
                vec![],
            ),
        ];
        for (text, description, requirement, methods) in cases {
            let i = parse_inline(text, &codes);
            assert_eq!(
                (i.description.as_str(), i.requirement, i.methods),
                (description, requirement, methods),
                "{text}"
            );
        }
        assert_eq!(
            is_mark_word("Dymunol / Desirable"),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            requirement_area("Essential experience"),
            Some("Experience".to_string())
        );
        assert_eq!(requirement_area("Essential criteria"), None);
    }

    #[test]
    fn labelled_paragraphs_split_at_semicolons() {
        let cell = Cell {
            items: vec![super::super::blocks::Item {
                bullet: false,
                depth: 0,
                text: "Experience — Essential — two years’ work with groups (e.g. schools); \
                       report writing; and working with volunteers. Desirable: evaluation. \
                       These will be assessed at interview."
                    .to_string(),
            }],
            emphasis: Some("Experience".to_string()),
        };
        let found = labelled_paragraph(&cell).expect("labelled lists");
        assert_eq!(found.category.as_deref(), Some("Experience"));
        assert_eq!(
            found.lists,
            vec![
                (
                    Requirement::Essential,
                    vec![
                        "two years’ work with groups (e.g. schools)".to_string(),
                        "report writing".to_string(),
                        "working with volunteers".to_string()
                    ]
                ),
                (Requirement::Desirable, vec!["evaluation".to_string()])
            ]
        );
        assert_eq!(found.rest, vec!["These will be assessed at interview."]);
        assert_eq!(
            sentence_methods("Knowledge will be tested at interview."),
            Some(vec![Method::Interview])
        );
        assert_eq!(
            sentence_methods("Skills – interview, and a written exercise on the day."),
            Some(vec![Method::Test, Method::Interview])
        );
        assert_eq!(sentence_methods("We offer 27 days’ leave."), None);
    }

    #[test]
    fn header_words_give_roles() {
        assert_eq!(header_role("How assessed"), Role::Method);
        assert_eq!(header_role("How we’ll check"), Role::Method);
        assert_eq!(header_role("How we will find out"), Role::Method);
        assert_eq!(header_role("Would like"), Role::Desirable);
        assert_eq!(header_role("You'll have…"), Role::Criterion);
        assert_eq!(header_role("What we're after"), Role::Criterion);
        assert_eq!(header_role("We'll see it through…"), Role::Method);
        assert_eq!(header_role("Essential/Desira ble"), Role::Mark);
        assert_eq!(header_role("Must have"), Role::Essential);
        assert_eq!(header_role("E/D"), Role::Mark);
        assert_eq!(header_role("Essential or Desirable"), Role::Mark);
        assert_eq!(header_role("Essential"), Role::Essential);
        assert_eq!(header_role("D"), Role::Desirable);
        assert_eq!(header_role("Area"), Role::Category);
        assert_eq!(header_role("Criteria"), Role::Criterion);
        assert_eq!(header_role("No."), Role::Number);
    }

    #[test]
    fn a_mark_column_that_also_holds_methods() {
        assert_eq!(header_role("E/D and assessment"), Role::Mark);
        assert_eq!(header_role("E / D & evidence"), Role::Mark);
        assert_eq!(header_role("E/D"), Role::Mark);
        assert_eq!(header_role("You'll bring"), Role::Criterion);
        assert_eq!(header_role("E/D – how assessed"), Role::Mark);
        assert_eq!(header_role("E/D method"), Role::Mark);
        assert_eq!(header_role("What you'll need"), Role::Criterion);
        assert_eq!(
            letter_clause("E (AF, I)", &Codes::default()),
            Some((
                Requirement::Essential,
                vec![Method::Application, Method::Interview]
            ))
        );
        // "E – AF/I", "D: AF, Q": the letter and the key's codes in one cell.
        let text = "PERSON SPECIFICATION\n\n\
            Key: E = Essential, D = Desirable; AF = Application form, I = Interview, \
            T = Technical exercise, Q = Qualification certificates\n\n\
            Criteria\tE/D and assessment\n\
            Qualifications\t\n\
            HNC in civil engineering\tE – AF/Q\n\
            NRSWA supervisor card\tD – AF\n\
            Knowledge\t\n\
            Understanding of open channel flow\tE: I, T\n";
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        let (a, i, t) = (Method::Application, Method::Interview, Method::Test);
        let got = read_levels(text);
        assert_eq!(
            got,
            vec![
                (
                    "HNC in civil engineering".to_string(),
                    e,
                    vec![a, Method::Documents]
                ),
                ("NRSWA supervisor card".to_string(), d, vec![a]),
                (
                    "Understanding of open channel flow".to_string(),
                    e,
                    vec![t, i]
                ),
            ]
        );
    }

    #[test]
    fn a_nice_to_have_row_divides_its_area_only() {
        let text = "PERSON SPECIFICATION\n\n\
            You'll bring\tEvidence\n\
            Working with families\t\n\
            Experience of direct work with children\tApplication form, interview\n\
            Nice to have\t\n\
            A Level 3 qualification in youth work\tApplication form\n\
            Safeguarding and recording\t\n\
            Able to keep clear, factual records\tApplication form, written exercise\n";
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        assert_eq!(
            levels(text),
            vec![
                ("Working with families".to_string(), e),
                ("Working with families".to_string(), d),
                ("Safeguarding and recording".to_string(), e),
            ]
        );
    }

    #[test]
    fn method_sublists_under_a_category_keep_the_category() {
        let text = "## Person specification\n\n\
            ### Qualifications\n\n\
            **Checked from certificates:**\n\n\
            - Level 2 in English and maths (E)\n\n\
            ### Skills\n\n\
            **Evidence: interview**\n\n\
            - Ability to manage behaviour calmly (E)\n\n\
            **Assessed in a classroom task:**\n\n\
            - Ability to read a phonics text aloud (D)\n\n\
            ### Safeguarding\n\n\
            **Assessed at interview:**\n\n\
            - Understanding of keeping children safe (E)\n\n\
            ## About us\n\n\
            We are a small school.\n";
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        assert_eq!(
            read(text)
                .into_iter()
                .map(|(c, _, r, m)| (c, r, m))
                .collect::<Vec<_>>(),
            vec![
                ("Qualifications".to_string(), e, vec![Method::Documents]),
                ("Skills".to_string(), e, vec![Method::Interview]),
                ("Skills".to_string(), d, vec![Method::Test]),
                ("Safeguarding".to_string(), e, vec![Method::Interview]),
            ]
        );
    }

    #[test]
    fn a_short_line_over_its_prose_and_table_names_the_area() {
        // A PDF's area titles come without their type size.
        let text = "## Who we're looking for\n\n\
            Youth work\n\n\
            You will meet young people on their terms, where they are.\n\n\
            Requirement\tEvidence\n\
            Experience of detached youth work\tApplication and interview\n\n\
            Values\n\n\
            We believe in young people.\n\n\
            Requirement\tEvidence\n\
            Commitment to anti-racist practice\tInterview\n";
        assert_eq!(
            described(text),
            vec![
                (
                    "Youth work".to_string(),
                    "Experience of detached youth work".to_string()
                ),
                (
                    "Values".to_string(),
                    "Commitment to anti-racist practice".to_string()
                ),
            ]
        );
    }

    #[test]
    fn an_area_paragraph_alone_on_its_row_is_not_a_criterion() {
        let text = "PERSON SPECIFICATION\n\n\
            What we're looking for\tHow we'll assess it\n\
            <b>Working with people</b>\t\n\
            The hubs only work because of our volunteers. You'll be the person who makes everyone feel welcome.\t\n\
            Experience of recruiting, supporting or leading volunteers\tApplication and interview\n";
        assert_eq!(
            described(text),
            vec![(
                "Working with people".to_string(),
                "Experience of recruiting, supporting or leading volunteers".to_string()
            )]
        );
    }

    #[test]
    fn competencies_with_level_lines_and_indicators() {
        assert_eq!(
            level_line(
                "Level: 3 – Team Leader · Can be developed in post · Assessed by: interview"
            ),
            Some((Some(Requirement::Desirable), vec![Method::Interview]))
        );
        assert_eq!(level_line("Level 4"), Some((None, Vec::new())));
        assert_eq!(level_line("Levels of service vary"), None);
        assert_eq!(
            level_mark("Level 3 – needed from day one"),
            Some(Requirement::Essential)
        );
        assert_eq!(level_mark("Can be developed"), Some(Requirement::Desirable));
        assert_eq!(level_mark("Level 2 – Practitioner"), None);
        assert_eq!(
            level_line("Level 3 · Desirable · Assessed by: interview"),
            Some((Some(Requirement::Desirable), vec![Method::Interview]))
        );
        // A pack that heads its person specification as such: an earlier "Our
        // competency framework" section is not it.
        let text = "## Our competency framework\n\n\
            We use four values:\n\n\
            - Be kind\n\
            - Be curious\n\n\
            ## Person specification\n\n\
            ### Essential\n\n\
            - Good IT skills\n";
        assert_eq!(
            described(text)
                .into_iter()
                .map(|(_, d)| d)
                .collect::<Vec<_>>(),
            vec!["Good IT skills".to_string()]
        );
        // Names as headings, the methods on a line of their own.
        let text = "## Competency framework\n\n\
            ## Technical competencies\n\n\
            ### Safeguarding\n\n\
            Level 3 – required on appointment\n\n\
            Assessed by: interview\n\n\
            - Recognises risk and makes referrals\n\n\
            ### Digital skills\n\n\
            Level 2 (desirable)\n\n\
            Assessed by: application form\n\n\
            - Uses Excel for simple reports\n";
        let technical = "Technical competencies".to_string();
        assert_eq!(
            read(text),
            vec![
                (
                    technical.clone(),
                    "Safeguarding".to_string(),
                    Requirement::Essential,
                    vec![Method::Interview]
                ),
                (
                    technical,
                    "Digital skills".to_string(),
                    Requirement::Desirable,
                    vec![Method::Application]
                ),
            ]
        );
        assert_eq!(
            level_mark("Level 2 (desirable)"),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            level_mark("Required on appointment"),
            Some(Requirement::Essential)
        );
        // The competency's name is the criterion; its level and indicators are not.
        let text = "## Competency profile\n\n\
            ## Core competencies\n\n\
            Customer focus\n\n\
            Level: 3 – Team Leader · Required on appointment · Assessed by: application form and interview\n\n\
            Indicators at this level:\n\n\
            - Sets clear service standards for the team\n\
            - Uses complaints to change the way the team works\n\n\
            Improving services\n\n\
            Level: 3 – Team Leader · Can be developed in post · Assessed by: interview and in-tray exercise\n\n\
            Indicators at this level:\n\n\
            - Leads small improvement projects\n";
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        let (a, i, t) = (Method::Application, Method::Interview, Method::Test);
        let core = "Core competencies".to_string();
        assert_eq!(
            read(text),
            vec![
                (core.clone(), "Customer focus".to_string(), e, vec![a, i]),
                (core, "Improving services".to_string(), d, vec![t, i]),
            ]
        );
        // In a table: the level column says which are desirable.
        let text = "OUR COMPETENCY FRAMEWORK\n\n\
            Competency\tLevel needed\tWhat good looks like\tHow we'll assess it\n\
            Our behaviours\t\t\t\n\
            Residents first\tLevel 4\tDesigns services around residents\tInterview, scenario exercise\n\
            Making it better\tLevel 2 (desirable)\tSuggests improvements\tInterview\n";
        let ours = "Our behaviours".to_string();
        assert_eq!(
            read(text),
            vec![
                (ours.clone(), "Residents first".to_string(), e, vec![t, i]),
                (ours, "Making it better".to_string(), d, vec![i]),
            ]
        );
    }

    #[test]
    fn a_sentence_on_these_criteria_under_the_table() {
        let text = "PERSON SPECIFICATION\n\n\
            Criteria\tE/D\n\
            Skills\t\n\
            Able to manage a caseload\tE\n\
            Able to use EMIS Web\tD\n\n\
            Candidates will be assessed against these criteria from the application form and at interview.\n";
        let methods: Vec<Vec<Method>> = read(text).into_iter().map(|(_, _, _, m)| m).collect();
        let both = vec![Method::Application, Method::Interview];
        assert_eq!(methods, vec![both.clone(), both]);
    }

    #[test]
    fn an_area_named_like_a_stop_heading_over_a_criteria_table() {
        let text = "## Who we're looking for\n\n\
            ### Working with people\n\n\
            You'll make everyone feel welcome.\n\n\
            What we're looking for\tHow we'll assess it\n\
            Experience of recruiting volunteers\tApplication and interview\n\n\
            ### Our values\n\n\
            We are a small, member-led charity.\n\n\
            What we're looking for\tHow we'll assess it\n\
            Commitment to equity, diversity and inclusion\tInterview\n\n\
            ### Benefits\n\n\
            - Free parking\n";
        assert_eq!(
            described(text),
            vec![
                (
                    "Working with people".to_string(),
                    "Experience of recruiting volunteers".to_string()
                ),
                (
                    "Our values".to_string(),
                    "Commitment to equity, diversity and inclusion".to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_category_line_over_essential_and_desirable_lines() {
        let text = "## Person specification\n\n\
            Qualifications\n\n\
            Essential\n\n\
            - Degree or equivalent experience\n\n\
            Desirable\n\n\
            - Teaching qualification\n\n\
            Skills and abilities\n\n\
            Essential\n\n\
            - Able to analyse data\n";
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        assert_eq!(
            levels(text),
            vec![
                ("Qualifications".to_string(), e),
                ("Qualifications".to_string(), d),
                ("Skills and abilities".to_string(), e),
            ]
        );
    }

    /// (category, description) of what `find` reads from a text form.
    fn described(text: &str) -> Vec<(String, String)> {
        read(text)
            .into_iter()
            .map(|(category, description, _, _)| (category, description))
            .collect()
    }

    /// (category, requirement) of what `find` reads from a text form.
    fn levels(text: &str) -> Vec<(String, Requirement)> {
        read(text)
            .into_iter()
            .map(|(category, _, r, _)| (category, r))
            .collect()
    }

    /// (description, requirement, methods) of what `find` reads from a text form.
    fn read_levels(text: &str) -> Vec<(String, Requirement, Vec<Method>)> {
        read(text)
            .into_iter()
            .map(|(_, description, r, m)| (description, r, m))
            .collect()
    }

    /// (category, description, requirement, methods) of what `find` reads from a text form.
    fn owned(expected: Vec<(&str, &[Method])>) -> Vec<(String, Vec<Method>)> {
        expected
            .into_iter()
            .map(|(d, m)| (d.to_string(), m.to_vec()))
            .collect()
    }

    /// Each criterion read from `text` with its methods.
    fn read_methods(text: &str) -> Vec<(String, Vec<Method>)> {
        read(text).into_iter().map(|(_, d, _, m)| (d, m)).collect()
    }

    fn read(text: &str) -> Vec<(String, String, Requirement, Vec<Method>)> {
        let blocks = super::super::text::blocks(text);
        find(&blocks)
            .map(|spec| {
                spec.criteria
                    .into_iter()
                    .map(|c| (c.category, c.description, c.requirement, c.methods))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Civil Service selection prose: a stage's label ("Written exercise:"), "This assesses
    /// …" going on with the sentence before it, "the four behaviours" counting the whole
    /// group though one is named, and "who pass the typing test" saying who, not how.
    #[test]
    fn selection_stages_labelled_counted_and_passed() {
        let text = "## Person specification\n\n### Experience\n\nEssential criteria\n\n\
            - Managing research projects\n\n### Behaviours\n\n\
            We'll assess you against these behaviours during the selection process:\n\n\
            - Seeing the Big Picture\n- Communicating and Influencing\n\n\
            ### Technical skills\n\n\
            We'll assess you against these technical skills during the selection process:\n\n\
            - Analysis of survey data\n- Touch typing\n\n## Selection process details\n\n\
            Sift: you will be asked to provide a CV showing how you meet the essential criteria.\n\n\
            Written exercise: candidates who pass the sift will complete a written analysis \
            exercise. This assesses the two technical skills.\n\n\
            Interview: you will be asked about your experience and about the two behaviours, \
            and you will give a presentation, which assesses Communicating and Influencing.\n";
        let found = read_methods(text);
        let methods = |name: &str| {
            found
                .iter()
                .find(|(d, _)| d == name)
                .map(|(_, m)| m.clone())
                .unwrap_or_else(|| panic!("{name} not read in {found:?}"))
        };
        assert_eq!(methods("Seeing the Big Picture"), vec![Method::Interview]);
        assert_eq!(
            methods("Communicating and Influencing"),
            vec![Method::Interview, Method::Presentation]
        );
        assert_eq!(methods("Analysis of survey data"), vec![Method::Test]);
        assert_eq!(methods("Touch typing"), vec![Method::Test]);
    }

    /// Items lettered "(a)", "(b)" under each heading are siblings (a letter item reads one
    /// level deep, as under a numbered criterion), and "everyone we shortlist" is every
    /// criterion.
    #[test]
    fn lettered_items_under_headings_are_criteria_of_their_own() {
        let text = "PERSON SPECIFICATION\n\nEverything listed below is essential for this post.\n\n\
            Knowledge\n---------\n\n(a) Health and safety at work\n(b) Fire evacuation procedures\n\n\
            Experience\n----------\n\n(a) Experience of caretaking\n(b) Setting out rooms\n\n\
            HOW WE ASSESS\n\nWe will shortlist on your application form and assess everyone we \
            shortlist at interview.\n";
        let found = read_methods(text);
        let both = vec![Method::Application, Method::Interview];
        assert_eq!(
            found,
            vec![
                ("Health and safety at work".to_string(), both.clone()),
                ("Fire evacuation procedures".to_string(), both.clone()),
                ("Experience of caretaking".to_string(), both.clone()),
                ("Setting out rooms".to_string(), both),
            ]
        );
    }

    #[test]
    fn a_paragraph_read_for_methods_can_state_a_condition_too() {
        let text = "## Person specification\n\n\
            | Area | What you'll need | Level | How we test it |\n\
            | Experience | Experience of procurement | Essential | Application + Tender evaluation exercise |\n\
            | Skills | Negotiating skills | Desirable | Interview |\n\n\
            The tender evaluation exercise is a 45-minute written task on the interview day. \
            This post is politically restricted, which means the post holder cannot stand for \
            election.\n\n## Why work for us\n\nWe are a council.\n";
        let spec = find(&super::super::text::blocks(text)).expect("a specification");
        assert_eq!(
            spec.settings.politically_restricted,
            Some(true),
            "{:?}",
            spec.conditions
        );
        assert_eq!(spec.criteria.len(), 2);
    }

    #[test]
    fn an_adverts_what_youll_need_opens_it_and_a_fact_box_is_no_criterion() {
        let text =
            "# Street scene driver\n\n## A day in the life\n\n- 06:00 – Start at the depot\n\n\
            ## What you'll need\n\n### Experience\n\n\
            - Experience of driving large goods vehicles — E\n\
            - Experience of using in-cab tablets — D\n\n\
            Did you know? Nine out of ten of our crew leaders started as loaders.\n\n\
            ## What we offer\n\n- A pension\n";
        let found: Vec<(String, Requirement)> =
            read(text).into_iter().map(|(_, d, r, _)| (d, r)).collect();
        assert_eq!(
            found,
            vec![
                (
                    "Experience of driving large goods vehicles".to_string(),
                    Requirement::Essential
                ),
                (
                    "Experience of using in-cab tablets".to_string(),
                    Requirement::Desirable
                ),
            ]
        );
        assert!(need_heading("What you'll need:"));
        assert!(!need_heading("What you'll need to apply"));
    }

    #[test]
    fn routes_within_a_category_keep_its_name_and_methods() {
        let text = "## Person specification\n\n### Qualifications\n\n\
            Assessed by: application form and certificate check.\n\n\
            #### Route A – qualified practitioner\n\n- A degree in environmental health\n\n\
            **— OR —**\n\n#### Route B – higher certificate\n\n- Higher Certificate in Food Control\n\n\
            ### Knowledge\n\nAssessed by: interview and a written exercise.\n\n- Knowledge of food law (E)\n";
        let found = read(text);
        let both = vec![Method::Application, Method::Documents];
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            (found[0].0.as_str(), &found[0].3),
            ("Qualifications", &both)
        );
        assert_eq!(
            (found[1].0.as_str(), &found[1].3),
            ("Qualifications", &both)
        );
        assert_eq!(found[2].3, vec![Method::Test, Method::Interview]);
    }

    #[test]
    fn a_closing_codes_label_and_a_bare_level_letter() {
        let mut codes = Codes::default();
        codes.read_key("Tested by: A = application form, I = interview, C = certificates checked.");
        let inline = parse_inline(
            "Experience of managing tenancies (E) Tested by: A, I",
            &codes,
        );
        assert_eq!(inline.description, "Experience of managing tenancies");
        assert_eq!(inline.requirement, Some(Requirement::Essential));
        assert_eq!(inline.methods, vec![Method::Application, Method::Interview]);
        let inline = parse_inline("Certificate in the HHSRS [A, I] D", &codes);
        assert_eq!(inline.requirement, Some(Requirement::Desirable));
        assert_eq!(inline.description, "Certificate in the HHSRS");
        // A letter that is a word of the text stays.
        let inline = parse_inline("Knowledge of vitamin D", &Codes::default());
        assert_eq!(inline.description, "Knowledge of vitamin D");
    }

    #[test]
    fn a_charitys_plain_headers_and_marks() {
        assert_eq!(header_role("We'll look for this in"), Role::Method);
        assert_eq!(header_role("How we'll see it"), Role::Method);
        assert_eq!(
            header_role("We're looking for someone with…"),
            Role::Criterion
        );
        let inline = parse_inline(
            "Experience of pricing goods (an advantage)",
            &Codes::default(),
        );
        assert_eq!(inline.description, "Experience of pricing goods");
        assert_eq!(inline.requirement, Some(Requirement::Desirable));
        let inline = parse_inline(
            "Experience of volunteer management (preferred)",
            &Codes::default(),
        );
        assert_eq!(inline.requirement, Some(Requirement::Desirable));
    }

    #[test]
    fn a_list_explaining_the_stages_is_no_criteria() {
        let text = "## Person specification\n\nThe stages are:\n\n\
            - Application – your application form and supporting statement\n\
            - Assessment centre – a written exercise and a role play\n\
            - Interview – a panel interview with the manager\n\n\
            | What we need | Level | Tested at |\n| Experience of casework | Essential | Application |\n";
        let found: Vec<String> = read(text).into_iter().map(|(_, d, _, _)| d).collect();
        assert_eq!(found, vec!["Experience of casework".to_string()]);
    }

    #[test]
    fn a_heading_can_give_a_level_and_its_stage() {
        assert_eq!(
            level_stage_heading(
                "Section 1 – Essential criteria: assessed at shortlisting from your application form"
            ),
            Some((Requirement::Essential, vec![Method::Application]))
        );
        assert_eq!(
            level_stage_heading("Section 3 – Essential criteria: assessed by a written exercise on the interview day"),
            Some((Requirement::Essential, vec![Method::Test]))
        );
        assert_eq!(
            level_stage_heading("Desirable criteria: applied at shortlisting only if required"),
            Some((Requirement::Desirable, vec![Method::Application]))
        );
        assert_eq!(level_stage_heading("Essential criteria"), None);
        assert_eq!(
            requirement_heading(
                "Desirable criteria – these help us choose between strong applicants"
            ),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            code_methods("SS; IV", &Codes::default()).is_some(),
            code_methods("SS, IV", &Codes::default()).is_some()
        );
        assert_eq!(
            requirement_heading("Minimum requirements (you must show all of these):"),
            Some(Requirement::Essential)
        );
        assert_eq!(
            requirement_heading("Helpful extras (we will use these only if we need to):"),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            stage_heading("Checkpoint 2 – In-tray exercise (timetable clash task, 40 minutes)"),
            Some(vec![Method::Test])
        );
        assert_eq!(
            requirement_heading("Extras that would help"),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            stage_heading("Part two – Case file exercise (45 minutes, on the interview day)"),
            Some(vec![Method::Test])
        );
        assert_eq!(
            stage_heading("Part one – What we will look for in your application form"),
            Some(vec![Method::Application])
        );
        assert_eq!(
            level_stage_heading("Experience: assessed at interview"),
            None
        );
    }

    #[test]
    fn an_attribute_column_beside_priorities_holds_the_criteria() {
        let text = "## Person specification\n\n| Attribute | Priority |\n| Qualifications |\n\
            | First aid at work certificate | Desirable |\n| Experience |\n\
            | Experience of taking bookings | Essential |\n";
        let found: Vec<(String, Requirement)> =
            read(text).into_iter().map(|(_, d, r, _)| (d, r)).collect();
        assert_eq!(
            found,
            vec![
                (
                    "First aid at work certificate".to_string(),
                    Requirement::Desirable
                ),
                (
                    "Experience of taking bookings".to_string(),
                    Requirement::Essential
                ),
            ]
        );
    }

    #[test]
    fn a_list_of_stages_gives_the_categories_it_names_their_methods() {
        let text = "## Person specification\n\n### Experience\n\n- Experience of casework (E)\n\n\
            ### Skills\n\n- Clear case recording (E)\n\n## Our selection process\n\n\
            - Application form – we shortlist on the Experience points\n\
            - Case file exercise – we look at the Skills points\n\
            - Interview – covers everything\n";
        assert_eq!(
            read_methods(text),
            vec![
                (
                    "Experience of casework".to_string(),
                    vec![Method::Application, Method::Interview]
                ),
                (
                    "Clear case recording".to_string(),
                    vec![Method::Test, Method::Interview]
                ),
            ]
        );
        // A list whose items do not all name a stage and what it covers is no such list.
        let plain = text.replace("- Interview – covers everything", "- Lunch is provided");
        assert_eq!(read_methods(&plain)[0].1, vec![Method::Application]);
    }

    #[test]
    fn a_header_repeated_under_another_name_starts_its_category() {
        let text = "PERSON SPECIFICATION\n\n\
            Qualifications\tE/D\tAssessment\n\
            GCSE English and maths at grade 4\tE\tApplication form\n\n\
            Experience\tE/D\tAssessment\n\
            Experience of casework in an advice service\tD\tInterview\n";
        assert_eq!(
            described(text),
            vec![
                (
                    "Qualifications".to_string(),
                    "GCSE English and maths at grade 4".to_string()
                ),
                (
                    "Experience".to_string(),
                    "Experience of casework in an advice service".to_string()
                ),
            ]
        );
        let header: Vec<String> = ["Criteria", "E", "D"].map(String::from).to_vec();
        let row: Vec<String> = ["Full licence", "E", "D"].map(String::from).to_vec();
        // Letters alone repeat by chance: only column names mark a repeated header.
        assert_eq!(repeated_header_category(&header, &row), None);
        // Empty columns (a PDF's blank ones) beside the names do not hide the repeat:
        // an inner table's header under each area of an outer one.
        let header: Vec<String> = ["Area", "", "Criterion", "E / D", "Assessment", ""]
            .map(String::from)
            .to_vec();
        let row: Vec<String> = ["Skills", "", "Criterion", "E / D", "Assessment", ""]
            .map(String::from)
            .to_vec();
        assert_eq!(repeated_header_category(&header, &row), Some("Skills"));
        let blank: Vec<String> = ["Area", "", ""].map(String::from).to_vec();
        let row: Vec<String> = ["Skills", "", ""].map(String::from).to_vec();
        assert_eq!(repeated_header_category(&blank, &row), None);
    }

    #[test]
    fn labelled_field_lines_under_a_criterion_are_its_own() {
        let text = "PERSON SPECIFICATION\n\n\
            Experience\n\n\
            1. Experience of grounds maintenance work\n\
            \x20   Requirement:  Essential\n\
            \x20   Assessed by:  Application form   Practical test\n\n\
            2. Experience of working for a local authority\n\
            \x20   Requirement:  Desirable\n\
            \x20   Assessed by:  Interview\n\n\
            Assessment: application form and interview for all criteria unless stated\n";
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        assert_eq!(
            read_levels(text),
            vec![
                (
                    "Experience of grounds maintenance work".to_string(),
                    e,
                    vec![Method::Application, Method::Test]
                ),
                (
                    "Experience of working for a local authority".to_string(),
                    d,
                    vec![Method::Interview]
                ),
            ]
        );
        // A value naming the whole specification is not a field.
        assert!(criterion_field("Assessment", "interview for all criteria").is_none());
        assert!(criterion_field("Requirement", "Essential or desirable").is_none());
    }

    #[test]
    fn a_sentence_referring_back_to_all_criteria_gives_their_methods() {
        assert!(names_all_criteria("all the criteria listed are essential."));
        assert!(names_all_criteria("all of the following are essential."));
        assert!(refers_back("we test them through a written exercise."));
        assert!(!refers_back("we offer flexible working."));
        let text = "## Person specification\n\n\
            All the criteria listed are essential. We will assess them through a written exercise \
            and a panel interview.\n\n\
            ### Skills\n\n\
            - Able to drive a forklift truck safely\n\
            - Good numeracy and attention to detail\n";
        let got: Vec<Vec<Method>> = read(text).into_iter().map(|(_, _, _, m)| m).collect();
        assert_eq!(
            got,
            vec![
                vec![Method::Test, Method::Interview],
                vec![Method::Test, Method::Interview]
            ]
        );
    }

    #[test]
    fn screening_questions_are_essential_application_criteria() {
        assert_eq!(
            without_answer_options("Do you hold a forklift licence? Yes / No"),
            "Do you hold a forklift licence?"
        );
        assert_eq!(without_answer_options("Why? Because"), "Why? Because");
        let text = "## Part A: Screening questions\n\n\
            - Can you lift 20kg safely? Yes / No\n\
            - Are you aged 18 or over? Yes / No\n\n\
            ### Part B: Your statement\n\n\
            Essential criteria are scored at the sift and at interview; desirable criteria \
            are scored at the sift only.\n\n\
            Criterion\tE/D\n\
            Experience of stock control systems\tE\n\
            Knowledge of food hygiene rules\tD\n";
        let blocks = super::super::text::blocks(text);
        let spec = find(&blocks).expect("criteria");
        let got: Vec<(&str, Requirement, Vec<Method>)> = spec
            .criteria
            .iter()
            .map(|c| (c.description.as_str(), c.requirement, c.methods.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Can you lift 20kg safely?",
                    Requirement::Essential,
                    vec![Method::Application]
                ),
                (
                    "Experience of stock control systems",
                    Requirement::Essential,
                    vec![Method::Application, Method::Interview]
                ),
                (
                    "Knowledge of food hygiene rules",
                    Requirement::Desirable,
                    vec![Method::Application]
                ),
            ]
        );
        assert_eq!(
            spec.conditions,
            vec!["Are you aged 18 or over?".to_string()]
        );
    }

    #[test]
    fn sentences_on_the_whole_specification() {
        assert!(speaks_of_whole_specification(
            "candidates will be assessed against the person specification through the application form and interview."
        ));
        assert!(speaks_of_whole_specification(
            "we'll use your application to draw up a shortlist, and then assess everything above at interview."
        ));
        assert!(!speaks_of_whole_specification(
            "the requirements listed under 'skills' will also be tested."
        ));
    }

    #[test]
    fn an_agency_briefs_plain_words_for_levels_and_its_compliance_list() {
        let (essential, desirable, named) =
            levels_named("the client interview covers all the must-haves and nice-to-haves.");
        assert!(essential && desirable && named);
        assert_eq!(
            level_sentence_methods(
                "The client will hold a Teams interview, covering all the must-haves and nice-to-haves."
            ),
            Some(vec![Method::Interview])
        );
        assert_eq!(
            level_sentence_methods(
                "Submission: your CV plus a candidate summary written against each must-have."
            ),
            Some(vec![Method::Application])
        );
        // "You must have" is no set of criteria.
        assert!(!levels_named("you must have a licence.").2);
        assert_eq!(priority_mark("NICE", false), Some(Requirement::Desirable));
        assert_eq!(priority_mark("MUST", false), Some(Requirement::Essential));
        assert_eq!(priority_mark("Nice weather", false), None);
        assert!(is_start("Candidate requirements"));
        // Civil Service stages: each stage of a sentence its own clause.
        let clauses = group_clauses(
            "a video interview assessing all four behaviours and the desirable experience, followed by a written case exercise that tests both technical skills.",
            &[],
        );
        assert_eq!(clauses.len(), 2);
        assert_eq!(clauses[0].methods, vec![Method::Interview]);
        assert_eq!(clauses[0].level, Some(Requirement::Desirable));
        assert_eq!(clauses[1].groups, vec!["technical"]);
        assert_eq!(clauses[1].methods, vec![Method::Test]);
        let blocks = super::super::text::blocks(
            "## Compliance required before start\n\n- Enhanced DBS\n\n## About us\n\nWe place staff.\n",
        );
        let lines = conditions_section_lines(&blocks);
        assert_eq!(lines.len(), 1);
    }

    #[test]
    fn a_leading_level_letter_a_method_label_and_a_semicolon_clause() {
        let mut codes = Codes::default();
        assert!(codes.read_key(
            "the codes after 'Method:' are AP application form, IV interview, PT practical test, CE certificates seen."
        ) || codes.read_key("AP = application form; IV = interview; PT = practical test; CE = certificates seen"));
        let inline = parse_inline(
            "4. E - Experience of keeping accurate statutory or legal records. Method: AP, PT",
            &codes,
        );
        assert_eq!(inline.requirement, Some(Requirement::Essential));
        assert_eq!(inline.methods, vec![Method::Application, Method::Test]);
        assert_eq!(
            inline.description,
            "Experience of keeping accurate statutory or legal records"
        );
        let codes = Codes::default();
        let inline = parse_inline(
            "2. Level 4 Certificate in Regulatory Investigation (D; A, I)",
            &codes,
        );
        assert_eq!(inline.requirement, Some(Requirement::Desirable));
        assert_eq!(inline.methods, vec![Method::Application, Method::Interview]);
        // "E - " needs a criterion after it.
        assert_eq!(parse_inline("E - Excel", &codes).requirement, None);
    }

    #[test]
    fn nil_is_an_empty_cell_and_a_vignette_a_test() {
        assert!(blank("Nil"));
        assert!(!blank("Nile cruise experience"));
        assert_eq!(
            methods::words("Interview; foot-health case vignette"),
            vec![Method::Test, Method::Interview]
        );
    }

    #[test]
    fn minutes_resolutions_assess_the_whole_specification() {
        assert_eq!(
            whole_sentence_methods(
                "5. that shortlisted candidates be interviewed by the Committee against the full person specification at Appendix 1 on 21 January 2027."
            ),
            Some(vec![Method::Interview])
        );
        assert_eq!(
            whole_sentence_methods(
                "that shortlisting be done by the Headteacher and the Chair from application forms against Annex A"
            ),
            Some(vec![Method::Application])
        );
        // An annex named by more than a label is not the specification.
        assert_eq!(
            whole_sentence_methods("that the budget be set against annex tables for 2027"),
            None
        );
        // Who is guaranteed an interview is not how anyone is assessed.
        assert_eq!(
            whole_sentence_methods(
                "Disabled applicants who meet the criteria are guaranteed to be interviewed against the full person specification."
            ),
            None
        );
        // The whole specification named, but no stage assessing it.
        assert_eq!(
            whole_sentence_methods("The person specification at Appendix 1 was approved."),
            None
        );
    }

    #[test]
    fn a_sentence_on_the_criteria_under_a_category_outside_the_specification() {
        let categories = vec!["communication".to_string(), "knowledge".to_string()];
        let found = area_sentence_methods(
            "The interview will include a role play of a telephone call with a parent, to assess the criteria under 'Communication' in Annex A.",
            &categories,
        )
        .unwrap();
        assert!(found.contains(&Method::Test) && found.contains(&Method::Interview));
        // A category the specification does not have.
        assert_eq!(
            area_sentence_methods(
                "A role play will assess the criteria under 'Leadership'.",
                &categories
            ),
            None
        );
    }

    #[test]
    fn your_values_are_no_stop_and_a_bold_area_statement_is_no_heading() {
        assert!(is_stop("Our values"));
        assert!(!is_stop("Your values"));
        let blocks = super::super::text::blocks(
            "### Your knowledge\n\n- You will understand the law\n\n<b>How we'll assess this: interview</b>\n",
        );
        let at = blocks
            .iter()
            .position(|b| block_text(b).starts_with("How we"))
            .expect("the statement");
        assert_eq!(heading_level(&blocks, at), 0);
    }

    #[test]
    fn a_duty_cell_names_its_category_by_its_bold_label() {
        let cell = super::super::blocks::parse_fragment(
            "<p><b>Home energy visits</b></p><p>Visit households and give advice.</p>",
            super::super::blocks::Spaces::Collapse,
        );
        assert_eq!(bold_label(&cell).as_deref(), Some("Home energy visits"));
        let alone = super::super::blocks::parse_fragment(
            "<p><b>Experience</b></p>",
            super::super::blocks::Spaces::Collapse,
        );
        assert_eq!(bold_label(&alone), None);
        let typeless = super::super::blocks::parse_fragment(
            "Ship sanitation<br>Inspect ships and issue certificates under the regulations.",
            super::super::blocks::Spaces::Collapse,
        );
        assert_eq!(bold_label(&typeless).as_deref(), Some("Ship sanitation"));
        assert!(is_start("Role profile"));
        assert_eq!(header_role_of("Key responsibility"), Role::Category);
        assert!(is_start("The job and what you'll need to do it"));
        assert!(!is_start("What you'll need"));
        // A category re-printed after a page break is the same category.
        assert_eq!(
            category_name("Experience and knowledge (continued)"),
            "Experience and knowledge"
        );
        assert_eq!(category_name("Skills – continued:"), "Skills");
        assert_eq!(category_name("(continued)"), "(continued)");
        // A charity's heading over what the post needs.
        assert!(is_start("What you'll bring"));
    }

    #[test]
    fn modal_wording_gives_unmarked_bullets_their_level() {
        for desirable in [
            "Experience of working in the NHS would be an advantage",
            "Skills in photography would be helpful",
            "Ideally, you will also have experience of running events",
            "It would be great if you had experience of the rail sector",
            "Experience of applying for grants would be useful but isn\u{2019}t essential",
            "Photography or design skills would be a bonus.",
        ] {
            assert!(modal_desirable(desirable), "{desirable}");
        }
        for essential in [
            "You will have experience of writing content for websites",
            "You'll need good IT skills",
            "You must be able to write clearly",
            "Ability to work to deadlines",
            "Knowledge of the advantages of plain English",
        ] {
            assert!(!modal_desirable(essential), "{essential}");
        }
    }

    #[test]
    fn moscow_priorities_must_is_essential_should_and_could_desirable() {
        assert_eq!(priority_header("Priority"), Some(false));
        assert_eq!(priority_header("MoSCoW rating"), Some(true));
        assert_eq!(priority_header("Criteria"), None);
        assert_eq!(
            priority_mark("Must have", false),
            Some(Requirement::Essential)
        );
        assert_eq!(priority_mark("Could", false), Some(Requirement::Desirable));
        assert_eq!(priority_mark("S", false), None);
        assert_eq!(priority_mark("S", true), Some(Requirement::Desirable));
        assert_eq!(priority_mark("Won't have", true), None);
        let text = "## Person specification\n\n\
            What we are looking for\tPriority\tAssessment\n\
            Able to build accessible web forms\tMust have\tPortfolio review and interview\n\
            Experience of user research sessions\tShould have\tInterview\n\
            Knowledge of service standards\tCould have\tInterview\n\n\
            ### Data\n\n\
            Criterion\tMoSCoW\tAssessment\n\
            Able to write SQL queries\tM\tTechnical test\n\
            Experience of dashboards\tC\tApplication\n";
        let got: Vec<(String, Requirement)> =
            read(text).into_iter().map(|(_, d, r, _)| (d, r)).collect();
        assert_eq!(
            got,
            vec![
                (
                    "Able to build accessible web forms".into(),
                    Requirement::Essential
                ),
                (
                    "Experience of user research sessions".into(),
                    Requirement::Desirable
                ),
                (
                    "Knowledge of service standards".into(),
                    Requirement::Desirable
                ),
                ("Able to write SQL queries".into(), Requirement::Essential),
                ("Experience of dashboards".into(), Requirement::Desirable),
            ]
        );
    }

    #[test]
    fn a_category_repeated_on_every_row_beside_the_criterion() {
        // Two columns headed as categories ("Area", "Attribute"): the one of longer texts
        // holds the criteria, the other names their category on every row.
        let text = "PERSON SPECIFICATION\n\n\
            Area\tAttribute\tEssential/Desirable\tIdentified by\n\
            Experience\tExperience of working with children under 5\tEssential\tApplication, interview\n\
            Experience\tExperience of supporting additional needs\tDesirable\tApplication\n\
            Skills\tGood observation skills and planning from them\tEssential\tInterview, observed session\n";
        let found = read(text);
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        let (a, i, t) = (Method::Application, Method::Interview, Method::Test);
        assert_eq!(
            found,
            vec![
                (
                    "Experience".to_string(),
                    "Experience of working with children under 5".to_string(),
                    e,
                    vec![a, i]
                ),
                (
                    "Experience".to_string(),
                    "Experience of supporting additional needs".to_string(),
                    d,
                    vec![a]
                ),
                (
                    "Skills".to_string(),
                    "Good observation skills and planning from them".to_string(),
                    e,
                    vec![t, i]
                ),
            ]
        );
    }

    #[test]
    fn criterion_references_carry_the_requirement() {
        let e = Requirement::Essential;
        let d = Requirement::Desirable;
        for (reference, requirement, len) in [
            ("E1 Degree", e, 2),
            ("D12. First aid", d, 3),
            ("E.1 Degree", e, 3),
            ("E-2 Degree", e, 3),
            ("Ess1 Degree", e, 4),
            ("ESS.2 Degree", e, 5),
            ("Des 3 Degree", d, 5),
        ] {
            assert_eq!(
                requirement_ref(reference),
                Some((requirement, len)),
                "{reference}"
            );
        }
        for not_one in [
            "E 1 Degree",
            "E1.5 Degree",
            "E12b",
            "Essential 1",
            "Dx1",
            "e1",
        ] {
            assert_eq!(requirement_ref(not_one), None, "{not_one}");
        }
        assert_eq!(reference_cell("E10"), Some(e));
        assert_eq!(reference_cell("(D2)"), Some(d));
        assert_eq!(reference_cell("E1 Degree"), None);
        // Bold reference, tab (a space in the text form), criterion, codes: one a
        // paragraph, under category headings.
        let text = "## Selection criteria\n\n### Qualifications\n\n\
            <b>E1</b> Degree in computer science or a related discipline – [A]\n\n\
            <b>D1</b> Vendor certification in a forensic tool – [A]\n\n\
            ### Values\n\n<b>Ess.2</b> We are emotionally aware (Level 1) – [I]\n\n\
            E2 and E3 are weighted double at interview.\n";
        let found = read(text);
        let got: Vec<(&str, &str, Requirement, Vec<Method>)> = found
            .iter()
            .map(|(c, t, r, m)| (c.as_str(), t.as_str(), *r, m.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Qualifications",
                    "Degree in computer science or a related discipline",
                    e,
                    vec![Method::Application]
                ),
                (
                    "Qualifications",
                    "Vendor certification in a forensic tool",
                    d,
                    vec![Method::Application]
                ),
                (
                    "Values",
                    "We are emotionally aware (Level 1)",
                    e,
                    vec![Method::Interview]
                ),
            ]
        );
        // A table without a header whose first column holds the references.
        let rows = "## Selection criteria\n\nE1\tDegree in town planning\nD1\tChartered member of the RTPI\n";
        let found = read(rows);
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].2, found[1].2), (e, d));
        assert_eq!(found[1].1, "Chartered member of the RTPI");
    }

    #[test]
    fn minimum_and_preferred_sections_with_methods_in_the_selection_prose() {
        assert_eq!(
            requirement_heading("Additional (preferred) requirements"),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            requirement_heading("Additional/preferred criteria"),
            Some(Requirement::Desirable)
        );
        assert_eq!(
            requirement_heading("Minimum (essential) requirements"),
            Some(Requirement::Essential)
        );
        // "Additional requirements" alone often lists conditions: not a level.
        assert_eq!(requirement_heading("Additional requirements"), None);
        assert_eq!(requirement_heading("Preferred start date in March"), None);
        assert_eq!(
            levels_named("against the minimum requirements only"),
            (true, false, true)
        );
        assert_eq!(
            levels_named("additional/preferred requirements may be used"),
            (false, true, true)
        );
        assert_eq!(
            levels_named("additional requirements apply"),
            (false, false, false)
        );
        assert_eq!(
            levels_named("the essential experience"),
            (true, false, false)
        );
        assert_eq!(
            titled_methods("Knowledge and skills (assessed at interview)"),
            Some(("Knowledge and skills".to_string(), vec![Method::Interview]))
        );
        assert_eq!(titled_methods("Skills (IT)"), None);
        // Requirement from the section; categories (bold labels, the same in both
        // sections) divide it; the methods from the prose, by level, and from a
        // category's own "(assessed at interview)".
        let text = "## Person specification\n\n\
            Applicants must show on their application form how they meet the minimum \
            requirements, as these will be used for shortlisting. Shortlisted candidates \
            will be assessed at interview against the minimum requirements and the \
            knowledge below. Preferred requirements may be used to enhance shortlisting.\n\n\
            Minimum requirements\n\n<b>Experience</b>\n\n- One year of post-qualifying experience\n\n\
            <b>Knowledge</b> (assessed at interview)\n\n- Knowledge of mental health law\n\n\
            Additional (preferred) requirements\n\n<b>Experience</b>\n\n\
            - Experience of a statutory mental health setting\n\n## Benefits\n\n- A pension\n";
        let found = read(text);
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        let (a, i) = (Method::Application, Method::Interview);
        assert_eq!(
            found,
            vec![
                (
                    "Experience".to_string(),
                    "One year of post-qualifying experience".to_string(),
                    e,
                    vec![a, i]
                ),
                (
                    "Knowledge".to_string(),
                    "Knowledge of mental health law".to_string(),
                    e,
                    vec![i]
                ),
                (
                    "Experience".to_string(),
                    "Experience of a statutory mental health setting".to_string(),
                    d,
                    vec![a]
                ),
            ]
        );
        // The same methods in a selection-process section after the specification.
        let text = "## Person specification\n\nMinimum requirements\n\n<b>Skills</b>\n\n\
            - Confident use of the command line\n\nAdditional (preferred) requirements\n\n\
            <b>Skills</b>\n\n- Some scripting in Python\n\n## Selection process\n\n\
            At sift we will assess your CV against the minimum requirements; we may also use \
            the preferred requirements. At interview we will assess the minimum requirements \
            only.\n\nWe offer a guaranteed interview to disabled applicants who meet the \
            minimum requirements and will assess them fairly.\n";
        let found = read(text);
        assert_eq!(found[0].2, e);
        assert_eq!(found[0].3, vec![a, i]);
        assert_eq!(found[1].2, d);
        assert_eq!(found[1].3, vec![a]);
    }

    #[test]
    fn each_clause_of_selection_prose_assesses_the_groups_it_names() {
        use Method::*;
        let clauses = group_clauses(
            "at interview we will ask about the criteria, behaviours and technical skills, \
             and you will give a presentation, which we will use to assess the criteria and \
             the technical skills.",
            &[],
        );
        assert_eq!(clauses.len(), 2);
        assert_eq!(
            clauses[0].groups,
            vec!["behaviour", "technical", "experience"]
        );
        assert_eq!(clauses[1].methods, vec![Presentation]);
        // One group, one method: the sentence is read as before.
        assert!(group_clauses("the behaviours will be assessed at interview.", &[]).is_empty());
        // The clauses of a paragraph inside the specification, read after the walk.
        let text = "## Person specification\n\nEssential criteria\n\n\
            - Experience of developing policy\n\nDesirable criteria\n\n\
            - Knowledge of agriculture\n\nBehaviours\n\n- Working Together\n\n\
            Technical skills\n\n- Policy drafting\n\nSelection process details\n\n\
            At sift you will be asked for a CV against the essential and desirable criteria \
            and the behaviours. You will be invited to an interview covering the experience \
            criteria and behaviours, and will complete a written exercise which assesses the \
            technical skill.\n";
        assert_eq!(
            read_methods(text),
            owned(vec![
                (
                    "Experience of developing policy",
                    &[Application, Interview][..]
                ),
                ("Knowledge of agriculture", &[Application, Interview][..]),
                ("Working Together", &[Application, Interview][..]),
                ("Policy drafting", &[Test][..]),
            ])
        );
    }

    #[test]
    fn a_sift_subject_and_two_actions_joined_by_and_assess_their_own_groups() {
        use Method::*;
        let text = "## Person specification\n\nEssential criteria\n\n\
            - Experience of managing case files\n\nDesirable criteria\n\n\
            - Knowledge of tribunal procedure\n\nBehaviours\n\n- Making Effective Decisions\n\n\
            Technical skills\n\n- Records management (practitioner level)\n\n\
            Selection process details\n\n\
            Sift will be based on your CV and a statement against the essential and desirable \
            criteria. Shortlisted candidates will sit a technical exercise and attend an \
            interview covering behaviours, experience and technical skills.\n";
        assert_eq!(
            read_methods(text),
            owned(vec![
                (
                    "Experience of managing case files",
                    &[Application, Interview][..]
                ),
                (
                    "Knowledge of tribunal procedure",
                    &[Application, Interview][..]
                ),
                ("Making Effective Decisions", &[Interview][..]),
                (
                    "Records management (practitioner level)",
                    &[Test, Interview][..]
                ),
            ])
        );
        // Methods listed together stay one clause.
        assert_eq!(
            actions("a test and an interview covering behaviours").len(),
            1
        );
        assert_eq!(
            actions("complete a written exercise and attend an interview"),
            vec!["complete a written exercise", "attend an interview"]
        );
    }

    #[test]
    fn codes_written_in_the_level_column_are_the_methods() {
        use Method::*;
        let text = "## Person specification\n\n\
            A = application form; I = interview; T = practical task.\n\n\
            Criteria\tEssential\tDesirable\n\
            <b>Skills</b>\t\t\n\
            Able to plan a work programme\tA, T\t\n\
            Good plant identification skills\t\tT\n\
            Able to lead volunteers\t\u{2713}\t\n";
        let found = read(text);
        let got: Vec<(&str, Requirement, &[Method])> = found
            .iter()
            .map(|(_, d, r, m)| (d.as_str(), *r, m.as_slice()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Able to plan a work programme",
                    Requirement::Essential,
                    &[Application, Test][..]
                ),
                (
                    "Good plant identification skills",
                    Requirement::Desirable,
                    &[Test][..]
                ),
                // A tick names no method: the default, the application form.
                (
                    "Able to lead volunteers",
                    Requirement::Essential,
                    &[Application][..]
                ),
            ]
        );
    }

    #[test]
    fn numbered_parts_and_an_assessment_stage_give_their_methods() {
        use Method::*;
        let text = "## Person specification\n\n\
            ### Part 1: Shortlisting (application form)\n\n- Experience of rota planning\n\n\
            ### Part 2: Skills assessment\n\n- Accurate data entry\n\n\
            ### Part 3: Interview\n\n- Calm under pressure\n\n\
            ### Safer recruitment checks\n\nAn enhanced DBS check.\n";
        assert_eq!(
            read_methods(text),
            owned(vec![
                ("Experience of rota planning", &[Application][..]),
                ("Accurate data entry", &[Test][..]),
                ("Calm under pressure", &[Interview][..]),
            ])
        );
        let spec = find(&super::super::text::blocks(text)).expect("a specification");
        assert_eq!(spec.conditions, vec!["An enhanced DBS check.".to_string()]);
        assert!(stage_heading("Stage 2 – Analytical assessment").is_some());
        assert!(stage_heading("Part of the team").is_none());
    }

    #[test]
    fn selection_prose_names_one_word_behaviours_and_the_cv_evidences_the_criteria() {
        use Method::*;
        let text = "## Person specification\n\n### Essential criteria\n\n\
            - Experience of drafting briefings\n\n### Behaviours\n\n- Leadership\n\n\
            - Working Together\n\n### Technical skills\n\n- Data analysis\n\n\
            ## Selection process details\n\n\
            You will be asked for a CV and a statement showing how you meet the essential \
            criteria. At interview we will assess two behaviours (Leadership and Working \
            Together) and your experience. The technical skills will be assessed through a \
            written exercise on the day of your interview.\n";
        assert_eq!(
            read_methods(text),
            owned(vec![
                (
                    "Experience of drafting briefings",
                    &[Application, Interview][..]
                ),
                ("Leadership", &[Interview][..]),
                ("Working Together", &[Interview][..]),
                ("Data analysis", &[Test][..]),
            ])
        );
    }

    #[test]
    fn a_long_sentence_alone_on_a_row_of_a_marked_table_is_prose() {
        let text = "## Person specification\n\nCriteria\tEvidence\n\
            <b>Experience</b>\t\n\
            Most of the work is face to face with families, often in their homes or at the \
            local school.\t\n\
            Experience of working with families\tApplication, Interview\n";
        let found = read(text);
        let names: Vec<&str> = found.iter().map(|(_, d, _, _)| d.as_str()).collect();
        assert_eq!(names, vec!["Experience of working with families"]);
    }

    #[test]
    fn checks_named_under_other_requirements_are_conditions() {
        let text = "## Person specification\n\nEssential\n\n- Good listening skills\n\n\
            ## Other requirements\n\nA standard DBS check.\n\n\
            A full driving licence and a car for visits.\n\n## About us\n\n\
            We run a DBS-checked volunteer scheme.\n";
        let spec = find(&super::super::text::blocks(text)).expect("a specification");
        assert_eq!(
            spec.conditions,
            vec![
                "A standard DBS check.".to_string(),
                "A full driving licence and a car for visits.".to_string()
            ]
        );
    }

    #[test]
    fn a_licence_under_a_conditions_heading_is_a_condition() {
        let text = "## Person specification\n\nEssential\n\n- Good IT skills\n\n\
            SPECIAL CONDITIONS\n\n* Full UK driving licence, to drive the council's car\n\n\
            BENEFITS\n\n- Full UK driving licence holders get a parking permit\n";
        let spec = find(&super::super::text::blocks(text)).expect("a specification");
        assert_eq!(
            spec.conditions,
            vec!["Full UK driving licence, to drive the council's car".to_string()]
        );
        assert_eq!(
            spec.settings.driving_requirement.as_deref(),
            Some("required")
        );
    }

    #[test]
    fn whom_a_check_covers_may_be_said_in_the_sentence_before() {
        let text = "## Person specification\n\nEssential\n\n- Good IT skills\n\n\
            ## Other\n\nThis post involves regulated work with children. The successful \
            candidate must become a member of the PVG Scheme before starting.\n";
        let spec = find(&super::super::text::blocks(text)).expect("a specification");
        assert_eq!(
            spec.conditions,
            vec![
                "The successful candidate must become a member of the PVG Scheme before starting."
                    .to_string()
            ]
        );
        assert_eq!(
            spec.settings.dbs_level.as_deref(),
            Some("enhanced_barred_children")
        );
    }

    #[test]
    fn clauses_of_one_sentence_assess_each_level() {
        let (a, i) = (Method::Application, Method::Interview);
        assert_eq!(
            level_clauses(
                "Essential criteria are assessed at shortlisting (from your application \
                 form) and at interview; desirable criteria are looked at from your \
                 application form only."
            ),
            Some(vec![
                (
                    "Essential criteria are assessed at shortlisting (from your application \
                     form) and at interview"
                        .to_string(),
                    vec![a, i]
                ),
                (
                    "desirable criteria are looked at from your application form only.".to_string(),
                    vec![a]
                ),
            ])
        );
        // One level, or a clause naming none: not split.
        assert_eq!(
            level_clauses("Essential criteria are assessed at interview; bring your ID."),
            None
        );
        assert_eq!(
            level_clauses("We assess essential criteria at interview; and by application."),
            None
        );
    }

    #[test]
    fn broken_header_words_are_read_whole() {
        // A narrow PDF column breaks its header word across lines.
        assert_eq!(header_role("Essenti al"), Role::Essential);
        assert_eq!(header_role("Desira ble"), Role::Desirable);
        assert_eq!(header_methods("Intervi ew"), Some(vec![Method::Interview]));
        assert_eq!(header_methods("Essential"), None);
        assert_eq!(header_methods("Job title"), None);
        // An assessment named by what it assesses.
        assert_eq!(
            header_methods("Driving assessment"),
            Some(vec![Method::Test])
        );
    }

    #[test]
    fn a_method_line_under_each_essential_desirable_table_is_the_whole_tables() {
        let text = "## Person specification\n\n\
            ### Qualifications\n\n\
            Essential\tDesirable\n\
            Degree or equivalent level of education\tLibrary qualification recognised by CILIP\n\
            Evidence of training in working with children and young people\t\n\n\
            Assessed by: application form and certificates at interview stage\n\n\
            ### Experience\n\n\
            Essential\tDesirable\n\
            Experience of planning activities for children\tExperience of the Summer Reading Challenge\n\
            Experience of working in a public-facing service\t\n\n\
            Assessed by: application form and interview\n";
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        let (a, i, doc) = (Method::Application, Method::Interview, Method::Documents);
        let got: Vec<(String, Requirement, Vec<Method>)> =
            read(text).into_iter().map(|c| (c.1, c.2, c.3)).collect();
        let want = |t: &str, r, m: Vec<Method>| (t.to_string(), r, m);
        assert_eq!(
            got,
            vec![
                want("Degree or equivalent level of education", e, vec![a, doc]),
                want("Library qualification recognised by CILIP", d, vec![a, doc]),
                // A plain line alone in the Essential list is its criterion, not a heading.
                want(
                    "Evidence of training in working with children and young people",
                    e,
                    vec![a, doc]
                ),
                want(
                    "Experience of planning activities for children",
                    e,
                    vec![a, i]
                ),
                want("Experience of the Summer Reading Challenge", d, vec![a, i]),
                want(
                    "Experience of working in a public-facing service",
                    e,
                    vec![a, i]
                ),
            ]
        );
    }

    #[test]
    fn ticks_under_code_headed_columns_take_the_codes_methods() {
        // "A | I | T | C" headers, the key saying what each stands for.
        let text = "PERSON SPECIFICATION\n\n\
            Key: A = application form, I = interview, T = practical task, C = certificates.\n\n\
            Criteria\tE/D\tA\tI\tT\tC\n\
            Health and safety training\tD\t✓\t\t\t✓\n\
            Practical DIY skills, including painting\tE\t\t✓\t✓\t\n";
        let (a, i, t, d) = (
            Method::Application,
            Method::Interview,
            Method::Test,
            Method::Documents,
        );
        let got: Vec<Vec<Method>> = read(text).into_iter().map(|c| c.3).collect();
        assert_eq!(got, vec![vec![a, d], vec![t, i]]);
    }

    #[test]
    fn numbered_steps_of_the_selection_are_stages() {
        let text = "## How we'll choose the right person\n\n\
            ### Step 1: Your application\n\n\
            - At least 12 months' experience of giving debt advice\n\
            - Experience of using a case management system\n\n\
            ### Step 2: Case study\n\n\
            - Can calculate a customer's income and expenditure accurately\n\n\
            ### Step 3: Interview\n\n\
            - Works well with colleagues in other teams\n";
        let got: Vec<(String, Vec<Method>)> = read(text).into_iter().map(|c| (c.0, c.3)).collect();
        assert_eq!(
            got,
            vec![
                (
                    "Step 1: Your application".to_string(),
                    vec![Method::Application]
                ),
                (
                    "Step 1: Your application".to_string(),
                    vec![Method::Application]
                ),
                ("Step 2: Case study".to_string(), vec![Method::Test]),
                ("Step 3: Interview".to_string(), vec![Method::Interview]),
            ]
        );
        // A step's methods do not add to those a table states for each criterion.
        let text = "## Step 2: Supporting statement\n\n\
            Criterion\tEssential or desirable\tHow assessed\n\
            Ability to negotiate with creditors\tEssential\tInterview\n\
            Knowledge of debt solutions\tEssential\tSupporting statement, case exercise\n";
        let got: Vec<Vec<Method>> = read(text).into_iter().map(|c| c.3).collect();
        assert_eq!(
            got,
            vec![
                vec![Method::Interview],
                vec![Method::Application, Method::Test]
            ]
        );
    }

    #[test]
    fn ticks_in_method_columns_mark_the_methods() {
        // E/D letters give the requirement; a "Y" under a method's column marks it.
        let text = "PERSON SPECIFICATION\n\n\
            Criteria\tEssential\tDesirable\tApplication\tInterview\tAssessment\n\
            Forklift licence\tE\t\tY\t\t\n\
            Experience of stock rotation in a warehouse\t\tD\tY\tY\t\n\
            Able to lift and stack safely\tE\t\t\t\tY\n";
        let found = read(text);
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        let (a, i, t) = (Method::Application, Method::Interview, Method::Test);
        let got: Vec<(String, Requirement, Vec<Method>)> = found
            .into_iter()
            .map(|(_, description, r, m)| (description, r, m))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Forklift licence".to_string(), e, vec![a]),
                (
                    "Experience of stock rotation in a warehouse".to_string(),
                    d,
                    vec![a, i]
                ),
                ("Able to lift and stack safely".to_string(), e, vec![t]),
            ]
        );
    }

    #[test]
    fn need_lists_and_an_area_map_of_methods() {
        // "You'll need:" / "It would be great if you have:" lists per area, then a table
        // saying how each area is assessed.
        let text = "## Who we're looking for\n\n\
            ### Experience\n\nYou'll need:\n\n- Experience of running a busy reception\n\n\
            It would be great if you have:\n\n- Experience of a booking system\n\n\
            ### Skills\n\nYou will need:\n\n- A warm and clear phone manner\n\n\
            ## How we'll assess\n\n\
            Area\tHow\n\
            Experience\tYour application – bring certificates to interview\n\
            Skills\tA role play and interview\n";
        let found = read(text);
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        let (a, i, t, c) = (
            Method::Application,
            Method::Interview,
            Method::Test,
            Method::Documents,
        );
        let got: Vec<(String, Requirement, Vec<Method>)> = found
            .into_iter()
            .map(|(_, description, r, m)| (description, r, m))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Experience of running a busy reception".to_string(),
                    e,
                    vec![a, c]
                ),
                ("Experience of a booking system".to_string(), d, vec![a, c]),
                ("A warm and clear phone manner".to_string(), e, vec![t, i]),
            ]
        );
        // "You'll need a full driving licence" is a sentence, not a lead-in.
        assert_eq!(
            requirement_heading("You'll need:"),
            Some(Requirement::Essential)
        );
        assert_eq!(
            requirement_heading("You'll need a full driving licence"),
            None
        );
    }

    #[test]
    fn cell_lines_without_bullets_are_criteria() {
        let b = super::super::blocks::BREAK;
        assert_eq!(
            line_pieces(&format!("Calm under pressure{b}Good spoken English")),
            vec!["Calm under pressure", "Good spoken English"]
        );
        // A line closing on a joining word, or one word alone, continues.
        assert_eq!(
            line_pieces(&format!("Degree in{b}Nursing Studies")),
            vec!["Degree in Nursing Studies"]
        );
        assert_eq!(
            line_pieces(&format!("Degree in Nursing{b}Studies")),
            vec!["Degree in Nursing Studies"]
        );
    }

    #[test]
    fn ordinals_give_one_criterion_of_a_group_its_methods() {
        let l = "you will sit a short drafting test (the first technical skill) and give \
                 a talk with slides, a presentation (the second technical skill).";
        assert_eq!(
            ordinal_methods(l),
            vec![
                (("technical", 1), vec![Method::Test]),
                (("technical", 2), vec![Method::Presentation]),
            ]
        );
        assert!(ordinal_methods("an interview (the first of two)").is_empty());
    }

    #[test]
    fn selection_prose_by_stage_labels_counts_and_names() {
        // A stop heading among the category headings sets aside its own section only;
        // stage labels, "the three behaviours" (all of them), behaviours named one by one
        // and "will be tested … before interview" say which criteria each stage assesses.
        let text = "## Person specification\n\n\
            ### Experience\n\n- Experience of running a public counter service\n\n\
            ### Behaviours\n\n- Working Together\n- Delivering at Pace\n- Seeing the Big Picture\n\n\
            ### Strengths\n\nWe will ask about strengths at interview.\n\n\
            ### Technical\n\n- Accurate data entry\n\n\
            ## Selection process\n\n\
            Sift: you will send a CV and a statement on Working Together.\n\n\
            Interview: your experience and the three behaviours will be assessed at interview.\n\n\
            The technical skills will be tested by a short online test before interview.\n";
        let found = read(text);
        let (a, i, t) = (Method::Application, Method::Interview, Method::Test);
        let got: Vec<(String, Vec<Method>)> = found
            .into_iter()
            .map(|(_, description, _, m)| (description, m))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Experience of running a public counter service".to_string(),
                    vec![a, i]
                ),
                ("Working Together".to_string(), vec![a, i]),
                ("Delivering at Pace".to_string(), vec![i]),
                ("Seeing the Big Picture".to_string(), vec![i]),
                ("Accurate data entry".to_string(), vec![t]),
            ]
        );
    }

    #[test]
    fn columns_for_appointment_and_for_later_give_the_requirement() {
        let text = "PERSON SPECIFICATION\n\n\
            Criterion\tNeeded at appointment\tCan be achieved in post (within 12 months)\tEvidence\n\
            Experience of stock control in a warehouse\t✓\t\tApplication form\n\
            Counterbalance forklift licence\t\t✓\tCertificates\n";
        let (e, d) = (Requirement::Essential, Requirement::Desirable);
        let got = read_levels(text);
        assert_eq!(
            got,
            vec![
                (
                    "Experience of stock control in a warehouse".to_string(),
                    e,
                    vec![Method::Application]
                ),
                (
                    "Counterbalance forklift licence".to_string(),
                    d,
                    vec![Method::Documents]
                ),
            ]
        );
        assert_eq!(
            header_role("To be developed during your first year"),
            Role::Desirable
        );
        assert_eq!(header_role("Required at appointment"), Role::Essential);
    }

    #[test]
    fn criteria_listed_stage_by_stage_under_the_selection_process() {
        let text = "# Caseworker\n\n## Our selection process\n\n\
            Each stage looks at different criteria.\n\n\
            ### Sift – application form\n\n\
            - Experience of casework\n- Experience of housing law\n\n\
            ### Written exercise\n\n- Clear written English\n\n\
            ## Security\n\n\
            You must meet the Baseline Personnel Security Standard (BPSS) before you start.\n";
        let blocks = super::super::text::blocks(text);
        let spec = find(&blocks).expect("criteria");
        let got: Vec<(&str, &str, Vec<Method>)> = spec
            .criteria
            .iter()
            .map(|c| {
                (
                    c.category.as_str(),
                    c.description.as_str(),
                    c.methods.clone(),
                )
            })
            .collect();
        let sift = "Sift – application form";
        assert_eq!(
            got,
            vec![
                (sift, "Experience of casework", vec![Method::Application]),
                (sift, "Experience of housing law", vec![Method::Application]),
                (
                    "Written exercise",
                    "Clear written English",
                    vec![Method::Test]
                ),
            ]
        );
        assert_eq!(spec.settings.bpss_required, Some(true));
    }

    #[test]
    fn bullets_opening_with_their_category() {
        let text = "## Person specification\n\n### Essential\n\n\
            - SKILLS: Able to drive a forklift truck\n\
            - SKILLS: Good numeracy and accuracy\n\
            - EXPERIENCE: Experience of warehouse work\n\
            - EXPERIENCE: Experience of stock checks\n\
            - OTHER: Enhanced DBS check with the adults' barred list\n\n\
            ### Desirable\n\n\
            - Qualifications – Registration with the Health and Care Professions Council\n";
        let blocks = super::super::text::blocks(text);
        let spec = find(&blocks).expect("criteria");
        let got: Vec<(&str, &str)> = spec
            .criteria
            .iter()
            .map(|c| (c.category.as_str(), c.description.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("SKILLS", "Able to drive a forklift truck"),
                ("SKILLS", "Good numeracy and accuracy"),
                ("EXPERIENCE", "Experience of warehouse work"),
                ("EXPERIENCE", "Experience of stock checks"),
                (
                    "Qualifications",
                    "Registration with the Health and Care Professions Council"
                ),
            ]
        );
        assert_eq!(
            spec.settings.dbs_level.as_deref(),
            Some("enhanced_barred_adults")
        );
        // A registration the post would only welcome is no required registration.
        assert_eq!(spec.settings.professional_registration, None);
        // One label here and there is part of the criterion.
        assert!(!prefixed_items(&super::super::text::blocks(
            "- Leadership – able to lead a team\n- Good IT skills\n"
        )));
    }

    #[test]
    fn a_line_explaining_the_marks_is_no_criterion() {
        assert!(explains_marks(
            "shows whether a criterion is essential or desirable. The final column shows how it will be identified."
        ));
        assert!(!explains_marks(
            "Understanding of the essential and desirable standards"
        ));
    }

    #[test]
    fn requirement_phrases_in_a_requirement_column() {
        let e = Some(Requirement::Essential);
        let d = Some(Requirement::Desirable);
        assert_eq!(requirement_phrase("Essential on appointment"), e);
        assert_eq!(requirement_phrase("Essential at shortlisting"), e);
        assert_eq!(requirement_phrase("Desirable"), d);
        assert_eq!(requirement_phrase("Advantageous"), d);
        assert_eq!(
            requirement_phrase("Needed within 12 months (training provided)"),
            d
        );
        assert_eq!(
            requirement_phrase("To be achieved within 6 months of starting"),
            d
        );
        assert_eq!(
            requirement_phrase("Experience of working in a care role"),
            None
        );
        assert_eq!(requirement_phrase("Care Certificate"), None);
    }

    #[test]
    fn requirement_letters_under_assessment_stages() {
        let names: Vec<String> = ["Criteria", "Application form", "Interview", "Certificates"]
            .map(String::from)
            .to_vec();
        assert!(stage_header_row(&names));
        assert!(!stage_header_row(
            &["Criteria", "Essential", "Desirable"].map(String::from)
        ));
        let roles = vec![Role::Criterion, Role::Unknown, Role::Unknown, Role::Unknown];
        let col = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<String>>();
        let columns = vec![
            col(&["Experience of letting homes", "Knowledge of tenancies"]),
            col(&["E", ""]),
            col(&["E", "D"]),
            col(&["", ""]),
        ];
        let found = stage_mark_columns(&names, &roles, &columns);
        assert_eq!(
            found,
            vec![(1, vec![Method::Application]), (2, vec![Method::Interview])]
        );
        // A single stage column of letters is a mark column, not stages.
        let columns = vec![
            col(&["A", "B"]),
            col(&["E", "D"]),
            col(&["", ""]),
            col(&["", ""]),
        ];
        assert!(stage_mark_columns(&names, &roles, &columns).is_empty());
    }

    #[test]
    fn headings_joining_a_category_and_a_requirement() {
        assert_eq!(
            category_requirement("Experience – essential"),
            Some(("Experience".to_string(), Requirement::Essential))
        );
        assert_eq!(
            category_requirement("Desirable: Qualifications and training"),
            Some((
                "Qualifications and training".to_string(),
                Requirement::Desirable
            ))
        );
        assert_eq!(category_requirement("Essential: criteria"), None);
        assert_eq!(
            category_requirement("Experience – working with families"),
            None
        );
        assert_eq!(
            category_requirement("Essential – application and interview"),
            None
        );
    }

    #[test]
    fn evidence_columns_paired_with_requirement_columns() {
        let roles = [Role::Essential, Role::Method, Role::Desirable, Role::Method];
        assert_eq!(paired_method_column(&roles, 0), Some(1));
        assert_eq!(paired_method_column(&roles, 2), Some(3));
        let roles = [
            Role::Category,
            Role::Essential,
            Role::Desirable,
            Role::Method,
        ];
        assert_eq!(paired_method_column(&roles, 2), None);
    }

    #[test]
    fn groups_named_after_an_assessing_verb() {
        let l = "an interview, where we will assess the behaviours and your experience.";
        assert!(assessed_after(l, "behaviour"));
        assert!(assessed_after(l, "experience"));
        assert!(!assessed_after(l, "technical"));
        assert!(assessed_after(
            "you will complete a written exercise that assesses the technical skills.",
            "technical"
        ));
        assert!(!assessed_after(
            "your experience will help you.",
            "experience"
        ));
    }
}
