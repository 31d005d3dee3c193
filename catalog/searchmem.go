package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"weak"

	"github.com/quangba/quangba/catalog/vntext"
)

// Search is served from memory: one index per open catalogue holds the
// narrow rows of asset_search_docs in compact columns and an inverted
// index over the same text as the FTS table (exact and folded forms,
// tokenized as unicode61 does), so that matching, ranking (bm25 as FTS5
// computes it) and facet counts are passes over slices. SQLite stays the
// source of truth: a search first reads search_generation, and when it
// moved applies the documents recorded in search_changes since the last
// sequence read (migration 0011), whichever process wrote them.

// memIndex is the in-memory search index. Documents live in slots; a
// document whose text changes moves to a new slot (postings stay sorted by
// slot, appended at the end), and dead slots are dropped by compaction.
type memIndex struct {
	mu      sync.RWMutex
	loading bool // a full load runs in the background
	*memData
}

type memData struct {
	loaded bool
	gen    int64 // search_generation the index reflects (at least)
	seq    int64 // last search_changes sequence applied

	// By slot.
	docid    []int64
	assetID  []string
	kind     []uint32 // interned strings
	status   []uint32
	themes   []uint32
	shape    []uint32
	complete []uint32
	subs     []uint32
	org      []int64
	orgIdx   []uint32 // org's position in orgIDs
	created  []string
	captured []string // coalesce(captured_at, '')
	// The dates packed into numbers in the same order (0: not in the
	// usual form, compare the strings), see packTime.
	createdKey, capturedKey []uint64
	dlen                    []uint32 // tokens in both columns of the FTS row
	hasRow                  []bool   // the document has text in the FTS table
	alive                   []bool
	textSum                 []uint64

	orgIDs  []int64
	orgPos  map[int64]uint32
	slotOf  map[int64]uint32 // docid → live slot
	nDead   int
	nRows   int64 // FTS rows (live slots with text)
	nTokens int64 // their tokens, both columns

	exact, folded termIndex
	strs          interner
	orgNames      map[int64]string

	buildTime time.Duration // of the last full load
}

// postings lists the slots holding a term, ascending, with the number of
// times it occurs in each (folded column only; the exact column is only
// matched, never scored).
type postings struct {
	slots []uint32
	tf    []uint16
}

// termIndex is one column's terms, numbered, with their postings.
type termIndex struct {
	withTF bool
	ids    map[string]uint32
	names  []string
	post   []postings // by term number
	sorted []uint32   // term numbers in the order of their names, for prefixes
	added  []uint32   // terms new since sorted was last merged
}

func newTermIndex(withTF bool) termIndex {
	return termIndex{withTF: withTF, ids: map[string]uint32{}}
}

// id numbers a term, adding it if new.
func (t *termIndex) id(term string) uint32 {
	if id, ok := t.ids[term]; ok {
		return id
	}
	id := uint32(len(t.names))
	term = strings.Clone(term) // not the line it was cut from
	t.ids[term] = id
	t.names = append(t.names, term)
	t.post = append(t.post, postings{})
	t.added = append(t.added, id)
	return id
}

func (t *termIndex) add(slot uint32, toks []tokCount) {
	for _, tc := range toks {
		p := &t.post[tc.id]
		p.slots = append(p.slots, slot)
		if t.withTF {
			p.tf = append(p.tf, uint16(min(tc.n, 65535)))
		}
	}
}

// mergeAdded folds the new terms into the sorted list.
func (t *termIndex) mergeAdded() {
	if len(t.added) == 0 {
		return
	}
	byName := func(a, b uint32) int { return strings.Compare(t.names[a], t.names[b]) }
	slices.SortFunc(t.added, byName)
	if len(t.sorted) == 0 {
		t.sorted, t.added = t.added, nil
		return
	}
	out := make([]uint32, 0, len(t.sorted)+len(t.added))
	i, j := 0, 0
	for i < len(t.sorted) && j < len(t.added) {
		if t.names[t.sorted[i]] < t.names[t.added[j]] {
			out = append(out, t.sorted[i])
			i++
		} else {
			out = append(out, t.added[j])
			j++
		}
	}
	out = append(append(out, t.sorted[i:]...), t.added[j:]...)
	t.sorted, t.added = out, nil
}

