//! Renders a Word .docx file to the text form: `word/document.xml` is read with quick-xml;
//! top-level tables become lines of tab-separated cells holding `<ul><li>`/`<p>` HTML,
//! numbered paragraphs (`w:numPr`, depth from `w:ilvl`) list items, heading styles `#`
//! lines and other paragraphs plain lines.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::blocks::{BREAK, MAX_DEPTH};
use super::ImportError;

/// The most XML read from one document: a real person specification is a few hundred
/// kilobytes (a pack of fifty a few megabytes), and the limit keeps a compressed bomb
/// from exhausting memory. The text read from it is held a few times over (the XML, the
/// text form, the blocks), so the limit is not much above the largest real document.
const MAX_XML_BYTES: u64 = 16 * 1024 * 1024;

/// The deepest table nesting kept. A nested table's rows become paragraphs of the
/// enclosing cell, which copies its text once per level: tables nested deeper than this
/// are read as paragraphs of the deepest kept cell instead, so that a document of tables
/// nested thousands deep takes linear, not quadratic, time.
const MAX_TABLE_DEPTH: usize = 8;

pub fn to_text(body: &[u8]) -> Result<String, ImportError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(body))
        .map_err(|error| ImportError::Unreadable(format!("not a .docx (zip) file: {error}")))?;
    let file = archive
        .by_name("word/document.xml")
        .map_err(|_| ImportError::Unreadable("the .docx file has no word/document.xml".into()))?;
    let mut xml = String::new();
    file.take(MAX_XML_BYTES + 1)
        .read_to_string(&mut xml)
        .map_err(|error| ImportError::Unreadable(format!("word/document.xml: {error}")))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(ImportError::Unreadable(
            "word/document.xml is too large".into(),
        ));
    }
    render(&xml)
}

#[derive(Default)]
struct Paragraph {
    html: String,
    list_level: Option<usize>,
    heading: Option<usize>,
}

#[derive(Default)]
struct Table {
    rows: Vec<String>,
    cells: Vec<String>,
    cell: Option<CellHtml>,
    /// The grid column the current cell starts in (cells spanning columns count theirs).
    column: usize,
    /// Per grid column, the text of the cell merged down from a row above (`vMerge`),
    /// while the merge runs.
    merged: Vec<Option<String>>,
}

#[derive(Default)]
struct CellHtml {
    html: String,
    open_lists: usize,
    /// Grid columns spanned (`gridSpan`), when more than one.
    span: Option<usize>,
    merge: Option<Merge>,
}

/// A cell's place in a vertical merge (`vMerge`).
#[derive(Clone, Copy, PartialEq)]
enum Merge {
    /// The top cell, holding the text.
    Restart,
    /// A cell below it, covered by it (empty in the file).
    Continue,
}

/// The most grid columns whose vertical merges are followed (real tables: a handful).
const MAX_MERGED_COLUMNS: usize = 64;
/// The longest merged cell repeated in the rows it covers (a mark or methods): a longer
/// one leaves them empty, so the text form stays linear in the document.
const MAX_MERGED_TEXT: usize = 200;

impl Table {
    /// A finished cell's text, with a vertical merge followed: a cell covered by one
    /// merged down from above ("Essential" over a run of criteria, the methods over
    /// another) reads as that cell's text, as it is seen on the page.
    fn merge(&mut self, cell: CellHtml) -> String {
        let (span, merge) = (cell.span.unwrap_or(1), cell.merge);
        let mut html = cell.finish();
        let column = self.column;
        self.column = self.column.saturating_add(span);
        if column >= MAX_MERGED_COLUMNS {
            return html;
        }
        if self.merged.len() <= column {
            self.merged.resize(column + 1, None);
        }
        match merge {
            Some(Merge::Restart) => {
                self.merged[column] = (html.len() <= MAX_MERGED_TEXT).then(|| html.clone());
            }
            Some(Merge::Continue) => {
                if html.trim().is_empty() {
                    if let Some(above) = &self.merged[column] {
                        html = above.clone();
                    }
                }
            }
            // A cell of its own ends the merges of every column it spans.
            None => {
                let end = column.saturating_add(span).min(self.merged.len());
                for merged in &mut self.merged[column..end] {
                    *merged = None;
                }
            }
        }
        html
    }
}

