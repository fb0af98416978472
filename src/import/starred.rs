//! Shortlisting criteria marked with an asterisk after their text ("Experience of … *"),
//! explained by a note: "Criteria marked * will be used to shortlist, so make sure your
//! application shows how you meet them. All criteria will be assessed at interview.
//! Criteria 4 and 7 will also be assessed through a practical exercise." The asterisk is a
//! method mark, not a requirement mark: starred criteria take the note's shortlisting
//! methods, every criterion the methods the note gives for all, and criteria named by
//! number the methods named for them.
//!
//! The text form drops a markdown asterisk from the document model, so the marks are read
//! from the text form's lines.

use super::blocks::collapse;
use super::conditions;
use super::methods;
use super::ImportedSpec;
use crate::domain::Method;

/// What a document's asterisk note says.
#[derive(Debug, Default, PartialEq)]
struct Note {
    /// The methods of the starred (shortlisting) criteria.
    starred: Vec<Method>,
    /// The methods of every criterion ("All criteria will be assessed at interview").
    all: Vec<Method>,
    /// The methods of the criteria without an asterisk ("all other criteria will be
    /// assessed at interview").
    unstarred: Vec<Method>,
    /// Criteria named by number (1-based) and the methods they also take.
    numbered: Vec<(Vec<usize>, Vec<Method>)>,
    /// The note adds to what the rest of the document says ("The ones marked * will also
    /// be covered by the scenario exercise"): starred criteria keep their methods.
    also: bool,
}

/// Text without what stands between `open` and `close` (nested), each such span left as
/// `gap`: HTML tags (a space), parenthesised asides such as "(listing a small bundle of
/// documents)" (nothing).
fn outside(text: &str, open: char, close: char, gap: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        if c == open {
            depth += 1;
        } else if c == close && depth > 0 {
            depth -= 1;
            if depth == 0 {
                out.push_str(gap);
            }
        } else if depth == 0 {
            out.push(c);
        }
    }
    out
}

/// Text without HTML tags.
fn untagged(line: &str) -> String {
    outside(line, '<', '>', " ")
}

/// The methods a note sentence names, less when things happen ("on the interview day").
fn named(sentence: &str) -> Vec<Method> {
    let l = outside(&sentence.to_lowercase(), '(', ')', "")
        .replace("interview day", "day")
        .replace("shortlisted candidates", "")
        .replace("shortlist candidates", "shortlist");
    methods::words(&l)
}

/// Whether a sentence explains an asterisk mark.
fn explains_asterisk(l: &str) -> bool {
    [
        "asterisk",
        "marked *",
        "marked with *",
        "marked with a *",
        "(*)",
        "starred",
    ]
    .iter()
    .any(|p| l.contains(p))
}

/// Whether a clause says how criteria are assessed.
fn assessing(l: &str) -> bool {
    [
        "assess", "explore", "tested", "test", "evaluat", "examine", "consider", "covered",
    ]
    .iter()
    .any(|v| l.contains(v))
}

/// "Criteria 4 and 7 will also be …", "Criterion 3 is also …", "Items 2 and 5 …": the
/// numbers named.
fn criterion_numbers(l: &str) -> Option<Vec<usize>> {
    let rest = ["criteria ", "criterion ", "items ", "item "]
        .iter()
        .find_map(|p| l.strip_prefix(p))?;
    let mut numbers = Vec::new();
    for word in rest.split_whitespace() {
        let w = word.trim_matches(|c: char| matches!(c, ',' | '.' | ';'));
        if let Ok(n) = w.parse::<usize>() {
            if n == 0 || n > 500 {
                return None;
            }
            numbers.push(n);
        } else if matches!(w, "and" | "&" | "or" | "") {
            continue;
        } else {
            break;
        }
    }
    (!numbers.is_empty()).then_some(numbers)
}

/// The asterisk note of a document's text, if it has one.
fn note(text: &str) -> Option<Note> {
    let mut found: Option<Note> = None;
    let mut all = Vec::new();
    let mut unstarred = Vec::new();
    let mut numbered = Vec::new();
    for line in text.lines().take(20_000) {
        let plain = collapse(&untagged(line));
        if plain.len() > 2_000 {
            continue;
        }
        let clauses = conditions::sentences(&plain)
            .into_iter()
            .flat_map(|s| s.split("; ").map(str::to_string).collect::<Vec<_>>());
        for sentence in clauses {
            let l = sentence.to_lowercase();
            let others = [
                "all other criteria",
                "other criteria",
                "remaining criteria",
                "unstarred",
                "not starred",
                "without an asterisk",
                "without a star",
                "not marked",
            ]
            .iter()
            .any(|p| l.contains(p));
            if others && assessing(&l) {
                if unstarred.is_empty() {
                    unstarred = named(&sentence);
                }
            } else if explains_asterisk(&l) {
                // "* = essential" is a requirement key, not a shortlisting mark.
                let m = named(&sentence);
                if m.is_empty() && (l.contains("essential") || l.contains("desirable")) {
                    return None;
                }
                if !m.is_empty() && found.is_none() {
                    found = Some(Note {
                        starred: m,
                        also: l.contains(" also "),
                        ..Note::default()
                    });
                }
            } else if (l.contains("all criteria")
                || l.contains("all the criteria")
                || l.contains("all of the criteria")
                || l.contains("every criterion"))
                && assessing(&l)
            {
                if all.is_empty() {
                    all = named(&sentence);
                }
            } else if let Some(numbers) = criterion_numbers(&l) {
                let m = named(&sentence);
                if !m.is_empty() && numbered.len() < 20 {
                    numbered.push((numbers, m));
                }
            }
        }
    }
    let mut note = found?;
    note.all = all;
    note.unstarred = unstarred;
    note.numbered = numbered;
    Some(note)
}

