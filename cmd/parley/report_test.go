package main

import (
	"context"
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parley/engine"
	"parley/scenarios"
	"parley/webui/sqlite"
	"parley/webui/training"
)

// TestReportCommand writes the CSV of a database holding one cohort, one
// trainee and two attempts (one of them practice, which never counts), and
// reads it back with encoding/csv.
func TestReportCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "parley.db")
	st, late, sc := storeAndBundled(t, db, "late-shipment")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.SaveScenarioVersion(ctx, sc.ID, sc.Version, late.Src))
	must(st.CreateAccount(ctx, training.Account{ID: "m", Username: "ann", DisplayName: "Ann", Roles: training.Roles(training.RoleManager)}))
	must(st.CreateAccount(ctx, training.Account{ID: "s", Username: "sam", DisplayName: "Sam, the new hire", Roles: training.Roles(training.RoleTrainee)}))
	must(st.CreateCohort(ctx, training.Cohort{ID: "c1", Name: "November", CreatedBy: "m", CreatedAt: time.Now()}))
	must(st.AddMember(ctx, "c1", "s", time.Now()))
	must(st.SetAssignment(ctx, training.Assignment{CohortID: "c1", ScenarioID: sc.ID, PassMarks: map[string]int{"empathy": 99}, AssignedBy: "m", AssignedAt: time.Now()}))
	state, _ := training.EncodeState(sc.Start(1).State())
	must(st.CreateAttempt(ctx, training.Attempt{ID: "a1", UserID: "s", ScenarioID: sc.ID, Version: sc.Version, Seed: 1, State: state}))
	summary, _ := training.EncodeScores([]engine.Score{{Competency: "empathy", Label: "Empathy", Score: 80, Pass: 60}})
	must(st.EndAttempt(ctx, "a1", 0, training.StatusGivenUp, summary))
	must(st.Close())

	out, errOut, code := runCLISplit(t, "", "report", "--format", "csv", "--db", db, "--cohort", "november")
	if code != 0 {
		t.Fatalf("report: %d %s", code, errOut)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("report %q: %v; want a header and one row", out, err)
	}
	row := map[string]string{}
	for i, h := range recs[0] {
		row[h] = recs[1][i]
	}
	if row["cohort"] != "November" || row["trainee"] != "Sam, the new hire" || row["title"] != sc.Title || row["status"] != "given_up" ||
		row["empathy_score"] != "80" || row["empathy_passed"] != "fail" {
		t.Errorf("row %v: want the cohort's stricter mark (99) to fail empathy at 80", row)
	}
	if _, errOut, code := runCLISplit(t, "", "report", "--db", db, "--cohort", "december"); code == 0 || !strings.Contains(errOut, `"November"`) {
		t.Errorf("an unknown cohort: %d %q; want the cohorts listed", code, errOut)
	}
	if _, _, code := runCLISplit(t, "", "report", "--db", db, "--format", "xlsx"); code != 2 {
		t.Errorf("--format xlsx: exit %d, want 2", code)
	}
}

// storeAndBundled opens a new SQLite store at db and loads the bundled
// scenario whose file name holds name.
func storeAndBundled(t *testing.T, db, name string) (*sqlite.Store, scenarios.File, *engine.Scenario) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	var file scenarios.File
	for _, f := range scenarios.Bundled() {
		if strings.Contains(f.Name, name) {
			file = f
		}
	}
	sc, problems := scenarios.Load(file)
	if sc == nil {
		t.Fatal(problems)
	}
	return st, file, sc
}
