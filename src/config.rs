//! Configuration from the environment (`SHORTLIST_*`), with the defaults of `api.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::db::{sqlite_path, Backend};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/shortlist.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    pub jwt_secret: Option<String>,
    pub jwt_public_key: Option<PathBuf>,
    /// Overrides the algorithm otherwise inferred from the PEM key type.
    pub jwt_algorithm: Option<String>,
    pub jwt_issuer: Option<String>,
    pub jwt_audience: Option<String>,
    pub production: bool,
    pub db_pool_size: u32,
    pub db_connect_timeout: Duration,
    pub body_limit_bytes: usize,
    pub workers: Option<usize>,
    pub log_json: bool,
    /// Requests per minute per client; 0 turns limiting off.
    pub rate_limit_per_minute: u32,
}

impl std::fmt::Debug for Settings {
    // Secrets stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &crate::db::redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("jwt_public_key", &self.jwt_public_key)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("production", &self.production)
            .finish_non_exhaustive()
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parsed<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match var(name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse()
            .map_err(|_| format!("{name}={v:?} is not a valid value")),
    }
}

impl Settings {
    pub fn from_env() -> Result<Settings, String> {
        let database_url = var("SHORTLIST_DATABASE_URL")
            .or_else(|| var("DATABASE_URL"))
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        Backend::from_url(&database_url)?;
        let settings = Settings {
            database_url,
            bind: var("SHORTLIST_BIND").unwrap_or_else(|| DEFAULT_BIND.to_string()),
            jwt_secret: var("SHORTLIST_JWT_SECRET"),
            jwt_public_key: var("SHORTLIST_JWT_PUBLIC_KEY").map(PathBuf::from),
            jwt_algorithm: var("SHORTLIST_JWT_ALGORITHM"),
            jwt_issuer: var("SHORTLIST_JWT_ISSUER"),
            jwt_audience: var("SHORTLIST_JWT_AUDIENCE"),
            production: var("SHORTLIST_ENV").as_deref() == Some("production"),
            db_pool_size: parsed("SHORTLIST_DB_POOL_SIZE", 16)?,
            db_connect_timeout: Duration::from_millis(parsed(
                "SHORTLIST_DB_CONNECT_TIMEOUT_MS",
                3000,
            )?),
            body_limit_bytes: parsed("SHORTLIST_BODY_LIMIT_BYTES", 256 * 1024)?,
            workers: var("SHORTLIST_WORKERS")
                .map(|v| {
                    v.parse()
                        .map_err(|_| format!("SHORTLIST_WORKERS={v:?} is not a number"))
                })
                .transpose()?,
            log_json: var("SHORTLIST_LOG_FORMAT").as_deref() == Some("json"),
            rate_limit_per_minute: parsed("SHORTLIST_RATE_LIMIT_PER_MINUTE", 600)?,
        };
        if settings.jwt_secret.is_some() && settings.jwt_public_key.is_some() {
            return Err(
                "set either SHORTLIST_JWT_SECRET or SHORTLIST_JWT_PUBLIC_KEY, not both".into(),
            );
        }
        if settings.production && settings.jwt_secret.is_none() && settings.jwt_public_key.is_none()
        {
            return Err("SHORTLIST_ENV=production requires SHORTLIST_JWT_SECRET or SHORTLIST_JWT_PUBLIC_KEY".into());
        }
        if settings.db_pool_size == 0 {
            return Err("SHORTLIST_DB_POOL_SIZE must be at least 1".into());
        }
        Ok(settings)
    }

    /// Where local state (the dev signing secret) lives: beside the SQLite file, or
    /// `data/` for PostgreSQL.
    pub fn data_dir(&self) -> PathBuf {
        if Backend::from_url(&self.database_url) == Ok(Backend::Sqlite) {
            if let Some(parent) = Path::new(sqlite_path(&self.database_url)).parent() {
                if !parent.as_os_str().is_empty() {
                    return parent.to_path_buf();
                }
            }
            return PathBuf::from(".");
        }
        PathBuf::from("data")
    }
}
