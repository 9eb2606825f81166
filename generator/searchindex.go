package generator

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"sync"
	"unsafe"

	"gazette/generator/search"
)

// searchIndex is the client-side search index being built: its documents'
// metadata, and the stream their text is fed into while bodies are scanned
// (see package search for the format).
type searchIndex struct {
	docs   []search.Doc // the site's documents, then the offices' pages
	stream *search.Stream
}

// newSearchIndex prepares the index of every document and office page.
// Bodies are weighed (BM25) by their Markdown length, known from loading.
func (s *Site) newSearchIndex(workers int) *searchIndex {
	docs := make([]search.Doc, len(s.Docs))
	var total int
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
			Size:      d.bodyLen,
		}
		for _, is := range d.Issuers {
			sd.Issuers = append(sd.Issuers, is.Name)
		}
		if d.Issue != nil && d.Issue.Gazette != nil {
			sd.Gazette = d.Issue.Gazette.Meta.Name
		}
		docs[i] = sd
		total += d.bodyLen
	}
	for _, od := range s.officeSearchDocs() {
		docs = append(docs, od)
		total += len(od.Body)
	}
	avgdl := 1.0
	if len(docs) > 0 && total > 0 {
		avgdl = float64(total) / float64(len(docs))
	}
	return &searchIndex{docs: docs, stream: search.NewStream(docs, avgdl, workers)}
}

// feed adds the text of every page of the index to its stream: one
// goroutine per stream worker, each taking its range in order. text(i,
// buf) appends document i's text to buf and returns it with the body's
// Markdown length (offices' pages carry their own); the next call's buf
// reuses those bytes. It stops when ctx ends; it returns the errors of
// text, sorted.
func (ix *searchIndex) feed(ctx context.Context, docs int, text func(i int, buf []byte) ([]byte, int, error)) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for w := range ix.stream.Workers() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// One buffer for the plain text of every body the worker
			// adds: Add keeps none of it (at 100k documents a text per
			// body was 1 GB of allocation in the scan).
			var buf []byte
			for _, i := range ix.stream.Range(w) {
				if ctx.Err() != nil {
					return
				}
				if i >= docs { // an office's page: its text is known
					body := ix.docs[i].Body
					ix.stream.Add(w, i, body, len(body))
					continue
				}
				t, n, err := text(i, buf[:0])
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					continue
				}
				ix.stream.Add(w, i, unsafe.String(unsafe.SliceData(t), len(t)), n)
				if buf = t; cap(buf) > 4<<20 { // an outsize body's is let go
					buf = nil
				}
			}
		}()
	}
	wg.Wait()
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() })
	return errors.Join(errs...)
}

// OfficeKind is the 文种 under which responsibility pages are indexed, so
// the search page's 文种 filter narrows results to tasks.
const OfficeKind = "责任分工"

// officeSearchDocs indexes each office's responsibility page: its name as
// the title (so a query for an office finds its page first) and the text,
// plan and deadline of every task it leads or supports as the body.
func (s *Site) officeSearchDocs() []search.Doc {
	if s.Plans == nil {
		return nil
	}
	out := make([]search.Doc, 0, len(s.Plans.Offices))
	// The bodies are held until the index is written: each an exact copy
	// of one buffer. A strings.Builder's string keeps the builder's spare
	// capacity; at 100k documents those strings were 24 MB of the heap
	// through the scan (a heap profile).
	var b []byte
	for _, o := range s.Plans.Offices {
		b = b[:0]
		for _, group := range [][]OfficePlan{o.Leads, o.Supports} {
			for _, op := range group {
				b = append(b, op.Plan.Doc.Meta.Title...)
				b = append(b, '\n')
				for _, t := range op.Tasks {
					b = append(b, t.Text...)
					if t.Deadline != "" {
						b = append(b, "（"...)
						b = append(b, t.Deadline...)
						b = append(b, "）"...)
					}
					b = append(b, '\n')
				}
			}
		}
		out = append(out, search.Doc{
			ID:      "offices/" + o.URL,
			URL:     o.URL,
			Title:   o.Name + "：牵头" + strconv.Itoa(o.NLead) + "项、配合" + strconv.Itoa(o.NSupp) + "项任务",
			Issuers: []string{o.Name},
			Kind:    OfficeKind,
			Body:    string(b),
		})
	}
	return out
}
