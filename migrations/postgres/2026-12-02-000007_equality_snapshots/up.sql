-- The equality report of a vacancy, computed once when the vacancy is over (filled or
-- cancelled) and served from here after: figures that never change cannot be
-- differenced to reveal one applicant's answers.
CREATE TABLE equality_snapshots (
    vacancy_id TEXT PRIMARY KEY REFERENCES vacancies (id) ON DELETE CASCADE,
    org TEXT NOT NULL,
    report TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
