package catalog

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Search orders and the other closed sets of values a query may name.
const (
	SortRelevance = "relevance"
	SortCaptured  = "captured"
	SortUploaded  = "uploaded"

	DateCaptured = "captured"
	DateUploaded = "uploaded"

	OrientationLandscape = "landscape"
	OrientationPortrait  = "portrait"
	OrientationSquare    = "square"
)

// SearchQuery selects assets by words and filters. Zero values do not
// filter.
type SearchQuery struct {
	Text          string     // what the user typed; empty: filters only, newest first
	Kind          string     // photo, clip or trailer
	Themes        []string   // confirmed themes, any of; "tourism" includes "tourism/…"
	Status        string     // e.g. ready, approved
	OrgID         int64      // the owning organisation
	VisibleOrg    int64      // non-zero: only this organisation's assets (contributors)
	DateField     string     // captured or uploaded (default uploaded)
	From, To      *time.Time // days, both included (To's whole day counts)
	Orientation   string     // landscape, portrait or square, upright (EXIF orientation and video rotation applied)
	HasSubtitle   string     // a language the asset has a subtitle track in
	LacksSubtitle string     // a language a clip or trailer has no subtitle track in
	Incomplete    string     // a language in which title or caption is empty or not yet reviewed
	SHA256        string     // the asset with this hash (hex)
	Sort          string     // relevance (default with text), captured, uploaded (default without)
	Limit         int        // page size (default 50, at most 500)
	Cursor        string     // from the previous page's Next
}

// SearchResult is one page of matches, the counts of the whole matching
// set by facet, and the cursor of the next page ("" on the last).
type SearchResult struct {
	Assets []Asset
	Facets map[string]map[string]int // theme, kind, status, organisation → value → assets
	Next   string
	Total  int
}

// Facet names in SearchResult.Facets.
const (
	FacetTheme        = "theme"
	FacetKind         = "kind"
	FacetStatus       = "status"
	FacetOrganisation = "organisation"
)

// Search returns the assets matching q. Text is matched word by word,
// diacritics optional (an exact match ranks first); any text is accepted.
// A bad filter value or cursor is an error wrapping ErrInvalid (a
// *FieldError).
func (d *DB) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	text := parseSearchText(q.Text)
	if err := q.normalize(!text.empty()); err != nil {
		return SearchResult{}, err
	}
	cur, err := decodeCursor(q.Cursor, q.Sort)
	if err != nil {
		return SearchResult{}, err
	}
	page, res, ok, err := d.memSearchCached(ctx, q, text, cur)
	if err != nil {
		return SearchResult{}, fmt.Errorf("catalog: search: %w", err)
	}
	if !ok {
		return d.searchSQL(ctx, q)
	}
	if res.Assets, err = d.assetsByDoc(ctx, page); err != nil {
		return SearchResult{}, fmt.Errorf("catalog: search: %w", err)
	}
	return res, nil
}

// searchSQL is Search computed by SQLite alone (FTS5 and the narrow
// table), uncached: the reference the in-memory index is tested against.
func (d *DB) searchSQL(ctx context.Context, q SearchQuery) (SearchResult, error) {
	text := parseSearchText(q.Text)
	if err := q.normalize(!text.empty()); err != nil {
		return SearchResult{}, err
	}
	cur, err := decodeCursor(q.Cursor, q.Sort)
	if err != nil {
		return SearchResult{}, err
	}
	f := newSearchFilter(q, text)
	var res SearchResult
	var page []int64
	if q.Sort == SortRelevance {
		page, res.Next, err = d.relevancePage(ctx, q, f, cur)
	} else {
		page, res.Next, err = d.sortedPage(ctx, q, f, cur)
	}
	if err != nil {
		return SearchResult{}, fmt.Errorf("catalog: search: %w", err)
	}
	if res.Assets, err = d.assetsByDoc(ctx, page); err != nil {
		return SearchResult{}, fmt.Errorf("catalog: search: %w", err)
	}
	if res.Facets, res.Total, err = d.searchFacets(ctx, f); err != nil {
		return SearchResult{}, fmt.Errorf("catalog: search facets: %w", err)
	}
	return res, nil
}

func (q *SearchQuery) normalize(hasText bool) error {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 500)
	if q.Sort == "" {
		q.Sort = SortUploaded
		if hasText {
			q.Sort = SortRelevance
		}
	}
	if q.Sort == SortRelevance && !hasText {
		q.Sort = SortUploaded
	}
	if q.DateField == "" {
		q.DateField = DateUploaded
	}
	q.SHA256 = strings.ToLower(strings.TrimSpace(q.SHA256))
	checks := []struct {
		field, value string
		allowed      []string
	}{
		{"kind", q.Kind, []string{KindPhoto, KindClip, KindTrailer}},
		{"sort", q.Sort, []string{SortRelevance, SortCaptured, SortUploaded}},
		{"date_field", q.DateField, []string{DateCaptured, DateUploaded}},
		{"orientation", q.Orientation, []string{OrientationLandscape, OrientationPortrait, OrientationSquare}},
	}
	for _, c := range checks {
		if c.value != "" && !slices.Contains(c.allowed, c.value) {
			list := strings.Join(c.allowed, ", ")
			return fieldErr(c.field, fmt.Sprintf("Giá trị %q không hợp lệ; chọn %s.", c.value, list),
				fmt.Sprintf("%q is not valid; use %s.", c.value, list))
		}
	}
	if q.From != nil && q.To != nil && q.To.Before(*q.From) {
		return fieldErr("to", "Ngày kết thúc trước ngày bắt đầu.", "The end date is before the start date.")
	}
	return nil
}

// searchCursor is where the next page starts: after (Key, ID) in the
// order of Sort, or at Offset for relevance.
type searchCursor struct {
	Sort   string `json:"s"`
	Key    string `json:"k,omitempty"`
	ID     string `json:"i,omitempty"`
	Offset int    `json:"o,omitempty"`
}

func (c searchCursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, sort string) (*searchCursor, error) {
	if s == "" {
		return nil, nil
	}
	bad := fieldErr("cursor", "Con trỏ trang không hợp lệ; hãy tìm lại từ trang đầu.", "The page cursor is not valid; search again from the first page.")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, bad
	}
	var c searchCursor
	if json.Unmarshal(b, &c) != nil || c.Sort != sort || c.Offset < 0 || (sort != SortRelevance && c.ID == "") {
		return nil, bad
	}
	return &c, nil
}
