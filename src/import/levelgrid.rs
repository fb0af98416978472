//! Career-framework skills grids: one row per skill and one column per level of the
//! framework ("Skill | Level 1 – Foundation | Level 2 – Practitioner (this post) |
//! Level 3 – Senior | E / D | Assessed by", or "Skill | Awareness | Working |
//! Practitioner | Expert | Level for this role | How we assess"), each cell a different
//! descriptor of the skill at that level. Employers print the whole pathway so applicants
//! can see how the role develops, and say that only the descriptors of the level this
//! post is at form the specification. So of each row only one cell is a criterion: the
//! one in this post's level column; the other levels' cells are context, not criteria.
//!
//! The post's level is found in one of two ways, both printed in the table itself:
//! - one level column's header says it is this post's ("(this post)", "this role"), the
//!   same level for every row;
//! - a column of its own ("Level for this role", "Required level") names, row by row,
//!   one of the level headers, often with the requirement ("Practitioner (essential)").
//!
//! The grid is rewritten in place into an ordinary criteria table the main reader
//! understands ("Criteria | E / D | Assessed by"): for each skill a group row holding its
//! label (the criterion's category) and a row holding the chosen cell's text, the row's
//! requirement (from its E / D column, or the brackets of its level cell) and its
//! assessment cell. A category per skill is a group row, not a heading, because skill
//! names ("Security monitoring", "Purpose and values") often read as the headings of
//! other sections. A "Person specification" heading goes above the table when the
//! section holding the grid is not already one (a "Skills profile" is the specification
//! here).
//!
//! Only such a grid is rewritten: at least [`MIN_LEVELS`] level columns of prose
//! descriptors, a known target level, and at least [`MIN_ROWS`] rows read. Anything else
//! is returned unchanged. Linear in the text.

use std::borrow::Cow;

use super::blocks::{decode_entities, tagless};

/// How many level columns make a framework grid (fewer is an ordinary criteria table).
const MIN_LEVELS: usize = 2;

/// How many rows must be read for a table to be rewritten.
const MIN_ROWS: usize = 2;

/// Header words saying a level column is this post's.
const THIS_POST: [&str; 6] = [
    "this post",
    "this role",
    "this vacancy",
    "this job",
    "this appointment",
    "this position",
];

/// Header words of a column naming, row by row, the level this post needs of the skill.
const TARGET: [&str; 10] = [
    "this post",
    "this role",
    "this vacancy",
    "this job",
    "this position",
    "required",
    "requirement",
    "target",
    "needed",
    "expected",
];

/// A table row's cells, and how it was written: tab-separated, or a markdown pipe row.
fn cells(line: &str) -> Option<Vec<&str>> {
    let trimmed = line.trim_end_matches(['\r', '\n']);
    if trimmed.contains('\t') {
        return Some(trimmed.split('\t').collect());
    }
    let inner = trimmed.trim();
    let inner = inner.strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').map(str::trim).collect())
}

/// A cell's words, without markup or markdown emphasis, on one line.
fn words(cell: &str) -> String {
    let t = decode_entities(&tagless(cell));
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    t.trim_matches(['*', '_', ' ']).to_string()
}

/// A separator row of a markdown table ("| --- | :-: |").
fn is_separator(row: &[&str]) -> bool {
    row.iter()
        .all(|c| !c.trim().is_empty() && c.trim().chars().all(|ch| matches!(ch, '-' | ':')))
}

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

/// The requirement a short mark states ("E", "Desirable", "essential; interview").
fn requirement(mark: &str) -> Option<Level> {
    let m = mark.trim().trim_end_matches('.').to_lowercase();
    match m.as_str() {
        "e" => return Some(Level::Essential),
        "d" => return Some(Level::Desirable),
        _ => {}
    }
    match (m.contains("essential"), m.contains("desirable")) {
        (true, false) => Some(Level::Essential),
        (false, true) => Some(Level::Desirable),
        _ => None,
    }
}

