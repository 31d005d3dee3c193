package api_test

import (
	"bufio"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
)

// Limits on what a client may send. Already proved elsewhere, not repeated
// here: a declared multipart body over the limit gets 413 before it is sent
// (TestDeclaredOversizeRefusedAtOnce), a tus Upload-Length over the limit
// gets a bilingual 413 and over-long metadata 400 (TestTusRefusals), a PNG
// declaring 4.7 billion pixels is refused with too_many_pixels over
// multipart (TestUploadErrors), the probes stop at the header
// (ingest/probe TestPixelLimit, TestImageMemory), an unknown field in a
// PATCH is 400 (openapi_validate_test.go).

// countingReader counts what the client managed to hand to the connection.
type countingReader struct {
	n      atomic.Int64
	prefix []byte // sent first, then zeros
	left   int64
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	k := copy(p, r.prefix)
	r.prefix = r.prefix[k:]
	clear(p[k:])
	r.left -= int64(len(p))
	r.n.Add(int64(len(p)))
	return len(p), nil
}

// TestLimitsUploadBody: over the upload limit, the answer is a bilingual
// 413 file_too_large, whether the size is declared (Content-Length,
// multipart) or only discovered while streaming (chunked), and the server
// stops reading: a client streaming 256 MiB against a 3 MiB limit gets
// its answer long before it has sent everything.
func TestLimitsUploadBody(t *testing.T) {
	f := newFixture(t, localStore(t), func(c *ingest.Config) { c.MaxPhotoBytes, c.MaxVideoBytes = 1<<20, 2<<20 })
	const limit = 3 << 20 // MaxVideoBytes + 1 MiB, as newFixture sets it

	// Declared: the whole answer, before a byte of the body.
	conn, err := net.Dial("tcp", strings.TrimPrefix(f.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/assets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n", f.contribA, limit+1)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the body was sent: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	if e := decode[errorBody](t, b); resp.StatusCode != http.StatusRequestEntityTooLarge || e.Error.Code != ingest.CodeTooLarge || e.Error.MessageVi == "" || e.Error.MessageEn == "" {
		t.Errorf("declared oversize: %d %s", resp.StatusCode, b)
	}

	// Streamed without a length: cut off at the limit.
	body := &countingReader{prefix: read(t, "images/orientation/recurser_Landscape_1.jpg"), left: 256 << 20}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		fw, _ := mw.CreateFormFile("file", "ảnh rất lớn.jpg")
		_, err := io.Copy(fw, body)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/api/v1/assets?lang=en", pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.ContentLength = -1
	resp, b = f.do(t, req, f.contribA, nil)
	pr.CloseWithError(io.ErrClosedPipe)
	if e := decode[errorBody](t, b); resp.StatusCode != http.StatusRequestEntityTooLarge || e.Error.Code != ingest.CodeTooLarge || e.Error.MessageVi == "" || e.Error.MessageEn == "" || e.Error.Message != e.Error.MessageEn {
		t.Errorf("streamed oversize: %d %s", resp.StatusCode, b)
	}
	t.Logf("the client sent %d KiB of 256 MiB", body.n.Load()>>10)
	if sent := body.n.Load(); sent > 64<<20 {
		t.Errorf("the server read on: the client sent %d MiB against a 3 MiB limit", sent>>20)
	}
	if resp, b := f.get(t, f.cu, "/api/v1/assets"); !strings.Contains(string(b), `"items":[]`) {
		t.Errorf("something was catalogued: %d %s", resp.StatusCode, b)
	}
}

// TestLimitsTusBody: tus cannot be used to slip past the limit: a PATCH
// carrying more than the declared length is refused and nothing is
// catalogued; a deferred length (Upload-Defer-Length) is refused or capped
// at the same limit; a decompression bomb sent over tus is refused with
// too_many_pixels like over multipart.
func TestLimitsTusBody(t *testing.T) {
	f := newTusFixture(t, 0)

	// More bytes than declared.
	loc := f.create(t, f.contribA, "ảnh.jpg", 10)
	resp, b := f.tus(t, http.MethodPatch, loc, f.contribA, map[string]string{"Upload-Offset": "0"}, make([]byte, 1<<20))
	t.Logf("PATCH past Upload-Length: %d %s", resp.StatusCode, b)
	if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Errorf("PATCH past Upload-Length: %d %s", resp.StatusCode, b)
	}
	if off := f.head(t, f.contribA, loc); off > 10 {
		t.Errorf("offset %d after a PATCH past Upload-Length 10", off)
	}

	// A deferred length is refused, or it cannot be declared over the limit later.
	resp, b = f.tus(t, http.MethodPost, "/api/v1/uploads", f.contribA,
		map[string]string{"Upload-Defer-Length": "1", "Upload-Metadata": tusMeta("filename", "không rõ cỡ.mp4")}, nil)
	t.Logf("Upload-Defer-Length: %d %s", resp.StatusCode, b)
	if resp.StatusCode == http.StatusCreated {
		loc := resp.Header.Get("Location")
		resp, b = f.tus(t, http.MethodPatch, loc, f.contribA,
			map[string]string{"Upload-Offset": "0", "Upload-Length": strconv.FormatInt(f.limit+1, 10)}, []byte("x"))
		t.Logf("declaring the length over the limit: %d %s", resp.StatusCode, b)
		if resp.StatusCode != http.StatusRequestEntityTooLarge && (resp.StatusCode < 400 || resp.StatusCode >= 500) {
			t.Errorf("deferred length declared over the limit: %d %s", resp.StatusCode, b)
		}
		// The same request with a length within the limit goes through:
		// the refusal above was the limit, not the form of the request.
		resp, b = f.tus(t, http.MethodPatch, loc, f.contribA, map[string]string{"Upload-Offset": "0", "Upload-Length": "2"}, []byte("x"))
		if resp.StatusCode != http.StatusNoContent {
			t.Errorf("deferred length declared within the limit: %d %s", resp.StatusCode, b)
		}
	} else if resp.StatusCode < 400 || resp.StatusCode >= 500 {
		t.Errorf("deferred length: %d %s", resp.StatusCode, b)
	}

	// A bomb over tus.
	_, hr := f.upload(t, f.contribA, "bom.png", read(t, "malformed/imagetestsuite/png_bomb_309x15403836_817f9655.png"))
	if hr.Status != "refused" || hr.Error == nil || hr.Error.Code != ingest.CodeTooManyPixels || hr.Error.MessageVi == "" || hr.Error.MessageEn == "" {
		t.Errorf("bomb over tus: %+v", hr)
	}
	if resp, b := f.get(t, f.contribA, "/api/v1/assets"); !strings.Contains(string(b), `"items":[]`) {
		t.Errorf("something was catalogued: %d %s", resp.StatusCode, b)
	}
}

