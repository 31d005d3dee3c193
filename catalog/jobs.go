package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Job types, run by package transcode.
const (
	JobPhoto = "photo" // renditions of a photo
	JobVideo = "video" // poster, proxy, delivery and loudness of a clip or trailer
	JobCut   = "cut"   // a trailer cut from a clip; not attached to an asset
	JobSubs  = "subs"  // the soft-subtitled and burned-in MP4s of a clip
)

// ErrLeaseLost: the job is no longer leased to this worker (its lease
// expired and another worker took it, or it was finished meanwhile).
var ErrLeaseLost = errors.New("catalog: job lease lost")

// Job is one durable unit of background work.
type Job struct {
	ID          int64
	AssetID     string // the asset it works on ("" for none)
	Type        string
	State       string
	Attempts    int // claims so far, including the running one
	MaxAttempts int // default 5
	RunAfter    time.Time
	LeaseOwner  string
	LeaseUntil  *time.Time
	LastError   string
	OrgID       int64 // who asked for it (cuts); 0 for ingest jobs
	ActorID     int64
	Payload     json.RawMessage
	Result      json.RawMessage
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinishedAt  *time.Time
}

// Enqueue adds a queued job in the transaction; it fills j.ID.
func (tx *Tx) Enqueue(ctx context.Context, j *Job) error {
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = 5
	}
	if len(j.Payload) == 0 {
		j.Payload = json.RawMessage("{}")
	}
	t := time.Now().UTC()
	if j.RunAfter.IsZero() {
		j.RunAfter = t
	}
	j.State, j.CreatedAt, j.UpdatedAt = JobQueued, t, t
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO jobs (asset_id, type, state, max_attempts, run_after, payload, org_id, actor_id, created_at, updated_at)
		VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?)`, nullString(j.AssetID), j.Type, j.MaxAttempts, formatTime(j.RunAfter),
		string(j.Payload), nullID(j.OrgID), nullID(j.ActorID), formatTime(t), formatTime(t))
	if err != nil {
		return fmt.Errorf("catalog: enqueue %s job: %w", j.Type, err)
	}
	j.ID, _ = res.LastInsertId()
	return nil
}

// Enqueue adds a queued job in its own transaction.
func (d *DB) Enqueue(ctx context.Context, j *Job) error {
	return d.InTx(ctx, func(tx *Tx) error { return tx.Enqueue(ctx, j) })
}

const jobColumns = `id, coalesce(asset_id, ''), type, state, attempts, max_attempts, run_after, lease_owner, lease_until,
	last_error, coalesce(org_id, 0), coalesce(actor_id, 0), payload, result, created_at, updated_at, finished_at FROM jobs`

func scanJob(s scanner) (Job, error) {
	var j Job
	var runAfter, created, updated string
	var leaseUntil, finished sql.NullString
	var payload, result string
	err := s.Scan(&j.ID, &j.AssetID, &j.Type, &j.State, &j.Attempts, &j.MaxAttempts, &runAfter, &j.LeaseOwner, &leaseUntil,
		&j.LastError, &j.OrgID, &j.ActorID, &payload, &result, &created, &updated, &finished)
	if err != nil {
		return Job{}, err
	}
	j.RunAfter, j.CreatedAt, j.UpdatedAt = parseTime(runAfter), parseTime(created), parseTime(updated)
	j.LeaseUntil, j.FinishedAt = parseNullTime(leaseUntil), parseNullTime(finished)
	j.Payload, j.Result = json.RawMessage(payload), json.RawMessage(result)
	return j, nil
}

// Job returns the job with this id.
func (d *DB) Job(ctx context.Context, id int64) (Job, error) {
	j, err := scanJob(d.db.QueryRowContext(ctx, "SELECT "+jobColumns+" WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, fmt.Errorf("%w: job %d", ErrNotFound, id)
	}
	if err != nil {
		return Job{}, fmt.Errorf("catalog: job %d: %w", id, err)
	}
	return j, nil
}

// Claim leases the next runnable job to owner until now+lease: a queued
// job whose time has come, or a running one whose lease expired (its
// worker died). A job that has already used all its attempts when its lease
// expires fails instead. It returns an error wrapping ErrNotFound when
// nothing is runnable.
func (d *DB) Claim(ctx context.Context, owner string, lease time.Duration) (Job, error) {
	var j Job
	found := false
	err := d.InTx(ctx, func(tx *Tx) error {
		var err error
		j, found, err = tx.claim(ctx, owner, lease)
		return err
	})
	if err == nil && !found {
		err = fmt.Errorf("%w: no runnable job", ErrNotFound)
	}
	return j, err
}

// claim commits even when it finds nothing: it may have failed jobs whose
// last attempt died.
func (tx *Tx) claim(ctx context.Context, owner string, lease time.Duration) (Job, bool, error) {
	t := now()
	for {
		j, err := scanJob(tx.tx.QueryRowContext(ctx, "SELECT "+jobColumns+` WHERE (state = 'queued' AND run_after <= ?)
			OR (state = 'running' AND lease_until < ?) ORDER BY run_after, id LIMIT 1`, t, t))
		if errors.Is(err, sql.ErrNoRows) {
			return Job{}, false, nil
		}
		if err != nil {
			return Job{}, false, fmt.Errorf("catalog: claim job: %w", err)
		}
		if j.State == JobRunning && j.Attempts >= j.MaxAttempts {
			msg := fmt.Sprintf("worker_lost: the worker stopped without finishing, %d times", j.Attempts)
			if j.LastError != "" {
				msg += "; earlier error: " + j.LastError
			}
			if err := tx.finishFailed(ctx, j, msg); err != nil {
				return Job{}, false, err
			}
			continue
		}
		until := time.Now().Add(lease)
		_, err = tx.tx.ExecContext(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, lease_owner = ?, lease_until = ?,
			updated_at = ? WHERE id = ?`, owner, formatTime(until), t, j.ID)
		if err != nil {
			return Job{}, false, fmt.Errorf("catalog: claim job %d: %w", j.ID, err)
		}
		j.State, j.Attempts, j.LeaseOwner, j.LeaseUntil = JobRunning, j.Attempts+1, owner, &until
		return j, true, nil
	}
}

