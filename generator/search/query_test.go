package search

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// fixtures are the documents the query cases look for; testCorpus hides
// them among synthetic documents made of real gazette sentences.
var fixtures = []Doc{
	{
		ID: "zhangye/2024-02/zzbf-2024-010", URL: "zhangye/2024-02/zzbf-2024-010/",
		Title:     "张掖市人民政府办公室关于印发张掖市保障农民工工资支付工作考核办法的通知",
		DocNumber: "张政办发〔2024〕10号", DocKey: "张政办发〔2024〕10号",
		Issuers: []string{"张掖市人民政府办公室"}, Kind: "通知", Gazette: "张掖市人民政府公报",
		Year: 2024, Date: "2024-02-05",
		Body: "各县区人民政府，市政府各部门，市直各单位：\n《张掖市保障农民工工资支付工作考核办法》已经市政府同意，现印发给你们，请认真贯彻执行。",
	},
	{
		ID: "zhangye/2024-02/zzf-2024-023", URL: "zhangye/2024-02/zzf-2024-023/",
		Title:     "张掖市人民政府关于调整市政府领导工作分工的通知",
		DocNumber: "张政发〔2024〕23号", DocKey: "张政发〔2024〕23号",
		Issuers: []string{"张掖市人民政府"}, Kind: "通知", Gazette: "张掖市人民政府公报",
		Year: 2024, Date: "2024-02-20",
		Body: "因工作需要，经研究，对市政府领导工作分工作如下调整。",
	},
	{
		ID: "zhangye/2024-02/zzbf-2024-023", URL: "zhangye/2024-02/zzbf-2024-023/",
		Title:     "张掖市人民政府办公室关于印发落实2024年省委省政府为民实事实施方案的通知",
		DocNumber: "张政办发〔2024〕23号", DocKey: "张政办发〔2024〕23号",
		Issuers: []string{"张掖市人民政府办公室"}, Kind: "通知", Gazette: "张掖市人民政府公报",
		Year: 2024, Date: "2024-02-25",
		Body: "现将落实2024年省委省政府为民实事实施方案印发给你们，请结合实际，认真组织实施。",
	},
	{
		ID: "jingyuan/2023-02/jzbf-2023-021", URL: "jingyuan/2023-02/jzbf-2023-021/",
		Title:     "涇源縣人民政府辦公室關於印發涇源縣教育質量提升行動實施方案的通知",
		DocNumber: "涇政办发(2023)21 号", DocKey: "泾政办发〔2023〕21号",
		Issuers: []string{"泾源县人民政府办公室"}, Kind: "通知", Gazette: "泾源县人民政府公报",
		Year: 2023, Date: "2023-04-12",
		Body: "為全面提高涇源縣教育質量，辦好人民滿意的教育，引導家長和中小學生樹立正確的成才觀，制定本方案。",
	},
	{
		ID: "jingyuan/2023-02/jdbf-2023-031", URL: "jingyuan/2023-02/jdbf-2023-031/",
		Title:     "中共泾源县委办公室 泾源县人民政府办公室关于印发泾源县特色产业发展提质增效行动方案的通知",
		DocNumber: "泾党办发〔2023〕31号", DocKey: "泾党办发〔2023〕31号",
		Issuers: []string{"中共泾源县委办公室", "泾源县人民政府办公室"}, Kind: "通知", Gazette: "泾源县人民政府公报",
		Year: 2023, Date: "2023-03-30",
		Body: "为推进全县特色产业发展提质增效，促进农民持续增收，制定本方案。",
	},
	{
		ID: "documents/gzq-2025-shenpi", URL: "documents/gzq-2025-shenpi/",
		Title:   "关于深化工程建设项目审批制度改革的实施意见",
		Issuers: []string{"甘州区人民政府"}, Kind: "意见",
		Year: 2025, Date: "2025-06-01",
		Body: "持续深化审批制度改革，推动各审批阶段简化流程、压缩时限，全面提升审批效率。",
	},
	{
		ID: "documents/gzq-2025-dongxun", URL: "documents/gzq-2025-dongxun/",
		Title:   "关于做好2025年民兵冬训工作的通知",
		Issuers: []string{"甘州区人民政府"}, Kind: "通知",
		Year: 2025, Date: "2025-11-02",
		Body: "各乡镇要按照冬训安排，组织民兵完成集中训练。",
	},
	{
		ID: "jingyuan/2024-01/jzbf-2024-003", URL: "jingyuan/2024-01/jzbf-2024-003/",
		Title:     "泾源县人民政府办公室关于做好根治欠薪冬季攻坚行动的通知",
		DocNumber: "泾政办发〔2024〕3号", DocKey: "泾政办发〔2024〕3号",
		Issuers: []string{"泾源县人民政府办公室"}, Kind: "通知", Gazette: "泾源县人民政府公报",
		Year: 2024, Date: "2024-01-08",
		Body: "各乡镇、各部门要切实保障农民工工资按时足额支付，坚决遏制欠薪问题发生。",
	},
}

