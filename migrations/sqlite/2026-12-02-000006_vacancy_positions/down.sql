ALTER TABLE vacancies DROP COLUMN positions;
