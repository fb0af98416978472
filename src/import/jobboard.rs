//! A vacancy copied from a commercial job board: the board's meta fields (pay, job type,
//! schedule, benefits, work location), the employer's free text – duties, a list of what
//! the candidate needs ("What you'll need:", "The successful candidate will have:") and
//! one of what would help ("Nice to have:", "Desirable:") – and then the board's
//! structured qualification fields, each a label over values that end in the board's
//! mark: "Education:" / "- GCSE or equivalent (required)", "Experience:" / "- Early
//! years: 3 years (preferred)", "Language: English (required)".
//!
//! A reader takes a structured field's label as the category of its values, "(required)"
//! as essential and "(preferred)" as desirable, and the free-text lists as the essential
//! and desirable criteria (no category); the meta fields, duties and application
//! questions are not criteria. The text form of such a listing is rewritten so it reads
//! as any other specification: the free-text lists and the structured fields are moved,
//! where the first of them was printed, into one "Person specification" section – an
//! essential and a desirable list, then one list per field label with each value marked
//! "(essential)" / "(desirable)". A field value that is an eligibility condition
//! ("Driving Licence (required)", "Work authorisation: United Kingdom (required)") is
//! not a criterion: it is printed after the section as a sentence of its own, where the
//! conditions are read.
//!
//! Only a listing is rewritten: at least [`MIN_FIELD_VALUES`] values must end in the
//! board's marks. Everything else stays as printed. Linear in the text.

use std::borrow::Cow;

use super::{conditions, methods};
use crate::domain::Method;

/// How many marked field values make a document a job-board listing.
const MIN_FIELD_VALUES: usize = 3;

/// The most words in a field's or list's label: longer is a sentence ending in a colon.
const MAX_LABEL_WORDS: usize = 6;

/// The most sentences of a recruitment paragraph read for methods.
const MAX_SENTENCES: usize = 20;

/// The most words of a method sentence's subject ("an assessment of your phlebotomy and
/// ECG technique") matched against the criteria.
const MAX_TOPIC_WORDS: usize = 10;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Level {
    Essential,
    Desirable,
}

impl Level {
    fn word(self) -> &'static str {
        match self {
            Level::Essential => "essential",
            Level::Desirable => "desirable",
        }
    }
}

/// A label and the values under it (or after it on its line), with the lines it spans.
struct Group<'a> {
    start: usize,
    end: usize,
    label: String,
    values: Vec<&'a str>,
}

/// One sentence of the listing's recruitment paragraph ("How we recruit: …", "How to
/// apply: …"): the methods it names and which criteria it names them for.
struct Stage {
    methods: Vec<Method>,
    /// The field labels it names ("certificates for the qualifications listed under
    /// Education"), lower case: its methods are those fields' only.
    labels: Vec<String>,
    /// The words of what it assesses ("a practical assessment of your phlebotomy"): its
    /// methods are those only of the criteria that name one of them.
    topic: Vec<String>,
}

/// What a group is to the rewrite.
enum Role {
    /// The board's structured field: values that each end in a mark.
    Field,
    /// A free-text list of what the candidate needs or what would help.
    List(Level),
    /// The board's questions to applicants ("Application question(s):"): asked when
    /// applying, not requirements. Left out.
    Questions,
    /// Anything else (duties, benefits, schedule): left as printed.
    Other,
}

