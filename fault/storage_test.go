//go:build linux

package fault

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/quangba/quangba/internal/miniotest"
)

// withMinIO starts MinIO and a quangba installation on it.
func withMinIO(t *testing.T) (env, *miniotest.Server) {
	m := miniotest.Start(t)
	return env{dataDir: t.TempDir(), minio: m}, m
}

// TestStorageDownDuringUpload kills MinIO while a 100 MB multipart upload
// is on its way: the client gets 503 storage_unavailable, nothing is
// catalogued or stored, /readyz is red until MinIO is back, and the same
// upload then succeeds.
func TestStorageDownDuringUpload(t *testing.T) {
	e, m := withMinIO(t)
	tok := e.token(t, "contributor")
	srv := e.serve(t)
	if code := srv.readyz(t); code != http.StatusOK {
		t.Fatalf("/readyz with MinIO up: %d", code)
	}
	data := paddedMP4(t, 100<<20)

	// Send the first half, kill MinIO, send the rest slowly.
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	half := make(chan struct{})
	go func() {
		fw, err := mw.CreateFormFile("file", "Lễ hội cà phê.mp4")
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		mid := len(data) / 2
		if _, err := fw.Write(data[:mid]); err != nil {
			pw.CloseWithError(err)
			return
		}
		close(half)
		time.Sleep(300 * time.Millisecond) // MinIO is being killed
		for off := mid; off < len(data); off += 4 << 20 {
			if _, err := fw.Write(data[off:min(off+4<<20, len(data))]); err != nil {
				pw.CloseWithError(err)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		pw.CloseWithError(mw.Close())
	}()
	type answer struct {
		code int
		body []byte
	}
	answered := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, srv.base+"/api/v1/assets", pr)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := client.Do(req)
		if err != nil {
			answered <- answer{-1, []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, b}
	}()
	select {
	case <-half:
	case a := <-answered:
		t.Fatalf("upload answered before half was sent: %d %s", a.code, a.body)
	case <-time.After(20 * time.Second):
		t.Fatal("half of the upload not sent within 20 s")
	}
	m.Kill()
	t.Log("MinIO killed halfway through the upload")
	var a answer
	select {
	case a = <-answered:
	case <-time.After(40 * time.Second):
		t.Fatal("no answer to the upload within 40 s of MinIO going away")
	}
	checkError(t, "upload with MinIO down", a.code, a.body, http.StatusServiceUnavailable, "storage_unavailable")

	if code := srv.readyz(t); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with MinIO down: %d, want 503", code)
	}
	if got := srv.assets(t, tok); len(got) != 0 {
		t.Errorf("assets after the failed upload: %+v, want none", got)
	}
	if spool, _ := filepath.Glob(filepath.Join(e.dataDir, "tmp", "upload-*")); len(spool) != 0 {
		t.Errorf("spool files left: %v", spool)
	}

	m.Restart(t)
	srv.waitReadyz(t, http.StatusOK, 20*time.Second)
	s3c := s3Client(t, m)
	if got := objects(t, s3c, "originals/"); len(got) != 0 {
		t.Errorf("objects under originals/ after the failed upload: %v, want none", got)
	}

	code, b := srv.upload(t, tok, "Lễ hội cà phê.mp4", data)
	if code != http.StatusCreated {
		t.Fatalf("the same upload after MinIO is back: %d %s, want 201", code, b)
	}
	res := decode[uploadResult](t, b)
	if got := objects(t, s3c, "originals/"); len(got) != 1 {
		t.Errorf("objects under originals/ after the retry: %v, want the one original", got)
	} else {
		for k, size := range got {
			if size != int64(len(data)) || !strings.HasPrefix(k, "originals/") {
				t.Errorf("original %s is %d bytes, want %d", k, size, len(data))
			}
		}
	}
	if got := srv.assets(t, tok); len(got) != 1 || got[0].ID != res.ID {
		t.Errorf("assets after the retry: %+v, want exactly %s", got, res.ID)
	}
}

