package generator

import (
	"context"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"gazette/generator/content"
	"gazette/generator/diag"
	"gazette/generator/docnum"
	"gazette/generator/xref"
)

// Check validates the archive in fsys as a build would and beyond, without
// rendering pages or writing anything: everything Load reports (front
// matter schema and required fields, dates, parents, issue tables of
// contents, duplicate URLs), and
//
//   - 文号 that do not parse, and one 文号 used twice by the same issuer
//     (an error, or a warning when both files have the same title: the same
//     document printed twice);
//   - dates out of range or out of order;
//   - a source_url that is not an http(s) address;
//   - attachments marked as included that the body does not hold (warning);
//   - links and images in bodies to .md files, site paths or files that do
//     not exist, links that pages drop (javascript: and other schemes), and
//     images from other sites;
//   - raw HTML in bodies, which pages never show (warning);
//   - citations of documents the archive does not hold (warnings).
//
// name is how files are named in messages ("content/"). Problems come back
// sorted, every one at the line of the key or Markdown link concerned.
func Check(ctx context.Context, cfg Config, fsys fs.FS, name string) diag.List {
	site, problems := Load(ctx, cfg, fsys, name)
	if site != nil {
		src := &sources{fsys: fsys, prefix: name, data: map[string][]byte{}}
		locate(problems, src)
		problems.Add(checkDocNumbers(site, src)...)
		problems.Add(checkDates(site, src)...)
		problems.Add(checkSourceURLs(site, src)...)
		problems.Add(checkAttachments(site, src)...)
		problems.Add(checkBodies(ctx, site, fsys, name)...)
	}
	problems.Sort()
	return problems
}

// sources reads content files again to find the lines of keys.
type sources struct {
	fsys   fs.FS
	prefix string
	data   map[string][]byte
}

func (s *sources) read(file string) []byte {
	if b, ok := s.data[file]; ok {
		return b
	}
	b, _ := fs.ReadFile(s.fsys, strings.TrimPrefix(file, s.prefix))
	s.data[file] = b
	return b
}

// keyLine is the line of a top-level key of file, or 1.
func (s *sources) keyLine(file, key string) int {
	if l := content.KeyLine(s.read(file), key); l > 0 {
		return l
	}
	return 1
}

// lineOf is the first line of file holding all of the strings, or 0.
func (s *sources) lineOf(file string, subs ...string) int {
	for i, l := range strings.Split(string(s.read(file)), "\n") {
		all := true
		for _, sub := range subs {
			all = all && strings.Contains(l, sub)
		}
		if all {
			return i + 1
		}
	}
	return 0
}

// tocDoc finds the document a table of contents problem names.
var tocDoc = regexp.MustCompile(`^table of contents entry .* names (?:document )?"([^"]*)"`)

// locate gives a line to problems link reported for a whole file: the doc
// key of a TOC entry, the slug of a clashing URL.
func locate(ps diag.List, src *sources) {
	for i := range ps {
		p := &ps[i]
		if p.Line > 1 || p.File == "" {
			continue
		}
		// "slug \"x\" may hold only…", "date_kind \"y\" must be…": a
		// message that starts with a key set in the file is about its line.
		if key, _, ok := strings.Cut(p.Msg, " "); ok && p.Line == 1 && isKeyName(key) {
			if l := content.KeyLine(src.read(p.File), key); l > 0 {
				p.Line = l
			}
			continue
		}
		if p.Line != 0 {
			continue
		}
		switch {
		case tocDoc.MatchString(p.Msg):
			doc := tocDoc.FindStringSubmatch(p.Msg)[1]
			if l := src.lineOf(p.File, "doc", `"`+doc+`"`); l > 0 {
				p.Line = l
			}
		case strings.HasPrefix(p.Msg, "URL /"):
			p.Line = src.keyLine(p.File, "slug")
		}
	}
}

func isKeyName(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r == '_') {
			return false
		}
	}
	return s != ""
}

