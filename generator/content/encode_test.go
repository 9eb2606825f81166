package content

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestMarshalRoundTrip(t *testing.T) {
	no := false
	tests := []struct {
		name string
		v    any
		want []string // lines the front matter must hold
	}{
		{
			name: "document",
			v: &Document{
				Title:         "关于印发《泾源县教育质量提升行动实施方案》的通知",
				DocNumber:     "泾党办发〔2023〕31号",
				Issuers:       []string{"中共泾源县委办公室", "泾源县人民政府办公室"},
				DateSigned:    Date{Time: time.Date(2023, 3, 17, 0, 0, 0, 0, time.UTC)},
				DatePublished: Date{Time: time.Date(2025, 3, 13, 17, 1, 0, 0, time.UTC), HasClock: true},
				Flags:         []string{`title: "quality" read as 质量`},
				Attachments:   []Attachment{{Title: "a \"quoted\" \\ title"}, {Title: "略", Included: &no}},
				Import:        Provenance{File: "002.txt", Lines: []int{3, 9}, SHA256: "ab"},
			},
			want: []string{`date_signed = 2023-03-17`, `date_published = 2025-03-13T17:01:00`, `[[attachments]]`, `included = false`, `[import]`, `lines = [3, 9]`},
		},
		{
			name: "issue",
			v: &Issue{
				Year: 2024, Number: 2, Cumulative: 210,
				Date:     Date{Time: time.Date(2024, 3, 8, 0, 0, 0, 0, time.UTC)},
				Editors:  []Editor{{Role: "主任", Names: []string{"赵立香"}}},
				Sections: []Section{{Title: "市政府文件", Entries: []Entry{{Title: "x", Page: 3, Doc: "zzf-2024-027"}}}},
			},
			want: []string{`[[sections]]`, `[[sections.entries]]`, `page = 3`, `[[editors]]`},
		},
		{
			name: "gazette",
			v:    &Gazette{Name: "张掖市人民政府公报", Contact: Contact{Website: "http://www.zhangye.gov.cn"}},
			want: []string{`name = "张掖市人民政府公报"`, `[contact]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := Marshal(tt.v, "body\n")
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(string(data), "\n"+w+"\n") {
					t.Errorf("front matter lacks %q:\n%s", w, data)
				}
			}
			got := reflect.New(reflect.TypeOf(tt.v).Elem()).Interface()
			body, _, problems := Decode("x.md", data, got)
			if problems.HasErrors() {
				t.Fatalf("decode: %v\n%s", problems, data)
			}
			if body != "\nbody\n" {
				t.Errorf("body = %q", body)
			}
			if !reflect.DeepEqual(got, tt.v) {
				t.Errorf("round trip differs:\n got %+v\nwant %+v\n%s", got, tt.v, data)
			}
		})
	}
}

func TestEncodeTOMLRejectsNonStruct(t *testing.T) {
	if _, err := EncodeTOML(3); err == nil {
		t.Error("EncodeTOML(3) = nil error")
	}
}
