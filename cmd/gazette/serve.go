package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"net"
	"net/http"
	"os"
	"time"

	"gazette/generator"
	"gazette/generator/preview"
)

func init() {
	register(command{name: "serve", summary: "preview the site, rebuilding and reloading on every save", run: runServe})
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "config.toml", "the site's config `file`; paths in it are relative to its folder")
	addr := fs.String("addr", "127.0.0.1:1313", "`host:port` to listen on; the default is reachable from this computer only")
	minify := fs.Bool("minify", false, "minify as config.toml says (off by default: faster rebuilds, same pages)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gazette serve [-config FILE] [-addr 127.0.0.1:1313] [-minify]")
		fmt.Fprintln(stderr, "\nServe builds the site into memory and serves it under the path of base_url.")
		fmt.Fprintln(stderr, "It watches content/, the theme folder and config.toml, rebuilds on every save")
		fmt.Fprintln(stderr, "and reloads the pages open in the browser. A build error is shown on the page")
		fmt.Fprintln(stderr, "and printed here, while the last good site stays served. Stop with Ctrl-C.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gazette: serve takes no arguments, got %q\n", fs.Args())
		fs.Usage()
		return exitUsage
	}
	// A config or content folder that is not there is a mistake to report
	// now; a config or content file with an error is shown in the browser,
	// to be fixed while serving.
	allowMissing := !flagSet(fs, "config")
	if cfg, err := generator.LoadConfig(*configPath, allowMissing); errors.Is(err, iofs.ErrNotExist) {
		printErr(stderr, err)
		return exitFailure
	} else if err == nil {
		if st, err := os.Stat(cfg.Path(cfg.ContentDir)); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "gazette: content folder %s not found: run gazette in the archive's folder or pass -config\n", cfg.Path(cfg.ContentDir))
			return exitFailure
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "gazette: %v: pass another -addr, e.g. -addr 127.0.0.1:1314\n", err)
		return exitFailure
	}
	s := preview.New(preview.Options{
		ConfigPath:         *configPath,
		AllowMissingConfig: allowMissing,
		Log:                stderr,
		Minify:             *minify,
	})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	runErr := make(chan error, 1)
	go func() { runErr <- s.Run(ctx) }()

	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		// Requests end with ctx, so event streams do not hold up the
		// shutdown.
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	code := exitOK
	runDone := false
	select {
	case <-s.Ready():
		fmt.Fprintf(stdout, "gazette: serving http://%s%s (Ctrl-C to stop)\n", ln.Addr(), s.Base())
		select {
		case <-ctx.Done():
		case err := <-served:
			fmt.Fprintf(stderr, "gazette: %v\n", err)
			code = exitFailure
		case err := <-runErr:
			runDone = true
			if err != nil {
				fmt.Fprintf(stderr, "gazette: %v\n", err)
				code = exitFailure
			}
		}
	case err := <-runErr:
		// The watcher could not start.
		runDone = true
		if err != nil {
			fmt.Fprintf(stderr, "gazette: %v\n", err)
			code = exitFailure
		}
	case <-ctx.Done():
	}
	cancel()
	shutdown, stop := context.WithTimeout(context.Background(), 5*time.Second)
	defer stop()
	if err := srv.Shutdown(shutdown); err != nil {
		srv.Close()
	}
	if !runDone {
		// A build stops at its next check of ctx; do not let a long one
		// hold up Ctrl-C.
		select {
		case <-runErr:
		case <-time.After(5 * time.Second):
			fmt.Fprintln(stderr, "gazette: stopped while a build was still running")
		}
	}
	return code
}
