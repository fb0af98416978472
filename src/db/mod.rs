//! Storage: one diesel `MultiConnection` over PostgreSQL and SQLite, an r2d2 pool, and
//! the embedded migrations of each backend.

pub mod applications;
pub mod audit;
pub mod checks;
pub mod criteria;
pub mod events;
pub mod panels;
pub mod privacy;
pub mod reports;
pub mod results;
pub mod schema;
pub mod scores;
pub mod steps;
pub mod summaries;
pub mod vacancies;
pub mod webhooks;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::error::AppError;

pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");

/// Runs `$body` with `$c` bound to the backend's own connection, compiled once per
/// backend: for statements the multi-backend cannot express (multi-row inserts,
/// upserts), and for the queries on hot paths.
///
/// Why the hot paths: the `MultiConnection` derive wraps each query in a
/// `SerializedQuery` whose `walk_ast` renders the whole SQL text again on every one of
/// diesel's passes (cache check, binds, cache key), and quoting those identifiers took
/// a third of the server's CPU on `GET /vacancies/{id}` (BENCHMARKS.md, scenario 4
/// profile, 3 December). On the backend's own connection a statically typed query is
/// prepared once and found again by its type, with no SQL rendered.
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Postgres($c) => $body,
            $crate::db::DbConnection::Sqlite($c) => $body,
        }
    };
}

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgres(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// How a row lock is taken (see `vacancies::find_locked`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// `FOR UPDATE`: the writer changes the row or what others check against it.
    Exclusive,
    /// `FOR SHARE`: the writer depends on the row staying as read.
    Shared,
}

/// Which backend a database URL names. Chosen from the scheme alone: diesel's own
/// `establish` on a multi-connection tries each backend in turn, and SQLite accepts
/// almost any string as a path, which would hide a mistyped PostgreSQL URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite://") || url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(format!(
                "unsupported database URL scheme in {:?}: use sqlite://path or postgres://…",
                redact_url(url)
            ))
        }
    }
}

/// The file path of a `sqlite://` URL (`sqlite://data/x.db` → `data/x.db`,
/// `sqlite:///abs/x.db` → `/abs/x.db`).
pub fn sqlite_path(url: &str) -> &str {
    url.strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url)
}

/// A URL safe to log: the password, if any, replaced.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

pub fn establish(url: &str) -> Result<DbConnection, ConnectionError> {
    establish_with(url, true)
}

