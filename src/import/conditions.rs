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

/// The kind of eligibility condition a text is about (ignoring registration, which is a
/// criterion when it sits among the qualifications).
pub fn kind(text: &str) -> Option<Kind> {
    let t = lower(text);
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
    {
        return Some(Kind::Dbs);
    }
    if has("bpss")
        || has("baseline personnel security")
        || has("security clearance")
        || has("security check")
        || has("counter terrorist check")
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
    {
        return Some(Kind::Driving);
    }
    if has("right to work")
        || has("eligibility to work")
        || has("eligible to work")
        || has(" nationals")
        || has("nationality")
        || has("resident in the uk")
    {
        return Some(Kind::RightToWork);
    }
    if has("pre-employment check") || has("occupational health clearance") {
        return Some(Kind::PreEmployment);
    }
    if is_registration(&t) {
        return Some(Kind::Registration);
    }
    None
}

fn is_registration(t: &str) -> bool {
    t.starts_with("registration with")
        || t.starts_with("registered with")
        || t.contains("registration with the")
        || t.contains("on the nmc register")
        || t.contains("hcpc registration")
        || t.contains("registration with social work england")
        || t.contains("registered with social work england")
}

/// A registration that applies on one route only ("HCPC registration if Social Work
/// qualified"): a condition wherever it sits.
pub fn route_specific(text: &str) -> bool {
    let t = lower(text);
    (t.contains("registration") || t.contains("registered"))
        && (t.contains(" if ") || t.contains(" where ") || t.contains(" when "))
}

/// Whether a category names qualifications, where a registration is a criterion.
pub fn qualification_category(category: &str) -> bool {
    let c = category.to_lowercase();
    c.contains("qualif") || c.contains("education") || c.contains("training")
}

/// Whether a marked criterion is really an eligibility condition.
pub fn criterion_is_condition(description: &str, category: &str) -> bool {
    if route_specific(description) {
        return true;
    }
    match kind(description) {
        None => false,
        Some(Kind::Registration) => !qualification_category(category),
        Some(_) => {
            // "Commitment to safeguarding…" is a criterion; "Must satisfy an enhanced DBS
            // check" is not. Knowledge of the law is a criterion.
            let t = lower(description);
            !(t.starts_with("knowledge")
                || t.starts_with("understanding")
                || t.starts_with("awareness")
                || t.starts_with("experience"))
        }
    }
}

/// Whether a prose sentence states a condition (not merely mentions one, as "We pay for
/// your DBS check" does).
pub fn sentence_is_condition(sentence: &str) -> bool {
    if kind(sentence).is_none() {
        return false;
    }
    let t = lower(sentence);
    [
        "must",
        "required",
        "requires",
        "subject to",
        "will need",
        "need to",
        "needs to",
        "open to",
        "politically restricted",
        "essential car user",
        "you will drive",
        "involves driving",
        "needed",
        "will be carried out",
        "undergo",
        "level of security",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// The settings a set of condition texts implies.
pub fn settings(texts: &[String]) -> SuggestedSettings {
    let mut s = SuggestedSettings::default();
    let mut dbs_rank = 0;
    for text in texts {
        let t = lower(text);
        let has = |w: &str| t.contains(w);
        // DBS: the strongest level any text asks for.
        let level = if has("enhanced") && (has("dbs") || has("disclosure")) {
            let children =
                has("children's barred") || has("child barred") || has("children barred");
            let adults = has("adults' barred") || has("adult barred") || has("adults barred");
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
        } else if has("dbs") {
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
        if kind(text) == Some(Kind::Driving) {
            let value = if has("drive council")
                || has("driving police")
                || has("drive police")
                || has("you will drive")
                || has("drive the")
                || has("drive our")
                || has("drive a council")
                || has("drive fleet")
                || has("company vehicle")
                || (has("drive") || has("driving")) && has("vehicles") && !has("own")
            {
                "required"
            } else if has("access to a car")
                || has("access to a vehicle")
                || has("use of a car")
                || has("use of a vehicle")
                || has("car user")
                || has("own car")
                || has("own vehicle")
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
    ];
    let t = lower(text);
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
    fn conditions_and_their_settings() {
        assert!(criterion_is_condition("Must be 18 or over", "Other"));
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
        let s = settings(&[
            "Must satisfy an enhanced DBS check, including the adults’ barred list".into(),
            "You must hold a full UK driving licence; you will drive council vehicles.".into(),
            "This post is politically restricted.".into(),
        ]);
        assert_eq!(s.dbs_level.as_deref(), Some("enhanced_barred_adults"));
        assert_eq!(s.driving_requirement.as_deref(), Some("required"));
        assert_eq!(s.politically_restricted, Some(true));
    }
}
