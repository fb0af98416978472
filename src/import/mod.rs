//! Person-specification import: finds the person specification(s) in a document
//! (markdown/plain text with HTML fragments, HTML, a Word .docx file or a PDF with a text
//! layer) and extracts criteria. Pure functions: no database, no HTTP.
//!
//! Every format is read into one document model ([`blocks`]: headings, paragraphs with
//! their emphasis, list items with depth, table rows of cells holding items), through the
//! text form (markdown with tab-separated table rows whose cells hold HTML). Two readers
//! work on the model: `roles` reads any template by meaning (the specification region
//! by its headings, table columns by their header words and contents, requirement marks
//! and method codes however written, conditions set apart); [`spec`] holds the
//! recognisers of the seed conversions, used for documents in that converted form.
//! Warning lines refer to the text form.

mod accordion;
mod amendments;
mod ats;
mod bilingual;
mod blocks;
mod boardmatrix;
mod boldlegend;
mod checkboxes;
mod columns;
mod conditions;
mod criteria;
mod detailrows;
mod docx;
mod easyread;
mod email;
mod evidenceform;
mod examples;
mod exchange;
mod faq;
mod footnotes;
mod grades;
mod html;
mod icons;
mod inlineprose;
mod jobboard;
mod leaders;
mod legend;
mod letter;
mod levelgrid;
mod lookup;
mod methods;
mod nested;
mod notneeded;
mod numbergrid;
mod panels;
mod paraitems;
mod pdf;
mod questionmap;
mod questions;
mod records;
mod repeatgrid;
mod roles;
mod selectionday;
mod slides;
mod spec;
mod starred;
mod text;
mod yesno;

use crate::domain::{Method, Requirement};

/// Criteria at or below this confidence are listed in the warnings, with the reason.
pub use roles::LOW_CONFIDENCE;

/// The document formats the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `text/plain` or `text/markdown`: the converted form, HTML table fragments included.
    Text,
    /// `text/html`.
    Html,
    /// `application/vnd.openxmlformats-officedocument.wordprocessingml.document`.
    Docx,
    /// `application/pdf`, with a text layer.
    Pdf,
}

impl Format {
    /// The format for a `Content-Type` value (parameters such as `charset` ignored).
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "text/plain" | "text/markdown" => Some(Format::Text),
            "text/html" => Some(Format::Html),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
                Some(Format::Docx)
            }
            "application/pdf" => Some(Format::Pdf),
            _ => None,
        }
    }
}

/// One extracted criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedCriterion {
    pub category: String,
    pub description: String,
    pub requirement: Requirement,
    /// Non-empty, each method once, in `Method::ALL` order.
    pub methods: Vec<Method>,
    pub alternative_group: Option<String>,
    /// 1-based line of the text form the criterion was read from.
    pub line: usize,
    /// The text it was read from (trimmed, at most 200 characters).
    pub source: String,
    /// How sure the importer is of this criterion, 0–1.
    pub confidence: f64,
    /// False when the document states no method for it and `methods` is the default
    /// (the application form).
    pub methods_stated: bool,
}

/// Vacancy settings a document implies (only those it states).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SuggestedSettings {
    /// none, basic, standard, enhanced, enhanced_barred_children, enhanced_barred_adults,
    /// enhanced_barred_both.
    pub dbs_level: Option<String>,
    /// none, occasional, regular, required.
    pub driving_requirement: Option<String>,
    pub professional_registration: Option<String>,
    pub bpss_required: Option<bool>,
    pub politically_restricted: Option<bool>,
}

/// Something in the specification the importer saw but could not classify.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportWarning {
    /// 1-based line of the text form of the document (for .docx, of its text conversion).
    pub line: usize,
    /// The text concerned (trimmed, at most ~200 characters).
    pub text: String,
    pub reason: String,
}

/// One person specification found in a document.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedSpec {
    /// The post title when the document names one.
    pub title: Option<String>,
    /// 1-based line where the specification starts in the text form.
    pub line: usize,
    pub criteria: Vec<ImportedCriterion>,
    pub warnings: Vec<ImportWarning>,
    /// Eligibility conditions found (minimum age, DBS, driving, right to work…): never
    /// criteria.
    pub conditions: Vec<String>,
    pub settings: SuggestedSettings,
}

/// Why a document could not be imported.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    /// Not valid UTF-8 text, not a readable .docx, malformed XML…
    #[error("the document cannot be read: {0}")]
    Unreadable(String),
    /// Readable, but no person specification with at least one criterion was found.
    #[error("no person specification was found in the document")]
    NoSpecification,
    /// A PDF whose pages hold no text (a scan).
    #[error("the PDF has no text layer (a scan?)")]
    NoTextLayer,
}

/// The largest document [`import`] reads (the API accepts 8 MiB), and the largest text
/// form it reads a document into.
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;

