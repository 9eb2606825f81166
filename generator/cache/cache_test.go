package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestKey(t *testing.T) {
	base := fstest.MapFS{"a.md": {Data: []byte("x")}, "d/b.md": {Data: []byte("y")}}
	key := func(fsys fstest.MapFS, extra string) string {
		k := NewKey()
		if err := k.AddFS("content", fsys); err != nil {
			t.Fatal(err)
		}
		k.Add("config", []byte(extra))
		return k.Sum()
	}
	want := key(base, "c")
	if key(base, "c") != want {
		t.Fatal("key is not stable")
	}
	for name, fsys := range map[string]fstest.MapFS{
		"edited":  {"a.md": {Data: []byte("z")}, "d/b.md": {Data: []byte("y")}},
		"renamed": {"a2.md": {Data: []byte("x")}, "d/b.md": {Data: []byte("y")}},
		"removed": {"a.md": {Data: []byte("x")}},
		"moved":   {"a.md": {Data: []byte("x")}, "e/b.md": {Data: []byte("y")}},
		// Boundaries between inputs are part of the key.
		"shifted": {"a.md": {Data: []byte("x\"d/b.md\" 1\ny")}},
	} {
		if key(fsys, "c") == want {
			t.Errorf("%s content: same key", name)
		}
	}
	if key(base, "c2") == want {
		t.Error("changed config: same key")
	}
}

// TestKeyByMetadata checks a real folder's key when files are known by
// their metadata (changed before racyWindow) and when they are read.
func TestKeyByMetadata(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("inodes and change times are read on Linux only")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "a.md")
	write := func(s string) {
		if err := os.WriteFile(file, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	key := func() string {
		k := NewKey()
		if err := k.AddFS("content", os.DirFS(dir)); err != nil {
			t.Fatal(err)
		}
		if k.Size() != 6 {
			t.Errorf("Size() = %d, want 6", k.Size())
		}
		return k.Sum()
	}
	write("正文")
	defer func(w time.Duration) { racyWindow = w }(racyWindow)

	racyWindow = time.Hour // every file just changed: read
	byBytes := key()
	time.Sleep(20 * time.Millisecond)
	write("正文") // the same bytes again
	if key() != byBytes {
		t.Error("rewriting the same bytes changed a key made from bytes")
	}

	racyWindow = -time.Hour // every file is old: known by metadata
	byMeta := key()
	if byMeta == byBytes {
		t.Error("a key from metadata equals the key from bytes")
	}
	if key() != byMeta {
		t.Error("key from metadata is not stable")
	}
	time.Sleep(20 * time.Millisecond)
	write("正文")
	if key() == byMeta {
		t.Error("rewriting a file left its key from metadata unchanged")
	}
}

// output makes an output folder with two files and its manifest.
func output(t *testing.T) (cacheDir, out string, m Manifest) {
	t.Helper()
	dir := t.TempDir()
	cacheDir, out = filepath.Join(dir, ".gazette-cache"), filepath.Join(dir, "public")
	os.MkdirAll(filepath.Join(out, "a"), 0o755)
	os.WriteFile(filepath.Join(out, "index.html"), []byte("home"), 0o644)
	os.WriteFile(filepath.Join(out, "a", "index.html"), []byte("a"), 0o644)
	files, err := Scan(out)
	if err != nil {
		t.Fatal(err)
	}
	m = Manifest{Key: "k1", Out: out, Files: files, Summary: json.RawMessage(`{"documents":2}`)}
	if err := Save(cacheDir, m); err != nil {
		t.Fatal(err)
	}
	return cacheDir, out, m
}

func TestRoundTrip(t *testing.T) {
	cacheDir, out, _ := output(t)
	m, err := Load(cacheDir, out)
	if err != nil {
		t.Fatal(err)
	}
	if ok, why := m.Fresh("k1"); !ok {
		t.Errorf("fresh output not trusted: %s", why)
	}
	if string(m.Summary) != `{"documents":2}` || len(m.Files) != 2 || m.Files[0].Name != "a/index.html" {
		t.Errorf("manifest %+v", m)
	}
	if ok, _ := m.Fresh("k2"); ok {
		t.Error("changed inputs trusted")
	}
	if _, err := Load(cacheDir, filepath.Join(filepath.Dir(out), "other")); !errors.Is(err, ErrNone) {
		t.Errorf("another output: %v", err)
	}
	if err := Remove(cacheDir, out); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(cacheDir, out); !errors.Is(err, ErrNone) {
		t.Errorf("after Remove: %v", err)
	}
}

func TestOutputChanged(t *testing.T) {
	later := time.Now().Add(time.Hour)
	tests := []struct {
		name   string
		change func(out string)
	}{
		{"file removed", func(out string) { os.Remove(filepath.Join(out, "a", "index.html")) }},
		{"file added", func(out string) { os.WriteFile(filepath.Join(out, "b.html"), nil, 0o644) }},
		{"file touched", func(out string) { os.Chtimes(filepath.Join(out, "index.html"), later, later) }},
		{"file grown", func(out string) { os.WriteFile(filepath.Join(out, "index.html"), []byte("home!"), 0o644) }},
		{"file forged with its size and time", func(out string) {
			f := filepath.Join(out, "index.html")
			st, _ := os.Stat(f)
			os.WriteFile(f, []byte("evil"), 0o644)
			os.Chtimes(f, st.ModTime(), st.ModTime())
		}},
		{"output gone", func(out string) { os.RemoveAll(out) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cacheDir, out, _ := output(t)
			tt.change(out)
			m, err := Load(cacheDir, out)
			if err != nil {
				t.Fatal(err)
			}
			if ok, why := m.Fresh("k1"); ok || why == "" {
				t.Errorf("changed output trusted (%q)", why)
			}
		})
	}
}

// TestSavedJSON: the manifest Save writes in one marshalling is the one
// json.Marshal writes with its checksum filled in, and a summary that is
// not JSON is an error, not a manifest.
func TestSavedJSON(t *testing.T) {
	cacheDir, out, m := output(t)
	files, _ := filepath.Glob(filepath.Join(cacheDir, "build-*.json"))
	if len(files) != 1 {
		t.Fatalf("manifests: %v", files)
	}
	got, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	m.Out, m.Version = out, formatVersion
	m.Check = m.checksum()
	want, _ := json.Marshal(m)
	if string(got) != string(want) {
		t.Errorf("saved\n%s\nwant\n%s", got, want)
	}
	m.Summary = json.RawMessage(`{"documents":`)
	if err := Save(cacheDir, m); err == nil {
		t.Error("a manifest with a broken summary was saved")
	}
}

func TestCorrupt(t *testing.T) {
	tests := []struct {
		name   string
		change func(s string) string
	}{
		{"garbage", func(string) string { return "\x00\x01not json" }},
		{"empty", func(string) string { return "" }},
		{"truncated", func(s string) string { return s[:len(s)/2] }},
		{"tampered", func(s string) string { return strings.Replace(s, `"size":4`, `"size":5`, 1) }},
		{"other key, same checksum", func(s string) string { return strings.Replace(s, `"key":"k1"`, `"key":"k2"`, 1) }},
		{"other version", func(s string) string {
			return strings.Replace(s, fmt.Sprintf(`"version":%d`, formatVersion), `"version":99`, 1)
		}},
		{"unknown field", func(s string) string { return strings.Replace(s, `{"version"`, `{"x":1,"version"`, 1) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cacheDir, out, _ := output(t)
			files, _ := filepath.Glob(filepath.Join(cacheDir, "build-*.json"))
			if len(files) != 1 {
				t.Fatalf("manifests: %v", files)
			}
			b, _ := os.ReadFile(files[0])
			changed := tt.change(string(b))
			if changed == string(b) {
				t.Fatal("test change did nothing")
			}
			os.WriteFile(files[0], []byte(changed), 0o644)
			if _, err := Load(cacheDir, out); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Load: %v, want ErrCorrupt", err)
			}
		})
	}
}

