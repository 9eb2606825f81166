package generator

// Plans: who is responsible for what. linkPlans extracts the tasks of
// every plan (package plans), resolves the offices they name with
// content/_offices.toml, and builds
//
//	/plans/                      plans with tasks, by year and jurisdiction
//	/issuers/<hashSlug(name)>/   one page per office: tasks it leads and
//	                             tasks it supports, by plan; an office that
//	                             is also an issuer shares the issuer's page
//
// and the task table of each plan's document page (Site.Plans.TasksOf).
// The overview lists years and jurisdictions only, with links to
//
//	/plans/<yyyy>/  /plans/undated/   one year's plans, by jurisdiction
//	/plans/offices/<slug>/            one jurisdiction's offices, most tasks first
//
// each paginated like any listing (ListPageSize a page, then page/2/ …),
// so no page grows with the archive.

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"gazette/generator/diag"
	"gazette/generator/plans"
)

// PlanIndex is the archive's plans and the offices they task.
type PlanIndex struct {
	Offices []*Office      // offices with tasks, most tasks first
	Plans   []*PlanInfo    // plans with tasks, newest first
	Years   []PlanYear     // Plans by year (newest first), then jurisdiction
	Places  []*OfficePlace // Offices by jurisdiction, by name, 其他 ("") last
	Tasks   int            // tasks in all plans

	byURL   map[string]*Office
	byDoc   map[*Doc]*PlanInfo
	unknown diag.List
}

// PlanInfo is one plan and its tasks.
type PlanInfo struct {
	Doc          *Doc
	Jurisdiction string
	Tasks        []*TaskRow
	Stages       []plans.Stage // 准备阶段(1—2月) …, in order
}

// PlanYear is one year of the plans overview.
type PlanYear struct {
	Year           int    // 0: undated
	URL            string // plans/2023/, plans/undated/
	Jurisdictions  []PlanJurisdiction
	NPlans, NTasks int
}

// PlanJurisdiction is the plans of one jurisdiction in a year, or of the
// part of it on one page of the year's listing.
type PlanJurisdiction struct {
	Name      string
	Plans     []*PlanInfo
	ID        string // its heading's id: j- and the hash of the name, or j-other
	URL       string // the page of the year where it starts, and #ID
	Continued bool   // the year's previous page ends with this jurisdiction
}

// OfficePlace is the offices of one jurisdiction.
type OfficePlace struct {
	Name    string
	URL     string    // plans/offices/<slug>/
	Offices []*Office // most tasks first
}

// PlanList is one page of a year's plans or of a jurisdiction's offices:
// the data of those pages (kind plans) besides the overview.
type PlanList struct {
	Year  *PlanYear          // a year's page
	Plans []PlanJurisdiction // the year's plans on this page

	Place   *OfficePlace // a jurisdiction's page
	Offices []*Office    // its offices on this page

	Pager *Pager
}

// TaskRow is one task with its offices resolved.
type TaskRow struct {
	plans.Task
	Plan                            *PlanInfo
	Lead, Cooperating, Implementing []OfficeRef
	URL                             string // the plan's page with the task's heading anchor
}

// OfficeRef is an office as a task names it.
type OfficeRef struct {
	Name    string // canonical
	Printed string // as printed in the plan
	URL     string // its page; "" for groups
	Group   bool
}

// Office is one office's responsibilities.
type Office struct {
	Name, URL    string
	Jurisdiction string
	Issuer       *Issuer      // when the office also issues documents
	Leads        []OfficePlan // plans in which it leads tasks, newest first
	Supports     []OfficePlan // plans in which it cooperates or implements
	NLead, NSupp int          // task counts
	Printed      []string     // the names plans print for it
}

// OfficePlan is the tasks of one office in one plan.
type OfficePlan struct {
	Plan  *PlanInfo
	Tasks []*TaskRow
}

// TasksOf returns the task table of a document (nil if it has none).
func (pi *PlanIndex) TasksOf(d *Doc) []*TaskRow {
	if pi == nil {
		return nil
	}
	if p := pi.byDoc[d]; p != nil {
		return p.Tasks
	}
	return nil
}

