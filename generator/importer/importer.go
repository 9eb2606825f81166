// Package importer turns raw gazette and document text, as extracted from
// PDFs or copied from government web pages, into content files in the model
// of package content. It is pure: Import takes bytes and returns files,
// residue and problems; the caller (gazette import) reads and writes.
//
// # What it recognises
//
// A whole gazette issue (a line ending in 公报 and a 目录 in the first 40
// lines; documents each with its 文号 on a line of its own) becomes
//
//	<region>/_gazette.md                   name, sponsor, frequency, colophon
//	<region>/<year>-<nn>/_issue.md         masthead, editors, printed TOC
//	<region>/<year>-<nn>/<slug>.md         one per document or part
//	<region>/<year>-<nn>/<slug>/plan-NN.md plans issued by a notice
//
// The TOC may come in several blocks (a reprinted cover, a part in
// traditional characters); entries are title, 文号 and page, with or without
// dot leaders. Each document is anchored on its 文号 line; its start is the
// title above (up to the line holding 关于) and any issuer lines above that.
// Parts without a 文号 (要事记, 收文目录, 发文目录) start at the line that
// repeats their TOC title. TOC entries are matched to documents by 文号,
// then by title, then in order. The colophon (主管：… at the end) belongs to
// the gazette.
//
// A standalone document becomes documents/<region>/<year>/<slug>.md (and
// its plans beside it): a 文号 in its first lines, then the title (before
// or after the 文号); or a web page whose header rows give 索引号, 发布机构,
// 文件编号, 成文日期, 发布日期, 有效性, 公开方式 … as "key: value" or as a
// (misaligned) pipe table; or a 政府工作报告, whose issuer is the speaker's
// organ, whose date is the one in its subtitle, and whose 名词解释 becomes a
// definition list ("term" then ": definition").
//
// In a document: the 文号, the addressees (a line ending in a colon), the
// body, the signature (organ lines within three lines above the first date
// line; they may be out of place, as in a 人事任免), the disclosure note
// （此件公开发布）, and after it the embedded text. When the title issues plans
// (印发 … 方案/规划/计划/清单/纲要), the embedded text is cut at each plan
// title (up to four short lines without punctuation, after a blank line or
// a finished sentence) and each plan becomes plan-NN.md with parent = the
// notice's ID, the notice's issuers and the plan's own kind; a title that
// names one plan in 《》 gives exactly one. Other embedded text (measures)
// stays in the notice, its title a heading. 附件 lists give attachments, not
// included when marked (略) or never printed below the list.
//
// File names: a document's is its 文号 through a prefix-code table
// (张政办发〔2024〕10号 → zzbf-2024-010); a prefix missing from the table gets a
// stable hashed code. Parts without a 文号 are chronicle-<issue>,
// received-<issue>, issued-<issue>; a report is report-<date>. Regions come
// from a table of place names (张掖 → zhangye), else a hashed name.
//
// # Metadata and body
//
// Metadata is canonical: 文号 as package docnum gives it (〔〕, no spaces, no
// leading zeros, 泾 not 涇), the printed form kept in doc_number_printed when
// it differs; issuer names whole, through the alias table (Options.Aliases:
// DefaultAliases plus content/_aliases.toml, see ParseAliases); titles and
// names without the spaces of healed line breaks and letter spacing, and in
// simplified characters (docnum.Fold, per character; punctuation keeps its
// printed width). A title corrupted by a stray English word where the TOC
// prints Chinese (002: "quality" for 质量) is repaired in metadata only and
// the repair is recorded in flags.
//
// Bodies keep the printed characters. The clean-ups, none of which drops the
// text of a non-blank source line:
//   - lines broken mid-sentence are joined, CJK without a space: in a text
//     with blank lines between paragraphs, consecutive lines always, and
//     lines across one blank line when the first is long, ends no sentence
//     and is not a "name  title" row; never before a heading or list
//     marker, a date, a 文号 or a "label：" line;
//   - short lines starting 第一章/第一节/一、/（一）/1./（1）/第一条 become
//     headings, levels by the ranks a document uses (the highest is ##); in
//     a one-paragraph-per-line text, short lines without punctuation too;
//   - tab-separated and pipe rows become GFM tables; Markdown separator rows
//     copied from a source are dropped; <p> and <br> in cells become spaces;
//     a table continued on a new page loses its repeated header row (and
//     repeated title), its rows joining the table above;
//   - a table, its caption (表2：…) or a boxed sidebar (重点工程一：… and its
//     paragraph) printed in the middle of a sentence moves after the
//     sentence: the text below the block joins the paragraph above it (the
//     one clean-up that changes the order of lines);
//   - <input type="radio"> and type="checkbox" become ○ and □, $\frac{a}{b}$
//     becomes a/b;
//   - characters that would become Markdown syntax by accident are escaped
//     (balanced ** pairs printed in the source stay emphasis), and a stray
//     "- " at the start of a line is dropped; lines starting with a 文号 (the
//     收文/发文目录) become a list, each 文号 verbatim;
//   - in a 要事记, "N日" starts a day: a heading ### N日;
//   - headers, signatures, dates, addressees, web header rows and TOC lines
//     go to metadata (the printed disclosure note stays in the body too).
//
// Residue is dropped and listed (gazette import -v): web page chrome
// (扫一扫…, Produced By…, 浏览次数), download-link lines, dot-leader lines,
// layout labels (目 录, 编辑委员会) and masthead lines that have no field in
// the content model (slogans such as 传达政令), a web page title that the
// text repeats, and table headers and titles repeated on a new page.
package importer

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"gazette/generator/content"
	"gazette/generator/diag"
)

