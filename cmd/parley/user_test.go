package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"parley/webui/app"
	"parley/webui/postgres/pgtest"
	"parley/webui/training"
)

// TestUserCommands drives parley user as an admin at the shell would, on
// one database of each kind, and checks what it stored by signing in with
// the core.
func TestUserCommands(t *testing.T) {
	for _, tt := range []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "parley.db") }},
		{"postgres", func(t *testing.T) string { return pgtest.New(t).URL }},
	} {
		t.Run(tt.name, func(t *testing.T) { testUserCommands(t, tt.db(t)) })
	}
}

func testUserCommands(t *testing.T, db string) {
	user := func(stdin string, args ...string) (string, string, int) {
		t.Helper()
		return runCLISplit(t, stdin, append(append([]string{"user"}, args...), "--db", db, "--public-url", "https://parley.example.com/")...)
	}
	out, errOut, code := user("", "add", "Sam@Example.com", "--role", "trainee,manager", "--name", "Sam Patel")
	if code != 0 || !strings.Contains(out, "created sam@example.com (trainee,manager)") ||
		!regexp.MustCompile(`https://parley\.example\.com/#/link/[A-Za-z0-9_-]{40,}`).MatchString(out) {
		t.Fatalf("add: %d\n%s%s", code, out, errOut)
	}
	if _, _, code := user("a long enough password\n", "add", "ci-bot", "--role", "trainee", "--password-stdin"); code != 0 {
		t.Fatalf("add with --password-stdin: %d", code)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"add", "x"}, "--role"},
		{[]string{"add", "y", "--role", "boss"}, `there is no role "boss"`},
		{[]string{"add", "sam@example.com", "--role", "trainee"}, "taken"},
		{[]string{"add", "two words", "--role", "trainee"}, "use letters, digits"},
		{[]string{"role", "nobody", "trainee"}, "there is no account"},
		{[]string{"frobnicate"}, "unknown command"},
		{[]string{"list", "extra"}, "takes 0 argument"},
	} {
		if _, errOut, code := user("", tc.args...); code == 0 || !strings.Contains(errOut, tc.want) {
			t.Errorf("user %v: exit %d, stderr %q; want a failure saying %q", tc.args, code, errOut, tc.want)
		}
	}
	if _, errOut, code := user("short\n", "passwd", "ci-bot", "--password-stdin"); code == 0 || !strings.Contains(errOut, "shorter than 12") {
		t.Errorf("a short password: %d %q", code, errOut)
	}
	if _, _, code := user("the new password is long\n", "passwd", "ci-bot", "--password-stdin"); code != 0 {
		t.Errorf("passwd: %d", code)
	}
	if out, _, code := user("", "passwd", "sam@example.com"); code != 0 || !strings.Contains(out, "/#/link/") {
		t.Errorf("passwd without stdin prints a link: %d %q", code, out)
	}
	if _, _, code := user("", "role", "ci-bot", "trainee,trainer"); code != 0 {
		t.Errorf("role: %d", code)
	}
	if _, _, code := user("", "disable", "sam@example.com"); code != 0 {
		t.Errorf("disable: %d", code)
	}
	out, _, _ = user("", "list")
	for _, want := range []string{"ci-bot", "trainee,trainer", "active", "sam@example.com", "Sam Patel", "trainee,manager", "disabled"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
	if out, _, code := user("", "legacy"); code != 0 || !strings.Contains(out, "no unclaimed users") {
		t.Errorf("legacy on a new database: %d %q", code, out)
	}

	st, err := app.OpenStore(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	acc := training.NewAccounts(st, training.AccountsConfig{})
	if _, err := acc.Login(context.Background(), training.Credentials{Username: "ci-bot", Password: "the new password is long", From: "test"}); err != nil {
		t.Errorf("the password set with passwd --password-stdin: %v", err)
	}
	if _, err := acc.Login(context.Background(), training.Credentials{Username: "ci-bot", Password: "a long enough password", From: "test"}); err == nil {
		t.Error("the old password still works")
	}
	if err := st.CreateAccount(context.Background(), training.Account{ID: "legacy-1", DisplayName: "Old Sam"}); err != nil {
		t.Fatal(err)
	}
	if out, _, code := user("", "legacy"); code != 0 || !strings.Contains(out, "legacy-1") || !strings.Contains(out, "Old Sam") {
		t.Errorf("legacy: %d %q", code, out)
	}
	if out, _, code := user("", "claim", "legacy-1", "ci-bot"); code != 0 || !strings.Contains(out, "0 attempt(s) moved to ci-bot") {
		t.Errorf("claim: %d %q", code, out)
	}
}

// TestUserNeedsAnExistingDatabase: a typo in --db does not create an empty
// database and report that nobody exists.
func TestUserNeedsAnExistingDatabase(t *testing.T) {
	_, errOut, code := runCLISplit(t, "", "user", "list", "--db", filepath.Join(t.TempDir(), "typo.db"))
	if code == 0 || !strings.Contains(errOut, "pass the one the server uses") {
		t.Errorf("list on a missing database: %d %q", code, errOut)
	}
}
