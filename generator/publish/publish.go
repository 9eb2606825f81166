// Package publish writes a built site into its output folder atomically,
// one build at a time.
//
// Start takes a lock on the output (a file <out>.lock beside it, held
// with flock(2), so the kernel releases it when the process dies, even by
// SIGKILL). Files then go to a staging folder .<out>.staging-* beside the
// output, and only a complete build is swapped in by Commit: on Linux with
// one renameat2(RENAME_EXCHANGE), so at every instant the output folder is
// either the whole previous build or the whole new one. Elsewhere the swap
// is two renames, and a build killed between them leaves the previous
// output as .<out>.old-*, which the next Start moves back.
//
// A failed or killed build leaves the previous output as it was; the next
// Start removes its leftover staging folder.
//
// A file whose bytes equal the previous build's is hard-linked from it
// instead of written, so its modification time and inode are kept and
// rsync-style syncs send nothing for it. Options.Fresh turns that off.
//
// Durability against power loss (fsync of every file) is not attempted:
// the guarantees hold against killed processes, not crashed kernels.
package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Stats counts what a build did to the output.
type Stats struct {
	Written   int `json:"written"`
	Unchanged int `json:"unchanged"`
	Removed   int `json:"removed"`
}

// Options change how Start behaves.
type Options struct {
	// Wait makes Start wait for another build of the same output to end
	// instead of failing with a *LockedError.
	Wait bool
	// Fresh writes every file anew instead of hard-linking unchanged ones
	// from the previous output (gazette build -force).
	Fresh bool
	// OnWrite, if set, is called after each file is stored (for progress).
	OnWrite func()
	// KeepLock keeps the lock after Commit until Close, so the caller can
	// record the new output (see package cache) before another build runs.
	KeepLock bool
}

// LockedError is returned by Start when another build holds the output.
type LockedError struct {
	Dir, LockFile string
	PID           int // of the holder, 0 if unknown
}

func (e *LockedError) Error() string {
	who := "another build"
	if e.PID > 0 {
		who = fmt.Sprintf("another build (process %d)", e.PID)
	}
	return fmt.Sprintf("%s is writing %s (lock %s): wait for it to finish, or pass -wait to wait for it", who, e.Dir, e.LockFile)
}

// Staging is a build in progress.
type Staging struct {
	dir     string // the output folder
	tmp     string // the staging folder
	opt     Options
	lock    *os.File
	mu      sync.Mutex
	written map[string]bool
	dirs    map[string]bool // staging folders made
	stats   Stats
	done    bool
}

const (
	stagingPrefix = ".staging-"
	oldPrefix     = ".old-"
	lockSuffix    = ".lock"
)

// Begin starts a build of dir, waiting for any other build of it.
func Begin(dir string) (*Staging, error) {
	return Start(context.Background(), dir, Options{Wait: true})
}

