package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"parley/webui/client"
)

// stopGrace is how long past --duration a round trip in flight may take
// before the trainee gives up on it.
const stopGrace = 15 * time.Second

// errorPause is how long a trainee waits after an error before going on,
// so that a persistent failure cannot spin.
const errorPause = 100 * time.Millisecond

// loadEnv is what every trainee shares.
type loadEnv struct {
	clients   []*client.Client // one per server instance; trainee i starts on i mod len
	dialer    *websocket.Dialer
	scenarios []string
	total     int // trainees in the whole run, over every driver process
	think     time.Duration
	ramp      time.Duration
	seed      uint64
	duration  time.Duration
	rampEnd   time.Time // set by runTrainees: every trainee has connected by then
}

// newLoadEnv is what the trainees of a run share; bases are the server
// instances, spread over in turn.
func newLoadEnv(bases []string, hc *http.Client, o Options, scenarioIDs []string) *loadEnv {
	env := &loadEnv{scenarios: scenarioIDs, total: o.Trainees, think: o.Think,
		ramp: o.Ramp, seed: o.Seed, duration: o.Duration,
		dialer: &websocket.Dialer{HandshakeTimeout: 10 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 1024}}
	for _, b := range bases {
		env.clients = append(env.clients, client.New(b, hc))
	}
	return env
}

// ackedTurn is a turn the server acknowledged: it must be in the database.
// Trainee is the run-wide index of the trainee, whose identity reads the
// attempt back over HTTP.
type ackedTurn struct {
	Attempt string `json:"attempt"`
	Turn    int    `json:"turn"`
	Seq     int64  `json:"seq"`
	Reply   string `json:"reply"`
	Trainee int    `json:"trainee"`
}

// traineeResult is what one trainee saw.
type traineeResult struct {
	rtts     []time.Duration // choose sent → its ack received
	steady   []time.Duration // the same, for chooses sent once the ramp was over
	acked    []ackedTurn
	errors   map[string]int // by kind
	started  int            // attempts started
	finished int            // attempts that reached an ending
}

// simTrainee is one simulated trainee on its own websocket: it starts a
// random scenario, picks random replies on offer with think time, and
// starts another attempt after each ending.
type simTrainee struct {
	env     *loadEnv
	rng     *rand.Rand
	index   int // run-wide
	stopBy  time.Time
	token   string // its session, valid on every instance
	home    int    // the instance it is connected to: env.clients[home]
	conn    *client.Conn
	connSeq int64 // seq for start and resume
	attempt string
	lastSeq int64
	replies []string
	res     traineeResult
}

// runTrainees runs the trainees whose session tokens are given, the first
// of them being trainee number first of the run, until the duration is
// over, and merges what they saw.
func runTrainees(ctx context.Context, env *loadEnv, tokens []string, first int) loadResult {
	ctx, cancel := context.WithTimeout(ctx, env.duration)
	defer cancel()
	stopBy := time.Now().Add(env.duration + stopGrace)
	results := make([]traineeResult, len(tokens))
	var wg sync.WaitGroup
	start := time.Now()
	env.rampEnd = start.Add(env.ramp)
	for k, token := range tokens {
		i := first + k
		t := &simTrainee{env: env, rng: rand.New(rand.NewPCG(env.seed, uint64(i))), index: i, home: i % len(env.clients),
			stopBy: stopBy, token: token, res: traineeResult{errors: map[string]int{}}}
		delay := env.ramp * time.Duration(i) / time.Duration(max(env.total, 1))
		wg.Go(func() { results[k] = t.run(ctx, delay) })
	}
	wg.Wait()
	return mergeResults(results, time.Since(start))
}

// run plays until ctx ends; delay spreads the connection starts.
func (t *simTrainee) run(ctx context.Context, delay time.Duration) traineeResult {
	if !sleepCtx(ctx, delay) {
		return t.res
	}
	if err := t.connect(ctx); err != nil {
		if ctx.Err() != nil { // merely cut short by the end of the run
			return t.res
		}
		t.count(err)
		if t.redial(ctx); t.conn == nil {
			return t.res
		}
	}
	for ctx.Err() == nil {
		if err := t.step(ctx); err != nil {
			t.count(err)
			t.recover(ctx, err)
		}
	}
	t.conn.HangUp()
	return t.res
}

