package webui

import "context"

// playStart begins an attempt on a scenario on offer and answers its
// snapshot. A trainee has at most one active attempt per scenario: when one
// exists, its snapshot is the answer instead.
func (s *Server) playStart(ctx context.Context, u User, m message) ([]any, error) {
	snap, err := s.svc.Start(ctx, u, m.Scenario)
	if err != nil {
		return nil, err
	}
	return []any{viewSnapshot(snap, m.Seq)}, nil
}
