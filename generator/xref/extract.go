package xref

import (
	"bytes"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"gazette/generator/docnum"
)

// Extension adds citation extraction and rendering to a goldmark instance.
// It does nothing for a conversion whose context did not come from
// NewContext.
var Extension goldmark.Extender = extender{}

type extender struct{}

func (extender) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithASTTransformers(util.Prioritized(transformer{}, 900)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(&citeRenderer{Config: html.NewConfig()}, 500)))
}

var stateKey = parser.NewContextKey()

// state is the per-document state kept in the parser context.
type state struct {
	ix    *Index
	self  string
	title string // normalized title of the citing document
	cites []Citation

	scratch []byte // block text buffer, reused from block to block
	marks   []int  // offsets of 《, 号 and 號 in the source
}

// NewContext returns a parser context for converting the body of the
// document with ID self, resolving citations against ix.
func NewContext(ix *Index, self string) parser.Context {
	pc := parser.NewContext()
	st := &state{ix: ix, self: self}
	st.title = ix.normTitle(self)
	pc.Set(stateKey, st)
	return pc
}

// Citations returns the citations found while converting with pc, in
// document order. Their strings share one allocation (see pack).
func Citations(pc parser.Context) []Citation {
	st, _ := pc.Get(stateKey).(*state)
	if st == nil {
		return nil
	}
	pack(st.cites)
	return st.cites
}

// pack moves the strings of cites into one string, reusing the sentence's
// bytes for the citation as printed and the printed text's for the title
// and key where they hold them. A build keeps every body's citations to
// its end: at 100,000 documents they were some 535,000 strings of their
// own, each an object for the collector to mark on every cycle.
func pack(cites []Citation) {
	if len(cites) == 0 {
		return
	}
	// Where each field lies in the packed string: an offset, or -1 when
	// it is the empty string. First the offsets, so the string is made
	// at its exact size.
	type at struct{ sentence, printed, title, key int }
	offs := make([]at, len(cites))
	size := 0
	place := func(s, in string, base int) int { // inside in, written at base, or after the rest
		if s == "" {
			return -1
		}
		if i := strings.Index(in, s); i >= 0 && base >= 0 {
			return base + i
		}
		size += len(s)
		return size - len(s)
	}
	for i, c := range cites {
		o := &offs[i]
		o.sentence = place(c.Sentence, "", -1)
		o.printed = place(c.Printed, c.Sentence, o.sentence)
		o.title = place(c.Title, c.Printed, o.printed)
		o.key = place(c.Key, c.Printed, o.printed)
	}
	var b strings.Builder
	b.Grow(size)
	// A field placed after the rest starts where the string ends so far;
	// one placed inside another starts before that.
	write := func(off int, s string) {
		if off >= 0 && off == b.Len() {
			b.WriteString(s)
		}
	}
	for i, c := range cites {
		o := offs[i]
		write(o.sentence, c.Sentence)
		write(o.printed, c.Printed)
		write(o.title, c.Title)
		write(o.key, c.Key)
	}
	all := b.String()
	field := func(off int, s string) string {
		if off < 0 {
			return ""
		}
		return all[off : off+len(s)]
	}
	for i := range cites {
		c, o := &cites[i], offs[i]
		c.Sentence = field(o.sentence, c.Sentence)
		c.Printed = field(o.printed, c.Printed)
		c.Title = field(o.title, c.Title)
		c.Key = field(o.key, c.Key)
	}
}

type transformer struct{}

