package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// searchAsset describes one asset of the test catalogue.
type searchAsset struct {
	key, kind, org, status string
	w, h, orient, rot      int
	captured               string // YYYY-MM-DD or ""
	raw                    string
	texts                  map[string]map[string]string
	keywords               map[string][]string
	creator, credit        string
	themes                 []string // "id" confirmed, "?id" suggested
	subs                   []string // subtitle languages
	review                 []string // field.lang marked reviewed
}

func tx(vi, en string) map[string]string {
	m := map[string]string{}
	if vi != "" {
		m["vi"] = vi
	}
	if en != "" {
		m["en"] = en
	}
	return m
}

var searchCatalogue = []searchAsset{
	{key: "bmt", kind: KindPhoto, org: "Báo Đắk Lắk", w: 4032, h: 3024, orient: 1, captured: "2025-03-10", raw: "IMG_1001.jpg",
		texts: map[string]map[string]string{FieldTitle: tx("Lễ hội Cà phê Buôn Ma Thuột", "Buon Ma Thuot Coffee Festival"),
			FieldCaption: tx("Người dân Đắk Lắk rước cà phê trên phố", "Locals parade with coffee"), FieldProvince: tx("Đắk Lắk", "Dak Lak")},
		themes: []string{"heritage/festivals", "ocop/coffee"}},
	{key: "fish", kind: KindPhoto, org: "Đài PT-TH Phú Yên", w: 3000, h: 2000, captured: "2025-06-01", raw: "cho-tuy-hoa.jpg",
		texts: map[string]map[string]string{FieldTitle: tx("Cá phê nướng ở chợ Tuy Hòa", "Grilled fish at Tuy Hoa market")}},
	{key: "plain", kind: KindPhoto, org: "Đài PT-TH Phú Yên", w: 3000, h: 2000, captured: "2024-12-31", raw: "quan-nuoc.jpg",
		texts: map[string]map[string]string{FieldTitle: tx("", "Roadside drinks stall")}, keywords: map[string][]string{"en": {"ca phe sua da", "street"}}},
	{key: "ganh", kind: KindClip, org: "Đài PT-TH Phú Yên", w: 1920, h: 1080, rot: 90, captured: "2025-07-04", raw: "ganh.mp4",
		texts: map[string]map[string]string{FieldTitle: tx("Gành Đá Đĩa lúc bình minh", "Ganh Da Dia at dawn"),
			FieldSublocation: tx("Gành Đá Đĩa", "Ganh Da Dia")},
		themes: []string{"tourism/destinations", "?heritage"}, subs: []string{"vi"}},
	{key: "holak", kind: KindPhoto, org: "Báo Đắk Lắk", w: 4032, h: 3024, orient: 6, captured: "2025-03-12", raw: "ho.jpg",
		texts:   map[string]map[string]string{FieldTitle: tx("Hồ Lắk", "Lak Lake"), FieldCaption: tx("Thuyền độc mộc trên hồ", "Dugout canoes on the lake")},
		creator: "Nguyễn Văn An", credit: "Báo Đắk Lắk", themes: []string{"tourism"}, review: []string{"title.vi", "caption.vi"}},
	{key: "yok", kind: KindTrailer, org: "Báo Đắk Lắk", w: 1920, h: 1080, raw: "yokdon.mp4", status: StatusProcessing,
		texts:  map[string]map[string]string{FieldTitle: tx("Vườn quốc gia Yok Đôn", "Yok Don National Park")},
		themes: []string{"tourism/eco"}, subs: []string{"vi", "en"}},
	{key: "mnong", kind: KindPhoto, org: "Đài PT-TH Phú Yên", w: 2000, h: 2000, captured: "2023-11-20", raw: "gong.jpg",
		texts:  map[string]map[string]string{FieldTitle: tx("Người M'nông đánh cồng chiêng", "Mnong people play gongs")},
		themes: []string{"heritage/gong"}},
	{key: "thap", kind: KindPhoto, org: "Báo Đắk Lắk", w: 1000, h: 1500, raw: "DSC_0042 Tháp Nhạn.jpg"},
}

