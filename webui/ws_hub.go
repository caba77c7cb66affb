package webui

import (
	"context"
	"log/slog"
	"parley/webui/training"
	"slices"
	"sync"
	"time"
)

// hub knows every open websocket, to say going_away to all of them, and
// who watches which attempt live. With a Broadcast (instances sharing a
// PostgreSQL database) it also hears and tells the other instances
// (ws_hub_remote.go).
type hub struct {
	mu      sync.Mutex
	clients map[*client]struct{}
	// watchers are the connections watching each attempt live, with what
	// each has seen, and owners the trainee each watched attempt belongs to.
	watchers map[string]map[*client]*watchPos
	owners   map[string]string
	closed   bool
	wg       sync.WaitGroup // one count per client (its reader goroutine)

	remote *remoteHub // nil: one process, nothing crosses

	// peek reads an attempt as stored, to catch a watcher up; bg counts
	// the catch-ups running, which stop with bgCtx.
	peek      func(ctx context.Context, id string) (training.Snapshot, error)
	catching  map[string]bool // attempt: a catch-up runs; true: run it once more after
	bgCtx     context.Context
	bgStop    context.CancelFunc
	bgStopped bool
	bg        sync.WaitGroup
	log       *slog.Logger
}

// watchPos is how far a watcher has seen its attempt: turns and whether it
// was told the end. Frames go to a watcher in order and never twice,
// whichever instance the trainee plays on.
type watchPos struct {
	turns int
	ended bool
}

func newHub(log *slog.Logger) *hub {
	h := &hub{clients: map[*client]struct{}{}, watchers: map[string]map[*client]*watchPos{}, owners: map[string]string{},
		catching: map[string]bool{}, log: log}
	h.bgCtx, h.bgStop = context.WithCancel(context.Background())
	return h
}

// add registers c and counts its reader goroutine; false once shutting down.
func (h *hub) add(c *client) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.clients[c] = struct{}{}
	h.wg.Add(1)
	return true
}

func (h *hub) remove(c *client) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

// goAway sends going_away and a close to every client and waits for them
// to finish, including any message being committed. Clients still open when
// ctx ends are cut; goAway returns how many.
func (h *hub) goAway(ctx context.Context) int {
	for _, c := range h.shut() {
		c.goAway()
	}
	done := make(chan struct{})
	go func() { h.wg.Wait(); close(done) }()
	select {
	case <-done:
		return 0
	case <-ctx.Done():
	}
	cut := h.shut()
	for _, c := range cut {
		c.kill()
	}
	<-done // a message being handled still finishes its commit
	return len(cut)
}

// shut refuses new clients and lists the open ones.
func (h *hub) shut() []*client {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	out := make([]*client, 0, len(h.clients))
	for c := range h.clients {
		out = append(out, c)
	}
	return out
}

// endSession closes, with a login_required frame, every websocket opened by
// the session whose token is given (it signed out).
func (h *hub) endSession(token string) {
	hash := training.HashToken(token)
	h.endSessionHash(hash)
	h.remote.publish(training.LiveEvent{Kind: training.LiveEndSession, Session: hash})
}

func (h *hub) endSessionHash(hash string) {
	h.signOut(func(c *client) bool { return c.session == hash })
}

// endUser closes, with a login_required frame, the websockets of the user
// (disabled, or their password changed): here every one but those of the
// session keep (a token; "" keeps none), the one that replaced the others;
// on the other instances those whose session has ended (recheckUser).
func (h *hub) endUser(userID, keep string) {
	if keep != "" {
		keep = training.HashToken(keep)
	}
	h.signOut(func(c *client) bool { return c.user.ID == userID && c.session != keep })
	h.remote.publish(training.LiveEvent{Kind: training.LiveEndUser, User: userID})
}

// recheckUser checks the session of each of the user's websockets here
// again, in the background, and closes those whose session has ended:
// another instance disabled the user or changed their password. A
// websocket opened since by a new session stays open, however late the
// news came.
func (h *hub) recheckUser(userID string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.bgStopped {
		return
	}
	var theirs []*client
	for c := range h.clients {
		if c.user.ID == userID {
			theirs = append(theirs, c)
		}
	}
	if len(theirs) == 0 {
		return
	}
	for _, c := range theirs {
		h.bg.Go(func() { c.recheck(h.bgCtx) })
	}
}

