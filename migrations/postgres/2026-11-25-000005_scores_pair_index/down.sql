DROP INDEX scores_vacancy_pair;
