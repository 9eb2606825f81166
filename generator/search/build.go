package search

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// Doc is one document as the index sees it.
type Doc struct {
	ID        string   // content ID, zhangye/2024-02/zzf-2024-027; orders documents of one date
	URL       string   // relative to the site's base: zhangye/2024-02/zzf-2024-027/
	Title     string   //
	DocNumber string   // 文号 as printed: 涇政办发(2023)22 号
	DocKey    string   // canonical 文号: 泾政办发〔2023〕22号; may be empty
	Issuers   []string // 发文机关
	Kind      string   // 文种: 通知, 方案 …
	Gazette   string   // gazette name, empty for documents outside an issue
	Year      int      //
	Date      string   // 2024-02-25; orders documents, newest ranks first on ties
	Body      string   // plain text
	// Size is what Body will weigh when a Stream is given it later (0:
	// len(Body)); it shares the work evenly among the Stream's workers.
	Size int
}

// Stats describes a built index.
type Stats struct {
	Docs          int
	Terms         int   // distinct terms, special terms included
	Postings      int64 // (term, document) pairs
	PostingShards int
	MetaShards    int
	Files         int
	Bytes         int64 // total bytes written
}

// Sizes that shape the output.
const (
	// MetaShardSize is the number of documents per metadata shard.
	MetaShardSize = 32
	// excerptRunes is the length of the body excerpt kept for snippets.
	excerptRunes = 80
	// shardTarget is the posting bytes aimed at per shard; the shard count
	// is the power of two that comes closest from above.
	shardTarget = 48 << 10
	maxShards   = 1 << 12
	// hashBytes is the length of a file's content hash, in bytes.
	hashBytes = 6
	// maxTextPerIndexer is the most text one indexer is given (see
	// NewStream).
	maxTextPerIndexer = 4 << 30
)

// BM25 parameters.
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// Build indexes docs and writes the index files through write, with names
// such as "search/manifest.json" (see the package comment for the format);
// write is called as Finish calls it.
// The order of docs does not matter.
func Build(docs []Doc, write func(name string, data []byte) error) (Stats, error) {
	return build(docs, write, runtime.GOMAXPROCS(0))
}

// build is Build on at most the given number of goroutines; the output does
// not depend on it.
func build(docs []Doc, write func(name string, data []byte) error, workers int) (Stats, error) {
	return buildWith(docs, write, workers, nil)
}

// buildWith is build, with setup (if any) applied to the stream before
// the first Add.
func buildWith(docs []Doc, write func(name string, data []byte) error, workers int, setup func(*Stream)) (Stats, error) {
	var total int64
	for i := range docs {
		total += int64(len(docs[i].Body))
	}
	avgdl := 1.0
	if len(docs) > 0 && total > 0 {
		avgdl = float64(total) / float64(len(docs))
	}
	s := NewStream(docs, avgdl, workers)
	if setup != nil {
		setup(s)
	}
	var wg sync.WaitGroup
	for w := range s.Workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, i := range s.Range(w) {
				s.Add(w, i, docs[i].Body, len(docs[i].Body))
			}
		}()
	}
	wg.Wait()
	return s.Finish(write)
}

// Stream builds an index whose bodies arrive one at a time, so a caller
// that makes the text of each document (the site build) need not hold all
// of it: NewStream with the documents' metadata (Body may be empty), then
// each worker w Adds the documents of Range(w) in that order, then Finish.
// The output equals Build's when the same bodies and lengths are given.
type Stream struct {
	order    []*Doc
	at       []int // position in order of each input document
	byPos    []int // input index of the document at each position
	parts    []*indexer
	bounds   []int // worker w indexes positions bounds[w] to bounds[w+1]
	excerpts []string
	spill    *spill // nil: postings stay in memory (see SpillTo)
}

