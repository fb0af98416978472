//! Turning cell content into criteria text: list items and their sub-items, `OR`
//! alternatives, notes among bullets, assessment codes, essential/desirable marks and the
//! splitting of criteria a converter ran together.

use super::blocks::{collapse, Item, BREAK};
use crate::domain::{Method, Requirement};

/// One candidate criterion taken from a cell, before it is given a requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Raw text; may hold [`BREAK`] marks.
    pub text: String,
    pub bullet: bool,
    /// An unbulleted paragraph among bullets: a note, not a criterion.
    pub note: bool,
    /// `OR` follows: this piece and the next are alternatives.
    pub or_next: bool,
}

impl Piece {
    /// The same kind of piece with other text. (Not `..piece.clone()`: that copies the
    /// whole text once per part, quadratic when a huge cell is split.)
    pub fn with_text(&self, text: String) -> Piece {
        Piece {
            text,
            bullet: self.bullet,
            note: self.note,
            or_next: self.or_next,
        }
    }
}

/// Groups a cell's items into pieces: sub-items join their parent (`; `), as do paragraphs
/// enumerated `i)`, `(ii)`, `a)` after a lead-in ending in `:`; `OR` lines and items ending
/// in " or" link neighbours as alternatives; paragraphs among bullets become notes.
pub fn pieces(items: &[Item]) -> Vec<Piece> {
    let has_bullets = items.iter().any(|item| item.bullet);
    let mut out: Vec<Piece> = Vec::new();
    // Depth of the item that opened the last piece; deeper items are its sub-items.
    let mut parent_depth: Option<usize> = None;
    // The last piece is a lead-in ("Commitment to:") or already holds enumerated sub-items.
    let mut takes_enumerated = false;
    for item in items {
        let text = item.text.trim();
        if is_or(text) {
            if let Some(last) = out.last_mut() {
                last.or_next = true;
            }
            // Sub-items after an `OR` are alternatives in their own right (rule 2's exception).
            parent_depth = None;
            takes_enumerated = false;
            continue;
        }
        let (text, or_next) = match strip_suffix_word(text, "or") {
            Some(stripped) => (stripped, true),
            None => (text, false),
        };
        let is_sub = matches!(parent_depth, Some(depth) if item.bullet && item.depth > depth);
        let enumerated = takes_enumerated && starts_with_sub_enumerator(text);
        let note = has_bullets && !item.bullet && !enumerated;
        match out.last_mut() {
            Some(last) if (is_sub || enumerated) && !note && !last.note && !last.or_next => {
                // "including: A; B; C": no separator after the lead-in's colon.
                let separator = if last.text.trim_end().ends_with(':') {
                    " "
                } else {
                    "; "
                };
                last.text.push_str(separator);
                last.text.push_str(&if enumerated {
                    strip_enumerator(text)
                } else {
                    text.to_string()
                });
                last.or_next = or_next;
            }
            _ => {
                out.push(Piece {
                    text: text.to_string(),
                    bullet: item.bullet,
                    note,
                    or_next,
                });
                parent_depth = (!note).then_some(item.depth);
            }
        }
        takes_enumerated = !note && (enumerated || text.ends_with(':'));
    }
    out
}

pub fn is_or(text: &str) -> bool {
    collapse(text).eq_ignore_ascii_case("or")
}

/// `text` without a final word `word` (case-insensitive), when the text has more before it.
fn strip_suffix_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let trimmed = text.trim_end();
    let cut = trimmed.len().checked_sub(word.len())?;
    let (head, tail) = (trimmed.get(..cut)?, trimmed.get(cut..)?);
    (tail.eq_ignore_ascii_case(word)
        && head.ends_with(char::is_whitespace)
        && !head.trim().is_empty())
    .then(|| head.trim_end())
}

