//! Hostile documents against the real server process: the compiled binary serves on a
//! free port (SQLite in a temp dir) and each document is posted to the import endpoint.
//! Whatever the nesting, the server must answer (200 or a 4xx, never a crash or a hang),
//! keep its peak resident memory (`VmHWM`) under [`RSS_LIMIT_KB`], and stay live.
//!
//! A watchdog kills the server if its memory passes [`WATCHDOG_KB`], so that a regression
//! fails the test instead of exhausting the machine. Each document's figures (status,
//! time, peak RSS) are printed as `import memory: …`.

use std::fs::File;
use std::io::{Cursor, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SECRET: &str = "import-memory-test-secret-import-memory-test";
/// The most resident memory the server may reach while importing any one document.
const RSS_LIMIT_KB: u64 = 300 * 1024;
/// Past this the watchdog kills the server (the unfixed importer asked for gigabytes).
const WATCHDOG_KB: u64 = 1024 * 1024;
/// Generous: the test runs against a debug build.
const CLIENT_TIMEOUT: Duration = Duration::from_secs(120);
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// The endpoint's limit is 8 MiB; the large documents stay just under it.
const NEAR_LIMIT: usize = 8 * 1024 * 1024 - 64 * 1024;
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const PDF: &str = "application/pdf";

/// Written past the test harness's output capture, so the figures show for a passing test.
fn say(line: &str) {
    let _ = std::io::stderr().write_all(format!("{line}\n").as_bytes());
}

/// A `/proc/<pid>/status` field in kB (`VmRSS`, `VmHWM`); `None` once the process is gone.
fn status_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.split_whitespace().next()?.parse().ok())
}

