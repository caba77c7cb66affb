package webui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"testing"
	"time"

	"parley/webui/client"
	"parley/webui/training"
)

// getPage fetches a list of attempts as tr and returns its items' ids and
// the next page's path from its Link header ("" when none).
func getPage(t *testing.T, tr *trainee, path string) (status int, ids []string, next string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, tr.h.url(path), nil)
	req.AddCookie(&http.Cookie{Name: client.SessionCookie, Value: tr.s.Token()})
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, nil, ""
	}
	var items []client.AttemptItem
	if err := json.NewDecoder(res.Body).Decode(&items); err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if m := regexp.MustCompile(`^<([^>]+)>; rel="next"$`).FindStringSubmatch(res.Header.Get("Link")); m != nil {
		next = m[1]
	}
	return res.StatusCode, ids, next
}

// TestAttemptListsArePaged: a trainee with more attempts than a page gets
// the newest page and a Link to older ones, for their own list and their
// manager's; walking the links lists each attempt once. 60,000 attempts
// used to make one 19.9 MB answer.
func TestAttemptListsArePaged(t *testing.T) {
	h := start(t)
	tr := h.trainee("Prolific")
	g := tr.dial().startGame("late-shipment")
	g.giveUp()
	me, err := tr.s.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	first, err := h.st.Attempt(context.Background(), g.ID)
	if err != nil {
		t.Fatal(err)
	}
	total := training.AttemptPageSize + 5
	t0 := time.Now().Add(-time.Hour)
	for i := 1; i < total; i++ {
		a := first
		a.ID, a.Status, a.StartedAt = fmt.Sprintf("old-%03d", i), training.StatusActive, t0.Add(time.Duration(i)*time.Millisecond)
		if err := h.st.CreateAttempt(context.Background(), a); err != nil {
			t.Fatal(err)
		}
		if err := h.st.EndAttempt(context.Background(), a.ID, 0, training.StatusGivenUp, []byte(`{}`)); err != nil {
			t.Fatal(err)
		}
	}
	mgr := h.login(h.account("Manager", training.Roles(training.RoleManager)))
	var cohort struct{ ID string }
	if st := mgr.post("/api/cohorts", map[string]string{"name": "Paged"}, &cohort); st != http.StatusCreated {
		t.Fatalf("create cohort: %d", st)
	}
	h.join(cohort.ID, me.Username)

	stored, err := h.st.AttemptsByUser(context.Background(), me.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	order := make([]string, len(stored))
	for i, a := range stored {
		if i > 0 && a.UpdatedAt.After(stored[i-1].UpdatedAt) {
			t.Fatalf("stored order: %s after %s but played later", a.ID, stored[i-1].ID)
		}
		order[i] = a.ID
	}
	for _, c := range []struct {
		name string
		who  *trainee
		path string
	}{
		{"own list", tr, "/api/attempts"},
		{"manager's list", mgr, "/api/trainees/" + me.ID + "/attempts"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, page, next := getPage(t, c.who, c.path)
			// The newest first: the last one ended, or of those ended in the
			// same millisecond, the first by id.
			newest := order[0]
			if len(page) != training.AttemptPageSize || next == "" || page[0] != newest {
				t.Fatalf("first page: %d items from %v, next %q; want %d from %s and a next link",
					len(page), page[:min(1, len(page))], next, training.AttemptPageSize, newest)
			}
			seen := map[string]bool{}
			all := page
			for steps := 0; next != ""; steps++ {
				if steps > total {
					t.Fatal("the links never end")
				}
				_, page, next = getPage(t, c.who, next)
				all = append(all, page...)
			}
			for _, id := range all {
				if seen[id] {
					t.Errorf("%s listed twice", id)
				}
				seen[id] = true
			}
			if len(all) != total || !slices.Equal(all, order) {
				t.Errorf("walked %d attempts, want %d in the stored order", len(all), total)
			}
			_, small, next := getPage(t, c.who, c.path+"?limit=2")
			if len(small) != 2 || next == "" || !regexp.MustCompile(`[?&]limit=2(&|$)`).MatchString(next) {
				t.Errorf("limit=2: %v, next %q; want 2 and a next link keeping the limit", small, next)
			}
		})
	}
	for _, q := range []string{"?limit=0", "?limit=101", "?limit=x", "?before=nonsense", "?before=12.", "?before=x.y"} {
		if st, _, _ := getPage(t, tr, "/api/attempts"+q); st != http.StatusBadRequest {
			t.Errorf("GET /api/attempts%s: %d, want 400", q, st)
		}
	}
}
