// Package preview is gazette serve: a live preview of an archive that
// rebuilds on save and reloads the browser.
//
// # Serving
//
// A Server prepares the site in memory with a generator.Session (content
// loaded, linked and scanned; pages rendered when first requested) and
// serves it under the base path of base_url (https://example.org/archive/
// is served at /archive/). A prepared site is immutable: a rebuild makes a
// new one and swaps a pointer, so every request sees the old site or the
// new one, never a mix. The session keeps what depends on one file alone,
// so a rebuild after a save reads and scans only the files the watcher saw
// change. Paths are looked up among the site's output files, so no request
// can reach a file outside the built site. A path without a file is
// answered with the site's 404.html and status 404; a folder path without
// its trailing slash is redirected to it; a page that fails to render gets
// status 500 and the error overlay.
//
// # Watching
//
// Run watches the content folder, the theme folder (themes/<theme> when
// config.toml names one) and config.toml with fsnotify. fsnotify does not
// watch recursively, so every folder is added, and each new folder as it
// appears. Folders are watched, not files: editors that save by writing a
// temporary file and renaming it over the original (vim, most IDEs) replace
// the file's inode, and a watch on the file would be lost. Editor litter
// (*.swp, *~, vim's 4913 probe, .#lock files) is ignored. Events are
// collected until the tree has been quiet for Debounce, so a burst of saves
// gives one rebuild.
//
// # Live reload
//
// Every page gets a small script (through generator.Options.Inject, so only
// in serve mode) that opens an EventSource on <base>__gazette/events with
// the generation of the build that made the page. The server sends
// "reload" when a newer build is served, including at once when the page is
// already stale on connect, and "problems" with the list of build errors
// (file, line, message) when a rebuild fails. The script shows problems as
// an overlay built with textContent; pages loaded while the build is broken
// get the same overlay from the server, HTML-escaped. The last good site is
// kept serving; the next good build reloads the page and so clears the
// overlay. A hidden tab closes its stream and reopens it when shown, since
// browsers allow only six connections to one host.
package preview

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gazette/generator"
	"gazette/generator/diag"
)

// warmDelay is how long after a rebuild the search index starts building
// in the background.
const warmDelay = 500 * time.Millisecond

// EventsPath is where, below the base path, the live-reload events are
// served.
const EventsPath = "__gazette/events"

// Options configure a Server.
type Options struct {
	// ConfigPath is config.toml; it is read again on every rebuild. When
	// AllowMissingConfig is set a missing file means the defaults, with
	// paths relative to the file's folder.
	ConfigPath         string
	AllowMissingConfig bool
	// Log receives one line per rebuild and every build problem, in the
	// form gazette prints them. Nil discards.
	Log io.Writer
	// Debounce is how long the tree must be quiet before a rebuild; 0
	// means 50ms.
	Debounce time.Duration
	// Minify keeps config.toml's minify setting; by default serve does not
	// minify, which saves time on every rebuild and changes no rendering.
	Minify bool
}

// Server is a live preview. Create it with New, start watching with Run and
// serve it with its ServeHTTP.
type Server struct {
	opt     Options
	current atomic.Pointer[site]
	hub     hub
	gen     atomic.Int64 // generation of the last build attempt
	buildMu sync.Mutex   // one build at a time; guards sess and changes
	sess    *generator.Session
	sessKey string
	changes pending
	// warmCancel stops the background search-index build of the site
	// being replaced.
	warmCancel context.CancelFunc
	builds     atomic.Int64 // build attempts, for tests and logs
	ready      chan struct{}
}

// New returns a server that has not built anything yet: it answers every
// request with an overlay saying so until Run (or Build) finishes a build.
// Run may be called once.
func New(opt Options) *Server {
	if opt.Debounce <= 0 {
		opt.Debounce = 50 * time.Millisecond
	}
	if opt.Log == nil {
		opt.Log = io.Discard
	}
	s := &Server{opt: opt, ready: make(chan struct{})}
	s.hub.init()
	s.current.Store(&site{base: "/", problems: diag.List{{Msg: "the site has not been built yet"}}})
	return s
}

// Ready is closed when Run has finished its first build and watches the
// sources.
func (s *Server) Ready() <-chan struct{} { return s.ready }

// Builds is the number of builds run so far, successful or not.
func (s *Server) Builds() int64 { return s.builds.Load() }

// Base is the base path the site is served under, e.g. "/archive/".
func (s *Server) Base() string { return s.current.Load().base }

