// Package plans finds who is responsible for what in plan documents
// (实施方案, 工作方案, 任务清单, 规划): each task's text, its lead,
// cooperating and implementing units, deadline and amount, and the heading
// it sits under; and it resolves the office names it finds to one canonical
// name per office within a jurisdiction (see Offices).
//
// # Tasks in imported text
//
// Extract reads the Markdown body as the importer writes it, which keeps the
// text as printed. It recognises responsibility markers, a label and a
// colon (full or half width, optionally in **bold**):
//
//	牵头单位 牵头部门                    lead
//	配合单位 配合部门 协办单位            cooperating
//	实施单位 实施主体 责任主体            implementing
//	责任单位 责任部门                    lead, or cooperating when the same
//	                                     block also names a 牵头单位
//	完成时限 完成时间 时间                deadline
//	…责任领导 部门牵头领导 责任人 技术指导 形式
//	                                     read and skipped (persons, not offices)
//
// in three layouts:
//
//   - a labelled block: one or more paragraphs that start with a label,
//     labels possibly glued together on one line
//     (牵头单位:市教育局配合单位:市财政局 市发展改革委). The block belongs to
//     the paragraph before it, or to the heading when it follows the heading
//     directly; under a heading such as 责任主体 the task is the plan itself
//     (its title), with the deadline of its 完成时限 section and the first
//     amount of its 资金安排 section.
//   - an inline block at the end of a paragraph, in parentheses:
//     …减损。（牵头单位：农业农村局，配合单位：发改局、财政局）, or after a
//     full stop or comma: …转变。牵头单位：科技局，配合单位：…. The task is
//     the paragraph's text without the block; labelled paragraphs right
//     after it add to the block.
//   - a paragraph that holds only a parenthesised block, standing for the
//     paragraph before it.
//
// When the text marks no task, task tables are read: at most six columns,
// a header naming the task (任务, 具体任务), units by the labels above and
// optionally a time (实施时间, 完成时限 …); one task per row.
//
// A paragraph that continues a sentence broken by a page (it does not start
// with a number and the paragraph before it does not end a sentence) is
// joined to the paragraph before it. Units are split at 、，, ; and spaces
// outside brackets. A deadline not given by a label is taken from the task
// text (11月底前, 8月15日前, 2023年10月底前); an amount is the first
// 万元/亿元 figure of the task, with the words that introduce it
// (统筹安排资金10040万元).
//
// # Tasks written by hand
//
// A hand-written plan lists its tasks in the front matter instead; when a
// document has [[tasks]], they are used as they are and its body is not
// searched for markers:
//
//	[[tasks]]
//	text = "推进农业生产节约用种"
//	heading = "（一）抓好农业生产环节节约减损"   # links the task to that heading
//	lead = ["农业农村局"]
//	cooperating = ["发改局", "科技局"]
//	implementing = ["各乡（镇）人民政府"]
//	deadline = "2023年11月底前"
//	amount = "统筹安排资金10040万元"
//
// Only text and one of lead, cooperating or implementing are needed. Names
// are written as the plan prints them; Offices resolves them.
package plans

import (
	"bytes"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"gazette/generator/content"
)

// Task is one assignment of work found in a plan.
type Task struct {
	Text    string // the task as printed, without its marker block
	Heading string // text of the heading it sits under
	Anchor  string // id of that heading (s1, s2 … in document order), or ""
	Line    int    // 1-based line of the marker block in the Markdown body (0: front matter)

	Lead, Cooperating, Implementing []string // unit names as printed
	Deadline, Amount                string
}

// Short is the task's title: the text up to its first full stop, without a
// leading number, at most 60 characters.
func (t Task) Short() string {
	s := strings.TrimSpace(listMarker.ReplaceAllString(cleanText(t.Text), ""))
	if i := strings.IndexAny(s, "。；;"); i > 0 {
		s = s[:i]
	}
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:58]) + "…"
	}
	return s
}

// FromContent converts the front-matter tasks of a hand-written plan,
// linking each to the heading it names (headings: the plan's outline as
// text and id pairs, in document order).
func FromContent(ts []content.Task, headings [][2]string) []Task {
	out := make([]Task, 0, len(ts))
	for _, ct := range ts {
		t := Task{Text: ct.Text, Heading: ct.Heading, Lead: ct.Lead, Cooperating: ct.Cooperating,
			Implementing: ct.Implementing, Deadline: ct.Deadline, Amount: ct.Amount}
		if t.Heading != "" {
			for _, h := range headings {
				if squash(h[0]) == squash(t.Heading) {
					t.Anchor = h[1]
					break
				}
			}
		}
		out = append(out, t)
	}
	return out
}

// Stage is a step of a plan's schedule, as its 实施步骤 section prints it:
// (一)准备阶段(1—2月) is Name 准备阶段, Window 1—2月.
type Stage struct {
	Name, Window string
	Anchor       string // id of the heading it is or sits under
}

var stageRe = regexp.MustCompile(`^(?:[（(][一二三四五六七八九十]+[）)]|[0-9]+\s*[.、．])\s*([^，。,；;（(]{1,12}?阶段)\s*[（(]([^）)]{1,30})[）)]`)