// prefixRange is the terms starting with p.
func (t *termIndex) prefixRange(p string) []uint32 {
	lo, _ := slices.BinarySearchFunc(t.sorted, p, func(id uint32, p string) int { return strings.Compare(t.names[id], p) })
	hi := lo
	for hi < len(t.sorted) && strings.HasPrefix(t.names[t.sorted[hi]], p) {
		hi++
	}
	return t.sorted[lo:hi]
}

// interner numbers the few distinct values of the narrow columns.
type interner struct {
	ids  map[string]uint32
	strs []string
}

func (n *interner) id(s string) uint32 {
	if id, ok := n.ids[s]; ok {
		return id
	}
	if n.ids == nil {
		n.ids = map[string]uint32{}
	}
	id := uint32(len(n.strs))
	n.ids[s] = id
	n.strs = append(n.strs, s)
	return id
}

// lookup is s's number, or a number no slot holds.
func (n *interner) lookup(s string) uint32 {
	if id, ok := n.ids[s]; ok {
		return id
	}
	return ^uint32(0)
}

// memIndexes holds one index per open DB, dropped when the DB is
// collected.
var memIndexes sync.Map // weak.Pointer[DB] → *memIndex

func (d *DB) memIndex() *memIndex {
	key := weak.Make(d)
	if ix, ok := memIndexes.Load(key); ok {
		return ix.(*memIndex)
	}
	ix, loaded := memIndexes.LoadOrStore(key, &memIndex{memData: &memData{}})
	if !loaded {
		runtime.AddCleanup(d, func(k weak.Pointer[DB]) { memIndexes.Delete(k) }, key)
	}
	return ix.(*memIndex)
}

// readIndex returns the index brought up to generation gen (read before),
// read-locked: the caller must RUnlock it. When that needs a full load (the
// first search, or most documents changed) it returns nil and loads in the
// background (wait: loads now), the search being answered by SQLite
// meanwhile.
func (d *DB) readIndex(ctx context.Context, gen int64, wait bool) (*memIndex, error) {
	ix := d.memIndex()
	for {
		ix.mu.RLock()
		if ix.loaded && ix.gen >= gen {
			return ix, nil
		}
		ix.mu.RUnlock()
		ix.mu.Lock()
		full := false
		if !ix.loaded || ix.gen < gen {
			var err error
			if full, err = ix.refresh(ctx, d.db, gen); err != nil {
				ix.mu.Unlock()
				return nil, err
			}
		}
		if !full {
			ix.mu.Unlock()
			continue
		}
		if !wait {
			if !ix.loading {
				ix.loading = true
				go func() {
					ctx := context.Background()
					if gen, err := d.searchGeneration(ctx); err == nil {
						ix.install(loadMemData(ctx, d.db, gen))
					} else {
						ix.install(nil, err)
					}
				}()
			}
			ix.mu.Unlock()
			return nil, nil
		}
		if ix.loading { // wait for it, then apply what changed since
			ix.mu.Unlock()
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(5 * time.Millisecond):
			}
			continue
		}
		ix.mu.Unlock()
		fresh, err := loadMemData(ctx, d.db, gen)
		if err != nil {
			return nil, err
		}
		ix.install(fresh, nil)
	}
}

// install makes a fully loaded index current, unless a newer one is.
func (ix *memIndex) install(fresh *memData, err error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.loading = false
	if err == nil && (!ix.loaded || fresh.seq >= ix.seq) {
		ix.memData = fresh
	}
}

