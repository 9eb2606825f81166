package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"gazette/generator/content"
)

// opts says what to generate.
type opts struct {
	N     int    // documents (not counting _gazette.md and _issue.md)
	Seed  uint64 // the same seed gives the same tree
	Out   string // corpus root: config.toml and content/
	Vocab *vocab
}

// stats counts what was written.
type stats struct {
	Gazettes, Issues, Documents, Plans, Standalone, Joint int
	CitesIn, CitesOut, Repeals                            int
	Bytes, DocBytes                                       int64
}

func (s *stats) add(o stats) {
	s.Gazettes += o.Gazettes
	s.Issues += o.Issues
	s.Documents += o.Documents
	s.Plans += o.Plans
	s.Standalone += o.Standalone
	s.Joint += o.Joint
	s.CitesIn += o.CitesIn
	s.CitesOut += o.CitesOut
	s.Repeals += o.Repeals
	s.Bytes += o.Bytes
	s.DocBytes += o.DocBytes
}

// lastYear is the year of the newest issues; older ones go back from it.
const lastYear = 2025

// maxGazettes is the most gazettes a corpus has; regionFor gives that many
// distinct regions.
const maxGazettes = 400

// gazetteCount is how many gazettes a corpus of n documents has: a few for
// small corpora, about 63 for 100,000.
func gazetteCount(n int) int {
	g := int(math.Sqrt(float64(n)) / 5)
	return max(2, min(g, maxGazettes, n))
}

// generate writes the corpus. Gazettes are independent (each has its own
// random stream, derived from the seed and its index), so they are written
// by one worker per CPU and the tree is the same whatever the schedule.
func generate(ctx context.Context, o opts) (stats, error) {
	if err := writeConfig(o); err != nil {
		return stats{}, err
	}
	g := gazetteCount(o.N)
	quota := make([]int, g)
	for i := range quota {
		quota[i] = o.N / g
		if i < o.N%g {
			quota[i]++
		}
	}
	// Documents are made of a number of sentences; scale it so that
	// documents have the same size in bytes whatever the vocabulary.
	scale := sampleVocab().meanSentence() / o.Vocab.meanSentence()
	results := make([]stats, g)
	errs := make([]error, g)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				gw := &gazetteWriter{
					rng:    rand.New(rand.NewPCG(o.Seed, uint64(i)+1)),
					v:      o.Vocab,
					root:   filepath.Join(o.Out, "content"),
					region: regionFor(i),
					quota:  quota[i],
					scale:  scale,
				}
				errs[i] = gw.write()
				results[i] = gw.st
			}
		}()
	}
	var err error
feed:
	for i := range g {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	var total stats
	for i := range g {
		if errs[i] != nil && err == nil {
			err = errs[i]
		}
		total.add(results[i])
	}
	return total, err
}

func writeConfig(o opts) error {
	cfg := fmt.Sprintf(`# A synthetic archive written by gazette-corpus -n %d -seed %d.
title = "合成公报档案（%d 件，种子 %d）"
description = "由 gazette-corpus 生成的测试档案，用于规模测试。"
base_url = "https://example.org/"
`, o.N, o.Seed, o.N, o.Seed)
	if err := os.MkdirAll(filepath.Join(o.Out, "content"), 0o755); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(o.Out, "config.toml"), []byte(cfg), 0o644)
}

// gazetteWriter writes one gazette: its issues, their documents and the
// region's standalone documents.
type gazetteWriter struct {
	rng    *rand.Rand
	v      *vocab
	root   string // content/
	region region
	quota  int     // documents left to write
	scale  float64 // sentences per document, relative to the built-in sample
	st     stats

	seq     map[string]int // next serial per 文号 prefix and year
	history []citable      // documents with a 文号 written so far
	first   int            // first year of the gazette
}

// citable is a document another one can cite.
type citable struct{ title, number string }

// doc is one document while it is being written.
type doc struct {
	name    string // file name without .md
	dir     string // folder below content/
	section string
	page    int
	meta    content.Document
	body    string
}

func (d *doc) id() string { return d.dir + "/" + d.name }

