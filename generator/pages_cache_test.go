package generator

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"
)

// cacheTheme is a theme whose list layout shows each document twice, once
// through a cached fragment and once through {{template}}, and counts how
// often the fragment runs.
func cacheTheme(list string) fstest.MapFS {
	fsys := fstest.MapFS{
		"layouts/base.html":     {Data: []byte(`{{template "main" .}}`)},
		"layouts/partials.html": {Data: []byte(`{{define "item"}}<a href="{{.Base}}{{.To.URL}}" title="{{.To.Meta.Title}}">{{.To.Meta.Title}}</a>{{end}}`)},
		"layouts/list.html":     {Data: []byte(list)},
	}
	for _, l := range layouts {
		if _, ok := fsys["layouts/"+l]; !ok {
			fsys["layouts/"+l] = &fstest.MapFile{Data: []byte(`{{define "main"}}{{end}}`)}
		}
	}
	return fsys
}

func TestCachedFragment(t *testing.T) {
	tpl, err := parseTemplates(cacheTheme(`{{define "main"}}{{range .List.Docs}}{{cached "item" (ref $.Base .)}}|{{template "item" (ref $.Base .)}}
{{end}}{{end}}`), false)
	if err != nil {
		t.Fatal(err)
	}
	a := &Doc{URL: "documents/a/"}
	a.Meta.Title = `<script>"x" & y</script>`
	b := &Doc{URL: "documents/b c/"}
	b.Meta.Title = "通知"
	site := &Site{}
	page := func(base string, docs ...*Doc) *Page {
		return &Page{Site: site, Base: base, List: &List{Docs: docs}}
	}
	for _, p := range []*Page{page("/x/", a, b), page("/x/", b, a, b)} {
		out, err := tpl.execute("list", p)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			cached, plain, _ := strings.Cut(line, "|")
			if cached != plain {
				t.Errorf("cached fragment %q, {{template}} wrote %q", cached, plain)
			}
			if strings.Contains(cached, "<script>") {
				t.Errorf("title not escaped: %q", cached)
			}
		}
	}
	// The Ref is the key: another base path is another fragment.
	out, _ := tpl.execute("list", page("/y/", a))
	if !strings.Contains(string(out), `href="/y/documents/a/"`) {
		t.Errorf("fragment of another base path reused: %s", out)
	}

	// Within one site a fragment is made once: a change to the document
	// after it was made does not show (nothing changes while pages are
	// rendered). A page of another site empties the cache.
	a.Meta.Title = "决定"
	out, _ = tpl.execute("list", page("/x/", a))
	cached, plain, _ := strings.Cut(string(out), "|")
	if !strings.Contains(cached, "&lt;script&gt;") || !strings.Contains(plain, "决定") {
		t.Errorf("same site: want the fragment made before, then the document as it is: %s", out)
	}
	site = &Site{}
	out, _ = tpl.execute("list", page("/x/", a))
	if got := strings.Count(string(out), "决定"); got != 4 {
		t.Errorf("another site: want the new title in both lines, got %s", out)
	}
}

func TestCachedFragmentKey(t *testing.T) {
	tpl, err := parseTemplates(cacheTheme(`{{define "main"}}{{cached "item" (ref $.Base .List.Docs)}}{{end}}`), false)
	if err != nil {
		t.Fatal(err)
	}
	p := &Page{Site: &Site{}, Base: "/", List: &List{Docs: []*Doc{{}}}}
	if _, err := tpl.execute("list", p); err == nil || !strings.Contains(err.Error(), "not comparable") {
		t.Errorf("a slice as key: want an error, got %v", err)
	}

	tpl, err = parseTemplates(cacheTheme(`{{define "main"}}{{range .List.Docs}}{{cached "n" . $.Base}}{{end}}{{end}}{{define "n"}}{{.URL}};{{end}}`), false)
	if err != nil {
		t.Fatal(err)
	}
	p.List.Docs = []*Doc{{URL: "a"}, {URL: "b"}}
	out, err := tpl.execute("list", p)
	if err != nil {
		t.Fatal(err)
	}
	// With a key, the data does not matter: made once for the key.
	if string(out) != "a;a;" {
		t.Errorf("keyed fragment: got %q, want %q", out, "a;a;")
	}
}

// A page's bytes are its own: the buffer it was executed into is reused.
func TestExecuteOwnBytes(t *testing.T) {
	tpl, err := parseTemplates(cacheTheme(`{{define "main"}}{{.Title}}{{end}}`), false)
	if err != nil {
		t.Fatal(err)
	}
	s := &Site{}
	first, err := tpl.execute("list", &Page{Site: s, Title: "一"})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		if _, err := tpl.execute("list", &Page{Site: s, Title: "二二二二"}); err != nil {
			t.Fatal(err)
		}
	}
	if string(first) != "一" {
		t.Errorf("first page changed to %q", first)
	}
}

// execute renders a page and returns a copy of its HTML.
func (ts templates) execute(kind string, p *Page) ([]byte, error) {
	var out []byte
	err := ts.render(kind, p, func(b []byte) error { out = bytes.Clone(b); return nil })
	return out, err
}

// TestOlderPartials: a theme whose partials.html predates a partial of the
// default theme (pager) still renders layouts that use it, and its own
// definitions win over the default's.
func TestOlderPartials(t *testing.T) {
	theme := cacheTheme(`{{define "main"}}{{range .List.Docs}}{{template "item" (ref $.Base .)}}{{end}}{{template "pager" (ref $.Base .List.Pager)}}{{end}}`)
	tpl, err := parseTemplates(theme, false)
	if err != nil {
		t.Fatal(err)
	}
	pg := paginate("years/2024/", 250)[1]
	out, err := tpl.execute("list", &Page{Site: &Site{}, Base: "/a/", List: &List{Docs: []*Doc{{URL: "d/"}}, Pager: pg}})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<a href="/a/d/" title="">`, `href="/a/years/2024/"`, `href="/a/years/2024/page/3/"`, "第 2 页，共 3 页"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("missing %q in\n%s", want, out)
		}
	}
}

// TestEmptyPartialKept: a theme that defines a partial of the default
// theme as empty, to leave it out, keeps it empty.
func TestEmptyPartialKept(t *testing.T) {
	theme := cacheTheme(`{{define "main"}}[{{template "colophon" .}}]{{end}}`)
	theme["layouts/partials.html"] = &fstest.MapFile{Data: []byte(`{{define "colophon"}}{{end}}`)}
	tpl, err := parseTemplates(theme, false)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tpl.execute("list", &Page{Site: &Site{}, Base: "/", List: &List{}})
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "[]" {
		t.Errorf("got %q, want the theme's empty colophon", out)
	}
}
