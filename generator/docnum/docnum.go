// Package docnum parses 文号 (document numbers) and gives them one canonical
// form, so that front matter, body text and search agree on what a number is.
//
// # Form
//
// GB/T 9704-2012 §7.2.5 prints a 文号 as 机关代字 + 〔年份〕 + 发文顺序号 + 号:
//
//	张政办发〔2024〕10号
//
// Real text varies, and Parse and Find accept all of the following:
//
//	brackets     〔〕 （） () [] 【】 ［］ 〖〗 ﹝﹞, not necessarily a matching pair
//	spaces       涇党办发〔2023〕13 号, 宁统审发（2023）4⏎号 (at most one line break per gap)
//	digits       full-width ２０２３, leading zeros 〔2023〕013号
//	第N号        张政任字〔2024〕第2号
//	号           also the traditional 號
//	prefix       traditional and variant characters: 涇政办发 and 泾政辦發 both fold to 泾政办发
//
// The canonical form (Canonical, Key) folds the prefix to simplified
// characters, writes the year in 〔〕, drops spaces, zeros and 第, and ends in
// 号. The form the source printed is kept in Number.Printed, because each page
// displays a 文号 the way its own document wrote it.
//
// A 文号 is not unique without its prefix (张政发〔2024〕23号 and
// 张政办发〔2024〕23号 are different documents), so the key is the whole
// canonical string.
//
// # Running text
//
// Find looks for 文号 in running text. The year must be four digits in
// 1900–2099 directly inside the brackets and the serial must end in 号, so
// year ranges "(2024—2030年)", editions "(2017版)", issue numbers
// "第2期(总第210期)" and form numbers "表号：宁残联调（2023）1" are not
// matched. The prefix is the run of Han characters before the bracket, cut
// after common words that precede a citation (根据, 按照, 的, 和 …), and at
// most MaxPrefix characters long; a mention whose prefix cannot be delimited
// that way is skipped rather than given a wrong key.
//
// # Folding
//
// Fold maps traditional characters to simplified with OpenCC's t2s
// character table (github.com/longbridgeapp/opencc), one character at a
// time and cached, plus a small table of variant characters (异体字) that are
// not traditional forms and so need not be in OpenCC's table. Gazettes from
// 泾源县 print the variant 涇 for 泾 on a third of their lines; the table keeps
// that mapping even if a dictionary update moves it. Fold is also what the
// xref package uses to compare titles.
package docnum

