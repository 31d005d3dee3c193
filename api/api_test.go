package api_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"gopkg.in/yaml.v3"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/catalog/theme"
	"github.com/quangba/quangba/export"
	"github.com/quangba/quangba/export/profile"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/internal/miniotest"
	"github.com/quangba/quangba/internal/testenv"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/s3"
	"github.com/quangba/quangba/transcode"
)

const media = "../testdata/media/"

type fixture struct {
	srv                    *httptest.Server
	db                     *catalog.DB
	contribA, contribB, cu string // tokens
	jobs                   *transcode.Service
}

// drain runs every queued job, as the workers would.
func (f *fixture) drain(t *testing.T) {
	t.Helper()
	for {
		ran, err := f.jobs.RunOnce(context.Background())
		if err != nil {
			t.Fatalf("job: %v", err)
		}
		if !ran {
			return
		}
	}
}

func newFixture(t *testing.T, store storage.Store, tune func(*ingest.Config)) *fixture {
	t.Helper()
	te := testenv.New(t, store, tune)
	db, in, dir := te.DB, te.Ingest, te.Dir
	cfg := ingest.DefaultConfig()
	if tune != nil {
		tune(&cfg)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	tc := transcode.DefaultConfig()
	tc.WorkDir = filepath.Join(dir, "work")
	subs := transcode.NewSubtitles(transcode.SubtitleConfig{}, db, store)
	jobs, err := transcode.New(tc, transcode.CatalogQueue{DB: db}, db, store, in, subs, log)
	if err != nil {
		t.Fatal(err)
	}
	themesYAML, err := os.ReadFile("../configs/themes.yaml")
	if err != nil {
		t.Fatal(err)
	}
	themes, err := theme.Parse(themesYAML)
	if err != nil {
		t.Fatal(err)
	}
	profiles, err := profile.LoadFS(os.DirFS("../configs"), "profiles")
	if err != nil {
		t.Fatal(err)
	}
	byID := profile.ByID(profiles)
	exp := &export.Exporter{DB: db, Store: store, Profiles: byID, Themes: themes}
	s := api.New(api.Config{MaxUploadBytes: cfg.MaxVideoBytes + 1<<20, Themes: themes, Export: exp}, db, in, jobs, subs, store, log)
	f := &fixture{srv: httptest.NewServer(s.Handler()), db: db, jobs: jobs}
	t.Cleanup(f.srv.Close)
	f.contribA = token(t, db, "Báo Đắk Lắk", catalog.RoleContributor)
	f.contribB = token(t, db, "Đài PT-TH Phú Yên", catalog.RoleContributor)
	f.cu = token(t, db, "Sở VHTTDL", catalog.RoleCurator)
	return f
}

func token(t *testing.T, db *catalog.DB, org, role string) string {
	nt, err := db.CreateToken(context.Background(), org, "", role)
	if err != nil {
		t.Fatal(err)
	}
	return nt.Secret
}

func localStore(t *testing.T) storage.Store { return testenv.LocalStore(t) }

// upload posts one file as multipart; fields are sent before the file.
func (f *fixture) upload(t *testing.T, tok, name string, body []byte, fields map[string]string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(body)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/assets", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return f.do(t, req, tok, header)
}

func (f *fixture) get(t *testing.T, tok, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+path, nil)
	return f.do(t, req, tok, nil)
}

func (f *fixture) do(t *testing.T, req *http.Request, tok string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

type uploadResult struct {
	api.Asset
	Duplicate bool `json:"duplicate"`
}

type errorBody struct {
	Error struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		MessageVi string `json:"message_vi"`
		MessageEn string `json:"message_en"`
	} `json:"error"`
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return v
}

