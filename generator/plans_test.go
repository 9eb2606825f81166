package generator

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"gazette/generator/content"
	"gazette/generator/diag"
)

// planSite is a small archive: a county office issues a plan whose tasks
// are marked in the text, names itself among the offices, and a
// hand-written plan lists its tasks in the front matter.
var planSite = fstest.MapFS{
	"_offices.toml": {Data: []byte(`["示范县"]
"示范县人民政府办公室" = ["政府办"]
"示范县发展和改革局" = ["发改局", "发改委"]
"示范县农业农村局" = []
"示范县财政局" = []
"各乡（镇）人民政府" = ["各乡镇人民政府"]
`)},
	"demo/_gazette.md":       {Data: []byte("+++\nname = \"示范县人民政府公报\"\n+++\n")},
	"demo/2024-01/_issue.md": {Data: []byte("+++\nyear = 2024\nnumber = 1\ndate = 2024-01-20\n+++\n")},
	"demo/2024-01/n-001.md": {Data: []byte(`+++
title = "示范县人民政府办公室关于印发节粮方案的通知"
issuers = ["示范县人民政府办公室"]
date_signed = 2024-01-10
+++
现将《节粮方案》印发给你们。
`)},
	"demo/2024-01/n-001/plan-01.md": {Data: []byte(`+++
title = "节粮方案"
issuers = ["示范县人民政府办公室"]
parent = "demo/2024-01/n-001"
+++
## 一、重点任务

### （一）生产环节

1\. 推进节约用种。11月底前完成。（牵头单位：农业农村局，配合单位：县发改局、政府办，各乡〔镇〕人民政府）

2\. 加强宣传。（牵头单位：发改委，配合单位：档案馆）
`)},
	"documents/hand/plan.md": {Data: []byte(`+++
title = "示范县手写工作方案"
issuers = ["示范县人民政府"]
date_signed = 2023-05-01

[[tasks]]
text = "建设冷库"
heading = "二、任务"
lead = ["农业农村局"]
cooperating = ["财政局"]
deadline = "2023年10月"
amount = "安排资金20万元"
+++
## 一、目标

## 二、任务

建设冷库。（牵头单位：发改局）

（一）准备阶段（1—2月）。选址。

（二）实施阶段（3—10月）。建设。
`)},
}

func buildPlanSite(tb testing.TB, fsys fstest.MapFS) (*memOutput, diag.List, error) {
	tb.Helper()
	cfg := DefaultConfig()
	cfg.BaseURL = "/a/"
	cfg.Minify = false
	out := &memOutput{}
	_, warnings, err := Build(context.Background(), Options{Config: cfg, Content: fsys, ContentName: "content/", Out: out})
	return out, warnings, err
}

