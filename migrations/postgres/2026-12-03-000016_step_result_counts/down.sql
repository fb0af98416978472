DROP TABLE step_result_counts;
