package plans

import (
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// md parses like the site's renderer: same extensions.
var md = goldmark.New(goldmark.WithExtensions(
	extension.Table, extension.Strikethrough, extension.DefinitionList,
	extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft), extension.WithEscapedSpace()),
))

// fast is the parser Extract is meant to run with.
var fast = NewParser()

func parse(tb testing.TB, src string) ast.Node {
	tb.Helper()
	return fast.Parse(text.NewReader([]byte(src)))
}
