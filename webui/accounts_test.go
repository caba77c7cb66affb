package webui_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"parley/webui"
	"parley/webui/client"
	"parley/webui/training"
)

// errorCode is the code of a JSON error answer.
type errorCode = client.ErrorBody

// TestLoginAndMe: a login sets the session cookie and answers who signed in;
// GET /api/me says the same; renaming works; a wrong password and an
// unknown username get one answer; signing out ends the session on the
// server, so the old cookie no longer works.
func TestLoginAndMe(t *testing.T) {
	h := start(t)
	username := h.account("Sam Smith", training.Roles(training.RoleTrainee|training.RoleManager))
	var bad errorCode
	for _, creds := range []map[string]string{
		{"username": username, "password": "wrong password!!"},
		{"username": "nobody", "password": testPassword},
		{"username": "", "password": ""},
	} {
		if status := h.anonymous().post("/api/login", creds, &bad); status != http.StatusUnauthorized || bad.Error.Code != training.CodeBadLogin ||
			bad.Error.Message != "the username or the password is wrong" {
			t.Errorf("login %v: %d %+v, want 401 bad_login with one message", creds, status, bad.Error)
		}
	}
	sam := h.login(strings.ToUpper(username))
	if me := sam.s.Who(); me.Username != username || me.Name != "Sam Smith" || !slices.Equal(me.Roles, []string{"trainee", "manager"}) {
		t.Errorf("login answered %+v", me)
	}
	var me client.Me
	if status := sam.get("/api/me", &me); status != http.StatusOK || me.Username != username || me.Legacy != nil {
		t.Errorf("GET /api/me: %d %+v", status, me)
	}
	if status := sam.post("/api/me", map[string]string{"name": "  Sam S. "}, &me); status != http.StatusOK || me.Name != "Sam S." {
		t.Errorf("rename: %d %+v", status, me)
	}
	for _, name := range []string{"", strings.Repeat("x", training.MaxNameLength+1), "bell\a"} {
		if status := sam.post("/api/me", map[string]string{"name": name}, &bad); status != http.StatusBadRequest {
			t.Errorf("rename to %q: %d, want 400", name, status)
		}
	}
	cookie := sessionCookieOf(t, sam)
	if err := sam.s.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	replay := h.anonymous()
	replay.s.HTTP().Jar.SetCookies(mustURL(t, h.url("/")), []*http.Cookie{cookie})
	if status := replay.get("/api/me", &bad); status != http.StatusUnauthorized || bad.Error.Code != training.CodeLoginRequired {
		t.Errorf("the cookie after logout: %d %q, want 401 login_required", status, bad.Error.Code)
	}
	for _, path := range []string{"/api/me", "/api/attempts", "/api/scenarios"} {
		if status := h.anonymous().get(path, &bad); status != http.StatusUnauthorized || bad.Error.Code != training.CodeLoginRequired {
			t.Errorf("GET %s signed out: %d %q, want 401 login_required", path, status, bad.Error.Code)
		}
	}
}

func sessionCookieOf(t *testing.T, tr *trainee) *http.Cookie {
	t.Helper()
	for _, c := range tr.s.HTTP().Jar.Cookies(mustURL(t, tr.h.url("/"))) {
		if c.Name == "parley_session" {
			return c
		}
	}
	t.Fatal("no parley_session cookie")
	return nil
}

