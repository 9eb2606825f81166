package xref

import (
	"unicode"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// KindCite is the ast.NodeKind of a citation.
var KindCite = ast.NewNodeKind("Cite")

// cite is an inline node around the text of one citation.
type cite struct {
	ast.BaseInline
	href    string // target URL, "" when unresolved
	missing bool   // not in the archive (未收录)
}

func (n *cite) Kind() ast.NodeKind { return KindCite }

func (n *cite) Dump(source []byte, level int) {
	ast.DumpHelper(n, source, level, map[string]string{"Href": n.href}, nil)
}

// KindSoftBreak is the ast.NodeKind of a soft line break that xref moved
// out of a text node next to a citation (the text node's SoftLineBreak is
// then false). Code that walks the AST for plain text should treat it as
// a soft line break.
var KindSoftBreak = ast.NewNodeKind("CiteSoftBreak")

// softBreak is a soft line break between the characters before and after.
type softBreak struct {
	ast.BaseInline
	before, after rune
}

func (n *softBreak) Kind() ast.NodeKind { return KindSoftBreak }

func (n *softBreak) Dump(source []byte, level int) { ast.DumpHelper(n, source, level, nil, nil) }

// citeRenderer renders cite and softBreak nodes. It takes the HTML
// renderer's options so that moved soft line breaks render as goldmark
// would have rendered them.
type citeRenderer struct {
	html.Config
}

func (r *citeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCite, r.renderCite)
	reg.Register(KindSoftBreak, r.renderSoftBreak)
}

func (r *citeRenderer) renderCite(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*cite)
	switch {
	case n.missing && entering:
		_, _ = w.WriteString(`<span class="cite cite-missing" title="未收录">`)
	case n.missing:
		_, _ = w.WriteString(`</span>`)
	case entering:
		_, _ = w.WriteString(`<a class="cite" href="`)
		_, _ = w.Write(util.EscapeHTML(util.URLEscape([]byte(n.href), false)))
		_, _ = w.WriteString(`">`)
	default:
		_, _ = w.WriteString(`</a>`)
	}
	return ast.WalkContinue, nil
}

// renderSoftBreak follows goldmark's html renderText for a text node with
// a soft line break followed by a text node (goldmark v1.8.7).
func (r *citeRenderer) renderSoftBreak(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*softBreak)
	switch {
	case r.HardWraps && r.XHTML:
		_, _ = w.WriteString("<br />\n")
	case r.HardWraps:
		_, _ = w.WriteString("<br>\n")
	case r.EastAsianLineBreaks == html.EastAsianLineBreaksNone:
		_ = w.WriteByte('\n')
	case eastAsianBreak(r.EastAsianLineBreaks, n.before, n.after):
		_ = w.WriteByte('\n')
	}
	return ast.WalkContinue, nil
}

// eastAsianBreak reports whether a soft line break between a and b is kept
// in the given style. It copies goldmark's unexported
// EastAsianLineBreaks.softLineBreak (renderer/html/html.go, v1.8.7).
func eastAsianBreak(style html.EastAsianLineBreaks, a, b rune) bool {
	switch style {
	case html.EastAsianLineBreaksSimple:
		return !(util.IsEastAsianWideRune(a) && util.IsEastAsianWideRune(b))
	case html.EastAsianLineBreaksCSS3Draft:
		if a == '\u200B' || b == '\u200B' {
			return false
		}
		wide := func(r rune) bool {
			w := util.EastAsianWidth(r)
			return w == "F" || w == "W" || w == "H"
		}
		if wide(a) && wide(b) {
			return unicode.Is(unicode.Hangul, a) || unicode.Is(unicode.Hangul, b)
		}
		discard := func(r rune) bool {
			return util.IsSpaceDiscardingUnicodeRune(r) || unicode.IsPunct(r) || r == '\u3000'
		}
		return !discard(a) && !discard(b)
	}
	return false
}
