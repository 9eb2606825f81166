package generator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"gazette/generator/content"
	"gazette/generator/diag"
	"gazette/generator/plans"
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
	bodyHeld bool // body is held for a build's first pass (loadOptions.bodyBudget)
	bodyLine int
	problems diag.List

	parentLine int    // line of the parent key, for messages
	bodyLen    int    // bytes of body, kept when body is dropped
	fileSum    uint64 // fileHash of the file when body is its end, else 0
	fileLen    int    // the file's length then

	// What depends on this file alone, worked out once per version of
	// the file: a Session reuses it while the file is unchanged.
	size  int64
	mtime time.Time
	plan  planFound
	scan  *scanned // Session only
}

// planFound is what package plans extracted from one document.
type planFound struct {
	tasks  []plans.Task
	stages []plans.Stage
}

// loadOptions tune load.
type loadOptions struct {
	// keepBodies keeps every body in memory (check and serve need them).
	// Without it, a build holds the bodies while they fit bodyBudget and
	// otherwise drops each once its plan is extracted and reads it again
	// in pass 1, so memory does not grow with the archive's text.
	keepBodies bool
	// bodyBudget, when keepBodies is false, is how many bytes of body a
	// build may hold from load to its first pass, so that it need not
	// read the files again: all bodies are held if they fit, else none.
	bodyBudget int64
	bodyLeft   *atomic.Int64 // what is left of it, shared by the readers
	// prev are the files of an earlier load by path: one whose size and
	// modification time are unchanged is reused, not read again.
	prev map[string]*loaded
	// changed, when not nil, are the only files of prev that may have
	// changed (a watcher saw them): the others are reused unchecked.
	changed map[string]bool
	// listing, when not nil, is the listing of the content folder by an
	// earlier load (paths nil: none yet), which load replaces with its
	// own. With changed, only the changed paths are listed again.
	listing *listing
}

// listing is the content files a walk of the content folder found, sorted,
// with the problems of the walk itself (symbolic links, unreadable
// folders).
type listing struct {
	paths    []string
	problems diag.List
}

// load reads every .md file below root in fsys and decodes it. prefix is
// how file names appear in messages (e.g. "content/"). Files come back
// sorted by path.
func load(ctx context.Context, fsys fs.FS, prefix string, opt loadOptions) ([]*loaded, diag.List) {
	if opt.changed["."] || opt.changed[""] {
		opt.changed = nil // the folder itself changed: check everything
	}
	var lst *listing
	if opt.changed != nil && opt.listing != nil && opt.listing.paths != nil {
		lst = relist(fsys, prefix, opt.listing, opt.changed)
	} else {
		lst = walk(fsys, prefix, ".", &listing{})
		sort.Strings(lst.paths)
	}
	if opt.listing != nil {
		*opt.listing = *lst
	}
	paths := lst.paths
	problems := append(diag.List(nil), lst.problems...)
	var reused map[string]*loaded
	if opt.prev != nil {
		reused = map[string]*loaded{}
		for _, p := range paths {
			f := opt.prev[p]
			switch {
			case f == nil || f.mtime.IsZero():
			case opt.changed != nil:
				// Trust the watcher: a file it named, or one in a
				// folder it named (a folder moved in), is read again
				// even when its size and time look the same (a coarse
				// clock), and no other file is looked at.
				if !changedAt(opt.changed, p) {
					reused[p] = f
				}
			default:
				if st, err := fs.Stat(fsys, p); err == nil && st.Size() == f.size && st.ModTime().Equal(f.mtime) {
					reused[p] = f
				}
			}
		}
	}

	files := make([]*loaded, len(paths))
	if opt.bodyBudget > 0 && !opt.keepBodies {
		opt.bodyLeft = new(atomic.Int64)
		opt.bodyLeft.Store(opt.bodyBudget)
	}
	var wg sync.WaitGroup
	next := make(chan int)
	// More readers than cores: a file not in the page cache keeps its
	// reader waiting on the disk, and the others keep the cores busy.
	for w := 0; w < runtime.GOMAXPROCS(0)+loadReaders; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var pw planWorker
			for i := range next {
				if f := reused[paths[i]]; f != nil {
					files[i] = f
					continue
				}
				files[i] = loadFile(fsys, paths[i], prefix, &pw, opt)
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
	over := opt.bodyLeft != nil && opt.bodyLeft.Load() < 0
	for _, f := range files {
		problems.Add(f.problems...)
		if over && f.bodyHeld {
			f.body, f.bodyHeld = "", false
		}
	}
	return files, problems
}

// loadReaders is how many more files than cores load reads at once.
const loadReaders = 6

// walk adds the content files at and below root (a slash path; "." for
// the whole folder) to lst, unsorted. Folders whose names start with "."
// or "_" are skipped; symbolic links are reported, not followed.
func walk(fsys fs.FS, prefix, root string, lst *listing) *listing {
	visit := func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			lst.problems.Errorf(prefix+p, 0, "cannot read: %v", err)
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
				lst.problems.Errorf(prefix+p, 0, "is a symbolic link to a folder, which gazette does not follow: move the folder into the content folder")
				return nil
			}
		}
		if !strings.HasSuffix(name, ".md") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			lst.problems.Errorf(prefix+p, 0, "is a symbolic link: content files must be regular files inside the content folder")
			return nil
		}
		lst.paths = append(lst.paths, p)
		return nil
	}
	if root == "." {
		if err := fs.WalkDir(fsys, ".", visit); err != nil {
			lst.problems.Errorf(prefix, 0, "cannot read content: %v", err)
		}
		return lst
	}
	// A changed path: a link is reported like any link in the walk, a
	// folder is walked, a file is considered on its own.
	st, err := fs.Lstat(fsys, root)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		visit(root, nil, err)
	case st.IsDir():
		if err := fs.WalkDir(fsys, root, visit); err != nil {
			lst.problems.Errorf(prefix+root, 0, "cannot read: %v", err)
		}
	default:
		visit(root, fs.FileInfoToDirEntry(st), nil)
	}
	return lst
}

