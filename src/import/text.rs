//! Reads the text form (markdown whose tables are lines of tab-separated cells holding HTML)
//! into blocks. The other formats are rendered to this form first, so its line numbers are
//! the ones warnings report.

use super::blocks::{is_bullet_glyph, parse_fragment, Block, BlockKind, Cell, Spaces, BREAK};

/// The most structure marks (see [`marks`]) a document's text form may hold. The largest
/// real document, a council's pack of fifty specifications, has about 14,000 (one per 30
/// bytes or more); a document of nothing but marks would turn each into a block, cell or
/// item of 100–300 bytes, so without a limit 8 MiB of `a\t\n` took a gigabyte.
pub const MAX_MARKS: usize = 250_000;

/// The number of line breaks, tabs, pipes, `<` and bullet glyphs in a text form: each
/// block, table cell and list item needs at least one, so they bound the memory reading
/// it into blocks takes.
pub fn marks(text: &str) -> usize {
    text.chars()
        .filter(|&c| matches!(c, '\n' | '\t' | '|' | '<') || is_bullet_glyph(c))
        .count()
}

pub fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut paragraph = Paragraph::default();
    let symbols = text.lines().find_map(symbol_key);
    let lines: Vec<&str> = text.lines().collect();
    // Columns aligned with runs of spaces, on two or more lines running: a table typed
    // out (or exported) as plain text.
    // A dot-leader line ("Excellent written English ...... E   AF") is a criterion of its
    // own, whatever spaces it holds: never a cell of a typed table, never joined to the next.
    let leader = |l: &str| !l.contains('\t') && super::leaders::split(l).is_some();
    let aligned: Vec<bool> = lines
        .iter()
        .map(|l| spaced_cells(l).is_some() && !leader(l))
        .collect();
    let in_table = |i: usize| {
        aligned[i] && (i > 0 && aligned[i - 1] || aligned.get(i + 1).copied().unwrap_or(false))
    };
    // Lines of a labelled record ("Requirement: …" / "Essential/Desirable: …"): rows.
    let fields = record_fields(&lines);
    // The last block is a list item whose indented next lines continue it.
    let mut item_open = false;
    for (index, raw) in lines.iter().enumerate() {
        let line = index + 1;
        let raw = raw.trim_end_matches('\r');
        let was_item_open = std::mem::take(&mut item_open);
        let pipe_row =
            pipe_cells(raw).or_else(|| in_table(index).then(|| spaced_cells(raw)).flatten());
        // A record's `Label: value` line is a row of two cells.
        let field = fields[index].then(|| field_line(raw)).flatten();
        // A bullet pasted from Word keeps its glyph and tab ("•\tExperience", "\to\tDegree"):
        // a list item, not a row of cells.
        let tabbed = tab_bullet(raw);
        // A short line between tab-separated rows ("Skills" between two criteria rows):
        // the table's category row, its one cell spanning the columns.
        let tabbed_row = |i: usize| {
            lines
                .get(i)
                .is_some_and(|l| l.contains('\t') && tab_bullet(l).is_none())
        };
        let category_row = !raw.contains('\t')
            && !raw.trim().is_empty()
            && raw.split_whitespace().count() <= 6
            && index > 0
            && tabbed_row(index - 1)
            && tabbed_row(index + 1)
            && list_item(raw).is_none();
        let pipe_row = if category_row {
            Some(vec![raw.trim()])
        } else {
            pipe_row
        };
        if tabbed.is_none() && (raw.contains('\t') || pipe_row.is_some() || field.is_some()) {
            paragraph.flush(&mut out);
            if !is_separator(raw) {
                let (cells, spaces) = match field {
                    Some((label, value)) => (vec![label, value], Spaces::Collapse),
                    None => (
                        pipe_row.unwrap_or_else(|| raw.split('\t').collect()),
                        Spaces::Significant,
                    ),
                };
                let cells = cells
                    .into_iter()
                    .map(|cell| parse_fragment(&strip_markdown_cell(cell), spaces))
                    .collect();
                out.push(Block {
                    line,
                    kind: BlockKind::Row(cells),
                    level: 0,
                });
            }
            continue;
        }
        let trimmed = raw.trim();
        if trimmed.is_empty() || is_separator(trimmed) {
            paragraph.flush(&mut out);
        } else if let Some((level, heading)) = lines
            .get(index + 1)
            .and_then(|next| underline(trimmed, next))
            // A setext heading: a title underlined with `===` or `---`.
            .map(|level| (level, trimmed))
            .or_else(|| heading(trimmed))
        {
            paragraph.flush(&mut out);
            let text = parse_fragment(&strip_markdown(heading), Spaces::Collapse).plain();
            out.push(Block {
                line,
                kind: BlockKind::Heading(text),
                level,
            });
        } else if let Some(title) = section_heading(raw, &lines[index + 1..]) {
            // `1. Qualifications` over items `1.1`, `1.2`: a heading, not an item.
            paragraph.flush(&mut out);
            let text = parse_fragment(&strip_markdown(title), Spaces::Collapse).plain();
            out.push(Block {
                line,
                kind: BlockKind::Heading(text),
                level: 3,
            });
        } else if let Some(BlockKind::ListItem { text, .. }) = out
            .last_mut()
            .map(|b| &mut b.kind)
            .filter(|_| was_item_open && raw.starts_with("  ") && list_item(raw).is_none())
        {
            // An indented line under a list item continues it (an assessment line, a
            // wrapped sentence).
            let more = parse_fragment(&strip_markdown(trimmed), Spaces::Significant).plain();
            text.push(BREAK);
            text.push_str(&more);
            item_open = true;
        } else if let Some((depth, item)) = tabbed
            .or_else(|| list_item(raw))
            .filter(|_| symbol_key(raw).is_none())
        {
            paragraph.flush(&mut out);
            item_open = true;
            let mut text = parse_fragment(&strip_markdown(item), Spaces::Significant).plain();
            // Bullets whose symbol the key gives a requirement: the mark, written out.
            if let Some((essential, desirable)) = symbols {
                let marker = trimmed.chars().next();
                if marker == Some(essential) {
                    text.insert_str(0, "(E) ");
                } else if marker == Some(desirable) {
                    text.insert_str(0, "(D) ");
                }
            }
            out.push(Block {
                line,
                kind: BlockKind::ListItem { depth, text },
                level: 0,
            });
        } else if leader(raw) {
            paragraph.flush(&mut out);
            paragraph.line = line;
            paragraph.text.push_str(trimmed);
            paragraph.flush(&mut out);
        } else {
            if paragraph.text.is_empty() {
                paragraph.line = line;
            } else {
                paragraph.text.push(' ');
            }
            paragraph.text.push_str(trimmed);
            // Markdown's hard line break: two trailing spaces.
            if raw.ends_with("  ") {
                paragraph.text.push(BREAK);
            }
        }
    }
    paragraph.flush(&mut out);
    out
}

