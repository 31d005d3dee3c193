package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Language-bearing descriptive fields (DOMAIN.md, "Metadata").
const (
	FieldTitle       = "title"
	FieldCaption     = "caption"
	FieldKeywords    = "keywords"
	FieldAltText     = "alt_text"
	FieldCopyright   = "copyright"
	FieldUsageTerms  = "usage_terms"
	FieldSublocation = "sublocation"
	FieldCity        = "city"
	FieldProvince    = "province"
	FieldCountry     = "country"
)

// TextFields lists the language-bearing fields in display order.
var TextFields = []string{FieldTitle, FieldCaption, FieldKeywords, FieldAltText, FieldCopyright, FieldUsageTerms,
	FieldSublocation, FieldCity, FieldProvince, FieldCountry}

// Translation states; a field with no value is empty.
const (
	TextEmpty    = "empty"
	TextDraft    = "draft"    // suggested by the system or typed by someone
	TextReviewed = "reviewed" // a curator confirmed it
)

// Where a value came from.
const (
	OriginFile     = "file"     // read from the uploaded file
	OriginEdit     = "edit"     // typed through the API
	OriginImport   = "import"   // a spreadsheet sent with the files
	OriginMemory   = "memory"   // the translation memory
	OriginGlossary = "glossary" // the glossary
)

// Text is one field in one language.
type Text struct {
	Value    string   // NFC text; "" when empty
	Keywords []string // the keywords field's items
	State    string   // empty, draft or reviewed
	Origin   string
	SetByID  int64
	SetBy    string // user name, filled on read
	SetAt    *time.Time
}

// Empty reports whether the field has no value.
func (t Text) Empty() bool { return t.Value == "" && len(t.Keywords) == 0 }

// Metadata is an asset's descriptive metadata.
type Metadata struct {
	Texts       map[string]map[string]Text // field → language → text
	Creator     string
	Credit      string
	DateCreated string // 2026, 2026-03, 2026-03-10 or RFC 3339
	CountryCode string // ISO 3166 alpha-2 or alpha-3
	SourceType  string // IPTC digital source type, e.g. digitalCapture
}

// Text returns a field in a language (State empty when absent).
func (m Metadata) Text(field, lang string) Text {
	if t, ok := m.Texts[field][lang]; ok {
		return t
	}
	return Text{State: TextEmpty}
}

func (m *Metadata) set(field, lang string, t Text) {
	if m.Texts == nil {
		m.Texts = map[string]map[string]Text{}
	}
	if m.Texts[field] == nil {
		m.Texts[field] = map[string]Text{}
	}
	if t.Empty() {
		delete(m.Texts[field], lang)
		return
	}
	m.Texts[field][lang] = t
}

// AllText is every value of every field in every language, for matching
// theme keywords.
func (m Metadata) AllText() []string {
	var out []string
	for _, byLang := range m.Texts {
		for _, t := range byLang {
			out = append(out, t.Value)
			out = append(out, t.Keywords...)
		}
	}
	return out
}

// Metadata returns an asset's descriptive metadata.
func (d *DB) Metadata(ctx context.Context, assetID string) (Metadata, error) {
	var m Metadata
	err := d.InTx(ctx, func(tx *Tx) error {
		var err error
		m, err = tx.metadata(ctx, assetID)
		return err
	})
	return m, err
}

func (tx *Tx) metadata(ctx context.Context, assetID string) (Metadata, error) {
	var m Metadata
	err := tx.tx.QueryRowContext(ctx, `SELECT creator, credit, date_created, country_code, source_type FROM assets WHERE id = ?`, assetID).
		Scan(&m.Creator, &m.Credit, &m.DateCreated, &m.CountryCode, &m.SourceType)
	if err == sql.ErrNoRows {
		return m, fmt.Errorf("%w: asset %s", ErrNotFound, assetID)
	}
	if err != nil {
		return m, fmt.Errorf("catalog: metadata of %s: %w", assetID, err)
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT t.field, t.lang, t.value, t.state, t.origin, coalesce(t.set_by, 0), coalesce(u.name, ''), t.set_at
		FROM asset_texts t LEFT JOIN users u ON u.id = t.set_by WHERE t.asset_id = ?`, assetID)
	if err != nil {
		return m, fmt.Errorf("catalog: metadata of %s: %w", assetID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var field, lang, at string
		var t Text
		if err := rows.Scan(&field, &lang, &t.Value, &t.State, &t.Origin, &t.SetByID, &t.SetBy, &at); err != nil {
			return m, fmt.Errorf("catalog: metadata of %s: %w", assetID, err)
		}
		if field == FieldKeywords {
			_ = json.Unmarshal([]byte(t.Value), &t.Keywords)
			t.Value = ""
		}
		when := parseTime(at)
		t.SetAt = &when
		m.set(field, lang, t)
	}
	return m, rows.Err()
}

// putText writes (or, when empty, deletes) one field in one language.
func (tx *Tx) putText(ctx context.Context, assetID, field, lang string, t Text) error {
	if t.Empty() {
		_, err := tx.tx.ExecContext(ctx, "DELETE FROM asset_texts WHERE asset_id = ? AND field = ? AND lang = ?", assetID, field, lang)
		return err
	}
	value := t.Value
	if field == FieldKeywords {
		b, _ := json.Marshal(t.Keywords)
		value = string(b)
	}
	at := time.Now().UTC()
	if t.SetAt != nil {
		at = *t.SetAt
	}
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO asset_texts (asset_id, field, lang, value, state, origin, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (asset_id, field, lang) DO UPDATE SET value = excluded.value, state = excluded.state, origin = excluded.origin,
		set_by = excluded.set_by, set_at = excluded.set_at`, assetID, field, lang, value, t.State, t.Origin, nullID(t.SetByID), formatTime(at))
	if err != nil {
		return fmt.Errorf("catalog: %s.%s of %s: %w", field, lang, assetID, err)
	}
	return nil
}

func (tx *Tx) putPlain(ctx context.Context, assetID string, m Metadata) error {
	_, err := tx.tx.ExecContext(ctx, `UPDATE assets SET creator = ?, credit = ?, date_created = ?, country_code = ?, source_type = ?,
		updated_at = ? WHERE id = ?`, m.Creator, m.Credit, m.DateCreated, m.CountryCode, m.SourceType, now(), assetID)
	if err != nil {
		return fmt.Errorf("catalog: metadata of %s: %w", assetID, err)
	}
	return nil
}

// sameText reports whether two texts hold the same value.
func sameText(a, b Text) bool { return a.Value == b.Value && slices.Equal(a.Keywords, b.Keywords) }
