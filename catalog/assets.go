package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/oklog/ulid/v2"
)

// Asset kinds.
const (
	KindPhoto   = "photo"
	KindClip    = "clip"
	KindTrailer = "trailer"
)

// Asset statuses. Processing sets the first three; review (review.go) moves
// a ready asset on, and processing leaves the review statuses alone.
const (
	StatusProcessing       = "processing"        // renditions are being made
	StatusReady            = "ready"             // every processing job is done; awaiting review
	StatusFailed           = "failed"            // a processing job failed for good; see ProcessingError
	StatusApproved         = "approved"          // a curator approved it; exportable unless restricted
	StatusRejected         = "rejected"          // refused; Review.Note says why
	StatusChangesRequested = "changes_requested" // the contributor should edit and resubmit; Review.Note says what
	StatusArchived         = "archived"          // approved once, now out of use
)

// Asset is one catalogued photo, clip or trailer with its technical metadata.
type Asset struct {
	ID          string
	Kind        string
	Status      string
	OrgID       int64
	OrgName     string // filled on read
	UploaderID  int64
	Uploader    string // filled on read
	FileName    string // sanitized
	RawFileName string // as uploaded
	Format      string
	MIME        string
	ByteSize    int64
	SHA256      string

	Width, Height int
	Orientation   int
	CapturedAt    *time.Time
	CameraMake    string
	CameraModel   string
	GPS           *GPS

	Duration        time.Duration
	VideoCodec      string
	AudioCodec      string
	FrameRate       float64
	Rotation        int
	HasAudio        bool
	SubtitleStreams int

	Warnings  []string
	CreatedAt time.Time
	UpdatedAt time.Time

	// Filled by processing.
	ProcessingError string   // why processing failed, for the uploader to read
	LoudnessLUFS    *float64 // EBU R128 integrated loudness (videos with audio)
	TruePeakDBTP    *float64 // EBU R128 true peak

	// Set on a trailer cut from a clip.
	SourceAssetID    string
	CutStart, CutEnd time.Duration

	// Review is the last review decision and the restricted flag.
	Review Review

	// Prefill is written with the asset by InsertAsset (metadata read from
	// the file or sent with it); it is not filled on read.
	Prefill *Prefill
}

// Prefill is the first metadata of a new asset.
type Prefill struct {
	Edit    MetaEdit
	Langs   []string  // languages in use
	Suggest Suggester // may be nil
}

// Cut is a trailer being cut from a clip, on its way to becoming an asset.
type Cut struct {
	Source     Asset
	Start, End time.Duration
	ActorID    int64  // who asked (0 for the command line)
	FileName   string // display name of the new trailer
}

// GPS is a position in decimal degrees.
type GPS struct {
	Lat, Lon float64
	Alt      *float64
}

// File is one stored file of an asset.
type File struct {
	ID         int64
	AssetID    string
	Role       string // original or rendition
	Name       string // "original", or the rendition name
	StorageKey string
	MIME       string
	ByteSize   int64
	SHA256     string
	Width      int
	Height     int
	CreatedAt  time.Time
}

// NewAssetID returns a new time-ordered asset id.
func NewAssetID() string { return strings.ToLower(ulid.Make().String()) }

// InsertAsset inserts the asset, its original file, the jobs that process
// it and an audit event in one transaction. It fills a.ID (if empty) and the
// timestamps. If an asset with the same SHA-256 exists it returns an error
// wrapping ErrDuplicate.
func (d *DB) InsertAsset(ctx context.Context, a *Asset, original File, jobs ...Job) error {
	if a.ID == "" {
		a.ID = NewAssetID()
	}
	t := time.Now().UTC()
	a.CreatedAt, a.UpdatedAt = t, t
	return d.InTx(ctx, func(tx *Tx) error {
		if err := tx.insertAsset(ctx, a); err != nil {
			return err
		}
		original.AssetID, original.Role, original.CreatedAt = a.ID, "original", t
		if err := tx.InsertFile(ctx, &original); err != nil {
			return err
		}
		if err := tx.prefill(ctx, a); err != nil {
			return err
		}
		if err := tx.reindex(ctx, a.ID); err != nil { // search index (searchindex.go)
			return err
		}
		for i := range jobs {
			jobs[i].AssetID = a.ID
			if err := tx.Enqueue(ctx, &jobs[i]); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, Event{ActorID: a.UploaderID, OrgID: a.OrgID, Action: "asset.ingest", SubjectType: "asset", SubjectID: a.ID,
			Detail: map[string]any{"file_name": a.RawFileName, "sha256": a.SHA256, "bytes": a.ByteSize, "kind": a.Kind}})
	})
}

