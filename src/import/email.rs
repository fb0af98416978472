//! A person specification forwarded in an e-mail thread: a covering note ("the final
//! spec is in his email below"), then the earlier messages, each under its own headers
//! (`From:`, `Sent:`, `Subject:`) and quoted one level deeper (`> `), the oldest often a
//! question the specification answers. The text form of such a thread is rewritten so
//! the specification reads as any other: quote marks go, header lines go, the message
//! holding the specification (the one with the most list items and table rows) gets a
//! "Person specification" heading before it, the messages quoted inside it and the
//! messages after it (older ones) are left out, and the subject line stops being a
//! heading (a subject naming the "person spec" is no start of it).
//!
//! Only a thread is rewritten: a `From:` and a `Subject:` header line must both occur.
//! Every line keeps its place (a left-out line is left empty) but the inserted heading
//! and its blank line. Linear in the text.

use std::borrow::Cow;

/// The fewest list items and table rows that make a message the specification's.
const MIN_STRUCTURE: usize = 3;

/// The most messages a thread is read as (the rest are left as they are).
const MAX_MESSAGES: usize = 50;

struct Line<'a> {
    depth: usize,
    content: &'a str,
}

/// The text with an e-mail thread rewritten (see the module's comment); the text as it is
/// when it is not a thread or no message holds a specification.
pub fn unforwarded(text: &str) -> Cow<'_, str> {
    let lines: Vec<Line> = text.lines().map(unquoted).collect();
    let header = |l: &Line, name: &str| {
        let t = tagless(l.content);
        t.get(..name.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(name))
            && t.get(name.len()..)
                .is_some_and(|rest| rest.starts_with(':'))
    };
    let has = |name: &str| lines.iter().any(|l| header(l, name));
    if !has("From") || !has("Subject") {
        return Cow::Borrowed(text);
    }
    let is_header = |l: &Line| {
        [
            "From",
            "Sent",
            "To",
            "Cc",
            "Bcc",
            "Subject",
            "Date",
            "Attachments",
        ]
        .iter()
        .any(|n| header(l, n))
    };
    // Messages: a separator line, or a From: header after some body, starts the next.
    let mut starts = vec![0usize];
    let mut body_seen = false;
    for (i, l) in lines.iter().enumerate() {
        let t = tagless(l.content);
        if separator(&t) || header(l, "From") && body_seen {
            if starts.len() >= MAX_MESSAGES {
                break;
            }
            if *starts.last().unwrap_or(&0) != i {
                starts.push(i);
            }
            body_seen = false;
        } else if !t.trim().is_empty() && !is_header(l) {
            body_seen = true;
        }
    }
    let ends: Vec<usize> = starts
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(lines.len()))
        .collect();
    // Each message's own depth (its least-quoted body line) and its structure.
    let mut chosen: Option<(usize, usize)> = None;
    let mut own_depths = Vec::with_capacity(starts.len());
    for (m, (&from, &to)) in starts.iter().zip(&ends).enumerate() {
        let body: Vec<&Line> = lines[from..to]
            .iter()
            .filter(|l| !tagless(l.content).trim().is_empty() && !is_header(l))
            .filter(|l| !separator(&tagless(l.content)))
            .collect();
        let own = body.iter().map(|l| l.depth).min().unwrap_or(0);
        own_depths.push(own);
        let structure = body
            .iter()
            .filter(|l| l.depth == own && structured(l.content))
            .count();
        if structure >= MIN_STRUCTURE && chosen.is_none_or(|(_, best)| structure > best) {
            chosen = Some((m, structure));
        }
    }
    let Some((chosen, _)) = chosen else {
        return Cow::Borrowed(text);
    };
    let (from, to) = (starts[chosen], ends[chosen]);
    let own = own_depths[chosen];
    let heading_at = heading_line(&lines[from..to], own).map(|i| from + i);
    let mut out = String::with_capacity(text.len() + 32);
    for (i, l) in lines.iter().enumerate() {
        let keep = if i < from {
            true
        } else if i < to {
            l.depth <= own
        } else {
            false
        };
        let t = tagless(l.content);
        if Some(i) == heading_at {
            out.push_str("## Person specification\n\n");
        }
        if keep && !is_header(l) && !separator(&t) {
            // The subject printed as the page's title is no heading of the specification.
            let content = match l.content.trim_start().strip_prefix('#') {
                Some(_) if subject_title(&t) => {
                    l.content.trim_start().trim_start_matches('#').trim_start()
                }
                _ => l.content,
            };
            out.push_str(content);
        }
        out.push('\n');
    }
    if !text.ends_with('\n') {
        out.pop();
    }
    Cow::Owned(out)
}

