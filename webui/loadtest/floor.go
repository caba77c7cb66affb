package loadtest

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gorilla/websocket"
	_ "modernc.org/sqlite" // the floor's commit test: SQLite itself, not Parley's store

	"parley/webui/client"
)

// floorWarmup iterations run before each floor measurement and are not
// counted.
const floorWarmup = 20

// floorResult is the cost of the two things a reply cannot avoid: one
// websocket round trip and one commit with fsync. Half the iterations run
// before the load and half after, pooled, so that a drift in the machine's
// other load during the run shows (before and after) and evens out.
type floorResult struct {
	frameSize     int
	echo          latencySummary
	commit        latencySummary
	before, after time.Duration // echo p50 + commit p50 of each half
}

// total is echo p50 + commit p50.
func (f floorResult) total() time.Duration { return f.echo.p50 + f.commit.p50 }

// floorSamples are the raw timings of one half of the floor.
type floorSamples struct {
	frameSize    int
	echo, commit []time.Duration
}

func (s floorSamples) total() time.Duration {
	return summarize(s.echo).p50 + summarize(s.commit).p50
}

// pool merges the halves measured before and after the load.
func (s floorSamples) pool(after floorSamples) floorResult {
	r := floorResult{frameSize: s.frameSize, before: s.total(), after: after.total()}
	r.echo = summarize(append(slices.Clone(s.echo), after.echo...))
	r.commit = summarize(append(slices.Clone(s.commit), after.commit...))
	return r
}

// measureFloor measures n websocket echoes of a choose-sized frame and n
// single-row SQLite commits in a new file in dir (the disk of the server's
// database).
func measureFloor(ctx context.Context, dir string, n int) (floorSamples, error) {
	frame, _ := json.Marshal(client.Message{Type: "choose", Seq: 12, Attempt: strings.Repeat("0f", 16), Reply: "acknowledge-the-delay"})
	echo, err := echoFloor(ctx, frame, n)
	if err != nil {
		return floorSamples{}, err
	}
	db, err := os.CreateTemp(dir, "floor-*.db")
	if err != nil {
		return floorSamples{}, fmt.Errorf("floor: %w", err)
	}
	_ = db.Close()
	commit, err := commitFloor(ctx, db.Name(), n)
	if err != nil {
		return floorSamples{}, err
	}
	return floorSamples{frameSize: len(frame), echo: echo, commit: commit}, nil
}

// echoFloor times n round trips of frame through a bare gorilla echo
// server on loopback.
func echoFloor(ctx context.Context, frame []byte, n int) ([]time.Duration, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(echoHandler), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	ws, _, err := (&websocket.Dialer{HandshakeTimeout: 5 * time.Second}).DialContext(ctx, client.WebsocketURL(base), http.Header{"Origin": {base}})
	if err != nil {
		return nil, fmt.Errorf("floor: dial the echo server: %w", err)
	}
	defer ws.Close()
	_ = ws.SetReadDeadline(time.Now().Add(time.Minute))
	return timeN(n, func() error {
		if err := ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			return err
		}
		_, _, err := ws.ReadMessage()
		return err
	})
}

// echoHandler sends every frame back, with the server's buffer sizes.
func echoHandler(w http.ResponseWriter, r *http.Request) {
	up := websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096}
	ws, err := up.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	for {
		typ, data, err := ws.ReadMessage()
		if err != nil || ws.WriteMessage(typ, data) != nil {
			return
		}
	}
}

// commitFloor times n transactions of one single-row insert each, with
// the store's durability settings (WAL, synchronous=FULL), in a fresh file.
func commitFloor(ctx context.Context, path string, n int) ([]time.Duration, error) {
	db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "CREATE TABLE floor (id INTEGER PRIMARY KEY, body BLOB NOT NULL) STRICT"); err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	ins, err := db.PrepareContext(ctx, "INSERT INTO floor (body) VALUES (?)")
	if err != nil {
		return nil, fmt.Errorf("floor: %w", err)
	}
	defer ins.Close()
	body := make([]byte, 512) // about a turn's event
	s, err := timeN(n, func() error { _, err := ins.ExecContext(ctx, body); return err })
	return s, errors.Join(err, checkSynchronousFull(ctx, db))
}

// checkSynchronousFull makes sure the floor paid the fsync.
func checkSynchronousFull(ctx context.Context, db *sql.DB) error {
	var mode string
	var sync int
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return err
	}
	if mode != "wal" || sync != 2 {
		return fmt.Errorf("floor: the commit test ran with journal_mode=%s synchronous=%d, not wal and 2 (FULL)", mode, sync)
	}
	return nil
}

// timeN runs fn floorWarmup times, then n timed times.
func timeN(n int, fn func() error) ([]time.Duration, error) {
	for range floorWarmup {
		if err := fn(); err != nil {
			return nil, fmt.Errorf("floor: %w", err)
		}
	}
	ds := make([]time.Duration, n)
	for i := range ds {
		start := time.Now()
		if err := fn(); err != nil {
			return nil, fmt.Errorf("floor: %w", err)
		}
		ds[i] = time.Since(start)
	}
	return ds, nil
}
