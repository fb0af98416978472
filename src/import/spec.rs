//! Finds person specifications in the blocks of a document and extracts their criteria.
//!
//! Four layouts are recognised, each by its header:
//! - marks column: a "Job Requirements: Essential (E) or Desirable (D) | E/D" header, rows of
//!   section heading, criteria and marks (optionally a Measurement column of method numbers);
//! - essential/desirable columns: an "ESSENTIAL … | DESIRABLE …" header row, one row per
//!   attribute;
//! - headed rows: rows whose first cell says "Essential experience", "Desirable skills"…;
//! - headed lists: "Essential" / "Desirable" paragraphs followed by list items.

use super::blocks::{collapse, Block, BlockKind, Cell, Item, BREAK};
use super::conditions;
use super::criteria::{
    assessment_methods, describe, is_or, is_tick, kind_of, marks, measurement_methods, pieces,
    sentence_case, sort_methods, split_run_together, starts_lowercase, starts_with_enumerator,
    strip_enumerator, strip_section_letter, Piece,
};
use super::{ImportError, ImportWarning, ImportedCriterion, ImportedSpec, SuggestedSettings};
use crate::domain::{Method, Requirement};

/// The most criteria one specification may yield: ten times what the API stores (200),
/// seventy times the largest real one. Each takes a few hundred bytes while being read.
const MAX_SPEC_CRITERIA: usize = 2_000;

/// The most criteria a document may yield: thirty times the largest real pack (about 600).
const MAX_DOCUMENT_CRITERIA: usize = 20_000;

/// Every specification with at least one criterion, in document order. A document with
/// more criteria than any real one ([`MAX_SPEC_CRITERIA`] in a specification,
/// [`MAX_DOCUMENT_CRITERIA`] in all) is refused, so that memory stays bounded.
///
/// With `set_apart`, each specification's eligibility conditions are set apart from its
/// criteria ([`set_apart_conditions`]): for the seed conversions, whose reading is final.
/// Otherwise the reading by meaning decides what is a condition (`super::import`).
pub fn find_specs(blocks: &[Block], set_apart: bool) -> Result<Vec<ImportedSpec>, ImportError> {
    let mut specs = Vec::new();
    let mut criteria = 0usize;
    let mut previous_end = 0;
    let mut index = 0;
    while index < blocks.len() {
        let block = &blocks[index];
        let found = if let Some(header) = marks_header(block) {
            Some(marks_table(blocks, index, header))
        } else if let Some(columns) = column_header(block) {
            Some(column_table(blocks, index, columns))
        } else if row_heading(block).is_some() {
            Some(headed_rows(blocks, index))
        } else if list_heading(block).is_some() {
            Some(headed_lists(blocks, index))
        } else {
            None
        };
        match found {
            Some((mut spec, end)) => {
                if spec.overflowed {
                    return Err(ImportError::Unreadable(format!(
                        "a person specification at line {} has more than \
                         {MAX_SPEC_CRITERIA} criteria",
                        spec.line
                    )));
                }
                spec.title = find_title(blocks, previous_end, index);
                let preamble = &blocks[previous_end.min(index)..index];
                let mut finished = match spec.finish() {
                    Some(s) if set_apart => set_apart_conditions(s, preamble),
                    other => other,
                };
                if let Some(spec) = finished.as_mut() {
                    let around =
                        previous_end.max(index.saturating_sub(3))..(end + 3).min(blocks.len());
                    if let Some(methods) = blockwide_methods(&blocks[around]) {
                        for criterion in spec.criteria.iter_mut().filter(|c| !c.methods_stated) {
                            criterion.methods = methods.clone();
                            criterion.methods_stated = true;
                        }
                    }
                }
                if let Some(spec) = finished {
                    criteria += spec.criteria.len();
                    if criteria > MAX_DOCUMENT_CRITERIA {
                        return Err(ImportError::Unreadable(format!(
                            "the document has more than {MAX_DOCUMENT_CRITERIA} criteria"
                        )));
                    }
                    specs.push(spec);
                }
                previous_end = end;
                index = end.max(index + 1);
            }
            None => index += 1,
        }
    }
    Ok(specs)
}

/// Methods a blanket statement gives every criterion that states none: "Assessment:
/// application form and interview for all criteria unless stated", "All criteria will be
/// assessed at interview". Only paragraphs next to (or inside) the specification count.
fn blockwide_methods(blocks: &[Block]) -> Option<Vec<Method>> {
    blocks.iter().find_map(|block| {
        let BlockKind::Paragraph(cell) = &block.kind else {
            return None;
        };
        let text = cell.plain();
        let lower = text.to_lowercase();
        let blanket = (lower.contains("all criteria") || lower.contains("each criterion"))
            && (lower.contains("assess") || lower.contains("tested"))
            && text.split_whitespace().count() <= 30;
        if !blanket {
            return None;
        }
        let found = super::methods::words(&text);
        (!found.is_empty()).then_some(found)
    })
}

/// The specification with its eligibility conditions set apart from its criteria (a
/// minimum age, pre-employment checks, a registration on one route only), and the
/// settings implied by them, by the tick boxes before it (`preamble`: politically
/// restricted, exempt from the Rehabilitation of Offenders Act…) and by a driving licence
/// or registration among its criteria. `None` when nothing but conditions was left.
fn set_apart_conditions(mut spec: ImportedSpec, preamble: &[Block]) -> Option<ImportedSpec> {
    // At most the few blocks of a form's header: the questions sit just above the table.
    let text = preamble
        .iter()
        .rev()
        .take(40)
        .map(block_text)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("\n");
    let (ticked_conditions, ticked) = conditions::tick_boxes(&text);
    let mut found: Vec<String> = Vec::new();
    spec.criteria.retain(|c| {
        if conditions::seed_criterion_is_condition(&c.description, &c.category) {
            found.push(c.description.clone());
            false
        } else {
            true
        }
    });
    if spec.criteria.is_empty() {
        return None;
    }
    // An alternative left alone is no longer a choice.
    let groups: Vec<Option<String>> = spec
        .criteria
        .iter()
        .map(|c| c.alternative_group.clone())
        .collect();
    for c in &mut spec.criteria {
        if c.alternative_group.is_some()
            && groups.iter().filter(|g| **g == c.alternative_group).count() < 2
        {
            c.alternative_group = None;
        }
    }
    // A registration on one route only is not asked of every appointee: it suggests no
    // vacancy setting (which would make it a pre-employment check for all).
    let licences: Vec<String> = spec
        .criteria
        .iter()
        .filter(|c| conditions::kind(&c.description) == Some(conditions::Kind::Driving))
        .map(|c| c.description.clone())
        .chain(
            found
                .iter()
                .filter(|c| !conditions::route_specific(c))
                .cloned(),
        )
        .collect();
    let mut settings = conditions::settings(&licences);
    if settings.professional_registration.is_none() {
        settings.professional_registration = spec
            .criteria
            .iter()
            .find_map(|c| conditions::registration_body(&c.description));
    }
    let SuggestedSettings {
        dbs_level,
        driving_requirement,
        professional_registration,
        bpss_required,
        politically_restricted,
    } = ticked;
    settings.dbs_level = settings.dbs_level.or(dbs_level);
    settings.driving_requirement = settings.driving_requirement.or(driving_requirement);
    settings.professional_registration = settings
        .professional_registration
        .or(professional_registration);
    settings.bpss_required = settings.bpss_required.or(bpss_required);
    settings.politically_restricted = politically_restricted.or(settings.politically_restricted);
    found.extend(ticked_conditions);
    spec.conditions = found;
    spec.settings = settings;
    Some(spec)
}

/// A specification being read.
struct Builder {
    line: usize,
    title: Option<String>,
    drafts: Vec<Draft>,
    warnings: Vec<ImportWarning>,
    /// More than [`MAX_SPEC_CRITERIA`] were offered; the rest were not kept.
    overflowed: bool,
}

struct Draft {
    category: String,
    text: String,
    requirement: Requirement,
    /// Methods from a Measurement column; codes in the text are added when finishing.
    methods: Vec<Method>,
    or_next: bool,
    /// Line of the text form the criterion came from, when known.
    line: Option<usize>,
}

impl Builder {
    fn new(line: usize) -> Builder {
        Builder {
            line,
            title: None,
            drafts: Vec::new(),
            warnings: Vec::new(),
            overflowed: false,
        }
    }

