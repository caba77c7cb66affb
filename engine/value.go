package engine

import "fmt"

// MaxTextLen bounds a text state variable, in bytes: an effect that would
// make one longer is a run-time error, so no scenario can grow its state
// (and the memory of lint, the analysis or a session) without bound.
const MaxTextLen = 4096

// badValue says what is wrong with v as the value of a variable, in
// trainers' words, or "" when nothing is.
func badValue(v any) string {
	if s, ok := v.(string); ok && len(s) > MaxTextLen {
		return fmt.Sprintf("%d characters long, over the %d a text may hold", len(s), MaxTextLen)
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
	return fmt.Errorf("state %q would become %s; set it to a short word or phrase instead of adding to it", name, what)
}
