package webui

import (
	"bytes"
	"io"
	"net"
	"regexp"
	"sync"
	"testing"
)

// TestCorkConnConcurrentWrite writes through a corkConn from two goroutines
// at once, as gorilla does when it answers a browser's close frame while a
// batch is corked: under the race detector an unguarded buffer fails here,
// and every byte must arrive, each write whole.
func TestCorkConnConcurrentWrite(t *testing.T) {
	server, browser := net.Pipe()
	cc := &corkConn{Conn: server}
	received := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(browser)
		received <- b
	}()

	const rounds = 200
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { // the writer under wmu: cork, two frames, uncork
		defer wg.Done()
		for range rounds {
			cc.cork()
			_, _ = cc.Write([]byte("aa"))
			_, _ = cc.Write([]byte("bb"))
			if err := cc.uncork(); err != nil {
				t.Errorf("uncork: %v", err)
				return
			}
		}
	}()
	go func() { // gorilla's own control frames, from the reading goroutine
		defer wg.Done()
		for range rounds {
			if _, err := cc.Write([]byte("C")); err != nil {
				t.Errorf("write: %v", err)
				return
			}
		}
	}()
	wg.Wait()
	server.Close()
	got := <-received

	if n := bytes.Count(got, []byte("C")); n != rounds {
		t.Errorf("got %d control writes, want %d", n, rounds)
	}
	// Control writes may land between two frames, several at a time, but
	// never inside one: without them the batches are all there, in order.
	if frames := bytes.ReplaceAll(got, []byte("C"), nil); !bytes.Equal(frames, bytes.Repeat([]byte("aabb"), rounds)) {
		t.Errorf("without the control writes got %q, want %d batches of aabb", frames, rounds)
	}
	if split := regexp.MustCompile(`aC+a|bC+b`).Find(got); split != nil {
		t.Errorf("a control write landed inside a frame: %q", split)
	}
	if len(got) != rounds*5 {
		t.Errorf("got %d bytes, want %d", len(got), rounds*5)
	}
}
