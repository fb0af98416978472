CREATE TABLE pre_employment_checks (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    checked_at TEXT,
    details TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (application_id, kind)
);
CREATE INDEX pre_employment_checks_vacancy ON pre_employment_checks (vacancy_id);

CREATE TABLE shortlist_decisions (
    application_id TEXT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    vacancy_id TEXT NOT NULL,
    decision TEXT NOT NULL,
    reason TEXT NOT NULL,
    override_reason TEXT,
    unmet_criteria TEXT NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
CREATE INDEX shortlist_decisions_vacancy ON shortlist_decisions (vacancy_id);