impl CellHtml {
    fn add(&mut self, paragraph: Paragraph) {
        let target = paragraph.list_level.map_or(0, |level| level + 1);
        while self.open_lists < target {
            self.html.push_str("<ul>");
            self.open_lists += 1;
        }
        while self.open_lists > target {
            self.html.push_str("</ul>");
            self.open_lists -= 1;
        }
        let text = paragraph.html.trim();
        if text.is_empty() {
            return;
        }
        let (open, close) = if paragraph.list_level.is_some() {
            ("<li>", "</li>")
        } else {
            ("<p>", "</p>")
        };
        self.html.push_str(open);
        self.html.push_str(text);
        self.html.push_str(close);
    }

    fn finish(mut self) -> String {
        self.add(Paragraph::default());
        self.html
    }
}

#[derive(Default)]
struct Renderer {
    out: String,
    tables: Vec<Table>,
    /// Open tables nested beyond [`MAX_TABLE_DEPTH`], whose rows and cells are ignored.
    flattened: usize,
    paragraph: Option<Paragraph>,
    in_properties: bool,
    in_run_properties: bool,
    in_text: bool,
    bold: bool,
    run: String,
}

fn render(xml: &str) -> Result<String, ImportError> {
    let mut reader = Reader::from_str(xml);
    let mut renderer = Renderer::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|error| ImportError::Unreadable(format!("malformed XML: {error}")))?;
        match event {
            Event::Start(element) => renderer.start(&element),
            Event::Empty(element) => {
                renderer.start(&element);
                renderer.end(element.local_name().as_ref());
            }
            Event::End(element) => renderer.end(element.local_name().as_ref()),
            Event::Text(text) if renderer.in_text => {
                let text = text
                    .decode()
                    .map_err(|error| ImportError::Unreadable(format!("malformed XML: {error}")))?;
                renderer.run.push_str(&text);
            }
            Event::GeneralRef(reference) if renderer.in_text => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match &*reference {
                        b"amp" => Some('&'),
                        b"lt" => Some('<'),
                        b"gt" => Some('>'),
                        b"quot" => Some('"'),
                        b"apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = resolved {
                    renderer.run.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(renderer.out)
}

fn attribute(element: &BytesStart, local: &[u8]) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|attribute| attribute.key.local_name().as_ref() == local)
        .and_then(|attribute| String::from_utf8(attribute.value.into_owned()).ok())
}

