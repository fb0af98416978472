-- A shortlist reads each application's check statuses by vacancy (application, kind,
-- status). With the vacancy alone in the index, every one of those rows was fetched
-- from the table: at national scale (BENCHMARKS.md, national run 5) a vacancy's
-- checks lie on one table page each, ~1,000 pages for a 997-entry list against 72 for
-- the same vacancy alone. With the three columns in the index the read is an index-only
-- scan wherever the table's pages are.
DROP INDEX pre_employment_checks_vacancy;
CREATE INDEX pre_employment_checks_vacancy
    ON pre_employment_checks (vacancy_id, application_id, kind, status);
