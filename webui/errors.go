package webui

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes, shared by the HTTP API and the websocket (docs/protocol.md).
const (
	codeBadMessage      = "bad_message"
	codeUnknownType     = "unknown_type"
	codeBadSeq          = "bad_seq"
	codeTooLarge        = "too_large"
	codeNoIdentity      = "no_identity"
	codeUnknownScenario = "unknown_scenario"
	codeNotFound        = "not_found"
	codeNotYours        = "not_yours"
	codeNotActive       = "not_active"
	codeStillActive     = "still_active"
	codeReplyNotOffered = "reply_not_offered"
	codeBadRequest      = "bad_request"
	codeInternal        = "internal"
	codeTooMany         = "too_many_connections"
	codeTooManyPractice = "too_many_practice_runs"
)

// apiError is an error the browser is told about: a stable code and a
// message safe to show. Cause, when set, is logged and never sent.
type apiError struct {
	Code    string
	Message string
	Cause   error
}

func (e *apiError) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Cause)
	}
	return e.Code + ": " + e.Message
}

func (e *apiError) Unwrap() error { return e.Cause }

// fail makes an apiError with a formatted message.
func fail(code, format string, args ...any) *apiError {
	return &apiError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// internal hides err from the browser behind the internal code.
func internal(err error) *apiError {
	return &apiError{Code: codeInternal,
		Message: "something failed on the server and nothing was applied; try again, and tell your trainer if it keeps happening",
		Cause:   err}
}

// asAPIError turns any error into one the browser may see.
func asAPIError(err error) *apiError {
	if e, ok := errors.AsType[*apiError](err); ok {
		return e
	}
	return internal(err)
}

// httpStatus is the HTTP status that goes with an error code.
func httpStatus(code string) int {
	switch code {
	case codeBadMessage, codeBadRequest, codeBadSeq, codeReplyNotOffered:
		return http.StatusBadRequest
	case codeNoIdentity:
		return http.StatusUnauthorized
	case codeNotYours:
		return http.StatusForbidden
	case codeNotFound, codeUnknownScenario:
		return http.StatusNotFound
	case codeNotActive, codeStillActive, codeTooManyPractice:
		return http.StatusConflict
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	case codeTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}