// NewStream prepares an index of docs. avgdl is the mean of the lengths
// that Add will be given; workers bounds the parallelism, but for more
// than 4 GB of text (Workers tells).
func NewStream(docs []Doc, avgdl float64, workers int) *Stream {
	s := &Stream{order: make([]*Doc, len(docs)), at: make([]int, len(docs)), byPos: make([]int, len(docs)), excerpts: make([]string, len(docs))}
	for i := range docs {
		s.byPos[i] = i
	}
	slices.SortFunc(s.byPos, func(a, b int) int {
		return cmp.Or(cmp.Compare(docs[a].Date, docs[b].Date), cmp.Compare(docs[a].ID, docs[b].ID))
	})
	for pos, i := range s.byPos {
		s.order[pos] = &docs[i]
		s.at[i] = pos
	}
	if avgdl <= 0 {
		avgdl = 1
	}
	workers = max(1, min(workers, len(docs)/64))
	// An indexer's arena addresses 4 GB of postings, which take about 0.4
	// bytes a byte of text: more than 4 GB of text is split further.
	workers = max(workers, min(len(docs), int(avgdl*float64(len(docs))/maxTextPerIndexer)+1))
	s.parts = make([]*indexer, workers)
	s.bounds = make([]int, workers+1)
	// Each worker takes an equal share of the text (documents' sizes
	// vary with their kind and year), so none waits for the others.
	var total, sum int64
	for i := range docs {
		total += docSize(&docs[i])
	}
	w := 0
	for pos, i := range s.byPos {
		for w+1 < workers && sum*int64(workers) >= total*int64(w+1) {
			w++
			s.bounds[w] = pos
		}
		sum += docSize(&docs[i])
	}
	for w++; w <= workers; w++ {
		s.bounds[w] = len(docs)
	}
	for w := range workers {
		s.parts[w] = newIndexer(avgdl, s.bounds[w+1]-s.bounds[w])
	}
	return s
}

// docSize is the weight of d's text, at least 1 so that empty documents
// are shared out too.
func docSize(d *Doc) int64 {
	if d.Size > 0 {
		return int64(d.Size)
	}
	return int64(max(len(d.Body), 1))
}

// Workers is how many workers Add expects.
func (s *Stream) Workers() int { return len(s.parts) }

// Range lists the input indices worker w must Add, in order.
func (s *Stream) Range(w int) []int { return s.byPos[s.bounds[w]:s.bounds[w+1]] }

// Add indexes the body of input document i, of length dl for BM25, on
// worker w. Each worker must add its Range in order; workers run at once.
// Add keeps nothing of body: the caller may reuse its bytes once Add
// returns (the build's feed makes every body's text in one buffer).
func (s *Stream) Add(w, i int, body string, dl int) {
	pos := s.at[i]
	s.parts[w].add(int32(pos), s.order[pos], body, float64(dl))
	s.excerpts[pos] = excerpt(body)
	if s.spill != nil {
		s.spill.maybeSpill(w, s.parts[w])
	}
}

// sources lists the runs of postings in document order: each worker's
// spilled segments, then its indexer.
func (s *Stream) sources() []source {
	var srcs []source
	for w, ix := range s.parts {
		if s.spill != nil {
			sf := &s.spill.files[w]
			for i := range sf.segs {
				srcs = append(srcs, source{seg: &sf.segs[i], sf: sf})
			}
		}
		srcs = append(srcs, source{ix: ix})
	}
	return srcs
}

// Spilled is the bytes the stream has written to disk (postings and the
// records of their terms), and the first failure to write, after which
// the worker kept its postings in memory. Call it between the last Add
// and Finish.
func (s *Stream) Spilled() (int64, error) {
	var n int64
	if s.spill != nil {
		for w := range s.spill.files {
			n += s.spill.files[w].off
		}
		return n, s.spill.err()
	}
	return n, nil
}

// Close removes what the stream spilled to disk. Finish closes it too;
// a caller that may not reach Finish (a build that fails) calls Close.
func (s *Stream) Close() {
	if s.spill != nil {
		s.spill.close()
	}
}

