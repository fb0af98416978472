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
    let state = AppState {
        db,
        keys: web::Data::new(keys),
        body_limit_bytes: settings.body_limit_bytes,
    };
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
