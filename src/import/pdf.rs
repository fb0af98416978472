//! Reads a PDF's text layer into the text form, with its layout: each glyph's position
//! (from `pdf-extract`) and the ruling lines give lines, headings (larger type), list items
//! (bullets), paragraphs (wrapped lines joined) and tables (cells between the ruling lines;
//! a cell spanning the table becomes a one-cell row). A PDF with no text (a scan) is
//! refused with [`ImportError::NoTextLayer`].

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

use super::ImportError;

/// The most glyphs read (about 20 bytes each): far beyond any specification.
const MAX_GLYPHS: usize = 4_000_000;
/// The most ruling-line segments kept.
const MAX_SEGMENTS: usize = 200_000;

#[derive(Clone, Copy)]
struct Glyph {
    x: f32,
    y: f32,
    end: f32,
    size: f32,
    ch: char,
}

#[derive(Default)]
struct Page {
    glyphs: Vec<Glyph>,
    /// (y, x0, x1)
    horizontal: Vec<(f32, f32, f32)>,
    /// (x, y0, y1)
    vertical: Vec<(f32, f32, f32)>,
}

#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    page: Page,
    glyphs: usize,
    segments: usize,
    overflow: bool,
}

fn apply(ctm: &Transform, x: f64, y: f64) -> (f32, f32) {
    (
        (ctm.m11 * x + ctm.m21 * y + ctm.m31) as f32,
        (ctm.m12 * x + ctm.m22 * y + ctm.m32) as f32,
    )
}

impl Collector {
    fn segment(&mut self, a: (f32, f32), b: (f32, f32)) {
        if self.segments >= MAX_SEGMENTS {
            return;
        }
        if (a.1 - b.1).abs() < 0.8 && (a.0 - b.0).abs() > 2.0 {
            self.page.horizontal.push((a.1, a.0.min(b.0), a.0.max(b.0)));
            self.segments += 1;
        } else if (a.0 - b.0).abs() < 0.8 && (a.1 - b.1).abs() > 2.0 {
            self.page.vertical.push((a.0, a.1.min(b.1), a.1.max(b.1)));
            self.segments += 1;
        }
    }

    fn path(&mut self, ctm: &Transform, path: &Path) {
        let mut current = (0.0, 0.0);
        let mut start = (0.0, 0.0);
        for op in &path.ops {
            match *op {
                PathOp::MoveTo(x, y) => {
                    current = apply(ctm, x, y);
                    start = current;
                }
                PathOp::LineTo(x, y) => {
                    let next = apply(ctm, x, y);
                    self.segment(current, next);
                    current = next;
                }
                PathOp::Rect(x, y, w, h) => {
                    let corners = [
                        apply(ctm, x, y),
                        apply(ctm, x + w, y),
                        apply(ctm, x + w, y + h),
                        apply(ctm, x, y + h),
                    ];
                    for (i, &corner) in corners.iter().enumerate() {
                        self.segment(corner, corners[(i + 1) % 4]);
                    }
                }
                PathOp::CurveTo(_, _, _, _, x, y) => current = apply(ctm, x, y),
                PathOp::Close => {
                    self.segment(current, start);
                    current = start;
                }
            }
        }
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        _page_num: u32,
        _media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.page = Page::default();
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.pages.push(std::mem::take(&mut self.page));
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let scale = (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let size = (font_size * scale) as f32;
        let x = trm.m31 as f32;
        let y = trm.m32 as f32;
        let advance = (width * font_size * scale) as f32;
        let count = text.chars().count().max(1) as f32;
        for (n, ch) in text.chars().enumerate() {
            if self.glyphs >= MAX_GLYPHS {
                self.overflow = true;
                return Ok(());
            }
            self.glyphs += 1;
            let at = x + advance * n as f32 / count;
            self.page.glyphs.push(Glyph {
                x: at,
                y,
                end: at + advance / count,
                size,
                ch,
            });
        }
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn stroke(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, path);
        Ok(())
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, path);
        Ok(())
    }
}

/// The text form of a PDF.
pub fn to_text(body: &[u8]) -> Result<String, ImportError> {
    if !body.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(ImportError::Unreadable("not a PDF file".into()));
    }
    // The extractor panics on some malformed files: a refusal, not a crash.
    let read = std::panic::catch_unwind(|| -> Result<Collector, String> {
        let doc = pdf_extract::Document::load_mem(body).map_err(|e| e.to_string())?;
        let mut collector = Collector::default();
        pdf_extract::output_doc(&doc, &mut collector).map_err(|e| e.to_string())?;
        Ok(collector)
    });
    let collector = match read {
        Ok(Ok(collector)) => collector,
        Ok(Err(error)) => {
            return Err(ImportError::Unreadable(format!(
                "the PDF cannot be read: {error}"
            )))
        }
        Err(_) => return Err(ImportError::Unreadable("the PDF cannot be read".into())),
    };
    if collector.overflow {
        return Err(ImportError::Unreadable(format!(
            "the PDF has more than {MAX_GLYPHS} characters"
        )));
    }
    let letters = collector
        .pages
        .iter()
        .flat_map(|p| p.glyphs.iter())
        .filter(|g| g.ch.is_alphanumeric())
        .take(20)
        .count();
    if letters < 20 {
        return Err(ImportError::NoTextLayer);
    }
    Ok(layout(&collector.pages))
}

