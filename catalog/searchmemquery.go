package catalog

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/quangba/quangba/catalog/vntext"
)

// memFilter is a query's conditions on the in-memory narrow rows, with
// the same meaning as searchFilter's SQL.
type memFilter struct {
	none                        bool // no document can match
	kind, status, shape         uint32
	hasKind, hasStatus, hasShap bool
	orgs                        []int64
	themeOK                     []bool // by interned themes; nil: any
	subsHas, subsLacks, incompl []bool // by interned list; nil: any
	photo                       uint32
	captured                    bool // dates on coalesce(captured_at, '')
	lo, hi                      string
	loKey, hiKey                uint64 // packTime of lo and hi
	hasLo, hasHi, needDate      bool
	sha                         map[uint32]bool // nil: any
}

func newMemFilter(ix *memData, q SearchQuery, shaSlots map[uint32]bool) *memFilter {
	f := &memFilter{photo: ix.strs.lookup(KindPhoto), sha: shaSlots}
	if q.Kind != "" {
		f.kind, f.hasKind = ix.strs.lookup(q.Kind), true
	}
	if q.Status != "" {
		f.status, f.hasStatus = ix.strs.lookup(q.Status), true
	}
	if q.Orientation != "" {
		f.shape, f.hasShap = ix.strs.lookup(q.Orientation), true
	}
	for _, o := range []int64{q.OrgID, q.VisibleOrg} {
		if o != 0 {
			f.orgs = append(f.orgs, o)
		}
	}
	if len(q.Themes) > 0 {
		var pats []string
		for _, t := range q.Themes {
			t = strings.TrimSpace(t)
			if t == "" || strings.ContainsAny(t, " \t\n") {
				continue
			}
			pats = append(pats, t)
		}
		if len(pats) == 0 {
			f.none = true
		}
		f.themeOK = ix.strs.table(func(themes string) bool {
			for _, t := range pats {
				if strings.Contains(" "+themes+" ", " "+t+" ") || strings.Contains(" "+themes, " "+t+"/") {
					return true
				}
			}
			return false
		})
	}
	if q.HasSubtitle != "" {
		w := langWord(q.HasSubtitle)
		f.subsHas = ix.strs.table(func(s string) bool { return strings.Contains(" "+s, w) })
	}
	if q.LacksSubtitle != "" {
		w := langWord(q.LacksSubtitle)
		f.subsLacks = ix.strs.table(func(s string) bool { return !strings.Contains(" "+s, w) })
	}
	if q.Incomplete != "" {
		w := langWord(q.Incomplete)
		f.incompl = ix.strs.table(func(s string) bool { return !strings.Contains(" "+s, w) })
	}
	f.captured = q.DateField == DateCaptured
	const bound = "2006-01-02T15:04:05"
	if q.From != nil {
		y, m, d := q.From.Date()
		f.lo, f.hasLo = time.Date(y, m, d, 0, 0, 0, 0, q.From.Location()).UTC().Format(bound), true
		f.loKey = packTime(f.lo)
	}
	if q.To != nil {
		y, m, d := q.To.Date()
		f.hi, f.hasHi = time.Date(y, m, d+1, 0, 0, 0, 0, q.To.Location()).UTC().Format(bound), true
		f.hiKey = packTime(f.hi)
		f.needDate = f.captured
	}
	return f
}

// table evaluates pred on every interned value.
func (n *interner) table(pred func(string) bool) []bool {
	out := make([]bool, len(n.strs))
	for i, s := range n.strs {
		out[i] = pred(s)
	}
	return out
}

func (f *memFilter) match(ix *memData, s uint32) bool {
	if !ix.alive[s] ||
		f.hasKind && ix.kind[s] != f.kind ||
		f.hasStatus && ix.status[s] != f.status ||
		f.hasShap && ix.shape[s] != f.shape ||
		f.themeOK != nil && !f.themeOK[ix.themes[s]] ||
		f.subsHas != nil && !f.subsHas[ix.subs[s]] ||
		f.subsLacks != nil && (ix.kind[s] == f.photo || !f.subsLacks[ix.subs[s]]) ||
		f.incompl != nil && !f.incompl[ix.complete[s]] ||
		f.sha != nil && !f.sha[s] {
		return false
	}
	for _, o := range f.orgs {
		if ix.org[s] != o {
			return false
		}
	}
	if f.hasLo || f.hasHi {
		d, k := ix.created[s], ix.createdKey[s]
		if f.captured {
			d, k = ix.captured[s], ix.capturedKey[s]
		}
		// A bound is 19 characters: a time equal to it up to the second
		// is not before it.
		if k != 0 && (!f.hasLo || f.loKey != 0) && (!f.hasHi || f.hiKey != 0) {
			return !(f.hasLo && k < f.loKey || f.hasHi && k >= f.hiKey)
		}
		if f.hasLo && d < f.lo || f.hasHi && d >= f.hi || f.needDate && d == "" {
			return false
		}
	}
	return true
}

