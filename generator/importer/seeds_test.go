package importer

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"gazette/generator/content"
)

// seedsDir holds the raw seed texts, beside the repository.
const seedsDir = "../../../shared/seeds"

// contentDir is the committed archive the seeds were imported into.
const contentDir = "../../content"

// seedPath finds seed NNN, skipping the test when the seeds are absent
// (but not on CI, where they must be there).
func seedPath(tb testing.TB, prefix string) string {
	tb.Helper()
	m, _ := filepath.Glob(filepath.Join(seedsDir, prefix+"_*.txt"))
	if len(m) != 1 {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("seed %s not found in %s: CI runs with shared/ beside the repository", prefix, seedsDir)
		}
		tb.Skipf("seed %s not found in %s: the seed tests need ../shared/seeds beside the repository", prefix, seedsDir)
	}
	return m[0]
}

type seedOut struct {
	src     []byte
	aliases map[string]string
	res     Result
	files   map[string][]byte
}

var (
	seedMu    sync.Mutex
	seedCache = map[string]*seedOut{}
)

// importSeed imports seed NNN once per test binary, with the committed
// alias table.
func importSeed(tb testing.TB, prefix string) *seedOut {
	tb.Helper()
	p := seedPath(tb, prefix)
	seedMu.Lock()
	defer seedMu.Unlock()
	if o, ok := seedCache[prefix]; ok {
		return o
	}
	src, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	aliases := committedAliases(tb)
	res, problems := Import(p, src, Options{Aliases: aliases})
	if problems.HasErrors() {
		tb.Fatalf("import %s: %v", p, problems)
	}
	o := &seedOut{src: src, aliases: aliases, res: res, files: map[string][]byte{}}
	for _, f := range res.Files {
		o.files[f.Path] = f.Data
	}
	seedCache[prefix] = o
	return o
}

func committedAliases(tb testing.TB) map[string]string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(contentDir, AliasFile))
	if err != nil {
		tb.Fatalf("read the alias table: %v", err)
	}
	a, err := ParseAliases(data)
	if err != nil {
		tb.Fatalf("%s: %v", AliasFile, err)
	}
	return a
}

func (o *seedOut) doc(tb testing.TB, p string) (content.Document, string) {
	tb.Helper()
	data, ok := o.files[p]
	if !ok {
		tb.Fatalf("no file %s; have %v", p, o.paths())
	}
	var d content.Document
	body, _, problems := content.Decode(p, data, &d)
	if problems.HasErrors() {
		tb.Fatalf("%v", problems)
	}
	return d, body
}

func (o *seedOut) issue(tb testing.TB, p string) content.Issue {
	tb.Helper()
	var is content.Issue
	if _, _, problems := content.Decode(p, o.files[p], &is); problems.HasErrors() {
		tb.Fatalf("%v", problems)
	}
	return is
}

func (o *seedOut) gazette(tb testing.TB, p string) content.Gazette {
	tb.Helper()
	var g content.Gazette
	if _, _, problems := content.Decode(p, o.files[p], &g); problems.HasErrors() {
		tb.Fatalf("%v", problems)
	}
	return g
}