func (tx *Tx) insertAsset(ctx context.Context, a *Asset) error {
	warnings, _ := json.Marshal(nonNil(a.Warnings))
	var lat, lon, alt sql.NullFloat64
	if a.GPS != nil {
		lat, lon = sql.NullFloat64{Float64: a.GPS.Lat, Valid: true}, sql.NullFloat64{Float64: a.GPS.Lon, Valid: true}
		if a.GPS.Alt != nil {
			alt = sql.NullFloat64{Float64: *a.GPS.Alt, Valid: true}
		}
	}
	var captured sql.NullString
	if a.CapturedAt != nil {
		captured = sql.NullString{String: formatTime(*a.CapturedAt), Valid: true}
	}
	var source sql.NullString
	var cutStart, cutEnd sql.NullInt64
	if a.SourceAssetID != "" {
		source = sql.NullString{String: a.SourceAssetID, Valid: true}
		cutStart = sql.NullInt64{Int64: a.CutStart.Milliseconds(), Valid: true}
		cutEnd = sql.NullInt64{Int64: a.CutEnd.Milliseconds(), Valid: true}
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO assets (id, kind, status, org_id, uploader_id, file_name, raw_file_name, format, mime,
		byte_size, sha256, width, height, orientation, captured_at, camera_make, camera_model, gps_lat, gps_lon, gps_alt,
		duration_ms, video_codec, audio_codec, frame_rate, rotation, has_audio, subtitle_streams, warnings, created_at, updated_at,
		source_asset_id, cut_start_ms, cut_end_ms)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.Kind, a.Status, a.OrgID, nullID(a.UploaderID), a.FileName, a.RawFileName, a.Format, a.MIME,
		a.ByteSize, a.SHA256, a.Width, a.Height, a.Orientation, captured, a.CameraMake, a.CameraModel, lat, lon, alt,
		a.Duration.Milliseconds(), a.VideoCodec, a.AudioCodec, a.FrameRate, a.Rotation, a.HasAudio, a.SubtitleStreams,
		string(warnings), formatTime(a.CreatedAt), formatTime(a.UpdatedAt), source, cutStart, cutEnd)
	if isUnique(err) {
		return fmt.Errorf("%w: asset with SHA-256 %s", ErrDuplicate, a.SHA256)
	}
	if err != nil {
		return fmt.Errorf("catalog: insert asset %s: %w", a.ID, err)
	}
	return nil
}

func (tx *Tx) prefill(ctx context.Context, a *Asset) error {
	if a.Prefill == nil {
		return nil
	}
	p := a.Prefill
	_, _, err := tx.EditMetadata(ctx, a.ID, p.Edit, Principal{UserID: a.UploaderID, OrgID: a.OrgID}, p.Langs, p.Suggest)
	return err
}

