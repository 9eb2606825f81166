// Package xref finds the citations in a document body, resolves them
// against the archive, and renders them as links. It works on the goldmark
// AST (an ast transformer plus a node renderer), never on HTML.
//
// # What is a citation
//
// In the text nodes of a body (paragraphs, headings, list items, table
// cells; not inside links, code or raw HTML), the transformer looks for:
//
//   - 文号 mentions, found with docnum.Find: 张政办发〔2024〕10号, 涇党发〔2022〕86 号;
//   - 《title》 mentions, with nested 《关于印发〈…〉的通知》 and ASCII <…>
//     inside, matched against archived titles after NormalizeTitle;
//   - a 《title》 directly followed by （文号） or (文号), which is ONE
//     citation printed as the whole 《…》（…）.
//
// A 文号 mention is always a citation: if it resolves it links, if not it
// is styled as missing (未收录). A 《title》 without a 文号 is a citation only
// when the title resolves, since most book-title marks name laws, plans and
// newspapers that an archive of gazettes will never hold.
//
// Mentions may span several adjacent text nodes of a paragraph: goldmark
// splits text at soft line breaks and at characters such as '<' or '['.
// The transformer joins each run of adjacent text nodes, finds mentions in
// the joined text, and splits and regroups the nodes, so the rest of the
// renderer is untouched. One exception is handled explicitly: with
// east-Asian line breaks (the CJK extension) goldmark renders a soft line
// break only between two sibling text nodes, so a break next to a cite
// node moves into a small node that renders it as goldmark would have, in
// every EastAsianLineBreaks style and with hard wraps.
//
// Blocks and runs of text that hold neither 《 nor 号 (nor 號) are skipped
// before any allocation; most of a body is.
//
// Bodies must be valid UTF-8: goldmark v1.8.7 with the CJK extension can
// panic on some invalid input (util.ToRune, yuin/goldmark#597), with or
// without this package.
//
// # Resolution
//
// The generator builds one Index from every document in the archive
// (NewIndex), then converts each body with a fresh parser context:
//
//	md := goldmark.New(goldmark.WithExtensions(xref.Extension))
//	pc := xref.NewContext(ix, doc.ID)
//	md.Convert(body, &buf, parser.WithContext(pc))
//	cites := xref.Citations(pc)
//
// A 文号 resolves by its canonical key (docnum.Number.Key), exactly. A
// title resolves by its normalized form: the whole archived title, or the
// part from 关于 on when only one archived title has that part (citations
// often put the issuer outside the marks: 省政府办公厅《关于…的通知》).
// When a citation has both and the 文号 does not resolve, the title may
// still resolve it, unless the title's target has a different 文号.
//
// Resolved citations render as <a class="cite" href="URL">printed</a>,
// unresolved ones as <span class="cite cite-missing" title="未收录">printed</span>.
// A citation whose target is the citing document itself is left as plain
// text and not reported. All text is escaped.
//
// One goldmark instance serves many documents concurrently: all
// per-document state lives in the parser.Context, and the Index is read-only
// once built.
//
// # Relations
//
//   - RelRepeals: 废止 follows the citation in the same sentence, with only
//     other citations, 、和及, words such as 同时, 一并, 予以 and a
//     自…起 phrase between (《…》(张政办发〔2018〕56号)同时废止,
//     《…》自2024年3月1日起废止), or 废止 precedes it or the list of
//     citations it ends (同时废止《甲》和《乙》).
//   - RelIssues: the citing document is a 印发 notice (its title holds 印发)
//     and the target is a plan it issues: the target's Parent is the
//     citing document, or the citing title contains the target's title.
//   - RelCites: everything else.
//
// # What the generator does with the result
//
// Citations(pc) gives the citations of one document in order, each with
// the sentence around it (plain text) and its line in the converted source
// (add the line of the body's start if front matter was cut off first).
// CitedBy inverts the citations of all documents into 被引用 lists,
// Unresolved groups the unresolved ones by 文号 for the report page and
// `gazette check`, and a RelRepeals citation with a TargetID marks its
// target as repealed.
package xref

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"gazette/generator/docnum"
)

// Relation is how a citing document relates to what it cites.
type Relation string