// Start locks dir, repairs and removes leftovers of killed builds, and
// returns a new staging folder for it. The caller must end it with Commit
// or Abort (Close aborts a build that did neither).
func Start(ctx context.Context, dir string, opt Options) (*Staging, error) {
	dir = filepath.Clean(dir)
	parent, base := split(dir)
	if base == "" || base == "." || base == ".." || base == string(filepath.Separator) {
		return nil, fmt.Errorf("cannot publish into %q: the output must be a folder of its own, such as public", dir)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	lock, err := acquire(ctx, dir, filepath.Join(parent, base+lockSuffix), opt.Wait)
	if err != nil {
		return nil, err
	}
	if err := recoverOld(dir, parent, base); err != nil {
		release(lock)
		return nil, err
	}
	if err := checkReplaceable(dir); err != nil {
		release(lock)
		return nil, err
	}
	cleanLeftovers(parent, base)
	tmp, err := os.MkdirTemp(parent, "."+base+stagingPrefix)
	if err == nil {
		tmp = filepath.Clean(tmp) // as WriteFile's paths are
		err = os.Chmod(tmp, 0o755)
	}
	if err != nil {
		release(lock)
		return nil, err
	}
	return &Staging{dir: dir, tmp: tmp, opt: opt, lock: lock, written: map[string]bool{}, dirs: map[string]bool{}}, nil
}

// Dir is the output folder.
func (s *Staging) Dir() string { return s.dir }

// Staged is the staging folder, which Commit makes the output folder.
func (s *Staging) Staged() string { return s.tmp }

func split(dir string) (parent, base string) {
	parent, base = filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	return parent, base
}

// acquire takes an exclusive flock on file, polling while wait is set
// (flock itself cannot be interrupted by ctx).
func acquire(ctx context.Context, dir, file string, wait bool) (*os.File, error) {
	f, err := os.OpenFile(file, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cannot create the lock file: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("cannot lock %s: %w", file, err)
		}
		if !wait {
			pid := holder(f)
			f.Close()
			return nil, &LockedError{Dir: dir, LockFile: file, PID: pid}
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("waiting for another build of %s: %w", dir, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
	// Record the holder for the message a second build prints.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

func holder(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	return pid
}

func release(f *os.File) {
	if f != nil {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}

// recoverOld moves the previous output back when a build was killed
// between the two renames of a non-atomic swap.
func recoverOld(dir, parent, base string) error {
	if _, err := os.Lstat(dir); err == nil || !errors.Is(err, os.ErrNotExist) {
		return nil
	}
	olds, _ := filepath.Glob(filepath.Join(parent, "."+base+oldPrefix+"*"))
	if len(olds) == 0 {
		return nil
	}
	sort.Strings(olds)
	if err := os.Rename(olds[len(olds)-1], dir); err != nil {
		return fmt.Errorf("cannot restore the previous output %s: %w", olds[len(olds)-1], err)
	}
	return nil
}

// checkReplaceable refuses to replace a folder that is not a built site:
// Commit swaps the whole output folder, so "-o ." or "-o content" must
// not throw the archive away. An empty or missing folder is fine; one
// with files must have index.html at its top, as every build has.
func checkReplaceable(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) || (err == nil && len(entries) == 0) {
		return nil
	}
	if err != nil {
		return err
	}
	if st, err := os.Lstat(filepath.Join(dir, "index.html")); err == nil && st.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("%s is not empty and holds no index.html, so it is not a built site: gazette replaces its output folder whole; remove it or choose another output folder", dir)
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
	if err := s.mkdir(filepath.Dir(dst)); err != nil {
		return err
	}
	if s.opt.OnWrite != nil {
		defer s.opt.OnWrite()
	}
	old := filepath.Join(s.dir, filepath.FromSlash(name))
	if !s.opt.Fresh && same(old, data) {
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

// mkdir makes dir, a folder inside the staging folder, and those above
// it. It remembers what it made, so each folder costs one mkdir(2) and no
// stat(2) (os.MkdirAll looks each one up first).
func (s *Staging) mkdir(dir string) error {
	if dir == s.tmp {
		return nil
	}
	if !strings.HasPrefix(dir, s.tmp+string(filepath.Separator)) {
		return fmt.Errorf("refusing to make folder %s: it is outside the staging folder %s", dir, s.tmp)
	}
	s.mu.Lock()
	made := s.dirs[dir]
	s.mu.Unlock()
	if made {
		return nil
	}
	if err := s.mkdir(filepath.Dir(dir)); err != nil {
		return err
	}
	// Another writer may have made it meanwhile; a file in its place
	// makes the write into it fail.
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return err
	}
	s.mu.Lock()
	s.dirs[dir] = true
	s.mu.Unlock()
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

// Commit swaps the staging folder in as the output folder, counts the
// files of the previous output that are gone, and releases the lock
// unless Options.KeepLock is set.
func (s *Staging) Commit() (Stats, error) {
	if s.done {
		return s.stats, errors.New("publish: build already committed or aborted")
	}
	s.done = true
	if !s.opt.KeepLock {
		defer s.Close()
	}
	return s.commit()
}

func (s *Staging) commit() (Stats, error) {
	if _, err := os.Lstat(s.dir); err != nil {
		if err := os.Rename(s.tmp, s.dir); err != nil {
			return s.stats, fmt.Errorf("cannot move the new output into place: %w", err)
		}
		return s.stats, nil
	}
	switch err := exchange(s.tmp, s.dir); {
	case err == nil:
		// s.tmp now holds the previous output.
		s.stats.Removed = removeTree(s.tmp, s.written)
		return s.stats, nil
	case !errors.Is(err, errUnsupported):
		return s.stats, fmt.Errorf("cannot swap the new output in: %w", err)
	}
	parent, base := split(s.dir)
	o, err := os.MkdirTemp(parent, "."+base+oldPrefix)
	if err != nil {
		return s.stats, err
	}
	os.Remove(o)
	if err := os.Rename(s.dir, o); err != nil {
		return s.stats, fmt.Errorf("cannot move the previous output aside: %w", err)
	}
	if err := os.Rename(s.tmp, s.dir); err != nil {
		os.Rename(o, s.dir)
		return s.stats, fmt.Errorf("cannot move the new output into place: %w", err)
	}
	s.stats.Removed = removeTree(o, s.written)
	return s.stats, nil
}

// Abort throws the staging folder away, leaving the output as it was, and
// releases the lock.
func (s *Staging) Abort() error {
	s.done = true
	err := os.RemoveAll(s.tmp)
	s.Close()
	return err
}

// Close releases the lock on the output. It is safe to call more than once;
// a build neither committed nor aborted is aborted.
func (s *Staging) Close() error {
	if !s.done {
		return s.Abort()
	}
	release(s.lock)
	s.lock = nil
	return nil
}

var errUnsupported = errors.New("atomic exchange not supported")
