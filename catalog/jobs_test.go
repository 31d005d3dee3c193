package catalog

import (
	"context"
	"errors"
	"testing"
	"time"
)

func assetWithJob(t *testing.T, d *DB, sum string) (*Asset, Job) {
	t.Helper()
	ctx := context.Background()
	org, err := d.EnsureOrg(ctx, "Sở VHTTDL Đắk Lắk")
	if err != nil {
		t.Fatal(err)
	}
	a := testAsset(org, sum)
	a.Status = StatusProcessing
	job := Job{Type: JobPhoto, MaxAttempts: 2}
	if err := d.InsertAsset(ctx, a, File{Name: "original", StorageKey: "originals/" + sum, MIME: "image/jpeg"}, job); err != nil {
		t.Fatal(err)
	}
	jobs, _, err := d.ListJobs(ctx, JobQuery{AssetID: a.ID})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("jobs of new asset = %v, %v; want one", jobs, err)
	}
	return a, jobs[0]
}

func TestClaimCompleteMarksAssetReady(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, queued := assetWithJob(t, d, "aa01")
	if queued.State != JobQueued || queued.Type != JobPhoto {
		t.Fatalf("new job = %+v", queued)
	}
	j, err := d.Claim(ctx, "w1", time.Minute)
	if err != nil || j.ID != queued.ID || j.State != JobRunning || j.Attempts != 1 || j.LeaseOwner != "w1" {
		t.Fatalf("claim = %+v, %v", j, err)
	}
	if _, err := d.Claim(ctx, "w2", time.Minute); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second claim while leased = %v; want not found", err)
	}
	if err := d.ExtendLease(ctx, j.ID, "w2", time.Minute); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("extend by a stranger = %v; want lease lost", err)
	}
	err = d.InTx(ctx, func(tx *Tx) error {
		if err := tx.PutRendition(ctx, &File{AssetID: a.ID, Name: "thumb", StorageKey: "renditions/" + a.ID + "/thumb.jpg", MIME: "image/jpeg", ByteSize: 10, Width: 320, Height: 240}); err != nil {
			return err
		}
		return tx.CompleteJob(ctx, j.ID, "w1", map[string]int{"files": 1})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := d.Asset(ctx, a.ID)
	if got.Status != StatusReady {
		t.Errorf("asset status = %q; want ready", got.Status)
	}
	files, _ := d.Files(ctx, a.ID)
	if len(files) != 2 || files[1].Name != "thumb" || files[1].Width != 320 {
		t.Errorf("files = %+v", files)
	}
	done, _ := d.Job(ctx, j.ID)
	if done.State != JobDone || done.FinishedAt == nil || string(done.Result) != `{"files":1}` {
		t.Errorf("done job = %+v", done)
	}
	err = d.InTx(ctx, func(tx *Tx) error { return tx.CompleteJob(ctx, j.ID, "w1", nil) })
	if !errors.Is(err, ErrLeaseLost) {
		t.Errorf("completing twice = %v; want lease lost", err)
	}
}

func TestExpiredLeaseIsReclaimedAndCompletesOnce(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	_, queued := assetWithJob(t, d, "aa02")
	if _, err := d.Claim(ctx, "dead", -time.Second); err != nil { // lease already over: the worker died
		t.Fatal(err)
	}
	j, err := d.Claim(ctx, "alive", time.Minute)
	if err != nil || j.ID != queued.ID || j.Attempts != 2 {
		t.Fatalf("reclaim = %+v, %v", j, err)
	}
	err = d.InTx(ctx, func(tx *Tx) error { return tx.CompleteJob(ctx, j.ID, "dead", nil) })
	if !errors.Is(err, ErrLeaseLost) {
		t.Errorf("late completion by the dead worker = %v; want lease lost", err)
	}
	if err := d.InTx(ctx, func(tx *Tx) error { return tx.CompleteJob(ctx, j.ID, "alive", nil) }); err != nil {
		t.Errorf("completion by the new owner: %v", err)
	}
}

func TestLeaseExpiryAfterLastAttemptFails(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, _ := assetWithJob(t, d, "aa03")
	for i := 0; i < 2; i++ {
		if _, err := d.Claim(ctx, "dies", -time.Second); err != nil {
			t.Fatalf("claim %d: %v", i+1, err)
		}
	}
	if _, err := d.Claim(ctx, "w", time.Minute); !errors.Is(err, ErrNotFound) {
		t.Fatalf("claim after all attempts = %v; want not found", err)
	}
	got, _ := d.Asset(ctx, a.ID)
	if got.Status != StatusFailed || got.ProcessingError == "" {
		t.Errorf("asset = %q %q; want failed with an error", got.Status, got.ProcessingError)
	}
}

func TestFailBacksOffThenFailsForGood(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, _ := assetWithJob(t, d, "aa04")
	j, _ := d.Claim(ctx, "w", time.Minute)
	final, err := d.FailJob(ctx, j.ID, "w", "ffmpeg exited 1", false, time.Hour)
	if err != nil || final {
		t.Fatalf("first failure: final=%v err=%v", final, err)
	}
	retry, _ := d.Job(ctx, j.ID)
	if retry.State != JobQueued || retry.LastError != "ffmpeg exited 1" || time.Until(retry.RunAfter) < 59*time.Minute {
		t.Errorf("after first failure = %+v; want queued an hour later", retry)
	}
	if _, err := d.Claim(ctx, "w", time.Minute); !errors.Is(err, ErrNotFound) {
		t.Errorf("claim during back-off = %v; want not found", err)
	}
	if got, _ := d.Asset(ctx, a.ID); got.Status != StatusProcessing {
		t.Errorf("asset during back-off = %q; want processing", got.Status)
	}
	d.db.ExecContext(ctx, "UPDATE jobs SET run_after = ? WHERE id = ?", now(), j.ID)
	j, _ = d.Claim(ctx, "w", time.Minute)
	if final, err = d.FailJob(ctx, j.ID, "w", "ffmpeg exited 1 again", false, time.Hour); err != nil || !final {
		t.Fatalf("last attempt: final=%v err=%v", final, err)
	}
	got, _ := d.Asset(ctx, a.ID)
	if got.Status != StatusFailed || got.ProcessingError != "ffmpeg exited 1 again" {
		t.Errorf("asset = %q %q", got.Status, got.ProcessingError)
	}
	failed, _, _ := d.ListJobs(ctx, JobQuery{State: JobFailed})
	if len(failed) != 1 || failed[0].ID != j.ID {
		t.Errorf("failed jobs = %+v", failed)
	}
	if _, err := d.RetryJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Asset(ctx, a.ID); got.Status != StatusProcessing || got.ProcessingError != "" {
		t.Errorf("after retry asset = %q %q; want processing, no error", got.Status, got.ProcessingError)
	}
}

func TestPermanentFailureSkipsRetries(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	a, _ := assetWithJob(t, d, "aa05")
	j, _ := d.Claim(ctx, "w", time.Minute)
	if final, err := d.FailJob(ctx, j.ID, "w", "corrupt JPEG", true, time.Hour); err != nil || !final {
		t.Fatalf("permanent failure: final=%v err=%v", final, err)
	}
	if got, _ := d.Asset(ctx, a.ID); got.Status != StatusFailed {
		t.Errorf("asset = %q; want failed", got.Status)
	}
	if _, err := d.FailJob(ctx, j.ID, "w", "again", true, 0); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("failing a finished job = %v; want lease lost", err)
	}
}

func TestListJobsFiltersAndPages(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	for _, s := range []string{"b1", "b2", "b3"} {
		assetWithJob(t, d, s)
	}
	page, next, err := d.ListJobs(ctx, JobQuery{State: JobQueued, Limit: 2})
	if err != nil || len(page) != 2 || next == "" || page[0].ID < page[1].ID {
		t.Fatalf("page 1 = %d jobs, next %q, %v", len(page), next, err)
	}
	page2, next2, err := d.ListJobs(ctx, JobQuery{State: JobQueued, Limit: 2, Cursor: next})
	if err != nil || len(page2) != 1 || next2 != "" {
		t.Errorf("page 2 = %d jobs, next %q, %v", len(page2), next2, err)
	}
	if _, _, err := d.ListJobs(ctx, JobQuery{State: "lost"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown state = %v; want invalid", err)
	}
}
