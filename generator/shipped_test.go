package generator

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"gazette/generator/linkcheck"
	"gazette/generator/publish"
)

// TestShippedContentLinks builds the shipped archive (content/ at the
// repository root) at the root and under a subpath, and checks that every
// internal link and asset of every page resolves.
func TestShippedContentLinks(t *testing.T) {
	if _, err := os.Stat("../content"); err != nil {
		t.Fatalf("shipped content/ missing: %v", err)
	}
	for _, base := range []string{"/", "https://example.org/archive/"} {
		t.Run(base, func(t *testing.T) {
			cfg, err := LoadConfig("../config.toml", false)
			if err != nil {
				t.Fatal(err)
			}
			cfg.BaseURL = base
			out := filepath.Join(t.TempDir(), "public")
			stage, err := publish.Begin(out)
			if err != nil {
				t.Fatal(err)
			}
			st, _, err := Build(context.Background(), Options{Config: cfg, Content: os.DirFS("../content"), ContentName: "content/", Out: stage})
			if err != nil {
				stage.Abort()
				t.Fatalf("building the shipped content: %v", err)
			}
			if _, err := stage.Commit(); err != nil {
				t.Fatal(err)
			}
			if st.Documents < 100 || st.Issues != 2 || st.Gazettes != 2 {
				t.Errorf("built %d documents, %d issues, %d gazettes; want ≥100, 2, 2", st.Documents, st.Issues, st.Gazettes)
			}
			for _, p := range linkcheck.Check(os.DirFS(out), cfg.BasePath()) {
				t.Error(p)
			}
		})
	}
}
