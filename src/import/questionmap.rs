//! Criteria numbered with no method column, whose methods come from later text naming
//! criterion numbers: supporting-statement questions that each say which criteria they
//! cover ("1. Tell us about … (Covers criteria 1, 2 and 3.)", "**Question A** (criteria 1,
//! 2 and 3): What …?"), and sentences about the other stages ("Criteria 9 and 11 are
//! assessed at interview only.", "an interview covering criteria 3 to 13", "The interview
//! covers every criterion except 1 and 2, which we check from your certificates.").
//!
//! A question the candidate answers in writing is the application, and is no criterion
//! itself (the readers may take a numbered list of questions for one). A criterion's
//! methods are exactly those of the references that name its number.
//!
//! Applied after the readers, only to a document with at least two such questions and to
//! a specification whose criteria are typed with their numbers, 1 to n in order, where
//! every number from 1 to n is named and none beyond: anything else is left as it was.

use super::blocks::{collapse, tagless};
use super::conditions::sentences;
use super::methods;
use super::ImportedSpec;
use crate::domain::Method;

/// The largest criterion number read (no specification numbers more).
const MAX_NUMBER: usize = 500;

/// The most references read from one document (a real one has a handful).
const MAX_REFERENCES: usize = 200;

/// The longest sentence read for references, in bytes (a stage sentence is far shorter).
const MAX_SENTENCE: usize = 600;

/// The fewest questions naming criteria that make a question map (one is an aside).
const MIN_QUESTIONS: usize = 2;

/// The criteria a reference names.
#[derive(Debug, Clone, PartialEq)]
enum Named {
    /// "criteria 1, 2 and 3", "criteria 3 to 13".
    Listed(Vec<usize>),
    /// "every criterion except 1 and 2": all the specification's criteria but these.
    AllBut(Vec<usize>),
}

/// A passage naming criteria by number, with the methods it gives them.
#[derive(Debug, Clone, PartialEq)]
struct Reference {
    named: Named,
    methods: Vec<Method>,
    /// A supporting-statement question (the application).
    question: bool,
}

/// The numbers listed at the start of `text`: "1, 2 and 3", "3 to 13", "6 and 10", "1–3";
/// with how many bytes of `text` the list takes. A separator not followed by a number
/// ends the list before it ("criteria 6 and 10 and …" stops at "10").
fn numbers_at(text: &str) -> (Vec<usize>, usize) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    let mut end = 0;
    // Whether the separator before the next number opens a range.
    let mut range = false;
    loop {
        while at < bytes.len() && bytes[at] == b' ' {
            at += 1;
        }
        let start = at;
        while at < bytes.len() && bytes[at].is_ascii_digit() && at - start < 4 {
            at += 1;
        }
        if at == start || at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
            break;
        }
        let Ok(n) = text[start..at].parse::<usize>() else {
            break;
        };
        if n == 0 || n > MAX_NUMBER {
            break;
        }
        match out.last().copied() {
            Some(from) if range && from < n => out.extend(from + 1..=n),
            _ => out.push(n),
        }
        end = at;
        // The separator: ",", "and", "&", "or", "to", a dash.
        let rest = &text[at..];
        let trimmed = rest.trim_start();
        let skipped = rest.len() - trimmed.len();
        let (len, is_range) = if let Some(r) = trimmed.strip_prefix(',') {
            let r2 = r.trim_start();
            // ", and 3"
            let extra = if r2.starts_with("and ") { 4 } else { 0 };
            (1 + (r.len() - r2.len()) + extra, false)
        } else if trimmed.starts_with("and ") || trimmed.starts_with("or ") {
            (trimmed.find(' ').unwrap_or(0) + 1, false)
        } else if trimmed.starts_with('&') {
            (1, false)
        } else if trimmed.starts_with("to ") {
            (3, true)
        } else if let Some(c) = trimmed.chars().next().filter(|c| "-–—‑".contains(*c)) {
            (c.len_utf8(), true)
        } else {
            break;
        };
        at += skipped + len;
        range = is_range;
    }
    (out, end)
}