/// `statement_cache: false` makes every PostgreSQL query an unnamed statement sent in
/// one round trip (diesel's `PQsendQueryParams` path) instead of a named prepared
/// statement kept on the server connection. A pooler in transaction mode (PgBouncer
/// before 1.21, or later without `max_prepared_statements`) hands each transaction a
/// different server connection, where a named statement prepared on another one
/// does not exist. SQLite ignores it.
pub fn establish_with(url: &str, statement_cache: bool) -> Result<DbConnection, ConnectionError> {
    match Backend::from_url(url).map_err(ConnectionError::InvalidConnectionUrl)? {
        Backend::Postgres => {
            let mut conn = diesel::PgConnection::establish(url)?;
            if !statement_cache {
                conn.set_prepared_statement_cache_size(diesel::connection::CacheSize::Disabled);
            }
            Ok(DbConnection::Postgres(conn))
        }
        Backend::Sqlite => {
            let mut conn = diesel::SqliteConnection::establish(sqlite_path(url))?;
            // Per connection: the busy timeout makes a second writer wait instead of
            // failing at once (set first: on a new database, switching to WAL takes a
            // lock that the pool's other connections, opening at the same moment,
            // would otherwise fail on), WAL lets readers run beside the writer, and
            // foreign keys are off by default in SQLite.
            conn.batch_execute(
                "PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(ConnectionError::CouldntSetupConfiguration)?;
            Ok(DbConnection::Sqlite(conn))
        }
    }
}

/// r2d2 manager that picks the backend from the URL scheme (see [`Backend::from_url`]).
pub struct Manager {
    url: String,
    statement_cache: bool,
}

/// A pooled connection with a note of whether it failed in a way that means the
/// server went away. diesel cannot tell a dead PostgreSQL socket by itself; a pinged
/// checkout would cost a round trip on every request, so instead a connection that saw
/// a connection-level error is marked and the pool drops it.
pub struct ManagedConnection {
    pub conn: DbConnection,
    broken: bool,
}

impl ManageConnection for Manager {
    type Connection = ManagedConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<ManagedConnection, r2d2::Error> {
        let conn = establish_with(&self.url, self.statement_cache)
            .map_err(r2d2::Error::ConnectionError)?;
        Ok(ManagedConnection {
            conn,
            broken: false,
        })
    }

    fn is_valid(&self, c: &mut ManagedConnection) -> Result<(), r2d2::Error> {
        c.conn
            .batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, c: &mut ManagedConnection) -> bool {
        c.broken
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// The database handle the application shares: a pool plus, for SQLite, a write lock.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    backend: Backend,
    // SQLite allows one writer at a time and diesel opens deferred transactions, so two
    // writers that both read first can deadlock into SQLITE_BUSY. Serialising writes in
    // the process avoids that; PostgreSQL needs no such lock.
    sqlite_write_lock: Arc<Mutex<()>>,
    // See [`Db::read_short`]; off by `SHORTLIST_DB_INLINE_READS=false`.
    inline_reads: bool,
}

impl Db {
    /// Opens a pool without connecting; the first use (migrations at start-up) connects.
    pub fn new(url: &str, max_size: u32, connect_timeout: Duration) -> Result<Db, String> {
        Db::open(url, max_size, connect_timeout, true)
    }

    /// As [`Db::new`], with PostgreSQL's prepared statement cache on or off (off behind
    /// a transaction-mode pooler: see [`establish_with`]).
    pub fn open(
        url: &str,
        max_size: u32,
        connect_timeout: Duration,
        statement_cache: bool,
    ) -> Result<Db, String> {
        let backend = Backend::from_url(url)?;
        if backend == Backend::Sqlite {
            let path = std::path::Path::new(sqlite_path(url));
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    format!("cannot create database directory {}: {e}", parent.display())
                })?;
            }
        }
        let pool = r2d2::Pool::builder()
            .max_size(max_size)
            // Keep the pool full: opening connections on demand under load showed as
            // latency spikes (bench scenario 4).
            .min_idle(None)
            .connection_timeout(connect_timeout)
            // No ping at checkout: a connection that fails as unavailable is marked
            // broken and dropped (see ManagedConnection).
            .test_on_check_out(false)
            .build_unchecked(Manager {
                url: url.to_string(),
                statement_cache,
            });
        Ok(Db {
            pool,
            backend,
            sqlite_write_lock: Arc::new(Mutex::new(())),
            inline_reads: true,
        })
    }

    /// Whether [`Db::read_short`] may run on the calling thread.
    pub fn with_inline_reads(mut self, inline: bool) -> Db {
        self.inline_reads = inline;
        self
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool's connections now, for the metrics scrape.
    pub fn pool_gauges(&self) -> crate::metrics::PoolGauges {
        let state = self.pool.state();
        crate::metrics::PoolGauges {
            in_use: state.connections.saturating_sub(state.idle_connections),
            idle: state.idle_connections,
            max: self.pool.max_size(),
        }
    }

    pub fn conn(&self) -> Result<PooledConnection, AppError> {
        self.pool.get().map_err(|e| {
            tracing::warn!(error = %e, "database connection unavailable");
            AppError::Unavailable
        })
    }

    /// Runs read-only work on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            let mut pooled = db.conn()?;
            let result = f(&mut pooled.conn);
            pooled.broken |= matches!(result, Err(AppError::Unavailable));
            result
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Runs a short read (a few indexed lookups by id) on the calling worker thread
    /// when a pooled connection is idle, and on a blocking thread otherwise.
    ///
    /// Handing each request to the blocking pool and back costs two thread wake-ups
    /// and context switches; for a by-id read that is most of the request (half the
    /// server's CPU was in the kernel, BENCHMARKS.md scenario 4 profile). Running it
    /// here blocks this worker's other connections for the read's round trips, so only
    /// reads bounded by an index lookup may use it: lists, reports and shortlists go
    /// through [`Db::read`]. `try_get` never waits: with every connection busy the read
    /// queues on the blocking pool as before, so a worker never sleeps on the pool.
    pub async fn read_short<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        if self.inline_reads {
            if let Some(mut pooled) = self.pool.try_get() {
                let result = f(&mut pooled.conn);
                pooled.broken |= matches!(result, Err(AppError::Unavailable));
                return result;
            }
        }
        self.read(f).await
    }

    /// Runs `f` in one transaction on a blocking thread: everything it writes commits
    /// together or not at all. Only the service layer calls this: each use case owns
    /// its transaction and takes its row locks inside it (see `crate::service::locks`).
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let db = self.clone();
        actix_web::web::block(move || {
            // The process-wide SQLite write lock is taken before a connection is
            // checked out: a writer waiting for the lock must not hold a pooled
            // connection that readers need meanwhile.
            let _guard = match db.backend {
                Backend::Sqlite => Some(
                    db.sqlite_write_lock
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner()),
                ),
                Backend::Postgres => None,
            };
            let mut pooled = db.conn()?;
            // Events the use case emits are written last, inside its transaction (the
            // outbox, see `events`): they commit or roll back with the change.
            events::discard();
            results::discard();
            let with_events = |conn: &mut DbConnection| {
                let value = f(conn)?;
                // The step results the use case's writes made stale, recomputed last
                // inside its transaction (see `results`): no route can leave one behind.
                crate::service::results::flush(conn)?;
                events::flush(conn)?;
                Ok(value)
            };
            let result = match db.backend {
                Backend::Postgres => pooled.conn.transaction(with_events),
                Backend::Sqlite => immediate_transaction(&mut pooled.conn, with_events),
            };
            if result.is_err() {
                events::discard();
                results::discard();
            }
            pooled.broken |= matches!(result, Err(AppError::Unavailable));
            result
        })
        .await
        .map_err(|e| AppError::Internal(format!("blocking task failed: {e}")))?
    }

    /// Applies pending migrations of the pool's backend.
    pub fn migrate(&self) -> Result<Vec<String>, String> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        let applied = run_migrations(&mut conn.conn)?;
        // The step results cannot be computed in SQL (the rules are Rust): the
        // migration that creates their table leaves it empty and they are filled here,
        // once. Until then a shortlist evaluates from the summaries instead.
        // The same when a migration adds to what each result row holds.
        let refills = [results::MIGRATION, results::RANKING_MIGRATION];
        if applied.iter().any(|v| {
            let v = v.replace('-', "");
            refills.iter().any(|m| v.starts_with(&m.replace('-', "")))
        }) {
            crate::service::results::backfill(&mut conn.conn)
                .map_err(|e| format!("filling step results failed: {e}"))?;
        }
        Ok(applied)
    }

    pub fn ping(&self) -> Result<(), AppError> {
        let mut pooled = self.conn()?;
        let result = pooled
            .conn
            .batch_execute("SELECT 1")
            .map_err(|_| AppError::Unavailable);
        pooled.broken |= result.is_err();
        result
    }
}

