package generator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	mhtml "github.com/tdewolff/minify/v2/html"
	"github.com/tdewolff/minify/v2/js"
	"github.com/tdewolff/minify/v2/json"
	"github.com/tdewolff/minify/v2/svg"
	"github.com/tdewolff/minify/v2/xml"

	"gazette/generator/content"
	"gazette/generator/diag"
	"gazette/generator/xref"
	"gazette/themes"
)

// Output receives the built files. WriteFile must be safe for concurrent
// use; name is a slash path relative to the output folder; data is reused
// once WriteFile returns, so an Output that keeps it must copy it.
type Output interface {
	WriteFile(name string, data []byte) error
}

// Options are the inputs of a build.
type Options struct {
	Config Config
	// Content is the content folder; ContentName is how its files are
	// named in messages ("content/").
	Content     fs.FS
	ContentName string
	// Theme overrides the theme from Config (nil: ThemeFS(Config)).
	Theme fs.FS
	Out   Output
	// Inject is HTML added to every page (serve mode's reload script).
	Inject string
	// Workers is the parallelism; 0 means GOMAXPROCS.
	Workers int
	// AfterScan, if set, is called once every body has been scanned
	// (gazette build -memprofile). The build then holds what pass 1 kept:
	// the pages' HTML (in memory up to keptHTMLBudget) and the search
	// postings. When the HTML is kept in memory, the search index is
	// encoded while the pages are made, so the peak can come a little
	// after this point; the postings are released as it is written.
	AfterScan func()
	// ScratchDir is where a large build keeps its pass-1 HTML: a folder
	// on disk ("": the system's temporary folder).
	ScratchDir string
}

// Stats describe a finished build.
type Stats struct {
	Documents int           `json:"documents"`
	Issues    int           `json:"issues"`
	Gazettes  int           `json:"gazettes"`
	Pages     int           `json:"pages"`
	Files     int           `json:"files"`
	Duration  time.Duration `json:"-"`
	// Phases is where the time went, in order: load (read, decode and
	// link), scan (parse, render and index every body), then search
	// (encode and write the index) when pass 1's HTML went to a scratch
	// file, pages (render and write them, and the search index
	// beside them when the HTML was kept in memory, and the theme's
	// assets, the feed and the sitemaps).
	Phases []Phase `json:"-"`
	// Spilled is the bytes of search postings written to disk during the
	// scan (an archive too large for keptHTMLBudget), 0 if none; SpillErr
	// the failure to write that made a worker keep its postings in memory
	// (which only costs memory).
	Spilled  int64 `json:"-"`
	SpillErr error `json:"-"`
}

// Phase is the wall time of one phase of a build and the CPU time the
// process spent in it (0 where unknown).
type Phase struct {
	Name     string
	Duration time.Duration
	CPU      time.Duration
}

// clock is where a phase started, in wall and CPU time.
type clock struct {
	wall time.Time
	cpu  time.Duration
}

func now() clock { return clock{time.Now(), ProcessCPU()} }

// lap records the phase that ends now.
func (st *Stats) lap(name string, since *clock) {
	c := now()
	st.Phases = append(st.Phases, Phase{name, c.wall.Sub(since.wall), c.cpu - since.cpu})
	*since = c
}