// Finish writes the index files through write, which it calls from
// several goroutines at once, and which must not keep data once it has
// returned.
func (s *Stream) Finish(write func(name string, data []byte) error) (Stats, error) {
	defer s.Close()
	var st Stats
	order := s.order
	st.Docs = len(order)
	if s.spill != nil {
		if err := s.spill.load(s.parts); err != nil {
			return st, err
		}
	}
	srcs := s.sources()

	// The special terms and facets, made beside the merge of the workers'
	// terms (at 100,000 documents each takes some tenths of a second on
	// the build's critical path).
	var special map[string][]int32
	var facets map[string]map[string]int
	made := make(chan struct{})
	go func() {
		special, facets = specialTerms(order)
		close(made)
	}()
	// Merge the workers' terms into one list, each with its shard.
	terms := mergeTerms(srcs)
	<-made
	terms = slices.Grow(terms, len(special))
	for t, docs := range special {
		var enc []byte
		prev := int32(-1)
		for _, d := range docs {
			enc = appendPosting(enc, uint32(d-prev-1), 1)
			prev = d
		}
		terms = append(terms, term{text: t, enc: enc, size: len(enc)})
	}
	var postBytes int64
	for i := range terms {
		postBytes += int64(terms[i].size + terms[i].textLen() + 6)
	}
	st.Terms = len(terms)
	nShards := 1
	for nShards < maxShards && int64(nShards)*shardTarget < postBytes {
		nShards <<= 1
	}
	for i := range terms {
		terms[i].shard = int32(terms[i].hash() & uint32(nShards-1))
	}
	slices.SortFunc(terms, func(a, b term) int {
		return cmp.Or(cmp.Compare(a.shard, b.shard), compareText(&a, &b))
	})

	// put writes data as search/<prefix><h>.json; workers call it at once.
	var mu sync.Mutex
	put := func(prefix, h string, data []byte) (string, error) {
		mu.Lock()
		st.Files++
		st.Bytes += int64(len(data))
		mu.Unlock()
		name := "search/" + prefix + h + ".json"
		if err := write(name, data); err != nil {
			return "", fmt.Errorf("search: writing %s: %w", name, err)
		}
		return h, nil
	}
	// out writes search/<prefix><hash>.json and returns the hash.
	out := func(prefix string, data []byte) (string, error) {
		return put(prefix, contentHash(data), data)
	}

	m := manifest{V: 1, Docs: len(order), MetaSize: MetaShardSize, Postings: make([]string, nShards), Meta: []string{}}

	// Posting shards, each encoded, hashed and written by a worker.
	bounds := make([]int, nShards+1)
	for sh, i := 0, 0; sh < nShards; sh++ {
		for i < len(terms) && int(terms[i].shard) == sh {
			i++
		}
		bounds[sh+1] = i
	}
	var postings atomic.Int64
	err := eachShard(nShards, func(sh int, bufs *shardBufs) error {
		data, n := encodeShard(terms[bounds[sh]:bounds[sh+1]], srcs, bufs)
		postings.Add(int64(n))
		name, err := put("p-", contentHash(data), data)
		m.Postings[sh] = name
		return err
	})
	if err != nil {
		return st, err
	}
	st.Postings = postings.Load()
	st.PostingShards = nShards

	// Metadata shards, each marshalled and written by a worker.
	m.Meta = make([]string, (len(order)+MetaShardSize-1)/MetaShardSize)
	err = eachShard(len(m.Meta), func(i int, _ *shardBufs) error {
		lo := i * MetaShardSize
		hi := min(lo+MetaShardSize, len(order))
		rows := make([][]any, 0, hi-lo)
		for _, d := range order[lo:hi] {
			issuers := d.Issuers
			if issuers == nil {
				issuers = []string{}
			}
			rows = append(rows, []any{d.URL, d.Title, d.DocNumber, issuers, d.Kind, d.Gazette, d.Date, s.excerpts[lo+len(rows)]})
		}
		data, err := marshal(map[string]any{"d": rows})
		if err != nil {
			return err
		}
		m.Meta[i], err = out("m-", data)
		return err
	})
	if err != nil {
		return st, err
	}
	st.MetaShards = len(m.Meta)

	// The t2s pairs whose simplified side occurs in the index.
	ts, ss := t2sPairs(s.parts, s.spill)
	data, err := marshal(map[string]string{"t": ts, "s": ss})
	if err != nil {
		return st, err
	}
	if m.T2S, err = out("t2s-", data); err != nil {
		return st, err
	}

	if data, err = marshal(facetLists(facets)); err != nil {
		return st, err
	}
	if m.Facets, err = out("f-", data); err != nil {
		return st, err
	}
	data, err = marshal(m)
	if err != nil {
		return st, err
	}
	st.Files++
	st.Bytes += int64(len(data))
	if err := write("search/manifest.json", data); err != nil {
		return st, fmt.Errorf("search: writing search/manifest.json: %w", err)
	}
	return st, nil
}

