//! Renders a Word .docx file to the text form: `word/document.xml` is read with quick-xml;
//! top-level tables become lines of tab-separated cells holding `<ul><li>`/`<p>` HTML,
//! numbered paragraphs (`w:numPr`, depth from `w:ilvl`) list items, heading styles `#`
//! lines and other paragraphs plain lines.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::blocks::BREAK;
use super::ImportError;

/// The most XML read from one document: a real person specification is a few hundred
/// kilobytes, and the limit keeps a compressed bomb from exhausting memory.
const MAX_XML_BYTES: u64 = 64 * 1024 * 1024;

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
}

#[derive(Default)]
struct CellHtml {
    html: String,
    open_lists: usize,
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
        if paragraph.html.trim().is_empty() {
            return;
        }
        let tag = if paragraph.list_level.is_some() {
            "li"
        } else {
            "p"
        };
        self.html
            .push_str(&format!("<{tag}>{}</{tag}>", paragraph.html.trim()));
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
            b"tbl" => self.tables.push(Table::default()),
            b"tr" => {
                if let Some(table) = self.tables.last_mut() {
                    table.cells.clear();
                }
            }
            b"tc" => {
                if let Some(table) = self.tables.last_mut() {
                    table.cell = Some(CellHtml::default());
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
                    paragraph.list_level = Some(level.min(8));
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
            b"tc" => {
                if let Some(table) = self.tables.last_mut() {
                    let cell = table.cell.take().unwrap_or_default();
                    table.cells.push(cell.finish());
                }
            }
            b"tr" => {
                if let Some(table) = self.tables.last_mut() {
                    let mut cells = std::mem::take(&mut table.cells);
                    if cells.len() < 2 {
                        // A one-cell row still needs a tab to read as a row.
                        cells.push(String::new());
                    }
                    table.rows.push(cells.join("\t"));
                }
            }
            b"tbl" => self.end_table(),
            _ => {}
        }
    }

    fn end_run(&mut self) {
        let text = escape(&std::mem::take(&mut self.run));
        let Some(paragraph) = self.paragraph.as_mut() else {
            return;
        };
        if self.bold && !text.trim().is_empty() {
            paragraph.html.push_str(&format!("<b>{text}</b>"));
        } else {
            paragraph.html.push_str(&text);
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
        let text = match text.strip_prefix('#') {
            Some(rest) => format!("&#35;{rest}"),
            None => text.to_string(),
        };
        match (paragraph.heading, paragraph.list_level) {
            (Some(level), _) => {
                self.out
                    .push_str(&format!("{} {text}\n\n", "#".repeat(level)));
            }
            (None, Some(level)) => {
                self.out
                    .push_str(&format!("{}- {text}\n", "  ".repeat(level)));
            }
            (None, None) => self.out.push_str(&format!("{text}\n\n")),
        }
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
            None => {
                self.out.push('\n');
                for row in table.rows {
                    self.out.push_str(&row);
                    self.out.push('\n');
                }
                self.out.push('\n');
            }
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

/// Document text written as HTML: markup characters escaped, line breaks as `<br>`.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            BREAK => out.push_str("<br>"),
            c if c.is_whitespace() => out.push(' '),
            c => out.push(c),
        }
    }
    out
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
