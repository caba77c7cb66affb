package client

import "time"

// The protocol as a client reads it: every HTTP answer and every frame of
// docs/protocol.md, whole. The golden files under webui/testdata/wire are
// decoded into these types field for field (protocol_test.go), so a field
// the server adds, renames or drops fails there. The omitempty tags follow
// the server's, so that a value written again is what the server sent.

// Me is the answer of GET and POST /api/me: the caller's identity.
type Me struct {
	ID       string   `json:"id"`
	Username string   `json:"username"`
	Name     string   `json:"name"`
	Roles    []string `json:"roles"`
	Legacy   *Legacy  `json:"legacy,omitempty"`
}

// Legacy is a display-name user from before accounts (GET /api/me's
// legacy, GET /api/legacy-users).
type Legacy struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Attempts   int        `json:"attempts"`
	Created    time.Time  `json:"created"`
	LastPlayed *time.Time `json:"last_played,omitempty"`
}

// Account is an account as an admin sees it (GET /api/users).
type Account struct {
	ID          string    `json:"id"`
	Username    string    `json:"username"`
	Name        string    `json:"name"`
	Roles       []string  `json:"roles"`
	Disabled    bool      `json:"disabled"`
	HasPassword bool      `json:"has_password"`
	Created     time.Time `json:"created"`
}

// Link is a one-time link: what it is for and whose (GET
// /api/links/{token}), and, to whoever made it, its URL.
type Link struct {
	Purpose  string    `json:"purpose"`
	Username string    `json:"username"`
	Name     string    `json:"name"`
	Expires  time.Time `json:"expires"`
	URL      string    `json:"url,omitempty"`
}

// UserCreated answers POST /api/users: the account and its invitation.
type UserCreated struct {
	Account Account `json:"account"`
	Link    Link    `json:"link"`
}

// Persona is who the trainee talks to in a scenario.
type Persona struct {
	Name      string `json:"name"`
	Role      string `json:"role"`
	Company   string `json:"company"`
	Backstory string `json:"backstory,omitempty"` // in ScenarioDetail only
}

// ScenarioSummary is one item of GET /api/scenarios.
type ScenarioSummary struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Summary    string   `json:"summary"`
	Difficulty string   `json:"difficulty"`
	Minutes    int      `json:"minutes"`
	Tags       []string `json:"tags"`
	Persona    Persona  `json:"persona"`
}

// ScenarioDetail is GET /api/scenarios/{id}, and the scenario of a debrief.
type ScenarioDetail struct {
	ScenarioSummary
	Briefing     string       `json:"briefing"`
	Competencies []Competency `json:"competencies"`
	Mood         []Mood       `json:"mood"` // at the start
}

// Competency is one competency a scenario scores.
type Competency struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Description string `json:"description,omitempty"`
	Pass        int    `json:"pass"` // the scenario's own
	// HeldPass is the mark the caller is held to instead, and HeldFrom the
	// cohort whose assignment set it; both absent when none did.
	HeldPass *int   `json:"held_pass,omitempty"`
	HeldFrom string `json:"held_from,omitempty"`
}

