package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/text/unicode/norm"

	"github.com/quangba/quangba/api"
	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/internal/browsertest"
	"github.com/quangba/quangba/internal/testenv"
)

// tusFixture is an API server whose partial uploads go to dir.
type tusFixture struct {
	*fixture
	api   *api.Server
	dir   string
	limit int64
}

func newTusFixture(t *testing.T, expire time.Duration) *tusFixture {
	t.Helper()
	te := testenv.New(t, localStore(t), nil)
	dir := filepath.Join(te.Dir, "uploads")
	limit := ingest.DefaultConfig().MaxVideoBytes
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s := api.New(api.Config{MaxUploadBytes: limit, Uploads: api.UploadConfig{Dir: dir, ExpireAfter: expire}},
		te.DB, te.Ingest, nil, nil, te.Store, log)
	f := &fixture{srv: httptest.NewServer(s.Handler()), db: te.DB}
	t.Cleanup(f.srv.Close)
	f.contribA = token(t, te.DB, "Báo Đắk Lắk", catalog.RoleContributor)
	f.contribB = token(t, te.DB, "Đài PT-TH Phú Yên", catalog.RoleContributor)
	return &tusFixture{fixture: f, api: s, dir: dir, limit: limit}
}

// tusMeta encodes Upload-Metadata: key base64(value), comma-separated.
func tusMeta(kv ...string) string {
	var parts []string
	for i := 0; i+1 < len(kv); i += 2 {
		parts = append(parts, kv[i]+" "+base64.StdEncoding.EncodeToString([]byte(kv[i+1])))
	}
	return strings.Join(parts, ",")
}

func (f *tusFixture) tus(t *testing.T, method, path, tok string, hdr map[string]string, body []byte) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	req.Header.Set("Tus-Resumable", "1.0.0")
	if body != nil {
		req.Header.Set("Content-Type", "application/offset+octet-stream")
	}
	return f.do(t, req, tok, hdr)
}

// create starts an upload and returns its path (/api/v1/uploads/{id}).
func (f *tusFixture) create(t *testing.T, tok, name string, size int) string {
	t.Helper()
	resp, b := f.tus(t, http.MethodPost, "/api/v1/uploads", tok,
		map[string]string{"Upload-Length": strconv.Itoa(size), "Upload-Metadata": tusMeta("filename", name, "relativePath", "Lễ hội/"+name)}, nil)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/api/v1/uploads/") {
		t.Fatalf("Location = %q, want a path under /api/v1/uploads/", loc)
	}
	return loc
}

func (f *tusFixture) patch(t *testing.T, tok, loc string, off int, chunk []byte) *http.Response {
	t.Helper()
	resp, b := f.tus(t, http.MethodPatch, loc, tok, map[string]string{"Upload-Offset": strconv.Itoa(off)}, chunk)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH at %d: %d %s", off, resp.StatusCode, b)
	}
	if got := resp.Header.Get("Upload-Offset"); got != strconv.Itoa(off+len(chunk)) {
		t.Fatalf("PATCH at %d: Upload-Offset %s, want %d", off, got, off+len(chunk))
	}
	return resp
}

func (f *tusFixture) head(t *testing.T, tok, loc string) int {
	t.Helper()
	resp, b := f.tus(t, http.MethodHead, loc, tok, nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("HEAD: %d %s", resp.StatusCode, b)
	}
	n, err := strconv.Atoi(resp.Header.Get("Upload-Offset"))
	if err != nil {
		t.Fatalf("HEAD: Upload-Offset %q", resp.Header.Get("Upload-Offset"))
	}
	return n
}

// interruptedPatch sends half of chunk then drops the connection.
func (f *tusFixture) interruptedPatch(t *testing.T, tok, loc string, off int, chunk []byte) {
	t.Helper()
	u, _ := url.Parse(f.srv.URL)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "PATCH %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nTus-Resumable: 1.0.0\r\n"+
		"Content-Type: application/offset+octet-stream\r\nUpload-Offset: %d\r\nContent-Length: %d\r\n\r\n", loc, u.Host, tok, off, len(chunk))
	if _, err := conn.Write(chunk[:len(chunk)/2]); err != nil {
		t.Fatal(err)
	}
	conn.Close()
}

// waitStored waits until the partial file stops growing and returns its size.
func (f *tusFixture) waitStored(t *testing.T, loc string, atLeast int64) int64 {
	t.Helper()
	path := filepath.Join(f.dir, filepath.Base(loc))
	last, stable := int64(-1), 0
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() == last && last > atLeast {
			if stable++; stable == 5 {
				return last
			}
			continue
		}
		last, stable = fi.Size(), 0
	}
	t.Fatalf("partial upload stayed at %d bytes, want more than %d", last, atLeast)
	return 0
}

