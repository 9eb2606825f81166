package preview

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gazette/generator"
)

// TestSaveLatency measures the time from saving one document to the
// reload event, over 20 saves, on an archive made by gazette-corpus:
//
//	go run ./cmd/gazette-corpus -n 10000 -o /tmp/c10k
//	GAZETTE_LATENCY_SITE=/tmp/c10k go test -run SaveLatency -v ./generator/preview
//
// It asserts nothing about time; it logs the median and spread. It edits a
// document of the archive (and restores it at the end).
// GAZETTE_LATENCY_PAUSE (e.g. 2s) waits between saves.
func TestSaveLatency(t *testing.T) {
	dir := os.Getenv("GAZETTE_LATENCY_SITE")
	if dir == "" {
		t.Skip("set GAZETTE_LATENCY_SITE to a gazette-corpus folder to measure save-to-reload latency")
	}
	saves := 20
	if n, err := strconv.Atoi(os.Getenv("GAZETTE_LATENCY_SAVES")); err == nil && n > 0 {
		saves = n
	}
	// A pause between saves lets the background search-index build of
	// each rebuild start (and be cancelled by the next save), as when a
	// person edits at a human pace.
	pause, _ := time.ParseDuration(os.Getenv("GAZETTE_LATENCY_PAUSE"))
	var doc string
	filepath.WalkDir(filepath.Join(dir, "content"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && doc == "" && !d.IsDir() && strings.HasSuffix(p, ".md") && !strings.HasPrefix(d.Name(), "_") {
			doc = p
		}
		return nil
	})
	if doc == "" {
		t.Fatalf("no document under %s/content", dir)
	}
	orig, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.WriteFile(doc, orig, 0o644) })

	start := time.Now()
	p := startPreviewWith(t, dir, 10*time.Minute, 0)
	t.Logf("first build of %d pages: %s", p.s.current.Load().pages, time.Since(start).Round(time.Millisecond))
	ev := p.subscribe()
	rel, _ := filepath.Rel(filepath.Join(dir, "content"), doc)
	page, ok := p.s.current.Load().files.(*generator.Prepared).PageOf(filepath.ToSlash(rel))
	if !ok {
		t.Fatalf("no page for %s", rel)
	}
	var lat, served []time.Duration
	for i := 0; i < saves; i++ {
		time.Sleep(pause)
		data := append(slices.Clip(orig), []byte("\n第"+strconv.Itoa(i)+"次保存。\n")...)
		t0 := time.Now()
		if err := os.WriteFile(doc, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for e := p.next(ev); e.name != "reload"; e = p.next(ev) {
			t.Fatalf("event %+v, want reload; log:\n%s", e, p.log.String())
		}
		lat = append(lat, time.Since(t0))
		// What the browser does next: fetch the page again.
		if code, body := p.get(page); code != 200 || !strings.Contains(body, "第"+strconv.Itoa(i)+"次保存") {
			t.Fatalf("after save %d, %s: %d without the new sentence", i, page, code)
		}
		served = append(served, time.Since(t0))
	}
	report := func(what string, lat []time.Duration) {
		slices.Sort(lat)
		q := func(f float64) time.Duration { return lat[int(f*float64(len(lat)-1)+0.5)].Round(time.Millisecond) }
		t.Logf("save to %s over %d saves of %s, %s apart: median %s, min %s, p25 %s, p75 %s, max %s (debounce %s)",
			what, len(lat), doc, pause, q(0.5), q(0), q(0.25), q(0.75), q(1), p.s.opt.Debounce)
	}
	report("reload event", lat)
	report("page served", served)
}
