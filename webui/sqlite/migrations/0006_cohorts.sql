-- 0006_cohorts: cohorts of trainees, who manages them, and the scenarios
-- assigned to them (docs/accounts.md, "Cohorts").
CREATE TABLE cohorts (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    created_by TEXT    NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL
) STRICT;

-- Who manages a cohort: its creator, and whoever else is added.
CREATE TABLE cohort_managers (
    cohort_id TEXT NOT NULL REFERENCES cohorts (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (cohort_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX cohort_managers_by_user ON cohort_managers (user_id);

-- The trainees of a cohort.
CREATE TABLE cohort_members (
    cohort_id TEXT    NOT NULL REFERENCES cohorts (id),
    user_id   TEXT    NOT NULL REFERENCES users (id),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (cohort_id, user_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX cohort_members_by_user ON cohort_members (user_id);

-- A scenario assigned to a cohort. due_at is NULL for no due date;
-- pass_marks is a JSON object {competency: mark} overriding the scenario's
-- pass marks, '' for none.
CREATE TABLE cohort_assignments (
    cohort_id   TEXT    NOT NULL REFERENCES cohorts (id),
    scenario_id TEXT    NOT NULL,
    due_at      INTEGER,
    pass_marks  TEXT    NOT NULL DEFAULT '',
    assigned_by TEXT    NOT NULL REFERENCES users (id),
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (cohort_id, scenario_id)
) STRICT, WITHOUT ROWID;
