//! Hardening: look-alike emails, slow clients against the real binary, and the token
//! subcommand's lifetime limit.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::both_backends;
use crate::helpers::{TestApp, ORG};
use serde_json::json;
use shortlist::auth::{JwtKeys, Role};

both_backends! {
    async fn look_alike_emails_are_the_same_applicant(app: TestApp) {
        let (vid, _) = app.open_vacancy().await;
        let uri = format!("/api/v1/vacancies/{vid}/applications");
        let portal = app.token(Role::Portal);
        let apply = |email: &str| json!({"candidate": {"name": "Grace Hopper", "email": email}});
        // Fullwidth letters in the domain: NFKC folds them to ASCII.
        let first = app.post(&uri, &portal, apply("grace@\u{FF45}xample.org")).await.expect(201);
        // A trailing zero-width space is invisible, and so no different.
        app.post(&uri, &portal, apply("grace@example.org\u{200B}")).await.expect_problem(409);
        app.post(&uri, &portal, apply("Grace@EXAM\u{00AD}PLE.org")).await.expect_problem(409);
        app.post(&uri, &portal, apply("grace@example.org")).await.expect_problem(409);
        let list = app.get(&uri, &app.recruiter()).await.expect(200);
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
        // What is kept is the plain address.
        assert_eq!(first.body["candidate"]["email"], "grace@example.org");
    }
}

