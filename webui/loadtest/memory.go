package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"parley/webui/client"
)

// IdleChildEnv makes a process the idle-session child (RunIdleChild): the
// value is "BASE-URL COUNT". The child reads COUNT session tokens (signed-in
// trainees, one per line) from its stdin, opens a websocket for each with
// an attempt started, prints "ready COUNT", and holds them until its stdin
// closes. It
// is a separate process so that the client side of the sessions does not
// count in the server's memory.
const IdleChildEnv = "PARLEY_LOADTEST_IDLE_CHILD"

// idleChildLimit bounds how long a child holds its sessions.
const idleChildLimit = 5 * time.Minute

// memoryResult is the server's memory growth for some idle sessions.
type memoryResult struct {
	sessions              int
	heapInuse, stackInuse int64
	goroutines            int
}

func (m *memoryResult) heapPer() float64       { return float64(m.heapInuse) / float64(m.sessions) }
func (m *memoryResult) stackPer() float64      { return float64(m.stackInuse) / float64(m.sessions) }
func (m *memoryResult) perSession() float64    { return m.heapPer() + m.stackPer() }
func (m *memoryResult) goroutinesPer() float64 { return float64(m.goroutines) / float64(m.sessions) }

// memSample is this process's memory after a full collection.
type memSample struct {
	heapInuse, stackInuse int64
	goroutines            int
}

func settledMemory() memSample {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return memSample{heapInuse: int64(ms.HeapInuse), stackInuse: int64(ms.StackInuse), goroutines: runtime.NumGoroutine()}
}

// measureIdle has a child process (started with command) open n idle
// sessions against the in-process server at base and measures how much this
// process (the server) grew.
func measureIdle(ctx context.Context, command func(context.Context) (*exec.Cmd, error), base string, sessions []*client.Session, profile string) (*memoryResult, error) {
	n := len(sessions)
	if command == nil {
		return nil, errors.New("idle sessions: no command for the child (Options.IdleChild)")
	}
	cmd, err := command(ctx)
	if err != nil {
		return nil, fmt.Errorf("idle sessions: %w", err)
	}
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d", IdleChildEnv, base, n))
	cmd.Stderr = os.Stderr
	cmd.WaitDelay = 5 * time.Second
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	before := settledMemory()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("idle sessions: start the child: %w", err)
	}
	var tokens strings.Builder
	for _, s := range sessions {
		tokens.WriteString(s.Token() + "\n")
	}
	_, err = io.WriteString(stdin, tokens.String())
	var res *memoryResult
	if err == nil {
		res, err = sampleWithChild(stdout, n, before, profile)
	}
	_ = stdin.Close() // the child lets go of its sessions
	return res, errors.Join(err, cmd.Wait())
}

// sampleWithChild waits for the child's "ready" and samples memory.
func sampleWithChild(stdout io.Reader, n int, before memSample, profile string) (*memoryResult, error) {
	if err := awaitReady(stdout, 2*time.Minute); err != nil {
		return nil, err
	}
	time.Sleep(200 * time.Millisecond) // the last handlers return and park in read
	after := settledMemory()
	if err := writeHeapProfile(profile); err != nil {
		return nil, err
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	return &memoryResult{sessions: n, heapInuse: after.heapInuse - before.heapInuse,
		stackInuse: after.stackInuse - before.stackInuse, goroutines: after.goroutines - before.goroutines}, nil
}

func awaitReady(stdout io.Reader, limit time.Duration) error {
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready ") {
				ready <- nil
				return
			}
		}
		ready <- fmt.Errorf("idle sessions: the child stopped before it was ready: %v", sc.Err())
	}()
	select {
	case err := <-ready:
		return err
	case <-time.After(limit):
		return fmt.Errorf("idle sessions: the child was not ready within %v", limit)
	}
}

func writeHeapProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--memprofile: %w", err)
	}
	return errors.Join(pprof.Lookup("heap").WriteTo(f, 0), f.Close())
}

// RunIdleChild is the child's side, for spec, the value of IdleChildEnv: open the sessions, say ready, hold them
// until stdin closes (or idleChildLimit passes), then hang up.
func RunIdleChild(ctx context.Context, spec string, stdin io.Reader, stdout io.Writer) error {
	base, countText, ok := strings.Cut(spec, " ")
	n, err := strconv.Atoi(countText)
	if !ok || err != nil || n < 1 || n > MaxIdleSessions {
		return fmt.Errorf("loadtest: %s=%q: want \"BASE-URL COUNT\"", IdleChildEnv, spec)
	}
	hc := client.NewHTTPClient()
	defer hc.CloseIdleConnections()
	cl := client.New(base, hc)
	in := bufio.NewReader(stdin)
	sessions := make([]*client.Session, n)
	for k := range sessions {
		line, err := in.ReadString('\n')
		if err != nil {
			return fmt.Errorf("loadtest: idle child: read session token %d of %d: %w", k+1, n, err)
		}
		sessions[k] = cl.WithToken(strings.TrimSpace(line))
	}
	ids, err := fetchScenarioIDs(ctx, sessions[0])
	if err != nil {
		return err
	}
	op := &idleOpener{sessions: sessions, scenarios: ids,
		dialer: &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 1024, WriteBufferSize: 1024}}
	conns, err := openIdleSessions(ctx, op, n)
	defer hangUpAll(conns)
	if err != nil {
		return err
	}
	hc.CloseIdleConnections() // only the websockets stay open
	fmt.Fprintf(stdout, "ready %d\n", n)
	waitForEOF(ctx, in, idleChildLimit)
	return nil
}

// idleOpener opens idle sessions: a small dialer, since the client side is
// not what is measured.
type idleOpener struct {
	sessions  []*client.Session
	dialer    *websocket.Dialer
	scenarios []string
}

// openIdleSessions opens n sessions with a few workers.
func openIdleSessions(ctx context.Context, op *idleOpener, n int) ([]*client.Conn, error) {
	conns := make([]*client.Conn, n)
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				conns[k], errs[k] = op.open(ctx, k)
			}
		})
	}
	wg.Wait()
	return conns, errors.Join(errs...)
}

func (op *idleOpener) open(ctx context.Context, k int) (*client.Conn, error) {
	c, err := op.sessions[k].Dial(ctx, op.dialer, time.Now().Add(time.Minute))
	if err != nil {
		return nil, err
	}
	sc := op.scenarios[rand.IntN(len(op.scenarios))]
	if err := c.Send(client.Start(1, sc)); err != nil {
		return c, err
	}
	_, _, err = c.AwaitSnapshot(1)
	return c, err
}

func hangUpAll(conns []*client.Conn) {
	for _, c := range conns {
		if c != nil {
			c.HangUp()
		}
	}
}

// waitForEOF returns when r is exhausted, ctx ends, or limit passes.
func waitForEOF(ctx context.Context, r io.Reader, limit time.Duration) {
	eof := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, r); close(eof) }()
	select {
	case <-eof:
	case <-ctx.Done():
	case <-time.After(limit):
	}
}
