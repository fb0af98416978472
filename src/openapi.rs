//! The OpenAPI document, collected from the routes actually registered (see
//! `startup::routes`), so no operation can be served undocumented.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Shortlist",
        description = "Candidate shortlisting and recruitment for UK public-sector employers: \
                       vacancies, person specifications, applications, panel scoring, \
                       shortlists and pre-employment checks.\n\n\
                       Every `/api/v1` call needs `Authorization: Bearer <JWT>` with `sub`, \
                       `org`, `roles` and `exp`. Errors are RFC 9457 `application/problem+json`.",
        license(name = "MIT")
    ),
    modifiers(&BearerScheme),
    tags(
        (name = "vacancies", description = "Vacancies and their lifecycle"),
        (name = "person specification", description = "The criteria applicants are judged against"),
        (name = "panels", description = "Who scores a vacancy's applicants"),
        (name = "applications", description = "Applications submitted by portals and recruiters"),
        (name = "scores", description = "Scoresheets, agreed scores and evaluations"),
        (name = "shortlists", description = "Ranked shortlists, the score matrix, decisions and dashboard summaries"),
        (name = "checks", description = "Pre-employment checks"),
        (name = "privacy", description = "Retention, erasure and the equality report"),
        (name = "audit", description = "The record of every change"),
        (name = "operations", description = "Health checks and metrics"),
    )
)]
pub struct ApiDoc;

struct BearerScheme;

impl Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The document as served at `/openapi.json` and committed in `openapi/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    crate::startup::openapi_from_routes()
}

/// Pretty JSON with a trailing newline, exactly as committed.
pub fn document_json() -> String {
    let mut text = document()
        .to_pretty_json()
        .expect("the OpenAPI document serialises");
    text.push('\n');
    text
}