// Transform implements parser.ASTTransformer.
func (transformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, _ := pc.Get(stateKey).(*state)
	if st == nil {
		return
	}
	source := reader.Source()
	marks := findMarks(source)
	if len(marks) == 0 {
		return
	}
	st.marks = marks
	var blocks []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering || n.Type() != ast.TypeBlock {
			return ast.WalkContinue, nil
		}
		if c := n.FirstChild(); c != nil && c.Type() == ast.TypeInline {
			if mayCite(n, source, marks) {
				blocks = append(blocks, n)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	lines := lineIndex{source: source}
	for _, b := range blocks {
		st.block(b, source, &lines)
	}
}

// findMarks returns the sorted offsets in source of 《, 号 and 號: every
// mention holds one. It searches for their last UTF-8 byte, which is rarer
// in Chinese text than their first.
func findMarks(source []byte) []int {
	var marks []int
	for _, m := range [...]string{"《", "号", "號"} {
		last := m[len(m)-1]
		for i := len(m) - 1; i < len(source); {
			j := bytes.IndexByte(source[i:], last)
			if j < 0 {
				break
			}
			i += j
			if string(source[i+1-len(m):i+1]) == m {
				marks = append(marks, i+1-len(m))
			}
			i++
		}
	}
	sort.Ints(marks)
	return marks
}

// mayCite reports whether block b has text that could hold a mention.
// Most blocks do not, and are skipped before any allocation: a paragraph,
// heading or list item whose source lines hold no mark, or any other block
// none of whose text nodes does.
func mayCite(b ast.Node, source []byte, marks []int) bool {
	if lines := b.Lines(); lines != nil && lines.Len() > 0 {
		lo, hi := lines.At(0).Start, lines.At(lines.Len()-1).Stop
		k := sort.SearchInts(marks, lo)
		return k < len(marks) && marks[k] < hi
	}
	found := false
	_ = ast.Walk(b, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			v := t.Segment.Value(source)
			if bytes.Contains(v, []byte("《")) || bytes.Contains(v, []byte("号")) || bytes.Contains(v, []byte("號")) {
				found = true
				return ast.WalkStop, nil
			}
		}
		return ast.WalkContinue, nil
	})
	return found
}

// piece is one text node of a run, at [start, end) of the block text.
type piece struct {
	t          *ast.Text
	start, end int
}

// run is a sequence of adjacent text nodes with one parent.
type run struct {
	parent ast.Node
	pieces []piece
}

// hasMark reports whether the text of r holds one of marks (see findMarks).
func (r *run) hasMark(marks []int) bool {
	for _, p := range r.pieces {
		k := sort.SearchInts(marks, p.t.Segment.Start)
		if k < len(marks) && marks[k] < p.t.Segment.Stop {
			return true
		}
	}
	return false
}

// blockText is the plain text of one block, and its runs of text nodes.
type blockText struct {
	buf  []byte
	runs []run
}

func (bt *blockText) collect(n ast.Node, source []byte, searchable bool) {
	var cur *run
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			start := len(bt.buf)
			bt.buf = append(bt.buf, c.Segment.Value(source)...)
			if searchable && c.Segment.Padding == 0 {
				if cur == nil {
					bt.runs = append(bt.runs, run{parent: n})
					cur = &bt.runs[len(bt.runs)-1]
				}
				cur.pieces = append(cur.pieces, piece{t: c, start: start, end: len(bt.buf)})
			} else {
				cur = nil
			}
			if c.SoftLineBreak() || c.HardLineBreak() {
				bt.buf = append(bt.buf, '\n')
			}
		case *ast.String:
			bt.buf = append(bt.buf, c.Value...)
			cur = nil
		case *ast.RawHTML:
			cur = nil
		case *ast.Link, *ast.Image, *ast.AutoLink, *ast.CodeSpan, *cite:
			bt.collect(c, source, false)
			cur = nil
		default:
			bt.collect(c, source, searchable)
			cur = nil
		}
		if cur != nil {
			// cur points into bt.runs, which a nested collect may grow.
			cur = &bt.runs[len(bt.runs)-1]
		}
	}
}

// mention is one citation candidate at [start, end) of the block text.
type mention struct {
	start, end int
	run        int
	num        docnum.Number // zero if none
	key        string        // num.Key(), "" if none
	title      string        // inside 《》, as printed; "" if none
	target     Target
	resolved   bool
	keep       bool // a citation (else only a span that separates others)
}