/// Whether `word` ends at byte `at` of `lower` as a whole word.
fn word_before(lower: &str, at: usize, word: &str) -> bool {
    let head = lower[..at].trim_end();
    head.ends_with(word)
        && !head[..head.len() - word.len()]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
}

/// The references to criterion numbers in a sentence (lower case): each with where its
/// numbers end. "criteria 1, 2 and 3", "criterion 4", "every criterion except 1 and 2".
fn named_in(lower: &str) -> Vec<(Named, usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("criteri") {
        let start = from + found;
        let tail = &lower[start..];
        let word_len = if tail.starts_with("criterion") {
            "criterion".len()
        } else if tail.starts_with("criteria") {
            "criteria".len()
        } else {
            from = start + "criteri".len();
            continue;
        };
        let mut at = start + word_len;
        from = at;
        if lower[at..].starts_with(|c: char| c.is_alphanumeric()) {
            continue;
        }
        // "every criterion except 1 and 2", "all criteria apart from 1 and 2".
        let every = ["every", "all", "all the", "all of the", "each"]
            .iter()
            .any(|w| word_before(lower, start, w));
        let mut except = false;
        if every {
            let rest = lower[at..].trim_start();
            for w in ["except for", "except", "apart from", "other than", "but"] {
                if let Some(r) = rest.strip_prefix(w).filter(|r| r.starts_with(' ')) {
                    at = lower.len() - r.len();
                    except = true;
                    break;
                }
            }
            if !except {
                continue;
            }
        }
        // "criteria numbered 3 to 5", "criteria nos. 1 and 2", "(criteria: 1, 2)".
        let rest = lower[at..].trim_start();
        let rest = rest.strip_prefix(':').unwrap_or(rest).trim_start();
        let rest = ["numbered ", "nos. ", "nos ", "no. "]
            .iter()
            .find_map(|w| rest.strip_prefix(w))
            .unwrap_or(rest);
        at = lower.len() - rest.len();
        let (numbers, len) = numbers_at(&lower[at..]);
        if numbers.is_empty() {
            continue;
        }
        let end = at + len;
        from = end;
        let named = if except {
            Named::AllBut(numbers)
        } else {
            Named::Listed(numbers)
        };
        out.push((named, start, end));
        if out.len() >= MAX_REFERENCES {
            break;
        }
    }
    out
}

/// Where the clause of `sentence` (split at semicolons) holding byte `at` starts.
fn clause_start(sentence: &str, at: usize) -> usize {
    sentence[..at].rfind(';').map_or(0, |i| i + 1)
}

/// Whether a heading introduces the written questions ("Your supporting statement",
/// "Supporting information: what to write about", "Application questions").
fn statement_heading(heading: &str) -> bool {
    let lower = heading.to_lowercase();
    ["supporting", "statement", "question", "what to write"]
        .iter()
        .any(|w| lower.contains(w))
}

/// A text-form line's words: markup, table bars, list marks and emphasis off.
fn plain_line(line: &str) -> String {
    let text = tagless(&line.replace('\t', " | ")).replace(['*', '|'], " ");
    let text = collapse(&text);
    let text = text.trim_start_matches(['-', '•', '#', ' ']);
    text.to_string()
}

/// Without a leading list number ("1. Tell us …" → "Tell us …").
fn unnumbered(text: &str) -> &str {
    let digits = text.len() - text.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return text;
    }
    match text[digits..].strip_prefix(['.', ')']) {
        Some(rest) if rest.starts_with(' ') => rest.trim_start(),
        _ => text,
    }
}

