//! Stored rows → the domain's inputs, through one conversion that fails loudly.
//!
//! Enumerated columns are TEXT in both backends. A value this version does not know (a
//! row written by a newer release, or edited by hand) must never be read as a default:
//! an unknown `requirement` read as `desirable` would drop an essential criterion, an
//! unknown `dbs_level` read as none would drop a DBS check. Every read goes through
//! [`stored`], which turns such a value into a 500 that names the column.

use crate::db::applications::ApplicationRow;
use crate::db::checks::CheckRow;
use crate::db::criteria::CriterionRow;
use crate::db::scores::{AgreedScoreRow, ScoreRow};
use crate::db::vacancies::VacancyRow;
use crate::domain::application::ApplicationStatus;
use crate::domain::checks::{
    outstanding, required_checks, CheckKind, CheckRequirements, CheckStatus,
};
use crate::domain::evaluation::{
    AgreedScoreInput, CriterionInput, Scale, ScoreInput, VacancyRules,
};
use crate::domain::vacancy::{DbsLevel, DrivingRequirement, VacancyStatus};
use crate::domain::{Method, Requirement};
use crate::error::AppError;

/// `parsed`, or an internal error naming the column and the value it could not read.
pub fn stored<T>(parsed: Option<T>, column: &str, value: &str) -> Result<T, AppError> {
    parsed.ok_or_else(|| {
        AppError::Internal(format!(
            "{column} holds {value:?}, which this version of shortlist does not know"
        ))
    })
}

pub fn methods(column: &str, json: &str) -> Result<Vec<Method>, AppError> {
    let names: Option<Vec<String>> = serde_json::from_str(json).ok();
    let names = stored(names, column, json)?;
    names
        .iter()
        .map(|n| stored(Method::parse(n), column, n))
        .collect()
}

pub fn vacancy_status(v: &VacancyRow) -> Result<VacancyStatus, AppError> {
    stored(
        VacancyStatus::parse(&v.status),
        "vacancies.status",
        &v.status,
    )
}

pub fn application_status(a: &ApplicationRow) -> Result<ApplicationStatus, AppError> {
    stored(
        ApplicationStatus::parse(&a.status),
        "applications.status",
        &a.status,
    )
}

pub fn dbs_level(v: &VacancyRow) -> Result<DbsLevel, AppError> {
    stored(
        DbsLevel::parse(&v.dbs_level),
        "vacancies.dbs_level",
        &v.dbs_level,
    )
}

pub fn driving_requirement(v: &VacancyRow) -> Result<DrivingRequirement, AppError> {
    stored(
        DrivingRequirement::parse(&v.driving_requirement),
        "vacancies.driving_requirement",
        &v.driving_requirement,
    )
}

pub fn check_requirements(v: &VacancyRow) -> Result<CheckRequirements, AppError> {
    Ok(CheckRequirements {
        dbs_level: dbs_level(v)?,
        driving: driving_requirement(v)?,
        references_required: v.references_required,
        professional_registration: v.professional_registration.is_some(),
        occupational_health: v.occupational_health_required,
        bpss: v.bpss_required,
    })
}

pub fn required_checks_of(v: &VacancyRow) -> Result<Vec<CheckKind>, AppError> {
    Ok(required_checks(&check_requirements(v)?))
}

pub fn scale_of(v: &VacancyRow) -> Scale {
    Scale {
        min: v.scoring_min,
        max: v.scoring_max,
        pass_mark: v.scoring_pass_mark,
    }
}

pub fn vacancy_rules(v: &VacancyRow) -> Result<VacancyRules, AppError> {
    Ok(VacancyRules {
        scale: scale_of(v),
        shortlisting_methods: methods("vacancies.shortlisting_methods", &v.shortlisting_methods)?,
        guaranteed_interview_scheme: v.guaranteed_interview_scheme,
        driving_required: driving_requirement(v)?.needs_licence(),
        max_penalty_points: v.max_penalty_points,
        max_at_fault_accidents: v.max_at_fault_accidents,
        training_penalty_points: v.training_penalty_points,
        training_at_fault_accidents: v.training_at_fault_accidents,
        politically_restricted: v.politically_restricted,
        min_assessors: u32::try_from(v.min_assessors.max(1)).unwrap_or(1),
    })
}

