package webui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed static
var embedded embed.FS

// embeddedStatic is the browser UI built into the binary.
func embeddedStatic() fs.FS {
	sub, err := fs.Sub(embedded, "static")
	if err != nil {
		panic("webui: embedded static folder missing: " + err.Error()) // cannot happen: embedded at build time
	}
	return sub
}

// staticIndex serves the single page; the UI routes with the URL hash.
func (s *Server) staticIndex(w http.ResponseWriter, r *http.Request) {
	s.serveAsset(w, r, "index.html")
}

// staticFile serves one file of the browser UI.
func (s *Server) staticFile(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/")
	s.serveAsset(w, r, name)
}

// serveAsset sends a file with an ETag and Cache-Control: no-cache, so the
// browser revalidates every time and a new build shows at once, at the cost
// of a 304.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request, name string) {
	if info, err := fs.Stat(s.cfg.Static, name); err != nil || info.IsDir() {
		http.NotFound(w, r)
		return
	}
	data, err := fs.ReadFile(s.cfg.Static, name)
	if err != nil {
		s.log.Error("read static file", "name", name, "err", err)
		http.Error(w, "could not read the file", http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(data)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:12])+`"`)
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}
