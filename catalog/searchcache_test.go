package catalog

import (
	"context"
	"fmt"
	"testing"
)

// The facets, total and relevance order of a search must follow every
// write at once, even though they are cached between writes and computed
// from an in-memory index: they stay SQLite's.
func TestSearchFacetsFollowWrites(t *testing.T) {
	d, ids, orgs := searchFixture(t, searchCatalogue)
	ctx := context.Background()
	curator := Principal{Role: RoleCurator}
	queries := []SearchQuery{{}, {Text: "dak lak"}, {Text: "tower"}, {Incomplete: "en"}, {Themes: []string{"heritage"}},
		{Status: StatusApproved}, {HasSubtitle: "en"}, {Kind: KindPhoto, Orientation: OrientationLandscape}, {Text: "dak lak", Sort: SortUploaded, Limit: 2}}
	// describe is what a search shows: total, facets and the page; sql:
	// as SQLite alone computes it, without the cache or the in-memory
	// index.
	describe := func(q SearchQuery, sql bool) string {
		t.Helper()
		search := d.Search
		if sql {
			search = d.searchSQL
		}
		res, err := search(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var page []string
		for _, a := range res.Assets {
			page = append(page, a.ID)
		}
		return fmt.Sprint(res.Total, res.Facets, page)
	}
	// snapshot is the reference: SQLite's answers.
	snapshot := func() []string {
		var out []string
		for _, q := range queries {
			out = append(out, describe(q, true))
		}
		return out
	}
	check := func(step string, before []string) []string {
		t.Helper()
		var cached []string
		for _, q := range queries {
			cached = append(cached, describe(q, false))
		}
		now := snapshot()
		changed := false
		for i, q := range queries {
			if cached[i] != now[i] {
				t.Errorf("%s: query %+v: got %s, want %s", step, q, cached[i], now[i])
			}
			changed = changed || now[i] != before[i]
		}
		if !changed {
			t.Errorf("%s: no search changed; the step tests nothing", step)
		}
		return now
	}
	if err := d.WarmSearch(ctx); err != nil {
		t.Fatal(err)
	}
	state := snapshot()
	for _, q := range queries { // fill the cache
		describe(q, false)
	}
	org := orgs["Báo Đắk Lắk"]
	a := &Asset{Kind: KindPhoto, Status: StatusReady, OrgID: org.ID, FileName: "new.jpg", RawFileName: "new.jpg", Format: "jpeg",
		MIME: "image/jpeg", SHA256: fmt.Sprintf("%064x", 999), Width: 3000, Height: 2000}
	if err := d.InsertAsset(ctx, a, File{Name: "original", StorageKey: "k/new", MIME: a.MIME}); err != nil {
		t.Fatal(err)
	}
	state = check("insert", state)
	if _, err := d.EditMetadata(ctx, a.ID, MetaEdit{Texts: map[string]map[string]string{FieldTitle: {"en": "Nhan Tower, Dak Lak"},
		FieldCaption: {"en": "The tower at dusk"}}, Review: []string{"title.en", "caption.en"}}, curator, langs, nil); err != nil {
		t.Fatal(err)
	}
	state = check("edit", state)
	if err := d.SetThemes(ctx, ids["thap"], []string{"heritage/relics"}, curator); err != nil {
		t.Fatal(err)
	}
	state = check("themes", state)
	if _, err := d.Review(ctx, ids["bmt"], DecisionApprove, "", curator); err != nil {
		t.Fatal(err)
	}
	state = check("status", state)
	if err := d.PutSubtitle(ctx, &SubtitleTrack{AssetID: ids["ganh"], Lang: "en", Source: "s.srt", Encoding: "UTF-8", StorageKey: "sub/en"}, curator); err != nil {
		t.Fatal(err)
	}
	state = check("subtitle", state)
	if _, err := d.db.ExecContext(ctx, "UPDATE assets SET orientation = 6 WHERE id = ?", ids["thap"]); err != nil {
		t.Fatal(err)
	}
	state = check("orientation", state)
	if _, err := d.db.ExecContext(ctx, "UPDATE organisations SET name = 'Báo Đắk Lắk mới' WHERE id = ?", org.ID); err != nil {
		t.Fatal(err)
	}
	check("organisation renamed", state)
}
