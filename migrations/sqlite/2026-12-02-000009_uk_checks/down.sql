DROP INDEX pre_employment_checks_worklist_vacancy;
DROP INDEX pre_employment_checks_worklist_kind;
DROP INDEX pre_employment_checks_worklist_status;
DROP INDEX pre_employment_checks_worklist;
-- Rows written only to stand for a check not yet recorded.
DELETE FROM pre_employment_checks WHERE status = 'not_started' AND updated_by = 'system';
ALTER TABLE pre_employment_checks DROP COLUMN due_on;
ALTER TABLE pre_employment_checks DROP COLUMN on_worklist;
ALTER TABLE pre_employment_checks DROP COLUMN org;
ALTER TABLE org_settings DROP COLUMN dbs_recheck_months;
ALTER TABLE applications DROP COLUMN politically_restricted_accepted;
ALTER TABLE vacancies DROP COLUMN training_at_fault_accidents;
ALTER TABLE vacancies DROP COLUMN training_penalty_points;
ALTER TABLE vacancies DROP COLUMN politically_restricted;
ALTER TABLE vacancies DROP COLUMN bpss_required;
