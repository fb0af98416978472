//! Shortlist paging (`limit` / `cursor`, ranks over the whole list) and response
//! compression (`Accept-Encoding: gzip` / `br`).

use std::io::Read;

use actix_web::test::TestRequest;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{bearer, sample_spec, TestApp};

/// An open vacancy with `n` applications scored by one panel member so that there are
/// ties (scores cycle through a few patterns) and some rejects.
async fn scored_vacancy(app: &TestApp, n: usize) -> (String, Vec<Value>) {
    let (vid, criteria) = app
        .open_vacancy_from(
            json!({"reference": "PG1", "title": "Paged post", "closing_date": "2099-12-31"}),
            sample_spec(),
        )
        .await;
    app.set_panel(&vid, &[("ann", "member")]).await;
    let patterns = [[3, 3, 3], [2, 2, 2], [3, 2, 2], [1, 2, 2], [2, 3, 3]];
    let mut apps = Vec::new();
    for i in 0..n {
        let a = app.apply(&vid, &format!("Candidate {i}"), json!({})).await;
        let sheet: Vec<Value> = criteria[..3]
            .iter()
            .zip(patterns[i % patterns.len()])
            .map(|(c, s)| json!({"criterion_id": c["id"], "score": s}))
            .collect();
        let id = a["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/applications/{id}/scoresheets"),
            &app.panel("ann"),
            json!({"method": "application", "scores": sheet}),
        )
        .await
        .expect(200);
        apps.push(a);
    }
    (vid, apps)
}

/// Follows `next_cursor` from the first page of `limit` to the last; checks each page's
/// `Link` header names the same cursor.
async fn all_pages(app: &TestApp, path: &str, limit: usize) -> Vec<Value> {
    let token = app.recruiter();
    let mut pages = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let url = match &cursor {
            None => format!("{path}?limit={limit}"),
            Some(c) => format!("{path}?limit={limit}&cursor={c}"),
        };
        let resp = app.get(&url, &token).await.expect(200);
        let page = resp.body.clone();
        assert!(page["entries"].as_array().unwrap().len() <= limit);
        match page["next_cursor"].as_str() {
            Some(next) => {
                let link = resp
                    .header("link")
                    .expect("a Link header before the last page");
                assert!(link.contains(&format!("cursor={next}")), "{link}");
                assert!(link.contains(&format!("limit={limit}")), "{link}");
                assert!(link.ends_with("rel=\"next\""), "{link}");
                cursor = Some(next.to_string());
                pages.push(page);
            }
            None => {
                // The last page says so explicitly, and has no Link header.
                assert_eq!(page["next_cursor"], Value::Null);
                assert!(page.as_object().unwrap().contains_key("next_cursor"));
                assert!(resp.header("link").is_none());
                pages.push(page);
                return pages;
            }
        }
    }
}

fn decompress(encoding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => {
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut out)
                .unwrap();
        }
        "br" => {
            brotli_decompressor::Decompressor::new(bytes, 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        other => panic!("unexpected encoding {other}"),
    }
    out
}

fn header(headers: &actix_web::http::header::HeaderMap, name: &str) -> Option<String> {
    headers.get(name).map(|v| v.to_str().unwrap().to_string())
}