// StagesOf returns the stages of a plan with tasks (nil if none).
func (pi *PlanIndex) StagesOf(d *Doc) []plans.Stage {
	if pi == nil || pi.byDoc[d] == nil {
		return nil
	}
	return pi.byDoc[d].Stages
}

// OfficeAt returns the office whose page is at url, or nil.
func (pi *PlanIndex) OfficeAt(url string) *Office {
	if pi == nil {
		return nil
	}
	return pi.byURL[url]
}

// UnknownOffices lists, as warnings at the plan's file and line, every
// office name that content/_offices.toml does not know. Load returns them
// among its problems too (so gazette check and gazette build -v print
// them); this is for callers that want them alone.
func (s *Site) UnknownOffices() diag.List {
	if s.Plans == nil {
		return nil
	}
	return append(diag.List(nil), s.Plans.unknown...)
}

// linkPlans extracts and links the tasks of every document. Problems in
// _offices.toml and in front-matter tasks are errors; unknown office names
// are warnings, kept for UnknownOffices as well.
func (s *Site) linkPlans(contentFS fs.FS, prefix string) diag.List {
	var ps diag.List
	pi := &PlanIndex{byURL: map[string]*Office{}, byDoc: map[*Doc]*PlanInfo{}}
	s.Plans = pi
	offices := plans.NewOffices(nil)
	if contentFS != nil {
		data, err := fs.ReadFile(contentFS, plans.OfficesFile)
		switch {
		case err == nil:
			var tps diag.List
			offices, tps = plans.ParseOffices(prefix+plans.OfficesFile, data)
			ps.Add(tps...)
		case !errors.Is(err, fs.ErrNotExist):
			ps.Errorf(prefix+plans.OfficesFile, 0, "reading the office table: %v", err)
		}
	}

	// Tasks were extracted from each document as it was loaded; the
	// linking below is sequential, so its result does not depend on order.
	for _, d := range s.Docs {
		for i, t := range d.Meta.Tasks {
			if strings.TrimSpace(t.Text) == "" || len(t.Lead)+len(t.Cooperating)+len(t.Implementing) == 0 {
				ps.Errorf(d.File, 0, "[[tasks]] number %d needs text and at least one of lead, cooperating, implementing", i+1)
			}
		}
	}
	// Plans name the same offices again and again: resolve each name
	// once per jurisdiction.
	type resolved struct {
		plans.Office
		unknown string // the warning for a name the table lacks
	}
	seen := map[[2]string]resolved{}
	resolve := func(jur, name string) resolved {
		k := [2]string{jur, name}
		r, ok := seen[k]
		if !ok {
			r.Office = offices.Resolve(jur, name)
			if !r.Known && !r.Group {
				r.unknown = fmt.Sprintf("office %q is not in %s%s: add it under [%q], as an alias of an office or as an office of its own", name, prefix, plans.OfficesFile, jur)
			}
			seen[k] = r
		}
		return r
	}
	warned := map[diag.Problem]bool{}
	for _, d := range s.Docs {
		tasks := d.file.plan.tasks
		if len(tasks) == 0 {
			continue
		}
		p := &PlanInfo{Doc: d, Jurisdiction: plans.Jurisdiction(d.Meta.Issuers), Stages: d.file.plan.stages}
		for _, t := range tasks {
			row := &TaskRow{Task: t, Plan: p, URL: d.URL}
			if t.Anchor != "" {
				row.URL += "#" + t.Anchor
			}
			line := 0
			if t.Line > 0 {
				line = d.BodyLine + t.Line - 1
			}
			ref := func(names []string, lead bool) []OfficeRef {
				var out []OfficeRef
				for _, n := range names {
					o := resolve(p.Jurisdiction, n)
					r := OfficeRef{Name: o.Name, Printed: n, Group: o.Group}
					if !o.Group {
						if w := (diag.Problem{File: d.File, Line: line, Severity: diag.Warning, Msg: o.unknown}); !o.Known && !warned[w] {
							// Once per name and line: tasks without a
							// line (front matter) would repeat it.
							warned[w] = true
							pi.unknown.Add(w)
						}
						of := s.office(pi, o.Name, p.Jurisdiction)
						r.URL = of.URL
						if !containsString(of.Printed, n) {
							of.Printed = append(of.Printed, n)
						}
						of.add(p, row, lead)
					}
					out = append(out, r)
				}
				return out
			}
			row.Lead = ref(t.Lead, true)
			row.Cooperating = ref(t.Cooperating, false)
			row.Implementing = ref(t.Implementing, false)
			p.Tasks = append(p.Tasks, row)
		}
		pi.Tasks += len(p.Tasks)
		pi.Plans = append(pi.Plans, p)
		pi.byDoc[d] = p
	}

	sort.SliceStable(pi.Plans, func(i, j int) bool {
		a, b := pi.Plans[i].Doc, pi.Plans[j].Doc
		if !a.Date.Equal(b.Date.Time) {
			return a.Date.After(b.Date.Time)
		}
		return a.ID < b.ID
	})
	for _, p := range pi.Plans {
		y := p.Doc.Year()
		if len(pi.Years) == 0 || pi.Years[len(pi.Years)-1].Year != y {
			pi.Years = append(pi.Years, PlanYear{Year: y})
		}
		py := &pi.Years[len(pi.Years)-1]
		k := -1
		for i, j := range py.Jurisdictions {
			if j.Name == p.Jurisdiction {
				k = i
			}
		}
		if k < 0 {
			py.Jurisdictions = append(py.Jurisdictions, PlanJurisdiction{Name: p.Jurisdiction})
			k = len(py.Jurisdictions) - 1
		}
		py.Jurisdictions[k].Plans = append(py.Jurisdictions[k].Plans, p)
	}
	for i := range pi.Years {
		py := &pi.Years[i]
		py.URL = "plans/" + yearSlug(py.Year) + "/"
		sort.SliceStable(py.Jurisdictions, func(i, j int) bool { return placeLess(py.Jurisdictions[i].Name, py.Jurisdictions[j].Name) })
		for _, j := range py.Jurisdictions {
			py.NPlans += len(j.Plans)
			for _, p := range j.Plans {
				py.NTasks += len(p.Tasks)
			}
		}
		pages, n := paginate(py.URL, py.NPlans), 0
		taken := map[string]bool{}
		for k := range py.Jurisdictions {
			j := &py.Jurisdictions[k]
			j.ID = "j-other"
			if j.Name != "" {
				j.ID = "j-" + hashSlug(j.Name)
			}
			// Two names with one hash (as in officePlaces) get a suffix,
			// in name order, so each heading's id is its own.
			for base, i := j.ID, 2; taken[j.ID]; i++ {
				j.ID = base + "-" + strconv.Itoa(i)
			}
			taken[j.ID] = true
			j.URL = pages[n/ListPageSize].URL + "#" + j.ID
			n += len(j.Plans)
		}
	}
	rank := map[*PlanInfo]int{}
	for i, p := range pi.Plans {
		rank[p] = i
	}
	for _, of := range pi.Offices {
		for _, l := range [][]OfficePlan{of.Leads, of.Supports} {
			sort.SliceStable(l, func(i, j int) bool { return rank[l[i].Plan] < rank[l[j].Plan] })
		}
	}
	sort.SliceStable(pi.Offices, func(i, j int) bool {
		a, b := pi.Offices[i], pi.Offices[j]
		if a.NLead+a.NSupp != b.NLead+b.NSupp {
			return a.NLead+a.NSupp > b.NLead+b.NSupp
		}
		return a.Name < b.Name
	})
	pi.Places = officePlaces(pi.Offices)
	pi.unknown.Sort()
	ps.Add(pi.unknown...)
	if len(pi.Plans) > 0 {
		ours := map[string]bool{}
		for _, u := range pi.pageURLs() {
			ours[u] = true
		}
		for _, d := range s.Docs {
			switch {
			case d.URL == "plans/":
				ps.Errorf(d.File, 0, "URL /plans/ is the plans overview gazette makes: give this document another slug")
			case ours[d.URL]:
				ps.Errorf(d.File, 0, "URL /%s is a page of the plans overview gazette makes: give this document another slug", d.URL)
			}
		}
	}
	return ps
}

