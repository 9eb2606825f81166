package search

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"gazette/generator/docnum"
)

// Term keys: a unigram is its rune, a bigram 1<<42 | r1<<21 | r2. Runes are
// below 1<<21 and never 0 after folding, so no key is 0 (the empty slot).
const bigramFlag = 1 << 42

func unigram(r rune) uint64   { return uint64(r) }
func bigram(a, b rune) uint64 { return bigramFlag | uint64(a)<<21 | uint64(b) }
func keyText(k uint64) string { return string(appendKeyText(nil, k)) }

// keyRunes returns the runes of a unigram (r2 < 0) or bigram key.
func keyRunes(k uint64) (r1, r2 rune) {
	if k&bigramFlag == 0 {
		return rune(k), -1
	}
	return rune(k >> 21 & (1<<21 - 1)), rune(k & (1<<21 - 1))
}

func appendKeyText(b []byte, k uint64) []byte {
	r1, r2 := keyRunes(k)
	b = utf8.AppendRune(b, r1)
	if r2 >= 0 {
		b = utf8.AppendRune(b, r2)
	}
	return b
}

// compareKeyText compares s with the text of key k as strings.Compare does.
func compareKeyText(s string, k uint64) int {
	var buf [2 * utf8.UTFMax]byte
	t := appendKeyText(buf[:0], k)
	for i := range min(len(s), len(t)) {
		if s[i] != t[i] {
			return cmp.Compare(s[i], t[i])
		}
	}
	return cmp.Compare(len(s), len(t))
}

// textLen is the length of t's text in bytes.
func (t *term) textLen() int {
	if t.key == 0 {
		return len(t.text)
	}
	r1, r2 := keyRunes(t.key)
	n := utf8.RuneLen(r1)
	if r2 >= 0 {
		n += utf8.RuneLen(r2)
	}
	return n
}

// hash is fnv1a of t's text.
func (t *term) hash() uint32 {
	if t.key == 0 {
		return fnv1a(t.text)
	}
	r1, r2 := keyRunes(t.key)
	h := (uint32(2166136261) ^ uint32(r1)) * 16777619
	if r2 >= 0 {
		h = (h ^ uint32(r2)) * 16777619
	}
	return h
}

// compareText compares the texts of a and b as strings.Compare does: UTF-8
// orders strings by code point, and a unigram before the bigrams it starts.
func compareText(a, b *term) int {
	switch {
	case a.key == 0 && b.key == 0:
		return strings.Compare(a.text, b.text)
	case a.key == 0:
		return compareKeyText(a.text, b.key)
	case b.key == 0:
		return -compareKeyText(b.text, a.key)
	}
	a1, a2 := keyRunes(a.key)
	b1, b2 := keyRunes(b.key)
	return cmp.Or(cmp.Compare(a1, b1), cmp.Compare(a2, b2))
}

// entry is a term's hash table entry: its counts in the current document
// and its postings so far (in the indexer's arena), together so that
// counting an occurrence and appending the posting touch one cache line;
// 32 bytes, two to a line.
type entry struct {
	key uint64 // 0: empty
	// cnt is the term's body occurrences in the current document, with
	// headBit set when it occurs in the title, 文号 or issuers; 0 when the
	// document has not touched the term yet.
	cnt   uint32
	last  int32  // last document appended; -1: none
	size  uint32 // bytes of postings
	start uint32 // arena offset of the first slice
	pos   uint32 // arena offset of the next byte
	end   uint32 // arena offset of the current slice's level byte
}

const headBit = 1 << 31

// indexer indexes a contiguous range of documents.
type indexer struct {
	avgdl  float64
	table  []entry // bigrams and astral unigrams, open addressing
	nused  int     // table entries in use
	nterms int     // entries in use, table and uni
	uni    []entry // BMP unigrams, indexed by rune
	arena  arena
	// touched[:nt] lists the entries counted in the current document:
	// i >= 0 is table[i], i < 0 is uni[-i-1]. Counting writes past nt,
	// so touched has room for every rune and bigram of the text.
	touched []int32
	nt      int
	// headBits and inc update an entry's cnt for the text being added:
	// cnt = cnt | headBits + inc.
	headBits, inc uint32
	text          []rune
	levels        [33]byte // bm25Level by tf for the current document
}