// Stages lists the stages of a plan in order: headings or paragraphs that
// start with a number, a name ending in 阶段 and a window in brackets.
func Stages(src []byte, root ast.Node) []Stage {
	var out []Stage
	for _, b := range blocksOf(src, root, readText) {
		if !strings.Contains(b.text, "阶段") {
			continue
		}
		if m := stageRe.FindStringSubmatch(b.text); m != nil {
			out = append(out, Stage{Name: strings.TrimSpace(m[1]), Window: strings.TrimSpace(m[2]), Anchor: b.anchor})
		}
	}
	return out
}

// NewParser returns a goldmark parser that finds the blocks the site's
// renderer finds (CommonMark blocks, GFM tables, definition lists), so
// heading ids agree, but parses no inline markup: Extract reads blocks as
// text, and skipping inline parsing makes it several times cheaper than a
// full parse. Paragraphs skip even the inline pass that would make their
// lines into text nodes (see rawParagraph). A block-level extension added
// to the renderer must be added here too.
func NewParser() parser.Parser {
	return newParser(true)
}

// newParser is NewParser or, with raw false, the plain goldmark parser it
// must agree with (FuzzPlainText compares them).
func newParser(raw bool) parser.Parser {
	var linkRefs parser.ParagraphTransformer = parser.LinkReferenceParagraphTransformer
	definitions := extension.NewDefinitionListParser()
	if raw {
		linkRefs = bracketFirst{linkRefs}
		definitions = rawDefinitions{definitions}
	}
	// Transformers run in increasing priority; these are goldmark's
	// default (link reference definitions) and the table's.
	transformers := []util.PrioritizedValue{
		util.Prioritized(linkRefs, 100),
		util.Prioritized(extension.NewTableParagraphTransformer(), 200),
	}
	if raw {
		transformers = append(transformers, util.Prioritized(rawParagraphs{}, 1000))
	}
	return parser.NewParser(
		parser.WithBlockParsers(append(parser.DefaultBlockParsers(),
			util.Prioritized(definitions, 101),
			util.Prioritized(extension.NewDefinitionDescriptionParser(), 102))...),
		parser.WithParagraphTransformers(transformers...),
	)
}

// bracketFirst calls a paragraph transformer only for a paragraph whose
// first character other than a space is "[", the only ones in which
// goldmark finds link reference definitions: it allocates a reader for
// every paragraph it is given.
type bracketFirst struct{ parser.ParagraphTransformer }

func (b bracketFirst) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	lines := p.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		if v := bytes.TrimLeft(seg.Value(reader.Source()), " \t\n\r"); len(v) > 0 {
			if v[0] != '[' {
				return
			}
			break
		}
	}
	b.ParagraphTransformer.Transform(p, reader, pc)
}

// rawParagraph is a paragraph that goldmark's inline pass leaves alone:
// plainText reads its lines. It stays a rawParagraph in a tight list,
// where goldmark would make a paragraph a TextBlock.
type rawParagraph struct{ ast.Paragraph }

func (*rawParagraph) IsRaw() bool { return true }

// rawDefinitions is goldmark's definition list parser, which makes the
// paragraph before a line starting with ":" a term, even when a blank line
// closed it: it first turns a rawParagraph there back into a paragraph.
type rawDefinitions struct{ parser.BlockParser }

func (d rawDefinitions) Open(parent ast.Node, reader text.Reader, pc parser.Context) (ast.Node, parser.State) {
	if r, ok := parent.LastChild().(*rawParagraph); ok {
		p := ast.NewParagraph()
		p.SetLines(r.Lines())
		p.SetBlankPreviousLines(r.HasBlankPreviousLines())
		parent.ReplaceChild(parent, r, p)
	}
	return d.BlockParser.Open(parent, reader, pc)
}

// rawParagraphs is a paragraph transformer, run after the others, that
// replaces a paragraph being closed by a rawParagraph. goldmark does not
// close a paragraph a transformer replaced, so it trims the lines as the
// paragraph parser's Close would. A paragraph that a setext heading
// underline or a definition closed early (RequireParagraph) is no longer
// among the open blocks and was closed already: it is left as it is, and
// parsed as usual.
type rawParagraphs struct{}

func (rawParagraphs) Transform(p *ast.Paragraph, reader text.Reader, pc parser.Context) {
	if !slices.ContainsFunc(pc.OpenedBlocks(), func(b parser.Block) bool { return b.Node == p }) {
		return
	}
	lines := p.Lines()
	if lines.Len() == 0 {
		return // the paragraph parser removes it
	}
	src := reader.Source()
	for i := range lines.Len() {
		l := lines.At(i)
		lines.Set(i, l.TrimLeftSpace(src))
	}
	last := lines.At(lines.Len() - 1)
	lines.Set(lines.Len()-1, last.TrimRightSpace(src))
	r := &rawParagraph{}
	r.SetLines(lines)
	r.SetBlankPreviousLines(p.HasBlankPreviousLines())
	p.Parent().ReplaceChild(p.Parent(), p, r)
}

// Headings lists the headings of a body as (text, id) pairs, ids s1, s2 …
// as the renderer gives them.
func Headings(src []byte, root ast.Node) [][2]string {
	var out [][2]string
	for _, b := range blocksOf(src, root, readHeadings) {
		if b.heading {
			out = append(out, [2]string{b.text, b.anchor})
		}
	}
	return out
}

// role is what a label says about the names after it.
type role int

const (
	roleSkip role = iota
	roleLead
	roleCoop
	roleImpl
	roleResp // lead unless the block names a lead
	roleDeadline
)

