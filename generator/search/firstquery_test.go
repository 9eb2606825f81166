package search

import (
	"bytes"
	"compress/gzip"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestFirstQueryBytes is a developer tool, not a check: it serves a built
// site ($GAZETTE_MEASURE_PUBLIC, its public/ folder) and Pagefind's index of
// the same pages ($GAZETTE_MEASURE_PAGEFIND, from pagefind --site public
// --output-path DIR) on 127.0.0.1, runs each query of
// $GAZETTE_MEASURE_QUERIES (comma-separated) in a fresh headless chromium,
// once on our search page and once through Pagefind's JS API (search, then
// the data of the first five results, as its default UI shows), and logs
// the requests and bytes each fetched: the search code and index files,
// raw and gzip-compressed (Pagefind's files are compressed already). The
// search page is rendered from the theme's search.html and search.js is
// served unminified.
func TestFirstQueryBytes(t *testing.T) {
	site, pf := os.Getenv("GAZETTE_MEASURE_PUBLIC"), os.Getenv("GAZETTE_MEASURE_PAGEFIND")
	if site == "" || pf == "" {
		t.Skip("set GAZETTE_MEASURE_PUBLIC and GAZETTE_MEASURE_PAGEFIND to compare first-query bytes")
	}
	var mu sync.Mutex
	var raw, gz, n int // counted since the last reset
	pfPage := `<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><body><script type="module">
const q = new URLSearchParams(location.search).get('q');
const pagefind = await import('/pagefind/pagefind.js');
const search = await pagefind.search(q);
const data = await Promise.all(search.results.slice(0, 5).map(r => r.data()));
window.done = {count: search.results.length, urls: data.map(d => d.url)};
</script></body></html>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p string
		switch {
		case r.URL.Path == "/pf.html":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(pfPage))
			return
		case r.URL.Path == "/assets/search.js":
			p = searchJS
		case r.URL.Path == "/search/":
			layout, _ := os.ReadFile("../../themes/default/layouts/search.html")
			tpl := template.Must(template.Must(template.New("base").Parse(`{{define "base"}}<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">{{template "head" .}}</head><body>{{template "main" .}}</body></html>{{end}}`)).Parse(string(layout)))
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			tpl.ExecuteTemplate(w, "base", map[string]any{"Base": "/"})
			return
		case strings.HasPrefix(r.URL.Path, "/pagefind/"):
			p = filepath.Join(pf, strings.TrimPrefix(r.URL.Path, "/pagefind/"))
		default:
			p = filepath.Join(site, r.URL.Path)
			if strings.HasSuffix(r.URL.Path, "/") {
				p = filepath.Join(p, "index.html")
			}
		}
		data, err := os.ReadFile(p)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(r.URL.Path, "/pagefind/") || r.URL.Path == "/assets/search.js" ||
			strings.HasPrefix(r.URL.Path, "/search/") && strings.HasSuffix(r.URL.Path, ".json") {
			z := len(data) // Pagefind's index files are gzipped already
			if !strings.HasPrefix(r.URL.Path, "/pagefind/") || strings.HasSuffix(p, ".js") || strings.HasSuffix(p, ".json") {
				var b bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&b, 6)
				zw.Write(data)
				zw.Close()
				z = b.Len()
			}
			mu.Lock()
			raw, gz, n = raw+len(data), gz+z, n+1
			mu.Unlock()
		}
		switch filepath.Ext(p) {
		case ".js":
			w.Header().Set("Content-Type", "text/javascript")
		case ".json":
			w.Header().Set("Content-Type", "application/json")
		case ".html":
			w.Header().Set("Content-Type", "text/html")
		case ".wasm":
			w.Header().Set("Content-Type", "application/wasm")
		}
		w.Write(data)
	}))
	defer srv.Close()
	queries := strings.Split(os.Getenv("GAZETTE_MEASURE_QUERIES"), ",")
	for _, q := range queries {
		for _, which := range []string{"gazette", "pagefind"} {
			ctx := browser(t) // fresh browser: empty cache
			mu.Lock()
			raw, gz, n = 0, 0, 0
			mu.Unlock()
			var err error
			var res string
			if which == "gazette" {
				err = chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/search/?q="+url.QueryEscape(q)),
					chromedp.Poll[chromedp.Void](settled, chromedp.WithPollingTimeout(120*time.Second)))
				if err == nil {
					res, err = chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById('search-status').textContent`))
				}
			} else {
				err = chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/pf.html?q="+url.QueryEscape(q)),
					chromedp.Poll[chromedp.Void](`window.done`, chromedp.WithPollingTimeout(120*time.Second)))
				if err == nil {
					res, err = chromedp.Run(ctx, chromedp.Evaluate[string](`'results: ' + window.done.count`))
				}
			}
			if err != nil {
				t.Errorf("%s %q: %v", which, q, err)
				continue
			}
			mu.Lock()
			t.Logf("%-8s %-24q requests %3d  raw %8d  gzip %8d  %s", which, q, n, raw, gz, res)
			mu.Unlock()
		}
	}
}
