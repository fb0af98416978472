//! Criteria tables whose every column after the criterion is headed by a question and
//! answered Yes or No in each row: "Requirement | Essential? | Looked for in your
//! application? | Explored at interview? | Tested on the day?". The requirement question
//! ("Essential?", "Must have?") answered Yes means essential and No desirable (the other
//! way round under "Desirable?"); every other question names a method, which applies
//! where it is answered Yes.
//!
//! Without this the answers read as marks nobody keyed: "No" is no level and "Yes" is no
//! method. Each such table becomes one with a header row (criterion, requirement,
//! methods) and, per criterion, its level and the methods answered Yes in words, which
//! the reading by meaning reads like any criteria table; category rows stay as they are.

use super::blocks::{collapse, Block, BlockKind, Cell};
use super::methods;
use super::records::text_cell;
use crate::domain::{Method, Requirement};

/// The fewest answered rows that make a question table.
const MIN_ROWS: usize = 2;

/// What a question column asks.
#[derive(Debug, Clone, PartialEq)]
enum Question {
    /// Yes means this requirement, No the other.
    Level(Requirement),
    Methods(Vec<Method>),
}

/// What a header question asks; `None` for a cell that is no question or asks neither.
fn question(text: &str) -> Option<Question> {
    let text = collapse(text);
    let asked = text.strip_suffix('?')?.trim();
    let lower = asked.to_lowercase();
    if lower.contains("essential") || lower.contains("must have") || lower == "required" {
        return Some(Question::Level(Requirement::Essential));
    }
    if lower.contains("desirable") || lower.contains("nice to have") {
        return Some(Question::Level(Requirement::Desirable));
    }
    let named = methods::words(asked);
    (!named.is_empty()).then_some(Question::Methods(named))
}

/// The questions of a header row: one per column after the first, one of them the
/// level and at least one a method; `None` for any other row.
fn header(cells: &[Cell]) -> Option<Vec<Question>> {
    if cells.len() < 3 {
        return None;
    }
    let asked: Vec<Question> = cells[1..]
        .iter()
        .map(|c| question(&c.plain()))
        .collect::<Option<_>>()?;
    let levels = asked
        .iter()
        .filter(|q| matches!(q, Question::Level(_)))
        .count();
    (levels == 1 && asked.len() > levels).then_some(asked)
}

/// A Yes / No answer.
fn answer(text: &str) -> Option<bool> {
    let text = collapse(text).to_lowercase();
    match text.trim_end_matches(['.', '!']) {
        "yes" | "y" | "✓" | "✔" => Some(true),
        "no" | "n" | "✗" | "✘" | "x" => Some(false),
        _ => None,
    }
}

/// A criterion row answered under `asked`, rewritten as criterion, level and methods.
fn answered(cells: &[Cell], asked: &[Question]) -> Option<Vec<Cell>> {
    if cells.len() != asked.len() + 1 || cells[0].plain().is_empty() {
        return None;
    }
    let answers: Vec<bool> = cells[1..]
        .iter()
        .map(|c| answer(&c.plain()))
        .collect::<Option<_>>()?;
    let mut level = "";
    let mut named: Vec<Method> = Vec::new();
    for (question, yes) in asked.iter().zip(answers) {
        match question {
            Question::Level(req) => {
                let essential = (*req == Requirement::Essential) == yes;
                level = if essential { "Essential" } else { "Desirable" };
            }
            Question::Methods(ms) if yes => named.extend(ms.iter().copied()),
            Question::Methods(_) => {}
        }
    }
    let named = methods::sort(named);
    let words: Vec<&str> = named.iter().map(|m| method_word(*m)).collect();
    Some(vec![
        cells[0].clone(),
        text_cell(level),
        text_cell(&words.join(", ")),
    ])
}

/// A method in the words a method cell is read from.
fn method_word(method: Method) -> &'static str {
    match method {
        Method::Application => "Application form",
        Method::Interview => "Interview",
        Method::Test => "Test",
        Method::Presentation => "Presentation",
        Method::Documents => "Certificates",
    }
}

