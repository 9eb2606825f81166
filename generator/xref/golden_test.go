package xref

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
)

var update = flag.Bool("update", false, "rewrite the output sections of testdata/cases/*.txt")

// A case file holds sections, each opened by a line "-- name --":
//
//	targets    one archived document per line: ID | URL | title | 文号 | parent
//	self       the ID of the citing document
//	input.md   the body
//	output.html     the rendered HTML (rewritten by -update)
//	citations  Citations(pc), one per line (rewritten by -update)
type caseFile struct {
	names    []string
	sections map[string]string
}

func readCase(tb testing.TB, path string) *caseFile {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	cf := &caseFile{sections: map[string]string{}}
	var name string
	var body strings.Builder
	flush := func() {
		if name != "" {
			cf.names = append(cf.names, name)
			cf.sections[name] = body.String()
		}
		body.Reset()
	}
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if t := strings.TrimSpace(line); strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") {
			flush()
			name = strings.TrimSuffix(strings.TrimPrefix(t, "-- "), " --")
			continue
		}
		if name == "" {
			continue // a comment before the first section
		}
		body.WriteString(line)
	}
	flush()
	return cf
}

func (cf *caseFile) write(tb testing.TB, path string) {
	tb.Helper()
	var b strings.Builder
	for _, n := range cf.names {
		fmt.Fprintf(&b, "-- %s --\n%s", n, cf.sections[n])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func (cf *caseFile) set(name, value string) {
	if _, ok := cf.sections[name]; !ok {
		cf.names = append(cf.names, name)
	}
	cf.sections[name] = value
}

func parseTargets(tb testing.TB, s string) []Target {
	tb.Helper()
	var ts []Target
	for _, line := range strings.Split(s, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "|")
		for len(f) < 5 {
			f = append(f, "")
		}
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		ts = append(ts, Target{ID: f[0], URL: f[1], Title: f[2], DocNumber: f[3], Parent: f[4]})
	}
	return ts
}

// newMarkdown is the goldmark setup the generator uses: GFM, CJK,
// definition lists, and xref.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(extension.GFM, extension.CJK, extension.DefinitionList, Extension))
}

func formatCitations(cs []Citation) string {
	var b strings.Builder
	for _, c := range cs {
		target := c.TargetID
		if target == "" {
			target = "未收录"
		}
		fmt.Fprintf(&b, "L%d %s %s -> %s | key=%s | title=%s | sentence=%s\n",
			c.Line, c.Relation, c.Printed, target, c.Key, c.Title, c.Sentence)
	}
	return b.String()
}

func convert(tb testing.TB, md goldmark.Markdown, ix *Index, self, input string) (string, []Citation) {
	tb.Helper()
	pc := NewContext(ix, self)
	var buf bytes.Buffer
	if err := md.Convert([]byte(input), &buf, parser.WithContext(pc)); err != nil {
		tb.Fatal(err)
	}
	return buf.String(), Citations(pc)
}

func TestCases(t *testing.T) {
	files, err := filepath.Glob("testdata/cases/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	md := newMarkdown()
	for _, path := range files {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txt"), func(t *testing.T) {
			cf := readCase(t, path)
			ix := NewIndex(parseTargets(t, cf.sections["targets"]))
			self := strings.TrimSpace(cf.sections["self"])
			html, cites := convert(t, md, ix, self, cf.sections["input.md"])
			got := formatCitations(cites)
			if *update {
				cf.set("output.html", html)
				cf.set("citations", got)
				cf.write(t, path)
				return
			}
			if want := cf.sections["output.html"]; html != want {
				t.Errorf("output.html:\n got  %s\n want %s", html, want)
			}
			if want := cf.sections["citations"]; got != want {
				t.Errorf("citations:\n got\n%s want\n%s", got, want)
			}
		})
	}
}
