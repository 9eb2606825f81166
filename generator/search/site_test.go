package search_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"testing"
	"testing/fstest"

	"gazette/generator"
	"gazette/generator/search"
)

// siteDoc is a fixture written as a content file.
type siteDoc struct {
	file    string // below content/
	title   string
	number  string // canonical 文号
	printed string // as printed, when it differs
	issuers []string
	kind    string
	date    string
	body    string
}

// realSiteDocs mirror the fixtures of the package tests (query_test.go)
// as content: the same IDs, so the same URLs.
var realSiteDocs = []siteDoc{
	{"zhangye/2024-02/zzbf-2024-010.md", "张掖市人民政府办公室关于印发张掖市保障农民工工资支付工作考核办法的通知", "张政办发〔2024〕10号", "", []string{"张掖市人民政府办公室"}, "通知", "2024-02-05",
		"各县区人民政府，市政府各部门，市直各单位：\n\n《张掖市保障农民工工资支付工作考核办法》已经市政府同意，现印发给你们，请认真贯彻执行。"},
	{"zhangye/2024-02/zzf-2024-023.md", "张掖市人民政府关于调整市政府领导工作分工的通知", "张政发〔2024〕23号", "", []string{"张掖市人民政府"}, "通知", "2024-02-20",
		"因工作需要，经研究，对市政府领导工作分工作如下调整。"},
	{"zhangye/2024-02/zzbf-2024-023.md", "张掖市人民政府办公室关于印发落实2024年省委省政府为民实事实施方案的通知", "张政办发〔2024〕23号", "", []string{"张掖市人民政府办公室"}, "通知", "2024-02-25",
		"现将落实2024年省委省政府为民实事实施方案印发给你们，请结合实际，认真组织实施。"},
	{"jingyuan/2023-02/jzbf-2023-021.md", "涇源縣人民政府辦公室關於印發涇源縣教育質量提升行動實施方案的通知", "泾政办发〔2023〕21号", "涇政办发(2023)21 号", []string{"泾源县人民政府办公室"}, "通知", "2023-04-12",
		"為全面提高涇源縣教育質量，辦好人民滿意的教育，引導家長和中小學生樹立正確的成才觀，制定本方案。"},
	{"jingyuan/2023-02/jdbf-2023-031.md", "中共泾源县委办公室 泾源县人民政府办公室关于印发泾源县特色产业发展提质增效行动方案的通知", "泾党办发〔2023〕31号", "", []string{"中共泾源县委办公室", "泾源县人民政府办公室"}, "通知", "2023-03-30",
		"为推进全县特色产业发展提质增效，促进农民持续增收，制定本方案。"},
	{"documents/gzq-2025-shenpi.md", "关于深化工程建设项目审批制度改革的实施意见", "", "", []string{"甘州区人民政府"}, "意见", "2025-06-01",
		"持续深化审批制度改革，推动各审批阶段简化流程、压缩时限，全面提升审批效率。"},
	{"documents/gzq-2025-dongxun.md", "关于做好2025年民兵冬训工作的通知", "", "", []string{"甘州区人民政府"}, "通知", "2025-11-02",
		"各乡镇要按照冬训安排，组织民兵完成集中训练。"},
	{"jingyuan/2024-01/jzbf-2024-003.md", "泾源县人民政府办公室关于做好根治欠薪冬季攻坚行动的通知", "泾政办发〔2024〕3号", "", []string{"泾源县人民政府办公室"}, "通知", "2024-01-08",
		"各乡镇、各部门要切实保障农民工工资按时足额支付，坚决遏制欠薪问题发生。"},
}

func tomlString(s string) string { return fmt.Sprintf("%q", s) }

// realContent returns a content tree with the fixtures and n filler
// documents of real gazette sentences.
func realContent(tb testing.TB, n int) fstest.MapFS {
	tb.Helper()
	fsys := fstest.MapFS{
		"zhangye/_gazette.md":        {Data: []byte("+++\nname = \"张掖市人民政府公报\"\n+++\n")},
		"zhangye/2024-02/_issue.md":  {Data: []byte("+++\nyear = 2024\nnumber = 2\ndate = 2024-03-08\n+++\n")},
		"jingyuan/_gazette.md":       {Data: []byte("+++\nname = \"泾源县人民政府公报\"\n+++\n")},
		"jingyuan/2023-02/_issue.md": {Data: []byte("+++\nyear = 2023\nnumber = 2\ndate = 2023-04-30\n+++\n")},
		"jingyuan/2024-01/_issue.md": {Data: []byte("+++\nyear = 2024\nnumber = 1\ndate = 2024-02-28\n+++\n")},
	}
	add := func(d siteDoc) {
		var b strings.Builder
		b.WriteString("+++\ntitle = " + tomlString(d.title) + "\n")
		if d.number != "" {
			b.WriteString("doc_number = " + tomlString(d.number) + "\n")
		}
		if d.printed != "" {
			b.WriteString("doc_number_printed = " + tomlString(d.printed) + "\n")
		}
		var is []string
		for _, s := range d.issuers {
			is = append(is, tomlString(s))
		}
		b.WriteString("issuers = [" + strings.Join(is, ", ") + "]\n")
		b.WriteString("kind = " + tomlString(d.kind) + "\ndate_signed = " + d.date + "\n+++\n\n" + d.body + "\n")
		fsys[d.file] = &fstest.MapFile{Data: []byte(b.String())}
	}
	for _, d := range realSiteDocs {
		add(d)
	}
	lines := strings.Split(strings.TrimSpace(string(mustRead(tb, "testdata/sentences.txt"))), "\n")
	issuers := []string{"张掖市人民政府", "武威市人民政府办公室", "甘州区人民政府"}
	for i := range n {
		var body strings.Builder
		for j := range 12 {
			body.WriteString(lines[(i*31+j*7)%len(lines)])
			body.WriteString("\n\n")
		}
		title := []rune(strings.TrimSpace(lines[(i*17)%len(lines)]))
		add(siteDoc{
			file:    fmt.Sprintf("documents/filler-%03d.md", i),
			title:   "关于" + string(title[:min(18, len(title))]) + "的通知",
			issuers: []string{issuers[i%len(issuers)]},
			kind:    "通知",
			date:    fmt.Sprintf("%d-%02d-%02d", 2019+i%6, i%12+1, i%28+1),
			body:    body.String(),
		})
	}
	return fsys
}

// siteOutput keeps a build in memory.
type siteOutput struct{ files map[string][]byte }

func (o *siteOutput) WriteFile(name string, data []byte) error {
	o.files[name] = append([]byte(nil), data...)
	return nil
}

// TestBrowser builds a site with generator.Build, the embedded default
// theme (so the shipped search.html and search.js) and minification, serves
// it under a subpath on 127.0.0.1 and runs the browser cases of issue 5
// against it in headless chromium.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx := search.TestBrowserContext(t)
	const base = "/archive/"
	cfg := generator.DefaultConfig()
	cfg.BaseURL = "https://example.org" + base
	out := &siteOutput{files: map[string][]byte{}}
	if _, _, err := generator.Build(context.Background(), generator.Options{
		Config: cfg, Content: realContent(t, 120), ContentName: "content/", Out: out,
	}); err != nil {
		t.Fatalf("build: %v", err)
	}
	if _, ok := out.files["search/manifest.json"]; !ok {
		t.Fatal("the build wrote no search/manifest.json")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, base)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		data, ok := out.files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if ct := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json"}[path.Ext(name)]; ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Write(data)
	}))
	defer srv.Close()
	search.RunBrowserCases(t, ctx, srv.URL, base)
}

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
