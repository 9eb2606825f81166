package search

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/longbridgeapp/opencc"
	"golang.org/x/text/unicode/norm"
)

// Normalize folds s to the form the index stores and queries are matched in:
//
//  1. NFKC, so full-width Latin and digits, CJK compatibility ideographs and
//     Kangxi radicals become their ordinary forms (ＡＢＣ１２ → ABC12);
//  2. traditional → simplified, character by character, from OpenCC's t2s
//     character table (涇源縣 → 泾源县);
//  3. lower case, rune by rune (simple case mapping);
//  4. everything that is not a letter or a number is dropped: punctuation,
//     brackets, symbols and white space (张政办发〔2024〕10 号 → 张政办发202410号).
//
// The browser does the same in search.js with String.prototype.normalize
// ("NFKC"), the part of the t2s table the index needs (see Build) and the
// same per-code-point steps; normalize_test.go runs both on one table.
func Normalize(s string) string {
	return string(appendNormalized(nil, s))
}

// appendNormalized appends the runes of Normalize(s) to dst.
//
// NFKC works on segments that start at a rune with a normalization boundary
// before it; almost every segment of real text is one rune, whose NFKC and
// folding fold precomputes for the BMP. Only longer segments (a letter and
// its combining marks, half-width kana and their voicing marks, conjoining
// Hangul jamo) go through norm.NFKC, with the same result as normalizing the
// whole string.
func appendNormalized(dst []rune, s string) []rune {
	f := folding()
	// The pending segment is s[start:i]; single holds its rune when it is
	// one BMP rune (the fast path), else -1.
	start, single := 0, rune(-1)
	for next := 0; next < len(s); {
		// decode as range does, three-byte sequences (CJK) inline
		i := next
		r, size := rune(s[i]), 1
		if c := s[i]; c >= utf8.RuneSelf {
			if c&0xF0 == 0xE0 && i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
				r, size = rune(c&0x0F)<<12|rune(s[i+1]&0x3F)<<6|rune(s[i+2]&0x3F), 3
				if r < 0x800 || 0xD800 <= r && r <= 0xDFFF {
					r, size = utf8.DecodeRuneInString(s[i:])
				}
			} else {
				r, size = utf8.DecodeRuneInString(s[i:])
			}
		}
		next = i + size
		var boundary bool
		if r < 0x10000 {
			boundary = f.bmp[r]&boundaryBit != 0
		} else {
			boundary = f.boundaryBefore(r)
		}
		if !boundary && i > 0 {
			single = -1 // the segment grows: normalize it as a whole
			continue
		}
		if single >= 0 {
			dst = f.appendSingle(dst, single)
		} else if i > start {
			dst = f.appendSegment(dst, s[start:i])
		}
		start = i
		single = -1
		if r < 0x10000 {
			single = r
		}
	}
	if single >= 0 {
		dst = f.appendSingle(dst, single)
	} else if len(s) > start {
		dst = f.appendSegment(dst, s[start:])
	}
	return dst
}

// appendSingle appends the normalized form of the BMP rune r on its own.
func (f *fold) appendSingle(dst []rune, r rune) []rune {
	e := f.bmp[r] &^ boundaryBit
	if e&1 != 0 {
		return append(dst, rune(e>>8))
	}
	if off := e >> 8; e&0xFE != 0 {
		return append(dst, f.pool[off:off+e>>1&127]...)
	}
	return dst
}

// appendSegment appends the normalized form of a segment of several runes
// (or of one rune outside the BMP).
func (f *fold) appendSegment(dst []rune, seg string) []rune {
	for _, r := range norm.NFKC.String(seg) {
		if m := foldRune(r, f.t2s); m != 0 {
			dst = append(dst, m)
		}
	}
	return dst
}

// foldRune applies steps 2–4 to one rune; 0 means the rune is dropped.
func foldRune(r rune, t2s map[rune]rune) rune {
	if s, ok := t2s[r]; ok {
		r = s
	}
	r = unicode.ToLower(r)
	if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
		return 0
	}
	return r
}