func TestPlanPages(t *testing.T) {
	out, _, err := buildPlanSite(t, planSite)
	if err != nil {
		t.Fatal(err)
	}
	page := func(name string) string {
		t.Helper()
		b, ok := out.files[name]
		if !ok {
			t.Fatalf("no page %s", name)
		}
		return string(b)
	}
	office := func(name string) string { return "issuers/" + hashSlug(name) + "/index.html" }

	plan := page("demo/2024-01/n-001/plan-01/index.html")
	for _, want := range []string{
		`<table class="task-table">`,
		`<a href="#s2">推进节约用种</a>`, // the heading the task sits under
		`<a href="/a/issuers/` + hashSlug("示范县农业农村局") + `/" title="示范县农业农村局">农业农村局</a>`,
		`title="示范县发展和改革局">县发改局</a>`,
		`各乡〔镇〕人民政府`, // a group: not linked
		`<td>11月底前</td>`,
		`href="/a/plans/"`,
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("plan page lacks %s", want)
		}
	}
	if strings.Contains(plan, `>各乡〔镇〕人民政府</a>`) {
		t.Error("a group of offices is linked as if it were one office")
	}

	// The issuing office's page holds its documents and its tasks.
	gov := page(office("示范县人民政府办公室"))
	for _, want := range []string{"配合、实施的任务", "推进节约用种", "发布的文件", "示范县人民政府办公室关于印发节粮方案的通知"} {
		if !strings.Contains(gov, want) {
			t.Errorf("office page of the issuer lacks %s", want)
		}
	}
	// 发改局 leads one task (as 发改委) and supports one (as 县发改局).
	ndrc := page(office("示范县发展和改革局"))
	if !strings.Contains(ndrc, "牵头任务 1 项 · 配合、实施任务 1 项") || !strings.Contains(ndrc, "规划中写作：县发改局、发改委") {
		t.Errorf("发改局 page:\n%s", ndrc)
	}
	// The hand-written plan's front matter wins over its text.
	agri := page(office("示范县农业农村局"))
	if !strings.Contains(agri, "牵头任务 2 项") || !strings.Contains(agri, "建设冷库") || !strings.Contains(agri, `href="/a/documents/hand/plan/#s2"`) {
		t.Errorf("农业农村局 page:\n%s", agri)
	}
	hand := page("documents/hand/plan/index.html")
	if !strings.Contains(hand, `实施步骤：</span><a href="#s2">准备阶段</a>（1—2月） → <a href="#s2">实施阶段</a>（3—10月）`) {
		t.Errorf("hand-written plan page lacks its stages:\n%s", hand)
	}
	if strings.Contains(ndrc, "建设冷库") {
		t.Error("a task in the text of a plan with [[tasks]] was extracted too")
	}

	overview := page("plans/index.html")
	for _, want := range []string{`href="/a/plans/2024/">2024年</a> <span class="count">1 件 · 2 项任务`, `href="/a/plans/2023/">2023年</a>`, `href="/a/plans/offices/` + hashSlug("示范县") + `/">示范县</a>`} {
		if !strings.Contains(overview, want) {
			t.Errorf("plans overview lacks %s", want)
		}
	}
	for name, wants := range map[string][]string{
		"plans/2024/index.html": {`<h2 id="j-` + hashSlug("示范县") + `">示范县</h2>`, "节粮方案", "2 项任务"},
		"plans/2023/index.html": {`<h2 id="j-` + hashSlug("示范县") + `">示范县</h2>`, "示范县手写工作方案", "1 项任务"},
	} {
		for _, want := range wants {
			if !strings.Contains(page(name), want) {
				t.Errorf("%s lacks %s", name, want)
			}
		}
	}
}

func TestPlanProblems(t *testing.T) {
	t.Run("unknown office", func(t *testing.T) {
		s, ps := Load(context.Background(), DefaultConfig(), planSite, "content/")
		if ps.HasErrors() {
			t.Fatal(ps)
		}
		got := s.UnknownOffices()
		if len(got) != 1 || got[0].Severity != diag.Warning || got[0].Error() != `content/demo/2024-01/n-001/plan-01.md:12: warning: office "档案馆" is not in content/_offices.toml: add it under ["示范县"], as an alias of an office or as an office of its own` {
			t.Errorf("UnknownOffices = %v", got)
		}
	})
	t.Run("unknown office named twice", func(t *testing.T) {
		fsys := fstest.MapFS{}
		for k, v := range planSite {
			fsys[k] = v
		}
		fsys["documents/hand/twice.md"] = &fstest.MapFile{Data: []byte("+++\ntitle = \"示范县档案工作方案\"\nissuers = [\"示范县人民政府\"]\n" +
			"[[tasks]]\ntext = \"整理档案\"\nlead = [\"方志馆\"]\n[[tasks]]\ntext = \"数字化\"\nlead = [\"方志馆\"]\ncooperating = [\"方志馆\"]\n+++\n")}
		s, ps := Load(context.Background(), DefaultConfig(), fsys, "content/")
		if ps.HasErrors() {
			t.Fatal(ps)
		}
		n := 0
		for _, p := range s.UnknownOffices() {
			if strings.Contains(p.Msg, "方志馆") {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d warnings for one unknown office in one file, want 1: %v", n, s.UnknownOffices())
		}
	})
	for _, c := range []struct{ name, file, data, want string }{
		{"bad table", "_offices.toml", "[\"示范县\"]\n\"x\" = 1\n", `content/_offices.toml: ["示范县"] "x": write its aliases as a list of strings`},
		{"page at the overview's URL", "plans.md", "+++\ntitle = \"t\"\nissuers = [\"示范县人民政府\"]\n+++\n", "content/plans.md: URL /plans/ is the plans overview gazette makes"},
		{"task without office", "documents/hand/plan.md", "+++\ntitle = \"t\"\nissuers = [\"示范县人民政府\"]\n[[tasks]]\ntext = \"建设冷库\"\n+++\n", "content/documents/hand/plan.md: [[tasks]] number 1 needs text and at least one of lead, cooperating, implementing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range planSite {
				fsys[k] = v
			}
			fsys[c.file] = &fstest.MapFile{Data: []byte(c.data)}
			_, _, err := buildPlanSite(t, fsys)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want %s", err, c.want)
			}
		})
	}
}

