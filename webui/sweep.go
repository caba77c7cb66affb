package webui

import "context"

// Sweep marks as abandoned every active attempt idle for longer than
// Config.AbandonAfter, and drops sessions unused for Config.IdleEvict from
// memory. Run calls it every Config.SweepEvery; tests may call it directly.
// With a Config.Leader, only the instance that leads marks attempts
// abandoned (and removes expired sessions): the sweeps run once across the
// instances sharing a database, not once per instance, and as conditional
// updates a sweep run twice changes nothing the second time. Each instance
// drops its own sessions from memory.
func (s *Server) Sweep(ctx context.Context) error { return s.svc.Sweep(ctx) }
