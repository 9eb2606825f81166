package search

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"

	"github.com/BurntSushi/toml"

	"gazette/generator/internal/cputime"
)

// corpusDoc is a document of a scale corpus: its metadata, and the file
// its body is read from.
type corpusDoc struct {
	Doc
	path string
}

// loadCorpus reads the documents of $GAZETTE_CORPUS/content (a corpus from
// cmd/gazette-corpus, such as scale/10000), with their bodies when
// withBodies. A body is the Markdown after the front matter: the build
// indexes the rendered text, which differs by the markup only. It returns
// nil when GAZETTE_CORPUS is not set.
func loadCorpus(tb testing.TB, withBodies bool) []corpusDoc {
	tb.Helper()
	dir := os.Getenv("GAZETTE_CORPUS")
	if dir == "" {
		return nil
	}
	if !filepath.IsAbs(dir) {
		// tests run in the package folder; the variable is relative to the
		// module root, like the generator's BuildCorpus benchmark
		dir = filepath.Join("..", "..", dir)
	}
	root := filepath.Join(dir, "content")
	var docs []corpusDoc
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".md") || strings.HasPrefix(d.Name(), "_") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		front, body := splitFront(data)
		var m struct {
			Title      string
			DocNumber  string `toml:"doc_number"`
			Issuers    []string
			Kind       string
			DateSigned time.Time `toml:"date_signed"`
		}
		if _, err := toml.Decode(front, &m); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		rel, _ := filepath.Rel(root, p)
		id := filepath.ToSlash(strings.TrimSuffix(rel, ".md"))
		date := m.DateSigned.Format(time.DateOnly)
		if m.DateSigned.IsZero() {
			date = "0000-00-00"
			if parts := strings.Split(id, "/"); len(parts) > 1 {
				date = parts[1] + "-00"
			}
		}
		cd := corpusDoc{Doc: Doc{ID: id, URL: id + "/", Title: m.Title, DocNumber: m.DocNumber, DocKey: m.DocNumber,
			Issuers: m.Issuers, Kind: m.Kind, Gazette: strings.Split(id, "/")[0], Year: yearOf(m.DateSigned), Date: date}, path: p}
		if withBodies {
			cd.Body = body
		}
		docs = append(docs, cd)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}

// splitFront splits a document into its TOML front matter and its body.
func splitFront(data []byte) (front, body string) {
	s := string(data)
	if rest, ok := strings.CutPrefix(s, "+++\n"); ok {
		if f, b, ok := strings.Cut(rest, "\n+++"); ok {
			return f, strings.TrimPrefix(b, "\n")
		}
	}
	return "", s
}

// benchDocs are the documents BenchmarkStream indexes: the corpus in
// $GAZETTE_CORPUS when set, else 2,000 synthetic documents.
func benchDocs(tb testing.TB) []Doc {
	if cds := loadCorpus(tb, true); cds != nil {
		docs := make([]Doc, len(cds))
		for i := range cds {
			docs[i] = cds[i].Doc
		}
		return docs
	}
	return synthDocs(tb, 2000, 9500)
}

// streamIndex indexes docs through the Stream API as the site build does,
// on the given number of workers, with bodies from body.
func streamIndex(tb testing.TB, docs []Doc, workers int, body func(i int) string, write func(string, []byte) error) Stats {
	var total int
	for i := range docs {
		total += len(body(i))
	}
	s := NewStream(docs, float64(total)/float64(max(1, len(docs))), workers)
	var wg sync.WaitGroup
	for w := range s.Workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, i := range s.Range(w) {
				b := body(i)
				s.Add(w, i, b, len(b))
			}
		}()
	}
	wg.Wait()
	st, err := s.Finish(write)
	if err != nil {
		tb.Fatal(err)
	}
	return st
}