/// The text with a job-board listing's requirements gathered into one specification (see
/// the module's comment); the text as it is when it is not such a listing.
pub fn gathered(text: &str) -> Cow<'_, str> {
    let lines: Vec<&str> = text.lines().collect();
    let groups = scan(&lines);
    let marked: usize = groups
        .iter()
        .filter(|g| matches!(role(g), Role::Field))
        .map(|g| g.values.len())
        .sum();
    if marked < MIN_FIELD_VALUES {
        return Cow::Borrowed(text);
    }
    let mut essential: Vec<&str> = Vec::new();
    let mut desirable: Vec<&str> = Vec::new();
    // (label, [(value, level)]) in the order printed.
    let mut fields: Vec<(String, Vec<(&str, Level)>)> = Vec::new();
    let mut conditions_found: Vec<String> = Vec::new();
    let mut moved = vec![false; lines.len()];
    let mut first: Option<usize> = None;
    for g in &groups {
        match role(g) {
            Role::Other => continue,
            Role::Questions => {
                moved[g.start..g.end].iter_mut().for_each(|m| *m = true);
                continue;
            }
            Role::List(level) => match level {
                Level::Essential => essential.extend(&g.values),
                Level::Desirable => desirable.extend(&g.values),
            },
            Role::Field => {
                let mut values = Vec::new();
                for v in &g.values {
                    let (value, level) = marked_value(v).unwrap_or((v, Level::Essential));
                    let joined = format!("{}: {value}", g.label);
                    if conditions::kind(&joined).is_some() || conditions::kind(value).is_some() {
                        conditions_found.push(format!("{}: {}.", g.label, v.trim()));
                    } else {
                        values.push((value, level));
                    }
                }
                if !values.is_empty() {
                    fields.push((g.label.clone(), values));
                }
            }
        }
        first.get_or_insert(g.start);
        moved[g.start..g.end].iter_mut().for_each(|m| *m = true);
    }
    let items: Vec<&str> = essential
        .iter()
        .chain(&desirable)
        .copied()
        .chain(
            fields
                .iter()
                .flat_map(|(_, v)| v.iter().map(|(value, _)| *value)),
        )
        .collect();
    let stages = recruitment(&lines, &moved, &fields, &items);
    let mut out = String::with_capacity(text.len() + 256);
    for (i, line) in lines.iter().enumerate() {
        if first == Some(i) {
            let spec = Spec {
                essential: &essential,
                desirable: &desirable,
                fields: &fields,
                conditions: &conditions_found,
                stages: &stages,
            };
            render(&spec, &mut out);
        }
        if !moved[i] {
            out.push_str(line);
            out.push('\n');
        }
    }
    Cow::Owned(out)
}

/// What the rewrite gathered from a listing.
struct Spec<'s, 'a> {
    essential: &'s [&'a str],
    desirable: &'s [&'a str],
    fields: &'s [(String, Vec<(&'a str, Level)>)],
    conditions: &'s [String],
    stages: &'s [Stage],
}

/// The specification section: the free-text lists, then one list per field label, each
/// item with the methods the recruitment paragraph gives it, then the conditions among
/// the field values as sentences.
fn render(spec: &Spec, out: &mut String) {
    out.push_str("## Person specification\n\n");
    for (heading, items) in [
        ("Essential criteria", spec.essential),
        ("Desirable criteria", spec.desirable),
    ] {
        if items.is_empty() {
            continue;
        }
        out.push_str(&format!("### {heading}\n\n"));
        for item in items {
            let assessed = assessed_by(spec.stages, None, item);
            out.push_str(&format!("- {item}{assessed}\n"));
        }
        out.push('\n');
    }
    for (label, values) in spec.fields {
        out.push_str(&format!("### {label}\n\n"));
        for (value, level) in values {
            let assessed = assessed_by(spec.stages, Some(label), value);
            out.push_str(&format!("- {value} ({}){assessed}\n", level.word()));
        }
        out.push('\n');
    }
    for condition in spec.conditions {
        out.push_str(condition);
        out.push_str("\n\n");
    }
}

