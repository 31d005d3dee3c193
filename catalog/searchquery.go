package catalog

import (
	"context"
	"sort"
	"strings"
	"time"
)

// searchFilter is a query's conditions, on asset_search_docs s and (when
// needAssets) assets a.
type searchFilter struct {
	text       searchText
	where      []string
	args       []any
	needAssets bool
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

// upright is the expression for a side of the picture as seen: EXIF
// orientations 5–8 and video rotations of ±90° swap width and height.
func upright(side string) string {
	other := map[string]string{"width": "height", "height": "width"}[side]
	return "(CASE WHEN a.orientation BETWEEN 5 AND 8 OR abs(a.rotation) % 180 = 90 THEN a." + other + " ELSE a." + side + " END)"
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
	switch q.Orientation {
	case OrientationLandscape:
		f.add(upright("width") + " > " + upright("height"))
	case OrientationPortrait:
		f.add(upright("width") + " < " + upright("height"))
	case OrientationSquare:
		f.add(upright("width") + " = " + upright("height") + " AND a.width > 0")
	}
	f.needAssets = f.needAssets || q.Orientation != ""
	if q.HasSubtitle != "" {
		f.add("EXISTS (SELECT 1 FROM subtitle_tracks st WHERE st.asset_id = s.asset_id AND st.lang = ?)", q.HasSubtitle)
	}
	if q.LacksSubtitle != "" {
		f.add("s.kind <> 'photo' AND NOT EXISTS (SELECT 1 FROM subtitle_tracks st WHERE st.asset_id = s.asset_id AND st.lang = ?)", q.LacksSubtitle)
	}
	if q.Incomplete != "" {
		f.add(`(SELECT count(*) FROM asset_texts t WHERE t.asset_id = s.asset_id AND t.lang = ? AND t.field IN ('title', 'caption')
			AND t.state = 'reviewed') < 2`, q.Incomplete)
	}
	if q.SHA256 != "" {
		f.add("s.asset_id IN (SELECT id FROM assets WHERE sha256 = ?)", q.SHA256)
	}
	return f
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
	col := "a.created_at"
	if q.DateField == DateCaptured {
		col = "a.captured_at"
	}
	const bound = "2006-01-02T15:04:05"
	if q.From != nil {
		y, m, d := q.From.Date()
		f.add(col+" >= ?", time.Date(y, m, d, 0, 0, 0, 0, q.From.Location()).UTC().Format(bound))
		f.needAssets = true
	}
	if q.To != nil {
		y, m, d := q.To.Date()
		f.add(col+" < ?", time.Date(y, m, d+1, 0, 0, 0, 0, q.To.Location()).UTC().Format(bound))
		f.needAssets = true
	}
}

// sortKey is the SQL expression a non-relevance order sorts on (desc).
func sortKey(sortBy string) string {
	if sortBy == SortCaptured {
		return "coalesce(a.captured_at, '')"
	}
	return "a.created_at"
}

func (d *DB) searchPage(ctx context.Context, q SearchQuery, f *searchFilter, cur *searchCursor) ([]Asset, string, error) {
	var sqlText strings.Builder
	var args []any
	where, wargs := f.whereSQL(), f.args
	if !f.text.empty() {
		sqlText.WriteString(`WITH hit(docid, score) AS MATERIALIZED (SELECT rowid, bm25(asset_search) FROM asset_search WHERE asset_search MATCH ?),
			ex(docid) AS MATERIALIZED (SELECT rowid FROM asset_search WHERE asset_search MATCH ?) `)
		args = append(args, f.text.foldedMatch(), f.text.exactMatch())
	}
	var order string
	offset := 0
	if q.Sort == SortRelevance {
		// Rank and cut the page on the narrow rows, driven by the hits;
		// read the full asset rows for the page only.
		cols, joins, _ := strings.Cut(assetColumns, "FROM assets a")
		sqlText.WriteString(", page AS (SELECT s.asset_id AS id, s.docid IN ex AS exact, hit.score AS score FROM hit CROSS JOIN asset_search_docs s ON s.docid = hit.docid")
		if f.needAssets {
			sqlText.WriteString(" CROSS JOIN assets a ON a.id = s.asset_id")
		}
		sqlText.WriteString(" WHERE " + where + " ORDER BY exact DESC, score, s.asset_id DESC LIMIT ? OFFSET ?)")
		sqlText.WriteString(" SELECT '', " + cols + " FROM page CROSS JOIN assets a ON a.id = page.id " + joins + " ORDER BY page.exact DESC, page.score, a.id DESC")
		if cur != nil {
			offset = cur.Offset
		}
		where, order = "", ""
	} else {
		key := sortKey(q.Sort)
		sqlText.WriteString("SELECT " + key + ", " + assetColumns + " JOIN asset_search_docs s ON s.asset_id = a.id")
		if !f.text.empty() {
			sqlText.WriteString(" JOIN hit ON hit.docid = s.docid")
		}
		if cur != nil {
			where += " AND (" + key + ", a.id) < (?, ?)"
			wargs = append(append([]any{}, wargs...), cur.Key, cur.ID)
		}
		order = " ORDER BY " + key + " DESC, a.id DESC LIMIT ?"
	}
	if where != "" {
		sqlText.WriteString(" WHERE " + where + order)
	}
	args = append(append(args, wargs...), q.Limit+1)
	if q.Sort == SortRelevance {
		args = append(args, offset)
	}
	rows, err := d.db.QueryContext(ctx, sqlText.String(), args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []Asset
	var keys []string
	for rows.Next() {
		var key string
		a, err := scanAsset(prefixScanner{rows, []any{&key}})
		if err != nil {
			return nil, "", err
		}
		out, keys = append(out, a), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	if len(out) <= q.Limit {
		return out, "", nil
	}
	out = out[:q.Limit]
	next := searchCursor{Sort: q.Sort, Key: keys[q.Limit-1], ID: out[q.Limit-1].ID}
	if q.Sort == SortRelevance {
		next = searchCursor{Sort: q.Sort, Offset: offset + q.Limit}
	}
	return out, next.encode(), nil
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
	var args []any
	if f.text.empty() {
		b.WriteString("SELECT s.kind, s.status, o.name, s.themes, count(*) FROM asset_search_docs s JOIN organisations o ON o.id = s.org_id")
	} else {
		b.WriteString(`SELECT s.kind, s.status, o.name, s.themes, count(*) FROM asset_search CROSS JOIN asset_search_docs s ON s.docid = asset_search.rowid
			JOIN organisations o ON o.id = s.org_id`)
	}
	if f.needAssets {
		b.WriteString(" JOIN assets a ON a.id = s.asset_id")
	}
	b.WriteString(" WHERE " + f.whereSQL())
	if !f.text.empty() {
		b.WriteString(" AND asset_search MATCH ?")
	}
	b.WriteString(" GROUP BY s.kind, s.status, s.org_id, s.themes")
	args = append(args, f.args...)
	if !f.text.empty() {
		args = append(args, f.text.foldedMatch())
	}
	rows, err := d.db.QueryContext(ctx, b.String(), args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	facets := map[string]map[string]int{FacetTheme: {}, FacetKind: {}, FacetStatus: {}, FacetOrganisation: {}}
	total := 0
	for rows.Next() {
		var kind, status, org, themes string
		var n int
		if err := rows.Scan(&kind, &status, &org, &themes, &n); err != nil {
			return nil, 0, err
		}
		total += n
		facets[FacetKind][kind] += n
		facets[FacetStatus][status] += n
		facets[FacetOrganisation][org] += n
		for _, t := range themeFacetKeys(themes) {
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