/// The real binary serving on a free port; killed and reaped on drop (panics included).
struct Server {
    child: Arc<Mutex<Child>>,
    pid: u32,
    port: u16,
    token: String,
    dir: PathBuf,
    log: PathBuf,
    /// The RSS (kB) at which the watchdog killed the server, 0 while it has not.
    killed_at_kb: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Ok(mut child) = self.child.lock() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

fn shortlist(dir: &Path, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shortlist"));
    command
        .current_dir(dir)
        .env(
            "SHORTLIST_DATABASE_URL",
            format!("sqlite://{}", dir.join("x.db").display()),
        )
        .env("SHORTLIST_BIND", format!("127.0.0.1:{port}"))
        .env("SHORTLIST_JWT_SECRET", SECRET)
        .env("SHORTLIST_WORKERS", "2")
        .env("SHORTLIST_RATE_LIMIT_PER_MINUTE", "0")
        .env("RUST_LOG", "warn")
        .env_remove("SHORTLIST_JWT_PUBLIC_KEY")
        .env_remove("SHORTLIST_JWT_ISSUER")
        .env_remove("SHORTLIST_JWT_AUDIENCE")
        .env_remove("SHORTLIST_ENV")
        .stdin(Stdio::null());
    command
}

impl Server {
    /// Starts the server with its database and log in `dir`, which must outlive it.
    fn start(dir: &Path) -> Server {
        let log = dir.join("server.log");
        // A port picked then released can be taken before the server binds it: retry.
        for attempt in 1..=3 {
            let port = free_port();
            let out = File::create(&log).expect("server log");
            let child = shortlist(dir, port)
                .arg("serve")
                .stdout(out.try_clone().expect("server log"))
                .stderr(out)
                .spawn()
                .expect("spawn the shortlist binary");
            let pid = child.id();
            let child = Arc::new(Mutex::new(child));
            let stop = Arc::new(AtomicBool::new(false));
            let killed_at_kb = Arc::new(AtomicU64::new(0));
            watchdog(pid, child.clone(), stop.clone(), killed_at_kb.clone());
            let mut server = Server {
                child,
                pid,
                port,
                token: String::new(),
                dir: dir.to_path_buf(),
                log: log.clone(),
                killed_at_kb,
                stop,
            };
            let start = Instant::now();
            loop {
                if !server.alive() {
                    let log = tail(&server.log, 30);
                    if attempt < 3 && log.contains("cannot listen") {
                        break;
                    }
                    panic!("the server exited early; its log:\n{log}");
                }
                if server
                    .request("GET", "/health/ready", None, b"")
                    .is_ok_and(|(status, _)| status == 200)
                {
                    server.token = server.mint_token();
                    return server;
                }
                assert!(
                    start.elapsed() < READY_TIMEOUT,
                    "the server was not ready within {READY_TIMEOUT:?}; its log:\n{}",
                    tail(&server.log, 30)
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        unreachable!("the loop returns or panics on the last attempt")
    }

    fn alive(&self) -> bool {
        self.child
            .lock()
            .map(|mut child| matches!(child.try_wait(), Ok(None)))
            .unwrap_or(false)
    }

    fn mint_token(&self) -> String {
        let out = shortlist(&self.dir, self.port)
            .args([
                "token",
                "--sub",
                "alice",
                "--org",
                "acme",
                "--role",
                "recruiter",
            ])
            .output()
            .expect("run `shortlist token`");
        assert!(
            out.status.success(),
            "`shortlist token` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("a UTF-8 token")
            .trim()
            .to_string()
    }

    /// One HTTP/1.0 request (so the answer is never chunked) on a fresh connection.
    fn request(
        &self,
        method: &str,
        path: &str,
        content_type: Option<&str>,
        body: &[u8],
    ) -> std::io::Result<(u16, String)> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(CLIENT_TIMEOUT))?;
        stream.set_write_timeout(Some(CLIENT_TIMEOUT))?;
        let mut head = format!(
            "{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Content-Length: {}\r\n",
            self.port,
            body.len()
        );
        if !self.token.is_empty() {
            head.push_str(&format!("Authorization: Bearer {}\r\n", self.token));
        }
        if let Some(content_type) = content_type {
            head.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        // The server may answer (413, 401…) and close before reading the whole body: a
        // failed write is not the outcome, the response is.
        if stream.write_all(body).is_ok() {
            let _ = stream.shutdown(Shutdown::Write);
        }
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        let text = String::from_utf8_lossy(&raw);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok((status, body.to_string()))
    }

    /// Sets the server's peak RSS back to its current RSS (Linux 4.0+), so the next
    /// reading is one document's peak. Best effort: without it the peak is cumulative.
    fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5");
    }
}

/// Polls the server's RSS every few milliseconds and kills it past [`WATCHDOG_KB`].
fn watchdog(pid: u32, child: Arc<Mutex<Child>>, stop: Arc<AtomicBool>, killed: Arc<AtomicU64>) {
    std::thread::spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            match status_kb(pid, "VmRSS") {
                Some(rss) if rss > WATCHDOG_KB => {
                    if let Ok(mut child) = child.lock() {
                        let _ = child.kill();
                    }
                    killed.store(rss, Ordering::SeqCst);
                    return;
                }
                Some(_) => {}
                None => return,
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
}

/// Creates a draft vacancy; returns the path of its dry-run import.
fn draft_vacancy_import(server: &Server) -> String {
    let (status, body) = server
        .request(
            "POST",
            "/api/v1/vacancies",
            Some("application/json"),
            br#"{"reference":"MEM1","title":"Support Worker","closing_date":"2099-12-31"}"#,
        )
        .expect("create a vacancy");
    assert_eq!(status, 201, "creating the vacancy: {body}");
    let vacancy: serde_json::Value = serde_json::from_str(&body).expect("vacancy JSON");
    let id = vacancy["id"].as_str().expect("a vacancy id");
    format!("/api/v1/vacancies/{id}/criteria/import?dry_run=true")
}

// ---------------------------------------------------------------------------------------
// The documents

fn repeat_to(unit: &str, bytes: usize) -> usize {
    (bytes / unit.len()).max(1)
}

/// The production document: `<ul>` × n, then n list items, all at depth n.
fn list_bomb(n: usize) -> Vec<u8> {
    let mut html = "<ul>".repeat(n);
    html.push_str(&"<li>Essential a</li>".repeat(n));
    html.into_bytes()
}

/// Tables nested in table cells, `depth` deep, closed.
fn nested_tables(depth: usize) -> Vec<u8> {
    let mut html = String::from("<h2>Essential</h2>");
    html.push_str(&"<table><tr><td>Essential</td><td>".repeat(depth));
    html.push_str("<ul><li>Working with children</li></ul>");
    html.push_str(&"</td></tr></table>".repeat(depth));
    html.into_bytes()
}

/// Bold inside bold, `depth` deep, in a paragraph and in a table cell.
fn deep_bold(depth: usize) -> Vec<u8> {
    let bold = format!("{}Essential{}", "<b>".repeat(depth), "</b>".repeat(depth));
    format!("<p>{bold}</p><table><tr><td>{bold}</td><td><ul><li>{bold}</li></ul></td></tr></table>")
        .into_bytes()
}

/// An "Essential" list of `n` alternatives linked by `OR` lines (text/plain).
fn or_chain(n: usize) -> Vec<u8> {
    let mut text = String::from("Person specification\n\nEssential\n\n");
    for i in 0..n {
        text.push_str(&format!("- Criterion {i} (A/I)\nOR\n"));
    }
    text.push_str("- The last one\n\nDesirable\n\n- Welsh\n");
    text.into_bytes()
}

/// Container, table and list tags opened and never closed.
fn unclosed(n: usize) -> Vec<u8> {
    "<p><div><table><tr><td><ul><li>Essential <b><i><blockquote>"
        .repeat(n)
        .into_bytes()
}

/// Blockquotes nested `depth` deep (HTML), holding a list.
fn deep_blockquotes(depth: usize) -> Vec<u8> {
    let mut html = "<blockquote>".repeat(depth);
    html.push_str("<p>Essential</p><ul><li>Good IT skills</li></ul>");
    html.push_str(&"</blockquote>".repeat(depth));
    html.into_bytes()
}

/// A Word file: a specification table whose essential cell holds tables nested `depth`
/// deep, each cell holding a list item at a huge `w:ilvl`.
fn deep_docx(depth: usize) -> Vec<u8> {
    fn cell(text: &str) -> String {
        format!("<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>")
    }
    let item = "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"4000000\"/><w:numId w:val=\"1\"/>\
                </w:numPr></w:pPr><w:r><w:t>Essential a</w:t></w:r></w:p>";
    let mut body = format!(
        "<w:tbl><w:tr>{}{}{}</w:tr><w:tr>{}<w:tc>",
        cell("Attributes"),
        cell("Essential"),
        cell("Desirable"),
        cell("Skills")
    );
    for _ in 0..depth {
        body.push_str("<w:tbl><w:tr><w:tc>");
        body.push_str(item);
    }
    for _ in 0..depth {
        body.push_str("</w:tc></w:tr></w:tbl>");
    }
    body.push_str(&format!("<w:p/></w:tc>{}</w:tr></w:tbl>", cell("Welsh")));
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document \
         xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>\
         {body}</w:body></w:document>"
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

/// PDFs just within the checks made before parsing, so that the parser itself runs on
/// them: the largest page drawing, a glyph flood, many pages of it, many small objects.
fn large_pdfs() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    use crate::import_pdf::{document, pdf, stream, zlib};
    let under_text_cap = 512 * 1024 - 1024;
    let drawing = "0 0 m 1 1 l S\n".repeat(under_text_cap / 14);
    let glyphs = format!(
        "BT /F1 1 Tf 0 0 Td ({}) Tj ET",
        "A".repeat(under_text_cap - 40)
    );
    let form = || {
        stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << >>",
            b"",
        )
    };
    let small_objects: Vec<Vec<u8>> = (0..200_000).map(|_| b"0".to_vec()).collect();
    vec![
        (
            "PDF: a page of 0.5 MiB of drawing",
            PDF,
            document(
                1,
                stream("/Filter /FlateDecode", &zlib(drawing.as_bytes())),
                form(),
                vec![],
            ),
        ),
        (
            "PDF: half a million glyphs on a page",
            PDF,
            document(
                1,
                stream("/Filter /FlateDecode", &zlib(glyphs.as_bytes())),
                form(),
                vec![],
            ),
        ),
        (
            "PDF: 300 pages of 0.5 MiB of drawing",
            PDF,
            document(
                300,
                stream("/Filter /FlateDecode", &zlib(drawing.as_bytes())),
                form(),
                vec![],
            ),
        ),
        ("PDF: 200,000 small objects", PDF, pdf(&small_objects, "")),
    ]
}

#[test]
fn hostile_documents_keep_the_server_small_and_alive() {
    let dir = tempfile::tempdir().expect("a temp dir");
    // Each shape at a size the importer reads in full, and near the 8 MiB limit (where
    // most are refused as far beyond any real document, after being tokenised).
    let near = |unit: &str| repeat_to(unit, NEAR_LIMIT);
    let documents: Vec<(&str, &str, Vec<u8>)> = vec![
        ("ul bomb, 1 MB", "text/html", list_bomb(40_000)),
        ("ul bomb, largest read", "text/html", list_bomb(240_000)),
        (
            "ul bomb, near 8 MiB",
            "text/html",
            list_bomb(near("<ul><li>Essential a</li>")),
        ),
        ("nested tables", "text/html", nested_tables(30_000)),
        (
            "nested tables, near 8 MiB",
            "text/html",
            nested_tables(near("<table><tr><td>Essential</td><td></td></tr></table>")),
        ),
        ("deep <b>", "text/html", deep_bold(35_000)),
        (
            "deep <b>, near 8 MiB",
            "text/html",
            deep_bold(near("<b></b>") / 3),
        ),
        ("OR chain", "text/plain", or_chain(1_900)),
        (
            "OR chain, near 8 MiB",
            "text/plain",
            or_chain(near("- Criterion 100000 (A/I)\nOR\n")),
        ),
        ("unclosed tags", "text/html", unclosed(20_000)),
        (
            "unclosed tags, near 8 MiB",
            "text/html",
            unclosed(near(
                "<p><div><table><tr><td><ul><li>Essential <b><i><blockquote>",
            )),
        ),
        ("deep blockquotes", "text/html", deep_blockquotes(50_000)),
        (
            "deep blockquotes, near 8 MiB",
            "text/html",
            deep_blockquotes(near("<blockquote></blockquote>")),
        ),
        ("deep docx, 100 levels", DOCX, deep_docx(100)),
        ("deep docx", DOCX, deep_docx(20_000)),
        ("deep docx, near the XML limit", DOCX, deep_docx(85_000)),
    ];
    let mut documents = documents;
    for (name, pdf) in crate::import_pdf::hostile_pdfs() {
        documents.push((name, PDF, pdf));
    }
    documents.extend(large_pdfs());

    let mut failures = Vec::new();
    // A server that died (or was killed) is replaced, so that one run reports every
    // document that fails.
    let mut current: Option<(Server, String)> = None;
    for (name, content_type, document) in &documents {
        let (server, import) = current.get_or_insert_with(|| {
            let server = Server::start(dir.path());
            let import = draft_vacancy_import(&server);
            (server, import)
        });
        let import = import.as_str();
        server.reset_peak();
        let before_kb = status_kb(server.pid, "VmRSS").unwrap_or(0);
        let start = Instant::now();
        let response = server.request("POST", import, Some(content_type), document);
        let elapsed = start.elapsed();
        let peak_kb = status_kb(server.pid, "VmHWM").unwrap_or(0);
        let killed_kb = server.killed_at_kb.load(Ordering::SeqCst);
        let status = response.as_ref().map_or(0, |(status, _)| *status);
        let detail = response
            .as_ref()
            .ok()
            .and_then(|(_, body)| serde_json::from_str::<serde_json::Value>(body).ok())
            .map(|body| {
                let detail = body["errors"][0]["message"]
                    .as_str()
                    .or(body["detail"].as_str())
                    .unwrap_or("")
                    .to_string();
                match body["criteria"].as_array() {
                    Some(criteria) => format!("{} criteria", criteria.len()),
                    None => detail.chars().take(110).collect(),
                }
            })
            .unwrap_or_default();
        say(&format!(
            "import memory: {name} ({:.2} MB): HTTP {status} in {elapsed:.1?}, RSS {} MB \
             before, peak {} MB ({detail})",
            document.len() as f64 / 1e6,
            before_kb / 1024,
            peak_kb.max(killed_kb) / 1024
        ));
        if killed_kb > 0 || !server.alive() {
            failures.push(if killed_kb > 0 {
                format!(
                    "{name}: the server passed {} MB and was killed",
                    killed_kb / 1024
                )
            } else {
                format!(
                    "{name}: the server died ({response:?}); its log:\n{}",
                    tail(&server.log, 20)
                )
            });
            current = None;
            continue;
        }
        match &response {
            Ok((status, _)) if *status == 200 || (400..500).contains(status) => {}
            Ok((status, body)) => failures.push(format!(
                "{name}: expected 200 or a 4xx, got {status}: {}",
                body.chars().take(300).collect::<String>()
            )),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                failures.push(format!("{name}: no answer within {CLIENT_TIMEOUT:?}"))
            }
            Err(e) => failures.push(format!("{name}: the request failed: {e}")),
        }
        if peak_kb >= RSS_LIMIT_KB {
            failures.push(format!(
                "{name}: peak RSS {} MB, over {} MB",
                peak_kb / 1024,
                RSS_LIMIT_KB / 1024
            ));
        }
        let live = server.request("GET", "/health/live", None, b"");
        if !live.as_ref().is_ok_and(|(status, _)| *status == 200) {
            failures.push(format!("{name}: /health/live answered {live:?} afterwards"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
