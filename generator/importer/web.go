package importer

import (
	"fmt"
	"regexp"
	"strings"

	"gazette/generator/content"
)

// webKeys are the labels of a government web page's metadata header.
var webKeys = []string{
	"索引号", "发文字号", "文件编号", "关键词", "发布机构", "公开形式", "公开方式", "责任部门",
	"生成日期", "是否有效", "有效性", "组配分类", "主题分类", "发文日期", "成文日期", "发布日期",
	"浏览次数", "发文机关", "信息来源",
}

var webKeyRe = regexp.MustCompile(`(` + strings.Join(webKeys, "|") + `)\s*[:：]`)

func isWebKey(s string) bool {
	for _, k := range webKeys {
		if s == k {
			return true
		}
	}
	return false
}

// webHeader reads key: value pairs from a line ("索引号: x 公开方式: y") or
// from a pipe row ("| 索引号 | x | 发文字号 | |"). A key followed by
// another key has an empty value. It reports false for other lines.
func webHeader(s string, into map[string]string) bool {
	t := strings.TrimSpace(simplified(clean(s)))
	if strings.HasPrefix(t, "|") && strings.HasSuffix(t, "|") {
		cells := strings.Split(strings.Trim(t, "|"), "|")
		found := false
		for i := 0; i < len(cells); i++ {
			c := strings.TrimSpace(cells[i])
			if !isWebKey(c) {
				continue
			}
			found = true
			if i+1 < len(cells) {
				v := strings.TrimSpace(cells[i+1])
				if v != "" && !isWebKey(v) {
					into[c] = v
					i++
					continue
				}
			}
			into[c] = ""
		}
		return found
	}
	locs := webKeyRe.FindAllStringSubmatchIndex(t, -1)
	if len(locs) == 0 || locs[0][0] != 0 {
		return false
	}
	for i, loc := range locs {
		end := len(t)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		into[t[loc[2]:loc[3]]] = strings.TrimSpace(t[loc[1]:end])
	}
	return true
}