const SECRET: &str = "hardening-test-secret-hardening-test-secret";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// The real binary, serving on a free port until dropped.
struct Server {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn shortlist(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shortlist"));
    command
        .current_dir(dir)
        .env(
            "SHORTLIST_DATABASE_URL",
            format!("sqlite://{}", dir.join("hardening.db").display()),
        )
        .env("SHORTLIST_JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .env_remove("SHORTLIST_JWT_PUBLIC_KEY")
        .env_remove("SHORTLIST_JWT_ISSUER")
        .env_remove("SHORTLIST_JWT_AUDIENCE")
        .env_remove("SHORTLIST_JWT_MAX_LIFETIME_SECS")
        .env_remove("SHORTLIST_ENV")
        .stdin(Stdio::null());
    command
}

/// Starts the binary with the body and header deadlines at 2 s.
fn start_server() -> Server {
    let dir = tempfile::tempdir().expect("temp dir");
    for _attempt in 0..3 {
        let port = free_port();
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log");
        let mut child = shortlist(dir.path())
            .arg("serve")
            .env("SHORTLIST_BIND", format!("127.0.0.1:{port}"))
            .env("SHORTLIST_WORKERS", "1")
            .env("SHORTLIST_BODY_TIMEOUT_SECS", "2")
            .env("SHORTLIST_HEADER_TIMEOUT_SECS", "2")
            .stdout(log.try_clone().expect("log"))
            .stderr(log)
            .spawn()
            .expect("spawn the shortlist binary");
        let start = Instant::now();
        loop {
            if child.try_wait().expect("poll the server").is_some() {
                break; // The port was taken meanwhile: try another.
            }
            if live(port) {
                return Server {
                    child,
                    port,
                    _dir: dir,
                };
            }
            if start.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                panic!(
                    "the server was not ready within 60 s: {}",
                    std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    panic!(
        "the server would not start: {}",
        std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default()
    );
}

fn live(port: u16) -> bool {
    let Ok(mut stream) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let request = "GET /health/live HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

fn recruiter_token() -> String {
    JwtKeys::hs256(SECRET.as_bytes(), None, None)
        .mint("slow-client", ORG, &[Role::Recruiter], 600, None, None)
        .expect("mint")
}

/// What a trickling client saw: the bytes answered, when the first arrived, and when
/// the server closed the connection.
struct Trickled {
    response: String,
    answered_after: Option<Duration>,
    closed_after: Option<Duration>,
}

/// Sends `head`, then one byte of `drip` every `every`, reading whatever comes back,
/// for at most `budget`.
fn trickle(port: u16, head: &str, drip: u8, every: Duration, budget: Duration) -> Trickled {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let start = Instant::now();
    stream.write_all(head.as_bytes()).expect("send the head");
    let mut seen = Vec::new();
    let mut answered_after = None;
    let mut closed_after = None;
    let mut last_drip = Instant::now();
    let mut buf = [0u8; 4096];
    while start.elapsed() < budget {
        match stream.read(&mut buf) {
            Ok(0) => {
                closed_after = Some(start.elapsed());
                break;
            }
            Ok(n) => {
                answered_after.get_or_insert(start.elapsed());
                seen.extend_from_slice(&buf[..n]);
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => {
                closed_after = Some(start.elapsed());
                break;
            }
        }
        if last_drip.elapsed() >= every {
            last_drip = Instant::now();
            // Once the server has closed, a write may fail: the read above notices.
            let _ = stream.write_all(&[drip]);
        }
    }
    Trickled {
        response: String::from_utf8_lossy(&seen).into_owned(),
        answered_after,
        closed_after,
    }
}

#[test]
fn a_trickled_body_is_cut_off_with_a_408_problem() {
    let server = start_server();
    let head = format!(
        "POST /api/v1/vacancies HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        recruiter_token()
    );
    // One byte every half second would take 50 s to send the body.
    let seen = trickle(
        server.port,
        &head,
        b' ',
        Duration::from_millis(500),
        Duration::from_secs(15),
    );
    assert!(
        seen.response.starts_with("HTTP/1.1 408"),
        "no 408 for a trickled body: {:?}",
        seen.response
    );
    assert!(
        seen.response
            .to_ascii_lowercase()
            .contains("content-type: application/problem+json"),
        "{}",
        seen.response
    );
    assert!(
        seen.response.contains("\"status\":408"),
        "{}",
        seen.response
    );
    let answered = seen.answered_after.expect("an answer");
    assert!(
        answered >= Duration::from_millis(1500) && answered < Duration::from_secs(6),
        "answered after {answered:?}, not at the 2 s deadline"
    );
    let closed = seen.closed_after.expect("the server closes the connection");
    assert!(closed < Duration::from_secs(8), "closed after {closed:?}");
}

#[test]
fn a_body_that_arrives_in_time_is_served() {
    let server = start_server();
    let body =
        json!({"reference": "SLOW1", "title": "Slow but steady", "closing_date": "2099-12-31"})
            .to_string();
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let head = format!(
        "POST /api/v1/vacancies HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        recruiter_token(),
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    // Three pieces over about a second: slow, but inside the 2 s deadline.
    let third = body.len() / 3;
    for piece in [&body[..third], &body[third..2 * third], &body[2 * third..]] {
        std::thread::sleep(Duration::from_millis(400));
        stream.write_all(piece.as_bytes()).unwrap();
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
}

#[test]
fn trickled_headers_are_cut_off_at_the_header_deadline() {
    let server = start_server();
    let seen = trickle(
        server.port,
        "GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: ",
        b'a',
        Duration::from_millis(300),
        Duration::from_secs(15),
    );
    let closed = seen
        .closed_after
        .expect("the server closes a connection whose headers never end");
    assert!(
        closed < Duration::from_secs(4),
        "closed after {closed:?}, not at the 2 s header deadline"
    );
    assert!(
        seen.response.is_empty() || seen.response.starts_with("HTTP/1.1 408"),
        "{}",
        seen.response
    );
}

#[test]
fn the_token_subcommand_keeps_to_the_maximum_lifetime() {
    let dir = tempfile::tempdir().expect("temp dir");
    let token = |ttl: Option<&str>, max: Option<&str>| {
        let mut command = shortlist(dir.path());
        command.args(["token", "--sub", "ops", "--org", ORG, "--role", "admin"]);
        if let Some(ttl) = ttl {
            command.args(["--ttl-secs", ttl]);
        }
        if let Some(max) = max {
            command.env("SHORTLIST_JWT_MAX_LIFETIME_SECS", max);
        }
        command.output().expect("run shortlist token")
    };
    // The default TTL is within the default maximum, and the token verifies.
    let out = token(None, None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let minted = String::from_utf8(out.stdout).unwrap();
    let claims = JwtKeys::hs256(SECRET.as_bytes(), None, None)
        .verify(minted.trim())
        .expect("the default token verifies");
    assert_eq!(claims.sub, "ops");
    // Over the maximum: refused, saying what limits it.
    let out = token(Some("90000"), None);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("SHORTLIST_JWT_MAX_LIFETIME_SECS") && stderr.contains("86400"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
    // A raised maximum allows it; a lowered one refuses even the default.
    assert!(token(Some("90000"), Some("100000")).status.success());
    assert!(!token(None, Some("600")).status.success());
    // A nonsensical maximum is a configuration error.
    let out = token(None, Some("0"));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SHORTLIST_JWT_MAX_LIFETIME_SECS"));
}
