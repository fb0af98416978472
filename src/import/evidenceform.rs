//! An application form whose only person specification is its evidence part: one block
//! per criterion – a label giving its number and requirement ("Criterion 3 (Essential)",
//! "Point 4 – Desirable"), the criterion's text, and an empty answer box with a word
//! limit ("Your example (no more than 150 words):", "Your answer (0 of 200 words used)")
//! – under category headings, among blank form sections (personal details, employment
//! history, referees) that are no criteria.
//!
//! A reader takes the label as the requirement, the heading over the blocks as the
//! category and the text as the criterion; the answer box is the application (the
//! candidate's written answer is what is shortlisted). The other methods come from a line
//! in the block ("How this will be assessed: your answer; interview"), or, for a block
//! without one, from the part's introduction, whose sentences name the methods for all
//! points or, naming point numbers ("certificates for points 1 to 3"), for those only. A
//! criterion with no answer box (one assessed only by an exercise or at interview) gets
//! only the methods its own line names.
//!
//! The text form of such a form is rewritten so it reads as any other specification: the
//! blocks (and the category headings right over them) are moved, where the first of them
//! was printed, into one "Person specification" section – one list per category, each
//! item marked "(essential)" / "(desirable)" with its methods in brackets. The rest of
//! the form stays as printed: its eligibility questions and declarations are read as
//! conditions, and an unscored extra question under a heading of its own is left where
//! it was, outside the section.
//!
//! Only such a form is rewritten: at least [`MIN_BLOCKS`] labelled blocks, at least
//! [`MIN_BOXES`] of them with an answer box and at least half of them. Linear in the text.

use std::borrow::Cow;

use super::blocks::tagless;
use super::conditions::sentences;
use super::methods;
use crate::domain::Method;

/// How many labelled criterion blocks make an evidence form.
const MIN_BLOCKS: usize = 3;

/// How many answer boxes make an evidence form (a label without a box is a list item).
const MIN_BOXES: usize = 2;

/// The most words in an answer box's prompt or an assessment line's label.
const MAX_PROMPT_WORDS: usize = 15;

/// The longest word before a label's number ("Criterion", "Requirement").
const MAX_LABEL_WORD: usize = 12;

/// The largest point number read.
const MAX_NUMBER: usize = 500;

/// The most sentences of the introduction read for methods.
const MAX_SENTENCES: usize = 30;

/// The most stages kept from the introduction (a real one names a handful).
const MAX_STAGES: usize = 50;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Level {
    Essential,
    Desirable,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Essential => "essential",
            Level::Desirable => "desirable",
        }
    }
}

/// A label line: the word before the number (lower case), the number, the requirement
/// and the text printed after the label in the same row (a Word table's second cell).
struct Label {
    word: String,
    number: usize,
    level: Level,
    rest: String,
}

/// One criterion's block.
struct Block {
    number: usize,
    level: Level,
    text: String,
    category: Option<String>,
    /// Whether it has an answer box.
    boxed: bool,
    /// The methods its own assessment line names (`None` when it has none).
    assessed: Option<Vec<Method>>,
}

/// The text with an evidence form's criterion blocks rewritten as a specification (see
/// the module's comment); the text as it is when it is no such form.
pub fn gathered(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.lines().collect();
    let labels: Vec<Option<Label>> = lines.iter().map(|l| label(l)).collect();
    if labels.iter().flatten().count() < MIN_BLOCKS {
        return Cow::Borrowed(text);
    }
    let mut moved = vec![false; lines.len()];
    let mut blocks: Vec<Block> = Vec::new();
    // Where the first block's section begins (its category heading, or its label).
    let mut first: Option<usize> = None;
    let mut category: Option<String> = None;
    // The last line that a block or its heading used: a heading right after it (blank
    // lines between) is the next category.
    let mut last_used: Option<usize> = None;
    let mut label_word: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let Some(found) = &labels[i] else {
            if heading(lines[i]).is_some() {
                // A heading that is not right over a block ends the category.
                category = None;
            }
            i += 1;
            continue;
        };
        if label_word.as_ref().is_some_and(|w| *w != found.word) {
            // Labels of two kinds ("Criterion 1" and "Question 1"): not one form.
            return Cow::Borrowed(text);
        }
        label_word = Some(found.word.clone());
        // The heading right over the label (only blank lines between) is its category.
        if let Some(h) = heading_over(&lines, &labels, i, last_used) {
            category = heading(lines[h]);
            moved[h] = true;
            first.get_or_insert(h);
        }
        first.get_or_insert(i);
        moved[i] = true;
        let mut block = Block {
            number: found.number,
            level: found.level,
            text: found.rest.clone(),
            category: category.clone(),
            boxed: false,
            assessed: None,
        };
        let mut j = i + 1;
        while j < lines.len() && labels[j].is_none() && heading(lines[j]).is_none() {
            let plain = tagless(lines[j]);
            if plain.is_empty() {
                moved[j] = true;
            } else if answer_box(&plain) {
                block.boxed = true;
                moved[j] = true;
            } else if let Some(methods) = assessment(&plain) {
                block.assessed = Some(methods);
                moved[j] = true;
            } else if block.text.is_empty() {
                block.text = plain;
                moved[j] = true;
            } else {
                break;
            }
            j += 1;
        }
        // Blank lines after the block stay (they part it from what follows).
        let mut end = j;
        while end > i + 1 && tagless(lines[end - 1]).is_empty() {
            moved[end - 1] = false;
            end -= 1;
        }
        last_used = Some(end - 1);
        if block.text.is_empty() {
            return Cow::Borrowed(text);
        }
        blocks.push(block);
        i = j;
    }
    let boxes = blocks.iter().filter(|b| b.boxed).count();
    let (Some(first), Some(word)) = (first, label_word) else {
        return Cow::Borrowed(text);
    };
    if blocks.len() < MIN_BLOCKS || boxes < MIN_BOXES || boxes * 2 < blocks.len() {
        return Cow::Borrowed(text);
    }
    let stages = introduction(&lines, first, &word);
    let mut out = String::with_capacity(text.len() + 256);
    for (n, line) in lines.iter().enumerate() {
        if n == first {
            render(&blocks, &stages, &mut out);
        }
        if !moved[n] {
            out.push_str(line);
            out.push('\n');
        }
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    Cow::Owned(out)
}

