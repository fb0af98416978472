//! A board, trustee or non-executive recruitment pack whose specification is the board's
//! skills matrix: one row per skill, with a column per current member (their initials,
//! ticked where they bring the skill) or a word for the board's current strength ("Gap",
//! "Some", "Strong"), and a column saying what this appointment seeks ("Sought in this
//! appointment", "Priority for this appointment"): "Essential" / "Must" rows are
//! essential, "Desirable" / "Preferred" rows desirable, and "Covered" / "–" rows are
//! skills the board already has – not criteria. The matrix is followed by a list of the
//! qualities every trustee or candidate needs (all essential), and by a selection
//! paragraph saying which stage assesses what ("a CV and letter showing how you meet the
//! skills marked Essential", "an interview", "a presentation … used to assess the
//! personal attributes").
//!
//! A reader takes the sought rows as criteria with no category, the qualities list as
//! essential criteria under its heading, and gives each the methods the selection
//! paragraph names for it. The text form is rewritten so it reads as any other
//! specification: the matrix is replaced by a "Person specification" section – an
//! essential and a desirable list, then the qualities list with each item marked
//! "(essential)" – every item followed by its methods in brackets. The member and
//! strength columns and the rows not sought are left out; everything else stays.
//!
//! Only a matrix is rewritten: a table whose column headed by what the appointment seeks
//! holds only level words, at least [`MIN_SOUGHT`] of them sought and at least one row
//! not sought, and whose other columns (none naming a method) hold only ticks, initials
//! or strength words. Linear in the text.

use std::borrow::Cow;

use super::{blocks, conditions, methods};
use crate::domain::Method;

/// How many sought rows make a table a board's skills matrix.
const MIN_SOUGHT: usize = 3;

/// The most sentences of a selection paragraph read for methods.
const MAX_SENTENCES: usize = 20;

/// The most columns a matrix row is read with.
const MAX_COLUMNS: usize = 40;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Level {
    Essential,
    Desirable,
}

/// The groups of criteria a selection sentence can name: the matrix's essential rows, its
/// desirable rows, and the qualities list.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Group {
    Essential,
    Desirable,
    Qualities,
}

const ALL: [Group; 3] = [Group::Essential, Group::Desirable, Group::Qualities];

/// What a cell of the sought column says about its row: the level sought, or that the
/// board already has the skill (`None`). Not a level word at all: the outer `None`.
fn sought(cell: &str) -> Option<Option<Level>> {
    let t = cell.trim().trim_end_matches('.').to_lowercase();
    match t.as_str() {
        "essential" | "must" | "must have" | "required" => Some(Some(Level::Essential)),
        "desirable" | "preferred" | "nice to have" | "would help" | "useful" => {
            Some(Some(Level::Desirable))
        }
        "" | "-" | "–" | "—" | "covered" | "already covered" | "not sought" | "not needed"
        | "not required" | "n/a" | "no" => Some(None),
        _ => None,
    }
}

