package webui_test

import (
	"context"
	"testing"

	"parley/webui/client"
	"parley/webui/training"
)

// TestCohortNewInviteLink: the cohort page says which members the caller
// may make a new invitation link for (new_link: a trainee who has not
// chosen a password yet), POST …/members/{user}/link makes one, the link
// the member had stops working and the new one works; once they have a
// password there is none to make. (The policy's cases are in training's
// TestNewInviteLink.)
func TestCohortNewInviteLink(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	ann := h.login(h.account("Ann", training.Roles(training.RoleManager)))
	kim := h.trainee("Kim")
	nov, err := ann.s.CreateCohort(ctx, "November onboarding")
	if err != nil {
		t.Fatal(err)
	}
	h.join(nov.ID, kim.s.Who().Username)
	added, err := ann.s.Invite(ctx, nov.ID, "new.hire@example.com", "New Hire")
	if err != nil || added.Link == nil {
		t.Fatalf("invite a new hire: %+v %v", added, err)
	}
	hireID := added.Member.ID
	offered := func() map[string]bool {
		t.Helper()
		d, err := ann.s.Cohort(ctx, nov.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, m := range d.Members {
			out[m.Name] = m.NewLink
		}
		return out
	}
	if got := offered(); !got["New Hire"] || got["Kim"] {
		t.Errorf("new links offered: %v; want the new hire's only", got)
	}

	link, err := ann.s.NewInviteLink(ctx, nov.ID, hireID)
	if err != nil || link.Purpose != string(training.LinkInvite) || link.Username != "new.hire@example.com" || link.URL == "" {
		t.Fatalf("a new invitation link: %+v %v", link, err)
	}
	if _, err := h.client().Redeem(ctx, client.LinkToken(added.Link.URL), testPassword); statusCode(err) != training.CodeLinkInvalid {
		t.Errorf("the first link, after a new one: %v, want link_invalid", err)
	}
	if _, err := h.client().Redeem(ctx, client.LinkToken(link.URL), testPassword); err != nil {
		t.Fatalf("the new link: %v", err)
	}
	if got := offered(); got["New Hire"] {
		t.Errorf("new links offered once the hire has a password: %v", got)
	}
	for _, who := range []string{hireID, kim.s.Who().ID} {
		if _, err := ann.s.NewInviteLink(ctx, nov.ID, who); statusCode(err) != training.CodeForbidden {
			t.Errorf("a new link for %s, who has a password: %v, want forbidden", who, err)
		}
	}
	if _, err := kim.s.NewInviteLink(ctx, nov.ID, hireID); statusCode(err) != training.CodeForbidden {
		t.Errorf("a trainee asks for a link: %v, want forbidden", err)
	}
}
