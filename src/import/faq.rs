//! A job page or guide written as the applicant's questions answered ("Do I need any
//! qualifications?", "What sort of person are you looking for?", "How fit do I need to
//! be?"), whose only person specification is inside those answers: a lead-in sentence
//! ending in a colon and a list under it. Employers that write such a page say how much
//! each list counts in the lead-in ("You must have:", "What we do need is:", "Someone
//! who:", "You will need to:" – essential; "These would help, but you can apply without
//! them:", "It is a bonus if you have:", "Helpful but not required:" – desirable), and the
//! question is the list's category. Most of the other questions (what the job is, part
//! time, parking, whom to call) hold no criteria.
//!
//! The methods are in the one answer about how candidates are chosen ("How will you
//! decide who to interview?", "How does the selection process work?"): each of its
//! sentences or steps names a method and the points it is for – another question by its
//! words ("the qualities listed under 'What sort of person are you looking for?'"), the
//! points of the step before ("tests linked to the same points"), the must-haves ("using
//! only the points we say you must have") or everything ("everything on this page").
//!
//! The text form of such a page is rewritten so it reads as any other specification: the
//! questions holding criteria (and the selection answer, read here) are moved to one
//! "Person specification" section at the end – one list per question, each item marked
//! "(essential)" / "(desirable)" with its methods in brackets. The other answers stay as
//! printed, so driving, checks and the like are read as conditions there as anywhere;
//! the answer to "Who can apply?" is read by [`conditions`] after the reader.
//!
//! Only such a page is rewritten: at least [`MIN_QUESTIONS`] question headings, of which
//! at least [`MIN_CRITERIA_QUESTIONS`] hold lists whose lead-ins all say how much they
//! count, with [`MIN_ITEMS`] items in all, and no heading naming a specification of its
//! own. Linear in the text.

use std::borrow::Cow;

use super::blocks::tagless;
use super::conditions::{self, sentences};
use super::methods;
use super::ImportedSpec;
use crate::domain::Method;

/// How many question headings make an applicant FAQ.
const MIN_QUESTIONS: usize = 4;

/// How many questions must hold criteria lists.
const MIN_CRITERIA_QUESTIONS: usize = 2;

/// How many criteria the lists must hold in all.
const MIN_ITEMS: usize = 4;

/// The most questions read (a real FAQ has a few dozen at most).
const MAX_QUESTIONS: usize = 100;

/// The most words in a lead-in sentence.
const MAX_LEAD_WORDS: usize = 25;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Level {
    Essential,
    Desirable,
}

/// One question heading and its answer's lines (`start..end`, after the heading).
struct Question {
    heading: usize,
    end: usize,
    /// The question, less its number.
    text: String,
    /// Its number as the page refers to it ("Q5" → 5), if numbered.
    number: Option<u32>,
}

/// A question's number and its text: "Q5. What skills are you looking for?" → (5, "What
/// skills are you looking for?"); a question without one as it is.
fn numbered(heading: &str) -> (Option<u32>, &str) {
    let rest = heading.strip_prefix(['Q', 'q']).unwrap_or("");
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if (1..=2).contains(&digits) {
        if let Some(text) = rest[digits..].strip_prefix(['.', ')', ':']) {
            if let Ok(n) = rest[..digits].parse() {
                return (Some(n), text.trim());
            }
        }
    }
    (None, heading)
}

/// A list in an answer with the lead-in over it.
struct List {
    lead: String,
    items: Vec<String>,
}

