package generator

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"gazette/generator/content"
)

// Files for the static host and for crawlers, written beside the pages:
//
//	sitemap.xml   every page but 404.html, absolute URLs (only when
//	              base_url has a host: the sitemap protocol allows no
//	              other); past 50,000 pages a sitemap index of
//	              sitemap-1.xml, sitemap-2.xml, …
//	feed.xml      an Atom feed of the newest issues and documents
//	robots.txt    allows everything and names the sitemap
//
// All three are deterministic: dates come from the content (an issue's
// date, a document's publication date, else its signing date), never from
// the clock. Content dates are local to China and written as +08:00.

// feedEntries is how many issues and documents the feed holds.
const feedEntries = 50

// sitemapMax is the protocol's limit of URLs per sitemap file.
const sitemapMax = 50000

// chinaTime is the offset content dates are in.
var chinaTime = time.FixedZone("CST", 8*3600)

// writeHostFiles writes sitemap.xml (of urls, made by sitemapURLs),
// feed.xml and robots.txt.
func (s *Site) writeHostFiles(w *writer, urls []sitemapURL) error {
	files, err := s.hostFiles(urls)
	if err != nil {
		return err
	}
	for _, f := range files {
		if err := w.write(f.name, f.mediatype, f.data); err != nil {
			return err
		}
	}
	return nil
}

type hostFile struct {
	name, mediatype string
	data            []byte
}

func (s *Site) hostFiles(urls []sitemapURL) ([]hostFile, error) {
	var files []hostFile
	hasHost := s.hasHost()
	if hasHost {
		sm, err := s.sitemaps(urls)
		if err != nil {
			return nil, err
		}
		files = append(files, sm...)
	}
	feed, err := s.feed()
	if err != nil {
		return nil, err
	}
	files = append(files, hostFile{"feed.xml", "text/xml", feed})

	var robots strings.Builder
	robots.WriteString("User-agent: *\nAllow: /\n")
	if hasHost {
		fmt.Fprintf(&robots, "\nSitemap: %s\n", s.absURL("sitemap.xml"))
	}
	files = append(files, hostFile{"robots.txt", "", []byte(robots.String())})
	return files, nil
}

func (s *Site) hasHost() bool {
	u, err := url.Parse(s.Config.BaseURL)
	return err == nil && u.Host != ""
}

// Sitemap protocol, https://www.sitemaps.org/protocol.html.
const sitemapNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

type sitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	NS      string       `xml:"xmlns,attr"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

type sitemapIndex struct {
	XMLName  xml.Name     `xml:"sitemapindex"`
	NS       string       `xml:"xmlns,attr"`
	Sitemaps []sitemapURL `xml:"sitemap"`
}

// sitemapURLs lists every page of jobs but 404.html in page order, with
// its date, for the sitemaps; nothing without a host to make absolute
// URLs with. A build takes the list before the pages are made, as it
// drops each page once written.
func (s *Site) sitemapURLs(jobs []pageJob) []sitemapURL {
	if !s.hasHost() {
		return nil
	}
	urls := make([]sitemapURL, 0, len(jobs))
	for _, j := range jobs {
		if j.kind == "404" {
			continue
		}
		u := sitemapURL{Loc: j.page.Canonical} // s.absURL(j.page.URL), made by pageFor
		if u.Loc == "" {
			u.Loc = s.absURL(j.page.URL)
		}
		switch {
		case j.page.Doc != nil:
			u.LastMod = j.page.Doc.Date.Format("2006-01-02")
			if j.page.Doc.Date.IsZero() {
				u.LastMod = ""
			}
		case j.page.Issue != nil && !j.page.Issue.Meta.Date.IsZero():
			u.LastMod = j.page.Issue.Meta.Date.Format("2006-01-02")
		}
		urls = append(urls, u)
	}
	return urls
}

// sitemaps makes one sitemap.xml of urls, or an index of several when
// the site has more pages than one may hold.
func (s *Site) sitemaps(urls []sitemapURL) ([]hostFile, error) {
	if len(urls) <= sitemapMax {
		b, err := marshalXML(sitemapURLSet{NS: sitemapNS, URLs: urls})
		return []hostFile{{"sitemap.xml", "text/xml", b}}, err
	}
	var files []hostFile
	index := sitemapIndex{NS: sitemapNS}
	for i := 0; i*sitemapMax < len(urls); i++ {
		part := urls[i*sitemapMax : min((i+1)*sitemapMax, len(urls))]
		name := fmt.Sprintf("sitemap-%d.xml", i+1)
		b, err := marshalXML(sitemapURLSet{NS: sitemapNS, URLs: part})
		if err != nil {
			return nil, err
		}
		files = append(files, hostFile{name, "text/xml", b})
		index.Sitemaps = append(index.Sitemaps, sitemapURL{Loc: s.absURL(name)})
	}
	b, err := marshalXML(index)
	return append(files, hostFile{"sitemap.xml", "text/xml", b}), err
}

// Atom, RFC 4287.
const atomNS = "http://www.w3.org/2005/Atom"

type atomFeed struct {
	XMLName  xml.Name    `xml:"feed"`
	NS       string      `xml:"xmlns,attr"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	ID       string      `xml:"id"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   atomPerson  `xml:"author"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID        string       `xml:"id"`
	Title     string       `xml:"title"`
	Updated   string       `xml:"updated"`
	Published string       `xml:"published,omitempty"`
	Links     []atomLink   `xml:"link"`
	Authors   []atomPerson `xml:"author"`
	Category  *atomCat     `xml:"category"`
	Summary   string       `xml:"summary,omitempty"`
}

