package generator

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// discard is an Output that keeps nothing: benchmarks measure the build,
// not the disk.
type discard struct{}

func (discard) WriteFile(string, []byte) error { return nil }

func benchBuild(b *testing.B, dir string) {
	cfg, err := LoadConfig(filepath.Join(dir, "config.toml"), true)
	if err != nil {
		b.Fatal(err)
	}
	fsys := os.DirFS(cfg.Path(cfg.ContentDir))
	b.ReportAllocs()
	for b.Loop() {
		st, _, err := Build(context.Background(), Options{Config: cfg, Content: fsys, ContentName: "content/", Out: discard{}})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(st.Documents), "docs")
	}
}

// BenchmarkBuildShipped builds the shipped archive in memory.
func BenchmarkBuildShipped(b *testing.B) { benchBuild(b, "..") }

// BenchmarkBuildCorpus builds the corpus named by $GAZETTE_CORPUS (a folder
// made by cmd/gazette-corpus), for profiling:
//
//	GAZETTE_CORPUS=scale/10000 go test ./generator -run - -bench BuildCorpus -benchtime 1x -cpuprofile cpu.out
func BenchmarkBuildCorpus(b *testing.B) {
	dir := os.Getenv("GAZETTE_CORPUS")
	if dir == "" {
		b.Skip("set GAZETTE_CORPUS to a corpus folder made by cmd/gazette-corpus")
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join("..", dir)
	}
	benchBuild(b, dir)
}