// changedAt reports whether p or a folder above it is in changed.
func changedAt(changed map[string]bool, p string) bool {
	for ; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if changed[p] {
			return true
		}
	}
	return false
}

// relistMax is how many changed paths relist takes one by one; more (a
// checkout, an import) and the whole folder is walked, which costs about
// as much as a few hundred single paths.
const relistMax = 256

// relist updates the listing of an earlier load for the paths a watcher
// saw change (files or folders, created, changed or removed), without
// walking the rest of the content folder. The paths of the old listing's
// problems are listed again too: an unreadable folder made readable
// sends no event the preview listens to.
func relist(fsys fs.FS, prefix string, old *listing, changed map[string]bool) *listing {
	names := map[string]bool{}
	for n := range changed {
		names[n] = true
	}
	for _, pr := range old.problems {
		names[strings.TrimPrefix(pr.File, prefix)] = true
	}
	if names[""] || len(names) > relistMax {
		lst := walk(fsys, prefix, ".", &listing{}) // the whole folder
		sort.Strings(lst.paths)
		return lst
	}
	lst := &listing{}
	for _, p := range old.paths {
		if !changedAt(names, p) {
			lst.paths = append(lst.paths, p)
		}
	}
	for _, pr := range old.problems {
		if !changedAt(names, strings.TrimPrefix(pr.File, prefix)) {
			lst.problems = append(lst.problems, pr)
		}
	}
	// Walk each name not below another one (which its walk covers).
	for n := range names {
		if !ignoredFolder(path.Dir(n)) && !changedAt(names, path.Dir(n)) {
			walk(fsys, prefix, n, lst)
		}
	}
	sort.Strings(lst.paths)
	lst.problems.Sort()
	return lst
}

// ignoredFolder reports whether a folder path (slash, relative) is or is
// inside a folder the walk skips.
func ignoredFolder(dir string) bool {
	if dir == "." {
		return false
	}
	for _, seg := range strings.Split(dir, "/") {
		if strings.HasPrefix(seg, ".") || strings.HasPrefix(seg, "_") {
			return true
		}
	}
	return false
}

