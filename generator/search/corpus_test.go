package search

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"gazette/generator/internal/cputime"
)

// sentences returns testdata/sentences.txt, lines of real gazette text
// (from the seeds 000, 002 and 004).
func sentences(tb testing.TB) []string {
	tb.Helper()
	data, err := os.ReadFile("testdata/sentences.txt")
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(data)), "\n")
}

var synthIssuers = []string{
	"张掖市人民政府", "张掖市人民政府办公室", "中共张掖市委办公室", "泾源县人民政府办公室",
	"武威市人民政府办公室", "甘州区人民政府", "泾源县人民政府", "中共泾源县委办公室",
}

var synthPrefixes = []string{"张政发", "张政办发", "市委办发", "泾政办发", "武政办发", "甘区政发", "泾政发", "泾党办发"}

var synthKinds = []string{"通知", "方案", "办法", "意见", "决定", "报告"}

// synthDocs makes n deterministic documents of about bodyBytes bytes each
// from real sentences.
func synthDocs(tb testing.TB, n, bodyBytes int) []Doc {
	tb.Helper()
	lines := sentences(tb)
	rng := rand.New(rand.NewPCG(1, 2))
	docs := make([]Doc, n)
	var body bytes.Buffer
	for i := range docs {
		body.Reset()
		for body.Len() < bodyBytes {
			body.WriteString(lines[rng.IntN(len(lines))])
			body.WriteByte('\n')
		}
		year := 2018 + i%8
		is := rng.IntN(len(synthIssuers))
		kind := synthKinds[rng.IntN(len(synthKinds))]
		title := strings.TrimSpace(lines[rng.IntN(len(lines))])
		title = []string{"关于印发", "关于", "关于做好"}[i%3] + string([]rune(title)[:min(20, len([]rune(title)))]) + "的" + kind
		num := fmt.Sprintf("%s〔%d〕%d号", synthPrefixes[is], year, i/len(synthIssuers)%300+1)
		docs[i] = Doc{
			ID:        fmt.Sprintf("g%d/%d-%02d/d%05d", is%3, year, i%12+1, i),
			URL:       fmt.Sprintf("g%d/%d-%02d/d%05d/", is%3, year, i%12+1, i),
			Title:     title,
			DocNumber: num,
			DocKey:    num,
			Issuers:   []string{synthIssuers[is]},
			Kind:      kind,
			Gazette:   []string{"张掖市人民政府公报", "泾源县人民政府公报", "武威市人民政府公报"}[is%3],
			Year:      year,
			Date:      fmt.Sprintf("%d-%02d-%02d", year, i%12+1, i%28+1),
			Body:      body.String(),
		}
	}
	return docs
}

// memFS collects written files.
type memFS struct {
	mu    sync.Mutex
	files map[string][]byte
}

func (m *memFS) write(name string, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil {
		m.files = map[string][]byte{}
	}
	if _, dup := m.files[name]; dup && !strings.HasPrefix(name, "search/p-") {
		// identical content gives identical names; only distinct content
		// under one name would be a bug
		if !bytes.Equal(m.files[name], data) {
			return fmt.Errorf("%s written twice with different content", name)
		}
	}
	m.files[name] = bytes.Clone(data)
	return nil
}

var benchBig = flag.Bool("big", false, "BenchmarkBuild also indexes 100,000 documents (about 1 GB of text)")

func BenchmarkBuild(b *testing.B) {
	sizes := []int{1000, 10000}
	if *benchBig {
		sizes = append(sizes, 100000)
	}
	for _, n := range sizes {
		docs := synthDocs(b, n, 9500)
		var size int64
		for _, d := range docs {
			size += int64(len(d.Body))
		}
		b.Run(fmt.Sprintf("docs=%d", n), func(b *testing.B) {
			b.SetBytes(size)
			b.ReportAllocs()
			var st Stats
			cpu := cputime.Process()
			for b.Loop() {
				var err error
				st, err = Build(docs, func(string, []byte) error { return nil })
				if err != nil {
					b.Fatal(err)
				}
			}
			// CPU time is steadier than wall time on a shared machine
			b.ReportMetric(float64(cputime.Process()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
			b.ReportMetric(float64(st.Files), "files")
			b.ReportMetric(float64(st.Bytes)/1e6, "MB")
			b.ReportMetric(float64(st.Terms), "terms")
		})
	}
}
