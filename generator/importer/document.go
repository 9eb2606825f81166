package importer

import (
	"regexp"
	"strings"

	"gazette/generator/content"
)

// issuerRe matches a line or token that names an organ: an issuer or a
// signature.
var issuerRe = regexp.MustCompile(`^(中共)?\p{Han}{1,24}(人民政府办公室|人民政府办公厅|人民政府|办公室|办公厅|委员会|党委|政府)$`)

// issuerPartRe cuts glued issuer names apart.
var issuerPartRe = regexp.MustCompile(`(中共)?\p{Han}*?(人民政府办公室|人民政府办公厅|委办公室|委员会|人民政府|办公室|办公厅|党委)`)

var placeRe = regexp.MustCompile(`^(?:中共)?(\p{Han}{2,}?[省市县区州旗])`)

// splitIssuers splits a printed issuer line into organs: by spaces first,
// then glued names by their endings. A name that lost its place
// ("县人民政府办公室" after "中共泾源县委办公室") takes the place of the one
// before.
func splitIssuers(s string) []string {
	var out []string
	for _, tok := range strings.Fields(simplified(clean(s))) {
		parts := issuerPartRe.FindAllString(tok, -1)
		if strings.Join(parts, "") != tok || len(parts) == 0 {
			out = append(out, tok)
			continue
		}
		for _, p := range parts {
			if len(out) > 0 && (p == "办公室" || p == "办公厅") {
				out[len(out)-1] += p
				continue
			}
			out = append(out, p)
		}
	}
	for i := 1; i < len(out); i++ {
		if strings.HasPrefix(out[i], "县") || strings.HasPrefix(out[i], "市") || strings.HasPrefix(out[i], "区") {
			if m := placeRe.FindStringSubmatch(simplified(out[i-1])); m != nil && strings.HasSuffix(m[1], out[i][:3]) {
				out[i] = m[1] + out[i][3:]
			}
		}
	}
	return out
}

func isIssuerLine(s string) bool {
	toks := strings.Fields(simplified(clean(s)))
	if len(toks) == 0 {
		return false
	}
	for _, t := range toks {
		if !issuerRe.MatchString(t) {
			return false
		}
	}
	return true
}

var (
	disclosureRe = regexp.MustCompile(`^[(（]\s*(此件\p{Han}{2,8})\s*[)）]$`)
	addresseeRe  = regexp.MustCompile(`[:：]$`)
	attachRe     = regexp.MustCompile(`^附\s*件\s*\d*\s*[:：]\s*(.*)$`)
	attachItemRe = regexp.MustCompile(`^(\d{1,2})[.．、]\s*(.+)$`)
	omittedRe    = regexp.MustCompile(`[(（]略[)）]$`)
)

var addresseeSep = regexp.MustCompile(`[,，;；]`)

// kinds of document (文种), longest first so 实施方案 wins over 方案.
var kinds = []string{
	"实施方案", "工作方案", "行动方案", "建设方案", "任务清单", "实施意见", "实施细则", "实施计划",
	"工作要点", "要事记", "收文目录", "发文目录", "报告", "方案", "规划", "计划", "清单", "纲要", "意见",
	"办法", "规定", "细则", "决定", "通知", "通报", "批复", "公告", "通告", "命令", "函", "纪要",
}

var trailingParen = regexp.MustCompile(`\s*[(（][^()（）]*[)）]$`)

// kindOf reads the 文种 from a title's ending.
func kindOf(title string) string {
	t := trailingParen.ReplaceAllString(title, "")
	for _, k := range kinds {
		if strings.HasSuffix(t, k) {
			return k
		}
	}
	return ""
}

// parsed is a document read from its lines.
type parsed struct {
	doc      content.Document
	head     []line // lines that went to metadata
	body     []line // the document's own text
	embedded []line // text after the signature (plans, measures)
}