// phrase is one word of the query: a term, or (prefix) any term starting
// with it.
type phrase struct {
	word   string
	prefix bool
}

func phrases(words []string, last string) []phrase {
	out := make([]phrase, len(words))
	for i, w := range words {
		out[i] = phrase{w, w == last}
	}
	return out
}

// hitList is the slots (ascending) a phrase occurs in, with counts.
type hitList struct {
	slots []uint32
	tf    []uint16
}

var accPool = sync.Pool{New: func() any { return new([]uint16) }}

// hits lists where the phrase occurs, dead slots included.
func (t *termIndex) hits(p phrase, nSlots int) hitList {
	if !p.prefix {
		if id, ok := t.ids[p.word]; ok {
			return hitList{t.post[id].slots, t.post[id].tf}
		}
		return hitList{}
	}
	terms := t.prefixRange(p.word)
	switch len(terms) {
	case 0:
		return hitList{}
	case 1:
		ps := &t.post[terms[0]]
		return hitList{ps.slots, ps.tf}
	}
	accp := accPool.Get().(*[]uint16)
	defer accPool.Put(accp)
	if cap(*accp) < nSlots {
		*accp = make([]uint16, nSlots)
	}
	acc := (*accp)[:nSlots]
	lo, hi := nSlots, 0
	for _, term := range terms {
		ps := &t.post[term]
		for i, s := range ps.slots {
			n := uint16(1)
			if ps.tf != nil {
				n = ps.tf[i]
			}
			acc[s] = uint16(min(int(acc[s])+int(n), 65535))
		}
		if len(ps.slots) > 0 {
			lo, hi = min(lo, int(ps.slots[0])), max(hi, int(ps.slots[len(ps.slots)-1])+1)
		}
	}
	var out hitList
	for s := lo; s < hi; s++ {
		if n := acc[s]; n > 0 {
			out.slots = append(out.slots, uint32(s))
			out.tf = append(out.tf, n)
			acc[s] = 0
		}
	}
	return out
}

// liveCount is the number of live slots in the list.
func (ix *memData) liveCount(h hitList) int {
	if ix.nDead == 0 {
		return len(h.slots)
	}
	n := 0
	for _, s := range h.slots {
		if ix.alive[s] {
			n++
		}
	}
	return n
}

// intersect walks the slots in every list, calling fn with each and its
// position in every list.
func intersect(lists []hitList, fn func(s uint32, pos []int)) {
	if len(lists) == 0 {
		return
	}
	order := make([]int, len(lists))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return len(lists[a].slots) - len(lists[b].slots) })
	pos := make([]int, len(lists))
	first := lists[order[0]]
outer:
	for i, s := range first.slots {
		pos[order[0]] = i
		for _, li := range order[1:] {
			l := lists[li].slots
			j := pos[li]
			for n := 0; n < 4 && j < len(l) && l[j] < s; n++ {
				j++
			}
			if j < len(l) && l[j] < s {
				// gallop, then binary search
				step := 1
				for j+step < len(l) && l[j+step] < s {
					j += step
					step *= 2
				}
				hi := min(j+step+1, len(l))
				k, _ := slices.BinarySearch(l[j:hi], s)
				j += k
			}
			pos[li] = j
			if j >= len(l) {
				return
			}
			if l[j] != s {
				continue outer
			}
		}
		fn(s, pos)
	}
}

// memResult is what one search computes in memory.
type memResult struct {
	page   []int64 // docids
	next   string
	facets map[string]map[string]int
	total  int
}

type rankedHit struct {
	slot  uint32
	exact bool
	score float64
}

