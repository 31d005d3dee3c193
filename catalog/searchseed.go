package catalog

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/oklog/ulid/v2"
)

// SeedAsset is a generated asset with its metadata, for benchmarks and
// load tests.
type SeedAsset struct {
	Asset           Asset                        // ID is made from CreatedAt when empty
	Texts           map[string]map[string]string // field → language → value (not keywords)
	Keywords        map[string][]string          // language → keywords
	Creator, Credit string
	Themes          []string // confirmed themes
	Subtitles       []string // languages with a subtitle track
	Reviewed        bool     // texts are reviewed (otherwise drafts)
}

// Seed writes generated assets, their texts, themes, subtitle tracks and
// search documents in one transaction with prepared statements. It skips
// ingest, jobs, files and the audit log: it is for filling a catalogue to
// measure, not for real assets.
func (d *DB) Seed(ctx context.Context, assets []SeedAsset) error {
	return d.InTx(ctx, func(tx *Tx) error {
		st, err := tx.prepareSeed(ctx)
		if err != nil {
			return fmt.Errorf("catalog: seed: %w", err)
		}
		defer st.close()
		for i := range assets {
			if err := st.write(ctx, &assets[i]); err != nil {
				return fmt.Errorf("catalog: seed: %w", err)
			}
		}
		_, err = tx.tx.ExecContext(ctx, "UPDATE asset_search_docs SET indexed = 1 WHERE indexed = 0")
		return err
	})
}

type seedStmts struct {
	asset, text, theme, sub, doc *sql.Stmt
}

func (tx *Tx) prepareSeed(ctx context.Context) (*seedStmts, error) {
	var s seedStmts
	var err error
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&s.asset, `INSERT INTO assets (id, kind, status, org_id, file_name, raw_file_name, format, mime, byte_size, sha256, width, height,
			orientation, captured_at, rotation, duration_ms, creator, credit, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.text, "INSERT INTO asset_texts (asset_id, field, lang, value, state, origin, set_at) VALUES (?, ?, ?, ?, ?, 'import', ?)"},
		{&s.theme, "INSERT INTO asset_themes (asset_id, theme, confirmed, set_at) VALUES (?, ?, 1, ?)"},
		{&s.sub, `INSERT INTO subtitle_tracks (asset_id, lang, source, encoding, storage_key, cues, errors, warnings, set_at)
			VALUES (?, ?, 'seed.srt', 'UTF-8', ?, 0, 0, 0, ?)`},
		{&s.doc, "INSERT INTO asset_search (rowid, exact, folded) SELECT docid, ?, ? FROM asset_search_docs WHERE asset_id = ?"},
	} {
		if *p.dst, err = tx.tx.PrepareContext(ctx, p.sql); err != nil {
			s.close()
			return nil, err
		}
	}
	return &s, nil
}

func (s *seedStmts) close() {
	for _, st := range []*sql.Stmt{s.asset, s.text, s.theme, s.sub, s.doc} {
		if st != nil {
			st.Close()
		}
	}
}

func (s *seedStmts) write(ctx context.Context, sa *SeedAsset) error {
	a := &sa.Asset
	if a.CreatedAt.IsZero() {
		a.CreatedAt = time.Now().UTC()
	}
	if a.ID == "" {
		id, err := ulid.New(ulid.Timestamp(a.CreatedAt), rand.Reader)
		if err != nil {
			return err
		}
		a.ID = toLowerASCII(id.String())
	}
	var captured sql.NullString
	if a.CapturedAt != nil {
		captured = sql.NullString{String: formatTime(*a.CapturedAt), Valid: true}
	}
	at := formatTime(a.CreatedAt)
	if _, err := s.asset.ExecContext(ctx, a.ID, a.Kind, a.Status, a.OrgID, a.FileName, a.RawFileName, a.Format, a.MIME, a.ByteSize, a.SHA256,
		a.Width, a.Height, a.Orientation, captured, a.Rotation, a.Duration.Milliseconds(), sa.Creator, sa.Credit, at, at); err != nil {
		return fmt.Errorf("asset %s: %w", a.ID, err)
	}
	state := TextDraft
	if sa.Reviewed {
		state = TextReviewed
	}
	var doc searchDoc
	for _, field := range TextFields {
		for lang, v := range sa.Texts[field] {
			if _, err := s.text.ExecContext(ctx, a.ID, field, lang, v, state, at); err != nil {
				return err
			}
			doc.add(field, v)
		}
	}
	for lang, kws := range sa.Keywords {
		b, _ := json.Marshal(kws)
		if _, err := s.text.ExecContext(ctx, a.ID, FieldKeywords, lang, string(b), state, at); err != nil {
			return err
		}
		doc.add(FieldKeywords, string(b))
	}
	for _, t := range sa.Themes {
		if _, err := s.theme.ExecContext(ctx, a.ID, t, at); err != nil {
			return err
		}
	}
	for _, l := range sa.Subtitles {
		if _, err := s.sub.ExecContext(ctx, a.ID, l, "subtitles/"+a.ID+"/"+l, at); err != nil {
			return err
		}
	}
	doc.add("", sa.Creator)
	doc.add("", sa.Credit)
	doc.add("", a.RawFileName)
	exact, folded := doc.forms()
	_, err := s.doc.ExecContext(ctx, exact, folded, a.ID)
	return err
}

func toLowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