// WarmSearch loads the in-memory search index now rather than in the
// background at the first search (a server calls it at start).
func (d *DB) WarmSearch(ctx context.Context) error {
	gen, err := d.searchGeneration(ctx)
	if err != nil {
		return fmt.Errorf("catalog: search index: %w", err)
	}
	ix, err := d.readIndex(ctx, gen, true)
	if err != nil {
		return fmt.Errorf("catalog: search index: %w", err)
	}
	ix.mu.RUnlock()
	return nil
}

// SearchIndexStats describes the in-memory search index.
type SearchIndexStats struct {
	Docs, Slots, ExactTerms, FoldedTerms, Postings int
	BuildTime                                      time.Duration // of the last full load
}

// SearchIndexStats reports on the in-memory index (zero before the first
// search).
func (d *DB) SearchIndexStats() SearchIndexStats {
	ix := d.memIndex()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	s := SearchIndexStats{Docs: len(ix.slotOf), Slots: len(ix.docid), ExactTerms: len(ix.exact.names), FoldedTerms: len(ix.folded.names), BuildTime: ix.buildTime}
	for _, t := range []*termIndex{&ix.exact, &ix.folded} {
		for _, p := range t.post {
			s.Postings += len(p.slots)
		}
	}
	return s
}

// refresh brings the index to generation gen by applying the documents
// changed since ix.seq; full: it was never loaded or most documents changed
// (nothing was done). ix.mu is held for writing. Changes are read after gen
// was, and a document is read as it is now, so the index holds at least
// generation gen's state.
func (ix *memIndex) refresh(ctx context.Context, db *sql.DB, gen int64) (full bool, err error) {
	if !ix.loaded {
		return true, nil
	}
	rows, err := db.QueryContext(ctx, "SELECT seq, docid FROM search_changes WHERE seq > ? ORDER BY seq", ix.seq)
	if err != nil {
		return false, err
	}
	var changed []int64
	seq := ix.seq
	for rows.Next() {
		var docid int64
		if err := rows.Scan(&seq, &docid); err != nil {
			rows.Close()
			return false, err
		}
		changed = append(changed, docid)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, err
	}
	if len(changed) > max(2000, len(ix.slotOf)/4) {
		return true, nil
	}
	if len(changed) > 0 {
		docs, err := readMemDocs(ctx, db, changed)
		if err != nil {
			return false, err
		}
		tk := ix.tokenizer()
		for _, docid := range changed {
			ix.apply(docid, docs[docid], tk)
		}
		ix.exact.mergeAdded()
		ix.folded.mergeAdded()
		if ix.nDead > compactMinDead && ix.nDead > len(ix.docid)/4 {
			ix.compact()
		}
	}
	names, err := orgNamesOf(ctx, db)
	if err != nil {
		return false, err
	}
	ix.orgNames, ix.seq, ix.gen = names, seq, gen
	return false, nil
}

// loadMemData reads every document, for generation gen (read before).
func loadMemData(ctx context.Context, db *sql.DB, gen int64) (*memData, error) {
	start := time.Now()
	var seq int64
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM search_changes").Scan(&seq); err != nil {
		return nil, err
	}
	fresh := &memData{slotOf: map[int64]uint32{}, exact: newTermIndex(false), folded: newTermIndex(true)}
	tk := fresh.tokenizer()
	tk.cache = map[string]partTokens{}
	// SQLite reads (two halves of the documents at once) while Go
	// tokenizes: batches of documents go between.
	var lo, hi int64
	if err := db.QueryRowContext(ctx, "SELECT coalesce(min(docid), 0), coalesce(max(docid), -1) FROM asset_search_docs").Scan(&lo, &hi); err != nil {
		return nil, err
	}
	mid := lo + (hi-lo)/2
	batches := make(chan []memDoc, 8)
	scanErrs := make([]error, 2)
	var wg sync.WaitGroup
	for i, r := range [][2]int64{{lo, mid}, {mid + 1, hi}} {
		wg.Go(func() {
			batch := make([]memDoc, 0, 256)
			scanErrs[i] = scanMemDocs(ctx, db, nil, r[0], r[1], func(doc *memDoc) {
				batch = append(batch, *doc)
				if len(batch) == cap(batch) {
					batches <- batch
					batch = make([]memDoc, 0, 256)
				}
			})
			if len(batch) > 0 {
				batches <- batch
			}
		})
	}
	go func() {
		wg.Wait()
		close(batches)
	}()
	for batch := range batches {
		for i := range batch {
			fresh.apply(batch[i].docid, &batch[i], tk)
		}
	}
	if err := errors.Join(scanErrs...); err != nil {
		return nil, err
	}
	fresh.exact.mergeAdded()
	fresh.folded.mergeAdded()
	names, err := orgNamesOf(ctx, db)
	if err != nil {
		return nil, err
	}
	fresh.orgNames, fresh.seq, fresh.gen, fresh.loaded = names, seq, gen, true
	fresh.buildTime = time.Since(start)
	return fresh, nil
}

