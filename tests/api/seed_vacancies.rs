//! Vacancies transcribed from the real person specifications in `tests/fixtures/`.

use crate::both_backends;
use crate::helpers::TestApp;
use serde_json::Value;

pub fn fixture(name: &str) -> Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        .unwrap()
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The transcription is the document's own words, not a paraphrase.
#[test]
fn fixtures_quote_their_seed_documents() {
    for (fixture_name, seed) in [
        ("social_worker_level4.json", "001_d864ea12738d2d80.txt"),
        (
            "alternatively_qualified_worker.json",
            "000_f3ecf04fbcb1fea5.txt",
        ),
    ] {
        let seed_text = std::fs::read_to_string(format!(
            "{}/tests/fixtures/seeds/{seed}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let seed_text = collapse(&seed_text);
        let criteria = fixture(fixture_name)["criteria"]
            .as_array()
            .unwrap()
            .clone();
        assert!(
            criteria.len() >= 20,
            "{fixture_name}: {} criteria",
            criteria.len()
        );
        for c in criteria {
            let d = collapse(c["description"].as_str().unwrap());
            assert!(
                seed_text.contains(&d),
                "{fixture_name}: {d:?} is not in {seed}"
            );
        }
    }
}

both_backends! {
    async fn social_worker_level4_round_trips(app: TestApp) {
        let fx = fixture("social_worker_level4.json");
        let t = app.recruiter();
        let created = app.post("/api/v1/vacancies", &t, fx["vacancy"].clone()).await.expect(201).body;
        for (key, value) in fx["vacancy"].as_object().unwrap() {
            let mut value = value.clone();
            if key == "scoring" && value.get("min_assessors").is_none() {
                value["min_assessors"] = serde_json::json!(1);
            }
            assert_eq!(created[key], value, "vacancy field {key}");
        }
        let id = created["id"].as_str().unwrap();
        let stored = app
            .put(&format!("/api/v1/vacancies/{id}/criteria"), &t, fx["criteria"].clone())
            .await
            .expect(200)
            .body;
        let sent = fx["criteria"].as_array().unwrap();
        let stored = stored.as_array().unwrap();
        assert_eq!(stored.len(), sent.len());
        for (i, (s, f)) in stored.iter().zip(sent).enumerate() {
            for (key, value) in f.as_object().unwrap() {
                assert_eq!(&s[key], value, "criterion {i} field {key}");
            }
            assert_eq!(s["position"], i);
        }
        app.post(&format!("/api/v1/vacancies/{id}/transitions"), &t, serde_json::json!({"to": "open"}))
            .await
            .expect(200);
        let read_back = app.get(&format!("/api/v1/vacancies/{id}/criteria"), &t).await.expect(200).body;
        assert_eq!(read_back.as_array().unwrap(), stored);
        let vacancy = app.get(&format!("/api/v1/vacancies/{id}"), &t).await.expect(200).body;
        assert_eq!(vacancy["status"], "open");
        assert_eq!(vacancy["driving_requirement"], fx["vacancy"]["driving_requirement"]);
        assert_eq!(vacancy["professional_registration"], "Social Work England");
    }
}
