package engine

import (
	"fmt"
	"math"
)

// MaxTextLen bounds a text state variable, in bytes: an effect that would
// make one longer is a run-time error, so no scenario can grow its state
// (and the memory of lint, the analysis or a session) without bound.
const MaxTextLen = 4096

// badValue says what is wrong with v as the value of a variable, in
// trainers' words, or "" when nothing is: a number must be finite (the
// debrief is JSON, which has no NaN or infinity), a text short.
func badValue(v any) string {
	switch v := v.(type) {
	case float64:
		if math.IsNaN(v) {
			return "NaN (not a number)"
		}
		if math.IsInf(v, 1) {
			return "infinite, too large for a number"
		}
		if math.IsInf(v, -1) {
			return "minus infinite, too large for a number"
		}
	case string:
		if len(v) > MaxTextLen {
			return fmt.Sprintf("%d bytes long, over the %d a text may hold", len(v), MaxTextLen)
		}
	}
	return ""
}

// badEffect is the error of an effect that would give state variable name
// the value v, or nil when v is fine. It says what to change.
func badEffect(name string, v any) error {
	what := badValue(v)
	if what == "" {
		return nil
	}
	fix := "set it to a short word or phrase instead of adding to it"
	if _, ok := v.(float64); ok {
		fix = fmt.Sprintf("keep it within bounds, as in min(%s * 10, 1000), and never divide by what can be 0", name)
	}
	return fmt.Errorf("state %q would become %s; %s", name, what, fix)
}

// finite reports whether f is a number JSON can hold: not NaN or infinite.
func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
