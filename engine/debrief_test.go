package engine

import (
	"encoding/json"
	"reflect"
	"testing"
)

// recapSpec: hedging at "open" closes the full recap at "recap".
func recapSpec() *Spec {
	e := func(s string) Expr { return Expr{Src: s, Pos: Pos{1, 1}} }
	pts := func(c string, v int) []Points { return []Points{{c, v, Pos{}}} }
	return &Spec{ID: "recap", Title: "Recap", Version: "v1",
		Mood:  []MoodSpec{{Name: "calm", Start: 50, Min: 0, Max: 100, Good: "high"}},
		State: []VarSpec{{Name: "hedged", Default: false, Label: "Hedged on the date", Decides: true}, {Name: "n", Default: float64(0)}},
		Nodes: []NodeSpec{
			{ID: "open", Lines: []LineSpec{{Variants: []string{"When?"}}}, Replies: []ReplySpec{
				{ID: "commit", Text: "Friday.", Points: pts("boundaries", 2), Principle: "Set clear expectations", Note: "A date you can keep.", Next: []Branch{{Goto: "recap"}}},
				{ID: "hedge", Text: "Maybe Friday.", Points: pts("boundaries", -1), Principle: "Be honest and direct", Note: "Vague.",
					Effects: []Effect{{Var: "hedged", Expr: e("true")}, {Var: "calm", Expr: e("calm + 40")}}, Next: []Branch{{Goto: "recap"}}},
			}},
			{ID: "recap", Lines: []LineSpec{{Variants: []string{"So?"}}}, Replies: []ReplySpec{
				{ID: "full", Text: "Full recap.", When: e("!hedged"), Points: pts("listening", 3), Principle: "Reflect and summarise", Note: "The whole picture.", Next: []Branch{{Goto: "done"}}},
				{ID: "partial", Text: "Part of it.", Points: []Points{{"listening", 1, Pos{}}, {"empathy", -1, Pos{}}}, Note: "Half.", Next: []Branch{{Goto: "done"}}},
				{ID: "waffle", Text: "Well…", Points: pts("listening", -1), Note: "Says nothing.", Next: []Branch{{When: e("hedged"), Goto: "lost"}, {Goto: "done"}}},
			}},
		},
		Endings: []EndingSpec{
			{ID: "done", Title: "Done", Outcome: "resolved", Text: "Good."},
			{ID: "lost", Title: "Lost", Outcome: "lost", Text: "Bad."},
		}}
}

