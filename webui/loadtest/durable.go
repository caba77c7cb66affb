package loadtest

import (
	"context"
	"fmt"
	"sync"

	"parley/webui/client"
)

// maxMissingShown bounds how many missing turns the report lists.
const maxMissingShown = 10

// StoredTurn is a turn as read back: its reply, and its seq when known.
type StoredTurn struct {
	Reply string
	Seq   int64 // 0 when read over HTTP, which does not show it
}

// TurnReader reads back one attempt's stored turns by number.
type TurnReader func(ctx context.Context, attempt string) (map[int]StoredTurn, error)

// verifyDurable checks that every acknowledged turn is stored. In-process,
// the server has been stopped and the database file is opened afresh;
// otherwise each attempt is read back with GET /api/attempts/{id}.
func verifyDurable(ctx context.Context, tg *target, acked []ackedTurn) (durableResult, error) {
	read := httpTurnReader(acked)
	if tg.srv != nil && tg.srv.Turns != nil {
		stored, done, err := tg.srv.Turns(ctx)
		if err != nil {
			return durableResult{}, err
		}
		defer done()
		read = stored
	}
	return checkAcked(ctx, acked, read)
}

// checkAcked reads each attempt once, with a few workers, and looks for
// every acknowledged turn in it.
func checkAcked(ctx context.Context, acked []ackedTurn, read TurnReader) (durableResult, error) {
	byAttempt := map[string][]ackedTurn{}
	for _, a := range acked {
		byAttempt[a.attempt] = append(byAttempt[a.attempt], a)
	}
	res := durableResult{checked: true, acked: len(acked)}
	var mu sync.Mutex
	var firstErr error
	work := make(chan []ackedTurn)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for turns := range work {
				found, missing, err := checkAttempt(ctx, turns, read)
				mu.Lock()
				res.found += found
				res.missing = append(res.missing, missing...)
				firstErr = cmpOr(firstErr, err)
				mu.Unlock()
			}
		})
	}
	for _, turns := range byAttempt {
		work <- turns
	}
	close(work)
	wg.Wait()
	if len(res.missing) > maxMissingShown {
		res.missing = res.missing[:maxMissingShown]
	}
	return res, firstErr
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// checkAttempt looks for one attempt's acknowledged turns among its stored ones.
func checkAttempt(ctx context.Context, acked []ackedTurn, read TurnReader) (found int, missing []string, err error) {
	stored, err := read(ctx, acked[0].attempt)
	if err != nil {
		return 0, nil, err
	}
	for _, a := range acked {
		s, ok := stored[a.turn]
		if ok && s.Reply == a.reply && (s.Seq == 0 || s.Seq == a.seq) {
			found++
			continue
		}
		missing = append(missing, fmt.Sprintf("attempt %s turn %d seq %d reply %s", a.attempt, a.turn, a.seq, a.reply))
	}
	return found, missing, nil
}

// httpTurnReader reads an attempt's transcript as its trainee would, with
// the session that acknowledged its turns.
func httpTurnReader(acked []ackedTurn) TurnReader {
	sessions := map[string]*client.Session{}
	for _, a := range acked {
		sessions[a.attempt] = a.session
	}
	return func(ctx context.Context, attempt string) (map[int]StoredTurn, error) {
		s, ok := sessions[attempt]
		if !ok {
			return nil, fmt.Errorf("durability check: no trainee acknowledged a turn of attempt %s", attempt)
		}
		snap, err := s.Attempt(ctx, attempt)
		if err != nil {
			return nil, fmt.Errorf("durability check: %w", err)
		}
		out := make(map[int]StoredTurn, len(snap.Transcript))
		for _, t := range snap.Transcript {
			out[t.Turn] = StoredTurn{Reply: t.Reply.ID}
		}
		return out, nil
	}
}
