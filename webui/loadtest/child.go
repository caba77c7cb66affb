package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DebugListeningMessage is what parley serve logs when --debug-addr
// listens, with the address as addr=: a child server's CPU profile is
// fetched from there.
const DebugListeningMessage = "debug server (net/http/pprof) listening"

// childReadyLimit bounds how long a child server may take to listen and
// analyse its scenarios.
const childReadyLimit = 2 * time.Minute

// defaultMaxWebsockets is serve's own default for --max-websockets: a
// child is given more only when the run needs more.
const defaultMaxWebsockets = 10000

// childServer is parley serve running in its own process.
type childServer struct {
	cmd       *exec.Cmd
	url       string // where it listens
	debug     string // its --debug-addr, host:port
	setupLink string // printed on its stdout on a new database
	exited    chan struct{}
	waitErr   error      // valid once exited is closed
	tail      *lineTail  // its last lines of output, for error messages
	events    chan event // what its output said, until it is ready
	analysed  string     // the log message that says its scenarios are analysed
	ready     bool       // it said so
}

// event is one thing a child's output said.
type event struct{ kind, value string }

// startChildren starts o.Instances serve processes on one database: a new
// SQLite file in tg.dir unless o.DB names one. The first one's setup link
// signs the admin in before the next starts (each start on a database
// whose admin has no password prints a new link).
func (tg *target) startChildren(ctx context.Context, o Options, log *slog.Logger) error {
	tg.db = o.DB
	if tg.db == "" {
		tg.db = filepath.Join(tg.dir, "parley.db")
	}
	if o.ReadTurns != nil {
		db := tg.db
		tg.readTurns = func(ctx context.Context) (TurnReader, func() error, error) { return o.ReadTurns(ctx, db) }
	}
	for k := range max(o.Instances, 1) {
		c, err := startChild(ctx, o, tg.db, log)
		if c != nil {
			tg.children = append(tg.children, c)
		}
		if err != nil {
			return fmt.Errorf("loadtest: server %d of %d: %w", k+1, max(o.Instances, 1), err)
		}
		log.Info("server started in its own process", "url", c.url, "pid", c.pid())
		tg.bases, tg.procs.pids = append(tg.bases, c.url), append(tg.procs.pids, c.pid())
		if k == 0 && c.setupLink != "" { // used before another start prints a new one
			tg.setupLink = c.setupLink
			if _, err := tg.adminSession(ctx, o); err != nil {
				return err
			}
		}
	}
	return nil
}

// childArgs are serve's flags for a child: any free port on loopback, the
// database, a debug address for profiles, and room for every websocket.
func childArgs(o Options, db string) []string {
	// Simulated trainees may start attempts faster than a person can.
	args := []string{"--addr", "127.0.0.1:0", "--db", db, "--debug-addr", "127.0.0.1:0", "--start-burst", "-1"}
	if need := o.maxTrainees() + o.Idle + 64; need > defaultMaxWebsockets {
		args = append(args, "--max-websockets", strconv.Itoa(need))
	}
	return args
}

// startChild starts one serve process and waits until it listens and has
// analysed its scenarios.
func startChild(ctx context.Context, o Options, db string, log *slog.Logger) (*childServer, error) {
	if o.Serve == nil {
		return nil, errors.New("no command to start parley serve with (Options.Serve)")
	}
	cmd, err := o.Serve(context.WithoutCancel(ctx), childArgs(o, db))
	if err != nil {
		return nil, err
	}
	c := &childServer{cmd: cmd, exited: make(chan struct{}), tail: &lineTail{max: 20}, events: make(chan event, 8),
		analysed: o.AnalysedMessage}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start parley serve: %w", err)
	}
	var readers sync.WaitGroup
	readers.Go(func() { c.readOutput(stdout, log) })
	readers.Go(func() { c.readOutput(stderr, log) })
	go func() {
		readers.Wait()
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	if err := c.awaitReady(ctx); err != nil {
		return c, errors.Join(err, c.stop())
	}
	return c, nil
}

func (c *childServer) pid() int { return c.cmd.Process.Pid }

