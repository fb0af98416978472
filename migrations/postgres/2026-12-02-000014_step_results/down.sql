DROP TABLE step_results;
