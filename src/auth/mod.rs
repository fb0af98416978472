//! Bearer-token authentication: JWT decoding with the one configured algorithm, and the
//! [`Caller`] extractor that every protected handler takes, so none can skip the check.

use std::collections::HashMap;
use std::future::{ready, Ready};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use actix_web::{dev::Payload, http::header, web, FromRequest, HttpMessage, HttpRequest};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::config::Settings;
use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Recruiter,
    Panel,
    Viewer,
    Portal,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Recruiter,
        Role::Panel,
        Role::Viewer,
        Role::Portal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Recruiter => "recruiter",
            Role::Panel => "panel",
            Role::Viewer => "viewer",
            Role::Portal => "portal",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// The claims Shortlist reads. Unknown role names fail deserialisation, so a token
/// with a role this service does not know is refused rather than half-trusted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub org: String,
    pub roles: Vec<Role>,
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// One audience or several (RFC 7519 §4.1.3); when an audience is configured, the
    /// token must name it, alone or among others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<Audience>,
}

/// The `aud` claim: a string, or an array of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    pub fn contains(&self, audience: &str) -> bool {
        match self {
            Audience::One(one) => one == audience,
            Audience::Many(many) => many.iter().any(|a| a == audience),
        }
    }
}

/// The longest a token may live (`exp - iat`, or `exp - now` without `iat`) unless
/// `SHORTLIST_JWT_MAX_LIFETIME_SECS` says otherwise: 24 hours.
pub const DEFAULT_MAX_LIFETIME_SECS: i64 = 24 * 3600;

/// Seconds of clock difference tolerated between the token's issuer and this server.
const LEEWAY_SECS: i64 = 30;

/// The one answer to a token that fails a check of its own (signature, time, `crit`):
/// the caller learns no more than that.
fn refused() -> AppError {
    AppError::Unauthorized("the bearer token is invalid or expired".into())
}

/// The time checks `jsonwebtoken` makes with [`LEEWAY_SECS`] (see `validation`), for a
/// remembered token: not expired, and not before its `nbf`.
fn in_time(claims: &Claims, now: i64) -> bool {
    claims.exp >= now - LEEWAY_SECS && claims.nbf.is_none_or(|nbf| nbf <= now + LEEWAY_SECS)
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub sub: String,
    pub org: String,
    pub roles: Vec<Role>,
}

impl Caller {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        roles.iter().any(|r| self.has(*r))
    }

    /// 403 unless the caller holds one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), AppError> {
        if self.has_any(roles) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "this operation needs one of the roles: {}",
                roles
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    }

    /// Admins and recruiters run the organisation's recruitment: they see everything in it.
    pub fn is_staff(&self) -> bool {
        self.has_any(&[Role::Admin, Role::Recruiter, Role::Viewer])
    }
}

/// Keys and rules for verifying (and, with a shared secret, minting) tokens.
pub struct JwtKeys {
    decoding: DecodingKey,
    validation: Validation,
    encoding: Option<EncodingKey>,
    algorithm: Algorithm,
    max_lifetime_secs: i64,
    /// Signature verifications made, for the tests that check a request costs one.
    verifications: AtomicU64,
    /// Tokens these keys accepted, and their claims: see [`JwtKeys::verify`].
    accepted: Mutex<HashMap<String, Claims>>,
}

/// How many accepted tokens [`JwtKeys`] remembers before it starts afresh. A portal or a
/// dashboard reuses one token for its whole life, so a few thousand cover every
/// client of a process; the bound keeps a flood of distinct valid tokens from
/// growing the map.
const ACCEPTED_TOKENS_KEPT: usize = 4096;

impl JwtKeys {
    pub fn hs256(secret: &[u8], issuer: Option<&str>, audience: Option<&str>) -> JwtKeys {
        JwtKeys {
            decoding: DecodingKey::from_secret(secret),
            validation: validation(Algorithm::HS256, issuer, audience),
            encoding: Some(EncodingKey::from_secret(secret)),
            algorithm: Algorithm::HS256,
            max_lifetime_secs: DEFAULT_MAX_LIFETIME_SECS,
            verifications: AtomicU64::new(0),
            accepted: Mutex::new(HashMap::new()),
        }
    }