/// The description of a criterion and the assessment methods its codes name.
pub fn describe(text: &str) -> (String, Vec<Method>) {
    let mut methods = Vec::new();
    let mut kept = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['(', '[']) {
        let closing = if rest[open..].starts_with('[') {
            ']'
        } else {
            ')'
        };
        let Some(close) = rest[open..].find(closing).map(|c| open + c) else {
            break;
        };
        let inner = &rest[open + 1..close];
        let found = if closing == ']' {
            bracketed_methods(inner)
        } else {
            method_code(inner).or_else(|| assessed_phrase(inner))
        };
        match found {
            Some(found) => {
                kept.push_str(&rest[..open]);
                methods.extend(found);
            }
            None => kept.push_str(&rest[..=close]),
        }
        rest = &rest[close + 1..];
    }
    kept.push_str(rest);
    let description = collapse(&kept);
    let description = strip_enumerator(&description);
    // A removed code can leave a space before punctuation: "licence (A & I) - …" is fine,
    // "practice (A & I)." is not.
    let description = description.replace(" .", ".").replace(" ,", ",");
    (description, sort_methods(methods))
}

/// `[Application/Interview]`, `[Exercise]`: a few words naming methods only, in square
/// brackets after a criterion.
fn bracketed_methods(inner: &str) -> Option<Vec<Method>> {
    if inner.split_whitespace().count() > 6 {
        return None;
    }
    let found = super::methods::words(inner);
    (!found.is_empty()).then_some(found)
}

/// `(assessed at interview)`, `(assessed by practical exercise)`, `(tested at interview)`:
/// a method phrase inside a criterion.
fn assessed_phrase(inner: &str) -> Option<Vec<Method>> {
    let lower = inner.trim().to_lowercase();
    if inner.split_whitespace().count() > 8
        || ![
            "assessed",
            "tested",
            "assessment:",
            "evidenced",
            "to be assessed",
        ]
        .iter()
        .any(|start| lower.starts_with(start))
    {
        return None;
    }
    let found = super::methods::words(inner);
    (!found.is_empty()).then_some(found)
}

/// `A & I`, `AI`, `A/I`, `P`, `W`: letters from the form's legend and separators only.
fn method_code(code: &str) -> Option<Vec<Method>> {
    let mut methods = Vec::new();
    for c in code.chars() {
        match c {
            'A' => methods.push(Method::Application),
            'I' => methods.push(Method::Interview),
            'P' => methods.push(Method::Presentation),
            'W' => methods.push(Method::Test),
            '&' | '/' | ',' | '+' | ' ' => {}
            _ => return None,
        }
    }
    (!methods.is_empty()).then_some(methods)
}

