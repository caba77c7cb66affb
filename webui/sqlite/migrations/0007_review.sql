-- 0007_review: what a manager's review adds to an attempt: comments on its
-- turns, and the people its trainee shared it with.

-- A reviewer's comment on one turn of an attempt (turn 0: the whole call).
CREATE TABLE turn_comments (
    id         TEXT    NOT NULL PRIMARY KEY,
    attempt_id TEXT    NOT NULL REFERENCES attempts (id),
    turn       INTEGER NOT NULL CHECK (turn >= 0),
    author_id  TEXT    NOT NULL REFERENCES users (id),
    body       TEXT    NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE INDEX turn_comments_by_attempt ON turn_comments (attempt_id, created_at);

-- A trainee shared one attempt's debrief with a manager or trainer.
CREATE TABLE attempt_shares (
    attempt_id TEXT    NOT NULL REFERENCES attempts (id),
    user_id    TEXT    NOT NULL REFERENCES users (id),
    shared_at  INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX attempt_shares_by_user ON attempt_shares (user_id);
