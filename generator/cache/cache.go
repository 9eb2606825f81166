// Package cache lets a rebuild whose inputs have not changed skip the
// build: the archive is not even loaded, and the output is not touched.
//
// After each build, the caller saves a Manifest in the cache folder
// (.gazette-cache/ beside config.toml, git-ignored; deleting it is always
// safe). A manifest holds:
//
//   - Key: a SHA-256 over every input of the build: each file of content/
//     and of the theme (its name, and its size, times and inode, or the
//     SHA-256 of its bytes if it changed a moment ago: see AddFS), the configuration,
//     the injected HTML, and the gazette executable itself, so a new
//     version of gazette rebuilds everything;
//   - Files: every file of the output the build produced, with its size,
//     modification time, inode and inode change time;
//   - the build's summary, for the report of a skipped build;
//   - a checksum over all of it.
//
// The next build computes the key again and trusts the manifest only if
// the key is equal and the output folder holds exactly the recorded files
// with the recorded sizes, times and inodes (so an output edited, deleted
// or replaced by hand is rebuilt). The manifest is scanned from the output
// after it is swapped in: linking and unlinking change a file's ctime. A manifest that does not parse, fails
// its checksum, has another format version or describes another output
// folder is ignored, never trusted: the build runs in full and replaces it.
//
// One manifest is kept per output folder (named by a hash of its absolute
// path), so builds of several outputs from one archive do not evict each
// other. The caller holds the output's lock while reading and writing it.
package cache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// formatVersion changes whenever the manifest's meaning changes.
const formatVersion = 3

// Key accumulates the inputs of a build. The zero value is not usable;
// call NewKey.
type Key struct {
	h    hash.Hash
	size int64 // bytes of input added
}

// Size is how many bytes the inputs added to the key hold, whether they
// were read or known by their metadata.
func (k *Key) Size() int64 { return k.size }

// NewKey starts a key.
func NewKey() *Key {
	k := &Key{h: sha256.New()}
	fmt.Fprintf(k.h, "gazette build cache v%d\n", formatVersion)
	return k
}

// Add adds one labelled input.
func (k *Key) Add(label string, data []byte) {
	fmt.Fprintf(k.h, "%q %d\n", label, len(data))
	k.h.Write(data)
	k.size += int64(len(data))
}

// AddFile adds the contents of a file on disk.
func (k *Key) AddFile(label, file string) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	fmt.Fprintf(k.h, "%q %d\n", label, st.Size())
	n, err := io.Copy(k.h, f)
	k.size += n
	if err == nil && n != st.Size() {
		err = fmt.Errorf("%s changed while being read", file)
	}
	return err
}

// racyWindow is how recently a file must have changed for AddFS to hash
// its bytes rather than trust its metadata (a variable for tests).
var racyWindow = 2 * time.Second

// AddFS adds every file of fsys, in lexical order, with its name. Hidden
// files and folders (.git, editor swap files) are left out, as the loader
// leaves them out of the site.
//
// A file stands in the key by its size, modification time, inode and inode
// change time when the file system gives them (a local disk does): every
// write, truncation or replacement moves the change time, which no program
// can set back, so reading 100,000 files is not needed to know that none
// changed. A file changed within racyWindow of now, or one on a file system
// without inodes (an embedded theme), is read and stands in by the SHA-256
// of its bytes instead, as a change within one tick of a coarse clock would
// not show in its times. Files are looked at in parallel.
func (k *Key) AddFS(label string, fsys fs.FS) error {
	type entry struct {
		d    fs.DirEntry
		name string
		line string
		size int64
		err  error
	}
	var entries []*entry
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if name != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		entries = append(entries, &entry{d: d, name: name})
		return nil
	})
	if err != nil {
		return err
	}
	recent := time.Now().Add(-racyWindow).UnixNano()
	fingerprint := func(e *entry) {
		if info, err := e.d.Info(); err == nil && info.Mode().IsRegular() {
			if ino, ctime := identity(info); ino != 0 && ctime < recent {
				e.size = info.Size()
				e.line = fmt.Sprintf("stat %d %d %d %d", info.Size(), info.ModTime().UnixNano(), ino, ctime)
				return
			}
		}
		b, err := fs.ReadFile(fsys, e.name)
		e.size, e.err = int64(len(b)), err
		e.line = fmt.Sprintf("sha256 %d %x", len(b), sha256.Sum256(b))
	}
	next := make(chan *entry)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range next {
				fingerprint(e)
			}
		}()
	}
	for _, e := range entries {
		if !e.d.IsDir() {
			next <- e
		}
	}
	close(next)
	wg.Wait()
	for _, e := range entries {
		if e.d.IsDir() {
			fmt.Fprintf(k.h, "%q dir %q\n", label, e.name)
			continue
		}
		if e.err != nil {
			return e.err
		}
		fmt.Fprintf(k.h, "%q %s\n", label+":"+e.name, e.line)
		k.size += e.size
	}
	return nil
}

