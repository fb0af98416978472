//! Reads a PDF's text layer into the text form, with its layout: each glyph's position
//! (from `pdf-extract`) and the ruling lines give lines, headings (larger type), list items
//! (bullets), paragraphs (wrapped lines joined) and tables (cells between the ruling lines;
//! a cell spanning the table becomes a one-cell row). A PDF with no text (a scan) is
//! refused with [`ImportError::NoTextLayer`].
//!
//! The PDF parser (`lopdf`, under `pdf-extract`) decompresses streams without a limit,
//! recurses on nested arrays, dictionaries and form XObjects, and panics on some malformed
//! files. So a PDF is read in bounded steps: the raw bytes are checked first ([`prescan`]:
//! every stream decompressed into a bounded buffer, nesting counted, encryption and LZW
//! refused), then parsed on a thread of its own with a large stack and a time limit, inside
//! `catch_unwind`, with a page cap and a check of the form XObjects' nesting before any
//! page is drawn.

use std::io::Read;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use pdf_extract::{ColorSpace, MediaBox, OutputDev, OutputError, Path, PathOp, Transform};

use super::ImportError;

/// The largest PDF read (the endpoint accepts 8 MiB).
pub const MAX_PDF_BYTES: usize = 8 * 1024 * 1024;
/// The most pages read: a council's whole pack is a few dozen.
pub const MAX_PAGES: usize = 300;
/// The most bytes one stream may decompress to (an embedded font of a whole script is a
/// few MiB; a page's drawing a few hundred KiB).
const MAX_STREAM_BYTES: usize = 16 * 1024 * 1024;
/// The most bytes a text-like stream (a page's drawing, an object stream) may decompress
/// to: the parser holds about 100 bytes per operator of it.
const MAX_TEXT_STREAM_BYTES: usize = 512 * 1024;
/// The most bytes all streams together may decompress to.
const MAX_DECODED_BYTES: usize = 64 * 1024 * 1024;
/// The deepest nesting of arrays, dictionaries and procedures (real files: under 10).
const MAX_NESTING: usize = 256;
/// The deepest chain of form XObjects drawing form XObjects.
const MAX_FORM_DEPTH: usize = 8;
/// How long reading one PDF may take. A file that takes longer is refused; its thread is
/// left to finish (it cannot be stopped from outside) and counts as overdue.
pub const TIME_LIMIT: Duration = Duration::from_secs(20);
/// While this many PDFs are still being read past their time limit, further PDFs are
/// refused, so that hostile files cannot take every core.
const MAX_OVERDUE: usize = 2;
/// The parsing thread's stack: room for the parser's recursion within [`MAX_NESTING`].
const STACK_BYTES: usize = 64 * 1024 * 1024;

/// PDFs whose reading ran past [`TIME_LIMIT`] and has not finished yet.
static OVERDUE: AtomicUsize = AtomicUsize::new(0);

/// The most glyphs read (about 20 bytes each): far beyond any specification.
const MAX_GLYPHS: usize = 1_000_000;
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

struct Collector {
    pages: Vec<Page>,
    page: Page,
    glyphs: usize,
    segments: usize,
    overflow: bool,
    /// Past this the drawing is abandoned (checked every few hundred callbacks).
    deadline: Instant,
    calls: usize,
}

impl Collector {
    fn new(deadline: Instant) -> Collector {
        Collector {
            pages: Vec::new(),
            page: Page::default(),
            glyphs: 0,
            segments: 0,
            overflow: false,
            deadline,
            calls: 0,
        }
    }

    /// An error once the time limit has passed, so that the parser stops drawing.
    fn tick(&mut self) -> Result<(), OutputError> {
        self.calls += 1;
        if self.calls.is_multiple_of(256) && Instant::now() > self.deadline {
            return Err(OutputError::IoError(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the time limit passed",
            )));
        }
        Ok(())
    }
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
        if self.pages.len() >= MAX_PAGES {
            self.overflow = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        self.page = Page::default();
        self.tick()
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
        self.tick()?;
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
        self.tick()
    }

    fn fill(
        &mut self,
        ctm: &Transform,
        _colorspace: &ColorSpace,
        _color: &[f64],
        path: &Path,
    ) -> Result<(), OutputError> {
        self.path(ctm, path);
        self.tick()
    }
}

