package transcode

import (
	"context"
	"strconv"
	"time"

	"github.com/quangba/quangba/catalog"
)

// Queue hands out jobs and takes their results. Workers reach jobs only
// through it, so the catalogue table can later give way to a distributed
// queue without touching the transcoding code.
type Queue interface {
	// Enqueue adds a job.
	Enqueue(ctx context.Context, j *catalog.Job) error
	// Claim leases the next runnable job to owner, or returns an error
	// wrapping catalog.ErrNotFound when there is none.
	Claim(ctx context.Context, owner string, lease time.Duration) (catalog.Job, error)
	// Extend renews owner's lease; catalog.ErrLeaseLost means stop working.
	Extend(ctx context.Context, id int64, owner string, lease time.Duration) error
	// Complete records the outcome and marks the job done, as one unit.
	Complete(ctx context.Context, j catalog.Job, owner string, out Outcome) error
	// Fail records a failed attempt; final reports that no retry follows.
	Fail(ctx context.Context, id int64, owner, msg string, permanent bool, backoff time.Duration) (final bool, err error)
	// Release gives the job back without counting the attempt (shutdown).
	Release(ctx context.Context, id int64, owner string) error
}

// Outcome is what a finished job produced.
type Outcome struct {
	Files    []catalog.File // renditions to record on the job's asset
	Loudness *Loudness      // set for videos (its fields are nil without audio)
	Result   any            // stored on the job, e.g. the id of a new trailer
}

// Loudness is an EBU R128 measurement.
type Loudness struct {
	IntegratedLUFS, TruePeakDBTP *float64
}

// CatalogQueue is the Queue kept in the catalogue's jobs table.
type CatalogQueue struct{ DB *catalog.DB }

var _ Queue = CatalogQueue{}

// Enqueue implements Queue.
func (q CatalogQueue) Enqueue(ctx context.Context, j *catalog.Job) error { return q.DB.Enqueue(ctx, j) }

// Claim implements Queue.
func (q CatalogQueue) Claim(ctx context.Context, owner string, lease time.Duration) (catalog.Job, error) {
	return q.DB.Claim(ctx, owner, lease)
}

// Extend implements Queue.
func (q CatalogQueue) Extend(ctx context.Context, id int64, owner string, lease time.Duration) error {
	return q.DB.ExtendLease(ctx, id, owner, lease)
}

// Complete implements Queue: renditions, loudness and the job's state
// change are one transaction.
func (q CatalogQueue) Complete(ctx context.Context, j catalog.Job, owner string, out Outcome) error {
	return q.DB.InTx(ctx, func(tx *catalog.Tx) error {
		for i := range out.Files {
			out.Files[i].AssetID = j.AssetID
			if err := tx.PutRendition(ctx, &out.Files[i]); err != nil {
				return err
			}
		}
		if out.Loudness != nil {
			if err := tx.SetLoudness(ctx, j.AssetID, out.Loudness.IntegratedLUFS, out.Loudness.TruePeakDBTP); err != nil {
				return err
			}
		}
		if err := tx.CompleteJob(ctx, j.ID, owner, out.Result); err != nil {
			return err
		}
		return tx.Audit(ctx, catalog.Event{ActorID: j.ActorID, OrgID: j.OrgID, Action: "job.done", SubjectType: "job",
			SubjectID: strconv.FormatInt(j.ID, 10), Detail: map[string]any{"type": j.Type, "asset": j.AssetID, "files": len(out.Files), "attempts": j.Attempts}})
	})
}

// Fail implements Queue.
func (q CatalogQueue) Fail(ctx context.Context, id int64, owner, msg string, permanent bool, backoff time.Duration) (bool, error) {
	return q.DB.FailJob(ctx, id, owner, msg, permanent, backoff)
}

// Release implements Queue.
func (q CatalogQueue) Release(ctx context.Context, id int64, owner string) error {
	return q.DB.ReleaseJob(ctx, id, owner)
}
