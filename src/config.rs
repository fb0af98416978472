//! Configuration from the environment (`SHORTLIST_*`), with the defaults of `api.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::db::{sqlite_path, Backend};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/shortlist.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    /// `SHORTLIST_READ_DATABASE_URL`: a read replica of the primary for report-style
    /// reads (pipeline report, worklists, org-wide lists); unset, they use the primary.
    pub read_database_url: Option<String>,
    pub bind: String,
    pub jwt_secret: Option<String>,
    pub jwt_public_key: Option<PathBuf>,
    /// Overrides the algorithm otherwise inferred from the PEM key type.
    pub jwt_algorithm: Option<String>,
    pub jwt_issuer: Option<String>,
    pub jwt_audience: Option<String>,
    /// The longest a token may live, `exp - iat` (or `exp - now`), in seconds; tokens
    /// that would live longer are refused, and `shortlist token` will not mint them.
    pub jwt_max_lifetime_secs: i64,
    pub production: bool,
    pub db_pool_size: u32,
    pub db_connect_timeout: Duration,
    /// PostgreSQL prepared statement cache (`SHORTLIST_DB_STATEMENT_CACHE`, default
    /// true); set false behind PgBouncer in transaction mode without
    /// `max_prepared_statements` (e.g. Debian bookworm's 1.18).
    pub db_statement_cache: bool,
    /// Short by-id reads on the HTTP worker's own thread when a connection is idle
    /// (`SHORTLIST_DB_INLINE_READS`, default true): see `Db::read_short`.
    pub db_inline_reads: bool,
    pub body_limit_bytes: usize,
    /// How long a client may take to send a request's head (`client_request_timeout`).
    pub header_timeout: Duration,
    /// How long a client may take to send a request's whole body, from the end of its
    /// head; a slower one gets a 408 and its connection closed.
    pub body_timeout: Duration,
    pub workers: Option<usize>,
    pub log_json: bool,
    /// Requests per minute per client; 0 turns limiting off.
    pub rate_limit_per_minute: u32,
    /// When set, `GET /metrics` requires `Authorization: Bearer <this>`.
    pub metrics_token: Option<String>,
    /// Exact origins (`https://host[:port]`) allowed cross-origin access; empty sends
    /// no CORS headers.
    pub cors_allowed_origins: Vec<String>,
    pub webhooks: crate::delivery::WebhookConfig,
}

