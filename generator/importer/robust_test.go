package importer

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/longbridgeapp/opencc"

	"gazette/generator/content"
)

// metaOf decodes every file of a result into comparable metadata: the
// [import] provenance (line numbers, hash) and the printed 文号 are left
// out, because re-wrapping or swapping brackets changes them by design.
func metaOf(tb testing.TB, res Result) map[string]any {
	tb.Helper()
	out := map[string]any{}
	for _, f := range res.Files {
		var v any
		switch content.KindOf(f.Path[strings.LastIndex(f.Path, "/")+1:]) {
		case content.KindGazette:
			v = &content.Gazette{}
		case content.KindIssue:
			v = &content.Issue{}
		default:
			v = &content.Document{}
		}
		if _, _, problems := content.Decode(f.Path, f.Data, v); problems.HasErrors() {
			tb.Fatalf("%v", problems)
		}
		if d, ok := v.(*content.Document); ok {
			d.Import = content.Provenance{}
			d.DocNumberPrinted = ""
		}
		out[f.Path] = v
	}
	return out
}

func compareMeta(t *testing.T, want, got map[string]any) {
	t.Helper()
	for p, w := range want {
		g, ok := got[p]
		if !ok {
			t.Errorf("%s: missing", p)
			continue
		}
		if !reflect.DeepEqual(w, g) {
			wt, _ := content.EncodeTOML(w)
			gt, _ := content.EncodeTOML(g)
			t.Errorf("%s differs:\n%s", p, lineDiff(wt, gt))
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: not in the original import", p)
		}
	}
}