/// Every person specification in the document, in document order; each has at least one
/// criterion.
///
/// Seed conversions (text whose tables are tab-separated HTML rows) are read by the seed
/// recognisers. Any other document is read by meaning (`roles`); when the recognisers
/// also find a specification and both read (nearly) the same criteria, the recognisers'
/// reading is kept (they know their layouts' alternatives and sub-items) with the
/// conditions and settings found by meaning added to their own. A reading by meaning
/// returns one specification, with its `conditions` and `settings`. In the seed
/// conversions the recognisers set apart the conditions themselves (a minimum age,
/// pre-employment checks, a registration on one route only) and read the forms' tick
/// boxes for the settings.
///
/// PDFs are read from their text layer with the positions of the text and the ruling
/// lines (`pdf`); a PDF without text is [`ImportError::NoTextLayer`]. A PDF is checked
/// before its parser runs (every stream inflated into a bounded buffer, nesting,
/// encryption) and parsed on a thread of its own with a page cap and a time limit: one
/// beyond those bounds is [`ImportError::Unreadable`].
///
/// Time and memory are linear in the document's size whatever its nesting: list depth
/// counts up to 8 and Word tables nest up to 8 deep. Documents far beyond any real one are
/// refused as unreadable: over 16 MiB (or a Word file of over 16 MiB of XML, or a text
/// form over 16 MiB), a text form with more than 250,000 lines, table cells, tags and
/// bullets, or more than 2,000 criteria in a specification or 20,000 in all.
pub fn import(format: Format, body: &[u8]) -> Result<Vec<ImportedSpec>, ImportError> {
    if body.len() > MAX_DOCUMENT_BYTES {
        return Err(ImportError::Unreadable(format!(
            "the document is larger than {} MiB",
            MAX_DOCUMENT_BYTES >> 20
        )));
    }
    let text = match format {
        Format::Text => utf8(body)?.to_string(),
        Format::Html => html::to_text(utf8(body)?)?,
        Format::Docx => docx::to_text(body)?,
        Format::Pdf => pdf::to_text(body)?,
    };
    // A text form far beyond any real document is refused before the rewriters below
    // read it (each reads the whole text): a hostile one costs one pass, not fifteen.
    if text::marks(&text) > text::MAX_MARKS {
        return Err(ImportError::Unreadable(format!(
            "the document has more than {} lines, table cells, tags and bullets",
            text::MAX_MARKS
        )));
    }
    // A shortlisting matrix (one column per criterion) reads as the rows it prints; the
    // converters' span marks go here.
    let text = rewritten(text, columns::transposed);
    let text = rewritten(text, checkboxes::chosen);
    // A pack printing every criterion in Welsh and in English: its English side.
    let text = rewritten(text, bilingual::english_side);
    // A career-graded table: only the recruited grade's column is this vacancy's.
    let text = rewritten(text, grades::recruited);
    // A career-framework skills grid: only this post's level's descriptor is a criterion.
    let text = rewritten(text, levelgrid::targeted);
    // A candidate briefing deck: one specification over several slides.
    let text = rewritten(text, slides::unslid);
    // A specification forwarded in an e-mail thread: the message that holds it.
    let text = rewritten(text, email::unforwarded);
    // A selection day's timetable whose sessions list what each assesses.
    let text = rewritten(text, selectionday::scheduled);
    // Criteria followed by lists of examples said to be illustrations only: the criteria.
    let text = rewritten(text, examples::stripped);
    // An applicant-tracking system's export: one labelled record per criterion.
    let text = rewritten(text, ats::tabulated);
    // A board's skills matrix: the skills this appointment seeks, then every member's qualities.
    let text = rewritten(text, boardmatrix::gathered);
    // A job-board listing: its free-text lists and marked qualification fields.
    let text = rewritten(text, jobboard::gathered);
    // An application form's evidence part: one labelled block and answer box a criterion.
    let text = rewritten(text, evidenceform::gathered);
    // Requirements written as marked phrases in flowing paragraphs: one item a phrase.
    let text = rewritten(text, inlineprose::listed);
    // An applicant FAQ: the criteria lists in its answers, the methods in its selection one.
    let text = rewritten(text, faq::answered);
    // A specification of plain paragraphs under category headings: one item a paragraph.
    let text = rewritten(text, paraitems::listed);
    if text.len() > MAX_DOCUMENT_BYTES {
        return Err(ImportError::Unreadable(format!(
            "the text of the document is larger than {} MiB",
            MAX_DOCUMENT_BYTES >> 20
        )));
    }
    if text::marks(&text) > text::MAX_MARKS {
        return Err(ImportError::Unreadable(format!(
            "the document has more than {} lines, table cells, tags and bullets",
            text::MAX_MARKS
        )));
    }
    let specs = without_placeholders(read(format, &text)?);
    let specs = footnotes::apply(starred::apply(specs, &text), &text);
    // Criteria numbered with no method column take their methods from the questions and
    // stages that name their numbers.
    let specs = questionmap::apply(specs, &text);
    let specs = numbergrid::apply(specs, &text);
    // Criteria printed again in a later tick grid of stages take their methods from it.
    let specs = repeatgrid::apply(specs, &text);
    // An applicant FAQ's "Who can apply?" answer lists conditions.
    let specs = faq::conditions(specs, &text);
    // A re-advertised post's note of changes amends the specification printed before it.
    Ok(amendments::apply(specs, &text))
}

/// The text a rewriter makes of `text`: its own when it rewrote it, else `text` itself,
/// not a copy (a hostile text of megabytes is not copied fifteen times).
fn rewritten(text: String, rewrite: impl Fn(&str) -> std::borrow::Cow<'_, str>) -> String {
    let owned = match rewrite(&text) {
        std::borrow::Cow::Owned(owned) => Some(owned),
        std::borrow::Cow::Borrowed(_) => None,
    };
    owned.unwrap_or(text)
}

/// Without the criteria that are only a placeholder for an empty cell ("—", "-", "–"):
/// a description holding no letter or digit states nothing. Dropped after the readers
/// have been compared, so which reader's criteria are kept does not change.
fn without_placeholders(mut specs: Vec<ImportedSpec>) -> Vec<ImportedSpec> {
    for spec in &mut specs {
        spec.criteria.retain(|c| !is_placeholder(&c.description));
        for c in &mut spec.criteria {
            if let Some(kept) = without_template_instruction(&c.description) {
                c.description = kept;
            }
        }
    }
    specs
}

/// A description less a template's closing instruction to whoever fills it in ("…
/// children [do not delete – required for all school posts]", "… [delete if not
/// needed]"); `None` when it has none.
fn without_template_instruction(description: &str) -> Option<String> {
    let t = description
        .trim_end()
        .trim_end_matches(['*', '_'])
        .trim_end();
    let body = t.strip_suffix(']')?;
    let open = body.rfind('[')?;
    let inner = body[open + 1..]
        .trim_start_matches(['*', '_'])
        .to_lowercase();
    let kept = body[..open]
        .trim_end()
        .trim_end_matches(['*', '_'])
        .trim_end();
    ((inner.starts_with("delete") || inner.starts_with("do not delete")) && !kept.is_empty())
        .then(|| kept.to_string())
}

