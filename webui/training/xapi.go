package training

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"parley/engine"
)

// XAPIConfig turns on xAPI statements: each reply and each finished
// attempt is written to the outbox in the same transaction as the turn,
// and a relay (webui/lrs) sends them to the learning record store.
type XAPIConfig struct {
	// HomePage is Parley's public address: the homePage of every actor's
	// account, and the root of every activity and extension id.
	HomePage string
}

// OutboxItem is one xAPI statement waiting to be sent: its id (a UUID,
// stable, so a resend is harmless) and its JSON.
type OutboxItem struct {
	ID        string
	Body      []byte
	CreatedAt time.Time
	Tries     int // failed tries so far (as DueStatements reads it)
}

// xAPI verbs (ADL's vocabulary).
var (
	verbResponded = verb{"http://adlnet.gov/expapi/verbs/responded", "responded"}
	verbCompleted = verb{"http://adlnet.gov/expapi/verbs/completed", "completed"}
	verbPassed    = verb{"http://adlnet.gov/expapi/verbs/passed", "passed"}
	verbFailed    = verb{"http://adlnet.gov/expapi/verbs/failed", "failed"}
)

type verb struct{ id, name string }

// statementNS is the namespace of Parley's name-based statement ids
// (RFC 4122 version 5): the same turn always has the same statement id.
var statementNS = uuid.MustParse("5b0e3a1c-6c4e-4f0a-9a55-70a1e6b2c001")

// statementID is the stable id of one statement about one attempt.
func statementID(attemptID, what string) string {
	return uuid.NewSHA1(statementNS, []byte(attemptID+"/"+what)).String()
}

// xapiStatement is the statement as sent: only the fields Parley fills.
type xapiStatement struct {
	ID        string       `json:"id"`
	Actor     xapiActor    `json:"actor"`
	Verb      xapiVerb     `json:"verb"`
	Object    xapiActivity `json:"object"`
	Result    *xapiResult  `json:"result,omitempty"`
	Context   xapiContext  `json:"context"`
	Timestamp string       `json:"timestamp"`
}

type xapiActor struct {
	ObjectType string      `json:"objectType"`
	Name       string      `json:"name,omitempty"`
	Account    xapiAccount `json:"account"`
}

type xapiAccount struct {
	HomePage string `json:"homePage"`
	Name     string `json:"name"`
}

type xapiVerb struct {
	ID      string            `json:"id"`
	Display map[string]string `json:"display"`
}

type xapiActivity struct {
	ObjectType string          `json:"objectType"`
	ID         string          `json:"id"`
	Definition *xapiDefinition `json:"definition,omitempty"`
}

type xapiDefinition struct {
	Name        map[string]string `json:"name,omitempty"`
	Description map[string]string `json:"description,omitempty"`
	Type        string            `json:"type,omitempty"`
}

type xapiResult struct {
	Score      *xapiScore     `json:"score,omitempty"`
	Success    *bool          `json:"success,omitempty"`
	Completion *bool          `json:"completion,omitempty"`
	Response   string         `json:"response,omitempty"`
	Duration   string         `json:"duration,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

type xapiScore struct {
	Scaled float64 `json:"scaled"`
	Raw    float64 `json:"raw"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
}

type xapiContext struct {
	Registration      string            `json:"registration"`
	Platform          string            `json:"platform"`
	Language          string            `json:"language,omitempty"`
	ContextActivities *xapiContextActs  `json:"contextActivities,omitempty"`
	Extensions        map[string]string `json:"extensions,omitempty"`
}

type xapiContextActs struct {
	Parent []xapiActivity `json:"parent,omitempty"`
}

// xapiBuilder writes the statements of one attempt.
type xapiBuilder struct {
	home string // no trailing slash
	u    User
	a    Attempt
	sc   *engine.Scenario
}

func (x xapiBuilder) iri(parts ...string) string {
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return x.home + "/xapi/" + strings.Join(parts, "/")
}

func (x xapiBuilder) actor() xapiActor {
	return xapiActor{ObjectType: "Agent", Name: x.u.Name, Account: xapiAccount{HomePage: x.home, Name: x.u.Username}}
}

