package api

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/internal/testenv"
)

// TestUploadsPerUserLimit: while one user's upload is still streaming, a
// second one from the same user is refused with 429 and Retry-After when
// the limit is one; another user is not held back, and once the first
// upload ends the user can upload again.
func TestUploadsPerUserLimit(t *testing.T) {
	store := testenv.LocalStore(t)
	te := testenv.New(t, store, nil)
	s := New(Config{UploadsPerUser: 1, MaxUploadBytes: 1 << 30}, te.DB, te.Ingest, nil, nil, store, slog.New(slog.NewTextHandler(io.Discard, nil)))
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	tok := func(org string) string {
		nt, err := te.DB.CreateToken(context.Background(), org, "", catalog.RoleContributor)
		if err != nil {
			t.Fatal(err)
		}
		return nt.Secret
	}
	a, b := tok("Báo Đắk Lắk"), tok("Đài PT-TH")
	photo, err := os.ReadFile("../testdata/media/images/exif_cameras/ianare_Canon_PowerShot_S40.jpg")
	if err != nil {
		t.Fatal(err)
	}
	upload := func(token string, body io.Reader, ctype string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/v1/assets", body)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", ctype)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	form := func(name string, data []byte) (*bytes.Buffer, string) {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		return &buf, mw.FormDataContentType()
	}

	// A's first upload streams slowly through a pipe and holds its slot.
	pr, pw := io.Pipe()
	slow, ctype := form("chậm.jpg", photo)
	first := make(chan *http.Response, 1)
	go func() { first <- upload(a, pr, ctype) }()
	pw.Write(slow.Bytes()[:1024])
	deadline := time.Now().Add(10 * time.Second)
	for !s.uploads.anyBusy() && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}

	body, ct := form("thứ hai.jpg", append(bytes.Clone(photo), 'x'))
	resp := upload(a, body, ct)
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("second upload of the same user: %d, Retry-After %q; want 429", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	body, ct = form("của B.jpg", append(bytes.Clone(photo), 'y'))
	if resp := upload(b, body, ct); resp.StatusCode != http.StatusCreated {
		t.Errorf("another user's upload: %d, want 201", resp.StatusCode)
	}

	pw.Write(slow.Bytes()[1024:])
	pw.Close()
	if resp := <-first; resp.StatusCode != http.StatusCreated {
		t.Fatalf("the slow upload: %d", resp.StatusCode)
	}
	body, ct = form("thứ hai.jpg", append(bytes.Clone(photo), 'x'))
	if resp := upload(a, body, ct); resp.StatusCode != http.StatusCreated {
		t.Errorf("after the first finished: %d, want 201", resp.StatusCode)
	}
	if s.uploads.anyBusy() {
		t.Error("a slot was not given back")
	}
}
