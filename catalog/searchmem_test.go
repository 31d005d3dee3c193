package catalog

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// memCorpus fills d with n generated assets (bilingual text from a few
// Vietnamese place names and subjects, so words recur and rank by bm25),
// seeded, and returns the organisations.
func memCorpus(t *testing.T, d *DB, n int, seed uint64) []Org {
	t.Helper()
	ctx := context.Background()
	var orgs []Org
	for _, name := range []string{"Sở VHTTDL Đắk Lắk", "Báo Đắk Lắk", "Trung tâm Văn hóa Phú Yên"} {
		o, err := d.EnsureOrg(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, o)
	}
	places := [][2]string{{"Buôn Ma Thuột", "Buon Ma Thuot"}, {"Gành Đá Đĩa", "Ganh Da Dia"}, {"Hồ Lắk", "Lak Lake"}, {"Tháp Nhạn", "Nhan Tower"},
		{"Tuy Hòa", "Tuy Hoa"}, {"Buôn Đôn", "Buon Don"}, {"Cư M'gar", "Cu M'gar"}, {"Đà Rằng", "Da Rang river"}}
	subjects := [][2]string{{"cồng chiêng", "gongs"}, {"cà phê", "coffee"}, {"cá phê nướng", "grilled fish"}, {"đua voi", "elephant race"},
		{"lễ hội", "festival"}, {"hoàng hôn", "sunset"}, {"thuyền thúng", "basket boats"}, {"chợ cá", "fish market"}, {"lê hội", "pear fair"}}
	themes := []string{"tourism", "tourism/eco", "tourism/sea-islands", "ocop", "ocop/coffee", "heritage", "heritage/gong", "border"}
	statuses := []string{StatusReady, StatusReady, StatusApproved, StatusProcessing}
	r := rand.New(rand.NewPCG(seed, 7))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var batch []SeedAsset
	for i := range n {
		p, s := places[r.IntN(len(places))], subjects[r.IntN(len(subjects))]
		created := start.Add(time.Duration(r.IntN(400*24)) * time.Hour) // hours: ties in date order
		captured := created.Add(-time.Duration(r.IntN(40*24)) * time.Hour)
		kind := []string{KindPhoto, KindPhoto, KindClip, KindTrailer}[r.IntN(4)]
		w, h := 4000, 3000
		switch r.IntN(4) {
		case 0:
			w, h = h, w
		case 1:
			h = w
		}
		sa := SeedAsset{
			Asset: Asset{Kind: kind, Status: statuses[r.IntN(len(statuses))], OrgID: orgs[r.IntN(len(orgs))].ID, FileName: fmt.Sprintf("DSC_%04d.jpg", i),
				RawFileName: fmt.Sprintf("DSC_%04d.jpg", i), Format: "jpeg", MIME: "image/jpeg", SHA256: fmt.Sprintf("%064x", seed<<32+uint64(i)),
				Width: w, Height: h, Orientation: []int{1, 1, 6}[r.IntN(3)], CreatedAt: created},
			Texts:    map[string]map[string]string{FieldTitle: {"vi": strings.ToUpper(s[0][:1]) + s[0][1:] + " ở " + p[0], "en": s[1] + " at " + p[1]}},
			Keywords: map[string][]string{"vi": {p[0], s[0]}},
			Creator:  []string{"Nguyễn Văn An", "H'Hen Niê", ""}[r.IntN(3)],
			Reviewed: r.IntN(2) == 0,
		}
		if r.IntN(3) > 0 {
			sa.Asset.CapturedAt = &captured
		}
		if r.IntN(2) == 0 {
			sa.Texts[FieldCaption] = map[string]string{"vi": s[0] + " tại " + p[0] + ", tỉnh Đắk Lắk " + strings.Repeat(s[0]+" ", r.IntN(3))}
		}
		if kind != KindPhoto {
			sa.Subtitles = [][]string{nil, {"vi"}, {"vi", "en"}}[r.IntN(3)]
		}
		for range r.IntN(3) {
			sa.Themes = append(sa.Themes, themes[r.IntN(len(themes))])
		}
		sa.Themes = uniq(sa.Themes)
		batch = append(batch, sa)
	}
	if err := d.Seed(ctx, batch); err != nil {
		t.Fatal(err)
	}
	return orgs
}

