//! `shortlist demo`: loads through the API, raises every flag the product has, and a
//! second run finds the data again instead of loading it twice.

use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{TestApp, SECRET};
use shortlist::auth::Role;
use shortlist::config::Settings;
use shortlist::demo::{self, DEMO_ORG};

fn settings() -> Settings {
    let mut settings = Settings::from_env().expect("default settings");
    settings.jwt_secret = Some(String::from_utf8(SECRET.to_vec()).unwrap());
    settings.jwt_public_key = None;
    settings.jwt_algorithm = None;
    settings.jwt_issuer = None;
    settings.jwt_audience = None;
    settings
}

fn entries(shortlist: &Value) -> &Vec<Value> {
    shortlist["entries"].as_array().expect("entries")
}

fn any(list: &[Value], test: impl Fn(&Value) -> bool) -> bool {
    list.iter().any(test)
}

fn non_empty(e: &Value, key: &str) -> bool {
    e[key].as_array().is_some_and(|a| !a.is_empty())
}

both_backends! {
    async fn demo_raises_every_flag_and_loads_once(app: TestApp) {
        let settings = settings();
        let report = demo::run_on(&settings, app.db.clone()).await.expect("demo loads");
        assert!(!report.already_loaded);
        assert_eq!(report.tokens.len(), 5, "a token per role");
        let text = demo::render(&report, "127.0.0.1:8080");
        assert_eq!(text.matches("curl -s").count(), 4, "{text}");
        assert!(text.contains(&report.social_worker) && text.contains(&report.draft));

        let recruiter = app.token_for("someone", DEMO_ORG, &[Role::Recruiter]);
        // The demo's own tokens work against the same keys.
        let (_, _, admin_token) = &report.tokens[0];
        app.get("/api/v1/audit-events/verify", admin_token).await.expect(200);

        let sw = app
            .get(&format!("/api/v1/vacancies/{}/shortlist", report.social_worker), &recruiter)
            .await
            .expect(200)
            .body;
        let rows = entries(&sw);
        assert_eq!(rows.len(), 11);
        let flagged = |flag: &str| any(rows, |e| e["flags"].as_array().unwrap().iter().any(|f| f == flag));
        for flag in ["needs_moderation", "driving_threshold_exceeded", "no_driving_licence"] {
            assert!(flagged(flag), "no entry flagged {flag}: {sw:#}");
        }
        assert!(any(rows, |e| e["tied"] == true), "a tie");
        assert!(any(rows, |e| e["guaranteed_interview"] == true), "a guaranteed interview");
        assert!(any(rows, |e| e["needs_moderation"] == true));
        assert!(any(rows, |e| non_empty(e, "unmet_essentials")), "an unmet essential");
        assert!(any(rows, |e| non_empty(e, "pending_essentials")), "a pending essential");
        assert!(any(rows, |e| non_empty(e, "failed_checks")), "a failed check");
        assert!(any(rows, |e| non_empty(e, "pending_checks")), "a pending check");
        for recommendation in ["shortlist", "reject", "incomplete"] {
            assert!(any(rows, |e| e["recommendation"] == recommendation), "{recommendation}");
        }

        let tm = app
            .get(&format!("/api/v1/vacancies/{}/shortlist?stage=interview", report.team_manager), &recruiter)
            .await
            .expect(200)
            .body;
        let offered: Vec<&Value> = entries(&tm).iter().filter(|e| e["status"] == "offered").collect();
        assert_eq!(offered.len(), 1, "{tm:#}");
        assert!(non_empty(offered[0], "failed_checks") && non_empty(offered[0], "pending_checks"));
        // The multi-step story: a recused member, a paper sheet, a reserve promoted, an
        // appeal upheld and feedback, each visible through the API.
        let plan = app.get(&format!("/api/v1/vacancies/{}/assessment-plan", report.team_manager), &recruiter).await.expect(200).body;
        let keys: Vec<&str> = plan["steps"].as_array().unwrap().iter().map(|s| s["key"].as_str().unwrap()).collect();
        assert_eq!(keys, ["sift", "test", "interview"]);
        let apps = app.get(&format!("/api/v1/vacancies/{}/applications", report.team_manager), &recruiter).await.expect(200).body;
        let by_code = |code: &str| apps["items"].as_array().unwrap().iter().find(|a| a["candidate_code"] == code).unwrap()["id"].as_str().unwrap().to_string();
        let marcus = by_code("C-0002");
        let e = app.get(&format!("/api/v1/applications/{marcus}/evaluation?stage=interview"), &recruiter).await.expect(200).body;
        assert_eq!(e["recused_assessors"], json!(["cat"]));
        let nia = app.get(&format!("/api/v1/applications/{}/scores", by_code("C-0003")), &recruiter).await.expect(200).body;
        assert!(nia["scores"].as_array().unwrap().iter().any(|s| s["assessor"] == "bob" && s["entered_by"] == "demo-recruiter"), "{nia:#}");
        let rosa = app.get(&format!("/api/v1/applications/{}/outcome", by_code("C-0005")), &recruiter).await.expect(200).body;
        assert_eq!(rosa["steps"][0]["outcome"], "progressed", "promoted from the reserve list");
        assert_eq!(rosa["steps"][1]["outcome"], "not_progressed");
        assert!(rosa["steps"][1]["feedback"].is_string());
        let sami = app.get(&format!("/api/v1/applications/{}/outcome", report.team_manager_applicant), &recruiter).await.expect(200).body;
        assert_eq!(sami["steps"][0]["outcome"], "progressed", "appeal upheld: {sami:#}");
        assert_eq!(sami["current_step"], "test");
        let audit = app.get("/api/v1/audit-events?limit=500", admin_token).await.expect(200).text;
        assert!(audit.contains("step.reinstated"));

        // The draft keeps an imported spec with the "OR" choice as an alternative group.
        let draft = app
            .get(&format!("/api/v1/vacancies/{}/criteria", report.draft), &recruiter)
            .await
            .expect(200)
            .body;
        assert!(draft.as_array().unwrap().iter().any(|c| c["alternative_group"].is_string()));

        let again = demo::run_on(&settings, app.db.clone()).await.expect("demo again");
        assert!(again.already_loaded);
        assert_eq!(again.social_worker, report.social_worker);
        let list = app.get("/api/v1/vacancies?limit=500", &recruiter).await.expect(200).body;
        assert_eq!(list["items"].as_array().unwrap().len(), 4, "loaded once");
    }
}
