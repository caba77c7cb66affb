-- 0004_health: one row that the health check writes, through the committer
-- like any turn, so /healthz fails when the database can no longer commit
-- (a full disk, a read-only file system), not only when it cannot be read.
CREATE TABLE health (
    id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    checked_at INTEGER NOT NULL
) STRICT;
INSERT INTO health (id, checked_at) VALUES (1, 0);
