package api_test

import (
	"net/http"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

func (f *fixture) patch(t *testing.T, tok, path, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPatch, f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return f.do(t, req, tok, nil)
}

type metaAsset struct {
	ID       string `json:"id"`
	Metadata struct {
		Title    map[string]struct{ Text, State, By, Origin string } `json:"title"`
		Keywords map[string]struct {
			Items []string
			State string
		} `json:"keywords"`
		Creator     string `json:"creator"`
		DateCreated string `json:"date_created"`
	} `json:"metadata"`
}

func TestPatchMetadataAndReview(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	_, b := f.upload(t, f.contribA, "hồ.jpg", read(t, "images/orientation/recurser_Landscape_1.jpg"), nil, nil)
	a := decode[uploadResult](t, b)
	path := "/api/v1/assets/" + a.ID
	body := `{"title": {"vi": "` + norm.NFD.String("Hồ Lắk lúc bình minh") + `", "en": "Lak Lake at dawn"},
		"keywords": {"vi": ["hồ", "bình minh"], "en": ["lake", "dawn"]}, "creator": "Nguyễn Văn A", "date_created": "2026-03-10"}`
	resp, b := f.patch(t, f.contribA, path, body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("patch: %d %s", resp.StatusCode, b)
	}
	got := decode[metaAsset](t, b)
	if vi := got.Metadata.Title["vi"]; vi.Text != "Hồ Lắk lúc bình minh" || vi.State != "draft" || vi.By == "" {
		t.Errorf("title.vi = %+v; want NFC draft by the contributor", vi)
	}
	if kw := got.Metadata.Keywords["en"]; strings.Join(kw.Items, ",") != "lake,dawn" || got.Metadata.Creator != "Nguyễn Văn A" {
		t.Errorf("keywords.en = %+v, creator %q", kw, got.Metadata.Creator)
	}

	refusals := []struct {
		tok, body string
		status    int
		code      string
	}{
		{f.contribA, `{"review": ["title.vi"]}`, 403, "forbidden"},
		{f.contribA, `{"title": {"fr": "Lac"}}`, 422, "invalid_field"},
		{f.contribA, `{"date_created": "10/03/2026"}`, 422, "invalid_field"},
		{f.contribA, `{"titel": {"vi": "x"}}`, 400, "bad_request"},
		{f.contribB, `{"title": {"vi": "x"}}`, 404, "not_found"},
		{f.cu, `{"review": ["caption.en"]}`, 422, "invalid_field"},
	}
	for _, r := range refusals {
		resp, b := f.patch(t, r.tok, path, r.body)
		if e := decode[errorBody](t, b); resp.StatusCode != r.status || e.Error.Code != r.code || e.Error.MessageVi == "" {
			t.Errorf("PATCH %s: %d %s; want %d %s", r.body, resp.StatusCode, b, r.status, r.code)
		}
	}
	resp, b = f.patch(t, f.cu, path, `{"review": ["title.vi", "title.en", "keywords.vi", "keywords.en"]}`)
	got = decode[metaAsset](t, b)
	if en := got.Metadata.Title["en"]; resp.StatusCode != 200 || en.State != "reviewed" || en.Text != "Lak Lake at dawn" {
		t.Errorf("after review: %d title.en %+v", resp.StatusCode, en)
	}
	if got.Metadata.Keywords["vi"].State != "reviewed" {
		t.Errorf("keywords.vi = %+v", got.Metadata.Keywords["vi"])
	}
	_, b = f.get(t, f.contribA, path)
	if g := decode[metaAsset](t, b); g.Metadata.Title["en"].State != "reviewed" || g.Metadata.DateCreated != "2026-03-10" {
		t.Errorf("GET after review: %s", b)
	}
}

func TestBulkMetadata(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	var ids []string
	for _, p := range []string{"images/orientation/recurser_Landscape_1.jpg", "images/orientation/recurser_Landscape_6.jpg"} {
		_, b := f.upload(t, f.contribA, "x.jpg", read(t, p), nil, nil)
		ids = append(ids, decode[uploadResult](t, b).ID)
	}
	_, b := f.upload(t, f.contribB, "y.jpg", read(t, "images/orientation/recurser_Landscape_8.jpg"), nil, nil)
	other := decode[uploadResult](t, b).ID
	resp, b := f.post(t, f.contribA, "/api/v1/assets/metadata", `{"ids": ["`+ids[0]+`", "`+other+`"], "set": {"credit": "Báo Đắk Lắk"}}`)
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("bulk with another organisation's asset: %d %s; want 404", resp.StatusCode, b)
	}
	_, b = f.get(t, f.contribA, "/api/v1/assets/"+ids[0])
	if strings.Contains(string(b), "Báo Đắk Lắk\",\"date") {
		t.Errorf("a refused bulk edit changed an asset: %s", b)
	}
	set := `{"ids": ["` + strings.Join(ids, `", "`) + `"], "set": {"credit": "Báo Đắk Lắk", "copyright": {"vi": "© Sở VHTTDL Đắk Lắk", "en": "© Dak Lak DCST"}}}`
	resp, b = f.post(t, f.contribA, "/api/v1/assets/metadata", set)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bulk: %d %s", resp.StatusCode, b)
	}
	for _, id := range ids {
		_, b := f.get(t, f.contribA, "/api/v1/assets/"+id)
		if !strings.Contains(string(b), `"credit":"Báo Đắk Lắk"`) || !strings.Contains(string(b), "© Dak Lak DCST") {
			t.Errorf("asset %s after bulk: %s", id, b)
		}
	}
}