/// The methods named in an "assessed by" column: the legend's letters (`A/I`, `T`, `D`),
/// Measurement numbers, or words (`Application form, interview`). `None` when nothing
/// in it names a method.
pub fn assessment_methods(text: &str) -> Option<Vec<Method>> {
    let text = collapse(text);
    if text.is_empty() {
        return None;
    }
    if let Some(found) = measurement_methods(&text) {
        return Some(found);
    }
    let letters = text.replace(['(', ')', '.'], "");
    let by_letter: Option<Vec<Method>> = letters
        .split(|c: char| matches!(c, '&' | '/' | ',' | '+' | ';') || c.is_whitespace())
        .filter(|token| !token.is_empty())
        .map(|token| match token.to_ascii_uppercase().as_str() {
            "A" | "AF" | "APP" => Some(vec![Method::Application]),
            "I" | "INT" => Some(vec![Method::Interview]),
            "T" | "W" | "WT" => Some(vec![Method::Test]),
            "P" | "PRES" => Some(vec![Method::Presentation]),
            "D" | "C" | "R" | "DOC" => Some(vec![Method::Documents]),
            "AI" => Some(vec![Method::Application, Method::Interview]),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()
        .map(|lists| lists.concat());
    if let Some(found) = by_letter.filter(|found| !found.is_empty()) {
        return Some(sort_methods(found));
    }
    // "Certificate seen at interview": the interview says when the documents are seen.
    let lower = super::methods::without_interview_timing(&text);
    let words: [(&[&str], Method); 5] = [
        (&["application", "cv", "shortlist"], Method::Application),
        (
            &[
                "test",
                "exercise",
                "written",
                "assessment centre",
                "observation",
                "observed",
                "practical",
                "task",
            ],
            Method::Test,
        ),
        (&["interview"], Method::Interview),
        (&["presentation"], Method::Presentation),
        (
            &[
                "certificate",
                "document",
                "evidence",
                "reference",
                "registration check",
            ],
            Method::Documents,
        ),
    ];
    let mut found: Vec<Method> = words
        .iter()
        .filter(|(names, _)| names.iter().any(|name| lower.contains(name)))
        .map(|(_, method)| *method)
        .collect();
    // And the methods every layout names ("Micro-teach", "Role play", "In-tray"): the
    // general vocabulary the reading by meaning uses.
    found.extend(super::methods::words(&lower));
    (!found.is_empty()).then(|| sort_methods(found))
}

/// A tick in an Essential or Desirable column: ✓, ✔, ☑, ☒, X, *, •, Yes, Y.
pub fn is_tick(text: &str) -> bool {
    let text = collapse(text);
    matches!(
        text.trim_end_matches('\u{fe0f}').to_lowercase().as_str(),
        "✓" | "✔" | "☑" | "☒" | "√" | "x" | "*" | "•" | "●" | "yes" | "y" | "e" | "d"
    )
}

/// Each method once, in [`Method::ALL`] order.
pub fn sort_methods(methods: Vec<Method>) -> Vec<Method> {
    Method::ALL
        .into_iter()
        .filter(|method| methods.contains(method))
        .collect()
}

/// The methods of a Measurement cell (`2,4`), by the seed legend: 1 a test before
/// shortlisting, taken by every applicant with the application, so scored with it at
/// the sift (`application`); 3 a test after shortlisting (`test`, its own step); 2 the
/// application form, 4 the interview, 5 documentary evidence, 6 "other" names none.
/// A method belongs to one step, so the two tests land in different steps.
pub fn measurement_methods(text: &str) -> Option<Vec<Method>> {
    let mut methods = Vec::new();
    let mut any = false;
    for token in text.split(|c: char| c == ',' || c == '/' || c == '&' || c.is_whitespace()) {
        if token.is_empty() {
            continue;
        }
        any = true;
        match token {
            "1" => methods.push(Method::Application),
            "3" => methods.push(Method::Test),
            "2" => methods.push(Method::Application),
            "4" => methods.push(Method::Interview),
            "5" => methods.push(Method::Documents),
            "6" => {}
            _ => return None,
        }
    }
    any.then(|| sort_methods(methods))
}

/// Removes a leading bullet, number or enumerator: `1.`, `(ii)`, `a)`, `-`, `.`.
pub fn strip_enumerator(text: &str) -> String {
    let mut text = text.trim_start();
    loop {
        let before = text;
        text = text
            .trim_start_matches(['-', '–', '.', '*', '•', '▪', '♦'])
            .trim_start();
        if let Some(rest) = enumerator_rest(text) {
            text = rest.trim_start();
        }
        if text == before {
            return text.to_string();
        }
    }
}

fn enumerator_rest(text: &str) -> Option<&str> {
    // A sub-number: `1.1`, `2.10.`, `3.2)`.
    if let Some(rest) = sub_number_rest(text) {
        return Some(rest);
    }
    let (inner, rest) = if let Some(body) = text.strip_prefix('(') {
        let close = body.find(')')?;
        (&body[..close], &body[close + 1..])
    } else {
        let close = text.find([')', '.'])?;
        (&text[..close], &text[close + 1..])
    };
    let roman = !inner.is_empty() && inner.chars().all(|c| "ivx".contains(c)) && inner.len() <= 4;
    let number = !inner.is_empty() && inner.len() <= 2 && inner.chars().all(|c| c.is_ascii_digit());
    let letter = inner.len() == 1 && inner.chars().all(|c| c.is_ascii_lowercase());
    let spaced = rest.starts_with(char::is_whitespace);
    ((roman || number || letter) && spaced).then_some(rest)
}

/// The text after a sub-number such as `1.1`, `2.10.` or `3.2)` and the space after it.
pub fn sub_number_rest(text: &str) -> Option<&str> {
    let mut parts = 0;
    let mut rest = text;
    loop {
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        if digits == 0 || digits > 2 {
            return None;
        }
        rest = &rest[digits..];
        parts += 1;
        match rest.strip_prefix('.') {
            Some(after) if after.starts_with(|c: char| c.is_ascii_digit()) && parts < 4 => {
                rest = after;
            }
            Some(after) => {
                rest = after;
                break;
            }
            None => {
                rest = rest.strip_prefix(')').unwrap_or(rest);
                break;
            }
        }
    }
    (parts >= 2 && rest.starts_with(char::is_whitespace)).then_some(rest)
}

/// True when a text opens with an enumerator such as `(ii)`: a sub-item in its own row.
pub fn starts_with_enumerator(text: &str) -> bool {
    text.trim_start().starts_with('(') && enumerator_rest(text.trim_start()).is_some()
}

/// True when a text opens with a roman or letter enumerator (`i)`, `(ii)`, `a.`), which
/// marks sub-items; numbers usually mark criteria of their own.
fn starts_with_sub_enumerator(text: &str) -> bool {
    let text = text.trim_start();
    let inner = text.trim_start_matches('(');
    let label: String = inner.chars().take_while(char::is_ascii_lowercase).collect();
    !label.is_empty() && enumerator_rest(text).is_some()
}

/// True when a text continues a sentence cut by a page break.
pub fn starts_lowercase(text: &str) -> bool {
    text.trim_start()
        .chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(char::is_lowercase)
}

/// The essential/desirable marks of a marks cell (`♦ E ♦ E`, `E  E D`, `<li>E</li>`), in
/// order; `None` when the cell holds anything else.
pub fn marks(text: &str) -> Option<Vec<Requirement>> {
    let mut found = Vec::new();
    for token in text.split(|c: char| c.is_whitespace() || !c.is_alphanumeric()) {
        match token {
            "" => {}
            "E" => found.push(Requirement::Essential),
            "D" => found.push(Requirement::Desirable),
            _ => return None,
        }
    }
    Some(found)
}

/// A boundary at least this likely is taken even beyond the number of marks: a break the
/// converter left, or a sentence end or criterion opener before a capital.
const STRONG_BOUNDARY: i32 = 3;

/// The most parts one text is split into: as many criteria as a whole specification may
/// hold. Real cells run a handful together; without a limit every sentence of a
/// megabyte-long cell became a criterion.
const MAX_PARTS: usize = 200;

/// Splits text that holds at least `count` criteria run together, at the likeliest
/// original line ends: breaks the converter left, then sentence ends, then a capitalised
/// word that typically opens a criterion. Every strong boundary is taken (a mark can cover
/// two lines); weaker ones only up to `count` parts; never more than [`MAX_PARTS`] parts.
/// Returns fewer parts when the text offers too few places to split.
pub fn split_run_together(text: &str, count: usize) -> Vec<String> {
    let words = words_with_breaks(text);
    if count <= 1 || words.len() < 2 {
        return vec![collapse(text)];
    }
    let mut candidates: Vec<(i32, usize)> = (1..words.len())
        .filter_map(|i| boundary_score(&words[i - 1], &words[i]).map(|score| (score, i)))
        .collect();
    // Best first; among equals the earlier place.
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let strong = candidates
        .iter()
        .filter(|(score, _)| *score >= STRONG_BOUNDARY)
        .count();
    let mut cuts: Vec<usize> = candidates
        .into_iter()
        .take(strong.max(count - 1).min(MAX_PARTS - 1))
        .map(|(_, i)| i)
        .collect();
    cuts.sort_unstable();
    let mut parts = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts.into_iter().chain(std::iter::once(words.len())) {
        let part: Vec<&str> = words[start..cut].iter().map(|w| w.text).collect();
        parts.push(part.join(" "));
        start = cut;
    }
    parts
}

struct Word<'a> {
    text: &'a str,
    /// A break mark precedes the word.
    after_break: bool,
}

fn words_with_breaks(text: &str) -> Vec<Word<'_>> {
    let mut words = Vec::new();
    let mut after_break = false;
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                words.push(Word {
                    text: &text[s..i],
                    after_break,
                });
                after_break = false;
            }
            after_break |= c == BREAK;
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        words.push(Word {
            text: &text[s..],
            after_break,
        });
    }
    words
}