// checkDocNumbers reports 文号 that do not parse and 文号 shared by two
// documents of one issuer.
func checkDocNumbers(s *Site, src *sources) diag.List {
	var ps diag.List
	byKey := map[string][]*Doc{}
	for _, d := range s.Docs {
		if d.Meta.DocNumber == "" {
			continue
		}
		n, ok := docnum.Parse(d.Meta.DocNumber)
		if !ok {
			ps.Errorf(d.File, src.keyLine(d.File, "doc_number"), "doc_number %q is not a valid 文号: write it as 张政办发〔2024〕10号 (put other numbers in index_number)", d.Meta.DocNumber)
			continue
		}
		byKey[n.Key()] = append(byKey[n.Key()], d)
	}
	for key, docs := range byKey {
		for i, d := range docs {
			for _, first := range docs[:i] {
				issuer := commonIssuer(first, d)
				if issuer == "" {
					continue
				}
				line := src.keyLine(d.File, "doc_number")
				if xref.NormalizeTitle(first.Meta.Title) == xref.NormalizeTitle(d.Meta.Title) {
					ps.Warnf(d.File, line, "文号 %s of %s is also the 文号 of %s, with the same title: if it is one document printed twice, that is fine; else fix the 文号", key, issuer, first.File)
				} else {
					ps.Errorf(d.File, line, "文号 %s of %s is also the 文号 of %s (%s): one issuer never gives two documents one 文号, so fix one of them", key, issuer, first.File, first.Meta.Title)
				}
				break
			}
		}
	}
	return ps
}

func commonIssuer(a, b *Doc) string {
	for _, x := range a.Meta.Issuers {
		for _, y := range b.Meta.Issuers {
			if strings.TrimSpace(x) == strings.TrimSpace(y) {
				return strings.TrimSpace(x)
			}
		}
	}
	return ""
}

// checkSourceURLs reports a source_url that is not a web address: pages
// link to it, and a javascript: or file: address would not be one.
func checkSourceURLs(s *Site, src *sources) diag.List {
	var ps diag.List
	for _, d := range s.Docs {
		u := d.Meta.SourceURL
		if u == "" {
			continue
		}
		if l := strings.ToLower(u); !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
			ps.Errorf(d.File, src.keyLine(d.File, "source_url"), "source_url %q is not a web address: write the http:// or https:// address the document was taken from", shorten(u))
		}
	}
	return ps
}

// checkAttachments reports an attachment marked as included whose title
// the body never mentions: its text is missing from the page.
func checkAttachments(s *Site, src *sources) diag.List {
	var ps diag.List
	for _, d := range s.Docs {
		if len(d.Meta.Attachments) == 0 {
			continue
		}
		body := squeeze(d.Body)
		for i, a := range d.Meta.Attachments {
			t := squeeze(a.Title)
			if !a.IsIncluded() || t == "" || strings.Contains(body, t) {
				continue
			}
			line := src.lineOf(d.File, "title", strconv.Quote(a.Title)[1:len(strconv.Quote(a.Title))-1])
			if line == 0 {
				line = 1
			}
			ps.Warnf(d.File, line, "attachments[%d] %q is included, but the body does not hold it: add its text under a heading with its title, or set included = false", i, shorten(a.Title))
		}
	}
	return ps
}

// squeeze folds s as docnum does (width, traditional characters) and
// removes white space, so "首批 30 个" in a body matches "首批30个".
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, docnum.Fold(s))
}

