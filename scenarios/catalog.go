package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"parley/engine"
)

// bundled holds the scenarios that ship with Parley, in scenarios/bundled/
// beside their test plans; only the .toml files are embedded.
//
//go:embed bundled/*.toml
var bundled embed.FS

// File is one scenario source: a name for messages (a path or the bundled
// file name) and its bytes, or why they could not be read.
type File struct {
	Name string
	Src  []byte
	Err  error // set when the file could not be read; Load and Lint report it
}

// Bundled returns the scenarios that ship with Parley, by file name.
func Bundled() []File {
	files, err := readFS(bundled, "bundled")
	if err != nil {
		panic(fmt.Sprintf("scenarios: bundled files unreadable: %v", err)) // embedded: cannot happen
	}
	return files
}

// ReadDir returns the .toml files in dir, sorted by name, read as ParseFile
// reads one: regular files only (a symlink to one counts), each up to
// MaxFileSize. A file that cannot be read is returned with Err set, so that
// one bad file is reported and the others are still served.
func ReadDir(dir string) ([]File, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read scenarios from %s: %w; check the folder exists and is readable", dir, err)
	}
	var files []File
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".toml") || e.IsDir() {
			continue
		}
		f := File{Name: filepath.Join(dir, e.Name())}
		f.Src, f.Err = readLimited(f.Name)
		files = append(files, f)
	}
	return files, nil // os.ReadDir sorts by name
}

func readFS(fsys fs.FS, dir string) ([]File, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".toml") {
			continue
		}
		src, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: e.Name(), Src: src})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// Load parses and compiles one scenario file, reporting every problem both
// steps find. The scenario is nil when any problem is an error.
func Load(f File) (*engine.Scenario, engine.Problems) {
	if f.Err != nil {
		return nil, engine.Problems{wholeFileProblem("read-error", f.Err.Error())}
	}
	spec, problems := Parse(f.Name, f.Src)
	if spec == nil {
		return nil, problems
	}
	sc, more := engine.Compile(spec)
	problems = append(problems, notSaid(problems, more)...)
	sort.SliceStable(problems, func(i, j int) bool { return posBefore(problems[i].Pos, problems[j].Pos) })
	if problems.HasErrors() {
		return nil, problems
	}
	return sc, problems
}

// Expand turns paths (files or folders) into scenario files.
func Expand(paths []string) ([]File, error) {
	var files []File
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if info.IsDir() {
			more, err := ReadDir(p)
			if err != nil {
				return nil, err
			}
			files = append(files, more...)
			continue
		}
		src, err := readLimited(p)
		files = append(files, File{Name: p, Src: src, Err: err})
	}
	return files, nil
}