    /// The longest lifetime a token may have, here and when minting; at least 1 s.
    pub fn with_max_lifetime(mut self, secs: i64) -> JwtKeys {
        self.max_lifetime_secs = secs.max(1);
        self
    }

    pub fn max_lifetime_secs(&self) -> i64 {
        self.max_lifetime_secs
    }

    /// How many tokens these keys have verified (signature checked) so far.
    pub fn verifications(&self) -> u64 {
        self.verifications.load(Ordering::Relaxed)
    }

    /// A PEM public key; the algorithm comes from `algorithm` or the key type.
    pub fn public_key(
        pem: &[u8],
        algorithm: Option<&str>,
        issuer: Option<&str>,
        audience: Option<&str>,
    ) -> Result<JwtKeys, String> {
        let text = String::from_utf8_lossy(pem);
        let algorithm = match algorithm {
            Some(name) => name
                .parse::<Algorithm>()
                .map_err(|_| format!("unknown JWT algorithm {name:?}"))?,
            None if text.contains("BEGIN RSA PUBLIC KEY") => Algorithm::RS256,
            None => infer_algorithm(pem)?,
        };
        let decoding = match algorithm {
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => DecodingKey::from_rsa_pem(pem),
            Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(pem),
            Algorithm::EdDSA => DecodingKey::from_ed_pem(pem),
            _ => return Err("a public key needs an RS*, PS*, ES* or EdDSA algorithm".into()),
        }
        .map_err(|e| format!("cannot read the JWT public key: {e}"))?;
        Ok(JwtKeys {
            decoding,
            validation: validation(algorithm, issuer, audience),
            encoding: None,
            algorithm,
            max_lifetime_secs: DEFAULT_MAX_LIFETIME_SECS,
            verifications: AtomicU64::new(0),
            accepted: Mutex::new(HashMap::new()),
        })
    }

    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Checks the signature, the algorithm, the time claims (with at most
    /// [`max_lifetime_secs`](Self::max_lifetime_secs) between issue and expiry), the
    /// issuer and audience when configured, and that no critical header extension is
    /// asked for. Prefer [`verified_claims`] in request handling: it verifies once per
    /// request.
    ///
    /// A token accepted once is remembered with its claims, and on its next use only
    /// the checks that depend on the time (`exp`, `nbf`) are made again: everything
    /// else about a given token string (signature, algorithm, issuer, audience,
    /// lifetime, claims present) cannot change. The signature check was a tenth of the
    /// server's CPU on a by-id read (BENCHMARKS.md, scenario 4 profile). Refusals are
    /// not remembered, so a flood of bad tokens costs its verifications, not memory.
    pub fn verify(&self, token: &str) -> Result<Claims, AppError> {
        let now = chrono::Utc::now().timestamp();
        if let Some(claims) = self.remembered(token) {
            if in_time(&claims, now) {
                return Ok(claims);
            }
            return Err(refused());
        }
        let claims = self.verify_signed(token)?;
        let mut accepted = self.accepted.lock().unwrap_or_else(|p| p.into_inner());
        if accepted.len() >= ACCEPTED_TOKENS_KEPT {
            accepted.clear();
        }
        accepted.insert(token.to_string(), claims.clone());
        Ok(claims)
    }

    fn remembered(&self, token: &str) -> Option<Claims> {
        let accepted = self.accepted.lock().unwrap_or_else(|p| p.into_inner());
        accepted.get(token).cloned()
    }

    /// [`JwtKeys::verify`] without the memory: every check, signature included.
    fn verify_signed(&self, token: &str) -> Result<Claims, AppError> {
        self.verifications.fetch_add(1, Ordering::Relaxed);
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                tracing::debug!(error = %e, "token refused");
                refused()
            })?;
        // RFC 7515 §4.1.11: extensions listed in `crit` must be understood and processed,
        // else the token is invalid. Shortlist understands none (and an empty list is
        // itself malformed).
        if let Some(critical) = &data.header.crit {
            tracing::debug!(?critical, "token refused: critical header extensions");
            return Err(refused());
        }
        let claims = data.claims;
        let now = chrono::Utc::now().timestamp();
        let max = self.max_lifetime_secs;
        let too_long = claims
            .iat
            .is_some_and(|iat| claims.exp.saturating_sub(iat) > max)
            || claims.exp.saturating_sub(now) > max.saturating_add(LEEWAY_SECS);
        if too_long {
            tracing::debug!(
                exp = claims.exp,
                iat = claims.iat,
                max,
                "token refused: lives too long"
            );
            return Err(AppError::Unauthorized(format!(
                "the bearer token lives longer than the maximum of {max} s"
            )));
        }
        if claims.sub.trim().is_empty() || claims.org.trim().is_empty() || claims.roles.is_empty() {
            return Err(AppError::Unauthorized(
                "the bearer token must carry sub, org and at least one role".into(),
            ));
        }
        Ok(claims)
    }

    /// Mints a token; only possible with a shared secret.
    pub fn mint(
        &self,
        sub: &str,
        org: &str,
        roles: &[Role],
        ttl_secs: i64,
        issuer: Option<&str>,
        audience: Option<&str>,
    ) -> Result<String, String> {
        let key = self
            .encoding
            .as_ref()
            .ok_or("tokens can be minted only with a shared secret (SHORTLIST_JWT_SECRET)")?;
        if ttl_secs > self.max_lifetime_secs {
            return Err(format!(
                "a token lifetime of {ttl_secs} s is over the maximum of {} s; choose a \
                 shorter --ttl-secs or raise SHORTLIST_JWT_MAX_LIFETIME_SECS",
                self.max_lifetime_secs
            ));
        }
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_string(),
            org: org.to_string(),
            roles: roles.to_vec(),
            exp: now + ttl_secs,
            iat: Some(now),
            nbf: None,
            iss: issuer.map(str::to_string),
            aud: audience.map(|a| Audience::One(a.to_string())),
        };
        jsonwebtoken::encode(&Header::new(self.algorithm), &claims, key).map_err(|e| e.to_string())
    }
}

