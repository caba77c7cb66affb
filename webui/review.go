package webui

import (
	"net/http"
	"time"
)

// The review's routes: comments on an attempt's turns, sharing a debrief,
// and a trainee's attempts for their reviewer. The core decides who may
// read what (training.Service.readable).

// commentView is a comment on a turn (turn 0: the whole call).
type commentView struct {
	ID        string    `json:"id"`
	Turn      int       `json:"turn"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) commentList(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	list, err := s.svc.Comments(r.Context(), u, r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]commentView, 0, len(list))
	for _, c := range list {
		out = append(out, commentView{ID: c.ID, Turn: c.Turn, Author: c.AuthorName, Body: c.Body, CreatedAt: c.CreatedAt.UTC()})
	}
	s.writeJSON(w, r, http.StatusOK, out)
}

type commentRequest struct {
	Turn int    `json:"turn"`
	Body string `json:"body"`
}

func (s *Server) commentAdd(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	var req commentRequest
	if err := readJSONUpTo(w, r, &req, maxLongBody); err != nil {
		s.writeError(w, r, err)
		return
	}
	c, err := s.svc.Comment(r.Context(), u, r.PathValue("id"), req.Turn, req.Body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusCreated, commentView{ID: c.ID, Turn: c.Turn, Author: c.AuthorName, Body: c.Body, CreatedAt: c.CreatedAt.UTC()})
}

type shareRequest struct {
	Username string `json:"username"`
}

// attemptShare lets a named manager or trainer read one of the caller's
// debriefs.
func (s *Server) attemptShare(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	var req shareRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	with, err := s.svc.Share(r.Context(), u, r.PathValue("id"), req.Username)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, map[string]string{"shared_with": with.Username})
}

// traineeAttempts lists a page of a trainee's attempts for their reviewer,
// as attemptList does.
func (s *Server) traineeAttempts(w http.ResponseWriter, r *http.Request) {
	u, _ := s.user(r)
	after, limit, err := attemptPage(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	as, next, err := s.svc.AttemptsOf(r.Context(), u, r.PathValue("user"), after, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := make([]attemptItem, 0, len(as))
	for _, a := range as {
		out = append(out, listItem(a.Attempt, a.Title, a.Held))
	}
	s.writeAttemptPage(w, r, out, next, limit)
}
