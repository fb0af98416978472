//! Rules over a whole person specification (the set of criteria of one vacancy).

use std::collections::{BTreeMap, BTreeSet};

use super::{FieldError, Method, Requirement};

/// What the spec-wide rules need to know of one criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionDraft {
    pub requirement: Requirement,
    pub methods: Vec<Method>,
    pub alternative_group: Option<String>,
}

/// Spec-wide rules: each criterion is assessed by at least one method, named once, and
/// criteria that are alternatives to each other share one requirement level (an
/// "A or B" choice cannot be half essential). Field paths are `[index].field`.
pub fn validate_spec(criteria: &[CriterionDraft]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (i, c) in criteria.iter().enumerate() {
        errors.extend(validate_methods(&c.methods, &format!("[{i}].methods")));
    }
    let mut groups: BTreeMap<&str, Vec<(usize, Requirement)>> = BTreeMap::new();
    for (i, c) in criteria.iter().enumerate() {
        if let Some(group) = c.alternative_group.as_deref() {
            groups.entry(group).or_default().push((i, c.requirement));
        }
    }
    for (group, members) in groups {
        let first = members[0].1;
        for &(i, requirement) in &members[1..] {
            if requirement != first {
                errors.push(FieldError::new(
                    format!("[{i}].requirement"),
                    format!(
                        "alternative group {group:?} mixes essential and desirable criteria; \
                         all members must share one requirement level"
                    ),
                ));
            }
        }
    }
    errors
}

/// The method list of one criterion: non-empty, each method once.
pub fn validate_methods(methods: &[Method], field: &str) -> Vec<FieldError> {
    if methods.is_empty() {
        return vec![FieldError::new(
            field,
            "at least one assessment method is required",
        )];
    }
    let distinct: BTreeSet<_> = methods.iter().collect();
    if distinct.len() != methods.len() {
        return vec![FieldError::new(
            field,
            "each method may be listed only once",
        )];
    }
    Vec::new()
}

/// Number of essential criteria; a vacancy cannot open without one.
pub fn essential_count(criteria: &[CriterionDraft]) -> usize {
    criteria
        .iter()
        .filter(|c| c.requirement == Requirement::Essential)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn draft(requirement: Requirement, group: Option<&str>) -> CriterionDraft {
        CriterionDraft {
            requirement,
            methods: vec![Method::Application, Method::Interview],
            alternative_group: group.map(str::to_string),
        }
    }

    #[test]
    fn a_plain_spec_is_valid() {
        let spec = [
            draft(Requirement::Essential, None),
            draft(Requirement::Desirable, None),
        ];
        assert!(validate_spec(&spec).is_empty());
        assert_eq!(essential_count(&spec), 1);
    }

    #[test]
    fn empty_method_list_is_refused() {
        let mut c = draft(Requirement::Essential, None);
        c.methods.clear();
        let errors = validate_spec(&[c]);
        assert_eq!(errors[0].field, "[0].methods");
    }

    #[test]
    fn repeated_method_is_refused() {
        let mut c = draft(Requirement::Essential, None);
        c.methods = vec![Method::Test, Method::Test];
        assert_eq!(validate_spec(&[c]).len(), 1);
    }

    #[test]
    fn alternative_group_members_share_one_requirement() {
        // "60 M-level credits OR 5 years' experience" (seed 001) is one essential choice.
        let ok = [
            draft(Requirement::Essential, Some("credits-or-experience")),
            draft(Requirement::Essential, Some("credits-or-experience")),
        ];
        assert!(validate_spec(&ok).is_empty());
        let mixed = [
            draft(Requirement::Essential, Some("g")),
            draft(Requirement::Desirable, Some("g")),
        ];
        let errors = validate_spec(&mixed);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "[1].requirement");
    }

    fn requirement() -> impl Strategy<Value = Requirement> {
        prop_oneof![Just(Requirement::Essential), Just(Requirement::Desirable)]
    }

    proptest! {
        /// A spec is refused for its groups exactly when some group mixes levels.
        #[test]
        fn groups_are_refused_iff_they_mix_levels(
            members in proptest::collection::vec((requirement(), proptest::option::of(0u8..3)), 0..12)
        ) {
            let spec: Vec<_> = members
                .iter()
                .map(|(r, g)| CriterionDraft {
                    requirement: *r,
                    methods: vec![Method::Application],
                    alternative_group: g.map(|g| format!("g{g}")),
                })
                .collect();
            let mixes = (0u8..3).any(|g| {
                let levels: BTreeSet<_> = members
                    .iter()
                    .filter(|(_, mg)| *mg == Some(g))
                    .map(|(r, _)| *r == Requirement::Essential)
                    .collect();
                levels.len() > 1
            });
            prop_assert_eq!(!validate_spec(&spec).is_empty(), mixes);
        }
    }
}
