package training

import (
	"context"
	"time"
)

// Store is the port to the database: what the application needs from it.
// webui/sqlite implements it on SQLite; webui/training/storetest checks any
// implementation against this contract. Every write returns nil only once it
// is durably committed; an unknown record is ErrNotFound, and a write that
// contradicts what is stored is ErrConflict.
type Store interface {
	UserStore
	// Ping checks the database answers a read; CheckWrite that it commits a
	// write (for health checks).
	Ping(ctx context.Context) error
	CheckWrite(ctx context.Context) error
	// SaveScenarioVersion keeps a version's source; saving it again is a
	// no-op, and the same version under another scenario is ErrConflict.
	SaveScenarioVersion(ctx context.Context, scenarioID, version string, source []byte) error
	// ScenarioSource returns exactly the bytes saved.
	ScenarioSource(ctx context.Context, version string) ([]byte, error)
	// CreateAttempt stores a new active scored attempt. An unknown user or
	// version is ErrNotFound; a taken id, or a second active scored attempt
	// of the same user on the same scenario, is ErrConflict.
	CreateAttempt(ctx context.Context, a Attempt) error
	// CreatePractice stores a practice run of a.PracticeOf (an ended attempt
	// of the same user) from turn a.PracticeFrom, with copies of the
	// source's turns before it, in one transaction. An unknown source is
	// ErrNotFound; an active source, another user's, a turn past its last,
	// or a taken id is ErrConflict.
	CreatePractice(ctx context.Context, a Attempt) error
	// ActivePracticeRuns counts a user's active practice runs.
	ActivePracticeRuns(ctx context.Context, userID string) (int, error)
	Attempt(ctx context.Context, id string) (Attempt, error)
	// ActiveAttempt is the user's active scored attempt on the scenario,
	// never a practice run.
	ActiveAttempt(ctx context.Context, userID, scenarioID string) (Attempt, error)
	// AttemptsByUser lists a user's attempts, most recently updated first;
	// a limit of 0 or less means all.
	AttemptsByUser(ctx context.Context, userID string, limit int) ([]Attempt, error)
	// SaveTurn commits a turn, the attempt's new state and last seq (and its
	// ending) at once. A turn number other than Turns+1, or a turn on an
	// attempt that is not active, is ErrConflict and changes nothing.
	SaveTurn(ctx context.Context, w TurnWrite) error
	// Turns lists an attempt's turns in order.
	Turns(ctx context.Context, attemptID string) ([]Turn, error)
	// EndAttempt ends an active attempt with a final status (another status
	// is an error); one already ended is ErrConflict.
	EndAttempt(ctx context.Context, id string, status Status, summary []byte) error
	// AbandonIdle marks abandoned every active attempt, scored or practice,
	// last updated before olderThan, and returns how many.
	AbandonIdle(ctx context.Context, olderThan time.Time) (int, error)
}

// UserStore records users for the identity layer.
type UserStore interface {
	// EnsureUser records a user, or renames one that exists.
	EnsureUser(ctx context.Context, id, displayName string) error
	// UserName is the user's display name; an unknown user is ErrNotFound.
	UserName(ctx context.Context, id string) (string, error)
}
