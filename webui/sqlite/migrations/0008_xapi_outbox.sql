-- 0008_xapi_outbox: xAPI statements waiting for the learning record store.
-- A turn's statements are written in the turn's own transaction, so an LRS
-- outage loses nothing: the relay sends them when it can, retrying with
-- backoff, and a statement's id is stable, so a resend is harmless.
CREATE TABLE xapi_outbox (
    id         TEXT    NOT NULL PRIMARY KEY, -- the statement's id (a UUID)
    body       BLOB    NOT NULL,             -- the statement, JSON
    created_at INTEGER NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL,             -- when to try next
    last_error TEXT    NOT NULL DEFAULT '',
    sent_at    INTEGER                       -- NULL until delivered
) STRICT;

-- The relay's queue: unsent statements by when they are due.
CREATE INDEX xapi_outbox_due ON xapi_outbox (next_at) WHERE sent_at IS NULL;