#[derive(Default)]
struct Paragraph {
    line: usize,
    text: String,
}

impl Paragraph {
    fn flush(&mut self, out: &mut Vec<Block>) {
        let text = std::mem::take(&mut self.text);
        if text.is_empty() {
            return;
        }
        let cell: Cell = parse_fragment(&strip_markdown(&text), Spaces::Significant);
        if !cell.is_empty() {
            out.push(Block {
                line: self.line,
                kind: BlockKind::Paragraph(cell),
                level: 0,
            });
        }
    }
}

/// A markdown table rule (`---|---`) or horizontal rule.
/// The cells of a markdown pipe-table row (`| Degree | ✓ | |`), as converters such as
/// pandoc write Word tables; `None` for any other line.
fn pipe_cells(line: &str) -> Option<Vec<&str>> {
    let inner = line.trim().strip_prefix('|')?.strip_suffix('|')?;
    Some(inner.split('|').collect())
}

fn is_separator(line: &str) -> bool {
    let mut dashes = false;
    for c in line.chars() {
        match c {
            '-' | '=' => dashes = true,
            ':' | '|' | '\t' | ' ' => {}
            _ => return false,
        }
    }
    dashes
}

/// The level of a setext heading (1 under `===`, 2 under `---`) when `next` underlines
/// `line`: three or more of one of those characters and nothing else, under a short line
/// that is no list item and no sentence.
pub(super) fn underline(line: &str, next: &str) -> Option<usize> {
    let rule = next.trim();
    let first = rule.chars().next()?;
    if !matches!(first, '=' | '-') || rule.len() < 3 || rule.chars().any(|c| c != first) {
        return None;
    }
    let words = line.split_whitespace().count();
    // A rule drawn the title's whole length is drawn for it: a longer title will do
    // ("Part one – What we will look for in your application form").
    let drawn_to_length = rule.chars().count() >= line.trim().chars().count();
    let most = if drawn_to_length { 16 } else { 10 };
    let title = (1..=most).contains(&words)
        && !line.ends_with(['.', ',', ';', ':'])
        && !line.contains('\t')
        && !line.starts_with('|')
        // "Q4. What experience do I need?" underlined its whole length is a heading,
        // though it opens like a numbered item.
        && (list_item(line).is_none() || drawn_to_length && !line.starts_with(['-', '*', '•']));
    title.then_some(if first == '=' { 1 } else { 2 })
}