// t2sPairs returns the t2s table's entries whose simplified side the
// indexers saw, as two strings aligned by rune, in the order of the
// traditional side.
func t2sPairs(parts []*indexer, sp *spill) (trad, simp string) {
	seen := func(r rune) bool {
		for _, ix := range parts {
			if ix.seen(r) {
				return true
			}
		}
		return sp != nil && sp.seen(r)
	}
	var pairs [][2]rune
	for t, s := range folding().t2s {
		if seen(s) {
			pairs = append(pairs, [2]rune{t, s})
		}
	}
	slices.SortFunc(pairs, func(a, b [2]rune) int { return cmp.Compare(a[0], b[0]) })
	var ts, ss strings.Builder
	for _, p := range pairs {
		ts.WriteRune(p[0])
		ss.WriteRune(p[1])
	}
	return ts.String(), ss.String()
}

// facetLists orders each filter's values with their counts: years newest
// first, the others by count, then name.
func facetLists(facets map[string]map[string]int) map[string][][2]any {
	lists := map[string][][2]any{}
	for name, counts := range facets {
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		if name == "year" {
			slices.SortFunc(keys, func(a, b string) int { return cmp.Compare(b, a) })
		} else {
			slices.SortFunc(keys, func(a, b string) int {
				return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
			})
		}
		list := make([][2]any, 0, len(keys))
		for _, k := range keys {
			list = append(list, [2]any{k, counts[k]})
		}
		lists[name] = list
	}
	return lists
}

// contentHash names a file by its content.
func contentHash(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:hashBytes])
}

