// Package arena keeps small strings and slices that live as long as a
// build in few large allocations.
//
// The Go heap puts each small object in a span with others of its size
// class. Values kept for a whole build but made among the garbage of the
// work around them (a document's front matter among the TOML decoder's
// temporaries) leave their spans partly used once that garbage is
// collected: after loading 100,000 documents the heap held 272 MB of
// objects in spans with 320 MB of unused slots between them. That memory
// counts against the build's memory limit, so the collector runs more
// often, and each kept value is one more object for it to mark. Copies
// carved from an arena's chunks are packed, a few objects in all.
package arena

import (
	"strings"
	"unsafe"
)

// ChunkSize is the size in bytes of the chunks values are carved from.
// A value larger than an eighth of it gets an allocation of its own, so at
// most an eighth of a chunk is left unused at its end.
const ChunkSize = 64 << 10

// Strings hands out copies of strings carved from chunks. The zero value
// is ready to use; it is not safe for concurrent use. A chunk lives as
// long as any string carved from it.
type Strings struct {
	chunk []byte // the current chunk: its length is what is handed out
}

// String returns a copy of s.
func (a *Strings) String(s string) string {
	if len(s) == 0 {
		return ""
	}
	if len(s) > ChunkSize/8 {
		return strings.Clone(s)
	}
	if cap(a.chunk)-len(a.chunk) < len(s) {
		a.chunk = make([]byte, 0, ChunkSize)
	}
	start := len(a.chunk)
	// Appending writes only past the length: the bytes of strings handed
	// out before are never written again, which keeps them immutable.
	a.chunk = append(a.chunk, s...)
	return unsafe.String(&a.chunk[start], len(s))
}

// Slices hands out copies of slices carved from chunks. The zero value is
// ready to use; it is not safe for concurrent use. A copy's capacity is its
// length, so appending to it moves it out of the chunk.
type Slices[T any] struct {
	chunk []T
}

// Copy returns a copy of s: nil for nil, and an empty slice that holds
// on to no array for an empty one.
func (a *Slices[T]) Copy(s []T) []T {
	if s == nil {
		return nil
	}
	if len(s) == 0 {
		return []T{}
	}
	var zero T
	per := max(1, ChunkSize/max(1, int(unsafe.Sizeof(zero))))
	if len(s) > per/8 {
		c := make([]T, len(s))
		copy(c, s)
		return c
	}
	if cap(a.chunk)-len(a.chunk) < len(s) {
		a.chunk = make([]T, 0, per)
	}
	start := len(a.chunk)
	a.chunk = append(a.chunk, s...)
	return a.chunk[start:len(a.chunk):len(a.chunk)]
}