import (
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

// MaxPrefix is the longest prefix (机关代字 plus 发/字/函 …), in characters,
// that Find accepts. The longest seen in the seeds is 宁残工委办发 (6).
const MaxPrefix = 10

// Number is one parsed 文号.
type Number struct {
	Prefix  string // folded to simplified characters: 泾政办发
	Year    int    // 2023
	Serial  int    // 13
	Printed string // as the source wrote it: 涇政办发(2023)13 号
}

// Canonical returns the GB/T 9704 form: 张政办发〔2024〕10号.
func (n Number) Canonical() string {
	if n.IsZero() {
		return ""
	}
	var b strings.Builder
	b.Grow(len(n.Prefix) + 16)
	b.WriteString(n.Prefix)
	b.WriteString("〔")
	b.WriteString(strconv.Itoa(n.Year))
	b.WriteString("〕")
	b.WriteString(strconv.Itoa(n.Serial))
	b.WriteString("号")
	return b.String()
}

// Key returns the string two mentions of the same 文号 share: today the
// canonical form. Use it for maps and comparisons.
func (n Number) Key() string { return n.Canonical() }

// String returns the canonical form.
func (n Number) String() string { return n.Canonical() }

// IsZero reports whether n is the zero Number (nothing parsed).
func (n Number) IsZero() bool { return n.Prefix == "" }

// Match is one 文号 found in running text: text[Start:End] == Printed.
type Match struct {
	Number
	Start, End int // byte offsets
}

// Parse parses s, which must be one 文号 and nothing else apart from
// surrounding white space. Unlike Find it accepts a missing final 号
// (a front-matter field or a search query is known to be a 文号) and white
// space anywhere. Printed is s without the surrounding white space.
func Parse(s string) (Number, bool) {
	printed := strings.TrimFunc(s, isSpace)
	if printed == "" {
		return Number{}, false
	}
	compact := strings.Map(func(r rune) rune {
		if isSpace(r) {
			return -1
		}
		return r
	}, printed)
	// Find the first opening bracket after a non-empty Han prefix.
	for i, r := range compact {
		if !isOpen(r) {
			if !unicode.Is(unicode.Han, r) {
				return Number{}, false
			}
			continue
		}
		if i == 0 {
			return Number{}, false
		}
		prefix := compact[:i]
		if utf8.RuneCountInString(prefix) > MaxPrefix {
			return Number{}, false
		}
		year, serial, end, ok := tail(compact, i, false)
		if !ok || end != len(compact) {
			return Number{}, false
		}
		return Number{Prefix: Fold(prefix), Year: year, Serial: serial, Printed: printed}, true
	}
	return Number{}, false
}

// Find returns every 文号 in text, in order, with byte offsets. Printed is
// the matched source text verbatim, line breaks included.
func Find(text string) []Match {
	var out []Match
	for i := 0; i < len(text); {
		size := openAt(text, i)
		if size == 0 {
			i++
			continue
		}
		year, serial, end, ok := tail(text, i, true)
		if !ok {
			i += size
			continue
		}
		start, prefix, ok := prefixBefore(text, i)
		if !ok {
			i += size
			continue
		}
		out = append(out, Match{
			Number: Number{Prefix: Fold(prefix), Year: year, Serial: serial, Printed: text[start:end]},
			Start:  start,
			End:    end,
		})
		i = end
	}
	return out
}

// tail parses "〔2024〕第10号" starting at the opening bracket text[i]. It
// returns the byte offset just after the match. needHao requires the final 号.
func tail(text string, i int, needHao bool) (year, serial, end int, ok bool) {
	_, size := utf8.DecodeRuneInString(text[i:])
	j := skipSpace(text, i+size)
	year, n, j := digits(text, j, 4)
	if n != 4 || year < 1900 || year > 2099 {
		return 0, 0, 0, false
	}
	j = skipSpace(text, j)
	r, size := utf8.DecodeRuneInString(text[j:])
	if !isClose(r) {
		return 0, 0, 0, false
	}
	j = skipSpace(text, j+size)
	if strings.HasPrefix(text[j:], "第") {
		j = skipSpace(text, j+len("第"))
	}
	serial, n, j = digits(text, j, 6)
	if n == 0 || serial == 0 {
		return 0, 0, 0, false
	}
	// A seventh digit means this is not a serial number.
	if r, _ := utf8.DecodeRuneInString(text[j:]); digitValue(r) >= 0 {
		return 0, 0, 0, false
	}
	k := skipSpace(text, j)
	r, size = utf8.DecodeRuneInString(text[k:])
	if r == '号' || r == '號' {
		return year, serial, k + size, true
	}
	if needHao {
		return 0, 0, 0, false
	}
	return year, serial, j, true
}

// prefixBefore finds the prefix that ends before the opening bracket at
// text[i]. It returns the start of the prefix and the prefix itself.
func prefixBefore(text string, i int) (start int, prefix string, ok bool) {
	end := i
	// Allow white space (one line break at most) between prefix and bracket.
	for j, nl := i, 0; j > 0; {
		r, size := utf8.DecodeLastRuneInString(text[:j])
		if !isSpace(r) {
			break
		}
		if r == '\n' {
			if nl++; nl > 1 {
				break
			}
		}
		j -= size
		end = j
	}
	start = end
	// Take the run of Han characters, a little longer than MaxPrefix so
	// that a stop word in front of a long prefix is still seen.
	for n := 0; start > 0 && n < MaxPrefix+4; n++ {
		r, size := utf8.DecodeLastRuneInString(text[:start])
		if !unicode.Is(unicode.Han, r) {
			break
		}
		start -= size
	}
	// Cut after the last stop word in the run.
	cut := 0
	for p := end; p > start; {
		r, size := utf8.DecodeLastRuneInString(text[start:p])
		if stopEnd(text[start:p], r) {
			cut = p - start
			break
		}
		p -= size
	}
	start += cut
	prefix = text[start:end]
	if n := utf8.RuneCountInString(prefix); n == 0 || n > MaxPrefix {
		return 0, "", false
	}
	if cut == 0 && start > 0 {
		// The run went on beyond MaxPrefix+4 characters without a stop
		// word: the prefix cannot be delimited.
		if r, _ := utf8.DecodeLastRuneInString(text[:start]); unicode.Is(unicode.Han, r) {
			return 0, "", false
		}
	}
	return start, prefix, true
}

// stopEnd reports whether s, whose last character is r, ends with a stop
// word.
func stopEnd(s string, r rune) bool {
	for _, w := range stopByLast[r] {
		if strings.HasSuffix(s, w) {
			return true
		}
	}
	return false
}

// stopByLast indexes stopWords by their last character.
var stopByLast = func() map[rune][]string {
	m := map[rune][]string{}
	for _, w := range stopWords {
		r, _ := utf8.DecodeLastRuneInString(w)
		m[r] = append(m[r], w)
	}
	return m
}()

// stopWords end the text before a prefix: words that introduce a citation
// and function characters that never occur in a 机关代字.
var stopWords = []string{
	"根据", "按照", "依据", "依照", "参照", "遵照", "对照", "贯彻", "落实", "执行",
	"印发", "转发", "下发", "文件", "通知", "批准", "文号", "字号",
	"办公厅", "办公室", "人民政府", "委员会", "废止", "撤销", "修订", "修改",
	"参见", "详见", "发布", "引用",
	"的", "了", "和", "及", "与", "或", "见", "按", "据", "在", "是", "即",
	"于", "将", "被", "把", "从", "对", "向", "以", "号", "期", "年", "月", "日",
}

// digits reads up to max ASCII or full-width digits at text[i:].
func digits(text string, i, max int) (value, n, end int) {
	for n < max && i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		d := digitValue(r)
		if d < 0 {
			break
		}
		value = value*10 + d
		n++
		i += size
	}
	return value, n, i
}

