package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
)

// writeFunc is one write. The committer runs it inside the shared batch
// transaction under its own savepoint: if it returns an error, only its own
// changes are rolled back.
type writeFunc func(ctx context.Context, tx *writeTx) error

// writeRequest is a queued write and the channel its result is sent on.
type writeRequest struct {
	ctx  context.Context
	fn   writeFunc
	done chan error // buffered; receives exactly one result
}

// committer owns the single write connection. One goroutine takes queued
// writes, drains whatever else is already queued (up to maxBatch), runs them
// all in one transaction, commits once (one fsync under synchronous=FULL) and
// then answers each caller with its own result. A lone write never waits for
// company: when the queue is empty the batch is just that write.
type committer struct {
	db       *sql.DB
	prepared map[string]*sql.Stmt
	maxBatch int
	queue    chan *writeRequest
	done     chan struct{} // closed when run returns

	mu     sync.RWMutex // held for reading while sending on queue
	closed bool

	commits atomic.Int64
	writes  atomic.Int64
}

// newCommitter prepares the savepoint statements and hot, then starts the
// committer goroutine on db, which must allow only one open connection.
func newCommitter(ctx context.Context, db *sql.DB, maxBatch int, hot ...string) (*committer, error) {
	prepared, err := prepare(ctx, db, append([]string{sqlSavepoint, sqlRollbackTo, sqlRelease}, hot...))
	if err != nil {
		return nil, err
	}
	c := &committer{
		db:       db,
		prepared: prepared,
		maxBatch: maxBatch,
		queue:    make(chan *writeRequest, maxBatch),
		done:     make(chan struct{}),
	}
	go c.run()
	return c, nil
}

// do queues fn and waits for the outcome of its transaction. It returns nil
// only once the write is durably committed. A request whose ctx is done
// before the committer reaches it is skipped and gets ctx.Err(); once it has
// run, the caller waits for the commit, so the result is always the truth.
func (c *committer) do(ctx context.Context, fn writeFunc) error {
	req := &writeRequest{ctx: ctx, fn: fn, done: make(chan error, 1)}
	if err := c.enqueue(req); err != nil {
		return err
	}
	return <-req.done
}

func (c *committer) enqueue(req *writeRequest) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return ErrClosed
	}
	select {
	case c.queue <- req:
		return nil
	case <-req.ctx.Done():
		return req.ctx.Err()
	}
}

// close stops accepting writes, lets the committer finish everything already
// queued, and waits for it to exit.
func (c *committer) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	close(c.queue)
	<-c.done
	closeStatements(c.prepared)
}

func (c *committer) stats() Stats {
	return Stats{Commits: c.commits.Load(), Writes: c.writes.Load()}
}

func (c *committer) run() {
	defer close(c.done)
	batch := make([]*writeRequest, 0, c.maxBatch)
	for req := range c.queue {
		batch = c.drain(append(batch[:0], req))
		c.commit(batch)
		clear(batch)
	}
}

// drain appends whatever is already queued, without waiting, up to maxBatch.
func (c *committer) drain(batch []*writeRequest) []*writeRequest {
	for len(batch) < c.maxBatch {
		select {
		case req, ok := <-c.queue:
			if !ok {
				return batch
			}
			batch = append(batch, req)
		default:
			return batch
		}
	}
	return batch
}

// commit runs batch in one transaction and answers every request.
func (c *committer) commit(batch []*writeRequest) {
	results := make([]error, len(batch))
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

// apply runs each request of batch under its own savepoint in one transaction
// and commits it. results[i] receives request i's own error; a returned error
// means the whole transaction was rolled back. A lone request needs no
// savepoint: the transaction is its own, and is rolled back if it fails.
func (c *committer) apply(batch []*writeRequest, results []error) error {
	ctx := context.Background()
	sqlTx, err := c.db.BeginTx(ctx, nil)
	if err != nil {
		return writeFailed("begin write transaction", err)
	}
	tx := &writeTx{Tx: sqlTx, prepared: c.prepared}
	run := applyOne
	if len(batch) == 1 {
		run = applyAlone
	}
	applied := 0
	for i, req := range batch {
		var txErr error
		results[i], txErr = run(ctx, tx, req)
		if txErr != nil {
			_ = tx.Rollback()
			return txErr
		}
		if results[i] == nil {
			applied++
		}
	}
	if applied == 0 {
		_ = tx.Rollback() // nothing to keep
		return nil
	}
	if err := tx.Commit(); err != nil {
		return writeFailed("commit", err)
	}
	c.commits.Add(1)
	c.writes.Add(int64(applied))
	return nil
}

// applyOne runs req under a savepoint. reqErr is req's own error, after which
// its changes were rolled back; txErr means the savepoint itself failed and
// the transaction can no longer be trusted.
func applyOne(ctx context.Context, tx *writeTx, req *writeRequest) (reqErr, txErr error) {
	if err := req.ctx.Err(); err != nil {
		return err, nil
	}
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
	if err := req.ctx.Err(); err != nil {
		return err, nil
	}
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
