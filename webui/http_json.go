package webui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"parley/webui/training"
	"strconv"
)

// maxBody is the largest JSON body most of the API reads: their fields are
// short (a name of 60 characters, a username of 64, a password of 256
// bytes), so 4 KiB holds any of them even written wholly in \u escapes.
const maxBody = 4 << 10

// maxLongBody is the largest JSON body of the requests with a long field:
// a comment of training.MaxCommentLength characters, each up to 12 bytes
// as JSON (a \uXXXX\uXXXX surrogate pair), and an assignment's pass
// marks, one for each of however many competencies a scenario declares.
const maxLongBody = 32 << 10

type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeJSON sends v with status. API answers are never cached. v is
// encoded before anything is sent: one that cannot be (a NaN or an
// infinity among its numbers) is logged and answered 500 internal, never
// an empty answer with status.
func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	var body bytes.Buffer
	if err := json.NewEncoder(&body).Encode(v); err != nil {
		w.Header().Del("Location") // set for the answer that failed, not for the error
		w.Header().Del("Link")
		s.writeError(w, r, fmt.Errorf("encode the answer as JSON (a bug: find what put this value in it): %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body.Bytes())
}

// writeError sends err as {"error": {"code", "message"}}, logging what the
// browser is not told.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := training.AsError(err)
	if e.Code == training.CodeInternal {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds()+0.999)))
	}
	s.writeJSON(w, r, httpStatus(e.Code), errorBody{Error: errorDetail{Code: e.Code, Message: e.Message}})
}

// readJSON decodes a small JSON body (up to maxBody) strictly into v.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	return readJSONUpTo(w, r, v, maxBody)
}

// readJSONUpTo decodes a JSON body of up to limit bytes strictly into v.
func readJSONUpTo(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return fail(codeBadRequest, "send the body as JSON with Content-Type: application/json")
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if _, tooBig := errors.AsType[*http.MaxBytesError](err); tooBig {
		return fail(codeBadRequest, "the body is over %d bytes", limit)
	}
	if err != nil {
		return fail(codeBadRequest, "could not read the body: %v", err)
	}
	if err := strictUnmarshal(data, v); err != nil {
		return fail(codeBadRequest, "%s", jsonProblem(err, v))
	}
	return nil
}

// strictUnmarshal decodes exactly one JSON value and nothing after it.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errMoreValues
	}
	return nil
}
