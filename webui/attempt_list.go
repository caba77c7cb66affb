package webui

import (
	"net/http"
	"net/url"
	"parley/webui/training"
	"strconv"
)

// attemptList lists a page of the caller's attempts, most recently played
// first (see attemptPage).
func (s *Server) attemptList(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	after, limit, err := attemptPage(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	as, next, err := s.svc.Attempts(r.Context(), u, after, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]attemptItem, 0, len(as))
	for _, a := range as {
		out = append(out, listItem(a.Attempt, a.Title, a.Held))
	}
	s.writeAttemptPage(w, r, out, next, limit)
}

// attemptPage reads a list's page: ?before= (the cursor from the previous
// page's Link header; none: the newest) and ?limit= (1 to
// training.AttemptPageSize; none: AttemptPageSize).
func attemptPage(r *http.Request) (training.AttemptCursor, int, error) {
	q := r.URL.Query()
	after, err := training.ParseAttemptCursor(q.Get("before"))
	if err != nil {
		return training.AttemptCursor{}, 0, err
	}
	limit := training.AttemptPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > training.AttemptPageSize {
			return training.AttemptCursor{}, 0, fail(codeBadRequest,
				"limit %q is not a page size: send a whole number from 1 to %d, or leave it out for %d",
				v, training.AttemptPageSize, training.AttemptPageSize)
		}
		limit = n
	}
	return after, limit, nil
}

// writeAttemptPage answers a page of a list of attempts: the items as a
// JSON array and, when older attempts follow, a Link header (RFC 8288) to
// the next page: `<path?before=…>; rel="next"`.
func (s *Server) writeAttemptPage(w http.ResponseWriter, r *http.Request, items []attemptItem, next training.AttemptCursor, limit int) {
	if !next.IsZero() {
		q := url.Values{"before": {next.String()}}
		if limit != training.AttemptPageSize {
			q.Set("limit", strconv.Itoa(limit))
		}
		w.Header().Set("Link", "<"+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
	}
	s.writeJSON(w, r, http.StatusOK, items)
}