// InsertFile records a stored file of an asset.
func (tx *Tx) InsertFile(ctx context.Context, f *File) error {
	if f.CreatedAt.IsZero() {
		f.CreatedAt = time.Now().UTC()
	}
	res, err := tx.tx.ExecContext(ctx, `INSERT INTO asset_files (asset_id, role, name, storage_key, mime, byte_size, sha256, width, height, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.AssetID, f.Role, f.Name, f.StorageKey, f.MIME, f.ByteSize, f.SHA256, f.Width, f.Height, formatTime(f.CreatedAt))
	if isUnique(err) {
		return fmt.Errorf("%w: file %q of asset %s", ErrDuplicate, f.Name, f.AssetID)
	}
	if err != nil {
		return fmt.Errorf("catalog: insert file %q of asset %s: %w", f.Name, f.AssetID, err)
	}
	f.ID, _ = res.LastInsertId()
	return nil
}

const assetColumns = `a.id, a.kind, a.status, a.org_id, o.name, coalesce(a.uploader_id, 0), coalesce(u.name, ''), a.file_name, a.raw_file_name,
	a.format, a.mime, a.byte_size, a.sha256, a.width, a.height, a.orientation, a.captured_at, a.camera_make, a.camera_model,
	a.gps_lat, a.gps_lon, a.gps_alt, a.duration_ms, a.video_codec, a.audio_codec, a.frame_rate, a.rotation, a.has_audio,
	a.subtitle_streams, a.warnings, a.created_at, a.updated_at,
	a.processing_error, a.loudness_lufs, a.true_peak_dbtp, coalesce(a.source_asset_id, ''), coalesce(a.cut_start_ms, 0), coalesce(a.cut_end_ms, 0),
	` + reviewColumns + `
	FROM assets a JOIN organisations o ON o.id = a.org_id LEFT JOIN users u ON u.id = a.uploader_id`

type scanner interface{ Scan(dest ...any) error }

func scanAsset(s scanner) (Asset, error) {
	var a Asset
	var captured sql.NullString
	var lat, lon, alt sql.NullFloat64
	var lufs, peak sql.NullFloat64
	var durationMS, cutStart, cutEnd int64
	var warnings, created, updated string
	var reviewed sql.NullString
	err := s.Scan(&a.ID, &a.Kind, &a.Status, &a.OrgID, &a.OrgName, &a.UploaderID, &a.Uploader, &a.FileName, &a.RawFileName,
		&a.Format, &a.MIME, &a.ByteSize, &a.SHA256, &a.Width, &a.Height, &a.Orientation, &captured, &a.CameraMake, &a.CameraModel,
		&lat, &lon, &alt, &durationMS, &a.VideoCodec, &a.AudioCodec, &a.FrameRate, &a.Rotation, &a.HasAudio,
		&a.SubtitleStreams, &warnings, &created, &updated,
		&a.ProcessingError, &lufs, &peak, &a.SourceAssetID, &cutStart, &cutEnd,
		&a.Review.Restricted, &a.Review.Note, &a.Review.ByID, &a.Review.By, &reviewed)
	if err != nil {
		return Asset{}, err
	}
	a.LoudnessLUFS, a.TruePeakDBTP = nullFloat(lufs), nullFloat(peak)
	a.CutStart, a.CutEnd = time.Duration(cutStart)*time.Millisecond, time.Duration(cutEnd)*time.Millisecond
	a.CapturedAt = parseNullTime(captured)
	a.Review.At = parseNullTime(reviewed)
	if lat.Valid && lon.Valid {
		a.GPS = &GPS{Lat: lat.Float64, Lon: lon.Float64}
		if alt.Valid {
			a.GPS.Alt = &alt.Float64
		}
	}
	a.Duration = time.Duration(durationMS) * time.Millisecond
	_ = json.Unmarshal([]byte(warnings), &a.Warnings)
	a.CreatedAt, a.UpdatedAt = parseTime(created), parseTime(updated)
	return a, nil
}

// Asset returns the asset with the given id.
func (d *DB) Asset(ctx context.Context, id string) (Asset, error) {
	return d.assetWhere(ctx, "a.id = ?", id)
}

// AssetBySHA256 returns the asset whose original has this SHA-256 (hex).
func (d *DB) AssetBySHA256(ctx context.Context, sum string) (Asset, error) {
	return d.assetWhere(ctx, "a.sha256 = ?", sum)
}

func (d *DB) assetWhere(ctx context.Context, where string, arg any) (Asset, error) {
	a, err := scanAsset(d.db.QueryRowContext(ctx, "SELECT "+assetColumns+" WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return Asset{}, fmt.Errorf("%w: asset %v", ErrNotFound, arg)
	}
	if err != nil {
		return Asset{}, fmt.Errorf("catalog: asset %v: %w", arg, err)
	}
	return a, nil
}

// ListQuery selects a page of assets, newest first.
type ListQuery struct {
	OrgID  int64  // only this organisation's assets when non-zero
	Limit  int    // page size (default 50, at most 500)
	Cursor string // from the previous page's next cursor
}

// ListAssets returns one page of assets, newest first, and the cursor of the
// next page ("" when this is the last).
func (d *DB) ListAssets(ctx context.Context, q ListQuery) ([]Asset, string, error) {
	if q.Limit <= 0 {
		q.Limit = 50
	}
	q.Limit = min(q.Limit, 500)
	where, args := []string{"1 = 1"}, []any{}
	if q.OrgID != 0 {
		where, args = append(where, "a.org_id = ?"), append(args, q.OrgID)
	}
	if q.Cursor != "" {
		if _, err := ulid.ParseStrict(strings.ToUpper(q.Cursor)); err != nil {
			return nil, "", fmt.Errorf("%w: cursor %q", ErrInvalid, q.Cursor)
		}
		where, args = append(where, "a.id < ?"), append(args, q.Cursor)
	}
	args = append(args, q.Limit+1)
	rows, err := d.db.QueryContext(ctx, "SELECT "+assetColumns+" WHERE "+strings.Join(where, " AND ")+" ORDER BY a.id DESC LIMIT ?", args...)
	if err != nil {
		return nil, "", fmt.Errorf("catalog: list assets: %w", err)
	}
	defer rows.Close()
	var out []Asset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, "", fmt.Errorf("catalog: list assets: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("catalog: list assets: %w", err)
	}
	next := ""
	if len(out) > q.Limit {
		out = out[:q.Limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

// Files lists the stored files of an asset, the original first.
func (d *DB) Files(ctx context.Context, assetID string) ([]File, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, asset_id, role, name, storage_key, mime, byte_size, sha256, width, height, created_at
		FROM asset_files WHERE asset_id = ? ORDER BY role = 'original' DESC, name`, assetID)
	if err != nil {
		return nil, fmt.Errorf("catalog: files of %s: %w", assetID, err)
	}
	defer rows.Close()
	var fs []File
	for rows.Next() {
		var f File
		var created string
		if err := rows.Scan(&f.ID, &f.AssetID, &f.Role, &f.Name, &f.StorageKey, &f.MIME, &f.ByteSize, &f.SHA256, &f.Width, &f.Height, &created); err != nil {
			return nil, err
		}
		f.CreatedAt = parseTime(created)
		fs = append(fs, f)
	}
	return fs, rows.Err()
}