pub fn requirement(c: &CriterionRow) -> Result<Requirement, AppError> {
    stored(
        Requirement::parse(&c.requirement),
        "criteria.requirement",
        &c.requirement,
    )
}

pub fn criterion_inputs(rows: &[CriterionRow]) -> Result<Vec<CriterionInput>, AppError> {
    rows.iter()
        .map(|c| {
            Ok(CriterionInput {
                id: c.id.clone(),
                requirement: requirement(c)?,
                methods: methods("criteria.methods", &c.methods)?,
                weight: c.weight,
                alternative_group: c.alternative_group.clone(),
                position: c.position,
            })
        })
        .collect()
}

pub fn method(column: &str, text: &str) -> Result<Method, AppError> {
    stored(Method::parse(text), column, text)
}

pub fn score_inputs(rows: &[ScoreRow]) -> Result<Vec<ScoreInput>, AppError> {
    rows.iter()
        .map(|s| {
            Ok(ScoreInput {
                criterion_id: s.criterion_id.clone(),
                method: method("scores.method", &s.method)?,
                assessor: s.assessor.clone(),
                score: s.score,
            })
        })
        .collect()
}

pub fn agreed_inputs(rows: &[AgreedScoreRow]) -> Result<Vec<AgreedScoreInput>, AppError> {
    rows.iter()
        .map(|s| {
            Ok(AgreedScoreInput {
                criterion_id: s.criterion_id.clone(),
                method: method("agreed_scores.method", &s.method)?,
                score: s.score,
            })
        })
        .collect()
}

pub use crate::db::applications::declarations_of;

/// The recorded checks of an application, each kind and status read loudly.
pub fn recorded(rows: &[CheckRow]) -> Result<Vec<(CheckKind, CheckStatus)>, AppError> {
    rows.iter()
        .map(|r| {
            Ok((
                stored(CheckKind::parse(&r.kind), "checks.kind", &r.kind)?,
                stored(CheckStatus::parse(&r.status), "checks.status", &r.status)?,
            ))
        })
        .collect()
}

/// `(pending, failed)` required checks of an application of `vacancy`.
pub fn check_state(
    vacancy: &VacancyRow,
    rows: &[CheckRow],
) -> Result<(Vec<CheckKind>, Vec<CheckKind>), AppError> {
    Ok(outstanding(&required_checks_of(vacancy)?, &recorded(rows)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_stored_value_is_an_error_naming_the_column() {
        let err = stored(
            Requirement::parse("essentail"),
            "criteria.requirement",
            "essentail",
        )
        .unwrap_err();
        let AppError::Internal(message) = err else {
            panic!("expected an internal error")
        };
        assert!(message.contains("criteria.requirement"), "{message}");
        assert!(message.contains("essentail"), "{message}");
    }

    #[test]
    fn methods_are_read_loudly() {
        assert_eq!(
            methods("c", r#"["application","interview"]"#).unwrap(),
            vec![Method::Application, Method::Interview]
        );
        assert!(methods("c", r#"["application","telepathy"]"#).is_err());
        assert!(methods("c", "not json").is_err());
    }

    #[test]
    fn known_values_round_trip() {
        for r in [Requirement::Essential, Requirement::Desirable] {
            assert_eq!(
                stored(Requirement::parse(r.as_str()), "c", r.as_str()).unwrap(),
                r
            );
        }
        for l in [
            DbsLevel::None,
            DbsLevel::Basic,
            DbsLevel::Standard,
            DbsLevel::Enhanced,
        ] {
            assert_eq!(
                stored(DbsLevel::parse(l.as_str()), "c", l.as_str()).unwrap(),
                l
            );
        }
    }
}
