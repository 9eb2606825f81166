package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"gazette/generator"
)

func init() {
	register(command{name: "check", summary: "validate content/ and list every problem, writing nothing", run: runCheck})
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "config.toml", "the site's config `file`; paths in it are relative to its folder")
	asJSON := fs.Bool("json", false, "print the problems on stdout as a JSON list of {file, line, severity, message}")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gazette check [-config FILE] [-json]")
		fmt.Fprintln(stderr, "\nValidates the archive as a build would, and more (文号, dates, links,")
		fmt.Fprintln(stderr, "images, citations), without writing anything. Prints every problem as")
		fmt.Fprintln(stderr, "file:line: message. Exits 1 if any is an error, 0 if there are only warnings.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gazette: check takes no arguments, got %q\n", fs.Args())
		fs.Usage()
		return exitUsage
	}
	cfg, err := generator.LoadConfig(*configPath, !flagSet(fs, "config"))
	if err != nil {
		printErr(stderr, err)
		return exitFailure
	}
	contentDir := cfg.Path(cfg.ContentDir)
	if st, err := os.Stat(contentDir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "gazette: content folder %s not found: run gazette in the archive's folder or pass -config\n", contentDir)
		return exitFailure
	}
	rel, err := filepath.Rel(cfg.Dir, contentDir)
	if err != nil || rel == "" {
		rel = contentDir
	}
	problems := generator.Check(ctx, cfg, os.DirFS(contentDir), filepath.ToSlash(rel)+"/")
	if *asJSON {
		out := make([]jsonProblem, 0, len(problems))
		for _, p := range problems {
			out = append(out, jsonProblem{File: p.File, Line: p.Line, Severity: p.Severity.String(), Message: p.Msg})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			fmt.Fprintf(stderr, "gazette: %v\n", err)
			return exitFailure
		}
	} else {
		for _, p := range problems {
			fmt.Fprintf(stderr, "gazette: %s\n", p.Error())
		}
		if n, w := len(problems.Errors()), len(problems.Warnings()); n+w > 0 {
			fmt.Fprintf(stderr, "gazette: %s, %s\n", plural(n, "error"), plural(w, "warning"))
		}
	}
	if problems.HasErrors() {
		return exitFailure
	}
	return exitOK
}

// jsonProblem is one problem as -json prints it.
type jsonProblem struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

// plural is "1 error", "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
