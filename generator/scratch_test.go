package generator

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"gazette/generator/xref"
)

// TestScratchMatchesMemory builds the shipped archive three ways: body
// HTML kept in memory, kept in a scratch file, and rendered again because
// no scratch file could be made. The outputs must be the same bytes.
func TestScratchMatchesMemory(t *testing.T) {
	var spilled int64 // by the last build
	build := func(budget int64, tmp string, segment int) map[string][]byte {
		t.Helper()
		old, oldSegment := keptHTMLBudget, searchSegmentBytes
		keptHTMLBudget, searchSegmentBytes = budget, segment
		defer func() { keptHTMLBudget, searchSegmentBytes = old, oldSegment }()
		cfg, err := LoadConfig("../config.toml", false)
		if err != nil {
			t.Fatal(err)
		}
		out := &memOutput{}
		st, _, err := Build(context.Background(), Options{Config: cfg, Content: os.DirFS("../content"), ContentName: "content/", Out: out, ScratchDir: tmp})
		if err != nil {
			t.Fatal(err)
		}
		spilled = st.Spilled
		return out.files
	}
	tmp := t.TempDir()
	memory := build(1<<40, tmp, 1)
	for _, tt := range []struct {
		name    string
		tmp     string
		segment int // search postings spilled past this many bytes
	}{
		{"scratch file", tmp, 1 << 30},
		{"scratch file, search postings spilled after each document", tmp, 1},
		{"scratch file, search postings spilled now and then", tmp, 300 << 10},
		{"no scratch file", filepath.Join(tmp, "missing"), 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := build(0, tt.tmp, tt.segment)
			if want := tt.segment < 1<<30 && tt.tmp == tmp; (spilled > 0) != want {
				t.Errorf("%d bytes of search postings spilled; want some: %v", spilled, want)
			}
			if len(got) != len(memory) {
				t.Fatalf("%d files, want %d", len(got), len(memory))
			}
			for name, want := range memory {
				if !bytes.Equal(got[name], want) {
					t.Errorf("%s differs from the build that kept HTML in memory", name)
				}
			}
		})
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("scratch files left behind: %v", entries)
	}
}

func TestScratch(t *testing.T) {
	s := newScratch(t.TempDir())
	if s == nil {
		t.Fatal("no scratch file")
	}
	docs := []*Doc{{}, {}, {}, {}}
	outline := []Heading{{1, "s1", "一、总体要求"}, {2, "s2", ""}, {3, "", "（一）"}}
	for i, tt := range []struct {
		html    string
		outline []Heading
	}{{"<p>一</p>", outline}, {"", outline}, {"<p>三</p>", nil}, {"<p>四</p>", outline[:1]}} {
		if got, want := s.put(docs[i], []byte(tt.html), tt.outline), tt.html != ""; got != want {
			t.Errorf("put %d = %v, want %v (an empty body is not stored)", i, got, want)
		}
	}
	var buf []byte
	for i, tt := range []struct {
		html    string
		outline []Heading
	}{{"<p>一</p>", outline}, {"", nil}, {"<p>三</p>", nil}, {"<p>四</p>", outline[:1]}} {
		// One buffer for every read, as the pages share pooled ones: each
		// page's HTML must be whole while it is read.
		html, got, b, ok := s.get(docs[i], buf)
		if ok && cap(buf) >= docs[i].spilled.n && &b[0] != &buf[:1][0] {
			t.Errorf("doc %d: a buffer large enough was not reused", i)
		}
		buf = b
		if ok != (tt.html != "") || string(html) != tt.html || !reflect.DeepEqual(got, tt.outline) {
			t.Errorf("doc %d: got %q, %v, %v; want %q, %v", i, html, got, ok, tt.html, tt.outline)
		}
	}
	s.close()
	if _, _, _, ok := s.get(docs[0], nil); ok {
		t.Error("read from a closed scratch file")
	}
	// A failed write (here: to a closed file) leaves the page to render
	// its body again.
	d := &Doc{}
	if s.put(d, []byte("<p>x</p>"), nil) || d.spilled.n != 0 {
		t.Error("a failed write was recorded")
	}
	if newScratch(filepath.Join(t.TempDir(), "missing")) != nil {
		t.Error("newScratch made a file in a missing folder")
	}
}

