DROP INDEX step_results_ranking;
CREATE INDEX step_results_vacancy ON step_results (vacancy_id, step_key);
ALTER TABLE step_results DROP COLUMN rank_hash;
ALTER TABLE step_results DROP COLUMN rank_score;
ALTER TABLE step_results DROP COLUMN ranked;
ALTER TABLE step_results DROP COLUMN recommendation;
ALTER TABLE step_results DROP COLUMN submitted_at;
ALTER TABLE step_results DROP COLUMN status;
