package generator

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"text/template/parse"

	"github.com/tdewolff/minify/v2"

	"gazette/generator/content"
	"gazette/themes"
)

// Page is what every layout gets.
type Page struct {
	Site      *Site
	Base      string // base path, ends in "/"
	Lang      string
	Kind      string // home, document, issue, gazette, list, search, office, plans, citations, 404
	Title     string // page heading
	URL       string // site path of the page ("" for home)
	Canonical string // absolute URL when base_url has a host
	Crumbs    []Crumb
	BuildTime string

	Doc     *Doc
	Issue   *Issue
	Gazette *Gazette
	List    *List
	// PlanList is a page of a year's plans or of a jurisdiction's
	// offices (kind plans); nil on the plans overview (plans.go).
	PlanList *PlanList

	// Extra <head> and end-of-body HTML, e.g. the live-reload script of
	// gazette serve. Empty in published builds.
	Inject template.HTML
}

// DocsWithBase is the argument of the doclist partial.
type DocsWithBase struct {
	Base string
	Docs []*Doc
}

// Crumb is one step of the breadcrumb trail.
type Crumb struct {
	Title, URL string
}

// List is a listing page: either groups (issuers, years, kinds, gazettes
// with counts) or documents.
type List struct {
	Intro  string
	Groups []ListGroup
	Docs   []*Doc
	Pager  *Pager // nil when the listing fits one page
}

// ListPageSize is how many documents a listing page shows; longer
// listings continue on url/page/2/ and so on.
const ListPageSize = 100

// Pager places one page of a long listing among its siblings.
type Pager struct {
	Page, Pages int
	From, To    int    // the slice of the listing on this page
	URL         string // this page
	Prev, Next  string // "" at the ends
	Total       int
}

// paginate splits a listing of n documents at url into pages.
func paginate(url string, n int) []*Pager {
	pages := (n + ListPageSize - 1) / ListPageSize
	if pages == 0 {
		pages = 1
	}
	pageURL := func(i int) string {
		if i == 1 {
			return url
		}
		return url + "page/" + itoa(i) + "/"
	}
	out := make([]*Pager, pages)
	for i := 1; i <= pages; i++ {
		pg := &Pager{Page: i, Pages: pages, From: (i - 1) * ListPageSize, To: min(i*ListPageSize, n), URL: pageURL(i), Total: n}
		if i > 1 {
			pg.Prev = pageURL(i - 1)
		}
		if i < pages {
			pg.Next = pageURL(i + 1)
		}
		out[i-1] = pg
	}
	return out
}

// ListGroup is one line of an index page.
type ListGroup struct {
	Name, URL string
	Count     int
	Note      string
}

// layouts are the template files a theme must have.
var layouts = []string{"home.html", "document.html", "issue.html", "gazette.html", "list.html", "citations.html", "404.html"}

// templates holds one parsed template set per page kind.
type templates map[string]*layout

// layout is the template set of one page kind and its cache of fragments
// (see pages_cache.go).
type layout struct {
	t    *template.Template
	frag *fragments
	// src is the set as the theme's files are written when t was parsed
	// from their minified text (see parseTemplates), else nil. It only
	// reports an error of t's, with the lines the theme's author wrote.
	src     *template.Template
	srcFrag *fragments
}

// parseTemplates parses base.html with each page layout. A layout missing
// from the theme is an error, except search.html, office.html and
// plans.html, which are optional.
//
// When minified is set (the site minifies its output), a set whose files
// are all the built-in theme's is parsed a second time from their text
// minified, their template actions left as written (tdewolff's
// TemplateDelims), and pages are made from that set: the markup the
// layouts write needs no minifying page after page, and the bodies' HTML
// is minified where it is rendered (markdown.min). A theme's own files are
// not: the template mode misreads some constructs a theme may hold (an
// unquoted attribute value with an action, an HTML comment beside a trim
// marker), and pages made with them are minified whole (pageType), as are
// those of a set whose minified text does not parse or differs in more
// than its text (sameActions). TestMinifiedLayouts checks that the
// built-in theme's pages render as they would minified whole.
func parseTemplates(theme fs.FS, minified bool) (templates, error) {
	if !minified {
		return parseLayouts(theme, nil)
	}
	return parseLayouts(theme, builtIn)
}

