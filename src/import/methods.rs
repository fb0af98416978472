//! Assessment methods however a document writes them: words ("Application form /
//! Interview", "Shortlisting & Interview", "Scenario exercise"), codes ("A, I", "AF/INT")
//! and the key line that defines a document's codes ("A = application form, I = interview").

use std::collections::HashMap;

use crate::domain::Method;

/// The codes a document uses, from its key lines, over the usual defaults.
#[derive(Debug, Clone, Default)]
pub struct Codes {
    defined: HashMap<String, Vec<Method>>,
    /// Reference prefixes the key gives a category: "Q – Qualifications; E – Experience",
    /// "QT = Qualifications and training" (references Q1, E2, QT3 belong to them).
    categories: HashMap<String, String>,
    /// Words the document defines as a method: "'Conversation' means the interview".
    named: HashMap<String, Vec<Method>>,
}

/// The words a category's name is made of ("Qualifications and training", "Skills and
/// abilities", "Personal attributes").
pub(super) const CATEGORY_KINDS: &[&str] = &[
    "qualification",
    "education",
    "training",
    "experience",
    "knowledge",
    "skill",
    "abilit",
    "attribute",
    "personal",
    "competenc",
    "behaviour",
    "values",
];

/// Further openings of a key's category names ("Other requirements", "Work-related
/// requirements", "Special conditions"), which alone name no category elsewhere.
const KEY_CATEGORY_OPENINGS: &[&str] = &[
    "work-related",
    "other",
    "special",
    "additional",
    "circumstances",
];

/// A key pair's meaning as a category name: its first sentence, a few words opening
/// with a category's word.
fn category_meaning(meaning: &str) -> Option<String> {
    let name = meaning.split('.').next()?.trim();
    let lower = name.to_lowercase();
    let words = name.split_whitespace().count();
    let opens = CATEGORY_KINDS
        .iter()
        .chain(KEY_CATEGORY_OPENINGS)
        .any(|w| lower.starts_with(w));
    ((1..=5).contains(&words) && opens).then(|| name.to_string())
}

/// Codes every UK template uses the same way, when no key says otherwise.
fn default_code(code: &str) -> Option<Vec<Method>> {
    use Method::*;
    let methods = match code {
        "A" | "AF" | "APP" | "CV" | "S" | "SL" => vec![Application],
        "I" | "INT" => vec![Interview],
        "T" | "W" | "WT" | "O" | "OBS" | "EX" | "TK" => vec![Test],
        "P" | "PR" | "PRES" => vec![Presentation],
        "R" | "REF" | "C" | "CERT" | "DOC" | "DOCS" => vec![Documents],
        _ => return None,
    };
    Some(methods)
}

impl Codes {
    /// What a code stands for: the document's own key first, then the defaults. `None`
    /// for anything else (including E and D, which are requirement marks).
    pub fn lookup(&self, code: &str) -> Option<Vec<Method>> {
        let code = super::icons::normalise(code.trim()).to_ascii_uppercase();
        // A symbol means only what the document's key says ("📝 application form").
        if code.contains(super::icons::is_icon) {
            return self.defined.get(&code).cloned();
        }
        if code.is_empty() || code.len() > 5 {
            return None;
        }
        if let Some(methods) = self.defined.get(&code) {
            return Some(methods.clone());
        }
        if code == "E" || code == "D" {
            return None;
        }
        default_code(&code)
    }

    /// The category a reference belongs to by its prefix ("QT3" → the key's "QT"): the
    /// reference is capitals then a number.
    pub fn category(&self, reference: &str) -> Option<&str> {
        let reference = reference.trim();
        let letters = reference
            .chars()
            .take_while(char::is_ascii_uppercase)
            .count();
        let rest = &reference[letters..];
        if letters == 0 || letters > 3 || !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        self.categories
            .get(&reference[..letters])
            .map(String::as_str)
    }

    /// Whether the document's own key defines `code` ("App = application form" defines
    /// "App"), whatever its case as written.
    pub fn defines(&self, code: &str) -> bool {
        self.defined
            .contains_key(&super::icons::normalise(code.trim()).to_ascii_uppercase())
    }

    pub fn is_code(&self, code: &str) -> bool {
        self.lookup(code).is_some()
    }

