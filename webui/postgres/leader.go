package postgres

import (
	"context"
	"log/slog"
	"sync"

	"parley/webui/training"

	"github.com/jackc/pgx/v5"
)

// leaderLock is the advisory lock whose holder runs the jobs that must run
// once across instances: migrationLock + 1 ("parlez" in ASCII), so that an
// instance starting (migrating) never waits for the leader.
const leaderLock int64 = migrationLock + 1

// Leader is training.Leader on a session-level advisory lock: the instance
// whose dedicated connection holds it runs the periodic jobs; the others
// try to take it each time they ask. When the holder dies (even by kill -9)
// PostgreSQL ends its session and frees the lock, and the next instance to
// ask takes over. The jobs it guards are conditional updates, so in the
// rare moment when two instances believe they lead (a connection that died
// silently) a job run twice changes nothing the second time.
type Leader struct {
	conn *pgx.ConnConfig
	log  *slog.Logger

	mu   sync.Mutex
	c    *pgx.Conn // nil until connected, or after a failure
	held bool
}

// Leader is a training.Leader on this Store's database.
func (s *Store) Leader(log *slog.Logger) *Leader {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Leader{conn: s.pool.Config().ConnConfig, log: log}
}

// Leads reports whether this instance holds the lock, taking it if it is
// free. A leader checks that its connection still answers; any failure
// drops the connection (and with it the lock) and reports false.
func (l *Leader) Leads(ctx context.Context) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, listenTimeout)
	defer cancel()
	if l.c == nil {
		c, err := pgx.ConnectConfig(ctx, l.conn)
		if err != nil {
			l.log.Warn("cannot reach the database to decide which instance runs the sweeps; this one skips them", "err", err)
			return false
		}
		l.c = c
	}
	if l.held {
		if err := l.c.Ping(ctx); err != nil {
			l.drop("its connection failed", err)
			return false
		}
		return true
	}
	if err := l.c.QueryRow(ctx, "SELECT pg_try_advisory_lock($1)", leaderLock).Scan(&l.held); err != nil {
		l.drop("cannot ask for the lock", err)
		return false
	}
	if l.held {
		l.log.Info("this instance runs the sweeps and the xAPI relay for every instance on the database")
	}
	return l.held
}

// drop closes the connection, which frees the lock if it was held.
func (l *Leader) drop(why string, err error) {
	if l.held {
		l.log.Warn("this instance no longer runs the sweeps: "+why, "err", err)
	}
	closeConn(l.c)
	l.c, l.held = nil, false
}

// Close gives the lock up, for another instance to take.
func (l *Leader) Close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.c == nil {
		return
	}
	if l.held { // at once: the session's end would free it too, a moment later
		ctx, cancel := context.WithTimeout(context.Background(), listenTimeout)
		_, _ = l.c.Exec(ctx, "SELECT pg_advisory_unlock($1)", leaderLock)
		cancel()
	}
	closeConn(l.c)
	l.c, l.held = nil, false
}

var _ training.Leader = (*Leader)(nil)