// labels are matched leftmost first, longer forms before the shorter ones
// they contain.
var labelRoles = map[string]role{
	"牵头单位": roleLead, "牵头部门": roleLead,
	"配合单位": roleCoop, "配合部门": roleCoop, "协办单位": roleCoop,
	"实施单位": roleImpl, "实施主体": roleImpl, "责任主体": roleImpl,
	"责任单位": roleResp, "责任部门": roleResp,
	"完成时限": roleDeadline, "完成时间": roleDeadline, "时间": roleDeadline,
	"市级责任领导": roleSkip, "部门责任领导": roleSkip, "部门牵头领导": roleSkip, "市总工会责任领导": roleSkip, "包抓领导": roleSkip,
	"责任领导": roleSkip, "责任人": roleSkip, "技术指导": roleSkip, "形式": roleSkip,
}

// unitLabels are the labels whose names are units (lead, cooperating,
// implementing, responsible): a task needs one. labelTails holds each one
// without its first character (头单位, 任部门 …), the part a page break
// leaves whole (see joinSplitMarkers); all are four characters long.
var unitLabels, labelTails = func() ([]string, map[[3]rune]bool) {
	var labels []string
	tails := map[[3]rune]bool{}
	for l, r := range labelRoles {
		if r == roleSkip || r == roleDeadline {
			continue
		}
		labels = append(labels, l)
		rs := []rune(l)
		if len(rs) != 4 {
			panic("plans: unit label " + l + " is not four characters long")
		}
		tails[[3]rune(rs[1:])] = true
	}
	return labels, tails
}()

// MayHaveTasks is a quick test before parsing a body for tasks: false only
// when Extract finds none in it. Extract reads units after a label and its
// colon in a paragraph (牵头单位：, （责任部门：…）) and in the columns of a
// table with a task column (see hasTaskTable). Between a paragraph's source
// and the text Extract matches labels in, only characters the test skips
// are left out: spaces and line breaks, the quote markers (>) and
// backslashes of the lines, and bold markers. A marker broken by a page
// ("（责" and "任部门：") keeps the label's last three characters together,
// so those, before a colon, are what is looked for. The body is valid
// UTF-8, as content.Split leaves it. FuzzMayHaveTasks checks the test
// against Extract.
func MayHaveTasks(body string) bool {
	// From each colon back: colons are far fewer than characters.
	for _, colon := range [...]string{"：", ":"} {
		for at := 0; ; {
			i := strings.Index(body[at:], colon)
			if i < 0 {
				break
			}
			if labelTailBefore(body[:at+i]) {
				return true
			}
			at += i + len(colon)
		}
	}
	return hasTaskTable(body)
}

// labelTailBefore reports whether s ends in the tail of a unit label,
// once the characters MayHaveTasks passes over are left out.
func labelTailBefore(s string) bool {
	var tail [3]rune
	n := len(tail)
	for n > 0 && s != "" {
		r, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
		if !skippedInLabel(r) {
			n--
			tail[n] = r
		}
	}
	return n == 0 && labelTails[tail]
}

// skippedInLabel reports the characters MayHaveTasks passes over.
func skippedInLabel(r rune) bool {
	return unicode.IsSpace(r) || r == '*' || r == '\\' || r == '>'
}

// hasTaskTable reports whether a line of body may be a table header that
// readTable reads: a cell 任务 or 具体任务 and a cell that is a unit label.
// readTable compares cells as squash and cleanText leave them; here every
// character MayHaveTasks passes over is left out, and the line's first
// cell may start with the markers of the list items and definitions the
// table sits in (-, +, 1., 1), :), which are not part of the cell.
func hasTaskTable(body string) bool {
	for len(body) > 0 {
		line := body
		if i := strings.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = ""
		}
		// Both task columns end in 务 (任　务 is a task column too).
		if !strings.Contains(line, "|") || !strings.Contains(line, "务") {
			continue
		}
		task, unit, first := false, false, true
		for cell := range strings.SplitSeq(line, "|") {
			if first {
				cell, first = trimMarkers(cell), false
			}
			for col := range taskColumns {
				task = task || cellIs(cell, col)
			}
			for _, l := range unitLabels {
				unit = unit || cellIs(cell, l)
			}
		}
		if task && unit {
			return true
		}
	}
	return false
}

// trimMarkers removes from the start of s the characters MayHaveTasks
// passes over and the markers of list items (-, +, *, 1., 1)) and of
// definitions (:), as many as there are.
func trimMarkers(s string) string {
	for {
		t := strings.TrimLeft(strings.TrimLeftFunc(s, skippedInLabel), "-+:")
		if d := len(t) - len(strings.TrimLeft(t, "0123456789")); d > 0 && d < len(t) && (t[d] == '.' || t[d] == ')') {
			t = t[d+1:]
		}
		if t == s {
			return s
		}
		s = t
	}
}

// cellIs reports whether cell is name once the characters MayHaveTasks
// passes over are left out.
func cellIs(cell, name string) bool {
	for _, r := range cell {
		if skippedInLabel(r) {
			continue
		}
		n, size := utf8.DecodeRuneInString(name)
		if size == 0 || n != r {
			return false
		}
		name = name[size:]
	}
	return name == ""
}