// Build builds the site. It returns a diag.List of every content problem
// found (all at once), or another error for failures of the build itself.
// Warnings alone do not fail the build; they are returned in warnings.
func Build(ctx context.Context, opt Options) (st Stats, warnings diag.List, err error) {
	start := time.Now()
	lap := now()
	theme, tpl, err := opt.theme()
	if err != nil {
		return st, nil, err
	}
	// Bodies are held from load to pass 1 when pass 1 will keep their
	// HTML too (see scanBodies): then no file is read twice.
	site, problems := loadSite(ctx, opt.Config, opt.Content, opt.ContentName, loadOptions{bodyBudget: keptHTMLBudget / 2})
	problems.Sort()
	if problems.HasErrors() {
		return st, problems.Warnings(), problems.Errors()
	}
	warnings = problems
	// What was decoded per file has been linked; a build needs no more of
	// it (a Session keeps it for the next build).
	for _, d := range site.Docs {
		d.file = nil
	}
	site.loaded = nil
	site.compactMeta()
	st.lap("load", &lap)
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}

	// Pass 1: parse every body for its citations and outline, render its
	// HTML, and feed its text to the search index as it is made. No body
	// or text is kept, and HTML in memory only up to keptHTMLBudget (past
	// it, in a scratch file), so memory does not grow with the size of the
	// archive's text.
	w := &writer{out: opt.Out, m: newMinifier(opt.Config.Minify)}
	mds := newMarkdownPool(workers, tpl.bodyMinifier(w.m))
	ix := site.xrefIndex()
	_, hasSearch := tpl["search"]
	var idx *searchIndex
	if hasSearch {
		idx = site.newSearchIndex(workers)
		defer func() {
			if idx != nil { // Finish was not reached
				idx.stream.Close()
			}
		}()
	}
	defer func() { site.scratch.close() }()
	site.scratchDir = opt.ScratchDir
	if err := site.scanBodies(ctx, workers, opt.Content, mds, ix, idx); err != nil {
		return st, warnings, err
	}
	// After the scan the citation index serves only a body that must be
	// rendered again (its HTML was lost): made anew then, rather than
	// held through the pages (at 100k, 43 MB in 350,000 objects that each
	// collection would mark again).
	ix = nil
	lazyIndex := sync.OnceValue(site.xrefIndex)
	if opt.AfterScan != nil {
		opt.AfterScan()
	}
	st.lap("scan", &lap)
	// With the HTML kept in memory, the search index is written while the
	// pages are made, on the cores they leave idle; else before them, so
	// its postings are not held while pages are made.
	sctx, stopSearch := context.WithCancel(ctx)
	defer stopSearch()
	if idx != nil {
		st.Spilled, st.SpillErr = idx.stream.Spilled()
	}
	finishSearch := func() error {
		_, err := idx.stream.Finish(func(name string, data []byte) error {
			if err := sctx.Err(); err != nil {
				return err // cancelled, or a page failed
			}
			return w.write(name, "", data)
		})
		idx = nil
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		return nil
	}
	searched := make(chan error, 1)
	switch {
	case idx == nil:
		searched <- nil
	case site.scratch != nil || st.Spilled > 0:
		if err := finishSearch(); err != nil {
			return st, warnings, err
		}
		st.lap("search", &lap)
		searched <- nil
	default:
		go func() { searched <- finishSearch() }()
	}

	// Pass 2: every page, each document's body HTML taken from pass 1 (or
	// rendered again if it could not be kept) and dropped once written.
	jobs := site.pageJobs(hasSearch)
	if opt.Config.Timestamps {
		stamp := time.Now().Format("2006-01-02 15:04")
		for _, j := range jobs {
			j.page.BuildTime = stamp
		}
	}
	// The theme's assets, the sitemaps and the feed need no page: they are
	// written beside the pages (at 100k the sitemaps alone take seconds),
	// from a list of the pages' URLs taken now.
	urls := site.sitemapURLs(jobs)
	rest := make(chan error, 1)
	go func() {
		if sctx.Err() != nil { // a page failed: its error is the build's
			rest <- nil
			return
		}
		if err := w.copyAssets(theme); err != nil {
			rest <- err
			return
		}
		if sctx.Err() != nil {
			rest <- nil
			return
		}
		rest <- site.writeHostFiles(w, urls)
	}()
	err = parallel(ctx, workers, len(jobs), func(i int) error {
		// A page is let go once taken: at 100k documents the pages
		// still to make (their lists, URLs and crumbs) are hundreds of
		// thousands of objects for the collector to mark.
		j := jobs[i]
		jobs[i].page = nil
		j.page.Inject = safeInject(opt.Inject)
		return site.renderPageTo(tpl, j, opt.Content, mds, lazyIndex, func(b []byte) error {
			return w.write(outputName(j.page.URL), tpl.pageType(j.kind), b)
		})
	})
	if err != nil {
		stopSearch()
	}
	if serr := <-searched; err == nil {
		err = serr
	}
	if rerr := <-rest; err == nil {
		err = rerr
	}
	if err != nil {
		return st, warnings, err
	}
	st.lap("pages", &lap)
	st.Documents, st.Issues, st.Gazettes, st.Pages, st.Files = len(site.Docs), len(site.Issues), len(site.Gazettes), len(jobs), w.files
	st.Duration = time.Since(start)
	return st, warnings, nil
}

