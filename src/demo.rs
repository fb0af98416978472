//! `shortlist demo`: a demo org whose vacancies are imported from real person
//! specifications (the seed documents, through the importer), with synthetic applicants,
//! panel scores, decisions and checks, so that every flag the product raises shows up.
//!
//! Everything goes through the HTTP API in-process (the same app `serve` runs, with its
//! validation, transactions and audit trail), never straight into the tables: the demo
//! data is exactly what a portal and a panel could have produced.

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};
use serde_json::{json, Value};

use crate::auth::{keys_from_settings, JwtKeys, Role};
use crate::config::Settings;
use crate::db::Db;
use crate::server::app_state;
use crate::startup::app;

/// The org every demo token names.
pub const DEMO_ORG: &str = "demo-council";

// The seed documents are compiled in: the binary must not read `../shared` (or the
// test fixtures) at run time.
const SEED_AQW: &str = include_str!("../tests/fixtures/seeds/000_f3ecf04fbcb1fea5.txt");
const SEED_SW4: &str = include_str!("../tests/fixtures/seeds/001_d864ea12738d2d80.txt");
const SEED_ROLE_PROFILES: &str = include_str!("../tests/fixtures/seeds/002_6930bd64e9f0c8b1.txt");
const SEED_LEICESTER: &str = include_str!("../tests/fixtures/seeds/004_fcb0ce42797d0f07.txt");

const REF_SW4: &str = "DEMO-SW4";
const REF_AQW: &str = "DEMO-AQW2";
const REF_TM: &str = "DEMO-TM173";
const REF_AP: &str = "DEMO-AP-I";

/// What a run of the demo made (or found), for printing.
pub struct DemoReport {
    pub already_loaded: bool,
    pub tokens: Vec<(Role, String, String)>,
    pub social_worker: String,
    pub team_manager: String,
    /// The Team Manager applicant whose sift appeal was upheld (C-0006).
    pub team_manager_applicant: String,
    pub draft: String,
    pub lines: Vec<String>,
}

/// A failed step: which request, and what the API said.
fn failed(what: &str, status: StatusCode, body: &str) -> String {
    format!("demo step {what:?} failed with {status}: {body}")
}

struct Tokens {
    recruiter: String,
    portal: String,
    keys: JwtKeys,
    issuer: Option<String>,
    audience: Option<String>,
}

impl Tokens {
    /// The keys `settings` name, and the recruiter's and portal's tokens the demo uses.
    fn new(keys: JwtKeys, settings: &Settings) -> Result<Tokens, String> {
        let mut tokens = Tokens {
            recruiter: String::new(),
            portal: String::new(),
            keys,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
        };
        tokens.recruiter = tokens.mint("demo-recruiter", &[Role::Recruiter], 3600)?;
        tokens.portal = tokens.mint("demo-portal", &[Role::Portal], 3600)?;
        Ok(tokens)
    }

    fn mint(&self, sub: &str, roles: &[Role], ttl: i64) -> Result<String, String> {
        self.keys.mint(
            sub,
            DEMO_ORG,
            roles,
            ttl,
            self.issuer.as_deref(),
            self.audience.as_deref(),
        )
    }

    fn panel(&self, user: &str) -> Result<String, String> {
        self.mint(user, &[Role::Panel], 3600)
    }
}

/// Sends one request through the in-process app; anything but `expect` is an error
/// naming the step.
macro_rules! send {
    ($svc:expr, $what:expr, $method:expr, $uri:expr, $token:expr, $body:expr, $expect:expr) => {{
        let mut req = TestRequest::default()
            .method($method)
            .uri(&$uri)
            .insert_header(("Authorization", format!("Bearer {}", $token)));
        match $body {
            Body::None => {}
            Body::Json(value) => req = req.set_json(value),
            Body::Document(content_type, text) => {
                req = req
                    .insert_header(("Content-Type", content_type))
                    .set_payload(text)
            }
        }
        let resp = test::call_service($svc, req.to_request()).await;
        read($what, resp, $expect).await
    }};
}

enum Body {
    None,
    Json(Value),
    Document(&'static str, &'static str),
}