type headerResult struct {
	Status  string `json:"status"`
	AssetID string `json:"asset_id"`
	Error   *struct {
		Code      string `json:"code"`
		MessageVi string `json:"message_vi"`
		MessageEn string `json:"message_en"`
	} `json:"error"`
}

type outcome struct {
	ID     string     `json:"id"`
	Status string     `json:"status"`
	Offset *int64     `json:"offset"`
	Asset  *api.Asset `json:"asset"`
	Error  *struct {
		Code      string `json:"code"`
		Message   string `json:"message"`
		MessageVi string `json:"message_vi"`
		MessageEn string `json:"message_en"`
	} `json:"error"`
}

func (f *tusFixture) result(t *testing.T, tok, loc string) outcome {
	t.Helper()
	resp, b := f.get(t, tok, loc+"/result")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("result: %d %s", resp.StatusCode, b)
	}
	return decode[outcome](t, b)
}

// upload sends body in one PATCH and returns the final response's Upload-Result.
func (f *tusFixture) upload(t *testing.T, tok, name string, body []byte) (string, headerResult) {
	t.Helper()
	loc := f.create(t, tok, name, len(body))
	resp := f.patch(t, tok, loc, 0, body)
	var hr headerResult
	if err := json.Unmarshal([]byte(resp.Header.Get("Upload-Result")), &hr); err != nil {
		t.Fatalf("Upload-Result %q: %v", resp.Header.Get("Upload-Result"), err)
	}
	return loc, hr
}

func TestTusResumableUpload(t *testing.T) {
	f := newTusFixture(t, time.Hour)
	photo := read(t, "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	n := len(photo)

	resp, _ := f.tus(t, http.MethodOptions, "/api/v1/uploads", "", nil, nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Tus-Version") != "1.0.0" || resp.Header.Get("Tus-Max-Size") != strconv.FormatInt(f.limit, 10) {
		t.Fatalf("OPTIONS: %d %v", resp.StatusCode, resp.Header)
	}

	nfc := norm.NFC.String("Hồ Lắk.jpg")
	loc := f.create(t, f.contribA, nfc, n)
	if got := f.head(t, f.contribA, loc); got != 0 {
		t.Fatalf("new upload at offset %d", got)
	}
	a, b := n/3, 2*n/3
	f.patch(t, f.contribA, loc, 0, photo[:a])

	// Another user neither sees nor writes it; nobody unauthenticated does.
	for _, m := range []string{http.MethodHead, http.MethodPatch, http.MethodDelete} {
		var body []byte
		hdr := map[string]string{}
		if m == http.MethodPatch {
			body, hdr["Upload-Offset"] = photo[a:b], strconv.Itoa(a)
		}
		if resp, bd := f.tus(t, m, loc, f.contribB, hdr, body); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s by another user: %d %s", m, resp.StatusCode, bd)
		}
	}
	if resp, bd := f.get(t, f.contribB, loc+"/result"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("result for another user: %d %s", resp.StatusCode, bd)
	}
	if o := f.result(t, f.contribA, loc); o.Status != "uploading" || o.Offset == nil || *o.Offset != int64(a) {
		t.Errorf("result while uploading = %+v", o)
	}

	// The middle chunk is cut off half-way: the bytes that arrived stay.
	f.interruptedPatch(t, f.contribA, loc, a, photo[a:b])
	stored := f.waitStored(t, loc, int64(a))
	off := f.head(t, f.contribA, loc)
	if int64(off) != stored || off <= a || off > a+(b-a)/2 {
		t.Fatalf("after the dropped PATCH: HEAD offset %d, stored %d, want in (%d, %d]", off, stored, a, a+(b-a)/2)
	}
	f.patch(t, f.contribA, loc, off, photo[off:b])
	final := f.patch(t, f.contribA, loc, b, photo[b:])

	var hr headerResult
	if err := json.Unmarshal([]byte(final.Header.Get("Upload-Result")), &hr); err != nil || hr.Status != "new" || hr.AssetID == "" {
		t.Fatalf("Upload-Result %q (%v)", final.Header.Get("Upload-Result"), err)
	}
	o := f.result(t, f.contribA, loc)
	if o.Status != "new" || o.Asset == nil || o.Asset.ID != hr.AssetID || o.Asset.OriginalFileName != nfc || o.Asset.Width != 4032 || o.Asset.Bytes != int64(n) {
		t.Fatalf("result = %+v", o)
	}
	resp, body := f.get(t, f.contribA, "/api/v1/assets/"+hr.AssetID)
	if got := decode[api.Asset](t, body); resp.StatusCode != http.StatusOK || (got.Status != catalog.StatusProcessing && got.Status != catalog.StatusReady) {
		t.Errorf("asset: %d %s", resp.StatusCode, body)
	}
	if left, _ := os.ReadDir(f.dir); len(left) != 0 {
		t.Errorf("partial files left after ingest: %v", left)
	}
	// A client that lost the final response and asks again is told it is complete.
	resp, _ = f.tus(t, http.MethodHead, loc, f.contribA, nil, nil)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Upload-Offset") != strconv.Itoa(n) || resp.Header.Get("Upload-Length") != strconv.Itoa(n) {
		t.Errorf("HEAD after the end: %d %v", resp.StatusCode, resp.Header)
	}

	// The same bytes again, named in NFD: a duplicate of the first asset.
	nfd := norm.NFD.String("Hồ Lắk.jpg")
	if nfd == nfc {
		t.Fatal("NFD equals NFC")
	}
	loc2, hr := f.upload(t, f.contribA, nfd, photo)
	if hr.Status != "duplicate" || hr.AssetID != o.Asset.ID {
		t.Errorf("same bytes: %+v", hr)
	}
	if o2 := f.result(t, f.contribA, loc2); o2.Status != "duplicate" || o2.Asset == nil || o2.Asset.ID != o.Asset.ID {
		t.Errorf("duplicate result = %+v", o2)
	}
	// An NFD name of a new file is stored in NFC.
	loc3, hr := f.upload(t, f.contribA, nfd, read(t, "images/exif_cameras/exiforg_kodak-dc210.jpg"))
	if o3 := f.result(t, f.contribA, loc3); hr.Status != "new" || o3.Asset == nil || o3.Asset.OriginalFileName != nfc {
		t.Errorf("NFD name: %+v %+v", hr, o3)
	}
	// The same bytes from another organisation: a duplicate it cannot open.
	loc4, hr := f.upload(t, f.contribB, "của tôi.jpg", photo)
	if o4 := f.result(t, f.contribB, loc4); hr.Status != "duplicate" || hr.AssetID != "" || o4.Asset != nil || o4.Error == nil || o4.Error.Code != "duplicate_elsewhere" {
		t.Errorf("duplicate elsewhere: %+v %+v", hr, o4)
	}
}

