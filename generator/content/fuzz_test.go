package content

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz the front matter splitter and the strict decoder: whatever bytes a
// content file holds, they must return problems, never panic, and every
// problem must name a line inside the file.
//
// Run one for longer with
//
//	go test -run XXX -fuzz FuzzSplit -fuzztime 10m ./generator/content/
//
// Crashers are kept in testdata/fuzz/<FuzzName>/ and rerun by go test.

// maxSeed caps seed files: front matter is at the start, and the fuzzer is
// faster on small inputs.
const maxSeed = 16 << 10

// fuzzSeeds returns content files of the repository (the imported seeds and
// the test sites), the raw seed documents and the bad inputs of
// generator/testdata/bad, cut to maxSeed bytes, plus hand-made edge cases.
func fuzzSeeds(tb testing.TB) [][]byte {
	tb.Helper()
	seeds := [][]byte{
		nil,
		[]byte("+++\n+++\n"),
		[]byte("\ufeff+++\r\ntitle = \"x\"\r\nissuers = [\"y\"]\r\n+++\r\nbody\r\n"),
		[]byte("+++\ntitle = \"x\"\n"),
		[]byte("+++ \t\n[[attachments]]\ntitle = 1\n+++\n"),
		[]byte("+++\ndate_signed = \"2024-02-30\"\n+++\n"),
		[]byte("+++\n[import]\nlines = [1, \"2\"]\n+++\n"),
		[]byte("+++\r+++\r"),
		{0xff, 0xfe, '+', 0, '+', 0},
		[]byte("+++\ntitle = \"\xff\"\n+++\n"),
	}
	var files []string
	for _, pattern := range []string{
		"../../content/*/*.md", "../../content/*/*/*.md", "../../content/*/*/*/*.md",
		"../testdata/site/content/*/*.md", "../testdata/site/content/*/*/*.md",
		"../testdata/bad/*/content/*.md", "../testdata/bad/*/content/*/*.md", "../testdata/bad/*/content/*/*/*.md",
	} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		if len(b) > maxSeed {
			b = b[:maxSeed]
		}
		seeds = append(seeds, b)
	}
	return seeds
}

func FuzzSplit(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r"))
		front, body, bodyLine, err := Split(data)
		if err != nil {
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LineError", err)
			}
			if le.Line < 1 || le.Line > lines {
				t.Fatalf("error at line %d of a %d-line file: %v", le.Line, lines, err)
			}
			if front != "" || body != "" || bodyLine != 0 {
				t.Fatalf("error %v but results %q %q %d", err, front, body, bodyLine)
			}
			return
		}
		if bodyLine < 3 || bodyLine > lines+1 {
			t.Fatalf("body starts at line %d of a %d-line file", bodyLine, lines)
		}
		if !utf8.ValidString(front) || !utf8.ValidString(body) {
			t.Fatalf("split returned invalid UTF-8")
		}
		if strings.Contains(front, "\r") || strings.Contains(body, "\r") {
			t.Fatalf("split left a carriage return")
		}
		// The body starts on bodyLine: front matter, two fences and the
		// body account for every line.
		if got := 2 + strings.Count(front, "\n"); got != bodyLine-1 {
			t.Fatalf("front matter has %d lines with fences, body starts at %d", got, bodyLine)
		}
		// Splitting is stable: the fences and front matter rebuild a file
		// that splits the same way.
		again := []byte(Fence + "\n" + front + Fence + "\n" + body)
		f2, b2, l2, err := Split(again)
		if err != nil || f2 != front || b2 != body || l2 != bodyLine {
			t.Fatalf("re-split differs: %q %q %d %v", f2, b2, l2, err)
		}
	})
}

func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := 1 + bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r"))
		for _, v := range []any{&Document{}, &Issue{}, &Gazette{}} {
			_, bodyLine, problems := Decode("x.md", data, v)
			for _, p := range problems {
				if p.File != "x.md" {
					t.Fatalf("problem names file %q: %v", p.File, p)
				}
				if p.Line < 1 || p.Line > lines {
					t.Fatalf("problem at line %d of a %d-line file: %v", p.Line, lines, p)
				}
				if p.Msg == "" || !utf8.ValidString(p.Msg) {
					t.Fatalf("empty or invalid message: %q", p.Msg)
				}
			}
			if bodyLine < 0 || bodyLine > lines+1 {
				t.Fatalf("body line %d of a %d-line file", bodyLine, lines)
			}
			if len(problems) > 0 {
				continue
			}
			// A file that decodes cleanly encodes back to front matter
			// that decodes to the same value.
			doc, ok := v.(*Document)
			if !ok {
				continue
			}
			b, err := Marshal(doc, "")
			if err != nil {
				continue // values Marshal cannot write (e.g. control chars) are its own concern
			}
			var again Document
			if _, _, ps := Decode("y.md", b, &again); len(ps) > 0 {
				t.Fatalf("re-decoding marshalled front matter: %v\n%s", ps, b)
			}
		}
	})
}