// newIndexer returns an indexer for about docs documents. Its table starts
// at the size that many documents of real text need (30 bigrams a
// document, a number that shrinks as the vocabulary saturates), within
// 2^15 and 2^18 entries: doubling from a small table allocates and copies
// as much again, and a larger one would often be too large.
func newIndexer(avgdl float64, docs int) *indexer {
	n := 1 << 15
	for n < 1<<18 && n < 32*docs {
		n <<= 1
	}
	return &indexer{avgdl: avgdl, table: make([]entry, n), uni: make([]entry, 0x10000)}
}

func hashKey(k uint64) uint64 { return (k * 0x9E3779B97F4A7C15) >> 32 }

// find returns the index of k's entry in table, or of the empty entry
// where it belongs.
func (ix *indexer) find(k uint64) int {
	mask := uint64(len(ix.table) - 1)
	i := hashKey(k) & mask
	for {
		if key := ix.table[i].key; key == k || key == 0 {
			return int(i)
		}
		i = (i + 1) & mask
	}
}

func (ix *indexer) grow() {
	old := ix.table
	ix.table = make([]entry, 2*len(old))
	for _, e := range old {
		if e.key != 0 {
			ix.table[ix.find(e.key)] = e
		}
	}
	for i, t := range ix.touched[:ix.nt] {
		if t >= 0 {
			ix.touched[i] = int32(ix.find(old[t].key))
		}
	}
}

// newEntry makes e the entry of k, with an empty posting list.
func (ix *indexer) newEntry(e *entry, k uint64) {
	p, end := ix.arena.newSlice(0)
	*e = entry{key: k, last: -1, start: p, pos: p, end: end}
	ix.nterms++
}

// count counts one occurrence in e, at touched index t. It does not
// branch on the entry, often not yet in the cache: a mispredicted branch
// there would discard the lookups started after it.
func (ix *indexer) count(e *entry, t int32) {
	c := e.cnt
	ix.touched[ix.nt] = t
	var first int
	if c == 0 {
		first = 1
	}
	ix.nt += first
	e.cnt = (c | ix.headBits) + ix.inc
}

// touchBigram counts one occurrence of k (a bigram or an astral unigram).
func (ix *indexer) touchBigram(k uint64) {
	mask := uint64(len(ix.table) - 1)
	i := hashKey(k) & mask
	for {
		e := &ix.table[i]
		if e.key == k {
			ix.count(e, int32(i))
			return
		}
		if e.key == 0 {
			break
		}
		i = (i + 1) & mask
	}
	ix.newEntry(&ix.table[i], k)
	if ix.nused++; 2*ix.nused > len(ix.table) {
		ix.grow()
		i = uint64(ix.find(k))
	}
	ix.count(&ix.table[i], int32(i))
}

func (ix *indexer) touchUnigram(r rune) {
	if r >= 0x10000 {
		ix.touchBigram(unigram(r))
		return
	}
	e := &ix.uni[r]
	if e.key == 0 {
		ix.newEntry(e, unigram(r))
	}
	ix.count(e, -int32(r)-1)
}

func (ix *indexer) addText(s string, head bool) {
	t := appendNormalized(ix.text[:0], s)
	ix.text = t
	if need := ix.nt + 2*len(t); need > len(ix.touched) {
		ix.touched = slices.Grow(ix.touched[:ix.nt], need-ix.nt)
		ix.touched = ix.touched[:cap(ix.touched)]
	}
	ix.headBits, ix.inc = 0, 1
	if head {
		ix.headBits, ix.inc = headBit, 0
	}
	// touchUnigram and touchBigram, with the common cases (a BMP rune; a
	// bigram in the first entry probed) inline and the indexer's fields
	// in locals; the calls save and reload them.
	headBits, inc := ix.headBits, ix.inc
	touched, nt := ix.touched, ix.nt
	uni, table := ix.uni[:0x10000], ix.table
	mask := uint64(len(table) - 1)
	prev := rune(0)
	for _, r := range t {
		if r < 0x10000 {
			e := &uni[r]
			if e.key == 0 {
				ix.newEntry(e, unigram(r))
			}
			c := e.cnt
			touched[nt] = -int32(r) - 1
			if c == 0 {
				nt++
			}
			e.cnt = (c | headBits) + inc
		} else {
			ix.nt = nt
			ix.touchBigram(unigram(r))
			nt, table = ix.nt, ix.table
			mask = uint64(len(table) - 1)
		}
		if prev != 0 {
			k := bigram(prev, r)
			i := hashKey(k) & mask
			if e := &table[i]; e.key == k {
				c := e.cnt
				touched[nt] = int32(i)
				if c == 0 {
					nt++
				}
				e.cnt = (c | headBits) + inc
			} else {
				ix.nt = nt
				ix.touchBigram(k)
				nt, table = ix.nt, ix.table
				mask = uint64(len(table) - 1)
			}
		}
		prev = r
	}
	ix.nt = nt
}