// TestStorageDownDuringTranscode kills MinIO while a video job runs: the
// attempt fails with a storage error and is retried after a back-off; once
// MinIO is back the job completes and every rendition has its object.
func TestStorageDownDuringTranscode(t *testing.T) {
	e, m := withMinIO(t)
	contributor, curator := e.token(t, "contributor"), e.token(t, "curator")
	clip := testVideo(t, 10)
	srv := e.serve(t)

	code, b := srv.upload(t, contributor, "Buôn Đôn.mp4", clip)
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, b)
	}
	id := decode[uploadResult](t, b).ID

	// Kill MinIO as soon as the job runs.
	var running job
	deadline := time.Now().Add(20 * time.Second)
	for running.ID == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the video job did not start within 20 s: %+v", srv.jobs(t, curator, "asset="+id))
		}
		for _, j := range srv.jobs(t, curator, "asset="+id) {
			switch j.State {
			case "running":
				running = j
			case "done", "failed":
				t.Fatalf("the job ended before MinIO could be killed: %+v", j)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	m.Kill()
	killedAt := time.Now()
	t.Logf("MinIO killed while job %d (%s) runs", running.ID, running.Type)

	// The attempt fails with a storage error and the job waits for a retry.
	var retried job
	for retried.ID == 0 {
		if time.Since(killedAt) > 30*time.Second {
			t.Fatalf("the job did not record a failed attempt within 30 s: %+v", srv.jobs(t, curator, "asset="+id))
		}
		for _, j := range srv.jobs(t, curator, "asset="+id) {
			switch {
			case j.ID != running.ID:
			case j.State == "failed" || j.State == "done":
				t.Fatalf("with MinIO down the job ended %s: %+v", j.State, j)
			case j.State == "queued" && j.Attempts >= 1 && j.LastError != nil:
				retried = j
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	if retried.LastError.Code != "storage_unavailable" || retried.LastError.MessageVi == "" || retried.LastError.MessageEn == "" {
		t.Errorf("failed attempt's error: %+v, want storage_unavailable with both messages", retried.LastError)
	}
	runAfter, err := time.Parse(time.RFC3339Nano, retried.RunAfter)
	if err != nil || !runAfter.After(time.Now()) {
		t.Errorf("the retry is not backed off: run_after %q (%v)", retried.RunAfter, err)
	}
	t.Logf("attempt %d failed: %s (%s); retry at %s", retried.Attempts, retried.LastError.Code, retried.LastError.Detail, retried.RunAfter)
	if a := srv.asset(t, contributor, id); a.Status != "processing" {
		t.Errorf("asset while its job waits for a retry: %q, want processing", a.Status)
	}

	m.Restart(t)
	a := srv.waitAsset(t, contributor, id, "ready", 45*time.Second)
	for _, j := range srv.jobs(t, curator, "asset="+id) {
		if j.ID == running.ID && (j.State != "done" || j.Attempts < 2) {
			t.Errorf("job after MinIO came back: %+v, want done after a second attempt", j)
		}
	}
	checkRenditions(t, s3Client(t, m), a, "poster", "proxy")
}

// checkRenditions checks that the asset has the named renditions and that
// the objects under renditions/<id>/ are exactly its renditions, with the
// recorded sizes (a delivery file may be the original itself).
func checkRenditions(t *testing.T, c *minio.Client, a asset, want ...string) {
	t.Helper()
	objs := objects(t, c, "renditions/"+a.ID+"/")
	byName := map[string]int64{}
	for k, size := range objs {
		name := strings.TrimPrefix(k, "renditions/"+a.ID+"/")
		name = strings.TrimSuffix(name, filepath.Ext(name))
		byName[name] = size
	}
	have := map[string]bool{}
	for _, r := range a.Renditions {
		have[r.Name] = true
		size, ok := byName[r.Name]
		if !ok && r.Name == "delivery" {
			// A delivery-ready original is its own delivery file.
			for _, osize := range objects(t, c, "originals/") {
				if osize == r.Bytes {
					size, ok = osize, true
				}
			}
		}
		switch {
		case !ok:
			t.Errorf("rendition %s has no object (objects: %v)", r.Name, objs)
		case size != r.Bytes:
			t.Errorf("rendition %s: object is %d bytes, catalogue says %d", r.Name, size, r.Bytes)
		}
	}
	for _, n := range want {
		if !have[n] {
			t.Errorf("asset %s lacks rendition %s: %+v", a.ID, n, a.Renditions)
		}
	}
	for n := range byName {
		if !have[n] {
			t.Errorf("orphan object for %q under renditions/%s/ (catalogued: %+v)", n, a.ID, a.Renditions)
		}
	}
	t.Logf("renditions: %d catalogued, %d objects", len(a.Renditions), len(objs))
}

// testVideo makes an H.264/AAC MP4 of secs seconds with ffmpeg.
func testVideo(t *testing.T, secs int) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "clip.mp4")
	d := strconv.Itoa(secs)
	cmd := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=960x540:rate=25:duration="+d,
		"-f", "lavfi", "-i", "sine=frequency=440:duration="+d, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-shortest", "-movflags", "+faststart", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, b)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStorageDownDuringExport kills MinIO while an export's bundle streams
// into the bucket: the export ends failed (409 export_failed), no object
// remains under exports/, and after MinIO is back a new export succeeds.
func TestStorageDownDuringExport(t *testing.T) {
	e, m := withMinIO(t)
	contributor, curator := e.token(t, "contributor"), e.token(t, "curator")
	srv := e.serve(t)
	s3c := s3Client(t, m)

	var ids []string
	total := 0
	for i := range 4 {
		photo := noiseJPEG(t, 6000, 4000, uint64(i))
		total += len(photo)
		code, b := srv.upload(t, contributor, fmt.Sprintf("Hồ Lắk %d.jpg", i), photo)
		if code != http.StatusCreated {
			t.Fatalf("upload %d: %d %s", i, code, b)
		}
		ids = append(ids, decode[uploadResult](t, b).ID)
	}
	t.Logf("package: %d photos, %d MB", len(ids), total>>20)
	for i, id := range ids {
		srv.waitAsset(t, curator, id, "ready", 45*time.Second)
		body := fmt.Sprintf(`{"title": {"vi": "Hồ Lắk %d", "en": "Lak Lake %d"}, "caption": {"vi": "Ảnh Hồ Lắk", "en": "Photo of Lak Lake"},
			"creator": "Nguyễn Văn A", "review": ["title.vi", "title.en", "caption.vi", "caption.en"]}`, i, i)
		if code, b := srv.patchJSON(t, curator, "/api/v1/assets/"+id, body); code != http.StatusOK {
			t.Fatalf("describe %s: %d %s", id, code, b)
		}
		if code, b := srv.postJSON(t, curator, "/api/v1/assets/"+id+"/review", `{"decision": "approve"}`); code != http.StatusOK {
			t.Fatalf("approve %s: %d %s", id, code, b)
		}
	}
	code, b := srv.postJSON(t, curator, "/api/v1/packages", `{"name": {"vi": "Dự thi", "en": "Entries"}, "profile": "happyvietnam-2025"}`)
	if code != http.StatusCreated {
		t.Fatalf("create package: %d %s", code, b)
	}
	pkg := decode[struct {
		ID string `json:"id"`
	}](t, b).ID
	base := "/api/v1/packages/" + pkg
	if code, b := srv.postJSON(t, curator, base+"/assets", `{"asset_ids": ["`+strings.Join(ids, `", "`)+`"]}`); code != http.StatusOK {
		t.Fatalf("add assets: %d %s", code, b)
	}

	// Export 1: kill MinIO once the bundle is streaming (a multipart
	// upload of the bundle has begun and at least one part is stored).
	code, b = srv.postJSON(t, curator, base+"/export", `{"format": "zip", "acknowledge_warnings": true}`)
	if code != http.StatusAccepted {
		t.Fatalf("export: %d %s", code, b)
	}
	// MinIO lists the multipart uploads of one exact key only.
	key1 := "exports/" + pkg + "/1.zip"
	core := minio.Core{Client: s3c}
	streaming := false
	deadline := time.Now().Add(30 * time.Second)
	for i := 0; !streaming && time.Now().Before(deadline); i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		for u := range s3c.ListIncompleteUploads(ctx, bucket, key1, false) {
			if u.Err != nil || u.Key != key1 {
				continue
			}
			// Wait for a part to have reached MinIO: the bundle is flowing.
			parts, err := core.ListObjectParts(ctx, bucket, key1, u.UploadID, 0, 100)
			if err == nil && len(parts.ObjectParts) > 0 {
				streaming = true
			}
		}
		cancel()
		if i%10 == 9 && !streaming {
			if code, _ := srv.get(t, curator, base+"/exports/1"); code != http.StatusAccepted {
				t.Fatalf("export 1 ended (%d) before MinIO could be killed mid-stream", code)
			}
		}
	}
	if !streaming {
		t.Fatal("export 1 did not start streaming into the bucket within 30 s")
	}
	m.Kill()
	t.Log("MinIO killed while the bundle streams")

	var status int
	for deadline := time.Now().Add(45 * time.Second); ; {
		if status, b = srv.get(t, curator, base+"/exports/1"); status != http.StatusAccepted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("export 1 still running 45 s after MinIO went away")
		}
		time.Sleep(200 * time.Millisecond)
	}
	checkError(t, "export 1 with MinIO down", status, b, http.StatusConflict, "export_failed")

	m.Restart(t)
	srv.waitReadyz(t, http.StatusOK, 20*time.Second)
	if got := objects(t, s3c, "exports/"); len(got) != 0 {
		t.Errorf("objects under exports/ after the failed export: %v, want none", got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	incomplete := 0
	for u := range s3c.ListIncompleteUploads(ctx, bucket, key1, false) {
		if u.Err == nil {
			incomplete++
		}
	}
	cancel()
	t.Logf("incomplete multipart uploads left for %s (invisible as objects; MinIO expires them): %d", key1, incomplete)

	code, b = srv.postJSON(t, curator, base+"/export", `{"format": "zip", "acknowledge_warnings": true}`)
	if code != http.StatusAccepted {
		t.Fatalf("export 2: %d %s", code, b)
	}
	for deadline := time.Now().Add(45 * time.Second); ; {
		if status, b = srv.get(t, curator, base+"/exports/2"); status != http.StatusAccepted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("export 2 still running after 45 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status != http.StatusFound {
		t.Fatalf("export 2 after MinIO is back: %d %s, want 302 to the bundle", status, b)
	}
	got := objects(t, s3c, "exports/")
	if len(got) != 1 || got["exports/"+pkg+"/2.zip"] == 0 {
		t.Errorf("objects under exports/: %v, want only exports/%s/2.zip", got, pkg)
	}
	t.Logf("export 2: %d bytes", got["exports/"+pkg+"/2.zip"])
}

// noiseJPEG is a w×h photo of coloured noise: it barely compresses, so the
// file (and the bundle it goes into) is large.
func noiseJPEG(t *testing.T, w, h int, seed uint64) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	for i := 0; i < len(img.Pix); i += 4 {
		v := r.Uint32()
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = byte(v), byte(v>>8), byte(v>>16), 0xff
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestStorageDownCLIIngest runs `quangba ingest` while MinIO is down: it
// exits non-zero with a message in Vietnamese and English.
func TestStorageDownCLIIngest(t *testing.T) {
	e, m := withMinIO(t)
	src := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(src, paddedMP4(t, 2<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	e.token(t, "contributor") // a first run: catalogue and bucket exist
	m.Kill()

	cmd := e.command(t, "ingest", "--org", "Báo Đắk Lắk", src)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	code := -1
	if err == nil {
		code = 0
	} else if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	out := stdout.String() + stderr.String()
	t.Logf("quangba ingest with MinIO down: exit %d after %s\n%s", code, time.Since(start).Round(time.Millisecond), out)
	if code == 0 || code == -1 {
		t.Errorf("exit %d (%v), want a non-zero exit status", code, err)
	}
	if !strings.Contains(out, "Kho lưu trữ") || !strings.Contains(strings.ToLower(out), "storage") {
		t.Errorf("the message is not bilingual (want Vietnamese \"Kho lưu trữ…\" and English \"storage…\"):\n%s", out)
	}

	m.Restart(t)
	b, err := e.command(t, "ingest", "--json", "--org", "Báo Đắk Lắk", src).Output()
	if err != nil || !strings.Contains(string(b), `"status":"new"`) {
		t.Errorf("ingest after MinIO is back: %v\n%s", err, b)
	}
	if got := objects(t, s3Client(t, m), "originals/"); len(got) != 1 {
		t.Errorf("originals after the retry: %v, want one", got)
	}
}
