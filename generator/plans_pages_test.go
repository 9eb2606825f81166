package generator

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"gazette/generator/linkcheck"
)

// manyPlansSite is an archive with enough plans and offices to paginate
// the plans section: in 2023, 90 plans of 样板市 and 130 of 示范县 (220,
// three pages; 样板市 sorts first), 5 plans of 示范县 in 2024 and 3 undated
// plans of an issuer with no jurisdiction (其他). Each plan leads an office
// of its own and names 财政局 as cooperating, so 示范县 has 136 offices
// (two pages of its office index).
func manyPlansSite() fstest.MapFS {
	fsys := fstest.MapFS{}
	n := 0
	add := func(issuer, date string, count int) {
		for i := 0; i < count; i++ {
			n++
			d := ""
			if date != "" {
				d = fmt.Sprintf("date_signed = %s-%02d\n", date, 1+i%28)
			}
			fsys[fmt.Sprintf("documents/p/p%03d.md", n)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(`+++
title = "第%d号工作方案"
issuers = [%q]
%s
[[tasks]]
text = "任务%d"
lead = ["第%d局"]
cooperating = ["财政局"]
+++
正文。
`, n, issuer, d, n, n))}
		}
	}
	add("样板市人民政府", "2023-03", 90)
	add("示范县人民政府", "2023-06", 130)
	add("示范县人民政府", "2024-02", 5)
	add("国务院办公厅", "", 3)
	return fsys
}

var (
	planLinkRE   = regexp.MustCompile(`<a class="doc-title" href="/a/(documents/p/p\d+/)">`)
	officeLinkRE = regexp.MustCompile(`<a href="/a/(issuers/x[0-9a-f]{10}/)">`)
)

