package training

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// AttemptPageSize is the most attempts one list answer holds (GET
// /api/attempts, a reviewer's list of a trainee's): a list never grows with
// how many attempts a trainee has made.
const AttemptPageSize = 100

// ListedAttempt is an attempt with the title of the scenario version it is
// played on (its scenario id when that version cannot be compiled), and the
// marks its trainee is held to on that scenario, for showing its scores.
type ListedAttempt struct {
	Attempt
	Title string
	Held  HeldMarks
}

// Attempts lists a page of u's attempts, most recently played first: at
// most limit (AttemptPageSize when limit is 0 or more than it) after the
// cursor. next is where the following page starts, zero when there is none.
func (s *Service) Attempts(ctx context.Context, u User, after AttemptCursor, limit int) ([]ListedAttempt, AttemptCursor, error) {
	return s.listPage(ctx, u.ID, after, limit)
}

// listPage is a page of the user's attempts, listed.
func (s *Service) listPage(ctx context.Context, userID string, after AttemptCursor, limit int) ([]ListedAttempt, AttemptCursor, error) {
	as, next, err := s.attemptsPage(ctx, userID, after, limit)
	if err != nil {
		return nil, AttemptCursor{}, err
	}
	held, err := s.Held(ctx, userID)
	if err != nil {
		return nil, AttemptCursor{}, err
	}
	out := make([]ListedAttempt, 0, len(as))
	for _, a := range as {
		out = append(out, ListedAttempt{Attempt: a, Title: s.cat.Title(ctx, a), Held: held.Of(a.ScenarioID)})
	}
	return out, next, nil
}

// attemptsPage reads one page of a user's attempts, and one more to know
// whether another page follows.
func (s *Service) attemptsPage(ctx context.Context, userID string, after AttemptCursor, limit int) ([]Attempt, AttemptCursor, error) {
	if limit <= 0 || limit > AttemptPageSize {
		limit = AttemptPageSize
	}
	as, err := s.st.AttemptsPage(ctx, userID, after, limit+1)
	if err != nil {
		return nil, AttemptCursor{}, err
	}
	if len(as) <= limit {
		return as, AttemptCursor{}, nil
	}
	as = as[:limit]
	return as, CursorOf(as[limit-1]), nil
}

// String is the cursor as a list's before parameter: the last attempt's
// update time in Unix nanoseconds, a dot, and its id. Clients treat it as
// opaque.
func (c AttemptCursor) String() string {
	if c.IsZero() {
		return ""
	}
	return strconv.FormatInt(c.UpdatedAt.UnixNano(), 10) + "." + c.ID
}

// ParseAttemptCursor reads a cursor written by String; "" is the start.
func ParseAttemptCursor(s string) (AttemptCursor, error) {
	if s == "" {
		return AttemptCursor{}, nil
	}
	ns, id, ok := strings.Cut(s, ".")
	n, err := strconv.ParseInt(ns, 10, 64)
	if !ok || err != nil || id == "" {
		return AttemptCursor{}, Errorf(CodeBadRequest,
			"%q is not a cursor of this list: pass the before value of the list's Link header as it is, or leave it out for the newest attempts", s)
	}
	return AttemptCursor{UpdatedAt: time.Unix(0, n).UTC(), ID: id}, nil
}