// AttemptItem is one item of GET /api/attempts, the answer of POST
// /api/attempts/{id}/practice and a debrief's attempt.
type AttemptItem struct {
	ID        string      `json:"id"`
	Scenario  string      `json:"scenario"`
	Title     string      `json:"title"`
	Version   string      `json:"version"` // the scenario version it was played on
	Status    string      `json:"status"`
	Turns     int         `json:"turns"`
	Ending    string      `json:"ending,omitempty"`
	Outcome   string      `json:"outcome,omitempty"`
	StartedAt time.Time   `json:"started_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	EndedAt   *time.Time  `json:"ended_at,omitempty"`
	Practice  *Practice   `json:"practice,omitempty"`
	Scores    []ItemScore `json:"scores,omitempty"`
}

// ItemScore is one competency's result of an ended scored attempt in a
// list, at the pass mark the trainee is held to.
type ItemScore struct {
	Competency string `json:"competency"`
	Label      string `json:"label"`
	Score      int    `json:"score"`
	Pass       int    `json:"pass"`
	PassFrom   string `json:"pass_from,omitempty"` // the cohort whose assignment set Pass, if one did
	Passed     bool   `json:"passed"`
	Blocked    bool   `json:"blocked,omitempty"` // a reply failed it outright
}

// Practice marks a practice run: the attempt it was started from and the
// turn of that attempt it starts at. Absent on a scored attempt.
type Practice struct {
	Of       string `json:"of"`
	FromTurn int    `json:"from_turn"`
}

// APIError is what an HTTP answer that refuses says.
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ErrorBody is the body of an HTTP answer that refuses:
// {"error": {"code", "message"}}.
type ErrorBody struct {
	Error APIError `json:"error"`
}

// Reply is a reply as offered, or as chosen: never its points, note or
// principle, which are for the debrief.
type Reply struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Mood is one mood reading.
type Mood struct {
	Name  string  `json:"name"`
	Label string  `json:"label"`
	Value float64 `json:"value"`
	Min   float64 `json:"min"`
	Max   float64 `json:"max"`
	Band  string  `json:"band,omitempty"` // absent when the value is in no band
	Good  string  `json:"good"`
}

// MoodChange is one mood variable before and after a reply.
type MoodChange struct {
	Name     string  `json:"name"`
	From     float64 `json:"from"`
	To       float64 `json:"to"`
	BandFrom string  `json:"band_from,omitempty"`
	BandTo   string  `json:"band_to,omitempty"`
}

// Ending is the ending a conversation reached.
type Ending struct {
	ID      string `json:"id"`
	Title   string `json:"title"`
	Outcome string `json:"outcome"`
	Success bool   `json:"success"`
	Text    string `json:"text"`
}

// The frames the server sends on the websocket, each without its "type"
// (Frame, TypeOf and As read it).

// Snapshot answers start and resume, and is GET /api/attempts/{id}
// (without Seq): everything needed to draw the conversation.
type Snapshot struct {
	Seq        int64       `json:"seq,omitempty"` // the message it answers
	Attempt    AttemptHead `json:"attempt"`
	Opening    []string    `json:"opening"`
	Transcript []Turn      `json:"transcript"` // each without Replies
	Lines      []string    `json:"lines"`
	Replies    []Reply     `json:"replies"` // on offer now
	Mood       []Mood      `json:"mood"`
	Ending     *Ending     `json:"ending,omitempty"`
	Trainee    *Trainee    `json:"trainee,omitempty"` // a watcher's: whose call it is
}

// Trainee is whose call a watcher's snapshot shows.
type Trainee struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// AttemptHead is the attempt a snapshot shows.
type AttemptHead struct {
	ID       string    `json:"id"`
	Scenario string    `json:"scenario"`
	Title    string    `json:"title"`
	Status   string    `json:"status"`
	Turn     int       `json:"turn"`
	LastSeq  int64     `json:"last_seq"` // the next choose carries LastSeq+1
	Practice *Practice `json:"practice,omitempty"`
}

// Turn is what happened after a choose; as an entry of a snapshot's
// transcript it has no Replies.
type Turn struct {
	Attempt       string       `json:"attempt"`
	Turn          int          `json:"turn"`
	Reply         Reply        `json:"reply"`
	Interjections []string     `json:"interjections"`
	Lines         []string     `json:"lines"`
	Mood          []Mood       `json:"mood"`
	MoodChange    []MoodChange `json:"mood_change"`
	Replies       []Reply      `json:"replies"` // on offer next, [] at an ending; nil in a transcript
	Ending        *Ending      `json:"ending,omitempty"`
}

// Ack says the message with Seq is durably applied (or already was).
type Ack struct {
	Seq     int64  `json:"seq"`
	Attempt string `json:"attempt"`
}

// Ended says the attempt is over; Debrief is the path of its debrief.
type Ended struct {
	Attempt string  `json:"attempt"`
	Status  string  `json:"status"` // finished or given_up
	Ending  *Ending `json:"ending,omitempty"`
	Debrief string  `json:"debrief"`
}

// Error is an error frame. It is also the Go error that Decode, As, Next
// and the methods of Conn and Play return when the server sends one.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Seq     int64  `json:"seq,omitempty"` // when it answers a message whose seq could be read
}

func (e *Error) Error() string { return "error frame " + e.Code + ": " + e.Message }

// GoingAway says the server is shutting down; a close (1001) follows.
type GoingAway struct {
	Message string `json:"message"`
}

// Watched tells a trainee who is watching their call live (display
// names); empty once no one is.
type Watched struct {
	Attempt  string   `json:"attempt"`
	Watchers []string `json:"watchers"`
}

// Watch asks to watch a trainee's attempt live (a manager's): a snapshot
// answers, then the attempt's turn and ended frames as they happen.
func Watch(seq int64, attempt string) Message {
	return Message{Type: "watch", Seq: seq, Attempt: attempt}
}

// The debrief: GET /api/attempts/{id}/debrief.

// DebriefAnswer is the answer of GET /api/attempts/{id}/debrief.
type DebriefAnswer struct {
	Attempt  AttemptItem    `json:"attempt"`
	Scenario ScenarioDetail `json:"scenario"` // the version played
	Debrief  Debrief        `json:"debrief"`
	Own      bool           `json:"own"`               // the caller played it (false: a reviewer reading someone else's)
	Trainee  *Trainee       `json:"trainee,omitempty"` // a reviewer's: whose attempt it is
}

// Debrief is the whole attempt reviewed, turn by turn.
type Debrief struct {
	Scenario     string       `json:"scenario"`
	Ending       *Ending      `json:"ending,omitempty"` // absent when not Complete
	Complete     bool         `json:"complete"`
	Scores       []Score      `json:"scores"`
	Opening      []string     `json:"opening"`
	MoodStart    []Mood       `json:"mood_start"`
	MoodEnd      []Mood       `json:"mood_end"`
	Turns        []TurnReview `json:"turns"`
	LeftIdealAt  int          `json:"left_ideal_at,omitempty"`
	Decisive     []VarReading `json:"decisive,omitempty"`
	MoodMisleads bool         `json:"mood_misleads,omitempty"`
}

// Score is one competency's result, against the best the whole scenario
// allows.
type Score struct {
	Competency  string   `json:"competency"`
	Label       string   `json:"label"`
	Description string   `json:"description,omitempty"`
	Points      int      `json:"points"`
	Best        int      `json:"best"`
	Score       int      `json:"score"` // 0–100
	Pass        int      `json:"pass"`
	PassFrom    string   `json:"pass_from,omitempty"` // the cohort whose assignment set Pass, if one did
	Passed      bool     `json:"passed"`
	BlockedBy   []string `json:"blocked_by,omitempty"` // node/reply ids that failed it outright
}

// TurnReview is one turn of the debrief: what happened, then how it
// compares with the best reply on offer.
type TurnReview struct {
	Turn          int          `json:"turn"`
	Node          string       `json:"node"`
	Reply         ReplyReview  `json:"reply"`
	Interjections []string     `json:"interjections,omitempty"`
	Rules         []string     `json:"rules,omitempty"`
	Lines         []string     `json:"lines"`
	Mood          []MoodChange `json:"mood"`
	Ending        *Ending      `json:"ending,omitempty"`
	Ideal         *ReplyReview `json:"ideal,omitempty"`
	IdealKind     string       `json:"ideal_kind,omitempty"` // stronger or best_left
	Closed        []Closed     `json:"closed,omitempty"`
	OnIdeal       bool         `json:"on_ideal"`
	MoodAfter     []Mood       `json:"mood_after"`
}

// ReplyReview is a reply with what the debrief tells about it.
type ReplyReview struct {
	ID        string         `json:"id"`
	Text      string         `json:"text"`
	Principle string         `json:"principle,omitempty"`
	Note      string         `json:"note,omitempty"`
	Points    map[string]int `json:"points,omitempty"`
	Blocks    []string       `json:"blocks,omitempty"`
	Verdict   string         `json:"verdict,omitempty"` // followed, broke, mixed
}

// Closed is a better reply an earlier choice took off the table: the turn
// and reply that closed it, and where that reply was chosen.
type Closed struct {
	Reply ReplyReview `json:"reply"`
	Turn  int         `json:"turn"`
	By    Reply       `json:"by"`
	Node  string      `json:"node"`
}

// VarReading is a state variable the scenario marks as deciding the
// ending, with its final value: a bool, a number (float64) or a string.
type VarReading struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Value any    `json:"value"`
}