/// The text form of a PDF.
pub fn to_text(body: &[u8]) -> Result<String, ImportError> {
    if body.len() > MAX_PDF_BYTES {
        return Err(ImportError::Unreadable(format!(
            "the PDF is larger than {} MiB",
            MAX_PDF_BYTES >> 20
        )));
    }
    if !body.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(ImportError::Unreadable("not a PDF file".into()));
    }
    prescan(body).map_err(ImportError::Unreadable)?;
    let collector = read_bounded(body.to_vec(), TIME_LIMIT)?;
    if collector.overflow {
        return Err(ImportError::Unreadable(format!(
            "the PDF has more than {MAX_PAGES} pages or {MAX_GLYPHS} characters"
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

/// The reading thread's state, for the overdue count.
const RUNNING: u8 = 0;
const FINISHED: u8 = 1;
const ABANDONED: u8 = 2;

/// Parses the PDF and draws its pages into a [`Collector`] on a thread of its own, within
/// `limit`. A panic in the parser is a refusal; so is a file still being read at the limit
/// (its thread runs on, counted in [`OVERDUE`], until the parser returns).
fn read_bounded(body: Vec<u8>, limit: Duration) -> Result<Collector, ImportError> {
    if OVERDUE.load(Ordering::SeqCst) >= MAX_OVERDUE {
        return Err(ImportError::Unreadable(
            "other PDFs that ran past the time limit are still being read: try again later".into(),
        ));
    }
    let deadline = Instant::now() + limit;
    let state = Arc::new(AtomicU8::new(RUNNING));
    let (sender, receiver) = mpsc::sync_channel(1);
    let thread_state = Arc::clone(&state);
    let spawned = std::thread::Builder::new()
        .name("pdf-import".into())
        .stack_size(STACK_BYTES)
        .spawn(move || {
            let read = std::panic::catch_unwind(|| parse(&body, deadline));
            let _ = sender.send(read);
            if thread_state
                .compare_exchange(RUNNING, FINISHED, Ordering::SeqCst, Ordering::SeqCst)
                .is_err()
            {
                // Abandoned at the time limit: no longer overdue.
                OVERDUE.fetch_sub(1, Ordering::SeqCst);
            }
        });
    if let Err(error) = spawned {
        return Err(ImportError::Unreadable(format!(
            "the PDF cannot be read now: {error}"
        )));
    }
    let read = match receiver.recv_timeout(limit) {
        Ok(read) => read,
        Err(_) => {
            OVERDUE.fetch_add(1, Ordering::SeqCst);
            if state
                .compare_exchange(RUNNING, ABANDONED, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                return Err(ImportError::Unreadable(format!(
                    "the PDF took longer than {} seconds to read",
                    limit.as_secs()
                )));
            }
            // It finished just now.
            OVERDUE.fetch_sub(1, Ordering::SeqCst);
            receiver
                .recv()
                .map_err(|_| ImportError::Unreadable("the PDF cannot be read".into()))?
        }
    };
    match read {
        Ok(Ok(collector)) => Ok(collector),
        Ok(Err(error)) => Err(ImportError::Unreadable(format!(
            "the PDF cannot be read: {error}"
        ))),
        Err(_) => Err(ImportError::Unreadable("the PDF cannot be read".into())),
    }
}

/// Parses the PDF and draws its pages (on the reading thread).
fn parse(body: &[u8], deadline: Instant) -> Result<Collector, String> {
    let doc = pdf_extract::Document::load_mem(body).map_err(|e| e.to_string())?;
    if doc.is_encrypted() {
        return Err("the PDF is encrypted: save it without protection".into());
    }
    let pages = doc.get_pages().len();
    if pages > MAX_PAGES {
        return Err(format!("it has {pages} pages, more than {MAX_PAGES}"));
    }
    forms_are_shallow(&doc)?;
    if Instant::now() > deadline {
        return Err("the time limit passed".into());
    }
    let mut collector = Collector::new(deadline);
    match pdf_extract::output_doc(&doc, &mut collector) {
        Ok(()) => Ok(collector),
        // The page cap or the glyph cap stopped it: reported by the caller.
        Err(_) if collector.overflow => Ok(collector),
        Err(e) => Err(e.to_string()),
    }
}

/// Refuses form XObjects that draw themselves (the parser would recurse until the stack
/// overflows) or nest deeper than [`MAX_FORM_DEPTH`], and forms without resources of
/// their own that draw other XObjects (they would draw with their caller's, which may
/// hold them).
fn forms_are_shallow(doc: &pdf_extract::Document) -> Result<(), String> {
    use pdf_extract::{Object, ObjectId};
    use std::collections::HashMap;
    let deref = |object: &Object| -> Option<Object> {
        match object {
            Object::Reference(id) => doc.get_object(*id).ok().cloned(),
            other => Some(other.clone()),
        }
    };
    let mut edges: HashMap<ObjectId, Vec<ObjectId>> = HashMap::new();
    for (id, object) in &doc.objects {
        let Object::Stream(stream) = object else {
            continue;
        };
        let is_form = stream
            .dict
            .get(b"Subtype")
            .and_then(Object::as_name)
            .is_ok_and(|name| name == b"Form");
        if !is_form {
            continue;
        }
        let resources = stream.dict.get(b"Resources").ok().and_then(deref);
        let xobjects = resources
            .as_ref()
            .and_then(|r| r.as_dict().ok())
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(deref);
        let targets: Vec<ObjectId> = xobjects
            .as_ref()
            .and_then(|x| x.as_dict().ok())
            .map(|x| {
                x.iter()
                    .filter_map(|(_, v)| v.as_reference().ok())
                    .collect()
            })
            .unwrap_or_default();
        if resources.is_none() {
            let content = stream
                .decompressed_content()
                .unwrap_or_else(|_| stream.content.clone());
            if content.windows(2).any(|w| w == b"Do") {
                return Err("a form XObject without resources draws other XObjects".into());
            }
        }
        edges.insert(*id, targets);
    }
    // Depth-first from every form, iteratively: 1 = on the path, 2 = done.
    let mut marks: HashMap<ObjectId, u8> = HashMap::new();
    for &root in edges.keys() {
        if marks.contains_key(&root) {
            continue;
        }
        let mut stack: Vec<(ObjectId, usize)> = vec![(root, 0)];
        marks.insert(root, 1);
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            let children = edges.get(&node).map_or(&[][..], Vec::as_slice);
            if let Some(&child) = children.get(*next) {
                *next += 1;
                if !edges.contains_key(&child) {
                    continue;
                }
                match marks.get(&child) {
                    Some(1) => return Err("a form XObject draws itself".into()),
                    Some(_) => {}
                    None => {
                        if stack.len() >= MAX_FORM_DEPTH {
                            return Err(format!(
                                "form XObjects are nested more than {MAX_FORM_DEPTH} deep"
                            ));
                        }
                        marks.insert(child, 1);
                        stack.push((child, 0));
                    }
                }
            } else {
                marks.insert(node, 2);
                stack.pop();
            }
        }
    }
    Ok(())
}

/// Checks the raw file before the parser sees it: every stream decompresses (by the
/// filters the parser applies: Flate, possibly chained, after ASCII85) into at most
/// [`MAX_STREAM_BYTES`] ([`MAX_TEXT_STREAM_BYTES`] for text-like ones), all of them into at
/// most [`MAX_DECODED_BYTES`]; arrays, dictionaries and procedures nest at most
/// [`MAX_NESTING`] deep, outside the streams and inside the text-like ones; no
/// encryption (the streams could not be checked) and no LZW (a bomb without a
/// recognisable header). Linear in the file plus what it decompresses to.
fn prescan(body: &[u8]) -> Result<(), String> {
    let mut decoded_total = 0usize;
    let mut depth = 0usize;
    let mut ascii85 = false;
    let mut length: Option<usize> = None;
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            b'%' => {
                while i < body.len() && body[i] != b'\n' && body[i] != b'\r' {
                    i += 1;
                }
            }
            b'<' if body.get(i + 1) == Some(&b'<') => {
                if depth == 0 {
                    ascii85 = false;
                    length = None;
                }
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!("it nests more than {MAX_NESTING} deep"));
                }
                i += 2;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!("it nests more than {MAX_NESTING} deep"));
                }
                i += 1;
            }
            b'>' if body.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 2;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'/' => {
                let end = token_end(body, i + 1);
                let name = decode_name(&body[i + 1..end]);
                match name.as_slice() {
                    b"Encrypt" => {
                        return Err("the PDF is encrypted: save it without protection".into())
                    }
                    b"LZWDecode" | b"LZW" => {
                        return Err("it uses LZW compression: save it again as a PDF".into())
                    }
                    b"ASCII85Decode" | b"A85" => ascii85 = true,
                    b"Length" => length = direct_integer(body, end),
                    _ => {}
                }
                i = end.max(i + 1);
            }
            b's' if body[i..].starts_with(b"stream")
                && i > 0
                && matches!(body[i - 1], b' ' | b'\n' | b'\r' | b'\t' | b'>') =>
            {
                let mut start = i + 6;
                if body.get(start) == Some(&b'\r') {
                    start += 1;
                }
                if body.get(start) == Some(&b'\n') {
                    start += 1;
                } else if body.get(start - 1) != Some(&b'\r') {
                    i += 1;
                    continue;
                }
                let end = stream_end(body, start, length);
                decoded_total += measure_stream(body, start, end, ascii85)?;
                if decoded_total > MAX_DECODED_BYTES {
                    return Err(format!(
                        "its streams decompress to more than {} MiB",
                        MAX_DECODED_BYTES >> 20
                    ));
                }
                i = end;
                depth = 0;
                ascii85 = false;
                length = None;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b' ' | b'\n'
            | b'\r'
            | b'\t'
            | b'\x0c'
            | b'\0'
            | b'/'
            | b'['
            | b']'
            | b'<'
            | b'>'
            | b'('
            | b')'
            | b'{'
            | b'}'
            | b'%'
    )
}