// Dates before the People's Republic or after minDate/maxDate are typos.
var (
	minDate = time.Date(1949, 10, 1, 0, 0, 0, 0, time.UTC)
	maxDate = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// checkDates reports dates out of range or out of order.
func checkDates(s *Site, src *sources) diag.List {
	var ps diag.List
	inRange := func(file, key string, d content.Date) bool {
		if d.IsZero() || !d.Before(minDate) && d.Before(maxDate) {
			return true
		}
		ps.Errorf(file, src.keyLine(file, key), "%s %s is out of range: archived documents date from 1949-10-01 on; check the year", key, d)
		return false
	}
	for _, is := range s.Issues {
		if !inRange(is.File, "date", is.Meta.Date) {
			continue
		}
		if y := is.Meta.Date.Year(); !is.Meta.Date.IsZero() && y != is.Meta.Year && y != is.Meta.Year+1 {
			ps.Warnf(is.File, src.keyLine(is.File, "date"), "date %s is not in the issue's year %d: check date and year", is.Meta.Date, is.Meta.Year)
		}
	}
	for _, d := range s.Docs {
		signed, published := d.Meta.DateSigned, d.Meta.DatePublished
		okS := inRange(d.File, "date_signed", signed)
		okP := inRange(d.File, "date_published", published)
		if okS && okP && !signed.IsZero() && !published.IsZero() && signed.After(published.Time) &&
			signed.Format("2006-01-02") != published.Format("2006-01-02") {
			ps.Warnf(d.File, src.keyLine(d.File, "date_signed"), "date_signed %s is after date_published %s: check both", signed, published)
		}
		if n, ok := docnum.Parse(d.Meta.DocNumber); ok && okS && !signed.IsZero() && signed.Year() < n.Year {
			ps.Warnf(d.File, src.keyLine(d.File, "date_signed"), "date_signed %s is before the year of 文号 %s: check both", signed, d.Meta.DocNumber)
		}
	}
	return ps
}

// checkBodies parses every body (without rendering) and checks its links,
// images, raw HTML and citations, in parallel.
func checkBodies(ctx context.Context, s *Site, fsys fs.FS, prefix string) diag.List {
	targets := make([]xref.Target, len(s.Docs))
	for i, d := range s.Docs {
		parent := ""
		if d.Parent != nil {
			parent = d.Parent.ID
		}
		targets[i] = xref.Target{ID: d.ID, URL: "/" + d.URL, Title: d.Meta.Title, DocNumber: d.Meta.DocNumber, Parent: parent}
	}
	ix := xref.NewIndex(targets)
	paths := sitePaths(s)
	workers := runtime.GOMAXPROCS(0)
	results := make([]diag.List, len(s.Docs))
	mds := make(chan goldmark.Markdown, workers)
	for i := 0; i < workers; i++ {
		mds <- goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.DefinitionList, xref.Extension))
	}
	err := parallel(ctx, workers, len(s.Docs), func(i int) error {
		md := <-mds
		defer func() { mds <- md }()
		results[i] = checkBody(md, ix, s.Docs[i], paths, fsys, prefix, s.Config.BasePath())
		return nil
	})
	var ps diag.List
	if err != nil {
		ps.Errorf("", 0, "%v", err)
	}
	for _, r := range results {
		ps.Add(r...)
	}
	return ps
}

// sitePaths is every path the built site answers: pages (with and without
// index.html) and theme assets.
func sitePaths(s *Site) map[string]bool {
	paths := map[string]bool{"404.html": true}
	for _, j := range s.pageJobs(true) {
		paths[j.page.URL] = true
		paths[outputName(j.page.URL)] = true
		paths[strings.TrimSuffix(j.page.URL, "/")] = true
	}
	_ = fs.WalkDir(ThemeFS(s.Config), "assets", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			paths[p] = true
		}
		return nil
	})
	return paths
}

func checkBody(md goldmark.Markdown, ix *xref.Index, d *Doc, paths map[string]bool, fsys fs.FS, prefix, base string) diag.List {
	var ps diag.List
	src := []byte(d.Body)
	lines := newLineIndex(src, d.BodyLine)
	pc := xref.NewContext(ix, d.ID)
	doc := md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	file := strings.TrimPrefix(d.File, prefix)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			checkDest(&ps, d, "link", string(n.Destination), lines.of(n, src), paths, fsys, file, base)
		case *ast.Image:
			checkDest(&ps, d, "image", string(n.Destination), lines.of(n, src), paths, fsys, file, base)
		case *ast.AutoLink:
			checkDest(&ps, d, "link", string(n.URL(src)), lines.of(n, src), paths, fsys, file, base)
		case *ast.RawHTML:
			line := lines.of(n, src)
			if n.Segments.Len() > 0 {
				line = lines.line(n.Segments.At(0).Start)
			}
			ps.Warnf(d.File, line, "raw HTML is never shown on the page: write it as Markdown or remove it")
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock:
			ps.Warnf(d.File, lines.of(n, src), "raw HTML is never shown on the page: write it as Markdown or remove it")
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, c := range xref.Citations(pc) {
		if !c.Resolved() && c.Key != "" {
			ps.Warnf(d.File, d.BodyLine+c.Line-1, "citation %s names a document not in the archive (未收录): import it, or check the 文号", c.Printed)
		}
	}
	return ps
}

