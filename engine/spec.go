package engine

// Spec is a scenario as its author wrote it: plain data, not yet checked.
// The scenarios package decodes TOML into a Spec; Compile checks it and turns
// it into a Scenario. Every element carries the Pos of its entry in the source
// so that problems can point at the right line.
type Spec struct {
	ID         string
	Title      string
	Summary    string
	Difficulty string // "easy", "medium" or "hard"
	Minutes    int
	Tags       []string
	Start      string // first node; the first node in Nodes when empty
	StartPos   Pos    // where Start's value stands
	Version    string // content hash of the source, set by the loader

	Competencies []CompetencySpec
	Persona      Persona
	Mood         []MoodSpec
	State        []VarSpec
	Nodes        []NodeSpec
	Rules        []RuleSpec
	Endings      []EndingSpec

	Pos Pos // where the file starts (1:1)
}

// Pos is a 1-based line and column in a scenario file. The zero Pos means
// "unknown".
type Pos struct {
	Line int `json:"line"`
	Col  int `json:"col"`
}

// Expr is the source of one expr-lang expression and where its first
// character stands in the file. Multi-line expressions count lines from Pos.
type Expr struct {
	Src string
	Pos Pos
}

// Empty reports whether no expression was written.
func (e Expr) Empty() bool { return e.Src == "" }

// CompetencySpec declares a scored competency. listening, empathy and
// boundaries always exist; declaring them only sets their label or pass mark.
type CompetencySpec struct {
	ID          string
	Label       string
	Description string
	Pass        int // pass mark, 0-100; DefaultPass when zero
	Pos         Pos
}

// Persona is the client the trainee talks to, and what the trainee is told
// before the call.
type Persona struct {
	Name      string
	Role      string
	Company   string
	Backstory string
	Briefing  string
}

// MoodSpec declares one numeric mood variable, such as frustration.
type MoodSpec struct {
	Name        string
	Label       string
	Start       float64
	Min         float64
	Max         float64
	Bands       []Band  // labels by threshold; the highest From <= value wins
	Drift       float64 // moved toward Baseline by this much after every reply
	Baseline    float64
	HasBaseline bool
	Good        string // "low" or "high": which end is good for the trainee
	Pos         Pos
	// KeyPos is where each key's value stands (by key: "start", "min",
	// "max", "drift", "baseline", "bands"), so that a problem with one of
	// them points at its line. A key not in it falls back to Pos.
	KeyPos map[string]Pos
}

// at is where key's value stands, or the mood's own position.
func (m MoodSpec) at(key string) Pos {
	if p, ok := m.KeyPos[key]; ok {
		return p
	}
	return m.Pos
}

// Band labels the part of a mood's range at or above From.
type Band struct {
	From  float64
	Label string
	Pos   Pos
}

// VarSpec declares a state variable with its default: a bool, a float64 or a
// string.
type VarSpec struct {
	Name    string
	Default any
	Label   string // how the debrief names it; the name when empty
	Decides bool   // it matters to how the call ends: the debrief lists its final value
	Pos     Pos
}

// LineSpec is one thing the client says: a text, or variants of which one is
// picked from the session's seed. It is said only when When holds.
type LineSpec struct {
	When     Expr
	Variants []string
	Pos      Pos
}

// NodeSpec is one turn of the client's: lines, then replies on offer.
type NodeSpec struct {
	ID       string
	Lines    []LineSpec
	Replies  []ReplySpec
	Fixed    bool // order = "fixed": replies are offered in file order, not shuffled
	OrderPos Pos  // where order's value stands
	Pos      Pos
}

// ReplySpec is a reply the trainee may choose.
type ReplySpec struct {
	ID        string
	Text      string
	When      Expr
	Once      bool
	Effects   []Effect
	Points    []Points
	Blocks    []string // competencies this reply fails outright
	BlocksPos []Pos    // where each of Blocks stands; the reply's Pos when missing
	Note      string   // coaching note: the principle followed or broken
	Principle string   // short name of that principle
	Next      []Branch // the first branch whose When holds (or is empty) wins
	// Reaction is what the client says straight after this reply, before
	// the rules' interjections and the next node's lines; conditional like
	// any line, and seeing the state after the reply's effects.
	Reaction []LineSpec
	Pos      Pos
}

// Points awards (or takes away) points in one competency.
type Points struct {
	Competency string
	Value      int
	Pos        Pos
}

// Effect sets a mood or state variable to the value of an expression.
type Effect struct {
	Var  string
	Expr Expr
	Pos  Pos // the key in the file
}

// Branch is one candidate destination of a reply.
type Branch struct {
	When Expr
	Goto string
	Pos  Pos
}

// RuleSpec is checked after every reply, in file order.
type RuleSpec struct {
	ID      string
	When    Expr
	Effects []Effect
	Say     []string // an interjection; variants picked from the seed
	Goto    string   // a node or ending to jump to; ends rule checking
	GotoPos Pos      // where Goto's value stands
	Once    bool
	Pos     Pos
}

// EndingSpec ends the conversation.
type EndingSpec struct {
	ID      string
	Title   string
	Outcome string // "resolved", "escalated", "lost" or "parted"
	// Success says whether reaching this ending counts as a successful
	// call. Nil means the default: only a "resolved" outcome does.
	Success *bool
	Text    string // the debrief text
	Lines   []LineSpec
	Pos     Pos
}