/// Whether the criterion read from `line` (1-based) of the text form has an asterisk
/// straight after its text. The item may run on to the lines after it (a PDF's text).
fn is_starred(lines: &[&str], line: usize, description: &str) -> bool {
    let Some(first) = line.checked_sub(1) else {
        return false;
    };
    starred_at(lines, first, description)
}

/// Whether the item starting at `first` (0-based) of the text form holds `description`
/// with an asterisk straight after it.
fn starred_at(lines: &[&str], first: usize, description: &str) -> bool {
    let mut joined = String::new();
    for l in lines.iter().skip(first).take(6) {
        if l.trim().is_empty() && !joined.is_empty() {
            break;
        }
        joined.push(' ');
        joined.push_str(&untagged(l));
    }
    let joined = collapse(&joined).to_lowercase();
    let want = collapse(description).to_lowercase();
    if want.is_empty() {
        return false;
    }
    joined.match_indices(&want).any(|(at, _)| {
        let after = joined[at + want.len()..].trim_start();
        after.starts_with('*') && !after.starts_with("**") || after.starts_with("(*)")
    })
}

/// The specifications with the methods an asterisk note gives their criteria; unchanged
/// when the document has no such note or no starred criterion.
pub fn apply(mut specs: Vec<ImportedSpec>, text: &str) -> Vec<ImportedSpec> {
    if !text.contains('*') {
        return specs;
    }
    let Some(note) = note(text) else {
        return specs;
    };
    let lines: Vec<&str> = text.lines().collect();
    for spec in &mut specs {
        if spec.criteria.len() > 2_000 {
            continue;
        }
        // A criterion not found on its own line (the line numbers of a reading that
        // joined lines) is looked for in the whole text, for documents of ordinary size.
        let search = spec.criteria.len().saturating_mul(lines.len()) <= 2_000_000;
        let starred: Vec<bool> = spec
            .criteria
            .iter()
            .map(|c| {
                c.description.trim_end().ends_with('*')
                    || is_starred(&lines, c.line, &c.description)
                    || search && (0..lines.len()).any(|at| starred_at(&lines, at, &c.description))
            })
            .collect();
        if !starred.contains(&true) {
            continue;
        }
        for (n, (criterion, star)) in spec.criteria.iter_mut().zip(starred).enumerate() {
            // The mark is not part of the description: "… *", "… (*)".
            let bare = criterion
                .description
                .trim_end()
                .trim_end_matches("(*)")
                .trim_end_matches('*')
                .trim_end()
                .to_string();
            let star = star || bare.len() < criterion.description.len();
            if !bare.is_empty() {
                criterion.description = bare;
            }
            let mut found = note.all.clone();
            if star && note.also {
                found.extend(criterion.methods.iter().copied());
            }
            if star {
                found.extend(note.starred.iter().copied());
            } else {
                found.extend(note.unstarred.iter().copied());
            }
            for (numbers, m) in &note.numbered {
                if numbers.contains(&(n + 1)) {
                    found.extend(m.iter().copied());
                }
            }
            if found.is_empty() {
                continue;
            }
            criterion.methods = methods::sort(found);
            criterion.methods_stated = true;
        }
    }
    specs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_gives_starred_all_and_numbered_methods() {
        let text = "Criteria marked * will be used to shortlist candidates, so please make \
                    sure your application form shows how you meet them. All criteria will be \
                    assessed at interview. Criteria 4 and 7 will also be assessed through a \
                    short practical exercise (listing a small bundle of documents) on the \
                    interview day.";
        let found = note(text).expect("a note");
        assert_eq!(found.starred, vec![Method::Application]);
        assert_eq!(found.all, vec![Method::Interview]);
        assert_eq!(found.numbered, vec![(vec![4, 7], vec![Method::Test])]);
    }

    #[test]
    fn a_note_on_the_other_criteria_gives_the_unstarred_their_methods() {
        let text = "Criteria marked with an asterisk will be assessed from your supporting \
                    statement and at interview; all other criteria will be explored at \
                    interview. Items 2 and 3 will also be tested by a short exercise.";
        let found = note(text).expect("a note");
        assert_eq!(found.starred, vec![Method::Application, Method::Interview]);
        assert_eq!(found.unstarred, vec![Method::Interview]);
        assert!(found.all.is_empty());
        assert_eq!(found.numbered, vec![(vec![2, 3], vec![Method::Test])]);
    }

    #[test]
    fn a_symbol_key_is_not_a_shortlisting_note() {
        assert_eq!(
            note("Key: criteria marked * are essential, + desirable."),
            None
        );
    }

    #[test]
    fn the_asterisk_must_follow_the_text() {
        let lines = vec![
            "- Degree or equivalent experience *",
            "",
            "- Teaching qualification",
            "<li>Good written skills*</li>",
            "**Experience**",
        ];
        assert!(is_starred(&lines, 1, "Degree or equivalent experience"));
        assert!(!is_starred(&lines, 3, "Teaching qualification"));
        assert!(is_starred(&lines, 4, "Good written skills"));
        assert!(!is_starred(&lines, 5, "Experience"));
        assert!(is_starred(&["Good IT skills (*)"], 1, "Good IT skills"));
    }

    #[test]
    fn numbers_are_read_after_criteria() {
        assert_eq!(criterion_numbers("criteria 4 and 7 will"), Some(vec![4, 7]));
        assert_eq!(
            criterion_numbers("criterion 3, 5 & 9 are"),
            Some(vec![3, 5, 9])
        );
        assert_eq!(criterion_numbers("criteria will be"), None);
    }
}
