//! `GET /metrics`: Prometheus text, labelled by route pattern, optionally behind a token.

use std::collections::BTreeMap;

use actix_web::test::TestRequest;
use serde_json::json;
use shortlist::auth::Role;

use crate::both_backends;
use crate::helpers::{bearer, TestApp};

/// Every sample of a scrape, by its series (`name{labels}`).
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let (series, value) = l.rsplit_once(' ').expect("a sample line");
            let value = value
                .parse()
                .unwrap_or_else(|_| panic!("not a number: {l}"));
            (series.to_string(), value)
        })
        .collect()
}

/// A counter's value, 0 while the series does not exist yet.
fn value(scrape: &BTreeMap<String, f64>, series: &str) -> f64 {
    scrape.get(series).copied().unwrap_or(0.0)
}

async fn scrape(app: &TestApp) -> (String, BTreeMap<String, f64>) {
    let resp = app
        .call(TestRequest::get().uri("/metrics"))
        .await
        .expect(200);
    assert!(
        resp.header("content-type")
            .is_some_and(|t| t.starts_with("text/plain; version=0.0.4")),
        "{:?}",
        resp.header("content-type")
    );
    let parsed = samples(&resp.text);
    (resp.text, parsed)
}

fn requests(method: &str, route: &str, status: u16) -> String {
    format!("http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}}")
}

const VACANCY: &str = "/api/v1/vacancies/{vacancy_id}";

both_backends! {
    async fn requests_are_counted_by_route_pattern_and_status(app: TestApp) {
        let vacancy = app.create_vacancy(json!({})).await;
        let id = vacancy["id"].as_str().unwrap();
        let (_, before) = scrape(&app).await;

        app.get(&format!("/api/v1/vacancies/{id}"), &app.recruiter()).await.expect(200);
        let missing = uuid::Uuid::new_v4().to_string();
        app.get(&format!("/api/v1/vacancies/{missing}"), &app.recruiter()).await.expect(404);
        app.get("/api/v1/vacancies/not-an-id-zz9", &app.recruiter()).await;
        app.call(TestRequest::get().uri(&format!("/api/v1/vacancies/{id}"))).await.expect(401);
        app.call(TestRequest::get().uri("/no/such/place-zz9")).await.expect(404);

        let (text, after) = scrape(&app).await;
        let delta = |series: &str| value(&after, series) - value(&before, series);
        assert_eq!(delta(&requests("GET", VACANCY, 200)), 1.0, "{text}");
        assert_eq!(delta(&requests("GET", VACANCY, 401)), 1.0, "{text}");
        assert!(delta(&requests("GET", VACANCY, 404)) >= 1.0, "{text}");
        assert_eq!(delta(&requests("GET", "unmatched", 404)), 1.0, "{text}");
        // The create and the first scrape were counted too.
        assert!(value(&after, &requests("POST", "/api/v1/vacancies", 201)) >= 1.0, "{text}");
        assert!(value(&after, &requests("GET", "/metrics", 200)) >= 1.0, "{text}");
        // Raw paths never become labels.
        for raw in [id, missing.as_str(), "not-an-id-zz9", "/no/such/place-zz9"] {
            assert!(!text.contains(raw), "{raw} leaked into the metrics:\n{text}");
        }
    }

    async fn histogram_buckets_are_cumulative_and_count_equals_the_counter(app: TestApp) {
        for _ in 0..3 {
            app.get("/api/v1/vacancies", &app.recruiter()).await.expect(200);
        }
        app.get("/api/v1/vacancies?limit=0", &app.recruiter()).await;
        let (text, scrape) = scrape(&app).await;
        let labels = "method=\"GET\",route=\"/api/v1/vacancies\"";
        let mut buckets: Vec<(f64, f64)> = scrape
            .iter()
            .filter_map(|(series, v)| {
                let le = series
                    .strip_prefix(&format!("http_request_duration_seconds_bucket{{{labels},le=\""))?
                    .strip_suffix("\"}")?;
                let le = if le == "+Inf" { f64::INFINITY } else { le.parse().unwrap() };
                Some((le, *v))
            })
            .collect();
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        let bounds: Vec<f64> = buckets.iter().map(|b| b.0).collect();
        assert_eq!(
            bounds,
            [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, f64::INFINITY],
            "{text}"
        );
        assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "not cumulative: {buckets:?}");
        let count = value(&scrape, &format!("http_request_duration_seconds_count{{{labels}}}"));
        let counted: f64 = scrape
            .iter()
            .filter(|(s, _)| s.starts_with(&format!("http_requests_total{{{labels},status=")))
            .map(|(_, v)| v)
            .sum();
        assert_eq!(count, 4.0, "{text}");
        assert_eq!(count, counted, "{text}");
        assert_eq!(buckets.last().unwrap().1, count, "{text}");
        let sum = value(&scrape, &format!("http_request_duration_seconds_sum{{{labels}}}"));
        assert!(sum > 0.0, "{text}");
    }

    async fn database_pool_gauges_are_plausible(app: TestApp) {
        app.get("/api/v1/vacancies", &app.recruiter()).await.expect(200);
        let (text, scrape) = scrape(&app).await;
        let max = scrape.get("db_pool_max_connections").copied().expect("max gauge");
        let in_use = scrape.get("db_pool_connections{state=\"in_use\"}").copied().expect("in_use gauge");
        let idle = scrape.get("db_pool_connections{state=\"idle\"}").copied().expect("idle gauge");
        // The test harness opens pools of 4; nothing holds a connection during a scrape.
        assert_eq!(max, 4.0, "{text}");
        assert_eq!(in_use, 0.0, "{text}");
        assert!((1.0..=max).contains(&idle), "{text}");
    }

    async fn shortlist_computations_are_counted_by_format(app: TestApp) {
        let (vacancy, _) = app.open_vacancy().await;
        app.apply(&vacancy, "Ada Lovelace", json!({"right_to_work": true})).await;
        let (_, before) = scrape(&app).await;
        let path = format!("/api/v1/vacancies/{vacancy}/shortlist");
        app.get(&path, &app.recruiter()).await.expect(200);
        app.call(
            TestRequest::get()
                .uri(&path)
                .insert_header(bearer(&app.recruiter()))
                .insert_header(("Accept", "text/csv")),
        )
        .await
        .expect(200);
        // Refused before computing: not counted.
        app.get(&path, &app.token(Role::Portal)).await.expect(403);
        let (text, after) = scrape(&app).await;
        let delta = |series: &str| value(&after, series) - value(&before, series);
        assert_eq!(delta("shortlist_computations_total{format=\"json\"}"), 1.0, "{text}");
        assert_eq!(delta("shortlist_computations_total{format=\"csv\"}"), 1.0, "{text}");
        assert_eq!(delta("shortlist_computation_seconds_count"), 2.0, "{text}");
        assert_eq!(
            delta(&requests("GET", "/api/v1/vacancies/{vacancy_id}/shortlist", 200)),
            2.0,
            "{text}"
        );
    }
}