/// A line less its quote marks (`> `, `>> `, `&gt; ` as HTML prints them) and how many.
fn unquoted(line: &str) -> Line<'_> {
    let mut rest = line.trim_start();
    let mut depth = 0;
    loop {
        if let Some(r) = rest.strip_prefix('>') {
            rest = r.trim_start_matches(' ');
        } else if let Some(r) = rest.strip_prefix("&gt;") {
            rest = r.trim_start_matches(' ');
        } else {
            break;
        }
        depth += 1;
        if depth > 20 {
            break;
        }
    }
    if depth == 0 {
        Line {
            depth,
            content: line,
        }
    } else {
        Line {
            depth,
            content: rest,
        }
    }
}

/// The text of a line without markup tags (`<strong>From:</strong>`).
fn tagless(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_tag = false;
    for c in line.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.trim().to_string()
}

/// "-----Original Message-----", "---------- Forwarded message ----------", "Begin
/// forwarded message:".
fn separator(t: &str) -> bool {
    let l = t.trim().to_lowercase();
    let bare = l.trim_matches(|c: char| c == '-' || c == '_' || c == ' ' || c == ':');
    matches!(
        bare,
        "original message" | "forwarded message" | "begin forwarded message"
    )
}

/// A subject line printed as a title: "FW: …", "RE: …", "Fwd: …".
fn subject_title(t: &str) -> bool {
    let l = t.trim_start_matches('#').trim().to_lowercase();
    ["fw:", "fwd:", "re:"].iter().any(|p| l.starts_with(p))
}

/// A list item or a table row: the stuff of a specification.
fn structured(content: &str) -> bool {
    let t = content.trim_start();
    ["- ", "* ", "• ", "+ "].iter().any(|m| t.starts_with(m))
        || t.contains('\t')
        || t.starts_with('|')
}

/// Where the specification's heading goes in its message: before the paragraph that
/// introduces it ("Here's the final person spec. Everything is essential unless …"), or
/// a category line in capitals over the first item, or the first item or row.
fn heading_line(message: &[Line], own: usize) -> Option<usize> {
    let visible = |i: usize| {
        let l = &message[i];
        l.depth <= own && !tagless(l.content).trim().is_empty()
    };
    let first = (0..message.len()).find(|&i| visible(i) && structured(message[i].content))?;
    let previous = |from: usize| (0..from).rev().find(|&i| visible(i));
    let mut at = first;
    if let Some(p) = previous(at) {
        let t = tagless(message[p].content);
        let letters: Vec<char> = t.chars().filter(|c| c.is_alphabetic()).collect();
        let capitals = letters.len() >= 4
            && letters.iter().all(|c| c.is_uppercase())
            && t.split_whitespace().count() <= 5;
        if capitals {
            at = p;
        }
    }
    if let Some(p) = previous(at) {
        let l = tagless(message[p].content).to_lowercase();
        if ["spec", "essential", "desirable"]
            .iter()
            .any(|w| l.contains(w))
        {
            at = p;
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREAD: &str = "From: Jo\nSubject: FW: Officer - person spec\n\nHi Sam,\n\nDuties are:\n- Run the calendar\n\n\
-----Original Message-----\nFrom: Mark\nSubject: RE: person spec?\n\n> Here's the final person spec. Everything is essential unless it says (desirable).\n>\n\
> QUALIFICATIONS\n> - IOSH Managing Safely\n> - Level 3 trade qualification (desirable)\n> SKILLS\n> - Clear reports\n>\n\
> -----Original Message-----\n> From: Jo\n> Subject: person spec?\n>> Hi Mark, what DBS level does it need?\n";

    #[test]
    fn the_message_holding_the_specification_is_headed_and_unquoted() {
        let out = unforwarded(THREAD);
        let lines: Vec<&str> = out.lines().collect();
        let heading = lines
            .iter()
            .position(|l| *l == "## Person specification")
            .expect("a heading");
        assert!(lines[heading + 2].starts_with("Here's the final person spec"));
        assert!(lines.contains(&"- IOSH Managing Safely"));
        // The duties before it stay; the older question after it goes; headers go.
        assert!(lines.contains(&"- Run the calendar"));
        assert!(!out.contains("DBS"));
        assert!(!out.contains("From:"));
    }

    #[test]
    fn a_page_with_no_headers_is_not_a_thread() {
        let text = "# Officer\n\n> - quoted item\n> - another\n> - third\n";
        assert_eq!(unforwarded(text), text);
    }

    #[test]
    fn a_header_name_is_matched_on_character_boundaries() {
        let text = "Fröm: x\nSubjéct: y\n- a\n- b\n- c\n";
        assert_eq!(unforwarded(text), text);
    }

    #[test]
    fn quote_marks_and_their_html_form_are_counted() {
        let l = unquoted("&gt;&gt; Hi Mark");
        assert_eq!((l.depth, l.content), (2, "Hi Mark"));
        let l = unquoted("> > item");
        assert_eq!((l.depth, l.content), (2, "item"));
    }
}