var (
	listMarker = regexp.MustCompile(`^\s*(?:[0-9０-９]+\s*[.．、]|[（(][一二三四五六七八九十0-9]+[）)]|[一二三四五六七八九十]+、)\s*`)
	deadlineRe = regexp.MustCompile(`(?:\d{4}\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}\s*日|底|末|上旬|中旬|下旬|初)?(?:之)?前`)
	amountRe   = regexp.MustCompile(`[0-9]+(?:\.[0-9]+)?\s*(?:万元|亿元)`)
	// planHeadings name a section whose block is about the whole plan.
	planHeadingRe  = regexp.MustCompile(`责任主体|责任分工|职责分工|责任单位|组织实施`)
	limitHeadingRe = regexp.MustCompile(`完成时限|完成时间`)
	fundHeadingRe  = regexp.MustCompile(`资金安排|资金筹措|资金来源|资金保障`)
)

// block is one paragraph or heading of the body, as plain text.
type block struct {
	heading bool
	rows    [][]string // a table: header first
	level   int        // heading level
	text    string
	line    int
	anchor  string
	head    string // the heading this block sits under
}

// Extract finds the tasks of a plan in its Markdown body src, parsed into
// root by the site's goldmark parser. title is the plan's title, used as
// the task of a block that assigns the whole plan.
func Extract(title string, src []byte, root ast.Node) []Task {
	blocks := joinSplitMarkers(blocksOf(src, root, readAll))
	var (
		tasks      []Task
		tableTasks []Task // used when the text marks no task
		cur        *Task
		curRoles   map[role]bool
		curWide    = -2 // ≥ -1 when the block assigns a whole plan or part: its heading
		lastRole   role
		lastList   *[]string                   // the unit list the block's last label added to
		lastN      int                         // how many units it added
		lastVal    string                      // and its value as printed
		lastText   = -1                        // index of the last prose paragraph or heading
		planWide   [][2]int                    // task index, index of its 责任主体 heading (-1: none)
		used       = make([]bool, len(blocks)) // paragraphs that are markers or task texts
	)
	flush := func() {
		if cur != nil && (len(cur.Lead) > 0 || len(cur.Cooperating) > 0 || len(cur.Implementing) > 0) {
			if curWide >= -1 {
				planWide = append(planWide, [2]int{len(tasks), curWide})
			}
			tasks = append(tasks, *cur)
		}
		cur, curRoles, curWide, lastList = nil, nil, -2, nil
	}
	start := func(b block) {
		cur = &Task{Heading: b.head, Anchor: b.anchor, Line: b.line}
		curRoles = map[role]bool{}
	}
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		if b.heading {
			flush()
			lastText = i
			continue
		}
		if b.rows != nil {
			flush()
			tableTasks = append(tableTasks, readTable(b)...)
			lastText = -1
			continue
		}
		body := stripEmphasisParen(b.text)
		if labelAtStart(body) {
			// A labelled paragraph: a new block, or more of the current one.
			pairs := labelled(body)
			if cur != nil {
				for _, p := range pairs {
					if p.role != roleSkip && p.role != roleDeadline && curRoles[p.role] {
						flush() // the same role again: a second block
						break
					}
				}
			}
			if cur == nil {
				start(b)
				switch {
				case lastText < 0:
					cur.Text, curWide = title, -1
				case planHeadingRe.MatchString(blocks[lastText].text) && utf8.RuneCountInString(blocks[lastText].text) <= 12:
					// 四、责任主体: the block assigns the whole plan.
					cur.Text, curWide = title, -1
					if blocks[lastText].heading {
						curWide = lastText
					}
					used[lastText] = true
				case blocks[lastText].heading:
					cur.Text = blocks[lastText].text
				default:
					cur.Text = joined(blocks, lastText, used)
				}
			}
			lastList, lastN = apply(cur, curRoles, pairs)
			lastRole, lastVal = pairs[len(pairs)-1].role, pairs[len(pairs)-1].value
			used[i] = true
			continue
		}
		if cur != nil && lastRole == roleSkip && utf8.RuneCountInString(b.text) <= 40 && !strings.Contains(b.text, "。") {
			// More names of leaders listed under 责任领导.
			used[i] = true
			continue
		}
		if cur != nil && lastList != nil && utf8.RuneCountInString(b.text) <= 30 && !strings.ContainsAny(b.text, "。：:") &&
			!listMarker.MatchString(b.text) && continues(lastVal, b.text) {
			// A list of units broken by a page: 配合单位：卫健局、民政局、妇 / 联、教体局.
			*lastList = (*lastList)[:len(*lastList)-lastN]
			lastVal += b.text
			units := splitUnits(lastVal)
			*lastList = append(*lastList, units...)
			lastN = len(units)
			used[i] = true
			continue
		}
		if loc := inlineAt(b.text); loc >= 0 {
			flush()
			text, marker := b.text[:loc], b.text[loc:]
			marker = strings.TrimLeft(strings.TrimSpace(marker), "（(")
			closed := false
			if j := closingParen(marker); j >= 0 {
				text += marker[j:]
				marker, closed = marker[:j], true
			}
			text = strings.TrimSpace(strings.Trim(strings.TrimSpace(text), "）)"))
			used[i] = true
			switch {
			case text == "" && lastText >= 0:
				text = joined(blocks, lastText, used)
			case lastText >= 0 && !blocks[lastText].heading && !used[lastText] && (continues(blocks[lastText].text, text) || !listMarker.MatchString(text) && listMarker.MatchString(blocks[lastText].text)):
				text = joined(blocks, lastText, used) + text
			}
			start(b)
			cur.Text = text
			pairs := labelled(stripEmphasisParen(marker))
			lastList, lastN = apply(cur, curRoles, pairs)
			lastRole, lastVal = pairs[len(pairs)-1].role, pairs[len(pairs)-1].value
			if closed {
				lastList = nil // （…） ends its list
			}
			lastText = -1 // labelled paragraphs that follow continue this block
			continue
		}
		flush()
		lastText = i
	}
	flush()
	if len(tasks) == 0 {
		tasks = tableTasks
	}

	for i := range tasks {
		t := &tasks[i]
		t.Text = cleanText(t.Text)
		if t.Deadline == "" {
			if m := findDeadline(t.Text); m != "" {
				t.Deadline = m
			}
		}
		if t.Amount == "" {
			t.Amount = amountIn(t.Text)
		}
	}
	// Tasks that stand for the whole plan take the plan's deadline and funds.
	// A block under a sub-heading (### (六)责任主体 in ## 二、…项目) is
	// about that part: its text is the part's heading, and the deadline and
	// funds are those of the part.
	for _, w := range planWide {
		t := &tasks[w[0]]
		lo, hi := 0, len(blocks)
		if h := w[1]; h >= 0 {
			for p := h - 1; p >= 0; p-- {
				if blocks[p].heading && blocks[p].level < blocks[h].level {
					t.Text = blocks[p].text
					lo, hi = p, len(blocks)
					for q := h + 1; q < len(blocks); q++ {
						if blocks[q].heading && blocks[q].level <= blocks[p].level {
							hi = q
							break
						}
					}
					break
				}
			}
		}
		limit, funds := sectionText(blocks[lo:hi], limitHeadingRe), sectionText(blocks[lo:hi], fundHeadingRe)
		if t.Deadline == "" && limit != "" {
			t.Deadline = strings.TrimRight(firstSentence(limit), "。.")
		}
		if t.Amount == "" {
			t.Amount = amountIn(funds)
		}
	}
	return tasks
}

