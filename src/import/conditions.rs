//! Eligibility conditions are not criteria: a minimum age, a DBS or vetting level, a
//! driving licence, the right to work, BPSS, political restriction, pre-employment checks,
//! a registration that applies only on one route. They are returned apart, with the
//! vacancy settings they imply.

use super::SuggestedSettings;

/// What kind of condition a text states, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Age,
    Dbs,
    Driving,
    RightToWork,
    Security,
    Political,
    PreEmployment,
    Registration,
}

fn lower(text: &str) -> String {
    text.to_lowercase().replace('’', "'")
}

/// How much of one criterion or sentence is read to classify it. A criterion is at most
/// 2,000 characters (longer ones are refused when imported), and a condition says what it
/// is in its first words; reading no further keeps a hostile one-line "criterion" of
/// megabytes from being scanned for every phrase below.
const CLASSIFIED_CHARS: usize = 4_000;

/// [`lower`] of a criterion's or sentence's first [`CLASSIFIED_CHARS`] characters.
fn lower_head(text: &str) -> String {
    let end = text
        .char_indices()
        .nth(CLASSIFIED_CHARS)
        .map_or(text.len(), |(at, _)| at);
    lower(&text[..end])
}

/// The kind of eligibility condition a text is about (ignoring registration, which is a
/// criterion when it sits among the qualifications).
pub fn kind(text: &str) -> Option<Kind> {
    let t = lower_head(text);
    let has = |w: &str| t.contains(w);
    // The candidate's own age ("aged 18 or over", "minimum age 23"), not the ages of the
    // people served ("young people aged 11–25").
    let age = has("or over")
        || has("or older")
        || has("be aged")
        || has("must be 1")
        || has("must be 2")
        || has("at least 18")
        || has("age of 18")
        || has("age of 21");
    if age && t.chars().any(|c| c.is_ascii_digit()) || has("minimum age") {
        return Some(Kind::Age);
    }
    if has("dbs")
        || has("disclosure and barring")
        || has("criminal record")
        || has("barred list")
        || has("vetting")
        || has("nppv")
        // Scotland's and Northern Ireland's checks.
        || has("pvg")
        || has("protecting vulnerable groups")
        || has("disclosure scotland")
        || has("accessni")
        || has("access ni")
    {
        return Some(Kind::Dbs);
    }
    if has("bpss")
        || has("baseline personnel security")
        || has("security clearance")
        || has("security check")
        || has("counter terrorist check")
        || has("counter-terrorist check")
    {
        return Some(Kind::Security);
    }
    if has("politically restricted") {
        return Some(Kind::Political);
    }
    if has("driving licence")
        || has("driving license")
        || has("driver's licence")
        || has("access to a car")
        || has("access to a vehicle")
        || has("use of a car")
        || has("use of a vehicle")
        || has("car user")
        // "Access to a form of transport that will allow you to carry out the duties of
        // the post": a way to travel between visits, as a car is.
        || has("access to transport")
        || has("form of transport")
        || has("means of transport")
        // "You will need to drive and have your own car insured for business use" (a car,
        // not "their own care").
        || own_car(&t)
        || has("own vehicle")
        || has("insured for business")
    {
        return Some(Kind::Driving);
    }
    if has("right to work")
        // "the right to live and work in the UK".
        || has("right to live and work")
        || has("eligibility to work")
        || has("eligible to work")
        || has("entitled to work")
        || has("permission to work")
        // A job board's field "Work authorisation: United Kingdom (required)".
        || has("work authoris")
        || has("work authoriz")
        || has(" nationals")
        || has("nationality")
        || has("resident in the uk")
        // A residency period ("lived in the UK continuously for the last three years"),
        // which vetting needs: a condition with no setting, like the right to work.
        || has("lived in the uk")
        || has("living in the uk")
        || has("resided in the uk")
        // "We are unable to offer visa sponsorship": only those already free to work here.
        || has("visa sponsorship")
        || has("sponsor a visa")
        || has("sponsor visas")
        // A foundation trust's director or governor must be a public member, i.e. live
        // in the area the trust serves: a residency, with no setting.
        || has("public member of")
    {
        return Some(Kind::RightToWork);
    }
    // A declaration under the Childcare (Disqualification) Regulations (early years).
    if has("pre-employment check")
        || has("occupational health clearance")
        || has("disqualification) regulations")
        || has("disqualification regulations")
        || has("disqualification by association")
        // A teacher's prohibition order (checked for every teaching post).
        || has("prohibition order")
        || has("prohibited from teaching")
        // A board member's eligibility: not disqualified as a trustee or company director
        // (with an academy trust's section 128 check), and the NHS board's fit and proper
        // person requirements.
        || has("disqualified from acting as")
        || has("disqualified from being a")
        || has("section 128 check")
        || has("fit and proper person")
        // A post open to one sex only under the Equality Act's occupational requirement
        // (Schedule 9): who may be appointed at all.
        || has("occupational requirement")
        || has("schedule 9")
        || has("open to women only")
        || has("open to men only")
    {
        return Some(Kind::PreEmployment);
    }
    if is_registration(&t) {
        return Some(Kind::Registration);
    }
    None
}

