//! `/docs/` in a real browser: the compiled binary serves on a free port (SQLite in a
//! temp dir) and headless Chromium loads the page offline. Swagger UI builds the
//! operations list with JavaScript, so the rendered DOM must list exactly the operations
//! of `/openapi.json`; a screenshot is kept as a CI artefact and its path printed as
//! `docs screenshot: <path>`.
//!
//! Chromium is `$SHORTLIST_CHROMIUM`, else `chromium` or `chromium-browser` on `PATH`.
//! Without it the test says `browser test skipped: chromium not found` and passes, unless
//! `SHORTLIST_TEST_REQUIRE_CHROMIUM=1`. The screenshot goes to
//! `$SHORTLIST_ARTIFACT_DIR/docs-page.png` (default `target/artifacts/`).

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(90);
const READY_TIMEOUT: Duration = Duration::from_secs(60);
const WINDOW_WIDTH: u32 = 1280;

/// Tall enough for the header and the whole operations list (about 55 px an operation
/// plus the tag headings).
fn window_height(operations: usize) -> usize {
    (1000 + 65 * operations).max(2000)
}

/// Written past the test harness's output capture, in one write, so CI logs show it
/// even for a passing test.
fn say(line: &str) {
    let _ = std::io::stderr().write_all(format!("{line}\n").as_bytes());
}

fn env_flag(name: &str) -> bool {
    std::env::var(name).is_ok_and(|v| v == "1")
}

fn is_executable(path: &Path) -> bool {
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn find_chromium() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("SHORTLIST_CHROMIUM").filter(|v| !v.is_empty()) {
        let explicit = PathBuf::from(explicit);
        if explicit.components().count() > 1 {
            return is_executable(&explicit).then_some(explicit);
        }
        return search_path(explicit.to_str()?);
    }
    ["chromium", "chromium-browser"]
        .into_iter()
        .find_map(search_path)
}

fn search_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| is_executable(p))
}

/// A child process killed (with its whole process group, when it leads one) and
/// reaped on drop, so nothing outlives the test on any path, panics included.
struct Guard {
    child: Child,
    /// The child leads its own process group (`process_group(0)`), killed as a whole.
    own_group: bool,
    reaped: Option<ExitStatus>,
}

