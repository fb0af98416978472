DROP INDEX pre_employment_checks_counted;
DROP INDEX applications_vacancy_status;
CREATE INDEX applications_vacancy_status ON applications (vacancy_id, status);