fn infer_algorithm(pem: &[u8]) -> Result<Algorithm, String> {
    // SPKI keys carry their type only in the DER algorithm identifier, which the PEM
    // readers check: exactly one family accepts a given key.
    if DecodingKey::from_ed_pem(pem).is_ok() {
        return Ok(Algorithm::EdDSA);
    }
    if DecodingKey::from_ec_pem(pem).is_ok() {
        return Ok(Algorithm::ES256);
    }
    if DecodingKey::from_rsa_pem(pem).is_ok() {
        return Ok(Algorithm::RS256);
    }
    Err("cannot tell the key type of SHORTLIST_JWT_PUBLIC_KEY: set SHORTLIST_JWT_ALGORITHM".into())
}

fn validation(algorithm: Algorithm, issuer: Option<&str>, audience: Option<&str>) -> Validation {
    // Validation::new lists exactly one algorithm, so a token signed with any other
    // (including `none`) is refused.
    let mut v = Validation::new(algorithm);
    v.leeway = LEEWAY_SECS as u64;
    v.validate_nbf = true;
    v.set_required_spec_claims(&["exp", "sub"]);
    match issuer {
        Some(iss) => {
            v.set_issuer(&[iss]);
            v.required_spec_claims.insert("iss".into());
        }
        None => v.iss = None,
    }
    match audience {
        Some(aud) => {
            v.set_audience(&[aud]);
            v.required_spec_claims.insert("aud".into());
        }
        None => v.validate_aud = false,
    }
    v
}

/// Builds the verifier from the configuration. With no key configured (development
/// only) a random secret is made once and kept in the data directory, mode 0600.
pub fn keys_from_settings(settings: &Settings) -> Result<(JwtKeys, bool), String> {
    let (keys, dev_mode) = configured_keys(settings)?;
    Ok((
        keys.with_max_lifetime(settings.jwt_max_lifetime_secs),
        dev_mode,
    ))
}