func TestTusRefusals(t *testing.T) {
	f := newTusFixture(t, time.Hour)

	// A text file named .jpg goes through ingest's checks and is refused.
	loc, hr := f.upload(t, f.contribA, "ảnh giả.jpg", []byte("Đây không phải là ảnh, chỉ là một dòng chữ.\n"))
	if hr.Status != "refused" || hr.Error == nil || hr.Error.Code != ingest.CodeUnsupported || hr.Error.MessageVi == "" || hr.Error.MessageEn == "" {
		t.Errorf("Upload-Result = %+v", hr)
	}
	resp, b := f.get(t, f.contribA, loc+"/result?lang=en")
	o := decode[outcome](t, b)
	if resp.StatusCode != http.StatusOK || o.Status != "refused" || o.Asset != nil || o.Error == nil || o.Error.Code != ingest.CodeUnsupported ||
		o.Error.MessageVi == "" || o.Error.MessageEn == "" || o.Error.Message != o.Error.MessageEn {
		t.Errorf("result = %d %s", resp.StatusCode, b)
	}
	if left, _ := os.ReadDir(f.dir); len(left) != 0 {
		t.Errorf("partial files left after a refusal: %v", left)
	}

	// Too long for the limit: 413 before a byte is sent, in both languages.
	resp, b = f.tus(t, http.MethodPost, "/api/v1/uploads", f.contribA,
		map[string]string{"Upload-Length": strconv.FormatInt(f.limit+1, 10), "Upload-Metadata": tusMeta("filename", "phim dài.mp4")}, nil)
	if e := decode[errorBody](t, b); resp.StatusCode != http.StatusRequestEntityTooLarge || e.Error.Code != ingest.CodeTooLarge || e.Error.MessageVi == "" || e.Error.MessageEn == "" {
		t.Errorf("too large: %d %s", resp.StatusCode, b)
	}
	// No file name; an over-long one.
	for _, m := range []string{tusMeta("kind", "photo"), tusMeta("filename", strings.Repeat("ả", 600)+".jpg")} {
		resp, b = f.tus(t, http.MethodPost, "/api/v1/uploads", f.contribA, map[string]string{"Upload-Length": "10", "Upload-Metadata": m}, nil)
		if e := decode[errorBody](t, b); resp.StatusCode != http.StatusBadRequest || e.Error.Code != ingest.CodeBadRequest || e.Error.MessageEn == "" {
			t.Errorf("metadata %q: %d %s", m[:20], resp.StatusCode, b)
		}
	}
	// Not signed in.
	resp, b = f.tus(t, http.MethodPost, "/api/v1/uploads", "", map[string]string{"Upload-Length": "10", "Upload-Metadata": tusMeta("filename", "a.jpg")}, nil)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unauthenticated POST: %d %s", resp.StatusCode, b)
	}
	if entries, _ := os.ReadDir(f.dir); len(entries) != 0 {
		t.Errorf("refused creations left files: %v", entries)
	}
	// Unknown ids and ids that are not upload ids.
	for _, id := range []string{"0123456789abcdef0123456789abcdef", "..", "x.info"} {
		if resp, b := f.tus(t, http.MethodHead, "/api/v1/uploads/"+id, f.contribA, nil, nil); resp.StatusCode != http.StatusNotFound {
			t.Errorf("HEAD %s: %d %s", id, resp.StatusCode, b)
		}
	}
}