    /// Adds a criterion and returns its index (past the end when there are too many: the
    /// criterion is dropped and the specification will be refused).
    fn add(&mut self, category: &str, piece: &Piece, requirement: Requirement) -> usize {
        if self.drafts.len() >= MAX_SPEC_CRITERIA {
            self.overflowed = true;
            return self.drafts.len();
        }
        self.drafts.push(Draft {
            category: category.to_string(),
            text: piece.text.clone(),
            requirement,
            methods: Vec::new(),
            or_next: piece.or_next,
            line: None,
        });
        self.drafts.len() - 1
    }

    /// Joins text continuing criterion `index` (a page break cut it, or it is a sub-item).
    fn extend(&mut self, index: usize, separator: &str, piece: &Piece) {
        if let Some(draft) = self.drafts.get_mut(index) {
            draft.text.push_str(separator);
            draft.text.push_str(&piece.text);
            draft.or_next = piece.or_next;
        }
    }

    fn warn(&mut self, line: usize, text: &str, reason: &str) {
        let text = collapse(text);
        if text.is_empty() {
            return;
        }
        let text: String = text.chars().take(200).collect();
        self.warnings.push(ImportWarning {
            line,
            text,
            reason: reason.to_string(),
        });
    }

    fn finish(self) -> Option<ImportedSpec> {
        let mut criteria: Vec<ImportedCriterion> = Vec::with_capacity(self.drafts.len());
        let mut groups = 0;
        let mut linked = false;
        for draft in self.drafts {
            let (description, mut methods) = describe(&draft.text);
            if description.is_empty() {
                continue;
            }
            methods.extend(draft.methods);
            let mut methods = sort_methods(methods);
            let methods_stated = !methods.is_empty();
            if methods.is_empty() {
                // The conventions: a criterion with no stated method is assessed from the
                // application form.
                methods.push(Method::Application);
            }
            let mut criterion = ImportedCriterion {
                category: if draft.category.is_empty() {
                    kind_of(&description).to_string()
                } else {
                    draft.category
                },
                source: collapse(&draft.text).chars().take(200).collect(),
                description,
                requirement: draft.requirement,
                methods,
                alternative_group: None,
                line: draft.line.unwrap_or(self.line),
                confidence: 1.0,
                methods_stated,
            };
            if linked {
                if let Some(previous) = criteria.last_mut() {
                    let group = previous
                        .alternative_group
                        .get_or_insert_with(|| {
                            groups += 1;
                            format!("alt-{groups}")
                        })
                        .clone();
                    criterion.alternative_group = Some(group);
                    // Alternatives share the requirement of the first.
                    criterion.requirement = previous.requirement;
                }
            }
            linked = draft.or_next;
            criteria.push(criterion);
        }
        (!criteria.is_empty()).then_some(ImportedSpec {
            title: self.title,
            line: self.line,
            criteria,
            warnings: self.warnings,
            conditions: Vec::new(),
            settings: SuggestedSettings::default(),
        })
    }
}

const NO_MARK: &str = "no essential/desirable mark";
const NOTE: &str = "note among the criteria";

fn row(block: &Block) -> Option<&[Cell]> {
    match &block.kind {
        BlockKind::Row(cells) => Some(cells),
        _ => None,
    }
}

fn block_text(block: &Block) -> String {
    match &block.kind {
        BlockKind::Heading(text) => text.clone(),
        BlockKind::Paragraph(cell) => cell.plain(),
        BlockKind::ListItem { text, .. } => text.clone(),
        BlockKind::Row(cells) => {
            collapse(&cells.iter().map(Cell::plain).collect::<Vec<_>>().join(" "))
        }
    }
}

fn items_of(cells: &[&Cell]) -> Vec<Item> {
    cells
        .iter()
        .flat_map(|cell| cell.items.iter().cloned())
        .collect()
}

// ---------------------------------------------------------------------------------------
// Marks column ("Leicester" forms)

#[derive(Clone, Copy)]
struct MarksHeader {
    /// "All E" or a lone "E" heads the marks column: unmarked criteria are essential.
    all_essential: bool,
}

fn is_requirements_legend(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    compact.contains("Essential(E)") || compact.contains("E=Essential")
}

fn marks_header(block: &Block) -> Option<MarksHeader> {
    match &block.kind {
        BlockKind::Row(cells) => {
            // A legend ("E = Essential") or a column headed "E/D" (the form's own words
            // or the common "Requirement | E/D | Assessed by").
            if !cells
                .iter()
                .any(|cell| is_requirements_legend(&cell.plain()) || is_marks_column(&cell.plain()))
            {
                return None;
            }
            let all_essential = cells.iter().any(|cell| {
                let compact: String = cell.plain().split_whitespace().collect();
                compact.eq_ignore_ascii_case("allE") || compact == "E"
            });
            Some(MarksHeader { all_essential })
        }
        BlockKind::Paragraph(cell) if is_requirements_legend(&cell.plain()) => Some(MarksHeader {
            all_essential: false,
        }),
        _ => None,
    }
}

/// A marks column's heading: `E/D`, `E or D`, `Essential/Desirable`.
fn is_marks_column(text: &str) -> bool {
    let compact: String = text.split_whitespace().collect::<String>().to_lowercase();
    matches!(
        compact.as_str(),
        "e/d" | "eord" | "essential/desirable" | "essentialordesirable" | "e/d?"
    )
}

/// A paragraph of the header that a converter broke out of its table (`E/ D`).
fn is_marks_heading(text: &str) -> bool {
    let compact: String = text.split_whitespace().collect();
    compact.eq_ignore_ascii_case("E/D") || compact.eq_ignore_ascii_case("allE")
}

fn nonempty_marks(text: &str) -> Option<Vec<Requirement>> {
    marks(text).filter(|found| !found.is_empty())
}

fn has_title_label(block: &Block) -> bool {
    match &block.kind {
        BlockKind::Row(cells) => cells
            .iter()
            .any(|cell| title_label(&cell.plain()).is_some()),
        BlockKind::Paragraph(cell) => title_label(&cell.plain()).is_some(),
        _ => false,
    }
}

/// State of a marks table being read.
struct MarksTable {
    spec: Builder,
    header: MarksHeader,
    category: String,
    /// Criterion text with no mark yet: a following sub-item row may carry its mark.
    pending: Option<(usize, Piece)>,
    /// Paragraphs a converter broke out of the table, waiting for their marks paragraph.
    loose: Vec<(usize, Piece)>,
    /// Index of the last criterion added, for sub-items in the following rows.
    last: Option<usize>,
}

fn marks_table(blocks: &[Block], start: usize, header: MarksHeader) -> (Builder, usize) {
    let mut table = MarksTable {
        spec: Builder::new(blocks[start].line),
        header,
        category: String::new(),
        pending: None,
        loose: Vec::new(),
        last: None,
    };
    let mut index = start + 1;
    while let Some(block) = blocks.get(index) {
        if has_title_label(block) || column_header(block).is_some() {
            break;
        }
        match &block.kind {
            BlockKind::Heading(_) | BlockKind::ListItem { .. } => break,
            BlockKind::Row(cells) => {
                if let Some(next_header) = marks_header(block) {
                    // A specification continued in a second table (the Measurement form).
                    table.header = next_header;
                } else if row_heading(block).is_some() {
                    break;
                } else {
                    table.row(block.line, cells);
                }
            }
            BlockKind::Paragraph(cell) => {
                let text = cell.plain();
                if text.starts_with("Total number of") {
                    index += 1;
                    break;
                }
                if text.starts_with("Measurement") || is_marks_heading(&text) {
                    // The form's legend, repeated below each table.
                } else if let Some(found) = nonempty_marks(&text) {
                    table.mark_loose(&found);
                } else if strip_section_letter(&text) != text {
                    table.category = sentence_case(&text);
                } else if next_is_mark(blocks, index) {
                    table.loose.push((
                        block.line,
                        Piece {
                            text: cell.text(),
                            bullet: false,
                            note: false,
                            or_next: false,
                        },
                    ));
                } else if section_row_follows(blocks, index) {
                    // A page header the converter left inside the table.
                } else {
                    break;
                }
            }
        }
        index += 1;
    }
    table.flush_pending();
    let loose = std::mem::take(&mut table.loose);
    for (line, piece) in loose {
        table.unmarked(line, &piece);
    }
    (table.spec, index)
}

