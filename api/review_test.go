package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
)

func (f *fixture) review(t *testing.T, tok, id, decision, note string) (*http.Response, []byte) {
	t.Helper()
	return f.post(t, tok, "/api/v1/assets/"+id+"/review", fmt.Sprintf(`{"decision": %q, "note": %q}`, decision, note))
}

// uploadReady uploads a file as tok and runs processing, so that the asset
// awaits review.
func (f *fixture) uploadReady(t *testing.T, tok, name, path string) api.Asset {
	t.Helper()
	resp, b := f.upload(t, tok, name, read(t, path), nil, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload %s: %d %s", name, resp.StatusCode, b)
	}
	f.drain(t)
	_, b = f.get(t, tok, "/api/v1/assets/"+decode[uploadResult](t, b).ID)
	a := decode[api.Asset](t, b)
	if a.Status != catalog.StatusReady {
		t.Fatalf("%s after processing: %s", name, a.Status)
	}
	return a
}

// TestPermissionsEnforced hits the real endpoints as every role while a
// clip is ready, approved and restricted. The review call asks for a
// decision that does not apply to the state, so a caller who passes the
// permission check gets 422 and one who does not gets 403.
func TestPermissionsEnforced(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	admin := token(t, f.db, "Sở VHTTDL", catalog.RoleAdmin)
	clip := f.uploadReady(t, f.contribA, "Lễ hội.mp4", "video/mp4ff_bbb_prog_10s.mp4")
	srt := read(t, "subtitles/vietnamese/vietface_fansub_vi_utf8_crlf.srt")
	path := "/api/v1/assets/" + clip.ID
	calls := []struct {
		name string
		do   func(tok, state string) *http.Response
	}{
		{"PATCH metadata", func(tok, _ string) *http.Response {
			r, _ := f.patch(t, tok, path, `{"creator": "Nguyễn Văn A"}`)
			return r
		}},
		{"POST subtitles", func(tok, _ string) *http.Response {
			r, _ := f.postSubtitle(t, tok, clip.ID, "vi", "vi.srt", srt)
			return r
		}},
		{"POST cuts", func(tok, _ string) *http.Response {
			r, _ := f.post(t, tok, path+"/cuts", `{"start": 1, "end": 4}`)
			return r
		}},
		{"POST review", func(tok, state string) *http.Response {
			decision := map[string]string{"ready": "archive", "approved": "approve", "restricted": "approve"}[state]
			r, b := f.review(t, tok, clip.ID, decision, "")
			if e := decode[errorBody](t, b); r.StatusCode == 403 && (e.Error.Code != "forbidden" || e.Error.MessageVi == "" || e.Error.MessageEn == "") {
				t.Errorf("403 body %s", b)
			}
			return r
		}},
	}
	tokens := map[string]string{"contributor": f.contribA, "other contributor": f.contribB, "curator": f.cu, "admin": admin}
	editor := []int{200, 201, 202, 422}
	matrix := []struct {
		state, role string
		want        []int // one status per call
	}{
		{"ready", "contributor", []int{200, 201, 202, 403}},
		{"ready", "other contributor", []int{404, 404, 404, 404}},
		{"ready", "curator", editor},
		{"ready", "admin", editor},
		{"approved", "contributor", []int{403, 403, 403, 403}},
		{"approved", "other contributor", []int{404, 404, 404, 404}},
		{"approved", "curator", editor},
		{"approved", "admin", editor},
		{"restricted", "contributor", []int{403, 403, 403, 403}},
		{"restricted", "other contributor", []int{404, 404, 404, 404}},
		{"restricted", "curator", editor},
		{"restricted", "admin", editor},
	}
	enter := map[string]string{"approved": "approve", "restricted": "restrict"}
	state := "ready"
	for _, m := range matrix {
		if m.state != state {
			if resp, b := f.review(t, f.cu, clip.ID, enter[m.state], ""); resp.StatusCode != 200 {
				t.Fatalf("%s: %d %s", enter[m.state], resp.StatusCode, b)
			}
			state = m.state
		}
		for i, c := range calls {
			if got := c.do(tokens[m.role], m.state).StatusCode; got != m.want[i] {
				t.Errorf("%s on a %s clip as %s: %d, want %d", c.name, m.state, m.role, got, m.want[i])
			}
		}
	}
}

type reviewedAsset struct {
	Status string      `json:"status"`
	Review *api.Review `json:"review"`
}

func TestReviewWorkflow(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	a := f.uploadReady(t, f.contribA, "Gành Đá Đĩa.jpg", "images/orientation/recurser_Landscape_1.jpg")
	if a.Review != nil {
		t.Errorf("review before any decision: %+v", a.Review)
	}
	steps := []struct {
		tok, decision, note string
		status              int
		code, state         string // error code, or the state after
	}{
		{f.cu, "request_changes", "", 422, "invalid_field", ""},
		{f.cu, "publish", "", 422, "invalid_field", ""},
		{f.contribA, "approve", "", 403, "forbidden", ""},
		{f.contribB, "approve", "", 404, "not_found", ""},
		{f.cu, "request_changes", "Bổ sung chú thích tiếng Anh.", 200, "", "changes_requested"},
		{f.contribA, "resubmit", "Đã bổ sung.", 200, "", "ready"},
		{f.cu, "reject", "Trùng với ảnh đã có.", 200, "", "rejected"},
		{f.cu, "approve", "", 422, "invalid_transition", ""},
		{f.contribA, "resubmit", "", 422, "invalid_transition", ""},
	}
	for _, s := range steps {
		resp, b := f.review(t, s.tok, a.ID, s.decision, s.note)
		if resp.StatusCode != s.status {
			t.Fatalf("%s: %d %s, want %d", s.decision, resp.StatusCode, b, s.status)
		}
		if s.code != "" {
			if e := decode[errorBody](t, b); e.Error.Code != s.code || e.Error.MessageVi == "" || e.Error.MessageEn == "" {
				t.Errorf("%s: %s, want %s with both messages", s.decision, b, s.code)
			}
			continue
		}
		if got := decode[reviewedAsset](t, b); got.Status != s.state || got.Review == nil || got.Review.State != s.state || got.Review.Note != s.note {
			t.Errorf("%s: %s", s.decision, b)
		}
	}
	// The contributor sees why, and can no longer edit.
	_, b := f.get(t, f.contribA, "/api/v1/assets/"+a.ID)
	if r := decode[reviewedAsset](t, b).Review; r == nil || r.State != "rejected" || r.Note != "Trùng với ảnh đã có." || r.By != "curator" || r.At == nil {
		t.Errorf("rejected asset as its contributor sees it: %s", b)
	}
	if resp, _ := f.patch(t, f.contribA, "/api/v1/assets/"+a.ID, `{"creator": "x"}`); resp.StatusCode != 403 {
		t.Errorf("contributor editing a rejected asset: %d, want 403", resp.StatusCode)
	}
}