func TestTusTerminateAndExpire(t *testing.T) {
	f := newTusFixture(t, 300*time.Millisecond)
	photo := read(t, "images/exif_cameras/exiforg_kodak-dc210.jpg")

	// The owner may give up an upload.
	loc := f.create(t, f.contribA, "bỏ.jpg", len(photo))
	f.patch(t, f.contribA, loc, 0, photo[:1000])
	if resp, b := f.tus(t, http.MethodDelete, loc, f.contribA, nil, nil); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d %s", resp.StatusCode, b)
	}
	if resp, _ := f.tus(t, http.MethodHead, loc, f.contribA, nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD after DELETE: %d", resp.StatusCode)
	}

	// An abandoned one is deleted once expire_after has passed, not before.
	loc = f.create(t, f.contribA, "dở dang.jpg", len(photo))
	f.patch(t, f.contribA, loc, 0, photo[:1000])
	id := filepath.Base(loc)
	if n, err := f.api.CleanUploads(context.Background(), time.Now()); err != nil || n != 0 {
		t.Fatalf("cleanup of a fresh upload: %d, %v", n, err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, id)); err != nil {
		t.Fatalf("fresh upload removed: %v", err)
	}
	time.Sleep(400 * time.Millisecond)
	if n, err := f.api.CleanUploads(context.Background(), time.Now()); err != nil || n != 1 {
		t.Fatalf("cleanup: %d, %v", n, err)
	}
	if left, _ := os.ReadDir(f.dir); len(left) != 0 {
		t.Errorf("left after cleanup: %v", left)
	}
	if resp, _ := f.tus(t, http.MethodHead, loc, f.contribA, nil, nil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("HEAD of an expired upload: %d", resp.StatusCode)
	}
}

// The upload page renders with what its script needs, and the script's
// requests (session cookie and X-CSRF-Token) work.
func TestTusUploadPageAndSession(t *testing.T) {
	f := newTusFixture(t, time.Hour)
	webUser(t, f.fixture, "Báo Đắk Lắk", "phongvien", "Phóng viên", catalog.RoleContributor)
	b := newBrowser(t, f.fixture)
	if resp, _ := b.get("/upload"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("upload page without a session: %d", resp.StatusCode)
	}
	b.login("phongvien", webPassword)
	resp, page := b.get("/upload")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload page: %d %s", resp.StatusCode, page)
	}
	for _, want := range []string{`data-endpoint="/api/v1/uploads"`, `data-chunk="5242880"`, `data-parallel="3"`, `data-csrf="` + b.csrf + `"`,
		`/static/vendor/tus-js-client/tus.min.js?v=`, `/static/upload.js?v=`, `webkitdirectory`, `aria-live="polite"`, `<progress id="upload-batch"`,
		`data-msg-refused="Bị từ chối"`, `id="upload-drop"`} {
		if !strings.Contains(page, want) {
			t.Errorf("upload page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
		t.Error("inline script or style on the upload page")
	}
	for _, p := range []string{"/static/upload.js", "/static/vendor/tus-js-client/tus.min.js"} {
		if resp, body := b.get(p); resp.StatusCode != http.StatusOK || len(body) < 1000 {
			t.Errorf("%s: %d, %d bytes", p, resp.StatusCode, len(body))
		}
	}

	photo := read(t, "images/exif_cameras/exiforg_olympus-c960.jpg")
	create := func(csrf string) *http.Response {
		hdr := map[string]string{"Tus-Resumable": "1.0.0", "Upload-Length": strconv.Itoa(len(photo)), "Upload-Metadata": tusMeta("filename", "đêm hội.jpg")}
		if csrf != "" {
			hdr["X-CSRF-Token"] = csrf
		}
		resp, _ := b.api(http.MethodPost, "/api/v1/uploads", "", hdr)
		return resp
	}
	if resp := create(""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST without X-CSRF-Token: %d", resp.StatusCode)
	}
	resp = create(b.csrf)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST with the session: %d", resp.StatusCode)
	}
	loc := resp.Header.Get("Location")
	req, _ := http.NewRequest(http.MethodPatch, f.srv.URL+loc, bytes.NewReader(photo))
	for k, v := range map[string]string{"Tus-Resumable": "1.0.0", "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream", "X-CSRF-Token": b.csrf} {
		req.Header.Set(k, v)
	}
	if resp, body := b.do(req); resp.StatusCode != http.StatusNoContent || !strings.Contains(resp.Header.Get("Upload-Result"), `"status":"new"`) {
		t.Fatalf("PATCH with the session: %d %v %s", resp.StatusCode, resp.Header, body)
	}
	resp, body := b.get(loc + "/result")
	if o := decode[outcome](t, []byte(body)); resp.StatusCode != http.StatusOK || o.Status != "new" || o.Asset == nil || o.Asset.OriginalFileName != "đêm hội.jpg" {
		t.Errorf("result: %d %s", resp.StatusCode, body)
	}
}

