package generator

import (
	"context"
	"os"
	"reflect"
	"testing"
	"unsafe"

	"gazette/generator/content"
)

// TestCompactMeta: packing the front matter of the shipped archive's
// documents changes no value, and leaves no string pointing into the
// decoder's copy.
func TestCompactMeta(t *testing.T) {
	s, ps := Load(context.Background(), DefaultConfig(), os.DirFS("../content"), "content/")
	if ps.HasErrors() {
		t.Fatal(ps)
	}
	before := make([]content.Document, len(s.Docs))
	kinds := make([]string, len(s.Docs))
	places := make([][2]string, len(s.Docs))
	for i, d := range s.Docs {
		before[i], kinds[i], places[i] = d.Meta, d.Kind, [2]string{d.Section, d.PageLabel}
	}
	issues := make([]content.Issue, len(s.Issues))
	sections := make([][]IssueSection, len(s.Issues))
	for i, is := range s.Issues {
		issues[i] = is.Meta
		for _, sec := range is.Sections {
			sections[i] = append(sections[i], IssueSection{Title: sec.Title, Entries: append([]IssueEntry(nil), sec.Entries...)})
		}
	}
	s.compactMeta()
	for i, is := range s.Issues {
		if !reflect.DeepEqual(is.Meta, issues[i]) {
			t.Errorf("%s: issue front matter changed\n got %+v\nwant %+v", is.File, is.Meta, issues[i])
		}
		if !reflect.DeepEqual(is.Sections, sections[i]) {
			t.Errorf("%s: table of contents changed\n got %+v\nwant %+v", is.File, is.Sections, sections[i])
		}
		for j, sec := range is.Sections {
			if sec.Title != "" && unsafe.StringData(sec.Title) != unsafe.StringData(is.Meta.Sections[j].Title) {
				t.Errorf("%s: section %q not the packed string", is.File, sec.Title)
			}
		}
	}
	attachments := 0
	for i, d := range s.Docs {
		if !reflect.DeepEqual(d.Meta, before[i]) {
			t.Errorf("%s: front matter changed\n got %+v\nwant %+v", d.File, d.Meta, before[i])
		}
		if got := [2]string{d.Section, d.PageLabel}; got != places[i] {
			t.Errorf("%s: section and page label %q, want %q", d.File, got, places[i])
		}
		if d.Kind != kinds[i] {
			t.Errorf("%s: kind %q, want %q", d.File, d.Kind, kinds[i])
		}
		shared := func(what, a, b string) {
			if a != "" && unsafe.StringData(a) == unsafe.StringData(b) {
				t.Errorf("%s: %s still shares the decoder's bytes", d.File, what)
			}
		}
		shared("title", d.Meta.Title, before[i].Title)
		for j := range d.Meta.Issuers {
			shared("issuer", d.Meta.Issuers[j], before[i].Issuers[j])
		}
		for j := range d.Meta.Attachments {
			shared("attachment", d.Meta.Attachments[j].Title, before[i].Attachments[j].Title)
			attachments++
		}
	}
	if attachments == 0 {
		t.Error("the shipped archive has no attachments: the test needs some")
	}
}

// TestPackDocument: every field of a document survives packing.
func TestPackDocument(t *testing.T) {
	yes := true
	m := content.Document{
		Title: "关于印发《张掖市节水行动方案》的通知", DocNumber: "张政发〔2020〕3号", DocNumberPrinted: "张政发[2020]3号",
		Issuers: []string{"张掖市人民政府", "中共张掖市委"}, Kind: "通知", Addressees: []string{"各县区人民政府"},
		Section: "市政府文件", Page: 3, Parent: "zhangye/2024-02/zzf-2024-001", IndexNumber: "01-2020-003",
		SourceURL: "http://127.0.0.1/a", Publisher: "张掖市人民政府办公室", Category: "综合政务", Disclosure: "主动公开",
		Validity: "有效", Flags: []string{"repealed"}, Slug: "jieshui",
		Attachments: []content.Attachment{{Title: "节水行动方案", Included: &yes, Note: "见正文"}},
		Tasks: []content.Task{{Text: "推进节水", Heading: "一、重点任务", Lead: []string{"市水务局"}, Cooperating: []string{"市发改委", "市财政局"},
			Implementing: []string{"各县区"}, Deadline: "2020年底前", Amount: "100万元"}},
		Import: content.Provenance{File: "seeds/000.txt", Lines: []int{12, 40}, SHA256: "ab12"},
	}
	m.DateSigned.Time = m.DateSigned.AddDate(2020, 0, 0)
	// Every field is set: a field added to Document fails this loop until
	// it is set here too, and the comparison below then covers it.
	v := reflect.ValueOf(m)
	for i := range v.NumField() {
		if v.Field(i).IsZero() && v.Type().Field(i).Name != "DatePublished" {
			t.Fatalf("field %s is not set in the test document", v.Type().Field(i).Name)
		}
	}
	want := m
	want.Tasks = append([]content.Task(nil), m.Tasks...)
	var p packer
	got := p.document(m)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("packed\n got %+v\nwant %+v", got, want)
	}
	if &got.Tasks[0] == &m.Tasks[0] || &got.Issuers[0] == &m.Issuers[0] || unsafe.StringData(got.Tasks[0].Lead[0]) == unsafe.StringData(m.Tasks[0].Lead[0]) {
		t.Error("the packed document shares memory with the original")
	}
}
