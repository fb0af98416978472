-- Ids and times are TEXT in both backends so one diesel schema serves both
-- (times are RFC 3339 UTC with fixed microsecond precision, so they sort as text).
CREATE TABLE vacancies (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    reference TEXT NOT NULL,
    title TEXT NOT NULL,
    grade TEXT,
    department TEXT,
    location TEXT,
    hours_per_week DOUBLE PRECISION,
    salary_min DOUBLE PRECISION,
    salary_max DOUBLE PRECISION,
    closing_date TEXT,
    description TEXT,
    status TEXT NOT NULL,
    dbs_level TEXT NOT NULL,
    driving_requirement TEXT NOT NULL,
    max_penalty_points INTEGER NOT NULL,
    max_at_fault_accidents INTEGER NOT NULL,
    professional_registration TEXT,
    references_required INTEGER NOT NULL,
    occupational_health_required BOOLEAN NOT NULL,
    guaranteed_interview_scheme BOOLEAN NOT NULL,
    anonymised_shortlisting BOOLEAN NOT NULL,
    scoring_min INTEGER NOT NULL,
    scoring_max INTEGER NOT NULL,
    scoring_pass_mark INTEGER NOT NULL,
    shortlisting_methods TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX vacancies_org_created ON vacancies (org, created_at, id);
CREATE INDEX vacancies_org_status_created ON vacancies (org, status, created_at, id);

CREATE TABLE criteria (
    id TEXT PRIMARY KEY,
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    requirement TEXT NOT NULL,
    methods TEXT NOT NULL,
    weight INTEGER NOT NULL,
    alternative_group TEXT,
    position INTEGER NOT NULL
);
CREATE INDEX criteria_vacancy_position ON criteria (vacancy_id, position);

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    before_state TEXT,
    after_state TEXT,
    request_id TEXT,
    occurred_at TEXT NOT NULL
);
CREATE INDEX audit_events_org_time ON audit_events (org, occurred_at, id);
CREATE INDEX audit_events_entity ON audit_events (org, entity_type, entity_id);