func (x xapiBuilder) scenarioActivity() xapiActivity {
	return xapiActivity{ObjectType: "Activity", ID: x.iri("scenarios", x.sc.ID), Definition: &xapiDefinition{
		Name: map[string]string{"en": x.sc.Title}, Description: map[string]string{"en": x.sc.Summary},
		Type: "http://adlnet.gov/expapi/activities/simulation"}}
}

func (x xapiBuilder) context() xapiContext {
	return xapiContext{Registration: statementID(x.a.ID, "registration"), Platform: "Parley", Language: "en",
		Extensions: map[string]string{x.iri("extensions", "version"): x.a.Version, x.iri("extensions", "attempt"): x.a.ID}}
}

func (x xapiBuilder) item(id string, s xapiStatement, at time.Time) (OutboxItem, error) {
	body, err := json.Marshal(s)
	if err != nil {
		return OutboxItem{}, fmt.Errorf("xAPI statement %s: %w", id, err)
	}
	return OutboxItem{ID: id, Body: body, CreatedAt: at}, nil
}

// replyStatement is "responded": the reply chosen at a node, its text as
// the response, its node, id and points in extensions.
func (x xapiBuilder) replyStatement(o engine.Outcome, at time.Time) (OutboxItem, error) {
	id := statementID(x.a.ID, fmt.Sprintf("turn/%d", o.Turn))
	ctx := x.context()
	ctx.ContextActivities = &xapiContextActs{Parent: []xapiActivity{x.scenarioActivity()}}
	points := map[string]int{}
	for k, v := range o.Reply.Points {
		points[k] = v
	}
	s := xapiStatement{ID: id, Actor: x.actor(), Verb: xapiVerb{verbResponded.id, map[string]string{"en-US": verbResponded.name}},
		Object: xapiActivity{ObjectType: "Activity", ID: x.iri("scenarios", x.sc.ID, "nodes", o.Node), Definition: &xapiDefinition{
			Name: map[string]string{"en": x.sc.Title + ": " + o.Node}, Type: "http://adlnet.gov/expapi/activities/interaction"}},
		Result: &xapiResult{Response: o.Reply.Text, Extensions: map[string]any{
			x.iri("extensions", "reply"): o.Reply.ID, x.iri("extensions", "node"): o.Node,
			x.iri("extensions", "turn"): o.Turn, x.iri("extensions", "points"): points}},
		Context: ctx, Timestamp: at.UTC().Format(time.RFC3339Nano)}
	return x.item(id, s, at)
}

// endStatements are "completed" and then "passed" or "failed" for a
// finished attempt: the mean competency score as the score, the ending's
// success and every competency's score in extensions.
func (x xapiBuilder) endStatements(ending *engine.EndingInfo, scores []engine.Score, duration time.Duration, at time.Time) ([]OutboxItem, error) {
	per := map[string]any{}
	sum, passedAll := 0, true
	for _, s := range scores {
		sum += s.Score
		passed := s.Passed && len(s.BlockedBy) == 0
		passedAll = passedAll && passed
		per[s.Competency] = map[string]any{"score": s.Score, "pass": s.Pass, "passed": passed}
	}
	mean := 0.0
	if len(scores) > 0 {
		mean = float64(sum) / float64(len(scores))
	}
	mean = math.Round(mean*100) / 100
	success := ending.Success && passedAll
	completion := true
	result := func() *xapiResult {
		return &xapiResult{Score: &xapiScore{Scaled: mean / 100, Raw: mean, Min: 0, Max: 100}, Success: &success,
			Completion: &completion, Duration: isoDuration(duration), Extensions: map[string]any{
				x.iri("extensions", "competencies"): per, x.iri("extensions", "ending"): ending.ID,
				x.iri("extensions", "outcome"): ending.Outcome}}
	}
	outcome := verbFailed
	if success {
		outcome = verbPassed
	}
	var out []OutboxItem
	for _, v := range []verb{verbCompleted, outcome} {
		id := statementID(x.a.ID, v.name)
		s := xapiStatement{ID: id, Actor: x.actor(), Verb: xapiVerb{v.id, map[string]string{"en-US": v.name}},
			Object: x.scenarioActivity(), Result: result(), Context: x.context(), Timestamp: at.UTC().Format(time.RFC3339Nano)}
		item, err := x.item(id, s, at)
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}

// isoDuration is d as an ISO 8601 duration, to the hundredth of a second
// (xAPI's precision).
func isoDuration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	return fmt.Sprintf("PT%.2fS", d.Seconds())
}