// ExtendLease pushes the lease of a running job forward; it returns
// ErrLeaseLost when owner no longer holds it.
func (d *DB) ExtendLease(ctx context.Context, id int64, owner string, lease time.Duration) error {
	res, err := d.db.ExecContext(ctx, `UPDATE jobs SET lease_until = ?, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`,
		formatTime(time.Now().Add(lease)), now(), id, owner)
	return leaseResult(res, err, id)
}

func leaseResult(res sql.Result, err error, id int64) error {
	if err != nil {
		return fmt.Errorf("catalog: job %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: job %d", ErrLeaseLost, id)
	}
	return nil
}

// CompleteJob marks a job leased to owner as done with its result and
// updates its asset's status, inside the caller's transaction so that the
// job's outputs are recorded in the same unit. It returns ErrLeaseLost when
// owner no longer holds the job.
func (tx *Tx) CompleteJob(ctx context.Context, id int64, owner string, result any) error {
	body, err := json.Marshal(result)
	if err != nil {
		return fmt.Errorf("catalog: job %d result: %w", id, err)
	}
	t := now()
	res, err := tx.tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', result = ?, lease_owner = '', lease_until = NULL,
		last_error = '', updated_at = ?, finished_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`, string(body), t, t, id, owner)
	if err := leaseResult(res, err, id); err != nil {
		return err
	}
	return tx.refreshStatusOfJob(ctx, id)
}

// FailJob records a failed attempt of a job leased to owner. The job is
// queued again after backoff, unless it is permanent or out of attempts:
// then it fails for good and its asset shows the error. It reports whether
// the failure was final.
func (d *DB) FailJob(ctx context.Context, id int64, owner, msg string, permanent bool, backoff time.Duration) (bool, error) {
	final := false
	err := d.InTx(ctx, func(tx *Tx) error {
		j, err := scanJob(tx.tx.QueryRowContext(ctx, "SELECT "+jobColumns+" WHERE id = ? AND state = 'running' AND lease_owner = ?", id, owner))
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%w: job %d", ErrLeaseLost, id)
		}
		if err != nil {
			return fmt.Errorf("catalog: fail job %d: %w", id, err)
		}
		if final = permanent || j.Attempts >= j.MaxAttempts; final {
			return tx.finishFailed(ctx, j, msg)
		}
		_, err = tx.tx.ExecContext(ctx, `UPDATE jobs SET state = 'queued', run_after = ?, lease_owner = '', lease_until = NULL,
			last_error = ?, updated_at = ? WHERE id = ?`, formatTime(time.Now().Add(backoff)), msg, now(), id)
		return err
	})
	return final, err
}

func (tx *Tx) finishFailed(ctx context.Context, j Job, msg string) error {
	t := now()
	_, err := tx.tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', last_error = ?, lease_owner = '', lease_until = NULL,
		updated_at = ?, finished_at = ? WHERE id = ?`, msg, t, t, j.ID)
	if err != nil {
		return fmt.Errorf("catalog: fail job %d: %w", j.ID, err)
	}
	if j.AssetID == "" {
		return nil
	}
	if err := tx.refreshStatus(ctx, j.AssetID); err != nil {
		return err
	}
	return tx.Audit(ctx, Event{OrgID: j.OrgID, Action: "job.failed", SubjectType: "asset", SubjectID: j.AssetID,
		Detail: map[string]any{"job": j.ID, "type": j.Type, "attempts": j.Attempts, "error": msg}})
}

// ReleaseJob gives a running job back to the queue without counting the
// attempt, for a worker that is shutting down.
func (d *DB) ReleaseJob(ctx context.Context, id int64, owner string) error {
	res, err := d.db.ExecContext(ctx, `UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0), lease_owner = '',
		lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'running' AND lease_owner = ?`, now(), id, owner)
	return leaseResult(res, err, id)
}

