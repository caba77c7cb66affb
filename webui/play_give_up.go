package webui

import "context"

// playGiveUp ends the attempt as given up, with the scores so far, then
// sends ack and ended. Giving up an attempt already given up is answered
// the same way, so a retry is safe.
func (s *Server) playGiveUp(ctx context.Context, u User, m message) ([]any, error) {
	res, err := s.svc.GiveUp(ctx, u, m.Attempt, m.Seq)
	switch {
	case err != nil:
		return nil, err
	case res.Again:
		return []any{ack(m.Seq, m.Attempt)}, nil
	}
	return []any{ack(m.Seq, m.Attempt), ended(m.Attempt, res.Ended)}, nil
}
