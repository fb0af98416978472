//! A person specification written as flowing paragraphs, each requirement a phrase inside
//! a sentence followed by its mark: "You'll bring experience of supporting people at a
//! difficult time (E), whether in a health or advice setting. We're also looking for
//! experience of giving advice to older people (E) and, ideally, experience of working
//! in a hospital (D)." The mark may also carry the methods, keyed elsewhere ("… aged 13 to
//! 18 [E: A, I, S], whether in youth work …").
//!
//! A reader takes each mark as closing one criterion: the phrase before it, from where
//! the sentence (or the clause after the mark before) starts, without the lead-in and
//! joining words that only carry the prose ("You'll bring", "We're also looking for",
//! "and, ideally,", "as would", "We need someone who is", "so you must be"); the words
//! after a mark up to the next clause ("whether in …", "would help too, because …", "is a
//! bonus") belong to no criterion. The text form of such a paragraph is rewritten as a
//! list, one item per marked phrase with its mark after it, under the paragraph's heading
//! – the form the readers already understand; the lines around it (the heading, an "How
//! we'll assess this" line) stay as printed.
//!
//! Only prose is rewritten: a paragraph must hold at least two marks with words after one
//! of them (a mark ending a list item is not prose), and the document at least
//! [`MIN_PARAGRAPHS`] such paragraphs with [`MIN_MARKS`] marks in all. A paragraph that
//! explains the marks ("followed by (E) if it is essential", "Essential (E) or Desirable
//! (D)") is a key, not criteria, and stays as printed. Linear in the text.

use std::borrow::Cow;

/// How many marked paragraphs make a document one written as prose.
const MIN_PARAGRAPHS: usize = 2;

/// How many marks those paragraphs must hold in all.
const MIN_MARKS: usize = 6;

/// The most characters inside a mark's brackets ("E: A, I, S, C").
const MAX_MARK_CHARS: usize = 24;

/// A mark in a line: where it starts and ends (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Mark {
    start: usize,
    end: usize,
}

/// Words that join one criterion to the one before, or lead into it without saying
/// anything about it (lower case, longest first where one begins another).
const CONNECTIVES: &[&str] = &[
    "and so is",
    "and so are",
    "as would",
    "as well as",
    "together with",
    "along with",
    "alongside this",
    "alongside that",
    "above all",
    "in addition",
    "and",
    "or",
    "but",
    "so",
    "also",
    "ideally",
    "plus",
    "then",
];

/// The subject of a lead-in ("You'll bring", "We need someone who is").
const SUBJECTS: &[&str] = &[
    "you", "you'll", "we", "we're", "we'll", "we'd", "we've", "someone", "who",
];

/// The words of a lead-in after its subject ("will also need to be", "are looking for").
const LEAD_VERBS: &[&str] = &[
    "will", "must", "should", "would", "also", "need", "needs", "have", "has", "bring", "be",
    "are", "is", "looking", "for", "want", "like", "to", "see", "someone", "who", "with", "expect",
    "require", "really", "ideally",
];

/// The text with its marked prose paragraphs rewritten as lists (see the module's
/// comment); the text as it is when it has none.
pub fn listed(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.lines().collect();
    let mut prose: Vec<Option<(String, Vec<Mark>)>> = Vec::with_capacity(lines.len());
    let (mut paragraphs, mut total) = (0, 0);
    for line in &lines {
        let found = prose_marks(line);
        if let Some((_, marks)) = &found {
            paragraphs += 1;
            total += marks.len();
        }
        prose.push(found);
    }
    if paragraphs < MIN_PARAGRAPHS || total < MIN_MARKS {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 256);
    for (line, found) in lines.iter().zip(prose) {
        match found {
            None => {
                out.push_str(line);
                out.push('\n');
            }
            Some((plain, marks)) => {
                let mut from = 0;
                let mut after_mark = false;
                for mark in marks {
                    let phrase = phrase(&plain[from..mark.start], after_mark);
                    if !phrase.is_empty() {
                        out.push_str(&format!("- {phrase} {}\n", &plain[mark.start..mark.end]));
                    }
                    from = mark.end;
                    after_mark = true;
                }
            }
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    Cow::Owned(out)
}

/// A prose paragraph's text (bold tags dropped) and its marks, when it is one (see the
/// module's comment).
fn prose_marks(line: &str) -> Option<(String, Vec<Mark>)> {
    let trimmed = line.trim();
    if trimmed.is_empty()
        || trimmed.starts_with(['#', '-', '*', '•', '|'])
        || trimmed.contains('\t')
        || !(trimmed.contains("E)") || trimmed.contains("D)") || trimmed.contains(']'))
    {
        return None;
    }
    let plain = ["<strong>", "</strong>", "<b>", "</b>"]
        .iter()
        .fold(trimmed.to_string(), |t, tag| t.replace(tag, ""));
    let marks = marks(&plain);
    if marks.len() < 2 || marks.iter().any(|m| is_key(&plain, *m)) {
        return None;
    }
    let last = marks[marks.len() - 1];
    let inside = marks[..marks.len() - 1].iter().any(|m| {
        plain[m.end..]
            .trim_start()
            .starts_with(|c: char| c.is_alphabetic())
    }) || plain[last.end..].chars().any(char::is_alphabetic);
    inside.then_some((plain, marks))
}

/// The marks in a text: "(E)", "(D)", "[E]", "[D: A, I]", "(Essential)", "(desirable)".
/// One pass: each bracket is looked into at most [`MAX_MARK_CHARS`] characters.
fn marks(text: &str) -> Vec<Mark> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let close = match bytes[i] {
            b'(' => b')',
            b'[' => b']',
            _ => {
                i += 1;
                continue;
            }
        };
        let window = &bytes[i + 1..bytes.len().min(i + 2 + MAX_MARK_CHARS)];
        if let Some(len) = window.iter().position(|&b| b == close) {
            let inner = &text[i + 1..i + 1 + len];
            if is_mark(inner) {
                found.push(Mark {
                    start: i,
                    end: i + len + 2,
                });
                i += len + 2;
                continue;
            }
        }
        i += 1;
    }
    found
}

