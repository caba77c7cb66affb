package browsertest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// debriefData is what GET /api/attempts/{id}/debrief says, in part.
type debriefData struct {
	Attempt struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	} `json:"attempt"`
	Debrief struct {
		Complete bool `json:"complete"`
		Scores   []struct {
			Competency string `json:"competency"`
			Score      int    `json:"score"`
		} `json:"scores"`
		Turns []struct {
			Turn  int `json:"turn"`
			Reply struct {
				ID string `json:"id"`
			} `json:"reply"`
		} `json:"turns"`
		LeftIdealAt int `json:"left_ideal_at"`
	} `json:"debrief"`
}

// TestMashingDoesNotWin presses the same key over and over, as someone
// would who wants the scores without the practice: Tab into the replies and
// Enter, or the number key 1, each time the replies show, until the call
// ends (or 30 presses). The replies are offered in an order fixed by the
// attempt's seed, so the first one listed is not the best: such a call
// leaves the ideal path and does not score 100 in every competency. (When
// the best reply was listed first, it did both, every time.)
//
// It also checks that Enter alone does nothing: once the client has
// finished, the focus is on the replies' heading, never on a reply.
func TestMashingDoesNotWin(t *testing.T) {
	srv := startServer(t)
	p := newBrowser(t).tab(srv.url(), tabOptions{reducedMotion: true})
	p.signIn("Mo Mash")
	for _, id := range []string{"late-shipment", "defective-part", "unrealistic-demands"} {
		for _, key := range []string{kb.Enter, "1"} {
			name := map[string]string{kb.Enter: "Tab+Enter", "1": "1"}[key]
			c := p.begin(id)
			attempt := p.attemptID()

			// Enter on the heading chooses nothing.
			p.key(kb.Enter)
			time.Sleep(300 * time.Millisecond)
			if now := p.call(); now.turn() != 0 || now.Mode != "replies" {
				t.Fatalf("%s: Enter with the focus on %q chose a reply (turn %s, panel %q)", id, c.Focus, now.Turn, now.Mode)
			}

			var firsts []string
			for presses := 0; c.Mode == "replies" && presses < 30; presses++ {
				if c.Focus != "h2#replies-heading" {
					t.Errorf("%s turn %d: focus on %q once the replies show, want the replies' heading", id, c.turn(), c.Focus)
				}
				p.key(kb.Tab) // into the list: the first reply
				if want := fmt.Sprintf("button#[%s]", c.Replies[0].ID); p.call().Focus != want {
					t.Fatalf("%s turn %d: Tab from the heading went to %q, want the first reply", id, c.turn(), p.call().Focus)
				}
				firsts = append(firsts, c.Replies[0].ID)
				p.key(key)
				c = p.settle(c.turn() + 1)
			}
			if c.Mode != "ended" {
				p.do("end the attempt", chromedp.Click(chromedp.CSS("#give-up")), chromedp.Click(chromedp.CSS("#give-up-confirm")))
				p.waitState("debrief")
			}
			d := fetchJSON[debriefData](p, "/api/attempts/"+attempt+"/debrief")
			var chosen []string
			all100 := len(d.Debrief.Scores) > 0
			for _, tr := range d.Debrief.Turns {
				chosen = append(chosen, tr.Reply.ID)
			}
			for _, s := range d.Debrief.Scores {
				all100 = all100 && s.Score == 100
			}
			if !slices.Equal(chosen, firsts) {
				t.Errorf("%s, %s: the attempt chose %v, the first replies listed were %v", id, name, chosen, firsts)
			}
			t.Logf("%s, %s: %d turns, left the ideal path at turn %d, scores %+v", id, name, len(chosen), d.Debrief.LeftIdealAt, d.Debrief.Scores)
			if d.Debrief.LeftIdealAt == 0 {
				t.Errorf("%s, %s: always choosing the first reply listed stayed on the ideal path: the best reply is listed first", id, name)
			}
			if all100 {
				t.Errorf("%s, %s: always choosing the first reply listed scored 100 in every competency", id, name)
			}
		}
	}
}
