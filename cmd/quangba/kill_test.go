package main

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/internal/testbin"
)

// Process-killed tests: SIGKILL the real binary in the middle of its work,
// start again, and require `quangba check` to find the catalogue consistent
// and the interrupted work to complete or be cleanly failed.

// killWhen starts cmd and SIGKILLs it as soon as ready() is true. It
// reports false if the process ended by itself first or the time ran out.
func killWhen(t *testing.T, cmd *exec.Cmd, within time.Duration, ready func() bool) bool {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		default:
		}
		if ready() {
			cmd.Process.Kill()
			<-exited
			return true
		}
		time.Sleep(200 * time.Microsecond)
	}
	cmd.Process.Kill()
	<-exited
	return false
}

// fileIn reports whether dir holds a file whose name starts with prefix and
// that has at least min bytes.
func fileIn(dir, prefix string, min int64) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) {
			if fi, err := e.Info(); err == nil && fi.Size() >= min {
				return true
			}
		}
	}
	return false
}

// mustBeConsistent runs `quangba check --json` and fails on any problem.
func mustBeConsistent(t *testing.T, data, when string) consistencyOutput {
	t.Helper()
	code, rep := checkJSON(t, data)
	if code != 0 || !rep.Consistent {
		t.Fatalf("%s: check exit %d: %+v", when, code, rep.Check.Findings)
	}
	return rep
}

