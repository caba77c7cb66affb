package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReadDirReadsRegularFilesOnly: a FIFO named x.toml used to hang
// start-up and a symlink to /dev/zero to exhaust memory. Each is now
// reported as that file's problem, promptly, and the good file still loads.
func TestReadDirReadsRegularFilesOnly(t *testing.T) {
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join("bundled", "late-shipment.toml"))
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.toml", good)
	write("huge.toml", make([]byte, MaxFileSize+10))
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.toml"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "zero.toml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "good.toml"), filepath.Join(dir, "link.toml")); err != nil {
		t.Fatal(err)
	}
	done := make(chan []File, 1)
	go func() {
		files, err := ReadDir(dir)
		if err != nil {
			t.Error(err)
		}
		done <- files
	}()
	var files []File
	select {
	case files = <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("ReadDir hangs on a FIFO")
	}
	want := map[string]string{ // file: the problem Load reports, or "" for none
		"fifo.toml": "not a regular file (it is a named pipe)",
		"good.toml": "",
		"huge.toml": "too-large",
		"link.toml": "",
		"zero.toml": "not a regular file (it is a device)",
	}
	if len(files) != len(want) {
		t.Fatalf("read %d files, want %d", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(f.Name)
		sc, problems := Load(f)
		switch w := want[name]; {
		case w == "" && sc == nil:
			t.Errorf("%s: %v", name, problems)
		case w != "" && (sc != nil || len(problems) == 0 || !strings.Contains(problems[0].Code+" "+problems[0].Message, w)):
			t.Errorf("%s: problems %v, want one saying %q", name, problems, w)
		}
		if len(f.Src) > MaxFileSize+1 {
			t.Errorf("%s: read %d bytes, more than the cap", name, len(f.Src))
		}
	}
}