var (
	subtitleRe = regexp.MustCompile(`^——\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)
	speakerRe  = regexp.MustCompile(`^(\p{Han}+?(?:人民政府|政府))(\p{Han}*?(?:区长|县长|市长|省长|主席|主任))\s+(\p{Han}{2,4})$`)
	glossHead  = regexp.MustCompile(`^名词解释\s*[:：]?$`)
	glossItem  = regexp.MustCompile(`^(\d{1,3})\s*[.．、]\s*(.+?)\s*[:：]\s*(.+)$`)
)

// importStandalone imports one document that is not part of an issue: a
// web page with a metadata header, a bare document or a report.
func (im *importer) importStandalone() {
	ls := im.lines
	meta := map[string]string{}
	var headerTitle []line
	var headerLines []line
	start := 0
	// The web header: metadata rows and the page title, up to the 文号
	// or the first line that is neither.
	for i, l := range ls {
		s := l.trim()
		if s == "" {
			continue
		}
		if _, ok := parseDocNumLine(s); ok {
			start = i
			break
		}
		if webHeader(s, meta) {
			headerLines = append(headerLines, l)
			start = i + 1
			continue
		}
		if i > 12 || len(meta) > 0 && len(headerTitle) > 0 && !strings.Contains(ls[min(i+1, len(ls)-1)].s, "|") && !webKeyRe.MatchString(ls[min(i+1, len(ls)-1)].s) {
			start = i
			break
		}
		if len(headerTitle) >= 1 && len(meta) > 0 {
			start = i
			break
		}
		headerTitle = append(headerTitle, l)
		start = i + 1
	}
	if len(meta) == 0 {
		// No web header: the document starts at once.
		headerTitle, start = nil, 0
	}
	rest := ls[start:]
	var p parsed
	report := false
	if _, ok := parseDocNumLine(firstText(rest)); ok || len(meta) == 0 && !strings.HasPrefix(squash(firstText(rest)), "政府工作报告") {
		p = im.parseDocument(rest)
	} else {
		report = true
		p = im.parseReport(headerTitle, rest)
		if len(headerTitle) > 0 {
			im.residue = append(im.residue, Residue{Line: headerTitle[0].n, Text: headerTitle[0].trim(), Why: "web page title (the text repeats title and subtitle)"})
		}
		headerTitle = nil
	}
	d := &p.doc
	if len(headerTitle) > 0 && (d.Title == "" || p.doc.DocNumber != "" && len(nonBlank(p.head)) <= 2) {
		var parts []string
		for _, l := range headerTitle {
			parts = append(parts, l.trim())
		}
		d.Title = canonical(strings.Join(parts, " "))
		d.Kind = kindOf(d.Title)
		if pre, _, ok := strings.Cut(d.Title, "关于"); ok && isIssuerLine(pre) && len(d.Issuers) == 0 {
			d.Issuers = im.issuers(splitIssuers(pre))
		}
	}
	im.applyWebMeta(d, meta)
	if d.Title == "" {
		im.problems.Errorf(im.name, 1, "no title found: a document starts with its title (or its 文号 and then its title)")
		return
	}
	if len(d.Issuers) == 0 {
		im.problems.Errorf(im.name, 1, "no issuer found for %q: the document names no organ in its title or signature, and its 文号 prefix is not known", d.Title)
		return
	}
	year := 0
	switch {
	case !d.DateSigned.IsZero():
		year = d.DateSigned.Year()
	case d.DocNumber != "":
		dn, _ := parseDocNumLine(d.DocNumber)
		year = dn.Year
	case !d.DatePublished.IsZero():
		year = d.DatePublished.Year()
	}
	if year == 0 {
		im.problems.Errorf(im.name, 1, "no date found for %q: give a signing date (2024年2月25日) or a 文号", d.Title)
		return
	}
	slug := ""
	if d.DocNumber != "" {
		dn, _ := parseDocNumLine(d.DocNumber)
		slug = dn.Slug()
	} else if report && !d.DateSigned.IsZero() {
		slug = "report-" + d.DateSigned.Format("2006-01-02")
	} else {
		slug = "doc-" + shortHash(d.Title)
	}
	dir := fmt.Sprintf("documents/%s/%d", regionOf(d.Issuers[0]), year)
	if report {
		im.emitReport(dir, slug, p, rest)
		return
	}
	im.emitDocument(dir, slug, p, firstNonBlank(ls), lastNonBlank(ls))
}

func firstText(ls []line) string {
	for _, l := range ls {
		if t := l.trim(); t != "" {
			return t
		}
	}
	return ""
}

// applyWebMeta copies a web header into a document.
func (im *importer) applyWebMeta(d *content.Document, meta map[string]string) {
	if v := meta["索引号"]; v != "" {
		d.IndexNumber = v
	}
	for _, k := range []string{"文件编号", "发文字号"} {
		if v := meta[k]; v != "" && d.DocNumber == "" {
			if dn, ok := parseDocNumLine(v); ok {
				d.DocNumber = dn.String()
				if dn.Printed != dn.String() {
					d.DocNumberPrinted = dn.Printed
				}
			}
		}
	}
	if v := meta["发布机构"]; v != "" {
		d.Publisher = v
	}
	for _, k := range []string{"公开方式", "公开形式"} {
		if v := meta[k]; v != "" && d.Disclosure == "" {
			d.Disclosure = v
		} else if v != "" && d.Disclosure != v {
			// The web page's form of disclosure wins over the printed
			// note; the printed note stays in the body.
			d.Disclosure = v
		}
	}
	if v := meta["组配分类"]; v != "" {
		d.Category = v
	}
	for _, k := range []string{"成文日期", "发文日期"} {
		if t, ok := parseISODate(meta[k]); ok && d.DateSigned.IsZero() {
			d.DateSigned = t
		}
	}
	for _, k := range []string{"发布日期", "生成日期"} {
		if t, ok := parseISODate(meta[k]); ok && d.DatePublished.IsZero() {
			d.DatePublished = t
		}
	}
	for _, k := range []string{"有效性", "是否有效"} {
		switch v := meta[k]; v {
		case "":
		case "是":
			d.Validity = "有效"
		case "否":
			d.Validity = "失效"
		default:
			d.Validity = v
		}
	}
}

// parseReport reads a work report (政府工作报告): its title and subtitle from
// the page title, the speaker's organ as issuer, the date it was delivered.
func (im *importer) parseReport(header, rest []line) parsed {
	var p parsed
	t := ""
	if len(header) > 0 {
		t = header[0].trim()
	} else {
		t = firstText(rest)
	}
	title, sub, _ := strings.Cut(t, "——")
	p.doc.Title = canonical(title)
	p.doc.Kind = kindOf(p.doc.Title)
	if m := subtitleRe.FindStringSubmatch("——" + strings.TrimSpace(sub)); m != nil {
		p.doc.DateSigned, _ = mkDate(m[1], m[2], m[3])
	}
	for i := 0; i < len(rest); i++ {
		l := rest[i]
		s := l.trim()
		if squash(s) == squash(title) {
			p.head = append(p.head, l)
			continue
		}
		if strings.HasPrefix(s, "——") && i+1 < len(rest) && !rest[i+1].blank() && !endsSentence(s) && speakerRe.FindString(rest[i+1].trim()) == "" {
			// The subtitle wraps: keep it one paragraph.
			l = line{n: l.n, s: s + rest[i+1].trim()}
			s = l.s
			i++
		}
		if m := subtitleRe.FindStringSubmatch(simplified(s)); m != nil && p.doc.DateSigned.IsZero() {
			p.doc.DateSigned, _ = mkDate(m[1], m[2], m[3])
		}
		if m := speakerRe.FindStringSubmatch(simplified(s)); m != nil && len(p.doc.Issuers) == 0 {
			p.doc.Issuers = im.issuers([]string{m[1]})
		}
		p.body = append(p.body, l)
	}
	return p
}

// emitReport writes a report, its glossary (名词解释) as a definition list.
func (im *importer) emitReport(dir, slug string, p parsed, rest []line) {
	d := p.doc
	d.Import = content.Provenance{File: im.base, Lines: []int{firstNonBlank(im.lines), lastNonBlank(im.lines)}, SHA256: im.sha}
	main, gloss := p.body, []line(nil)
	for i, l := range p.body {
		if glossHead.MatchString(l.trim()) {
			main, gloss = p.body[:i], p.body[i:]
			break
		}
	}
	r := &renderer{perLine: im.perLine, residue: &im.residue}
	body := r.render(main)
	if len(gloss) > 0 {
		body = strings.TrimRight(body, "\n") + "\n\n" + im.glossary(gloss)
	}
	im.emit(dir+"/"+slug+".md", &d, body)
}

// glossary renders a numbered glossary as a goldmark definition list:
// "term\n: definition". Lines that are not entries are rendered as text.
func (im *importer) glossary(ls []line) string {
	var b strings.Builder
	b.WriteString("## " + escape(strings.TrimRight(ls[0].trim(), ":：")) + "\n")
	var other []line
	flush := func() {
		if len(other) > 0 {
			r := &renderer{perLine: im.perLine, residue: &im.residue}
			if s := r.render(other); strings.TrimSpace(s) != "" {
				b.WriteString("\n" + s)
			}
			other = nil
		}
	}
	for _, l := range ls[1:] {
		s := l.trim()
		if s == "" {
			continue
		}
		m := glossItem.FindStringSubmatch(s)
		if m == nil {
			other = append(other, l)
			continue
		}
		flush()
		fmt.Fprintf(&b, "\n%s\n: %s\n", escapeBlock(m[1]+". "+m[2]), escape(m[3]))
	}
	flush()
	return b.String()
}
