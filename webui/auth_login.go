package webui

import (
	"net/http"

	"parley/webui/training"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// authLogin checks a username and password, starts a session and sets its
// cookie, and the cookie that marks the browser as a known device of the
// account. A wrong username and a wrong password get the same answer; too
// many failures for the username or from the address get 429, except on a
// known device, which has its own count.
func (s *Server) authLogin(w http.ResponseWriter, r *http.Request) {
	var req loginRequest
	if err := readJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := s.accounts.Login(r.Context(), training.Credentials{Username: req.Username, Password: req.Password,
		From: s.clientAddr(r), Device: deviceToken(r)})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.setSession(w, r, in.Session)
	s.setDevice(w, r, in.Device)
	s.writeJSON(w, r, http.StatusOK, newMeView(in.Account.User()))
}

// authLogout ends the session on the server, closes the websockets it
// opened, and clears the cookie. Without a session it does nothing.
func (s *Server) authLogout(w http.ResponseWriter, r *http.Request) {
	if token := sessionToken(r); token != "" {
		if err := s.accounts.Logout(r.Context(), token); err != nil {
			s.writeError(w, r, err)
			return
		}
		s.hub.endSession(token)
	}
	s.clearCookie(w, r, sessionCookie)
	w.WriteHeader(http.StatusNoContent)
}