// TestReadBody reads a body again as pass 1 does: taken from the file's
// end when the file is byte for byte as loaded (a byte order mark is no
// matter), split, folded and checked again otherwise (CRLF, any edit).
func TestReadBody(t *testing.T) {
	const front = "+++\ntitle = \"关于印发某方案的通知\"\n+++\n"
	long := strings.Repeat("字", maxLineBytes)
	tests := []struct {
		name, loaded, now string
		want, err         string
	}{
		{"unchanged", front + "正文。\n", front + "正文。\n", "正文。\n", ""},
		{"CRLF", front + "正文。\r\n", front + "正文。\r\n", "正文。\n", ""},
		{"byte order mark", "\ufeff" + front + "正文。\n", "\ufeff" + front + "正文。\n", "正文。\n", ""},
		{"edited since", front + "正文。\n", front + "新的正文。\n", "新的正文。\n", ""},
		{"front matter edited", front + "正文。\n", "+++\ntitle = \"另一个\"\n+++\n正文。\n", "正文。\n", ""},
		{"body moved", front + "正文。\n", front + "\n\n正文。\n", "\n\n正文。\n", ""},
		{"broken since", front + "正文。\n", front + long + "\n", "", "line is"},
		{"gone since", front + "正文。\n", "", "", "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"a.md": {Data: []byte(tt.loaded)}}
			f := loadFile(fsys, "a.md", "content/", new(planWorker), loadOptions{})
			if f.problems.HasErrors() {
				t.Fatal(f.problems)
			}
			d := &Doc{File: "content/a.md", path: "a.md", bodyLen: f.bodyLen, fileSum: f.fileSum}
			if tt.now == "" {
				delete(fsys, "a.md")
			} else {
				fsys["a.md"] = &fstest.MapFile{Data: []byte(tt.now)}
			}
			got, err := readBody(fsys, d)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestScratchLost renders every page of the shipped archive after pass 1
// kept body HTML and outlines in a scratch file that can no longer be
// read: each page must render its body and outline again, the same bytes.
func TestScratchLost(t *testing.T) {
	old := keptHTMLBudget
	keptHTMLBudget = 0
	defer func() { keptHTMLBudget = old }()
	cfg, err := LoadConfig("../config.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	_, tpl, err := Options{Config: cfg}.theme()
	if err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS("../content")
	pages := func(lose bool) map[string][]byte {
		site, ps := loadSite(context.Background(), cfg, fsys, "content/", loadOptions{})
		if ps.HasErrors() {
			t.Fatal(ps)
		}
		site.scratchDir = t.TempDir()
		mds, ix := newMarkdownPool(1, nil), site.xrefIndex()
		if err := site.scanBodies(context.Background(), 1, fsys, mds, ix, nil); err != nil {
			t.Fatal(err)
		}
		if site.scratch == nil {
			t.Fatal("no scratch file")
		}
		if lose {
			site.scratch.f.Close()
		}
		defer site.scratch.close()
		out := map[string][]byte{}
		for _, j := range site.pageJobs(false) {
			b, err := site.renderPage(tpl, j, fsys, mds, func() *xref.Index { return ix })
			if err != nil {
				t.Fatal(err)
			}
			out[j.page.URL] = b
		}
		return out
	}
	want, got := pages(false), pages(true)
	if len(got) != len(want) {
		t.Fatalf("%d pages, want %d", len(got), len(want))
	}
	outlines := 0
	for url, b := range want {
		if !bytes.Equal(got[url], b) {
			t.Errorf("%s differs when the scratch file is lost", url)
		}
		if bytes.Contains(b, []byte(`class="l1"`)) || bytes.Contains(b, []byte(`class="l2"`)) {
			outlines++
		}
	}
	if outlines == 0 {
		t.Error("no page shows an outline: the test proves nothing")
	}
}

// countingFS counts the opens of each file.
type countingFS struct {
	fs.FS
	mu    sync.Mutex
	opens map[string]int
}

func (c *countingFS) Open(name string) (fs.File, error) {
	c.mu.Lock()
	c.opens[name]++
	c.mu.Unlock()
	return c.FS.Open(name)
}

// Stat is not an open: without it, fs.Stat would open the file.
func (c *countingFS) Stat(name string) (fs.FileInfo, error) { return fs.Stat(c.FS, name) }

// TestBodiesReadOnce: an archive whose HTML fits the budget has its
// bodies held from load to pass 1, so each content file is opened once;
// past the budget, documents are read again by pass 1.
func TestBodiesReadOnce(t *testing.T) {
	for _, tt := range []struct {
		name   string
		budget int64
		twice  bool // documents are opened twice
	}{
		{"held", 1 << 40, false},
		{"over the budget", 0, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			old := keptHTMLBudget
			keptHTMLBudget = tt.budget
			defer func() { keptHTMLBudget = old }()
			cfg, err := LoadConfig("../config.toml", false)
			if err != nil {
				t.Fatal(err)
			}
			c := &countingFS{FS: os.DirFS("../content"), opens: map[string]int{}}
			if _, _, err := Build(context.Background(), Options{Config: cfg, Content: c, ContentName: "content/", Out: &memOutput{}, ScratchDir: t.TempDir()}); err != nil {
				t.Fatal(err)
			}
			docs := 0
			for name, n := range c.opens {
				if !strings.HasSuffix(name, ".md") || strings.HasPrefix(path.Base(name), "_") {
					continue
				}
				docs++
				if twice := n >= 2; twice != tt.twice {
					t.Errorf("%s opened %d times", name, n)
				}
			}
			if docs == 0 {
				t.Fatal("no content file opened")
			}
		})
	}
}