const (
	RelCites   Relation = "cites"
	RelRepeals Relation = "repeals"
	RelIssues  Relation = "issues"
)

// Citation is one citation in a document body.
type Citation struct {
	From     string   // ID of the citing document
	Printed  string   // the text as printed, line breaks removed: 《…》(国办发〔2023〕33号)
	Key      string   // canonical 文号, "" if the citation names only a title
	Title    string   // the title inside 《》 as printed, "" if none
	Relation Relation // cites, repeals or issues
	TargetID string   // ID of the archived document, "" if unresolved
	Sentence string   // the sentence around the citation, plain text
	Line     int      // 1-based line in the converted source
}

// Resolved reports whether the citation links to an archived document.
func (c Citation) Resolved() bool { return c.TargetID != "" }

// Target is one archived document citations can resolve to.
type Target struct {
	ID        string // content ID: zhangye/2024-02/zzf-2024-027
	URL       string // where its page is: /zhangye/2024-02/zzf-2024-027/
	Title     string // full title
	DocNumber string // 文号 in any form docnum.Parse accepts, or ""
	Parent    string // ID of the notice that issued it, or ""
}

// Index resolves 文号 and titles to targets. It is read-only after
// NewIndex and safe for concurrent use.
type Index struct {
	targets   []Target
	norm      []string // NormalizeTitle of each target's title
	byID      map[string]int
	byKey     map[string]int
	byTitle   map[string]int
	byTail    map[string]int   // normalized title from 关于 on; -1 when ambiguous
	sameTitle map[string][]int // titles several targets share, with all of them
}

// NewIndex indexes targets. When two targets share a 文号 or a title, the
// first one wins; use Duplicates to report them.
func NewIndex(targets []Target) *Index {
	ix := &Index{
		targets: targets,
		norm:    make([]string, len(targets)),
		byID:    make(map[string]int, len(targets)),
		byKey:   make(map[string]int, len(targets)),
		byTitle: make(map[string]int, len(targets)),
		byTail:  make(map[string]int, len(targets)),
	}
	for i, t := range targets {
		if _, ok := ix.byID[t.ID]; !ok {
			ix.byID[t.ID] = i
		}
		if n, ok := docnum.Parse(t.DocNumber); ok {
			if _, dup := ix.byKey[n.Key()]; !dup {
				ix.byKey[n.Key()] = i
			}
		}
		title := NormalizeTitle(t.Title)
		ix.norm[i] = title
		if title == "" {
			continue
		}
		if first, dup := ix.byTitle[title]; !dup {
			ix.byTitle[title] = i
		} else {
			if ix.sameTitle == nil {
				ix.sameTitle = map[string][]int{}
			}
			if len(ix.sameTitle[title]) == 0 {
				ix.sameTitle[title] = []int{first}
			}
			ix.sameTitle[title] = append(ix.sameTitle[title], i)
		}
		if tail := titleTail(title); tail != "" && tail != title {
			if j, seen := ix.byTail[tail]; seen && j != i {
				ix.byTail[tail] = -1
			} else {
				ix.byTail[tail] = i
			}
		}
	}
	return ix
}

// Duplicates returns, for each 文号 key held by more than one target, the
// IDs of those targets, so the generator can report them.
func (ix *Index) Duplicates() map[string][]string {
	seen := map[string][]string{}
	for _, t := range ix.targets {
		if n, ok := docnum.Parse(t.DocNumber); ok {
			seen[n.Key()] = append(seen[n.Key()], t.ID)
		}
	}
	for k, ids := range seen {
		if len(ids) < 2 {
			delete(seen, k)
		}
	}
	return seen
}

// ByID returns the target with the given ID.
func (ix *Index) ByID(id string) (Target, bool) {
	if ix == nil {
		return Target{}, false
	}
	i, ok := ix.byID[id]
	if !ok {
		return Target{}, false
	}
	return ix.targets[i], true
}

// normTitle returns the normalized title of the target with the given ID.
func (ix *Index) normTitle(id string) string {
	if ix == nil {
		return ""
	}
	if i, ok := ix.byID[id]; ok {
		return ix.norm[i]
	}
	return ""
}

