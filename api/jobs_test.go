package api_test

import (
	"bytes"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"

	"github.com/quangba/quangba/api"
)

func (f *fixture) post(t *testing.T, tok, path, body string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return f.do(t, req, tok, nil)
}

func TestRenditionsAfterProcessing(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	resp, b := f.upload(t, f.contribA, "Hồ Lắk.jpg", read(t, "images/orientation/recurser_Portrait_5.jpg"), nil, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	a := decode[uploadResult](t, b)
	if a.Status != "processing" {
		t.Errorf("status right after upload = %q; want processing", a.Status)
	}
	resp, b = f.get(t, f.contribA, a.Links.Thumb)
	if e := decode[errorBody](t, b); resp.StatusCode != http.StatusNotFound || !strings.Contains(e.Error.MessageVi, "đang được xử lý") {
		t.Errorf("thumb before processing: %d %s", resp.StatusCode, b)
	}
	f.drain(t)
	_, b = f.get(t, f.contribA, a.Links.Self)
	got := decode[api.Asset](t, b)
	if got.Status != "ready" || len(got.Renditions) != 3 {
		t.Fatalf("after processing: %s", b)
	}
	for _, r := range got.Renditions {
		if r.Width >= r.Height || r.Bytes == 0 || r.MIME != "image/jpeg" || r.URL != "/api/v1/assets/"+a.ID+"/renditions/"+r.Name {
			t.Errorf("rendition %+v", r)
		}
	}
	resp, b = f.get(t, f.contribA, a.Links.Thumb)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if resp.StatusCode != http.StatusOK || err != nil || cfg.Height != 320 {
		t.Errorf("thumb download: %d, %v, %dx%d", resp.StatusCode, err, cfg.Width, cfg.Height)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "thumb.jpg") {
		t.Errorf("Content-Disposition %q", cd)
	}
	if resp, _ := f.get(t, f.contribB, a.Links.Thumb); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's thumb: %d; want 404", resp.StatusCode)
	}
	if resp, _ := f.get(t, f.contribA, "/api/v1/assets/"+a.ID+"/renditions/proxy"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("photo proxy: %d; want 404", resp.StatusCode)
	}
}

func TestCutsAndJobs(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	_, b := f.upload(t, f.contribA, "Lễ hội cà phê.mp4", read(t, "video/mp4ff_bbb_prog_10s.mp4"), nil, nil)
	clip := decode[uploadResult](t, b)
	_, b = f.upload(t, f.contribA, "ảnh.jpg", read(t, "images/orientation/recurser_Landscape_1.jpg"), nil, nil)
	photo := decode[uploadResult](t, b)
	cuts := "/api/v1/assets/" + clip.ID + "/cuts"

	refusals := []struct {
		tok, path, body string
		status          int
		code            string
	}{
		{f.contribA, cuts, `{"start": 1}`, 400, "bad_request"},
		{f.contribA, cuts, `{"start": 1, "end": 2, "speed": 2}`, 400, "bad_request"},
		{f.contribA, cuts, `{"start": 4, "end": 30}`, 422, "bad_range"},
		{f.contribA, cuts, `{"start": 4, "end": 4.2}`, 422, "bad_range"},
		{f.contribA, "/api/v1/assets/" + photo.ID + "/cuts", `{"start": 0, "end": 1}`, 422, "kind_mismatch"},
		{f.contribB, cuts, `{"start": 1, "end": 3}`, 404, "not_found"},
	}
	for _, r := range refusals {
		resp, b := f.post(t, r.tok, r.path, r.body)
		if e := decode[errorBody](t, b); resp.StatusCode != r.status || e.Error.Code != r.code {
			t.Errorf("POST %s %s: %d %s; want %d %s", r.path, r.body, resp.StatusCode, b, r.status, r.code)
		}
	}
	resp, b := f.post(t, f.contribA, cuts, `{"start": 4, "end": 30}`)
	if e := decode[errorBody](t, b); !strings.Contains(e.Error.MessageVi, "9,917") {
		t.Errorf("Vietnamese range message should give the clip length with a decimal comma: %q", e.Error.MessageVi)
	}

	resp, b = f.post(t, f.contribA, cuts, `{"start": 1.5, "end": 4}`)
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("cut: %d %s", resp.StatusCode, b)
	}
	job := decode[api.Job](t, b)
	if job.State != "queued" || job.Type != "cut" || resp.Header.Get("Location") != job.Links.Self {
		t.Errorf("queued cut = %s (Location %q)", b, resp.Header.Get("Location"))
	}
	if resp, _ := f.get(t, f.contribB, job.Links.Self); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation's job: %d; want 404", resp.StatusCode)
	}
	if resp, _ := f.get(t, f.contribA, "/api/v1/jobs"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("job list for a contributor: %d; want 403", resp.StatusCode)
	}
	_, b = f.get(t, f.cu, "/api/v1/jobs?state=queued")
	if page := decode[api.JobPage](t, b); len(page.Items) != 3 {
		t.Errorf("queued jobs = %s; want the clip's, the photo's and the cut", b)
	}
	if resp, _ := f.get(t, f.cu, "/api/v1/jobs?state=lost"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown state: %d; want 400", resp.StatusCode)
	}

	f.drain(t)
	_, b = f.get(t, f.contribA, job.Links.Self)
	done := decode[api.Job](t, b)
	if done.State != "done" || done.Links.Trailer == "" || done.FinishedAt == nil {
		t.Fatalf("cut job after work = %s", b)
	}
	_, b = f.get(t, f.contribA, done.Links.Trailer)
	tr := decode[api.Asset](t, b)
	if tr.Kind != "trailer" || tr.CutFrom == nil || tr.CutFrom.AssetID != clip.ID || tr.CutFrom.StartSeconds != 1.5 || tr.Status != "ready" || len(tr.Renditions) != 6 {
		t.Errorf("trailer = %s", b)
	}
	if tr.Video == nil || tr.Video.DurationSeconds < 2.45 || tr.Video.DurationSeconds > 2.55 {
		t.Errorf("trailer duration = %+v; want 2.5 s", tr.Video)
	}
	resp, b = f.post(t, f.cu, done.Links.Self+"/retry", "")
	if e := decode[errorBody](t, b); resp.StatusCode != http.StatusConflict || e.Error.Code != "not_failed" {
		t.Errorf("retry of a done job: %d %s", resp.StatusCode, b)
	}
}
