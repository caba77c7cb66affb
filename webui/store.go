package webui

import (
	"context"
	"time"

	"parley/webui/store"
)

// Store is what the server needs from the database. *store.Store implements
// it; every write returns nil only once it is durably committed.
type Store interface {
	UserStore
	Ping(ctx context.Context) error
	CheckWrite(ctx context.Context) error
	SaveScenarioVersion(ctx context.Context, scenarioID, version string, source []byte) error
	ScenarioSource(ctx context.Context, version string) ([]byte, error)
	CreateAttempt(ctx context.Context, a store.Attempt) error
	CreatePractice(ctx context.Context, a store.Attempt) error
	ActivePracticeRuns(ctx context.Context, userID string) (int, error)
	Attempt(ctx context.Context, id string) (store.Attempt, error)
	ActiveAttempt(ctx context.Context, userID, scenarioID string) (store.Attempt, error)
	AttemptsByUser(ctx context.Context, userID string, limit int) ([]store.Attempt, error)
	SaveTurn(ctx context.Context, w store.TurnWrite) error
	Turns(ctx context.Context, attemptID string) ([]store.Turn, error)
	EndAttempt(ctx context.Context, id string, status store.Status, summary []byte) error
	AbandonIdle(ctx context.Context, olderThan time.Time) (int, error)
}

// UserStore records users for the identity layer.
type UserStore interface {
	EnsureUser(ctx context.Context, id, displayName string) error
	// UserName is the user's display name; an unknown user is store.ErrNotFound.
	UserName(ctx context.Context, id string) (string, error)
}

var _ Store = (*store.Store)(nil)