// Sum is the key, in hex.
func (k *Key) Sum() string { return hex.EncodeToString(k.h.Sum(nil)) }

// File is one output file as the file system describes it.
type File struct {
	Name  string `json:"name"`
	Size  int64  `json:"size"`
	MTime int64  `json:"mtime_ns"`
	// Inode and CTime (the inode's change time, which no program can set
	// back) catch a file replaced by another of the same size and time.
	Inode uint64 `json:"inode"`
	CTime int64  `json:"ctime_ns"`
}

// Scan lists the regular files under dir, sorted by name. Anything else
// (a symlink, a device) is an error: a build writes only regular files,
// and its output folder is a folder, not a link to one. Folders are read
// by several goroutines at once: a large output has hundreds of thousands
// of files to stat.
func Scan(dir string) ([]File, error) {
	if fi, err := os.Lstat(dir); err != nil {
		return nil, err
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	var (
		mu    sync.Mutex
		files []File
		errs  []error
		wg    sync.WaitGroup
		// Folders wait here; a reader that finds a subfolder queues it,
		// or reads it itself when the queue is full.
		queue = make(chan string, scanQueue)
	)
	var read func(rel string)
	read = func(rel string) {
		defer wg.Done()
		es, err := os.ReadDir(filepath.Join(dir, rel))
		var found []File
		for _, e := range es {
			if err != nil {
				break
			}
			name := e.Name()
			if rel != "" {
				name = rel + "/" + name
			}
			switch {
			case e.IsDir():
				wg.Add(1)
				select {
				case queue <- name:
				default:
					read(name)
				}
				continue
			case !e.Type().IsRegular():
				err = fmt.Errorf("%s is not a regular file", filepath.Join(dir, filepath.FromSlash(name)))
				continue
			}
			var info fs.FileInfo
			if info, err = e.Info(); err == nil {
				f := File{Name: name, Size: info.Size(), MTime: info.ModTime().UnixNano()}
				f.Inode, f.CTime = identity(info)
				found = append(found, f)
			}
		}
		mu.Lock()
		files = append(files, found...)
		if err != nil {
			errs = append(errs, err)
		}
		mu.Unlock()
	}
	wg.Add(1)
	queue <- ""
	go func() { wg.Wait(); close(queue) }()
	var readers sync.WaitGroup
	for range scanReaders {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for rel := range queue {
				read(rel)
			}
		}()
	}
	readers.Wait()
	if len(errs) > 0 {
		sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
		return nil, errs[0]
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	return files, nil
}

// scanReaders is how many goroutines Scan reads folders with: more than
// cores, since each waits on the disk for a folder not in the cache.
const scanReaders = 8

// scanQueue is how many folders wait for a reader; past it, the reader
// that found a folder reads it itself. A variable so that a test can make
// the queue overflow.
var scanQueue = 1024

// Manifest records one build of one output folder.
type Manifest struct {
	Version int    `json:"version"`
	Key     string `json:"key"`
	Out     string `json:"out"` // absolute path of the output folder
	Files   []File `json:"files"`
	// Summary is the caller's report of the build, returned as it was
	// when the build is skipped.
	Summary json.RawMessage `json:"summary,omitempty"`
	Check   string          `json:"check"`
}

// path is the manifest file of the output folder out.
func path(cacheDir, out string) (string, error) {
	abs, err := filepath.Abs(out)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(abs))
	return filepath.Join(cacheDir, "build-"+hex.EncodeToString(sum[:8])+".json"), nil
}

