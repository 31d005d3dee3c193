package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
)

const hostileOrg = `=HYPERLINK("http://evil.example","Bấm")`

// reportAsset catalogues an asset received now, with confirmed themes.
func reportAsset(t *testing.T, db *catalog.DB, org, kind string, themes ...string) string {
	t.Helper()
	ctx := context.Background()
	o, err := db.EnsureOrg(ctx, org)
	if err != nil {
		t.Fatal(err)
	}
	id := catalog.NewAssetID()
	a := &catalog.Asset{ID: id, Kind: kind, Status: catalog.StatusReady, OrgID: o.ID, FileName: id + ".jpg", RawFileName: id + ".jpg",
		Format: "jpeg", MIME: "image/jpeg", ByteSize: 1, SHA256: id}
	if err := db.InsertAsset(ctx, a, catalog.File{Name: "original", StorageKey: "originals/" + id, MIME: "image/jpeg", ByteSize: 1}); err != nil {
		t.Fatal(err)
	}
	if len(themes) > 0 {
		if err := db.SetThemes(ctx, id, themes, catalog.Principal{}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func audit(t *testing.T, db *catalog.DB, action, id string, detail map[string]any) {
	t.Helper()
	ctx := context.Background()
	err := db.InTx(ctx, func(tx *catalog.Tx) error {
		return tx.Audit(ctx, catalog.Event{Action: action, SubjectType: "asset", SubjectID: id, Detail: detail})
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestActivityReport(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	a1 := reportAsset(t, f.db, "Báo Đắk Lắk", catalog.KindPhoto, "tourism/eco")
	reportAsset(t, f.db, hostileOrg, catalog.KindClip)
	audit(t, f.db, "asset.review", a1, map[string]any{"decision": "approve", "from": "ready", "to": "approved"})
	audit(t, f.db, "asset.export", a1, map[string]any{"destination": "vietnamvn", "package": "p1"})
	today := time.Now().In(catalog.ProvinceZone)
	from, to := today.AddDate(0, 0, -1).Format(time.DateOnly), today.AddDate(0, 0, 1).Format(time.DateOnly)
	path := "/api/v1/reports/activity?from=" + from + "&to=" + to

	resp, b := f.get(t, f.cu, path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("json: %d %s", resp.StatusCode, b)
	}
	r := decode[api.ActivityReport](t, b)
	if r.From != from || r.To != to || len(r.Rows) != 2 || len(r.Destinations) != 1 ||
		r.Total != (api.ReportCounts{Received: 2, Approved: 1, Exported: 1}) {
		t.Fatalf("report = %+v", r)
	}
	// Rows sort by organisation name: "=" before "B".
	if row := r.Rows[0]; row.Organisation != hostileOrg || row.Theme != "" || row.ThemeLabel != "(chưa phân loại / no theme)" || row.KindLabel != "Video clip" {
		t.Errorf("first row = %+v", row)
	}
	if row := r.Rows[1]; row.Organisation != "Báo Đắk Lắk" || row.Theme != "tourism" || row.ThemeLabel != "Du lịch" || row.KindLabel != "Ảnh" || row.Approved != 1 {
		t.Errorf("second row = %+v", row)
	}
	if d := r.Destinations[0]; d.Destination != "vietnamvn" || d.Label != "Vietnam.vn" || d.Assets != 1 || d.Packages != 1 {
		t.Errorf("destination = %+v", d)
	}

	resp, b = f.get(t, f.cu, path+"&format=csv")
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") ||
		resp.Header.Get("Content-Disposition") != `attachment; filename="bao-cao-`+from+`-`+to+`.csv"` {
		t.Fatalf("csv: %d %v", resp.StatusCode, resp.Header)
	}
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Error("csv has no byte-order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil || len(recs) != 4 {
		t.Fatalf("csv records %q, %v", recs, err)
	}
	if got := strings.Join(recs[0], "|"); got != "Đơn vị|Chủ đề|Loại|Tiếp nhận|Đã duyệt|Từ chối|Đã gửi" {
		t.Errorf("csv headings = %s", got)
	}
	if recs[1][0] != "'"+hostileOrg || strings.Join(recs[2], "|") != "Báo Đắk Lắk|Du lịch|Ảnh|1|1|0|1" || strings.Join(recs[3], "|") != "Tổng cộng|||2|1|0|1" {
		t.Errorf("csv rows = %q", recs[1:])
	}

	resp, b = f.get(t, f.cu, path+"&format=xlsx")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Disposition") != `attachment; filename="bao-cao-`+from+`-`+to+`.xlsx"` {
		t.Fatalf("xlsx: %d %v", resp.StatusCode, resp.Header)
	}
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := strings.Join(x.GetSheetList(), "|"); got != "Hoạt động|Nơi nhận" {
		t.Errorf("sheets = %s", got)
	}
	for ref, want := range map[string]string{"A1": "Đơn vị", "G1": "Đã gửi", "A2": "'" + hostileOrg, "A3": "Báo Đắk Lắk", "B3": "Du lịch", "A4": "Tổng cộng", "D4": "2"} {
		if v, _ := x.GetCellValue("Hoạt động", ref); v != want {
			t.Errorf("%s = %q; want %q", ref, v, want)
		}
	}
	if typ, _ := x.GetCellType("Hoạt động", "D4"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Error("the total is stored as text, not a number")
	}
	if fo, _ := x.GetCellFormula("Hoạt động", "A2"); fo != "" {
		t.Errorf("A2 holds the formula %q", fo)
	}
}

func TestActivityReportRefuses(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	path := "/api/v1/reports/activity?from=2026-01-01&to=2026-06-30"
	if resp, _ := f.get(t, f.contribA, path); resp.StatusCode != http.StatusForbidden {
		t.Errorf("contributor: %d; want 403", resp.StatusCode)
	}
	if resp, _ := f.get(t, "", path); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("no token: %d; want 401", resp.StatusCode)
	}
	for _, q := range []string{"", "from=2026-01-01", "from=2026-1-1&to=2026-06-30", "from=2026-07-01&to=2026-06-30",
		"from=2026-01-01&to=2026-06-31", "from=2026-01-01&to=2026-06-30&format=pdf"} {
		resp, b := f.get(t, f.cu, "/api/v1/reports/activity?"+q)
		if e := decode[errorBody](t, b); resp.StatusCode != http.StatusBadRequest || e.Error.MessageVi == "" {
			t.Errorf("%q: %d %s; want 400", q, resp.StatusCode, b)
		}
	}
}
