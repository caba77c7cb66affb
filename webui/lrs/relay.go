// Package lrs sends the xAPI statements of the outbox to a learning record
// store: in batches, with the X-Experience-API-Version header and HTTP
// Basic credentials, marking each one sent only once the LRS has taken it,
// and retrying with backoff when it cannot. The LRS's answers are
// untrusted: only their status and a bounded part of their body are read.
package lrs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"parley/webui/training"
)

// Version is the xAPI version Parley speaks.
const Version = "1.0.3"

// Config says where the LRS is and how to send to it.
type Config struct {
	// Endpoint is the LRS's xAPI endpoint (statements go to
	// Endpoint + "statements"), such as https://lrs.example.com/data/xAPI/.
	Endpoint string
	// Username and Password are the LRS's Basic credentials (a key and
	// secret, for most LRSs).
	Username, Password string
	// Batch is how many statements go in one request (default 50); Every
	// how often the outbox is read when idle (default 2 s); MaxBackoff the
	// longest wait between tries (default 10 minutes).
	Batch      int
	Every      time.Duration
	MaxBackoff time.Duration
	// HTTP sends the requests (default: a 30 s timeout). The relay uses a
	// copy that never follows a redirect: a redirected POST is not a
	// statement stored, and a 307 or 308 would send the statements and the
	// credentials somewhere else.
	HTTP *http.Client
	Now  func() time.Time
	Log  *slog.Logger
}

// Relay moves statements from the outbox to the LRS.
type Relay struct {
	st  training.OutboxStore
	cfg Config
	url string
	// While the LRS is down (it cannot be reached, or answers 5xx, 401,
	// 403, 429, a redirect, or a 200 without the batch's ids), the relay sends one batch per backoff, not the queue:
	// failures counts the outage's failed tries, pauseUntil when to probe.
	failures   int
	pauseUntil time.Time
}

// RefusedWait is how long a statement the LRS refuses as invalid (400)
// waits before it is offered again: an operator has to look at it.
const RefusedWait = 24 * time.Hour

// maxAnswer bounds how much of an LRS's answer is read.
const maxAnswer = 64 << 10

// New checks cfg and builds the relay.
func New(st training.OutboxStore, cfg Config) (*Relay, error) {
	u, err := url.Parse(cfg.Endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("lrs: endpoint %q: want the LRS's xAPI endpoint, such as https://lrs.example.com/xapi/", cfg.Endpoint)
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 50
	}
	if cfg.Every <= 0 {
		cfg.Every = 2 * time.Second
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 10 * time.Minute
	}
	hc := http.Client{Timeout: 30 * time.Second}
	if cfg.HTTP != nil {
		hc = *cfg.HTTP
	}
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	cfg.HTTP = &hc
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Relay{st: st, cfg: cfg, url: strings.TrimSuffix(cfg.Endpoint, "/") + "/statements"}, nil
}

