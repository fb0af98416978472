-- The counting scores of each (application, criterion, method): how many assessors, their
-- sum, lowest and highest. Kept in the transaction of every write that changes which
-- scores count or what they are (scoresheets, declared conflicts, panel and plan changes:
-- see src/db/summaries.rs), so the shortlist reads one ready row per pair instead of
-- aggregating every score of the vacancy. Only scores that count are summed: the
-- assessor holds a seat for the method and has declared no conflict with the applicant.
CREATE TABLE pair_summaries (
    application_id TEXT NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    criterion_id TEXT NOT NULL REFERENCES criteria (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    vacancy_id TEXT NOT NULL,
    assessors BIGINT NOT NULL,
    total BIGINT,
    lowest INTEGER,
    highest INTEGER,
    PRIMARY KEY (application_id, criterion_id, method,
    assessors, total, lowest, highest)
);
-- The shortlist reads a vacancy's rows from the index alone (every column in it).
CREATE INDEX pair_summaries_vacancy ON pair_summaries (vacancy_id, application_id, criterion_id, method,
    assessors, total, lowest, highest);

INSERT INTO pair_summaries (application_id, criterion_id, method, vacancy_id, assessors, total, lowest, highest)
SELECT s.application_id, s.criterion_id, s.method, s.vacancy_id,
       COUNT(*), SUM(s.score), MIN(s.score), MAX(s.score)
FROM scores s
JOIN scoring_seats seat
  ON seat.vacancy_id = s.vacancy_id AND seat.user_id = s.assessor AND seat.method = s.method
WHERE NOT EXISTS (
    SELECT 1 FROM conflicts_of_interest c
    WHERE c.application_id = s.application_id AND c.user_id = s.assessor)
GROUP BY s.application_id, s.criterion_id, s.method, s.vacancy_id;
