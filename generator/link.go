package generator

import (
	"crypto/sha256"
	"encoding/hex"
	"path"
	"sort"
	"strconv"
	"strings"

	"gazette/generator/content"
	"gazette/generator/diag"
	"gazette/generator/internal/arena"
)

// link turns decoded files into a Site: IDs and URLs, issues under
// gazettes, documents under issues and parents, the printed TOC resolved,
// and the listings by issuer, year and kind.
func link(cfg Config, files []*loaded, prefix string) (*Site, diag.List) {
	var ps diag.List
	s := &Site{Config: cfg, byID: map[string]*Doc{}, issuerMap: map[string]*Issuer{}, basePath: cfg.BasePath(), absPrefix: cfg.AbsURL("")}

	// Folder slugs first: a gazette's or issue's slug renames its folder.
	dirSlug := map[string]string{}
	for _, f := range files {
		dir := path.Dir(f.path)
		switch f.kind {
		case content.KindGazette:
			if f.gazette.Slug != "" {
				dirSlug[dir] = f.gazette.Slug
			}
		case content.KindIssue:
			if f.issue.Slug != "" {
				dirSlug[dir] = f.issue.Slug
			}
		}
	}
	urlOf := func(id, own string) string {
		segs := strings.Split(id, "/")
		out := make([]string, len(segs))
		for i, seg := range segs {
			dir := strings.Join(segs[:i+1], "/")
			switch {
			case i == len(segs)-1 && own != "":
				out[i] = own
			case dirSlug[dir] != "":
				out[i] = dirSlug[dir]
			default:
				out[i] = slugify(seg)
			}
		}
		return strings.Join(out, "/") + "/"
	}

	var names arena.Strings
	gazettes := map[string]*Gazette{}
	issues := map[string]*Issue{}
	broken := map[string]bool{} // IDs of documents that failed to decode
	for _, f := range files {
		if f.problems.HasErrors() {
			broken[strings.TrimSuffix(f.path, ".md")] = true
			continue
		}
		dir := path.Dir(f.path)
		switch f.kind {
		case content.KindGazette:
			if dir == "." {
				ps.Errorf(prefix+f.path, 0, "%s must be in a gazette's own folder, e.g. content/zhangye/%s", content.GazetteFile, content.GazetteFile)
				continue
			}
			g := &Gazette{ID: dir, File: prefix + f.path, Meta: f.gazette, URL: urlOf(dir, "")}
			gazettes[dir] = g
			s.Gazettes = append(s.Gazettes, g)
		case content.KindIssue:
			is := &Issue{ID: dir, File: prefix + f.path, Meta: f.issue, URL: urlOf(dir, "")}
			issues[dir] = is
			s.Issues = append(s.Issues, is)
		default:
			// The file's name, its path and ID within it, and the URL are
			// kept for the whole build: one string rather than three, and
			// packed with the other documents' (see package arena).
			url := urlOf(strings.TrimSuffix(f.path, ".md"), f.doc.Slug)
			both := names.String(prefix + f.path + url)
			file := both[:len(both)-len(url)]
			rel := file[len(prefix):]
			id := strings.TrimSuffix(rel, ".md")
			d := &Doc{ID: id, File: file, Meta: f.doc, Body: f.body, bodyHeld: f.bodyHeld, BodyLine: f.bodyLine, URL: both[len(file):], path: rel, bodyLen: f.bodyLen, fileSum: f.fileSum, fileLen: f.fileLen, parentLine: f.parentLine, file: f}
			s.byID[id] = d
			s.Docs = append(s.Docs, d)
		}
	}

	// Issues belong to the nearest gazette above them.
	for _, is := range s.Issues {
		if g := nearest(path.Dir(is.ID), gazettes); g != nil {
			is.Gazette = g
			g.Issues = append(g.Issues, is)
		} else {
			ps.Errorf(is.File, 0, "issue is not inside a gazette folder: put a %s in a folder above it", content.GazetteFile)
		}
	}

	// Documents belong to the nearest issue above them and to their parent.
	for _, d := range s.Docs {
		if is := nearest(path.Dir(d.ID), issues); is != nil {
			d.Issue = is
		}
		if p := d.Meta.Parent; p != "" {
			parent := s.byID[p]
			if parent == nil {
				parent = s.byID[path.Join(path.Dir(d.ID), p)]
			}
			switch {
			case parent == nil && (broken[p] || broken[path.Join(path.Dir(d.ID), p)]):
			case parent == nil:
				ps.Errorf(d.File, d.parentLine, "parent %q is not a document in the archive: write the parent's path below content/ without .md", p)
			case parent == d:
				ps.Errorf(d.File, d.parentLine, "a document cannot be its own parent")
			default:
				d.Parent = parent
				parent.Children = append(parent.Children, d)
			}
		}
		d.Section, d.Page = d.Meta.Section, d.Meta.Page
		d.Kind = d.Meta.Kind
		if d.Kind == "" {
			d.Kind = KindOfTitle(d.Meta.Title)
		}
	}
	for _, d := range s.Docs {
		for a, n := d.Parent, 0; a != nil; a, n = a.Parent, n+1 {
			if a == d || n > 100 {
				ps.Errorf(d.File, d.parentLine, "parent chain loops back to this document")
				d.Parent.Children = removeDoc(d.Parent.Children, d) // else reading order recurses forever
				d.Parent = nil
				break
			}
		}
	}

	// The printed TOC names documents of the issue.
	for _, is := range s.Issues {
		seen := map[*Doc]bool{}
		for _, sec := range is.Meta.Sections {
			out := IssueSection{Title: sec.Title}
			for _, e := range sec.Entries {
				ie := IssueEntry{Entry: e}
				if e.Doc != "" {
					id := e.Doc
					if !strings.Contains(id, "/") {
						id = is.ID + "/" + id
					}
					d := s.byID[id]
					switch {
					case d == nil && broken[id]:
						// Already reported where the document is.
					case d == nil:
						ps.Errorf(is.File, 0, "table of contents entry %q names document %q, which does not exist: fix doc or add %s.md", e.Title, e.Doc, id)
					case d.Issue != is:
						ps.Errorf(is.File, 0, "table of contents entry %q names %q, which is not in this issue's folder", e.Title, e.Doc)
					default:
						ie.Doc = d
						if !seen[d] {
							seen[d] = true
							is.Docs = append(is.Docs, d)
							if d.Section == "" {
								d.Section = sec.Title
							}
							if d.Page == 0 {
								d.Page = e.Page
							}
							if d.PageLabel == "" && e.Page == d.Page {
								d.PageLabel = e.PageLabel
							}
						}
					}
				}
				out.Entries = append(out.Entries, ie)
			}
			is.Sections = append(is.Sections, out)
		}
	}
	// Reading order: TOC order, each document followed by its children,
	// then documents the TOC does not name, by path.
	for _, d := range s.Docs {
		if d.Issue != nil && d.Parent == nil && !contains(d.Issue.Docs, d) {
			d.Issue.Docs = append(d.Issue.Docs, d)
		}
	}
	for _, is := range s.Issues {
		var order []*Doc
		var add func(d *Doc)
		add = func(d *Doc) {
			order = append(order, d)
			for _, c := range d.Children {
				if c.Issue == is {
					add(c)
				}
			}
		}
		for _, d := range is.Docs {
			if d.Parent == nil || d.Parent.Issue != is {
				add(d)
			}
		}
		is.Docs = order
		for i, d := range order {
			if i > 0 {
				d.Prev = order[i-1]
			}
			if i+1 < len(order) {
				d.Next = order[i+1]
			}
		}
	}

	// Dates, issuers, years, kinds.
	years := map[int]*Group{}
	kinds := map[string]*Group{}
	for _, d := range s.Docs {
		switch {
		case !d.Meta.DateSigned.IsZero():
			d.Date = d.Meta.DateSigned
		case !d.Meta.DatePublished.IsZero():
			d.Date = d.Meta.DatePublished
		case d.Issue != nil:
			d.Date = d.Issue.Meta.Date
		}
	}
	// A plan without a date of its own takes the date of the notice that
	// issued it, not the issue's printing date.
	for _, d := range s.Docs {
		if d.Meta.DateSigned.IsZero() && d.Meta.DatePublished.IsZero() {
			for a := d.Parent; a != nil; a = a.Parent {
				if !a.Meta.DateSigned.IsZero() || !a.Meta.DatePublished.IsZero() {
					d.Date = a.Date
					break
				}
			}
		}
	}
	// Listings are newest first: go through the documents in that order
	// once, rather than sorting every listing.
	newest := append([]*Doc(nil), s.Docs...)
	sortDocsNewest(newest)
	for _, d := range newest {
		for _, name := range d.Meta.Issuers {
			name = strings.TrimSpace(name)
			iss := s.issuerMap[name]
			if iss == nil {
				iss = &Issuer{Name: name, Slug: hashSlug(name)}
				iss.URL = "issuers/" + iss.Slug + "/"
				s.issuerMap[name] = iss
				s.Issuers = append(s.Issuers, iss)
			}
			// Documents come in order, so a name the document lists
			// twice finds it last.
			if n := len(iss.Docs); n == 0 || iss.Docs[n-1] != d {
				iss.Docs = append(iss.Docs, d)
				d.Issuers = append(d.Issuers, iss)
			}
		}
		if y := d.Year(); y != 0 {
			g := years[y]
			if g == nil {
				g = &Group{Name: strconv.Itoa(y), Slug: strconv.Itoa(y)}
				g.URL = "years/" + g.Slug + "/"
				years[y] = g
				s.Years = append(s.Years, g)
			}
			g.Docs = append(g.Docs, d)
		}
		g := kinds[d.Kind]
		if g == nil {
			slug := kindSlug(d.Kind)
			g = &Group{Name: d.Kind, Slug: slug, URL: "kinds/" + slug + "/"}
			kinds[d.Kind] = g
			s.Kinds = append(s.Kinds, g)
		}
		g.Docs = append(g.Docs, d)
	}
	sort.Slice(s.Issuers, func(i, j int) bool {
		a, b := s.Issuers[i], s.Issuers[j]
		if len(a.Docs) != len(b.Docs) {
			return len(a.Docs) > len(b.Docs)
		}
		return a.Name < b.Name
	})
	sort.Slice(s.Years, func(i, j int) bool { return s.Years[i].Name > s.Years[j].Name })
	sort.Slice(s.Kinds, func(i, j int) bool {
		a, b := s.Kinds[i], s.Kinds[j]
		if len(a.Docs) != len(b.Docs) {
			return len(a.Docs) > len(b.Docs)
		}
		return a.Name < b.Name
	})
	sort.Slice(s.Gazettes, func(i, j int) bool {
		return s.Gazettes[i].Meta.Name < s.Gazettes[j].Meta.Name || s.Gazettes[i].Meta.Name == s.Gazettes[j].Meta.Name && s.Gazettes[i].ID < s.Gazettes[j].ID
	})
	newestIssue := func(list []*Issue) {
		sort.Slice(list, func(i, j int) bool {
			a, b := list[i], list[j]
			if !a.Meta.Date.Equal(b.Meta.Date.Time) {
				return a.Meta.Date.After(b.Meta.Date.Time)
			}
			if a.Meta.Year != b.Meta.Year {
				return a.Meta.Year > b.Meta.Year
			}
			if a.Meta.Number != b.Meta.Number {
				return a.Meta.Number > b.Meta.Number
			}
			return a.ID < b.ID
		})
	}
	newestIssue(s.Issues)
	for _, g := range s.Gazettes {
		newestIssue(g.Issues)
	}

	ps.Add(checkURLs(s)...)
	return s, ps
}