// TestLimitsPixels: the pixel limit is the configured one, checked from the
// header for every photo format before anything is decoded: a JPEG whose
// header declares huge dimensions, and an ordinary photo over a lowered
// limit, are refused with too_many_pixels (422) in both languages.
func TestLimitsPixels(t *testing.T) {
	f := newFixture(t, localStore(t), func(c *ingest.Config) { c.MaxPixels = 1_000_000 })
	for _, c := range []struct{ name, file string }{
		{"huge-dims.jpg", "malformed/imagetestsuite/jpeg_huge_dims_8e5e74db.jpg"},
		{"lớn.jpg", "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg"},
	} {
		resp, b := f.upload(t, f.contribA, c.name, read(t, c.file), nil, nil)
		if e := decode[errorBody](t, b); resp.StatusCode != http.StatusUnprocessableEntity || e.Error.Code != ingest.CodeTooManyPixels || e.Error.MessageVi == "" || e.Error.MessageEn == "" {
			t.Errorf("%s: %d %s", c.file, resp.StatusCode, b)
		}
	}
}

// TestLimitsJSONBodies: every endpoint that reads JSON refuses a body over
// its limit (1 MiB; 4 KiB for cuts) and a body with a field it does not
// know, with a bilingual 400 bad_request, and changes nothing.
func TestLimitsJSONBodies(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	a := f.uploadNamed(t, f.contribA, "hồ.jpg", "images/orientation/recurser_Landscape_1.jpg")
	resp, b := f.post(t, f.cu, "/api/v1/packages", `{"name": {"vi": "Gói thử", "en": "Test"}, "profile": "vietnamvn"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("package: %d %s", resp.StatusCode, b)
	}
	pkg := decode[struct {
		ID string `json:"id"`
	}](t, b).ID
	if pkg == "" {
		t.Fatalf("package without an id: %s", b)
	}
	routes := []struct{ method, path string }{
		{http.MethodPatch, "/api/v1/assets/" + a.ID},
		{http.MethodPost, "/api/v1/assets/metadata"},
		{http.MethodPost, "/api/v1/assets/" + a.ID + "/review"},
		{http.MethodPut, "/api/v1/assets/" + a.ID + "/themes"},
		{http.MethodPost, "/api/v1/assets/" + a.ID + "/cuts"},
		{http.MethodPost, "/api/v1/packages"},
		{http.MethodPatch, "/api/v1/packages/" + pkg},
		{http.MethodPost, "/api/v1/packages/" + pkg + "/assets"},
		{http.MethodPost, "/api/v1/packages/" + pkg + "/export"},
		{http.MethodPost, "/api/v1/packages/" + pkg + "/submissions"},
		{http.MethodPost, "/api/v1/me/tokens"},
	}
	huge := `{"title": {"vi": "` + strings.Repeat("Đắk Lắk ", (2<<20)/10) + `"}}`
	for _, r := range routes {
		for what, body := range map[string]string{"over the limit": huge, "unknown field": `{"colour": "đỏ"}`} {
			req, _ := http.NewRequest(r.method, f.srv.URL+r.path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			resp, b := f.do(t, req, f.cu, nil)
			e := decode[errorBody](t, b)
			if (resp.StatusCode != http.StatusBadRequest && resp.StatusCode != http.StatusRequestEntityTooLarge) ||
				e.Error.Code != ingest.CodeBadRequest || e.Error.MessageVi == "" || e.Error.MessageEn == "" {
				t.Errorf("%s %s, %s: %d %.300s", r.method, r.path, what, resp.StatusCode, b)
			}
		}
	}
	resp, b = f.get(t, f.cu, "/api/v1/assets/"+a.ID)
	if strings.Contains(string(b), "Đắk Lắk Đắk Lắk") {
		t.Errorf("a refused body changed the asset: %.300s", b)
	}
	resp, b = f.get(t, f.cu, "/api/v1/packages")
	if n := strings.Count(string(b), `"profile"`); n != 1 {
		t.Errorf("%d packages after refused bodies, want 1: %.500s", n, b)
	}
}

// TestLimitsLoginThrottleByAddress: the per-address login limit (20 wrong
// passwords in 15 minutes) holds across different logins and cannot be
// dodged with X-Forwarded-For or X-Real-IP: the server trusts no proxy
// header for the client's address. (The per-login limit of 5 is
// TestWebThrottle.)
func TestLimitsLoginThrottleByAddress(t *testing.T) {
	f := newFixture(t, localStore(t), nil)
	webUser(t, f, "Báo Đắk Lắk", "lan.anh", "Lan Anh", catalog.RoleContributor)
	b := newBrowser(t, f)
	b.get("/")
	attempt := func(i int, login, password string) *http.Response {
		form := url.Values{"login": {login}, "password": {password}, "csrf": {b.csrf}}
		req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d", i))
		req.Header.Set("X-Real-IP", fmt.Sprintf("198.51.100.%d", i))
		resp, _ := b.do(req)
		return resp
	}
	for i := 1; i <= 20; i++ {
		if resp := attempt(i, fmt.Sprintf("khach.%d", i), "đoán bừa"); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong login %d: %d", i, resp.StatusCode)
		}
	}
	if resp := attempt(99, "lan.anh", webPassword); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("21st login from the same address with another X-Forwarded-For: %d, want 429 with Retry-After", resp.StatusCode)
	}
}
