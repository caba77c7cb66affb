-- 0001_init: the whole schema, with the meaning of SQLite's migrations 0001
-- to 0008 (docs/storage.md): users and accounts, their sessions and
-- one-time links, scenario versions, attempts and their turns, cohorts,
-- comments and shares, the xAPI outbox, and the health check's row.
--
-- Mapping from SQLite: times are timestamptz (SQLite: INTEGER milliseconds);
-- opaque JSON and sources are bytea, kept byte for byte; every text column
-- is COLLATE "C", so lists sort by bytes as on SQLite whatever the
-- database's locale, and its indexes compare bytes (faster).

CREATE TABLE users (
    id            text COLLATE "C" NOT NULL PRIMARY KEY,
    username      text COLLATE "C" UNIQUE,          -- lower case; NULL for a user from before accounts
    display_name  text COLLATE "C" NOT NULL,
    password_hash text COLLATE "C" NOT NULL DEFAULT '', -- argon2id, PHC string; '' until set
    roles         text COLLATE "C" NOT NULL DEFAULT '', -- comma-separated: trainee, trainer, manager, admin
    disabled_at   timestamptz,                          -- NULL while the account may sign in
    claimed_by    text COLLATE "C" NOT NULL DEFAULT '', -- the account that took this legacy user's attempts
    created_at    timestamptz NOT NULL
);

-- One row per distinct scenario source ever played. version is a content
-- hash computed by the caller, so a row never changes once written.
CREATE TABLE scenario_versions (
    version     text COLLATE "C" NOT NULL PRIMARY KEY,
    scenario_id text COLLATE "C" NOT NULL,
    source      bytea NOT NULL,
    created_at  timestamptz NOT NULL,
    UNIQUE (version, scenario_id)
);

-- fillfactor: every saved turn updates its attempt's row. No index holds a
-- column a turn changes (state, last_seq, turns, updated_at), so with room
-- left on the page PostgreSQL writes the new row version beside the old
-- (a HOT update) and touches no index: the analogue of SQLite's two pages
-- per turn (docs/storage.md).
CREATE TABLE attempts (
    id            text COLLATE "C" NOT NULL PRIMARY KEY,
    user_id       text COLLATE "C" NOT NULL REFERENCES users (id),
    scenario_id   text COLLATE "C" NOT NULL,
    version       text COLLATE "C" NOT NULL,
    seed          bigint NOT NULL,
    status        text COLLATE "C" NOT NULL DEFAULT 'active'
                  CHECK (status IN ('active', 'finished', 'abandoned', 'given_up')),
    state         bytea NOT NULL,                     -- the session after the last turn, opaque here
    last_seq      bigint NOT NULL DEFAULT 0,          -- last client sequence number applied
    turns         integer NOT NULL DEFAULT 0,         -- number of rows in turns
    ending        text COLLATE "C" NOT NULL DEFAULT '',
    outcome       text COLLATE "C" NOT NULL DEFAULT '',
    summary       bytea,                              -- the scores, set when the attempt ends
    started_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    ended_at      timestamptz,                        -- NULL while active
    practice_of   text COLLATE "C" NOT NULL DEFAULT '', -- the attempt a practice run came from; '' when scored
    practice_from integer NOT NULL DEFAULT 0,           -- the turn it started from; 0 when scored
    FOREIGN KEY (version, scenario_id) REFERENCES scenario_versions (version, scenario_id)
) WITH (fillfactor = 70);

-- At most one active scored attempt per user and scenario (the database
-- enforces it for every instance); also finds the attempt to resume.
CREATE UNIQUE INDEX attempts_active_by_user_scenario
    ON attempts (user_id, scenario_id) WHERE status = 'active' AND practice_of = '';

-- The active practice runs, for the abandon sweep and their count.
CREATE INDEX attempts_active_practice
    ON attempts (user_id) WHERE status = 'active' AND practice_of <> '';

-- A user's history (sorted by updated_at after the lookup, as on SQLite).
CREATE INDEX attempts_by_user ON attempts (user_id, started_at);

CREATE TABLE turns (
    attempt_id text COLLATE "C" NOT NULL REFERENCES attempts (id),
    turn       integer NOT NULL CHECK (turn >= 1),
    seq        bigint NOT NULL,
    reply_id   text COLLATE "C" NOT NULL,
    event      bytea NOT NULL,                        -- what happened, opaque here
    created_at timestamptz NOT NULL,
    PRIMARY KEY (attempt_id, turn)
);

