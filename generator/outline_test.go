package generator

import (
	"html/template"
	"strings"
	"testing"
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