// theme returns the theme of a build and its parsed layouts.
func (opt Options) theme() (fs.FS, templates, error) {
	theme := opt.Theme
	if theme == nil {
		theme = ThemeFS(opt.Config)
	}
	tpl, err := parseTemplates(theme, opt.Config.Minify)
	return theme, tpl, err
}

// Load reads and links the content without rendering: what build and
// check share.
func Load(ctx context.Context, cfg Config, contentFS fs.FS, name string) (*Site, diag.List) {
	return loadSite(ctx, cfg, contentFS, name, loadOptions{keepBodies: true})
}

func loadSite(ctx context.Context, cfg Config, contentFS fs.FS, name string, opt loadOptions) (*Site, diag.List) {
	files, problems := load(ctx, contentFS, name, opt)
	if files == nil {
		return nil, problems
	}
	site, ps := link(cfg, files, name)
	site.loaded = files
	problems.Add(ps...)
	problems.Add(site.linkPlans(contentFS, name)...)
	return site, problems
}

// markdownPool hands out one goldmark instance per worker.
type markdownPool chan *markdown

// min, if set, minifies the bodies' HTML (see markdown.min).
func newMarkdownPool(workers int, min *minify.M) markdownPool {
	p := make(markdownPool, workers)
	for i := 0; i < workers; i++ {
		md := newMarkdown(xref.Extension)
		md.min = min
		p <- md
	}
	return p
}

// scanBodies parses every document's Markdown in parallel for its
// citations (resolved against the whole archive) and outline. With a
// search index, each worker takes the documents of its part of the index
// in order and adds their plain text as it goes.
func (s *Site) scanBodies(ctx context.Context, workers int, fsys fs.FS, mds markdownPool, ix *xref.Index, idx *searchIndex) error {
	found := make([][]xref.Citation, len(s.Docs))
	// Keep every body's HTML from this pass when all of it fits the
	// budget, else none: a large archive parses bodies twice rather than
	// hold HTML beside its search postings.
	var total int64
	for _, d := range s.Docs {
		total += int64(d.bodyLen)
	}
	keep := total*2 <= keptHTMLBudget
	if !keep {
		s.scratch = newScratch(s.scratchDir)
		// The search postings of so large an archive go to disk too,
		// a segment at a time (see search.Stream.SpillTo).
		if idx != nil {
			idx.stream.SpillTo(s.scratchDir, searchSegmentBytes)
		}
	}
	html := keep || s.scratch != nil
	scan := func(i int, txt []byte) ([]byte, error) {
		d := s.Docs[i]
		// The body goes into a pooled buffer, copied from the load or
		// read again: nothing made from it (HTML, text, outline,
		// citations) keeps its bytes.
		var body []byte
		bp := bodyBufs.get()
		if d.bodyHeld {
			body = append((*bp)[:0], d.Body...)
			d.Body, d.bodyHeld = "", false
			defer bodyBufs.put(bp, body)
		} else {
			b, data, err := readBodyInto(fsys, d, *bp)
			defer bodyBufs.put(bp, data)
			if err != nil {
				return txt, err
			}
			body = b
		}
		md := <-mds
		defer func() { mds <- md }()
		// The body's HTML depends on the index and the linked site
		// only, both complete now: render it from the same parse, and
		// pass 2 need not parse it again.
		pc := s.withMDLinks(xref.NewContext(ix, d.ID), d)
		outline, txt, b, err := md.scanRender(body, pc, html, idx != nil, txt)
		if err != nil {
			return txt, fmt.Errorf("%s: rendering Markdown: %w", d.File, err)
		}
		if keep {
			d.HTML, d.Outline = trustedHTML(b), outline
		} else if !s.scratch.put(d, b, outline) {
			d.Outline = outline
		}
		found[i] = xref.Citations(pc)
		return txt, nil
	}
	var err error
	if idx == nil {
		err = parallel(ctx, workers, len(s.Docs), func(i int) error { _, err := scan(i, nil); return err })
	} else {
		err = idx.feed(ctx, len(s.Docs), func(i int, txt []byte) ([]byte, int, error) {
			txt, err := scan(i, txt)
			return txt, s.Docs[i].bodyLen, err
		})
		if ctx.Err() != nil {
			return fmt.Errorf("build interrupted: %w", ctx.Err())
		}
	}
	if err != nil {
		return err
	}
	s.linkCitations(found)
	return nil
}