func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '０' && r <= '９':
		return int(r - '０')
	}
	return -1
}

// skipSpace skips white space holding at most one line break.
func skipSpace(text string, i int) int {
	nl := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isSpace(r) {
			break
		}
		if r == '\n' {
			if nl++; nl > 1 {
				break
			}
		}
		i += size
	}
	return i
}

func isSpace(r rune) bool {
	switch r {
	case ' ', '\t', '\n', '\r', '\u3000', '\u00a0':
		return true
	}
	return false
}

// openAt returns the length of the opening bracket at text[i], or 0. It
// compares bytes, which is faster than decoding every character of
// Chinese text: 〔【〖 are E3 80 94/90/96, （［ EF BC 88/BB, ﹝ EF B9 9D.
func openAt(text string, i int) int {
	switch c := text[i]; {
	case c == '(' || c == '[':
		return 1
	case i+2 >= len(text):
		return 0
	case c == 0xE3:
		if text[i+1] == 0x80 && (text[i+2] == 0x94 || text[i+2] == 0x90 || text[i+2] == 0x96) {
			return 3
		}
	case c == 0xEF:
		if text[i+1] == 0xBC && (text[i+2] == 0x88 || text[i+2] == 0xBB) || text[i+1] == 0xB9 && text[i+2] == 0x9D {
			return 3
		}
	}
	return 0
}

func isOpen(r rune) bool {
	switch r {
	case '〔', '(', '（', '[', '【', '［', '〖', '﹝':
		return true
	}
	return false
}

func isClose(r rune) bool {
	switch r {
	case '〕', ')', '）', ']', '】', '］', '〗', '﹞':
		return true
	}
	return false
}

// variants maps variant characters (异体字) that are not traditional forms
// to the standard simplified character. OpenCC's t2s table covers 涇 today;
// the entry here pins it, since 涇 is the most frequent variant in the
// corpus and a wrong fold would silently split one 文号 into two keys.
var variants = map[rune]rune{
	'涇': '泾',
}

var (
	t2s    = sync.OnceValue(func() *opencc.OpenCC { cc, _ := opencc.New("t2s"); return cc })
	folded sync.Map // rune -> rune, outside the cjkCache range
)

// Fold maps s to simplified characters: NFKC (full-width letters and
// digits, compatibility ideographs), then the variant table, then OpenCC
// t2s, character by character. It does not touch punctuation other than
// what NFKC maps, and it keeps the length in characters except where NFKC
// expands a compatibility character.
func Fold(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	if unchanged(s) {
		return s
	}
	if !norm.NFKC.IsNormalString(s) {
		s = norm.NFKC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// FoldRune folds one character the way Fold does, for callers that fold
// text rune by rune. ok is false when r needs NFKC, which works on whole
// strings: then use Fold.
func FoldRune(r rune) (folded rune, ok bool) {
	if !nfkcStable(r) {
		return r, false
	}
	return foldRune(r), true
}

// unchanged reports whether Fold would return s as it is: every character
// is one that NFKC keeps (checked for the common ranges only) and
// foldRune does not change.
func unchanged(s string) bool {
	for _, r := range s {
		if !nfkcStable(r) || foldRune(r) != r {
			return false
		}
	}
	return true
}

// nfkcStable reports whether r is in a range NFKC leaves alone: ASCII
// other than control characters, CJK Unified Ideographs, the CJK
// punctuation 、。〃〄々〆〇〈〉《》「」『』【】〒〓〔〕〖〗, and — ‘’“”.
func nfkcStable(r rune) bool {
	switch {
	case r >= 0x20 && r < 0x7f, r == '\n', r == '\t':
		return true
	case r >= 0x4E00 && r <= 0x9FFF:
		return true
	case r >= 0x3001 && r <= 0x3017:
		return true
	case r == 0x2014, r >= 0x2018 && r <= 0x201D:
		return true
	}
	return false
}

func foldRune(r rune) rune {
	if r < utf8.RuneSelf {
		return r
	}
	if v, ok := variants[r]; ok {
		return v
	}
	if !unicode.Is(unicode.Han, r) {
		return r
	}
	var slot *atomic.Int32
	if r >= cjkFirst && r <= cjkLast {
		slot = &cjkCache[r-cjkFirst]
		if v := slot.Load(); v != 0 {
			return rune(v)
		}
	} else if v, ok := folded.Load(r); ok {
		return v.(rune)
	}
	out := r
	if cc := t2s(); cc != nil {
		if s, err := cc.Convert(string(r)); err == nil && utf8.RuneCountInString(s) == 1 {
			out, _ = utf8.DecodeRuneInString(s)
		}
	}
	if slot != nil {
		slot.Store(int32(out))
	} else {
		folded.Store(r, out)
	}
	return out
}

// cjkCache caches foldRune for the CJK Unified Ideographs and Extension A
// blocks, where nearly all text is; 0 means not yet looked up.
const cjkFirst, cjkLast = 0x3400, 0x9FFF

var cjkCache [cjkLast - cjkFirst + 1]atomic.Int32
