//! Test harness: the real application, in process, on a fresh database per test, on
//! SQLite always and on PostgreSQL when `SHORTLIST_TEST_POSTGRES_URL` is set.

use std::io::Write;
use std::sync::{Mutex, Once, OnceLock};
use std::time::Duration;

use actix_http::Request;
use actix_service::boxed::{self, BoxService};
use actix_service::ServiceExt;
use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};
use actix_web::web;
use diesel::connection::SimpleConnection;
use diesel::Connection;
use serde_json::{json, Value};
use shortlist::auth::{JwtKeys, Role};
use shortlist::db::Db;
use shortlist::startup::{app, AppState};

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";
pub const ORG: &str = "acme";
pub const OTHER_ORG: &str = "globex";

/// `SHORTLIST_TEST_STATEMENT_CACHE=false` runs the PostgreSQL tests as the server runs
/// behind a transaction-mode pooler (`SHORTLIST_DB_STATEMENT_CACHE=false`).
fn test_statement_cache() -> bool {
    std::env::var("SHORTLIST_TEST_STATEMENT_CACHE").map_or(true, |v| v != "false")
}

/// Runs one async test body on both backends: `<name>::sqlite` and `<name>::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($(async fn $name:ident($app:ident: $ty:ty) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;

                async fn run($app: $ty) $body

                #[actix_rt::test]
                async fn sqlite() {
                    run($crate::helpers::TestApp::sqlite().await).await
                }

                #[actix_rt::test]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::TestApp::postgres().await {
                        run(app).await
                    }
                }
            }
        )*
    };
}

enum Backing {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

pub struct TestApp {
    svc: BoxService<Request, ServiceResponse<BoxBody>, actix_web::Error>,
    pub db: Db,
    keys: JwtKeys,
    backing: Backing,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Backing::Postgres { admin_url, name } = &self.backing {
            if let Ok(mut conn) = diesel::PgConnection::establish(admin_url) {
                let _ =
                    conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
            }
        }
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap_or_default().to_string())
    }

    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Resp {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    /// Asserts an RFC 9457 problem with this status.
    #[track_caller]
    pub fn expect_problem(self, status: u16) -> Resp {
        let resp = self.expect(status);
        assert_eq!(
            resp.header("content-type").as_deref(),
            Some("application/problem+json"),
            "not a problem+json: {}",
            resp.text
        );
        assert_eq!(resp.body["status"], json!(status));
        assert!(resp.body["title"].is_string() && resp.body["type"].is_string());
        assert!(resp.body["detail"].is_string());
        resp
    }

    /// Field names of a validation problem.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| e["field"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }
}

fn keys() -> JwtKeys {
    JwtKeys::hs256(SECRET, None, None)
}

fn migrations_fingerprint() -> String {
    // Names the template database after the migrations it holds, so a changed
    // migration never reuses a stale template.
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    let mut entries: Vec<_> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
            .expect("migrations/postgres exists")
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect();
    entries.sort();
    for dir in entries {
        dir.file_name().hash(&mut hasher);
        for file in ["up.sql", "down.sql"] {
            std::fs::read_to_string(dir.join(file))
                .unwrap_or_default()
                .hash(&mut hasher);
        }
    }
    format!("{:x}", hasher.finish())
}

