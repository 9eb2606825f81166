package search

import (
	"context"
	"html/template"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
)

// chromium returns the browser to drive, or skips (fails under CI=true).
func chromium(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if full, err := exec.LookPath(p); err == nil {
			return full
		}
	}
	if os.Getenv("CI") == "true" {
		tb.Fatal("chromium not found: CI must install it (apt-get install chromium)")
	}
	tb.Skip("chromium not found: skipping the browser test (install Debian's chromium to run it)")
	return ""
}

// testBase is a minimal page shell with the theme contract's blocks.
const testBase = `{{define "base"}}<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>搜索 - {{.Site.Title}}</title>
<link rel="stylesheet" href="{{.Base}}assets/style.css">{{template "head" .}}</head>
<body><header><form role="search" action="{{.Base}}search/"><input id="site-q" type="search" name="q"></form></header>
<main id="main">{{template "main" .}}</main></body></html>{{end}}`

// testSite serves the search page, its assets and the index of docs under
// base on 127.0.0.1, as the built site would: search.js minified as the
// generator does.
func testSite(tb testing.TB, base string, docs []Doc) *httptest.Server {
	tb.Helper()
	files := map[string][]byte{}
	if _, err := Build(docs, func(name string, data []byte) error {
		files[name] = data
		return nil
	}); err != nil {
		tb.Fatal(err)
	}
	layout, err := os.ReadFile("../../themes/default/layouts/search.html")
	if err != nil {
		tb.Fatal(err)
	}
	tpl := template.Must(template.Must(template.New("base").Parse(testBase)).Parse(string(layout)))
	var page strings.Builder
	data := map[string]any{"Base": base, "Site": map[string]string{"Title": "测试公报档案"}}
	if err := tpl.ExecuteTemplate(&page, "base", data); err != nil {
		tb.Fatal(err)
	}
	files["search/index.html"] = []byte(page.String())
	src, err := os.ReadFile(searchJS)
	if err != nil {
		tb.Fatal(err)
	}
	m := minify.New()
	m.AddFunc("application/javascript", js.Minify)
	min, err := m.Bytes("application/javascript", src)
	if err != nil {
		tb.Fatalf("minifying search.js: %v", err)
	}
	files["assets/search.js"] = min
	for _, name := range []string{"search.css", "style.css"} {
		if css, err := os.ReadFile("../../themes/default/assets/" + name); err == nil {
			files["assets/"+name] = css
		}
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
		data, ok := files[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		switch path.Ext(name) {
		case ".html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
		case ".js":
			w.Header().Set("Content-Type", "text/javascript")
		case ".css":
			w.Header().Set("Content-Type", "text/css")
		case ".json":
			w.Header().Set("Content-Type", "application/json")
		}
		w.Write(data)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// browser starts headless chromium and returns its context.
func browser(tb testing.TB) context.Context {
	tb.Helper()
	exe := chromium(tb)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-default-browser-check", true),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	tb.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	tb.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	tb.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// pageState is what the test reads from the search page.
type pageState struct {
	Status   string   `json:"status"`
	Hrefs    []string `json:"hrefs"`
	Marks    []string `json:"marks"`
	Empty    bool     `json:"empty"`
	Input    string   `json:"input"`
	Issuer   string   `json:"issuer"`
	Search   string   `json:"search"`
	Injected int      `json:"injected"`
	Active   string   `json:"active"`
}

// settled is true once a search has finished rendering.
const settled = `(() => {
  const s = document.getElementById('search-status');
  if (!s || !s.textContent || s.textContent === '正在搜索…') return false;
  return document.querySelector('#search-results li') !== null || !document.getElementById('search-empty').hidden ||
    !s.textContent.startsWith('找到');
})()`

const readState = `(() => ({
  status: document.getElementById('search-status').textContent,
  hrefs: Array.from(document.querySelectorAll('#search-results li h2 a')).map(a => a.getAttribute('href')),
  marks: Array.from(document.querySelectorAll('#search-results li:first-child mark')).map(m => m.textContent),
  empty: !document.getElementById('search-empty').hidden,
  input: document.getElementById('search-q').value,
  issuer: document.getElementById('search-issuer').value,
  search: location.search,
  injected: document.querySelectorAll('#search script, #search img, #search-status *').length,
  active: document.activeElement ? document.activeElement.id || document.activeElement.tagName : ''
}))()`

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	ctx := browser(t)
	const base = "/archive/"
	srv := testSite(t, base, testCorpus(t, 300))

	for _, c := range queryCases {
		t.Run(c.Name, func(t *testing.T) {
			v := url.Values{"q": {c.Q}}
			for k, f := range c.Filters {
				v.Set(k, f)
			}
			err := chromedp.Do(ctx,
				chromedp.Navigate(srv.URL+base+"search/?"+v.Encode()),
				chromedp.Poll[chromedp.Void](settled, chromedp.WithPollingTimeout(20*time.Second)),
			)
			var st pageState
			if err == nil {
				st, err = chromedp.Run(ctx, chromedp.Evaluate[pageState](readState))
			}
			if err != nil {
				t.Fatalf("%q: %v", c.Q, err)
			}
			if strings.HasPrefix(st.Status, "搜索暂时不可用") {
				t.Fatalf("%q: %s", c.Q, st.Status)
			}
			if st.Input != c.Q {
				t.Errorf("search box holds %q, want the query %q from the URL", st.Input, c.Q)
			}
			if st.Injected != 0 {
				t.Errorf("%q: %d elements created from data", c.Q, st.Injected)
			}
			if c.First == "" {
				want := "没有找到与「" + c.Q + "」相关的文件"
				if st.Status != want || !st.Empty || len(st.Hrefs) != 0 {
					t.Errorf("%q: status %q, suggestions shown %v, %d results; want %q with suggestions", c.Q, st.Status, st.Empty, len(st.Hrefs), want)
				}
				return
			}
			if len(st.Hrefs) == 0 || st.Hrefs[0] != base+c.First {
				t.Errorf("%q: results %v, want %s first (status %q)", c.Q, st.Hrefs, base+c.First, st.Status)
			}
			if !strings.HasPrefix(st.Status, "找到 ") {
				t.Errorf("%q: status %q does not give the result count", c.Q, st.Status)
			}
			if len(st.Marks) == 0 {
				t.Errorf("%q: first result has no highlighted match", c.Q)
			}
			if f := c.Filters["issuer"]; f != "" && st.Issuer != f {
				t.Errorf("issuer filter shows %q, want %q from the URL", st.Issuer, f)
			}
		})
	}

	t.Run("keyboard", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(srv.URL+base+"search/"),
			chromedp.WaitVisible(chromedp.ID("search-q")),
			chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.id === 'search-q'`, chromedp.WithPollingTimeout(10*time.Second)),
			chromedp.SendKeys(chromedp.ID("search-q"), "段简\r"),
			chromedp.Poll[chromedp.Void](settled, chromedp.WithPollingTimeout(20*time.Second)),
		)
		var st pageState
		if err == nil {
			st, err = chromedp.Run(ctx, chromedp.Evaluate[pageState](readState))
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Hrefs) == 0 || st.Hrefs[0] != base+"documents/gzq-2025-shenpi/" {
			t.Errorf("Enter in the search box: results %v", st.Hrefs)
		}
		if want := "?q=" + url.QueryEscape("段简"); st.Search != want {
			t.Errorf("URL query %q after Enter, want %q", st.Search, want)
		}
		if !strings.Contains(strings.Join(st.Marks, ""), "段简") {
			t.Errorf("marks %q do not highlight 段简", st.Marks)
		}
	})
}
