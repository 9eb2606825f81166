package importer

import (
	"regexp"
	"strings"

	"gazette/generator/docnum"
)

// Heading markers, from the highest rank to the lowest. A short line that
// starts with one of them becomes a Markdown heading; its level depends on
// which ranks the document uses (the highest one used is ##).
var headingRanks = []*regexp.Regexp{
	nil, // a section title line of a one-paragraph-per-line text, see sectionLine
	regexp.MustCompile(`^第[一二三四五六七八九十百零〇]+[编章]`),
	regexp.MustCompile(`^第[一二三四五六七八九十百零〇]+节`),
	regexp.MustCompile(`^[一二三四五六七八九十]+、`),
	regexp.MustCompile(`^[(（]?[一二三四五六七八九十]+[)）]`), // also 五)实施步骤, its ( lost
	regexp.MustCompile(`^\d{1,2}[.．、]([^\d]|$)`),
	regexp.MustCompile(`^[(（]\d{1,2}[)）]`),
	regexp.MustCompile(`^第[一二三四五六七八九十百零〇]+条`),
}

// itemStart matches a line that always starts a paragraph of its own: a
// heading or list marker, a chronicle day, an attachment note, a 文号.
var itemStart = regexp.MustCompile(`^(第[一二三四五六七八九十百零〇]+[编章节条]|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、]([^\d]|$)|\d{1,2}日|[△●•①-⑳]|——|附件|附表|- )`)

// rank returns the heading rank of a paragraph, or -1. A heading is short
// and ends no sentence or clause inside (commas are allowed); an article (第一条) is a heading only
// when it stands nearly alone.
func rank(s string) int {
	if runeLen(s) > 30 || strings.ContainsAny(s, "。；;：:！？!?") {
		return -1
	}
	for i, re := range headingRanks {
		if re != nil && re.MatchString(s) {
			if i == len(headingRanks)-1 && runeLen(s) > 12 {
				return -1
			}
			return i
		}
	}
	return -1
}

// Residue patterns: text that is the web page or the print layout, not the
// document. Each is listed with -v.
var residuePatterns = []struct {
	re  *regexp.Regexp
	why string
}{
	{regexp.MustCompile(`^扫一扫在手机打开当前页面?$`), "web page chrome"},
	{regexp.MustCompile(`^Produced By `), "web page chrome"},
	{regexp.MustCompile(`^浏览次数[:：]\s*\d*$`), "web page chrome"},
	{regexp.MustCompile(`\.(pdf|docx?|wps)$`), "download link"},
	{regexp.MustCompile(`^[.·…。\s]{3,}[(（]?\d*[)）]?$`), "dot leader"},
}

func residueOf(s string) (string, bool) {
	s = simplified(s)
	for _, p := range residuePatterns {
		if p.re.MatchString(s) {
			return p.why, true
		}
	}
	return "", false
}

var (
	inputRe   = regexp.MustCompile(`<input[^>]*type=["']?(radio|checkbox)["']?[^>]*>`)
	tagRe     = regexp.MustCompile(`</?(p|br|span|div|b|strong|em|i|u|font)(\s[^>]*)?/?>`)
	fracRe    = regexp.MustCompile(`\$\\frac\{([^{}]*)\}\{([^{}]*)\}\$`)
	sepCellRe = regexp.MustCompile(`^:?-{2,}:?$`)
)

// inline cleans a line's inline residue: form controls become ○/□, HTML
// tags become spaces, a LaTeX fraction becomes a/b.
func inline(s string) string {
	s = inputRe.ReplaceAllStringFunc(s, func(m string) string {
		if strings.Contains(m, "checkbox") {
			return "□"
		}
		return "○"
	})
	s = fracRe.ReplaceAllString(s, "$1/$2")
	if strings.Contains(s, "<") {
		s = tagRe.ReplaceAllString(s, " ")
	}
	return s
}

