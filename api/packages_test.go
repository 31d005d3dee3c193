package api_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/export/profile"
)

// describeAndApprove fills the fields Happy Vietnam asks for, marks them
// reviewed and approves the asset, as a curator would.
func (f *fixture) describeAndApprove(t *testing.T, id, vi, en string) {
	t.Helper()
	path := "/api/v1/assets/" + id
	body := `{"title": {"vi": "` + vi + `", "en": "` + en + `"}, "caption": {"vi": "Ảnh ` + vi + `", "en": "Photo of ` + en + `"},
		"creator": "Nguyễn Văn A", "review": ["title.vi", "title.en", "caption.vi", "caption.en"]}`
	if resp, b := f.patch(t, f.cu, path, body); resp.StatusCode != http.StatusOK {
		t.Fatalf("describe %s: %d %s", id, resp.StatusCode, b)
	}
	if resp, b := f.review(t, f.cu, id, "approve", ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("approve %s: %d %s", id, resp.StatusCode, b)
	}
}

func (f *fixture) del(t *testing.T, tok, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, f.srv.URL+path, nil)
	return f.do(t, req, tok, nil)
}

type blockedBody struct {
	errorBody
	Findings       []profile.Finding `json:"findings"`
	Unacknowledged []string          `json:"unacknowledged"`
}

func TestPackageFromCreationToSubmission(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	big := f.uploadReady(t, f.contribA, "Hồ Lắk.jpg", "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	small := f.uploadReady(t, f.contribA, "Chợ.jpg", "images/gps/ianare_gps_DSCN0025.jpg")
	pending := f.uploadReady(t, f.contribA, "Chưa duyệt.jpg", "images/exif_cameras/ianare_Canon_PowerShot_S40.jpg")
	f.describeAndApprove(t, big.ID, "Hồ Lắk", "Lak Lake")
	f.describeAndApprove(t, small.ID, "Chợ đêm", "Night market")

	if resp, _ := f.post(t, f.contribA, "/api/v1/packages", `{"name": {"vi": "Gói"}, "profile": "happyvietnam-2025"}`); resp.StatusCode != http.StatusForbidden {
		t.Errorf("contributor creating a package: %d", resp.StatusCode)
	}
	if resp, _ := f.get(t, f.contribA, "/api/v1/packages"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("contributor listing packages: %d", resp.StatusCode)
	}
	if resp, b := f.post(t, f.cu, "/api/v1/packages", `{"name": {"vi": "Gói"}, "profile": "happyvietnam-2099"}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown profile: %d %s", resp.StatusCode, b)
	}
	resp, b := f.post(t, f.cu, "/api/v1/packages", `{"name": {"vi": "Dự thi Việt Nam hạnh phúc", "en": "Happy Vietnam entries"}, "profile": "happyvietnam-2025"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create package: %d %s", resp.StatusCode, b)
	}
	p := decode[api.Package](t, b)
	base := "/api/v1/packages/" + p.ID
	if p.Profile.Destination != "happyvietnam" || p.Name.EN != "Happy Vietnam entries" || resp.Header.Get("Location") != base {
		t.Errorf("created %+v", p)
	}

	resp, b = f.post(t, f.cu, base+"/assets", `{"asset_ids": ["`+big.ID+`", "`+small.ID+`", "`+pending.ID+`"]}`)
	added := decode[struct {
		Added   []string `json:"added"`
		Refused []struct {
			AssetID, Code, MessageVi string
		} `json:"refused"`
	}](t, b)
	if resp.StatusCode != http.StatusOK || len(added.Added) != 2 || len(added.Refused) != 1 || added.Refused[0].Code != "not_exportable" {
		t.Fatalf("add assets: %d %s", resp.StatusCode, b)
	}

	_, b = f.get(t, f.cu, base+"/validation")
	v := decode[api.Validation](t, b)
	i := slices.IndexFunc(v.Findings, func(x profile.Finding) bool { return x.AssetID == small.ID && x.Rule == "photo.min_pixels" })
	if v.OK || v.Errors != 1 || i < 0 {
		t.Fatalf("validation: %s", b)
	}
	fs := v.Findings[i]
	if fs.Severity != "error" || fs.Value != "640×480 px" || !strings.HasPrefix(fs.Message.VI, "Ảnh cần tối thiểu 3.000 px ở chiều rộng hoặc chiều cao; ảnh này 640 × 480 px") ||
		!strings.Contains(fs.Message.EN, "at least 3,000 px in width or height") {
		t.Errorf("finding: %+v", fs)
	}
	resp, b = f.post(t, f.cu, base+"/export", `{"format": "zip"}`)
	blocked := decode[blockedBody](t, b)
	if resp.StatusCode != http.StatusConflict || blocked.Error.Code != "validation_failed" || len(blocked.Findings) == 0 {
		t.Fatalf("export with an error: %d %s", resp.StatusCode, b)
	}

	if resp, b := f.del(t, f.cu, base+"/assets/"+small.ID); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("remove: %d %s", resp.StatusCode, b)
	}
	resp, b = f.post(t, f.cu, base+"/export", `{"format": "bagit"}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("export: %d %s", resp.StatusCode, b)
	}
	e := decode[api.Export](t, b)
	zipBytes := f.waitForBundle(t, base+"/exports/1")
	zr, err := zip.NewReader(bytes.NewReader(zipBytes), int64(len(zipBytes)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, zf := range zr.File {
		names = append(names, zf.Name)
	}
	root := "du-thi-viet-nam-hanh-phuc/"
	for _, want := range []string{root + "bagit.txt", root + "bag-info.txt", root + "manifest-sha256.txt", root + "manifest-sha512.txt",
		root + "tagmanifest-sha256.txt", root + "data/manifest.json", root + "data/manifest.csv", root + "data/nguyen-van-a-001-ho-lak.jpg"} {
		if !slices.Contains(names, want) {
			t.Errorf("bag lacks %s: %v", want, names)
		}
	}

	resp, b = f.post(t, f.cu, base+"/submissions", `{"export": 1, "reference": "HVN-2025-0815", "date": "2026-11-27"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("submission: %d %s", resp.StatusCode, b)
	}
	_, b = f.get(t, f.cu, base)
	got := decode[api.Package](t, b)
	if len(got.Exports) != 1 || got.Exports[0].Status != "done" || got.Exports[0].SHA256 == "" || e.N != 1 ||
		len(got.Submissions) != 1 || got.Submissions[0].Reference != "HVN-2025-0815" || got.Submissions[0].Destination != "happyvietnam" {
		t.Errorf("package after export and submission: %s", b)
	}
	_, b = f.get(t, f.cu, "/api/v1/reports/activity?from=2026-01-01&to=2030-12-31")
	if !strings.Contains(string(b), `"happyvietnam"`) {
		t.Errorf("activity report does not name the destination: %s", b)
	}
}

// waitForBundle polls an export until the server redirects to the bundle,
// then downloads it.
func (f *fixture) waitForBundle(t *testing.T, path string) []byte {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		resp, b := f.get(t, f.cu, path)
		switch resp.StatusCode {
		case http.StatusAccepted:
			time.Sleep(50 * time.Millisecond)
			continue
		case http.StatusFound:
			loc := resp.Header.Get("Location")
			resp, b = f.get(t, "", loc)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" ||
				!strings.Contains(resp.Header.Get("Content-Disposition"), ".zip") {
				t.Fatalf("download %s: %d %v", loc, resp.StatusCode, resp.Header)
			}
			return b
		default:
			t.Fatalf("export status: %d %s", resp.StatusCode, b)
		}
	}
	t.Fatal("the export did not finish in 2 minutes")
	return nil
}
