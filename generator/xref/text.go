package xref

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// plain removes line breaks (and the spaces around them) from printed text.
func plain(b []byte) string {
	if bytes.IndexByte(b, '\n') < 0 {
		return string(b)
	}
	lines := strings.Split(string(b), "\n")
	var sb strings.Builder
	for i, l := range lines {
		if i > 0 {
			l = strings.TrimLeftFunc(l, unicode.IsSpace)
		}
		if i < len(lines)-1 {
			l = strings.TrimRightFunc(l, unicode.IsSpace)
		}
		if i > 0 && sb.Len() > 0 && len(l) > 0 {
			prev, _ := utf8.DecodeLastRuneInString(sb.String())
			next, _ := utf8.DecodeRuneInString(l)
			if prev < utf8.RuneSelf && next < utf8.RuneSelf {
				sb.WriteByte(' ')
			}
		}
		sb.WriteString(l)
	}
	return sb.String()
}

// maxSentence is the longest sentence, in characters, kept for 被引用.
const maxSentence = 200

// sentence returns the sentence of buf around [start, end): from after the
// previous 。！？；!? (or the block start) to the next one, inclusive. A line
// break ends a sentence when the next line starts with a 文号 (numStarts
// holds the offsets of 文号 mentions), as in the lines of a 发文目录.
func sentence(buf []byte, start, end int, numStarts map[int]bool) string {
	startsWithNumber := func(i int) bool {
		for i < len(buf) && (buf[i] == ' ' || buf[i] == '\t') {
			i++
		}
		return numStarts[i]
	}
	isEnd := func(r rune) bool { return r == '。' || r == '！' || r == '？' || r == '；' || r == '!' || r == '?' }
	s := start
	for s > 0 {
		r, size := utf8.DecodeLastRune(buf[:s])
		if isEnd(r) || r == '\n' && startsWithNumber(s) {
			break
		}
		s -= size
	}
	e := end
	for e < len(buf) {
		r, size := utf8.DecodeRune(buf[e:])
		if r == '\n' && startsWithNumber(e+size) {
			break
		}
		e += size
		if isEnd(r) {
			break
		}
	}
	out := strings.TrimSpace(plain(buf[s:e]))
	if utf8.RuneCountInString(out) <= maxSentence {
		return out
	}
	// Too long: keep a window around the citation.
	pre := []rune(plain(buf[s:start]))
	cit := plain(buf[start:end])
	post := []rune(plain(buf[end:e]))
	room := maxSentence - utf8.RuneCountInString(cit)
	if room < 0 {
		room = 0
	}
	var b strings.Builder
	if len(pre) > room/2 {
		b.WriteString("…")
		pre = pre[len(pre)-room/2:]
	}
	b.WriteString(strings.TrimLeftFunc(string(pre), unicode.IsSpace))
	b.WriteString(cit)
	if len(post) > room/2 {
		b.WriteString(strings.TrimRightFunc(string(post[:room/2]), unicode.IsSpace))
		b.WriteString("…")
	} else {
		b.WriteString(strings.TrimRightFunc(string(post), unicode.IsSpace))
	}
	return b.String()
}

// lineIndex turns source offsets into 1-based line numbers. Offsets come
// mostly in increasing order, so it counts line breaks from the last one.
type lineIndex struct {
	source   []byte
	off, num int // source[off] is on line num+1
}

func (li *lineIndex) line(off int) int {
	if off < li.off {
		li.off, li.num = 0, 0
	}
	off = min(off, len(li.source))
	li.num += bytes.Count(li.source[li.off:off], []byte{'\n'})
	li.off = off
	return li.num + 1
}
