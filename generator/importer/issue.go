package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
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

// tocEntry is a printed TOC line with the line numbers it came from.
type tocEntry struct {
	section string
	entry   content.Entry
	dn      *docNum
}

// parseTOC reads the printed table(s) of contents in the front lines.
func parseTOC(front []line, used map[int]bool) []tocEntry {
	var out []tocEntry
	in := false
	var pending []string
	var pendingN []int
	candN := 0
	section, candidate := "", ""
	misses := 0
	for _, l := range front {
		s := l.trim()
		if tocHeadRe.MatchString(s) {
			in, pending, misses, candidate = true, nil, 0, ""
			continue
		}
		if !in {
			continue
		}
		if s == "" {
			if len(pending) > 0 {
				if candidate != "" {
					misses++
				}
				candidate = heal(strings.Join(pending, ""))
				if len(pendingN) == 1 {
					candN = pendingN[0]
				} else {
					candN = 0
				}
				pending, pendingN = nil, nil
				if misses >= 1 {
					in = false
				}
			}
			continue
		}
		if m := tocSectionRe.FindStringSubmatch(s); m != nil {
			section, candidate, pending, misses = canonical(m[1]), "", nil, 0
			used[l.n] = true
			continue
		}
		if tocNumRe.MatchString(s) && len(pending) > 0 {
			pending, pendingN = nil, nil
		}
		pending = append(pending, s)
		pendingN = append(pendingN, l.n)
		m := tocPageRe.FindStringSubmatch(s)
		if m == nil {
			continue
		}
		if candidate != "" {
			section = canonical(candidate)
			if candN > 0 {
				used[candN] = true
			}
		}
		candidate, misses = "", 0
		text := strings.Join(pending, " ")
		for _, n := range pendingN {
			used[n] = true
		}
		pending, pendingN = nil, nil
		text = tocPageRe.ReplaceAllString(text, "")
		text = tocNumRe.ReplaceAllString(text, "")
		e := tocEntry{section: section}
		if dn, loc, ok := findDocNum(text); ok && strings.TrimSpace(text[loc[1]:]) == "" || ok && leaderRe.MatchString(text[loc[1]:]) {
			e.dn = &dn
			e.entry.DocNumber = dn.String()
			text = text[:loc[0]]
		}
		text = leaderRe.ReplaceAllString(text, "")
		e.entry.Title = canonical(text)
		e.entry.Page, _ = strconv.Atoi(m[1])
		if m[1] != strconv.Itoa(e.entry.Page) {
			e.entry.PageLabel = m[1]
		}
		out = append(out, e)
	}
	return out
}

