package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

// statement is a write as one SQL statement that can be sent with the rest
// of its batch without waiting for an answer: it either changes exactly one
// row, or matches nothing and changes nothing, because the write is refused
// (a turn that is not the attempt's next, an attempt that is not active).
// The committer runs a refused write again through its writeFunc, which
// says why.
type statement struct {
	sql  string
	args []any
}

// writeRequest is a queued write and the channels its caller waits on.
type writeRequest struct {
	ctx  context.Context
	fn   writeFunc
	stmt *statement    // the write as one statement, or nil: fn only
	done chan error    // buffered; receives exactly one result
	lead chan struct{} // closed when the caller is to commit the next batch
}

// batchTimeout bounds one batch, from BEGIN to COMMIT: a server that stops
// answering fails the batch's writes instead of holding every writer of
// this instance forever.
const batchTimeout = time.Minute

// DefaultCommitWindow is how long a committer that found company in its
// last batch waits before the next, so that more writes share its commit.
const DefaultCommitWindow = 2 * time.Millisecond

// WithCommitWindow sets how long the committer waits for more writes before
// a batch, once the previous batch held more than one write (default
// DefaultCommitWindow). A lone writer never waits. 0 never waits.
func WithCommitWindow(d time.Duration) Option {
	return func(o *options) { o.window = max(d, 0) }
}

// Transaction control, and the savepoint around each write of a batch on
// the careful path.
const (
	// READ COMMITTED whatever the server's default: the conditional updates
	// rely on it (a row changed meanwhile is read again, not refused).
	sqlBegin      = "BEGIN ISOLATION LEVEL READ COMMITTED"
	sqlCommit     = "COMMIT"
	sqlRollback   = "ROLLBACK"
	sqlSavepoint  = "SAVEPOINT write"
	sqlRollbackTo = "ROLLBACK TO SAVEPOINT write"
	sqlRelease    = "RELEASE SAVEPOINT write"
)

// committer groups concurrent writes into shared transactions, as
// webui/sqlite's does, with no goroutine of its own. A caller who finds
// nobody committing leads: it takes every queued write (up to maxBatch, its
// own first), runs them all in one transaction on one pooled connection,
// commits once (one WAL flush under synchronous_commit) and answers each
// caller with its own result. Writes queued meanwhile are led by the first
// of their callers, whom the leader promotes as it leaves. So a lone write
// runs on its caller's goroutine with no hand-off, and a leader only ever
// waits for its own batch, and for the commit window when busy.
//
// A batch is pipelined: BEGIN, the statement of every write that has one
// and COMMIT go to the server together, one round trip (see apply).
//
// One batch runs at a time per Store; other instances sharing the database
// run theirs concurrently, and the database's constraints and row locks
// keep their writes apart.
//
// Invariant (under mu): a non-empty queue means leading is true.
type committer struct {
	pool     *pgxpool.Pool
	maxBatch int
	window   time.Duration // how long a leader waits for company under load
	careful  bool          // never pipeline: every write under its savepoint (tests, benchmarks)

	mu      sync.Mutex
	queue   []*writeRequest // waiting to be led, oldest first
	leading bool            // a caller is committing a batch
	closed  bool
	crowded bool      // the last batch held more than one write
	idle    sync.Cond // on mu; broadcast when leading turns false

	commits   atomic.Int64
	writes    atomic.Int64
	waits     atomic.Int64
	fallbacks atomic.Int64 // pipelined batches that failed and ran again carefully
}

func newCommitter(pool *pgxpool.Pool, maxBatch int, window time.Duration) *committer {
	c := &committer{pool: pool, maxBatch: maxBatch, window: window}
	c.idle.L = &c.mu
	return c
}

// do runs fn in a write transaction, possibly shared with other callers', and
// returns nil only once it is committed. A request whose ctx is done before
// its batch runs is skipped and gets ctx.Err(); once it has run, the caller
// waits for the commit, so the result is always the truth (or says that the
// truth is unknown: commitFailed).
func (c *committer) do(ctx context.Context, fn writeFunc) error {
	return c.run(&writeRequest{ctx: ctx, fn: fn})
}

// doStatement is do for a write that is also one statement (see
// statement): fn must make the same change, and is run only when the
// statement cannot be pipelined or is refused.
func (c *committer) doStatement(ctx context.Context, st statement, fn writeFunc) error {
	return c.run(&writeRequest{ctx: ctx, fn: fn, stmt: &st})
}

func (c *committer) run(req *writeRequest) error {
	req.done, req.lead = make(chan error, 1), make(chan struct{})
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
		// commit costs a WAL flush and a round trip whatever it holds.
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
	c.closed = true
	for c.leading {
		c.idle.Wait()
	}
}

func (c *committer) stats() Stats {
	return Stats{Commits: c.commits.Load(), Writes: c.writes.Load(), Waits: c.waits.Load()}
}

