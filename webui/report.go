package webui

import (
	"bytes"
	"net/http"
	"parley/webui/training"
	"strings"
	"time"
)

// reportAttemptsCSV answers the attempts report as CSV: the scored
// attempts of the trainees in the caller's cohorts, filtered by ?cohort=,
// ?scenario=, ?from= and ?to= (dates, 2026-11-01, or RFC 3339 times; to is
// exclusive).
func (s *Server) reportAttemptsCSV(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	q := r.URL.Query()
	f := training.ReportFilter{CohortID: q.Get("cohort"), ScenarioID: q.Get("scenario")}
	var err error
	if f.From, err = parseDay(q.Get("from")); err == nil {
		f.To, err = parseDay(q.Get("to"))
	}
	if err != nil {
		s.writeError(w, r, fail(codeBadRequest, "from and to are dates such as 2026-11-01, or RFC 3339 times: %v", err))
		return
	}
	rows, err := s.cohorts.Report(r.Context(), u, f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := training.WriteReportCSV(&buf, rows); err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="parley-attempts-`+s.cfg.Now().UTC().Format("2006-01-02")+`.csv"`)
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// parseDay reads a date (midnight UTC) or an RFC 3339 time; "" is zero.
func parseDay(v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}
