package xref

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"gazette/generator/docnum"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
)

func TestNormalizeTitle(t *testing.T) {
	tests := []struct{ a, b string }{
		{"《关于印发〈涇源县教育质量提升行动实施方案〉的通知》", "关于印发泾源县教育质量提升行动实施方案的通知"},
		{"关于印发<室外健身器材配建管理办法>的通知", "关于印发《室外健身器材配建管理办法》的通知"},
		{"泾源县贯彻落实气象高质量发展纲要(2022— 2035年)实施方案", "泾源县贯彻落实气象高质量发展纲要（2022-2035年）实施方案"},
		{"中小学“强县中增学位建宿舍扩食堂” 工程实施方案", "中小学\"强县中增学位建宿舍扩食堂\"工程实施方案"},
		{"涇源縣人民政府關於印發", "泾源县人民政府关于印发"},
		{"ＡＢＣ 方案", "ABC方案"},
	}
	for _, tt := range tests {
		if a, b := NormalizeTitle(tt.a), NormalizeTitle(tt.b); a != b {
			t.Errorf("NormalizeTitle(%q) = %q\nNormalizeTitle(%q) = %q; want equal", tt.a, a, tt.b, b)
		}
	}
	if NormalizeTitle("关于甲的通知") == NormalizeTitle("关于乙的通知") {
		t.Error("different titles normalize equal")
	}
}

func TestIndex(t *testing.T) {
	ix := NewIndex([]Target{
		{ID: "a", Title: "张掖市人民政府关于甲的通知", DocNumber: "张政发〔2024〕1号"},
		{ID: "b", Title: "张掖市人民政府办公室关于乙的通知", DocNumber: "涇政办发(2023)22 号"},
		{ID: "c", Title: "甘肃省人民政府关于丙的通知"},
		{ID: "d", Title: "张掖市人民政府关于丙的通知"},
		{ID: "e", Title: "重复", DocNumber: "张政发〔2024〕1号"},
	})
	tests := []struct {
		name, query string
		byNumber    bool
		want        string // "" means not found
	}{
		{"exact key", "张政发〔2024〕1号", true, "a"},
		{"printed form", "张政发(2024)01号", true, "a"},
		{"variant in target", "泾政办发〔2023〕22号", true, "b"},
		{"unknown number", "张政发〔2024〕2号", true, ""},
		{"not a number", "张政发", true, ""},
		{"whole title", "张掖市人民政府关于甲的通知", false, "a"},
		{"title from 关于", "关于乙的通知", false, "b"},
		{"other issuer outside", "市政府办公室关于乙的通知", false, "b"},
		{"ambiguous 关于 part", "关于丙的通知", false, ""},
		{"whole title despite ambiguous tail", "甘肃省人民政府关于丙的通知", false, "c"},
		{"unknown title", "关于丁的通知", false, ""},
		{"empty title", "《》", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Target
			var ok bool
			if tt.byNumber {
				got, ok = ix.ByNumber(tt.query)
			} else {
				got, ok = ix.ByTitle(tt.query)
			}
			if ok != (tt.want != "") || got.ID != tt.want {
				t.Errorf("lookup %q = %q, %v; want %q", tt.query, got.ID, ok, tt.want)
			}
		})
	}
	if got := ix.Duplicates(); !reflect.DeepEqual(got, map[string][]string{"张政发〔2024〕1号": {"a", "e"}}) {
		t.Errorf("Duplicates() = %v", got)
	}
	var nilIndex *Index
	if _, ok := nilIndex.ByNumber("张政发〔2024〕1号"); ok {
		t.Error("nil index resolved a number")
	}
}

