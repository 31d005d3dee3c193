//go:build linux

package fault

import (
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

// mountTmpfs mounts a tmpfs of sizeMB on a new folder and unmounts it when
// the test ends (after everything registered later, such as a server using
// it, has stopped). It needs root or CAP_SYS_ADMIN, and fails without.
func mountTmpfs(t *testing.T, sizeMB int) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+strconv.Itoa(sizeMB)+"m,mode=0755", "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("mount -t tmpfs on %s failed: %v %s\nThe disk-full test needs root (or CAP_SYS_ADMIN) to mount a small tmpfs; "+
			"run the suite as root, as CI does. It does not skip.", dir, err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v %s", dir, err, out)
		}
	})
	return dir
}

func freeBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	return int64(st.Bavail) * int64(st.Bsize)
}

// files lists the regular files under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// TestDiskFull puts the whole data folder (catalogue, spool, local blob
// store, work folder) on a 32 MB tmpfs, fills it up to leave less room than
// an upload needs (first in the spool, then in the blob store), and
// uploads: 507 disk_full in both languages, nothing catalogued, no partial
// blob, no spool file, an intact catalogue; after the space is freed the
// same upload is catalogued and processed.
func TestDiskFull(t *testing.T) {
	data := mountTmpfs(t, 32)
	e := env{dataDir: data}
	tok := e.token(t, "contributor")
	srv := e.serve(t)
	clip := paddedMP4(t, 8<<20)

	// Spool: 4 MB left, half of what the upload needs in the spool alone.
	// Blob store: 12 MB left, enough to spool the 8 MB but not to store it
	// as well.
	for _, c := range []struct {
		where string
		left  int64
	}{{"spool", 4 << 20}, {"blob store", 12 << 20}} {
		ballast := filepath.Join(data, "ballast")
		free := freeBytes(t, data)
		if err := os.WriteFile(ballast, make([]byte, free-c.left), 0o600); err != nil {
			t.Fatalf("ballast: %v", err)
		}
		before := files(t, data)
		start := time.Now()
		code, b := srv.upload(t, tok, "Thác Dray Nur.mp4", clip)
		t.Logf("%s full: upload of %d MB with %d KB free answered in %s", c.where, len(clip)>>20, c.left>>10, time.Since(start).Round(time.Millisecond))
		checkError(t, "upload with the "+c.where+" full", code, b, http.StatusInsufficientStorage, "disk_full")
		if c.where == "blob store" && !srv.waitLog("local: put", 5*time.Second) {
			t.Errorf("blob store full: the refusal did not come from the blob store (no \"local: put\" in the log):\n%s", srv.logs.String())
		}

		if got := srv.assets(t, tok); len(got) != 0 {
			t.Errorf("%s full: assets after the refused upload: %+v, want none", c.where, got)
		}
		if after := files(t, data); strings.Join(after, "\n") != strings.Join(before, "\n") {
			t.Errorf("%s full: files on the data disk changed: before %v, after %v (a spool file or partial blob is left)", c.where, before, after)
		}
		if blobs := files(t, filepath.Join(data, "blobs")); len(blobs) != 0 {
			t.Errorf("%s full: blobs after the refused upload: %v, want none", c.where, blobs)
		}
		if spool := files(t, filepath.Join(data, "tmp")); len(spool) != 0 {
			t.Errorf("%s full: spool after the refused upload: %v, want empty", c.where, spool)
		}
		if code := srv.readyz(t); code != http.StatusOK {
			t.Errorf("%s full: /readyz after the refused upload: %d, want 200", c.where, code)
		}
		checkCatalogue(t, filepath.Join(data, "catalog.db"))
		if err := os.Remove(ballast); err != nil {
			t.Fatal(err)
		}
	}

	// With the space freed the same upload is accepted and processed.
	code, b := srv.upload(t, tok, "Thác Dray Nur.mp4", clip)
	if code != http.StatusCreated {
		t.Fatalf("the same upload after freeing space: %d %s, want 201", code, b)
	}
	id := decode[uploadResult](t, b).ID
	a := srv.waitAsset(t, tok, id, "ready", 45*time.Second)
	if a.ByteSize != int64(len(clip)) {
		t.Errorf("asset size %d, want %d", a.ByteSize, len(clip))
	}
	t.Logf("after freeing space: asset %s ready with %d renditions; %d MB free", id, len(a.Renditions), freeBytes(t, data)>>20)
	srv.stop(t)
	checkCatalogue(t, filepath.Join(data, "catalog.db"))
}

// checkCatalogue opens the catalogue file read-only and runs SQLite's
// integrity check.
func checkCatalogue(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro&_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&res); err != nil || res != "ok" {
		t.Errorf("catalogue integrity check: %q, %v", res, err)
	}
}