// Original returns the original file of an asset.
func (d *DB) Original(ctx context.Context, assetID string) (File, error) {
	fs, err := d.Files(ctx, assetID)
	if err != nil {
		return File{}, err
	}
	for _, f := range fs {
		if f.Role == "original" {
			return f, nil
		}
	}
	return File{}, fmt.Errorf("%w: original of asset %s", ErrNotFound, assetID)
}

func nullFloat(f sql.NullFloat64) *float64 {
	if !f.Valid {
		return nil
	}
	return &f.Float64
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// PutRendition records a rendition of an asset, replacing an earlier one of
// the same name (a job that runs again writes the same names).
func (tx *Tx) PutRendition(ctx context.Context, f *File) error {
	if f.CreatedAt.IsZero() {
		f.CreatedAt = time.Now().UTC()
	}
	f.Role = "rendition"
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO asset_files (asset_id, role, name, storage_key, mime, byte_size, sha256, width, height, created_at)
		VALUES (?, 'rendition', ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (asset_id, name) DO UPDATE SET storage_key = excluded.storage_key, mime = excluded.mime,
		byte_size = excluded.byte_size, sha256 = excluded.sha256, width = excluded.width, height = excluded.height,
		created_at = excluded.created_at WHERE asset_files.role = 'rendition'`,
		f.AssetID, f.Name, f.StorageKey, f.MIME, f.ByteSize, f.SHA256, f.Width, f.Height, formatTime(f.CreatedAt))
	if err != nil {
		return fmt.Errorf("catalog: rendition %q of asset %s: %w", f.Name, f.AssetID, err)
	}
	return nil
}

// SetLoudness stores the measured EBU R128 loudness of a video asset (nil
// values when it has no audio).
func (tx *Tx) SetLoudness(ctx context.Context, assetID string, lufs, truePeak *float64) error {
	_, err := tx.tx.ExecContext(ctx, "UPDATE assets SET loudness_lufs = ?, true_peak_dbtp = ?, updated_at = ? WHERE id = ?",
		floatArg(lufs), floatArg(truePeak), now(), assetID)
	if err != nil {
		return fmt.Errorf("catalog: loudness of %s: %w", assetID, err)
	}
	return nil
}

func floatArg(f *float64) sql.NullFloat64 {
	if f == nil {
		return sql.NullFloat64{}
	}
	return sql.NullFloat64{Float64: *f, Valid: true}
}