// readOutput reads one of the child's outputs to its end: it notes the
// lines a start is recognised by, keeps the last ones for errors and
// passes warnings and errors on to log.
func (c *childServer) readOutput(r io.Reader, log *slog.Logger) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		c.tail.add(line)
		if e, ok := recognise(line, c.analysed); ok {
			select {
			case c.events <- e:
			default: // nobody waits any more
			}
		}
		if lvl := logField(line, "level"); lvl == "WARN" || lvl == "ERROR" {
			log.Warn("server: "+logField(line, "msg"), "pid", c.pid(), "line", line)
		}
	}
}

// recognise reads what the child's start says: the address it listens at
// (slog's "open URL in a browser"), its debug address, that its scenarios
// are analysed (the log message analysed), and the setup link on its
// console.
func recognise(line, analysed string) (event, bool) {
	if t := strings.TrimSpace(line); strings.HasPrefix(t, "http") && strings.Contains(t, "/#/link/") {
		return event{"setup", t}, true
	}
	msg := logField(line, "msg")
	switch {
	case strings.HasPrefix(msg, "open ") && strings.HasSuffix(msg, " in a browser"):
		return event{"url", strings.TrimSuffix(strings.TrimPrefix(msg, "open "), " in a browser")}, true
	case msg == DebugListeningMessage:
		return event{"debug", logField(line, "addr")}, true
	case msg != "" && msg == analysed:
		return event{"analysed", msg}, true
	}
	return event{}, false
}

// awaitReady waits for the child's URL and its scenarios' analysis (the
// setup link, on a new database, comes before both).
func (c *childServer) awaitReady(ctx context.Context) error {
	if c.analysed == "" {
		return errors.New("no message to recognise the end of the analysis by (Options.AnalysedMessage)")
	}
	timer := time.NewTimer(childReadyLimit)
	defer timer.Stop()
	for c.url == "" || !c.ready {
		select {
		case e := <-c.events:
			c.note(e)
		case <-c.exited:
			return fmt.Errorf("parley serve stopped before it was ready (%v); its last lines:\n%s", c.waitErr, c.tail)
		case <-timer.C:
			return fmt.Errorf("parley serve did not listen and analyse its scenarios within %v; its last lines:\n%s", childReadyLimit, c.tail)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (c *childServer) note(e event) {
	switch e.kind {
	case "setup":
		c.setupLink = e.value
	case "url":
		c.url = strings.TrimSuffix(e.value, "/")
	case "debug":
		c.debug = e.value
	case "analysed":
		c.ready = true
	}
}

// stop asks the child to shut down gracefully (as Ctrl-C would: it drains
// and closes its database) and waits for it.
func (c *childServer) stop() error {
	select {
	case <-c.exited:
		return c.exitErr()
	default:
	}
	if err := terminate(c.cmd.Process); err != nil {
		return fmt.Errorf("stop parley serve (pid %d): %w", c.pid(), err)
	}
	select {
	case <-c.exited:
	case <-time.After(time.Minute):
		_ = c.cmd.Process.Kill()
		<-c.exited
		return fmt.Errorf("parley serve (pid %d) did not stop within a minute of SIGTERM and was killed", c.pid())
	}
	return c.exitErr()
}

func (c *childServer) exitErr() error {
	if c.waitErr != nil {
		return fmt.Errorf("parley serve (pid %d) exited: %w; its last lines:\n%s", c.pid(), c.waitErr, c.tail)
	}
	return nil
}

// logField is the value of key in a line of slog's text format (key=value
// or key="quoted value"), "" when absent.
func logField(line, key string) string {
	var rest string
	if after, ok := strings.CutPrefix(line, key+"="); ok {
		rest = after
	} else if _, after, ok := strings.Cut(line, " "+key+"="); ok {
		rest = after
	} else {
		return ""
	}
	if strings.HasPrefix(rest, `"`) {
		q, err := strconv.QuotedPrefix(rest)
		if err != nil {
			return ""
		}
		v, _ := strconv.Unquote(q)
		return v
	}
	v, _, _ := strings.Cut(rest, " ")
	return v
}

// lineTail keeps the last max lines written to it.
type lineTail struct {
	mu    sync.Mutex
	max   int
	lines []string
}

func (t *lineTail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.lines) == t.max {
		t.lines = t.lines[1:]
	}
	t.lines = append(t.lines, line)
}

func (t *lineTail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return "    " + strings.Join(t.lines, "\n    ")
}
