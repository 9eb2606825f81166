package xref

import "sort"

// Missing is one 文号 cited but not in the archive, with how often and by
// whom: a line of the report of what an archivist should add next.
type Missing struct {
	Key     string   // canonical 文号
	Printed string   // the first printed form seen
	Title   string   // the first title seen with it, "" if always cited bare
	Count   int      // number of citations
	From    []string // IDs of the citing documents, sorted, no repeats
}

// Unresolved groups the unresolved citations of cs by 文号 key, most cited
// first, then by key. Citations without a key (bare titles) are never
// unresolved, so every group has one.
func Unresolved(cs []Citation) []Missing {
	at := map[string]int{}
	var out []Missing
	from := map[string]map[string]bool{}
	for _, c := range cs {
		if c.Resolved() || c.Key == "" {
			continue
		}
		i, ok := at[c.Key]
		if !ok {
			i = len(out)
			at[c.Key] = i
			out = append(out, Missing{Key: c.Key, Printed: c.Printed})
			from[c.Key] = map[string]bool{}
		}
		m := &out[i]
		m.Count++
		if m.Title == "" {
			m.Title = c.Title
		}
		if c.From != "" && !from[c.Key][c.From] {
			from[c.Key][c.From] = true
			m.From = append(m.From, c.From)
		}
	}
	for i := range out {
		sort.Strings(out[i].From)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Key < out[j].Key
	})
	return out
}

// CitedBy inverts resolved citations: for each target ID, the citations
// that point to it, in the order given.
func CitedBy(cs []Citation) map[string][]Citation {
	out := map[string][]Citation{}
	for _, c := range cs {
		if c.Resolved() {
			out[c.TargetID] = append(out[c.TargetID], c)
		}
	}
	return out
}
