package catalog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quangba/quangba/storage"
	"github.com/quangba/quangba/storage/local"
)

type checkFixture struct {
	t     *testing.T
	db    *DB
	store *local.Store
	dir   string
	org   Org
}

func newCheckFixture(t *testing.T) *checkFixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "blobs")
	st, err := local.New(local.Config{Dir: dir, SigningKey: bytes.Repeat([]byte{7}, 32)})
	if err != nil {
		t.Fatal(err)
	}
	d := openTest(t)
	org, err := d.EnsureOrg(context.Background(), "Sở VHTTDL Đắk Lắk")
	if err != nil {
		t.Fatal(err)
	}
	return &checkFixture{t: t, db: d, store: st, dir: dir, org: org}
}

func (f *checkFixture) put(key string, body []byte) (int64, string) {
	f.t.Helper()
	if _, err := f.store.Put(context.Background(), key, bytes.NewReader(body), int64(len(body)), storage.PutOptions{}); err != nil {
		f.t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	return int64(len(body)), hex.EncodeToString(sum[:])
}

// asset stores an original and a "thumb" rendition and catalogues them.
func (f *checkFixture) asset(status string, seed string) *Asset {
	f.t.Helper()
	ctx := context.Background()
	orig := bytes.Repeat([]byte(seed), 5000)
	sum0 := sha256.Sum256(orig)
	sum := hex.EncodeToString(sum0[:])
	key := storage.OriginalKey(sum)
	f.put(key, orig)
	a := testAsset(f.org, sum)
	a.Status, a.ByteSize = status, int64(len(orig))
	if err := f.db.InsertAsset(ctx, a, File{Name: "original", StorageKey: key, MIME: "image/jpeg", ByteSize: int64(len(orig)), SHA256: sum}); err != nil {
		f.t.Fatal(err)
	}
	thumb := bytes.Repeat([]byte("t"+seed), 300)
	tkey := storage.RenditionKey(a.ID, "thumb", "jpg")
	tsize, tsum := f.put(tkey, thumb)
	if err := f.db.InTx(ctx, func(tx *Tx) error {
		return tx.PutRendition(ctx, &File{AssetID: a.ID, Name: "thumb", StorageKey: tkey, MIME: "image/jpeg", ByteSize: tsize, SHA256: tsum})
	}); err != nil {
		f.t.Fatal(err)
	}
	return a
}

func (f *checkFixture) path(key string) string { return filepath.Join(f.dir, filepath.FromSlash(key)) }

func (f *checkFixture) age(key string, d time.Duration) {
	f.t.Helper()
	old := time.Now().Add(-d)
	if err := os.Chtimes(f.path(key), old, old); err != nil {
		f.t.Fatal(err)
	}
}

func (f *checkFixture) check(opt CheckOptions) *CheckReport {
	f.t.Helper()
	rep, err := f.db.Check(context.Background(), f.store, opt)
	if err != nil {
		f.t.Fatal(err)
	}
	return rep
}

func kinds(r *CheckReport) map[string]int {
	out := map[string]int{}
	for _, f := range r.Findings {
		out[f.Kind]++
	}
	return out
}

func TestCheckHealthyAndQuick(t *testing.T) {
	f := newCheckFixture(t)
	a := f.asset(StatusReady, "a")
	rep := f.check(CheckOptions{})
	if !rep.Consistent() || rep.Assets != 1 || rep.Files != 2 || rep.Objects != 2 || rep.BytesHashed != 5000+600 || len(rep.Findings) != 0 {
		t.Fatalf("healthy: %+v", rep)
	}
	// Flip a byte of the thumbnail: same size, so only a full check sees it.
	p := f.path(storage.RenditionKey(a.ID, "thumb", "jpg"))
	b, _ := os.ReadFile(p)
	b[10] ^= 0xff
	os.WriteFile(p, b, 0o644)
	if rep := f.check(CheckOptions{Quick: true}); !rep.Consistent() || rep.BytesHashed != 0 {
		t.Errorf("quick check read the objects or saw the flipped byte: %+v", rep.Findings)
	}
	rep = f.check(CheckOptions{})
	if rep.Consistent() || kinds(rep)[FindHash] != 1 {
		t.Errorf("flipped byte: %+v", rep.Findings)
	}
}

func TestCheckFindsAndRepairs(t *testing.T) {
	ctx := context.Background()
	f := newCheckFixture(t)
	lost := f.asset(StatusApproved, "lost")
	broken := f.asset(StatusReady, "broken")
	stuck := f.asset(StatusReady, "stuck")
	os.Remove(f.path(storage.OriginalKey(lost.SHA256)))
	os.WriteFile(f.path(storage.RenditionKey(broken.ID, "thumb", "jpg")), []byte("short"), 0o644)
	if _, err := f.db.db.Exec("UPDATE assets SET status = 'processing' WHERE id = ?", stuck.ID); err != nil {
		t.Fatal(err)
	}
	oldOrphan := "originals/ff/" + strings.Repeat("f", 64)
	f.put(oldOrphan, []byte("left by a crash"))
	f.age(oldOrphan, 2*time.Hour)
	goneAsset := "renditions/01aaaaaaaaaaaaaaaaaaaaaaaa/web.jpg"
	f.put(goneAsset, []byte("of a deleted asset"))
	f.age(goneAsset, 3*time.Hour)
	strayExport := "exports/01bbbbbbbbbbbbbbbbbbbbbbbb/1.zip"
	f.put(strayExport, []byte("PK"))
	f.age(strayExport, 3*time.Hour)
	inFlight := "originals/ee/" + strings.Repeat("e", 64)
	f.put(inFlight, []byte("an upload in flight"))

	rep := f.check(CheckOptions{})
	k := kinds(rep)
	if rep.Consistent() || k[FindMissing] != 1 || k[FindSize] != 1 || k[FindNoJob] != 1 || k[FindOrphan] != 3 || k[FindRecentObject] != 1 {
		t.Fatalf("findings %v: %+v", k, rep.Findings)
	}
	repairs, err := f.db.Repair(ctx, f.store, rep, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	acts := map[string]int{}
	for _, r := range repairs {
		acts[r.Action]++
		if r.Action == "marked_failed" && (!r.DataLost || r.AssetID != lost.ID || !strings.Contains(r.EN, "DATA LOST")) {
			t.Errorf("lost original repair: %+v", r)
		}
	}
	if acts["deleted_orphan"] != 3 || acts["marked_failed"] != 1 || acts["requeued_renditions"] != 1 || acts["requeued_processing"] != 1 {
		t.Errorf("repairs %v: %+v", acts, repairs)
	}
	for _, key := range []string{oldOrphan, goneAsset, strayExport} {
		if _, err := os.Stat(f.path(key)); !os.IsNotExist(err) {
			t.Errorf("%s still there", key)
		}
	}
	if _, err := os.Stat(f.path(inFlight)); err != nil {
		t.Errorf("the recent object was deleted: %v", err)
	}
	got, _ := f.db.Asset(ctx, lost.ID)
	if got.Status != StatusFailed || !strings.HasPrefix(got.ProcessingError, LostOriginalCode+": ") {
		t.Errorf("lost asset: %s %q", got.Status, got.ProcessingError)
	}
	for _, id := range []string{broken.ID, stuck.ID} {
		js, _, _ := f.db.ListJobs(ctx, JobQuery{AssetID: id, State: JobQueued})
		a, _ := f.db.Asset(ctx, id)
		if len(js) != 1 || js[0].Type != JobPhoto || a.Status != StatusProcessing {
			t.Errorf("asset %s: status %s, queued jobs %+v", id, a.Status, js)
		}
	}
	// A second repair queues nothing more.
	if again, _ := f.db.Repair(ctx, f.store, f.check(CheckOptions{}), CheckOptions{}); len(again) != 0 {
		t.Errorf("second repair did %+v", again)
	}
	rep = f.check(CheckOptions{})
	k = kinds(rep)
	if !rep.Consistent() || k[FindLostOriginal] != 1 || k[FindRenditionPending] != 1 || k[FindRecentObject] != 1 {
		t.Errorf("after repair %v: %+v", k, rep.Findings)
	}

	// The original comes back from a backup: repair processes the asset again.
	f.put(storage.OriginalKey(lost.SHA256), bytes.Repeat([]byte("lost"), 5000))
	rep = f.check(CheckOptions{})
	if k := kinds(rep); !rep.Consistent() || k[FindRestored] != 1 || k[FindLostOriginal] != 0 {
		t.Errorf("restored %v: %+v", k, rep.Findings)
	}
	repairs, err = f.db.Repair(ctx, f.store, rep, CheckOptions{})
	got, _ = f.db.Asset(ctx, lost.ID)
	if err != nil || len(repairs) != 1 || repairs[0].Action != "requeued_processing" || got.Status != StatusProcessing || got.ProcessingError != "" {
		t.Errorf("repair of a restored original: %v %+v; asset %s %q", err, repairs, got.Status, got.ProcessingError)
	}
}

func TestCheckJobsAndSQLite(t *testing.T) {
	ctx := context.Background()
	f := newCheckFixture(t)
	a := f.asset(StatusReady, "j")
	if err := f.db.Enqueue(ctx, &Job{AssetID: a.ID, Type: JobPhoto}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Claim(ctx, "dead-worker", 2*time.Second); err != nil {
		t.Fatal(err)
	}
	rep := f.check(CheckOptions{Now: time.Now().Add(time.Minute)})
	if !rep.Consistent() || kinds(rep)[FindExpiredLease] != 1 {
		t.Errorf("expired lease: %+v", rep.Findings)
	}
	// A dangling reference, as an old bug or a hand edit could leave.
	conn, err := f.db.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF")
	if _, err := conn.ExecContext(ctx, "UPDATE jobs SET asset_id = 'no-such-asset'"); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	rep = f.check(CheckOptions{})
	if rep.Consistent() || kinds(rep)[FindForeignKey] != 1 {
		t.Errorf("foreign key: %+v", rep.Findings)
	}
}
