package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Upload statuses: the ingest outcome of a finished resumable upload.
const (
	UploadProcessing = "processing"
	UploadNew        = "new"
	UploadDuplicate  = "duplicate"
	UploadRefused    = "refused"
)

// UploadResult is what became of one finished resumable upload.
type UploadResult struct {
	ID        string // the tus upload id
	UserID    int64  // who uploaded it; only they may read it
	FileName  string
	Bytes     int64
	Status    string // UploadProcessing, UploadNew, UploadDuplicate or UploadRefused
	AssetID   string // the new asset, or the one it duplicates ("" when that one is not visible to the uploader)
	ErrorCode string // refused (or duplicate of an invisible asset): why
	MessageVi string
	MessageEn string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PutUploadResult records (or replaces) the outcome of upload r.ID.
func (d *DB) PutUploadResult(ctx context.Context, r UploadResult) error {
	switch r.Status {
	case UploadProcessing, UploadNew, UploadDuplicate, UploadRefused:
	default:
		return fmt.Errorf("%w: upload status %q", ErrInvalid, r.Status)
	}
	t := now()
	_, err := d.db.ExecContext(ctx, `INSERT INTO uploads (id, user_id, file_name, bytes, status, asset_id, error_code, message_vi, message_en, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET status = excluded.status, asset_id = excluded.asset_id, error_code = excluded.error_code,
			message_vi = excluded.message_vi, message_en = excluded.message_en, updated_at = excluded.updated_at`,
		r.ID, r.UserID, r.FileName, r.Bytes, r.Status, r.AssetID, r.ErrorCode, r.MessageVi, r.MessageEn, t, t)
	if err != nil {
		return fmt.Errorf("catalog: upload result %s: %w", r.ID, err)
	}
	return nil
}

// UploadResultByID returns the outcome of upload id; ErrNotFound when none
// is recorded.
func (d *DB) UploadResultByID(ctx context.Context, id string) (UploadResult, error) {
	var r UploadResult
	var created, updated string
	err := d.db.QueryRowContext(ctx, `SELECT id, user_id, file_name, bytes, status, asset_id, error_code, message_vi, message_en, created_at, updated_at
		FROM uploads WHERE id = ?`, id).Scan(&r.ID, &r.UserID, &r.FileName, &r.Bytes, &r.Status, &r.AssetID, &r.ErrorCode, &r.MessageVi, &r.MessageEn, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: upload %s", ErrNotFound, id)
	}
	if err != nil {
		return r, fmt.Errorf("catalog: upload result %s: %w", id, err)
	}
	r.CreatedAt, r.UpdatedAt = parseTime(created), parseTime(updated)
	return r, nil
}

// DeleteUploadResultsBefore removes outcomes last changed before t and
// returns how many went.
func (d *DB) DeleteUploadResultsBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := d.db.ExecContext(ctx, "DELETE FROM uploads WHERE updated_at < ?", formatTime(t))
	if err != nil {
		return 0, fmt.Errorf("catalog: delete upload results: %w", err)
	}
	return res.RowsAffected()
}
