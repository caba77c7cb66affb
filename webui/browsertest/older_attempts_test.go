package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"parley/webui/training"
)

// manyAttempts gives u n ended attempts on the first bundled scenario,
// made directly in the store (as srv.legacy does), one after the other,
// and returns their ids in the order the lists show them: most recently
// played first.
func (s *server) manyAttempts(u user, n int) []string {
	s.t.Helper()
	ctx := context.Background()
	acc, err := s.app.Server().Accounts().Find(ctx, u.Username)
	if err != nil {
		s.t.Fatal(err)
	}
	list, err := bundled()
	if err != nil {
		s.t.Fatal(err)
	}
	sc := list[0].Compiled
	state, err := training.EncodeState(sc.Start(1).State())
	if err != nil {
		s.t.Fatal(err)
	}
	st := s.app.Store()
	t0 := time.Now().Add(-time.Hour)
	for i := range n {
		a := training.Attempt{ID: fmt.Sprintf("many-%03d", i), UserID: acc.ID, ScenarioID: sc.ID, Version: sc.Version, Seed: 1,
			State: state, StartedAt: t0.Add(time.Duration(i) * time.Second)}
		if err := st.CreateAttempt(ctx, a); err != nil {
			s.t.Fatal(err)
		}
		if err := st.EndAttempt(ctx, a.ID, 0, training.StatusGivenUp, []byte(`{}`)); err != nil {
			s.t.Fatal(err)
		}
		// The store orders by when each ended, to the millisecond: one
		// apart, the lists' order is the order they were started in.
		time.Sleep(2 * time.Millisecond)
	}
	stored, err := st.AttemptsByUser(ctx, acc.ID, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	ids := make([]string, len(stored))
	for i, a := range stored {
		ids[i] = a.ID
	}
	return ids
}

// TestShowOlderAttempts: with more attempts than one page of the list
// (training.AttemptPageSize), the trainee's home page and their manager's
// view of them show the newest page and a "Show older attempts" button;
// pressing it (by keyboard) adds the older ones after them, in order,
// moves the focus to the first of them, and the button goes once there is
// nothing older. Then axe.
func TestShowOlderAttempts(t *testing.T) {
	src := axeSource(t)
	srv := startServer(t)
	mgr := srv.account("mia", "Mia Manager", manager)
	pat := srv.trainee("Pat Prolific")
	cid := srv.cohort(srv.session(mgr), "Busy", []user{pat})
	total := training.AttemptPageSize + 5
	order := srv.manyAttempts(pat, total)
	if len(order) != total {
		t.Fatalf("stored %d attempts, want %d", len(order), total)
	}
	want := strings.Join(order, " ")
	b := newBrowser(t)

	type list struct {
		IDs, Focus string
		Button     bool
	}
	read := func(p *page, rows string) list {
		t.Helper()
		return eval[list](p, fmt.Sprintf(`({IDs: [...document.querySelectorAll(%q)].map((r) => r.dataset.attemptId).join(' '),
			Focus: (document.activeElement?.closest('[data-attempt-id]')?.dataset.attemptId || '') + ' ' + (document.activeElement?.tagName || ''),
			Button: !!document.getElementById('show-older-attempts')})`, rows))
	}
	// press presses a button as someone with a keyboard would.
	press := func(p *page, sel string) {
		t.Helper()
		eval[bool](p, fmt.Sprintf(`(document.querySelector(%q).focus(), document.activeElement.matches(%q))`, sel, sel))
		p.key("\r")
	}

	// showOlder presses Show older attempts under a full first page of
	// rows, checks what it added, where the focus went and that the button
	// went, then screenshots and runs axe.
	showOlder := func(t *testing.T, p *page, rows, shot, view string) {
		t.Helper()
		press(p, "#show-older-attempts")
		p.waitFor("the older attempts", 10*time.Second, fmt.Sprintf(`document.querySelectorAll(%q).length === %d`, rows, total))
		got := read(p, rows)
		if got.IDs != want {
			t.Errorf("after Show older attempts: %s\nwant %s", got.IDs, want)
		}
		if got.Focus != order[training.AttemptPageSize]+" A" {
			t.Errorf("the focus is on %q, want the link of the first older attempt, %s", got.Focus, order[training.AttemptPageSize])
		}
		if got.Button {
			t.Errorf("the Show older attempts button is still there with nothing older")
		}
		p.shot(shot, looks[0])
		p.axe(src, view)
	}

	t.Run("home", func(t *testing.T) {
		p := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
		p.signIn(pat)
		p.waitState("catalog")
		rows := `#attempt-list [data-testid=attempt]`
		p.waitFor("the newest attempts", 5*time.Second, `document.querySelector('#show-all-attempts')`)
		press(p, "#show-all-attempts")
		p.waitFor("the whole first page", 5*time.Second, fmt.Sprintf(`document.querySelectorAll(%q).length === %d`, rows, training.AttemptPageSize))
		if got := read(p, rows); got.IDs != strings.Join(order[:training.AttemptPageSize], " ") || !got.Button {
			t.Fatalf("the first page: %+v; want the newest %d in order and the button", got, training.AttemptPageSize)
		}
		showOlder(t, p, rows, "home-older-attempts", "home page with older attempts")
	})

	t.Run("manager", func(t *testing.T) {
		p := b.tab(srv.url(), tabOptions{reducedMotion: true, fresh: true})
		p.signIn(mgr)
		p.open("#/trainees/" + srv.session(pat).Who().ID + "?cohort=" + cid)
		p.waitState("trainee")
		rows := `#trainee-attempts [data-testid=trainee-attempt]`
		if got := read(p, rows); got.IDs != strings.Join(order[:training.AttemptPageSize], " ") || !got.Button {
			t.Fatalf("the first page: %+v; want the newest %d in order and the button", got, training.AttemptPageSize)
		}
		showOlder(t, p, rows, "trainee-older-attempts", "trainee page with older attempts")
	})
}
