package generator

import (
	"html/template"
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark/text"

	"gazette/generator/xref"
)

// outlineByTemplate is the markup OutlineHTML stands for, made by
// html/template from the range the default theme used to hold.
var outlineByTemplate = template.Must(template.New("outline").Parse(
	`<ol>{{range .}}<li class="l{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>{{end}}</ol>`))

func outlineWant(t testing.TB, outline []Heading) string {
	t.Helper()
	var b strings.Builder
	if err := outlineByTemplate.Execute(&b, outline); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestOutlineHTML(t *testing.T) {
	tests := []struct {
		name    string
		outline []Heading
	}{
		{"headings", []Heading{{2, "s1", "一、总体要求"}, {3, "s2", "（一）指导思想"}, {2, "s3", "二、重点任务"}}},
		{"markup in text", []Heading{{2, "s1", `<script>alert("x")</script> & 'y'`}}},
		{"plus and NUL", []Heading{{2, "s1", "C++\x00版"}}},
		{"entity-like text", []Heading{{4, "s1", "&amp; &#43; &lt;"}}},
		{"invalid UTF-8", []Heading{{2, "s1", "\xff\xfe<\xe4\xb8"}}},
		{"noncharacters", []Heading{{2, "s1", "\uFDD0\uFDEF\uFFF0\uFFFE\uFFFF"}}},
		{"odd ids", []Heading{{2, `x" onmouseover="y`, "a"}, {3, "中文 id#?&/", "b"}, {1, "-._~AZaz09%2F", "c"}}},
		{"empty id and text", []Heading{{0, "", ""}, {-1, "s2", " "}}},
		{"many", manyHeadings(200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Doc{Outline: tt.outline}
			if got, want := string(d.OutlineHTML()), outlineWant(t, tt.outline); got != want {
				t.Errorf("OutlineHTML:\n got %q\nwant %q", got, want)
			}
		})
	}
	if got := (&Doc{}).OutlineHTML(); got != "" {
		t.Errorf("no outline: got %q, want nothing", got)
	}
}

func manyHeadings(n int) []Heading {
	out := make([]Heading, n)
	for i := range out {
		out[i] = Heading{Level: 2 + i%3, ID: "s" + itoa(i+1), Text: strings.Repeat("第", i%7) + "条"}
	}
	return out
}

// FuzzOutlineHTML checks OutlineHTML against html/template on any two
// headings, invalid UTF-8 included: the two must make the same bytes.
func FuzzOutlineHTML(f *testing.F) {
	f.Add(2, "s1", "一、总体要求", 3, "s2", "<b>&'\"+\x00")
	f.Add(-7, "中文#?", "\xff", 0, "", "")
	f.Fuzz(func(t *testing.T, l1 int, id1, text1 string, l2 int, id2, text2 string) {
		outline := []Heading{{l1, id1, text1}, {l2, id2, text2}}
		d := &Doc{Outline: outline}
		if got, want := string(d.OutlineHTML()), outlineWant(t, outline); got != want {
			t.Errorf("OutlineHTML(%+v):\n got %q\nwant %q", outline, got, want)
		}
	})
}

// TestOutlineWithoutText checks that outlineAndText finds the same outline
// when it makes no plain text (and skips paragraphs' and tables' inline
// nodes): on headings wherever Markdown puts them, and on every body of
// the shipped archive.
func TestOutlineWithoutText(t *testing.T) {
	bodies := map[string]string{
		"atx and setext":  "# 一\n\n正文\n\n二\n==\n\n三\n--\n",
		"in a list":       "- 项目\n\n  ## 列表中的标题\n\n  段落\n",
		"in a tight list": "- 项\n- ## 标题\n- 另一项\n",
		"in a quote":      "> ## 引文标题\n> 正文\n",
		"in a definition": "名词\n: ### 定义中的标题\n\n  说明\n",
		"after a table":   "| 任务 | 牵头单位 |\n|---|---|\n| 甲 | 乙 |\n\n## 表后标题\n",
		"inline markup":   "## **加粗**与`代码`与[链接](https://example.org/)\n",
		"none":            "只有正文。\n",
	}
	fsys := os.DirFS("..")
	if err := fs.WalkDir(fsys, "content", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".md") {
			return err
		}
		b, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		bodies[path] = string(b)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	md := newMarkdown(xref.Extension)
	headings := 0
	for name, body := range bodies {
		doc := md.md.Parser().Parse(text.NewReader([]byte(body)))
		with, txt := outlineAndText(doc, []byte(body), nil, true)
		without, none := outlineAndText(doc, []byte(body), nil, false)
		if !slices.Equal(with, without) {
			t.Errorf("%s: outline without text %+v, with text %+v", name, without, with)
		}
		if len(none) != 0 || (len(txt) == 0) != (strings.TrimSpace(body) == "") {
			t.Errorf("%s: text %q without text, %d bytes with", name, none, len(txt))
		}
		headings += len(with)
	}
	if len(bodies) < 50 || headings < 100 {
		t.Errorf("%d bodies with %d headings: the shipped archive was not read", len(bodies), headings)
	}
}
