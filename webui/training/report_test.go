package training_test

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"strings"
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

// TestReportCSVNeutralisesHiddenFormulas: a formula behind leading spaces
// or invisible characters is still a formula to a spreadsheet, so its cell
// gets the apostrophe too; other text, however it starts, stays as written.
func TestReportCSVNeutralisesHiddenFormulas(t *testing.T) {
	tests := []struct {
		name, cell, want string
	}{
		{"a formula", "=1+1", "'=1+1"},
		{"plus, minus, at", "@SUM(A1)", "'@SUM(A1)"},
		{"a leading tab", "\tx", "'\tx"},
		{"a leading carriage return", "\rx", "'\rx"},
		{"a leading line feed", "\nx", "'\nx"},
		{"a leading NUL", "\x00x", "'\x00x"},
		{"spaces first", "   =1+1", "'   =1+1"},
		{"a no-break space first", "\u00a0-2+3", "'\u00a0-2+3"},
		{"an ideographic space first", "\u3000+1", "'\u3000+1"},
		{"a zero-width space first", "\u200b=HYPERLINK(\"http://evil.example\")", "'\u200b=HYPERLINK(\"http://evil.example\")"},
		{"a byte-order mark first", "\ufeff=1+1", "'\ufeff=1+1"},
		{"a word joiner and a space first", "\u2060 @x", "'\u2060 @x"},
		{"a right-to-left mark first", "\u200f=1", "'\u200f=1"},
		{"a soft hyphen first", "\u00ad=1", "'\u00ad=1"},
		{"a variation selector first", "\ufe0f+1", "'\ufe0f+1"},
		{"a Hangul filler first", "\u3164=1", "'\u3164=1"},
		{"a vertical tab first", "\v=1", "'\v=1"},
		{"a full-width equals sign", "\uff1d1+1", "'\uff1d1+1"},
		{"plain text", "Sam Patel", "Sam Patel"},
		{"a space before plain text", " Sam", " Sam"},
		{"a zero-width space before plain text", "\u200bSam", "\u200bSam"},
		{"a formula sign later on", "Sam = Sam", "Sam = Sam"},
		{"a number", "450", "450"},
		{"only invisible characters", "\u200b\u00a0", "\u200b\u00a0"},
		{"not UTF-8", "\xff=1", "\xff=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			row := training.ReportRow{Trainee: training.Account{Username: "sam", DisplayName: tt.cell},
				Attempt: training.Attempt{ScenarioID: "late-shipment", Status: training.StatusActive}}
			var buf bytes.Buffer
			if err := training.WriteReportCSV(&buf, []training.ReportRow{row}); err != nil {
				t.Fatal(err)
			}
			r := csv.NewReader(&buf)
			r.LazyQuotes = true // the cell that is not UTF-8
			recs, err := r.ReadAll()
			if err != nil || len(recs) != 2 {
				t.Fatalf("encoding/csv reads back %q, %v", recs, err)
			}
			// encoding/csv drops a carriage return when it reads one back
			want := strings.ReplaceAll(tt.want, "\r", "")
			if got := recs[1][1]; got != want {
				t.Errorf("the cell %q is written as %q, want %q", tt.cell, got, tt.want)
			}
		})
	}
}
