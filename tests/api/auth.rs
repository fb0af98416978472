use crate::both_backends;
use crate::helpers::{TestApp, ORG, OTHER_ORG};
use actix_web::test::TestRequest;
use serde_json::json;
use shortlist::auth::{JwtKeys, Role};

both_backends! {
    async fn missing_malformed_expired_and_forged_tokens_are_401(app: TestApp) {
        app.call(TestRequest::get().uri("/api/v1/vacancies")).await.expect_problem(401);
        app.call(TestRequest::get().uri("/api/v1/vacancies").insert_header(("Authorization", "Basic abc")))
            .await
            .expect_problem(401);
        app.get("/api/v1/vacancies", "not.a.jwt").await.expect_problem(401);
        let keys = JwtKeys::hs256(crate::helpers::SECRET, None, None);
        let expired = keys.mint("alice", ORG, &[Role::Admin], -3600, None, None).unwrap();
        app.get("/api/v1/vacancies", &expired).await.expect_problem(401);
        let forged = JwtKeys::hs256(b"some-other-secret-some-other-secret!", None, None)
            .mint("alice", ORG, &[Role::Admin], 600, None, None)
            .unwrap();
        let resp = app.get("/api/v1/vacancies", &forged).await.expect_problem(401);
        assert_eq!(resp.header("www-authenticate").as_deref(), Some("Bearer"));
    }

    async fn alg_none_and_unknown_roles_are_refused(app: TestApp) {
        use base64::Engine;
        let b64 = |v: serde_json::Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string());
        let claims = json!({"sub": "eve", "org": ORG, "roles": ["admin"], "exp": 4_000_000_000u64});
        let unsigned = format!("{}.{}.", b64(json!({"alg": "none", "typ": "JWT"})), b64(claims));
        app.get("/api/v1/vacancies", &unsigned).await.expect_problem(401);

        // A correctly signed token naming a role this service does not know.
        let signed = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &json!({"sub": "eve", "org": ORG, "roles": ["superuser"], "exp": 4_000_000_000u64}),
            &jsonwebtoken::EncodingKey::from_secret(crate::helpers::SECRET),
        ).unwrap();
        app.get("/api/v1/vacancies", &signed).await.expect_problem(401);

        let no_org = jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &json!({"sub": "eve", "roles": ["admin"], "exp": 4_000_000_000u64}),
            &jsonwebtoken::EncodingKey::from_secret(crate::helpers::SECRET),
        ).unwrap();
        app.get("/api/v1/vacancies", &no_org).await.expect_problem(401);
    }

    async fn wrong_role_is_403(app: TestApp) {
        for role in [Role::Viewer, Role::Panel, Role::Portal] {
            app.post("/api/v1/vacancies", &app.token(role), json!({"reference": "R1", "title": "T"}))
                .await
                .expect_problem(403);
        }
        app.post("/api/v1/vacancies", &app.token(Role::Admin), json!({"reference": "R1", "title": "T"}))
            .await
            .expect(201);
    }

    async fn another_orgs_vacancy_is_404_for_every_operation(app: TestApp) {
        let vacancy = app.create_vacancy(json!({})).await;
        let id = vacancy["id"].as_str().unwrap();
        let outsider = app.token_for("mallory", OTHER_ORG, &[Role::Admin]);
        app.get(&format!("/api/v1/vacancies/{id}"), &outsider).await.expect_problem(404);
        app.patch(&format!("/api/v1/vacancies/{id}"), &outsider, json!({"title": "Hijacked"}))
            .await
            .expect_problem(404);
        app.post(&format!("/api/v1/vacancies/{id}/transitions"), &outsider, json!({"to": "cancelled", "reason": "x"}))
            .await
            .expect_problem(404);
        app.get(&format!("/api/v1/vacancies/{id}/criteria"), &outsider).await.expect_problem(404);
        app.put(&format!("/api/v1/vacancies/{id}/criteria"), &outsider, crate::helpers::sample_spec())
            .await
            .expect_problem(404);
        let list = app.get("/api/v1/vacancies", &outsider).await.expect(200);
        assert_eq!(list.body["items"], json!([]));
        // And nothing changed for the owner.
        let own = app.get(&format!("/api/v1/vacancies/{id}"), &app.recruiter()).await.expect(200);
        assert_eq!(own.body["title"], vacancy["title"]);
        assert_eq!(own.body["version"], 1);
    }

    async fn portal_sees_only_open_vacancies_and_their_specs(app: TestApp) {
        let draft = app.create_vacancy(json!({"reference": "D1"})).await;
        let (open_id, _) = app.open_vacancy().await;
        let portal = app.token(Role::Portal);
        let list = app.get("/api/v1/vacancies", &portal).await.expect(200);
        let ids: Vec<_> = list.body["items"].as_array().unwrap().iter().map(|v| v["id"].clone()).collect();
        assert_eq!(ids, vec![json!(open_id)]);
        app.get(&format!("/api/v1/vacancies/{}", draft["id"].as_str().unwrap()), &portal)
            .await
            .expect_problem(404);
        let spec = app.get(&format!("/api/v1/vacancies/{open_id}/criteria"), &portal).await.expect(200);
        assert_eq!(spec.body.as_array().unwrap().len(), 4);
    }
}