impl Renderer {
    fn start(&mut self, element: &BytesStart) {
        match element.local_name().as_ref() {
            b"tbl" if self.tables.len() >= MAX_TABLE_DEPTH => self.flattened += 1,
            b"tbl" => {
                if self.tables.is_empty() {
                    // A top-level table's rows are written out as they end.
                    self.out.push('\n');
                }
                self.tables.push(Table::default());
            }
            // The rows and cells of a flattened table (the XML is checked to be well
            // formed, so they are inside it while `flattened` is set).
            b"tr" | b"tc" if self.flattened > 0 => {}
            b"tr" => {
                if let Some(table) = self.tables.last_mut() {
                    table.cells.clear();
                    table.column = 0;
                }
            }
            b"tc" => {
                if let Some(table) = self.tables.last_mut() {
                    table.cell = Some(CellHtml::default());
                }
            }
            // A cell's properties (only a cell's own, not those of a flattened table's).
            b"gridSpan" | b"vMerge" if self.flattened > 0 => {}
            b"gridSpan" => {
                let span = attribute(element, b"val").and_then(|v| v.parse::<usize>().ok());
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.span = span.map(|s| s.clamp(1, MAX_MERGED_COLUMNS));
                }
            }
            b"vMerge" => {
                let merge = match attribute(element, b"val").as_deref() {
                    Some("restart") => Merge::Restart,
                    _ => Merge::Continue,
                };
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.merge = Some(merge);
                }
            }
            b"p" => self.paragraph = Some(Paragraph::default()),
            b"pPr" => self.in_properties = true,
            b"numPr" if self.in_properties => {
                if let Some(paragraph) = self.paragraph.as_mut() {
                    paragraph.list_level.get_or_insert(0);
                }
            }
            b"ilvl" if self.in_properties => {
                let level = attribute(element, b"val").and_then(|v| v.parse::<usize>().ok());
                if let (Some(paragraph), Some(level)) = (self.paragraph.as_mut(), level) {
                    paragraph.list_level = Some(level.min(MAX_DEPTH));
                }
            }
            b"pStyle" if self.in_properties => {
                let style = attribute(element, b"val").unwrap_or_default();
                if let Some(paragraph) = self.paragraph.as_mut() {
                    paragraph.heading = heading_level(&style);
                    // Bullets from the style ("List Bullet 2"), not the paragraph: the
                    // numbering lives in styles.xml, so the style name is the evidence.
                    if let Some(level) = list_style_level(&style) {
                        paragraph.list_level.get_or_insert(level);
                    }
                }
            }
            b"r" => {
                self.bold = false;
                self.run.clear();
            }
            b"rPr" => self.in_run_properties = true,
            b"b" if self.in_run_properties => {
                self.bold = !matches!(attribute(element, b"val").as_deref(), Some("0" | "false"));
            }
            b"t" => self.in_text = true,
            b"tab" if !self.in_properties => self.run.push(' '),
            b"br" | b"cr" => self.run.push(BREAK),
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"t" => self.in_text = false,
            b"rPr" => self.in_run_properties = false,
            b"pPr" => self.in_properties = false,
            b"r" => self.end_run(),
            b"p" => self.end_paragraph(),
            b"tr" | b"tc" if self.flattened > 0 => {}
            b"tbl" if self.flattened > 0 => self.flattened -= 1,
            b"tc" => {
                if let Some(table) = self.tables.last_mut() {
                    let cell = table.cell.take().unwrap_or_default();
                    let span = cell.span.unwrap_or(1);
                    let html = table.merge(cell);
                    // Its span is marked for `columns` (a matrix's categories).
                    table.cells.push(super::columns::spanning(html, span));
                }
            }
            b"tr" => {
                let top_level = self.tables.len() == 1;
                if let Some(table) = self.tables.last_mut() {
                    let mut cells = std::mem::take(&mut table.cells);
                    if cells.len() < 2 {
                        // A one-cell row still needs a tab to read as a row.
                        cells.push(String::new());
                    }
                    let row = cells.join("\t");
                    if top_level {
                        self.out.push_str(&row);
                        self.out.push('\n');
                    } else {
                        table.rows.push(row);
                    }
                }
            }
            b"tbl" => self.end_table(),
            _ => {}
        }
    }

    fn end_run(&mut self) {
        let run = std::mem::take(&mut self.run);
        let Some(paragraph) = self.paragraph.as_mut() else {
            return;
        };
        // Bold only around something visible (a break is: it is written `<br>`).
        if self.bold && run.chars().any(|c| c == BREAK || !c.is_whitespace()) {
            paragraph.html.push_str("<b>");
            escape_into(&mut paragraph.html, &run);
            paragraph.html.push_str("</b>");
        } else {
            escape_into(&mut paragraph.html, &run);
        }
    }

    fn end_paragraph(&mut self) {
        let Some(paragraph) = self.paragraph.take() else {
            return;
        };
        if let Some(table) = self.tables.last_mut() {
            table
                .cell
                .get_or_insert_with(CellHtml::default)
                .add(paragraph);
            return;
        }
        let text = paragraph.html.trim();
        if text.is_empty() {
            return;
        }
        // Written straight to the output: a paragraph can be most of the document.
        let (escaped_hash, text) = match text.strip_prefix('#') {
            Some(rest) => ("&#35;", rest),
            None => ("", text),
        };
        let end = match (paragraph.heading, paragraph.list_level) {
            (Some(level), _) => {
                self.out.push_str(&"#".repeat(level));
                self.out.push(' ');
                "\n\n"
            }
            (None, Some(level)) => {
                self.out.push_str(&"  ".repeat(level));
                self.out.push_str("- ");
                "\n"
            }
            (None, None) => "\n\n",
        };
        self.out.push_str(escaped_hash);
        self.out.push_str(text);
        self.out.push_str(end);
    }

    fn end_table(&mut self) {
        let Some(table) = self.tables.pop() else {
            return;
        };
        match self.tables.last_mut() {
            // A table nested in a cell: its rows become paragraphs of that cell.
            Some(outer) => {
                let cell = outer.cell.get_or_insert_with(CellHtml::default);
                for row in table.rows {
                    cell.add(Paragraph {
                        html: row.replace('\t', " "),
                        ..Paragraph::default()
                    });
                }
            }
            // A top-level table: its rows are out already.
            None => self.out.push('\n'),
        }
    }
}

