package catalog

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"time"
)

// searchFilter is a query's conditions, on asset_search_docs s only.
type searchFilter struct {
	text  searchText
	where []string
	args  []any
}

func (f *searchFilter) add(cond string, args ...any) {
	f.where = append(f.where, cond)
	f.args = append(f.args, args...)
}

func (f *searchFilter) whereSQL() string {
	if len(f.where) == 0 {
		return "1 = 1"
	}
	return strings.Join(f.where, " AND ")
}

func newSearchFilter(q SearchQuery, text searchText) *searchFilter {
	f := &searchFilter{text: text}
	for _, c := range []struct {
		col string
		v   any
		set bool
	}{{"s.kind", q.Kind, q.Kind != ""}, {"s.status", q.Status, q.Status != ""}, {"s.org_id", q.OrgID, q.OrgID != 0}, {"s.org_id", q.VisibleOrg, q.VisibleOrg != 0}} {
		if c.set {
			f.add(c.col+" = ?", c.v)
		}
	}
	f.addThemes(q.Themes)
	f.addDates(q)
	if q.Orientation != "" {
		f.add("s.shape = ?", q.Orientation)
	}
	// subs and complete list languages, each followed by a space; a
	// "language" with a space in it is in no list.
	if q.HasSubtitle != "" {
		f.add("instr(' ' || s.subs, ?) > 0", langWord(q.HasSubtitle))
	}
	if q.LacksSubtitle != "" {
		f.add("s.kind <> 'photo' AND instr(' ' || s.subs, ?) = 0", langWord(q.LacksSubtitle))
	}
	if q.Incomplete != "" {
		f.add("instr(' ' || s.complete, ?) = 0", langWord(q.Incomplete))
	}
	if q.SHA256 != "" {
		f.add("s.asset_id IN (SELECT id FROM assets WHERE sha256 = ?)", q.SHA256)
	}
	return f
}

// langWord is how a language appears in a list of languages; for a value
// that cannot be a language it is a string no list holds.
func langWord(lang string) string {
	if strings.ContainsAny(lang, " \t\r\n") {
		return "\n"
	}
	return " " + lang + " "
}

// addThemes keeps assets with any of the confirmed themes, a theme
// including its sub-themes ("tourism" matches "tourism/eco").
func (f *searchFilter) addThemes(themes []string) {
	var ors []string
	var args []any
	for _, t := range themes {
		t = strings.TrimSpace(t)
		if t == "" || strings.ContainsAny(t, " \t\n") {
			continue
		}
		ors = append(ors, "instr(' ' || s.themes || ' ', ?) > 0 OR instr(' ' || s.themes, ?) > 0")
		args = append(args, " "+t+" ", " "+t+"/")
	}
	if len(ors) == 0 {
		if len(themes) > 0 {
			f.add("0 = 1") // only unusable theme ids: nothing has them
		}
		return
	}
	f.add("("+strings.Join(ors, " OR ")+")", args...)
}

// addDates keeps [From's day, To's day] in the times' own locations.
// Stored times are UTC RFC 3339; comparing with a bound cut before the
// zone keeps string order right whatever the fraction of a second.
func (f *searchFilter) addDates(q SearchQuery) {
	col := "s.created_at"
	if q.DateField == DateCaptured {
		col = sortKey(SortCaptured)
	}
	const bound = "2006-01-02T15:04:05"
	if q.From != nil {
		y, m, d := q.From.Date()
		f.add(col+" >= ?", time.Date(y, m, d, 0, 0, 0, 0, q.From.Location()).UTC().Format(bound))
	}
	if q.To != nil {
		y, m, d := q.To.Date()
		f.add(col+" < ?", time.Date(y, m, d+1, 0, 0, 0, 0, q.To.Location()).UTC().Format(bound))
		if q.DateField == DateCaptured {
			f.add(col + " > ''") // no capture date: not in any range
		}
	}
}

