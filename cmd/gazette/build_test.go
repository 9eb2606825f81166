package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gazette/generator/linkcheck"
	"gazette/generator/publish"
)

// The test site is generator/testdata/site, published under
// https://example.org/archive/.
const (
	testSite = "../../generator/testdata/site"
	testBase = "/archive/"
)

func init() {
	// -update rewrites testdata/*.golden (shared with other tests of the
	// package that may define it first).
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files in testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// newSite copies the test site into a temporary folder and returns the
// path of its config.toml.
func newSite(tb testing.TB) (dir, config string) {
	tb.Helper()
	dir = tb.TempDir()
	copyTree(tb, testSite, dir)
	return dir, filepath.Join(dir, "config.toml")
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// gazetteBinary builds the gazette command once per test run, for tests
// that must run it as a process (to kill it, or to set GOMAXPROCS).
func gazetteBinary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gazette-test-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "gazette")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	flag.Parse()
	// In-process builds must not retune this test binary's collector
	// (setMemoryBudget steps aside when GOGC is set).
	if os.Getenv("GOGC") == "" {
		os.Setenv("GOGC", "100")
	}
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// fileState is what a test knows of one output file.
type fileState struct {
	sum   string
	inode uint64
	mtime int64
}

// snapshot reads every file under dir.
func snapshot(tb testing.TB, dir string) map[string]fileState {
	tb.Helper()
	out := map[string]fileState{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(b)
		out[filepath.ToSlash(rel)] = fileState{hex.EncodeToString(sum[:]), info.Sys().(*syscall.Stat_t).Ino, info.ModTime().UnixNano()}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// sameContent reports whether two snapshots hold the same files with the
// same bytes, and if not, the first difference.
func sameContent(a, b map[string]fileState) (bool, string) {
	for n, fa := range a {
		fb, ok := b[n]
		if !ok {
			return false, n + " missing"
		}
		if fa.sum != fb.sum {
			return false, n + " differs"
		}
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			return false, n + " extra"
		}
	}
	return true, ""
}

// checkLinks fails the test for every broken internal link under dir.
func checkLinks(tb testing.TB, dir string) {
	tb.Helper()
	for _, p := range linkcheck.Check(os.DirFS(dir), testBase) {
		tb.Errorf("link check: %s", p.Error())
	}
}

func buildJSON(tb testing.TB, args ...string) summary {
	tb.Helper()
	code, stdout, stderr := runCmd(tb, append([]string{"build", "-json"}, args...)...)
	if code != exitOK {
		tb.Fatalf("gazette build %v: exit %d\n%s", args, code, stderr)
	}
	if stderr != "" {
		tb.Errorf("stderr of a successful build: %q", stderr)
	}
	var s summary
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		tb.Fatalf("-json output %q: %v", stdout, err)
	}
	return s
}

// Under cron a successful build prints nothing; -v and -json print.
func TestBuildSilentForCron(t *testing.T) {
	t.Parallel()
	_, cfg := newSite(t)
	code, stdout, stderr := runCmd(t, "build", "-config", cfg)
	if code != exitOK || stdout != "" || stderr != "" {
		t.Errorf("exit %d, stdout %q, stderr %q: want 0 and silence", code, stdout, stderr)
	}
	code, stdout, _ = runCmd(t, "build", "-config", cfg, "-v")
	if code != exitOK || !strings.Contains(stdout, "is up to date") {
		t.Errorf("-v on an unchanged site: exit %d, %q", code, stdout)
	}
	code, stdout, _ = runCmd(t, "build", "-config", cfg, "-v", "-force")
	phase := `\S+(?: \(\S+ CPU\))?`
	if code != exitOK || !regexp.MustCompile(`time by phase: key `+phase+`, load `+phase+`, scan `+phase+`(?:, search `+phase+`)?, pages `+phase+`, commit `+phase+`\n`).MatchString(stdout) {
		t.Errorf("-v -force: exit %d, %q: want the time of each phase", code, stdout)
	}
	s := buildJSON(t, "-config", cfg)
	if !s.Cached || s.Documents == 0 || s.Files == 0 || s.Unchanged != s.Files || s.Written != 0 {
		t.Errorf("-json on an unchanged site: %+v", s)
	}
}

// incrementalCases change the site one after another; the files each
// rebuild writes and removes are in testdata/incremental.golden.
var incrementalCases = []struct {
	name   string
	change func(tb testing.TB, dir string)
	args   []string
}{
	{"no change", func(testing.TB, string) {}, nil},
	{"no change, cache deleted", func(tb testing.TB, dir string) { removeAll(tb, filepath.Join(dir, ".gazette-cache")) }, nil},
	{"no change, cache corrupt", func(tb testing.TB, dir string) { corruptCache(tb, dir) }, nil},
	{"body of a document edited", func(tb testing.TB, dir string) {
		appendFile(tb, filepath.Join(dir, "content/documents/report-2024.md"), "\n新增一段话。\n")
	}, nil},
	{"title of a document in an issue edited", func(tb testing.TB, dir string) {
		replaceInFile(tb, filepath.Join(dir, "content/demo/2024-02/szf-2024-005.md"), "调整工作分工的通知", "调整领导分工的通知")
	}, nil},
	{"document removed", func(tb testing.TB, dir string) {
		removeAll(tb, filepath.Join(dir, "content/documents/report-2024.md"))
	}, nil},
	{"no change, -force", func(testing.TB, string) {}, []string{"-force"}},
}

// hashedName matches the content hash in a file name (search shards), which
// the golden file leaves out: which files change matters, not their hashes.
var hashedName = regexp.MustCompile(`-[0-9a-f]{8,}(\.[a-z]+)$`)

func TestBuildIncremental(t *testing.T) {
	t.Parallel()
	dir, cfg := newSite(t)
	public := filepath.Join(dir, "public")
	first := buildJSON(t, "-config", cfg)
	if first.Written != first.Files || first.Cached {
		t.Fatalf("first build: %+v", first)
	}
	var report strings.Builder
	for _, tc := range incrementalCases {
		before := snapshot(t, public)
		tc.change(t, dir)
		s := buildJSON(t, append([]string{"-config", cfg}, tc.args...)...)
		after := snapshot(t, public)
		checkLinks(t, public)

		// What the build did to the folder, from inodes: a file written
		// anew has a new inode; a kept one is the same file.
		var written, removed, changed []string
		for n, fa := range after {
			fb, ok := before[n]
			if !ok || fb.inode != fa.inode {
				written = append(written, n)
			} else if fb.mtime != fa.mtime {
				t.Errorf("%s: %s kept its inode but not its time", tc.name, n)
			}
			if !ok || fb.sum != fa.sum {
				changed = append(changed, n)
			}
		}
		for n := range before {
			if _, ok := after[n]; !ok {
				removed = append(removed, n)
			}
		}
		sort.Strings(written)
		sort.Strings(removed)
		sort.Strings(changed)
		if s.Written != len(written) || s.Removed != len(removed) || s.Unchanged != len(after)-len(written) || s.Files != len(after) {
			t.Errorf("%s: -json says %+v; the folder shows %d written, %d removed, %d files", tc.name, s, len(written), len(removed), len(after))
		}
		// Incremental: exactly the files whose bytes changed are written,
		// unless -force rewrites all.
		if len(tc.args) == 0 && strings.Join(written, " ") != strings.Join(changed, " ") {
			t.Errorf("%s: written %v, but the files whose bytes changed are %v", tc.name, written, changed)
		}
		if len(tc.args) > 0 && len(written) != len(after) {
			t.Errorf("%s: %d of %d files written", tc.name, len(written), len(after))
		}
		fmt.Fprintf(&report, "== %s (cached: %v)\n", tc.name, s.Cached)
		if len(written) == len(after) && len(after) > 0 {
			fmt.Fprintf(&report, "written: all %d files\n", len(after))
		} else {
			for _, n := range written {
				fmt.Fprintf(&report, "written: %s\n", hashedName.ReplaceAllString(n, "-<hash>$1"))
			}
		}
		for _, n := range removed {
			fmt.Fprintf(&report, "removed: %s\n", hashedName.ReplaceAllString(n, "-<hash>$1"))
		}
	}
	golden(t, "testdata/incremental.golden", report.String())

	// Nothing is left beside the output but its lock.
	es, _ := os.ReadDir(dir)
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != ".gazette-cache config.toml content public public.lock" {
		t.Errorf("site folder holds %s", got)
	}
}

// A build that cannot trust the cache says why under -v.
func TestBuildCacheNotes(t *testing.T) {
	t.Parallel()
	_, cfg := newSite(t)
	buildJSON(t, "-config", cfg)
	corruptCache(t, filepath.Dir(cfg))
	code, _, stderr := runCmd(t, "build", "-config", cfg, "-v")
	if code != exitOK || !strings.Contains(stderr, "build cache ignored: the build cache is corrupt") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	// A file of the output changed by hand is rebuilt.
	page := filepath.Join(filepath.Dir(cfg), "public", "index.html")
	os.WriteFile(page, []byte("defaced"), 0o644)
	code, _, stderr = runCmd(t, "build", "-config", cfg, "-v")
	if code != exitOK || !strings.Contains(stderr, "rebuilding: output") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	if b, _ := os.ReadFile(page); bytes.Equal(b, []byte("defaced")) {
		t.Error("defaced page not rebuilt")
	}
}

func golden(tb testing.TB, file, got string) {
	tb.Helper()
	if updating() {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		tb.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		tb.Errorf("%s differs (go test -update rewrites it); got:\n%s", file, got)
	}
}

func removeAll(tb testing.TB, p string) {
	tb.Helper()
	if err := os.RemoveAll(p); err != nil {
		tb.Fatal(err)
	}
}

func appendFile(tb testing.TB, file, s string) {
	tb.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(file, append(b, s...), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func replaceInFile(tb testing.TB, file, old, new string) {
	tb.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		tb.Fatalf("%s has no %q", file, old)
	}
	if err := os.WriteFile(file, bytes.ReplaceAll(b, []byte(old), []byte(new)), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// corruptCache overwrites every manifest of the site's build cache with a
// truncated copy.
func corruptCache(tb testing.TB, siteDir string) {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(siteDir, ".gazette-cache", "build-*.json"))
	if len(files) == 0 {
		tb.Fatal("no build cache to corrupt")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		os.WriteFile(f, b[:len(b)/2], 0o644)
	}
}

// Builds are byte-identical whatever the run and the core count.
func TestBuildDeterministic(t *testing.T) {
	t.Parallel()
	bin := gazetteBinary(t)
	dir, cfg := newSite(t)
	var trees []map[string]fileState
	for i, procs := range []string{"", "1", fmt.Sprint(runtime.NumCPU()), ""} {
		out := filepath.Join(dir, fmt.Sprintf("out%d", i))
		cmd := exec.Command(bin, "build", "-config", cfg, "-o", out, "-force")
		cmd.Env = os.Environ()
		if procs != "" {
			cmd.Env = append(cmd.Env, "GOMAXPROCS="+procs)
		}
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("GOMAXPROCS=%s: %v\n%s", procs, err, b)
		}
		trees = append(trees, snapshot(t, out))
	}
	if len(trees[0]) < 20 {
		t.Fatalf("only %d files built", len(trees[0]))
	}
	for i := 1; i < len(trees); i++ {
		if ok, diff := sameContent(trees[0], trees[i]); !ok {
			t.Errorf("build %d differs from build 0: %s", i, diff)
		}
	}
}

// A second build of the same output fails with a clear message, or with
// -wait waits until the first is done; two concurrent builds never mix.
func TestBuildLock(t *testing.T) {
	t.Parallel()
	bin := gazetteBinary(t)
	dir, cfg := newSite(t)
	public := filepath.Join(dir, "public")
	// This test holds the lock as a first build would.
	held, err := publish.Start(context.Background(), public, publish.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCmd(t, "build", "-config", cfg)
	if code != exitFailure || stdout != "" || !strings.Contains(stderr, fmt.Sprintf("gazette: another build (process %d) is writing %s", os.Getpid(), public)) || !strings.Contains(stderr, "-wait") {
		t.Errorf("second build: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(public); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused build wrote %s", public)
	}

	waiting := exec.Command(bin, "build", "-config", cfg, "-wait")
	var werr bytes.Buffer
	waiting.Stderr = &werr
	if err := waiting.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- waiting.Wait() }()
	select {
	case err := <-exited:
		t.Fatalf("build with -wait ended while the lock was held: %v\n%s", err, werr.String())
	case <-time.After(500 * time.Millisecond):
	}
	held.Abort()
	if err := <-exited; err != nil {
		t.Fatalf("build with -wait: %v\n%s", err, werr.String())
	}

	// Two real builds at once, of two different contents: the output is
	// whole and one of them, never a mix.
	ref := map[string]map[string]fileState{}
	for _, name := range []string{"a", "b"} {
		if name == "b" {
			appendFile(t, filepath.Join(dir, "content/documents/report-2024.md"), "\n第二版。\n")
		}
		out := filepath.Join(dir, "ref-"+name)
		if code, _, stderr := runCmd(t, "build", "-config", cfg, "-o", out); code != exitOK {
			t.Fatal(stderr)
		}
		ref[name] = snapshot(t, out)
	}
	for round := 0; round < 3; round++ {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, err := exec.Command(bin, "build", "-config", cfg, "-wait", "-force").CombinedOutput()
				if err != nil {
					errs[i] = fmt.Errorf("%v: %s", err, b)
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		got := snapshot(t, public)
		if ok, diff := sameContent(ref["b"], got); !ok {
			t.Errorf("round %d: output is not the build of the content: %s", round, diff)
		}
		checkLinks(t, public)
	}
}

// SIGKILL at random moments: the output is always a whole site, the
// previous build or the new one, and the next build cleans up.
func TestBuildKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("kills 20 builds")
	}
	t.Parallel()
	bin := gazetteBinary(t)
	dir, cfg := newSite(t)
	public := filepath.Join(dir, "public")
	report := filepath.Join(dir, "content/documents/report-2024.md")
	orig, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	// State b removes a document, edits another and adds a third, so the
	// two builds differ in pages, listings, sitemap and feed.
	states := map[string]func(){
		"a": func() {
			os.WriteFile(report, orig, 0o644)
			os.Remove(filepath.Join(dir, "content/documents/extra-2024.md"))
		},
		"b": func() {
			os.Remove(report)
			os.WriteFile(filepath.Join(dir, "content/documents/extra-2024.md"), []byte("+++\ntitle = \"示范市统计公报\"\nissuers = [\"示范市统计局\"]\ndate_published = 2024-03-01\n+++\n全年地区生产总值增长。\n"), 0o644)
		},
	}
	ref := map[string]map[string]fileState{}
	var slowest time.Duration
	for _, name := range []string{"a", "b"} {
		states[name]()
		out := filepath.Join(t.TempDir(), "public")
		start := time.Now()
		if b, err := exec.Command(bin, "build", "-config", cfg, "-o", out).CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s", err, b)
		}
		slowest = max(slowest, time.Since(start))
		ref[name] = snapshot(t, out)
		checkLinks(t, out)
	}
	if ok, _ := sameContent(ref["a"], ref["b"]); ok {
		t.Fatal("the two states build the same site")
	}

	states["a"]()
	if b, err := exec.Command(bin, "build", "-config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	current, applied := "a", "a" // what public/ holds; what content/ holds
	seen := map[string]int{}
	seed := uint64(time.Now().UnixNano())
	t.Logf("kill delays from seed %d, up to %s", seed, slowest*5/4)
	rng := rand.New(rand.NewPCG(seed, 7))
	for i := range 20 {
		next := map[string]string{"a": "b", "b": "a"}[current]
		states[next]()
		applied = next
		cmd := exec.Command(bin, "build", "-config", cfg)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		delay := time.Duration(rng.Int64N(int64(slowest * 5 / 4)))
		time.Sleep(delay)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		killed := err != nil

		got := snapshot(t, public)
		switch {
		case sameContentOK(ref[current], got):
			seen["previous"]++
		case sameContentOK(ref[next], got):
			seen["new"]++
			current = next
		default:
			_, da := sameContent(ref["a"], got)
			_, db := sameContent(ref["b"], got)
			t.Fatalf("kill %d after %s: public/ is neither build (vs a: %s; vs b: %s)", i, delay, da, db)
		}
		if !killed && current != next {
			t.Fatalf("kill %d: the build finished but public/ is the previous one", i)
		}
		checkLinks(t, public)
	}
	t.Logf("after 20 kills public/ was the previous build %d times, the new one %d times", seen["previous"], seen["new"])

	// The next build finishes the work and leaves nothing behind.
	if b, err := exec.Command(bin, "build", "-config", cfg).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if ok, diff := sameContent(ref[applied], snapshot(t, public)); !ok {
		t.Errorf("after the last build public/ is not the build of the content: %s", diff)
	}
	checkLinks(t, public)
	es, _ := os.ReadDir(dir)
	for _, e := range es {
		switch e.Name() {
		case ".gazette-cache", "config.toml", "content", "public", "public.lock":
		default:
			t.Errorf("left beside public/: %s", e.Name())
		}
	}
	tmp, _ := filepath.Glob(filepath.Join(dir, ".gazette-cache", ".build-*"))
	if len(tmp) > 0 {
		t.Logf("half-written cache files (harmless, ignored): %v", tmp)
	}
}

func sameContentOK(a, b map[string]fileState) bool {
	ok, _ := sameContent(a, b)
	return ok
}

func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		n, total int
		want     string
	}{
		{512, 1024, "\r\033[Kgazette: building… 512/1024 files (50%), 3s"},
		{0, 0, "\r\033[Kgazette: building… 0 files, 3s"},
		// More files than the last build had: no percentage past 100.
		{2000, 1024, "\r\033[Kgazette: building… 2000 files, 3s"},
	} {
		if got := progressLine(tc.n, tc.total, 3500*time.Millisecond); got != tc.want {
			t.Errorf("progressLine(%d, %d) = %q, want %q", tc.n, tc.total, got, tc.want)
		}
	}
}