// BenchmarkStream feeds a corpus's text through NewStream, Add and Finish,
// as the site build does, writing nowhere:
//
//	GAZETTE_CORPUS=scale/10000 go test -run - -bench Stream -benchmem ./generator/search
func BenchmarkStream(b *testing.B) {
	docs := benchDocs(b)
	var size int64
	for _, d := range docs {
		size += int64(len(d.Body))
	}
	// Add sees each body once: keep them aside so that NewStream's docs
	// carry metadata only, as in the build.
	bodies := make([]string, len(docs))
	for i := range docs {
		bodies[i], docs[i].Body = docs[i].Body, ""
	}
	b.SetBytes(size)
	b.ReportAllocs()
	cpu := cputime.Process()
	for b.Loop() {
		streamIndex(b, docs, runtime.GOMAXPROCS(0), func(i int) string { return bodies[i] }, func(string, []byte) error { return nil })
	}
	b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

// TestCorpusHash logs the hash of the index of $GAZETTE_CORPUS and, when
// $GAZETTE_CORPUS_HASH is set, checks it: a golden test at scale, for a
// corpus too big to commit.
//
//	GAZETTE_CORPUS=scale/10000 go test -run CorpusHash -v ./generator/search
func TestCorpusHash(t *testing.T) {
	cds := loadCorpus(t, true)
	if cds == nil {
		t.Skip("set GAZETTE_CORPUS to a corpus folder (scale/10000)")
	}
	docs := make([]Doc, len(cds))
	bodies := make([]string, len(cds))
	for i := range cds {
		docs[i] = cds[i].Doc
		bodies[i], docs[i].Body = docs[i].Body, ""
	}
	var out memFS
	st := streamIndex(t, docs, runtime.GOMAXPROCS(0), func(i int) string { return bodies[i] }, out.write)
	got := hashFiles(out.files)
	t.Logf("%d documents: %d files, %d bytes, %d terms, %d postings; hash %s", st.Docs, st.Files, st.Bytes, st.Terms, st.Postings, got)
	if want := os.Getenv("GAZETTE_CORPUS_HASH"); want != "" && got != want {
		t.Errorf("index hash %s, want %s", got, want)
	}
}

// TestStreamHeap measures the indexer's memory on $GAZETTE_CORPUS, reading
// each body from its file as Add needs it (as the build does, so the text
// is not held): the live heap once every body is added, less the heap
// before (the documents' metadata), and the highest heap in use sampled
// through the whole build, Finish included.
//
//	GAZETTE_CORPUS=scale/100000 go test -run StreamHeap -v ./generator/search
func TestStreamHeap(t *testing.T) {
	cds := loadCorpus(t, false)
	if cds == nil {
		t.Skip("set GAZETTE_CORPUS to a corpus folder (scale/100000)")
	}
	docs := make([]Doc, len(cds))
	for i := range cds {
		docs[i] = cds[i].Doc
	}
	body := func(i int) string {
		data, err := os.ReadFile(cds[i].path)
		if err != nil {
			t.Error(err)
			return ""
		}
		_, b := splitFront(data)
		return b
	}
	var total int
	for i := range cds {
		if fi, err := os.Stat(cds[i].path); err == nil {
			total += int(fi.Size())
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				if ms.HeapInuse > peak.Load() {
					peak.Store(ms.HeapInuse)
				}
			}
		}
	}()
	before := heap()
	start, cpu := time.Now(), cputime.Process()
	s := NewStream(docs, float64(total)/float64(len(docs)), runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for w := range s.Workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, i := range s.Range(w) {
				b := body(i)
				s.Add(w, i, b, len(b))
			}
		}()
	}
	wg.Wait()
	added := heap()
	var tableBytes, arenaBytes, listBytes int
	var scratch []byte
	for _, ix := range s.parts {
		tableBytes += (len(ix.table) + len(ix.uni)) * int(unsafe.Sizeof(entry{}))
		arenaBytes += len(ix.arena.pages) * pageSize
		ix.each(func(_ int32, e *entry) {
			scratch = ix.arena.appendList(scratch[:0], e)
			listBytes += len(scratch)
		})
	}
	scratch = nil
	t.Logf("indexers: %.1f MB of hash tables, %.1f MB of arena pages holding %.1f MB of postings",
		float64(tableBytes)/1e6, float64(arenaBytes)/1e6, float64(listBytes)/1e6)
	var written atomic.Int64
	st, err := s.Finish(func(_ string, data []byte) error { written.Add(int64(len(data))); return nil })
	if err != nil {
		t.Fatal(err)
	}
	wall, cpuUsed := time.Since(start), cputime.Process()-cpu
	close(done)
	runtime.KeepAlive(s)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("%d documents, %d terms, %d postings, %.1f MB written; wall %v, CPU %v", st.Docs, st.Terms, st.Postings, float64(written.Load())/1e6, wall.Round(time.Millisecond), cpuUsed.Round(time.Millisecond))
	t.Logf("live heap after Add: %.1f MB (%.1f MB of it the index); peak heap in use %.1f MB; Sys %.1f MB",
		float64(added)/1e6, float64(added-before)/1e6, float64(peak.Load())/1e6, float64(ms.Sys)/1e6)
}

