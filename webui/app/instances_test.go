package app

import (
	"context"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"parley/webui"
	"parley/webui/client"
	"parley/webui/postgres/pgtest"
	"parley/webui/training"
)

// twoInstances starts two Apps on one new PostgreSQL database and signs
// in, through the first, its admin, a manager Ann and her cohort's trainee
// Sam.
type twoInstances struct {
	a, b     *App
	ann, sam *client.Session // signed in; use On to reach an instance
}

func startTwoInstances(t *testing.T, configure ...func(*webui.Config)) *twoInstances {
	t.Helper()
	db := pgtest.New(t).URL
	fast := func(c *webui.Config) { c.AnnounceEvery = 300 * time.Millisecond }
	configure = append([]func(*webui.Config){fast}, configure...)
	a, _ := startApp(t, db, configure...)
	ctx := context.Background()
	ca := client.New(a.URL(), nil)
	admin, err := ca.Redeem(ctx, client.LinkToken(a.SetupLink()), "a long admin password")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := startApp(t, db, configure...)
	made, err := admin.CreateUser(ctx, "ann", "Ann", "manager")
	if err != nil {
		t.Fatal(err)
	}
	ann, err := ca.Redeem(ctx, client.LinkToken(made.Link.URL), "a long manager password")
	if err != nil {
		t.Fatal(err)
	}
	cohort, err := ann.CreateCohort(ctx, "Wave 1")
	if err != nil {
		t.Fatal(err)
	}
	added, err := ann.Invite(ctx, cohort.ID, "sam", "Sam")
	if err != nil || added.Link == nil {
		t.Fatalf("invite sam: %+v, %v", added, err)
	}
	sam, err := ca.Redeem(ctx, client.LinkToken(added.Link.URL), "a long trainee password")
	if err != nil {
		t.Fatal(err)
	}
	return &twoInstances{a: a, b: b, ann: ann, sam: sam}
}

