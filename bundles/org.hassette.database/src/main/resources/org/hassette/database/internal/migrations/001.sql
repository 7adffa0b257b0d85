-- Schema version 1: one row per run of the platform (see the module README for the columns).
-- Timestamps are ISO-8601 UTC text with milliseconds, always 24 characters
-- (2026-11-28T16:04:28.123Z), so text order is time order.
CREATE TABLE sessions (
    id                INTEGER PRIMARY KEY,
    started_at        TEXT NOT NULL,
    stopped_at        TEXT,
    last_heartbeat_at TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('running', 'success', 'failure', 'unknown')),
    error_type        TEXT,
    error_message     TEXT,
    error_trace       TEXT
);

-- Finding the rows a killed process left open is the query run at every start.
CREATE INDEX sessions_open ON sessions (status) WHERE stopped_at IS NULL;
