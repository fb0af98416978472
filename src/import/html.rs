//! Renders an HTML document to the text form: headings as `#` lines, paragraphs as lines,
//! lists as `- ` items indented by depth, and each table row as one line of tab-separated
//! cells that keep their inner HTML.

use super::blocks::{parse_fragment, Spaces, BREAK, MAX_DEPTH};
use super::text::MAX_MARKS;
use super::ImportError;

/// The most tags and runs of text read from a page: four per structure mark the text form
/// may hold (a real page has one per 30 bytes or more). Refused before anything is built
/// from them, so a page of nothing but tags takes 16 bytes a tag.
const MAX_TOKENS: usize = 4 * MAX_MARKS;

pub fn to_text(html: &str) -> Result<String, ImportError> {
    let tokens = tokenize(html).ok_or_else(|| {
        ImportError::Unreadable(format!("the page has more than {MAX_TOKENS} tags"))
    })?;
    let mut out = Renderer {
        html,
        tokens: &tokens,
        text: String::with_capacity(html.len() / 2),
        paragraph: String::new(),
    };
    out.render(0, tokens.len());
    out.flush();
    Ok(out.text)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Open,
    Close,
    /// Text, a comment or a declaration.
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    kind: Kind,
    /// Lower-case tag name; empty for text.
    name: &'a str,
    start: usize,
    end: usize,
}

/// A [`Token`] as stored: 16 bytes instead of 40, as a page of bare tags has one token
/// per three bytes. Offsets fit: `import` reads at most 16 MiB.
#[derive(Debug, Clone, Copy)]
struct Packed {
    kind: Kind,
    /// Length of the tag name, which follows `<` (or `</` for a closing tag).
    name_len: u32,
    start: u32,
    end: u32,
}

fn offset(at: usize) -> u32 {
    u32::try_from(at).unwrap_or(u32::MAX)
}

impl Packed {
    fn new(token: Token) -> Packed {
        Packed {
            kind: token.kind,
            name_len: offset(token.name.len()),
            start: offset(token.start),
            end: offset(token.end),
        }
    }

    fn start(&self) -> usize {
        self.start as usize
    }

    fn end(&self) -> usize {
        self.end as usize
    }

    fn unpack<'a>(&self, html: &'a str) -> Token<'a> {
        let name = match self.kind {
            Kind::Other => "",
            kind => {
                let from = self.start() + 1 + usize::from(kind == Kind::Close);
                html.get(from..from + self.name_len as usize).unwrap_or("")
            }
        };
        Token {
            kind: self.kind,
            name,
            start: self.start(),
            end: self.end(),
        }
    }
}