/// A run of glyphs on one baseline with no wide gap.
#[derive(Clone)]
struct Run {
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
    text: String,
}

fn runs(page: &Page) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    for g in &page.glyphs {
        if let Some(run) = out.last_mut() {
            let same_line = (g.y - run.y).abs() < 0.3 * run.size.max(1.0);
            let gap = g.x - run.x1;
            if same_line && gap > -0.5 * run.size && gap < 0.9 * run.size {
                if gap > 0.15 * run.size && !run.text.ends_with(' ') && g.ch != ' ' {
                    run.text.push(' ');
                }
                run.text.push(g.ch);
                run.x1 = run.x1.max(g.end);
                continue;
            }
        }
        if g.ch.is_whitespace() {
            continue;
        }
        out.push(Run {
            x0: g.x,
            x1: g.end,
            y: g.y,
            size: g.size,
            text: g.ch.to_string(),
        });
    }
    for run in &mut out {
        run.text = run.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out.retain(|r| !r.text.is_empty());
    out
}

/// Runs grouped into lines (top to bottom), each line's runs left to right.
fn lines(mut runs: Vec<Run>) -> Vec<Vec<Run>> {
    runs.sort_by(|a, b| b.y.total_cmp(&a.y).then(a.x0.total_cmp(&b.x0)));
    let mut out: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        match out.last_mut() {
            Some(line) if (line[0].y - run.y).abs() < 0.5 * run.size.max(1.0) => line.push(run),
            _ => out.push(vec![run]),
        }
    }
    for line in &mut out {
        line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
    }
    out
}

/// Ruling-line segments: (position, from, to).
type Segments = Vec<(f32, f32, f32)>;

/// A ruled table: its vertical extent and column boundaries.
struct Table {
    top: f32,
    bottom: f32,
    columns: Vec<f32>,
    rows: Vec<f32>,
    vertical: Vec<(f32, f32, f32)>,
}

fn cluster(mut values: Vec<f32>, tolerance: f32) -> Vec<f32> {
    values.sort_by(|a, b| a.total_cmp(b));
    let mut out: Vec<f32> = Vec::new();
    for v in values {
        if out.last().is_none_or(|last| v - *last > tolerance) {
            out.push(v);
        }
    }
    out
}

fn tables(page: &Page) -> Vec<Table> {
    // Vertical segments that touch or overlap form one table.
    let mut vertical = page.vertical.clone();
    vertical.sort_by(|a, b| b.2.total_cmp(&a.2));
    let mut groups: Vec<(f32, f32, Segments)> = Vec::new();
    for v in vertical {
        match groups.last_mut() {
            Some(group) if v.2 >= group.1 - 2.0 => {
                group.1 = group.1.min(v.1);
                group.0 = group.0.max(v.2);
                group.2.push(v);
            }
            _ => groups.push((v.2, v.1, vec![v])),
        }
    }
    let mut out = Vec::new();
    for (top, bottom, segments) in groups {
        let columns = cluster(segments.iter().map(|s| s.0).collect(), 1.5);
        if columns.len() < 2 || top - bottom < 10.0 {
            continue;
        }
        let (left, right) = (columns[0], columns[columns.len() - 1]);
        let mut rows = cluster(
            page.horizontal
                .iter()
                .filter(|h| h.0 <= top + 1.5 && h.0 >= bottom - 1.5)
                .filter(|h| h.1 <= left + (right - left) * 0.5 && h.2 >= left + 2.0)
                .map(|h| h.0)
                .collect(),
            1.5,
        );
        rows.reverse();
        if rows.len() < 2 {
            continue;
        }
        out.push(Table {
            top,
            bottom,
            columns,
            rows,
            vertical: segments,
        });
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\t', " ")
        .replace('|', "/")
}

fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '•' | '●' | '▪' | '■' | '◦' | '○' | '►' | '➢' | '\u{f0b7}' | '\u{2023}' | '\u{7f}' | '·'
    )
}