// connect opens the trainee's websocket with the session it signed in
// with before the load began.
func (t *simTrainee) connect(ctx context.Context) error {
	var err error
	t.conn, err = t.session().Dial(ctx, t.env.dialer, t.stopBy)
	return err
}

// session is the trainee's identity on the instance it is on.
func (t *simTrainee) session() *client.Session {
	return t.env.clients[t.home].WithToken(t.token)
}

// step starts an attempt when none is on, else thinks and replies.
func (t *simTrainee) step(ctx context.Context) error {
	if len(t.replies) == 0 {
		return t.start()
	}
	if !t.thinkFor(ctx) {
		return nil
	}
	return t.choose()
}

func (t *simTrainee) start() error {
	t.connSeq++
	sc := t.env.scenarios[t.rng.IntN(len(t.env.scenarios))]
	if err := t.conn.Send(client.Start(t.connSeq, sc)); err != nil {
		return err
	}
	if err := t.takeSnapshot(); err != nil {
		return err
	}
	t.res.started++
	return nil
}

// resume reattaches to the current attempt, to learn its committed state.
func (t *simTrainee) resume() error {
	t.connSeq++
	if err := t.conn.Send(client.Resume(t.connSeq, t.attempt)); err != nil {
		return err
	}
	return t.takeSnapshot()
}

// errGoingAway is a going_away frame where an answer was due: the server
// is shutting down, and the trainee dials the next instance.
var errGoingAway = errors.New("going_away: the server is shutting down")

// takeSnapshot reads the snapshot that answers start or resume.
func (t *simTrainee) takeSnapshot() error {
	f, err := t.conn.Recv()
	if err != nil {
		return err
	}
	if err := surprise(f, client.FrameSnapshot); err != nil {
		return err
	}
	if f.Seq != t.connSeq {
		return &client.ProtocolError{What: fmt.Sprintf("wanted the snapshot for seq %d, got seq %d", t.connSeq, f.Seq)}
	}
	head, err := f.Head()
	if err != nil {
		return err
	}
	t.attempt, t.lastSeq, t.replies = head.ID, head.LastSeq, f.ReplyIDs()
	if head.Status != "active" {
		t.attempt, t.replies = "", nil
	}
	return nil
}

func (t *simTrainee) thinkFor(ctx context.Context) bool {
	if t.env.think <= 0 {
		return ctx.Err() == nil
	}
	jitter := time.Duration(t.rng.Int64N(int64(t.env.think))) // mean think: think/2 + [0, think)
	return sleepCtx(ctx, t.env.think/2+jitter)
}

// choose sends a random reply on offer and waits for its turn and ack (and
// the ended that follows an ending).
func (t *simTrainee) choose() error {
	reply := t.replies[t.rng.IntN(len(t.replies))]
	seq := t.lastSeq + 1
	data, err := json.Marshal(client.Message{Type: "choose", Seq: seq, Attempt: t.attempt, Reply: reply})
	if err != nil {
		return err
	}
	sent := time.Now()
	if err := t.conn.SendRaw(data); err != nil {
		return err
	}
	turn, acked, err := t.awaitAck(seq)
	if err != nil {
		return err
	}
	t.res.rtts = append(t.res.rtts, acked.Sub(sent))
	if sent.After(t.env.rampEnd) {
		t.res.steady = append(t.res.steady, acked.Sub(sent))
	}
	t.res.acked = append(t.res.acked, ackedTurn{Attempt: t.attempt, Turn: turn.Turn, Seq: seq, Reply: reply, Trainee: t.index})
	t.lastSeq, t.replies = seq, client.ReplyIDs(turn.Replies)
	if len(t.replies) == 0 {
		return t.awaitEnded()
	}
	return nil
}

// turnPrefix starts every turn frame: the server writes "type" first.
var turnPrefix = []byte(`{"type":"turn"`)