/// The page's tags and runs of text; `None` past [`MAX_TOKENS`].
fn tokenize(html: &str) -> Option<Vec<Packed>> {
    let mut tokens = Vec::new();
    let mut at = 0;
    // Absolute position of the next '>' at or after `at` (None: there is none), kept so
    // that a run of '<' without '>' is not searched to the end once per '<'.
    let mut next_gt: Option<Option<usize>> = None;
    while at < html.len() {
        if tokens.len() > MAX_TOKENS {
            return None;
        }
        let rest = &html[at..];
        if next_gt.is_some_and(|gt| gt.is_some_and(|gt| gt < at)) {
            next_gt = None;
        }
        let gt = *next_gt.get_or_insert_with(|| rest.find('>').map(|i| at + i));
        if rest.starts_with("<!--") {
            at = rest.find("-->").map_or(html.len(), |i| at + i + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            // A declaration or processing instruction.
            at = gt.map_or(html.len(), |gt| gt + 1);
            continue;
        }
        let tag_end = rest
            .starts_with('<')
            .then_some(gt.map(|gt| gt - at))
            .flatten()
            .filter(|_| rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/'));
        match tag_end {
            Some(close) => {
                let inner = &rest[1..close];
                let closing = inner.starts_with('/');
                let name_start = usize::from(closing);
                let name_len = inner[name_start..]
                    .find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(inner.len() - name_start);
                let name = &inner[name_start..name_start + name_len];
                tokens.push(Packed::new(Token {
                    kind: if closing { Kind::Close } else { Kind::Open },
                    name,
                    start: at,
                    end: at + close + 1,
                }));
                at += close + 1;
            }
            None => {
                let first = rest.chars().next().map_or(1, char::len_utf8);
                let next = rest[first..]
                    .find('<')
                    .map_or(html.len(), |i| at + first + i);
                tokens.push(Packed::new(Token {
                    kind: Kind::Other,
                    name: "",
                    start: at,
                    end: next,
                }));
                at = next;
            }
        }
    }
    Some(tokens)
}

fn is(token: &Token, kind: Kind, names: &[&str]) -> bool {
    token.kind == kind
        && names
            .iter()
            .any(|name| token.name.eq_ignore_ascii_case(name))
}

const INLINE: &[&str] = &[
    "b", "strong", "i", "em", "u", "span", "a", "sup", "sub", "font", "small", "br", "img",
    "input", "label", "abbr",
];

struct Renderer<'a> {
    html: &'a str,
    tokens: &'a [Packed],
    text: String,
    paragraph: String,
}

impl<'a> Renderer<'a> {
    fn token(&self, index: usize) -> Token<'a> {
        self.tokens[index].unpack(self.html)
    }

    /// Index of the token closing the element opened at `open`, or `limit`.
    fn matching(&self, open: usize, limit: usize) -> usize {
        let name = self.token(open).name;
        let mut depth = 0usize;
        for index in open..limit {
            let token = self.token(index);
            if !token.name.eq_ignore_ascii_case(name) {
                continue;
            }
            match token.kind {
                Kind::Open => depth += 1,
                Kind::Close => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return index;
                    }
                }
                Kind::Other => {}
            }
        }
        limit
    }

    /// The source between the end of token `from` and the start of token `to`.
    fn inner(&self, from: usize, to: usize) -> &'a str {
        let start = self.tokens[from].end();
        let end = self.tokens.get(to).map_or(self.html.len(), Packed::start);
        self.html.get(start..end.max(start)).unwrap_or("")
    }

    fn render(&mut self, from: usize, to: usize) {
        let mut index = from;
        while index < to {
            let token = self.token(index);
            if is(&token, Kind::Open, &["head", "script", "style", "title"]) {
                index = self.matching(index, to) + 1;
            } else if is(&token, Kind::Open, &["table"]) {
                let end = self.matching(index, to);
                self.flush();
                self.table(index + 1, end, 0);
                index = end + 1;
            } else if is(&token, Kind::Open, &["dl"]) {
                let end = self.matching(index, to);
                self.flush();
                self.definitions(index + 1, end);
                index = end + 1;
            } else if is(&token, Kind::Open, &["ul", "ol"]) {
                let end = self.matching(index, to);
                self.flush();
                let source = self
                    .html
                    .get(token.start..self.tokens.get(end).map_or(self.html.len(), Packed::end))
                    .unwrap_or("");
                for item in parse_fragment(source, Spaces::Collapse).items {
                    // Capped by the parser already; capped here too, as the indentation is
                    // what grows with the depth.
                    let indent = "  ".repeat(item.depth.min(MAX_DEPTH));
                    self.line(&format!("{indent}- {}", escape_text(&item.text)));
                }
                self.text.push('\n');
                index = end + 1;
            } else if let Some(level) = heading_level(&token) {
                let end = self.matching(index, to);
                self.flush();
                let text = one_line(self.inner(index, end));
                self.line(&format!("{} {text}", "#".repeat(level)));
                self.text.push('\n');
                index = end + 1;
            } else if is(&token, Kind::Open, &["p"]) {
                let end = self.matching(index, to);
                self.flush();
                let inner = self.inner(index, end);
                self.paragraph.push_str(inner);
                self.flush();
                index = end + 1;
            } else if token.kind == Kind::Other
                || INLINE.iter().any(|n| token.name.eq_ignore_ascii_case(n))
            {
                if is(&token, Kind::Open, &["br"]) {
                    self.flush();
                } else {
                    let source = self.html.get(token.start..token.end).unwrap_or("");
                    self.paragraph.push_str(source);
                }
                index += 1;
            } else {
                // A container (`div`, `body`…): its boundaries end the running paragraph.
                self.flush();
                index += 1;
            }
        }
    }

    /// A definition list as a table of two columns: each term beside its descriptions
    /// ("Experience of … | Essential – application form and interview").
    fn definitions(&mut self, from: usize, to: usize) {
        let mut term: Option<String> = None;
        let mut described: Vec<String> = Vec::new();
        let mut index = from;
        while index < to {
            let token = self.token(index);
            if is(&token, Kind::Open, &["dt", "dd"]) {
                let end = self.matching(index, to);
                let text = one_line(self.inner(index, end));
                if is(&token, Kind::Open, &["dt"]) {
                    if let Some(done) = term.take() {
                        self.line(&format!("{done}\t{}", described.join("; ")));
                    }
                    described.clear();
                    term = Some(text);
                } else {
                    described.push(text);
                }
                index = end + 1;
            } else {
                index += 1;
            }
        }
        if let Some(done) = term {
            self.line(&format!("{done}\t{}", described.join("; ")));
        }
        self.text.push('\n');
    }

    /// A table's rows, `depth` tables deep in another's cells. A cell holding nothing but
    /// a table (up to [`MAX_NESTED_TABLES`] deep) gives that table's rows instead of one
    /// flattened cell: each comes out as a row of its own after the outer row's cells
    /// before it, so the outer row's first cell (an area: "Experience") labels every inner
    /// row ("Experience of … | E | AF") as a category labels the rows it spans.
    fn table(&mut self, from: usize, to: usize, depth: usize) {
        let mut index = from;
        // Cells spanning rows below their own (`rowspan`): their column, how many more
        // rows they cover, their text and how many columns they span. Those rows get the
        // text again there (a short label; a long cell leaves an empty one), so that their
        // cells stay in their columns and a category labels every row it spans. Columns
        // are counted across the cells' `colspan`s, so that a cell spanning rows after
        // one spanning columns ("How assessed" after "Requirement at each grade", over
        // the grades' headers) comes back in its own column, not in the next cell's.
        let mut spans: Vec<(usize, usize, String, usize)> = Vec::new();
        let fill = |cells: &mut Vec<String>,
                    column: &mut usize,
                    spans: &mut Vec<(usize, usize, String, usize)>| {
            while let Some(span) = spans
                .iter_mut()
                .find(|(at, left, _, _)| *at == *column && *left > 0)
            {
                span.1 -= 1;
                cells.push(span.2.clone());
                *column += span.3;
            }
        };
        // The table's first row when all its cells are headings: where its line starts
        // and its cells. Over rows of an inner table, it is written again with the inner
        // table's own heading row in the inner table's columns, and that heading row,
        // repeated in every inner table, is left out below it.
        let mut heading: Option<(usize, Vec<String>)> = None;
        let mut inner_heading: Option<String> = None;
        let mut first = true;
        while index < to {
            if !is(&self.token(index), Kind::Open, &["tr"]) {
                index += 1;
                continue;
            }
            let row_end = self.matching(index, to);
            let mut cells = Vec::new();
            // The rows of the table in one of this row's cells, and where that cell is.
            let mut nested: Option<(usize, Vec<String>, usize)> = None;
            let mut column = 0;
            let mut cell = index + 1;
            while cell < row_end {
                if is(&self.token(cell), Kind::Open, &["td", "th"]) {
                    fill(&mut cells, &mut column, &mut spans);
                    let tag = &self.html[self.token(cell).start..self.token(cell).end];
                    let (rows, width) = (row_span(tag), col_span(tag));
                    let end = self.matching(cell, row_end);
                    if nested.is_none() && depth < MAX_NESTED_TABLES && width == 1 && rows == 1 {
                        if let Some((open, close)) = self.only_table(cell + 1, end) {
                            let outer = std::mem::take(&mut self.text);
                            self.table(open + 1, close, depth + 1);
                            let text = std::mem::replace(&mut self.text, outer);
                            let lines: Vec<String> = text
                                .lines()
                                .filter(|line| !line.is_empty())
                                .map(str::to_string)
                                .collect();
                            if !lines.is_empty() {
                                // What the cells around it may add by being repeated: the
                                // table's own size, so the text stays linear in the page.
                                let budget = self.tokens[close].end() - self.tokens[open].start();
                                nested = Some((cells.len(), lines, budget));
                                cells.push(String::new());
                                column += 1;
                                cell = end + 1;
                                continue;
                            }
                        }
                    }
                    let inner = one_line(self.inner(cell, end));
                    // A header cell (a row's or a column's heading) is emphasised.
                    let text =
                        if is(&self.token(cell), Kind::Open, &["th"]) && !inner.trim().is_empty() {
                            format!("<b>{inner}</b>")
                        } else {
                            inner
                        };
                    if rows > 1 && spans.len() < MAX_SPANS {
                        spans.retain(|(at, _, _, _)| *at != column);
                        let again = if text.len() <= MAX_SPAN_TEXT {
                            text.clone()
                        } else {
                            String::new()
                        };
                        spans.push((column, rows - 1, again, width));
                    }
                    // Its span is marked for `columns` (a matrix's categories).
                    cells.push(super::columns::spanning(text, width));
                    column += width;
                    cell = end + 1;
                } else {
                    cell += 1;
                }
            }
            if !cells.is_empty() {
                fill(&mut cells, &mut column, &mut spans);
            }
            spans.retain(|(_, left, _, _)| *left > 0);
            if let Some((at, mut lines, mut budget)) = nested {
                let bold = |line: &str| {
                    line.split('\t')
                        .all(|cell| cell.starts_with("<b>") && cell.ends_with("</b>"))
                };
                if let Some((start, outer)) = heading.take() {
                    if lines.first().is_some_and(|line| bold(line)) && at < outer.len() {
                        let inner = lines.remove(0);
                        self.text.truncate(start);
                        let mut row = outer[..at].to_vec();
                        row.push(inner.clone());
                        row.extend(outer[at + 1..].iter().cloned());
                        self.line(&row.join("\t"));
                        inner_heading = Some(inner);
                    }
                }
                if let Some(inner) = &inner_heading {
                    if lines.first() == Some(inner) {
                        lines.remove(0);
                    }
                }
                // The cells around the table, each written again for every inner row (a
                // label, "Experience"): short ones only, within the budget.
                let short = |cell: &String| {
                    if cell.len() <= MAX_SPAN_TEXT {
                        cell.clone()
                    } else {
                        String::new()
                    }
                };
                let before: Vec<String> = cells[..at].iter().map(short).collect();
                let after: Vec<String> = cells[at + 1..].iter().map(short).collect();
                let cost: usize = before.iter().chain(&after).map(String::len).sum();
                for line in lines {
                    let label = cost <= budget;
                    budget = budget.saturating_sub(cost);
                    let blank = |cells: &[String]| vec![String::new(); cells.len()];
                    let mut row = if label {
                        before.clone()
                    } else {
                        blank(&before)
                    };
                    row.push(line);
                    row.extend(if label { after.clone() } else { blank(&after) });
                    self.line(&row.join("\t"));
                }
                index = row_end + 1;
                continue;
            }
            if cells.len() < 2 {
                // A one-cell row still needs a tab to read as a row.
                cells.push(String::new());
            }
            heading = None;
            if std::mem::take(&mut first)
                && cells
                    .iter()
                    .all(|cell| cell.starts_with("<b>") && cell.ends_with("</b>"))
            {
                heading = Some((self.text.len(), cells.clone()));
            }
            self.line(&cells.join("\t"));
            index = row_end + 1;
        }
        self.text.push('\n');
    }

    /// The one table between tokens `from` and `to` (a cell's content), as the indices of
    /// its opening and closing tags, when nothing else there is text.
    fn only_table(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let mut found = None;
        let mut index = from;
        while index < to {
            let token = self.token(index);
            if is(&token, Kind::Open, &["table"]) {
                if found.is_some() {
                    return None;
                }
                let close = self.matching(index, to);
                found = Some((index, close));
                index = close + 1;
                continue;
            }
            if token.kind == Kind::Other {
                let source = self.html.get(token.start..token.end).unwrap_or("");
                let comment = source.starts_with("<!");
                if !comment && !source.trim().is_empty() {
                    return None;
                }
            }
            index += 1;
        }
        found.filter(|&(_, close)| close < to)
    }

    fn flush(&mut self) {
        let paragraph = std::mem::take(&mut self.paragraph);
        let text = escape_line(&one_line(&paragraph));
        if !text.is_empty() {
            self.line(&text);
            self.text.push('\n');
        }
    }

    fn line(&mut self, line: &str) {
        self.text.push_str(line);
        self.text.push('\n');
    }
}

