package generator

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"gazette/generator/content"
	"gazette/generator/diag"
)

// MaxFileSize is the largest content file read; a larger one is an error
// rather than a build that runs out of memory or time. The longest
// gazette issue holds well under 1 MB of text.
const MaxFileSize = 8 << 20

// loaded is one decoded content file.
type loaded struct {
	path     string // slash path below the content root
	kind     content.Kind
	gazette  content.Gazette
	issue    content.Issue
	doc      content.Document
	body     string
	bodyLine int
	problems diag.List

	parentLine int // line of the parent key, for messages
}

// load reads every .md file below root in fsys and decodes it. prefix is
// how file names appear in messages (e.g. "content/"). Files come back
// sorted by path.
func load(ctx context.Context, fsys fs.FS, prefix string) ([]*loaded, diag.List) {
	var problems diag.List
	var paths []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			problems.Errorf(prefix+p, 0, "cannot read: %v", err)
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(name, ".") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 && !strings.HasPrefix(name, "_") {
			if st, err := fs.Stat(fsys, p); err == nil && st.IsDir() {
				problems.Errorf(prefix+p, 0, "is a symbolic link to a folder, which gazette does not follow: move the folder into the content folder")
				return nil
			}
		}
		if !strings.HasSuffix(name, ".md") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			problems.Errorf(prefix+p, 0, "is a symbolic link: content files must be regular files inside the content folder")
			return nil
		}
		paths = append(paths, p)
		return nil
	})
	if err != nil {
		problems.Errorf(prefix, 0, "cannot read content: %v", err)
	}
	sort.Strings(paths)

	files := make([]*loaded, len(paths))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				files[i] = loadFile(fsys, paths[i], prefix)
			}
		}()
	}
	for i := range paths {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		problems.Errorf("", 0, "build interrupted: %v", err)
		return nil, problems
	}
	for _, f := range files {
		problems.Add(f.problems...)
	}
	return files, problems
}

func loadFile(fsys fs.FS, p, prefix string) *loaded {
	f := &loaded{path: p, kind: content.KindOf(path.Base(p))}
	name := prefix + p
	if st, err := fs.Stat(fsys, p); err == nil && st.Size() > MaxFileSize {
		f.problems.Errorf(name, 0, "file is %d MB, larger than the %d MB limit: split the document", st.Size()>>20, MaxFileSize>>20)
		return f
	}
	data, err := readLimited(fsys, p)
	if err != nil {
		f.problems.Errorf(name, 0, "cannot read: %v", err)
		return f
	}
	if len(data) > MaxFileSize {
		f.problems.Errorf(name, 0, "file is larger than the %d MB limit: split the document", MaxFileSize>>20)
		return f
	}
	if isUTF16(data) {
		f.problems.Errorf(name, 1, "file is UTF-16: save it as UTF-8")
		return f
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		f.problems.Errorf(name, 1+bytes.Count(data[:i], []byte("\n")), "file holds NUL bytes: it is UTF-16 without a byte order mark or not text; save it as UTF-8")
		return f
	}
	switch f.kind {
	case content.KindGazette:
		f.body, f.bodyLine, f.problems = content.Decode(name, data, &f.gazette)
	case content.KindIssue:
		f.body, f.bodyLine, f.problems = content.Decode(name, data, &f.issue)
	default:
		f.body, f.bodyLine, f.problems = content.Decode(name, data, &f.doc)
	}
	if len(f.problems) == 0 {
		f.problems = validate(name, f)
		f.problems.Add(bodyLimits(name, f.body, f.bodyLine)...)
	}
	if f.doc.Parent != "" {
		f.parentLine = content.KeyLine(data, "parent")
	}
	return f
}

// readLimited reads at most MaxFileSize+1 bytes of p, so a file that
// grows after it was measured cannot exhaust memory.
func readLimited(fsys fs.FS, p string) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxFileSize+1))
}

func isUTF16(b []byte) bool {
	return len(b) >= 2 && (b[0] == 0xFF && b[1] == 0xFE || b[0] == 0xFE && b[1] == 0xFF)
}

// validate checks required fields and values of a decoded file.
func validate(name string, f *loaded) diag.List {
	var ps diag.List
	switch f.kind {
	case content.KindGazette:
		if strings.TrimSpace(f.gazette.Name) == "" {
			ps.Errorf(name, 1, "missing name: add name = \"…人民政府公报\" to the front matter")
		}
		checkSlug(&ps, name, f.gazette.Slug)
	case content.KindIssue:
		is := &f.issue
		if is.Year < 1949 || is.Year > 2200 {
			ps.Errorf(name, 1, "year %d is missing or out of range: add year = 2024", is.Year)
		}
		if is.Number <= 0 {
			ps.Errorf(name, 1, "number is missing: add number = 2 for 第2期")
		}
		if is.Date.IsZero() {
			ps.Errorf(name, 1, "date is missing: add the printed or published date, date = 2024-03-08")
		}
		if is.DateKind != "" && is.DateKind != "printed" && is.DateKind != "published" {
			ps.Errorf(name, 1, "date_kind %q must be \"printed\" or \"published\"", is.DateKind)
		}
		for i, s := range is.Sections {
			if strings.TrimSpace(s.Title) == "" {
				ps.Errorf(name, 1, "sections[%d] has no title", i)
			}
			for j, e := range s.Entries {
				if strings.TrimSpace(e.Title) == "" {
					ps.Errorf(name, 1, "sections[%d].entries[%d] has no title", i, j)
				}
			}
		}
		checkSlug(&ps, name, is.Slug)
	default:
		d := &f.doc
		if strings.TrimSpace(d.Title) == "" {
			ps.Errorf(name, 1, "missing title: add title = \"…\" to the front matter")
		}
		if len(d.Issuers) == 0 && d.DocNumber != "" {
			ps.Errorf(name, 1, "missing issuers: a document with a 文号 needs issuers = [\"…人民政府办公室\"] (several for joint issuance)")
		}
		for _, is := range d.Issuers {
			if strings.TrimSpace(is) == "" {
				ps.Errorf(name, 1, "issuers has an empty name")
			}
		}
		for i, a := range d.Attachments {
			if strings.TrimSpace(a.Title) == "" {
				ps.Errorf(name, 1, "attachments[%d] has no title", i)
			}
		}
		checkSlug(&ps, name, d.Slug)
	}
	return ps
}

func checkSlug(ps *diag.List, name, slug string) {
	if slug != "" && !isSlug(slug) {
		ps.Errorf(name, 1, "slug %q may hold only a-z, 0-9, '-', '_' and '.', and must not be . or ..", slug)
	}
}
