//! The dashboard views of one vacancy (shortlist, score matrix, summary) and the
//! shortlisting decisions. Each loads the vacancy's rows in a fixed handful of queries
//! and evaluates in memory: never a query per application.

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::http::header;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::vacancies::parse_methods;
use super::{access, actor, validate};
use crate::auth::{Caller, Role};
use crate::db::applications::ApplicationRow;
use crate::db::{panels, Db, DbConnection, ReadDb};
use crate::domain::application::ApplicationStatus;
use crate::domain::checks::CheckKind;
use crate::domain::evaluation::{is_declaration_flag, rank, PairStatus, Recommendation, Scale};
use crate::domain::plan::{reached, within_cut_off, CutOffRow, Outcome, ScoreStanding, StepKind};
use crate::domain::results::{
    page_ranks, rank_hash, ranking_fingerprint as domain_fingerprint, recommendation_name,
    PageContext, PageRow, StepResult,
};
use crate::domain::shortlist::{proposed, Decision, Ranked};
use crate::domain::vacancy::VacancyStatus;
use crate::domain::{Method, Requirement};
use crate::error::{AppError, Problem};

pub use crate::service::board::{Board, CriterionRef};
use crate::service::decisions::{self, DecisionRequest};
pub use crate::service::decisions::{RecordedDecision, RecordedDecisions};

pub const VIEWERS: &[Role] = &[Role::Admin, Role::Recruiter, Role::Viewer, Role::Panel];

fn status_of(a: &ApplicationRow) -> ApplicationStatus {
    // Every row's status was read loudly when the board loaded.
    ApplicationStatus::parse(&a.status).unwrap_or(ApplicationStatus::Submitted)
}

/// Loads a vacancy the caller may read (panel members only their own), with its board.
fn load_visible_board(
    conn: &mut DbConnection,
    caller: &Caller,
    vacancy_id: &str,
    individual_scores: bool,
) -> Result<Board, AppError> {
    let visible = access::vacancy(conn, caller, vacancy_id)?;
    if !caller.is_staff() && visible.seat.is_none() {
        return Err(AppError::Forbidden("portals do not see shortlists".into()));
    }
    // Panel members see nothing built from a pair they have not scored themself, so
    // their views start from individual scores and drop what they may not see.
    if !caller.is_staff() {
        return Ok(Board::load(conn, visible.vacancy)?.blind_for(&caller.sub));
    }
    if individual_scores {
        Board::load(conn, visible.vacancy)
    } else {
        Board::load_aggregated(conn, visible.vacancy)
    }
}

/// One applicant in a ranked shortlist.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShortlistEntry {
    pub application_id: String,
    pub candidate_code: String,
    /// `null` for panel members while the vacancy's shortlisting is anonymised.
    pub candidate_name: Option<String>,
    pub status: ApplicationStatus,
    /// Standard competition rank (1, 2, 2, 4) among applications recommended
    /// `shortlist`; `null` for the others.
    pub rank: Option<u32>,
    /// Shares its rank with another applicant: the tie is reported, never broken.
    pub tied: bool,
    /// In the proposed shortlist: recommended and within `top`, or guaranteed an
    /// interview whatever the rank.
    pub proposed: bool,
    pub recommendation: Recommendation,
    pub weighted_score: f64,
    pub max_weighted_score: f64,
    pub percentage: f64,
    pub unmet_essentials: Vec<CriterionRef>,
    pub pending_essentials: Vec<CriterionRef>,
    pub guaranteed_interview: bool,
    pub needs_moderation: bool,
    pub pending_checks: Vec<CheckKind>,
    pub failed_checks: Vec<CheckKind>,
    pub flags: Vec<String>,
    /// The applicant's outcome at this step (`pending` until decided).
    pub step_outcome: Outcome,
    /// Within the step's cut-off: a proposal shown beside the entry, `null` when the
    /// step has none.
    pub within_cut_off: Option<bool>,
    #[serde(skip)]
    criterion_scores: Vec<Option<f64>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Shortlist {
    pub vacancy_id: String,
    pub reference: String,
    /// The step key (`shortlisting` or `final` on the default plan).
    pub stage: String,
    pub top: Option<u32>,
    /// Ranked applicants first (by rank, ties in submission order), then the rest in
    /// submission order. With `limit`, one page of that list; ranks are still over the
    /// whole list.
    pub entries: Vec<ShortlistEntry>,
    /// Only when paging (`limit` or `cursor` given): pass as `cursor` for the next page
    /// (also in the `Link` header); `null` on the last page. Absent without paging, so
    /// an unpaged response is unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub next_cursor: Option<Option<String>>,
}

/// The JSON of a whole shortlist, written as it is sent: [`ShortlistBody::CHUNK`] entries
/// at a time, each dropped once written. Serialising a 20,000-entry list into one buffer
/// held its 29 MB (and the copies its growth made) on top of every entry until the last
/// byte was built: the request's peak memory. The bytes are exactly those of
/// `serde_json::to_vec(&shortlist)` (unit-tested), so clients see no difference but
/// chunked transfer.
struct ShortlistBody {
    /// Everything before the first entry, until it is sent.
    head: Option<Vec<u8>>,
    entries: std::vec::IntoIter<ShortlistEntry>,
    written: usize,
    /// Everything after the last entry, until it is sent.
    tail: Option<Vec<u8>>,
}

impl ShortlistBody {
    const CHUNK: usize = 256;

    fn new(mut shortlist: Shortlist) -> Result<ShortlistBody, AppError> {
        let entries = std::mem::take(&mut shortlist.entries);
        let frame = serde_json::to_vec(&shortlist)
            .map_err(|e| AppError::Internal(format!("shortlist JSON: {e}")))?;
        // The top-level key is the only place this can occur: inside a JSON string
        // every quote is escaped.
        const EMPTY: &[u8] = b"\"entries\":[]";
        let at = frame
            .windows(EMPTY.len())
            .position(|w| w == EMPTY)
            .ok_or_else(|| AppError::Internal("shortlist JSON without entries".into()))?;
        let split = at + EMPTY.len() - 1;
        Ok(ShortlistBody {
            head: Some(frame[..split].to_vec()),
            entries: entries.into_iter(),
            written: 0,
            tail: Some(frame[split..].to_vec()),
        })
    }
}

impl Iterator for ShortlistBody {
    type Item = Result<web::Bytes, serde_json::Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut buf = self.head.take().unwrap_or_default();
        for entry in self.entries.by_ref().take(Self::CHUNK) {
            if self.written > 0 {
                buf.push(b',');
            }
            if let Err(e) = serde_json::to_writer(&mut buf, &entry) {
                return Some(Err(e));
            }
            self.written += 1;
        }
        if self.entries.len() == 0 {
            if let Some(tail) = self.tail.take() {
                buf.extend_from_slice(&tail);
            }
        }
        (!buf.is_empty()).then(|| Ok(web::Bytes::from(buf)))
    }
}