// searchFixture builds the catalogue through the real write paths and
// returns asset ids by key.
func searchFixture(t *testing.T, assets []searchAsset) (*DB, map[string]string, map[string]Org) {
	t.Helper()
	ctx := context.Background()
	d := openTest(t)
	ids, orgs := map[string]string{}, map[string]Org{}
	curator := Principal{Role: RoleCurator}
	for i, s := range assets {
		org, ok := orgs[s.org]
		if !ok {
			org, _ = d.EnsureOrg(ctx, s.org)
			orgs[s.org] = org
		}
		a := &Asset{Kind: s.kind, Status: cmpOr(s.status, StatusReady), OrgID: org.ID, FileName: s.raw, RawFileName: s.raw,
			Format: "jpeg", MIME: "image/jpeg", SHA256: fmt.Sprintf("%064x", i+1), Width: s.w, Height: s.h, Orientation: s.orient, Rotation: s.rot}
		if s.captured != "" {
			c, _ := time.Parse("2006-01-02", s.captured)
			c = c.Add(9 * time.Hour)
			a.CapturedAt = &c
		}
		if err := d.InsertAsset(ctx, a, File{Name: "original", StorageKey: "k/" + a.SHA256, MIME: a.MIME}); err != nil {
			t.Fatal(err)
		}
		ids[s.key] = a.ID
		e := MetaEdit{Texts: s.texts, Keywords: s.keywords, Review: s.review}
		if s.creator != "" {
			e.Creator, e.Credit = &s.creator, &s.credit
		}
		if _, err := d.EditMetadata(ctx, a.ID, e, curator, langs, nil); err != nil {
			t.Fatalf("%s: %v", s.key, err)
		}
		for _, th := range s.themes {
			confirmed := !strings.HasPrefix(th, "?")
			if _, err := d.db.ExecContext(ctx, "INSERT INTO asset_themes (asset_id, theme, confirmed, set_at) VALUES (?, ?, ?, ?)",
				a.ID, strings.TrimPrefix(th, "?"), confirmed, now()); err != nil {
				t.Fatal(err)
			}
		}
		for _, l := range s.subs {
			if err := d.PutSubtitle(ctx, &SubtitleTrack{AssetID: a.ID, Lang: l, Source: "s.srt", Encoding: "UTF-8", StorageKey: "sub/" + l}, curator); err != nil {
				t.Fatal(err)
			}
		}
	}
	return d, ids, orgs
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// keysOf names the result's assets by fixture key, in order.
func keysOf(as []Asset, ids map[string]string) []string {
	byID := map[string]string{}
	for k, id := range ids {
		byID[id] = k
	}
	var out []string
	for _, a := range as {
		out = append(out, byID[a.ID])
	}
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSearchVietnameseText(t *testing.T) {
	d, ids, _ := searchFixture(t, searchCatalogue)
	ctx := context.Background()
	tests := []struct {
		text string
		want []string // as a set; nil: no match
	}{
		{"buon ma thuot", []string{"bmt"}},
		{"Buôn Ma Thuột", []string{"bmt"}},
		{"BUÔN MA THUỘT", []string{"bmt"}},
		{"thuot buon", []string{"bmt"}},              // any order
		{"dak lak", []string{"bmt", "holak"}},        // Đắk Lắk in province, credit
		{"đắk lắk", []string{"bmt", "holak"}},        // same, typed with marks
		{"ca phe", []string{"bmt", "fish", "plain"}}, // cà phê, cá phê, ca phe
		{"coffee buôn", []string{"bmt"}},             // English and Vietnamese words together
		{"gành đá đ", []string{"ganh"}},              // last word is a prefix
		{"ganh da di", []string{"ganh"}},
		{"yok do", []string{"yok"}},
		{"national park", []string{"yok"}},
		{"m'nông", []string{"mnong"}},
		{"mnong", []string{"mnong"}},
		{"cồng chiêng", []string{"mnong"}},
		{"tháp nhạn", []string{"thap"}}, // the raw file name
		{"dsc 0042", []string{"thap"}},
		{"nguyen van an", []string{"holak"}}, // creator
		{"hồ lắk", []string{"holak"}},
		{"lak lake", []string{"holak"}},
		{"ca phe sua", []string{"plain"}}, // keywords
		{"tuy hoa", []string{"fish"}},
		{"xyzzy", nil},
		// FTS5 syntax is only words or separators.
		{`"yok đôn"`, []string{"yok"}},
		{`-lắk hồ`, []string{"holak", "bmt"}}, // hồ… is also hội
		{`(gành`, []string{"ganh"}},
		{`gành)`, []string{"ganh"}},
		{`hồ*`, []string{"holak", "bmt", "fish"}}, // hội, Hòa
		{`yok OR xyzzy`, nil},
		{`NEAR(hồ lắk)`, nil},
		{`hồ AND lắk`, nil},
		{`title:hồ`, nil},
		{`{exact}: hồ`, nil}, // "exact" is a word too
		{`^hồ lắk`, []string{"holak"}},
		{`lake NOT`, nil},
	}
	for _, tt := range tests {
		res, err := d.Search(ctx, SearchQuery{Text: tt.text})
		if err != nil {
			t.Errorf("Search(%q): %v", tt.text, err)
			continue
		}
		if got := keysOf(res.Assets, ids); !sameSet(got, tt.want) || res.Total != len(tt.want) {
			t.Errorf("Search(%q) = %v (total %d), want %v", tt.text, got, res.Total, tt.want)
		}
	}
}

func TestSearchHostileInputNeverFails(t *testing.T) {
	d, _, _ := searchFixture(t, searchCatalogue[:2])
	ctx := context.Background()
	for _, text := range []string{`"`, `""`, `"""`, `NEAR(`, `NEAR(a b, 2)`, `*`, `**`, `-x`, `-`, `(`, `)`, `()`, `AND`, `OR`, `NOT`,
		`a AND`, `OR b`, `😀`, `☕ cà phê 😀`, `"cà phê" OR "`, `cà*phê`, `:`, `exact:`, `folded : x`, "\x00\xff\xfe", "cà\u0300 phê",
		"\u200b", strings.Repeat("cà phê ", 1500), strings.Repeat("x", 10000), strings.Repeat(`"(`, 3000)} {
		res, err := d.Search(ctx, SearchQuery{Text: text})
		if err != nil {
			t.Errorf("Search(%.40q): %v", text, err)
		}
		if res.Total != len(res.Assets) {
			t.Errorf("Search(%.40q): total %d, %d assets", text, res.Total, len(res.Assets))
		}
	}
}

func TestSearchExactDiacriticsRankFirst(t *testing.T) {
	d, ids, _ := searchFixture(t, searchCatalogue)
	ctx := context.Background()
	for _, tt := range []struct {
		text  string
		first string
	}{
		{"cà phê", "bmt"},
		{"cá phê", "fish"},
		{"ca phe", "plain"},
	} {
		res, err := d.Search(ctx, SearchQuery{Text: tt.text})
		if err != nil {
			t.Fatal(err)
		}
		got := keysOf(res.Assets, ids)
		if len(got) != 3 || got[0] != tt.first {
			t.Errorf("Search(%q) = %v, want %s first of 3", tt.text, got, tt.first)
		}
	}
}

func TestSearchFilters(t *testing.T) {
	d, ids, orgs := searchFixture(t, searchCatalogue)
	ctx := context.Background()
	day := func(s string) *time.Time {
		v, _ := time.ParseInLocation("2006-01-02", s, time.FixedZone("ICT", 7*3600))
		return &v
	}
	tomorrow := time.Now().AddDate(0, 0, 1)
	all := []string{"bmt", "fish", "plain", "ganh", "holak", "yok", "mnong", "thap"}
	tests := []struct {
		name string
		q    SearchQuery
		want []string
	}{
		{"none", SearchQuery{}, all},
		{"kind clip", SearchQuery{Kind: KindClip}, []string{"ganh"}},
		{"kind trailer", SearchQuery{Kind: KindTrailer}, []string{"yok"}},
		{"theme with sub-themes", SearchQuery{Themes: []string{"tourism"}}, []string{"ganh", "holak", "yok"}},
		{"theme confirmed only", SearchQuery{Themes: []string{"heritage"}}, []string{"bmt", "mnong"}},
		{"sub-theme or theme", SearchQuery{Themes: []string{"tourism/eco", "ocop"}}, []string{"yok", "bmt"}},
		{"theme prefix is not a theme", SearchQuery{Themes: []string{"tour"}}, nil},
		{"status", SearchQuery{Status: StatusProcessing}, []string{"yok"}},
		{"organisation", SearchQuery{OrgID: orgs["Đài PT-TH Phú Yên"].ID}, []string{"fish", "plain", "ganh", "mnong"}},
		{"visible to a contributor", SearchQuery{VisibleOrg: orgs["Báo Đắk Lắk"].ID}, []string{"bmt", "holak", "yok", "thap"}},
		{"contributor and text", SearchQuery{VisibleOrg: orgs["Báo Đắk Lắk"].ID, Text: "ca phe"}, []string{"bmt"}},
		{"captured in March 2025", SearchQuery{DateField: DateCaptured, From: day("2025-03-01"), To: day("2025-03-31")}, []string{"bmt", "holak"}},
		{"captured on one day", SearchQuery{DateField: DateCaptured, From: day("2025-03-10"), To: day("2025-03-10")}, []string{"bmt"}},
		{"captured until 2024", SearchQuery{DateField: DateCaptured, To: day("2024-12-31")}, []string{"plain", "mnong"}},
		{"uploaded today", SearchQuery{From: day(time.Now().Format("2006-01-02"))}, all},
		{"uploaded from tomorrow", SearchQuery{DateField: DateUploaded, From: &tomorrow}, nil},
		{"landscape", SearchQuery{Orientation: OrientationLandscape}, []string{"bmt", "fish", "plain", "yok"}},
		{"portrait (EXIF 6, rotation 90)", SearchQuery{Orientation: OrientationPortrait}, []string{"ganh", "holak", "thap"}},
		{"square", SearchQuery{Orientation: OrientationSquare}, []string{"mnong"}},
		{"has vi subtitles", SearchQuery{HasSubtitle: "vi"}, []string{"ganh", "yok"}},
		{"has en subtitles", SearchQuery{HasSubtitle: "en"}, []string{"yok"}},
		{"lacks en subtitles", SearchQuery{LacksSubtitle: "en"}, []string{"ganh"}},
		{"incomplete in vi", SearchQuery{Incomplete: "vi"}, []string{"bmt", "fish", "plain", "ganh", "yok", "mnong", "thap"}},
		{"incomplete in en", SearchQuery{Incomplete: "en"}, all},
		{"a language with a space has no subtitles", SearchQuery{HasSubtitle: "vi en"}, nil},
		{"nor lacks only some", SearchQuery{LacksSubtitle: "vi en"}, []string{"ganh", "yok"}},
		{"nor is complete", SearchQuery{Incomplete: "vi "}, all},
		{"by hash", SearchQuery{SHA256: strings.ToUpper(fmt.Sprintf("%064x", 5))}, []string{"holak"}},
		{"text and filters", SearchQuery{Text: "dak lak", Kind: KindPhoto, Themes: []string{"tourism"}, Orientation: OrientationPortrait}, []string{"holak"}},
	}
	for _, tt := range tests {
		res, err := d.Search(ctx, tt.q)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := keysOf(res.Assets, ids); !sameSet(got, tt.want) || res.Total != len(tt.want) {
			t.Errorf("%s: %v (total %d), want %v", tt.name, got, res.Total, tt.want)
		}
	}
}

func TestSearchFacets(t *testing.T) {
	d, _, orgs := searchFixture(t, searchCatalogue)
	ctx := context.Background()
	res, err := d.Search(ctx, SearchQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int{
		FacetKind:         {"photo": 6, "clip": 1, "trailer": 1},
		FacetStatus:       {"ready": 7, "processing": 1},
		FacetOrganisation: {"Báo Đắk Lắk": 4, "Đài PT-TH Phú Yên": 4},
		FacetTheme: {"tourism": 3, "tourism/destinations": 1, "tourism/eco": 1, "heritage": 2, "heritage/festivals": 1,
			"heritage/gong": 1, "ocop": 1, "ocop/coffee": 1},
	}
	if fmt.Sprint(res.Facets) != fmt.Sprint(want) || res.Total != 8 || len(res.Assets) != 1 {
		t.Errorf("facets = %v, total %d, %d assets; want %v, 8, 1", res.Facets, res.Total, len(res.Assets), want)
	}
	res, err = d.Search(ctx, SearchQuery{Text: "dak lak", VisibleOrg: orgs["Báo Đắk Lắk"].ID})
	if err != nil {
		t.Fatal(err)
	}
	want = map[string]map[string]int{FacetKind: {"photo": 2}, FacetStatus: {"ready": 2}, FacetOrganisation: {"Báo Đắk Lắk": 2},
		FacetTheme: {"heritage": 1, "heritage/festivals": 1, "ocop": 1, "ocop/coffee": 1, "tourism": 1}}
	if fmt.Sprint(res.Facets) != fmt.Sprint(want) || res.Total != 2 {
		t.Errorf("text facets = %v, total %d; want %v", res.Facets, res.Total, want)
	}
}

func TestSearchFollowsEdits(t *testing.T) {
	d, ids, _ := searchFixture(t, searchCatalogue)
	ctx := context.Background()
	find := func(text string) []string {
		res, err := d.Search(ctx, SearchQuery{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		return keysOf(res.Assets, ids)
	}
	if _, err := d.EditMetadata(ctx, ids["thap"], MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"en": "Nhan Tower at night"}},
		Credit: strp("Trung tâm Văn hóa Phú Yên")}, Principal{Role: RoleCurator}, langs, nil); err != nil {
		t.Fatal(err)
	}
	if got := find("nhan tower"); !sameSet(got, []string{"thap"}) {
		t.Errorf("after edit: %v", got)
	}
	if got := find("trung tam van hoa"); !sameSet(got, []string{"thap"}) {
		t.Errorf("credit after edit: %v", got)
	}
	if got := find("binh minh"); !sameSet(got, []string{"ganh"}) {
		t.Errorf("before clearing: %v", got)
	}
	if _, err := d.EditMetadata(ctx, ids["ganh"], MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"vi": "", "en": ""}}},
		Principal{Role: RoleCurator}, langs, nil); err != nil {
		t.Fatal(err)
	}
	if got := find("binh minh"); got != nil {
		t.Errorf("cleared title still found: %v", got)
	}
	// A path that writes text without reindexing leaves the document
	// stale; Reindex catches up.
	d.db.ExecContext(ctx, "UPDATE asset_texts SET value = 'Mũi Điện' WHERE asset_id = ? AND field = 'title' AND lang = 'vi'", ids["mnong"])
	if n, err := d.Reindex(ctx, false); err != nil || n != 1 {
		t.Errorf("Reindex = %d, %v; want 1", n, err)
	}
	if got := find("mui dien"); !sameSet(got, []string{"mnong"}) {
		t.Errorf("after reindex: %v", got)
	}
	d.db.ExecContext(ctx, "UPDATE asset_themes SET confirmed = 1 WHERE asset_id = ?", ids["ganh"])
	res, _ := d.Search(ctx, SearchQuery{Themes: []string{"heritage"}})
	if got := keysOf(res.Assets, ids); !sameSet(got, []string{"bmt", "mnong", "ganh"}) {
		t.Errorf("confirmed theme: %v", got)
	}
}

