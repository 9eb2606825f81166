package generator

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gazette/generator/diag"
)

// TestSessionMatchesBuild edits a copy of the test site step by step and
// checks after each step that the session's site, every file rendered,
// is byte for byte what a full Build of the same content writes, and that
// the session read and scanned only what the step changed.
func TestSessionMatchesBuild(t *testing.T) {
	t.Run("checking every file", func(t *testing.T) { testSessionMatchesBuild(t, false) })
	t.Run("told by a watcher", func(t *testing.T) { testSessionMatchesBuild(t, true) })
}

// testSessionMatchesBuild runs the steps; with watcher, the session is told
// which paths each step changed, as serve tells it.
func testSessionMatchesBuild(t *testing.T, watcher bool) {
	dir := t.TempDir()
	copyTree(t, "testdata/site/content", dir)
	cfg, err := LoadConfig("testdata/site/config.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	cfg.BaseURL = "https://example.org/archive/"
	opt := Options{Config: cfg, Content: os.DirFS(dir), ContentName: "content/", Inject: "<script>reload()</script>"}
	edit := func(name, old, new string) func(t *testing.T) {
		return func(t *testing.T) {
			p := filepath.Join(dir, name)
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(b, []byte(old)) {
				t.Fatalf("%s does not hold %q", name, old)
			}
			b = bytes.Replace(b, []byte(old), []byte(new), 1)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			// A later time than any earlier write, however coarse the
			// file system's clock.
			later := time.Now().Add(time.Duration(len(b)) * time.Second)
			os.Chtimes(p, later, later)
		}
	}
	doc := "demo/2024-02/szf-2024-005.md"
	tests := []struct {
		name    string
		change  func(t *testing.T)
		names   []string // what a watcher reports
		read    int      // files decoded again, -1: do not check
		rescan  bool     // every body scanned again (the citation index changed)
		wantErr string
	}{
		{name: "first", change: func(*testing.T) {}, read: -1},
		{name: "no change", change: func(*testing.T) {}, read: 0},
		{name: "body edit", change: edit(doc, "\n\n", "\n\n新增一段说明文字。\n\n"), names: []string{doc}, read: 1},
		{name: "title edit", change: edit(doc, "title = \"", "title = \"修订："), names: []string{doc}, read: 1, rescan: true},
		{name: "broken", change: edit(doc, "title = ", "title = = "), names: []string{doc}, read: 1, wantErr: "content/demo/2024-02/szf-2024-005.md:"},
		{name: "fixed", change: edit(doc, "title = = ", "title = "), names: []string{doc}, read: 1, rescan: false},
		{name: "delete", change: func(t *testing.T) {
			if err := os.Remove(filepath.Join(dir, "documents/report-2024.md")); err != nil {
				t.Fatal(err)
			}
		}, names: []string{"documents/report-2024.md"}, read: 0, rescan: true},
		{name: "new folder", change: func(t *testing.T) {
			os.MkdirAll(filepath.Join(dir, "documents/2025"), 0o755)
			os.WriteFile(filepath.Join(dir, "documents/2025/new.md"), []byte("+++\ntitle = \"新的工作方案\"\nissuers = [\"某县人民政府\"]\ndate_signed = 2025-01-02\n+++\n\n正文。\n"), 0o644)
		}, names: []string{"documents/2025"}, read: 1, rescan: true},
		{name: "folder replaced", change: func(t *testing.T) {
			// Moved away and another moved in: the watcher names only
			// the folder.
			if err := os.RemoveAll(filepath.Join(dir, "documents/2025")); err != nil {
				t.Fatal(err)
			}
			os.MkdirAll(filepath.Join(dir, "documents/2025"), 0o755)
			os.WriteFile(filepath.Join(dir, "documents/2025/new.md"), []byte("+++\ntitle = \"另一个工作方案\"\nissuers = [\"某县人民政府\"]\ndate_signed = 2025-01-02\n+++\n\n正文。\n"), 0o644)
			later := time.Now().Add(-time.Hour) // an old time, as a restored backup has
			os.Chtimes(filepath.Join(dir, "documents/2025/new.md"), later, later)
		}, names: []string{"documents/2025"}, read: 1, rescan: true},
		{name: "content folder named", change: func(*testing.T) {}, names: []string{"."}, read: 0},
		{name: "ignored folder", change: func(t *testing.T) {
			os.MkdirAll(filepath.Join(dir, "_drafts"), 0o755)
			os.WriteFile(filepath.Join(dir, "_drafts/draft.md"), []byte("+++\ntitle = \"草稿\"\n+++\n"), 0o644)
		}, names: []string{"_drafts", "_drafts/draft.md"}, read: 0},
		{name: "symbolic link", change: func(t *testing.T) {
			if err := os.Symlink("szf-2024-005.md", filepath.Join(dir, "demo/2024-02/link.md")); err != nil {
				t.Skip(err)
			}
		}, names: []string{"demo/2024-02/link.md"}, wantErr: "content/demo/2024-02/link.md: is a symbolic link"},
		{name: "link removed", change: func(t *testing.T) {
			os.Remove(filepath.Join(dir, "demo/2024-02/link.md"))
		}, names: []string{"demo/2024-02/link.md"}, read: 0},
		{name: "folder removed", change: func(t *testing.T) {
			if err := os.RemoveAll(filepath.Join(dir, "documents/2025")); err != nil {
				t.Fatal(err)
			}
		}, names: []string{"documents/2025"}, read: 0, rescan: true},
	}
	sess := NewSession()
	prev := map[string]*loaded{}
	prevScan := map[*loaded]*scanned{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.change(t)
			if watcher && tc.name != "first" {
				sess.Changed(tc.names...)
			}
			p, _, err := sess.Prepare(context.Background(), opt)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Prepare: got %v, want an error with %q", err, tc.wantErr)
				}
				if _, ok := err.(diag.List); !ok {
					t.Errorf("error is %T, want diag.List", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			read, rescanned := 0, 0
			for _, f := range p.site.loaded {
				if prev[f.path] != f {
					read++
				}
			}
			for _, d := range p.site.Docs {
				if old := prev[d.file.path]; old == d.file && prevScan[old] != d.file.scan {
					rescanned++
				}
			}
			if tc.read >= 0 && read != tc.read {
				t.Errorf("decoded %d files again, want %d", read, tc.read)
			}
			if tc.read >= 0 && (rescanned > 0) != tc.rescan {
				t.Errorf("scanned %d unchanged bodies again, want rescan=%v", rescanned, tc.rescan)
			}
			prev = map[string]*loaded{}
			for _, f := range p.site.loaded {
				prev[f.path] = f
			}
			prevScan = map[*loaded]*scanned{}
			for _, f := range p.site.loaded {
				prevScan[f] = f.scan
			}

			got := &memOutput{}
			if err := p.BuildAll(context.Background(), got); err != nil {
				t.Fatal(err)
			}
			want := &memOutput{}
			o := opt
			o.Out = want
			if _, _, err := Build(context.Background(), o); err != nil {
				t.Fatal(err)
			}
			gn, wn := got.names(), want.names()
			if strings.Join(gn, "\n") != strings.Join(wn, "\n") {
				t.Fatalf("files differ:\nsession %q\nbuild   %q", gn, wn)
			}
			for _, n := range wn {
				if !bytes.Equal(got.files[n], want.files[n]) {
					t.Errorf("%s differs from a full build", n)
				}
			}
			if _, ok, _ := p.File("no/such/page/index.html"); ok {
				t.Errorf("File reports a page that does not exist")
			}
		})
	}
}

