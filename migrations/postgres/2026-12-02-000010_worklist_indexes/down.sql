DROP TABLE scoring_tallies;
DROP INDEX applications_vacancy_status;
DROP INDEX applications_org_updated;
