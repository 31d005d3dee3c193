package transcode_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/jpeg"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/ingest"
	"github.com/quangba/quangba/internal/testenv"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/transcode"
)

const media = "../testdata/media/"

type env struct {
	t     *testing.T
	db    *catalog.DB
	store storage.Store
	in    *ingest.Service
	svc   *transcode.Service
	cfg   transcode.Config
	org   catalog.Org
}

func newEnv(t *testing.T, store storage.Store, tune func(*transcode.Config)) *env {
	t.Helper()
	te := testenv.New(t, store, nil)
	cfg := transcode.DefaultConfig()
	cfg.WorkDir = filepath.Join(te.Dir, "work")
	cfg.BackoffBase, cfg.BackoffMax = time.Millisecond, time.Millisecond
	if tune != nil {
		tune(&cfg)
	}
	svc, err := transcode.New(cfg, transcode.CatalogQueue{DB: te.DB}, te.DB, store, te.Ingest,
		transcode.NewSubtitles(transcode.SubtitleConfig{}, te.DB, store), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: te.DB, store: store, in: te.Ingest, svc: svc, cfg: cfg, org: te.Org(t, "Sở VHTTDL Đắk Lắk")}
}

func localStore(t *testing.T) storage.Store { return testenv.LocalStore(t) }

func (e *env) ingest(path string) catalog.Asset {
	e.t.Helper()
	res, err := e.in.IngestFile(context.Background(), ingest.Request{FileName: filepath.Base(path), Org: e.org}, path)
	if err != nil {
		e.t.Fatalf("ingest %s: %v", path, err)
	}
	if res.Asset.Status != catalog.StatusProcessing {
		e.t.Fatalf("new asset status = %q; want processing", res.Asset.Status)
	}
	return res.Asset
}

// drain runs queued jobs until none is left.
func (e *env) drain() {
	e.t.Helper()
	for i := 0; i < 20; i++ {
		ran, err := e.svc.RunOnce(context.Background())
		if err != nil {
			e.t.Fatalf("run job: %v", err)
		}
		if !ran {
			return
		}
	}
	e.t.Fatal("jobs keep coming")
}

