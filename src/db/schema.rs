// Kept by hand in step with migrations/{postgres,sqlite}: both backends share this one
// schema, so every column uses a type both understand (ids and times as Text).

diesel::table! {
    vacancies (id) {
        id -> Text,
        org -> Text,
        reference -> Text,
        title -> Text,
        grade -> Nullable<Text>,
        department -> Nullable<Text>,
        location -> Nullable<Text>,
        hours_per_week -> Nullable<Double>,
        salary_min -> Nullable<Double>,
        salary_max -> Nullable<Double>,
        closing_date -> Nullable<Text>,
        description -> Nullable<Text>,
        status -> Text,
        dbs_level -> Text,
        driving_requirement -> Text,
        max_penalty_points -> Integer,
        max_at_fault_accidents -> Integer,
        professional_registration -> Nullable<Text>,
        references_required -> Integer,
        occupational_health_required -> Bool,
        guaranteed_interview_scheme -> Bool,
        anonymised_shortlisting -> Bool,
        scoring_min -> Integer,
        scoring_max -> Integer,
        scoring_pass_mark -> Integer,
        shortlisting_methods -> Text,
        created_at -> Text,
        updated_at -> Text,
        version -> Integer,
    }
}

diesel::table! {
    criteria (id) {
        id -> Text,
        vacancy_id -> Text,
        category -> Text,
        description -> Text,
        requirement -> Text,
        methods -> Text,
        weight -> Integer,
        alternative_group -> Nullable<Text>,
        position -> Integer,
    }
}

diesel::table! {
    audit_events (id) {
        id -> Text,
        org -> Text,
        actor -> Text,
        action -> Text,
        entity_type -> Text,
        entity_id -> Text,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        request_id -> Nullable<Text>,
        occurred_at -> Text,
    }
}

diesel::joinable!(criteria -> vacancies (vacancy_id));
diesel::allow_tables_to_appear_in_same_query!(vacancies, criteria, audit_events);