// keptHTMLBudget bounds the bytes of body HTML (estimated as twice the
// Markdown) that pass 1 of a build keeps in memory for pass 2. A 10k
// archive (about 100 MB of Markdown) fits in it; a larger one keeps its
// HTML in a scratch file, so memory stays bounded.
var keptHTMLBudget int64 = 256 << 20 // a variable for tests

// searchSegmentBytes is the size of the search postings a worker holds
// before it writes them to disk, in an archive too large for
// keptHTMLBudget: about what a 10k archive's worker holds in all, so
// that its arena stays in the processor's caches as well.
var searchSegmentBytes = 24 << 20

// bodyBufs recycles the buffers pass 1 parses bodies from.
var bodyBufs bytePool

// bytePool recycles byte buffers of up to 4 MB; an outsize file's buffer
// is let go.
type bytePool struct{ p sync.Pool }

func (bp *bytePool) get() *[]byte {
	if b, ok := bp.p.Get().(*[]byte); ok {
		return b
	}
	return new([]byte)
}

// put gives back the buffer got as b, grown (or not) to grown.
func (bp *bytePool) put(b *[]byte, grown []byte) {
	if cap(grown) <= 4<<20 {
		*b = grown[:0]
		bp.p.Put(b)
	}
}

// readBody reads a document's Markdown body from the content folder.
func readBody(fsys fs.FS, d *Doc) ([]byte, error) {
	body, _, err := readBodyInto(fsys, d, nil)
	return body, err
}

// readBodyInto is readBody reading the file into buf, grown as needed; it
// also returns the buffer, which the body may lie in.
func readBodyInto(fsys fs.FS, d *Doc, buf []byte) (body, data []byte, err error) {
	data, err = readLimitedInto(fsys, d.path, buf)
	if err != nil {
		return nil, data, fmt.Errorf("%s: %w", d.File, err)
	}
	// An unchanged file was split and checked when it was loaded.
	if d.fileSum != 0 && len(data) == d.fileLen && fileHash(data) == d.fileSum {
		return data[len(data)-d.bodyLen:], data, nil
	}
	_, text, bodyLine, err := content.Split(data)
	if err != nil {
		return nil, data, fmt.Errorf("%s: changed during the build: %w", d.File, err)
	}
	// The file may have changed since it was loaded: guard it again.
	if ps := bodyLimits(d.File, text, bodyLine); ps.HasErrors() {
		return nil, data, ps.Errors()
	}
	return []byte(text), data, nil
}

// renderPage renders one page with its layout (see renderPageTo).
func (s *Site) renderPage(tpl templates, j pageJob, fsys fs.FS, mds markdownPool, ix func() *xref.Index) ([]byte, error) {
	var out []byte
	err := s.renderPageTo(tpl, j, fsys, mds, ix, func(b []byte) error { out = bytes.Clone(b); return nil })
	return out, err
}

// renderPageTo renders one page with its layout and passes its HTML to
// use, which must not keep it. A document's page gets its body's HTML,
// kept from the scan or rendered now, and drops it after. Only the
// document's own page reads d.HTML, and each page renders once. ix gives
// the citation index, called only when a body is rendered again.
func (s *Site) renderPageTo(tpl templates, j pageJob, fsys fs.FS, mds markdownPool, ix func() *xref.Index, use func([]byte) error) error {
	if d := j.page.Doc; d != nil && j.kind == "document" {
		if s.scratch != nil && d.spilled.n != 0 {
			// The HTML lies in a pooled buffer, given back once the page
			// is written (after d.HTML is let go, deferred below).
			bp := scratchBufs.get()
			html, outline, b, ok := s.scratch.get(d, *bp)
			defer scratchBufs.put(bp, b)
			if ok {
				d.HTML, d.Outline = html, outline
				defer func() { d.Outline = nil }()
			}
		}
		if d.HTML == "" && d.bodyLen > 0 {
			// Its outline too, if the scratch file kept it but cannot
			// give it back.
			lost := d.spilled.n != 0
			html, outline, err := s.renderBody(fsys, d, mds, ix(), lost)
			if err != nil {
				return err
			}
			d.HTML = html
			if lost {
				d.Outline = outline
				defer func() { d.Outline = nil }()
			}
		}
		defer func() { d.HTML = "" }()
	}
	return tpl.render(j.kind, j.page, use)
}