fn token_end(body: &[u8], from: usize) -> usize {
    let mut end = from;
    while end < body.len() && !is_delimiter(body[end]) {
        end += 1;
    }
    end
}

/// A name with its `#xx` escapes decoded (as the parser reads it).
fn decode_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'#' && i + 2 < raw.len() {
            let hex = std::str::from_utf8(&raw[i + 1..i + 3]).ok();
            if let Some(byte) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    out
}

/// The integer after `/Length` when it is written directly (not `n 0 R`).
fn direct_integer(body: &[u8], from: usize) -> Option<usize> {
    let skip = |mut at: usize| {
        while at < body.len() && body[at].is_ascii_whitespace() {
            at += 1;
        }
        at
    };
    let digits = |at: usize| {
        let mut end = at;
        while end < body.len() && body[end].is_ascii_digit() {
            end += 1;
        }
        end
    };
    let at = skip(from);
    let end = digits(at);
    if end == at || end - at > 12 {
        return None;
    }
    let value: usize = std::str::from_utf8(&body[at..end]).ok()?.parse().ok()?;
    // `n g R` is a reference.
    let second = skip(end);
    let second_end = digits(second);
    if second_end > second && body.get(skip(second_end)) == Some(&b'R') {
        return None;
    }
    Some(value)
}

