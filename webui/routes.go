package webui

import "net/http"

// routes is the one route table.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthCheck)
	mux.HandleFunc("GET /api/me", s.meShow)
	mux.HandleFunc("POST /api/me", s.meUpdate)
	mux.HandleFunc("GET /api/scenarios", s.scenarioList)
	mux.HandleFunc("GET /api/scenarios/{id}", s.scenarioShow)
	mux.HandleFunc("GET /api/attempts", s.attemptList)
	mux.HandleFunc("GET /api/attempts/{id}", s.attemptShow)
	mux.HandleFunc("GET /api/attempts/{id}/debrief", s.attemptDebrief)
	mux.HandleFunc("POST /api/attempts/{id}/practice", s.attemptPractice)
	mux.HandleFunc("GET /api/", s.apiNotFound)
	mux.HandleFunc("GET /ws", s.wsConnect)
	mux.HandleFunc("GET /{$}", s.staticIndex)
	mux.HandleFunc("GET /", s.staticFile)
	return mux
}

// secureHeaders sets the headers every response carries: a strict Content
// Security Policy (this origin only, no inline script or style) and friends.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
