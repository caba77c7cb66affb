package loadtest

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"parley/webui/client"
)

// signInWorkers is how many accounts are signed in at once: the server
// hashes at most as many passwords at a time as it has cores.
const signInWorkers = 8

// signInResult is what signing the simulated trainees in cost.
type signInResult struct {
	accounts int
	wall     time.Duration
	cpu      time.Duration // this process's CPU time (in-process: mostly the server's argon2id)
	server   time.Duration // the server processes' CPU time, when they are known
}

// adminSession signs in as an admin: in-process, through the new server's
// setup link; against a running server, with Options.Admin and
// AdminPassword.
func (tg *target) adminSession(ctx context.Context, o Options) (*client.Session, error) {
	if tg.admin != nil {
		return tg.admin, nil
	}
	cl := tg.client()
	var err error
	switch {
	case tg.setupLink != "":
		tg.admin, err = cl.Redeem(ctx, client.LinkToken(tg.setupLink), randomPassword())
	case o.Admin != "":
		tg.admin, err = cl.Login(ctx, o.Admin, o.AdminPassword)
	default:
		err = errors.New("loadtest: no admin to create the trainees' accounts with: pass --admin and PARLEY_LOADTEST_PASSWORD")
	}
	if err != nil {
		return nil, fmt.Errorf("loadtest: sign in as admin: %w", err)
	}
	return tg.admin, nil
}

// signIn creates n trainee accounts as the admin and signs each in through
// its invitation link, as a new hire would: every account is real, and
// each sign-in costs the server one argon2id hash.
func signIn(ctx context.Context, tg *target, o Options, kind string, n int, log *slog.Logger) ([]*client.Session, signInResult, error) {
	admin, err := tg.adminSession(ctx, o)
	if err != nil {
		return nil, signInResult{}, err
	}
	log.Info("creating and signing in accounts", "kind", kind, "accounts", n)
	run := strings.ToLower(rand.Text()[:6]) // usernames new on a server that ran before
	sessions := make([]*client.Session, n)
	errs := make([]error, n)
	cl := tg.client()
	start, cpu, server := time.Now(), processCPU(), tg.procs.cpuNow()
	var next atomic.Int64
	stopProgress := logProgress(log, kind, n, &next)
	defer stopProgress()
	var wg sync.WaitGroup
	for range min(signInWorkers, n) {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < n && ctx.Err() == nil; k = int(next.Add(1) - 1) {
				username := fmt.Sprintf("load-%s-%s-%d", run, kind, k+1)
				made, err := admin.CreateUser(ctx, username, fmt.Sprintf("Load %s %d", kind, k+1), "trainee")
				if err == nil {
					sessions[k], err = cl.Redeem(ctx, client.LinkToken(made.Link.URL), randomPassword())
				}
				errs[k] = err
			}
		})
	}
	wg.Wait()
	res := signInResult{accounts: n, wall: time.Since(start), cpu: processCPU() - cpu, server: tg.procs.cpuNow() - server}
	if err := errors.Join(append(errs, ctx.Err())...); err != nil {
		return nil, res, fmt.Errorf("loadtest: sign in %s accounts: %w", kind, err)
	}
	return sessions, res, nil
}

// progressEvery is how often a long sign-in says how far it got.
const progressEvery = 15 * time.Second

// logProgress logs how many of n accounts have been started, every
// progressEvery, until stop is called.
func logProgress(log *slog.Logger, kind string, n int, started *atomic.Int64) (stop func()) {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				log.Info("signing in", "kind", kind, "started", min(int(started.Load()), n), "of", n)
			}
		}
	}()
	return func() { close(done) }
}

// signInTrainees makes sure at least n trainees are signed in (tg.tokens),
// signing in the ones missing, and adds what that cost to res.
func (tg *target) signInTrainees(ctx context.Context, o Options, n int, res *signInResult, log *slog.Logger) error {
	if n <= len(tg.tokens) {
		return nil
	}
	sessions, cost, err := signIn(ctx, tg, o, "trainee", n-len(tg.tokens), log)
	res.accounts += cost.accounts
	res.wall += cost.wall
	res.cpu += cost.cpu
	res.server += cost.server
	if err != nil {
		return err
	}
	for _, s := range sessions {
		tg.tokens = append(tg.tokens, s.Token())
	}
	if o.SessionsFile != "" {
		return tg.saveSessions(o.SessionsFile)
	}
	return nil
}

// randomPassword is a fresh password long enough for the server's policy.
func randomPassword() string { return "load " + rand.Text() }
