// Package content is gazette's content model: the three kinds of file under
// content/, their TOML front matter, and the strict decoder that turns them
// into Go values with file:line errors.
//
// # Layout
//
//	content/<gazette>/_gazette.md              a gazette (公报): name, sponsor, frequency
//	content/<gazette>/<year>-<nn>/_issue.md    an issue (期): masthead and printed TOC
//	content/<gazette>/<year>-<nn>/<doc>.md     a document printed in that issue
//	content/<gazette>/<year>-<nn>/<doc>/<p>.md a plan issued by <doc>.md (parent = its ID)
//	content/documents/**/<doc>.md              a document not published in an issue
//	content/_aliases.toml                      name aliases (issuers, offices), see below
//
// A document belongs to the issue whose _issue.md sits in its folder or the
// nearest folder above it. Its ID is its path below content/ without ".md"
// (zhangye/2024-02/zzf-2024-027); its URL is the ID with a trailing slash,
// each segment replaced by the `slug` key if given. Segments that are not
// lower-case ASCII letters, digits, '-', '_' or '.' get a stable hash-based
// slug, so URLs are ASCII and depend only on the file's own path.
//
// # Front matter
//
// Every file starts with TOML between two lines of "+++". Keys are checked
// strictly: an unknown key, a wrong type, a bad date or a missing required
// field is an error at the line it stands on. Dates are TOML local dates
// (2024-02-25) or strings in that form; date-times are accepted where noted.
//
// Gazette (_gazette.md):
//
//	name        string   required  张掖市人民政府公报
//	name_en     string             GAZETTE OF ZHANGYE MUNICIPAL PEOPLE'S GOVERNMENT
//	region      string             张掖市
//	supervisor  string             主管 张掖市人民政府
//	sponsor     string             主办 张掖市人民政府办公室
//	publisher   string             编辑出版 泾源县人民政府公报室
//	frequency   string             月刊, 双月刊, 季刊 … as printed
//	statement   string             ●本刊所登文件与正式文件具有同等效力
//	slug        string             URL segment override
//	[contact]   address, postcode, phone, fax, email, website, printer (strings)
//
// Issue (_issue.md):
//
//	year          int     required  2024
//	number        int     required  2 (第2期)
//	number_label  string            第02期, when printed otherwise than 第N期
//	cumulative    int               210 (总第210期)
//	date          date    required  2024-03-08
//	date_kind     string            "printed" (印刷) or "published" (出版)
//	slug          string            URL segment override
//	[[editors]]   role (主任, 编委, 主编 …), names ([]string)
//	[[sections]]  title (栏目, required), in printed order
//	  [[sections.entries]]  title (required), doc_number, page (int),
//	                        page_label ("01"), doc (the document's ID, or its
//	                        file name without .md when in the issue folder)
//
// Document (any other .md file):
//
//	title               string    required  full title, no healed-break spaces
//	doc_number          string              canonical 文号: 张政办发〔2024〕10号
//	doc_number_printed  string              the form the document itself printed
//	issuers             []string  required  发文机关, one or more (joint issuance)
//	kind                string              文种 (通知, 方案, 办法 …); from the title if empty
//	date_signed         date                成文日期
//	date_published      date/time           发布日期
//	addressees          []string            主送机关
//	section             string              栏目, when not given by the issue TOC
//	page                int                 printed page, when not given by the issue TOC
//	parent              string              ID of the notice that issued this document,
//	                                        e.g. "zhangye/2024-02/zzbf-2024-023"
//	index_number        string              索引号
//	source_url          string              original web address
//	publisher           string              发布机构 as the web page names it
//	category            string              组配分类
//	disclosure          string              此件公开发布 / 主动公开
//	validity            string              有效性 (有效, 失效, 废止 …)
//	flags               []string            repairs made at import, kept visible
//	slug                string              URL segment override
//	[[attachments]]     title (required), included (bool, default true), note
//	[[tasks]]           plan tasks: text, heading, lead, cooperating,
//	                    implementing ([]string), deadline, amount (strings)
//	[import]            file, lines ([2]int), sha256: provenance of an import
//
// The body is Markdown (CommonMark + GFM tables + definition lists). Raw HTML
// in it is never rendered.
package content

import (
	"time"
)

// Kind tells which of the three file kinds a content file is.
type Kind int

const (
	KindDocument Kind = iota
	KindGazette
	KindIssue
)

// File names with a meaning of their own.
const (
	GazetteFile = "_gazette.md"
	IssueFile   = "_issue.md"
)

// KindOf returns the kind of a content file from its base name.
func KindOf(base string) Kind {
	switch base {
	case GazetteFile:
		return KindGazette
	case IssueFile:
		return KindIssue
	}
	return KindDocument
}

// Gazette is a gazette series (公报).
type Gazette struct {
	Name       string  `toml:"name"`
	NameEn     string  `toml:"name_en"`
	Region     string  `toml:"region"`
	Supervisor string  `toml:"supervisor"`
	Sponsor    string  `toml:"sponsor"`
	Publisher  string  `toml:"publisher"`
	Frequency  string  `toml:"frequency"`
	Statement  string  `toml:"statement"`
	Slug       string  `toml:"slug"`
	Contact    Contact `toml:"contact"`
}

