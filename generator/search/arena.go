package search

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// An arena holds an indexer's posting lists while the index is built: each
// list is a chain of slices in large pages, so that a list grows without
// copying, a term costs no allocation of its own and the garbage collector
// has no pointers to scan. (Lucene's ByteBlockPool works the same way.)
//
// A slice of size S (sliceSizes) holds data and, in its last byte, its
// level, read only when the slice is full (the list keeps the level byte's
// offset, so that appending never reads the arena, which would wait for
// memory). The next slice is then allocated, the last three data bytes
// move to its start and the four bytes before and at the level byte hold
// the next slice's offset. A slice followed by another thus holds S−4
// bytes of the list; the list ends in the slice whose level byte the
// entry points to.
type arena struct {
	pages [][]byte
	used  int    // pages in use; those past it are kept for reuse (reset)
	off   uint64 // offset of the next free byte
}

const (
	pageBits = 18
	pageSize = 1 << pageBits
	pageMask = pageSize - 1
)

// sliceSizes are the slice sizes by level; lists past the last level
// continue in slices of the last size. Most terms are rare: the first
// slice holds a posting with a gap of up to six characters.
var sliceSizes = [...]uint32{8, 12, 20, 32, 48, 72, 112, 168, 256, 384, 512}

// newSlice allocates a slice of the given level (0-based) and returns its
// offset and that of its level byte.
func (a *arena) newSlice(level int) (off, end uint32) {
	size := sliceSizes[level]
	if a.off+uint64(size) > uint64(a.used)<<pageBits {
		if a.used >= 1<<(32-pageBits) {
			panic("search: more than 4 GB of postings in one indexer")
		}
		if a.used == len(a.pages) {
			a.pages = append(a.pages, make([]byte, pageSize))
		}
		a.used++
		a.off = uint64(a.used-1) << pageBits
	}
	off = uint32(a.off)
	a.off += uint64(size)
	end = off + size - 1
	a.pages[end>>pageBits][end&pageMask] = byte(level + 1)
	return off, end
}

// Postings are kept in the arena in a shorter form than the index's
// characters, about 30% fewer bytes: a byte holding the weight (bits 0–4) and
// the gap's two low bits (5–6), bit 7 set when the rest of the gap, gap>>2,
// follows in 7-bit groups, least significant first, bit 7 set in all but
// the last. A gap below 4 thus costs one byte, below 512 two.
const maxMemPosting = 6

// appendMemPosting appends a posting in the arena's form to b.
func appendMemPosting(b []byte, gap uint32, weight byte) []byte {
	c := weight | byte(gap&3)<<5
	if gap < 4 {
		return append(b, c)
	}
	b = append(b, c|0x80)
	for gap >>= 2; gap >= 0x80; gap >>= 7 {
		b = append(b, byte(gap)|0x80)
	}
	return append(b, byte(gap))
}

// postingLen is the length of appendPosting's encoding of a gap.
func postingLen(gap uint32) uint32 {
	if gap == 0 {
		return 1
	}
	return 1 + uint32(bits.Len32(gap)+4)/5
}

// appendLong appends a posting to e's list. indexer.add appends those of
// one byte (a gap below 4) itself, when the slice has room.
func (a *arena) appendLong(e *entry, gap uint32, weight byte) {
	e.size += postingLen(gap)
	pos := e.pos
	if pos+maxMemPosting <= e.end {
		// the slice has room for the longest posting, written in place
		// (the arena is not read); the gap is at least 4
		o := pos & pageMask
		pg := a.pages[pos>>pageBits][o : o+maxMemPosting]
		pg[0] = weight | byte(gap&3)<<5 | 0x80
		k := 1
		for gap >>= 2; gap >= 0x80; gap >>= 7 {
			pg[k] = byte(gap) | 0x80
			k++
		}
		pg[k] = byte(gap)
		e.pos = pos + uint32(k+1)
		return
	}
	var buf [maxMemPosting]byte
	a.write(e, appendMemPosting(buf[:0], gap, weight))
}

// write appends data to e's list.
func (a *arena) write(e *entry, data []byte) {
	pos := e.pos
	for _, c := range data {
		if pos == e.end {
			// move the last three bytes to a new slice, and point to it
			pg := a.pages[pos>>pageBits]
			o := pos & pageMask
			level := min(int(pg[o]), len(sliceSizes)-1)
			q, end := a.newSlice(level)
			copy(a.pages[q>>pageBits][q&pageMask:], pg[o-3:o])
			binary.LittleEndian.PutUint32(pg[o-3:], q)
			pos, e.end = q+3, end
		}
		a.pages[pos>>pageBits][pos&pageMask] = c
		pos++
	}
	e.pos = pos
}

// appendList appends the bytes of e's list to b.
func (a *arena) appendList(b []byte, e *entry) []byte {
	return a.appendListN(b, e, math.MaxInt)
}

// appendListN appends the bytes of e's list to b, stopping at the end of
// the slice in which the list's first n bytes end.
func (a *arena) appendListN(b []byte, e *entry, n int) []byte {
	off := e.start
	for level := 0; ; level = min(level+1, len(sliceSizes)-1) {
		size := uint32(sliceSizes[level])
		pg := a.pages[off>>pageBits]
		o := off & pageMask
		if off+size-1 == e.end {
			// the last slice
			return append(b, pg[o:e.pos&pageMask]...)
		}
		b = append(b, pg[o:o+size-4]...)
		if n -= int(size - 4); n <= 0 {
			return b
		}
		off = binary.LittleEndian.Uint32(pg[o+size-4:])
	}
}

// firstDoc returns the first document of e's list, counted from -1.
func (a *arena) firstDoc(e *entry) int32 {
	var buf [32]byte
	_, gap, _ := decodeMemPosting(a.appendListN(buf[:0], e, maxMemPosting), 0)
	return int32(gap)
}

// reset empties the arena and keeps its pages for the lists to come.
// What they held is never read again: a slice's bytes are read only
// after they are written.
func (a *arena) reset() { a.used, a.off = 0, 0 }