// eachShard runs f(0..n-1) on GOMAXPROCS workers, each with a buffer of
// its own to reuse, and returns the error of the lowest shard that failed.
// Workers stop taking shards after a failure.
func eachShard(n int, f func(i int, scratch *shardBufs) error) error {
	errs := make([]error, n)
	var (
		next   atomic.Int32
		failed atomic.Bool
		wg     sync.WaitGroup
	)
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var scratch shardBufs
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if errs[i] = f(i, &scratch); errs[i] != nil {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// shardBufs are an eachShard worker's buffers, reused from shard to
// shard: a shard's bytes are written (and let go) before the next is made.
type shardBufs struct {
	list []byte       // a part's postings in the arena's form
	out  bytes.Buffer // the shard
}

// encodeShard returns the JSON of one posting shard, in bufs.out, and the
// number of postings in it.
func encodeShard(terms []term, srcs []source, bufs *shardBufs) ([]byte, int) {
	n := 3
	for _, t := range terms {
		n += t.textLen() + t.size + 6
	}
	buf := &bufs.out
	buf.Reset()
	buf.Grow(n)
	scratch := &bufs.list
	postings := 0
	buf.WriteByte('{')
	for i := range terms {
		if i > 0 {
			buf.WriteByte(',')
		}
		if terms[i].key != 0 {
			// letters and digits: nothing to escape
			buf.WriteByte('"')
			buf.Write(appendKeyText(buf.AvailableBuffer(), terms[i].key))
			buf.WriteByte('"')
		} else {
			writeJSONString(buf, terms[i].text)
		}
		buf.WriteString(`:"`)
		b, n := appendPostings(buf.AvailableBuffer(), &terms[i], srcs, scratch)
		postings += n
		buf.Write(b)
		buf.WriteByte('"')
	}
	buf.WriteString("}\n")
	return buf.Bytes(), postings
}

type manifest struct {
	V        int      `json:"v"`
	Docs     int      `json:"docs"`
	T2S      string   `json:"t2s"`
	Postings []string `json:"postings"`
	Meta     []string `json:"meta"`
	MetaSize int      `json:"metaSize"`
	Facets   string   `json:"facets"`
}

func marshal(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("search: encoding index: %w", err)
	}
	return append(data, '\n'), nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	for _, r := range s {
		if r < 0x20 || r == '"' || r == '\\' || r == '<' || r == '>' || r == '&' || r == 0x2028 || r == 0x2029 {
			data, _ := json.Marshal(s)
			buf.Write(data)
			return
		}
	}
	buf.WriteByte('"')
	buf.WriteString(s)
	buf.WriteByte('"')
}

// fnv1a is 32-bit FNV-1a over code points, as search.js computes it.
func fnv1a(s string) uint32 {
	h := uint32(2166136261)
	for _, r := range s {
		h ^= uint32(r)
		h *= 16777619
	}
	return h
}

// excerpt returns the start of body, white space runs collapsed to one space.
func excerpt(body string) string {
	body = skipAddressees(body)
	// At most excerptRunes runes and spaces, then the ellipsis: made in
	// an array on the stack and kept as one string of its length. (A
	// strings.Builder's string keeps its doubled capacity, and each
	// document's excerpt is held until the index is written: at the end
	// of a 100k scan, 37.5 MB that way, 22.5 MB as exact copies.)
	var arr [(excerptRunes+1)*utf8.UTFMax + len("…")]byte
	b := arr[:0]
	n, space := 0, false
	for _, r := range body {
		if unicode.IsSpace(r) {
			space = len(b) > 0
			continue
		}
		if space {
			b = append(b, ' ')
			n++
			space = false
		}
		b = utf8.AppendRune(b, r)
		if n++; n >= excerptRunes {
			b = append(b, "…"...)
			break
		}
	}
	return string(b)
}

// skipAddressees drops a first line that only names addressees (主送机关,
// 各县区人民政府，市政府各部门：), which opens most notices and says
// nothing a result needs, when text follows it.
func skipAddressees(body string) string {
	t := strings.TrimLeft(body, " \t\r\n\u3000")
	line, rest, ok := strings.Cut(t, "\n")
	line = strings.TrimSpace(line)
	if !ok || strings.TrimSpace(rest) == "" || utf8.RuneCountInString(line) > 80 {
		return body
	}
	if strings.HasSuffix(line, "：") || strings.HasSuffix(line, ":") {
		return rest
	}
	return body
}

// bm25Level quantizes the BM25 term-frequency factor to 0–15.
func bm25Level(tf int, dl, avgdl float64) byte {
	if tf == 0 {
		return 0
	}
	w := float64(tf) * (bm25K1 + 1) / (float64(tf) + bm25K1*(1-bm25B+bm25B*dl/avgdl))
	l := int(math.Round(w / (bm25K1 + 1) * 15))
	return byte(min(max(l, 1), 15))
}

const numDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"

// appendPosting appends one posting: the weight (0–31) in one character,
// with bit 5 set when a gap follows; then the gap, if not 0, with appendNum.
func appendPosting(b []byte, gap uint32, weight byte) []byte {
	if gap == 0 {
		return append(b, numDigits[weight&31])
	}
	return appendNum(append(b, numDigits[32|weight&31]), gap)
}

// appendNum appends n in the postings' base-32 variable-length form.
func appendNum(b []byte, n uint32) []byte {
	for n >= 32 {
		b = append(b, numDigits[32|n&31])
		n >>= 5
	}
	return append(b, numDigits[n])
}

// specialTerms returns the special terms of the documents in order (文号
// keys, issuers, years, kinds and gazettes), each with its documents, and
// the facets' counts.
func specialTerms(order []*Doc) (special map[string][]int32, facets map[string]map[string]int) {
	special = map[string][]int32{}
	facets = map[string]map[string]int{"issuer": {}, "year": {}, "kind": {}, "gazette": {}}
	addSpecial := func(term string, doc int32) {
		l := special[term]
		if n := len(l); n == 0 || l[n-1] != doc {
			special[term] = append(l, doc)
		}
	}
	for i, d := range order {
		doc := int32(i)
		for _, k := range docNumberKeys(d.DocNumber, d.DocKey) {
			addSpecial("#n:"+k, doc)
		}
		for _, is := range d.Issuers {
			if is = strings.TrimSpace(is); is != "" {
				addSpecial("#i:"+is, doc)
				facets["issuer"][is]++
			}
		}
		if d.Year != 0 {
			y := strconv.Itoa(d.Year)
			addSpecial("#y:"+y, doc)
			facets["year"][y]++
		}
		if k := strings.TrimSpace(d.Kind); k != "" {
			addSpecial("#k:"+k, doc)
			facets["kind"][k]++
		}
		if g := strings.TrimSpace(d.Gazette); g != "" {
			addSpecial("#g:"+g, doc)
			facets["gazette"][g]++
		}
	}
	return special, facets
}
