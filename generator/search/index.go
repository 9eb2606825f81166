package search

import (
	"fmt"
	"slices"
	"strings"

	"gazette/generator/docnum"
)

// Term keys: a unigram is its rune, a bigram 1<<42 | r1<<21 | r2. Runes are
// below 1<<21 and never 0 after folding, so no key is 0 (the empty slot).
const bigramFlag = 1 << 42

func unigram(r rune) uint64   { return uint64(r) }
func bigram(a, b rune) uint64 { return bigramFlag | uint64(a)<<21 | uint64(b) }
func keyText(k uint64) string {
	if k&bigramFlag == 0 {
		return string(rune(k))
	}
	return string([]rune{rune(k >> 21 & (1<<21 - 1)), rune(k & (1<<21 - 1))})
}

// slot is a term's hash table entry: its postings so far, and its counts in
// the current document, together so that counting an occurrence and
// appending the posting touch one cache line.
type slot struct {
	key         uint64
	cur         int32 // document tf and head are for; -1: none yet
	tf          int32 // body occurrences in cur
	first, last int32 // first and last document appended; last -1: none
	n           int32 // postings appended
	head        bool  // occurs in cur's title, 文号 or issuers
	// enc holds postings (appendPosting), the first gap counted from -1
	enc []byte
}

// indexer indexes a contiguous range of documents.
type indexer struct {
	avgdl  float64
	slots  []slot // bigrams and astral unigrams, open addressing; key 0 is empty
	nslots int    // slots in use
	uni    []slot // BMP unigrams, indexed by rune
	// touched lists the slots counted in the current document: i >= 0 is
	// slots[i], i < 0 is uni[-i-1].
	touched []int32
	runes   []uint64 // bit set of the runes seen
	text    []rune
	levels  [33]byte // bm25Level by tf for the current document
}

func newIndexer(avgdl float64) *indexer {
	ix := &indexer{avgdl: avgdl, slots: make([]slot, 1<<16), uni: make([]slot, 0x10000), runes: make([]uint64, (0x10FFFF+64)/64)}
	for i := range ix.uni {
		ix.uni[i] = slot{key: uint64(i), cur: -1, last: -1}
	}
	return ix
}

func (ix *indexer) find(k uint64) int {
	mask := len(ix.slots) - 1
	i := int((k * 0x9E3779B97F4A7C15) >> 40 & uint64(mask))
	for {
		if key := ix.slots[i].key; key == k || key == 0 {
			return i
		}
		i = (i + 1) & mask
	}
}

func (ix *indexer) grow() {
	old := ix.slots
	ix.slots = make([]slot, 2*len(old))
	for _, s := range old {
		if s.key != 0 {
			ix.slots[ix.find(s.key)] = s
		}
	}
	for i, t := range ix.touched {
		if t >= 0 {
			ix.touched[i] = int32(ix.find(old[t].key))
		}
	}
}

// touchBigram counts one occurrence of k in doc.
func (ix *indexer) touchBigram(k uint64, doc int32, head bool) {
	i := ix.find(k)
	s := &ix.slots[i]
	if s.key == 0 {
		*s = slot{key: k, cur: doc, last: -1}
		ix.touched = append(ix.touched, int32(i))
		if ix.nslots++; 2*ix.nslots > len(ix.slots) {
			ix.grow()
			s = &ix.slots[ix.find(k)]
		}
	} else if s.cur != doc {
		s.cur, s.tf, s.head = doc, 0, false
		ix.touched = append(ix.touched, int32(i))
	}
	if head {
		s.head = true
	} else {
		s.tf++
	}
}

func (ix *indexer) touchUnigram(r rune, doc int32, head bool) {
	if r >= 0x10000 {
		ix.touchBigram(unigram(r), doc, head)
		return
	}
	s := &ix.uni[r]
	if s.cur != doc {
		s.cur, s.tf, s.head = doc, 0, false
		ix.touched = append(ix.touched, -int32(r)-1)
	}
	if head {
		s.head = true
	} else {
		s.tf++
	}
}