#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShortlistParams {
    /// A step key of the vacancy's plan (default: the first step; `shortlisting` or
    /// `final` on the default plan). Methods count cumulatively.
    pub stage: Option<String>,
    /// Only entries with this recommendation.
    pub recommendation: Option<Recommendation>,
    /// Include withdrawn applications (default false).
    pub include_withdrawn: Option<bool>,
    /// Keep the top N ranks (ties at the cut included) plus every guaranteed-interview
    /// applicant.
    #[param(minimum = 1, maximum = 100000)]
    pub top: Option<u32>,
    /// Page size, 1–500. Without `limit` and `cursor` the whole list is returned (no
    /// `next_cursor`); with `cursor` alone the page size is 50. JSON only: CSV is
    /// always the whole list.
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<i64>,
    /// Opaque position returned as `next_cursor` (and in the `Link` header). It
    /// carries the position in the ranked list, the last entry's application id and
    /// rank, and a fingerprint of the whole ranking (order, ranks, ties) under the same
    /// query. While nothing changes it gives the same page every time. If the ranking
    /// changed since it was issued (a score, a withdrawal, a decision that moves
    /// anyone), the request fails with 409 rather than duplicate or skip an entry: the
    /// client should start again from the first page (no `cursor`). Changes that move
    /// no one (e.g. a check) do not invalidate it, so later pages may show newer values.
    #[param(max_length = 512)]
    pub cursor: Option<String>,
}

/// A page request of the shortlist: its size and, after the first page, where the
/// previous page ended.
#[derive(Debug, Clone)]
pub struct ShortlistPage {
    limit: usize,
    after: Option<ShortlistCursor>,
}

#[derive(Debug, Clone, PartialEq)]
struct ShortlistCursor {
    /// Entries already returned: the next page starts here.
    position: usize,
    last_application_id: String,
    last_rank: Option<u32>,
    fingerprint: String,
}

impl ShortlistPage {
    /// `None` without `limit` and `cursor`: the whole list, as before paging existed.
    fn from_params(params: &ShortlistParams) -> Result<Option<ShortlistPage>, AppError> {
        if params.limit.is_none() && params.cursor.is_none() {
            return Ok(None);
        }
        let limit = params.limit.unwrap_or(super::DEFAULT_PAGE_SIZE);
        if !(1..=super::MAX_PAGE_SIZE).contains(&limit) {
            return Err(AppError::validation(
                "limit",
                format!("must be between 1 and {}", super::MAX_PAGE_SIZE),
            ));
        }
        let after = params
            .cursor
            .as_deref()
            .map(ShortlistCursor::decode)
            .transpose()?;
        Ok(Some(ShortlistPage {
            limit: limit as usize,
            after,
        }))
    }

    /// The slice of the ranked list (`(application id, rank, tied)` in order) this page
    /// covers, and the cursor of the next page (`None` on the last).
    fn window(
        &self,
        keys: &[(&str, Option<u32>, f64)],
    ) -> Result<(std::ops::Range<usize>, Option<String>), AppError> {
        let fingerprint = ranking_fingerprint(keys);
        let start = match &self.after {
            None => 0,
            Some(after) => {
                if after.fingerprint != fingerprint {
                    return Err(ranking_changed());
                }
                // Same ranking: the cursor must name the entry just before its position.
                let last = after
                    .position
                    .checked_sub(1)
                    .and_then(|n| keys.get(n))
                    .filter(|(id, rank, _)| {
                        *id == after.last_application_id && *rank == after.last_rank
                    });
                if last.is_none() {
                    return Err(invalid_cursor());
                }
                after.position
            }
        };
        let end = (start + self.limit).min(keys.len());
        let next = (end < keys.len()).then(|| {
            let (id, rank, _) = keys[end - 1];
            ShortlistCursor {
                position: end,
                last_application_id: id.to_string(),
                last_rank: rank,
                fingerprint,
            }
            .encode()
        });
        Ok((start..end, next))
    }
}

fn ranking_changed() -> AppError {
    AppError::Conflict(
        "the shortlist's ranking has changed since this cursor was issued; \
         start again from the first page (without cursor)"
            .into(),
    )
}

fn invalid_cursor() -> AppError {
    AppError::validation("cursor", "is not a cursor this API returned")
}

impl ShortlistCursor {
    fn encode(&self) -> String {
        let rank = self.last_rank.map(|r| r.to_string()).unwrap_or_default();
        super::encode_cursor(&[
            &self.position.to_string(),
            &self.last_application_id,
            &rank,
            &self.fingerprint,
        ])
    }

    fn decode(cursor: &str) -> Result<ShortlistCursor, AppError> {
        if cursor.len() > 512 {
            return Err(invalid_cursor());
        }
        let parts = super::decode_cursor(cursor, 4)?;
        let position: usize = parts[0].parse().map_err(|_| invalid_cursor())?;
        let last_rank = match parts[2].as_str() {
            "" => None,
            r => Some(r.parse().map_err(|_| invalid_cursor())?),
        };
        if position == 0 || parts[3].len() != 32 {
            return Err(invalid_cursor());
        }
        Ok(ShortlistCursor {
            position,
            last_application_id: parts[1].clone(),
            last_rank,
            fingerprint: parts[3].clone(),
        })
    }
}

/// The fingerprint of a whole ranked list (`domain::results::ranking_fingerprint`):
/// equal while no one has moved, so a cursor can tell whether its position still means
/// the same place. The same value the database sums for a page read from the kept
/// results (`read_page`), so either path honours the other's cursors.
fn ranking_fingerprint(keys: &[(&str, Option<u32>, f64)]) -> String {
    let sum: i64 = keys
        .iter()
        .map(|(id, rank, score)| rank_hash(id, rank.is_some(), *score))
        .sum();
    domain_fingerprint(keys.len() as i64, sum)
}

/// Who a step's list is for: everyone not withdrawn (unless asked), less those who
/// stopped at an earlier step.
fn in_scope(
    status: ApplicationStatus,
    outcomes: &[Outcome],
    k: usize,
    include_withdrawn: bool,
) -> bool {
    match status {
        ApplicationStatus::Withdrawn => include_withdrawn,
        // Later steps are for those who went on past shortlisting.
        ApplicationStatus::NotShortlisted if k > 0 => false,
        _ => !outcomes.iter().take(k).any(|o| o.stops()),
    }
}

/// The step a view asks for: its key, or the first step.
pub fn step_of(board: &Board, stage: Option<&str>) -> Result<usize, AppError> {
    match stage {
        None => Ok(0),
        Some(key) => board.step_index(key),
    }
}

/// Loads the board a shortlist at `stage` is built from, with each application's result
/// there: staff read the results kept on write; a panel member's are evaluated from the
/// scores they may see (blind until submitted).
fn load_shortlist_board(
    conn: &mut DbConnection,
    caller: &Caller,
    vacancy_id: &str,
    stage: Option<&str>,
) -> Result<(Board, usize, Vec<StepResult>), AppError> {
    let visible = access::vacancy(conn, caller, vacancy_id)?;
    if !caller.is_staff() && visible.seat.is_none() {
        return Err(AppError::Forbidden("portals do not see shortlists".into()));
    }
    if caller.is_staff() {
        return Board::load_for_step(conn, visible.vacancy, stage);
    }
    let board = Board::load(conn, visible.vacancy)?.blind_for(&caller.sub);
    let k = step_of(&board, stage)?;
    let results = board.step_results(k);
    Ok((board, k, results))
}