/// The heading right over the label at `at` – only blank lines between, and after the
/// last line a block used – that is no label itself.
fn heading_over(
    lines: &[&str],
    labels: &[Option<Label>],
    at: usize,
    last_used: Option<usize>,
) -> Option<usize> {
    let floor = last_used.map_or(0, |u| u + 1);
    let mut k = at;
    while k > floor {
        k -= 1;
        if tagless(lines[k]).is_empty() {
            continue;
        }
        return (labels[k].is_none() && heading(lines[k]).is_some()).then_some(k);
    }
    None
}

/// A Markdown heading's text ("### Experience" → "Experience").
fn heading(line: &str) -> Option<String> {
    let t = line.trim_start();
    let body = t.trim_start_matches('#');
    if body.len() == t.len() || !body.starts_with(' ') {
        return None;
    }
    let text = tagless(body).trim_matches(['*', '_']).trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// A criterion block's label: a word, a number and the requirement, in brackets or after
/// a dash or colon ("Criterion 1 (Essential)", "Point 3 – Desirable"), as a heading or a
/// row's first cell (the criterion's text may follow in the next cells).
fn label(line: &str) -> Option<Label> {
    let mut cells = line.split('\t');
    let head = tagless(cells.next()?);
    let head = head
        .trim_start_matches('#')
        .trim()
        .trim_matches(['*', '_'])
        .trim();
    let (word, rest) = head.split_once(' ')?;
    if word.is_empty()
        || word.chars().count() > MAX_LABEL_WORD
        || !word.chars().all(char::is_alphabetic)
    {
        return None;
    }
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let number: usize = rest[..digits].parse().ok()?;
    if number == 0 || number > MAX_NUMBER {
        return None;
    }
    let tail = rest[digits..].trim_start();
    let marked = tail.starts_with(['(', '–', '—', '-', ':', '|']);
    let level = tail
        .trim_matches(|c: char| "()–—-:|.*_ ".contains(c))
        .to_lowercase();
    let level = match level.as_str() {
        "essential" if marked => Level::Essential,
        "desirable" if marked => Level::Desirable,
        _ => return None,
    };
    let rest = cells.map(tagless).collect::<Vec<_>>().join(" ");
    Some(Label {
        word: word.to_lowercase(),
        number,
        level,
        rest: rest.trim().to_string(),
    })
}

/// An answer box's prompt: a short line asking for the candidate's answer with a word
/// limit ("Your example (no more than 150 words):", "Your answer (0 of 200 words used)").
fn answer_box(plain: &str) -> bool {
    let lower = plain.to_lowercase();
    plain.split_whitespace().count() <= MAX_PROMPT_WORDS
        && lower.contains("word")
        && lower.chars().any(|c| c.is_ascii_digit())
        && ["answer", "example", "evidence", "response"]
            .iter()
            .any(|w| lower.contains(w))
}

/// The methods of a block's assessment line ("How this will be assessed: your answer;
/// interview"): a short label speaking of assessing, then the methods. The candidate's
/// answer is the answer box's, and is added by the box.
fn assessment(plain: &str) -> Option<Vec<Method>> {
    let (label, body) = plain.split_once(':')?;
    let l = label.to_lowercase();
    if label.split_whitespace().count() > MAX_PROMPT_WORDS / 2 || !l.contains("assess") {
        return None;
    }
    Some(without_application(methods::phrase(body)))
}

fn without_application(mut found: Vec<Method>) -> Vec<Method> {
    found.retain(|m| *m != Method::Application);
    found
}

/// The methods one clause of the introduction names: its words, and a session the
/// panel watches ("while the manager observes") as a test.
fn clause_methods(clause: &str) -> Vec<Method> {
    let mut found = methods::phrase(clause);
    let lower = clause.to_lowercase();
    if lower.contains("observes") || lower.contains("observe ") || lower.contains("watches") {
        found.push(Method::Test);
    }
    without_application(methods::sort(found))
}

/// One stage named by the introduction: its methods and the point numbers it is for
/// (empty: all of them).
struct Stage {
    methods: Vec<Method>,
    numbers: Vec<usize>,
}

/// The stages the introduction of the evidence part names: its paragraph lines before
/// the first block back to the heading over them. Each sentence is read in clauses (at
/// ';' and ', and' / ' and '); a clause naming point numbers gives its methods to those
/// points; a clause naming numbers but no method that points back ("this is how we see
/// points 8 to 11") takes the methods of the clauses before it in the sentence.
fn introduction(lines: &[&str], first: usize, word: &str) -> Vec<Stage> {
    let mut start = first;
    while start > 0 && heading(lines[start - 1]).is_none() {
        start -= 1;
    }
    let paragraph: Vec<String> = lines[start..first]
        .iter()
        .map(|l| tagless(l))
        .filter(|l| !l.is_empty())
        .collect();
    let paragraph = paragraph.join(" ");
    let mut stages = Vec::new();
    for sentence in sentences(&paragraph).iter().take(MAX_SENTENCES) {
        let clauses: Vec<&str> = sentence
            .split(';')
            .flat_map(|part| part.split(" and "))
            .collect();
        let mut pending: Vec<Vec<Method>> = Vec::new();
        for clause in clauses {
            let found = clause_methods(clause);
            let numbers = named_numbers(clause, word);
            if numbers.is_empty() {
                pending.push(found);
                continue;
            }
            let lower = clause.trim().to_lowercase();
            let points_back = found.is_empty()
                && ["this", "that", "these", "which"]
                    .iter()
                    .any(|w| lower.starts_with(w));
            let methods = if points_back {
                pending.drain(..).flatten().collect()
            } else {
                found
            };
            stages.push(Stage {
                methods: methods::sort(methods),
                numbers,
            });
        }
        for methods in pending {
            stages.push(Stage {
                methods,
                numbers: Vec::new(),
            });
        }
    }
    stages.truncate(MAX_STAGES);
    stages
}

/// The numbers a clause names after the labels' word ("points 1 to 3", "point 4",
/// "criteria 2, 5 and 6" – the list ends at "and" here, the clauses being split there).
fn named_numbers(clause: &str, word: &str) -> Vec<usize> {
    let lower = clause.to_lowercase();
    let stem = word.strip_suffix("ion").unwrap_or(word);
    let tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        if !tokens[k].starts_with(stem) {
            k += 1;
            continue;
        }
        k += 1;
        let mut last: Option<usize> = None;
        while k < tokens.len() {
            let t = tokens[k].trim_end_matches(['.', ')', ':']);
            if let Some((a, b)) = t.split_once(['-', '–']) {
                if let (Ok(a), Ok(b)) = (a.parse::<usize>(), b.parse::<usize>()) {
                    push_range(&mut out, a, b);
                    k += 1;
                    continue;
                }
            }
            if out.len() >= MAX_NUMBER {
                break;
            }
            if let Ok(n) = t.parse::<usize>() {
                out.push(n.min(MAX_NUMBER + 1));
                last = Some(n);
            } else if t == "to" && last.is_some() {
                if let Some(Ok(b)) = tokens.get(k + 1).map(|t| t.trim_end_matches('.').parse()) {
                    push_range(&mut out, last.unwrap_or(0) + 1, b);
                    k += 2;
                    last = None;
                    continue;
                }
                break;
            } else {
                break;
            }
            k += 1;
        }
    }
    out.retain(|n| (1..=MAX_NUMBER).contains(n));
    out
}