impl Guard {
    fn new(child: Child, own_group: bool) -> Guard {
        Guard {
            child,
            own_group,
            reaped: None,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process has exited. A group leader is left unreaped (a zombie), so
    /// its pid, which is also the group id, cannot be reused before the group is killed.
    fn has_exited(&mut self) -> bool {
        if self.reaped.is_some() {
            return true;
        }
        if !self.own_group {
            if let Ok(Some(status)) = self.child.try_wait() {
                self.reaped = Some(status);
            }
            return self.reaped.is_some();
        }
        match std::fs::read_to_string(format!("/proc/{}/stat", self.pid())) {
            // The state follows the parenthesised command name.
            Ok(stat) => stat
                .rsplit_once(')')
                .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
            Err(_) => true,
        }
    }

    /// Waits up to `limit` for the process to exit.
    fn wait_timeout(&mut self, limit: Duration) -> bool {
        let start = Instant::now();
        while !self.has_exited() {
            if start.elapsed() >= limit {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        true
    }

    /// Kills what is left (the process group first, while the leader's pid is still
    /// ours), reaps the process and returns its exit status.
    fn finish(&mut self) -> Option<ExitStatus> {
        if self.reaped.is_none() {
            if self.own_group {
                // Chromium's zygote and renderers share the browser's process group.
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", self.pid())])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
            let _ = self.child.kill();
            self.reaped = self.child.wait().ok();
        }
        self.reaped
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.finish();
    }
}

struct HttpResponse {
    status: u16,
    body: String,
}

/// A plain HTTP/1.0 GET (no client library needed, and no chunked bodies).
fn http_get(port: u16, path: &str) -> std::io::Result<HttpResponse> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Ok(HttpResponse {
        status,
        body: body.to_string(),
    })
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

/// The real binary, serving on a free port until dropped.
struct Server {
    _process: Guard,
    port: u16,
}

fn start_server(work: &Path) -> Server {
    let log_path = work.join("server.log");
    // A port picked then released can be taken by someone else before the server
    // binds it: retry with a fresh one when the server exits early.
    for attempt in 1..=3 {
        let port = free_port();
        let log = File::create(&log_path).expect("server log");
        let child = Command::new(env!("CARGO_BIN_EXE_shortlist"))
            .arg("serve")
            .current_dir(work)
            .env(
                "SHORTLIST_DATABASE_URL",
                format!("sqlite://{}", work.join("browser.db").display()),
            )
            .env("SHORTLIST_BIND", format!("127.0.0.1:{port}"))
            .env(
                "SHORTLIST_JWT_SECRET",
                "browser-test-secret-browser-test-secret",
            )
            .env("SHORTLIST_WORKERS", "2")
            .env("SHORTLIST_RATE_LIMIT_PER_MINUTE", "0")
            .env("RUST_LOG", "warn")
            .env_remove("SHORTLIST_JWT_PUBLIC_KEY")
            .env_remove("SHORTLIST_ENV")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("server log"))
            .stderr(log)
            .spawn()
            .expect("spawn the shortlist binary");
        let mut process = Guard::new(child, false);
        let start = Instant::now();
        loop {
            if process.has_exited() {
                let log = tail(&log_path, 30);
                if attempt < 3 && log.contains("cannot listen") {
                    break;
                }
                panic!(
                    "the server exited early ({:?}); its log:\n{log}",
                    process.finish()
                );
            }
            if http_get(port, "/health/ready").is_ok_and(|r| r.status == 200) {
                return Server {
                    _process: process,
                    port,
                };
            }
            assert!(
                start.elapsed() < READY_TIMEOUT,
                "the server (pid {}) was not ready within {READY_TIMEOUT:?}; its log:\n{}",
                process.pid(),
                tail(&log_path, 30)
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    unreachable!("the loop returns or panics on the last attempt")
}

/// Runs headless Chromium once on `url` with `extra` arguments; returns its stdout.
fn chromium(binary: &Path, work: &Path, run: &str, extra: &[String], url: &str) -> String {
    let out_path = work.join(format!("chromium-{run}.out"));
    let err_path = work.join(format!("chromium-{run}.err"));
    let out = File::create(&out_path).expect("chromium stdout file");
    let err = File::create(&err_path).expect("chromium stderr file");
    let mut cmd = Command::new(binary);
    cmd.args([
        "--headless=new",
        // Required as root (CI containers), harmless otherwise.
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-breakpad",
        "--disable-component-update",
        "--disable-extensions",
        "--disable-sync",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        "--mute-audio",
        // Virtual time runs until the page is idle (scripts, fetches, timers) or 10s
        // of page time have passed, before the DOM dump or the screenshot.
        "--virtual-time-budget=10000",
    ])
    .arg(format!(
        "--user-data-dir={}",
        work.join(format!("profile-{run}")).display()
    ))
    .args(extra)
    .arg(url)
    .current_dir(work)
    .stdin(Stdio::null())
    .stdout(out)
    .stderr(err)
    // Its own process group, so the guard can kill the helper processes too.
    .process_group(0);
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let mut process = Guard::new(child, true);
    let finished = process.wait_timeout(CHROMIUM_TIMEOUT);
    let status = process.finish();
    let stderr_tail = || tail(&err_path, 30);
    match status {
        _ if !finished => panic!(
            "chromium ({run}) did not finish within {CHROMIUM_TIMEOUT:?}; stderr:\n{}",
            stderr_tail()
        ),
        Some(s) if s.success() => {}
        s => panic!("chromium ({run}) failed: {s:?}; stderr:\n{}", stderr_tail()),
    }
    std::fs::read_to_string(&out_path).unwrap_or_default()
}

/// `(METHOD, path)` of every operation in an OpenAPI document.
fn documented_operations(doc: &serde_json::Value) -> BTreeSet<(String, String)> {
    const METHODS: [&str; 8] = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    doc["paths"]
        .as_object()
        .expect("paths in /openapi.json")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .into_iter()
                .flat_map(|ops| ops.keys())
                .filter(|m| METHODS.contains(&m.as_str()))
                .map(move |m| (m.to_uppercase(), path.clone()))
        })
        .collect()
}

/// `(METHOD, path)` of every operation block Swagger UI rendered, in DOM order.
fn rendered_operations(dom: &str) -> Vec<(String, String)> {
    dom.split("class=\"opblock opblock-")
        .skip(1)
        .map(|block| {
            let after = |marker: &str, end: char| {
                block
                    .split_once(marker)
                    .and_then(|(_, rest)| rest.split(end).next())
                    .unwrap_or_default()
                    .to_string()
            };
            (
                after("class=\"opblock-summary-method\">", '<'),
                after("class=\"opblock-summary-path\" data-path=\"", '"'),
            )
        })
        .collect()
}

#[test]
fn docs_page_renders_every_operation_in_chromium() {
    let Some(chromium_bin) = find_chromium() else {
        assert!(
            !env_flag("SHORTLIST_TEST_REQUIRE_CHROMIUM"),
            "SHORTLIST_TEST_REQUIRE_CHROMIUM=1 but no chromium was found \
             (set SHORTLIST_CHROMIUM or install the chromium package)"
        );
        say(
            "browser test skipped: chromium not found (install chromium or set SHORTLIST_CHROMIUM)",
        );
        return;
    };
    let started = Instant::now();
    let work = tempfile::tempdir().expect("temp dir");
    let server = start_server(work.path());
    let port = server.port;

    let spec = http_get(port, "/openapi.json").expect("GET /openapi.json");
    assert_eq!(spec.status, 200, "/openapi.json: {}", spec.body);
    let spec: serde_json::Value = serde_json::from_str(&spec.body).expect("JSON /openapi.json");
    let expected = documented_operations(&spec);
    assert!(
        expected.len() > 10,
        "suspiciously few operations: {expected:?}"
    );
    let title = spec["info"]["title"].as_str().expect("info.title");

    let url = format!("http://127.0.0.1:{port}/docs/");
    let dom = chromium(
        &chromium_bin,
        work.path(),
        "dom",
        &["--dump-dom".into()],
        &url,
    );
    let context = || {
        format!(
            "DOM ({} bytes, first 2000):\n{}\nchromium stderr:\n{}",
            dom.len(),
            dom.chars().take(2000).collect::<String>(),
            tail(&work.path().join("chromium-dom.err"), 20)
        )
    };
    assert!(
        dom.contains("id=\"swagger-ui\""),
        "not the Swagger UI page; {}",
        context()
    );
    assert!(
        !dom.contains("Failed to load API definition"),
        "Swagger UI could not load /openapi.json; {}",
        context()
    );
    assert!(
        dom.contains(&format!("<h2 class=\"title\">{title}")),
        "the API title {title:?} was not rendered; {}",
        context()
    );
    let rendered = rendered_operations(&dom);
    let rendered_set: BTreeSet<(String, String)> = rendered.iter().cloned().collect();
    assert_eq!(
        rendered.len(),
        rendered_set.len(),
        "an operation was rendered twice: {rendered:?}"
    );
    assert_eq!(
        rendered_set,
        expected,
        "rendered operations differ from /openapi.json (missing: {:?}; extra: {:?}); {}",
        expected.difference(&rendered_set).collect::<Vec<_>>(),
        rendered_set.difference(&expected).collect::<Vec<_>>(),
        context()
    );

    let artifacts = std::env::var_os("SHORTLIST_ARTIFACT_DIR")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/artifacts"));
    std::fs::create_dir_all(&artifacts)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", artifacts.display()));
    let artifacts = artifacts.canonicalize().expect("artifact dir");
    let shot = artifacts.join("docs-page.png");
    let _ = std::fs::remove_file(&shot);
    chromium(
        &chromium_bin,
        work.path(),
        "screenshot",
        &[
            format!("--screenshot={}", shot.display()),
            format!(
                "--window-size={WINDOW_WIDTH},{}",
                window_height(expected.len())
            ),
        ],
        &url,
    );
    let png =
        std::fs::read(&shot).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", shot.display()));
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 24,
        "{} is not a PNG",
        shot.display()
    );
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    assert_eq!(width, WINDOW_WIDTH, "screenshot width");
    // A blank or error page compresses to a few kilobytes; the rendered list does not.
    assert!(
        png.len() > 40_000,
        "the screenshot is only {} bytes: {}",
        png.len(),
        shot.display()
    );
    drop(server);
    say(&format!(
        "browser test: {} operations rendered by {} in {:.1}s",
        rendered.len(),
        chromium_bin.display(),
        started.elapsed().as_secs_f64()
    ));
    say(&format!("docs screenshot: {}", shot.display()));
}
