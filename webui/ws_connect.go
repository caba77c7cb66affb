package webui

import (
	"net/http"

	"github.com/gorilla/websocket"
)

// wsConnect upgrades to the play websocket. The upgrader keeps gorilla's
// default same-origin check: a page from another site gets 403. A browser
// without an identity is answered no_identity and closed.
func (s *Server) wsConnect(w http.ResponseWriter, r *http.Request) {
	u, uerr := s.user(r)
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Debug("websocket upgrade refused", "origin", r.Header.Get("Origin"), "err", err)
		return // the upgrader has answered
	}
	c := newClient(s, ws, u)
	if !s.hub.add(c) {
		_ = ws.Close() // shutting down
		return
	}
	if uerr != nil {
		c.sendError(0, uerr)
		c.close(websocket.ClosePolicyViolation, "set a name first")
	}
	go c.writeLoop()
	go c.readLoop()
}
