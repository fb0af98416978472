//! The intermediate form every format is read into: headings, paragraphs, list items and
//! table rows, each cell holding a flat sequence of list items and paragraphs (nesting kept
//! as a depth), with HTML tags removed and entities decoded.

/// Marks a probable line break of the original document inside a text (`<br>`, a run of
/// spaces left where a converter joined lines, the end of an italic run). Criteria that a
/// converter ran together are split at these first; descriptions turn it into a space.
pub const BREAK: char = '\n';

/// Characters documents use as bullets inside running text. The second list holds the
/// glyphs used for a nested level.
const BULLETS: &[char] = &['▪', '♦', '•', '●', '■', '◆', '➢', '►', '\u{f0b7}'];
const SUB_BULLETS: &[char] = &['○', '◦'];

/// Whether `c` is a bullet glyph (of any level), which [`parse_fragment`] makes an item.
pub fn is_bullet_glyph(c: char) -> bool {
    BULLETS.contains(&c) || SUB_BULLETS.contains(&c)
}

/// The deepest list nesting kept; deeper items count as this deep. Word's list levels stop
/// at 8 (`w:ilvl` 0–8) and no real specification comes near it, but the depth becomes
/// indentation in the text form: uncapped, `<ul>` × n around n items wrote n² spaces (a
/// 1 MB page asked for 4 GB).
pub const MAX_DEPTH: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// 1-based line of the text form where the block starts.
    pub line: usize,
    pub kind: BlockKind,
    /// A heading's level (1 for `#`, 2 for `##` …); 0 for any other block.
    pub level: usize,
}

impl Block {
    /// A table row built by a rewrite (level 0, like every row a reader emits).
    pub fn row(line: usize, cells: Vec<Cell>) -> Block {
        Block {
            line,
            kind: BlockKind::Row(cells),
            level: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum BlockKind {
    Heading(String),
    Paragraph(Cell),
    ListItem { depth: usize, text: String },
    Row(Vec<Cell>),
}

/// The content of a table cell or of a paragraph.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub items: Vec<Item>,
    /// The first bold run, which forms use for a row's heading.
    pub emphasis: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// True for a list item (`<li>` or a bullet glyph), false for a paragraph.
    pub bullet: bool,
    pub depth: usize,
    pub text: String,
}

impl Cell {
    /// The cell's text, items separated by [`BREAK`].
    pub fn text(&self) -> String {
        let parts: Vec<&str> = self.items.iter().map(|item| item.text.as_str()).collect();
        parts.join(&BREAK.to_string())
    }

    /// The cell's text on one line, whitespace collapsed.
    pub fn plain(&self) -> String {
        collapse(&self.text())
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn has_bullets(&self) -> bool {
        self.items.iter().any(|item| item.bullet)
    }
}

/// The texts of the table rows among `blocks`, a row a vector (for tests).
#[cfg(test)]
pub fn row_texts(blocks: &[Block]) -> Vec<Vec<String>> {
    blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Row(cells) => Some(cells.iter().map(Cell::plain).collect()),
            _ => None,
        })
        .collect()
}

/// Collapses every whitespace run (line-break marks included) into one space and trims.
pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A text-form cell's words without its markup ("<b>Essential</b>" → "Essential"),
/// whitespace collapsed: a tag counts as a space.
pub fn tagless(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut in_tag = false;
    for c in cell.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    collapse(&out)
}

/// How runs of spaces in a fragment are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spaces {
    /// A converter left two or more spaces where it joined lines: keep them as [`BREAK`].
    Significant,
    /// Real HTML: whitespace runs mean one space.
    Collapse,
}

/// Reads an HTML fragment (a table cell, a paragraph) into a [`Cell`].
pub fn parse_fragment(html: &str, spaces: Spaces) -> Cell {
    let mut parser = FragmentParser::default();
    let mut rest = html;
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => match rest.find('>') {
                Some(end) => {
                    parser.tag(&rest[1..end]);
                    rest = &rest[end + 1..];
                }
                None => {
                    // No `>` anywhere after: no more tags, every `<` left is text (as in
                    // "less than"). Taking the rest at once keeps a run of `<` linear.
                    parser.text(rest, spaces);
                    rest = "";
                }
            },
            Some(start) => {
                parser.text(&rest[..start], spaces);
                rest = &rest[start..];
            }
            None => {
                parser.text(rest, spaces);
                rest = "";
            }
        }
    }
    parser.finish()
}

#[derive(Default)]
struct FragmentParser {
    items: Vec<Item>,
    current: String,
    bullet: bool,
    depth: usize,
    list_depth: usize,
    bold: Option<String>,
    emphasis: Option<String>,
}