// testCorpus returns the fixtures among n synthetic documents, shuffled.
func testCorpus(tb testing.TB, n int) []Doc {
	tb.Helper()
	docs := slices.Clone(fixtures)
	for _, d := range synthDocs(tb, n, 3000) {
		// keep partial 文号 queries unambiguous
		if strings.Contains(d.DocNumber, "〔2024〕10号") || strings.Contains(d.DocNumber, "〔2024〕23号") {
			continue
		}
		docs = append(docs, d)
	}
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	return docs
}

// buildDir builds the index of docs into a temporary directory.
func buildDir(tb testing.TB, docs []Doc) (string, Stats) {
	tb.Helper()
	dir := tb.TempDir()
	st, err := Build(docs, func(name string, data []byte) error {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		return os.WriteFile(p, data, 0o644)
	})
	if err != nil {
		tb.Fatal(err)
	}
	return dir, st
}

// queryCase is one query and what its first result must be.
type queryCase struct {
	Name    string            `json:"name"`
	Q       string            `json:"q"`
	Filters map[string]string `json:"filters,omitempty"`
	First   string            `json:"-"` // URL of the first result; "" means no results
}

// queryCases are the cases of issue 5's "Done when", shared with the
// browser test.
var queryCases = []queryCase{
	{Name: "two-character word", Q: "冬训", First: "documents/gzq-2025-dongxun/"},
	{Name: "long phrase", Q: "保障农民工工资支付工作考核办法", First: "zhangye/2024-02/zzbf-2024-010/"},
	{Name: "substring across a word boundary", Q: "段简", First: "documents/gzq-2025-shenpi/"},
	{Name: "full 文号 with other brackets", Q: "张政办发(2024)10号", First: "zhangye/2024-02/zzbf-2024-010/"},
	{Name: "full 文号 traditional and square brackets", Q: "張政辦發［2024］10號", First: "zhangye/2024-02/zzbf-2024-010/"},
	{Name: "文号 prefix decides", Q: "张政发〔2024〕23号", First: "zhangye/2024-02/zzf-2024-023/"},
	{Name: "partial 文号", Q: "〔2024〕10号", First: "zhangye/2024-02/zzbf-2024-010/"},
	{Name: "文号 printed with variant and space", Q: "泾政办发〔2023〕21号", First: "jingyuan/2023-02/jzbf-2023-021/"},
	{Name: "simplified query on traditional text", Q: "教育质量提升行动", First: "jingyuan/2023-02/jzbf-2023-021/"},
	{Name: "traditional query on simplified text", Q: "特色產業發展提質增效", First: "jingyuan/2023-02/jdbf-2023-031/"},
	{Name: "words separated by a space", Q: "审批 效率", First: "documents/gzq-2025-shenpi/"},
	{Name: "phrase without filter", Q: "农民工工资", First: "zhangye/2024-02/zzbf-2024-010/"},
	{Name: "issuer filter", Q: "农民工工资", Filters: map[string]string{"issuer": "泾源县人民政府办公室"}, First: "jingyuan/2024-01/jzbf-2024-003/"},
	{Name: "no results", Q: "量子引力", First: ""},
	{Name: "no document has both words", Q: "冬训 量子引力", First: ""},
	{Name: "markup", Q: "<script>alert(1)</script>", First: ""},
}

