package content

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"time"
)

// Benchmarks of the front-matter path every build takes once per file.
// Inputs are the shipped archive (../../content, real documents imported
// from the seeds) and a synthetic document shaped like the scale corpus's
// average (docs/scale.md): about 9.5 KB of Chinese Markdown with headings,
// a table, attachments and plan tasks.
//
//	go test ./generator/content -run '^$' -bench . -benchmem

// benchFile is one input: a name and the bytes of a content file.
type benchFile struct {
	name string
	data []byte
}

// benchSet is a named set of inputs, benchmarked together.
type benchSet struct {
	name  string
	files []benchFile
}

// benchInputs returns the synthetic document and, when present, every
// shipped document (not _gazette.md or _issue.md) as one set.
func benchInputs(tb testing.TB) []benchSet {
	tb.Helper()
	in := []benchSet{{"synthetic", []benchFile{{"synthetic.md", syntheticDocument(tb)}}}}
	fsys := os.DirFS("../../content")
	var shipped []benchFile
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path.Ext(p) != ".md" || KindOf(path.Base(p)) != KindDocument {
			return err
		}
		data, err := fs.ReadFile(fsys, p)
		if err == nil {
			shipped = append(shipped, benchFile{p, data})
		}
		return err
	})
	if err == nil && len(shipped) > 0 {
		in = append(in, benchSet{"shipped", shipped})
	}
	return in
}

// syntheticDocument is a plan of about 9.5 KB like the scale corpus makes.
func syntheticDocument(tb testing.TB) []byte {
	tb.Helper()
	sentences := []string{
		"推动农业品牌创新发展是加快农业强市建设的迫切需要，是农业高质量发展的内在要求，也是促进扩大消费的必然要求。",
		"聚焦品种培优、品质升级、品牌打造、全产业链标准化生产等关键环节，加强“三品一标”认证管理，农产品质量安全水平持续提升。",
		"按照《张掖市人民政府办公室关于印发张掖市市级财政专项资金管理办法的通知》（张政办发〔2024〕21号）要求，严格资金使用管理。",
		"各县区定期组织开展检查，全面掌握项目建设进度，协调解决项目施工困难，确保项目顺利实施、如期完成。",
	}
	var b strings.Builder
	b.WriteString("为深入贯彻落实《国务院办公厅关于印发“十四五”推进农业农村现代化规划的通知》（国发〔2021〕25号），结合我市实际，制定本方案。\n\n")
	for part := 1; b.Len() < 8200; part++ {
		fmt.Fprintf(&b, "## %d、总体要求\n\n%s\n\n", part, sentences[part%4])
		for sec := 1; sec <= 3; sec++ {
			fmt.Fprintf(&b, "### （%d）重点任务\n\n%s%s\n\n", sec, sentences[sec%4], sentences[(sec+part)%4])
		}
		if part%2 == 0 {
			b.WriteString("| 序号 | 重点任务 | 牵头单位 | 完成时限 |\n| --- | --- | --- | --- |\n")
			for i := 1; i <= 5; i++ {
				fmt.Fprintf(&b, "| %d | 建设高标准农田 | 市农业农村局 | %d月底前 |\n", i, 5+i)
			}
			b.WriteString("\n")
		}
	}
	doc := Document{
		Title:         "张掖市农业品牌发展实施方案（2024—2026年）",
		DocNumber:     "张政办发〔2024〕23号",
		Issuers:       []string{"中共张掖市委办公室", "张掖市人民政府办公室"},
		Kind:          "方案",
		DateSigned:    Date{Time: time.Date(2024, 2, 25, 0, 0, 0, 0, time.UTC)},
		DatePublished: Date{Time: time.Date(2024, 3, 1, 10, 30, 0, 0, time.UTC), HasClock: true},
		Addressees:    []string{"各县区人民政府", "市政府各部门", "市直各单位"},
		Parent:        "zhangye/2024-02/zzbf-2024-023",
		Attachments:   []Attachment{{Title: "重点任务分解表"}, {Title: "项目汇总表", Note: "略"}},
		Tasks: []Task{
			{Text: "建设高标准农田", Heading: "（一）夯实产业基础", Lead: []string{"市农业农村局"}, Cooperating: []string{"市财政局", "市自然资源局"}, Deadline: "2024年12月底前"},
			{Text: "培育区域公用品牌", Heading: "（二）打造知名品牌", Lead: []string{"市农业农村局"}, Implementing: []string{"各县区人民政府"}, Amount: "500万元"},
		},
	}
	data, err := Marshal(doc, b.String())
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func BenchmarkSplit(b *testing.B) {
	for _, set := range benchInputs(b) {
		files := set.files
		b.Run(set.name, func(b *testing.B) {
			b.SetBytes(totalBytes(files))
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range files {
					if _, _, _, err := Split(f.data); err != nil {
						b.Fatalf("%s: %v", f.name, err)
					}
				}
			}
		})
	}
}

func BenchmarkDecodeDocument(b *testing.B) {
	for _, set := range benchInputs(b) {
		files := set.files
		b.Run(set.name, func(b *testing.B) {
			b.SetBytes(totalBytes(files))
			b.ReportAllocs()
			for b.Loop() {
				for _, f := range files {
					var d Document
					if _, _, problems := Decode(f.name, f.data, &d); problems.HasErrors() {
						b.Fatal(problems)
					}
				}
			}
		})
	}
}

func BenchmarkMarshalDocument(b *testing.B) {
	data := syntheticDocument(b)
	var d Document
	body, _, problems := Decode("synthetic.md", data, &d)
	if problems.HasErrors() {
		b.Fatal(problems)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Marshal(&d, body); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSyntheticDocument keeps the benchmark input honest: it decodes to
// what was encoded and has the scale corpus's average size.
func TestSyntheticDocument(t *testing.T) {
	data := syntheticDocument(t)
	if n := len(data); n < 8500 || n > 10500 {
		t.Errorf("synthetic document is %d bytes, want about 9,500", n)
	}
	var d Document
	body, _, problems := Decode("synthetic.md", data, &d)
	if err := problems.Err(); err != nil {
		t.Fatal(err)
	}
	if len(d.Tasks) != 2 || len(d.Attachments) != 2 || !strings.Contains(body, "| 序号 |") {
		t.Errorf("decoded %d tasks, %d attachments, table in body %v", len(d.Tasks), len(d.Attachments), strings.Contains(body, "| 序号 |"))
	}
}

func totalBytes(files []benchFile) int64 {
	var n int64
	for _, f := range files {
		n += int64(len(f.data))
	}
	return n
}