/// Where an entry stands in its list, and what its step says of it.
struct Placement {
    rank: Option<u32>,
    tied: bool,
    proposed: bool,
    step_outcome: Outcome,
    within_cut_off: Option<bool>,
}

impl ShortlistEntry {
    /// An entry of `a` with result `e`; `describe` names criteria, `flags` are those
    /// the caller may see.
    fn new(
        a: &ApplicationRow,
        e: &StepResult,
        hide_identity: bool,
        place: Placement,
        (pending_checks, failed_checks): (Vec<CheckKind>, Vec<CheckKind>),
        describe: impl Fn(&[String]) -> Vec<CriterionRef>,
        flags: Vec<String>,
    ) -> ShortlistEntry {
        ShortlistEntry {
            application_id: a.id.clone(),
            candidate_code: a.candidate_code.clone(),
            candidate_name: (!hide_identity).then(|| a.candidate_name.clone()),
            status: status_of(a),
            rank: place.rank,
            tied: place.tied,
            proposed: place.proposed,
            recommendation: e.recommendation,
            weighted_score: e.weighted_score,
            max_weighted_score: e.max_weighted_score,
            percentage: e.percentage,
            unmet_essentials: describe(&e.unmet_essentials),
            pending_essentials: describe(&e.pending_essentials),
            guaranteed_interview: e.guaranteed_interview,
            needs_moderation: e.needs_moderation,
            pending_checks,
            failed_checks,
            flags,
            step_outcome: place.step_outcome,
            within_cut_off: place.within_cut_off,
            // In the criteria order the result was checked to fit.
            criterion_scores: e.criterion_scores.clone(),
        }
    }
}

/// A page of a staff member's JSON shortlist at the first step, read from the kept
/// results in list order (`db::results::page`): the page's rows, a count for the
/// first rank on it, and its neighbours for ties, instead of every result of the vacancy.
/// Same entries, ranks and cursors as `build_shortlist` gives (the HTTP tests compare
/// them). `None` when it does not apply (`top`, a later step, results that do not cover
/// the vacancy) and the whole list must be built.
fn read_page(
    conn: &mut DbConnection,
    caller: &Caller,
    vacancy_id: &str,
    params: &ShortlistParams,
    page: &ShortlistPage,
) -> Result<Option<Shortlist>, AppError> {
    use crate::db::results as kept;
    if !caller.is_staff() || params.top.is_some() {
        return Ok(None);
    }
    let visible = access::vacancy(conn, caller, vacancy_id)?;
    let vacancy = visible.vacancy;
    let plan = crate::service::plan::load(conn, &vacancy)?;
    let Some(step) = plan.steps.first() else {
        return Ok(None);
    };
    // Later steps also drop those who stopped before: the whole list decides.
    if params.stage.as_deref().is_some_and(|key| key != step.key) {
        return Ok(None);
    }
    let criteria = crate::db::criteria::for_vacancy(conn, &vacancy.id)?;
    let ids: Vec<&str> = criteria.iter().map(|c| c.id.as_str()).collect();
    let fits = crate::domain::results::criteria_fingerprint(&ids);
    let scope = kept::ListScope {
        vacancy_id: &vacancy.id,
        step_key: &step.key,
        include_withdrawn: params.include_withdrawn.unwrap_or(false),
        recommendation: params.recommendation.map(recommendation_name),
    };
    // The fingerprint is read before the page: if the list changes in between, the
    // cursor carries the older fingerprint and the next page is refused (409), never
    // shifted.
    let census = kept::census(conn, &scope)?;
    if !census.covered {
        return Ok(None);
    }
    let fingerprint = domain_fingerprint(census.listed, census.hash_sum);
    let (start, after) = match &page.after {
        None => (0, None),
        Some(cursor) => {
            if cursor.fingerprint != fingerprint {
                return Err(ranking_changed());
            }
            let key = kept::key_of(conn, &scope, &cursor.last_application_id)?
                .filter(|k| (k.ranked == 1) == cursor.last_rank.is_some())
                .ok_or_else(invalid_cursor)?;
            // The cursor must name the entry just before its position.
            if usize::try_from(kept::position_of(conn, &scope, &key)?).ok() != Some(cursor.position)
            {
                return Err(invalid_cursor());
            }
            (cursor.position, Some(key))
        }
    };
    let mut rows = kept::page(conn, &scope, after.as_ref(), page.limit as i64 + 1)?;
    let beyond = (rows.len() > page.limit).then(|| rows.remove(page.limit));
    rows.truncate(page.limit);
    let page_rows: Vec<PageRow> = rows
        .iter()
        .map(|r| PageRow {
            ranked: r.ranked == 1,
            weighted_score: r.rank_score,
        })
        .collect();
    let same = |a: &PageRow, b: &PageRow| {
        a.ranked && b.ranked && a.weighted_score + 0.0 == b.weighted_score + 0.0
    };
    let tie_before = match (&after, page_rows.first()) {
        (Some(k), Some(first)) => same(
            &PageRow {
                ranked: k.ranked == 1,
                weighted_score: k.rank_score,
            },
            first,
        ),
        _ => false,
    };
    let context = PageContext {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        // Only a tie across the page's first edge needs counting: otherwise every row
        // before the page is better.
        better_than_first: match page_rows.first() {
            Some(first) if tie_before => {
                u32::try_from(kept::ranked_above(conn, &scope, first.weighted_score)?)
                    .unwrap_or(u32::MAX)
            }
            _ => u32::try_from(start).unwrap_or(u32::MAX),
        },
        tie_before,
        tie_after: match (&beyond, page_rows.last()) {
            (Some(b), Some(last)) => same(
                last,
                &PageRow {
                    ranked: b.ranked == 1,
                    weighted_score: b.rank_score,
                },
            ),
            _ => false,
        },
    };
    let ranks = page_ranks(&page_rows, context);
    let page_ids: Vec<String> = rows.iter().map(|r| r.application_id.clone()).collect();
    let applications: HashMap<String, ApplicationRow> =
        crate::db::applications::some_of_vacancy(conn, &vacancy.id, &page_ids)?
            .into_iter()
            .map(|a| (a.id.clone(), a))
            .collect();
    let required = crate::service::rules::required_checks_of(&vacancy)?;
    let recorded = crate::service::board::recorded_checks(
        crate::db::checks::statuses_for_applications(conn, &page_ids)?,
    )?;
    let outcome_rows = crate::db::steps::outcomes_for_applications(conn, &page_ids)?;
    let outcomes = crate::service::plan::outcomes_by_application(&plan, &outcome_rows)?;
    let described: HashMap<&str, &str> = criteria
        .iter()
        .map(|c| (c.id.as_str(), c.description.as_str()))
        .collect();
    let describe = |ids: &[String]| -> Vec<CriterionRef> {
        ids.iter()
            .map(|id| CriterionRef {
                criterion_id: id.clone(),
                description: described.get(id.as_str()).unwrap_or(&"").to_string(),
            })
            .collect()
    };
    let mut entries = Vec::with_capacity(rows.len());
    for (row, (rank, tied)) in rows.iter().zip(ranks) {
        let Some(a) = applications.get(&row.application_id) else {
            return Ok(None);
        };
        let e: StepResult = serde_json::from_str(&row.result)
            .map_err(|err| AppError::Internal(format!("step_results.result: {err}")))?;
        // Made before a change of criteria that should have replaced it: the whole
        // list is evaluated instead.
        let withdrawn =
            crate::service::rules::application_status(a)? == ApplicationStatus::Withdrawn;
        if !e.fits(&fits) || (withdrawn && !scope.include_withdrawn) {
            return Ok(None);
        }
        let pick = proposed(
            &[Ranked {
                rank,
                recommendation: e.recommendation,
                guaranteed_interview: e.guaranteed_interview,
            }],
            None,
        )[0];
        let within = step.cut_off.map(|cut| {
            within_cut_off(
                &cut,
                &[CutOffRow {
                    rank,
                    recommendation: e.recommendation,
                    percentage: e.percentage,
                    guaranteed_interview: e.guaranteed_interview,
                }],
                plan.protects_guaranteed_interview(0),
            )[0]
        });
        let checks = crate::domain::checks::outstanding(
            &required,
            recorded.get(&a.id).map(Vec::as_slice).unwrap_or(&[]),
        );
        let place = Placement {
            rank,
            tied,
            proposed: pick,
            step_outcome: outcomes
                .get(&a.id)
                .and_then(|o| o.first().copied())
                .unwrap_or(Outcome::Pending),
            within_cut_off: within,
        };
        let hide = access::hide_identity(caller, &vacancy, a);
        entries.push(ShortlistEntry::new(
            a,
            &e,
            hide,
            place,
            checks,
            describe,
            e.flags.clone(),
        ));
    }
    let next_cursor = match (&beyond, entries.last()) {
        (Some(_), Some(last)) => Some(
            ShortlistCursor {
                position: start + entries.len(),
                last_application_id: last.application_id.clone(),
                last_rank: last.rank,
                fingerprint,
            }
            .encode(),
        ),
        _ => None,
    };
    Ok(Some(Shortlist {
        vacancy_id: vacancy.id.clone(),
        reference: vacancy.reference.clone(),
        stage: step.key.clone(),
        top: None,
        entries,
        next_cursor: Some(next_cursor),
    }))
}