    /// The methods of the words a document defined in prose, named in `text`.
    pub fn named_in(&self, text: &str) -> Vec<Method> {
        if self.named.is_empty() {
            return Vec::new();
        }
        let lower = text.to_lowercase();
        let mut out = Vec::new();
        for word in lower.split(|c: char| !c.is_alphanumeric() && c != '-') {
            if let Some(methods) = self.named.get(word) {
                out.extend(methods.iter().copied());
            }
        }
        out
    }

    /// Reads the words a sentence defines as methods: "'Conversation' means the interview",
    /// "‘Task’ means a practical exercise". A word that names a method already is left.
    fn read_definitions(&mut self, line: &str) {
        if self.named.len() >= 20 {
            return;
        }
        for (quote, close) in [('\'', '\''), ('‘', '’'), ('"', '"'), ('“', '”')] {
            let mut rest = line;
            while let Some(open) = rest.find(quote) {
                let after = &rest[open + quote.len_utf8()..];
                let Some(end) = after.find(close) else { break };
                let word = after[..end].trim();
                let tail = after[end + close.len_utf8()..].trim_start();
                rest = &after[end + close.len_utf8()..];
                let Some(meaning) = tail.strip_prefix("means ") else {
                    continue;
                };
                let meaning = meaning.split(['.', ';', ',']).next().unwrap_or("");
                let single = !word.is_empty()
                    && word.len() <= 20
                    && word.chars().all(|c| c.is_alphabetic() || c == '-');
                let methods = phrase(meaning);
                if single && words(word).is_empty() && !methods.is_empty() {
                    self.named.insert(word.to_lowercase(), methods);
                }
            }
        }
    }

    /// Reads a key line; true when it defined at least two codes (the line is a key, not
    /// a criterion).
    pub fn read_key(&mut self, line: &str) -> bool {
        self.read_definitions(line);
        let mut pairs = key_pairs(line);
        if pairs.len() < 2 {
            pairs = listed_pairs(line);
        }
        // A key to symbols ("📝 application form · 💬 interview") is read like one of codes.
        if pairs.len() < 2 {
            pairs = super::icons::key_pairs(line);
        }
        if pairs.len() < 2 {
            return false;
        }
        let mut defined = 0;
        // Category prefixes are kept apart and do not make the line a key of methods.
        let named: Vec<(String, String)> = pairs
            .iter()
            .filter_map(|(code, meaning)| {
                Some((code.to_ascii_uppercase(), category_meaning(meaning)?))
            })
            .collect();
        if named.len() >= 2 {
            self.categories.extend(named);
        }
        for (code, meaning) in &pairs {
            // "C = certificates (originals to be brought to interview)", "T = practical
            // task on the interview day": asides and timings name no method.
            let mut methods = phrase(&without_asides(meaning));
            // "S = student guidance session (a 15-minute observed careers conversation)":
            // when the words outside the brackets name no method, the aside explains it.
            if methods.is_empty() {
                methods = phrase(meaning);
            }
            let lower = meaning.to_lowercase();
            if lower.starts_with("essential") || lower.starts_with("desirable") {
                defined += 1;
                continue;
            }
            if !methods.is_empty() {
                self.defined.insert(code.to_ascii_uppercase(), methods);
                defined += 1;
            }
        }
        defined >= 2
    }
}

/// Text less its bracketed asides (nested): what a key's meaning says without "(originals
/// to be brought to interview)".
pub fn without_asides(text: &str) -> String {
    let mut plain = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    plain
}

