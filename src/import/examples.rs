//! A person specification whose criteria are followed by examples: a short lead-in ("This
//! might include:", "For example:", "For instance:", "Such as supporting:", "Systems we'd
//! recognise include:") and a list of illustrations, which the specification's
//! introduction says are only examples ("the examples show the kind of thing we mean",
//! "they are only examples, not extra requirements"). Employers write this to help
//! candidates see what counts as evidence; the examples are no criteria of their own and
//! no part of the criterion they follow.
//!
//! A reader takes the criterion (the paragraph before the lead-in) as the requirement and
//! skips the lead-in and its list. The text form is rewritten so it reads as any other
//! specification: in a table cell, the lead-in paragraph and the list after it are cut
//! from the cell, leaving the criterion; in running text, the lead-in line and the list
//! lines after it are cut. A document whose criteria are then numbered paragraphs ("1.
//! Text (E) [A]", the number often typed in bold) has them made list items, so the
//! reader sees one list per category, as it would had the examples not parted them.
//!
//! Only such a document is rewritten: one whose text says the examples are illustrations
//! only, and with at least [`MIN_LEAD_INS`] lead-ins each followed by a list. Linear in
//! the text.

use std::borrow::Cow;

use super::blocks::tagless;

/// How many lead-ins followed by a list make a specification with examples.
const MIN_LEAD_INS: usize = 2;

/// The most words in a lead-in ("Systems we'd recognise include:" has four).
const MAX_LEAD_IN_WORDS: usize = 7;

/// The most words in a sentence saying the examples are illustrations.
const MAX_INTRO_WORDS: usize = 60;

/// How a lead-in begins when it introduces examples.
const LEAD_IN_STARTS: &[&str] = &[
    "for example",
    "for instance",
    "e.g.",
    "eg",
    "such as",
    "examples",
    "example",
];

/// How a lead-in ends when it introduces examples ("This might include:").
const LEAD_IN_ENDS: &[&str] = &["include", "includes", "including", "such as", "like"];

/// Words of a heading or a list of criteria, never of a lead-in to examples
/// ("Desirable criteria include:").
const NOT_LEAD_IN: &[&str] = &[
    "essential",
    "desirable",
    "criteria",
    "criterion",
    "requirement",
    "requirements",
    "duties",
    "responsibilities",
    "benefits",
];

/// What a specification's introduction says of its examples: that they illustrate and
/// are not requirements of their own.
const ILLUSTRATION_ONLY: &[&str] = &[
    "only examples",
    "just examples",
    "examples only",
    "illustrat",
    "kind of thing",
    "not extra requirements",
    "not additional requirements",
    "not requirements",
    "do not need to have",
    "don't need to have",
    "not a checklist",
    "not an exhaustive",
    "not exhaustive",
];

/// The text with the examples under criteria cut (see the module's comment); the text as
/// it is when it is not such a specification.
pub fn stripped(text: &str) -> Cow<'_, str> {
    if !says_examples_only(text) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut cut = 0;
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        // A table row: the lead-ins and lists inside its cells.
        if line.contains('\t') {
            let cells: Vec<String> = line
                .split('\t')
                .map(|cell| {
                    let (kept, n) = cell_without_examples(cell);
                    cut += n;
                    kept
                })
                .collect();
            out.push(cells.join("\t"));
            i += 1;
            continue;
        }
        if let Some(end) = examples_after(&lines, i, &out) {
            cut += 1;
            i = end;
            continue;
        }
        out.push(line.to_string());
        i += 1;
    }
    if cut < MIN_LEAD_INS {
        return Cow::Borrowed(text);
    }
    let out = numbered_as_items(out);
    let mut joined = out.join("\n");
    if text.ends_with('\n') {
        joined.push('\n');
    }
    Cow::Owned(joined)
}

/// Whether a sentence of the text says the examples are illustrations only.
fn says_examples_only(text: &str) -> bool {
    text.split(['.', '!', '?', '\n'])
        .filter(|s| s.split_whitespace().count() <= MAX_INTRO_WORDS)
        .map(|s| s.to_lowercase().replace(['’', '‘'], "'"))
        .any(|s| s.contains("example") && ILLUSTRATION_ONLY.iter().any(|p| s.contains(p)))
}