/// Signs `claims` with the test secret under `header`.
fn signed_with(header: jsonwebtoken::Header, claims: serde_json::Value) -> String {
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(crate::helpers::SECRET),
    )
    .unwrap()
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

both_backends! {
    async fn tokens_with_critical_header_extensions_are_refused(app: TestApp) {
        let claims = json!({"sub": "alice", "org": ORG, "roles": ["admin"], "exp": now() + 600});
        let plain = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        app.get("/api/v1/vacancies", &signed_with(plain.clone(), claims.clone())).await.expect(200);
        // RFC 7515 §4.1.11: a recipient that does not understand a listed extension
        // must refuse the token. Shortlist understands none.
        let mut critical = plain.clone();
        critical.crit = Some(vec!["https://idp.example/binding".into()]);
        critical.extras.insert("https://idp.example/binding", "mtls");
        let resp = app.get("/api/v1/vacancies", &signed_with(critical, claims.clone())).await.expect_problem(401);
        assert_eq!(resp.header("www-authenticate").as_deref(), Some("Bearer"));
        // An empty list is malformed (it "MUST NOT" be empty) and refused too.
        let mut empty = plain;
        empty.crit = Some(Vec::new());
        app.get("/api/v1/vacancies", &signed_with(empty, claims)).await.expect_problem(401);
    }

    async fn tokens_living_longer_than_the_maximum_are_refused(app: TestApp) {
        let header = || jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
        let claims = |iat: Option<i64>, exp: i64| {
            let mut c = json!({"sub": "alice", "org": ORG, "roles": ["admin"], "exp": exp});
            if let Some(iat) = iat {
                c["iat"] = json!(iat);
            }
            c
        };
        let t = now();
        let day = 24 * 3600;
        // Within the default maximum of 24 h: accepted, with or without `iat`.
        app.get("/api/v1/vacancies", &signed_with(header(), claims(Some(t), t + day))).await.expect(200);
        app.get("/api/v1/vacancies", &signed_with(header(), claims(None, t + day - 60))).await.expect(200);
        // exp - iat over the maximum, though the token is otherwise perfectly valid.
        app.get("/api/v1/vacancies", &signed_with(header(), claims(Some(t), t + day + 60))).await.expect_problem(401);
        // An `iat` long ago cannot stretch the lifetime either.
        app.get("/api/v1/vacancies", &signed_with(header(), claims(Some(t - 30 * day), t + 600))).await.expect_problem(401);
        // No `iat`: exp - now is what counts.
        app.get("/api/v1/vacancies", &signed_with(header(), claims(None, t + 2 * day))).await.expect_problem(401);
        app.get("/api/v1/vacancies", &signed_with(header(), claims(None, 4_000_000_000))).await.expect_problem(401);
        // An `iat` in the future does not buy a longer life from now.
        app.get("/api/v1/vacancies", &signed_with(header(), claims(Some(t + day), t + 2 * day))).await.expect_problem(401);
    }
}

#[actix_rt::test]
async fn an_audience_array_is_accepted_when_it_names_this_service() {
    let keys = JwtKeys::hs256(
        crate::helpers::SECRET,
        Some("https://idp.example.gov.uk"),
        Some("shortlist"),
    );
    let app = TestApp::sqlite_with(keys, None).await;
    let header = || jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    let claims = |aud: serde_json::Value| {
        json!({"sub": "alice", "org": ORG, "roles": ["recruiter"], "exp": now() + 600,
               "iss": "https://idp.example.gov.uk", "aud": aud})
    };
    for aud in [
        json!("shortlist"),
        json!(["shortlist"]),
        json!(["payroll", "shortlist"]),
    ] {
        app.get(
            "/api/v1/vacancies",
            &signed_with(header(), claims(aud.clone())),
        )
        .await
        .expect(200);
    }
    for aud in [
        json!("payroll"),
        json!(["payroll"]),
        json!(["payroll", "hr"]),
        json!([]),
        json!(42),
    ] {
        let resp = app
            .get(
                "/api/v1/vacancies",
                &signed_with(header(), claims(aud.clone())),
            )
            .await;
        assert_eq!(resp.status, 401, "aud {aud}: {}", resp.text);
    }
}

#[actix_rt::test]
async fn one_request_verifies_its_token_once() {
    let mut keys = None;
    let app = TestApp::sqlite_configured(|state| keys = Some(state.keys.clone())).await;
    let keys = keys.unwrap();
    let token = app.recruiter();
    let before = keys.verifications();
    app.get("/api/v1/vacancies", &token).await.expect(200);
    assert_eq!(keys.verifications() - before, 1);
    // The next request with the same token is let in from memory (only its time
    // claims are checked again); a tampered copy is verified, and refused.
    app.get("/api/v1/vacancies", &token).await.expect(200);
    assert_eq!(keys.verifications() - before, 1);
    let tampered = format!("{}x", token);
    app.get("/api/v1/vacancies", &tampered).await.expect(401);
    assert_eq!(keys.verifications() - before, 2);
}

