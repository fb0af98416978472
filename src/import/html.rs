//! Renders an HTML document to the text form: headings as `#` lines, paragraphs as lines,
//! lists as `- ` items indented by depth, and each table row as one line of tab-separated
//! cells that keep their inner HTML.

use super::blocks::{parse_fragment, Spaces, BREAK};

pub fn to_text(html: &str) -> String {
    let tokens = tokenize(html);
    let mut out = Renderer {
        html,
        tokens: &tokens,
        text: String::with_capacity(html.len() / 2),
        paragraph: String::new(),
    };
    out.render(0, tokens.len());
    out.flush();
    out.text
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

fn tokenize(html: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut at = 0;
    // Absolute position of the next '>' at or after `at` (None: there is none), kept so
    // that a run of '<' without '>' is not searched to the end once per '<'.
    let mut next_gt: Option<Option<usize>> = None;
    while at < html.len() {
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
                tokens.push(Token {
                    kind: if closing { Kind::Close } else { Kind::Open },
                    name,
                    start: at,
                    end: at + close + 1,
                });
                at += close + 1;
            }
            None => {
                let first = rest.chars().next().map_or(1, char::len_utf8);
                let next = rest[first..]
                    .find('<')
                    .map_or(html.len(), |i| at + first + i);
                tokens.push(Token {
                    kind: Kind::Other,
                    name: "",
                    start: at,
                    end: next,
                });
                at = next;
            }
        }
    }
    tokens
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
    tokens: &'a [Token<'a>],
    text: String,
    paragraph: String,
}

impl<'a> Renderer<'a> {
    /// Index of the token closing the element opened at `open`, or `limit`.
    fn matching(&self, open: usize, limit: usize) -> usize {
        let name = self.tokens[open].name;
        let mut depth = 0usize;
        for index in open..limit {
            let token = &self.tokens[index];
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
        let start = self.tokens[from].end;
        let end = self.tokens.get(to).map_or(self.html.len(), |t| t.start);
        self.html.get(start..end.max(start)).unwrap_or("")
    }

    fn render(&mut self, from: usize, to: usize) {
        let mut index = from;
        while index < to {
            let token = self.tokens[index];
            if is(&token, Kind::Open, &["head", "script", "style", "title"]) {
                index = self.matching(index, to) + 1;
            } else if is(&token, Kind::Open, &["table"]) {
                let end = self.matching(index, to);
                self.flush();
                self.table(index + 1, end);
                index = end + 1;
            } else if is(&token, Kind::Open, &["ul", "ol"]) {
                let end = self.matching(index, to);
                self.flush();
                let source = self
                    .html
                    .get(token.start..self.tokens.get(end).map_or(self.html.len(), |t| t.end))
                    .unwrap_or("");
                for item in parse_fragment(source, Spaces::Collapse).items {
                    let indent = "  ".repeat(item.depth);
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

    fn table(&mut self, from: usize, to: usize) {
        let mut index = from;
        while index < to {
            if !is(&self.tokens[index], Kind::Open, &["tr"]) {
                index += 1;
                continue;
            }
            let row_end = self.matching(index, to);
            let mut cells = Vec::new();
            let mut cell = index + 1;
            while cell < row_end {
                if is(&self.tokens[cell], Kind::Open, &["td", "th"]) {
                    let end = self.matching(cell, row_end);
                    cells.push(one_line(self.inner(cell, end)));
                    cell = end + 1;
                } else {
                    cell += 1;
                }
            }
            if cells.len() < 2 {
                // A one-cell row still needs a tab to read as a row.
                cells.push(String::new());
            }
            self.line(&cells.join("\t"));
            index = row_end + 1;
        }
        self.text.push('\n');
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
            to_text(html),
            "## Person specification\n\nJob <b>Title</b>: Worker\n\n\
A\t<ul><li>One</li></ul>\nOnly\t\n\n- First\n  - Sub\n\nloose &amp; text\n\nafter\n\n"
        );
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
