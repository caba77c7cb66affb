package sqlite

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultCheckpointEvery is how often the background checkpointer copies
// what was committed to the WAL back into the database file.
const DefaultCheckpointEvery = 250 * time.Millisecond

// checkpointer copies committed WAL pages back into the database file on
// its own connection, off the commit path. SQLite's own checkpoint runs
// inside the COMMIT that crosses wal_autocheckpoint pages: every write
// queued behind that commit waits for thousands of pages to be copied and
// synced, which was most of the round trip's p99 under load. A PASSIVE
// checkpoint here runs beside the committer (WAL lets it) and never waits
// for it, so when the writer's autocheckpoint comes, little is left for it
// to copy. That checkpoint is still the one that lets the WAL start over,
// and the safety net when this one falls behind.
type checkpointer struct {
	db      *sql.DB // a connection of its own
	commits func() int64
	stop    chan struct{}
	done    sync.WaitGroup

	runs     atomic.Int64
	failures atomic.Int64
}

func startCheckpointer(db *sql.DB, every time.Duration, commits func() int64) *checkpointer {
	cp := &checkpointer{db: db, commits: commits, stop: make(chan struct{})}
	cp.done.Add(1)
	go cp.loop(every)
	return cp
}

func (cp *checkpointer) loop(every time.Duration) {
	defer cp.done.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	var seen int64
	for {
		select {
		case <-cp.stop:
			return
		case <-t.C:
		}
		if n := cp.commits(); n != seen { // nothing to copy on an idle store
			seen = n
			cp.run(every)
		}
	}
}

func (cp *checkpointer) run(every time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*every+5*time.Second)
	defer cancel()
	if _, err := cp.db.ExecContext(ctx, "PRAGMA wal_checkpoint(PASSIVE)"); err != nil {
		cp.failures.Add(1) // the writer's own checkpoint still runs
		return
	}
	cp.runs.Add(1)
}

// close stops the loop, waits for a checkpoint under way, and closes the
// connection.
func (cp *checkpointer) close() error {
	close(cp.stop)
	cp.done.Wait()
	return cp.db.Close()
}