// ByNumber returns the target whose 文号 has the given key (or any form
// docnum.Parse accepts).
func (ix *Index) ByNumber(number string) (Target, bool) {
	if t, ok := ix.byNumberKey(number); ok {
		return t, true
	}
	n, ok := docnum.Parse(number)
	if !ok {
		return Target{}, false
	}
	return ix.byNumberKey(n.Key())
}

// byNumberKey looks up a canonical key, without parsing.
func (ix *Index) byNumberKey(key string) (Target, bool) {
	if ix == nil {
		return Target{}, false
	}
	i, ok := ix.byKey[key]
	if !ok {
		return Target{}, false
	}
	return ix.targets[i], true
}

// ByTitle returns the target whose title matches title after
// NormalizeTitle: the whole title, or else the part from 关于 on when it is
// unique in the archive.
func (ix *Index) ByTitle(title string) (Target, bool) { return ix.ByTitleFrom(title, "") }

// ByTitleFrom is ByTitle as seen from the citing document from. When
// several archived documents share the title (each city has its own
// 农村水利惠民工程实施方案), it prefers a plan that from issued, then the
// document nearest to from in the content tree.
func (ix *Index) ByTitleFrom(title, from string) (Target, bool) {
	if ix == nil {
		return Target{}, false
	}
	// Look the common case up without allocating.
	var buf [256]byte
	b, ok := appendTitle(buf[:0], title)
	if !ok {
		b = []byte(NormalizeTitle(title))
	}
	if len(b) == 0 {
		return Target{}, false
	}
	if i, ok := ix.byTitle[string(b)]; ok {
		if same := ix.sameTitle[string(b)]; len(same) > 1 && from != "" {
			i = ix.nearest(same, from)
		}
		return ix.targets[i], true
	}
	if i, ok := ix.byTail[string(b)]; ok && i >= 0 {
		return ix.targets[i], true
	}
	if k := bytes.Index(b, []byte("关于")); k > 0 {
		if i, ok := ix.byTail[string(b[k:])]; ok && i >= 0 {
			return ix.targets[i], true
		}
	}
	return Target{}, false
}

// nearest picks among targets sharing a title the one from issued, else
// the one whose ID shares the longest path prefix with from, else the
// first.
func (ix *Index) nearest(cands []int, from string) int {
	best, bestLen := cands[0], -1
	for _, i := range cands {
		t := ix.targets[i]
		if t.Parent == from {
			return i
		}
		n := 0
		for n < len(t.ID) && n < len(from) && t.ID[n] == from[n] {
			n++
		}
		if n > bestLen {
			best, bestLen = i, n
		}
	}
	return best
}

// titleTail returns the normalized title from its first 关于 on, or "".
func titleTail(norm string) string {
	if i := strings.Index(norm, "关于"); i > 0 {
		return norm[i:]
	}
	return ""
}

// NormalizeTitle returns the form titles are compared in: width folded
// (NFKC), traditional and variant characters folded to simplified
// (docnum.Fold), white space removed, the quoting brackets 《》〈〉<>「」『』
// and quotation marks removed, and dashes unified to '-'. So
// 《关于印发〈涇源县…方案〉的通知》 and 关于印发泾源县…方案的通知 compare equal.
func NormalizeTitle(s string) string {
	if b, ok := appendTitle(nil, s); ok {
		return string(b)
	}
	b, _ := appendTitle(nil, docnum.Fold(s))
	return string(b)
}

// appendTitle appends the normalized form of s to dst. It reports false,
// leaving dst unusable, if s needs NFKC first (docnum.Fold of the whole
// string).
func appendTitle(dst []byte, s string) ([]byte, bool) {
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r' || r >= 0x80 && unicode.IsSpace(r):
		case r == '《' || r == '》' || r == '〈' || r == '〉' || r == '<' || r == '>' ||
			r == '「' || r == '」' || r == '『' || r == '』' ||
			r == '“' || r == '”' || r == '‘' || r == '’' || r == '"' || r == '\'':
		case r == '—' || r == '–' || r == '―' || r == '‐' || r == '‑' || r == '‒' || r == '～' || r == '~':
			dst = append(dst, '-')
		default:
			f, ok := docnum.FoldRune(r)
			if !ok {
				return dst, false
			}
			dst = utf8.AppendRune(dst, f)
		}
	}
	return dst, true
}
