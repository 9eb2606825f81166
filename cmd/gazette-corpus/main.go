// Command gazette-corpus writes a synthetic archive in gazette's content
// model, for measuring builds at scale. It is a developer tool; see
// docs/scale.md.
//
//	go run ./cmd/gazette-corpus -n 10000 -seed 1 -o /tmp/scale-10k
//
// The archive has many gazettes (one per region), each with monthly or
// bimonthly issues over as many years as its share of documents needs. An
// issue has an _issue.md with the printed table of contents and documents of
// realistic length: headings 一、（一）1., GFM tables, lists, attachments.
// 文号 run in sequence per issuer and year, about one document in ten is
// issued jointly, bodies cite other documents as 《title》（文号）, some in
// the corpus and some not, some "同时废止", and notices that issue plans have
// them in a folder named after the notice, with parent set. About one
// document in twelve is standalone, under content/documents/.
//
// The text is sentences and phrases taken from real documents: the .md and
// .txt files under -vocab (by default ./content), or the sample of the seed
// gazettes built into the command when those give too little. The same seed
// and vocabulary give a byte-identical tree.
//
// The output directory gets config.toml and content/; it must be empty or
// not exist, unless -force is given, which removes it first.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gazette-corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of documents to write")
	seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same tree")
	out := fs.String("o", "", "output directory (required)")
	vocabPaths := fs.String("vocab", "content", "comma-separated files or directories of .md/.txt to take the text from")
	force := fs.Bool("force", false, "remove the output directory first if it exists")
	quiet := fs.Bool("q", false, "do not print a summary")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gazette-corpus -n N [-seed S] [-vocab DIRS] [-force] -o DIR")
		fmt.Fprintln(stderr, "\nWrites a synthetic gazette archive of N documents to DIR/content and DIR/config.toml.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *out == "" || *n < 1 || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	v, files, err := loadVocab(strings.Split(*vocabPaths, ","))
	if err != nil {
		fmt.Fprintf(stderr, "gazette-corpus: reading vocabulary: %v\n", err)
		return 1
	}
	source := fmt.Sprintf("%d files under %s", len(files), *vocabPaths)
	if len(v.sentences) < minSentences {
		v = sampleVocab()
		source = "the built-in sample of the seeds"
	}
	if err := prepareDir(*out, *force); err != nil {
		fmt.Fprintf(stderr, "gazette-corpus: %v\n", err)
		return 1
	}
	start := time.Now()
	st, err := generate(ctx, opts{N: *n, Seed: *seed, Out: *out, Vocab: v})
	if err != nil {
		fmt.Fprintf(stderr, "gazette-corpus: %v\n", err)
		return 1
	}
	if !*quiet {
		fmt.Fprintf(stdout, "wrote %d documents (%d gazettes, %d issues, %d plans, %d standalone, %d joint) in %s\n",
			st.Documents, st.Gazettes, st.Issues, st.Plans, st.Standalone, st.Joint, time.Since(start).Round(time.Millisecond))
		fmt.Fprintf(stdout, "markdown: %.1f MB, %.1f KB per document on average\n",
			float64(st.Bytes)/1e6, float64(st.DocBytes)/float64(st.Documents)/1e3)
		fmt.Fprintf(stdout, "citations: %d in the corpus, %d outside it, %d repeals\n", st.CitesIn, st.CitesOut, st.Repeals)
		fmt.Fprintf(stdout, "text from %s: %d sentences, %d phrases, %d titles\n", source, len(v.sentences), len(v.phrases), len(v.titles))
	}
	return 0
}

// prepareDir makes sure dir exists and is empty.
func prepareDir(dir string, force bool) error {
	entries, err := os.ReadDir(dir)
	switch {
	case os.IsNotExist(err):
	case err != nil:
		return err
	case len(entries) > 0 && !force:
		return fmt.Errorf("%s is not empty: pick another directory or add -force to replace it", dir)
	case len(entries) > 0:
		if _, err := os.Stat(filepath.Join(dir, "config.toml")); err != nil {
			return fmt.Errorf("%s has no config.toml, so it does not look like a corpus: remove it by hand", dir)
		}
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
	}
	return os.MkdirAll(dir, 0o755)
}
