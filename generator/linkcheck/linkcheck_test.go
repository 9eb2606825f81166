package linkcheck

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestCheck(t *testing.T) {
	site := func(pages map[string]string) fstest.MapFS {
		fs := fstest.MapFS{
			"index.html":       {Data: []byte(`<p id="top">home</p>`)},
			"a/index.html":     {Data: []byte(`<h2 id="x">a</h2><a name="old">`)},
			"assets/style.css": {Data: []byte(`body{}`)},
			"404.html":         {Data: []byte(`gone`)},
		}
		for n, s := range pages {
			fs[n] = &fstest.MapFile{Data: []byte(s)}
		}
		return fs
	}
	tests := []struct {
		name string
		base string
		page string // b/index.html
		want []string
	}{
		{"root-relative", "/", `<a href="/a/">a</a><a href="/">h</a><link rel="stylesheet" href="/assets/style.css">`, nil},
		{"relative", "/", `<a href="../a/">a</a><a href="..">h</a><img src="../assets/style.css">`, nil},
		{"folder without slash", "/", `<a href="/a">a</a>`, nil},
		{"file", "/", `<a href="/404.html">x</a>`, nil},
		{"fragments", "/", `<a href="/a/#x">x</a><a href="/a/#old">o</a><a href="#me">m</a><p id="me">`, nil},
		{"query ignored", "/", `<a href="/a/?q=1">x</a>`, nil},
		{"external", "/", `<a href="https://example.org/nope/">x</a><a href="mailto:a@b">m</a><a href="//cdn/x">c</a><img src="data:image/png;base64,AA">`, nil},
		{"subpath", "/archive/", `<a href="/archive/a/">a</a><a href="/archive/">h</a><a href="/archive">h</a>`, nil},
		{"empty href is the page itself", "/", `<a href="">self</a>`, nil},
		{"missing page", "/", "<p>\n<a href=\"/nope/\">x</a>", []string{`b/index.html:2: broken href "/nope/": no such page`}},
		{"missing asset", "/", `<script src="/assets/app.js"></script>`, []string{`b/index.html:1: broken src "/assets/app.js": no such page`}},
		{"missing fragment", "/", `<a href="/a/#y">x</a>`, []string{`b/index.html:1: broken href "/a/#y": no element with id "y" in a/index.html`}},
		{"missing local fragment", "/", `<a href="#nope">x</a>`, []string{`b/index.html:1: broken href "#nope": no element with id "nope" in b/index.html`}},
		{"outside base", "/archive/", `<a href="/a/">x</a>`, []string{`b/index.html:1: broken href "/a/": outside the site's base path /archive/`}},
		{"form action", "/", `<form action="/search/"></form>`, []string{`b/index.html:1: broken action "/search/": no such page`}},
		{"srcset", "/", `<img srcset="/assets/style.css 1x, /assets/b.png 2x">`, []string{`b/index.html:1: broken srcset "/assets/b.png": no such page`}},
		{"line after multi-line tag", "/", "<a\nhref=\"/a/\">a</a>\n\n<a href=\"/z\">", []string{`b/index.html:4: broken href "/z": no such page`}},
		{"preconnect skipped", "/", `<link rel="preconnect" href="/nothing/">`, nil},
		{"text is not a link", "/", `<p>href="/nope/"</p><!-- <a href="/nope/"> -->`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(site(map[string]string{"b/index.html": tt.page}), tt.base)
			var lines []string
			for _, p := range got {
				lines = append(lines, p.Error())
			}
			if strings.Join(lines, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n\t%s\nwant\n\t%s", strings.Join(lines, "\n\t"), strings.Join(tt.want, "\n\t"))
			}
		})
	}
}