/// A sentence less the words saying who goes on to a stage ("Shortlisted candidates will
/// have an interview …": the shortlist is who is interviewed, not how a criterion is read).
fn without_who(sentence: &str) -> String {
    let mut plain = sentence.to_ascii_lowercase();
    for who in [
        "shortlisted candidates",
        "shortlisted applicants",
        "if shortlisted",
        "those shortlisted",
        "if you are shortlisted",
    ] {
        plain = plain.replace(who, "");
    }
    plain
}

/// The brackets still open after `text`, given `depth` open before it.
fn balance(depth: usize, text: &str) -> usize {
    text.bytes().fold(depth, |d, b| match b {
        b'(' => d + 1,
        b')' => d.saturating_sub(1),
        _ => d,
    })
}

/// The references of one line of prose, given whether it is a written question (under a
/// heading for the supporting statement, opening "Question", or asking one).
fn line_references(line: &str, under_statement: bool) -> Vec<Reference> {
    let text = unnumbered(line);
    let phrase = |words: &str| methods::phrase(&without_who(words));
    // ASCII lower case keeps every byte offset of the text.
    let lower = text.to_ascii_lowercase();
    let asks = under_statement || lower.starts_with("question ") || lower.contains('?');
    let mut out = Vec::new();
    let mut offset = 0;
    // Brackets open before `offset` (counted once, as the sentences go by).
    let mut depth = 0usize;
    for piece in sentences(text) {
        // Where this sentence sits in the line (sentences are trimmed pieces of it).
        let base = text[offset..].find(&piece).map_or(offset, |i| offset + i);
        let head_depth = balance(depth, &text[offset..base]);
        offset = (base + piece.len()).min(text.len());
        depth = balance(head_depth, &text[base..offset]);
        // A stage sentence is short: a longer one is prose (and reading it is bounded).
        if piece.len() > MAX_SENTENCE || out.len() >= MAX_REFERENCES {
            continue;
        }
        let sentence = piece.to_ascii_lowercase();
        for (named, start, end) in named_in(&sentence) {
            let bracketed = balance(head_depth, &sentence[..start]) > 0;
            // A bracket naming criteria on a written question: its answer is read at
            // shortlisting, whatever the question's own words ("Describe a time you
            // tested …").
            if bracketed && asks {
                let inside = &sentence[start..];
                let inside = &inside[..inside.find(')').unwrap_or(inside.len())];
                if phrase(inside).is_empty() {
                    out.push(Reference {
                        named,
                        methods: vec![Method::Application],
                        question: true,
                    });
                    continue;
                }
            }
            let clause = clause_start(&sentence, start);
            // "every criterion except 1 and 2, which we check from your certificates": the
            // relative clause says how the excepted ones are assessed, the rest of the
            // clause how the others are.
            if let Named::AllBut(excepted) = &named {
                let after = sentence[end..].trim_start_matches([',', ' ', '(']);
                if after.starts_with("which ") || after.starts_with("these ") {
                    let relative = &sentence[end..];
                    let relative = &relative[..relative.find(';').unwrap_or(relative.len())];
                    let theirs = phrase(relative);
                    if !theirs.is_empty() {
                        out.push(Reference {
                            named: Named::Listed(excepted.clone()),
                            methods: theirs,
                            question: false,
                        });
                    }
                    let main = phrase(&sentence[clause..end]);
                    if !main.is_empty() {
                        out.push(Reference {
                            named,
                            methods: main,
                            question: false,
                        });
                    }
                    continue;
                }
            }
            // The clause naming the criteria says how ("a values-based interview covering
            // criteria 3 to 13"); else the sentence ("… a presentation …; it assesses
            // criteria 9 and 10").
            let clause_end = sentence[start..]
                .find(';')
                .map_or(sentence.len(), |i| start + i);
            let mut found = phrase(&sentence[clause..clause_end]);
            if found.is_empty() {
                found = phrase(&sentence);
            }
            if !found.is_empty() {
                out.push(Reference {
                    named,
                    methods: found,
                    question: false,
                });
            }
        }
    }
    out
}

