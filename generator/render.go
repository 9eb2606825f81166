package generator

import (
	"bufio"
	"bytes"
	"slices"
	"strconv"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"gazette/generator/xref"
)

// markdown renders document bodies. Each worker owns one, and only one
// goroutine may use it at a time: it reuses its output buffer from body
// to body (goldmark's own instances are safe for concurrent use).
type markdown struct {
	md  goldmark.Markdown
	out bytes.Buffer  // what render and scanRender return, reused
	bw  *bufio.Writer // goldmark's writer into out, reused
	// min, when set, minifies the HTML render and scanRender return,
	// into minOut: when the document pages' layouts were minified once,
	// their pages are written as made (templates.bodyMinifier).
	min    *minify.M
	minOut bytes.Buffer
}

// newMarkdown returns the one goldmark configuration gazette uses:
// CommonMark + GFM tables and strikethrough, definition lists (glossaries),
// and the CJK extension so that a soft line break between two Chinese
// characters is not rendered as a space. Raw HTML is never rendered
// (goldmark's unsafe mode stays off: raw HTML becomes a comment), and
// goldmark drops javascript: and similar link destinations.
func newMarkdown(extra ...goldmark.Extender) *markdown {
	exts := []goldmark.Extender{
		extension.Table,
		extension.Strikethrough,
		extension.DefinitionList,
		extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft), extension.WithEscapedSpace()),
	}
	exts = append(exts, extra...)
	return &markdown{md: goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(headingIDs{}, 900), util.Prioritized(offsiteImages{}, 950), util.Prioritized(mdLinks{}, 960))),
		goldmark.WithRendererOptions(html.WithXHTML()),
	)}
}

// scan parses a body for its outline and plain text; extensions (the
// citation finder) see the AST through pc.
func (m *markdown) scan(body []byte, pc parser.Context) ([]Heading, string) {
	doc := m.md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	outline, txt := outlineAndText(doc, body, nil, true)
	return outline, string(txt)
}

// scanRender parses a body once for its outline and, when plain is set,
// plain text, and when html is set renders the same tree to HTML: what scan
// and render do, for half the parsing. The HTML is in m's buffer (see
// renderTree); the plain text is appended to txt.
func (m *markdown) scanRender(body []byte, pc parser.Context, html, plain bool, txt []byte) ([]Heading, []byte, []byte, error) {
	doc := m.md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	outline, txt := outlineAndText(doc, body, txt, plain)
	if !html {
		return outline, txt, nil, nil
	}
	b, err := m.renderTree(body, doc)
	return outline, txt, b, err
}

// render converts a Markdown body to HTML. pc may carry per-document state
// for extensions (citations); nil makes a fresh context. The HTML is in
// m's buffer, as with scanRender.
func (m *markdown) render(body []byte, pc parser.Context) ([]byte, error) {
	if pc == nil {
		pc = parser.NewContext()
	}
	doc := m.md.Parser().Parse(text.NewReader(body), parser.WithContext(pc))
	return m.renderTree(body, doc)
}

// renderTree renders a parsed body into m's buffer and returns its bytes,
// valid until m renders again: callers copy what they keep (a string, the
// scratch file). One buffer and one bufio.Writer per worker, not per body:
// at 100k documents goldmark's own bufio.Writer per body was 384 MB of
// allocation in the scan, whose collector runs at the heap limit.
func (m *markdown) renderTree(body []byte, doc ast.Node) ([]byte, error) {
	m.out.Reset()
	m.out.Grow(len(body) + len(body)/4)
	if m.bw == nil {
		m.bw = bufio.NewWriter(&m.out)
	} else {
		m.bw.Reset(&m.out)
	}
	if err := m.md.Renderer().Render(m.bw, body, doc); err != nil {
		return nil, err
	}
	b := m.out.Bytes()
	if m.min != nil {
		m.minOut.Reset()
		if err := minifyTo(&m.minOut, m.min, "body", "text/html", b); err != nil {
			return nil, err
		}
		b = m.minOut.Bytes()
	}
	// an outsize body's buffers are not kept
	if m.out.Cap() > 4<<20 {
		m.out = bytes.Buffer{}
	}
	if m.minOut.Cap() > 4<<20 {
		m.minOut = bytes.Buffer{}
	}
	return b, nil
}

