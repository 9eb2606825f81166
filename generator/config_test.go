package generator

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

func TestConfigDecode(t *testing.T) {
	for _, tc := range []struct {
		name, src, err string
	}{
		{"defaults", ``, ""},
		{"subpath", `base_url = "https://example.org/archive/"`, ""},
		{"unknown key", "title = \"x\"\nbase_ulr = \"/\"", `unknown key "base_ulr"`},
		{"wrong type", `minify = "yes"`, "config.toml:1:"},
		{"relative base", `base_url = "archive/"`, "must be absolute"},
		{"ftp base", `base_url = "ftp://example.org/"`, "must start with http://"},
		{"theme path", `theme = "../x"`, "must be a folder name"},
		{"empty content dir", `content_dir = ""`, "content_dir must not be empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			err := cfg.decode("config.toml", []byte(tc.src))
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
				t.Fatalf("error %v, want one containing %q", err, tc.err)
			}
		})
	}
	cfg := DefaultConfig()
	cfg.BaseURL = "https://example.org/archive"
	if got := cfg.BasePath(); got != "/archive/" {
		t.Errorf("BasePath = %q", got)
	}
	if got := cfg.AbsURL("a/"); got != "https://example.org/archive/a/" {
		t.Errorf("AbsURL = %q", got)
	}
}

// TestThemeOverride: a file in themes/<name>/ replaces the default one of
// the same path; every other file still comes from the default theme.
func TestThemeOverride(t *testing.T) {
	dir := t.TempDir()
	layouts := filepath.Join(dir, "themes", "mine", "layouts")
	os.MkdirAll(layouts, 0o755)
	os.WriteFile(filepath.Join(layouts, "404.html"), []byte(`{{define "main"}}<p>自定义的404页</p>{{end}}`), 0o644)
	os.MkdirAll(filepath.Join(dir, "themes", "mine", "assets"), 0o755)
	os.WriteFile(filepath.Join(dir, "themes", "mine", "assets", "extra.css"), []byte("p{color:red}"), 0o644)
	cfg := DefaultConfig()
	cfg.Dir = dir
	cfg.Theme = "mine"
	out := &memOutput{}
	content := fstest.MapFS{
		"documents/a.md": {Data: []byte("+++\ntitle = \"测试文件\"\nissuers = [\"某办公室\"]\n+++\n正文\n")},
	}
	if _, _, err := Build(context.Background(), Options{Config: cfg, Content: content, ContentName: "content/", Out: out}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out.files["404.html"]), "自定义的404页") {
		t.Error("404.html does not use the overriding layout")
	}
	if !strings.Contains(string(out.files["documents/a/index.html"]), "测试文件") {
		t.Error("document page (default layout) missing")
	}
	if _, ok := out.files["assets/extra.css"]; !ok {
		t.Error("asset added by the theme not copied")
	}
	if _, ok := out.files["assets/style.css"]; !ok {
		t.Error("default asset not copied")
	}
}