/// Every reference of a document's text form, in order.
fn references(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut under_statement = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(heading) = trimmed.strip_prefix('#') {
            under_statement = statement_heading(heading);
            continue;
        }
        // A cheap test first: most lines name no criterion.
        if !line.to_ascii_lowercase().contains("criteri") {
            continue;
        }
        out.extend(line_references(&plain_line(line), under_statement));
        if out.len() >= MAX_REFERENCES {
            break;
        }
    }
    out
}

/// Whether a criterion's text is a reference to others ("Question A (criteria 1, 2 and
/// 3): What …?"): a question, not a criterion.
fn refers_to_criteria(description: &str) -> bool {
    !named_in(&description.to_lowercase()).is_empty()
}

/// Whether the text-form line `line` (1-based) is a list item ("- Degree …").
fn bulleted_line(text_lines: &[&str], line: usize) -> bool {
    line.checked_sub(1)
        .and_then(|i| text_lines.get(i))
        .is_some_and(|raw| raw.trim_start().starts_with("- "))
}

/// Whether the text-form line `line` (1-based) types `number` before its criterion: "1.
/// Degree …", "| 1 | A degree …", "1\tA degree …".
fn numbered_line(text_lines: &[&str], line: usize, number: usize) -> bool {
    let Some(raw) = line.checked_sub(1).and_then(|i| text_lines.get(i)) else {
        return false;
    };
    // The number comes first: the head of the line will do.
    let mut cut = raw.len().min(400);
    while !raw.is_char_boundary(cut) {
        cut -= 1;
    }
    let plain = plain_line(&raw[..cut]);
    let digits = plain.len() - plain.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    digits > 0
        && plain[..digits].parse() == Ok(number)
        && plain[digits..].starts_with(['.', ')', ' '])
}

/// Each criterion's methods (criterion `i` is number `i + 1`) when the references name
/// exactly `count` criteria: every number up to `count` named, none beyond.
fn methods_by_number(references: &[Reference], count: usize) -> Option<Vec<Vec<Method>>> {
    if count < 2 {
        return None;
    }
    let mut out: Vec<Vec<Method>> = vec![Vec::new(); count];
    for reference in references {
        match &reference.named {
            Named::Listed(listed) => {
                for &n in listed {
                    out.get_mut(n - 1)?
                        .extend(reference.methods.iter().copied());
                }
            }
            Named::AllBut(excepted) => {
                if excepted.iter().any(|&n| n > count) {
                    return None;
                }
                let mut skip = vec![false; count];
                for &n in excepted {
                    skip[n - 1] = true;
                }
                for (m, skipped) in out.iter_mut().zip(skip) {
                    if !skipped {
                        m.extend(reference.methods.iter().copied());
                    }
                }
            }
        }
    }
    if out.iter().any(Vec::is_empty) {
        return None;
    }
    Some(out.into_iter().map(methods::sort).collect())
}