/// The most cells of a table spanning rows at once, and the most rows one spans: each
/// adds an empty cell to the rows it covers, so unbounded they would let a short page
/// render into a huge text.
const MAX_SPANS: usize = 8;
const MAX_ROW_SPAN: usize = 50;
/// How deep tables in cells are read as rows of their own; deeper ones are one cell.
const MAX_NESTED_TABLES: usize = 2;
/// The longest spanning cell repeated in the rows it covers (a category label).
const MAX_SPAN_TEXT: usize = 200;

/// The `rowspan` of a cell's opening tag (1 when it has none).
fn row_span(tag: &str) -> usize {
    span(tag, "rowspan")
}

/// The `colspan` of a cell's opening tag (1 when it has none).
fn col_span(tag: &str) -> usize {
    span(tag, "colspan")
}

/// A span attribute's value, at least 1 and at most [`MAX_ROW_SPAN`].
fn span(tag: &str, attribute: &str) -> usize {
    let lower = tag.to_ascii_lowercase();
    let Some(at) = lower.find(attribute) else {
        return 1;
    };
    let rest = lower[at + attribute.len()..].trim_start();
    let Some(rest) = rest.strip_prefix('=') else {
        return 1;
    };
    let rest = rest.trim_start().trim_start_matches(['"', '\'']);
    let digits: String = rest
        .chars()
        .take_while(char::is_ascii_digit)
        .take(4)
        .collect();
    digits.parse::<usize>().unwrap_or(1).clamp(1, MAX_ROW_SPAN)
}

