package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"parley/webui/training"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// liveChannel is the NOTIFY channel of training.LiveEvents.
const liveChannel = "parley_live"

// Listening timings: how long to wait for a notification before checking
// that the connection still answers, and the bounds of the backoff between
// reconnections.
const (
	listenIdle     = 30 * time.Second
	listenTimeout  = 10 * time.Second // to connect, LISTEN, or ping
	minListenRetry = 100 * time.Millisecond
	maxListenRetry = 10 * time.Second
)

// Broadcast is training.Broadcast on PostgreSQL's LISTEN/NOTIFY: events are
// published with pg_notify on a pooled connection and received on a
// dedicated one, which reconnects with backoff. NOTIFY is not durable (a
// listener that is reconnecting misses what is sent meanwhile), so events
// carry ids only, and receivers catch up from the database when told
// LiveResync.
type Broadcast struct {
	pool *pgxpool.Pool
	conn *pgx.ConnConfig
	id   string
	log  *slog.Logger
}

// Broadcast is this Store's database as a training.Broadcast, with a new
// instance id.
func (s *Store) Broadcast(log *slog.Logger) *Broadcast {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Broadcast{pool: s.pool, conn: s.pool.Config().ConnConfig, id: training.NewID()[:12], log: log}
}

// Instance is this instance's id.
func (b *Broadcast) Instance() string { return b.id }

// Publish sends e to the other instances, or fails if it is larger than
// training.MaxLiveEvent encoded.
func (b *Broadcast) Publish(ctx context.Context, e training.LiveEvent) error {
	e.From = b.id
	payload, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("postgres: encode a %s event: %w", e.Kind, err)
	}
	if len(payload) > training.MaxLiveEvent {
		return fmt.Errorf("postgres: a %s event of %d bytes is over NOTIFY's limit (%d here): send ids and let receivers read",
			e.Kind, len(payload), training.MaxLiveEvent)
	}
	if _, err := b.pool.Exec(ctx, "SELECT pg_notify($1, $2)", liveChannel, string(payload)); err != nil {
		return fmt.Errorf("postgres: publish a %s event: %w", e.Kind, err)
	}
	return nil
}

// Listen delivers the other instances' events to f until ctx ends,
// reconnecting with backoff (100 ms doubling to 10 s, jittered) whenever
// the connection fails, and delivering LiveResync each time it listens
// again.
func (b *Broadcast) Listen(ctx context.Context, f func(training.LiveEvent)) {
	wait := minListenRetry
	for ctx.Err() == nil {
		err := b.listen(ctx, f, func() { wait = minListenRetry })
		if ctx.Err() != nil {
			return
		}
		pause := wait/2 + rand.N(wait/2+1)
		b.log.Warn("lost the connection that hears other instances (live watching); reconnecting", "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
		wait = min(2*wait, maxListenRetry)
	}
}

// listen connects, listens and delivers events until the connection fails
// or ctx ends; connected is called once it listens.
func (b *Broadcast) listen(ctx context.Context, f func(training.LiveEvent), connected func()) error {
	cctx, cancel := context.WithTimeout(ctx, listenTimeout)
	conn, err := pgx.ConnectConfig(cctx, b.conn)
	if err == nil {
		_, err = conn.Exec(cctx, "LISTEN "+liveChannel)
	}
	cancel()
	if conn != nil {
		defer closeConn(conn)
	}
	if err != nil {
		return fmt.Errorf("listen on %s: %w", liveChannel, err)
	}
	connected()
	f(training.LiveEvent{Kind: training.LiveResync})
	for {
		n, err := waitNotification(ctx, conn)
		switch {
		case ctx.Err() != nil:
			return nil
		case err != nil:
			return err
		case n != nil:
			b.deliver(n.Payload, f)
		}
	}
}

// waitNotification waits for the next notification. After listenIdle with
// none it checks that the server still answers, and returns nil, nil.
func waitNotification(ctx context.Context, conn *pgx.Conn) (*pgconn.Notification, error) {
	wctx, cancel := context.WithTimeout(ctx, listenIdle)
	n, err := conn.WaitForNotification(wctx)
	cancel()
	if err == nil || ctx.Err() != nil || !pgconn.Timeout(err) {
		return n, err
	}
	pctx, cancel := context.WithTimeout(ctx, listenTimeout)
	defer cancel()
	if err := conn.Ping(pctx); err != nil {
		return nil, fmt.Errorf("the listening connection does not answer: %w", err)
	}
	return nil, nil
}

// deliver decodes one payload and gives it to f, unless this instance sent
// it. A payload that does not decode is logged and dropped: any client of
// the database may NOTIFY the channel.
func (b *Broadcast) deliver(payload string, f func(training.LiveEvent)) {
	var e training.LiveEvent
	if err := json.Unmarshal([]byte(payload), &e); err != nil || e.Kind == "" || e.Kind == training.LiveResync {
		b.log.Warn("ignored a notification that is not a Parley event", "channel", liveChannel, "bytes", len(payload))
		return
	}
	if e.From != b.id {
		f(e)
	}
}

// closeConn closes a dedicated connection within a bounded time.
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

var _ training.Broadcast = (*Broadcast)(nil)