// builtIn reports whether b is the text of the built-in theme's file.
func builtIn(file string, b []byte) bool {
	d, err := fs.ReadFile(themes.Default(), file)
	return err == nil && bytes.Equal(d, b)
}

// parseLayouts is parseTemplates, minifying the sets whose files all
// satisfy trust (none if trust is nil).
func parseLayouts(theme fs.FS, trust func(file string, b []byte) bool) (templates, error) {
	var files layoutFiles
	var err error
	if files.base, err = fs.ReadFile(theme, "layouts/base.html"); err != nil {
		return nil, fmt.Errorf("theme: %w", err)
	}
	files.partials, _ = fs.ReadFile(theme, "layouts/partials.html")
	if files.defaults, err = fs.ReadFile(themes.Default(), "layouts/partials.html"); err != nil {
		return nil, fmt.Errorf("default theme: %w", err)
	}
	var small *layoutFiles // the files minified, nil if they are not
	if trust != nil && trust("layouts/base.html", files.base) && (files.partials == nil || trust("layouts/partials.html", files.partials)) {
		small = files.minify()
	}
	ts := templates{}
	names := append([]string{}, layouts...)
	for _, opt := range []string{"search.html", "office.html", "plans.html"} {
		if _, err := fs.Stat(theme, "layouts/"+opt); err == nil {
			names = append(names, opt)
		}
	}
	for _, name := range names {
		src, err := fs.ReadFile(theme, "layouts/"+name)
		if err != nil {
			return nil, fmt.Errorf("theme: %w", err)
		}
		l := &layout{}
		if l.t, l.frag, err = files.parse(name, src); err != nil {
			return nil, err
		}
		if small != nil && trust("layouts/"+name, src) {
			if text, err := minifyLayout(src); err == nil {
				if t, frag, err := small.parse(name, text); err == nil && sameActions(l.t, t) {
					l.src, l.srcFrag, l.t, l.frag = l.t, l.frag, t, frag
				}
			}
		}
		ts[strings.TrimSuffix(name, ".html")] = l
	}
	return ts, nil
}

// sameActions reports whether the sets a and b define the same templates
// with the same actions, in the same places: only their text may differ.
func sameActions(a, b *template.Template) bool {
	ta := a.Templates()
	if len(ta) != len(b.Templates()) {
		return false
	}
	for _, x := range ta {
		y := b.Lookup(x.Name())
		if y == nil || (x.Tree == nil) != (y.Tree == nil) {
			return false
		}
		if x.Tree != nil && skeleton(x.Tree.Root) != skeleton(y.Tree.Root) {
			return false
		}
	}
	return true
}

// skeleton is a template's parse tree as text, without its text.
func skeleton(n parse.Node) string {
	var b strings.Builder
	var walk func(n parse.Node)
	list := func(l *parse.ListNode) {
		if l != nil {
			for _, c := range l.Nodes {
				walk(c)
			}
		}
	}
	branch := func(kind string, pipe *parse.PipeNode, l, el *parse.ListNode) {
		b.WriteString("{{" + kind + " " + pipe.String() + "}}")
		list(l)
		if el != nil {
			b.WriteString("{{else}}")
			list(el)
		}
		b.WriteString("{{end}}")
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case *parse.ListNode:
			list(n)
		case *parse.TextNode:
		case *parse.IfNode:
			branch("if", n.Pipe, n.List, n.ElseList)
		case *parse.RangeNode:
			branch("range", n.Pipe, n.List, n.ElseList)
		case *parse.WithNode:
			branch("with", n.Pipe, n.List, n.ElseList)
		default:
			b.WriteString(n.String())
		}
	}
	walk(n)
	return b.String()
}

// layoutFiles are the files every layout's set is parsed with: the
// theme's base.html and partials.html (nil if it has none), and the
// default theme's partials.html.
type layoutFiles struct{ base, partials, defaults []byte }