// TestBuildProfiles is not parallel: only one CPU profile can run in a
// process (and go test -cpuprofile runs one around all tests: then skip).
func TestBuildProfiles(t *testing.T) {
	_, cfg := newSite(t)
	dir := t.TempDir()
	cpu, mem, tr := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "mem.prof"), filepath.Join(dir, "build.trace")
	code, stdout, stderr := runCmd(t, "build", "-config", cfg, "-force", "-cpuprofile", cpu, "-memprofile", mem, "-trace", tr)
	if strings.Contains(stderr, "already in use") || strings.Contains(stderr, "already enabled") {
		t.Skip("the test binary is being profiled or traced")
	}
	if code != exitOK || stdout != "" || stderr != "" {
		t.Fatalf("-cpuprofile -memprofile -trace: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	for _, f := range []string{cpu, mem, tr} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("profile %s not written: %v", f, err)
		}
	}
	if b, err := os.ReadFile(tr); err == nil && !bytes.HasPrefix(b, []byte("go 1.")) {
		t.Errorf("%s does not start as a Go execution trace: %q", tr, b[:min(len(b), 16)])
	}
	// A file that cannot be created is reported, and nothing is built.
	code, _, stderr = runCmd(t, "build", "-config", cfg, "-force", "-trace", filepath.Join(dir, "missing", "x.trace"))
	if code != exitFailure || !strings.Contains(stderr, "cannot write the trace") {
		t.Errorf("-trace into a missing folder: exit %d, stderr %q", code, stderr)
	}
}

