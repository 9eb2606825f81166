package generator

import (
	"slices"
	"sort"

	"gazette/generator/xref"
)

// Cite is a citation with its documents resolved, for templates.
type Cite struct {
	xref.Citation
	From   *Doc // the citing document
	Target *Doc // the cited document, nil when not in the archive
}

// Repealed reports whether the relation is a repeal (废止).
func (c Cite) Repealed() bool { return c.Relation == xref.RelRepeals }

// Issues reports whether the relation is 印发 (a notice issuing a plan).
func (c Cite) Issues() bool { return c.Relation == xref.RelIssues }

// xrefIndex indexes every document for citation resolution. Target URLs
// carry the base path, since they are written into pages as they are.
func (s *Site) xrefIndex() *xref.Index { return xref.NewIndex(s.xrefTargets()) }

// xrefTargets are what citations resolve against, one per document.
func (s *Site) xrefTargets() []xref.Target {
	targets := make([]xref.Target, 0, len(s.Docs))
	base := s.base()
	for _, d := range s.Docs {
		t := xref.Target{ID: d.ID, URL: base + d.URL, Title: d.Meta.Title, DocNumber: d.Meta.DocNumber}
		if t.DocNumber == "" {
			t.DocNumber = d.Meta.DocNumberPrinted
		}
		if d.Parent != nil {
			t.Parent = d.Parent.ID
		}
		targets = append(targets, t)
	}
	return targets
}

// linkCitations fills Cites, CitedBy and RepealedBy from the citations
// found while rendering, and the site's list of unresolved 文号.
func (s *Site) linkCitations(found [][]xref.Citation) {
	var missing []xref.Citation // what Missing groups
	for i, d := range s.Docs {
		// Room for all of d's citations first: CitedBy points into Cites,
		// which must not move.
		d.Cites = slices.Grow(d.Cites, len(found[i]))
		for _, c := range found[i] {
			c.Line += d.BodyLine - 1
			cite := Cite{Citation: c, From: d, Target: s.byID[c.TargetID]}
			if cite.Target == nil {
				// The citing sentence is shown only under 被引用, on
				// the cited document's page: an archive of 100k
				// documents need not hold it for what is missing.
				cite.Sentence = ""
				d.Cites = append(d.Cites, cite)
				if c.Key != "" {
					missing = append(missing, cite.Citation)
				}
				continue
			}
			d.Cites = append(d.Cites, cite)
			cite.Target.CitedBy = append(cite.Target.CitedBy, &d.Cites[len(d.Cites)-1])
			if c.Relation == xref.RelRepeals && !contains(cite.Target.RepealedBy, d) {
				cite.Target.RepealedBy = append(cite.Target.RepealedBy, d)
			}
		}
	}
	for _, d := range s.Docs {
		sort.SliceStable(d.CitedBy, func(i, j int) bool { return d.CitedBy[i].From.ID < d.CitedBy[j].From.ID })
	}
	s.citations = missing
}

// Missing lists the 文号 cited in the archive but not in it, most cited
// first. It is worked out on first use: a preview that never shows it
// does not pay for it.
func (s *Site) Missing() []xref.Missing {
	s.missingOnce.Do(func() { s.missing = xref.Unresolved(s.citations) })
	return s.missing
}

// ResolvedCites are the citations of d that link into the archive, one per
// target.
func (d *Doc) ResolvedCites() []Cite {
	var out []Cite
	seen := map[*Doc]bool{}
	for _, c := range d.Cites {
		if c.Target != nil && !seen[c.Target] {
			seen[c.Target] = true
			out = append(out, c)
		}
	}
	return out
}

// MissingCites are the citations of d whose 文号 is not in the archive
// (未收录), one per 文号.
func (d *Doc) MissingCites() []Cite {
	var out []Cite
	seen := map[string]bool{}
	for _, c := range d.Cites {
		if c.Target == nil && c.Key != "" && !seen[c.Key] {
			seen[c.Key] = true
			out = append(out, c)
		}
	}
	return out
}

// MissingReportSize is how many unresolved 文号 the report page lists.
const MissingReportSize = 500

// MissingTop is the head of Missing shown on the report page.
func (s *Site) MissingTop() []xref.Missing {
	if m := s.Missing(); len(m) > MissingReportSize {
		return m[:MissingReportSize]
	}
	return s.Missing()
}