func (gw *gazetteWriter) write() error {
	gw.seq = map[string]int{}
	r := gw.region
	monthly := gw.rng.IntN(10) < 7
	perYear := 6
	if monthly {
		perYear = 12
	}
	issuesNeeded := int(math.Ceil(float64(gw.quota) * 0.92 / 15))
	years := max(1, (issuesNeeded+perYear-1)/perYear)
	gw.first = lastYear - years + 1
	freq := "双月刊"
	if monthly {
		freq = "月刊"
	}
	g := content.Gazette{
		Name:       r.name + "人民政府公报",
		NameEn:     "GAZETTE OF " + strings.ToUpper(r.slug) + " PEOPLE'S GOVERNMENT",
		Region:     r.name,
		Supervisor: r.name + "人民政府",
		Sponsor:    r.name + "人民政府办公室",
		Publisher:  r.name + "人民政府公报编辑部",
		Frequency:  freq,
		Statement:  "●本刊所登文件与正式文件具有同等效力",
		Contact: content.Contact{
			Address:  r.name + "人民路" + fmt.Sprint(1+gw.rng.IntN(200)) + "号",
			Postcode: fmt.Sprintf("7%05d", gw.rng.IntN(100000)),
			Phone:    fmt.Sprintf("0936-%07d", gw.rng.IntN(10000000)),
			Website:  "https://www." + r.slug + ".gov.cn/",
		},
	}
	if err := gw.file(r.slug+"/"+content.GazetteFile, &g, r.name+"人民政府公报是"+r.name+"人民政府主管主办的政府出版物，刊登本地区规范性文件和重要政务信息。\n"); err != nil {
		return err
	}
	gw.st.Gazettes = 1
	cumulative := gw.rng.IntN(150)
	for i := 0; gw.quota > 0; i++ {
		year := gw.first + i/perYear
		number := i%perYear + 1
		month := number
		if !monthly {
			month = 2 * number
		}
		cumulative++
		if err := gw.issue(year, number, month, cumulative); err != nil {
			return err
		}
	}
	return nil
}

// issue writes one issue with its documents, then the standalone documents
// of the same months.
func (gw *gazetteWriter) issue(year, number, month, cumulative int) error {
	r := gw.region
	dir := fmt.Sprintf("%s/%d-%02d", r.slug, year, number)
	pub := time.Date(year, time.Month(month)+1, 5+gw.rng.IntN(6), 0, 0, 0, 0, time.UTC)
	target := 8 + gw.rng.IntN(15)
	want := min(target, gw.quota)
	standalone := 0
	for range want {
		if gw.rng.IntN(1000) < 87 {
			standalone++
		}
	}
	if want-standalone < 1 {
		standalone = 0
	}
	docs := gw.issueDocs(dir, year, month, want-standalone)

	// Pages: each document starts on a new page, about 2,600 bytes a page.
	page := 1
	var sections []content.Section
	for _, d := range docs {
		if d.meta.Parent != "" {
			continue
		}
		d.page = page
		size := len(d.body)
		for _, c := range docs {
			if c.meta.Parent == d.id() {
				size += len(c.body)
			}
		}
		page += 1 + size/2600
		e := content.Entry{Title: d.meta.Title, DocNumber: d.meta.DocNumber, Page: d.page, PageLabel: fmt.Sprintf("%02d", d.page), Doc: d.name}
		if n := len(sections); n == 0 || sections[n-1].Title != d.section {
			sections = append(sections, content.Section{Title: d.section})
		}
		sections[len(sections)-1].Entries = append(sections[len(sections)-1].Entries, e)
	}
	is := content.Issue{
		Year:       year,
		Number:     number,
		Cumulative: cumulative,
		Date:       content.Date{Time: pub},
		DateKind:   "printed",
		Editors: []content.Editor{
			{Role: "主任", Names: []string{gw.person()}},
			{Role: "编委", Names: []string{gw.person(), gw.person(), gw.person(), gw.person()}},
			{Role: "主编", Names: []string{gw.person()}},
		},
		Sections: sections,
	}
	if number < 10 && gw.rng.IntN(3) == 0 {
		is.NumberLabel = fmt.Sprintf("第%02d期", number)
	}
	if err := gw.file(dir+"/"+content.IssueFile, &is, ""); err != nil {
		return err
	}
	gw.st.Issues++
	for _, d := range docs {
		if err := gw.writeDoc(d); err != nil {
			return err
		}
	}
	for range standalone {
		if err := gw.writeDoc(gw.standalone(year, month)); err != nil {
			return err
		}
	}
	return nil
}

