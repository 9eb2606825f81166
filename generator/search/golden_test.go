package search

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// goldenDocs is testCorpus with documents that reach the encoder's edge
// cases: astral unigrams and bigrams, a term repeated far beyond the tf
// table, JSON-escaped terms, variant and full-width text, empty bodies and
// a document far from the others in date (a long gap).
func goldenDocs(tb testing.TB) []Doc {
	docs := testCorpus(tb, 400)
	docs = append(docs,
		Doc{ID: "x/astral", URL: "x/astral/", Title: "𠀀𠀁测试𪚥", Date: "2019-05-05", Year: 2019,
			Body: strings.Repeat("𠀀𠀁𠀂 汉字𡈽 ", 40)},
		Doc{ID: "x/tf", URL: "x/tf/", Title: "重复", Date: "2020-01-01", Year: 2020, Kind: "通知",
			Body: strings.Repeat("农民工工资", 500) + strings.Repeat("a", 3000)},
		Doc{ID: "x/escape", URL: "x/escape/", Title: "ＡＢＣ１２ ａ<b>&\"c\\", DocNumber: "涇政办发(2023)22 号",
			DocKey: "泾政办发〔2023〕22号", Issuers: []string{" 甲 ", "", "乙<&>"}, Kind: " 办法 ", Gazette: "公报\u2028",
			Date: "2023-06-01", Year: 2023, Body: "e\u0301 ﾊﾟ ᄒㅏ Ǆ ΣΑΣ ß İ 涇源縣 ＡＢＣ"},
		Doc{ID: "x/empty", URL: "x/empty/", Date: "2021-01-01"},
		Doc{ID: "x/old", URL: "x/old/", Title: "最早的文件", Date: "1950-01-01", Year: 1950, Body: "农民工 审批 最早"},
		Doc{ID: "x/new", URL: "x/new/", Title: "最新的文件", Date: "2099-12-31", Year: 2099, Body: "农民工 审批 最新"},
	)
	return docs
}