async fn read<B: MessageBody>(
    what: &str,
    resp: ServiceResponse<B>,
    expect: StatusCode,
) -> Result<Value, String> {
    let status = resp.status();
    let bytes = test::read_body(resp).await;
    let text = String::from_utf8_lossy(&bytes);
    if status != expect {
        return Err(failed(what, status, &text));
    }
    Ok(serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn id(value: &Value) -> Result<String, String> {
    value["id"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("the API returned no id: {value}"))
}

/// The vacancies of the demo org by reference (the org has few, one page is enough).
fn by_reference(list: &Value, reference: &str) -> Option<String> {
    list["items"]
        .as_array()?
        .iter()
        .find(|v| v["reference"] == reference)
        .and_then(|v| v["id"].as_str())
        .map(str::to_string)
}

/// Section number of the specification that starts nearest `line` in a dry run's list.
fn section_near(sections: &Value, line: u64) -> Option<u64> {
    sections
        .as_array()?
        .iter()
        .filter_map(|s| Some((s["section"].as_u64()?, s["line"].as_u64()?)))
        .min_by_key(|(_, l)| l.abs_diff(line))
        .map(|(section, _)| section)
}

/// An applicant: name, declarations, and scores per (member, criterion) as a rule.
struct Applicant {
    name: &'static str,
    declarations: Value,
}

fn declarations(points: i32, licence: bool, guaranteed: bool) -> Value {
    json!({
        "guaranteed_interview": guaranteed,
        "driving_licence_held": licence,
        "penalty_points": if licence { points } else { 0 },
        "at_fault_accidents": 0,
        "right_to_work": true,
        "registration_number": "SW1000"
    })
}

pub async fn run(settings: &Settings) -> Result<DemoReport, String> {
    let db = Db::new(
        &settings.database_url,
        settings.db_pool_size,
        settings.db_connect_timeout,
    )?;
    db.migrate()?;
    run_on(settings, db).await
}

/// Loads the demo into `db` (migrated), signing with the keys `settings` name; when the
/// demo org already has its vacancies, only finds them again.
pub async fn run_on(settings: &Settings, db: Db) -> Result<DemoReport, String> {
    let (keys, _) = keys_from_settings(settings)?;
    // The app takes its own copy of the same keys (the dev secret is read from its file).
    let (app_keys, _) = keys_from_settings(settings)?;
    let tokens = Tokens::new(keys, settings)?;
    let mut state = app_state(settings, db, app_keys);
    // The demo is one client making a few hundred calls: not what the limit is for.
    state.rate_limit = None;
    let svc = test::init_service(app(state)).await;

    let existing = send!(
        &svc,
        "list vacancies",
        Method::GET,
        "/api/v1/vacancies?limit=500",
        tokens.recruiter,
        Body::None,
        StatusCode::OK
    )?;
    let mut report = DemoReport {
        already_loaded: false,
        tokens: Vec::new(),
        social_worker: String::new(),
        team_manager: String::new(),
        team_manager_applicant: String::new(),
        draft: String::new(),
        lines: Vec::new(),
    };
    if let (Some(sw), Some(tm), Some(draft)) = (
        by_reference(&existing, REF_SW4),
        by_reference(&existing, REF_TM),
        by_reference(&existing, REF_AP),
    ) {
        report.already_loaded = true;
        let applications = send!(
            &svc,
            "list the Team Manager applications",
            Method::GET,
            format!("/api/v1/vacancies/{tm}/applications?limit=100"),
            tokens.recruiter,
            Body::None,
            StatusCode::OK
        )?;
        report.team_manager_applicant = applications["items"]
            .as_array()
            .and_then(|items| items.iter().find(|a| a["candidate_code"] == "C-0006"))
            .map(id)
            .transpose()?
            .unwrap_or_default();
        report.social_worker = sw;
        report.team_manager = tm;
        report.draft = draft;
    } else {
        load(&svc, &tokens, &mut report).await?;
    }
    for (role, sub) in [
        (Role::Admin, "demo-admin"),
        (Role::Recruiter, "demo-recruiter"),
        (Role::Panel, "ann"),
        (Role::Viewer, "demo-viewer"),
        (Role::Portal, "demo-portal"),
    ] {
        report
            .tokens
            .push((role, sub.to_string(), tokens.mint(sub, &[role], 24 * 3600)?));
    }
    Ok(report)
}

/// Creates a vacancy, imports its spec from a seed document, and returns (id, criteria).
async fn vacancy_from_seed<S: Svc<B>, B: MessageBody>(
    svc: &S,
    tokens: &Tokens,
    vacancy: Value,
    document: &'static str,
    near_line: Option<u64>,
) -> Result<(String, Vec<Value>, Value), String> {
    let created = send!(
        svc,
        "create vacancy",
        Method::POST,
        "/api/v1/vacancies",
        tokens.recruiter,
        Body::Json(vacancy),
        StatusCode::CREATED
    )?;
    let vid = id(&created)?;
    let import_uri = format!("/api/v1/vacancies/{vid}/criteria/import");
    let section = match near_line {
        None => String::new(),
        Some(line) => {
            let preview = send!(
                svc,
                "list the document's specifications",
                Method::POST,
                format!("{import_uri}?dry_run=true&section=1"),
                tokens.recruiter,
                Body::Document("text/markdown", document),
                StatusCode::OK
            )?;
            let n = section_near(&preview["sections"], line)
                .ok_or("the document lists no specifications")?;
            format!("?section={n}")
        }
    };
    let imported = send!(
        svc,
        "import the person specification",
        Method::POST,
        format!("{import_uri}{section}"),
        tokens.recruiter,
        Body::Document("text/markdown", document),
        StatusCode::OK
    )?;
    let criteria = imported["criteria"]
        .as_array()
        .cloned()
        .ok_or("the import returned no criteria")?;
    Ok((vid, criteria, imported["proposed_plan"].clone()))
}

/// Generic over the in-process service so each step can be its own function.
trait Svc<B>:
    actix_web::dev::Service<
    actix_http::Request,
    Response = ServiceResponse<B>,
    Error = actix_web::Error,
>
{
}
impl<S, B> Svc<B> for S where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = ServiceResponse<B>,
        Error = actix_web::Error,
    >
{
}

fn closing_date() -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(28)).to_string()
}