// headingIDs gives every heading a short stable id (s1, s2, …) in document
// order, so outlines can link to them whatever script the heading is in.
// Terms of definition lists (glossaries such as 名词解释) get ids t1, t2, …
// so a term can be linked to.
type headingIDs struct{}

func (headingIDs) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	n, t := 0, 0
	_ = ast.Walk(doc, func(node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch node := node.(type) {
		case *ast.Heading:
			n++
			node.SetAttributeString("id", []byte("s"+strconv.Itoa(n)))
			return ast.WalkSkipChildren, nil
		case *east.DefinitionTerm:
			t++
			node.SetAttributeString("id", []byte("t"+strconv.Itoa(t)))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// outlineAndText walks the AST once for the outline (headings with their
// ids) and, if plain is set, the plain text (for search and snippets),
// which it appends to tb: a build's search feed passes the same buffer for
// every body. Without plain it makes only the outline, and skips the
// inline nodes of paragraphs, tables and definition terms (a heading is
// never among them).
func outlineAndText(doc ast.Node, src []byte, tb []byte, plain bool) ([]Heading, []byte) {
	var outline []Heading
	if !plain {
		_ = ast.Walk(doc, func(node ast.Node, entering bool) (ast.WalkStatus, error) {
			switch n := node.(type) {
			case *ast.Heading:
				if entering {
					outline = append(outline, heading(n, src))
				}
				return ast.WalkSkipChildren, nil
			case *ast.Paragraph, *ast.TextBlock, *east.Table, *east.DefinitionTerm:
				return ast.WalkSkipChildren, nil
			}
			return ast.WalkContinue, nil
		})
		return compactOutline(outline), tb
	}
	tb = slices.Grow(tb, len(src))
	_ = ast.Walk(doc, func(node ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := node.(type) {
		case *ast.Heading:
			if entering {
				h := heading(n, src)
				outline = append(outline, h)
				tb = append(tb, h.Text...)
				tb = append(tb, '\n')
				return ast.WalkSkipChildren, nil
			}
		case *ast.Text:
			if entering {
				tb = append(tb, n.Segment.Value(src)...)
				if n.SoftLineBreak() || n.HardLineBreak() {
					tb = append(tb, '\n')
				}
			}
		case *ast.String:
			if entering {
				tb = append(tb, n.Value...)
			}
		case *ast.CodeSpan:
			if entering {
				tb = append(tb, nodeText(n, src)...)
				return ast.WalkSkipChildren, nil
			}
		case *ast.RawHTML, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		default:
			if entering && node.Kind() == xref.KindSoftBreak {
				tb = append(tb, '\n')
				return ast.WalkContinue, nil
			}
			if !entering && node.Type() == ast.TypeBlock {
				tb = append(tb, '\n')
			}
		}
		return ast.WalkContinue, nil
	})
	return compactOutline(outline), tb
}

// heading is n's outline entry.
func heading(n *ast.Heading, src []byte) Heading {
	id, _ := n.AttributeString("id")
	idb, _ := id.([]byte)
	return Heading{Level: n.Level, ID: headingID(idb), Text: nodeText(n, src)}
}

// compactOutline drops an outline's spare capacity: it is kept until the
// page is written (at 100k documents, outlines were 145 MB of live heap).
func compactOutline(outline []Heading) []Heading {
	if cap(outline) > len(outline) {
		outline = append([]Heading(nil), outline...)
	}
	return outline
}

// shortIDs are the ids most headings get, made once.
var shortIDs = func() map[string]string {
	m := map[string]string{}
	for i := 1; i <= 64; i++ {
		id := "s" + strconv.Itoa(i)
		m[id] = id
	}
	return m
}()

// headingID returns a heading's id as a string, shared for the common ones.
func headingID(b []byte) string {
	if id, ok := shortIDs[string(b)]; ok { // no allocation for the lookup
		return id
	}
	return string(b)
}

// nodeText is the text inside an inline container.
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	if b.Cap() > b.Len() {
		return strings.Clone(b.String()) // exactly sized: headings are kept
	}
	return b.String()
}
