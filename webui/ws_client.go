package webui

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"parley/webui/training"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// Websocket limits and timings (docs/protocol.md).
const (
	maxFrame       = 16 << 10         // largest frame read; bigger gets too_large, then close
	writeWait      = 10 * time.Second // per write
	closeGrace     = 2 * time.Second  // how long to wait for the browser to answer a close
	sendQueue      = 32               // frames waiting for the writer; a full queue drops the client
	messageTimeout = 15 * time.Second
)

var errTooLarge = errors.New("frame over 16 KiB")

// client is one websocket, served by one goroutine: its reader, which also
// handles each message in turn and writes the answer's frames itself, in one
// system call (corkConn). Frames pushed from elsewhere (a watched trainee's
// turn, going_away, a close) wait in a bounded queue, drained by a goroutine
// started only while it holds something; pings come from a timer. An idle
// connection so costs one parked goroutine and no writer. wmu keeps writes
// one at a time and in order.
type client struct {
	srv     *Server
	ws      *websocket.Conn
	conn    *corkConn
	user    User   // who opened it: their id, and their name for whom they watch
	session string // the hash of the session's token that opened it
	token   string // that token, to check the session again (current)

	// amu guards who the session signed in when it was last checked, for
	// what they may do now (current).
	amu     sync.Mutex
	authed  User
	checked time.Time
	// watchCheck checks a watcher's right to watch again (hub.watch); set
	// and read under the hub's lock.
	watchCheck *time.Timer
	// watching is the attempt this connection watches (a manager's), or "";
	// set and read under the hub's lock.
	watching string
	done     chan struct{} // closed when the reader has finished
	closing  atomic.Bool   // a close is queued: nothing more is sent or handled

	wmu    sync.Mutex   // held while frames are written
	queued atomic.Int64 // frames queued and not yet written; lowered under wmu, after the write

	qmu      sync.Mutex
	pending  []outbound // the queue, at most sendQueue frames
	flushing bool       // a goroutine is draining pending
	ping     *time.Timer

	release     func() // gives back its open-websocket slot; nil when it holds none
	releaseOnce sync.Once

	heard atomic.Int64 // when the browser last sent anything (Unix nanoseconds)
}

// finishRelease gives back the client's open-websocket slot, once.
func (c *client) finishRelease() {
	if c.release != nil {
		c.releaseOnce.Do(c.release)
	}
}

// outbound is a queued frame: a text frame, or a close.
type outbound struct {
	data      []byte
	closeCode int
	closeText string
}

func newClient(s *Server, ws *websocket.Conn, conn *corkConn, u User) *client {
	c := &client{srv: s, ws: ws, conn: conn, user: u, authed: u, checked: time.Now(), done: make(chan struct{})}
	c.heard.Store(time.Now().UnixNano())
	c.ping = time.AfterFunc(s.cfg.PingAfter, c.sendPing)
	return c
}

// readLoop reads frames until the connection fails or closes. It reads at
// most maxFrame+1 bytes of a frame itself rather than with SetReadLimit:
// gorilla's limit sends its close before the too_large frame could go out.
func (c *client) readLoop() {
	defer c.srv.hub.wg.Done()
	defer c.finish()
	_ = c.ws.SetReadDeadline(time.Now().Add(c.srv.cfg.PongWait))
	c.ws.SetPongHandler(func(string) error {
		c.hear()
		return nil
	})
	for {
		typ, data, err := c.read()
		switch {
		case errors.Is(err, errTooLarge):
			c.sendError(0, fail(codeTooLarge, "a frame may be at most %d bytes; this connection will close", maxFrame))
			c.close(websocket.CloseMessageTooBig, "frame over 16 KiB")
		case err != nil:
			c.srv.log.Debug("websocket closed", "user", c.user.ID, "err", err)
			return
		case !c.closing.Load():
			c.hear()
			c.handle(typ, data)
		}
	}
}

func (c *client) read() (int, []byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return 0, nil, err
	}
	data, err := io.ReadAll(io.LimitReader(r, maxFrame+1))
	if err != nil {
		return 0, nil, err
	}
	if len(data) > maxFrame {
		return 0, nil, errTooLarge
	}
	return typ, data, nil
}

// finish ends the client once the reader is done.
func (c *client) finish() {
	c.ping.Stop()
	c.srv.hub.remove(c)
	c.srv.hub.unwatch(c)
	c.finishRelease()
	close(c.done)
	_ = c.ws.Close()
}

