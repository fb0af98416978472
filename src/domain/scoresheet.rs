//! The rules a scoresheet (one method, many criteria) must satisfy before any of it is
//! stored.

use std::collections::{HashMap, HashSet};

use super::evaluation::{Method, Scale};
use super::FieldError;

/// One line of a scoresheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreLine {
    pub criterion_id: String,
    pub score: i32,
}

pub const MAX_LINES: usize = 500;

/// Every line names a criterion of this vacancy that is assessed by `method`, once,
/// with a value on the vacancy's scale. `criteria` maps criterion id → its methods.
pub fn validate_scoresheet(
    criteria: &HashMap<String, Vec<Method>>,
    scale: Scale,
    method: Method,
    lines: &[ScoreLine],
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if lines.is_empty() {
        errors.push(FieldError::new("scores", "at least one score is required"));
    }
    if lines.len() > MAX_LINES {
        errors.push(FieldError::new(
            "scores",
            format!("at most {MAX_LINES} scores per sheet"),
        ));
    }
    let mut seen = HashSet::new();
    for (i, line) in lines.iter().enumerate() {
        match criteria.get(&line.criterion_id) {
            None => errors.push(FieldError::new(
                format!("scores[{i}].criterion_id"),
                "is not a criterion of this vacancy",
            )),
            Some(methods) if !methods.contains(&method) => errors.push(FieldError::new(
                format!("scores[{i}].criterion_id"),
                format!(
                    "this criterion is not assessed by {} (its methods: {})",
                    method.as_str(),
                    methods
                        .iter()
                        .map(|m| m.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )),
            Some(_) => {}
        }
        if !seen.insert(line.criterion_id.as_str()) {
            errors.push(FieldError::new(
                format!("scores[{i}].criterion_id"),
                "appears more than once in the sheet",
            ));
        }
        if line.score < scale.min || line.score > scale.max {
            errors.push(FieldError::new(
                format!("scores[{i}].score"),
                format!("must be between {} and {}", scale.min, scale.max),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn spec() -> HashMap<String, Vec<Method>> {
        HashMap::from([
            (
                "c1".to_string(),
                vec![Method::Application, Method::Interview],
            ),
            ("c2".to_string(), vec![Method::Interview]),
        ])
    }

    fn line(c: &str, score: i32) -> ScoreLine {
        ScoreLine {
            criterion_id: c.into(),
            score,
        }
    }

    #[test]
    fn a_valid_sheet_passes() {
        let errors = validate_scoresheet(
            &spec(),
            Scale::default(),
            Method::Interview,
            &[line("c1", 3), line("c2", 0)],
        );
        assert!(errors.is_empty(), "{errors:?}");
    }

    #[test]
    fn unknown_criterion_wrong_method_duplicate_and_off_scale_are_named() {
        let errors = validate_scoresheet(
            &spec(),
            Scale::default(),
            Method::Application,
            &[line("zz", 1), line("c2", 1), line("c1", 4), line("c1", 2)],
        );
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "scores[0].criterion_id",
                "scores[1].criterion_id",
                "scores[2].score",
                "scores[3].criterion_id"
            ]
        );
    }

    #[test]
    fn an_empty_sheet_is_refused() {
        assert_eq!(
            validate_scoresheet(&spec(), Scale::default(), Method::Interview, &[]).len(),
            1
        );
    }

    proptest! {
        /// On a 1–7 scale every value inside is accepted and every value outside refused.
        #[test]
        fn scale_bounds_decide(score in -5i32..12) {
            let scale = Scale { min: 1, max: 7, pass_mark: 4 };
            let ok = validate_scoresheet(&spec(), scale, Method::Interview, &[line("c2", score)]).is_empty();
            prop_assert_eq!(ok, (1..=7).contains(&score));
        }
    }
}