// TestShippedPlans checks the responsibility index of the shipped archive
// (content/) against counts made independently of goldmark and of package
// plans: a line-based scan of the Markdown for lead labels.
func TestShippedPlans(t *testing.T) {
	if _, err := os.Stat("../content/" + "_offices.toml"); err != nil {
		t.Skip("no shipped content")
	}
	s, ps := Load(context.Background(), DefaultConfig(), os.DirFS("../content"), "content/")
	if ps.HasErrors() {
		t.Fatal(ps.Errors())
	}
	if got := s.Plans.Tasks; got != 445 {
		// 364 blocks in the 泾源 issue (ANALYSIS.md §5), 11 in 张政办发〔2024〕23号,
		// 12 in 张政办发〔2022〕38号, 20 in 武政办发〔2025〕7号, and the 38 rows of
		// the task tables 表2–表5 of 市委办发〔2024〕8号.
		t.Errorf("%d tasks in the archive, want 445", got)
	}
	stages := 0
	for _, p := range s.Plans.Plans {
		if strings.HasPrefix(p.Doc.ID, "documents/wuwei/") {
			stages += len(p.Stages)
		}
	}
	// grep -E '^(#+ )?([（(][一…十]+[）)]|[0-9]+\\?[.、．]) ?[^，。,；;（(]{1,12}阶段 ?[（(][^）)]{1,30}[）)]'
	// over content/documents/wuwei finds 37 lines.
	if stages != 37 {
		t.Errorf("%d stages in the 武威 plans, want 37", stages)
	}
	of := s.Plans.OfficeAt("issuers/" + hashSlug("泾源县农业农村局") + "/")
	if of == nil {
		t.Fatal("no office 泾源县农业农村局")
	}
	// 54 blocks name 农业农村局 (or 县农业农村局) as lead in the raw seed 002
	// too, counted by the same line scan over 002_ba20bb1f4d312b29.txt.
	if want := scanLeads(t, s, "jingyuan/", "农业农村局"); of.NLead != want || want != 54 {
		t.Errorf("泾源县农业农村局 leads %d tasks, the line scan finds %d, want 54", of.NLead, want)
	}
	// The ten offices with most tasks: each leads as many tasks as the line
	// scan finds blocks naming one of its printed names as lead.
	wantLead := map[string]int{
		"泾源县教育体育局": 103, "泾源县发展和改革局": 50, "泾源县财政局": 33, "泾源县农业农村局": 54,
		"泾源县乡村振兴局": 32, "泾源县科学技术局": 45, "泾源县人力资源和社会保障局": 45,
		"泾源县卫生健康局": 42, "泾源县自然资源局": 29, "泾源县民政局": 29,
	}
	for _, o := range s.Plans.Offices[:10] {
		if scan := scanLeads(t, s, "jingyuan/", o.Printed...); o.NLead != wantLead[o.Name] || o.NLead != scan {
			t.Errorf("%s leads %d tasks, the line scan finds %d, want %d", o.Name, o.NLead, scan, wantLead[o.Name])
		}
	}
	listed := 0
	for _, op := range of.Leads {
		listed += len(op.Tasks)
	}
	if listed != of.NLead {
		t.Errorf("the page lists %d tasks led, counted %d", listed, of.NLead)
	}
	if n := len(s.UnknownOffices()); n != 0 {
		t.Errorf("%d office names unknown to content/_offices.toml: %v", n, s.UnknownOffices())
	}
}

var (
	leadLabel = regexp.MustCompile(`(牵头单位|牵头部门|责任单位|责任部门)\**[：:]\**`)
	anyLabel  = regexp.MustCompile(`(牵头单位|牵头部门|配合单位|配合部门|责任单位|责任部门|实施单位|实施主体|完成时限|完成时间|时间|形式|技术指导|责任人)\**[：:]`)
)