// Contact is a gazette's colophon.
type Contact struct {
	Address  string `toml:"address"`
	Postcode string `toml:"postcode"`
	Phone    string `toml:"phone"`
	Fax      string `toml:"fax"`
	Email    string `toml:"email"`
	Website  string `toml:"website"`
	Printer  string `toml:"printer"`
}

// Issue is one issue (期) of a gazette.
type Issue struct {
	Year        int       `toml:"year"`
	Number      int       `toml:"number"`
	NumberLabel string    `toml:"number_label"`
	Cumulative  int       `toml:"cumulative"`
	Date        Date      `toml:"date"`
	DateKind    string    `toml:"date_kind"`
	Slug        string    `toml:"slug"`
	Editors     []Editor  `toml:"editors"`
	Sections    []Section `toml:"sections"`
}

// Editor is one line of an editorial board.
type Editor struct {
	Role  string   `toml:"role"`
	Names []string `toml:"names"`
}

// Section is a 栏目 of an issue's printed table of contents.
type Section struct {
	Title   string  `toml:"title"`
	Entries []Entry `toml:"entries"`
}

// Entry is one printed TOC line.
type Entry struct {
	Title     string `toml:"title"`
	DocNumber string `toml:"doc_number"`
	Page      int    `toml:"page"`
	PageLabel string `toml:"page_label"`
	Doc       string `toml:"doc"`
}

// Document is one official document, report, chronicle or list.
type Document struct {
	Title            string       `toml:"title"`
	DocNumber        string       `toml:"doc_number"`
	DocNumberPrinted string       `toml:"doc_number_printed"`
	Issuers          []string     `toml:"issuers"`
	Kind             string       `toml:"kind"`
	DateSigned       Date         `toml:"date_signed"`
	DatePublished    Date         `toml:"date_published"`
	Addressees       []string     `toml:"addressees"`
	Section          string       `toml:"section"`
	Page             int          `toml:"page"`
	Parent           string       `toml:"parent"`
	IndexNumber      string       `toml:"index_number"`
	SourceURL        string       `toml:"source_url"`
	Publisher        string       `toml:"publisher"`
	Category         string       `toml:"category"`
	Disclosure       string       `toml:"disclosure"`
	Validity         string       `toml:"validity"`
	Flags            []string     `toml:"flags"`
	Slug             string       `toml:"slug"`
	Attachments      []Attachment `toml:"attachments"`
	Tasks            []Task       `toml:"tasks"`
	Import           Provenance   `toml:"import"`
}

// Attachment is a 附件 named by a document.
type Attachment struct {
	Title    string `toml:"title"`
	Included *bool  `toml:"included"`
	Note     string `toml:"note"`
}

// IsIncluded reports whether the attachment's text is in the document
// (true unless included = false).
func (a Attachment) IsIncluded() bool { return a.Included == nil || *a.Included }

// Task is one assignment of work in a plan.
type Task struct {
	Text         string   `toml:"text"`
	Heading      string   `toml:"heading"`
	Lead         []string `toml:"lead"`
	Cooperating  []string `toml:"cooperating"`
	Implementing []string `toml:"implementing"`
	Deadline     string   `toml:"deadline"`
	Amount       string   `toml:"amount"`
}

// Provenance records where an imported file came from.
type Provenance struct {
	File   string `toml:"file"`
	Lines  []int  `toml:"lines"`
	SHA256 string `toml:"sha256"`
}

// Date is a calendar date, optionally with a time of day. The zero Date
// means "not given".
type Date struct {
	time.Time
	HasClock bool
}

// UnmarshalTOML accepts a TOML local date, local date-time, offset
// date-time, or a string "2006-01-02" / "2006-01-02 15:04".
func (d *Date) UnmarshalTOML(v any) error {
	switch v := v.(type) {
	case time.Time:
		d.Time = time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), 0, time.UTC)
		d.HasClock = v.Hour() != 0 || v.Minute() != 0 || v.Second() != 0
		return nil
	case string:
		for _, layout := range []string{"2006-01-02", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02T15:04:05"} {
			if t, err := time.Parse(layout, v); err == nil {
				d.Time = t
				d.HasClock = layout != "2006-01-02"
				return nil
			}
		}
		return &dateError{v}
	}
	return &dateError{}
}

type dateError struct{ s string }

func (e *dateError) Error() string {
	if e.s == "" {
		return "is not a date: write it as 2024-02-25"
	}
	return "\"" + e.s + "\" is not a date: write it as 2024-02-25"
}

// String formats the date as 2024-02-25 (with " 15:04" when it has a clock),
// or "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.HasClock {
		return d.Format("2006-01-02 15:04")
	}
	return d.Format("2006-01-02")
}

// Chinese formats the date as 2024年2月25日.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return d.Format("2006年1月2日")
}
