package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
)

type searchPage struct {
	Items  []api.Asset               `json:"items"`
	Facets map[string]map[string]int `json:"facets"`
	Next   string                    `json:"next"`
	Total  int                       `json:"total"`
}

// seedSearch writes three assets of two contributors' organisations.
func seedSearch(t *testing.T, f *fixture) {
	t.Helper()
	ctx := context.Background()
	orgA, _ := f.db.EnsureOrg(ctx, "Báo Đắk Lắk")
	orgB, _ := f.db.EnsureOrg(ctx, "Đài PT-TH Phú Yên")
	mk := func(i int, org catalog.Org, kind, vi, en string, themes ...string) catalog.SeedAsset {
		return catalog.SeedAsset{Asset: catalog.Asset{Kind: kind, Status: catalog.StatusReady, OrgID: org.ID, FileName: fmt.Sprintf("f%d.jpg", i),
			RawFileName: fmt.Sprintf("f%d.jpg", i), Format: "jpeg", MIME: "image/jpeg", SHA256: fmt.Sprintf("%064x", i), Width: 4000, Height: 3000},
			Texts: map[string]map[string]string{"title": {"vi": vi, "en": en}}, Themes: themes}
	}
	err := f.db.Seed(ctx, []catalog.SeedAsset{
		mk(1, orgA, "photo", "Lễ hội Cà phê Buôn Ma Thuột", "Buon Ma Thuot Coffee Festival", "heritage/festivals"),
		mk(2, orgA, "clip", "Hồ Lắk", "Lak Lake", "tourism"),
		mk(3, orgB, "photo", "Gành Đá Đĩa ở Phú Yên", "Ganh Da Dia, Phu Yen", "tourism/destinations"),
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSearchAPI(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	seedSearch(t, f)
	search := func(tok, query string) (int, searchPage) {
		resp, body := f.get(t, tok, "/api/v1/assets?"+query)
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, searchPage{}
		}
		return resp.StatusCode, decode[searchPage](t, body)
	}
	tests := []struct {
		name, tok, query string
		total            int
	}{
		{"curator sees all", f.cu, "", 3},
		{"contributor sees own organisation", f.contribA, "", 2},
		{"other contributor", f.contribB, "", 1},
		{"folded words", f.cu, "q=" + url.QueryEscape("buon ma thuot"), 1},
		{"đ folds to d", f.cu, "q=" + url.QueryEscape("ganh da dia"), 1},
		{"contributor cannot find others' work", f.contribA, "q=" + url.QueryEscape("gành đá"), 0},
		{"theme includes sub-themes", f.cu, "theme=tourism", 2},
		{"themes comma-separated", f.cu, "theme=heritage,tourism/destinations", 2},
		{"themes repeated", f.cu, "theme=heritage&theme=tourism", 3},
		{"kind", f.cu, "kind=clip", 1},
		{"organisation by name", f.cu, "org=" + url.QueryEscape("Đài PT-TH Phú Yên"), 1},
		{"uploaded from a day", f.cu, "from=2020-01-01&to=2999-12-31", 3},
		{"hostile text", f.cu, "q=" + url.QueryEscape(`"NEAR( -x * ) AND 😀`), 0},
	}
	for _, tt := range tests {
		status, page := search(tt.tok, tt.query)
		if status != http.StatusOK || page.Total != tt.total || len(page.Items) != tt.total {
			t.Errorf("%s: status %d, total %d, %d items; want 200, %d", tt.name, status, page.Total, len(page.Items), tt.total)
		}
	}
	_, page := search(f.cu, "limit=2")
	if page.Facets["kind"]["photo"] != 2 || page.Facets["theme"]["tourism"] != 2 || page.Facets["organisation"]["Báo Đắk Lắk"] != 2 ||
		page.Facets["status"]["ready"] != 3 || page.Next == "" || len(page.Items) != 2 {
		t.Errorf("facets %v, next %q, %d items", page.Facets, page.Next, len(page.Items))
	}
	_, rest := search(f.cu, "limit=2&cursor="+url.QueryEscape(page.Next))
	if len(rest.Items) != 1 || rest.Next != "" || rest.Items[0].ID == page.Items[0].ID || rest.Items[0].ID == page.Items[1].ID {
		t.Errorf("second page: %+v", rest)
	}
	for _, bad := range []string{"kind=video", "sort=random", "from=2025-13-01", "to=yesterday", "limit=0", "cursor=nonsense",
		"org=" + url.QueryEscape("Không có"), "orientation=tall", "date_field=modified"} {
		resp, body := f.get(t, f.cu, "/api/v1/assets?"+bad)
		e := decode[errorBody](t, body)
		if resp.StatusCode != http.StatusBadRequest || e.Error.MessageVi == "" || e.Error.MessageEn == "" {
			t.Errorf("%s: status %d, %s", bad, resp.StatusCode, body)
		}
	}
}