impl std::fmt::Debug for Settings {
    // Secrets stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &crate::db::redact_url(&self.database_url))
            .field(
                "read_database_url",
                &self.read_database_url.as_deref().map(crate::db::redact_url),
            )
            .field("bind", &self.bind)
            .field("jwt_secret", &self.jwt_secret.as_ref().map(|_| "***"))
            .field("jwt_public_key", &self.jwt_public_key)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("jwt_max_lifetime_secs", &self.jwt_max_lifetime_secs)
            .field("production", &self.production)
            .field("metrics_token", &self.metrics_token.as_ref().map(|_| "***"))
            .field("cors_allowed_origins", &self.cors_allowed_origins)
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
        let backend = Backend::from_url(&database_url)?;
        let read_database_url = var("SHORTLIST_READ_DATABASE_URL");
        if let Some(url) = &read_database_url {
            let read_backend =
                Backend::from_url(url).map_err(|e| format!("SHORTLIST_READ_DATABASE_URL: {e}"))?;
            if read_backend != backend {
                return Err(crate::db::mismatched_backends(backend, read_backend));
            }
        }
        let settings = Settings {
            database_url,
            read_database_url,
            bind: var("SHORTLIST_BIND").unwrap_or_else(|| DEFAULT_BIND.to_string()),
            jwt_secret: var("SHORTLIST_JWT_SECRET"),
            jwt_public_key: var("SHORTLIST_JWT_PUBLIC_KEY").map(PathBuf::from),
            jwt_algorithm: var("SHORTLIST_JWT_ALGORITHM"),
            jwt_issuer: var("SHORTLIST_JWT_ISSUER"),
            jwt_audience: var("SHORTLIST_JWT_AUDIENCE"),
            jwt_max_lifetime_secs: parsed(
                "SHORTLIST_JWT_MAX_LIFETIME_SECS",
                crate::auth::DEFAULT_MAX_LIFETIME_SECS,
            )?,
            production: var("SHORTLIST_ENV").as_deref() == Some("production"),
            db_pool_size: parsed("SHORTLIST_DB_POOL_SIZE", 16)?,
            db_connect_timeout: Duration::from_millis(parsed(
                "SHORTLIST_DB_CONNECT_TIMEOUT_MS",
                3000,
            )?),
            db_statement_cache: parsed("SHORTLIST_DB_STATEMENT_CACHE", true)?,
            db_inline_reads: parsed("SHORTLIST_DB_INLINE_READS", true)?,
            body_limit_bytes: parsed("SHORTLIST_BODY_LIMIT_BYTES", 256 * 1024)?,
            header_timeout: Duration::from_secs(parsed("SHORTLIST_HEADER_TIMEOUT_SECS", 5)?),
            body_timeout: Duration::from_secs(parsed("SHORTLIST_BODY_TIMEOUT_SECS", 30)?),
            workers: var("SHORTLIST_WORKERS")
                .map(|v| {
                    v.parse()
                        .map_err(|_| format!("SHORTLIST_WORKERS={v:?} is not a number"))
                })
                .transpose()?,
            log_json: var("SHORTLIST_LOG_FORMAT").as_deref() == Some("json"),
            rate_limit_per_minute: parsed("SHORTLIST_RATE_LIMIT_PER_MINUTE", 600)?,
            metrics_token: var("SHORTLIST_METRICS_TOKEN").map(|t| t.trim().to_string()),
            cors_allowed_origins: var("SHORTLIST_CORS_ALLOWED_ORIGINS")
                .map(|v| parse_cors_origins(&v))
                .transpose()?
                .unwrap_or_default(),
            webhooks: webhook_config()?,
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
        if settings.jwt_max_lifetime_secs < 1 {
            return Err("SHORTLIST_JWT_MAX_LIFETIME_SECS must be at least 1".into());
        }
        if settings.header_timeout.is_zero() {
            return Err("SHORTLIST_HEADER_TIMEOUT_SECS must be at least 1".into());
        }
        if settings.body_timeout.is_zero() {
            return Err("SHORTLIST_BODY_TIMEOUT_SECS must be at least 1".into());
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

/// `SHORTLIST_WEBHOOK_*`: hosts allowed to be private (`ALLOWED_HOSTS`, comma-separated),
/// the retry waits in seconds (`RETRY_SCHEDULE`, e.g. `5,20,80`), the per-attempt
/// timeout (`TIMEOUT_SECS`, default 10), how often an idle worker polls (`POLL_MS`,
/// default 500) and whether `serve` runs the worker (`WORKER=off` turns it off).
fn webhook_config() -> Result<crate::delivery::WebhookConfig, String> {
    let mut config = crate::delivery::WebhookConfig::default();
    if let Some(hosts) = var("SHORTLIST_WEBHOOK_ALLOWED_HOSTS") {
        config.allowed_hosts = hosts
            .split(',')
            .map(|h| {
                h.trim()
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_ascii_lowercase()
            })
            .filter(|h| !h.is_empty())
            .collect();
    }
    if let Some(schedule) = var("SHORTLIST_WEBHOOK_RETRY_SCHEDULE") {
        config.schedule = crate::domain::webhooks::RetrySchedule::parse(&schedule)
            .map_err(|e| format!("SHORTLIST_WEBHOOK_RETRY_SCHEDULE: {e}"))?;
    }
    let timeout: u64 = parsed("SHORTLIST_WEBHOOK_TIMEOUT_SECS", 10)?;
    if !(1..=60).contains(&timeout) {
        return Err("SHORTLIST_WEBHOOK_TIMEOUT_SECS must be 1–60".into());
    }
    config.timeout = Duration::from_secs(timeout);
    config.poll = Duration::from_millis(parsed("SHORTLIST_WEBHOOK_POLL_MS", 500u64)?.max(10));
    config.worker = !matches!(
        var("SHORTLIST_WEBHOOK_WORKER")
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("off" | "false" | "0" | "no")
    );
    Ok(config)
}

/// `SHORTLIST_CORS_ALLOWED_ORIGINS`: comma-separated origins, each exactly
/// `http(s)://host[:port]` as a browser sends it in `Origin` (no path, no wildcard,
/// no default port), so that a typo fails at start-up instead of silently never
/// matching. Scheme and host are lower-cased, as browsers send them.
pub fn parse_cors_origins(value: &str) -> Result<Vec<String>, String> {
    let refuse = |origin: &str, why: &str| {
        Err(format!(
            "SHORTLIST_CORS_ALLOWED_ORIGINS: {origin:?} {why}; expected comma-separated \
             origins like https://jobs.example.gov.uk or http://localhost:3000"
        ))
    };
    let mut origins: Vec<String> = Vec::new();
    for origin in value.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        if origin.contains('*') {
            return refuse(
                origin,
                "has a wildcard, which is not allowed: list each origin",
            );
        }
        let lower = origin.to_ascii_lowercase();
        let (scheme, rest) = match lower.split_once("://") {
            Some((scheme @ ("http" | "https"), rest)) => (scheme, rest),
            _ => return refuse(origin, "must start with https:// or http://"),
        };
        if rest.contains(['/', '?', '#']) {
            return refuse(origin, "must not have a path (not even a trailing /)");
        }
        if rest.contains('@') || rest.contains(char::is_whitespace) {
            return refuse(origin, "is not a valid origin");
        }
        // An IPv6 literal's colons are inside its brackets.
        let (host, port) = match rest.rfind(':').filter(|&i| !rest[i..].contains(']')) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let host_ok = if let Some(inner) = host.strip_prefix('[') {
            inner
                .strip_suffix(']')
                .is_some_and(|ip| ip.parse::<std::net::Ipv6Addr>().is_ok())
        } else {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        };
        if !host_ok {
            return refuse(origin, "has an invalid host");
        }
        if let Some(port) = port {
            match port.parse::<u16>() {
                Ok(p) if p > 0 && port.chars().all(|c| c.is_ascii_digit()) => {
                    if (scheme, p) == ("https", 443) || (scheme, p) == ("http", 80) {
                        return refuse(
                            origin,
                            "names its scheme's default port, which browsers leave out: drop it",
                        );
                    }
                }
                _ => return refuse(origin, "has an invalid port"),
            }
        }
        if !origins.contains(&lower) {
            origins.push(lower);
        }
    }
    if origins.is_empty() {
        return Err(
            "SHORTLIST_CORS_ALLOWED_ORIGINS lists no origin; unset it to allow none".into(),
        );
    }
    Ok(origins)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cors_origins_are_exact_origins() {
        assert_eq!(
            parse_cors_origins(" https://jobs.example.gov.uk, http://localhost:3000,,").unwrap(),
            vec!["https://jobs.example.gov.uk", "http://localhost:3000"]
        );
        assert_eq!(
            parse_cors_origins("HTTPS://Jobs.Example.gov.uk,https://jobs.example.gov.uk").unwrap(),
            vec!["https://jobs.example.gov.uk"]
        );
        assert_eq!(
            parse_cors_origins("http://[::1]:8080").unwrap(),
            vec!["http://[::1]:8080"]
        );
    }

    #[test]
    fn bad_cors_origins_are_refused_with_the_reason() {
        for (value, reason) in [
            ("*", "wildcard"),
            ("https://*.example.gov.uk", "wildcard"),
            ("jobs.example.gov.uk", "https://"),
            ("ftp://jobs.example.gov.uk", "https://"),
            ("https://jobs.example.gov.uk/", "path"),
            ("https://jobs.example.gov.uk/apply", "path"),
            ("https://jobs.example.gov.uk?x=1", "path"),
            ("https://user@jobs.example.gov.uk", "not a valid origin"),
            ("https://", "invalid host"),
            ("https://jobs_example", "invalid host"),
            ("https://jobs.example.gov.uk:0", "invalid port"),
            ("https://jobs.example.gov.uk:99999", "invalid port"),
            ("https://jobs.example.gov.uk:", "invalid port"),
            ("https://jobs.example.gov.uk:443", "default port"),
            ("http://[::1", "invalid host"),
            (" , ", "lists no origin"),
            (
                "https://ok.example.gov.uk, https://bad.example.gov.uk/x",
                "path",
            ),
        ] {
            let error = parse_cors_origins(value).expect_err(value);
            assert!(error.contains(reason), "{value}: {error}");
            assert!(error.contains("SHORTLIST_CORS_ALLOWED_ORIGINS"), "{error}");
        }
    }
}
