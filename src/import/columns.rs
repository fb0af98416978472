//! Person specifications printed as the panel's shortlisting matrix, one COLUMN per
//! criterion: a header row of the criteria's texts, under it a row of their marks ('E' /
//! 'D') and a row of how each is assessed ('AF, I'), often with a row of categories above
//! spanning their criteria's columns, then blank rows for the applicants' scores
//! ('Applicant 1' …) and a 'Total' / 'Score' column. Read row by row such a table has no
//! criterion in any row, so its text form is rewritten, transposed, as the ordinary
//! table it prints: a header row (the labels of the criterion, mark and method rows), a
//! category row wherever the category changes, and one row per criterion column. The
//! applicants' rows (no text in any criterion column) and the columns that are not
//! criteria (no mark: 'Total', 'Score') are dropped.
//!
//! The categories' column spans are lost in the text form's tab-separated rows, so the
//! converters (`html`, `docx`) follow a spanning cell's text with one [`SPAN`] character
//! per extra column it covers; [`transposed`] reads them and removes every one of them,
//! so no other reader ever sees them.
//!
//! A table is only rewritten when one of its rows holds at least [`MIN_CRITERIA`]
//! requirement marks in the cells after its label (and nothing else but a trailing
//! column or two), and the row above it holds prose in each of those columns. Linear in
//! the text: each line is read a bounded number of times.

use std::borrow::Cow;

/// Follows a cell spanning columns in the text form, once per extra column it covers.
pub const SPAN: char = '\u{E000}';

/// The most columns a spanning cell is counted to cover (the converters' own bound).
const MAX_SPAN: usize = 64;

/// The fewest criterion columns a shortlisting matrix has.
const MIN_CRITERIA: usize = 3;

/// The fewest words a criterion's text has on average (a matrix's criterion row is
/// prose; a grade table's header row is short names).
const MIN_AVERAGE_WORDS: usize = 3;

/// A cell's text with its span marks: the cell followed by one [`SPAN`] per extra column.
pub fn spanning(cell: String, columns: usize) -> String {
    if columns <= 1 {
        return cell;
    }
    let mut cell = cell;
    for _ in 1..columns.min(MAX_SPAN) {
        cell.push(SPAN);
    }
    cell
}

/// A table row's cells (tab-separated).
fn cells(line: &str) -> Option<Vec<&str>> {
    let trimmed = line.trim_end_matches(['\r', '\n']);
    trimmed
        .contains('\t')
        .then(|| trimmed.split('\t').collect())
}

/// A row's cells on the grid: a cell spanning columns fills each of them (borrowed, so
/// a row takes at most [`MAX_SPAN`] references per cell whatever its cells' length).
fn grid<'a>(row: &[&'a str]) -> Vec<&'a str> {
    let mut out = Vec::with_capacity(row.len());
    for cell in row {
        let text = cell.trim_end_matches(SPAN);
        let extra = ((cell.len() - text.len()) / SPAN.len_utf8()).min(MAX_SPAN);
        for _ in 0..=extra {
            out.push(text);
        }
    }
    out
}

/// A cell's words, without its markup, whitespace collapsed.
fn plain(cell: &str) -> String {
    super::blocks::tagless(cell)
}

/// Whether a cell is a requirement mark.
fn is_mark(cell: &str) -> bool {
    let m = plain(cell).to_lowercase();
    let m = m.trim_end_matches('.');
    matches!(m, "e" | "d" | "essential" | "desirable")
}

/// The text form with every shortlisting matrix transposed into rows, and every span
/// mark removed.
pub fn transposed(text: &str) -> Cow<'_, str> {
    if !text.contains('\t') {
        return strip(Cow::Borrowed(text));
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut index = 0;
    while index < lines.len() {
        if cells(lines[index]).is_none() {
            out.push_str(lines[index]);
            index += 1;
            continue;
        }
        let mut end = index;
        while end < lines.len() && cells(lines[end]).is_some() {
            end += 1;
        }
        match rewrite(&lines[index..end]) {
            Some(table) => {
                out.push_str(&table);
                changed = true;
            }
            None => lines[index..end].iter().for_each(|l| out.push_str(l)),
        }
        index = end;
    }
    if changed {
        strip(Cow::Owned(out))
    } else {
        strip(Cow::Borrowed(text))
    }
}

