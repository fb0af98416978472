//! Guards on the shape of the project: both backends' migrations, the OpenAPI file.

use std::collections::BTreeSet;
use std::path::Path;

fn migration_names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let postgres = migration_names("postgres");
    let sqlite = migration_names("sqlite");
    assert!(!postgres.is_empty());
    assert_eq!(
        postgres, sqlite,
        "migrations/postgres and migrations/sqlite must hold the same migration names"
    );
    for name in &postgres {
        for backend in ["postgres", "sqlite"] {
            for file in ["up.sql", "down.sql"] {
                let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations")
                    .join(backend)
                    .join(name)
                    .join(file);
                assert!(path.is_file(), "{} is missing", path.display());
            }
        }
    }
}

#[test]
fn committed_openapi_document_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi/openapi.json");
    let generated = shortlist::startup::openapi_document_json();
    if std::env::var("SHORTLIST_UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: run `cargo run -- openapi > openapi/openapi.json` (or SHORTLIST_UPDATE_OPENAPI=1 cargo test)"
    );
}

#[test]
fn every_operation_documents_its_errors_and_security() {
    let doc: serde_json::Value =
        serde_json::from_str(&shortlist::startup::openapi_document_json()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    let mut operations = 0;
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            operations += 1;
            let responses = op["responses"].as_object().unwrap();
            assert!(
                !responses.is_empty(),
                "{method} {path} documents no responses"
            );
            if path.starts_with("/api/") {
                assert!(responses.contains_key("401"), "{method} {path} lacks 401");
                assert!(op["security"].is_array(), "{method} {path} lacks security");
            }
        }
    }
    assert!(operations >= 12, "only {operations} operations documented");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}
