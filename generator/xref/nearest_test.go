package xref

import "testing"

// Two cities each have a 农村水利惠民工程实施方案: a notice's citation of
// the title resolves to the plan it issued, and a bare citation elsewhere to
// the one nearest in the content tree.
func TestByTitleFromSharedTitle(t *testing.T) {
	ix := NewIndex([]Target{
		{ID: "documents/wuwei/2025/n/plan-10", Title: "农村水利惠民工程实施方案", Parent: "documents/wuwei/2025/n"},
		{ID: "zhangye/2024-02/n/plan-08", Title: "农村水利惠民工程实施方案", Parent: "zhangye/2024-02/n"},
	})
	for _, tc := range []struct{ from, want string }{
		{"zhangye/2024-02/n", "zhangye/2024-02/n/plan-08"},
		{"documents/wuwei/2025/n", "documents/wuwei/2025/n/plan-10"},
		{"zhangye/2024-03/x", "zhangye/2024-02/n/plan-08"},
		{"", "documents/wuwei/2025/n/plan-10"},
	} {
		got, ok := ix.ByTitleFrom("《农村水利惠民工程实施方案》", tc.from)
		if !ok || got.ID != tc.want {
			t.Errorf("from %q: got %q (%v), want %q", tc.from, got.ID, ok, tc.want)
		}
	}
}