// Options tune an import.
type Options struct {
	// Aliases maps printed issuer names to canonical ones. Nil means
	// DefaultAliases.
	Aliases map[string]string
}

// File is one content file to write: Path is slash-separated and relative
// to the content root.
type File struct {
	Path string
	Data []byte
}

// Residue is a source line dropped as recognised residue.
type Residue struct {
	Line int
	Text string
	Why  string
}

// Result is what an import produces.
type Result struct {
	Files   []File
	Residue []Residue
}

// DefaultAliases are the issuer aliases built into the importer; an
// archive's content/_aliases.toml adds to them.
var DefaultAliases = map[string]string{
	"泾县人民政府办公室": "泾源县人民政府办公室",
	"涇县人民政府办公室": "泾源县人民政府办公室",
	"泾县人民政府":    "泾源县人民政府",
	"中共泾县委办公室":  "中共泾源县委办公室",
}

type importer struct {
	name     string // as given, for problems
	base     string // file name for provenance
	sha      string
	lines    []line
	aliases  map[string]string
	files    []File
	residue  []Residue
	problems diag.List
	perLine  bool
}

// Import reads one raw text file and returns the content files it holds.
// name is used in problems and in each document's [import] provenance (its
// base name). On any error, Result is empty.
func Import(name string, data []byte, opts Options) (Result, diag.List) {
	im := &importer{name: name, base: path.Base(strings.ReplaceAll(name, `\`, "/"))}
	sum := sha256.Sum256(data)
	im.sha = hex.EncodeToString(sum[:])
	im.aliases = map[string]string{}
	for k, v := range DefaultAliases {
		im.aliases[k] = v
	}
	for k, v := range opts.Aliases {
		im.aliases[canonical(k)] = v
	}
	if !im.check(data) {
		return Result{}, im.problems
	}
	im.lines = splitLines(string(bytes.TrimPrefix(data, []byte("\ufeff"))))
	blank := 0
	for _, l := range im.lines {
		if l.blank() {
			blank++
		}
	}
	im.perLine = blank*10 < len(im.lines)
	func() {
		defer func() {
			if r := recover(); r != nil {
				im.problems.Errorf(im.name, 0, "internal error while importing (%v): please report this file", r)
			}
		}()
		switch im.detect() {
		case "issue":
			im.importIssue()
		case "web", "document", "report":
			im.importStandalone()
		default:
			im.problems.Errorf(im.name, 1, "not a gazette or a government document: expected a gazette masthead (…公报 and 目录), a 文号 such as 张政办发〔2024〕10号 in the first lines, or a web page's 索引号 header")
		}
	}()
	if im.problems.HasErrors() {
		return Result{}, im.problems
	}
	sort.SliceStable(im.residue, func(i, j int) bool { return im.residue[i].Line < im.residue[j].Line })
	return Result{Files: im.files, Residue: im.residue}, im.problems
}

// check rejects empty, binary and non-UTF-8 input.
func (im *importer) check(data []byte) bool {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		im.problems.Errorf(im.name, 0, "file is empty: give the text of a gazette issue or a document")
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		im.problems.Errorf(im.name, 1, "file is UTF-16: convert it to UTF-8 (iconv -f UTF-16 -t UTF-8)")
	case bytes.IndexByte(data, 0) >= 0:
		im.problems.Errorf(im.name, 0, "file is binary, not text: extract the text first (pdftotext, or copy it from the web page)")
	case !utf8.Valid(data):
		line := 1 + bytes.Count(data[:firstInvalid(data)], []byte("\n"))
		im.problems.Errorf(im.name, line, "file is not valid UTF-8: if it is GBK or GB18030, convert it with iconv -f GB18030 -t UTF-8")
	default:
		return true
	}
	return false
}

func firstInvalid(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// detect tells what the input is.
func (im *importer) detect() string {
	var first []string
	for _, l := range im.lines {
		if t := l.trim(); t != "" {
			first = append(first, t)
			if len(first) == 40 {
				break
			}
		}
	}
	hasName, hasTOC := false, false
	for _, s := range first {
		if gazetteRe.MatchString(s) {
			hasName = true
		}
		if tocHeadRe.MatchString(s) {
			hasTOC = true
		}
	}
	if hasName && hasTOC {
		return "issue"
	}
	for i, s := range first {
		if s = simplified(s); i < 12 && (strings.HasPrefix(s, "索引号") || strings.HasPrefix(s, "| 索引号")) {
			return "web"
		}
	}
	for i, s := range first {
		if _, ok := parseDocNumLine(s); ok && i < 8 {
			return "document"
		}
	}
	for i, s := range first {
		if i < 10 && strings.HasPrefix(squash(s), "政府工作报告") {
			return "report"
		}
	}
	return ""
}

// emit adds a content file.
func (im *importer) emit(p string, v any, body string) {
	data, err := content.Marshal(v, body)
	if err != nil {
		im.problems.Errorf(im.name, 0, "cannot write %s: %v", p, err)
		return
	}
	im.files = append(im.files, File{Path: p, Data: data})
}

// emitDocument renders a parsed document (and the plans it issues) into
// dir/slug.md (and dir/slug/plan-NN.md).
func (im *importer) emitDocument(dir, slug string, p parsed, from, to int) {
	d := p.doc
	d.Import = content.Provenance{File: im.base, Lines: []int{from, to}, SHA256: im.sha}
	r := &renderer{perLine: im.perLine, chronicle: d.Kind == "要事记", residue: &im.residue}
	body := r.render(p.body)
	plans, single := issuesPlans(d.Title)
	var parts [][]line
	if plans {
		parts = splitPlans(p.embedded, single, im.perLine)
	}
	if len(parts) == 0 && len(nonBlank(p.embedded)) > 0 {
		// Embedded text that is not a plan (measures, an attachment)
		// stays in the notice.
		// Its title line becomes a heading above its own.
		emb := p.embedded
		head := ""
		if nb := nonBlank(emb); len(nb) > 0 {
			if t := emb[nb[0]].trim(); runeLen(t) <= 40 && !strings.ContainsAny(t, "，,。；;：:！？!?") && !itemStart.MatchString(t) && rank(t) < 0 {
				head = "## " + escape(t) + "\n\n"
				emb = emb[nb[0]+1:]
			}
		}
		er := &renderer{perLine: im.perLine, residue: &im.residue}
		if head != "" {
			er.shift = 1
		}
		body = strings.TrimRight(body, "\n") + "\n\n" + head + er.render(emb)
	}
	id := dir + "/" + slug
	im.emit(id+".md", &d, body)
	for i, part := range parts {
		title, used, rest := planTitle(part)
		pd := content.Document{
			Title:   title,
			Issuers: d.Issuers,
			Kind:    kindOf(title),
			Parent:  id,
		}
		repairPlanTitle(&pd, d.Title)
		pd.Attachments = attachments(rest, nil)
		for j := range pd.Attachments {
			// Within a plan, an attachment is included when its title
			// is printed again below the list.
			pd.Attachments[j].Included = includedLater(rest, pd.Attachments[j])
		}
		pd.Import = content.Provenance{File: im.base, Lines: []int{part[0].n, lastNonBlank(part)}, SHA256: im.sha}
		if len(used) > 0 && part[0].blank() {
			pd.Import.Lines[0] = firstNonBlank(part)
		}
		pr := &renderer{perLine: im.perLine, residue: &im.residue}
		im.emit(fmt.Sprintf("%s/plan-%02d.md", id, i+1), &pd, pr.render(rest))
	}
}

func firstNonBlank(seg []line) int {
	for _, l := range seg {
		if !l.blank() {
			return l.n
		}
	}
	return seg[0].n
}

// includedLater keeps an attachment's omission as the list printed it
// ((略)), and otherwise says whether its title is printed again after the
// line that lists it.
func includedLater(ls []line, a content.Attachment) *bool {
	no := false
	if a.Note == "略" {
		return &no
	}
	var all strings.Builder
	for _, l := range ls {
		all.WriteString(squash(l.s))
	}
	text, want := simplified(all.String()), squash(a.Title)
	// The first mention is the list; a second one is the attachment
	// itself, perhaps printed over several lines.
	if i := strings.Index(text, want); i >= 0 && strings.Contains(text[i+len(want):], want) {
		return nil
	}
	return &no
}

// residueFront lists the front lines (cover, masthead, TOC) and colophon
// lines that no field took.
func (im *importer) residueFront(front []line, used map[int]bool) {
	for _, l := range front {
		s := l.trim()
		if s == "" || used[l.n] {
			continue
		}
		why := "masthead text with no place in the content model"
		switch squash(simplified(s)) {
		case "目录", "编辑委员会", "主办", "主管":
			why = "layout label"
		}
		im.residue = append(im.residue, Residue{Line: l.n, Text: s, Why: why})
	}
}

func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:3])
}

// repairPlanTitle mends a plan title with an English word in place of
// Chinese (002: 泾源县教育quality提升行动实施方案) from the 《…》 title its
// notice gives it, in metadata only and flagged, as repairTitle does for
// notices from the table of contents.
func repairPlanTitle(pd *content.Document, notice string) {
	for _, w := range latinWordRe.FindAllString(pd.Title, -1) {
		i := strings.Index(pd.Title, w)
		pre, post := pd.Title[:i], pd.Title[i+len(w):]
		for _, m := range bookTitleRe.FindAllStringSubmatch(notice, -1) {
			t := m[1]
			if !strings.HasPrefix(t, pre) || !strings.HasSuffix(t, post) || len(t) < len(pre)+len(post) {
				continue
			}
			repl := t[len(pre) : len(t)-len(post)]
			if repl == "" || latinWordRe.MatchString(repl) || runeLen(repl) > 4 {
				continue
			}
			pd.Title = t
			pd.Kind = kindOf(t)
			pd.Flags = append(pd.Flags, fmt.Sprintf("标题：原文印作“%s”，印发通知作“%s”；已在元数据中按通知修正，正文保留原文。", w, repl))
			break
		}
	}
}

var bookTitleRe = regexp.MustCompile(`《([^《》]+)》`)
