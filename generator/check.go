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

// urlClass sorts link destinations.
type urlClass int

const (
	urlEmpty     urlClass = iota
	urlFragment           // #s1
	urlLocal              // a path in the site, relative or from its root
	urlExternal           // http, https, mailto
	urlDangerous          // javascript:, data:, vbscript:, file: and any other scheme
)

// classifyURL tells what a link destination is. Like browsers, it ignores
// leading spaces and control characters and tabs or line breaks anywhere
// before the scheme's colon.
func classifyURL(dest string) urlClass {
	s := strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, dest)
	s = strings.TrimLeft(s, "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f ")
	switch {
	case s == "":
		return urlEmpty
	case s[0] == '#':
		return urlFragment
	case strings.HasPrefix(s, "//") || strings.HasPrefix(s, `\\`) || strings.HasPrefix(s, `/\`):
		return urlExternal // protocol-relative: another host
	}
	i := strings.IndexAny(s, ":/?#")
	if i <= 0 || s[i] != ':' {
		return urlLocal
	}
	switch strings.ToLower(s[:i]) {
	case "http", "https", "mailto":
		return urlExternal
	}
	return urlDangerous
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

// Limits on bodies that would make goldmark slow. It is linear for
// ordinary text, but like most CommonMark parsers it takes quadratic time
// on some shapes: deep nesting, and paragraphs full of emphasis, bracket
// or angle marks (runs of "*a_", "[[[…]]]", "[a](" or "[a](<"). Bounding
// the marks per paragraph bounds that time by the file size. Real
// documents nest three or four deep and have at most a few hundred marks
// in a paragraph (the largest table of the seeds: 270).
const (
	maxNesting   = 32
	maxLineBytes = 256 << 10
	maxMarks     = 1000 // of *_[]<~` in one paragraph (lines between blank lines)
)

// bodyLimits reports a body that nests lists or quotes too deeply, has an
// overlong line or a paragraph with too many Markdown marks. It runs
// before Markdown parsing, in load, so build and check both refuse such a
// file in bounded time.
func bodyLimits(file, body string, bodyLine int) diag.List {
	var ps diag.List
	line, marks, start := bodyLine, 0, bodyLine
	for len(body) > 0 {
		l, rest, _ := strings.Cut(body, "\n")
		body = rest
		if len(l) > maxLineBytes {
			ps.Errorf(file, line, "line is %d KB long, more than %d KB: break it into paragraphs", len(l)>>10, maxLineBytes>>10)
			return ps
		}
		if depth := nesting(l); depth > maxNesting {
			ps.Errorf(file, line, "lists or quotes nest deeper than %d levels (or are indented more than %d columns): flatten them", maxNesting, 4*maxNesting)
			return ps
		}
		if strings.TrimSpace(l) == "" {
			marks, start = 0, line+1
		} else {
			for i := 0; i < len(l); i++ {
				switch l[i] {
				case '*', '_', '[', ']', '<', '~', '`':
					marks++
				}
			}
			if marks > maxMarks {
				ps.Errorf(file, start, "paragraph has more than %d of the Markdown marks * _ [ ] < ~ `: this is not a document's text; escape them or split the paragraph", maxMarks)
				return ps
			}
		}
		line++
	}
	return ps
}

// nesting estimates how many list and quote containers a line opens or
// continues: its markers (>, -, +, *, 1. 1)) and its indentation.
func nesting(l string) int {
	depth, col := 0, 0
	i := 0
	for i < len(l) {
		switch c := l[i]; {
		case c == ' ' || c == '\t':
			// Indentation before the first marker nests; spaces after a
			// marker are part of it.
			if depth == 0 {
				if c == '\t' {
					col += 4 - col%4
				} else {
					col++
				}
			}
			i++
		case c == '>':
			depth++
			i++
		case (c == '-' || c == '+' || c == '*') && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\t'):
			depth++
			i++
		case c >= '0' && c <= '9':
			j := i
			for j < len(l) && j-i < 9 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j < len(l) && (l[j] == '.' || l[j] == ')') && (j+1 == len(l) || l[j+1] == ' ' || l[j+1] == '\t') {
				depth++
				i = j + 1
				continue
			}
			return depth + col/4
		default:
			return depth + col/4
		}
	}
	return depth + col/4
}

// String makes urlClass readable in test failures.
func (c urlClass) String() string {
	return [...]string{"empty", "fragment", "local", "external", "dangerous"}[c]
}

// offsiteImages is the AST transformer that keeps pages from loading
// anything from other sites: an image whose source is on another site
// becomes a plain link to it, with the image's text. goldmark itself drops
// javascript:, vbscript:, file: and data: (except images) destinations.
type offsiteImages struct{}

func (offsiteImages) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	var imgs []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && classifyURL(string(img.Destination)) == urlExternal {
			imgs = append(imgs, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range imgs {
		link := ast.NewLink()
		link.Destination = img.Destination
		link.Title = img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		if !link.HasChildren() {
			link.AppendChild(link, ast.NewString([]byte("图片")))
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

// removeDoc returns docs without d.
func removeDoc(docs []*Doc, d *Doc) []*Doc {
	out := docs[:0]
	for _, x := range docs {
		if x != d {
			out = append(out, x)
		}
	}
	return out
}

// mdLinksKey holds, in a parser context, the document being rendered and
// its site, for mdLinks.
var mdLinksKey = parser.NewContextKey()

type mdLinksState struct {
	site *Site
	doc  *Doc
}

// withMDLinks marks pc as rendering d of s, so links in its body to other
// content files (other.md, ../2024-01/x.md#s2) become links to their pages.
func (s *Site) withMDLinks(pc parser.Context, d *Doc) parser.Context {
	pc.Set(mdLinksKey, mdLinksState{s, d})
	return pc
}

// mdLinks is the AST transformer that rewrites links to .md files of the
// archive into relative links to their pages, so they work under any base
// path. Links to files that are not documents are left as they are (gazette
// check reports them).
type mdLinks struct{}

func (mdLinks) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	st, ok := pc.Get(mdLinksKey).(mdLinksState)
	if !ok || st.site == nil || st.doc == nil {
		return
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			if u := st.site.pageOfMD(st.doc, string(l.Destination)); u != "" {
				l.Destination = []byte(u)
			}
		}
		return ast.WalkContinue, nil
	})
}

// pageOfMD returns the relative URL of the page of the document a link
// from d to dest (a .md path, relative or from the content root) names,
// with its fragment, or "" when dest names no document.
func (s *Site) pageOfMD(d *Doc, dest string) string {
	if classifyURL(dest) != urlLocal {
		return ""
	}
	p, frag := dest, ""
	if i := strings.IndexByte(p, '#'); i >= 0 {
		p, frag = p[:i], p[i:]
	}
	if strings.ContainsRune(p, '?') || !strings.HasSuffix(p, ".md") {
		return ""
	}
	if u, err := url.PathUnescape(p); err == nil {
		p = u
	}
	id := strings.TrimSuffix(path.Join(path.Dir(d.ID), p), ".md")
	if strings.HasPrefix(p, "/") {
		id = strings.TrimSuffix(strings.TrimPrefix(path.Clean(p), "/"), ".md")
	}
	target := s.byID[id]
	if target == nil {
		return ""
	}
	return relURL(d.URL, target.URL) + frag
}

// relURL is the relative link from the page at site path from to the page
// at site path to (both ending in "/").
func relURL(from, to string) string {
	f := strings.Split(strings.TrimSuffix(from, "/"), "/")
	t := strings.Split(strings.TrimSuffix(to, "/"), "/")
	if from == "" {
		f = nil
	}
	if to == "" {
		t = nil
	}
	i := 0
	for i < len(f) && i < len(t) && f[i] == t[i] {
		i++
	}
	rel := strings.Repeat("../", len(f)-i) + strings.Join(t[i:], "/")
	if i < len(t) {
		rel += "/"
	}
	if rel == "" {
		rel = "./"
	}
	return rel
}
