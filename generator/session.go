package generator

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/tdewolff/minify/v2"

	"gazette/generator/diag"
	"gazette/generator/xref"
)

// A Session builds one archive again and again, as gazette serve does after
// every save. It keeps what depends on one content file alone between
// builds, so a rebuild after an edit reads, decodes and scans only the files
// that changed:
//
//   - a decoded file (front matter, body, the plan tasks extracted from it)
//     is reused while its size and modification time are unchanged;
//   - a body's scan (outline, citations found, plain text for search) is
//     reused while the file is unchanged and the citation index is the
//     same: a change of any document's title, 文号, URL or parent rescans
//     every body, since any of them may cite it.
//
// Linking the site (IDs, URLs, issues, listings, citations between
// documents, plans and offices) is redone on every build: it depends on all
// files and is cheap. Pages are not rendered by Prepare: a Prepared site
// renders each file when it is first asked for, so a save costs the
// documents that changed plus the page the browser reloads.
//
// A Session is not safe for concurrent use; one Prepare at a time. The
// Prepared sites it returns are safe for concurrent use and stay valid
// after later Prepares.
type Session struct {
	files   map[string]*loaded
	changed map[string]bool // since the last Prepare, when a watcher says
	forget  bool            // check every file on the next Prepare
	listing listing         // the content folder's files, as last listed
	ix      *xref.Index     // the last citation index, and its key
	ixKey   [2]uint64
	seeds   *[2]maphash.Seed
}

// Changed tells the session which files below the content folder (slash
// paths such as "zhangye/2024-02/x.md") changed since the last Prepare, as
// a file watcher saw them. The next Prepare then reads again the files
// named and every file in a folder named, lists again only those paths (a
// folder named is walked; a path that is gone drops what was below it;
// "." means the content folder itself, so everything is checked), and
// reuses every other file it knows without checking its size and time,
// which saves a stat per file and a walk of the content folder. Files that
// could not be read, and the paths of listing problems, are always looked
// at again. Without calls to Changed since the last Prepare, or after
// Forget, Prepare walks the folder and checks every file's size and time.
//
// The content folder (Options.Content and ContentName) must be the same
// for every Prepare of a session; a new folder needs a new Session.
func (s *Session) Changed(names ...string) {
	if s.changed == nil {
		s.changed = map[string]bool{}
	}
	for _, n := range names {
		s.changed[n] = true
	}
}

// Forget makes the next Prepare check every file: for when a watcher may
// have missed events (its queue overflowed).
func (s *Session) Forget() { s.changed = nil; s.forget = true }

// NewSession returns a session with nothing cached.
func NewSession() *Session { return &Session{} }

// scanned is the scan of one body against one citation index.
type scanned struct {
	ixKey   [2]uint64
	outline []Heading
	cites   []xref.Citation
	text    string
}

// Prepared is a loaded, linked and scanned site whose files are made when
// they are first asked for.
type Prepared struct {
	Stats Stats

	site *Site
	tpl  templates
	opt  Options
	ix   *xref.Index
	mds  markdownPool
	m    *minify.M

	texts []string // plain text of each document, for search
	jobs  []pageJob
	pages map[string]*lazyFile // output name → page
	other map[string][]byte    // theme assets

	searchMu    sync.Mutex
	searchDone  bool
	searchFiles map[string][]byte
	searchErr   error

	hostOnce  sync.Once
	hostFiles map[string][]byte
	hostErr   error
}

// fileMap is an Output that keeps files in memory; theme assets are few
// and small, so a Prepared makes them at once.
type fileMap map[string][]byte

func (m fileMap) WriteFile(name string, data []byte) error {
	m[name] = bytes.Clone(data)
	return nil
}

type lazyFile struct {
	job  int
	once sync.Once
	data []byte
	err  error
}