func (st *state) block(b ast.Node, source []byte, lines *lineIndex) {
	bt := blockText{buf: st.scratch[:0]}
	bt.collect(b, source, true)
	st.scratch = bt.buf
	if len(bt.runs) == 0 {
		return
	}
	var ms []mention
	for ri, r := range bt.runs {
		if !r.hasMark(st.marks) {
			continue
		}
		start, end := r.pieces[0].start, r.pieces[len(r.pieces)-1].end
		ms = append(ms, findMentions(string(bt.buf[start:end]), start, ri)...)
	}
	if len(ms) == 0 {
		return
	}
	// Lines that start with a 文号 (a 发文目录) end a sentence.
	numStarts := map[int]bool{}
	for i := range ms {
		if !ms[i].num.IsZero() {
			ms[i].key = ms[i].num.Key()
		}
		st.resolve(&ms[i])
		if ms[i].title == "" {
			numStarts[ms[i].start] = true
		}
	}
	for i := range ms {
		m := &ms[i]
		if !m.keep {
			continue
		}
		c := Citation{
			From:     st.self,
			Printed:  plain(bt.buf[m.start:m.end]),
			Title:    plain([]byte(m.title)),
			Relation: st.relation(bt.buf, ms, i),
			Sentence: sentence(bt.buf, m.start, m.end, numStarts),
			Line:     lines.line(st.sourceOffset(bt.runs[m.run], m.start)),
		}
		c.Key = m.key
		if m.resolved {
			c.TargetID = m.target.ID
		}
		st.cites = append(st.cites, c)
	}
	// Rewrite the AST, last mention first so earlier offsets stay valid.
	wrapped := false
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].keep {
			wrap(&bt.runs[ms[i].run], ms[i])
			wrapped = true
		}
	}
	if wrapped {
		keepSoftBreaks(b, source)
	}
}