func (e *env) asset(id string) catalog.Asset {
	e.t.Helper()
	a, err := e.db.Asset(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// renditions returns the asset's rendition files by name.
func (e *env) renditions(id string) map[string]catalog.File {
	e.t.Helper()
	files, err := e.db.Files(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	out := map[string]catalog.File{}
	for _, f := range files {
		if f.Role == "rendition" {
			out[f.Name] = f
		}
	}
	return out
}

// objects lists the stored keys under the asset's rendition prefix.
func (e *env) objects(id string) []string {
	e.t.Helper()
	var keys []string
	err := e.store.List(context.Background(), "renditions/"+id+"/", func(i storage.Info) error {
		keys = append(keys, i.Key)
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return keys
}

func (e *env) read(key string) []byte {
	e.t.Helper()
	r, _, err := e.store.Open(context.Background(), key)
	if err != nil {
		e.t.Fatal(err)
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		e.t.Fatal(err)
	}
	return b
}

// checkNoOrphans: every object under the asset's prefix is recorded.
func (e *env) checkNoOrphans(id string) {
	e.t.Helper()
	recorded := map[string]bool{}
	for _, f := range e.renditions(id) {
		recorded[f.StorageKey] = true
	}
	for _, k := range e.objects(id) {
		if !recorded[k] {
			e.t.Errorf("orphan object %s", k)
		}
	}
}

func TestPhotoJobMakesUprightRenditions(t *testing.T) {
	backends(t, func(t *testing.T, store storage.Store) {
		e := newEnv(t, store, nil)
		a := e.ingest(media + "images/orientation/recurser_Portrait_5.jpg") // stored landscape, shown portrait
		e.drain()
		got := e.asset(a.ID)
		if got.Status != catalog.StatusReady || got.ProcessingError != "" {
			t.Fatalf("asset = %q %q; want ready", got.Status, got.ProcessingError)
		}
		rs := e.renditions(a.ID)
		if len(rs) != 3 {
			t.Fatalf("renditions = %v; want thumb, preview, web", rs)
		}
		for name, long := range map[string]int{"thumb": 320, "preview": 1280, "web": 2048} {
			f := rs[name]
			img, err := jpeg.DecodeConfig(bytes.NewReader(e.read(f.StorageKey)))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			wantLong := min(long, max(a.Width, a.Height))
			if img.Height != wantLong || img.Width >= img.Height || f.Width != img.Width || f.Height != img.Height {
				t.Errorf("%s: stored %dx%d, recorded %dx%d; want portrait, long edge %d", name, img.Width, img.Height, f.Width, f.Height, wantLong)
			}
			if f.StorageKey != storage.RenditionKey(a.ID, name, "jpg") || f.ByteSize == 0 || len(f.SHA256) != 64 {
				t.Errorf("%s recorded as %+v", name, f)
			}
		}
		e.checkNoOrphans(a.ID)
		jobs, _, _ := e.db.ListJobs(context.Background(), catalog.JobQuery{AssetID: a.ID})
		if len(jobs) != 1 || jobs[0].State != catalog.JobDone || jobs[0].Attempts != 1 {
			t.Errorf("jobs = %+v", jobs)
		}
	})
}

func backends(t *testing.T, fn func(t *testing.T, store storage.Store)) { testenv.Backends(t, fn) }

// insertCorrupt catalogues an asset whose stored original is damaged, as
// if the bytes rotted after ingest.
func (e *env) insertCorrupt(kind, format, mime string, body []byte) catalog.Asset {
	e.t.Helper()
	ctx := context.Background()
	sum := strings.Repeat("ab", 32)
	if _, err := e.store.Put(ctx, storage.OriginalKey(sum), bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
		e.t.Fatal(err)
	}
	a := catalog.Asset{Kind: kind, Status: catalog.StatusProcessing, OrgID: e.org.ID, FileName: "x", RawFileName: "x",
		Format: format, MIME: mime, ByteSize: int64(len(body)), SHA256: sum, Width: 640, Height: 480, Duration: 4 * time.Second, VideoCodec: "h264"}
	job := catalog.Job{Type: catalog.JobPhoto}
	if kind != catalog.KindPhoto {
		job.Type = catalog.JobVideo
	}
	orig := catalog.File{Name: "original", StorageKey: storage.OriginalKey(sum), MIME: mime, ByteSize: int64(len(body)), SHA256: sum}
	if err := e.db.InsertAsset(ctx, &a, orig, job); err != nil {
		e.t.Fatal(err)
	}
	return a
}

func TestCorruptOriginalFailsAtOnceWithoutPartialFiles(t *testing.T) {
	good, err := os.ReadFile(media + "images/highres/mde_Samsung_SM-G935L_Galaxy_S7_Edge.jpg")
	if err != nil {
		t.Fatal(err)
	}
	clip, err := os.ReadFile(media + "video/mp4ff_bbb_prog_10s.mp4")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, kind, format, mime string
		body                     []byte
	}{
		{"truncated JPEG", catalog.KindPhoto, "jpeg", "image/jpeg", good[:len(good)/3]},
		{"truncated MP4", catalog.KindClip, "mp4", "video/mp4", clip[:len(clip)/4]},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, localStore(t), nil)
			a := e.insertCorrupt(c.kind, c.format, c.mime, c.body)
			e.drain()
			got := e.asset(a.ID)
			if got.Status != catalog.StatusFailed || !strings.HasPrefix(got.ProcessingError, transcode.CodeCorrupt+": ") {
				t.Fatalf("asset = %q %q; want failed with %s", got.Status, got.ProcessingError, transcode.CodeCorrupt)
			}
			jobs, _, _ := e.db.ListJobs(context.Background(), catalog.JobQuery{AssetID: a.ID})
			if len(jobs) != 1 || jobs[0].State != catalog.JobFailed || jobs[0].Attempts != 1 {
				t.Errorf("job = %+v; want failed after one attempt (no retry for a corrupt file)", jobs)
			}
			if keys := e.objects(a.ID); len(keys) != 0 {
				t.Errorf("partial outputs left: %v", keys)
			}
			if rs := e.renditions(a.ID); len(rs) != 0 {
				t.Errorf("renditions recorded: %v", rs)
			}
			if entries, _ := os.ReadDir(e.cfg.WorkDir); len(entries) != 0 {
				t.Errorf("scratch left in work folder: %v", entries)
			}
		})
	}
}

// flakyStore fails the first n Puts as if the backend were down.
type flakyStore struct {
	storage.Store
	n atomic.Int32
}

func (f *flakyStore) Put(ctx context.Context, key string, r io.Reader, size int64, o storage.PutOptions) (storage.Info, error) {
	if strings.HasPrefix(key, "renditions/") && f.n.Add(-1) >= 0 {
		return storage.Info{}, storage.ErrUnavailable
	}
	return f.Store.Put(ctx, key, r, size, o)
}

func TestUnavailableStorageIsRetriedThenGivesUp(t *testing.T) {
	store := &flakyStore{Store: localStore(t)}
	e := newEnv(t, store, nil)
	a := e.ingest(media + "images/orientation/recurser_Landscape_1.jpg")
	store.n.Store(1)
	ran, err := e.svc.RunOnce(context.Background())
	if !ran || err != nil {
		t.Fatalf("first run: %v %v", ran, err)
	}
	jobs, _, _ := e.db.ListJobs(context.Background(), catalog.JobQuery{AssetID: a.ID})
	if jobs[0].State != catalog.JobQueued || !strings.HasPrefix(jobs[0].LastError, transcode.CodeStorage) {
		t.Fatalf("after an outage job = %+v; want queued again with storage error", jobs[0])
	}
	if got := e.asset(a.ID); got.Status != catalog.StatusProcessing {
		t.Errorf("asset during retry = %q", got.Status)
	}
	time.Sleep(5 * time.Millisecond) // the back-off
	e.drain()
	if got := e.asset(a.ID); got.Status != catalog.StatusReady {
		t.Fatalf("after retry asset = %q %q", got.Status, got.ProcessingError)
	}
	e.checkNoOrphans(a.ID)

	// An outage that outlasts every attempt fails the asset visibly.
	b := e.ingest(media + "images/orientation/recurser_Landscape_6.jpg")
	store.n.Store(1000)
	for i := 0; i < 5; i++ {
		time.Sleep(5 * time.Millisecond)
		e.drain()
	}
	got := e.asset(b.ID)
	if got.Status != catalog.StatusFailed || !strings.HasPrefix(got.ProcessingError, transcode.CodeStorage) {
		t.Fatalf("asset = %q %q; want failed with a storage error", got.Status, got.ProcessingError)
	}
	jobs, _, _ = e.db.ListJobs(context.Background(), catalog.JobQuery{AssetID: b.ID})
	if jobs[0].Attempts != 5 {
		t.Errorf("attempts = %d; want 5", jobs[0].Attempts)
	}
}

func TestVideoJobMakesPortraitOutputsAndLoudness(t *testing.T) {
	e := newEnv(t, localStore(t), nil)
	a := e.ingest(media + "video/mde_iphone_with-gps_rot90.mov") // 568x320 stored, rotation 90
	e.drain()
	got := e.asset(a.ID)
	if got.Status != catalog.StatusReady {
		t.Fatalf("asset = %q %q", got.Status, got.ProcessingError)
	}
	if got.LoudnessLUFS == nil || got.TruePeakDBTP == nil || *got.LoudnessLUFS > 0 || *got.LoudnessLUFS < -70 {
		t.Errorf("loudness = %v / %v; want a measured LUFS value", got.LoudnessLUFS, got.TruePeakDBTP)
	}
	rs := e.renditions(a.ID)
	var names []string
	for n := range rs {
		names = append(names, n)
	}
	sort.Strings(names)
	if strings.Join(names, ",") != "delivery,poster,preview,proxy,thumb,web" {
		t.Fatalf("renditions = %v", names)
	}
	for _, n := range names {
		if f := rs[n]; f.Width >= f.Height {
			t.Errorf("%s is %dx%d; want portrait", n, f.Width, f.Height)
		}
	}
	proxy := filepath.Join(t.TempDir(), "proxy.mp4")
	os.WriteFile(proxy, e.read(rs["proxy"].StorageKey), 0o600)
	out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height",
		"-of", "json", proxy).Output()
	if err != nil {
		t.Fatalf("ffprobe proxy: %v", err)
	}
	var pr struct {
		Streams []struct {
			Codec         string `json:"codec_name"`
			Width, Height int
		}
	}
	json.Unmarshal(out, &pr)
	if len(pr.Streams) != 1 || pr.Streams[0].Codec != "h264" || pr.Streams[0].Width != rs["proxy"].Width || pr.Streams[0].Height <= pr.Streams[0].Width {
		t.Errorf("proxy streams = %+v (recorded %dx%d)", pr.Streams, rs["proxy"].Width, rs["proxy"].Height)
	}
	e.checkNoOrphans(a.ID)
}