// handle answers one message.
func (c *client) handle(typ int, data []byte) {
	if typ != websocket.TextMessage {
		c.answer(c.errorFrame(0, fail(codeBadMessage, "frames must be JSON text, not binary")))
		return
	}
	m, err := decodeMessage(data)
	if err != nil {
		c.answer(c.errorFrame(m.Seq, err))
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), messageTimeout)
	defer cancel()
	u, err := c.current(ctx)
	if err != nil {
		c.refuse(m.Seq, err)
		return
	}
	if m.Type == "watch" {
		c.watch(ctx, u, m)
		return
	}
	if !canPlay.allows(u) {
		c.answer(c.errorFrame(m.Seq, canPlay.refusal()))
		return
	}
	frames, err := c.srv.plays[m.Type](ctx, u, m)
	if err != nil {
		c.answer(append(frames, c.errorFrame(m.Seq, err))...)
		return
	}
	c.answer(frames...)
	switch m.Type {
	case "choose", "give_up":
		c.srv.hub.toWatchers(m.Attempt, frames)
	case "start", "resume":
		// A trainee back after a reload learns who is watching, if anyone.
		if snap, ok := firstSnapshot(frames); ok {
			if names := c.srv.hub.watchersOf(snap.Attempt.ID); len(names) > 0 {
				c.answer(watchedFrame{Type: "watched", Attempt: snap.Attempt.ID, Watchers: names})
			}
		}
	}
}

// watch starts watching an attempt live: a snapshot now, then its turns as
// the trainee plays them. The trainee's connections are told who watches.
func (c *client) watch(ctx context.Context, u User, m message) {
	snap, err := c.srv.svc.Watch(ctx, u, m.Attempt)
	if err != nil {
		c.answer(c.errorFrame(m.Seq, err))
		return
	}
	c.answer(viewSnapshot(snap, m.Seq))
	c.srv.hub.watch(c, snap.Attempt)
}

// current is who the connection's session signs in now, for what they may
// do. The session is checked again when its last check is older than
// Config.RecheckEvery, so that a user disabled, signed out or given other
// roles since the websocket opened (by another instance, or by parley user
// from the shell, which cannot reach this process) is treated as they now
// are within that time. A session that no longer signs anyone in is
// CodeLoginRequired.
func (c *client) current(ctx context.Context) (User, error) {
	c.amu.Lock()
	u, at := c.authed, c.checked
	c.amu.Unlock()
	now := time.Now()
	if now.Sub(at) < c.srv.cfg.RecheckEvery {
		return u, nil
	}
	acc, err := c.srv.accounts.Authenticate(ctx, c.token)
	if err != nil {
		return User{}, err
	}
	u = acc.User()
	c.amu.Lock()
	c.authed, c.checked = u, now
	c.amu.Unlock()
	return u, nil
}

// recheck checks the connection's session now, however recent the last
// check, and closes the connection when the session no longer signs anyone
// in. When the check itself fails (the database did not answer), it tries
// again, a second, then two, then four later, and so on, until it has an
// answer, the connection is gone or ctx ends: an idle websocket of a
// disabled user must not stay open for want of one answer.
func (c *client) recheck(ctx context.Context) {
	for wait := time.Second; ; wait = min(2*wait, time.Minute) {
		c.amu.Lock()
		c.checked = time.Time{}
		c.amu.Unlock()
		_, err := c.current(ctx)
		if err == nil {
			return
		}
		if training.AsError(err).Code == training.CodeLoginRequired {
			c.signedOut()
			return
		}
		c.srv.log.Warn("check a websocket's session again: will retry", "user", c.user.ID, "err", err, "in", wait)
		select {
		case <-ctx.Done():
			return
		case <-c.done:
			return
		case <-time.After(wait):
		}
	}
}

// refuse answers a message whose sender could not be checked: a session
// that has ended closes the connection, as a sign-out does.
func (c *client) refuse(seq int64, err error) {
	if training.AsError(err).Code == training.CodeLoginRequired {
		c.signedOut()
		return
	}
	c.answer(c.errorFrame(seq, err))
}

// signedOut tells the browser its session has ended, and closes.
func (c *client) signedOut() {
	c.sendError(0, training.Errorf(training.CodeLoginRequired, "you were signed out: sign in again to carry on where you left off"))
	c.close(websocket.ClosePolicyViolation, "signed out")
}

// answer sends the frames of the reader's answer to a message. When nothing
// is queued ahead of them, the reader writes them itself, together. The
// write is bounded by writeWait, and only this connection's own reader waits
// for it.
func (c *client) answer(frames ...any) {
	out := make([]outbound, 0, len(frames))
	for _, f := range frames {
		if data, ok := c.encode(f); ok {
			out = append(out, outbound{data: data})
		}
	}
	if len(out) == 0 || c.closing.Load() {
		return
	}
	c.wmu.Lock()
	if c.queued.Load() > 0 {
		c.wmu.Unlock()
		for _, o := range out {
			c.enqueue(o)
		}
		return
	}
	_, err := c.writeAll(out)
	c.wmu.Unlock()
	if err != nil {
		_ = c.ws.Close() // the reader's next read fails, and it finishes
	}
}

// writeAll writes frames in one system call; the caller holds wmu. closed
// says a close frame was among them (it is always last: nothing is queued
// after a close).
func (c *client) writeAll(frames []outbound) (closed bool, err error) {
	c.conn.cork()
	for _, o := range frames {
		if err = c.write(o); err != nil {
			break
		}
		closed = closed || o.closeCode != 0
	}
	if uerr := c.conn.uncork(); err == nil {
		err = uerr
	}
	return closed, err
}

