package generator

import (
	"html/template"
	"strconv"
	"strings"
)

// OutlineHTML is the document's outline as an ordered list of links to its
// headings, the markup the default theme shows above a long body:
//
//	<ol><li class="l2"><a href="#s1">一、总体要求</a></li>…</ol>
//
// For an outline with headings it is the same markup, byte for byte, as
// html/template makes from
//
//	<ol>{{range .Outline}}<li class="l{{.Level}}"><a href="#{{.ID}}">{{.Text}}</a></li>{{end}}</ol>
//
// (TestOutlineHTML and FuzzOutlineHTML check that; an empty outline is
// nothing, not an empty list). It is made here because each of those
// printed values is a reflective call with its allocations: at 10,000
// documents the range was a quarter of the layouts' time
// (BenchmarkTemplates). A theme that wants other markup ranges over
// .Outline itself.
func (d *Doc) OutlineHTML() template.HTML {
	if len(d.Outline) == 0 {
		return ""
	}
	n := len("<ol></ol>")
	for _, h := range d.Outline {
		n += len(`<li class="l"><a href="#"></a></li>`) + 2 + len(h.ID) + len(h.Text)
	}
	var b strings.Builder
	b.Grow(n + n/8)
	b.WriteString("<ol>")
	for _, h := range d.Outline {
		b.WriteString(`<li class="l`)
		b.WriteString(strconv.Itoa(h.Level))
		b.WriteString(`"><a href="#`)
		writeURLPart(&b, h.ID)
		b.WriteString(`">`)
		writeHTMLText(&b, h.Text)
		b.WriteString("</a></li>")
	}
	b.WriteString("</ol>")
	return template.HTML(b.String())
}

// writeHTMLText writes s escaped as html/template escapes a string printed
// in text or in a quoted attribute: its five special characters, '+' (as
// UTF-7 defence) and NUL (replaced by U+FFFD).
func writeHTMLText(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var r string
		switch s[i] {
		case 0:
			r = "\uFFFD"
		case '"':
			r = "&#34;"
		case '&':
			r = "&amp;"
		case '\'':
			r = "&#39;"
		case '+':
			r = "&#43;"
		case '<':
			r = "&lt;"
		case '>':
			r = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(r)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// writeURLPart writes s as html/template escapes a value printed after the
// '#' of a URL in an attribute: every byte but ASCII letters, digits and
// "-._~" percent-encoded in lower-case hex (nothing then needs HTML
// escaping).
func writeURLPart(b *strings.Builder, s string) {
	const hex = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
}