func (o *seedOut) paths() []string {
	var ps []string
	for p := range o.files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// plans lists the plan files under a notice's folder.
func (o *seedOut) plans(id string) []string {
	var ps []string
	for _, p := range o.paths() {
		if strings.HasPrefix(p, id+"/plan-") {
			ps = append(ps, p)
		}
	}
	return ps
}

// docFact is what a test asserts of one document.
type docFact struct {
	path      string
	title     string
	docNumber string
	issuers   []string
	date      string // date_signed
	published string
	index     string
	plans     int
	flagged   bool
	bodyHas   []string
}

func checkDoc(t *testing.T, o *seedOut, f docFact) {
	t.Helper()
	d, body := o.doc(t, f.path)
	if f.title != "" && d.Title != f.title {
		t.Errorf("%s: title = %q, want %q", f.path, d.Title, f.title)
	}
	if d.DocNumber != f.docNumber {
		t.Errorf("%s: doc_number = %q, want %q", f.path, d.DocNumber, f.docNumber)
	}
	if f.issuers != nil && strings.Join(d.Issuers, "|") != strings.Join(f.issuers, "|") {
		t.Errorf("%s: issuers = %q, want %q", f.path, d.Issuers, f.issuers)
	}
	if f.date != "" && d.DateSigned.String() != f.date {
		t.Errorf("%s: date_signed = %s, want %s", f.path, d.DateSigned, f.date)
	}
	if f.published != "" && d.DatePublished.String() != f.published {
		t.Errorf("%s: date_published = %s, want %s", f.path, d.DatePublished, f.published)
	}
	if d.IndexNumber != f.index {
		t.Errorf("%s: index_number = %q, want %q", f.path, d.IndexNumber, f.index)
	}
	id := strings.TrimSuffix(f.path, ".md")
	plans := o.plans(id)
	if len(plans) != f.plans {
		t.Errorf("%s: %d plans, want %d", f.path, len(plans), f.plans)
	}
	for _, p := range plans {
		pd, _ := o.doc(t, p)
		if pd.Parent != id {
			t.Errorf("%s: parent = %q, want %q", p, pd.Parent, id)
		}
		if strings.Join(pd.Issuers, "|") != strings.Join(d.Issuers, "|") || pd.Title == "" || pd.Kind == "" {
			t.Errorf("%s: plan metadata title=%q kind=%q issuers=%q (notice's: %q)", p, pd.Title, pd.Kind, pd.Issuers, d.Issuers)
		}
	}
	if (len(d.Flags) > 0) != f.flagged {
		t.Errorf("%s: flags = %q, want flagged=%v", f.path, d.Flags, f.flagged)
	}
	for _, s := range f.bodyHas {
		if !strings.Contains(body, s) {
			t.Errorf("%s: body lacks %q", f.path, s)
		}
	}
}

func TestSeed000(t *testing.T) {
	o := importSeed(t, "000")
	g := o.gazette(t, "zhangye/_gazette.md")
	if g.Name != "张掖市人民政府公报" || g.Frequency != "月刊" || g.Sponsor != "张掖市人民政府办公室" || g.Supervisor != "张掖市人民政府" {
		t.Errorf("gazette = %+v", g)
	}
	is := o.issue(t, "zhangye/2024-02/_issue.md")
	if is.Year != 2024 || is.Number != 2 || is.Cumulative != 210 || is.Date.String() != "2024-03-08" || is.DateKind != "printed" {
		t.Errorf("issue = %d/%d 总%d %s %s", is.Year, is.Number, is.Cumulative, is.Date, is.DateKind)
	}
	var sections []string
	var pages []int
	docs := map[string]content.Entry{}
	for _, s := range is.Sections {
		sections = append(sections, s.Title)
		for _, e := range s.Entries {
			pages = append(pages, e.Page)
			docs[e.Doc] = e
		}
	}
	if got := strings.Join(sections, ","); got != "市政府文件,市委市政府办公室文件,人事任免,要事记,文件索引" {
		t.Errorf("sections = %s", got)
	}
	if got := fmt.Sprint(pages); got != "[3 5 27 30 34 56 56 60 60]" {
		t.Errorf("pages = %s", got)
	}
	for _, f := range []struct {
		doc  string
		page int
	}{{"zzf-2024-027", 3}, {"swbf-2024-008", 5}, {"zzbf-2024-010", 27}, {"zzbf-2024-021", 30}, {"zzbf-2024-023", 34}, {"zzrz-2024-002", 56}, {"chronicle-2024-02", 56}, {"received-2024-02", 60}, {"issued-2024-02", 60}} {
		if e, ok := docs[f.doc]; !ok || e.Page != f.page {
			t.Errorf("TOC entry for %s = %+v, want page %d", f.doc, e, f.page)
		}
	}
	facts := []docFact{
		{path: "zhangye/2024-02/zzf-2024-027.md", title: "张掖市人民政府关于确定2023年度公共机构节能工作先进单位和先进个人的通知", docNumber: "张政发〔2024〕27号", issuers: []string{"张掖市人民政府"}, date: "2024-02-25"},
		{path: "zhangye/2024-02/swbf-2024-008.md", docNumber: "市委办发〔2024〕8号", issuers: []string{"中共张掖市委办公室", "张掖市人民政府办公室"}, date: "2024-02-27", plans: 1},
		{path: "zhangye/2024-02/zzbf-2024-010.md", title: "张掖市人民政府办公室关于印发张掖市保障农民工工资支付工作考核办法的通知", docNumber: "张政办发〔2024〕10号", issuers: []string{"张掖市人民政府办公室"}, date: "2024-02-05", bodyHas: []string{"第十六条", "张政办发〔2018〕56号"}},
		{path: "zhangye/2024-02/zzbf-2024-021.md", docNumber: "张政办发〔2024〕21号", issuers: []string{"张掖市人民政府办公室"}, date: "2024-02-19", bodyHas: []string{"## 第六章 附 则", "第三十四条"}},
		{path: "zhangye/2024-02/zzbf-2024-023.md", docNumber: "张政办发〔2024〕23号", issuers: []string{"张掖市人民政府办公室"}, date: "2024-02-25", plans: 9, bodyHas: []string{"甘政办发〔2024〕10号"}},
		{path: "zhangye/2024-02/zzrz-2024-002.md", title: "关于韩建军、田慧新同志职务任免的通知", docNumber: "张政任字〔2024〕2号", issuers: []string{"张掖市人民政府"}, date: "2024-02-06", bodyHas: []string{"韩建军同志为市政府河长制办公室主任"}},
		{path: "zhangye/2024-02/chronicle-2024-02.md", title: "市政府工作要事记"},
		{path: "zhangye/2024-02/received-2024-02.md", title: "张掖市人民政府办公室2月份收文目录"},
		{path: "zhangye/2024-02/issued-2024-02.md", title: "张掖市人民政府办公室2月份发文目录", bodyHas: []string{"- 张政发〔2024〕23号 ", "- 张政办发〔2024〕23号 "}},
	}
	for _, f := range facts {
		checkDoc(t, o, f)
	}
	p1, _ := o.doc(t, "zhangye/2024-02/zzbf-2024-023/plan-01.md")
	p9, _ := o.doc(t, "zhangye/2024-02/zzbf-2024-023/plan-09.md")
	if p1.Title != "中小学“强县中增学位建宿舍扩食堂”工程实施方案" || p9.Title != "2024年度生态及地质灾害避险搬迁工程实施方案" || p1.Kind != "实施方案" {
		t.Errorf("plans 1 and 9: %q (%s), %q", p1.Title, p1.Kind, p9.Title)
	}
	_, chron := o.doc(t, "zhangye/2024-02/chronicle-2024-02.md")
	if days, others := countLines(chron, `^### \d+日$`), countLines(chron, `^△`); days != 16 || others != 16 {
		t.Errorf("chronicle: %d days and %d △ events, want 16 and 16", days, others)
	}
	_, recv := o.doc(t, "zhangye/2024-02/received-2024-02.md")
	_, sent := o.doc(t, "zhangye/2024-02/issued-2024-02.md")
	if r, s := countLines(recv, `^- \S+〔\d{4}〕\d+号 `), countLines(sent, `^- \S+〔\d{4}〕\d+号 `); r != 3 || s != 17 {
		t.Errorf("file lists: %d received, %d issued; want 3 and 17", r, s)
	}
	_, measures := o.doc(t, "zhangye/2024-02/zzbf-2024-010.md")
	if n := countLines(measures, `^第[一二三四五六七八九十]+条`); n != 16 {
		t.Errorf("张政办发〔2024〕10号 has %d articles, want 16", n)
	}
}

func countLines(s, pattern string) int {
	re := regexp.MustCompile(`(?m)` + pattern)
	return len(re.FindAllString(s, -1))
}

func TestSeed002(t *testing.T) {
	o := importSeed(t, "002")
	g := o.gazette(t, "jingyuan/_gazette.md")
	if g.Name != "泾源县人民政府公报" || g.Frequency != "双月刊" || g.Publisher != "泾源县人民政府公报室" {
		t.Errorf("gazette = %+v", g)
	}
	is := o.issue(t, "jingyuan/2023-02/_issue.md")
	if is.Year != 2023 || is.Number != 2 || is.NumberLabel != "第02期" || is.Cumulative != 22 || is.Date.String() != "2023-05-08" || is.DateKind != "published" {
		t.Errorf("issue = %d/%d %s 总%d %s %s", is.Year, is.Number, is.NumberLabel, is.Cumulative, is.Date, is.DateKind)
	}
	if len(is.Sections) != 2 || is.Sections[0].Title != "县委办、政府办文件" || len(is.Sections[0].Entries) != 8 || is.Sections[1].Title != "政府办文件" || len(is.Sections[1].Entries) != 20 {
		t.Fatalf("sections = %+v", is.Sections)
	}
	all := append(append([]content.Entry{}, is.Sections[0].Entries...), is.Sections[1].Entries...)
	if all[0].PageLabel != "01" || all[0].Page != 1 || all[27].Page != 262 {
		t.Errorf("pages run %d (%q) to %d", all[0].Page, all[0].PageLabel, all[27].Page)
	}
	for i, e := range all {
		if e.Doc == "" || e.DocNumber == "" {
			t.Errorf("TOC entry %d has no document: %+v", i+1, e)
		}
		if i > 0 && e.Page <= all[i-1].Page {
			t.Errorf("TOC entry %d: page %d after %d", i+1, e.Page, all[i-1].Page)
		}
		if _, ok := o.files["jingyuan/2023-02/"+e.Doc+".md"]; !ok {
			t.Errorf("TOC entry %d names %s, which was not written", i+1, e.Doc)
		}
	}
	both := []string{"中共泾源县委办公室", "泾源县人民政府办公室"}
	office := []string{"泾源县人民政府办公室"}
	for _, f := range []docFact{
		{path: "jingyuan/2023-02/jdbf-2023-013.md", title: "关于印发《泾源县中华蜜蜂产业专班2023年工作方案》的通知", docNumber: "泾党办发〔2023〕13号", issuers: both, date: "2023-03-06", plans: 1},
		{path: "jingyuan/2023-02/jzbf-2023-031.md", docNumber: "泾政办发〔2023〕31号", issuers: office, date: "2023-04-21", plans: 1},
		{path: "jingyuan/2023-02/jzbf-2023-012.md", docNumber: "泾政办发〔2023〕12号", issuers: office, date: "2023-02-24", plans: 1},
		{path: "jingyuan/2023-02/jzbf-2023-011.md", title: "关于进一步加强和改进行政应诉工作的通知", docNumber: "泾政办发〔2023〕11号", issuers: office, date: "2023-03-06"},
		{path: "jingyuan/2023-02/jdbf-2023-031.md", title: "关于印发《泾源县教育质量提升行动实施方案》的通知", docNumber: "泾党办发〔2023〕31号", issuers: both, date: "2023-03-17", plans: 1, flagged: true, bodyHas: []string{"quality"}},
	} {
		checkDoc(t, o, f)
	}
	d, _ := o.doc(t, "jingyuan/2023-02/jdbf-2023-013.md")
	if d.DocNumberPrinted != "涇党办发〔2023〕13 号" || d.Disclosure != "此件公开公布" {
		t.Errorf("jdbf-2023-013: printed %q, disclosure %q", d.DocNumberPrinted, d.Disclosure)
	}
}

func TestSeed001(t *testing.T) {
	o := importSeed(t, "001")
	checkDoc(t, o, docFact{path: "documents/zhangye/2022/zzbf-2022-038.md", title: "张掖市人民政府办公室关于印发落实2022年省委省政府为民实事方案的通知", docNumber: "张政办发〔2022〕38号", issuers: []string{"张掖市人民政府办公室"}, date: "2022-03-17", plans: 9, bodyHas: []string{"甘政办发〔2022〕16号"}})
	// Four plans name an attachment the web page does not hold.
	var named, missing int
	for _, p := range o.plans("documents/zhangye/2022/zzbf-2022-038") {
		d, _ := o.doc(t, p)
		for _, a := range d.Attachments {
			named++
			if !a.IsIncluded() {
				missing++
			}
		}
	}
	if named != 4 || missing != 4 {
		t.Errorf("%d attachments, %d not included; want 4 and 4", named, missing)
	}
	p3, _ := o.doc(t, "documents/zhangye/2022/zzbf-2022-038/plan-03.md")
	if p3.Title != "关于开展2.5万人次政府补贴性职业技能培训及支持未就业普通高校毕业生到基层就业的实施方案" {
		t.Errorf("plan 3 (a title over two lines) = %q", p3.Title)
	}
}

func TestSeed003(t *testing.T) {
	o := importSeed(t, "003")
	p := "documents/ganzhou/2026/report-2026-01-27.md"
	checkDoc(t, o, docFact{path: p, title: "政府工作报告", issuers: []string{"甘州区人民政府"}, date: "2026-01-27", published: "2026-02-04 09:30", index: "620702001/2026-00010", bodyHas: []string{"完成地区生产总值314.7亿元、增长7.3%"}})
	_, body := o.doc(t, p)
	if n := countLines(body, `^: `); n != 26 {
		t.Errorf("glossary has %d definitions, want 26", n)
	}
}

func TestSeed004(t *testing.T) {
	o := importSeed(t, "004")
	p := "documents/wuwei/2025/wzbf-2025-007.md"
	checkDoc(t, o, docFact{path: p, title: "武威市人民政府办公室关于印发2025年省市为民实事实施方案的通知", docNumber: "武政办发〔2025〕7号", issuers: []string{"武威市人民政府办公室"}, date: "2025-03-07", published: "2025-03-13 17:01", index: "11622300013930944B/2025-01527", plans: 17})
	d, _ := o.doc(t, p)
	if d.Disclosure != "主动公开" || d.Publisher != "市政府办" || d.Category != "武政办发" {
		t.Errorf("web metadata: disclosure %q publisher %q category %q", d.Disclosure, d.Publisher, d.Category)
	}
}

var (
	canonDocNum = regexp.MustCompile(`^[^\s〔〕]+〔\d{4}〕[1-9]\d*号$`)
	forbidden   = []string{"扫一扫", "<input", `$\frac`, ".....", "·····", "Produced By"}
)

// TestSeedsClean checks every file of every seed: front matter decodes
// strictly, 文号 are canonical, bodies hold no residue and no raw HTML.
func TestSeedsClean(t *testing.T) {
	for _, prefix := range []string{"000", "001", "002", "003", "004"} {
		t.Run(prefix, func(t *testing.T) {
			o := importSeed(t, prefix)
			for _, p := range o.paths() {
				var v any
				switch content.KindOf(filepath.Base(p)) {
				case content.KindGazette:
					v = &content.Gazette{}
				case content.KindIssue:
					v = &content.Issue{}
				default:
					v = &content.Document{}
				}
				body, _, problems := content.Decode(p, o.files[p], v)
				if problems.HasErrors() {
					t.Errorf("%v", problems)
					continue
				}
				if d, ok := v.(*content.Document); ok {
					if d.DocNumber != "" && (!canonDocNum.MatchString(d.DocNumber) || strings.Contains(d.DocNumber, "涇")) {
						t.Errorf("%s: doc_number %q is not canonical", p, d.DocNumber)
					}
					if d.Title == "" || len(d.Issuers) == 0 {
						t.Errorf("%s: title %q issuers %q", p, d.Title, d.Issuers)
					}
					if strings.Contains(d.Title, " ") {
						t.Errorf("%s: title %q has a space", p, d.Title)
					}
				}
				for _, f := range forbidden {
					if strings.Contains(body, f) {
						t.Errorf("%s: body holds %q", p, f)
					}
				}
				if m := regexp.MustCompile(`(?m)^\s*<|[^\\]<[a-zA-Z/]`).FindString(body); m != "" {
					t.Errorf("%s: body holds raw HTML %q", p, m)
				}
			}
		})
	}
}

// TestContentMatchesSeeds re-imports the seeds and compares the result
// with the committed content/, byte for byte, so the two cannot drift.
// After an importer change, regenerate with:
//
//	go run ./cmd/gazette import -force -o content ../shared/seeds/00*.txt
func TestContentMatchesSeeds(t *testing.T) {
	want := map[string]bool{}
	for _, prefix := range []string{"000", "001", "002", "003", "004"} {
		o := importSeed(t, prefix)
		for _, p := range o.paths() {
			want[p] = true
			got, err := os.ReadFile(filepath.Join(contentDir, filepath.FromSlash(p)))
			if err != nil {
				t.Errorf("content/%s is missing: re-run the import (see the test's comment)", p)
				continue
			}
			if !bytes.Equal(got, o.files[p]) {
				t.Errorf("content/%s differs from a fresh import of seed %s: re-run the import (see the test's comment)", p, prefix)
			}
		}
	}
	err := filepath.WalkDir(contentDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(contentDir, p)
		rel = filepath.ToSlash(rel)
		if !strings.HasSuffix(rel, ".md") {
			// Tables such as _aliases.toml are edited by hand.
			return nil
		}
		if !want[rel] {
			t.Errorf("content/%s was not produced by importing the seeds", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkImport imports the largest seed (002, a whole issue of 604 KB).
func BenchmarkImport(b *testing.B) {
	src, err := os.ReadFile(seedPath(b, "002"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, problems := Import("002.txt", src, Options{}); problems.HasErrors() {
			b.Fatal(problems)
		}
	}
}

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// TestGolden imports small hand-made inputs in testdata/ and compares all
// files they produce, and the residue, with a golden file. Run
// go test ./generator/importer -run Golden -update to accept a change.
func TestGolden(t *testing.T) {
	for _, name := range []string{"issue"} {
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join("testdata", name+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			res, problems := Import(name+".txt", src, Options{})
			if problems.HasErrors() {
				t.Fatal(problems)
			}
			var b strings.Builder
			for _, f := range res.Files {
				fmt.Fprintf(&b, "=== %s\n%s", f.Path, f.Data)
			}
			b.WriteString("=== residue\n")
			for _, r := range res.Residue {
				fmt.Fprintf(&b, "%d: %s: %s\n", r.Line, r.Why, r.Text)
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v: run with -update to create it", err)
			}
			if b.String() != string(want) {
				t.Errorf("import of testdata/%s.txt differs from %s (run with -update to accept):\n%s", name, golden, lineDiff(string(want), b.String()))
			}
		})
	}
}
