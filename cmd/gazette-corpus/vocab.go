package main

import (
	_ "embed"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"gazette/generator/content"
)

// sampleText is a few hundred sentences taken from the seed gazettes, used
// when no content is at hand so that the command works anywhere.
//
//go:embed vocab.txt
var sampleText string

// minSentences is the least number of sentences a vocabulary source must
// give before it is used instead of the embedded sample.
const minSentences = 200

// vocab is the Chinese text that documents are made of: whole sentences for
// paragraphs, short phrases for headings, list items and table cells, and
// titles seen in 《》 for citations of documents outside the corpus.
type vocab struct {
	sentences []string
	phrases   []string
	titles    []string
}

// meanSentence is the mean length of v's sentences in bytes.
func (v *vocab) meanSentence() float64 {
	if len(v.sentences) == 0 {
		return 0
	}
	n := 0
	for _, s := range v.sentences {
		n += len(s)
	}
	return float64(n) / float64(len(v.sentences))
}

// loadVocab reads vocabulary from the .md and .txt files under the given
// paths (files or directories), in sorted path order so the result depends
// only on their contents. Markdown files lose their front matter first.
func loadVocab(paths []string) (*vocab, []string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			ext := filepath.Ext(path)
			if !d.IsDir() && (ext == ".md" || ext == ".txt") && !strings.EqualFold(d.Name(), "ANALYSIS.md") {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	sort.Strings(files)
	b := newVocabBuilder()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, nil, err
		}
		text := string(data)
		if filepath.Ext(f) == ".md" {
			if _, body, _, err := content.Split(data); err == nil {
				text = body
			}
		}
		b.add(text)
	}
	return b.vocab(), files, nil
}

// sampleVocab is the vocabulary of the embedded sample.
func sampleVocab() *vocab {
	b := newVocabBuilder()
	b.add(sampleText)
	return b.vocab()
}

type vocabBuilder struct {
	seen map[string]bool
	v    vocab
}

func newVocabBuilder() *vocabBuilder { return &vocabBuilder{seen: map[string]bool{}} }

func (b *vocabBuilder) vocab() *vocab { return &b.v }

var (
	sentenceEnd = regexp.MustCompile(`[^。！？；\n]*[。！？；]`)
	quoted      = regexp.MustCompile(`《([^《》\n]{8,60})》`)
	clause      = regexp.MustCompile(`[\p{Han}]{6,18}`)
	titleEnd    = regexp.MustCompile(`(?:通知|方案|办法|意见|规划|规定|决定|细则)$`)
	markup      = regexp.MustCompile(`^(?:#+\s*|[-*+]\s+|\d+[.、]\s*|\*\*)+`)
)

func (b *vocabBuilder) add(text string) {
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "|") || strings.HasPrefix(line, "+++") {
			continue
		}
		line = markup.ReplaceAllString(line, "")
		for _, m := range quoted.FindAllStringSubmatch(line, -1) {
			if t := m[1]; hanShare(t) > 0.8 && titleEnd.MatchString(t) && balanced(t) {
				b.put(&b.v.titles, "t"+t, t)
			}
		}
		for _, s := range sentenceEnd.FindAllString(line, -1) {
			s = strings.TrimSpace(strings.Trim(s, "*"))
			s = strings.TrimLeft(s, "，、：:；")
			n := utf8.RuneCountInString(s)
			if n < 12 || n > 160 || hanShare(s) < 0.7 || strings.ContainsAny(s, "|#*<>[]`") || !balanced(s) {
				continue
			}
			if strings.HasSuffix(s, "；") {
				s = strings.TrimSuffix(s, "；") + "。"
			}
			b.put(&b.v.sentences, "s"+s, s)
			for _, c := range clause.FindAllString(s, -1) {
				b.put(&b.v.phrases, "p"+c, c)
			}
		}
	}
}

func (b *vocabBuilder) put(list *[]string, key, s string) {
	if !b.seen[key] {
		b.seen[key] = true
		*list = append(*list, s)
	}
}

// hanShare is the share of Han characters among the runes of s.
func hanShare(s string) float64 {
	var han, all int
	for _, r := range s {
		all++
		if unicode.Is(unicode.Han, r) {
			han++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(han) / float64(all)
}

// balanced reports whether the book-title marks and brackets of s pair up,
// so that a sentence never opens a citation it does not close.
func balanced(s string) bool {
	pairs := map[rune]rune{'》': '《', '）': '（', ')': '(', '〉': '〈', '”': '“', '】': '【'}
	var stack []rune
	for _, r := range s {
		switch r {
		case '《', '（', '(', '〈', '“', '【':
			stack = append(stack, r)
		case '》', '）', ')', '〉', '”', '】':
			if len(stack) == 0 || stack[len(stack)-1] != pairs[r] {
				return false
			}
			stack = stack[:len(stack)-1]
		}
	}
	return len(stack) == 0
}
