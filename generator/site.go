// Package generator builds a gazette archive website from content/.
//
// # Build
//
// Build reads the content tree (an fs.FS, see package content for the file
// formats), links it into one Site, renders every page with the theme's
// html/template layouts and writes the files through an Output:
//
//	cfg, _ := generator.LoadConfig("config.toml", true)
//	stats, err := generator.Build(ctx, generator.Options{Config: cfg, Content: os.DirFS("content"), Out: out})
//
// All problems of a run are returned at once as a diag.List; a build with
// errors writes nothing. Output is deterministic: the same inputs give the
// same bytes whatever the core count.
//
// # Pages
//
// Every URL is a path below the base URL's path, ending in "/" and served
// as index.html:
//
//	/                                   home: latest issues and documents, counts
//	/<gazette>/                         a gazette: its issues by year
//	/<gazette>/<year>-<nn>/             an issue: masthead and printed TOC by section
//	/<gazette>/<year>-<nn>/<doc>/       a document (plans below their notice)
//	/documents/…/<doc>/                 a document not printed in an issue
//	/gazettes/                          all gazettes
//	/issuers/  /issuers/<slug>/         all issuers with counts; one issuer's documents
//	/years/    /years/<yyyy>/           documents by year (signing, else publication date)
//	/kinds/    /kinds/<slug>/           documents by 文种
//	/plans/                             plans overview: years, jurisdictions, top offices
//	/plans/<yyyy>/  /plans/undated/     a year's plans by jurisdiction (paginated)
//	/plans/offices/<slug>/              a jurisdiction's offices with tasks (paginated)
//	/search/                            client-side search
//	/404.html                           not found
//
// Issuer and kind slugs are ASCII: a fixed table for common 文种, and for
// everything else a short hash of the name, so a URL depends only on the
// thing it names.
//
// # Theme
//
// A theme is a folder with layouts/ (html/template files) and assets/
// (copied to /assets/, minified). layouts/base.html is the page shell and
// calls {{template "main" .}}; each page kind has its own file defining
// "main": home.html, document.html, issue.html, gazette.html, list.html
// (gazettes, issuers, years, kinds and their members), search.html,
// 404.html. Templates get a *Page; .Base is the base path ending in "/",
// and every link is written as {{.Base}}path. Functions: see funcs in
// pages.go. A document's outline is there both as data (.Doc.Outline) and
// as ready-made links (.Doc.OutlineHTML, see outline.go), which the default
// theme prints. The default theme is embedded (package themes); a site's
// themes/<name>/ overrides it file by file. A site that minifies has its
// layouts minified once, not its pages one by one (see parseTemplates).
package generator

import (
	"html/template"
	"sort"
	"strings"
	"sync"

	"gazette/generator/content"
	"gazette/generator/xref"
)

// Site is the whole linked archive.
type Site struct {
	Config     Config
	Gazettes   []*Gazette // by name
	Issues     []*Issue   // newest first
	Docs       []*Doc     // by path
	Issuers    []*Issuer  // by document count, then name
	Years      []*Group   // newest first
	Kinds      []*Group   // by count, then name
	Plans      *PlanIndex // plans, their tasks and the offices they name (plans.go)
	byID       map[string]*Doc
	issuerMap  map[string]*Issuer
	loaded     []*loaded // every file read, with its problems
	bodiesKept bool      // Doc.Body holds every body (a Session), none are read again
	scratch    *scratch  // a build's pass-1 HTML, when too large to keep in memory
	scratchDir string    // where to make it
	basePath   string    // Config.BasePath(), worked out once
	absPrefix  string    // Config.AbsURL(""), worked out once

	citations   []xref.Citation // the unresolved citations with a 文号, for Missing
	missingOnce sync.Once
	missing     []xref.Missing
}

// Gazette is a gazette series and its issues.
type Gazette struct {
	ID, URL, File string
	Meta          content.Gazette
	Body          template.HTML
	Issues        []*Issue // newest first
}

// YearIssues groups a gazette's issues by year, newest first.
func (g *Gazette) YearIssues() []YearGroup {
	var out []YearGroup
	for _, is := range g.Issues {
		if len(out) == 0 || out[len(out)-1].Year != is.Meta.Year {
			out = append(out, YearGroup{Year: is.Meta.Year})
		}
		out[len(out)-1].Issues = append(out[len(out)-1].Issues, is)
	}
	return out
}

// YearGroup is one year of a gazette's issues.
type YearGroup struct {
	Year   int
	Issues []*Issue
}

// Issue is one issue with its printed TOC resolved to documents.
type Issue struct {
	ID, URL, File string
	Meta          content.Issue
	Gazette       *Gazette
	Sections      []IssueSection
	Docs          []*Doc // every document of the issue, in reading order
}

// Title is "张掖市人民政府公报 2024年第2期".
func (is *Issue) Title() string {
	name := ""
	if is.Gazette != nil {
		name = is.Gazette.Meta.Name + " "
	}
	return name + is.Label()
}

// Label is "2024年第2期".
func (is *Issue) Label() string {
	n := is.Meta.NumberLabel
	if n == "" {
		n = "第" + itoa(is.Meta.Number) + "期"
	}
	return itoa(is.Meta.Year) + "年" + n
}

// IssueSection is a 栏目 with its entries.
type IssueSection struct {
	Title   string
	Entries []IssueEntry
}

// IssueEntry is a TOC line and the document it names, if any.
type IssueEntry struct {
	content.Entry
	Doc *Doc
}