/// Where a stream's data ends: at its direct `/Length` when `endstream` follows there,
/// otherwise at the next `endstream`.
fn stream_end(body: &[u8], start: usize, length: Option<usize>) -> usize {
    if let Some(end) = length.and_then(|l| start.checked_add(l)) {
        if end <= body.len() {
            let mut at = end;
            while at < body.len() && body[at].is_ascii_whitespace() {
                at += 1;
            }
            if body[at..].starts_with(b"endstream") {
                return end;
            }
        }
    }
    body[start..]
        .windows(9)
        .position(|w| w == b"endstream")
        .map_or(body.len(), |p| start + p)
}

/// What one stream decompresses to, in bytes, checked against the limits.
fn measure_stream(body: &[u8], start: usize, end: usize, ascii85: bool) -> Result<usize, String> {
    let too_big = || {
        format!(
            "a stream decompresses to more than {} MiB",
            MAX_STREAM_BYTES >> 20
        )
    };
    let mut total = 0usize;
    let mut data: Vec<u8> = if ascii85 {
        let decoded = decode_ascii85(&body[start..end]);
        total += decoded.len();
        decoded
    } else if looks_zlib(&body[start..end]) {
        // Zlib data ends itself: read it past a false `endstream` inside it, as the
        // parser does when the length is given indirectly.
        let decoded = inflate(&body[start..]).ok_or_else(too_big)?;
        total += decoded.len();
        decoded
    } else {
        body[start..end].to_vec()
    };
    // Flate applied again (a chain of filters): each stage bounded.
    for _ in 0..4 {
        if !looks_zlib(&data) {
            break;
        }
        data = inflate(&data).ok_or_else(too_big)?;
        total += data.len();
        if total > MAX_DECODED_BYTES {
            return Err(too_big());
        }
    }
    if text_like(&data) {
        if data.len() > MAX_TEXT_STREAM_BYTES {
            return Err(format!(
                "a page or object stream decompresses to more than {} MiB",
                MAX_TEXT_STREAM_BYTES >> 20
            ));
        }
        nesting_within_limit(&data)?;
    }
    Ok(total)
}

fn looks_zlib(data: &[u8]) -> bool {
    data.len() >= 2
        && data[0] & 0x0f == 8
        && data[0] >> 4 <= 7
        && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0
}

/// Zlib data inflated into at most [`MAX_STREAM_BYTES`] (`None` beyond); what precedes an
/// error is kept, as the parser keeps it.
fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let _ = flate2::read::ZlibDecoder::new(data)
        .take(MAX_STREAM_BYTES as u64 + 1)
        .read_to_end(&mut out);
    (out.len() <= MAX_STREAM_BYTES).then_some(out)
}

/// ASCII85 decoded (at most four bytes per input byte), stopping at `~>`.
fn decode_ascii85(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    let mut group: u64 = 0;
    let mut count = 0;
    for &c in data {
        match c {
            b'~' => break,
            b'z' if count == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group = group * 85 + u64::from(c - b'!');
                count += 1;
                if count == 5 {
                    out.extend_from_slice(&(group as u32).to_be_bytes());
                    group = 0;
                    count = 0;
                }
            }
            _ => {}
        }
    }
    if count > 1 {
        for _ in count..5 {
            group = group * 85 + 84;
        }
        out.extend_from_slice(&(group as u32).to_be_bytes()[..count - 1]);
    }
    out
}

/// Whether decompressed data is text the parser will read as PDF syntax (a page's
/// drawing, an object stream, a character map), rather than a font or an image.
fn text_like(data: &[u8]) -> bool {
    let head = &data[..data.len().min(1024)];
    let text = head
        .iter()
        .filter(|&&c| c.is_ascii_graphic() || c.is_ascii_whitespace())
        .count();
    !head.is_empty() && text * 100 >= head.len() * 95
}

/// Arrays, dictionaries and procedures in PDF syntax nest at most [`MAX_NESTING`] deep.
/// Brackets inside strings count too: a string hidden in an inline image is not one to
/// the parser.
fn nesting_within_limit(data: &[u8]) -> Result<(), String> {
    let mut depth = 0usize;
    let mut i = 0;
    while i < data.len() {
        match data[i] {
            b'<' if data.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 1;
            }
            b'>' if data.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_NESTING {
            return Err(format!("it nests more than {MAX_NESTING} deep"));
        }
        i += 1;
    }
    Ok(())
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
    /// The horizontal rules within it, by height (highest first).
    horizontal: Segments,
}

/// The longest cell repeated in the rows a merged cell covers (a mark or methods): a
/// longer one is left in its first row only, so the text form stays linear.
const MAX_MERGED_TEXT: usize = 200;

