-- 0002_no_index_on_updated_at: every saved turn sets updated_at, and each
-- index over it turned that into two more pages written (and synced) per
-- turn: four WAL frames per turn instead of two. The abandon sweep now walks
-- the active attempts through attempts_active_by_user_scenario (a partial
-- index over active rows only), and a user's history is found by user and
-- sorted in memory (a user has tens of attempts, not millions).
DROP INDEX attempts_active_by_updated;
DROP INDEX attempts_by_user_updated;
CREATE INDEX attempts_by_user ON attempts (user_id, started_at);
