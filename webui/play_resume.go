package webui

import "context"

// playResume answers the snapshot of one of the caller's attempts.
func (s *Server) playResume(ctx context.Context, u User, m message) ([]any, error) {
	snap, err := s.svc.Snapshot(ctx, u, m.Attempt)
	if err != nil {
		return nil, err
	}
	return []any{viewSnapshot(snap, m.Seq)}, nil
}
