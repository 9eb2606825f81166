package generator

import (
	"context"
	"encoding/xml"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

func buildHostSite(tb testing.TB, baseURL string, minify bool) map[string][]byte {
	tb.Helper()
	cfg, err := LoadConfig("testdata/site/config.toml", false)
	if err != nil {
		tb.Fatal(err)
	}
	cfg.BaseURL = baseURL
	cfg.Minify = minify
	out := &memOutput{}
	if _, _, err := Build(context.Background(), Options{Config: cfg, Content: os.DirFS("testdata/site/content"), ContentName: "content/", Out: out}); err != nil {
		tb.Fatalf("build: %v", err)
	}
	return out.files
}

// Parsed forms of the host files, independent of the writer's types.
type (
	xSitemap struct {
		XMLName xml.Name `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
		URLs    []struct {
			Loc     string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
			LastMod string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 lastmod"`
		} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 url"`
	}
	xLink struct {
		Rel  string `xml:"rel,attr"`
		Type string `xml:"type,attr"`
		Href string `xml:"href,attr"`
	}
	xEntry struct {
		ID        string  `xml:"http://www.w3.org/2005/Atom id"`
		Title     string  `xml:"http://www.w3.org/2005/Atom title"`
		Updated   string  `xml:"http://www.w3.org/2005/Atom updated"`
		Published string  `xml:"http://www.w3.org/2005/Atom published"`
		Links     []xLink `xml:"http://www.w3.org/2005/Atom link"`
	}
	xFeed struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"http://www.w3.org/2005/Atom id"`
		Title   string   `xml:"http://www.w3.org/2005/Atom title"`
		Updated string   `xml:"http://www.w3.org/2005/Atom updated"`
		Author  []struct {
			Name string `xml:"http://www.w3.org/2005/Atom name"`
		} `xml:"http://www.w3.org/2005/Atom author"`
		Links   []xLink  `xml:"http://www.w3.org/2005/Atom link"`
		Entries []xEntry `xml:"http://www.w3.org/2005/Atom entry"`
	}
)

// pageURLs lists the site paths of the HTML pages of a build but 404.html.
func pageURLs(files map[string][]byte) []string {
	var out []string
	for n := range files {
		switch {
		case n == "index.html":
			out = append(out, "")
		case strings.HasSuffix(n, "/index.html"):
			out = append(out, strings.TrimSuffix(n, "index.html"))
		}
	}
	sort.Strings(out)
	return out
}

func TestHostFiles(t *testing.T) {
	for _, minify := range []bool{false, true} {
		for _, base := range []string{"https://example.org/", "https://example.org/archive/"} {
			name := base
			if minify {
				name += " minified"
			}
			t.Run(name, func(t *testing.T) {
				files := buildHostSite(t, base, minify)
				checkSitemap(t, files, base)
				checkFeed(t, files, base)
				robots := string(files["robots.txt"])
				if !strings.Contains(robots, "\nSitemap: "+base+"sitemap.xml\n") || !strings.HasPrefix(robots, "User-agent: *\n") {
					t.Errorf("robots.txt:\n%s", robots)
				}
				for _, page := range []string{"index.html", "404.html", "gazettes/index.html"} {
					want := `href="` + strings.TrimPrefix(base, "https://example.org") + `feed.xml"`
					if !strings.Contains(string(files[page]), `type="application/atom+xml"`) || !strings.Contains(string(files[page]), want) {
						t.Errorf("%s: no feed link %s", page, want)
					}
				}
			})
		}
	}
}

