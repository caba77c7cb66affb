package engine

import (
	"sync"

	"github.com/expr-lang/expr/vm"
)

// DefaultPass is the pass mark of a competency that does not set one.
const DefaultPass = 60

// BuiltinCompetencies are scored in every scenario.
var BuiltinCompetencies = []string{"listening", "empathy", "boundaries"}

// builtinDescriptions say in one line what each built-in competency
// measures, for the briefing and the debrief. A scenario may override them.
var builtinDescriptions = map[string]string{
	"listening":  "Lets the client tell it, asks open questions, and plays back what you heard so they can correct you.",
	"empathy":    "Acknowledges the feeling and the client's loss, owns what your side got wrong, and stays calm.",
	"boundaries": "Says plainly what you can and cannot do, and by when; never promises what you cannot keep.",
}

// Outcomes an ending may have.
var Outcomes = []string{"resolved", "escalated", "lost", "parted"}

// Scenario is a compiled, immutable scenario. Many sessions may share one
// safely from many goroutines.
type Scenario struct {
	ID         string
	Title      string
	Summary    string
	Difficulty string
	Minutes    int
	Tags       []string
	Version    string
	Persona    Persona

	Competencies []Competency
	Mood         []Mood
	Vars         []Var

	nodes   []node
	endings []ending
	rules   []rule
	start   target
	targets map[string]target // node and ending ids
	boxed   []any             // every target id as an interface value, built once
	onces   int               // number of once flags (replies and rules)
	// keyReply: some condition or effect reads reply, so the last reply is
	// part of what decides the future (and of the exploration key).
	keyReply bool
	// keyVisits: some expression (a line's too) reads visits. Otherwise the
	// visit counts change nothing, so the evaluator does not load them and
	// exploration does not tell states apart by them.
	keyVisits bool
	// keyTurn: some condition or effect reads turn, so the number of replies
	// so far is part of the exploration key.
	keyTurn bool
	// keyOnce: the once flags that can change the future (keyedOnces).
	keyOnce []int

	analysisOnce sync.Once
	analysis     *Analysis
}

// Competency is one scored skill.
type Competency struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Pass        int    `json:"pass"`
}

// Mood is one mood variable as compiled.
type Mood struct {
	Name, Label string
	Start       float64
	Min, Max    float64
	Bands       []Band // highest From first
	Drift       float64
	Baseline    float64
	HasBaseline bool
	Good        string
}

// Reading describes the mood at value v.
func (m *Mood) Reading(v float64) MoodReading {
	return MoodReading{Name: m.Name, Label: m.Label, Value: v, Min: m.Min, Max: m.Max, Band: m.Band(v), Good: m.Good}
}

// Band returns the label for value v.
func (m *Mood) Band(v float64) string {
	for _, b := range m.Bands {
		if v >= b.From {
			return b.Label
		}
	}
	return ""
}

// Var is one state variable as compiled.
type Var struct {
	Name    string
	Default any // bool, float64 or string
	Label   string
	Decides bool // the debrief lists its final value as part of what decided the ending
}

// target is a node index, or len(nodes)+i for ending i.
type target int

const noTarget target = -1

type node struct {
	id        string
	lines     []line
	replies   []reply
	fixed     bool   // replies are offered in file order
	orderHash uint64 // hashString("order:" + id), for the offer order
	pos       Pos
	orderPos  Pos
}

type line struct {
	when     *vm.Program
	variants []string
}

type reply struct {
	id, text  string
	when      *vm.Program
	whenSrc   string // when's source, for messages
	whenPos   Pos    // where when stands
	once      int    // index of its once flag, or -1
	effects   []effect
	points    []int // per competency, in Scenario.Competencies order
	blocks    []int // competency indexes
	note      string
	principle string
	next      []branch
	reaction  []line
	pos       Pos
	info      ReplyInfo // shared by every Outcome: read-only
	boxedID   any       // id as an interface value, built once
}

type effect struct {
	ref  varRef
	prog *vm.Program
}

// varRef names a mood variable (mood >= 0) or a state variable.
type varRef struct {
	mood bool
	i    int
}

type branch struct {
	when    *vm.Program
	whenSrc string
	to      target
}

type rule struct {
	id      string
	when    *vm.Program
	effects []effect
	say     []string
	to      target
	once    int
}

type ending struct {
	id, title, outcome, text string
	success                  bool
	lines                    []line
	pos                      Pos
}

// isEnding reports whether t is an ending.
func (sc *Scenario) isEnding(t target) bool { return int(t) >= len(sc.nodes) }

// targetID is the id of a node or ending.
func (sc *Scenario) targetID(t target) string {
	if sc.isEnding(t) {
		return sc.endings[int(t)-len(sc.nodes)].id
	}
	return sc.nodes[t].id
}

// NodeIDs lists the node ids in file order.
func (sc *Scenario) NodeIDs() []string {
	ids := make([]string, len(sc.nodes))
	for i, n := range sc.nodes {
		ids[i] = n.id
	}
	return ids
}

// EndingInfo describes an ending.
type EndingInfo struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Outcome string `json:"outcome"`
	Success bool   `json:"success"` // the scenario counts this ending as a successful call
	Text    string `json:"text"`
}

func (sc *Scenario) endingInfo(t target) *EndingInfo {
	e := &sc.endings[int(t)-len(sc.nodes)]
	return &EndingInfo{ID: e.id, Title: e.title, Outcome: e.outcome, Success: e.success, Text: e.text}
}

// Endings lists the endings in file order.
func (sc *Scenario) Endings() []EndingInfo {
	out := make([]EndingInfo, len(sc.endings))
	for i := range sc.endings {
		out[i] = *sc.endingInfo(target(len(sc.nodes) + i))
	}
	return out
}

// competencyIndex finds a competency by id.
func (sc *Scenario) competencyIndex(id string) int {
	for i, c := range sc.Competencies {
		if c.ID == id {
			return i
		}
	}
	return -1
}
