package catalog

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"weak"
)

// The facets, total and page of a query depend only on the narrow search
// rows, the text index and the organisations' names. Every change to those
// bumps search_generation (triggers, migration 0008) in the writing
// transaction, so cached results are valid while the generation they were
// computed at is still the current one. A miss is computed from the
// in-memory index (searchmem.go), brought up to that generation first.

// Bound on what one catalogue's cache holds; beyond it it starts over.
const maxCachedFacets = 512 // queries

type facetEntry struct {
	facets map[string]map[string]int
	total  int
}

type facetCache struct {
	mu      sync.Mutex
	gen     int64
	entries map[string]facetEntry // by query, order and page
	pages   map[string]pageEntry  // the page's documents and next cursor, same keys
}

type pageEntry struct {
	docs []int64
	next string
}

// current makes the cache hold generation gen's counts; it reports false
// when gen is older than what the cache holds (then nothing is stored).
// c.mu is held.
func (c *facetCache) current(gen int64) bool {
	if c.gen == gen {
		return true
	}
	if gen < c.gen {
		return false
	}
	c.gen, c.entries, c.pages = gen, nil, nil
	return true
}

// facetCaches holds one cache per open DB, dropped when the DB is
// collected.
var facetCaches sync.Map // weak.Pointer[DB] → *facetCache

func (d *DB) facetCache() *facetCache {
	key := weak.Make(d)
	if c, ok := facetCaches.Load(key); ok {
		return c.(*facetCache)
	}
	c, loaded := facetCaches.LoadOrStore(key, &facetCache{gen: -1})
	if !loaded {
		runtime.AddCleanup(d, func(k weak.Pointer[DB]) { facetCaches.Delete(k) }, key)
	}
	return c.(*facetCache)
}

// DropSearchCache forgets the cached results (not the in-memory index,
// which follows writes by itself); benchmarks use it to time searches that
// miss the cache.
func (d *DB) DropSearchCache() {
	c := d.facetCache()
	c.mu.Lock()
	c.gen, c.entries, c.pages = -1, nil, nil
	c.mu.Unlock()
}

// searchGeneration is the number of changes to what searches read so far.
func (d *DB) searchGeneration(ctx context.Context) (int64, error) {
	var n int64
	err := d.db.QueryRowContext(ctx, "SELECT n FROM search_generation").Scan(&n)
	return n, err
}

// facetKey identifies the matching set: every condition with its values,
// and the text.
func facetKey(f *searchFilter) string {
	var b strings.Builder
	b.WriteString(f.whereSQL())
	for _, a := range f.args {
		fmt.Fprintf(&b, "\x00%T:%v", a, a)
	}
	if !f.text.empty() {
		b.WriteString("\x00text:" + f.text.foldedMatch())
	}
	return b.String()
}

// memSearchCached answers q from the cache when nothing has changed since
// it was computed, else from the in-memory index (brought up to date
// first). It returns the page's documents and the rest of the result; ok
// false: the index is being loaded, ask SQLite.
func (d *DB) memSearchCached(ctx context.Context, q SearchQuery, text searchText, cur *searchCursor) (page []int64, res SearchResult, ok bool, err error) {
	gen, err := d.searchGeneration(ctx)
	if err != nil {
		return nil, SearchResult{}, false, err
	}
	f := newSearchFilter(q, text)
	key := facetKey(f)
	pageKey := fmt.Sprintf("%s\x00sort:%s\x00limit:%d\x00cursor:%s", key, q.Sort, q.Limit, q.Cursor)
	if !text.empty() {
		pageKey += "\x00exact:" + text.exactMatch()
	}
	c := d.facetCache()
	c.mu.Lock()
	e, okF := c.entries[pageKey]
	p, okP := c.pages[pageKey]
	hit := okF && okP && c.gen >= gen
	c.mu.Unlock()
	if hit {
		return p.docs, SearchResult{Facets: copyFacets(e.facets), Total: e.total, Next: p.next}, true, nil
	}
	var sha map[uint32]bool
	var shaDocs []int64
	if q.SHA256 != "" {
		if shaDocs, err = d.shaDocs(ctx, q.SHA256); err != nil {
			return nil, SearchResult{}, false, err
		}
	}
	ix, err := d.readIndex(ctx, gen, false)
	if ix == nil || err != nil {
		return nil, SearchResult{}, false, err
	}
	if q.SHA256 != "" {
		sha = map[uint32]bool{}
		for _, docid := range shaDocs {
			if s, ok := ix.slotOf[docid]; ok {
				sha[s] = true
			}
		}
	}
	r := ix.memSearch(q, text, cur, sha)
	gen = ix.gen
	ix.mu.RUnlock()
	c.mu.Lock()
	if c.current(gen) {
		if c.entries == nil || len(c.entries) >= maxCachedFacets {
			c.entries, c.pages = map[string]facetEntry{}, map[string]pageEntry{}
		}
		c.entries[pageKey] = facetEntry{facets: copyFacets(r.facets), total: r.total}
		c.pages[pageKey] = pageEntry{docs: r.page, next: r.next}
	}
	c.mu.Unlock()
	return r.page, SearchResult{Facets: r.facets, Total: r.total, Next: r.next}, true, nil
}

func copyFacets(m map[string]map[string]int) map[string]map[string]int {
	out := make(map[string]map[string]int, len(m))
	for k, v := range m {
		inner := make(map[string]int, len(v))
		for kk, n := range v {
			inner[kk] = n
		}
		out[k] = inner
	}
	return out
}
