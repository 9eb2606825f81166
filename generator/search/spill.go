package search

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"os"
)

// Spilling. A Stream over a large archive (SpillTo) writes a worker's
// posting lists to a temporary file whenever its arena passes a size, and
// indexes the worker's next documents afresh, as a segment of their own.
// During the scan the heap then holds one segment a worker, not the whole
// index: at 100k documents the postings are 400 MB, and the collector
// would run again and again against the memory limit with them live. The
// arena a worker appends to also stays the size a 10k archive's does,
// small enough for the processor's caches. Finish reads the segments back
// and joins them with the other parts of each term, in document order.

// A source is one run of consecutive documents' postings: a worker's live
// indexer or one of its spilled segments.
type source struct {
	ix  *indexer
	seg *segment
	sf  *spillFile // seg's file
}

// segment is where the lists of one spilled indexer lie in its file:
// the lists from start, then from table a record of each (segRecord), in
// the indexer's order (each). Only this is held in memory until Finish.
type segment struct {
	start, table int64
	n            int
}

// A segment's record of a term: key, the offset of its list from the
// segment's start (it runs to the next record's, or to the table), its
// size (as entry.size) and its last document.
const segRecord = 8 + 4 + 4 + 4

func (s source) record(ref int32) (key uint64, off int64, size uint32, last int32) {
	r := s.sf.data[s.seg.table+int64(ref)*segRecord:][:segRecord]
	return binary.LittleEndian.Uint64(r), s.seg.start + int64(binary.LittleEndian.Uint32(r[8:])),
		binary.LittleEndian.Uint32(r[12:]), int32(binary.LittleEndian.Uint32(r[16:]))
}

func (s source) terms() int {
	if s.ix != nil {
		return s.ix.nterms
	}
	return s.seg.n
}

// each calls fn with each list's term, size and ref (see part).
func (s source) each(fn func(key uint64, size uint32, ref int32)) {
	if s.ix != nil {
		s.ix.each(func(ref int32, e *entry) { fn(e.key, e.size, ref) })
		return
	}
	for i := range int32(s.seg.n) {
		key, _, size, _ := s.record(i)
		fn(key, size, i)
	}
}

// list returns the bytes of list ref, in the arena's form, and its last
// document. scratch is a buffer to reuse.
func (s source) list(ref int32, scratch *[]byte) ([]byte, int32) {
	if s.ix != nil {
		e := s.ix.entryAt(ref)
		*scratch = s.ix.arena.appendList((*scratch)[:0], e)
		return *scratch, e.last
	}
	_, off, _, last := s.record(ref)
	end := s.seg.table
	if int(ref)+1 < s.seg.n {
		_, end, _, _ = s.record(ref + 1)
	}
	return s.sf.data[off:end], last
}

// last returns the last document of list ref.
func (s source) last(ref int32) int32 {
	if s.ix != nil {
		return s.ix.entryAt(ref).last
	}
	_, _, _, last := s.record(ref)
	return last
}

// first returns the first document of list ref.
func (s source) first(ref int32) int32 {
	if s.ix != nil {
		return s.ix.arena.firstDoc(s.ix.entryAt(ref))
	}
	_, off, _, _ := s.record(ref)
	_, gap, _ := decodeMemPosting(s.sf.data[off:], 0)
	return int32(gap)
}

// spill is where a Stream's workers write their segments.
type spill struct {
	dir   string
	limit uint64 // arena bytes at which a worker spills
	files []spillFile
}

// spillFile is one worker's segments. Its file is unlinked when made, so
// even a killed build leaves nothing behind (where the system allows it).
type spillFile struct {
	f       *os.File
	removed bool
	w       *bufio.Writer
	off     int64 // bytes written
	segs    []segment
	err     error         // the first failure: the worker stops spilling
	runes   map[rune]bool // unigrams of its segments (indexer.seen)
	data    []byte        // the file's bytes, read back by Finish
	buf     []byte
	table   []byte // the records of the segment being written
}