func TestCutMakesTrailerAsset(t *testing.T) {
	e := newEnv(t, localStore(t), nil)
	clip := e.ingest(media + "video/mp4ff_bbb_prog_10s.mp4")
	e.drain()
	photo := e.ingest(media + "images/orientation/recurser_Landscape_1.jpg")
	ctx := context.Background()
	if _, err := e.svc.RequestCut(ctx, transcode.CutRequest{Source: e.asset(photo.ID), Start: 0, End: time.Second}); !errors.Is(err, transcode.ErrNotVideo) {
		t.Errorf("cut of a photo = %v; want ErrNotVideo", err)
	}
	for _, r := range [][2]time.Duration{{-time.Second, time.Second}, {3 * time.Second, 2 * time.Second}, {2 * time.Second, 2200 * time.Millisecond}, {5 * time.Second, 11 * time.Second}} {
		if _, err := e.svc.RequestCut(ctx, transcode.CutRequest{Source: e.asset(clip.ID), Start: r[0], End: r[1]}); !errors.Is(err, transcode.ErrBadRange) {
			t.Errorf("cut %v–%v = %v; want ErrBadRange", r[0], r[1], err)
		}
	}
	j, err := e.svc.RequestCut(ctx, transcode.CutRequest{Source: e.asset(clip.ID), Start: 2 * time.Second, End: 4500 * time.Millisecond, OrgID: e.org.ID})
	if err != nil {
		t.Fatal(err)
	}
	e.drain()
	done, _ := e.db.Job(ctx, j.ID)
	var res transcode.CutResult
	json.Unmarshal(done.Result, &res)
	if done.State != catalog.JobDone || res.AssetID == "" {
		t.Fatalf("cut job = %+v", done)
	}
	tr := e.asset(res.AssetID)
	if tr.Kind != catalog.KindTrailer || tr.SourceAssetID != clip.ID || tr.CutStart != 2*time.Second || tr.CutEnd != 4500*time.Millisecond {
		t.Errorf("trailer = %+v", tr)
	}
	if d := tr.Duration - 2500*time.Millisecond; d < -50*time.Millisecond || d > 50*time.Millisecond {
		t.Errorf("trailer lasts %v; want 2.5s", tr.Duration)
	}
	if tr.Status != catalog.StatusReady || len(e.renditions(tr.ID)) != 6 {
		t.Errorf("trailer %q with %d renditions; want ready with 6", tr.Status, len(e.renditions(tr.ID)))
	}
	if !strings.Contains(tr.RawFileName, "trailer 0:02.000–0:04.500") {
		t.Errorf("trailer name %q", tr.RawFileName)
	}
	if got := e.asset(clip.ID); got.Status != catalog.StatusReady {
		t.Errorf("source clip status = %q after the cut", got.Status)
	}
}