// compactMinDead is how many dead slots there must be (and a quarter of
// all) before compaction.
var compactMinDead = 1024

// memDoc is one document as read from the catalogue.
type memDoc struct {
	docid                                                   int64
	assetID, kind, status, themes, created, captured, shape string
	complete, subs                                          string
	org                                                     int64
	indexed                                                 bool
	text                                                    []string // the searchable values, any order
}

// The searchable text of a document: the language fields' values
// (keywords as stored, a JSON array: its brackets, quotes and commas are
// separators, so its words are those of the joined keywords unless a
// value holds an escape, which is then decoded in Go), the creator, the
// credit and the file name, as reindex joins them.
var memDocColumns = `SELECT s.docid, s.asset_id, s.kind, s.status, s.org_id, s.themes, s.created_at, coalesce(s.captured_at, ''), s.shape,
	s.complete, s.subs, s.indexed, coalesce(a.raw_file_name, ''), coalesce(a.creator, ''), coalesce(a.credit, ''),
	coalesce((SELECT group_concat(t.value, char(10)) FROM asset_texts t WHERE t.asset_id = s.asset_id AND t.field IN (` + searchFieldList() + `)
		AND NOT (t.field = 'keywords' AND instr(t.value, char(92)) > 0)), '')
	FROM asset_search_docs s LEFT JOIN assets a ON a.id = s.asset_id`

func searchFieldList() string {
	var b strings.Builder
	for i, f := range searchFields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + strings.ReplaceAll(f, "'", "''") + "'")
	}
	return b.String()
}

// scanMemDocs reads the documents with the given docids (nil: those in
// [lo, hi]) and hands each to fn, in docid order.
func scanMemDocs(ctx context.Context, db *sql.DB, docids []int64, lo, hi int64, fn func(*memDoc)) error {
	q := memDocColumns
	escQ := "SELECT s.docid, t.value FROM asset_texts t JOIN asset_search_docs s ON s.asset_id = t.asset_id WHERE t.field = 'keywords' AND instr(t.value, char(92)) > 0"
	var args []any
	if docids != nil {
		list, _ := json.Marshal(docids)
		q += " WHERE s.docid IN (SELECT value FROM json_each(?))"
		escQ += " AND s.docid IN (SELECT value FROM json_each(?))"
		args = []any{string(list)}
	} else {
		q += " WHERE s.docid BETWEEN ? AND ?"
		escQ += " AND s.docid BETWEEN ? AND ?"
		args = []any{lo, hi}
	}
	q += " ORDER BY s.docid"
	escaped := map[int64][]string{}
	erows, err := db.QueryContext(ctx, escQ, args...)
	if err != nil {
		return err
	}
	for erows.Next() {
		var docid int64
		var v string
		if err := erows.Scan(&docid, &v); err != nil {
			erows.Close()
			return err
		}
		var kws []string
		if json.Unmarshal([]byte(v), &kws) == nil {
			v = strings.Join(kws, " ; ")
		}
		escaped[docid] = append(escaped[docid], v)
	}
	erows.Close()
	if err := erows.Err(); err != nil {
		return err
	}
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc memDoc
		var raw, creator, credit, texts string
		if err := rows.Scan(&doc.docid, &doc.assetID, &doc.kind, &doc.status, &doc.org, &doc.themes, &doc.created, &doc.captured, &doc.shape,
			&doc.complete, &doc.subs, &doc.indexed, &raw, &creator, &credit, &texts); err != nil {
			return err
		}
		doc.text = append(escaped[doc.docid], texts, creator, credit, raw)
		fn(&doc)
	}
	return rows.Err()
}