impl FragmentParser {
    fn tag(&mut self, tag: &str) {
        let tag = tag.trim();
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("ul" | "ol", false) => {
                self.flush();
                self.list_depth += 1;
            }
            ("ul" | "ol", true) => {
                self.flush();
                self.list_depth = self.list_depth.saturating_sub(1);
            }
            ("li", false) => {
                self.flush();
                self.bullet = true;
                self.depth = self.list_depth.saturating_sub(1).min(MAX_DEPTH);
            }
            ("li" | "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "tr", _) => {
                self.flush()
            }
            ("br", _) => self.current.push(BREAK),
            // The end of an italic run often ends a line of the original.
            ("i" | "em", true) => self.current.push(BREAK),
            ("b" | "strong", false) => self.bold = Some(String::new()),
            ("b" | "strong", true) => {
                if let Some(bold) = self.bold.take() {
                    let bold = collapse(&bold);
                    if self.emphasis.is_none() && !bold.is_empty() {
                        self.emphasis = Some(bold);
                    }
                }
            }
            ("td" | "th", _) => self.current.push(' '),
            _ => {}
        }
    }

    fn text(&mut self, raw: &str, spaces: Spaces) {
        let decoded = decode_entities(raw);
        let mut text = String::with_capacity(decoded.len());
        let mut run = 0usize;
        for c in decoded.chars() {
            if c.is_whitespace() && c != BREAK {
                run += 1;
                continue;
            }
            if run > 0 {
                let mark = if run > 1 && spaces == Spaces::Significant {
                    BREAK
                } else {
                    ' '
                };
                text.push(mark);
                run = 0;
            }
            text.push(c);
        }
        if run > 0 {
            text.push(' ');
        }
        if let Some(bold) = self.bold.as_mut() {
            bold.push_str(&text);
        }
        self.current.push_str(&text);
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.current);
        let trimmed = text.trim();
        let mut glyphs = trimmed.chars();
        if glyphs.next().is_some_and(is_bullet_glyph) && glyphs.next().is_none() {
            // A glyph alone is a mark (a tick column's "●"), not an empty bullet.
            self.items.push(Item {
                bullet: false,
                depth: 0,
                text: trimmed.to_string(),
            });
        } else if !trimmed.is_empty() {
            split_glyphs(&text, self.bullet, self.depth, &mut self.items);
        }
        self.bullet = false;
        // Text outside `<li>` (paragraphs, glyph bullets) starts at the top level: converters
        // that keep glyphs lose the closing tags, so `<ul>` nesting is unreliable there.
        self.depth = 0;
    }

    fn finish(mut self) -> Cell {
        self.flush();
        Cell {
            items: self.items,
            emphasis: self.emphasis,
        }
    }
}

/// Splits text at bullet glyphs into items: converters often keep the glyphs and drop the
/// `<li>` tags. A glyph that opens an item already marked as a list item is only dropped.
fn split_glyphs(text: &str, bullet: bool, depth: usize, out: &mut Vec<Item>) {
    let mut item = Item {
        bullet,
        depth,
        text: String::new(),
    };
    // Whether `item.text` holds more than whitespace. Kept as it grows: trimming the text
    // at every glyph made breaks followed by glyphs (`<li>` + `<br>` × n + `•` × n)
    // quadratic.
    let mut has_text = false;
    for c in text.chars() {
        let sub = SUB_BULLETS.contains(&c);
        if !sub && !BULLETS.contains(&c) {
            item.text.push(c);
            has_text |= !c.is_whitespace();
            continue;
        }
        if has_text {
            out.push(finish_item(item));
        } else if item.bullet {
            // `<li>• E</li>`: the glyph repeats the list item's own bullet.
            continue;
        }
        item = Item {
            bullet: true,
            depth: (depth + usize::from(sub)).min(MAX_DEPTH),
            text: String::new(),
        };
        has_text = false;
    }
    if has_text {
        out.push(finish_item(item));
    }
}

fn finish_item(mut item: Item) -> Item {
    item.text = item
        .text
        .trim_matches(|c: char| c.is_whitespace())
        .to_string();
    item
}