// RetryJob queues a failed job again with a fresh set of attempts.
func (d *DB) RetryJob(ctx context.Context, id int64) (Job, error) {
	err := d.InTx(ctx, func(tx *Tx) error {
		res, err := tx.tx.ExecContext(ctx, `UPDATE jobs SET state = 'queued', attempts = 0, run_after = ?, finished_at = NULL,
			updated_at = ? WHERE id = ? AND state = 'failed'`, now(), now(), id)
		if err != nil {
			return fmt.Errorf("catalog: retry job %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: job %d is not failed", ErrInvalid, id)
		}
		return tx.refreshStatusOfJob(ctx, id)
	})
	if err != nil {
		return Job{}, err
	}
	return d.Job(ctx, id)
}

func (tx *Tx) refreshStatusOfJob(ctx context.Context, id int64) error {
	var assetID sql.NullString
	if err := tx.tx.QueryRowContext(ctx, "SELECT asset_id FROM jobs WHERE id = ?", id).Scan(&assetID); err != nil {
		return fmt.Errorf("catalog: job %d: %w", id, err)
	}
	if !assetID.Valid {
		return nil
	}
	return tx.refreshStatus(ctx, assetID.String)
}

// refreshStatus derives an asset's processing status from the jobs attached
// to it (jobs that only read an asset, such as cuts, are not attached): failed
// if any failed for good, processing while any is pending, ready otherwise.
// Review states set later are left alone.
func (tx *Tx) refreshStatus(ctx context.Context, assetID string) error {
	var failed, pending int
	var lastErr string
	err := tx.tx.QueryRowContext(ctx, `SELECT
		coalesce(sum(state = 'failed'), 0), coalesce(sum(state IN ('queued', 'running')), 0),
		coalesce((SELECT last_error FROM jobs WHERE asset_id = ?1 AND state = 'failed' ORDER BY id DESC LIMIT 1), '')
		FROM jobs WHERE asset_id = ?1`, assetID).Scan(&failed, &pending, &lastErr)
	if err != nil {
		return fmt.Errorf("catalog: status of %s: %w", assetID, err)
	}
	status := StatusReady
	switch {
	case failed > 0:
		status = StatusFailed
	case pending > 0:
		status, lastErr = StatusProcessing, ""
	}
	_, err = tx.tx.ExecContext(ctx, `UPDATE assets SET status = ?, processing_error = ?, updated_at = ?
		WHERE id = ? AND status IN ('processing', 'ready', 'failed')`, status, lastErr, now(), assetID)
	if err != nil {
		return fmt.Errorf("catalog: status of %s: %w", assetID, err)
	}
	return nil
}

// JobQuery selects a page of jobs, newest first.
type JobQuery struct {
	State   string // one state, or "" for all
	AssetID string // only this asset's jobs when set
	OrgID   int64  // only jobs on this organisation's assets when non-zero
	Limit   int    // default 50, at most 500
	Cursor  string // from the previous page
}

// ListJobs returns one page of jobs and the next page's cursor ("" at the end).
func (d *DB) ListJobs(ctx context.Context, q JobQuery) ([]Job, string, error) {
	where, args, err := q.where()
	if err != nil {
		return nil, "", err
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 500)
	rows, err := d.db.QueryContext(ctx, "SELECT "+jobColumns+" WHERE "+where+" ORDER BY id DESC LIMIT ?", append(args, q.Limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("catalog: list jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, "", fmt.Errorf("catalog: list jobs: %w", err)
		}
		out = append(out, j)
	}
	next := ""
	if len(out) > q.Limit {
		out = out[:q.Limit]
		next = strconv.FormatInt(out[len(out)-1].ID, 10)
	}
	return out, next, rows.Err()
}

func (q JobQuery) where() (string, []any, error) {
	where, args := []string{"1 = 1"}, []any{}
	switch q.State {
	case "":
	case JobQueued, JobRunning, JobDone, JobFailed:
		where, args = append(where, "state = ?"), append(args, q.State)
	default:
		return "", nil, fmt.Errorf("%w: job state %q (want queued, running, done or failed)", ErrInvalid, q.State)
	}
	if q.AssetID != "" {
		where, args = append(where, "asset_id = ?"), append(args, q.AssetID)
	}
	if q.OrgID != 0 {
		where = append(where, "(org_id = ? OR asset_id IN (SELECT id FROM assets WHERE org_id = ?))")
		args = append(args, q.OrgID, q.OrgID)
	}
	if q.Cursor != "" {
		c, err := strconv.ParseInt(q.Cursor, 10, 64)
		if err != nil {
			return "", nil, fmt.Errorf("%w: cursor %q", ErrInvalid, q.Cursor)
		}
		where, args = append(where, "id < ?"), append(args, c)
	}
	return strings.Join(where, " AND "), args, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
