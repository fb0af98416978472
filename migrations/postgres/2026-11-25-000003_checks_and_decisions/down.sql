DROP TABLE shortlist_decisions;
DROP TABLE pre_employment_checks;
