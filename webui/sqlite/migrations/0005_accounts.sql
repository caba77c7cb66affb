-- 0005_accounts: accounts with roles, server-side sessions and one-time
-- links (docs/accounts.md). A user from before accounts keeps its row and
-- its attempts, with no username: it cannot sign in, an admin sees it
-- listed, and an account may claim its attempts (claimed_by).
--
-- username:      lower case, unique; NULL for a user from before accounts.
-- password_hash: argon2id in the PHC string format; '' until one is set.
-- roles:         comma-separated: trainee, trainer, manager, admin.
-- disabled_at:   NULL while the account may sign in.
-- claimed_by:    the account that took this legacy user's attempts; ''.
ALTER TABLE users ADD COLUMN username TEXT;
ALTER TABLE users ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN roles TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN disabled_at INTEGER;
ALTER TABLE users ADD COLUMN claimed_by TEXT NOT NULL DEFAULT '';

CREATE UNIQUE INDEX users_by_username ON users (username) WHERE username IS NOT NULL;

-- A signed-in browser. Only the SHA-256 of the cookie's token is stored.
CREATE TABLE sessions (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- A one-time link to set a password (setup, invite, reset). Only the
-- SHA-256 of its token is stored; using it deletes the row.
CREATE TABLE links (
    token_hash TEXT    NOT NULL PRIMARY KEY,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('setup', 'invite', 'reset')),
    user_id    TEXT    NOT NULL REFERENCES users (id),
    created_by TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE INDEX links_by_user ON links (user_id, purpose);
CREATE INDEX links_by_expiry ON links (expires_at);
