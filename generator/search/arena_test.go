package search

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestArena appends postings to many lists at once, as indexer.add does,
// across slices and pages, and reads each list back, and its first
// document (a long first posting may straddle two slices); then again in
// the same arena after reset, whose reused pages hold the old bytes.
func TestArena(t *testing.T) {
	var a arena
	rng := rand.New(rand.NewPCG(5, 6))
	const lists = 3000
	for round := range 2 {
		if round > 0 {
			a.reset()
		}
		es := make([]entry, lists)
		want := make([][]byte, lists)
		sizes := make([]uint32, lists)
		first := make([]int64, lists)
		for i := range es {
			p, end := a.newSlice(0)
			es[i] = entry{key: uint64(i + 1), last: -1, start: p, pos: p, end: end}
			first[i] = -1
		}
		for n := range 400000 {
			// list i gets about a share proportional to 1/(i+1), as terms do
			i := int(float64(lists) * rng.Float64() * rng.Float64() * rng.Float64())
			var gap uint32
			switch rng.IntN(4) {
			case 0:
				gap = uint32(rng.IntN(4))
			case 1:
				gap = uint32(rng.IntN(600))
			case 2:
				gap = rng.Uint32() >> 1 // documents are int32
			default:
				gap = uint32(rng.IntN(1 << 20))
			}
			w := byte(n % 32)
			e := &es[i]
			// indexer.add's dispatch
			if pos := e.pos; gap < 4 && pos < e.end {
				a.pages[pos>>pageBits][pos&pageMask] = w | byte(gap)<<5
				e.pos = pos + 1
				e.size += postingLen(gap)
			} else {
				a.appendLong(e, gap, w)
			}
			if first[i] < 0 {
				first[i] = int64(gap)
			}
			want[i] = appendMemPosting(want[i], gap, w)
			sizes[i] += uint32(len(appendPosting(nil, gap, w)))
		}
		if a.used < 3 {
			t.Fatalf("round %d: %d pages: the test should cross pages", round, a.used)
		}
		long := 0
		for i := range es {
			if got := a.appendList(nil, &es[i]); !bytes.Equal(got, want[i]) {
				t.Errorf("round %d, list %d: %d bytes read back, %d written, or different", round, i, len(got), len(want[i]))
			}
			if es[i].size != sizes[i] {
				t.Errorf("round %d, list %d: size %d, want %d", round, i, es[i].size, sizes[i])
			}
			if first[i] >= 0 {
				if got := a.firstDoc(&es[i]); int64(got) != first[i] {
					t.Errorf("round %d, list %d: first document %d, want %d", round, i, got, first[i])
				}
				if first[i] >= 1<<23 { // a posting of more than four bytes
					long++
				}
			}
		}
		if long == 0 {
			t.Errorf("round %d: no list starts with a long posting", round)
		}
	}
}
