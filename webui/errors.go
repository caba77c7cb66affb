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
	codeNoIdentity  = "no_identity"
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
	case codeNoIdentity:
		return http.StatusUnauthorized
	case training.CodeNotYours:
		return http.StatusForbidden
	case training.CodeNotFound, training.CodeUnknownScenario:
		return http.StatusNotFound
	case training.CodeNotActive, training.CodeStillActive, training.CodeTooManyPractice:
		return http.StatusConflict
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	case codeTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}