/// `(CODE, meaning)` pairs of a key line: `A = Application form, I = Interview`,
/// `A – Application form; I – Interview`, `AF = Application form I = Interview`.
pub fn key_pairs(line: &str) -> Vec<(String, String)> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    // A line headed as a key ("Key: App – application form; Int – interview") may join a
    // short-word code to its meaning with a dash too.
    let headed_key = line.trim_start().to_lowercase().starts_with("key");
    // (start of code, end of separator, code)
    let mut marks: Vec<(usize, usize, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let boundary = i == 0 || !chars[i - 1].1.is_alphanumeric();
        // A code written as a short word ("App = application, Int = interview, Ex =
        // exercise"): a capital, one to three small letters, then "=" (only "=": "Hours –
        // 22" and "Grade: Band 3" are details, not a key).
        // A stage number ("1 = application form; 2 = practical assessment; 3 =
        // interview"): only with "=" (a numbered list's "1 – …" is no key).
        if boundary && c.is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && chars[j].1.is_ascii_digit() {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() && chars[k].1 == ' ' {
                k += 1;
            }
            if j - i <= 2 && chars.get(k).is_some_and(|&(_, c)| c == '=') {
                let mut m = k + 1;
                while m < chars.len() && chars[m].1 == ' ' {
                    m += 1;
                }
                if m < chars.len() {
                    let code: String = chars[i..j].iter().map(|&(_, c)| c).collect();
                    marks.push((start, chars[m].0, code));
                    i = m;
                    continue;
                }
            }
        }
        // A lower-case letter as a stage's code ("a = CV and supporting statement; b =
        // panel interview"): only with "=", a letter standing alone.
        if boundary && c.is_ascii_lowercase() {
            let alone = chars.get(i + 1).is_none_or(|&(_, n)| !n.is_alphanumeric());
            let mut k = i + 1;
            while k < chars.len() && chars[k].1 == ' ' {
                k += 1;
            }
            if alone && chars.get(k).is_some_and(|&(_, c)| c == '=') {
                let mut m = k + 1;
                while m < chars.len() && chars[m].1 == ' ' {
                    m += 1;
                }
                if m < chars.len() {
                    marks.push((start, chars[m].0, c.to_string()));
                    i = m;
                    continue;
                }
            }
        }
        if boundary && c.is_ascii_uppercase() {
            let mut j = i + 1;
            while j < chars.len() && chars[j].1.is_ascii_lowercase() {
                j += 1;
            }
            let mut k = j;
            while k < chars.len() && chars[k].1 == ' ' {
                k += 1;
            }
            let joins = |c: char| c == '=' || headed_key && matches!(c, '–' | '—' | '-');
            if (2..=4).contains(&(j - i)) && chars.get(k).is_some_and(|&(_, c)| joins(c)) {
                let mut m = k + 1;
                while m < chars.len() && chars[m].1 == ' ' {
                    m += 1;
                }
                if m < chars.len() {
                    let code: String = chars[i..j].iter().map(|&(_, c)| c).collect();
                    marks.push((start, chars[m].0, code));
                    i = m;
                    continue;
                }
            }
        }
        if boundary && c.is_ascii_uppercase() {
            let mut j = i;
            while j < chars.len() && (chars[j].1.is_ascii_uppercase() || chars[j].1 == '/') {
                j += 1;
            }
            // A numbered stage code: "S1 – application form; S2 – practical assessment".
            let letters_end = j;
            while j < chars.len() && j - letters_end < 2 && chars[j].1.is_ascii_digit() {
                j += 1;
            }
            let code: String = chars[i..j].iter().map(|&(_, c)| c).collect();
            let word_end = j >= chars.len() || !chars[j].1.is_alphanumeric();
            if word_end && code.len() <= 4 && !code.ends_with('/') {
                let mut k = j;
                while k < chars.len() && chars[k].1 == ' ' {
                    k += 1;
                }
                if k < chars.len() && matches!(chars[k].1, '=' | '–' | '—' | ':' | '-') {
                    let sep = chars[k].1;
                    let mut m = k + 1;
                    while m < chars.len() && chars[m].1 == ' ' {
                        m += 1;
                    }
                    // "A-level" is a word, not a key: a hyphen needs spaces around it.
                    let spaced = sep != '-' || (k > j && m > k + 1);
                    if spaced && m < chars.len() {
                        marks.push((start, chars[m].0, code));
                        i = m;
                        continue;
                    }
                }
            }
            i = j.max(i + 1);
            continue;
        }
        i += 1;
    }
    let mut pairs = Vec::new();
    for (n, (_, value_start, code)) in marks.iter().enumerate() {
        let end = marks.get(n + 1).map(|m| m.0).unwrap_or(line.len());
        let meaning = line[*value_start..end]
            .trim()
            .trim_end_matches([',', ';', '.', '|'])
            .trim();
        pairs.push((code.clone(), meaning.to_string()));
    }
    pairs
}

