DROP TABLE audit_events;
DROP TABLE criteria;
DROP TABLE vacancies;
