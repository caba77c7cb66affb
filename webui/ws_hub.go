package webui

import (
	"context"
	"parley/webui/training"
	"slices"
	"sync"

	"github.com/gorilla/websocket"
)

// hub knows every open websocket, to say going_away to all of them.
type hub struct {
	mu      sync.Mutex
	clients map[*client]struct{}
	// watchers are the connections watching each attempt live, and owners
	// the trainee each watched attempt belongs to.
	watchers map[string]map[*client]struct{}
	owners   map[string]string
	closed   bool
	wg       sync.WaitGroup // one count per client (its reader goroutine)
}

func newHub() *hub {
	return &hub{clients: map[*client]struct{}{}, watchers: map[string]map[*client]struct{}{}, owners: map[string]string{}}
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
	h.signOut(func(c *client) bool { return c.session == hash })
}

// endUser closes, with a login_required frame, every websocket of the user
// (disabled, or their password changed).
func (h *hub) endUser(userID string) {
	h.signOut(func(c *client) bool { return c.user.ID == userID })
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
		c.sendError(0, training.Errorf(training.CodeLoginRequired, "you were signed out: sign in again to carry on where you left off"))
		c.close(websocket.ClosePolicyViolation, "signed out")
	}
}

// watchedFrame tells a trainee's connections who is watching their call.
type watchedFrame struct {
	Type     string   `json:"type"` // "watched"
	Attempt  string   `json:"attempt"`
	Watchers []string `json:"watchers"` // display names; empty when no one watches any more
}

// watch makes c watch attempt (of the trainee owner), instead of what it
// watched before, and tells the trainee.
func (h *hub) watch(c *client, attempt, owner string) {
	h.unwatch(c)
	h.mu.Lock()
	if h.watchers[attempt] == nil {
		h.watchers[attempt] = map[*client]struct{}{}
	}
	h.watchers[attempt][c] = struct{}{}
	h.owners[attempt] = owner
	c.watching = attempt
	h.mu.Unlock()
	h.tellOwner(attempt)
}

// unwatch stops c watching, and tells the trainee.
func (h *hub) unwatch(c *client) {
	h.mu.Lock()
	attempt := c.watching
	if attempt == "" {
		h.mu.Unlock()
		return
	}
	c.watching = ""
	delete(h.watchers[attempt], c)
	h.mu.Unlock()
	h.tellOwner(attempt)
}

// tellOwner sends the attempt's trainee, on every connection of theirs,
// who watches it now.
func (h *hub) tellOwner(attempt string) {
	h.mu.Lock()
	owner := h.owners[attempt]
	names := []string{}
	for w := range h.watchers[attempt] {
		names = append(names, w.user.Name)
	}
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

// watchersOf lists the display names of whoever watches attempt.
func (h *hub) watchersOf(attempt string) []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var names []string
	for w := range h.watchers[attempt] {
		if !slices.Contains(names, w.user.Name) {
			names = append(names, w.user.Name)
		}
	}
	slices.Sort(names)
	return names
}

// toWatchers forwards what a trainee's message produced (turn and ended
// frames; never the ack, which answers the trainee's own seq) to the
// connections watching the attempt.
func (h *hub) toWatchers(attempt string, frames []any) {
	h.mu.Lock()
	var to []*client
	for c := range h.watchers[attempt] {
		to = append(to, c)
	}
	h.mu.Unlock()
	if len(to) == 0 {
		return
	}
	for _, f := range frames {
		if _, isAck := f.(ackFrame); isAck {
			continue
		}
		for _, c := range to {
			c.sendFrame(f)
		}
	}
}