// fold holds the per-rune steps of Normalize precomputed for the BMP.
type fold struct {
	// bmp[r] describes the normalized form of r alone:
	//  - bit 0 set: exactly one rune, bits 8+;
	//  - else bits 1–7 are a count and bits 8+ an offset in pool (count 0:
	//    the rune is dropped).
	// bit 31 is set when r has a normalization boundary before it.
	bmp  []uint32
	pool []rune
	t2s  map[rune]rune
}

const boundaryBit = 1 << 31

func (f *fold) boundaryBefore(r rune) bool {
	if r < 0x10000 {
		return f.bmp[r]&boundaryBit != 0
	}
	s := string(r)
	return norm.NFKC.PropertiesString(s).BoundaryBefore() &&
		norm.NFKC.PropertiesString(norm.NFKC.String(s)).BoundaryBefore()
}

var folding = sync.OnceValue(func() *fold {
	f := &fold{bmp: make([]uint32, 0x10000), t2s: t2sTable()}
	var out []rune
	for r := rune(0); r < 0x10000; r++ {
		s := string(r) // surrogates become U+FFFD, as decoding does
		out = out[:0]
		for _, c := range norm.NFKC.String(s) {
			if m := foldRune(c, f.t2s); m != 0 {
				out = append(out, m)
			}
		}
		var e uint32
		if len(out) == 1 {
			e = uint32(out[0])<<8 | 1
		} else {
			e = uint32(len(f.pool))<<8 | uint32(len(out))<<1
			f.pool = append(f.pool, out...)
		}
		// A boundary before r, and before the first rune r becomes: the
		// compatibility jamo ㅏ is a starter, its NFKC ᅡ composes with a
		// preceding ᄒ (ㅎㅏ → 하).
		nf := norm.NFKC.String(s)
		if norm.NFKC.PropertiesString(s).BoundaryBefore() && norm.NFKC.PropertiesString(nf).BoundaryBefore() {
			e |= boundaryBit
		}
		f.bmp[r] = e
	}
	return f
})

// t2sRanges are the code point ranges searched for OpenCC character entries:
// CJK radicals to the end of the unified block, compatibility ideographs and
// the supplementary ideographic planes.
var t2sRanges = [][2]rune{{0x2E80, 0x9FFF}, {0xF900, 0xFAFF}, {0x20000, 0x323AF}}

// t2sExtra holds variant foldings OpenCC's character table lacks that the
// gazettes need. OpenCC 1.1 maps 涇→泾 itself; the entry stays as a guard
// (TestT2SExtra fails if OpenCC ever disagrees).
var t2sExtra = map[rune]rune{'涇': '泾'}

// t2sTable returns OpenCC's traditional → simplified character table (the
// first candidate of each entry, as opencc.Convert picks it), restricted to
// entries that change the character.
func t2sTable() map[rune]rune {
	m := make(map[rune]rune, 4096)
	for k, v := range t2sExtra {
		m[k] = v
	}
	cc, err := opencc.New("t2s")
	if err != nil {
		// The dictionaries are embedded in the module: this cannot fail
		// short of a broken module cache, where every build would fail.
		panic("search: loading opencc t2s: " + err.Error())
	}
	for _, g := range cc.DictChains {
		for i, name := range g.Files {
			if name != "TSCharacters.ocd2" {
				continue
			}
			d := g.Dicts[i]
			var buf [utf8.UTFMax]byte
			for _, rg := range t2sRanges {
				for r := rg[0]; r <= rg[1]; r++ {
					n := utf8.EncodeRune(buf[:], r)
					// Dict.Get mixes up ids and values (liuzl/da); an exact
					// key from PrefixMatch is right.
					ms, err := d.PrefixMatch(string(buf[:n]))
					v := ms[string(buf[:n])]
					if err != nil || len(v) == 0 {
						continue
					}
					s, size := utf8.DecodeRuneInString(v[0])
					if size != len(v[0]) || s == r || s == utf8.RuneError {
						continue // multi-rune targets would break rune alignment
					}
					m[r] = s
				}
			}
		}
	}
	return m
}
