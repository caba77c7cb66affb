package training

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"
)

// Accounts is who may sign in and what they may do: accounts and roles,
// sessions, one-time links to set a password, the login rate limit, and
// the users from before accounts. Its errors are *Error with a code, or
// internal ones a transport hides.
type Accounts struct {
	st      UserStore
	cfg     AccountsConfig
	hash    *hasher
	limit   *loginLimiter
	dummyMu sync.Mutex
	dummy   string // a hash to check against when the username is unknown
}

// AccountsConfig tunes Accounts. Zero values take the defaults.
type AccountsConfig struct {
	Now func() time.Time
	// Password are argon2id's costs (default DefaultPasswordParams; tests
	// use cheaper ones).
	Password PasswordParams
	// HashSlots is how many passwords are hashed at once at most (default
	// the number of CPUs): each holds Password.MemoryKiB while it runs.
	HashSlots int
	// SessionIdle is how long a session lasts unused (default 7 days), and
	// SessionMax how long it lasts at most (default 30 days).
	SessionIdle, SessionMax time.Duration
	// LinkTTL is how long a one-time link works (default 72 hours).
	LinkTTL time.Duration
	// Limits on failed logins (defaults in DefaultLoginLimits).
	Logins LoginLimits
	Log    *slog.Logger
	// Leader, when set, says whether this instance removes expired
	// sessions and links (one of those sharing a database does).
	Leader Leader
}

// NewAccounts builds Accounts over st.
func NewAccounts(st UserStore, cfg AccountsConfig) *Accounts {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Password == (PasswordParams{}) {
		cfg.Password = DefaultPasswordParams
	}
	if cfg.HashSlots <= 0 {
		cfg.HashSlots = runtime.NumCPU()
	}
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = 7 * 24 * time.Hour
	}
	if cfg.SessionMax <= 0 {
		cfg.SessionMax = 30 * 24 * time.Hour
	}
	if cfg.LinkTTL <= 0 {
		cfg.LinkTTL = 72 * time.Hour
	}
	if cfg.Logins == (LoginLimits{}) {
		cfg.Logins = DefaultLoginLimits
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Accounts{st: st, cfg: cfg, hash: newHasher(cfg.Password, cfg.HashSlots),
		limit: newLoginLimiter(cfg.Logins)}
}

// Config is the configuration in effect, defaults filled in.
func (a *Accounts) Config() AccountsConfig { return a.cfg }

