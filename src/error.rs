//! One error type for the whole service, rendered as RFC 9457 `application/problem+json`.

use actix_web::body::BoxBody;
use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

pub use crate::domain::FieldError;

/// RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the problem type.
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Field-level messages; present on validation failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// 409 with its own problem type: the assessor declared a conflict of interest.
    #[error("{0}")]
    ConflictOfInterest(String),
    #[error("the resource has changed since it was read")]
    PreconditionFailed,
    /// 410: what was asked for existed once and is gone for good (an expired cursor).
    #[error("{0}")]
    Gone(String),
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("the database is unavailable")]
    Unavailable,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Validation(vec![FieldError::new(field, message)])
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            AppError::BadRequest(_) => ("bad-request", "Bad request"),
            AppError::Unauthorized(_) => ("unauthorized", "Unauthorized"),
            AppError::Forbidden(_) => ("forbidden", "Forbidden"),
            AppError::NotFound => ("not-found", "Not found"),
            AppError::Conflict(_) => ("conflict", "Conflict"),
            AppError::ConflictOfInterest(_) => ("conflict-of-interest", "Conflict of interest"),
            AppError::PreconditionFailed => ("precondition-failed", "Precondition failed"),
            AppError::Gone(_) => ("gone", "Gone"),
            AppError::PayloadTooLarge => ("payload-too-large", "Payload too large"),
            AppError::UnsupportedMediaType(_) => {
                ("unsupported-media-type", "Unsupported media type")
            }
            AppError::Validation(_) => ("validation", "Validation failed"),
            AppError::Unavailable => ("unavailable", "Service unavailable"),
            AppError::Internal(_) => ("internal", "Internal server error"),
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let detail = match self {
            AppError::NotFound => "The resource does not exist or is not visible to you.".into(),
            AppError::Validation(errors) if errors.len() == 1 => {
                format!("{}: {}", errors[0].field, errors[0].message)
            }
            AppError::Validation(errors) => {
                format!("{} fields are invalid; see errors.", errors.len())
            }
            AppError::Unavailable => "The database is unavailable; retry shortly.".into(),
            // Internals are logged, never sent.
            AppError::Internal(_) => "An unexpected error occurred.".into(),
            other => other.to_string(),
        };
        Problem {
            problem_type: format!("/problems/{slug}"),
            title: title.into(),
            status: self.status_code().as_u16(),
            detail,
            errors: match self {
                AppError::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
        }
    }
}

pub fn problem_response(status: StatusCode, problem: &Problem) -> HttpResponse {
    let mut builder = HttpResponse::build(status);
    builder.insert_header((header::CONTENT_TYPE, PROBLEM_JSON));
    if status == StatusCode::UNAUTHORIZED {
        builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        builder.insert_header((header::RETRY_AFTER, "5"));
    }
    builder.body(serde_json::to_string(problem).unwrap_or_default())
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) | AppError::ConflictOfInterest(_) => StatusCode::CONFLICT,
            AppError::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            AppError::Gone(_) => StatusCode::GONE,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        if let AppError::Internal(message) = self {
            tracing::error!(error = %message, "internal error");
        }
        problem_response(self.status_code(), &self.to_problem())
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> AppError {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection, _)
            | Error::DatabaseError(DatabaseErrorKind::UnableToSendCommand, _)
            | Error::BrokenTransactionManager => AppError::Unavailable,
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict("a record with the same unique values already exists".into())
            }
            Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => {
                AppError::Conflict("a concurrent change won; retry the request".into())
            }
            Error::DatabaseError(_, info) if is_connection_message(info.message()) => {
                AppError::Unavailable
            }
            // PostgreSQL refuses the NUL character in text ("invalid byte sequence ...
            // 0x00"); it is bad input, not a server fault.
            Error::DatabaseError(_, info) if info.message().contains("0x00") => {
                AppError::validation("body", "text must not contain the NUL character (\\u0000)")
            }
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// libpq reports a lost server through generic errors; recognise them so the caller
/// gets a retryable 503 rather than a 500.
fn is_connection_message(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.contains("server closed the connection")
        || m.contains("connection refused")
        || m.contains("terminating connection")
        || m.contains("no connection to the server")
        || m.contains("could not connect")
        || m.contains("database is locked")
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> AppError {
        AppError::Validation(flatten_validation_errors("", &errors))
    }
}

fn flatten_validation_errors(
    prefix: &str,
    errors: &validator::ValidationErrors,
) -> Vec<FieldError> {
    use validator::ValidationErrorsKind;
    let mut out = Vec::new();
    let mut fields: Vec<_> = errors.errors().iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in fields {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| describe_validation_code(e));
                    out.push(FieldError::new(path.clone(), message));
                }
            }
            ValidationErrorsKind::Struct(inner) => {
                out.extend(flatten_validation_errors(&path, inner))
            }
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    out.extend(flatten_validation_errors(
                        &format!("{path}[{index}]"),
                        inner,
                    ));
                }
            }
        }
    }
    out
}

fn describe_validation_code(e: &validator::ValidationError) -> String {
    let param = |name: &str| e.params.get(name).map(|v| v.to_string());
    match e.code.as_ref() {
        "length" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("length must be between {min} and {max}"),
            (Some(min), None) => format!("length must be at least {min}"),
            (None, Some(max)) => format!("length must be at most {max}"),
            _ => "invalid length".into(),
        },
        "range" => match (param("min"), param("max")) {
            (Some(min), Some(max)) => format!("must be between {min} and {max}"),
            (Some(min), None) => format!("must be at least {min}"),
            (None, Some(max)) => format!("must be at most {max}"),
            _ => "out of range".into(),
        },
        "email" => "must be an email address".into(),
        code => format!("invalid ({code})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_do_not_leak_their_message() {
        let p = AppError::Internal("SELECT secret FROM x".into()).to_problem();
        assert_eq!(p.status, 500);
        assert!(!p.detail.contains("SELECT"));
    }

    #[test]
    fn diesel_not_found_is_404_and_unique_violation_is_409() {
        assert!(matches!(
            AppError::from(diesel::result::Error::NotFound),
            AppError::NotFound
        ));
    }

    #[test]
    fn validation_problem_lists_fields() {
        let p = AppError::Validation(vec![
            FieldError::new("a", "bad"),
            FieldError::new("b", "worse"),
        ])
        .to_problem();
        assert_eq!(p.status, 422);
        assert_eq!(p.errors.unwrap().len(), 2);
    }
}