/// The inside of a mark: a level letter or word, perhaps with method codes after a colon.
fn is_mark(inner: &str) -> bool {
    let (level, codes) = inner.split_once(':').unwrap_or((inner, ""));
    let level = level.trim();
    let level_ok = matches!(level, "E" | "D")
        || level.eq_ignore_ascii_case("essential")
        || level.eq_ignore_ascii_case("desirable");
    level_ok
        && codes.split(',').all(|code| {
            let code = code.trim();
            code.len() <= 4 && code.chars().all(|c| c.is_ascii_alphabetic())
        })
}

/// A mark in a sentence that explains the marks ("followed by (E) if it is essential",
/// "Essential (E) or Desirable (D)"), not one closing a criterion.
fn is_key(text: &str, mark: Mark) -> bool {
    let before = text[..mark.start].split_whitespace().next_back().map(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    });
    let after = text[mark.end..].split_whitespace().next().map(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    });
    let key_before = match before.as_deref() {
        None | Some("") => true,
        Some(w) => matches!(
            w,
            "essential" | "desirable" | "by" | "or" | "and" | "either" | "marked" | "mark"
        ),
    };
    let key_after = matches!(
        after.as_deref(),
        Some("if" | "means" | "for" | "when" | "shows" | "indicates" | "stands")
    );
    key_before || key_after
}

/// The criterion in the text between the mark before (or the paragraph's start) and its
/// mark: from the start of its sentence or clause, less lead-in and joining words.
fn phrase(segment: &str, after_mark: bool) -> String {
    let mut s = after_sentence_break(segment);
    let broke = s.len() < segment.len();
    // Words after the mark before, up to the clause that joins the next criterion ("is a
    // bonus, and so is …", "would be useful, as would …").
    if after_mark && !broke && !starts_with_connective(s.trim_start_matches([',', ' '])) {
        if let Some(at) = clause_with_connective(s) {
            s = &s[at..];
        }
    }
    // "Sessions run on two evenings, so you must be able to …": the requirement is the
    // clause after the consequence.
    if let Some(at) = s.find(", so ") {
        let rest = &s[at + 5..];
        if starts_with_subject(rest) {
            s = rest;
        }
    }
    let s = without_lead_in(s);
    s.trim()
        .trim_end_matches([',', ';', ':', '–', '-'])
        .trim()
        .to_string()
}

/// The text after its last sentence break (". " before a capital, "; ", "? ", "! ").
fn after_sentence_break(segment: &str) -> &str {
    let bytes = segment.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if i + 1 >= bytes.len() || bytes[i + 1] != b' ' {
            continue;
        }
        let next_upper = segment[i + 2..]
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        if b == b';' || ((b == b'.' || b == b'?' || b == b'!') && next_upper) {
            start = i + 2;
        }
    }
    &segment[start..]
}

/// Where the first clause that opens with a joining word starts (", and so is the ability
/// …" → "and so is the ability …").
fn clause_with_connective(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = s[from..].find(", ") {
        let clause = from + at + 2;
        if starts_with_connective(&s[clause..]) {
            return Some(clause);
        }
        from = clause;
    }
    None
}

/// The words of a text, lower case, with curly apostrophes made straight.
fn first_words(s: &str, n: usize) -> Vec<String> {
    s.split_whitespace()
        .take(n)
        .map(|w| {
            w.trim_matches(|c: char| c == ',' || c == ';')
                .replace('’', "'")
                .to_lowercase()
        })
        .collect()
}

fn starts_with_connective(s: &str) -> bool {
    connective_len(&first_words(s, 3)) > 0
}

