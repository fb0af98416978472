-- The transactional outbox: each event is written in the transaction of the change it
-- reports. `seq` numbers an org's events in commit order: it is taken from the org's
-- row in event_streams, whose row lock is held to the end of the transaction, so an
-- event never becomes visible after one with a higher seq (a feed cursor can't skip).
CREATE TABLE event_streams (
    org TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    -- Events up to this seq were deleted by retention; older cursors get a 410.
    purged_through INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE events (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event_type TEXT NOT NULL,
    occurred_at TEXT NOT NULL,
    vacancy_id TEXT,
    application_id TEXT,
    -- The portal (token subject) that submitted the application the event is about.
    portal TEXT,
    -- Vacancy openings and closings, which every portal of the org may see.
    public_to_portals BOOLEAN NOT NULL DEFAULT FALSE,
    data TEXT NOT NULL,
    UNIQUE (org, seq)
);
CREATE INDEX events_org_occurred ON events (org, occurred_at);

CREATE TABLE webhook_subscriptions (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    url TEXT NOT NULL,
    event_types TEXT NOT NULL,
    description TEXT,
    active BOOLEAN NOT NULL,
    secret TEXT NOT NULL,
    -- During a rotation deliveries are signed with both secrets until this time.
    previous_secret TEXT,
    previous_secret_until TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX webhook_subscriptions_org ON webhook_subscriptions (org);

CREATE TABLE webhook_deliveries (
    id TEXT PRIMARY KEY,
    org TEXT NOT NULL,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    event_id TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    -- pending | succeeded | failed
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    -- A worker that claimed the delivery holds it until then; a worker killed
    -- mid-delivery loses nothing: after the lease the delivery is claimed again.
    lease_until TEXT,
    lease_token TEXT,
    last_status_code INTEGER,
    last_error TEXT,
    last_attempt_at TEXT,
    delivered_at TEXT,
    created_at TEXT NOT NULL,
    UNIQUE (subscription_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, created_at);

CREATE TABLE webhook_attempts (
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt INTEGER NOT NULL,
    attempted_at TEXT NOT NULL,
    status_code INTEGER,
    error TEXT,
    duration_ms INTEGER NOT NULL,
    PRIMARY KEY (delivery_id, attempt)
);