fn is_placeholder(description: &str) -> bool {
    !description.chars().any(char::is_alphanumeric)
}

/// The specifications of a document's text form.
fn read(format: Format, text: &str) -> Result<Vec<ImportedSpec>, ImportError> {
    let blocks = text::blocks(text);
    // The seed conversions (tab-separated rows holding HTML) are read by their own
    // recognisers; every other document by meaning, with the recognisers as a fallback.
    // Rows pasted as plain text (tab-separated words, no markup) are read by meaning.
    let converted = format == Format::Text
        && text
            .lines()
            .any(|line| line.contains('\t') && line.contains('<'));
    let mut old = spec::find_specs(&blocks, converted)?;
    // The template instructions the reading by meaning leaves out, left out here too, so
    // the two readings compare criterion by criterion.
    for spec in &mut old {
        for c in &mut spec.criteria {
            if let Some(kept) = without_template_instruction(&c.description) {
                c.description = kept;
            }
        }
    }
    if converted && !old.is_empty() {
        // The recognisers look for conditions before the table only: one specification
        // that found none takes those the reading by meaning found (after the table too)
        // when both read the same criteria.
        if old.len() == 1 && old[0].conditions.is_empty() {
            let model = text::blocks(&bold_to_html(text));
            if let Some(found) = roles::find(&model).filter(|found| agree(&old, found)) {
                return Ok(with_methods(with_conditions(old, &found), &found));
            }
        }
        return Ok(old);
    }
    let model = if format == Format::Text {
        text::blocks(&bold_to_html(text))
    } else {
        blocks
    };
    // An Easy Read pack (every sentence beside a picture) has a reader of its own.
    if let Some(found) = easyread::find(&model) {
        return Ok(vec![found]);
    }
    match (roles::find(&model), old.is_empty()) {
        // Criteria asked as questions only when nothing else was found: every other
        // reader's documents read as before.
        (None, true) => questions::find(&model)
            .map(|found| vec![found])
            .ok_or(ImportError::NoSpecification),
        (None, false) => Ok(old),
        (Some(found), true) => Ok(vec![found]),
        (Some(found), false) => {
            // The recognisers split at every "Essential criteria" heading: several
            // specifications where the document heads only one, with those headings
            // under its category headings (`### Skills` / `#### Essential criteria`), are
            // one.
            // So are the recognisers' specifications of one headed specification that the
            // reading by meaning read whole (stage by stage, one small table each): all
            // their criteria but the conditions it set apart.
            let total: usize = old.iter().map(|s| s.criteria.len()).sum();
            let split = old.len() >= 2
                && roles::specification_headings(&model) < 2
                && (roles::nested_requirement_headings(&model)
                    || found.criteria.len() * 10 >= total * 9);
            // Sections headed by a level and the stage assessing it ("Essential criteria:
            // assessed at interview") are the reading by meaning's: the recognisers know no
            // stage.
            if agree(&old, &found)
                && !split
                && !prefixed(&old, &found)
                && !roles::level_stage_headed(&model)
            {
                // The seed recognisers read the same criteria, and know their layouts'
                // alternatives and sub-items: theirs, with the conditions found. What they
                // read as a criterion stays one even where the reading by meaning also
                // found it as a condition: the hand-checked seed 000 keeps "Full driving
                // licence" in its Qualifications row as a criterion, in every format.
                let old = with_categories(old, &found);
                let old = with_methods(with_conditions(old, &found), &found);
                if roles::defines_codes(&model) {
                    Ok(with_keyed_methods(old, &found))
                } else {
                    Ok(old)
                }
            } else {
                Ok(vec![found])
            }
        }
    }
}

/// Lower-case word tokens, sorted.
fn tokens(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.sort_unstable();
    words
}

