package importer

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"gazette/generator/content"
)

// The fidelity test checks that the import loses no text. For every
// non-blank source line, one of these holds:
//
//   - it is listed as residue (web chrome, dot leaders, masthead slogans);
//   - it appears in the body of the file whose [import] lines cover it,
//     after the body text of the line before it (in order);
//   - every word of it appears in that file's front matter (a title, 文号,
//     issuer, date or web header went to metadata).
//
// Comparisons ignore white space and Markdown syntax (# * | \ - > :) and
// apply the documented clean-ups to the source line first: form controls
// become ○/□, HTML tags go, $\frac{a}{b}$ becomes a/b, dot leaders go, and a
// line that is only a date or a 文号 is compared in its metadata form.
// Front matter is compared in simplified characters. Lines found only out of
// order are counted and must stay few: the one clean-up that reorders is a
// table or boxed sidebar printed mid-sentence, moved after the sentence
// (the text below it is then found before it). Lines found nowhere fail
// the test.

var (
	mdSyntax    = regexp.MustCompile(`[#*|\\>:：\-\s]`)
	fidLeader   = regexp.MustCompile(`[.·…]{2,}`)
	fidTag      = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)
	fidFrac     = regexp.MustCompile(`\$\\frac\{([^{}]*)\}\{([^{}]*)\}\$`)
	fidInput    = regexp.MustCompile(`<input[^>]*(radio|checkbox)[^>]*>`)
	fidWebLabel = regexp.MustCompile(`(索引号|发文字号|文件编号|关键词|发布机构|公开形式|公开方式|责任部门|生成日期|是否有效|有效性|组配分类|发文日期|成文日期|发布日期|浏览次数)`)
	fidMasthead = regexp.MustCompile(`[年第期总總月日印刷出版登()（）【】]`)
	fidToken    = regexp.MustCompile(`[\p{Han}\p{L}\p{N}“”《》.%/@]+`)
	fidField    = regexp.MustCompile(`^[\p{Han} ]{1,8}?\s*[:：]\s*`)
)

func norm(s string) string { return mdSyntax.ReplaceAllString(s, "") }

// srcForm applies the documented clean-ups to a source line.
func srcForm(s string) string {
	s = clean(s)
	s = fidInput.ReplaceAllStringFunc(s, func(m string) string {
		if strings.Contains(m, "checkbox") {
			return "□"
		}
		return "○"
	})
	s = fidFrac.ReplaceAllString(s, "$1/$2")
	s = fidTag.ReplaceAllString(s, "")
	s = fidLeader.ReplaceAllString(s, "")
	t := strings.TrimSpace(s)
	if d, ok := parseDate(t); ok {
		return d.String()
	}
	if dn, ok := parseDocNumLine(t); ok {
		return dn.String()
	}
	return s
}

// inMeta reports whether every word of line s appears in front matter
// meta (both simplified and without white space).
func inMeta(s, meta string, masthead bool, aliases map[string]string) bool {
	s = simplified(srcForm(s))
	s = fidWebLabel.ReplaceAllString(s, " ")
	s = strings.ReplaceAll(s, "是否有效", "")
	if masthead {
		// TOC entries lose their ordinal (the order keeps it).
		s = tocNumRe.ReplaceAllString(fidField.ReplaceAllString(strings.TrimSpace(s), ""), "")
		s = fidMasthead.ReplaceAllString(s, " ")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("()（）〔〕[]【】●·:：|-", r) {
			return ' '
		}
		return r
	}, s)
	for _, tok := range fidToken.FindAllString(s, -1) {
		tok = strings.Trim(tok, "、。，,;；.")
		if a, ok := aliases[tok]; ok {
			tok = a
		}
		if tok == "" || tok == "是" && strings.Contains(meta, "有效") {
			continue
		}
		if n, err := strconv.Atoi(tok); err == nil && strings.Contains(meta, strconv.Itoa(n)) {
			continue
		}
		if !strings.Contains(meta, tok) {
			return false
		}
	}
	return true
}

type fidelity struct {
	lines, body, meta, residue, outOfOrder int
	lost                                   []string
}