func readMemDocs(ctx context.Context, db *sql.DB, docids []int64) (map[int64]*memDoc, error) {
	out := make(map[int64]*memDoc, len(docids))
	err := scanMemDocs(ctx, db, docids, 0, 0, func(d *memDoc) {
		c := *d
		out[d.docid] = &c
	})
	return out, err
}

// apply makes the index hold doc (nil: the document is gone).
func (ix *memData) apply(docid int64, doc *memDoc, tk *tokenizer) {
	slot, had := ix.slotOf[docid]
	if doc == nil {
		if had {
			ix.kill(slot)
			delete(ix.slotOf, docid)
		}
		return
	}
	// The FTS row holds the text as of the last reindex: while the
	// document is marked stale, what the index has is kept.
	var toks *docTokens
	if doc.indexed {
		toks = tk.tokens(doc.text)
	}
	if had && (toks == nil || ix.hasRow[slot] && ix.textSum[slot] == toks.sum) {
		ix.setNarrow(slot, doc)
		return
	}
	if had {
		ix.kill(slot)
	}
	slot = uint32(len(ix.docid))
	ix.docid = append(ix.docid, docid)
	ix.assetID = append(ix.assetID, doc.assetID)
	ix.kind = append(ix.kind, 0)
	ix.status = append(ix.status, 0)
	ix.themes = append(ix.themes, 0)
	ix.shape = append(ix.shape, 0)
	ix.complete = append(ix.complete, 0)
	ix.subs = append(ix.subs, 0)
	ix.org = append(ix.org, 0)
	ix.orgIdx = append(ix.orgIdx, 0)
	ix.created = append(ix.created, "")
	ix.captured = append(ix.captured, "")
	ix.createdKey = append(ix.createdKey, 0)
	ix.capturedKey = append(ix.capturedKey, 0)
	ix.dlen = append(ix.dlen, 0)
	ix.hasRow = append(ix.hasRow, toks != nil)
	ix.alive = append(ix.alive, true)
	ix.textSum = append(ix.textSum, 0)
	ix.slotOf[docid] = slot
	ix.setNarrow(slot, doc)
	if toks != nil {
		ix.dlen[slot] = uint32(toks.n)
		ix.textSum[slot] = toks.sum
		ix.nRows++
		ix.nTokens += int64(toks.n)
		ix.exact.add(slot, toks.exact)
		ix.folded.add(slot, toks.folded)
	}
}

func (ix *memData) setNarrow(slot uint32, doc *memDoc) {
	ix.assetID[slot] = doc.assetID
	ix.kind[slot] = ix.strs.id(doc.kind)
	ix.status[slot] = ix.strs.id(doc.status)
	ix.themes[slot] = ix.strs.id(doc.themes)
	ix.shape[slot] = ix.strs.id(doc.shape)
	ix.complete[slot] = ix.strs.id(doc.complete)
	ix.subs[slot] = ix.strs.id(doc.subs)
	ix.org[slot] = doc.org
	pos, ok := ix.orgPos[doc.org]
	if !ok {
		if ix.orgPos == nil {
			ix.orgPos = map[int64]uint32{}
		}
		pos = uint32(len(ix.orgIDs))
		ix.orgPos[doc.org] = pos
		ix.orgIDs = append(ix.orgIDs, doc.org)
	}
	ix.orgIdx[slot] = pos
	if ix.created[slot] != doc.created {
		ix.created[slot] = strings.Clone(doc.created)
	}
	if ix.captured[slot] != doc.captured {
		ix.captured[slot] = strings.Clone(doc.captured)
	}
	ix.createdKey[slot], ix.capturedKey[slot] = packTime(doc.created), packTime(doc.captured)
}