fn build_shortlist(
    board: &Board,
    caller: &Caller,
    params: &ShortlistParams,
    k: usize,
    page: Option<&ShortlistPage>,
    evaluations: &[StepResult],
) -> Result<Shortlist, AppError> {
    let include_withdrawn = params.include_withdrawn.unwrap_or(false);
    let outcomes: Vec<Vec<Outcome>> = board
        .applications
        .iter()
        .map(|a| board.outcomes_of(&a.id))
        .collect();
    let chosen: Vec<usize> = (0..board.applications.len())
        .filter(|&i| {
            in_scope(
                status_of(&board.applications[i]),
                &outcomes[i],
                k,
                include_withdrawn,
            )
        })
        .collect();
    let ranking = rank(
        &chosen
            .iter()
            .map(|&i| {
                let e = &evaluations[i];
                (
                    board.applications[i].id.clone(),
                    e.recommendation,
                    e.weighted_score,
                    i as i64,
                )
            })
            .collect::<Vec<_>>(),
    );
    let index: HashMap<&str, usize> = board
        .applications
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let ordered: Vec<(usize, Option<u32>, bool)> = ranking
        .into_iter()
        .filter_map(|(id, r, tied)| Some((*index.get(id.as_str())?, r, tied)))
        .collect();
    let picks = proposed(
        &ordered
            .iter()
            .map(|&(i, r, _)| Ranked {
                rank: r,
                recommendation: evaluations[i].recommendation,
                guaranteed_interview: evaluations[i].guaranteed_interview,
            })
            .collect::<Vec<_>>(),
        params.top,
    );
    let step = &board.plan.steps[k];
    let cut: Option<HashMap<usize, bool>> = step.cut_off.map(|cut| {
        let within = within_cut_off(
            &cut,
            &ordered
                .iter()
                .map(|&(i, r, _)| CutOffRow {
                    rank: r,
                    recommendation: evaluations[i].recommendation,
                    percentage: evaluations[i].percentage,
                    guaranteed_interview: evaluations[i].guaranteed_interview,
                })
                .collect::<Vec<_>>(),
            board.plan.protects_guaranteed_interview(k),
        );
        ordered.iter().map(|&(i, _, _)| i).zip(within).collect()
    });
    let rows: Vec<_> = ordered
        .into_iter()
        .zip(picks)
        .filter(|((i, _, _), pick)| {
            params.top.is_none() || *pick || evaluations[*i].guaranteed_interview
        })
        .filter(|((i, _, _), _)| {
            params
                .recommendation
                .is_none_or(|r| evaluations[*i].recommendation == r)
        })
        .collect();
    // Ranks were given over the whole list above; a page is only a slice of it.
    let (window, next_cursor) = match page {
        None => (0..rows.len(), None),
        Some(page) => {
            let keys: Vec<(&str, Option<u32>, f64)> = rows
                .iter()
                .map(|&((i, rank, _), _)| {
                    (
                        board.applications[i].id.as_str(),
                        rank,
                        evaluations[i].weighted_score,
                    )
                })
                .collect();
            let (window, next) = page.window(&keys)?;
            (window, Some(next))
        }
    };
    let entries = rows[window]
        .iter()
        .copied()
        .map(|((i, rank, tied), pick)| {
            let a = &board.applications[i];
            let e = &evaluations[i];
            let place = Placement {
                rank,
                tied,
                proposed: pick,
                step_outcome: outcomes[i][k],
                within_cut_off: cut.as_ref().map(|c| c[&i]),
            };
            let flags = e
                .flags
                .iter()
                .filter(|f| caller.is_staff() || !is_declaration_flag(f))
                .cloned()
                .collect();
            ShortlistEntry::new(
                a,
                e,
                access::hide_identity(caller, &board.vacancy, a),
                place,
                board.checks_of(&a.id),
                |ids| board.describe(ids),
                flags,
            )
        })
        .collect();
    Ok(Shortlist {
        vacancy_id: board.vacancy.id.clone(),
        reference: board.vacancy.reference.clone(),
        stage: step.key.clone(),
        top: params.top,
        entries,
        next_cursor,
    })
}