func loadFile(fsys fs.FS, p, prefix string, pw *planWorker, opt loadOptions) *loaded {
	f := &loaded{path: p, kind: content.KindOf(path.Base(p))}
	name := prefix + p
	if opt.prev != nil {
		// Stat before reading: a save during the read changes the
		// time, so the next load reads the file again.
		if st, err := fs.Stat(fsys, p); err == nil {
			f.size, f.mtime = st.Size(), st.ModTime()
		}
	}
	data, err := readLimited(fsys, p)
	var big *tooLargeError
	if errors.As(err, &big) {
		f.problems.Errorf(name, 0, "file is %d MB, larger than the %d MB limit: split the document", big.size>>20, MaxFileSize>>20)
		return f
	}
	if err != nil {
		f.problems.Errorf(name, 0, "cannot read: %v", err)
		f.mtime = time.Time{} // read it again next time: chmod keeps the time
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
	f.bodyLen = len(f.body)
	// When the body is the file's last bytes as they are (nothing in it
	// was folded: no CR, no byte order mark before an empty front
	// matter), a build takes it from there when it reads the file again.
	if n := len(f.body); !opt.keepBodies && n > 0 && n <= len(data) && string(data[len(data)-n:]) == f.body {
		f.fileSum, f.fileLen = fileHash(data), len(data)
	}
	if f.kind == content.KindDocument && !f.problems.HasErrors() {
		f.plan = pw.extract(&f.doc, f.body)
	}
	switch {
	case opt.keepBodies:
	case f.kind != content.KindDocument || f.problems.HasErrors():
		f.body = "" // pass 1 reads documents only; a build with errors stops
	case opt.bodyLeft != nil && opt.bodyLeft.Add(-int64(len(f.body))) >= 0:
		f.bodyHeld = true
	default:
		f.body = ""
	}
	return f
}

// planWorker is one loading worker's means to find plans: a parser, made
// on first use, and a buffer for the bodies it parses (nothing found keeps
// the buffer's bytes: the tasks' texts are copies).
type planWorker struct {
	pp  parser.Parser
	src []byte
}

// extract finds the tasks and stages of one document: those its front
// matter lists, placed under its headings, or else those package plans
// reads from its body.
func (pw *planWorker) extract(d *content.Document, body string) planFound {
	if len(d.Tasks) == 0 && !plans.MayHaveTasks(body) {
		return planFound{}
	}
	if pw.pp == nil {
		pw.pp = plans.NewParser()
	}
	// A copy the worker reuses: at 100k documents a new one per body was
	// 850 MB of allocation.
	src := append(pw.src[:0], body...)
	if pw.src = src; cap(src) > 4<<20 {
		pw.src = nil // an outsize body's buffer is let go
	}
	root := pw.pp.Parse(text.NewReader(src))
	var pf planFound
	if len(d.Tasks) > 0 {
		pf.tasks = plans.FromContent(d.Tasks, plans.Headings(src, root))
	} else {
		pf.tasks = plans.Extract(d.Title, src, root)
	}
	if len(pf.tasks) > 0 {
		pf.stages = plans.Stages(src, root)
	}
	return pf
}

// readLimited reads at most MaxFileSize+1 bytes of p, so a file that
// grows after it was measured cannot exhaust memory.
func readLimited(fsys fs.FS, p string) ([]byte, error) {
	return readLimitedInto(fsys, p, nil)
}

// readLimitedInto is readLimited into buf, grown as needed; it returns
// the buffer read into, or buf emptied if it read nothing.
func readLimitedInto(fsys fs.FS, p string, buf []byte) ([]byte, error) {
	f, err := fsys.Open(p)
	if err != nil {
		return buf[:0], err
	}
	defer f.Close()
	// Read into a buffer of the file's size (plus one byte to see the
	// end), as os.ReadFile does, rather than growing one by doubling.
	size := 512
	if st, err := f.Stat(); err == nil && st.Size() > MaxFileSize {
		return buf[:0], &tooLargeError{st.Size()}
	} else if err == nil && st.Size() > 0 {
		size = int(st.Size()) + 1
	}
	if cap(buf) < size {
		buf = make([]byte, 0, size)
	}
	buf = buf[:0]
	for {
		end := min(cap(buf), MaxFileSize+1)
		n, err := f.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) > MaxFileSize {
			return buf, nil // the caller reports the size
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// tooLargeError is readLimited's error for a file larger than
// MaxFileSize when it was opened.
type tooLargeError struct{ size int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("file is %d MB, larger than the %d MB limit", e.size>>20, MaxFileSize>>20)
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