fn dice(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Whether the seed recognisers and the reading by meaning found the same criteria: most
/// of each side's descriptions have a close partner on the other. (Bounded: only compared
/// for documents of up to 400 criteria a side.)
fn agree(old: &[ImportedSpec], found: &ImportedSpec) -> bool {
    // A document of several specifications (a council's pack) is the recognisers' to
    // split: a looser agreement will do.
    let (new_share, old_share) = if old.len() >= 2 {
        (0.8, 0.6)
    } else {
        (0.9, 0.9)
    };
    let old: Vec<Vec<String>> = old
        .iter()
        .flat_map(|s| s.criteria.iter())
        .map(|c| tokens(&c.description))
        .collect();
    let new: Vec<Vec<String>> = found
        .criteria
        .iter()
        .map(|c| tokens(&c.description))
        .collect();
    if old.len() > 400 || new.len() > 400 {
        return old.len() >= new.len();
    }
    let close = |a: &[String], side: &[Vec<String>]| side.iter().any(|b| dice(a, b) >= 0.8);
    let new_in_old = new.iter().filter(|n| close(n, &old)).count();
    let old_in_new = old.iter().filter(|o| close(o, &new)).count();
    new_in_old as f64 >= new_share * new.len() as f64
        && old_in_new as f64 >= old_share * old.len() as f64
}

/// A text without a closing bracketed group: "Experience of … (AF, INT)" → "Experience
/// of …"; `None` when it has none (or nothing before it).
fn without_closing_group(text: &str) -> Option<String> {
    // "(A/I)", or braces the recognisers do not read: "{A,I}".
    [(')', '('), ('}', '{')]
        .iter()
        .find_map(|&(close, open)| {
            text.strip_suffix(close)
                .and_then(|t| t.rfind(open).map(|at| t[..at].trim_end().to_string()))
        })
        .filter(|t| !t.is_empty())
}

/// The seed recognisers' criteria under a row they set aside as form guidance that the
/// reading by meaning read as their category ("Core Code of Ethics" over the values): that
/// category, for the criteria both read alike.
fn with_categories(mut old: Vec<ImportedSpec>, found: &ImportedSpec) -> Vec<ImportedSpec> {
    let key = |text: &str| blocks::collapse(text).to_lowercase();
    let partners: std::collections::HashMap<String, &str> = found
        .criteria
        .iter()
        .map(|c| (key(&c.description), c.category.as_str()))
        .collect();
    let found_conditions: Vec<Vec<String>> = found.conditions.iter().map(|c| tokens(c)).collect();
    for spec in &mut old {
        let dismissed: std::collections::HashSet<String> = spec
            .warnings
            .iter()
            .filter(|w| w.reason.ends_with("not a criterion"))
            .map(|w| key(&w.text))
            .collect();
        if dismissed.is_empty() {
            continue;
        }
        // Where the recognisers set the category rows aside, the category of a row is
        // their guess: what the reading by meaning set apart as a condition (and did not
        // read as a criterion) is one, whatever category they guessed for it.
        spec.criteria.retain(|c| {
            let text = key(&c.description);
            let read = partners.contains_key(&text)
                || without_closing_group(&text).is_some_and(|b| partners.contains_key(&b));
            let words = tokens(&c.description);
            read || !found_conditions.iter().any(|t| dice(&words, t) >= 0.8)
        });
        for criterion in &mut spec.criteria {
            // The recognisers may have left the document's codes at the end: "… (AF, CQ)".
            let text = key(&criterion.description);
            let partner = partners
                .get(&text)
                .or_else(|| partners.get(&without_closing_group(&text)?));
            if let Some(category) = partner {
                if dismissed.contains(&key(category)) {
                    criterion.category = category.to_string();
                }
            }
        }
    }
    old
}

/// Whether the seed recognisers left a label at the head of most criteria that the
/// reading by meaning read as their category ("SKILLS: Able to …" where it read "Able to
/// …" in SKILLS): its reading is the closer.
fn prefixed(old: &[ImportedSpec], found: &ImportedSpec) -> bool {
    let key = |text: &str| blocks::collapse(text).to_lowercase();
    let read: std::collections::HashSet<String> =
        found.criteria.iter().map(|c| key(&c.description)).collect();
    let all: Vec<&ImportedCriterion> = old.iter().flat_map(|s| s.criteria.iter()).collect();
    let labelled = all
        .iter()
        .filter(|c| {
            let text = key(&c.description);
            let Some((head, rest)) = text
                .split_once(": ")
                .or_else(|| text.split_once(" – "))
                .or_else(|| text.split_once(" - "))
            else {
                return false;
            };
            // The codes the recognisers left at the end: "… [A, C]".
            let rest = rest.trim();
            let bare = rest
                .strip_suffix(']')
                .and_then(|r| r.rfind('[').map(|at| r[..at].trim_end()))
                .unwrap_or(rest);
            (1..=3).contains(&head.split_whitespace().count())
                && (read.contains(rest) || read.contains(bare))
        })
        .count();
    !all.is_empty() && labelled * 2 > all.len()
}

/// The seed recognisers' criteria that state no method to them because they left a
/// document's own codes at the end of the text ("… (AF, INT)") take the methods the
/// reading by meaning found for the same criterion, and its description (codes off).
fn with_methods(mut old: Vec<ImportedSpec>, found: &ImportedSpec) -> Vec<ImportedSpec> {
    let key = method_key;
    let stated = stated_methods(found);
    let none_stated = old
        .iter()
        .flat_map(|s| s.criteria.iter())
        .all(|c| !c.methods_stated);
    for criterion in old.iter_mut().flat_map(|s| s.criteria.iter_mut()) {
        if criterion.methods_stated {
            continue;
        }
        let text = key(&criterion.description);
        let bare = without_closing_group(&text);
        // Only where the codes were left in the text: a criterion the recognisers read
        // clean has no method of its own (prose may name some, which the recognisers
        // weigh themselves) – unless they read no method anywhere, when the methods the
        // reading by meaning found for the same criterion (a blanket sentence under the
        // table) are the document's only word on them.
        let partner = bare
            .as_ref()
            .and_then(|b| stated.get(b))
            .or_else(|| none_stated.then(|| stated.get(&text)).flatten());
        if let Some(partner) = partner {
            criterion.methods = partner.methods.clone();
            criterion.methods_stated = true;
            criterion.description = partner.description.clone();
        }
    }
    old
}

/// How a criterion is matched between the two readings when methods are carried over.
fn method_key(text: &str) -> String {
    blocks::collapse(text).to_lowercase()
}

/// The criteria the reading by meaning stated methods for, by [`method_key`].
fn stated_methods(found: &ImportedSpec) -> std::collections::HashMap<String, &ImportedCriterion> {
    found
        .criteria
        .iter()
        .filter(|c| c.methods_stated)
        .map(|c| (method_key(&c.description), c))
        .collect()
}

/// The recognisers' specifications with the methods the reading by meaning stated for the
/// same criteria, in a document whose key line defines its codes: the recognisers read
/// codes by the usual letters ("P" a presentation), the reading by meaning by the key ("P =
/// practical clinical scenario", a test).
fn with_keyed_methods(mut old: Vec<ImportedSpec>, found: &ImportedSpec) -> Vec<ImportedSpec> {
    let key = method_key;
    let stated = stated_methods(found);
    for criterion in old.iter_mut().flat_map(|s| s.criteria.iter_mut()) {
        if let Some(partner) = stated.get(&key(&criterion.description)) {
            criterion.methods = partner.methods.clone();
            criterion.methods_stated = true;
        }
    }
    old
}

/// The seed recognisers' specifications with the conditions and settings the reading by
/// meaning found besides their own (those not imported as criteria).
fn with_conditions(mut old: Vec<ImportedSpec>, found: &ImportedSpec) -> Vec<ImportedSpec> {
    // In a catch-all row ("Other", "Additional requirements"), what the reading by
    // meaning found as a condition is one, not a criterion (a licence in a
    // Qualifications row stays a criterion, as the seeds keep it). So is a licence to
    // drive the employer's vehicle, wherever it is listed.
    let found_conditions: Vec<Vec<String>> = found.conditions.iter().map(|c| tokens(c)).collect();
    for spec in &mut old {
        spec.criteria.retain(|c| {
            // So is a check the seed forms set apart themselves (a BPSS clearance, a DBS,
            // a minimum age) under a category of its own ("Security").
            if !catch_all_category(&c.category)
                && !conditions::drives_employers_vehicle(&c.description)
                && !conditions::seed_criterion_is_condition(&c.description, &c.category)
            {
                return true;
            }
            let words = tokens(&c.description);
            !found_conditions.iter().any(|t| dice(&words, t) >= 0.8)
        });
        let criteria: Vec<Vec<String>> = spec
            .criteria
            .iter()
            .map(|c| tokens(&c.description))
            .collect();
        let known: Vec<Vec<String>> = spec.conditions.iter().map(|c| tokens(c)).collect();
        let more: Vec<String> = found
            .conditions
            .iter()
            .filter(|c| {
                let t = tokens(c);
                !criteria.iter().chain(&known).any(|d| dice(&t, d) >= 0.8)
            })
            .cloned()
            .collect();
        spec.conditions.extend(more);
        // The recognisers' own (from the form's tick boxes and its conditions) first.
        let theirs = &found.settings;
        let mine = &mut spec.settings;
        mine.dbs_level = mine.dbs_level.take().or_else(|| theirs.dbs_level.clone());
        mine.driving_requirement = mine
            .driving_requirement
            .take()
            .or_else(|| theirs.driving_requirement.clone());
        mine.professional_registration = mine
            .professional_registration
            .take()
            .or_else(|| theirs.professional_registration.clone());
        mine.bpss_required = mine.bpss_required.or(theirs.bpss_required);
        mine.politically_restricted = mine
            .politically_restricted
            .or(theirs.politically_restricted);
    }
    old
}

/// A category that gathers what fits no other: "Other", "Other requirements",
/// "Additional requirements", "Special requirements", "Work-related requirements".
fn catch_all_category(category: &str) -> bool {
    let l = category.trim().to_lowercase();
    let words: Vec<&str> = l
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        ["other"] => true,
        [first, "requirements" | "requirement" | "factors" | "conditions"] => matches!(
            *first,
            "other" | "additional" | "special" | "work-related" | "job-related"
        ),
        _ => false,
    }
}