/// The database report-style reads go to (`SHORTLIST_READ_DATABASE_URL`, a streaming
/// read replica), or the primary when none is configured. It can only read: a handler
/// given one cannot write through it by mistake, and no migration runs on it.
#[derive(Clone)]
pub struct ReadDb {
    db: Db,
    replica: bool,
}

impl ReadDb {
    /// Reads go to `replica` when there is one, else to `primary`.
    pub fn new(primary: &Db, replica: Option<&Db>) -> ReadDb {
        ReadDb {
            db: replica.unwrap_or(primary).clone(),
            replica: replica.is_some(),
        }
    }

    /// Whether reads go to a replica rather than the primary.
    pub fn is_replica(&self) -> bool {
        self.replica
    }

    /// As [`Db::read`], on this database.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.db.read(f).await
    }

    pub fn ping(&self) -> Result<(), AppError> {
        self.db.ping()
    }
}

/// Opens the pool of a read replica for a primary on `primary`, and checks at once that
/// it is usable: the same backend, reachable, and holding every migration this build
/// knows (applied on the primary and replayed there). A replica is never migrated
/// itself, so a URL naming the wrong database fails here, not as 500s on the reports.
pub fn open_replica(
    url: &str,
    primary: Backend,
    max_size: u32,
    connect_timeout: Duration,
    statement_cache: bool,
) -> Result<Db, String> {
    let shown = redact_url(url);
    let backend = Backend::from_url(url)?;
    if backend != primary {
        return Err(mismatched_backends(primary, backend));
    }
    // SQLite would create a missing file (and its directory) as an empty database.
    if backend == Backend::Sqlite && !std::path::Path::new(sqlite_path(url)).is_file() {
        return Err(format!(
            "SHORTLIST_READ_DATABASE_URL: {shown} does not exist (a read replica is never created)"
        ));
    }
    let db = Db::open(url, max_size, connect_timeout, statement_cache)?;
    let mut pooled = db.pool.get().map_err(|e| {
        format!("SHORTLIST_READ_DATABASE_URL: cannot connect to the read database {shown}: {e}")
    })?;
    let missing = missing_migrations(&mut pooled.conn).map_err(|e| {
        format!(
            "SHORTLIST_READ_DATABASE_URL: {shown} has no migration record ({e}): \
             is it a replica of SHORTLIST_DATABASE_URL?"
        )
    })?;
    if let Some(first) = missing.first() {
        return Err(format!(
            "SHORTLIST_READ_DATABASE_URL: {shown} lacks {} of this version's migrations \
             (first: {first}): is it a replica of SHORTLIST_DATABASE_URL, and has it replayed \
             the latest migration?",
            missing.len()
        ));
    }
    Ok(db)
}