#[actix_rt::test]
async fn a_configured_token_is_required() {
    let app = TestApp::sqlite_configured(|state| {
        state.metrics_token = Some("scrape-token-4f1c".into());
    })
    .await;
    let refused = app
        .call(TestRequest::get().uri("/metrics"))
        .await
        .expect_problem(401);
    assert!(refused.header("www-authenticate").is_some());
    assert!(refused.header("x-request-id").is_some());
    app.call(
        TestRequest::get()
            .uri("/metrics")
            .insert_header(bearer("scrape-token-4f1")),
    )
    .await
    .expect_problem(401);
    app.call(
        TestRequest::get()
            .uri("/metrics")
            .insert_header(bearer("scrape-token-4f1cX")),
    )
    .await
    .expect_problem(401);
    // A valid API token is not the metrics token.
    app.get("/metrics", &app.token(Role::Admin))
        .await
        .expect_problem(401);
    let ok = app
        .call(
            TestRequest::get()
                .uri("/metrics")
                .insert_header(bearer("scrape-token-4f1c")),
        )
        .await
        .expect(200);
    let scrape = samples(&ok.text);
    // The refusals were counted like any other response.
    assert_eq!(
        value(&scrape, &requests("GET", "/metrics", 401)),
        4.0,
        "{}",
        ok.text
    );
}

#[actix_rt::test]
async fn rate_limit_refusals_are_counted_and_scrapes_are_never_refused() {
    let app = TestApp::sqlite_configured(|state| {
        state.rate_limit = Some(std::sync::Arc::new(
            shortlist::rate_limit::RateLimiter::new(1),
        ));
    })
    .await;
    let token = app.recruiter();
    app.get("/api/v1/vacancies", &token).await.expect(200);
    app.get("/api/v1/vacancies", &token)
        .await
        .expect_problem(429);
    app.get(
        &format!("/api/v1/vacancies/{}", uuid::Uuid::new_v4()),
        &token,
    )
    .await
    .expect_problem(429);
    for _ in 0..3 {
        scrape(&app).await;
    }
    let (text, scrape) = scrape(&app).await;
    assert_eq!(
        value(&scrape, &requests("GET", "/api/v1/vacancies", 429)),
        1.0,
        "{text}"
    );
    assert_eq!(
        value(&scrape, &requests("GET", VACANCY, 429)),
        1.0,
        "{text}"
    );
    assert_eq!(
        value(&scrape, &requests("GET", "/metrics", 200)),
        3.0,
        "{text}"
    );
}
