package search

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

var normalizeTests = []struct {
	name, in, want string
}{
	{"simplified unchanged", "农民工工资", "农民工工资"},
	{"traditional", "涇源縣人民政府公報", "泾源县人民政府公报"},
	{"traditional words", "關於印發教育質量提升行動實施方案", "关于印发教育质量提升行动实施方案"},
	{"variant jing", "涇政办发", "泾政办发"},
	{"tortoise brackets", "张政办发〔2024〕10号", "张政办发202410号"},
	{"half-width parens and space", "张政办发(2024)10 号", "张政办发202410号"},
	{"full-width parens", "张政办发（2024）10号", "张政办发202410号"},
	{"lenticular", "张政办发【2024】10号", "张政办发202410号"},
	{"full-width digits", "〔２０２４〕１０号", "202410号"},
	{"full-width latin", "ＧＤＰ增长", "gdp增长"},
	{"case", "PM2.5 浓度", "pm25浓度"},
	{"punctuation", "一、总体要求：（一）指导思想。", "一总体要求一指导思想"},
	{"white space", " 关于 \t 印发\n通知\u3000", "关于印发通知"},
	{"enclosed", "㈠①⑴", "一11"},
	{"fraction", "½", "12"},
	{"compatibility ideograph", "\uF900", "岂"},
	{"kangxi radical", "\u2F00\u2F06", "一二"},
	{"combining acute", "e\u0301", "é"},
	{"half-width kana with voicing", "ｶﾞ", "ガ"},
	{"hangul jamo", "\u1100\u1161", "가"},
	{"markup", "<script>alert(1)</script>", "scriptalert1script"},
	{"quotes and dashes", "《农业品牌发展规划(2024—2030年)》", "农业品牌发展规划20242030年"},
	{"astral ideograph", "𠀀𪚥", "𠀀𪚥"},
	{"empty", "", ""},
	{"only punctuation", "，。、；：？！", ""},
}

func TestNormalize(t *testing.T) {
	for _, tt := range normalizeTests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestT2SExtra checks that the variant table agrees with OpenCC where
// OpenCC has an entry, so that a dictionary update cannot silently split
// the two.
func TestT2SExtra(t *testing.T) {
	cc, err := opencc.New("t2s")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range t2sExtra {
		got, err := cc.Convert(string(k))
		if err != nil {
			t.Fatal(err)
		}
		if got != string(k) && got != string(v) {
			t.Errorf("t2sExtra maps %c to %c, OpenCC to %s", k, v, got)
		}
	}
	// The character table agrees with OpenCC's own conversion.
	for _, s := range []string{"涇源縣", "關於", "編輯委員會", "家長", "中小學生", "報告"} {
		want, _ := cc.Convert(s)
		if got := Normalize(s); got != want {
			t.Errorf("Normalize(%q) = %q, OpenCC t2s gives %q", s, got, want)
		}
	}
}

// node returns the path of node, or skips (fails under CI=true).
func node(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("node is needed to run search.js: %v", err)
		}
		tb.Skipf("node not found (%v): skipping the search.js checks", err)
	}
	return p
}

// searchJS is the browser code under test.
var searchJS, _ = filepath.Abs("../../themes/default/assets/search.js")

// runNode runs script with search.js loaded as `s` and input as JSON on
// stdin, and decodes its stdout into out.
func runNode(tb testing.TB, script string, input, out any) {
	tb.Helper()
	in, err := json.Marshal(input)
	if err != nil {
		tb.Fatal(err)
	}
	prog := "const s = require(" + jsString(searchJS) + ");\n" +
		"const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n" + script
	cmd := exec.Command(node(tb), "-e", prog)
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	data, err := cmd.Output()
	if err != nil {
		tb.Fatalf("node: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(data, out); err != nil {
		tb.Fatalf("decoding node output: %v\n%s", err, data)
	}
}

func assigned(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs)
}

