package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"parley/webui"
	"parley/webui/app"
	"parley/webui/training"
)

// serve runs the web app until ctx ends or SIGINT/SIGTERM arrives, then shuts
// down gracefully and returns nil.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, debugAddr, err := parseServe(args, os.Getenv, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if debugAddr != "" {
		if err := startDebug(ctx, debugAddr, log); err != nil {
			return err
		}
	}
	o.Console = stdout
	return app.New(o, log).Run(ctx)
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// parsePrefixes reads addresses and CIDR prefixes ("10.0.0.0/8,::1").
func parsePrefixes(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range splitList(s) {
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or a prefix such as 10.0.0.0/8", item)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func parseServeFlags(args []string, getenv func(string) string, stderr io.Writer) (app.Options, error) {
	o, _, err := parseServe(args, getenv, stderr)
	return o, err
}

// parseServe is parseServeFlags with --debug-addr, which is not the App's.
func parseServe(args []string, getenv func(string) string, stderr io.Writer) (o app.Options, debugAddr string, err error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.Addr, "addr", envOr(getenv, "PARLEY_ADDR", "127.0.0.1:8080"), "address to listen on (env PARLEY_ADDR)")
	fs.StringVar(&o.DB, "db", envOr(getenv, "PARLEY_DB", "parley.db"), "SQLite database file, created if missing, or a postgres:// URL (env PARLEY_DB)")
	fs.StringVar(&o.Scenarios, "scenarios", getenv("PARLEY_SCENARIOS"), "folder of trainer scenario .toml files to offer besides the bundled ones (env PARLEY_SCENARIOS)")
	fs.StringVar(&o.Static, "static", getenv("PARLEY_STATIC"), "serve the browser UI from this folder instead of the embedded copy, for UI work (env PARLEY_STATIC)")
	abandon, err := envDuration(getenv, "PARLEY_ABANDON_AFTER", webui.DefaultAbandonAfter)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return o, "", errUsage
	}
	fs.DurationVar(&o.AbandonAfter, "abandon-after", abandon, "mark an attempt abandoned after it sits idle this long (env PARLEY_ABANDON_AFTER)")
	fs.DurationVar(&o.WatchEvery, "watch-every", 2*time.Second, "how often to look for new or changed files in --scenarios and offer them as new versions (0: never)")
	fs.IntVar(&o.MaxWebsockets, "max-websockets", 0, "open conversations (websockets) at once, overall (default: 10000, or fewer if the open-files limit is lower)")
	fs.IntVar(&o.MaxWebsocketsPerUser, "max-websockets-per-user", 0, fmt.Sprintf("open websockets per trainee, that is browser tabs (default %d)", webui.DefaultMaxWebsocketsPerUser))
	fs.IntVar(&o.MaxWebsocketsPerAddr, "max-websockets-per-addr", 0, fmt.Sprintf("open websockets per client address, not applied to connections from this machine (default %d)", webui.DefaultMaxWebsocketsPerAddr))
	fs.IntVar(&o.StartBurst, "start-burst", 0, fmt.Sprintf("new attempts a trainee may start at once before they are paced to one every %s (default %d; -1: no limit, for load tests)", training.DefaultStartEvery, training.DefaultStartBurst))
	proxies := fs.String("trusted-proxy", getenv("PARLEY_TRUSTED_PROXIES"), "comma-separated addresses or CIDR prefixes of reverse proxies whose X-Forwarded-For and X-Forwarded-Proto to believe (env PARLEY_TRUSTED_PROXIES)")
	origins := fs.String("allowed-origin", getenv("PARLEY_ALLOWED_ORIGINS"), "comma-separated origins (https://host[:port]) besides the server's own that may send requests, when a proxy changes the Host header (env PARLEY_ALLOWED_ORIGINS)")
	fs.StringVar(&o.LRS.Endpoint, "lrs-endpoint", getenv("PARLEY_LRS_ENDPOINT"), "send xAPI statements to this learning record store's xAPI endpoint (env PARLEY_LRS_ENDPOINT; its key in PARLEY_LRS_USERNAME, its secret in PARLEY_LRS_PASSWORD)")
	fs.StringVar(&debugAddr, "debug-addr", "", "serve net/http/pprof profiles on this loopback address, such as 127.0.0.1:6060 (for the load tool; off by default)")
	fs.StringVar(&o.PublicURL, "public-url", getenv("PARLEY_PUBLIC_URL"), "the address browsers open Parley at, for the links Parley prints (env PARLEY_PUBLIC_URL; default where it listens)")
	if err := fs.Parse(args); err != nil {
		return o, "", errUsage
	}
	if o.TrustedProxies, err = parsePrefixes(*proxies); err != nil {
		fmt.Fprintf(stderr, "serve: --trusted-proxy: %v\n", err)
		return o, "", errUsage
	}
	o.AllowedOrigins = splitList(*origins)
	if o.LRS.Endpoint != "" {
		o.LRS.Username, o.LRS.Password = getenv("PARLEY_LRS_USERNAME"), getenv("PARLEY_LRS_PASSWORD")
	}
	if fs.NArg() > 0 || o.AbandonAfter <= 0 {
		fmt.Fprintf(stderr, "serve: takes flags only (got %q) and a positive --abandon-after\n", fs.Args())
		return o, "", errUsage
	}
	return o, debugAddr, nil
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
