package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/quangba/quangba/catalog"
	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/local"
)

// TestWorkerKilledMidTranscode kills a worker with SIGKILL while ffmpeg is
// transcoding, starts another, and checks the job completes exactly once
// with no orphan objects and no ffmpeg left running.
func TestWorkerKilledMidTranscode(t *testing.T) {
	data := t.TempDir()
	clip := filepath.Join(t.TempDir(), "hevc-20s.mp4")
	// 20 s of real HEVC 1080p50: long enough to be caught mid-transcode.
	if out, err := exec.Command("ffmpeg", "-v", "error", "-stream_loop", "19", "-i", "../../testdata/media/video/mp4ff_hevc_1080p50_noaudio.mp4",
		"-c", "copy", clip).CombinedOutput(); err != nil {
		t.Fatalf("make clip: %v\n%s", err, out)
	}
	out, err := command(t, data, "ingest", "--json", clip).Output()
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	var l line
	json.Unmarshal(bytes.TrimSpace(out), &l)
	if l.AssetID == "" {
		t.Fatalf("ingest said %s", out)
	}

	first := startWorker(t, data)
	ff := waitForChild(t, first.Process.Pid, "ffmpeg", 60*time.Second)
	time.Sleep(time.Second)
	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	waitGone(t, ff, 5*time.Second) // ffmpeg dies with its parent

	second := startWorker(t, data)
	db, err := catalog.Open(context.Background(), filepath.Join(data, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	job := waitJob(t, db, l.AssetID, 4*time.Minute)
	second.Process.Signal(syscall.SIGINT)
	if err := second.Wait(); err != nil {
		t.Errorf("second worker exit: %v", err)
	}

	if job.State != catalog.JobDone || job.Attempts != 2 {
		t.Errorf("job = %s after %d attempts; want done after 2", job.State, job.Attempts)
	}
	ctx := context.Background()
	if a, _ := db.Asset(ctx, l.AssetID); a.Status != catalog.StatusReady {
		t.Errorf("asset status = %q %q", a.Status, a.ProcessingError)
	}
	events, _ := db.AuditFor(ctx, "job", strconv.FormatInt(job.ID, 10))
	done := 0
	for _, e := range events {
		if e.Action == "job.done" {
			done++
		}
	}
	if done != 1 {
		t.Errorf("job.done recorded %d times; want once", done)
	}
	checkStoredEqualsRecorded(t, db, data, l.AssetID)
	if entries, _ := os.ReadDir(filepath.Join(data, "work")); len(entries) != 0 {
		t.Errorf("scratch folders left: %v", entries)
	}
}

func startWorker(t *testing.T, data string) *exec.Cmd {
	t.Helper()
	cmd := command(t, data, "worker")
	cmd.Env = append(cmd.Env, "QUANGBA_WORKERS=1", "QUANGBA_JOB_LEASE=3s")
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		if t.Failed() {
			t.Logf("worker %d log:\n%s", cmd.Process.Pid, logs.String())
		}
	})
	return cmd
}