async fn set_panel_and_open<S: Svc<B>, B: MessageBody>(
    svc: &S,
    tokens: &Tokens,
    vid: &str,
) -> Result<(), String> {
    send!(
        svc,
        "set the panel",
        Method::PUT,
        format!("/api/v1/vacancies/{vid}/panel"),
        tokens.recruiter,
        Body::Json(json!({"members": [
            {"user_id": "ann", "role": "member"},
            {"user_id": "bob", "role": "member"},
            {"user_id": "cat", "role": "chair"}
        ]})),
        StatusCode::OK
    )?;
    transition(svc, tokens, vid, "open").await
}

async fn transition<S: Svc<B>, B: MessageBody>(
    svc: &S,
    tokens: &Tokens,
    vid: &str,
    to: &str,
) -> Result<(), String> {
    send!(
        svc,
        "move the vacancy on",
        Method::POST,
        format!("/api/v1/vacancies/{vid}/transitions"),
        tokens.recruiter,
        Body::Json(json!({"to": to})),
        StatusCode::OK
    )?;
    Ok(())
}

async fn apply<S: Svc<B>, B: MessageBody>(
    svc: &S,
    tokens: &Tokens,
    vid: &str,
    applicant: &Applicant,
) -> Result<String, String> {
    let email = format!(
        "{}@example.org",
        applicant.name.to_lowercase().replace([' ', '\''], ".")
    );
    let created = send!(
        svc,
        "submit an application",
        Method::POST,
        format!("/api/v1/vacancies/{vid}/applications"),
        tokens.portal,
        Body::Json(json!({
            "candidate": {"name": applicant.name, "email": email, "phone": "01632 960000"},
            "declarations": applicant.declarations
        })),
        StatusCode::CREATED
    )?;
    id(&created)
}

/// One assessor's scoresheet for one method: `score_of(criterion)`.
async fn score<S: Svc<B>, B: MessageBody>(
    svc: &S,
    tokens: &Tokens,
    application: &str,
    assessor: &str,
    method: &str,
    criteria: &[Value],
    score_of: impl Fn(usize, &Value) -> i64,
) -> Result<(), String> {
    let scores: Vec<Value> = criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c["methods"]
                .as_array()
                .is_some_and(|m| m.contains(&json!(method)))
        })
        .map(|(i, c)| json!({"criterion_id": c["id"], "score": score_of(i, c)}))
        .collect();
    let token = tokens.panel(assessor)?;
    send!(
        svc,
        "submit a scoresheet",
        Method::POST,
        format!("/api/v1/applications/{application}/scoresheets"),
        token,
        Body::Json(json!({"method": method, "scores": scores})),
        StatusCode::OK
    )?;
    Ok(())
}

