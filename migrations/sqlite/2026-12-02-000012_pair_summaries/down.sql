DROP TABLE pair_summaries;