func TestAssetHistory(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	a := f.uploadReady(t, f.contribA, "Hồ Lắk.jpg", "images/orientation/recurser_Landscape_1.jpg")
	if resp, b := f.patch(t, f.contribA, "/api/v1/assets/"+a.ID, `{"title": {"vi": "Hồ Lắk"}}`); resp.StatusCode != 200 {
		t.Fatalf("patch: %d %s", resp.StatusCode, b)
	}
	if resp, b := f.review(t, f.cu, a.ID, "approve", "Đẹp."); resp.StatusCode != 200 {
		t.Fatalf("approve: %d %s", resp.StatusCode, b)
	}
	resp, b := f.get(t, f.contribA, "/api/v1/assets/"+a.ID+"/history")
	if resp.StatusCode != 200 {
		t.Fatalf("history: %d %s", resp.StatusCode, b)
	}
	h := decode[api.History](t, b)
	var actions []string
	for _, e := range h.Items {
		actions = append(actions, e.Action)
	}
	review, meta, ingest := slices.Index(actions, "asset.review"), slices.Index(actions, "asset.metadata"), slices.Index(actions, "asset.ingest")
	if review != 0 || meta <= review || ingest != len(actions)-1 {
		t.Fatalf("history actions %v: want newest first, the review, the edit, …, the upload", actions)
	}
	for i := 1; i < len(h.Items); i++ {
		if h.Items[i].At.After(h.Items[i-1].At) {
			t.Errorf("item %d is newer than item %d", i, i-1)
		}
	}
	r, m := h.Items[review], h.Items[meta]
	if r.Actor != "curator" || r.Detail["from"] != "ready" || r.Detail["to"] != "approved" || r.Detail["note"] != "Đẹp." {
		t.Errorf("review event = %+v", r)
	}
	if m.Actor != "contributor" || fmt.Sprint(m.Detail["changes"]) == "[]" {
		t.Errorf("metadata event = %+v", m)
	}
	if resp, _ := f.get(t, f.contribB, "/api/v1/assets/"+a.ID+"/history"); resp.StatusCode != 404 {
		t.Errorf("another organisation's history: %d, want 404", resp.StatusCode)
	}
}

func TestReviewQueue(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	a1 := f.uploadReady(t, f.contribA, "1.jpg", "images/gps/mde_HTC_Desire.jpg")
	a2 := f.uploadReady(t, f.contribA, "2.jpg", "images/gps/ianare_gps_DSCN0025.jpg")
	b1 := f.uploadReady(t, f.contribB, "3.jpg", "images/exif_cameras/exiftool_Canon.jpg")
	a3 := f.uploadReady(t, f.contribA, "4.jpg", "images/orientation/recurser_Landscape_1.jpg")
	if resp, b := f.review(t, f.cu, a2.ID, "approve", ""); resp.StatusCode != 200 {
		t.Fatalf("approve: %d %s", resp.StatusCode, b)
	}
	queue := func(query string) []string {
		t.Helper()
		var ids []string
		next := ""
		for i := 0; i < 10; i++ {
			resp, b := f.get(t, f.cu, "/api/v1/review/queue?"+query+"&cursor="+next)
			if resp.StatusCode != 200 {
				t.Fatalf("queue?%s: %d %s", query, resp.StatusCode, b)
			}
			p := decode[api.AssetPage](t, b)
			for _, a := range p.Items {
				ids = append(ids, a.ID)
			}
			if next = p.Next; next == "" {
				break
			}
		}
		return ids
	}
	if got, want := queue("limit=1"), []string{a1.ID, b1.ID, a3.ID}; !slices.Equal(got, want) {
		t.Errorf("queue = %v, want %v (oldest first, the approved one left out)", got, want)
	}
	if got := queue("org=" + url.QueryEscape("Đài PT-TH Phú Yên") + "&kind=photo"); !slices.Equal(got, []string{b1.ID}) {
		t.Errorf("one organisation's queue = %v", got)
	}
	if got := queue("kind=clip"); len(got) != 0 {
		t.Errorf("clips in the queue: %v", got)
	}
	if resp, _ := f.get(t, f.cu, "/api/v1/review/queue?kind=poster"); resp.StatusCode != 400 {
		t.Errorf("unknown kind: %d, want 400", resp.StatusCode)
	}
	resp, b := f.get(t, f.contribA, "/api/v1/review/queue")
	if e := decode[errorBody](t, b); resp.StatusCode != 403 || e.Error.Code != "forbidden" {
		t.Errorf("contributor's queue: %d %s, want 403", resp.StatusCode, b)
	}
}
