package postgres

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// tx is what a write sees of the batch transaction: it runs statements in
// it, under the write's own savepoint when it shares the batch. It cannot
// commit or roll back; the committer does.
type tx interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// writeFunc is one write. The committer runs it inside the shared batch
// transaction under its own savepoint: if it returns an error, only its own
// changes are rolled back.
type writeFunc func(ctx context.Context, tx tx) error

// writeRequest is a queued write and the channels its caller waits on.
type writeRequest struct {
	ctx  context.Context
	fn   writeFunc
	done chan error    // buffered; receives exactly one result
	lead chan struct{} // closed when the caller is to commit the next batch
}

// batchTimeout bounds one batch, from BEGIN to COMMIT: a server that stops
// answering fails the batch's writes instead of holding every writer of
// this instance forever.
const batchTimeout = time.Minute

// committer groups concurrent writes into shared transactions, as
// webui/sqlite's does, with no goroutine of its own. A caller who finds
// nobody committing leads: it takes every queued write (up to maxBatch, its
// own first), runs them all in one transaction on one pooled connection,
// commits once (one WAL flush under synchronous_commit) and answers each
// caller with its own result. Writes queued meanwhile are led by the first
// of their callers, whom the leader promotes as it leaves. So a lone write
// runs on its caller's goroutine with no hand-off, and a leader only ever
// waits for its own batch.
//
// One batch runs at a time per Store; other instances sharing the database
// run theirs concurrently, and the database's constraints and row locks
// keep their writes apart.
//
// Invariant (under mu): a non-empty queue means leading is true.
type committer struct {
	pool     *pgxpool.Pool
	maxBatch int

	mu      sync.Mutex
	queue   []*writeRequest // waiting to be led, oldest first
	leading bool            // a caller is committing a batch
	closed  bool
	idle    sync.Cond // on mu; broadcast when leading turns false

	commits atomic.Int64
	writes  atomic.Int64
}

func newCommitter(pool *pgxpool.Pool, maxBatch int) *committer {
	c := &committer{pool: pool, maxBatch: maxBatch}
	c.idle.L = &c.mu
	return c
}

// do runs fn in a write transaction, possibly shared with other callers', and
// returns nil only once it is committed. A request whose ctx is done before
// its batch runs is skipped and gets ctx.Err(); once it has run, the caller
// waits for the commit, so the result is always the truth (or says that the
// truth is unknown: commitFailed).
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
	n := min(len(c.queue), c.maxBatch)
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
	c.closed = true
	for c.leading {
		c.idle.Wait()
	}
}

func (c *committer) stats() Stats {
	return Stats{Commits: c.commits.Load(), Writes: c.writes.Load()}
}

// commit runs batch in one transaction and answers every request. If a
// write panics, the transaction is rolled back, every request is answered
// with an error, and the panic goes on up the leader's goroutine.
func (c *committer) commit(batch []*writeRequest) {
	results := make([]error, len(batch))
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	// READ COMMITTED whatever the server's default: the conditional updates
	// rely on it (a row changed meanwhile is read again, not refused).
	t, err := c.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		for _, req := range batch {
			req.done <- writeFailed("begin write transaction", err)
		}
		return
	}
	defer func() {
		if p := recover(); p != nil {
			rollback(t) // harmless if it was already committed or rolled back
			for _, req := range batch {
				req.done <- fmt.Errorf("store: a write in the same batch panicked (%v); nothing of the batch was saved: retry", p)
			}
			panic(p)
		}
	}()
	if err := c.apply(ctx, t, batch, results); err != nil {
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

// apply runs each request of batch under its own savepoint in t, then
// commits t, or rolls it back if nothing is left to keep. results[i]
// receives request i's own error; a returned error means the whole
// transaction was rolled back (or that its commit's outcome is unknown).
// A lone request needs no savepoint: the transaction is its own, and is
// rolled back if it fails.
func (c *committer) apply(ctx context.Context, t pgx.Tx, batch []*writeRequest, results []error) error {
	run := applyOne
	if len(batch) == 1 {
		run = applyAlone
	}
	applied := 0
	for i, req := range batch {
		var txErr error
		results[i], txErr = run(ctx, t, req)
		if txErr != nil {
			rollback(t)
			return txErr
		}
		if results[i] == nil {
			applied++
		}
	}
	if applied == 0 {
		rollback(t) // nothing to keep
		return nil
	}
	if err := t.Commit(ctx); err != nil {
		return commitFailed(err)
	}
	c.commits.Add(1)
	c.writes.Add(int64(applied))
	return nil
}

// rollback ends t, keeping nothing. Its error is not reported: the caller
// is already failing, and if the connection is broken the pool drops it
// and the server rolls the transaction back itself.
func rollback(t pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = t.Rollback(ctx)
}

// applyOne runs req under a savepoint. reqErr is req's own error, after which
// its changes were rolled back; txErr means the savepoint itself failed and
// the transaction can no longer be trusted.
func applyOne(ctx context.Context, t pgx.Tx, req *writeRequest) (reqErr, txErr error) {
	if err := req.ctx.Err(); err != nil {
		return err, nil
	}
	sp, err := t.Begin(ctx) // SAVEPOINT
	if err != nil {
		return nil, writeFailed("open savepoint", err)
	}
	if reqErr = req.fn(ctx, sp); reqErr != nil {
		if err := sp.Rollback(ctx); err != nil { // ROLLBACK TO SAVEPOINT
			return reqErr, writeFailed("roll back savepoint", err)
		}
		return reqErr, nil
	}
	if err := sp.Commit(ctx); err != nil { // RELEASE SAVEPOINT
		return nil, writeFailed("release savepoint", err)
	}
	return nil, nil
}

// applyAlone runs req, the only request of its transaction: on its error the
// caller rolls the whole transaction back, which is what a savepoint would do.
func applyAlone(ctx context.Context, t pgx.Tx, req *writeRequest) (reqErr, txErr error) {
	if err := req.ctx.Err(); err != nil {
		return err, nil
	}
	return req.fn(ctx, t), nil
}