/// Words that usually open a criterion in these forms.
const OPENERS: &[&str] = &[
    "Ability",
    "Able",
    "Experience",
    "Knowledge",
    "Understanding",
    "Awareness",
    "Willing",
    "Willingness",
    "Must",
    "Good",
    "Excellent",
    "Proven",
    "Demonstrable",
    "Demonstrated",
    "Commitment",
    "Effective",
    "Literacy",
    "IT",
    "NVQ",
    "Skills",
    "Should",
    "Strong",
    "High",
    "Evidence",
    "Relevant",
    "Previous",
    "Working",
    "Recognised",
    "Qualification",
    "Degree",
    "Full",
    "Sensitivity",
    "Flexible",
    "Capacity",
    "Basic",
    "Current",
    "Substantial",
];

/// Words after which a sentence rarely ends.
const CONNECTORS: &[&str] = &[
    "and",
    "or",
    "of",
    "the",
    "a",
    "an",
    "in",
    "to",
    "with",
    "including",
    "for",
    "e.g.",
    "eg",
    "i.e.",
    "ie",
    "by",
    "on",
    "at",
    "as",
];

fn boundary_score(before: &Word, after: &Word) -> Option<i32> {
    let first = after.text.chars().next()?;
    if !(first.is_uppercase() || first.is_ascii_digit() || after.after_break) {
        return None;
    }
    let lower_before = before.text.to_lowercase();
    let mut score = 0;
    if after.after_break {
        score += 4;
    }
    let sentence_end = before.text.ends_with(['.', '!', '?', ';'])
        && !matches!(lower_before.as_str(), "e.g." | "i.e." | "etc." | "no.");
    if sentence_end {
        score += 3;
    } else if before.text.ends_with(|c: char| c.is_lowercase())
        && !before.text.starts_with(char::is_uppercase)
        && first.is_uppercase()
    {
        // A capital after a lower-case word, unless both are part of a name
        // ("Looked After Children").
        score += 1;
    }
    let opener = after.text.trim_end_matches([',', '.', ':']);
    if OPENERS.contains(&opener) {
        score += 2;
    }
    if CONNECTORS.contains(&lower_before.as_str()) {
        score -= 3;
    }
    (score > 0).then_some(score)
}