func yearOf(t time.Time) int {
	if t.IsZero() {
		return 0
	}
	return t.Year()
}

// TestStreamShares checks that workers' ranges cover every document once,
// in index order, and split the text evenly by Size.
func TestStreamShares(t *testing.T) {
	sized := func(sizes ...int) []Doc {
		docs := make([]Doc, len(sizes))
		for i, n := range sizes {
			docs[i] = Doc{ID: fmt.Sprintf("d%03d", i), Date: "2024-01-01", Size: n}
		}
		return docs
	}
	// NewStream gives each worker at least 64 documents.
	repeat := func(n, size int) []int { return slices.Repeat([]int{size}, n) }
	tests := []struct {
		name    string
		sizes   []int
		workers int
		want    []int // documents per worker
	}{
		{"equal", repeat(128, 5), 2, []int{64, 64}},
		// 100×10 + 34×30 is the first half of 100×10 + 100×30.
		{"heavy tail", append(repeat(100, 10), repeat(100, 30)...), 2, []int{134, 66}},
		{"one heavy", append([]int{1000}, repeat(127, 1)...), 2, []int{1, 127}},
		{"empty bodies", repeat(192, 0), 3, []int{64, 64, 64}},
		{"three", append(repeat(100, 10), repeat(100, 20)...), 3, []int{100, 50, 50}},
		// A last document heavier than the rest together leaves the
		// other workers nothing.
		{"heavy last", append(repeat(191, 1), 10000), 3, []int{192, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs := sized(tt.sizes...)
			s := NewStream(docs, 10, tt.workers)
			if s.Workers() != len(tt.want) {
				t.Fatalf("%d workers, want %d", s.Workers(), len(tt.want))
			}
			next := 0
			for w := range s.Workers() {
				r := s.Range(w)
				if len(r) != tt.want[w] {
					t.Errorf("worker %d takes %d documents, want %d", w, len(r), tt.want[w])
				}
				for _, i := range r {
					if i != next {
						t.Fatalf("worker %d takes document %d, want %d", w, i, next)
					}
					next++
				}
			}
			if next != len(docs) {
				t.Errorf("the workers take %d documents of %d", next, len(docs))
			}
			// Workers with nothing to do do not break the index.
			for w := range s.Workers() {
				for _, i := range s.Range(w) {
					body := strings.Repeat("公报", min(docs[i].Size, 50))
					s.Add(w, i, body, len(body))
				}
			}
			if st, err := s.Finish(func(string, []byte) error { return nil }); err != nil || st.Docs != len(docs) {
				t.Errorf("Finish: %d documents, %v", st.Docs, err)
			}
		})
	}
}

// TestAddKeepsNoBody indexes the same documents twice: with each body its
// own string, and with every body of a worker in one buffer that is
// overwritten as soon as Add returns (as the site build's feed does). The
// index files must be the same bytes.
// With spill, Add writes a worker's postings to disk as it goes.
func TestAddKeepsNoBody(t *testing.T) {
	for _, spill := range []bool{false, true} {
		t.Run(fmt.Sprintf("spill=%v", spill), func(t *testing.T) { testAddKeepsNoBody(t, spill) })
	}
}

func testAddKeepsNoBody(t *testing.T, spill bool) {
	docs := synthDocs(t, 300, 2000)
	files := func(reuse bool) map[string]string {
		s := NewStream(docs, 2000, 2)
		if spill {
			s.SpillTo(t.TempDir(), 64<<10)
		}
		var wg sync.WaitGroup
		for w := range s.Workers() {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var buf []byte
				for _, i := range s.Range(w) {
					body := docs[i].Body
					if reuse {
						buf = append(buf[:0], body...)
						body = unsafe.String(unsafe.SliceData(buf), len(buf))
					}
					s.Add(w, i, body, len(body))
					for j := range buf {
						buf[j] = 'x'
					}
				}
			}()
		}
		wg.Wait()
		if n, err := s.Spilled(); spill && (n == 0 || err != nil) {
			t.Fatalf("spilled %d bytes, %v: the test does not cover the spill", n, err)
		}
		out := map[string]string{}
		var mu sync.Mutex
		if _, err := s.Finish(func(name string, data []byte) error {
			mu.Lock()
			defer mu.Unlock()
			out[name] = string(data)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	want, got := files(false), files(true)
	if len(want) == 0 || len(got) != len(want) {
		t.Fatalf("%d files with a buffer, %d without", len(got), len(want))
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s differs when the body's bytes are reused after Add", name)
		}
	}
}
