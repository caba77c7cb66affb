package storetest

import (
	"errors"
	"fmt"
	"parley/webui/training"
	"sync"
	"testing"
)

// RunInstances runs the checks that need several Stores on one database,
// as several server instances (or processes) open it. open returns them,
// two or more, all on one fresh, empty database, and closes them when its
// test ends.
func RunInstances(t *testing.T, open func(t *testing.T) []training.Store) {
	for _, c := range instanceChecks {
		t.Run(c.name, func(t *testing.T) {
			c.run(t, open(t))
		})
	}
}

// instanceCheck is one behaviour of the port across Stores on one database.
type instanceCheck struct {
	name string
	run  func(t *testing.T, stores []training.Store)
}

var instanceChecks = []instanceCheck{
	{"PracticeCapHoldsAcrossInstances", func(t *testing.T, stores []training.Store) {
		s := stores[0]
		create(t, s, "src")
		play(t, s, "src", 2, finished)
		const limit = training.MaxActivePracticeRuns
		made := practiseAtOnce(t, stores, "src", 3*limit, limit)
		if len(made) != limit {
			t.Errorf("%d concurrent CreatePractice calls on %d Stores made %d practice runs, want the cap, %d",
				3*limit, len(stores), len(made), limit)
		}
		for i, st := range stores {
			if n, err := st.ActivePracticeRuns(t.Context(), user); err != nil || n != limit {
				t.Errorf("ActivePracticeRuns on Store %d = %d, %v; want %d", i, n, err, limit)
			}
		}
	}},
}

// practiseAtOnce makes calls CreatePractice calls of user from src with
// the cap limit, all let go at once, spread over the stores, and returns
// the ids of the practice runs made. Every refusal must be
// ErrTooManyPractice.
func practiseAtOnce(t *testing.T, stores []training.Store, src string, calls, limit int) []string {
	t.Helper()
	errs := make([]error, calls)
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for i := range calls {
		wg.Go(func() {
			<-gate
			p := practice(fmt.Sprintf("run%02d", i), src, 1+i%2)
			errs[i] = stores[i%len(stores)].CreatePractice(t.Context(), p, limit)
		})
	}
	close(gate)
	wg.Wait()
	var made []string
	for i, err := range errs {
		switch {
		case err == nil:
			made = append(made, fmt.Sprintf("run%02d", i))
		case !errors.Is(err, training.ErrTooManyPractice) || !errors.Is(err, training.ErrConflict):
			t.Errorf("CreatePractice run%02d: %v; want nil or ErrTooManyPractice (an ErrConflict)", i, err)
		}
	}
	return made
}