// parseDocument reads the header, body and signature of one document.
// titleAfter says the title may follow the 文号 (web pages, 001).
func (im *importer) parseDocument(ls []line) parsed {
	var p parsed
	nb := nonBlank(ls)
	i := 0
	k := -1
	for j := 0; j < len(nb) && j < 8; j++ {
		if _, ok := parseDocNumLine(ls[nb[j]].s); ok {
			k = j
			break
		}
	}
	var titleLines []line
	if k >= 0 {
		dn, _ := parseDocNumLine(ls[nb[k]].s)
		p.doc.DocNumber = dn.String()
		if dn.Printed != dn.String() {
			p.doc.DocNumberPrinted = dn.Printed
		}
		for _, j := range nb[:k] {
			titleLines = append(titleLines, ls[j])
		}
		p.head = append(p.head, ls[nb[k]])
		i = k + 1
		if k == 0 {
			// The title follows the 文号 up to the addressee.
			for i < len(nb) && i <= 4 && !addresseeRe.MatchString(ls[nb[i]].trim()) && !endsSentence(ls[nb[i]].trim()) {
				titleLines = append(titleLines, ls[nb[i]])
				i++
			}
		}
	} else if len(nb) > 0 {
		titleLines = []line{ls[nb[0]]}
		i = 1
	}
	p.head = append(p.head, titleLines...)
	var raw []string
	for _, l := range titleLines {
		raw = append(raw, l.trim())
	}
	title := strings.Join(raw, " ")
	p.doc.Title = canonical(title)
	var headIssuers []string
	if len(titleLines) > 1 && isIssuerLine(titleLines[0].s) {
		headIssuers = splitIssuers(titleLines[0].trim())
	} else if pre, _, ok := strings.Cut(title, "关于"); ok && isIssuerLine(pre) {
		headIssuers = splitIssuers(pre)
	} else if pre, _, ok := strings.Cut(title, "關於"); ok && isIssuerLine(pre) {
		headIssuers = splitIssuers(pre)
	}

	// Addressees: a line (or two) ending in a colon right after the head.
	if k >= 0 && i < len(nb) {
		a := ls[nb[i]].trim()
		n := 1
		if !addresseeRe.MatchString(a) && i+1 < len(nb) && addresseeRe.MatchString(ls[nb[i+1]].trim()) && !endsSentence(a) && nb[i+1] == nb[i]+1 {
			a += ls[nb[i+1]].trim()
			n = 2
		}
		if addresseeRe.MatchString(a) && runeLen(a) < 160 && !strings.ContainsAny(a, "。；") {
			for _, s := range addresseeSep.Split(strings.TrimRight(a, ":："), -1) {
				if s = canonical(s); s != "" {
					p.doc.Addressees = append(p.doc.Addressees, s)
				}
			}
			for j := 0; j < n; j++ {
				p.head = append(p.head, ls[nb[i+j]])
			}
			i += n
		}
	}

	// Signature: the first date line with an organ within the three
	// non-blank lines before it.
	start := len(ls)
	if i < len(nb) {
		start = nb[i]
	}
	sig := -1
	var sigLines []int
	if k >= 0 {
		for j := i; j < len(nb); j++ {
			d, ok := parseDate(ls[nb[j]].s)
			if !ok {
				continue
			}
			var found []int
			for b := j - 1; b >= i && b >= j-3; b-- {
				if isIssuerLine(ls[nb[b]].s) {
					found = append([]int{nb[b]}, found...)
				} else if len(found) > 0 {
					break
				}
			}
			if len(found) == 0 {
				continue
			}
			p.doc.DateSigned = d
			sig = j
			sigLines = append(found, nb[j])
			break
		}
	}
	var sigIssuers []string
	end := len(ls)
	if sig >= 0 {
		isSig := map[int]bool{}
		for i, x := range sigLines {
			isSig[x] = true
			if i < len(sigLines)-1 {
				sigIssuers = append(sigIssuers, splitIssuers(ls[x].trim())...)
			}
			p.head = append(p.head, ls[x])
		}
		end = nb[sig] + 1
		if sig+1 < len(nb) {
			if m := disclosureRe.FindStringSubmatch(ls[nb[sig+1]].trim()); m != nil {
				p.doc.Disclosure = canonical(m[1])
				end = nb[sig+1] + 1
			}
		}
		for x := start; x < nb[sig]; x++ {
			if !isSig[x] {
				p.body = append(p.body, ls[x])
			}
		}
		if end > nb[sig]+1 {
			// The printed disclosure note stays at the end of the text.
			p.body = append(p.body, line{n: ls[end-1].n}, ls[end-1])
		}
		p.embedded = ls[end:]
	} else {
		p.body = ls[start:]
	}

	switch {
	case len(sigIssuers) > 0:
		p.doc.Issuers = sigIssuers
	case len(headIssuers) > 0:
		p.doc.Issuers = headIssuers
	}
	p.doc.Issuers = im.issuers(p.doc.Issuers)
	if len(p.doc.Issuers) == 0 && k >= 0 {
		dn, _ := parseDocNumLine(ls[nb[k]].s)
		p.doc.Issuers = prefixIssuers[dn.Prefix]
	}
	p.doc.Kind = kindOf(p.doc.Title)
	p.doc.Attachments = attachments(p.body, ls[end:])
	return p
}

