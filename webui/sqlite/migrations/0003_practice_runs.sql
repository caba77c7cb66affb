-- 0003_practice_runs: a practice run is an attempt started from the state
-- before some turn of an ended attempt (docs/storage.md). It is recorded as
-- practice, linked to the attempt it came from, and is never the user's
-- active scored attempt on the scenario.
--
-- practice_of:   the id of the attempt it came from; '' for a scored attempt.
-- practice_from: the turn of that attempt it started from (its turns before
--                that one were copied into the practice run); 0 when not.
ALTER TABLE attempts ADD COLUMN practice_of TEXT NOT NULL DEFAULT '';
ALTER TABLE attempts ADD COLUMN practice_from INTEGER NOT NULL DEFAULT 0;

-- At most one active *scored* attempt per user and scenario: practice runs
-- neither collide with it nor are found as it.
DROP INDEX attempts_active_by_user_scenario;
CREATE UNIQUE INDEX attempts_active_by_user_scenario
    ON attempts (user_id, scenario_id) WHERE status = 'active' AND practice_of = '';

-- The active practice runs, so the abandon sweep reads them through an index
-- too. Neither index holds a column a saved turn changes: a turn still writes
-- two pages.
CREATE INDEX attempts_active_practice
    ON attempts (user_id) WHERE status = 'active' AND practice_of <> '';
