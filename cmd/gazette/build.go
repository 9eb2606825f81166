package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gazette/generator"
	"gazette/generator/cache"
	"gazette/generator/diag"
	"gazette/generator/publish"
)

func init() {
	register(command{name: "build", summary: "build content/ into the website in public/", run: runBuild})
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "config.toml", "the site's config `file`; paths in it are relative to its folder")
	outDir := fs.String("o", "", "output `dir` (default: publish_dir of the config, public/)")
	verbose := fs.Bool("v", false, "print warnings and a summary line (printed anyway on a terminal)")
	asJSON := fs.Bool("json", false, "print a JSON summary on stdout")
	force := fs.Bool("force", false, "rebuild and rewrite every file, ignoring the previous output and the build cache")
	wait := fs.Bool("wait", false, "if another build of the same output is running, wait for it instead of failing")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to `file` (for go tool pprof)")
	traceFile := fs.String("trace", "", "write an execution trace of the build to `file` (for go tool trace)")
	memProfile := fs.String("memprofile", "", "write a heap profile to `file` at the end of the build's scan, when the body HTML and search postings are held (with -force if nothing changed)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gazette build [-config FILE] [-o DIR] [-force] [-wait] [-v] [-json] [-cpuprofile FILE] [-trace FILE] [-memprofile FILE]")
		fmt.Fprintln(stderr, "\nBuilds the archive into a staging folder and swaps it in as the output")
		fmt.Fprintln(stderr, "only when complete. Files whose bytes did not change keep their time, and")
		fmt.Fprintln(stderr, "when no input changed since the last build nothing is done at all (the")
		fmt.Fprintln(stderr, "cache is .gazette-cache/ beside the config). One build runs per output:")
		fmt.Fprintln(stderr, "a second fails, or waits with -wait. Silent on success unless -v or -json;")
		fmt.Fprintln(stderr, "errors go to stderr with exit status 1. See docs/cron.md.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gazette: build takes no arguments, got %q\n", fs.Args())
		fs.Usage()
		return exitUsage
	}
	cfg, err := generator.LoadConfig(*configPath, !flagSet(fs, "config"))
	if err != nil {
		printErr(stderr, err)
		return exitFailure
	}
	out := cfg.Path(cfg.PublishDir)
	if *outDir != "" {
		out = *outDir
	}
	contentDir := cfg.Path(cfg.ContentDir)
	if st, err := os.Stat(contentDir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "gazette: content folder %s not found: run gazette in the archive's folder or pass -config\n", contentDir)
		return exitFailure
	}
	opt := buildOptions{cfg: cfg, contentDir: contentDir, out: out, force: *force, wait: *wait, memProfile: *memProfile}
	for _, r := range []struct {
		file, what string
		start      func(io.Writer) error
		stop       func()
	}{
		{*cpuProfile, "the CPU profile", pprof.StartCPUProfile, pprof.StopCPUProfile},
		{*traceFile, "the trace", trace.Start, trace.Stop},
	} {
		if r.file == "" {
			continue
		}
		stop, err := startRecording(r.file, r.what, r.start, r.stop)
		if err != nil {
			fmt.Fprintf(stderr, "gazette: %v\n", err)
			return exitFailure
		}
		defer stop()
	}
	if isTerminal(stderr) && !*asJSON {
		opt.progress = stderr
	}
	r, err := buildSite(ctx, opt)
	if *verbose {
		for _, w := range r.warnings {
			fmt.Fprintf(stderr, "gazette: %s\n", w.Error())
		}
		if r.cacheNote != "" {
			fmt.Fprintf(stderr, "gazette: %s\n", r.cacheNote)
		}
	}
	if err != nil {
		printErr(stderr, err)
		return exitFailure
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(r.summary())
	} else if *verbose || isTerminal(stdout) {
		s := r.summary()
		if r.cached {
			fmt.Fprintf(stdout, "gazette: %s is up to date: %d documents in %d issues, %d files, nothing changed since the last build (%s)\n",
				out, s.Documents, s.Issues, s.Files, r.duration.Round(time.Millisecond))
		} else {
			fmt.Fprintf(stdout, "gazette: built %d documents in %d issues into %s: %d pages, %d files (%d written, %d unchanged, %d removed) in %s\n",
				s.Documents, s.Issues, out, s.Pages, s.Files, s.Written, s.Unchanged, s.Removed, r.duration.Round(time.Millisecond))
			if *verbose {
				fmt.Fprintf(stdout, "gazette: time by phase: %s\n", phases(r))
				if r.stats.Spilled > 0 {
					fmt.Fprintf(stdout, "gazette: %.1f MB of the search index (postings and their terms) went through a scratch file\n", float64(r.stats.Spilled)/1e6)
				}
				if r.stats.SpillErr != nil {
					fmt.Fprintf(stdout, "gazette: could not write search postings to a scratch file (%v): kept them in memory\n", r.stats.SpillErr)
				}
			}
		}
	}
	return exitOK
}

