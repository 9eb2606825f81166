package generator

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/golden")

// memOutput keeps a build in memory.
type memOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memOutput) WriteFile(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	m.files[name] = append([]byte(nil), data...)
	return nil
}

func (m *memOutput) names() []string {
	var out []string
	for n := range m.files {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// buildTestSite builds testdata/site with the given base URL and returns
// its files.
func buildTestSite(tb testing.TB, baseURL string, minify bool) *memOutput {
	tb.Helper()
	cfg, err := LoadConfig("testdata/site/config.toml", false)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.BaseURL = baseURL
	cfg.Minify = minify
	out := &memOutput{}
	_, warnings, err := Build(context.Background(), Options{
		Config:      cfg,
		Content:     os.DirFS("testdata/site/content"),
		ContentName: "content/",
		Out:         out,
	})
	if err != nil {
		tb.Fatalf("build: %v", err)
	}
	for _, w := range warnings {
		tb.Logf("warning: %v", w)
	}
	return out
}

// TestGolden compares every page of the small site with testdata/golden.
// Run go test ./generator -update to accept a change, and read the diff.
func TestGolden(t *testing.T) {
	out := buildTestSite(t, "https://example.org/archive/", false)
	golden := "testdata/golden"
	if *update {
		os.RemoveAll(golden)
	}
	for _, name := range out.names() {
		if strings.HasPrefix(name, "assets/") || strings.HasPrefix(name, "search/") {
			continue // theme files and the index are tested where they are made
		}
		path := filepath.Join(golden, filepath.FromSlash(name))
		if *update {
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, out.files[name], 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: new page (run go test -update to accept): %v", name, err)
			continue
		}
		if string(want) != string(out.files[name]) {
			t.Errorf("%s differs from %s (run go test ./generator -update and review the diff)", name, path)
		}
	}
	// Pages that disappeared.
	filepath.WalkDir(golden, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(golden, p)
		if _, ok := out.files[filepath.ToSlash(rel)]; !ok && !*update {
			t.Errorf("%s: page no longer built", rel)
		}
		return nil
	})
}

var hrefRE = regexp.MustCompile(`(?:href|src|action)="([^"]*)"`)

func TestSiteFacts(t *testing.T) {
	out := buildTestSite(t, "https://example.org/archive/", true)
	page := func(name string) string {
		t.Helper()
		b, ok := out.files[name]
		if !ok {
			t.Fatalf("page %s not built", name)
		}
		return string(b)
	}

	t.Run("issue TOC in printed order with page numbers", func(t *testing.T) {
		html := page("demo/2024-02/index.html")
		var order []int
		for _, s := range []string{"市政府文件", "市委市政府办公室文件", "要事记", "调整工作分工", "关于印发实施方案", "工作要事记", ">01<", ">05<", ">30<"} {
			order = append(order, strings.Index(html, s))
		}
		for i, pos := range order {
			if pos < 0 {
				t.Fatalf("issue page lacks item %d", i)
			}
		}
		if !(order[0] < order[3] && order[3] < order[1] && order[1] < order[4] && order[4] < order[2] && order[2] < order[5]) {
			t.Errorf("sections and entries out of printed order: %v", order)
		}
		if !(order[6] < order[7] && order[7] < order[8]) {
			t.Errorf("page numbers 01, 05, 30 not in order: %v", order[6:])
		}
	})

	t.Run("joint document under both issuers", func(t *testing.T) {
		for _, issuer := range []string{"中共示范市委办公室", "示范市人民政府办公室"} {
			html := page("issuers/" + hashSlug(issuer) + "/index.html")
			if !strings.Contains(html, `/archive/demo/2024-02/n-2024-003/"`) {
				t.Errorf("issuer %s does not list the joint notice", issuer)
			}
		}
		if !strings.Contains(page("demo/2024-02/n-2024-003/index.html"), "联合发文") {
			t.Error("joint notice is not marked 联合发文")
		}
	})

	t.Run("prev and next within the issue", func(t *testing.T) {
		html := page("demo/2024-02/n-2024-003/index.html")
		prev := regexp.MustCompile(`rel="?prev"? href="?([^" >]*)`).FindStringSubmatch(html)
		next := regexp.MustCompile(`rel="?next"? href="?([^" >]*)`).FindStringSubmatch(html)
		if prev == nil || prev[1] != "/archive/demo/2024-02/szf-2024-005/" {
			t.Errorf("prev = %v, want the first document of the issue", prev)
		}
		if next == nil || next[1] != "/archive/demo/2024-02/n-2024-003/plan-01/" {
			t.Errorf("next = %v, want the plan the notice issued", next)
		}
	})

	t.Run("document without 文号", func(t *testing.T) {
		html := page("documents/report-2024/index.html")
		if strings.Contains(html, "<dt>文号") {
			t.Error("report without 文号 shows a 文号 row")
		}
		if !strings.Contains(html, "000000/2024-00001") {
			t.Error("索引号 missing")
		}
	})

	t.Run("table and nested headings", func(t *testing.T) {
		html := page("demo/2024-02/n-2024-003/plan-01/index.html")
		for _, want := range []string{"<table>", "<th>牵头单位</th>", `<h4 id="s4">`, `href="#s4"`} {
			if !strings.Contains(html, want) {
				t.Errorf("plan page lacks %s", want)
			}
		}
	})

	t.Run("soft line breaks between Chinese add no space", func(t *testing.T) {
		html := page("demo/2024-01/szf-2024-001/index.html")
		if !strings.Contains(html, "表彰。希望") {
			t.Error("a soft line break between Chinese sentences rendered as a space or newline")
		}
	})

	t.Run("citations: cites, cited by, repeal, 印发, 未收录", func(t *testing.T) {
		cited := page("demo/2024-01/szf-2024-001/index.html")
		if !strings.Contains(cited, "被引用") || !strings.Contains(cited, `href="/archive/demo/2024-02/szf-2024-005/"`) {
			t.Error("cited document does not list who cites it")
		}
		if !strings.Contains(cited, "继续做好表彰工作") {
			t.Error("被引用 lacks the sentence around the citation")
		}
		repealed := page("demo/2024-01/szf-2023-040/index.html")
		if !strings.Contains(repealed, "已废止") || !strings.Contains(repealed, `href="/archive/demo/2024-02/szf-2024-005/"`) {
			t.Error("repealed document lacks its 已废止 badge linking the repealing document")
		}
		citing := page("demo/2024-02/szf-2024-005/index.html")
		if !strings.Contains(citing, `<span class="cite cite-missing" title="未收录">《关于加强工作分工的意见》（省政发〔2022〕7号）</span>`) {
			t.Error("unresolved citation is not styled as missing")
		}
		notice := page("demo/2024-02/n-2024-003/index.html")
		if !strings.Contains(notice, "印发</span>") || !strings.Contains(notice, `href="/archive/demo/2024-02/n-2024-003/plan-01/"`) {
			t.Error("notice does not show the plan it issues")
		}
		report := page("citations/index.html")
		if !strings.Contains(report, "省政发〔2022〕7号") {
			t.Error("report page lacks the unresolved 文号")
		}
	})

	t.Run("every link is under the subpath", func(t *testing.T) {
		for _, name := range out.names() {
			if !strings.HasSuffix(name, ".html") {
				continue
			}
			for _, m := range hrefRE.FindAllStringSubmatch(string(out.files[name]), -1) {
				u := m[1]
				if strings.HasPrefix(u, "#") || strings.HasPrefix(u, "https://example.org/archive/") {
					continue
				}
				if !strings.HasPrefix(u, "/archive/") {
					t.Errorf("%s: link %q is not under /archive/", name, u)
				}
			}
		}
	})

	t.Run("lang and no external requests", func(t *testing.T) {
		for _, name := range out.names() {
			if !strings.HasSuffix(name, ".html") {
				continue
			}
			html := string(out.files[name])
			if !strings.Contains(html, `<html lang="zh-CN">`) && !strings.Contains(html, `<html lang=zh-CN>`) {
				t.Errorf("%s: no lang=zh-CN", name)
			}
			if regexp.MustCompile(`(?:src|href)="?(?:https?:)?//[^e]`).MatchString(html) {
				t.Errorf("%s: references another host", name)
			}
		}
	})
}

// TestBuildDeterministic builds twice with different parallelism.
func TestBuildDeterministic(t *testing.T) {
	a := buildTestSite(t, "/", true)
	cfg, _ := LoadConfig("testdata/site/config.toml", false)
	cfg.BaseURL = "/"
	b := &memOutput{}
	if _, _, err := Build(context.Background(), Options{Config: cfg, Content: os.DirFS("testdata/site/content"), ContentName: "content/", Out: b, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if len(a.files) != len(b.files) {
		t.Fatalf("%d files vs %d", len(a.files), len(b.files))
	}
	for n, data := range a.files {
		if string(b.files[n]) != string(data) {
			t.Errorf("%s differs between 1 and %d workers", n, 0)
		}
	}
}

func TestKindOfTitle(t *testing.T) {
	for _, tc := range []struct{ title, want string }{
		{"张掖市人民政府关于确定2023年度公共机构节能工作先进单位和先进个人的通知", "通知"},
		{"关于印发《泾源县中华蜜蜂产业专班2023年工作方案》的通知", "通知"},
		{"张掖市农业品牌发展规划(2024—2030年)", "规划"},
		{"中小学“强县中增学位建宿舍扩食堂”工程实施方案", "方案"},
		{"张掖市保障农民工工资支付工作考核办法", "办法"},
		{"政府工作报告", "报告"},
		{"市政府工作要事记(2月)", "要事记"},
		{"张掖市人民政府办公室2月份发文目录", "目录"},
		{"无法判断的标题", "其他"},
	} {
		if got := KindOfTitle(tc.title); got != tc.want {
			t.Errorf("KindOfTitle(%q) = %q, want %q", tc.title, got, tc.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"zzf-2024-027", "zzf-2024-027"},
		{"Report", "report"},
		{"..", hashSlug("..")},
		{"政府工作报告", hashSlug("政府工作报告")},
		{"a b", hashSlug("a b")},
	} {
		if got := slugify(tc.in); got != tc.want {
			t.Errorf("slugify(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if !isSlug(slugify(tc.in)) {
			t.Errorf("slugify(%q) is not a safe segment", tc.in)
		}
	}
}

func TestPaginate(t *testing.T) {
	for _, tc := range []struct {
		n, pages int
		last     string
	}{
		{0, 1, "years/2024/"},
		{1, 1, "years/2024/"},
		{ListPageSize, 1, "years/2024/"},
		{ListPageSize + 1, 2, "years/2024/page/2/"},
		{3*ListPageSize + 5, 4, "years/2024/page/4/"},
	} {
		pgs := paginate("years/2024/", tc.n)
		if len(pgs) != tc.pages {
			t.Errorf("n=%d: %d pages, want %d", tc.n, len(pgs), tc.pages)
			continue
		}
		last := pgs[len(pgs)-1]
		if last.URL != tc.last || last.Next != "" || last.To != tc.n || pgs[0].Prev != "" {
			t.Errorf("n=%d: last page %+v", tc.n, last)
		}
		covered := 0
		for i, p := range pgs {
			covered += p.To - p.From
			if i > 0 && p.Prev != pgs[i-1].URL {
				t.Errorf("n=%d: page %d prev %q", tc.n, i+1, p.Prev)
			}
		}
		if covered != tc.n {
			t.Errorf("n=%d: pages cover %d documents", tc.n, covered)
		}
	}
}

func TestGlossaryAnchors(t *testing.T) {
	html, err := newMarkdown().render([]byte("名词解释：\n\n新质生产力\n: 以创新起主导作用的先进生产力质态。\n\n两个确立\n: 解释。\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`<dt id="t1">新质生产力</dt>`, `<dt id="t2">两个确立</dt>`} {
		if !strings.Contains(string(html), want) {
			t.Errorf("glossary lacks %s:\n%s", want, html)
		}
	}
}

// TestBuildCancelled: a build cancelled once pass 1 is done stops with the
// context's error, and the search index (written beside the pages) writes
// nothing after it.
func TestBuildCancelled(t *testing.T) {
	cfg, _ := LoadConfig("testdata/site/config.toml", false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &memOutput{}
	_, _, err := Build(ctx, Options{Config: cfg, Content: os.DirFS("testdata/site/content"), ContentName: "content/", Out: out,
		AfterScan: cancel})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Build after cancel: %v, want context.Canceled", err)
	}
	for name := range out.files {
		if strings.HasPrefix(name, "search/") {
			t.Errorf("%s written after the build was cancelled", name)
		}
	}
}