/// The specifications with the methods a question map gives their criteria, less the
/// questions read as criteria; unchanged when the document has no question map or it
/// does not number a specification's criteria.
pub fn apply(mut specs: Vec<ImportedSpec>, text: &str) -> Vec<ImportedSpec> {
    let found = references(text);
    if found.iter().filter(|r| r.question).count() < MIN_QUESTIONS {
        return specs;
    }
    let text_lines: Vec<&str> = text.lines().collect();
    for spec in &mut specs {
        let (questions, criteria): (Vec<_>, Vec<_>) = spec
            .criteria
            .iter()
            .cloned()
            .partition(|c| refers_to_criteria(&c.description));
        // Typed numbers, or a list whose numbers the converter does not keep (an HTML
        // `<ol>`, a Word numbered list, written as bullets): every criterion one way.
        let numbered = criteria
            .iter()
            .enumerate()
            .all(|(i, c)| numbered_line(&text_lines, c.line, i + 1))
            || criteria.iter().all(|c| bulleted_line(&text_lines, c.line));
        if !numbered {
            continue;
        }
        let Some(by_number) = methods_by_number(&found, criteria.len()) else {
            continue;
        };
        let dropped: Vec<usize> = questions.iter().map(|c| c.line).collect();
        spec.warnings.retain(|w| !dropped.contains(&w.line));
        spec.criteria = criteria;
        for (criterion, m) in spec.criteria.iter_mut().zip(by_number) {
            criterion.methods = m;
            criterion.methods_stated = true;
        }
    }
    specs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_lists_and_ranges() {
        assert_eq!(numbers_at("1, 2 and 3."), (vec![1, 2, 3], 10));
        assert_eq!(numbers_at("3 to 13").0, (3..=13).collect::<Vec<_>>());
        assert_eq!(numbers_at("6 and 10 will also").0, vec![6, 10]);
        assert_eq!(numbers_at("1–3, 5").0, vec![1, 2, 3, 5]);
        assert_eq!(numbers_at("12 and 14)").0, vec![12, 14]);
        // A separator with no number after it ends the list.
        assert_eq!(numbers_at("9 and 11 are not").0, vec![9, 11]);
        assert_eq!(numbers_at("listed").0, Vec::<usize>::new());
        assert_eq!(numbers_at("0").0, Vec::<usize>::new());
        assert_eq!(numbers_at("3rd").0, Vec::<usize>::new());
        assert_eq!(numbers_at("1 to 100000").0, vec![1]);
    }

    #[test]
    fn references_name_lists_and_exceptions() {
        let found = named_in("the interview covers every criterion except 1 and 2, which …");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0, Named::AllBut(vec![1, 2]));
        let found = named_in("criteria 9 and 11 are not covered by the questions");
        assert_eq!(found[0].0, Named::Listed(vec![9, 11]));
        // No numbers, no reference: "each criterion listed", "the criteria it covers".
        let found = named_in("(criteria: 4 and 5)");
        assert_eq!(found[0].0, Named::Listed(vec![4, 5]));
        assert!(named_in("give examples for each criterion listed").is_empty());
        assert!(named_in("each question shows the criteria it covers").is_empty());
    }

    #[test]
    fn written_questions_are_the_application() {
        let refs = line_references(
            "1. Describe a time you tested a new system. (Covers criteria 1, 2 and 3.)",
            true,
        );
        assert_eq!(refs.len(), 1);
        assert!(refs[0].question);
        assert_eq!(refs[0].methods, vec![Method::Application]);
        let refs = line_references("Question A (criteria 4 and 5): What did you learn?", false);
        assert!(refs[0].question);
        assert_eq!(refs[0].named, Named::Listed(vec![4, 5]));
    }

    #[test]
    fn stage_sentences_give_their_methods() {
        let refs = line_references(
            "Criteria 8 and 13 are not covered by the questions; they will be assessed at interview only.",
            false,
        );
        assert_eq!(refs[0].methods, vec![Method::Interview]);
        assert!(!refs[0].question);
        let refs = line_references(
            "Shortlisted candidates will have a values-based interview covering criteria 3 to 13. \
             Criteria 6 and 10 will also be tested in a 60-minute written analysis exercise.",
            false,
        );
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].methods, vec![Method::Interview]);
        assert_eq!(refs[1].methods, vec![Method::Test]);
        let refs = line_references(
            "You will give a short presentation to the panel; it assesses criteria 9 and 10.",
            false,
        );
        assert_eq!(refs[0].methods, vec![Method::Presentation]);
    }

    #[test]
    fn an_exception_checked_another_way() {
        let refs = line_references(
            "The interview covers every criterion except 1 and 2, which we check from your certificates.",
            false,
        );
        assert_eq!(refs.len(), 2);
        assert_eq!(refs[0].named, Named::Listed(vec![1, 2]));
        assert_eq!(refs[0].methods, vec![Method::Documents]);
        assert_eq!(refs[1].named, Named::AllBut(vec![1, 2]));
        assert_eq!(refs[1].methods, vec![Method::Interview]);
        let by = methods_by_number(&refs, 3).expect("every criterion named");
        assert_eq!(by[0], vec![Method::Documents]);
        assert_eq!(by[2], vec![Method::Interview]);
    }

    #[test]
    fn a_question_map_sets_methods_and_drops_the_questions() {
        use super::super::{import, Format};
        let doc = "# Officer\n\n## Person specification\n\n### Experience\n\n\
                   1. Experience of managing budgets — Essential\n\
                   2. Experience of writing reports — Essential\n\n\
                   ### Skills\n\n\
                   3. Able to chair meetings — Desirable\n\n\
                   ## Supporting statement\n\n\
                   - **Question A** (criteria 1 and 2): What have you managed?\n\
                   - **Question B** (criteria 2 and 3): How do you report?\n\n\
                   ## Interview\n\n\
                   The interview covers criteria 2 to 3.\n";
        let specs = import(Format::Text, doc.as_bytes()).expect("a specification");
        let criteria = &specs[0].criteria;
        assert_eq!(criteria.len(), 3);
        assert_eq!(criteria[0].methods, vec![Method::Application]);
        assert_eq!(
            criteria[1].methods,
            vec![Method::Application, Method::Interview]
        );
        assert!(criteria[2].methods_stated);
    }

    #[test]
    fn hostile_text_is_read_in_bounds() {
        let line = "Question (criteria 1 to 500)? ".repeat(20_000);
        let found = references(&format!("## Supporting statement\n{line}\n{line}\n"));
        assert!(found.len() <= 2 * MAX_REFERENCES);
        let long = format!("Criteria 1 and 2 {} at interview.", "x ".repeat(5_000));
        assert!(line_references(&long, false).is_empty());
    }

    #[test]
    fn an_html_ordered_list_numbers_its_criteria() {
        use super::super::{import, Format};
        let doc = "<h2>Person specification</h2>\
                   <h3>Experience</h3><ol>\
                   <li>Experience of managing budgets (Essential)</li>\
                   <li>Experience of writing reports (Essential)</li></ol>\
                   <h3>Skills</h3><ol start=\"3\">\
                   <li>Able to chair meetings (Desirable)</li></ol>\
                   <h2>Your supporting statement</h2><ol>\
                   <li>Tell us what you have managed. (Covers criteria 1 and 2.)</li>\
                   <li>Tell us how you report. (Covers criteria 2 and 3.)</li></ol>\
                   <p>The interview covers criteria 3 only.</p>";
        let specs = import(Format::Html, doc.as_bytes()).expect("a specification");
        let criteria = &specs[0].criteria;
        assert_eq!(criteria.len(), 3);
        assert_eq!(criteria[0].methods, vec![Method::Application]);
        assert_eq!(
            criteria[2].methods,
            vec![Method::Application, Method::Interview]
        );
    }

    #[test]
    fn unnumbered_criteria_are_left_alone() {
        let refs = vec![
            Reference {
                named: Named::Listed(vec![1, 2]),
                methods: vec![Method::Application],
                question: true,
            },
            Reference {
                named: Named::Listed(vec![3]),
                methods: vec![Method::Application],
                question: true,
            },
        ];
        // Numbers beyond the specification's criteria, or some criterion never named.
        assert_eq!(methods_by_number(&refs, 2), None);
        assert_eq!(methods_by_number(&refs, 4), None);
        assert!(methods_by_number(&refs, 3).is_some());
        assert!(!numbered_line(&["Experience of budgets"], 1, 1));
        assert!(numbered_line(&["| 1 | Experience of budgets |"], 1, 1));
        assert!(numbered_line(&["12. Experience of budgets"], 1, 12));
    }
}