// awaitAck reads the turn frame, then the ack for seq, and says when the ack
// arrived. Both frames are read before either is decoded, so the client's
// JSON decoding does not count in the round trip.
func (t *simTrainee) awaitAck(seq int64) (client.Frame, time.Time, error) {
	first, err := t.conn.RecvRaw()
	if err != nil {
		return client.Frame{}, time.Time{}, err
	}
	if !bytes.HasPrefix(first, turnPrefix) {
		f, err := client.Decode(first)
		return f, time.Time{}, cmpOr(err, surprise(f, "turn"))
	}
	second, err := t.conn.RecvRaw()
	acked := time.Now()
	if err != nil {
		return client.Frame{}, acked, err
	}
	turn, err := client.Decode(first)
	if err != nil {
		return turn, acked, err
	}
	ack, err := client.Decode(second)
	if err == nil && (ack.Type != "ack" || ack.Seq != seq) {
		err = &client.ProtocolError{What: fmt.Sprintf("wanted ack %d after turn, got %s seq %d", seq, ack.Type, ack.Seq)}
	}
	return turn, acked, err
}

func (t *simTrainee) awaitEnded() error {
	t.attempt = ""
	f, err := t.conn.Recv()
	if err != nil {
		return err
	}
	if err := surprise(f, "ended"); err != nil {
		return err
	}
	t.res.finished++
	return nil
}

// surprise is nil when f (decoded without error) is of the type wanted;
// else errGoingAway or a protocol error.
func surprise(f client.Frame, want string) error {
	switch {
	case f.Type == want:
		return nil
	case f.Type == client.FrameGoingAway:
		return errGoingAway
	}
	return &client.ProtocolError{What: "wanted " + want + ", got " + f.Type}
}

// recover gets back to a known state after err, then resumes the attempt
// (or forgets it). After an error frame the connection is fine; after a
// protocol surprise or a transport failure it is dialled again, so no
// stale frame is read as an answer.
func (t *simTrainee) recover(ctx context.Context, err error) {
	if !sleepCtx(ctx, errorPause) {
		return
	}
	var fe *client.Error
	if !errors.As(err, &fe) {
		t.redial(ctx)
	}
	t.replies = nil
	if t.attempt == "" || ctx.Err() != nil {
		return
	}
	if err := t.resume(); err != nil {
		t.count(err)
		t.attempt = ""
	}
}

// redial connects again, to the next instance when there are several (as
// a load balancer would send a browser whose server went away), so that
// the attempt is resumed there.
func (t *simTrainee) redial(ctx context.Context) {
	if t.conn != nil {
		t.conn.HangUp()
	}
	t.home = (t.home + 1) % len(t.env.clients)
	conn, err := t.session().Dial(ctx, t.env.dialer, t.stopBy)
	for err != nil && sleepCtx(ctx, time.Second) {
		t.count(err)
		t.home = (t.home + 1) % len(t.env.clients)
		conn, err = t.session().Dial(ctx, t.env.dialer, t.stopBy)
	}
	if conn != nil {
		t.conn = conn
	}
}

// count records err by kind: the error frame's code, a protocol surprise,
// or a transport failure.
func (t *simTrainee) count(err error) {
	var fe *client.Error
	var pe *client.ProtocolError
	switch {
	case errors.As(err, &fe):
		t.res.errors["error frame: "+fe.Code]++
	case errors.As(err, &pe):
		t.res.errors[pe.Error()]++
	case errors.Is(err, errGoingAway):
		t.res.errors["transport: going_away (the server shut down)"]++
	default:
		t.res.errors["transport: "+transportKind(err)]++
	}
}

// transportKind is a short, low-cardinality description of err.
func transportKind(err error) string {
	s := err.Error()
	for _, k := range []string{"timeout", "connection reset", "broken pipe", "refused", "too many open files", "close 1001", "close 1008", "close 1009", "EOF"} {
		if strings.Contains(s, k) {
			return k
		}
	}
	if len(s) > 80 {
		s = s[:80]
	}
	return s
}

// sleepCtx sleeps for d unless ctx ends first; it reports whether ctx is
// still live.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
