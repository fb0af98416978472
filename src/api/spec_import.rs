//! `POST /api/v1/vacancies/{id}/criteria/import`: a person specification from the
//! employer's own document (converted text, HTML, Word or PDF) instead of retyping it.

use actix_web::http::header;
use actix_web::{post, web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::actor;
use super::criteria::{replacement_rows, validate_whole_spec, Criterion, NewCriterion};
use super::vacancies::WRITERS;
use crate::auth::Caller;
use crate::db::Db;
use crate::domain::{Method, Requirement};
use crate::error::{AppError, Problem};
use crate::import::{self, Format, ImportError, ImportedSpec};
use crate::service::spec;

/// Largest document accepted. Larger than the JSON body limit: a council's whole
/// restructuring pack with fifty specifications converts to about 400 KB of text, and a
/// Word file carries images and styles besides the text.
pub const MAX_IMPORT_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// `true`: report what would be created and change nothing.
    pub dry_run: Option<bool>,
    /// Which person specification (1-based, in document order) when the document holds
    /// several; required then.
    #[param(minimum = 1)]
    pub section: Option<u32>,
    /// `true`: the vacancy (a draft) also adopts the settings the document implies
    /// (`suggested_settings`: DBS level, driving requirement, professional registration),
    /// after the criteria are stored. Ignored in a dry run.
    pub apply_settings: Option<bool>,
}

/// A Word (.docx) file, as its raw bytes (a schema only: the handler reads the payload).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct WordDocument(Vec<u8>);

/// A PDF with a text layer, as its raw bytes (a schema only: the handler reads the payload).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct PdfDocument(Vec<u8>);

/// Where in the document a criterion was read.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportSource {
    /// Line of the document's text form.
    pub line: usize,
    /// The text it was read from (at most 200 characters).
    pub text: String,
}

/// Vacancy settings the document implies; only those it states are present.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct SuggestedSettings {
    /// none, basic, standard, enhanced, enhanced_barred_children, enhanced_barred_adults
    /// or enhanced_barred_both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dbs_level: Option<String>,
    /// none, occasional, regular (own licence and car) or required (drives the
    /// employer's vehicles).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub driving_requirement: Option<String>,
    /// The registration body named, e.g. "HCPC".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub professional_registration: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bpss_required: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub politically_restricted: Option<bool>,
}

/// One person specification found in the document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportSection {
    /// 1-based, in document order: the value for `?section=`.
    pub section: u32,
    /// The post title when the document names one.
    pub title: Option<String>,
    /// Line of the document (of its text form, for HTML and Word) where it starts.
    pub line: usize,
    /// Number of criteria found in it.
    pub criteria: usize,
}

/// A line inside the chosen specification that could not be classified.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportWarning {
    pub line: usize,
    pub text: String,
    pub reason: String,
}

/// One criterion as imported: as stored (with `id`), or as it would be (`id` null), with
/// where it was read and how sure the importer is of it. `source` and `confidence` belong
/// to the import only: the stored criterion (`GET …/criteria`) has the other fields.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedCriterion {
    /// `null` in a dry run.
    pub id: Option<String>,
    pub category: String,
    pub description: String,
    pub requirement: Requirement,
    pub methods: Vec<Method>,
    pub weight: i32,
    pub alternative_group: Option<String>,
    pub position: i32,
    /// The line of the document (of its text form, for HTML, Word and PDF) and the text
    /// the criterion was read from.
    pub source: ImportSource,
    /// How sure the importer is of this criterion, 0–1. At or below 0.6 the criterion is
    /// also listed in `warnings`, with the reason.
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub confidence: f64,
}

/// The outcome of an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpecImport {
    /// `true`: nothing was changed.
    pub dry_run: bool,
    /// The specification imported (1-based).
    pub section: u32,
    /// Every specification found in the document.
    pub sections: Vec<ImportSection>,
    /// The specification, replacing the vacancy's (or what would replace it).
    pub criteria: Vec<ImportedCriterion>,
    /// One per line of the chosen specification that was not made a criterion, or that
    /// was imported with low confidence (the reason says why).
    pub warnings: Vec<ImportWarning>,
    /// Eligibility conditions found in the document (a minimum age, "must satisfy
    /// pre-employment checks", a DBS level, a driving licence, the right to work…): never
    /// imported as scored criteria.
    pub conditions: Vec<String>,
    /// The vacancy settings the document implies.
    pub suggested_settings: SuggestedSettings,
    /// With `apply_settings=true`: the vacancy fields set from `suggested_settings`
    /// (`bpss_required` and `politically_restricted` have no vacancy field yet).
    pub applied_settings: Vec<String>,
    /// An assessment plan for the methods the criteria use (sift, test, interview),
    /// to adopt or adjust with `PUT …/assessment-plan`. Nothing is stored.
    pub proposed_plan: crate::api::steps::AssessmentPlan,
}

