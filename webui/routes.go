package webui

import "net/http"

// route is one entry of the route table: a pattern, who may use it, and its
// handler.
type route struct {
	pattern string
	access  access
	handler http.HandlerFunc
}

// routeTable is the one route table, with the access each route needs
// (docs/accounts.md). A new route says who may use it here, and the role
// matrix test (TestRoleMatrix) must list it.
func (s *Server) routeTable() []route {
	return []route{
		{"GET /healthz", public, s.healthCheck},
		{"POST /api/login", public, s.authLogin},
		{"POST /api/logout", public, s.authLogout},
		{"GET /api/links/{token}", public, s.linkShow},
		{"POST /api/links/{token}", public, s.linkRedeem},
		{"GET /api/me", signedIn, s.meShow},
		{"POST /api/me", signedIn, s.meUpdate},
		{"POST /api/me/password", signedIn, s.mePassword},
		{"POST /api/me/claim", signedIn, s.meClaim},
		{"GET /api/scenarios", signedIn, s.scenarioList}, // the catalog: players, and managers assigning it
		{"GET /api/scenarios/{id}", signedIn, s.scenarioShow},
		{"GET /api/assignments", canPlay, s.assignmentList},
		{"GET /api/attempts", canPlay, s.attemptList},
		{"GET /api/attempts/{id}", canPlay, s.attemptShow},
		{"GET /api/attempts/{id}/debrief", signedIn, s.attemptDebrief}, // the owner, or a reviewer: the core decides
		{"GET /api/attempts/{id}/comments", signedIn, s.commentList},
		{"POST /api/attempts/{id}/comments", signedIn, s.commentAdd},
		{"POST /api/attempts/{id}/shares", canPlay, s.attemptShare},
		{"POST /api/attempts/{id}/practice", canPlay, s.attemptPractice},
		{"GET /api/cohorts", managers, s.cohortList},
		{"POST /api/cohorts", managers, s.cohortCreate},
		{"GET /api/cohorts/{id}", managers, s.cohortShow},
		{"GET /api/cohorts/{id}/review", managers, s.cohortReview},
		{"GET /api/cohorts/{id}/scenarios/{scenario}/heatmap", managers, s.cohortHeatmap},
		{"POST /api/cohorts/{id}/members", managers, s.cohortMemberAdd},
		{"DELETE /api/cohorts/{id}/members/{user}", managers, s.cohortMemberRemove},
		{"POST /api/cohorts/{id}/members/{user}/link", managers, s.cohortMemberLink},
		{"POST /api/cohorts/{id}/managers", managers, s.cohortManagerAdd},
		{"PUT /api/cohorts/{id}/assignments/{scenario}", managers, s.cohortAssign},
		{"DELETE /api/cohorts/{id}/assignments/{scenario}", managers, s.cohortUnassign},
		{"GET /api/reports/attempts.csv", managers, s.reportAttemptsCSV},
		{"GET /api/trainees/{user}/attempts", managers, s.traineeAttempts},
		{"GET /api/users", admins, s.userList},
		{"POST /api/users", admins, s.userCreate},
		{"PATCH /api/users/{username}", admins, s.userUpdate},
		{"POST /api/users/{username}/link", admins, s.userLink},
		{"GET /api/legacy-users", admins, s.legacyList},
		{"POST /api/legacy-users/{id}/claim", admins, s.legacyAssign},
		{"GET /api/", public, s.apiNotFound},
		{"GET /ws", public, s.wsConnect}, // checks the session and role itself, to answer in a frame
		{"GET /{$}", public, s.staticIndex},
		{"GET /", public, s.staticFile},
	}
}

// routes serves the route table.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routeTable() {
		mux.HandleFunc(rt.pattern, s.guard(rt.access, rt.handler))
	}
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