// newToken is a fresh random token for a cookie or a link (256 bits,
// URL-safe) and the hash under which it is stored.
func newToken() (token, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", fmt.Errorf("make a token: %w", err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}

// HashToken is how a token is stored: its SHA-256, in hex. Tokens are
// random, so a fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewAccount describes an account to create.
type NewAccount struct {
	Username    string
	DisplayName string // default: the username
	Roles       Roles
	Password    string // "" to leave it unset until a one-time link is used
}

// Create makes an account. A taken username is CodeTaken.
func (a *Accounts) Create(ctx context.Context, n NewAccount) (Account, error) {
	username, err := CleanUsername(n.Username)
	if err != nil {
		return Account{}, err
	}
	name := n.DisplayName
	if name == "" {
		name = username
	}
	if name, err = CleanName(name); err != nil {
		return Account{}, err
	}
	acc := Account{ID: NewID(), Username: username, DisplayName: name, Roles: n.Roles, CreatedAt: a.cfg.Now()}
	if n.Password != "" {
		if err := CheckPassword(n.Password); err != nil {
			return Account{}, err
		}
		if acc.PasswordHash, err = a.hash.Hash(ctx, n.Password); err != nil {
			return Account{}, err
		}
	}
	if err := a.st.CreateAccount(ctx, acc); err != nil {
		if errors.Is(err, ErrConflict) {
			return Account{}, Errorf(CodeTaken, "the username %q is taken: choose another", username)
		}
		return Account{}, err
	}
	a.cfg.Log.Info("account created", "username", username, "roles", acc.Roles.String())
	return acc, nil
}

// Find reads an account by username; an unknown one is CodeNotFound.
func (a *Accounts) Find(ctx context.Context, username string) (Account, error) {
	clean, err := CleanUsername(username)
	if err != nil {
		return Account{}, err
	}
	acc, err := a.st.AccountByUsername(ctx, clean)
	if errors.Is(err, ErrNotFound) {
		return Account{}, Errorf(CodeNotFound, "there is no account %q: `parley user list` lists them", clean)
	}
	return acc, err
}

// List lists every account.
func (a *Accounts) List(ctx context.Context) ([]Account, error) { return a.st.Accounts(ctx) }

// SetPassword sets an account's password and signs it out everywhere.
func (a *Accounts) SetPassword(ctx context.Context, id, pw string) error {
	if err := CheckPassword(pw); err != nil {
		return err
	}
	h, err := a.hash.Hash(ctx, pw)
	if err != nil {
		return err
	}
	return a.st.SetPassword(ctx, id, h)
}

// SetRoles replaces an account's roles.
func (a *Accounts) SetRoles(ctx context.Context, id string, roles Roles) error {
	return a.st.SetRoles(ctx, id, roles)
}

// SetDisabled disables an account, signing it out everywhere, or enables it.
func (a *Accounts) SetDisabled(ctx context.Context, id string, disabled bool) error {
	return a.st.SetDisabled(ctx, id, disabled)
}

// Rename sets a user's display name.
func (a *Accounts) Rename(ctx context.Context, id, name string) (string, error) {
	name, err := CleanName(name)
	if err != nil {
		return "", err
	}
	return name, a.st.SetDisplayName(ctx, id, name)
}

// IssueLink makes a one-time link of purpose for the account and returns
// its token (to put in a URL). Earlier links of that purpose for the
// account stop working.
func (a *Accounts) IssueLink(ctx context.Context, purpose LinkPurpose, userID, by string) (string, time.Time, error) {
	if err := purpose.check(); err != nil {
		return "", time.Time{}, err
	}
	token, hash, err := newToken()
	if err != nil {
		return "", time.Time{}, err
	}
	now := a.cfg.Now()
	l := Link{TokenHash: hash, Purpose: purpose, UserID: userID, CreatedBy: by, CreatedAt: now, ExpiresAt: now.Add(a.cfg.LinkTTL)}
	if err := a.st.CreateLink(ctx, l); err != nil {
		return "", time.Time{}, err
	}
	return token, l.ExpiresAt, nil
}

// LinkInfo says what a one-time link is for and whose it is, without
// using it. An unknown, used or expired link is CodeLinkInvalid.
func (a *Accounts) LinkInfo(ctx context.Context, token string) (Link, Account, error) {
	l, err := a.st.Link(ctx, HashToken(token), a.cfg.Now())
	if errors.Is(err, ErrNotFound) {
		return Link{}, Account{}, errLinkInvalid()
	}
	if err != nil {
		return Link{}, Account{}, err
	}
	acc, err := a.st.Account(ctx, l.UserID)
	if err != nil {
		return Link{}, Account{}, err
	}
	return l, acc, nil
}

func errDisabled() *Error {
	return Errorf(CodeDisabled, "this account is disabled: ask an administrator")
}

func errLinkInvalid() *Error {
	return Errorf(CodeLinkInvalid, "this link has expired or has been used already: ask whoever sent it for a new one")
}

// RedeemLink sets the password through a one-time link, uses the link up,
// and signs the account in: it returns the new session's token.
func (a *Accounts) RedeemLink(ctx context.Context, token, pw string) (Account, string, error) {
	if err := CheckPassword(pw); err != nil {
		return Account{}, "", err
	}
	_, owner, err := a.LinkInfo(ctx, token)
	if err != nil {
		return Account{}, "", err // before paying for a hash
	}
	if owner.Disabled {
		// Refused before the password is stored: a disabled account's link
		// must not leave a password that works once it is enabled again.
		return Account{}, "", errDisabled()
	}
	h, err := a.hash.Hash(ctx, pw)
	if err != nil {
		return Account{}, "", err
	}
	acc, err := a.st.RedeemLink(ctx, HashToken(token), a.cfg.Now(), h)
	if errors.Is(err, ErrNotFound) {
		return Account{}, "", errLinkInvalid()
	}
	if err != nil {
		return Account{}, "", err
	}
	if acc.Disabled { // disabled between the check above and the redeem
		return Account{}, "", errDisabled()
	}
	session, err := a.startSession(ctx, acc.ID)
	if err != nil {
		return Account{}, "", err
	}
	a.cfg.Log.Info("password set through a one-time link", "username", acc.Username)
	return acc, session, nil
}

func (a *Accounts) startSession(ctx context.Context, userID string) (string, error) {
	token, hash, err := newToken()
	if err != nil {
		return "", err
	}
	now := a.cfg.Now()
	if err := a.st.CreateSession(ctx, Session{TokenHash: hash, UserID: userID, CreatedAt: now, ExpiresAt: now.Add(a.cfg.SessionIdle)}); err != nil {
		return "", err
	}
	return token, nil
}

// errBadLogin is the one answer to an unknown username, a wrong password,
// an account with no password yet and a disabled account, so the answer
// does not tell which accounts exist.
func errBadLogin() *Error {
	return Errorf(CodeBadLogin, "the username or the password is wrong")
}

// Credentials are what a login presents.
type Credentials struct {
	Username, Password string
	// From is the client's address, for the limit per address.
	From string
	// Device is the token a successful login gave this browser before
	// (SignedIn.Device), if it kept one.
	Device string
}

// SignedIn is a successful login: the account, the new session's token,
// and a token that marks the browser as a known device of the account for
// later logins (see Login).
type SignedIn struct {
	Account Account
	Session string
	Device  string
}

// Login checks a username and password and starts a session. Too many
// failures for the username or from the address are CodeTooManyLogins, with
// the wait in the message. A login that presents the account's device token
// is held only to its own count of failures, so that someone who types
// another person's username with wrong passwords cannot lock its owner out
// of a browser they signed in on before.
func (a *Accounts) Login(ctx context.Context, c Credentials) (SignedIn, error) {
	now := a.cfg.Now()
	key, _ := CleanUsername(c.Username)
	device, err := a.knownDevice(ctx, key, c.Device)
	if err != nil {
		return SignedIn{}, err
	}
	// The login is pending while its password is checked, and pending
	// logins count towards the limit, so concurrent logins cannot pass it
	// together.
	att, wait := a.limit.begin(key, a.limit.keysFor(key, c.From, device), now)
	if wait > 0 {
		msg := fmt.Sprintf("too many failed logins: wait %s and try again, or ask an administrator to reset your password", wait.Round(time.Second))
		if wait <= busyWait {
			msg = "many sign-ins are being checked at once: try again in a second"
		}
		return SignedIn{}, &Error{Code: CodeTooManyLogins, RetryAfter: wait, Message: msg}
	}
	acc, ok, err := a.check(ctx, key, c.Password)
	if err != nil {
		att.cancel()
		return SignedIn{}, err
	}
	if !ok {
		att.fail(a.cfg.Now())
		a.cfg.Log.Info("login refused", "username", key, "from", c.From, "known_device", device != "")
		return SignedIn{}, errBadLogin()
	}
	att.succeed()
	token, err := a.startSession(ctx, acc.ID)
	if err != nil {
		return SignedIn{}, err
	}
	if device == "" {
		if device, err = newDeviceID(); err != nil {
			return SignedIn{}, err
		}
	}
	return SignedIn{Account: acc, Session: token, Device: deviceToken(acc, device)}, nil
}

// knownDevice is the id of the device whose token this is, when it is a
// device token of the account username names, or "".
func (a *Accounts) knownDevice(ctx context.Context, username, token string) (string, error) {
	id, _, ok := strings.Cut(token, ".")
	if !ok || id == "" || username == "" || len(token) > 100 {
		return "", nil
	}
	acc, err := a.st.AccountByUsername(ctx, username)
	if errors.Is(err, ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if acc.PasswordHash == "" || acc.Disabled || !hmac.Equal([]byte(token), []byte(deviceToken(acc, id))) {
		return "", nil
	}
	return id, nil
}

// newDeviceID names a browser that signed in for the first time.
func newDeviceID() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make a device id: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// deviceToken marks the browser device as one that signed in to acc: the
// device's id, a dot, and an HMAC of the account's and the device's ids
// keyed by the account's password hash. Any instance can check it, it
// reveals nothing of the password, and a new password revokes every one.
// Each browser has its own id, so each has its own count of failures: a
// shared computer that still holds someone's token cannot lock out their
// other browsers.
func deviceToken(acc Account, device string) string {
	m := hmac.New(sha256.New, []byte(acc.PasswordHash))
	m.Write([]byte("parley known device\x00" + acc.ID + "\x00" + device))
	return device + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// check verifies a password, paying for one hash whether or not the
// account exists.
func (a *Accounts) check(ctx context.Context, username, pw string) (Account, bool, error) {
	if username == "" || len(pw) > MaxPasswordBytes {
		return Account{}, false, nil
	}
	acc, err := a.st.AccountByUsername(ctx, username)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Account{}, false, err
	}
	hash := acc.PasswordHash
	if hash == "" {
		if hash, err = a.dummyHash(ctx); err != nil {
			return Account{}, false, err
		}
	}
	ok, err := a.hash.Verify(ctx, pw, hash)
	if err != nil {
		return Account{}, false, err
	}
	return acc, ok && acc.PasswordHash != "" && !acc.Disabled, nil
}

// dummyHash is a hash of a random password, made once.
func (a *Accounts) dummyHash(ctx context.Context) (string, error) {
	a.dummyMu.Lock()
	defer a.dummyMu.Unlock()
	if a.dummy == "" {
		tok, _, err := newToken()
		if err != nil {
			return "", err
		}
		if a.dummy, err = a.hash.Hash(ctx, tok); err != nil {
			return "", err
		}
	}
	return a.dummy, nil
}

// Authenticate returns the account a session token signs in, moving the
// session's expiry forward when it is used. An unknown, expired or
// disabled session is CodeLoginRequired.
func (a *Accounts) Authenticate(ctx context.Context, token string) (Account, error) {
	if token == "" || len(token) > 100 {
		return Account{}, errLoginRequired()
	}
	hash := HashToken(token)
	s, err := a.st.Session(ctx, hash)
	if errors.Is(err, ErrNotFound) {
		return Account{}, errLoginRequired()
	}
	if err != nil {
		return Account{}, err
	}
	now := a.cfg.Now()
	if !now.Before(s.ExpiresAt) {
		return Account{}, errLoginRequired()
	}
	acc, err := a.st.Account(ctx, s.UserID)
	if errors.Is(err, ErrNotFound) {
		return Account{}, errLoginRequired()
	}
	if err != nil {
		return Account{}, err
	}
	if acc.Disabled {
		return Account{}, errLoginRequired()
	}
	// Slide the expiry, writing at most about once an hour per session.
	next := now.Add(a.cfg.SessionIdle)
	if limit := s.CreatedAt.Add(a.cfg.SessionMax); next.After(limit) {
		next = limit
	}
	if next.Sub(s.ExpiresAt) > time.Hour {
		if err := a.st.ExtendSession(ctx, hash, next); err != nil {
			a.cfg.Log.Warn("extend a session", "err", err)
		}
	}
	return acc, nil
}

func errLoginRequired() *Error {
	return Errorf(CodeLoginRequired, "sign in first: your session has ended or you have not signed in")
}

// Logout ends the session.
func (a *Accounts) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	return a.st.DeleteSession(ctx, HashToken(token))
}

// Bootstrap makes sure someone can administer a new installation. On a
// database with no accounts it creates "admin" with every role; while an
// admin account has never had a password, it issues a fresh one-time setup
// link for it and returns the admin's username and the token. With a
// Leader, only the instance that leads issues one, so that instances
// started together print one working link between them; the others return
// the username and no token. Otherwise it returns "", "".
func (a *Accounts) Bootstrap(ctx context.Context) (username, token string, err error) {
	n, err := a.st.CountAccounts(ctx)
	if err != nil {
		return "", "", err
	}
	if n == 0 {
		if _, err := a.Create(ctx, NewAccount{Username: "admin", DisplayName: "Administrator", Roles: AllRoles}); err != nil && AsError(err).Code != CodeTaken {
			return "", "", fmt.Errorf("create the first admin: %w", err)
		}
	}
	accs, err := a.st.Accounts(ctx)
	if err != nil {
		return "", "", err
	}
	for _, acc := range accs {
		if acc.Roles.Has(RoleAdmin) && acc.PasswordHash != "" && !acc.Disabled {
			return "", "", nil
		}
	}
	for _, acc := range accs {
		if acc.Roles.Has(RoleAdmin) && acc.PasswordHash == "" && !acc.Disabled {
			if a.cfg.Leader != nil && !a.cfg.Leader.Leads(ctx) {
				return acc.Username, "", nil // the instance that leads prints the link
			}
			token, _, err := a.IssueLink(ctx, LinkSetup, acc.ID, "")
			return acc.Username, token, err
		}
	}
	return "", "", nil
}

// Legacy lists the users from before accounts that no one has claimed.
func (a *Accounts) Legacy(ctx context.Context) ([]LegacyUser, error) { return a.st.LegacyUsers(ctx) }

// Claim gives the attempts of the user from before accounts legacyID to
// the account, and returns how many moved.
func (a *Accounts) Claim(ctx context.Context, legacyID string, to Account) (int, error) {
	n, err := a.st.ClaimLegacy(ctx, legacyID, to.ID)
	if errors.Is(err, ErrNotFound) {
		return 0, Errorf(CodeNotFound, "there is no unclaimed user %q from before accounts", legacyID)
	}
	if err == nil {
		a.cfg.Log.Info("legacy user claimed", "legacy", legacyID, "username", to.Username, "attempts", n)
	}
	return n, err
}

// RunSweeps calls Sweep every period until ctx is done, logging failures.
func (a *Accounts) RunSweeps(ctx context.Context, every time.Duration) {
	runEvery(ctx, every, a.Sweep, a.cfg.Log, "sweep of sessions failed; it will run again")
}

// Sweep removes expired sessions and links.
func (a *Accounts) Sweep(ctx context.Context) error {
	now := a.cfg.Now()
	a.limit.forget(now)
	if a.cfg.Leader != nil && !a.cfg.Leader.Leads(ctx) {
		return nil // another instance removes them
	}
	n, err := a.st.DeleteExpired(ctx, now)
	if err != nil {
		return fmt.Errorf("remove expired sessions and links: %w", err)
	}
	if n > 0 {
		a.cfg.Log.Info("expired sessions and links removed", "count", n)
	}
	return nil
}