/// True when, past a few paragraphs, the table goes on with a section row (`D. Other Skills`).
fn section_row_follows(blocks: &[Block], index: usize) -> bool {
    blocks[index + 1..]
        .iter()
        .take(4)
        .find(|block| !matches!(block.kind, BlockKind::Paragraph(_)))
        .and_then(row)
        .and_then(|cells| cells.first())
        .is_some_and(|label| {
            let heading = label.emphasis.clone().unwrap_or_else(|| label.plain());
            strip_section_letter(&heading) != heading
        })
}

fn next_is_mark(blocks: &[Block], index: usize) -> bool {
    blocks
        .get(index + 1)
        .is_some_and(|block| match &block.kind {
            BlockKind::Paragraph(cell) => {
                let text = cell.plain();
                is_marks_heading(&text) || nonempty_marks(&text).is_some()
            }
            _ => false,
        })
}

impl MarksTable {
    fn row(&mut self, line: usize, cells: &[Cell]) {
        let Some((label, rest)) = cells.split_first() else {
            return;
        };
        let label_text = label.plain();
        let filled: Vec<&Cell> = rest.iter().filter(|cell| !cell.is_empty()).collect();
        // A criterion that slipped into the first column, its mark one cell left and
        // nothing else in the row (seed 004, line 2603), is a criterion, not guidance.
        let shifted = !label_text.is_empty()
            && label.emphasis.is_none()
            && strip_section_letter(&label_text) == label_text
            && match filled.as_slice() {
                [marks] => nonempty_marks(&marks.plain()).is_some(),
                // "Requirement | E/D | Assessed by": the criterion, its mark, its methods.
                [marks, methods] => {
                    nonempty_marks(&marks.plain()).is_some()
                        && nonempty_marks(&methods.plain()).is_none()
                        && (assessment_methods(&methods.plain()).is_some()
                            || is_code_cell(&methods.plain()))
                }
                _ => false,
            };
        let labelled = !label_text.is_empty() && !shifted;
        if labelled {
            match &label.emphasis {
                Some(heading) => self.category = sentence_case(heading),
                None if strip_section_letter(&label_text) != label_text => {
                    self.category = sentence_case(&label_text)
                }
                None => self
                    .spec
                    .warn(line, &label_text, "form guidance, not a criterion"),
            }
        }
        // From the right: a Measurement cell of numbers, then the marks cell.
        let mut content: Vec<&Cell> = if shifted {
            std::iter::once(label).chain(filled).collect()
        } else {
            filled
        };
        let mut methods = Vec::new();
        // A cell of the document's own codes, some of which no usual legend knows
        // ("AF / Q"): left after the criterion in brackets, for the reading by meaning
        // (which reads the document's key) to give their methods.
        let mut unread_codes: Option<String> = None;
        if let Some(found) = content.last().and_then(|cell| {
            let text = cell.plain();
            // Measurement numbers, or (after a marks cell) the legend's letters or words.
            measurement_methods(&text).or_else(|| {
                let before_is_marks = content.len() >= 2
                    && nonempty_marks(&content[content.len() - 2].plain()).is_some();
                if !before_is_marks || nonempty_marks(&text).is_some() {
                    return None;
                }
                assessment_methods(&text).or_else(|| {
                    is_code_cell(&text).then(|| {
                        unread_codes = Some(collapse(&text));
                        Vec::new()
                    })
                })
            })
        }) {
            methods = found;
            content.pop();
        }
        let mut row_marks = Vec::new();
        if let Some(found) = content
            .last()
            .and_then(|cell| nonempty_marks(&cell.plain()))
        {
            row_marks = found;
            content.pop();
        }
        let found = pieces(&items_of(&content));
        let mut criteria = Vec::new();
        for piece in found {
            if piece.note {
                self.spec.warn(line, &piece.text, NOTE);
            } else {
                criteria.extend(self.split_note(line, piece));
            }
        }
        if criteria.is_empty() {
            return;
        }
        let continues = |piece: &Piece| {
            !labelled && (starts_with_enumerator(&piece.text) || starts_lowercase(&piece.text))
        };
        if row_marks.is_empty() && !self.header.all_essential {
            for (position, piece) in criteria.iter().enumerate() {
                if position == 0 && continues(piece) {
                    let (separator, piece) = continuation(piece);
                    if let Some((_, pending)) = self.pending.as_mut() {
                        pending.text.push_str(separator);
                        pending.text.push_str(&piece.text);
                        continue;
                    }
                    if let Some(last) = self.last {
                        self.spec.extend(last, separator, &piece);
                        continue;
                    }
                }
                self.flush_pending();
                self.pending = Some((line, piece.clone()));
            }
            return;
        }
        // A marked row that opens in lower case ends the criterion cut by a page break;
        // its marks belong to the criteria after that.
        if let (Some(last), None, false) = (self.last, &self.pending, labelled) {
            if criteria
                .first()
                .is_some_and(|piece| starts_lowercase(&piece.text))
            {
                if let [single] = criteria.as_slice() {
                    let parts = split_run_together(&single.text, row_marks.len() + 1);
                    criteria = parts
                        .into_iter()
                        .map(|text| single.with_text(text))
                        .collect();
                }
                let head = criteria.remove(0);
                self.spec.extend(last, " ", &head);
                if criteria.is_empty() {
                    return;
                }
            }
        }
        // A marked row: a pending unmarked text this row continues takes the row's mark.
        if let Some((pending_line, mut pending)) = self.pending.take() {
            match criteria.first_mut() {
                Some(first) if continues(first) => {
                    let (separator, rest) = continuation(first);
                    pending.text.push_str(separator);
                    pending.text.push_str(&rest.text);
                    pending.or_next = first.or_next;
                    *first = pending;
                }
                _ => self.spec.warn(pending_line, &pending.text, NO_MARK),
            }
        }
        let all_bullets = criteria.iter().all(|piece| piece.bullet);
        let assigned = assign_marks(criteria, &row_marks, all_bullets);
        if !row_marks.is_empty() && row_marks.len() != assigned.len() {
            // Marks were paired in order, but which one is extra (or missing) is a guess:
            // say so, so that a person checks these requirements before opening.
            let text = assigned
                .iter()
                .map(|(piece, _)| piece.text.as_str())
                .collect::<Vec<_>>()
                .join(" / ");
            self.spec.warn(
                line,
                &text,
                &format!(
                    "{} E/D marks for {} criteria: marks paired in order; check these requirements",
                    row_marks.len(),
                    assigned.len()
                ),
            );
        }
        for (mut piece, requirement) in assigned {
            if let Some(codes) = &unread_codes {
                piece.text = format!("{} ({codes})", piece.text.trim_end());
            }
            let index = self.spec.add(&self.category, &piece, requirement);
            if let Some(draft) = self.spec.drafts.get_mut(index) {
                draft.methods = methods.clone();
            }
            self.last = Some(index);
        }
    }

    /// Splits off a trailing "NOTE: …" from a criterion text and reports it.
    fn split_note(&mut self, line: usize, mut piece: Piece) -> Option<Piece> {
        if let Some(at) = piece.text.find("NOTE:") {
            let note = piece.text.split_off(at);
            self.spec.warn(line, &note, NOTE);
        }
        (!piece.text.trim().is_empty()).then_some(piece)
    }

    fn mark_loose(&mut self, found: &[Requirement]) {
        let loose = std::mem::take(&mut self.loose);
        let assigned = assign_marks(
            loose.into_iter().map(|(_, piece)| piece).collect(),
            found,
            false,
        );
        for (piece, requirement) in assigned {
            self.last = Some(self.spec.add(&self.category, &piece, requirement));
        }
    }

    fn flush_pending(&mut self) {
        if let Some((line, piece)) = self.pending.take() {
            self.unmarked(line, &piece);
        }
    }

    fn unmarked(&mut self, line: usize, piece: &Piece) {
        if self.header.all_essential {
            self.last = Some(self.spec.add(&self.category, piece, Requirement::Essential));
        } else {
            self.spec.warn(line, &piece.text, NO_MARK);
        }
    }
}

/// How a continuing piece joins the text it continues: an enumerated sub-item (`(ii) …`) as
/// a sub-item, anything else as the rest of the sentence.
fn continuation(piece: &Piece) -> (&'static str, Piece) {
    if starts_with_enumerator(&piece.text) {
        let text = strip_enumerator(&piece.text);
        ("; ", piece.with_text(text))
    } else {
        (" ", piece.clone())
    }
}

