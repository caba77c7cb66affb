package scenarios_test

import (
	"fmt"
	"os"

	"parley/scenarios"
)

// A scenario drawn as a Mermaid flowchart: the ideal reply is the thick
// green link (linkStyle 0), and the ending no reply leads to is marked
// unreachable.
func ExampleWriteMermaid() {
	src := `
id = "refund"
title = "A refund"
summary = "A customer wants her money back."
difficulty = "easy"
minutes = 1

[persona]
name = "Sam"
role = "Customer"
briefing = "The kettle broke after a week."

[[nodes]]
id = "ask"
lines = ["It broke. I want my money back."]

  [[nodes.replies]]
  id = "refund"
  text = "Of course; I'll refund it today."
  points = { empathy = 2 }
  next = "happy"

  [[nodes.replies]]
  id = "policy"
  text = "Policy says repairs only."
  points = { empathy = -2 }
  next = "angry"

[[endings]]
id = "happy"
title = "Refunded"
outcome = "resolved"
text = "She thanks you."

[[endings]]
id = "angry"
title = "She leaves"
outcome = "lost"
text = "She will not be back."

[[endings]]
id = "never"
title = "Never reached"
outcome = "lost"
text = "No reply leads here."
`
	sc, problems := scenarios.Load(scenarios.File{Name: "refund.toml", Src: []byte(src)})
	if sc == nil {
		fmt.Println(problems)
		return
	}
	if err := scenarios.WriteMermaid(os.Stdout, sc.Graph(), sc.Analysis()); err != nil {
		fmt.Println(err)
	}
	// Output:
	// flowchart TD
	//   n_ask["ask<br/><i>It broke. I want my money back.</i>"]
	//   n_happy(["resolved: Refunded"])
	//   n_angry(["lost: She leaves"])
	//   n_never(["lost: Never reached"])
	//   n_ask -->|"refund: Of course; I'll refund it today."| n_happy
	//   n_ask -->|"policy: Policy says repairs only."| n_angry
	//   classDef ending fill:#eef,stroke:#447
	//   classDef unreachable fill:#fdd,stroke:#c00,stroke-dasharray:4 3
	//   class n_happy ending
	//   class n_angry ending
	//   class n_never ending
	//   class n_never unreachable
	//   linkStyle 0 stroke:#1a7f37,stroke-width:3px
}
