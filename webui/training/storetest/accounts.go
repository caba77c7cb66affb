package storetest

import (
	"parley/webui/training"
	"testing"
	"time"
)

// account is an account with a password, roles trainee.
func account(id, username string) training.Account {
	return training.Account{ID: id, Username: username, DisplayName: "Name of " + username,
		Roles: training.Roles(training.RoleTrainee), PasswordHash: "$argon2id$hash-of-" + username,
		CreatedAt: time.UnixMilli(1_700_000_000_000)}
}

// legacy is a user from before accounts: no username.
func legacy(id, name string) training.Account {
	return training.Account{ID: id, DisplayName: name, CreatedAt: time.UnixMilli(1_600_000_000_000)}
}

func getAccount(t *testing.T, s training.Store, id string) training.Account {
	t.Helper()
	a, err := s.Account(t.Context(), id)
	if err != nil {
		t.Fatalf("Account(%s): %v", id, err)
	}
	return a
}

// The utc functions put a record's times in UTC, so == compares instants
// (a store may return times in any location).
func utcAccount(a training.Account) training.Account { a.CreatedAt = a.CreatedAt.UTC(); return a }

func utcSession(s training.Session) training.Session {
	s.CreatedAt, s.ExpiresAt = s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	return s
}

func utcLink(l training.Link) training.Link {
	l.CreatedAt, l.ExpiresAt = l.CreatedAt.UTC(), l.ExpiresAt.UTC()
	return l
}

// far is a time long after any the suite writes.
var far = time.UnixMilli(4_000_000_000_000)