// checkDest checks one link or image destination of document d, whose
// file path below the content root is file.
func checkDest(ps *diag.List, d *Doc, what, dest string, line int, paths map[string]bool, fsys fs.FS, file, base string) {
	switch classifyURL(dest) {
	case urlEmpty, urlFragment:
		return
	case urlDangerous:
		ps.Warnf(d.File, line, "%s to %q is dropped from the page: only http, https and mailto links and links inside the site are kept", what, shorten(dest))
		return
	case urlExternal:
		if what == "image" {
			ps.Warnf(d.File, line, "image %q is on another site: pages make no requests to other sites, so it is shown as a link; copy it into the archive", shorten(dest))
		}
		return
	}
	p := dest
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	if strings.HasSuffix(p, ".md") {
		target := path.Join(path.Dir(file), p)
		if strings.HasPrefix(p, "/") {
			target = strings.TrimPrefix(path.Clean(p), "/")
		}
		if !fs.ValidPath(target) {
			ps.Errorf(d.File, line, "%s %q leads out of the content folder: link to a file below it", what, shorten(dest))
		} else if _, err := fs.Stat(fsys, target); err != nil {
			ps.Errorf(d.File, line, "%s %q names %s, which does not exist: fix the path (relative to this file's folder)", what, shorten(dest), target)
		}
		return
	}
	var site string
	if strings.HasPrefix(p, "/") {
		site = strings.TrimPrefix(path.Clean(p), "/")
		if strings.HasSuffix(p, "/") && site != "" {
			site += "/"
		}
		if b := strings.TrimPrefix(base, "/"); b != "" && strings.HasPrefix(site+"/", b) {
			site = strings.TrimPrefix(strings.TrimPrefix(site, strings.TrimSuffix(b, "/")), "/")
		}
	} else {
		site = strings.TrimPrefix(path.Join("/"+d.URL, p), "/")
		if strings.HasSuffix(p, "/") && site != "" {
			site += "/"
		}
	}
	if paths[site] || paths[site+"/"] {
		return
	}
	// Not a page: perhaps a file beside the document in content/.
	if local := path.Join(path.Dir(file), p); !strings.HasPrefix(p, "/") && fs.ValidPath(local) {
		if st, err := fs.Stat(fsys, local); err == nil && !st.IsDir() {
			ps.Errorf(d.File, line, "%s %q is a file in content/, but gazette publishes only .md files: the page would show a broken %s", what, shorten(dest), what)
			return
		}
	}
	ps.Errorf(d.File, line, "%s %q leads to /%s, which is not a page or file of the site: fix the path", what, shorten(dest), site)
}

func shorten(s string) string {
	if len(s) <= 80 {
		return s
	}
	cut := 80
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// lineIndex turns byte offsets of a body into file lines.
type lineIndex struct {
	starts []int
	first  int
}

func newLineIndex(src []byte, first int) *lineIndex {
	li := &lineIndex{starts: []int{0}, first: first}
	for i, c := range src {
		if c == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

func (li *lineIndex) line(off int) int {
	return li.first + sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
}

// of is the file line of node n: its first text segment, or the first
// line of the block holding it.
func (li *lineIndex) of(n ast.Node, src []byte) int {
	off := -1
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := c.(*ast.Text); ok && entering {
			off = t.Segment.Start
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if off < 0 {
		for b := n; b != nil; b = b.Parent() {
			if b.Type() == ast.TypeBlock && b.Lines().Len() > 0 {
				off = b.Lines().At(0).Start
				break
			}
		}
	}
	if off < 0 {
		return li.first
	}
	return li.line(off)
}
