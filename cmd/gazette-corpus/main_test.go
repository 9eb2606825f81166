package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"gazette/generator"
	"gazette/generator/content"
	"gazette/generator/docnum"
)

// generateTB writes a corpus of n documents with the built-in vocabulary
// and returns its root.
func generateTB(tb testing.TB, n int, seed uint64) string {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "corpus")
	var stdout, stderr bytes.Buffer
	args := []string{"-n", fmt.Sprint(n), "-seed", fmt.Sprint(seed), "-vocab", tb.TempDir(), "-q", "-o", out}
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		tb.Fatalf("run %v = %d; stderr:\n%s", args, code, stderr.String())
	}
	return out
}

// corpusFacts is what a walk over a generated tree finds.
type corpusFacts struct {
	docs       map[string]*content.Document // by ID
	bodies     map[string]string
	issues     map[string]*content.Issue // by folder below content/
	gazettes   int
	docBytes   int
	standalone int
}

// readCorpus decodes every file of the corpus with content.Decode and fails
// on any problem.
func readCorpus(tb testing.TB, root string) corpusFacts {
	tb.Helper()
	f := corpusFacts{docs: map[string]*content.Document{}, bodies: map[string]string{}, issues: map[string]*content.Issue{}}
	fsys := os.DirFS(filepath.Join(root, "content"))
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if path.Ext(p) != ".md" {
			tb.Errorf("%s: unexpected file", p)
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		switch content.KindOf(path.Base(p)) {
		case content.KindGazette:
			var g content.Gazette
			_, _, problems := content.Decode(p, data, &g)
			checkProblems(tb, problems)
			if g.Name == "" || g.Region == "" {
				tb.Errorf("%s: gazette without name or region", p)
			}
			f.gazettes++
		case content.KindIssue:
			var is content.Issue
			_, _, problems := content.Decode(p, data, &is)
			checkProblems(tb, problems)
			if is.Year == 0 || is.Number == 0 || is.Date.IsZero() || len(is.Sections) == 0 {
				tb.Errorf("%s: issue lacks year, number, date or sections: %+v", p, is)
			}
			f.issues[path.Dir(p)] = &is
		default:
			var doc content.Document
			body, _, problems := content.Decode(p, data, &doc)
			checkProblems(tb, problems)
			if doc.Title == "" || len(doc.Issuers) == 0 {
				tb.Errorf("%s: document without title or issuers", p)
			}
			if len(strings.TrimSpace(body)) == 0 {
				tb.Errorf("%s: empty body", p)
			}
			id := strings.TrimSuffix(p, ".md")
			f.docs[id] = &doc
			f.bodies[id] = body
			f.docBytes += len(data)
			if strings.HasPrefix(p, "documents/") {
				f.standalone++
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return f
}

func checkProblems(tb testing.TB, problems interface{ Err() error }) {
	tb.Helper()
	if err := problems.Err(); err != nil {
		tb.Error(err)
	}
}

func TestCorpusIsValidContent(t *testing.T) {
	const n = 300
	root := generateTB(t, n, 1)
	f := readCorpus(t, root)

	if len(f.docs) != n {
		t.Errorf("documents = %d, want %d", len(f.docs), n)
	}
	if f.gazettes < 2 || len(f.issues) < 10 || f.standalone == 0 {
		t.Errorf("gazettes = %d, issues = %d, standalone = %d: want several of each", f.gazettes, len(f.issues), f.standalone)
	}
	if avg := f.docBytes / n; avg < 6000 || avg > 13000 {
		t.Errorf("average document = %d bytes, want about 9,500", avg)
	}

	// config.toml is read by the generator's own loader.
	cfg, err := generator.LoadConfig(filepath.Join(root, "config.toml"), false)
	if err != nil {
		t.Fatalf("config.toml: %v", err)
	}
	if cfg.Title == "" || cfg.BaseURL != "https://example.org/" || cfg.ContentDir != "content" {
		t.Errorf("config = %+v", cfg)
	}

	numbers := map[string]string{} // canonical 文号 → ID
	var joint, plans int
	for id, d := range f.docs {
		if len(d.Issuers) > 1 {
			joint++
		}
		if d.DocNumber != "" {
			num, ok := docnum.Parse(d.DocNumber)
			if !ok || num.Canonical() != d.DocNumber {
				t.Errorf("%s: doc_number %q is not a canonical 文号", id, d.DocNumber)
			}
			if d.DocNumberPrinted != "" {
				if p, ok := docnum.Parse(d.DocNumberPrinted); !ok || p.Canonical() != d.DocNumber {
					t.Errorf("%s: doc_number_printed %q does not parse to %q", id, d.DocNumberPrinted, d.DocNumber)
				}
			}
			if other, dup := numbers[d.DocNumber]; dup {
				t.Errorf("%s and %s share doc_number %s", id, other, d.DocNumber)
			}
			numbers[d.DocNumber] = id
		}
		if d.Parent != "" {
			plans++
			if _, ok := f.docs[d.Parent]; !ok {
				t.Errorf("%s: parent %q is not a document", id, d.Parent)
			}
			if path.Dir(id) != d.Parent {
				t.Errorf("%s: a plan must be in the folder named after its notice %s", id, d.Parent)
			}
		}
	}
	if share := float64(joint) / n; share < 0.05 || share > 0.2 {
		t.Errorf("joint issuance share = %.2f, want about 0.1", share)
	}
	if plans < n/10 {
		t.Errorf("plans = %d, want a good share of %d", plans, n)
	}

	// Every TOC entry points at a document of its issue.
	for dir, is := range f.issues {
		for _, s := range is.Sections {
			for _, e := range s.Entries {
				d, ok := f.docs[dir+"/"+e.Doc]
				if !ok {
					t.Errorf("%s/_issue.md: entry %q: no document %s", dir, e.Title, e.Doc)
					continue
				}
				if d.Title != e.Title || d.DocNumber != e.DocNumber {
					t.Errorf("%s/_issue.md: entry %q %q disagrees with %s: %q %q", dir, e.Title, e.DocNumber, e.Doc, d.Title, d.DocNumber)
				}
			}
		}
	}

	// Citations: some resolve to documents of the corpus, some do not.
	var in, out, repeals int
	for _, body := range f.bodies {
		for _, m := range docnum.Find(body) {
			if _, ok := numbers[m.Canonical()]; ok {
				in++
			} else {
				out++
			}
		}
		repeals += strings.Count(body, "同时废止")
	}
	if in == 0 || out == 0 || repeals == 0 {
		t.Errorf("citations in corpus = %d, outside = %d, repeals = %d: want some of each", in, out, repeals)
	}
}

// treeHash maps each file of a tree to the hash of its contents.
func treeHash(tb testing.TB, root string) map[string][32]byte {
	tb.Helper()
	m := map[string][32]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		m[filepath.ToSlash(rel)] = sha256.Sum256(data)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func TestDeterministic(t *testing.T) {
	a := treeHash(t, generateTB(t, 250, 7))
	b := treeHash(t, generateTB(t, 250, 7))
	if len(a) != len(b) {
		t.Fatalf("same seed: %d files, then %d", len(a), len(b))
	}
	for p, h := range a {
		if b[p] != h {
			t.Errorf("same seed: %s differs or is missing", p)
		}
	}
	c := treeHash(t, generateTB(t, 250, 8))
	same := 0
	for p, h := range a {
		if c[p] == h {
			same++
		}
	}
	if same > len(a)/2 {
		t.Errorf("seeds 7 and 8 share %d of %d files: the seed has no effect", same, len(a))
	}
}

func TestRunErrors(t *testing.T) {
	full := t.TempDir()
	if err := os.WriteFile(filepath.Join(full, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no output", []string{"-n", "10"}, 2, "usage"},
		{"zero documents", []string{"-n", "0", "-o", t.TempDir()}, 2, "usage"},
		{"extra argument", []string{"-o", t.TempDir(), "x"}, 2, "usage"},
		{"not empty", []string{"-n", "10", "-o", full}, 1, "add -force"},
		{"force on a foreign folder", []string{"-n", "10", "-force", "-o", full}, 1, "does not look like a corpus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code || !strings.Contains(stderr.String(), tt.msg) {
				t.Errorf("run(%v) = %d, stderr %q; want %d and %q", tt.args, code, stderr.String(), tt.code, tt.msg)
			}
		})
	}
}

func TestForceReplacesCorpus(t *testing.T) {
	root := generateTB(t, 20, 1)
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"-n", "15", "-force", "-q", "-vocab", t.TempDir(), "-o", root}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if got := len(readCorpus(t, root).docs); got != 15 {
		t.Errorf("after -force: %d documents, want 15", got)
	}
}

func TestVocab(t *testing.T) {
	dir := t.TempDir()
	md := "+++\ntitle = \"前言不算句子。这里也不算。\"\n+++\n\n## 一、总体要求\n\n" +
		"深入贯彻落实党的二十大精神，推动高质量发展。\n\n" +
		"- 依据《张掖市人民政府关于加强安全生产工作的通知》开展检查工作。\n" +
		"| 序号 | 表格里的文字不要当作句子来用。 |\n" +
		"括号没有配对（的句子不能用来生成正文内容。\n"
	if err := os.WriteFile(filepath.Join(dir, "a.md"), []byte(md), 0o644); err != nil {
		t.Fatal(err)
	}
	v, files, err := loadVocab([]string{dir, filepath.Join(dir, "missing")})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"深入贯彻落实党的二十大精神，推动高质量发展。", "依据《张掖市人民政府关于加强安全生产工作的通知》开展检查工作。"}
	if len(files) != 1 || strings.Join(v.sentences, "|") != strings.Join(want, "|") {
		t.Errorf("files %v, sentences %q; want %q", files, v.sentences, want)
	}
	if len(v.titles) != 1 || v.titles[0] != "张掖市人民政府关于加强安全生产工作的通知" {
		t.Errorf("titles = %q", v.titles)
	}
	if len(v.phrases) == 0 {
		t.Error("no phrases")
	}
	if s := sampleVocab(); len(s.sentences) < minSentences {
		t.Errorf("built-in sample has %d sentences, want at least %d", len(s.sentences), minSentences)
	}
}

func TestChineseNumerals(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{1, "一"}, {9, "九"}, {10, "十"}, {12, "十二"}, {20, "二十"}, {23, "二十三"}, {99, "九十九"}, {100, "100"}}
	for _, tt := range tests {
		if got := cn(tt.n); got != tt.want {
			t.Errorf("cn(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestRegionsAreDistinct(t *testing.T) {
	slugs, prefixes := map[string]int{}, map[string]int{}
	for i := range maxGazettes {
		r := regionFor(i)
		if j, dup := slugs[r.slug]; dup {
			t.Errorf("regions %d and %d share slug %s", j, i, r.slug)
		}
		slugs[r.slug] = i
		for _, o := range []organ{r.gov(), r.office(), r.party(), r.personnel(), r.dept(0)} {
			if j, dup := prefixes[o.prefix]; dup && j != i {
				t.Errorf("regions %d and %d share 文号 prefix %s", j, i, o.prefix)
			}
			prefixes[o.prefix] = i
		}
	}
}
