package plans

import (
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/yuin/goldmark/text"

	"gazette/generator/content"
)

// loadPlan decodes a content file from testdata and extracts its tasks.
func loadPlan(tb testing.TB, name string) (content.Document, []Task) {
	tb.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	var d content.Document
	body, _, ps := content.Decode(name, data, &d)
	if ps.HasErrors() {
		tb.Fatal(ps)
	}
	return d, Extract(d.Title, []byte(body), parse(tb, body))
}

// shippedOffices is content/_offices.toml, the table the archive uses.
func shippedOffices(tb testing.TB) *Offices {
	tb.Helper()
	data, err := os.ReadFile("../../content/" + OfficesFile)
	if err != nil {
		tb.Fatal(err)
	}
	o, ps := ParseOffices("content/"+OfficesFile, data)
	if len(ps) > 0 {
		tb.Fatal(ps)
	}
	return o
}

// assignments counts, per resolved office, the tasks it leads and the
// tasks it supports (cooperating or implementing); groups are counted
// under their own name.
func assignments(tb testing.TB, o *Offices, jur string, tasks []Task) (lead, support map[string]int) {
	tb.Helper()
	lead, support = map[string]int{}, map[string]int{}
	for _, t := range tasks {
		for _, n := range t.Lead {
			lead[o.Resolve(jur, n).Name]++
		}
		for _, n := range append(append([]string{}, t.Cooperating...), t.Implementing...) {
			support[o.Resolve(jur, n).Name]++
		}
	}
	return lead, support
}

// The 泾源 粮食节约行动实施方案 (泾党办发〔2023〕20号): 28 inline blocks
// （牵头单位：X，配合单位：Y）, one of them without brackets after a full
// stop (task 14), one split by a page break (task 4). The expected counts
// were checked against the seed with
//
//	grep -o '牵头单位：[^，。）]*' (28 blocks) and a Python split of every
//	牵头单位/配合单位 value at 、 and ，.
func TestExtractJingyuanGrain(t *testing.T) {
	d, tasks := loadPlan(t, "jingyuan-jdbf-2023-020-plan-01.md")
	jur := Jurisdiction(d.Issuers)
	if jur != "泾源县" {
		t.Fatalf("jurisdiction = %q, want 泾源县", jur)
	}
	if len(tasks) != 28 {
		t.Fatalf("%d tasks, want 28", len(tasks))
	}
	lead, support := assignments(t, shippedOffices(t), jur, tasks)
	wantLead := map[string]int{
		"泾源县发展和改革局":       6, // 发改局 ×5, 县发改局 ×1
		"泾源县农业农村局":        5,
		"泾源县科学技术局":        3,
		"中共泾源县委宣传部":       3,
		"泾源县交通运输局":        3, // 交通局 ×2, 交通运输局 ×1
		"泾源县机关事务服务中心":     2, // 机关事务服务中心, 机关事务管理中心
		"泾源县财政局":          1,
		"泾源县统计局":          1,
		"泾源县教育体育局":        1,
		"泾源县市场监督管理局":      1,
		"泾源县卫生健康局":        1,
		"泾源县住房和城乡建设局":     1,
		"泾源县人大常委会法制工作委员会": 1,
		"中共泾源县委督查室":       1,
		"泾源县人民政府督查室":      1,
	}
	if !reflect.DeepEqual(lead, wantLead) {
		t.Errorf("leads per office:\n got %v\nwant %v", lead, wantLead)
	}
	wantSupport := map[string]int{
		"泾源县发展和改革局":   16,
		"泾源县市场监督管理局":  9,
		"泾源县农业农村局":    8,
		"泾源县财政局":      7,
		"泾源县科学技术局":    6,
		"泾源县交通运输局":    2,
		"泾源县妇女联合会":    2,
		"共青团泾源县委员会":   1,
		"中共泾源县委宣传部":   1,
		"中国人民银行泾源县支行": 1,
		"泾源县民政局":      1,
		"泾源县司法局":      1,
		"县直各部门（单位）":   2, // 县直有关部门, 县直相关部门
		"各乡（镇）人民政府":   28,
	}
	if !reflect.DeepEqual(support, wantSupport) {
		t.Errorf("supports per office:\n got %v\nwant %v", support, wantSupport)
	}

	for _, c := range []struct {
		i                      int
		short, heading, anchor string
		lead                   []string
		textHas                string
	}{
		{0, "推进农业生产节约用种", "（一）抓好农业生产环节节约减损", "s4", []string{"农业农村局"}, "带动农民科学选种"},
		{3, "提升粮食产后烘干水平", "（二）抓好粮食储存环节节约减损", "s5", []string{"农业农村局"}, "积极争取中央及自治区"}, // joined across the page break
		{6, "强化储粮关键技术运用", "（二）抓好粮食储存环节节约减损", "s5", []string{"科技局"}, "智能粮情监测"},
		{13, "加强粮食加工技术研发", "（四）抓好粮食加工过程减损", "s7", []string{"科技局"}, "高端化、智能化、绿色化转变"},
		{25, "完善制度标准", "四、保障措施", "s9", []string{"人大常委会法工委", "县委督查室", "政府督查室"}, ""},
	} {
		tk := tasks[c.i]
		if tk.Short() != c.short || tk.Heading != c.heading || tk.Anchor != c.anchor || !reflect.DeepEqual(tk.Lead, c.lead) || !strings.Contains(tk.Text, c.textHas) {
			t.Errorf("task %d = %q under %q (%s), lead %q, text %q;\nwant %q under %q (%s), lead %q, text with %q",
				c.i+1, tk.Short(), tk.Heading, tk.Anchor, tk.Lead, tk.Text, c.short, c.heading, c.anchor, c.lead, c.textHas)
		}
		if strings.Contains(tk.Text, "牵头单位") {
			t.Errorf("task %d text keeps its marker: %q", c.i+1, tk.Text)
		}
	}
}

