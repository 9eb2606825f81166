package generator

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/net/html"
)

// TestMinifiedLayouts builds the shipped archive as a site that minifies
// does (layouts minified once, bodies where rendered, pages written as
// made) and as it did before (every page minified whole), and checks that
// every page renders the same: the same elements and attributes, the same
// text once white space is collapsed as a browser collapses it. The bytes
// differ a little (html/template's entities stay, a space or line break
// stays beside a template action).
func TestMinifiedLayouts(t *testing.T) {
	ts, err := parseTemplates(ThemeFS(Config{}), true)
	if err != nil {
		t.Fatal(err)
	}
	for kind, l := range ts {
		if l.src == nil {
			t.Errorf("the default theme's %s layout was not minified", kind)
		}
	}
	whole := buildShipped(t, false)
	m := newMinifier(true)
	made := buildShipped(t, true)
	pages := 0
	for _, name := range whole.names() {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		want, err := minifyFile(m, name, "text/html", whole.files[name])
		if err != nil {
			t.Fatal(err)
		}
		got, ok := made.files[name]
		if !ok {
			t.Errorf("%s: not written", name)
			continue
		}
		if len(got) > len(want)+len(want)/50 {
			t.Errorf("%s: %d bytes, over 2 %% more than minified whole (%d)", name, len(got), len(want))
		}
		if msg := sameRendering(want, got); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
		pages++
	}
	if pages < 100 {
		t.Fatalf("compared %d pages, want the shipped archive's (over 100)", pages)
	}
}

// TestMinifiedLayoutsFallBack: only the built-in theme's files are
// minified; a layout with a template action where the minifier's template
// mode cannot be trusted (inside a script, style, textarea or pre), or
// whose minified text has other actions than its own, is used as written
// and its pages are minified whole.
func TestMinifiedLayoutsFallBack(t *testing.T) {
	// A theme's own files are not minified.
	ts, err := parseTemplates(smallTheme(), true)
	if err != nil {
		t.Fatal(err)
	}
	if got := ts.pageType("document"); got != "text/html" {
		t.Errorf("a theme's own layouts: pageType(document) = %q, want text/html", got)
	}
	// The built-in theme with its own document.html: only that layout.
	theme := fstest.MapFS{"layouts/document.html": &fstest.MapFile{Data: []byte(`{{define "main"}}<p> x </p>{{end}}`)}}
	if ts, err = parseTemplates(overlay{top: theme, bottom: ThemeFS(Config{})}, true); err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[string]string{"document": "text/html", "home": "", "issue": ""} {
		if got := ts.pageType(kind); got != want {
			t.Errorf("own document.html: pageType(%s) = %q, want %q", kind, got, want)
		}
	}
	if ts.bodyMinifier(newMinifier(true)) != nil {
		t.Error("own document.html: bodies minified where rendered, and then again with their pages")
	}
	// What the template mode would break, minifying anything.
	trustAll := func(string, []byte) bool { return true }
	theme = smallTheme()
	theme["layouts/issue.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}<textarea>  a\n  {{.Title}}</textarea>{{end}}")}
	theme["layouts/gazette.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}<script>var s = \"a  b\"; {{.Title}}</script>{{end}}")}
	theme["layouts/citations.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}<a href=/docs/{{ .URL }}>x</a>{{end}}")}
	theme["layouts/list.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}{{/* it's */}}<script src=\"{{.Base}}a.js\"></script><pre> x </pre>{{end}}")}
	if ts, err = parseLayouts(theme, trustAll); err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[string]string{"issue": "text/html", "gazette": "text/html", "citations": "text/html", "list": "", "document": ""} {
		if got := ts.pageType(kind); got != want {
			t.Errorf("pageType(%s) = %q, want %q", kind, got, want)
		}
	}
	page := &Page{Title: "t", Base: "/", URL: "u/"}
	for kind, want := range map[string]string{
		"document":  `<!doctype html><html lang="zh-CN"><body><p>x</p></body></html>`,
		"issue":     "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<body>\n<textarea>  a\n  t</textarea>\n</body>\n</html>\n",
		"citations": "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<body>\n<a href=/docs/u/>x</a>\n</body>\n</html>\n",
		"list":      `<!doctype html><html lang="zh-CN"><body><script src="/a.js"></script><pre> x </pre></body></html>`,
	} {
		var out []byte
		if err := ts.render(kind, page, func(b []byte) error { out = bytes.Clone(b); return nil }); err != nil {
			t.Fatal(err)
		}
		if string(out) != want {
			t.Errorf("%s page = %q, want %q", kind, out, want)
		}
	}
	// Not minifying, the layouts are used as written.
	if ts, err = parseTemplates(ThemeFS(Config{}), false); err != nil {
		t.Fatal(err)
	}
	if got := ts.pageType("document"); got != "text/html" {
		t.Errorf("not minified: pageType(document) = %q, want text/html", got)
	}
}

// TestMinifyBuiltInLayouts: each file of the built-in theme is minified
// whole (a quote in a template comment once left the rest of a file as it
// was: the template mode read it as the start of a string).
func TestMinifyBuiltInLayouts(t *testing.T) {
	files, err := fs.Glob(ThemeFS(Config{}), "layouts/*.html")
	if err != nil || len(files) < 10 {
		t.Fatalf("layouts: %v, %v", files, err)
	}
	for _, f := range files {
		src, err := fs.ReadFile(ThemeFS(Config{}), f)
		if err != nil {
			t.Fatal(err)
		}
		text, err := minifyLayout(src)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if loc := blockThenNewline.FindIndex(text); loc != nil {
			t.Errorf("%s: not minified from %q on", f, text[max(0, loc[0]-40):min(len(text), loc[1]+40)])
		}
	}
}