/// Whether a (lower-case) text names one's own car or cars as words: "own car", "own
/// cars", not "their own care" or "own carpet".
fn own_car(t: &str) -> bool {
    t.match_indices("own car").any(|(at, found)| {
        let before = t[..at].chars().next_back();
        let after = &t[at + found.len()..];
        let after = after.strip_prefix('s').unwrap_or(after);
        !before.is_some_and(char::is_alphabetic) && !after.starts_with(char::is_alphabetic)
    })
}

fn is_registration(t: &str) -> bool {
    t.starts_with("registration with")
        || t.starts_with("registered with")
        || t.contains("registration with the")
        || t.contains("on the nmc register")
        || t.contains("hcpc registration")
        || t.contains("registration with social work england")
        || t.contains("registered with social work england")
        || t.contains("must be registered")
        || t.contains("must register with")
        || t.contains("required to register with")
        || t.contains("must have current") && t.contains("registration")
        // "Registration as a social worker with Social Work England": a body named.
        || (t.starts_with("registration") || t.starts_with("registered"))
            && registration_body(t).is_some()
        // "Current Social Work England registration with no conditions of practice": a
        // body's registration held now.
        || ["current ", "valid ", "full "].iter().any(|p| t.starts_with(p))
            && registration_body(t).is_some()
}

/// A registration that applies on one route only ("HCPC registration if Social Work
/// qualified", "Registration with the GSCC (if a GSCC recognised qualification is
/// held)"): a condition wherever it sits.
pub fn route_specific(text: &str) -> bool {
    let t = lower_head(text);
    (t.contains("registration") || t.contains("registered"))
        && (t.contains(" if ")
            || t.contains("(if ")
            || t.contains(" where ")
            || t.contains(" when "))
}

/// Whether a category names qualifications, where a registration is a criterion.
pub fn qualification_category(category: &str) -> bool {
    let c = category.to_lowercase();
    c.contains("qualif") || c.contains("education") || c.contains("training")
}

/// Whether a marked criterion is really an eligibility condition.
pub fn criterion_is_condition(description: &str, category: &str) -> bool {
    // Knowing the law, or the limits of a role beside a registered one ("Understanding
    // of … when to refer to a registered audiologist"), is a criterion.
    let t = lower_head(description);
    let knowing =
        t.starts_with("knowledge") || t.starts_with("understanding") || t.starts_with("awareness");
    if route_specific(description) && !knowing {
        return true;
    }
    match kind(description) {
        None => false,
        Some(Kind::Registration) => !qualification_category(category) && !knowing,
        Some(_) => {
            // "Commitment to safeguarding…" is a criterion; "Must satisfy an enhanced DBS
            // check" is not. Knowledge of the law is a criterion.
            let t = lower_head(description);
            !(t.starts_with("knowledge")
                || t.starts_with("understanding")
                || t.starts_with("awareness")
                || t.starts_with("experience"))
        }
    }
}

/// Whether a criterion read by the seed layouts' recognisers (`spec`) is an eligibility
/// condition. Narrower than [`criterion_is_condition`]: those forms list a driving licence
/// or a registration among the qualifications, scored like any criterion (and the
/// hand-checked seed expectations count them so); a minimum age, pre-employment checks, a
/// DBS, vetting, right-to-work or security condition, or a registration on one route
/// only, is a condition there too.
pub fn seed_criterion_is_condition(description: &str, category: &str) -> bool {
    route_specific(description)
        || matches!(
            kind(description),
            Some(
                Kind::Age
                    | Kind::Dbs
                    | Kind::RightToWork
                    | Kind::Security
                    | Kind::Political
                    | Kind::PreEmployment
            )
        ) && criterion_is_condition(description, category)
}

/// An eligibility question a form answers with tick boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Question {
    /// "Is this post politically restricted?" (answered directly, or through its a)/b)).
    Political,
    /// "a) because of its salary level?", "b) because the post holder … advises …".
    PoliticalReason,
    /// "Is this post subject to exemption from the Rehabilitation of Offenders Act?"
    Rehabilitation,
    Bpss,
    Driving,
    Dbs,
}

const QUESTIONS: &[(&str, Question)] = &[
    ("politically restricted", Question::Political),
    ("because of its salary", Question::PoliticalReason),
    ("because the post", Question::PoliticalReason),
    ("rehabilitation of offenders", Question::Rehabilitation),
    ("bpss", Question::Bpss),
    ("baseline personnel security", Question::Bpss),
    ("car user", Question::Driving),
    ("driving licence required", Question::Driving),
    ("dbs check required", Question::Dbs),
    ("dbs disclosure required", Question::Dbs),
    ("level of dbs", Question::Dbs),
];