fn number(x: f64) -> String {
    // Two decimals are what a panel reads; trailing zeros trimmed for whole scores.
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn kinds(list: &[CheckKind]) -> String {
    list.iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

fn shortlist_csv(board: &Board, shortlist: &Shortlist) -> String {
    let mut header: Vec<String> = [
        "rank",
        "tied",
        "candidate_code",
        "candidate_name",
        "status",
        "recommendation",
        "proposed",
        "weighted_score",
        "max_weighted_score",
        "percentage",
        "guaranteed_interview",
        "needs_moderation",
        "unmet_essentials",
        "pending_essentials",
        "pending_checks",
        "failed_checks",
        "flags",
        "step_outcome",
        "within_cut_off",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (n, c) in board.criteria.iter().enumerate() {
        let short: String = c.description.chars().take(60).collect();
        header.push(format!(
            "C{} {} ({}): {short}",
            n + 1,
            c.category,
            c.requirement
        ));
    }
    let mut rows = vec![header];
    for e in &shortlist.entries {
        let mut row = vec![
            e.rank.map(|r| r.to_string()).unwrap_or_default(),
            e.tied.to_string(),
            e.candidate_code.clone(),
            e.candidate_name.clone().unwrap_or_default(),
            e.status.as_str().to_string(),
            serde_json::to_value(e.recommendation)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            e.proposed.to_string(),
            number(e.weighted_score),
            number(e.max_weighted_score),
            number(e.percentage),
            e.guaranteed_interview.to_string(),
            e.needs_moderation.to_string(),
            e.unmet_essentials
                .iter()
                .map(|c| c.description.clone())
                .collect::<Vec<_>>()
                .join("; "),
            e.pending_essentials
                .iter()
                .map(|c| c.description.clone())
                .collect::<Vec<_>>()
                .join("; "),
            kinds(&e.pending_checks),
            kinds(&e.failed_checks),
            e.flags.join("; "),
            e.step_outcome.as_str().to_string(),
            e.within_cut_off.map(|w| w.to_string()).unwrap_or_default(),
        ];
        row.extend(
            e.criterion_scores
                .iter()
                .map(|s| s.map(number).unwrap_or_default()),
        );
        rows.push(row);
    }
    super::csv::document(&rows)
}

use super::csv::wants_csv;

#[utoipa::path(
    tag = "shortlists",
    params(("vacancy_id" = String, Path, description = "Vacancy id"), ShortlistParams),
    responses(
        (status = 200, description = "Every application in scope, ranked; with `limit` (or `cursor`) one page of it, ranks still over the whole list, `next_cursor` and a `Link: <…>; rel=\"next\"` header until the last page. `Accept: text/csv` gives the whole list (paging ignored) as RFC 4180 CSV with one column per criterion. Compressed (gzip, br) when the client sends `Accept-Encoding`", content((Shortlist = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Portals do not see shortlists", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The ranking changed since `cursor` was issued: start again from the first page", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`top` or `limit` out of range, `cursor` not one this API returned for this list, or `stage` not a step of the vacancy's plan", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies/{vacancy_id}/shortlist")]
pub async fn get_shortlist(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    query: web::Query<ShortlistParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(VIEWERS)?;
    let id = path.into_inner();
    let params = query.into_inner();
    let csv = wants_csv(&req);
    // CSV is a download of the whole list: paging is for JSON clients.
    let page = if csv {
        None
    } else {
        ShortlistPage::from_params(&params)?
    };
    if params.top.is_some_and(|n| n == 0 || n > 100_000) {
        return Err(AppError::validation("top", "must be between 1 and 100000"));
    }
    if let Some(page) = page.as_ref().filter(|_| !csv) {
        let (c, id, p) = (caller.clone(), id.clone(), params.clone());
        let page = page.clone();
        if let Some(shortlist) = db
            .read(move |conn| read_page(conn, &c, &id, &p, &page))
            .await?
        {
            if let Some(metrics) = req.app_data::<web::Data<crate::metrics::Metrics>>() {
                metrics.record_page_read();
            }
            let mut response = HttpResponse::Ok();
            if let Some(Some(cursor)) = &shortlist.next_cursor {
                response.insert_header((header::LINK, super::next_link(&req, cursor)));
            }
            return Ok(response.json(shortlist));
        }
    }
    let c = caller.clone();
    let stage = params.stage.clone();
    let (board, k, results) = db
        .read(move |conn| load_shortlist_board(conn, &c, &id, stage.as_deref()))
        .await?;
    let shortlist = crate::metrics::time_shortlist(&req, csv, || {
        build_shortlist(&board, &caller, &params, k, page.as_ref(), &results)
    })?;
    if csv {
        let filename = format!(
            "shortlist-{}-{}.csv",
            board
                .vacancy
                .reference
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_"),
            shortlist.stage
        );
        return Ok(HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ))
            .body(shortlist_csv(&board, &shortlist)));
    }
    let mut response = HttpResponse::Ok();
    if let Some(Some(cursor)) = &shortlist.next_cursor {
        response.insert_header((header::LINK, super::next_link(&req, cursor)));
    }
    drop(results);
    drop(board);
    Ok(response
        .content_type(header::ContentType::json())
        .streaming(futures_util::stream::iter(ShortlistBody::new(shortlist)?)))
}

/// (application id, criterion id, method).
type PairKey<'a> = (&'a str, &'a str, &'a str);

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessorScore {
    pub assessor: String,
    pub score: i32,
    /// `counting`, or `excluded` (no longer on the panel or at that step) or `recused`
    /// (a declared conflict of interest): kept and shown, never counted.
    pub standing: ScoreStanding,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixCell {
    pub criterion_id: String,
    pub method: Method,
    /// Each assessor's score.
    pub scores: Vec<AssessorScore>,
    /// The chair's agreed score, if recorded.
    pub agreed_score: Option<i32>,
    /// Agreed score, else the assessors' mean.
    pub aggregate: Option<f64>,
    pub spread: Option<i32>,
    pub status: PairStatus,
    pub needs_moderation: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixRow {
    pub application_id: String,
    pub candidate_code: String,
    pub candidate_name: Option<String>,
    pub status: ApplicationStatus,
    pub cells: Vec<MatrixCell>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixCriterion {
    pub id: String,
    pub category: String,
    pub description: String,
    pub requirement: Requirement,
    pub methods: Vec<Method>,
    pub weight: i32,
    pub position: i32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreMatrix {
    pub vacancy_id: String,
    pub scale: Scale,
    pub criteria: Vec<MatrixCriterion>,
    /// Everyone who has scored, in name order.
    pub assessors: Vec<String>,
    /// Applications (withdrawn ones left out), in submission order.
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixParams {
    /// A step key (default: the last step, where every method counts).
    pub stage: Option<String>,
}

#[utoipa::path(
    tag = "shortlists",
    params(("vacancy_id" = String, Path, description = "Vacancy id"), MatrixParams),
    responses(
        (status = 422, description = "`stage` is not a step of the vacancy's plan", body = Problem, content_type = "application/problem+json"),
        (status = 200, description = "Applicants × criteria × methods: each assessor's score, the aggregate and the status. `Accept: text/csv` gives one row per application (`application_id, candidate_code, candidate_name, status`) and one column per criterion × method holding the aggregate (the agreed score, else the assessors' mean), with the same visibility", content((ScoreMatrix = "application/json"), (String = "text/csv"))),
        (status = 400, description = "Malformed query", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Portals do not see scores", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies/{vacancy_id}/score-matrix")]
pub async fn get_score_matrix(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    read_db: web::Data<ReadDb>,
    path: web::Path<String>,
    query: web::Query<MatrixParams>,
) -> Result<HttpResponse, AppError> {
    caller.require(VIEWERS)?;
    let id = path.into_inner();
    let c = caller.clone();
    let load = move |conn: &mut DbConnection| load_visible_board(conn, &c, &id, true);
    // The CSV is an export for a spreadsheet, so it may come from the read replica;
    // the JSON is the chair's working view while moderating, read after their own
    // agreed scores, so it stays on the primary.
    let csv = wants_csv(&req);
    let board = if csv {
        read_db.read(load).await?
    } else {
        db.read(load).await?
    };
    // By default the last step, where every method counts, so each pair's own result
    // is reported; at an earlier step later methods are listed but not counted.
    let k = match query.stage.as_deref() {
        None => board.plan.last_index(),
        Some(key) => board.step_index(key)?,
    };
    let evaluations = board.evaluate_step(k);
    let mut by_pair: HashMap<PairKey, Vec<(String, i32, ScoreStanding)>> = HashMap::new();
    let all = board
        .individual_scores()
        .iter()
        .map(|s| (s, ScoreStanding::Counting))
        .chain(board.excluded.iter().map(|(s, st)| (s, *st)));
    for (s, st) in all {
        by_pair
            .entry((
                s.application_id.as_str(),
                s.criterion_id.as_str(),
                s.method.as_str(),
            ))
            .or_default()
            .push((s.assessor.clone(), s.score, st));
    }
    let agreed: HashMap<PairKey, i32> = board
        .agreed
        .iter()
        .map(|a| {
            (
                (
                    a.application_id.as_str(),
                    a.criterion_id.as_str(),
                    a.method.as_str(),
                ),
                a.score,
            )
        })
        .collect();
    let mut assessors: Vec<String> = board
        .individual_scores()
        .iter()
        .map(|s| s.assessor.clone())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    assessors.sort();
    let rows = board
        .applications
        .iter()
        .zip(&evaluations)
        .filter(|(a, _)| status_of(a) != ApplicationStatus::Withdrawn)
        .map(|(a, e)| {
            let hide = access::hide_identity(&caller, &board.vacancy, a);
            let cells = e
                .criteria
                .iter()
                .flat_map(|c| {
                    c.methods.iter().map(|m| {
                        let key = (a.id.as_str(), c.criterion_id.as_str(), m.method.as_str());
                        let mut scores: Vec<AssessorScore> = by_pair
                            .get(&key)
                            .map(|list| {
                                list.iter()
                                    .map(|(assessor, score, standing)| AssessorScore {
                                        assessor: assessor.clone(),
                                        score: *score,
                                        standing: *standing,
                                    })
                                    .collect()
                            })
                            .unwrap_or_default();
                        scores.sort_by(|x, y| x.assessor.cmp(&y.assessor));
                        MatrixCell {
                            criterion_id: c.criterion_id.clone(),
                            method: m.method,
                            scores,
                            agreed_score: agreed.get(&key).copied(),
                            aggregate: m.score,
                            spread: m.spread,
                            status: m.status,
                            needs_moderation: m.needs_moderation,
                        }
                    })
                })
                .collect();
            MatrixRow {
                application_id: a.id.clone(),
                candidate_code: a.candidate_code.clone(),
                candidate_name: (!hide).then(|| a.candidate_name.clone()),
                status: status_of(a),
                cells,
            }
        })
        .collect();
    let criteria = board
        .criteria
        .iter()
        .map(|c| MatrixCriterion {
            id: c.id.clone(),
            category: c.category.clone(),
            description: c.description.clone(),
            requirement: Requirement::parse(&c.requirement).unwrap_or(Requirement::Desirable),
            methods: parse_methods(&c.methods).unwrap_or_default(),
            weight: c.weight,
            position: c.position,
        })
        .collect();
    let matrix = ScoreMatrix {
        vacancy_id: board.vacancy.id.clone(),
        scale: Scale {
            min: board.vacancy.scoring_min,
            max: board.vacancy.scoring_max,
            pass_mark: board.vacancy.scoring_pass_mark,
        },
        criteria,
        assessors,
        rows,
    };
    if csv {
        let filename = format!(
            "score-matrix-{}-{}.csv",
            board.vacancy.reference, board.plan.steps[k].key
        );
        return Ok(super::csv::attachment(&filename, matrix_csv(&matrix)));
    }
    Ok(HttpResponse::Ok().json(matrix))
}

/// The matrix as CSV: one row per application, one column per criterion × method (in
/// criterion position order, then the criterion's methods) holding the aggregate.
fn matrix_csv(matrix: &ScoreMatrix) -> String {
    let columns: Vec<(&str, Method)> = matrix
        .criteria
        .iter()
        .flat_map(|c| c.methods.iter().map(move |m| (c.id.as_str(), *m)))
        .collect();
    let mut header: Vec<String> = [
        "application_id",
        "candidate_code",
        "candidate_name",
        "status",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for (n, c) in matrix.criteria.iter().enumerate() {
        let short: String = c.description.chars().take(60).collect();
        for m in &c.methods {
            header.push(format!(
                "C{} {} ({}) {}: {short}",
                n + 1,
                c.category,
                c.requirement.as_str(),
                m.as_str()
            ));
        }
    }
    let mut rows = vec![header];
    for r in &matrix.rows {
        let by_pair: HashMap<(&str, Method), Option<f64>> = r
            .cells
            .iter()
            .map(|cell| ((cell.criterion_id.as_str(), cell.method), cell.aggregate))
            .collect();
        let mut row = vec![
            r.application_id.clone(),
            r.candidate_code.clone(),
            r.candidate_name.clone().unwrap_or_default(),
            r.status.as_str().to_string(),
        ];
        row.extend(columns.iter().map(|key| {
            by_pair
                .get(key)
                .copied()
                .flatten()
                .map(number)
                .unwrap_or_default()
        }));
        rows.push(row);
    }
    super::csv::document(&rows)
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub application_id: String,
    pub decision: Decision,
    /// Why: recorded for every decision.
    #[validate(length(min = 1, max = 2000))]
    pub reason: String,
    /// Required to shortlist someone with an unmet or pending essential criterion.
    #[validate(length(min = 1, max = 2000))]
    pub override_reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DecisionBatch {
    #[validate(length(min = 1, max = 1000), nested)]
    pub decisions: Vec<DecisionInput>,
}

#[utoipa::path(
    tag = "shortlists",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    request_body = DecisionBatch,
    responses(
        (status = 200, description = "Every decision recorded and every application moved, or none", body = RecordedDecisions),
        (status = 403, description = "Needs admin or recruiter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An application was already decided, or a guaranteed-interview applicant who meets every essential would be rejected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown or repeated application, missing reason, or a shortlisting against an unmet/pending essential without an override reason", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[post("/vacancies/{vacancy_id}/shortlist/decisions")]
pub async fn record_decisions(
    caller: Caller,
    req: HttpRequest,
    db: web::Data<Db>,
    path: web::Path<String>,
    body: web::Json<DecisionBatch>,
) -> Result<HttpResponse, AppError> {
    caller.require(&[Role::Admin, Role::Recruiter])?;
    let batch = body.into_inner();
    validate(&batch)?;
    let vacancy_id = path.into_inner();
    let actor = actor(&caller, &req);
    let requests = batch
        .decisions
        .into_iter()
        .map(|d| DecisionRequest {
            application_id: d.application_id,
            decision: d.decision,
            reason: d.reason,
            override_reason: d.override_reason,
        })
        .collect();
    let recorded = decisions::record_batch(&db, caller, actor, vacancy_id, requests).await?;
    Ok(HttpResponse::Ok().json(recorded))
}

#[derive(Debug, Default, Serialize, ToSchema)]
pub struct RecommendationCounts {
    pub shortlist: usize,
    pub reject: usize,
    pub incomplete: usize,
}

impl RecommendationCounts {
    fn add(&mut self, r: Recommendation) {
        match r {
            Recommendation::Shortlist => self.shortlist += 1,
            Recommendation::Reject => self.reject += 1,
            Recommendation::Incomplete => self.incomplete += 1,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StageRecommendations {
    pub shortlisting: RecommendationCounts,
    #[serde(rename = "final")]
    pub final_stage: RecommendationCounts,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessorProgress {
    pub assessor: String,
    pub method: Method,
    /// Applications this assessor should score by this method.
    pub expected: usize,
    /// Of those, how many they have scored.
    pub received: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScoringProgress {
    pub expected: usize,
    pub received: usize,
    pub by_assessor: Vec<AssessorProgress>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationRef {
    pub application_id: String,
    pub candidate_code: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VacancySummary {
    pub vacancy_id: String,
    pub status: VacancyStatus,
    pub total_applications: usize,
    /// Every application status with its count.
    pub applications_by_status: BTreeMap<String, usize>,
    /// Over applications not withdrawn.
    pub recommendations: StageRecommendations,
    /// Scoresheets expected vs received per panel member and method: for each method,
    /// the applications that reached its step, are not withdrawn and from which the
    /// member is not recused; members limited to steps only at their steps.
    pub scoring_progress: ScoringProgress,
    pub needs_moderation: Vec<ApplicationRef>,
    /// Required checks not yet clear or waived, by kind, over shortlisted and offered
    /// applications.
    pub checks_outstanding: BTreeMap<String, usize>,
    /// Each step of the assessment plan: outcomes so far and recommendations at it.
    pub steps: Vec<StepSummary>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepSummary {
    pub key: String,
    pub title: String,
    pub kind: StepKind,
    /// Applications that reached the step, by their outcome at it.
    pub outcomes: BTreeMap<String, usize>,
    /// Recommendations at the step (its methods and earlier ones) over the
    /// applications that reached it and are not withdrawn.
    pub recommendations: RecommendationCounts,
}

#[utoipa::path(
    tag = "shortlists",
    params(("vacancy_id" = String, Path, description = "Vacancy id")),
    responses(
        (status = 200, description = "Counts for dashboards", body = VacancySummary),
        (status = 403, description = "Portals do not see summaries", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such vacancy visible to the caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = []))
)]
#[get("/vacancies/{vacancy_id}/summary")]
pub async fn get_summary(
    caller: Caller,
    db: web::Data<Db>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    caller.require(VIEWERS)?;
    let id = path.into_inner();
    let (board, panel) = db
        .read(move |conn| {
            let board = load_visible_board(conn, &caller, &id, true)?;
            let panel = panels::for_vacancy(conn, &board.vacancy.id)?;
            Ok((board, panel))
        })
        .await?;
    let shortlisting = board.evaluate_step(0);
    let final_stage = board.evaluate_step(board.plan.last_index());
    let mut by_status: BTreeMap<String, usize> = ApplicationStatus::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), 0))
        .collect();
    let mut recommendations = StageRecommendations {
        shortlisting: RecommendationCounts::default(),
        final_stage: RecommendationCounts::default(),
    };
    let mut needs_moderation = Vec::new();
    let mut checks_outstanding: BTreeMap<String, usize> = BTreeMap::new();
    for (i, a) in board.applications.iter().enumerate() {
        let status = status_of(a);
        *by_status.entry(status.as_str().to_string()).or_default() += 1;
        if status == ApplicationStatus::Withdrawn {
            continue;
        }
        recommendations
            .shortlisting
            .add(shortlisting[i].recommendation);
        recommendations
            .final_stage
            .add(final_stage[i].recommendation);
        if final_stage[i].needs_moderation {
            needs_moderation.push(ApplicationRef {
                application_id: a.id.clone(),
                candidate_code: a.candidate_code.clone(),
            });
        }
        if matches!(
            status,
            ApplicationStatus::Shortlisted | ApplicationStatus::Offered
        ) {
            let (pending, failed) = board.checks_of(&a.id);
            for kind in pending.into_iter().chain(failed) {
                *checks_outstanding
                    .entry(kind.as_str().to_string())
                    .or_default() += 1;
            }
        }
    }
    let mut methods_in_use: Vec<Method> = board
        .criteria
        .iter()
        .flat_map(|c| parse_methods(&c.methods).unwrap_or_default())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    methods_in_use.sort();
    let scored: HashSet<(&str, &str, &str)> = board
        .individual_scores()
        .iter()
        .map(|s| {
            (
                s.assessor.as_str(),
                s.method.as_str(),
                s.application_id.as_str(),
            )
        })
        .collect();
    let outcomes: Vec<Vec<Outcome>> = board
        .applications
        .iter()
        .map(|a| board.outcomes_of(&a.id))
        .collect();
    let none = HashSet::new();
    let mut by_assessor = Vec::new();
    for member in &panel {
        let limit = crate::service::plan::member_steps(member)?;
        for &method in &methods_in_use {
            let Some(k) = board.plan.step_of_method(method) else {
                continue;
            };
            let key = &board.plan.steps[k].key;
            // Only the steps the member sits at.
            if limit.as_ref().is_some_and(|steps| !steps.contains(key)) {
                continue;
            }
            // Due: every application that reached the method's step, is not withdrawn
            // and from which the member is not recused.
            let due: Vec<&ApplicationRow> = board
                .applications
                .iter()
                .enumerate()
                .filter(|(i, a)| {
                    status_of(a) != ApplicationStatus::Withdrawn
                        && reached(&outcomes[*i], k)
                        && !board
                            .recused
                            .get(&a.id)
                            .unwrap_or(&none)
                            .contains(&member.user_id)
                })
                .map(|(_, a)| a)
                .collect();
            let received = due
                .iter()
                .filter(|a| {
                    scored.contains(&(member.user_id.as_str(), method.as_str(), a.id.as_str()))
                })
                .count();
            by_assessor.push(AssessorProgress {
                assessor: member.user_id.clone(),
                method,
                expected: due.len(),
                received,
            });
        }
    }
    // Per step: outcomes so far and the recommendations at that step, over
    // applications that reached it and are not withdrawn.
    let steps = board
        .plan
        .steps
        .iter()
        .enumerate()
        .map(|(k, step)| {
            let evaluations = board.evaluate_step(k);
            let mut counts: BTreeMap<String, usize> = Outcome::ALL
                .iter()
                .map(|o| (o.as_str().to_string(), 0))
                .collect();
            let mut recommendations = RecommendationCounts::default();
            for (i, a) in board.applications.iter().enumerate() {
                if !reached(&outcomes[i], k) {
                    continue;
                }
                let shown = if status_of(a) == ApplicationStatus::Withdrawn
                    && matches!(outcomes[i][k], Outcome::Pending | Outcome::Reserve)
                {
                    Outcome::Withdrawn
                } else {
                    outcomes[i][k]
                };
                *counts.entry(shown.as_str().to_string()).or_default() += 1;
                if shown != Outcome::Withdrawn {
                    recommendations.add(evaluations[i].recommendation);
                }
            }
            StepSummary {
                key: step.key.clone(),
                title: step.title.clone(),
                kind: step.kind,
                outcomes: counts,
                recommendations,
            }
        })
        .collect();
    Ok(HttpResponse::Ok().json(VacancySummary {
        vacancy_id: board.vacancy.id.clone(),
        status: VacancyStatus::parse(&board.vacancy.status).unwrap_or(VacancyStatus::Draft),
        total_applications: board.applications.len(),
        applications_by_status: by_status,
        recommendations,
        scoring_progress: ScoringProgress {
            expected: by_assessor.iter().map(|p| p.expected).sum(),
            received: by_assessor.iter().map(|p| p.received).sum(),
            by_assessor,
        },
        needs_moderation,
        checks_outstanding,
        steps,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(limit: usize, cursor: Option<&str>) -> ShortlistPage {
        ShortlistPage {
            limit,
            after: cursor.map(|c| ShortlistCursor::decode(c).unwrap()),
        }
    }

    fn entry(n: usize) -> ShortlistEntry {
        ShortlistEntry {
            application_id: format!("app-{n}"),
            candidate_code: format!("C{n:05}"),
            candidate_name: (!n.is_multiple_of(3)).then(|| format!("Name \"{n}\" \\ ,]")),
            status: ApplicationStatus::Submitted,
            rank: n.is_multiple_of(2).then_some(n as u32),
            tied: n.is_multiple_of(5),
            proposed: n.is_multiple_of(7),
            recommendation: Recommendation::Shortlist,
            weighted_score: n as f64 / 3.0,
            max_weighted_score: 10.0,
            percentage: 12.5,
            unmet_essentials: vec![CriterionRef {
                criterion_id: format!("c{n}"),
                description: "\"entries\":[] in a description".into(),
            }],
            pending_essentials: Vec::new(),
            guaranteed_interview: false,
            needs_moderation: true,
            pending_checks: Vec::new(),
            failed_checks: Vec::new(),
            flags: vec!["needs_moderation".into()],
            step_outcome: Outcome::Pending,
            within_cut_off: None,
            criterion_scores: vec![Some(1.5), None],
        }
    }

    #[test]
    fn a_streamed_shortlist_is_byte_for_byte_its_json() {
        let sizes = [
            0,
            1,
            2,
            ShortlistBody::CHUNK,
            ShortlistBody::CHUNK + 1,
            3 * ShortlistBody::CHUNK + 7,
        ];
        for n in sizes {
            for next_cursor in [None, Some(None), Some(Some("abc".to_string()))] {
                let list = || Shortlist {
                    vacancy_id: "v\"entries\":[]".into(),
                    reference: "REF/1".into(),
                    stage: "shortlisting".into(),
                    top: Some(3),
                    entries: (0..n).map(entry).collect(),
                    next_cursor: next_cursor.clone(),
                };
                let whole = serde_json::to_vec(&list()).unwrap();
                let chunks: Vec<web::Bytes> = ShortlistBody::new(list())
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                assert!(chunks.iter().all(|c| !c.is_empty()));
                assert_eq!(
                    chunks.len(),
                    n.div_ceil(ShortlistBody::CHUNK).max(1),
                    "{n} entries"
                );
                assert_eq!(
                    chunks.concat(),
                    whole,
                    "{n} entries, cursor {next_cursor:?}"
                );
            }
        }
    }

    const LIST: [(&str, Option<u32>, f64); 5] = [
        ("a", Some(1), 3.0),
        ("b", Some(2), 2.0),
        ("c", Some(2), 2.0),
        ("d", None, 0.0),
        ("e", None, 1.0),
    ];

    #[test]
    fn pages_cover_the_list_once_in_order() {
        for limit in 1..=6 {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            loop {
                let (window, next) = page(limit, cursor.as_deref()).window(&LIST).unwrap();
                seen.extend(LIST[window].iter().map(|k| k.0));
                match next {
                    Some(c) => cursor = Some(c),
                    None => break,
                }
            }
            assert_eq!(seen, ["a", "b", "c", "d", "e"], "limit {limit}");
        }
    }

    #[test]
    fn a_cursor_survives_only_an_unchanged_ranking() {
        let (_, next) = page(2, None).window(&LIST).unwrap();
        let cursor = next.unwrap();
        assert_eq!(
            page(2, Some(&cursor)).window(&LIST).unwrap().0,
            2..4,
            "same list, same page"
        );
        // `b` and `c` no longer tie: the cursor's position no longer means the same.
        let mut moved = LIST;
        moved[2].1 = Some(3);
        moved[2].2 = 1.5;
        assert!(matches!(
            page(2, Some(&cursor)).window(&moved),
            Err(AppError::Conflict(_))
        ));
        // One entry fewer: refused too.
        assert!(matches!(
            page(2, Some(&cursor)).window(&LIST[1..]),
            Err(AppError::Conflict(_))
        ));
    }

    #[test]
    fn malformed_cursors_are_refused() {
        let fingerprint = ranking_fingerprint(&LIST);
        for parts in [
            ["0", "a", "1", fingerprint.as_str()],
            ["x", "a", "1", fingerprint.as_str()],
            ["1", "a", "one", fingerprint.as_str()],
            ["1", "a", "1", "short"],
        ] {
            assert!(ShortlistCursor::decode(&super::super::encode_cursor(&parts)).is_err());
        }
        // Decodes, but names the wrong entry for its position.
        let wrong = super::super::encode_cursor(&["1", "b", "2", &fingerprint]);
        assert!(matches!(
            page(2, Some(&wrong)).window(&LIST),
            Err(AppError::Validation(_))
        ));
    }
}