/// Whether a paragraph is a lead-in to examples: short, ending with a colon, in the
/// words employers use to introduce illustrations.
fn is_lead_in(text: &str) -> bool {
    let t = text.trim().to_lowercase().replace(['’', '‘'], "'");
    let Some(body) = t.strip_suffix(':') else {
        return false;
    };
    let body = body.trim();
    let words: Vec<&str> = body
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '.'))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || words.len() > MAX_LEAD_IN_WORDS {
        return false;
    }
    if words.iter().any(|w| NOT_LEAD_IN.contains(w)) {
        return false;
    }
    let starts = LEAD_IN_STARTS
        .iter()
        .any(|s| body == *s || body.starts_with(&format!("{s} ")));
    let ends = LEAD_IN_ENDS
        .iter()
        .any(|e| body.ends_with(&format!(" {e}")));
    starts || ends
}

/// Whether a line is a list item of the text form ("- x", "* x", "• x").
fn is_item(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ")
}

/// The line after the examples when line `i` is a lead-in following a criterion and
/// followed by a list: the lead-in, the blank lines after it and the list's lines are cut.
fn examples_after(lines: &[&str], i: usize, kept: &[String]) -> Option<usize> {
    if !is_lead_in(&tagless(lines[i])) {
        return None;
    }
    // It follows a criterion: the last line kept is text, not a heading or a lead-in.
    let before = kept.iter().rev().find(|l| !l.trim().is_empty())?;
    let before_text = tagless(before);
    if before.trim_start().starts_with('#') || before_text.trim_end().ends_with(':') {
        return None;
    }
    let mut j = i + 1;
    while j < lines.len() && lines[j].trim().is_empty() {
        j += 1;
    }
    if j >= lines.len() || !is_item(lines[j]) {
        return None;
    }
    while j < lines.len() && is_item(lines[j]) {
        j += 1;
    }
    Some(j)
}

/// A table cell with each lead-in paragraph and the list after it cut, and how many were
/// cut. A cell holding nothing but a lead-in and a list is left as it is.
fn cell_without_examples(cell: &str) -> (String, usize) {
    let mut out = String::with_capacity(cell.len());
    let mut rest = cell;
    let mut cut = 0;
    while let Some(start) = list_start(rest) {
        let (before, from) = rest.split_at(start);
        let Some(end) = list_end(from) else { break };
        // The paragraph right before the list.
        let trimmed = before.trim_end();
        let trimmed = trimmed.strip_suffix("</p>").unwrap_or(trimmed).trim_end();
        let para_start = trimmed
            .rfind("<p")
            .into_iter()
            .chain(
                trimmed
                    .rfind("<br")
                    .map(|b| b + trimmed[b..].find('>').map_or(0, |e| e + 1)),
            )
            .max()
            .unwrap_or(0);
        let lead = &trimmed[para_start..];
        let criterion = tagless(&format!("{out}{}", &before[..para_start]));
        if is_lead_in(&tagless(lead)) && !criterion.trim().is_empty() {
            out.push_str(&before[..para_start]);
            cut += 1;
        } else {
            out.push_str(before);
            out.push_str(&from[..end]);
        }
        rest = &from[end..];
    }
    out.push_str(rest);
    (out, cut)
}

/// Where the next list (`<ul` or `<ol`) in an HTML fragment begins.
fn list_start(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    [lower.find("<ul"), lower.find("<ol")]
        .into_iter()
        .flatten()
        .min()
}

/// The end of the list an HTML fragment begins with (after its closing tag, nested lists
/// counted).
fn list_end(html: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(off) = lower[at..].find('<') {
        let pos = at + off;
        let tag = &lower[pos..];
        if tag.starts_with("<ul") || tag.starts_with("<ol") {
            depth += 1;
        } else if tag.starts_with("</ul") || tag.starts_with("</ol") {
            depth = depth.checked_sub(1)?;
            if depth == 0 {
                return lower[pos..].find('>').map(|e| pos + e + 1);
            }
        }
        at = pos + 1;
    }
    None
}

