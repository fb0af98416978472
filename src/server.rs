//! Running the service: migrate, bind, serve until SIGINT/SIGTERM, then drain.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_http::BoxedPayloadStream;
use actix_web::dev::{Payload, Service, ServiceRequest, ServiceResponse};
use actix_web::error::{InternalError, PayloadError};
use actix_web::http::{ConnectionType, StatusCode};
use actix_web::{web, HttpMessage, HttpServer};
use futures_util::future::Either;
use futures_util::Stream;

use crate::auth::{keys_from_settings, Role};
use crate::config::Settings;
use crate::db::{redact_url, Db};
use crate::error::{problem_response, Problem};
use crate::startup::{app, AppState};

fn open_db(settings: &Settings) -> Result<Db, String> {
    Db::open(
        &settings.database_url,
        settings.db_pool_size,
        settings.db_connect_timeout,
        settings.db_statement_cache,
    )
    .map(|db| db.with_inline_reads(settings.db_inline_reads))
}

/// The read replica's pool when `SHORTLIST_READ_DATABASE_URL` is set, checked before the
/// server listens (see [`crate::db::open_replica`]); never migrated.
pub fn open_read_db(settings: &Settings, primary: &Db) -> Result<Option<Db>, String> {
    let Some(url) = &settings.read_database_url else {
        return Ok(None);
    };
    let db = crate::db::open_replica(
        url,
        primary.backend(),
        settings.db_pool_size,
        settings.db_connect_timeout,
        settings.db_statement_cache,
    )?;
    tracing::info!(
        read_database = %redact_url(url),
        "read database ready: reports and worklists read from it"
    );
    Ok(Some(db))
}

pub fn migrate(settings: &Settings) -> Result<Vec<String>, String> {
    open_db(settings)?.migrate()
}

/// The application's shared state for these settings: what `serve` runs and what
/// `demo` drives in-process.
pub fn app_state(settings: &Settings, db: Db, keys: crate::auth::JwtKeys) -> AppState {
    AppState {
        db,
        read_db: None,
        keys: web::Data::new(keys),
        body_limit_bytes: settings.body_limit_bytes,
        rate_limit: (settings.rate_limit_per_minute > 0).then(|| {
            std::sync::Arc::new(crate::rate_limit::RateLimiter::new(
                settings.rate_limit_per_minute,
            ))
        }),
        metrics: std::sync::Arc::new(crate::metrics::Metrics::default()),
        metrics_token: settings.metrics_token.clone(),
        cors_allowed_origins: settings.cors_allowed_origins.clone(),
        webhooks: std::sync::Arc::new(settings.webhooks.clone()),
    }
}

/// A request body that notes when it has been read to its end, failed, or been given
/// up by its reader: from then on, no one is waiting for the client.
struct WatchedBody {
    inner: Payload,
    done: Rc<Cell<bool>>,
}

impl Stream for WatchedBody {
    type Item = Result<web::Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let polled = Pin::new(&mut self.inner).poll_next(cx);
        if matches!(polled, Poll::Ready(None | Some(Err(_)))) {
            self.done.set(true);
        }
        polled
    }
}

impl Drop for WatchedBody {
    fn drop(&mut self) {
        self.done.set(true);
    }
}

/// Middleware (for `App::wrap_fn`): a request whose body has not fully arrived within
/// `limit` of its head is answered 408 (problem+json) and its connection closed, so
/// a client trickling a body cannot hold it open forever. Once the body is in, the
/// handler takes as long as it takes.
pub fn body_deadline<S, B>(
    mut req: ServiceRequest,
    srv: &S,
    limit: Duration,
) -> impl Future<Output = Result<ServiceResponse<B>, actix_web::Error>> + 'static
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: 'static,
{
    let done = Rc::new(Cell::new(false));
    match req.take_payload() {
        Payload::None => done.set(true),
        inner => {
            let watched: BoxedPayloadStream = Box::pin(WatchedBody {
                inner,
                done: done.clone(),
            });
            req.set_payload(Payload::from(watched));
        }
    }
    let path = req.path().to_string();
    let call = srv.call(req);
    async move {
        let call = std::pin::pin!(call);
        let deadline = std::pin::pin!(actix_web::rt::time::sleep(limit));
        match futures_util::future::select(call, deadline).await {
            Either::Left((response, _)) => response,
            Either::Right(((), call)) if done.get() => call.await,
            Either::Right(((), _abandoned)) => {
                tracing::info!(
                    path,
                    limit_secs = limit.as_secs(),
                    "request body too slow: 408"
                );
                Err(body_timed_out(limit))
            }
        }
    }
}

fn body_timed_out(limit: Duration) -> actix_web::Error {
    let mut response = problem_response(
        StatusCode::REQUEST_TIMEOUT,
        &Problem {
            problem_type: "/problems/request-timeout".into(),
            title: "Request timeout".into(),
            status: StatusCode::REQUEST_TIMEOUT.as_u16(),
            detail: format!(
                "The request body did not arrive within {} s; the connection is closed.",
                limit.as_secs()
            ),
            errors: None,
        },
    );
    response
        .head_mut()
        .set_connection_type(ConnectionType::Close);
    InternalError::from_response("request body timed out", response).into()
}