fn heading_level(token: &Token) -> Option<usize> {
    let level = token.name.strip_prefix(['h', 'H'])?.parse::<usize>().ok()?;
    (token.kind == Kind::Open && (1..=6).contains(&level)).then_some(level)
}

/// HTML whitespace collapsed to single spaces, so the text form reads it as one line and
/// does not take runs of spaces for line breaks.
fn one_line(html: &str) -> String {
    html.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Keeps a paragraph from reading as a markdown heading.
fn escape_line(text: &str) -> String {
    match text.strip_prefix('#') {
        Some(rest) => format!("&#35;{rest}"),
        None => text.to_string(),
    }
}

/// Plain text written back as HTML: markup characters escaped, breaks as `<br>`.
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            BREAK => out.push_str("<br>"),
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    escape_line(out.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tables_lists_headings_and_paragraphs() {
        let html = "<!DOCTYPE html><html><head><style>p{}</style></head><body>\
<h2>Person  specification</h2><p>Job <b>Title</b>:\n Worker</p>\
<table><tr><th>A</th><td><ul><li>One</li></ul></td></tr><tr><td>Only</td></tr></table>\
<ol><li>First<ul><li>Sub</li></ul></li></ol>loose &amp; text<br>after</body></html>";
        assert_eq!(
            to_text(html).expect("a page within the limits"),
            "## Person specification\n\nJob <b>Title</b>: Worker\n\n\
<b>A</b>\t<ul><li>One</li></ul>\nOnly\t\n\n- First\n  - Sub\n\nloose &amp; text\n\nafter\n\n"
        );
    }

    /// The text form of a hostile page is at most twice the page, whatever its nesting.
    fn bounded(html: &str) -> String {
        let text = to_text(html).expect("a page within the limits");
        assert!(
            text.len() <= 2 * html.len() + 64,
            "{} bytes of page gave {} bytes of text",
            html.len(),
            text.len()
        );
        text
    }

    #[test]
    fn a_list_bomb_renders_in_linear_size_at_a_capped_depth() {
        // The production document, scaled down: `<ul>` × n, then n items all n deep. The
        // indentation grew with the depth: n = 40,000 asked for 4 GB.
        let n = 3_000;
        let html = format!("{}{}", "<ul>".repeat(n), "<li>Essential a</li>".repeat(n));
        let text = bounded(&html);
        let indent = " ".repeat(2 * MAX_DEPTH);
        assert_eq!(text.lines().filter(|l| !l.is_empty()).count(), n);
        assert!(text
            .lines()
            .filter(|l| !l.is_empty())
            .all(|l| l == format!("{indent}- Essential a")));
        // Shallow lists keep their indentation.
        assert_eq!(
            bounded("<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>"),
            "- a\n  - b\n    - c\n\n"
        );
    }

    #[test]
    fn deep_nesting_of_any_kind_renders_in_linear_size() {
        let n = 5_000;
        let nested_tables = format!(
            "{}<ul><li>Working with children</li></ul>{}",
            "<table><tr><td>Essential</td><td>".repeat(n),
            "</td></tr></table>".repeat(n)
        );
        let deep_bold = format!("<p>{}Essential{}</p>", "<b>".repeat(n), "</b>".repeat(n));
        let bold_in_a_list = format!("<ul><li>{}E{}</li></ul>", "<b>".repeat(n), "</b>".repeat(n));
        let unclosed = "<p><div><table><tr><td><ul><li>Essential <b><i><blockquote>".repeat(n);
        let blockquotes = format!(
            "{}<p>Essential</p><ul><li>Good IT skills</li></ul>{}",
            "<blockquote>".repeat(n),
            "</blockquote>".repeat(n)
        );
        let lists_in_tables = format!(
            "<table><tr><td>Essential</td><td>{}</td></tr></table>",
            "<ul><li>a".repeat(n)
        );
        for html in [
            nested_tables,
            deep_bold,
            bold_in_a_list,
            unclosed,
            blockquotes,
            lists_in_tables,
        ] {
            bounded(&html);
        }
    }

    #[test]
    fn a_page_of_nothing_but_tags_is_refused_before_it_is_read() {
        let html = "<b>".repeat(MAX_TOKENS + 2);
        assert!(matches!(to_text(&html), Err(ImportError::Unreadable(_))));
        assert!(to_text(&"<b>".repeat(1_000)).is_ok());
    }

    #[test]
    fn cells_spanning_rows_are_repeated_in_the_rows_below() {
        let html = "<table><tr><th rowspan=\"2\" scope=\"row\">Experience</th><td>One</td>\
                    <td>Essential</td></tr><tr><td>Two</td><td>Desirable</td></tr>\
                    <tr><th>Knowledge</th><td>Three</td><td>Essential</td></tr></table>";
        let text = to_text(html).unwrap();
        let rows: Vec<&str> = text.lines().filter(|l| l.contains('\t')).collect();
        assert_eq!(
            rows,
            vec![
                "<b>Experience</b>\tOne\tEssential",
                "<b>Experience</b>\tTwo\tDesirable",
                "<b>Knowledge</b>\tThree\tEssential",
            ]
        );
        // A huge rowspan covers at most the rows there are, and at most MAX_ROW_SPAN.
        assert_eq!(row_span("<td rowspan='999999'>"), MAX_ROW_SPAN);
        assert_eq!(row_span("<td>"), 1);
    }

    #[test]
    fn a_cell_spanning_rows_after_one_spanning_columns_keeps_its_column() {
        // Two header rows: the grades' headers under a cell spanning their columns, the
        // first and last headers spanning both rows.
        let html = "<table><tr><th rowspan=\"2\">Criteria</th><th colspan=\"2\">Requirement \
                    at each grade</th><th rowspan=\"2\">How assessed</th></tr>\
                    <tr><th>Grade 7</th><th>Grade 9</th></tr>\
                    <tr><td>A degree</td><td>D</td><td>E</td><td>Interview</td></tr></table>";
        let text = to_text(html).unwrap();
        let rows: Vec<&str> = text.lines().filter(|l| l.contains('\t')).collect();
        assert_eq!(
            rows,
            vec![
                // The spanning cell carries one span mark per extra column.
                "<b>Criteria</b>\t<b>Requirement at each grade</b>\u{e000}\t<b>How assessed</b>",
                "<b>Criteria</b>\t<b>Grade 7</b>\t<b>Grade 9</b>\t<b>How assessed</b>",
                "A degree\tD\tE\tInterview",
            ]
        );
        assert_eq!(col_span("<th colspan=\"3\">"), 3);
        assert_eq!(col_span("<th>"), 1);
    }

    #[test]
    fn a_table_in_a_cell_gives_its_rows_under_the_outer_rows_first_cell() {
        let inner = |rows: &str| {
            format!(
                "<table><thead><tr><th>Item</th><th>Level</th><th>Checked by</th></tr></thead>\
                 <tbody>{rows}</tbody></table>"
            )
        };
        let html = format!(
            "<table><thead><tr><th>Group</th><th>Items</th></tr></thead><tbody>\
             <tr><td><strong>Alpha</strong></td><td>{}</td></tr>\
             <tr><td><strong>Beta</strong></td><td>{}</td></tr>\
             <tr><td>Gamma</td><td><p>Not a table</p></td></tr></tbody></table>",
            inner("<tr><td>One</td><td>E</td><td>X</td></tr><tr><td>Two</td><td>D</td><td>Y</td></tr>"),
            inner("<tr><td>Three</td><td>E</td><td>X, Y</td></tr>"),
        );
        let text = to_text(&html).unwrap();
        let rows: Vec<&str> = text.lines().filter(|l| l.contains('\t')).collect();
        assert_eq!(
            rows,
            vec![
                // The outer heading over the inner table's heading, written once.
                "<b>Group</b>\t<b>Item</b>\t<b>Level</b>\t<b>Checked by</b>",
                "<strong>Alpha</strong>\tOne\tE\tX",
                "<strong>Alpha</strong>\tTwo\tD\tY",
                "<strong>Beta</strong>\tThree\tE\tX, Y",
                "Gamma\t<p>Not a table</p>",
            ]
        );
        // A cell with text beside its table stays one cell.
        let mixed = "<table><tr><td>A</td><td>Note <table><tr><td>x</td><td>y</td></tr></table></td></tr></table>";
        let text = to_text(mixed).unwrap();
        assert_eq!(text.lines().filter(|l| l.contains('\t')).count(), 1);
    }

    #[test]
    fn tables_in_cells_render_in_linear_size() {
        // A long label over many small inner rows is repeated only within the inner
        // table's own size.
        let label = "L".repeat(MAX_SPAN_TEXT);
        let n = 5_000;
        let html = format!(
            "<table><tr><td>{label}</td><td><table>{}</table></td></tr></table>",
            "<tr><td>a</td></tr>".repeat(n)
        );
        let text = bounded(&html);
        assert_eq!(text.lines().filter(|l| l.contains('\t')).count(), n);
        // Deeply nested tables: only MAX_NESTED_TABLES levels are read as rows.
        let deep = format!(
            "{}x{}",
            "<table><tr><td>Label</td><td>".repeat(n),
            "</td></tr></table>".repeat(n)
        );
        bounded(&deep);
    }

    #[test]
    fn broken_markup_does_not_panic() {
        for html in [
            "<table><tr><td>x",
            "</td></tr>",
            "<ul><li>a",
            "<h1>",
            "<",
            "<<>>",
            "<!--",
            "<p>",
        ] {
            let _ = to_text(html);
        }
    }
}
