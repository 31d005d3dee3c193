package catalog

import (
	"context"
	"strings"
	"testing"
)

func TestThemesSuggestConfirmCount(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, contrib, curator := metaAsset(t, d, "t1")
	if err := d.SuggestThemes(ctx, a.ID, []string{"ocop", "ocop/coffee", "heritage"}); err != nil {
		t.Fatal(err)
	}
	ts, _ := d.Themes(ctx, a.ID)
	if len(ts) != 3 || ts[0].Confirmed {
		t.Fatalf("suggested = %+v", ts)
	}
	if err := d.SetThemes(ctx, a.ID, []string{"ocop/coffee", "tourism"}, curator); err != nil {
		t.Fatal(err)
	}
	ts, _ = d.Themes(ctx, a.ID)
	var got []string
	for _, th := range ts {
		got = append(got, th.ID+map[bool]string{true: "✓", false: "?"}[th.Confirmed])
	}
	if strings.Join(got, " ") != "ocop/coffee✓ tourism✓ heritage? ocop?" {
		t.Errorf("themes = %v", got)
	}
	// New suggestions replace old ones but never touch confirmed themes.
	d.SuggestThemes(ctx, a.ID, []string{"tourism", "border"})
	ts, _ = d.Themes(ctx, a.ID)
	if len(ts) != 3 || ts[2].ID != "border" || !ts[1].Confirmed {
		t.Errorf("after new suggestions = %+v", ts)
	}
	counts, _ := d.ThemeCounts(ctx, 0)
	if counts["tourism"] != 1 || counts["ocop/coffee"] != 1 || counts["border"] != 0 {
		t.Errorf("counts = %v", counts)
	}
	if other, _ := d.ThemeCounts(ctx, contrib.OrgID+100); len(other) != 0 {
		t.Errorf("another organisation's counts = %v", other)
	}
	events, _ := d.AuditFor(ctx, "asset", a.ID)
	if countAction(events, "asset.themes") != 1 {
		t.Errorf("theme audit events: %d", countAction(events, "asset.themes"))
	}
}
