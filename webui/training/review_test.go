package training_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"parley/webui/training"
)

// TestShareRevealsNoAccount: a trainee shares a debrief with a manager or
// a trainer. Whether the username is no one's, a trainee's, an admin's
// only, or a disabled manager's, the refusal is one and the same (the name
// typed aside), so that sharing cannot tell a trainee who has an account
// or which roles it has.
func TestShareRevealsNoAccount(t *testing.T) {
	ctx := context.Background()
	f := newCatalogFixture(t, nil)
	svc := training.NewService(f.st, f.cat, training.ServiceConfig{})
	me := training.User{ID: "u-me", Name: "Me"}
	accounts := []struct {
		id, username string
		roles        training.Roles
		disabled     bool
	}{
		{me.ID, "me", training.Roles(training.RoleTrainee), false},
		{"u-kim", "kim", training.Roles(training.RoleTrainee), false},
		{"u-root", "root", training.Roles(training.RoleAdmin), false},
		{"u-gone", "gone.boss", training.Roles(training.RoleManager), true},
		{"u-ann", "ann", training.Roles(training.RoleManager), false},
		{"u-tara", "tara", training.Roles(training.RoleTrainer | training.RoleTrainee), false},
	}
	for _, a := range accounts {
		if err := f.st.CreateAccount(ctx, training.Account{ID: a.id, Username: a.username, DisplayName: a.username, Roles: a.roles}); err != nil {
			t.Fatal(err)
		}
		if a.disabled {
			if err := f.st.SetDisabled(ctx, a.id, true); err != nil {
				t.Fatal(err)
			}
		}
	}
	snap, err := svc.Start(ctx, me, "short-call")
	if err != nil {
		t.Fatal(err)
	}
	id := snap.Attempt.ID
	if _, err := svc.Share(ctx, me, id, "ann"); code(err) != training.CodeStillActive {
		t.Errorf("share while active: %v, want %s", err, training.CodeStillActive)
	}
	if _, err := svc.GiveUp(ctx, me, id, 1); err != nil {
		t.Fatal(err)
	}

	refusals := map[string]string{} // the message, with the name typed taken out
	tests := []struct {
		name, username, want string // want: the account shared with, or "" for the refusal
	}{
		{"no such account", "nobody", ""},
		{"a trainee", "kim", ""},
		{"an admin who does not review", "root", ""},
		{"a disabled manager", "gone.boss", ""},
		{"a manager", "ann", "u-ann"},
		{"a trainer, typed in capitals", "  TARA ", "u-tara"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			with, err := svc.Share(ctx, me, id, tt.username)
			if tt.want != "" {
				if err != nil || with.ID != tt.want {
					t.Fatalf("share with %q: %+v %v, want %s", tt.username, with, err, tt.want)
				}
				shared, err := f.st.SharedWith(ctx, id)
				if err != nil || !slices.Contains(shared, tt.want) {
					t.Errorf("shared with %v %v, want %s among them", shared, err, tt.want)
				}
				return
			}
			e := training.AsError(err)
			if e.Code != training.CodeBadRequest || !strings.Contains(e.Message, "check the username") {
				t.Fatalf("share with %q: %v, want bad_request saying what to do", tt.username, err)
			}
			refusals[strings.ReplaceAll(e.Message, strings.TrimSpace(tt.username), "NAME")] = tt.name
		})
	}
	if len(refusals) != 1 {
		t.Errorf("the refusals differ, and so tell who has an account: %v", refusals)
	}
}