fn configured_keys(settings: &Settings) -> Result<(JwtKeys, bool), String> {
    let issuer = settings.jwt_issuer.as_deref();
    let audience = settings.jwt_audience.as_deref();
    if let Some(path) = &settings.jwt_public_key {
        let pem =
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let keys = JwtKeys::public_key(&pem, settings.jwt_algorithm.as_deref(), issuer, audience)?;
        return Ok((keys, false));
    }
    if let Some(secret) = &settings.jwt_secret {
        if secret.len() < 32 {
            return Err("SHORTLIST_JWT_SECRET must be at least 32 characters".into());
        }
        return Ok((JwtKeys::hs256(secret.as_bytes(), issuer, audience), false));
    }
    let secret = dev_secret(&settings.data_dir())?;
    Ok((JwtKeys::hs256(secret.as_bytes(), issuer, audience), true))
}

pub const DEV_SECRET_FILE: &str = "dev-jwt-secret";

fn dev_secret(dir: &Path) -> Result<String, String> {
    let path = dir.join(DEV_SECRET_FILE);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_string();
        if existing.len() >= 32 {
            return Ok(existing);
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    use rand::Rng;
    let bytes: [u8; 32] = rand::rng().random();
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    write_private(&path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(secret)
}

fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(content.as_bytes())
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Ready<Result<Caller, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(authenticate(req))
    }
}

fn authenticate(req: &HttpRequest) -> Result<Caller, AppError> {
    let claims = verified_claims(req)?;
    Ok(Caller {
        sub: claims.sub,
        org: claims.org,
        roles: claims.roles,
    })
}

/// The outcome of verifying a request's bearer token, kept in the request's
/// extensions so that every layer asking (the rate limiter, the [`Caller`] extractor)
/// shares one verification. A refusal is kept as its message.
#[derive(Clone)]
struct VerifiedToken(Result<Claims, String>);

/// The claims of the request's verified bearer token, with the keys in the app data.
/// The token is verified at most once per request: later calls (from middleware or
/// extractors) reuse the outcome, refusals included.
pub fn verified_claims(req: &HttpRequest) -> Result<Claims, AppError> {
    if let Some(VerifiedToken(outcome)) = req.extensions().get::<VerifiedToken>() {
        return outcome.clone().map_err(AppError::Unauthorized);
    }
    let keys = req
        .app_data::<web::Data<JwtKeys>>()
        .ok_or_else(|| AppError::Internal("JWT keys are not configured".into()))?;
    verified_claims_with(req, keys)
}

/// [`verified_claims`] with the keys given, for middleware that holds them.
pub fn verified_claims_with(req: &HttpRequest, keys: &JwtKeys) -> Result<Claims, AppError> {
    if let Some(VerifiedToken(outcome)) = req.extensions().get::<VerifiedToken>() {
        return outcome.clone().map_err(AppError::Unauthorized);
    }
    let outcome = bearer_token(req).and_then(|token| keys.verify(token));
    let kept = match &outcome {
        Ok(claims) => Ok(claims.clone()),
        Err(AppError::Unauthorized(message)) => Err(message.clone()),
        // Not a verdict on the token: decide again if asked again.
        Err(_) => return outcome,
    };
    req.extensions_mut().insert(VerifiedToken(kept));
    outcome
}