func TestUnresolvedAndCitedBy(t *testing.T) {
	cs := []Citation{
		{From: "d1", Printed: "甘政办发〔2024〕10号", Key: "甘政办发〔2024〕10号"},
		{From: "d2", Printed: "《关于印发…的通知》(甘政办发〔2024〕10号)", Key: "甘政办发〔2024〕10号", Title: "关于印发…的通知"},
		{From: "d1", Printed: "甘政办发(2024)10号", Key: "甘政办发〔2024〕10号"},
		{From: "d3", Printed: "国办发〔2023〕33号", Key: "国办发〔2023〕33号"},
		{From: "d1", Printed: "张政发〔2024〕27号", Key: "张政发〔2024〕27号", TargetID: "t27"},
		{From: "d2", Printed: "《张掖市…》", Title: "张掖市…", TargetID: "t27", Relation: RelRepeals},
	}
	got := Unresolved(cs)
	want := []Missing{
		{Key: "甘政办发〔2024〕10号", Printed: "甘政办发〔2024〕10号", Title: "关于印发…的通知", Count: 3, From: []string{"d1", "d2"}},
		{Key: "国办发〔2023〕33号", Printed: "国办发〔2023〕33号", Count: 1, From: []string{"d3"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Unresolved:\n got  %+v\n want %+v", got, want)
	}
	by := CitedBy(cs)
	if len(by) != 1 || len(by["t27"]) != 2 || by["t27"][1].Relation != RelRepeals {
		t.Errorf("CitedBy = %+v", by)
	}
}

func TestSentence(t *testing.T) {
	long := strings.Repeat("很长的句子", 60)
	tests := []struct {
		name, text, cite, want string
	}{
		{"middle sentence", "第一句。根据张政发〔2024〕1号执行；第三句。", "张政发〔2024〕1号", "根据张政发〔2024〕1号执行；"},
		{"no end", "根据张政发〔2024〕1号执行", "张政发〔2024〕1号", "根据张政发〔2024〕1号执行"},
		{"line break healed", "根据张政\n发〔2024〕1号执行。", "张政\n发〔2024〕1号", "根据张政发〔2024〕1号执行。"},
		{"directory lines", "张政发〔2024〕1号 甲\n张政发〔2024〕2号 乙\n张政发〔2024〕3号 丙", "张政发〔2024〕2号", "张政发〔2024〕2号 乙"},
		{"too long", long + "张政发〔2024〕1号" + long + "。", "张政发〔2024〕1号",
			"…" + string([]rune(long)[300-94:]) + "张政发〔2024〕1号" + string([]rune(long)[:94]) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := strings.Index(tt.text, tt.cite)
			numStarts := map[int]bool{}
			for _, m := range docnum.Find(tt.text) {
				numStarts[m.Start] = true
			}
			got := sentence([]byte(tt.text), i, i+len(tt.cite), numStarts)
			if got != tt.want {
				t.Errorf("sentence = %q\nwant       %q", got, tt.want)
			}
		})
	}
}

// TestNoContext checks that a conversion without NewContext is untouched.
func TestNoContext(t *testing.T) {
	src := []byte("根据张政发〔2024〕1号执行。\n")
	var with, without bytes.Buffer
	if err := newMarkdown().Convert(src, &with); err != nil {
		t.Fatal(err)
	}
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.CJK, extension.DefinitionList)).Convert(src, &without); err != nil {
		t.Fatal(err)
	}
	if with.String() != without.String() {
		t.Errorf("without a context:\n got  %s\n want %s", with.String(), without.String())
	}
}

// TestConcurrent converts many documents in parallel with one goldmark
// instance and one index; run it with -race.
func TestConcurrent(t *testing.T) {
	md := newMarkdown()
	ix := NewIndex([]Target{
		{ID: "t1", URL: "/t1/", Title: "张掖市人民政府关于甲的通知", DocNumber: "张政发〔2024〕1号"},
	})
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			self := fmt.Sprintf("d%d", i)
			src := fmt.Sprintf("第%d段，根据《张掖市人民政府关于甲的通知》（张政发〔2024〕1号）和甘政发〔2024〕%d号执行。\n", i, i+1)
			pc := NewContext(ix, self)
			var buf bytes.Buffer
			if err := md.Convert([]byte(src), &buf, parser.WithContext(pc)); err != nil {
				errs <- err.Error()
				return
			}
			cs := Citations(pc)
			if len(cs) != 2 || cs[0].TargetID != "t1" || cs[0].From != self ||
				cs[1].Key != fmt.Sprintf("甘政发〔2024〕%d号", i+1) || cs[1].Resolved() {
				errs <- fmt.Sprintf("%s: citations %+v", self, cs)
			}
			if !strings.Contains(buf.String(), `<a class="cite" href="/t1/">`) {
				errs <- fmt.Sprintf("%s: html %s", self, buf.String())
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

var citeTag = regexp.MustCompile(`<a class="cite" href="[^"]*">|<span class="cite cite-missing" title="未收录">|</a>|</span>`)

// FuzzTransform checks that the transformer never panics, never changes
// the text of a document (only wraps parts of it), and reports citations
// whose printed text is non-empty.
func FuzzTransform(f *testing.F) {
	for _, s := range []string{
		"根据《国务院办公厅关于印发保障农民工工资支付工作考核办法的通知》(国办发〔2023〕33号)执行。",
		"《张掖市人民政府关于甲的通知》(张政发〔2024〕1号)同时废止。",
		"按照《涇源县教\n育质量提升行动实施方案》要求",
		"- 张政发〔2024〕1号 甲\n张政发〔2024〕2号 乙",
		"**张政发〔2024〕1号** [张政发〔2024〕1号](/x/) `张政发〔2024〕1号`",
		"《体育总局关于印发<室外健身器材配建管理办法>的通知》(体群字〔2017〕61号)",
		"| a | 张政发〔2024〕1号 |\n|---|---|\n| 《关于甲的通知》 | x |",
	} {
		f.Add(s)
	}
	for _, path := range seedFiles() {
		data, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			if strings.Contains(line, "〕") && strings.Contains(line, "《") {
				f.Add(line)
			}
		}
	}
	md := newMarkdown()
	plainMD := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.CJK, extension.DefinitionList))
	ix := NewIndex([]Target{
		{ID: "t1", URL: "/t1/", Title: "张掖市人民政府关于甲的通知", DocNumber: "张政发〔2024〕1号"},
		{ID: "t2", URL: "/t2/", Title: "泾源县教育质量提升行动实施方案"},
		{ID: "self", URL: "/self/", Title: "关于印发泾源县教育质量提升行动实施方案的通知", DocNumber: "张政发〔2024〕2号"},
	})
	f.Fuzz(func(t *testing.T, src string) {
		if !utf8.ValidString(src) {
			// goldmark v1.8.7 with the CJK extension panics on some invalid
			// UTF-8 (util.ToRune, yuin/goldmark#597), with or without xref;
			// the content loader rejects invalid UTF-8 before Convert.
			t.Skip("invalid UTF-8")
		}
		pc := NewContext(ix, "self")
		var with, without bytes.Buffer
		if err := md.Convert([]byte(src), &with, parser.WithContext(pc)); err != nil {
			t.Fatal(err)
		}
		if err := plainMD.Convert([]byte(src), &without); err != nil {
			t.Fatal(err)
		}
		a := citeTag.ReplaceAllString(with.String(), "")
		b := citeTag.ReplaceAllString(without.String(), "")
		if a != b {
			t.Fatalf("text changed:\n with    %q\n without %q", a, b)
		}
		for _, c := range Citations(pc) {
			if c.Printed == "" || c.Line < 1 || c.From != "self" || c.TargetID == "self" {
				t.Fatalf("bad citation %+v", c)
			}
		}
	})
}

