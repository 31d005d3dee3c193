package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"github.com/quangba/quangba/catalog"
)

// runCheck runs `quangba check ARGS...` and returns its exit status and output.
func runCheck(t *testing.T, data string, args ...string) (int, string) {
	t.Helper()
	out, err := command(t, data, append([]string{"check"}, args...)...).CombinedOutput()
	return exitCode(err), string(out)
}

// checkJSON runs `quangba check --json ARGS...` and decodes the report.
func checkJSON(t *testing.T, data string, args ...string) (int, consistencyOutput) {
	t.Helper()
	cmd := command(t, data, append([]string{"check", "--json"}, args...)...)
	out, err := cmd.Output()
	var rep consistencyOutput
	if jerr := json.Unmarshal(out, &rep); jerr != nil {
		t.Fatalf("check --json: %v (exit %d)\n%s", jerr, exitCode(err), out)
	}
	return exitCode(err), rep
}

func findingKinds(r *catalog.CheckReport) map[string]int {
	out := map[string]int{}
	for _, f := range r.Findings {
		out[f.Kind]++
	}
	return out
}

// waitStatus runs `quangba worker` until every listed asset has the status.
func waitStatus(t *testing.T, data string, db *catalog.DB, want string, ids ...string) {
	t.Helper()
	w := command(t, data, "worker")
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { w.Process.Signal(os.Interrupt); w.Wait() }()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		done := 0
		for _, id := range ids {
			if a, err := db.Asset(context.Background(), id); err == nil && a.Status == want {
				done++
			}
		}
		if done == len(ids) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("assets %v did not become %s within a minute", ids, want)
}