// memSearch runs q on the index (read-locked by the caller).
func (ix *memData) memSearch(q SearchQuery, text searchText, cur *searchCursor, shaSlots map[uint32]bool) memResult {
	f := newMemFilter(ix, q, shaSlots)
	var res memResult
	if f.none {
		res.facets = ix.countFacets(nil)
		return res
	}
	var matched []uint32
	var hits []rankedHit
	if text.empty() {
		for s := range ix.docid {
			if f.match(ix, uint32(s)) {
				matched = append(matched, uint32(s))
			}
		}
	} else {
		matched, hits = ix.textMatches(q, text, f)
	}
	res.total = len(matched)
	res.facets = ix.countFacets(matched)
	if q.Sort == SortRelevance {
		res.page, res.next = ix.relevancePage(q, hits, cur)
	} else {
		res.page, res.next = ix.datePage(q, matched, cur)
	}
	return res
}

// textMatches lists the slots passing f whose folded text has every word
// (the last as a prefix), with their ranking when the order is relevance.
func (ix *memData) textMatches(q SearchQuery, text searchText, f *memFilter) ([]uint32, []rankedHit) {
	nSlots := len(ix.docid)
	lastExact := text.exact[len(text.exact)-1]
	folded := phrases(text.folded, strings.ToLower(vntext.Fold(lastExact)))
	lists := make([]hitList, len(folded))
	for i, p := range folded {
		lists[i] = ix.folded.hits(p, nSlots)
		if len(lists[i].slots) == 0 {
			return nil, nil
		}
	}
	smallest := len(lists[0].slots)
	for _, l := range lists {
		smallest = min(smallest, len(l.slots))
	}
	matched := make([]uint32, 0, smallest)
	var tfs [][]uint16 // by phrase, aligned with matched
	rank := q.Sort == SortRelevance
	if rank {
		tfs = make([][]uint16, len(folded))
		for i := range tfs {
			tfs[i] = make([]uint16, 0, smallest)
		}
	}
	intersect(lists, func(s uint32, pos []int) {
		if !f.match(ix, s) {
			return
		}
		matched = append(matched, s)
		if rank {
			for i, p := range pos {
				tfs[i] = append(tfs[i], lists[i].tf[p])
			}
		}
	})
	if !rank || len(matched) == 0 {
		return matched, nil
	}
	// Exact matches (diacritics as typed) rank first.
	exact := phrases(text.exact, lastExact)
	elists := make([]hitList, len(exact))
	isExact := make([]bool, len(matched))
	ok := true
	for i, p := range exact {
		elists[i] = ix.exact.hits(p, nSlots)
		ok = ok && len(elists[i].slots) > 0
	}
	if ok {
		elists = append(elists, hitList{slots: matched})
		last := len(elists) - 1
		intersect(elists, func(_ uint32, pos []int) { isExact[pos[last]] = true })
	}
	// bm25 as FTS5 computes it (fts5_aux.c), in the same order of
	// operations; variables, not constants, so that k1 + 1.0 rounds as
	// in C, and conversions keep the compiler from fusing multiply-adds.
	k1, b := 1.2, 0.75
	nRow := float64(ix.nRows)
	avgdl := float64(ix.nTokens) / nRow
	idf := make([]float64, len(folded))
	for i := range folded {
		nHit := float64(ix.liveCount(lists[i]))
		v := math.Log((nRow - nHit + 0.5) / (nHit + 0.5))
		if v <= 0.0 {
			v = 1e-6
		}
		idf[i] = v
	}
	hits := make([]rankedHit, len(matched))
	for j, s := range matched {
		D := float64(ix.dlen[s])
		norm := float64(k1 * float64(1-b+float64(b*D)/avgdl))
		score := 0.0
		for i := range folded {
			fq := float64(tfs[i][j])
			score += float64(idf[i] * (float64(fq*(k1+1.0)) / float64(fq+norm)))
		}
		hits[j] = rankedHit{slot: s, exact: isExact[j], score: -1.0 * score}
	}
	return matched, hits
}

func (ix *memData) relevancePage(q SearchQuery, hits []rankedHit, cur *searchCursor) ([]int64, string) {
	offset := 0
	if cur != nil {
		offset = cur.Offset
	}
	if offset >= len(hits) {
		return nil, ""
	}
	k := offset + q.Limit
	before := func(a, b int) bool {
		x, y := &hits[a], &hits[b]
		if x.exact != y.exact {
			return x.exact
		}
		if x.score != y.score {
			return x.score < y.score
		}
		return ix.assetID[x.slot] > ix.assetID[y.slot]
	}
	top := topK(len(hits), k, before)
	page := make([]int64, 0, len(top)-offset)
	for _, i := range top[offset:] {
		page = append(page, ix.docid[hits[i].slot])
	}
	if len(hits) <= k {
		return page, ""
	}
	return page, searchCursor{Sort: q.Sort, Offset: k}.encode()
}