type atomCat struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// feedItem is an issue or a document on its way into the feed.
type feedItem struct {
	date  content.Date
	url   string
	entry atomEntry
}

// feed is the Atom feed of the newest issues and documents: the newest
// feedEntries by date, then by URL, so the same content gives the same
// bytes.
func (s *Site) feed() ([]byte, error) {
	var items []feedItem
	for _, is := range s.Issues {
		if is.Meta.Date.IsZero() {
			continue
		}
		e := atomEntry{Title: is.Title(), Category: &atomCat{Term: "issue", Label: "公报"}}
		var titles []string
		for _, d := range is.Docs {
			if d.Parent == nil {
				titles = append(titles, d.Meta.Title)
			}
		}
		e.Summary = strings.Join(titles, "；")
		items = append(items, feedItem{is.Meta.Date, is.URL, e})
	}
	for _, d := range s.Docs {
		date := d.Meta.DatePublished
		if date.IsZero() && d.Issue != nil {
			date = d.Issue.Meta.Date
		}
		if date.IsZero() {
			date = d.Date
		}
		if date.IsZero() {
			continue
		}
		e := atomEntry{Title: d.Meta.Title, Category: &atomCat{Term: "document", Label: d.Kind}}
		for _, iss := range d.Meta.Issuers {
			e.Authors = append(e.Authors, atomPerson{iss})
		}
		var sum []string
		if n := d.Number(); n != "" {
			sum = append(sum, n)
		}
		if d.Issue != nil {
			sum = append(sum, d.Issue.Title())
		}
		e.Summary = strings.Join(sum, " · ")
		items = append(items, feedItem{date, d.URL, e})
	}
	sort.Slice(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if !a.date.Equal(b.date.Time) {
			return a.date.After(b.date.Time)
		}
		return a.url < b.url
	})
	if len(items) > feedEntries {
		items = items[:feedEntries]
	}

	f := atomFeed{
		NS:       atomNS,
		Lang:     s.Config.Language,
		ID:       s.absURL(""),
		Title:    s.Config.Title,
		Subtitle: s.Config.Description,
		Updated:  atomTime(content.Date{}),
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: s.absURL("feed.xml")},
			{Rel: "alternate", Type: "text/html", Href: s.absURL("")},
		},
		Author: atomPerson{s.Config.Title},
	}
	if len(items) > 0 {
		f.Updated = atomTime(items[0].date)
	}
	for _, it := range items {
		e := it.entry
		e.ID = s.absURL(it.url)
		e.Updated = atomTime(it.date)
		e.Published = e.Updated
		e.Links = []atomLink{{Rel: "alternate", Type: "text/html", Href: s.absURL(it.url)}}
		f.Entries = append(f.Entries, e)
	}
	return marshalXML(f)
}

// atomTime formats a content date as an RFC 3339 date-time in China's
// time zone; the zero date gives the Unix epoch.
func atomTime(d content.Date) string {
	if d.IsZero() {
		return "1970-01-01T00:00:00Z"
	}
	t := d.Time
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, chinaTime).Format(time.RFC3339)
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("writing xml: %w", err)
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
