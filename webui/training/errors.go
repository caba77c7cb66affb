package training

import (
	"errors"
	"fmt"
	"time"
)

// Errors a Store returns, wrapped with a message that names the record and
// says what to do next. Test with errors.Is.
var (
	// ErrNotFound means the record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write contradicts what is stored: the turn was
	// already saved, the attempt is no longer active, or the record exists.
	ErrConflict = errors.New("conflict")
	// ErrTooManyPractice means a new practice run would pass the cap on a
	// user's active ones (CreatePractice). It is an ErrConflict.
	ErrTooManyPractice = fmt.Errorf("too many active practice runs: %w", ErrConflict)
)

// Error codes the core returns (docs/protocol.md). The transports map a
// code to their own answer (an HTTP status, a websocket error frame) and
// add codes only they know (a malformed frame, a missing identity).
const (
	CodeNotFound        = "not_found"
	CodeNotYours        = "not_yours"
	CodeNotActive       = "not_active"
	CodeStillActive     = "still_active"
	CodeBadSeq          = "bad_seq"
	CodeBadRequest      = "bad_request"
	CodeReplyNotOffered = "reply_not_offered"
	CodeUnknownScenario = "unknown_scenario"
	CodeTooManyPractice = "too_many_practice_runs"
	CodeTooManyTurns    = "too_many_turns" // the attempt reached MaxTurns
	CodeInternal        = "internal"

	CodeLoginRequired = "login_required"   // no session, or it ended
	CodeForbidden     = "forbidden"        // signed in, but the role does not allow it
	CodeBadLogin      = "bad_login"        // unknown username or wrong password: one answer for both
	CodeTooManyLogins = "too_many_logins"  // the login rate limit; Error.RetryAfter says when to try again
	CodeTaken         = "username_taken"   // the username is someone else's
	CodeLinkInvalid   = "link_invalid"     // a one-time link that expired or was used
	CodeDisabled      = "account_disabled" // the account was disabled
)

// Error is an error a user is told about: a stable code and a message safe
// to show. Cause, when set, is for the log and never shown.
type Error struct {
	Code    string
	Message string
	Cause   error
	// RetryAfter, when not zero, is how long to wait before trying again.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// Errorf makes an Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Internal hides err from the user behind CodeInternal.
func Internal(err error) *Error {
	return &Error{Code: CodeInternal,
		Message: "something failed on the server and nothing was applied; try again, and tell your trainer if it keeps happening",
		Cause:   err}
}

// AsError turns any error into one a user may see: an *Error in err's chain,
// or else err hidden behind CodeInternal.
func AsError(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	return Internal(err)
}