// minify returns the files minified, or nil if one of them cannot be.
// The theme's partials.html is most often the default's: minified once.
func (f layoutFiles) minify() *layoutFiles {
	var m layoutFiles
	for _, p := range []struct{ from, to *[]byte }{{&f.base, &m.base}, {&f.partials, &m.partials}, {&f.defaults, &m.defaults}} {
		switch {
		case *p.from == nil:
		case p.to == &m.defaults && m.partials != nil && bytes.Equal(f.defaults, f.partials):
			m.defaults = m.partials
		default:
			b, err := minifyLayout(*p.from)
			if err != nil {
				return nil
			}
			*p.to = b
		}
	}
	return &m
}

// parse parses the set of the layout name, whose text is src.
func (f layoutFiles) parse(name string, src []byte) (*template.Template, *fragments, error) {
	frag := newFragments()
	t := template.New("base.html").Funcs(funcs).Funcs(template.FuncMap{"cached": frag.cached})
	if _, err := t.Parse(string(f.base)); err != nil {
		return nil, nil, fmt.Errorf("theme: layouts/base.html: %w", err)
	}
	// Optional blocks a layout may define, and shared partials.
	if _, err := t.Parse(`{{define "head"}}{{end}}`); err != nil {
		return nil, nil, err
	}
	if f.partials != nil {
		if _, err := t.New("partials.html").Parse(string(f.partials)); err != nil {
			return nil, nil, fmt.Errorf("theme: layouts/partials.html: %w", err)
		}
	}
	if _, err := t.New(name).Parse(string(src)); err != nil {
		return nil, nil, fmt.Errorf("theme: layouts/%s: %w", name, err)
	}
	if err := addDefaultPartials(t, f.defaults); err != nil {
		return nil, nil, err
	}
	frag.t = t
	return t, frag, nil
}

// addDefaultPartials adds to t each partial of the default theme (whose
// partials.html is src) that t does not define, so a theme whose
// partials.html was written before a partial was added (pager) still
// builds. Only missing names are added: a theme that defines a partial as
// empty (to leave it out) keeps it empty, which parsing the default first
// would not allow (an empty definition never replaces one). The defaults
// are parsed for each set, as the escaper rewrites the trees of the set
// that runs them.
func addDefaultPartials(t *template.Template, src []byte) error {
	defaults, err := template.New("partials.html").Funcs(funcs).Funcs(template.FuncMap{"cached": func(string, any, ...any) (template.HTML, error) { return "", nil }}).Parse(string(src))
	if err != nil {
		return fmt.Errorf("default theme: layouts/partials.html: %w", err)
	}
	for _, d := range defaults.Templates() {
		if d.Name() == "partials.html" || t.Lookup(d.Name()) != nil {
			continue
		}
		if _, err := t.AddParseTree(d.Name(), d.Tree); err != nil {
			return fmt.Errorf("default theme: layouts/partials.html: %w", err)
		}
	}
	return nil
}

// bodyMinifier is m when the document pages' layouts were minified (and
// the bodies must be, where they are rendered), else nil: the pages are
// minified whole.
func (ts templates) bodyMinifier(m *minify.M) *minify.M {
	if ts.pageType("document") != "" {
		return nil
	}
	return m
}

// pageType is the media type a page of kind is minified as when written:
// "" when its layout's set was parsed minified.
func (ts templates) pageType(kind string) string {
	if l := ts[kind]; l != nil && l.src != nil {
		return ""
	}
	return "text/html"
}

// render renders a page into a pooled buffer and passes the HTML to use,
// which must not keep it: the buffer is reused once use returns. A caller
// that minifies the page (a copy) or writes it out can so skip the copy
// execute makes, a page's size in allocation for every page.
func (ts templates) render(kind string, p *Page, use func([]byte) error) error {
	l := ts[kind]
	if l == nil {
		return fmt.Errorf("theme has no layouts/%s.html", kind)
	}
	l.frag.bind(p.Site)
	b := pageBufs.Get().(*bytes.Buffer)
	defer putPageBuf(b)
	b.Reset()
	if err := l.t.ExecuteTemplate(b, "base.html", p); err != nil {
		return fmt.Errorf("layouts/%s.html: %w", kind, l.sourceError(p, err))
	}
	return use(b.Bytes())
}

