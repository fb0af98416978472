//! The recruitment rules as pure functions over plain data: no HTTP, no database.

pub mod application;
pub mod audit_chain;
pub mod checks;
pub mod criteria;
pub mod evaluation;
pub mod events;
pub mod panel;
pub mod pipeline;
pub mod plan;
pub mod privacy;
pub mod results;
pub mod scoresheet;
pub mod shortlist;
pub mod summaries;
pub mod time;
pub mod vacancy;
pub mod webhooks;

pub use evaluation::{Method, Requirement};

/// One field-level rule violation, reported to the caller as part of a 422.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the offending field, e.g. `scoring.pass_mark` or `[2].methods`.
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}
