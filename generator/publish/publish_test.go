package publish

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// publishFiles runs one whole build of files into dir.
func publishFiles(tb testing.TB, dir string, opt Options, files map[string]string) Stats {
	tb.Helper()
	s, err := Start(context.Background(), dir, opt)
	if err != nil {
		tb.Fatal(err)
	}
	for n, d := range files {
		if err := s.WriteFile(n, []byte(d)); err != nil {
			tb.Fatal(err)
		}
	}
	st, err := s.Commit()
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// tree reads dir as name → content.
func tree(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func inode(tb testing.TB, file string) uint64 {
	tb.Helper()
	st, err := os.Stat(file)
	if err != nil {
		tb.Fatal(err)
	}
	return st.Sys().(*syscall.Stat_t).Ino
}

// siblings lists the names beside the output folder but the output and
// its lock file.
func siblings(tb testing.TB, parent string) []string {
	tb.Helper()
	es, err := os.ReadDir(parent)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if e.Name() != "public" && e.Name() != "public.lock" {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func TestIncremental(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	v1 := map[string]string{"index.html": "home", "a/index.html": "a", "b/index.html": "b"}
	if st := publishFiles(t, dir, Options{}, v1); st != (Stats{Written: 3}) {
		t.Errorf("first build: %+v", st)
	}
	inoA := inode(t, filepath.Join(dir, "a/index.html"))

	v2 := map[string]string{"index.html": "home", "a/index.html": "a2", "c/index.html": "c"}
	if st := publishFiles(t, dir, Options{}, v2); st != (Stats{Written: 2, Unchanged: 1, Removed: 1}) {
		t.Errorf("second build: %+v", st)
	}
	if got := tree(t, dir); len(got) != 3 || got["a/index.html"] != "a2" || got["c/index.html"] != "c" || got["index.html"] != "home" {
		t.Errorf("output %v", got)
	}
	if inode(t, filepath.Join(dir, "a/index.html")) == inoA {
		t.Error("a changed but kept its inode")
	}
	if _, err := os.Stat(filepath.Join(dir, "b")); err == nil {
		t.Error("b/ of the previous build is still there")
	}

	ino := inode(t, filepath.Join(dir, "index.html"))
	if st := publishFiles(t, dir, Options{}, v2); st != (Stats{Unchanged: 3}) {
		t.Errorf("no-change build: %+v", st)
	}
	if inode(t, filepath.Join(dir, "index.html")) != ino {
		t.Error("unchanged file was rewritten")
	}
	if st := publishFiles(t, dir, Options{Fresh: true}, v2); st != (Stats{Written: 3}) {
		t.Errorf("fresh build: %+v", st)
	}
	if inode(t, filepath.Join(dir, "index.html")) == ino {
		t.Error("fresh build hard-linked an old file")
	}
	if s := siblings(t, parent); len(s) != 0 {
		t.Errorf("left beside the output: %v", s)
	}
}

func TestAbortKeepsOutput(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	publishFiles(t, dir, Options{}, map[string]string{"index.html": "v1"})
	s, err := Start(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.WriteFile("index.html", []byte("v2"))
	s.WriteFile("new.html", []byte("v2"))
	if err := s.Abort(); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); len(got) != 1 || got["index.html"] != "v1" {
		t.Errorf("after abort: %v", got)
	}
	if s := siblings(t, parent); len(s) != 0 {
		t.Errorf("left beside the output: %v", s)
	}
}

// A killed build leaves a staging folder, or (non-atomic swap) the
// previous output moved aside: the next Start cleans and repairs.
func TestLeftovers(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "public")
	publishFiles(t, dir, Options{}, map[string]string{"index.html": "v1"})
	os.MkdirAll(filepath.Join(parent, ".public.staging-123", "x"), 0o755)
	os.WriteFile(filepath.Join(parent, ".public.staging-123", "x", "f"), []byte("half"), 0o644)
	// Killed between the two renames: no output, the old one aside.
	if err := os.Rename(dir, filepath.Join(parent, ".public.old-9")); err != nil {
		t.Fatal(err)
	}
	s, err := Start(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := tree(t, dir); got["index.html"] != "v1" {
		t.Errorf("previous output not restored: %v", got)
	}
	if got := siblings(t, parent); len(got) != 1 || got[0] != filepath.Base(s.Staged()) {
		t.Errorf("beside the output during a build: %v", got)
	}
	s.Abort()
	// Other folders' leftovers are not ours to remove.
	os.Mkdir(filepath.Join(parent, ".publicity.staging-1"), 0o755)
	publishFiles(t, dir, Options{}, map[string]string{"index.html": "v2"})
	if got := siblings(t, parent); strings.Join(got, ",") != ".publicity.staging-1" {
		t.Errorf("beside the output: %v", got)
	}
}

func TestLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	ctx := context.Background()
	first, err := Start(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Start(ctx, dir, Options{})
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || !strings.Contains(err.Error(), "-wait") {
		t.Fatalf("second build without -wait: %v", err)
	}

	cctx, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	defer cancel()
	if _, err := Start(cctx, dir, Options{Wait: true}); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting with a cancelled context: %v", err)
	}

	got := make(chan error)
	go func() {
		s, err := Start(ctx, dir, Options{Wait: true})
		if err == nil {
			// The first build is complete when the second gets the lock.
			var b []byte
			b, err = os.ReadFile(filepath.Join(dir, "index.html"))
			if err == nil && string(b) != "first" {
				err = errors.New("second build started before the first was committed")
			}
			s.Abort()
		}
		got <- err
	}()
	first.WriteFile("index.html", []byte("first"))
	if _, err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Error(err)
	}
}

func TestWriteFileRefuses(t *testing.T) {
	s, err := Start(context.Background(), filepath.Join(t.TempDir(), "public"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, name := range []string{"", "/abs", "../up", "a/../../up", "a//b", `a\b`, "a/./b"} {
		if err := s.WriteFile(name, nil); err == nil {
			t.Errorf("WriteFile(%q) succeeded", name)
		}
	}
	if err := s.WriteFile("x", nil); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteFile("x", nil); err == nil {
		t.Error("a file written twice")
	}
}

func TestKeepLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "public")
	ctx := context.Background()
	s, err := Start(ctx, dir, Options{KeepLock: true})
	if err != nil {
		t.Fatal(err)
	}
	s.WriteFile("index.html", []byte("x"))
	if _, err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	var le *LockedError
	if _, err := Start(ctx, dir, Options{}); !errors.As(err, &le) {
		t.Errorf("lock released by Commit with KeepLock: %v", err)
	}
	s.Close()
	s2, err := Start(ctx, dir, Options{})
	if err != nil {
		t.Fatalf("lock kept after Close: %v", err)
	}
	s2.Close()
	s2.Close()
}

// Commit replaces the output folder whole, so Start refuses folders that
// are not a built site.
func TestRefusesNonSite(t *testing.T) {
	parent := t.TempDir()
	content := filepath.Join(parent, "content")
	os.MkdirAll(content, 0o755)
	os.WriteFile(filepath.Join(content, "doc.md"), []byte("precious"), 0o644)
	empty := filepath.Join(parent, "empty")
	os.MkdirAll(empty, 0o755)
	for _, tc := range []struct {
		dir string
		ok  bool
	}{
		{content, false},
		{".", false},
		{"/", false},
		{empty, true},
		{filepath.Join(parent, "new"), true},
	} {
		s, err := Start(context.Background(), tc.dir, Options{})
		if (err == nil) != tc.ok {
			t.Errorf("Start(%q): %v", tc.dir, err)
		}
		if err == nil {
			s.Abort()
		}
	}
	if b, err := os.ReadFile(filepath.Join(content, "doc.md")); err != nil || string(b) != "precious" {
		t.Fatal("content lost")
	}
}

// TestFolders writes nested files from several goroutines at once into an
// output given as an absolute and as a relative path (the staging
// folder's name then starts with "./"), and into a folder a file holds.
func TestFolders(t *testing.T) {
	files := map[string]string{"index.html": "home"}
	for i := range 40 {
		files[fmt.Sprintf("a/b%d/c/index.html", i%7)] = "x"
		files[fmt.Sprintf("a/b%d/d%d.html", i%7, i)] = "y"
		files[fmt.Sprintf("e%d/index.html", i)] = "z"
	}
	for _, tc := range []struct{ name, out string }{{"absolute", ""}, {"relative", "public"}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "public")
			if tc.out != "" {
				t.Chdir(filepath.Dir(dir))
				dir = tc.out
			}
			s, err := Start(context.Background(), dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, len(files))
			for n, d := range files {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs <- s.WriteFile(n, []byte(d))
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			if err := s.WriteFile("index.html/x.html", []byte("no")); err == nil {
				t.Error("a file written below a file: want an error")
			}
			if _, err := s.Commit(); err != nil {
				t.Fatal(err)
			}
			got := tree(t, dir)
			if len(got) != len(files) {
				t.Errorf("%d files in the output, want %d", len(got), len(files))
			}
			for n, d := range files {
				if got[n] != d {
					t.Errorf("%s = %q, want %q", n, got[n], d)
				}
			}
		})
	}
}

