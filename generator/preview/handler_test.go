package preview

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gazette/generator/diag"
)

// serverWith returns a server whose current site is st, without building.
func serverWith(st *site) *Server {
	s := New(Options{})
	s.current.Store(st)
	return s
}

func TestServeHTTP(t *testing.T) {
	t.Parallel()
	st := &site{base: "/archive/", gen: 3, files: fileMap{
		"index.html":        []byte("<html><body>home</body></html>"),
		"a/index.html":      []byte("<html><body>page a</body></html>"),
		"404.html":          []byte("<html><body>not here</body></html>"),
		"search/index.json": []byte(`{"docs":[]}`),
		"assets/style.css":  []byte("body{}"),
		"assets/search.js":  []byte("var x;"),
	}}
	s := serverWith(st)
	tests := []struct {
		name, method, path string
		code               int
		ctype, body, loc   string
	}{
		{"home", "GET", "/archive/", 200, "text/html; charset=utf-8", "home", ""},
		{"page", "GET", "/archive/a/", 200, "text/html; charset=utf-8", "page a", ""},
		{"index file", "GET", "/archive/a/index.html", 200, "text/html; charset=utf-8", "page a", ""},
		{"json", "GET", "/archive/search/index.json", 200, "application/json", `{"docs":[]}`, ""},
		{"css", "GET", "/archive/assets/style.css", 200, "text/css; charset=utf-8", "body{}", ""},
		{"js", "GET", "/archive/assets/search.js", 200, "text/javascript; charset=utf-8", "var x;", ""},
		{"folder without slash", "GET", "/archive/a", 301, "", "", "/archive/a/"},
		{"root to base", "GET", "/", 302, "", "", "/archive/"},
		{"base without slash", "GET", "/archive", 302, "", "", "/archive/"},
		{"missing", "GET", "/archive/nope/", 404, "text/html; charset=utf-8", "not here", ""},
		{"outside base", "GET", "/other/a/", 404, "text/html; charset=utf-8", "not here", ""},
		{"dot dot", "GET", "/archive/../archive/a/", 200, "text/html; charset=utf-8", "page a", ""},
		{"escape", "GET", "/archive/../../etc/passwd", 404, "text/html; charset=utf-8", "not here", ""},
		{"encoded escape", "GET", "/archive/%2e%2e/%2e%2e/etc/passwd", 404, "text/html; charset=utf-8", "not here", ""},
		{"head", "HEAD", "/archive/a/", 200, "text/html; charset=utf-8", "", ""},
		{"post", "POST", "/archive/a/", 405, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, "http://127.0.0.1"+tt.path, nil)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			res := rec.Result()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.code {
				t.Fatalf("status %d, want %d (body %q)", res.StatusCode, tt.code, body)
			}
			if tt.ctype != "" && res.Header.Get("Content-Type") != tt.ctype {
				t.Errorf("Content-Type %q, want %q", res.Header.Get("Content-Type"), tt.ctype)
			}
			if tt.body != "" && !strings.Contains(string(body), tt.body) {
				t.Errorf("body %q does not contain %q", body, tt.body)
			}
			if tt.method == "HEAD" && len(body) != 0 {
				t.Errorf("HEAD sent a body")
			}
			if tt.loc != "" && res.Header.Get("Location") != tt.loc {
				t.Errorf("Location %q, want %q", res.Header.Get("Location"), tt.loc)
			}
		})
	}
}

func TestServeOverlay(t *testing.T) {
	t.Parallel()
	problems := diag.List{{File: "content/a.md", Line: 7, Msg: `unknown key "<script>alert(1)</script>"`}}
	tests := []struct {
		name  string
		st    *site
		path  string
		code  int
		wants []string
	}{
		{"last good page", &site{base: "/", gen: 2, problems: problems, files: fileMap{
			"index.html": []byte("<html><body>home" + script("/", 2) + "</body></html>"),
		}}, "/", 200, []string{"home", `<div id="gazette-overlay"`, "content/a.md:7: unknown key &#34;&lt;script&gt;alert(1)&lt;/script&gt;&#34;"}},
		{"never built", &site{base: "/", problems: problems}, "/x/", 404, []string{`<div id="gazette-overlay"`, "content/a.md:7:", EventsPath + "?gen=0"}},
		{"json untouched", &site{base: "/", gen: 2, problems: problems, files: fileMap{
			"i.json": []byte(`{}`),
		}}, "/i.json", 200, []string{`{}`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			serverWith(tt.st).ServeHTTP(rec, httptest.NewRequest("GET", "http://127.0.0.1"+tt.path, nil))
			body := rec.Body.String()
			if rec.Code != tt.code {
				t.Fatalf("status %d, want %d", rec.Code, tt.code)
			}
			for _, w := range tt.wants {
				if !strings.Contains(body, w) {
					t.Errorf("body does not contain %q:\n%s", w, body)
				}
			}
			if strings.Contains(body, "<script>alert") {
				t.Errorf("problem not escaped:\n%s", body)
			}
			if strings.HasSuffix(tt.path, ".json") && body != `{}` {
				t.Errorf("overlay added to JSON: %q", body)
			}
		})
	}
}

func TestEditorLitter(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"4913": true, "x.md~": true, ".x.md.swp": true, "x.md.swp": true, ".#x.md": true, "#x.md#": true,
		"x.md___jb_tmp___": true, ".DS_Store": true,
		"x.md": false, "_issue.md": false, "2024-02": false, "style.css": false, "49130.md": false,
	} {
		if got := editorLitter(name); got != want {
			t.Errorf("editorLitter(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestEventsStale(t *testing.T) {
	t.Parallel()
	// A page of build 1 connecting when build 2 is served reloads at once.
	s := serverWith(&site{base: "/", gen: 2, files: fileMap{}})
	ts := httptest.NewServer(s)
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/" + EventsPath + "?gen=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 0, 256)
	for !strings.Contains(string(buf), "event: reload\ndata: 2\n\n") {
		b := make([]byte, 64)
		n, err := resp.Body.Read(b)
		if err != nil {
			t.Fatalf("%v after %q", err, buf)
		}
		buf = append(buf, b[:n]...)
	}
}
