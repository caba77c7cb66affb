// Package browsertest drives Parley's browser UI with Debian's Chromium
// (through chromedp) against the real server: an App (webui/app), as
// `parley serve` starts it, over a real SQLite file with the bundled scenarios.
// Everyone signs in: the tests make accounts in the App (server.account,
// server.trainee) and sign the browser in through the sign-in page
// (page.signIn).
//
// Without a browser the tests skip, saying so; with PARLEY_REQUIRE_BROWSER=1
// (as in CI) a missing browser or a missing axe-core (npm ci in this folder)
// fails them instead. PARLEY_SCREENSHOTS=DIR saves full-page screenshots of
// each view there.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"parley/engine"
	"parley/scenarios"
	"parley/webui"
	"parley/webui/app"
	"parley/webui/training"
)

// bundled are the bundled scenarios, compiled once as `parley serve` does
// (scenarios.Bundled, scenarios.Load): a compiled scenario is safe to share.
var bundled = sync.OnceValues(func() ([]webui.Scenario, error) {
	var out []webui.Scenario
	for _, f := range scenarios.Bundled() {
		sc, problems := scenarios.Load(f)
		if sc == nil || problems.HasErrors() {
			return nil, fmt.Errorf("bundled scenario %s does not load: %v", f.Name, problems)
		}
		out = append(out, webui.Scenario{Compiled: sc, Source: f.Src})
	}
	return out, nil
})

// scenario returns the bundled scenario with this id, compiled afresh from
// its file, for replaying an attempt with the engine directly.
func scenario(t *testing.T, id string) *engine.Scenario {
	t.Helper()
	for _, f := range scenarios.Bundled() {
		sc, problems := scenarios.Load(f)
		if sc != nil && !problems.HasErrors() && sc.ID == id {
			return sc
		}
	}
	t.Fatalf("no bundled scenario %q", id)
	return nil
}

// server is the real web server on a SQLite file, stoppable and restartable
// on the same file and the same address.
type server struct {
	t      *testing.T
	dbPath string
	addr   string   // host:port it listens on
	stop   func()   // graceful shutdown, then the store is closed; idempotent
	app    *app.App // the running App: its accounts, its store, the first run's setup link
}

// startServer starts a server on a new database on 127.0.0.1:0. Every
// test here drives a browser, so it first makes sure there is one (or
// skips the test).
func startServer(t *testing.T) *server {
	t.Helper()
	browserPath(t)
	return startServerOn(t, filepath.Join(t.TempDir(), "parley.db"), "127.0.0.1:0")
}

// startServerOn starts a server (an App) on the database at dbPath,
// listening on addr, configured as these tests always were: the bundled
// scenarios, on offer at once (no analysis), webui's default connection
// limits, an 8 s graceful shutdown (net/http's Shutdown waits up to 5 s for
// a connection that has not sent a request yet, and Chromium opens spare
// ones while a page fetches several things at once: a 5 s wait would end
// first, now and then); and cheap password hashes, so that
// signing in costs the tests nothing. A just-freed port may take a moment to
// be free again: retry a while.
func startServerOn(t *testing.T, dbPath, addr string) *server {
	t.Helper()
	list, err := bundled()
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
	asBefore := func(c *webui.Config) {
		c.Analyse, c.MaxWebsockets, c.MaxConnections, c.ShutdownWait = nil, 0, 0, 8*time.Second
		c.Passwords = cheapPasswords
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		a := app.New(app.Options{Addr: addr, DB: dbPath, Offer: list, Configure: []func(*webui.Config){asBefore}}, log)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Run(ctx) }()
		<-a.Ready()
		if a.URL() == "" {
			cancel()
			err := <-done
			if errors.Is(err, syscall.EADDRINUSE) && time.Now().Before(deadline) {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			t.Fatal(err)
		}
		s := &server{t: t, dbPath: dbPath, addr: strings.TrimSuffix(strings.TrimPrefix(a.URL(), "http://"), "/"), app: a}
		s.stop = sync.OnceFunc(func() {
			cancel()
			select {
			case err := <-done: // Run, then closing the database
				if err != nil && !errors.Is(err, context.Canceled) {
					t.Errorf("server Run: %v", err)
				}
			case <-time.After(20 * time.Second):
				t.Errorf("server did not shut down within 20s")
			}
		})
		t.Cleanup(s.stop)
		return s
	}
}

// restart stops the server gracefully and starts a new one on the same
// database and address.
func (s *server) restart() *server {
	s.t.Helper()
	s.stop()
	return startServerOn(s.t, s.dbPath, s.addr)
}

func (s *server) url() string { return "http://" + s.addr + "/" }

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// cheapPasswords are argon2id costs that take no time: the tests make and
// check many passwords, and what they test is not the hash.
var cheapPasswords = training.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}

// user is an account the tests made, with its password.
type user struct {
	Username, Name, Password string
	Roles                    training.Roles
}

// account makes an account with a password on the running server.
func (s *server) account(username, name string, roles training.Roles) user {
	s.t.Helper()
	u := user{Username: username, Name: name, Password: "correct horse " + username, Roles: roles}
	if _, err := s.app.Server().Accounts().Create(context.Background(), training.NewAccount{
		Username: u.Username, DisplayName: u.Name, Password: u.Password, Roles: roles,
	}); err != nil {
		s.t.Fatalf("create account %s: %v", username, err)
	}
	return u
}

// trainee makes a trainee called name, whose username is the name in lower
// case with dots for spaces ("Riley Reload": riley.reload).
func (s *server) trainee(name string) user {
	s.t.Helper()
	return s.account(strings.ReplaceAll(strings.ToLower(name), " ", "."), name, training.Roles(training.RoleTrainee))
}

// legacy makes a user from before accounts (a display name kept in a
// browser cookie, with no username) who has started one attempt on each of
// the first n bundled scenarios, and returns its id: the value of the
// parley_user cookie that names it.
func (s *server) legacy(name string, n int) string {
	s.t.Helper()
	ctx := context.Background()
	st := s.app.Store()
	id := training.NewID()
	if err := st.CreateAccount(ctx, training.Account{ID: id, DisplayName: name, CreatedAt: time.Now()}); err != nil {
		s.t.Fatalf("create the legacy user %s: %v", name, err)
	}
	list, err := bundled()
	if err != nil {
		s.t.Fatal(err)
	}
	for _, sc := range list[:n] {
		state, err := training.EncodeState(sc.Compiled.Start(1).State())
		if err != nil {
			s.t.Fatal(err)
		}
		if err := st.CreateAttempt(ctx, training.Attempt{ID: training.NewID(), UserID: id, ScenarioID: sc.Compiled.ID,
			Version: sc.Compiled.Version, Seed: 1, State: state}); err != nil {
			s.t.Fatalf("an attempt of %s on %s: %v", name, sc.Compiled.ID, err)
		}
	}
	return id
}
