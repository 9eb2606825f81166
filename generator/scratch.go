package generator

import (
	"html/template"
	"os"
	"sync"
	"unsafe"
)

// scratch keeps the body HTML of a build's pass 1 for pass 2 when the
// archive's HTML is too large to keep in memory (keptHTMLBudget): it is
// appended to one temporary file and read back by each document's page.
// The kernel's page cache holds it rather than the heap, so a large build
// neither grows its resident memory with its text nor parses every body
// twice. The file is unlinked at once, so even a killed build leaves
// nothing behind (on systems that allow it).
type scratch struct {
	f      *os.File
	mu     sync.Mutex
	end    int64
	failed bool
}

// span is where a document's HTML lies in the scratch file; n == 0: not
// there, so its page renders the body again.
type span struct {
	off int64
	n   int
}

// newScratch returns a scratch file, or nil when none can be made (the
// build then parses bodies twice, as it would with no room on disk).
func newScratch() *scratch {
	f, err := os.CreateTemp("", "gazette-html-*")
	if err != nil {
		return nil
	}
	os.Remove(f.Name())
	return &scratch{f: f}
}

// put stores d's HTML. A failed write (a full disk) only costs speed: the
// page renders the body again.
func (s *scratch) put(d *Doc, html []byte) {
	if s == nil || len(html) == 0 {
		return
	}
	s.mu.Lock()
	if s.failed {
		s.mu.Unlock()
		return
	}
	off := s.end
	s.end += int64(len(html))
	s.mu.Unlock()
	if _, err := s.f.WriteAt(html, off); err != nil {
		s.mu.Lock()
		s.failed = true
		s.mu.Unlock()
		return
	}
	d.spilled = span{off: off, n: len(html)}
}

// get reads d's HTML back, or reports that it was not stored.
func (s *scratch) get(d *Doc) (template.HTML, bool) {
	if s == nil || d.spilled.n == 0 {
		return "", false
	}
	b := make([]byte, d.spilled.n)
	if _, err := s.f.ReadAt(b, d.spilled.off); err != nil {
		return "", false
	}
	// b is never written again: a string over it saves a copy per page.
	return template.HTML(unsafe.String(&b[0], len(b))), true
}

func (s *scratch) close() {
	if s != nil {
		s.f.Close()
		os.Remove(s.f.Name()) // where an open file could not be unlinked
	}
}