// sourceError is err, an error of executing l's set on p, as the set
// parsed from the theme's files as written reports it (with their lines,
// not the minified text's), when l has that set.
func (l *layout) sourceError(p *Page, err error) error {
	if l.src == nil {
		return err
	}
	l.srcFrag.bind(p.Site)
	if serr := l.src.ExecuteTemplate(io.Discard, "base.html", p); serr != nil {
		return serr
	}
	return err
}

// pageBufs recycles the buffers pages are executed into, so a page does
// not grow its buffer again from nothing.
var pageBufs = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

func putPageBuf(b *bytes.Buffer) {
	if b.Cap() > 4<<20 { // an outsize page: let it go
		return
	}
	pageBufs.Put(b)
}

// funcs are the template functions layouts may use.
var funcs = template.FuncMap{
	// cnDate formats a date as 2024年2月25日.
	"cnDate": func(d content.Date) string { return d.Chinese() },
	// isoDate formats a date as 2024-02-25.
	"isoDate": func(d content.Date) string { return d.String() },
	// page formats a printed page number: its label when printed as "01".
	"page": func(n int, label string) string {
		if label != "" {
			return label
		}
		if n == 0 {
			return ""
		}
		return itoa(n)
	},
	"join": strings.Join,
	// withBase pairs documents with the base path for the doclist partial.
	"withBase": func(base string, docs []*Doc) DocsWithBase { return DocsWithBase{base, docs} },
	// indent gives the outline level as a CSS class suffix.
	"add": func(a, b int) int { return a + b },
	// ref pairs a value with the base path, the data of a cached fragment
	// that links to it.
	"ref": func(base string, to any) Ref { return Ref{base, to} },
	// kindURL is the site path of a 文种's listing.
	"kindURL": func(kind string) string { return "kinds/" + kindSlug(kind) + "/" },
}

// NavURL is the page's URL when it is one of the main navigation's, else
// "": the key of the cached site header, which marks the current one.
func (p *Page) NavURL() string {
	switch p.URL {
	case "gazettes/", "issuers/", "years/", "kinds/":
		return p.URL
	}
	return ""
}

// CrumbTrail is a key that is the same for pages with the same
// breadcrumbs, and only for them: the key of the cached trail (the
// documents of an issue share theirs). A crumb that is the page itself
// (the first page of a year of plans) is marked aria-current, so the key
// says which crumb that is.
func (p *Page) CrumbTrail() string {
	var b strings.Builder
	for _, c := range p.Crumbs {
		b.WriteString(c.Title)
		b.WriteByte(0)
		b.WriteString(c.URL)
		b.WriteByte(0)
		if c.URL == p.URL {
			b.WriteByte(1)
		}
	}
	return b.String()
}

// pageFor builds the common part of a page.
func (s *Site) pageFor(kind, title, url string) *Page {
	p := &Page{
		Site:  s,
		Base:  s.base(),
		Lang:  s.Config.Language,
		Kind:  kind,
		Title: title,
		URL:   url,
	}
	p.Canonical = s.absURL(url)
	return p
}

// outputName is the file a page URL is written to.
func outputName(url string) string {
	if url == "" || strings.HasSuffix(url, "/") {
		return path.Join(url, "index.html")
	}
	return url
}

// pageJob is one page to render.
type pageJob struct {
	kind string
	page *Page
}

