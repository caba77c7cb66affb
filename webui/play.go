package webui

import "context"

// playHandler answers one websocket message with the frames to send.
type playHandler func(ctx context.Context, u User, m message) ([]any, error)

func (s *Server) playHandlers() map[string]playHandler {
	return map[string]playHandler{
		"start":   s.playStart,
		"resume":  s.playResume,
		"choose":  s.playChoose,
		"give_up": s.playGiveUp,
	}
}
