package xref

import (
	"strings"
	"testing"
	"unsafe"
)

func TestPack(t *testing.T) {
	tests := []struct {
		name  string
		cites []Citation
	}{
		{"none", nil},
		{"printed in sentence, title and key in printed", []Citation{{
			Sentence: "根据《张掖市节水行动方案》（张政发〔2020〕3号）同时废止。",
			Printed:  "《张掖市节水行动方案》（张政发〔2020〕3号）",
			Title:    "张掖市节水行动方案",
			Key:      "张政发〔2020〕3号",
		}}},
		{"nothing shared", []Citation{{
			Sentence: "……依照有关规定执行。",
			Printed:  "《某某办法》",
			Title:    "某某 办法",
			Key:      "KEY-1",
		}}},
		{"empty fields", []Citation{
			{Printed: "张政发〔2020〕3号", Key: "张政发〔2020〕3号"},
			{Sentence: "只有句子。"},
			{},
		}},
		{"several", []Citation{
			{Sentence: "按照《甲》执行。", Printed: "《甲》", Title: "甲", From: "a", TargetID: "b", Line: 3},
			{Sentence: "按照《甲》执行。", Printed: "《甲》", Title: "甲", Relation: RelRepeals},
			{Sentence: "见国办发〔2023〕33号。", Printed: "国办发〔2023〕33号", Key: "国办发〔2023〕33号"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := append([]Citation(nil), tt.cites...)
			got := append([]Citation(nil), tt.cites...)
			pack(got)
			for i := range want {
				if got[i] != want[i] {
					t.Errorf("citation %d\n got %+v\nwant %+v", i, got[i], want[i])
				}
			}
			// Every non-empty string lies in one backing array.
			var lo, hi uintptr
			size := 0
			for _, c := range got {
				for _, s := range []string{c.Sentence, c.Printed, c.Title, c.Key} {
					if s == "" {
						continue
					}
					p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
					if lo == 0 || p < lo {
						lo = p
					}
					hi = max(hi, p+uintptr(len(s)))
					size += len(s)
				}
			}
			if span := int(hi - lo); span > size {
				t.Errorf("strings span %d bytes, more than the %d they hold: not one allocation", span, size)
			}
		})
	}
}

func TestPackAllocs(t *testing.T) {
	cites := make([]Citation, 20)
	for i := range cites {
		cites[i] = Citation{Sentence: strings.Repeat("字", 40), Printed: "《办法》", Title: "办法", Key: "国办发〔2023〕33号"}
	}
	// The offsets and the one string, however many citations.
	if n := testing.AllocsPerRun(10, func() { pack(cites) }); n != 2 {
		t.Errorf("pack: %v allocations, want 2", n)
	}
}
