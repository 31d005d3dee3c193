package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// notCalled lists the documented operations TestResponsesMatchOpenAPI does
// not reach, each with the reason. Every other operation must be called,
// so a new endpoint has to join the scenario (or this list, with a reason).
var notCalled = map[string]string{
	// Empty: the scenario reaches every documented operation. Add entries as
	// "METHOD /path/{param}": "why it cannot be called here".
}

// loadOpenAPI reads and checks api/openapi.yaml.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	b, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("load openapi.yaml: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentIsValid(t *testing.T) { loadOpenAPI(t) }

// expect tunes how one exchange is checked.
type expect struct {
	badRequest   bool // the request breaks the document on purpose: its validation must fail
	unknownRoute bool // the path is no operation: the answer must be a 404 error body
	noBody       bool // check status and headers only (files, spreadsheets)
}

type expectKey struct{}

// validating is an http.RoundTripper that checks every request and
// response against the document and records which operations and
// statuses were exercised.
type validating struct {
	t      *testing.T
	doc    *openapi3.T
	router routers.Router
	base   http.RoundTripper

	mu      sync.Mutex
	covered map[string]map[int]bool // "GET /api/v1/assets/{id}" → statuses seen
}

func newValidating(t *testing.T) *validating {
	doc := loadOpenAPI(t)
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router: %v", err)
	}
	return &validating{t: t, doc: doc, router: router, base: http.DefaultTransport, covered: map[string]map[int]bool{}}
}