/// A heading in sentence case: section letters (`A.`) dropped, an all-capitals heading
/// lowered, acronyms in a mixed-case heading kept.
pub fn sentence_case(heading: &str) -> String {
    let heading = collapse(heading);
    let heading = heading.trim_end_matches(':').trim();
    let heading = strip_section_letter(heading)
        .replace("/ ", "/")
        .replace(" /", "/");
    let all_caps = !heading.chars().any(char::is_lowercase);
    let mut out = String::with_capacity(heading.len());
    for (index, word) in heading.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let acronym = !all_caps
            && word.chars().filter(|c| c.is_alphabetic()).count() > 0
            && !word.chars().any(char::is_lowercase);
        if acronym {
            out.push_str(word);
        } else if index == 0 {
            let lower = word.to_lowercase();
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push_str(&word.to_lowercase());
        }
    }
    out
}

/// `A. Training & Education` → `Training & Education`.
pub fn strip_section_letter(heading: &str) -> &str {
    let mut chars = heading.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (Some(letter), Some('.'), Some(' ')) if letter.is_ascii_uppercase() => heading[3..].trim(),
        _ => heading,
    }
}

/// The kind of thing a criterion is about, for documents that give no heading.
pub fn kind_of(description: &str) -> &'static str {
    let lower = description.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&[
        "qualification",
        "qualified",
        "degree",
        "registered",
        "registration",
        "award",
        "diploma",
        "licence",
    ]) {
        "Qualifications"
    } else if has(&["experience"]) {
        "Experience"
    } else if has(&["knowledge", "understanding", "awareness"]) {
        "Knowledge"
    } else {
        "Skills & abilities"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(bullet: bool, depth: usize, text: &str) -> Item {
        Item {
            bullet,
            depth,
            text: text.to_string(),
        }
    }

    #[test]
    fn sub_items_join_their_parent() {
        let pieces = pieces(&[
            item(true, 0, "Relevant legislation, guidance including:"),
            item(true, 1, "List Adult's legislation"),
            item(true, 1, "List Children's legislation"),
            item(true, 0, "Awareness of related key agencies."),
        ]);
        let texts: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "Relevant legislation, guidance including: List Adult's legislation; List Children's legislation",
                "Awareness of related key agencies."
            ]
        );
    }

    #[test]
    fn or_lines_and_trailing_or_link_alternatives() {
        // Seed 002: "… registering as a social and ▪ 60 M Level credits … OR ▪ Equivalence …".
        let pieces = pieces(&[
            item(
                true,
                0,
                "Social Work qualification for registering as a social and",
            ),
            item(true, 0, "60 M Level credits achieved post qualifying"),
            item(true, 1, "OR"),
            item(true, 0, "Equivalence in experience"),
            item(true, 0, "Knowledge of child and family social work"),
            item(true, 0, "Leadership / management qualification or"),
            item(true, 0, "Practice Educator qualification"),
        ]);
        let summary: Vec<(&str, bool)> = pieces
            .iter()
            .map(|p| (p.text.as_str(), p.or_next))
            .collect();
        assert_eq!(
            summary,
            vec![
                (
                    "Social Work qualification for registering as a social and",
                    false
                ),
                ("60 M Level credits achieved post qualifying", true),
                ("Equivalence in experience", false),
                ("Knowledge of child and family social work", false),
                ("Leadership / management qualification", true),
                ("Practice Educator qualification", false),
            ]
        );
    }

    #[test]
    fn paragraphs_among_bullets_are_notes() {
        let pieces = pieces(&[
            item(true, 0, "Ability to use strategies"),
            item(false, 0, "The nature of the role includes lone working."),
            item(true, 0, "Involvement on a daily basis"),
        ]);
        let notes: Vec<bool> = pieces.iter().map(|p| p.note).collect();
        assert_eq!(notes, vec![false, true, false]);
    }

    #[test]
    fn codes_become_methods_and_leave_the_description() {
        assert_eq!(
            describe("Full driving licence (A & I) - reasonable adjustments will be considered upon request"),
            (
                "Full driving licence - reasonable adjustments will be considered upon request".to_string(),
                vec![Method::Application, Method::Interview]
            )
        );
        assert_eq!(describe("Presenting (P)").1, vec![Method::Presentation]);
        assert_eq!(
            describe("Report (W) (AI)").1,
            vec![Method::Application, Method::Test, Method::Interview]
        );
        assert_eq!(describe("5 GCSE (A-C) (HCPC registration)").1, vec![]);
        assert_eq!(describe("(ii) Write reports").0, "Write reports");
        assert_eq!(describe(".Able to prioritise").0, "Able to prioritise");
        assert_eq!(describe("3. Numbered").0, "Numbered");
        assert_eq!(describe("Practice (A & I).").0, "Practice.");
    }

    #[test]
    fn observation_and_practical_tasks_are_tests() {
        assert_eq!(
            assessment_methods("Teaching observation"),
            Some(vec![Method::Test])
        );
        assert_eq!(
            assessment_methods("Interview / practical task"),
            Some(vec![Method::Test, Method::Interview])
        );
        // The general vocabulary too: a micro-teach is a test.
        assert_eq!(
            assessment_methods("Application, Micro-teach"),
            Some(vec![Method::Application, Method::Test])
        );
        // The interview only says when the certificate is seen.
        assert_eq!(
            assessment_methods("Application; certificate seen at interview"),
            Some(vec![Method::Application, Method::Documents])
        );
    }

    #[test]
    fn measurement_numbers_map_to_methods() {
        assert_eq!(
            measurement_methods("2,4"),
            Some(vec![Method::Application, Method::Interview])
        );
        assert_eq!(
            measurement_methods("3, 4"),
            Some(vec![Method::Test, Method::Interview])
        );
        assert_eq!(
            measurement_methods("2,5"),
            Some(vec![Method::Application, Method::Documents])
        );
        assert_eq!(measurement_methods("6"), Some(vec![]));
        // Measurement 1 (test before shortlisting) is scored at the sift, 3 at a test
        // step after it.
        assert_eq!(measurement_methods("1"), Some(vec![Method::Application]));
        assert_eq!(measurement_methods("3"), Some(vec![Method::Test]));
        assert_eq!(measurement_methods(""), None);
        assert_eq!(measurement_methods("Please see below"), None);
    }

    #[test]
    fn marks_cells_are_read_in_order() {
        use Requirement::{Desirable as D, Essential as E};
        assert_eq!(marks("♦ E ♦ E"), Some(vec![E, E]));
        assert_eq!(marks("E  E D"), Some(vec![E, E, D]));
        assert_eq!(marks("• E"), Some(vec![E]));
        assert_eq!(marks(""), Some(vec![]));
        assert_eq!(marks("No✓"), None);
        assert_eq!(marks("2,4"), None);
    }

    #[test]
    fn run_together_criteria_split_at_the_likeliest_line_ends() {
        assert_eq!(
            split_run_together(
                "Literacy and numeracy sufficient for the job tasks IT skills sufficient for the job tasks. NVQ level 2/3 in Customer Care or Administration.",
                3
            ),
            vec![
                "Literacy and numeracy sufficient for the job tasks",
                "IT skills sufficient for the job tasks.",
                "NVQ level 2/3 in Customer Care or Administration."
            ]
        );
        assert_eq!(
            split_run_together(
                "Ability to plan own workload Ability to learn corporate systems",
                2
            ),
            vec![
                "Ability to plan own workload",
                "Ability to learn corporate systems"
            ]
        );
        let with_breaks = format!("A professional qualification{BREAK} 4 GCSE's or NVQ equivalent");
        assert_eq!(
            split_run_together(&with_breaks, 2),
            vec!["A professional qualification", "4 GCSE's or NVQ equivalent"]
        );
        assert_eq!(split_run_together("one two", 3), vec!["one two"]);
    }

    #[test]
    fn a_text_splits_into_at_most_max_parts_and_keeps_every_word() {
        let text = "x. Able ".repeat(5_000);
        for count in [2, 50_000] {
            let parts = split_run_together(&text, count);
            assert_eq!(parts.len(), MAX_PARTS);
            assert_eq!(parts.join(" "), collapse(&text));
        }
    }

    #[test]
    fn headings_are_put_in_sentence_case() {
        assert_eq!(
            sentence_case("A. Training & Education"),
            "Training & education"
        );
        assert_eq!(sentence_case("SKILLS & ABILITIES"), "Skills & abilities");
        assert_eq!(
            sentence_case("qualifications/ knowledge"),
            "Qualifications/knowledge"
        );
        assert_eq!(
            sentence_case("Particular E.O. needs"),
            "Particular E.O. needs"
        );
    }
}
