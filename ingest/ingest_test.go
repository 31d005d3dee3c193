package ingest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/internal/miniotest"
	"github.com/quangba/quangba/internal/testenv"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/s3"
)

const media = "../testdata/media/"

type env struct {
	svc   *ingest.Service
	db    *catalog.DB
	store storage.Store
	spool string
	org   catalog.Org
}

func newEnv(t *testing.T, store storage.Store, tune func(*ingest.Config)) *env {
	t.Helper()
	te := testenv.New(t, store, tune)
	return &env{svc: te.Ingest, db: te.DB, store: store, spool: te.Spool, org: te.Org(t, "Báo Đắk Lắk")}
}

func localStore(t *testing.T) storage.Store { return testenv.LocalStore(t) }

func minioStore(t *testing.T, srv *miniotest.Server) *s3.Store { return testenv.MinIOStore(t, srv) }

// backends runs fn against the local store and a real MinIO server.
func backends(t *testing.T, fn func(t *testing.T, store storage.Store)) { testenv.Backends(t, fn) }

// assertNothingLeft checks that no row, no object and no spool file remain.
func (e *env) assertNothingLeft(t *testing.T, wantAssets int) {
	t.Helper()
	ctx := context.Background()
	assets, _, err := e.db.ListAssets(ctx, catalog.ListQuery{Limit: 500})
	if err != nil || len(assets) != wantAssets {
		t.Errorf("catalogue has %d assets (%v), want %d", len(assets), err, wantAssets)
	}
	objects := 0
	e.store.List(ctx, "", func(storage.Info) error { objects++; return nil })
	if objects != wantAssets {
		t.Errorf("store has %d objects, want %d", objects, wantAssets)
	}
	left, _ := os.ReadDir(e.spool)
	if len(left) != 0 {
		t.Errorf("spool folder keeps %d files", len(left))
	}
}

func TestIngestRealFiles(t *testing.T) {
	cases := []struct {
		path          string
		kind, format  string
		width, height int
		gps, audio    bool
		rotation      int
		make          string
	}{
		{path: "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg", kind: "photo", format: "jpeg", width: 4032, height: 3024, gps: true, make: "samsung"},
		{path: "images/gps/ianare_gps_DSCN0025.jpg", kind: "photo", format: "jpeg", width: 640, height: 480, gps: true, make: "NIKON"},
		{path: "images/exif_cameras/ianare_Canon_PowerShot_S40.jpg", kind: "photo", format: "jpeg", width: 480, height: 360, make: "Canon"},
		{path: "images/heic/exiv2_iphoneXR_2021-02-13-1929.heic", kind: "photo", format: "heic", width: 4032, height: 3024, gps: true, make: "Apple"},
		{path: "images/formats/pngsuite_basn6a16.png", kind: "photo", format: "png", width: 32, height: 32},
		{path: "images/tiff/ianare_Jobagent.tiff", kind: "photo", format: "tiff"},
		{path: "images/formats/pillow_iss634_animated.webp", kind: "photo", format: "webp"},
		{path: "video/mde_iphone_with-gps_rot90.mov", kind: "clip", format: "mov", width: 568, height: 320, gps: true, audio: true, rotation: 90, make: "Apple"},
		{path: "video/mp4ff_hevc_1080p50_noaudio.mp4", kind: "clip", format: "mp4", width: 1920, height: 1080},
		{path: "video/mde_Sony_A7M3_1080p50.mts", kind: "clip", format: "mts", width: 1920, height: 1080, audio: true},
		{path: "video/generated/generated_vp9_opus_160x120.webm", kind: "clip", format: "webm", width: 160, height: 120, audio: true},
	}
	backends(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)
		ctx := context.Background()
		for _, c := range cases {
			res, err := e.svc.IngestFile(ctx, ingest.Request{Org: e.org}, media+c.path)
			if err != nil {
				t.Errorf("%s: %v", c.path, err)
				continue
			}
			a := res.Asset
			if res.Duplicate || a.Kind != c.kind || a.Format != c.format || (c.width != 0 && (a.Width != c.width || a.Height != c.height)) ||
				(a.GPS != nil) != c.gps || (c.kind != "photo" && a.HasAudio != c.audio) || a.Rotation != c.rotation ||
				(c.make != "" && !strings.EqualFold(a.CameraMake, c.make)) {
				t.Errorf("%s: got kind=%s format=%s %dx%d gps=%v audio=%v rot=%d make=%q dup=%v",
					c.path, a.Kind, a.Format, a.Width, a.Height, a.GPS != nil, a.HasAudio, a.Rotation, a.CameraMake, res.Duplicate)
			}
			if a.Width == 0 || a.Height == 0 {
				t.Errorf("%s: no dimensions", c.path)
			}
			checkStored(t, e, a, media+c.path)
		}
		e.assertNothingLeft(t, len(cases))
	})
}