// yearSlug is the URL segment of a year of plans: 2023, or undated.
func yearSlug(year int) string {
	if year == 0 {
		return "undated"
	}
	return strconv.Itoa(year)
}

// placeLess orders jurisdictions by name, the unnamed (其他) last.
func placeLess(a, b string) bool {
	if a == "" || b == "" {
		return b == "" && a != ""
	}
	return a < b
}

// officePlaces groups offices (most tasks first) by jurisdiction. A
// jurisdiction's slug is the hash of its name (other for the unnamed), so
// its URL depends on the name alone; two names with one hash, which no
// archive is likely to meet, are told apart by a suffix in name order.
func officePlaces(offices []*Office) []*OfficePlace {
	at := map[string]*OfficePlace{}
	var places []*OfficePlace
	for _, of := range offices {
		pl := at[of.Jurisdiction]
		if pl == nil {
			pl = &OfficePlace{Name: of.Jurisdiction}
			at[of.Jurisdiction] = pl
			places = append(places, pl)
		}
		pl.Offices = append(pl.Offices, of)
	}
	sort.Slice(places, func(i, j int) bool { return placeLess(places[i].Name, places[j].Name) })
	taken := map[string]bool{}
	for _, pl := range places {
		slug := "other"
		if pl.Name != "" {
			slug = hashSlug(pl.Name)
		}
		for base, n := slug, 2; taken[slug]; n++ {
			slug = base + "-" + strconv.Itoa(n)
		}
		taken[slug] = true
		pl.URL = "plans/offices/" + slug + "/"
	}
	return places
}