const TICKED: &[char] = &['✓', '✔', '☒', '☑', '■', '✗', '✘', '⊠'];
const UNTICKED: &[char] = &['☐', '□'];

/// The options ticked in the answer part of one question (`None`: no answer given).
/// Marks may follow their option ("Yes ☐ No ☒", "No✓") or precede it ("☒ Yes");
/// an answer written without boxes ("… or No") counts when it is the only one.
fn ticked_options(answer: &str, options: &[&'static str]) -> Option<Vec<&'static str>> {
    let answer = answer
        .replace("[x]", "☒")
        .replace("[X]", "☒")
        .replace("[ ]", "☐");
    let chars: Vec<char> = answer.chars().collect();
    let is_mark = |c: char| TICKED.contains(&c) || UNTICKED.contains(&c);
    // Each option word at a word boundary: (start, end) in chars.
    let mut found: Vec<(usize, usize, &'static str)> = Vec::new();
    for option in options {
        let word: Vec<char> = option.chars().collect();
        let mut i = 0;
        while i + word.len() <= chars.len() {
            let matches = chars[i..i + word.len()]
                .iter()
                .zip(&word)
                .all(|(a, b)| a.to_lowercase().eq(b.to_lowercase()))
                && chars[i].is_uppercase();
            let bounded = (i == 0 || !chars[i - 1].is_alphanumeric())
                && chars
                    .get(i + word.len())
                    .is_none_or(|c| !c.is_alphanumeric());
            if matches && bounded {
                found.push((i, i + word.len(), option));
                i += word.len();
            } else {
                i += 1;
            }
        }
    }
    if found.is_empty() {
        return None;
    }
    found.sort_unstable();
    let first_mark = chars.iter().position(|&c| is_mark(c));
    let Some(first_mark) = first_mark else {
        // No boxes: a single answer written out.
        let mut distinct: Vec<&'static str> = found.iter().map(|f| f.2).collect();
        distinct.dedup();
        return (distinct.len() == 1).then_some(distinct);
    };
    let marks_first = first_mark < found[0].0;
    let mut chosen = Vec::new();
    for &(start, end, option) in &found {
        let mark = if marks_first {
            chars[..start].iter().rev().find(|c| !c.is_whitespace())
        } else {
            chars[end..].iter().find(|c| !c.is_whitespace())
        };
        if mark.is_some_and(|c| TICKED.contains(c)) && !chosen.contains(&option) {
            chosen.push(option);
        }
    }
    (!chosen.is_empty()).then_some(chosen)
}

/// The eligibility questions a form answers with tick boxes (politically restricted,
/// exempt from the Rehabilitation of Offenders Act, BPSS, car user, DBS): the conditions
/// they impose and the settings they give. Linear in the text.
pub fn tick_boxes(text: &str) -> (Vec<String>, SuggestedSettings) {
    let mut settings = SuggestedSettings::default();
    let mut conditions = Vec::new();
    let t = lower(text);
    // Lower-casing can change byte offsets (rarely): then the questions are not read.
    if t.len() != text.len() {
        return (conditions, settings);
    }
    let mut at: Vec<(usize, usize, Question)> = Vec::new();
    for &(phrase, question) in QUESTIONS {
        for (position, _) in t.match_indices(phrase) {
            at.push((position, position + phrase.len(), question));
        }
    }
    at.sort_unstable_by_key(|&(position, _, _)| position);
    let mut reasons: Vec<bool> = Vec::new();
    // Each condition once, however often a form repeats its question.
    let add = |conditions: &mut Vec<String>, text: String| {
        if !conditions.contains(&text) {
            conditions.push(text);
        }
    };
    for (n, &(_, end, question)) in at.iter().enumerate() {
        let next = at.get(n + 1).map_or(text.len(), |&(p, _, _)| p);
        if next < end {
            continue;
        }
        let mut stop = next.min(end + 300);
        while !text.is_char_boundary(stop) {
            stop -= 1;
        }
        let segment = &text[end..stop];
        // The answer follows the question mark when there is one.
        let answer = segment.rsplit_once('?').map_or(segment, |(_, a)| a);
        let levels = ["Basic", "Standard", "Enhanced"];
        let options: Vec<&'static str> = if question == Question::Dbs {
            vec!["Yes", "No", "Basic", "Standard", "Enhanced"]
        } else {
            vec!["Yes", "No"]
        };
        let Some(chosen) = ticked_options(answer, &options) else {
            continue;
        };
        let yes = chosen.contains(&"Yes") || chosen.iter().any(|c| levels.contains(c));
        let no = chosen == ["No"];
        match question {
            Question::Political => {
                if yes {
                    settings.politically_restricted = Some(true);
                } else if no {
                    settings.politically_restricted.get_or_insert(false);
                }
            }
            Question::PoliticalReason => reasons.push(yes),
            Question::Rehabilitation if yes => {
                add(
                    &mut conditions,
                    "Exempt from the Rehabilitation of Offenders Act 1974: a DBS check applies"
                        .to_string(),
                );
                settings.dbs_level.get_or_insert_with(|| "standard".into());
            }
            Question::Rehabilitation => {}
            Question::Bpss => {
                if yes {
                    add(
                        &mut conditions,
                        "Baseline Personnel Security Standard (BPSS) clearance".into(),
                    );
                }
                settings.bpss_required = Some(yes);
            }
            Question::Driving => {
                if yes {
                    add(
                        &mut conditions,
                        "Car user: a driving licence and a car".into(),
                    );
                }
                settings.driving_requirement = Some(if yes { "regular" } else { "none" }.into());
            }
            Question::Dbs => {
                let level = if chosen.contains(&"Enhanced") {
                    Some("enhanced")
                } else if chosen.contains(&"Standard") {
                    Some("standard")
                } else if chosen.contains(&"Basic") || yes {
                    Some("basic")
                } else {
                    no.then_some("none")
                };
                if let Some(level) = level {
                    if level != "none" {
                        add(&mut conditions, format!("A {level} DBS check"));
                    }
                    settings.dbs_level = Some(level.into());
                }
            }
        }
    }
    if reasons.iter().any(|&yes| yes) {
        settings.politically_restricted = Some(true);
        add(
            &mut conditions,
            "Politically restricted (Local Government and Housing Act 1989)".into(),
        );
    } else if !reasons.is_empty() {
        settings.politically_restricted.get_or_insert(false);
    }
    (conditions, settings)
}

/// Whether a prose sentence states a condition (not merely mentions one, as "We pay for
/// your DBS check" does).
pub fn sentence_is_condition(sentence: &str) -> bool {
    if kind(sentence).is_none() {
        return false;
    }
    let t = lower_head(sentence);
    // "Essential car user allowance": a benefit the post pays, not a condition of it.
    if t.contains("car user allowance")
        && !["must", "require", "need", "licence"]
            .iter()
            .any(|w| t.contains(w))
    {
        return false;
    }
    [
        "must",
        "required",
        "requires",
        // "A full UK driving licence is a condition of appointment".
        "condition of appointment",
        // "Pre-employment: enhanced DBS with children's barred list check".
        "pre-employment:",
        "condition of employment",
        "subject to",
        // "Offers are conditional on a satisfactory basic DBS check".
        "conditional on",
        "conditional upon",
        "will need",
        "'ll need",
        "you need",
        " needs an",
        " needs a ",
        " need an ",
        " need a ",
        "need to",
        "needs to",
        "open to",
        "politically restricted",
        "essential car user",
        "you will drive",
        "involves driving",
        // "A full UK driving licence held for two years, to drive the Trust's 4x4": held
        // for a purpose of the post.
        "licence held",
        "to drive the",
        "needed",
        "will be carried out",
        // "Proof of your right to work will be checked", "A check will be made that …".
        "will be checked",
        "will be verified",
        "check will",
        // "We will also check at this stage: eligibility to work in the UK".
        "will check",
        "will also check",
        // "We cannot offer visa sponsorship": the right to work is needed already.
        "sponsorship",
        "undergo",
        "level of security",
        // "You will also be asked to complete a declaration under the Childcare
        // (Disqualification) Regulations".
        "asked to complete",
        "asked to sign",
        "asked to make",
        // An application form's declaration the candidate signs ("I confirm that I am
        // not disqualified from working in childcare under …"): to be able to sign it is
        // the condition.
        "i confirm that i am",
        "i confirm that i have",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Whether a (lower-case) condition says the post drives the employer's vehicle ("you
/// will drive council vehicles", "driving one of our vans"): a licence is then required.
fn employer_vehicle(t: &str) -> bool {
    let has = |w: &str| t.contains(w);
    has("drive council")
        || has("driving police")
        || has("drive police")
        || has("you will drive")
        || has("drive the")
        || has("drive our")
        || has("drive a council")
        || has("drive fleet")
        || has("company vehicle")
        || has("service vehicle")
        || has("pool car")
        || has("pool vehicle")
        || has("fleet vehicle")
        // "A full UK driving licence (Board vehicle provided)".
        || has("vehicle provided")
        || has("vehicle is provided")
        || has("vehicle will be provided")
        || has("van provided")
        || (has("drive") || has("driving")) && has("vehicles") && !has("own")
        // "driving one of our vans": a van is the employer's, not one's own car.
        || (has("drive") || has("driving"))
            && t.split(|c: char| !c.is_alphanumeric())
                .any(|w| matches!(w, "van" | "vans" | "minibus" | "minibuses"))
            && !has("own")
        // A licence category beyond a car's (C1 for an ambulance or van of 3.5–7.5
        // tonnes, D1 for a minibus, LGV / HGV, PCV): vehicles one drives for the
        // employer, not to get to work.
        || t.split(|c: char| !c.is_alphanumeric())
            .any(|w| matches!(w, "c1" | "d1" | "c1e" | "d1e" | "lgv" | "hgv" | "pcv"))
}

/// Whether a criterion is a driving licence the post needs to drive the employer's
/// vehicle ("Full UK driving licence – you will drive a liveried van"): a condition of
/// the job, not a qualification to score, wherever the table lists it.
pub fn drives_employers_vehicle(description: &str) -> bool {
    kind(description) == Some(Kind::Driving) && employer_vehicle(&lower_head(description))
}

/// The settings a set of condition texts implies.
pub fn settings(texts: &[String]) -> SuggestedSettings {
    let mut s = SuggestedSettings::default();
    let mut dbs_rank = 0;
    for text in texts {
        // "Enhanced DBS check (child workforce) without barred list check": no list.
        let t = [
            "without a check of the barred list",
            "without a barred list check",
            "without barred list check",
            "without a barred list",
            "without barred list",
            "without barred lists",
            "no barred list check",
        ]
        .iter()
        .fold(lower(text), |t, phrase| t.replace(phrase, ""));
        let has = |w: &str| t.contains(w);
        // DBS: the strongest level any text asks for.
        // Scotland's PVG Scheme is membership for regulated work with the groups named.
        let pvg = has("pvg") || has("protecting vulnerable groups");
        // "Barring information" (Northern Ireland's AccessNI) asks for the lists too; the
        // Disclosure and Barring Service's name does not.
        let barring = t.replace("disclosure and barring", "").contains("barring");
        let barred = has("barred") || barring || pvg;
        let check = has("dbs") || has("disclosure") || has("accessni") || has("access ni");
        let level = if has("enhanced") && check || pvg {
            let children = has("children's barred")
                || has("child barred")
                || has("children barred")
                || barred && has("children");
            let adults = has("adults' barred")
                || has("adult barred")
                || has("adults barred")
                || barred && (has("adults") || has("protected adult"));
            let both = has("both barred") || (children && adults);
            if both {
                Some((6, "enhanced_barred_both"))
            } else if children {
                Some((5, "enhanced_barred_children"))
            } else if adults {
                Some((5, "enhanced_barred_adults"))
            } else if has("barred list") {
                Some((5, "enhanced_barred_both"))
            } else {
                Some((4, "enhanced"))
            }
        } else if has("standard dbs") || has("standard disclosure") {
            Some((3, "standard"))
        } else if has("basic dbs") || has("basic disclosure") || has("criminal record check") {
            Some((2, "basic"))
        } else if has("dbs") || has("accessni") || has("access ni") {
            Some((1, "basic"))
        } else {
            None
        };
        if let Some((rank, name)) = level {
            if rank > dbs_rank {
                dbs_rank = rank;
                s.dbs_level = Some(name.to_string());
            }
        }
        let employer_vehicle = employer_vehicle(&t);
        // Another condition may give the reason it is asked for: "Aged 21 or over (for
        // insurance when driving the minibus)" asks for a driver too.
        let drives = has("driving the") || has("drive the");
        if kind(text) == Some(Kind::Driving) || drives && employer_vehicle {
            let value = if employer_vehicle {
                "required"
            } else if has("access to a car")
                || has("car available")
                || has("car for business")
                || has("access to a vehicle")
                || has("use of a car")
                || has("use of a vehicle")
                || has("car user")
                || has("own car")
                || has("own vehicle")
                // "Full driving licence and own transport": a car of one's own.
                || has("own transport")
                || has("access to transport")
                || has("form of transport")
                || has("means of transport")
                // "a full licence and a car you can use for work".
                || [" car ", " car.", " car,", " vehicle "]
                    .iter()
                    .any(|w| format!("{t} ").contains(w))
                    && !has("no car")
                    && !has("without a car")
            {
                "regular"
            } else {
                "occasional"
            };
            let rank = |v: &str| match v {
                "required" => 3,
                "regular" => 2,
                _ => 1,
            };
            if s.driving_requirement
                .as_deref()
                .is_none_or(|old| rank(old) < rank(value))
            {
                s.driving_requirement = Some(value.to_string());
            }
        }
        if has("bpss") || has("baseline personnel security") {
            s.bpss_required = Some(true);
        }
        if has("politically restricted") {
            s.politically_restricted = Some(true);
        }
        if s.professional_registration.is_none() {
            s.professional_registration = registration_body(text);
        }
    }
    s
}

/// The registration body a text names.
pub fn registration_body(text: &str) -> Option<String> {
    let known = [
        ("health and care professions council", "HCPC"),
        ("hcpc", "HCPC"),
        ("nursing and midwifery council", "NMC"),
        ("nmc", "NMC"),
        ("social work england", "Social Work England"),
        ("social care wales", "Social Care Wales"),
        ("environmental health registration board", "EHRB"),
        ("ehrb", "EHRB"),
        ("general medical council", "GMC"),
        ("gmc", "GMC"),
        ("general pharmaceutical council", "GPhC"),
        ("gphc", "GPhC"),
        ("building safety regulator", "Building Safety Regulator"),
        ("registered building inspector", "Building Safety Regulator"),
        ("teaching regulation agency", "TRA"),
        ("northern ireland social care council", "NISCC"),
        ("niscc", "NISCC"),
        ("scottish social services council", "SSSC"),
        ("sssc", "SSSC"),
        ("academy for healthcare science", "AHCS"),
        ("ahcs", "AHCS"),
        ("general dental council", "GDC"),
        ("general optical council", "GOC"),
    ];
    let t = lower_head(text);
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).collect();
    if !(t.contains("regist") || t.contains("register")) {
        return None;
    }
    known
        .iter()
        .find(|(name, _)| {
            if name.contains(' ') {
                t.contains(name)
            } else {
                words.contains(name)
            }
        })
        .map(|(_, short)| short.to_string())
}

/// Splits prose into sentences (at `. `, `? `, `! ` followed by a capital).
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        current.push(c);
        if matches!(c, '.' | '?' | '!') {
            let next = chars.get(i + 1).copied();
            let after = chars.get(i + 2).copied();
            if next.is_none() || (next == Some(' ') && after.is_some_and(|a| a.is_uppercase())) {
                let s = current.trim().to_string();
                if !s.is_empty() {
                    out.push(s);
                }
                current.clear();
            }
        }
    }
    let s = current.trim().to_string();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_declaration_is_a_condition() {
        let declared = "Childcare disqualification: I confirm that I am not disqualified from \
                        working in childcare under the Childcare (Disqualification) Regulations 2018";
        assert!(sentence_is_condition(declared));
        // A declaration about nothing a condition names is no condition.
        assert!(!sentence_is_condition(
            "I confirm that I have read the guidance notes."
        ));
    }

    #[test]
    fn an_own_car_insured_for_business_is_a_driving_condition() {
        let car = "You will need to drive and have your own car insured for business use.";
        assert_eq!(kind(car), Some(Kind::Driving));
        assert!(sentence_is_condition(car));
        let s = settings(&[car.into()]);
        assert_eq!(s.driving_requirement.as_deref(), Some("regular"));
        assert_eq!(kind("Use of your own cars for visits"), Some(Kind::Driving));
        // Care is not a car.
        let care = "You know that people have the right to make choices about their own care.";
        assert_eq!(kind(care), None);
        assert_eq!(kind("Known carers in the area"), None);
    }

    #[test]
    fn access_to_transport_is_a_driving_condition_and_a_declaration_is_a_check() {
        let transport =
            "Access to a form of transport that will allow you to carry out the duties \
            of the post across the locality";
        assert_eq!(kind(transport), Some(Kind::Driving));
        assert!(criterion_is_condition(transport, "Other requirements"));
        let s = settings(&[transport.into()]);
        assert_eq!(s.driving_requirement.as_deref(), Some("regular"));
        assert!(sentence_is_condition(
            "You will also be asked to complete a declaration under the Childcare \
             (Disqualification) Regulations 2018."
        ));
        // Mentioned, not asked of the candidate.
        assert!(!sentence_is_condition(
            "We follow the Childcare (Disqualification) Regulations 2018."
        ));
    }

    #[test]
    fn northern_irish_and_scottish_checks_registrations_and_cars() {
        let s = settings(&[
            "You will need an Enhanced AccessNI check with barring information for working \
             with vulnerable adults."
                .into(),
        ]);
        assert_eq!(s.dbs_level.as_deref(), Some("enhanced_barred_adults"));
        // The Disclosure and Barring Service's name is not a barred-list check.
        let s = settings(&[
            "An enhanced Disclosure and Barring Service check is needed for work with children."
                .into(),
        ]);
        assert_eq!(s.dbs_level.as_deref(), Some("enhanced"));
        let sentence = "You must register with the Scottish Social Services Council (SSSC) \
                        within six months of starting.";
        assert!(sentence_is_condition(sentence));
        assert_eq!(registration_body(sentence).as_deref(), Some("SSSC"));
        assert_eq!(
            registration_body("Current registration with the NISCC is required.").as_deref(),
            Some("NISCC")
        );
        assert!(sentence_is_condition(
            "Applicants must be able to show that they are legally entitled to work in the UK."
        ));
        let car = |text: &str| settings(&[text.into()]).driving_requirement;
        assert_eq!(
            car("Full UK driving licence and a car you can use for work").as_deref(),
            Some("regular")
        );
        assert_eq!(
            car("Full UK driving licence (no car needed)").as_deref(),
            Some("occasional")
        );
        assert_eq!(
            car("Full UK driving licence (the post holder will use a service vehicle)").as_deref(),
            Some("required")
        );
        assert_eq!(
            car("A driving licence, as you will be driving one of our vans").as_deref(),
            Some("required")
        );
        assert_ne!(
            car("A driving licence and your own van for work").as_deref(),
            Some("required")
        );
        assert_eq!(
            car("A full UK driving licence (Board vehicle provided)").as_deref(),
            Some("required")
        );
    }

    #[test]
    fn a_registration_naming_its_body_is_a_registration() {
        assert!(is_registration(
            "current social work england registration with no conditions of practice"
        ));
        assert!(!is_registration(
            "current awareness of social work practice"
        ));
        let text = "Registration as a social worker with Social Work England";
        assert_eq!(kind(text), Some(Kind::Registration));
        assert!(criterion_is_condition(text, "Conditions of appointment"));
        assert!(!criterion_is_condition(text, "Qualifications"));
        assert_eq!(kind("Registration of births and deaths"), None);
    }

    #[test]
    fn a_check_without_the_barred_list_and_an_early_years_declaration() {
        let s =
            settings(&["Enhanced DBS check (child workforce) without barred list check".into()]);
        assert_eq!(s.dbs_level.as_deref(), Some("enhanced"));
        let s =
            settings(&["An enhanced DBS check with a check of the children's barred list".into()]);
        assert_eq!(s.dbs_level.as_deref(), Some("enhanced_barred_children"));
        let declaration = "Staff working in the Early Years must complete a declaration under \
                           the Childcare (Disqualification) Regulations 2018.";
        assert!(sentence_is_condition(declaration));
        assert_eq!(
            settings(&[declaration.into()]),
            SuggestedSettings::default()
        );
    }

    #[test]
    fn a_residency_period_and_a_check_staff_need_are_conditions() {
        assert_eq!(
            kind("Have you been living in the UK for the past five years?"),
            Some(Kind::RightToWork)
        );
        assert!(sentence_is_condition(
            "All our drivers need a standard DBS check."
        ));
        assert!(!sentence_is_condition("We need a team player."));
        assert_eq!(
            kind("You must have the right to live and work in the UK"),
            Some(Kind::RightToWork)
        );
    }

    #[test]
    fn checks_stated_as_future_checks_are_conditions() {
        assert!(sentence_is_condition(
            "Proof of your right to work in the UK will be checked at interview."
        ));
        assert!(sentence_is_condition(
            "A check will also be made that you are not subject to a prohibition order from teaching."
        ));
        assert!(!sentence_is_condition(
            "References will be checked before interview."
        ));
    }

    #[test]
    fn conditions_and_their_settings() {
        assert!(criterion_is_condition("Must be 18 or over", "Other"));
        assert!(!criterion_is_condition(
            "Understanding of when to refer to a registered audiologist",
            "Knowledge"
        ));
        assert!(criterion_is_condition(
            "Full UK driving licence and access to a car, with business insurance",
            "Other requirements"
        ));
        assert!(!criterion_is_condition(
            "Registration with the Health and Care Professions Council (HCPC)",
            "Education / Qualifications"
        ));
        assert!(criterion_is_condition(
            "Registration with Social Work England",
            "Special requirements"
        ));
        assert!(criterion_is_condition(
            "HCPC registration if Social Work qualified",
            "Qualifications"
        ));
        assert!(!criterion_is_condition(
            "Commitment to safeguarding children",
            "Values"
        ));
        assert!(!sentence_is_condition("We pay for your DBS check."));
        assert!(!sentence_is_condition("Essential car user allowance"));
        assert!(sentence_is_condition(
            "A full UK driving licence is a condition of appointment because the post holder drives the council's vans."
        ));
        assert!(sentence_is_condition(
            "We will also check at this stage: Eligibility to work in the UK (we cannot \
             offer visa sponsorship for this post)."
        ));
        assert!(sentence_is_condition(
            "You need the right to work in the UK; we cannot offer visa sponsorship."
        ));
        let s = settings(&[
            "Must satisfy an enhanced DBS check, including the adults’ barred list".into(),
            "You must hold a full UK driving licence; you will drive council vehicles.".into(),
            "This post is politically restricted.".into(),
        ]);
        assert_eq!(s.dbs_level.as_deref(), Some("enhanced_barred_adults"));
        assert_eq!(s.driving_requirement.as_deref(), Some("required"));
        assert_eq!(s.politically_restricted, Some(true));
    }

    #[test]
    fn driving_settings_read_own_transport_and_the_employers_minibus() {
        let s = settings(&["Full driving licence and own transport".into()]);
        assert_eq!(s.driving_requirement.as_deref(), Some("regular"));
        // An age asked for because the post drives the employer's minibus.
        let s = settings(&["Aged 21 or over (for insurance when driving the minibus)".into()]);
        assert_eq!(s.driving_requirement.as_deref(), Some("required"));
        // An age alone asks for no driver.
        let s = settings(&["Aged 18 or over".into()]);
        assert_eq!(s.driving_requirement, None);
        // A licence of a category beyond a car's drives the employer's vehicle.
        let s = settings(&["Full manual UK driving licence with category C1 entitlement".into()]);
        assert_eq!(s.driving_requirement.as_deref(), Some("required"));
        // A licence to drive the employer's van is a condition wherever it is listed; a
        // bare licence may be a qualification.
        assert!(drives_employers_vehicle(
            "Full UK driving licence – you will drive a Greywell Homes liveried van"
        ));
        assert!(!drives_employers_vehicle("Full driving licence"));
    }

    #[test]
    fn seed_conditions_leave_licences_and_registrations_as_criteria() {
        assert!(seed_criterion_is_condition(
            "Minimum age 23",
            "Other conditions"
        ));
        assert!(seed_criterion_is_condition(
            "Must satisfy relevant pre-employment checks",
            "Other conditions"
        ));
        assert!(seed_criterion_is_condition(
            "(HCPC registration if Social Work qualified)",
            "Training & education"
        ));
        assert!(!seed_criterion_is_condition(
            "Full driving licences and access to a car",
            "Training & education"
        ));
        assert!(!seed_criterion_is_condition(
            "Registration with the General Social Care Council (GSCC)",
            "Other conditions"
        ));
    }

    #[test]
    fn no_sponsorship_and_a_licence_held_to_drive_are_conditions() {
        assert!(sentence_is_condition(
            "We are unable to offer visa sponsorship for this role."
        ));
        assert!(sentence_is_condition(
            "A full UK driving licence held for at least two years, to drive the van"
        ));
        assert!(!sentence_is_condition(
            "Staff who drive get a parking permit."
        ));
    }

    #[test]
    fn a_criterion_is_classified_by_its_head_only() {
        let long = "word ".repeat(100_000);
        assert_eq!(kind(&format!("Enhanced DBS check {long}")), Some(Kind::Dbs));
        // Past the first CLASSIFIED_CHARS characters nothing is read (such a criterion is
        // refused for its length anyway).
        assert_eq!(kind(&format!("{long} enhanced DBS check")), None);
        assert!(criterion_is_condition("Must be aged 18 or over", "Other"));
    }

    #[test]
    fn tick_boxes_answer_the_eligibility_questions() {
        // Seed 004, SC904: ticks after the answer, in one paragraph.
        let (conditions, s) = tick_boxes(
            "Is this post classified as “politically restricted”, as in the Local Government \
             and Housing Act 1989, either a) because of its salary level? or No✓ b) because the \
             post holder is required regularly to advise the Council? No✓ Is this post subject \
             to exemption from The Rehabilitation of Offenders Act 1974? Yes✓",
        );
        assert_eq!(s.politically_restricted, Some(false));
        assert_eq!(s.dbs_level.as_deref(), Some("standard"));
        assert_eq!(conditions.len(), 1, "{conditions:?}");
        // Boxes after each option, one ticked.
        let (_, s) = tick_boxes(
            "a) Because of its salary level? , or Yes ☐ No ☒\nb) Because the postholder is \
             required regularly to advise the Council? Yes ☒ No ☐\nIs this post subject to \
             exemption from The Rehabilitation of Offenders Act 1974? Yes ☐ No ☒",
        );
        assert_eq!(s.politically_restricted, Some(true));
        assert_eq!(s.dbs_level, None);
        // Boxes before the options; BPSS and a car user.
        let (conditions, s) = tick_boxes(
            "BPSS clearance required: ☒ Yes ☐ No\nEssential car user: [x] Yes [ ] No\n\
             DBS check required: ☐ Basic ☐ Standard ☒ Enhanced",
        );
        assert_eq!(s.bpss_required, Some(true));
        assert_eq!(s.driving_requirement.as_deref(), Some("regular"));
        assert_eq!(s.dbs_level.as_deref(), Some("enhanced"));
        assert_eq!(conditions.len(), 3, "{conditions:?}");
        // Unticked boxes answer nothing; a written answer without boxes does.
        let (_, s) = tick_boxes("BPSS required? Yes ☐ No ☐");
        assert_eq!(s.bpss_required, None);
        let (_, s) = tick_boxes("a) because of its salary level , or No");
        assert_eq!(s.politically_restricted, Some(false));
    }

    #[test]
    fn a_board_members_eligibility_is_a_condition() {
        assert!(sentence_is_condition(
            "Governors must not be disqualified from acting as a company director."
        ));
        assert!(sentence_is_condition(
            "Directors must meet the fit and proper person requirements."
        ));
        assert!(sentence_is_condition(
            "You must be a public member of the trust, living in its area."
        ));
        assert!(!sentence_is_condition("We are a public body."));
    }

    #[test]
    fn a_post_open_to_one_sex_only_is_a_condition() {
        assert!(sentence_is_condition(
            "This post is open to women only under Schedule 9, Part 1 of the Equality Act 2010."
        ));
        assert!(!sentence_is_condition("Our services are open to everyone."));
        assert!(sentence_is_condition(
            "Offers are conditional on a satisfactory basic DBS check, references and occupational health clearance."
        ));
    }
}