// Two plans of 武政办发〔2025〕7号: a 责任主体 block assigning the whole plan
// (labels glued on one line), and a plan of two parts, each with its own
// block, deadline and funds.
func TestExtractWuwei(t *testing.T) {
	offices := shippedOffices(t)
	t.Run("plan-01", func(t *testing.T) {
		d, tasks := loadPlan(t, "wuwei-wzbf-2025-007-plan-01.md")
		want := []Task{{
			Text: d.Title, Heading: "四、责任主体", Anchor: "s4", Line: 30, // line 41 of the file
			Lead:         []string{"市教育局"},
			Cooperating:  []string{"市发展改革委", "市财政局", "市自然资源局", "市住建局"},
			Implementing: []string{"凉州区人民政府", "古浪县人民政府"},
			Deadline:     "2025年11月底", Amount: "统筹安排资金10040万元",
		}}
		if !reflect.DeepEqual(tasks, want) {
			t.Fatalf("tasks:\n got %+v\nwant %+v", tasks, want)
		}
		lead, support := assignments(t, offices, Jurisdiction(d.Issuers), tasks)
		if !reflect.DeepEqual(lead, map[string]int{"武威市教育局": 1}) {
			t.Errorf("leads = %v", lead)
		}
		wantSupport := map[string]int{"武威市发展和改革委员会": 1, "武威市财政局": 1, "武威市自然资源局": 1,
			"武威市住房和城乡建设局": 1, "凉州区人民政府": 1, "古浪县人民政府": 1}
		if !reflect.DeepEqual(support, wantSupport) {
			t.Errorf("supports = %v, want %v", support, wantSupport)
		}
	})
	t.Run("plan-06", func(t *testing.T) {
		_, tasks := loadPlan(t, "wuwei-wzbf-2025-007-plan-06.md")
		if len(tasks) != 2 {
			t.Fatalf("%d tasks, want 2", len(tasks))
		}
		for i, w := range []struct{ short, anchor, deadline, amount string }{
			{"155户困难重度残疾人家庭无障碍改造", "s6", "2025年10月底前完成改造任务,12月底前完成总结宣传工作", "从中央彩票公益金安排改造补贴资金54.25万元"},
			{"残疾人日间照料服务省级示范中心建设项目", "s15", "2025年11月底前", "省级财政资金补助30万元"},
		} {
			tk := tasks[i]
			if tk.Short() != w.short || tk.Anchor != w.anchor || tk.Deadline != w.deadline || tk.Amount != w.amount {
				t.Errorf("task %d = %q %s %q %q, want %q %s %q %q", i+1, tk.Short(), tk.Anchor, tk.Deadline, tk.Amount, w.short, w.anchor, w.deadline, w.amount)
			}
			if !reflect.DeepEqual(tk.Lead, []string{"市残联"}) {
				t.Errorf("task %d lead = %q", i+1, tk.Lead)
			}
		}
	})
}

