package webui

import (
	"net/http"
	"parley/webui/training"
)

// Error codes, shared by the HTTP API and the websocket (docs/protocol.md).
// The core's codes are training's; these are the ones only the transport
// knows.
const (
	codeBadMessage  = "bad_message"
	codeUnknownType = "unknown_type"
	codeTooLarge    = "too_large"
	codeCrossOrigin = "cross_origin"
	codeTooMany     = "too_many_connections"
	codeBadRequest  = training.CodeBadRequest
)

// fail makes a training.Error with a formatted message.
func fail(code, format string, args ...any) *training.Error {
	return training.Errorf(code, format, args...)
}

// httpStatus is the HTTP status that goes with an error code.
func httpStatus(code string) int {
	switch code {
	case codeBadMessage, codeBadRequest, training.CodeBadSeq, training.CodeReplyNotOffered:
		return http.StatusBadRequest
	case training.CodeLoginRequired, training.CodeBadLogin:
		return http.StatusUnauthorized
	case training.CodeNotYours, training.CodeForbidden, codeCrossOrigin, training.CodeDisabled:
		return http.StatusForbidden
	case training.CodeLinkInvalid:
		return http.StatusGone
	case training.CodeTaken:
		return http.StatusConflict
	case training.CodeNotFound, training.CodeUnknownScenario:
		return http.StatusNotFound
	case training.CodeNotActive, training.CodeStillActive, training.CodeTooManyPractice, training.CodeTooManyTurns:
		return http.StatusConflict
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	case codeTooMany, training.CodeTooManyLogins, training.CodeTooManyAttempts:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}
