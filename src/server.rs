//! Running the service: migrate, bind, serve until SIGINT/SIGTERM, then drain.

use actix_web::{web, HttpServer};

use crate::auth::{keys_from_settings, Role};
use crate::config::Settings;
use crate::db::{redact_url, Db};
use crate::startup::{app, AppState};

fn open_db(settings: &Settings) -> Result<Db, String> {
    Db::new(
        &settings.database_url,
        settings.db_pool_size,
        settings.db_connect_timeout,
    )
}

pub fn migrate(settings: &Settings) -> Result<Vec<String>, String> {
    open_db(settings)?.migrate()
}

/// The application's shared state for these settings: what `serve` runs and what
/// `demo` drives in-process.
pub fn app_state(settings: &Settings, db: Db, keys: crate::auth::JwtKeys) -> AppState {
    AppState {
        db,
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
    }
}

pub async fn run(settings: Settings) -> Result<(), String> {
    let db = open_db(&settings)?;
    let applied = db.migrate()?;
    tracing::info!(
        database = %redact_url(&settings.database_url),
        migrations_applied = applied.len(),
        "database ready"
    );
    let (keys, dev_mode) = keys_from_settings(&settings)?;
    if dev_mode {
        let token = keys.mint("dev-admin", "dev", &[Role::Admin], 24 * 3600, None, None)?;
        tracing::warn!(
            "no SHORTLIST_JWT_SECRET or SHORTLIST_JWT_PUBLIC_KEY set: using a development \
             secret kept in {}/{} — never run like this in production",
            settings.data_dir().display(),
            crate::auth::DEV_SECRET_FILE
        );
        println!("Development admin token (org \"dev\", valid 24h):\n{token}\n");
    }
    let state = app_state(&settings, db, keys);
    let mut server = HttpServer::new(move || app(state.clone()))
        .shutdown_timeout(30)
        .bind(&settings.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", settings.bind))?;
    if let Some(workers) = settings.workers {
        server = server.workers(workers);
    }
    tracing::info!(bind = %settings.bind, "listening; docs at http://{}/docs/", settings.bind);
    server.run().await.map_err(|e| e.to_string())
}

/// `shortlist retention [--dry-run]`: every org, each in its own transaction.
pub fn retention(settings: &Settings, dry_run: bool) -> Result<(), String> {
    use crate::api::privacy::run_retention;
    use crate::db::audit::Actor;
    use diesel::Connection;
    let db = open_db(settings)?;
    db.migrate()?;
    let mut pooled = db.conn().map_err(|e| e.to_string())?;
    let conn = &mut pooled.conn;
    let orgs = crate::db::privacy::orgs_with_applications(conn).map_err(|e| e.to_string())?;
    let today = crate::api::vacancies::uk_today();
    let mut total = 0;
    for org in orgs {
        let actor = Actor {
            org: org.clone(),
            sub: "retention-job".into(),
            request_id: None,
        };
        let report = conn
            .transaction(|c| run_retention(c, &actor, today, dry_run))
            .map_err(|e| format!("retention for org {org} failed: {e}"))?;
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