/// The number of a numbered paragraph ("1. Text", "<b>1.</b> Text") and its text.
fn numbered(line: &str) -> Option<String> {
    let t = line.trim();
    let (num, rest) = if let Some(r) = t.strip_prefix("<b>").or_else(|| t.strip_prefix("<strong>"))
    {
        let close = r.find("</")?;
        let (num, after) = r.split_at(close);
        (num.trim(), after[after.find('>')? + 1..].trim_start())
    } else {
        let dot = t.find(". ")?;
        (&t[..dot + 1], t[dot + 1..].trim_start())
    };
    let digits = num.strip_suffix('.').or_else(|| num.strip_suffix(')'))?;
    if digits.is_empty() || digits.len() > 3 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    (!rest.is_empty()).then(|| rest.to_string())
}

/// Numbered criterion paragraphs made list items, when most paragraphs under the
/// specification's headings are numbered: with the examples cut they are one list per
/// category, which is how the reader expects criteria under a heading.
fn numbered_as_items(lines: Vec<String>) -> Vec<String> {
    let count = lines.iter().filter(|l| numbered(l).is_some()).count();
    if count < MIN_LEAD_INS {
        return lines;
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        match numbered(&line) {
            Some(rest) => {
                // Consecutive items: drop the blank line between two numbered paragraphs.
                if out.last().is_some_and(|l: &String| l.trim().is_empty())
                    && out
                        .iter()
                        .rev()
                        .nth(1)
                        .is_some_and(|l: &String| l.starts_with("- "))
                {
                    out.pop();
                }
                out.push(format!("- {rest}"));
            }
            None => out.push(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "## Person specification\n\n\
        Some criteria have examples: they show the kind of thing we mean.\n\n\
        <b>Criteria</b>\t<b>Essential or desirable</b>\t<b>Assessed by</b>\n\
        <strong>Experience</strong>\t\n\
        <p>Experience of running events</p><p>This might include:</p><ul><li>fairs</li><li>fun runs</li></ul>\tEssential\tInterview\n\
        Experience of budgets\tDesirable\tApplication form\n\
        <p>Able to use spreadsheets</p><p>For example:</p><ul><li>Excel</li></ul>\tEssential\tTest\n";

    #[test]
    fn examples_in_table_cells_are_cut() {
        let out = stripped(TABLE);
        assert!(out.contains("<p>Experience of running events</p>\tEssential\tInterview\n"));
        assert!(out.contains("<p>Able to use spreadsheets</p>\tEssential\tTest\n"));
        assert!(!out.contains("fun runs"));
        assert!(!out.contains("might include"));
        assert!(out.contains("Experience of budgets\tDesirable"));
    }

    #[test]
    fn examples_under_numbered_paragraphs_are_cut_and_the_paragraphs_listed() {
        let text = "## Person specification\n\n\
            Where we give examples they are only examples, not extra requirements.\n\n\
            ### Experience\n\n\
            <b>1.</b> Experience of care work (E) [A]\n\n\
            For instance:\n\n\
            - home care\n\
            - residential care\n\
            <b>2.</b> Experience of teams (D) [I]\n\n\
            ### Skills\n\n\
            <b>3.</b> Good listener (E) [I]\n\n\
            Such as supporting:\n\n\
            - carers\n\
            ### Other\n";
        let out = stripped(text);
        assert!(out.contains(
            "### Experience\n\n- Experience of care work (E) [A]\n- Experience of teams (D) [I]\n"
        ));
        assert!(out.contains("### Skills\n\n- Good listener (E) [I]\n\n### Other"));
        assert!(!out.contains("home care"));
        assert!(!out.contains("For instance"));
    }

    #[test]
    fn lead_ins_are_told_from_criteria() {
        assert!(is_lead_in("This might include:"));
        assert!(is_lead_in("For example:"));
        assert!(is_lead_in("Systems we’d recognise include:"));
        assert!(is_lead_in("Such as supporting:"));
        assert!(!is_lead_in("Desirable criteria include:"));
        assert!(!is_lead_in("You will need:"));
        assert!(!is_lead_in("For example, running a workshop"));
    }

    #[test]
    fn without_an_introduction_saying_they_are_examples_nothing_changes() {
        let text = TABLE.replace(": they show the kind of thing we mean.", ".");
        assert!(matches!(stripped(&text), Cow::Borrowed(_)));
    }

    #[test]
    fn a_single_lead_in_changes_nothing() {
        let text = "Examples are only examples.\n\n- Experience of care (E)\n\nFor example:\n\n- home care\n- Driving (D)\n";
        assert!(matches!(stripped(text), Cow::Borrowed(_)));
    }
}