/// Whether a header says the column is what this appointment seeks (not a plain
/// "Essential/Desirable" column of an ordinary specification).
fn sought_header(cell: &str) -> bool {
    let t = cell.to_lowercase();
    [
        "sought",
        "seeking",
        "priority",
        "this appointment",
        "this role",
        "this vacancy",
        "this post",
        "looking for",
        "recruiting for",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Whether a body cell of a member or strength column is what such columns hold: empty, a
/// tick, a member's initials, or a word for how strong the board is in the skill.
fn coverage_cell(cell: &str) -> bool {
    let t = cell.trim();
    if t.is_empty()
        || t.chars()
            .all(|c| matches!(c, '✓' | '✔' | '•' | '●' | '-' | '–' | '—'))
    {
        return true;
    }
    // Initials ("AB", "JPR").
    if t.chars().count() <= 4 && t.chars().all(|c| c.is_uppercase()) {
        return true;
    }
    matches!(
        t.to_lowercase().as_str(),
        "x" | "y"
            | "yes"
            | "gap"
            | "some"
            | "strong"
            | "limited"
            | "partial"
            | "good"
            | "weak"
            | "adequate"
            | "none"
            | "low"
            | "medium"
            | "high"
    )
}

/// The words a qualities list's heading uses for what every candidate needs.
const QUALITY_WORDS: &[&str] = &[
    "qualities",
    "attributes",
    "values",
    "behaviours",
    "behaviors",
    "competencies",
    "characteristics",
];

/// A matrix found in the lines: the lines it spans and its sought rows.
struct Matrix {
    start: usize,
    end: usize,
    rows: Vec<(String, Level)>,
    /// The level words as printed in the sought column ("Must", "Preferred"), by level.
    words: Vec<(String, Level)>,
}

/// The text with a board's skills matrix read as a specification (see the module's
/// comment); the text as it is when it holds no such matrix.
pub fn gathered(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(matrix) = find_matrix(&lines) else {
        return Cow::Borrowed(text);
    };
    let mut moved = vec![false; lines.len()];
    moved[matrix.start..matrix.end]
        .iter_mut()
        .for_each(|m| *m = true);
    let qualities = qualities(&lines, matrix.end);
    if let Some(q) = &qualities {
        moved[q.start..q.end].iter_mut().for_each(|m| *m = true);
    }
    let quality_words: Vec<String> = qualities
        .as_ref()
        .map(|q| {
            q.heading
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| QUALITY_WORDS.contains(w))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let stages = selection(&lines, matrix.end, &matrix.words, &quality_words);
    let mut out = String::with_capacity(text.len() + 256);
    for (i, line) in lines.iter().enumerate() {
        if i == matrix.start {
            out.push_str("## Person specification\n\n");
            for (heading, level, group) in [
                ("Essential criteria", Level::Essential, Group::Essential),
                ("Desirable criteria", Level::Desirable, Group::Desirable),
            ] {
                let items: Vec<&str> = matrix
                    .rows
                    .iter()
                    .filter(|(_, l)| *l == level)
                    .map(|(d, _)| d.as_str())
                    .collect();
                if items.is_empty() {
                    continue;
                }
                out.push_str(&format!("### {heading}\n\n"));
                for item in items {
                    out.push_str(&format!("- {item}{}\n", assessed_by(&stages, group)));
                }
                out.push('\n');
            }
            if let Some(q) = &qualities {
                out.push_str(&format!("### {}\n\n", q.heading));
                let assessed = assessed_by(&stages, Group::Qualities);
                for item in &q.items {
                    out.push_str(&format!("- {item} (essential){assessed}\n"));
                }
                out.push('\n');
            }
        }
        if !moved[i] {
            out.push_str(line);
            out.push('\n');
        }
    }
    Cow::Owned(out)
}

/// The cells of a text-form table line (tab-separated HTML fragments, or a Markdown
/// `| a | b |` row) as plain text; `None` for any other line.
fn cells(line: &str) -> Option<Vec<String>> {
    let raw: Vec<&str> = if line.contains('\t') {
        line.split('\t').collect()
    } else {
        let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
        inner.split('|').collect()
    };
    if raw.len() < 2 || raw.len() > MAX_COLUMNS {
        return None;
    }
    Some(
        raw.iter()
            .map(|c| {
                blocks::tagless(c)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .trim_matches(['*', '_'])
                    .trim()
                    .to_string()
            })
            .collect(),
    )
}

/// The first table of the lines that is a board's skills matrix (see the module's
/// comment). One pass over the lines: each table is read once.
fn find_matrix(lines: &[&str]) -> Option<Matrix> {
    let mut i = 0;
    while i < lines.len() {
        if cells(lines[i]).is_none() {
            i += 1;
            continue;
        }
        let start = i;
        let mut rows = Vec::new();
        while i < lines.len() {
            match cells(lines[i]) {
                Some(c) => rows.push(c),
                None => break,
            }
            i += 1;
        }
        if let Some(m) = matrix(&rows, start, i) {
            return Some(m);
        }
    }
    None
}

/// A table's rows read as a skills matrix, when they are one.
fn matrix(rows: &[Vec<String>], start: usize, end: usize) -> Option<Matrix> {
    let (header, body) = rows.split_first()?;
    let width = header.len();
    if width < 3 || body.iter().any(|r| r.len() != width) {
        return None;
    }
    // The sought column: headed by what the appointment seeks, holding level words only.
    let col = (1..width)
        .find(|&j| sought_header(&header[j]) && body.iter().all(|r| sought(&r[j]).is_some()))?;
    // The other columns are the members' or the board's strength: no method names, and
    // only ticks, initials or strength words beneath.
    let coverage = (1..width).filter(|&j| j != col).all(|j| {
        methods::words(&header[j]).is_empty() && body.iter().all(|r| coverage_cell(&r[j]))
    });
    if !coverage {
        return None;
    }
    let mut sought_rows = Vec::new();
    let mut words: Vec<(String, Level)> = Vec::new();
    let mut not_sought = 0;
    for r in body {
        if r[0].is_empty() {
            return None;
        }
        match sought(&r[col]).flatten() {
            Some(level) => {
                sought_rows.push((r[0].clone(), level));
                let w = r[col].trim().trim_end_matches('.').to_string();
                if !words.iter().any(|(x, _)| *x == w) {
                    words.push((w, level));
                }
            }
            None => not_sought += 1,
        }
    }
    // A matrix shows what the board already has: at least one row is not sought.
    (sought_rows.len() >= MIN_SOUGHT && not_sought > 0).then_some(Matrix {
        start,
        end,
        rows: sought_rows,
        words,
    })
}

/// The qualities list after the matrix: its heading, the lines it spans and its items.
struct Qualities {
    start: usize,
    end: usize,
    heading: String,
    items: Vec<String>,
}

/// The first heading after the matrix naming qualities or attributes ("Qualities every
/// trustee needs", "Personal attributes (all candidates)") with bullets under it.
fn qualities(lines: &[&str], from: usize) -> Option<Qualities> {
    let mut i = from;
    while i < lines.len() {
        let Some(heading) = heading(lines[i]) else {
            i += 1;
            continue;
        };
        let lower = heading.to_lowercase();
        let named = lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| QUALITY_WORDS.contains(&w));
        if !named {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        let mut end = j;
        let mut items = Vec::new();
        while j < lines.len() {
            let l = lines[j].trim();
            if l.is_empty() {
                j += 1;
                continue;
            }
            let Some(item) = bullet(l) else { break };
            items.push(item.to_string());
            j += 1;
            end = j;
        }
        if items.is_empty() {
            return None;
        }
        return Some(Qualities {
            start: i,
            end,
            heading: heading.to_string(),
            items,
        });
    }
    None
}

/// One clause of the selection paragraph: its methods and the groups it is for.
struct Stage {
    methods: Vec<Method>,
    groups: Vec<Group>,
}

/// The stages of the selection paragraph: the first section after the matrix whose
/// heading speaks of appointing, selecting, applying or recruiting. Each sentence is read
/// clause by clause (", and …"): a clause's methods are for the groups it names – the
/// level words as the matrix prints them ("skills marked Essential", "each area marked
/// 'Must'"), the qualities list's word ("the personal attributes") – or, naming none, for
/// those of the clause before ("We will shortlist from these"), or for all. An interview
/// is for every criterion: the board's interview is the stage every appointment has.
fn selection(
    lines: &[&str],
    from: usize,
    words: &[(String, Level)],
    quality_words: &[String],
) -> Vec<Stage> {
    let Some(at) = (from..lines.len()).find(|&i| {
        heading(lines[i]).is_some_and(|h| {
            let h = h.to_lowercase();
            ["appoint", "select", "apply", "recruit", "how to", "assess"]
                .iter()
                .any(|w| h.contains(w))
        })
    }) else {
        return Vec::new();
    };
    let paragraph: Vec<&str> = lines[at + 1..]
        .iter()
        .take_while(|l| heading(l).is_none())
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let paragraph = paragraph.join(" ");
    let mut stages = Vec::new();
    let mut before: Vec<Group> = Vec::new();
    for sentence in conditions::sentences(&paragraph).iter().take(MAX_SENTENCES) {
        for clause in sentence.split(", and ").flat_map(|c| c.split("; ")) {
            // "Shortlisted candidates will …" says who goes on, not a shortlisting.
            let read = clause.replace("Shortlisted", "").replace("shortlisted", "");
            let found = methods::words(&read);
            let mut groups = named_groups(clause, words, quality_words);
            if groups.is_empty() {
                groups = if before.is_empty() {
                    ALL.to_vec()
                } else {
                    before.clone()
                };
            }
            if found.is_empty() {
                continue;
            }
            // A clause naming nothing goes on from the groups the clause before was for.
            before = groups.clone();
            for m in found {
                let groups = if m == Method::Interview {
                    ALL.to_vec()
                } else {
                    groups.clone()
                };
                before.clone_from(&groups);
                stages.push(Stage {
                    methods: vec![m],
                    groups,
                });
            }
        }
    }
    stages
}

/// The groups a clause names: a level word as the matrix prints it (whole word; the
/// plain words "essential" and "desirable" in any case), or a word of the qualities
/// list's heading.
fn named_groups(clause: &str, words: &[(String, Level)], quality_words: &[String]) -> Vec<Group> {
    let tokens: Vec<&str> = clause
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = Vec::new();
    for (word, level) in words {
        let plain = matches!(word.to_lowercase().as_str(), "essential" | "desirable");
        let hit = if word.contains(' ') {
            clause.contains(word.as_str())
        } else {
            tokens
                .iter()
                .any(|t| *t == word || plain && t.eq_ignore_ascii_case(word))
        };
        let group = match level {
            Level::Essential => Group::Essential,
            Level::Desirable => Group::Desirable,
        };
        if hit && !out.contains(&group) {
            out.push(group);
        }
    }
    if tokens
        .iter()
        .any(|t| quality_words.iter().any(|q| t.eq_ignore_ascii_case(q)))
    {
        out.push(Group::Qualities);
    }
    out
}

/// The methods the stages give a group, written in brackets ("[Application,
/// Interview]"); empty when they give none.
fn assessed_by(stages: &[Stage], group: Group) -> String {
    let found: Vec<Method> = stages
        .iter()
        .filter(|s| s.groups.contains(&group))
        .flat_map(|s| s.methods.iter().copied())
        .collect();
    let found = methods::sort(found);
    if found.is_empty() {
        return String::new();
    }
    let names: Vec<String> = found.iter().map(|m| format!("{m:?}")).collect();
    format!(" [{}]", names.join(", "))
}

/// A heading line's text (`## Heading`).
fn heading(line: &str) -> Option<&str> {
    let t = line.trim();
    t.starts_with('#')
        .then(|| {
            t.trim_start_matches('#')
                .trim()
                .trim_matches(['*', '_'])
                .trim()
        })
        .filter(|h| !h.is_empty())
}

/// A bullet item's text: `- item`, `* item`, `• item`.
fn bullet(line: &str) -> Option<&str> {
    ["- ", "* ", "• ", "· "]
        .iter()
        .find_map(|b| line.strip_prefix(b))
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PACK: &str = "# Governor\n\n## Skills on the board\n\n\
        | Skill | AL | BT | Needed for this appointment |\n\
        | Chartered surveyor | | | Essential |\n\
        | Experience of capital programmes | ✓ | | Essential |\n\
        | Procurement law | | | Essential |\n\
        | Safeguarding | ✓ | ✓ | Covered |\n\
        | Fundraising | | | Desirable |\n\n\
        ## Values every governor shares\n\n- Integrity\n- Curiosity\n\n\
        ## How we select\n\nSend a CV showing how you meet the Essential skills and the values. \
        Shortlisted candidates are interviewed.\n\n## Eligibility\n\nAn enhanced DBS check.\n";

    #[test]
    fn a_matrix_reads_as_a_specification() {
        let out = gathered(PACK);
        let spec = out.split_once("## Person specification").unwrap().1;
        assert!(spec.contains(
            "### Essential criteria\n\n- Chartered surveyor [Application, Interview]\n\
             - Experience of capital programmes [Application, Interview]\n"
        ));
        assert!(spec.contains("### Desirable criteria\n\n- Fundraising [Interview]\n"));
        assert!(spec.contains(
            "### Values every governor shares\n\n- Integrity (essential) [Application, Interview]\n"
        ));
        // A skill the board already has is no criterion.
        assert!(!out.contains("Safeguarding"));
        assert!(out.contains("## Eligibility\n\nAn enhanced DBS check."));
    }

    #[test]
    fn strength_words_and_must_marks() {
        let text = "Area\tCurrent strength\tPriority\nLegal\tGap\tMust\nAudit\tSome\tMust\n\
            Digital\tSome\tPreferred\nEstates\tStrong\t–\n\n\
            ## Selection process\n\nSend a statement on each area marked 'Must'. You must \
            attend an interview, and give a presentation.\n";
        let out = gathered(text);
        assert!(out.contains("- Legal [Application, Interview, Presentation]\n"));
        assert!(out.contains("- Digital [Interview, Presentation]\n"));
        assert!(!out.contains("Estates"));
    }

    #[test]
    fn an_ordinary_specification_is_left_as_it_is() {
        // Method columns ticked beside an Essential/Desirable column.
        let text = "| Criterion | Application | Interview | Essential or desirable |\n\
            | A | ✓ | ✓ | Essential |\n| B | ✓ | | Essential |\n| C | | ✓ | Essential |\n\
            | D | | ✓ | Desirable |\n";
        assert_eq!(gathered(text), text);
        // Every row sought: nothing shows what the board already has.
        let text = "| Skill | AB | Sought |\n| A | | Essential |\n| B | | Essential |\n\
            | C | ✓ | Desirable |\n";
        assert_eq!(gathered(text), text);
        // A column of free text is not a member's or strength column.
        let text =
            "| Skill | Notes | Sought |\n| A | ten years | Essential |\n| B | | Essential |\n\
            | C | | Desirable |\n| D | | Covered |\n";
        assert_eq!(gathered(text), text);
    }
}
