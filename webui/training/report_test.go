package training_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"testing"
	"time"

	"parley/webui/training"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestWriteReportCSV pins the CSV's columns and quoting with a golden file,
// and reads it back with encoding/csv: cells with commas, quotes, new
// lines and HTML come back as written, and cells a spreadsheet would run as
// formulas come back with a leading apostrophe.
func TestWriteReportCSV(t *testing.T) {
	t0 := time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)
	nov := training.Cohort{ID: "c1", Name: "November, \"wave 2\""}
	rows := []training.ReportRow{
		{Cohort: nov, Trainee: training.Account{Username: "sam@example.com", DisplayName: "Sam <b>Patel</b>"},
			Attempt: training.Attempt{ScenarioID: "late-shipment", Version: "sha256:ab", Status: training.StatusFinished,
				StartedAt: t0, EndedAt: t0.Add(7*time.Minute + 30*time.Second), Ending: "resolved", Outcome: "success"},
			Title: "The shipment\nthat stopped the line",
			Scores: []training.CompetencyScore{{Competency: "empathy", Score: 80, Pass: 70, Passed: true},
				{Competency: "listening", Score: 45, Pass: 60}, {Competency: "negotiation", Score: 100, Pass: 50, Passed: true}}},
		{Cohort: training.Cohort{Name: "@evil"}, Trainee: training.Account{Username: "x", DisplayName: "=HYPERLINK(\"http://evil.example\",\"click\")"},
			Attempt: training.Attempt{ScenarioID: "defective-part", Version: "sha256:cd", Status: training.StatusActive, StartedAt: t0.Add(time.Hour)},
			Title:   "+1 -1"},
	}
	var buf bytes.Buffer
	if err := training.WriteReportCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	const golden = "testdata/report.csv"
	if *update {
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("CSV differs from %s (go test -update rewrites it):\n%s", golden, buf.Bytes())
	}
	recs, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv cannot read it back: %v", err)
	}
	head := recs[0]
	wantHead := []string{"cohort", "trainee", "username", "scenario", "title", "version", "status", "started", "finished", "duration_seconds",
		"ending", "outcome", "listening_score", "listening_passed", "empathy_score", "empathy_passed", "boundaries_score", "boundaries_passed",
		"negotiation_score", "negotiation_passed"}
	if len(head) != len(wantHead) {
		t.Fatalf("header %q, want %q", head, wantHead)
	}
	for i := range head {
		if head[i] != wantHead[i] {
			t.Errorf("column %d is %q, want %q", i, head[i], wantHead[i])
		}
	}
	sam, evil := recs[1], recs[2]
	for i, want := range map[int]string{0: `November, "wave 2"`, 1: "Sam <b>Patel</b>", 4: "The shipment\nthat stopped the line",
		9: "450", 12: "45", 13: "fail", 14: "80", 15: "pass", 16: "", 18: "100"} {
		if sam[i] != want {
			t.Errorf("%s = %q, want %q", head[i], sam[i], want)
		}
	}
	for i, want := range map[int]string{0: "'@evil", 1: `'=HYPERLINK("http://evil.example","click")`, 4: "'+1 -1", 8: "", 9: ""} {
		if evil[i] != want {
			t.Errorf("%s = %q, want %q", head[i], evil[i], want)
		}
	}
}