/// Decodes the named entities these documents use and all numeric ones; unknown entities
/// stay as written.
pub fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest
            .char_indices()
            .take(12)
            .find(|&(_, c)| c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| decode_entity(&rest[1..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn decode_entity(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        "hellip" => '…',
        "pound" => '£',
        "euro" => '€',
        "bull" => '•',
        "middot" => '·',
        "copy" => '©',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(cell: &Cell) -> Vec<(bool, usize, String)> {
        cell.items
            .iter()
            .map(|i| (i.bullet, i.depth, collapse(&i.text)))
            .collect()
    }

    #[test]
    fn nested_list_items_keep_their_depth() {
        let cell = parse_fragment(
            r#"<ul style="list-style-type: none"> <li>Relevant legislation, guidance including: <ul> <li>List Adult's legislation</li> <li>List Children's legislation</li> </ul> </li> <li>Awareness of related key agencies.</li> </ul>"#,
            Spaces::Significant,
        );
        assert_eq!(
            texts(&cell),
            vec![
                (
                    true,
                    0,
                    "Relevant legislation, guidance including:".to_string()
                ),
                (true, 1, "List Adult's legislation".to_string()),
                (true, 1, "List Children's legislation".to_string()),
                (true, 0, "Awareness of related key agencies.".to_string()),
            ]
        );
    }

    #[test]
    fn glyphs_without_li_tags_become_items_and_paragraphs_stay_paragraphs() {
        let cell = parse_fragment(
            "<ul> ▪ Ability to use strategies <p>The nature of the role.</p> <ul> ▪ Involvement ○ Sub point",
            Spaces::Significant,
        );
        assert_eq!(
            texts(&cell),
            vec![
                (true, 0, "Ability to use strategies".to_string()),
                (false, 0, "The nature of the role.".to_string()),
                (true, 0, "Involvement".to_string()),
                (true, 1, "Sub point".to_string()),
            ]
        );
    }

    #[test]
    fn a_glyph_inside_an_li_is_dropped_and_entities_are_decoded() {
        let cell = parse_fragment(
            "<ul><li>• E</li><li>♦ Health &amp; Safety&#39;s</li></ul>",
            Spaces::Significant,
        );
        assert_eq!(
            texts(&cell),
            vec![
                (true, 0, "E".to_string()),
                (true, 0, "Health & Safety's".to_string()),
            ]
        );
    }

    #[test]
    fn a_glyph_alone_in_a_cell_is_its_mark() {
        let cell = parse_fragment(" ● ", Spaces::Significant);
        assert_eq!(texts(&cell), vec![(false, 0, "●".to_string())]);
        // Two glyphs and no text are still empty bullets.
        assert!(parse_fragment("• •", Spaces::Significant).is_empty());
    }

    #[test]
    fn double_spaces_and_italics_mark_breaks_and_bold_is_the_emphasis() {
        let cell = parse_fragment(
            "<b>E. Other Conditions</b> <i>A qualification</i> 4 GCSEs  Able to travel",
            Spaces::Significant,
        );
        assert_eq!(cell.emphasis.as_deref(), Some("E. Other Conditions"));
        assert_eq!(cell.items.len(), 1);
        assert_eq!(cell.items[0].text.matches(BREAK).count(), 2);
        let html = parse_fragment("a  b", Spaces::Collapse);
        assert_eq!(html.items[0].text, "a b");
    }

    #[test]
    fn list_depth_is_capped() {
        let cell = parse_fragment(
            &format!("{}<li>Deep ○ Deeper</li>", "<ul>".repeat(1_000)),
            Spaces::Collapse,
        );
        assert_eq!(
            texts(&cell),
            vec![
                (true, MAX_DEPTH, "Deep".to_string()),
                (true, MAX_DEPTH, "Deeper".to_string()),
            ]
        );
    }

    #[test]
    fn breaks_then_glyphs_are_read_in_linear_time() {
        // Each glyph trimmed the whitespace gathered so far: quadratic, minutes for this.
        let n = 200_000;
        let start = std::time::Instant::now();
        for html in [
            format!("<li>{}{}</li>", "<br>".repeat(n), "•".repeat(n)),
            format!("• {}", "<br>•".repeat(n)),
        ] {
            let cell = parse_fragment(&html, Spaces::Collapse);
            assert!(cell.items.is_empty(), "{:?}", cell.items.first());
        }
        let cell = parse_fragment(&format!("<li>{}x", "\n•".repeat(n)), Spaces::Collapse);
        assert_eq!(texts(&cell), vec![(true, 0, "x".to_string())]);
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn malformed_markup_and_entities_do_not_panic() {
        for input in [
            "<",
            "&",
            "&#xZZ;",
            "&#99999999999;",
            "<b",
            "a < b > c",
            "&amp",
            "<li>",
        ] {
            let _ = parse_fragment(input, Spaces::Significant);
        }
        assert_eq!(decode_entities("&#8226; &unknown; &"), "• &unknown; &");
    }
}