/// `(CODE, meaning)` pairs of a key that lists its codes without a sign between code and
/// meaning, the entries set apart by a middle dot, bullet, semicolon, comma or bar: "Key to
/// assessment: AF Application form · IV Interview · TT Technical test". A label before a
/// colon is not an entry. Every entry must be a code (one to four capitals) and a meaning
/// in words; otherwise the line is no key (`[]`).
fn listed_pairs(line: &str) -> Vec<(String, String)> {
    let body = line.rsplit_once(':').map_or(line, |(_, rest)| rest);
    let pairs = listed_pairs_in(body);
    if !pairs.is_empty() {
        return pairs;
    }
    // "… the codes after 'Method:' are AP application form, IV interview, …": the key
    // after its sentence's verb.
    body.rsplit_once(" are ")
        .map(|(_, key)| listed_pairs_in(key))
        .unwrap_or_default()
}

/// The pairs of a listed key's body (see [`listed_pairs`]).
fn listed_pairs_in(body: &str) -> Vec<(String, String)> {
    // A key in brackets ends with its sentence: what follows is other guidance.
    let body = if body.trim_start().starts_with('[') {
        body.split_once(". ").map_or(body, |(key, _)| key)
    } else {
        body
    };
    let mut pairs = Vec::new();
    // Entries set apart by a middle dot, bullet or bar may hold commas of their own ("IE
    // inspection exercise (photographs, with a short report)").
    let strong: &[char] = &['·', '•', '|'];
    let separators: &[char] = if body.contains(strong) {
        strong
    } else {
        &['·', '•', ';', ',', '|']
    };
    for entry in body.split(separators) {
        let entry = entry.trim().trim_end_matches('.');
        if entry.is_empty() {
            continue;
        }
        let Some((code, meaning)) = entry.split_once(' ') else {
            return Vec::new();
        };
        let meaning = meaning.trim();
        // "[A] application form, [I] interview": a code may be printed in brackets, as
        // it is beside each criterion.
        let code = code
            .strip_prefix('[')
            .and_then(|c| c.strip_suffix(']'))
            .unwrap_or(code);
        let is_code = (1..=4).contains(&code.len()) && code.chars().all(|c| c.is_ascii_uppercase());
        if !is_code || !meaning.starts_with(|c: char| c.is_alphabetic()) {
            return Vec::new();
        }
        pairs.push((code.to_string(), meaning.to_string()));
    }
    pairs
}

/// The methods named in words: application form / CV / statement / shortlisting / sift →
/// application; interview; test / exercise / task / observation / assessment → test;
/// presentation; certificates / documents / registration check / references → documents.
pub fn words(text: &str) -> Vec<Method> {
    let lower = text.to_lowercase();
    let has = |w: &str| lower.contains(w);
    let mut out = Vec::new();
    if has("application")
        || has("shortlist")
        || has("sift")
        || has("statement")
        || has("cv")
            && lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word == "cv")
        || has("form")
            && !has("perform")
            && !has("format")
            && !has("inform")
            && !has("platform")
            // "Formal interview" names no application form.
            && lower
                .split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "form" || w == "forms")
        // An agency's "candidate summary" sent with the CV is the application.
        || has("candidate summary")
    {
        out.push(Method::Application);
    }
    if has("test")
        || has("exercise")
        || has("situational judgement")
        || has("situational judgment")
        || has("task")
        || has("observation")
        || has("observed")
        || has("assessment centre")
        || has("assessment day")
        || has("competency assessment")
        || has("practical")
        || has("scenario")
        || has("in-tray")
        || has("activity")
        || has("language assessment")
        || has("role play")
        || has("role-play")
        // A written scenario worked through for the panel is a test of the skill.
        || has("case study")
        // "Foot-health case vignette": a written clinical scenario worked through.
        || has("vignette")
        // A taught session watched by the panel, and an assessment sat online or on paper.
        || has("micro-teach")
        || has("microteach")
        || has("micro teach")
        // "Micro-training session": a short session delivered to the panel, as a
        // micro-teach is.
        || has("micro-train")
        || has("microtrain")
        || has("micro train")
        // An aptitude stage ("Aptitude (online call-handling and typing tests)") is a
        // test; "an aptitude for figures" is a quality, not a method.
        || has("aptitude") && !has("aptitude for")
        || has("online assessment")
        || has("written assessment")
        || lower.trim() == "assessment"
    {
        out.push(Method::Test);
    }
    if has("interview") {
        out.push(Method::Interview);
    }
    // "Ten-minute talk at interview", "give a short talk": a presentation by another name
    // ("talk to residents" is no method).
    if has("presentation")
        || has("minute talk")
        || has("give a talk")
        || has("short talk")
        || lower.trim() == "talk"
    {
        out.push(Method::Presentation);
    }
    if has("certificate")
        || has("document")
        || has("registration check")
        || has("reference")
        || has("proof")
        || has("qualification check")
        || has("sight of")
    {
        out.push(Method::Documents);
    }
    sort(out)
}

