package importer

// This file reads the front of an issue: cover, masthead, editorial board,
// printed table of contents and colophon.

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gazette/generator/content"
)

// tocEntry is one printed TOC entry and the section it stands in.
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
			setOnce(&g.Statement, simplified(s))
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
				setOnce(&g.Supervisor, canonical(val))
			case "主办":
				setOnce(&g.Sponsor, canonical(val))
			case "编辑出版", "出版":
				setOnce(&g.Publisher, canonical(val))
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
				setOnce(&g.Contact.Address, canonical(v))
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
				setOnce(&g.Contact.Printer, canonical(val))
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
					g.Sponsor = canonical(t)
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
	toks := strings.Fields(simplified(clean(s)))
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

// mergeGazette fills the gazette fields still empty from c (the colophon).
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