// BenchmarkSessionEdit is what gazette serve does after a save: one
// document of the corpus named by $GAZETTE_CORPUS (copied to a temporary
// folder) is edited, then the session prepares the site again and renders
// that document's page.
//
//	GAZETTE_CORPUS=scale/10000 go test ./generator -run - -bench SessionEdit -benchtime 20x
func BenchmarkSessionEdit(b *testing.B) {
	src := os.Getenv("GAZETTE_CORPUS")
	if src == "" {
		b.Skip("set GAZETTE_CORPUS to a corpus folder made by cmd/gazette-corpus")
	}
	if !filepath.IsAbs(src) {
		src = filepath.Join("..", src)
	}
	cfg, err := LoadConfig(filepath.Join(src, "config.toml"), true)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	copyTree(b, cfg.Path(cfg.ContentDir), dir)
	opt := Options{Config: cfg, Content: os.DirFS(dir), ContentName: "content/"}
	sess := NewSession()
	p, _, err := sess.Prepare(context.Background(), opt)
	if err != nil {
		b.Fatal(err)
	}
	d := p.site.Docs[len(p.site.Docs)/2]
	file := filepath.Join(dir, filepath.FromSlash(d.path))
	page := outputName(d.URL)
	var prepare, render time.Duration
	for i := 0; b.Loop(); i++ {
		f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(f, "\n第%d次修改。\n", i)
		f.Close()
		sess.Changed(d.path) // as serve's watcher reports it
		t0 := time.Now()
		p, _, err := sess.Prepare(context.Background(), opt)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, ok, err := p.File(page); !ok || err != nil {
			b.Fatalf("%s: ok %v, %v", page, ok, err)
		}
		prepare += t1.Sub(t0)
		render += time.Since(t1)
	}
	b.ReportMetric(float64(prepare.Milliseconds())/float64(b.N), "prepare-ms/op")
	b.ReportMetric(float64(render.Microseconds())/1000/float64(b.N), "page-ms/op")
	// The first search after a save builds the index from the kept texts.
	t0 := time.Now()
	if _, ok, err := p.File("search/manifest.json"); !ok || err != nil {
		b.Fatalf("search/manifest.json: ok %v, %v", ok, err)
	}
	b.ReportMetric(float64(time.Since(t0).Milliseconds()), "search-ms")
}

