package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const importDoc = `张政办发〔2024〕10号
张掖市人民政府办公室关于印发张掖市保障农民工
工资支付工作考核办法的通知
各县区人民政府,市政府有关部门:
现将《张掖市保障农民工工资支付工作考核办法》印发你们,请认真遵照执行。
张掖市人民政府办公室
2024年2月5日
第一条 为进一步压紧压实保障农民工工资支付工作的属地监管责任。
扫一扫在手机打开当前页面
`

func writeInput(tb testing.TB, dir, name, text string) string {
	tb.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "content")
	in := writeInput(t, dir, "doc.txt", importDoc)
	target := filepath.Join(out, "documents", "zhangye", "2024", "zzbf-2024-010.md")

	code, stdout, stderr := runCmd(t, "import", "-v", "-o", out, in)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "web page chrome: 扫一扫在手机打开当前页面") {
		t.Errorf("-v does not list the residue:\n%s", stdout)
	}
	data, err := os.ReadFile(target)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `doc_number = "张政办发〔2024〕10号"`) {
		t.Errorf("unexpected file:\n%s", data)
	}

	// Re-running writes the same files and succeeds.
	if code, stdout, stderr := runCmd(t, "import", "-o", out, in); code != exitOK || !strings.Contains(stdout, "0 written") {
		t.Errorf("re-run: exit %d, %s %s", code, stdout, stderr)
	}

	// A hand-edited file is not overwritten without -force.
	edited := append(data, []byte("\n手工补充的说明。\n")...)
	if err := os.WriteFile(target, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCmd(t, "import", "-o", out, in)
	if code != exitFailure || !strings.Contains(stderr, "zzbf-2024-010.md differs") || !strings.Contains(stderr, "-force") {
		t.Errorf("edited file: exit %d, stderr %s", code, stderr)
	}
	if got, _ := os.ReadFile(target); string(got) != string(edited) {
		t.Error("the edited file was overwritten without -force")
	}
	if code, _, stderr := runCmd(t, "import", "-force", "-o", out, in); code != exitOK {
		t.Errorf("-force: exit %d, %s", code, stderr)
	}
	if got, _ := os.ReadFile(target); string(got) != string(data) {
		t.Error("-force did not restore the imported file")
	}
}

func TestImportCommandWritesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "content")
	good := writeInput(t, dir, "doc.txt", importDoc)
	bad := writeInput(t, dir, "bad.txt", "今天天气很好。\n")
	empty := writeInput(t, dir, "empty.txt", "")
	code, _, stderr := runCmd(t, "import", "-o", out, good, bad, empty)
	if code != exitFailure {
		t.Errorf("exit %d, want %d", code, exitFailure)
	}
	for _, want := range []string{"bad.txt:1: not a gazette", "empty.txt: file is empty", "nothing was written"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s was created on error", out)
	}
}

func TestImportCommandAliases(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "content")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	// The signature names the office by a short name.
	in := writeInput(t, dir, "doc.txt", strings.Replace(importDoc, "张掖市人民政府办公室\n2024", "张掖市政府办公室\n2024", 1))
	target := filepath.Join(out, "documents", "zhangye", "2024", "zzbf-2024-010.md")
	if code, _, stderr := runCmd(t, "import", "-o", out, in); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(target); !strings.Contains(string(data), `issuers = ["张掖市政府办公室"]`) {
		t.Fatalf("without an alias the signature should be kept:\n%s", data)
	}
	writeInput(t, out, "_aliases.toml", "[issuers]\n\"张掖市政府办公室\" = \"张掖市人民政府办公室\"\n")
	if code, _, stderr := runCmd(t, "import", "-force", "-o", out, in); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if data, _ := os.ReadFile(target); !strings.Contains(string(data), `issuers = ["张掖市人民政府办公室"]`) {
		t.Errorf("alias not applied:\n%s", data)
	}
	writeInput(t, out, "_aliases.toml", "[issuer]\n")
	if code, _, stderr := runCmd(t, "import", "-o", out, in); code != exitFailure || !strings.Contains(stderr, "unknown key") {
		t.Errorf("bad alias file: exit %d, %s", code, stderr)
	}
}

func TestImportCommandUsage(t *testing.T) {
	if code, _, stderr := runCmd(t, "import"); code != exitUsage || !strings.Contains(stderr, "usage: gazette import") {
		t.Errorf("no files: exit %d, %s", code, stderr)
	}
}

func TestImportCommandSameFileTwice(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "content")
	a := writeInput(t, dir, "a.txt", importDoc)
	b := writeInput(t, dir, "b.txt", importDoc+"\n")
	// Both write the same document; the bytes differ only in provenance.
	code, _, stderr := runCmd(t, "import", "-o", out, a, b)
	if code != exitFailure || !strings.Contains(stderr, "two inputs write different versions") {
		t.Errorf("conflicting inputs: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCmd(t, "import", "-o", out, a, a); code != exitOK {
		t.Errorf("the same input twice: exit %d, %s", code, stderr)
	}
}