/// A markdown heading: its level and text.
pub(super) fn heading(line: &str) -> Option<(usize, &str)> {
    let text = line.trim_start_matches('#');
    let level = line.len() - text.len();
    (1..=6)
        .contains(&level)
        .then_some(text)
        .filter(|t| t.starts_with(' ') || t.is_empty())
        .map(|t| (level, t.trim()))
}

/// A key giving bullet symbols a requirement: `* = essential   + = desirable`,
/// `Key: + essential, - desirable`. Returns the (essential, desirable) symbols.
fn symbol_key(line: &str) -> Option<(char, char)> {
    if line.len() > 120 {
        return None;
    }
    let compact: String = line
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '=' | ':' | '–' | '—'))
        .collect();
    let compact = compact.strip_prefix("key").unwrap_or(&compact);
    let symbol_before = |word: &str| {
        let at = compact.find(word)?;
        compact[..at]
            .chars()
            .next_back()
            .filter(|c| matches!(c, '*' | '+' | '-' | '#' | '†' | '•' | '✱'))
    };
    let essential = symbol_before("essential")?;
    let desirable = symbol_before("desirable")?;
    (essential != desirable).then_some((essential, desirable))
}

/// The most tabs a pasted bullet line may open with (Word's list levels stop at 9).
const MAX_TAB_INDENT: usize = 9;

/// A bullet of a list pasted from Word as plain text: tabs of indentation, the glyph, a
/// tab, the item (`•\tQualifications`, `\to\tDegree – essential`). Word's second-level
/// glyph is `o` and its third `§` (Wingdings ▪), so the glyph gives the depth when the
/// indentation is lost. Only one tab may follow the glyph's: a line with more is a row.
fn tab_bullet(line: &str) -> Option<(usize, &str)> {
    let body = line.trim_start_matches('\t');
    let tabs = line.len() - body.len();
    if tabs > MAX_TAB_INDENT {
        return None;
    }
    let mut chars = body.chars();
    let glyph = chars.next()?;
    let level = match glyph {
        'o' | '◦' | '○' => 1,
        '§' | '▪' => 2,
        '•' | '●' | '·' | '\u{f0b7}' => 0,
        _ => return None,
    };
    let item = chars.as_str().strip_prefix('\t')?.trim();
    if item.is_empty() || item.contains('\t') {
        return None;
    }
    Some((tabs.max(level), item))
}

/// `- item`, `* item`, `+ item`, `1. item`, `1) item`; nesting from the indentation.
fn list_item(line: &str) -> Option<(usize, &str)> {
    let body = line.trim_start();
    let indent = line.len() - body.len();
    let depth = indent / 2;
    // "o " is the bullet of a list typed in plain text (Word's second-level glyph); "» ",
    // "› " and "→ " are typed as bullets too.
    for marker in ["- ", "* ", "+ ", "o ", "» ", "› ", "→ "] {
        if let Some(item) = body.strip_prefix(marker) {
            return Some((depth, item.trim()));
        }
    }
    // Sub-numbers and letters: `1.1 item`, `2.3. item`, `a) item`, `(ii) item`.
    if let Some(item) = super::criteria::sub_number_rest(body) {
        return Some((depth, item.trim()));
    }
    if let Some(item) = letter_item(body) {
        return Some((depth + 1, item.trim()));
    }
    if code_item(body) {
        return Some((depth, body.trim()));
    }
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &body[digits..];
        for marker in [". ", ") "] {
            if let Some(item) = rest.strip_prefix(marker) {
                return Some((depth, item.trim()));
            }
        }
    }
    None
}

/// The cells of a line whose columns are set apart by runs of three or more spaces
/// (`Degree in social work      E      A/I`); `None` for a line of one column, a list
/// item or a heading.
fn spaced_cells(line: &str) -> Option<Vec<&str>> {
    let body = line.trim();
    if body.is_empty() || body.starts_with('#') || body.contains('\t') || body.starts_with('|') {
        return None;
    }
    let mut cells = Vec::new();
    let mut rest = body;
    while let Some(at) = rest.find("   ") {
        cells.push(rest[..at].trim());
        rest = rest[at..].trim_start();
    }
    cells.push(rest.trim());
    (cells.len() >= 2 && cells.len() <= 8).then_some(cells)
}

