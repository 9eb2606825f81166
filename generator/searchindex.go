package generator

import (
	"gazette/generator/search"
)

// writeSearchIndex builds the client-side search index from the rendered
// documents into search/ (see package search for the format).
func (s *Site) writeSearchIndex(w *writer) (search.Stats, error) {
	docs := make([]search.Doc, len(s.Docs))
	for i, d := range s.Docs {
		sd := search.Doc{
			ID:        d.ID,
			URL:       d.URL,
			Title:     d.Meta.Title,
			DocNumber: d.Number(),
			DocKey:    d.Meta.DocNumber,
			Kind:      d.Kind,
			Year:      d.Year(),
			Date:      d.Date.String(),
			Body:      d.Text,
		}
		for _, is := range d.Issuers {
			sd.Issuers = append(sd.Issuers, is.Name)
		}
		if d.Issue != nil && d.Issue.Gazette != nil {
			sd.Gazette = d.Issue.Gazette.Meta.Name
		}
		docs[i] = sd
	}
	// The index is compact JSON already: write it as it is.
	return search.Build(docs, func(name string, data []byte) error { return w.write(name, "", data) })
}
