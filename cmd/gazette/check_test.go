package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkSite writes a small archive (one gazette, one issue, one document
// plus files) into a temporary folder and returns its config file.
func checkSite(tb testing.TB, files map[string]string) string {
	tb.Helper()
	dir := tb.TempDir()
	all := map[string]string{
		"config.toml":                     "title = \"测试\"\n",
		"content/demo/_gazette.md":        "+++\nname = \"示例市人民政府公报\"\n+++\n",
		"content/demo/2024-01/_issue.md":  "+++\nyear = 2024\nnumber = 1\ndate = 2024-01-15\n+++\n",
		"content/demo/2024-01/szf-001.md": "+++\ntitle = \"示例市人民政府关于示例工作的通知\"\ndoc_number = \"示政发〔2024〕1号\"\nissuers = [\"示例市人民政府\"]\n+++\n\n正文。\n",
	}
	for k, v := range files {
		all[k] = v
	}
	for name, body := range all {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return filepath.Join(dir, "config.toml")
}

func TestCheck(t *testing.T) {
	warnOnly := map[string]string{
		"content/demo/2024-01/cite.md": "+++\ntitle = \"关于转发的通知\"\nissuers = [\"示例市人民政府\"]\n+++\n\n根据国办发〔2023〕33号，<b>现</b>通知如下。\n",
	}
	withErrors := map[string]string{
		"content/demo/2024-01/a.md": "+++\ntitle = \"关于甲的通知\"\nissuers = [\"示例市人民政府\"]\ntitel = \"x\"\n+++\n",
		"content/demo/2024-01/b.md": "+++\ntitle = \"关于乙的通知\"\nissuers = [\"示例市人民政府\"]\n+++\n\n见[甲](missing.md)。\n",
		"content/demo/2024-01/c.md": "+++\ntitle = \"关于丙的通知\"\n",
	}
	tests := []struct {
		name   string
		files  map[string]string
		args   []string
		code   int
		stderr []string // lines stderr must hold
	}{
		{"clean", nil, nil, exitOK, nil},
		{"warnings only", warnOnly, nil, exitOK, []string{
			"gazette: content/demo/2024-01/cite.md:6: warning: citation 国办发〔2023〕33号 names a document not in the archive",
			"gazette: content/demo/2024-01/cite.md:6: warning: raw HTML is never shown",
			"gazette: 0 errors, 3 warnings",
		}},
		{"all errors in one run", withErrors, nil, exitFailure, []string{
			"gazette: content/demo/2024-01/a.md:4: unknown key \"titel\"",
			"gazette: content/demo/2024-01/b.md:6: link \"missing.md\" names demo/2024-01/missing.md, which does not exist",
			"gazette: content/demo/2024-01/c.md:1: front matter is never closed",
			"gazette: 3 errors, 0 warnings",
		}},
		{"argument", nil, []string{"extra"}, exitUsage, []string{"check takes no arguments"}},
		{"bad flag", nil, []string{"-nope"}, exitUsage, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			config := checkSite(t, tt.files)
			before := listDir(t, filepath.Dir(config))
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), append([]string{"check", "-config", config}, tt.args...), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr.String())
			}
			for _, want := range tt.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout: %s", stdout.String())
			}
			if after := listDir(t, filepath.Dir(config)); after != before {
				t.Errorf("check wrote files:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	config := checkSite(t, map[string]string{
		"content/demo/2024-01/a.md": "+++\ntitle = \"关于甲的通知\"\nissuers = [\"示例市人民政府\"]\ndate_signed = \"2024-13-01\"\n+++\n",
		"content/demo/2024-01/b.md": "+++\ntitle = \"关于乙的通知\"\nissuers = [\"示例市人民政府\"]\n+++\n\n[x](javascript:alert(1))\n",
	})
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"check", "-config", config, "-json"}, &stdout, &stderr)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	var got []jsonProblem
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	want := []jsonProblem{
		{File: "content/demo/2024-01/a.md", Line: 4, Severity: "error", Message: `front matter: key "date_signed": "2024-13-01" is not a date: write it as 2024-02-25`},
		{File: "content/demo/2024-01/b.md", Line: 6, Severity: "warning", Message: `link to "javascript:alert(1)" is dropped from the page: only http, https and mailto links and links inside the site are kept`},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(want), stdout.String())
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if stderr.Len() > 0 {
		t.Errorf("stderr: %s", stderr.String())
	}

	// No problems: an empty list, not null.
	stdout.Reset()
	if code := run(context.Background(), []string{"check", "-config", checkSite(t, nil), "-json"}, &stdout, &stderr); code != exitOK {
		t.Errorf("clean archive: exit %d", code)
	}
	if s := strings.TrimSpace(stdout.String()); s != "[]" {
		t.Errorf("clean archive printed %q, want []", s)
	}
}

// listDir names every file below dir, to see that check wrote nothing.
func listDir(tb testing.TB, dir string) string {
	tb.Helper()
	var names []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		names = append(names, rel)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Join(names, " ")
}