// The upload page in a real browser: two files chosen with the file input,
// one photo and one text file named .jpg, end as done (with a link to the
// asset) and refused (with the reason in Vietnamese).
func TestTusUploadPageInBrowser(t *testing.T) {
	f := newTusFixture(t, time.Hour)
	webUser(t, f.fixture, "Báo Đắk Lắk", "phongvien", "Phóng viên", catalog.RoleContributor)
	dir := t.TempDir()
	photo, fake := filepath.Join(dir, "Hồ Lắk.jpg"), filepath.Join(dir, "giả.jpg")
	if err := os.WriteFile(photo, read(t, "images/exif_cameras/exiforg_olympus-c960.jpg"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fake, []byte("Đây không phải là ảnh.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := browsertest.New(t)
	b.Do("login", chromedp.Navigate(f.srv.URL+"/"), chromedp.SendKeys("#login", "phongvien"),
		chromedp.SendKeys("#password", webPassword), chromedp.Submit("#password"),
		chromedp.WaitNotPresent("#password"))
	b.Do("upload page", chromedp.Navigate(f.srv.URL+"/upload"), chromedp.WaitVisible("#upload-drop"),
		chromedp.SetUploadFiles("#upload-files", []string{photo, fake}, chromedp.NodeReady))
	b.Do("results", chromedp.WaitReady(`#upload-queue li[data-state="done"] .upload-result a`),
		chromedp.WaitReady(`#upload-queue li[data-state="refused"]`))
	rows := browsertest.Get(b, "rows", chromedp.Evaluate[[]map[string]string](`Array.from(document.querySelectorAll('#upload-queue li')).map(li => ({
		name: li.dataset.name, state: li.dataset.state, result: li.querySelector('.upload-result').textContent,
		href: (li.querySelector('.upload-result a') || {}).getAttribute ? li.querySelector('.upload-result a').getAttribute('href') : ''}))`))
	batch := browsertest.Get(b, "batch", chromedp.Evaluate[float64](`document.getElementById('upload-batch').value`))
	browsertest.Get(b, "summary", chromedp.Poll[bool](`document.getElementById('upload-live').textContent.indexOf('Xong') === 0`))
	live := browsertest.Get(b, "live", chromedp.Text("#upload-live", chromedp.NodeReady))
	byName := map[string]map[string]string{}
	for _, r := range rows {
		byName[norm.NFC.String(r["name"])] = r
	}
	if r := byName["Hồ Lắk.jpg"]; r == nil || r["state"] != "done" || !strings.HasPrefix(r["href"], "/assets/") {
		t.Errorf("photo row = %v", r)
	}
	if r := byName["giả.jpg"]; r == nil || r["state"] != "refused" || !strings.Contains(r["result"], "không") {
		t.Errorf("text file row = %v", r)
	}
	if batch != 100 {
		t.Errorf("batch progress %v", batch)
	}
	if !strings.Contains(live, "1 tệp mới") || !strings.Contains(live, "1 bị từ chối") {
		t.Errorf("live region: %q", live)
	}
}
