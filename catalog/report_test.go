package catalog

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// reportFixture is a catalogue with activity around the first half of 2026:
// assets received on either side of its bounds (in UTC+7), themes confirmed
// and suggested, review decisions and exports.
func reportFixture(t *testing.T) *DB {
	t.Helper()
	ctx := context.Background()
	d := openTest(t)
	orgA, err := d.EnsureOrg(ctx, "Báo Đắk Lắk")
	if err != nil {
		t.Fatal(err)
	}
	orgB, err := d.EnsureOrg(ctx, "Đài PT-TH Phú Yên")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.db.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	asset := func(id string, org Org, kind, created string, themes map[string]bool) {
		exec(`INSERT INTO assets (id, kind, status, org_id, file_name, raw_file_name, format, mime, byte_size, sha256, created_at, updated_at)
			VALUES (?, ?, 'ready', ?, 'f', 'f', 'jpeg', 'image/jpeg', 1, ?, ?, ?)`, id, kind, org.ID, id, created, created)
		for th, confirmed := range themes {
			exec(`INSERT INTO asset_themes (asset_id, theme, confirmed, set_at) VALUES (?, ?, ?, ?)`, id, th, confirmed, created)
		}
	}
	event := func(at, action, id, detail string) {
		exec(`INSERT INTO audit_log (at, action, subject_type, subject_id, detail) VALUES (?, ?, 'asset', ?, ?)`, at, action, id, detail)
	}
	review := func(at, id, from, to string) {
		event(at, "asset.review", id, fmt.Sprintf(`{"decision": "x", "from": %q, "to": %q}`, from, to))
	}
	export := func(at, id, dest, pkg string) {
		event(at, "asset.export", id, fmt.Sprintf(`{"destination": %q, "package": %q}`, dest, pkg))
	}

	// A quarter-second into 2026-01-01 in the province; as text it sorts
	// before "2025-12-31T17:00:00Z".
	asset("a1", orgA, KindPhoto, "2025-12-31T17:00:00.25Z", map[string]bool{"tourism/eco": true, "tourism": true})
	review("2026-01-05T00:00:00Z", "a1", "ready", "approved")
	export("2026-01-06T00:00:00Z", "a1", "vietnamvn", "P1")
	export("2026-01-07T00:00:00Z", "a1", "happyvietnam", "P2")
	// Received and approved before the period, restricted (approved →
	// approved) and exported within it.
	asset("a2", orgA, KindPhoto, "2025-12-31T16:59:59.999Z", map[string]bool{"ocop/coffee": true, "heritage": false})
	review("2025-12-31T01:00:00Z", "a2", "ready", "approved")
	review("2026-02-01T00:00:00Z", "a2", "approved", "approved")
	export("2026-02-02T00:00:00Z", "a2", "vietnamvn", "P1")
	// The last half-second of 30 June, and the first instant of 1 July.
	asset("a3", orgA, KindClip, "2026-06-30T16:59:59.5Z", nil)
	asset("a4", orgA, KindClip, "2026-06-30T17:00:00Z", map[string]bool{"tourism": true})
	export("2026-06-30T17:00:00Z", "a4", "vietnamvn", "P3")
	// Two top-level themes; rejected twice in the period.
	asset("a5", orgB, KindTrailer, "2026-03-03T03:00:00Z", map[string]bool{"tourism": true, "border/sea": true})
	review("2026-03-04T00:00:00Z", "a5", "ready", "rejected")
	review("2026-03-05T00:00:00Z", "a5", "rejected", "ready")
	review("2026-03-06T00:00:00Z", "a5", "ready", "rejected")
	// Only a suggested theme; sent back for changes, which is not counted.
	asset("a6", orgB, KindPhoto, "2026-01-10T00:00:00Z", map[string]bool{"heritage": false})
	review("2026-01-11T00:00:00Z", "a6", "ready", "changes_requested")
	return d
}

func TestActivityReport(t *testing.T) {
	d := reportFixture(t)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) // only the date counts
	to := time.Date(2026, 6, 30, 23, 0, 0, 0, ProvinceZone)
	r, err := d.ActivityReport(context.Background(), from, to)
	if err != nil {
		t.Fatal(err)
	}
	if !r.From.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, ProvinceZone)) || !r.To.Equal(time.Date(2026, 6, 30, 0, 0, 0, 0, ProvinceZone)) {
		t.Errorf("period = %v … %v", r.From, r.To)
	}
	a, b := "Báo Đắk Lắk", "Đài PT-TH Phú Yên"
	want := []ReportRow{
		{Org: a, Theme: "ocop", Kind: KindPhoto, ReportCounts: ReportCounts{Exported: 1}},
		{Org: a, Theme: "tourism", Kind: KindPhoto, ReportCounts: ReportCounts{Received: 1, Approved: 1, Exported: 1}},
		{Org: a, Theme: "", Kind: KindClip, ReportCounts: ReportCounts{Received: 1}},
		{Org: b, Theme: "border", Kind: KindTrailer, ReportCounts: ReportCounts{Received: 1, Rejected: 1}},
		{Org: b, Theme: "tourism", Kind: KindTrailer, ReportCounts: ReportCounts{Received: 1, Rejected: 1}},
		{Org: b, Theme: "", Kind: KindPhoto, ReportCounts: ReportCounts{Received: 1}},
	}
	for i := range r.Rows {
		if r.Rows[i].OrgID == 0 {
			t.Errorf("row %d has no organisation id", i)
		}
		r.Rows[i].OrgID = 0
	}
	if !reflect.DeepEqual(r.Rows, want) {
		t.Errorf("rows:\n got %+v\nwant %+v", r.Rows, want)
	}
	if wantTotal := (ReportCounts{Received: 4, Approved: 1, Rejected: 1, Exported: 2}); r.Total != wantTotal {
		t.Errorf("total = %+v; want %+v (each asset once)", r.Total, wantTotal)
	}
	wantDest := []DestinationCount{{"happyvietnam", 1, 1}, {"vietnamvn", 2, 1}}
	if !reflect.DeepEqual(r.Destinations, wantDest) {
		t.Errorf("destinations = %+v; want %+v", r.Destinations, wantDest)
	}
}

func TestActivityReportPeriods(t *testing.T) {
	d := reportFixture(t)
	ctx := context.Background()
	date := func(s string) time.Time {
		v, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		from, to string
		want     ReportCounts
	}{
		{"2026-06-30", "2026-06-30", ReportCounts{Received: 1}},
		{"2026-07-01", "2026-07-01", ReportCounts{Received: 1, Exported: 1}},
		{"2025-12-31", "2025-12-31", ReportCounts{Received: 1, Approved: 1}},
		{"2027-01-01", "2027-12-31", ReportCounts{}},
	} {
		r, err := d.ActivityReport(ctx, date(c.from), date(c.to))
		if err != nil || r.Total != c.want {
			t.Errorf("%s … %s: total %+v, %v; want %+v", c.from, c.to, r.Total, err, c.want)
		}
	}
	if _, err := d.ActivityReport(ctx, date("2026-06-30"), date("2026-01-01")); !errors.Is(err, ErrInvalid) {
		t.Errorf("to before from: %v; want ErrInvalid", err)
	}
}