/// The stages of the listing's recruitment paragraph: the first line left in place whose
/// short label speaks of recruiting, applying, selecting or assessing ("How we recruit:
/// …") and that names a method; none when there is no such line.
fn recruitment(
    lines: &[&str],
    moved: &[bool],
    fields: &[(String, Vec<(&str, Level)>)],
    items: &[&str],
) -> Vec<Stage> {
    let paragraph = lines.iter().zip(moved).find_map(|(line, &moved)| {
        let (label, body) = plain(line).split_once(": ")?;
        let l = label.to_lowercase();
        let about = ["recruit", "apply", "select", "assess", "shortlist"]
            .iter()
            .any(|w| l.contains(w));
        (!moved && short_label(label) && about && !methods::words(body).is_empty()).then_some(body)
    });
    let Some(paragraph) = paragraph else {
        return Vec::new();
    };
    let labels: Vec<String> = fields.iter().map(|(l, _)| l.to_lowercase()).collect();
    conditions::sentences(paragraph)
        .iter()
        .take(MAX_SENTENCES)
        .filter_map(|sentence| {
            let methods = methods::words(sentence);
            if methods.is_empty() {
                return None;
            }
            let lower = sentence.to_lowercase();
            let named: Vec<String> = labels
                .iter()
                .filter(|l| lower.contains(l.as_str()))
                .cloned()
                .collect();
            let mut topic = if named.is_empty() {
                topic(&lower)
            } else {
                Vec::new()
            };
            // A subject no criterion names is the whole specification's.
            if !items.iter().any(|item| names_topic(&topic, item)) {
                topic.clear();
            }
            Some(Stage {
                methods,
                labels: named,
                topic,
            })
        })
        .collect()
}

/// The words of what a sentence says is assessed: after "assessment of", "test of",
/// "exercise on" … ("a practical assessment of your phlebotomy and ECG technique" →
/// phlebotomy, ecg, technique).
fn topic(lower: &str) -> Vec<String> {
    const STOP: &[&str] = &[
        "your", "the", "and", "our", "with", "for", "you", "any", "how",
    ];
    let at = [
        "assessment of ",
        "test of ",
        "exercise on ",
        "observation of ",
    ]
    .iter()
    .find_map(|w| lower.find(w).map(|at| at + w.len()));
    let Some(at) = at else {
        return Vec::new();
    };
    lower[at..]
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 3 && !STOP.contains(w))
        .take(MAX_TOPIC_WORDS)
        .map(str::to_string)
        .collect()
}

/// Whether a criterion names one of a stage's subject words (a word of it starting with
/// one: "ECG" names "ECGs").
fn names_topic(topic: &[String], item: &str) -> bool {
    !topic.is_empty()
        && item
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| topic.iter().any(|t| w.starts_with(t.as_str())))
}

/// The methods the stages give one criterion (of a field with its label, or of a
/// free-text list), written after it in brackets ("[Application, Interview]"); empty
/// when they give none.
fn assessed_by(stages: &[Stage], label: Option<&str>, item: &str) -> String {
    let label = label.map(str::to_lowercase);
    let mut found: Vec<Method> = Vec::new();
    for stage in stages {
        let applies = if !stage.labels.is_empty() {
            label.as_ref().is_some_and(|l| stage.labels.contains(l))
        } else if !stage.topic.is_empty() {
            names_topic(&stage.topic, item)
        } else {
            true
        };
        if applies {
            found.extend(stage.methods.iter().copied());
        }
    }
    found.sort_by_key(|m| Method::ALL.iter().position(|x| x == m));
    found.dedup();
    if found.is_empty() {
        return String::new();
    }
    let names: Vec<String> = found.iter().map(|m| format!("{m:?}")).collect();
    format!(" [{}]", names.join(", "))
}

