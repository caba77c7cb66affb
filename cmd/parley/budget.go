package main

import (
	"context"
	"flag"
	"time"

	"parley/engine"
	"parley/webui/app"
)

// budget is how much exploring a scenario may cost, from the command line.
type budget struct {
	maxStates, maxDepth, maxMemoryMiB *int
	timeout                           *time.Duration
}

// explorationFlags adds the flags that bound an exploration to fs.
func explorationFlags(fs *flag.FlagSet) budget {
	return budget{
		maxStates:    fs.Int("max-states", engine.DefaultMaxStates, "stop exploring a scenario after this many distinct states"),
		maxDepth:     fs.Int("max-depth", engine.DefaultMaxDepth, "stop a path after this many replies"),
		maxMemoryMiB: fs.Int("max-memory", engine.DefaultMaxBytes>>20, "stop exploring a scenario when its states take about this many MiB"),
		timeout:      fs.Duration("timeout", app.DefaultExploreTimeout, "stop exploring a scenario after this long (0: no limit)"),
	}
}

func (b budget) limits() engine.Limits {
	return engine.Limits{MaxStates: *b.maxStates, MaxDepth: *b.maxDepth, MaxBytes: *b.maxMemoryMiB << 20}
}

// context is ctx with the time budget for one scenario.
func (b budget) context(ctx context.Context) (context.Context, context.CancelFunc) {
	if *b.timeout <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, *b.timeout)
}