func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if !strings.Contains(strings.Join(out, "\n")+"\n", v+"\n") {
			out = append(out, v)
		}
	}
	return out
}

// memQueries is the table: texts with and without diacritics, prefixes,
// hostile syntax, against each of the filters and orders.
func memQueries(orgs []Org) []SearchQuery {
	day := func(s string) *time.Time { t, _ := time.Parse("2006-01-02", s); return &t }
	texts := []string{"", "buôn ma thuột", "buon ma thuot", "cà phê", "ca phe", "cá phê", "lễ hội", "le hoi", "lê", "da", "đ", "b", "gành đá",
		"dak lak", "thuyen thung", "h'hen", "DSC_0042", "nhan tower", `"coffee" OR NEAR(x*`, "ma ma buôn", "zzz nothing", "hoi le", "ca"}
	filters := []SearchQuery{{}, {Kind: KindPhoto}, {Kind: KindClip, HasSubtitle: "en"}, {Themes: []string{"tourism"}}, {Themes: []string{"ocop/coffee", "border"}},
		{Themes: []string{" "}}, {Status: StatusApproved}, {OrgID: orgs[1].ID}, {VisibleOrg: orgs[2].ID, Kind: KindTrailer},
		{DateField: DateCaptured, From: day("2024-03-01"), To: day("2024-09-30")}, {From: day("2024-06-01")}, {To: day("2024-02-15")},
		{Orientation: OrientationPortrait}, {Orientation: OrientationSquare, Incomplete: "en"}, {LacksSubtitle: "en"}, {Incomplete: "vi"},
		{SHA256: fmt.Sprintf("%064x", 3)}, {HasSubtitle: "v i"}}
	var out []SearchQuery
	for i, text := range texts {
		for j, f := range filters {
			q := f
			q.Text = text
			q.Limit = 9
			switch (i + j) % 4 {
			case 1:
				q.Sort = SortUploaded
			case 2:
				q.Sort = SortCaptured
			}
			out = append(out, q)
		}
	}
	return out
}

// describeSearch is what a page shows: total, facets, assets in order, and
// whether there is a next page.
func describeSearch(res SearchResult) string {
	var ids []string
	for _, a := range res.Assets {
		ids = append(ids, a.ID)
	}
	return fmt.Sprintf("total %d\nfacets %v\npage %v\nmore %v", res.Total, res.Facets, ids, res.Next != "")
}

// agree checks that the in-memory search and SQLite's give the same
// results, following up to three pages of each query.
func agree(t *testing.T, d *DB, queries []SearchQuery) {
	t.Helper()
	ctx := context.Background()
	if err := d.WarmSearch(ctx); err != nil { // else the first searches are SQLite's while it loads
		t.Fatal(err)
	}
	for _, q := range queries {
		mq, sq := q, q
		for page := range 3 {
			got, err := d.Search(ctx, mq)
			if err != nil {
				t.Fatalf("%+v: %v", mq, err)
			}
			want, err := d.searchSQL(ctx, sq)
			if err != nil {
				t.Fatalf("%+v: %v", sq, err)
			}
			if g, w := describeSearch(got), describeSearch(want); g != w {
				t.Fatalf("query %q %+v page %d:\nmemory: %s\nsql:    %s", q.Text, q, page+1, g, w)
			}
			if got.Next != want.Next && q.Sort != "" && q.Sort != SortRelevance {
				t.Fatalf("query %+v page %d: cursor %q, SQL's %q", q, page+1, got.Next, want.Next)
			}
			if got.Next == "" {
				break
			}
			mq.Cursor, sq.Cursor = got.Next, want.Next
		}
	}
}