/// One table row as a line of tab-separated cells; a row whose cells are not divided by
/// ruling lines is one cell.
fn table_rows(table: &Table, lines: &[Vec<Run>], out: &mut Vec<String>) {
    let ncols = table.columns.len() - 1;
    for w in table.rows.windows(2) {
        let (top, bottom) = (w[0], w[1]);
        let mid = (top + bottom) / 2.0;
        let mut cells: Vec<Vec<String>> = vec![Vec::new(); ncols];
        for line in lines.iter().filter(|l| l[0].y < top && l[0].y > bottom) {
            for run in line {
                let col = table.columns[1..]
                    .iter()
                    .position(|&x| run.x0 < x - 1.0)
                    .unwrap_or(ncols - 1);
                cells[col].push(run.text.clone());
            }
        }
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        // Which inner boundaries are ruled across this row.
        let ruled: Vec<bool> = table.columns[1..ncols]
            .iter()
            .map(|&x| {
                table
                    .vertical
                    .iter()
                    .any(|v| (v.0 - x).abs() < 1.5 && v.1 <= mid && v.2 >= mid)
            })
            .collect();
        let text = |parts: &[String]| -> String {
            let mut s = String::new();
            for part in parts {
                let part = escape(part);
                if !s.is_empty() {
                    let bullet = part.chars().next().is_some_and(is_bullet);
                    s.push_str(if bullet { "<br>" } else { " " });
                }
                s.push_str(&part);
            }
            s
        };
        if ncols > 1 && ruled.iter().all(|r| !r) {
            let all: Vec<String> = cells.into_iter().flatten().collect();
            out.push(format!("| {} |", text(&all)));
            continue;
        }
        let row: Vec<String> = cells.iter().map(|c| text(c)).collect();
        out.push(format!("| {} |", row.join(" | ")));
    }
}

fn layout(pages: &[Page]) -> String {
    // The body size: the commonest run size.
    let mut sizes: Vec<(i32, usize)> = Vec::new();
    let mut page_runs: Vec<Vec<Run>> = Vec::new();
    for page in pages {
        let r = runs(page);
        for run in &r {
            let key = (run.size * 2.0).round() as i32;
            match sizes.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 += run.text.len(),
                None => sizes.push((key, run.text.len())),
            }
        }
        page_runs.push(r);
    }
    let body = sizes
        .iter()
        .max_by_key(|(_, n)| *n)
        .map_or(10.0, |(k, _)| *k as f32 / 2.0);
    let mut out: Vec<String> = Vec::new();
    let mut last_header: Option<String> = None;
    for (page, runs) in pages.iter().zip(page_runs) {
        let bottom_margin = runs.iter().map(|r| r.y).fold(f32::INFINITY, f32::min);
        let lines = lines(runs);
        let tables = tables(page);
        let max_right = lines
            .iter()
            .map(|l| l.last().map_or(0.0, |r| r.x1))
            .fold(0.0f32, f32::max);
        let mut emitted = vec![false; tables.len()];
        let mut previous: Option<(f32, f32, bool)> = None; // (y, x1, joinable)
        for line in &lines {
            let y = line[0].y;
            // Running footers ("Page 1") at the very bottom of the page.
            if (y - bottom_margin).abs() < 1.0 && y < 60.0 {
                continue;
            }
            if let Some(t) = tables.iter().position(|t| y < t.top && y > t.bottom) {
                if !emitted[t] {
                    emitted[t] = true;
                    let mut rows = Vec::new();
                    table_rows(&tables[t], &lines, &mut rows);
                    // A table continued on the next page repeats its header row.
                    if !rows.is_empty() && rows.first() == last_header.as_ref() {
                        rows.remove(0);
                    } else {
                        last_header = rows.first().cloned();
                    }
                    out.push(String::new());
                    out.extend(rows);
                    out.push(String::new());
                }
                previous = None;
                continue;
            }
            let text: String = line
                .iter()
                .map(|r| escape(&r.text))
                .collect::<Vec<_>>()
                .join(" ");
            // A bullet glyph may be set larger than its text: the words' size counts.
            let size = line
                .iter()
                .filter(|r| r.text.chars().any(char::is_alphanumeric))
                .map(|r| r.size)
                .fold(0.0f32, f32::max);
            let x1 = line.last().map_or(0.0, |r| r.x1);
            let first = text.chars().next().unwrap_or(' ');
            if size >= body * 1.15 && !is_bullet(first) {
                out.push(String::new());
                out.push(format!("## {text}"));
                out.push(String::new());
                previous = None;
                continue;
            }
            if is_bullet(first) {
                let rest = text.trim_start_matches(is_bullet).trim();
                out.push(String::new());
                if !rest.is_empty() {
                    out.push(format!("- {rest}"));
                    previous = Some((y, x1, true));
                } else {
                    previous = None;
                }
                continue;
            }
            // A numbered item opens a line of its own.
            let numbered = {
                let digits = text.chars().take_while(char::is_ascii_digit).count();
                (1..=3).contains(&digits) && text[digits..].starts_with([')', '.'])
            };
            let joins = !numbered
                && previous.is_some_and(|(py, px1, joinable)| {
                    joinable && py - y <= size * 1.6 && px1 >= max_right * 0.8
                })
                || !numbered && first.is_lowercase() && previous.is_some();
            if joins {
                if let Some(last) = out.iter_mut().rev().find(|l| !l.is_empty()) {
                    last.push(' ');
                    last.push_str(&text);
                    previous = Some((y, x1, true));
                    continue;
                }
            }
            out.push(String::new());
            out.push(text);
            previous = Some((y, x1, true));
        }
        out.push(String::new());
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_pdfs_are_refused() {
        assert!(matches!(to_text(b"hello"), Err(ImportError::Unreadable(_))));
        assert!(matches!(
            to_text(b"%PDF-1.4 nonsense"),
            Err(ImportError::Unreadable(_))
        ));
    }
}
