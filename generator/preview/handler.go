package preview

import (
	"bytes"
	"errors"
	"html"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"gazette/generator/diag"
)

// site is one built site. It is never changed once stored: a rebuild makes
// a new one.
type site struct {
	base     string // base path, "/" or "/archive/"
	gen      int64  // build generation of files (0: none yet)
	files    files  // nil before the first good build
	pages    int
	problems diag.List // errors of the last build; files are the last good ones
	headline string    // the overlay's first line, when not a failed build
}

// files are a built site's files by slash path below the base path. A
// generator.Prepared renders each on first request.
type files interface {
	File(name string) (data []byte, ok bool, err error)
}

// fileMap is a site held in memory, for tests.
type fileMap map[string][]byte

func (m fileMap) File(name string) ([]byte, bool, error) {
	b, ok := m[name]
	return b, ok, nil
}

// file looks a path up in the site's files.
func (st *site) file(name string) ([]byte, bool, error) {
	if st.files == nil {
		return nil, false, nil
	}
	return st.files.File(name)
}

// contentTypes are the types of files a site has; others come from the
// mime package, then from sniffing.
var contentTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".json":  "application/json",
	".xml":   "application/xml; charset=utf-8",
	".svg":   "image/svg+xml",
	".txt":   "text/plain; charset=utf-8",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff2": "font/woff2",
}

func contentType(name string, data []byte) string {
	ext := path.Ext(name)
	if t, ok := contentTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return http.DetectContentType(data)
}

// ServeHTTP serves the current site and the live-reload events.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	st := s.current.Load() // one site for the whole request
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	// Clean the path first: ".." and "//" could never leave the file
	// map, but the cleaned path finds the file a browser meant.
	p := r.URL.Path
	if p == "" || p[0] != '/' {
		p = "/" + p
	}
	if c := path.Clean(p); c != "/" && strings.HasSuffix(p, "/") {
		p = c + "/"
	} else {
		p = c
	}
	if !strings.HasPrefix(p, st.base) {
		if p == "/" || p+"/" == st.base {
			http.Redirect(w, r, st.base, http.StatusFound)
			return
		}
		s.notFound(w, r, st)
		return
	}
	rel := p[len(st.base):]
	if rel == EventsPath {
		s.events(w, r)
		return
	}
	name := rel
	if rel == "" || strings.HasSuffix(rel, "/") {
		name = rel + "index.html"
	}
	if data, ok, err := st.file(name); ok {
		if err != nil {
			s.renderFailed(w, r, st, name, err)
			return
		}
		s.serveFile(w, r, st, name, data, http.StatusOK)
		return
	}
	if _, ok, _ := st.file(rel + "/index.html"); ok && !strings.HasSuffix(name, "index.html") {
		target := st.base + rel + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	s.notFound(w, r, st)
}

// notFound serves the site's 404.html with status 404.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, st *site) {
	if data, ok, err := st.file("404.html"); ok && err == nil {
		s.serveFile(w, r, st, "404.html", data, http.StatusNotFound)
		return
	}
	if len(st.problems) > 0 {
		s.serveFile(w, r, st, "404.html", []byte("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>gazette</title></head><body></body></html>"), http.StatusNotFound)
		return
	}
	http.NotFound(w, r)
}

// renderFailed answers a page that failed to render (a template error, a
// file changed on disk since the build) with status 500 and the error in
// the overlay, as a build error is shown.
func (s *Server) renderFailed(w http.ResponseWriter, r *http.Request, st *site, name string, err error) {
	var problems diag.List
	if !errors.As(err, &problems) {
		problems = diag.List{{Msg: err.Error()}}
	}
	broken := *st
	broken.problems = append(append(diag.List(nil), st.problems...), problems...)
	broken.headline = "gazette: this page failed to render"
	page := []byte("<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>gazette</title></head><body></body></html>")
	if !strings.HasSuffix(name, ".html") {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.serveFile(w, r, &broken, name, page, http.StatusInternalServerError)
}

func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, st *site, name string, data []byte, code int) {
	h := w.Header()
	ctype := contentType(name, data)
	if strings.HasPrefix(ctype, "text/html") && len(st.problems) > 0 {
		data = withOverlay(data, st.base, st.gen, st.problems, st.headline)
	}
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if code == http.StatusOK {
		// ServeContent handles HEAD, ranges and If-Modified-Since; a
		// zero time turns off Last-Modified.
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}

// withOverlay adds the problems overlay to an HTML page, before </body>.
// The site's pages already carry the reload script; a page without one
// (no site built yet) gets it too, so fixing the file reloads it.
func withOverlay(page []byte, base string, gen int64, problems diag.List, headline string) []byte {
	if headline == "" {
		headline = "gazette: the build failed; this page is from the last good build"
	}
	var b bytes.Buffer
	b.WriteString(`<div id="gazette-overlay" role="alert" style="` + overlayStyle + `">`)
	b.WriteString(`<p style="margin:0 0 .5em;font-weight:bold">` + html.EscapeString(headline) + `</p>`)
	for _, p := range problems {
		b.WriteString(`<pre style="margin:.25em 0;white-space:pre-wrap">`)
		b.WriteString(html.EscapeString(p.Error()))
		b.WriteString("</pre>")
	}
	b.WriteString("</div>")
	if !bytes.Contains(page, []byte(EventsPath)) {
		b.WriteString(script(base, gen))
	}
	i := bytes.LastIndex(page, []byte("</body>"))
	if i < 0 {
		i = len(page)
	}
	out := make([]byte, 0, len(page)+b.Len())
	out = append(out, page[:i]...)
	out = append(out, b.Bytes()...)
	return append(out, page[i:]...)
}

const overlayStyle = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;z-index:2147483647;" +
	"margin:0;padding:1em;background:#fff0f0;color:#600;border-top:3px solid #c00;" +
	"font:14px/1.4 monospace;box-shadow:0 -2px 8px rgba(0,0,0,.2)"