// sortKey is the SQL expression a non-relevance order sorts on (desc),
// on the narrow rows (both are indexed).
func sortKey(sortBy string) string {
	if sortBy == SortCaptured {
		return "coalesce(s.captured_at, '')"
	}
	return "s.created_at"
}

// sortedPage cuts a page in date order on the narrow rows: the documents
// and the cursor of the next page.
func (d *DB) sortedPage(ctx context.Context, q SearchQuery, f *searchFilter, cur *searchCursor) ([]int64, string, error) {
	var sqlText strings.Builder
	key := sortKey(q.Sort)
	args := append([]any{}, f.args...)
	// Walk the order's index and stop at the page's end: rows are narrow
	// and the text's matches are a set probed by docid (in the index), so
	// even a rare match costs one pass over the index, while the
	// planner's other choice, a filter's index then a sort, costs far
	// more for common matches.
	index := " INDEXED BY asset_search_docs_created"
	if q.Sort == SortCaptured {
		index = " INDEXED BY asset_search_docs_captured"
	}
	sqlText.WriteString("SELECT s.docid, " + key + ", s.asset_id FROM asset_search_docs s" + index + " WHERE " + f.whereSQL())
	if !f.text.empty() {
		sqlText.WriteString(" AND s.docid IN (SELECT rowid FROM asset_search WHERE asset_search MATCH ?)")
		args = append(args, f.text.foldedMatch())
	}
	if cur != nil {
		sqlText.WriteString(" AND (" + key + ", s.asset_id) < (?, ?)")
		args = append(args, cur.Key, cur.ID)
	}
	sqlText.WriteString(" ORDER BY " + key + " DESC, s.asset_id DESC LIMIT ?")
	args = append(args, q.Limit+1)
	rows, err := d.db.QueryContext(ctx, sqlText.String(), args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var page []int64
	var keys, ids []string
	for rows.Next() {
		var docid int64
		var k, id string
		if err := rows.Scan(&docid, &k, &id); err != nil {
			return nil, "", err
		}
		page, keys, ids = append(page, docid), append(keys, k), append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(page) <= q.Limit {
		return page, "", nil
	}
	next := searchCursor{Sort: q.Sort, Key: keys[q.Limit-1], ID: ids[q.Limit-1]}
	return page[:q.Limit], next.encode(), nil
}

// relevancePage cuts the page from the ranking of the whole matching set
// (exact matches first, then by bm25).
func (d *DB) relevancePage(ctx context.Context, q SearchQuery, f *searchFilter, cur *searchCursor) ([]int64, string, error) {
	ranked, err := d.searchRanking(ctx, f)
	if err != nil {
		return nil, "", err
	}
	offset := 0
	if cur != nil {
		offset = cur.Offset
	}
	if offset >= len(ranked) {
		return nil, "", nil
	}
	if len(ranked) <= offset+q.Limit {
		return ranked[offset:], "", nil
	}
	return ranked[offset : offset+q.Limit], searchCursor{Sort: q.Sort, Offset: offset + q.Limit}.encode(), nil
}

// assetsByDoc reads the full asset rows of the documents, in their order.
func (d *DB) assetsByDoc(ctx context.Context, page []int64) ([]Asset, error) {
	if len(page) == 0 {
		return nil, nil
	}
	cols, joins, _ := strings.Cut(assetColumns, "FROM assets a")
	list, _ := json.Marshal(page)
	rows, err := d.db.QueryContext(ctx, "SELECT s.docid, "+cols+" FROM asset_search_docs s CROSS JOIN assets a ON a.id = s.asset_id "+joins+
		" WHERE s.docid IN (SELECT value FROM json_each(?))", string(list))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	byDoc := make(map[int64]Asset, len(page))
	for rows.Next() {
		var docid int64
		a, err := scanAsset(prefixScanner{rows, []any{&docid}})
		if err != nil {
			return nil, err
		}
		byDoc[docid] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]Asset, 0, len(page))
	for _, id := range page {
		if a, ok := byDoc[id]; ok { // gone since the page was cut
			out = append(out, a)
		}
	}
	return out, nil
}

// searchRanking lists the documents matching f (which has text) in
// relevance order: exact matches (diacritics as typed) first, then by
// bm25, then newest id first.
func (d *DB) searchRanking(ctx context.Context, f *searchFilter) ([]int64, error) {
	sqlText := `WITH hit(docid, score) AS MATERIALIZED (SELECT rowid, bm25(asset_search) FROM asset_search WHERE asset_search MATCH ?),
		ex(docid) AS MATERIALIZED (SELECT rowid FROM asset_search WHERE asset_search MATCH ?)
		SELECT coalesce(group_concat(s.docid, ',' ORDER BY s.docid IN ex DESC, hit.score, s.asset_id DESC), '')
		FROM hit CROSS JOIN asset_search_docs s ON s.docid = hit.docid WHERE ` + f.whereSQL()
	args := append([]any{f.text.foldedMatch(), f.text.exactMatch()}, f.args...)
	var list string
	if err := d.db.QueryRowContext(ctx, sqlText, args...).Scan(&list); err != nil {
		return nil, err
	}
	if list == "" {
		return nil, nil
	}
	ids := make([]int64, 0, strings.Count(list, ",")+1)
	for v := range strings.SplitSeq(list, ",") {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, err
		}
		ids = append(ids, n)
	}
	return ids, nil
}