func read(t *testing.T, p string) []byte {
	b, err := os.ReadFile(media + p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestUploadListFetch(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	photo := read(t, "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	resp, b := f.upload(t, f.contribA, "Buôn Ma Thuột.jpg", photo, nil, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	a := decode[uploadResult](t, b)
	if a.Duplicate || a.Kind != "photo" || a.Width != 4032 || a.GPS == nil || a.OriginalFileName != "Buôn Ma Thuột.jpg" || a.Organisation != "Báo Đắk Lắk" {
		t.Errorf("asset = %+v", a)
	}
	resp, b = f.upload(t, f.contribA, "again.jpg", photo, nil, nil)
	if d := decode[uploadResult](t, b); resp.StatusCode != http.StatusOK || !d.Duplicate || d.ID != a.ID {
		t.Errorf("duplicate upload: %d %s", resp.StatusCode, b)
	}
	resp, b = f.upload(t, f.contribB, "same bytes.jpg", photo, nil, nil)
	if e := decode[errorBody](t, b); resp.StatusCode != http.StatusConflict || e.Error.Code != "duplicate_elsewhere" || strings.Contains(string(b), a.ID) {
		t.Errorf("another organisation's duplicate: %d %s, want 409 without the asset", resp.StatusCode, b)
	}
	clip := read(t, "video/mde_iphone_with-gps_rot90.mov")
	resp, b = f.upload(t, f.contribB, "clip.mov", clip, map[string]string{"kind": "trailer"}, nil)
	if v := decode[uploadResult](t, b); resp.StatusCode != http.StatusCreated || v.Kind != "trailer" || v.Video == nil || v.Video.Rotation != 90 {
		t.Errorf("trailer upload: %d %s", resp.StatusCode, b)
	}

	// Contributors see their own organisation; curators see all.
	for _, c := range []struct {
		tok  string
		want int
	}{{f.contribA, 1}, {f.contribB, 1}, {f.cu, 2}} {
		resp, b := f.get(t, c.tok, "/api/v1/assets")
		if p := decode[api.AssetPage](t, b); resp.StatusCode != 200 || len(p.Items) != c.want {
			t.Errorf("list: %d, %d items, want %d", resp.StatusCode, len(p.Items), c.want)
		}
	}
	if resp, _ := f.get(t, f.contribB, "/api/v1/assets/"+a.ID); resp.StatusCode != http.StatusNotFound {
		t.Errorf("other organisation's asset: %d, want 404", resp.StatusCode)
	}
	if resp, b := f.get(t, f.cu, "/api/v1/assets/"+a.ID); resp.StatusCode != 200 || decode[api.Asset](t, b).SHA256 != a.SHA256 {
		t.Errorf("curator get: %d %s", resp.StatusCode, b)
	}

	// The original comes back byte for byte through a signed link.
	resp, _ = f.get(t, f.contribA, "/api/v1/assets/"+a.ID+"/original")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "/blobs/") {
		t.Fatalf("original: %d Location %q", resp.StatusCode, loc)
	}
	resp, b = f.get(t, "", loc)
	if resp.StatusCode != 200 || !bytes.Equal(b, photo) || resp.Header.Get("Content-Type") != "image/jpeg" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), "filename*=UTF-8''Bu%C3%B4n%20Ma%20Thu%E1%BB%99t.jpg") {
		t.Errorf("signed download: %d, %d bytes, headers %v", resp.StatusCode, len(b), resp.Header)
	}
	u, _ := url.Parse(loc)
	q := u.Query()
	q.Set("exp", fmt.Sprint(9999999999))
	if resp, _ := f.get(t, "", u.Path+"?"+q.Encode()); resp.StatusCode != http.StatusForbidden {
		t.Errorf("tampered link: %d, want 403", resp.StatusCode)
	}
}

func TestPagination(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	files := []string{"images/gps/ianare_gps_DSCN0025.jpg", "images/gps/mde_HTC_Desire.jpg", "images/gps/ianare_45-gps_ifd.jpg",
		"images/exif_cameras/exiftool_Canon.jpg", "images/formats/pngsuite_basn6a16.png"}
	for _, p := range files {
		if resp, b := f.upload(t, f.contribA, filepath.Base(p), read(t, p), nil, nil); resp.StatusCode != 201 {
			t.Fatalf("%s: %d %s", p, resp.StatusCode, b)
		}
	}
	seen := map[string]bool{}
	next := ""
	for i := 0; i < 5; i++ {
		_, b := f.get(t, f.contribA, "/api/v1/assets?limit=2&cursor="+next)
		p := decode[api.AssetPage](t, b)
		for _, a := range p.Items {
			seen[a.ID] = true
		}
		if next = p.Next; next == "" {
			break
		}
	}
	if len(seen) != len(files) {
		t.Errorf("pages covered %d assets, want %d", len(seen), len(files))
	}
	if resp, _ := f.get(t, f.contribA, "/api/v1/assets?limit=abc"); resp.StatusCode != 400 {
		t.Errorf("bad limit: %d, want 400", resp.StatusCode)
	}
}