// summary is what -json prints.
type summary struct {
	Documents int `json:"documents"`
	Issues    int `json:"issues"`
	Pages     int `json:"pages"`
	Files     int `json:"files"`
	Written   int `json:"written"`
	Unchanged int `json:"unchanged"`
	Removed   int `json:"removed"`
	Warnings  int `json:"warnings"`
	// Cached is true when nothing changed since the last build, which was
	// therefore skipped; the counts are the last build's.
	Cached  bool    `json:"cached"`
	Seconds float64 `json:"seconds"`
}

// buildOptions are the inputs of one build.
type buildOptions struct {
	cfg        generator.Config
	contentDir string
	out        string
	inject     string    // HTML for every page (serve's reload script)
	force      bool      // ignore the previous output and the cache
	wait       bool      // wait for another build of out instead of failing
	progress   io.Writer // a terminal for a progress line, or nil
	memProfile string    // a file for a heap profile after the scan, or ""
}

// buildResult is what one build did.
type buildResult struct {
	stats     generator.Stats
	pstats    publish.Stats
	warnings  diag.List
	cached    bool   // nothing changed: the build was skipped
	cacheNote string // why the cache was not used, for -v
	duration  time.Duration
	prepare   time.Duration // lock, input key and cache check, before the build
	cpu       time.Duration // CPU time of the whole build (0 where unknown)
	prepCPU   time.Duration // CPU time of prepare
}

func (r buildResult) summary() summary {
	return summary{
		Documents: r.stats.Documents, Issues: r.stats.Issues, Pages: r.stats.Pages, Files: r.stats.Files,
		Written: r.pstats.Written, Unchanged: r.pstats.Unchanged, Removed: r.pstats.Removed,
		Warnings: len(r.warnings), Cached: r.cached, Seconds: r.duration.Seconds(),
	}
}

// cacheDirName is the build cache folder beside config.toml.
const cacheDirName = ".gazette-cache"