func (v *validating) RoundTrip(req *http.Request) (*http.Response, error) {
	ex, _ := req.Context().Value(expectKey{}).(expect)
	var reqBody []byte
	if req.Body != nil {
		reqBody, _ = io.ReadAll(req.Body)
		req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := v.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	v.check(req, reqBody, resp, respBody, ex)
	return resp, nil
}

func (v *validating) check(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte, ex expect) {
	t := v.t
	t.Helper()
	what := fmt.Sprintf("%s %s → %d", req.Method, req.URL.RequestURI(), resp.StatusCode)
	route, params, err := v.router.FindRoute(req)
	if ex.unknownRoute {
		if err == nil {
			t.Errorf("%s: expected no documented operation, found %s %s", what, route.Method, route.Path)
			return
		}
		var body any
		schema := v.doc.Components.Schemas["ErrorBody"].Value
		if resp.StatusCode != http.StatusNotFound || json.Unmarshal(respBody, &body) != nil || schema.VisitJSON(body) != nil {
			t.Errorf("%s: unknown route should answer 404 with an error body: %s", what, respBody)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: not in openapi.yaml: %v", what, err)
		return
	}
	v.mu.Lock()
	key := route.Method + " " + route.Path
	if v.covered[key] == nil {
		v.covered[key] = map[int]bool{}
	}
	v.covered[key][resp.StatusCode] = true
	v.mu.Unlock()

	opts := &openapi3filter.Options{
		MultiError:            true,
		IncludeResponseStatus: true,
		ExcludeResponseBody:   ex.noBody,
		AuthenticationFunc:    func(context.Context, *openapi3filter.AuthenticationInput) error { return nil },
	}
	clone := req.Clone(context.Background())
	clone.Body = io.NopCloser(bytes.NewReader(reqBody))
	in := &openapi3filter.RequestValidationInput{Request: clone, PathParams: params, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(context.Background(), in)
	switch {
	case ex.badRequest && reqErr == nil:
		t.Errorf("%s: the request was meant to break the document, but it validates (a constraint is missing)", what)
	case !ex.badRequest && reqErr != nil:
		t.Errorf("%s: request does not match openapi.yaml:\n%v", what, reqErr)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header, Options: opts}
	out.SetBodyBytes(respBody)
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		b := string(respBody)
		if ex.noBody || len(b) > 600 {
			b = b[:min(len(b), 600)]
		}
		t.Errorf("%s: response does not match openapi.yaml:\n%v\nbody: %s", what, err, b)
	}
}

// client makes requests through the validating transport.
type client struct {
	f  *fixture
	v  *validating
	hc *http.Client
}

type reply struct {
	*http.Response
	body []byte
}

func (c *client) send(t *testing.T, method, path, tok, ctype string, body []byte, ex expect, header map[string]string) reply {
	t.Helper()
	ctx := context.WithValue(context.Background(), expectKey{}, ex)
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.f.srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return reply{resp, b}
}

func (c *client) get(t *testing.T, tok, path string, ex ...expect) reply {
	t.Helper()
	return c.send(t, http.MethodGet, path, tok, "", nil, first(ex), nil)
}

func (c *client) json(t *testing.T, method, tok, path, body string, ex ...expect) reply {
	t.Helper()
	return c.send(t, method, path, tok, "application/json", []byte(body), first(ex), nil)
}

func (c *client) multipart(t *testing.T, tok, path string, fields map[string]string, name string, file []byte, ex ...expect) reply {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		mw.WriteField(k, fields[k])
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(file)
	mw.Close()
	return c.send(t, http.MethodPost, path, tok, mw.FormDataContentType(), buf.Bytes(), first(ex), nil)
}

func first(ex []expect) expect {
	if len(ex) > 0 {
		return ex[0]
	}
	return expect{}
}

// want fails the test unless the reply has the status.
func want(t *testing.T, what string, r reply, status int) reply {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: %d %s, want %d", what, r.StatusCode, r.body, status)
	}
	return r
}

// TestResponsesMatchOpenAPI runs a realistic scenario through a client that
// checks every request and response against api/openapi.yaml: statuses,
// content types, required properties, types and enums. It fails if a
// documented operation was never called and is not in notCalled.
func TestResponsesMatchOpenAPI(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	v := newValidating(t)
	c := &client{f: f, v: v, hc: &http.Client{Transport: v, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	bad := expect{badRequest: true}
	files := expect{noBody: true}

	// Without the API: document, health, unknown routes, no token.
	want(t, "openapi.yaml", c.get(t, "", "/api/v1/openapi.yaml"), 200)
	want(t, "healthz", c.get(t, "", "/healthz"), 200)
	want(t, "readyz", c.get(t, "", "/readyz"), 200)
	want(t, "unknown route", c.get(t, f.cu, "/api/v1/nothing-here", expect{unknownRoute: true}), 404)
	want(t, "no token", c.get(t, "", "/api/v1/assets"), 401)
	want(t, "bad token", c.get(t, "qb_wrong", "/api/v1/assets"), 401)

	// Uploads.
	bigJPEG := read(t, "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	up := func(tok, name string, b []byte, fields map[string]string, status int, ex ...expect) uploadResult {
		t.Helper()
		r := want(t, "upload "+name, c.multipart(t, tok, "/api/v1/assets", fields, name, b, ex...), status)
		if status >= 300 {
			return uploadResult{}
		}
		return decode[uploadResult](t, r.body)
	}
	big := up(f.contribA, "Hồ Lắk.jpg", bigJPEG, nil, 201)
	up(f.contribA, "again.jpg", bigJPEG, nil, 200)
	up(f.contribB, "same.jpg", bigJPEG, nil, 409)
	small := up(f.contribA, "Chợ.jpg", read(t, "images/gps/ianare_gps_DSCN0025.jpg"), map[string]string{"kind": "photo"}, 201)
	pending := up(f.contribA, "Chưa duyệt.jpg", read(t, "images/exif_cameras/ianare_Canon_PowerShot_S40.jpg"), nil, 201)
	clip := up(f.contribA, "Lễ hội.mp4", read(t, "video/mp4ff_bbb_prog_10s.mp4"), nil, 201)
	up(f.contribA, "a.jpg", []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n"), nil, 415)
	up(f.contribA, "a.jpeg", read(t, "malformed/images/go_video-001.progressive.truncated.jpeg"), nil, 422)
	up(f.contribA, "a.jpg", read(t, "images/gps/mde_HTC_Desire.jpg"), map[string]string{"kind": "clip"}, 422)
	up(f.contribA, "empty.jpg", nil, nil, 400)
	up("", "a.jpg", []byte("x"), nil, 401)
	want(t, "upload without multipart", c.send(t, http.MethodPost, "/api/v1/assets", f.contribA, "text/plain", []byte("not multipart"), bad, nil), 400)

	// Renditions before processing, then processing.
	want(t, "thumb while processing", c.get(t, f.contribA, "/api/v1/assets/"+small.ID+"/renditions/thumb"), 404)
	f.drain(t)

	// Listing and search with facets.
	r := want(t, "list", c.get(t, f.cu, "/api/v1/assets?limit=2"), 200)
	page := decode[struct {
		Next   string                    `json:"next"`
		Facets map[string]map[string]int `json:"facets"`
	}](t, r.body)
	if page.Next == "" || len(page.Facets) == 0 {
		t.Errorf("list: no next page or no facets: %s", r.body)
	}
	want(t, "next page", c.get(t, f.cu, "/api/v1/assets?limit=2&cursor="+url.QueryEscape(page.Next)), 200)
	want(t, "search", c.get(t, f.contribA, "/api/v1/assets?q="+url.QueryEscape("hồ lắk")+"&kind=photo&status=ready&sort=uploaded&from=2020-01-01&to=2999-12-31"), 200)
	want(t, "search by theme and org", c.get(t, f.cu, "/api/v1/assets?theme=tourism,heritage&org="+url.QueryEscape("Báo Đắk Lắk")), 200)
	want(t, "bad limit", c.get(t, f.cu, "/api/v1/assets?limit=abc", bad), 400)
	want(t, "bad kind", c.get(t, f.cu, "/api/v1/assets?kind=video", bad), 400)
	want(t, "unknown org", c.get(t, f.cu, "/api/v1/assets?org="+url.QueryEscape("Không có")), 400)

	// One asset.
	want(t, "get", c.get(t, f.contribA, "/api/v1/assets/"+big.ID), 200)
	want(t, "get clip", c.get(t, f.contribA, "/api/v1/assets/"+clip.ID), 200)
	want(t, "other organisation", c.get(t, f.contribB, "/api/v1/assets/"+big.ID), 404)
	want(t, "original", c.get(t, f.contribA, "/api/v1/assets/"+big.ID+"/original"), 302)
	want(t, "original of nothing", c.get(t, f.contribA, "/api/v1/assets/nope/original"), 404)
	want(t, "thumb", c.get(t, f.contribA, "/api/v1/assets/"+small.ID+"/renditions/thumb", files), 200)
	want(t, "clip proxy", c.get(t, f.contribA, "/api/v1/assets/"+clip.ID+"/renditions/proxy?location=omit", files), 200)
	want(t, "photo proxy", c.get(t, f.contribA, "/api/v1/assets/"+small.ID+"/renditions/proxy"), 404)

	// Metadata.
	desc := func(id, vi, en string) {
		t.Helper()
		body := `{"title": {"vi": "` + vi + `", "en": "` + en + `"}, "caption": {"vi": "Ảnh ` + vi + `", "en": "Photo of ` + en + `"},
			"keywords": {"vi": ["hồ"], "en": ["lake"]}, "creator": "Nguyễn Văn A", "date_created": "2025-03-10",
			"review": ["title.vi", "title.en", "caption.vi", "caption.en"]}`
		want(t, "describe "+id, c.json(t, http.MethodPatch, f.cu, "/api/v1/assets/"+id, body), 200)
	}
	desc(big.ID, "Hồ Lắk", "Lak Lake")
	desc(small.ID, "Chợ đêm", "Night market")
	want(t, "patch by contributor", c.json(t, http.MethodPatch, f.contribA, "/api/v1/assets/"+pending.ID, `{"title": {"vi": "Chưa duyệt"}, "city": {"vi": "Buôn Ma Thuột"}}`), 200)
	want(t, "contributor marks reviewed", c.json(t, http.MethodPatch, f.contribA, "/api/v1/assets/"+pending.ID, `{"review": ["title.vi"]}`), 403)
	want(t, "bad date", c.json(t, http.MethodPatch, f.cu, "/api/v1/assets/"+pending.ID, `{"date_created": "yesterday"}`), 422)
	want(t, "unknown language", c.json(t, http.MethodPatch, f.cu, "/api/v1/assets/"+pending.ID, `{"title": {"xx": "?"}}`), 422)
	want(t, "unknown field", c.json(t, http.MethodPatch, f.cu, "/api/v1/assets/"+pending.ID, `{"colour": "red"}`, bad), 400)
	want(t, "patch nothing", c.json(t, http.MethodPatch, f.cu, "/api/v1/assets/nope", `{"creator": "x"}`), 404)
	want(t, "bulk", c.json(t, http.MethodPost, f.cu, "/api/v1/assets/metadata", `{"ids": ["`+big.ID+`", "`+small.ID+`"], "set": {"credit": "Sở VHTTDL", "copyright": {"vi": "© Sở VHTTDL"}}}`), 200)
	want(t, "bulk unknown", c.json(t, http.MethodPost, f.cu, "/api/v1/assets/metadata", `{"ids": ["`+big.ID+`", "nope"], "set": {"credit": "x"}}`), 404)
	want(t, "bulk empty", c.json(t, http.MethodPost, f.cu, "/api/v1/assets/metadata", `{"ids": [], "set": {"credit": "x"}}`, bad), 400)

	// Themes.
	want(t, "themes", c.get(t, f.contribA, "/api/v1/themes"), 200)
	want(t, "confirm themes", c.json(t, http.MethodPut, f.cu, "/api/v1/assets/"+big.ID+"/themes", `{"themes": ["tourism", "heritage/festivals"]}`), 200)
	want(t, "unknown theme", c.json(t, http.MethodPut, f.cu, "/api/v1/assets/"+big.ID+"/themes", `{"themes": ["nowhere"]}`), 422)

	// Review.
	review := func(tok, id, decision, note string, status int, ex ...expect) {
		t.Helper()
		want(t, decision+" "+id, c.json(t, http.MethodPost, tok, "/api/v1/assets/"+id+"/review", fmt.Sprintf(`{"decision": %q, "note": %q}`, decision, note), ex...), status)
	}
	want(t, "review queue", c.get(t, f.cu, "/api/v1/review/queue?kind=photo&limit=10"), 200)
	want(t, "review queue by contributor", c.get(t, f.contribA, "/api/v1/review/queue"), 403)
	review(f.contribA, big.ID, "approve", "", 403)
	review(f.cu, big.ID, "approve", "", 200)
	review(f.cu, small.ID, "approve", "", 200)
	review(f.cu, big.ID, "resubmit", "", 422)
	review(f.cu, pending.ID, "reject", "", 422)
	review(f.cu, pending.ID, "request_changes", "Thêm chú thích tiếng Anh.", 200)
	review(f.cu, pending.ID, "dance", "", 422, bad)
	review(f.cu, "nope", "approve", "", 404)
	want(t, "history", c.get(t, f.contribA, "/api/v1/assets/"+pending.ID+"/history"), 200)
	want(t, "history of nothing", c.get(t, f.contribA, "/api/v1/assets/nope/history"), 404)

	// Subtitles.
	srt := read(t, "subtitles/vietnamese/tor_animation_vi.srt")
	subs := "/api/v1/assets/" + clip.ID + "/subtitles"
	want(t, "attach subtitles", c.multipart(t, f.contribA, subs, map[string]string{"lang": "vi"}, "phụ đề.srt", srt), 201)
	want(t, "attach English", c.multipart(t, f.contribA, subs, map[string]string{"lang": "en"}, "en.srt", srt), 201)
	want(t, "subtitles on a photo", c.multipart(t, f.cu, "/api/v1/assets/"+small.ID+"/subtitles", map[string]string{"lang": "vi"}, "a.srt", srt), 422)
	want(t, "subtitles in Klingon", c.multipart(t, f.contribA, subs, map[string]string{"lang": "tlh"}, "a.srt", srt), 422)
	want(t, "list subtitles", c.get(t, f.contribA, subs), 200)
	want(t, "srt", c.get(t, f.contribA, subs+"/vi.srt", files), 200)
	want(t, "vtt", c.get(t, f.contribA, subs+"/en.vtt", files), 200)
	want(t, "no such track", c.get(t, f.contribA, subs+"/fr.srt"), 404)
	want(t, "fix", c.json(t, http.MethodPost, f.contribA, subs+"/vi/fix", `{"shift_seconds": -0.5, "scale": 1.0427, "rewrap": true}`), 200)
	want(t, "fix with a bad scale", c.json(t, http.MethodPost, f.contribA, subs+"/vi/fix", `{"scale": 10}`), 422)
	want(t, "subtitled", c.json(t, http.MethodPost, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitled", `{"burn": "vi"}`), 202)
	want(t, "burn a missing track", c.json(t, http.MethodPost, f.contribA, "/api/v1/assets/"+clip.ID+"/subtitled", `{"burn": "fr"}`), 404)

	// Cuts and jobs.
	cuts := "/api/v1/assets/" + clip.ID + "/cuts"
	r = want(t, "cut", c.json(t, http.MethodPost, f.contribA, cuts, `{"start": 1, "end": 4.5}`), 202)
	cut := decode[struct {
		ID int64 `json:"id"`
	}](t, r.body)
	want(t, "cut past the end", c.json(t, http.MethodPost, f.contribA, cuts, `{"start": 1, "end": 400}`), 422)
	want(t, "cut a photo", c.json(t, http.MethodPost, f.cu, "/api/v1/assets/"+small.ID+"/cuts", `{"start": 1, "end": 4}`), 422)
	want(t, "contributor cuts an approved asset", c.json(t, http.MethodPost, f.contribA, "/api/v1/assets/"+small.ID+"/cuts", `{"start": 1, "end": 4}`), 403)
	want(t, "cut without end", c.json(t, http.MethodPost, f.contribA, cuts, `{"start": 1}`, bad), 400)
	f.drain(t)
	job := fmt.Sprint("/api/v1/jobs/", cut.ID)
	want(t, "jobs", c.get(t, f.cu, "/api/v1/jobs?state=done&limit=5"), 200)
	want(t, "jobs of an asset", c.get(t, f.cu, "/api/v1/jobs?asset="+clip.ID), 200)
	want(t, "jobs by contributor", c.get(t, f.contribA, "/api/v1/jobs"), 403)
	want(t, "job", c.get(t, f.contribA, job), 200)
	want(t, "no such job", c.get(t, f.contribA, "/api/v1/jobs/999999"), 404)
	want(t, "retry a done job", c.send(t, http.MethodPost, job+"/retry", f.cu, "", nil, expect{}, nil), 409)
	want(t, "retry by contributor", c.send(t, http.MethodPost, job+"/retry", f.contribA, "", nil, expect{}, nil), 403)

	// Reports.
	report := "/api/v1/reports/activity?from=2026-01-01&to=2030-12-31"
	want(t, "report", c.get(t, f.cu, report), 200)
	want(t, "report csv", c.get(t, f.cu, report+"&format=csv", files), 200)
	want(t, "report xlsx", c.get(t, f.cu, report+"&format=xlsx", files), 200)
	want(t, "report by contributor", c.get(t, f.contribA, report), 403)
	want(t, "report without dates", c.get(t, f.cu, "/api/v1/reports/activity", bad), 400)

	// Packages.
	want(t, "package by contributor", c.json(t, http.MethodPost, f.contribA, "/api/v1/packages", `{"name": {"vi": "Gói"}, "profile": "happyvietnam-2025"}`), 403)
	want(t, "unknown profile", c.json(t, http.MethodPost, f.cu, "/api/v1/packages", `{"name": {"vi": "Gói"}, "profile": "happyvietnam-2099"}`), 400)
	r = want(t, "create package", c.json(t, http.MethodPost, f.cu, "/api/v1/packages", `{"name": {"vi": "Dự thi Việt Nam hạnh phúc", "en": "Happy Vietnam entries"}, "profile": "happyvietnam-2025"}`), 201)
	base := "/api/v1/packages/" + decode[struct {
		ID string `json:"id"`
	}](t, r.body).ID
	want(t, "packages", c.get(t, f.cu, "/api/v1/packages"), 200)
	want(t, "packages by contributor", c.get(t, f.contribA, "/api/v1/packages"), 403)
	want(t, "rename", c.json(t, http.MethodPatch, f.cu, base, `{"name": {"vi": "Dự thi Việt Nam hạnh phúc 2025", "en": "Happy Vietnam 2025"}}`), 200)
	want(t, "no such package", c.get(t, f.cu, "/api/v1/packages/nope"), 404)
	want(t, "add assets", c.json(t, http.MethodPost, f.cu, base+"/assets", `{"asset_ids": ["`+big.ID+`", "`+small.ID+`", "`+pending.ID+`"]}`), 200)
	want(t, "add nothing usable", c.json(t, http.MethodPost, f.cu, base+"/assets", `{"asset_ids": ["`+pending.ID+`", "nope"]}`), 422)
	want(t, "add none", c.json(t, http.MethodPost, f.cu, base+"/assets", `{"asset_ids": []}`, bad), 400)
	want(t, "validation", c.get(t, f.cu, base+"/validation"), 200)
	want(t, "package", c.get(t, f.cu, base), 200)
	want(t, "export blocked", c.json(t, http.MethodPost, f.cu, base+"/export", `{"format": "zip"}`), 409)
	want(t, "remove", c.send(t, http.MethodDelete, base+"/assets/"+small.ID, f.cu, "", nil, expect{}, nil), 204)
	want(t, "remove again", c.send(t, http.MethodDelete, base+"/assets/"+small.ID, f.cu, "", nil, expect{}, nil), 404)
	want(t, "export", c.json(t, http.MethodPost, f.cu, base+"/export", `{"format": "bagit", "acknowledge_warnings": true}`), 202)
	want(t, "export info", c.get(t, f.cu, base+"/exports/1?info=1"), 200)
	for deadline := time.Now().Add(2 * time.Minute); ; {
		r = c.get(t, f.cu, base+"/exports/1")
		if r.StatusCode != http.StatusAccepted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the export did not finish in 2 minutes")
		}
		time.Sleep(50 * time.Millisecond)
	}
	want(t, "bundle", r, 302)
	want(t, "no such export", c.get(t, f.cu, base+"/exports/9"), 404)
	want(t, "exports", c.get(t, f.cu, base+"/exports"), 200)
	want(t, "submission", c.json(t, http.MethodPost, f.cu, base+"/submissions", `{"export": 1, "reference": "HVN-2025-0815", "date": "2026-11-27", "note": "gửi qua cổng"}`), 201)
	want(t, "submission of nothing", c.json(t, http.MethodPost, f.cu, base+"/submissions", `{"export": 7}`), 404)
	want(t, "package after all", c.get(t, f.cu, base), 200)
	want(t, "report with the submission", c.get(t, f.cu, report), 200)

	// The caller and their tokens.
	want(t, "me", c.get(t, f.cu, "/api/v1/me"), 200)
	want(t, "me without a token", c.get(t, "", "/api/v1/me"), 401)
	tokReply := want(t, "new token", c.json(t, http.MethodPost, f.cu, "/api/v1/me/tokens", `{"label": "máy quét"}`), 201)
	want(t, "my tokens", c.get(t, f.cu, "/api/v1/me/tokens"), 200)
	tokID := decode[struct {
		ID int64 `json:"id"`
	}](t, tokReply.body).ID
	want(t, "revoke", c.send(t, http.MethodDelete, fmt.Sprintf("/api/v1/me/tokens/%d", tokID), f.cu, "", nil, expect{}, nil), 204)
	want(t, "revoke unknown", c.send(t, http.MethodDelete, "/api/v1/me/tokens/999999", f.cu, "", nil, expect{}, nil), 404)

	// Resumable uploads (tus).
	want(t, "tus options", c.send(t, http.MethodOptions, "/api/v1/uploads", "", "", nil, expect{}, nil), 200)
	canon := read(t, "images/exif_cameras/ianare_Canon_PowerShot_S40.jpg")
	tusHeaders := func(extra map[string]string) map[string]string {
		h := map[string]string{"Tus-Resumable": "1.0.0"}
		for k, v := range extra {
			h[k] = v
		}
		return h
	}
	meta := "filename " + base64.StdEncoding.EncodeToString([]byte("Máy ảnh Canon.jpg"))
	created := want(t, "tus create", c.send(t, http.MethodPost, "/api/v1/uploads", f.contribA, "", nil, expect{},
		tusHeaders(map[string]string{"Upload-Length": strconv.Itoa(len(canon)), "Upload-Metadata": meta})), 201)
	loc := created.Header.Get("Location")
	want(t, "tus options of an upload", c.send(t, http.MethodOptions, loc, "", "", nil, expect{}, nil), 200)
	want(t, "tus patch", c.send(t, http.MethodPatch, loc, f.contribA, "application/offset+octet-stream", canon, expect{},
		tusHeaders(map[string]string{"Upload-Offset": "0"})), 204)
	want(t, "tus result", c.get(t, f.contribA, loc+"/result"), 200)
	want(t, "tus result of another user", c.get(t, f.contribB, loc+"/result"), 404)
	other := want(t, "tus create to cancel", c.send(t, http.MethodPost, "/api/v1/uploads", f.contribA, "", nil, expect{},
		tusHeaders(map[string]string{"Upload-Length": "10", "Upload-Metadata": meta})), 201)
	want(t, "tus terminate", c.send(t, http.MethodDelete, other.Header.Get("Location"), f.contribA, "", nil, expect{}, tusHeaders(nil)), 204)

	// Every documented operation was called.
	var missing, stale []string
	for path, item := range v.doc.Paths.Map() {
		for method := range item.Operations() {
			key := method + " " + path
			_, allowed := notCalled[key]
			switch called := len(v.covered[key]) > 0; {
			case !called && !allowed:
				missing = append(missing, key)
			case called && allowed:
				stale = append(stale, key)
			}
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	for _, k := range missing {
		t.Errorf("%s is in openapi.yaml but the scenario never calls it: add it to TestResponsesMatchOpenAPI (or to notCalled, with the reason)", k)
	}
	for _, k := range stale {
		t.Errorf("%s is called now: take it out of notCalled", k)
	}
	if testing.Verbose() {
		keys := make([]string, 0, len(v.covered))
		for k := range v.covered {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			var st []int
			for s := range v.covered[k] {
				st = append(st, s)
			}
			sort.Ints(st)
			t.Logf("%-50s %v", k, st)
		}
	}
}
