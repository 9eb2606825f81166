package preview

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const chromium = "/usr/bin/chromium"

// browser starts headless chromium for one test. Without chromium the test
// is skipped, except on CI, where a missing browser is a failure.
func browser(tb testing.TB) context.Context {
	tb.Helper()
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("CI=true but %s is missing: install chromium to run the browser test", chromium)
		}
		tb.Skipf("skipping the browser test: %s not found (install Debian's chromium to run it)", chromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(tb.TempDir()),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	tb.Cleanup(func() { cancel(); cancelAlloc() })
	// Start the browser on a context without a deadline: a timeout on the
	// first Run would stop the whole browser.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`1`)); err != nil {
		tb.Fatalf("starting %s: %v", chromium, err)
	}
	return ctx
}

// pollFor waits until the page's JavaScript expression is true. It
// evaluates the expression itself rather than with chromedp.Poll, which
// fails when the page navigates, and a reload is what the test waits for.
func pollFor(tb testing.TB, ctx context.Context, what, expr string) {
	tb.Helper()
	var lastErr error
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		if err == nil && ok {
			return
		}
		lastErr = err
	}
	tb.Fatalf("waiting for %s (%s): last error %v", what, expr, lastErr)
}

// TestBrowserReload opens a document in chromium, saves the file, and sees
// the page reload with the new text; then breaks the file, sees the
// overlay, fixes it and sees the overlay go.
func TestBrowserReload(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	p := startPreview(t, copySite(t))
	url := p.ts.URL + p.s.Base() + "demo/2024-02/szf-2024-005/"
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	pollFor(t, ctx, "the document", `document.body.innerText.includes("调整市政府领导工作分工")`)
	// A mark on the window survives no reload.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.gazetteMark = 1`)); err != nil {
		t.Fatal(err)
	}

	good := p.read(docFile)
	p.write(docFile, strings.Replace(good, "调整市政府领导工作分工", "调整市政府领导分工（浏览器）", 1))
	pollFor(t, ctx, "the reload", `window.gazetteMark === undefined && document.body.innerText.includes("调整市政府领导分工（浏览器）")`)

	if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.gazetteMark = 2`)); err != nil {
		t.Fatal(err)
	}
	p.write(docFile, strings.Replace(good, "+++\n", "+++\nbogus = 1\n", 1))
	pollFor(t, ctx, "the overlay", `(document.getElementById("gazette-overlay")||{}).textContent?.includes("szf-2024-005.md:2: ")`)
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.gazetteMark`)); err != nil || n != 2 {
		t.Errorf("the page reloaded on a failed build (mark %d, %v)", n, err)
	}
	p.write(docFile, good)
	pollFor(t, ctx, "the fix", `window.gazetteMark === undefined && !document.getElementById("gazette-overlay") && document.body.innerText.includes("调整市政府领导工作分工")`)

	// A hidden tab lets go of its stream; shown again, it reconnects.
	waitStreams := func(want int) {
		t.Helper()
		for deadline := time.Now().Add(wait); p.s.hub.count() != want; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d event streams open, want %d", p.s.hub.count(), want)
			}
		}
	}
	waitStreams(1)
	setHidden := func(hidden bool) {
		t.Helper()
		js := `Object.defineProperty(document, "hidden", {value: ` + strconv.FormatBool(hidden) + `, configurable: true});` +
			`document.dispatchEvent(new Event("visibilitychange")); 1`
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](js)); err != nil {
			t.Fatal(err)
		}
	}
	setHidden(true)
	waitStreams(0)
	setHidden(false)
	waitStreams(1)
}