// waitForChild returns the pid of a child process of parent named comm.
func waitForChild(t *testing.T, parent int, comm string, within time.Duration) int {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
			if err != nil {
				continue
			}
			// pid (comm) state ppid ...
			s := string(stat)
			open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
			if open < 0 || close < 0 || s[open+1:close] != comm {
				continue
			}
			if f := strings.Fields(s[close+1:]); len(f) > 1 && f[1] == strconv.Itoa(parent) {
				return pid
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no %s child of %d within %v", comm, parent, within)
	return 0
}

func waitGone(t *testing.T, pid int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if err != nil || strings.Contains(string(stat), ") Z ") {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Errorf("ffmpeg %d still running after its worker was killed", pid)
}

func waitJob(t *testing.T, db *catalog.DB, assetID string, within time.Duration) catalog.Job {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		jobs, _, err := db.ListJobs(context.Background(), catalog.JobQuery{AssetID: assetID})
		if err == nil && len(jobs) == 1 && (jobs[0].State == catalog.JobDone || jobs[0].State == catalog.JobFailed) {
			return jobs[0]
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("job of %s not finished within %v", assetID, within)
	return catalog.Job{}
}

// checkStoredEqualsRecorded: the objects under the asset's rendition
// prefix are exactly the renditions the catalogue records.
func checkStoredEqualsRecorded(t *testing.T, db *catalog.DB, data, assetID string) {
	t.Helper()
	store, err := local.New(local.Config{Dir: filepath.Join(data, "blobs"), SigningKey: bytes.Repeat([]byte("k"), 32), URLPrefix: "/blobs/"})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := db.Files(context.Background(), assetID)
	recorded := map[string]bool{}
	for _, f := range files {
		if f.Role == "rendition" && strings.HasPrefix(f.StorageKey, "renditions/") {
			recorded[f.StorageKey] = true
		}
	}
	stored := map[string]bool{}
	store.List(context.Background(), "renditions/"+assetID+"/", func(i storage.Info) error {
		stored[i.Key] = true
		return nil
	})
	if len(recorded) < 5 {
		t.Errorf("only %d renditions recorded", len(recorded))
	}
	for k := range stored {
		if !recorded[k] {
			t.Errorf("orphan object %s", k)
		}
	}
	for k := range recorded {
		if !stored[k] {
			t.Errorf("recorded %s is not stored", k)
		}
	}
}

func TestCutCommand(t *testing.T) {
	data := t.TempDir()
	clip, _ := filepath.Abs("../../testdata/media/video/mp4ff_bbb_prog_10s.mp4")
	out, err := command(t, data, "ingest", "--json", clip).Output()
	if err != nil {
		t.Fatalf("ingest: %v", err)
	}
	var l line
	json.Unmarshal(bytes.TrimSpace(out), &l)
	for _, bad := range [][]string{{l.AssetID, "1:02", "3"}, {"nope", "1", "2"}, {l.AssetID, "1", "abc"}} {
		var stderr bytes.Buffer
		cmd := command(t, data, append([]string{"cut"}, bad...)...)
		cmd.Stderr = &stderr
		if err := cmd.Run(); exitCode(err) != 1 || !strings.Contains(stderr.String(), " / ") {
			t.Errorf("cut %v: exit %d, %q; want 1 with a Vietnamese / English message", bad, exitCode(err), stderr.String())
		}
	}
	out, err = command(t, data, "cut", l.AssetID, "0:01.5", "4.25").Output()
	id := strings.TrimSpace(string(out))
	if err != nil || len(id) != 26 {
		t.Fatalf("cut: %v, printed %q", err, out)
	}
	db, err := catalog.Open(context.Background(), filepath.Join(data, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := db.Asset(context.Background(), id)
	if err != nil || a.Kind != catalog.KindTrailer || a.SourceAssetID != l.AssetID || a.CutStart != 1500*time.Millisecond || a.Status != catalog.StatusProcessing {
		t.Errorf("trailer = %+v, %v", a, err)
	}
}

func TestIngestWithSheet(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	copyFile(t, "../../testdata/media/images/orientation/recurser_Landscape_1.jpg", filepath.Join(src, "Hồ Lắk.jpg"))
	copyFile(t, "../../testdata/media/images/orientation/recurser_Landscape_6.jpg", filepath.Join(src, "khác", "không có dòng.jpg"))
	sheetPath := filepath.Join(t.TempDir(), "bảng kê.csv")
	csv := "\ufefffile,title_vi,title_en,keywords_vi,date,creator\n" +
		"Hồ Lắk.jpg,Hồ Lắk lúc bình minh,Lak Lake at dawn,\"hồ; bình minh\",10/03/2026,Nguyễn Văn A\n" +
		"thiếu.jpg,Không có tệp,,,,\n"
	if err := os.WriteFile(sheetPath, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := command(t, data, "ingest", "--json", "--meta", sheetPath, src)
	out, err := cmd.Output()
	if exitCode(err) != 1 {
		t.Errorf("exit %d; want 1 for a row whose file is missing", exitCode(err))
	}
	statuses := map[string]line{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var x line
		json.Unmarshal([]byte(l), &x)
		statuses[x.Status+" "+filepath.Base(x.Path)] = x
	}
	for _, want := range []string{"missing_file thiếu.jpg", "no_row không có dòng.jpg", "new Hồ Lắk.jpg", "new không có dòng.jpg"} {
		if _, ok := statuses[want]; !ok {
			t.Errorf("no %q line in %s", want, out)
		}
	}
	db, err := catalog.Open(context.Background(), filepath.Join(data, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	m, err := db.Metadata(context.Background(), statuses["new Hồ Lắk.jpg"].AssetID)
	if err != nil {
		t.Fatal(err)
	}
	if ti := m.Text(catalog.FieldTitle, "en"); ti.Value != "Lak Lake at dawn" || ti.Origin != catalog.OriginImport || ti.State != catalog.TextDraft {
		t.Errorf("title.en = %+v", ti)
	}
	if m.DateCreated != "2026-03-10" || m.Creator != "Nguyễn Văn A" || len(m.Text(catalog.FieldKeywords, "vi").Keywords) != 2 {
		t.Errorf("metadata = %+v", m)
	}
}

func TestSubtitlesCommands(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "phụ đề.srt")
	os.WriteFile(good, []byte("1\n00:00:01,000 --> 00:00:03,000\nHồ Lắk lúc bình minh\n\n2\n00:00:02,500 --> 00:00:04,000\nCue chồng lên cue trước\n\n"), 0o600)
	var stdout, stderr bytes.Buffer
	cmd := command(t, t.TempDir(), "subtitles", "check", good, "--json", "--lang", "vi")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var rep struct {
		Cues, Errors int
		Findings     []struct {
			Cue  int
			Rule string
		}
	}
	json.Unmarshal(stdout.Bytes(), &rep)
	if exitCode(err) != 1 || rep.Cues != 2 || rep.Errors == 0 || !strings.Contains(stdout.String(), "overlap") {
		t.Errorf("check of overlapping cues: exit %d, %s %s", exitCode(err), stdout.String(), stderr.String())
	}
	out := filepath.Join(dir, "ra.vtt")
	if err := command(t, t.TempDir(), "subtitles", "convert", good, "--to", "vtt", "--out", out).Run(); err != nil {
		t.Fatalf("convert: %v", err)
	}
	vtt, _ := os.ReadFile(out)
	if !strings.HasPrefix(string(vtt), "WEBVTT") || !strings.Contains(string(vtt), "00:00:01.000 --> 00:00:03.000\nHồ Lắk lúc bình minh") {
		t.Errorf("vtt = %q", vtt)
	}
	latin := filepath.Join(dir, "cyrillic.srt")
	copyFile(t, "../../testdata/media/subtitles/srt/subtitleedit_auto_detect_windows-1251.srt", latin)
	stderr.Reset()
	cmd = command(t, t.TempDir(), "subtitles", "check", latin)
	cmd.Stderr = &stderr
	if err := cmd.Run(); exitCode(err) != 1 || !strings.Contains(stderr.String(), " / ") {
		t.Errorf("legacy code page: exit %d, %q; want 1 with a bilingual message", exitCode(err), stderr.String())
	}
}