func (c *client) write(o outbound) error {
	deadline := time.Now().Add(writeWait)
	if o.closeCode != 0 {
		return c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(o.closeCode, o.closeText), deadline)
	}
	_ = c.ws.SetWriteDeadline(deadline)
	return c.ws.WriteMessage(websocket.TextMessage, o.data)
}

// enqueue queues o without waiting, starting a goroutine to write the queue
// if none is: a browser that lets its queue fill is dropped.
func (c *client) enqueue(o outbound) {
	if c.closing.Load() {
		return
	}
	c.qmu.Lock()
	if len(c.pending) >= sendQueue {
		c.qmu.Unlock()
		c.srv.log.Warn("websocket dropped: the browser is not reading its frames", "user", c.user.ID)
		c.kill()
		return
	}
	c.pending = append(c.pending, o)
	c.queued.Add(1) // never waits for wmu: a push must not wait on a stuck browser
	start := !c.flushing
	c.flushing = true
	c.qmu.Unlock()
	if start {
		go c.flush()
	}
}

// flush writes the queue until it is empty, a write fails, or a close has
// been sent; then its goroutine ends. After a failure or a close, flushing
// stays set: nothing more is written.
func (c *client) flush() {
	for {
		c.qmu.Lock()
		batch := c.pending
		c.pending = nil
		if len(batch) == 0 {
			c.flushing = false
		}
		c.qmu.Unlock()
		if len(batch) == 0 {
			return
		}
		c.wmu.Lock()
		closed, err := c.writeAll(batch)
		c.queued.Add(-int64(len(batch)))
		c.wmu.Unlock()
		if err != nil {
			_ = c.ws.Close() // the reader stops too
			return
		}
		if closed {
			_ = c.ws.SetReadDeadline(time.Now().Add(closeGrace)) // the reader waits this long for the answer
			return
		}
	}
}

// hear notes that the browser sent something (a message or a pong): it has
// PongWait again before it is dropped.
func (c *client) hear() {
	if c.closing.Load() {
		return // the close's own, shorter deadline stands
	}
	now := time.Now()
	c.heard.Store(now.UnixNano())
	_ = c.ws.SetReadDeadline(now.Add(c.srv.cfg.PongWait))
}

// sendPing pings the browser, which must answer within PongWait, and
// schedules the next ping. A browser heard from within PingAfter is
// evidently there: the ping waits until PingAfter after that, so a trainee
// in a call costs no pings at all.
func (c *client) sendPing() {
	select {
	case <-c.done:
		return
	default:
	}
	after := c.srv.cfg.PingAfter
	if quiet := time.Since(time.Unix(0, c.heard.Load())); quiet < after {
		c.ping.Reset(after - quiet)
		return
	}
	c.wmu.Lock()
	err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait))
	c.wmu.Unlock()
	if err != nil {
		_ = c.ws.Close()
		return
	}
	c.ping.Reset(after)
}

// sendFrame queues v for the writer.
func (c *client) sendFrame(v any) {
	if data, ok := c.encode(v); ok {
		c.enqueue(outbound{data: data})
	}
}

func (c *client) encode(v any) ([]byte, bool) {
	data, err := json.Marshal(v)
	if err != nil {
		c.srv.log.Error("encode websocket frame", "err", err)
		return nil, false
	}
	return data, true
}

// sendError queues err as an error frame.
func (c *client) sendError(seq int64, err error) {
	c.sendFrame(c.errorFrame(seq, err))
}

// errorFrame turns err into an error frame, logging what the browser is not
// told.
func (c *client) errorFrame(seq int64, err error) errorFrame {
	e := training.AsError(err)
	if e.Code == training.CodeInternal {
		c.srv.log.Error("websocket message failed", "user", c.user.ID, "seq", seq, "err", err)
	}
	return errorFrame{Type: "error", Code: e.Code, Message: e.Message, Seq: seq}
}

// close queues a close frame after whatever is queued; nothing is sent or
// handled after it.
func (c *client) close(code int, text string) {
	c.enqueue(outbound{closeCode: code, closeText: text})
	c.closing.Store(true)
}

// goAway tells the browser the server is shutting down, then closes.
func (c *client) goAway() {
	c.sendFrame(goingAwayFrame{Type: "going_away", Message: "the server is restarting: reconnect and resume"})
	c.close(websocket.CloseGoingAway, "server shutting down")
}

// kill closes the connection at once; the reader then stops.
func (c *client) kill() { _ = c.ws.Close() }

// firstSnapshot is the snapshot among frames, if there is one.
func firstSnapshot(frames []any) (snapshotFrame, bool) {
	for _, f := range frames {
		if s, ok := f.(snapshotFrame); ok {
			return s, true
		}
	}
	return snapshotFrame{}, false
}