// dial opens a websocket of s on app.
func dial(t *testing.T, s *client.Session, app *App) *client.Conn {
	t.Helper()
	conn, err := s.On(client.New(app.URL(), nil)).Dial(context.Background(), nil, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	conn.Timeout = 10 * time.Second
	t.Cleanup(conn.HangUp)
	return conn
}

// awaitWatchers reads watched frames on conn until one says want.
func awaitWatchers(t *testing.T, conn *client.Conn, want []string) {
	t.Helper()
	for {
		w, err := client.Next[client.Watched](conn)
		if err != nil {
			t.Fatalf("waiting to be told %v watch: %v", want, err)
		}
		if slices.Equal(w.Watchers, want) || len(w.Watchers) == 0 && len(want) == 0 {
			return
		}
	}
}

// TestWatchAcrossInstances: a manager watching a trainee's call live sees
// it whichever instances the two are on (the same turn frames the trainee
// gets), and the trainee is told who watches, both ways: the trainee on A
// and the watcher on B, then the trainee on B and the watcher on A.
func TestWatchAcrossInstances(t *testing.T) {
	in := startTwoInstances(t)
	play := dial(t, in.sam, in.a)
	g, err := play.Start(1, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	watcher := dial(t, in.ann, in.b)
	if err := watcher.Send(client.Watch(1, g.ID)); err != nil {
		t.Fatal(err)
	}
	if snap, err := client.Next[client.Snapshot](watcher); err != nil || snap.Attempt.ID != g.ID {
		t.Fatalf("the watcher's snapshot: %+v, %v", snap, err)
	}
	awaitWatchers(t, play, []string{"Ann"}) // told on A that Ann watches on B
	for _, reply := range []string{"ask", "ask"} {
		mine, err := g.Choose(reply)
		if err != nil {
			t.Fatal(err)
		}
		seen, err := client.Next[client.Turn](watcher)
		if err != nil || !reflect.DeepEqual(seen, mine) {
			t.Fatalf("the watcher on B saw\n%+v, %v\nwhere the trainee on A got\n%+v", seen, err, mine)
		}
	}

	// The other way round: the trainee reconnects to B, the watcher to A.
	play.HangUp()
	watcher.HangUp()
	watcher = dial(t, in.ann, in.a)
	if err := watcher.Send(client.Watch(1, g.ID)); err != nil {
		t.Fatal(err)
	}
	if snap, err := client.Next[client.Snapshot](watcher); err != nil || snap.Attempt.Turn != 2 {
		t.Fatalf("the watcher's snapshot on A: %+v, %v; want turn 2", snap.Attempt, err)
	}
	play = dial(t, in.sam, in.b)
	deadline := time.Now().Add(10 * time.Second)
	for { // B learns within a moment that Ann watches on A
		g, err = play.Resume(1, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(play.Watchers, []string{"Ann"}) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("resumed on B, the trainee was told %v watch; want Ann", play.Watchers)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if g.LastSeq != 2 || g.Snapshot.Attempt.Turn != 2 {
		t.Fatalf("resumed on B at %+v; want turn 2, last seq 2", g.Snapshot.Attempt)
	}
	mine, err := g.Choose("rude") // ends the call
	if err != nil {
		t.Fatal(err)
	}
	seen, err := client.Next[client.Turn](watcher)
	if err != nil || !reflect.DeepEqual(seen, mine) {
		t.Fatalf("the watcher on A saw\n%+v, %v\nwhere the trainee on B got\n%+v", seen, err, mine)
	}
	mineEnd, err := client.Next[client.Ended](play)
	if err != nil {
		t.Fatal(err)
	}
	if e, err := client.Next[client.Ended](watcher); err != nil || !reflect.DeepEqual(e, mineEnd) {
		t.Fatalf("the watcher on A saw the end as %+v, %v; the trainee got %+v", e, err, mineEnd)
	}
	watcher.HangUp()
	awaitWatchers(t, play, nil) // told on B that Ann left A
}

// TestRaceAcrossInstancesAnswersAsRepeatedSeq: one trainee sends the same
// seq to both instances at once, round after round. One instance applies
// it (turn and ack); the other answers as for a repeated seq (the ack
// alone), and the attempt holds each turn once.
func TestRaceAcrossInstancesAnswersAsRepeatedSeq(t *testing.T) {
	in := startTwoInstances(t)
	onA, onB := dial(t, in.sam, in.a), dial(t, in.sam, in.b)
	g, err := onA.Start(1, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := onB.Resume(1, g.ID); err != nil { // B holds it in memory too
		t.Fatal(err)
	}
	const rounds = 12
	for seq := int64(1); seq <= rounds; seq++ {
		var turns [2]bool
		var errs [2]error
		var wg sync.WaitGroup
		for i, conn := range []*client.Conn{onA, onB} {
			wg.Go(func() { turns[i], errs[i] = chooseRaw(conn, seq, g.ID) })
		}
		wg.Wait()
		if errs[0] != nil || errs[1] != nil {
			t.Fatalf("seq %d: %v; %v", seq, errs[0], errs[1])
		}
		if turns[0] == turns[1] {
			t.Fatalf("seq %d: a turn on A %v, on B %v; want exactly one, and the ack alone on the other", seq, turns[0], turns[1])
		}
	}
	g, err = onA.Resume(2, g.ID)
	if err != nil || g.LastSeq != rounds || len(g.Snapshot.Transcript) != rounds {
		t.Fatalf("after %d rounds: last seq %d, %d turns, %v", rounds, g.LastSeq, len(g.Snapshot.Transcript), err)
	}
}

// TestPracticeCapAcrossInstances: a trainee asks both instances for many
// practice runs at once. The database holds the cap: exactly
// MaxActivePracticeRuns are made, and every other request is refused with
// too_many_practice_runs. The start limit is off, so it cannot be what
// holds.
func TestPracticeCapAcrossInstances(t *testing.T) {
	in := startTwoInstances(t, func(c *webui.Config) { c.StartBurst = -1 })
	g, err := dial(t, in.sam, in.a).Start(1, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Choose("ask"); err != nil {
		t.Fatal(err)
	}
	if _, err := g.GiveUp(); err != nil {
		t.Fatal(err)
	}
	const requests = 3 * webui.MaxActivePracticeRuns
	on := []*client.Session{in.sam.On(client.New(in.a.URL(), nil)), in.sam.On(client.New(in.b.URL(), nil))}
	errs := make([]error, requests)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range requests {
		wg.Go(func() {
			<-gate
			_, errs[i] = on[i%2].Practise(context.Background(), g.ID, 1)
		})
	}
	close(gate)
	wg.Wait()
	made := 0
	for i, err := range errs {
		se, refused := errors.AsType[*client.StatusError](err)
		switch {
		case err == nil:
			made++
		case !refused || se.Code != "too_many_practice_runs":
			t.Errorf("request %d: %v, want 201 or 409 too_many_practice_runs", i, err)
		}
	}
	if made != webui.MaxActivePracticeRuns {
		t.Errorf("%d practice requests at once on two instances made %d practice runs, want %d",
			requests, made, webui.MaxActivePracticeRuns)
	}
}

// chooseRaw sends choose "ask" with seq and reads up to its ack: whether a
// turn came first.
func chooseRaw(conn *client.Conn, seq int64, attempt string) (turn bool, err error) {
	if err := conn.Send(client.Choose(seq, attempt, "ask")); err != nil {
		return false, err
	}
	for {
		f, err := conn.Recv()
		if err != nil {
			return turn, err
		}
		switch f.Type {
		case client.FrameTurn:
			turn = true
		case client.FrameAck:
			if f.Seq == seq {
				return turn, nil
			}
		}
	}
}

// TestOneSetupLinkForSeveralInstances: on a new database only the instance
// that leads prints the admin's setup link, so a second instance started
// before the link is used prints none and leaves the first one's working.
func TestOneSetupLinkForSeveralInstances(t *testing.T) {
	db := pgtest.New(t).URL
	a, _ := startApp(t, db)
	b, _ := startApp(t, db)
	if a.SetupLink() == "" || b.SetupLink() != "" {
		t.Fatalf("setup links: first instance %q, second %q; want one from the first only", a.SetupLink(), b.SetupLink())
	}
	admin, err := client.New(b.URL(), nil).Redeem(context.Background(), client.LinkToken(a.SetupLink()), "a long admin password")
	if err != nil || admin == nil {
		t.Fatalf("the first instance's link, redeemed on the second after it started: %v; want it to work", err)
	}
}

// TestNewPasswordKeepsItsOwnWebsockets: a trainee changes their password
// on one instance and at once opens a websocket on another with the new
// session, before that instance hears (here three seconds late) that the
// trainee's websockets must end. It closes the old session's websocket,
// never the new one's.
func TestNewPasswordKeepsItsOwnWebsockets(t *testing.T) {
	const late = 3 * time.Second
	armed := &atomic.Bool{} // delay only the notice of the password change
	in := startTwoInstances(t, func(c *webui.Config) {
		if c.Broadcast != nil && c.AnnounceEvery != 0 {
			c.Broadcast = lateBroadcast{c.Broadcast, late, armed}
		}
	})
	ctx := context.Background()
	old := dial(t, in.sam, in.b)
	armed.Store(true)
	onA := in.sam.On(client.New(in.a.URL(), nil))
	status, err := onA.Post(ctx, "/api/me/password", map[string]string{"current": "a long trainee password", "new": "another long trainee password"}, nil)
	if err != nil || status != http.StatusOK {
		t.Fatalf("change the password: %d %v", status, err)
	}
	changed := time.Now()
	fresh := dial(t, in.sam, in.b) // the new session's cookie, shared by host
	if time.Since(changed) >= late {
		t.Fatalf("the new websocket took %v to open, longer than the notice's delay", time.Since(changed))
	}
	signedOut := false
	for {
		data, err := old.RecvRaw()
		if err != nil {
			break
		}
		signedOut = signedOut || strings.Contains(string(data), training.CodeLoginRequired)
	}
	if !signedOut {
		t.Fatal("the old session's websocket on the other instance closed without saying login_required")
	}
	if _, err := fresh.Start(1, "short-call"); err != nil {
		t.Errorf("the new session's websocket, once the notice came: %v", err)
	}
}

// lateBroadcast hands the end_user notices other instances publish to its
// listener late, as a slow network would, once armed.
type lateBroadcast struct {
	training.Broadcast
	late  time.Duration
	armed *atomic.Bool
}

func (b lateBroadcast) Listen(ctx context.Context, f func(training.LiveEvent)) {
	b.Broadcast.Listen(ctx, func(e training.LiveEvent) {
		if e.Kind == training.LiveEndUser && b.armed.Load() {
			time.Sleep(b.late)
		}
		f(e)
	})
}