func TestSearchMemoryAgreesWithSQL(t *testing.T) {
	d := openTest(t)
	orgs := memCorpus(t, d, 700, 1)
	queries := memQueries(orgs)
	agree(t, d, queries)

	// Writes through the ordinary paths are applied incrementally and keep
	// the two in agreement.
	ctx := context.Background()
	res, err := d.Search(ctx, SearchQuery{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	curator := Principal{Role: RoleCurator}
	for i, a := range res.Assets {
		switch i % 4 {
		case 0:
			// Keywords stored with JSON escapes (\u003c…) are decoded.
			e := MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"vi": "Đêm cồng chiêng ở Buôn Đôn " + fmt.Sprint(i)}},
				Keywords: map[string][]string{"vi": {`cà phê <rang> & "xay"`, "u003c"}}}
			if _, err := d.EditMetadata(ctx, a.ID, e, curator, langs, nil); err != nil {
				t.Fatal(err)
			}
		case 1:
			if err := d.SetThemes(ctx, a.ID, []string{"heritage/gong", "tourism"}, curator); err != nil {
				t.Fatal(err)
			}
		case 2:
			if _, err := d.db.ExecContext(ctx, "UPDATE assets SET status = ?, created_at = ? WHERE id = ?", StatusApproved, "2024-02-10T08:00:00Z", a.ID); err != nil {
				t.Fatal(err)
			}
		case 3:
			e := MetaEdit{Review: []string{"title.vi", "title.en"}}
			if _, err := d.EditMetadata(ctx, a.ID, e, curator, langs, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := d.db.ExecContext(ctx, "UPDATE organisations SET name = 'Sở Văn hóa Đắk Lắk' WHERE id = ?", orgs[0].ID); err != nil {
		t.Fatal(err)
	}
	memCorpus(t, d, 50, 2)
	agree(t, d, queries)
	agree(t, d, []SearchQuery{{Text: "rang xay"}, {Text: "u003c"}, {Text: "đêm cồng", Sort: SortCaptured}, {Text: "sở văn hóa"}})
	res, err = d.Search(ctx, SearchQuery{Text: "rang xay"})
	if err != nil || res.Total != 10 {
		t.Errorf("rang xay: %d, %v; want the 10 edited", res.Total, err)
	}
	// The index kept in step answers as one loaded afresh.
	gen, err := d.searchGeneration(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := loadMemData(ctx, d.db, gen)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := d.readIndex(ctx, gen, true)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.mu.RUnlock()
	for _, q := range queries {
		text := parseSearchText(q.Text)
		if err := q.normalize(!text.empty()); err != nil {
			t.Fatal(err)
		}
		got, want := ix.memSearch(q, text, nil, nil), fresh.memSearch(q, text, nil, nil)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%+v: kept in step %v, loaded afresh %v", q, got, want)
		}
	}
}

// Dead slots are dropped once enough documents moved; results stay the
// same.
func TestSearchMemoryCompacts(t *testing.T) {
	old := compactMinDead
	compactMinDead = 0
	t.Cleanup(func() { compactMinDead = old })
	d := openTest(t)
	orgs := memCorpus(t, d, 200, 3)
	ctx := context.Background()
	if _, err := d.Search(ctx, SearchQuery{}); err != nil {
		t.Fatal(err)
	}
	// Rewrite the text of most documents (each moves to a new slot).
	if _, err := d.db.ExecContext(ctx, "UPDATE asset_texts SET value = value || ' hội mới' WHERE field = 'title' AND lang = 'vi'"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reindex(ctx, false); err != nil {
		t.Fatal(err)
	}
	agree(t, d, memQueries(orgs)[:60])
	ix := d.memIndex()
	if ix.nDead != 0 || len(ix.docid) != 200 {
		t.Errorf("after compaction: %d dead of %d slots, want 0 of 200", ix.nDead, len(ix.docid))
	}
	agree(t, d, []SearchQuery{{Text: "hoi moi"}, {Text: "hội mới", Sort: SortCaptured}})
}

// Another process (here a second handle on the same file) writes: the next
// search sees its changes without any call in this process.
func TestSearchSeesWritesOfAnotherHandle(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "catalog.db")
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	memCorpus(t, d, 100, 4)
	if err := d.WarmSearch(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := d.Search(ctx, SearchQuery{Text: "ea súp", Limit: 5})
	if err != nil || res.Total != 0 {
		t.Fatalf("before: %d, %v", res.Total, err)
	}
	all, err := d.Search(ctx, SearchQuery{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	id := all.Assets[0].ID
	curator := Principal{Role: RoleCurator}
	e := MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"vi": "Rừng khộp Ea Súp"}}}
	if _, err := other.EditMetadata(ctx, id, e, curator, langs, nil); err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"ea súp", "ea sup", "khộp", "rung kho"} {
		res, err = d.Search(ctx, SearchQuery{Text: text})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 1 || len(res.Assets) != 1 || res.Assets[0].ID != id {
			t.Errorf("%q after the other handle's edit: total %d, %v", text, res.Total, res.Assets)
		}
	}
	if err := other.SetThemes(ctx, id, []string{"border/landmarks"}, curator); err != nil {
		t.Fatal(err)
	}
	res, err = d.Search(ctx, SearchQuery{Themes: []string{"border/landmarks"}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 1 || res.Facets[FacetTheme]["border/landmarks"] != 1 {
		t.Errorf("theme set by the other handle: total %d, facets %v", res.Total, res.Facets[FacetTheme])
	}
	if _, err := other.db.ExecContext(ctx, "DELETE FROM asset_search_docs WHERE asset_id = ?", id); err != nil {
		t.Fatal(err)
	}
	res, err = d.Search(ctx, SearchQuery{Text: "ea sup"})
	if err != nil || res.Total != 0 {
		t.Errorf("after the other handle removed the document: total %d, %v", res.Total, err)
	}
	agree(t, d, memQueries(catalogueOrgs(t, d))[:80])
}

// nil2 returns the catalogue's organisations, for memQueries.
func catalogueOrgs(t *testing.T, d *DB) []Org {
	t.Helper()
	var orgs []Org
	for _, name := range []string{"Sở VHTTDL Đắk Lắk", "Báo Đắk Lắk", "Trung tâm Văn hóa Phú Yên"} {
		o, err := d.OrgByName(context.Background(), name)
		if err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, o)
	}
	return orgs
}

// The first search does not wait for the index: SQLite answers while it
// loads in the background, with the same results.
func TestSearchAnswersWhileIndexLoads(t *testing.T) {
	d := openTest(t)
	memCorpus(t, d, 300, 5)
	ctx := context.Background()
	q := SearchQuery{Text: "buon ma", Kind: KindPhoto}
	first, err := d.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if err := d.WarmSearch(ctx); err != nil {
		t.Fatal(err)
	}
	if !d.memIndex().loaded {
		t.Fatal("index not loaded after WarmSearch")
	}
	again, err := d.Search(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if g, w := describeSearch(again), describeSearch(first); g != w || first.Total == 0 {
		t.Errorf("from the index:\n%s\nwhile loading:\n%s", g, w)
	}
}

// Searches run while another handle writes (run with -race).
func TestSearchConcurrentWithWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "catalog.db")
	d, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	memCorpus(t, d, 200, 6)
	res, err := d.Search(ctx, SearchQuery{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 4)
	for g := range 3 {
		go func() {
			var err error
			for i := range 40 {
				q := SearchQuery{Text: []string{"buon", "cà phê", "le hoi", ""}[(g+i)%4], Limit: 5}
				if _, err = d.Search(ctx, q); err != nil {
					break
				}
			}
			done <- err
		}()
	}
	go func() {
		curator := Principal{Role: RoleCurator}
		var err error
		for i, a := range res.Assets {
			e := MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"vi": fmt.Sprintf("Chợ đêm Buôn Ma Thuột %d", i)}}}
			if _, err = other.EditMetadata(ctx, a.ID, e, curator, langs, nil); err != nil {
				break
			}
		}
		done <- err
	}()
	for range 4 {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	agree(t, d, []SearchQuery{{Text: "cho dem"}, {Text: "chợ đêm buôn", Sort: SortUploaded}, {Text: "buon"}})
}
