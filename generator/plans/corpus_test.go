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

// corpusDoc is one document of a corpus whose body may hold tasks.
type corpusDoc struct {
	name string
	doc  content.Document
	src  []byte
}

// corpusDocs reads the documents of the GAZETTE_CORPUS folder whose body
// names a unit label, as the generator's planWorker.extract selects them, or whose
// front matter lists tasks.
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
		if len(d.Tasks) == 0 && !MayHaveTasks(body) {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		docs = append(docs, corpusDoc{name: filepath.ToSlash(rel), doc: d, src: []byte(body)})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(docs) == 0 {
		tb.Fatalf("%s: no documents with unit labels", root)
	}
	return filepath.Clean(dir), docs
}

// TestCorpusUnchanged guards the results of the package on a whole corpus:
// the SHA-256 of everything Extract, Stages, Headings and FromContent
// return for its documents must be the one testdata/corpus.sha256 records
// for the corpus. A corpus not listed there is skipped with its hash, to be
// added by hand after checking the results.
func TestCorpusUnchanged(t *testing.T) {
	dir, docs := corpusDocs(t)
	h := sha256.New()
	p := NewParser()
	for _, d := range docs {
		root := p.Parse(text.NewReader(d.src))
		headings := Headings(d.src, root)
		fmt.Fprintf(h, "%s\n%#v\n%#v\n%#v\n", d.name, headings, Extract(d.doc.Title, d.src, root), Stages(d.src, root))
		if len(d.doc.Tasks) > 0 {
			fmt.Fprintf(h, "%#v\n", FromContent(d.doc.Tasks, headings))
		}
	}
	got := hex.EncodeToString(h.Sum(nil))

	want, err := recordedHash(dir)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case want == "":
		t.Skipf("%s: %d documents, hash %s not recorded in testdata/corpus.sha256", dir, len(docs), got)
	case got != want:
		t.Errorf("%s: %d documents hash to %s, want %s: results changed", dir, len(docs), got, want)
	default:
		t.Logf("%s: %d documents, hash %s", dir, len(docs), got)
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

// BenchmarkExtractCorpus times what the generator does for each document
// of a corpus that names a unit label: parse, Extract, and Stages.
func BenchmarkExtractCorpus(b *testing.B) {
	_, docs := corpusDocs(b)
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
