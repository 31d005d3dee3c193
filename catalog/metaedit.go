package catalog

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/quangba/quangba/catalog/vntext"
)

// ErrForbidden: the principal may not do this (e.g. a contributor marking
// a translation reviewed).
var ErrForbidden = errors.New("catalog: forbidden")

// FieldError is an edit refused because of one field; it carries messages
// in Vietnamese and English.
type FieldError struct {
	Field  string // e.g. "title.en"
	Vi, En string
}

func (e *FieldError) Error() string { return "catalog: " + e.Field + ": " + e.En }

// Unwrap makes a FieldError an ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func fieldErr(field, vi, en string) error { return &FieldError{Field: field, Vi: vi, En: en} }

// MetaEdit changes an asset's metadata. What it leaves nil stays as it is;
// an empty string or list clears.
type MetaEdit struct {
	Texts                                                 map[string]map[string]string // field → language → value (not keywords)
	Keywords                                              map[string][]string          // language → keywords
	Creator, Credit, DateCreated, CountryCode, SourceType *string
	Review                                                []string // "field.lang" to mark reviewed (curators and admins)
	Origin                                                string   // edit (default), file or import
}

// Limits on values, in user-perceived characters.
var textLimits = map[string]int{FieldTitle: 200, FieldCaption: 2000, FieldAltText: 500, FieldCopyright: 300, FieldUsageTerms: 1000,
	FieldSublocation: 120, FieldCity: 120, FieldProvince: 120, FieldCountry: 120}

const (
	maxKeywords      = 50
	maxKeywordLength = 64
	maxPlainLength   = 300
)