func (h *hub) signOut(match func(*client) bool) {
	h.mu.Lock()
	var out []*client
	for c := range h.clients {
		if match(c) {
			out = append(out, c)
		}
	}
	h.mu.Unlock()
	for _, c := range out {
		c.signedOut()
	}
}

// watchedFrame tells a trainee's connections who is watching their call.
type watchedFrame struct {
	Type     string   `json:"type"` // "watched"
	Attempt  string   `json:"attempt"`
	Watchers []string `json:"watchers"` // display names; empty when no one watches any more
}

// watch makes c watch the attempt a, whose snapshot it was just sent,
// instead of what it watched before, and tells the trainee (on every
// instance).
func (h *hub) watch(c *client, a training.Attempt) {
	h.unwatch(c)
	h.mu.Lock()
	if h.watchers[a.ID] == nil {
		h.watchers[a.ID] = map[*client]*watchPos{}
	}
	h.watchers[a.ID][c] = &watchPos{turns: a.Turns, ended: a.Status != training.StatusActive}
	h.owners[a.ID] = a.UserID
	c.watching = a.ID
	c.watchCheck = time.AfterFunc(c.srv.cfg.RecheckEvery, func() { h.checkWatch(c, a.ID) })
	h.mu.Unlock()
	h.watchersChanged(a.ID)
}

// unwatch stops c watching, and tells the trainee.
func (h *hub) unwatch(c *client) { h.unwatchIf(c, "") }

// unwatchIf stops c watching attempt (any, when ""), and tells the
// trainee; it reports whether c was watching it.
func (h *hub) unwatchIf(c *client, attempt string) bool {
	h.mu.Lock()
	if c.watching == "" || (attempt != "" && c.watching != attempt) {
		h.mu.Unlock()
		return false
	}
	attempt = c.watching
	c.watching = ""
	c.watchCheck.Stop()
	delete(h.watchers[attempt], c)
	h.mu.Unlock()
	h.watchersChanged(attempt)
	return true
}

// checkWatch checks, every RecheckEvery while c watches attempt, that c's
// user may still watch it: a manager signed out, disabled, no longer a
// manager, or whose trainee left their cohorts stops watching, and is told
// why.
func (h *hub) checkWatch(c *client, attempt string) {
	ctx, cancel := context.WithTimeout(context.Background(), messageTimeout)
	defer cancel()
	u, err := c.current(ctx)
	if err == nil {
		err = c.srv.svc.MayWatch(ctx, u, attempt)
	}
	if code := training.AsError(err).Code; err != nil && code != training.CodeInternal {
		if !h.unwatchIf(c, attempt) {
			return // it watches another call now, checked when it began
		}
		if code == training.CodeLoginRequired {
			c.signedOut()
		} else {
			c.sendError(0, err) // queued: this timer never waits on the browser
		}
		return
	}
	// An internal error (the database) is not a refusal: check again later,
	// until the watcher has seen the call end (nothing more is sent then).
	h.mu.Lock()
	if pos := h.watchers[attempt][c]; c.watching == attempt && pos != nil && !pos.ended {
		c.watchCheck.Reset(c.srv.cfg.RecheckEvery)
	}
	h.mu.Unlock()
}

// watchersChanged tells the trainee, here and on the other instances, who
// watches attempt now.
func (h *hub) watchersChanged(attempt string) {
	h.mu.Lock()
	owner, names := h.owners[attempt], h.localNames(attempt)
	h.mu.Unlock()
	h.tellOwner(attempt, owner)
	h.remote.publish(training.LiveEvent{Kind: training.LiveWatchers, Attempt: attempt, Owner: owner, Watchers: names})
}

// localNames are the display names of this instance's watchers of
// attempt, one per connection. The caller holds h.mu.
func (h *hub) localNames(attempt string) []string {
	names := []string{}
	for w := range h.watchers[attempt] {
		names = append(names, w.user.Name)
	}
	slices.Sort(names)
	return names
}

