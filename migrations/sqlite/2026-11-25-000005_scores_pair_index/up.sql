-- The shortlist aggregates a vacancy's scores per (application, criterion, method).
-- With the score in the index the aggregate reads the index alone, already in group
-- order (SQLite's planner otherwise walks the whole primary key for that order).
CREATE INDEX scores_vacancy_pair ON scores (vacancy_id, application_id, criterion_id, method, score);