func TestPlanPagination(t *testing.T) {
	fsys := manyPlansSite()
	out, _, err := buildPlanSite(t, fsys)
	if err != nil {
		t.Fatal(err)
	}
	s, ps := Load(context.Background(), DefaultConfig(), fsys, "content/")
	if ps.HasErrors() {
		t.Fatal(ps)
	}
	page := func(t *testing.T, name string) string {
		t.Helper()
		b, ok := out.files[name]
		if !ok {
			t.Fatalf("no page %s", name)
		}
		return string(b)
	}
	// pages returns the pages of a listing at url, page 1 first, checking
	// that page/N/ follows page/N-1/ and nothing follows the last.
	pages := func(t *testing.T, url string) []string {
		t.Helper()
		list := []string{page(t, url+"index.html")}
		for i := 2; ; i++ {
			b, ok := out.files[fmt.Sprintf("%spage/%d/index.html", url, i)]
			if !ok {
				break
			}
			list = append(list, string(b))
		}
		return list
	}
	jur := map[string]string{"样板市": hashSlug("样板市"), "示范县": hashSlug("示范县"), "": "other"}
	h2 := func(name string) string { return `<h2 id="j-` + jur[name] + `">` + placeLabel(name) }

	t.Run("year pages", func(t *testing.T) {
		for _, c := range []struct {
			url    string
			pages  int
			plans  int
			first  []string // on page 1
			second []string // on page 2
		}{
			{"plans/2023/", 3, 220,
				[]string{"<h1>2023年的规划计划</h1>", h2("样板市") + "</h2>", h2("示范县") + "</h2>", "第 1/3 页", `aria-current="page">2023年</a>`,
					// Where each jurisdiction starts: 样板市's 90 plans, then 示范县's.
					`<nav class="office-nav place-nav" aria-label="本年地区"><a href="/a/plans/2023/#j-` + jur["样板市"] + `">样板市</a><a href="/a/plans/2023/#j-` + jur["示范县"] + `">示范县</a>`},
				[]string{h2("示范县") + `<span class="meta">（续）</span></h2>`, "第 2/3 页", `<a href="/a/plans/2023/">2023年</a>`}},
			{"plans/2024/", 1, 5, []string{h2("示范县") + "</h2>", "共 5 件规划、方案，5 项任务"}, nil},
			{"plans/undated/", 1, 3, []string{"<h1>未注明日期的规划计划</h1>", h2("") + "</h2>"}, nil},
		} {
			t.Run(c.url, func(t *testing.T) {
				ps := pages(t, c.url)
				if len(ps) != c.pages {
					t.Fatalf("%d pages, want %d", len(ps), c.pages)
				}
				n := 0
				for i, p := range ps {
					got := len(planLinkRE.FindAllString(p, -1))
					if want := min(ListPageSize, c.plans-i*ListPageSize); got != want {
						t.Errorf("page %d lists %d plans, want %d", i+1, got, want)
					}
					n += got
					if h2 := strings.Index(p, "<h2 "); h2 < 0 || h2 > strings.Index(p, `class="doc-title"`) {
						t.Errorf("page %d: the first plan comes before its jurisdiction's heading", i+1)
					}
				}
				if n != c.plans {
					t.Errorf("%d plans on the year's pages, want %d", n, c.plans)
				}
				for _, want := range c.first {
					if !strings.Contains(ps[0], want) {
						t.Errorf("page 1 lacks %s", want)
					}
				}
				for _, want := range c.second {
					if !strings.Contains(ps[1], want) {
						t.Errorf("page 2 lacks %s", want)
					}
				}
				if c.pages == 1 && strings.Contains(ps[0], `class="pager"`) {
					t.Error("a one-page listing has a pager")
				}
				if c.pages == 1 && strings.Contains(ps[0], `place-nav`) {
					t.Error("a year of one jurisdiction lists its jurisdictions")
				}
			})
		}
	})

	t.Run("every plan once", func(t *testing.T) {
		seen := map[string]int{}
		for _, name := range out.names() {
			if strings.HasPrefix(name, "plans/") && !strings.HasPrefix(name, "plans/offices/") && name != "plans/index.html" {
				for _, m := range planLinkRE.FindAllStringSubmatch(string(out.files[name]), -1) {
					seen[m[1]]++
				}
			}
		}
		if len(s.Plans.Plans) != 228 {
			t.Fatalf("%d plans in the site, want 228", len(s.Plans.Plans))
		}
		for _, p := range s.Plans.Plans {
			if seen[p.Doc.URL] != 1 {
				t.Errorf("%s is on %d year pages, want 1", p.Doc.URL, seen[p.Doc.URL])
			}
			delete(seen, p.Doc.URL)
		}
		if len(seen) > 0 {
			t.Errorf("year pages list documents that are not plans: %v", seen)
		}
	})

	t.Run("every office once", func(t *testing.T) {
		for _, c := range []struct {
			name    string
			pages   int
			offices int
		}{{"样板市", 1, 91}, {"示范县", 2, 136}, {"", 1, 4}} {
			ps := pages(t, "plans/offices/"+jur[c.name]+"/")
			if len(ps) != c.pages {
				t.Errorf("%q: %d office pages, want %d", c.name, len(ps), c.pages)
			}
			n := 0
			for _, p := range ps {
				n += len(officeLinkRE.FindAllString(p, -1))
			}
			if n != c.offices {
				t.Errorf("%q: %d offices listed, want %d", c.name, n, c.offices)
			}
		}
		seen := map[string]int{}
		for _, name := range out.names() {
			if strings.HasPrefix(name, "plans/offices/") {
				for _, m := range officeLinkRE.FindAllStringSubmatch(string(out.files[name]), -1) {
					seen[m[1]]++
				}
			}
		}
		for _, of := range s.Plans.Offices {
			if seen[of.URL] != 1 {
				t.Errorf("%s (%s) is on %d office index pages, want 1", of.Name, of.URL, seen[of.URL])
			}
			delete(seen, of.URL)
		}
		if len(seen) > 0 {
			t.Errorf("office index pages list unknown offices: %v", seen)
		}
		// Most tasks first: 财政局 of 示范县 (135 tasks) heads its list.
		if p := page(t, "plans/offices/"+jur["示范县"]+"/index.html"); !strings.Contains(p, `<ul class="group-list">
<li><a href="/a/issuers/`+hashSlug("示范县财政局")+`/">示范县财政局</a> <span class="count">牵头 0 · 配合 135</span>`) {
			t.Error("示范县's office index does not start with 示范县财政局")
		}
	})

	t.Run("pager", func(t *testing.T) {
		for _, c := range []struct {
			name       string
			prev, next string
		}{
			{"plans/2023/index.html", "", "plans/2023/page/2/"},
			{"plans/2023/page/2/index.html", "plans/2023/", "plans/2023/page/3/"},
			{"plans/2023/page/3/index.html", "plans/2023/page/2/", ""},
			{"plans/offices/" + jur["示范县"] + "/index.html", "", "plans/offices/" + jur["示范县"] + "/page/2/"},
			{"plans/offices/" + jur["示范县"] + "/page/2/index.html", "plans/offices/" + jur["示范县"] + "/", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				p := page(t, c.name)
				for rel, want := range map[string]string{"prev": c.prev, "next": c.next} {
					link := `<a rel="` + rel + `" href="/a/`
					switch got := strings.Contains(p, link); {
					case want == "" && got:
						t.Errorf("has a %s link", rel)
					case want != "" && !strings.Contains(p, link+want+`"`):
						t.Errorf("no %s link to %s", rel, want)
					}
				}
				if !strings.Contains(p, `<nav class="pager" aria-label="分页">`) {
					t.Error("no pager")
				}
			})
		}
	})

	t.Run("overview", func(t *testing.T) {
		p := page(t, "plans/index.html")
		if n := len(planLinkRE.FindAllString(p, -1)); n != 0 {
			t.Errorf("the overview lists %d plans, want none", n)
		}
		if n := len(officeLinkRE.FindAllString(p, -1)); n != 20 {
			t.Errorf("the overview lists %d offices, want the 20 with most tasks", n)
		}
		for _, want := range []string{
			`<a href="/a/plans/2024/">2024年</a> <span class="count">5 件 · 5 项任务</span>`,
			`<a href="/a/plans/2023/">2023年</a> <span class="count">220 件 · 220 项任务</span>`,
			`<a href="/a/plans/undated/">未注明日期</a>`,
			`<a href="/a/plans/offices/` + jur["示范县"] + `/">示范县</a> <span class="count">136 个单位</span>`,
			`<a href="/a/plans/offices/other/">其他</a>`,
		} {
			if !strings.Contains(p, want) {
				t.Errorf("the overview lacks %s", want)
			}
		}
		// Years newest first, undated last; places by name, 其他 last.
		if a, b, c := strings.Index(p, "plans/2024/"), strings.Index(p, "plans/2023/"), strings.Index(p, "plans/undated/"); !(a < b && b < c) {
			t.Error("years are not newest first, undated last")
		}
		if a, b, c := strings.Index(p, "offices/"+jur["样板市"]), strings.Index(p, "offices/"+jur["示范县"]), strings.Index(p, "offices/other/"); !(a < b && b < c) {
			t.Error("jurisdictions are not by name, 其他 last")
		}
	})

	t.Run("links", func(t *testing.T) {
		mfs := fstest.MapFS{}
		for name, b := range out.files {
			mfs[name] = &fstest.MapFile{Data: b}
		}
		for _, p := range linkcheck.Check(mfs, "/a/") {
			t.Error(p)
		}
	})

	t.Run("deterministic", func(t *testing.T) {
		again, _, err := buildPlanSite(t, fsys)
		if err != nil {
			t.Fatal(err)
		}
		if len(again.files) != len(out.files) {
			t.Fatalf("%d files, then %d", len(out.files), len(again.files))
		}
		for name, b := range out.files {
			if !bytes.Equal(b, again.files[name]) {
				t.Errorf("%s differs between two builds", name)
			}
		}
	})
}

// TestPlanPageURLTaken: a document may not take the URL of a page of the
// plans section.
func TestPlanPageURLTaken(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"year page", "plans/2023.md", "content/plans/2023.md: URL /plans/2023/ is a page of the plans overview gazette makes"},
		{"later year page", "plans/2023/page/2.md", "content/plans/2023/page/2.md: URL /plans/2023/page/2/ is a page of the plans overview"},
		{"office index", "plans/offices/other.md", "content/plans/offices/other.md: URL /plans/offices/other/ is a page of the plans overview"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fsys := manyPlansSite()
			fsys[c.file] = &fstest.MapFile{Data: []byte("+++\ntitle = \"t\"\nissuers = [\"示范县人民政府\"]\n+++\n")}
			_, _, err := buildPlanSite(t, fsys)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want %s", err, c.want)
			}
		})
	}
}