#[test]
fn minting_refuses_a_lifetime_over_the_maximum() {
    let keys = JwtKeys::hs256(crate::helpers::SECRET, None, None);
    assert!(keys
        .mint("a", ORG, &[Role::Admin], 24 * 3600, None, None)
        .is_ok());
    let error = keys
        .mint("a", ORG, &[Role::Admin], 24 * 3600 + 1, None, None)
        .unwrap_err();
    assert!(error.contains("SHORTLIST_JWT_MAX_LIFETIME_SECS"), "{error}");
    let short = JwtKeys::hs256(crate::helpers::SECRET, None, None).with_max_lifetime(600);
    assert!(short
        .mint("a", ORG, &[Role::Admin], 601, None, None)
        .is_err());
    let token = short
        .mint("a", ORG, &[Role::Admin], 600, None, None)
        .unwrap();
    assert!(short.verify(&token).is_ok());
    // A verifier with a shorter maximum refuses what the default one accepts.
    let long = keys
        .mint("a", ORG, &[Role::Admin], 3600, None, None)
        .unwrap();
    assert!(keys.verify(&long).is_ok());
    assert!(short.verify(&long).is_err());
}

#[actix_rt::test]
async fn a_rate_limited_request_verifies_its_token_once() {
    let mut keys = None;
    let app = TestApp::sqlite_configured(|state| {
        keys = Some(state.keys.clone());
        state.rate_limit = Some(std::sync::Arc::new(
            shortlist::rate_limit::RateLimiter::new(100),
        ));
    })
    .await;
    let keys = keys.unwrap();
    let token = app.recruiter();
    let before = keys.verifications();
    app.get("/api/v1/vacancies", &token).await.expect(200);
    assert_eq!(
        keys.verifications() - before,
        1,
        "the limiter and the extractor share one verification"
    );
}

mod public_keys {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    use serde_json::json;
    use shortlist::auth::JwtKeys;

    fn key(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/keys/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn claims() -> serde_json::Value {
        json!({"sub": "idp-user", "org": "acme", "roles": ["recruiter"], "exp": chrono::Utc::now().timestamp() + 600})
    }

    fn signed(alg: Algorithm, private: &EncodingKey) -> String {
        jsonwebtoken::encode(&Header::new(alg), &claims(), private).unwrap()
    }

    #[test]
    fn rs256_es256_and_eddsa_keys_verify_their_own_tokens_only() {
        let rsa = EncodingKey::from_rsa_pem(&key("rsa_private.pem")).unwrap();
        let ec = EncodingKey::from_ec_pem(&key("ec_private.pem")).unwrap();
        let ed = EncodingKey::from_ed_pem(&key("ed25519_private.pem")).unwrap();
        let cases = [
            (
                "rsa_public.pem",
                Algorithm::RS256,
                signed(Algorithm::RS256, &rsa),
            ),
            (
                "ec_public.pem",
                Algorithm::ES256,
                signed(Algorithm::ES256, &ec),
            ),
            (
                "ed25519_public.pem",
                Algorithm::EdDSA,
                signed(Algorithm::EdDSA, &ed),
            ),
        ];
        for (public, alg, token) in &cases {
            let keys = JwtKeys::public_key(&key(public), None, None, None).unwrap();
            assert_eq!(
                keys.algorithm(),
                *alg,
                "{public}: algorithm inferred from the key"
            );
            let claims = keys
                .verify(token)
                .unwrap_or_else(|e| panic!("{public}: {e}"));
            assert_eq!(claims.sub, "idp-user");
            // Tokens made with any other key or algorithm are refused.
            for (other_public, _, other_token) in &cases {
                if other_public != public {
                    assert!(
                        keys.verify(other_token).is_err(),
                        "{public} accepted a token for {other_public}"
                    );
                }
            }
            // The classic confusion attack: HS256 signed with the public key as secret.
            let confused = signed(Algorithm::HS256, &EncodingKey::from_secret(&key(public)));
            assert!(keys.verify(&confused).is_err(), "{public} accepted HS256");
        }
    }

    #[test]
    fn a_public_key_cannot_mint_tokens() {
        let keys = JwtKeys::public_key(&key("ec_public.pem"), None, None, None).unwrap();
        assert!(keys
            .mint("a", "b", &[shortlist::auth::Role::Admin], 60, None, None)
            .is_err());
    }

    #[test]
    fn an_explicit_algorithm_must_fit_the_key() {
        assert!(JwtKeys::public_key(&key("rsa_public.pem"), Some("RS512"), None, None).is_ok());
        assert!(JwtKeys::public_key(&key("rsa_public.pem"), Some("ES256"), None, None).is_err());
        assert!(JwtKeys::public_key(b"not a key", None, None, None).is_err());
    }
}
