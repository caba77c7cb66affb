package webui

import (
	"context"
	"fmt"
	"time"
)

// Sweep marks as abandoned every active attempt idle for longer than
// Config.AbandonAfter, and drops sessions unused for Config.IdleEvict from
// memory. Run calls it every Config.SweepEvery; tests may call it directly.
func (s *Server) Sweep(ctx context.Context) error {
	now := s.cfg.Now()
	evicted := s.live.evictIdle(now.Add(-s.cfg.IdleEvict))
	n, err := s.st.AbandonIdle(ctx, now.Add(-s.cfg.AbandonAfter))
	if err != nil {
		return fmt.Errorf("sweep: mark idle attempts abandoned: %w", err)
	}
	if n > 0 {
		// Sessions kept warm by reads still say "active": drop every unlocked
		// one, so the next message reloads its attempt as stored.
		evicted += s.live.evictIdle(now)
	}
	if n > 0 || evicted > 0 {
		s.log.Info("sweep", "abandoned", n, "evicted_from_memory", evicted)
	}
	return nil
}

func (s *Server) sweepLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.SweepEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Sweep(ctx); err != nil {
				s.log.Warn("sweep failed; it will run again", "err", err)
			}
		}
	}
}
