package webui

import (
	"net/http"
	"parley/webui/training"

	"github.com/gorilla/websocket"
)

// wsConnect upgrades to the play websocket. A page from another origin
// (sameOrigin) gets 403. A user or address opening websockets too fast gets
// 429 before any upgrade. A browser that is not signed in, or one over a
// cap on open websockets, is answered with an error frame (login_required,
// too_many_connections) and a close that says why. Any signed-in user may
// connect: playing needs the trainee or trainer role, watching a manager's
// (client.handle).
func (s *Server) wsConnect(w http.ResponseWriter, r *http.Request) {
	u, uerr := s.authenticate(r)
	addr := s.clientAddr(r)
	if err := s.limits.allowNew(u.ID, addr); err != nil {
		w.Header().Set("Retry-After", "5")
		s.writeError(w, r, err)
		return
	}
	var refused *training.Error
	if uerr == nil {
		refused = s.limits.acquire(u.ID, addr)
	}
	cw := &corkingWriter{ResponseWriter: w}
	ws, err := s.upgrader.Upgrade(cw, r, nil)
	if err != nil {
		if uerr == nil && refused == nil {
			s.limits.release(u.ID, addr)
		}
		s.log.Debug("websocket upgrade refused", "origin", r.Header.Get("Origin"), "err", err)
		return // the upgrader has answered
	}
	c := newClient(s, ws, cw.conn, u)
	c.token = sessionToken(r)
	c.session = training.HashToken(c.token)
	if uerr == nil && refused == nil {
		c.release = func() { s.limits.release(u.ID, addr) }
	}
	if !s.hub.add(c) {
		c.finishRelease()
		_ = ws.Close() // shutting down
		return
	}
	switch {
	case uerr != nil:
		c.sendError(0, uerr)
		c.close(websocket.ClosePolicyViolation, "sign in first")
	case refused != nil:
		s.log.Info("websocket refused: over a cap", "user", u.ID, "addr", addr, "why", refused.Message)
		c.sendError(0, refused)
		c.close(websocket.CloseTryAgainLater, "too many connections")
	}
	go c.readLoop()
}