func (ix *memData) datePage(q SearchQuery, matched []uint32, cur *searchCursor) ([]int64, string) {
	key, packed := ix.created, ix.createdKey
	if q.Sort == SortCaptured {
		key, packed = ix.captured, ix.capturedKey
	}
	cand := matched
	if cur != nil {
		cand = make([]uint32, 0, len(matched))
		curKey := packTime(cur.Key)
		for _, s := range matched {
			if c := cmpTime(key[s], packed[s], cur.Key, curKey); c < 0 || c == 0 && ix.assetID[s] < cur.ID {
				cand = append(cand, s)
			}
		}
	}
	before := func(a, b int) bool {
		x, y := cand[a], cand[b]
		if c := cmpTime(key[x], packed[x], key[y], packed[y]); c != 0 {
			return c > 0
		}
		return ix.assetID[x] > ix.assetID[y]
	}
	top := topK(len(cand), q.Limit+1, before)
	page := make([]int64, 0, len(top))
	for _, i := range top {
		page = append(page, ix.docid[cand[i]])
	}
	if len(top) <= q.Limit {
		return page, ""
	}
	last := cand[top[q.Limit-1]]
	return page[:q.Limit], searchCursor{Sort: q.Sort, Key: key[last], ID: ix.assetID[last]}.encode()
}

// topK returns the best k of 0..n-1 in order (before(a, b): a ranks
// first).
func topK(n, k int, before func(a, b int) bool) []int {
	cmp := func(a, b int) int {
		if before(a, b) {
			return -1
		}
		if before(b, a) {
			return 1
		}
		return 0
	}
	if k >= n/2 {
		all := make([]int, n)
		for i := range all {
			all[i] = i
		}
		slices.SortFunc(all, cmp)
		return all[:min(k, n)]
	}
	// A heap of the best k so far, the worst at its root.
	h := make([]int, 0, k)
	down := func(i int) {
		for {
			w := i
			for _, c := range []int{2*i + 1, 2*i + 2} {
				if c < len(h) && before(h[w], h[c]) {
					w = c
				}
			}
			if w == i {
				return
			}
			h[i], h[w] = h[w], h[i]
			i = w
		}
	}
	for x := range n {
		if len(h) < k {
			h = append(h, x)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !before(h[p], h[i]) {
					break
				}
				h[p], h[i] = h[i], h[p]
				i = p
			}
			continue
		}
		if before(x, h[0]) {
			h[0] = x
			down(0)
		}
	}
	slices.SortFunc(h, cmp)
	return h
}

// countFacets counts the slots by kind, status, organisation and theme.
func (ix *memData) countFacets(matched []uint32) map[string]map[string]int {
	facets := map[string]map[string]int{FacetTheme: {}, FacetKind: {}, FacetStatus: {}, FacetOrganisation: {}}
	if len(matched) == 0 {
		return facets
	}
	n := len(ix.strs.strs)
	kinds, statuses, themes := make([]int, n), make([]int, n), make([]int, n)
	orgs := make([]int, len(ix.orgIDs))
	for _, s := range matched {
		kinds[ix.kind[s]]++
		statuses[ix.status[s]]++
		themes[ix.themes[s]]++
		orgs[ix.orgIdx[s]]++
	}
	for id, c := range kinds {
		if c > 0 {
			facets[FacetKind][ix.strs.strs[id]] += c
		}
	}
	for id, c := range statuses {
		if c > 0 {
			facets[FacetStatus][ix.strs.strs[id]] += c
		}
	}
	for id, c := range themes {
		if c > 0 {
			for _, t := range themeFacetKeys(ix.strs.strs[id]) {
				facets[FacetTheme][t] += c
			}
		}
	}
	for i, c := range orgs {
		if c > 0 {
			facets[FacetOrganisation][ix.orgNames[ix.orgIDs[i]]] += c
		}
	}
	return facets
}

// shaDocs lists the documents of the assets with this hash.
func (d *DB) shaDocs(ctx context.Context, sha string) ([]int64, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT s.docid FROM assets a JOIN asset_search_docs s ON s.asset_id = a.id WHERE a.sha256 = ?", sha)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}
