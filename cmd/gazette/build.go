package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"gazette/generator"
	"gazette/generator/diag"
	"gazette/generator/publish"
)

func init() {
	register(command{name: "build", summary: "build content/ into the website in public/", run: runBuild})
}

func runBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "config.toml", "the site's config `file`; paths in it are relative to its folder")
	outDir := fs.String("o", "", "output `dir` (default: publish_dir of the config, public/)")
	verbose := fs.Bool("v", false, "print warnings and a summary line (printed anyway on a terminal)")
	asJSON := fs.Bool("json", false, "print a JSON summary on stdout")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gazette build [-config FILE] [-o DIR] [-v] [-json]")
		fmt.Fprintln(stderr, "\nBuilds the archive into a staging folder and swaps it in as the output")
		fmt.Fprintln(stderr, "only when complete. Silent on success unless -v or -json.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gazette: build takes no arguments, got %q\n", fs.Args())
		fs.Usage()
		return exitUsage
	}
	cfg, err := generator.LoadConfig(*configPath, !flagSet(fs, "config"))
	if err != nil {
		printErr(stderr, err)
		return exitFailure
	}
	out := cfg.Path(cfg.PublishDir)
	if *outDir != "" {
		out = *outDir
	}
	contentDir := cfg.Path(cfg.ContentDir)
	if st, err := os.Stat(contentDir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "gazette: content folder %s not found: run gazette in the archive's folder or pass -config\n", contentDir)
		return exitFailure
	}
	stats, pstats, warnings, err := build(ctx, cfg, contentDir, out, "")
	if *verbose {
		for _, w := range warnings {
			fmt.Fprintf(stderr, "gazette: %s\n", w.Error())
		}
	}
	if err != nil {
		printErr(stderr, err)
		return exitFailure
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(summary{
			Documents: stats.Documents, Issues: stats.Issues, Pages: stats.Pages, Files: stats.Files,
			Written: pstats.Written, Unchanged: pstats.Unchanged, Removed: pstats.Removed,
			Warnings: len(warnings), Seconds: stats.Duration.Seconds(),
		})
	} else if *verbose || isTerminal(stdout) {
		fmt.Fprintf(stdout, "gazette: built %d documents in %d issues into %s: %d pages, %d files (%d written, %d unchanged, %d removed) in %s\n",
			stats.Documents, stats.Issues, out, stats.Pages, stats.Files, pstats.Written, pstats.Unchanged, pstats.Removed, stats.Duration.Round(time.Millisecond))
	}
	return exitOK
}

// summary is what -json prints.
type summary struct {
	Documents int     `json:"documents"`
	Issues    int     `json:"issues"`
	Pages     int     `json:"pages"`
	Files     int     `json:"files"`
	Written   int     `json:"written"`
	Unchanged int     `json:"unchanged"`
	Removed   int     `json:"removed"`
	Warnings  int     `json:"warnings"`
	Seconds   float64 `json:"seconds"`
}

// build runs one build of contentDir into out through a staging folder.
func build(ctx context.Context, cfg generator.Config, contentDir, out, inject string) (generator.Stats, publish.Stats, diag.List, error) {
	stage, err := publish.Begin(out)
	if err != nil {
		return generator.Stats{}, publish.Stats{}, nil, err
	}
	rel, err := filepath.Rel(cfg.Dir, contentDir)
	if err != nil || rel == "" {
		rel = contentDir
	}
	stats, warnings, err := generator.Build(ctx, generator.Options{
		Config:      cfg,
		Content:     os.DirFS(contentDir),
		ContentName: filepath.ToSlash(rel) + "/",
		Out:         stage,
		Inject:      inject,
	})
	if err != nil {
		stage.Abort()
		return stats, publish.Stats{}, warnings, err
	}
	pstats, err := stage.Commit()
	return stats, pstats, warnings, err
}

// printErr prints every problem of err on its own line, prefixed gazette:.
func printErr(w io.Writer, err error) {
	var list diag.List
	if errors.As(err, &list) {
		for _, p := range list {
			fmt.Fprintf(w, "gazette: %s\n", p.Error())
		}
		if n := len(list.Errors()); n > 1 {
			fmt.Fprintf(w, "gazette: %d errors\n", n)
		}
		return
	}
	fmt.Fprintf(w, "gazette: %v\n", err)
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// isTerminal reports whether w is a terminal, where a summary line helps;
// under cron it is a pipe or file and the build stays silent.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