// Prepare loads, links and scans the site of opt, reusing what earlier
// Prepares of the session worked out for files that have not changed. Its
// result and problems are those of Build: a diag.List of content errors
// (with warnings returned apart), or another error. opt.Out is not used.
func (s *Session) Prepare(ctx context.Context, opt Options) (p *Prepared, warnings diag.List, err error) {
	start := time.Now()
	theme, tpl, err := opt.theme()
	if err != nil {
		return nil, nil, err
	}
	if s.files == nil {
		s.files = map[string]*loaded{}
	}
	lo := loadOptions{keepBodies: true, prev: s.files, changed: s.changed, listing: &s.listing}
	if s.forget {
		lo.changed = nil
	}
	s.changed, s.forget = nil, false
	loadedFiles, problems := load(ctx, opt.Content, opt.ContentName, lo)
	if loadedFiles == nil {
		s.forget = true // what changed was not read
		s.listing = listing{}
		problems.Sort()
		return nil, problems.Warnings(), problems.Errors()
	}
	// Remember every file read, good or bad, so the next Prepare reads
	// only what changes; files that are gone are forgotten.
	files := make(map[string]*loaded, len(loadedFiles))
	for _, f := range loadedFiles {
		files[f.path] = f
	}
	s.files = files
	site, ps := link(opt.Config, loadedFiles, opt.ContentName)
	site.loaded = loadedFiles
	site.bodiesKept = true
	problems.Add(ps...)
	if problems.HasErrors() {
		problems.Sort()
		return nil, problems.Warnings(), problems.Errors()
	}
	// Plans and citations are linked at once: they read the linked
	// documents and write to different fields.
	plansDone := make(chan diag.List, 1)
	go func() { plansDone <- site.linkPlans(opt.Content, opt.ContentName) }()
	defer func() {
		if plansDone != nil {
			<-plansDone
		}
	}()
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m := newMinifier(opt.Config.Minify)
	p = &Prepared{site: site, tpl: tpl, opt: opt, mds: newMarkdownPool(workers, tpl.bodyMinifier(m)), m: m}
	targets := site.xrefTargets()
	key := s.targetsKey(targets)
	if s.ix != nil && s.ixKey == key {
		p.ix = s.ix // an Index is not changed once made
	} else {
		p.ix = xref.NewIndex(targets)
		s.ix, s.ixKey = p.ix, key
	}

	found := make([][]xref.Citation, len(site.Docs))
	p.texts = make([]string, len(site.Docs))
	err = parallel(ctx, workers, len(site.Docs), func(i int) error {
		d := site.Docs[i]
		sc := d.file.scan
		if sc == nil || sc.ixKey != key {
			md := <-p.mds
			defer func() { p.mds <- md }()
			pc := xref.NewContext(p.ix, d.ID)
			sc = &scanned{ixKey: key}
			sc.outline, sc.text = md.scan([]byte(d.Body), pc)
			sc.cites = xref.Citations(pc)
			d.file.scan = sc
		}
		d.Outline = sc.outline
		found[i] = sc.cites
		p.texts[i] = sc.text // the next Prepare may replace d.file.scan
		return nil
	})
	if err != nil {
		return nil, problems, err
	}
	site.linkCitations(found)
	problems.Add((<-plansDone)...)
	plansDone = nil
	problems.Sort()
	if problems.HasErrors() {
		return nil, problems.Warnings(), problems.Errors()
	}

	_, hasSearch := tpl["search"]
	p.jobs = site.pageJobs(hasSearch)
	stamp := ""
	if opt.Config.Timestamps {
		stamp = time.Now().Format("2006-01-02 15:04")
	}
	p.pages = make(map[string]*lazyFile, len(p.jobs))
	for i, j := range p.jobs {
		j.page.BuildTime = stamp
		j.page.Inject = safeInject(opt.Inject)
		p.pages[outputName(j.page.URL)] = &lazyFile{job: i}
	}
	assets := fileMap{}
	if err := (&writer{out: assets, m: p.m}).copyAssets(theme); err != nil {
		return nil, problems, err
	}
	p.other = assets
	p.Stats = Stats{Documents: len(site.Docs), Issues: len(site.Issues), Gazettes: len(site.Gazettes), Pages: len(p.jobs), Files: len(p.pages) + len(p.other), Duration: time.Since(start)}
	return p, problems, nil
}

