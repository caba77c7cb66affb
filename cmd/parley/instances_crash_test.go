package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"parley/webui/app"
	"parley/webui/client"
	"parley/webui/postgres/pgtest"
)

// instancePlayer is one trainee playing one attempt across instances,
// keeping every seq the server acknowledged.
type instancePlayer struct {
	*crashPlayer
	mu    sync.Mutex
	acked []int64
	moved bool // it carried on on another instance than where it began
}

func (p *instancePlayer) ack(seq int64) {
	p.mu.Lock()
	p.acked = append(p.acked, seq)
	p.mu.Unlock()
	p.crashPlayer.acked.Store(seq)
}

// play plays "ask" up to last seq target, on the instance pick gives it,
// and on the next one whenever its connection fails (an instance killed):
// it resumes there and checks that nothing acknowledged is missing.
func (p *instancePlayer) play(pick func(try int) *child, target int64) error {
	for try := 0; try < 30; try++ {
		c := pick(try)
		conn, err := p.dial(c)
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		g, err := p.open(conn)
		if err != nil {
			conn.HangUp()
			continue
		}
		p.moved = p.moved || try > 0
		if acked := p.crashPlayer.acked.Load(); g.LastSeq < acked {
			conn.HangUp()
			return fmt.Errorf("attempt %s resumed on %s at last seq %d, but seq %d was acknowledged", p.attempt, c.url, g.LastSeq, acked)
		}
		for g.LastSeq < target {
			if _, err := g.Choose("ask"); err != nil {
				break
			}
			p.ack(g.LastSeq)
		}
		conn.HangUp()
		if g.LastSeq >= target {
			return nil
		}
	}
	return fmt.Errorf("attempt %s: no instance let it carry on", p.attempt)
}

// open starts the player's attempt, or resumes it.
func (p *instancePlayer) open(conn *client.Conn) (*client.Play, error) {
	if p.attempt == "" {
		g, err := conn.Start(1, "short-call")
		if err == nil {
			p.attempt = g.ID
		}
		return g, err
	}
	return conn.Resume(1, p.attempt)
}

// TestInstancesSurviveAKill runs three instances of the real binary on one
// throwaway PostgreSQL database, with trainees replying as fast as they
// can on each; kills one with SIGKILL; its trainees reconnect to the other
// two, resume and carry on. Every reply acknowledged to a client must be
// in the database, once, with its seq.
func TestInstancesSurviveAKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three servers in child processes")
	}
	db := pgtest.New(t).URL
	instances := []*child{startChild(t, db)}
	if instances[0].admin == nil {
		t.Fatal("the first instance printed no setup link")
	}
	for range 2 {
		instances = append(instances, startChild(t, db))
	}
	var killed atomic.Int32
	killed.Store(-1)
	const trainees, target = 9, 30
	players := make([]*instancePlayer, trainees)
	for i := range players {
		players[i] = &instancePlayer{crashPlayer: newCrashPlayer(t, instances[0], fmt.Sprintf("trainee %d", i))}
	}
	errs := make([]error, trainees)
	var wg sync.WaitGroup
	for i, p := range players {
		pick := func(try int) *child { // its own instance first, then the next alive
			for k := range len(instances) {
				n := (i + try + k) % len(instances)
				if int32(n) != killed.Load() {
					return instances[n]
				}
			}
			return nil
		}
		wg.Go(func() { errs[i] = p.play(pick, target) })
	}
	waitUntil(t, func() bool {
		for _, p := range players {
			if p.crashPlayer.acked.Load() < 5 {
				return false
			}
		}
		return true
	})
	killed.Store(1)
	if err := instances[1].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = instances[1].wait()
	wg.Wait()
	moved := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("trainee %d: %v", i, err)
		}
		if players[i].moved {
			moved++
		}
	}
	if moved == 0 {
		t.Error("no trainee reconnected to another instance: the kill came too late to test anything")
	}
	t.Logf("%d trainees carried on on another instance after the kill", moved)
	checkAcksStored(t, db, players)
}

// checkAcksStored compares every ack the players received with the turns
// stored: each acknowledged seq is there, with the reply sent, and no turn
// is there twice.
func checkAcksStored(t *testing.T, db string, players []*instancePlayer) {
	t.Helper()
	ctx := context.Background()
	st, err := app.OpenStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	total := 0
	for i, p := range players {
		turns, err := st.Turns(ctx, p.attempt)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[int64]string{}
		for n, tn := range turns {
			if tn.Number != n+1 || tn.Seq != int64(n+1) {
				t.Errorf("trainee %d: stored turn %d is number %d with seq %d", i, n+1, tn.Number, tn.Seq)
			}
			stored[tn.Seq] = tn.ReplyID
		}
		p.mu.Lock()
		acked := slices.Clone(p.acked)
		p.mu.Unlock()
		for _, seq := range acked {
			if reply, ok := stored[seq]; !ok || reply != "ask" {
				t.Errorf("trainee %d: seq %d was acknowledged, but the database holds %q for it", i, seq, reply)
			}
		}
		total += len(acked)
	}
	t.Logf("%d trainees, %d replies acknowledged, every one stored", len(players), total)
}