// accountChecks are the suite's checks of accounts, sessions, one-time
// links and users from before accounts.
var accountChecks = []check{
	{"AccountCreateThenRead", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		want := account(user, "sam")
		want.Roles = training.Roles(training.RoleTrainee | training.RoleManager)
		must(t, s.CreateAccount(ctx, want))
		if got := getAccount(t, s, user); utcAccount(got) != utcAccount(want) {
			t.Errorf("Account = %+v, want %+v", got, want)
		}
		if got, err := s.AccountByUsername(ctx, "sam"); err != nil || utcAccount(got) != utcAccount(want) {
			t.Errorf("AccountByUsername = %+v, %v; want %+v", got, err, want)
		}
	}},
	{"AccountUnknownIsNotFound", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.CreateAccount(ctx, account(user, "sam")))
		_, err := s.Account(ctx, "nobody")
		wantErr(t, "Account(nobody)", err, training.ErrNotFound)
		_, err = s.AccountByUsername(ctx, "nobody")
		wantErr(t, "AccountByUsername(nobody)", err, training.ErrNotFound)
	}},
	{"AccountTakenUsernameOrIDIsConflict", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.CreateAccount(ctx, account(user, "sam")))
		wantErr(t, "CreateAccount(same username)", s.CreateAccount(ctx, account(other, "sam")), training.ErrConflict)
		wantErr(t, "CreateAccount(same id)", s.CreateAccount(ctx, account(user, "alex")), training.ErrConflict)
	}},
	{"AccountsListsAccountsOnlyByUsername", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.CreateAccount(ctx, account("u3", "zoe")))
		must(t, s.CreateAccount(ctx, account(user, "ann")))
		must(t, s.CreateAccount(ctx, legacy(other, "Old Sam")))
		list, err := s.Accounts(ctx)
		must(t, err)
		if len(list) != 2 || list[0].Username != "ann" || list[1].Username != "zoe" {
			t.Errorf("Accounts = %+v, want ann then zoe, and no user from before accounts", list)
		}
		if n, err := s.CountAccounts(ctx); err != nil || n != 2 {
			t.Errorf("CountAccounts = %d, %v; want 2", n, err)
		}
	}},
	{"AccountSetters", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.CreateAccount(ctx, account(user, "sam")))
		must(t, s.SetRoles(ctx, user, training.AllRoles))
		must(t, s.SetDisplayName(ctx, user, "Sam Smith"))
		must(t, s.SetPassword(ctx, user, "$argon2id$new"))
		got := getAccount(t, s, user)
		if got.Roles != training.AllRoles || got.DisplayName != "Sam Smith" || got.PasswordHash != "$argon2id$new" {
			t.Errorf("after the setters, Account = %+v", got)
		}
		must(t, s.SetDisabled(ctx, user, true))
		if !getAccount(t, s, user).Disabled {
			t.Error("SetDisabled(true) left the account enabled")
		}
		must(t, s.SetDisabled(ctx, user, false))
		if getAccount(t, s, user).Disabled {
			t.Error("SetDisabled(false) left the account disabled")
		}
		wantErr(t, "SetRoles(nobody)", s.SetRoles(ctx, "nobody", training.AllRoles), training.ErrNotFound)
		wantErr(t, "SetPassword(nobody)", s.SetPassword(ctx, "nobody", "x"), training.ErrNotFound)
	}},
	{"SessionCreateReadExtendDelete", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.CreateAccount(ctx, account(user, "sam")))
		ses := training.Session{TokenHash: "h1", UserID: user, CreatedAt: time.UnixMilli(1_000), ExpiresAt: time.UnixMilli(2_000)}
		must(t, s.CreateSession(ctx, ses))
		wantErr(t, "CreateSession(same hash)", s.CreateSession(ctx, ses), training.ErrConflict)
		if got, err := s.Session(ctx, "h1"); err != nil || utcSession(got) != utcSession(ses) {
			t.Errorf("Session = %+v, %v; want %+v", got, err, ses)
		}
		must(t, s.ExtendSession(ctx, "h1", time.UnixMilli(3_000)))
		if got, _ := s.Session(ctx, "h1"); !got.ExpiresAt.Equal(time.UnixMilli(3_000)) {
			t.Errorf("after ExtendSession, expires %v", got.ExpiresAt)
		}
		must(t, s.DeleteSession(ctx, "h1"))
		_, err := s.Session(ctx, "h1")
		wantErr(t, "Session after DeleteSession", err, training.ErrNotFound)
		must(t, s.DeleteSession(ctx, "h1"))
		wantErr(t, "CreateSession(unknown user)", s.CreateSession(ctx, training.Session{TokenHash: "h2", UserID: "nobody",
			CreatedAt: time.UnixMilli(1), ExpiresAt: time.UnixMilli(2)}), training.ErrNotFound)
	}},
	{"SessionsEndWithPasswordChangeAndDisable", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.CreateAccount(ctx, account(user, "sam")))
		must(t, s.CreateAccount(ctx, account(other, "alex")))
		newSession := func(hash, uid string) {
			must(t, s.CreateSession(ctx, training.Session{TokenHash: hash, UserID: uid, CreatedAt: time.UnixMilli(1), ExpiresAt: far}))
		}
		newSession("a", user)
		newSession("b", user)
		newSession("c", other)
		must(t, s.SetPassword(ctx, user, "$argon2id$new"))
		for _, h := range []string{"a", "b"} {
			_, err := s.Session(ctx, h)
			wantErr(t, "a session after SetPassword", err, training.ErrNotFound)
		}
		if _, err := s.Session(ctx, "c"); err != nil {
			t.Errorf("another user's session after SetPassword: %v", err)
		}
		newSession("d", other)
		must(t, s.SetDisabled(ctx, other, true))
		for _, h := range []string{"c", "d"} {
			_, err := s.Session(ctx, h)
			wantErr(t, "a session after SetDisabled", err, training.ErrNotFound)
		}
	}},
	{"LinkNewestOnlyAndSingleUse", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.CreateAccount(ctx, account(user, "sam")))
		must(t, s.CreateSession(ctx, training.Session{TokenHash: "s", UserID: user, CreatedAt: time.UnixMilli(1), ExpiresAt: far}))
		now := time.UnixMilli(10_000)
		link := func(hash string) training.Link {
			return training.Link{TokenHash: hash, Purpose: training.LinkInvite, UserID: user, CreatedBy: other,
				CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		}
		must(t, s.CreateLink(ctx, link("old")))
		must(t, s.CreateLink(ctx, link("new")))
		_, err := s.Link(ctx, "old", now)
		wantErr(t, "Link(an older link of the same purpose)", err, training.ErrNotFound)
		if got, err := s.Link(ctx, "new", now); err != nil || utcLink(got) != utcLink(link("new")) {
			t.Errorf("Link = %+v, %v; want %+v", got, err, link("new"))
		}
		_, err = s.Link(ctx, "new", now.Add(time.Hour))
		wantErr(t, "Link(expired)", err, training.ErrNotFound)
		_, err = s.RedeemLink(ctx, "new", now.Add(time.Hour), "$argon2id$x")
		wantErr(t, "RedeemLink(expired)", err, training.ErrNotFound)
		acc, err := s.RedeemLink(ctx, "new", now, "$argon2id$set")
		if err != nil || acc.ID != user || acc.PasswordHash != "$argon2id$set" {
			t.Errorf("RedeemLink = %+v, %v; want sam with the new hash", acc, err)
		}
		_, err = s.Session(ctx, "s")
		wantErr(t, "a session after RedeemLink", err, training.ErrNotFound)
		_, err = s.RedeemLink(ctx, "new", now, "$argon2id$again")
		wantErr(t, "RedeemLink(used)", err, training.ErrNotFound)
		if got := getAccount(t, s, user).PasswordHash; got != "$argon2id$set" {
			t.Errorf("a used link changed the password to %q", got)
		}
	}},
	{"DeleteExpired", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.CreateAccount(ctx, account(user, "sam")))
		at := func(ms int64) time.Time { return time.UnixMilli(ms) }
		must(t, s.CreateSession(ctx, training.Session{TokenHash: "old", UserID: user, CreatedAt: at(1), ExpiresAt: at(100)}))
		must(t, s.CreateSession(ctx, training.Session{TokenHash: "live", UserID: user, CreatedAt: at(1), ExpiresAt: at(300)}))
		must(t, s.CreateLink(ctx, training.Link{TokenHash: "l", Purpose: training.LinkReset, UserID: user, CreatedAt: at(1), ExpiresAt: at(150)}))
		n, err := s.DeleteExpired(ctx, at(200))
		if err != nil || n != 2 {
			t.Errorf("DeleteExpired = %d, %v; want 2 (a session and a link)", n, err)
		}
		if _, err := s.Session(ctx, "live"); err != nil {
			t.Errorf("an unexpired session was deleted: %v", err)
		}
	}},
	{"LegacyUsersAndClaim", func(t *testing.T, s training.Store) {
		ctx := t.Context()
		must(t, s.CreateAccount(ctx, legacy("old", "Old Sam")))
		must(t, s.CreateAccount(ctx, account(user, "sam")))
		must(t, s.SaveScenarioVersion(ctx, scenario, version, []byte(source)))
		// The legacy user has an ended attempt and an active one; the account
		// is active on the same scenario, so the legacy active one gives way.
		ended := attempt("a-ended", "old")
		must(t, s.CreateAttempt(ctx, ended))
		must(t, s.EndAttempt(ctx, ended.ID, 0, training.StatusGivenUp, nil))
		must(t, s.CreateAttempt(ctx, attempt("a-legacy-active", "old")))
		must(t, s.CreateAttempt(ctx, attempt("a-mine", user)))
		list, err := s.LegacyUsers(ctx)
		must(t, err)
		if len(list) != 1 || list[0].ID != "old" || list[0].DisplayName != "Old Sam" || list[0].Attempts != 2 || list[0].LastPlayed.IsZero() {
			t.Errorf("LegacyUsers = %+v, want Old Sam with 2 attempts", list)
		}
		_, err = s.ClaimLegacy(ctx, user, user)
		wantErr(t, "ClaimLegacy(an account)", err, training.ErrNotFound)
		n, err := s.ClaimLegacy(ctx, "old", user)
		if err != nil || n != 2 {
			t.Fatalf("ClaimLegacy = %d, %v; want 2 attempts moved", n, err)
		}
		mine, err := s.AttemptsByUser(ctx, user, 0)
		must(t, err)
		if len(mine) != 3 {
			t.Errorf("after the claim the account has %v, want 3 attempts", ids(mine))
		}
		if a := get(t, s, "a-legacy-active"); a.Status != training.StatusAbandoned || a.UserID != user {
			t.Errorf("the clashing legacy attempt is %s of %s, want abandoned of the account", a.Status, a.UserID)
		}
		if a := get(t, s, "a-mine"); a.Status != training.StatusActive {
			t.Errorf("the account's own active attempt is %s, want active", a.Status)
		}
		if list, _ := s.LegacyUsers(ctx); len(list) != 0 {
			t.Errorf("after the claim LegacyUsers = %+v, want none", list)
		}
		_, err = s.ClaimLegacy(ctx, "old", user)
		wantErr(t, "ClaimLegacy(claimed twice)", err, training.ErrNotFound)
	}},
}
