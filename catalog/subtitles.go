package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// SubtitleTrack is one language's subtitles of a clip or trailer.
type SubtitleTrack struct {
	AssetID    string
	Lang       string
	Source     string // uploaded file name, or "embedded stream N"
	Encoding   string
	StorageKey string // normalised SRT
	Cues       int
	Errors     int
	Warnings   int
	Report     json.RawMessage // the check's findings
	SetByID    int64
	SetBy      string // filled on read
	SetAt      time.Time
}

// PutSubtitle stores (or replaces) a track and audits it.
func (d *DB) PutSubtitle(ctx context.Context, t *SubtitleTrack, actor Principal) error {
	t.SetAt, t.SetByID = time.Now().UTC(), actor.UserID
	if len(t.Report) == 0 {
		t.Report = json.RawMessage("[]")
	}
	return d.InTx(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO subtitle_tracks (asset_id, lang, source, encoding, storage_key, cues, errors, warnings, report, set_by, set_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (asset_id, lang) DO UPDATE SET source = excluded.source,
			encoding = excluded.encoding, storage_key = excluded.storage_key, cues = excluded.cues, errors = excluded.errors,
			warnings = excluded.warnings, report = excluded.report, set_by = excluded.set_by, set_at = excluded.set_at`,
			t.AssetID, t.Lang, t.Source, t.Encoding, t.StorageKey, t.Cues, t.Errors, t.Warnings, string(t.Report), nullID(t.SetByID), formatTime(t.SetAt))
		if err != nil {
			return fmt.Errorf("catalog: subtitles %s of %s: %w", t.Lang, t.AssetID, err)
		}
		return tx.Audit(ctx, Event{ActorID: actor.UserID, OrgID: actor.OrgID, Action: "asset.subtitles", SubjectType: "asset", SubjectID: t.AssetID,
			Detail: map[string]any{"lang": t.Lang, "source": t.Source, "cues": t.Cues, "errors": t.Errors, "warnings": t.Warnings}})
	})
}

// Subtitles lists an asset's tracks by language.
func (d *DB) Subtitles(ctx context.Context, assetID string) ([]SubtitleTrack, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT s.asset_id, s.lang, s.source, s.encoding, s.storage_key, s.cues, s.errors, s.warnings, s.report,
		coalesce(s.set_by, 0), coalesce(u.name, ''), s.set_at FROM subtitle_tracks s LEFT JOIN users u ON u.id = s.set_by
		WHERE s.asset_id = ? ORDER BY s.lang`, assetID)
	if err != nil {
		return nil, fmt.Errorf("catalog: subtitles of %s: %w", assetID, err)
	}
	defer rows.Close()
	var out []SubtitleTrack
	for rows.Next() {
		var t SubtitleTrack
		var report, at string
		if err := rows.Scan(&t.AssetID, &t.Lang, &t.Source, &t.Encoding, &t.StorageKey, &t.Cues, &t.Errors, &t.Warnings, &report,
			&t.SetByID, &t.SetBy, &at); err != nil {
			return nil, fmt.Errorf("catalog: subtitles of %s: %w", assetID, err)
		}
		t.Report, t.SetAt = json.RawMessage(report), parseTime(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Subtitle returns one language's track, or ErrNotFound.
func (d *DB) Subtitle(ctx context.Context, assetID, lang string) (SubtitleTrack, error) {
	ts, err := d.Subtitles(ctx, assetID)
	if err != nil {
		return SubtitleTrack{}, err
	}
	for _, t := range ts {
		if t.Lang == lang {
			return t, nil
		}
	}
	return SubtitleTrack{}, fmt.Errorf("%w: %s subtitles of asset %s", ErrNotFound, lang, assetID)
}
