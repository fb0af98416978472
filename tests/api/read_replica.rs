//! `SHORTLIST_READ_DATABASE_URL`: report-style reads (the pipeline report, the checks
//! worklist, the org-wide application list, the score matrix CSV) go to a read replica;
//! everything else stays on the primary. The "replica" here is a second, separately
//! migrated database holding different data, so every answer shows where it was read.

use std::process::{Command, Stdio};
use std::time::Duration;

use crate::both_backends;
use crate::helpers::{sample_spec, TestApp, ORG};
use serde_json::{json, Value};
use shortlist::auth::Role;
use shortlist::db::{open_replica, Backend};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn ids(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap().to_string())
        .collect()
}

/// An open vacancy with `reference` and one application; returns (vacancy, application).
async fn vacancy_with_application(app: &TestApp, reference: &str, name: &str) -> (String, String) {
    let (vid, _) = app
        .open_vacancy_from(
            json!({"reference": reference, "title": "Social Worker", "closing_date": "2099-12-31"}),
            sample_spec(),
        )
        .await;
    let application = app.apply(&vid, name, json!({})).await;
    (vid, id(&application))
}

both_backends! {
    async fn reports_and_worklists_read_the_replica_and_writes_land_on_the_primary(replica: TestApp) {
        let (replica_vacancy, replica_application) =
            vacancy_with_application(&replica, "ON-REPLICA", "Rhea Replica").await;
        let app = replica.reading_from().await;
        let hr = app.recruiter();
        let viewer = app.token(Role::Viewer);
        // Writes go to the primary...
        let (primary_vacancy, primary_application) =
            vacancy_with_application(&app, "ON-PRIMARY", "Pria Primary").await;
        replica.get(&format!("/api/v1/vacancies/{primary_vacancy}"), &hr).await.expect_problem(404);
        replica.get(&format!("/api/v1/applications/{primary_application}"), &hr).await.expect_problem(404);

        // ...reports read the replica: its vacancy and application, not the primary's.
        let pipeline = app.get("/api/v1/reports/pipeline", &viewer).await.expect(200);
        assert_eq!(ids(&pipeline.body["vacancies"], "vacancy_id"), vec![replica_vacancy.clone()]);
        assert_eq!(pipeline.body["vacancies"][0]["reference"], "ON-REPLICA");
        let csv = app
            .call(actix_web::test::TestRequest::get()
                .uri("/api/v1/reports/pipeline")
                .insert_header(crate::helpers::bearer(&viewer))
                .insert_header(("Accept", "text/csv")))
            .await
            .expect(200);
        assert!(csv.text.contains("ON-REPLICA") && !csv.text.contains("ON-PRIMARY"), "{}", csv.text);

        let listed = app.get("/api/v1/applications", &hr).await.expect(200);
        assert_eq!(ids(&listed.body["items"], "id"), vec![replica_application.clone()]);
        let portal = app.token_for("portal-1", ORG, &[Role::Portal]);
        let portal_list = app.get("/api/v1/applications", &portal).await.expect(200);
        assert_eq!(ids(&portal_list.body["items"], "id"), vec![replica_application.clone()]);

        let worklist = app.get("/api/v1/checks?limit=200", &hr).await.expect(200);
        let apps: Vec<String> = ids(&worklist.body["items"], "application_id");
        assert!(!apps.is_empty());
        assert!(apps.iter().all(|a| *a == replica_application), "{apps:?}");

        // The score matrix CSV (an export) reads the replica; its JSON, a per-vacancy
        // working view, the primary, where the replica's vacancy does not exist.
        let matrix_csv = app
            .call(actix_web::test::TestRequest::get()
                .uri(&format!("/api/v1/vacancies/{replica_vacancy}/score-matrix"))
                .insert_header(crate::helpers::bearer(&hr))
                .insert_header(("Accept", "text/csv")))
            .await
            .expect(200);
        assert!(matrix_csv.text.contains(&replica_application), "{}", matrix_csv.text);
        app.get(&format!("/api/v1/vacancies/{replica_vacancy}/score-matrix"), &hr).await.expect_problem(404);
        app.get(&format!("/api/v1/vacancies/{primary_vacancy}/score-matrix"), &hr).await.expect(200);

        // Per-vacancy reads, the events feed and the vacancy list stay on the primary.
        let vacancies = app.get("/api/v1/vacancies", &hr).await.expect(200);
        assert_eq!(ids(&vacancies.body["items"], "id"), vec![primary_vacancy.clone()]);
        let per_vacancy = app.get(&format!("/api/v1/vacancies/{primary_vacancy}/applications"), &hr).await.expect(200);
        assert_eq!(ids(&per_vacancy.body["items"], "id"), vec![primary_application.clone()]);
        let events = app.get("/api/v1/events?types=application.submitted", &hr).await.expect(200);
        let submitted: Vec<String> = events.body["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["data"]["application_id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(submitted, vec![primary_application.clone()]);

        // Readiness reports the replica; an app without one says nothing of it.
        let ready = app.get("/health/ready", "").await.expect(200);
        assert_eq!(ready.body, json!({"status": "ok", "read_database": "ok"}));
        let plain = replica.get("/health/ready", "").await.expect(200);
        assert_eq!(plain.body, json!({"status": "ok"}));
    }
}

/// A replica that cannot be read leaves the process ready (writes work) and says so;
/// the reports that read it answer 503.
#[actix_rt::test]
async fn an_unreachable_replica_is_reported_and_its_reads_answer_503() {
    let unreachable = shortlist::db::Db::new(
        "postgres://nobody@127.0.0.1:9/none",
        1,
        Duration::from_millis(300),
    )
    .unwrap();
    let app = TestApp::sqlite_configured(move |s| s.read_db = Some(unreachable)).await;
    let ready = app.get("/health/ready", "").await.expect(200);
    assert_eq!(ready.body["read_database"], "unavailable");
    app.get("/api/v1/reports/pipeline", &app.recruiter())
        .await
        .expect_problem(503);
    app.create_vacancy(json!({})).await;
}

#[test]
fn a_replica_on_another_backend_or_missing_or_unmigrated_is_refused() {
    let timeout = Duration::from_millis(500);
    let refused = |url: &str, primary: Backend| {
        open_replica(url, primary, 2, timeout, true)
            .err()
            .unwrap_or_else(|| panic!("{url} was accepted as a read replica"))
    };
    let dir = tempfile::tempdir().unwrap();
    let missing = format!("sqlite://{}", dir.path().join("none.db").display());
    let e = refused(&missing, Backend::Sqlite);
    assert!(e.contains("does not exist"), "{e}");
    assert!(
        !dir.path().join("none.db").exists(),
        "no empty database was created"
    );

    let e = refused(&missing, Backend::Postgres);
    assert!(e.contains("same backend"), "{e}");

    // A database that was never migrated: not a replica of this primary.
    let blank = dir.path().join("blank.db");
    std::fs::write(&blank, b"").unwrap();
    let e = refused(&format!("sqlite://{}", blank.display()), Backend::Sqlite);
    assert!(e.contains("no migration record"), "{e}");

    let e = refused(
        "postgres://nobody:secret@127.0.0.1:9/none",
        Backend::Postgres,
    );
    assert!(e.contains("cannot connect") && !e.contains("secret"), "{e}");

    // On PostgreSQL: a blank database, then one that has only the first migration.
    let Some(admin_url) = std::env::var("SHORTLIST_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        return;
    };
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let name = format!("shortlist_test_blank_{}", uuid::Uuid::new_v4().simple());
    let mut admin = diesel::PgConnection::establish(&admin_url).unwrap();
    admin
        .batch_execute(&format!("CREATE DATABASE \"{name}\""))
        .unwrap();
    let url = format!("{}/{name}", admin_url.rsplit_once('/').unwrap().0);
    let blank = open_replica(&url, Backend::Postgres, 1, timeout, true).err();
    let partial = {
        let mut conn = diesel::PgConnection::establish(&url).unwrap();
        conn.batch_execute(
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY, \
             run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP); \
             INSERT INTO __diesel_schema_migrations (version) VALUES ('20261125000001');",
        )
        .unwrap();
        drop(conn);
        open_replica(&url, Backend::Postgres, 1, timeout, true).err()
    };
    let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
    let blank = blank.expect("a blank database was accepted");
    assert!(blank.contains("no migration record"), "{blank}");
    let partial = partial.expect("a database short of migrations was accepted");
    assert!(
        partial.contains("lacks") && partial.contains("applications_panels_scores"),
        "{partial}"
    );
}

