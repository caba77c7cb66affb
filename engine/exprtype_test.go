package engine

import (
	"strings"
	"testing"
)

// typeSpec is miniSpec with a variable of each kind: offered_phasing
// (true/false), questions (a number) and promised (text, which an effect
// sets to 'friday').
func typeSpec() *Spec {
	s := miniSpec()
	s.State = append(s.State, VarSpec{Name: "offered_phasing", Default: false}, VarSpec{Name: "questions", Default: float64(0)})
	s.State[1] = VarSpec{Name: "promised", Default: ""}
	s.Nodes[1].Replies[1].Effects[0].Expr = Expr{Src: "'friday'", Pos: Pos{1, 1}}
	return s
}

func TestTypeErrorMessages(t *testing.T) {
	const cond = `error: expr-type: the condition of rule "gone": `
	effect := func(v string) string {
		return `error: expr-type: the effect on "` + v + `" of reply "own" of node "open": `
	}
	tests := []struct {
		name   string
		src    string
		effect string // the variable whose effect src is; a rule's condition when empty
		want   string // line:col: ...
	}{
		{"true/false compared with a number", "offered_phasing == 1", "",
			"5:9: " + cond + "offered_phasing is true/false: write offered_phasing or !offered_phasing"},
		{"number compared with true/false", "1 != offered_phasing", "",
			"5:14: " + cond + "offered_phasing is true/false: write offered_phasing or !offered_phasing"},
		{"true/false in arithmetic", "offered_phasing + 1 > 2", "",
			"5:9: " + cond + "offered_phasing is true/false: write offered_phasing or !offered_phasing"},
		{"true/false negated as a number", "-offered_phasing < 0", "",
			"5:10: " + cond + "offered_phasing is true/false: write offered_phasing or !offered_phasing"},
		{"true/false in brackets", "(questions > 1) * 2 > 0", "",
			"5:25: " + cond + "questions > 1 is true/false: write questions > 1 or !(questions > 1)"},
		{"number as a condition", "questions", "",
			"5:9: " + cond + "questions is a number, not true/false: write questions > 0"},
		{"number negated", "!questions", "",
			"5:10: " + cond + "questions is a number, not true/false: write questions == 0"},
		{"number with and", "questions && offered_phasing", "",
			"5:9: " + cond + "questions is a number, not true/false: write questions > 0"},
		{"number with or on the right", "offered_phasing or frustration", "",
			"5:28: " + cond + "frustration is a number, not true/false: write frustration > 0"},
		{"number as a ternary's condition", "(questions ? 1 : 2) > 1", "",
			"5:10: " + cond + "questions is a number, not true/false: write questions > 0"},
		{"number compared with true", "visits['cost'] == true", "",
			"5:9: " + cond + "visits.cost is a number, not true/false: write visits.cost > 0"},
		{"number compared with a word", "questions == '2'", "",
			"5:9: " + cond + "questions is a number, not text: compare it with a number, without quotes, as in questions == 2"},
		{"text compared with a number", "promised == 1", "",
			"5:9: " + cond + "promised is text: compare it with a word in quotes, as in promised == 'friday'"},
		{"text as a condition", "promised", "",
			"5:9: " + cond + "promised is text, not true/false: compare it with a word in quotes, as in promised == 'friday'"},
		{"text compared with true", "promised == true", "",
			"5:9: " + cond + "promised is text, not true/false: compare it with a word in quotes, as in promised == 'friday'"},
		{"node compared with a number", "node == 1", "",
			"5:9: " + cond + "node is text: compare it with a word in quotes, as in node == 'open'"},
		{"literal as a condition", "1", "",
			"5:9: " + cond + "1 is a number, not true/false: write a comparison, as in turn > 2"},
		{"function given the wrong kind", "abs(offered_phasing) > 1", "",
			"5:9: " + cond + "abs cannot take true/false"},
		{"function argument of the wrong kind", "lower(questions) == 'a'", "",
			"5:15: " + cond + "lower needs text, not a number"},
		{"later line of a multi-line condition", "questions > 0 &&\n  frustration", "",
			"6:3: " + cond + "frustration is a number, not true/false: write frustration > 0"},
		{"mood effect gives true/false", "frustration > 10", "frustration",
			"5:9: " + effect("frustration") + `frustration is a number: its effect must give a number, not true/false (write frustration = "frustration - 10")`},
		{"number effect gives text", "'two'", "questions",
			"5:9: " + effect("questions") + `questions is a number: its effect must give a number, not text (write questions = "questions + 1")`},
		{"true/false effect gives a number", "1", "offered_phasing",
			"5:9: " + effect("offered_phasing") + `offered_phasing is true/false: its effect must give true or false, not a number (write offered_phasing = "true" or offered_phasing = "false")`},
		{"text effect gives a number", "questions + 1", "promised",
			"5:9: " + effect("promised") + `promised is text: its effect must give text, not a number (write promised = "'friday'", with the word in single quotes)`},
		{"text effect gives true/false", "promised == 'friday'", "promised",
			"5:9: " + effect("promised") + `promised is text: its effect must give text, not true/false (write promised = "'friday'", with the word in single quotes)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec := typeSpec()
			e := Expr{Src: tt.src, Pos: Pos{5, 9}}
			if tt.effect == "" {
				spec.Rules[1].When = e
			} else {
				r := &spec.Nodes[0].Replies[0]
				r.Effects = append(r.Effects, Effect{Var: tt.effect, Expr: e, Pos: Pos{5, 1}})
			}
			sc, problems := Compile(spec)
			if sc != nil || len(problems) != 1 {
				t.Fatalf("want one problem, got %d:\n%v", len(problems), problems)
			}
			if got := problems[0].String(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			for _, goName := range []string{"float64", "bool", "string", " int"} {
				if strings.Contains(problems[0].Message, goName) {
					t.Errorf("message names the Go type %q: %s", goName, problems[0].Message)
				}
			}
		})
	}
}

// TestTranslateTypes: whatever expr says, Go's type names become trainers'.
func TestTranslateTypes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"invalid operation: in (mismatched types string and float64)", "invalid operation: in (mismatched types text and a number)"},
		{"expected bool, but got map[string]int", "expected true/false, but got visit counts"},
		{"cannot use interface {} as int", "cannot use any value as a number"},
		{"unknown name integer", "unknown name integer"},
	}
	for _, tt := range tests {
		if got := translateTypes(tt.in); got != tt.want {
			t.Errorf("translateTypes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		msg, pattern string
		want         []string
	}{
		{"invalid operation: == (mismatched types bool and int)", msgMismatchedTypes, []string{"==", "bool", "int"}},
		{"invalid operation: ! (mismatched type float64)", msgMismatchedType, []string{"!", "float64"}},
		{"expected bool, but got map[string]int", msgExpected, []string{"bool", "map[string]int"}},
		{"cannot use float64 as argument (type string) to call lower ", msgArgument, []string{"float64", "string", "lower"}},
		{"invalid operation: ! (mismatched type float64)", msgMismatchedTypes, nil},
		{"unknown name x", msgExpected, nil},
	}
	for _, tt := range tests {
		got, ok := match(tt.msg, tt.pattern)
		if ok != (tt.want != nil) || strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("match(%q, %q) = %q, %v; want %q", tt.msg, tt.pattern, got, ok, tt.want)
		}
	}
}