// createSpill makes a spill file (a variable for tests).
var createSpill = func(dir string) (*os.File, error) { return os.CreateTemp(dir, ".gazette-search-*") }

// SpillTo makes the stream write a worker's postings to a temporary file
// in dir ("": the system's) whenever they pass about limit bytes in
// memory. Call it before Add. A failure to write only costs memory: the
// worker keeps its postings from then on.
func (s *Stream) SpillTo(dir string, limit int) {
	s.spill = &spill{dir: dir, limit: uint64(max(limit, 1)), files: make([]spillFile, len(s.parts))}
}

// maybeSpill writes worker w's lists to its file and empties its indexer,
// when they have passed the limit.
func (sp *spill) maybeSpill(w int, ix *indexer) {
	sf := &sp.files[w]
	if ix.arena.off < sp.limit || sf.err != nil || ix.nterms == 0 {
		return
	}
	if sf.f == nil {
		f, err := createSpill(sp.dir)
		if err != nil {
			sf.err = err
			return
		}
		sf.f, sf.removed = f, os.Remove(f.Name()) == nil
		sf.w = bufio.NewWriterSize(f, 1<<20)
		sf.runes = map[rune]bool{}
	}
	seg := segment{start: sf.off}
	off := uint32(0)
	sf.table = sf.table[:0]
	src := source{ix: ix}
	src.each(func(key uint64, size uint32, ref int32) {
		e := ix.entryAt(ref)
		sf.buf = ix.arena.appendList(sf.buf[:0], e)
		sf.w.Write(sf.buf) // its error is Flush's
		sf.table = binary.LittleEndian.AppendUint64(sf.table, key)
		sf.table = binary.LittleEndian.AppendUint32(sf.table, off)
		sf.table = binary.LittleEndian.AppendUint32(sf.table, size)
		sf.table = binary.LittleEndian.AppendUint32(sf.table, uint32(e.last))
		off += uint32(len(sf.buf)) // an indexer holds less than 4 GB
		if key&bigramFlag == 0 {
			sf.runes[rune(key)] = true
		}
	})
	sf.w.Write(sf.table)
	if err := sf.w.Flush(); err != nil {
		sf.err = err // the lists stay in the indexer
		return
	}
	seg.table, seg.n = seg.start+int64(off), len(sf.table)/segRecord
	sf.off = seg.table + int64(len(sf.table))
	sf.segs = append(sf.segs, seg)
	ix.reset()
}

// load reads every worker's segments back, once every worker is done.
func (sp *spill) load(parts []*indexer) error {
	for _, ix := range parts {
		// the pages the indexer's last segment did not reach go first
		clear(ix.arena.pages[ix.arena.used:])
		ix.arena.pages = ix.arena.pages[:ix.arena.used]
	}
	for w := range sp.files {
		sf := &sp.files[w]
		if sf.f == nil {
			continue
		}
		sf.data = make([]byte, sf.off)
		if _, err := sf.f.ReadAt(sf.data, 0); err != nil {
			return fmt.Errorf("search: reading the postings written to %s: %w", sf.f.Name(), err)
		}
	}
	return nil
}

// seen reports whether a spilled segment saw the rune r.
func (sp *spill) seen(r rune) bool {
	for w := range sp.files {
		if sp.files[w].runes[r] {
			return true
		}
	}
	return false
}

// err is the first failure to write a worker's segments, if any.
func (sp *spill) err() error {
	for w := range sp.files {
		if err := sp.files[w].err; err != nil {
			return err
		}
	}
	return nil
}

// close closes and removes the files, and lets their buffers go.
func (sp *spill) close() {
	for w := range sp.files {
		sf := &sp.files[w]
		if sf.f != nil {
			sf.f.Close()
			if !sf.removed {
				os.Remove(sf.f.Name())
			}
		}
		*sf = spillFile{segs: sf.segs, off: sf.off, err: sf.err}
	}
}
