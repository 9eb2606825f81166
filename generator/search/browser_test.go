package search

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
	Alt      []string `json:"alt"`
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
  active: document.activeElement ? document.activeElement.id || document.activeElement.tagName : '',
  alt: Array.from(document.querySelectorAll('#search-alt:not([hidden]) a')).map(a => a.textContent)
}))()`

// runBrowserCases opens the search page of the site at origin+base for
// each of queryCases and checks what it shows, then searches by keyboard.
func runBrowserCases(t *testing.T, ctx context.Context, origin, base string) {
	for _, c := range queryCases {
		t.Run(c.Name, func(t *testing.T) {
			v := url.Values{"q": {c.Q}}
			for k, f := range c.Filters {
				v.Set(k, f)
			}
			err := chromedp.Do(ctx,
				chromedp.Navigate(origin+base+"search/?"+v.Encode()),
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
				if words := strings.Fields(c.Q); len(words) > 1 && !slices.Equal(st.Alt, words) {
					t.Errorf("%q: offers %q on their own, want %q", c.Q, st.Alt, words)
				} else if len(words) == 1 && len(st.Alt) != 0 {
					t.Errorf("%q: offers %q for a one-word query", c.Q, st.Alt)
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

	t.Run("filter from the list", func(t *testing.T) {
		const issuer = "泾源县人民政府办公室"
		err := chromedp.Do(ctx,
			chromedp.Navigate(origin+base+"search/?q="+url.QueryEscape("农民工工资")),
			chromedp.Poll[chromedp.Void](settled, chromedp.WithPollingTimeout(20*time.Second)),
			chromedp.Click(chromedp.ID("search-issuer")),
			// the values are fetched when the filter is first used
			chromedp.Poll[chromedp.Void](`Array.from(document.getElementById('search-issuer').options).some(o => o.value === `+jsString(issuer)+` && /（\d+）$/.test(o.textContent))`,
				chromedp.WithPollingTimeout(20*time.Second)),
			chromedp.Evaluate[chromedp.Void](`(() => { const s = document.getElementById('search-issuer'); s.value = `+jsString(issuer)+`; s.dispatchEvent(new Event('change')); })()`),
			chromedp.Poll[chromedp.Void](`location.search.includes('issuer=') && `+settled, chromedp.WithPollingTimeout(20*time.Second)),
		)
		var st pageState
		if err == nil {
			st, err = chromedp.Run(ctx, chromedp.Evaluate[pageState](readState))
		}
		if err != nil {
			opts, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.getElementById('search-issuer').options).map(o => o.value + '=' + o.textContent).join('|') + ' facets=' + String(window.gazetteSearch.facets) + ' active=' + document.activeElement.id + ' ' + location.search + ' ' + document.getElementById('search-status').textContent`))
			t.Fatalf("%v (filter options: %s)", err, opts)
		}
		if len(st.Hrefs) != 1 || st.Hrefs[0] != base+"jingyuan/2024-01/jzbf-2024-003/" {
			t.Errorf("after choosing %s: results %v", issuer, st.Hrefs)
		}
		if want := "?q=" + url.QueryEscape("农民工工资") + "&issuer=" + url.QueryEscape(issuer); st.Search != want {
			t.Errorf("URL query %q, want %q", st.Search, want)
		}
	})

	t.Run("keyboard", func(t *testing.T) {
		err := chromedp.Do(ctx,
			chromedp.Navigate(origin+base+"search/"),
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
