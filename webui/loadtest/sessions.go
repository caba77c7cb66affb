package loadtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
)

// maxSessionsFile bounds the sessions file: a token is about 45 bytes.
const maxSessionsFile = 16 << 20

// loadSessions reads the trainees' session tokens that an earlier run on
// the same database kept in path (Options.SessionsFile), one a line, and
// checks that the first and the last still sign in; a missing file is no
// tokens.
func (tg *target) loadSessions(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("loadtest: --sessions: %w", err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() > maxSessionsFile {
		return fmt.Errorf("loadtest: --sessions %s: larger than %d bytes; not a sessions file?", path, maxSessionsFile)
	}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			tg.tokens = append(tg.tokens, t)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("loadtest: --sessions %s: %w", path, err)
	}
	if len(tg.tokens) == 0 {
		return nil
	}
	for _, t := range []string{tg.tokens[0], tg.tokens[len(tg.tokens)-1]} {
		if _, err := tg.client().WithToken(t).Me(ctx); err != nil {
			return fmt.Errorf("loadtest: --sessions %s: its sessions do not sign in on %s (%w): they belong to another database; delete the file to sign trainees in anew", path, tg.bases[0], err)
		}
	}
	return nil
}

// saveSessions writes every trainee's session token to path, for the next
// run on the same database.
func (tg *target) saveSessions(path string) error {
	if err := os.WriteFile(path, []byte(strings.Join(tg.tokens, "\n")+"\n"), 0o600); err != nil {
		return fmt.Errorf("loadtest: --sessions: %w", err)
	}
	return nil
}