/// The methods a phrase names, less an interview that only says when documents are seen
/// or a test or presentation is done: "C – certificate to be produced at interview",
/// "Application – please bring certificates to interview" (application and documents),
/// "SJ – situational judgement questionnaire completed at interview" (test).
pub fn phrase(text: &str) -> Vec<Method> {
    // "Presentation to the interview panel": the panel says who watches, not how.
    let mut plain = text
        .to_lowercase()
        .replace("interview day", "day")
        .replace("interview panel", "panel");
    // "Interview, including a short role-play call": a role-play or scenario inside the
    // interview is the interview's own questioning, not a test apart.
    if let Some((head, tail)) = plain.split_once(", including ") {
        let acted = ["role-play", "role play", "scenario"]
            .iter()
            .any(|w| tail.contains(w));
        if acted && words(head) == [Method::Interview] && words(tail) == [Method::Test] {
            plain = head.to_string();
        }
    }
    // "Situational judgement questionnaire completed at interview", "certificates seen at
    // interview": a test, a presentation or documents say how; the interview only when.
    let named = words(&plain);
    if [Method::Documents, Method::Test, Method::Presentation]
        .iter()
        .any(|m| named.contains(m))
    {
        for when in [
            // "T – written test on the day of interview": when the test is sat.
            "on the day of the interview",
            "on the day of interview",
            "completed at the interview",
            "completed at interview",
            "during the interview",
            "at the interview",
            "at interview",
            "to the interview",
            "to interview",
        ] {
            plain = plain.replace(when, "");
        }
    }
    words(&plain)
}

/// A method cell's words less an interview that only says when a presentation, test or
/// documents come: "Short presentation at interview" is a presentation. An interview joined
/// to the others ("Application form and at interview", "Test, at interview") is one.
pub(super) fn without_interview_timing(text: &str) -> String {
    // A cell's words may be broken over lines ("certificate seen at" / "interview").
    let mut plain = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let named = words(&plain);
    if ![Method::Documents, Method::Test, Method::Presentation]
        .iter()
        .any(|m| named.contains(m))
    {
        return plain;
    }
    for when in ["at the interview", "at interview", "during the interview"] {
        let Some(at) = plain.find(when) else {
            continue;
        };
        let before = plain[..at].trim_end();
        let joined = before.is_empty()
            || before.ends_with([',', ';', '/', '&', '+'])
            || before.ends_with(" and")
            || before.ends_with(" or")
            || before.ends_with(" then");
        if !joined {
            plain.replace_range(at..at + when.len(), "");
        }
    }
    plain
}