both_backends! {
    async fn pages_concatenate_to_the_whole_list_with_global_ranks(app: TestApp) {
        let (vid, _) = scored_vacancy(&app, 11).await;
        let path = format!("/api/v1/vacancies/{vid}/shortlist");
        let whole = app.get(&path, &app.recruiter()).await.expect(200);
        // Unpaged: exactly as before paging existed (no next_cursor key, no Link).
        assert!(!whole.body.as_object().unwrap().contains_key("next_cursor"));
        assert!(whole.header("link").is_none());
        let everyone = whole.body["entries"].as_array().unwrap().clone();
        assert_eq!(everyone.len(), 11);
        // Ties exist, so a page boundary falls inside a tie for some page size.
        assert!(everyone.iter().any(|e| e["tied"] == true));

        for limit in [1, 3, 4, 11, 50] {
            let pages = all_pages(&app, &path, limit).await;
            assert_eq!(pages.len(), 11usize.div_ceil(limit), "limit {limit}");
            let joined: Vec<Value> = pages
                .iter()
                .flat_map(|p| p["entries"].as_array().unwrap().clone())
                .collect();
            // Same entries, same order, same (global) ranks, ties and proposals.
            assert_eq!(joined, everyone, "limit {limit}");
            for p in &pages {
                assert_eq!(p["vacancy_id"], whole.body["vacancy_id"]);
                assert_eq!(p["stage"], whole.body["stage"]);
            }
        }
        // The second page's first rank is a global rank, not 1.
        let pages = all_pages(&app, &path, 3).await;
        assert_eq!(pages[1]["entries"][0]["rank"], everyone[3]["rank"]);
        assert_ne!(pages[1]["entries"][0]["rank"], json!(1));
    }

    async fn paging_keeps_the_other_filters(app: TestApp) {
        let (vid, _) = scored_vacancy(&app, 10).await;
        let path = format!("/api/v1/vacancies/{vid}/shortlist");
        let query = "recommendation=shortlist&top=3";
        let whole = app.get(&format!("{path}?{query}"), &app.recruiter()).await.expect(200).body;
        let first = app.get(&format!("{path}?{query}&limit=2"), &app.recruiter()).await.expect(200);
        let link = first.header("link").unwrap();
        assert!(link.contains("recommendation=shortlist") && link.contains("top=3"), "{link}");
        let url = link.trim_start_matches('<').split('>').next().unwrap().to_string();
        let second = app.get(&url, &app.recruiter()).await.expect(200).body;
        let mut joined = first.body["entries"].as_array().unwrap().clone();
        joined.extend(second["entries"].as_array().unwrap().iter().cloned());
        let expected = whole["entries"].as_array().unwrap();
        assert_eq!(&joined[..], &expected[..joined.len()]);
    }

    async fn pages_read_in_list_order_equal_the_whole_list_under_every_filter(app: TestApp) {
        // Ties, rejects, a withdrawn top applicant, an unscored (incomplete) one and a
        // decision that changes a status: what a page is chosen and ranked by.
        let (vid, apps) = scored_vacancy(&app, 13).await;
        let late = app.apply(&vid, "Unscored", json!({})).await;
        let path = format!("/api/v1/vacancies/{vid}/shortlist");
        let token = app.recruiter();
        let whole = app.get(&path, &token).await.expect(200).body;
        let top = whole["entries"][0]["application_id"].as_str().unwrap().to_string();
        for id in [top.as_str(), apps[3]["id"].as_str().unwrap()] {
            app.post(&format!("/api/v1/applications/{id}/transitions"), &token, json!({"to": "withdrawn"}))
                .await
                .expect(200);
        }
        assert!(late["id"].is_string());
        let pages_read = || async {
            let (_, _, body) = app.call_raw(TestRequest::get().uri("/metrics")).await;
            let text = String::from_utf8(body).unwrap();
            text.lines()
                .find_map(|l| l.strip_prefix("shortlist_pages_read_total "))
                .expect("shortlist_pages_read_total in /metrics")
                .parse::<u64>()
                .unwrap()
        };
        let before = pages_read().await;
        let mut requests = 0;
        for query in [
            "",
            "include_withdrawn=true",
            "recommendation=shortlist",
            "recommendation=reject",
            "recommendation=incomplete&include_withdrawn=true",
            "stage=shortlisting",
        ] {
            let sep = if query.is_empty() { "" } else { "&" };
            let whole = app.get(&format!("{path}?{query}"), &token).await.expect(200).body;
            let everyone = whole["entries"].as_array().unwrap().clone();
            for limit in [1, 2, 5, 500] {
                let mut joined = Vec::new();
                let mut cursor: Option<String> = None;
                loop {
                    let url = match &cursor {
                        None => format!("{path}?{query}{sep}limit={limit}"),
                        Some(c) => format!("{path}?{query}{sep}limit={limit}&cursor={c}"),
                    };
                    let page = app.get(&url, &token).await.expect(200).body;
                    requests += 1;
                    assert_eq!(page["stage"], whole["stage"], "{query}");
                    joined.extend(page["entries"].as_array().unwrap().iter().cloned());
                    match page["next_cursor"].as_str() {
                        Some(c) => cursor = Some(c.to_string()),
                        None => break,
                    }
                }
                assert_eq!(joined, everyone, "{query} limit {limit}");
            }
        }
        // Every one of those pages was read in list order, not cut from the whole list.
        assert_eq!(pages_read().await - before, requests);
        // The page path refuses a cursor of a changed ranking too.
        let first = app.get(&format!("{path}?limit=2"), &token).await.expect(200).body;
        let next = format!("{path}?limit=2&cursor={}", first["next_cursor"].as_str().unwrap());
        app.get(&next, &token).await.expect(200);
        let id = first["entries"][0]["application_id"].as_str().unwrap();
        app.post(&format!("/api/v1/applications/{id}/transitions"), &token, json!({"to": "withdrawn"}))
            .await
            .expect(200);
        app.get(&next, &token).await.expect_problem(409);
        // `top` still builds the whole list (and says nothing of pages read).
        let before = pages_read().await;
        app.get(&format!("{path}?limit=2&top=3"), &token).await.expect(200);
        assert_eq!(pages_read().await, before);
    }

    async fn a_cursor_is_stable_until_the_ranking_changes(app: TestApp) {
        let (vid, apps) = scored_vacancy(&app, 6).await;
        let path = format!("/api/v1/vacancies/{vid}/shortlist");
        let first = app.get(&format!("{path}?limit=2"), &app.recruiter()).await.expect(200).body;
        let cursor = first["next_cursor"].as_str().unwrap().to_string();
        let next = format!("{path}?limit=2&cursor={cursor}");
        let a = app.get(&next, &app.recruiter()).await.expect(200).body;
        let b = app.get(&next, &app.recruiter()).await.expect(200).body;
        assert_eq!(a, b);
        // Asking the same list again gives the same cursor.
        let again = app.get(&format!("{path}?limit=2"), &app.recruiter()).await.expect(200).body;
        assert_eq!(again["next_cursor"], first["next_cursor"]);

        // The top applicant withdraws: every later position moves, so the old cursor
        // is refused rather than skip or repeat someone.
        let top = first["entries"][0]["application_id"].as_str().unwrap();
        assert!(apps.iter().any(|a| a["id"] == top));
        app.post(&format!("/api/v1/applications/{top}/transitions"), &app.recruiter(), json!({"to": "withdrawn"}))
            .await
            .expect(200);
        let stale = app.get(&next, &app.recruiter()).await.expect_problem(409);
        assert!(stale.body["detail"].as_str().unwrap().contains("first page"));
        // Starting again works.
        let pages = all_pages(&app, &path, 2).await;
        let count: usize = pages.iter().map(|p| p["entries"].as_array().unwrap().len()).sum();
        assert_eq!(count, 5);
    }

    async fn bad_paging_input_is_422_naming_the_field(app: TestApp) {
        let (vid, _) = scored_vacancy(&app, 3).await;
        let path = format!("/api/v1/vacancies/{vid}/shortlist");
        let token = app.recruiter();
        for cursor in ["not-a-cursor!", "Zm9v", "", &"A".repeat(600)] {
            let resp = app.get(&format!("{path}?limit=1&cursor={cursor}"), &token).await.expect_problem(422);
            assert_eq!(resp.error_fields(), vec!["cursor"], "cursor {cursor:?}");
        }
        // Well-formed, but not where this list's cursor could point.
        let first = app.get(&format!("{path}?limit=1"), &token).await.expect(200).body;
        let real = first["next_cursor"].as_str().unwrap();
        let fields = String::from_utf8(
            base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, real).unwrap(),
        )
        .unwrap();
        let parts: Vec<&str> = fields.split('\n').collect();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0], "1");
        let forged = ["2", parts[1], parts[2], parts[3]].join("\n");
        let forged = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, forged);
        let resp = app.get(&format!("{path}?limit=1&cursor={forged}"), &token).await.expect_problem(422);
        assert_eq!(resp.error_fields(), vec!["cursor"]);
        for limit in ["0", "501", "-1"] {
            let resp = app.get(&format!("{path}?limit={limit}"), &token).await.expect_problem(422);
            assert_eq!(resp.error_fields(), vec!["limit"], "limit {limit}");
        }
        // CSV is always the whole list.
        let csv = app
            .call(TestRequest::get().uri(&format!("{path}?limit=1")).insert_header(bearer(&token)).insert_header(("accept", "text/csv")))
            .await
            .expect(200);
        assert_eq!(csv.text.lines().count(), 4);
    }

    async fn large_responses_are_compressed_when_asked(app: TestApp) {
        let (vid, _) = scored_vacancy(&app, 30).await;
        let path = format!("/api/v1/vacancies/{vid}/shortlist");
        let token = app.recruiter();
        let get = |accept: &'static str, encoding: Option<&'static str>| {
            let mut req = TestRequest::get().uri(&path).insert_header(bearer(&token)).insert_header(("accept", accept));
            if let Some(e) = encoding {
                req = req.insert_header(("accept-encoding", e));
            }
            req
        };
        for accept in ["application/json", "text/csv"] {
            let (status, headers, plain) = app.call_raw(get(accept, None)).await;
            assert_eq!(status, 200);
            assert_eq!(header(&headers, "content-encoding"), None);
            assert!(plain.len() > 4000, "{accept}: {} bytes", plain.len());
            for encoding in ["gzip", "br"] {
                let (status, headers, body) = app.call_raw(get(accept, Some(encoding))).await;
                assert_eq!(status, 200);
                assert_eq!(header(&headers, "content-encoding").as_deref(), Some(encoding), "{accept}");
                assert!(header(&headers, "vary").unwrap_or_default().to_lowercase().contains("accept-encoding"));
                assert!(header(&headers, "content-type").unwrap().starts_with(accept));
                assert!(body.len() < plain.len() / 3, "{accept} {encoding}: {} of {}", body.len(), plain.len());
                assert_eq!(decompress(encoding, &body), plain, "{accept} {encoding}");
            }
            // A preference list picks one the server has.
            let (_, headers, body) = app.call_raw(get(accept, Some("br;q=1.0, gzip;q=0.5"))).await;
            let chosen = header(&headers, "content-encoding").unwrap();
            assert_eq!(decompress(&chosen, &body), plain);
        }
        // `identity` only: plain.
        let (_, headers, body) = app.call_raw(get("application/json", Some("identity"))).await;
        assert_eq!(header(&headers, "content-encoding"), None);
        let _: Value = serde_json::from_slice(&body).unwrap();
    }

    async fn errors_metrics_and_health_still_work_compressed(app: TestApp) {
        let token = app.recruiter();
        for encoding in ["gzip", "br"] {
            let (status, headers, body) = app
                .call_raw(TestRequest::get().uri("/api/v1/vacancies/no-such-vacancy/shortlist").insert_header(bearer(&token)).insert_header(("accept-encoding", encoding)))
                .await;
            assert_eq!(status, 404);
            assert_eq!(header(&headers, "content-type").as_deref(), Some("application/problem+json"));
            let body = match header(&headers, "content-encoding") {
                Some(e) => decompress(&e, &body),
                None => body,
            };
            let problem: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(problem["status"], 404);

            let (status, headers, body) = app
                .call_raw(TestRequest::get().uri("/api/v1/vacancies/x/shortlist?limit=0").insert_header(bearer(&token)).insert_header(("accept-encoding", encoding)))
                .await;
            assert_eq!(status, 422);
            let body = match header(&headers, "content-encoding") {
                Some(e) => decompress(&e, &body),
                None => body,
            };
            let problem: Value = serde_json::from_slice(&body).unwrap();
            assert_eq!(problem["errors"][0]["field"], "limit");

            for uri in ["/health/live", "/health/ready", "/metrics"] {
                let (status, headers, body) = app
                    .call_raw(TestRequest::get().uri(uri).insert_header(("accept-encoding", encoding)))
                    .await;
                assert_eq!(status, 200, "{uri}");
                let body = match header(&headers, "content-encoding") {
                    Some(e) => decompress(&e, &body),
                    None => body,
                };
                let text = String::from_utf8(body).unwrap();
                assert!(!text.is_empty(), "{uri}");
                if uri == "/metrics" {
                    assert!(text.contains("# TYPE"), "{text}");
                }
            }
        }
    }
}

