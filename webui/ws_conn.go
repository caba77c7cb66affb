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
// websocket's write mutex (client.wmu) is held from cork to uncork.
type corkConn struct {
	net.Conn
	buf *[]byte // non-nil while corked
}

var corkBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

func (c *corkConn) Write(p []byte) (int, error) {
	if c.buf != nil {
		*c.buf = append(*c.buf, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
}

func (c *corkConn) cork() { c.buf = corkBuffers.Get().(*[]byte) }

// uncork writes what gathered since cork, under the write deadline the
// websocket set last, and gives the buffer back.
func (c *corkConn) uncork() error {
	b := c.buf
	c.buf = nil
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
