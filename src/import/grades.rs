//! Career-graded person specifications: one requirement column per grade of the scheme
//! ("Technical Officer (Grade 7) | Environmental Health Officer (Grade 9) – this vacancy
//! | Senior EHO (Grade 10)"), with the text saying which grade is being recruited. Only
//! that grade's column is this vacancy's requirement; the other columns show what the
//! other grades of the scheme ask, for information. So the text form of such a table is
//! rewritten to hold the recruited grade's column only, headed as a requirement column,
//! and the rows that grade does not require at all ('—', 'Not required', 'N/A': a
//! progression criterion of a higher grade, or one of a lower grade only) are dropped:
//! they are no criteria of this vacancy, whatever the other columns say.
//!
//! The recruited grade is the column whose header says so ("this vacancy", "this
//! appointment", "recruiting") or, failing that, the one grade named by a sentence above
//! the table about recruiting or appointing ("We are recruiting at Grade 9",
//! "Appointment to this vacancy is at Grade 5"). A table is only rewritten when at least
//! two of its header cells name grades, the recruited one is known, and its rows' grade
//! cells hold requirement marks (a salary table by grade is left alone).
//!
//! Dropped rows and a header row spanning the grade headers ("Requirement at each grade")
//! are removed from the table, and as many empty lines added after it, so the lines after
//! the table keep their numbers. Linear in the text: each line is read a bounded number
//! of times (the sentences above a table at most [`LOOK_BACK`] lines back).

use std::borrow::Cow;

/// How many lines above a grade table are searched for the sentence naming the grade
/// being recruited.
const LOOK_BACK: usize = 30;

/// Words before a grade's number or letter.
const GRADE_WORDS: [&str; 3] = ["grade", "band", "scale"];

/// Header words saying a column is the grade being recruited.
const RECRUITED: [&str; 9] = [
    "this vacancy",
    "this appointment",
    "this post",
    "this role",
    "this job",
    "this advert",
    "recruiting",
    "recruited",
    "appointment grade",
];

/// Words of a sentence about the grade being recruited.
const RECRUITING: [&str; 5] = [
    "recruit",
    "appoint",
    "this vacancy",
    "this post",
    "this role",
];

/// A table row's cells, and how it was written: tab-separated, or a markdown pipe row.
fn cells(line: &str) -> Option<(Vec<&str>, bool)> {
    let trimmed = line.trim_end_matches(['\r', '\n']);
    if trimmed.contains('\t') {
        return Some((trimmed.split('\t').collect(), false));
    }
    let inner = trimmed.trim();
    let inner = inner.strip_prefix('|')?.strip_suffix('|')?;
    Some((inner.split('|').map(str::trim).collect(), true))
}

fn join(cells: &[&str], piped: bool) -> String {
    if piped {
        format!("| {} |\n", cells.join(" | "))
    } else {
        format!("{}\n", cells.join("\t"))
    }
}

/// A cell's words, without its markup, lower case.
fn plain(cell: &str) -> String {
    super::blocks::tagless(cell).to_lowercase()
}

/// The grades a text names ("grade 9", "band 5", "scale 6"), each as "grade 9".
fn grades(text: &str) -> Vec<String> {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut out: Vec<String> = Vec::new();
    for pair in words.windows(2) {
        let (word, value) = (pair[0], pair[1]);
        let numbered = value.chars().count() <= 4
            && (value.chars().any(|c| c.is_ascii_digit()) || value.chars().count() == 1);
        if GRADE_WORDS.contains(&word) && numbered {
            let grade = format!("{word} {value}");
            if !out.contains(&grade) {
                out.push(grade);
            }
        }
    }
    out
}

/// Whether a grade cell's mark says the grade does not require the row at all.
fn not_required(mark: &str) -> bool {
    let m = mark.trim().trim_end_matches('.');
    m.is_empty()
        || !m.chars().any(char::is_alphanumeric)
        || matches!(
            m,
            "not required" | "n/a" | "na" | "not applicable" | "none" | "no" | "x"
        )
}

