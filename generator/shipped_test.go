package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gazette/generator/linkcheck"
	"gazette/generator/publish"
)

// TestShippedContentLinks builds the shipped archive (content/ at the
// repository root) at the root and under a subpath, and checks that every
// internal link and asset of every page resolves.
func TestShippedContentLinks(t *testing.T) {
	if _, err := os.Stat("../content"); err != nil {
		t.Fatalf("shipped content/ missing: %v", err)
	}
	for _, base := range []string{"/", "https://example.org/archive/"} {
		t.Run(base, func(t *testing.T) {
			cfg, err := LoadConfig("../config.toml", false)
			if err != nil {
				t.Fatal(err)
			}
			cfg.BaseURL = base
			out := filepath.Join(t.TempDir(), "public")
			stage, err := publish.Begin(out)
			if err != nil {
				t.Fatal(err)
			}
			st, _, err := Build(context.Background(), Options{Config: cfg, Content: os.DirFS("../content"), ContentName: "content/", Out: stage})
			if err != nil {
				stage.Abort()
				t.Fatalf("building the shipped content: %v", err)
			}
			if _, err := stage.Commit(); err != nil {
				t.Fatal(err)
			}
			if st.Documents < 100 || st.Issues != 2 || st.Gazettes != 2 {
				t.Errorf("built %d documents, %d issues, %d gazettes; want ≥100, 2, 2", st.Documents, st.Issues, st.Gazettes)
			}
			for _, p := range linkcheck.Check(os.DirFS(out), cfg.BasePath()) {
				t.Error(p)
			}
		})
	}
}

// TestShippedCitations checks the citations of the shipped archive that
// the cross-reference issue names, and logs every resolved pair (run with
// -v to see them).
func TestShippedCitations(t *testing.T) {
	cfg, err := LoadConfig("../config.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	fsys := os.DirFS("../content")
	site, problems := Load(context.Background(), cfg, fsys, "content/")
	if problems.HasErrors() {
		t.Fatal(problems.Errors())
	}
	for _, d := range site.Docs {
		d.Body = ""
	}
	if err := site.scanBodies(context.Background(), 2, fsys, newMarkdownPool(2, nil), site.xrefIndex(), nil); err != nil {
		t.Fatal(err)
	}
	directory := site.DocByID("zhangye/2024-02/issued-2024-02")
	if directory == nil {
		t.Fatal("the 发文目录 of 张掖 2024 第2期 is not in the archive")
	}
	var linked []string
	for _, c := range directory.ResolvedCites() {
		linked = append(linked, c.Target.Meta.DocNumber)
		cited := false
		for _, by := range c.Target.CitedBy {
			cited = cited || by.From == directory
		}
		if !cited {
			t.Errorf("%s does not list the 发文目录 among who cites it", c.Target.ID)
		}
	}
	want := []string{"张政发〔2024〕27号", "张政办发〔2024〕10号", "张政办发〔2024〕21号", "张政办发〔2024〕23号"}
	if strings.Join(linked, " ") != strings.Join(want, " ") {
		t.Errorf("发文目录 links %v, want %v", linked, want)
	}
	if a, b := site.DocByID("zhangye/2024-02/zzf-2024-027"), site.DocByID("zhangye/2024-02/zzbf-2024-023"); a == nil || b == nil {
		t.Error("张政发〔2024〕27号 or 张政办发〔2024〕23号 missing")
	}

	// 002's only citation between documents: 泾政办发〔2023〕21号's task
	// list cites 《涇源县教育质量提升行动实施方案》, whose printed title says
	// "quality" (repaired in metadata at import).
	found := false
	if list := site.DocByID("jingyuan/2023-02/jzbf-2023-021/plan-01"); list != nil {
		for _, c := range list.ResolvedCites() {
			found = found || c.Target.ID == "jingyuan/2023-02/jdbf-2023-031/plan-01"
		}
	}
	if !found {
		t.Error("泾政办发〔2023〕21号's task list does not link the 教育质量提升行动实施方案")
	}

	pairs, unresolved := 0, 0
	for _, d := range site.Docs {
		for _, c := range d.Cites {
			if c.Target == nil {
				unresolved++
				continue
			}
			pairs++
			t.Logf("%s %s → %s (%s)", d.ID, c.Relation, c.Target.ID, c.Printed)
		}
	}
	t.Logf("%d resolved citations, %d unresolved (%d distinct 文号 not in the archive)", pairs, unresolved, len(site.Missing()))
	if pairs == 0 || len(site.Missing()) == 0 {
		t.Error("no citations resolved or none unresolved: extraction is not running")
	}
}

// TestOfficeSearchDocs: each office with tasks is indexed under 责任分工,
// titled by its name, with its tasks as text.
func TestOfficeSearchDocs(t *testing.T) {
	cfg, err := LoadConfig("../config.toml", false)
	if err != nil {
		t.Fatal(err)
	}
	site, problems := Load(context.Background(), cfg, os.DirFS("../content"), "content/")
	if problems.HasErrors() {
		t.Fatal(problems.Errors())
	}
	docs := site.officeSearchDocs()
	if len(docs) == 0 || len(docs) != len(site.Plans.Offices) {
		t.Fatalf("%d office documents for %d offices", len(docs), len(site.Plans.Offices))
	}
	for _, d := range docs {
		if d.Kind != OfficeKind || d.Body == "" || !strings.HasPrefix(d.Title, d.Issuers[0]+"：牵头") {
			t.Errorf("office document %+v", d.Title)
		}
		if d.Issuers[0] == "泾源县农业农村局" && !strings.Contains(d.Title, "牵头54项") {
			t.Errorf("泾源县农业农村局: %s", d.Title)
		}
	}
}
