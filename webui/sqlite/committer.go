package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// writeFunc is one write. The committer runs it inside the shared batch
// transaction; if it returns an error, only its own changes are rolled
// back. It may run twice: first without a savepoint, then, when a write of
// its batch failed and the transaction was rolled back, again under a
// savepoint of its own (committer.apply). So it changes nothing but the
// transaction, and sets whatever it returns afresh on each run.
type writeFunc func(ctx context.Context, tx *writeTx) error

// writeRequest is a queued write and the channels its caller waits on.
type writeRequest struct {
	ctx  context.Context
	fn   writeFunc
	done chan error    // buffered; receives exactly one result
	lead chan struct{} // closed when the caller is to commit the next batch
}

// committer owns the single write connection and groups concurrent writes
// into shared transactions, with no goroutine of its own. A caller who finds
// nobody committing leads: it takes every queued write (up to maxBatch, its
// own first), runs them all in one transaction, commits once (one fsync
// under synchronous=FULL) and answers each caller with its own result.
// Writes queued meanwhile are led by the first of their callers, whom the
// leader promotes as it leaves. So a lone write runs on its caller's
// goroutine with no hand-off, and a leader only ever waits for its own batch.
//
// Invariant (under mu): a non-empty queue means leading is true.
type committer struct {
	conn     *sql.Conn // the write connection, kept for the committer's lifetime
	prepared map[string]*sql.Stmt
	maxBatch int
	window   time.Duration // how long a leader waits for company under load

	mu      sync.Mutex
	queue   []*writeRequest // waiting to be led, oldest first
	leading bool            // a caller is committing a batch
	closed  bool
	crowded bool      // the last batch held more than one write
	idle    sync.Cond // on mu; broadcast when leading turns false

	commits atomic.Int64
	writes  atomic.Int64
	waits   atomic.Int64
	retries atomic.Int64 // batches run again with savepoints after a write failed
}

// newCommitter takes db's connection for itself (db must allow only one, and
// is of no other use until close) and prepares the transaction statements
// and hot on it.
func newCommitter(ctx context.Context, db *sql.DB, maxBatch int, window time.Duration, hot ...string) (*committer, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: take the write connection: %w", err)
	}
	prepared, err := prepare(ctx, conn, append([]string{sqlBegin, sqlCommit, sqlRollback,
		sqlSavepoint, sqlRollbackTo, sqlRelease}, hot...))
	if err != nil {
		return nil, errors.Join(err, conn.Close())
	}
	c := &committer{conn: conn, prepared: prepared, maxBatch: maxBatch, window: window}
	c.idle.L = &c.mu
	return c, nil
}

// do runs fn in a write transaction, possibly shared with other callers', and
// returns nil only once it is durably committed. A request whose ctx is done
// before its batch runs is skipped and gets ctx.Err(); once it has run, the
// caller waits for the commit, so the result is always the truth.
func (c *committer) do(ctx context.Context, fn writeFunc) error {
	req := &writeRequest{ctx: ctx, fn: fn, done: make(chan error, 1), lead: make(chan struct{})}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClosed
	}
	c.queue = append(c.queue, req)
	if c.leading {
		c.mu.Unlock()
		select {
		case err := <-req.done: // a leader committed it
			return err
		case <-req.lead: // promoted: req heads the queue
		}
		c.mu.Lock()
	}
	c.leading = true
	if c.crowded && c.window > 0 && len(c.queue) < c.maxBatch {
		// Under load, a short wait lets more writes share the commit: each
		// commit costs a WAL write and an fsync whatever it holds.
		c.mu.Unlock()
		c.waits.Add(1)
		time.Sleep(c.window)
		c.mu.Lock()
	}
	n := min(len(c.queue), c.maxBatch)
	c.crowded = n > 1
	batch := slices.Clone(c.queue[:n])
	c.queue = slices.Delete(c.queue, 0, n)
	c.mu.Unlock()
	c.lead(batch)
	return <-req.done
}

// lead commits batch, then hands the lead to the next queued caller, or
// stands down. It hands over even if a write panics, so no caller waits
// forever behind a leader that is gone.
func (c *committer) lead(batch []*writeRequest) {
	defer func() {
		c.mu.Lock()
		if len(c.queue) > 0 {
			close(c.queue[0].lead) // the next batch is its caller's to lead
		} else {
			c.leading = false
			c.idle.Broadcast()
		}
		c.mu.Unlock()
	}()
	c.commit(batch)
}

// close refuses new writes and waits until every queued one is committed.
func (c *committer) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	for c.leading {
		c.idle.Wait()
	}
	closeStatements(c.prepared)
	_ = c.conn.Close() // back to the pool, which Store.Close closes next
}

func (c *committer) stats() Stats {
	return Stats{Commits: c.commits.Load(), Writes: c.writes.Load(), Waits: c.waits.Load(), Retries: c.retries.Load()}
}

