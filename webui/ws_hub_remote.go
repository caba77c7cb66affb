package webui

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"parley/webui/training"
)

// DefaultAnnounceEvery is how often an instance sharing a database tells
// the others who watches what on it, and checks the attempts watched on it
// against the database (catching up a notification it missed). An
// instance not heard from in three periods (it crashed) is forgotten.
const DefaultAnnounceEvery = 5 * time.Second

// publishQueue bounds the events waiting to be published; when it is full
// an event is dropped (what it said is announced again, or caught up, at
// the next period).
const publishQueue = 256

// remoteHub is the hub's side that crosses instances through a Broadcast:
// live watching whichever instances the watcher and the trainee are on, and
// signing out everywhere. What it tells is small: ids, and the display
// names of watchers; receivers read turns from the database. A nil
// *remoteHub does nothing (one process, SQLite).
type remoteHub struct {
	bc    training.Broadcast
	h     *hub
	log   *slog.Logger
	every time.Duration
	out   chan training.LiveEvent
	// seen (under h.mu): for each attempt, what each other instance last
	// said of its watchers there.
	seen map[string]map[string]remoteWatch
}

type remoteWatch struct {
	owner string
	names []string
	at    time.Time
}

func newRemoteHub(h *hub, bc training.Broadcast, log *slog.Logger, every time.Duration) *remoteHub {
	return &remoteHub{bc: bc, h: h, log: log, every: positiveOr(every, DefaultAnnounceEvery),
		out: make(chan training.LiveEvent, publishQueue), seen: map[string]map[string]remoteWatch{}}
}

// run listens, publishes and announces until ctx ends.
func (r *remoteHub) run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { r.bc.Listen(ctx, r.handle) })
	wg.Go(func() { r.publishLoop(ctx) })
	t := time.NewTicker(r.every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-t.C:
			r.tick()
		}
	}
}

// publish queues e, in order, without waiting.
func (r *remoteHub) publish(e training.LiveEvent) {
	if r == nil {
		return
	}
	select {
	case r.out <- e:
	default:
		r.log.Warn("live events are published slower than they come; one was dropped and is caught up later", "kind", e.Kind)
	}
}

func (r *remoteHub) publishLoop(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-r.out:
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			if err := r.bc.Publish(pctx, e); err != nil && ctx.Err() == nil {
				r.log.Warn("cannot tell the other instances; they catch up from the database", "kind", e.Kind, "err", err)
			}
			cancel()
		}
	}
}

// names are the display names of attempt's watchers on the other
// instances. The caller holds h.mu.
func (r *remoteHub) names(attempt string) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, w := range r.seen[attempt] {
		out = append(out, w.names...)
	}
	return out
}

// moved tells the other instances that attempt moved on (a turn, or its
// end, in frames), when someone watches it there.
func (r *remoteHub) moved(attempt string, frames []any) {
	if r == nil {
		return
	}
	r.h.mu.Lock()
	watched := len(r.seen[attempt]) > 0
	r.h.mu.Unlock()
	if !watched {
		return
	}
	for _, f := range frames {
		switch f := f.(type) {
		case turnFrame:
			r.publish(training.LiveEvent{Kind: training.LiveTurn, Attempt: attempt, Turn: f.Turn})
			return
		case endedFrame:
			r.publish(training.LiveEvent{Kind: training.LiveTurn, Attempt: attempt})
			return
		}
	}
}

// handle is what another instance said (or LiveResync from the Broadcast).
func (r *remoteHub) handle(e training.LiveEvent) {
	switch e.Kind {
	case training.LiveTurn:
		r.h.catchUp(e.Attempt)
	case training.LiveWatchers:
		r.h.mu.Lock()
		r.heard(e)
		r.h.mu.Unlock()
		r.h.tellOwner(e.Attempt, e.Owner)
	case training.LiveHello:
		r.announce()
	case training.LiveResync: // notifications may have been missed
		r.publish(training.LiveEvent{Kind: training.LiveHello})
		r.announce()
		r.catchUpAll()
	case training.LiveEndUser:
		r.h.recheckUser(e.User)
	case training.LiveEndSession:
		r.h.endSessionHash(e.Session)
	}
}

// heard records what instance e.From said of its watchers of e.Attempt.
// The caller holds h.mu.
func (r *remoteHub) heard(e training.LiveEvent) {
	if len(e.Watchers) == 0 {
		delete(r.seen[e.Attempt], e.From)
		if len(r.seen[e.Attempt]) == 0 {
			delete(r.seen, e.Attempt)
		}
		return
	}
	if r.seen[e.Attempt] == nil {
		r.seen[e.Attempt] = map[string]remoteWatch{}
	}
	r.seen[e.Attempt][e.From] = remoteWatch{owner: e.Owner, names: e.Watchers, at: time.Now()}
}

// announce tells the other instances who watches what here.
func (r *remoteHub) announce() {
	r.h.mu.Lock()
	var events []training.LiveEvent
	for attempt := range r.h.watchers {
		if names := r.h.localNames(attempt); len(names) > 0 {
			events = append(events, training.LiveEvent{Kind: training.LiveWatchers, Attempt: attempt, Owner: r.h.owners[attempt], Watchers: names})
		}
	}
	r.h.mu.Unlock()
	for _, e := range events {
		r.publish(e)
	}
}

// catchUpAll checks every attempt watched here against the database.
func (r *remoteHub) catchUpAll() {
	r.h.mu.Lock()
	attempts := make([]string, 0, len(r.h.watchers))
	for attempt := range r.h.watchers {
		attempts = append(attempts, attempt)
	}
	r.h.mu.Unlock()
	for _, attempt := range attempts {
		r.h.catchUp(attempt)
	}
}

// tick announces, forgets instances not heard from in three periods, and
// catches up every watched attempt.
func (r *remoteHub) tick() {
	r.announce()
	r.h.mu.Lock()
	type gone struct{ attempt, owner string }
	var changed []gone
	for attempt, by := range r.seen {
		for from, w := range by {
			if time.Since(w.at) > 3*r.every {
				delete(by, from)
				changed = append(changed, gone{attempt, w.owner})
			}
		}
		if len(by) == 0 {
			delete(r.seen, attempt)
		}
	}
	r.h.mu.Unlock()
	for _, g := range changed {
		r.h.tellOwner(g.attempt, g.owner)
	}
	r.catchUpAll()
}

// runRemote, with a Config.Broadcast, hears and tells the other instances
// until ctx ends; the channel is closed once it has stopped.
func (s *Server) runRemote(ctx context.Context) <-chan struct{} {
	done := make(chan struct{})
	if s.hub.remote == nil {
		close(done)
		return done
	}
	go func() { defer close(done); s.hub.remote.run(ctx) }()
	return done
}
