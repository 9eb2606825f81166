package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyTree copies a folder for a test to change.
func copyTree(tb testing.TB, src, dst string) {
	tb.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func runCmd(tb testing.TB, args ...string) (int, string, string) {
	tb.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func TestUsageExitCodes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
	}{
		{nil, exitUsage},
		{[]string{"nosuch"}, exitUsage},
		{[]string{"build", "-nosuchflag"}, exitUsage},
		{[]string{"build", "extra"}, exitUsage},
		{[]string{"build", "-h"}, exitOK},
		{[]string{"version"}, exitOK},
		{[]string{"-h"}, exitOK},
	} {
		if code, _, _ := runCmd(t, tc.args...); code != tc.code {
			t.Errorf("gazette %v: exit %d, want %d", tc.args, code, tc.code)
		}
	}
}

// TestBrokenFrontMatterKeepsPublic: a malformed file fails the build with
// file:line and a clear message, and the previous public/ stays as it was.
func TestBrokenFrontMatterKeepsPublic(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, "../../generator/testdata/site", dir)
	cfg := filepath.Join(dir, "config.toml")
	if code, _, stderr := runCmd(t, "build", "-config", cfg); code != exitOK {
		t.Fatalf("first build failed: %s", stderr)
	}
	page := filepath.Join(dir, "public", "demo", "2024-02", "szf-2024-005", "index.html")
	before, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}

	doc := filepath.Join(dir, "content", "demo", "2024-02", "szf-2024-005.md")
	os.WriteFile(doc, []byte("+++\ntitle = \"改过的标题\"\nissuers = [\"示范市人民政府\"]\ndate_signed = 2024-02-30\n+++\n正文\n"), 0o644)
	bad2 := filepath.Join(dir, "content", "demo", "2024-02", "chronicle-2024-02.md")
	os.WriteFile(bad2, []byte("+++\ntitle = \"要事记\"\nissuers = [\"示范市人民政府办公室\"]\npages = 3\n+++\n"), 0o644)

	code, stdout, stderr := runCmd(t, "build", "-config", cfg)
	if code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFailure, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout not empty on failure: %q", stdout)
	}
	for _, want := range []string{
		"gazette: content/demo/2024-02/szf-2024-005.md:4: ",
		"gazette: content/demo/2024-02/chronicle-2024-02.md:4: unknown key \"pages\"",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	after, err := os.ReadFile(page)
	if err != nil || !bytes.Equal(before, after) {
		t.Errorf("public/ changed after a failed build (err %v)", err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".public.*"))
	if len(leftovers) > 0 {
		t.Errorf("staging folders left behind: %v", leftovers)
	}
}