fn starts_with_subject(s: &str) -> bool {
    first_words(s, 1)
        .first()
        .is_some_and(|w| SUBJECTS.contains(&w.as_str()))
}

/// How many of the words open with a connective (0 when they do not).
fn connective_len(words: &[String]) -> usize {
    CONNECTIVES
        .iter()
        .map(|c| c.split(' ').collect::<Vec<_>>())
        .find(|c| c.len() <= words.len() && c.iter().zip(words).all(|(a, b)| a == b))
        .map_or(0, |c| c.len())
}

/// The text less its lead-in: joining words, then a subject and the verbs after it
/// ("and, ideally,", "We're also looking for", "You'll also need to be").
fn without_lead_in(s: &str) -> &str {
    let mut rest = s.trim_start_matches([',', ' ']);
    // Joining words, one or several ("Alongside this", "and, ideally,").
    loop {
        let words = first_words(rest, 3);
        let n = connective_len(&words);
        if n == 0 {
            break;
        }
        rest = skip_words(rest, n).trim_start_matches([',', ' ']);
    }
    if !starts_with_subject(rest) {
        return rest;
    }
    rest = skip_words(rest, 1);
    while let Some(word) = first_words(rest, 1).pop() {
        if !LEAD_VERBS.contains(&word.as_str()) {
            break;
        }
        rest = skip_words(rest, 1);
    }
    rest.trim_start_matches([',', ' '])
}

/// The text after its first `n` words.
fn skip_words(s: &str, n: usize) -> &str {
    let mut rest = s.trim_start();
    for _ in 0..n {
        rest = rest
            .find(char::is_whitespace)
            .map_or("", |at| &rest[at..])
            .trim_start();
    }
    rest
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<String> {
        listed(text)
            .lines()
            .filter_map(|l| l.strip_prefix("- "))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn marked_phrases_become_items_without_lead_in_and_joining_words() {
        let text = "Each thing is followed by (E) if it is essential or (D) if it is desirable.\n\n\
            ### Experience\n\n\
            You'll bring experience of supporting people (E), whether in health or advice. We're also looking for \
            experience of giving advice (E) and, ideally, experience of working in a hospital (D). \
            Experience of coordinating volunteers (D) would help too.\n\n\
            How we'll assess this: interview.\n\n\
            ### Skills\n\n\
            Skill in using screen readers (D) is a bonus, and so is the ability to speak Polish (D). \
            We need someone who is calm in a busy clinic (E) and who respects people's choices (E).\n";
        assert_eq!(
            items(text),
            [
                "experience of supporting people (E)",
                "experience of giving advice (E)",
                "experience of working in a hospital (D)",
                "Experience of coordinating volunteers (D)",
                "Skill in using screen readers (D)",
                "the ability to speak Polish (D)",
                "calm in a busy clinic (E)",
                "respects people's choices (E)",
            ]
        );
        let out = listed(text);
        assert!(out.contains("How we'll assess this: interview."));
        assert!(out.contains("followed by (E) if it is essential"));
    }

    #[test]
    fn a_mark_may_carry_codes() {
        let text = "Knowledge\n\nYou will have a sound understanding of safeguarding [E: I]. Some knowledge of fire \
            safety [D: I] will help, as would experience of cadets [D: A, I].\n\n\
            Practical\n\nSessions run on two evenings, so you must be able to work evenings [E: I]; drivers \
            must be 21 or over [E: A]. An enhanced DBS check [E] will be made.\n";
        assert_eq!(
            items(text),
            [
                "a sound understanding of safeguarding [E: I]",
                "Some knowledge of fire safety [D: I]",
                "experience of cadets [D: A, I]",
                "able to work evenings [E: I]",
                "drivers must be 21 or over [E: A]",
                "An enhanced DBS check [E]",
            ]
        );
    }

    #[test]
    fn lists_and_keys_are_not_prose() {
        // Marks ending list items, one a line.
        let text =
            "- Experience of teams (E)\n- Knowledge of law (D)\nA (E)\nB (E)\nC (D)\nD (E)\n";
        assert_eq!(listed(text), text);
        // A key explaining the marks, and one paragraph only.
        let text = "Essential (E) or Desirable (D) and (E) later.\n\nWe need A (E) and B (E), C (D), D (E) and E (D) too.\n";
        assert_eq!(listed(text), text);
        assert!(is_mark("E: A, I, S"));
        assert!(is_mark("desirable"));
        assert!(!is_mark("EU"));
        assert!(!is_mark("E: application form"));
    }

    #[test]
    fn a_long_hostile_paragraph_is_read_in_one_pass() {
        let mut text = String::new();
        for _ in 0..3 {
            text.push_str(&"and so is (E) ".repeat(20_000));
            text.push('\n');
        }
        let out = listed(&text);
        assert!(out.len() < text.len() * 2);
    }
}