// nodeSearch runs search.js's Engine over the index in dir.
type nodeResult struct {
	Total   int      `json:"total"`
	URLs    []string `json:"urls"`
	Fetched []string `json:"fetched"`
	Terms   int      `json:"terms"`
}

func nodeSearch(tb testing.TB, dir string, cases []queryCase) []nodeResult {
	tb.Helper()
	var out []nodeResult
	runNode(tb, `
const fs = require('fs'), path = require('path');
(async () => {
  const out = [];
  for (const c of input.cases) {
    const fetched = [];
    const eng = new s.Engine(async name => {
      fetched.push(name);
      return JSON.parse(fs.readFileSync(path.join(input.dir, 'search', name), 'utf8'));
    });
    const r = await eng.search(c.q, c.filters || {});
    const recs = await eng.records(r.docs.slice(0, 3));
    const words = s.queryWords(c.q, eng.normalize);
    const terms = words.reduce((n, w) => n + w.terms.length, 0);
    out.push({total: r.total, urls: recs.map(x => x.url), fetched, terms});
  }
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(1); });
`, map[string]any{"dir": dir, "cases": cases}, &out)
	if len(out) != len(cases) {
		tb.Fatalf("node returned %d results for %d cases", len(out), len(cases))
	}
	return out
}

func TestQueries(t *testing.T) {
	dir, _ := buildDir(t, testCorpus(t, 300))
	res := nodeSearch(t, dir, queryCases)
	for i, c := range queryCases {
		t.Run(c.Name, func(t *testing.T) {
			r := res[i]
			if c.First == "" {
				if r.Total != 0 {
					t.Errorf("%q: %d results (first %v), want none", c.Q, r.Total, r.URLs)
				}
				return
			}
			if len(r.URLs) == 0 || r.URLs[0] != c.First {
				t.Errorf("%q: first results %v, want %s first", c.Q, r.URLs, c.First)
			}
			// Only the shards the query needs: manifest, t2s, one posting
			// shard per term (at most), the 文号 key's, filters', and the
			// metadata shards of the results shown.
			var post, meta int
			for _, f := range r.Fetched {
				switch {
				case strings.HasPrefix(f, "p-"):
					post++
				case strings.HasPrefix(f, "m-"):
					meta++
				}
			}
			if max := r.Terms + 1 + len(c.Filters); post > max {
				t.Errorf("%q fetched %d posting shards for %d terms", c.Q, post, r.Terms)
			}
			if meta > len(r.URLs) {
				t.Errorf("%q fetched %d metadata shards for %d results", c.Q, meta, len(r.URLs))
			}
		})
	}
}

// TestBuildDeterministic checks that input order does not matter and that
// documents added at the recent end leave older metadata shards' names.
func TestBuildDeterministic(t *testing.T) {
	docs := testCorpus(t, 200)
	var a, b memFS
	if _, err := Build(docs, a.write); err != nil {
		t.Fatal(err)
	}
	rev := slices.Clone(docs)
	slices.Reverse(rev)
	if _, err := Build(rev, b.write); err != nil {
		t.Fatal(err)
	}
	if len(a.files) != len(b.files) {
		t.Fatalf("%d files, then %d from the same documents in another order", len(a.files), len(b.files))
	}
	for name, data := range a.files {
		if !bytes.Equal(b.files[name], data) {
			t.Errorf("%s differs between builds of the same documents", name)
		}
	}

	for _, workers := range []int{1, 3} {
		var w memFS
		if _, err := build(docs, w.write, workers); err != nil {
			t.Fatal(err)
		}
		for name, data := range a.files {
			if !bytes.Equal(w.files[name], data) {
				t.Errorf("%s differs when built on %d goroutines", name, workers)
			}
		}
	}

	var c memFS
	more := append(slices.Clone(docs), Doc{ID: "z/new", URL: "z/new/", Title: "新增文件", Date: "2099-01-01", Body: "新增"})
	if _, err := Build(more, c.write); err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(a.files["search/manifest.json"], &m); err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, name := range m.Meta[:len(m.Meta)-1] {
		if _, ok := c.files["search/m-"+name+".json"]; ok {
			kept++
		}
	}
	if kept != len(m.Meta)-1 {
		t.Errorf("adding the newest document renamed %d of %d full metadata shards", len(m.Meta)-1-kept, len(m.Meta)-1)
	}
}