// checkStored verifies the original is stored content-addressed, byte for byte.
func checkStored(t *testing.T, e *env, a catalog.Asset, path string) {
	t.Helper()
	want, _ := os.ReadFile(path)
	rc, info, err := e.store.Open(context.Background(), storage.OriginalKey(a.SHA256))
	if err != nil {
		t.Errorf("%s: stored original: %v", path, err)
		return
	}
	defer rc.Close()
	got, _ := io.ReadAll(rc)
	if !bytes.Equal(got, want) || info.Size != int64(len(want)) || a.ByteSize != int64(len(want)) {
		t.Errorf("%s: stored %d bytes, want the %d bytes of the file", path, len(got), len(want))
	}
}

func TestCameraTimeIsVietnamWallClock(t *testing.T) {
	e := newEnv(t, localStore(t), nil)
	ctx := context.Background()
	res, err := e.svc.IngestFile(ctx, ingest.Request{Org: e.org}, media+"images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	if err != nil || res.Asset.CapturedAt == nil {
		t.Fatalf("%v, captured %v", err, res.Asset.CapturedAt)
	}
	// DateTimeOriginal 2017:02:09 19:51:38 with no offset → 19:51:38 at UTC+7.
	if got := res.Asset.CapturedAt.UTC().Format(time.RFC3339); got != "2017-02-09T12:51:38Z" {
		t.Errorf("captured at %s, want 2017-02-09T12:51:38Z", got)
	}
	res, err = e.svc.IngestFile(ctx, ingest.Request{Org: e.org}, media+"images/heic/exiv2_iphoneXR_2021-02-13-1929.heic")
	if err != nil || res.Asset.CapturedAt == nil || res.Asset.CapturedAt.UTC().Format(time.RFC3339) != "2021-02-13T17:03:31Z" {
		t.Errorf("time with its own offset (-06:00) changed: %v, %v", res.Asset.CapturedAt, err)
	}
}

func TestDuplicateGivesSameAsset(t *testing.T) {
	backends(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)
		ctx := context.Background()
		path := media + "images/gps/mde_HTC_Desire.jpg"
		first, err := e.svc.IngestFile(ctx, ingest.Request{Org: e.org}, path)
		if err != nil || first.Duplicate {
			t.Fatalf("first ingest: %+v, %v", first, err)
		}
		f, _ := os.Open(path)
		defer f.Close()
		second, err := e.svc.Ingest(ctx, ingest.Request{Org: e.org, FileName: "copy of it.jpg"}, f)
		if err != nil || !second.Duplicate || second.Asset.ID != first.Asset.ID {
			t.Fatalf("second ingest: dup=%v id=%s (first %s), %v", second.Duplicate, second.Asset.ID, first.Asset.ID, err)
		}
		e.assertNothingLeft(t, 1)
	})
}

func TestConcurrentSameBytesCatalogueOnce(t *testing.T) {
	e := newEnv(t, localStore(t), nil)
	data, _ := os.ReadFile(media + "images/gps/ianare_gps_DSCN0025.jpg")
	var wg sync.WaitGroup
	var mu sync.Mutex
	news, dups := 0, 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.svc.Ingest(context.Background(), ingest.Request{Org: e.org, FileName: "x.jpg"}, bytes.NewReader(data))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				t.Error(err)
			case res.Duplicate:
				dups++
			default:
				news++
			}
		}()
	}
	wg.Wait()
	if news != 1 || dups != 7 {
		t.Errorf("new=%d duplicate=%d, want 1 and 7", news, dups)
	}
	e.assertNothingLeft(t, 1)
}

// validDespiteName are samples of the malformed folder whose damage is
// only in metadata (XMP, ICC, IPTC): the pixels decode cleanly in Go and
// ffmpeg, so refusing them would refuse good photos.
var validDespiteName = map[string]bool{
	"issue_1918_poc1.jpg": true, "issue_1934_poc4.jpg": true,
	"ianare_invalid_image01551.jpg": true, "pillow_icc-after-SOF.jpg": true,
}

