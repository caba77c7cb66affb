package webui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// sameOrigin is the websocket's origin check: a browser page may open the
// websocket only from the server's own origin (its Host) or one in
// Config.AllowedOrigins. A request with no Origin is not from a browser
// page, and goes on to the session check like any other client.
func (s *Server) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	return slices.ContainsFunc(s.cfg.AllowedOrigins, func(o string) bool { return strings.EqualFold(strings.TrimSuffix(o, "/"), origin) })
}
