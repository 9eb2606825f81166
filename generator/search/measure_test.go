package search_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"gazette/generator"
	"gazette/generator/internal/cputime"
	"gazette/generator/search"
)

// TestMeasureIndex is a developer tool, not a check: it indexes the site
// whose config.toml is in $GAZETTE_MEASURE_SITE (a scale corpus from
// cmd/gazette-corpus) three times and logs the median wall and CPU time,
// files and bytes. With $GAZETTE_MEASURE_OUT it also writes the index
// there (a built site's public/ folder) for TestFirstQueryBytes.
//
//	GAZETTE_MEASURE_SITE=/tmp/scale-10k go test -run TestMeasureIndex -v ./generator/search
//
// Bodies are the documents' Markdown, not the rendered text the build
// indexes: the sizes differ by the markup only.
func TestMeasureIndex(t *testing.T) {
	dir := os.Getenv("GAZETTE_MEASURE_SITE")
	if dir == "" {
		t.Skip("set GAZETTE_MEASURE_SITE to a site folder to measure indexing")
	}
	cfg, err := generator.LoadConfig(filepath.Join(dir, "config.toml"), false)
	if err != nil {
		t.Fatal(err)
	}
	site, ps := generator.Load(context.Background(), cfg, os.DirFS(filepath.Join(dir, "content")), "content/")
	if ps.HasErrors() {
		t.Fatal(ps.Errors())
	}
	docs := make([]search.Doc, len(site.Docs))
	var size int
	for i, d := range site.Docs {
		sd := search.Doc{ID: d.ID, URL: d.URL, Title: d.Meta.Title, DocNumber: d.Number(), DocKey: d.Meta.DocNumber,
			Kind: d.Kind, Year: d.Year(), Date: d.Date.String(), Body: d.Body}
		for _, is := range d.Issuers {
			sd.Issuers = append(sd.Issuers, is.Name)
		}
		if d.Issue != nil && d.Issue.Gazette != nil {
			sd.Gazette = d.Issue.Gazette.Meta.Name
		}
		docs[i] = sd
		size += len(d.Body)
	}
	var walls, cpus []time.Duration
	var st search.Stats
	for range 3 {
		start, cpu := time.Now(), cputime.Process()
		st, err = search.Build(docs, func(string, []byte) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		walls = append(walls, time.Since(start))
		cpus = append(cpus, cputime.Process()-cpu)
	}
	slices.Sort(walls)
	slices.Sort(cpus)
	t.Logf("%d documents, %.1f MB of text: median wall %v, CPU %v (runs: %v, %v)", len(docs), float64(size)/1e6, walls[1], cpus[1], walls, cpus)
	t.Logf("%d files, %.1f MB: %d posting shards, %d metadata shards, %d terms, %d postings",
		st.Files, float64(st.Bytes)/1e6, st.PostingShards, st.MetaShards, st.Terms, st.Postings)
	if out := os.Getenv("GAZETTE_MEASURE_OUT"); out != "" {
		if err := os.RemoveAll(filepath.Join(out, "search")); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(out, "search"), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := search.Build(docs, func(name string, data []byte) error {
			return os.WriteFile(filepath.Join(out, filepath.FromSlash(name)), data, 0o644)
		}); err != nil {
			t.Fatal(err)
		}
	}
}