func TestMemoryBudget(t *testing.T) {
	for _, tt := range []struct {
		content, want int64
	}{
		{0, 256 << 20},
		{1 << 20, 260 << 20},             // the shipped archive
		{100 << 20, 656 << 20},           // 10,000 documents
		{320 << 20, defaultMemoryLimit},  // from here on, the limit
		{1000 << 20, defaultMemoryLimit}, // 100,000 documents
	} {
		if got := memoryBudget(tt.content); got != tt.want {
			t.Errorf("memoryBudget(%d MiB) = %d MiB, want %d MiB", tt.content>>20, got>>20, tt.want>>20)
		}
	}
}

func TestRelaxedLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tt := range []struct {
		live, limit, want int64
	}{
		{100 * mib, 656 * mib, 656 * mib},                            // a 10k build: room to spare
		{328 * mib, 656 * mib, 656 * mib},                            // exactly half
		{329 * mib, 656 * mib, defaultMemoryLimit},                   // more than half: back to the default
		{900 * mib, defaultMemoryLimit, defaultMemoryLimit},          // already the default
		{2000 * mib, 2 * defaultMemoryLimit, 2 * defaultMemoryLimit}, // never lowered
	} {
		if got := relaxedLimit(tt.live, tt.limit); got != tt.want {
			t.Errorf("relaxedLimit(%d MiB, %d MiB) = %d MiB, want %d MiB", tt.live/mib, tt.limit/mib, got/mib, tt.want/mib)
		}
	}
}

