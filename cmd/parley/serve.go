package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"parley/webui"
	"parley/webui/app"
)

// serve runs the web app until ctx ends or SIGINT/SIGTERM arrives, then shuts
// down gracefully and returns nil.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseServeFlags(args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return app.New(o, log).Run(ctx)
}

func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (app.Options, error) {
	var o app.Options
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Addr, "addr", envOr(getenv, "PARLEY_ADDR", "127.0.0.1:8080"), "address to listen on (env PARLEY_ADDR)")
	fs.StringVar(&o.DB, "db", envOr(getenv, "PARLEY_DB", "parley.db"), "SQLite database file, created if missing (env PARLEY_DB)")
	fs.StringVar(&o.Scenarios, "scenarios", getenv("PARLEY_SCENARIOS"), "folder of trainer scenario .toml files to offer besides the bundled ones (env PARLEY_SCENARIOS)")
	fs.StringVar(&o.Static, "static", getenv("PARLEY_STATIC"), "serve the browser UI from this folder instead of the embedded copy, for UI work (env PARLEY_STATIC)")
	abandon, err := envDuration(getenv, "PARLEY_ABANDON_AFTER", webui.DefaultAbandonAfter)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return o, errUsage
	}
	fs.DurationVar(&o.AbandonAfter, "abandon-after", abandon, "mark an attempt abandoned after it sits idle this long (env PARLEY_ABANDON_AFTER)")
	fs.DurationVar(&o.WatchEvery, "watch-every", 2*time.Second, "how often to look for new or changed files in --scenarios and offer them as new versions (0: never)")
	fs.IntVar(&o.MaxWebsockets, "max-websockets", 0, "open conversations (websockets) at once, overall (default: 10000, or fewer if the open-files limit is lower)")
	fs.IntVar(&o.MaxWebsocketsPerUser, "max-websockets-per-user", 0, fmt.Sprintf("open websockets per trainee, that is browser tabs (default %d)", webui.DefaultMaxWebsocketsPerUser))
	fs.IntVar(&o.MaxWebsocketsPerAddr, "max-websockets-per-addr", 0, fmt.Sprintf("open websockets per client address, not applied to connections from this machine (default %d)", webui.DefaultMaxWebsocketsPerAddr))
	if err := fs.Parse(args); err != nil {
		return o, errUsage
	}
	if fs.NArg() > 0 || o.AbandonAfter <= 0 {
		fmt.Fprintf(stderr, "serve: takes flags only (got %q) and a positive --abandon-after\n", fs.Args())
		return o, errUsage
	}
	return o, nil
}

func envOr(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envDuration(getenv func(string) string, key string, def time.Duration) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s=%q is not a duration such as 24h or 90m", key, v)
	}
	return d, nil
}