/// A method cell: codes ("A, I", "AF / INT") or words ("Application / Interview").
pub fn cell(text: &str, codes: &Codes) -> Vec<Method> {
    // Symbols a key defines ("📝 🛠"): each stands for what the key says.
    if let Some(symbols) = super::icons::only(text) {
        let found: Vec<Method> = symbols
            .iter()
            .flat_map(|s| codes.lookup(s).unwrap_or_default())
            .collect();
        return sort(found);
    }
    let tokens: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.is_empty() {
        return Vec::new();
    }
    // Codes in capitals ("AF, INT") or as short words ("App, Int") when a key or the
    // usual defaults define every one of them.
    let code_like = |t: &str| {
        let mut chars = t.chars();
        let first = chars.next().is_some_and(|c| c.is_ascii_uppercase());
        let rest: Vec<char> = chars.collect();
        let capitals = rest.iter().all(|c| c.is_ascii_uppercase());
        // "S1", "S3": a numbered stage the key defines.
        let numbered = !rest.is_empty()
            && rest.iter().any(char::is_ascii_digit)
            && rest
                .iter()
                .skip_while(|c| c.is_ascii_uppercase())
                .all(char::is_ascii_digit)
            && codes.defines(t);
        let titled = (1..=3).contains(&rest.len()) && rest.iter().all(|c| c.is_ascii_lowercase());
        // A stage number the key defines ("1, 3").
        let number = t.chars().all(|c| c.is_ascii_digit()) && codes.defines(t);
        // "a, b": lower-case letters the key defines.
        let letter = t.len() == 1 && t.chars().all(|c| c.is_ascii_lowercase()) && codes.defines(t);
        number || letter || t.len() <= 5 && first && (capitals || titled || numbered)
    };
    let all_codes = tokens.iter().all(|t| code_like(t) && codes.is_code(t));
    if all_codes {
        let mut out = Vec::new();
        for t in tokens {
            out.extend(codes.lookup(t).unwrap_or_default());
        }
        return sort(out);
    }
    let mut out = words(&without_interview_timing(text));
    // In a method column a charity's plain words name the stages too: "Chat with us" (the
    // interview), "Trial morning in the shop" (a work trial watched by the panel).
    let lower = text.to_lowercase();
    let words_of: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    if words_of.contains(&"chat") && !out.contains(&Method::Interview) {
        out.push(Method::Interview);
    }
    if words_of.iter().any(|w| matches!(*w, "trial" | "trials")) && !out.contains(&Method::Test) {
        out.push(Method::Test);
    }
    // Words the document defined as methods ("Application and conversation").
    out.extend(codes.named_in(text));
    // Codes mixed with words ("A, I and scenario exercise"); "A" before a word in lower
    // case is the article ("A case study exercise").
    for (i, t) in tokens.iter().enumerate() {
        let article = *t == "A"
            && tokens
                .get(i + 1)
                .is_some_and(|next| next.starts_with(|c: char| c.is_lowercase()));
        if !article && t.len() <= 4 && t.chars().all(|c| c.is_ascii_uppercase()) {
            if let Some(found) = codes.lookup(t) {
                out.extend(found);
            }
        }
    }
    sort(out)
}

