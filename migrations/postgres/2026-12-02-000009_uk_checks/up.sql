-- UK pre-employment checks as councils run them (issue 13), and the org-wide worklist.

-- BPSS adds identity and three years' employment history, and at least a basic DBS.
ALTER TABLE vacancies ADD COLUMN bpss_required BOOLEAN NOT NULL DEFAULT FALSE;
-- A politically restricted post: no offer or appointment without the applicant's
-- declaration.
ALTER TABLE vacancies ADD COLUMN politically_restricted BOOLEAN NOT NULL DEFAULT FALSE;
-- Seed 001's trigger points for corrective driver training (not a refusal).
ALTER TABLE vacancies ADD COLUMN training_penalty_points INTEGER NOT NULL DEFAULT 6;
ALTER TABLE vacancies ADD COLUMN training_at_fault_accidents INTEGER NOT NULL DEFAULT 2;

ALTER TABLE applications ADD COLUMN politically_restricted_accepted BOOLEAN;

-- Months after a DBS certificate's issue date when it is re-checked.
ALTER TABLE org_settings ADD COLUMN dbs_recheck_months INTEGER NOT NULL DEFAULT 36;

-- The worklist reads check rows alone, in (due_on, application_id, kind) order: the org,
-- whether the row belongs on the worklist (kept in step with the application's status)
-- and the due date are copied here so one index answers it. '9999-12-31' means nothing
-- falls due: it sorts after every real date in both backends, where NULL would not.
ALTER TABLE pre_employment_checks ADD COLUMN org TEXT NOT NULL DEFAULT '';
ALTER TABLE pre_employment_checks ADD COLUMN on_worklist BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE pre_employment_checks ADD COLUMN due_on TEXT NOT NULL DEFAULT '9999-12-31';

UPDATE pre_employment_checks
SET org = (SELECT a.org FROM applications a WHERE a.id = pre_employment_checks.application_id),
    on_worklist = (SELECT a.status IN ('submitted', 'shortlisted', 'offered') AND a.anonymised_at IS NULL
                   FROM applications a WHERE a.id = pre_employment_checks.application_id);

-- Every required check of an application has a row from submission on (status
-- not_started until recorded); applications submitted before this migration get
-- theirs now, by the rules of domain::checks::required_checks as they stood. Those of
-- applications no longer live too: a turned-down applicant reinstated on appeal is
-- back on the worklist with them.
INSERT INTO pre_employment_checks (application_id, kind, vacancy_id, status, reason, checked_at,
                                   details, updated_by, updated_at, org, on_worklist, due_on)
SELECT a.id, k.kind, a.vacancy_id, 'not_started', NULL, NULL, '{}', 'system', a.submitted_at,
       a.org, a.status IN ('submitted', 'shortlisted', 'offered') AND a.anonymised_at IS NULL,
       '9999-12-31'
FROM applications a
JOIN vacancies v ON v.id = a.vacancy_id
CROSS JOIN (SELECT 'right_to_work' AS kind UNION ALL SELECT 'dbs' UNION ALL SELECT 'driving_licence'
            UNION ALL SELECT 'references' UNION ALL SELECT 'professional_registration'
            UNION ALL SELECT 'occupational_health') k
WHERE (k.kind = 'right_to_work'
       OR (k.kind = 'dbs' AND v.dbs_level <> 'none')
       OR (k.kind = 'driving_licence' AND v.driving_requirement IN ('regular', 'required'))
       OR (k.kind = 'references' AND v.references_required > 0)
       OR (k.kind = 'professional_registration' AND v.professional_registration IS NOT NULL)
       OR (k.kind = 'occupational_health' AND v.occupational_health_required))
  AND NOT EXISTS (SELECT 1 FROM pre_employment_checks c WHERE c.application_id = a.id AND c.kind = k.kind);

CREATE INDEX pre_employment_checks_worklist
    ON pre_employment_checks (org, on_worklist, due_on, application_id, kind);
CREATE INDEX pre_employment_checks_worklist_status
    ON pre_employment_checks (org, on_worklist, status, due_on, application_id, kind);
CREATE INDEX pre_employment_checks_worklist_kind
    ON pre_employment_checks (org, on_worklist, kind, due_on, application_id);
CREATE INDEX pre_employment_checks_worklist_vacancy
    ON pre_employment_checks (vacancy_id, on_worklist, due_on, application_id, kind);
