package importer

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"gazette/generator/content"
	"gazette/generator/docnum"
)

// A line is one source line with its 1-based number.
type line struct {
	n int
	s string // without the line end; NBSP and ideographic spaces kept
}

func (l line) blank() bool { return strings.TrimSpace(clean(l.s)) == "" }

// trim is the line without surrounding white space of any width.
func (l line) trim() string { return strings.TrimSpace(clean(l.s)) }

// clean turns NBSP and other odd spaces into ASCII spaces.
func clean(s string) string {
	if !strings.ContainsAny(s, "\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff") {
		return s
	}
	r := strings.NewReplacer("\u00a0", " ", "\u3000", " ", "\u2002", " ", "\u2003", " ", "\u2009", " ", "\u200b", "", "\ufeff", "")
	return r.Replace(s)
}

func splitLines(data string) []line {
	data = strings.ReplaceAll(data, "\r\n", "\n")
	data = strings.ReplaceAll(data, "\r", "\n")
	data = strings.TrimSuffix(data, "\n")
	raw := strings.Split(data, "\n")
	out := make([]line, len(raw))
	for i, s := range raw {
		out[i] = line{n: i + 1, s: strings.TrimRight(s, " \t")}
	}
	return out
}

func isLatin(r rune) bool {
	return r < 0x2000 && unicode.IsLetter(r) || strings.ContainsRune("'.,&", r)
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.In(r, unicode.Hiragana, unicode.Katakana) ||
		(r >= 0x3000 && r <= 0x303f) || (r >= 0xff00 && r <= 0xffef) || strings.ContainsRune("“”‘’《》〔〕【】—…·", r)
}

// heal removes the white space that a healed line break or a PDF's letter
// spacing left in a title or label: space next to a CJK character goes,
// space between two Latin words stays (as one space).
func heal(s string) string {
	s = clean(s)
	rs := []rune(strings.TrimSpace(s))
	var b strings.Builder
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
			continue
		}
		j := i
		for j < len(rs) && unicode.IsSpace(rs[j]) {
			j++
		}
		// Keep one space between two Latin words; a space next to a
		// CJK character or a digit was left by a line break or letter
		// spacing.
		prev, next := rs[i-1], rs[j]
		if isLatin(prev) && isLatin(next) || isLatin(prev) && unicode.IsDigit(next) || unicode.IsDigit(prev) && isLatin(next) {
			b.WriteByte(' ')
		}
		i = j - 1
	}
	return b.String()
}

// simplified converts traditional and variant characters to simplified
// ones (docnum.Fold: OpenCC's character table plus 涇 → 泾). It is used for
// metadata only (titles, issuers, 文号); bodies keep what was printed.
// Only Han characters are folded: punctuation keeps its printed width.
func simplified(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			b.WriteString(docnum.Fold(string(r)))
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// canonical is the metadata form of a printed name or title.
func canonical(s string) string { return heal(simplified(s)) }

var dateRe = regexp.MustCompile(`(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日`)

// onlyDate matches a line that is a date and nothing else.
var onlyDate = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$`)

func mkDate(y, m, d string) (content.Date, bool) {
	yy, _ := strconv.Atoi(y)
	mm, _ := strconv.Atoi(m)
	dd, _ := strconv.Atoi(d)
	if yy < 1900 || yy > 2200 || mm < 1 || mm > 12 || dd < 1 || dd > 31 {
		return content.Date{}, false
	}
	t := time.Date(yy, time.Month(mm), dd, 0, 0, 0, 0, time.UTC)
	if t.Day() != dd {
		return content.Date{}, false
	}
	return content.Date{Time: t}, true
}

// parseDate reads a line that is only a Chinese date.
func parseDate(s string) (content.Date, bool) {
	m := onlyDate.FindStringSubmatch(strings.TrimSpace(clean(s)))
	if m == nil {
		return content.Date{}, false
	}
	return mkDate(m[1], m[2], m[3])
}

// parseISODate reads 2025-03-07 or 2025-03-13 17:01[:05].
func parseISODate(s string) (content.Date, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return content.Date{Time: t, HasClock: layout != "2006-01-02"}, true
		}
	}
	return content.Date{}, false
}

// endsSentence reports whether s ends a sentence or a clause that a line
// break may follow.
func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return strings.ContainsRune("。；;！!？?：:”」』）)】", r)
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// squash removes all white space.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