// TestSessionChanged checks the watcher's contract: after Changed, only the
// files named are read again; after Forget (or without Changed), every
// file's size and time are checked.
func TestSessionChanged(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "testdata/site/content", dir)
	cfg, err := LoadConfig("testdata/site/config.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Config: cfg, Content: os.DirFS(dir), ContentName: "content/"}
	sess := NewSession()
	if _, _, err := sess.Prepare(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	const doc = "demo/2024-02/szf-2024-005.md"
	title := func(p *Prepared) string { return p.site.byID[strings.TrimSuffix(doc, ".md")].Meta.Title }
	p := filepath.Join(dir, doc)
	b, _ := os.ReadFile(p)
	b = bytes.Replace(b, []byte("title = \""), []byte("title = \"新"), 1)
	os.WriteFile(p, b, 0o644)
	later := time.Now().Add(time.Hour)
	os.Chtimes(p, later, later)

	steps := []struct {
		name string
		tell func()
		want string
	}{
		{"watcher names another file", func() { sess.Changed("documents/report-2024.md") }, "示范市人民政府关于调整工作分工的通知"},
		{"watcher lost events", sess.Forget, "新示范市人民政府关于调整工作分工的通知"},
	}
	for _, st := range steps {
		st.tell()
		prep, _, err := sess.Prepare(context.Background(), opt)
		if err != nil {
			t.Fatal(err)
		}
		if got := title(prep); got != st.want {
			t.Errorf("%s: title %q, want %q", st.name, got, st.want)
		}
	}
}

// TestWarmSearchCancelled checks that a background search build cut short
// is not kept: the next search builds the index.
func TestWarmSearchCancelled(t *testing.T) {
	cfg, err := LoadConfig("testdata/site/config.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	p, _, err := NewSession().Prepare(context.Background(), Options{Config: cfg, Content: os.DirFS("testdata/site/content"), ContentName: "content/"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p.WarmSearch(ctx)
	b, ok, err := p.File("search/manifest.json")
	if !ok || err != nil || len(b) == 0 {
		t.Fatalf("search/manifest.json after a cancelled warm-up: %d bytes, ok %v, %v", len(b), ok, err)
	}
}

// failingFS fails to open one file while broken is set, as a file made
// unreadable (chmod 000) does.
type failingFS struct {
	fs.FS
	name   string
	broken *bool
}

func (f failingFS) Open(name string) (fs.File, error) {
	if *f.broken && name == f.name {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return f.FS.Open(name)
}

// TestSessionUnreadable: a file that could not be read is read again on
// the next Prepare, although making it readable changes neither its size
// nor its time and sends the preview no event.
func TestSessionUnreadable(t *testing.T) {
	cfg, err := LoadConfig("testdata/site/config.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	broken := true
	const doc = "documents/report-2024.md"
	opt := Options{Config: cfg, Content: failingFS{os.DirFS("testdata/site/content"), doc, &broken}, ContentName: "content/"}
	sess := NewSession()
	if _, _, err := sess.Prepare(context.Background(), opt); err == nil || !strings.Contains(err.Error(), "content/"+doc+": cannot read") {
		t.Fatalf("Prepare of an unreadable file: %v", err)
	}
	broken = false
	sess.Changed() // the watcher saw nothing
	if _, _, err := sess.Prepare(context.Background(), opt); err != nil {
		t.Fatalf("Prepare after the file became readable: %v", err)
	}
}

// TestSessionSearchShards checks the search index a session builds (the
// first search after a save in gazette serve) against a build's, on an
// archive large enough for several posting shards, which Finish writes
// from several goroutines at once (go test -race caught the session's
// unguarded map), reusing each goroutine's buffer.
func TestSessionSearchShards(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "testdata/site/content", dir)
	rng := rand.New(rand.NewPCG(1, 2))
	text := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteRune(rune(0x4e00 + rng.IntN(3000)))
		}
		return b.String()
	}
	for i := range 120 {
		doc := fmt.Sprintf("+++\ntitle = \"关于%s的通知\"\nissuers = [\"示范市人民政府\"]\ndate_published = 2023-%02d-%02dT09:00:00\n+++\n%s\n",
			text(6), 1+i%12, 1+i%28, text(400))
		if err := os.WriteFile(filepath.Join(dir, "documents", fmt.Sprintf("gen-%03d.md", i)), []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := LoadConfig("testdata/site/config.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Config: cfg, Content: os.DirFS(dir), ContentName: "content/"}
	out := &memOutput{}
	opt.Out = out
	if _, _, err := Build(context.Background(), opt); err != nil {
		t.Fatal(err)
	}
	opt.Out = nil
	p, _, err := NewSession().Prepare(context.Background(), opt)
	if err != nil {
		t.Fatal(err)
	}
	shards := 0
	for name, want := range out.files {
		if !strings.HasPrefix(name, "search/") || strings.HasSuffix(name, ".html") {
			continue
		}
		if strings.HasPrefix(name, "search/p-") {
			shards++
		}
		got, ok, err := p.File(name)
		if !ok || err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: ok %v, %v; the session's differs from the build's", name, ok, err)
		}
	}
	// several for each shard worker on a small machine, so that a worker's
	// buffer is reused while the session holds what was written from it
	if shards < 8 {
		t.Errorf("%d posting shards: the test needs at least 8", shards)
	}
}