/// The text with an applicant FAQ's criteria rewritten as a specification (see the
/// module's comment); the text as it is when it is no such page.
pub fn answered(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.lines().collect();
    let headings: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(n, l)| {
            heading(l)
                // A plain-text heading underlined with `---` or `===` ("Q3. What
                // qualifications will I need?" over a rule).
                .or_else(|| {
                    let next = lines.get(n + 1)?;
                    super::text::underline(l.trim(), next).map(|_| l.trim().to_string())
                })
                .map(|h| (n, h))
        })
        .collect();
    // A page that also has a specification of its own (a heading naming it, or one
    // headed "Essential" / "Desirable") is read as that.
    if headings.iter().any(|(_, h)| {
        let h = h.to_lowercase();
        h.contains("specification") || h.contains("essential") || h.contains("desirable")
    }) {
        return Cow::Borrowed(text);
    }
    let questions: Vec<Question> = headings
        .iter()
        .enumerate()
        .filter(|(_, (_, h))| h.ends_with('?'))
        .map(|(k, (n, h))| {
            let (number, text) = numbered(h);
            Question {
                heading: *n,
                end: headings.get(k + 1).map_or(lines.len(), |(next, _)| *next),
                text: text.to_string(),
                number,
            }
        })
        .take(MAX_QUESTIONS)
        .collect();
    if questions.len() < MIN_QUESTIONS {
        return Cow::Borrowed(text);
    }
    // The questions holding criteria: every list under a lead-in that says how much it
    // counts. A question about who may apply holds conditions, not criteria.
    let mut criteria: Vec<(usize, Vec<(String, Level)>)> = Vec::new();
    for (q, question) in questions.iter().enumerate() {
        if eligibility(&question.text) {
            continue;
        }
        let lists = lists(&lines[question.heading + 1..question.end]);
        let led: Vec<&List> = lists.iter().filter(|l| !l.lead.is_empty()).collect();
        if led.is_empty() {
            continue;
        }
        let levels: Vec<Option<Level>> = led.iter().map(|l| level(&l.lead)).collect();
        if levels.iter().any(Option::is_none) {
            continue;
        }
        let items = led
            .iter()
            .zip(levels.iter().flatten())
            .flat_map(|(l, &level)| l.items.iter().map(move |i| (i.clone(), level)))
            .collect();
        criteria.push((q, items));
    }
    let count: usize = criteria.iter().map(|(_, items)| items.len()).sum();
    if criteria.len() < MIN_CRITERIA_QUESTIONS || count < MIN_ITEMS {
        return Cow::Borrowed(text);
    }
    // Methods per question and item, from the selection answer.
    let mut found: Vec<Vec<Vec<Method>>> = criteria
        .iter()
        .map(|(_, items)| vec![Vec::new(); items.len()])
        .collect();
    let selection = questions.iter().enumerate().find(|(q, question)| {
        !criteria.iter().any(|(c, _)| c == q)
            && !eligibility(&question.text)
            && selecting(&question.text)
            && assess(
                &units(&lines[question.heading + 1..question.end]),
                &questions,
                &criteria,
                &mut found,
            )
    });
    let mut moved = vec![false; lines.len()];
    for (q, _) in &criteria {
        moved[questions[*q].heading..questions[*q].end].fill(true);
    }
    if let Some((_, question)) = selection {
        moved[question.heading..question.end].fill(true);
    }
    let mut out = String::with_capacity(text.len() + 256);
    for (n, line) in lines.iter().enumerate() {
        if !moved[n] {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("\n## Person specification\n");
    for ((q, items), methods) in criteria.iter().zip(&found) {
        out.push_str(&format!("\n### {}\n\n", questions[*q].text));
        for ((item, level), methods) in items.iter().zip(methods) {
            let word = match level {
                Level::Essential => "essential",
                Level::Desirable => "desirable",
            };
            let methods = methods::sort(methods.clone());
            let assessed = if methods.is_empty() {
                String::new()
            } else {
                let names: Vec<String> = methods.iter().map(|m| format!("{m:?}")).collect();
                format!(" [{}]", names.join(", "))
            };
            out.push_str(&format!("- {item} ({word}){assessed}\n"));
        }
    }
    Cow::Owned(out)
}

/// A Markdown heading's text ("### Who can apply?" → "Who can apply?").
fn heading(line: &str) -> Option<String> {
    let t = line.trim_start();
    let body = t.trim_start_matches('#');
    if body.len() == t.len() || !body.starts_with(' ') {
        return None;
    }
    let text = tagless(body).trim_matches(['*', '_']).trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// A list item's text ("- A first aid certificate", "2. Interview – …").
fn item(line: &str) -> Option<String> {
    let t = line.trim_start();
    let rest = if let Some(rest) = t.strip_prefix(['-', '*', '•']) {
        rest
    } else {
        let digits = t.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || digits > 2 {
            return None;
        }
        t[digits..].strip_prefix(['.', ')'])?
    };
    if !rest.starts_with(' ') {
        return None;
    }
    let text = tagless(rest).trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// The lists of an answer, each with its lead-in: the last sentence of the paragraph
/// right over it when that sentence ends in a colon ("No – we train you. What we do need
/// is:"); empty otherwise (a list of duties after a plain sentence).
fn lists(answer: &[&str]) -> Vec<List> {
    let mut out: Vec<List> = Vec::new();
    let mut paragraph: Vec<String> = Vec::new();
    let mut in_list = false;
    // A blank line ends a paragraph; the list after it still has it as its lead-in.
    let mut ended = false;
    for line in answer {
        if let Some(text) = item(line) {
            if !in_list {
                let joined = paragraph.join(" ");
                let lead = sentences(&joined).pop().unwrap_or_default();
                let lead =
                    if lead.ends_with(':') && lead.split_whitespace().count() <= MAX_LEAD_WORDS {
                        lead
                    } else {
                        String::new()
                    };
                out.push(List {
                    lead,
                    items: Vec::new(),
                });
                in_list = true;
                paragraph.clear();
            }
            if let Some(list) = out.last_mut() {
                list.items.push(text);
            }
            continue;
        }
        let plain = tagless(line);
        if plain.trim().is_empty() {
            ended = true;
            continue;
        }
        if ended || in_list {
            paragraph.clear();
        }
        ended = false;
        in_list = false;
        paragraph.push(plain.trim().to_string());
    }
    out
}

/// How much a list counts, from its lead-in. After a "but" the lead-in says it ("No
/// formal qualifications are needed, but you must be able to:", "These would help, but
/// you can apply without them:"); the words an employer uses for an extra come first, as
/// they often hold a "need" of their own ("not needed", "not required").
fn level(lead: &str) -> Option<Level> {
    let lower = lead.to_lowercase().replace('’', "'");
    let tail = lower.rsplit_once(" but ").map(|(_, t)| t);
    tail.and_then(level_of).or_else(|| level_of(&lower))
}

fn level_of(lead: &str) -> Option<Level> {
    const DESIRABLE: &[&str] = &[
        "would help",
        "would be helpful",
        "helpful",
        "bonus",
        "not required",
        "not essential",
        "not needed",
        "apply without",
        "without them",
        "desirable",
        "nice to have",
        "an advantage",
        "advantageous",
        "a plus",
        "useful",
        "welcome",
        "ideally",
        // "It would be great if you also had:".
        "would be great",
        "would be good",
        "would be nice",
        "great if",
    ];
    const ESSENTIAL: &[&str] = &[
        "must",
        "need",
        "require",
        "essential",
        "want to see",
        "looking for",
        "someone who",
        "somebody who",
        "expect",
        "have to",
    ];
    if DESIRABLE.iter().any(|w| lead.contains(w)) {
        Some(Level::Desirable)
    } else if ESSENTIAL.iter().any(|w| lead.contains(w)) {
        Some(Level::Essential)
    } else {
        None
    }
}

/// Whether a question asks who may apply: its answer lists conditions of eligibility
/// (an age, where one lives), not criteria.
fn eligibility(question: &str) -> bool {
    let q = question.to_lowercase();
    [
        "who can apply",
        "can i apply",
        "eligib",
        "who is able to apply",
    ]
    .iter()
    .any(|w| q.contains(w))
}

/// Whether a question asks how candidates are chosen.
fn selecting(question: &str) -> bool {
    let q = question.to_lowercase();
    [
        "select",
        "shortlist",
        "decide",
        "choose",
        "assess",
        "process",
        "stages",
        "interview",
    ]
    .iter()
    .any(|w| q.contains(w))
}

/// The units of the selection answer read one at a time: each list item (a step) and
/// each paragraph.
fn units(answer: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut paragraph: Vec<String> = Vec::new();
    for line in answer {
        if let Some(text) = item(line) {
            if !paragraph.is_empty() {
                out.push(paragraph.join(" "));
                paragraph.clear();
            }
            out.push(text);
            continue;
        }
        let plain = tagless(line);
        if plain.trim().is_empty() {
            if !paragraph.is_empty() {
                out.push(paragraph.join(" "));
                paragraph.clear();
            }
        } else {
            paragraph.push(plain.trim().to_string());
        }
    }
    if !paragraph.is_empty() {
        out.push(paragraph.join(" "));
    }
    out
}

/// Which criteria one sentence of the selection answer is about (question index into
/// `criteria`, item index).
type Targets = Vec<(usize, usize)>;

/// Reads the selection answer's sentences into `found`; whether any gave methods.
/// A sentence naming another question by its words is about that question's points
/// (the words are taken out before its methods are read, "What will you be looking for
/// at interview?" naming no method); one about "the same points" about the points of the
/// sentence before; one about what "you must have" about the essential points; one about
/// "everything" about all of them. A sentence about none (references, a medical) gives
/// nothing. A test (a written, physical or practical exercise) is for what the candidate
/// must be able to do: an extra the page calls helpful is looked for in the application
/// or at interview, not tested.
fn assess(
    units: &[String],
    questions: &[Question],
    criteria: &[(usize, Vec<(String, Level)>)],
    found: &mut [Vec<Vec<Method>>],
) -> bool {
    let names: Vec<String> = criteria
        .iter()
        .map(|(q, _)| questions[*q].text.replace('’', "'"))
        .collect();
    let all = |essential_only: bool| -> Targets {
        criteria
            .iter()
            .enumerate()
            .flat_map(|(c, (_, items))| {
                items
                    .iter()
                    .enumerate()
                    .filter(move |(_, (_, l))| !essential_only || *l == Level::Essential)
                    .map(move |(i, _)| (c, i))
            })
            .collect()
    };
    let mut any = false;
    let mut previous: Targets = Vec::new();
    for unit in units {
        // Each named question becomes a mark, so its "?" ends no sentence and its words
        // name no method.
        let mut unit = numbers_marked(&unit.replace(['’', '‘'], "'"), questions, criteria);
        for (c, name) in names.iter().enumerate() {
            let mark = format!("⟦{c}⟧");
            let mut from = 0;
            while let Some(at) = find_ignoring_case(&unit[from..], name).map(|at| at + from) {
                unit.replace_range(at..at + name.len(), &mark);
                from = at + mark.len();
            }
        }
        // "… an in-tray exercise, which tests the points under Q5, and an interview
        // covering everything in Q3 to Q6": each clause its own points and methods.
        let clauses: Vec<String> = sentences(&unit)
            .iter()
            .flat_map(|s| s.split(", and ").map(str::to_string).collect::<Vec<_>>())
            .collect();
        for sentence in clauses {
            let lower = sentence.to_lowercase();
            let named: Vec<usize> = (0..names.len())
                .filter(|c| lower.contains(&format!("⟦{c}⟧")))
                .collect();
            let targets: Targets = if !named.is_empty() {
                named
                    .iter()
                    .flat_map(|&c| (0..criteria[c].1.len()).map(move |i| (c, i)))
                    .collect()
            } else if ["same points", "those points", "these points", "the same"]
                .iter()
                .any(|w| lower.contains(w))
            {
                previous.clone()
            } else if ["must have", "must-have", "essential"]
                .iter()
                .any(|w| lower.contains(w))
            {
                all(true)
            } else if [
                "everything",
                "every point",
                "all the points",
                "all of the points",
            ]
            .iter()
            .any(|w| lower.contains(w))
            {
                all(false)
            } else {
                Vec::new()
            };
            if targets.is_empty() {
                continue;
            }
            let plain: String = lower
                .split('⟦')
                .map(|part| part.split_once('⟧').map_or(part, |(_, after)| after))
                .collect::<Vec<_>>()
                .join(" ")
                .replace(['*', '_'], "");
            let named_methods = methods::phrase(&plain);
            // "… which tests everything under 'What skills will I need?'": the extras too.
            let every = lower.contains("everything");
            for &(c, i) in &targets {
                for &m in &named_methods {
                    if m == Method::Test && criteria[c].1[i].1 != Level::Essential && !every {
                        continue;
                    }
                    if !found[c][i].contains(&m) {
                        found[c][i].push(m);
                        any = true;
                    }
                }
            }
            previous = targets;
        }
    }
    any
}

/// A selection answer with the questions it names by number ("the points under Q5",
/// "everything in Q3 to Q6") marked as [`assess`] marks a question named by its words.
fn numbers_marked(
    unit: &str,
    questions: &[Question],
    criteria: &[(usize, Vec<(String, Level)>)],
) -> String {
    let mark_of = |n: u32| -> Option<String> {
        criteria
            .iter()
            .position(|(q, _)| questions[*q].number == Some(n))
            .map(|c| format!("⟦{c}⟧"))
    };
    // "Q3" at `at`: its number and where it ends.
    let number_at = |at: usize| -> Option<(u32, usize)> {
        let rest = unit.get(at..)?.strip_prefix('Q')?;
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if !(1..=2).contains(&digits) {
            return None;
        }
        let after = at + 1 + digits;
        if unit[after..].starts_with(char::is_alphanumeric) {
            return None;
        }
        Some((rest[..digits].parse().ok()?, after))
    };
    let mut out = String::with_capacity(unit.len());
    let mut at = 0;
    while at < unit.len() {
        let starts_word = at == 0 || !unit[..at].ends_with(char::is_alphanumeric);
        if let Some((first, end)) = number_at(at).filter(|_| starts_word) {
            // A range: "Q3 to Q6", "Q3–Q6", "Q3-Q6".
            let range = [" to ", "–", "-", " – "].iter().find_map(|sep| {
                let next = end + unit[end..].strip_prefix(sep).map(|_| sep.len())?;
                number_at(next).filter(|(last, _)| *last > first && last - first <= 20)
            });
            let (last, end) = range.unwrap_or((first, end));
            let marks: String = (first..=last).filter_map(mark_of).collect();
            if !marks.is_empty() {
                out.push_str(&marks);
                at = end;
                continue;
            }
        }
        let c = unit[at..].chars().next().unwrap_or(' ');
        out.push(c);
        at += c.len_utf8();
    }
    out
}

/// Where `needle` first occurs in `hay`, ignoring ASCII case.
fn find_ignoring_case(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    (0..=hay.len() - needle.len()).find(|&at| {
        hay.is_char_boundary(at)
            && hay
                .get(at..at + needle.len())
                .is_some_and(|s| s.eq_ignore_ascii_case(needle))
    })
}

/// After the reader: the answer to "Who can apply?" on a page read as an applicant FAQ
/// (criteria headed by two or more questions) lists conditions of eligibility – an age,
/// living or working near the place – each one a condition whatever it names.
pub fn conditions(mut specs: Vec<ImportedSpec>, text: &str) -> Vec<ImportedSpec> {
    let [spec] = specs.as_mut_slice() else {
        return specs;
    };
    let mut asked: Vec<&str> = spec
        .criteria
        .iter()
        .map(|c| c.category.as_str())
        .filter(|c| c.ends_with('?'))
        .collect();
    asked.dedup();
    if asked.len() < MIN_CRITERIA_QUESTIONS {
        return specs;
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut added: Vec<String> = Vec::new();
    let mut n = 0;
    while n < lines.len() {
        if !heading(lines[n]).is_some_and(|h| h.ends_with('?') && eligibility(&h)) {
            n += 1;
            continue;
        }
        let end = (n + 1..lines.len())
            .find(|&k| heading(lines[k]).is_some())
            .unwrap_or(lines.len());
        for list in lists(&lines[n + 1..end]) {
            if list.lead.is_empty() {
                continue;
            }
            for item in list.items {
                let key = item.to_lowercase();
                let known = spec
                    .conditions
                    .iter()
                    .chain(&added)
                    .any(|c| c.to_lowercase().contains(&key));
                if !known {
                    added.push(item);
                }
            }
        }
        n = end;
    }
    if added.is_empty() {
        return specs;
    }
    let implied = conditions::settings(&added);
    let settings = &mut spec.settings;
    settings.dbs_level = settings.dbs_level.take().or(implied.dbs_level);
    settings.driving_requirement = settings
        .driving_requirement
        .take()
        .or(implied.driving_requirement);
    settings.professional_registration = settings
        .professional_registration
        .take()
        .or(implied.professional_registration);
    settings.bpss_required = settings.bpss_required.or(implied.bpss_required);
    settings.politically_restricted = settings
        .politically_restricted
        .or(implied.politically_restricted);
    spec.conditions.extend(added);
    specs
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# Warden – your questions\n\n\
        ## Questions\n\n\
        ### What will I do?\n\nLook after the site. You will:\n\n- Open the gates\n- Cut the grass\n\n\
        ### Who can apply?\n\nAnyone, as long as you:\n\n- are 18 or over\n- live in the parish\n\n\
        ### Do I need any qualifications?\n\nYou must have:\n\n- A Level 2 in English\n\n\
        It would help if you had:\n\n- A chainsaw ticket\n\n\
        ### What kind of person are you after?\n\nSomeone who:\n\n- Works well alone\n- Is tactful\n\n\
        ### How will you choose?\n\nWe shortlist on your application form, using only what you must have. \
        At interview we ask about everything on this page. A practical test covers \
        'What kind of person are you after?' too.\n\n\
        ### Is there parking?\n\nYes.\n";

    #[test]
    fn an_applicant_faq_becomes_a_specification() {
        let out = answered(PAGE);
        assert!(out.contains("## Person specification\n\n### Do I need any qualifications?\n\n"));
        assert!(out.contains("- A Level 2 in English (essential) [Application, Interview]\n"));
        assert!(out.contains("- A chainsaw ticket (desirable) [Interview]\n"));
        assert!(out.contains("- Works well alone (essential) [Application, Test, Interview]\n"));
        // The duties, who may apply and parking stay as printed; the selection answer,
        // read, goes.
        assert!(out.contains("### What will I do?\n\nLook after the site."));
        assert!(out.contains("### Who can apply?\n\nAnyone, as long as you:"));
        assert!(out.contains("### Is there parking?"));
        assert!(!out.contains("How will you choose?"));
    }

    #[test]
    fn who_can_apply_lists_conditions() {
        let specs = super::super::import(super::super::Format::Text, PAGE.as_bytes())
            .expect("a specification");
        let spec = &specs[0];
        assert_eq!(spec.criteria.len(), 4);
        assert!(spec.conditions.iter().any(|c| c == "live in the parish"));
        assert!(spec.conditions.iter().any(|c| c.contains("18 or over")));
        assert!(!spec
            .criteria
            .iter()
            .any(|c| c.description.contains("gates")));
    }

    #[test]
    fn the_lead_in_says_how_much_a_list_counts() {
        assert_eq!(level("You must have:"), Some(Level::Essential));
        assert_eq!(level("What we do need is:"), Some(Level::Essential));
        assert_eq!(
            level("No formal qualifications are needed, but you must be able to:"),
            Some(Level::Essential)
        );
        assert_eq!(
            level("These would help, but you can apply without them:"),
            Some(Level::Desirable)
        );
        assert_eq!(level("Helpful but not required:"), Some(Level::Desirable));
        assert_eq!(level("You will:"), None);
        assert_eq!(
            level("It would be great if you also had:"),
            Some(Level::Desirable)
        );
    }

    #[test]
    fn numbered_questions_underlined_and_named_by_number() {
        let page = "JOB FAQ\n=======\n\n\
            Q1. What is the job?\n--------------------\n\nYou run the office.\n\n\
            Q2. What qualifications will I need?\n------------------------------------\n\n\
            Essential:\n\n- GCSE English and maths\n\nDesirable:\n\n- NVQ Level 3 in administration\n\n\
            Q3. What skills are you looking for?\n------------------------------------\n\n\
            Essential:\n\n- Organised and accurate\n- Good with spreadsheets\n\n\
            Q4. How is the selection done?\n------------------------------\n\n\
            Shortlisting: from your application form, against the essential points only. \
            Selection day: an in-tray exercise, which tests the points under Q3, and an interview \
            covering everything in Q2 to Q3. Please bring certificates for anything under Q2.\n\n\
            Q5. Is there parking?\n---------------------\n\nYes.\n";
        let out = answered(page);
        assert!(out.contains("### What qualifications will I need?"));
        assert!(out
            .contains("- GCSE English and maths (essential) [Application, Interview, Documents]"));
        assert!(out.contains("- NVQ Level 3 in administration (desirable) [Interview, Documents]"));
        assert!(out.contains("- Organised and accurate (essential) [Application, Test, Interview]"));
        assert_eq!(
            numbered("Q12) Who can apply?"),
            (Some(12), "Who can apply?")
        );
        assert_eq!(numbered("Quality matters?"), (None, "Quality matters?"));
    }

    #[test]
    fn other_pages_are_left_alone() {
        // Question headings but no lists under lead-ins that say how much they count.
        let faq = "### What is the pay?\n\nGood.\n\n### Where is it?\n\nHere.\n\n\
            ### What will I do?\n\nYou will:\n\n- Cut grass\n- Open gates\n\n\
            ### When does it close?\n\nFriday.\n";
        assert!(matches!(answered(faq), Cow::Borrowed(_)));
        // An ordinary specification.
        let spec = "## Person specification\n\n### Experience\n\n- Driving (essential)\n";
        assert!(matches!(answered(spec), Cow::Borrowed(_)));
    }

    #[test]
    fn hostile_input_is_read_in_linear_time() {
        let mut text = String::new();
        for n in 0..5_000 {
            text.push_str(&format!("### Q{n}?\n\nYou must have:\n\n- x\n- y\n"));
        }
        let out = answered(&text);
        assert!(out.len() < text.len() * 2);
    }
}
