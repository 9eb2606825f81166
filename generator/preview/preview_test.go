package preview

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"gazette/generator"
)

// wait is how long a test waits for a rebuild before it fails. It is a
// deadline for a hung test, not a measurement.
const wait = 20 * time.Second

// copySite copies generator/testdata/site into a temporary folder and
// returns the folder.
func copySite(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := os.CopyFS(dir, os.DirFS("../testdata/site")); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// syncBuffer is a log that tests read while the server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// preview is a running server on a copy of the test site.
type preview struct {
	tb   testing.TB
	dir  string
	s    *Server
	ts   *httptest.Server
	log  *syncBuffer
	wait time.Duration // deadline for one build
}

func startPreview(tb testing.TB, dir string) *preview {
	tb.Helper()
	return startPreviewWith(tb, dir, wait, 0)
}

// startPreviewWith is startPreview with another deadline for each build,
// for large archives, and another debounce (0: the default).
func startPreviewWith(tb testing.TB, dir string, wait, debounce time.Duration) *preview {
	tb.Helper()
	return startPreviewOpts(tb, dir, wait, Options{Debounce: debounce})
}

// startPreviewOpts is startPreviewWith with more options; their
// ConfigPath and Log are set here.
func startPreviewOpts(tb testing.TB, dir string, wait time.Duration, opt Options) *preview {
	tb.Helper()
	log := &syncBuffer{}
	opt.ConfigPath, opt.Log = filepath.Join(dir, "config.toml"), log
	s := New(opt)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	ts := httptest.NewServer(s)
	tb.Cleanup(func() {
		ts.CloseClientConnections()
		ts.Close()
		cancel()
		if err := <-done; err != nil {
			tb.Errorf("Run: %v", err)
		}
	})
	select {
	case <-s.Ready():
	case err := <-done:
		tb.Fatalf("Run ended before the first build: %v", err)
	case <-time.After(wait):
		tb.Fatal("no first build")
	}
	return &preview{tb: tb, dir: dir, s: s, ts: ts, log: log, wait: wait}
}

// get fetches a site path (below the base path) and returns status and body.
func (p *preview) get(sitePath string) (int, string) {
	p.tb.Helper()
	resp, err := http.Get(p.ts.URL + p.s.Base() + sitePath)
	if err != nil {
		p.tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		p.tb.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func (p *preview) write(name, data string) {
	p.tb.Helper()
	path := filepath.Join(p.dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		p.tb.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		p.tb.Fatal(err)
	}
}

func (p *preview) read(name string) string {
	p.tb.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, filepath.FromSlash(name)))
	if err != nil {
		p.tb.Fatal(err)
	}
	return string(b)
}

// event is one Server-Sent Event.
type event struct{ name, data string }

// subscribe opens the event stream as a page of the current build would.
func (p *preview) subscribe() <-chan event {
	p.tb.Helper()
	st := p.s.current.Load()
	ctx, cancel := context.WithCancel(context.Background())
	p.tb.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", p.ts.URL+st.base+EventsPath+"?gen="+strconv.FormatInt(st.gen, 10), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.tb.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		p.tb.Fatalf("events Content-Type = %q", ct)
	}
	c := make(chan event, 16)
	go func() {
		defer resp.Body.Close()
		defer close(c)
		sc := bufio.NewScanner(resp.Body)
		var ev event
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					c <- ev
				}
				ev = event{}
			case strings.HasPrefix(line, "event: "):
				ev.name = line[len("event: "):]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[len("data: "):]
			}
		}
	}()
	return c
}

// next waits for the next event.
func (p *preview) next(c <-chan event) event {
	p.tb.Helper()
	select {
	case ev, ok := <-c:
		if !ok {
			p.tb.Fatal("event stream closed")
		}
		return ev
	case <-time.After(p.wait):
		p.tb.Fatalf("no event; log:\n%s", p.log.String())
	}
	return event{}
}

const docFile = "content/demo/2024-02/szf-2024-005.md"

func TestEditIsServed(t *testing.T) {
	t.Parallel()
	p := startPreview(t, copySite(t))
	if code, body := p.get("demo/2024-02/szf-2024-005/"); code != 200 || !strings.Contains(body, "调整市政府领导工作分工") {
		t.Fatalf("before the edit: %d\n%s", code, body)
	}
	ev := p.subscribe()
	p.write(docFile, strings.Replace(p.read(docFile), "调整市政府领导工作分工", "调整市政府领导分工（已校对）", 1))
	if e := p.next(ev); e.name != "reload" {
		t.Fatalf("event %+v, want reload", e)
	}
	code, body := p.get("demo/2024-02/szf-2024-005/")
	if code != 200 || !strings.Contains(body, "调整市政府领导分工（已校对）") {
		t.Fatalf("after the edit: %d\n%s", code, body)
	}
}

