ALTER TABLE applications DROP COLUMN anonymised_at;
DROP TABLE org_settings;
DROP TABLE audit_chain_heads;
DROP INDEX audit_events_org_seq;
ALTER TABLE audit_events DROP COLUMN hash;
ALTER TABLE audit_events DROP COLUMN prev_hash;
ALTER TABLE audit_events DROP COLUMN seq;