func TestUploadErrors(t *testing.T) {
	f := newFixture(t, localStore(t), func(c *ingest.Config) { c.MaxPhotoBytes = 2 << 20 })
	cases := []struct {
		name, tok, file string
		body            []byte
		fields, header  map[string]string
		status          int
		code            string
		english         bool
	}{
		{name: "no token", file: "a.jpg", body: read(t, "images/gps/mde_HTC_Desire.jpg"), status: 401, code: "unauthorized"},
		{name: "bad token", tok: "qb_wrong", file: "a.jpg", body: []byte("x"), status: 401, code: "unauthorized"},
		{name: "empty", tok: f.contribA, file: "a.jpg", body: nil, status: 400, code: ingest.CodeEmpty},
		{name: "pdf named jpg", tok: f.contribA, file: "a.jpg", body: []byte("%PDF-1.4\n%âãÏÓ\n1 0 obj\n"), status: 415, code: ingest.CodeUnsupported},
		{name: "truncated", tok: f.contribA, file: "a.jpeg", body: read(t, "malformed/images/go_video-001.progressive.truncated.jpeg"), status: 422, code: ingest.CodeCorrupt},
		{name: "bomb", tok: f.contribA, file: "a.png", body: read(t, "malformed/imagetestsuite/png_bomb_309x15403836_817f9655.png"), status: 422, code: ingest.CodeTooManyPixels},
		{name: "too large", tok: f.contribA, file: "big.jpg", body: read(t, "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg"), status: 413, code: ingest.CodeTooLarge},
		{name: "kind mismatch, English", tok: f.contribA, file: "a.jpg", body: read(t, "images/gps/mde_HTC_Desire.jpg"),
			fields: map[string]string{"kind": "clip"}, header: map[string]string{"Accept-Language": "en-GB,en;q=0.9"}, status: 422, code: ingest.CodeKindMismatch, english: true},
	}
	for _, c := range cases {
		resp, b := f.upload(t, c.tok, c.file, c.body, c.fields, c.header)
		e := decode[errorBody](t, b)
		if resp.StatusCode != c.status || e.Error.Code != c.code {
			t.Errorf("%s: %d %s, want %d %s", c.name, resp.StatusCode, b, c.status, c.code)
			continue
		}
		want := e.Error.MessageVi
		if c.english {
			want = e.Error.MessageEn
		}
		if e.Error.Message == "" || e.Error.Message != want || e.Error.MessageVi == e.Error.MessageEn {
			t.Errorf("%s: messages %+v", c.name, e.Error)
		}
	}
	if resp, b := f.get(t, f.cu, "/api/v1/assets"); len(decode[api.AssetPage](t, b).Items) != 0 {
		t.Errorf("refused uploads left assets: %d %s", resp.StatusCode, b)
	}
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/assets", strings.NewReader("not multipart"))
	if resp, _ := f.do(t, req, f.contribA, nil); resp.StatusCode != 400 {
		t.Errorf("non-multipart body: %d, want 400", resp.StatusCode)
	}
}

func TestHealth(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	for _, p := range []string{"/healthz", "/readyz"} {
		if resp, b := f.get(t, "", p); resp.StatusCode != 200 {
			t.Errorf("%s: %d %s", p, resp.StatusCode, b)
		}
	}
}