// Label is the jurisdiction's name, or 其他.
func (pl *OfficePlace) Label() string { return placeLabel(pl.Name) }

// Label is the jurisdiction's name, or 其他.
func (pj PlanJurisdiction) Label() string { return placeLabel(pj.Name) }

func placeLabel(name string) string {
	if name == "" {
		return "其他"
	}
	return name
}

// TopOffices returns the n offices with most tasks (or all, if fewer).
func (pi *PlanIndex) TopOffices(n int) []*Office {
	if pi == nil {
		return nil
	}
	return pi.Offices[:min(n, len(pi.Offices))]
}

// yearPages splits a year's plans, in the order the year lists them (by
// jurisdiction, newest first within one), into pages, each with the
// jurisdiction headings of its own plans.
func (py *PlanYear) yearPages() []*PlanList {
	var flat []PlanJurisdiction // one per plan, to cut anywhere
	for _, j := range py.Jurisdictions {
		for _, p := range j.Plans {
			flat = append(flat, PlanJurisdiction{Name: j.Name, Plans: []*PlanInfo{p}, ID: j.ID, URL: j.URL})
		}
	}
	var out []*PlanList
	for _, pg := range paginate(py.URL, len(flat)) {
		l := &PlanList{Year: py, Pager: pg}
		for i, f := range flat[pg.From:pg.To] {
			if n := len(l.Plans); n > 0 && l.Plans[n-1].Name == f.Name {
				l.Plans[n-1].Plans = append(l.Plans[n-1].Plans, f.Plans[0])
				continue
			}
			f.Continued = i == 0 && pg.From > 0 && flat[pg.From-1].Name == f.Name
			l.Plans = append(l.Plans, f)
		}
		out = append(out, l)
	}
	return out
}

// placePages splits a jurisdiction's offices into pages.
func (pl *OfficePlace) placePages() []*PlanList {
	var out []*PlanList
	for _, pg := range paginate(pl.URL, len(pl.Offices)) {
		out = append(out, &PlanList{Place: pl, Offices: pl.Offices[pg.From:pg.To], Pager: pg})
	}
	return out
}

// pageURLs lists the URLs of the overview's year and jurisdiction pages.
func (pi *PlanIndex) pageURLs() []string {
	var urls []string
	for i := range pi.Years {
		for _, l := range pi.Years[i].yearPages() {
			urls = append(urls, l.Pager.URL)
		}
	}
	for _, pl := range pi.Places {
		for _, pg := range paginate(pl.URL, len(pl.Offices)) {
			urls = append(urls, pg.URL)
		}
	}
	return urls
}