// Column names of a task table.
var (
	taskColumns = map[string]bool{"任务": true, "具体任务": true}
	timeColumns = map[string]bool{"实施时间": true, "完成时限": true, "完成时间": true, "时间": true, "时限": true}
)

// readTable reads a task table: at most six named columns, one of them
// the task (任务, 具体任务) and some named by unit labels (牵头单位,
// 配合单位, 实施单位, 责任单位 …); one task per row. Wider tables are the
// multi-page tables of the seeds, whose cells wrap: they are not read.
func readTable(b block) []Task {
	if len(b.rows) < 2 || len(b.rows[0]) > 6 {
		return nil
	}
	header := b.rows[0]
	for _, h := range header {
		if strings.TrimSpace(h) == "" {
			return nil
		}
	}
	task, when := -1, -1
	roles := map[int]role{}
	hasLead := false
	for i, h := range header {
		h = squash(h)
		switch {
		case taskColumns[h]:
			task = i
		case timeColumns[h]:
			when = i
		default:
			if r, ok := labelRoles[h]; ok && r != roleSkip && r != roleDeadline {
				roles[i] = r
				hasLead = hasLead || r == roleLead
			}
		}
	}
	if task < 0 || len(roles) == 0 {
		return nil
	}
	var out []Task
	for _, row := range b.rows[1:] {
		if task >= len(row) || row[task] == "" || squash(row[task]) == squash(header[task]) {
			continue // an empty row, or the header repeated on a new page
		}
		t := Task{Text: row[task], Heading: b.head, Anchor: b.anchor, Line: b.line}
		for i := range header {
			r, ok := roles[i]
			if !ok || i >= len(row) {
				continue
			}
			units := splitUnits(row[i])
			switch {
			case r == roleLead:
				t.Lead = append(t.Lead, units...)
			case r == roleCoop:
				t.Cooperating = append(t.Cooperating, units...)
			case r == roleImpl && hasLead, r == roleResp && hasLead:
				t.Implementing = append(t.Implementing, units...)
			default: // 实施单位 or 责任单位 with no 牵头 column: the lead
				t.Lead = append(t.Lead, units...)
			}
		}
		if when >= 0 && when < len(row) {
			t.Deadline = row[when]
		}
		if len(t.Lead)+len(t.Cooperating)+len(t.Implementing) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// joined is the text of paragraph i, with the paragraphs before it that
// it continues across page breaks; it marks them used.
func joined(blocks []block, i int, used []bool) string {
	text := blocks[i].text
	used[i] = true
	for j := i - 1; j >= 0 && !blocks[j].heading && !used[j] && continues(blocks[j].text, text); j-- {
		text = blocks[j].text + text
		used[j] = true
	}
	return text
}

// inlineAt is the byte offset of a marker block inside a paragraph: a
// bracketed one (（牵头单位：…）) or one after a full stop or comma
// (…转变。牵头单位：科技局，配合单位：…), or -1.
func inlineAt(s string) int {
	if !strings.Contains(s, "：") && !strings.Contains(s, ":") || !hasUnitWord(s) {
		return -1 // most paragraphs
	}
	for _, h := range findLabels(s) {
		if r := labelRoles[h.name]; r == roleDeadline || r == roleSkip {
			continue
		}
		before := strings.TrimRight(s[:h.start], " \u3000")
		switch l := lastRune(before); {
		case l == "（" || l == "(":
			return len(before) - len(l)
		case before != "" && strings.ContainsAny(l, "。；，,"):
			return h.start
		}
	}
	return -1
}

// hasUnitWord is a quick test for the words unit labels end in.
func hasUnitWord(s string) bool {
	return strings.Contains(s, "单位") || strings.Contains(s, "部门") || strings.Contains(s, "主体")
}

// labelHit is a label found in a text: s[start:end] is the label with its
// bold markers and colon.
type labelHit struct {
	start, end int
	name       string
}

// labelList holds the labels longest first, so 市级责任领导 wins over 责任领导
// at one position; labelFirst holds their first characters.
var labelList, labelFirst = func() ([]string, map[rune]bool) {
	var list []string
	first := map[rune]bool{}
	for l := range labelRoles {
		list = append(list, l)
		r, _ := utf8.DecodeRuneInString(l)
		first[r] = true
	}
	sort.Slice(list, func(i, j int) bool {
		if len(list[i]) != len(list[j]) {
			return len(list[i]) > len(list[j])
		}
		return list[i] < list[j]
	})
	return list, first
}()

// labelAt reports a label and its colon at byte i of s, allowing bold
// markers around the label and spaces before the colon.
func labelAt(s string, i int) (labelHit, bool) {
	j := i
	if strings.HasPrefix(s[j:], "**") {
		j += 2
	}
	r, _ := utf8.DecodeRuneInString(s[j:])
	if !labelFirst[r] {
		return labelHit{}, false
	}
	for _, l := range labelList {
		if !strings.HasPrefix(s[j:], l) {
			continue
		}
		k := j + len(l)
		if strings.HasPrefix(s[k:], "**") {
			k += 2
		}
		for strings.HasPrefix(s[k:], " ") || strings.HasPrefix(s[k:], "\u3000") {
			_, n := utf8.DecodeRuneInString(s[k:])
			k += n
		}
		switch {
		case strings.HasPrefix(s[k:], "："):
			k += len("：")
		case strings.HasPrefix(s[k:], ":"):
			k++
		default:
			continue
		}
		if strings.HasPrefix(s[k:], "**") {
			k += 2
		}
		return labelHit{start: i, end: k, name: l}, true
	}
	return labelHit{}, false
}

// findLabels finds the labels of s, left to right.
func findLabels(s string) []labelHit {
	var out []labelHit
	for i := 0; i < len(s); {
		if h, ok := labelAt(s, i); ok {
			out = append(out, h)
			i = h.end
			continue
		}
		_, n := utf8.DecodeRuneInString(s[i:])
		i += n
	}
	return out
}

// labelAtStart reports whether s starts with a label and its colon.
func labelAtStart(s string) bool {
	_, ok := labelAt(s, 0)
	return ok
}

// pair is one label and its value.
type pair struct {
	role  role
	value string
}

// labelled splits "牵头单位:X配合单位:Y" into its labels and values.
func labelled(s string) []pair {
	hits := findLabels(s)
	out := make([]pair, 0, len(hits))
	for k, h := range hits {
		end := len(s)
		if k+1 < len(hits) {
			end = hits[k+1].start
		}
		out = append(out, pair{labelRoles[h.name], strings.TrimSpace(s[h.end:end])})
	}
	return out
}

// apply records the pairs of a block on t.
func apply(t *Task, seen map[role]bool, pairs []pair) (last *[]string, n int) {
	hasLead := seen[roleLead]
	for _, p := range pairs {
		if p.role == roleLead {
			hasLead = true
		}
	}
	for _, p := range pairs {
		seen[p.role] = true
		var list *[]string
		switch p.role {
		case roleLead:
			list = &t.Lead
		case roleCoop:
			list = &t.Cooperating
		case roleImpl:
			list = &t.Implementing
		case roleResp:
			list = &t.Lead
			if hasLead {
				list = &t.Cooperating
			}
			seen[roleLead] = true
		case roleDeadline:
			if t.Deadline == "" {
				t.Deadline = strings.TrimRight(strings.TrimSpace(p.value), "。.；;，,")
			}
		}
		last, n = nil, 0
		if list != nil {
			units := splitUnits(p.value)
			*list = append(*list, units...)
			last, n = list, len(units)
		}
	}
	return last, n
}

// splitUnits splits a list of units at separators outside brackets.
func splitUnits(s string) []string {
	var out []string
	var b strings.Builder
	depth := 0
	emit := func() {
		u := strings.TrimSpace(b.String())
		b.Reset()
		u = strings.Trim(u, "*。.；;：:")
		if i := strings.Index(u, "等"); i > 0 && (strings.Contains(u[i:], "相关") || strings.Contains(u[i:], "有关")) {
			u = u[:i] // 市地震局等相关部门单位
		}
		if i := strings.Index(u, "共同"); i > 0 {
			u = u[:i] // 祁连牧歌共同参与制定
		}
		u = strings.TrimSuffix(u, "等")
		u = strings.TrimSpace(u)
		if u != "" {
			out = append(out, u)
		}
	}
	s = strings.ReplaceAll(s, "及各", "、各")
	for _, r := range s {
		switch {
		case strings.ContainsRune("（(〔[【", r):
			depth++
		case strings.ContainsRune("）)〕]】", r):
			if depth > 0 {
				depth--
			}
		case depth == 0 && unicode.IsSpace(r) && utf8.RuneCountInString(strings.TrimSpace(b.String())) == 1:
			continue // "市 县区卫生健康行政部门": one name
		case depth == 0 && (strings.ContainsRune("、，,；;。", r) || unicode.IsSpace(r)):
			emit()
			continue
		}
		b.WriteRune(r)
	}
	emit()
	// 市、县区卫生健康行政部门: the first name shares the second one's office.
	for i := 0; i+1 < len(out); i++ {
		if out[i] == "市" || out[i] == "县" {
			rest := strings.TrimLeft(out[i+1], "县区")
			if rest != "" && rest != out[i+1] {
				out[i] += rest
			}
		}
	}
	// 各县区党委、政府: the second name shares the first one's 各县区.
	for i := 1; i < len(out); i++ {
		if out[i] != "政府" && out[i] != "人民政府" && out[i] != "党委" || !strings.HasPrefix(out[i-1], "各") {
			continue
		}
		for _, suf := range []string{"人民政府", "政府", "党委"} {
			if p, ok := strings.CutSuffix(out[i-1], suf); ok {
				out[i] = p + out[i]
				break
			}
		}
	}
	return out
}

// closingParen is the byte offset of the bracket closing a marker that
// starts after "（", or -1.
func closingParen(s string) int {
	depth := 0
	for i, r := range s {
		switch r {
		case '（', '(', '〔':
			depth++
		case '）', ')', '〕':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// stripEmphasisParen removes leading brackets and bold markers and a
// trailing closing bracket, so "（**牵头单位：**X）" reads "牵头单位：X".
func stripEmphasisParen(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimLeft(s, "（(* ")
	if strings.HasSuffix(s, "）") || strings.HasSuffix(s, ")") {
		if closingParen(s) == len(s)-len(lastRune(s)) {
			s = s[:len(s)-len(lastRune(s))]
		}
	}
	return strings.ReplaceAll(s, "**", "")
}

func lastRune(s string) string {
	_, n := utf8.DecodeLastRuneInString(s)
	return s[len(s)-n:]
}

// continues reports whether next continues prev across a page break: prev
// does not end a sentence and next does not start with a number.
func continues(prev, next string) bool {
	prev = strings.TrimSpace(prev)
	if prev == "" || listMarker.MatchString(next) {
		return false
	}
	return !strings.ContainsAny(lastRune(prev), "。；：！？”）)!?;:")
}

// cleanText trims a task text and removes bold markers.
func cleanText(s string) string {
	s = strings.ReplaceAll(s, "**", "")
	if strings.Contains(s, "\\") {
		s = escaped.ReplaceAllString(s, "$1")
	}
	return strings.TrimSpace(s)
}

// escaped is a Markdown backslash escape the text kept (1\. 推进…).
var escaped = regexp.MustCompile(`\\([!-/:-@\[-` + "`" + `{-~])`)

// findDeadline is the first deadline in a task's text: 11月底前.
func findDeadline(s string) string {
	if !strings.Contains(s, "前") || !strings.Contains(s, "月") {
		return ""
	}
	return deadlineRe.FindString(s)
}

// amountIn is the first amount in s with the words that introduce it,
// back to the previous punctuation: 统筹安排资金10040万元.
func amountIn(s string) string {
	if !strings.Contains(s, "万元") && !strings.Contains(s, "亿元") {
		return ""
	}
	loc := amountRe.FindStringIndex(s)
	if loc == nil {
		return ""
	}
	start := strings.LastIndexAny(s[:loc[0]], "，,。；;：:（(、")
	if start < 0 {
		start = 0
	} else {
		_, n := utf8.DecodeRuneInString(s[start:])
		start += n
	}
	if utf8.RuneCountInString(s[start:loc[0]]) > 16 {
		r := []rune(s[start:loc[0]])
		return string(r[len(r)-16:]) + s[loc[0]:loc[1]]
	}
	return strings.TrimSpace(s[start:loc[1]])
}

// sectionText is the text of the paragraphs under the first heading that
// matches re, up to the next heading.
func sectionText(blocks []block, re *regexp.Regexp) string {
	var b strings.Builder
	in := false
	for _, bl := range blocks {
		if bl.heading {
			if in {
				break
			}
			in = re.MatchString(bl.text)
			continue
		}
		if in {
			b.WriteString(bl.text)
		}
	}
	return b.String()
}

func firstSentence(s string) string {
	if i := strings.Index(s, "。"); i >= 0 {
		return s[:i]
	}
	return s
}

// squash removes spaces, for comparing headings.
func squash(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// What blocksOf reads: Extract needs every block, Stages no tables, and
// Headings only the headings.
type reading int

const (
	readAll reading = iota
	readText
	readHeadings
)

// blocksOf flattens the document into headings, paragraphs and tables,
// as far as r asks, numbering headings s1, s2 … in the order the renderer
// does (every heading, in document order). Code is skipped.
func blocksOf(src []byte, root ast.Node, r reading) []block {
	out := make([]block, 0, root.ChildCount()) // most blocks are top-level
	n := 0
	head, anchor := "", ""
	lastOff, lastLine := 0, 1
	firstLine := func(n ast.Node) int {
		line := 0
		_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
			if t, ok := c.(*ast.Text); ok && entering && line == 0 {
				off := min(t.Segment.Start, len(src))
				line = 1 + bytes.Count(src[:off], []byte("\n"))
				return ast.WalkStop, nil
			}
			return ast.WalkContinue, nil
		})
		return line
	}
	lineOf := func(node ast.Node) int {
		lines := node.Lines()
		if lines == nil || lines.Len() == 0 {
			return 0
		}
		off := min(lines.At(0).Start, len(src))
		if off < lastOff {
			lastOff, lastLine = 0, 1
		}
		lastLine += bytes.Count(src[lastOff:off], []byte("\n"))
		lastOff = off
		return lastLine
	}
	_ = ast.Walk(root, func(node ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch node.(type) {
		case *ast.Heading:
			n++
			anchor = "s" + strconv.Itoa(n)
			head = cleanText(plainText(node, src))
			out = append(out, block{heading: true, level: node.(*ast.Heading).Level, text: head, line: lineOf(node), anchor: anchor, head: head})
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.TextBlock, *rawParagraph:
			if r == readHeadings {
				return ast.WalkSkipChildren, nil
			}
			t := cleanText(plainText(node, src))
			if t != "" {
				out = append(out, block{text: t, line: lineOf(node), anchor: anchor, head: head})
			}
			return ast.WalkSkipChildren, nil
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		}
		if t, ok := node.(*east.Table); ok {
			if r != readAll {
				return ast.WalkSkipChildren, nil
			}
			bl := block{head: head, anchor: anchor}
			for row := t.FirstChild(); row != nil; row = row.NextSibling() {
				cells := make([]string, 0, row.ChildCount())
				for c := row.FirstChild(); c != nil; c = c.NextSibling() {
					cells = append(cells, cleanText(plainText(c, src)))
					if bl.line == 0 {
						bl.line = firstLine(c)
					}
				}
				bl.rows = append(bl.rows, cells)
			}
			out = append(out, bl)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return out
}

// joinSplitMarkers mends a marker broken by a page between two
// paragraphs: "…等。（责" and "任部门：教育体育局）" become one paragraph.
func joinSplitMarkers(blocks []block) []block {
	out := blocks[:0]
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		if !b.heading && i+1 < len(blocks) && !blocks[i+1].heading {
			last, n := utf8.DecodeLastRuneInString(b.text)
			if r, _ := utf8.DecodeLastRuneInString(b.text[:len(b.text)-n]); r == '（' || r == '(' {
				if labelAtStart(string(last) + blocks[i+1].text) {
					b.text += blocks[i+1].text
					i++
				}
			}
		}
		out = append(out, b)
	}
	return out
}

// plainText is the text of a block, soft line breaks joined without a
// space between two Chinese characters. It reads the block's lines the
// way goldmark's inline parser makes text of them when it knows no inline
// syntax, so it needs no inline parse.
func plainText(n ast.Node, src []byte) string {
	lines := n.Lines()
	if lines.Len() == 1 { // most paragraphs, and every table cell
		seg := lines.At(0)
		if text, br := lineText(seg.Value(src)); !br {
			return string(text)
		}
	}
	size := 0
	for i := range lines.Len() {
		seg := lines.At(i)
		size += seg.Len() + seg.Padding + 1
	}
	var b strings.Builder
	b.Grow(size)
	for i := range lines.Len() {
		seg := lines.At(i)
		text, br := lineText(seg.Value(src))
		b.Write(text)
		if br {
			b.WriteByte('\n')
		}
	}
	return joinLines(b.String())
}

// lineText is the text of one line of a block, and whether it ends in a
// line break, as goldmark's parser.parseBlock finds them: the text stops
// before the break, and loses its trailing spaces unless the break is a
// backslash.
func lineText(line []byte) ([]byte, bool) {
	n := len(line)
	end, trim, br := n, true, n > 0 && line[n-1] == '\n'
	switch {
	case !br:
	case n >= 3 && line[n-2] == '\\' && line[n-3] != '\\' || n == 2 && line[0] == '\\':
		end, trim = n-2, false
	case n >= 4 && line[n-3] == '\\' && line[n-2] == '\r' && line[n-4] != '\\' || n == 3 && line[0] == '\\' && line[1] == '\r':
		end, trim = n-3, false
	case n >= 3 && line[n-3] == ' ' && line[n-2] == ' ':
		end = n - 3
	case n >= 4 && line[n-4] == ' ' && line[n-3] == ' ' && line[n-2] == '\r':
		end = n - 4
	}
	text := line[:end]
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	if trim { // as text.Segment.TrimRightSpace, which keeps \v and \f
		text = text[:len(text)-util.TrimRightSpaceLength(text)]
	}
	return text, br
}

// joinLines removes line breaks, keeping a space only between two
// characters that are not Chinese.
func joinLines(s string) string {
	if !strings.Contains(s, "\n") {
		return s
	}
	parts := strings.Split(s, "\n")
	var b strings.Builder
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if i > 0 && b.Len() > 0 && p != "" {
			prev, _ := utf8.DecodeLastRuneInString(b.String())
			next, _ := utf8.DecodeRuneInString(p)
			if prev < utf8.RuneSelf && next < utf8.RuneSelf {
				b.WriteByte(' ')
			}
		}
		b.WriteString(p)
	}
	return b.String()
}