// A manifest copied from another output folder is not trusted for this one.
func TestOtherOutput(t *testing.T) {
	cacheDir, out, _ := output(t)
	other := filepath.Join(filepath.Dir(out), "other")
	src, _ := filepath.Glob(filepath.Join(cacheDir, "build-*.json"))
	m := Manifest{Out: other}
	os.MkdirAll(other, 0o755)
	if err := Save(cacheDir, m); err != nil {
		t.Fatal(err)
	}
	dst, _ := filepath.Glob(filepath.Join(cacheDir, "build-*.json"))
	var otherFile string
	for _, f := range dst {
		if f != src[0] {
			otherFile = f
		}
	}
	b, _ := os.ReadFile(src[0])
	os.WriteFile(otherFile, b, 0o644)
	if _, err := Load(cacheDir, other); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Load: %v, want ErrCorrupt", err)
	}
}

func TestSaveRemovesStaleTemps(t *testing.T) {
	cacheDir, out, m := output(t)
	old := filepath.Join(cacheDir, ".build-1.tmp")
	recent := filepath.Join(cacheDir, ".build-2.tmp")
	os.WriteFile(old, []byte("{"), 0o644)
	os.WriteFile(recent, []byte("{"), 0o644)
	long := time.Now().Add(-time.Hour)
	os.Chtimes(old, long, long)
	m.Out = out
	if err := Save(cacheDir, m); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("stale temporary file kept")
	}
	if _, err := os.Stat(recent); err != nil {
		t.Error("recent temporary file (another build's save) removed")
	}
}

// TestScan lists a tree with more folders than Scan's queue holds, and
// refuses anything but regular files and folders.
func TestScan(t *testing.T) {
	for _, q := range []int{1024, 1} { // 1: the queue overflows
		t.Run(fmt.Sprint("queue ", q), func(t *testing.T) {
			defer func(q int) { scanQueue = q }(scanQueue)
			scanQueue = q
			testScan(t)
		})
	}
}

func testScan(t *testing.T) {
	out := t.TempDir()
	var want []string
	for i := range 1500 {
		name := fmt.Sprintf("d%02d/e%04d/index.html", i%30, i)
		if i%100 == 0 {
			name = fmt.Sprintf("d%02d/f%04d.json", i%30, i)
		}
		p := filepath.Join(out, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	os.Mkdir(filepath.Join(out, "empty"), 0o755)
	slices.Sort(want)
	files, err := Scan(out)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Name)
		if f.Size != int64(len(f.Name)) || f.MTime == 0 {
			t.Errorf("%s: size %d, mtime %d", f.Name, f.Size, f.MTime)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Scan lists %d files, want %d (first %v)", len(got), len(want), got[:min(3, len(got))])
	}

	if err := os.Symlink("index.html", filepath.Join(out, "d07", "link.html")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	if _, err := Scan(out); err == nil || !strings.Contains(err.Error(), "link.html is not a regular file") {
		t.Errorf("a symbolic link in the output: err %v", err)
	}
	if _, err := Scan(filepath.Join(out, "missing")); err == nil {
		t.Error("a missing folder: no error")
	}
	// An output folder that is a link to a folder is not a build's output.
	link := filepath.Join(t.TempDir(), "public")
	if err := os.Symlink(filepath.Join(out, "d01"), link); err != nil {
		t.Fatal(err)
	}
	if _, err := Scan(link); err == nil || !strings.Contains(err.Error(), "is not a folder") {
		t.Errorf("a linked output folder: err %v", err)
	}
}