// scanLeads counts the marker blocks of the plans whose ID contains in
// that name one of names among their leads: a 牵头 label, or a 责任 label
// with no 牵头 label on its line or the line before.
func scanLeads(tb testing.TB, s *Site, in string, names ...string) int {
	tb.Helper()
	n := 0
	for _, d := range s.Docs {
		if !strings.Contains(d.ID, in) {
			continue
		}
		var lines []string
		for _, l := range strings.Split(d.Body, "\n") {
			if strings.TrimSpace(l) == "" {
				continue
			}
			// A marker broken by a page: "…（责" and "任部门：…）".
			if n := len(lines); n > 0 && (strings.HasSuffix(strings.TrimSuffix(lines[n-1], lastRuneOf(lines[n-1])), "（") || strings.HasSuffix(strings.TrimSuffix(lines[n-1], lastRuneOf(lines[n-1])), "(")) {
				lines[n-1] += l
				continue
			}
			lines = append(lines, l)
		}
		for i, l := range lines {
			for _, m := range leadLabel.FindAllStringSubmatchIndex(l, -1) {
				if strings.HasPrefix(l[m[2]:m[3]], "责任") {
					ctx := l[:m[0]]
					if i > 0 {
						ctx += lines[i-1]
					}
					if strings.Contains(ctx, "牵头单位") || strings.Contains(ctx, "牵头部门") {
						continue
					}
				}
				v := l[m[1]:]
				if e := anyLabel.FindStringIndex(v); e != nil {
					v = v[:e[0]]
				}
				depth := 0 // cut at the bracket closing an inline block
				for i, r := range v {
					if r == '（' || r == '(' {
						depth++
					} else if r == '）' || r == ')' {
						if depth == 0 {
							v = v[:i]
							break
						}
						depth--
					}
				}
				for _, name := range names {
					if strings.Contains(v, name) {
						n++
						break
					}
				}
			}
		}
	}
	return n
}

func lastRuneOf(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return ""
	}
	return string(r[len(r)-1:])
}

// TestPlanWorkerReuse finds the tasks of two bodies with one worker, whose
// buffer the second overwrites: the first's tasks must be unchanged, so
// nothing found holds the buffer's bytes.
func TestPlanWorkerReuse(t *testing.T) {
	body := func(a, b string) string {
		return "## 一、重点任务\n\n### （一）" + a + "\n\n开展" + a + "工作。\n\n牵头单位：" + b + "\n\n配合单位：县财政局、县民政局\n"
	}
	var pw planWorker
	d := &content.Document{Title: "示范县实施方案"}
	first := pw.extract(d, body("加强监测", "县卫健局"))
	if len(first.tasks) == 0 {
		t.Fatal("no tasks in the first body")
	}
	before := fmt.Sprintf("%#v", first)
	second := pw.extract(d, body("改善环境", "县住建局"))
	if len(second.tasks) == 0 {
		t.Fatal("no tasks in the second body")
	}
	if after := fmt.Sprintf("%#v", first); after != before {
		t.Errorf("the first body's tasks changed when the worker parsed another:\n%s\n%s", before, after)
	}
	if !strings.Contains(before, "县卫健局") || !strings.Contains(fmt.Sprintf("%#v", second), "县住建局") {
		t.Errorf("tasks do not name their lead offices:\n%s\n%#v", before, second)
	}

	// Tasks from the front matter, placed under the body's headings, and
	// the plan's stages.
	staged := func(a, b string) string {
		return "## 一、" + a + "\n\n牵头单位：县财政局\n\n## 二、实施步骤\n\n（一）" + b + "阶段（2024年3月）。\n"
	}
	fd := &content.Document{Title: "示范县工作方案", Tasks: []content.Task{{Text: "落实资金", Heading: "一、筹措资金", Lead: []string{"县财政局"}}}}
	first = pw.extract(fd, staged("筹措资金", "动员部署"))
	if len(first.tasks) == 0 || len(first.stages) == 0 {
		t.Fatalf("front matter tasks or stages not found: %#v", first)
	}
	before = fmt.Sprintf("%#v", first)
	pw.extract(fd, staged("保障措施", "集中攻坚"))
	if after := fmt.Sprintf("%#v", first); after != before {
		t.Errorf("the first body's tasks or stages changed when the worker parsed another:\n%s\n%s", before, after)
	}
	if !strings.Contains(before, "动员部署阶段") || !strings.Contains(before, `Anchor:"s1"`) {
		t.Errorf("want the stage named and the task under its heading's anchor:\n%s", before)
	}
}
