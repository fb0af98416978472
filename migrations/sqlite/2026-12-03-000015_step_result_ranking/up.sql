-- What a page of a shortlist is chosen and ranked by, beside each kept step result, so
-- that the first page of 50 reads 51 rows in index order instead of every result of
-- the vacancy (`read_page` in src/api/shortlist.rs). `status` and `submitted_at` are the
-- application's (status kept in step by `db::applications::update`); `ranked` is 1 when
-- the result recommends shortlisting, `rank_score` its weighted score then (0 when not:
-- unranked rows follow in submission order); `rank_hash` is a 40-bit hash of (application,
-- ranked, score) whose sum over a list fingerprints its ranking for paging cursors. The
-- index holds every column a page, its ranks and its fingerprint read but the result
-- itself, so they are index-only scans.
-- Filled by the server after this migration, as after 000014.
ALTER TABLE step_results ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE step_results ADD COLUMN submitted_at TEXT NOT NULL DEFAULT '';
ALTER TABLE step_results ADD COLUMN recommendation TEXT NOT NULL DEFAULT '';
ALTER TABLE step_results ADD COLUMN ranked INTEGER NOT NULL DEFAULT 0;
ALTER TABLE step_results ADD COLUMN rank_score REAL NOT NULL DEFAULT 0;
ALTER TABLE step_results ADD COLUMN rank_hash BIGINT NOT NULL DEFAULT 0;
CREATE INDEX step_results_ranking ON step_results
    (vacancy_id, step_key, ranked DESC, rank_score DESC, submitted_at, application_id,
     status, recommendation, rank_hash);
-- The new index starts with the old one's columns.
DROP INDEX step_results_vacancy;