/// A line opening with a criterion code, a capital and one or two digits set apart by a
/// full stop, bracket or two spaces (`A1  Degree…`, `B2. Experience…`, `E3) …`): an item,
/// whose code stays in its text (`E1`/`D1` can carry the requirement).
fn code_item(body: &str) -> bool {
    let mut chars = body.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_uppercase()) {
        return false;
    }
    let digits = body[1..].chars().take_while(char::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return false;
    }
    let rest = &body[1 + digits..];
    let rest = [". ", ") ", "  "]
        .iter()
        .find_map(|sep| rest.strip_prefix(sep));
    rest.is_some_and(|r| {
        r.trim_start()
            .chars()
            .next()
            .is_some_and(char::is_uppercase)
            && r.split_whitespace().count() >= 2
    })
}

/// `a) item`, `(b) item`, `(iv) item`, `ii) item`: the text after the enumerator.
fn letter_item(body: &str) -> Option<&str> {
    let open = body.starts_with('(');
    let inner_start = usize::from(open);
    let close = body.find(')')?;
    let inner = body.get(inner_start..close)?;
    let letter = inner.len() == 1 && inner.chars().all(|c| c.is_ascii_lowercase());
    let roman = !inner.is_empty() && inner.len() <= 4 && inner.chars().all(|c| "ivx".contains(c));
    let rest = &body[close + 1..];
    ((letter || roman) && rest.starts_with(' ')).then_some(rest)
}

/// `1. Qualifications` (or `2 Experience`) when the next non-blank line opens with the
/// sub-number `1.1`, or a short numbered title over unindented bullets: a numbered section
/// heading, whose title is returned.
fn section_heading<'a>(raw: &'a str, next: &[&str]) -> Option<&'a str> {
    let body = raw.trim();
    let digits = body.chars().take_while(char::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let number = &body[..digits];
    let title = body[digits..].trim_start_matches(['.', ')']).trim();
    let words = title.split_whitespace().count();
    if words == 0 || words > 8 || title.ends_with(['.', ';', ',']) || title.len() + 1 >= body.len()
    {
        return None;
    }
    let following_raw = next.iter().find(|l| !l.trim().is_empty())?;
    let following = following_raw.trim();
    // `2. Experience` over unindented bullets: a numbered heading whose points are
    // bullets of their own (a sub-bullet of a numbered criterion is indented under it).
    let bullets_below = words <= 4
        && !raw.starts_with(' ')
        && !following_raw.starts_with([' ', '\t'])
        && ["- ", "* ", "• ", "» "]
            .iter()
            .any(|m| following.starts_with(m))
        && title.starts_with(|c: char| c.is_uppercase())
        && !title.ends_with(':');
    if bullets_below {
        return Some(title);
    }
    let sub = following.strip_prefix(number)?.strip_prefix('.')?;
    sub.starts_with(|c: char| c.is_ascii_digit())
        .then_some(title)
}

/// A line of a labelled field, `Requirement: Ability to …`, `Essential/Desirable:
/// Essential`: the label (a few words) and the value.
fn field_line(line: &str) -> Option<(&str, &str)> {
    let (label, value) = line.trim().split_once(':')?;
    let value = value.trim();
    let label_words = label.split_whitespace().count();
    let plain_label = label
        .chars()
        .all(|c| c.is_alphabetic() || matches!(c, ' ' | '/' | '-' | '(' | ')'));
    let capital = label.chars().next().is_some_and(char::is_uppercase);
    ((1..=4).contains(&label_words) && plain_label && capital && !value.is_empty())
        .then_some((label.trim(), value))
}