fn strip(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.contains(SPAN) {
        Cow::Owned(text.chars().filter(|&c| c != SPAN).collect())
    } else {
        text
    }
}

/// The most columns a shortlisting matrix is read with: one per criterion and a few more
/// (a wider row is no matrix, and is not split into cells at all).
const MAX_COLUMNS: usize = 256;

/// A table's rows transposed, when it is a shortlisting matrix.
fn rewrite(table: &[&str]) -> Option<String> {
    // Counted without splitting: a hostile row of millions of tabs costs one scan.
    if table
        .iter()
        .any(|line| line.bytes().filter(|&b| b == b'\t').count() >= MAX_COLUMNS)
    {
        return None;
    }
    let rows: Vec<Vec<&str>> = table
        .iter()
        .map(|&line| grid(&cells(line).unwrap_or_default()))
        .collect();
    // The mark row: the first with MIN_CRITERIA marks after its label and at most two
    // other (trailing) cells.
    let (mark_row, columns) = rows.iter().enumerate().skip(1).find_map(|(i, row)| {
        let marked: Vec<usize> = (1..row.len()).filter(|&j| is_mark(row[j])).collect();
        let others = row.len() - 1 - marked.len();
        (marked.len() >= MIN_CRITERIA && others <= 2 && others < marked.len())
            .then_some((i, marked))
    })?;
    let texts = &rows[mark_row - 1];
    if columns.iter().any(|&j| j >= texts.len()) {
        return None;
    }
    let descriptions: Vec<String> = columns.iter().map(|&j| plain(texts[j])).collect();
    let words: usize = descriptions
        .iter()
        .map(|d| d.split_whitespace().count())
        .sum();
    if descriptions.iter().any(|d| d.is_empty() || is_mark(d))
        || words < MIN_AVERAGE_WORDS * descriptions.len()
    {
        return None;
    }
    // The categories: the row above the criteria's, when it covers their columns with
    // short labels.
    let categories: Option<Vec<String>> = mark_row
        .checked_sub(2)
        .map(|i| &rows[i])
        .filter(|row| {
            columns
                .iter()
                .all(|&j| j < row.len() && !plain(row[j]).is_empty() && row[j].len() <= 200)
        })
        .map(|row| columns.iter().map(|&j| plain(row[j])).collect());
    // The method rows: those below the marks with text in most criterion columns
    // (the applicants' rows below them are blank).
    let mut method_rows: Vec<usize> = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(mark_row + 1).take(2) {
        let filled = columns
            .iter()
            .filter(|&&j| j < row.len() && !plain(row[j]).is_empty())
            .count();
        if filled * 2 <= columns.len() {
            break;
        }
        method_rows.push(i);
    }
    // The rows kept as they are: above the categories (a title row), and below, any
    // that is not blank in every criterion column.
    let first = mark_row - 1 - usize::from(categories.is_some());
    let label = |i: usize, default: &str| {
        let l = plain(rows[i].first().copied().unwrap_or(""));
        if l.is_empty() {
            default.to_string()
        } else {
            l
        }
    };
    let mut out = String::new();
    table[..first].iter().for_each(|l| out.push_str(l));
    let mut header = vec![
        label(mark_row - 1, "Criteria"),
        label(mark_row, "Essential / Desirable"),
    ];
    header.extend(method_rows.iter().map(|&i| label(i, "How assessed")));
    let header: Vec<String> = header.iter().map(|h| format!("<b>{h}</b>")).collect();
    out.push_str(&header.join("\t"));
    out.push('\n');
    let mut category: Option<&str> = None;
    for (n, &j) in columns.iter().enumerate() {
        if let Some(categories) = &categories {
            if category != Some(categories[n].as_str()) {
                category = Some(categories[n].as_str());
                out.push_str(&format!("<b>{}</b>\t\n", categories[n]));
            }
        }
        let mut row = vec![descriptions[n].clone(), plain(rows[mark_row][j])];
        for &i in &method_rows {
            row.push(rows[i].get(j).map_or(String::new(), |c| plain(c)));
        }
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    let below = method_rows.last().map_or(mark_row, |&i| i) + 1;
    for (i, row) in rows.iter().enumerate().skip(below) {
        let blank = columns
            .iter()
            .all(|&j| j >= row.len() || plain(row[j]).is_empty());
        if !blank {
            out.push_str(table[i]);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matrix(category_row: &str) -> String {
        format!(
            "Intro.\n\n{category_row}\
             <b>Criterion</b>\t<b>Degree in a relevant subject</b>\t<b>Experience of managing a team</b>\t<b>Ability to write clear reports</b>\t<b>Total</b>\n\
             <b>E / D</b>\t<b>E</b>\t<b>D</b>\t<b>E</b>\t<b>Total</b>\n\
             <b>Assessed by</b>\t<b>A, C</b>\t<b>A, I</b>\t<b>T</b>\t<b>Total</b>\n\
             <b>Applicant 1</b>\t\t\t\t\n\
             <b>Applicant 2</b>\t\t\t\t\n\nAfter.\n"
        )
    }

    #[test]
    fn a_matrix_of_criterion_columns_reads_as_rows_under_their_spanning_categories() {
        let text = matrix(&format!(
            "<b>Area</b>\t<b>Qualifications</b>\t<b>Experience and skills</b>{SPAN}\t<b>Total</b>\n"
        ));
        let out = transposed(&text);
        assert_eq!(
            out,
            "Intro.\n\n<b>Criterion</b>\t<b>E / D</b>\t<b>Assessed by</b>\n\
             <b>Qualifications</b>\t\n\
             Degree in a relevant subject\tE\tA, C\n\
             <b>Experience and skills</b>\t\n\
             Experience of managing a team\tD\tA, I\n\
             Ability to write clear reports\tE\tT\n\nAfter.\n"
        );
    }

    #[test]
    fn without_a_category_row_the_criteria_have_none() {
        let text = matrix("");
        let out = transposed(&text);
        assert!(out.contains("<b>Criterion</b>\t<b>E / D</b>\t<b>Assessed by</b>\nDegree"));
        assert!(!out.contains("Applicant"));
        assert!(!out.contains("Total"));
    }

    #[test]
    fn ordinary_tables_and_grade_tables_are_left_alone_but_lose_their_span_marks() {
        let rows = "Criteria\tGrade 7\tGrade 8\tGrade 9\n\
                    Experience of audits\tE\tE\tE\n\
                    Chartered status\tD\tD\tE\n";
        assert_eq!(transposed(rows), rows);
        let ordinary = "Criteria\tE/D\nA degree in a relevant subject\tE\n";
        assert_eq!(transposed(ordinary), ordinary);
        let spanned = format!("<b>Experience</b>{SPAN}{SPAN}\t\nA\tE\n");
        assert_eq!(transposed(&spanned), "<b>Experience</b>\t\nA\tE\n");
    }

    #[test]
    fn a_wide_matrix_is_transposed_and_a_huge_one_left_unsplit() {
        let matrix = |n: usize| {
            format!(
                "Criterion\t{}\nE / D\t{}\nAssessed by\t{}\n{}",
                vec!["Experience of a thing"; n].join("\t"),
                vec!["E"; n].join("\t"),
                vec!["I"; n].join("\t"),
                format!("Applicant\t{}\n", "\t".repeat(n)).repeat(50)
            )
        };
        let text = matrix(200);
        let out = transposed(&text);
        assert_eq!(out.lines().count(), 201);
        assert!(out.len() < text.len());
        // Wider than any matrix: not split into cells, left as it is.
        let text = matrix(20_000);
        assert_eq!(transposed(&text), text);
    }

    #[test]
    fn spans_are_bounded() {
        assert_eq!(spanning("a".into(), 1_000_000).chars().count(), MAX_SPAN);
        let line = format!("a{}\tb\n", SPAN.to_string().repeat(100_000));
        let row = cells(&line).unwrap();
        // The spanning cell fills MAX_SPAN + 1 columns, the next cell its own.
        assert_eq!(grid(&row).len(), MAX_SPAN + 2);
    }
}