func TestCheckCommand(t *testing.T) {
	ctx := context.Background()
	data, src := t.TempDir(), t.TempDir()
	for _, name := range []string{"ianare_gps_DSCN0025.jpg", "mde_HTC_Desire.jpg", "ianare_45-gps_ifd.jpg"} {
		copyFile(t, "../../testdata/media/images/gps/"+name, filepath.Join(src, name))
	}
	if out, err := command(t, data, "ingest", "--org", "Báo Đắk Lắk", src).CombinedOutput(); err != nil {
		t.Fatalf("ingest: %v\n%s", err, out)
	}
	db, err := catalog.Open(ctx, filepath.Join(data, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	assets := processAll(t, data, db, 3)

	code, out := runCheck(t, data)
	if code != 0 || !strings.Contains(out, "Kết quả: nhất quán / result: consistent") || !strings.Contains(out, "3 assets") {
		t.Fatalf("healthy catalogue: exit %d\n%s", code, out)
	}
	if code, out := runCheck(t, data, "--frobnicate"); code != 2 {
		t.Errorf("unknown flag: exit %d\n%s", code, out)
	}

	// Break things: lose an original, truncate one rendition and flip a
	// byte of another, leave an old and a new orphan, and an asset in
	// processing without a job.
	lost, broken, stuck := assets[0], assets[1], assets[2]
	blob := func(key string) string { return filepath.Join(data, "blobs", filepath.FromSlash(key)) }
	orig, err := db.Original(ctx, lost.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(blob(orig.StorageKey)); err != nil {
		t.Fatal(err)
	}
	files, _ := db.Files(ctx, broken.ID)
	var rends []catalog.File
	for _, f := range files {
		if f.Role == "rendition" {
			rends = append(rends, f)
		}
	}
	if len(rends) < 2 {
		t.Fatalf("renditions of a photo: %+v", files)
	}
	truncated, flipped := rends[0], rends[1]
	if err := os.Truncate(blob(truncated.StorageKey), truncated.ByteSize/2); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(blob(flipped.StorageKey))
	b[len(b)/2] ^= 0x5a
	os.WriteFile(blob(flipped.StorageKey), b, 0o644)
	orphan := "originals/ab/ab" + strings.Repeat("0", 62)
	os.MkdirAll(filepath.Dir(blob(orphan)), 0o755)
	os.WriteFile(blob(orphan), []byte("left by a crash long ago"), 0o644)
	old := time.Now().Add(-2 * time.Hour)
	os.Chtimes(blob(orphan), old, old)
	fresh := "originals/cd/cd" + strings.Repeat("0", 62)
	os.MkdirAll(filepath.Dir(blob(fresh)), 0o755)
	os.WriteFile(blob(fresh), []byte("an upload in flight"), 0o644)
	raw, err := sql.Open("sqlite3", "file:"+filepath.Join(data, "catalog.db")+"?_busy_timeout=10000")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec("UPDATE assets SET status = 'processing' WHERE id = ?", stuck.ID); err != nil {
		t.Fatal(err)
	}
	raw.Close()

	code, out = runCheck(t, data)
	if code != 1 || !strings.Contains(out, "Kết quả: CÓ VẤN ĐỀ / result: PROBLEMS FOUND") {
		t.Fatalf("broken catalogue: exit %d\n%s", code, out)
	}
	for _, want := range []string{
		"✗ missing_file [asset " + lost.ID + " " + orig.StorageKey + "]: Tệp gốc: không có trong kho lưu trữ / original: missing from storage",
		"✗ size_mismatch [asset " + broken.ID + " " + truncated.StorageKey + "]",
		"✗ hash_mismatch [asset " + broken.ID + " " + flipped.StorageKey + "]",
		"✗ orphan_object [" + orphan + "]",
		"· recent_object [" + fresh + "]",
		"✗ processing_without_job [asset " + stuck.ID + "]",
		"Vấn đề / problems: 5, ghi chú / notices: 1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
	code, rep := checkJSON(t, data, "--quick")
	if k := findingKinds(rep.Check); code != 1 || rep.Consistent || k[catalog.FindMissing] != 1 || k[catalog.FindSize] != 1 || k[catalog.FindHash] != 0 || rep.Check.BytesHashed != 0 {
		t.Errorf("--quick --json: exit %d, %v", code, k)
	}

	code, out = runCheck(t, data, "--repair")
	if code != 0 {
		t.Fatalf("check --repair: exit %d, want 0 (what remains is known: a lost original, renditions being remade)\n%s", code, out)
	}
	for _, want := range []string{
		"‼ marked_failed: MẤT DỮ LIỆU: tệp gốc " + orig.StorageKey,
		"A FILE WAS LOST: restore it from a backup",
		"✓ deleted_orphan: Đã xoá đối tượng mồ côi " + orphan,
		"✓ requeued_renditions: Tư liệu " + broken.ID,
		"✓ requeued_processing: Tư liệu " + stuck.ID,
		"· lost_original [asset " + lost.ID,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("repair output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(blob(orphan)); !os.IsNotExist(err) {
		t.Error("the old orphan is still there")
	}
	if _, err := os.Stat(blob(fresh)); err != nil {
		t.Errorf("the recent object was deleted: %v", err)
	}
	a, _ := db.Asset(ctx, lost.ID)
	if a.Status != catalog.StatusFailed || !strings.HasPrefix(a.ProcessingError, "original_missing: ") {
		t.Errorf("the asset that lost its original: %s %q", a.Status, a.ProcessingError)
	}

	// The worker remakes the renditions; a plain check is then clean but
	// for the lost original (a notice: the asset is failed) and the new object.
	waitStatus(t, data, db, catalog.StatusReady, broken.ID, stuck.ID)
	code, rep = checkJSON(t, data)
	k := findingKinds(rep.Check)
	if code != 0 || !rep.Consistent || k[catalog.FindLostOriginal] != 1 || k[catalog.FindRecentObject] != 1 || len(rep.Check.Findings) != 2 {
		t.Errorf("after repair and processing: exit %d, %+v", code, rep.Check.Findings)
	}
}
