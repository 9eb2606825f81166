package generator

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"gazette/generator/content"
	"gazette/generator/publish"
)

// Bad inputs live in testdata/bad/<case>/: content/ holds files laid over
// the small valid archive of testdata/bad/_base/content, and want holds
// what gazette check reports, one problem a line. Cases that cannot be
// kept in git (symbolic links, a 50 MB file) are made by badSetup into
// the copied content folder. Run go test ./generator -update to rewrite
// the want files, and read the diff.
//
// For every case the test also builds the archive the way gazette build
// does (generator.Build into a publish.Staging over an output folder that
// holds a previous site) and asserts that the build did not panic, wrote
// nothing outside the output folder, failed exactly when load and link
// find errors, left the previous site untouched when it failed, and
// published no script, event handler, javascript: link, off-site image or
// non-ASCII path when it succeeded.

// badSetup makes the files of cases that git cannot hold.
var badSetup = map[string]func(tb testing.TB, content string){
	"huge-file": func(tb testing.TB, content string) {
		// 50 MB, sparse: load must refuse it by its size, before reading.
		f, err := os.Create(filepath.Join(content, "demo/2024-01/huge.md"))
		if err != nil {
			tb.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(50 << 20); err != nil {
			tb.Fatal(err)
		}
	},
	"long-line": func(tb testing.TB, content string) {
		body := "+++\ntitle = \"示例市人民政府关于长行的通知\"\nissuers = [\"示例市人民政府\"]\n+++\n\n" + strings.Repeat("很长的一行。", 20000) + "\n"
		writeFile(tb, filepath.Join(content, "demo/2024-01/long.md"), body)
	},
	"symlink-file-out": func(tb testing.TB, content string) {
		outside := filepath.Join(filepath.Dir(content), "outside.md")
		writeFile(tb, outside, "+++\ntitle = \"外部文件\"\nissuers = [\"外部\"]\n+++\n")
		symlink(tb, outside, filepath.Join(content, "demo/2024-01/leak.md"))
		symlink(tb, "/etc/passwd", filepath.Join(content, "demo/2024-01/passwd.md"))
	},
	"symlink-dir-out": func(tb testing.TB, content string) {
		outside := filepath.Join(filepath.Dir(content), "outside")
		writeFile(tb, filepath.Join(outside, "secret.md"), "+++\ntitle = \"外部文件\"\nissuers = [\"外部\"]\n+++\n")
		symlink(tb, outside, filepath.Join(content, "demo/2024-01/linked"))
	},
	"odd-file-names-runtime": func(tb testing.TB, content string) {
		// Names git keeps poorly: a tab, a backslash, a quote.
		for _, name := range []string{"tab\there.md", `back\slash.md`, `quote"d.md`} {
			writeFile(tb, filepath.Join(content, "demo/2024-01", name),
				"+++\ntitle = \"示例市人民政府关于怪文件名的通知\"\nissuers = [\"示例市人民政府\"]\n+++\n\n正文。\n")
		}
	},
}

func TestBadInputs(t *testing.T) {
	base := filepath.Join("testdata", "bad", "_base", "content")
	entries, err := os.ReadDir(filepath.Join("testdata", "bad"))
	if err != nil {
		t.Fatal(err)
	}
	// The previous site, built once and copied into each case's output.
	prev := filepath.Join(t.TempDir(), "public")
	prevCfg := DefaultConfig()
	prevCfg.Dir = filepath.Dir(prev)
	if err := buildInto(prevCfg, os.DirFS(base), prev); err != nil {
		t.Fatalf("building the previous site: %v", err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || strings.HasPrefix(name, "_") {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", "bad", name)
			tmp := t.TempDir()
			content := filepath.Join(tmp, "content")
			copyTree(t, base, content)
			if _, err := os.Stat(filepath.Join(dir, "content")); err == nil {
				copyTree(t, filepath.Join(dir, "content"), content)
			}
			if setup := badSetup[name]; setup != nil {
				setup(t, content)
			} else if _, err := os.Stat(filepath.Join(dir, "content")); err != nil {
				t.Fatalf("case has neither content/ nor a setup function")
			}
			cfg := DefaultConfig()
			cfg.Dir = tmp
			fsys := os.DirFS(content)

			// gazette check: every problem, as the command prints it.
			problems := Check(context.Background(), cfg, fsys, "content/")
			var got strings.Builder
			for _, p := range problems {
				got.WriteString(p.Error() + "\n")
			}
			wantFile := filepath.Join(dir, "want")
			if *update {
				if err := os.WriteFile(wantFile, []byte(got.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if got.String() != string(want) {
				t.Errorf("check reported:\n%s\nwant:\n%s", got.String(), want)
			}

			// gazette build over a previous site.
			out := filepath.Join(tmp, "public")
			copyTree(t, prev, out)
			before := snapshot(t, out)
			contentBefore := snapshot(t, content)
			_, loadProblems := Load(context.Background(), cfg, fsys, "content/")
			err = buildInto(cfg, fsys, out)
			if loadProblems.HasErrors() != (err != nil) {
				t.Errorf("load errors %v, but build returned %v", loadProblems.Errors(), err)
			}
			if problems.HasErrors() == false && err != nil {
				t.Errorf("check found no error, but build failed: %v", err)
			}
			after := snapshot(t, out)
			if err != nil {
				if d := diffSnapshots(before, after); d != "" {
					t.Errorf("failed build changed the previous site:\n%s", d)
				}
			} else {
				checkPublished(t, after)
			}
			// Nothing written beside the output folder or into content.
			left, _ := os.ReadDir(tmp)
			for _, e := range left {
				switch e.Name() {
				case "content", "public", "public.lock", "outside", "outside.md":
				default:
					t.Errorf("build left %s beside the output folder", e.Name())
				}
			}
			if d := diffSnapshots(contentBefore, snapshot(t, content)); d != "" {
				t.Errorf("build changed the content folder:\n%s", d)
			}
		})
	}
	if n < 30 {
		t.Errorf("only %d bad inputs in testdata/bad, want at least 30", n)
	}
}

// buildInto builds fsys into out as cmd/gazette's build does: through a
// staging folder committed only when the build succeeds.
func buildInto(cfg Config, fsys fs.FS, out string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("build panicked: %v", r)
		}
	}()
	stage, err := publish.Begin(out)
	if err != nil {
		return err
	}
	_, _, err = Build(context.Background(), Options{Config: cfg, Content: fsys, ContentName: "content/", Out: stage})
	if err != nil {
		stage.Abort()
		return err
	}
	_, err = stage.Commit()
	return err
}

// hostile are things no published page may hold: scripts and handlers
// from content, javascript: links, images from other sites.
var hostile = regexp.MustCompile(`(?i)<script>alert|<img[^>]*onerror|<iframe|href="\s*javascript:|src="\s*javascript:|<img[^>]*src="(https?:)?//|href="data:text`)

// checkPublished asserts a successful build published a whole, safe site.
func checkPublished(tb testing.TB, files map[string]string) {
	tb.Helper()
	if _, ok := files["index.html"]; !ok {
		tb.Errorf("published site has no index.html")
	}
	for name, body := range files {
		for _, r := range name {
			if r > 0x7e || r < 0x20 {
				tb.Errorf("published path %q is not ASCII", name)
				break
			}
		}
		if strings.HasSuffix(name, ".html") {
			if m := hostile.FindString(body); m != "" {
				tb.Errorf("%s holds %q", name, m)
			}
		}
	}
}

// snapshot maps every file below dir to its bytes.
func snapshot(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if d.Type()&fs.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			files[filepath.ToSlash(rel)] = "symlink to " + target
			return nil
		}
		if info, err := d.Info(); err == nil && info.Size() > 1<<20 {
			files[filepath.ToSlash(rel)] = fmt.Sprintf("%d bytes", info.Size())
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[filepath.ToSlash(rel)] = string(b)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

func diffSnapshots(a, b map[string]string) string {
	var out []string
	for name, body := range a {
		if got, ok := b[name]; !ok {
			out = append(out, "removed "+name)
		} else if got != body {
			out = append(out, "changed "+name)
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			out = append(out, "added "+name)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

func copyTree(tb testing.TB, from, to string) {
	tb.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func writeFile(tb testing.TB, name, body string) {
	tb.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func symlink(tb testing.TB, target, name string) {
	tb.Helper()
	if err := os.Symlink(target, name); err != nil {
		tb.Skipf("cannot make symbolic links here: %v", err)
	}
}

// TestHostileBodiesRender renders hostile Markdown with the build's
// goldmark configuration and asserts nothing executable comes out.
func TestHostileBodiesRender(t *testing.T) {
	md := newMarkdown()
	tests := []struct {
		name, in string
		want     string // a substring the output must hold
	}{
		{"script block", "<script>alert(1)</script>", "<!-- raw HTML omitted -->"},
		{"inline img", "a <img src=x onerror=alert(1)> b", "<!-- raw HTML omitted -->"},
		{"javascript link", "[x](javascript:alert(1))", `<a href="">x</a>`},
		{"mixed case", "[x](JaVaScRiPt:alert(1))", `<a href="">x</a>`},
		{"entity", "[x](&#106;avascript:alert(1))", `<a href="">x</a>`},
		{"autolink", "<javascript:alert(1)>", `href=""`},
		{"reference", "[x]: javascript:alert(1)\n\n[x]", `<a href="">x</a>`},
		{"data html", "[x](data:text/html,<script>alert(1)</script>)", `<a href="">x</a>`},
		{"off-site image", "![像素](https://tracker.example/p.png)", `<a href="https://tracker.example/p.png">像素</a>`},
		{"protocol-relative image", "![](//cdn.example/p.png)", `<a href="//cdn.example/p.png">图片</a>`},
		{"local image kept", "![图](fig.png)", `<img src="fig.png" alt="图"`},
		{"html in link text", "[<b>x</b>](https://a.example/)", "<!-- raw HTML omitted -->"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := md.render([]byte(tt.in), nil)
			if err != nil {
				t.Fatal(err)
			}
			got := string(r)
			if !strings.Contains(got, tt.want) {
				t.Errorf("render(%q) = %q, want it to hold %q", tt.in, got, tt.want)
			}
			if m := hostile.FindString(got); m != "" {
				t.Errorf("render(%q) = %q holds %q", tt.in, got, m)
			}
		})
	}
}

// TestDeepNesting asserts bodies nested 10,000 levels deep are refused
// before goldmark sees them, and bodies at the limit render.
func TestDeepNesting(t *testing.T) {
	for _, prefix := range []string{"- ", "> ", "1. ", "* ", "+ ", "\t", "  "} {
		body := strings.Repeat(prefix, 10000) + "x\n"
		ps := bodyLimits("x.md", body, 5)
		if len(ps) != 1 || ps[0].Line != 5 || !strings.Contains(ps[0].Msg, "flatten them") {
			t.Errorf("%q × 10000: %v", prefix, ps)
		}
	}
	var ok bytes.Buffer
	for i := 0; i < maxNesting; i++ {
		fmt.Fprintf(&ok, "%s- level %d\n", strings.Repeat("  ", i), i)
	}
	if ps := bodyLimits("x.md", ok.String(), 5); len(ps) != 0 {
		t.Errorf("%d levels: %v", maxNesting, ps)
	}
	if _, err := newMarkdown().render(ok.Bytes(), nil); err != nil {
		t.Error(err)
	}
}

func TestClassifyURL(t *testing.T) {
	tests := []struct {
		in   string
		want urlClass
	}{
		{"", urlEmpty},
		{"#s1", urlFragment},
		{"../a.md", urlLocal},
		{"/demo/2024-01/", urlLocal},
		{"fig.png", urlLocal},
		{"a:b/c", urlDangerous},
		{"https://www.gov.cn/", urlExternal},
		{"HTTP://x", urlExternal},
		{"mailto:a@b.cn", urlExternal},
		{"//cdn.example/x", urlExternal},
		{`\\host\x`, urlExternal},
		{"javascript:alert(1)", urlDangerous},
		{" \x01javascript:alert(1)", urlDangerous},
		{"java\tscript:alert(1)", urlDangerous},
		{"jav\nascript:alert(1)", urlDangerous},
		{"data:text/html,x", urlDangerous},
		{"file:///etc/passwd", urlDangerous},
		{"path/with:colon", urlLocal},
		{"?q=1", urlLocal},
	}
	for _, tt := range tests {
		if got := classifyURL(tt.in); got != tt.want {
			t.Errorf("classifyURL(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// xssTitle is a title that runs a script if any page inserts it as HTML.
const xssTitle = `<img src=x onerror=alert(1)>关于示例的通知`

// TestHostileTitleInBrowser builds a site whose document title and issuer
// are HTML, serves it on 127.0.0.1 and opens it in headless chromium: the
// document page, the listings and the search results must show the title
// as text, create no element from it and run no script.
func TestHostileTitleInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	exe := ""
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if full, err := exec.LookPath(p); err == nil {
			exe = full
			break
		}
	}
	if exe == "" {
		t.Skip("chromium not found")
	}
	tmp := t.TempDir()
	content := filepath.Join(tmp, "content")
	copyTree(t, filepath.Join("testdata", "bad", "_base", "content"), content)
	issuer := `<script>alert(2)</script>示例局`
	writeFile(t, filepath.Join(content, "demo/2024-01/xss.md"), "+++\ntitle = "+strconv.Quote(xssTitle)+
		"\nissuers = ["+strconv.Quote(issuer)+"]\ndate_signed = 2024-01-12\n+++\n\n示例正文 <script>alert(3)</script>\n")
	cfg := DefaultConfig()
	cfg.Dir = tmp
	out := filepath.Join(tmp, "public")
	if err := buildInto(cfg, os.DirFS(content), out); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(out)))
	defer srv.Close()

	actx, cancel := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(exe), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true))
	defer cancel()
	ctx, cancel2 := chromedp.NewContext(actx)
	defer cancel2()
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	defer cancel3()
	// Count alert calls and requests to anything but the test server.
	hook := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `window.__alerts = 0; window.alert = function() { window.__alerts++; };`,
		})
		return err
	})
	if err := chromedp.Do(ctx, hook); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}

	type state struct {
		Alerts   int  `json:"alerts"`
		Injected int  `json:"injected"`
		Shown    bool `json:"shown"`
		Issuer   bool `json:"issuer"`
	}
	const read = `(() => ({
  alerts: window.__alerts,
  injected: document.querySelectorAll('img[src="x"], script:not([src])').length,
  shown: document.body.innerText.includes(` + "`" + xssTitle + "`" + `),
  issuer: document.body.innerText.includes('<script>alert(2)</script>示例局')
}))()`
	issuerURL := "issuers/" + hashSlug(issuer) + "/"
	pages := []struct {
		name, url     string
		title, issuer bool // the title, the issuer's name is on the page
	}{
		{"document", "demo/2024-01/xss/", true, true},
		{"issue", "demo/2024-01/", false, false},
		{"home", "", true, false},
		{"issuer listing", issuerURL, true, true},
		{"issuers", "issuers/", false, true},
		{"year listing", "years/2024/", true, false},
		{"search", "search/?q=" + url.QueryEscape("关于示例的通知"), true, false},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+p.url))
			if err == nil && p.name == "search" {
				err = chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`document.querySelector('#search-results li') !== null`, chromedp.WithPollingTimeout(20*time.Second)))
			}
			var st state
			if err == nil {
				st, err = chromedp.Run(ctx, chromedp.Evaluate[state](read))
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.Alerts != 0 || st.Injected != 0 {
				t.Errorf("%d alerts ran, %d elements came from content", st.Alerts, st.Injected)
			}
			if p.title && !st.Shown {
				t.Errorf("the title is not shown as text")
			}
			if p.issuer && !st.Issuer {
				t.Errorf("the issuer is not shown as text")
			}
		})
	}
}

