package generator

import (
	"encoding/binary"
	"html/template"
	"os"
	"sync"
	"unsafe"
)

// scratch keeps the body HTML and outline of a build's pass 1 for pass 2 when the
// archive's HTML is too large to keep in memory (keptHTMLBudget): it is
// appended to one temporary file and read back by each document's page.
// The kernel's page cache holds it rather than the heap, so a large build
// neither grows its resident memory with its text nor parses every body
// twice. The file goes in Options.ScratchDir, a folder on disk (gazette
// build uses the output's parent folder), not in $TMPDIR, which is often
// memory (tmpfs). It is unlinked at once, so even a killed build leaves
// nothing behind (on systems that allow it).
type scratch struct {
	f       *os.File
	mu      sync.Mutex
	end     int64
	failed  bool
	removed bool // unlinked when made
}

// span is where a document's HTML and then its outline lie in the scratch
// file; n == 0: not there, so its page renders the body again.
type span struct {
	off  int64
	n    int // bytes of HTML and outline
	html int // bytes of HTML
}

// newScratch returns a scratch file in dir ("": the system's temporary
// folder), or nil when none can be made: the build then parses bodies
// twice, as it does when the disk fills.
func newScratch(dir string) *scratch {
	f, err := os.CreateTemp(dir, ".gazette-html-*")
	if err != nil {
		return nil
	}
	return &scratch{f: f, removed: os.Remove(f.Name()) == nil}
}

// put stores d's HTML and outline, which only its own page shows, and
// reports whether it did. A failed write (a full disk) only costs speed:
// the page renders the body again.
func (s *scratch) put(d *Doc, html []byte, outline []Heading) bool {
	if s == nil || len(html) == 0 {
		return false
	}
	rec := appendOutline(html, outline)
	s.mu.Lock()
	if s.failed {
		s.mu.Unlock()
		return false
	}
	off := s.end
	s.end += int64(len(rec))
	s.mu.Unlock()
	if _, err := s.f.WriteAt(rec, off); err != nil {
		s.mu.Lock()
		s.failed = true
		s.mu.Unlock()
		return false
	}
	d.spilled = span{off: off, n: len(rec), html: len(html)}
	return true
}

// get reads d's HTML and outline back into buf, grown as needed, or
// reports that they were not stored. The HTML is a string over the
// returned buffer: it is valid until the buffer is written again, which
// is why only the document's own page, rendered once, may read it.
func (s *scratch) get(d *Doc, buf []byte) (template.HTML, []Heading, []byte, bool) {
	if s == nil || d.spilled.n == 0 {
		return "", nil, buf, false
	}
	if cap(buf) < d.spilled.n {
		buf = make([]byte, d.spilled.n)
	}
	b := buf[:d.spilled.n]
	if _, err := s.f.ReadAt(b, d.spilled.off); err != nil {
		return "", nil, buf, false
	}
	outline, ok := readOutline(b[d.spilled.html:])
	if !ok {
		return "", nil, buf, false
	}
	return template.HTML(unsafe.String(&b[0], d.spilled.html)), outline, buf, true
}

// scratchBufs recycles the buffers pages read their body HTML into: at
// 100k documents, a new one per page was a fifth of what the pages
// allocate, and the collector runs at the heap limit there.
var scratchBufs bytePool

// appendOutline appends an outline to b: level, then the lengths and
// bytes of id and text, each heading in turn.
func appendOutline(b []byte, outline []Heading) []byte {
	for _, h := range outline {
		b = binary.AppendUvarint(b, uint64(h.Level))
		b = binary.AppendUvarint(b, uint64(len(h.ID)))
		b = append(b, h.ID...)
		b = binary.AppendUvarint(b, uint64(len(h.Text)))
		b = append(b, h.Text...)
	}
	return b
}

func readOutline(b []byte) ([]Heading, bool) {
	var out []Heading
	next := func() (string, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return "", false
		}
		v := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return v, true
	}
	for len(b) > 0 {
		level, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, false
		}
		b = b[k:]
		id, ok1 := next()
		text, ok2 := next()
		if !ok1 || !ok2 {
			return nil, false
		}
		out = append(out, Heading{Level: int(level), ID: id, Text: text})
	}
	return out, true
}

func (s *scratch) close() {
	if s != nil {
		s.f.Close()
		if !s.removed { // an open file could not be unlinked
			os.Remove(s.f.Name())
		}
	}
}