// escape makes s safe as Markdown inline text: characters that would
// start emphasis, code, HTML, links or tables by accident get a backslash.
// Balanced ** pairs printed in the source stay emphasis.
func escape(s string) string {
	keepBold := strings.Count(s, "**")%2 == 0 && strings.Count(s, "**") > 0 && !strings.Contains(s, "***")
	var b strings.Builder
	rs := []rune(s)
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch r {
		case '*':
			if keepBold && i+1 < len(rs) && rs[i+1] == '*' {
				b.WriteString("**")
				i++
				continue
			}
			b.WriteString(`\*`)
		case '\\', '`', '_', '<', '>', '[', ']', '|', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '&':
			if i+1 < len(rs) && (rs[i+1] == '#' || rs[i+1] >= 'a' && rs[i+1] <= 'z' || rs[i+1] >= 'A' && rs[i+1] <= 'Z') {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	olStart    = regexp.MustCompile(`^(\d{1,9})([.)])`)
	setextLine = regexp.MustCompile(`^(=+|-+)$`)
)

// escapeBlock escapes a paragraph's text and its start, so that it cannot
// become a heading, quote, list, code block or thematic break.
func escapeBlock(s string) string {
	s = escape(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "#"), strings.HasPrefix(s, "+"), strings.HasPrefix(s, "="):
		s = `\` + s
	case strings.HasPrefix(s, "-"):
		s = `\` + s
	case olStart.MatchString(s):
		m := olStart.FindStringSubmatchIndex(s)
		s = s[:m[3]] + `\` + s[m[4]:]
	}
	if setextLine.MatchString(s) {
		s = `\` + s
	}
	return s
}

// renderer turns source lines into Markdown.
type renderer struct {
	perLine   bool // the source puts one paragraph on each line
	chronicle bool // N日 paragraphs are days of a chronicle
	shift     int  // heading levels start at ## plus shift
	residue   *[]Residue
}

type block struct {
	kind  int // blockText, blockTable
	lines []line
}

const (
	blockText = iota
	blockTable
)

func isTableLine(s string) bool {
	t := strings.TrimSpace(s)
	return strings.Contains(strings.Trim(s, " "), "\t") || (len(t) > 2 && strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|"))
}

// render converts lines to Markdown.
//
// A table, its caption (表2：…) or a boxed sidebar (重点工程一：… and its
// paragraph) printed in the middle of a sentence is moved after it: the
// text that continues the sentence below the block joins the paragraph
// above it.
func (r *renderer) render(ls []line) string {
	var paras []string
	var kinds []int
	var lines [][]line // the source lines of each text paragraph
	var cur []line
	open := -1       // index of a paragraph cut mid-sentence by a block
	into := -1       // cur continues paras[into]
	boxText := false // the paragraph after a box header is the box's
	flush := func() {
		if len(cur) == 0 {
			return
		}
		p := r.paragraph(cur)
		if into >= 0 {
			paras[into], lines[into] = p, cur
			if endsSentence(p) {
				open = -1
			}
			into, cur = -1, nil
			return
		}
		switch {
		case captionRe.MatchString(p) || boxRe.MatchString(p):
			boxText = boxRe.MatchString(p)
		case boxText:
			boxText = false
		default:
			open = -1
			// Only running text is open: a title or a cell is not.
			if !r.perLine && !endsSentence(p) && rank(p) < 0 && runeLen(p) >= 20 && strings.ContainsAny(p, "，,。；;") {
				open = len(paras)
			}
		}
		paras = append(paras, p)
		kinds = append(kinds, blockText)
		lines = append(lines, cur)
		cur = nil
	}
	var table []line
	flushTable := func() {
		if len(table) == 0 {
			return
		}
		// A table continued on a new page repeats its header row, often
		// under its title again: both go, and the rows join the table.
		n := len(paras)
		prev := -1
		switch {
		case n >= 1 && kinds[n-1] == blockTable:
			prev = n - 1
		case n >= 3 && kinds[n-2] == blockTable && kinds[n-1] == blockText && kinds[n-3] == blockText &&
			squash(simplified(paras[n-1])) == squash(simplified(paras[n-3])):
			prev = n - 2
		}
		if prev >= 0 && len(lines[prev]) > 0 && tableHeader(lines[prev]) == tableHeader(table) && tableHeader(table) != "" {
			h := headerIndex(table)
			if prev == n-2 {
				for _, l := range lines[n-1] {
					*r.residue = append(*r.residue, Residue{Line: l.n, Text: l.trim(), Why: "table title repeated on a new page"})
				}
				paras, kinds, lines = paras[:n-1], kinds[:n-1], lines[:n-1]
			}
			*r.residue = append(*r.residue, Residue{Line: table[h].n, Text: strings.TrimSpace(clean(table[h].s)), Why: "table header repeated on a new page"})
			lines[prev] = append(append(lines[prev], table[:h]...), table[h+1:]...)
			paras[prev] = r.table(lines[prev])
			table = nil
			return
		}
		paras = append(paras, r.table(table))
		kinds = append(kinds, blockTable)
		lines = append(lines, table)
		table = nil
	}
	blanks := 0
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		if l.blank() {
			blanks++
			if r.perLine {
				flush()
			}
			continue
		}
		s := strings.TrimSpace(clean(l.s))
		if why, ok := residueOf(s); ok {
			*r.residue = append(*r.residue, Residue{Line: l.n, Text: s, Why: why})
			continue
		}
		if isTableLine(l.s) {
			flush()
			if len(table) > 0 && blanks > 1 {
				flushTable()
			}
			table = append(table, l)
			blanks = 0
			continue
		}
		flushTable()
		if len(cur) > 0 && !r.joins(cur[len(cur)-1], l, blanks) {
			flush()
		}
		if len(cur) == 0 && open >= 0 && open < len(paras)-1 && !boxText && r.continues(lines[open], l) {
			// Text below a block continues the sentence above it.
			cur, into = append([]line(nil), lines[open]...), open
		}
		cur = append(cur, l)
		blanks = 0
	}
	flush()
	flushTable()
	return r.headings(paras, kinds)
}

var (
	captionRe = regexp.MustCompile(`^[表图]\s*\d{1,2}\s*[:：]`)
	boxRe     = regexp.MustCompile(`^重点(工程|项目|任务)[一二三四五六七八九十\d]+\s*[:：]`)
)

// continues reports whether line l continues the paragraph of lines p,
// from which a block separates it.
func (r *renderer) continues(p []line, l line) bool {
	n := l.trim()
	return len(p) > 0 && runeLen(n) >= 4 && strings.ContainsAny(n, "，,。；;、") && !itemStart.MatchString(n) && !fieldLineRe.MatchString(n) && !onlyDate.MatchString(n) &&
		!startsWithDocNum(n) && rank(n) < 0 && !captionRe.MatchString(n) && !boxRe.MatchString(n)
}

// joins reports whether line next continues the paragraph whose last line
// is prev, with blanks blank lines between them.
func (r *renderer) joins(prev, next line, blanks int) bool {
	p, n := prev.trim(), strings.TrimPrefix(next.trim(), "- ")
	if r.perLine || itemStart.MatchString(n) || onlyDate.MatchString(n) || startsWithDocNum(n) {
		return false
	}
	if rank(p) >= 0 || endsSentence(p) || fieldLineRe.MatchString(n) || captionRe.MatchString(n) || boxRe.MatchString(n) || captionRe.MatchString(p) || boxRe.MatchString(p) {
		return false
	}
	if blanks == 0 {
		return true
	}
	// Across a blank line only a line cut mid-sentence continues: long
	// enough not to be a label, and not a "name  title" row.
	p = leadMarkRe.ReplaceAllString(p, "")
	return blanks == 1 && runeLen(p) > 8 && (!strings.Contains(p, " ") || runeLen(p) > 30)
}

// fieldLineRe matches a "label：value" line (时间：2023年5月, 牵头单位:市教育局).
var fieldLineRe = regexp.MustCompile(`^\p{Han}{2,8}[:：]`)

var leadMarkRe = regexp.MustCompile(`^(△|第[一二三四五六七八九十百零〇]+[章节条]|\d{1,2}日|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、]|[一二三四五六七八九十]+、)\s*`)

// startsWithDocNum reports whether s starts with a 文号 (a file-list line).
func startsWithDocNum(s string) bool {
	s = prefixOf(s, 32)
	ms := docnum.Find(s)
	return len(ms) > 0 && ms[0].Start == 0
}

func prefixOf(s string, n int) string {
	rs := []rune(s)
	if len(rs) > n {
		rs = rs[:n]
	}
	return string(rs)
}

// paragraph joins the lines of one paragraph. CJK text joins without a
// space; Latin words keep one.
func (r *renderer) paragraph(ls []line) string {
	var b strings.Builder
	for i, l := range ls {
		s := inline(strings.TrimSpace(clean(l.s)))
		s = strings.TrimPrefix(s, "- ")
		if i > 0 && b.Len() > 0 {
			prev := []rune(b.String())
			first := []rune(s)
			if len(first) > 0 && !isCJK(prev[len(prev)-1]) && !isCJK(first[0]) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(s)
	}
	return b.String()
}

// headings renders the paragraphs, giving headings levels from the ranks
// that occur.
func (r *renderer) headings(paras []string, kinds []int) string {
	used := make([]bool, len(headingRanks))
	ranks := make([]int, len(paras))
	for i, p := range paras {
		ranks[i] = -1
		if kinds[i] == blockText {
			ranks[i] = rank(p)
			if ranks[i] < 0 && r.perLine && sectionLine(p) {
				ranks[i] = 0
			}
			if ranks[i] >= 0 {
				used[ranks[i]] = true
			}
		}
	}
	level := make([]int, len(headingRanks))
	next := 2 + r.shift
	for i, u := range used {
		if u {
			level[i] = min(next, 6)
			next++
		}
	}
	var out []string
	for i, p := range paras {
		switch {
		case kinds[i] == blockTable:
			out = append(out, p)
		case ranks[i] >= 0:
			out = append(out, strings.Repeat("#", level[ranks[i]])+" "+escape(p))
		case r.chronicle && dayRe.MatchString(p):
			m := dayRe.FindStringSubmatch(p)
			out = append(out, "### "+m[1])
			if rest := strings.TrimSpace(p[len(m[0]):]); rest != "" {
				out = append(out, escapeBlock(rest))
			}
		case startsWithDocNum(p):
			out = append(out, "- "+escape(p))
		default:
			out = append(out, escapeBlock(p))
		}
	}
	// A list of 文号 lines is one tight list.
	var b strings.Builder
	for i, p := range out {
		if i > 0 {
			if strings.HasPrefix(p, "- ") && strings.HasPrefix(out[i-1], "- ") {
				b.WriteString("\n")
			} else {
				b.WriteString("\n\n")
			}
		}
		b.WriteString(p)
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}

// sectionLine reports whether a paragraph of a one-paragraph-per-line text
// is a section title: short, no punctuation, no space, no list marker.
func sectionLine(p string) bool {
	return runeLen(p) >= 4 && runeLen(p) <= 24 && !strings.ContainsAny(p, "，,。；;：:！？!?、 ") &&
		!itemStart.MatchString(p) && !onlyDate.MatchString(p) && !startsWithDocNum(p)
}

var dayRe = regexp.MustCompile(`^(\d{1,2}日)\s*`)

// cells splits a table row into trimmed cells, or nil for a separator row
// copied from Markdown.
func cells(l line) []string {
	s := strings.TrimRight(clean(l.s), " ")
	var cs []string
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") && !strings.Contains(s, "\t") {
		cs = strings.Split(t[1:len(t)-1], "|")
	} else {
		cs = strings.Split(s, "\t")
	}
	sep := true
	for i, c := range cs {
		c = strings.TrimSpace(inline(c))
		cs[i] = c
		if c != "" && !sepCellRe.MatchString(c) {
			sep = false
		}
	}
	if sep {
		return nil
	}
	for len(cs) > 1 && cs[len(cs)-1] == "" {
		cs = cs[:len(cs)-1]
	}
	return cs
}

// headerIndex is the index of a table's header row (its first row that is
// not a separator).
func headerIndex(ls []line) int {
	for i, l := range ls {
		if cells(l) != nil {
			return i
		}
	}
	return 0
}

// tableHeader is a table's header row as one comparable string.
func tableHeader(ls []line) string {
	if len(ls) == 0 {
		return ""
	}
	return squash(simplified(strings.Join(cells(ls[headerIndex(ls)]), "|")))
}

// table renders tab- or pipe-separated rows as a GFM table. The first row
// is the header; rows are padded to the widest one; separator rows copied
// from Markdown sources are dropped.
func (r *renderer) table(ls []line) string {
	var rows [][]string
	width := 0
	for _, l := range ls {
		cs := cells(l)
		if cs == nil {
			continue
		}
		rows = append(rows, cs)
		width = max(width, len(cs))
	}
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	writeRow := func(cells []string) {
		b.WriteString("|")
		for i := 0; i < width; i++ {
			c := ""
			if i < len(cells) {
				c = escape(strings.Join(strings.Fields(cells[i]), " "))
			}
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	writeRow(rows[0])
	b.WriteString("|")
	for i := 0; i < width; i++ {
		b.WriteString(" --- |")
	}
	b.WriteString("\n")
	for _, row := range rows[1:] {
		writeRow(row)
	}
	return strings.TrimRight(b.String(), "\n")
}
