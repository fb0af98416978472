-- Each application's result at each step of its vacancy's plan: what a shortlist shows of
-- the evaluation (recommendation, weighted score, essentials met / unmet / pending, flags,
-- per-criterion means), kept in the transaction of every write that changes it (see
-- src/db/results.rs). A shortlist reads one ready row per application instead of
-- evaluating every application. `result` is the JSON of `domain::results::StepResult`.
-- Filled for existing vacancies by the server after this migration (`shortlist rebuild`
-- does the same by hand).
CREATE TABLE step_results (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    step_key TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (application_id, step_key)
);
CREATE INDEX step_results_vacancy ON step_results (vacancy_id, step_key);
