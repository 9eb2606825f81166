package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"gazette/generator/importer"
)

func init() {
	register(command{name: "import", summary: "turn raw gazette or document text into content files", run: runImport})
}

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("import", flag.ContinueOnError)
	flags.SetOutput(stderr)
	out := flags.String("o", "content", "content `dir`ectory to write into")
	force := flags.Bool("force", false, "overwrite files that differ from what the import would write")
	verbose := flags.Bool("v", false, "list the residue dropped from each file")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: gazette import [-o content] [-force] [-v] FILE...")
		fmt.Fprintln(stderr, "\nImport reads raw text (a gazette issue or a document) and writes normalized")
		fmt.Fprintln(stderr, "Markdown files with TOML front matter. It writes nothing if any file has an")
		fmt.Fprintln(stderr, "error, and overwrites no file that differs from what it would write unless")
		fmt.Fprintln(stderr, "-force is given. Issuer aliases come from <dir>/_aliases.toml.")
		fmt.Fprintln(stderr)
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return flagExit(err)
	}
	if flags.NArg() == 0 {
		flags.Usage()
		return exitUsage
	}
	opts := importer.Options{}
	aliasPath := filepath.Join(*out, importer.AliasFile)
	if data, err := os.ReadFile(aliasPath); err == nil {
		opts.Aliases, err = importer.ParseAliases(data)
		if err != nil {
			fmt.Fprintf(stderr, "gazette: %s: %v\n", aliasPath, err)
			return exitFailure
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stderr, "gazette: %v\n", err)
		return exitFailure
	}

	var files []importer.File
	failed := false
	for _, name := range flags.Args() {
		if ctx.Err() != nil {
			return exitFailure
		}
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(stderr, "gazette: %v\n", err)
			failed = true
			continue
		}
		res, problems := importer.Import(name, data, opts)
		for _, p := range problems {
			fmt.Fprintf(stderr, "%s\n", p.Error())
		}
		if problems.HasErrors() {
			failed = true
			continue
		}
		if *verbose {
			fmt.Fprintf(stdout, "%s: %d files, %d residue lines\n", name, len(res.Files), len(res.Residue))
			for _, r := range res.Residue {
				fmt.Fprintf(stdout, "%s:%d: %s: %s\n", name, r.Line, r.Why, r.Text)
			}
		}
		files = append(files, res.Files...)
	}
	if failed {
		fmt.Fprintln(stderr, "gazette: import failed; nothing was written")
		return exitFailure
	}
	// Refuse to overwrite files that differ, unless -force.
	// Two issues of one gazette both write its _gazette.md: fine when
	// they agree.
	seen := map[string][]byte{}
	var conflicts []string
	var unique []importer.File
	for _, f := range files {
		if prev, ok := seen[f.Path]; ok {
			if !bytes.Equal(prev, f.Data) {
				fmt.Fprintf(stderr, "gazette: two inputs write different versions of %s; import them one at a time, or make their mastheads agree; nothing was written\n", f.Path)
				return exitFailure
			}
			continue
		}
		seen[f.Path] = f.Data
		unique = append(unique, f)
		old, err := os.ReadFile(filepath.Join(*out, filepath.FromSlash(f.Path)))
		if err == nil && !bytes.Equal(old, f.Data) {
			conflicts = append(conflicts, f.Path)
		}
	}
	files = unique
	if len(conflicts) > 0 && !*force {
		sort.Strings(conflicts)
		for _, c := range conflicts {
			fmt.Fprintf(stderr, "gazette: %s differs from what the import would write (edited by hand?)\n", filepath.Join(*out, filepath.FromSlash(c)))
		}
		fmt.Fprintln(stderr, "gazette: nothing was written; use -force to overwrite these files")
		return exitFailure
	}
	written := 0
	for _, f := range files {
		p := filepath.Join(*out, filepath.FromSlash(f.Path))
		if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, f.Data) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintf(stderr, "gazette: %v\n", err)
			return exitFailure
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			fmt.Fprintf(stderr, "gazette: %v\n", err)
			return exitFailure
		}
		written++
	}
	fmt.Fprintf(stdout, "gazette: imported %d files (%d written, %d unchanged) into %s\n", len(files), written, len(files)-written, *out)
	return exitOK
}