func (ix *indexer) add(doc int32, d *Doc, body string, dl float64) {
	ix.nt = 0
	ix.addText(d.Title, true)
	ix.addText(d.DocNumber, true)
	if d.DocKey != d.DocNumber {
		ix.addText(d.DocKey, true)
	}
	for _, is := range d.Issuers {
		ix.addText(is, true)
	}
	ix.addText(body, false)
	for tf := range ix.levels {
		ix.levels[tf] = bm25Level(tf, dl, ix.avgdl)
	}
	a := &ix.arena
	for _, t := range ix.touched[:ix.nt] {
		var e *entry
		if t >= 0 {
			e = &ix.table[t]
		} else {
			e = &ix.uni[-t-1]
		}
		cnt := e.cnt
		e.cnt = 0
		tf := cnt &^ headBit
		var v byte
		if tf < uint32(len(ix.levels)) {
			v = ix.levels[tf] << 1
		} else {
			v = bm25Level(int(tf), dl, ix.avgdl) << 1
		}
		if cnt&headBit != 0 {
			v |= 1
		}
		// the first gap counts from -1, as if this part stood alone; a
		// posting of one byte is stored here, others by appendLong
		if gap, pos := uint32(doc-e.last-1), e.pos; gap < 4 && pos < e.end {
			a.pages[pos>>pageBits][pos&pageMask] = v | byte(gap)<<5
			e.pos = pos + 1
			e.size++
			if gap != 0 {
				e.size++
			}
		} else {
			a.appendLong(e, gap, v)
		}
		e.last = doc
	}
}

// entryAt returns the entry at ref: table[ref], or uni[-ref-1] when ref
// is negative (as in touched).
func (ix *indexer) entryAt(ref int32) *entry {
	if ref >= 0 {
		return &ix.table[ref]
	}
	return &ix.uni[-ref-1]
}

// reset forgets every term, keeping the table, the arena's pages and the
// buffers for the documents to come.
func (ix *indexer) reset() {
	clear(ix.table)
	clear(ix.uni)
	ix.nused, ix.nterms = 0, 0
	ix.arena.reset()
}

// each calls fn with each term's entry and its ref (as in touched).
func (ix *indexer) each(fn func(ref int32, e *entry)) {
	for i := range ix.uni {
		if ix.uni[i].key != 0 {
			fn(-int32(i)-1, &ix.uni[i])
		}
	}
	for i := range ix.table {
		if ix.table[i].key != 0 {
			fn(int32(i), &ix.table[i])
		}
	}
}

// seen reports whether the indexer saw the rune r.
func (ix *indexer) seen(r rune) bool {
	if r < 0x10000 {
		return ix.uni[r].key != 0
	}
	return ix.table[ix.find(unigram(r))].key != 0
}

// part is one source's postings of a term (see source): the term's entry
// in a live indexer (ref as in indexer.touched) or its list in a spilled
// segment (ref indexes segment.terms).
type part struct {
	src, ref int32
}

// term is one term with its postings, in parts that cover consecutive
// document ranges in order (one per source that saw the term), or, for a
// special term, already encoded. The parts are joined only when the shard
// is written, so no second copy of the postings is ever held.
type term struct {
	key    uint64 // a unigram or bigram (see keyText); 0: a special term
	text   string // a special term
	parts  []part
	enc    []byte // a special term's postings
	size   int    // encoded bytes, about
	nparts int32
	shard  int32
}

