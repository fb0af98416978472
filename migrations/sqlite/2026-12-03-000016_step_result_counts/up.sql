-- The census of each step's kept results, so that a page of a shortlist reads the
-- length and the ranking fingerprint of its list from a few rows instead of scanning
-- every result of the step (11 of the 21-24 ms of a first page of 50 at N = 20,000).
-- One row per (vacancy, step, recommendation, withdrawn or not, shard): `listed` results
-- counted there and the sum of their `rank_hash`; a result is counted in shard
-- `rank_hash % 64`, so that concurrent writers of one vacancy seldom update the same row
-- (`domain::results::CENSUS_SHARDS`). Kept in the transaction of every write to
-- `step_results` (src/db/results.rs); filled here from the results as they stand, and
-- rewritten with them by `shortlist rebuild`.
CREATE TABLE step_result_counts (
    vacancy_id TEXT NOT NULL,
    step_key TEXT NOT NULL,
    recommendation TEXT NOT NULL,
    withdrawn INTEGER NOT NULL,
    shard INTEGER NOT NULL,
    listed BIGINT NOT NULL,
    hash_sum BIGINT NOT NULL,
    PRIMARY KEY (vacancy_id, step_key, recommendation, withdrawn, shard)
);
INSERT INTO step_result_counts
    (vacancy_id, step_key, recommendation, withdrawn, shard, listed, hash_sum)
SELECT vacancy_id, step_key, recommendation,
       CASE WHEN status = 'withdrawn' THEN 1 ELSE 0 END, CAST(rank_hash % 64 AS INTEGER),
       COUNT(*), SUM(rank_hash)
FROM step_results
GROUP BY vacancy_id, step_key, recommendation,
         CASE WHEN status = 'withdrawn' THEN 1 ELSE 0 END, CAST(rank_hash % 64 AS INTEGER);
