//! HTTP only: request and response shapes, authorisation, and translation to and from
//! the domain and the database.

pub mod access;
pub mod applications;
pub mod audit;
pub mod checks;
pub mod criteria;
pub mod csv;
pub mod events;
pub mod health;
pub mod panels;
pub mod privacy;
pub mod reports;
pub mod scores;
pub mod shortlist;
pub mod spec_import;
pub mod steps;
pub mod vacancies;
pub mod webhooks;

use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpMessage, HttpRequest};
use base64::Engine;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::auth::Caller;
use crate::db::audit::Actor;
use crate::error::AppError;

pub const MAX_PAGE_SIZE: i64 = 500;
pub const DEFAULT_PAGE_SIZE: i64 = 50;

/// `limit` + opaque `cursor` of every list.
#[derive(Debug, Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page size, 1–500 (default 50).
    #[validate(range(min = 1, max = 500))]
    pub limit: Option<i64>,
    /// Opaque position returned as `next_cursor` (and in the `Link` header).
    #[validate(length(max = 512))]
    pub cursor: Option<String>,
}

impl PageParams {
    pub fn limit(&self) -> i64 {
        self.limit
            .unwrap_or(DEFAULT_PAGE_SIZE)
            .clamp(1, MAX_PAGE_SIZE)
    }
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` to get the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// Cuts a `limit + 1` fetch down to one page; the cursor names the last row kept and
/// is `None` on the last page.
pub fn one_page<R>(
    mut rows: Vec<R>,
    limit: i64,
    cursor_of: impl Fn(&R) -> String,
) -> (Vec<R>, Option<String>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    let next_cursor = if more {
        rows.last().map(cursor_of)
    } else {
        None
    };
    (rows, next_cursor)
}

/// A page as JSON, with `Link: <…>; rel="next"` when there is more.
pub fn page_response<T: Serialize>(
    req: &HttpRequest,
    items: Vec<T>,
    next_cursor: Option<String>,
) -> actix_web::HttpResponse {
    let mut response = actix_web::HttpResponse::Ok();
    if let Some(cursor) = &next_cursor {
        response.insert_header((header::LINK, next_link(req, cursor)));
    }
    response.json(Page { items, next_cursor })
}

pub fn encode_cursor(parts: &[&str]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(parts.join("\n"))
}

pub fn decode_cursor(cursor: &str, parts: usize) -> Result<Vec<String>, AppError> {
    let invalid = || AppError::validation("cursor", "is not a cursor this API returned");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    if text.contains('\0') {
        return Err(invalid());
    }
    let fields: Vec<String> = text.split('\n').map(str::to_string).collect();
    if fields.len() != parts {
        return Err(invalid());
    }
    Ok(fields)
}

/// `Link: <…>; rel="next"` for the next page, keeping the other query parameters.
pub fn next_link(req: &HttpRequest, next_cursor: &str) -> String {
    let mut pairs: Vec<(String, String)> = url_pairs(req.query_string())
        .filter(|(k, _)| k != "cursor")
        .collect();
    pairs.push(("cursor".into(), next_cursor.into()));
    let query: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    format!("<{}?{}>; rel=\"next\"", req.path(), query.join("&"))
}

fn url_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k.to_string(), v.to_string())
    })
}

fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'%' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Strong entity tag of a versioned resource.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// Honours `If-Match`: absent passes; `*` or a list containing the current tag passes;
/// anything else is a 412.
pub fn check_if_match(headers: &HeaderMap, version: i32) -> Result<(), AppError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(());
    };
    let value = value
        .to_str()
        .map_err(|_| AppError::BadRequest("the If-Match header is malformed".into()))?;
    let current = etag(version);
    let matches = value.split(',').map(str::trim).any(|tag| {
        tag == "*" || tag == current || tag.strip_prefix("W/") == Some(current.as_str())
    });
    if matches {
        Ok(())
    } else {
        Err(AppError::PreconditionFailed)
    }
}

/// The audit identity of a request.
pub fn actor(caller: &Caller, req: &HttpRequest) -> Actor {
    Actor {
        org: caller.org.clone(),
        sub: caller.sub.clone(),
        request_id: req
            .extensions()
            .get::<tracing_actix_web::RequestId>()
            .map(|id| id.to_string()),
    }
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`) in PATCH
/// bodies: absent leaves a value alone, `null` clears it.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

pub fn validate<T: Validate>(value: &T) -> Result<(), AppError> {
    value.validate().map_err(AppError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        let c = encode_cursor(&["2026-11-25T10:00:00.000000Z", "abc"]);
        assert_eq!(
            decode_cursor(&c, 2).unwrap(),
            vec!["2026-11-25T10:00:00.000000Z", "abc"]
        );
        assert!(decode_cursor("not base64!", 2).is_err());
        assert!(decode_cursor(&c, 3).is_err());
    }

    #[test]
    fn if_match_accepts_current_tag_star_or_absence() {
        let mut headers = HeaderMap::new();
        assert!(check_if_match(&headers, 3).is_ok());
        headers.insert(header::IF_MATCH, "\"3\"".parse().unwrap());
        assert!(check_if_match(&headers, 3).is_ok());
        assert!(matches!(
            check_if_match(&headers, 4),
            Err(AppError::PreconditionFailed)
        ));
        headers.insert(header::IF_MATCH, "*".parse().unwrap());
        assert!(check_if_match(&headers, 9).is_ok());
        headers.insert(header::IF_MATCH, "\"1\", \"2\"".parse().unwrap());
        assert!(check_if_match(&headers, 2).is_ok());
    }
}