func jsString(s string) string {
	data, _ := json.Marshal(s)
	return string(data)
}

// TestNormalizeMatchesJS runs search.js's normalizer on the same table,
// with the whole t2s table, and on the test corpus's sentences.
func TestNormalizeMatchesJS(t *testing.T) {
	var ins []string
	for _, tt := range normalizeTests {
		ins = append(ins, tt.in)
	}
	ins = append(ins, sentences(t)...)
	// every traditional character on its own, and the assigned code points
	// of the ranges most text uses (code points newer than Go's Unicode
	// version may differ: unicode.Version against the JS engine's)
	var ts, ss strings.Builder
	keys := make([]rune, 0, len(folding().t2s))
	for k := range folding().t2s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var all strings.Builder
	for _, k := range keys {
		ts.WriteRune(k)
		ss.WriteRune(folding().t2s[k])
		all.WriteRune(k)
	}
	ins = append(ins, all.String())
	var sym strings.Builder
	for r := rune(0x20); r < 0x3100; r++ {
		if assigned(r) {
			sym.WriteRune(r)
		}
	}
	for r := rune(0xFF00); r < 0xFFEF; r++ {
		if assigned(r) {
			sym.WriteRune(r)
		}
	}
	ins = append(ins, sym.String())

	var got []string
	runNode(t, `
const norm = s.makeNormalizer(input.t2s);
console.log(JSON.stringify(input.ins.map(norm)));
`, map[string]any{"t2s": map[string]string{"t": ts.String(), "s": ss.String()}, "ins": ins}, &got)
	if len(got) != len(ins) {
		t.Fatalf("node returned %d results for %d inputs", len(got), len(ins))
	}
	for i, in := range ins {
		if want := Normalize(in); got[i] != want {
			g, w := []rune(got[i]), []rune(want)
			j := 0
			for j < len(g) && j < len(w) && g[j] == w[j] {
				j++
			}
			t.Errorf("input %d (%.40q): JS and Go differ at rune %d: JS %U, Go %U", i, in, j,
				g[max(j-2, 0):min(j+3, len(g))], w[max(j-2, 0):min(j+3, len(w))])
		}
	}
}

// refNormalize is Normalize by its definition: NFKC of the whole string,
// then the per-rune steps. Normalize's segment-wise fast path must agree.
func refNormalize(s string) string {
	f := folding()
	var b strings.Builder
	for _, r := range norm.NFKC.String(s) {
		if m := foldRune(r, f.t2s); m != 0 {
			b.WriteRune(m)
		}
	}
	return b.String()
}

func FuzzNormalize(f *testing.F) {
	for _, tt := range normalizeTests {
		f.Add(tt.in)
	}
	for _, s := range sentences(f)[:50] {
		f.Add(s)
	}
	f.Add("ㅎㅏ\u1100\u1161\u11A8ｶﾞﾟ\u0301e\u0301\u0308\u0323")
	f.Fuzz(func(t *testing.T, s string) {
		// The definition holds for text: content is checked for valid
		// UTF-8 when it is loaded, and the browser has only valid strings.
		// Invalid input must still not panic and must give only letters
		// and digits (norm.NFKC and Normalize differ on what a stray byte
		// does to the characters around it: "\xf0ٵ", "A\x81\u0308").
		got := Normalize(s)
		if want := refNormalize(s); utf8.ValidString(s) && got != want {
			t.Fatalf("Normalize(%q) = %q, by definition %q", s, got, want)
		}
		for _, r := range got {
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
				t.Fatalf("Normalize(%q) keeps %q", s, r)
			}
		}
	})
}

// BenchmarkNormalize normalizes real gazette text, as the indexer does.
func BenchmarkNormalize(b *testing.B) {
	text := strings.Join(sentences(b), "\n")
	b.SetBytes(int64(len(text)))
	var dst []rune
	for b.Loop() {
		dst = appendNormalized(dst[:0], text)
	}
}