fn postgres_admin_url() -> Option<String> {
    let url = std::env::var("SHORTLIST_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty());
    let required = std::env::var("SHORTLIST_TEST_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    if url.is_none() {
        if required {
            panic!("SHORTLIST_TEST_REQUIRE_POSTGRES=1 but SHORTLIST_TEST_POSTGRES_URL is not set");
        }
        static SKIP_NOTICE: Once = Once::new();
        SKIP_NOTICE.call_once(|| {
            // Written past the test harness's capture so a developer sees it.
            let _ = writeln!(
                std::io::stderr(),
                "postgres suite skipped: set SHORTLIST_TEST_POSTGRES_URL=postgres://user@host:port/postgres to run it"
            );
        });
    }
    url
}

fn database_url(admin_url: &str, name: &str) -> String {
    let base = admin_url
        .rsplit_once('/')
        .map(|(b, _)| b)
        .unwrap_or(admin_url);
    format!("{base}/{name}")
}

/// The migrated template every PostgreSQL test database is copied from.
fn postgres_template(admin_url: &str) -> String {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    static LOCK: Mutex<()> = Mutex::new(());
    let _guard = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    TEMPLATE
        .get_or_init(|| {
            let name = format!("shortlist_tmpl_{}", migrations_fingerprint());
            let mut admin = diesel::PgConnection::establish(admin_url).unwrap_or_else(|e| {
                panic!("cannot reach PostgreSQL at SHORTLIST_TEST_POSTGRES_URL: {e}")
            });
            let exists =
                diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                    .bind::<diesel::sql_types::Text, _>(&name)
                    .get_result::<Count>(&mut admin)
                    .expect("query pg_database")
                    .n
                    > 0;
            if !exists {
                let building = format!("{name}_building_{}", std::process::id());
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS \"{building}\""))
                    .expect("drop leftover template database");
                admin
                    .batch_execute(&format!("CREATE DATABASE \"{building}\""))
                    .expect("create template database");
                {
                    let mut conn = shortlist::db::establish_with(
                        &database_url(admin_url, &building),
                        test_statement_cache(),
                    )
                    .expect("connect to template");
                    shortlist::db::run_migrations(&mut conn).expect("migrate template");
                }
                // Renaming makes the finished template appear atomically to other
                // test processes; a losing racer just drops its copy.
                if admin
                    .batch_execute(&format!(
                        "ALTER DATABASE \"{building}\" RENAME TO \"{name}\""
                    ))
                    .is_err()
                {
                    let _ = admin.batch_execute(&format!(
                        "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
                    ));
                }
            }
            name
        })
        .clone()
}

use diesel::RunQueryDsl;

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

impl TestApp {
    async fn start(db: Db, backing: Backing) -> TestApp {
        TestApp::start_with(db, backing, keys(), None, |_| {}).await
    }

    async fn start_with(
        db: Db,
        backing: Backing,
        verifier: JwtKeys,
        rate_limit: Option<u32>,
        configure: impl FnOnce(&mut AppState),
    ) -> TestApp {
        let mut state = AppState {
            db: db.clone(),
            read_db: None,
            keys: web::Data::new(verifier),
            body_limit_bytes: 64 * 1024,
            rate_limit: rate_limit
                .map(|n| std::sync::Arc::new(shortlist::rate_limit::RateLimiter::new(n))),
            metrics: Default::default(),
            metrics_token: None,
            cors_allowed_origins: Vec::new(),
            webhooks: Default::default(),
        };
        configure(&mut state);
        let svc = test::init_service(app(state)).await;
        let svc = boxed::service(svc.map(|res: ServiceResponse<_>| res.map_into_boxed_body()));
        TestApp {
            svc,
            db,
            keys: keys(),
            backing,
        }
    }

    pub async fn sqlite() -> TestApp {
        TestApp::sqlite_with(keys(), None).await
    }

    /// A SQLite-backed app verifying tokens with `verifier` and, when set, limiting each
    /// client to `rate_limit` requests a minute.
    pub async fn sqlite_with(verifier: JwtKeys, rate_limit: Option<u32>) -> TestApp {
        TestApp::sqlite_built(verifier, rate_limit, |_| {}).await
    }

    /// A SQLite-backed app whose state `configure` adjusts (metrics token, CORS
    /// origins, rate limit) before the app is built.
    pub async fn sqlite_configured(configure: impl FnOnce(&mut AppState)) -> TestApp {
        TestApp::sqlite_built(keys(), None, configure).await
    }

