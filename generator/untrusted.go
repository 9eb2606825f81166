package generator

// Untrusted content: the limits load puts on bodies before goldmark sees
// them, how link destinations are classified, and the AST transformers
// that keep rendered pages from loading anything off-site and make links
// to .md files lead to their pages. See docs/security.md.

import (
	"net/url"
	"path"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"gazette/generator/diag"
)

// urlClass sorts link destinations.
type urlClass int

const (
	urlEmpty     urlClass = iota
	urlFragment           // #s1
	urlLocal              // a path in the site, relative or from its root
	urlExternal           // http, https, mailto
	urlDangerous          // javascript:, data:, vbscript:, file: and any other scheme
)

// classifyURL tells what a link destination is. Like browsers, it ignores
// leading spaces and control characters and tabs or line breaks anywhere
// before the scheme's colon.
func classifyURL(dest string) urlClass {
	s := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, dest)
	s = strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	switch {
	case s == "":
		return urlEmpty
	case s[0] == '#':
		return urlFragment
	case strings.HasPrefix(s, "//") || strings.HasPrefix(s, `\\`) || strings.HasPrefix(s, `/\`):
		return urlExternal // protocol-relative: another host
	}
	i := strings.IndexAny(s, ":/?#")
	if i <= 0 || s[i] != ':' {
		return urlLocal
	}
	switch strings.ToLower(s[:i]) {
	case "http", "https", "mailto":
		return urlExternal
	}
	return urlDangerous
}

// Limits on bodies that would make goldmark slow. It is linear for
// ordinary text, but like most CommonMark parsers it takes quadratic time
// on some shapes: deep nesting, and paragraphs full of emphasis, bracket
// or angle marks (runs of "*a_", "[[[…]]]", "[a](" or "[a](<"). Bounding
// the marks per paragraph bounds that time by the file size. Real
// documents nest three or four deep and have at most a few hundred marks
// in a paragraph (the largest table of the seeds: 270).
const (
	maxNesting   = 32
	maxLineBytes = 256 << 10
	maxMarks     = 1000 // of *_[]<~` in one paragraph (lines between blank lines)
)

// bodyLimits reports a body that nests lists or quotes too deeply, has an
// overlong line or a paragraph with too many Markdown marks. It runs
// before Markdown parsing, in load, so build and check both refuse such a
// file in bounded time.
func bodyLimits(file, body string, bodyLine int) diag.List {
	var ps diag.List
	line, marks, start := bodyLine, 0, bodyLine
	for len(body) > 0 {
		l, rest, _ := strings.Cut(body, "\n")
		body = rest
		if len(l) > maxLineBytes {
			ps.Errorf(file, line, "line is %d KB long, more than %d KB: break it into paragraphs", len(l)>>10, maxLineBytes>>10)
			return ps
		}
		if depth := nesting(l); depth > maxNesting {
			ps.Errorf(file, line, "lists or quotes nest deeper than %d levels (or are indented more than %d columns): flatten them", maxNesting, 4*maxNesting)
			return ps
		}
		if strings.TrimSpace(l) == "" {
			marks, start = 0, line+1
		} else {
			for i := 0; i < len(l); i++ {
				switch l[i] {
				case '*', '_', '[', ']', '<', '~', '`':
					marks++
				}
			}
			if marks > maxMarks {
				ps.Errorf(file, start, "paragraph has more than %d of the Markdown marks * _ [ ] < ~ `: this is not a document's text; escape them or split the paragraph", maxMarks)
				return ps
			}
		}
		line++
	}
	return ps
}

// nesting estimates how many list and quote containers a line opens or
// continues: its markers (>, -, +, *, 1. 1)) and its indentation.
func nesting(l string) int {
	depth, col := 0, 0
	i := 0
	for i < len(l) {
		switch c := l[i]; {
		case c == ' ' || c == '\t':
			// Indentation before the first marker nests; spaces after a
			// marker are part of it.
			if depth == 0 {
				if c == '\t' {
					col += 4 - col%4
				} else {
					col++
				}
			}
			i++
		case c == '>':
			depth++
			i++
		case (c == '-' || c == '+' || c == '*') && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t'):
			depth++
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(l) && j-i < 9 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j < len(l) && (l[j] == '.' || l[j] == ')') && (j+1 == len(l) || l[j+1] == ' ' || l[j+1] == '\t') {
				depth++
				i = j + 1
				continue
			}
			return depth + col/4
		default:
			return depth + col/4
		}
	}
	return depth + col/4
}

// String makes urlClass readable in test failures.
func (c urlClass) String() string {
	return [...]string{"empty", "fragment", "local", "external", "dangerous"}[c]
}

// offsiteImages is the AST transformer that keeps pages from loading
// anything from other sites: an image whose source is on another site
// becomes a plain link to it, with the image's text. goldmark itself drops
// javascript:, vbscript:, file: and data: (except images) destinations.
type offsiteImages struct{}

func (offsiteImages) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var imgs []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && classifyURL(string(img.Destination)) == urlExternal {
			imgs = append(imgs, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range imgs {
		link := ast.NewLink()
		link.Destination = img.Destination
		link.Title = img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() {
			link.AppendChild(link, ast.NewString([]byte("图片")))
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

// removeDoc returns docs without d.
func removeDoc(docs []*Doc, d *Doc) []*Doc {
	out := docs[:0]
	for _, x := range docs {
		if x != d {
			out = append(out, x)
		}
	}
	return out
}

// mdLinksKey holds, in a parser context, the document being rendered and
// its site, for mdLinks.
var mdLinksKey = parser.NewContextKey()

type mdLinksState struct {
	site *Site
	doc  *Doc
}

// withMDLinks marks pc as rendering d of s, so links in its body to other
// content files (other.md, ../2024-01/x.md#s2) become links to their pages.
func (s *Site) withMDLinks(pc parser.Context, d *Doc) parser.Context {
	pc.Set(mdLinksKey, mdLinksState{s, d})
	return pc
}

// mdLinks is the AST transformer that rewrites links to .md files of the
// archive into relative links to their pages, so they work under any base
// path. Links to files that are not documents are left as they are (gazette
// check reports them).
type mdLinks struct{}

func (mdLinks) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, ok := pc.Get(mdLinksKey).(mdLinksState)
	if !ok || st.site == nil || st.doc == nil {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			if u := st.site.pageOfMD(st.doc, string(l.Destination)); u != "" {
				l.Destination = []byte(u)
			}
		}
		return ast.WalkContinue, nil
	})
}

// pageOfMD returns the relative URL of the page of the document a link
// from d to dest (a .md path, relative or from the content root) names,
// with its fragment, or "" when dest names no document.
func (s *Site) pageOfMD(d *Doc, dest string) string {
	if classifyURL(dest) != urlLocal {
		return ""
	}
	p, frag := dest, ""
	if i := strings.IndexByte(p, '#'); i >= 0 {
		p, frag = p[:i], p[i:]
	}
	if strings.ContainsRune(p, '?') || !strings.HasSuffix(p, ".md") {
		return ""
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	id := strings.TrimSuffix(path.Join(path.Dir(d.ID), p), ".md")
	if strings.HasPrefix(p, "/") {
		id = strings.TrimSuffix(strings.TrimPrefix(path.Clean(p), "/"), ".md")
	}
	target := s.byID[id]
	if target == nil {
		return ""
	}
	return relURL(d.URL, target.URL) + frag
}

// relURL is the relative link from the page at site path from to the page
// at site path to (both ending in "/").
func relURL(from, to string) string {
	f := strings.Split(strings.TrimSuffix(from, "/"), "/")
	t := strings.Split(strings.TrimSuffix(to, "/"), "/")
	if from == "" {
		f = nil
	}
	if to == "" {
		t = nil
	}
	i := 0
	for i < len(f) && i < len(t) && f[i] == t[i] {
		i++
	}
	rel := strings.Repeat("../", len(f)-i) + strings.Join(t[i:], "/")
	if i < len(t) {
		rel += "/"
	}
	if rel == "" {
		rel = "./"
	}
	return rel
}
