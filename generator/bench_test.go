package generator

import (
	"bytes"
	"context"
	"html/template"
	"os"
	"path/filepath"
	"testing"

	"gazette/generator/xref"
)

// discard is an Output that keeps nothing: benchmarks measure the build,
// not the disk.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

func benchBuild(b *testing.B, dir string) {
	cfg, err := LoadConfig(filepath.Join(dir, "config.toml"), true)
	if err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS(cfg.Path(cfg.ContentDir))
	b.ReportAllocs()
	for b.Loop() {
		st, _, err := Build(context.Background(), Options{Config: cfg, Content: fsys, ContentName: "content/", Out: discard{}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Documents), "docs")
	}
}

// BenchmarkBuildShipped builds the shipped archive in memory.
func BenchmarkBuildShipped(b *testing.B) { benchBuild(b, "..") }

// BenchmarkBuildCorpus builds the corpus named by $GAZETTE_CORPUS (a folder
// made by cmd/gazette-corpus), for profiling:
//
//	GAZETTE_CORPUS=scale/10000 go test ./generator -run - -bench BuildCorpus -benchtime 1x -cpuprofile cpu.out
func BenchmarkBuildCorpus(b *testing.B) {
	dir := os.Getenv("GAZETTE_CORPUS")
	if dir == "" {
		b.Skip("set GAZETTE_CORPUS to a corpus folder made by cmd/gazette-corpus")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir)
	}
	benchBuild(b, dir)
}

// benchSite prepares the archive of $GAZETTE_CORPUS (a folder made by
// cmd/gazette-corpus; else the shipped one) as gazette serve does, with
// its bodies in memory and minification off, for the benchmarks of one
// stage of a build:
//
//	go test ./generator -run '^$' -bench 'Markdown|Templates|Minify' -benchmem
//	GAZETTE_CORPUS=scale/1000 go test ./generator -run '^$' -bench 'Markdown|Templates|Minify' -benchmem
func benchSite(b *testing.B) *Prepared {
	b.Helper()
	dir := os.Getenv("GAZETTE_CORPUS")
	switch {
	case dir == "":
		dir = ".."
	case !filepath.IsAbs(dir):
		dir = filepath.Join("..", dir)
	}
	cfg, err := LoadConfig(filepath.Join(dir, "config.toml"), true)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Minify = false
	p, _, err := NewSession().Prepare(context.Background(), Options{Config: cfg, Content: os.DirFS(cfg.Path(cfg.ContentDir)), ContentName: "content/"})
	if err != nil {
		b.Fatal(err)
	}
	if len(p.site.Docs) == 0 {
		b.Fatal("no documents")
	}
	return p
}

// BenchmarkMarkdown parses and renders every body of the archive as a
// build's scan does: citations resolved, outline, plain text and HTML.
// MB/s is Markdown per second.
func BenchmarkMarkdown(b *testing.B) {
	p := benchSite(b)
	md := newMarkdown(xref.Extension)
	var size int64
	for _, d := range p.site.Docs {
		size += int64(len(d.Body))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	var txt []byte
	for b.Loop() {
		for _, d := range p.site.Docs {
			pc := p.site.withMDLinks(xref.NewContext(p.ix, d.ID), d)
			var err error
			if _, txt, _, err = md.scanRender([]byte(d.Body), pc, true, true, txt[:0]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// benchPages renders every page of p once, unminified, each document's
// page with its body's HTML made beforehand; use gets each page's HTML,
// which it must not keep.
func benchPages(b *testing.B, p *Prepared, html map[*Doc]template.HTML, use func(name string, page []byte)) {
	ix := func() *xref.Index { return p.ix }
	for _, j := range p.jobs {
		if j.kind == "document" {
			j.page.Doc.HTML = html[j.page.Doc]
		}
		name := outputName(j.page.URL)
		if err := p.site.renderPageTo(p.tpl, j, p.opt.Content, p.mds, ix, func(page []byte) error { use(name, page); return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// bodiesHTML renders every body of p to HTML.
func bodiesHTML(b *testing.B, p *Prepared) map[*Doc]template.HTML {
	md := newMarkdown(xref.Extension)
	html := make(map[*Doc]template.HTML, len(p.site.Docs))
	for _, d := range p.site.Docs {
		out, err := md.render([]byte(d.Body), p.site.withMDLinks(xref.NewContext(p.ix, d.ID), d))
		if err != nil {
			b.Fatal(err)
		}
		html[d] = template.HTML(out)
	}
	return html
}

// BenchmarkTemplates executes the theme's layouts for every page of the
// archive (documents, issues, listings, offices, plans), without Markdown
// or minification. MB/s is HTML made per second.
func BenchmarkTemplates(b *testing.B) {
	p := benchSite(b)
	html := bodiesHTML(b, p)
	var size int64
	benchPages(b, p, html, func(_ string, page []byte) { size += int64(len(page)) })
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		benchPages(b, p, html, func(string, []byte) {})
	}
}

// BenchmarkMinify minifies every page of the archive whole, as a build
// did before its layouts were minified once (parseTemplates) and still
// does a page whose layout could not be. MB/s is HTML read per second.
func BenchmarkMinify(b *testing.B) {
	p := benchSite(b)
	type page struct {
		name string
		html []byte
	}
	var pages []page
	var size int64
	benchPages(b, p, bodiesHTML(b, p), func(name string, html []byte) {
		pages = append(pages, page{name, bytes.Clone(html)})
		size += int64(len(html))
	})
	m := newMinifier(true)
	var buf bytes.Buffer
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, pg := range pages {
			buf.Reset()
			if err := minifyTo(&buf, m, pg.name, "text/html", pg.html); err != nil {
				b.Fatal(err)
			}
		}
	}
}