    async fn sqlite_built(
        verifier: JwtKeys,
        rate_limit: Option<u32>,
        configure: impl FnOnce(&mut AppState),
    ) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::new(&url, 4, Duration::from_secs(5)).expect("sqlite pool");
        db.migrate().expect("migrate sqlite");
        TestApp::start_with(db, Backing::Sqlite(dir), verifier, rate_limit, configure).await
    }

    /// An app on a database first built by the migrations older than `first_new` (a
    /// version prefix: the schema a previous release left), filled by `seed_sql`, then
    /// migrated up to date by the app as a deployment would.
    pub async fn from_previous_schema(
        postgres: bool,
        first_new: &str,
        seed_sql: &str,
    ) -> Option<TestApp> {
        use diesel_migrations::MigrationHarness;
        // A const, so each use is a fresh value (EmbeddedMigrations is not Clone).
        macro_rules! run_all_but {
            ($conn:expr, $source:path) => {{
                let previous = $conn
                    .pending_migrations($source)
                    .expect("list migrations")
                    .iter()
                    .take_while(|m| m.name().to_string().as_str() < first_new)
                    .count();
                for _ in 0..previous {
                    $conn
                        .run_next_migration($source)
                        .expect("run a previous migration");
                }
            }};
        }
        if postgres {
            let admin_url = postgres_admin_url()?;
            let name = format!("shortlist_test_{}", uuid::Uuid::new_v4().simple());
            let mut admin =
                diesel::PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
            admin
                .batch_execute(&format!("CREATE DATABASE \"{name}\""))
                .expect("create a database");
            let url = database_url(&admin_url, &name);
            {
                let mut conn = diesel::PgConnection::establish(&url).expect("connect");
                run_all_but!(conn, shortlist::db::POSTGRES_MIGRATIONS);
                conn.batch_execute(seed_sql)
                    .expect("seed the previous schema");
            }
            let db = Db::open(&url, 4, Duration::from_secs(5), test_statement_cache())
                .expect("postgres pool");
            db.migrate().expect("migrate postgres");
            Some(TestApp::start(db, Backing::Postgres { admin_url, name }).await)
        } else {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("test.db");
            {
                let mut conn = diesel::SqliteConnection::establish(path.to_str().unwrap())
                    .expect("open sqlite");
                run_all_but!(conn, shortlist::db::SQLITE_MIGRATIONS);
                conn.batch_execute(seed_sql)
                    .expect("seed the previous schema");
            }
            let url = format!("sqlite://{}", path.display());
            let db = Db::new(&url, 4, Duration::from_secs(5)).expect("sqlite pool");
            db.migrate().expect("migrate sqlite");
            Some(TestApp::start(db, Backing::Sqlite(dir)).await)
        }
    }

    pub async fn postgres() -> Option<TestApp> {
        TestApp::postgres_configured(|_| {}).await
    }

    /// A PostgreSQL-backed app whose state `configure` adjusts; `None` without a server.
    pub async fn postgres_configured(configure: impl FnOnce(&mut AppState)) -> Option<TestApp> {
        let admin_url = postgres_admin_url()?;
        let template = postgres_template(&admin_url);
        let name = format!("shortlist_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = diesel::PgConnection::establish(&admin_url).expect("connect to PostgreSQL");
        // Copying a template needs it to have no other sessions; retry briefly if
        // another process is still building or renaming it.
        let mut attempt = 0;
        loop {
            match admin.batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE \"{template}\""
            )) {
                Ok(()) => break,
                Err(e) if attempt < 20 => {
                    attempt += 1;
                    let _ = e;
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("cannot create test database: {e}"),
            }
        }
        let url = database_url(&admin_url, &name);
        let db = Db::open(&url, 4, Duration::from_secs(5), test_statement_cache())
            .expect("postgres pool");
        db.migrate().expect("migrate postgres");
        Some(
            TestApp::start_with(
                db,
                Backing::Postgres { admin_url, name },
                keys(),
                None,
                configure,
            )
            .await,
        )
    }

    pub fn token_for(&self, sub: &str, org: &str, roles: &[Role]) -> String {
        self.keys
            .mint(sub, org, roles, 600, None, None)
            .expect("mint")
    }

    /// A token for `role` in the test org, with the role's name as `sub`.
    pub fn token(&self, role: Role) -> String {
        self.token_for(role.as_str(), ORG, &[role])
    }

    pub fn recruiter(&self) -> String {
        self.token(Role::Recruiter)
    }

    pub async fn call(&self, req: TestRequest) -> Resp {
        let res = test::call_service(&self.svc, req.to_request()).await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let bytes = test::read_body(res).await;
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    /// The status, headers and body bytes as sent (not decoded: e.g. still compressed).
    pub async fn call_raw(&self, req: TestRequest) -> (u16, HeaderMap, Vec<u8>) {
        let res = test::call_service(&self.svc, req.to_request()).await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        (status, headers, test::read_body(res).await.to_vec())
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(TestRequest::get().uri(path).insert_header(bearer(token)))
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(
            TestRequest::post()
                .uri(path)
                .insert_header(bearer(token))
                .set_json(body),
        )
        .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(
            TestRequest::put()
                .uri(path)
                .insert_header(bearer(token))
                .set_json(body),
        )
        .await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(
            TestRequest::patch()
                .uri(path)
                .insert_header(bearer(token))
                .set_json(body),
        )
        .await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.call(TestRequest::delete().uri(path).insert_header(bearer(token)))
            .await
    }

    /// Creates a draft vacancy (defaults merged with `overrides`) and returns its JSON.
    pub async fn create_vacancy(&self, overrides: Value) -> Value {
        let mut body = json!({
            "reference": "SC173",
            "title": "Social Worker Level 4",
            "closing_date": "2099-12-31",
        });
        merge(&mut body, overrides);
        self.post("/api/v1/vacancies", &self.recruiter(), body)
            .await
            .expect(201)
            .body
    }

    /// A vacancy with a small valid spec, opened; returns (vacancy id, criteria).
    pub async fn open_vacancy(&self) -> (String, Value) {
        let vacancy = self.create_vacancy(json!({})).await;
        let id = vacancy["id"].as_str().unwrap().to_string();
        let criteria = self
            .put(
                &format!("/api/v1/vacancies/{id}/criteria"),
                &self.recruiter(),
                sample_spec(),
            )
            .await
            .expect(200)
            .body;
        self.post(
            &format!("/api/v1/vacancies/{id}/transitions"),
            &self.recruiter(),
            json!({"to": "open"}),
        )
        .await
        .expect(200);
        (id, criteria)
    }
}

