DROP INDEX scores_vacancy_assessor_method;
DROP TABLE step_decision_log;
DROP TABLE step_outcomes;
DROP TABLE conflicts_of_interest;
ALTER TABLE scores DROP COLUMN entered_by;
DROP TABLE scoring_seats;
ALTER TABLE panel_members DROP COLUMN steps;
ALTER TABLE vacancies DROP COLUMN min_assessors;
DROP TABLE assessment_steps;
