package search

import "encoding/binary"

// An arena holds an indexer's posting lists while the index is built: each
// list is a chain of slices in large pages, so that a list grows without
// copying, a term costs no allocation of its own and the garbage collector
// has no pointers to scan. (Lucene's ByteBlockPool works the same way.)
//
// A slice of size S (sliceSizes) holds data and, in its last byte, its
// level, read only when the slice is full (the list keeps the level byte's
// offset: reading the arena as it is written would wait for memory). The
// next slice is then allocated, the last three data bytes move to its
// start and the four bytes before and at the level byte hold the next
// slice's offset. A slice followed by another thus holds S−4 bytes of the
// list, the last one at most S−1.
type arena struct {
	pages [][]byte
	off   uint32 // offset of the next free byte
}

const (
	pageBits = 18
	pageSize = 1 << pageBits
	pageMask = pageSize - 1
)

// sliceSizes are the slice sizes by level; lists past the last level
// continue in slices of the last size. Most terms are rare: the first
// slice holds a posting with a gap of up to six characters.
var sliceSizes = [...]uint32{8, 12, 20, 32, 48, 72, 112, 168, 256, 384, 576, 864, 1296, 2048}

// newSlice allocates a slice of the given level (0-based) and returns its
// offset and that of its level byte.
func (a *arena) newSlice(level int) (off, end uint32) {
	size := sliceSizes[level]
	if uint64(a.off)+uint64(size) > uint64(len(a.pages))<<pageBits {
		if len(a.pages) >= 1<<(32-pageBits) {
			panic("search: more than 4 GB of postings in one indexer")
		}
		a.pages = append(a.pages, make([]byte, pageSize))
		a.off = uint32(len(a.pages)-1) << pageBits
	}
	off = a.off
	a.off += size
	end = off + size - 1
	a.pages[end>>pageBits][end&pageMask] = byte(level + 1)
	return off, end
}

// appendPosting appends a posting (see appendPosting) to e's list.
func (a *arena) appendPosting(e *entry, gap uint32, weight byte) {
	pos := e.pos
	if pos+8 <= e.end {
		// the common case: the slice has room for the longest posting,
		// which is encoded in place, the arena not read
		o := pos & pageMask
		n := uint32(len(appendPosting(a.pages[pos>>pageBits][o:o:o+8], gap, weight)))
		e.pos += n
		e.size += n
		return
	}
	var buf [8]byte
	a.write(e, appendPosting(buf[:0], gap, weight))
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
	e.size += uint32(len(data))
}

// appendList appends the bytes of e's list from skip to limit to b.
func (a *arena) appendList(b []byte, e *entry, skip, limit int) []byte {
	off, rem := e.start, int(e.size)
	limit = min(limit, rem)
	for level := 0; ; level = min(level+1, len(sliceSizes)-1) {
		size := int(sliceSizes[level])
		pg := a.pages[off>>pageBits][off&pageMask:]
		n := rem
		if rem >= size {
			n = size - 4 // a full slice, followed by another
		}
		m := min(n, limit)
		if skip < m {
			b = append(b, pg[skip:m]...)
		}
		skip, limit = max(0, skip-n), limit-n
		if rem -= n; rem == 0 || limit <= 0 {
			return b
		}
		off = binary.LittleEndian.Uint32(pg[size-4:])
	}
}