// commit runs batch in one transaction and answers every request. If a
// write panics, the transaction is rolled back, every request is answered
// with an error, and the panic goes on up the leader's goroutine.
func (c *committer) commit(batch []*writeRequest) {
	results := make([]error, len(batch))
	defer func() {
		if p := recover(); p != nil {
			c.rollback(&writeTx{conn: c.conn, prepared: c.prepared})
			for _, req := range batch {
				req.done <- fmt.Errorf("store: a write in the same batch panicked (%v); nothing of the batch was saved: retry", p)
			}
			panic(p)
		}
	}()
	if err := c.apply(batch, results); err != nil {
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
	}
	for i, req := range batch {
		req.done <- results[i]
	}
}

// apply runs batch in one transaction and commits it. results[i] receives
// request i's own error; a returned error means the whole transaction was
// rolled back.
//
// A batch is first run as it nearly always ends, every write succeeding,
// with no savepoint around each (two statements fewer per write). When one
// fails, that transaction is rolled back and the batch runs again with a
// savepoint around each write, so that only the failing write's own changes
// are undone. A lone request needs no savepoint: the transaction is its
// own, and is rolled back if it fails.
func (c *committer) apply(batch []*writeRequest, results []error) error {
	if len(batch) > 1 {
		if done, err := c.applyWith(batch, results, applyAlone, true); done {
			return err
		}
	}
	run := applyOne
	if len(batch) == 1 {
		run = applyAlone
	}
	_, err := c.applyWith(batch, results, run, false)
	return err
}

// applyWith runs each request of batch with run in one transaction and
// commits it. A request whose context is done is answered without running.
// When bare, the first request to fail rolls the transaction back and
// applyWith returns done false: nothing was kept, and batch must run again
// with savepoints.
func (c *committer) applyWith(batch []*writeRequest, results []error,
	run func(context.Context, *writeTx, *writeRequest) (error, error), bare bool) (done bool, err error) {
	clear(results) // a run again starts afresh
	ctx := context.Background()
	tx := &writeTx{conn: c.conn, prepared: c.prepared}
	if _, err := tx.ExecContext(ctx, sqlBegin); err != nil {
		return true, writeFailed("begin write transaction", err)
	}
	applied := 0
	for i, req := range batch {
		if err := req.ctx.Err(); err != nil { // its caller gave up: nothing of it runs
			results[i] = err
			continue
		}
		var txErr error
		results[i], txErr = run(ctx, tx, req)
		if txErr != nil {
			c.rollback(tx)
			return true, txErr
		}
		if results[i] != nil && bare {
			if _, err := tx.ExecContext(ctx, sqlRollback); err != nil {
				return true, writeFailed("roll back the batch to run it again with savepoints", err)
			}
			c.retries.Add(1)
			return false, nil
		}
		if results[i] == nil {
			applied++
		}
	}
	if applied == 0 {
		c.rollback(tx) // nothing to keep
		return true, nil
	}
	if _, err := tx.ExecContext(ctx, sqlCommit); err != nil {
		c.rollback(tx) // a failed COMMIT can leave the transaction open
		return true, writeFailed("commit", err)
	}
	c.commits.Add(1)
	c.writes.Add(int64(applied))
	return true, nil
}

// rollback ends tx, keeping nothing. Its error is not reported: the caller
// is already failing, and ROLLBACK with no transaction open is harmless.
func (c *committer) rollback(tx *writeTx) {
	_, _ = tx.ExecContext(context.Background(), sqlRollback)
}

// applyOne runs req under a savepoint. reqErr is req's own error, after which
// its changes were rolled back; txErr means the savepoint itself failed and
// the transaction can no longer be trusted.
func applyOne(ctx context.Context, tx *writeTx, req *writeRequest) (reqErr, txErr error) {
	if _, err := tx.ExecContext(ctx, sqlSavepoint); err != nil {
		return nil, writeFailed("open savepoint", err)
	}
	reqErr = req.fn(context.WithoutCancel(req.ctx), tx)
	if reqErr != nil {
		if _, err := tx.ExecContext(ctx, sqlRollbackTo); err != nil {
			return reqErr, writeFailed("roll back savepoint", err)
		}
	}
	if _, err := tx.ExecContext(ctx, sqlRelease); err != nil {
		return reqErr, writeFailed("release savepoint", err)
	}
	return reqErr, nil
}

// applyAlone runs req, the only request of its transaction: on its error the
// caller rolls the whole transaction back, which is what a savepoint would do.
func applyAlone(_ context.Context, tx *writeTx, req *writeRequest) (reqErr, txErr error) {
	return req.fn(context.WithoutCancel(req.ctx), tx), nil
}

// writeFailed wraps an unexpected database error on the write path.
func writeFailed(what string, err error) error {
	return fmt.Errorf("store: %s: %w (nothing was saved; retry, and check free disk space and file permissions if it keeps failing)", what, err)
}

// readFailed wraps an unexpected database error on the read path.
func readFailed(what string, err error) error {
	return fmt.Errorf("store: %s: %w (check that the database file is readable and not corrupt)", what, err)
}