/// The groups of the lines: a label line ending in a colon with the bullets under it
/// (blank lines between them allowed), or a `Label: value` line whose value ends in a
/// mark. One pass over the lines.
fn scan<'a>(lines: &[&'a str]) -> Vec<Group<'a>> {
    let mut groups = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = plain(lines[i]);
        if let Some((label, value)) = line.split_once(": ") {
            if short_label(label) && marked_value(value).is_some() {
                groups.push(Group {
                    start: i,
                    end: i + 1,
                    label: label.trim().to_string(),
                    values: vec![value.trim()],
                });
                i += 1;
                continue;
            }
        }
        let Some(label) = line.strip_suffix(':').filter(|l| short_label(l)) else {
            i += 1;
            continue;
        };
        let mut j = i + 1;
        let mut end = j;
        let mut values = Vec::new();
        while j < lines.len() {
            let l = lines[j].trim();
            if l.is_empty() {
                j += 1;
                continue;
            }
            let Some(item) = bullet(l) else { break };
            values.push(item);
            j += 1;
            end = j;
        }
        if !values.is_empty() {
            groups.push(Group {
                start: i,
                end,
                label: label.trim().to_string(),
                values,
            });
        }
        i = end.max(i + 1);
    }
    groups
}

/// What the rewrite does with a group.
fn role(group: &Group) -> Role {
    if group.values.iter().all(|v| marked_value(v).is_some()) {
        return Role::Field;
    }
    if group.values.iter().any(|v| marked_value(v).is_some()) {
        return Role::Other;
    }
    if group.label.to_lowercase().contains("question") {
        return Role::Questions;
    }
    match list_level(&group.label) {
        Some(level) => Role::List(level),
        None => Role::Other,
    }
}

/// The level a free-text list's lead-in gives its items: what the candidate needs
/// (essential) or what would help (desirable); `None` for any other list (duties,
/// benefits, schedule, questions).
fn list_level(label: &str) -> Option<Level> {
    let t = label.to_lowercase().replace('’', "'");
    let has = |w: &str| t.contains(w);
    if has("nice to have")
        || has("desirable")
        || has("bonus")
        || has("a plus")
        || has("advantage")
        || has("preferred")
        || has("ideally")
        || has("would help")
    {
        return Some(Level::Desirable);
    }
    if has("you'll need")
        || has("you will need")
        || has("you need")
        || has("successful candidate")
        || has("you'll have")
        || has("you will have")
        || has("must have")
        || has("essential")
        || has("requirements")
        || has("what you'll bring")
        || has("what you will bring")
    {
        return Some(Level::Essential);
    }
    None
}

/// A value ending in the board's mark, "(required)" or "(preferred)": the value without
/// it and the level it gives.
fn marked_value(value: &str) -> Option<(&str, Level)> {
    let v = value.trim().trim_end_matches('.').trim_end();
    let open = v.rfind('(')?;
    let inner = v[open..]
        .trim_start_matches('(')
        .strip_suffix(')')?
        .trim()
        .to_lowercase();
    let level = match inner.as_str() {
        "required" => Level::Essential,
        "preferred" => Level::Desirable,
        _ => return None,
    };
    let kept = v[..open].trim_end();
    (!kept.is_empty()).then_some((kept, level))
}

/// A line without heading marks, bold or italic marks around it.
fn plain(line: &str) -> &str {
    line.trim()
        .trim_start_matches('#')
        .trim()
        .trim_matches(['*', '_'])
        .trim()
}

/// A short label (a few words, no sentence).
fn short_label(label: &str) -> bool {
    let words = label.split_whitespace().count();
    (1..=MAX_LABEL_WORDS).contains(&words) && !label.contains(". ")
}