func (m Manifest) checksum() string {
	_, sum, _ := m.marshalChecked()
	return sum
}

// marshalChecked returns m as JSON with its checksum in Check, and the
// checksum: the SHA-256 of m as JSON with Check empty. Check is the last
// field, so both come from one marshalling (at 100,000 documents the
// manifest lists 141,477 files; a CPU profile had the second marshalling
// at 0.38 s).
func (m Manifest) marshalChecked() ([]byte, string, error) {
	m.Check = ""
	b, err := json.Marshal(m)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(b)
	check := hex.EncodeToString(sum[:])
	const empty = `"check":""}`
	if !bytes.HasSuffix(b, []byte(empty)) {
		return nil, "", errors.New("cache: Manifest.Check must be its last field")
	}
	b = append(b[:len(b)-len(empty)], `"check":"`+check+`"}`...)
	return b, check, nil
}

// Save writes m as the manifest of m.Out, atomically (a killed save
// leaves the previous manifest or none, never half of one).
func Save(cacheDir string, m Manifest) error {
	abs, err := filepath.Abs(m.Out)
	if err != nil {
		return err
	}
	m.Out = abs
	m.Version = formatVersion
	b, _, err := m.marshalChecked()
	if err != nil {
		return err
	}
	file, err := path(cacheDir, abs)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return err
	}
	removeStaleTemps(cacheDir)
	tmp, err := os.CreateTemp(cacheDir, ".build-*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), file)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("saving the build cache: %w", err)
	}
	return nil
}

// removeStaleTemps removes temporary files of saves killed long ago (a
// save takes milliseconds; another output's build may be saving now).
func removeStaleTemps(cacheDir string) {
	tmps, _ := filepath.Glob(filepath.Join(cacheDir, ".build-*.tmp"))
	for _, t := range tmps {
		if st, err := os.Stat(t); err == nil && time.Since(st.ModTime()) > 10*time.Minute {
			os.Remove(t)
		}
	}
}

// Errors of Load, telling why a manifest is not used.
var (
	ErrNone    = errors.New("no previous build recorded")
	ErrCorrupt = errors.New("the build cache is corrupt")
)

// Load reads the manifest of the output folder out. A missing manifest is
// ErrNone; one that does not parse, fails its checksum, has another
// version or names another folder is ErrCorrupt.
func Load(cacheDir, out string) (Manifest, error) {
	var m Manifest
	file, err := path(cacheDir, out)
	if err != nil {
		return m, err
	}
	b, err := os.ReadFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		return m, ErrNone
	}
	if err != nil {
		return m, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Manifest{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, file, err)
	}
	abs, _ := filepath.Abs(out)
	switch {
	case m.Version != formatVersion:
		return Manifest{}, fmt.Errorf("%w: %s: format version %d, want %d", ErrCorrupt, file, m.Version, formatVersion)
	case m.Check != m.checksum():
		return Manifest{}, fmt.Errorf("%w: %s: checksum mismatch", ErrCorrupt, file)
	case m.Out != abs:
		return Manifest{}, fmt.Errorf("%w: %s: records %s, not %s", ErrCorrupt, file, m.Out, abs)
	}
	return m, nil
}

// Fresh reports whether the output recorded by m is still what a build
// with inputs key would produce: the key is equal and the folder holds
// exactly the recorded files. If not, reason says why.
func (m Manifest) Fresh(key string) (ok bool, reason string) {
	if m.Key != key {
		return false, "inputs changed"
	}
	files, err := Scan(m.Out)
	if err != nil {
		return false, "output unreadable: " + err.Error()
	}
	if len(files) != len(m.Files) {
		return false, fmt.Sprintf("output has %d files, the cache recorded %d", len(files), len(m.Files))
	}
	for i, f := range files {
		if f != m.Files[i] {
			return false, "output file " + f.Name + " changed since the last build"
		}
	}
	return true, ""
}

// Remove deletes the manifest of out, if any.
func Remove(cacheDir, out string) error {
	file, err := path(cacheDir, out)
	if err != nil {
		return err
	}
	if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