// TestRemoveTree removes a tree deeper and wider than removeTree's queue,
// counting the files that are not written again.
func TestRemoveTree(t *testing.T) {
	for _, tc := range []struct {
		name  string
		queue int // removeQueue: 1 makes the goroutines empty folders themselves
	}{
		{"queued", 1024},
		{"queue full", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(q int) { removeQueue = q }(removeQueue)
			removeQueue = tc.queue
			root := filepath.Join(t.TempDir(), "old")
			written := map[string]bool{}
			n := 0
			for i := range 1200 {
				name := fmt.Sprintf("a%d/b%d/c%d/index.html", i%3, i%40, i)
				if i%5 == 0 {
					name = fmt.Sprintf("f%d.json", i)
				}
				writeFile(t, filepath.Join(root, filepath.FromSlash(name)))
				if i%2 == 0 {
					written[name] = true
				} else {
					n++
				}
			}
			written["never/there.html"] = true
			if got := removeTree(root, written); got != n {
				t.Errorf("removeTree counts %d files gone, want %d", got, n)
			}
			if _, err := os.Lstat(root); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the tree is still there: %v", err)
			}
		})
	}
}

// TestRemoveTreeLinks: a previous output that was a symbolic link (public
// -> /srv/www), or that holds one, loses the link, never what it points to.
func TestRemoveTreeLinks(t *testing.T) {
	for _, tc := range []struct {
		name string
		link string // where the link goes, relative to the tree's root
	}{
		{"root", "."},
		{"subfolder", "docs"},
		{"deep subfolder", "a/b/docs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "www")
			for _, f := range []string{"index.html", "docs/a/index.html"} {
				writeFile(t, filepath.Join(target, filepath.FromSlash(f)))
			}
			root := filepath.Join(dir, "old")
			link := filepath.Join(root, filepath.FromSlash(tc.link))
			if tc.link != "." {
				writeFile(t, filepath.Join(root, "kept.html"))
			}
			if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, link); err != nil {
				t.Fatal(err)
			}
			removeTree(root, nil)
			for _, f := range []string{"index.html", "docs/a/index.html"} {
				if _, err := os.Stat(filepath.Join(target, filepath.FromSlash(f))); err != nil {
					t.Errorf("removeTree went through the link: %v", err)
				}
			}
			if _, err := os.Lstat(root); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the tree (or the link) is still there: %v", err)
			}
		})
	}
}

// TestLinkedOutput: an output folder that is a symbolic link is replaced
// by the new build; what the link pointed to is left as it was.
func TestLinkedOutput(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "www")
	old := map[string]string{"index.html": "old", "docs/a/index.html": "a"}
	for n, d := range old {
		p := filepath.Join(target, filepath.FromSlash(n))
		writeFile(t, p)
		if err := os.WriteFile(p, []byte(d), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "public")
	if err := os.Symlink(target, out); err != nil {
		t.Fatal(err)
	}
	publishFiles(t, out, Options{}, map[string]string{"index.html": "new"})
	if got := tree(t, target); !reflect.DeepEqual(got, old) {
		t.Errorf("the link's target changed: %v, want %v", got, old)
	}
	if got, want := tree(t, out), map[string]string{"index.html": "new"}; !reflect.DeepEqual(got, want) {
		t.Errorf("output %v, want %v", got, want)
	}
}

// writeFile makes an empty file at p, and its folders.
func writeFile(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		t.Fatal(err)
	}
}
