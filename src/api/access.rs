//! Who may see which vacancy and application. Everything outside the caller's reach is
//! "not found", so ids cannot be probed.

use crate::auth::{Caller, Role};
use crate::db::applications::{self as application_store, ApplicationRow};
use crate::db::panels::{self, PanelMemberRow};
use crate::db::vacancies::{self as vacancy_store, VacancyRow};
use crate::db::DbConnection;
use crate::domain::application::ApplicationStatus;
use crate::domain::panel::PanelRole;
use crate::domain::vacancy::VacancyStatus;
use crate::error::AppError;

/// A vacancy the caller may read, with the caller's panel seat on it (if any).
pub struct VisibleVacancy {
    pub vacancy: VacancyRow,
    pub seat: Option<PanelMemberRow>,
}

/// Staff (admin, recruiter, viewer) see their org's vacancies; a portal sees open
/// ones; a panel member sees those whose panel they sit on.
pub fn vacancy(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<VisibleVacancy, AppError> {
    let vacancy = vacancy_store::find(conn, &caller.org, id)?;
    let seat = if caller.has(Role::Panel) {
        panels::seat(conn, &vacancy.id, &caller.sub)?
    } else {
        None
    };
    if may_see_vacancy(caller, &vacancy, seat.as_ref()) {
        Ok(VisibleVacancy { vacancy, seat })
    } else {
        Err(AppError::NotFound)
    }
}

/// Staff see their org's vacancies; a portal sees open ones; a panel member sees
/// those whose panel they sit on.
pub fn may_see_vacancy(
    caller: &Caller,
    vacancy: &VacancyRow,
    seat: Option<&PanelMemberRow>,
) -> bool {
    caller.is_staff()
        || seat.is_some()
        || (caller.has(Role::Portal) && vacancy.status == VacancyStatus::Open.as_str())
}

/// An application the caller may read.
pub struct VisibleApplication {
    pub application: ApplicationRow,
    pub vacancy: VacancyRow,
    pub seat: Option<PanelMemberRow>,
}

impl VisibleApplication {
    /// Panel members of an anonymised vacancy see candidate codes, not names, until the
    /// shortlisting decision on the application is recorded.
    pub fn hide_identity(&self, caller: &Caller) -> bool {
        hide_identity(caller, &self.vacancy, &self.application)
    }

    pub fn is_chair(&self) -> bool {
        self.seat
            .as_ref()
            .is_some_and(|s| s.role == PanelRole::Chair.as_str())
    }
}

pub fn hide_identity(caller: &Caller, vacancy: &VacancyRow, application: &ApplicationRow) -> bool {
    // The portal that submitted an application already knows who it is for.
    let submitter = caller.has(Role::Portal) && application.submitted_by == caller.sub;
    vacancy.anonymised_shortlisting
        && !caller.is_staff()
        && !submitter
        && identity_hidden_at(&application.status)
}

/// Declarations (guaranteed interview, driving record, right to work, registration)
/// are for staff and the portal that submitted them: never for panel members, whether
/// or not the vacancy is anonymised.
pub fn hide_declarations(caller: &Caller, application: &ApplicationRow) -> bool {
    let submitter = caller.has(Role::Portal) && application.submitted_by == caller.sub;
    !caller.is_staff() && !submitter
}

/// Names stay hidden from the panel until a shortlisting decision reveals them: while
/// the application is `submitted`, and also once it is `withdrawn` (withdrawing before
/// the decision must not unmask the applicant; one withdrawn after it was already
/// seen loses nothing by being masked again).
pub fn identity_hidden_at(status: &str) -> bool {
    status == ApplicationStatus::Submitted.as_str()
        || status == ApplicationStatus::Withdrawn.as_str()
}

/// Staff see every application of their org; a portal sees what it submitted; a panel
/// member sees the applications of vacancies whose panel they sit on.
pub fn application(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<VisibleApplication, AppError> {
    let found = application_in_org(conn, caller, id)?;
    let visible = caller.is_staff()
        || found.seat.is_some()
        || (caller.has(Role::Portal) && found.application.submitted_by == caller.sub);
    if visible {
        Ok(found)
    } else {
        Err(AppError::NotFound)
    }
}

/// The application and its vacancy in the caller's org, without a visibility check:
/// for writes that authorise by role and panel seat themselves.
pub fn application_in_org(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<VisibleApplication, AppError> {
    let application = application_store::find(conn, &caller.org, id)?;
    let vacancy = vacancy_store::find(conn, &caller.org, &application.vacancy_id)?;
    let seat = if caller.has(Role::Panel) {
        panels::seat(conn, &vacancy.id, &caller.sub)?
    } else {
        None
    };
    Ok(VisibleApplication {
        application,
        vacancy,
        seat,
    })
}
