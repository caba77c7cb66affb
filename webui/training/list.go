package training

import "context"

// ListedAttempt is an attempt with the title of the scenario version it is
// played on (its scenario id when that version cannot be compiled).
type ListedAttempt struct {
	Attempt
	Title string
}

// Attempts lists u's attempts, most recently played first.
func (s *Service) Attempts(ctx context.Context, u User) ([]ListedAttempt, error) {
	as, err := s.st.AttemptsByUser(ctx, u.ID, 0)
	if err != nil {
		return nil, err
	}
	out := make([]ListedAttempt, 0, len(as))
	for _, a := range as {
		out = append(out, ListedAttempt{Attempt: a, Title: s.cat.Title(ctx, a)})
	}
	return out, nil
}