func checkFidelity(t *testing.T, o *seedOut) fidelity {
	t.Helper()
	var f fidelity
	src := splitLines(string(o.src))
	residue := map[int]bool{}
	for _, r := range o.res.Residue {
		residue[r.Line] = true
	}
	owner := map[int]string{} // line → file that covers it
	docs := map[string]content.Document{}
	bodies := map[string]string{}
	metas := map[string]string{}
	var frontMeta strings.Builder
	for _, p := range o.paths() {
		front, body, _, err := content.Split(o.files[p])
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		switch content.KindOf(p[strings.LastIndex(p, "/")+1:]) {
		case content.KindGazette, content.KindIssue:
			frontMeta.WriteString(front)
			continue
		}
		var d content.Document
		if _, _, problems := content.Decode(p, o.files[p], &d); problems.HasErrors() {
			t.Fatal(problems)
		}
		docs[p] = d
		bodies[p] = norm(body)
		metas[p] = squash(simplified(front))
		if len(d.Import.Lines) == 2 {
			for n := d.Import.Lines[0]; n <= d.Import.Lines[1]; n++ {
				// Plans lie inside their notice's range: the
				// innermost (latest starting) file owns a line.
				if q, ok := owner[n]; !ok || docs[q].Import.Lines[0] <= d.Import.Lines[0] {
					owner[n] = p
				}
			}
		}
	}
	fm := squash(simplified(frontMeta.String()))
	cursor := map[string]int{}
	for _, l := range src {
		if l.blank() {
			continue
		}
		f.lines++
		if residue[l.n] {
			f.residue++
			continue
		}
		p, ok := owner[l.n]
		if !ok {
			if inMeta(l.s, fm, true, o.aliases) {
				f.meta++
				continue
			}
			f.lost = append(f.lost, fmt.Sprintf("%d (front): %s", l.n, l.trim()))
			continue
		}
		want := norm(srcForm(strings.TrimPrefix(l.trim(), "- ")))
		if want == "" {
			f.body++
			continue
		}
		// Metadata first: a signature found further down the body
		// would otherwise move the cursor past the text between.
		if inMeta(l.s, metas[p], false, o.aliases) {
			f.meta++
			continue
		}
		if i := strings.Index(bodies[p][cursor[p]:], want); i >= 0 {
			cursor[p] += i + len(want)
			f.body++
			continue
		}
		// Lines of a notice found in one of its plans, or earlier in
		// the body, are kept but out of order.
		found := strings.Contains(bodies[p], want)
		for q := range bodies {
			if !found && strings.HasPrefix(q, strings.TrimSuffix(p, ".md")+"/") {
				found = strings.Contains(bodies[q], want)
			}
		}
		if found {
			t.Logf("out of order: %d (%s): %s", l.n, p, l.trim())
			f.outOfOrder++
			continue
		}
		f.lost = append(f.lost, fmt.Sprintf("%d (%s): %s", l.n, p, l.trim()))
	}
	return f
}

func TestFidelity(t *testing.T) {
	for _, tt := range []struct {
		seed                     string
		maxResidue, maxReordered int
	}{
		{"000", 7, 8},
		{"001", 1, 0},
		{"002", 19, 0},
		{"003", 2, 0},
		{"004", 3, 0},
	} {
		t.Run(tt.seed, func(t *testing.T) {
			o := importSeed(t, tt.seed)
			f := checkFidelity(t, o)
			t.Logf("seed %s: %d non-blank lines: %d in bodies, %d in metadata, %d residue, %d out of order, %d lost",
				tt.seed, f.lines, f.body, f.meta, f.residue, f.outOfOrder, len(f.lost))
			var why []string
			for _, r := range o.res.Residue {
				why = append(why, r.Why)
			}
			sort.Strings(why)
			t.Logf("residue: %s", strings.Join(compact(why), "; "))
			for _, l := range f.lost {
				t.Errorf("line lost: %s", l)
			}
			if f.residue > tt.maxResidue {
				t.Errorf("%d residue lines, want at most %d", f.residue, tt.maxResidue)
			}
			if f.outOfOrder > tt.maxReordered {
				t.Errorf("%d lines out of order, want at most %d", f.outOfOrder, tt.maxReordered)
			}
		})
	}
}

// compact counts repeated strings: "a ×3".
func compact(xs []string) []string {
	var out []string
	for i := 0; i < len(xs); {
		j := i
		for j < len(xs) && xs[j] == xs[i] {
			j++
		}
		out = append(out, fmt.Sprintf("%s ×%d", xs[i], j-i))
		i = j
	}
	return out
}
