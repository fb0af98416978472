//! Methods given in a separate grid by criterion number: the criteria are numbered 1..n
//! (in a No. column or typed before each one), and a table whose rows are the assessment
//! methods or selection stages lists, beside each, the numbers of the criteria it
//! assesses, with ranges ("Interview | 1–5, 8, 10", "Rota-building exercise | 3, 6 to 8").
//! A criterion's methods are exactly the rows that list its number.
//!
//! Read from the text form's table lines (one pass), then applied to a specification whose
//! criteria the grid numbers exactly: every number from 1 to the number of criteria listed
//! at least once, and none beyond. Anything else leaves the specification as it was.

use super::blocks::{parse_fragment, Spaces};
use super::methods;
use super::ImportedSpec;
use crate::domain::Method;

/// The largest criterion number read (no specification numbers more).
const MAX_NUMBER: usize = 500;

/// The numbers a cell lists: "1–5, 8, 10", "3, 6 to 8 and 12", "2-4; 7". A range includes
/// both ends. `None` when the cell holds anything but numbers, ranges and separators.
fn numbers(cell: &str) -> Option<Vec<usize>> {
    let text = cell
        .replace(['–', '—', '‑', '−'], "-")
        .replace(" to ", "-")
        .replace(" and ", ",")
        .replace(['&', ';'], ",");
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim().trim_end_matches('.');
        if part.is_empty() {
            continue;
        }
        let (from, to) = match part.split_once('-') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (part, part),
        };
        let from: usize = from.parse().ok()?;
        let to: usize = to.parse().ok()?;
        if from == 0 || to < from || to > MAX_NUMBER {
            return None;
        }
        out.extend(from..=to);
    }
    (!out.is_empty()).then_some(out)
}

/// The methods a grid row's first cell names ("Timetabling exercise (45 minutes, on the
/// interview day)", "Certificates (bring them to interview)", "Shortlisting (application
/// form)"): the words outside brackets, or those inside when outside names none.
fn row_methods(label: &str) -> Vec<Method> {
    let bare = methods::without_asides(label);
    let found = methods::phrase(&bare);
    if found.is_empty() {
        methods::phrase(label)
    } else {
        found
    }
}

/// A document's grid: each row's methods and the criterion numbers it lists. Rows of two
/// cells, the first naming a method, the second only numbers; two or more such rows.
fn grid(text: &str) -> Option<Vec<(Vec<Method>, Vec<usize>)>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let cells: Vec<&str> = if line.contains('\t') {
            line.split('\t').collect()
        } else if let Some(inner) = line
            .trim()
            .strip_prefix('|')
            .and_then(|l| l.strip_suffix('|'))
        {
            inner.split('|').collect()
        } else {
            continue;
        };
        let cells: Vec<String> = cells
            .iter()
            .map(|c| parse_fragment(c, Spaces::Collapse).plain())
            .filter(|c| !c.is_empty())
            .collect();
        if cells.len() != 2 || cells[0].len() > 200 || cells[1].len() > 400 {
            continue;
        }
        let Some(listed) = numbers(&cells[1]) else {
            continue;
        };
        let found = row_methods(&cells[0]);
        if found.is_empty() || rows.len() >= 20 {
            continue;
        }
        rows.push((found, listed));
    }
    (rows.len() >= 2).then_some(rows)
}

/// Each criterion's methods (criterion `i` is number `i + 1`), when the grid numbers
/// exactly `count` criteria: every number up to `count` listed, none beyond.
fn methods_by_number(rows: &[(Vec<Method>, Vec<usize>)], count: usize) -> Option<Vec<Vec<Method>>> {
    if count < 2 {
        return None;
    }
    let mut out: Vec<Vec<Method>> = vec![Vec::new(); count];
    for (found, listed) in rows {
        for &n in listed {
            out.get_mut(n - 1)?.extend(found.iter().copied());
        }
    }
    if out.iter().any(Vec::is_empty) {
        return None;
    }
    Some(out.into_iter().map(methods::sort).collect())
}

/// The specifications with the methods a number grid gives their criteria; unchanged
/// when the document has no grid or the grid does not number a specification's criteria.
pub fn apply(mut specs: Vec<ImportedSpec>, text: &str) -> Vec<ImportedSpec> {
    let Some(rows) = grid(text) else {
        return specs;
    };
    for spec in &mut specs {
        let Some(found) = methods_by_number(&rows, spec.criteria.len()) else {
            continue;
        };
        for (criterion, m) in spec.criteria.iter_mut().zip(found) {
            criterion.methods = m;
            criterion.methods_stated = true;
        }
    }
    specs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_ranges_in_a_cell() {
        assert_eq!(numbers("1–5, 8, 10"), Some(vec![1, 2, 3, 4, 5, 8, 10]));
        assert_eq!(
            numbers("3, 6 to 8, 10 to 11"),
            Some(vec![3, 6, 7, 8, 10, 11])
        );
        assert_eq!(numbers("2 and 4"), Some(vec![2, 4]));
        assert_eq!(numbers("12"), Some(vec![12]));
        assert_eq!(numbers("Interview"), None);
        assert_eq!(numbers("5–3"), None);
        assert_eq!(numbers("0, 1"), None);
        assert_eq!(numbers("1 – 100000"), None);
        assert_eq!(numbers(""), None);
    }

    #[test]
    fn a_grid_of_method_rows_listing_criterion_numbers() {
        let text = "Assessment method\tCriteria assessed (by number)\n\
                    Application form and supporting statement\t1–3, 5\n\
                    Interview\t3 to 5\n\
                    Timetabling exercise (45 minutes, on the interview day)\t4\n\
                    Certificates (bring them to interview)\t1, 2\n";
        let rows = grid(text).expect("a grid");
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[2].0, vec![Method::Test]);
        assert_eq!(rows[3].0, vec![Method::Documents]);
        let by = methods_by_number(&rows, 5).expect("every criterion listed");
        assert_eq!(by[0], vec![Method::Application, Method::Documents]);
        assert_eq!(by[3], vec![Method::Test, Method::Interview]);
        assert_eq!(by[4], vec![Method::Application, Method::Interview]);
        // A grid that does not number exactly these criteria gives nothing.
        assert_eq!(methods_by_number(&rows, 4), None);
        assert_eq!(methods_by_number(&rows, 6), None);
    }

    #[test]
    fn stage_labels_read_outside_their_brackets() {
        assert_eq!(
            row_methods("Shortlisting (application form)"),
            vec![Method::Application]
        );
        assert_eq!(
            row_methods("Pre-employment document check"),
            vec![Method::Documents]
        );
        assert_eq!(row_methods("Grade"), Vec::<Method>::new());
    }

    #[test]
    fn a_table_of_other_numbers_is_no_grid() {
        // One row of numbers is not a grid; salary points are not methods.
        assert_eq!(grid("Interview\t1, 2\nGrade\t5\n"), None);
    }
}
