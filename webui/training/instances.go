package training

import "context"

// Several Parley instances may share one database (PostgreSQL). The
// database decides everything durable: a live session in one instance's
// memory is only a cache of it (Choose, Snapshot and GiveUp check it against
// what is stored). What must cross instances without being stored goes
// through the two ports below. Both are optional: with neither (SQLite, one
// process) everything stays within the process, as it always did.

// LiveKind says what a LiveEvent is about.
type LiveKind string

const (
	// LiveTurn: a turn, or an ending, of Attempt was committed (Turn is the
	// attempt's turn count after it). Receivers read the attempt from the
	// database: the event carries ids only.
	LiveTurn LiveKind = "turn"
	// LiveWatchers: on instance From, Watchers (display names, one per
	// connection) now watch Attempt, whose trainee is Owner; none once
	// empty. Each instance announces again every so often, and forgets an
	// instance it has not heard from in a while (a crashed one).
	LiveWatchers LiveKind = "watchers"
	// LiveHello: instance From started listening, or listens again after
	// a gap: every instance announces its watchers again.
	LiveHello LiveKind = "hello"
	// LiveResync is delivered by the Broadcast itself, never published:
	// its listening connection was (re)established, so events may have
	// been missed; receivers read again what they show from the database.
	LiveResync LiveKind = "resync"
	// LiveEndUser: User was disabled or their password changed: check the
	// session of each of their websockets again, and close those whose
	// session has ended (not those of a session started since, which may
	// open before the event arrives). LiveEndSession: close those opened by
	// the session whose token hashes to Session (it signed out).
	LiveEndUser    LiveKind = "end_user"
	LiveEndSession LiveKind = "end_session"
)

// LiveEvent is news for the other instances. It is small by design (ids,
// not frames): a Broadcast may refuse one over MaxLiveEvent bytes encoded.
type LiveEvent struct {
	Kind     LiveKind `json:"k"`
	From     string   `json:"i,omitempty"` // the instance that published it; set by the Broadcast
	Attempt  string   `json:"a,omitempty"`
	Turn     int      `json:"n,omitempty"`
	Owner    string   `json:"o,omitempty"`
	Watchers []string `json:"w,omitempty"`
	User     string   `json:"u,omitempty"`
	Session  string   `json:"s,omitempty"`
}

// MaxLiveEvent bounds an encoded LiveEvent: PostgreSQL's NOTIFY takes at
// most 8000 bytes of payload, and the rest is headroom.
const MaxLiveEvent = 7000

// Broadcast carries LiveEvents between the instances that share a
// database. webui/postgres implements it with LISTEN/NOTIFY.
type Broadcast interface {
	// Instance is this instance's id: From in what it publishes.
	Instance() string
	// Publish sends e to every other instance listening. Delivery is not
	// guaranteed (an instance that is reconnecting misses it): receivers
	// must be able to catch up from the database.
	Publish(ctx context.Context, e LiveEvent) error
	// Listen calls f, from one goroutine, with every event other instances
	// publish, until ctx ends. It reconnects with backoff when its
	// connection fails, and calls f with a LiveResync event each time it
	// (re)starts listening.
	Listen(ctx context.Context, f func(LiveEvent))
}

// Leader decides which instance runs the periodic jobs that must run once
// across instances, not once per instance: marking idle attempts
// abandoned, removing expired sessions, relaying the xAPI outbox.
type Leader interface {
	// Leads reports whether this instance is the one, trying to become it
	// when no instance is. It fails closed: when the database cannot be
	// reached it reports false.
	Leads(ctx context.Context) bool
}