func ffmpeg(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command("ffmpeg", append([]string{"-y", "-loglevel", "error"}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
}

func openCatalog(t *testing.T, data string) *catalog.DB {
	t.Helper()
	db, err := catalog.Open(context.Background(), filepath.Join(data, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestKillDuringIngest: `quangba ingest` of a 200 MB clip is killed while it
// writes the original to storage. Nothing is catalogued, check is clean (the
// unfinished write is reported as a temporary file), and ingesting again works.
func TestKillDuringIngest(t *testing.T) {
	start := time.Now()
	big := filepath.Join(t.TempDir(), "Lễ hội cà phê.mkv")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25", "-t", "6", "-pix_fmt", "yuv420p", "-c:v", "rawvideo", big)
	var data string
	killed := false
	for try := 0; try < 5 && !killed; try++ {
		data = t.TempDir()
		cmd := command(t, data, "ingest", "--json", big)
		killed = killWhen(t, cmd, 30*time.Second, func() bool { return fileIn(filepath.Join(data, "blobs", "@tmp"), "put-", 1<<20) })
	}
	if !killed {
		t.Fatal("could not kill ingest while it stored the original (5 tries)")
	}
	db := openCatalog(t, data)
	if as, _, err := db.ListAssets(context.Background(), catalog.ListQuery{}); err != nil || len(as) != 0 {
		t.Fatalf("a killed ingest catalogued %d assets (%v)", len(as), err)
	}
	if js, _, _ := db.ListJobs(context.Background(), catalog.JobQuery{}); len(js) != 0 {
		t.Errorf("a killed ingest queued jobs: %+v", js)
	}
	rep := mustBeConsistent(t, data, "after the kill")
	if rep.Leftovers.StoreTemp != 1 || rep.Check.Objects != 0 {
		t.Errorf("after the kill: %d objects, leftovers %+v; want no object and the unfinished write reported", rep.Check.Objects, rep.Leftovers)
	}
	out, err := command(t, data, "ingest", "--json", big).Output()
	if err != nil || !strings.Contains(string(out), `"status":"new"`) {
		t.Fatalf("ingest again: %v\n%s", err, out)
	}
	rep = mustBeConsistent(t, data, "after ingesting again")
	if rep.Check.Assets != 1 || rep.Check.Objects != 1 || len(rep.Check.Findings) != 0 {
		t.Errorf("after ingesting again: %+v", rep.Check)
	}
	t.Logf("ingest killed and recovered in %s", time.Since(start).Round(time.Millisecond))
}

// TestKillDuringTranscode: a worker is killed while it runs a video job;
// after its lease (2 s) another worker takes the job again and finishes it.
func TestKillDuringTranscode(t *testing.T) {
	start := time.Now()
	data, src := t.TempDir(), t.TempDir()
	copyFile(t, "../../testdata/media/video/mp4ff_bbb_prog_10s.mp4", filepath.Join(src, "bbb.mp4"))
	if out, err := command(t, data, "ingest", src).CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	db := openCatalog(t, data)
	ctx := context.Background()
	worker := func() *exec.Cmd {
		w := command(t, data, "worker")
		w.Env = append(w.Env, "QUANGBA_JOB_LEASE=2s")
		return w
	}
	var job catalog.Job
	if !killWhen(t, worker(), 30*time.Second, func() bool {
		js, _, _ := db.ListJobs(ctx, catalog.JobQuery{State: catalog.JobRunning})
		if len(js) == 1 {
			job = js[0]
			time.Sleep(300 * time.Millisecond) // well inside the job: ffmpeg is at work
			return true
		}
		return false
	}) {
		t.Fatal("the worker finished or never started the job")
	}
	if j, _ := db.Job(ctx, job.ID); j.State != catalog.JobRunning {
		t.Fatalf("the killed job is %s, want still running (its lease runs out)", j.State)
	}
	mustBeConsistent(t, data, "after the kill")
	time.Sleep(2100 * time.Millisecond)
	rep := mustBeConsistent(t, data, "once the lease ran out")
	if k := findingKinds(rep.Check); k[catalog.FindExpiredLease] != 1 {
		t.Errorf("the expired lease is not reported: %+v", rep.Check.Findings)
	}
	waitStatus(t, data, db, catalog.StatusReady, job.AssetID)
	j, _ := db.Job(ctx, job.ID)
	if j.State != catalog.JobDone || j.Attempts != 2 {
		t.Errorf("job after restart: %s, %d attempts; want done in 2", j.State, j.Attempts)
	}
	rep = mustBeConsistent(t, data, "after the job completed")
	if len(rep.Check.Findings) != 0 || rep.Check.Files < 4 {
		t.Errorf("after the job completed: %+v", rep.Check)
	}
	t.Logf("transcode killed and recovered in %s", time.Since(start).Round(time.Millisecond))
}

// TestKillDuringExport: `quangba export` of three large photos is killed
// half-way; the next serve start marks the export failed, no bundle object
// is left in storage, and the export run again succeeds.
func TestKillDuringExport(t *testing.T) {
	start := time.Now()
	data, src := t.TempDir(), t.TempDir()
	for i, size := range []string{"6000x4000", "6000x4002", "6002x4000"} {
		ffmpeg(t, "-f", "lavfi", "-i", "nullsrc=s="+size+",geq=lum='random(1)*255':cb='random(2)*255':cr=128",
			"-frames:v", "1", "-q:v", "1", "-pix_fmt", "yuvj444p", filepath.Join(src, fmt.Sprintf("buon-don-%d.jpg", i)))
	}
	if out, err := command(t, data, "ingest", "--org", "Báo Đắk Lắk", src).CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	ctx := context.Background()
	db := openCatalog(t, data)
	assets := processAll(t, data, db, 3)
	tok, _ := db.CreateToken(ctx, "Sở VHTTDL Đắk Lắk", "biên tập", catalog.RoleCurator)
	cur, _ := db.Authenticate(ctx, tok.Secret)
	creator := "Nguyễn Văn A"
	var ids []string
	for _, a := range assets {
		if _, err := db.EditMetadata(ctx, a.ID, catalog.MetaEdit{Texts: map[string]map[string]string{
			"title": {"vi": "Buôn Đôn", "en": "Buon Don"}, "caption": {"vi": "Voi", "en": "Elephants"}}, Creator: &creator,
			Review: []string{"title.vi", "title.en", "caption.vi", "caption.en"}}, cur, []string{"vi", "en"}, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Review(ctx, a.ID, catalog.DecisionApprove, "", cur); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	p := catalog.Package{Profile: "happyvietnam-2025", Name: catalog.Names{VI: "Dự thi"}}
	if err := db.CreatePackage(ctx, &p, cur); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.AddToPackage(ctx, p.ID, ids, cur); err != nil {
		t.Fatal(err)
	}
	outDir := t.TempDir()
	out := filepath.Join(outDir, "bundle.zip")
	export := func() *exec.Cmd { return command(t, data, "export", p.ID, "--format", "bagit", "--out", out) }
	if !killWhen(t, export(), 30*time.Second, func() bool { return fileIn(outDir, ".quangba-export-", 20<<20) }) {
		t.Fatal("the export ended before it could be killed")
	}
	es, _ := db.Exports(ctx, p.ID)
	if len(es) != 1 || es[0].Status != catalog.ExportRunning {
		t.Fatalf("the killed export: %+v", es)
	}
	rep := mustBeConsistent(t, data, "after the kill")
	if k := findingKinds(rep.Check); k[catalog.FindExportRunning] != 1 {
		t.Errorf("the interrupted export is not reported: %+v", rep.Check.Findings)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a killed export left %s", out)
	}

	// serve marks it failed at start.
	addr := testbin.MustFreeAddr(t)
	srv := command(t, data, "serve")
	srv.Env = append(srv.Env, "QUANGBA_ADDR="+addr)
	var logs bytes.Buffer
	srv.Stderr = &logs
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	waitHTTP(t, "http://"+addr+"/healthz")
	srv.Process.Signal(os.Interrupt)
	srv.Wait()
	es, _ = db.Exports(ctx, p.ID)
	if len(es) != 1 || es[0].Status != catalog.ExportFailed || !strings.Contains(es[0].Error, "interrupted") {
		t.Errorf("after serve started: %+v\n%s", es, logs.String())
	}
	if entries, _ := os.ReadDir(filepath.Join(data, "blobs", "exports")); len(entries) != 0 {
		t.Errorf("the killed export left objects under exports/: %v", entries)
	}
	rep = mustBeConsistent(t, data, "after serve started")
	if len(rep.Check.Findings) != 0 {
		t.Errorf("after serve started: %+v", rep.Check.Findings)
	}

	if res, err := export().CombinedOutput(); err != nil {
		t.Fatalf("export again: %v\n%s", err, res)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	zr.Close()
	es, _ = db.Exports(ctx, p.ID)
	if len(es) != 2 {
		t.Fatalf("exports: %+v", es)
	}
	for _, e := range es {
		if e.N == 2 && e.Status != catalog.ExportDone {
			t.Errorf("the export run again: %+v", e)
		}
	}
	rep = mustBeConsistent(t, data, "after exporting again")
	if len(rep.Check.Findings) != 0 {
		t.Errorf("after exporting again: %+v", rep.Check.Findings)
	}
	t.Logf("export killed and recovered in %s", time.Since(start).Round(time.Millisecond))
}

// TestKillServeDuringUpload: `quangba serve` is killed while a 200 MB clip
// is being uploaded over HTTP. Nothing is catalogued or stored, the spooled
// part is reported by check as a temporary file (removed when a day old),
// and after a restart the upload succeeds.
func TestKillServeDuringUpload(t *testing.T) {
	start := time.Now()
	big := filepath.Join(t.TempDir(), "clip.mkv")
	ffmpeg(t, "-f", "lavfi", "-i", "testsrc=size=1280x720:rate=25", "-t", "6", "-pix_fmt", "yuv420p", "-c:v", "rawvideo", big)
	data := t.TempDir()
	out, err := command(t, data, "token", "create", "--org", "Báo Đắk Lắk", "--role", "contributor").Output()
	if err != nil {
		t.Fatal(err)
	}
	tok := strings.TrimSpace(string(out))
	serve := func(addr string) *exec.Cmd {
		c := command(t, data, "serve")
		c.Env = append(c.Env, "QUANGBA_ADDR="+addr)
		return c
	}
	// upload sends the file, slowly enough to be caught half-way when slow is set.
	upload := func(addr string, slow bool) (int, error) {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			part, _ := mw.CreateFormFile("file", "clip.mkv")
			f, err := os.Open(big)
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			defer f.Close()
			buf := make([]byte, 1<<20)
			for {
				n, err := f.Read(buf)
				if n > 0 {
					if _, werr := part.Write(buf[:n]); werr != nil {
						pw.CloseWithError(werr)
						return
					}
					if slow {
						time.Sleep(20 * time.Millisecond)
					}
				}
				if err != nil {
					break
				}
			}
			pw.CloseWithError(mw.Close())
		}()
		req, _ := http.NewRequest("POST", "http://"+addr+"/api/v1/assets", pr)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	addr := testbin.MustFreeAddr(t)
	srv := serve(addr)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	waitHTTP(t, "http://"+addr+"/healthz")
	sent := make(chan error, 1)
	go func() { _, err := upload(addr, true); sent <- err }()
	deadline := time.Now().Add(30 * time.Second)
	for !fileIn(filepath.Join(data, "tmp"), "upload-", 20<<20) {
		if time.Now().After(deadline) {
			srv.Process.Kill()
			srv.Wait()
			t.Fatal("the upload was never spooled")
		}
		time.Sleep(time.Millisecond)
	}
	srv.Process.Kill()
	srv.Wait()
	if err := <-sent; err == nil {
		t.Error("the upload to a killed server succeeded")
	}
	db := openCatalog(t, data)
	if as, _, _ := db.ListAssets(context.Background(), catalog.ListQuery{}); len(as) != 0 {
		t.Fatalf("the killed upload catalogued %d assets", len(as))
	}
	rep := mustBeConsistent(t, data, "after the kill")
	if rep.Leftovers.Spool != 1 || rep.Check.Objects != 0 {
		t.Errorf("after the kill: %d objects, leftovers %+v; want none and the spooled part reported", rep.Check.Objects, rep.Leftovers)
	}

	addr = testbin.MustFreeAddr(t)
	srv = serve(addr)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { srv.Process.Signal(os.Interrupt); srv.Wait() }()
	waitHTTP(t, "http://"+addr+"/healthz")
	if code, err := upload(addr, false); err != nil || code != http.StatusCreated {
		t.Fatalf("upload after restart: %d %v", code, err)
	}
	rep = mustBeConsistent(t, data, "after uploading again")
	if rep.Check.Assets != 1 { // the server's workers may be storing renditions meanwhile
		t.Errorf("after uploading again: %+v", rep.Check)
	}
	t.Logf("serve killed during an upload and recovered in %s", time.Since(start).Round(time.Millisecond))
}
