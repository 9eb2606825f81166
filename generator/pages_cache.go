package generator

// Fragments rendered once per build. A listing line of a document is the
// same on its issuer's, year's and 文种's listing; the site header and
// footer are the same on nearly every page. Layouts mark such a fragment
// with the cached function:
//
//	{{cached "doclist-item" (ref $.Base .)}}   once per name and data
//	{{cached "site-header" . .NavURL}}         once per name and key
//
// It executes the named template of the same set, through html/template,
// the first time a name and key are asked for, and returns the result as
// template.HTML; later calls return that HTML again. The escaper treats
// the fragment as a template of its own that starts in HTML text, so a
// cached fragment must only be used where HTML text may stand (between
// elements, not inside an attribute, <script> or <title>), as any
// template.HTML must. It is then byte for byte what {{template}} would
// have written there.
//
// The cache lives as long as the parsed templates, which are parsed again
// for every site built (Build, Session.Prepare); templates.execute also
// empties it when a page of another Site comes along, so a fragment never
// outlives the documents it was made from. Nothing a fragment reads may
// change while pages are rendered; it is up to the layout to key a
// fragment by everything it shows that varies from page to page.

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"html/template"
	"sync"
	"sync/atomic"
)

// Ref pairs a value (a *Doc, an *Issuer, a task) with the base path, the
// data of a cached fragment that links to it. It is comparable, so it can
// be the fragment's key.
type Ref struct {
	Base string
	To   any
}

// fragKey names one cached fragment. A Ref key is kept as its parts, so
// the key holds no boxed copy of the Ref: the base path and the pointer it
// refers to are already held elsewhere.
type fragKey struct {
	name string
	ref  bool   // key is the To of a Ref with this base
	base string // the Ref's Base
	key  any
}

// fragShards is how many parts the cache is cut into, each with its own
// lock, so the workers of a build seldom wait for one another.
const fragShards = 32

// fragCache is one site's cached fragments: plain maps under locks rather
// than a sync.Map, whose every entry was three more objects for the
// collector to mark (a node, the boxed key and the boxed HTML). At 100k
// documents the fragments made by the end of the listings were some 1.3
// million objects that way.
type fragCache struct {
	seed   maphash.Seed
	shards [fragShards]fragShard
}

type fragShard struct {
	mu sync.RWMutex
	m  map[fragKey]template.HTML
}

func newFragCache() *fragCache {
	c := &fragCache{seed: maphash.MakeSeed()}
	for i := range c.shards {
		c.shards[i].m = map[fragKey]template.HTML{}
	}
	return c
}

// shard returns the part that holds k; a key that cannot be hashed (a
// slice, or a Ref to one) is an error, not a panic. Checking first with
// reflect would cost every lookup more than the lookup.
func (c *fragCache) shard(k fragKey) (sh *fragShard, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return &c.shards[maphash.Comparable(c.seed, k)%fragShards], nil
}

// fragments is the cache of one template set.
type fragments struct {
	t    *template.Template
	site atomic.Pointer[Site]
	mu   sync.Mutex // held to replace m
	m    atomic.Pointer[fragCache]
}

func newFragments() *fragments {
	f := &fragments{}
	f.m.Store(newFragCache())
	return f
}

// bind makes the cache the cache of site s, emptying it if it held
// another site's fragments.
func (f *fragments) bind(s *Site) {
	if f.site.Load() == s {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if old := f.site.Swap(s); old != nil && old != s {
		f.m.Store(newFragCache())
	}
}

// cached is the template function: the fragment name executed with data,
// once per name and key (data itself when no key is given).
func (f *fragments) cached(name string, data any, key ...any) (template.HTML, error) {
	k := data
	switch len(key) {
	case 0:
	case 1:
		k = key[0]
	default:
		return "", fmt.Errorf("cached %q: one key at most, got %d", name, len(key))
	}
	fk := fragKey{name: name, key: k}
	if r, ok := k.(Ref); ok {
		fk = fragKey{name: name, ref: true, base: r.Base, key: r.To}
	}
	sh, err := f.m.Load().shard(fk)
	if err != nil {
		return "", fmt.Errorf("cached %q: the key (%T) is not comparable; pass a key", name, k)
	}
	sh.mu.RLock()
	v, ok := sh.m[fk]
	sh.mu.RUnlock()
	if ok {
		return v, nil
	}
	b := fragBufs.Get().(*bytes.Buffer)
	defer func() {
		if b.Cap() <= 64<<10 { // an outsize fragment's buffer is let go
			b.Reset()
			fragBufs.Put(b)
		}
	}()
	if err := f.t.ExecuteTemplate(b, name, data); err != nil {
		return "", err
	}
	// Two pages may make the same fragment at once; both made the same
	// bytes, so whichever is stored first serves. The fragment is a copy
	// of its length: a strings.Builder's string would keep the builder's
	// doubled capacity. At 100k documents the listing lines held near the
	// end of the listings were 120 MB that way, 87 MB as copies.
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if v, ok := sh.m[fk]; ok {
		return v, nil
	}
	v = template.HTML(b.String())
	sh.m[fk] = v
	return v, nil
}

// fragBufs recycles the buffers fragments are executed into.
var fragBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}
