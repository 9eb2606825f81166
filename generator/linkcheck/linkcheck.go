// Package linkcheck checks that a built site has no broken internal links.
//
// Check walks every .html file of a site folder (any fs.FS: os.DirFS of
// public/, or an fstest.MapFS of an in-memory build), tokenizes it with
// golang.org/x/net/html and resolves every href, src, srcset, action and
// poster of its elements against the page's own URL, as a browser would.
// A link is internal when it has no scheme and no host; it must then fall
// under the site's base path and name a file of the site, or a folder
// holding index.html. A fragment (#id) must name an id or a named anchor of
// its target page. External links (https:, mailto:, data:, //host/…) are
// not followed.
//
// Problems are a diag.List naming the page and the line of the link, so a
// test failure reads like a compiler error:
//
//	issuers/index.html:31: broken link "/archive/issuers/x/": no such page
package linkcheck

import (
	"bytes"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strings"

	"golang.org/x/net/html"

	"gazette/generator/diag"
)

// link is one reference found in a page.
type link struct {
	line int
	attr string
	raw  string
}

// page is what the first pass learns of an HTML file.
type page struct {
	ids   map[string]bool
	links []link
}

// Check checks every internal link of the site in fsys, whose pages are
// served under base (a path such as "/" or "/archive/"). It returns one
// problem per broken link, sorted by file and line.
func Check(fsys fs.FS, base string) diag.List {
	var problems diag.List
	if !strings.HasPrefix(base, "/") {
		base = "/" + base
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	pages := map[string]*page{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			problems.Errorf(name, 0, "cannot read: %v", err)
			return nil
		}
		if d.IsDir() || path.Ext(name) != ".html" {
			return nil
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems.Errorf(name, 0, "cannot read: %v", err)
			return nil
		}
		pages[name] = scan(b)
		return nil
	})
	if err != nil {
		problems.Errorf(".", 0, "cannot walk the site: %v", err)
	}

	names := make([]string, 0, len(pages))
	for n := range pages {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		p := pages[name]
		self := &url.URL{Path: base + name}
		for _, l := range p.links {
			if msg := resolve(fsys, pages, base, self, name, l.raw); msg != "" {
				problems.Errorf(name, l.line, "broken %s %q: %s", l.attr, l.raw, msg)
			}
		}
	}
	problems.Sort()
	return problems
}

// resolve returns why the reference raw in page name is broken, or "".
func resolve(fsys fs.FS, pages map[string]*page, base string, self *url.URL, name, raw string) string {
	ref, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "not a URL: " + err.Error()
	}
	if ref.Scheme != "" || ref.Host != "" || ref.Opaque != "" {
		return "" // external
	}
	target := self.ResolveReference(ref)
	p := target.Path
	if !strings.HasPrefix(p, base) && p+"/" != base {
		return "outside the site's base path " + base
	}
	rel := strings.TrimPrefix(p, base)
	if p+"/" == base {
		rel = ""
	}
	file := rel
	switch {
	case rel == "" || strings.HasSuffix(rel, "/"):
		file = rel + "index.html"
	case isDir(fsys, rel):
		file = rel + "/index.html"
	}
	st, err := fs.Stat(fsys, file)
	if err != nil || st.IsDir() {
		return "no such page"
	}
	if target.Fragment != "" {
		tp := pages[file]
		if tp == nil {
			return "" // a fragment of a non-HTML file: nothing to check
		}
		if !tp.ids[target.Fragment] {
			return "no element with id " + strconvQuote(target.Fragment) + " in " + file
		}
	}
	return ""
}

func isDir(fsys fs.FS, name string) bool {
	st, err := fs.Stat(fsys, name)
	return err == nil && st.IsDir()
}

func strconvQuote(s string) string { return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"` }

// linkAttrs are the attributes that hold a URL, by attribute name; the
// value lists the elements it counts on (nil: any element).
var linkAttrs = map[string]map[string]bool{
	"href":   {"a": true, "link": true, "area": true, "base": true},
	"src":    {"img": true, "script": true, "iframe": true, "source": true, "audio": true, "video": true, "embed": true, "track": true, "input": true},
	"srcset": {"img": true, "source": true},
	"action": {"form": true},
	"poster": {"video": true},
}

// scan tokenizes one page, collecting ids and links with their lines.
func scan(b []byte) *page {
	p := &page{ids: map[string]bool{}}
	z := html.NewTokenizer(bytes.NewReader(b))
	line := 1
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			// io.EOF: the tokenizer reads on through malformed markup, and
			// a byte slice has no other reader error.
			return p
		}
		raw := z.Raw()
		start := line
		line += bytes.Count(raw, []byte{'\n'})
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		for _, a := range tok.Attr {
			if a.Namespace != "" {
				continue
			}
			switch a.Key {
			case "id":
				p.ids[a.Val] = true
			case "name":
				if tok.Data == "a" {
					p.ids[a.Val] = true
				}
			}
			els, ok := linkAttrs[a.Key]
			if !ok || !els[tok.Data] {
				continue
			}
			if tok.Data == "link" && !checkedRel(tok.Attr) {
				continue
			}
			if a.Key == "srcset" {
				for _, c := range strings.Split(a.Val, ",") {
					if f := strings.Fields(c); len(f) > 0 {
						p.links = append(p.links, link{start, a.Key, f[0]})
					}
				}
				continue
			}
			if a.Key == "action" && a.Val == "" {
				continue
			}
			p.links = append(p.links, link{start, a.Key, a.Val})
		}
	}
}

// checkedRel reports whether a <link> names a resource to check:
// preconnect and dns-prefetch name hosts, not files. (Absolute canonical
// and alternate addresses are external and skipped by resolve.)
func checkedRel(attrs []html.Attribute) bool {
	for _, a := range attrs {
		if a.Key == "rel" {
			for _, r := range strings.Fields(strings.ToLower(a.Val)) {
				if r == "preconnect" || r == "dns-prefetch" {
					return false
				}
			}
		}
	}
	return true
}