fn essential(c: &Value) -> bool {
    c["requirement"] == "essential"
}

async fn load<S: Svc<B>, B: MessageBody>(
    svc: &S,
    tokens: &Tokens,
    report: &mut DemoReport,
) -> Result<(), String> {
    let scoring = json!({"min": 0, "max": 3, "pass_mark": 2});
    let closing = closing_date();

    // 1. Social Worker Level 4 (seed 001): shortlisting under way, every flag raised.
    let (sw, criteria, _) = vacancy_from_seed(
        svc,
        tokens,
        json!({
            "reference": REF_SW4, "title": "Social Worker Level 4", "grade": "Grade L",
            "department": "Family & Children's Support and Safeguarding Service",
            "closing_date": closing, "dbs_level": "enhanced_barred_both",
            "driving_requirement": "regular", "max_penalty_points": 9,
            "max_at_fault_accidents": 3, "professional_registration": "Social Work England",
            "references_required": 2, "guaranteed_interview_scheme": true,
            "scoring": scoring, "shortlisting_methods": ["application"]
        }),
        SEED_SW4,
        None,
    )
    .await?;
    report.lines.push(format!(
        "Social Worker Level 4: {} criteria imported from seed 001",
        criteria.len()
    ));
    set_panel_and_open(svc, tokens, &sw).await?;
    let applicants = [
        Applicant {
            name: "Amara Okafor",
            declarations: declarations(0, true, false),
        },
        Applicant {
            name: "Ben Whitfield",
            declarations: declarations(3, true, false),
        },
        Applicant {
            name: "Carys Llewellyn",
            declarations: declarations(0, true, false),
        },
        Applicant {
            name: "Dev Patel",
            declarations: declarations(0, true, false),
        },
        Applicant {
            name: "Eilidh Fraser",
            declarations: declarations(0, true, true),
        },
        Applicant {
            name: "Femi Adeyemi",
            declarations: declarations(0, true, false),
        },
        Applicant {
            name: "Gareth Hughes",
            declarations: declarations(11, true, false),
        },
        Applicant {
            name: "Hannah Kowalski",
            declarations: declarations(0, false, false),
        },
        Applicant {
            name: "Imran Shah",
            declarations: declarations(6, true, false),
        },
        Applicant {
            name: "Jess O'Neill",
            declarations: declarations(0, true, false),
        },
        Applicant {
            name: "Kofi Mensah",
            declarations: declarations(0, true, false),
        },
    ];
    let mut ids = Vec::new();
    for a in &applicants {
        ids.push(apply(svc, tokens, &sw, a).await?);
    }
    let first_essential = criteria.iter().position(essential).unwrap_or(0);
    // Score rules per applicant (both assessors agree unless said otherwise).
    type Rule = fn(usize, &Value, usize) -> i64;
    let same: [Option<Rule>; 11] = [
        Some(|_, _, _| 3),                                  // top
        Some(|_, c, _| if essential(c) { 3 } else { 2 }),   // second
        Some(|_, _, _| 2),                                  // tied with the next
        Some(|_, _, _| 2),                                  // tied
        Some(|_, c, _| if essential(c) { 2 } else { 0 }),   // guaranteed interview
        Some(|i, _, first| if i == first { 1 } else { 3 }), // unmet essential
        Some(|_, _, _| 3),                                  // over the points limit
        Some(|_, _, _| 2),                                  // no licence
        None,                                               // needs moderation
        None,                                               // not yet scored
        None,                                               // moderated by the chair
    ];
    for (i, rule) in same.iter().enumerate() {
        if let Some(rule) = rule {
            for assessor in ["ann", "bob"] {
                score(
                    svc,
                    tokens,
                    &ids[i],
                    assessor,
                    "application",
                    &criteria,
                    |n, c| rule(n, c, first_essential),
                )
                .await?;
            }
        }
    }
    // Imran: 3 from Ann and 1 from Bob on the first essential, a spread the chair must
    // moderate. Kofi: the same spread, already moderated with an agreed 2.
    for who in [8, 10] {
        score(
            svc,
            tokens,
            &ids[who],
            "ann",
            "application",
            &criteria,
            |_, _| 3,
        )
        .await?;
        score(
            svc,
            tokens,
            &ids[who],
            "bob",
            "application",
            &criteria,
            |n, _| {
                if n == first_essential {
                    1
                } else {
                    3
                }
            },
        )
        .await?;
    }
    let chair = tokens.panel("cat")?;
    send!(
        svc,
        "record the chair's agreed score",
        Method::PUT,
        format!("/api/v1/applications/{}/agreed-scores", ids[10]),
        chair,
        Body::Json(json!({"method": "application", "scores": [
            {"criterion_id": criteria[first_essential]["id"], "score": 2,
             "evidence": "Moderated: supervised practice evidenced, not led"}
        ]})),
        StatusCode::OK
    )?;
    // A right-to-work check that failed before shortlisting (the recruiter checked the
    // share code early), so the shortlist shows a failed check too.
    send!(
        svc,
        "record a failed check",
        Method::PUT,
        format!("/api/v1/applications/{}/checks/right_to_work", ids[1]),
        tokens.recruiter,
        Body::Json(
            json!({"status": "failed", "reason": "Share code expired; no other evidence of right to work"})
        ),
        StatusCode::OK
    )?;
    report.lines.push(format!(
        "Social Worker Level 4: {} applicants, scored by ann and bob (chair cat)",
        applicants.len()
    ));
    report.social_worker = sw;

    // 2. Team Manager SC173 (seed 004, the form with a Measurement column), through a
    // plan of three steps: sift, test (Measurement 3), interview. On the way: a member
    // recused by a conflict of interest, a paper sheet typed in on a member's behalf, a
    // reserve promoted, an appeal upheld and feedback for every candidate turned down.
    let (tm, criteria, proposed) = vacancy_from_seed(
        svc,
        tokens,
        json!({
            "reference": REF_TM, "title": "Team Manager", "grade": "PO3",
            "department": "Children & Young People's Services",
            "closing_date": closing, "dbs_level": "enhanced_barred_children",
            "driving_requirement": "occasional",
            "professional_registration": "Social Work England", "references_required": 2,
            "scoring": scoring, "shortlisting_methods": ["application"]
        }),
        SEED_LEICESTER,
        Some(3229),
    )
    .await?;
    report.lines.push(format!(
        "Team Manager: {} criteria imported from seed 004 (Measurement column), with a proposed plan",
        criteria.len()
    ));
    // The import's proposed plan, with cut-offs as proposals beside each entry.
    let mut steps = proposed["steps"].clone();
    for step in steps.as_array_mut().ok_or("the import proposed no plan")? {
        match step["key"].as_str() {
            Some("sift") => step["cut_off"] = json!({"top": 4}),
            Some("test") => step["cut_off"] = json!({"min_percentage": 50}),
            _ => {}
        }
    }
    send!(
        svc,
        "set the assessment plan",
        Method::PUT,
        format!("/api/v1/vacancies/{tm}/assessment-plan"),
        tokens.recruiter,
        Body::Json(json!({"steps": steps})),
        StatusCode::OK
    )?;
    send!(
        svc,
        "set a panel with step limits",
        Method::PUT,
        format!("/api/v1/vacancies/{tm}/panel"),
        tokens.recruiter,
        Body::Json(json!({"members": [
            {"user_id": "ann", "role": "chair", "steps": ["sift", "interview"]},
            {"user_id": "bob", "role": "member", "steps": ["sift", "test"]},
            {"user_id": "cat", "role": "member"}
        ]})),
        StatusCode::OK
    )?;
    transition(svc, tokens, &tm, "open").await?;
    let mut tm_ids = Vec::new();
    for name in [
        "Lena Novak",
        "Marcus Reid",
        "Nia Evans",
        "Owen Clarke",
        "Rosa Mendes",
        "Sami Haddad",
    ] {
        let a = Applicant {
            name,
            declarations: declarations(0, true, false),
        };
        tm_ids.push(apply(svc, tokens, &tm, &a).await?);
    }
    let (lena, marcus, nia, owen, rosa, sami) = (
        &tm_ids[0], &tm_ids[1], &tm_ids[2], &tm_ids[3], &tm_ids[4], &tm_ids[5],
    );
    // Cat managed Marcus until last year: recused from his assessment at every step.
    let cat = tokens.panel("cat")?;
    send!(
        svc,
        "declare a conflict of interest",
        Method::POST,
        format!("/api/v1/applications/{marcus}/conflicts"),
        cat,
        Body::Json(
            json!({"user_id": "cat", "reason": "Line-managed the applicant until last year"})
        ),
        StatusCode::CREATED
    )?;
    // The sift: the application form and documents, by ann and bob. Bob marked Nia's
    // form on paper; the recruiter types it in on his behalf.
    let sift_score = |who: usize| {
        move |_: usize, c: &Value| match who {
            0 | 1 => 3,
            3 if essential(c) => 1,
            _ => 2,
        }
    };
    for (i, application) in tm_ids.iter().enumerate() {
        for method in ["application", "documents"] {
            score(
                svc,
                tokens,
                application,
                "ann",
                method,
                &criteria,
                sift_score(i),
            )
            .await?;
            if application == nia {
                let scores: Vec<Value> = criteria
                    .iter()
                    .filter(|c| {
                        c["methods"]
                            .as_array()
                            .is_some_and(|m| m.contains(&json!(method)))
                    })
                    .map(|c| json!({"criterion_id": c["id"], "score": 2}))
                    .collect();
                send!(
                    svc,
                    "enter a paper scoresheet on a member's behalf",
                    Method::POST,
                    format!("/api/v1/applications/{nia}/scoresheets"),
                    tokens.recruiter,
                    Body::Json(json!({"method": method, "on_behalf_of": "bob", "scores": scores})),
                    StatusCode::OK
                )?;
            } else {
                score(
                    svc,
                    tokens,
                    application,
                    "bob",
                    method,
                    &criteria,
                    sift_score(i),
                )
                .await?;
            }
        }
    }
    let decide = |step: &str| format!("/api/v1/vacancies/{tm}/steps/{step}/decisions");
    send!(
        svc,
        "record the sift decisions",
        Method::POST,
        decide("sift"),
        tokens.recruiter,
        Body::Json(json!({"decisions": [
            {"application_id": lena, "decision": "progressed", "reason_code": "meets_criteria", "reason": "Meets every essential criterion"},
            {"application_id": marcus, "decision": "progressed", "reason_code": "meets_criteria", "reason": "Meets every essential criterion"},
            {"application_id": nia, "decision": "progressed", "reason_code": "meets_criteria", "reason": "Meets every essential criterion"},
            {"application_id": rosa, "decision": "reserve", "reason_code": "meets_criteria", "reason": "Meets the essentials; test places are limited",
             "feedback": "You met the criteria for this post and are on our reserve list for the next stage."},
            {"application_id": sami, "decision": "not_progressed", "reason_code": "lower_score", "reason": "Ranked below the cut-off",
             "feedback": "Thank you for applying. Other applicants gave stronger evidence of managing a team."},
            {"application_id": owen, "decision": "not_progressed", "reason_code": "unmet_essential", "reason": "Essential criteria not evidenced",
             "feedback": "Your application did not show the three years' post-qualifying experience the post requires."}
        ]})),
        StatusCode::OK
    )?;
    transition(svc, tokens, &tm, "closed").await?;
    // The test after shortlisting (Measurement 3), by bob and cat (cat not for Marcus).
    let test_score = |application: &String| if application == nia { 1 } else { 3 };
    for application in [lena, marcus, nia] {
        score(
            svc,
            tokens,
            application,
            "bob",
            "test",
            &criteria,
            |_, _| test_score(application),
        )
        .await?;
        if application != marcus {
            score(
                svc,
                tokens,
                application,
                "cat",
                "test",
                &criteria,
                |_, _| test_score(application),
            )
            .await?;
        }
    }
    send!(
        svc,
        "record a test decision",
        Method::POST,
        decide("test"),
        tokens.recruiter,
        Body::Json(json!({"decisions": [
            {"application_id": nia, "decision": "not_progressed", "reason_code": "unmet_essential", "reason": "Written exercise below the pass mark",
             "feedback": "Your written exercise did not yet show the analysis of risk we need at this level."}
        ]})),
        StatusCode::OK
    )?;
    // A test place came free: Rosa comes off the reserve list. Sami appealed the sift
    // and the appeal was upheld (a scoring error): reinstated, with the reason.
    send!(
        svc,
        "promote the reserve and uphold an appeal",
        Method::POST,
        decide("sift"),
        tokens.recruiter,
        Body::Json(json!({"decisions": [
            {"application_id": rosa, "decision": "progressed", "reason_code": "meets_criteria", "reason": "Promoted from the reserve list: a test place came free"},
            {"application_id": sami, "decision": "progressed", "reason_code": "other", "reason": "Appeal upheld: the supervision evidence on page 3 was missed at the sift"}
        ]})),
        StatusCode::OK
    )?;
    for application in [rosa, sami] {
        for assessor in ["bob", "cat"] {
            score(
                svc,
                tokens,
                application,
                assessor,
                "test",
                &criteria,
                |_, _| 2,
            )
            .await?;
        }
    }
    send!(
        svc,
        "record the test decisions",
        Method::POST,
        decide("test"),
        tokens.recruiter,
        Body::Json(json!({"decisions": [
            {"application_id": lena, "decision": "progressed", "reason_code": "higher_score", "reason": "Strong written exercise"},
            {"application_id": marcus, "decision": "progressed", "reason_code": "higher_score", "reason": "Strong written exercise"},
            {"application_id": rosa, "decision": "not_progressed", "reason_code": "lower_score", "reason": "Below the two invited to interview",
             "feedback": "You passed the written exercise; two applicants scored higher."},
            {"application_id": sami, "decision": "not_progressed", "reason_code": "lower_score", "reason": "Below the two invited to interview",
             "feedback": "You passed the written exercise; two applicants scored higher."}
        ]})),
        StatusCode::OK
    )?;
    // The interview, by ann and cat (ann alone for Marcus).
    for (application, mark) in [(lena, 2), (marcus, 3)] {
        score(
            svc,
            tokens,
            application,
            "ann",
            "interview",
            &criteria,
            |_, _| mark,
        )
        .await?;
        if application != marcus {
            score(
                svc,
                tokens,
                application,
                "cat",
                "interview",
                &criteria,
                |_, _| mark,
            )
            .await?;
        }
    }
    send!(
        svc,
        "record the interview decisions",
        Method::POST,
        decide("interview"),
        tokens.recruiter,
        Body::Json(json!({"decisions": [
            {"application_id": marcus, "decision": "progressed", "reason_code": "higher_score", "reason": "Highest score at interview",
             "feedback": "Congratulations: we would like to offer you the post, subject to checks."},
            {"application_id": lena, "decision": "reserve", "reason_code": "meets_criteria", "reason": "Appointable; first reserve",
             "feedback": "You were appointable and are our first reserve should the post become available."}
        ]})),
        StatusCode::OK
    )?;
    let offer = marcus;
    send!(
        svc,
        "make a conditional offer",
        Method::POST,
        format!("/api/v1/applications/{offer}/transitions"),
        tokens.recruiter,
        Body::Json(json!({"to": "offered", "reason": "Highest score at interview"})),
        StatusCode::OK
    )?;
    for (kind, body) in [
        (
            "right_to_work",
            json!({"status": "clear", "details": {"notes": "UK passport seen"}}),
        ),
        (
            "references",
            json!({"status": "in_progress", "details": {"received": 1}}),
        ),
        (
            "professional_registration",
            json!({"status": "failed", "reason": "Registration lapsed; renewal applied for"}),
        ),
    ] {
        send!(
            svc,
            "record a pre-employment check",
            Method::PUT,
            format!("/api/v1/applications/{offer}/checks/{kind}"),
            tokens.recruiter,
            Body::Json(body),
            StatusCode::OK
        )?;
    }
    report.lines.push(
        "Team Manager: sift -> test -> interview for 6 applicants; cat recused from Marcus; \
         a paper sheet entered for bob; Rosa promoted from reserve; Sami's appeal upheld; \
         feedback for everyone turned down; offer made, checks clear, in progress and failed"
            .to_string(),
    );
    report.team_manager_applicant = sami.to_string();
    report.team_manager = tm;

    // 3. Alternatively Qualified Worker (seed 000): open, applications coming in.
    let (aqw, criteria, _) = vacancy_from_seed(
        svc,
        tokens,
        json!({
            "reference": REF_AQW, "title": "Alternatively Qualified Worker Level 2",
            "grade": "Grade 8", "department": "People and Communities", "hours_per_week": 37,
            "closing_date": closing, "dbs_level": "enhanced", "driving_requirement": "regular",
            "guaranteed_interview_scheme": true, "scoring": scoring,
            "shortlisting_methods": ["application"]
        }),
        SEED_AQW,
        None,
    )
    .await?;
    set_panel_and_open(svc, tokens, &aqw).await?;
    for name in ["Priya Nair", "Quinn Doherty"] {
        let a = Applicant {
            name,
            declarations: declarations(0, true, false),
        };
        apply(svc, tokens, &aqw, &a).await?;
    }
    report.lines.push(format!(
        "Alternatively Qualified Worker: {} criteria imported from seed 000, open with 2 applications",
        criteria.len()
    ));

    // 4. Advanced Practitioner (seed 002, third role profile): a draft, anonymised.
    let (draft, criteria, _) = vacancy_from_seed(
        svc,
        tokens,
        json!({
            "reference": REF_AP, "title": "Social Worker (Advanced Practitioner)",
            "grade": "Grade I", "closing_date": closing, "dbs_level": "enhanced_barred_children",
            "anonymised_shortlisting": true, "scoring": scoring,
            "shortlisting_methods": ["application"]
        }),
        SEED_ROLE_PROFILES,
        Some(53),
    )
    .await?;
    report.lines.push(format!(
        "Advanced Practitioner: {} criteria imported from seed 002 (draft, anonymised shortlisting)",
        criteria.len()
    ));
    report.draft = draft;
    Ok(())
}

