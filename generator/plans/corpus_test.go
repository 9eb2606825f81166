package plans

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"

	"gazette/generator/content"
)

// A corpus is a site folder with a content/ folder, such as the generated
// ../../scale/10000 or the shipped archive ../..; GAZETTE_CORPUS names one.
// The corpus tests and benchmark skip when it is unset.

// corpusDoc is one document of a corpus; maybe says whether the generator
// parses it for tasks (front-matter tasks, or MayHaveTasks).
type corpusDoc struct {
	name  string
	doc   content.Document
	src   []byte
	maybe bool
}

// corpusDocs reads the documents of the GAZETTE_CORPUS folder.
func corpusDocs(tb testing.TB) (string, []corpusDoc) {
	tb.Helper()
	dir := os.Getenv("GAZETTE_CORPUS")
	if dir == "" {
		tb.Skip("GAZETTE_CORPUS is not set")
	}
	var docs []corpusDoc
	root := filepath.Join(dir, "content")
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".md") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		_, body, _, err := content.Split(data)
		if err != nil {
			return nil
		}
		var d content.Document
		content.Decode(p, data, &d) // problems do not matter here: only title and tasks are used
		rel, _ := filepath.Rel(root, p)
		docs = append(docs, corpusDoc{name: filepath.ToSlash(rel), doc: d, src: []byte(body), maybe: len(d.Tasks) > 0 || MayHaveTasks(body)})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(docs) == 0 {
		tb.Fatalf("%s: no documents", root)
	}
	return filepath.Clean(dir), docs
}

// candidates are the documents the generator parses for tasks.
func candidates(docs []corpusDoc) []corpusDoc {
	var out []corpusDoc
	for _, d := range docs {
		if d.maybe {
			out = append(out, d)
		}
	}
	return out
}

// TestCorpusUnchanged guards the results of the package on a whole corpus:
// the SHA-256 of the tasks and stages the generator keeps for each of its
// documents (FromContent under Headings, or else Extract; Stages where
// there are tasks) must be the one testdata/corpus.sha256 records for the
// corpus. Every document is parsed, and one with tasks that MayHaveTasks
// passes over is an error. A corpus not listed there is skipped with its
// hash, to be added by hand after checking the results.
func TestCorpusUnchanged(t *testing.T) {
	dir, docs := corpusDocs(t)
	h := sha256.New()
	p := NewParser()
	n := 0
	for _, d := range docs {
		root := p.Parse(text.NewReader(d.src))
		var tasks []Task
		if len(d.doc.Tasks) > 0 {
			tasks = FromContent(d.doc.Tasks, Headings(d.src, root))
		} else {
			tasks = Extract(d.doc.Title, d.src, root)
		}
		if len(tasks) == 0 {
			continue
		}
		n++
		if !d.maybe {
			t.Errorf("%s: %d tasks, but MayHaveTasks is false", d.name, len(tasks))
		}
		fmt.Fprintf(h, "%s\n%#v\n%#v\n", d.name, tasks, Stages(d.src, root))
	}
	got := hex.EncodeToString(h.Sum(nil))

	want, err := recordedHash(dir)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case want == "":
		t.Skipf("%s: %d documents with tasks of %d, hash %s not recorded in testdata/corpus.sha256", dir, n, len(docs), got)
	case got != want:
		t.Errorf("%s: %d documents with tasks of %d hash to %s, want %s: results changed", dir, n, len(docs), got, want)
	default:
		t.Logf("%s: %d documents with tasks of %d (%d parsed by the generator), hash %s", dir, n, len(docs), len(candidates(docs)), got)
	}
}

// recordedHash is the hash testdata/corpus.sha256 records for dir: lines
// of a hash and a corpus folder, as given in GAZETTE_CORPUS.
func recordedHash(dir string) (string, error) {
	f, err := os.Open("testdata/corpus.sha256")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		hash, name, ok := strings.Cut(sc.Text(), " ")
		if ok && filepath.Clean(strings.TrimSpace(name)) == dir {
			return hash, nil
		}
	}
	return "", sc.Err()
}

// BenchmarkExtractCorpus times parse, Extract and Stages for each document
// of a corpus the generator parses for tasks (it reads a document with
// front-matter tasks with Headings and FromContent instead of Extract).
func BenchmarkExtractCorpus(b *testing.B) {
	_, docs := corpusDocs(b)
	docs = candidates(docs)
	p := NewParser()
	var n int64
	for _, d := range docs {
		n += int64(len(d.src))
	}
	b.SetBytes(n)
	for b.Loop() {
		for _, d := range docs {
			root := p.Parse(text.NewReader(d.src))
			if len(Extract(d.doc.Title, d.src, root)) > 0 {
				Stages(d.src, root)
			}
		}
	}
}

// BenchmarkOutlineCorpus times Headings and Stages on the parsed documents
// of a corpus: the generator calls them on the tree Extract or FromContent
// read.
func BenchmarkOutlineCorpus(b *testing.B) {
	_, docs := corpusDocs(b)
	docs = candidates(docs)
	p := NewParser()
	roots := make([]ast.Node, len(docs))
	for i, d := range docs {
		roots[i] = p.Parse(text.NewReader(d.src))
	}
	b.ResetTimer()
	for b.Loop() {
		for i, d := range docs {
			Headings(d.src, roots[i])
			Stages(d.src, roots[i])
		}
	}
}

// BenchmarkMayHaveTasksCorpus times the quick test the generator runs on
// every document of a corpus before it parses any for tasks.
func BenchmarkMayHaveTasksCorpus(b *testing.B) {
	_, docs := corpusDocs(b)
	bodies := make([]string, len(docs))
	var n int64
	for i, d := range docs {
		bodies[i] = string(d.src)
		n += int64(len(d.src))
	}
	b.SetBytes(n)
	for b.Loop() {
		for _, body := range bodies {
			MayHaveTasks(body)
		}
	}
}
