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

// compactMeta replaces each document's front matter by a packed copy. A
// build calls it once the loaded files are dropped: a Session keeps them,
// and the copies would only add to them.
func (s *Site) compactMeta() {
	var p packer
	for _, d := range s.Docs {
		old := d.Meta.Kind
		d.Meta = p.document(d.Meta)
		if d.Kind == old {
			d.Kind = d.Meta.Kind
		}
	}
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