func checkSitemap(t *testing.T, files map[string][]byte, base string) {
	t.Helper()
	var sm xSitemap
	if err := xml.Unmarshal(files["sitemap.xml"], &sm); err != nil {
		t.Fatalf("sitemap.xml: %v", err)
	}
	var got []string
	for _, u := range sm.URLs {
		if !strings.HasPrefix(u.Loc, base) {
			t.Errorf("sitemap loc %q is not below %s", u.Loc, base)
		}
		if u.LastMod != "" {
			if _, err := time.Parse("2006-01-02", u.LastMod); err != nil {
				t.Errorf("sitemap lastmod %q: %v", u.LastMod, err)
			}
		}
		got = append(got, strings.TrimPrefix(u.Loc, base))
	}
	sort.Strings(got)
	want := pageURLs(files)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sitemap lists\n%s\nwant every page\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func checkFeed(t *testing.T, files map[string][]byte, base string) {
	t.Helper()
	var f xFeed
	if err := xml.Unmarshal(files["feed.xml"], &f); err != nil {
		t.Fatalf("feed.xml: %v", err)
	}
	if f.ID != base || f.Title == "" || len(f.Author) != 1 || f.Author[0].Name == "" {
		t.Errorf("feed id %q title %q author %v", f.ID, f.Title, f.Author)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("feed updated: %v", err)
	}
	self := false
	for _, l := range f.Links {
		if l.Rel == "self" && l.Href == base+"feed.xml" && l.Type == "application/atom+xml" {
			self = true
		}
	}
	if !self {
		t.Errorf("feed has no self link to %sfeed.xml: %+v", base, f.Links)
	}
	if len(f.Entries) == 0 {
		t.Fatal("feed has no entries")
	}
	if f.Entries[0].Updated != f.Updated {
		t.Errorf("feed updated %s, newest entry %s", f.Updated, f.Entries[0].Updated)
	}
	ids := map[string]bool{}
	var prev time.Time
	for i, e := range f.Entries {
		up, err := time.Parse(time.RFC3339, e.Updated)
		if err != nil || e.Title == "" || e.ID == "" {
			t.Errorf("entry %d: id %q title %q updated %q (%v)", i, e.ID, e.Title, e.Updated, err)
		}
		if i > 0 && up.After(prev) {
			t.Errorf("entry %d (%s) is newer than the one before it", i, e.Updated)
		}
		prev = up
		if ids[e.ID] {
			t.Errorf("entry id %s twice", e.ID)
		}
		ids[e.ID] = true
		if len(e.Links) != 1 || e.Links[0].Href != e.ID || e.Links[0].Rel != "alternate" {
			t.Errorf("entry %s links %+v", e.ID, e.Links)
		}
		page := strings.TrimPrefix(e.ID, base) + "index.html"
		if files[page] == nil {
			t.Errorf("entry %s: no page %s", e.ID, page)
		}
	}
}

// Without a host in base_url there is no valid sitemap: none is written,
// robots.txt names none, and the feed's links are root-relative.
func TestHostFilesNoHost(t *testing.T) {
	files := buildHostSite(t, "/archive/", false)
	if _, ok := files["sitemap.xml"]; ok {
		t.Error("sitemap.xml written without a host in base_url")
	}
	if strings.Contains(string(files["robots.txt"]), "Sitemap") {
		t.Errorf("robots.txt names a sitemap:\n%s", files["robots.txt"])
	}
	var f xFeed
	if err := xml.Unmarshal(files["feed.xml"], &f); err != nil {
		t.Fatal(err)
	}
	for _, e := range f.Entries {
		if !strings.HasPrefix(e.ID, "/archive/") {
			t.Errorf("entry id %q", e.ID)
		}
	}
}

// Past 50,000 pages the sitemap becomes an index of sitemap files.
func TestSitemapIndex(t *testing.T) {
	cfg := DefaultConfig()
	cfg.BaseURL = "https://example.org/a/"
	s := &Site{Config: cfg}
	jobs := make([]pageJob, sitemapMax+2)
	for i := range jobs {
		jobs[i] = pageJob{"list", s.pageFor("list", "x", "p/"+itoa(i)+"/")}
	}
	files, err := s.sitemaps(s.sitemapURLs(jobs))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 3 || files[0].name != "sitemap-1.xml" || files[1].name != "sitemap-2.xml" || files[2].name != "sitemap.xml" {
		t.Fatalf("files %v", len(files))
	}
	var idx struct {
		Sitemaps []struct {
			Loc string `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 loc"`
		} `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 sitemap"`
	}
	if err := xml.Unmarshal(files[2].data, &idx); err != nil {
		t.Fatal(err)
	}
	if len(idx.Sitemaps) != 2 || idx.Sitemaps[1].Loc != "https://example.org/a/sitemap-2.xml" {
		t.Errorf("index %+v", idx)
	}
	total := 0
	for _, f := range files[:2] {
		var sm xSitemap
		if err := xml.Unmarshal(f.data, &sm); err != nil {
			t.Fatal(err)
		}
		total += len(sm.URLs)
	}
	if total != len(jobs) {
		t.Errorf("%d URLs in the parts, want %d", total, len(jobs))
	}
}
