package webui

import "context"

// playChoose applies a reply and answers turn and ack (and ended), only
// once the turn is committed; a message already applied is acknowledged
// again.
func (s *Server) playChoose(ctx context.Context, u User, m message) ([]any, error) {
	res, err := s.svc.Choose(ctx, u, m.Attempt, m.Seq, m.Reply)
	switch {
	case err != nil:
		return nil, err
	case res.Again:
		return []any{ack(m.Seq, m.Attempt)}, nil
	}
	frames := []any{turnFrame{Type: "turn", turnView: viewTurn(m.Attempt, res.Scenario, res.Outcome), Replies: nonNil(convert(res.Replies, viewChoice))},
		ack(m.Seq, m.Attempt)}
	if res.Ended != nil {
		frames = append(frames, ended(m.Attempt, *res.Ended))
	}
	return frames, nil
}
