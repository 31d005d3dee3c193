package catalog

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"weak"
)

// The facets and total of a query depend only on the narrow search rows,
// the text index and the organisations' names. Every change to those bumps
// search_generation (triggers, migration 0008) in the writing transaction,
// so cached counts are valid while the generation they were computed at is
// still the current one.

// Bounds on what one catalogue's cache holds; beyond them it starts over.
const (
	maxCachedFacets = 512     // queries
	maxCachedRanked = 2 << 20 // document ids of ranked matches, all queries together
)

type facetEntry struct {
	facets map[string]map[string]int
	total  int
}

type facetCache struct {
	mu      sync.Mutex
	gen     int64
	entries map[string]facetEntry
	ranked  map[string][]int64 // relevance order of the whole matching set, by query
	nRanked int
	pages   map[string]pageEntry // date-ordered pages, by query and cursor
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
	c.gen, c.entries, c.ranked, c.nRanked, c.pages = gen, nil, nil, 0, nil
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

// DropSearchCache forgets the cached facets, as a write would; benchmarks
// use it to time searches that miss the cache.
func (d *DB) DropSearchCache() {
	c := d.facetCache()
	c.mu.Lock()
	c.gen, c.entries, c.ranked, c.nRanked, c.pages = -1, nil, nil, 0, nil
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

// cachedFacets returns the facets and total of f, from the cache when
// nothing has changed since they were counted at generation gen. The maps
// returned are copies: callers may change them.
func (d *DB) cachedFacets(ctx context.Context, f *searchFilter, gen int64) (map[string]map[string]int, int, error) {
	key := facetKey(f)
	c := d.facetCache()
	c.mu.Lock()
	e, ok := c.entries[key]
	ok = ok && c.gen == gen
	c.mu.Unlock()
	if ok {
		return copyFacets(e.facets), e.total, nil
	}
	facets, total, err := d.searchFacets(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	c.mu.Lock()
	if c.current(gen) {
		if c.entries == nil || len(c.entries) >= maxCachedFacets {
			c.entries = map[string]facetEntry{}
		}
		c.entries[key] = facetEntry{facets: copyFacets(facets), total: total}
	}
	c.mu.Unlock()
	return facets, total, nil
}

// cachedRanking returns the documents matching f with text in relevance
// order, from the cache when nothing has changed since generation gen.
// The slice is shared: callers must not change it.
func (d *DB) cachedRanking(ctx context.Context, f *searchFilter, gen int64) ([]int64, error) {
	key := facetKey(f) + "\x00exact:" + f.text.exactMatch()
	c := d.facetCache()
	c.mu.Lock()
	ids, ok := c.ranked[key]
	ok = ok && c.gen == gen
	c.mu.Unlock()
	if ok {
		return ids, nil
	}
	ids, err := d.searchRanking(ctx, f)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.current(gen) && len(ids) <= maxCachedRanked {
		if c.ranked == nil || c.nRanked+len(ids) > maxCachedRanked || len(c.ranked) >= maxCachedFacets {
			c.ranked, c.nRanked = map[string][]int64{}, 0
		}
		c.ranked[key], c.nRanked = ids, c.nRanked+len(ids)
	}
	c.mu.Unlock()
	return ids, nil
}

// cachedSortedPage returns a date-ordered page (documents and the next
// cursor), from the cache when nothing has changed since generation gen.
func (d *DB) cachedSortedPage(ctx context.Context, q SearchQuery, f *searchFilter, cur *searchCursor, gen int64) ([]int64, string, error) {
	key := fmt.Sprintf("%s\x00sort:%s\x00limit:%d\x00cursor:%s", facetKey(f), q.Sort, q.Limit, q.Cursor)
	c := d.facetCache()
	c.mu.Lock()
	e, ok := c.pages[key]
	ok = ok && c.gen == gen
	c.mu.Unlock()
	if ok {
		return e.docs, e.next, nil
	}
	docs, next, err := d.sortedPage(ctx, q, f, cur)
	if err != nil {
		return nil, "", err
	}
	c.mu.Lock()
	if c.current(gen) {
		if c.pages == nil || len(c.pages) >= maxCachedFacets {
			c.pages = map[string]pageEntry{}
		}
		c.pages[key] = pageEntry{docs: docs, next: next}
	}
	c.mu.Unlock()
	return docs, next, nil
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