/// The binary refuses to start on a bad read URL, saying why, before it listens.
#[test]
fn serve_fails_at_start_up_on_a_bad_read_url() {
    let dir = tempfile::tempdir().unwrap();
    let primary = format!("sqlite://{}", dir.path().join("primary.db").display());
    for (read_url, expected) in [
        (
            "postgres://nobody@127.0.0.1:9/none".to_string(),
            "same backend",
        ),
        (
            "mysql://replica/db".to_string(),
            "SHORTLIST_READ_DATABASE_URL: unsupported",
        ),
        (
            format!("sqlite://{}", dir.path().join("missing.db").display()),
            "does not exist",
        ),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_shortlist"))
            .arg("serve")
            .current_dir(dir.path())
            .env("SHORTLIST_DATABASE_URL", &primary)
            .env("SHORTLIST_READ_DATABASE_URL", &read_url)
            .env(
                "SHORTLIST_JWT_SECRET",
                String::from_utf8_lossy(crate::helpers::SECRET).as_ref(),
            )
            .env("SHORTLIST_BIND", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .env_remove("SHORTLIST_ENV")
            .env_remove("SHORTLIST_JWT_PUBLIC_KEY")
            .stdin(Stdio::null())
            .output()
            .expect("run the shortlist binary");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{read_url}: started anyway");
        assert!(
            stderr.contains(expected) && stderr.contains("SHORTLIST_READ_DATABASE_URL"),
            "{read_url}: {stderr}"
        );
    }
}
