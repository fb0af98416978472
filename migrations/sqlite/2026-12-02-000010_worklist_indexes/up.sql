-- The org-wide application list pages on (updated_at, id) within an org.
CREATE INDEX applications_org_updated ON applications (org, updated_at, id);
-- The pipeline report counts applications by vacancy and status.
CREATE INDEX applications_vacancy_status ON applications (vacancy_id, status);

-- How many score lines each assessor has recorded per vacancy and method, kept in the
-- transaction that writes the scores: the pipeline report reads scoring progress from
-- here instead of counting every score (hundreds of thousands on a large vacancy).
CREATE TABLE scoring_tallies (
    vacancy_id TEXT NOT NULL REFERENCES vacancies (id) ON DELETE CASCADE,
    assessor TEXT NOT NULL,
    method TEXT NOT NULL,
    lines INTEGER NOT NULL,
    PRIMARY KEY (vacancy_id, assessor, method)
);

INSERT INTO scoring_tallies (vacancy_id, assessor, method, lines)
SELECT vacancy_id, assessor, method, COUNT(*)
FROM scores
GROUP BY vacancy_id, assessor, method;