// renderBody renders a document's body to HTML, and its outline if asked,
// reading it again from the content folder when it was not kept.
func (s *Site) renderBody(fsys fs.FS, d *Doc, mds markdownPool, ix *xref.Index, withOutline bool) (template.HTML, []Heading, error) {
	body := []byte(d.Body) // kept in memory by a Session
	if !s.bodiesKept {
		var err error
		if body, err = readBody(fsys, d); err != nil {
			return "", nil, err
		}
	}
	md := <-mds
	defer func() { mds <- md }()
	pc := s.withMDLinks(xref.NewContext(ix, d.ID), d)
	var (
		outline []Heading
		html    []byte
		err     error
	)
	if withOutline {
		outline, _, html, err = md.scanRender(body, pc, true, false, nil)
	} else {
		html, err = md.render(body, pc)
	}
	if err != nil {
		return "", nil, fmt.Errorf("%s: rendering Markdown: %w", d.File, err)
	}
	return trustedHTML(html), outline, nil
}

var fileSeed = maphash.MakeSeed()

// fileHash identifies a file's bytes within one process.
func fileHash(data []byte) uint64 { return maphash.Bytes(fileSeed, data) }

// parallel runs f(0..n-1) on workers goroutines and returns the first
// error; the order of work does not affect results.
func parallel(ctx context.Context, workers, n int, f func(i int) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
		next = make(chan int)
	)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n; i++ {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("build interrupted: %w", err)
	}
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return errors.Join(errs...)
	}
	return nil
}

// writer minifies and writes files, counting them.
type writer struct {
	out   Output
	m     *minify.M
	mu    sync.Mutex
	files int
}

// write minifies b into a pooled buffer and writes it out. Neither the
// writer nor the Output keeps b.
func (w *writer) write(name, mediatype string, b []byte) error {
	if w.m != nil && mediatype != "" {
		buf := minifyBufs.Get().(*bytes.Buffer)
		defer putMinifyBuf(buf)
		buf.Reset()
		if err := minifyTo(buf, w.m, name, mediatype, b); err != nil {
			return err
		}
		b = buf.Bytes()
	}
	if err := w.out.WriteFile(name, b); err != nil {
		return err
	}
	w.mu.Lock()
	w.files++
	w.mu.Unlock()
	return nil
}

// minifyBufs recycles the buffers files are minified into.
var minifyBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putMinifyBuf(b *bytes.Buffer) {
	if b.Cap() <= 4<<20 { // an outsize file's buffer is let go
		minifyBufs.Put(b)
	}
}

// copyAssets copies the theme's assets/ to /assets/, minifying CSS and JS.
func (w *writer) copyAssets(theme fs.FS) error {
	return fs.WalkDir(theme, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		b, err := fs.ReadFile(theme, p)
		if err != nil {
			return err
		}
		return w.write(p, mediaTypes[path.Ext(p)], b)
	})
}

// minifyFile minifies b by its media type into a new slice; nil m or ""
// leaves it as is.
func minifyFile(m *minify.M, name, mediatype string, b []byte) ([]byte, error) {
	if m == nil || mediatype == "" {
		return b, nil
	}
	var buf bytes.Buffer
	buf.Grow(len(b))
	if err := minifyTo(&buf, m, name, mediatype, b); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// minifyTo appends b, minified by its media type, to buf. b goes in as a
// bytes.Buffer, which the minifier reads in place (a bytes.Reader it
// would copy whole).
func minifyTo(buf *bytes.Buffer, m *minify.M, name, mediatype string, b []byte) error {
	if err := m.Minify(mediatype, buf, bytes.NewBuffer(b)); err != nil {
		return fmt.Errorf("minifying %s: %w", name, err)
	}
	return nil
}

var mediaTypes = map[string]string{
	".css": "text/css", ".js": "application/javascript", ".json": "application/json",
	".svg": "image/svg+xml", ".xml": "text/xml", ".html": "text/html",
}

// newMinifier returns the minifier for all output, or nil when off. HTML
// keeps its document tags so <html lang> survives.
func newMinifier(on bool) *minify.M {
	if !on {
		return nil
	}
	return minifierWith(&mhtml.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true})
}

