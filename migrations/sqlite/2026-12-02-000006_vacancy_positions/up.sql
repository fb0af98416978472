-- How many people a vacancy appoints: appointments never exceed it.
ALTER TABLE vacancies ADD COLUMN positions INTEGER NOT NULL DEFAULT 1 CHECK (positions >= 1);