func (gw *gazetteWriter) writeDoc(d *doc) error {
	if err := gw.file(d.dir+"/"+d.name+".md", &d.meta, d.body); err != nil {
		return err
	}
	gw.st.Documents++
	gw.quota--
	if len(d.meta.Issuers) > 1 {
		gw.st.Joint++
	}
	if d.meta.DocNumber != "" {
		gw.history = append(gw.history, citable{d.meta.Title, d.meta.DocNumber})
	}
	return nil
}

// file writes one content file below content/.
func (gw *gazetteWriter) file(rel string, v any, body string) error {
	data, err := content.Marshal(v, body)
	if err != nil {
		return fmt.Errorf("%s: %w", rel, err)
	}
	path := filepath.Join(gw.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	gw.st.Bytes += int64(len(data))
	if _, ok := v.(*content.Document); ok {
		gw.st.DocBytes += int64(len(data))
	}
	return nil
}

// kinds of document in an issue, in the order of its sections.
type docKind int

const (
	kGov       docKind = iota // 市政府文件: 关于…的通知/意见/决定
	kOffice                   // 市政府办公室文件: a direct notice or 办法
	kIssuing                  // 市政府办公室文件: 关于印发…的通知 with plans
	kJoint                    // 市委市政府办公室文件, jointly issued
	kDept                     // 部门文件
	kAppoint                  // 人事任免
	kChronicle                // 要事记
	kIndex                    // 文件索引
)

// sectionTitle is the 栏目 of a kind of document in a region of the given
// level (市, 县 or 区).
func sectionTitle(k docKind, level string) string {
	switch k {
	case kGov:
		return level + "政府文件"
	case kOffice, kIssuing:
		return level + "政府办公室文件"
	case kJoint:
		return level + "委" + level + "政府办公室文件"
	case kDept:
		return "部门文件"
	case kAppoint:
		return "人事任免"
	case kChronicle:
		return "要事记"
	}
	return "文件索引"
}

// issueDocs makes about n documents (plans included) for one issue.
func (gw *gazetteWriter) issueDocs(dir string, year, month, n int) []*doc {
	var kinds []docKind
	// Chronicle and index are one each in most issues; the rest is drawn
	// by weight until n documents (counting the plans to come) are planned.
	weights := []struct {
		k docKind
		w int
	}{{kGov, 14}, {kOffice, 24}, {kIssuing, 30}, {kJoint, 18}, {kDept, 14}, {kAppoint, 5}}
	total := 0
	for _, w := range weights {
		total += w.w
	}
	var plans []int // plans of each kIssuing in kinds, in order
	if gw.rng.IntN(10) < 7 {
		kinds = append(kinds, kChronicle)
	}
	if gw.rng.IntN(10) < 4 {
		kinds = append(kinds, kIndex)
	}
	planned := len(kinds)
	for planned < n {
		x := gw.rng.IntN(total)
		for _, w := range weights {
			if x < w.w {
				kinds = append(kinds, w.k)
				planned++
				if w.k == kIssuing {
					p := 1
					if gw.rng.IntN(10) < 4 {
						p = 2 + gw.rng.IntN(10)
					}
					plans = append(plans, p)
					planned += p
				}
				break
			}
			x -= w.w
		}
	}
	sortKinds(kinds)
	var docs []*doc
	for i, k := range kinds {
		if len(docs) >= n {
			break
		}
		if k != kIssuing {
			docs = append(docs, gw.document(k, dir, year, month))
			continue
		}
		p := plans[0]
		plans = plans[1:]
		// Leave room for this notice and the documents still to come.
		p = max(0, min(p, n-len(docs)-1-(len(kinds)-i-1)))
		docs = append(docs, gw.issuing(dir, year, month, p)...)
	}
	return docs
}

func sortKinds(ks []docKind) {
	for i := 1; i < len(ks); i++ {
		for j := i; j > 0 && ks[j] < ks[j-1]; j-- {
			ks[j], ks[j-1] = ks[j-1], ks[j]
		}
	}
}
