package app

import (
	"context"
	"log/slog"
	"time"

	"parley/webui"
	"parley/webui/lrs"
	"parley/webui/postgres"
	"parley/webui/training"
)

// instances wires what several instances sharing a PostgreSQL database
// need (docs/instances.md): LISTEN/NOTIFY for what crosses them, and the
// advisory lock that makes one of them run the sweeps and the xAPI relay.
// On SQLite (one process) it does nothing and returns nil.
func (a *App) instances(cfg *webui.Config) *postgres.Leader {
	pg, ok := a.st.(*postgres.Store)
	if !ok {
		return nil
	}
	b := pg.Broadcast(a.log)
	cfg.Broadcast = b
	leader := pg.Leader(a.log)
	cfg.Leader = leader
	a.log.Info("instances on this database share every trainee and watcher", "instance", b.Instance())
	return leader
}

// runRelay sends the outbox's due statements every period until ctx ends,
// when this instance leads (leader nil: always), so that one instance
// relays at a time and a statement is not sent twice by two instances.
func runRelay(ctx context.Context, relay *lrs.Relay, leader training.Leader, every time.Duration, log *slog.Logger) {
	if leader == nil {
		relay.Run(ctx)
		return
	}
	if every <= 0 {
		every = 2 * time.Second // lrs.Config's default
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if leader.Leads(ctx) {
			if _, err := relay.SendDue(ctx); err != nil && ctx.Err() == nil {
				log.Warn("xAPI statements not sent; they stay in the outbox and are tried again", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