/// Both databases on one backend: a replica is a copy of the primary.
pub fn mismatched_backends(primary: Backend, read: Backend) -> String {
    let name = |b: Backend| match b {
        Backend::Postgres => "postgres://",
        Backend::Sqlite => "sqlite://",
    };
    format!(
        "SHORTLIST_READ_DATABASE_URL is a {} URL but SHORTLIST_DATABASE_URL is {}: the read \
         database must be a replica of the primary, on the same backend",
        name(read),
        name(primary)
    )
}

#[derive(QueryableByName)]
struct AppliedVersion {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

/// The migrations of this build not recorded as applied on `conn`, by name. Read with a
/// plain query: diesel's own harness first creates its table if missing, which a hot
/// standby refuses.
fn missing_migrations(conn: &mut DbConnection) -> Result<Vec<String>, String> {
    let applied: std::collections::HashSet<String> =
        diesel::sql_query("SELECT version FROM __diesel_schema_migrations")
            .load::<AppliedVersion>(conn)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|v| v.version)
            .collect();
    let known = match conn {
        DbConnection::Postgres(_) => embedded::<diesel::pg::Pg>(&POSTGRES_MIGRATIONS)?,
        DbConnection::Sqlite(_) => embedded::<diesel::sqlite::Sqlite>(&SQLITE_MIGRATIONS)?,
    };
    Ok(known
        .into_iter()
        .filter(|(_, version)| !applied.contains(version))
        .map(|(name, _)| name)
        .collect())
}

/// (name, version) of each migration in `source`.
fn embedded<B: diesel::backend::Backend>(
    source: &EmbeddedMigrations,
) -> Result<Vec<(String, String)>, String>
where
    EmbeddedMigrations: diesel::migration::MigrationSource<B>,
{
    Ok(diesel::migration::MigrationSource::<B>::migrations(source)
        .map_err(|e| e.to_string())?
        .iter()
        .map(|m| (m.name().to_string(), m.name().version().to_string()))
        .collect())
}

/// A SQLite transaction opened with `BEGIN IMMEDIATE`: it takes the database's write
/// lock before its first read. diesel's default `BEGIN` is deferred, so a transaction
/// that reads, then writes, can find that another process wrote meanwhile and fail
/// with SQLITE_BUSY instead of waiting; two API processes on one file need this.
fn immediate_transaction<T, F>(conn: &mut DbConnection, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, AppError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    fn inner(conn: &mut DbConnection) -> &mut diesel::SqliteConnection {
        match conn {
            DbConnection::Sqlite(c) => c,
            DbConnection::Postgres(_) => unreachable!("immediate transactions are SQLite's"),
        }
    }
    AnsiTransactionManager::begin_transaction_sql(inner(conn), "BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(value) => {
            AnsiTransactionManager::commit_transaction(inner(conn))?;
            Ok(value)
        }
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(inner(conn))?;
            Err(e)
        }
    }
}

pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, String> {
    let applied = match conn {
        DbConnection::Postgres(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.iter().map(|m| m.to_string()).collect()),
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(|m| m.to_string()).collect()),
    };
    applied.map_err(|e| format!("migration failed: {e}"))
}

/// Current time as stored: RFC 3339 UTC with microseconds, so text order is time order.
pub fn now_text() -> String {
    format_time(chrono::Utc::now())
}

pub fn format_time(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_is_chosen_from_the_scheme_only() {
        assert_eq!(
            Backend::from_url("postgres://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("postgresql://u@h/db").unwrap(),
            Backend::Postgres
        );
        assert_eq!(
            Backend::from_url("sqlite://data/x.db").unwrap(),
            Backend::Sqlite
        );
        assert!(Backend::from_url("mysql://x").is_err());
        assert!(Backend::from_url("data/x.db").is_err());
    }

    #[test]
    fn sqlite_paths_keep_relative_and_absolute_forms() {
        assert_eq!(sqlite_path("sqlite://data/x.db"), "data/x.db");
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), "/tmp/x.db");
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact_url("postgres://app:secret@db:5432/shortlist"),
            "postgres://app:***@db:5432/shortlist"
        );
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn stored_times_sort_as_text() {
        let a = format_time(chrono::DateTime::from_timestamp(1_700_000_000, 5_000).unwrap());
        let b = format_time(chrono::DateTime::from_timestamp(1_700_000_000, 50_000).unwrap());
        assert!(a < b, "{a} < {b}");
    }
}
