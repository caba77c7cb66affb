package training

import "testing"

func TestStatusCheckFinal(t *testing.T) {
	for _, tt := range []struct {
		s     Status
		final bool
	}{{StatusActive, false}, {StatusFinished, true}, {StatusGivenUp, true}, {StatusAbandoned, true}, {"paused", false}} {
		if err := tt.s.CheckFinal(); (err == nil) != tt.final {
			t.Errorf("%q: CheckFinal() = %v, want final %v", tt.s, err, tt.final)
		}
	}
}

func TestIsPractice(t *testing.T) {
	if (Attempt{}).IsPractice() || !(Attempt{PracticeOf: "a1", PracticeFrom: 3}).IsPractice() {
		t.Error("IsPractice is not set by PracticeOf")
	}
}