// keepSoftBreaks keeps the rendering of soft line breaks that wrapping
// changed. With east-Asian line breaks on (the CJK extension), goldmark
// renders a soft line break only when the next sibling is a text node, and
// then by the characters on both sides; a cite node between two text nodes
// that used to be siblings would drop the break. Such a break moves into a
// softBreak node that renders as the text node would have.
func keepSoftBreaks(b ast.Node, source []byte) {
	var texts []*ast.Text
	_ = ast.Walk(b, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering && t.SoftLineBreak() && !t.HardLineBreak() {
			if _, ok := t.NextSibling().(*ast.Text); !ok {
				texts = append(texts, t)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		next := t.NextSibling()
		if next == nil {
			if c, ok := t.Parent().(*cite); ok {
				next = c.NextSibling()
			}
		} else if _, ok := next.(*cite); !ok {
			continue // adjacency goldmark made, not ours
		}
		if c, ok := next.(*cite); ok {
			next = c.FirstChild()
		}
		u, ok := next.(*ast.Text)
		if !ok {
			continue
		}
		a, b := t.Value(source), u.Value(source)
		if len(a) == 0 || len(b) == 0 {
			continue
		}
		last, _ := utf8.DecodeLastRune(a)
		first, _ := utf8.DecodeRune(b)
		t.SetSoftLineBreak(false)
		t.Parent().InsertAfter(t.Parent(), t, &softBreak{before: last, after: first})
	}
}

// resolve looks m up in the index and decides whether it is a citation.
func (st *state) resolve(m *mention) {
	var byNum, byTitle Target
	var okNum, okTitle bool
	if !m.num.IsZero() {
		byNum, okNum = st.ix.byNumberKey(m.key)
	}
	if m.title != "" && !okNum {
		byTitle, okTitle = st.ix.ByTitleFrom(m.title, st.self)
		if okTitle && !m.num.IsZero() && byTitle.DocNumber != "" {
			if n, ok := docnum.Parse(byTitle.DocNumber); ok && n.Key() != m.key {
				okTitle = false
			}
		}
	}
	switch {
	case okNum:
		m.target, m.resolved = byNum, true
	case okTitle:
		m.target, m.resolved = byTitle, true
	}
	// A 文号 always counts; a bare title only when it resolves. A
	// self-citation stays plain text.
	m.keep = (!m.num.IsZero() || m.resolved) && !(m.resolved && m.target.ID == st.self)
}

// findMentions finds 文号 and 《title》 mentions in s, the text of one run
// starting at offset base of the block text.
func findMentions(s string, base, ri int) []mention {
	titles := findTitles(s)
	nums := docnum.Find(s)
	var out []mention
	ti, ni := 0, 0
	for ti < len(titles) || ni < len(nums) {
		if ni < len(nums) && (ti == len(titles) || nums[ni].Start < titles[ti][0]) {
			n := nums[ni]
			ni++
			out = append(out, mention{start: base + n.Start, end: base + n.End, run: ri, num: n.Number})
			continue
		}
		t := titles[ti]
		ti++
		m := mention{start: base + t[0], end: base + t[1], run: ri, title: s[t[0]+len("《") : t[1]-len("》")]}
		// Skip 文号 printed inside the title.
		for ni < len(nums) && nums[ni].Start < t[1] {
			ni++
		}
		// 《title》（文号）is one citation.
		if ni < len(nums) {
			j := skipSpace(s, t[1])
			if r, size := utf8.DecodeRuneInString(s[j:]); r == '(' || r == '（' {
				if j = skipSpace(s, j+size); nums[ni].Start == j {
					k := skipSpace(s, nums[ni].End)
					if r, size := utf8.DecodeRuneInString(s[k:]); r == ')' || r == '）' {
						m.num = nums[ni].Number
						m.end = base + k + size
						ni++
					}
				}
			}
		}
		out = append(out, m)
	}
	return out
}

// findTitles returns the [start, end) byte ranges of the outermost 《…》 in
// s, nesting included.
func findTitles(s string) [][2]int {
	var out [][2]int
	depth, start := 0, 0
	// 《 and 》 both start with the byte 0xE3.
	for i := 0; i < len(s); i++ {
		j := strings.IndexByte(s[i:], 0xE3)
		if j < 0 {
			break
		}
		i += j
		switch {
		case strings.HasPrefix(s[i:], "《"):
			if depth == 0 {
				start = i
			}
			depth++
		case strings.HasPrefix(s[i:], "》") && depth > 0:
			if depth--; depth == 0 && i > start+len("《") {
				out = append(out, [2]int{start, i + len("》")})
			}
		}
	}
	return out
}

func skipSpace(s string, i int) int {
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsSpace(r) {
			break
		}
		i += size
	}
	return i
}

// sourceOffset maps an offset of the block text that lies in run r to the
// source byte offset.
func (st *state) sourceOffset(r run, off int) int {
	for _, p := range r.pieces {
		if off >= p.start && off < p.end {
			return p.t.Segment.Start + off - p.start
		}
	}
	return r.pieces[0].t.Segment.Start
}

// wrap moves the text of m, splitting text nodes where m starts and ends,
// into a new cite node.
func wrap(r *run, m mention) {
	c := &cite{missing: !m.resolved}
	if m.resolved {
		c.href = m.target.URL
	}
	var first ast.Node
	var newPieces []piece
	for _, p := range r.pieces {
		if p.end <= m.start || p.start >= m.end {
			newPieces = append(newPieces, p)
			continue
		}
		// Split p into before | inside | after.
		t := p.t
		seg := t.Segment
		soft, hard, raw := t.SoftLineBreak(), t.HardLineBreak(), t.IsRaw()
		inStart := max(m.start, p.start) - p.start + seg.Start
		inEnd := min(m.end, p.end) - p.start + seg.Start
		mk := func(a, b int, last bool) *ast.Text {
			n := ast.NewTextSegment(text.NewSegment(a, b))
			n.SetRaw(raw)
			if last {
				n.SetSoftLineBreak(soft)
				n.SetHardLineBreak(hard)
			}
			return n
		}
		inside := mk(inStart, inEnd, inEnd == seg.Stop)
		parent := r.parent
		if inStart > seg.Start {
			before := mk(seg.Start, inStart, false)
			parent.InsertBefore(parent, t, before)
			newPieces = append(newPieces, piece{t: before, start: p.start, end: p.start + inStart - seg.Start})
		}
		if first == nil {
			parent.InsertBefore(parent, t, c)
			first = c
		}
		c.AppendChild(c, inside)
		if inEnd < seg.Stop {
			after := mk(inEnd, seg.Stop, true)
			parent.InsertAfter(parent, t, after)
			newPieces = append(newPieces, piece{t: after, start: p.start + inEnd - seg.Start, end: p.end})
		}
		parent.RemoveChild(parent, t)
	}
	r.pieces = newPieces
}