func debriefOf(t *testing.T, sc *Scenario, replies ...string) Debrief {
	t.Helper()
	s := sc.Start(1)
	for _, r := range replies {
		if _, err := s.Choose(r); err != nil {
			t.Fatal(err)
		}
	}
	d, err := sc.Debrief(s.State())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDebriefExplainsWhatWasClosedAndWhatWasLeft(t *testing.T) {
	sc := mustCompile(t, recapSpec())
	hedgeThenPartial := debriefOf(t, sc, "hedge", "partial")
	t1, t2 := hedgeThenPartial.Turns[0], hedgeThenPartial.Turns[1]
	if t1.Ideal == nil || t1.Ideal.ID != "commit" || t1.IdealKind != IdealStronger || t1.Ideal.Note != "A date you can keep." {
		t.Errorf("turn 1: ideal %+v kind %q; want commit, stronger, with its note", t1.Ideal, t1.IdealKind)
	}
	if t1.Reply.Verdict != VerdictBroke || t1.Ideal.Verdict != VerdictFollowed {
		t.Errorf("turn 1 verdicts: chosen %q, ideal %q", t1.Reply.Verdict, t1.Ideal.Verdict)
	}
	want := []ClosedReply{{Reply: sc.nodes[1].replies[0].info, Turn: 1, By: Choice{ID: "hedge", Text: "Maybe Friday."}, Node: "open"}}
	if !reflect.DeepEqual(t2.Closed, want) {
		t.Errorf("turn 2 closed = %+v\nwant %+v", t2.Closed, want)
	}
	if !t2.OnIdeal || t2.Ideal != nil || t2.Reply.Verdict != VerdictMixed {
		t.Errorf("turn 2: partial was the best of what was left: on ideal %v, ideal %+v, verdict %q", t2.OnIdeal, t2.Ideal, t2.Reply.Verdict)
	}

	waffle := debriefOf(t, sc, "hedge", "waffle").Turns[1]
	if waffle.Ideal == nil || waffle.Ideal.ID != "partial" || waffle.IdealKind != IdealBestLeft || len(waffle.Closed) != 1 {
		t.Errorf("after hedging, partial is only the best of what was left: ideal %+v kind %q closed %+v", waffle.Ideal, waffle.IdealKind, waffle.Closed)
	}

	clean := debriefOf(t, sc, "commit", "partial").Turns[1]
	if len(clean.Closed) != 0 || clean.Ideal == nil || clean.Ideal.ID != "full" || clean.IdealKind != IdealStronger {
		t.Errorf("nothing closed the full recap: closed %+v ideal %+v kind %q", clean.Closed, clean.Ideal, clean.IdealKind)
	}
}

func TestDebriefSaysWhatDecidedTheEnding(t *testing.T) {
	sc := mustCompile(t, recapSpec())
	lost := debriefOf(t, sc, "hedge", "waffle")
	if lost.Ending == nil || lost.Ending.Success || !lost.Complete {
		t.Errorf("ending %+v complete %v; want lost, not a success", lost.Ending, lost.Complete)
	}
	if want := []VarReading{{Name: "hedged", Label: "Hedged on the date", Value: true}}; !reflect.DeepEqual(lost.Decisive, want) {
		t.Errorf("decisive = %+v, want %+v", lost.Decisive, want)
	}
	if !lost.MoodMisleads {
		t.Errorf("calm finished at %v (good side) on a lost call: the debrief should say the meter misleads", lost.MoodEnd)
	}
	won := debriefOf(t, sc, "commit", "full")
	if !won.Ending.Success || won.MoodMisleads {
		t.Errorf("resolved: success %v, mood misleads %v", won.Ending.Success, won.MoodMisleads)
	}
	stopped := debriefOf(t, sc, "commit")
	if stopped.Complete || stopped.Ending != nil || len(stopped.Turns) != 1 || len(stopped.Scores) != 3 {
		t.Errorf("stopped after one turn: complete %v, ending %v, %d turns, %d scores", stopped.Complete, stopped.Ending, len(stopped.Turns), len(stopped.Scores))
	}
	for _, s := range stopped.Scores {
		if s.Description == "" {
			t.Errorf("competency %q has no description", s.Competency)
		}
	}
}

func TestMoodDisagrees(t *testing.T) {
	low := func(v float64) MoodReading { return MoodReading{Value: v, Min: 0, Max: 100, Good: "low"} }
	high := func(v float64) MoodReading { return MoodReading{Value: v, Min: 0, Max: 100, Good: "high"} }
	tests := []struct {
		name    string
		mood    []MoodReading
		success bool
		want    bool
	}{
		{"calm client, failed call", []MoodReading{low(10), high(90)}, false, true},
		{"calm client, good call", []MoodReading{low(10), high(90)}, true, false},
		{"angry client, good call", []MoodReading{low(90), high(10)}, true, true},
		{"mixed mood", []MoodReading{low(10), high(10)}, false, false},
		{"no mood", nil, false, false},
	}
	for _, tt := range tests {
		if got := moodDisagrees(tt.mood, tt.success); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEndingSuccess(t *testing.T) {
	spec := recapSpec()
	yes := true
	spec.Endings[1].Success = &yes // a respectful parting can count as success
	sc := mustCompile(t, spec)
	got := map[string]bool{}
	for _, e := range sc.Endings() {
		got[e.ID] = e.Success
	}
	if want := map[string]bool{"done": true, "lost": true}; !reflect.DeepEqual(got, want) {
		t.Errorf("success = %v, want %v", got, want)
	}
	if sc := mustCompile(t, recapSpec()); sc.Endings()[1].Success {
		t.Error("a lost ending counts as success by default")
	}
}

// TestReplayIsTheSessionBeforeATurn: replaying k turns gives the state
// the attempt had after k turns, for every k.
func TestReplayIsTheSessionBeforeATurn(t *testing.T) {
	sc := mustCompile(t, miniSpec())
	s := sc.Start(5)
	var states []State
	for _, r := range []string{"own", "ask", "plan"} {
		states = append(states, s.State())
		if _, err := s.Choose(r); err != nil {
			t.Fatal(err)
		}
	}
	final := s.State()
	for k, want := range states {
		r, err := sc.Replay(final, k)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(r.State())
		wantJSON, _ := json.Marshal(want)
		if string(got) != string(wantJSON) {
			t.Errorf("replay %d turns:\n got %s\nwant %s", k, got, wantJSON)
		}
	}
	for _, bad := range []int{-1, 4} {
		if _, err := sc.Replay(final, bad); err == nil {
			t.Errorf("replay %d turns of 3: no error", bad)
		}
	}
}