func (ix *memData) kill(slot uint32) {
	if !ix.alive[slot] {
		return
	}
	ix.alive[slot] = false
	ix.nDead++
	if ix.hasRow[slot] {
		ix.nRows--
		ix.nTokens -= int64(ix.dlen[slot])
	}
}

// compact drops the dead slots, renumbering the others in order.
func (ix *memData) compact() {
	newSlot := make([]uint32, len(ix.docid))
	n := uint32(0)
	for s, ok := range ix.alive {
		if ok {
			newSlot[s] = n
			n++
		}
	}
	pack := func(s []string) []string { return packStrings(s, ix.alive) }
	ix.assetID, ix.created, ix.captured = pack(ix.assetID), pack(ix.created), pack(ix.captured)
	ix.kind, ix.status, ix.themes = packU32(ix.kind, ix.alive), packU32(ix.status, ix.alive), packU32(ix.themes, ix.alive)
	ix.shape, ix.complete, ix.subs, ix.dlen = packU32(ix.shape, ix.alive), packU32(ix.complete, ix.alive), packU32(ix.subs, ix.alive), packU32(ix.dlen, ix.alive)
	ix.docid, ix.org, ix.orgIdx = packI64(ix.docid, ix.alive), packI64(ix.org, ix.alive), packU32(ix.orgIdx, ix.alive)
	ix.createdKey, ix.capturedKey = packU64(ix.createdKey, ix.alive), packU64(ix.capturedKey, ix.alive)
	ix.hasRow = packBool(ix.hasRow, ix.alive)
	ix.textSum = packU64(ix.textSum, ix.alive)
	for _, t := range []*termIndex{&ix.exact, &ix.folded} {
		for k := range t.post {
			p := &t.post[k]
			j := 0
			for i, s := range p.slots {
				if ix.alive[s] {
					p.slots[j] = newSlot[s]
					if t.withTF {
						p.tf[j] = p.tf[i]
					}
					j++
				}
			}
			p.slots = slices.Clip(p.slots[:j])
			if t.withTF {
				p.tf = slices.Clip(p.tf[:j])
			}
		}
	}
	ix.alive = make([]bool, n)
	for i := range ix.alive {
		ix.alive[i] = true
	}
	for i, docid := range ix.docid {
		ix.slotOf[docid] = uint32(i)
	}
	ix.nDead = 0
}

// packTime numbers a stored time "YYYY-MM-DDTHH:MM:SS…" by its first 19
// characters' digits, plus one: for two such strings the numbers are in
// the strings' order, and equal numbers mean the strings agree up to the
// second (compare the rest as strings). Anything else is 0.
func packTime(s string) uint64 {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return 0
	}
	var n uint64
	for i := range 19 {
		switch i {
		case 4, 7, 10, 13, 16:
			continue
		}
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + uint64(c-'0')
	}
	return n + 1
}

// cmpTime orders two stored times (strings with their packed numbers) as
// SQLite compares the strings.
func cmpTime(a string, ka uint64, b string, kb uint64) int {
	if ka != 0 && kb != 0 && ka != kb {
		if ka < kb {
			return -1
		}
		return 1
	}
	return strings.Compare(a, b)
}

func packStrings(s []string, alive []bool) []string {
	out := make([]string, 0, len(s))
	for i, v := range s {
		if alive[i] {
			out = append(out, v)
		}
	}
	return out
}

func packU32(s []uint32, alive []bool) []uint32 {
	out := make([]uint32, 0, len(s))
	for i, v := range s {
		if alive[i] {
			out = append(out, v)
		}
	}
	return out
}

func packU64(s []uint64, alive []bool) []uint64 {
	out := make([]uint64, 0, len(s))
	for i, v := range s {
		if alive[i] {
			out = append(out, v)
		}
	}
	return out
}