/// Pairs criteria with marks in order; criteria beyond the marks take the last mark. Plain
/// text is one criterion per paragraph when it has several, one for the whole cell when
/// there is a single mark, and a single paragraph with several marks is split where the
/// original lines were. With no marks at all (an "All E" form) each is essential.
fn assign_marks(
    criteria: Vec<Piece>,
    found: &[Requirement],
    all_bullets: bool,
) -> Vec<(Piece, Requirement)> {
    let Some(&last) = found.last() else {
        return criteria
            .into_iter()
            .map(|piece| (piece, Requirement::Essential))
            .collect();
    };
    let criteria = match criteria.as_slice() {
        [single] if found.len() > 1 && !all_bullets => {
            split_run_together(&single.text, found.len())
                .into_iter()
                .map(|text| single.with_text(text))
                .collect()
        }
        [_, _, ..] if found.len() == 1 && !all_bullets => {
            let text = criteria
                .iter()
                .map(|piece| piece.text.as_str())
                .collect::<Vec<_>>()
                .join(&BREAK.to_string());
            let or_next = criteria.last().is_some_and(|piece| piece.or_next);
            vec![Piece {
                text,
                bullet: false,
                note: false,
                or_next,
            }]
        }
        _ => criteria,
    };
    criteria
        .into_iter()
        .enumerate()
        .map(|(i, piece)| (piece, found.get(i).copied().unwrap_or(last)))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Essential / desirable columns

#[derive(Clone)]
struct Columns {
    essential: usize,
    desirable: usize,
    /// An "assessed by" / "method" column, in forms that tick the Essential and
    /// Desirable columns instead of writing the criteria in them.
    methods: Option<usize>,
    /// Columns headed by a method ("Application | Interview | Test/Exercise"), ticked per
    /// criterion: a tick in one means the criterion is assessed that way.
    method_ticks: Vec<(usize, Vec<Method>)>,
}

fn column_header(block: &Block) -> Option<Columns> {
    let cells = row(block)?;
    let find = |word: &str| {
        cells.iter().position(|cell| {
            let text = cell.plain().to_lowercase();
            text.starts_with(word) && text.split_whitespace().count() <= 3
        })
    };
    let essential = find("essential")?;
    let desirable = find("desirable")?;
    let methods = cells.iter().position(|cell| {
        let text = cell.plain().to_lowercase();
        ["method", "assess", "measure", "how tested", "evidenced by"]
            .iter()
            .any(|word| text.contains(word))
            && !text.contains("essential")
            && !text.contains("desirable")
    });
    // A method column's heading is short and names a method only ("Interview",
    // "Test/Exercise", "Application form"), never a requirement.
    let method_ticks = if methods.is_none() {
        cells
            .iter()
            .enumerate()
            .filter(|&(i, cell)| {
                let text = cell.plain();
                i > 0
                    && i != essential
                    && i != desirable
                    && !text.is_empty()
                    && text.split_whitespace().count() <= 3
            })
            .filter_map(|(i, cell)| {
                let found = super::methods::words(&cell.plain());
                (!found.is_empty()).then_some((i, found))
            })
            .collect()
    } else {
        Vec::new()
    };
    (essential > 0 && desirable > 0 && essential != desirable).then_some(Columns {
        essential,
        desirable,
        methods,
        method_ticks,
    })
}

fn column_table(blocks: &[Block], start: usize, columns: Columns) -> (Builder, usize) {
    let mut spec = Builder::new(blocks[start].line);
    let mut category = String::new();
    // The last criterion of each column, which a page-break row may continue.
    let mut last: [Option<usize>; 2] = [None, None];
    let mut index = start + 1;
    while let Some(cells) = blocks.get(index).and_then(row) {
        let line = blocks[index].line;
        let label = cells.first().map(Cell::plain).unwrap_or_default();
        let ticked = |column: usize| cells.get(column).is_some_and(|c| is_tick(&c.plain()));
        let tick = [columns.essential, columns.desirable]
            .into_iter()
            .position(ticked);
        if let Some(side) = tick {
            // A ticked row: the criterion is the row's text, not the tick.
            let requirement = [Requirement::Essential, Requirement::Desirable][side];
            let mut methods = columns
                .methods
                .and_then(|column| cells.get(column))
                .and_then(|cell| assessment_methods(&cell.plain()))
                .unwrap_or_default();
            for (column, named) in &columns.method_ticks {
                if ticked(*column) {
                    methods.extend(named.iter().copied());
                }
            }
            let text_cells: Vec<&Cell> = cells
                .iter()
                .enumerate()
                .filter(|(i, cell)| {
                    ![
                        Some(columns.essential),
                        Some(columns.desirable),
                        columns.methods,
                    ]
                    .contains(&Some(*i))
                        && !columns.method_ticks.iter().any(|(column, _)| column == i)
                        && !cell.is_empty()
                        && !is_row_number(&cell.plain())
                })
                .map(|(_, cell)| cell)
                .collect();
            // With a category column first and the criterion after it, the last text
            // cell is the criterion; a lone text cell is the criterion itself.
            if text_cells.len() > 1 {
                if let Some(first) = text_cells.first() {
                    category = sentence_case(first.emphasis.as_deref().unwrap_or(&first.plain()));
                }
            }
            if let Some(cell) = text_cells.last() {
                for piece in cell_pieces(cell) {
                    let index = spec.add(&category, &piece, requirement);
                    if let Some(draft) = spec.drafts.get_mut(index) {
                        draft.methods = methods.clone();
                    }
                }
            }
            index += 1;
            continue;
        }
        if !label.is_empty() {
            category = sentence_case(
                cells
                    .first()
                    .and_then(|cell| cell.emphasis.as_deref())
                    .unwrap_or(&label),
            );
        }
        // The row's assessment cell covers every criterion in its Essential and
        // Desirable cells.
        let row_methods = columns
            .methods
            .and_then(|column| cells.get(column))
            .and_then(|cell| assessment_methods(&cell.plain()))
            .unwrap_or_default();
        let sides = [
            (columns.essential, Requirement::Essential),
            (columns.desirable, Requirement::Desirable),
        ];
        for (side, (column, requirement)) in sides.into_iter().enumerate() {
            let Some(cell) = cells.get(column) else {
                continue;
            };
            let found = cell_pieces(cell);
            for (position, piece) in found.iter().enumerate() {
                if piece.note {
                    spec.warn(line, &piece.text, NOTE);
                    continue;
                }
                match last[side] {
                    Some(previous)
                        if position == 0 && label.is_empty() && starts_lowercase(&piece.text) =>
                    {
                        spec.extend(previous, " ", piece);
                    }
                    _ => {
                        let added = spec.add(&category, piece, requirement);
                        if let Some(draft) = spec.drafts.get_mut(added) {
                            draft.methods.extend(row_methods.iter().copied());
                        }
                        last[side] = Some(added);
                    }
                }
            }
        }
        index += 1;
    }
    (spec, index)
}

/// Whether a cell holds only method codes of one to four capitals ("AF / Q", "INT, PX").
fn is_code_cell(text: &str) -> bool {
    let mut tokens = text
        .split(|c: char| matches!(c, '&' | '/' | ',' | '+' | ';') || c.is_whitespace())
        .filter(|t| !t.is_empty())
        .peekable();
    tokens.peek().is_some()
        && tokens.all(|t| (1..=4).contains(&t.len()) && t.chars().all(|c| c.is_ascii_uppercase()))
}

/// A row's reference number ("1", "12", "3.2", "E4"): not a category, not a criterion.
fn is_row_number(text: &str) -> bool {
    let t = text.trim().trim_end_matches('.');
    let digits = t.trim_start_matches(['E', 'D', 'e', 'd']);
    !digits.is_empty()
        && digits.len() <= 5
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.starts_with(|c: char| c.is_ascii_digit())
}

/// The pieces of a criteria cell with no marks column: list items, or the whole cell when
/// it is plain text (rule 1 of the conventions).
fn cell_pieces(cell: &Cell) -> Vec<Piece> {
    if cell.has_bullets() {
        return pieces(&cell.items);
    }
    let text = cell.text();
    if text.trim().is_empty() {
        return Vec::new();
    }
    vec![Piece {
        text,
        bullet: false,
        note: false,
        or_next: false,
    }]
}

// ---------------------------------------------------------------------------------------
// Rows headed "Essential experience", "Desirable qualifications/ knowledge"…

fn row_heading(block: &Block) -> Option<(Requirement, String)> {
    let cells = row(block)?;
    let heading = requirement_heading(&cells.first()?.plain())?;
    cells[1..]
        .iter()
        .any(|cell| !cell.is_empty())
        .then_some(heading)
}

/// "Essential skills" → (essential, "Skills"); "Essential" alone → (essential, "").
fn requirement_heading(text: &str) -> Option<(Requirement, String)> {
    let text = collapse(text);
    let text = text.trim_end_matches(':').trim();
    if text.split_whitespace().count() > 5 || is_requirements_legend(text) {
        return None;
    }
    let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
    let requirement = match first.to_lowercase().as_str() {
        "essential" => Requirement::Essential,
        "desirable" => Requirement::Desirable,
        _ => return None,
    };
    let rest = rest.trim();
    let rest = rest
        .strip_prefix("criteria")
        .or_else(|| rest.strip_prefix("requirements"))
        .unwrap_or(rest)
        .trim();
    let category = if rest.is_empty() {
        String::new()
    } else {
        sentence_case(rest)
    };
    Some((requirement, category))
}

fn headed_rows(blocks: &[Block], start: usize) -> (Builder, usize) {
    let mut spec = Builder::new(blocks[start].line);
    let mut heading: Option<(Requirement, String)> = None;
    let mut last: Option<usize> = None;
    let mut index = start;
    while let Some(cells) = blocks.get(index).and_then(row) {
        let line = blocks[index].line;
        let label = cells.first().map(Cell::plain).unwrap_or_default();
        if !label.is_empty() {
            match row_heading(&blocks[index]) {
                Some(found) => heading = Some(found),
                None => break,
            }
        }
        let Some((requirement, category)) = heading.clone() else {
            break;
        };
        let content: Vec<&Cell> = cells[1..].iter().filter(|cell| !cell.is_empty()).collect();
        for (position, piece) in pieces(&items_of(&content)).iter().enumerate() {
            if piece.note && !(position == 0 && label.is_empty() && starts_lowercase(&piece.text)) {
                spec.warn(line, &piece.text, NOTE);
                continue;
            }
            match last {
                Some(previous)
                    if position == 0 && label.is_empty() && starts_lowercase(&piece.text) =>
                {
                    spec.extend(previous, " ", piece);
                }
                _ => last = Some(spec.add(&category, piece, requirement)),
            }
        }
        index += 1;
    }
    (spec, index)
}

// ---------------------------------------------------------------------------------------
// "Essential" / "Desirable" headings over lists

fn list_heading(block: &Block) -> Option<(Requirement, String)> {
    match &block.kind {
        BlockKind::Heading(text) => requirement_heading(text),
        BlockKind::Paragraph(cell) => requirement_heading(&cell.plain()),
        _ => None,
    }
}

fn headed_lists(blocks: &[Block], start: usize) -> (Builder, usize) {
    let mut spec = Builder::new(blocks[start].line);
    let mut index = start;
    // The section over the requirement headings ("A. Qualifications", then "Essential"
    // and "Desirable" under it) and the methods a line under it gives the section.
    let mut section = section_before(blocks, start);
    loop {
        let Some((requirement, category)) = blocks.get(index).and_then(list_heading) else {
            // The next section: its heading, then the requirement headings again.
            match next_section(blocks, index) {
                Some((found, next)) => {
                    section = Some(found);
                    index = next;
                    continue;
                }
                None => break,
            }
        };
        let (category, section_methods) = match (&section, category.is_empty()) {
            (Some((title, methods)), true) => (title.clone(), methods.clone()),
            _ => (category, Vec::new()),
        };
        index += 1;
        let mut items: Vec<Item> = Vec::new();
        loop {
            match blocks.get(index).map(|b| &b.kind) {
                Some(BlockKind::ListItem { depth, text }) => items.push(Item {
                    bullet: true,
                    depth: *depth,
                    text: text.clone(),
                }),
                // "OR" on its own line between two items makes them alternatives; it
                // must not end the list (the items after it would be lost).
                Some(BlockKind::Paragraph(cell)) if !items.is_empty() && is_or(&cell.plain()) => {
                    let depth = items.last().map_or(0, |item| item.depth);
                    items.push(Item {
                        bullet: true,
                        depth,
                        text: "OR".to_string(),
                    });
                }
                // A short note between items (the list goes on after it) is reported,
                // not allowed to end the list silently.
                Some(BlockKind::Paragraph(cell))
                    if !looks_like_heading(cell) && list_resumes(blocks, index) =>
                {
                    spec.warn(blocks[index].line, &cell.plain(), NOTE);
                }
                _ => break,
            }
            index += 1;
        }
        let mut last: Option<usize> = None;
        let mut after_or = false;
        for piece in pieces(&items) {
            // Under a requirement heading a criterion code (`A1`, `D2.`) is a reference,
            // not a mark: `D` there is the section's letter.
            let piece = match code_rest(&piece.text) {
                Some(rest) => piece.with_text(rest.to_string()),
                None => piece,
            };
            match last {
                // An item cut by a page break continues in lower case (never across an
                // OR: that item is the alternative).
                Some(previous) if starts_lowercase(&piece.text) && !after_or => {
                    spec.extend(previous, " ", &piece)
                }
                _ => {
                    let added = spec.add(&category, &piece, requirement);
                    if let Some(draft) = spec.drafts.get_mut(added) {
                        draft.methods.extend(section_methods.iter().copied());
                    }
                    last = Some(added);
                }
            }
            after_or = piece.or_next;
        }
    }
    (spec, index)
}

/// The text after a leading criterion code, a capital and one or two digits (`A1  Degree`,
/// `D2. Able to…`), when a capitalised criterion follows.
fn code_rest(text: &str) -> Option<&str> {
    let text = text.trim_start();
    if !text.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let digits = text[1..].chars().take_while(char::is_ascii_digit).count();
    if !(1..=2).contains(&digits) {
        return None;
    }
    let rest = text[1 + digits..]
        .strip_prefix(['.', ')'])
        .unwrap_or(&text[1 + digits..]);
    // (A converter's line break, `BREAK`, is whitespace too.)
    let starts_word = rest.starts_with(char::is_whitespace);
    let rest = rest.trim_start();
    (starts_word && rest.starts_with(char::is_uppercase) && rest.split_whitespace().count() >= 2)
        .then_some(rest)
}

/// A section heading over requirement headings: lettered or numbered (`A. Qualifications`,
/// `2. Experience`) or naming a kind of criterion (`Skills and attributes`). Its title, in
/// sentence case.
fn section_title(block: &Block) -> Option<String> {
    let BlockKind::Heading(text) = &block.kind else {
        return None;
    };
    let text = collapse(text);
    let lower = text.to_lowercase();
    if text.split_whitespace().count() > 8
        || requirement_heading(&text).is_some()
        || lower.contains("specification")
    {
        return None;
    }
    let numbered = text.split_once(['.', ')']).is_some_and(|(n, rest)| {
        rest.starts_with(' ')
            && !n.is_empty()
            && n.len() <= 2
            && (n.chars().all(|c| c.is_ascii_digit())
                || (n.len() == 1 && n.chars().all(|c| c.is_ascii_uppercase())))
    });
    let kinds = super::methods::CATEGORY_KINDS;
    (numbered || kinds.iter().any(|k| lower.contains(k))).then(|| {
        let title = text
            .split_once(['.', ')'])
            .filter(|_| numbered)
            .map_or(text.as_str(), |(_, rest)| rest.trim());
        sentence_case(title)
    })
}

/// The methods a line under a section heading gives its criteria: "Assessed by:
/// application form and certificates", "How assessed: interview".
fn section_methods(block: &Block) -> Option<Vec<Method>> {
    let BlockKind::Paragraph(cell) = &block.kind else {
        return None;
    };
    let text = collapse(&cell.plain());
    let lower = text.to_lowercase();
    let rest = [
        "assessed by",
        "assessed through",
        "assessed at",
        "how assessed",
        "assessment",
    ]
    .iter()
    .find_map(|lead| lower.strip_prefix(lead))?;
    let rest = rest.trim_start().strip_prefix(':').unwrap_or(rest);
    if rest.split_whitespace().count() > 10 {
        return None;
    }
    assessment_methods(rest)
}

/// The section heading (and methods line) just before the first requirement heading.
fn section_before(blocks: &[Block], start: usize) -> Option<(String, Vec<Method>)> {
    let mut at = start.checked_sub(1)?;
    let methods = section_methods(&blocks[at]);
    if methods.is_some() {
        at = at.checked_sub(1)?;
    }
    let title = section_title(&blocks[at])?;
    Some((title, methods.unwrap_or_default()))
}

/// A section heading at `index` (then perhaps a methods line) followed by a requirement
/// heading: the section and where its requirement heading is.
fn next_section(blocks: &[Block], index: usize) -> Option<((String, Vec<Method>), usize)> {
    let title = section_title(blocks.get(index)?)?;
    let mut next = index + 1;
    let methods = blocks.get(next).and_then(section_methods);
    if methods.is_some() {
        next += 1;
    }
    list_heading(blocks.get(next)?)?;
    Some(((title, methods.unwrap_or_default()), next))
}

/// A paragraph that could open another section ("Supporting information"): bold, or a
/// few words with no sentence punctuation. Such a paragraph ends a headed list.
fn looks_like_heading(cell: &Cell) -> bool {
    let text = cell.plain();
    cell.emphasis.is_some()
        || requirement_heading(&text).is_some()
        || (text.split_whitespace().count() <= 6 && !text.trim_end().ends_with(['.', ';', ',']))
}

/// Whether list items follow the paragraph at `index` after at most two more paragraphs
/// (none of them a requirement heading).
fn list_resumes(blocks: &[Block], index: usize) -> bool {
    for block in blocks.iter().skip(index + 1).take(3) {
        match &block.kind {
            BlockKind::ListItem { .. } => return true,
            BlockKind::Paragraph(_) if list_heading(block).is_none() => continue,
            _ => return false,
        }
    }
    false
}

// ---------------------------------------------------------------------------------------
// Titles

/// The post title nearest before a specification (after the previous one), with the post
/// number when the document gives one: "Team Manager (SC173)".
pub(super) fn find_title(blocks: &[Block], from: usize, to: usize) -> Option<String> {
    for index in (from..to).rev() {
        let block = &blocks[index];
        let (title, number) = match &block.kind {
            BlockKind::Row(cells) => {
                let Some((position, value)) = cells
                    .iter()
                    .enumerate()
                    .find_map(|(i, cell)| title_label(&cell.plain()).map(|v| (i, v)))
                else {
                    continue;
                };
                let title = if value.is_empty() {
                    cells[position + 1..]
                        .iter()
                        .map(Cell::plain)
                        .find(|text| !text.is_empty())
                        .filter(|text| !text.contains(':') && post_number(text).is_none())
                        .or_else(|| blocks.get(index + 1).and_then(first_text))
                        .unwrap_or_default()
                } else {
                    value
                };
                let number = cells.iter().find_map(|cell| post_number(&cell.plain()));
                (title, number)
            }
            BlockKind::Paragraph(cell) => {
                let Some(value) = title_label(&cell.plain()) else {
                    continue;
                };
                let number = blocks[index + 1..]
                    .iter()
                    .take(3)
                    .find_map(|block| post_number(&block_text(block)));
                (value, number)
            }
            _ => continue,
        };
        if title.is_empty() {
            continue;
        }
        return Some(match number {
            Some(number) => format!("{title} ({number})"),
            None => title,
        });
    }
    None
}

fn first_text(block: &Block) -> Option<String> {
    match &block.kind {
        BlockKind::Row(cells) => cells.first().map(Cell::plain),
        BlockKind::Paragraph(cell) => Some(cell.plain()),
        _ => None,
    }
    .filter(|text| !text.is_empty())
}

/// The value after a post-title label ("Post Title:", "JOB TITLE:", "Title", "Role
/// description:"), possibly empty when the value sits in the next cell.
fn title_label(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    for label in [
        "post title",
        "job title",
        "role title",
        "role description",
        "title",
    ] {
        if let Some(rest) = lower.strip_prefix(label) {
            let rest_start = text.len() - rest.len();
            let value = text.get(rest_start..)?;
            let bare = label == "title" || label == "role description";
            if value.is_empty() || value.starts_with(':') || (!bare && value.starts_with(' ')) {
                return Some(collapse(value.trim_start_matches(':')));
            }
        }
    }
    None
}

/// The post number after a "Post Number:" / "Post No" label: its first word.
fn post_number(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let at = lower
        .find("post number")
        .map(|i| i + "post number".len())
        .or_else(|| lower.find("post no").map(|i| i + "post no".len()))?;
    let value = text.get(at..)?.trim_start_matches([':', '.', ' ']);
    let word = value
        .split_whitespace()
        .next()?
        .trim_end_matches([',', ';']);
    (word.chars().any(|c| c.is_ascii_digit()) && !word.contains(':')).then(|| word.to_string())
}

#[cfg(test)]
mod tests {
    use super::super::text::blocks;
    use super::*;

    fn specs(text: &str) -> Vec<ImportedSpec> {
        find_specs(&blocks(text), true).expect("a readable document")
    }

    #[test]
    fn a_cell_of_codes_after_the_mark_is_the_methods_cell() {
        assert!(is_code_cell("AF / QX"));
        assert!(!is_code_cell("Good IT"));
        assert!(!is_code_cell(""));
        let text = "Person specification\n\n\
            Criteria\tE/D\tAssessed by\n\
            Forklift licence\tE\tAF / QX\n\
            Good numeracy\tD\tAF\n";
        let found = specs(text);
        let got: Vec<&str> = found
            .iter()
            .flat_map(|s| s.criteria.iter())
            .map(|c| c.description.as_str())
            .collect();
        assert_eq!(got, vec!["Forklift licence (AF / QX)", "Good numeracy"]);
    }

    #[test]
    fn a_reference_number_column_is_not_the_category() {
        assert!(is_row_number("12"));
        assert!(is_row_number("3.2"));
        assert!(is_row_number("E4"));
        assert!(!is_row_number("Experience"));
        assert!(!is_row_number("E"));
        let text = "Person specification\n\n\
            Ref\tCriteria\tEssential\tDesirable\tHow assessed\n\
            <b>Qualifications</b>\t\t\t\t\n\
            1\tLevel 3 qualification in carpentry\tX\t\tApplication / Certificates\n\
            2\tAssessor qualification\t\tX\tApplication\n";
        let found = specs(text);
        let got: Vec<(&str, &str)> = found
            .iter()
            .flat_map(|s| s.criteria.iter())
            .map(|c| (c.category.as_str(), c.description.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("Qualifications", "Level 3 qualification in carpentry"),
                ("Qualifications", "Assessor qualification"),
            ]
        );
    }

    /// (category, description, requirement, methods) of each criterion.
    fn full(spec: &ImportedSpec) -> Vec<(&str, &str, Requirement, Vec<Method>)> {
        spec.criteria
            .iter()
            .map(|c| {
                (
                    c.category.as_str(),
                    c.description.as_str(),
                    c.requirement,
                    c.methods.clone(),
                )
            })
            .collect()
    }

    fn summary(spec: &ImportedSpec) -> Vec<(String, &'static str, Option<String>)> {
        spec.criteria
            .iter()
            .map(|c| {
                (
                    c.description.clone(),
                    c.requirement.as_str(),
                    c.alternative_group.clone(),
                )
            })
            .collect()
    }

    #[test]
    fn more_criteria_than_any_real_document_is_refused() {
        let list = |n: usize| format!("Essential\n\n{}", "- Good IT skills\n".repeat(n));
        assert_eq!(
            specs(&list(MAX_SPEC_CRITERIA))[0].criteria.len(),
            MAX_SPEC_CRITERIA
        );
        assert!(matches!(
            find_specs(&blocks(&list(MAX_SPEC_CRITERIA + 1)), true),
            Err(ImportError::Unreadable(_))
        ));
        // Many specifications, each within the limit, but too many criteria in all.
        let post = |n: usize| format!("# Post\n\n{}\n", list(n));
        let per_spec = MAX_SPEC_CRITERIA / 2;
        let document = post(per_spec).repeat(MAX_DOCUMENT_CRITERIA / per_spec);
        assert_eq!(specs(&document).len(), MAX_DOCUMENT_CRITERIA / per_spec);
        let document = format!("{document}{}", post(1));
        assert!(matches!(
            find_specs(&blocks(&document), true),
            Err(ImportError::Unreadable(_))
        ));
        // An `OR` chain is a chain of criteria like any other.
        let chain = format!(
            "Essential\n\n{}- Last\n",
            "- Criterion (A/I)\nOR\n".repeat(MAX_SPEC_CRITERIA)
        );
        assert!(find_specs(&blocks(&chain), true).is_err());
        let chain = format!(
            "Essential\n\n{}- Last\n",
            "- Criterion (A/I)\nOR\n".repeat(500)
        );
        let found = specs(&chain);
        assert_eq!(found[0].criteria.len(), 501);
        assert!(found[0]
            .criteria
            .iter()
            .all(|c| c.alternative_group.as_deref() == Some("alt-1")));
    }

    #[test]
    fn essential_desirable_columns_with_a_row_split_by_a_page_break() {
        let text = "**JOB TITLE:** Alternatively Qualified  \nWorker Level 2\n\n**POST NO:**\n\n\
ATTRIBUTES\tESSENTIAL CRITERIA\tDESIRABLE CRITERIA\n\
<b>SKILLS &amp; ABILITIES</b>\t<ul> <li>Undertake duties</li> <li>Ability to work on own initiative as well as part</li> </ul>\t<ul> <li>Strong report writing skills</li> </ul>\n\
\n\
\t<ul> <li>of a team</li> <li>Ability to manage strategies.</li> </ul>\t\n\
<b>QUALIFICATIONS</b>\t<ul> <li>Full driving licence (A &amp; I) - adjustments considered</li> </ul>\t\n\
<b>EQUALITY</b>\tCandidates must demonstrate commitment. (A & I)\t\n\
\n*[ codes ]*\n";
        let found = specs(text);
        assert_eq!(found.len(), 1);
        let spec = &found[0];
        assert_eq!(
            spec.title.as_deref(),
            Some("Alternatively Qualified Worker Level 2")
        );
        let descriptions: Vec<&str> = spec
            .criteria
            .iter()
            .map(|c| c.description.as_str())
            .collect();
        assert_eq!(
            descriptions,
            vec![
                "Undertake duties",
                "Ability to work on own initiative as well as part of a team",
                "Strong report writing skills",
                "Ability to manage strategies.",
                "Full driving licence - adjustments considered",
                "Candidates must demonstrate commitment.",
            ]
        );
        assert_eq!(spec.criteria[2].requirement, Requirement::Desirable);
        assert_eq!(spec.criteria[2].category, "Skills & abilities");
        assert_eq!(spec.criteria[0].methods, vec![Method::Application]);
        assert_eq!(
            spec.criteria[4].methods,
            vec![Method::Application, Method::Interview]
        );
        assert_eq!(
            spec.criteria[5].methods,
            vec![Method::Application, Method::Interview]
        );
    }

    #[test]
    fn headed_lists_until_the_next_section() {
        let text = "Person Specification\n\nEssential\n\n- Professional social work qualification.\n- Good IT skills\n\n- Fluent in English\n\nDesirable\n\n- Experience of delivering training\n\nSupporting information\n\n- Not a criterion\n";
        let found = specs(text);
        assert_eq!(found.len(), 1);
        assert_eq!(
            summary(&found[0]),
            vec![
                (
                    "Professional social work qualification.".to_string(),
                    "essential",
                    None
                ),
                ("Good IT skills".to_string(), "essential", None),
                ("Fluent in English".to_string(), "essential", None),
                (
                    "Experience of delivering training".to_string(),
                    "desirable",
                    None
                ),
            ]
        );
        assert_eq!(found[0].criteria[0].category, "Qualifications");
        assert_eq!(found[0].criteria[3].category, "Experience");
    }

    #[test]
    fn headed_rows_with_or_alternatives_continuations_and_notes() {
        let text = "Title\tSocial Worker (Advanced Practitioner)\t\n\
Key activities\t<ul> ▪ Directing work\t\n\
<p>Essential qualifications/ knowledge</p>\t<ul> ▪ Social Work qualification for registering as a social and <ul> ▪ 60 M Level credits achieved <li>OR ▪ Equivalence in experience. ▪ Knowledge of child development\n\
Desirable qualifications/ knowledge\t<ul> ▪ Leadership / management qualification or ▪ Practice Educator qualification\n\
Essential experience\t<ul> ▪ Management of tasks, ensuring the network is utilised and\n\
\n\
\t<p>effective, taking necessary steps</p>\n\
Essential skills\t<ul> ▪ Effective communication <p>The nature of the role includes lone working.</p>\n\
Corporate standards\t\n";
        let found = specs(text);
        assert_eq!(found.len(), 1);
        let spec = &found[0];
        assert_eq!(
            spec.title.as_deref(),
            Some("Social Worker (Advanced Practitioner)")
        );
        let alt = |n: &str| Some(n.to_string());
        assert_eq!(
            summary(spec),
            vec![
                ("Social Work qualification for registering as a social and".to_string(), "essential", None),
                ("60 M Level credits achieved".to_string(), "essential", alt("alt-1")),
                ("Equivalence in experience.".to_string(), "essential", alt("alt-1")),
                ("Knowledge of child development".to_string(), "essential", None),
                ("Leadership / management qualification".to_string(), "desirable", alt("alt-2")),
                ("Practice Educator qualification".to_string(), "desirable", alt("alt-2")),
                ("Management of tasks, ensuring the network is utilised and effective, taking necessary steps".to_string(), "essential", None),
                ("Effective communication".to_string(), "essential", None),
            ]
        );
        assert_eq!(spec.criteria[0].category, "Qualifications/knowledge");
        assert_eq!(spec.warnings.len(), 1);
        assert_eq!(spec.warnings[0].line, 8);
    }

    #[test]
    fn marks_column_pairs_marks_with_items_and_splits_run_together_text() {
        let text = "<b>Post Title:</b>  <b>TEAM LEADER</b>\t\t<b>Post Number: R7043</b>\n\n\
\t<b>Job Requirements:</b> Essential (E) or Desirable (D)\t<b>E/D</b>\n\
<b>A. Training &amp; Education</b>\tLiteracy and numeracy sufficient for the job tasks IT skills sufficient for the job tasks. NVQ level 2/3 in Customer Care.\tE E D\n\
<b>B. Experience</b>\t♦ An understanding of the issues ♦ A keen interest in immigration\t♦ E ♦ D\n\
<b>C. Equal Opportunity</b>\tSee career grade\t\n\
<b>D. Other Skills</b>\tOral and written communication skills including the ability to\t\n\
\t(i) converse fluently\t<b>E</b>\n\
\t(ii) Write reports\t\n\
<b>E. Other Conditions</b> Including any hazardous conditions\t<p>Willing to travel.</p> <p>Willing to work shifts.</p>\t<p>E</p> <p>D</p>\n\
\n# Jobs and Careers\n";
        let found = specs(text);
        assert_eq!(found.len(), 1);
        let spec = &found[0];
        assert_eq!(spec.title.as_deref(), Some("TEAM LEADER (R7043)"));
        assert_eq!(
            summary(spec),
            vec![
                ("Literacy and numeracy sufficient for the job tasks".to_string(), "essential", None),
                ("IT skills sufficient for the job tasks.".to_string(), "essential", None),
                ("NVQ level 2/3 in Customer Care.".to_string(), "desirable", None),
                ("An understanding of the issues".to_string(), "essential", None),
                ("A keen interest in immigration".to_string(), "desirable", None),
                ("Oral and written communication skills including the ability to; converse fluently; Write reports".to_string(), "essential", None),
                ("Willing to travel.".to_string(), "essential", None),
                ("Willing to work shifts.".to_string(), "desirable", None),
            ]
        );
        assert_eq!(spec.criteria[0].category, "Training & education");
        assert_eq!(spec.criteria[7].category, "Other conditions");
        assert_eq!(spec.warnings.len(), 1);
        assert_eq!(spec.warnings[0].text, "See career grade");
        assert_eq!(spec.warnings[0].line, 6);
    }

    #[test]
    fn measurement_column_gives_methods_and_guidance_is_not_a_criterion() {
        let text = "<b>Post Title:</b> Team Manager\t<b>Post Number:</b> SC173\n\n\
\t<b>Requirements:</b> E = Essential or D = Desirable\t<b>E/D</b>\t<b>Measurement</b> Please see below\n\
<b>Skills, Knowledge &amp; Experience</b>\tMinimum 3 years post qualification experience.\tE\t2,4\n\
Previous experience - consider type\tPrevious experience of supervision.\tD\t2\n\
\n**Measurement:** 1. Test prior to shortlisting. 2. From application form.\n\n\
\t<b>Requirements:</b> E = Essential or D = Desirable\t<b>E/D</b>\t<b>Measurement</b> Please see below\n\
<b>Qualifications, Training</b>\t\t\t\n\
Academic\tDip SW or CQSW or CSS.\tE\t2,5\n\
\nTotal number of essential criteria measurable from application form = 9\n";
        let found = specs(text);
        assert_eq!(found.len(), 1);
        let spec = &found[0];
        assert_eq!(spec.title.as_deref(), Some("Team Manager (SC173)"));
        let methods: Vec<Vec<Method>> = spec.criteria.iter().map(|c| c.methods.clone()).collect();
        assert_eq!(
            methods,
            vec![
                vec![Method::Application, Method::Interview],
                vec![Method::Application],
                vec![Method::Application, Method::Documents],
            ]
        );
        assert_eq!(spec.criteria[2].category, "Qualifications, training");
        assert_eq!(spec.criteria[2].description, "Dip SW or CQSW or CSS.");
        assert_eq!(spec.criteria[2].alternative_group, None);
        assert_eq!(spec.warnings.len(), 2);
    }

    #[test]
    fn an_or_line_between_headed_list_items_links_them() {
        let found = specs("Essential\n\n- Social work degree\nOR\n- five years' experience\n- IT skills\n\nDesirable\n\n- Welsh\n");
        let summary = summary(&found[0]);
        assert_eq!(summary.len(), 4, "{summary:?}");
        assert_eq!(summary[0].2.as_deref(), Some("alt-1"));
        assert_eq!(summary[1].2.as_deref(), Some("alt-1"));
        assert_eq!(summary[2].2, None);
        assert_eq!(summary[3].1, "desirable");
    }

    #[test]
    fn a_note_between_headed_list_items_is_reported_and_the_list_goes_on() {
        let found = specs("Essential\n\n- Social work degree\n\nSee the guidance notes.\n\n- IT skills\n\nDesirable\n\n- Welsh\n\nSupporting information\n\nSome prose.\n");
        assert_eq!(summary(&found[0]).len(), 3, "{:?}", summary(&found[0]));
        assert_eq!(found[0].warnings.len(), 1);
        assert_eq!(found[0].warnings[0].text, "See the guidance notes.");
    }

    #[test]
    fn an_assessment_column_beside_essential_and_desirable_cells_covers_both() {
        let text = "Factor\tEssential\tDesirable\tAssessment\n\
<b>Experience</b>\t<ul><li>Clinical placements</li><li>Team work</li></ul>\tCannulation\tA, I\n\
<b>Personal qualities</b>\tOn-call rota\t\tInterview\n";
        let found = specs(text);
        let got = full(&found[0]);
        let ai = vec![Method::Application, Method::Interview];
        assert_eq!(
            got,
            vec![
                (
                    "Experience",
                    "Clinical placements",
                    Requirement::Essential,
                    ai.clone()
                ),
                (
                    "Experience",
                    "Team work",
                    Requirement::Essential,
                    ai.clone()
                ),
                ("Experience", "Cannulation", Requirement::Desirable, ai),
                (
                    "Personal qualities",
                    "On-call rota",
                    Requirement::Essential,
                    vec![Method::Interview]
                ),
            ]
        );
    }

    #[test]
    fn lettered_sections_over_essential_and_desirable_lists() {
        let text = "### A. Qualifications\n\n*Assessed by: application form and certificates*\n\n\
**Essential**\n\nA1  Degree in a relevant subject\n\n**Desirable**\n\nA2  Data protection certificate\n\n\
### D. Skills and attributes\n\n*Assessed by: interview*\n\n**Essential**\n\n\
D1  Explains the law in plain English\n";
        let found = specs(text);
        let got = full(&found[0]);
        assert_eq!(
            got,
            vec![
                (
                    "Qualifications",
                    "Degree in a relevant subject",
                    Requirement::Essential,
                    vec![Method::Application, Method::Documents]
                ),
                (
                    "Qualifications",
                    "Data protection certificate",
                    Requirement::Desirable,
                    vec![Method::Application, Method::Documents]
                ),
                (
                    "Skills and attributes",
                    "Explains the law in plain English",
                    Requirement::Essential,
                    vec![Method::Interview]
                ),
            ]
        );
    }

    #[test]
    fn ticked_essential_and_desirable_columns_with_an_assessment_column() {
        let text = "Criteria\tEssential\tDesirable\tMethod of assessment\n\
<b>Qualifications</b>\t\t\t\n\
Degree in social work\t✓\t\tA/I\n\
Practice educator award\t\tX\tCertificate\n\
<b>Experience</b>\t\t\t\n\
Two years post-qualifying experience\tYes\t\tApplication form, interview\n";
        let found = specs(text);
        let spec = &found[0];
        let got = full(spec);
        assert_eq!(
            got,
            vec![
                (
                    "Qualifications",
                    "Degree in social work",
                    Requirement::Essential,
                    vec![Method::Application, Method::Interview]
                ),
                (
                    "Qualifications",
                    "Practice educator award",
                    Requirement::Desirable,
                    vec![Method::Documents]
                ),
                (
                    "Experience",
                    "Two years post-qualifying experience",
                    Requirement::Essential,
                    vec![Method::Application, Method::Interview]
                ),
            ]
        );
    }

    #[test]
    fn an_e_d_column_with_an_assessed_by_column_in_a_pipe_table() {
        let text = "Person specification\n\n| Requirement | E/D | Assessed by |\n|---|---|---|\n\
| **Qualifications** | | |\n| Degree in social work | E | A/I |\n| Practice educator award | D | Certificate |\n";
        let found = specs(text);
        let got = full(&found[0]);
        assert_eq!(
            got,
            vec![
                (
                    "Qualifications",
                    "Degree in social work",
                    Requirement::Essential,
                    vec![Method::Application, Method::Interview]
                ),
                (
                    "Qualifications",
                    "Practice educator award",
                    Requirement::Desirable,
                    vec![Method::Documents]
                ),
            ]
        );
    }

    #[test]
    fn more_marks_than_criteria_is_reported() {
        let text = "\t<b>Job Requirements:</b> Essential (E) or Desirable (D)\t<b>E/D</b>\n\
<b>B. Experience</b>\t<ul><li>Managing a team.</li><li>Managing budgets.</li></ul>\tE E D\n";
        let found = specs(text);
        assert_eq!(summary(&found[0]).len(), 2);
        assert_eq!(found[0].warnings.len(), 1, "{:?}", found[0].warnings);
        assert!(found[0].warnings[0]
            .reason
            .starts_with("3 E/D marks for 2 criteria"));
    }

    #[test]
    fn a_criterion_slipped_into_the_first_column_keeps_its_mark() {
        let text = "\t<b>Job Requirements:</b> Essential (E) or Desirable (D)\t<b>E/D</b>\n\
<b>D. Other Skills</b>\tPositive and optimistic approach.\t<b>E</b>\t\n\
Commitment to maintaining children within their families.\t<b>E</b>\t\t\n";
        let found = specs(text);
        assert_eq!(
            summary(&found[0]),
            vec![
                (
                    "Positive and optimistic approach.".to_string(),
                    "essential",
                    None
                ),
                (
                    "Commitment to maintaining children within their families.".to_string(),
                    "essential",
                    None
                ),
            ]
        );
        assert!(found[0].warnings.is_empty(), "{:?}", found[0].warnings);
    }

    #[test]
    fn all_essential_forms_and_tables_broken_into_paragraphs() {
        let text = "\t<b>Job Requirements:</b> Essential (E) or Desirable (D)\t<b>All E</b>\n\
<b>A. Training &amp; Education</b>\tFull driving licence.\t\n\
<b>D. Other Skills</b>\t<p>Oral skills.</p> <p>Ability to work as part of a team.</p>\t\n\
\n# Next\n\n**Job Requirements:** Essential (E) or Desirable (D).\n\n**A. Training & Education**\n\n\
IT literate\n\n**E/  \nD**\n\n**D**\n\n<b>B. Experience</b>\tUnderstanding of services.\tE\n";
        let found = specs(text);
        assert_eq!(found.len(), 2);
        assert_eq!(
            summary(&found[0]),
            vec![
                ("Full driving licence.".to_string(), "essential", None),
                ("Oral skills.".to_string(), "essential", None),
                (
                    "Ability to work as part of a team.".to_string(),
                    "essential",
                    None
                ),
            ]
        );
        assert_eq!(
            summary(&found[1]),
            vec![
                ("IT literate".to_string(), "desirable", None),
                ("Understanding of services.".to_string(), "essential", None),
            ]
        );
        assert_eq!(found[1].criteria[0].category, "Training & education");
    }
}
