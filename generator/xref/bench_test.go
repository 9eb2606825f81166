package xref

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// benchIndex holds the documents of 张掖 2024 第2期 plus n made-up ones,
// so map sizes are those of a real archive.
func benchIndex(n int) *Index {
	ts := []Target{
		{ID: "zzf-2024-027", URL: "/z/27/", Title: "张掖市人民政府关于确定2023年度公共机构节能工作先进单位和先进个人的通知", DocNumber: "张政发〔2024〕27号"},
		{ID: "zzbf-2024-010", URL: "/z/10/", Title: "张掖市人民政府办公室关于印发张掖市保障农民工工资支付工作考核办法的通知", DocNumber: "张政办发〔2024〕10号"},
		{ID: "zzbf-2024-021", URL: "/z/21/", Title: "张掖市人民政府办公室关于印发《张掖市市级财政专项资金管理办法》的通知", DocNumber: "张政办发〔2024〕21号"},
		{ID: "zzbf-2024-023", URL: "/z/23/", Title: "张掖市人民政府办公室关于印发落实2024年省委省政府为民实事实施方案的通知", DocNumber: "张政办发〔2024〕23号"},
		{ID: "p8", URL: "/z/23/p8/", Title: "农村水利惠民工程实施方案", Parent: "zzbf-2024-023"},
	}
	for i := range n {
		ts = append(ts, Target{
			ID:        fmt.Sprintf("gen/%d", i),
			URL:       fmt.Sprintf("/gen/%d/", i),
			Title:     fmt.Sprintf("某某县人民政府办公室关于第%d项工作的通知", i),
			DocNumber: fmt.Sprintf("某政办发〔%d〕%d号", 2000+i%25, i),
		})
	}
	return NewIndex(ts)
}

func benchBody(b *testing.B) []byte {
	b.Helper()
	body, err := os.ReadFile("testdata/body.md")
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkExtract converts a realistic body (36 KB of 张掖 and 泾源 text
// with 30 citations) with citation extraction; compare with
// BenchmarkConvertPlain, the same conversion without xref.
func BenchmarkExtract(b *testing.B) {
	body := benchBody(b)
	md := newMarkdown()
	ix := benchIndex(5000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		pc := NewContext(ix, "zzbf-2024-023")
		if err := md.Convert(body, &buf, parser.WithContext(pc)); err != nil {
			b.Fatal(err)
		}
		if len(Citations(pc)) == 0 {
			b.Fatal("no citations")
		}
	}
}

func BenchmarkConvertPlain(b *testing.B) {
	body := benchBody(b)
	md := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.CJK, extension.DefinitionList))
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := md.Convert(body, &buf); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNewIndex(b *testing.B) {
	for b.Loop() {
		benchIndex(5000)
	}
}

// BenchmarkTransform times the transformer alone on a freshly parsed body.
func BenchmarkTransform(b *testing.B) {
	body := benchBody(b)
	p := goldmark.New(goldmark.WithExtensions(extension.GFM, extension.CJK, extension.DefinitionList)).Parser()
	ix := benchIndex(5000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		doc := p.Parse(text.NewReader(body))
		pc := NewContext(ix, "zzbf-2024-023")
		b.StartTimer()
		transformer{}.Transform(doc.(*ast.Document), text.NewReader(body), pc)
	}
}
