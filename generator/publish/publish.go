// Package publish writes a built site into its output folder atomically:
// files go to a staging folder beside the output, and only a complete
// build is swapped in. A failed or killed build leaves the previous output
// as it was; its leftover staging folder is removed by the next run.
//
// A file whose bytes equal the previous build's is hard-linked from it
// instead of written, so its modification time is kept and rsync-style
// syncs send nothing for it.
package publish

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// Stats counts what a build did to the output.
type Stats struct {
	Written   int `json:"written"`
	Unchanged int `json:"unchanged"`
	Removed   int `json:"removed"`
}

// Staging is a build in progress.
type Staging struct {
	dir     string // the output folder
	tmp     string // the staging folder
	mu      sync.Mutex
	written map[string]bool
	stats   Stats
}

const (
	stagingPrefix = ".staging-"
	oldPrefix     = ".old-"
)

// Begin starts a build of dir. It removes leftovers of killed builds.
func Begin(dir string) (*Staging, error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	cleanLeftovers(parent, base)
	tmp, err := os.MkdirTemp(parent, "."+base+stagingPrefix)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, err
	}
	return &Staging{dir: dir, tmp: tmp, written: map[string]bool{}}, nil
}

func cleanLeftovers(parent, base string) {
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "."+base+stagingPrefix) || strings.HasPrefix(n, "."+base+oldPrefix) {
			os.RemoveAll(filepath.Join(parent, n))
		}
	}
}

// WriteFile stores one output file. name is a slash path relative to the
// output folder; it must not escape it. Safe for concurrent use.
func (s *Staging) WriteFile(name string, data []byte) error {
	clean := path.Clean("/" + name)[1:]
	if clean == "" || clean != name || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") {
		return fmt.Errorf("refusing to write %q: output paths must be relative and stay inside the output folder", name)
	}
	s.mu.Lock()
	if s.written[name] {
		s.mu.Unlock()
		return fmt.Errorf("two pages write %q", name)
	}
	s.written[name] = true
	s.mu.Unlock()

	dst := filepath.Join(s.tmp, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	old := filepath.Join(s.dir, filepath.FromSlash(name))
	if same(old, data) {
		if err := os.Link(old, dst); err == nil {
			s.count(func(st *Stats) { st.Unchanged++ })
			return nil
		}
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		return err
	}
	s.count(func(st *Stats) { st.Written++ })
	return nil
}

func (s *Staging) count(f func(*Stats)) {
	s.mu.Lock()
	f(&s.stats)
	s.mu.Unlock()
}

func same(file string, data []byte) bool {
	st, err := os.Lstat(file)
	if err != nil || !st.Mode().IsRegular() || st.Size() != int64(len(data)) {
		return false
	}
	old, err := os.ReadFile(file)
	return err == nil && bytes.Equal(old, data)
}

// Commit swaps the staging folder in as the output folder and counts the
// files of the previous output that are gone.
func (s *Staging) Commit() (Stats, error) {
	s.stats.Removed = countRemoved(s.dir, s.written)
	parent, base := filepath.Split(s.dir)
	if parent == "" {
		parent = "."
	}
	var old string
	if _, err := os.Lstat(s.dir); err == nil {
		o, err := os.MkdirTemp(parent, "."+base+oldPrefix)
		if err != nil {
			return s.stats, err
		}
		os.Remove(o)
		if err := os.Rename(s.dir, o); err != nil {
			return s.stats, fmt.Errorf("cannot move the previous output aside: %w", err)
		}
		old = o
	}
	if err := os.Rename(s.tmp, s.dir); err != nil {
		if old != "" {
			os.Rename(old, s.dir)
		}
		return s.stats, fmt.Errorf("cannot move the new output into place: %w", err)
	}
	if old != "" {
		os.RemoveAll(old)
	}
	return s.stats, nil
}

// Abort throws the staging folder away, leaving the output as it was.
func (s *Staging) Abort() error {
	return os.RemoveAll(s.tmp)
}

func countRemoved(dir string, written map[string]bool) int {
	n := 0
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err == nil && !written[filepath.ToSlash(rel)] {
			n++
		}
		return nil
	})
	return n
}
