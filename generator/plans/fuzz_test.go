package plans

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// FuzzExtract feeds arbitrary bodies to Extract, seeded from the plans in
// testdata: it must not panic, and every task must have text or a unit,
// a line inside the body and an anchor of the form s<N>.
func FuzzExtract(f *testing.F) {
	addPlans(f, "jingyuan-jdbf-2023-020-plan-01.md", "wuwei-wzbf-2025-007-plan-01.md", "wuwei-wzbf-2025-007-plan-06.md")
	f.Add("（责\n\n任部门：教育体育局）")
	f.Add("牵头单位:**配合单位:实施单位:")
	f.Add("## 责任主体\n\n牵头单位：（（（")
	p := NewParser()
	f.Fuzz(func(t *testing.T, body string) {
		src := []byte(body)
		lines := strings.Count(body, "\n") + 1
		for _, tk := range Extract("方案", src, p.Parse(text.NewReader(src))) {
			if len(tk.Lead)+len(tk.Cooperating)+len(tk.Implementing) == 0 {
				t.Errorf("task without units: %+v", tk)
			}
			if tk.Line < 0 || tk.Line > lines {
				t.Errorf("line %d outside a body of %d lines", tk.Line, lines)
			}
			if tk.Anchor != "" && !strings.HasPrefix(tk.Anchor, "s") {
				t.Errorf("anchor %q", tk.Anchor)
			}
			_ = tk.Short()
		}
	})
}

// FuzzMayHaveTasks checks the quick test against what it stands for:
// wherever Extract finds a task in a valid UTF-8 body (content.Split
// makes sure of that), MayHaveTasks must be true.
func FuzzMayHaveTasks(f *testing.F) {
	addPlans(f, "jingyuan-jdbf-2023-020-plan-01.md", "wuwei-wzbf-2025-007-plan-01.md", "wuwei-wzbf-2025-007-plan-06.md")
	for _, s := range []string{
		"推进工作。（责\n\n任部门：教育体育局）",
		"> 推进工作。\n>\n> **牵头单\n> 位**\u3000\\:市教育局\n",
		"1. 推进工作。\n\n   配合部门:\n   市财政局",
		"| 序号 | **具体任务** | 协办单位 |\n|---|---|---|\n| 1 | 推进 \\| 落实 | 市 局 |\n",
		"任务 | 责任主体\n--- | ---\n推进 | 市局\n",
		"| 重点任务 | 牵头单位 |\n|---|---|\n| 推进 | 市局 |\n",
		"| 任　务 | 牵头单位 |\n|---|---|\n| 推进 | 市局 |\n",
		"> 1) 具体任务 | 责任单位\n>    --- | ---\n>    推进 | 市局\n",
	} {
		f.Add(s)
	}
	p := NewParser()
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) {
			// content.Split refuses such a file; Extract would put a
			// character split by a line break together again.
			return
		}
		src := []byte(body)
		if tasks := Extract("方案", src, p.Parse(text.NewReader(src))); len(tasks) > 0 && !MayHaveTasks(body) {
			t.Errorf("Extract found %d tasks (first %+v), MayHaveTasks is false", len(tasks), tasks[0])
		}
	})
}

// FuzzPlainText checks that NewParser's raw paragraphs change nothing:
// plainText, which reads a block's lines, must find the text goldmark's
// inline parser makes of them, for every heading, paragraph and table
// cell of a tree parsed without raw paragraphs; and the blocks of the
// two trees must be the same.
func FuzzPlainText(f *testing.F) {
	addPlans(f, "jingyuan-jdbf-2023-020-plan-01.md", "wuwei-wzbf-2025-007-plan-06.md")
	for _, s := range []string{
		"一行  \n二行\\\n三行 \\\\\n四行\r\n五行  \r\n六行\\\r\nend  ",
		"- 项目\n\t续行\n- \t二\n\n>\t引文\n> 二\n",
		"| 任务 | 牵头单位 |\n|---|---|\n| 推进 \\| 落实 | 市 局 |\n",
		"0\n-:\n-\n\n标题\n===\n\n  a\tb\t\n\n### 三  ###\n",
		"1. **一、**加粗\n   abc\n\n   def  \n",
		"[a]: /b\n段落\n[c]: /d\n\n> 引\n懒续行\n---\n术语\n: 定义\n<div>\nx\n</div>\n- a\n- b\n\n  c\n",
		"   [x]: /y 'title'\n段落\n\n[z]:\n/w\n\n> [q]: /r\n",
		"术语\n\n: 定义\n\n二\n: 定义\n\n三\n\n: \n",
		"段落\n| a | b |\n| - | - |\n| 1 | 2 |\n\n- 一\n  ===\n* 二\n  ---\n",
	} {
		f.Add(s)
	}
	raw, inline := newParser(true), newParser(false)
	f.Fuzz(func(t *testing.T, body string) {
		src := []byte(body)
		root := inline.Parse(text.NewReader(src))
		if got, want := blocksOf(src, raw.Parse(text.NewReader(src)), readAll), blocksOf(src, root, readAll); !reflect.DeepEqual(got, want) {
			t.Errorf("blocks with raw paragraphs\n%+v\nwithout\n%+v", got, want)
		}
		_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			switch n.(type) {
			case *ast.Heading, *ast.Paragraph, *ast.TextBlock, *east.TableCell:
				if entering {
					if got, want := plainText(n, src), inlineText(n, src); got != want {
						t.Errorf("%s: plainText %q, inline text %q", n.Kind(), got, want)
					}
				}
			}
			return ast.WalkContinue, nil
		})
	})
}

// inlineText is the text of a block as its inline text nodes hold it.
func inlineText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteString("\n")
			}
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return joinLines(b.String())
}

// addPlans adds the plans of testdata named by names to f's seed corpus.
func addPlans(f *testing.F, names ...string) {
	f.Helper()
	for _, name := range names {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
}