// buildSite locks the output, skips the build when the cache shows that
// neither the inputs nor the output changed, and otherwise builds through
// a staging folder, swaps it in and records the new output in the cache.
func buildSite(ctx context.Context, o buildOptions) (r buildResult, err error) {
	start, startCPU := time.Now(), generator.ProcessCPU()
	defer func() { r.duration, r.cpu = time.Since(start), generator.ProcessCPU()-startCPU }()
	var written atomic.Int64
	stage, err := publish.Start(ctx, o.out, publish.Options{
		Wait: o.wait, Fresh: o.force, KeepLock: true,
		OnWrite: func() { written.Add(1) },
	})
	if err != nil {
		var le *publish.LockedError
		if errors.As(err, &le) {
			return r, err
		}
		return r, fmt.Errorf("preparing %s: %w", o.out, err)
	}
	defer stage.Close()

	cacheDir := o.cfg.Path(cacheDirName)
	key, contentSize, err := inputKey(o)
	if err == nil {
		setMemoryBudget(contentSize)
	}
	switch {
	case err != nil:
		r.cacheNote = "build cache not used: " + err.Error()
	case o.cfg.Timestamps:
		key, r.cacheNote = "", "build cache not used: timestamps = true makes every build differ"
	case o.force:
		r.cacheNote = "build cache ignored (-force)"
	}
	total := 0
	if key != "" && !o.force {
		m, err := cache.Load(cacheDir, o.out)
		switch {
		case err == nil:
			total = len(m.Files)
			if ok, why := m.Fresh(key); ok {
				var saved savedBuild
				if err := json.Unmarshal(m.Summary, &saved); err == nil {
					stage.Abort()
					r.cached = true
					r.stats = saved.Stats
					for _, w := range saved.Warnings {
						w.Severity = diag.Warning
						r.warnings = append(r.warnings, w)
					}
					r.pstats.Unchanged = len(m.Files)
					return r, nil
				}
				r.cacheNote = "build cache ignored: its summary does not parse"
			} else {
				r.cacheNote = "rebuilding: " + why
			}
		case !errors.Is(err, cache.ErrNone):
			r.cacheNote = "build cache ignored: " + err.Error()
		}
	} else if m, err := cache.Load(cacheDir, o.out); err == nil {
		total = len(m.Files) // for the progress line only
	}

	r.prepare, r.prepCPU = time.Since(start), generator.ProcessCPU()-startCPU
	stop := startProgress(o.progress, &written, total)
	rel, err := filepath.Rel(o.cfg.Dir, o.contentDir)
	if err != nil || rel == "" {
		rel = o.contentDir
	}
	r.stats, r.warnings, err = generator.Build(ctx, generator.Options{
		Config:      o.cfg,
		Content:     os.DirFS(o.contentDir),
		ContentName: filepath.ToSlash(rel) + "/",
		Out:         stage,
		Inject:      o.inject,
		AfterScan:   afterScan(o.memProfile),
		ScratchDir:  filepath.Dir(stage.Staged()),
	})
	stop()
	if err != nil {
		stage.Abort()
		return r, err
	}
	// Forget the previous output before it is replaced, so a build killed
	// from here on can never leave a manifest that vouches for it.
	cache.Remove(cacheDir, o.out)
	r.pstats, err = stage.Commit()
	if err != nil {
		return r, err
	}
	if key != "" {
		if err := saveManifest(cacheDir, o.out, key, savedBuild{r.stats, r.warnings}); err != nil {
			r.cacheNote = err.Error()
		}
	}
	return r, nil
}