// TestMinIO runs the same flow against a real MinIO server, including
// storage going away and coming back.
func TestMinIO(t *testing.T) {
	srv := miniotest.Start(t)
	store, err := s3.New(context.Background(), s3.Config{Endpoint: srv.Endpoint, AccessKey: srv.AccessKey, SecretKey: srv.SecretKey, Bucket: "quangba"})
	if err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, store, nil)
	photo := read(t, "images/heic/exiv2_iphoneXR_2021-02-13-1929.heic")
	resp, b := f.upload(t, f.contribA, "Hồ Lắk.heic", photo, nil, nil)
	if resp.StatusCode != 201 {
		t.Fatalf("upload: %d %s", resp.StatusCode, b)
	}
	a := decode[uploadResult](t, b)
	resp, _ = f.get(t, f.contribA, "/api/v1/assets/"+a.ID+"/original")
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "http://"+srv.Endpoint+"/") {
		t.Fatalf("original: %d %q", resp.StatusCode, loc)
	}
	dl, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(dl.Body)
	dl.Body.Close()
	if dl.StatusCode != 200 || !bytes.Equal(got, photo) || !strings.Contains(dl.Header.Get("Content-Disposition"), "UTF-8''H%E1%BB%93%20L%E1%BA%AFk.heic") {
		t.Errorf("presigned download: %d, %d bytes, %v", dl.StatusCode, len(got), dl.Header)
	}

	srv.Stop()
	clip := read(t, "video/mp4ff_bbb_prog_10s.mp4")
	if resp, b := f.upload(t, f.contribA, "bbb.mp4", clip, nil, nil); resp.StatusCode != http.StatusServiceUnavailable ||
		decode[errorBody](t, b).Error.Code != ingest.CodeStorage {
		t.Errorf("upload with storage down: %d %s, want 503 %s", resp.StatusCode, b, ingest.CodeStorage)
	}
	if resp, _ := f.get(t, "", "/readyz"); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with storage down: %d, want 503", resp.StatusCode)
	}
	srv.Restart(t)
	if resp, _ := f.get(t, "", "/readyz"); resp.StatusCode != 200 {
		t.Errorf("readyz after restart: %d", resp.StatusCode)
	}
	if resp, b := f.upload(t, f.contribA, "bbb.mp4", clip, nil, nil); resp.StatusCode != 201 {
		t.Errorf("retry after restart: %d %s", resp.StatusCode, b)
	}
	if _, b := f.get(t, f.cu, "/api/v1/assets"); len(decode[api.AssetPage](t, b).Items) != 2 {
		t.Errorf("want exactly 2 assets after the retry: %s", b)
	}
}

// TestOpenAPIDescribesEveryRoute keeps the document and the routes in step.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	resp, b := f.get(t, "", "/api/v1/openapi.yaml")
	if resp.StatusCode != 200 {
		t.Fatalf("openapi.yaml: %d", resp.StatusCode)
	}
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil || doc.OpenAPI == "" {
		t.Fatalf("not an OpenAPI document: %v", err)
	}
	s := api.New(api.Config{}, f.db, nil, nil, nil, localStore(t), slog.New(slog.NewTextHandler(io.Discard, nil)))
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue // shared by the path's operations
			}
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}
	routes := map[string]bool{}
	for _, r := range s.Handler().(*gin.Engine).Routes() {
		if r.Method == http.MethodHead || !strings.HasPrefix(r.Path, "/api/") && r.Path != "/healthz" && r.Path != "/readyz" {
			continue // signed downloads (reached through redirects) and the web pages are not the API
		}
		p := r.Method + " " + regexp.MustCompile(`:(\w+)`).ReplaceAllString(r.Path, "{$1}")
		routes[p] = true
		if !documented[p] {
			t.Errorf("route %s is not in openapi.yaml", p)
		}
	}
	for p := range documented {
		if !routes[p] {
			t.Errorf("openapi.yaml documents %s, which is not a route", p)
		}
	}
}

// TestDeclaredOversizeRefusedAtOnce: a client announcing a body over the
// limit gets 413 before sending it, which matters on slow links.
func TestDeclaredOversizeRefusedAtOnce(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\nExpect: 100-continue\r\n\r\n", f.contribA, int64(20)<<30)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("status %d, want 413", resp.StatusCode)
	}
}
