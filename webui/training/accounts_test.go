package training_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"parley/webui/sqlite"
	"parley/webui/training"
)

// cheap are argon2id costs low enough to hash often in tests; the defaults
// are tested on their own.
var cheap = training.PasswordParams{MemoryKiB: 64, Time: 1, Threads: 1}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newAccounts(t *testing.T) (*training.Accounts, *sqlite.Store, *clock) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "parley.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	c := &clock{now: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
	return training.NewAccounts(st, training.AccountsConfig{Now: c.Now, Password: cheap}), st, c
}

const goodPassword = "correct horse battery staple"

func TestDefaultPasswordParamsMeetOWASP(t *testing.T) {
	p := training.DefaultPasswordParams
	if p.MemoryKiB < 19*1024 || p.Time < 2 || p.Threads < 1 {
		t.Errorf("DefaultPasswordParams = %+v, below OWASP's minimum for argon2id (m=19 MiB, t=2, p=1)", p)
	}
}

func TestPasswordHashRoundTrip(t *testing.T) {
	ctx := context.Background()
	a, st, _ := newAccounts(t)
	acc, err := a.Create(ctx, training.NewAccount{Username: " Sam@Example.com ", Password: goodPassword, Roles: training.Roles(training.RoleTrainee)})
	if err != nil {
		t.Fatal(err)
	}
	if acc.Username != "sam@example.com" || acc.DisplayName != "sam@example.com" {
		t.Errorf("account %+v: want the username lower-cased and trimmed, and the display name from it", acc)
	}
	stored, _ := st.Account(ctx, acc.ID)
	if !strings.HasPrefix(stored.PasswordHash, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Contains(stored.PasswordHash, goodPassword) {
		t.Errorf("stored hash %q: want argon2id in PHC format, with the costs it was made with", stored.PasswordHash)
	}
	other, _ := a.Create(ctx, training.NewAccount{Username: "alex", Password: goodPassword})
	stored2, _ := st.Account(ctx, other.ID)
	if stored.PasswordHash == stored2.PasswordHash {
		t.Error("two accounts with the same password have the same hash: the salt is not random")
	}
	if _, _, err := login(ctx, a, "SAM@example.com", goodPassword, "10.0.0.1"); err != nil {
		t.Errorf("login with the right password, the username in capitals: %v", err)
	}
}

func TestParseHashRefusesWhatItCannotBound(t *testing.T) {
	for _, h := range []string{
		"",
		"$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=1000,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=1,p=0$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$!!$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5",
	} {
		if _, _, _, err := training.ParseHash(h); err == nil {
			t.Errorf("ParseHash(%q) succeeded, want an error", h)
		}
	}
	if _, _, _, err := training.ParseHash("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5"); err != nil {
		t.Errorf("a well-formed hash: %v", err)
	}
}

func TestPasswordPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short":                       false,
		"elevenchars":                 false,
		"twelve chars":                true,
		"ünïcödé längé":               true,
		strings.Repeat("x", 257):      false,
		"bad utf8 \xff\xfe long text": false,
	} {
		if err := training.CheckPassword(pw); (err == nil) != ok {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
}

func TestRoles(t *testing.T) {
	rs, err := training.ParseRoles(" manager , Trainee")
	if err != nil || rs.String() != "trainee,manager" || !rs.Has(training.RoleManager) || rs.Has(training.RoleAdmin) {
		t.Errorf("ParseRoles = %v (%s), %v", rs, rs, err)
	}
	if _, err := training.ParseRoles("trainee,boss"); err == nil || !strings.Contains(err.Error(), "boss") {
		t.Errorf("ParseRoles(boss): %v, want an error naming it", err)
	}
	if training.AllRoles.String() != "trainee,trainer,manager,admin" {
		t.Errorf("AllRoles = %s", training.AllRoles)
	}
}

func TestUsernames(t *testing.T) {
	for in, want := range map[string]string{"Sam": "sam", " ann.b+x@mail.example ": "ann.b+x@mail.example", "zoë_1-2": "zoë_1-2",
		"": "", "two words": "", "a<b": "", strings.Repeat("a", 65): ""} {
		got, err := training.CleanUsername(in)
		if want == "" && err == nil {
			t.Errorf("CleanUsername(%q) = %q, want an error", in, got)
		}
		if want != "" && (err != nil || got != want) {
			t.Errorf("CleanUsername(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestLoginOneAnswer: an unknown user, a wrong password, an account with no
// password yet and a disabled account get the same answer.
func TestLoginOneAnswer(t *testing.T) {
	ctx := context.Background()
	a, _, _ := newAccounts(t)
	sam, _ := a.Create(ctx, training.NewAccount{Username: "sam", Password: goodPassword})
	if _, err := a.Create(ctx, training.NewAccount{Username: "new"}); err != nil {
		t.Fatal(err)
	}
	gone, _ := a.Create(ctx, training.NewAccount{Username: "gone", Password: goodPassword})
	if err := a.SetDisabled(ctx, gone.ID, true); err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, c := range []struct{ user, pw string }{{"nobody", goodPassword}, {"sam", "wrong password!"}, {"new", ""}, {"new", goodPassword}, {"gone", goodPassword}, {"", ""}} {
		_, _, err := login(ctx, a, c.user, c.pw, "10.0.0.1")
		if code(err) != training.CodeBadLogin {
			t.Errorf("login %s/%q: %v, want %s", c.user, c.pw, err, training.CodeBadLogin)
			continue
		}
		msgs = append(msgs, training.AsError(err).Message)
	}
	for _, m := range msgs {
		if m != msgs[0] {
			t.Errorf("login answers differ: %q and %q", m, msgs[0])
		}
	}
	acc, token, err := login(ctx, a, "sam", goodPassword, "10.0.0.1")
	if err != nil || acc.ID != sam.ID || len(token) < 40 {
		t.Fatalf("login: %+v %q %v", acc, token, err)
	}
	if got, err := a.Authenticate(ctx, token); err != nil || got.ID != sam.ID {
		t.Errorf("Authenticate = %+v, %v", got, err)
	}
}

func TestLoginRateLimit(t *testing.T) {
	ctx := context.Background()
	a, _, c := newAccounts(t)
	if _, err := a.Create(ctx, training.NewAccount{Username: "sam", Password: goodPassword}); err != nil {
		t.Fatal(err)
	}
	lim := training.DefaultLoginLimits
	for i := range lim.PerAccount {
		if _, _, err := login(ctx, a, "sam", "wrong password!", "10.0.0."+string(rune('1'+i))); code(err) != training.CodeBadLogin {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	// The account is locked, even with the right password and from a new address.
	_, _, err := login(ctx, a, "sam", goodPassword, "10.9.9.9")
	if code(err) != training.CodeTooManyLogins || training.AsError(err).RetryAfter <= 0 {
		t.Fatalf("login past the account's limit: %v, want %s with a wait", err, training.CodeTooManyLogins)
	}
	// Past the window it works again, and success clears the count.
	c.Add(lim.Window)
	if _, _, err := login(ctx, a, "sam", goodPassword, "10.9.9.9"); err != nil {
		t.Fatalf("login after the window: %v", err)
	}
	// One address trying many usernames is limited too.
	for i := range lim.PerAddress {
		_, _, err := login(ctx, a, "user"+string(rune('a'+i)), "whatever password", "10.6.6.6")
		if code(err) != training.CodeBadLogin {
			t.Fatalf("failure %d from one address: %v", i, err)
		}
	}
	if _, _, err := login(ctx, a, "sam", goodPassword, "10.6.6.6"); code(err) != training.CodeTooManyLogins {
		t.Errorf("login from an address past its limit: %v, want %s", err, training.CodeTooManyLogins)
	}
	if _, _, err := login(ctx, a, "sam", goodPassword, "10.7.7.7"); err != nil {
		t.Errorf("login from another address: %v", err)
	}
}

// TestKnownDeviceNotLockedOut: someone who types another person's username
// with wrong passwords, from anywhere (here from the owner's own address,
// as behind an office's NAT), locks out new browsers only: the owner's
// browser, which signed in before and kept its device token, still signs
// in, and has a count of its own. A token of another account, a made-up
// one, or one from before a password change counts for nothing.
func TestKnownDeviceNotLockedOut(t *testing.T) {
	ctx := context.Background()
	a, _, _ := newAccounts(t)
	sam, err := a.Create(ctx, training.NewAccount{Username: "sam", Password: goodPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Create(ctx, training.NewAccount{Username: "kim", Password: goodPassword}); err != nil {
		t.Fatal(err)
	}
	in := func(user, pw, device string) (training.SignedIn, error) {
		return a.Login(ctx, training.Credentials{Username: user, Password: pw, From: "10.0.0.1", Device: device})
	}
	first, err := in("sam", goodPassword, "")
	if err != nil || first.Device == "" || first.Account.ID != sam.ID {
		t.Fatalf("the first login: %+v %v; want a device token", first, err)
	}
	laptop, err := in("sam", goodPassword, "")
	if err != nil || laptop.Device == first.Device {
		t.Fatalf("a second browser's login: %+v %v; want a device token of its own", laptop, err)
	}
	kims, err := in("kim", goodPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	lim := training.DefaultLoginLimits
	// Sam's username, then others, until both the username and the address
	// are locked.
	for i := range lim.PerAddress {
		user := "sam"
		if i >= lim.PerAccount {
			user = fmt.Sprintf("nobody%d", i)
		}
		if _, err := in(user, "wrong password!", ""); code(err) != training.CodeBadLogin {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	tests := []struct {
		name   string
		device string
		want   string
	}{
		{"a new browser", "", training.CodeTooManyLogins},
		{"a made-up token", "bm90IGEgdG9rZW4", training.CodeTooManyLogins},
		{"another account's token", kims.Device, training.CodeTooManyLogins},
		{"the owner's browser", first.Device, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := in("sam", goodPassword, tt.device)
			if code(err) != tt.want {
				t.Fatalf("login: %v, want %q", err, tt.want)
			}
			if err == nil && got.Device != first.Device {
				t.Errorf("the device token changed without a new password")
			}
		})
	}
	// The known device has a count of its own.
	for i := range lim.PerAccount {
		if _, err := in("sam", "wrong password!", first.Device); code(err) != training.CodeBadLogin {
			t.Fatalf("failure %d on the known device: %v", i, err)
		}
	}
	if _, err := in("sam", goodPassword, first.Device); code(err) != training.CodeTooManyLogins {
		t.Errorf("the known device past its own limit: %v, want %s", err, training.CodeTooManyLogins)
	}
	// Each device counts its own: a shared computer that still holds Sam's
	// token locks out only itself, not Sam's laptop.
	if _, err := in("sam", goodPassword, laptop.Device); err != nil {
		t.Errorf("Sam's laptop once another device of theirs is locked: %v", err)
	}
	// A new password revokes the token.
	b, _, _ := newAccounts(t)
	if _, err := b.Create(ctx, training.NewAccount{Username: "lee", Password: goodPassword}); err != nil {
		t.Fatal(err)
	}
	lee, err := b.Login(ctx, training.Credentials{Username: "lee", Password: goodPassword, From: "10.0.0.2"})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.SetPassword(ctx, lee.Account.ID, "another long password"); err != nil {
		t.Fatal(err)
	}
	for range lim.PerAccount {
		_, _ = b.Login(ctx, training.Credentials{Username: "lee", Password: "wrong password!", From: "10.0.0.3"})
	}
	if _, err := b.Login(ctx, training.Credentials{Username: "lee", Password: "another long password", From: "10.0.0.2", Device: lee.Device}); code(err) != training.CodeTooManyLogins {
		t.Errorf("a token from before the password changed: %v, want %s", err, training.CodeTooManyLogins)
	}
}

// TestLoginRateLimitConcurrent: wrong passwords sent all at once get no
// more password checks than the limit allows; the rest are refused as rate
// limited. (Counting failures only after the hash let every login in a
// burst through.)
func TestLoginRateLimitConcurrent(t *testing.T) {
	lim := training.DefaultLoginLimits
	const n = 200
	for _, c := range []struct {
		name       string
		user, addr func(i int) string
		want       int // logins that reach the password check
	}{
		{"one username", func(int) string { return "sam" }, func(i int) string { return fmt.Sprintf("10.1.%d.%d", i/250, i%250) }, lim.PerAccount},
		{"one address", func(i int) string { return fmt.Sprintf("user%d", i) }, func(int) string { return "10.6.6.6" }, lim.PerAddress},
		{"both", func(int) string { return "sam" }, func(int) string { return "10.6.6.6" }, min(lim.PerAccount, lim.PerAddress)},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			a, _, _ := newAccounts(t)
			if _, err := a.Create(ctx, training.NewAccount{Username: "sam", Password: goodPassword}); err != nil {
				t.Fatal(err)
			}
			var (
				wg           sync.WaitGroup
				start        = make(chan struct{})
				mu           sync.Mutex
				bad, limited int
			)
			for i := range n {
				wg.Go(func() {
					<-start
					_, _, err := login(ctx, a, c.user(i), "wrong password!", c.addr(i))
					mu.Lock()
					defer mu.Unlock()
					switch code(err) {
					case training.CodeBadLogin:
						bad++
					case training.CodeTooManyLogins:
						limited++
					default:
						t.Errorf("login %d: %v", i, err)
					}
				})
			}
			close(start)
			wg.Wait()
			if bad != c.want || limited != n-c.want {
				t.Errorf("%d concurrent wrong logins: %d password checks and %d refused as rate limited, want %d and %d", n, bad, limited, c.want, n-c.want)
			}
			// The limit still holds for the right password.
			if _, _, err := login(ctx, a, "sam", goodPassword, c.addr(0)); code(err) != training.CodeTooManyLogins {
				t.Errorf("right password after the burst: %v, want %s", err, training.CodeTooManyLogins)
			}
		})
	}
}

// TestRightLoginsAtOnceAreNotLockedOut: a class signing in at once from one
// address (behind one NAT) is never locked out for the window: logins still
// being checked are not failures, and at most wait a second for them.
func TestRightLoginsAtOnceAreNotLockedOut(t *testing.T) {
	ctx := context.Background()
	a, _, _ := newAccounts(t)
	const n = 3 * 20 // three times the address's limit
	for i := range n {
		if _, err := a.Create(ctx, training.NewAccount{Username: fmt.Sprintf("user%d", i), Password: goodPassword}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			_, _, err := login(ctx, a, fmt.Sprintf("user%d", i), goodPassword, "10.0.0.1")
			var e *training.Error
			if err != nil && (!errors.As(err, &e) || e.Code != training.CodeTooManyLogins || e.RetryAfter > time.Second) {
				t.Errorf("user%d signing in with the class: %v (retry after %v), want success or a wait of a second at most", i, err, e.RetryAfter)
			}
		})
	}
	close(start)
	wg.Wait()
	if _, _, err := login(ctx, a, "user0", goodPassword, "10.0.0.1"); err != nil {
		t.Errorf("a right password once the class is in: %v", err)
	}
}

func TestSessionsExpire(t *testing.T) {
	ctx := context.Background()
	a, _, c := newAccounts(t)
	if _, err := a.Create(ctx, training.NewAccount{Username: "sam", Password: goodPassword}); err != nil {
		t.Fatal(err)
	}
	_, token, err := login(ctx, a, "sam", goodPassword, "x")
	if err != nil {
		t.Fatal(err)
	}
	cfg := a.Config()
	// Used every day, the session lives until its absolute limit.
	for elapsed := time.Duration(0); elapsed < cfg.SessionMax-24*time.Hour; elapsed += 24 * time.Hour {
		if _, err := a.Authenticate(ctx, token); err != nil {
			t.Fatalf("after %v of daily use: %v", elapsed, err)
		}
		c.Add(24 * time.Hour)
	}
	c.Add(24 * time.Hour)
	if _, err := a.Authenticate(ctx, token); code(err) != training.CodeLoginRequired {
		t.Errorf("past SessionMax: %v, want %s", err, training.CodeLoginRequired)
	}
	// Unused, it ends after SessionIdle.
	_, token, _ = login(ctx, a, "sam", goodPassword, "x")
	c.Add(cfg.SessionIdle - time.Minute)
	if _, err := a.Authenticate(ctx, token); err != nil {
		t.Fatalf("just before SessionIdle: %v", err)
	}
	c.Add(cfg.SessionIdle + time.Minute)
	if _, err := a.Authenticate(ctx, token); code(err) != training.CodeLoginRequired {
		t.Errorf("idle past SessionIdle: %v, want %s", err, training.CodeLoginRequired)
	}
	// Logout ends it on the server.
	_, token, _ = login(ctx, a, "sam", goodPassword, "x")
	if err := a.Logout(ctx, token); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, token); code(err) != training.CodeLoginRequired {
		t.Errorf("after logout: %v, want %s", err, training.CodeLoginRequired)
	}
	for _, bad := range []string{"", "x", strings.Repeat("a", 1000)} {
		if _, err := a.Authenticate(ctx, bad); code(err) != training.CodeLoginRequired {
			t.Errorf("Authenticate(%q...): %v", bad[:min(len(bad), 5)], err)
		}
	}
}

// TestBootstrapAndLinks: an empty database gets an admin with a one-time
// setup link, reissued at each start until it is used, and single use.
func TestBootstrapAndLinks(t *testing.T) {
	ctx := context.Background()
	a, _, c := newAccounts(t)
	user, first, err := a.Bootstrap(ctx)
	if err != nil || user != "admin" || first == "" {
		t.Fatalf("Bootstrap on an empty database = %q, %q, %v", user, first, err)
	}
	_, second, err := a.Bootstrap(ctx) // a restart before the link was used
	if err != nil || second == "" || second == first {
		t.Fatalf("second Bootstrap = %q, %v; want a fresh link", second, err)
	}
	if _, _, err := a.LinkInfo(ctx, first); code(err) != training.CodeLinkInvalid {
		t.Errorf("the first link after a second was issued: %v, want %s", err, training.CodeLinkInvalid)
	}
	l, acc, err := a.LinkInfo(ctx, second)
	if err != nil || l.Purpose != training.LinkSetup || acc.Username != "admin" || acc.Roles != training.AllRoles {
		t.Fatalf("LinkInfo = %+v %+v %v", l, acc, err)
	}
	if _, _, err := a.RedeemLink(ctx, second, "short"); code(err) != training.CodeBadRequest {
		t.Errorf("a short password through the link: %v", err)
	}
	acc, session, err := a.RedeemLink(ctx, second, goodPassword)
	if err != nil || session == "" {
		t.Fatalf("RedeemLink: %v", err)
	}
	if got, err := a.Authenticate(ctx, session); err != nil || got.ID != acc.ID {
		t.Errorf("the session RedeemLink started: %v", err)
	}
	if _, _, err := a.RedeemLink(ctx, second, goodPassword); code(err) != training.CodeLinkInvalid {
		t.Errorf("a used link: %v, want %s", err, training.CodeLinkInvalid)
	}
	if _, again, err := a.Bootstrap(ctx); err != nil || again != "" {
		t.Errorf("Bootstrap once the admin has a password = %q, %v; want nothing to do", again, err)
	}
	// A link expires.
	sam, _ := a.Create(ctx, training.NewAccount{Username: "sam"})
	tok, _, _ := a.IssueLink(ctx, training.LinkInvite, sam.ID, acc.ID)
	c.Add(a.Config().LinkTTL)
	if _, _, err := a.RedeemLink(ctx, tok, goodPassword); code(err) != training.CodeLinkInvalid {
		t.Errorf("an expired link: %v, want %s", err, training.CodeLinkInvalid)
	}
}

// TestLinkOfDisabledAccount: a disabled account's link is refused before
// its password is stored, so enabling the account later does not let in
// whoever held the link.
func TestLinkOfDisabledAccount(t *testing.T) {
	ctx := context.Background()
	a, _, _ := newAccounts(t)
	sam, err := a.Create(ctx, training.NewAccount{Username: "sam", Roles: training.Roles(training.RoleTrainee)})
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := a.IssueLink(ctx, training.LinkInvite, sam.ID, sam.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.SetDisabled(ctx, sam.ID, true); err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.RedeemLink(ctx, tok, goodPassword); code(err) != training.CodeDisabled {
		t.Fatalf("redeem a disabled account's link: %v, want %s", err, training.CodeDisabled)
	}
	if err := a.SetDisabled(ctx, sam.ID, false); err != nil {
		t.Fatal(err)
	}
	if after, err := a.Find(ctx, "sam"); err != nil || after.PasswordHash != "" {
		t.Errorf("sam's password after the refused link: %q %v, want none", after.PasswordHash, err)
	}
	if _, _, err := login(ctx, a, "sam", goodPassword, "127.0.0.1"); code(err) != training.CodeBadLogin {
		t.Errorf("login with the password sent through the refused link: %v, want %s", err, training.CodeBadLogin)
	}
}

// login signs in with a username and password from an address, as a
// browser with no device token does.
func login(ctx context.Context, a *training.Accounts, username, password, from string) (training.Account, string, error) {
	in, err := a.Login(ctx, training.Credentials{Username: username, Password: password, From: from})
	return in.Account, in.Session, err
}
