package generator

import (
	"slices"

	"gazette/generator/content"
	"gazette/generator/internal/arena"
)

// packer copies what a build keeps of each document's front matter into
// arenas (see package arena). The TOML decoder's strings point into the
// whole front matter it was given, made in a loading worker among the
// decoder's garbage; the copies are packed, and the originals become
// garbage with the loaded files. Not safe for concurrent use.
type packer struct {
	strs  arena.Strings
	lists arena.Slices[string]
}

// compactMeta replaces each document's and issue's front matter by a
// packed copy. A build calls it once the loaded files are dropped: a
// Session keeps them, and the copies would only add to them.
func (s *Site) compactMeta() {
	var p packer
	for _, d := range s.Docs {
		old := d.Meta.Kind
		d.Meta = p.document(d.Meta)
		if d.Kind == old {
			d.Kind = d.Meta.Kind
		}
		// From its issue's table of contents, packed below.
		d.Section, d.PageLabel = p.strs.String(d.Section), p.strs.String(d.PageLabel)
	}
	for _, is := range s.Issues {
		is.Meta = p.issue(is.Meta)
		// link made is.Sections from the table of contents, one for one:
		// the same strings, now packed. (Were they not one for one, the
		// old strings would stay, which costs only memory.)
		if len(is.Sections) != len(is.Meta.Sections) {
			continue
		}
		for i := range is.Sections {
			sec, meta := &is.Sections[i], is.Meta.Sections[i]
			if len(sec.Entries) != len(meta.Entries) {
				continue
			}
			sec.Title = meta.Title
			for j := range sec.Entries {
				sec.Entries[j].Entry = meta.Entries[j]
			}
		}
	}
}

// issue returns a copy of m whose strings are in p's arenas.
func (p *packer) issue(m content.Issue) content.Issue {
	m.NumberLabel, m.DateKind, m.Slug = p.strs.String(m.NumberLabel), p.strs.String(m.DateKind), p.strs.String(m.Slug)
	if m.Editors != nil {
		m.Editors = slices.Clone(m.Editors)
		for i := range m.Editors {
			e := &m.Editors[i]
			e.Role, e.Names = p.strs.String(e.Role), p.list(e.Names)
		}
	}
	if m.Sections != nil {
		m.Sections = slices.Clone(m.Sections)
		for i := range m.Sections {
			sec := &m.Sections[i]
			sec.Title = p.strs.String(sec.Title)
			if sec.Entries == nil {
				continue
			}
			sec.Entries = slices.Clone(sec.Entries)
			for j := range sec.Entries {
				e := &sec.Entries[j]
				for _, f := range []*string{&e.Title, &e.DocNumber, &e.PageLabel, &e.Doc} {
					*f = p.strs.String(*f)
				}
			}
		}
	}
	return m
}

// document returns a copy of m whose strings and lists are in p's arenas.
func (p *packer) document(m content.Document) content.Document {
	for _, f := range []*string{&m.Title, &m.DocNumber, &m.DocNumberPrinted, &m.Kind, &m.Section, &m.Parent,
		&m.IndexNumber, &m.SourceURL, &m.Publisher, &m.Category, &m.Disclosure, &m.Validity, &m.Slug,
		&m.Import.File, &m.Import.SHA256} {
		*f = p.strs.String(*f)
	}
	m.Issuers = p.list(m.Issuers)
	m.Addressees = p.list(m.Addressees)
	m.Flags = p.list(m.Flags)
	m.Import.Lines = slices.Clip(slices.Clone(m.Import.Lines))
	if m.Attachments != nil {
		m.Attachments = slices.Clone(m.Attachments)
		for i := range m.Attachments {
			a := &m.Attachments[i]
			a.Title, a.Note = p.strs.String(a.Title), p.strs.String(a.Note)
		}
	}
	if m.Tasks != nil {
		m.Tasks = slices.Clone(m.Tasks)
		for i := range m.Tasks {
			t := &m.Tasks[i]
			for _, f := range []*string{&t.Text, &t.Heading, &t.Deadline, &t.Amount} {
				*f = p.strs.String(*f)
			}
			t.Lead, t.Cooperating, t.Implementing = p.list(t.Lead), p.list(t.Cooperating), p.list(t.Implementing)
		}
	}
	return m
}

// list copies l and its strings.
func (p *packer) list(l []string) []string {
	c := p.lists.Copy(l)
	for i := range c {
		c[i] = p.strs.String(c[i])
	}
	return c
}
