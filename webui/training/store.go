package training

import (
	"context"
	"time"
)

// Store is the port to the database: what the application needs from it.
// webui/store implements it on SQLite. Every write returns nil only once it
// is durably committed; an unknown record is ErrNotFound, and a write that
// contradicts what is stored is ErrConflict.
type Store interface {
	UserStore
	Ping(ctx context.Context) error
	CheckWrite(ctx context.Context) error
	SaveScenarioVersion(ctx context.Context, scenarioID, version string, source []byte) error
	ScenarioSource(ctx context.Context, version string) ([]byte, error)
	CreateAttempt(ctx context.Context, a Attempt) error
	CreatePractice(ctx context.Context, a Attempt) error
	ActivePracticeRuns(ctx context.Context, userID string) (int, error)
	Attempt(ctx context.Context, id string) (Attempt, error)
	ActiveAttempt(ctx context.Context, userID, scenarioID string) (Attempt, error)
	AttemptsByUser(ctx context.Context, userID string, limit int) ([]Attempt, error)
	SaveTurn(ctx context.Context, w TurnWrite) error
	Turns(ctx context.Context, attemptID string) ([]Turn, error)
	EndAttempt(ctx context.Context, id string, status Status, summary []byte) error
	AbandonIdle(ctx context.Context, olderThan time.Time) (int, error)
}

// UserStore records users for the identity layer.
type UserStore interface {
	EnsureUser(ctx context.Context, id, displayName string) error
	// UserName is the user's display name; an unknown user is ErrNotFound.
	UserName(ctx context.Context, id string) (string, error)
}