// TestMalformedRefused feeds every file of testdata/media/malformed through
// both entry points and expects a specific refusal and no leftovers.
func TestMalformedRefused(t *testing.T) {
	var files []string
	filepath.WalkDir(media+"malformed", func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if len(files) < 38 {
		t.Fatalf("found %d malformed samples, want the whole folder", len(files))
	}
	refusals := map[string]bool{ingest.CodeEmpty: true, ingest.CodeUnsupported: true, ingest.CodeCorrupt: true, ingest.CodeTooManyPixels: true}
	e := newEnv(t, localStore(t), nil)
	ctx := context.Background()
	for _, p := range files {
		_, err := e.svc.IngestFile(ctx, ingest.Request{Org: e.org}, p)
		if validDespiteName[filepath.Base(p)] {
			if err != nil {
				t.Errorf("%s: %v, want accepted (only its metadata is damaged)", p, err)
			}
			continue
		}
		checkRefusal(t, p, err, refusals)
		f, _ := os.Open(p)
		_, err = e.svc.Ingest(ctx, ingest.Request{Org: e.org, FileName: filepath.Base(p)}, f)
		f.Close()
		checkRefusal(t, p+" (stream)", err, refusals)
	}
	e.assertNothingLeft(t, len(validDespiteName))
}

func checkRefusal(t *testing.T, name string, err error, codes map[string]bool) {
	t.Helper()
	var ie *ingest.Error
	if !errors.As(err, &ie) || !codes[ie.Code] {
		t.Errorf("%s: got %v, want a refusal with a specific code", name, err)
		return
	}
	if ie.Vi == "" || ie.En == "" || ie.Vi == ie.En {
		t.Errorf("%s: message not in both languages: %q / %q", name, ie.Vi, ie.En)
	}
}

func TestRefusals(t *testing.T) {
	ctx := context.Background()
	jpeg, _ := os.ReadFile(media + "images/gps/ianare_gps_DSCN0025.jpg")
	cases := []struct {
		name string
		tune func(*ingest.Config)
		req  ingest.Request
		body []byte
		code string
	}{
		{name: "empty", body: nil, code: ingest.CodeEmpty},
		{name: "text named jpg", req: ingest.Request{FileName: "anh.jpg"}, body: []byte("Xin chào, đây không phải ảnh.\n"), code: ingest.CodeUnsupported},
		{name: "exe named jpg", req: ingest.Request{FileName: "anh.jpg"}, body: append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 600)...), code: ingest.CodeUnsupported},
		{name: "truncated jpeg", body: jpeg[:len(jpeg)/2], code: ingest.CodeCorrupt},
		{name: "photo over size limit", tune: func(c *ingest.Config) { c.MaxPhotoBytes = 10_000 }, body: jpeg, code: ingest.CodeTooLarge},
		{name: "pixels over limit", tune: func(c *ingest.Config) { c.MaxPixels = 1000 }, body: jpeg, code: ingest.CodeTooManyPixels},
		{name: "photo sent as clip", req: ingest.Request{Kind: "clip"}, body: jpeg, code: ingest.CodeKindMismatch},
		{name: "unknown kind", req: ingest.Request{Kind: "poster"}, body: jpeg, code: ingest.CodeBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, localStore(t), c.tune)
			c.req.Org = e.org
			_, err := e.svc.Ingest(ctx, c.req, bytes.NewReader(c.body))
			var ie *ingest.Error
			if !errors.As(err, &ie) || ie.Code != c.code {
				t.Fatalf("got %v, want code %s", err, c.code)
			}
			e.assertNothingLeft(t, 0)
		})
	}
}

func TestExtensionMismatchIsAWarning(t *testing.T) {
	e := newEnv(t, localStore(t), nil)
	f, _ := os.Open(media + "images/formats/pngsuite_basn6a16.png")
	defer f.Close()
	res, err := e.svc.Ingest(context.Background(), ingest.Request{Org: e.org, FileName: "ảnh.jpg"}, f)
	if err != nil {
		t.Fatal(err)
	}
	if res.Asset.Format != "png" || len(res.Asset.Warnings) == 0 || !strings.Contains(res.Asset.Warnings[0], ".jpg") {
		t.Errorf("format %s warnings %q; want png with an extension warning", res.Asset.Format, res.Asset.Warnings)
	}
}

// failingReader returns data and then fails, like a client that drops.
type failingReader struct {
	r io.Reader
	n int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("connection reset by peer")
	}
	p = p[:min(len(p), f.n)]
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

