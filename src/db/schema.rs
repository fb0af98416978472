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
        positions -> Integer,
        min_assessors -> Integer,
        bpss_required -> Bool,
        politically_restricted -> Bool,
        training_penalty_points -> Integer,
        training_at_fault_accidents -> Integer,
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
        seq -> BigInt,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_chain_heads (org) {
        org -> Text,
        seq -> BigInt,
        last_hash -> Text,
    }
}

diesel::table! {
    org_settings (org) {
        org -> Text,
        retention_days -> Integer,
        updated_at -> Text,
        dbs_recheck_months -> Integer,
    }
}

diesel::table! {
    panel_members (vacancy_id, user_id) {
        vacancy_id -> Text,
        user_id -> Text,
        role -> Text,
        added_at -> Text,
        steps -> Nullable<Text>,
    }
}

diesel::table! {
    vacancy_counters (vacancy_id) {
        vacancy_id -> Text,
        last_candidate_number -> Integer,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        org -> Text,
        vacancy_id -> Text,
        candidate_code -> Text,
        candidate_name -> Text,
        candidate_email -> Text,
        candidate_phone -> Nullable<Text>,
        guaranteed_interview -> Bool,
        driving_licence_held -> Nullable<Bool>,
        penalty_points -> Nullable<Integer>,
        at_fault_accidents -> Nullable<Integer>,
        right_to_work -> Nullable<Bool>,
        registration_number -> Nullable<Text>,
        status -> Text,
        submitted_by -> Text,
        submitted_at -> Text,
        updated_at -> Text,
        version -> Integer,
        anonymised_at -> Nullable<Text>,
        politically_restricted_accepted -> Nullable<Bool>,
    }
}

