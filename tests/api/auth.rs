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
        json!({"sub": "idp-user", "org": "acme", "roles": ["recruiter"], "exp": 4_000_000_000u64})
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