// layoutMinifier minifies layouts as newMinifier minifies pages, leaving
// their template actions as written.
var layoutMinifier = sync.OnceValue(func() *minify.M {
	return minifierWith(&mhtml.Minifier{KeepDocumentTags: true, KeepEndTags: true, KeepQuotes: true, TemplateDelims: mhtml.GoTemplateDelims})
})

// minifyLayout returns a built-in layout's text minified (see
// parseTemplates). The
// minifier's template mode collapses white space in a script, style or
// textarea (even in a string) and is not trusted with pre: a layout with a
// template action inside one of those is not minified.
//
// Template comments are emptied first: the template mode reads a quote in
// one as the start of a string, and the rest of the file as its text.
func minifyLayout(src []byte) ([]byte, error) {
	src = templateComment.ReplaceAll(src, []byte("{{$1/**/$2}}"))
	for _, m := range rawTextElement.FindAllSubmatch(src, -1) {
		if bytes.Contains(m[1], []byte("{{")) {
			return nil, errors.New("a template action in a script, style, textarea or pre element")
		}
	}
	var buf bytes.Buffer
	if err := minifyTo(&buf, layoutMinifier(), "layout", "text/html", src); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// templateComment matches a template comment, with its trim markers as
// submatches 1 and 2.
var templateComment = regexp.MustCompile(`(?s)\{\{(- )?/\*.*?\*/( -)?\}\}`)

// rawTextElement matches an element whose text the HTML minifier must
// leave as it is; submatch 1 is its content.
var rawTextElement = regexp.MustCompile(`(?is)<(?:script|style|textarea|pre)\b[^>]*>(.*?)</(?:script|style|textarea|pre)`)

// minifierWith returns a minifier of HTML by h, and of the CSS, JS, JSON,
// SVG and XML gazette writes.
func minifierWith(h *mhtml.Minifier) *minify.M {
	m := minify.New()
	m.Add("text/html", h)
	m.AddFunc("text/css", css.Minify)
	m.AddFunc("application/javascript", js.Minify)
	m.AddFunc("application/json", json.Minify)
	m.AddFunc("image/svg+xml", svg.Minify)
	m.AddFunc("text/xml", xml.Minify)
	return m
}

// ThemeFS returns the theme of cfg: the embedded default, overridden file
// by file by themes/<cfg.Theme> beside the config file.
func ThemeFS(cfg Config) fs.FS {
	def := themes.Default()
	if cfg.Theme == "" {
		return def
	}
	return overlay{top: os.DirFS(filepath.Join(cfg.Dir, "themes", cfg.Theme)), bottom: def}
}

// overlay reads from top, falling back to bottom for files top lacks.
type overlay struct{ top, bottom fs.FS }

func (o overlay) Open(name string) (fs.File, error) {
	if f, err := o.top.Open(name); err == nil {
		if st, err := f.Stat(); err == nil && !st.IsDir() {
			return f, nil
		}
		f.Close()
	}
	return o.bottom.Open(name)
}

// ReadDir merges both layers, so assets the override adds are copied too.
func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]fs.DirEntry{}
	a, errA := fs.ReadDir(o.top, name)
	b, errB := fs.ReadDir(o.bottom, name)
	if errA != nil && errB != nil {
		return nil, errB
	}
	for _, e := range b {
		seen[e.Name()] = e
	}
	for _, e := range a {
		seen[e.Name()] = e
	}
	out := make([]fs.DirEntry, 0, len(seen))
	for _, e := range seen {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}

// trustedHTML marks goldmark output as safe: goldmark runs without its
// unsafe option, so raw HTML in content never reaches it, and every text
// it writes is escaped.
func trustedHTML(b []byte) template.HTML { return template.HTML(b) }

// safeInject marks gazette's own injected markup (never content) as HTML.
func safeInject(s string) template.HTML { return template.HTML(s) }
