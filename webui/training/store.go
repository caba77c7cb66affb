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
	CohortStore
	ReviewStore
	OutboxStore
	// Ping checks the database answers a read; CheckWrite that it commits a
	// write (for health checks).
	Ping(ctx context.Context) error
	CheckWrite(ctx context.Context) error
	// SaveScenarioVersion keeps a version's source; saving it again is a
	// no-op, and the same version under another scenario is ErrConflict.
	SaveScenarioVersion(ctx context.Context, scenarioID, version string, source []byte) error
	// ScenarioSource returns exactly the bytes saved.
	ScenarioSource(ctx context.Context, version string) ([]byte, error)
	// CreateAttempt stores a new active scored attempt exactly as given
	// (id, seed, state): the Service keeps in memory what it passed, without
	// reading it back. Its StartedAt, when set, is recorded as its start and
	// its first update, to the millisecond (the Service stamps it); else the
	// store's clock gives both. An unknown user or version is ErrNotFound; a taken
	// id, or a second active scored attempt of the same user on the same
	// scenario, is ErrConflict.
	CreateAttempt(ctx context.Context, a Attempt) error
	// CreatePractice stores a practice run of a.PracticeOf (an ended attempt
	// of the same user) from turn a.PracticeFrom, with copies of the
	// source's turns before it, in one transaction. An unknown source is
	// ErrNotFound; an active source, another user's, a turn past its last,
	// or a taken id is ErrConflict. A user who has maxActive (> 0) active
	// practice runs already gets ErrTooManyPractice (an ErrConflict): the
	// count is taken inside the transaction, so that concurrent calls, in
	// this process or in other instances on the same database, never make
	// more than maxActive.
	CreatePractice(ctx context.Context, a Attempt, maxActive int) error
	// ActivePracticeRuns counts a user's active practice runs.
	ActivePracticeRuns(ctx context.Context, userID string) (int, error)
	Attempt(ctx context.Context, id string) (Attempt, error)
	// ActiveAttempt is the user's active scored attempt on the scenario,
	// never a practice run.
	ActiveAttempt(ctx context.Context, userID, scenarioID string) (Attempt, error)
	// AttemptsByUser lists a user's attempts, most recently updated first;
	// a limit of 0 or less means all.
	AttemptsByUser(ctx context.Context, userID string, limit int) ([]Attempt, error)
	// AttemptsPage lists at most limit (> 0) of a user's attempts in the
	// order of AttemptsByUser (most recently updated first, then by id):
	// those after the cursor in that order, or from the newest with a zero
	// cursor. The cursor of its last attempt gives the next page. An
	// unknown user has no attempts.
	AttemptsPage(ctx context.Context, userID string, after AttemptCursor, limit int) ([]Attempt, error)
	// SaveTurn commits a turn, the attempt's new state and last seq (and its
	// ending, and its outbox statements) at once. A turn number other than Turns+1, or a turn on an
	// attempt that is not active, is ErrConflict and changes nothing.
	SaveTurn(ctx context.Context, w TurnWrite) error
	// Turns lists an attempt's turns in order.
	Turns(ctx context.Context, attemptID string) ([]Turn, error)
	// EndAttempt ends an active attempt that holds exactly turns turns with
	// a final status (another status is an error): the summary is the scores
	// of those turns. One already ended, or moved on to another turn (on
	// another instance), is ErrConflict and changes nothing.
	EndAttempt(ctx context.Context, id string, turns int, status Status, summary []byte) error
	// AbandonIdle marks abandoned every active attempt, scored or practice,
	// last updated before olderThan, and returns how many.
	AbandonIdle(ctx context.Context, olderThan time.Time) (int, error)
}

// AttemptCursor is where a page of a user's attempts ends: the UpdatedAt
// and ID of its last attempt (AttemptsPage lists those after it). The zero
// cursor is the start, before the newest.
type AttemptCursor struct {
	UpdatedAt time.Time
	ID        string
}

// IsZero reports whether c is the start of the list.
func (c AttemptCursor) IsZero() bool { return c.ID == "" && c.UpdatedAt.IsZero() }

// CursorOf is the cursor just after a in the list.
func CursorOf(a Attempt) AttemptCursor { return AttemptCursor{UpdatedAt: a.UpdatedAt, ID: a.ID} }

