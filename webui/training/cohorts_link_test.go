package training_test

import (
	"context"
	"testing"

	"parley/webui/training"
)

// TestNewInviteLink holds who may get a new invitation link for a member
// of a cohort: a manager of the cohort only for a trainee-only member who
// has no password yet and is not disabled; an admin for any member who
// has no password yet and is not disabled; never for someone outside the
// cohort. The link the member had stops working, the new one works, and
// MayRelink (what the cohort page offers) agrees with what is allowed.
func TestNewInviteLink(t *testing.T) {
	ctx := context.Background()
	_, acc, co := newCohortsFixture(t)
	mk := func(username string, roles training.Roles) training.Account {
		a, err := acc.Create(ctx, training.NewAccount{Username: username, Roles: roles})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	manager, admin := training.Roles(training.RoleManager), training.Roles(training.RoleAdmin)
	ann := mk("ann", manager).User()
	bob := mk("bob", manager).User() // manages no cohort
	root := mk("root", admin).User()
	mine, err := co.Create(ctx, ann, "November")
	if err != nil {
		t.Fatal(err)
	}
	other, err := co.Create(ctx, ann, "December")
	if err != nil {
		t.Fatal(err)
	}
	elsewhere, err := co.Create(ctx, root, "Another team")
	if err != nil {
		t.Fatal(err)
	}
	// join invites username into a cohort as the admin, and returns the
	// account with the link it got ("" once it has a password).
	join := func(username, cohortID string) (training.Account, string) {
		inv, err := co.Invite(ctx, root, cohortID, username, "")
		if err != nil {
			t.Fatal(err)
		}
		return inv.Account, inv.Token
	}
	nina, ninaLink := join("nina", mine.ID) // a new trainee, invited: no password yet
	pat, _ := join("pat", mine.ID)          // has chosen a password
	if err := acc.SetPassword(ctx, pat.ID, goodPassword); err != nil {
		t.Fatal(err)
	}
	dora, _ := join("dora", mine.ID) // disabled before choosing one
	if err := acc.SetDisabled(ctx, dora.ID, true); err != nil {
		t.Fatal(err)
	}
	mk("max", manager)
	maxi, _ := join("max", mine.ID) // a manager added as a trainee: manager and trainee, no password
	mk("boss", admin)
	boss, _ := join("boss", mine.ID) // an admin, likewise
	sam, _ := join("sam", other.ID)  // in ann's other cohort only
	tess, _ := join("tess", elsewhere.ID)

	tests := []struct {
		name   string
		by     training.User
		cohort string
		user   string
		code   string // "" for a link
	}{
		{"a pending trainee", ann, mine.ID, nina.ID, ""},
		{"a trainee with a password", ann, mine.ID, pat.ID, training.CodeForbidden},
		{"a disabled trainee", ann, mine.ID, dora.ID, training.CodeForbidden},
		{"a manager who trains", ann, mine.ID, maxi.ID, training.CodeForbidden},
		{"an admin who trains", ann, mine.ID, boss.ID, training.CodeForbidden},
		{"a member of another of my cohorts, through this one", ann, mine.ID, sam.ID, training.CodeNotFound},
		{"a member of another of my cohorts, through it", ann, other.ID, sam.ID, ""},
		{"a trainee in someone else's cohort", ann, elsewhere.ID, tess.ID, training.CodeNotFound},
		{"a trainee in someone else's cohort, through mine", ann, mine.ID, tess.ID, training.CodeNotFound},
		{"a manager of another cohort", bob, mine.ID, nina.ID, training.CodeNotFound},
		{"the trainee themselves", nina.User(), mine.ID, nina.ID, training.CodeForbidden},
		{"no such account", ann, mine.ID, "nope", training.CodeNotFound},
		{"an admin, for a manager who trains", root, mine.ID, maxi.ID, ""},
		{"an admin, for a trainee with a password", root, mine.ID, pat.ID, training.CodeForbidden},
		{"an admin, for a disabled trainee", root, mine.ID, dora.ID, training.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv, err := co.NewInviteLink(ctx, tt.by, tt.cohort, tt.user)
			if code(err) != tt.code {
				t.Fatalf("NewInviteLink: %v, want code %q", err, tt.code)
			}
			if (inv.Token != "") != (tt.code == "") {
				t.Errorf("token %q with code %q", inv.Token, tt.code)
			}
		})
	}

	// The link nina had no longer works; the new one does, and is an invitation.
	inv, err := co.NewInviteLink(ctx, ann, mine.ID, nina.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := acc.LinkInfo(ctx, ninaLink); code(err) != training.CodeLinkInvalid {
		t.Errorf("the first link after a new one: %v, want link_invalid", err)
	}
	l, owner, err := acc.LinkInfo(ctx, inv.Token)
	if err != nil || owner.ID != nina.ID || l.Purpose != training.LinkInvite {
		t.Errorf("the new link: %+v for %s, %v; want nina's invitation", l, owner.Username, err)
	}

	// What the cohort page offers is what is allowed.
	for _, by := range []training.User{ann, root} {
		d, err := co.Get(ctx, by, mine.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range d.Members {
			_, err := co.NewInviteLink(ctx, by, mine.ID, m.Account.ID)
			if offered := training.MayRelink(by, m.Account); offered != (err == nil) {
				t.Errorf("%s, for %s: offered %v, but NewInviteLink says %v", by.ID, m.Account.Username, offered, err)
			}
		}
	}
}
