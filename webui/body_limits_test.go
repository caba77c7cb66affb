package webui_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"parley/webui/client"
	"parley/webui/training"
)

// escaped writes s as a JSON string with every character a \u escape, as
// some clients send text (one outside the Basic Multilingual Plane as a
// surrogate pair: 12 bytes).
func escaped(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r > 0xFFFF {
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	b.WriteByte('"')
	return b.String()
}

// TestLongCommentsFit: a comment of the documented 2000 characters is
// taken however its characters are written (3 bytes each in CJK, 6 as \u
// escapes, 12 as escaped surrogate pairs); one of 2001 is refused for its
// length, not its bytes.
func TestLongCommentsFit(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	ann := h.login(h.account("Ann", training.Roles(training.RoleManager)))
	sam := h.trainee("Sam")
	nov, err := ann.s.CreateCohort(ctx, "Nov")
	if err != nil {
		t.Fatal(err)
	}
	h.join(nov.ID, sam.s.Who().Username)
	g := sam.dial().startGame("short-call")
	g.giveUp()
	path := "/api/attempts/" + g.ID + "/comments"

	cjk := strings.Repeat("中", training.MaxCommentLength)
	emoji := strings.Repeat("😀", training.MaxCommentLength)
	tests := []struct {
		name string
		body string // the JSON of "body"
		want string // the comment stored; "" when refused
	}{
		{"2000 CJK characters", `"` + cjk + `"`, cjk},
		{"2000 CJK characters as \\u escapes", escaped(cjk), cjk},
		{"2000 emoji as escaped surrogate pairs", escaped(emoji), emoji},
		{"2001 CJK characters", `"` + cjk + `中"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got struct {
				client.Comment
				Error client.APIError `json:"error"`
			}
			status := ann.post(path, json.RawMessage(`{"turn": 0, "body": `+tt.body+`}`), &got)
			if tt.want == "" {
				if status != http.StatusBadRequest || !strings.Contains(got.Error.Message, "2000") {
					t.Errorf("%d %+v; want 400 saying the comment is over 2000 characters", status, got.Error)
				}
				return
			}
			if status != http.StatusCreated || got.Body != tt.want {
				t.Errorf("%d %+v; want 201 and the comment stored whole", status, got.Error)
			}
		})
	}
}

// TestManyPassMarksFit: an assignment's pass marks, one per competency,
// are not cut off at 4 KiB: a long list is judged on its competencies.
func TestManyPassMarksFit(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	ann := h.login(h.account("Ann", training.Roles(training.RoleManager)))
	nov, err := ann.s.CreateCohort(ctx, "Nov")
	if err != nil {
		t.Fatal(err)
	}
	marks := map[string]int{}
	for i := range 300 {
		marks[fmt.Sprintf("competency-%03d", i)] = 80
	}
	_, err = ann.s.Assign(ctx, nov.ID, "short-call", nil, marks)
	if statusCode(err) != training.CodeBadRequest || strings.Contains(err.Error(), "bytes") || !strings.Contains(err.Error(), "competency-") {
		t.Errorf("300 pass marks: %v; want bad_request naming a competency the scenario does not have", err)
	}
}
