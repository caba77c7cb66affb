-- 0001_init: users, scenario versions, attempts and their turns.
-- Times are INTEGER milliseconds since the Unix epoch, UTC.

CREATE TABLE users (
    id           TEXT    NOT NULL PRIMARY KEY,
    display_name TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

-- One row per distinct scenario source ever played. version is a content hash
-- computed by the caller, so a row never changes once written.
CREATE TABLE scenario_versions (
    version     TEXT    NOT NULL PRIMARY KEY,
    scenario_id TEXT    NOT NULL,
    source      BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (version, scenario_id)
) STRICT;

CREATE TABLE attempts (
    id          TEXT    NOT NULL PRIMARY KEY,
    user_id     TEXT    NOT NULL REFERENCES users (id),
    scenario_id TEXT    NOT NULL,
    version     TEXT    NOT NULL,
    seed        INTEGER NOT NULL,
    status      TEXT    NOT NULL DEFAULT 'active'
                CHECK (status IN ('active', 'finished', 'abandoned', 'given_up')),
    state       BLOB    NOT NULL,            -- engine state JSON, opaque here
    last_seq    INTEGER NOT NULL DEFAULT 0,  -- last client sequence number applied
    turns       INTEGER NOT NULL DEFAULT 0,  -- number of rows in turns
    ending      TEXT    NOT NULL DEFAULT '',
    outcome     TEXT    NOT NULL DEFAULT '',
    summary     BLOB,                        -- scores JSON, set when the attempt ends
    started_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    ended_at    INTEGER,                     -- NULL while active
    FOREIGN KEY (version, scenario_id) REFERENCES scenario_versions (version, scenario_id)
) STRICT;

-- At most one active attempt per user and scenario; also serves ActiveAttempt.
CREATE UNIQUE INDEX attempts_active_by_user_scenario
    ON attempts (user_id, scenario_id) WHERE status = 'active';

-- The abandon sweep: active attempts by last update.
CREATE INDEX attempts_active_by_updated
    ON attempts (updated_at) WHERE status = 'active';

-- A user's history, newest first.
CREATE INDEX attempts_by_user_updated
    ON attempts (user_id, updated_at);

CREATE TABLE turns (
    attempt_id TEXT    NOT NULL REFERENCES attempts (id),
    turn       INTEGER NOT NULL CHECK (turn >= 1),
    seq        INTEGER NOT NULL,
    reply_id   TEXT    NOT NULL,
    event      BLOB    NOT NULL,             -- what happened, JSON, opaque here
    created_at INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, turn)
) STRICT, WITHOUT ROWID;
