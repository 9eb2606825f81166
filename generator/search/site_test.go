package search_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"gazette/generator"
	"gazette/generator/search"
)

// siteDoc is a fixture written as a content file.
type siteDoc struct {
	file    string // below content/
	title   string
	number  string // canonical 文号
	printed string // as printed, when it differs
	issuers []string
	kind    string
	date    string
	body    string
}

func tomlString(s string) string { return fmt.Sprintf("%q", s) }

// realContent returns a content tree with the fixtures and n filler
// documents of real gazette sentences.
func realContent(tb testing.TB, n int) fstest.MapFS {
	tb.Helper()
	fsys := fstest.MapFS{
		"zhangye/_gazette.md":        {Data: []byte("+++\nname = \"张掖市人民政府公报\"\n+++\n")},
		"zhangye/2024-02/_issue.md":  {Data: []byte("+++\nyear = 2024\nnumber = 2\ndate = 2024-03-08\n+++\n")},
		"jingyuan/_gazette.md":       {Data: []byte("+++\nname = \"泾源县人民政府公报\"\n+++\n")},
		"jingyuan/2023-02/_issue.md": {Data: []byte("+++\nyear = 2023\nnumber = 2\ndate = 2023-04-30\n+++\n")},
		"jingyuan/2024-01/_issue.md": {Data: []byte("+++\nyear = 2024\nnumber = 1\ndate = 2024-02-28\n+++\n")},
	}
	add := func(d siteDoc) {
		var b strings.Builder
		b.WriteString("+++\ntitle = " + tomlString(d.title) + "\n")
		if d.number != "" {
			b.WriteString("doc_number = " + tomlString(d.number) + "\n")
		}
		if d.printed != "" {
			b.WriteString("doc_number_printed = " + tomlString(d.printed) + "\n")
		}
		var is []string
		for _, s := range d.issuers {
			is = append(is, tomlString(s))
		}
		b.WriteString("issuers = [" + strings.Join(is, ", ") + "]\n")
		b.WriteString("kind = " + tomlString(d.kind) + "\ndate_signed = " + d.date + "\n+++\n\n" + d.body + "\n")
		fsys[d.file] = &fstest.MapFile{Data: []byte(b.String())}
	}
	// the fixtures of the package tests, under their IDs, so their URLs
	for _, d := range search.Fixtures {
		sd := siteDoc{file: d.ID + ".md", title: d.Title, number: d.DocKey, issuers: d.Issuers, kind: d.Kind, date: d.Date, body: d.Body}
		if d.DocNumber != d.DocKey {
			sd.printed = d.DocNumber
		}
		add(sd)
	}
	lines := strings.Split(strings.TrimSpace(string(mustRead(tb, "testdata/sentences.txt"))), "\n")
	issuers := []string{"张掖市人民政府", "武威市人民政府办公室", "甘州区人民政府"}
	for i := range n {
		var body strings.Builder
		for j := range 12 {
			body.WriteString(lines[(i*31+j*7)%len(lines)])
			body.WriteString("\n\n")
		}
		title := []rune(strings.TrimSpace(lines[(i*17)%len(lines)]))
		add(siteDoc{
			file:    fmt.Sprintf("documents/filler-%03d.md", i),
			title:   "关于" + string(title[:min(18, len(title))]) + "的通知",
			issuers: []string{issuers[i%len(issuers)]},
			kind:    "通知",
			date:    fmt.Sprintf("%d-%02d-%02d", 2019+i%6, i%12+1, i%28+1),
			body:    body.String(),
		})
	}
	return fsys
}

// siteOutput keeps a build in memory; the build writes from many
// goroutines.
type siteOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (o *siteOutput) WriteFile(name string, data []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.files[name] = append([]byte(nil), data...)
	return nil
}

// TestBrowser builds a site with generator.Build, the embedded default
// theme (so the shipped search.html and search.js) and minification, serves
// it under a subpath on 127.0.0.1 and runs the browser cases of issue 5
// against it in headless chromium.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx := search.TestBrowserContext(t)
	const base = "/archive/"
	cfg := generator.DefaultConfig()
	cfg.BaseURL = "https://example.org" + base
	out := &siteOutput{files: map[string][]byte{}}
	if _, _, err := generator.Build(context.Background(), generator.Options{
		Config: cfg, Content: realContent(t, 120), ContentName: "content/", Out: out,
	}); err != nil {
		t.Fatalf("build: %v", err)
	}
	if _, ok := out.files["search/manifest.json"]; !ok {
		t.Fatal("the build wrote no search/manifest.json")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, base)
		if !ok {
			http.NotFound(w, r)
			return
		}
		if name == "" || strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		data, ok := out.files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if ct := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json"}[path.Ext(name)]; ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Write(data)
	}))
	defer srv.Close()
	search.RunBrowserCases(t, ctx, srv.URL, base)
}

func mustRead(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}