func packI64(s []int64, alive []bool) []int64 {
	out := make([]int64, 0, len(s))
	for i, v := range s {
		if alive[i] {
			out = append(out, v)
		}
	}
	return out
}

func packBool(s []bool, alive []bool) []bool {
	out := make([]bool, 0, len(s))
	for i, v := range s {
		if alive[i] {
			out = append(out, v)
		}
	}
	return out
}

// Tokens, as FTS5's unicode61 tokenizer (remove_diacritics 0) cuts the
// exact and folded forms reindex writes.

type tokCount struct {
	id uint32 // term number in its column
	n  int
}

type docTokens struct {
	exact, folded []tokCount
	n             int    // tokens in both columns
	sum           uint64 // of the text, to tell a changed text
}

// partTokens is one line's terms, numbered.
type partTokens struct {
	exact, folded []uint32
}

type tokenizer struct {
	exact, folded *termIndex
	cache         map[string]partTokens // during a full load: lines recur
	ex, fo        []uint32
	cut           []string
}

func (ix *memData) tokenizer() *tokenizer { return &tokenizer{exact: &ix.exact, folded: &ix.folded} }

// tokens cuts the document's values into counted terms. Values are cut
// into lines first: a line break is a separator in both forms (and NFC,
// lower-casing and folding work within lines), and lines recur across
// documents.
func (tk *tokenizer) tokens(values []string) *docTokens {
	tk.ex, tk.fo = tk.ex[:0], tk.fo[:0]
	for _, v := range values {
		for line := range strings.SplitSeq(v, "\n") {
			if line == "" {
				continue
			}
			pt, ok := tk.cache[line]
			if !ok {
				exact := strings.ToLower(vntext.NFC(line))
				tk.cut = cutTokens(tk.cut[:0], exact)
				pt.exact = make([]uint32, len(tk.cut))
				for i, w := range tk.cut {
					pt.exact[i] = tk.exact.id(w)
				}
				tk.cut = cutTokens(tk.cut[:0], strings.ToLower(vntext.Fold(exact)))
				pt.folded = make([]uint32, len(tk.cut))
				for i, w := range tk.cut {
					pt.folded[i] = tk.folded.id(w)
				}
				if tk.cache != nil && len(line) <= 256 && len(tk.cache) < 1<<18 {
					tk.cache[strings.Clone(line)] = pt
				}
			}
			tk.ex = append(tk.ex, pt.exact...)
			tk.fo = append(tk.fo, pt.folded...)
		}
	}
	out := &docTokens{n: len(tk.ex) + len(tk.fo)}
	out.exact = countTokens(tk.ex)
	out.folded = countTokens(tk.fo)
	h := uint64(out.n)
	for _, list := range [][]tokCount{out.exact, out.folded} {
		for _, tc := range list {
			h = (h^uint64(tc.id))*0x100000001b3 ^ uint64(tc.n)*0x9e3779b97f4a7c15
		}
		h = h*0x100000001b3 + 1
	}
	out.sum = h
	return out
}

// cutTokens appends to dst unicode61's tokens of lower-case text: runs of
// letters, digits and private-use characters.
func cutTokens(dst []string, s string) []string {
	start := -1
	for i, r := range s {
		tokenRune := r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') || r >= utf8.RuneSelf && isTokenRune(r)
		if tokenRune {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			dst = append(dst, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		dst = append(dst, s[start:])
	}
	return dst
}

func countTokens(ids []uint32) []tokCount {
	slices.Sort(ids)
	out := make([]tokCount, 0, len(ids))
	for i := 0; i < len(ids); {
		j := i + 1
		for j < len(ids) && ids[j] == ids[i] {
			j++
		}
		out = append(out, tokCount{ids[i], j - i})
		i = j
	}
	return out
}

func orgNamesOf(ctx context.Context, db *sql.DB) (map[int64]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT id, name FROM organisations")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	return names, rows.Err()
}
