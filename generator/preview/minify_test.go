package preview

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"gazette/generator"
)

// TestServeMinify: gazette serve -minify (Options.Minify) serves the pages
// gazette build writes with minify on, and serve without it those written
// with minify off (each with the same reload script added): after the
// first build, and after an edit, which the preview builds incrementally.
func TestServeMinify(t *testing.T) {
	t.Parallel()
	for _, minify := range []bool{true, false} {
		name := "minify=" + map[bool]string{true: "on", false: "off"}[minify]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			p := startPreviewOpts(t, copySite(t), wait, Options{Minify: minify})
			p.sameAsBuild(minify)
			ev := p.subscribe()
			p.write(docFile, strings.Replace(p.read(docFile), "调整市政府领导工作分工", "调整市政府领导分工（已校对）", 1))
			if e := p.next(ev); e.name != "reload" {
				t.Fatalf("event %+v, want reload", e)
			}
			if _, body := p.get("demo/2024-02/szf-2024-005/"); !strings.Contains(body, "已校对") {
				t.Fatal("the edit is not served")
			}
			p.sameAsBuild(minify)
		})
	}
}

// sameAsBuild checks that every HTML page the preview serves is, byte for
// byte, the page a build of its folder writes with minify set so.
func (p *preview) sameAsBuild(minify bool) {
	p.tb.Helper()
	cfg, err := generator.LoadConfig(filepath.Join(p.dir, "config.toml"), false)
	if err != nil {
		p.tb.Fatal(err)
	}
	cfg.Minify = minify
	st := p.s.current.Load()
	out := &mapOutput{files: map[string][]byte{}}
	if _, _, err := generator.Build(context.Background(), generator.Options{
		Config: cfg, Content: os.DirFS(filepath.Join(p.dir, "content")), ContentName: "content/",
		Out: out, Inject: script(st.base, st.gen),
	}); err != nil {
		p.tb.Fatal(err)
	}
	var names []string
	for name := range out.files {
		if strings.HasSuffix(name, ".html") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	if len(names) < 10 {
		p.tb.Fatalf("the build wrote %d HTML pages: %v", len(names), names)
	}
	minified := 0
	for _, name := range names {
		want := string(out.files[name])
		code, got := p.get(strings.TrimSuffix(name, "index.html"))
		if code != 200 && name != "404.html" {
			p.tb.Errorf("%s: status %d", name, code)
			continue
		}
		if got != want {
			p.tb.Errorf("%s (minify %v): the preview serves\n%s\nthe build writes\n%s", name, minify, got, want)
		}
		// So that the comparison says something, the build's pages must
		// be minified or not as asked: an unminified page has a line
		// break after <head> or <ul>.
		if !strings.Contains(want, "<ul>\n") && !strings.Contains(want, "<head>\n") {
			minified++
		}
	}
	if minify && minified != len(names) || !minify && minified != 0 {
		p.tb.Errorf("minify %v: %d of %d pages look minified", minify, minified, len(names))
	}
}
