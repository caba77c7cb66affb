package training

import (
	"fmt"
	"time"
)

// Status is where an attempt is in its life. Only an active attempt accepts
// turns; the other statuses are final.
type Status string

// The statuses an attempt can have.
const (
	StatusActive    Status = "active"    // being played; accepts turns
	StatusFinished  Status = "finished"  // the scenario reached an ending
	StatusAbandoned Status = "abandoned" // idle too long; closed by AbandonIdle
	StatusGivenUp   Status = "given_up"  // the trainee gave up
)

// CheckFinal returns an error unless s is one of the final statuses.
func (s Status) CheckFinal() error {
	switch s {
	case StatusFinished, StatusAbandoned, StatusGivenUp:
		return nil
	}
	return fmt.Errorf("status %q cannot end an attempt: use %q, %q or %q",
		s, StatusFinished, StatusGivenUp, StatusAbandoned)
}

// Attempt is one play-through of one scenario version by one user.
type Attempt struct {
	ID         string
	UserID     string
	ScenarioID string
	Version    string // scenario version (content hash) the attempt is played on
	Seed       int64
	Status     Status
	State      []byte // the session after the last turn, as EncodeSession writes it; opaque to the Store
	LastSeq    int64  // last client sequence number applied
	Turns      int    // number of turns saved
	Ending     string // set when the attempt ends
	Outcome    string // set when the attempt ends
	Summary    []byte // the scores, as EncodeScores writes them, set when the attempt ends
	StartedAt  time.Time
	UpdatedAt  time.Time
	EndedAt    time.Time // zero while active
	// PracticeOf is the id of the ended attempt this practice run was
	// started from; empty for a scored attempt.
	PracticeOf string
	// PracticeFrom is the turn of PracticeOf the practice run started from:
	// it holds copies of that attempt's turns before it. 0 when not practice.
	PracticeFrom int
}

// IsPractice reports whether a is a practice run, never a scored attempt.
func (a Attempt) IsPractice() bool { return a.PracticeOf != "" }

// Turn is one accepted reply within an attempt.
type Turn struct {
	Number    int    // 1 for the first turn of an attempt, then 2, 3, ...
	Seq       int64  // client sequence number of the message that made the turn
	ReplyID   string // the reply the trainee chose
	Event     []byte // what happened, as EncodeOutcome writes it; opaque to the Store
	CreatedAt time.Time
}

// Ending closes an attempt: the final status and what the engine reported.
type Ending struct {
	Status  Status // StatusFinished, StatusGivenUp or StatusAbandoned
	Ending  string
	Outcome string
	Summary []byte // the scores, as EncodeScores writes them
}

// TurnWrite is everything SaveTurn commits at once: the turn row and the
// attempt's new state. Turn.Number must be the attempt's Turns+1.
type TurnWrite struct {
	AttemptID string
	Turn      Turn    // CreatedAt is set by the store
	State     []byte  // the session after the turn, as EncodeSession writes it
	LastSeq   int64   // the attempt's new last client sequence number
	End       *Ending // non-nil when this turn ended the attempt
	// Outbox holds the xAPI statements about the turn, written in the same
	// transaction (none when no learning record store is configured).
	Outbox []OutboxItem
}