/// Each method once, in `Method::ALL` order.
pub fn sort(methods: Vec<Method>) -> Vec<Method> {
    Method::ALL
        .iter()
        .copied()
        .filter(|m| methods.contains(m))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dotted_key_whose_meanings_hold_commas() {
        let mut codes = Codes::default();
        assert!(codes.read_key(
            "Codes: AF application form · IV interview · IE inspection exercise (photographs \
             of a property, with a short written report) · QC qualification certificates checked."
        ));
        assert_eq!(codes.lookup("IE"), Some(vec![Method::Test]));
        assert_eq!(codes.lookup("QC"), Some(vec![Method::Documents]));
    }

    #[test]
    fn a_charitys_plain_stage_words_in_a_method_cell() {
        let codes = Codes::default();
        assert_eq!(
            cell("Your application & chat with us", &codes),
            vec![Method::Application, Method::Interview]
        );
        assert_eq!(
            cell("Chat with us & trial morning in the shop", &codes),
            vec![Method::Test, Method::Interview]
        );
        // In prose, an informal chat is no interview.
        assert!(!words("For an informal chat, ring Priya").contains(&Method::Interview));
    }
    use Method::*;

    #[test]
    fn a_micro_training_session_is_a_test() {
        assert_eq!(
            words("Application, Interview, Micro-training session"),
            vec![Method::Application, Method::Test, Method::Interview]
        );
        assert_eq!(words("Microsoft Office skills check"), Vec::<Method>::new());
    }

    #[test]
    fn a_headed_key_joins_short_word_codes_with_dashes() {
        let mut codes = Codes::default();
        assert!(
            codes.read_key("Key: App – application form; Int – interview; Doc – certificate seen.")
        );
        assert_eq!(codes.lookup("Int"), Some(vec![Method::Interview]));
        // Stage numbers keyed with "=" stand for their stages in a method cell.
        let mut stages = Codes::default();
        assert!(stages.read_key(
            "Assessment stages: 1 = application form; 2 = practical assessment; 3 = interview."
        ));
        assert_eq!(
            cell("1, 3", &stages),
            vec![Method::Application, Method::Interview]
        );
        assert_eq!(cell("2", &stages), vec![Method::Test]);
        // Without "Key", "Hours – 37" is a detail, not a code.
        let mut details = Codes::default();
        assert!(!details.read_key("Hours – 37; Band – 5; Base – Leeds"));
    }

    #[test]
    fn numbered_stage_codes_from_a_key() {
        let mut codes = Codes::default();
        assert!(codes.read_key(
            "Stage key: S1 – application form; S2 – practical assessment (a testing task); S3 – interview."
        ));
        assert_eq!(cell("S1, S3", &codes), vec![Application, Interview]);
        assert_eq!(cell("S2", &codes), vec![Test]);
        // Undefined numbered codes name nothing.
        assert_eq!(cell("S7", &codes), Vec::<Method>::new());
        let mut codes = Codes::default();
        assert!(codes.read_key(
            "Assessment stage key: a = CV and supporting statement; b = panel interview; c = practical task on the interview day; d = sight of certificates."
        ));
        assert_eq!(cell("a, d", &codes), vec![Application, Documents]);
        assert_eq!(cell("c", &codes), vec![Test]);
        // Letters in running words are no key.
        assert!(!Codes::default().read_key("a tidy desk and a good eye = a great clerk"));
        let mut codes = Codes::default();
        assert!(codes.read_key(
            "How to read this list: the codes after 'Method:' are AP application form, IV interview, PT practical test (chapel set-up), CE certificates seen."
        ));
        assert_eq!(cell("AP, PT", &codes), vec![Application, Test]);
        assert_eq!(cell("CE", &codes), vec![Documents]);
    }

    #[test]
    fn a_key_gives_reference_prefixes_their_categories() {
        let mut codes = Codes::default();
        codes.read_key(
            "References are coded by section: QT = Qualifications and training; EX = Experience; \
             OR = Other requirements. Method: AF = application form, I = interview.",
        );
        assert_eq!(codes.category("QT1"), Some("Qualifications and training"));
        assert_eq!(codes.category("OR12"), Some("Other requirements"));
        // Not a reference: no number after the prefix; a prefix the key does not give.
        assert_eq!(codes.category("QT"), None);
        assert_eq!(codes.category("KS1"), None);
        // The method codes still read.
        assert_eq!(codes.lookup("AF"), Some(vec![Method::Application]));
        let mut letters = Codes::default();
        letters.read_key("Q – Qualifications; E – Experience; S – Skills and abilities");
        assert_eq!(letters.category("E2"), Some("Experience"));
    }

    #[test]
    fn an_interview_that_only_says_when_is_no_method() {
        let codes = Codes::default();
        assert_eq!(
            cell("Short presentation at interview", &codes),
            vec![Presentation]
        );
        assert_eq!(
            cell("Application form and at interview", &codes),
            vec![Application, Interview]
        );
        assert_eq!(cell("Test, at interview", &codes), vec![Test, Interview]);
    }

    #[test]
    fn an_article_is_no_code() {
        let codes = Codes::default();
        assert_eq!(cell("A case study exercise", &codes), vec![Test]);
        assert_eq!(
            cell("A, I and scenario exercise", &codes),
            vec![Application, Test, Interview]
        );
    }

    #[test]
    fn key_lines_define_codes() {
        let mut codes = Codes::default();
        assert!(
            codes.read_key("Method of assessment: A = Application form, I = Interview, T = Test")
        );
        assert_eq!(codes.lookup("T"), Some(vec![Test]));
        let mut codes = Codes::default();
        assert!(codes.read_key("AF = Application form I = Interview T = Test"));
        assert_eq!(codes.lookup("AF"), Some(vec![Application]));
        let mut codes = Codes::default();
        assert!(codes.read_key(
            "A – Application form; I – Interview; R – References; C – Certificate / registration check"
        ));
        assert_eq!(codes.lookup("C"), Some(vec![Documents]));
        assert!(!Codes::default().read_key("Experience of A-level teaching"));
        // Bracketed codes, the key's sentence followed by other guidance.
        let mut codes = Codes::default();
        assert!(codes.read_key(
            "Assessed by: [A] application form, [R] role-play with an actor, [C] certificate \
             check. Examples under a criterion are only examples, not requirements."
        ));
        assert_eq!(codes.lookup("R"), Some(vec![Test]));
        assert_eq!(codes.lookup("C"), Some(vec![Documents]));
        let mut codes = Codes::default();
        assert!(codes.read_key(
            "Assessed by: AF Application form · IV Panel interview · WE Written exercise"
        ));
        assert_eq!(codes.lookup("IV"), Some(vec![Interview]));
        assert_eq!(codes.lookup("WE"), Some(vec![Test]));
        assert!(!Codes::default().read_key("Good IT skills, including Excel; MS Office"));
        assert!(!Codes::default().read_key("UK driving licence · DBS check"));
        // A word the document defines as a method.
        let mut defined = Codes::default();
        assert!(!defined.read_key(
            "Everything is essential. 'Conversation' means the interview; the task is short."
        ));
        assert_eq!(
            cell("Application and conversation", &defined),
            vec![Method::Application, Method::Interview]
        );
        // An aside that alone says what the code is.
        let mut explained = Codes::default();
        assert!(explained.read_key(
            "A = application form; I = interview; S = student session (a short observed \
             conversation with a pupil)"
        ));
        assert_eq!(explained.lookup("S"), Some(vec![Method::Test]));
        // "On the day of interview" says when a test is sat, not that it is an interview.
        let mut timed = Codes::default();
        assert!(timed.read_key(
            "Key: AF = application form; INT = interview; WT = written test on the day of interview"
        ));
        assert_eq!(timed.lookup("WT"), Some(vec![Method::Test]));
        // Codes written as short words, defined with "=".
        let mut titled = Codes::default();
        assert!(titled.read_key(
            "Assessed by: App = application, Int = interview, Ex = practical computer exercise."
        ));
        assert_eq!(
            cell("App, Int", &titled),
            vec![Method::Application, Method::Interview]
        );
        assert_eq!(cell("Ex", &titled), vec![Method::Test]);
        // A detail line with a colon or dash is no key; a word is no code in a cell.
        assert!(!Codes::default().read_key("Hours – 22 a week; Grade: Band 3"));
        assert_eq!(cell("Test", &Codes::default()), vec![Method::Test]);
    }

    #[test]
    fn documents_seen_at_interview_are_not_an_interview() {
        assert_eq!(
            phrase("Application form; bring your certificates to the interview"),
            vec![Application, Documents]
        );
        assert_eq!(
            phrase("CV – certificates checked at interview"),
            vec![Application, Documents]
        );
        assert_eq!(phrase("Interview and work sample"), vec![Interview]);
        assert_eq!(
            phrase("Interview, including a short role-play call"),
            vec![Interview]
        );
        assert_eq!(
            phrase("Interview, including a presentation"),
            vec![Interview, Presentation]
        );
        assert_eq!(
            phrase("Situational judgement questions completed at interview"),
            vec![Test]
        );
        assert_eq!(
            phrase("Presentation to the interview panel"),
            vec![Presentation]
        );
        assert_eq!(phrase("Interview"), vec![Interview]);
        assert_eq!(phrase("Ten-minute talk at interview"), vec![Presentation]);
        assert_eq!(words("Able to talk to residents"), Vec::<Method>::new());
        assert_eq!(
            phrase("Sight of your licence or registration"),
            vec![Documents]
        );
    }

    #[test]
    fn method_cells_read_codes_and_words() {
        let codes = Codes::default();
        assert_eq!(cell("A, I", &codes), vec![Application, Interview]);
        assert_eq!(
            cell(
                "Application form / NMC registration check / Certificates",
                &codes
            ),
            vec![Application, Documents]
        );
        assert_eq!(
            cell("Interview and scenario exercise", &codes),
            vec![Test, Interview]
        );
        assert_eq!(
            cell("Shortlisting & Interview", &codes),
            vec![Application, Interview]
        );
        assert_eq!(cell("—", &codes), Vec::<Method>::new());
    }

    #[test]
    fn a_micro_teach_and_an_online_assessment_are_tests() {
        assert_eq!(words("Micro-teach"), vec![Test]);
        assert_eq!(
            words("Online assessment / Interview"),
            vec![Test, Interview]
        );
        assert_eq!(words("Method of assessment"), Vec::<Method>::new());
    }

    #[test]
    fn an_aptitude_stage_is_a_test_and_an_aptitude_for_something_is_not() {
        assert_eq!(words("Aptitude, Interview"), vec![Test, Interview]);
        assert_eq!(words("An aptitude for figures"), Vec::<Method>::new());
    }

    #[test]
    fn a_case_study_is_a_test() {
        assert_eq!(
            words("Interview and a short case study"),
            vec![Test, Interview]
        );
    }
}