// TestRenameSave saves the way vim does with backupcopy=no: probe file,
// original renamed to a backup, new file written, backup removed. The
// burst must give exactly one rebuild. The debounce is longer than the
// default so that a busy test machine, pausing between the steps that
// vim does in microseconds, does not split the burst.
func TestRenameSave(t *testing.T) {
	t.Parallel()
	p := startPreviewWith(t, copySite(t), wait, 300*time.Millisecond)
	ev := p.subscribe()
	before := p.s.Builds()
	dir := filepath.Join(p.dir, "content/demo/2024-02")
	orig := filepath.Join(dir, "szf-2024-005.md")
	data := strings.Replace(p.read(docFile), "根据工作需要", "根据工作需要（vim）", 1)
	steps := []func() error{
		func() error { return os.WriteFile(filepath.Join(dir, "4913"), nil, 0o644) },
		func() error { return os.Remove(filepath.Join(dir, "4913")) },
		func() error { return os.WriteFile(filepath.Join(dir, ".szf-2024-005.md.swp"), []byte("swap"), 0o644) },
		func() error { return os.Rename(orig, orig+"~") },
		func() error { return os.WriteFile(orig, []byte(data), 0o644) },
		func() error { return os.Remove(orig + "~") },
	}
	for _, f := range steps {
		if err := f(); err != nil {
			t.Fatal(err)
		}
	}
	if e := p.next(ev); e.name != "reload" {
		t.Fatalf("event %+v, want reload", e)
	}
	if _, body := p.get("demo/2024-02/szf-2024-005/"); !strings.Contains(body, "根据工作需要（vim）") {
		t.Fatalf("saved text not served:\n%s", body)
	}
	// Another, later save is the only way to be sure no second rebuild
	// of the first burst is still coming: its rebuild must be the next.
	time.Sleep(3 * p.s.opt.Debounce)
	p.write(docFile, strings.Replace(data, "（vim）", "（第二次）", 1))
	if e := p.next(ev); e.name != "reload" {
		t.Fatalf("event %+v, want reload", e)
	}
	if got := p.s.Builds() - before; got != 2 {
		t.Errorf("two saves gave %d rebuilds, want 2 (one each); log:\n%s", got, p.log.String())
	}
}