// Run sends what is due until ctx ends.
func (r *Relay) Run(ctx context.Context) {
	t := time.NewTicker(r.cfg.Every)
	defer t.Stop()
	for {
		if _, err := r.SendDue(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Log.Warn("xAPI statements not sent; they stay in the outbox and are tried again", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// SendDue sends every statement due now, batch by batch, and returns how
// many the LRS took. A batch that fails is put back with a backoff and the
// pass goes on with the next.
//
// SendDue is not safe for concurrent use: Run calls it from one goroutine.
func (r *Relay) SendDue(ctx context.Context) (int, error) {
	if r.cfg.Now().Before(r.pauseUntil) {
		return 0, nil
	}
	sent := 0
	var errs []error
	for ctx.Err() == nil {
		due, err := r.st.DueStatements(ctx, r.cfg.Now(), r.cfg.Batch)
		if err != nil {
			return sent, err
		}
		if len(due) == 0 {
			break
		}
		n, err := r.deliver(ctx, due)
		sent += n
		var down *lrsDown
		if errors.As(err, &down) {
			r.failures++
			r.pauseUntil = r.cfg.Now().Add(r.backoff(r.failures - 1))
			return sent, errors.Join(append(errs, err)...)
		}
		r.failures = 0
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// lrsDown is a failure of the LRS as a whole, not of a statement.
type lrsDown struct{ err error }

func (e *lrsDown) Error() string { return e.err.Error() }
func (e *lrsDown) Unwrap() error { return e.err }

// deliver sends a batch. A batch the LRS refuses as a whole for one bad
// statement (400) or one it already holds differently (409) is sent again
// one by one, so that one statement cannot hold up the others.
func (r *Relay) deliver(ctx context.Context, batch []training.OutboxItem) (int, error) {
	status, err := r.post(ctx, batch)
	switch {
	case err == nil:
		return len(batch), r.st.MarkSent(ctx, ids(batch), r.cfg.Now())
	case len(batch) > 1 && (status == http.StatusBadRequest || status == http.StatusConflict):
		sent := 0
		var errs []error
		for _, it := range batch {
			n, err := r.deliver(ctx, []training.OutboxItem{it})
			sent += n
			errs = append(errs, err)
		}
		return sent, errors.Join(errs...)
	case status == http.StatusConflict:
		// The LRS holds a statement with this id: ids are stable, so it is
		// ours, sent before. Nothing is lost by marking it sent.
		r.cfg.Log.Info("the LRS already holds an xAPI statement", "id", batch[0].ID)
		return 1, r.st.MarkSent(ctx, ids(batch), r.cfg.Now())
	}
	wait, down := RefusedWait, false
	if status != http.StatusBadRequest {
		tries := 0
		for _, it := range batch {
			tries = max(tries, it.Tries)
		}
		wait, down = r.backoff(tries), true
	}
	if merr := r.st.MarkFailed(ctx, ids(batch), r.cfg.Now().Add(wait), err.Error()); merr != nil {
		return 0, errors.Join(err, merr)
	}
	if down {
		return 0, &lrsDown{err}
	}
	return 0, err
}

// backoff is how long to wait after tries failed tries: from one second,
// doubling, with jitter (half to all of it), up to MaxBackoff.
func (r *Relay) backoff(tries int) time.Duration {
	d := time.Second << min(tries, 20)
	d = min(d, r.cfg.MaxBackoff)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// post sends a batch as a JSON array. The LRS has taken it when it answers
// 204, or 200 with the statements' ids (xAPI 1.0.3, POST /statements);
// anything else is an error that says what the LRS answered.
func (r *Relay) post(ctx context.Context, batch []training.OutboxItem) (int, error) {
	var body bytes.Buffer
	body.WriteByte('[')
	for i, it := range batch {
		if i > 0 {
			body.WriteByte(',')
		}
		body.Write(it.Body)
	}
	body.WriteByte(']')
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, &body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Experience-API-Version", Version)
	if r.cfg.Username != "" || r.cfg.Password != "" {
		req.SetBasicAuth(r.cfg.Username, r.cfg.Password)
	}
	resp, err := r.cfg.HTTP.Do(req)
	if err != nil {
		return 0, fmt.Errorf("send %d xAPI statements to %s: %w", len(batch), r.url, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer)) // let the connection be reused, within bounds
	switch {
	case resp.StatusCode == http.StatusNoContent:
		return resp.StatusCode, nil
	case resp.StatusCode == http.StatusOK:
		if err := holdsAll(answer, batch); err != nil {
			return resp.StatusCode, fmt.Errorf("send %d xAPI statements to %s: the LRS answered %s %w; "+
				"check that --lrs-endpoint is the LRS's xAPI endpoint", len(batch), r.url, resp.Status, err)
		}
		return resp.StatusCode, nil
	case resp.StatusCode >= 300 && resp.StatusCode < 400:
		return resp.StatusCode, fmt.Errorf("send %d xAPI statements to %s: the LRS answered %s to %.300q, "+
			"which Parley does not follow, so nothing was stored: set --lrs-endpoint to the LRS's own xAPI endpoint",
			len(batch), r.url, resp.Status, resp.Header.Get("Location"))
	}
	return resp.StatusCode, fmt.Errorf("send %d xAPI statements to %s: the LRS answered %s: %.300q", len(batch), r.url, resp.Status, answer)
}

// holdsAll checks that an LRS's 200 answer is a JSON array of strings
// holding the id of every statement in batch.
func holdsAll(answer []byte, batch []training.OutboxItem) error {
	var got []string
	if err := json.Unmarshal(answer, &got); err != nil {
		return fmt.Errorf("with %.300q, not the JSON array of statement ids xAPI answers", answer)
	}
	for _, it := range batch {
		if !slices.ContainsFunc(got, func(id string) bool { return strings.EqualFold(id, it.ID) }) {
			return fmt.Errorf("with ids %.300q, without statement %s", answer, it.ID)
		}
	}
	return nil
}

func ids(items []training.OutboxItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}