func TestSearchPagination(t *testing.T) {
	var cat []searchAsset
	for i := range 23 {
		captured := ""
		if i%4 != 0 {
			captured = fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%5) // repeats: ties broken by id
		}
		title := "Đắk Lắk mùa cà phê"
		if i%3 == 0 {
			title = "Dak Lak ca phe"
		}
		cat = append(cat, searchAsset{key: fmt.Sprint(i), kind: KindPhoto, org: "Báo Đắk Lắk", w: 10, h: 10, captured: captured,
			raw: fmt.Sprintf("a%d.jpg", i), texts: map[string]map[string]string{FieldTitle: tx(title+fmt.Sprintf(" %d", i), "")}})
	}
	d, _, _ := searchFixture(t, cat)
	ctx := context.Background()
	for _, q := range []SearchQuery{{Sort: SortUploaded}, {Sort: SortCaptured}, {Text: "đắk lắk cà phê"}, {Text: "dak", Sort: SortCaptured},
		{Text: "dak", Sort: SortUploaded}} {
		q.Limit = 4
		seen := map[string]bool{}
		pages := 0
		var firstOrder []string
		for {
			res, err := d.Search(ctx, q)
			if err != nil {
				t.Fatalf("%+v: %v", q, err)
			}
			pages++
			for _, a := range res.Assets {
				if seen[a.ID] {
					t.Errorf("%+v: %s twice", q, a.ID)
				}
				seen[a.ID] = true
				firstOrder = append(firstOrder, a.ID)
			}
			if res.Total != 23 {
				t.Errorf("%+v: total %d, want 23", q, res.Total)
			}
			if res.Next == "" {
				break
			}
			q.Cursor = res.Next
		}
		if len(seen) != 23 || pages != 6 {
			t.Errorf("%+v: %d assets in %d pages, want 23 in 6", q, len(seen), pages)
		}
		q.Cursor, q.Limit = "", 100
		res, _ := d.Search(ctx, q)
		var whole []string
		for _, a := range res.Assets {
			whole = append(whole, a.ID)
		}
		if !slices.Equal(whole, firstOrder) {
			t.Errorf("%+v: pages are not in the order of one page", q)
		}
		if q.Text == "đắk lắk cà phê" && len(whole) == 23 {
			// The 15 titles written with marks first, then the 8 without.
			for pos, id := range whole {
				a, _ := d.Asset(ctx, id)
				var i int
				fmt.Sscanf(a.RawFileName, "a%d.jpg", &i)
				if marked := i%3 != 0; marked != (pos < 15) {
					t.Errorf("relevance: %s at %d", a.RawFileName, pos)
				}
			}
		}
	}
	if _, err := d.Search(ctx, SearchQuery{Cursor: "nonsense"}); err == nil {
		t.Error("bad cursor accepted")
	}
	res, _ := d.Search(ctx, SearchQuery{Limit: 2, Sort: SortCaptured})
	if _, err := d.Search(ctx, SearchQuery{Cursor: res.Next, Sort: SortUploaded}); err == nil {
		t.Error("cursor of another order accepted")
	}
}

func TestSearchRefusesBadValues(t *testing.T) {
	d := openTest(t)
	for _, q := range []SearchQuery{{Kind: "video"}, {Sort: "random"}, {DateField: "modified"}, {Orientation: "tall"}} {
		if _, err := d.Search(context.Background(), q); err == nil {
			t.Errorf("%+v accepted", q)
		}
	}
}
