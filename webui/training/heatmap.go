package training

import (
	"context"
	"fmt"
	"slices"

	"parley/engine"
)

// Heatmap is what a cohort does with one scenario: how often each reply
// was chosen at each node, how many points each cost, and where the calls
// ended or stopped. It reads the cohort's members' scored attempts on the
// scenario's current version's graph (turns of older versions count where
// their node and reply still exist).
type Heatmap struct {
	ScenarioID string
	Title      string
	Start      string
	Attempts   int
	Nodes      []NodeHeat
	Endings    []EndingHeat
	Stopped    []StopHeat // where unfinished attempts stopped
}

// NodeHeat is one node: how often the cohort was there and what it chose.
type NodeHeat struct {
	Node    string
	Line    string // the node's first line, for a label
	Visits  int
	Replies []ReplyHeat
}

// ReplyHeat is one reply at a node.
type ReplyHeat struct {
	Reply   string
	Text    string
	Next    []string // where it can lead
	Chosen  int
	Lost    int // points lost over every time it was chosen (a positive number)
	Gained  int
	Verdict string // followed, broke, mixed or ""
}

// EndingHeat is one ending and how many attempts reached it.
type EndingHeat struct {
	Ending  string
	Title   string
	Outcome string
	Success bool
	Reached int
}

// StopHeat is a node where attempts were given up or abandoned.
type StopHeat struct {
	Node    string
	Stopped int
}

// Heatmap reads one of u's cohorts' play of a scenario on offer.
func (c *Cohorts) Heatmap(ctx context.Context, u User, cohortID, scenarioID string) (Heatmap, error) {
	if _, err := c.managed(ctx, u, cohortID); err != nil {
		return Heatmap{}, err
	}
	sc, ok := c.cat.Current(scenarioID)
	if !ok {
		return Heatmap{}, Errorf(CodeUnknownScenario, "there is no scenario %q on offer", scenarioID)
	}
	members, err := c.st.Members(ctx, cohortID)
	if err != nil {
		return Heatmap{}, err
	}
	h, index := newHeatmap(sc)
	for _, m := range members {
		attempts, err := c.st.AttemptsByUser(ctx, m.Account.ID, 0)
		if err != nil {
			return Heatmap{}, err
		}
		for _, a := range attempts {
			if a.ScenarioID != scenarioID || a.IsPractice() {
				continue
			}
			turns, err := c.st.Turns(ctx, a.ID)
			if err != nil {
				return Heatmap{}, err
			}
			if err := h.add(a, turns, index); err != nil {
				return Heatmap{}, err
			}
		}
	}
	return h, nil
}

// heatIndex finds a node's and a reply's place in a Heatmap.
type heatIndex struct {
	node  map[string]int
	reply map[[2]string]int
	end   map[string]int
}

func newHeatmap(sc *engine.Scenario) (Heatmap, heatIndex) {
	g := sc.Graph()
	h := Heatmap{ScenarioID: sc.ID, Title: sc.Title, Start: g.Start}
	ix := heatIndex{node: map[string]int{}, reply: map[[2]string]int{}, end: map[string]int{}}
	for i, n := range g.Nodes {
		nh := NodeHeat{Node: n.ID, Line: n.Line}
		for j, r := range n.Replies {
			rh := ReplyHeat{Reply: r.ID, Text: r.Text}
			for _, b := range r.Next {
				if !slices.Contains(rh.Next, b.To) {
					rh.Next = append(rh.Next, b.To)
				}
			}
			nh.Replies = append(nh.Replies, rh)
			ix.reply[[2]string{n.ID, r.ID}] = j
		}
		h.Nodes = append(h.Nodes, nh)
		ix.node[n.ID] = i
	}
	for i, e := range g.Endings {
		h.Endings = append(h.Endings, EndingHeat{Ending: e.ID, Title: e.Title, Outcome: e.Outcome, Success: e.Success})
		ix.end[e.ID] = i
	}
	return h, ix
}

// add counts one attempt's turns.
func (h *Heatmap) add(a Attempt, turns []Turn, ix heatIndex) error {
	h.Attempts++
	for _, t := range turns {
		o, err := DecodeOutcome(t.Event)
		if err != nil {
			return fmt.Errorf("attempt %s turn %d: %w", a.ID, t.Number, err)
		}
		n, ok := ix.node[o.Node]
		if !ok {
			continue // a node of an older version
		}
		h.Nodes[n].Visits++
		if r, ok := ix.reply[[2]string{o.Node, o.Reply.ID}]; ok {
			rh := &h.Nodes[n].Replies[r]
			rh.Chosen++
			rh.Verdict = o.Reply.Verdict
			for _, p := range o.Reply.Points {
				if p < 0 {
					rh.Lost -= p
				} else {
					rh.Gained += p
				}
			}
		}
		if o.Ending != nil {
			if e, ok := ix.end[o.Ending.ID]; ok {
				h.Endings[e].Reached++
			}
		}
	}
	if a.Status == StatusGivenUp || a.Status == StatusAbandoned {
		head, err := StateHead(a.State)
		if err != nil {
			return fmt.Errorf("attempt %s: %w", a.ID, err)
		}
		last := head.At
		i := slices.IndexFunc(h.Stopped, func(s StopHeat) bool { return s.Node == last })
		if i < 0 {
			h.Stopped = append(h.Stopped, StopHeat{Node: last})
			i = len(h.Stopped) - 1
		}
		h.Stopped[i].Stopped++
	}
	return nil
}
