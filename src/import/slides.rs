//! A candidate briefing slide deck: every slide opens with its number ("Slide 4 of 9 ·
//! Who we're looking for – Experience"), and one specification runs over several slides,
//! continued ("(2 of 2)", "(continued)") or one category a slide. The text form of such a
//! deck is rewritten so the specification reads as one: the slide numbers go, a title
//! repeated from the slide before (a continuation) goes, and a title that joins the
//! specification's heading to a category ("Who we're looking for – Skills") becomes the
//! heading, once, with the category as a heading under it.
//!
//! Only a deck is rewritten: at least [`MIN_SLIDES`] lines must open with a slide number.
//! A dropped title leaves an empty line; only the first title joining the heading to a
//! category adds two lines (the heading, a blank). Linear in the text.

use std::borrow::Cow;

/// How many slide titles make a document a deck.
const MIN_SLIDES: usize = 3;

/// The text with a slide deck's titles rewritten (see the module's comment); the text as
/// it is when it is not a deck.
pub fn unslid(text: &str) -> Cow<'_, str> {
    let slides = text.lines().filter(|l| slide_title(l).is_some()).count();
    if slides < MIN_SLIDES {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    // The previous slide's title: its specification heading (when it joins one to a
    // category) and the rest.
    let mut previous: Option<(Option<String>, String)> = None;
    for line in text.lines() {
        let Some((marks, title)) = slide_title(line) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let title = without_continuation(title);
        let hashes = if marks.is_empty() { "##" } else { marks };
        let joined = split_heading(&title);
        let same_heading = |heading: &str| {
            previous
                .as_ref()
                .and_then(|(h, _)| h.as_deref())
                .is_some_and(|h| h.eq_ignore_ascii_case(heading))
        };
        match &joined {
            Some((heading, category)) => {
                let same_category = previous
                    .as_ref()
                    .is_some_and(|(_, c)| c.eq_ignore_ascii_case(category));
                if !same_heading(heading) {
                    out.push_str(&format!("{hashes} {heading}\n\n"));
                    out.push_str(&format!("{hashes}# {category}"));
                } else if !same_category {
                    out.push_str(&format!("{hashes}# {category}"));
                }
            }
            None => {
                let repeated = previous
                    .as_ref()
                    .is_some_and(|(h, c)| h.is_none() && c.eq_ignore_ascii_case(&title));
                if !repeated && !title.is_empty() {
                    out.push_str(&format!("{hashes} {title}"));
                }
            }
        }
        out.push('\n');
        previous = Some(match joined {
            Some((heading, category)) => (Some(heading), category),
            None => (None, title),
        });
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    Cow::Owned(out)
}

/// A slide's title line, `## Slide 4 of 9 · Title` (or `Slide 4 of 9: Title`, `Slide 4/9
/// – Title`): the heading marks (perhaps none) and the title.
fn slide_title(line: &str) -> Option<(&str, &str)> {
    let trimmed = line.trim();
    let body = trimmed.trim_start_matches('#');
    let marks = &trimmed[..trimmed.len() - body.len()];
    let body = body.trim_start();
    let rest = body
        .strip_prefix("Slide ")
        .or_else(|| body.strip_prefix("SLIDE "))?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let rest = &rest[digits..];
    let rest = rest
        .strip_prefix(" of ")
        .or_else(|| rest.strip_prefix('/'))?;
    let total = rest.chars().take_while(char::is_ascii_digit).count();
    if total == 0 || total > 3 {
        return None;
    }
    let rest = rest[total..].trim_start();
    let title = rest
        .strip_prefix(['·', ':', '–', '—', '-', '|'])
        .unwrap_or(rest)
        .trim();
    Some((marks, title))
}

/// A title less the words saying it goes on from the slide before: "What we need from
/// you (1 of 2)", "Skills (continued)", "Skills (cont.)".
fn without_continuation(title: &str) -> String {
    let mut t = title.trim().to_string();
    loop {
        let lower = t.to_lowercase();
        let Some(open) = lower.rfind('(').filter(|_| lower.ends_with(')')) else {
            break;
        };
        let inner = lower[open + 1..lower.len() - 1].trim();
        let part = inner.split_once(" of ").is_some_and(|(a, b)| {
            a.trim().parse::<u32>().is_ok() && b.trim().parse::<u32>().is_ok()
        });
        let continued = matches!(inner, "continued" | "cont." | "cont" | "cont'd" | "contd");
        if !part && !continued {
            break;
        }
        t = t[..open].trim_end().to_string();
    }
    t
}

/// A title joining the specification's heading to a category: "Who we're looking for –
/// Experience" → ("Who we're looking for", "Experience").
fn split_heading(title: &str) -> Option<(String, String)> {
    for separator in [" – ", " — ", " - ", ": "] {
        if let Some((heading, category)) = title.split_once(separator) {
            let category = category.trim();
            let words = category.split_whitespace().count();
            if super::roles::is_start(heading) && (1..=5).contains(&words) {
                return Some((heading.trim().to_string(), category.to_string()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deck_reads_as_one_specification() {
        let text = "## Slide 1 of 4 · Welcome\n\n## Slide 2 of 4 · Who we're looking for – Experience\n\n- A\n\n\
                    ## Slide 3 of 4 · Who we're looking for – Skills\n\n- B\n\n\
                    ## Slide 4 of 4 · Who we're looking for – Skills (continued)\n\n- C\n";
        let out = unslid(text);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "## Welcome");
        assert_eq!(lines[2], "## Who we're looking for");
        assert_eq!(lines[4], "### Experience");
        assert_eq!(lines.iter().filter(|l| **l == "### Skills").count(), 1);
        assert!(!out.contains("Slide"));
    }

    #[test]
    fn a_continued_title_is_dropped_and_lines_keep_their_numbers() {
        let text = "Slide 1 of 3: What we need (1 of 2)\n- A\nSlide 2 of 3: What we need (2 of 2)\n- B\nSlide 3 of 3: Apply\n";
        let out = unslid(text);
        assert_eq!(out.lines().count(), text.lines().count());
        assert_eq!(out.lines().nth(2), Some(""));
        assert_eq!(out.lines().next(), Some("## What we need"));
    }

    #[test]
    fn two_slide_mentions_are_not_a_deck() {
        let text = "Slide 1 of 2 · A\nSlide 2 of 2 · B\n";
        assert_eq!(unslid(text), text);
    }
}