/// Adds the numbers `a` to `b`, keeping a clause's numbers to [`MAX_NUMBER`].
fn push_range(out: &mut Vec<usize>, a: usize, b: usize) {
    if a <= b && b <= MAX_NUMBER {
        out.extend((a..=b).take(MAX_NUMBER.saturating_sub(out.len())));
    }
}

/// The specification section: one list per category, each item with its requirement
/// and methods.
fn render(blocks: &[Block], stages: &[Stage], out: &mut String) {
    out.push_str("## Person specification\n\n");
    let mut category: Option<&str> = None;
    for (n, block) in blocks.iter().enumerate() {
        let this = block.category.as_deref();
        if n == 0 || this != category {
            if n > 0 {
                out.push('\n');
            }
            if let Some(c) = this {
                out.push_str(&format!("### {c}\n\n"));
            }
            category = this;
        }
        let mut found = match &block.assessed {
            Some(m) => m.clone(),
            None => stages
                .iter()
                .filter(|s| s.numbers.is_empty() || s.numbers.contains(&block.number))
                .flat_map(|s| s.methods.iter().copied())
                .collect(),
        };
        if block.boxed {
            found.push(Method::Application);
        }
        let found = methods::sort(found);
        let assessed = if found.is_empty() {
            String::new()
        } else {
            let names: Vec<String> = found.iter().map(|m| format!("{m:?}")).collect();
            format!(" [{}]", names.join(", "))
        };
        out.push_str(&format!(
            "- {} ({}){assessed}\n",
            block.text,
            block.level.word()
        ));
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = "## Part 3 – Your evidence\n\n\
        Give an example for each point. We will talk through your answers at interview \
        and ask for the certificates for points 1 to 2.\n\n\
        ### Qualifications\n\n\
        <p><b>Point 1 – Essential</b></p>\t<p>A Level 3 qualification</p>\n\
        <p>Your example (no more than 150 words):</p>\t\n\t\n\n\
        <p><b>Point 2 – Desirable</b></p>\t<p>A first aid certificate</p>\n\
        <p>Your example (no more than 150 words):</p>\t\n\t\n\n\
        ### Experience\n\n\
        #### Point 3 (Essential)\n\nExperience of working with children\n\n\
        How this will be assessed: exercise only\n\n\
        ### And finally\n\nWhy do you want this job? (not scored)\n\n\
        ## Part 4 – Referees\n";

    #[test]
    fn an_evidence_form_becomes_a_specification() {
        let out = gathered(FORM);
        assert!(out.contains("## Person specification\n\n### Qualifications\n\n"));
        assert!(out.contains(
            "- A Level 3 qualification (essential) [Application, Interview, Documents]\n"
        ));
        assert!(out.contains(
            "- A first aid certificate (desirable) [Application, Interview, Documents]\n"
        ));
        assert!(out.contains(
            "### Experience\n\n- Experience of working with children (essential) [Test]\n"
        ));
        assert!(!out.contains("Your example"));
        assert!(out.contains("### And finally\n\nWhy do you want this job?"));
    }

    #[test]
    fn labels_without_answer_boxes_are_left_alone() {
        let list = "## Person specification\n\n#### Criterion 1 (Essential)\n\nA degree\n\n\
            #### Criterion 2 (Essential)\n\nTact\n\n#### Criterion 3 (Desirable)\n\nExcel\n";
        assert!(matches!(gathered(list), Cow::Borrowed(_)));
        assert_eq!(label("Point 12 – Desirable").map(|l| l.number), Some(12));
        assert!(label("Point 12 of the plan is essential").is_none());
        assert!(label("Step 4: Meeting the person specification").is_none());
    }

    #[test]
    fn introduction_numbers_go_to_their_points() {
        let n = named_numbers(
            "ask you to bring the certificates for points 1 to 3",
            "point",
        );
        assert_eq!(n, vec![1, 2, 3]);
        assert_eq!(named_numbers("criteria 2, 5-6", "criterion"), vec![2, 5, 6]);
        let lines = [
            "## Part D",
            "You will spend an hour in the room while the manager observes; this is how we see points 8 to 9 in practice.",
            "### Skills",
        ];
        let stages = introduction(&lines, 2, "point");
        assert_eq!(stages.len(), 1);
        assert_eq!(stages[0].numbers, vec![8, 9]);
        assert_eq!(stages[0].methods, vec![Method::Test]);
    }

    #[test]
    fn hostile_input_is_read_in_linear_time() {
        let mut text = String::new();
        for n in 0..20_000 {
            text.push_str(&format!(
                "Point {} – Essential\tx\nYour answer (200 words)\n\t\n",
                n % 999 + 1
            ));
        }
        text.push_str("points 1 to 999999999999999999999 and criteria - – ;;;\n");
        let out = gathered(&text);
        assert!(out.len() < text.len() * 2);
        assert_eq!(
            named_numbers("points 1 to 99999999999999999999999", "point"),
            vec![1]
        );
        assert!(named_numbers(&"point 1 to 500 ".repeat(10), "point").len() <= 10 * MAX_NUMBER);
    }
}
