package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
)

// curatorBrowser logs a curator of the Sở in.
func curatorBrowser(t *testing.T, f *fixture) *browser {
	t.Helper()
	webUser(t, f, "Sở VHTTDL", "bien.tap", "Biên Tập", catalog.RoleCurator)
	b := newBrowser(t, f)
	b.login("bien.tap", webPassword)
	return b
}

// wantFlash opens path and fails unless it shows text.
func (b *browser) wantFlash(path, text string) string {
	b.t.Helper()
	resp, body := b.get(path)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, text) {
		b.t.Errorf("%s: %d, want %q in:\n%s", path, resp.StatusCode, text, body)
	}
	return body
}

func TestWebCuratorPagesForbidContributors(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)
	b := newBrowser(t, f)
	b.login("lan.anh", webPassword)
	for _, p := range []string{"/review", "/packages", "/packages/01ABC", "/reports"} {
		if resp, body := b.get(p); resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "Chỉ biên tập viên và quản trị viên") {
			t.Errorf("contributor on %s: %d", p, resp.StatusCode)
		}
	}
	if resp, _ := b.post("/packages", url.Values{"name_vi": {"Gói"}, "profile": {"vietnamvn"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("contributor creating a package: %d", resp.StatusCode)
	}
	if resp, _ := newBrowser(t, f).get("/review"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("/review logged out: %d", resp.StatusCode)
	}
}

func TestWebReviewQueue(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	a := f.uploadReady(t, f.contribA, "Hồ Lắk.jpg", "images/orientation/recurser_Landscape_1.jpg")
	if resp, b := f.patch(t, f.contribA, "/api/v1/assets/"+a.ID, `{"title": {"vi": "Hồ Lắk <b>"}}`); resp.StatusCode != http.StatusOK {
		t.Fatalf("describe: %d %s", resp.StatusCode, b)
	}
	b := curatorBrowser(t, f)
	resp, body := b.get("/review?kind=photo")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `/api/v1/assets/`+a.ID+`/renditions/thumb`) || !strings.Contains(body, `href="/assets/`+a.ID+`"`) ||
		!strings.Contains(body, "Hồ Lắk &lt;b&gt;") || !strings.Contains(body, `action="/review/`+a.ID+`"`) || !strings.Contains(body, "Báo Đắk Lắk") ||
		!strings.Contains(body, `data-field="title.en"`) || !strings.Contains(body, time.Now().In(catalog.ProvinceZone).Format("02/01/2006")) {
		t.Fatalf("review queue: %d\n%s", resp.StatusCode, body)
	}
	if _, body := b.get("/review?kind=clip"); strings.Contains(body, a.ID) {
		t.Error("the clip filter lists a photo")
	}

	if resp, _ := b.post("/review/"+a.ID, url.Values{"decision": {"approve"}, "csrf": {""}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("approve without csrf: %d; want 403", resp.StatusCode)
	}
	b.get("/review")
	b.post("/review/"+a.ID, url.Values{"decision": {"reject"}, "next": {"/review"}})
	b.wantFlash("/review", "Cần ghi lý do")
	resp, _ = b.post("/review/"+a.ID, url.Values{"decision": {"approve"}, "next": {"/review?kind=photo"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/review?kind=photo" {
		t.Fatalf("approve: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	body = b.wantFlash("/review?kind=photo", "Đã duyệt tư liệu.")
	if strings.Contains(body, `action="/review/`+a.ID+`"`) {
		t.Error("an approved asset is still in the queue")
	}
	if got, err := f.db.Asset(context.Background(), a.ID); err != nil || got.Status != catalog.StatusApproved {
		t.Errorf("status after approving: %s %v", got.Status, err)
	}
	// A second approval is refused with the catalogue's reason, in English too.
	b.post("/lang", url.Values{"lang": {"en"}, "next": {"/review"}})
	b.post("/review/"+a.ID, url.Values{"decision": {"approve"}})
	if _, body := b.get("/review"); !strings.Contains(body, `flash-error`) || !strings.Contains(body, "Review queue") {
		t.Errorf("approving twice: no English error\n%s", body)
	}
}

func TestWebPackageFlow(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	big := f.uploadReady(t, f.contribA, "Hồ Lắk.jpg", "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	small := f.uploadReady(t, f.contribA, "Chợ.jpg", "images/gps/ianare_gps_DSCN0025.jpg")
	f.describeAndApprove(t, big.ID, "Hồ Lắk", "Lak Lake")
	f.describeAndApprove(t, small.ID, "Chợ đêm", "Night market")
	b := curatorBrowser(t, f)

	_, body := b.get("/packages")
	if !strings.Contains(body, `id="new-package"`) || !strings.Contains(body, `<option value="happyvietnam-2025">`) {
		t.Fatalf("packages page:\n%s", body)
	}
	b.post("/packages", url.Values{"name_vi": {" "}, "profile": {"happyvietnam-2025"}})
	b.wantFlash("/packages", "Cần tên gói bằng tiếng Việt.")
	resp, _ := b.post("/packages", url.Values{"name_vi": {"Dự thi Việt Nam hạnh phúc"}, "name_en": {"Happy Vietnam entries"}, "profile": {"happyvietnam-2025"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/packages/") {
		t.Fatalf("create: %d %s", resp.StatusCode, loc)
	}
	id := strings.TrimPrefix(loc, "/packages/")
	b.wantFlash(loc, "Đã tạo gói.")
	if _, body := b.get("/packages"); !strings.Contains(body, `href="/packages/`+id+`"`) || !strings.Contains(body, "Dự thi Việt Nam hạnh phúc") {
		t.Errorf("the list lacks the new package:\n%s", body)
	}

	b.post(loc+"/assets", url.Values{"asset_ids": {big.ID + "\n" + small.ID + ", 01NOSUCHASSET"}})
	body = b.wantFlash(loc, "Đã thêm 2 tư liệu; 1 tư liệu không thêm được:")
	for _, want := range []string{`data-rule="photo.min_pixels"`, "Ảnh cần tối thiểu 3.000 px", `href="/assets/` + small.ID + `"`, "640×480 px",
		`id="export-form"`, "1 lỗi", `data-asset="` + big.ID + `"`, `action="` + loc + `/assets/` + small.ID + `/remove"`} {
		if !strings.Contains(body, want) {
			t.Errorf("package page lacks %q", want)
		}
	}
	b.post("/lang", url.Values{"lang": {"en"}, "next": {loc}})
	if _, body := b.get(loc); !strings.Contains(body, "The photo needs at least 3,000 px") || !strings.Contains(body, "1 error(s)") {
		t.Errorf("English package page:\n%s", body)
	}
	b.post("/lang", url.Values{"lang": {"vi"}, "next": {loc}})

	resp, _ = b.post(loc+"/export", url.Values{"format": {"zip"}, "acknowledge_warnings": {"1"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != loc {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	b.wantFlash(loc, "gói còn 1 lỗi")
	if es, _ := f.db.Exports(context.Background(), id); len(es) != 0 {
		t.Fatalf("an export started despite the error: %+v", es)
	}

	b.post(loc+"/assets/"+small.ID+"/remove", nil)
	body = b.wantFlash(loc, "Đã bỏ tư liệu khỏi gói.")
	if strings.Contains(body, `data-rule="photo.min_pixels"`) {
		t.Error("the removed photo's finding is still shown")
	}
	b.post(loc+"/export", url.Values{"format": {"bagit"}, "acknowledge_warnings": {"1"}})
	body = b.wantFlash(loc, "Đã bắt đầu xuất lần 1")
	if !strings.Contains(body, `data-export="1"`) {
		t.Errorf("no export row:\n%s", body)
	}
	f.waitForBundle(t, "/api/v1/packages/"+id+"/exports/1")
	_, body = b.get(loc)
	if !strings.Contains(body, `class="download" href="/api/v1/packages/`+id+`/exports/1"`) || !strings.Contains(body, `data-status="done"`) ||
		!strings.Contains(body, `id="submission-form"`) || !strings.Contains(body, `value="happyvietnam"`) || !strings.Contains(body, "Biên Tập") {
		t.Errorf("package page after the export:\n%s", body)
	}

	b.post(loc+"/submissions", url.Values{"export": {"1"}, "reference": {"HVN-1"}, "date": {"2026-13-45"}})
	b.wantFlash(loc, "Ngày gửi phải có dạng dd/mm/yyyy")
	b.post(loc+"/submissions", url.Values{"export": {"1"}, "destination": {"happyvietnam"}, "reference": {"HVN-2025-0815"}, "date": {"27/11/2026"}})
	body = b.wantFlash(loc, "Đã ghi nhận lần gửi.")
	if !strings.Contains(body, "HVN-2025-0815") || !strings.Contains(body, "27/11/2026") {
		t.Errorf("submission not listed:\n%s", body)
	}
	subs, err := f.db.Submissions(context.Background(), id)
	if err != nil || len(subs) != 1 || subs[0].Date != "2026-11-27" || subs[0].Reference != "HVN-2025-0815" || subs[0].Destination != "happyvietnam" {
		t.Errorf("submissions: %+v %v", subs, err)
	}
	if _, body := b.get("/packages"); !strings.Contains(body, "state-done") {
		t.Error("the list does not show the last export's status")
	}

	// Renaming.
	b.post(loc, url.Values{"name_vi": {"Gói đã đổi tên"}, "name_en": {"Renamed"}, "profile": {"happyvietnam-2025"}})
	if body := b.wantFlash(loc, "Đã lưu gói."); !strings.Contains(body, "Gói đã đổi tên") {
		t.Error("rename not shown")
	}
	if resp, _ := b.get("/packages/01NOSUCHPACKAGE"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown package: %d", resp.StatusCode)
	}
}

func TestWebReportsPage(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	a1 := reportAsset(t, f.db, "Báo Đắk Lắk", catalog.KindPhoto, "tourism/eco")
	reportAsset(t, f.db, "Báo Đắk Lắk", catalog.KindPhoto, "tourism")
	audit(t, f.db, "asset.review", a1, map[string]any{"decision": "approve", "from": "ready", "to": "approved"})
	audit(t, f.db, "asset.export", a1, map[string]any{"destination": "vietnamvn", "package": "p1"})
	b := curatorBrowser(t, f)
	today := time.Now().In(catalog.ProvinceZone)
	from, to := today.AddDate(0, 0, -1), today.AddDate(0, 0, 1)
	resp, body := b.get("/reports?from=" + from.Format("02/01/2006") + "&to=" + to.Format("02/01/2006"))
	xlsx := "/api/v1/reports/activity?from=" + from.Format(time.DateOnly) + "&amp;to=" + to.Format(time.DateOnly) + "&amp;format=xlsx"
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, xlsx) || !strings.Contains(body, "Tải XLSX") || !strings.Contains(body, "Vietnam.vn") ||
		!strings.Contains(body, `<td class="num" data-total="received">2</td>`) || !strings.Contains(body, `<td class="num" data-total="approved">1</td>`) ||
		!strings.Contains(body, "Du lịch") || !strings.Contains(body, "<th scope=\"row\">Báo Đắk Lắk</th>") {
		t.Fatalf("reports: %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := b.get(strings.ReplaceAll(xlsx, "&amp;", "&")); resp.StatusCode != http.StatusOK {
		t.Errorf("the XLSX link: %d", resp.StatusCode)
	}

	// Defaults: this half-year.
	_, body = b.get("/reports")
	half := "01/01/"
	if today.Month() > time.June {
		half = "01/07/"
	}
	if !strings.Contains(body, `value="`+half+today.Format("2006")+`"`) || !strings.Contains(body, "6 tháng đầu năm") || !strings.Contains(body, "Cả năm") {
		t.Errorf("default period:\n%s", body)
	}
	if resp, body := b.get("/reports?from=31/12/2026&to=01/01/2026"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Ngày kết thúc phải sau") {
		t.Errorf("to before from: %d", resp.StatusCode)
	}
	b.post("/lang", url.Values{"lang": {"en"}, "next": {"/reports"}})
	if resp, body := b.get("/reports?from=2026-02-30x&to=01/01/2026"); resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Dates must be dd/mm/yyyy") {
		t.Errorf("bad date in English: %d", resp.StatusCode)
	}
}