/// The token of an `Authorization: Bearer <token>` header.
fn bearer_token(req: &HttpRequest) -> Result<&str, AppError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| AppError::Unauthorized("an Authorization: Bearer token is required".into()))?
        .to_str()
        .map_err(|_| AppError::Unauthorized("the Authorization header is malformed".into()))?;
    value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::Unauthorized("the Authorization header must be `Bearer <token>`".into())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn minted_tokens_verify() {
        let keys = JwtKeys::hs256(SECRET, None, None);
        let token = keys
            .mint("alice", "acme", &[Role::Recruiter], 60, None, None)
            .unwrap();
        let claims = keys.verify(&token).unwrap();
        assert_eq!(claims.sub, "alice");
        assert_eq!(claims.org, "acme");
        assert_eq!(claims.roles, vec![Role::Recruiter]);
    }

    #[test]
    fn expired_and_foreign_tokens_are_refused() {
        let keys = JwtKeys::hs256(SECRET, None, None);
        let expired = keys
            .mint("alice", "acme", &[Role::Admin], -3600, None, None)
            .unwrap();
        assert!(keys.verify(&expired).is_err());
        let other = JwtKeys::hs256(b"another-secret-another-secret-xx", None, None);
        let forged = other
            .mint("alice", "acme", &[Role::Admin], 60, None, None)
            .unwrap();
        assert!(keys.verify(&forged).is_err());
    }

    #[test]
    fn issuer_and_audience_are_checked_when_configured() {
        let keys = JwtKeys::hs256(SECRET, Some("idp"), Some("shortlist"));
        let good = keys
            .mint(
                "a",
                "o",
                &[Role::Viewer],
                60,
                Some("idp"),
                Some("shortlist"),
            )
            .unwrap();
        assert!(keys.verify(&good).is_ok());
        let wrong_iss = keys
            .mint(
                "a",
                "o",
                &[Role::Viewer],
                60,
                Some("evil"),
                Some("shortlist"),
            )
            .unwrap();
        assert!(keys.verify(&wrong_iss).is_err());
        let no_aud = keys
            .mint("a", "o", &[Role::Viewer], 60, Some("idp"), None)
            .unwrap();
        assert!(keys.verify(&no_aud).is_err());
    }

    #[test]
    fn tokens_without_roles_are_refused() {
        let keys = JwtKeys::hs256(SECRET, None, None);
        let token = keys.mint("a", "o", &[], 60, None, None).unwrap();
        assert!(keys.verify(&token).is_err());
    }

    fn signed(header: Header, claims: serde_json::Value) -> String {
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(SECRET)).unwrap()
    }

    fn claims_expiring_in(secs: i64) -> serde_json::Value {
        serde_json::json!({
            "sub": "a", "org": "o", "roles": ["viewer"],
            "exp": chrono::Utc::now().timestamp() + secs,
        })
    }

    #[test]
    fn critical_header_extensions_are_refused() {
        let keys = JwtKeys::hs256(SECRET, None, None);
        let mut header = Header::new(Algorithm::HS256);
        assert!(keys
            .verify(&signed(header.clone(), claims_expiring_in(60)))
            .is_ok());
        header.crit = Some(vec!["exp".into()]);
        assert!(keys
            .verify(&signed(header, claims_expiring_in(60)))
            .is_err());
    }

    #[test]
    fn lifetimes_over_the_maximum_are_refused() {
        let keys = JwtKeys::hs256(SECRET, None, None).with_max_lifetime(3600);
        let now = chrono::Utc::now().timestamp();
        let header = || Header::new(Algorithm::HS256);
        let mut c = claims_expiring_in(3600);
        c["iat"] = now.into();
        assert!(keys.verify(&signed(header(), c.clone())).is_ok());
        c["exp"] = (now + 3601).into();
        assert!(keys.verify(&signed(header(), c.clone())).is_err());
        // Without `iat`, what is left of it counts, with the clock leeway.
        assert!(keys
            .verify(&signed(header(), claims_expiring_in(3600 + LEEWAY_SECS)))
            .is_ok());
        assert!(keys
            .verify(&signed(header(), claims_expiring_in(3601 + LEEWAY_SECS)))
            .is_err());
        // Minting keeps to the same limit.
        assert!(keys
            .mint("a", "o", &[Role::Viewer], 3600, None, None)
            .is_ok());
        let error = keys
            .mint("a", "o", &[Role::Viewer], 3601, None, None)
            .unwrap_err();
        assert!(error.contains("3600"), "{error}");
        assert_eq!(
            JwtKeys::hs256(SECRET, None, None).max_lifetime_secs(),
            DEFAULT_MAX_LIFETIME_SECS
        );
    }

    #[test]
    fn an_audience_list_must_name_the_configured_audience() {
        let keys = JwtKeys::hs256(SECRET, None, Some("shortlist"));
        let with_aud = |aud: serde_json::Value| {
            let mut c = claims_expiring_in(60);
            c["aud"] = aud;
            signed(Header::new(Algorithm::HS256), c)
        };
        let claims = keys
            .verify(&with_aud(serde_json::json!(["hr", "shortlist"])))
            .unwrap();
        assert!(claims.aud.unwrap().contains("shortlist"));
        assert!(keys
            .verify(&with_aud(serde_json::json!("shortlist")))
            .is_ok());
        assert!(keys.verify(&with_aud(serde_json::json!(["hr"]))).is_err());
        assert!(keys.verify(&with_aud(serde_json::json!([]))).is_err());
        // With no audience configured, either form is accepted.
        let open = JwtKeys::hs256(SECRET, None, None);
        assert!(open.verify(&with_aud(serde_json::json!(["hr"]))).is_ok());
    }

    #[test]
    fn an_accepted_token_is_remembered_by_its_keys_only() {
        let keys = JwtKeys::hs256(SECRET, None, None);
        let token = signed(Header::new(Algorithm::HS256), claims_expiring_in(60));
        assert_eq!(keys.verify(&token).unwrap().sub, "a");
        assert_eq!(keys.verify(&token).unwrap().sub, "a");
        assert_eq!(keys.verifications(), 1, "the second use is remembered");
        // Other keys (another secret) verify it themselves, and refuse it.
        let other = JwtKeys::hs256(b"another-secret-of-32-bytes-long!", None, None);
        assert!(other.verify(&token).is_err());
        // A token that differs in one character is a new token: checked in full.
        let mut forged = token.clone();
        let last = forged.pop().unwrap();
        forged.push(if last == 'A' { 'B' } else { 'A' });
        assert!(keys.verify(&forged).is_err());
        assert_eq!(keys.verifications(), 2);
        // Refusals are not remembered: each costs a verification.
        assert!(keys.verify(&forged).is_err());
        assert_eq!(keys.verifications(), 3);
    }

    #[test]
    fn a_remembered_token_still_expires() {
        let now = 1_000_000;
        let claims = |exp: i64, nbf: Option<i64>| Claims {
            sub: "a".into(),
            org: "o".into(),
            roles: vec![Role::Viewer],
            exp,
            iat: None,
            nbf,
            iss: None,
            aud: None,
        };
        // The same leeway as the first verification (jsonwebtoken's `exp < now - leeway`).
        assert!(in_time(&claims(now - LEEWAY_SECS, None), now));
        assert!(!in_time(&claims(now - LEEWAY_SECS - 1, None), now));
        assert!(in_time(&claims(now + 60, Some(now + LEEWAY_SECS)), now));
        assert!(!in_time(
            &claims(now + 60, Some(now + LEEWAY_SECS + 1)),
            now
        ));
        // Through `verify`: a token accepted while in time is refused once it expires.
        let keys = JwtKeys::hs256(SECRET, None, None);
        let token = signed(
            Header::new(Algorithm::HS256),
            claims_expiring_in(-LEEWAY_SECS + 1),
        );
        assert!(keys.verify(&token).is_ok());
        std::thread::sleep(std::time::Duration::from_millis(2100));
        assert!(keys.verify(&token).is_err(), "expired while remembered");
        assert_eq!(keys.verifications(), 1, "refused from memory, by the clock");
    }

    #[test]
    fn a_request_verifies_its_token_once() {
        let keys = web::Data::new(JwtKeys::hs256(SECRET, None, None));
        let token = keys
            .mint("alice", "acme", &[Role::Recruiter], 60, None, None)
            .unwrap();
        let req = actix_web::test::TestRequest::default()
            .app_data(keys.clone())
            .insert_header((header::AUTHORIZATION, format!("Bearer {token}")))
            .to_http_request();
        assert_eq!(verified_claims(&req).unwrap().sub, "alice");
        assert_eq!(verified_claims_with(&req, &keys).unwrap().sub, "alice");
        assert_eq!(authenticate(&req).unwrap().org, "acme");
        assert_eq!(keys.verifications(), 1);
        // A refusal is remembered too.
        let bad = actix_web::test::TestRequest::default()
            .app_data(keys.clone())
            .insert_header((header::AUTHORIZATION, "Bearer not.a.token"))
            .to_http_request();
        assert!(verified_claims(&bad).is_err());
        assert!(authenticate(&bad).is_err());
        assert_eq!(keys.verifications(), 2);
    }

    #[test]
    fn roles_round_trip_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
