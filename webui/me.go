package webui

import (
	"net/http"
	"parley/webui/training"
)

// meShow answers who the caller is, and the practice from before accounts
// their browser still holds, if no one has claimed it.
func (s *Server) meShow(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := newMeView(u)
	if l, ok := s.legacyOf(r); ok {
		v.Legacy = &l
	}
	s.writeJSON(w, r, http.StatusOK, v)
}

// legacyOf is the unclaimed user from before accounts that the request's
// old identity cookie names.
func (s *Server) legacyOf(r *http.Request) (legacyView, bool) {
	c, err := r.Cookie(legacyCookie)
	if err != nil || c.Value == "" {
		return legacyView{}, false
	}
	list, err := s.accounts.Legacy(r.Context())
	if err != nil {
		return legacyView{}, false
	}
	for _, l := range list {
		if l.ID == c.Value {
			return newLegacyView(l), true
		}
	}
	return legacyView{}, false
}

type meUpdateRequest struct {
	Name string `json:"name"`
}

// meUpdate changes the caller's display name.
func (s *Server) meUpdate(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req meUpdateRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if u.Name, err = s.accounts.Rename(r.Context(), u.ID, req.Name); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, newMeView(u))
}

type passwordRequest struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

// mePassword changes the caller's password, given the current one. Every
// session of theirs ends, and this browser gets a new one.
func (s *Server) mePassword(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var req passwordRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := training.CheckPassword(req.New); err != nil {
		s.writeError(w, r, err)
		return
	}
	if _, err := s.accounts.Login(r.Context(), training.Credentials{Username: u.Username, Password: req.Current,
		From: s.clientAddr(r)}); err != nil {
		if training.AsError(err).Code == training.CodeBadLogin {
			err = fail(training.CodeBadLogin, "the current password is wrong")
		}
		s.writeError(w, r, err)
		return
	}
	if err := s.accounts.SetPassword(r.Context(), u.ID, req.New); err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := s.accounts.Login(r.Context(), training.Credentials{Username: u.Username, Password: req.New, From: s.clientAddr(r)})
	if err != nil {
		s.hub.endUser(u.ID, "")
		s.writeError(w, r, err)
		return
	}
	s.hub.endUser(u.ID, in.Session)
	s.setSession(w, r, in.Session)
	s.setDevice(w, r, in.Device) // the new password revoked the old token
	s.writeJSON(w, r, http.StatusOK, newMeView(u))
}

// meClaim gives the caller the attempts of the user from before accounts
// that their browser's old cookie names, and forgets the cookie.
func (s *Server) meClaim(w http.ResponseWriter, r *http.Request) {
	u, err := s.user(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	l, ok := s.legacyOf(r)
	if !ok {
		s.writeError(w, r, fail(training.CodeNotFound, "this browser holds no practice from before accounts that is still unclaimed"))
		return
	}
	acc, err := s.accounts.Find(r.Context(), u.Username)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	n, err := s.accounts.Claim(r.Context(), l.ID, acc)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.clearCookie(w, r, legacyCookie)
	s.writeJSON(w, r, http.StatusOK, map[string]int{"attempts": n})
}