func (ix *indexer) addText(doc int32, s string, head bool) {
	t := appendNormalized(ix.text[:0], s)
	ix.text = t
	prev := rune(0)
	for _, r := range t {
		ix.runes[r>>6] |= 1 << (r & 63)
		ix.touchUnigram(r, doc, head)
		if prev != 0 {
			ix.touchBigram(bigram(prev, r), doc, head)
		}
		prev = r
	}
}

func (ix *indexer) add(doc int32, d *Doc, body string, dl float64) {
	ix.touched = ix.touched[:0]
	ix.addText(doc, d.Title, true)
	ix.addText(doc, d.DocNumber, true)
	if d.DocKey != d.DocNumber {
		ix.addText(doc, d.DocKey, true)
	}
	for _, is := range d.Issuers {
		ix.addText(doc, is, true)
	}
	ix.addText(doc, body, false)
	for tf := range ix.levels {
		ix.levels[tf] = bm25Level(tf, dl, ix.avgdl)
	}
	for _, t := range ix.touched {
		var s *slot
		if t >= 0 {
			s = &ix.slots[t]
		} else {
			s = &ix.uni[-t-1]
		}
		p := s
		var v byte
		if int(s.tf) < len(ix.levels) {
			v = ix.levels[s.tf] << 1
		} else {
			v = bm25Level(int(s.tf), dl, ix.avgdl) << 1
		}
		if s.head {
			v |= 1
		}
		// the first gap counts from -1, as if this part stood alone
		p.enc = appendPosting(p.enc, uint32(doc-p.last-1), v)
		if p.last < 0 {
			p.first = doc
		}
		p.last = doc
		p.n++
	}
}

// each calls fn with each term's slot.
func (ix *indexer) each(fn func(s *slot)) {
	for i := range ix.uni {
		if ix.uni[i].n > 0 {
			fn(&ix.uni[i])
		}
	}
	for i := range ix.slots {
		if ix.slots[i].key != 0 {
			fn(&ix.slots[i])
		}
	}
}

// term is one term with its postings, in parts that cover consecutive
// document ranges in order (one per indexer that saw the term). The parts
// are joined only when the shard is written, so no second copy of the
// postings is ever held.
type term struct {
	text  string
	parts []*slot
	n     int // number of postings
	size  int // encoded bytes, about
	shard int
}

// mergeTerms collects the indexers' terms.
func mergeTerms(parts []*indexer) []term {
	all := map[uint64][]*slot{}
	for _, ix := range parts {
		ix.each(func(s *slot) {
			all[s.key] = append(all[s.key], s)
		})
	}
	terms := make([]term, 0, len(all))
	for k, refs := range all {
		t := term{text: keyText(k), parts: refs}
		for _, p := range refs {
			t.n += int(p.n)
			t.size += len(p.enc)
		}
		terms = append(terms, t)
	}
	return terms
}

// appendPostings appends t's postings, joining its parts: each part's first
// gap, counted from -1, becomes the gap from the previous part's last
// document. The parts' buffers are released.
func appendPostings(b []byte, t *term) []byte {
	prev := int32(-1)
	for i, p := range t.parts {
		if i == 0 {
			b = append(b, p.enc...)
		} else {
			w := byte(strings.IndexByte(numDigits, p.enc[0]))
			skip := 1
			if w&32 != 0 {
				skip += numLen(uint32(p.first))
			}
			b = appendPosting(b, uint32(p.first-prev-1), w&31)
			b = append(b, p.enc[skip:]...)
		}
		prev = p.last
		p.enc = nil
	}
	return b
}

// numLen is the length of appendNum's encoding of n.
func numLen(n uint32) int {
	l := 1
	for ; n >= 32; n >>= 5 {
		l++
	}
	return l
}

// docNumberKeys returns the normalized #n: keys of a document's 文号: each
// form in full, and, when docnum parses it, the canonical form with and
// without its prefix (〔2024〕10号 → 202410号), so that a query for either
// finds the document whatever brackets, spaces or variant characters the
// document or the query used.
func docNumberKeys(forms ...string) []string {
	var keys []string
	for _, f := range forms {
		if strings.TrimSpace(f) == "" {
			continue
		}
		keys = append(keys, Normalize(f))
		if n, ok := docnum.Parse(f); ok {
			keys = append(keys, Normalize(n.Canonical()), Normalize(fmt.Sprintf("〔%d〕%d号", n.Year, n.Serial)))
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}
