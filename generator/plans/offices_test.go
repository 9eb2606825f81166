package plans

import (
	"strings"
	"testing"
)

// TestResolve resolves name variants printed in the seeds with the shipped
// table, content/_offices.toml.
func TestResolve(t *testing.T) {
	o := shippedOffices(t)
	for _, c := range []struct {
		jur, printed, want string
		group, known       bool
	}{
		// 发改 has about ten spellings in the 泾源 issue.
		{"泾源县", "发改局", "泾源县发展和改革局", false, true},
		{"泾源县", "县发改局", "泾源县发展和改革局", false, true},
		{"泾源县", "发改委", "泾源县发展和改革局", false, true},
		{"泾源县", "县发展和改革委员会", "泾源县发展和改革局", false, true},
		{"泾源县", "县发展和改革局", "泾源县发展和改革局", false, true},
		{"泾源县", "发改局(投促中心)", "泾源县发展和改革局", false, true},
		{"泾源县", "发改局（投资促进中心）", "泾源县发展和改革局", false, true},
		{"泾源县", "县发改局（投资中心）", "泾源县发展和改革局", false, true},
		{"泾源县", "泾源县 发改局", "泾源县发展和改革局", false, true},
		{"泾源县", "**发改局**", "泾源县发展和改革局", false, true},
		// 教体局 and 教育体育局, 文旅局 and 文化旅游广电局.
		{"泾源县", "教体局", "泾源县教育体育局", false, true},
		{"泾源县", "县教育体育局", "泾源县教育体育局", false, true},
		{"泾源县", "县教育工委（教育体育局）", "泾源县教育体育局", false, true},
		{"泾源县", "文旅局", "泾源县文化旅游广电局", false, true},
		{"泾源县", "文化旅游广电局", "泾源县文化旅游广电局", false, true},
		{"泾源县", "县文化旅游局", "泾源县文化旅游广电局", false, true},
		// Party offices, with and without 县委.
		{"泾源县", "县委宣传部", "中共泾源县委宣传部", false, true},
		{"泾源县", "宣传部", "中共泾源县委宣传部", false, true},
		{"泾源县", "县委编办", "中共泾源县委机构编制委员会办公室", false, true},
		{"泾源县", "团县委", "共青团泾源县委员会", false, true},
		// 涇 and brackets.
		{"泾源县", "市生态环境局涇源分局", "固原市生态环境局泾源分局", false, true},
		{"泾源县", "人行涇源县支行", "中国人民银行泾源县支行", false, true},
		{"泾源县", "市场监管局", "泾源县市场监督管理局", false, true},
		// Groups stay groups, their spellings merged.
		{"泾源县", "各乡〔镇〕人民政府", "各乡（镇）人民政府", true, true},
		{"泾源县", "各乡镇人民政府", "各乡（镇）人民政府", true, true},
		{"泾源县", "各乡(镇)", "各乡（镇）人民政府", true, true},
		{"泾源县", "县就业工作领导小组成员单位", "县就业工作领导小组成员单位", true, false},
		// The same short name in another jurisdiction.
		{"张掖市", "市教育局", "张掖市教育局", false, true},
		{"武威市", "市教育局", "武威市教育局", false, true},
		{"武威市", "市发展改革委", "武威市发展和改革委员会", false, true},
		{"武威市", "市市场监管局", "武威市市场监督管理局", false, true},
		{"武威市", "团市委", "共青团武威市委员会", false, true},
		{"武威市", "市委政法委", "中共武威市委政法委员会", false, true},
		{"武威市", "各县(区)政府", "各县区人民政府", true, true},
		{"张掖市", "市县区卫生健康行政部门", "张掖市县区卫生健康行政部门", true, false},
		{"张掖市", "项目所在地县区政府", "项目所在地县区政府", true, false},
		// Unknown: the jurisdiction in front, reported.
		{"张掖市", "市档案馆", "张掖市档案馆", false, false},
		{"泾源县", "县档案馆", "泾源县档案馆", false, false},
	} {
		got := o.Resolve(c.jur, c.printed)
		if got.Name != c.want || got.Group != c.group || got.Known != c.known || got.Printed != c.printed {
			t.Errorf("Resolve(%s, %q) = %+v, want %q group=%v known=%v", c.jur, c.printed, got, c.want, c.group, c.known)
		}
	}
}

func TestJurisdiction(t *testing.T) {
	for _, c := range []struct {
		issuers []string
		want    string
	}{
		{[]string{"中共泾源县委办公室", "泾源县人民政府办公室"}, "泾源县"},
		{[]string{"涇县人民政府办公室"}, "泾县"},
		{[]string{"张掖市人民政府办公室"}, "张掖市"},
		{[]string{"中共张掖市委办公室"}, "张掖市"},
		{[]string{"武威市人民政府办公室"}, "武威市"},
		{[]string{"甘州区人民政府"}, "甘州区"},
		{[]string{"甘肃省人民政府办公厅", "张掖市人民政府"}, "张掖市"},
		{nil, ""},
	} {
		if got := Jurisdiction(c.issuers); got != c.want {
			t.Errorf("Jurisdiction(%q) = %q, want %q", c.issuers, got, c.want)
		}
	}
}

func TestParseOffices(t *testing.T) {
	for _, c := range []struct {
		name, src string
		problems  []string
	}{
		{"ok", "[\"泾源县\"]\n\"泾源县发展和改革局\" = [\"发改局\"]\n", nil},
		{"syntax", "[\"泾源县\"]\n\"泾源县发展和改革局\" = [\"发改局\"\n", []string{"content/_offices.toml:"}},
		{"wrong shape", "\"泾源县发展和改革局\" = [\"发改局\"]\n", []string{"content/_offices.toml: "}},
		{"alias of two offices", "[\"泾源县\"]\n\"泾源县发展和改革局\" = [\"发改局\"]\n\"泾源县投资促进中心\" = [\"县发改局\"]\n",
			[]string{`"县发改局" is an alias of both "泾源县发展和改革局" and "泾源县投资促进中心"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, ps := ParseOffices("content/_offices.toml", []byte(c.src))
			if len(ps) != len(c.problems) {
				t.Fatalf("problems = %v, want %d", ps, len(c.problems))
			}
			for i, p := range ps {
				if !strings.Contains(p.Error(), c.problems[i]) {
					t.Errorf("problem %q does not contain %q", p.Error(), c.problems[i])
				}
			}
		})
	}
}
