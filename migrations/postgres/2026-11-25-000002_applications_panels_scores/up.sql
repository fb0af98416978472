CREATE TABLE panel_members (
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (vacancy_id, user_id)
);
CREATE INDEX panel_members_user ON panel_members (user_id, vacancy_id);

-- Candidate codes (C-0001…) are numbered per vacancy; the counter row is locked by the
-- UPDATE that takes the next number, so concurrent submissions never share a code.
CREATE TABLE vacancy_counters (
    vacancy_id TEXT PRIMARY KEY REFERENCES vacancies (id) ON DELETE CASCADE,
    last_candidate_number INTEGER NOT NULL
);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    candidate_code TEXT NOT NULL,
    candidate_name TEXT NOT NULL,
    candidate_email TEXT NOT NULL,
    candidate_phone TEXT,
    guaranteed_interview BOOLEAN NOT NULL,
    driving_licence_held BOOLEAN,
    penalty_points INTEGER,
    at_fault_accidents INTEGER,
    right_to_work BOOLEAN,
    registration_number TEXT,
    status TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    submitted_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL,
    UNIQUE (vacancy_id, candidate_email),
    UNIQUE (vacancy_id, candidate_code)
);
CREATE INDEX applications_vacancy_submitted ON applications (vacancy_id, submitted_at, id);
CREATE INDEX applications_org_submitter ON applications (org, submitted_by);

-- Equality-monitoring answers live apart from the application and are only ever
-- reported in aggregate.
CREATE TABLE equality_monitoring (
    application_id TEXT PRIMARY KEY REFERENCES applications (id) ON DELETE CASCADE,
    org TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    age_band TEXT,
    sex TEXT,
    gender_identity TEXT,
    ethnicity TEXT,
    disability TEXT,
    religion_or_belief TEXT,
    sexual_orientation TEXT
);

CREATE TABLE idempotency_keys (
    org TEXT NOT NULL,
    caller TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    response_status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    resource_location TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (org, caller, idempotency_key)
);

CREATE TABLE scores (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    criterion_id TEXT NOT NULL REFERENCES criteria (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    assessor TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    evidence TEXT,
    submitted_at TEXT NOT NULL,
    PRIMARY KEY (application_id, criterion_id, method, assessor)
);
CREATE INDEX scores_vacancy ON scores (vacancy_id, application_id);

CREATE TABLE agreed_scores (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    criterion_id TEXT NOT NULL REFERENCES criteria (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    score INTEGER NOT NULL,
    evidence TEXT,
    agreed_by TEXT NOT NULL,
    agreed_at TEXT NOT NULL,
    PRIMARY KEY (application_id, criterion_id, method)
);
CREATE INDEX agreed_scores_vacancy ON agreed_scores (vacancy_id, application_id);