// tellOwner sends the attempt's trainee owner, on every connection of
// theirs here, who watches it now, on any instance.
func (h *hub) tellOwner(attempt, owner string) {
	h.mu.Lock()
	names := append(h.localNames(attempt), h.remote.names(attempt)...)
	if len(h.watchers[attempt]) == 0 {
		delete(h.watchers, attempt)
		delete(h.owners, attempt)
	}
	var to []*client
	for c := range h.clients {
		if c.user.ID == owner {
			to = append(to, c)
		}
	}
	h.mu.Unlock()
	slices.Sort(names)
	for _, c := range to {
		c.sendFrame(watchedFrame{Type: "watched", Attempt: attempt, Watchers: names})
	}
}

// watchersOf lists the display names of whoever watches attempt, on any
// instance, once each.
func (h *hub) watchersOf(attempt string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var names []string
	for _, name := range append(h.localNames(attempt), h.remote.names(attempt)...) {
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// toWatchers forwards what a trainee's message produced (turn and ended
// frames; never the ack, which answers the trainee's own seq) to the
// connections watching the attempt here, each frame once and in order, and
// tells the other instances that the attempt moved on when someone watches
// it there.
func (h *hub) toWatchers(attempt string, frames []any) {
	h.mu.Lock()
	behind := false
	for c, pos := range h.watchers[attempt] {
		for _, f := range frames {
			switch f := f.(type) {
			case turnFrame:
				if f.Turn == pos.turns+1 {
					c.sendFrame(f)
					pos.turns = f.Turn
				} else if f.Turn > pos.turns {
					behind = true // it missed a turn: the catch-up sends a snapshot
				}
			case endedFrame:
				if !pos.ended && !behind {
					c.sendFrame(f)
					pos.ended = true
				}
			}
		}
	}
	h.mu.Unlock()
	if behind {
		h.catchUp(attempt)
	}
	h.remote.moved(attempt, frames)
}

// catchUp sends the watchers of attempt here whatever they have not seen of
// it, read from the database: the next turn, or a snapshot when they are
// more than one behind (a missed notification), and the end. Catch-ups of
// one attempt run one at a time; one asked for meanwhile runs once after.
func (h *hub) catchUp(attempt string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.peek == nil || h.bgStopped || len(h.watchers[attempt]) == 0 {
		return
	}
	if _, running := h.catching[attempt]; running {
		h.catching[attempt] = true
		return
	}
	h.catching[attempt] = false
	h.bg.Go(func() {
		for {
			h.catchUpOnce(attempt)
			h.mu.Lock()
			again := h.catching[attempt]
			if !again {
				delete(h.catching, attempt)
			} else {
				h.catching[attempt] = false
			}
			h.mu.Unlock()
			if !again {
				return
			}
		}
	})
}

func (h *hub) catchUpOnce(attempt string) {
	ctx, cancel := context.WithTimeout(h.bgCtx, 10*time.Second)
	defer cancel()
	snap, err := h.peek(ctx, attempt)
	if err != nil {
		if h.bgCtx.Err() == nil {
			h.log.Warn("cannot read a watched attempt to catch its watchers up; they catch up at its next turn", "attempt", attempt, "err", err)
		}
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c, pos := range h.watchers[attempt] {
		for _, f := range catchUpFrames(snap, pos) {
			c.sendFrame(f)
		}
	}
}

// catchUpFrames are the frames that bring a watcher at pos to snap, and
// moves pos there.
func catchUpFrames(snap training.Snapshot, pos *watchPos) []any {
	a := snap.Attempt
	var out []any
	switch {
	case a.Turns == pos.turns+1 && len(snap.Transcript) == a.Turns:
		out = append(out, turnFrame{Type: "turn", turnView: viewTurn(a.ID, snap.Scenario, snap.Transcript[a.Turns-1]),
			Replies: nonNil(convert(snap.Replies, viewChoice))})
	case a.Turns > pos.turns:
		out = append(out, viewSnapshot(snap, 0))
	}
	pos.turns = max(pos.turns, a.Turns)
	if a.Status != training.StatusActive && !pos.ended {
		out = append(out, ended(a.ID, training.Ended{Status: a.Status, Ending: snap.Ending}))
		pos.ended = true
	}
	return out
}

// stopBackground stops the catch-ups and waits for them.
func (h *hub) stopBackground() {
	h.mu.Lock()
	h.bgStopped = true
	h.mu.Unlock()
	h.bgStop()
	h.bg.Wait()
}