// inputKey hashes everything a build reads: config, content, theme,
// injected HTML and the gazette executable itself.
func inputKey(o buildOptions) (key string, contentSize int64, err error) {
	k := cache.NewKey()
	cfg, err := json.Marshal(o.cfg)
	if err != nil {
		return "", 0, err
	}
	k.Add("config", cfg)
	k.Add("inject", []byte(o.inject))
	abs, _ := filepath.Abs(o.contentDir)
	k.Add("content-dir", []byte(abs))
	before := k.Size()
	if err := k.AddFS("content", os.DirFS(o.contentDir)); err != nil {
		return "", 0, fmt.Errorf("reading content: %w", err)
	}
	contentSize = k.Size() - before
	if err := k.AddFS("theme", generator.ThemeFS(o.cfg)); err != nil {
		return "", 0, fmt.Errorf("reading the theme: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return "", 0, err
	}
	if err := k.AddFile("gazette", exe); err != nil {
		return "", 0, err
	}
	return k.Sum(), contentSize, nil
}

// savedBuild is what the cache keeps of a build to report it again when
// the next build is skipped: its counts and its warnings.
type savedBuild struct {
	Stats    generator.Stats `json:"stats"`
	Warnings []diag.Problem  `json:"warnings,omitempty"`
}

func saveManifest(cacheDir, out, key string, st savedBuild) error {
	files, err := cache.Scan(out)
	if err != nil {
		return fmt.Errorf("build cache not saved: %w", err)
	}
	sum, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return cache.Save(cacheDir, cache.Manifest{Key: key, Out: out, Files: files, Summary: sum})
}

// startProgress prints "gazette: building… 1234/30000 files" on w every
// quarter second once a build has run for a second, and clears the line
// when stopped. total is the file count of the last build, or 0.
func startProgress(w io.Writer, n *atomic.Int64, total int) (stop func()) {
	if w == nil {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(w, "\r\033[K")
				}
				return
			case <-tick.C:
				if time.Since(start) < time.Second {
					continue
				}
				fmt.Fprint(w, progressLine(int(n.Load()), total, time.Since(start)))
				shown = true
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// progressLine is one state of the progress line, starting with a
// carriage return so each overwrites the last.
func progressLine(n, total int, elapsed time.Duration) string {
	secs := int(elapsed.Seconds())
	if total > 0 && n <= total {
		return fmt.Sprintf("\r\033[Kgazette: building… %d/%d files (%d%%), %ds", n, total, n*100/total, secs)
	}
	return fmt.Sprintf("\r\033[Kgazette: building… %d files, %ds", n, secs)
}

// printErr prints every problem of err on its own line, prefixed gazette:.
func printErr(w io.Writer, err error) {
	var list diag.List
	if errors.As(err, &list) {
		for _, p := range list {
			fmt.Fprintf(w, "gazette: %s\n", p.Error())
		}
		if n := len(list.Errors()); n > 1 {
			fmt.Fprintf(w, "gazette: %d errors\n", n)
		}
		return
	}
	fmt.Fprintf(w, "gazette: %v\n", err)
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// isTerminal reports whether w is a terminal, where a summary line helps;
// under cron it is a pipe or file and the build stays silent.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// phases says where a build's time went: "key 0.5s, load 1.2s, …";
// key is the input key and cache check before the build, commit what
// publishing and recording the output took after it.
func phases(r buildResult) string {
	var b strings.Builder
	wall, cpu := r.duration, r.cpu
	phase := func(name string, d, c time.Duration) {
		fmt.Fprintf(&b, "%s %s", name, d.Round(10*time.Millisecond))
		if r.cpu > 0 {
			fmt.Fprintf(&b, " (%s CPU)", c.Round(10*time.Millisecond))
		}
		wall, cpu = wall-d, cpu-c
	}
	phase("key", r.prepare, r.prepCPU)
	for _, p := range r.stats.Phases {
		b.WriteString(", ")
		phase(p.Name, p.Duration, p.CPU)
	}
	b.WriteString(", ")
	phase("commit", max(wall, 0), max(cpu, 0))
	return b.String()
}

// startRecording starts a recording of the build (a CPU profile, a
// trace) into file, and returns what ends it and closes the file.
func startRecording(file, what string, start func(io.Writer) error, stop func()) (func(), error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", what, err)
	}
	if err := start(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot record %s: %w", what, err)
	}
	return func() { stop(); f.Close() }, nil
}

// afterScan returns the hook a build calls after its scan, when its heap
// is largest: it writes a heap profile into file, if any (errors are
// ignored: a profile is a diagnostic), and gives the heap back the
// default limit if the build's memory budget turns out too small for it.
func afterScan(file string) func() {
	return func() {
		if file != "" {
			runtime.GC() // the profile shows what is live, as of now
			if f, err := os.Create(file); err == nil {
				pprof.WriteHeapProfile(f)
				f.Close()
			}
		}
		relaxMemoryBudget()
	}
}

// setMemoryBudget lets the Go heap grow to 256 MiB plus four times the
// archive's content, at most defaultMemoryLimit, and collects garbage only
// as it nears that (GOGC=400 under the limit) rather than each time the
// heap doubles. A build allocates tens of times its live heap (each page
// is made, minified and written, then dropped), and with the default
// pacing the collector marks a small live heap again every few megabytes
// early in the build. In-process at 10k (BenchmarkBuildCorpus) it saved
// 10 % of the CPU time for 110 MB more peak memory, about 650 MB, under
// half of Hugo's. At 100k the limit is the same 1.5 GiB as before and
// governs anyway. GOGC or GOMEMLIMIT in the environment turn this off.
func setMemoryBudget(contentSize int64) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(memoryBudget(contentSize))
	debug.SetGCPercent(400)
	budgetSet = true
}

// budgetSet says setMemoryBudget changed the collector's settings.
var budgetSet bool

func memoryBudget(contentSize int64) int64 {
	return min(256<<20+4*contentSize, defaultMemoryLimit)
}

// relaxMemoryBudget gives the heap the default limit again when its live
// part, measured at its largest, fills more than half of the budget: the
// collector would otherwise run again and again near the limit.
func relaxMemoryBudget() {
	if !budgetSet {
		return
	}
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	limit := debug.SetMemoryLimit(-1)
	if l := relaxedLimit(int64(sample[0].Value.Uint64()), limit); l != limit {
		debug.SetMemoryLimit(l)
	}
}

// relaxedLimit is the heap limit for a live heap of live bytes under a
// budget of limit: the default limit once live fills more than half.
func relaxedLimit(live, limit int64) int64 {
	if live > limit/2 {
		return max(limit, defaultMemoryLimit)
	}
	return limit
}
