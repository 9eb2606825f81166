package xref

import (
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
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

type citeRenderer struct{}

func (citeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(KindCite, renderCite)
}

func renderCite(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
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
