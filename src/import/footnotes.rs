//! Methods given as footnote marks stuck to the end of each criterion ("… or above¹,⁴",
//! "… in a team†‡"), explained by a key line under the table or lists ("¹ Application
//! form ² Interview ³ Practical task", "Key: † Application form ‡ Interview"). The marks
//! are method marks, not part of the description: a criterion ending in marks the key
//! defines takes the methods they stand for, and loses the marks.
//!
//! Read from the text form's lines (one pass for the key) and each criterion's
//! description (its trailing marks), so the time is linear in the document.

use super::blocks::collapse;
use super::methods;
use super::ImportedSpec;
use crate::domain::Method;

/// A footnote mark: a superscript digit or a reference symbol.
fn is_mark(c: char) -> bool {
    matches!(
        c,
        '¹' | '²'
            | '³'
            | '⁴'
            | '⁵'
            | '⁶'
            | '⁷'
            | '⁸'
            | '⁹'
            | '⁰'
            | '†'
            | '‡'
            | '§'
            | '¶'
            | '‖'
    )
}

/// A document's footnote key: each mark and the methods it stands for.
type Key = Vec<(char, Vec<Method>)>;

/// The key a line defines: at least two marks, each followed by words naming a method
/// ("¹ Application form ² Interview", "Key: † Application form ‡ Interview"). Text before
/// the first mark ("Key:") is ignored; a mark whose words name no method spoils the line
/// (it is prose with symbols in it, not a key).
fn key_line(line: &str) -> Option<Key> {
    let first = line.find(is_mark)?;
    let mut key: Key = Vec::new();
    let mut rest = &line[first..];
    while let Some(mark) = rest.chars().next() {
        let after = &rest[mark.len_utf8()..];
        let end = after.find(is_mark).unwrap_or(after.len());
        let meaning = &after[..end];
        // "Practical task (with a small group on the interview day)": an aside names no
        // method of its own.
        let found = methods::phrase(&methods::without_asides(meaning));
        if found.is_empty() || key.iter().any(|(m, _)| *m == mark) {
            return None;
        }
        key.push((mark, found));
        rest = &after[end..];
    }
    (key.len() >= 2).then_some(key)
}

/// The first footnote key in a document's text form.
fn find_key(text: &str) -> Option<Key> {
    text.lines()
        .take(250_000)
        .filter(|line| line.len() <= 2_000 && line.contains(is_mark))
        .find_map(|line| key_line(&collapse(line)))
}

/// A description less its trailing marks ("… above¹,⁴" → "… above", [¹, ⁴]); `None`
/// when it ends in no mark.
fn trailing_marks(description: &str) -> Option<(&str, Vec<char>)> {
    let bare = description
        .trim_end()
        .trim_end_matches(|c: char| is_mark(c) || c == ',' || c == ' ');
    let tail = &description.trim_end()[bare.len()..];
    let marks: Vec<char> = tail.chars().filter(|&c| is_mark(c)).collect();
    // "30m²", "a 2 m³ tank": a power of a unit after a number, not a mark.
    let mut words = bare.split_whitespace().rev();
    let last = words.next().unwrap_or("");
    let unit = last.chars().any(|c| c.is_ascii_digit())
        || last.chars().count() <= 2
            && words
                .next()
                .is_some_and(|w| w.chars().all(|c| c.is_ascii_digit() || c == '.'));
    (!marks.is_empty() && !unit).then_some((bare.trim_end(), marks))
}

/// The specifications with the methods a footnote key gives their marked criteria;
/// unchanged when the document has no key.
pub fn apply(mut specs: Vec<ImportedSpec>, text: &str) -> Vec<ImportedSpec> {
    if !text.contains(is_mark) {
        return specs;
    }
    let Some(key) = find_key(text) else {
        return specs;
    };
    for criterion in specs.iter_mut().flat_map(|s| s.criteria.iter_mut()) {
        let Some((bare, marks)) = trailing_marks(&criterion.description) else {
            continue;
        };
        let mut found = Vec::new();
        for mark in &marks {
            match key.iter().find(|(m, _)| m == mark) {
                Some((_, m)) => found.extend(m.iter().copied()),
                // A mark the key does not define: not this key's mark ("… 20m²").
                None => {
                    found.clear();
                    break;
                }
            }
        }
        if found.is_empty() || bare.is_empty() {
            continue;
        }
        criterion.description = bare.to_string();
        criterion.methods = methods::sort(found);
        criterion.methods_stated = true;
    }
    specs
}

#[cfg(test)]
mod tests {
    use super::*;
    use Method::*;

    #[test]
    fn a_key_line_maps_digits_and_symbols_to_methods() {
        let key = key_line("¹ CV ² Panel interview ³ Written test (taken on the day)").unwrap();
        assert_eq!(
            key,
            vec![
                ('¹', vec![Application]),
                ('²', vec![Interview]),
                ('³', vec![Test])
            ]
        );
        let key = key_line("Key: † Shortlisting ‡ Interview ¶ Certificates checked").unwrap();
        assert_eq!(key[2], ('¶', vec![Documents]));
    }

    #[test]
    fn prose_with_a_symbol_is_not_a_key() {
        assert_eq!(key_line("See note † below for the salary scale"), None);
        assert_eq!(key_line("† Interview"), None);
    }

    #[test]
    fn trailing_marks_are_split_from_the_description() {
        assert_eq!(
            trailing_marks("Degree in a science subject²,³"),
            Some(("Degree in a science subject", vec!['²', '³']))
        );
        assert_eq!(
            trailing_marks("Able to drive†‡ "),
            Some(("Able to drive", vec!['†', '‡']))
        );
        assert_eq!(trailing_marks("Office skills, 5 years"), None);
        assert_eq!(trailing_marks("A store of 30m²"), None);
        assert_eq!(trailing_marks("A tank of 2 m³"), None);
    }

    #[test]
    fn marked_criteria_take_the_methods_of_their_marks() {
        use super::super::ImportedCriterion;
        use crate::domain::Requirement;
        let criterion = |d: &str| ImportedCriterion {
            category: "Skills".into(),
            description: d.into(),
            requirement: Requirement::Essential,
            methods: vec![Application],
            alternative_group: None,
            line: 1,
            source: d.into(),
            confidence: 1.0,
            methods_stated: false,
        };
        let spec = ImportedSpec {
            title: None,
            line: 1,
            criteria: vec![
                criterion("Good numeracy¹,²"),
                criterion("Room of 30m²"),
                criterion("Tact"),
            ],
            warnings: Vec::new(),
            conditions: Vec::new(),
            settings: Default::default(),
        };
        let text = "- Good numeracy¹,²\n\n¹ Application form ³ Presentation\n";
        // ² is not in this key: the criterion keeps its reading.
        let out = apply(vec![spec.clone()], text);
        assert_eq!(out[0].criteria[0].description, "Good numeracy¹,²");
        let text = "¹ Application form ² Maths test\n";
        let out = apply(vec![spec], text);
        assert_eq!(out[0].criteria[0].description, "Good numeracy");
        assert_eq!(out[0].criteria[0].methods, vec![Application, Test]);
        assert!(out[0].criteria[0].methods_stated);
        assert_eq!(out[0].criteria[1].description, "Room of 30m²");
        assert_eq!(out[0].criteria[2].methods, vec![Application]);
    }
}
