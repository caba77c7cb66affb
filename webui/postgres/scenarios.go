package postgres

import (
	"context"
	"errors"
	"fmt"
	"parley/webui/training"

	"github.com/jackc/pgx/v5"
)

// SaveScenarioVersion records the source of one scenario version so that
// attempts played on it can always be resumed and read on exactly that text.
// version is the caller's content hash; saving a version that is already
// stored does nothing. Saving it under a different scenario id is ErrConflict.
func (s *Store) SaveScenarioVersion(ctx context.Context, scenarioID, version string, source []byte) error {
	if scenarioID == "" || version == "" || len(source) == 0 {
		return errors.New("store: save scenario version: scenario id, version and source are all required")
	}
	now := s.Now()
	return s.w.do(ctx, func(ctx context.Context, tx tx) error {
		// ON CONFLICT without a target: the table has two unique indexes,
		// and a conflict on one not named would be an error when instances
		// started together save the same version at the same moment.
		tag, err := tx.Exec(ctx, `INSERT INTO scenario_versions (version, scenario_id, source, created_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, version, scenarioID, source, now)
		if err != nil {
			return writeFailed(fmt.Sprintf("save scenario version %q", version), err)
		}
		if tag.RowsAffected() == 1 {
			return nil
		}
		return checkVersionOwner(ctx, tx, scenarioID, version)
	})
}

// checkVersionOwner returns ErrConflict unless the stored version belongs to
// scenarioID.
func checkVersionOwner(ctx context.Context, tx tx, scenarioID, version string) error {
	var owner string
	err := tx.QueryRow(ctx, "SELECT scenario_id FROM scenario_versions WHERE version = $1", version).Scan(&owner)
	if err != nil {
		return readFailed(fmt.Sprintf("read scenario version %q", version), err)
	}
	if owner != scenarioID {
		return fmt.Errorf("store: scenario version %q is already saved for scenario %q, not %q: %w; "+
			"include the scenario id in what the version hashes", version, owner, scenarioID, training.ErrConflict)
	}
	return nil
}

// ScenarioSource returns the source saved for a scenario version.
func (s *Store) ScenarioSource(ctx context.Context, version string) ([]byte, error) {
	var source []byte
	err := s.pool.QueryRow(ctx, "SELECT source FROM scenario_versions WHERE version = $1", version).Scan(&source)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("store: scenario version %q: %w; save it with SaveScenarioVersion when the scenario is loaded",
			version, training.ErrNotFound)
	}
	if err != nil {
		return nil, readFailed(fmt.Sprintf("read scenario version %q", version), err)
	}
	return source, nil
}
