-- Multi-step assessment (process.md). A vacancy without rows in assessment_steps has
-- the default plan (shortlisting, then final), so every existing vacancy keeps its
-- meaning without a row being written for it.
CREATE TABLE assessment_steps (
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    step_key TEXT NOT NULL,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    methods TEXT NOT NULL,
    cut_off TEXT,
    PRIMARY KEY (vacancy_id, step_key)
);

ALTER TABLE vacancies ADD COLUMN min_assessors INTEGER NOT NULL DEFAULT 1 CHECK (min_assessors >= 1);

-- NULL: every step. Otherwise a JSON array of step keys.
ALTER TABLE panel_members ADD COLUMN steps TEXT;

-- Which (member, method) pairs count: maintained with the panel and the plan, so the
-- aggregate the shortlist reads joins one table instead of re-deriving seats.
CREATE TABLE scoring_seats (
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    method TEXT NOT NULL,
    PRIMARY KEY (vacancy_id, user_id, method)
);

-- A paper scoresheet typed in by a recruiter: the score is the member's (assessor),
-- entered_by is who typed it.
ALTER TABLE scores ADD COLUMN entered_by TEXT;

CREATE TABLE conflicts_of_interest (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    reason TEXT,
    declared_by TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    PRIMARY KEY (application_id, user_id)
);
CREATE INDEX conflicts_of_interest_vacancy ON conflicts_of_interest (vacancy_id);

-- The current outcome of each step for each application (no row: pending).
CREATE TABLE step_outcomes (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    step_key TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    outcome TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    reason TEXT,
    feedback TEXT,
    override_reason TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    PRIMARY KEY (application_id, step_key)
);
CREATE INDEX step_outcomes_vacancy ON step_outcomes (vacancy_id);

-- Every decision, reinstatement and reopening, never rewritten: how it was decided.
CREATE TABLE step_decision_log (
    seq BIGSERIAL PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    step_key TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    action TEXT NOT NULL,
    outcome TEXT,
    reason_code TEXT,
    reason TEXT,
    feedback TEXT,
    override_reason TEXT,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX step_decision_log_application ON step_decision_log (application_id);

-- Carry existing data into the default plan: every panel member scores every method.
INSERT INTO scoring_seats (vacancy_id, user_id, method)
SELECT p.vacancy_id, p.user_id, m.method
FROM panel_members p
CROSS JOIN (SELECT 'application' AS method UNION ALL SELECT 'test' UNION ALL SELECT 'interview'
            UNION ALL SELECT 'presentation' UNION ALL SELECT 'documents') m;

-- Shortlisting decisions already recorded are the outcome of the first step.
INSERT INTO step_outcomes (application_id, step_key, vacancy_id, outcome, reason_code, reason,
                           feedback, override_reason, decided_by, decided_at)
SELECT d.application_id, 'shortlisting', d.vacancy_id,
       CASE WHEN d.decision = 'shortlisted' THEN 'progressed' ELSE 'not_progressed' END,
       CASE WHEN d.override_reason IS NOT NULL THEN 'other'
            WHEN d.decision = 'shortlisted' THEN 'meets_criteria'
            WHEN d.unmet_criteria <> '[]' THEN 'unmet_essential'
            ELSE 'lower_score' END,
       d.reason, NULL, d.override_reason, d.decided_by, d.decided_at
FROM shortlist_decisions d;

-- Applications already offered, appointed or turned down after shortlisting went
-- through the final step.
INSERT INTO step_outcomes (application_id, step_key, vacancy_id, outcome, reason_code, reason,
                           feedback, override_reason, decided_by, decided_at)
SELECT a.id, 'final', a.vacancy_id,
       CASE WHEN a.status = 'unsuccessful' THEN 'not_progressed' ELSE 'progressed' END,
       'other', 'recorded before assessment plans existed', NULL, NULL, 'migration', a.updated_at
FROM applications a
WHERE a.status IN ('offered', 'appointed', 'offer_withdrawn', 'unsuccessful')
  AND EXISTS (SELECT 1 FROM shortlist_decisions d WHERE d.application_id = a.id);

INSERT INTO step_decision_log (application_id, step_key, vacancy_id, action, outcome, reason_code,
                               reason, feedback, override_reason, decided_by, decided_at)
SELECT application_id, step_key, vacancy_id, 'decided', outcome, reason_code, reason, feedback,
       override_reason, decided_by, decided_at
FROM step_outcomes ORDER BY decided_at;

-- Which assessors scored a vacancy, and by which methods, read by index probes: the
-- shortlist aggregates every score without joining the seats when all of them count.
CREATE INDEX scores_vacancy_assessor_method ON scores (vacancy_id, assessor, method);
