//! The change feed (`GET /events`): every change is there once, in commit order, with
//! ids and states only; a portal sees its own applications and vacancies opening and
//! closing; a change that rolled back left no event; an expired cursor gets a 410.

use serde_json::{json, Value};
use shortlist::auth::Role;

use crate::both_backends;
use crate::helpers::{TestApp, ORG, OTHER_ORG};

async fn feed(app: &TestApp, token: &str, query: &str) -> Value {
    app.get(&format!("/api/v1/events{query}"), token)
        .await
        .expect(200)
        .body
}

fn types(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_string())
        .collect()
}

both_backends! {
    async fn every_change_is_told_once_in_order_with_ids_only(app: TestApp) {
        let admin = app.token(Role::Admin);
        let (vacancy_id, _) = app.open_vacancy().await;
        let a = app.apply(&vacancy_id, "Ann Example", json!({})).await;
        let a_id = a["id"].as_str().unwrap();
        app.post(
            &format!("/api/v1/applications/{a_id}/transitions"),
            &app.recruiter(),
            json!({"to": "withdrawn", "reason": "Ann withdrew by phone"}),
        )
        .await
        .expect(200);

        let page = feed(&app, &admin, "").await;
        assert_eq!(
            types(&page),
            vec![
                "vacancy.status_changed",
                "application.submitted",
                "application.status_changed"
            ]
        );
        let events = page["events"].as_array().unwrap();
        // Cursors rise one by one and the page ends at the last.
        let cursors: Vec<i64> = events
            .iter()
            .map(|e| e["cursor"].as_str().unwrap().parse().unwrap())
            .collect();
        assert!(cursors.windows(2).all(|w| w[1] == w[0] + 1), "{cursors:?}");
        assert_eq!(page["next_cursor"], events[2]["cursor"]);
        assert_eq!(page["has_more"], json!(false));
        assert_eq!(events[0]["data"], json!({"vacancy_id": vacancy_id, "from": "draft", "to": "open"}));
        assert_eq!(events[2]["data"]["from"], json!("submitted"));
        assert_eq!(events[2]["data"]["to"], json!("withdrawn"));
        assert_eq!(events[2]["org"], json!(ORG));
        // No names, emails or reasons anywhere in the feed.
        for needle in ["Ann", "example.org", "phone", "withdrew"] {
            assert!(!page.to_string().contains(needle), "{needle} leaked: {page}");
        }

        // Reading on from the cursor: nothing new, and the cursor stays put.
        let after = page["next_cursor"].as_str().unwrap().to_string();
        let rest = feed(&app, &admin, &format!("?after={after}")).await;
        assert!(rest["events"].as_array().unwrap().is_empty());
        assert_eq!(rest["next_cursor"], json!(after));

        // Paging one at a time walks the same events.
        let mut cursor = "0".to_string();
        let mut walked = Vec::new();
        loop {
            let p = feed(&app, &admin, &format!("?after={cursor}&limit=1")).await;
            walked.extend(types(&p));
            cursor = p["next_cursor"].as_str().unwrap().to_string();
            if p["has_more"] == json!(false) {
                break;
            }
        }
        assert_eq!(walked, types(&page));

        // A type filter.
        let only = feed(&app, &admin, "?types=application.submitted").await;
        assert_eq!(types(&only), vec!["application.submitted"]);
    }

    async fn a_refused_change_leaves_no_event(app: TestApp) {
        let admin = app.token(Role::Admin);
        let (vacancy_id, _) = app.open_vacancy().await;
        let a = app.apply(&vacancy_id, "Ben Example", json!({})).await;
        let a_id = a["id"].as_str().unwrap();
        let before = feed(&app, &admin, "").await["events"].as_array().unwrap().len();
        // Appointing straight from `submitted` is refused: the transaction rolls back.
        let refused = app
            .post(
                &format!("/api/v1/applications/{a_id}/transitions"),
                &app.recruiter(),
                json!({"to": "appointed"}),
            )
            .await;
        assert!(refused.status >= 400, "{}", refused.text);
        let after = feed(&app, &admin, "").await["events"].as_array().unwrap().len();
        assert_eq!(before, after);
    }

    async fn portals_see_their_own_applications_and_public_vacancy_news(app: TestApp) {
        let (vacancy_id, _) = app.open_vacancy().await;
        app.apply(&vacancy_id, "Cat Example", json!({})).await; // by portal-1
        let portal2 = app.token_for("portal-2", ORG, &[Role::Portal]);
        let other = app
            .post(
                &format!("/api/v1/vacancies/{vacancy_id}/applications"),
                &portal2,
                json!({"candidate": {"name": "Dan Example", "email": "dan@example.org"}, "declarations": {}}),
            )
            .await
            .expect(201)
            .body;
        let other_id = other["id"].as_str().unwrap().to_string();

        let portal1 = app.token_for("portal-1", ORG, &[Role::Portal]);
        let seen = feed(&app, &portal1, "").await;
        assert_eq!(types(&seen), vec!["vacancy.status_changed", "application.submitted"]);
        assert!(!seen.to_string().contains(&other_id));
        let seen2 = feed(&app, &portal2, "").await;
        assert_eq!(types(&seen2), vec!["vacancy.status_changed", "application.submitted"]);
        assert!(seen2.to_string().contains(&other_id));

        // Another org's admin sees nothing of ours; a panel member has no feed.
        let theirs = feed(&app, &app.token_for("admin", OTHER_ORG, &[Role::Admin]), "").await;
        assert!(theirs["events"].as_array().unwrap().is_empty());
        app.get("/api/v1/events", &app.panel("pat")).await.expect_problem(403);
    }

    async fn bad_and_expired_cursors_are_explained(app: TestApp) {
        let admin = app.token(Role::Admin);
        let (vacancy_id, _) = app.open_vacancy().await;
        app.apply(&vacancy_id, "Eve Example", json!({})).await;
        for bad in ["?after=abc", "?after=-1", "?after=999999", "?types=application.updated", "?limit=0"] {
            let r = app.get(&format!("/api/v1/events{bad}"), &admin).await;
            assert!(r.status == 422 || r.status == 400, "{bad}: {}", r.text);
        }
        // Retention deletes the old events; a cursor before them is gone for good.
        let far_future = "9999-01-01T00:00:00.000000Z";
        app.db
            .write(move |conn| Ok(shortlist::db::events::purge_before(conn, ORG, far_future)?))
            .await
            .unwrap();
        let gone = app.get("/api/v1/events?after=0", &admin).await.expect_problem(410);
        assert!(gone.body["detail"].as_str().unwrap().contains("updated_since"));
        // From the purge point on, the feed reads again.
        app.post(
            &format!("/api/v1/vacancies/{vacancy_id}/transitions"),
            &app.recruiter(),
            json!({"to": "closed"}),
        )
        .await
        .expect(200);
        let purged: i64 = 2;
        let page = feed(&app, &admin, &format!("?after={purged}")).await;
        assert_eq!(types(&page), vec!["vacancy.status_changed"]);
    }
}