// prefixScanner scans leading extra columns before an asset's.
type prefixScanner struct {
	s   scanner
	pre []any
}

func (p prefixScanner) Scan(dest ...any) error { return p.s.Scan(append(p.pre, dest...)...) }

// searchFacets counts the whole matching set by kind, status,
// organisation and theme in one pass: it groups by the combination, and
// the combinations are few.
func (d *DB) searchFacets(ctx context.Context, f *searchFilter) (map[string]map[string]int, int, error) {
	var b strings.Builder
	b.WriteString("SELECT s.kind, s.status, s.org_id, s.themes, count(*) FROM asset_search_docs s WHERE " + f.whereSQL())
	args := append([]any{}, f.args...)
	if !f.text.empty() {
		b.WriteString(" AND s.docid IN (SELECT rowid FROM asset_search WHERE asset_search MATCH ?)")
		args = append(args, f.text.foldedMatch())
	}
	b.WriteString(" GROUP BY s.kind, s.status, s.org_id, s.themes")
	names, err := d.orgNames(ctx)
	if err != nil {
		return nil, 0, err
	}
	rows, err := d.db.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	facets := map[string]map[string]int{FacetTheme: {}, FacetKind: {}, FacetStatus: {}, FacetOrganisation: {}}
	total := 0
	themeKeys := map[string][]string{} // the same themes recur in many groups
	for rows.Next() {
		var kind, status, themes string
		var orgID int64
		var n int
		if err := rows.Scan(&kind, &status, &orgID, &themes, &n); err != nil {
			return nil, 0, err
		}
		org := names[orgID]
		total += n
		facets[FacetKind][kind] += n
		facets[FacetStatus][status] += n
		facets[FacetOrganisation][org] += n
		keys, ok := themeKeys[themes]
		if !ok {
			keys = themeFacetKeys(themes)
			themeKeys[themes] = keys
		}
		for _, t := range keys {
			facets[FacetTheme][t] += n
		}
	}
	return facets, total, rows.Err()
}

// themeFacetKeys lists the ids an asset with these themes counts under:
// each theme, and each top-level theme once.
func themeFacetKeys(themes string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range strings.Fields(themes) {
		top, _, _ := strings.Cut(t, "/")
		for _, k := range []string{t, top} {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// orgNames maps organisation ids to names (the organisations are few).
func (d *DB) orgNames(ctx context.Context) (map[int64]string, error) { return orgNamesOf(ctx, d.db) }
