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

// verifyDurable checks that every acknowledged turn is stored, with read
// (the database opened afresh once the server stopped) or, when read is
// nil, by reading each attempt back with GET /api/attempts/{id} as the
// trainee who played it, whose session token is tokens[Trainee].
func verifyDurable(ctx context.Context, acked []ackedTurn, read TurnReader, cl *client.Client, tokens []string) (durableResult, error) {
	if read == nil {
		read = httpTurnReader(acked, cl, tokens)
	}
	return checkAcked(ctx, acked, read)
}

// checkAcked reads each attempt once, with a few workers, and looks for
// every acknowledged turn in it.
func checkAcked(ctx context.Context, acked []ackedTurn, read TurnReader) (durableResult, error) {
	byAttempt := map[string][]ackedTurn{}
	for _, a := range acked {
		byAttempt[a.Attempt] = append(byAttempt[a.Attempt], a)
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
	stored, err := read(ctx, acked[0].Attempt)
	if err != nil {
		return 0, nil, err
	}
	for _, a := range acked {
		s, ok := stored[a.Turn]
		if ok && s.Reply == a.Reply && (s.Seq == 0 || s.Seq == a.Seq) {
			found++
			continue
		}
		missing = append(missing, fmt.Sprintf("attempt %s turn %d seq %d reply %s", a.Attempt, a.Turn, a.Seq, a.Reply))
	}
	return found, missing, nil
}

// httpTurnReader reads an attempt's transcript as its trainee would, with
// the session that acknowledged its turns.
func httpTurnReader(acked []ackedTurn, cl *client.Client, tokens []string) TurnReader {
	trainee := map[string]int{}
	for _, a := range acked {
		trainee[a.Attempt] = a.Trainee
	}
	return func(ctx context.Context, attempt string) (map[int]StoredTurn, error) {
		i, ok := trainee[attempt]
		if !ok || i < 0 || i >= len(tokens) {
			return nil, fmt.Errorf("durability check: no trainee of this run acknowledged a turn of attempt %s", attempt)
		}
		snap, err := cl.WithToken(tokens[i]).Attempt(ctx, attempt)
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