/// The document's format from its `Content-Type`; anything else is a 415.
fn format_of(req: &HttpRequest) -> Result<Format, AppError> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Format::from_content_type(content_type).ok_or_else(|| {
        AppError::UnsupportedMediaType(format!(
            "send the document as text/plain, text/markdown, text/html, \
             application/vnd.openxmlformats-officedocument.wordprocessingml.document or \
             application/pdf (a PDF with a text layer) (got {content_type:?})"
        ))
    })
}

async fn read_document(mut payload: web::Payload) -> Result<Vec<u8>, AppError> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| AppError::BadRequest(format!("the body could not be read: {e}")))?;
        if body.len() + chunk.len() > MAX_IMPORT_BYTES {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    if body.is_empty() {
        return Err(AppError::validation("body", "the document is empty"));
    }
    Ok(body)
}

/// The specification the caller asked for, or a 422 that lists what is there.
fn choose(specs: Vec<ImportedSpec>, section: Option<u32>) -> Result<(u32, ImportedSpec), AppError> {
    let listing = || {
        specs
            .iter()
            .enumerate()
            .map(|(i, s)| {
                format!(
                    "{} {} (line {}, {} criteria)",
                    i + 1,
                    s.title.as_deref().unwrap_or("untitled"),
                    s.line,
                    s.criteria.len()
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let index = match section {
        Some(n) if n >= 1 && (n as usize) <= specs.len() => n,
        Some(n) => {
            return Err(AppError::validation(
                "section",
                format!(
                    "there is no specification {n}; the document holds {}: {}",
                    specs.len(),
                    listing()
                ),
            ))
        }
        None if specs.len() == 1 => 1,
        None => {
            return Err(AppError::validation(
                "section",
                format!(
                    "the document holds {} person specifications; choose one with \
                     ?section=N: {}",
                    specs.len(),
                    listing()
                ),
            ))
        }
    };
    let spec = specs
        .into_iter()
        .nth(index as usize - 1)
        .ok_or_else(|| AppError::Internal("chosen section vanished".into()))?;
    Ok((index, spec))
}

fn as_new_criteria(spec: &ImportedSpec) -> Vec<NewCriterion> {
    spec.criteria
        .iter()
        .enumerate()
        .map(|(i, c)| NewCriterion {
            category: c.category.clone(),
            description: c.description.clone(),
            requirement: c.requirement,
            methods: c.methods.clone(),
            weight: None,
            alternative_group: c.alternative_group.clone(),
            position: Some(i as i32),
        })
        .collect()
}

#[utoipa::path(
    tag = "person specification",
    params(("vacancy_id" = String, Path, description = "Vacancy id"), ImportParams),
    request_body(
        description = "The person specification document: the converted text (markdown, \
                       HTML table fragments included), an HTML page, a Word .docx file, or a \
                       PDF with a text layer (a scan with no text layer is a 422; a PDF of \
                       more than 300 pages, encrypted, or that takes more than 20 seconds \
                       to read is refused). At most 8 MiB.",
        content(
            (String = "text/plain"),
            (String = "text/markdown"),
            (String = "text/html"),
            (WordDocument = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (PdfDocument = "application/pdf"),
        )
    ),
    responses(
        (status = 200, description = "The imported (or, in a dry run, the would-be) specification", body = SpecImport),
        (status = 400, description = "Malformed query string", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The vacancy is no longer a draft", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The document is larger than 8 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not one of the accepted document types", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The document cannot be read (a PDF with no text layer included), holds no person specification, holds several and `section` does not choose one, or yields invalid criteria", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/vacancies/{vacancy_id}/criteria/import")]
pub async fn import_criteria(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    params: web::Query<ImportParams>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    caller.require(WRITERS)?;
    let format = format_of(&req)?;
    let document = read_document(payload).await?;
    let vacancy_id = path.into_inner();
    let params = params.into_inner();
    let dry_run = params.dry_run.unwrap_or(false);

    // The vacancy first, so a missing or frozen one is a 404 or 409 whatever the body.
    let vacancy = {
        let (caller, vacancy_id) = (caller.clone(), vacancy_id.clone());
        spec::editable(&db, caller, vacancy_id).await?
    };
    // Parsing a large document is CPU work: keep it off the async workers.
    let specs = web::block(move || import::import(format, &document))
        .await
        .map_err(|e| AppError::Internal(format!("import task failed: {e}")))?
        .map_err(|e| match e {
            ImportError::Unreadable(why) => AppError::validation(
                "body",
                format!("the document cannot be read as {format:?}: {why}"),
            ),
            ImportError::NoTextLayer => AppError::validation(
                "body",
                "the PDF has no text layer (a scan?): send a PDF with selectable text, or the \
                 Word or HTML version",
            ),
            ImportError::NoSpecification => AppError::validation(
                "body",
                "no person specification was found: expected essential/desirable criteria \
                 (ESSENTIAL/DESIRABLE columns, Essential/Desirable lists or E/D marks)",
            ),
        })?;
    let sections: Vec<ImportSection> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| ImportSection {
            section: i as u32 + 1,
            title: s.title.clone(),
            line: s.line,
            criteria: s.criteria.len(),
        })
        .collect();
    let (section, spec) = choose(specs, params.section)?;
    let body = as_new_criteria(&spec);
    validate_whole_spec(&body)?;
    let mut warnings: Vec<ImportWarning> = spec
        .warnings
        .iter()
        .map(|w| ImportWarning {
            line: w.line,
            text: w.text.clone(),
            reason: w.reason.clone(),
        })
        .collect();
    // Every low-confidence criterion is in the warnings (the importer gives the reason).
    for c in &spec.criteria {
        if c.confidence <= import::LOW_CONFIDENCE
            && !warnings
                .iter()
                .any(|w| w.line == c.line && w.reason.starts_with("low confidence"))
        {
            warnings.push(ImportWarning {
                line: c.line,
                text: c.source.clone(),
                reason: format!(
                    "low confidence ({:.2}): check this criterion against the document",
                    c.confidence
                ),
            });
        }
    }

    let settings = &spec.settings;
    let mut applied_settings = Vec::new();
    let mut adopted = None;
    if params.apply_settings.unwrap_or(false) && !dry_run {
        let mut changes = crate::api::vacancies::VacancyChanges::default();
        if let Some(level) = settings
            .dbs_level
            .as_deref()
            .and_then(crate::domain::vacancy::DbsLevel::parse)
        {
            changes.dbs_level = Some(level);
            applied_settings.push("dbs_level".to_string());
        }
        if let Some(driving) = settings
            .driving_requirement
            .as_deref()
            .and_then(crate::domain::vacancy::DrivingRequirement::parse)
        {
            changes.driving_requirement = Some(driving);
            applied_settings.push("driving_requirement".to_string());
        }
        if let Some(body) = &settings.professional_registration {
            changes.professional_registration = Some(Some(body.clone()));
            applied_settings.push("professional_registration".to_string());
        }
        if !applied_settings.is_empty() {
            adopted = Some(changes);
        }
    }
    let rows = if dry_run {
        // The same checks as the real thing, on the vacancy read above; nothing written.
        replacement_rows(&vacancy, &body)?
    } else {
        // Checked again inside the transaction: the vacancy may have opened meanwhile.
        let actor = actor(&caller, &req);
        spec::replace(
            &db,
            caller.clone(),
            actor,
            vacancy_id.clone(),
            body,
            "criteria.imported",
            adopted,
        )
        .await?
    };
    // Rows come back in position order, and position `i` is the `i`th criterion read.
    let criteria = rows
        .iter()
        .map(|row| {
            Criterion::from_row(row).map(|c| {
                let read = usize::try_from(c.position)
                    .ok()
                    .and_then(|i| spec.criteria.get(i));
                ImportedCriterion {
                    // A dry run's rows have ids that were never stored: do not show them.
                    id: (!dry_run).then_some(c.id),
                    category: c.category,
                    description: c.description,
                    requirement: c.requirement,
                    methods: c.methods,
                    weight: c.weight,
                    alternative_group: c.alternative_group,
                    position: c.position,
                    source: ImportSource {
                        line: read.map_or(spec.line, |r| r.line),
                        text: read.map(|r| r.source.clone()).unwrap_or_default(),
                    },
                    confidence: read.map_or(1.0, |r| r.confidence),
                }
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let used: std::collections::BTreeSet<crate::domain::Method> = criteria
        .iter()
        .flat_map(|c| c.methods.iter().copied())
        .collect();
    let proposed_plan = crate::api::steps::AssessmentPlan::from_plan(&crate::domain::plan::Plan {
        steps: crate::domain::plan::propose_plan(&used),
        is_default: false,
    });
    let suggested_settings = SuggestedSettings {
        dbs_level: settings.dbs_level.clone(),
        driving_requirement: settings.driving_requirement.clone(),
        professional_registration: settings.professional_registration.clone(),
        bpss_required: settings.bpss_required,
        politically_restricted: settings.politically_restricted,
    };
    Ok(HttpResponse::Ok().json(SpecImport {
        dry_run,
        section,
        sections,
        criteria,
        warnings,
        conditions: spec.conditions.clone(),
        suggested_settings,
        applied_settings,
        proposed_plan,
    }))
}
