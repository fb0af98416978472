DROP INDEX pre_employment_checks_vacancy;
CREATE INDEX pre_employment_checks_vacancy ON pre_employment_checks (vacancy_id);