/// Response sizes of a shortlist of 1,000 scored applications: plain, gzip and br.
/// `cargo test --test api shortlist_paging::measure -- --ignored --nocapture`
#[actix_rt::test]
#[ignore]
async fn measure_compressed_sizes_at_1000() {
    let app = TestApp::sqlite().await;
    let (vid, _) = scored_vacancy(&app, 1000).await;
    let path = format!("/api/v1/vacancies/{vid}/shortlist");
    let token = app.recruiter();
    for accept in ["application/json", "text/csv"] {
        let mut sizes = Vec::new();
        for encoding in [None, Some("gzip"), Some("br")] {
            let mut req = TestRequest::get()
                .uri(&path)
                .insert_header(bearer(&token))
                .insert_header(("accept", accept));
            if let Some(e) = encoding {
                req = req.insert_header(("accept-encoding", e));
            }
            let started = std::time::Instant::now();
            let (status, headers, body) = app.call_raw(req).await;
            let took = started.elapsed();
            assert_eq!(status, 200);
            assert_eq!(header(&headers, "content-encoding").as_deref(), encoding);
            sizes.push((encoding.unwrap_or("plain"), body.len(), took));
        }
        for (name, size, took) in sizes {
            println!("N=1000 {accept} {name}: {size} bytes ({took:?} debug build)");
        }
    }
}
