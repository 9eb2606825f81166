package docnum

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // canonical; "" means Parse must fail
	}{
		// Forms printed in the seeds (ANALYSIS.md §2).
		{"standard", "张政办发〔2024〕10号", "张政办发〔2024〕10号"},
		{"zhangzhengfa", "张政发〔2024〕27号", "张政发〔2024〕27号"},
		{"party office", "市委办发〔2024〕8号", "市委办发〔2024〕8号"},
		{"appointment zi", "张政任字〔2024〕2号", "张政任字〔2024〕2号"},
		{"wuwei", "武政办发〔2025〕7号", "武政办发〔2025〕7号"},
		{"space before hao", "泾党办发〔2023〕18 号", "泾党办发〔2023〕18号"},
		{"half-width parens", "泾党办发(2023)13号", "泾党办发〔2023〕13号"},
		{"variant jing and parens", "涇政办发(2023)22 号", "泾政办发〔2023〕22号"},
		{"variant jing", "涇党办发〔2023〕13 号", "泾党办发〔2023〕13号"},
		{"full-width parens", "宁残联调（2023）1号", "宁残联调〔2023〕1号"},
		{"long prefix", "宁残工委办发〔2023〕1号", "宁残工委办发〔2023〕1号"},
		{"five-char variant prefix", "涇党改委发〔2022〕3号", "泾党改委发〔2022〕3号"},
		{"three-digit serial", "甘政办发〔2023〕102号", "甘政办发〔2023〕102号"},
		{"state council", "国办发〔2023〕33号", "国办发〔2023〕33号"},
		{"ti qun zi", "体群字〔2017〕61号", "体群字〔2017〕61号"},
		// Variants the issue names.
		{"square brackets", "张政办发[2024]10号", "张政办发〔2024〕10号"},
		{"lenticular", "张政办发【2024】10号", "张政办发〔2024〕10号"},
		{"full-width square", "张政办发［2024］10号", "张政办发〔2024〕10号"},
		{"white lenticular", "张政办发〖2024〗10号", "张政办发〔2024〕10号"},
		{"small tortoise shell", "张政办发﹝2024﹞10号", "张政办发〔2024〕10号"},
		{"mixed pair", "张政办发〔2024)10号", "张政办发〔2024〕10号"},
		{"spaces inside", "泾党办发〔 2023 〕 13 号", "泾党办发〔2023〕13号"},
		{"ideographic space", "泾党办发\u3000〔2023〕13\u3000号", "泾党办发〔2023〕13号"},
		{"leading zeros", "张政办发〔2024〕010号", "张政办发〔2024〕10号"},
		{"full-width digits", "张政办发〔２０２４〕１０号", "张政办发〔2024〕10号"},
		{"di N hao", "张政任字〔2024〕第2号", "张政任字〔2024〕2号"},
		{"di with spaces", "张政任字〔2024〕第 2 号", "张政任字〔2024〕2号"},
		{"traditional hao", "泾政办发〔2023〕22號", "泾政办发〔2023〕22号"},
		{"traditional prefix", "涇政辦發〔2023〕22号", "泾政办发〔2023〕22号"},
		{"line break before hao", "宁统审发（2023）4\n号", "宁统审发〔2023〕4号"},
		{"line break in prefix", "泾政办\n发〔2023〕22号", "泾政办发〔2023〕22号"},
		{"surrounding space", "  张政发〔2024〕27号\n", "张政发〔2024〕27号"},
		{"no hao", "甘政发〔2024〕12", "甘政发〔2024〕12号"},
		{"canonical round trip", "泾政办发〔2023〕22号", "泾政办发〔2023〕22号"},
		// Not 文号.
		{"empty", "", ""},
		{"spaces only", " \u3000 ", ""},
		{"no prefix", "〔2024〕10号", ""},
		{"year range", "发展规划(2024—2030年)", ""},
		{"cumulative issue", "第2期(总第210期)", ""},
		{"edition", "标准(2017版)", ""},
		{"phone", "电话(0936)8224408", ""},
		{"year too early", "张政发〔1800〕1号", ""},
		{"two-digit year", "张政发〔24〕1号", ""},
		{"serial zero", "张政发〔2024〕0号", ""},
		{"serial too long", "张政发〔2024〕1234567号", ""},
		{"no serial", "张政发〔2024〕号", ""},
		{"trailing text", "张政发〔2024〕27号文件", ""},
		{"latin prefix", "ABC〔2024〕1号", ""},
		{"prefix too long", "张掖市人民政府办公室关于发〔2024〕1号", ""},
		{"no bracket", "张政发2024年27号", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok := Parse(tt.in)
			if tt.want == "" {
				if ok {
					t.Fatalf("Parse(%q) = %q, want failure", tt.in, n.Canonical())
				}
				return
			}
			if !ok {
				t.Fatalf("Parse(%q) failed, want %q", tt.in, tt.want)
			}
			if got := n.Canonical(); got != tt.want {
				t.Errorf("Parse(%q).Canonical() = %q, want %q", tt.in, got, tt.want)
			}
			if got := n.Key(); got != tt.want {
				t.Errorf("Key() = %q, want %q", got, tt.want)
			}
			if n.Printed != strings.TrimSpace(tt.in) && n.Printed != strings.Trim(tt.in, " \n\u3000") {
				t.Errorf("Printed = %q, want the input trimmed", n.Printed)
			}
			back, ok := Parse(n.Canonical())
			if !ok || back.Key() != n.Key() {
				t.Errorf("Parse(Canonical()) = %q, %v; want %q", back.Key(), ok, n.Key())
			}
		})
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // "printed=canonical"
	}{
		{"000 L680 title then number",
			"根据《保障农民工工资支付条例》《国务院办公厅关于印发保障农民工工资支付工作考核办法的通知》(国办发〔2023〕33号)、《甘肃省人民政府办公厅关于印发甘肃省保障农民工工资支付工作考核办法的通知》(甘政办发〔2023〕102号)等规定",
			[]string{"国办发〔2023〕33号=国办发〔2023〕33号", "甘政办发〔2023〕102号=甘政办发〔2023〕102号"}},
		{"000 L692 full-width parens",
			"《关于印发〈领导小组成员单位工作职责〉的通知》（张治欠发〔2020〕3号）和市委办公室",
			[]string{"张治欠发〔2020〕3号=张治欠发〔2020〕3号"}},
		{"000 L750 repeal",
			"《张掖市人民政府办公室关于印发张掖市保障农民工工资支付工作考核办法的通知》(张政办发〔2018〕56号)同时废止。",
			[]string{"张政办发〔2018〕56号=张政办发〔2018〕56号"}},
		{"000 L922 issuer outside",
			"根据省政府办公厅《关于印发2024年10件为民实事实施方案的通知》(甘政办发〔2024〕10号)要求",
			[]string{"甘政办发〔2024〕10号=甘政办发〔2024〕10号"}},
		{"002 L2915 variant and space",
			"为贯彻落实《涇源县特色产业发展提质增效行动方案》（涇党发〔2022〕86 号）要求",
			[]string{"涇党发〔2022〕86 号=泾党发〔2022〕86号"}},
		{"002 L4651 hao on next line",
			" 批准文号：宁统审发（2023）4\n 号有效期至：2023 年 9 月",
			[]string{"宁统审发（2023）4\n 号=宁统审发〔2023〕4号"}},
		{"file list line", "- 张政发〔2024〕23号 张掖市人民政府关于市政府有关领导同志工作分工调整的通知",
			[]string{"张政发〔2024〕23号=张政发〔2024〕23号"}},
		{"toc line", "泾党办发(2023)13号..... (01)", []string{"泾党办发(2023)13号=泾党办发〔2023〕13号"}},
		{"stop word genju", "根据国办发〔2023〕33号", []string{"国办发〔2023〕33号=国办发〔2023〕33号"}},
		{"stop word anzhao", "按照张政办发〔2024〕10号文件", []string{"张政办发〔2024〕10号=张政办发〔2024〕10号"}},
		{"stop word feizhi", "自本办法施行之日起，废止张政发〔2018〕3号。", []string{"张政发〔2018〕3号=张政发〔2018〕3号"}},
		{"stop after office", "省政府办公厅甘政办发〔2024〕10号", []string{"甘政办发〔2024〕10号=甘政办发〔2024〕10号"}},
		{"two in a row", "张政发〔2024〕27号、张政办发〔2024〕10号", []string{"张政发〔2024〕27号=张政发〔2024〕27号", "张政办发〔2024〕10号=张政办发〔2024〕10号"}},
		{"di N hao", "张政任字〔2024〕第2号", []string{"张政任字〔2024〕第2号=张政任字〔2024〕2号"}},
		{"year range", "《张掖市农业品牌发展规划(2024—2030年)》", nil},
		{"cumulative issue", "2024年第2期(总第210期)", nil},
		{"form number without hao", "表 号：宁残联调（2023）1", nil},
		{"form number 〔〕 without hao", "表 号：宁残联调〔2023〕3 表", nil},
		{"phone", "联系电话：（0936）8224408", nil},
		{"date in parens", "总结验收阶段（2023 年 11 月底前）", nil},
		{"no prefix", "（〔2024〕10号）", nil},
		{"undelimited long run", "这个非常长没有任何停止词汉字串发〔2024〕1号", nil},
		{"two blank lines", "张政发〔2024〕\n\n27号", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, m := range Find(tt.text) {
				if tt.text[m.Start:m.End] != m.Printed {
					t.Errorf("text[%d:%d] = %q, Printed = %q", m.Start, m.End, tt.text[m.Start:m.End], m.Printed)
				}
				got = append(got, m.Printed+"="+m.Canonical())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Find(%q)\n got  %q\n want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestNFKCStable checks the fast path of Fold against NFKC itself.
func TestNFKCStable(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		if nfkcStable(r) && !norm.NFKC.IsNormalString(string(r)) {
			t.Errorf("nfkcStable(%U) but NFKC changes it", r)
		}
	}
}

// TestOpenAt checks the byte-level bracket test against isOpen.
func TestOpenAt(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		s := string(r) + "x"
		if got, want := openAt(s, 0) > 0, isOpen(r); got != want {
			t.Errorf("openAt(%q) = %v, isOpen = %v", r, got, want)
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"涇源縣人民政府公報", "泾源县人民政府公报"},
		{"涇政辦發", "泾政办发"},
		{"ＡＢＣ１２３", "ABC123"},
		{"家長", "家长"},
		{"中小學生", "中小学生"},
		{"ascii only", "ascii only"},
		{"（2023）", "(2023)"},
		{"甲\u3000乙", "甲 乙"},
		{"\uF900", "岂"}, // compatibility ideograph → 豈 → 岂
		{"张政办发", "张政办发"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestOpenCCCoversVariant documents that OpenCC's own table maps 涇 too,
// so the variant table is a pin, not a patch over a gap.
func TestOpenCCCoversVariant(t *testing.T) {
	cc := t2s()
	if cc == nil {
		t.Fatal("opencc t2s did not load")
	}
	got, err := cc.Convert("涇")
	if err != nil || got != "泾" {
		t.Errorf("opencc t2s(涇) = %q, %v", got, err)
	}
}

// TestSeeds runs Find over the seed corpus and checks the counts the
// analysis reports, when the seeds are present.
func TestSeeds(t *testing.T) {
	texts := seedTexts(t)
	if len(texts) == 0 {
		t.Skip("no seeds in " + seedDir)
	}
	keys := map[string]int{}
	for _, text := range texts {
		for _, m := range Find(text) {
			if text[m.Start:m.End] != m.Printed {
				t.Fatalf("bad offsets for %q", m.Printed)
			}
			keys[m.Key()]++
		}
	}
	for _, k := range []string{
		"张政发〔2024〕27号", "张政办发〔2024〕10号", "张政办发〔2024〕21号", "张政办发〔2024〕23号",
		"泾政办发〔2023〕21号", "泾党办发〔2023〕31号", "泾党发〔2022〕86号", "宁党厅字〔2023〕2号",
		"体群字〔2017〕61号", "体规字〔2021〕8号", "宁统审发〔2023〕4号", "武政办发〔2025〕7号",
	} {
		if keys[k] == 0 {
			t.Errorf("seeds: %s not found", k)
		}
	}
	for k := range keys {
		if strings.ContainsRune(k, '涇') {
			t.Errorf("seeds: key %s not folded", k)
		}
	}
}

const seedDir = "/work/shared/seeds"

func seedTexts(tb testing.TB) []string {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(seedDir, "*.txt"))
	var out []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, string(b))
	}
	return out
}

var fuzzSeeds = []string{
	"张政办发〔2024〕10号", "涇政办发(2023)22 号", "宁统审发（2023）4\n号", "张政任字〔2024〕第2号",
	"张政办发〔２０２４〕０１０号", "第2期(总第210期)", "(2024—2030年)", "根据国办发〔2023〕33号",
	"《关于印发〈领导小组成员单位工作职责〉的通知》（张治欠发〔2020〕3号）", "〔", "发〔2024〕",
}

func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, ok := Parse(s)
		if !ok {
			return
		}
		c := n.Canonical()
		back, ok := Parse(c)
		if !ok {
			t.Fatalf("Parse(%q) ok but Parse(Canonical()=%q) failed", s, c)
		}
		if back.Canonical() != c {
			t.Fatalf("round trip %q -> %q -> %q", s, c, back.Canonical())
		}
	})
}