func TestShutdownGivesRunningJobBack(t *testing.T) {
	e := newEnv(t, localStore(t), func(c *transcode.Config) { c.Workers = 1; c.Poll = 10 * time.Millisecond })
	a := e.ingest(media + "video/mp4ff_bbb_prog_10s.mp4")
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { e.svc.Run(ctx); close(stopped) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		jobs, _, _ := e.db.ListJobs(context.Background(), catalog.JobQuery{AssetID: a.ID})
		if jobs[0].State == catalog.JobRunning {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("job never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond) // into ffmpeg
	cancel()
	<-stopped
	jobs, _, _ := e.db.ListJobs(context.Background(), catalog.JobQuery{AssetID: a.ID})
	if j := jobs[0]; j.State != catalog.JobQueued || j.Attempts != 0 || j.LeaseOwner != "" {
		t.Errorf("after shutdown job = %s, %d attempts, owner %q; want queued, 0, none", j.State, j.Attempts, j.LeaseOwner)
	}
	if keys := e.objects(a.ID); len(keys) != 0 {
		t.Errorf("objects left by the interrupted attempt: %v", keys)
	}
	if entries, _ := os.ReadDir(e.cfg.WorkDir); len(entries) != 0 {
		t.Errorf("scratch left: %v", entries)
	}
	e.drain()
	if got := e.asset(a.ID); got.Status != catalog.StatusReady {
		t.Errorf("after a restart the asset is %q", got.Status)
	}
}