/// The blocks with every question table rewritten as a criteria table; `None` when the
/// document has none.
pub fn as_tables(blocks: &[Block]) -> Option<Vec<Block>> {
    let mut out: Vec<Block> = Vec::new();
    let mut found = false;
    let mut index = 0;
    while index < blocks.len() {
        let block = &blocks[index];
        let asked = match &block.kind {
            BlockKind::Row(cells) => header(cells),
            _ => None,
        };
        let Some(asked) = asked else {
            out.push(block.clone());
            index += 1;
            continue;
        };
        // The table: the rows after the header, each a criterion answered under it or
        // another row (a spanning category) kept as it is.
        let mut rows = Vec::new();
        let mut answers = 0;
        let mut end = index + 1;
        while let Some(BlockKind::Row(cells)) = blocks.get(end).map(|b| &b.kind) {
            let row = answered(cells, &asked);
            answers += usize::from(row.is_some());
            rows.push(match row {
                Some(cells) => Block::row(blocks[end].line, cells),
                None => blocks[end].clone(),
            });
            end += 1;
        }
        if answers < MIN_ROWS {
            out.push(block.clone());
            index += 1;
            continue;
        }
        found = true;
        let first = match &block.kind {
            BlockKind::Row(cells) => cells[0].clone(),
            _ => unreachable!("the header is a row"),
        };
        let titles = vec![
            first,
            text_cell("Essential or desirable"),
            text_cell("How assessed"),
        ];
        out.push(Block::row(block.line, titles));
        out.extend(rows);
        index = end;
    }
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::blocks::row_texts as rows;
    use crate::import::text;

    #[test]
    fn header_questions_name_the_level_and_the_methods() {
        assert_eq!(
            question("Essential?"),
            Some(Question::Level(Requirement::Essential))
        );
        assert_eq!(
            question("Must have?"),
            Some(Question::Level(Requirement::Essential))
        );
        assert_eq!(
            question("Explored at interview?"),
            Some(Question::Methods(vec![Method::Interview]))
        );
        assert_eq!(
            question("In the practical exercise?"),
            Some(Question::Methods(vec![Method::Test]))
        );
        assert_eq!(question("How assessed"), None);
        assert_eq!(question("Why?"), None);
    }

    #[test]
    fn answers_become_levels_and_methods() {
        let text = "## Person specification\n\n\
            Requirement\tEssential?\tIn your application?\tAt interview?\tTested on the day?\n\
            Qualifications\t\n\
            A degree in planning\tYes\tYes\tNo\tNo\n\
            A driving licence\tNo\tYes\tYes\tYes\n\
            Knowledge\t\n\
            Knowledge of the law\tYes\tNo\tNo\tNo\n";
        let rewritten = as_tables(&text::blocks(text)).expect("a question table");
        assert_eq!(
            rows(&rewritten),
            vec![
                vec!["Requirement", "Essential or desirable", "How assessed"],
                vec!["Qualifications", ""],
                vec!["A degree in planning", "Essential", "Application form"],
                vec![
                    "A driving licence",
                    "Desirable",
                    "Application form, Test, Interview"
                ],
                vec!["Knowledge", ""],
                vec!["Knowledge of the law", "Essential", ""],
            ]
        );
    }

    #[test]
    fn a_table_without_a_level_question_is_left_alone() {
        let text = "Requirement\tIn your application?\tAt interview?\n\
            A degree\tYes\tNo\n\
            Tact\tNo\tYes\n";
        assert!(as_tables(&text::blocks(text)).is_none());
        // Nor one whose cells are not answered Yes or No.
        let text = "Requirement\tEssential?\tAt interview?\n\
            A degree\tE\tI\n\
            Tact\tD\tI\n";
        assert!(as_tables(&text::blocks(text)).is_none());
    }
}
