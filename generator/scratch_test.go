package generator

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/yuin/goldmark/parser"
)

// TestScratchMatchesMemory builds the shipped archive three ways: body
// HTML kept in memory, kept in a scratch file, and rendered again because
// no scratch file could be made. The outputs must be the same bytes.
func TestScratchMatchesMemory(t *testing.T) {
	build := func(budget int64, tmp string) map[string][]byte {
		t.Helper()
		old := keptHTMLBudget
		keptHTMLBudget = budget
		defer func() { keptHTMLBudget = old }()
		t.Setenv("TMPDIR", tmp)
		cfg, err := LoadConfig("../config.toml", false)
		if err != nil {
			t.Fatal(err)
		}
		out := &memOutput{}
		if _, _, err := Build(context.Background(), Options{Config: cfg, Content: os.DirFS("../content"), ContentName: "content/", Out: out}); err != nil {
			t.Fatal(err)
		}
		return out.files
	}
	tmp := t.TempDir()
	memory := build(1<<40, tmp)
	for _, tt := range []struct {
		name string
		tmp  string
	}{
		{"scratch file", tmp},
		{"no scratch file", filepath.Join(tmp, "missing")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := build(0, tt.tmp)
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
	t.Setenv("TMPDIR", t.TempDir())
	s := newScratch()
	if s == nil {
		t.Fatal("no scratch file")
	}
	docs := []*Doc{{}, {}, {}}
	s.put(docs[0], []byte("<p>一</p>"))
	s.put(docs[1], nil) // an empty body is not stored
	s.put(docs[2], []byte("<p>三</p>"))
	for i, want := range []string{"<p>一</p>", "", "<p>三</p>"} {
		got, ok := s.get(docs[i])
		if ok != (want != "") || string(got) != want {
			t.Errorf("doc %d: got %q, %v; want %q", i, got, ok, want)
		}
	}
	s.close()
	if _, ok := s.get(docs[0]); ok {
		t.Error("read from a closed scratch file")
	}
	// A failed write (here: to a closed file) leaves the page to render
	// its body again.
	d := &Doc{}
	s.put(d, []byte("<p>x</p>"))
	if d.spilled.n != 0 {
		t.Error("a failed write was recorded")
	}
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	if newScratch() != nil {
		t.Error("newScratch made a file in a missing folder")
	}
}

// TestReadBody reads a body again as pass 1 does: as loaded when the file
// is unchanged, folded and checked again when it is not the loaded body.
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
			f := loadFile(fsys, "a.md", "content/", new(parser.Parser), loadOptions{})
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