// Build builds the site once and swaps it in when it succeeds. When it
// fails, the last good site stays served with the problems as an overlay,
// they are printed to Log, and Build returns them. Run calls it on every
// change.
func (s *Server) Build(ctx context.Context) error {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	if s.warmCancel != nil {
		// The site it warms is about to be replaced; if the build
		// fails, its index is made on the next search instead.
		s.warmCancel()
		s.warmCancel = nil
	}
	start := time.Now()
	gen := s.gen.Add(1)
	s.builds.Add(1)
	next, warnings, err := s.build(ctx, gen)
	old := s.current.Load()
	if err != nil {
		if ctx.Err() != nil {
			return err
		}
		var problems diag.List
		if !errors.As(err, &problems) {
			problems = diag.List{{Msg: err.Error()}}
		}
		problems = problems.Errors()
		// Keep the last good files; only the problems change.
		broken := *old
		broken.problems = problems
		if next != nil && old.files == nil {
			broken.base = next.base
		}
		s.current.Store(&broken)
		for _, p := range problems {
			fmt.Fprintf(s.opt.Log, "gazette: %s\n", p.Error())
		}
		fmt.Fprintf(s.opt.Log, "gazette: build failed; still serving the last good site\n")
		s.hub.publish(&broken)
		return problems
	}
	s.current.Store(next)
	// Build the search index in the background, so that a search soon
	// after the save need not wait: after a pause, so that the page the
	// browser reloads and a quick next save do not compete with it. The
	// next build cancels it.
	if prep, ok := next.files.(*generator.Prepared); ok {
		warm, cancel := context.WithCancel(ctx)
		s.warmCancel = cancel
		go func() {
			select {
			case <-warm.Done():
			case <-time.After(warmDelay):
				prep.WarmSearch(warm)
				if warm.Err() == nil {
					// Collect the last site's garbage now, while the
					// author reads, rather than during the next rebuild.
					runtime.GC()
				}
			}
		}()
	}
	note := ""
	if n := len(warnings); n > 0 {
		note = fmt.Sprintf(" (%d warnings: gazette build -v lists them)", n)
	}
	fmt.Fprintf(s.opt.Log, "gazette: ready: %d pages in %s%s\n", next.pages, time.Since(start).Round(time.Millisecond), note)
	s.hub.publish(next)
	return nil
}

// build runs one full build into memory. On failure the returned site, if
// not nil, carries only the base path of the new configuration.
func (s *Server) build(ctx context.Context, gen int64) (st *site, warnings diag.List, err error) {
	defer func() {
		// A panic in a template function or extension must not end the
		// preview: report it like any build error.
		if r := recover(); r != nil {
			err = fmt.Errorf("build panicked: %v", r)
		}
	}()
	cfg, err := generator.LoadConfig(s.opt.ConfigPath, s.opt.AllowMissingConfig)
	if err != nil {
		return nil, nil, err
	}
	if !s.opt.Minify {
		cfg.Minify = false
	}
	base := cfg.BasePath()
	contentDir := cfg.Path(cfg.ContentDir)
	if fi, err := os.Stat(contentDir); err != nil || !fi.IsDir() {
		return &site{base: base}, nil, fmt.Errorf("content folder %s not found: create it or set content_dir in %s", contentDir, s.opt.ConfigPath)
	}
	name, err := filepath.Rel(cfg.Dir, contentDir)
	if err != nil {
		name = contentDir
	}
	// The session's files are relative to one content folder (and its
	// theme and settings): a config that moves it starts afresh.
	key := contentDir + "\x00" + cfg.Theme
	if s.sess == nil || s.sessKey != key {
		s.sess, s.sessKey = generator.NewSession(), key
	}
	if s.changes.forget {
		s.sess.Forget()
	} else if s.changes.names != nil {
		root := resolve(contentDir)
		var rels []string
		for _, n := range s.changes.names {
			if rel, err := filepath.Rel(root, n); err == nil && !strings.HasPrefix(rel, "..") {
				rels = append(rels, filepath.ToSlash(rel))
			}
		}
		s.sess.Changed(rels...)
	}
	s.changes = pending{}
	prep, warnings, err := s.sess.Prepare(ctx, generator.Options{
		Config:      cfg,
		Content:     os.DirFS(contentDir),
		ContentName: filepath.ToSlash(name) + "/",
		Inject:      script(base, gen),
	})
	if err != nil {
		return &site{base: base}, warnings, err
	}
	return &site{base: base, gen: gen, files: prep, pages: prep.Stats.Pages}, warnings, nil
}

// pending is what a watcher saw change since the last build.
type pending struct {
	names  []string // absolute paths; nil: no watcher, check every file
	forget bool     // events were lost: check every file
}

// Changed records paths a watcher saw change, for the next Build: it reads
// those content files again and trusts the others. Without calls to it
// (as when Build is called directly), a build checks every file's size and
// time.
func (s *Server) changed(names []string) {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	if s.changes.names == nil {
		s.changes.names = []string{}
	}
	s.changes.names = append(s.changes.names, names...)
}

// lost records that the watcher lost events: the next build checks every
// file.
func (s *Server) lost() {
	s.buildMu.Lock()
	defer s.buildMu.Unlock()
	s.changes.forget = true
}
