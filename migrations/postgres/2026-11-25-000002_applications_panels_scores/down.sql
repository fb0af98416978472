DROP TABLE agreed_scores;
DROP TABLE scores;
DROP TABLE idempotency_keys;
DROP TABLE equality_monitoring;
DROP TABLE applications;
DROP TABLE vacancy_counters;
DROP TABLE panel_members;