func seedFiles() []string {
	files, _ := filepath.Glob("/work/shared/seeds/*.txt")
	return files
}

// TestSoftBreaksUnchanged checks, for each way the generator might set up
// line breaks, that wrapping citations leaves the rendered text as it was.
func TestSoftBreaksUnchanged(t *testing.T) {
	configs := map[string][]goldmark.Option{
		"none":      nil,
		"simple":    {goldmark.WithExtensions(extension.CJK)},
		"css3draft": {goldmark.WithExtensions(extension.NewCJK(extension.WithEastAsianLineBreaks(extension.EastAsianLineBreaksCSS3Draft)))},
		"hardwraps": {goldmark.WithExtensions(extension.CJK), goldmark.WithRendererOptions(html.WithHardWraps(), html.WithXHTML())},
	}
	inputs := []string{
		"张政发〔2024〕1号 甲\n张政发〔2024〕2号 乙\nabc\n张政发〔2024〕3号",
		"2023\n张政发〔2024〕1号\n0",
		"按照《涇源县教\n育质量提升行动实施方案》要求\n按照《泾源县教育质量提升行动实施方案》\nx",
		"张政发〔2024〕1号\n张政发〔2024〕2号\n**x**",
		"《张掖市人民政府关于甲的通知》\n(张政发〔2024〕1号)\n同时废止。",
	}
	ix := NewIndex([]Target{
		{ID: "t1", URL: "/t1/", Title: "张掖市人民政府关于甲的通知", DocNumber: "张政发〔2024〕1号"},
		{ID: "t2", URL: "/t2/", Title: "泾源县教育质量提升行动实施方案"},
	})
	for name, opts := range configs {
		with := goldmark.New(append(opts, goldmark.WithExtensions(Extension))...)
		without := goldmark.New(opts...)
		for i, in := range inputs {
			var a, b bytes.Buffer
			pc := NewContext(ix, "self")
			if err := with.Convert([]byte(in), &a, parser.WithContext(pc)); err != nil {
				t.Fatal(err)
			}
			if err := without.Convert([]byte(in), &b); err != nil {
				t.Fatal(err)
			}
			if len(Citations(pc)) == 0 {
				t.Errorf("%s/%d: no citations", name, i)
			}
			if x, y := citeTag.ReplaceAllString(a.String(), ""), citeTag.ReplaceAllString(b.String(), ""); x != y {
				t.Errorf("%s/%d: text changed\n with    %q\n without %q", name, i, x, y)
			}
		}
	}
}

