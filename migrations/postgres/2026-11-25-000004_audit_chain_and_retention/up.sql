-- Each org's audit events form a hash chain: event n carries the hash of event n-1, so
-- an edited, inserted or deleted row breaks every link after it.
ALTER TABLE audit_events ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events ADD COLUMN hash TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX audit_events_org_seq ON audit_events (org, seq);

-- The head of each org's chain. Appending locks this row, so concurrent writers (even
-- in different API processes) take turns and the chain never forks.
CREATE TABLE audit_chain_heads (
    org TEXT PRIMARY KEY,
    seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);

CREATE TABLE org_settings (
    org TEXT PRIMARY KEY,
    retention_days INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

ALTER TABLE applications ADD COLUMN anonymised_at TEXT;
