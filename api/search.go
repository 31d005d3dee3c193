package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
)

// SearchPage is a page of search results with the counts of the whole
// matching set.
type SearchPage struct {
	Items  []Asset                   `json:"items"`
	Facets map[string]map[string]int `json:"facets"` // theme, kind, status, organisation → value → assets
	Next   string                    `json:"next,omitempty"`
	Total  int                       `json:"total"`
}

// vietnam is the zone in which YYYY-MM-DD dates are read.
var vietnam = time.FixedZone("ICT", 7*3600)

// searchAssets answers GET /api/v1/assets: words (q) and filters, facets,
// cursor pages. Contributors see only their organisation.
func (s *Server) searchAssets(c *gin.Context) {
	q, ok := s.searchQuery(c)
	if !ok {
		return
	}
	res, err := s.db.Search(c.Request.Context(), q)
	var fe *catalog.FieldError
	switch {
	case errors.As(err, &fe):
		writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, fe.Field+": "+fe.Vi, fe.Field+": "+fe.En)
		return
	case err != nil:
		s.fail(c, err)
		return
	}
	page := SearchPage{Items: make([]Asset, 0, len(res.Assets)), Facets: res.Facets, Next: res.Next, Total: res.Total}
	for _, a := range res.Assets {
		page.Items = append(page.Items, toAsset(a))
	}
	c.JSON(http.StatusOK, page)
}

// searchQuery reads the query parameters; it writes 400 and reports false
// when one is unusable.
func (s *Server) searchQuery(c *gin.Context) (catalog.SearchQuery, bool) {
	limit, ok := pageLimit(c)
	if !ok {
		return catalog.SearchQuery{}, false
	}
	q := catalog.SearchQuery{Text: c.Query("q"), Kind: c.Query("kind"), Status: c.Query("status"), DateField: c.Query("date_field"),
		Orientation: c.Query("orientation"), HasSubtitle: c.Query("has_subtitle"), LacksSubtitle: c.Query("lacks_subtitle"),
		Incomplete: c.Query("incomplete"), SHA256: c.Query("sha256"), Sort: c.Query("sort"), Limit: limit, Cursor: c.Query("cursor")}
	for _, v := range c.QueryArray("theme") {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				q.Themes = append(q.Themes, t)
			}
		}
	}
	if p := principal(c); !p.SeesAllOrgs() {
		q.VisibleOrg = p.OrgID
	}
	if name := strings.TrimSpace(c.Query("org")); name != "" {
		org, err := s.db.OrgByName(c.Request.Context(), name)
		if errors.Is(err, catalog.ErrNotFound) {
			writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, fmt.Sprintf("org: không có đơn vị %q.", name), fmt.Sprintf("org: there is no organisation %q.", name))
			return q, false
		}
		if err != nil {
			s.fail(c, err)
			return q, false
		}
		q.OrgID = org.ID
	}
	for _, d := range []struct {
		name string
		dst  **time.Time
	}{{"from", &q.From}, {"to", &q.To}} {
		v := c.Query(d.name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", v, vietnam)
		if err != nil {
			writeError(c, http.StatusBadRequest, ingest.CodeBadRequest, fmt.Sprintf("%s: ngày phải có dạng 2026-03-10.", d.name),
				fmt.Sprintf("%s: the date must look like 2026-03-10.", d.name))
			return q, false
		}
		*d.dst = &t
	}
	return q, true
}