diesel::table! {
    equality_monitoring (application_id) {
        application_id -> Text,
        org -> Text,
        vacancy_id -> Text,
        age_band -> Nullable<Text>,
        sex -> Nullable<Text>,
        gender_identity -> Nullable<Text>,
        ethnicity -> Nullable<Text>,
        disability -> Nullable<Text>,
        religion_or_belief -> Nullable<Text>,
        sexual_orientation -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (org, caller, idempotency_key) {
        org -> Text,
        caller -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        response_status -> Integer,
        response_body -> Text,
        resource_location -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::table! {
    scores (application_id, criterion_id, method, assessor) {
        application_id -> Text,
        criterion_id -> Text,
        method -> Text,
        assessor -> Text,
        vacancy_id -> Text,
        score -> Integer,
        evidence -> Nullable<Text>,
        submitted_at -> Text,
        entered_by -> Nullable<Text>,
    }
}

diesel::table! {
    agreed_scores (application_id, criterion_id, method) {
        application_id -> Text,
        criterion_id -> Text,
        method -> Text,
        vacancy_id -> Text,
        score -> Integer,
        evidence -> Nullable<Text>,
        agreed_by -> Text,
        agreed_at -> Text,
    }
}

diesel::table! {
    pre_employment_checks (application_id, kind) {
        application_id -> Text,
        kind -> Text,
        vacancy_id -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        checked_at -> Nullable<Text>,
        details -> Text,
        updated_by -> Text,
        updated_at -> Text,
        org -> Text,
        on_worklist -> Bool,
        due_on -> Text,
    }
}

diesel::table! {
    shortlist_decisions (application_id) {
        application_id -> Text,
        vacancy_id -> Text,
        decision -> Text,
        reason -> Text,
        override_reason -> Nullable<Text>,
        unmet_criteria -> Text,
        decided_by -> Text,
        decided_at -> Text,
    }
}

diesel::table! {
    equality_snapshots (vacancy_id) {
        vacancy_id -> Text,
        org -> Text,
        report -> Text,
        computed_at -> Text,
    }
}

diesel::table! {
    assessment_steps (vacancy_id, step_key) {
        vacancy_id -> Text,
        step_key -> Text,
        position -> Integer,
        title -> Text,
        kind -> Text,
        methods -> Text,
        cut_off -> Nullable<Text>,
    }
}

diesel::table! {
    scoring_seats (vacancy_id, user_id, method) {
        vacancy_id -> Text,
        user_id -> Text,
        method -> Text,
    }
}

diesel::table! {
    conflicts_of_interest (application_id, user_id) {
        application_id -> Text,
        user_id -> Text,
        vacancy_id -> Text,
        reason -> Nullable<Text>,
        declared_by -> Text,
        declared_at -> Text,
    }
}

diesel::table! {
    step_outcomes (application_id, step_key) {
        application_id -> Text,
        step_key -> Text,
        vacancy_id -> Text,
        outcome -> Text,
        reason_code -> Text,
        reason -> Nullable<Text>,
        feedback -> Nullable<Text>,
        override_reason -> Nullable<Text>,
        decided_by -> Text,
        decided_at -> Text,
    }
}

diesel::table! {
    step_decision_log (seq) {
        seq -> BigInt,
        application_id -> Text,
        step_key -> Text,
        vacancy_id -> Text,
        action -> Text,
        outcome -> Nullable<Text>,
        reason_code -> Nullable<Text>,
        reason -> Nullable<Text>,
        feedback -> Nullable<Text>,
        override_reason -> Nullable<Text>,
        decided_by -> Text,
        decided_at -> Text,
    }
}

diesel::table! {
    event_streams (org) {
        org -> Text,
        seq -> BigInt,
        purged_through -> BigInt,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        org -> Text,
        seq -> BigInt,
        event_type -> Text,
        occurred_at -> Text,
        vacancy_id -> Nullable<Text>,
        application_id -> Nullable<Text>,
        portal -> Nullable<Text>,
        public_to_portals -> Bool,
        data -> Text,
    }
}

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        org -> Text,
        url -> Text,
        event_types -> Text,
        description -> Nullable<Text>,
        active -> Bool,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Text>,
        created_by -> Text,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        org -> Text,
        subscription_id -> Text,
        event_id -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Text,
        lease_until -> Nullable<Text>,
        lease_token -> Nullable<Text>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_attempt_at -> Nullable<Text>,
        delivered_at -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::table! {
    webhook_attempts (delivery_id, attempt) {
        delivery_id -> Text,
        attempt -> Integer,
        attempted_at -> Text,
        status_code -> Nullable<Integer>,
        error -> Nullable<Text>,
        duration_ms -> Integer,
    }
}

diesel::table! {
    scoring_tallies (vacancy_id, assessor, method) {
        vacancy_id -> Text,
        assessor -> Text,
        method -> Text,
        lines -> Integer,
    }
}

diesel::table! {
    pair_summaries (application_id, criterion_id, method) {
        application_id -> Text,
        criterion_id -> Text,
        method -> Text,
        vacancy_id -> Text,
        assessors -> BigInt,
        total -> Nullable<BigInt>,
        lowest -> Nullable<Integer>,
        highest -> Nullable<Integer>,
    }
}

diesel::table! {
    step_results (application_id, step_key) {
        application_id -> Text,
        step_key -> Text,
        vacancy_id -> Text,
        result -> Text,
        status -> Text,
        submitted_at -> Text,
        recommendation -> Text,
        ranked -> Integer,
        rank_score -> Double,
        rank_hash -> BigInt,
    }
}

diesel::table! {
    step_result_counts (vacancy_id, step_key, recommendation, withdrawn, shard) {
        vacancy_id -> Text,
        step_key -> Text,
        recommendation -> Text,
        withdrawn -> Integer,
        shard -> Integer,
        listed -> BigInt,
        hash_sum -> BigInt,
    }
}

diesel::joinable!(criteria -> vacancies (vacancy_id));
diesel::joinable!(panel_members -> vacancies (vacancy_id));
diesel::joinable!(applications -> vacancies (vacancy_id));
diesel::joinable!(equality_monitoring -> applications (application_id));
diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::joinable!(webhook_deliveries -> events (event_id));
diesel::allow_tables_to_appear_in_same_query!(
    vacancies,
    criteria,
    audit_events,
    panel_members,
    vacancy_counters,
    applications,
    equality_monitoring,
    idempotency_keys,
    scores,
    agreed_scores,
    pre_employment_checks,
    shortlist_decisions,
    audit_chain_heads,
    org_settings,
    equality_snapshots,
    assessment_steps,
    scoring_seats,
    conflicts_of_interest,
    step_outcomes,
    step_decision_log,
    event_streams,
    events,
    webhook_subscriptions,
    webhook_deliveries,
    webhook_attempts,
    scoring_tallies,
    pair_summaries,
    step_results,
    step_result_counts,
);