/// Whether a grade cell holds a requirement mark (or says the row is not required).
fn is_mark(mark: &str) -> bool {
    let m = mark.trim().trim_end_matches('.');
    not_required(m)
        || matches!(
            m,
            "e" | "d" | "essential" | "desirable" | "✓" | "✔" | "yes" | "required"
        )
        || m.len() <= 40 && (m.starts_with("essential") || m.starts_with("desirable"))
}

/// The recruited grade named by a sentence of the lines above a table, if exactly one is.
fn recruited_in_prose(lines: &[&str]) -> Option<String> {
    let mut named: Vec<String> = Vec::new();
    for line in lines {
        if cells(line).is_some() {
            continue;
        }
        for sentence in plain(line).split(['.', ';', '!']) {
            if !RECRUITING.iter().any(|w| sentence.contains(w)) {
                continue;
            }
            let found = grades(sentence);
            if found.len() == 1 && !named.contains(&found[0]) {
                named.push(found[0].clone());
            }
        }
    }
    (named.len() == 1).then(|| named.remove(0))
}

/// A grade table's header: the columns naming grades and the recruited one of them.
struct Header {
    grade_columns: Vec<usize>,
    recruited: usize,
}

fn header(row: &[&str], above: &[&str]) -> Option<Header> {
    let texts: Vec<String> = row.iter().map(|c| plain(c)).collect();
    // The first column is the criteria's.
    let grade_columns: Vec<usize> = (1..texts.len())
        .filter(|&i| !grades(&texts[i]).is_empty())
        .collect();
    if grade_columns.len() < 2 {
        return None;
    }
    let marked: Vec<usize> = grade_columns
        .iter()
        .copied()
        .filter(|&i| RECRUITED.iter().any(|w| texts[i].contains(w)))
        .collect();
    let recruited = match marked.as_slice() {
        [one] => *one,
        [] => {
            let grade = recruited_in_prose(above)?;
            let named: Vec<usize> = grade_columns
                .iter()
                .copied()
                .filter(|&i| grades(&texts[i]).contains(&grade))
                .collect();
            match named.as_slice() {
                [one] => *one,
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(Header {
        grade_columns,
        recruited,
    })
}

/// The text form with each career-grade table reduced to the recruited grade's column.
pub fn recruited(text: &str) -> Cow<'_, str> {
    let lower = text.to_lowercase();
    if !GRADE_WORDS.iter().any(|w| lower.contains(w)) {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let rewritten = cells(line).and_then(|(row, piped)| {
            let above = &lines[index.saturating_sub(LOOK_BACK)..index];
            let head = header(&row, above)?;
            Some(rewrite(&lines, index, &row, piped, &head))
        });
        match rewritten {
            // Not a grade table after all: its rows are passed on as they are (and not
            // read again as headers, which would make the scan quadratic).
            Some((None, end)) => {
                for line in &lines[index..end] {
                    out.push_str(line);
                }
                index = end;
            }
            Some((Some(table), end)) => {
                // A spanning header row above ("Requirement at each grade") goes too.
                if spans_grades(&lines, index, &out) {
                    let start = out[..out.len() - 1].rfind('\n').map_or(0, |at| at + 1);
                    out.truncate(start);
                    out.push_str(&table);
                    out.push('\n');
                } else {
                    out.push_str(&table);
                }
                changed = true;
                index = end;
            }
            None => {
                out.push_str(line);
                index += 1;
            }
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// Whether the line above a grade header is a header row spanning its grade columns: a
/// row of fewer cells starting with the same one ("Criteria"), or naming the grades in
/// general ("Requirement at each grade").
fn spans_grades(lines: &[&str], index: usize, out: &str) -> bool {
    if index == 0 || !out.ends_with('\n') || out.len() < 2 {
        return false;
    }
    let (Some((above, _)), Some((row, _))) = (cells(lines[index - 1]), cells(lines[index])) else {
        return false;
    };
    above.len() < row.len()
        && (plain(above[0]) == plain(row[0])
            || above
                .iter()
                .any(|c| GRADE_WORDS.iter().any(|w| plain(c).contains(w))))
}

/// The table from its grade header at `start`, rewritten (`None` when its rows' grade
/// cells do not read as requirement marks), and the index of the line after it.
fn rewrite(
    lines: &[&str],
    start: usize,
    header_row: &[&str],
    piped: bool,
    head: &Header,
) -> (Option<String>, usize) {
    let width = header_row.len();
    let keep = |row: &[&str]| -> Vec<String> {
        (0..row.len())
            .filter(|i| !head.grade_columns.contains(i) || *i == head.recruited)
            .map(|i| row[i].to_string())
            .collect()
    };
    let mut end = start + 1;
    let (mut rows, mut marks) = (0, 0);
    while end < lines.len() {
        let Some((row, _)) = cells(lines[end]) else {
            break;
        };
        if row.len() == width {
            rows += 1;
            if head.grade_columns.iter().all(|&i| is_mark(&plain(row[i]))) {
                marks += 1;
            }
        }
        end += 1;
    }
    if rows < 2 || marks * 5 < rows * 4 {
        return (None, end);
    }
    let mut out = String::new();
    let mut header_cells = keep(header_row);
    if let Some(at) = header_cells
        .iter()
        .position(|c| *c == header_row[head.recruited])
    {
        header_cells[at] = if piped {
            "Essential / Desirable".to_string()
        } else {
            "<b>Essential / Desirable</b>".to_string()
        };
    }
    let refs: Vec<&str> = header_cells.iter().map(String::as_str).collect();
    out.push_str(&join(&refs, piped));
    let mut dropped = 0;
    for line in &lines[start + 1..end] {
        let Some((row, _)) = cells(line) else {
            break;
        };
        if row.len() != width {
            out.push_str(line);
            continue;
        }
        let separator = row
            .iter()
            .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')));
        let others_mark = head
            .grade_columns
            .iter()
            .any(|&i| i != head.recruited && !not_required(&plain(row[i])));
        if !separator && not_required(&plain(row[head.recruited])) && others_mark {
            dropped += 1;
            continue;
        }
        let kept = keep(&row);
        let refs: Vec<&str> = kept.iter().map(String::as_str).collect();
        out.push_str(&join(&refs, piped));
    }
    // The lines after the table keep their numbers.
    for _ in 0..dropped {
        out.push('\n');
    }
    (Some(out), end)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BRANTHAM_LIKE: &str = "We are recruiting at Grade 9. Only its column is used.\n\n\
        Criteria\tRequirement at each grade\tHow assessed\n\
        Criteria\tOfficer (Grade 7)\tOfficer (Grade 9) – this vacancy\tSenior (Grade 10)\tHow assessed\n\
        <b>Experience</b>\t\n\
        Experience of inspections\tD\tE\tE\tInterview\n\
        Experience of supervising officers\t—\t—\tE\tProgression review\n\
        Basic food hygiene certificate\tE\t—\t—\tCertificates\n\
        Knowledge of food law\t—\tD\tE\tInterview\n\
        \nAfter\n";

    #[test]
    fn only_the_recruited_grades_column_is_kept() {
        let out = recruited(BRANTHAM_LIKE);
        assert_eq!(
            out,
            "We are recruiting at Grade 9. Only its column is used.\n\n\
             Criteria\t<b>Essential / Desirable</b>\tHow assessed\n\
             <b>Experience</b>\t\n\
             Experience of inspections\tE\tInterview\n\
             Knowledge of food law\tD\tInterview\n\
             \n\n\n\nAfter\n"
        );
        // The lines after the table keep their numbers.
        assert_eq!(out.lines().count(), BRANTHAM_LIKE.lines().count());
    }

    #[test]
    fn words_not_required_drop_a_row_and_the_grade_may_be_named_in_prose() {
        let text = "Appointment to this vacancy is at Technician level (Grade 5). You can \
            progress to Engineer (Grade 7).\n\n\
            Criteria\tTechnician – Grade 5\tEngineer – Grade 7\tHow assessed\n\
            A GCSE in maths\tEssential\tEssential\tAF\n\
            An HNC\tDesirable\tEssential\tAF\n\
            An accredited degree\tNot required\tEssential\tAF\n";
        assert_eq!(
            recruited(text),
            "Appointment to this vacancy is at Technician level (Grade 5). You can \
             progress to Engineer (Grade 7).\n\n\
             Criteria\t<b>Essential / Desirable</b>\tHow assessed\n\
             A GCSE in maths\tEssential\tAF\n\
             An HNC\tDesirable\tAF\n\n"
        );
    }

    #[test]
    fn markdown_pipe_tables_are_read_too() {
        let text = "| Criteria | Band 4 (this post) | Band 5 |\n\
            |---|---|---|\n\
            | Degree | D | E |\n\
            | Mentoring | - | E |\n\
            | IT skills | E | E |\n";
        assert_eq!(
            recruited(text),
            "| Criteria | Essential / Desirable |\n\
             | --- | --- |\n\
             | Degree | D |\n\
             | IT skills | E |\n\n"
        );
    }

    #[test]
    fn tables_without_a_recruited_grade_or_marks_are_left_alone() {
        // No column or sentence says which grade is recruited.
        let text = "Criteria\tGrade 7\tGrade 9\n\
            A degree\tD\tE\n\
            Mentoring\t—\tE\n";
        assert!(matches!(recruited(text), Cow::Borrowed(_)));
        // A salary table by grade: no marks.
        let text = "We are recruiting at Grade 5.\n\n\
            Point\tGrade 5\tGrade 6\n\
            1\t£27,000\t£29,000\n\
            2\t£27,500\t£29,700\n";
        assert!(matches!(recruited(text), Cow::Borrowed(_)));
        // Two sentences naming different grades: no choice.
        let text = "We are recruiting at Grade 5. We are also recruiting at Grade 6.\n\n\
            Criteria\tGrade 5\tGrade 6\n\
            A degree\tD\tE\n\
            Mentoring\t—\tE\n";
        assert!(matches!(recruited(text), Cow::Borrowed(_)));
        // One requirement column: no career grade table.
        let text = "Criteria\tGrade 5 (this post)\tHow assessed\nA degree\tE\tAF\nIT\tD\tI\n";
        assert!(matches!(recruited(text), Cow::Borrowed(_)));
    }

    #[test]
    fn grades_are_read_from_words() {
        assert_eq!(grades("senior eho (grade 10)"), vec!["grade 10"]);
        assert_eq!(grades("band 5 or band 6"), vec!["band 5", "band 6"]);
        assert!(grades("a grade of at least merit").is_empty());
        assert!(grades("grades 7, 9 and 10").is_empty());
    }

    #[test]
    fn hostile_grade_tables_rewrite_in_linear_time() {
        let n = 20_000;
        let text = format!(
            "{}Criteria\tGrade 1 (this post)\tGrade 2\n{}",
            "We are recruiting at Grade 1.\n".repeat(n),
            "A\t—\tE\n".repeat(n)
        );
        let started = std::time::Instant::now();
        let out = recruited(&text);
        assert!(out.len() <= text.len() + n);
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Header lines over and over, each a candidate.
        for header in [
            "Criteria\tGrade 1\tGrade 2\n",
            "Criteria\tGrade 1 (this post)\tGrade 2\n",
        ] {
            let text = header.repeat(n);
            let started = std::time::Instant::now();
            let _ = recruited(&text);
            assert!(started.elapsed() < std::time::Duration::from_secs(5));
        }
    }
}