func TestNewFolder(t *testing.T) {
	t.Parallel()
	p := startPreview(t, copySite(t))
	ev := p.subscribe()
	// A new folder with a file written right after it: the watch on the
	// folder may come after the file, and the rebuild must still see it.
	p.write("content/documents/2025/notice-a.md", "+++\ntitle = \"新文件夹里的通知\"\nissuers = [\"示范市人民政府\"]\ndate_signed = 2025-03-01\n+++\n正文甲。\n")
	if e := p.next(ev); e.name != "reload" {
		t.Fatalf("event %+v, want reload", e)
	}
	if code, body := p.get("documents/2025/notice-a/"); code != 200 || !strings.Contains(body, "正文甲") {
		t.Fatalf("new document: %d\n%s", code, body)
	}
	// The new folder is watched: a second file in it is picked up too.
	p.write("content/documents/2025/notice-b.md", "+++\ntitle = \"第二个通知\"\nissuers = [\"示范市人民政府\"]\ndate_signed = 2025-03-02\n+++\n正文乙。\n")
	for {
		if e := p.next(ev); e.name != "reload" {
			t.Fatalf("event %+v, want reload", e)
		}
		if code, _ := p.get("documents/2025/notice-b/"); code == 200 {
			break
		}
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()
	p := startPreview(t, copySite(t))
	const page = "documents/report-2024/"
	listings := []string{"", "years/2024/", "kinds/report/"}
	for _, l := range append(listings, page) {
		if code, body := p.get(l); code != 200 || !strings.Contains(body, page) {
			t.Fatalf("before: %q: %d, no link to %s", l, code, page)
		}
	}
	// The search index lists it too, and is served as JSON.
	inSearch := false
	for name, data := range siteFiles(t, p.s.current.Load()) {
		if strings.HasPrefix(name, "search/") && bytes.Contains(data, []byte(page)) {
			inSearch = true
		}
	}
	if !inSearch {
		t.Errorf("no search/ file names %s before the delete", page)
	}
	resp, err := http.Get(p.ts.URL + p.s.Base() + "search/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("search/manifest.json: %d %q, want 200 application/json", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	ev := p.subscribe()
	if err := os.Remove(filepath.Join(p.dir, "content/documents/report-2024.md")); err != nil {
		t.Fatal(err)
	}
	if e := p.next(ev); e.name != "reload" {
		t.Fatalf("event %+v, want reload", e)
	}
	if code, body := p.get(page); code != 404 || !strings.Contains(body, "页面不存在") {
		t.Errorf("deleted page: %d, want the site's 404 page\n%s", code, body)
	}
	// No page, listing or index (search) still names it.
	st := p.s.current.Load()
	for name, data := range siteFiles(t, st) {
		if bytes.Contains(data, []byte(page)) || bytes.Contains(data, []byte("政府工作报告")) {
			t.Errorf("%s still names the deleted document", name)
		}
	}
}

func TestBrokenFile(t *testing.T) {
	t.Parallel()
	p := startPreview(t, copySite(t))
	ev := p.subscribe()
	good := p.read(docFile)
	// An unknown front-matter key, named so that an unescaped overlay
	// would inject markup.
	p.write(docFile, strings.Replace(good, "+++\n", "+++\n\"<b>bold</b>\" = 1\n", 1))
	e := p.next(ev)
	if e.name != "problems" || !strings.Contains(e.data, "szf-2024-005.md:") {
		t.Fatalf("event %+v, want problems naming the file", e)
	}
	if !strings.Contains(p.log.String(), "gazette: content/demo/2024-02/szf-2024-005.md:") {
		t.Errorf("problem not printed on the terminal:\n%s", p.log.String())
	}
	// The last good site is served, with the overlay, escaped.
	code, body := p.get("demo/2024-02/szf-2024-005/")
	if code != 200 || !strings.Contains(body, "调整市政府领导工作分工") {
		t.Fatalf("last good page not served: %d", code)
	}
	if !strings.Contains(body, `<div id="gazette-overlay"`) || !strings.Contains(body, "content/demo/2024-02/szf-2024-005.md:2: ") {
		t.Errorf("no overlay with file:line in\n%s", body)
	}
	if strings.Contains(body, "<b>bold</b>") || !strings.Contains(body, "&lt;b&gt;bold&lt;/b&gt;") {
		t.Errorf("overlay not escaped:\n%s", body)
	}
	// Fixing the file reloads the page and clears the overlay.
	p.write(docFile, good)
	if e := p.next(ev); e.name != "reload" {
		t.Fatalf("event %+v, want reload", e)
	}
	if _, body := p.get("demo/2024-02/szf-2024-005/"); strings.Contains(body, `<div id="gazette-overlay"`) {
		t.Errorf("overlay still shown after the fix")
	}
}

// TestConsistentDuringRebuilds edits a title many times while readers
// fetch pages that show it. Each build writes version k of the title; a
// reader must only ever see complete pages, and all pages of one build
// generation must show the same version.
func TestConsistentDuringRebuilds(t *testing.T) {
	t.Parallel()
	p := startPreview(t, copySite(t))
	good := p.read(docFile)
	const title = "示范市人民政府关于调整工作分工的通知"
	pages := []string{"demo/2024-02/szf-2024-005/", "demo/2024-02/", "", "years/2024/", "issuers/"}
	var (
		mu      sync.Mutex
		seen    = map[string]string{} // gen → version
		stop    = make(chan struct{})
		wg      sync.WaitGroup
		fetched int
	)
	check := func(path string) {
		resp, err := http.Get(p.ts.URL + p.s.Base() + path)
		if err != nil {
			t.Error(err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		body := string(b)
		if resp.StatusCode != 200 || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
			t.Errorf("%s: status %d, incomplete page", path, resp.StatusCode)
			return
		}
		i := strings.Index(body, "?gen=")
		j := strings.Index(body, "（版本")
		if i < 0 || j < 0 {
			return // the first build, before any edit
		}
		gen := body[i+5 : i+5+strings.IndexByte(body[i+5:], '"')]
		version := body[j : j+strings.Index(body[j:], "）")]
		mu.Lock()
		defer mu.Unlock()
		fetched++
		if v, ok := seen[gen]; ok && v != version {
			t.Errorf("generation %s shows %s on one page and %s on %s", gen, v, version, path)
		}
		seen[gen] = version
	}
	for r := 0; r < 4; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := r; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				check(pages[i%len(pages)])
			}
		}()
	}
	ev := p.subscribe()
	for k := 1; k <= 8; k++ {
		p.write(docFile, strings.Replace(good, title, title+"（版本"+strconv.Itoa(k)+"）", 1))
		if k%2 == 0 { // let every second edit finish building
			for e := p.next(ev); e.name != "reload"; e = p.next(ev) {
			}
		} else {
			time.Sleep(p.s.opt.Debounce * 2)
		}
	}
	close(stop)
	wg.Wait()
	if fetched == 0 {
		t.Fatal("no page of an edited build was fetched")
	}
}

