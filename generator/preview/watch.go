package preview

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"gazette/generator"
)

// Run builds the site, then watches its sources and rebuilds on every
// change until ctx is cancelled, when it returns nil. Build problems do not
// end it: they are shown and printed, and the next save tries again. It
// fails only when the watcher cannot start.
func (s *Server) Run(ctx context.Context) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watching for changes: %w", err)
	}
	defer w.Close()
	ws := &watchSet{w: w, log: func(err error) { fmt.Fprintf(s.opt.Log, "gazette: watching: %v\n", err) }}
	// Watch first, so that no save during the first build is lost. What
	// the config names is read again (and the watches moved) after every
	// rebuild.
	cfg, err := generator.LoadConfig(s.opt.ConfigPath, s.opt.AllowMissingConfig)
	if err != nil {
		cfg.Dir = filepath.Dir(s.opt.ConfigPath)
	}
	ws.update(s.opt.ConfigPath, cfg)
	s.Build(ctx)
	close(s.ready)

	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var changed []string // since the last build, for the terminal
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if !ws.relevant(ev) {
				continue
			}
			if ev.Has(fsnotify.Create) {
				// A new folder (mkdir, or a tree moved in): watch it and
				// everything in it before the rebuild reads it.
				if fi, err := os.Lstat(ev.Name); err == nil && fi.IsDir() {
					ws.addTree(ev.Name)
				}
			}
			if !slices.Contains(changed, ev.Name) {
				changed = append(changed, ev.Name)
			}
			timer.Reset(s.opt.Debounce)
		case err, ok := <-w.Errors:
			if !ok {
				return nil
			}
			ws.log(err)
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				s.lost()
				timer.Reset(s.opt.Debounce)
			}
		case <-timer.C:
			fmt.Fprintf(s.opt.Log, "gazette: %s\n", describe(changed, cfg.Dir))
			s.changed(changed)
			changed = nil
			s.Build(ctx)
			if ctx.Err() != nil {
				return nil
			}
			if c, err := generator.LoadConfig(s.opt.ConfigPath, s.opt.AllowMissingConfig); err == nil {
				cfg = c
				if ws.update(s.opt.ConfigPath, cfg) {
					// A folder newly watched may have changed between
					// the build and its watch: build again.
					timer.Reset(s.opt.Debounce)
				}
			}
		}
	}
}

// describe names the changed files for the terminal, relative to dir.
func describe(changed []string, dir string) string {
	if len(changed) == 0 {
		return "rebuilding"
	}
	name := changed[0]
	if rel, err := filepath.Rel(dir, name); err == nil && !strings.HasPrefix(rel, "..") {
		name = rel
	}
	name = filepath.ToSlash(name)
	if len(changed) > 1 {
		return fmt.Sprintf("%s and %d more changed", name, len(changed)-1)
	}
	return name + " changed"
}

// watchSet is what is watched: the content and theme trees, recursively,
// and the config file's folder, for the config file alone.
type watchSet struct {
	w          *fsnotify.Watcher
	log        func(error)
	configPath string   // cleaned
	roots      []string // content and theme folders, cleaned
}

// update points the watches at the folders cfg names and reports whether
// they moved.
func (ws *watchSet) update(configPath string, cfg generator.Config) bool {
	roots := []string{resolve(cfg.Path(cfg.ContentDir))}
	if cfg.Theme != "" {
		roots = append(roots, resolve(filepath.Join(cfg.Dir, "themes", cfg.Theme)))
	}
	configPath = filepath.Clean(configPath)
	if configPath == ws.configPath && slices.Equal(roots, ws.roots) {
		return false
	}
	for _, p := range ws.w.WatchList() {
		ws.w.Remove(p)
	}
	ws.configPath, ws.roots = configPath, roots
	if err := ws.w.Add(filepath.Dir(configPath)); err != nil {
		ws.log(err)
	}
	for _, r := range roots {
		ws.addTree(r)
	}
	return true
}

// resolve cleans a root and follows symlinks in it, so that a content
// folder that is a link is watched where it lives.
func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return filepath.Clean(p)
}

// addTree watches dir and every folder below it, except hidden ones.
func (ws *watchSet) addTree(dir string) {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && os.IsNotExist(err) {
				return nil // a theme folder not made yet
			}
			ws.log(err)
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			return filepath.SkipDir
		}
		if err := ws.w.Add(p); err != nil {
			ws.log(fmt.Errorf("%s: %w", p, err))
		}
		return nil
	})
	if err != nil {
		ws.log(err)
	}
}

// relevant reports whether an event may change the site.
func (ws *watchSet) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod || ev.Op == 0 {
		return false // touch, vim's setfperm, indexers
	}
	name := filepath.Clean(ev.Name)
	if name == ws.configPath {
		return true
	}
	in := false
	for _, r := range ws.roots {
		if name == r || strings.HasPrefix(name, r+string(filepath.Separator)) {
			in = true
			break
		}
	}
	return in && !editorLitter(filepath.Base(name))
}

// editorLitter reports whether a file name is an editor's temporary,
// backup, swap or lock file rather than a source.
func editorLitter(base string) bool {
	switch {
	case base == "4913": // vim's probe for a writable folder
		return true
	case strings.HasPrefix(base, "."): // .x.md.swp, .#x.md, .DS_Store
		return true
	case strings.HasSuffix(base, "~"): // vim and emacs backups
		return true
	case strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#"): // emacs autosave
		return true
	case strings.HasSuffix(base, "___jb_tmp___"), strings.HasSuffix(base, "___jb_old___"): // JetBrains
		return true
	}
	switch filepath.Ext(base) {
	case ".swp", ".swx", ".swo", ".tmp", ".bak":
		return true
	}
	return false
}