func TestInterruptedUploadLeavesNothing(t *testing.T) {
	e := newEnv(t, localStore(t), nil)
	data, _ := os.ReadFile(media + "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	_, err := e.svc.Ingest(context.Background(), ingest.Request{Org: e.org}, &failingReader{r: bytes.NewReader(data), n: len(data) / 3})
	var ie *ingest.Error
	if !errors.As(err, &ie) || ie.Code != ingest.CodeInterrupted {
		t.Fatalf("got %v, want %s", err, ingest.CodeInterrupted)
	}
	e.assertNothingLeft(t, 0)
}

func TestStorageDownThenRetry(t *testing.T) {
	srv := miniotest.Start(t)
	e := newEnv(t, minioStore(t, srv), nil)
	ctx := context.Background()
	path := media + "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg"
	srv.Stop()
	_, err := e.svc.IngestFile(ctx, ingest.Request{Org: e.org}, path)
	var ie *ingest.Error
	if !errors.As(err, &ie) || ie.Code != ingest.CodeStorage {
		t.Fatalf("with storage down: %v, want %s", err, ingest.CodeStorage)
	}
	if assets, _, _ := e.db.ListAssets(ctx, catalog.ListQuery{}); len(assets) != 0 {
		t.Fatalf("a row was written while storage was down")
	}
	srv.Restart(t)
	res, err := e.svc.IngestFile(ctx, ingest.Request{Org: e.org}, path)
	if err != nil || res.Duplicate {
		t.Fatalf("retry: %+v, %v", res, err)
	}
	e.assertNothingLeft(t, 1)
}

func TestSanitizeName(t *testing.T) {
	nfd := "Ho\u0302\u0300 La\u0306\u0301k.jpg" // "Hồ Lắk.jpg" decomposed, as macOS sends it
	cases := []struct{ in, display, safe string }{
		{nfd, "Hồ Lắk.jpg", "Hồ Lắk.jpg"},
		{"../../etc/passwd", "passwd", "passwd"},
		{`C:\Users\An\Desktop\Gành Đá Đĩa.JPG`, "Gành Đá Đĩa.JPG", "Gành Đá Đĩa.JPG"},
		{"a<b>c:d|e?.png", "a<b>c:d|e?.png", "a_b_c_d_e_.png"},
		{"-rf .jpg", "-rf .jpg", "rf .jpg"},
		{"evil\u202egpj.exe", "evilgpj.exe", "evilgpj.exe"},
		{"\x00\x01", "", "file"},
		{"...", "...", "file"},
		{"bad\xffname.jpg", "bad\uFFFDname.jpg", "bad_name.jpg"},
	}
	for _, c := range cases {
		if got := ingest.DisplayName(c.in); got != c.display {
			t.Errorf("DisplayName(%q) = %q, want %q", c.in, got, c.display)
		}
		if got := ingest.SanitizeName(c.in); got != c.safe {
			t.Errorf("SanitizeName(%q) = %q, want %q", c.in, got, c.safe)
		}
	}
	long := strings.Repeat("Đắk Lắk ", 60) + ".jpeg"
	if got := ingest.SanitizeName(long); len(got) > 200 || !strings.HasSuffix(got, ".jpeg") || !utf8Valid(got) {
		t.Errorf("long name → %q (%d bytes)", got, len(got))
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "") == s }

func TestStaleSpoolFilesRemovedAtStart(t *testing.T) {
	spool := t.TempDir()
	old, fresh := filepath.Join(spool, "upload-1"), filepath.Join(spool, "upload-2")
	os.WriteFile(old, []byte("left by a killed process"), 0o600)
	os.WriteFile(fresh, []byte("another process is writing this"), 0o600)
	two := time.Now().Add(-48 * time.Hour)
	os.Chtimes(old, two, two)
	newEnv(t, localStore(t), func(c *ingest.Config) { c.SpoolDir = spool })
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale spool file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh spool file removed: %v", err)
	}
}

// TestMemoryDoesNotGrowWithFileSize streams a 96 MiB video through the
// HTTP-style path and checks that the bytes are never held in memory.
func TestMemoryDoesNotGrowWithFileSize(t *testing.T) {
	video := filepath.Join(t.TempDir(), "raw.mkv")
	gen := exec.Command("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
		"-frames:v", "70", "-c:v", "rawvideo", "-pix_fmt", "yuv420p", video)
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg (installed by make test): %v\n%s", err, out)
	}
	st, _ := os.Stat(video)
	e := newEnv(t, localStore(t), nil)
	f, _ := os.Open(video)
	defer f.Close()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	res, err := e.svc.Ingest(context.Background(), ingest.Request{Org: e.org, FileName: "raw.mkv"}, struct{ io.Reader }{f})
	runtime.ReadMemStats(&after)
	if err != nil || res.Asset.Format != "mkv" {
		t.Fatalf("ingest: %+v, %v", res.Asset, err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(st.Size())/8 {
		t.Errorf("ingesting %d MB allocated %d MB; memory must not grow with the file", st.Size()>>20, alloc>>20)
	}
}