// Doc is one document, linked into the site.
type Doc struct {
	ID, URL, File string
	Meta          content.Document
	Kind          string // 文种, from the front matter or the title
	Date          content.Date
	Issue         *Issue
	Section       string
	Page          int
	PageLabel     string
	Parent        *Doc
	Children      []*Doc
	Issuers       []*Issuer
	Prev, Next    *Doc // within the issue

	Body       string // Markdown; in a build, empty or held until pass 1 (bodyHeld)
	bodyHeld   bool   // a build's pass 1 takes Body and empties it, not reading the file
	BodyLine   int
	path       string  // below the content root, to read the body again
	file       *loaded // the decoded file, with what was worked out from it alone
	bodyLen    int     // bytes of Markdown body, weighing it for search
	fileSum    uint64  // fileHash of the file as loaded, if its body is its end
	fileLen    int     // and its length
	parentLine int
	spilled    span // body HTML kept in the build's scratch file

	// Filled by rendering.
	HTML       template.HTML
	Outline    []Heading
	Cites      []Cite  // what the body cites, in order
	CitedBy    []*Cite // who cites this document (被引用), in their Cites
	RepealedBy []*Doc  // documents that repeal it (废止)
}

// Year is the document's year, or 0.
func (d *Doc) Year() int {
	if d.Date.IsZero() {
		return 0
	}
	return d.Date.Year()
}

// Heading is an outline entry.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Issuer is an office (发文机关) and what it issued.
type Issuer struct {
	Name, Slug, URL string
	Docs            []*Doc // newest first
}

// Group is a listing of documents under one key (a year or a 文种).
type Group struct {
	Name, Slug, URL string
	Docs            []*Doc
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// sortDocsNewest orders documents newest first, then by ID.
func sortDocsNewest(docs []*Doc) {
	sort.SliceStable(docs, func(i, j int) bool {
		a, b := docs[i], docs[j]
		if !a.Date.Equal(b.Date.Time) {
			return a.Date.After(b.Date.Time)
		}
		return a.ID < b.ID
	})
}

// kindSuffixes are 文种 recognised at the end of a title, longest first.
var kindSuffixes = []string{
	"实施方案", "工作方案", "行动方案", "建设方案", "实施意见", "指导意见", "实施细则", "管理办法", "考核办法",
	"发展规划", "任务清单", "政府工作报告", "工作报告", "会议纪要", "要事记", "收文目录", "发文目录",
	"方案", "规划", "计划", "办法", "规定", "细则", "意见", "决定", "通知", "通报", "报告", "批复",
	"公告", "通告", "命令", "决议", "议案", "纪要", "函", "目录",
}

// kindCanon folds long 文种 forms onto the ones listings use.
var kindCanon = map[string]string{
	"实施方案": "方案", "工作方案": "方案", "行动方案": "方案", "建设方案": "方案",
	"实施意见": "意见", "指导意见": "意见", "实施细则": "细则", "管理办法": "办法", "考核办法": "办法",
	"发展规划": "规划", "政府工作报告": "报告", "工作报告": "报告", "会议纪要": "纪要",
	"收文目录": "目录", "发文目录": "目录", "任务清单": "清单",
}

// kindSlugs are ASCII slugs for common 文种.
var kindSlugs = map[string]string{
	"通知": "notice", "方案": "plan", "规划": "programme", "计划": "schedule", "办法": "measures",
	"规定": "provisions", "细则": "rules", "意见": "opinions", "决定": "decision", "通报": "bulletin",
	"报告": "report", "批复": "reply", "公告": "announcement", "通告": "circular", "命令": "order",
	"决议": "resolution", "议案": "motion", "纪要": "minutes", "函": "letter", "目录": "index",
	"要事记": "chronicle", "清单": "list", "其他": "other",
}

// KindOfTitle derives a 文种 from a title: 关于印发…的通知 is a 通知.
func KindOfTitle(title string) string {
	t := strings.TrimSpace(title)
	// "…规划(2024—2030年)" and "…要事记(2月)": look before a trailing bracket.
	if strings.HasSuffix(t, ")") || strings.HasSuffix(t, "）") {
		if i := strings.LastIndexAny(t, "(（"); i > 0 {
			t = strings.TrimSpace(t[:i])
		}
	}
	for _, k := range kindSuffixes {
		if strings.HasSuffix(t, k) {
			if c, ok := kindCanon[k]; ok {
				return c
			}
			return k
		}
	}
	return "其他"
}

// Number is the 文号 as the document printed it, else its canonical form.
func (d *Doc) Number() string {
	if d.Meta.DocNumberPrinted != "" {
		return d.Meta.DocNumberPrinted
	}
	return d.Meta.DocNumber
}

// KindURL is the site path of the document's 文种 listing.
func (d *Doc) KindURL() string {
	return "kinds/" + kindSlug(d.Kind) + "/"
}

// kindSlug is the URL segment of a 文种: an ASCII word for common ones,
// else a hash of the name.
func kindSlug(kind string) string {
	if slug := kindSlugs[kind]; slug != "" {
		return slug
	}
	return hashSlug(kind)
}

// base is the site's base path ("/archive/"); absURL is Config.AbsURL.
// link works both out once per site, not once per page.
func (s *Site) base() string {
	if s.basePath != "" {
		return s.basePath
	}
	return s.Config.BasePath()
}

func (s *Site) absURL(p string) string {
	if s.absPrefix != "" {
		return s.absPrefix + p
	}
	return s.Config.AbsURL(p)
}