// TestSessionCookie: the cookie is HttpOnly, SameSite=Lax, for the whole
// site, holds a long random token, and is Secure exactly when the browser
// came over TLS through a proxy the operator trusts.
func TestSessionCookie(t *testing.T) {
	h := start(t, func(c *webui.Config) { c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")} })
	username := h.account("Sam", training.Roles(training.RoleTrainee))
	login := func(h *harness, proto string) *http.Cookie {
		t.Helper()
		req, _ := http.NewRequest(http.MethodPost, h.url("/api/login"), strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`))
		req.Header.Set("Content-Type", "application/json")
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		cs := resp.Cookies()
		if resp.StatusCode != http.StatusOK || len(cs) != 2 || cs[0].Name != "parley_session" || cs[1].Name != "parley_device" {
			t.Fatalf("login: %s, cookies %v; want the session's and the device's", resp.Status, cs)
		}
		if cs[1].Secure != cs[0].Secure {
			t.Errorf("the session cookie is Secure=%v, the device cookie Secure=%v", cs[0].Secure, cs[1].Secure)
		}
		return cs[0]
	}
	c := login(h, "")
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure || len(c.Value) < 40 || c.MaxAge <= 0 {
		t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, a long token, not Secure over plain HTTP", c)
	}
	if c := login(h, "https"); !c.Secure {
		t.Errorf("behind a trusted proxy saying https: cookie not Secure")
	}
	untrusting := startOn(t, h.dbPath+"-2")
	untrusting.account("x", 0) // the database is fresh; accounts are per database
	if _, err := untrusting.srv.Accounts().Create(context.Background(), training.NewAccount{Username: username, Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	if c := login(untrusting, "https"); c.Secure {
		t.Errorf("X-Forwarded-Proto from a proxy nobody declared made the cookie Secure")
	}
}

// TestWebsocketNeedsSessionAndRole: without a session the websocket says
// login_required and closes 1008; an account with no role that plays may
// connect (to watch) but is refused play with forbidden; signing out
// closes a websocket the session opened, with login_required.
func TestWebsocketNeedsSessionAndRole(t *testing.T) {
	h := start(t)
	c := h.anonymous().dial()
	c.expectError(training.CodeLoginRequired)
	if _, err := c.RecvRaw(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Errorf("after login_required: %v, want close 1008", err)
	}
	mgr := h.login(h.account("Manager", training.Roles(training.RoleManager|training.RoleAdmin))).dial()
	mgr.send(client.Start(1, "short-call"))
	mgr.expectError(training.CodeForbidden)
	sam := h.trainee("Sam")
	other := h.login(sam.s.Who().Username) // the same account in another browser
	c = sam.dial()
	c.startGame("short-call")
	g2 := other.dial().startGame("short-call")
	if err := sam.s.Logout(context.Background()); err != nil {
		t.Fatal(err)
	}
	c.expectError(training.CodeLoginRequired)
	if _, err := c.RecvRaw(); !websocket.IsCloseError(err, websocket.ClosePolicyViolation) {
		t.Errorf("after logout: %v, want close 1008", err)
	}
	// The other browser's session is another session: it plays on.
	g2.choose(g2.Snapshot.Replies[0].ID)
}

// TestRoleMatrix: every route and the websocket, for anonymous and each
// role, get exactly the access docs/protocol.md gives them: the others 401
// (signed out) or 403 (no role that allows it). The table must list every
// route the server has.
func TestRoleMatrix(t *testing.T) {
	h := start(t)
	// who may use each route, as docs/protocol.md says; "" is anyone.
	const (
		anyone   = ""
		signedIn = "signed-in"
		player   = "trainee,trainer"
		manager  = "manager,admin"
		admin    = "admin"
	)
	type call struct {
		method, path string
		body         any
	}
	table := []struct {
		pattern string
		call    call
		who     string
	}{
		{"GET /healthz", call{"GET", "/healthz", nil}, anyone},
		{"POST /api/login", call{"POST", "/api/login", map[string]string{"username": "x", "password": "y"}}, anyone},
		{"POST /api/logout", call{"POST", "/api/logout", nil}, anyone},
		{"GET /api/links/{token}", call{"GET", "/api/links/nope", nil}, anyone},
		{"POST /api/links/{token}", call{"POST", "/api/links/nope", map[string]string{"password": testPassword}}, anyone},
		{"GET /api/me", call{"GET", "/api/me", nil}, signedIn},
		{"POST /api/me", call{"POST", "/api/me", map[string]string{"name": "Renamed"}}, signedIn},
		{"POST /api/me/password", call{"POST", "/api/me/password", map[string]string{"current": "x", "new": "y"}}, signedIn},
		{"POST /api/me/claim", call{"POST", "/api/me/claim", nil}, signedIn},
		{"GET /api/scenarios", call{"GET", "/api/scenarios", nil}, signedIn},
		{"GET /api/scenarios/{id}", call{"GET", "/api/scenarios/short-call", nil}, signedIn},
		{"GET /api/assignments", call{"GET", "/api/assignments", nil}, player},
		{"GET /api/attempts", call{"GET", "/api/attempts", nil}, player},
		{"GET /api/attempts/{id}", call{"GET", "/api/attempts/nope", nil}, player},
		{"GET /api/attempts/{id}/debrief", call{"GET", "/api/attempts/nope/debrief", nil}, signedIn},
		{"GET /api/attempts/{id}/comments", call{"GET", "/api/attempts/nope/comments", nil}, signedIn},
		{"POST /api/attempts/{id}/comments", call{"POST", "/api/attempts/nope/comments", map[string]any{"turn": 1, "body": "x"}}, signedIn},
		{"POST /api/attempts/{id}/shares", call{"POST", "/api/attempts/nope/shares", map[string]string{"username": "nobody"}}, player},
		{"POST /api/attempts/{id}/practice", call{"POST", "/api/attempts/nope/practice", map[string]int{"turn": 1}}, player},
		{"GET /api/cohorts", call{"GET", "/api/cohorts", nil}, manager},
		{"POST /api/cohorts", call{"POST", "/api/cohorts", map[string]string{"name": ""}}, manager},
		{"GET /api/cohorts/{id}", call{"GET", "/api/cohorts/nope", nil}, manager},
		{"GET /api/cohorts/{id}/review", call{"GET", "/api/cohorts/nope/review", nil}, manager},
		{"GET /api/cohorts/{id}/scenarios/{scenario}/heatmap", call{"GET", "/api/cohorts/nope/scenarios/short-call/heatmap", nil}, manager},
		{"POST /api/cohorts/{id}/members", call{"POST", "/api/cohorts/nope/members", map[string]string{"username": "x"}}, manager},
		{"DELETE /api/cohorts/{id}/members/{user}", call{"DELETE", "/api/cohorts/nope/members/x", nil}, manager},
		{"POST /api/cohorts/{id}/members/{user}/link", call{"POST", "/api/cohorts/nope/members/x/link", nil}, manager},
		{"POST /api/cohorts/{id}/managers", call{"POST", "/api/cohorts/nope/managers", map[string]string{"username": "x"}}, manager},
		{"PUT /api/cohorts/{id}/assignments/{scenario}", call{"PUT", "/api/cohorts/nope/assignments/short-call", map[string]any{}}, manager},
		{"DELETE /api/cohorts/{id}/assignments/{scenario}", call{"DELETE", "/api/cohorts/nope/assignments/short-call", nil}, manager},
		{"GET /api/reports/attempts.csv", call{"GET", "/api/reports/attempts.csv", nil}, manager},
		{"GET /api/trainees/{user}/attempts", call{"GET", "/api/trainees/nope/attempts", nil}, manager},
		{"GET /api/users", call{"GET", "/api/users", nil}, admin},
		{"POST /api/users", call{"POST", "/api/users", map[string]any{"username": "", "roles": []string{}}}, admin},
		{"PATCH /api/users/{username}", call{"PATCH", "/api/users/nobody", map[string]any{}}, admin},
		{"POST /api/users/{username}/link", call{"POST", "/api/users/nobody/link", nil}, admin},
		{"GET /api/legacy-users", call{"GET", "/api/legacy-users", nil}, admin},
		{"POST /api/legacy-users/{id}/claim", call{"POST", "/api/legacy-users/nope/claim", map[string]string{"username": "nobody"}}, admin},
		{"GET /api/", call{"GET", "/api/nothing-here", nil}, anyone},
		{"GET /ws", call{}, player}, // checked below, with a websocket
		{"GET /{$}", call{"GET", "/", nil}, anyone},
		{"GET /", call{"GET", "/style.css", nil}, anyone},
	}
	var listed []string
	for _, row := range table {
		listed = append(listed, row.pattern)
	}
	if got := h.srv.RoutePatterns(); !slices.Equal(listed, got) {
		t.Fatalf("the server's routes are\n%q\nthe matrix lists\n%q\nadd the new route, with who may use it", got, listed)
	}
	roles := map[string]training.Roles{
		"trainee": training.Roles(training.RoleTrainee), "trainer": training.Roles(training.RoleTrainer),
		"manager": training.Roles(training.RoleManager), "admin": training.Roles(training.RoleAdmin),
	}
	for _, role := range []string{"anonymous", "trainee", "trainer", "manager", "admin"} {
		browser := h.anonymous()
		if role != "anonymous" {
			browser = h.login(h.account(role, roles[role]))
		}
		for _, row := range table {
			if row.pattern == "POST /api/logout" {
				continue // last, below
			}
			allowed := row.who == anyone || (role != "anonymous" && (row.who == signedIn || strings.Contains(row.who, role)))
			if row.pattern == "GET /ws" {
				checkWebsocketAccess(t, browser, role, allowed)
				continue
			}
			status := browserCall(t, browser, row.call.method, row.call.path, row.call.body)
			refused := status == http.StatusUnauthorized || status == http.StatusForbidden
			if row.pattern == "POST /api/login" || row.pattern == "POST /api/me/password" {
				refused = status == http.StatusForbidden // a wrong password is 401 bad_login for anyone
			}
			switch {
			case allowed && refused:
				t.Errorf("%s %s: %d, want it allowed", role, row.pattern, status)
			case !allowed && role == "anonymous" && status != http.StatusUnauthorized:
				t.Errorf("%s %s: %d, want 401", role, row.pattern, status)
			case !allowed && role != "anonymous" && status != http.StatusForbidden:
				t.Errorf("%s %s: %d, want 403", role, row.pattern, status)
			}
		}
		if role == "anonymous" {
			if status := browserCall(t, browser, "POST", "/api/logout", nil); status != http.StatusNoContent {
				t.Errorf("anonymous logout: %d, want 204", status)
			}
			continue
		}
		// Logging out, last: the session ends, and with it every route that needs one.
		if status := browserCall(t, browser, "POST", "/api/logout", nil); status != http.StatusNoContent {
			t.Errorf("%s logout: %d", role, status)
		}
		if status := browserCall(t, browser, "GET", "/api/me", nil); status != http.StatusUnauthorized {
			t.Errorf("%s GET /api/me after logout: %d, want 401", role, status)
		}
	}
}

// browserCall makes one request with the browser's cookies and returns the
// status.
func browserCall(t *testing.T, tr *trainee, method, path string, body any) int {
	t.Helper()
	var ignore any
	var status int
	var err error
	switch method {
	case "GET":
		req, _ := http.NewRequest(method, tr.h.url(path), nil)
		resp, rerr := tr.s.HTTP().Do(req)
		if rerr != nil {
			t.Fatal(rerr)
		}
		resp.Body.Close()
		return resp.StatusCode
	case "POST":
		status, err = tr.s.Post(context.Background(), path, body, &ignore)
	default:
		status, err = tr.s.Send(context.Background(), method, path, body, &ignore)
	}
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return status
}

// checkWebsocketAccess opens the websocket and starts an attempt: a player
// gets a snapshot; anyone else an error frame and a close.
func checkWebsocketAccess(t *testing.T, tr *trainee, role string, allowed bool) {
	t.Helper()
	c := tr.dial()
	defer c.HangUp()
	if allowed {
		c.startGame("short-call")
		return
	}
	if role == "anonymous" {
		c.expectError(training.CodeLoginRequired)
		return
	}
	c.send(client.Start(1, "short-call")) // connected, but not to play
	c.expectError(training.CodeForbidden)
}

// TestCrossSiteRequestsAreRefused: a state-changing request that a browser
// marks as coming from another site is refused with 403 cross_origin, with
// a valid session too; from the server's own origin it goes through.
func TestCrossSiteRequestsAreRefused(t *testing.T) {
	h := start(t)
	sam := h.trainee("Sam")
	post := func(headers map[string]string) (int, string) {
		req, _ := http.NewRequest(http.MethodPost, h.url("/api/me"), strings.NewReader(`{"name":"Mallory was here"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := sam.s.HTTP().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body errorCode
		_ = jsonDecode(resp, &body)
		return resp.StatusCode, body.Error.Code
	}
	for _, hdr := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Origin": "http://evil.example"},
		{"Sec-Fetch-Site": "same-site", "Origin": "http://sub.example"},
	} {
		if status, code := post(hdr); status != http.StatusForbidden || code != "cross_origin" {
			t.Errorf("POST /api/me with %v: %d %q, want 403 cross_origin", hdr, status, code)
		}
	}
	var me client.Me
	sam.get("/api/me", &me)
	if me.Name != "Sam" {
		t.Fatalf("a refused cross-site request renamed the user to %q", me.Name)
	}
	if status, _ := post(map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": "http://" + h.addr}); status != http.StatusOK {
		t.Errorf("POST /api/me from the server's own origin: %d, want 200", status)
	}
}

// TestLoginRateLimit: after five failures for one username, even the right
// password waits, with 429 and Retry-After.
func TestLoginRateLimit(t *testing.T) {
	h := start(t)
	username := h.account("Sam", training.Roles(training.RoleTrainee))
	try := func(pw string) (int, string, string) {
		req, _ := http.NewRequest(http.MethodPost, h.url("/api/login"), strings.NewReader(`{"username":"`+username+`","password":"`+pw+`"}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body errorCode
		_ = jsonDecode(resp, &body)
		return resp.StatusCode, body.Error.Code, resp.Header.Get("Retry-After")
	}
	for i := range training.DefaultLoginLimits.PerAccount {
		if status, code, _ := try("wrong password " + strings.Repeat("!", i)); status != http.StatusUnauthorized || code != training.CodeBadLogin {
			t.Fatalf("failure %d: %d %q", i+1, status, code)
		}
	}
	status, code, retry := try(testPassword)
	if status != http.StatusTooManyRequests || code != training.CodeTooManyLogins || retry == "" || retry == "0" {
		t.Errorf("the right password after 5 failures: %d %q Retry-After %q, want 429 too_many_logins with a wait", status, code, retry)
	}
}

// TestKnownDeviceCookie: a login sets a cookie, sent only to the login,
// that marks the browser as a known device of the account; with it, its
// owner signs in though others' wrong passwords locked the username.
func TestKnownDeviceCookie(t *testing.T) {
	h := start(t)
	username := h.account("Sam", training.Roles(training.RoleTrainee))
	sam := h.login(username)
	resp, err := sam.s.HTTP().Post(h.url("/api/login"), "application/json",
		strings.NewReader(`{"username":"`+username+`","password":"`+testPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var device *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "parley_device" {
			device = c
		}
	}
	if device == nil || device.Value == "" || device.Path != "/api/login" || !device.HttpOnly ||
		device.SameSite != http.SameSiteStrictMode || device.MaxAge < 30*24*3600 {
		t.Fatalf("the device cookie: %+v; want one for /api/login only, HttpOnly, SameSite=Strict, kept for months", device)
	}
	stranger := h.anonymous()
	body := map[string]string{"username": username, "password": "not the password"}
	for range training.DefaultLoginLimits.PerAccount {
		stranger.post("/api/login", body, nil)
	}
	body["password"] = testPassword
	if status := stranger.post("/api/login", body, nil); status != http.StatusTooManyRequests {
		t.Fatalf("the right password from a new browser after 5 failures: %d, want 429", status)
	}
	if status := sam.post("/api/login", body, nil); status != http.StatusOK {
		t.Errorf("the owner's browser, a known device: %d, want 200", status)
	}
}

// TestInvitationLink: an admin creates an account and gets a one-time link;
// its owner reads what it is for, chooses a password through it and is
// signed in; the link then no longer works, and the password does.
func TestInvitationLink(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	admin := h.login(h.account("Admin", training.Roles(training.RoleAdmin)))
	made, err := admin.s.CreateUser(ctx, "New.Hire@Example.com", "New Hire", "trainee")
	if err != nil {
		t.Fatal(err)
	}
	if made.Account.Username != "new.hire@example.com" || made.Account.HasPassword || made.Link.Purpose != "invite" ||
		!strings.HasPrefix(made.Link.URL, "http://"+h.addr+"/#/link/") || time.Until(made.Link.Expires) < 71*time.Hour {
		t.Fatalf("created %+v", made)
	}
	if _, err := admin.s.CreateUser(ctx, "new.hire@example.com", "Again", "trainee"); statusCode(err) != "username_taken" {
		t.Errorf("the same username again: %v, want username_taken", err)
	}
	token := client.LinkToken(made.Link.URL)
	var info client.Link
	if status := h.anonymous().get("/api/links/"+token, &info); status != http.StatusOK || info.Username != "new.hire@example.com" || info.URL != "" {
		t.Errorf("GET the link: %d %+v", status, info)
	}
	if _, err := h.client().Redeem(ctx, token, "short"); statusCode(err) != training.CodeBadRequest {
		t.Errorf("a short password: %v, want bad_request", err)
	}
	hire, err := h.client().Redeem(ctx, token, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := hire.ScenarioIDs(ctx); err != nil || len(ids) == 0 {
		t.Errorf("the new trainee's scenarios: %v %v", ids, err)
	}
	if _, err := h.client().Redeem(ctx, token, testPassword+"2"); statusCode(err) != training.CodeLinkInvalid {
		t.Errorf("the link used twice: %v, want link_invalid", err)
	}
	h.login("new.hire@example.com")
}

// TestAdminDisablesAccount: disabling ends the account's sessions and
// closes its websockets; an admin cannot disable themselves or drop their
// own admin role.
func TestAdminDisablesAccount(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	adminName := h.account("Admin", training.Roles(training.RoleAdmin))
	admin := h.login(adminName)
	sam := h.trainee("Sam")
	c := sam.dial()
	c.startGame("short-call")
	var acc client.Account
	if status, err := admin.s.Send(ctx, http.MethodPatch, "/api/users/"+sam.s.Who().Username, map[string]any{"disabled": true}, &acc); err != nil || status != http.StatusOK || !acc.Disabled {
		t.Fatalf("disable: %d %v %+v", status, err, acc)
	}
	c.expectError(training.CodeLoginRequired)
	var body errorCode
	if status := sam.get("/api/attempts", &body); status != http.StatusUnauthorized {
		t.Errorf("a disabled account's session: %d, want 401", status)
	}
	if _, err := h.client().Login(ctx, sam.s.Who().Username, testPassword); statusCode(err) != training.CodeBadLogin {
		t.Errorf("a disabled account logs in: %v, want bad_login", err)
	}
	for _, body := range []map[string]any{{"disabled": true}, {"roles": []string{"trainee"}}} {
		if status, _ := admin.s.Send(ctx, http.MethodPatch, "/api/users/"+adminName, body, &acc); status != http.StatusForbidden {
			t.Errorf("an admin changing themselves with %v: %d, want 403", body, status)
		}
	}
}

// TestLegacyUserIsClaimed: a display-name user from before accounts, whose
// browser still holds the old cookie, signs in to an account, is offered
// the old attempts, and claims them.
func TestLegacyUserIsClaimed(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	const legacyID = "0123456789abcdef0123456789abcdef"
	if err := h.st.CreateAccount(ctx, training.Account{ID: legacyID, DisplayName: "Sam from before"}); err != nil {
		t.Fatal(err)
	}
	// An attempt of the legacy user, played before accounts: made here by
	// giving a fresh account's attempt to it is not possible, so play as an
	// account and move the attempt in the database, as the old server wrote it.
	old := h.trainee("Old")
	g := old.dial().startGame("short-call")
	if _, err := h.st.ClaimLegacy(ctx, legacyID, legacyID); err == nil {
		t.Fatal("ClaimLegacy onto a legacy user succeeded")
	}
	moveAttempt(t, h, g.ID, legacyID)

	sam := h.trainee("Sam")
	sam.s.HTTP().Jar.SetCookies(mustURL(t, h.url("/")), []*http.Cookie{{Name: "parley_user", Value: legacyID, Path: "/"}})
	var me client.Me
	sam.get("/api/me", &me)
	if me.Legacy == nil || me.Legacy.Name != "Sam from before" || me.Legacy.Attempts != 1 {
		t.Fatalf("GET /api/me with the old cookie: %+v, want the legacy user offered", me)
	}
	var claimed map[string]int
	if status := sam.post("/api/me/claim", nil, &claimed); status != http.StatusOK || claimed["attempts"] != 1 {
		t.Fatalf("claim: %d %v", status, claimed)
	}
	list, err := sam.s.Attempts(ctx)
	if err != nil || len(list) != 1 || list[0].ID != g.ID {
		t.Errorf("after the claim, attempts %+v %v, want the old one", list, err)
	}
	var after client.Me
	sam.get("/api/me", &after)
	if after.Legacy != nil {
		t.Errorf("after the claim /api/me still offers %+v", after.Legacy)
	}
}

func mustURL(t *testing.T, raw string) *url.URL {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func jsonDecode(resp *http.Response, v any) error { return json.NewDecoder(resp.Body).Decode(v) }

// statusCode is the error code of a client call's *client.StatusError, or
// the error itself when it is something else.
func statusCode(err error) string {
	if se, ok := errors.AsType[*client.StatusError](err); ok {
		return se.Code
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// moveAttempt gives an attempt to another user in the database, as a
// server from before accounts would have stored it.
func moveAttempt(t *testing.T, h *harness, id, userID string) {
	t.Helper()
	db, err := sql.Open("sqlite", h.dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE attempts SET user_id = ? WHERE id = ?", userID, id); err != nil {
		t.Fatal(err)
	}
}
