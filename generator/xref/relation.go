package xref

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// relation classifies citation ms[i].
func (st *state) relation(buf []byte, ms []mention, i int) Relation {
	m := ms[i]
	if repealsAfter(buf, ms, i) || repealsBefore(buf, ms, i) {
		return RelRepeals
	}
	if m.resolved && strings.Contains(st.title, "印发") {
		if m.target.Parent == st.self && st.self != "" {
			return RelIssues
		}
		if t := st.ix.normTitle(m.target.ID); t != "" && strings.Contains(st.title, t) {
			return RelIssues
		}
	}
	return RelCites
}

// repealWords may stand between a citation and 废止.
var repealWords = []string{"同时", "一并", "予以", "宣布", "即行", "相应", "也", "均", "将", "已"}

// maxSince is how far, in bytes, a "自…起" phrase may run before 废止.
const maxSince = 60

func isSeparator(r rune) bool {
	return unicode.IsSpace(r) || r == '、' || r == '，' || r == ',' || r == '和' || r == '及' || r == '与'
}

// repealsAfter reports whether 废止 follows ms[i], with only separators,
// other mentions, repealWords and a "自…起" phrase between.
func repealsAfter(buf []byte, ms []mention, i int) bool {
	j := ms[i].end
	next := i + 1
	for j < len(buf) {
		if next < len(ms) && ms[next].start == j {
			j = ms[next].end
			next++
			continue
		}
		if next < len(ms) && ms[next].start < j {
			next++
			continue
		}
		if bytes.HasPrefix(buf[j:], []byte("废止")) {
			return true
		}
		r, size := utf8.DecodeRune(buf[j:])
		if isSeparator(r) {
			j += size
			continue
		}
		if r == '自' {
			// 自2024年3月1日起废止, 自本办法施行之日起废止
			k := bytes.Index(buf[j:min(len(buf), j+maxSince)], []byte("起"))
			if k < 0 || bytes.ContainsAny(buf[j:j+k], "。；！？") {
				return false
			}
			j += k + len("起")
			continue
		}
		matched := false
		for _, w := range repealWords {
			if bytes.HasPrefix(buf[j:], []byte(w)) {
				j += len(w)
				matched = true
				break
			}
		}
		if !matched {
			return false
		}
	}
	return false
}

// repealsBefore reports whether 废止 directly precedes ms[i], or precedes
// a list of mentions ms[i] ends: 废止《甲》（…）和《乙》（…）.
func repealsBefore(buf []byte, ms []mention, i int) bool {
	j := ms[i].start
	prev := i - 1
	for j > 0 {
		if bytes.HasSuffix(buf[:j], []byte("废止")) {
			return true
		}
		if prev >= 0 && ms[prev].end == j {
			j = ms[prev].start
			prev--
			continue
		}
		if prev >= 0 && ms[prev].end > j {
			prev--
			continue
		}
		r, size := utf8.DecodeLastRune(buf[:j])
		if !isSeparator(r) {
			return false
		}
		j -= size
	}
	return false
}