// UserStore holds accounts, their sessions and one-time links, and the
// users from before accounts.
type UserStore interface {
	// CreateAccount stores a new account. A taken id or username is
	// ErrConflict.
	CreateAccount(ctx context.Context, a Account) error
	// Account reads an account, or a user from before accounts, by id.
	Account(ctx context.Context, id string) (Account, error)
	// AccountByUsername reads an account by its (lower-case) username.
	AccountByUsername(ctx context.Context, username string) (Account, error)
	// Accounts lists every account (users with a username), by username.
	Accounts(ctx context.Context) ([]Account, error)
	// CountAccounts counts the accounts (users with a username).
	CountAccounts(ctx context.Context) (int, error)
	// SetPassword stores a new password hash and ends the account's
	// sessions, in one transaction.
	SetPassword(ctx context.Context, id, hash string) error
	// SetRoles replaces an account's roles.
	SetRoles(ctx context.Context, id string, roles Roles) error
	// SetDisabled disables an account (and ends its sessions, in the same
	// transaction) or enables it again.
	SetDisabled(ctx context.Context, id string, disabled bool) error
	// SetDisplayName renames a user.
	SetDisplayName(ctx context.Context, id, name string) error

	// CreateSession stores a session; a taken token hash is ErrConflict.
	CreateSession(ctx context.Context, s Session) error
	// Session reads a session by its token hash, expired or not.
	Session(ctx context.Context, tokenHash string) (Session, error)
	// ExtendSession moves a session's expiry.
	ExtendSession(ctx context.Context, tokenHash string, expires time.Time) error
	// DeleteSession ends a session; an unknown one is not an error.
	DeleteSession(ctx context.Context, tokenHash string) error

	// CreateLink stores a one-time link. Links of the same purpose for the
	// same user made before it stop working: only the newest counts.
	CreateLink(ctx context.Context, l Link) error
	// Link reads an unexpired link by its token hash; an expired or used one
	// is ErrNotFound.
	Link(ctx context.Context, tokenHash string, now time.Time) (Link, error)
	// RedeemLink uses an unexpired link once: in one transaction it deletes
	// the link, sets the user's password hash and ends their sessions, and
	// returns the account. An expired or used link is ErrNotFound.
	RedeemLink(ctx context.Context, tokenHash string, now time.Time, passwordHash string) (Account, error)

	// DeleteExpired removes sessions and links that expired before now.
	DeleteExpired(ctx context.Context, now time.Time) (int, error)

	// LegacyUsers lists the users from before accounts that no account has
	// claimed, most recently played first.
	LegacyUsers(ctx context.Context) ([]LegacyUser, error)
	// ClaimLegacy gives every attempt of the user from before accounts
	// legacyID to the account accountID, and removes the legacy user from
	// LegacyUsers, in one transaction. An active scored attempt of the
	// legacy user on a scenario where the account has one too is marked
	// abandoned. It returns how many attempts moved. An unknown user, or a
	// legacyID that is an account, is ErrNotFound.
	ClaimLegacy(ctx context.Context, legacyID, accountID string) (int, error)
}

// CohortStore holds cohorts, who manages them, their members and their
// assignments.
type CohortStore interface {
	// CreateCohort stores a new cohort with its creator as its manager, in
	// one transaction. A taken id is ErrConflict; an unknown creator
	// ErrNotFound.
	CreateCohort(ctx context.Context, c Cohort) error
	// Cohort reads a cohort.
	Cohort(ctx context.Context, id string) (Cohort, error)
	// Cohorts lists every cohort, newest first.
	Cohorts(ctx context.Context) ([]Cohort, error)
	// CohortsManagedBy lists the cohorts a user manages, newest first.
	CohortsManagedBy(ctx context.Context, userID string) ([]Cohort, error)
	// CohortsOf lists the cohorts a user is a member of, newest first.
	CohortsOf(ctx context.Context, userID string) ([]Cohort, error)
	// AddCohortManager makes a user a manager of a cohort; again is a no-op.
	// An unknown cohort or user is ErrNotFound.
	AddCohortManager(ctx context.Context, cohortID, userID string) error
	// CohortManagers lists the ids of a cohort's managers.
	CohortManagers(ctx context.Context, cohortID string) ([]string, error)
	// AddMember adds a user to a cohort at a time; again is a no-op. An
	// unknown cohort or user is ErrNotFound.
	AddMember(ctx context.Context, cohortID, userID string, at time.Time) error
	// RemoveMember takes a user out of a cohort; their attempts stay. One
	// who is not a member is ErrNotFound.
	RemoveMember(ctx context.Context, cohortID, userID string) error
	// Members lists a cohort's members with their accounts, by display name.
	Members(ctx context.Context, cohortID string) ([]Member, error)
	// SetAssignment assigns a scenario to a cohort, or replaces the
	// assignment's due date and pass marks. An unknown cohort is
	// ErrNotFound.
	SetAssignment(ctx context.Context, a Assignment) error
	// RemoveAssignment takes an assignment back; an unknown one is
	// ErrNotFound.
	RemoveAssignment(ctx context.Context, cohortID, scenarioID string) error
	// Assignments lists a cohort's assignments, earliest due first (those
	// without a due date last), then by scenario.
	Assignments(ctx context.Context, cohortID string) ([]Assignment, error)
}

// ReviewStore holds what reviewing adds to attempts: comments and shares.
type ReviewStore interface {
	// Manages reports whether managerID manages a cohort traineeID is in.
	Manages(ctx context.Context, managerID, traineeID string) (bool, error)
	// ShareAttempt lets a user read an attempt; again is a no-op. An
	// unknown attempt or user is ErrNotFound.
	ShareAttempt(ctx context.Context, attemptID, userID string, at time.Time) error
	// SharedWith lists the ids of the users an attempt is shared with.
	SharedWith(ctx context.Context, attemptID string) ([]string, error)
	// AddComment stores a comment; an unknown attempt or author is
	// ErrNotFound, a taken id ErrConflict.
	AddComment(ctx context.Context, c Comment) error
	// Comments lists an attempt's comments, oldest first, with their
	// authors' display names.
	Comments(ctx context.Context, attemptID string) ([]Comment, error)
}

// OutboxStore is the durable outbox of xAPI statements: SaveTurn writes
// them with the turn; the relay sends them and marks them.
type OutboxStore interface {
	// DueStatements lists up to limit unsent statements whose next try is
	// due at now, oldest first.
	DueStatements(ctx context.Context, now time.Time, limit int) ([]OutboxItem, error)
	// MarkSent records statements as delivered.
	MarkSent(ctx context.Context, ids []string, at time.Time) error
	// MarkFailed counts a failed try of each statement and puts its next
	// try at next, keeping why.
	MarkFailed(ctx context.Context, ids []string, next time.Time, why string) error
	// OutboxCounts counts the statements waiting and sent.
	OutboxCounts(ctx context.Context) (waiting, sent int, err error)
}