// TestIssue converts the documents of 张掖 2024 第2期 that cite each other
// and checks both directions: the 发文目录 links four documents of the
// issue, which list it as citing them; the 为民实事 notice issues its plan;
// the 考核办法 repeals the 2018 one; the provincial notice is missing.
func TestIssue(t *testing.T) {
	targets := []Target{
		{ID: "z/027", URL: "/z/027/", Title: "张掖市人民政府关于确定2023年度公共机构节能工作先进单位和先进个人的通知", DocNumber: "张政发〔2024〕27号"},
		{ID: "z/010", URL: "/z/010/", Title: "张掖市人民政府办公室关于印发张掖市保障农民工工资支付工作考核办法的通知", DocNumber: "张政办发〔2024〕10号"},
		{ID: "z/010/plan", URL: "/z/010/plan/", Title: "张掖市保障农民工工资支付工作考核办法", Parent: "z/010"},
		{ID: "z/021", URL: "/z/021/", Title: "张掖市人民政府办公室关于印发《张掖市市级财政专项资金管理办法》的通知", DocNumber: "张政办发〔2024〕21号"},
		{ID: "z/023", URL: "/z/023/", Title: "张掖市人民政府办公室关于印发落实2024年省委省政府为民实事实施方案的通知", DocNumber: "张政办发〔2024〕23号"},
		{ID: "z/023/p8", URL: "/z/023/p8/", Title: "农村水利惠民工程实施方案", Parent: "z/023"},
		{ID: "z/2018", URL: "/z/2018/", Title: "张掖市人民政府办公室关于印发张掖市保障农民工工资支付工作考核办法的通知", DocNumber: "张政办发〔2018〕56号"},
		{ID: "z/fawen", URL: "/z/fawen/", Title: "张掖市人民政府办公室2月份发文目录"},
	}
	bodies := map[string]string{
		"z/010":      "现将《张掖市保障农民工工资支付工作考核办法》印发给你们，请认真遵照执行。\n",
		"z/010/plan": "第十六条 本办法自印发之日起施行。《张掖市人民政府办公室关于印发张掖市保障农民工工资支付工作考核办法的通知》(张政办发〔2018〕56号)同时废止。\n",
		"z/023":      "根据省政府办公厅《关于印发2024年10件为民实事实施方案的通知》(甘政办发〔2024〕10号)要求,制定了《农\n村水利惠民工程实施方案》等9件为民实事实施方案。\n",
		"z/fawen": "- 张政发〔2024〕23号 张掖市人民政府关于市政府有关领导同志工作分工调整的通知\n" +
			"张政发〔2024〕27号 张掖市人民政府关于确定2023年度公共机构节能工作先进单位和先进个人的通知\n" +
			"张政办发〔2024〕10号 张掖市人民政府办公室关于印发张掖市保障农民工工资支付工作考核办法的通知\n" +
			"张政办发〔2024〕21号 张掖市人民政府办公室关于印发《张掖市市级财政专项资金管理办法》的通知\n" +
			"张政办发〔2024〕23号 张掖市人民政府办公室关于印发落实2024年省委省政府为民实事实施方案的通知\n",
	}
	ix := NewIndex(targets)
	md := newMarkdown()
	var all []Citation
	for _, id := range []string{"z/010", "z/010/plan", "z/023", "z/fawen"} {
		_, cs := convert(t, md, ix, id, bodies[id])
		all = append(all, cs...)
	}
	type edge struct {
		from, to string
		rel      Relation
	}
	var got []edge
	for to, cs := range CitedBy(all) {
		for _, c := range cs {
			got = append(got, edge{c.From, to, c.Relation})
		}
	}
	sort.Slice(got, func(i, j int) bool {
		if got[i].to != got[j].to {
			return got[i].to < got[j].to
		}
		return got[i].from < got[j].from
	})
	want := []edge{
		{"z/fawen", "z/010", RelCites},
		{"z/010", "z/010/plan", RelIssues},
		{"z/fawen", "z/021", RelCites},
		{"z/fawen", "z/023", RelCites},
		{"z/023", "z/023/p8", RelIssues},
		{"z/fawen", "z/027", RelCites},
		{"z/010/plan", "z/2018", RelRepeals},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cited-by edges:\n got  %v\n want %v", got, want)
	}
	var missing []string
	for _, m := range Unresolved(all) {
		missing = append(missing, fmt.Sprintf("%s×%d", m.Key, m.Count))
	}
	if want := []string{"张政发〔2024〕23号×1", "甘政办发〔2024〕10号×1"}; !reflect.DeepEqual(missing, want) {
		t.Errorf("Unresolved = %v, want %v", missing, want)
	}
}