pub async fn run(settings: Settings) -> Result<(), String> {
    let db = open_db(&settings)?;
    let applied = db.migrate()?;
    tracing::info!(
        database = %redact_url(&settings.database_url),
        migrations_applied = applied.len(),
        "database ready"
    );
    let read_db = open_read_db(&settings, &db)?;
    let (keys, dev_mode) = keys_from_settings(&settings)?;
    if dev_mode {
        let ttl = keys.max_lifetime_secs().min(24 * 3600);
        let token = keys.mint("dev-admin", "dev", &[Role::Admin], ttl, None, None)?;
        tracing::warn!(
            "no SHORTLIST_JWT_SECRET or SHORTLIST_JWT_PUBLIC_KEY set: using a development \
             secret kept in {}/{} — never run like this in production",
            settings.data_dir().display(),
            crate::auth::DEV_SECRET_FILE
        );
        let valid = if ttl % 3600 == 0 {
            format!("{}h", ttl / 3600)
        } else {
            format!("{ttl}s")
        };
        println!("Development admin token (org \"dev\", valid {valid}):\n{token}\n");
    }
    let mut state = app_state(&settings, db, keys);
    state.read_db = read_db;
    if let Some(limiter) = &state.rate_limit {
        // Requests touch only their own bucket; this forgets the idle ones.
        limiter.spawn_sweeper(crate::rate_limit::SWEEP_INTERVAL);
    }
    if state.webhooks.worker {
        crate::delivery::spawn(state.db.clone(), state.webhooks.clone());
    } else {
        tracing::info!("webhook delivery worker off (SHORTLIST_WEBHOOK_WORKER=off)");
    }
    let body_timeout = settings.body_timeout;
    let mut server = HttpServer::new(move || {
        app(state.clone()).wrap_fn(move |req, srv| body_deadline(req, srv, body_timeout))
    })
    .shutdown_timeout(30)
    // A request's head must arrive within this; its body within `body_timeout`.
    .client_request_timeout(settings.header_timeout)
    .bind(&settings.bind)
    .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
    let workers = settings.workers.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    server = server
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads_per_worker(settings.db_pool_size, workers));
    tracing::info!(bind = %settings.bind, "listening; docs at http://{}/docs/", settings.bind);
    server.run().await.map_err(|e| e.to_string())
}

/// Each database call runs on a worker's blocking pool and needs a pooled connection, so
/// threads beyond the pool's size can only wait for one: actix's default (512 per
/// process) let 32 concurrent readers wake dozens of threads that queued on the pool's
/// mutex, and half the CPU went to the kernel switching between them on a 2-core host
/// (BENCHMARKS.md, scenario 4 profile). Each worker gets its share of the pool.
fn blocking_threads_per_worker(pool_size: u32, workers: usize) -> usize {
    (pool_size as usize).div_ceil(workers.max(1)).max(1)
}

/// `shortlist rebuild`: the maintained score summaries and step results recomputed.
pub fn rebuild(settings: &Settings, vacancy: Option<String>) -> Result<(), String> {
    let db = open_db(settings)?;
    db.migrate()?;
    let started = std::time::Instant::now();
    let rebuilt = actix_web::rt::System::new()
        .block_on(crate::service::scoring::rebuild_summaries(&db, vacancy))
        .map_err(|e| format!("rebuild failed: {e}"))?;
    println!(
        "score summaries and step results rebuilt for {} vacancy(ies) in {:.1} s",
        rebuilt.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `shortlist retention [--dry-run]`: every org, each in its own transaction, through
/// the same use case as `POST /api/v1/retention/run`.
pub fn retention(settings: &Settings, dry_run: bool) -> Result<(), String> {
    let db = open_db(settings)?;
    db.migrate()?;
    let today = crate::api::vacancies::uk_today();
    let reports = actix_web::rt::System::new()
        .block_on(crate::service::privacy::retention_all_orgs(
            &db, today, dry_run,
        ))
        .map_err(|e| format!("retention failed: {e}"))?;
    let mut total = 0;
    for (org, report) in &reports {
        for a in &report.applications {
            println!(
                "{}{org}\t{}\t{}",
                if dry_run {
                    "would anonymise\t"
                } else {
                    "anonymised\t"
                },
                a.candidate_code,
                a.application_id
            );
        }
        total += report.applications.len();
    }
    println!(
        "{total} application(s) {}",
        if dry_run {
            "due for anonymisation (dry run: nothing changed)"
        } else {
            "anonymised"
        }
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::blocking_threads_per_worker;

    #[test]
    fn every_worker_gets_a_share_of_the_pool_and_at_least_one_thread() {
        assert_eq!(blocking_threads_per_worker(16, 2), 8);
        assert_eq!(blocking_threads_per_worker(16, 3), 6);
        assert_eq!(blocking_threads_per_worker(1, 4), 1);
        assert_eq!(blocking_threads_per_worker(16, 0), 16);
    }
}
