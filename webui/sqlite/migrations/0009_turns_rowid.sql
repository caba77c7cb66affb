-- 0009_turns_rowid: turns in a rowid table, appended in the order they are
-- played, beside a unique index on (attempt_id, turn).
--
-- As a WITHOUT ROWID table keyed by (attempt_id, turn), each turn, event
-- and all, went into the leaf of its attempt, and attempt ids are random:
-- under load every commit dirtied leaves all over the file, pages split and
-- stayed part-empty, and the write connection's cache had to hold them. A
-- rowid table appends each turn to its last page; only the small index entry
-- lands in a random leaf. At 2,000 trainees replying every second this took
-- the round trip's p99 from 46-56 ms to 11-15 ms and the file to less than
-- half its size for a new database (docs/performance.md). Nothing
-- references turns, so the table is rebuilt and renamed in place, once, at
-- the first start of this version (about a second for 50,000 turns here);
-- the old table's pages stay in the file as free pages for later writes.
CREATE TABLE turns_by_rowid (
    attempt_id TEXT    NOT NULL REFERENCES attempts (id),
    turn       INTEGER NOT NULL CHECK (turn >= 1),
    seq        INTEGER NOT NULL,
    reply_id   TEXT    NOT NULL,
    event      BLOB    NOT NULL,             -- what happened, JSON, opaque here
    created_at INTEGER NOT NULL,
    PRIMARY KEY (attempt_id, turn)
) STRICT;

INSERT INTO turns_by_rowid (attempt_id, turn, seq, reply_id, event, created_at)
    SELECT attempt_id, turn, seq, reply_id, event, created_at FROM turns
    ORDER BY created_at, attempt_id, turn;

DROP TABLE turns;

ALTER TABLE turns_by_rowid RENAME TO turns;
