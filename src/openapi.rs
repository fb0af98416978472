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
        (name = "steps", description = "Assessment plans, step decisions, reopening, conflicts of interest and candidate outcomes"),
        (name = "checks", description = "Pre-employment checks"),
        (name = "privacy", description = "Retention, erasure and the equality report"),
        (name = "reports", description = "Org-wide reports for HR dashboards"),
        (name = "audit", description = "The record of every change"),
        (name = "events", description = "The change feed portals and dashboards catch up from"),
        (name = "webhooks", description = "Signed deliveries of events (Standard Webhooks)"),
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

/// Adds the errors every operation shares, once, instead of in every `#[utoipa::path]`:
/// 401 on every operation that needs a token, and 400 (malformed JSON) and 415 (not
/// JSON) on every operation that takes a JSON body. An operation that documents its
/// own wording for one of these keeps it.
pub fn add_common_errors(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    for item in openapi.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            let responses = &mut operation.responses.responses;
            if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                responses
                    .entry("401".into())
                    .or_insert_with(|| problem("Missing or invalid token"));
            }
            let takes_json = operation
                .request_body
                .as_ref()
                .is_some_and(|b| b.content.contains_key("application/json"));
            if takes_json {
                responses
                    .entry("400".into())
                    .or_insert_with(|| problem("Malformed JSON"));
                responses
                    .entry("415".into())
                    .or_insert_with(|| problem("The body is not application/json"));
            }
        }
    }
}