// commit runs batch on a pooled connection and answers every request. If a
// write panics, the transaction is rolled back, every request is answered
// with an error, and the panic goes on up the leader's goroutine.
func (c *committer) commit(batch []*writeRequest) {
	results := make([]error, len(batch))
	ctx, cancel := context.WithTimeout(context.Background(), batchTimeout)
	defer cancel()
	pc, err := c.pool.Acquire(ctx)
	if err != nil {
		for _, req := range batch {
			req.done <- writeFailed("take a connection for the write transaction", err)
		}
		return
	}
	defer pc.Release() // the pool drops a connection left in a transaction
	conn := pc.Conn()
	defer func() {
		if p := recover(); p != nil {
			rollbackConn(conn) // harmless if it was already committed or rolled back
			for _, req := range batch {
				req.done <- fmt.Errorf("store: a write in the same batch panicked (%v); nothing of the batch was saved: retry", p)
			}
			panic(p)
		}
	}()
	c.apply(ctx, conn, batch, results)
	for i, req := range batch {
		req.done <- results[i]
	}
}

// apply runs batch and sets results[i] to request i's own result.
//
// The usual path is one round trip: BEGIN, each write's statement and
// COMMIT, pipelined. A write whose statement matched nothing (refused) runs
// again on the careful path after the commit, where it says why. Writes
// with no statement run, after the pipelined ones, each under its savepoint
// (one round trip per statement), before COMMIT. If anything else fails
// in the pipeline, the batch is rolled back and runs again on the careful
// path, so that each caller still gets its own result.
func (c *committer) apply(ctx context.Context, conn *pgx.Conn, batch []*writeRequest, results []error) {
	if !c.careful && slices.ContainsFunc(batch, func(r *writeRequest) bool { return r.stmt != nil }) {
		refused, err := c.applyPipelined(ctx, conn, batch, results)
		if !errors.Is(err, errFallback) {
			fill(results, err)
			if len(refused) > 0 {
				c.applySome(ctx, conn, batch, refused, results)
			}
			return
		}
		c.fallbacks.Add(1)
		slog.Debug("store: a pipelined batch failed; running it again write by write", "writes", len(batch), "err", err)
		clear(results)
	}
	fill(results, c.applyCareful(ctx, conn, batch, results))
}

// errFallback marks a pipelined batch that was rolled back, with nothing
// saved, and is to run again on the careful path.
var errFallback = errors.New("the pipelined batch was rolled back")

// applyPipelined sends BEGIN, the statement of every write of batch that has
// one and, if every write has one, COMMIT in one pipeline; then runs the
// other writes under their savepoints and commits. It returns the indexes
// of the writes it refused. An error wrapping errFallback means the
// transaction was rolled back and nothing saved; any other error is every
// write's result.
func (c *committer) applyPipelined(ctx context.Context, conn *pgx.Conn, batch []*writeRequest, results []error) (refused []int, err error) {
	b := &pgx.Batch{QueuedQueries: make([]*pgx.QueuedQuery, 0, len(batch)+2)}
	b.Queue(sqlBegin)
	var piped, rest []int
	for i, req := range batch {
		switch {
		case req.ctx.Err() != nil:
			results[i] = req.ctx.Err() // skipped
		case req.stmt == nil:
			rest = append(rest, i)
		default:
			piped = append(piped, i)
			b.Queue(req.stmt.sql, req.stmt.args...)
		}
	}
	if len(rest) == 0 {
		b.Queue(sqlCommit)
	}
	applied, err := readPipelined(conn.SendBatch(ctx, b), piped, len(rest) == 0)
	if err != nil {
		return nil, c.pipelineFailed(conn, err, len(rest) == 0)
	}
	refused = slices.DeleteFunc(piped, func(i int) bool { return slices.Contains(applied, i) })
	n := len(applied)
	if len(rest) > 0 {
		more, txErr := runEach(ctx, conn, batch, rest, results)
		if txErr != nil {
			rollbackConn(conn)
			return nil, txErr
		}
		n += more
		if n > 0 {
			if err := commitTx(ctx, conn); err != nil {
				return nil, err
			}
		} else {
			rollbackConn(conn) // nothing to keep
		}
	}
	if n > 0 {
		c.commits.Add(1)
		c.writes.Add(int64(n))
	}
	return refused, nil
}

// readPipelined reads the results of a pipeline sent by applyPipelined and
// returns the indexes of the writes whose statement changed its row.
func readPipelined(br pgx.BatchResults, piped []int, committed bool) (applied []int, err error) {
	defer func() { err = errors.Join(err, br.Close()) }()
	if _, err := br.Exec(); err != nil {
		return nil, err
	}
	for _, i := range piped {
		tag, err := br.Exec()
		if err != nil {
			return nil, err
		}
		if tag.RowsAffected() > 0 { // else refused
			applied = append(applied, i)
		}
	}
	if committed {
		tag, err := br.Exec()
		if err == nil && tag.String() != sqlCommit {
			err = fmt.Errorf("COMMIT answered %q: the transaction was rolled back", tag)
		}
		if err != nil {
			return nil, err
		}
	}
	return applied, nil
}

