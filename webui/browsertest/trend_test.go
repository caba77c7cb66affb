package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestTrendPassMarkLabels: on a trainee's trends, the pass mark labels of
// marks close together (70 and 75) are laid out apart, never overlapping,
// and the scenarios that share a mark share one line and one label; the
// chart's description still gives each scenario's mark. On a desktop and a
// phone, light and dark, with axe.
func TestTrendPassMarkLabels(t *testing.T) {
	src := axeSource(t)
	srv := startServer(t)
	mgr := srv.account("mia", "Mia Manager", manager)
	zed := srv.trainee("Zed Marks")
	m := srv.session(mgr)
	cid := srv.cohort(m, "Marks", []user{zed})
	ctx := context.Background()
	zs := srv.session(zed)
	zedID := zs.Who().ID
	for _, a := range []struct {
		plan    string
		empathy int
	}{{"late-shipment.ideal", 70}, {"defective-part.mediocre", 75}, {"unrealistic-demands.mediocre", 70}} {
		sc, path := bundledPlan(t, a.plan)
		if _, err := m.Assign(ctx, cid, sc.ID, nil, map[string]int{"empathy": a.empathy}); err != nil {
			t.Fatal(err)
		}
		play(t, zs, sc.ID, path, "")
	}

	type label struct {
		Text                     string
		Top, Bottom, Left, Right float64
	}
	type chart struct {
		Competency string
		Labels     []label
		Lines      int
		Desc       string
	}
	forEachLook(t, func(t *testing.T, b *browser, l look) {
		p := b.tab(srv.url(), l.opts)
		p.signIn(mgr)
		p.open("#/trainees/" + zedID + "?cohort=" + cid)
		p.waitState("trainee")
		p.waitFor("the trends", 5*time.Second, `document.querySelector('[data-testid=trend] svg')`)
		charts := eval[[]chart](p, `[...document.querySelectorAll('[data-testid=trend]')].map((sec) => ({
			Competency: sec.dataset.competency,
			Labels: [...sec.querySelectorAll('.chart__pass-label')].map((t) => {
				const r = t.getBoundingClientRect();
				return {Text: t.textContent, Top: r.top, Bottom: r.bottom, Left: r.left, Right: r.right};
			}),
			Lines: sec.querySelectorAll('.chart__pass').length,
			Desc: sec.querySelector('svg desc').textContent,
		}))`)
		var empathy *chart
		for i, c := range charts {
			if c.Competency == "empathy" {
				empathy = &charts[i]
			}
			if len(c.Labels) != c.Lines {
				t.Errorf("%s: %d pass lines with %d labels, want a label per line", c.Competency, c.Lines, len(c.Labels))
			}
			for i, a := range c.Labels {
				for _, z := range c.Labels[i+1:] {
					if a.Top < z.Bottom && z.Top < a.Bottom && a.Left < z.Right && z.Left < a.Right {
						t.Errorf("%s: the labels %q and %q overlap: %+v, %+v", c.Competency, a.Text, z.Text, a, z)
					}
				}
			}
		}
		if empathy == nil {
			t.Fatalf("no empathy trend among %+v", charts)
		}
		var texts []string
		for _, l := range empathy.Labels {
			texts = append(texts, l.Text)
		}
		if got := strings.Join(texts, " | "); got != "pass mark 75 | pass mark 70" {
			t.Errorf("the empathy chart's labels: %q; want one for 75 and one for the two scenarios at 70, 75 above", got)
		}
		if strings.Count(empathy.Desc, "pass mark 70") != 2 || strings.Count(empathy.Desc, "pass mark 75") != 1 {
			t.Errorf("the empathy chart's description does not give each scenario's mark: %q", empathy.Desc)
		}
		p.shot("trainee-trends", l)
		p.axe(src, "trainee with close pass marks, "+l.name)
	})
}