// issuers canonicalizes organ names: simplified characters, no spaces,
// then the alias table.
func (im *importer) issuers(names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		c := canonical(n)
		if a, ok := im.aliases[c]; ok {
			c = a
		} else if a, ok := im.aliases[heal(n)]; ok {
			c = a
		}
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

func nonBlank(ls []line) []int {
	var out []int
	for i, l := range ls {
		if !l.blank() {
			out = append(out, i)
		}
	}
	return out
}

// attachments reads the 附件 list from a body. An attachment counts as
// included when its title appears again later in the text (rest), and not
// when it is marked (略).
func attachments(body, rest []line) []content.Attachment {
	var titles []string
	for i := 0; i < len(body); i++ {
		m := attachRe.FindStringSubmatch(body[i].trim())
		if m == nil {
			continue
		}
		first := m[1]
		var items []string
		cur := first
		j := i + 1
		for ; j < len(body); j++ {
			t := body[j].trim()
			if t == "" {
				if j+1 < len(body) && attachItemRe.MatchString(body[j+1].trim()) && len(items)+1 > 0 && attachItemRe.MatchString(first) {
					continue
				}
				break
			}
			if attachItemRe.MatchString(t) && (attachItemRe.MatchString(first) || first == "") {
				if cur != "" {
					items = append(items, cur)
				}
				cur = t
				continue
			}
			if endsSentence(cur) {
				break
			}
			cur += t
		}
		if cur != "" {
			items = append(items, cur)
		}
		for _, it := range items {
			if m := attachItemRe.FindStringSubmatch(it); m != nil {
				it = m[2]
			}
			it = strings.TrimRight(strings.TrimSpace(it), "。;；")
			if it != "" {
				titles = append(titles, it)
			}
		}
		i = j - 1
	}
	var later strings.Builder
	for _, l := range rest {
		later.WriteString(squash(l.s))
	}
	laterText := simplified(later.String())
	var out []content.Attachment
	for _, t := range titles {
		a := content.Attachment{Title: canonical(omittedRe.ReplaceAllString(t, ""))}
		if omittedRe.MatchString(t) || !strings.Contains(laterText, squash(a.Title)) {
			no := false
			a.Included = &no
			if omittedRe.MatchString(t) {
				a.Note = "略"
			}
		}
		out = append(out, a)
	}
	return out
}

// planTitleRe matches the last line of an embedded plan's title.
var planTitleRe = regexp.MustCompile(`(方案|规划|计划|清单|纲要)(\s*[(（][^()（）]*[)）])?$`)

func isPlanTitle(s string) bool {
	if !strings.Contains(s, "方案") && !strings.ContainsAny(s, "划劃单單要") {
		return false
	}
	s = simplified(s)
	return planTitleRe.MatchString(s) && runeLen(s) <= 60 && !endsSentence(strings.TrimRight(s, ")）")) &&
		!itemStart.MatchString(s) && !strings.ContainsAny(s, "《》:：，,。、；;") && !attachRe.MatchString(s)
}

// issuesPlans reports whether a notice's title issues plans (印发 …
// 方案/规划/计划/清单), and whether it names exactly one in 《》.
func issuesPlans(title string) (plans, single bool) {
	if !strings.Contains(title, "印发") {
		return false, false
	}
	inner := title
	if i := strings.Index(title, "印发"); i >= 0 {
		inner = title[i+len("印发"):]
	}
	inner = strings.TrimSuffix(strings.TrimSuffix(inner, "的通知"), "通知")
	single = strings.Count(inner, "《") == 1
	inner = strings.Trim(inner, "《》")
	inner = trailingParen.ReplaceAllString(inner, "")
	inner = strings.TrimRight(inner, "》")
	k := kindOf(inner)
	return strings.HasSuffix(k, "方案") || k == "规划" || strings.HasSuffix(k, "计划") || strings.HasSuffix(k, "清单") || k == "纲要", single
}

// planTitleAt reports whether line nb[x] ends a plan title. A wrap may
// leave the title's last characters (案) alone on a line.
func planTitleAt(ls []line, nb []int, x int) bool {
	s := ls[nb[x]].trim()
	if isPlanTitle(s) {
		return true
	}
	if x == 0 || runeLen(s) > 3 || nb[x]-nb[x-1] != 1 {
		return false
	}
	return isPlanTitle(ls[nb[x-1]].trim() + s)
}

// titleBlock extends the plan title ending at nb[x] upwards over short
// lines without punctuation (a title wraps over up to four lines). It
// reports false when the block continues a paragraph: a title follows a
// blank line, a finished sentence, a table or a heading.
func titleBlock(ls []line, nb []int, x int, perLine bool) (int, bool) {
	s := x
	for s > 0 && x-s < 3 {
		prev := ls[nb[s-1]].trim()
		if endsSentence(prev) || itemStart.MatchString(prev) || runeLen(prev) > 40 || isTableLine(ls[nb[s-1]].s) ||
			nb[s]-nb[s-1] > 2 || strings.ContainsAny(prev, "，,。；;：:《》") || attachRe.MatchString(prev) {
			break
		}
		s--
	}
	if s == 0 || nb[s]-nb[s-1] > 1 || perLine {
		return s, true
	}
	prev := ls[nb[s-1]]
	return s, endsSentence(prev.trim()) || isTableLine(prev.s) || rank(prev.trim()) >= 0
}

// splitPlans cuts the embedded text of a notice into plans. Each plan
// starts at its title, which may span up to four lines; the first plan
// starts at the first line. A notice that names one plan in 《》 is not
// cut further.
func splitPlans(ls []line, single, perLine bool) [][]line {
	nb := nonBlank(ls)
	if len(nb) == 0 {
		return nil
	}
	starts := []int{}
	for x := range nb {
		if !planTitleAt(ls, nb, x) {
			continue
		}
		s, ok := titleBlock(ls, nb, x, perLine)
		if !ok || len(starts) > 0 && nb[s] <= starts[len(starts)-1] {
			continue
		}
		if len(starts) == 0 {
			starts = append(starts, 0)
			if single {
				break
			}
			continue
		}
		starts = append(starts, nb[s])
	}
	if len(starts) == 0 {
		return nil
	}
	var out [][]line
	for i, s := range starts {
		e := len(ls)
		if i+1 < len(starts) {
			e = starts[i+1]
		}
		out = append(out, ls[s:e])
	}
	return out
}

// planTitle finds a plan's title lines: the first plan-title line and the
// short lines before it.
func planTitle(ls []line) (title string, used []line, rest []line) {
	nb := nonBlank(ls)
	for x, j := range nb {
		if !planTitleAt(ls, nb, x) {
			if x > 40 || rank(ls[j].trim()) >= 0 && !tocHeadRe.MatchString(ls[j].trim()) && !isTableLine(ls[j].s) {
				break
			}
			continue
		}
		s, _ := titleBlock(ls, nb, x, false)
		var parts []string
		for _, y := range nb[s : x+1] {
			parts = append(parts, ls[y].trim())
			used = append(used, ls[y])
		}
		rest = append(append([]line{}, ls[:nb[s]]...), ls[j+1:]...)
		return canonical(strings.Join(parts, " ")), used, rest
	}
	if len(nb) == 0 {
		return "", nil, ls
	}
	return canonical(ls[nb[0]].trim()), []line{ls[nb[0]]}, ls[nb[0]+1:]
}
