package app

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"parley/webui"
	"parley/webui/training"
)

// runOnce starts an App on db, waits until it listens, and returns what it
// printed on the console, its setup link, and its Accounts; the App stops
// when the test ends.
func runOnce(t *testing.T, db string) (string, string, *training.Accounts) {
	t.Helper()
	var console bytes.Buffer
	a := New(Options{Addr: "127.0.0.1:0", DB: db, Offer: []webui.Scenario{}, Console: &console,
		PublicURL: "https://parley.example.com/",
		Configure: []func(*webui.Config){func(c *webui.Config) {
			c.Analyse = nil
			c.Passwords = training.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}
		}}},
		slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	<-a.Ready()
	if a.URL() == "" {
		cancel()
		t.Fatal(<-done)
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	})
	return console.String(), a.SetupLink(), a.Server().Accounts()
}

// TestFirstRunPrintsASetupLink: a new database gets an admin and a one-time
// link on the console, never a password; a restart before it is used prints
// a fresh one; once the admin has chosen a password, nothing is printed.
func TestFirstRunPrintsASetupLink(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	out, link, _ := runOnce(t, db)
	if !strings.HasPrefix(link, "https://parley.example.com/#/link/") || !strings.Contains(out, link) || !strings.Contains(out, `"admin"`) {
		t.Fatalf("first run printed %q (link %q); want the setup link at the public URL", out, link)
	}
	out2, link2, acc := runOnce(t, db)
	if link2 == "" || link2 == link || !strings.Contains(out2, link2) {
		t.Fatalf("second run before the link was used printed %q; want a new link", out2)
	}
	token := strings.TrimPrefix(link2, "https://parley.example.com/#/link/")
	if _, _, err := acc.RedeemLink(context.Background(), token, "the admin's own password"); err != nil {
		t.Fatal(err)
	}
	if out3, link3, _ := runOnce(t, db); out3 != "" || link3 != "" {
		t.Errorf("a run after the admin set a password printed %q, link %q; want nothing", out3, link3)
	}
}