-- One row that the health check writes, through the committer like any turn.
CREATE TABLE health (
    id         integer NOT NULL PRIMARY KEY CHECK (id = 1),
    checked_at timestamptz NOT NULL
);
INSERT INTO health (id, checked_at) VALUES (1, 'epoch');

-- A signed-in browser. Only the SHA-256 of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash text COLLATE "C" NOT NULL PRIMARY KEY,
    user_id    text COLLATE "C" NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- A one-time link to set a password. Only the SHA-256 of its token is
-- stored; using it deletes the row.
CREATE TABLE links (
    token_hash text COLLATE "C" NOT NULL PRIMARY KEY,
    purpose    text COLLATE "C" NOT NULL CHECK (purpose IN ('setup', 'invite', 'reset')),
    user_id    text COLLATE "C" NOT NULL REFERENCES users (id),
    created_by text COLLATE "C" NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX links_by_user ON links (user_id, purpose);
CREATE INDEX links_by_expiry ON links (expires_at);

CREATE TABLE cohorts (
    id         text COLLATE "C" NOT NULL PRIMARY KEY,
    name       text COLLATE "C" NOT NULL,
    created_by text COLLATE "C" NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL
);

-- Who manages a cohort: its creator, and whoever else is added.
CREATE TABLE cohort_managers (
    cohort_id text COLLATE "C" NOT NULL REFERENCES cohorts (id),
    user_id   text COLLATE "C" NOT NULL REFERENCES users (id),
    PRIMARY KEY (cohort_id, user_id)
);
CREATE INDEX cohort_managers_by_user ON cohort_managers (user_id);

-- The trainees of a cohort.
CREATE TABLE cohort_members (
    cohort_id text COLLATE "C" NOT NULL REFERENCES cohorts (id),
    user_id   text COLLATE "C" NOT NULL REFERENCES users (id),
    joined_at timestamptz NOT NULL,
    PRIMARY KEY (cohort_id, user_id)
);
CREATE INDEX cohort_members_by_user ON cohort_members (user_id);

-- A scenario assigned to a cohort. due_at is NULL for no due date;
-- pass_marks is a JSON object {competency: mark}, '' for none.
CREATE TABLE cohort_assignments (
    cohort_id   text COLLATE "C" NOT NULL REFERENCES cohorts (id),
    scenario_id text COLLATE "C" NOT NULL,
    due_at      timestamptz,
    pass_marks  text COLLATE "C" NOT NULL DEFAULT '',
    assigned_by text COLLATE "C" NOT NULL REFERENCES users (id),
    assigned_at timestamptz NOT NULL,
    PRIMARY KEY (cohort_id, scenario_id)
);

-- A reviewer's comment on one turn of an attempt (turn 0: the whole call).
CREATE TABLE turn_comments (
    id         text COLLATE "C" NOT NULL PRIMARY KEY,
    attempt_id text COLLATE "C" NOT NULL REFERENCES attempts (id),
    turn       integer NOT NULL CHECK (turn >= 0),
    author_id  text COLLATE "C" NOT NULL REFERENCES users (id),
    body       text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL
);
CREATE INDEX turn_comments_by_attempt ON turn_comments (attempt_id, created_at);

-- A trainee shared one attempt's debrief with a manager or trainer.
CREATE TABLE attempt_shares (
    attempt_id text COLLATE "C" NOT NULL REFERENCES attempts (id),
    user_id    text COLLATE "C" NOT NULL REFERENCES users (id),
    shared_at  timestamptz NOT NULL,
    PRIMARY KEY (attempt_id, user_id)
);
CREATE INDEX attempt_shares_by_user ON attempt_shares (user_id);

-- xAPI statements waiting for the learning record store, written in the
-- turn's own transaction.
CREATE TABLE xapi_outbox (
    id         text COLLATE "C" NOT NULL PRIMARY KEY, -- the statement's id (a UUID)
    body       bytea NOT NULL,                        -- the statement, JSON
    created_at timestamptz NOT NULL,
    tries      integer NOT NULL DEFAULT 0,
    next_at    timestamptz NOT NULL,                  -- when to try next
    last_error text COLLATE "C" NOT NULL DEFAULT '',
    sent_at    timestamptz                            -- NULL until delivered
);
-- The relay's queue: unsent statements by when they are due.
CREATE INDEX xapi_outbox_due ON xapi_outbox (next_at) WHERE sent_at IS NULL;