// smallTheme is a theme of a base and layouts that print <p> x </p>.
func smallTheme() fstest.MapFS {
	theme := fstest.MapFS{}
	for _, name := range layouts {
		theme["layouts/"+name] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n<p> x </p>\n{{end}}\n")}
	}
	theme["layouts/base.html"] = &fstest.MapFile{Data: []byte("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<body>\n{{block \"main\" .}}{{end}}\n</body>\n</html>\n")}
	return theme
}

// TestMinifiedLayoutErrorLines: an error in executing a minified layout is
// reported with the line of the theme's file, not of its minified text.
func TestMinifiedLayoutErrorLines(t *testing.T) {
	theme := smallTheme()
	theme["layouts/document.html"] = &fstest.MapFile{Data: []byte("{{define \"main\"}}\n<main>\n  <p>\n    {{.Doc.Title}}\n  </p>\n</main>\n{{end}}\n")}
	ts, err := parseLayouts(theme, func(string, []byte) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if ts["document"].src == nil {
		t.Fatal("the document layout was not minified")
	}
	err = ts.render("document", &Page{}, func([]byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "document.html:4:") {
		t.Errorf("error = %v, want one at document.html:4", err)
	}
}

// buildShipped builds the shipped archive in memory.
func buildShipped(tb testing.TB, minify bool) *memOutput {
	tb.Helper()
	cfg, err := LoadConfig(filepath.Join("..", "config.toml"), false)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.Minify = minify
	out := &memOutput{}
	if _, _, err := Build(context.Background(), Options{
		Config:      cfg,
		Content:     os.DirFS(cfg.Path(cfg.ContentDir)),
		ContentName: "content/",
		Out:         out,
	}); err != nil {
		tb.Fatalf("build: %v", err)
	}
	return out
}

// blockThenNewline is a block's tag followed by a line break, which the
// minifier removes.
var blockThenNewline = regexp.MustCompile(`</?(?:li|ol|ul|p|div|nav|table|thead|tbody|tr|td|th|section|header|footer|main|article|dl|dt|dd|h[1-6])\b[^>{}]*>\n`)

// sameRendering compares two HTML documents as a browser renders them (see
// renderTokens) and describes the first difference, "" if none.
func sameRendering(want, got []byte) string {
	w, err := renderTokens(want)
	if err != nil {
		return err.Error()
	}
	g, err := renderTokens(got)
	if err != nil {
		return err.Error()
	}
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return fmt.Sprintf("token %d: got %q, want %q (after %q)", i, g[i], w[i], w[max(0, i-3):i])
		}
	}
	if len(w) != len(g) {
		return fmt.Sprintf("%d tokens, want %d", len(g), len(w))
	}
	return ""
}

// renderTokens parses an HTML document and lists what a browser renders
// of it: each element's start (with its attributes) and end, and text with
// its entities decoded and white space collapsed; white space next to the
// start or end of a block (where CSS drops it) is left out.
func renderTokens(doc []byte) ([]string, error) {
	root, err := html.Parse(bytes.NewReader(doc))
	if err != nil {
		return nil, err
	}
	type token struct {
		s     string
		text  bool
		block bool
	}
	var toks []token
	var walk func(n *html.Node, pre bool)
	walk = func(n *html.Node, pre bool) {
		switch n.Type {
		case html.ElementNode:
			var b strings.Builder
			b.WriteString("<" + n.Data)
			for _, a := range n.Attr {
				b.WriteString(" " + a.Key + "=" + fmt.Sprintf("%q", a.Val))
			}
			block := blockElements[n.Data]
			toks = append(toks, token{s: b.String() + ">", block: block})
			keep := pre || n.Data == "pre" || n.Data == "textarea" || n.Data == "script" || n.Data == "style"
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, keep)
			}
			toks = append(toks, token{s: "</" + n.Data + ">", block: block})
			return
		case html.TextNode:
			s := n.Data
			if !pre {
				s = htmlSpaces.ReplaceAllString(s, " ")
			}
			if k := len(toks) - 1; k >= 0 && toks[k].text {
				toks[k].s += s
				if !pre {
					toks[k].s = htmlSpaces.ReplaceAllString(toks[k].s, " ")
				}
			} else {
				toks = append(toks, token{s: s, text: true})
			}
			return
		case html.CommentNode:
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, pre)
		}
	}
	walk(root, false)
	var out []string
	for i, t := range toks {
		if t.text {
			if i > 0 && toks[i-1].block {
				t.s = strings.TrimLeft(t.s, " ")
			}
			if i+1 < len(toks) && toks[i+1].block {
				t.s = strings.TrimRight(t.s, " ")
			}
			if t.s == "" {
				continue
			}
		}
		out = append(out, t.s)
	}
	return out, nil
}

// htmlSpaces is a run of HTML's white space.
var htmlSpaces = regexp.MustCompile(`[ \t\n\r\f]+`)

// blockElements are the elements whose start and end drop the white space
// beside them, as the default theme lays them out.
var blockElements = map[string]bool{
	"html": true, "head": true, "body": true, "title": true, "meta": true, "link": true, "script": true, "style": true,
	"div": true, "p": true, "ul": true, "ol": true, "li": true, "dl": true, "dt": true, "dd": true,
	"table": true, "caption": true, "thead": true, "tbody": true, "tfoot": true, "tr": true, "td": true, "th": true,
	"nav": true, "header": true, "footer": true, "main": true, "article": true, "section": true, "aside": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "form": true, "fieldset": true, "legend": true,
	"figure": true, "figcaption": true, "blockquote": true, "pre": true, "hr": true, "details": true, "summary": true,
	"noscript": true, "template": true,
}