/// A bullet item's text: `- item`, `* item`, `• item`.
fn bullet(line: &str) -> Option<&str> {
    ["- ", "* ", "• ", "· "]
        .iter()
        .find_map(|b| line.strip_prefix(b))
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const LISTING: &str = "# Room Leader\n\nPay: £13 an hour\n\nBenefits:\n\n- Pension\n- Free lunch\n\n\
        Responsibilities:\n\n- Lead the room\n\nWhat you'll need:\n\n- Knowledge of the EYFS\n- Warm and patient\n\n\
        Nice to have:\n\n- Makaton\n\nHow we recruit: we shortlist from your CV, then interview.\n\n\
        Education:\n\n- GCSE or equivalent (required)\n\nExperience:\n\n- Early years: 3 years (required)\n\
        - Supervising staff: 1 year (preferred)\n\nLicence/Certification:\n\n- Driving Licence (required)\n\n\
        Language: English (required)\n\nWork Location: In person\n";

    #[test]
    fn a_listing_reads_as_one_specification() {
        let out = gathered(LISTING).replace(" [Application, Interview]", "");
        let spec = out.split_once("## Person specification").unwrap().1;
        let essential = spec.split_once("### Essential criteria").unwrap().1;
        assert!(essential
            .trim_start()
            .starts_with("- Knowledge of the EYFS\n- Warm and patient"));
        assert!(spec.contains("### Desirable criteria\n\n- Makaton\n"));
        assert!(spec.contains("### Education\n\n- GCSE or equivalent (essential)\n"));
        assert!(spec.contains(
            "### Experience\n\n- Early years: 3 years (essential)\n- Supervising staff: 1 year (desirable)\n"
        ));
        assert!(spec.contains("### Language\n\n- English (essential)\n"));
        // The licence is a condition, not a criterion.
        assert!(!spec.contains("### Licence/Certification"));
        assert!(spec.contains("Licence/Certification: Driving Licence (required)."));
        // Duties, benefits and meta fields stay where they were.
        assert!(out.contains("Benefits:\n\n- Pension"));
        assert!(out.contains("Responsibilities:\n\n- Lead the room"));
        assert!(out.contains("Work Location: In person"));
        assert!(
            out.find("Responsibilities").unwrap() < out.find("## Person specification").unwrap()
        );
    }

    #[test]
    fn the_recruitment_paragraph_gives_each_criterion_its_methods() {
        let text = LISTING.replace(
            "How we recruit: we shortlist from your CV, then interview.",
            "How we recruit: we shortlist from your CV, then interview. We will see your \
             certificates for the qualifications under Education. Interviews include a short \
             practical assessment of your Makaton signing.",
        );
        let out = gathered(&text);
        assert!(out.contains("- Knowledge of the EYFS [Application, Interview]\n"));
        assert!(out.contains("- Makaton [Application, Test, Interview]\n"));
        assert!(
            out.contains("- GCSE or equivalent (essential) [Application, Interview, Documents]\n")
        );
        assert!(out.contains("- Early years: 3 years (essential) [Application, Interview]\n"));
        // A subject no criterion names is everyone's.
        let text = text.replace("Makaton signing", "first aid");
        assert!(gathered(&text).contains("- Warm and patient [Application, Test, Interview]\n"));
    }

    #[test]
    fn a_document_with_few_marked_values_is_left_as_it_is() {
        let text = "What you'll need:\n\n- A\n\nEducation:\n\n- GCSE (required)\n\nLanguage: English (required)\n";
        assert_eq!(gathered(text), text);
        let text = "Essential:\n- Experience of teams (preferred by the panel)\n";
        assert_eq!(gathered(text), text);
    }

    #[test]
    fn marks_and_list_lead_ins() {
        assert_eq!(
            marked_value("Early years: 3 years (required)"),
            Some(("Early years: 3 years", Level::Essential))
        );
        assert_eq!(
            marked_value("English (Preferred)."),
            Some(("English", Level::Desirable))
        );
        assert_eq!(marked_value("(required)"), None);
        assert_eq!(marked_value("Teams (optional)"), None);
        assert_eq!(
            list_level("The successful candidate will have"),
            Some(Level::Essential)
        );
        assert_eq!(list_level("Nice to have"), Some(Level::Desirable));
        assert_eq!(list_level("Duties include"), None);
        assert_eq!(list_level("Benefits"), None);
    }

    #[test]
    fn a_long_hostile_listing_is_read_in_one_pass() {
        let mut text = String::new();
        for _ in 0..20_000 {
            text.push_str("Experience:\n- Teams: 1 year (required)\n");
        }
        let out = gathered(&text);
        assert!(out.len() < text.len() * 2);
    }
}