/// Which lines belong to labelled records: runs of two or more field lines (see
/// [`field_line`]) that hold a criterion and its requirement ("Requirement: …" and
/// "Essential/Desirable: Essential", "Criterion: …" and "Type: Desirable"), as a
/// document prints each criterion as a small record.
fn record_fields(lines: &[&str]) -> Vec<bool> {
    let mut out = vec![false; lines.len()];
    let mut start = 0;
    while start < lines.len() {
        let run = lines[start..]
            .iter()
            .take_while(|l| !l.contains('\t') && list_item(l).is_none() && field_line(l).is_some())
            .count();
        if run >= 2 {
            let pairs: Vec<(&str, &str)> = lines[start..start + run]
                .iter()
                .filter_map(|l| field_line(l))
                .collect();
            let names_criterion = pairs.iter().any(|(label, _)| {
                let l = label.to_lowercase();
                l.starts_with("criteri") || l.starts_with("requirement")
            });
            let gives_level = pairs.iter().any(|(_, value)| {
                matches!(
                    value.trim_end_matches('.').to_lowercase().as_str(),
                    "essential" | "desirable"
                )
            });
            if names_criterion && gives_level {
                out[start..start + run].fill(true);
            }
        }
        start += run.max(1);
    }
    out
}

/// Removes markdown emphasis (`**bold**`, `*italic*`); the words are what count.
fn strip_markdown(text: &str) -> String {
    text.replace('*', "")
}