// TestStagingRefusesEscapes asserts the publisher, the last line of
// defence, refuses output paths that would leave the output folder.
func TestStagingRefusesEscapes(t *testing.T) {
	tmp := t.TempDir()
	stage, err := publish.Begin(filepath.Join(tmp, "public"))
	if err != nil {
		t.Fatal(err)
	}
	defer stage.Abort()
	for _, name := range []string{"../escape.html", "/etc/passwd", "a/../../escape.html", `a\..\..\escape.html`, "", "a//b.html", "./a.html"} {
		if err := stage.WriteFile(name, []byte("x")); err == nil {
			t.Errorf("WriteFile(%q) succeeded", name)
		}
	}
	if err := stage.WriteFile("ok/index.html", []byte("x")); err != nil {
		t.Errorf("WriteFile(ok/index.html): %v", err)
	}
	if _, err := os.Stat(filepath.Join(tmp, "escape.html")); err == nil {
		t.Errorf("a file was written outside the output folder")
	}
}

func TestRelURL(t *testing.T) {
	tests := []struct{ from, to, want string }{
		{"demo/2024-01/a/", "demo/2024-01/szf/", "../szf/"},
		{"demo/2024-01/a/", "demo/2024-01/a/p/", "p/"},
		{"demo/2024-01/a/p/", "demo/2024-01/a/", "../"},
		{"demo/2024-01/a/", "documents/r/", "../../../documents/r/"},
		{"demo/2024-01/a/", "demo/2024-01/a/", "./"},
		{"", "demo/", "demo/"},
		{"demo/", "", "../"},
	}
	for _, tt := range tests {
		if got := relURL(tt.from, tt.to); got != tt.want {
			t.Errorf("relURL(%q, %q) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
}

// TestMDLinksRewritten asserts a link to another content file leads to
// that document's page in the built site.
func TestMDLinksRewritten(t *testing.T) {
	tmp := t.TempDir()
	content := filepath.Join(tmp, "content")
	copyTree(t, filepath.Join("testdata", "bad", "_base", "content"), content)
	writeFile(t, filepath.Join(content, "demo/2024-01/links.md"), "+++\ntitle = \"关于链接的通知\"\nissuers = [\"示例市人民政府\"]\n+++\n\n"+
		"见[通知](szf-2024-001.md#s1)、[绝对](/demo/2024-01/szf-2024-001.md)、[不存在](nope.md)和[外部](https://www.gov.cn/a.md)。\n")
	out := &memOutput{}
	cfg := DefaultConfig()
	cfg.Dir = tmp
	cfg.Minify = false
	if _, _, err := Build(context.Background(), Options{Config: cfg, Content: os.DirFS(content), ContentName: "content/", Out: out}); err != nil {
		t.Fatal(err)
	}
	page := string(out.files["demo/2024-01/links/index.html"])
	for _, want := range []string{`href="../szf-2024-001/#s1"`, `href="../szf-2024-001/">绝对`, `href="nope.md"`, `href="https://www.gov.cn/a.md"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// FuzzRender renders arbitrary bodies that pass bodyLimits with the
// build's goldmark configuration: it must not panic, and the HTML must
// hold no tag or attribute that runs script or loads from another site.
//
//	go test -run XXX -fuzz FuzzRender -fuzztime 10m ./generator/
func FuzzRender(f *testing.F) {
	for _, s := range []string{
		"<script>alert(1)</script>", "[x](javascript:alert(1))", "![x](https://a.example/x.png)",
		"<img src=x onerror=alert(1)>", "[x]: <javascript:alert(1)>\n\n[x]", "- a\n  - b\n    > c",
		"| a | b |\n|---|---|\n| <b>x</b> | [y](data:text/html,x) |",
	} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob("../content/*/*/*.md")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			if _, body, _, err := content.Split(b); err == nil && len(body) < 16<<10 {
				f.Add([]byte(body))
			}
		}
	}
	md := newMarkdown()
	scriptish := regexp.MustCompile(`(?i)<(script|iframe|object|embed|style|link|meta|base|form|svg|math)[\s>/]|<[a-z][^>]*\son[a-z]+\s*=|(href|src|action|formaction)\s*=\s*"\s*((javascript|vbscript)(:|&#)|data:text)|<img[^>]*src="(https?:)?//`)
	f.Fuzz(func(t *testing.T, body []byte) {
		// Load refuses invalid UTF-8 (content.Split), and must: goldmark
		// 1.8.7 with the CJK extension panics on a soft line break after
		// a stray continuation byte (util.ToRune walks before the slice;
		// testdata/fuzz/FuzzRender/2288d34d3e454b9c, bad case
		// goldmark-invalid-utf8).
		if !utf8.Valid(body) || len(bodyLimits("x.md", string(body), 1)) > 0 {
			return
		}
		r, err := md.render(body, nil)
		if err != nil {
			return
		}
		if m := scriptish.Find(r); m != nil {
			t.Fatalf("render(%q) holds %q:\n%s", body, m, r)
		}
	})
}

// FuzzCheck runs gazette check on a small archive with one fuzzed
// document: it must not panic, and every problem must name a file and a
// line inside it.
//
//	go test -run XXX -fuzz FuzzCheck -fuzztime 10m ./generator/
func FuzzCheck(f *testing.F) {
	bad, _ := filepath.Glob("testdata/bad/*/content/demo/2024-01/*.md")
	for _, name := range bad {
		if b, err := os.ReadFile(name); err == nil && len(b) < 16<<10 {
			f.Add(b)
		}
	}
	base := fstest.MapFS{}
	root := filepath.Join("testdata", "bad", "_base", "content")
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(root, p)
			base[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		}
		return nil
	})
	cfg := DefaultConfig()
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"demo/2024-01/fuzz.md": &fstest.MapFile{Data: data}}
		for k, v := range base {
			fsys[k] = v
		}
		lines := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r"))
		for _, p := range Check(context.Background(), cfg, fsys, "content/") {
			if p.File == "" || p.Msg == "" {
				t.Fatalf("problem without a file or message: %#v", p)
			}
			if p.File == "content/demo/2024-01/fuzz.md" && (p.Line < 0 || p.Line > lines+1) {
				t.Fatalf("problem at line %d of a %d-line file: %v", p.Line, lines, p)
			}
		}
	})
}