// lineDiff lists the lines only in want (-) or only in got (+).
func lineDiff(want, got string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	w, g := in(want), in(got)
	var b strings.Builder
	for _, l := range strings.Split(want, "\n") {
		if !g[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range strings.Split(got, "\n") {
		if !w[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}

// rewrap breaks every long line that is not a table row into lines of
// width runes, as a PDF extraction at another page width would. Web chrome
// (a download link) is not text and stays whole.
func rewrap(src string, width int) string {
	var b strings.Builder
	for _, l := range strings.Split(src, "\n") {
		rs := []rune(l)
		if _, chrome := residueOf(strings.TrimSpace(l)); chrome || len(rs) <= width || strings.Contains(l, "\t") || strings.Contains(l, "|") {
			b.WriteString(l + "\n")
			continue
		}
		for len(rs) > width {
			b.WriteString(string(rs[:width]) + "\n")
			rs = rs[width:]
		}
		b.WriteString(string(rs) + "\n")
	}
	return b.String()
}

var bracketRe = regexp.MustCompile(`〔(\d{4})〕`)

// TestRobustness imports seeds changed the way other sources differ and
// expects the same files and metadata.
func TestRobustness(t *testing.T) {
	s2t, err := opencc.New("s2t")
	if err != nil {
		t.Fatal(err)
	}
	traditional := func(s string) string {
		out, err := s2t.Convert(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	tests := []struct {
		name   string
		seed   string
		change func(string) string
	}{
		{"000 rewrapped at 37", "000", func(s string) string { return rewrap(s, 37) }},
		{"002 rewrapped at 41", "002", func(s string) string { return rewrap(s, 41) }},
		{"004 rewrapped at 29", "004", func(s string) string {
			// The web page's metadata rows are key: value pairs, not
			// flowing text: only the document below them is re-wrapped.
			ls := strings.SplitAfterN(s, "\n", 7)
			return strings.Join(ls[:6], "") + rewrap(ls[6], 29)
		}},
		{"000 brackets （）", "000", func(s string) string { return bracketRe.ReplaceAllString(s, "（$1）") }},
		{"001 brackets [] and spaces", "001", func(s string) string { return bracketRe.ReplaceAllString(s, "[ $1 ] ") }},
		{"004 brackets ()", "004", func(s string) string { return bracketRe.ReplaceAllString(s, "($1)") }},
		{"001 in traditional characters", "001", traditional},
		{"000 in traditional characters", "000", traditional},
		{"002 in traditional characters", "002", traditional},
		{"003 in traditional characters", "003", traditional},
		{"002 brackets 【】", "002", func(s string) string {
			return regexp.MustCompile(`[〔(（](\d{4})[〕)）]`).ReplaceAllString(s, "【$1】")
		}},
		{"001 re-wrapped at 35", "001", func(s string) string { return rewrap(s, 35) }},
		{"003 re-wrapped at 33", "003", func(s string) string { return rewrap(s, 33) }},
		{"004 in traditional characters", "004", traditional},
		{"004 with CRLF line ends and a BOM", "004", func(s string) string { return "\ufeff" + strings.ReplaceAll(s, "\n", "\r\n") }},
		{"000 first document in traditional characters", "000", func(s string) string {
			ls := strings.Split(s, "\n")
			// Lines 98–195 are 张政发〔2024〕27号.
			for i := 97; i < 195; i++ {
				ls[i] = traditional(ls[i])
			}
			return strings.Join(ls, "\n")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := importSeed(t, tt.seed)
			changed := tt.change(string(o.src))
			if changed == string(o.src) {
				t.Fatal("the change changed nothing")
			}
			res, problems := Import("changed.txt", []byte(changed), Options{Aliases: o.aliases})
			if problems.HasErrors() {
				t.Fatal(problems)
			}
			compareMeta(t, metaOf(t, o.res), metaOf(t, res))
		})
	}
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"empty", "", "file is empty"},
		{"blank", "\n \n\t\n", "file is empty"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"},
		{"utf-16", "\xff\xfe\x20\x5f\x8e\x63", "UTF-16"},
		{"gbk", "\xd5\xc5\xd2\xb4\xca\xd0\xc8\xcb\xc3\xf1\xd5\xfe\xb8\xae\n", "not valid UTF-8"},
		{"prose", "今天天气很好。\n我们去公园散步。\n", "not a gazette"},
		{"masthead without documents", "张掖市人民政府公报\n\n目 录\n\n市政府文件\n", "no document found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, problems := Import("in.txt", []byte(tt.data), Options{})
			if !problems.HasErrors() {
				t.Fatalf("no error; files %d", len(res.Files))
			}
			if len(res.Files) != 0 {
				t.Errorf("%d files returned with an error", len(res.Files))
			}
			if msg := problems.Error(); !strings.Contains(msg, tt.want) || !strings.HasPrefix(msg, "in.txt") {
				t.Errorf("error %q does not say %q at in.txt", msg, tt.want)
			}
		})
	}
}

// TestDeterministic: importing twice gives the same bytes.
func TestDeterministic(t *testing.T) {
	o := importSeed(t, "000")
	res, _ := Import(seedPath(t, "000"), o.src, Options{Aliases: o.aliases})
	if len(res.Files) != len(o.res.Files) {
		t.Fatalf("%d files, then %d", len(o.res.Files), len(res.Files))
	}
	for i, f := range res.Files {
		if f.Path != o.res.Files[i].Path || string(f.Data) != string(o.res.Files[i].Data) {
			t.Errorf("%s differs between two imports", f.Path)
		}
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.政策支持不断强化。", `1\.政策支持不断强化。`},
		{"# 不是标题", `\# 不是标题`},
		{"- 不是列表", `\- 不是列表`},
		{"a|b", `a\|b`},
		{"***", `\*\*\*`},
		{"**强化良种繁育。**持续实施", "**强化良种繁育。**持续实施"},
		{"<script>x</script>", `\<script\>x\</script\>`},
		{"_____", `\_\_\_\_\_`},
		{"---", `\---`},
		{"&nbsp;", `\&nbsp;`},
	}
	for _, tt := range tests {
		if got := escapeBlock(tt.in); got != tt.want {
			t.Errorf("escapeBlock(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, in, want string
		perLine        bool
	}{
		{"joins a line cut mid-sentence", "希望先进集体和个人继续保持和发扬成\n\n绩,再接再厉。\n", "希望先进集体和个人继续保持和发扬成绩,再接再厉。\n", false},
		{"keeps name rows apart", "曹晓龙 张掖市机关事务管理局副局长\n\n郑晓钰 张掖市机关事务管理局财务科\n副科长\n", "曹晓龙 张掖市机关事务管理局副局长\n\n郑晓钰 张掖市机关事务管理局财务科副科长\n", false},
		{"headings by rank", "一、目标任务\n\n(一)准备阶段\n\n1.县中振兴工程。对2个县\n", "## 一、目标任务\n\n### (一)准备阶段\n\n1\\.县中振兴工程。对2个县\n", false},
		{"tab table", "序号\t任务\n1\t建宿舍\n--\t--\n2\t<p>扩食堂</p>\n", "| 序号 | 任务 |\n| --- | --- |\n| 1 | 建宿舍 |\n| 2 | 扩食堂 |\n", false},
		{"form controls", "是<input type=\"radio\"/> 否<input type=\"checkbox\"/>\n", "是○ 否□\n", false},
		{"a table cut into a sentence moves after it", "品牌运营中心定期开展以下营销推广活动,以故事树立品牌形象,扩大社\n\n表2:任务表\n\n序号\t具体任务\n1\t培育品牌\n\n会影响力。\n", "品牌运营中心定期开展以下营销推广活动,以故事树立品牌形象,扩大社会影响力。\n\n表2:任务表\n\n| 序号 | 具体任务 |\n| --- | --- |\n| 1 | 培育品牌 |\n", false},
		{"a sidebar cut into a sentence moves after it", "7. 加强标准体系建设。围绕张掖“五大特色产业”，组织推进\n\n重点工程一：铸魂工程\n\n实施农业品牌铸魂工程，加强标准体系建设。\n\n玉米种子、绿色蔬菜等产品标准。\n", "7\\. 加强标准体系建设。围绕张掖“五大特色产业”，组织推进玉米种子、绿色蔬菜等产品标准。\n\n重点工程一：铸魂工程\n\n实施农业品牌铸魂工程，加强标准体系建设。\n", false},
		{"a table continued on a new page loses its repeated title and header", "责任清单\n\n序号\t工作\n1\t建设\n\n\n责任清单\n\n序号\t工作\n2\t运营\n", "责任清单\n\n| 序号 | 工作 |\n| --- | --- |\n| 1 | 建设 |\n| 2 | 运营 |\n", false},
		{"one paragraph per line", "第一段。\n第二段。\n", "第一段。\n\n第二段。\n", true},
		{"file list", "- 甘政发〔2024〕12号 甘肃省人民政府关于奖励的决定\n甘政发〔2024〕13号 甘肃省人民政府关于印发办法的通知\n", "- 甘政发〔2024〕12号 甘肃省人民政府关于奖励的决定\n- 甘政发〔2024〕13号 甘肃省人民政府关于印发办法的通知\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var res []Residue
			r := &renderer{perLine: tt.perLine, residue: &res}
			if got := r.render(splitLines(tt.in)); got != tt.want {
				t.Errorf("render:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// FuzzImport feeds the importer mutations of real seed text: it must never
// panic, and what it returns must decode as content.
func FuzzImport(f *testing.F) {
	for _, p := range []string{"000", "001", "002", "003", "004"} {
		if m, _ := globSeed(p); m != "" {
			data, err := os.ReadFile(m)
			if err == nil {
				// Seed the corpus with the heads of the real files.
				f.Add(data[:min(len(data), 6000)])
			}
		}
	}
	f.Add([]byte("张政办发〔2024〕10号\n关于印发办法的通知\n各县区:\n正文。\n张掖市人民政府办公室\n2024年2月5日\n"))
	f.Add([]byte("某某公报\n目 录\n关于x的通知(3)\n甲〔2024〕1号\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, problems := Import("fuzz.txt", data, Options{})
		if problems.HasErrors() {
			if len(res.Files) != 0 {
				t.Fatal("files returned with an error")
			}
			for _, p := range problems {
				if strings.Contains(p.Msg, "internal error") {
					t.Fatalf("panic inside the importer: %v", p)
				}
			}
			return
		}
		for _, f := range res.Files {
			var v any = &content.Document{}
			switch content.KindOf(f.Path[strings.LastIndex(f.Path, "/")+1:]) {
			case content.KindGazette:
				v = &content.Gazette{}
			case content.KindIssue:
				v = &content.Issue{}
			}
			if _, _, problems := content.Decode(f.Path, f.Data, v); problems.HasErrors() {
				t.Fatalf("output does not decode: %v\n%s", problems, f.Data)
			}
		}
	})
}

func globSeed(prefix string) (string, error) {
	m, err := filepath.Glob(seedsDir + "/" + prefix + "_*.txt")
	if err != nil || len(m) != 1 {
		return "", err
	}
	return m[0], nil
}