// pageJobs lists every page of the site.
func (s *Site) pageJobs(withSearch bool) []pageJob {
	var jobs []pageJob
	add := func(kind string, p *Page) { jobs = append(jobs, pageJob{kind, p}) }

	add("home", s.pageFor("home", s.Config.Title, ""))

	gl := &List{}
	for _, g := range s.Gazettes {
		gl.Groups = append(gl.Groups, ListGroup{Name: g.Meta.Name, URL: g.URL, Count: len(g.Issues), Note: g.Meta.Frequency})
	}
	p := s.pageFor("list", "公报", "gazettes/")
	p.List = gl
	add("list", p)

	for _, g := range s.Gazettes {
		p := s.pageFor("gazette", g.Meta.Name, g.URL)
		p.Gazette = g
		p.Crumbs = []Crumb{{"公报", "gazettes/"}}
		add("gazette", p)
	}
	for _, is := range s.Issues {
		p := s.pageFor("issue", is.Title(), is.URL)
		p.Issue = is
		p.Gazette = is.Gazette
		p.Crumbs = []Crumb{{"公报", "gazettes/"}}
		if is.Gazette != nil {
			p.Crumbs = append(p.Crumbs, Crumb{is.Gazette.Meta.Name, is.Gazette.URL})
		}
		add("issue", p)
	}
	for _, d := range s.Docs {
		p := s.pageFor("document", d.Meta.Title, d.URL)
		p.Doc = d
		if d.Issue != nil {
			if d.Issue.Gazette != nil {
				p.Crumbs = append(p.Crumbs, Crumb{d.Issue.Gazette.Meta.Name, d.Issue.Gazette.URL})
			}
			p.Crumbs = append(p.Crumbs, Crumb{d.Issue.Label(), d.Issue.URL})
		} else {
			p.Crumbs = append(p.Crumbs, Crumb{"文件", "years/"})
		}
		if d.Parent != nil {
			p.Crumbs = append(p.Crumbs, Crumb{d.Parent.Meta.Title, d.Parent.URL})
		}
		add("document", p)
	}

	index := func(title, url, intro string, groups []*Group) {
		l := &List{Intro: intro}
		for _, g := range groups {
			l.Groups = append(l.Groups, ListGroup{Name: g.Name, URL: g.URL, Count: len(g.Docs)})
		}
		p := s.pageFor("list", title, url)
		p.List = l
		add("list", p)
		for _, g := range groups {
			for _, pg := range paginate(g.URL, len(g.Docs)) {
				p := s.pageFor("list", title+"："+g.Name, pg.URL)
				p.List = &List{Docs: g.Docs[pg.From:pg.To], Pager: pg}
				p.Crumbs = []Crumb{{title, url}}
				add("list", p)
			}
		}
	}
	il := &List{Intro: "每个发文机关发布或联合发布的全部文件。"}
	for _, iss := range s.Issuers {
		il.Groups = append(il.Groups, ListGroup{Name: iss.Name, URL: iss.URL, Count: len(iss.Docs)})
	}
	p = s.pageFor("list", "发文机关", "issuers/")
	p.List = il
	add("list", p)
	for _, iss := range s.Issuers {
		p := s.pageFor("list", iss.Name, iss.URL)
		p.List = &List{Docs: iss.Docs}
		p.Crumbs = []Crumb{{"发文机关", "issuers/"}}
		add("list", p)
	}
	index("年份", "years/", "按成文日期（无成文日期时按发布日期）归年。", s.Years)
	index("文种", "kinds/", "按文种归类；未注明文种的，按标题末尾判断。", s.Kinds)

	add("citations", s.pageFor("citations", "未收录的被引文件", "citations/"))
	if withSearch {
		add("search", s.pageFor("search", "搜索", "search/"))
	}
	jobs = s.planJobs(jobs)
	p = s.pageFor("404", "页面不存在", "404.html")
	p.Canonical = ""
	add("404", p)
	return jobs
}

// LatestIssues returns up to n newest issues, for the home page.
func (s *Site) LatestIssues(n int) []*Issue {
	if len(s.Issues) < n {
		return s.Issues
	}
	return s.Issues[:n]
}

// LatestDocs returns up to n newest top-level documents, for the home page.
func (s *Site) LatestDocs(n int) []*Doc {
	var out []*Doc
	for _, d := range s.newest() {
		if d.Parent == nil {
			out = append(out, d)
			if len(out) == n {
				break
			}
		}
	}
	return out
}

func (s *Site) newest() []*Doc {
	docs := append([]*Doc(nil), s.Docs...)
	sortDocsNewest(docs)
	return docs
}

// DocByID returns the document with an ID, or nil.
func (s *Site) DocByID(id string) *Doc { return s.byID[id] }