// checkURLs reports two pages that would be written to one URL.
func checkURLs(s *Site) diag.List {
	var ps diag.List
	seen := map[string]string{}
	claim := func(url, file string) {
		if prev, ok := seen[url]; ok {
			ps.Errorf(file, 0, "URL /%s is also the URL of %s: give one of them another slug", url, prev)
			return
		}
		seen[url] = file
	}
	for _, u := range reservedURLs {
		seen[u] = "a page gazette makes itself"
	}
	for _, g := range s.Gazettes {
		claim(g.URL, g.File)
	}
	for _, is := range s.Issues {
		claim(is.URL, is.File)
	}
	for _, d := range s.Docs {
		claim(d.URL, d.File)
	}
	return ps
}

// reservedURLs are the site's own pages; content may not take them.
var reservedURLs = []string{"", "gazettes/", "issuers/", "years/", "kinds/", "search/", "assets/", "citations/"}

func nearest[T any](dir string, m map[string]*T) *T {
	for {
		if v, ok := m[dir]; ok {
			return v
		}
		if dir == "." || dir == "/" || dir == "" {
			return nil
		}
		dir = path.Dir(dir)
	}
}

func contains(docs []*Doc, d *Doc) bool {
	for _, x := range docs {
		if x == d {
			return true
		}
	}
	return false
}

// isSlug reports whether s is a safe ASCII URL segment.
func isSlug(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > 100 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// slugify keeps safe segments and turns anything else (Chinese, spaces,
// capitals, emoji) into a stable hash-based ASCII segment.
func slugify(seg string) string {
	if isSlug(seg) {
		return seg
	}
	if low := strings.ToLower(seg); isSlug(low) {
		return low
	}
	return hashSlug(seg)
}

// hashSlug is "x" + 10 hex digits of the SHA-256 of s: ASCII, stable, and
// dependent on s alone.
func hashSlug(s string) string {
	h := sha256.Sum256([]byte(s))
	return "x" + hex.EncodeToString(h[:5])
}