// hashFiles is one hash of every file written: names sorted, each name and
// its content length-prefixed.
func hashFiles(files map[string][]byte) string {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	h := sha256.New()
	for _, n := range names {
		fmt.Fprintf(h, "%d:%s:%d:", len(n), n, len(files[n]))
		h.Write(files[n])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// goldenHash is the hash of goldenDocs' index. It changes only when the
// output format or the ranking's inputs change on purpose: optimizations
// of the builder must leave it as it is.
const goldenHash = "c683c61cd1a4069a2cca046a2be57b5ba2b3811f9e89d6eed0a1b736d3c9f6c6"

// TestGolden checks that the index of a fixed input is byte for byte what
// it was, on one goroutine and on several, through Build and the Stream.
func TestGolden(t *testing.T) {
	docs := goldenDocs(t)
	for _, workers := range []int{1, 2, 5} {
		var fs memFS
		if _, err := build(docs, fs.write, workers); err != nil {
			t.Fatal(err)
		}
		if got := hashFiles(fs.files); got != goldenHash {
			t.Errorf("on %d goroutines: index hash %s, want %s", workers, got, goldenHash)
		}
	}
}

// TestGoldenSpilled checks that spilling postings to disk (SpillTo)
// leaves the index as it was: after every document, every few, or never
// (a limit no worker reaches).
func TestGoldenSpilled(t *testing.T) {
	docs := goldenDocs(t)
	for _, limit := range []int{1, 4 << 10, 64 << 10, 1 << 30} {
		for _, workers := range []int{1, 3} {
			var fs memFS
			var s *Stream
			_, err := buildWith(docs, fs.write, workers, func(st *Stream) {
				s = st
				st.SpillTo(t.TempDir(), limit)
			})
			if err != nil {
				t.Fatal(err)
			}
			segs := 0
			for _, sf := range s.spill.files {
				segs += len(sf.segs)
				if sf.f != nil {
					t.Errorf("limit %d: a spill file is still open after Finish", limit)
				}
			}
			if got := hashFiles(fs.files); got != goldenHash {
				t.Errorf("limit %d, %d goroutines, %d segments: index hash %s, want %s", limit, workers, segs, got, goldenHash)
			}
			if limit == 1 && segs < len(docs)-workers {
				t.Errorf("limit 1: %d segments for %d documents, want one a document", segs, len(docs))
			}
			if limit == 1<<30 && segs != 0 {
				t.Errorf("limit 1 GB: %d segments, want none", segs)
			}
		}
	}
}

// TestTermText checks that a term's key gives what its text would: the
// length, the shard hash and the order.
func TestTermText(t *testing.T) {
	runes := []rune{'0', '9', 'a', 'z', 'é', '一', '泾', '龥', '𠀀', '𪚥'}
	var terms []term
	for _, a := range runes {
		terms = append(terms, term{key: unigram(a)})
		for _, b := range runes {
			terms = append(terms, term{key: bigram(a, b)})
		}
	}
	for _, s := range []string{"#n:202410号", "#i:张掖市人民政府", "#y:2024", "", "0", "泾", "泾源", "泾源县", "𠀀\xff", "\xff"} {
		terms = append(terms, term{text: s})
	}
	text := func(t *term) string {
		if t.key == 0 {
			return t.text
		}
		return keyText(t.key)
	}
	for i := range terms {
		a := &terms[i]
		if a.textLen() != len(text(a)) || a.hash() != fnv1a(text(a)) {
			t.Errorf("%q: length %d, hash %x; want %d, %x", text(a), a.textLen(), a.hash(), len(text(a)), fnv1a(text(a)))
		}
		for j := range terms {
			b := &terms[j]
			if got, want := compareText(a, b), strings.Compare(text(a), text(b)); got != want {
				t.Errorf("compareText(%q, %q) = %d, want %d", text(a), text(b), got, want)
			}
		}
	}
}

// TestStreamSplitsText checks that a corpus of more text than one
// indexer's arena can address is split among more workers than asked for.
func TestStreamSplitsText(t *testing.T) {
	docs := make([]Doc, 10)
	if n := NewStream(docs, 1<<30, 1).Workers(); n != 3 {
		t.Errorf("10 documents of 1 GB on 1 worker: %d workers, want 3", n)
	}
	if n := NewStream(docs, 1000, 1).Workers(); n != 1 {
		t.Errorf("10 small documents on 1 worker: %d workers, want 1", n)
	}
}

// TestGoldenSpillFails checks that a worker whose spill file cannot be
// written keeps its postings, and the index is what it was: the file
// given is open for reading only, so the first segment's writes fail.
func TestGoldenSpillFails(t *testing.T) {
	dir := t.TempDir()
	old := createSpill
	defer func() { createSpill = old }()
	createSpill = func(string) (*os.File, error) {
		p := filepath.Join(dir, fmt.Sprintf("ro-%d", time.Now().UnixNano()))
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			return nil, err
		}
		return os.Open(p)
	}
	docs := goldenDocs(t)
	var fs memFS
	var s *Stream
	if _, err := buildWith(docs, fs.write, 2, func(st *Stream) { s = st; st.SpillTo(dir, 1) }); err != nil {
		t.Fatal(err)
	}
	if got := hashFiles(fs.files); got != goldenHash {
		t.Errorf("index hash %s, want %s", got, goldenHash)
	}
	if n, err := s.Spilled(); n != 0 || err == nil {
		t.Errorf("Spilled() = %d, %v; want 0 and the write's error", n, err)
	}
}

// TestTermSizes checks that a term's size is the length of its joined
// postings, however its documents were split among workers and spilled
// segments: the number of shards is computed from it, so the output
// would otherwise depend on the number of cores.
func TestTermSizes(t *testing.T) {
	docs := goldenDocs(t)
	for _, tt := range []struct{ workers, limit int }{{1, 1 << 30}, {2, 1 << 30}, {5, 1 << 30}, {1, 1}, {3, 4 << 10}} {
		s := NewStream(docs, 500, tt.workers)
		s.SpillTo(t.TempDir(), tt.limit)
		for w := range s.Workers() {
			for _, i := range s.Range(w) {
				s.Add(w, i, docs[i].Body, len(docs[i].Body))
			}
		}
		if err := s.spill.load(s.parts); err != nil {
			t.Fatal(err)
		}
		srcs := s.sources()
		var scratch []byte
		wrong := 0
		for _, term := range mergeTerms(srcs) {
			if b, _ := appendPostings(nil, &term, srcs, &scratch); len(b) != term.size {
				wrong++
			}
		}
		if wrong > 0 {
			t.Errorf("%d workers, %d sources: %d terms' sizes differ from their postings' length", s.Workers(), len(srcs), wrong)
		}
		s.Close()
	}
}