/// A cell less its markdown emphasis, but a cell holding only an asterisk keeps it: the
/// star is the cell's mark ("*" in the Essential or the Desirable column).
fn strip_markdown_cell(cell: &str) -> String {
    let mut visible = String::new();
    let mut in_tag = false;
    for c in cell.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag && !c.is_whitespace() => visible.push(c),
            _ => {}
        }
        if visible.len() > 1 {
            break;
        }
    }
    if visible == "*" {
        cell.to_string()
    } else {
        strip_markdown(cell)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underlined_titles_are_headings_and_o_opens_a_bullet() {
        let text = "PERSON SPECIFICATION\n\nQualifications and training\n---------------------------\n\no A qualification in horticulture\no RHS Level 2 Certificate\n\nTITLE\n=====\n";
        let found = blocks(text);
        let kinds: Vec<&BlockKind> = found.iter().map(|b| &b.kind).collect();
        assert!(matches!(kinds[1], BlockKind::Heading(t) if t == "Qualifications and training"));
        assert_eq!(found[1].level, 2);
        assert!(
            matches!(kinds[2], BlockKind::ListItem { text, .. } if text == "A qualification in horticulture")
        );
        assert!(matches!(kinds[4], BlockKind::Heading(t) if t == "TITLE"));
        assert_eq!(found[4].level, 1);
        // A sentence over a rule, and a rule of mixed characters, are not headings.
        assert_eq!(underline("This is a sentence.", "-----"), None);
        assert_eq!(underline("Skills", "-=-=-"), None);
        assert_eq!(underline("Skills", "--"), None);
        let long = "Part one – What we will look for in your application form";
        assert_eq!(underline(long, &"-".repeat(long.chars().count())), Some(2));
        assert_eq!(underline(long, "-----"), None);
        let question = "Q4. What experience do I need?";
        assert_eq!(underline(question, &"-".repeat(question.len())), Some(2));
        assert_eq!(underline(question, "---"), None);
    }

    #[test]
    fn a_short_numbered_title_over_unindented_bullets_is_a_heading() {
        let text = "1. Education\n\n- A degree in ecology\n\n2. Experience of budgets\n  - including grants\n";
        let kinds: Vec<BlockKind> = blocks(text).into_iter().map(|b| b.kind).collect();
        assert!(matches!(&kinds[0], BlockKind::Heading(t) if t == "Education"));
        // Indented bullets under a numbered line are its sub-points: it stays an item.
        assert!(
            matches!(&kinds[2], BlockKind::ListItem { text, .. } if text == "Experience of budgets")
        );
    }

    #[test]
    fn a_symbol_key_gives_bullets_their_requirement() {
        let found =
            blocks("Key: * = essential   + = desirable\n\n* Driving licence\n+ Welsh speaker\n");
        let texts: Vec<String> = found
            .iter()
            .map(|b| match &b.kind {
                BlockKind::ListItem { text, .. } => format!("item {text}"),
                BlockKind::Paragraph(cell) => format!("para {}", cell.plain()),
                _ => String::new(),
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                "para Key: = essential + = desirable",
                "item (E) Driving licence",
                "item (D) Welsh speaker"
            ]
        );
        assert_eq!(
            symbol_key("- Experience of essential and desirable things"),
            None
        );
    }

    #[test]
    fn lines_opening_with_a_criterion_code_are_items() {
        let text = "**Desirable**\n\nA2  Practitioner Certificate in Data Protection  \n\
                    A3  BCS Foundation Certificate\nB1. Experience of audits\n\
                    B2 level English is required here.\n";
        let kinds: Vec<BlockKind> = blocks(text).into_iter().map(|b| b.kind).collect();
        let item = |text: &str| BlockKind::ListItem {
            depth: 0,
            text: text.to_string(),
        };
        assert_eq!(kinds.len(), 5);
        assert_eq!(
            kinds[1],
            item("A2 Practitioner Certificate in Data Protection")
        );
        assert_eq!(kinds[2], item("A3 BCS Foundation Certificate"));
        assert_eq!(kinds[3], item("B1. Experience of audits"));
        // One space and a lower-case word: a sentence, not a code.
        assert!(matches!(kinds[4], BlockKind::Paragraph(_)));
    }

    #[test]
    fn a_cell_of_one_asterisk_keeps_it_as_its_mark() {
        assert_eq!(strip_markdown_cell("<p>*</p>"), "<p>*</p>");
        assert_eq!(strip_markdown_cell(" * "), " * ");
        assert_eq!(strip_markdown_cell("**Essential**"), "Essential");
        assert_eq!(strip_markdown_cell("<p>**</p>"), "<p></p>");
    }

    #[test]
    fn sub_numbered_items_under_numbered_sections() {
        let text = "1. Qualifications\n1.1 Degree\n    Essential | Assessed: Interview\n\
                    1.2\u{a0}\u{a0}First aid (Desirable – AF)\n(a) Lettered\n";
        let kinds: Vec<(usize, BlockKind)> = blocks(text)
            .into_iter()
            .map(|b| (b.level, b.kind))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (3, BlockKind::Heading("Qualifications".to_string())),
                (
                    0,
                    BlockKind::ListItem {
                        depth: 0,
                        text: format!("Degree{BREAK}Essential | Assessed: Interview")
                    }
                ),
                (
                    0,
                    BlockKind::ListItem {
                        depth: 0,
                        text: "First aid (Desirable – AF)".to_string()
                    }
                ),
                (
                    0,
                    BlockKind::ListItem {
                        depth: 1,
                        text: "Lettered".to_string()
                    }
                ),
            ]
        );
    }

    #[test]
    fn bullets_pasted_from_word_with_tabs_are_items_at_their_level() {
        let text = "•\tExperience\n\to\tExperience of driving – essential\n\
                    o\tFirst aid – desirable\n\t\t§\tDeeper\nE\tAF\no\ta\tb\n";
        let kinds: Vec<BlockKind> = blocks(text).into_iter().map(|b| b.kind).collect();
        let item = |depth: usize, text: &str| BlockKind::ListItem {
            depth,
            text: text.to_string(),
        };
        assert_eq!(kinds[0], item(0, "Experience"));
        assert_eq!(kinds[1], item(1, "Experience of driving – essential"));
        // Without its indentation, Word's second-level glyph still gives the level.
        assert_eq!(kinds[2], item(1, "First aid – desirable"));
        assert_eq!(kinds[3], item(2, "Deeper"));
        // A letter before a tab, or a glyph before two cells: rows.
        assert!(matches!(kinds[4], BlockKind::Row(_)));
        assert!(matches!(kinds[5], BlockKind::Row(_)));
        assert_eq!(tab_bullet(&format!("{}•\tx", "\t".repeat(40))), None);
    }

    #[test]
    fn reads_rows_headings_paragraphs_and_list_items_with_their_lines() {
        let text = "## Person Specification\n\n**JOB TITLE:** Alternatively Qualified  \nWorker Level 2\n\nATTRIBUTES\tESSENTIAL\n---\t---\n- Item one\n  - Sub item\n1. Numbered\n";
        let blocks = blocks(text);
        let lines: Vec<usize> = blocks.iter().map(|b| b.line).collect();
        assert_eq!(lines, vec![1, 3, 6, 8, 9, 10]);
        assert_eq!(
            blocks[0].kind,
            BlockKind::Heading("Person Specification".to_string())
        );
        match &blocks[1].kind {
            BlockKind::Paragraph(cell) => assert_eq!(
                cell.plain(),
                "JOB TITLE: Alternatively Qualified Worker Level 2"
            ),
            other => panic!("expected a paragraph, got {other:?}"),
        }
        match &blocks[2].kind {
            BlockKind::Row(cells) => assert_eq!(cells.len(), 2),
            other => panic!("expected a row, got {other:?}"),
        }
        assert_eq!(
            blocks[4].kind,
            BlockKind::ListItem {
                depth: 1,
                text: "Sub item".to_string()
            }
        );
    }
}