// pipelineFailed decides what a failed pipeline means. If the server
// answered with an error, or pgx could not prepare or encode a statement,
// nothing was saved: roll back and run the batch again carefully
// (errFallback). If the connection failed after COMMIT was sent, nobody can
// tell whether it committed.
func (c *committer) pipelineFailed(conn *pgx.Conn, err error, sentCommit bool) error {
	var unsent pgx.ErrPreprocessingBatch
	switch {
	case pgError(err) != nil, errors.As(err, &unsent):
		rollbackConn(conn)
		return fmt.Errorf("%w: %w", errFallback, err)
	case pgconn.SafeToRetry(err), !sentCommit:
		rollbackConn(conn)
		return writeFailed("send the batch", err)
	}
	return commitFailed(err)
}

// applySome runs the writes of batch at the indexes some on the careful
// path, in a transaction of their own, and sets their results.
func (c *committer) applySome(ctx context.Context, conn *pgx.Conn, batch []*writeRequest, some []int, results []error) {
	reqs := make([]*writeRequest, len(some))
	for k, i := range some {
		reqs[k] = batch[i]
	}
	own := make([]error, len(reqs))
	fill(own, c.applyCareful(ctx, conn, reqs, own))
	for k, i := range some {
		results[i] = own[k]
	}
}

// applyCareful runs each request of batch under its own savepoint in one
// transaction, then commits it, or rolls it back if nothing is left to
// keep. results[i] receives request i's own error; a returned error means
// the whole transaction was rolled back (or that its commit's outcome is
// unknown). A lone request needs no savepoint: the transaction is its own,
// and is rolled back if it fails.
func (c *committer) applyCareful(ctx context.Context, conn *pgx.Conn, batch []*writeRequest, results []error) error {
	if _, err := conn.Exec(ctx, sqlBegin); err != nil {
		rollbackConn(conn)
		return writeFailed("begin write transaction", err)
	}
	all := make([]int, len(batch))
	for i := range all {
		all[i] = i
	}
	applied, txErr := runEach(ctx, conn, batch, all, results)
	if txErr != nil {
		rollbackConn(conn)
		return txErr
	}
	if applied == 0 {
		rollbackConn(conn) // nothing to keep
		return nil
	}
	if err := commitTx(ctx, conn); err != nil {
		return err
	}
	c.commits.Add(1)
	c.writes.Add(int64(applied))
	return nil
}

// runEach runs the writes of batch at the indexes which, in the open
// transaction, each under a savepoint unless it is the batch's only write.
// It returns how many succeeded; txErr means the transaction can no longer
// be trusted.
func runEach(ctx context.Context, conn *pgx.Conn, batch []*writeRequest, which []int, results []error) (applied int, txErr error) {
	run := applyOne
	if len(batch) == 1 {
		run = applyAlone
	}
	for _, i := range which {
		results[i], txErr = run(ctx, conn, batch[i])
		if txErr != nil {
			return 0, txErr
		}
		if results[i] == nil {
			applied++
		}
	}
	return applied, nil
}

// commitTx commits the open transaction on conn.
func commitTx(ctx context.Context, conn *pgx.Conn) error {
	tag, err := conn.Exec(ctx, sqlCommit)
	if err == nil && tag.String() != sqlCommit {
		return writeFailed("commit", fmt.Errorf("COMMIT answered %q: the transaction was rolled back", tag))
	}
	if err != nil {
		rollbackConn(conn) // harmless if the server ended it; the pool drops a broken connection
		return commitFailed(err)
	}
	return nil
}

// fill sets every nil result to err.
func fill(results []error, err error) {
	if err == nil {
		return
	}
	for i := range results {
		if results[i] == nil {
			results[i] = err
		}
	}
}

// rollback ends t, keeping nothing. Its error is not reported: the caller
// is already failing, and if the connection is broken the pool drops it
// and the server rolls the transaction back itself.
func rollback(t pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = t.Rollback(ctx)
}

// rollbackConn ends the transaction open on conn, as rollback does; outside
// a transaction, ROLLBACK only warns.
func rollbackConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _ = conn.Exec(ctx, sqlRollback)
}

// applyOne runs req under a savepoint. reqErr is req's own error, after which
// its changes were rolled back; txErr means the savepoint itself failed and
// the transaction can no longer be trusted.
func applyOne(ctx context.Context, conn *pgx.Conn, req *writeRequest) (reqErr, txErr error) {
	if err := req.ctx.Err(); err != nil {
		return err, nil
	}
	if _, err := conn.Exec(ctx, sqlSavepoint); err != nil {
		return nil, writeFailed("open savepoint", err)
	}
	if reqErr = req.fn(ctx, conn); reqErr != nil {
		if _, err := conn.Exec(ctx, sqlRollbackTo); err != nil {
			return reqErr, writeFailed("roll back savepoint", err)
		}
	}
	if _, err := conn.Exec(ctx, sqlRelease); err != nil {
		return reqErr, writeFailed("release savepoint", err)
	}
	return reqErr, nil
}

// applyAlone runs req, the only request of its transaction: on its error the
// caller rolls the whole transaction back, which is what a savepoint would do.
func applyAlone(ctx context.Context, conn *pgx.Conn, req *writeRequest) (reqErr, txErr error) {
	if err := req.ctx.Err(); err != nil {
		return err, nil
	}
	return req.fn(ctx, conn), nil
}
