package webui

import (
	"net/http"
	"parley/webui/training"
)

// apiNotFound answers API paths no route matches, in JSON.
func (s *Server) apiNotFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, fail(training.CodeNotFound, "no API route %s %s: see docs/protocol.md", r.Method, r.URL.Path))
}
