-- The pipeline report counts the checks of each vacancy's shortlisted and offered
-- applications (db::reports::check_counts). As a prepared statement it is soon planned
-- generically, without the vacancy ids and statuses, and that plan read every check row
-- and every application of the org's vacancies: at national scale (bench/national.py,
-- the largest org: 11,552 applications, 34,656 check rows) 15,789 buffers and 87 ms
-- for one report. With the application id in the (vacancy, status) index and the
-- counted columns in an index led by the application, both sides are index-only scans
-- over the 893 shortlisted applications and their 2,679 check rows: 4,408 buffers, 5–7 ms.
DROP INDEX applications_vacancy_status;
CREATE INDEX applications_vacancy_status ON applications (vacancy_id, status, id);
CREATE INDEX pre_employment_checks_counted ON pre_employment_checks (application_id, vacancy_id, kind, status);