/// The list level of Word's built-in list styles: `ListBullet`, `ListNumber2` … (level
/// from the number, 1 when none), `ListParagraph` at level 1.
fn list_style_level(style: &str) -> Option<usize> {
    let rest = ["ListBullet", "ListNumber", "ListParagraph"]
        .iter()
        .find_map(|prefix| style.strip_prefix(prefix))?;
    match rest {
        "" => Some(0),
        digits => digits
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=9).contains(n))
            .map(|n| n - 1),
    }
}

/// `Heading1`…`Heading6` and `Title` styles.
fn heading_level(style: &str) -> Option<usize> {
    if style.eq_ignore_ascii_case("title") {
        return Some(1);
    }
    let digits = style
        .strip_prefix("Heading")
        .or_else(|| style.strip_prefix("heading"))?;
    digits
        .parse::<usize>()
        .ok()
        .filter(|level| (1..=6).contains(level))
}

/// Document text written as HTML onto `out`: `&` and `<` escaped, line breaks as `<br>`.
/// (`>` is left: nothing reads it as markup, and escaping it would make a run of them
/// four times longer.)
fn escape_into(out: &mut String, text: &str) {
    out.reserve(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            BREAK => out.push_str("<br>"),
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::super::{import, Format, ImportError};
    use super::*;
    use crate::domain::{Method, Requirement};

    fn docx(body: &str) -> Vec<u8> {
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        writer
            .start_file(
                "word/document.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .expect("start the entry");
        writer.write_all(xml.as_bytes()).expect("write the entry");
        writer.finish().expect("finish the zip").into_inner()
    }

    fn paragraph(text: &str) -> String {
        format!("<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>")
    }

    fn bold(text: &str) -> String {
        format!("<w:p><w:r><w:rPr><w:b/></w:rPr><w:t>{text}</w:t></w:r></w:p>")
    }

    fn item(level: usize, text: &str) -> String {
        format!(
            "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"1\"/></w:numPr></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>"
        )
    }

    fn cell(content: &str) -> String {
        format!("<w:tc>{content}</w:tc>")
    }

    #[test]
    fn a_table_specification_imports() {
        let table = format!(
            "<w:tbl><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            cell(&paragraph("ATTRIBUTES")),
            cell(&paragraph("ESSENTIAL CRITERIA")),
            cell(&paragraph("DESIRABLE CRITERIA")),
            cell(&bold("KNOWLEDGE")),
            cell(&format!(
                "{}{}{}",
                item(0, "Relevant legislation, guidance including:"),
                item(1, "List Adult&apos;s legislation"),
                item(0, "Health &amp; safety (A &amp; I)")
            )),
            cell(&item(0, "Work with asylum seekers")),
        );
        let body = format!("{}{table}", paragraph("Job Title: Support Worker"));
        let specs = import(Format::Docx, &docx(&body)).expect("a specification");
        assert_eq!(specs.len(), 1);
        let spec = &specs[0];
        assert_eq!(spec.title.as_deref(), Some("Support Worker"));
        let criteria: Vec<(&str, Requirement, &str)> = spec
            .criteria
            .iter()
            .map(|c| (c.description.as_str(), c.requirement, c.category.as_str()))
            .collect();
        assert_eq!(
            criteria,
            vec![
                (
                    "Relevant legislation, guidance including: List Adult's legislation",
                    Requirement::Essential,
                    "Knowledge"
                ),
                ("Health & safety", Requirement::Essential, "Knowledge"),
                (
                    "Work with asylum seekers",
                    Requirement::Desirable,
                    "Knowledge"
                ),
            ]
        );
        assert_eq!(
            spec.criteria[1].methods,
            vec![Method::Application, Method::Interview]
        );
    }

    #[test]
    fn cells_merged_down_read_in_every_row_they_cover() {
        let merged = |merge: &str, content: &str| {
            format!("<w:tc><w:tcPr><w:vMerge{merge}/></w:tcPr>{content}</w:tc>")
        };
        let restart = |text: &str| merged(" w:val=\"restart\"", &paragraph(text));
        let covered = || merged("", "<w:p/>");
        let row = |cells: &[String]| format!("<w:tr>{}</w:tr>", cells.concat());
        let table = format!(
            "<w:tbl>{}{}{}{}{}{}</w:tbl>",
            row(&[
                cell(&bold("Criteria")),
                cell(&bold("E/D")),
                cell(&bold("Method"))
            ]),
            row(&[
                cell(&paragraph("One")),
                restart("Essential"),
                restart("Interview")
            ]),
            row(&[cell(&paragraph("Two")), covered(), covered()]),
            row(&[
                cell(&paragraph("Three")),
                covered(),
                cell(&paragraph("Test"))
            ]),
            // A category row spanning the table ends every merge.
            row(&[format!(
                "<w:tc><w:tcPr><w:gridSpan w:val=\"3\"/></w:tcPr>{}</w:tc>",
                bold("Skills")
            )]),
            row(&[cell(&paragraph("Four")), covered(), covered()]),
        );
        let text = render(&format!(
            "<w:document><w:body>{table}</w:body></w:document>"
        ))
        .expect("rendered");
        let rows: Vec<&str> = text.lines().filter(|l| l.contains('\t')).collect();
        assert_eq!(
            rows,
            vec![
                "<p><b>Criteria</b></p>\t<p><b>E/D</b></p>\t<p><b>Method</b></p>",
                "<p>One</p>\t<p>Essential</p>\t<p>Interview</p>",
                "<p>Two</p>\t<p>Essential</p>\t<p>Interview</p>",
                "<p>Three</p>\t<p>Essential</p>\t<p>Test</p>",
                // Spanning three grid columns: two span marks.
                "<p><b>Skills</b></p>\u{e000}\u{e000}\t",
                "<p>Four</p>\t\t",
            ]
        );
        // A long merged cell is not repeated: the text form stays linear in the file.
        let long = "x".repeat(MAX_MERGED_TEXT + 1);
        let table = format!(
            "<w:tbl>{}{}</w:tbl>",
            row(&[cell(&paragraph("One")), restart(&long)]),
            row(&[cell(&paragraph("Two")), covered()]).repeat(1_000),
        );
        let text = render(&format!(
            "<w:document><w:body>{table}</w:body></w:document>"
        ))
        .expect("rendered");
        assert_eq!(text.matches(&long).count(), 1);
    }

    #[test]
    fn a_heading_list_specification_imports() {
        let heading = |text: &str| {
            format!("<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>")
        };
        let body = format!(
            "{}{}{}{}{}{}{}",
            heading("Person Specification"),
            paragraph("Essential"),
            item(0, "Professional social work qualification."),
            item(0, "Good IT skills"),
            heading("Desirable"),
            item(0, "A Practice lead"),
            paragraph("Supporting information"),
        );
        let specs = import(Format::Docx, &docx(&body)).expect("a specification");
        let criteria: Vec<(&str, Requirement)> = specs[0]
            .criteria
            .iter()
            .map(|c| (c.description.as_str(), c.requirement))
            .collect();
        assert_eq!(
            criteria,
            vec![
                (
                    "Professional social work qualification.",
                    Requirement::Essential
                ),
                ("Good IT skills", Requirement::Essential),
                ("A Practice lead", Requirement::Desirable),
            ]
        );
    }

    /// The deepest nesting of `<p>` in a text form: a nested table's rows are paragraphs.
    fn paragraph_depth(text: &str) -> usize {
        let (mut depth, mut deepest) = (0usize, 0);
        for (at, _) in text.match_indices("p>") {
            match text[..at].chars().last() {
                Some('<') => depth += 1,
                Some('/') => depth = depth.saturating_sub(1),
                _ => {}
            }
            deepest = deepest.max(depth);
        }
        deepest
    }

    #[test]
    fn deep_tables_and_list_levels_render_in_linear_size_and_time() {
        // Each level of nesting copied everything inside it: quadratic (20,000 levels, a
        // 5 KB upload, took two minutes).
        let n = 6_000;
        let level = format!(
            "<w:tbl><w:tr><w:tc>{}</w:tc><w:tc>",
            item(4_000_000, "Essential a")
        );
        let body = format!("{}{}", level.repeat(n), "</w:tc></w:tr></w:tbl>".repeat(n));
        let start = std::time::Instant::now();
        let text = to_text(&docx(&body)).expect("a readable document");
        assert!(
            start.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            start.elapsed()
        );
        assert!(text.len() <= body.len() / 2, "{} bytes", text.len());
        assert_eq!(text.matches("<li>Essential a</li>").count(), n);
        assert_eq!(paragraph_depth(&text), MAX_TABLE_DEPTH - 1);
        assert!(!text.contains(&"<ul>".repeat(MAX_DEPTH + 2)));
        // A shallow nested table still becomes paragraphs of its cell.
        let nested = format!(
            "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
            cell(&paragraph("Skills")),
            cell(&format!(
                "<w:tbl><w:tr>{}{}</w:tr></w:tbl>",
                cell(&paragraph("A")),
                cell(&paragraph("B"))
            ))
        );
        assert_eq!(
            to_text(&docx(&nested)).expect("a readable document"),
            "\n<p>Skills</p>\t<p><p>A</p> <p>B</p></p>\n\n"
        );
    }

    #[test]
    fn a_list_level_is_capped_and_text_is_not_inflated() {
        let text = to_text(&docx(&item(4_000_000, "Deep"))).expect("a readable document");
        assert_eq!(text, format!("{}- Deep\n", "  ".repeat(MAX_DEPTH)));
        let arrows = ">".repeat(10_000);
        let text = to_text(&docx(&paragraph(&arrows))).expect("a readable document");
        assert_eq!(text, format!("{arrows}\n\n"));
    }

    #[test]
    fn unreadable_files_are_refused() {
        let unreadable =
            |body: &[u8]| matches!(import(Format::Docx, body), Err(ImportError::Unreadable(_)));
        assert!(unreadable(b"not a zip"));
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        writer
            .start_file("word/other.xml", zip::write::SimpleFileOptions::default())
            .expect("start the entry");
        let no_document = writer.finish().expect("finish the zip").into_inner();
        assert!(unreadable(&no_document));
        assert!(unreadable(&docx("<w:p><w:r><w:t>unclosed</w:r></w:p>")));
        assert_eq!(
            import(Format::Docx, &docx(&paragraph("Nothing here"))),
            Err(ImportError::NoSpecification)
        );
    }
}