// targetsKey identifies a citation index by everything it resolves with:
// two 64-bit hashes with the session's seeds (maphash, much faster than a
// cryptographic hash; the key never leaves the process).
func (s *Session) targetsKey(targets []xref.Target) [2]uint64 {
	if s.seeds == nil {
		s.seeds = &[2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	}
	var k [2]uint64
	var n [8]byte
	for i, seed := range s.seeds {
		var h maphash.Hash
		h.SetSeed(seed)
		for _, t := range targets {
			for _, f := range [...]string{t.ID, t.URL, t.Title, t.DocNumber, t.Parent} {
				binary.LittleEndian.PutUint64(n[:], uint64(len(f)))
				h.Write(n[:])
				h.WriteString(f)
			}
		}
		k[i] = h.Sum64()
	}
	return k
}

// File returns the output file name (a slash path such as
// "issuers/x1a2b3c4d5/index.html" or "assets/style.css"), rendering it
// on first use. ok is false when the site has no such file; err is a
// failure to render it (a template error, a body that changed on disk).
func (p *Prepared) File(name string) (data []byte, ok bool, err error) {
	if lf := p.pages[name]; lf != nil {
		lf.once.Do(func() {
			// A panic in an extension must not leave the page empty
			// for good: it is this page's error.
			defer func() {
				if r := recover(); r != nil {
					lf.data, lf.err = nil, fmt.Errorf("rendering %s panicked: %v", name, r)
				}
			}()
			lf.data, lf.err = p.renderPage(p.jobs[lf.job])
		})
		return lf.data, true, lf.err
	}
	if b, ok := p.other[name]; ok {
		return b, true, nil
	}
	if strings.HasPrefix(name, "search/") {
		files, err := p.search(context.Background(), runtime.GOMAXPROCS(0))
		if err != nil {
			return nil, true, err
		}
		b, ok := files[name]
		return b, ok, nil
	}
	if !isHostFile(name) {
		return nil, false, nil // a favicon.ico probe need not make the sitemap
	}
	p.hostOnce.Do(p.buildHostFiles)
	if p.hostErr != nil {
		return nil, true, p.hostErr
	}
	b, ok := p.hostFiles[name]
	return b, ok, nil
}

// isHostFile reports whether name may be one of the files hostFiles makes.
func isHostFile(name string) bool {
	return name == "robots.txt" || name == "feed.xml" ||
		strings.HasPrefix(name, "sitemap") && strings.HasSuffix(name, ".xml") && !strings.Contains(name, "/")
}

// renderPage renders one page of the prepared site.
func (p *Prepared) renderPage(j pageJob) ([]byte, error) {
	b, err := p.site.renderPage(p.tpl, j, p.opt.Content, p.mds, func() *xref.Index { return p.ix })
	if err != nil {
		return nil, err
	}
	return minifyFile(p.m, outputName(j.page.URL), p.tpl.pageType(j.kind), b)
}

// WarmSearch builds the search index now rather than on the first search,
// unless ctx ends first: serve calls it after a rebuild, and cancels it when
// the next save comes.
//
// It uses one core, leaving the other to the rebuild after the next save
// and to the pages the browser asks for.
func (p *Prepared) WarmSearch(ctx context.Context) { p.search(ctx, 1) }

// search returns the search index's files, building them on first use
// from the scanned texts. A build cut short by ctx is not kept.
func (p *Prepared) search(ctx context.Context, workers int) (map[string][]byte, error) {
	p.searchMu.Lock()
	defer p.searchMu.Unlock()
	if !p.searchDone {
		files, err := p.buildSearch(ctx, workers)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		p.searchFiles, p.searchErr, p.searchDone = files, err, true
	}
	return p.searchFiles, p.searchErr
}

// buildSearch makes the search index from the scanned texts.
func (p *Prepared) buildSearch(ctx context.Context, workers int) (map[string][]byte, error) {
	s := p.site
	if _, ok := p.tpl["search"]; !ok {
		return nil, nil
	}
	idx := s.newSearchIndex(workers)
	idx.feed(ctx, len(s.Docs), func(i int, buf []byte) ([]byte, int, error) {
		return append(buf, p.texts[i]...), s.Docs[i].bodyLen, nil
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	var mu sync.Mutex
	_, err := idx.stream.Finish(func(name string, data []byte) error {
		// Finish writes shards from several goroutines, and may reuse
		// data once this returns.
		data = bytes.Clone(data) // compact; Build does not minify it either
		mu.Lock()
		files[name] = data
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("search index: %w", err)
	}
	return files, nil
}

// buildHostFiles makes the sitemap, feed and robots.txt.
func (p *Prepared) buildHostFiles() {
	files := fileMap{}
	p.hostErr = p.site.writeHostFiles(&writer{out: files, m: p.m}, p.site.sitemapURLs(p.jobs))
	p.hostFiles = files
}

// PageOf returns the site path of the page of a content file (a slash
// path below the content folder, "zhangye/2024-02/x.md"), or false.
func (p *Prepared) PageOf(file string) (string, bool) {
	if d := p.site.byID[strings.TrimSuffix(file, ".md")]; d != nil {
		return d.URL, true
	}
	return "", false
}

// Names lists the files of the site that are known without building the
// search index: pages, theme assets and host files.
func (p *Prepared) Names() []string {
	p.hostOnce.Do(p.buildHostFiles)
	names := make([]string, 0, len(p.pages)+len(p.other)+len(p.hostFiles))
	for n := range p.pages {
		names = append(names, n)
	}
	for n := range p.other {
		names = append(names, n)
	}
	for n := range p.hostFiles {
		names = append(names, n)
	}
	return names
}

// BuildAll renders every file of the site and writes it to out, as Build
// would have: for tests, and for a preview that wants to see every error.
func (p *Prepared) BuildAll(ctx context.Context, out Output) error {
	names := p.Names()
	search, err := p.search(ctx, runtime.GOMAXPROCS(0))
	if err != nil {
		return err
	}
	for n := range search {
		names = append(names, n)
	}
	workers := p.opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return parallel(ctx, workers, len(names), func(i int) error {
		b, _, err := p.File(names[i])
		if err != nil {
			return err
		}
		return out.WriteFile(names[i], b)
	})
}