// mergeTerms collects the sources' terms. Each term's parts are a piece of
// one array, in the sources' order.
func mergeTerms(srcs []source) []term {
	n := 0
	for _, src := range srcs {
		n = max(n, src.terms())
	}
	index := make(map[uint64]int32, n)
	terms := make([]term, 0, n+n/4)
	// of[s] lists the term of each of srcs[s]'s lists, in the order of each
	of := make([][]int32, len(srcs))
	nparts := 0
	for s, src := range srcs {
		of[s] = make([]int32, 0, src.terms())
		src.each(func(key uint64, size uint32, _ int32) {
			t, ok := index[key]
			if !ok {
				t = int32(len(terms))
				index[key] = t
				terms = append(terms, term{key: key})
			}
			terms[t].size += int(size)
			terms[t].nparts++
			of[s] = append(of[s], t)
			nparts++
		})
	}
	parts := make([]part, nparts)
	at := 0
	for i := range terms {
		n := int(terms[i].nparts)
		terms[i].parts = parts[at : at : at+n]
		at += n
	}
	// A part's size counts its first posting from -1, as if it stood
	// alone; joined, it counts from the previous part's last document.
	// The size is made that of the joined list, so that the number of
	// shards does not depend on how the documents were split.
	lasts := make([]int32, len(terms))
	for s, src := range srcs {
		i := 0
		src.each(func(_ uint64, _ uint32, ref int32) {
			ti := of[s][i]
			t := &terms[ti]
			if len(t.parts) > 0 {
				first := src.first(ref)
				t.size += int(postingLen(uint32(first-lasts[ti]-1))) - int(postingLen(uint32(first)))
			}
			lasts[ti] = src.last(ref)
			t.parts = append(t.parts, part{int32(s), ref})
			i++
		})
	}
	return terms
}

// appendPostings appends t's postings in the index's form, and returns
// their number, joining its parts: each part's first gap, counted from -1,
// becomes the gap from the previous part's last document. scratch is a
// buffer to reuse.
func appendPostings(b []byte, t *term, srcs []source, scratch *[]byte) ([]byte, int) {
	if t.parts == nil {
		return append(b, t.enc...), countPostings(t.enc)
	}
	n := 0
	prev := int32(-1)
	for _, pt := range t.parts {
		mem, last := srcs[pt.src].list(pt.ref, scratch)
		// the part's first document, as a gap from the last one
		w, gap, j := decodeMemPosting(mem, 0)
		b = appendPosting(b, gap-uint32(prev+1), w)
		n++
		for j < len(mem) {
			c := mem[j]
			switch {
			case c < 0x20: // no gap
				b = append(b, numDigits[c])
				j++
			case c < 0x80: // a gap of 1 to 3
				b = append(b, numDigits[32|c&31], numDigits[c>>5])
				j++
			default:
				w, gap, j = decodeMemPosting(mem, j)
				b = appendPosting(b, gap, w)
			}
			n++
		}
		prev = last
	}
	return b, n
}

// decodeMemPosting decodes the posting at mem[j] (see appendMemPosting),
// and returns the index after it.
func decodeMemPosting(mem []byte, j int) (weight byte, gap uint32, next int) {
	c := mem[j]
	j++
	gap = uint32(c>>5) & 3
	if c&0x80 != 0 {
		for sh := 2; ; sh += 7 {
			d := mem[j]
			j++
			gap |= uint32(d&0x7F) << sh
			if d&0x80 == 0 {
				break
			}
		}
	}
	return c & 31, gap, j
}

// countPostings returns the number of postings in b, an encoded list.
func countPostings(b []byte) int {
	n := 0
	gap := false
	for _, c := range b {
		v := digitValue(c)
		if !gap {
			n++
		}
		gap = v&32 != 0
	}
	return n
}

// digitValue is the value of a postings character.
func digitValue(c byte) byte { return digitValues[c] }

var digitValues = func() (v [256]byte) {
	for i := range numDigits {
		v[numDigits[i]] = byte(i)
	}
	return v
}()

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
