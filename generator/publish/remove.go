package publish

import (
	"os"
	"path/filepath"
	"sync"
)

// removeTree deletes the folder root, a previous output moved aside,
// with several goroutines (a large output has hundreds of thousands of
// files, and each unlink waits on the file system), and returns how many
// of its files are not in written (slash paths relative to root): the
// files the new build no longer has. Errors are ignored: what cannot be
// removed is left for the next build's clean-up of leftovers.
//
// It never follows a symbolic link: if root is one (an output folder that
// was a link to, say, /srv/www before the swap), only the link goes; below
// root, every folder is read through an os.Root, so a link put in place of
// a folder while the walk runs cannot lead it outside.
func removeTree(root string, written map[string]bool) (removed int) {
	fi, err := os.Lstat(root)
	if err != nil {
		return 0
	}
	if !fi.IsDir() {
		os.Remove(root)
		return 0
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return 0
	}
	defer r.Close()
	if opened, err := r.Stat("."); err != nil || !os.SameFile(fi, opened) {
		return 0 // root was swapped for something else since the Lstat
	}
	var (
		mu    sync.Mutex
		wg    sync.WaitGroup
		dirs  = [][]string{{""}} // by depth
		queue = make(chan dirAt, removeQueue)
	)
	var empty func(d dirAt)
	empty = func(d dirAt) {
		defer wg.Done()
		es := readDir(r, d.rel)
		gone := 0
		for _, e := range es {
			rel := e.Name()
			if d.rel != "" {
				rel = d.rel + "/" + rel
			}
			if e.IsDir() {
				mu.Lock()
				for len(dirs) <= d.depth+1 {
					dirs = append(dirs, nil)
				}
				dirs[d.depth+1] = append(dirs[d.depth+1], rel)
				mu.Unlock()
				wg.Add(1)
				select {
				case queue <- dirAt{rel, d.depth + 1}:
				default:
					empty(dirAt{rel, d.depth + 1})
				}
				continue
			}
			if !written[rel] {
				gone++
			}
			r.Remove(filepath.FromSlash(rel))
		}
		mu.Lock()
		removed += gone
		mu.Unlock()
	}
	wg.Add(1)
	queue <- dirAt{"", 0}
	go func() { wg.Wait(); close(queue) }()
	each(queue, empty)

	// The folders are empty now: remove the deepest first, each level's
	// folders at once.
	for depth := len(dirs) - 1; depth >= 0; depth-- {
		level := make(chan dirAt, len(dirs[depth]))
		for _, rel := range dirs[depth] {
			level <- dirAt{rel: rel}
		}
		close(level)
		each(level, func(d dirAt) { r.Remove(filepath.FromSlash(d.rel)) })
	}
	// Anything left (a file that could not be removed): one more try.
	os.RemoveAll(root)
	return removed
}

// readDir lists the folder rel (a slash path, "" for the top) inside r.
func readDir(r *os.Root, rel string) []os.DirEntry {
	if rel == "" {
		rel = "."
	}
	f, err := r.Open(filepath.FromSlash(rel))
	if err != nil {
		return nil
	}
	defer f.Close()
	es, _ := f.ReadDir(-1)
	return es
}

// dirAt is a folder below a removed tree's root, and how deep it is.
type dirAt struct {
	rel   string
	depth int
}

// each runs f on what arrives on c, with removeWorkers goroutines.
func each(c <-chan dirAt, f func(dirAt)) {
	var wg sync.WaitGroup
	for range removeWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range c {
				f(d)
			}
		}()
	}
	wg.Wait()
}

// removeWorkers is how many goroutines remove a tree: more than cores,
// as most of the time is spent in the file system.
const removeWorkers = 8

// removeQueue is how many folders wait for a removing goroutine; when the
// queue is full, the goroutine that found a folder empties it itself. A
// variable so that a test can make the queue overflow.
var removeQueue = 1024
