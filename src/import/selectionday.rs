//! A specification printed only as the selection day's timetable: `Time | Activity | Where
//! / who | What we assess`, one row per session, each assessing cell a list of what that
//! session looks for ("Written case analysis" over "Able to analyse risk …"), sessions
//! that assess nothing ("Arrival and welcome", "Lunch" – "Not assessed"), and perhaps a
//! closing row of the checks made after the day. A reader takes each session's points as
//! criteria, the session as their category and its method, and the checks as conditions.
//!
//! The text form of such a timetable is rewritten so it reads as any other
//! specification: a "Person specification" section with one heading per assessing
//! session and its points as items carrying the session's methods in brackets, then the
//! checks under a "Pre-employment checks" heading. Only a table whose header names an
//! activity column and an assessing column ("What we assess", "What we look for", "What
//! is assessed"), with at least [`MIN_SESSIONS`] sessions whose assessing cells hold a
//! list and whose activity names a method, is rewritten. Linear in the text.

use std::borrow::Cow;

use super::blocks::tagless;
use super::methods;
use crate::domain::Method;

/// How many assessing sessions make a selection-day timetable a specification.
const MIN_SESSIONS: usize = 2;

/// A header cell naming what each session assesses.
fn assessing_header(cell: &str) -> bool {
    let t = cell.to_lowercase();
    [
        "what we assess",
        "what we are assessing",
        "what we look for",
        "what we're looking for",
        "what is assessed",
        "what we will assess",
        "criteria assessed",
        "assessed in this session",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// A header cell naming the session.
fn activity_header(cell: &str) -> bool {
    let t = cell.to_lowercase();
    ["activity", "session", "exercise", "stage"]
        .iter()
        .any(|w| t.trim() == *w || t.starts_with(w))
}

/// The list items of a cell's HTML (`<li>…</li>`), as plain text.
fn items(cell: &str) -> Vec<String> {
    // A PDF's bullet glyphs where HTML has list items: "• Presents clearly".
    let separator = if cell.contains("<li>") { "<li>" } else { "•" };
    cell.split(separator)
        .skip(1)
        .map(|piece| {
            tagless(piece.split("</li>").next().unwrap_or(""))
                .trim()
                .to_string()
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// A table row's cells: tab-separated, or a Markdown / PDF row between bars.
fn cells(line: &str) -> Option<Vec<&str>> {
    if line.contains('\t') {
        return Some(line.split('\t').collect());
    }
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(str::trim).collect())
}

/// The methods a session's name gives: the general vocabulary, and a piece of written
/// analysis done on the day, which is a test.
fn session_methods(activity: &str) -> Vec<Method> {
    let mut found = methods::phrase(activity);
    let l = activity.to_lowercase();
    if found.is_empty() && (l.contains("written") || l.contains("analysis")) {
        found.push(Method::Test);
    }
    methods::sort(found)
}

/// Whether a session is the checks made after the day (its points are conditions).
fn checks(activity: &str) -> bool {
    // "Document check (bring your certificates)" is a session assessing qualifications.
    let l = activity.to_lowercase();
    l.contains("checks") || l.contains("pre-employment") || l.contains("vetting")
}

/// The text with a selection-day timetable rewritten as a specification (see the
/// module's description); the text as it is when it has none.
pub fn scheduled(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.lines().collect();
    let Some((header, activity, assessing)) = lines.iter().enumerate().find_map(|(n, line)| {
        let cells: Vec<String> = cells(line)?.into_iter().map(tagless).collect();
        let assessing = cells.iter().position(|c| assessing_header(c))?;
        let activity = cells.iter().position(|c| activity_header(c))?;
        (activity != assessing).then_some((n, activity, assessing))
    }) else {
        return Cow::Borrowed(text);
    };
    let mut end = header + 1;
    // (activity, its methods, its points, whether they are checks)
    let mut sessions: Vec<(String, Vec<Method>, Vec<String>, bool)> = Vec::new();
    while let Some(cells) = lines.get(end).and_then(|l| cells(l)) {
        end += 1;
        let (Some(name), Some(cell)) = (cells.get(activity), cells.get(assessing)) else {
            continue;
        };
        let name = tagless(name).trim().to_string();
        let points = items(cell);
        if points.is_empty() || name.is_empty() {
            continue;
        }
        let is_checks = checks(&name);
        let found = session_methods(&name);
        if found.is_empty() && !is_checks {
            return Cow::Borrowed(text);
        }
        sessions.push((name, found, points, is_checks));
    }
    if sessions.iter().filter(|s| !s.3).count() < MIN_SESSIONS {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 256);
    for line in &lines[..header] {
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("\n## Person specification\n");
    for (name, found, points, _) in sessions.iter().filter(|s| !s.3) {
        let names: Vec<String> = found.iter().map(|m| format!("{m:?}")).collect();
        out.push_str(&format!("\n### {name}\n\n"));
        for point in points {
            out.push_str(&format!("- {point} [{}]\n", names.join(", ")));
        }
    }
    for (_, _, points, _) in sessions.iter().filter(|s| s.3) {
        out.push_str("\n## Pre-employment checks\n\n");
        for point in points {
            out.push_str(&format!("- {point}\n"));
        }
    }
    out.push('\n');
    for line in &lines[end..] {
        out.push_str(line);
        out.push('\n');
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: &str = "## Your selection day\n\n<b>Time</b>\t<b>Activity</b>\t<b>What we assess</b>\n\
        Before the day\tShortlisting from your application form\t<ul><li>Experience of casework</li><li>Report writing (desirable)</li></ul>\n\
        09:15\tArrival\t<p>Not assessed</p>\n\
        09:30\tWritten case analysis\t<ul><li>Able to analyse risk</li></ul>\n\
        13:00\tFormal interview\t<ul><li>Resilience</li></ul>\n\
        After the day\tPre-employment checks\t<ul><li>Enhanced DBS check</li></ul>\n\n## About us\n";

    #[test]
    fn a_timetable_becomes_a_specification() {
        let out = scheduled(DAY);
        assert!(out.contains("### Shortlisting from your application form\n\n- Experience of casework [Application]\n- Report writing (desirable) [Application]\n"));
        assert!(out.contains("### Written case analysis\n\n- Able to analyse risk [Test]\n"));
        assert!(
            out.contains("### Formal interview\n\n- Resilience [Interview]\n"),
            "{out}"
        );
        assert!(out.contains("## Pre-employment checks\n\n- Enhanced DBS check\n"));
        assert!(!out.contains("Arrival"));
        assert!(out.contains("## About us"));
    }

    #[test]
    fn a_pdf_timetable_between_bars() {
        let day = "| Time | Session | Criteria assessed in this session |\n\
            | Pre-day | Sift of application and CV | <ul><li>Experience of food law</li></ul> |\n\
            | 09:30 | Document check (bring your certificates) | <ul><li>Degree in food science</li></ul> |\n\
            | 12:30 | Presentation: 10 minutes | • Presents clearly |\n\n";
        let out = scheduled(day);
        assert!(
            out.contains("- Experience of food law [Application]\n"),
            "{out}"
        );
        assert!(
            out.contains("- Degree in food science [Documents]\n"),
            "{out}"
        );
        assert!(out.contains("- Presents clearly [Presentation]\n"), "{out}");
    }

    #[test]
    fn other_tables_stay() {
        let plain = "<b>Criteria</b>\t<b>E/D</b>\t<b>Method</b>\nDegree\tE\tA\n";
        assert_eq!(scheduled(plain), plain);
        // One assessing session is no timetable of a selection.
        let one = DAY
            .replace(
                "<ul><li>Able to analyse risk</li></ul>",
                "<p>Not assessed</p>",
            )
            .replace("<ul><li>Resilience</li></ul>", "<p>Not assessed</p>");
        assert_eq!(scheduled(&one), one);
        // A session whose name gives no method: not read.
        let odd = DAY.replace("Formal interview", "Meet the team");
        assert_eq!(scheduled(&odd), odd);
    }
}
