package plans

import (
	"os"
	"strings"
	"testing"

	"github.com/yuin/goldmark/text"
)

// FuzzExtract feeds arbitrary bodies to Extract, seeded from the plans in
// testdata: it must not panic, and every task must have text or a unit,
// a line inside the body and an anchor of the form s<N>.
func FuzzExtract(f *testing.F) {
	for _, name := range []string{"jingyuan-jdbf-2023-020-plan-01.md", "wuwei-wzbf-2025-007-plan-01.md", "wuwei-wzbf-2025-007-plan-06.md"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data))
	}
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