// office returns the office named name, making it on first use. Its URL is
// the issuer URL scheme, so an office that issues documents has one page.
func (s *Site) office(pi *PlanIndex, name, jur string) *Office {
	url := "issuers/" + hashSlug(name) + "/"
	if of := pi.byURL[url]; of != nil {
		return of
	}
	of := &Office{Name: name, URL: url, Jurisdiction: jur, Issuer: s.issuerMap[name]}
	pi.byURL[url] = of
	pi.Offices = append(pi.Offices, of)
	return of
}

// add records a task of the office, once per task and role.
func (of *Office) add(p *PlanInfo, t *TaskRow, lead bool) {
	list := &of.Supports
	if lead {
		list = &of.Leads
	}
	for i := range *list {
		op := &(*list)[i]
		if op.Plan == p {
			if len(op.Tasks) > 0 && op.Tasks[len(op.Tasks)-1] == t {
				return // named twice in one block
			}
			op.Tasks = append(op.Tasks, t)
			of.count(lead)
			return
		}
	}
	*list = append(*list, OfficePlan{Plan: p, Tasks: []*TaskRow{t}})
	of.count(lead)
}

func (of *Office) count(lead bool) {
	if lead {
		of.NLead++
	} else {
		of.NSupp++
	}
}

// Title is the office page's heading.
func (of *Office) Title() string { return of.Name }

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// planJobs adds the plans overview, its year and jurisdiction pages and
// the office pages to jobs. An
// office that is also an issuer takes over the issuer's listing page (same
// URL), which keeps its documents in p.List.
func (s *Site) planJobs(jobs []pageJob) []pageJob {
	pi := s.Plans
	if pi == nil || len(pi.Plans) == 0 {
		return jobs
	}
	at := map[string]int{}
	for i, j := range jobs {
		at[j.page.URL] = i
	}
	place := map[string]*OfficePlace{}
	for _, pl := range pi.Places {
		place[pl.Name] = pl
	}
	for _, of := range pi.Offices {
		if i, ok := at[of.URL]; ok {
			jobs[i].kind = "office"
			jobs[i].page.Kind = "office"
			continue
		}
		p := s.pageFor("office", of.Name, of.URL)
		pl := place[of.Jurisdiction]
		p.Crumbs = []Crumb{{"规划计划", "plans/"}, {pl.Label(), pl.URL}}
		jobs = append(jobs, pageJob{"office", p})
	}
	jobs = append(jobs, pageJob{"plans", s.pageFor("plans", "规划计划与责任分工", "plans/")})
	for i := range pi.Years {
		py := &pi.Years[i]
		for _, l := range py.yearPages() {
			p := s.pageFor("plans", py.YearLabel()+"的规划计划", l.Pager.URL)
			p.PlanList = l
			p.Crumbs = []Crumb{{"规划计划", "plans/"}, {py.YearLabel(), py.URL}}
			jobs = append(jobs, pageJob{"plans", p})
		}
	}
	for _, pl := range pi.Places {
		title := pl.Name + "的责任单位"
		if pl.Name == "" {
			title = "其他责任单位"
		}
		for _, l := range pl.placePages() {
			p := s.pageFor("plans", title, l.Pager.URL)
			p.PlanList = l
			p.Crumbs = []Crumb{{"规划计划", "plans/"}, {pl.Label(), pl.URL}}
			jobs = append(jobs, pageJob{"plans", p})
		}
	}
	return jobs
}

// YearLabel is "2023年", or "未注明日期".
func (py PlanYear) YearLabel() string {
	if py.Year == 0 {
		return "未注明日期"
	}
	return strconv.Itoa(py.Year) + "年"
}

// Leading is a short count line for listings: "牵头 12 · 配合 30".
func (of *Office) Leading() string {
	return "牵头 " + strconv.Itoa(of.NLead) + " · 配合 " + strconv.Itoa(of.NSupp)
}
