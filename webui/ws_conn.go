package webui

import (
	"bufio"
	"net"
	"net/http"
	"sync"
)

// corkConn is a websocket's network connection. While corked, writes gather
// in a pooled buffer and go out in one system call at uncork: the frames of
// one answer (a turn, its ack, the ending) cost one write, not three. The
// websocket's write mutex (client.wmu) is held from cork to uncork, but
// gorilla also writes by itself from the reading goroutine (the answer to a
// browser's close or ping, a protocol error's close): mu guards buf against
// that write, which joins the buffer when it comes while corked.
type corkConn struct {
	net.Conn
	mu  sync.Mutex
	buf *[]byte // non-nil while corked
}

var corkBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.buf != nil {
		*c.buf = append(*c.buf, p...)
		c.mu.Unlock()
		return len(p), nil
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *corkConn) cork() {
	b := corkBuffers.Get().(*[]byte)
	c.mu.Lock()
	c.buf = b
	c.mu.Unlock()
}

// uncork writes what gathered since cork, under the write deadline the
// websocket set last, and gives the buffer back.
func (c *corkConn) uncork() error {
	c.mu.Lock()
	b := c.buf
	c.buf = nil
	c.mu.Unlock()
	var err error
	if len(*b) > 0 {
		_, err = c.Conn.Write(*b)
	}
	if cap(*b) <= 64<<10 { // a rare huge answer is not kept
		*b = (*b)[:0]
		corkBuffers.Put(b)
	}
	return err
}

// corkingWriter hands the websocket upgrader a corkConn when it hijacks
// the connection.
type corkingWriter struct {
	http.ResponseWriter
	conn *corkConn
}

func (w *corkingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.conn = &corkConn{Conn: nc}
	return w.conn, brw, nil
}