// TestConfigAndTheme switches on a theme in config.toml, then edits the
// theme: both are watched, the theme folder from the moment the config
// names it.
func TestConfigAndTheme(t *testing.T) {
	t.Parallel()
	dir := copySite(t)
	p := startPreview(t, dir)
	ev := p.subscribe()
	p.write("themes/mine/assets/style.css", "body{color:red}")
	cfg := p.read("config.toml")
	p.write("config.toml", cfg+"theme = \"mine\"\n")
	for {
		if e := p.next(ev); e.name != "reload" {
			t.Fatalf("event %+v, want reload", e)
		}
		if _, body := p.get("assets/style.css"); strings.Contains(body, "color:red") {
			break
		}
	}
	p.write("themes/mine/assets/style.css", "body{color:blue}")
	for {
		if e := p.next(ev); e.name != "reload" {
			t.Fatalf("event %+v, want reload", e)
		}
		if _, body := p.get("assets/style.css"); strings.Contains(body, "color:blue") {
			break
		}
	}
	// A broken config is a build error like any other.
	p.write("config.toml", cfg+"colour = 1\n")
	if e := p.next(ev); e.name != "problems" || !strings.Contains(e.data, "config.toml") || !strings.Contains(e.data, "colour") {
		t.Fatalf("event %+v, want problems naming config.toml", e)
	}
	if code, _ := p.get("demo/"); code != 200 {
		t.Errorf("last good site not served after a config error: %d", code)
	}
}

// siteFiles renders every file of a served site.
func siteFiles(t *testing.T, st *site) map[string][]byte {
	t.Helper()
	switch f := st.files.(type) {
	case fileMap:
		return f
	case *generator.Prepared:
		out := &mapOutput{files: map[string][]byte{}}
		if err := f.BuildAll(context.Background(), out); err != nil {
			t.Fatal(err)
		}
		return out.files
	}
	return nil
}

type mapOutput struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (o *mapOutput) WriteFile(name string, data []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.files[name] = append([]byte(nil), data...)
	return nil
}

// TestRenderError: pages render when requested, so a template that fails
// on one kind of page does not stop the build; opening such a page shows
// the error in the overlay with status 500, and fixing the theme recovers.
func TestRenderError(t *testing.T) {
	t.Parallel()
	dir := copySite(t)
	p := startPreview(t, dir)
	ev := p.subscribe()
	// index is a function that fails at execution on a missing key.
	p.write("themes/mine/layouts/document.html", `{{define "main"}}{{index .Site.Config.Title 99}}{{end}}`)
	cfg := p.read("config.toml")
	p.write("config.toml", cfg+"theme = \"mine\"\n")
	for {
		if e := p.next(ev); e.name != "reload" {
			t.Fatalf("event %+v, want reload", e)
		}
		if code, _ := p.get("documents/report-2024/"); code == 500 {
			break
		}
	}
	code, body := p.get("documents/report-2024/")
	if code != 500 || !strings.Contains(body, `id="gazette-overlay"`) || !strings.Contains(body, "document.html") || !strings.Contains(body, "failed to render") {
		t.Fatalf("broken page: %d, want 500 with the template error in the overlay:\n%s", code, body)
	}
	if code, _ := p.get(""); code != 200 {
		t.Errorf("home page: %d, want 200 (its template is fine)", code)
	}
	os.Remove(filepath.Join(dir, "themes/mine/layouts/document.html"))
	for {
		if e := p.next(ev); e.name != "reload" {
			t.Fatalf("event %+v, want reload", e)
		}
		if code, _ := p.get("documents/report-2024/"); code == 200 {
			break
		}
	}
}