/// Whether a header names the requirement column ("E / D", "Essential or desirable").
fn is_requirement_header(h: &str) -> bool {
    let compact: String = h.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(compact.as_str(), "e/d" | "e/d?" | "e or d")
        || h.contains("essential") && h.contains("desirable")
}

/// Whether a header names the assessment column ("Assessed by", "How we assess",
/// "Method of assessment").
fn is_method_header(h: &str) -> bool {
    h.contains("assess") || h.contains("method") || h.contains("evidenced") || h == "how tested"
}

/// A level header's name without its brackets ("level 2 – practitioner (this post)" →
/// "level 2 – practitioner").
fn level_name(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in h.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether a target cell's name ("practitioner", "level 2") is this level header's: the
/// whole name, or one side of a "Level 2 – Practitioner" header.
fn names_level(name: &str, header: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let header = level_name(header);
    header == name
        || header
            .split(['–', '—', '-', ':'])
            .map(str::trim)
            .any(|part| part == name)
}

/// How the post's level is known.
enum Target {
    /// One level column for every row.
    Column(usize),
    /// A column naming the level row by row.
    PerRow(usize),
}

/// A framework grid's header.
struct Header {
    levels: Vec<usize>,
    level_names: Vec<String>,
    target: Target,
    requirement: Option<usize>,
    method: Option<usize>,
}

/// The ways a header row can be read as a framework grid, best first: with a column
/// naming the level row by row if one is headed so, then with a level column marked as
/// this post's. Which one holds is told by the rows (a marked level header such as
/// "Level 2 (this post)" also reads like a per-row column's header).
fn headers(row: &[&str]) -> Vec<Header> {
    if row.len() < 1 + MIN_LEVELS {
        return Vec::new();
    }
    let texts: Vec<String> = row.iter().map(|c| words(c).to_lowercase()).collect();
    let requirement = (1..texts.len()).find(|&i| is_requirement_header(&texts[i]));
    let method = (1..texts.len()).find(|&i| Some(i) != requirement && is_method_header(&texts[i]));
    let mut out = Vec::new();
    // A column naming the level row by row: its header speaks of a level and of this
    // post or what it requires ("Level for this role", "Required level").
    let per_row = (1..texts.len()).find(|&i| {
        Some(i) != requirement
            && Some(i) != method
            && texts[i].contains("level")
            && TARGET.iter().any(|w| texts[i].contains(w))
    });
    let levels_without = |skip: Option<usize>| -> Vec<usize> {
        (1..texts.len())
            .filter(|&i| Some(i) != requirement && Some(i) != method && Some(i) != skip)
            .filter(|&i| !texts[i].is_empty())
            .collect()
    };
    let grid = |levels: Vec<usize>, target: Target| Header {
        level_names: levels.iter().map(|&i| texts[i].clone()).collect(),
        levels,
        target,
        requirement,
        method,
    };
    if let Some(i) = per_row {
        let levels = levels_without(Some(i));
        if levels.len() >= MIN_LEVELS {
            out.push(grid(levels, Target::PerRow(i)));
        }
    }
    let levels = levels_without(None);
    let marked: Vec<usize> = levels
        .iter()
        .copied()
        .filter(|&i| THIS_POST.iter().any(|w| texts[i].contains(w)))
        .collect();
    if let ([one], true) = (marked.as_slice(), levels.len() >= MIN_LEVELS) {
        out.push(grid(levels, Target::Column(*one)));
    }
    out
}

/// One skill read from the grid.
struct Skill {
    category: String,
    text: String,
    level: Option<Level>,
    methods: String,
}

/// The skill a row states for this post; `None` when the row is not one the grid reads.
fn skill(row: &[&str], head: &Header) -> Option<Skill> {
    let category = words(row[0]);
    if category.is_empty() {
        return None;
    }
    let (column, mark) = match head.target {
        Target::Column(i) => (i, None),
        Target::PerRow(i) => {
            let named = words(row[i]).to_lowercase();
            let name = level_name(&named);
            let at = head
                .level_names
                .iter()
                .position(|h| names_level(&name, h))?;
            (head.levels[at], requirement(&named.replace(&name, "")))
        }
    };
    let text = words(row[column]);
    // A descriptor is prose, not a mark or a placeholder.
    if text.split_whitespace().count() < 3 {
        return None;
    }
    let level = head
        .requirement
        .and_then(|i| requirement(&words(row[i])))
        .or(mark);
    let methods = head.method.map(|i| words(row[i])).unwrap_or_default();
    Some(Skill {
        category,
        text,
        level,
        methods,
    })
}

/// Whether the grid has an assessment column (the same in every reading of its header).
fn heads_method(heads: &[Header]) -> bool {
    heads.first().is_some_and(|h| h.method.is_some())
}

/// Text made safe inside a cell of the text form (which holds HTML).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Whether a line is a section heading ("# …", "## …"), and if so whether it heads a
/// person specification.
fn section(line: &str) -> Option<bool> {
    if !(line.starts_with("# ") || line.starts_with("## ")) {
        return None;
    }
    Some(line.to_lowercase().contains("person spec"))
}

/// The text form with each career-framework grid reduced to this post's level.
pub fn targeted(text: &str) -> Cow<'_, str> {
    if !text.to_lowercase().contains("level") {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    // Whether the section being read is headed as a person specification.
    let mut in_specification = false;
    let mut index = 0;
    while index < lines.len() {
        let heads = cells(lines[index]).map_or_else(Vec::new, |row| headers(&row));
        if heads.is_empty() {
            if let Some(spec) = section(lines[index]) {
                in_specification = spec;
            }
            out.push_str(lines[index]);
            index += 1;
            continue;
        }
        let width = cells(lines[index]).map_or(0, |r| r.len());
        let mut end = index + 1;
        let mut rows: Vec<Vec<&str>> = Vec::new();
        while end < lines.len() {
            let Some(row) = cells(lines[end]) else {
                break;
            };
            end += 1;
            if row.len() == width && !is_separator(&row) {
                rows.push(row);
            }
        }
        // Most rows must read as this post's descriptor, or this is some other table.
        let read = heads.iter().find_map(|head| {
            let skills: Vec<Skill> = rows.iter().filter_map(|r| skill(r, head)).collect();
            (skills.len() >= MIN_ROWS && skills.len() * 5 >= rows.len() * 4).then_some(skills)
        });
        let Some(skills) = read else {
            for line in &lines[index..end] {
                out.push_str(line);
            }
            index = end;
            continue;
        };
        if !in_specification {
            out.push_str("## Person specification\n\n");
            in_specification = true;
        }
        let assessed = heads_method(&heads);
        out.push_str("<p><b>Criteria</b></p>\t<p><b>E / D</b></p>");
        if assessed {
            out.push_str("\t<p><b>Assessed by</b></p>");
        }
        out.push('\n');
        for s in &skills {
            let level = s.level.map_or("", Level::word);
            out.push_str(&format!("<p><b>{}</b></p>\t", escape(&s.category)));
            if assessed {
                out.push('\t');
            }
            out.push('\n');
            out.push_str(&format!("<p>{}</p>\t<p>{level}</p>", escape(&s.text)));
            if assessed {
                out.push_str(&format!("\t<p>{}</p>", escape(&s.methods)));
            }
            out.push('\n');
        }
        out.push('\n');
        changed = true;
        index = end;
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_column_marked_as_this_posts_is_the_criterion() {
        let text = "## Person specification\n\nOnly the Level 2 descriptors apply.\n\n\
            <p><b>Skill</b></p>\t<p>Level 1 – Entry</p>\t<p>Level 2 – Skilled (this post)</p>\t<p>Level 3 – Lead</p>\t<p>E / D</p>\t<p>Assessed by</p>\n\
            <p><b>Budgeting</b></p>\t<p>Keeps simple records</p>\t<p>Manages a cost centre budget</p>\t<p>Sets the service budget</p>\t<p>E</p>\t<p>Application, interview</p>\n\
            <p><b>Coaching &amp; mentoring</b></p>\t<p>Helps new starters settle</p>\t<p>Coaches colleagues through change</p>\t<p>Leads a team of coaches</p>\t<p>D</p>\t<p>Role play</p>\n\
            \nAfter\n";
        assert_eq!(
            targeted(text),
            "## Person specification\n\nOnly the Level 2 descriptors apply.\n\n\
             <p><b>Criteria</b></p>\t<p><b>E / D</b></p>\t<p><b>Assessed by</b></p>\n\
             <p><b>Budgeting</b></p>\t\t\n\
             <p>Manages a cost centre budget</p>\t<p>essential</p>\t<p>Application, interview</p>\n\
             <p><b>Coaching &amp; mentoring</b></p>\t\t\n\
             <p>Coaches colleagues through change</p>\t<p>desirable</p>\t<p>Role play</p>\n\
             \n\nAfter\n"
        );
    }

    #[test]
    fn a_level_named_row_by_row_picks_that_rows_column() {
        let text = "## Skills\n\n\
            | Skill | Basic | Able | Expert | Required level | How assessed |\n\
            | --- | --- | --- | --- | --- | --- |\n\
            | Networks | Knows what a router does | Configures office switches safely | Designs the wide area network | Able (essential) | Interview |\n\
            | Scripting | Runs scripts written by others | Writes small scripts to automate checks | Leads automation work | Basic (desirable) | Practical test |\n";
        assert_eq!(
            targeted(text),
            "## Skills\n\n## Person specification\n\n\
             <p><b>Criteria</b></p>\t<p><b>E / D</b></p>\t<p><b>Assessed by</b></p>\n\
             <p><b>Networks</b></p>\t\t\n\
             <p>Configures office switches safely</p>\t<p>essential</p>\t<p>Interview</p>\n\
             <p><b>Scripting</b></p>\t\t\n\
             <p>Runs scripts written by others</p>\t<p>desirable</p>\t<p>Practical test</p>\n\n"
        );
    }

    #[test]
    fn ordinary_tables_are_left_alone() {
        // An ordinary criteria table: one criterion column.
        let text = "Criteria\tE / D\tAssessed by\nA degree in a related subject\tE\tApplication\n\
            Experience of budgets\tD\tInterview\n";
        assert!(matches!(targeted(text), Cow::Borrowed(_)));
        // A level grid with no column or per-row level for this post: no choice.
        let text = "Skill\tLevel 1\tLevel 2\tE / D\n\
            Budgeting\tKeeps simple records\tManages a cost centre budget\tE\n\
            Coaching\tHelps new starters settle\tCoaches colleagues through change\tD\n";
        assert!(matches!(targeted(text), Cow::Borrowed(_)));
        // A salary table by level for this post: no prose descriptors.
        let text =
            "Point\tLevel 1\tLevel 2 (this post)\n1\t£27,000\t£29,000\n2\t£27,500\t£29,700\n";
        assert!(matches!(targeted(text), Cow::Borrowed(_)));
    }

    #[test]
    fn level_names_match_either_side_of_a_header() {
        assert!(names_level(
            "practitioner",
            "level 2 – practitioner (this post)"
        ));
        assert!(names_level("level 2", "level 2 – practitioner"));
        assert!(names_level("working", "working"));
        assert!(!names_level("work", "working"));
        assert!(!names_level("", "working"));
    }

    #[test]
    fn hostile_grids_rewrite_in_linear_time() {
        let n = 20_000;
        let text = format!(
            "{}{}",
            "Skill\tLevel 1\tLevel 2 (this post)\tE / D\n".repeat(n),
            "Budgeting\tKeeps simple records\tManages a cost centre budget\tE\n".repeat(n)
        );
        let started = std::time::Instant::now();
        let _ = targeted(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        let text =
            "## Skills\nSkill\tA\tB (this role)\tE / D\nX\tone two three\tfour five six\tE\n"
                .repeat(n);
        let started = std::time::Instant::now();
        let _ = targeted(&text);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
