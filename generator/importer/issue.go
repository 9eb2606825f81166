package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"gazette/generator/content"
)

var (
	tocHeadRe    = regexp.MustCompile(`^目\s*[录錄]$`)
	tocPageRe    = regexp.MustCompile(`[.·…。\s]*[(（]\s*(\d{1,4})\s*[)）]$`)
	tocNumRe     = regexp.MustCompile(`^(\d{1,3})\s*[.．、]\s*`)
	tocSectionRe = regexp.MustCompile(`^【(.+)】$`)
	leaderRe     = regexp.MustCompile(`[.·…]{2,}`)
	issueNoRe    = regexp.MustCompile(`(\d{4})\s*年\s*第\s*(\d{1,3})\s*期`)
	numberRe     = regexp.MustCompile(`^第\s*(\d{1,3})\s*期`)
	cumulRe      = regexp.MustCompile(`[总總]\s*第\s*(\d{1,5})\s*期`)
	issueDateRe  = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(印刷|出版|印制|发行)$`)
	frequencyRe  = regexp.MustCompile(`^[(（]\s*((?:半|双|雙)?(?:月|季|旬|周|週|年)刊)(登)?\s*[)）]$`)
	fieldRe      = regexp.MustCompile(`^([\p{Han} ]{1,8}?)\s*[:：]\s*(.*)$`)
	gazetteRe    = regexp.MustCompile(`^\p{Han}{2,20}[公政][报報]$`)
	latinRe      = regexp.MustCompile(`^[A-Z][A-Z' .,&-]+$`)
	colophonRe   = regexp.MustCompile(`^主\s*管\s*[:：]`)
)

// regionSlugs names the folder of a gazette or a standalone document's
// place. A place missing here gets a stable hash-based name.
var regionSlugs = map[string]string{
	"张掖": "zhangye", "泾源": "jingyuan", "甘州": "ganzhou", "武威": "wuwei",
	"甘肃": "gansu", "宁夏": "ningxia", "固原": "guyuan", "酒泉": "jiuquan", "兰州": "lanzhou",
}

var placeNameRe = regexp.MustCompile(`^(?:中共)?(\p{Han}{2,}?)(?:省|市|县|区|自治区|自治县)`)

// regionOf finds the place slug for a name such as 张掖市人民政府公报.
func regionOf(name string) string {
	name = simplified(name)
	for p, slug := range regionSlugs {
		if strings.HasPrefix(name, p) || strings.HasPrefix(name, "中共"+p) {
			return slug
		}
	}
	if m := placeNameRe.FindStringSubmatch(name); m != nil {
		return "place-" + shortHash(m[1])
	}
	return "place-" + shortHash(name)
}

// importIssue imports a whole gazette issue.
func (im *importer) importIssue() {
	ls := im.lines
	// Anchor each document on its 文号 line and walk back to its title.
	var starts []int
	type anchor struct{ start, dn int }
	var anchors []anchor
	for i, l := range ls {
		if _, ok := parseDocNumLine(l.s); !ok {
			continue
		}
		s := titleStart(ls, i)
		if len(anchors) > 0 && s <= anchors[len(anchors)-1].dn {
			continue
		}
		anchors = append(anchors, anchor{s, i})
		starts = append(starts, s)
	}
	if len(anchors) == 0 {
		im.problems.Errorf(im.name, 0, "no document found in the issue: each document needs its 文号 on a line of its own")
		return
	}
	front := ls[:anchors[0].start]
	used := map[int]bool{}
	toc := parseTOC(front, used)
	g, is := masthead(front, used)
	if g.Name == "" {
		im.problems.Errorf(im.name, 1, "no gazette name (a line ending in 公报) before the first document")
		return
	}
	if is.Year == 0 || is.Number == 0 || is.Date.IsZero() {
		im.problems.Errorf(im.name, 1, "the masthead lacks the year, issue number or date (2024年第2期, 2024年3月8日印刷)")
		return
	}
	// Non-document parts (chronicles, file lists) start at their TOC title.
	for _, e := range toc {
		if e.dn != nil {
			continue
		}
		want := squash(simplified(trailingParen.ReplaceAllString(e.entry.Title, "")))
		for i := anchors[0].start; i < len(ls); i++ {
			if squash(simplified(ls[i].trim())) == want {
				starts = append(starts, i)
				break
			}
		}
	}
	sort.Ints(starts)
	starts = dedupe(starts)
	end := len(ls)
	var colophon []line
	for i := starts[len(starts)-1]; i < len(ls); i++ {
		if colophonRe.MatchString(ls[i].trim()) {
			end = i
			colophon = ls[i:]
			break
		}
	}
	g2, _ := masthead(colophon, used)
	mergeGazette(&g, g2)

	region := regionOf(g.Name)
	folder := fmt.Sprintf("%d-%02d", is.Year, is.Number)
	dir := region + "/" + folder

	// Import each document.
	type item struct {
		p    parsed
		slug string
		from int
		to   int
	}
	var items []item
	for x, s := range starts {
		e := end
		if x+1 < len(starts) {
			e = starts[x+1]
		}
		seg := ls[s:e]
		p := im.parseDocument(seg)
		it := item{p: p, from: seg[0].n, to: lastNonBlank(seg)}
		switch p.doc.Kind {
		case "要事记":
			it.slug = "chronicle-" + folder
		case "收文目录":
			it.slug = "received-" + folder
		case "发文目录":
			it.slug = "issued-" + folder
		}
		if p.doc.DocNumber != "" {
			dn, _ := parseDocNumLine(p.doc.DocNumber)
			it.slug = dn.Slug()
		}
		if it.slug == "" {
			it.slug = fmt.Sprintf("doc-%02d", x+1)
		}
		items = append(items, it)
	}
	// Match TOC entries to documents: by 文号, then by title, then in order.
	matched := make([]bool, len(items))
	sectionOf := make([]string, len(items))
	for ti := range toc {
		e := &toc[ti]
		found := -1
		for di, it := range items {
			if !matched[di] && e.entry.DocNumber != "" && it.p.doc.DocNumber == e.entry.DocNumber {
				found = di
				break
			}
		}
		if found < 0 {
			want := squash(e.entry.Title)
			for di, it := range items {
				got := squash(it.p.doc.Title)
				if !matched[di] && got != "" && (strings.HasSuffix(want, got) || strings.HasPrefix(want, got) || strings.HasSuffix(got, want)) {
					found = di
					break
				}
			}
		}
		if found < 0 {
			for di := range items {
				if !matched[di] {
					found = di
					break
				}
			}
		}
		if found < 0 {
			continue
		}
		matched[found] = true
		e.entry.Doc = items[found].slug
		sectionOf[found] = e.section
		im.repairTitle(&items[found].p.doc, e.entry.Title)
		if e.entry.DocNumber == "" {
			e.entry.DocNumber = items[found].p.doc.DocNumber
		}
	}
	// The issue's TOC, by section in printed order.
	for _, e := range toc {
		if n := len(is.Sections); n == 0 || is.Sections[n-1].Title != e.section {
			is.Sections = append(is.Sections, content.Section{Title: e.section})
		}
		sec := &is.Sections[len(is.Sections)-1]
		sec.Entries = append(sec.Entries, e.entry)
	}
	im.residueFront(append(front, colophon...), used)
	im.emit(region+"/"+content.GazetteFile, &g, "")
	im.emit(dir+"/"+content.IssueFile, &is, "")
	for di, it := range items {
		if !matched[di] {
			it.p.doc.Section = sectionOf[di]
		}
		if len(it.p.doc.Issuers) == 0 {
			// A part without a signature (chronicle, file list) is by the
			// organ its title starts with, else by the gazette's
			// supervisor.
			if m := issuerPrefixRe.FindString(it.p.doc.Title); m != "" {
				it.p.doc.Issuers = im.issuers([]string{m})
			} else if g.Supervisor != "" {
				it.p.doc.Issuers = []string{g.Supervisor}
			} else if g.Sponsor != "" {
				it.p.doc.Issuers = []string{g.Sponsor}
			}
		}
		im.emitDocument(dir, it.slug, it.p, it.from, it.to)
	}
}

func dedupe(xs []int) []int {
	var out []int
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}

func lastNonBlank(seg []line) int {
	for i := len(seg) - 1; i >= 0; i-- {
		if !seg[i].blank() {
			return seg[i].n
		}
	}
	return seg[0].n
}

// titleStart walks back from a 文号 line over the title (up to the line
// holding 关于, or one line) and the issuer lines above it.
func titleStart(ls []line, dn int) int {
	start := dn
	var seen []int
	for i := dn - 1; i >= 0 && len(seen) < 4; i-- {
		s := ls[i].trim()
		if s == "" {
			continue
		}
		if endsSentence(s) && !strings.HasSuffix(s, ")") && !strings.HasSuffix(s, "）") || onlyDate.MatchString(s) || disclosureRe.MatchString(s) || isTableLine(ls[i].s) || issueDateRe.MatchString(s) {
			break
		}
		seen = append(seen, i)
		if strings.Contains(s, "关于") || strings.Contains(s, "關於") {
			start = i
			// Issuer lines above the title.
			for j := i - 1; j >= 0; j-- {
				t := ls[j].trim()
				if t == "" {
					continue
				}
				if isIssuerLine(t) {
					start = j
					continue
				}
				break
			}
			return start
		}
	}
	if len(seen) > 0 {
		return seen[0]
	}
	return start
}

var issuerPrefixRe = regexp.MustCompile(`^\p{Han}{2,12}?(人民政府办公室|人民政府办公厅|人民政府)`)

var latinWordRe = regexp.MustCompile(`[A-Za-z]{3,}`)

// repairTitle fixes a document title corrupted by stray English words when
// the TOC prints the right form, and flags the repair.
func (im *importer) repairTitle(d *content.Document, toc string) {
	bad := latinWordRe.FindAllString(d.Title, -1)
	if len(bad) == 0 || latinWordRe.MatchString(toc) {
		return
	}
	got, want := d.Title, toc
	// The TOC may prefix the issuer: compare the tails.
	for _, w := range bad {
		i := strings.Index(got, w)
		pre, post := got[:i], got[i+len(w):]
		j := strings.Index(want, strings.TrimSpace(pre))
		if j < 0 {
			continue
		}
		k := strings.LastIndex(want, strings.TrimSpace(post))
		if k < j+len(strings.TrimSpace(pre)) {
			continue
		}
		repl := want[j+len(strings.TrimSpace(pre)) : k]
		if repl == "" || latinWordRe.MatchString(repl) || runeLen(repl) > 4 {
			continue
		}
		d.Title = strings.TrimSpace(pre) + repl + strings.TrimSpace(post)
		got = d.Title
		d.Flags = append(d.Flags, fmt.Sprintf("标题：原文印作“%s”，目录作“%s”；已在元数据中按目录修正，正文保留原文。", w, repl))
	}
	d.Kind = kindOf(d.Title)
}
