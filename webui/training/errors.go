package training

import "errors"

// Errors a Store returns, wrapped with a message that names the record and
// says what to do next. Test with errors.Is.
var (
	// ErrNotFound means the record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the write contradicts what is stored: the turn was
	// already saved, the attempt is no longer active, or the record exists.
	ErrConflict = errors.New("conflict")
)