// TestRelaxMemoryBudget checks that the hook a build calls after its scan
// changes the process's heap limit only when the budget is too small for
// the live heap, and only when the budget was set. It changes process-wide
// settings, so it restores them and does not run in parallel.
func TestRelaxMemoryBudget(t *testing.T) {
	prevLimit, prevSet := debug.SetMemoryLimit(-1), budgetSet
	defer func() { debug.SetMemoryLimit(prevLimit); budgetSet = prevSet }()
	keep := make([]byte, 16<<20) // live heap for the test
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	live := int64(sample[0].Value.Uint64())

	for _, tt := range []struct {
		name  string
		set   bool
		limit int64
		want  int64
	}{
		{"roomy budget", true, 4*live + 64<<20, 4*live + 64<<20},
		{"tight budget", true, live + live/2, defaultMemoryLimit},
		{"no budget set", false, live + live/2, live + live/2},
	} {
		budgetSet = tt.set
		debug.SetMemoryLimit(tt.limit)
		relaxMemoryBudget()
		if got := debug.SetMemoryLimit(-1); got != tt.want {
			t.Errorf("%s: limit %d MiB after relaxMemoryBudget, want %d MiB (live %d MiB)", tt.name, got>>20, tt.want>>20, live>>20)
		}
	}
	runtime.KeepAlive(keep)
}