/// The text `shortlist demo` prints.
pub fn render(report: &DemoReport, bind: &str) -> String {
    let mut out = String::new();
    if report.already_loaded {
        out.push_str(&format!(
            "The demo org \"{DEMO_ORG}\" is already loaded in this database.\n"
        ));
    } else {
        out.push_str(&format!("Loaded the demo org \"{DEMO_ORG}\":\n"));
        for line in &report.lines {
            out.push_str(&format!("  - {line}\n"));
        }
    }
    out.push_str("\nTokens (valid 24 hours), one per role:\n");
    for (role, sub, token) in &report.tokens {
        out.push_str(&format!(
            "  export {}_TOKEN={token}   # {sub}\n",
            role.as_str().to_uppercase()
        ));
    }
    let base = format!("http://{bind}/api/v1");
    out.push_str(&format!(
        "\nStart the server (`cargo run --release`) in another terminal, then try:\n\n\
         # 1. The ranked shortlist with its flags (ties, guaranteed interviews, moderation,\n\
         #    driving thresholds, unmet essentials, pending and failed checks)\n\
         curl -s -H \"Authorization: Bearer $RECRUITER_TOKEN\" \\\n  \
         {base}/vacancies/{sw}/shortlist | python3 -m json.tool\n\n\
         # 2. The same shortlist as CSV, one column per criterion\n\
         curl -s -H \"Authorization: Bearer $RECRUITER_TOKEN\" -H 'Accept: text/csv' \\\n  \
         {base}/vacancies/{sw}/shortlist\n\n\
         # 3. Import a person specification from a document (a dry run changes nothing)\n\
         curl -s -H \"Authorization: Bearer $RECRUITER_TOKEN\" -H 'Content-Type: text/markdown' \\\n  \
         --data-binary @tests/fixtures/seeds/000_f3ecf04fbcb1fea5.txt \\\n  \
         '{base}/vacancies/{draft}/criteria/import?dry_run=true' | python3 -m json.tool\n\n\
         # 4. A candidate's outcome as their portal sees it: steps reached and feedback\n\
         #    (Team Manager: sift -> test -> interview; this applicant's appeal was upheld)\n\
         curl -s -H \"Authorization: Bearer $PORTAL_TOKEN\" \\\n  \
         {base}/applications/{appellant}/outcome | python3 -m json.tool\n\n\
         More: {base}/vacancies/{tm}/shortlist?stage=test, {base}/vacancies/{tm}/summary\n\
         and the docs at http://{bind}/docs/\n",
        sw = report.social_worker,
        tm = report.team_manager,
        appellant = report.team_manager_applicant,
        draft = report.draft,
    ));
    out
}