pub fn bearer(token: &str) -> (&'static str, String) {
    ("Authorization", format!("Bearer {token}"))
}

pub fn merge(base: &mut Value, overrides: Value) {
    if let (Some(b), Value::Object(o)) = (base.as_object_mut(), overrides) {
        for (k, v) in o {
            b.insert(k, v);
        }
    }
}

/// A person specification shaped like seed 001 (Social Worker Level 4).
pub fn sample_spec() -> Value {
    json!([
        {"category": "Qualifications", "description": "Social work degree or equivalent", "requirement": "essential", "methods": ["application", "documents"]},
        {"category": "Qualifications", "description": "60 M-level credits", "requirement": "essential", "methods": ["application"], "alternative_group": "credits-or-experience"},
        {"category": "Experience", "description": "Five years' post-qualifying experience", "requirement": "essential", "methods": ["application", "interview"], "alternative_group": "credits-or-experience"},
        {"category": "Skills and abilities", "description": "Able to chair complex meetings", "requirement": "desirable", "methods": ["interview"], "weight": 2}
    ])
}

impl TestApp {
    /// Creates and opens a vacancy from a body and a spec; returns its id and criteria.
    pub async fn open_vacancy_from(&self, vacancy: Value, spec: Value) -> (String, Vec<Value>) {
        let t = self.recruiter();
        let created = self
            .post("/api/v1/vacancies", &t, vacancy)
            .await
            .expect(201)
            .body;
        let id = created["id"].as_str().unwrap().to_string();
        let criteria = self
            .put(&format!("/api/v1/vacancies/{id}/criteria"), &t, spec)
            .await
            .expect(200)
            .body;
        self.post(
            &format!("/api/v1/vacancies/{id}/transitions"),
            &t,
            json!({"to": "open"}),
        )
        .await
        .expect(200);
        (id, criteria.as_array().unwrap().clone())
    }

    pub async fn set_panel(&self, vacancy_id: &str, members: &[(&str, &str)]) {
        let members: Vec<Value> = members
            .iter()
            .map(|(user, role)| json!({"user_id": user, "role": role}))
            .collect();
        self.put(
            &format!("/api/v1/vacancies/{vacancy_id}/panel"),
            &self.recruiter(),
            json!({"members": members}),
        )
        .await
        .expect(200);
    }

    /// Submits an application as the portal `portal-1`; returns its JSON.
    pub async fn apply(&self, vacancy_id: &str, name: &str, declarations: Value) -> Value {
        let local: String = name
            .to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(".");
        let email = format!("{local}@example.org");
        self.post(
            &format!("/api/v1/vacancies/{vacancy_id}/applications"),
            &self.token_for("portal-1", ORG, &[Role::Portal]),
            json!({"candidate": {"name": name, "email": email, "phone": "01632 960000"}, "declarations": declarations}),
        )
        .await
        .expect(201)
        .body
    }

    /// A second app, on a fresh database of the same backend, whose report-style reads
    /// go to this app's database as they would to a read replica
    /// (`SHORTLIST_READ_DATABASE_URL`): what this app writes is "on the replica".
    pub async fn reading_from(&self) -> TestApp {
        let read = self.db.clone();
        let configure = move |s: &mut AppState| s.read_db = Some(read);
        match self.db.backend() {
            shortlist::db::Backend::Sqlite => TestApp::sqlite_configured(configure).await,
            shortlist::db::Backend::Postgres => TestApp::postgres_configured(configure)
                .await
                .expect("PostgreSQL is configured: this app runs on it"),
        }
    }

    /// A panel member's token (role `panel`, `sub` = `user`).
    pub fn panel(&self, user: &str) -> String {
        self.token_for(user, ORG, &[Role::Panel])
    }
}