/// Markdown bold (`**Experience**`) as HTML, so that the document model keeps it as
/// emphasis (the text form otherwise drops the asterisks).
fn bold_to_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let parts: Vec<&str> = line.split("**").collect();
        if parts.len() < 3 {
            out.push_str(line);
            continue;
        }
        let pairs = (parts.len() - 1) / 2 * 2;
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                if i <= pairs {
                    out.push_str(if i % 2 == 1 { "<b>" } else { "</b>" });
                } else {
                    out.push_str("**");
                }
            }
            out.push_str(part);
        }
    }
    out
}

/// The text form a document is read from (for diagnostics: warning and source lines refer
/// to it).
pub fn text_form(format: Format, body: &[u8]) -> Result<String, ImportError> {
    let text = match format {
        Format::Text => utf8(body)?.to_string(),
        Format::Html => html::to_text(utf8(body)?)?,
        Format::Docx => docx::to_text(body)?,
        Format::Pdf => pdf::to_text(body)?,
    };
    Ok(columns::transposed(&text).into_owned())
}

fn utf8(body: &[u8]) -> Result<&str, ImportError> {
    let text = std::str::from_utf8(body)
        .map_err(|error| ImportError::Unreadable(format!("not UTF-8 text: {error}")))?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_instruction_closing_a_criterion_is_left_out() {
        assert_eq!(
            without_template_instruction(
                "Commitment to safeguarding *[do not delete – required for all school posts]*"
            )
            .as_deref(),
            Some("Commitment to safeguarding")
        );
        assert_eq!(
            without_template_instruction("Basic [delete as appropriate – None / Basic]").as_deref(),
            Some("Basic")
        );
        assert_eq!(without_template_instruction("Degree [or equivalent]"), None);
    }
    use proptest::prelude::*;

    const SPEC: &str = "Essential\n\n- Good IT skills\n\nDesirable\n\n- A Practice lead\n";

    fn spec_of(criteria: &[(&str, &str)], conditions: &[&str]) -> ImportedSpec {
        ImportedSpec {
            title: None,
            line: 1,
            criteria: criteria
                .iter()
                .map(|(category, description)| ImportedCriterion {
                    category: category.to_string(),
                    description: description.to_string(),
                    requirement: Requirement::Essential,
                    methods: vec![Method::Application],
                    alternative_group: None,
                    line: 1,
                    source: description.to_string(),
                    confidence: 1.0,
                    methods_stated: true,
                })
                .collect(),
            warnings: Vec::new(),
            conditions: conditions.iter().map(|c| c.to_string()).collect(),
            settings: SuggestedSettings::default(),
        }
    }

    #[test]
    fn a_check_found_as_a_condition_leaves_the_recognisers_criteria_whatever_its_category() {
        let bpss = "Baseline Personnel Security Standard (BPSS) clearance is required";
        let licence = "Full UK driving licence";
        let old = vec![spec_of(
            &[
                ("Security", bpss),
                ("Qualifications", licence),
                ("Skills", "Good IT skills"),
            ],
            &[],
        )];
        let found = spec_of(&[], &[bpss, licence]);
        let kept: Vec<String> = with_conditions(old, &found)[0]
            .criteria
            .iter()
            .map(|c| c.description.clone())
            .collect();
        // A licence among the qualifications stays a criterion, as the seeds keep it.
        assert_eq!(
            kept,
            vec![licence.to_string(), "Good IT skills".to_string()]
        );
    }

    #[test]
    fn text_documents_import_and_bad_ones_are_refused() {
        let specs = import(Format::Text, SPEC.as_bytes()).expect("a specification");
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].criteria.len(), 2);
        assert!(matches!(
            import(Format::Text, &[0xff, 0xfe, 0x00]),
            Err(ImportError::Unreadable(_))
        ));
        assert_eq!(
            import(Format::Text, b"Job purpose\n\nTo help."),
            Err(ImportError::NoSpecification)
        );
    }

    #[test]
    fn recognised_criteria_without_methods_take_those_read_by_meaning() {
        let criterion = |description: &str, methods: Vec<Method>, stated: bool| ImportedCriterion {
            category: "Skills".into(),
            description: description.into(),
            requirement: Requirement::Essential,
            methods,
            alternative_group: None,
            line: 1,
            source: description.into(),
            confidence: 1.0,
            methods_stated: stated,
        };
        let spec = |criteria: Vec<ImportedCriterion>| ImportedSpec {
            title: None,
            line: 1,
            criteria,
            warnings: Vec::new(),
            conditions: Vec::new(),
            settings: SuggestedSettings::default(),
        };
        let old = vec![spec(vec![
            criterion(
                "Good filing skills (AP, IV)",
                vec![Method::Application],
                false,
            ),
            criterion("Tidy handwriting", vec![Method::Application], false),
            criterion("Able to drive a van", vec![Method::Test], true),
            criterion("Good telephone manner", vec![Method::Application], false),
        ])];
        let found = spec(vec![
            criterion(
                "Good filing skills",
                vec![Method::Application, Method::Interview],
                true,
            ),
            criterion("Tidy handwriting", vec![Method::Application], false),
            criterion("Able to drive a van", vec![Method::Interview], true),
            // Read clean by the recognisers: methods from prose are not taken.
            criterion("Good telephone manner", vec![Method::Interview], true),
        ]);
        let merged = with_methods(old, &found);
        let got: Vec<(&str, &[Method], bool)> = merged[0]
            .criteria
            .iter()
            .map(|c| {
                (
                    c.description.as_str(),
                    c.methods.as_slice(),
                    c.methods_stated,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "Good filing skills",
                    &[Method::Application, Method::Interview][..],
                    true
                ),
                ("Tidy handwriting", &[Method::Application][..], false),
                ("Able to drive a van", &[Method::Test][..], true),
                ("Good telephone manner", &[Method::Application][..], false),
            ]
        );
        // Recognisers that read no method anywhere take those read by meaning (a blanket
        // sentence under the table) for the same criteria.
        let old = vec![spec(vec![
            criterion("Tidy handwriting", vec![Method::Application], false),
            criterion("Good telephone manner", vec![Method::Application], false),
        ])];
        let found = spec(vec![
            criterion(
                "Tidy handwriting",
                vec![Method::Application, Method::Interview],
                true,
            ),
            criterion("Good telephone manner", vec![Method::Application], false),
        ]);
        let merged = with_methods(old, &found);
        assert_eq!(
            merged[0].criteria[0].methods,
            vec![Method::Application, Method::Interview]
        );
        assert!(merged[0].criteria[0].methods_stated);
        assert!(!merged[0].criteria[1].methods_stated);
    }

    #[test]
    fn a_keyed_code_means_what_the_key_says_whichever_reader_read_the_table() {
        // "P" is a presentation by the usual letters; this key makes it a practical test,
        // and "S" (shortlisting) the application.
        let html = "<h2>Person specification</h2>\
            <p>How assessed: S = shortlisting from the application form; I = interview; \
            P = practical exercise on the interview day; C = check of certificates.</p>\
            <table><tr><th>Requirements</th><th>Essential</th><th>Desirable</th>\
            <th>How assessed</th></tr>\
            <tr><td><b>Qualifications</b></td><td><ul><li>Level 3 Diploma in Health and \
            Social Care</li></ul></td><td><ul><li>First aid certificate</li></ul></td>\
            <td>S, C</td></tr>\
            <tr><td><b>Skills</b></td><td><ul><li>Able to use a hoist safely</li>\
            <li>Good written English</li></ul></td><td><ul><li>Able to use a care \
            planning app</li></ul></td><td>I, P</td></tr></table>";
        let specs = import(Format::Html, html.as_bytes()).expect("a specification");
        let got: Vec<(&str, &[Method])> = specs[0]
            .criteria
            .iter()
            .map(|c| (c.description.as_str(), c.methods.as_slice()))
            .collect();
        use Method::*;
        assert_eq!(
            got,
            vec![
                (
                    "Level 3 Diploma in Health and Social Care",
                    &[Application, Documents][..]
                ),
                ("First aid certificate", &[Application, Documents][..]),
                ("Able to use a hoist safely", &[Test, Interview][..]),
                ("Good written English", &[Test, Interview][..]),
                ("Able to use a care planning app", &[Test, Interview][..]),
            ]
        );
    }

    #[test]
    fn recognised_criteria_the_reading_by_meaning_labelled() {
        let criterion = |description: &str| ImportedCriterion {
            category: "Other".into(),
            description: description.into(),
            requirement: Requirement::Essential,
            methods: vec![Method::Application],
            alternative_group: None,
            line: 1,
            source: description.into(),
            confidence: 1.0,
            methods_stated: true,
        };
        let spec = |criteria: Vec<ImportedCriterion>, conditions: Vec<String>| ImportedSpec {
            title: None,
            line: 1,
            criteria,
            warnings: Vec::new(),
            conditions,
            settings: SuggestedSettings::default(),
        };
        // "SKILLS: Good IT skills" where the reading by meaning read "Good IT skills" in
        // SKILLS: its reading is the closer.
        let old = vec![spec(
            vec![
                criterion("SKILLS: Good IT skills"),
                criterion("EXPERIENCE: Experience of filing [A, I]"),
            ],
            Vec::new(),
        )];
        let found = spec(
            vec![
                criterion("Good IT skills"),
                criterion("Experience of filing"),
            ],
            Vec::new(),
        );
        assert!(prefixed(&old, &found));
        // A category row the recognisers set aside as guidance names the category.
        let mut old = vec![spec(vec![criterion("Integrity")], Vec::new())];
        old[0].warnings.push(ImportWarning {
            line: 1,
            text: "Core Code of Ethics".into(),
            reason: "form guidance, not a criterion".into(),
        });
        let mut found = spec(vec![criterion("Integrity")], Vec::new());
        found.criteria[0].category = "Core Code of Ethics".into();
        assert_eq!(
            with_categories(old, &found)[0].criteria[0].category,
            "Core Code of Ethics"
        );
        assert!(!prefixed(&[found.clone()], &found));
        // The codes the recognisers left at the end do not hide the partner, and what
        // the reading by meaning set apart as a condition is no criterion where the
        // recognisers set the category rows aside.
        let mut old = vec![spec(
            vec![
                criterion("HNC in building studies (AF, CQ)"),
                criterion("Full driving licence and use of a vehicle for work"),
            ],
            Vec::new(),
        )];
        old[0].warnings.push(ImportWarning {
            line: 1,
            text: "Qualifications".into(),
            reason: "form guidance, not a criterion".into(),
        });
        let mut found = spec(
            vec![criterion("HNC in building studies")],
            vec!["Full driving licence and use of a vehicle for work".into()],
        );
        found.criteria[0].category = "Qualifications".into();
        let kept = with_categories(old, &found);
        assert_eq!(kept[0].criteria.len(), 1);
        assert_eq!(kept[0].criteria[0].category, "Qualifications");
    }

    #[test]
    fn html_documents_import() {
        let html = "<html><head><title>x</title></head><body><h1>Person specification</h1>\
<p><b>Job Title:</b> Support Worker</p>\
<table><tr><td>Attributes</td><td>Essential</td><td>Desirable</td></tr>\
<tr><td><b>Experience</b></td><td><ul><li>Working with children &amp; families</li>\
<li>Report writing (A/I)</li></ul></td><td><ul><li>Supervision skills</li></ul></td></tr></table>\
<h2>Essential</h2><ul><li>Full driving licence<ul><li>or access to transport</li></ul></li></ul>\
<h2>Desirable</h2><ol><li>First aid</li></ol><p>Other information</p></body></html>";
        let specs = import(Format::Html, html.as_bytes()).expect("specifications");
        assert_eq!(specs.len(), 2);
        assert_eq!(specs[0].title.as_deref(), Some("Support Worker"));
        let first: Vec<(&str, Requirement)> = specs[0]
            .criteria
            .iter()
            .map(|c| (c.description.as_str(), c.requirement))
            .collect();
        assert_eq!(
            first,
            vec![
                ("Working with children & families", Requirement::Essential),
                ("Report writing", Requirement::Essential),
                ("Supervision skills", Requirement::Desirable),
            ]
        );
        assert_eq!(
            specs[0].criteria[1].methods,
            vec![Method::Application, Method::Interview]
        );
        let second: Vec<&str> = specs[1]
            .criteria
            .iter()
            .map(|c| c.description.as_str())
            .collect();
        assert_eq!(
            second,
            vec!["Full driving licence; or access to transport", "First aid"]
        );
    }

    #[test]
    fn one_specification_listed_stage_by_stage_in_small_tables_is_one() {
        let table = |rows: &[(&str, &str, &str)]| {
            let mut out = String::from(
                "<table><tr><td><b>Area</b></td><td><b>Criteria</b></td><td><b>E or D</b></td></tr>",
            );
            for (area, criterion, mark) in rows {
                out.push_str(&format!(
                    "<tr><td><b>{area}</b></td><td>{criterion}</td><td>{mark}</td></tr>"
                ));
            }
            out + "</table>"
        };
        let html = format!(
            "<h1>Officer</h1><h2>Person specification</h2><p>Our selection has two stages.</p>\
<h2>Stage 1 – Application sift</h2><p>Shortlisting uses your form.</p>{}\
<h2>Stage 2 – Interview and presentation</h2><p>You will present.</p>{}\
<h2>How to apply</h2><p>Online.</p>",
            table(&[
                ("Qualifications", "Degree in planning or business", "E"),
                ("Experience", "Experience of delivering projects", "E"),
                ("Experience", "Experience of managing budgets", "D"),
            ]),
            table(&[
                (
                    "Skills",
                    "Ability to build relationships with businesses",
                    "E"
                ),
                ("Knowledge", "Knowledge of the planning use classes", "D"),
                ("Personal qualities", "Enthusiasm for the district", "E"),
            ]),
        );
        let specs = import(Format::Html, html.as_bytes()).expect("specifications");
        assert_eq!(specs.len(), 1);
        let read: Vec<(&str, Requirement, &[Method])> = specs[0]
            .criteria
            .iter()
            .map(|c| (c.category.as_str(), c.requirement, c.methods.as_slice()))
            .collect();
        assert_eq!(read.len(), 6);
        assert_eq!(
            read[2],
            (
                "Experience",
                Requirement::Desirable,
                &[Method::Application][..]
            )
        );
        assert_eq!(
            read[4],
            (
                "Knowledge",
                Requirement::Desirable,
                &[Method::Interview, Method::Presentation][..]
            )
        );
    }

    #[test]
    fn documents_far_beyond_any_real_one_are_refused() {
        let unreadable = |format: Format, body: &[u8]| {
            matches!(import(format, body), Err(ImportError::Unreadable(_)))
        };
        assert!(unreadable(
            Format::Text,
            "a\t\n".repeat(text::MAX_MARKS / 2 + 1).as_bytes()
        ));
        assert!(unreadable(
            Format::Html,
            "<p>a</p>".repeat(text::MAX_MARKS + 1).as_bytes()
        ));
        assert!(unreadable(
            Format::Text,
            &vec![b'a'; MAX_DOCUMENT_BYTES + 1]
        ));
        // `&` is written back as `&amp;`: a page of them makes a text form five times larger.
        let ampersands = format!("<ul><li>{}</li></ul>", "&".repeat(MAX_DOCUMENT_BYTES / 4));
        assert!(unreadable(Format::Html, ampersands.as_bytes()));
        // Just under the limits is read.
        let rows = format!(
            "ATTRIBUTES\tESSENTIAL\tDESIRABLE\n{}",
            "Skills\tGood IT skills\tWelsh\n".repeat(1_000)
        );
        let specs = import(Format::Text, rows.as_bytes()).expect("a specification");
        assert_eq!(specs[0].criteria.len(), 2_000);
    }

    #[test]
    fn a_pasted_table_takes_the_conditions_stated_after_it() {
        let text = "PERSON SPECIFICATION\n\n\
E = essential, D = desirable. Assessed by: A = application form, I = interview.\n\n\
Attribute\tRequirement\tE or D\tAssessed by\n\
Experience\tExperience of administrative work with legal documents\tE\tA, I\n\
\tExperience of cash handling and reconciling payments\tD\tA\n\
Skills\tAccurate keyboard and data entry skills\tE\tI\n\n\
ADDITIONAL INFORMATION\n\nThe post is subject to a basic DBS check.\n";
        let specs = import(Format::Text, text.as_bytes()).unwrap();
        assert_eq!(specs.len(), 1);
        assert_eq!(specs[0].criteria.len(), 3);
        assert!(specs[0]
            .conditions
            .iter()
            .any(|c| c.contains("basic DBS check")));
    }

    #[test]
    fn hostile_documents_import_in_linear_time_and_size() {
        // Scaled-down forms of the documents that exhausted memory or time: each goes
        // through the whole import (or is refused) quickly. The size of what each stage
        // builds is checked in the tests of `html`, `docx`, `blocks`, `criteria` and `spec`.
        let n = 20_000;
        let documents: Vec<(Format, String)> = vec![
            (
                Format::Html,
                format!("{}{}", "<ul>".repeat(n), "<li>Essential a</li>".repeat(n)),
            ),
            (
                Format::Html,
                format!(
                    "<h2>Essential</h2>{}<ul><li>a</li></ul>{}",
                    "<table><tr><td>Essential</td><td>".repeat(n),
                    "</td></tr></table>".repeat(n)
                ),
            ),
            (
                Format::Html,
                format!("<p>{}Essential{}</p>", "<b>".repeat(n), "</b>".repeat(n)),
            ),
            (
                Format::Html,
                "<p><div><table><tr><td><ul><li>Essential <b><i><blockquote>".repeat(n),
            ),
            (
                Format::Html,
                format!("<li>{}{}</li>", "<br>".repeat(n), "•".repeat(n)),
            ),
            (
                Format::Text,
                format!("Essential\n\n{}- Last\n", "- Criterion\nOR\n".repeat(n)),
            ),
            // Tick-box questions before a seed form, over and over.
            (
                Format::Text,
                format!(
                    "{}\n\t<b>Job Requirements:</b> Essential (E) or Desirable (D)\t<b>E/D</b>\n\
                     <b>A. Skills</b>\tMinimum age 18\tE\n\tGood IT skills\tE\n",
                    "BPSS required? Yes ✓ Is this post politically restricted? No ✓ ".repeat(n)
                ),
            ),
            (
                Format::Text,
                format!(
                    "\t<b>Job Requirements:</b> Essential (E) or Desirable (D)\t<b>E/D</b>\n\
                     <b>A. Skills</b>\t{}\tE E\n",
                    "x. Able ".repeat(n)
                ),
            ),
        ];
        let start = std::time::Instant::now();
        for (format, body) in &documents {
            if let Ok(specs) = import(*format, body.as_bytes()) {
                assert!(specs.iter().all(|s| s.criteria.len() <= 2_000));
            }
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn catch_all_categories() {
        assert!(catch_all_category("Other"));
        assert!(catch_all_category("Additional requirements"));
        assert!(catch_all_category("Work-related requirements"));
        assert!(!catch_all_category("Qualifications"));
        assert!(!catch_all_category("Other skills"));
    }

    #[test]
    fn a_dash_for_an_empty_cell_is_no_criterion() {
        assert!(is_placeholder("—"));
        assert!(is_placeholder(" - "));
        assert!(!is_placeholder("GCSE English"));
        assert!(!is_placeholder("5"));
    }

    #[test]
    fn content_types_map_to_formats() {
        assert_eq!(
            Format::from_content_type("text/html; charset=utf-8"),
            Some(Format::Html)
        );
        assert_eq!(
            Format::from_content_type("application/pdf"),
            Some(Format::Pdf)
        );
        assert_eq!(Format::from_content_type("image/png"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn import_never_panics(body in proptest::collection::vec(any::<u8>(), 0..400)) {
            for format in [Format::Text, Format::Html, Format::Docx] {
                let _ = import(format, &body);
            }
        }

        #[test]
        fn import_never_panics_on_markup_like_text(
            body in "[<>/a-zA-Z&;#\t\n ▪♦•○()ED:.0-9-]{0,300}"
        ) {
            for format in [Format::Text, Format::Html] {
                let _ = import(format, body.as_bytes());
            }
        }
    }
}
