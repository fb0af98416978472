//! Option lines with tick boxes: "Requirement:  [X] Essential   [ ] Desirable",
//! "☒ Application form ☐ Interview". A form that offers its options with boxes and ticks
//! some of them means only the ticked ones: the unticked options are dropped from the text
//! form (with their boxes) and the ticked ones keep their words, so every reader after
//! this sees only what applies.
//!
//! Only a line holding both a ticked and an unticked box is rewritten: a line of empty
//! boxes alone is a form for the candidate to fill in (a checklist), not a choice made.
//! Linear in the text: each line is scanned once.

use std::borrow::Cow;

/// Boxes, longest first where one is a prefix of another.
const TICKED: [&str; 4] = ["☒", "☑", "[X]", "[x]"];
const UNTICKED: [&str; 2] = ["☐", "[ ]"];

/// Tick marks that choose an option only when written before its words ("✓ Interview"):
/// alone in a cell they are a tick column's mark, which this leaves alone.
const TICKS: [&str; 2] = ["✓", "✔"];

/// The box starting `rest`: its length and whether it is ticked.
fn box_at(rest: &str) -> Option<(usize, bool)> {
    if let Some(b) = TICKED.iter().find(|b| rest.starts_with(**b)) {
        return Some((b.len(), true));
    }
    if let Some(t) = TICKS.iter().find(|t| rest.starts_with(**t)) {
        let option = rest[t.len()..]
            .trim_start_matches(' ')
            .starts_with(char::is_alphabetic);
        return option.then_some((t.len(), true));
    }
    UNTICKED
        .iter()
        .find(|b| rest.starts_with(**b))
        .map(|b| (b.len(), false))
}

/// Where an option's words end: at the next box, a tag (a cell's next paragraph), a tab
/// (the next cell) or the end of the line.
fn option_end(line: &str, from: usize) -> usize {
    line[from..]
        .char_indices()
        .find(|&(i, c)| {
            matches!(c, '<' | '\t' | '\n' | '\r') || box_at(&line[from + i..]).is_some()
        })
        .map_or(line.len(), |(i, _)| from + i)
}

fn has_box(line: &str, ticked: bool) -> bool {
    let boxes: &[&str] = if ticked { &TICKED } else { &UNTICKED };
    boxes.iter().any(|b| line.contains(b))
        || ticked
            && TICKS.iter().any(|t| {
                line.match_indices(t)
                    .any(|(at, _)| box_at(&line[at..]).is_some())
            })
}

/// One line with its unticked options dropped and its ticked options' boxes removed.
fn chosen_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut at = 0;
    while at < line.len() {
        let rest = &line[at..];
        match box_at(rest) {
            Some((len, true)) => {
                at += len;
                // The space after the box goes with it.
                if line[at..].starts_with(' ') {
                    at += 1;
                }
            }
            Some((len, false)) => at = option_end(line, at + len),
            None => {
                let c = rest.chars().next().unwrap_or(' ');
                out.push(c);
                at += c.len_utf8();
            }
        }
    }
    out
}

/// The text form with every option line's unticked options dropped.
pub fn chosen(text: &str) -> Cow<'_, str> {
    if !has_box(text, true) || !has_box(text, false) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        if has_box(line, true) && has_box(line, false) {
            out.push_str(&chosen_line(line));
        } else {
            out.push_str(line);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_ticked_options_are_kept() {
        assert_eq!(
            chosen("Requirement:  [X] Essential   [ ] Desirable\n"),
            "Requirement:  Essential   \n"
        );
        assert_eq!(
            chosen("Assessed by:  [x] Application form   [ ] Interview   [X] Practical test\n"),
            "Assessed by:  Application form   Practical test\n"
        );
    }

    #[test]
    fn cell_paragraphs_are_options_of_their_own() {
        assert_eq!(
            chosen("A degree\t<p>☐ Essential</p> <p>☒ Desirable</p>\t<p>☑ Application form</p> <p>☐ Interview</p>\n"),
            "A degree\t<p></p> <p>Desirable</p>\t<p>Application form</p> <p></p>\n"
        );
    }

    #[test]
    fn a_tick_before_an_option_chooses_it() {
        assert_eq!(
            chosen("How assessed: ✓ Application form ☐ Interview ✔ Practical test\n"),
            "How assessed: Application form Practical test\n"
        );
        // A tick column's mark beside an empty box is no option.
        let row = "Full licence\t✓\t☐\n";
        assert_eq!(chosen(row), row);
    }

    #[test]
    fn lines_without_a_choice_are_left_alone() {
        // Empty boxes only: a checklist for the candidate, not a choice.
        let checklist = "- [ ] Copy of your degree certificate\n- [ ] Two referees\n";
        assert_eq!(chosen(checklist), checklist);
        let text = "[X] Essential\n[ ] Desirable\n";
        assert_eq!(chosen(text), text);
    }
}