func TestDocNumberKeys(t *testing.T) {
	tests := []struct {
		printed, key string
		want         []string
	}{
		{"张政办发〔2024〕10号", "张政办发〔2024〕10号", []string{"202410号", "张政办发202410号"}},
		{"涇政办发(2023)21 号", "泾政办发〔2023〕21号", []string{"202321号", "泾政办发202321号"}},
		{"张政任字〔2024〕第2号", "", []string{"20242号", "张政任字20242号", "张政任字2024第2号"}},
		{"甘政办发〔2023〕013号", "", []string{"202313号", "甘政办发2023013号", "甘政办发202313号"}},
		{"", "", nil},
	}
	for _, tt := range tests {
		if got := docNumberKeys(tt.printed, tt.key); !slices.Equal(got, tt.want) {
			t.Errorf("docNumberKeys(%q, %q) = %q, want %q", tt.printed, tt.key, got, tt.want)
		}
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	for _, n := range []uint32{0, 1, 31, 32, 33, 1023, 1024, 1 << 20, 1<<32 - 1} {
		enc := appendNum(nil, n)
		var got uint32
		for i, c := range enc {
			v := uint32(strings.IndexByte(numDigits, c))
			got |= (v & 31) << (5 * i)
			if v&32 == 0 && i != len(enc)-1 {
				t.Fatalf("%d: early end in %q", n, enc)
			}
		}
		if got != n {
			t.Errorf("appendNum(%d) = %q, decodes to %d", n, enc, got)
		}
	}
}

// decodePostings is the Go twin of search.js's decode.
func decodePostings(tb testing.TB, s string) (docs []int, weights []int) {
	tb.Helper()
	prev := -1
	for i := 0; i < len(s); {
		c := strings.IndexByte(numDigits, s[i])
		i++
		gap := 0
		if c&32 != 0 {
			for shift := 0; ; shift += 5 {
				if i == len(s) {
					tb.Fatalf("postings %q end inside a gap", s)
				}
				d := strings.IndexByte(numDigits, s[i])
				i++
				gap |= (d & 31) << shift
				if d&32 == 0 {
					break
				}
			}
			if gap == 0 {
				tb.Fatalf("postings %q: gap 0 written out", s)
			}
		}
		prev += gap + 1
		docs = append(docs, prev)
		weights = append(weights, c&31)
	}
	return docs, weights
}

// TestPostings reads the built shards back in Go: every document that
// holds a term is listed under it, with the heading bit where it belongs.
func TestPostings(t *testing.T) {
	docs := testCorpus(t, 100)
	var m memFS
	if _, err := Build(docs, m.write); err != nil {
		t.Fatal(err)
	}
	var man manifest
	if err := json.Unmarshal(m.files["search/manifest.json"], &man); err != nil {
		t.Fatal(err)
	}
	// the documents in index order, as Build numbers them
	order := slices.Clone(docs)
	slices.SortFunc(order, func(a, b Doc) int { return strings.Compare(a.Date+"\x00"+a.ID, b.Date+"\x00"+b.ID) })
	lookup := func(term string) string {
		var shard map[string]string
		name := man.Postings[fnv1a(term)&uint32(len(man.Postings)-1)]
		if err := json.Unmarshal(m.files["search/p-"+name+".json"], &shard); err != nil {
			t.Fatal(err)
		}
		return shard[term]
	}
	for _, tt := range []struct{ term, field string }{
		{"农民", "any"}, {"工资", "any"}, {"冬训", "any"}, {"县", "any"}, {"段简", "body"},
		{"#i:泾源县人民政府办公室", "issuer"}, {"#n:202321号", "docnum"}, {"#y:2023", "year"},
	} {
		var want []int
		var wantHead []bool
		for i, d := range order {
			head := strings.Contains(Normalize(d.Title+"|"+d.DocNumber+"|"+d.DocKey+"|"+strings.Join(d.Issuers, "|")), tt.term)
			var has bool
			switch tt.field {
			case "issuer":
				has = slices.Contains(d.Issuers, strings.TrimPrefix(tt.term, "#i:"))
			case "docnum":
				has = slices.Contains(docNumberKeys(d.DocNumber, d.DocKey), strings.TrimPrefix(tt.term, "#n:"))
			case "year":
				has = fmt.Sprint(d.Year) == strings.TrimPrefix(tt.term, "#y:")
			default:
				has = head || strings.Contains(Normalize(d.Body), tt.term)
			}
			if has {
				want = append(want, i)
				wantHead = append(wantHead, head)
			}
		}
		got, ws := decodePostings(t, lookup(tt.term))
		if !slices.Equal(got, want) {
			t.Errorf("%s: postings %v, want %v", tt.term, got, want)
			continue
		}
		if strings.HasPrefix(tt.term, "#") {
			continue
		}
		for i := range got {
			if (ws[i]&1 == 1) != wantHead[i] {
				t.Errorf("%s: document %d heading bit %d, want %v", tt.term, got[i], ws[i]&1, wantHead[i])
			}
			if ws[i]>>1 == 0 && !wantHead[i] {
				t.Errorf("%s: document %d listed with no weight", tt.term, got[i])
			}
		}
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct{ name, body, want string }{
		{"addressees skipped", "各县区人民政府，市政府各部门：\n\n现将《办法》印发给你们。", "现将《办法》印发给你们。"},
		{"white space collapsed", "第一条　为了\n\n规范管理，  制定本办法。", "第一条 为了 规范管理， 制定本办法。"},
		{"only an addressee line", "各乡镇：", "各乡镇："},
		{"long first line kept", strings.Repeat("长", 90) + "：\n正文", strings.Repeat("长", 80) + "…"},
		{"cut", strings.Repeat("字", 100), strings.Repeat("字", 80) + "…"},
		// The longest excerpt: four-byte characters, and a space that
		// takes the last place, so one more character follows it.
		{"four-byte characters, a space at the cut", strings.Repeat("𠀀", 79) + " " + strings.Repeat("𠀀", 5), strings.Repeat("𠀀", 79) + " 𠀀…"},
	}
	for _, tt := range tests {
		if got := excerpt(tt.body); got != tt.want {
			t.Errorf("%s: excerpt = %q, want %q", tt.name, got, tt.want)
		}
		// Every document's excerpt is held until the index is written:
		// one allocation of its own length, nothing else.
		if n := testing.AllocsPerRun(10, func() { excerpt(tt.body) }); n > 1 {
			t.Errorf("%s: %v allocations, want 1", tt.name, n)
		}
	}
}

func TestBuildWriteError(t *testing.T) {
	disk := errors.New("disk full")
	_, err := Build(fixtures, func(name string, data []byte) error {
		if strings.HasPrefix(name, "search/m-") {
			return disk
		}
		return nil
	})
	if !errors.Is(err, disk) || !strings.Contains(err.Error(), "search/m-") {
		t.Errorf("Build = %v, want the write error with the file's name", err)
	}
}

func TestBuildEmpty(t *testing.T) {
	var m memFS
	st, err := Build(nil, m.write)
	if err != nil {
		t.Fatal(err)
	}
	var man manifest
	if err := json.Unmarshal(m.files["search/manifest.json"], &man); err != nil {
		t.Fatal(err)
	}
	if st.Docs != 0 || man.Docs != 0 || len(man.Postings) != 1 || len(man.Meta) != 0 {
		t.Errorf("empty index: stats %+v, manifest %+v", st, man)
	}
}
