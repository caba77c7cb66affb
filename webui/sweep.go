package webui

import "context"

// Sweep marks as abandoned every active attempt idle for longer than
// Config.AbandonAfter, and drops sessions unused for Config.IdleEvict from
// memory. Run calls it every Config.SweepEvery; tests may call it directly.
func (s *Server) Sweep(ctx context.Context) error { return s.svc.Sweep(ctx) }