func FuzzFind(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	for _, text := range seedTexts(f) {
		// Seed with lines that hold a bracketed year.
		for _, line := range strings.Split(text, "\n") {
			if strings.Contains(line, "〔20") || strings.Contains(line, "(20") || strings.Contains(line, "（20") {
				f.Add(line)
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		last := 0
		for _, m := range Find(s) {
			if m.Start < last || m.End <= m.Start || m.End > len(s) {
				t.Fatalf("bad offsets %d:%d after %d in %q", m.Start, m.End, last, s)
			}
			if s[m.Start:m.End] != m.Printed {
				t.Fatalf("Printed %q != text %q", m.Printed, s[m.Start:m.End])
			}
			if !utf8.ValidString(s) {
				continue
			}
			back, ok := Parse(m.Canonical())
			if !ok || back.Key() != m.Key() {
				t.Fatalf("Parse(%q) = %q, %v", m.Canonical(), back.Key(), ok)
			}
			last = m.End
		}
	})
}

// BenchmarkFind scans the largest seed (604 KB of 泾源 gazette text).
func BenchmarkFind(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(seedDir, "002_ba20bb1f4d312b29.txt"))
	if err != nil {
		b.Skip("seed not present:", err)
	}
	text := string(data)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if len(Find(text)) == 0 {
			b.Fatal("nothing found")
		}
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		Parse("涇政办发(2023)22 号")
	}
}
