package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/quangba/quangba/catalog/vntext"
)

// shortFields are translated term by term with the glossary; longer text
// only from the translation memory.
var shortFields = map[string]bool{FieldTitle: true, FieldKeywords: true, FieldSublocation: true, FieldCity: true, FieldProvince: true, FieldCountry: true}

// memoryKey is the form under which near matches meet: folded (no marks,
// đ → d, lower case) with punctuation and spacing collapsed.
func memoryKey(s string) string {
	f := strings.FieldsFunc(strings.ToLower(vntext.Fold(s)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	return strings.Join(f, " ")
}

// suggest fills each empty field and language with a draft translation
// from another language of the same field, when the memory or the glossary
// knows one. Languages are tried as sources in the order given.
func (tx *Tx) suggest(ctx context.Context, m *Metadata, langs []string, s Suggester) error {
	for _, field := range TextFields {
		for _, dst := range langs {
			if !m.Text(field, dst).Empty() {
				continue
			}
			for _, src := range langs {
				from := m.Text(field, src)
				if src == dst || from.Empty() {
					continue
				}
				t, ok, err := tx.translate(ctx, field, from, src, dst, s)
				if err != nil {
					return err
				}
				if ok {
					m.set(field, dst, t)
					break
				}
			}
		}
	}
	return nil
}

// translate proposes dst for one field: keywords one by one, other text
// whole.
func (tx *Tx) translate(ctx context.Context, field string, from Text, src, dst string, s Suggester) (Text, bool, error) {
	at := time.Now().UTC()
	t := Text{State: TextDraft, SetAt: &at}
	if field != FieldKeywords {
		v, origin, err := tx.translateOne(ctx, field, from.Value, src, dst, s)
		t.Value, t.Origin = v, origin
		return t, v != "", err
	}
	for _, k := range from.Keywords {
		v, origin, err := tx.translateOne(ctx, field, k, src, dst, s)
		if err != nil || v == "" {
			return Text{}, false, err
		}
		t.Keywords = append(t.Keywords, v)
		if t.Origin == "" || origin == OriginMemory {
			t.Origin = origin
		}
	}
	return t, len(t.Keywords) > 0, nil
}

func (tx *Tx) translateOne(ctx context.Context, field, text, src, dst string, s Suggester) (string, string, error) {
	v, err := tx.recall(ctx, field, text, src, dst)
	if err != nil || v != "" {
		return v, OriginMemory, err
	}
	if s != nil && shortFields[field] {
		if v, ok := s.Translate(field, text, src, dst); ok {
			return v, OriginGlossary, nil
		}
	}
	return "", "", nil
}

// recall finds an earlier reviewed translation: the same text, or else the
// same text up to marks, case and punctuation (the most used one).
func (tx *Tx) recall(ctx context.Context, field, text, src, dst string) (string, error) {
	var v string
	err := tx.tx.QueryRowContext(ctx, `SELECT dst_text FROM translation_memory WHERE field = ? AND src_lang = ? AND dst_lang = ?
		AND (src_text = ? OR src_fold = ?) ORDER BY src_text = ? DESC, uses DESC, updated_at DESC LIMIT 1`,
		field, src, dst, text, memoryKey(text), text).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("catalog: translation memory: %w", err)
	}
	return v, nil
}

// remember stores every pair of languages of a field that became reviewed
// (or changed while reviewed) in this edit, both ways.
func (tx *Tx) remember(ctx context.Context, before, after Metadata, langs []string) error {
	for _, field := range TextFields {
		for i, a := range langs {
			for _, b := range langs[i+1:] {
				ta, tb := after.Text(field, a), after.Text(field, b)
				if ta.State != TextReviewed || tb.State != TextReviewed {
					continue
				}
				if samePair(before, field, a, b, ta, tb) {
					continue
				}
				if err := tx.rememberPair(ctx, field, a, b, ta, tb); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func samePair(before Metadata, field, a, b string, ta, tb Text) bool {
	pa, pb := before.Text(field, a), before.Text(field, b)
	return pa.State == TextReviewed && pb.State == TextReviewed && sameText(pa, ta) && sameText(pb, tb)
}

func (tx *Tx) rememberPair(ctx context.Context, field, a, b string, ta, tb Text) error {
	if field != FieldKeywords {
		return tx.rememberBoth(ctx, field, a, b, ta.Value, tb.Value)
	}
	if len(ta.Keywords) != len(tb.Keywords) { // no way to tell which keyword is which
		return nil
	}
	for i := range ta.Keywords {
		if err := tx.rememberBoth(ctx, field, a, b, ta.Keywords[i], tb.Keywords[i]); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Tx) rememberBoth(ctx context.Context, field, a, b, va, vb string) error {
	for _, p := range [][4]string{{a, b, va, vb}, {b, a, vb, va}} {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO translation_memory (field, src_lang, dst_lang, src_text, src_fold, dst_text, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (field, src_lang, dst_lang, src_text)
			DO UPDATE SET dst_text = excluded.dst_text, uses = uses + 1, updated_at = excluded.updated_at`,
			field, p[0], p[1], p[2], memoryKey(p[2]), p[3], now())
		if err != nil {
			return fmt.Errorf("catalog: remember %s translation: %w", field, err)
		}
	}
	return nil
}