// masthead reads a gazette and an issue from the cover, masthead and
// colophon lines. Later repetitions (a cover reprinted in traditional
// characters) do not override what was read first.
func masthead(front []line, used map[int]bool) (content.Gazette, content.Issue) {
	var g content.Gazette
	var is content.Issue
	editors := map[string]bool{}
	lastEditor := -1
	labelRe := regexp.MustCompile(`第\s*\d+\s*期`)
	for i, l := range front {
		s := l.trim()
		if s == "" {
			continue
		}
		mark := func() { used[l.n] = true }
		switch {
		case gazetteRe.MatchString(s):
			setOnce(&g.Name, canonical(s))
			mark()
			continue
		case latinRe.MatchString(s):
			if g.NameEn == "" && (i == 0 || !latinRe.MatchString(front[i-1].trim())) {
				en := s
				for j := i + 1; j < len(front) && latinRe.MatchString(front[j].trim()); j++ {
					en += " " + front[j].trim()
				}
				g.NameEn = en
			}
			mark()
			continue
		case strings.HasPrefix(s, "●"):
			setOnce(&g.Statement, s)
			mark()
			continue
		case s == "编辑委员会" || s == "編輯委員會":
			continue
		case tocHeadRe.MatchString(s):
		}
		if y, err := strconv.Atoi(s); err == nil && y > 1900 && y < 2200 {
			mark()
			continue
		}
		if m := issueNoRe.FindStringSubmatch(s); m != nil {
			if is.Year == 0 {
				is.Year, _ = strconv.Atoi(m[1])
				is.Number, _ = strconv.Atoi(m[2])
				if lbl := squash(labelRe.FindString(s)); lbl != fmt.Sprintf("第%d期", is.Number) {
					is.NumberLabel = lbl
				}
			}
			mark()
		} else if m := numberRe.FindStringSubmatch(s); m != nil {
			if is.Number == 0 {
				is.Number, _ = strconv.Atoi(m[1])
				for j := i - 1; j >= 0 && j >= i-3; j-- {
					if y, err := strconv.Atoi(front[j].trim()); err == nil && y > 1900 {
						is.Year = y
					}
				}
			}
			mark()
		}
		if m := cumulRe.FindStringSubmatch(s); m != nil {
			if is.Cumulative == 0 {
				is.Cumulative, _ = strconv.Atoi(m[1])
			}
			mark()
		}
		if m := issueDateRe.FindStringSubmatch(s); m != nil {
			if is.Date.IsZero() {
				is.Date, _ = mkDate(m[1], m[2], m[3])
				is.DateKind = "printed"
				if m[4] == "出版" || m[4] == "发行" {
					is.DateKind = "published"
				}
			}
			mark()
		}
		if m := frequencyRe.FindStringSubmatch(s); m != nil {
			setOnce(&g.Frequency, simplified(m[1]))
			mark()
		}
		if used[l.n] {
			lastEditor = -1
			continue
		}
		if m := fieldRe.FindStringSubmatch(s); m != nil {
			key := simplified(squash(m[1]))
			val := strings.TrimSpace(m[2])
			lastEditor = -1
			mark()
			switch key {
			case "主管":
				setOnce(&g.Supervisor, heal(val))
			case "主办":
				setOnce(&g.Sponsor, heal(val))
			case "编辑出版", "出版":
				setOnce(&g.Publisher, heal(val))
			case "地址":
				v := val
				// A wrapped address continues on a short line.
				for j := i + 1; j < len(front) && j <= i+2; j++ {
					t := front[j].trim()
					if t == "" {
						continue
					}
					if runeLen(t) <= 2 && !fieldRe.MatchString(t) {
						v += t
						used[front[j].n] = true
					}
					break
				}
				setOnce(&g.Contact.Address, heal(v))
			case "邮编":
				setOnce(&g.Contact.Postcode, val)
			case "电话", "联系电话":
				setOnce(&g.Contact.Phone, val)
			case "传真":
				setOnce(&g.Contact.Fax, val)
			case "邮箱", "电子邮箱":
				setOnce(&g.Contact.Email, val)
			case "网址", "网站":
				setOnce(&g.Contact.Website, strings.Trim(val, "<>"))
			case "印刷":
				setOnce(&g.Contact.Printer, val)
			case "主任", "副主任", "编委", "委员", "主编", "副主编", "责任编辑", "编辑":
				if editors[key] {
					// A repeated board (the cover reprinted) adds nothing;
					// its wrapped names are skipped too.
					lastEditor = -2
					continue
				}
				editors[key] = true
				is.Editors = append(is.Editors, content.Editor{Role: key, Names: splitNames(val)})
				lastEditor = len(is.Editors) - 1
			default:
				delete(used, l.n)
			}
			continue
		}
		// Names wrapped onto lines of their own continue the last role.
		if lastEditor != -1 && namesLine.MatchString(s) {
			if lastEditor >= 0 {
				is.Editors[lastEditor].Names = append(is.Editors[lastEditor].Names, splitNames(s)...)
			}
			mark()
			continue
		}
		lastEditor = -1
	}
	if g.Sponsor == "" {
		// 000 prints "张掖市人民政府办公室" above a lone "主 办".
		for i, l := range front {
			if squash(l.trim()) != "主办" {
				continue
			}
			for j := i - 1; j >= 0; j-- {
				if t := front[j].trim(); t != "" {
					g.Sponsor = heal(t)
					used[front[j].n] = true
					used[l.n] = true
					break
				}
			}
		}
	}
	return g, is
}

var namesLine = regexp.MustCompile(`^\p{Han}{1,3}(\s+\p{Han}{1,3})*$`)

func setOnce(p *string, v string) {
	if *p == "" {
		*p = v
	}
}

// splitNames splits "许治建 顾 挺" into names, joining a two-character
// name padded to three with a space ("顾 挺" is 顾挺).
func splitNames(s string) []string {
	toks := strings.Fields(clean(s))
	var out []string
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if runeLen(t) == 1 && i+1 < len(toks) && runeLen(toks[i+1]) == 1 {
			t += toks[i+1]
			i++
		}
		out = append(out, t)
	}
	return out
}

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

func mergeGazette(g *content.Gazette, c content.Gazette) {
	setOnce(&g.Supervisor, c.Supervisor)
	setOnce(&g.Sponsor, c.Sponsor)
	setOnce(&g.Publisher, c.Publisher)
	setOnce(&g.Contact.Address, c.Contact.Address)
	setOnce(&g.Contact.Postcode, c.Contact.Postcode)
	setOnce(&g.Contact.Phone, c.Contact.Phone)
	setOnce(&g.Contact.Fax, c.Contact.Fax)
	setOnce(&g.Contact.Email, c.Contact.Email)
	setOnce(&g.Contact.Website, c.Contact.Website)
	setOnce(&g.Contact.Printer, c.Contact.Printer)
	if g.Region == "" {
		if m := placeNameRe.FindStringSubmatch(g.Name); m != nil {
			g.Region = m[0]
		}
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
		d.Flags = append(d.Flags, fmt.Sprintf("title: the printed title has %q where the table of contents has %q; repaired in metadata only, the body keeps the printed text", w, repl))
	}
	d.Kind = kindOf(d.Title)
}