var dateCreated = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$`)

// Normalize cleans every value (NFC, trimmed, no control characters) and
// checks fields, languages, lengths and the date; langs are the languages
// in use.
func (e *MetaEdit) Normalize(langs []string) error {
	for field, byLang := range e.Texts {
		limit, ok := textLimits[field]
		if !ok {
			return fieldErr(field, fmt.Sprintf("Không có trường %q.", field), fmt.Sprintf("There is no field %q.", field))
		}
		for lang, v := range byLang {
			if err := checkLang(field, lang, langs); err != nil {
				return err
			}
			v = cleanText(v)
			if n := vntext.Graphemes(v); n > limit {
				return fieldErr(field+"."+lang, fmt.Sprintf("Dài %d ký tự, tối đa %d.", n, limit), fmt.Sprintf("%d characters long, at most %d.", n, limit))
			}
			byLang[lang] = v
		}
	}
	if err := e.normalizeKeywords(langs); err != nil {
		return err
	}
	if err := e.normalizePlain(); err != nil {
		return err
	}
	return e.checkReview(langs)
}

func checkLang(field, lang string, langs []string) error {
	if slices.Contains(langs, lang) {
		return nil
	}
	list := strings.Join(langs, ", ")
	return fieldErr(field+"."+lang, fmt.Sprintf("Ngôn ngữ %q không dùng; chọn %s.", lang, list), fmt.Sprintf("Language %q is not in use; use %s.", lang, list))
}

func (e *MetaEdit) normalizeKeywords(langs []string) error {
	for lang, kws := range e.Keywords {
		if err := checkLang(FieldKeywords, lang, langs); err != nil {
			return err
		}
		var out []string
		for _, k := range kws {
			k = cleanText(k)
			if k == "" || slices.Contains(out, k) {
				continue
			}
			if vntext.Graphemes(k) > maxKeywordLength {
				return fieldErr("keywords."+lang, fmt.Sprintf("Từ khóa %q dài quá %d ký tự.", k, maxKeywordLength), fmt.Sprintf("Keyword %q is longer than %d characters.", k, maxKeywordLength))
			}
			out = append(out, k)
		}
		if len(out) > maxKeywords {
			return fieldErr("keywords."+lang, fmt.Sprintf("Tối đa %d từ khóa.", maxKeywords), fmt.Sprintf("At most %d keywords.", maxKeywords))
		}
		e.Keywords[lang] = out
	}
	return nil
}

func (e *MetaEdit) normalizePlain() error {
	for name, p := range map[string]*string{"creator": e.Creator, "credit": e.Credit, "date_created": e.DateCreated,
		"country_code": e.CountryCode, "source_type": e.SourceType} {
		if p == nil {
			continue
		}
		*p = cleanText(*p)
		if vntext.Graphemes(*p) > maxPlainLength {
			return fieldErr(name, fmt.Sprintf("Dài quá %d ký tự.", maxPlainLength), fmt.Sprintf("Longer than %d characters.", maxPlainLength))
		}
	}
	if e.DateCreated != nil && *e.DateCreated != "" && !dateCreated.MatchString(*e.DateCreated) {
		return fieldErr("date_created", "Ngày phải có dạng 2026-03-10 (hoặc 2026-03, 2026).", "The date must look like 2026-03-10 (or 2026-03, 2026).")
	}
	if e.CountryCode != nil {
		*e.CountryCode = strings.ToUpper(*e.CountryCode)
		if c := *e.CountryCode; c != "" && !regexp.MustCompile(`^[A-Z]{2,3}$`).MatchString(c) {
			return fieldErr("country_code", "Mã quốc gia gồm 2 hoặc 3 chữ cái (VN, VNM).", "The country code is 2 or 3 letters (VN, VNM).")
		}
	}
	return nil
}

func (e *MetaEdit) checkReview(langs []string) error {
	for _, r := range e.Review {
		field, lang, ok := strings.Cut(r, ".")
		if _, known := textLimits[field]; !ok || (!known && field != FieldKeywords) {
			return fieldErr(r, fmt.Sprintf("%q không phải trường.ngôn ngữ (ví dụ title.en).", r), fmt.Sprintf("%q is not field.language (e.g. title.en).", r))
		}
		if err := checkLang(field, lang, langs); err != nil {
			return err
		}
	}
	return nil
}

// cleanText makes text NFC, drops control characters except line breaks
// and tabs, and trims it.
func cleanText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' || !unicode.IsControl(r) {
			return r
		}
		return -1
	}, strings.ToValidUTF8(s, ""))
	return strings.TrimSpace(vntext.NFC(strings.ReplaceAll(s, "\r\n", "\n")))
}

// Suggester proposes a translation for an empty field: the glossary does
// it for short fields. It may be nil.
type Suggester interface {
	Translate(field, text, from, to string) (string, bool)
}

// MetaChange is one field changed by an edit, for the audit log.
type MetaChange struct {
	Field  string `json:"field"`
	Before any    `json:"before"`
	After  any    `json:"after"`
}

// EditMetadata applies e to an asset as actor, in one transaction with an
// audit event listing every change with before and after. langs are the
// languages in use (the first is the source of suggestions); s suggests
// translations for fields left empty.
func (d *DB) EditMetadata(ctx context.Context, assetID string, e MetaEdit, actor Principal, langs []string, s Suggester) (Metadata, error) {
	var after Metadata
	err := d.InTx(ctx, func(tx *Tx) error {
		var changes []MetaChange
		var err error
		after, changes, err = tx.EditMetadata(ctx, assetID, e, actor, langs, s)
		if err != nil || len(changes) == 0 {
			return err
		}
		return tx.Audit(ctx, Event{ActorID: actor.UserID, OrgID: actor.OrgID, Action: "asset.metadata", SubjectType: "asset",
			SubjectID: assetID, Detail: map[string]any{"changes": changes}})
	})
	return after, err
}

// EditMetadata is the transactional step of DB.EditMetadata, without the
// audit event (ingest records its own).
func (tx *Tx) EditMetadata(ctx context.Context, assetID string, e MetaEdit, actor Principal, langs []string, s Suggester) (Metadata, []MetaChange, error) {
	if len(e.Review) > 0 && !actor.SeesAllOrgs() {
		return Metadata{}, nil, fmt.Errorf("%w: only curators and admins mark translations reviewed", ErrForbidden)
	}
	if err := e.Normalize(langs); err != nil {
		return Metadata{}, nil, err
	}
	before, err := tx.metadata(ctx, assetID)
	if err != nil {
		return Metadata{}, nil, err
	}
	after, err := applyEdit(before, e, actor, time.Now().UTC())
	if err != nil {
		return Metadata{}, nil, err
	}
	if len(langs) > 1 {
		if err := tx.suggest(ctx, &after, langs, s); err != nil {
			return Metadata{}, nil, err
		}
	}
	changes, err := tx.save(ctx, assetID, before, after)
	if err != nil {
		return Metadata{}, nil, err
	}
	if err := tx.reindex(ctx, assetID); err != nil { // search index (searchindex.go)
		return Metadata{}, nil, err
	}
	return after, changes, tx.remember(ctx, before, after, langs)
}

// EditMetadataMany applies the same edit (a template) to several assets in
// one transaction: all of them change, or none.
func (d *DB) EditMetadataMany(ctx context.Context, ids []string, e MetaEdit, actor Principal, langs []string, s Suggester) error {
	return d.InTx(ctx, func(tx *Tx) error {
		for _, id := range ids {
			_, changes, err := tx.EditMetadata(ctx, id, e, actor, langs, s)
			if err != nil {
				return fmt.Errorf("asset %s: %w", id, err)
			}
			if len(changes) == 0 {
				continue
			}
			err = tx.Audit(ctx, Event{ActorID: actor.UserID, OrgID: actor.OrgID, Action: "asset.metadata", SubjectType: "asset",
				SubjectID: id, Detail: map[string]any{"changes": changes, "bulk": len(ids)}})
			if err != nil {
				return err
			}
		}
		return nil
	})
}