/// Which columns of a table have a rule along the row boundary at `y`: a column without
/// one there is covered by a cell merged down from the row above. (Each rule is found by
/// binary search and marks its columns in a difference array: linear in the rules near
/// the boundary and the columns.)
fn ruled_columns(table: &Table, y: f32) -> Vec<bool> {
    let ncols = table.columns.len() - 1;
    let mids: Vec<f32> = table
        .columns
        .windows(2)
        .map(|w| (w[0] + w[1]) / 2.0)
        .collect();
    let mut marks = vec![0i64; ncols + 1];
    let from = table.horizontal.partition_point(|h| h.0 > y + 1.5);
    for h in table.horizontal[from..]
        .iter()
        .take_while(|h| h.0 >= y - 1.5)
    {
        let first = mids.partition_point(|&m| m < h.1);
        let last = mids.partition_point(|&m| m <= h.2);
        if first < last {
            marks[first] += 1;
            marks[last] -= 1;
        }
    }
    let mut open = 0;
    marks[..ncols]
        .iter()
        .map(|m| {
            open += m;
            open > 0
        })
        .collect()
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
        let mut horizontal: Segments = page
            .horizontal
            .iter()
            .filter(|h| h.0 <= top + 1.5 && h.0 >= bottom - 1.5)
            .copied()
            .collect();
        horizontal.sort_by(|a, b| b.0.total_cmp(&a.0));
        out.push(Table {
            top,
            bottom,
            columns,
            rows,
            vertical: segments,
            horizontal,
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
    let inside = |l: &&Vec<Run>, top: f32, bottom: f32| l[0].y < top && l[0].y > bottom;
    let column_of = |run: &Run| {
        table.columns[1..]
            .iter()
            .position(|&x| run.x0 < x - 1.0)
            .unwrap_or(ncols - 1)
    };
    // The table's line pitch: the least step between a cell's lines. A wider step inside
    // a cell is the space after a paragraph.
    let mut pitch = f32::MAX;
    for w in table.rows.windows(2) {
        let mut last_y: Vec<Option<f32>> = vec![None; ncols];
        for line in lines.iter().filter(|l| inside(l, w[0], w[1])) {
            let mut seen = vec![false; ncols];
            for run in line {
                let col = column_of(run);
                if seen[col] {
                    continue;
                }
                seen[col] = true;
                if let Some(y) = last_y[col] {
                    let step = y - run.y;
                    if step > 0.5 * run.size {
                        pitch = pitch.min(step);
                    }
                }
                last_y[col] = Some(run.y);
            }
        }
    }
    // The cells of the row above, for the cells merged down from it (vertically merged
    // cells: one "E" over a run of criteria, the methods over another run); a merged
    // cell's text is in its first row, the rows below have no rule above them in its
    // column.
    let mut above: Vec<Option<String>> = vec![None; ncols];
    for w in table.rows.windows(2) {
        let (top, bottom) = (w[0], w[1]);
        let mid = (top + bottom) / 2.0;
        // Each cell's runs, a run marked when it opens a line the one before ended
        // short of (the first word would have fitted there): a new paragraph.
        let mut cells: Vec<Vec<(String, bool)>> = vec![Vec::new(); ncols];
        // Per column: the left padding (from the first run) and the end of the last line.
        let mut left_pad: Vec<Option<f32>> = vec![None; ncols];
        let mut line_end: Vec<Option<f32>> = vec![None; ncols];
        let mut last_y: Vec<Option<f32>> = vec![None; ncols];
        for line in lines.iter().filter(|l| inside(l, top, bottom)) {
            let mut seen = vec![false; ncols];
            for run in line {
                let col = column_of(run);
                let pad = *left_pad[col].get_or_insert((run.x0 - table.columns[col]).max(0.0));
                let mut opens = false;
                if !seen[col] {
                    if let Some(end) = line_end[col] {
                        let word = run.text.split(' ').next().unwrap_or("");
                        let chars = run.text.chars().count().max(1) as f32;
                        let width = (run.x1 - run.x0) * word.chars().count() as f32 / chars;
                        let room = table.columns[col + 1] - pad - end;
                        let spaced = last_y[col]
                            .is_some_and(|y| y - run.y > pitch + (0.05 * pitch).max(0.6));
                        opens = word.chars().next().is_some_and(char::is_uppercase)
                            && (width + 0.3 * run.size + 2.0 < room || spaced);
                    }
                    line_end[col] = None;
                    last_y[col] = Some(run.y);
                }
                seen[col] = true;
                line_end[col] = Some(line_end[col].map_or(run.x1, |e: f32| e.max(run.x1)));
                cells[col].push((run.text.clone(), opens));
            }
        }
        if cells.iter().all(|c| c.is_empty()) {
            above.fill(None);
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
        let text = |parts: &[(String, bool)]| -> String {
            let mut s = String::new();
            for (part, opens) in parts {
                let part = escape(part);
                if !s.is_empty() {
                    let bullet = part.chars().next().is_some_and(is_bullet);
                    s.push_str(if bullet || *opens { "<br>" } else { " " });
                }
                s.push_str(&part);
            }
            s
        };
        if ncols > 1 && ruled.iter().all(|r| !r) {
            // Across the row, the columns' ends say nothing of where its lines end.
            let all: Vec<(String, bool)> = cells
                .into_iter()
                .flatten()
                .map(|(text, _)| (text, false))
                .collect();
            out.push(format!("| {} |", text(&all)));
            above.fill(None);
            continue;
        }
        let mut row: Vec<String> = cells.iter().map(|c| bulleted(text(c))).collect();
        let merged_down = |row: &[String]| {
            row.iter()
                .zip(&above)
                .any(|(cell, above)| cell.is_empty() && above.is_some())
        };
        if merged_down(&row) {
            let ruled = ruled_columns(table, top);
            for (column, cell) in row.iter_mut().enumerate() {
                if cell.is_empty() && !ruled[column] {
                    if let Some(text) = &above[column] {
                        cell.clone_from(text);
                    }
                }
            }
        }
        for (kept, cell) in above.iter_mut().zip(&row) {
            *kept = (!cell.is_empty() && cell.len() <= MAX_MERGED_TEXT).then(|| cell.clone());
        }
        out.push(format!("| {} |", row.join(" | ")));
    }
}

fn layout(pages: &[Page]) -> String {
    // The body size: the commonest run size outside tables (a table set small, as many
    // are, can hold more text than the prose around it), or in all when there is none.
    let mut sizes: Vec<(i32, usize)> = Vec::new();
    let mut prose_sizes: Vec<(i32, usize)> = Vec::new();
    let mut page_runs: Vec<Vec<Run>> = Vec::new();
    let count = |sizes: &mut Vec<(i32, usize)>, run: &Run| {
        let key = (run.size * 2.0).round() as i32;
        match sizes.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 += run.text.len(),
            None => sizes.push((key, run.text.len())),
        }
    };
    for page in pages {
        let r = runs(page);
        let page_tables = tables(page);
        for run in &r {
            count(&mut sizes, run);
            if !page_tables
                .iter()
                .any(|t| run.y < t.top && run.y > t.bottom)
            {
                count(&mut prose_sizes, run);
            }
        }
        page_runs.push(r);
    }
    let commonest = |sizes: &[(i32, usize)]| {
        sizes
            .iter()
            .max_by_key(|(_, n)| *n)
            .map(|(k, _)| *k as f32 / 2.0)
    };
    let body = commonest(&prose_sizes)
        .or_else(|| commonest(&sizes))
        .unwrap_or(10.0);
    let mut out: Vec<String> = Vec::new();
    // The header row of the last table and the page it was on.
    let mut last_header: Option<(String, usize)> = None;
    // Whether a sentence of prose came after the last table: a table after it is another.
    let mut prose_since_table = false;
    // Whether the last page ended inside a paragraph: a full line with no closing stop.
    let mut run_on = false;
    for (page_number, (page, runs)) in pages.iter().zip(page_runs).enumerate() {
        let bottom_margin = runs.iter().map(|r| r.y).fold(f32::INFINITY, f32::min);
        let lines = lines(runs);
        let tables = tables(page);
        let max_right = lines
            .iter()
            .map(|l| l.last().map_or(0.0, |r| r.x1))
            .fold(0.0f32, f32::max);
        let mut emitted = vec![false; tables.len()];
        let mut previous: Option<(f32, f32, bool)> = None; // (y, x1, joinable)
        let mut carried = std::mem::take(&mut run_on);
        for line in &lines {
            let y = line[0].y;
            // Running footers ("Page 1") at the very bottom of the page.
            if (y - bottom_margin).abs() < 1.0 && y < 60.0 {
                continue;
            }
            // Only the page's first line may go on with the last page's paragraph.
            let continues_page = std::mem::take(&mut carried);
            if let Some(t) = tables.iter().position(|t| y < t.top && y > t.bottom) {
                if !emitted[t] {
                    emitted[t] = true;
                    let mut rows = Vec::new();
                    table_rows(&tables[t], &lines, &mut rows);
                    // A table continued on the next page repeats its header row; a second
                    // table on the same page with the same header (one small table per
                    // area) is a table of its own and keeps it.
                    let continued = !prose_since_table
                        && last_header.as_ref().is_some_and(|(header, on)| {
                            *on != page_number && rows.first() == Some(header)
                        });
                    prose_since_table = false;
                    if continued {
                        rows.remove(0);
                    } else if let Some(first) = rows.first() {
                        last_header = Some((first.clone(), page_number));
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
            if text.ends_with('.') && text.split_whitespace().count() >= 3 {
                prose_since_table = true;
            }
            // A bullet glyph may be set larger than its text: the words' size counts.
            let size = line
                .iter()
                .filter(|r| r.text.chars().any(char::is_alphanumeric))
                .map(|r| r.size)
                .fold(0.0f32, f32::max);
            let x1 = line.last().map_or(0.0, |r| r.x1);
            let first = text.chars().next().unwrap_or(' ');
            // A numbered item opens a line of its own.
            let numbered = {
                let digits = text.chars().take_while(char::is_ascii_digit).count();
                (1..=3).contains(&digits) && text[digits..].starts_with([')', '.'])
            };
            // A short line one step larger than the text (sizes are read to half a point: a
            // sub-heading set a point above the body, as word processors' third level is)
            // is a heading of a lower level.
            // (A list's number may be set in a larger type than its words.)
            let subheading = !numbered
                && size > body + 0.25
                && text.split_whitespace().count() <= 14
                && !text.ends_with(['.', ',', ';']);
            if (size >= body * 1.15 || subheading) && !is_bullet(first) {
                out.push(String::new());
                let level = if size >= body * 1.15 { "##" } else { "###" };
                out.push(format!("{level} {text}"));
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
            let joins = !numbered
                && previous.is_some_and(|(py, px1, joinable)| {
                    joinable && py - y <= size * 1.6 && px1 >= max_right * 0.8
                })
                || !numbered && first.is_lowercase() && previous.is_some()
                || !numbered && continues_page;
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
        run_on = previous.is_some_and(|(_, px1, joinable)| joinable && px1 >= max_right * 0.8)
            && out
                .iter()
                .rev()
                .find(|l| !l.is_empty())
                .is_some_and(|l| ends_inside_paragraph(l));
        out.push(String::new());
    }
    out.join("\n")
}

/// A cell whose every line starts with a bullet, as the list it is (as the HTML and Word
/// readers give a list in a cell), so that each item reads as one.
fn bulleted(cell: String) -> String {
    let items: Vec<&str> = cell.split("<br>").collect();
    let glyph = |item: &str| item.trim_start().chars().next().filter(|c| is_bullet(*c));
    // One glyph throughout: a second glyph marks a nested level, which the text form's
    // own bullets keep ("• Legislation including:<br>◦ Adults' legislation").
    let first = items.first().and_then(|item| glyph(item));
    if items.len() < 2 || first.is_none() || !items.iter().all(|item| glyph(item) == first) {
        return cell;
    }
    let mut list = String::from("<ul>");
    for item in items {
        list.push_str("<li>");
        list.push_str(item.trim_start().trim_start_matches(is_bullet).trim());
        list.push_str("</li>");
    }
    list.push_str("</ul>");
    list
}

/// Whether a line of the text form, the last on its page, is prose cut off before its
/// stop (so the next page's first line goes on with it). A list item may end with no
/// stop, and the next page may start afresh after it.
fn ends_inside_paragraph(line: &str) -> bool {
    !line.starts_with(['#', '|', '-']) && !line.trim_end().ends_with(['.', ':', ';', '!', '?', ')'])
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED_000: &[u8] =
        include_bytes!("../../tests/fixtures/import/pdf/000_alternatively_qualified_worker.pdf");

    /// Category headings set one step above the body text (10.5 pt over 9.5 pt) are
    /// sub-headings; the numbered criteria under them, whose numbers are set larger than
    /// their words, are not.
    #[test]
    fn a_line_one_step_larger_than_the_body_is_a_sub_heading() {
        let body = include_bytes!(
            "../../tests/fixtures/import_corpus/dev/pelham_vale_building_control_surveyor.pdf"
        );
        let text = to_text(body).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for heading in ["### Qualifications", "### Experience", "### Skills"] {
            assert!(lines.contains(&heading), "{heading} missing in\n{text}");
        }
        assert!(lines.contains(&"## Person specification"));
        assert!(lines
            .iter()
            .any(|l| l.starts_with("1. Degree in Building Control")));
        assert!(!lines.iter().any(|l| l.starts_with("### 1.")));
    }

    #[test]
    fn a_cell_of_bulleted_lines_is_a_list() {
        assert_eq!(
            bulleted("• Patient and kind<br>• Reliable (must have)".to_string()),
            "<ul><li>Patient and kind</li><li>Reliable (must have)</li></ul>"
        );
        // A cell whose lines are not all bulleted is left as it is.
        let mixed = "Good with figures<br>• Calm".to_string();
        assert_eq!(bulleted(mixed.clone()), mixed);
        assert_eq!(bulleted("• One item".to_string()), "• One item");
        // A nested level's glyph keeps the cell as it is.
        let nested = "• Legislation including:<br>◦ Adults' legislation".to_string();
        assert_eq!(bulleted(nested.clone()), nested);
    }

    #[test]
    fn a_paragraph_cut_by_a_page_break_goes_on_over_it() {
        assert!(ends_inside_paragraph(
            "At application you will also be asked for a 250-word example of"
        ));
        assert!(!ends_inside_paragraph("We assess these at interview."));
        assert!(!ends_inside_paragraph("Essential criteria:"));
        assert!(!ends_inside_paragraph("- Full driving licence and a car"));
        assert!(!ends_inside_paragraph("## Person specification"));
        assert!(!ends_inside_paragraph("| Criteria | E/D |"));
    }

    #[test]
    fn a_cell_line_that_starts_a_paragraph_keeps_its_break() {
        let run = |x0: f32, x1: f32, y: f32, text: &str| Run {
            x0,
            x1,
            y,
            size: 9.0,
            text: text.to_string(),
        };
        let table = Table {
            top: 100.0,
            bottom: 0.0,
            columns: vec![0.0, 100.0, 200.0],
            rows: vec![100.0, 0.0],
            vertical: vec![(0.0, 0.0, 100.0), (100.0, 0.0, 100.0), (200.0, 0.0, 100.0)],
            horizontal: vec![(100.0, 0.0, 200.0), (0.0, 0.0, 200.0)],
        };
        let lines = vec![
            vec![
                run(5.0, 94.0, 90.0, "Good with figures and"),
                run(105.0, 190.0, 90.0, "Patient and kind"),
            ],
            // A wrapped line (lower case) continues; a capital after a short line, or
            // after a wider step than the table's pitch, opens a paragraph.
            vec![run(5.0, 40.0, 78.75, "budgets")],
            vec![run(105.0, 140.0, 77.5, "Reliable")],
            vec![run(5.0, 30.0, 67.5, "Calm")],
        ];
        let mut out = Vec::new();
        table_rows(&table, &lines, &mut out);
        assert_eq!(
            out,
            vec!["| Good with figures and budgets<br>Calm | Patient and kind<br>Reliable |"]
        );
    }

    #[test]
    fn a_cell_merged_down_reads_in_every_row_it_covers() {
        let run = |x0: f32, y: f32, text: &str| Run {
            x0,
            x1: x0 + 5.0 * text.len() as f32,
            y,
            size: 9.0,
            text: text.to_string(),
        };
        // Criteria | E/D | Method, four rows: the E/D cell merged over the first three
        // (no rule under rows 1 and 2 in its column), the method cell over rows 1-2.
        let (left, mark, method, right) = (0.0, 200.0, 240.0, 300.0);
        let table = Table {
            top: 80.0,
            bottom: 0.0,
            columns: vec![left, mark, method, right],
            rows: vec![80.0, 60.0, 40.0, 20.0, 0.0],
            vertical: [left, mark, method, right]
                .iter()
                .map(|&x| (x, 0.0, 80.0))
                .collect(),
            horizontal: vec![
                (80.0, left, right),
                (60.0, left, mark),
                (40.0, left, mark),
                (40.0, method, right),
                (20.0, left, right),
                (0.0, left, right),
            ],
        };
        let lines = vec![
            vec![
                run(5.0, 70.0, "One"),
                run(205.0, 70.0, "E"),
                run(245.0, 70.0, "AP"),
            ],
            vec![run(5.0, 50.0, "Two")],
            vec![run(5.0, 30.0, "Three"), run(245.0, 30.0, "IN")],
            vec![run(5.0, 10.0, "Four")],
        ];
        let mut out = Vec::new();
        table_rows(&table, &lines, &mut out);
        assert_eq!(
            out,
            vec![
                "| One | E | AP |",
                "| Two | E | AP |",
                "| Three | E | IN |",
                // Ruled above: an empty cell of its own.
                "| Four |  |  |",
            ]
        );
        // The rules along a boundary, found by height and column.
        assert_eq!(ruled_columns(&table, 40.0), vec![true, false, true]);
        assert_eq!(ruled_columns(&table, 60.0), vec![true, false, false]);
    }

    #[test]
    fn a_pdf_past_the_time_limit_is_refused_and_its_thread_accounted_for() {
        assert!(read_bounded(SEED_000.to_vec(), TIME_LIMIT).is_ok());
        let refused = read_bounded(SEED_000.to_vec(), Duration::ZERO);
        assert!(
            matches!(&refused, Err(ImportError::Unreadable(why)) if why.contains("longer than")),
            "{:?}",
            refused.as_ref().err()
        );
        // The abandoned thread finishes and is no longer counted.
        let start = Instant::now();
        while OVERDUE.load(Ordering::SeqCst) > 0 {
            assert!(start.elapsed() < Duration::from_secs(60), "still overdue");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    #[test]
    fn prescan_bounds_streams_and_nesting() {
        let zlib = |data: &[u8]| {
            use std::io::Write;
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let object = |dict: &str, data: &[u8]| {
            let mut out = format!("%PDF-1.7\n1 0 obj\n<< {dict} >>\nstream\n").into_bytes();
            out.extend_from_slice(data);
            out.extend_from_slice(b"\nendstream\nendobj\n");
            out
        };
        let small = zlib(b"BT (Essential) Tj ET");
        assert!(prescan(&object("/Filter /FlateDecode", &small)).is_ok());
        let bomb = zlib(&vec![b' '; MAX_STREAM_BYTES + 1]);
        assert!(prescan(&object("/Filter /FlateDecode", &bomb)).is_err());
        // The data is inflated past a direct `/Length` that cuts it short: the parser
        // reads an indirect length in full.
        assert!(prescan(&object("/Filter /FlateDecode /Length 40", &bomb)).is_err());
        let page = zlib(&vec![b'A'; MAX_TEXT_STREAM_BYTES + 1]);
        assert!(prescan(&object("/Filter /FlateDecode", &page)).is_err());
        assert!(prescan(&object("", "[".repeat(MAX_NESTING + 1).as_bytes())).is_err());
        assert!(prescan(format!("%PDF-1.7\n{}", "<<".repeat(MAX_NESTING + 1)).as_bytes()).is_err());
        assert!(prescan(&object("/Filter /A85", b"z".repeat(100).as_slice())).is_ok());
        assert_eq!(decode_ascii85(b"87cURD]i,\"Ebo80~>"), b"Hello World!");
        assert!(prescan(b"%PDF-1.7\ntrailer << /Encr#79pt 5 0 R >>").is_err());
        assert!(prescan(&object("/Filter /LZWDecode", b"x")).is_err());
    }

    #[test]
    fn non_pdfs_are_refused() {
        assert!(matches!(to_text(b"hello"), Err(ImportError::Unreadable(_))));
        assert!(matches!(
            to_text(b"%PDF-1.4 nonsense"),
            Err(ImportError::Unreadable(_))
        ));
    }
}