// TestExtractLayouts covers each marker layout of the seeds on small bodies.
func TestExtractLayouts(t *testing.T) {
	for _, c := range []struct {
		name, body string
		want       []Task
	}{
		{
			name: "inline brackets",
			body: "## 一、任务\n\n1\\. 推进节约用种。积极争取项目。（牵头单位：农业农村局，配合单位：发改局、科技局，各乡〔镇〕人民政府）\n",
			want: []Task{{Text: "1. 推进节约用种。积极争取项目。", Heading: "一、任务", Anchor: "s1", Line: 3,
				Lead: []string{"农业农村局"}, Cooperating: []string{"发改局", "科技局", "各乡〔镇〕人民政府"}}},
		},
		{
			name: "inline with 。 between roles and bold labels",
			body: "1\\. 加快项目建设。（**牵头单位：**发改局。**责任单位：**财政局、人社局）\n",
			want: []Task{{Text: "1. 加快项目建设。", Line: 1, Lead: []string{"发改局"}, Cooperating: []string{"财政局", "人社局"}}},
		},
		{
			name: "marker paragraph after its task",
			body: "2\\. 降低收获损耗，11月底前完成。\n\n（牵头单位：农业农村局，配合单位：财政局）\n",
			want: []Task{{Text: "2. 降低收获损耗，11月底前完成。", Line: 3, Lead: []string{"农业农村局"}, Cooperating: []string{"财政局"}, Deadline: "11月底前"}},
		},
		{
			name: "责任单位 only is the lead",
			body: "### 1. 加强应用技术研究\n\n将关键技术攻关纳入科技计划。\n\n责任单位：科技局、气象局\n",
			want: []Task{{Text: "将关键技术攻关纳入科技计划。", Heading: "1. 加强应用技术研究", Anchor: "s1", Line: 5, Lead: []string{"科技局", "气象局"}}},
		},
		{
			name: "牵头 then 责任 on one line, 配合 and 完成时间 on the next",
			body: "(一) 实施工程，打造中心。\n\n牵头单位：农业农村局责任单位：供销社\n\n配合单位：发改局、财政局完成时间：2023年6月\n",
			want: []Task{{Text: "(一) 实施工程，打造中心。", Line: 3, Lead: []string{"农业农村局"}, Cooperating: []string{"供销社", "发改局", "财政局"}, Deadline: "2023年6月"}},
		},
		{
			name: "时间 形式 责任单位 配合单位 lines",
			body: "1\\. 开展志愿服务系列活动。\n\n时间：2023 年 3 月\n\n形式：校级开展\n\n责任单位：县教育工委（教育体育局）\n\n配合单位：县委宣传部、团县委\n",
			want: []Task{{Text: "1. 开展志愿服务系列活动。", Line: 3, Lead: []string{"县教育工委（教育体育局）"}, Cooperating: []string{"县委宣传部", "团县委"}, Deadline: "2023 年 3 月"}},
		},
		{
			name: "leaders listed over several lines are skipped",
			body: "建设示范基地。\n\n责任领导：王 荣 县委书记\n\n任 伟 县委常委、政府副县长\n\n牵头单位：农业农村局、各乡（镇）人民政府配合单位：发改局\n",
			want: []Task{{Text: "建设示范基地。", Line: 3, Lead: []string{"农业农村局", "各乡（镇）人民政府"}, Cooperating: []string{"发改局"}}},
		},
		{
			name: "为民实事 block with leaders, space-separated units",
			body: "## 五、责任主体\n\n市级责任领导:娄金华 市政府副市长\n\n部门责任领导:杨城 市教育局局长\n\n牵头单位:市教育局配合单位:市财政局 市发展改革委\n\n实施主体:各县区政府\n\n## 六、完成时限\n\n2024年11月底。\n\n## 七、资金安排\n\n年度总投资1302.9万元,其中争取国债1023.7万元。\n",
			want: []Task{{Text: "方案", Heading: "五、责任主体", Anchor: "s1", Line: 3, Lead: []string{"市教育局"},
				Cooperating: []string{"市财政局", "市发展改革委"}, Implementing: []string{"各县区政府"}, Deadline: "2024年11月底", Amount: "年度总投资1302.9万元"}},
		},
		{
			name: "a list of units broken by a page",
			body: "3\\. 创建健康社区。\n\n责任单位: 各乡镇,农业农村局\n\n配合单位: 卫健局、残联、妇\n\n联、教体局\n\n4\\. 创建健康企业。\n",
			want: []Task{{Text: "3. 创建健康社区。", Line: 3, Lead: []string{"各乡镇", "农业农村局"}, Cooperating: []string{"卫健局", "残联", "妇联", "教体局"}}},
		},
		{
			name: "a marker broken by a page",
			body: "6\\. 促进医疗康复与特殊教育融合。提供康复训练指导等。（责\n\n任部门：教育体育局、卫健局）\n",
			want: []Task{{Text: "6. 促进医疗康复与特殊教育融合。提供康复训练指导等。", Line: 1, Lead: []string{"教育体育局", "卫健局"}}},
		},
		{
			name: "a task table",
			body: "## 二、重点任务\n\n| 序号 | 具体任务 | 实施时间 | 实施单位 |\n|---|---|---|---|\n| 1 | 组建玉米种子研发团队。 | 2024年1—6月 | 市农业农村局、市科技局 |\n| 序号 | 具体任务 | 实施时间 | 实施单位 |\n| 2 |  | 2024年 | 市科技局 |\n",
			want: []Task{{Text: "组建玉米种子研发团队。", Heading: "二、重点任务", Anchor: "s1", Line: 3, Lead: []string{"市农业农村局", "市科技局"}, Deadline: "2024年1—6月"}},
		},
		{
			name: "a task table with lead and cooperating columns",
			body: "| 任务 | 牵头单位 | 配合单位 | 责任单位 | 完成时限 |\n|---|---|---|---|---|\n| 品牌培育 | 市农业农村局 | 市财政局 | 各县区政府 | 12月底前 |\n",
			want: []Task{{Text: "品牌培育", Line: 1, Lead: []string{"市农业农村局"}, Cooperating: []string{"市财政局"}, Implementing: []string{"各县区政府"}, Deadline: "12月底前"}},
		},
		{
			name: "a table without a task column is not read",
			body: "| 序号 | 项目名称 | 牵头单位 |\n|---|---|---|\n| 1 | 冷库 | 发改局 |\n",
		},
		{
			name: "unit label in running text is not a marker",
			body: "由专科联盟牵头单位组派专业人员。\n\n时间：2023年5月\n",
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Extract("方案", []byte(c.body), parse(t, c.body))
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestFromContent(t *testing.T) {
	heads := [][2]string{{"一、总体要求", "s1"}, {"（一）抓好 农业生产", "s2"}}
	got := FromContent([]content.Task{
		{Text: "推进节约用种", Heading: "（一）抓好农业生产", Lead: []string{"农业农村局"}, Deadline: "11月底前"},
		{Text: "无标题", Heading: "不存在", Cooperating: []string{"财政局"}},
	}, heads)
	want := []Task{
		{Text: "推进节约用种", Heading: "（一）抓好农业生产", Anchor: "s2", Lead: []string{"农业农村局"}, Deadline: "11月底前"},
		{Text: "无标题", Heading: "不存在", Cooperating: []string{"财政局"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestShort(t *testing.T) {
	for in, want := range map[string]string{
		"1\\. 推进农业生产节约用种。积极争取":  "推进农业生产节约用种",
		"（二）实施就业岗位拓展行动。":        "实施就业岗位拓展行动",
		"一、155户困难重度残疾人家庭无障碍改造":  "155户困难重度残疾人家庭无障碍改造",
		strings.Repeat("长", 70): strings.Repeat("长", 58) + "…",
	} {
		if got := (Task{Text: in}).Short(); got != want {
			t.Errorf("Short(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitUnits(t *testing.T) {
	for in, want := range map[string][]string{
		"发改局、科技局，各乡〔镇〕人民政府":       {"发改局", "科技局", "各乡〔镇〕人民政府"},
		"市财政局 市发展改革委":             {"市财政局", "市发展改革委"},
		"发改局(投促中心)、文化旅游广电局（文物所）":  {"发改局(投促中心)", "文化旅游广电局（文物所）"},
		"农业农村局、科技局、市场监管局及各乡镇人民政府": {"农业农村局", "科技局", "市场监管局", "各乡镇人民政府"},
		"市林草局、市地震局等相关部门单位":        {"市林草局", "市地震局"},
		"财政局、人社局等。":               {"财政局", "人社局"},
		"各县区党委、政府":                {"各县区党委", "各县区政府"},
		"市牛业协会、前进牧业、祁连牧歌共同参与制定":   {"市牛业协会", "前进牧业", "祁连牧歌"},
		"市、县区卫生健康行政部门":            {"市卫生健康行政部门", "县区卫生健康行政部门"},
		"市财政局 市 县区卫生健康行政部门":       {"市财政局", "市县区卫生健康行政部门"},
	} {
		got := splitUnits(in)
		sort.Strings(got)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("splitUnits(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParserAgrees checks that NewParser finds the headings the full
// parser finds, in order, so task anchors match the rendered ids.
func TestParserAgrees(t *testing.T) {
	bodies := map[string]string{
		"tricky": "# 一\n\n```\n# not a heading\n```\n\n| a | b |\n|---|---|\n| # x | y |\n\n> ## 引文标题\n\n术语\n: 定义\n\n二\n==\n\n    # indented code\n\n- ### 列表中的标题\n\n**三、**加粗\n\n### 四 ###\n",
	}
	for _, name := range []string{"jingyuan-jdbf-2023-020-plan-01.md", "wuwei-wzbf-2025-007-plan-06.md"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		bodies[name] = string(data)
	}
	for name, body := range bodies {
		src := []byte(body)
		want := Headings(src, md.Parser().Parse(text.NewReader(src)))
		got := Headings(src, NewParser().Parse(text.NewReader(src)))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: headings\n got %q\nwant %q", name, got, want)
		}
		if len(want) < 4 {
			t.Errorf("%s: only %d headings", name, len(want))
		}
	}
}

func BenchmarkExtract(b *testing.B) {
	data, err := os.ReadFile("testdata/jingyuan-jdbf-2023-020-plan-01.md")
	if err != nil {
		b.Fatal(err)
	}
	p := NewParser()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Extract("方案", data, p.Parse(text.NewReader(data)))
	}
}

func BenchmarkExtractFullParse(b *testing.B) {
	data, err := os.ReadFile("testdata/jingyuan-jdbf-2023-020-plan-01.md")
	if err != nil {
		b.Fatal(err)
	}
	p := md.Parser()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		Extract("方案", data, p.Parse(text.NewReader(data)))
	}
}

func TestStages(t *testing.T) {
	data, err := os.ReadFile("testdata/wuwei-wzbf-2025-007-plan-01.md")
	if err != nil {
		t.Fatal(err)
	}
	got := Stages(data, parse(t, string(data)))
	want := []Stage{
		{"准备阶段", "1—2月", "s3"}, {"审批阶段", "3—4月", "s3"}, {"实施阶段", "5—11月", "s3"}, {"验收阶段", "12月", "s3"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stages\n got %v\nwant %v", got, want)
	}
	for _, body := range []string{"(二)在凉州城区增补义务教育阶段中小学学位1080个。", "准备阶段(1—2月)。", "### （一）动员阶段（2023年3月）"} {
		n := len(Stages([]byte(body), parse(t, body)))
		if want := strings.Count(body, "（一）"); n != want {
			t.Errorf("Stages(%q) found %d, want %d", body, n, want)
		}
	}
}

// TestMayHaveTasks checks the quick test against Extract for every label
// of the table, in a labelled paragraph, inline after a task and as a
// table's column: a unit label finds a task and passes the test; the other
// labels (deadlines, leaders) find none and do not. The test once listed
// six words by hand and passed over 配合部门, 协办单位 and 责任主体.
func TestMayHaveTasks(t *testing.T) {
	var labels []string
	for l := range labelRoles {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	for _, l := range labels {
		r := labelRoles[l]
		unit := r != roleSkip && r != roleDeadline
		for _, body := range []string{
			"1. 加强学校卫生工作。\n\n" + l + "：市教育局\n",
			"1. 加强学校卫生工作。（" + l + "：市教育局）\n",
			"| 任务 | " + l + " |\n| --- | --- |\n| 加强学校卫生工作 | 市教育局 |\n",
		} {
			tasks := Extract("某方案", []byte(body), parse(t, body))
			if got := MayHaveTasks(body); got != unit {
				t.Errorf("MayHaveTasks(%q) = %v, want %v", body, got, unit)
			}
			if found := len(tasks) > 0; found != unit {
				t.Errorf("Extract(%q) found %d tasks; want some: %v", body, len(tasks), unit)
			}
		}
	}
	// Task tables as goldmark reads them: headers spaced out or in bold,
	// and headers on the first line of a list item or a definition, whose
	// marker is not part of the first cell (found by a review).
	for _, body := range []string{
		"| 任　务 | 牵头单位 |\n|---|---|\n| 推进 | 市局 |\n",
		"| 任 务 | 牵头单位 |\n|---|---|\n| 推进 | 市局 |\n",
		"| 任**务 | 牵头单位 |\n|---|---|\n| 推进 | 市局 |\n",
		"| 具体任 务 | 责任单位 |\n|---|---|\n| 推进 | 市局 |\n",
		"- 任务 | 牵头单位\n  --- | ---\n  推进 | 市局\n",
		"1. 任务 | 牵头单位\n   --- | ---\n   推进 | 市局\n",
		"1) 具体任务 | 责任单位\n   --- | ---\n   推进 | 市局\n",
		"+ 牵头单位 | 任务\n  --- | ---\n  市局 | 推进\n",
		"> - 任务 | 牵头单位\n>   --- | ---\n>   推进 | 市局\n",
		"术语\n: 任务 | 牵头单位\n  --- | ---\n  推进 | 市局\n",
		"- 1. 任务 | 牵头单位\n     --- | ---\n     推进 | 市局\n",
	} {
		if n := len(Extract("某方案", []byte(body), parse(t, body))); n == 0 {
			t.Errorf("Extract(%q) found no task: the case tests nothing", body)
		}
		if !MayHaveTasks(body) {
			t.Errorf("MayHaveTasks(%q) = false; Extract finds a task", body)
		}
	}
	// A table whose task column Extract does not read (重点任务).
	if body := "| 序号 | 重点任务 | 牵头单位 |\n|---|---|---|\n| 1 | 推进 | 市局 |\n"; MayHaveTasks(body) {
		t.Errorf("MayHaveTasks(%q) = true, want false", body)
	}
	for _, body := range []string{"", "一、总体要求\n\n各单位要加强领导，明确责任。\n", "完成时限：2024年底\n"} {
		if MayHaveTasks(body) {
			t.Errorf("MayHaveTasks(%q) = true, want false", body)
		}
	}
}
