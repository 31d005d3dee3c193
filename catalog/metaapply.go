package catalog

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"
)

// applyEdit returns before with e applied: a changed value becomes a draft
// by actor; a value named in e.Review becomes reviewed.
func applyEdit(before Metadata, e MetaEdit, actor Principal, at time.Time) (Metadata, error) {
	after := cloneMeta(before)
	origin := e.Origin
	if origin == "" {
		origin = OriginEdit
	}
	mark := func(field, lang string, t Text) {
		old := after.Text(field, lang)
		if sameText(old, t) {
			return
		}
		t.State, t.Origin, t.SetByID, t.SetBy, t.SetAt = TextDraft, origin, actor.UserID, actor.UserName, &at
		after.set(field, lang, t)
	}
	for _, field := range sortedKeys(e.Texts) {
		for _, lang := range sortedKeys(e.Texts[field]) {
			mark(field, lang, Text{Value: e.Texts[field][lang]})
		}
	}
	for _, lang := range sortedKeys(e.Keywords) {
		mark(FieldKeywords, lang, Text{Keywords: e.Keywords[lang]})
	}
	setPlain(&after, e)
	for _, r := range e.Review {
		field, lang, _ := strings.Cut(r, ".")
		t := after.Text(field, lang)
		if t.Empty() {
			return Metadata{}, fieldErr(r, "Không thể duyệt một trường trống.", "An empty field cannot be marked reviewed.")
		}
		if t.State != TextReviewed || t.SetByID != actor.UserID {
			t.State, t.SetByID, t.SetBy, t.SetAt = TextReviewed, actor.UserID, actor.UserName, &at
			after.set(field, lang, t)
		}
	}
	return after, nil
}

func setPlain(m *Metadata, e MetaEdit) {
	for _, p := range []struct {
		dst *string
		src *string
	}{{&m.Creator, e.Creator}, {&m.Credit, e.Credit}, {&m.DateCreated, e.DateCreated}, {&m.CountryCode, e.CountryCode}, {&m.SourceType, e.SourceType}} {
		if p.src != nil {
			*p.dst = *p.src
		}
	}
}

func cloneMeta(m Metadata) Metadata {
	out := m
	out.Texts = map[string]map[string]Text{}
	for f, byLang := range m.Texts {
		out.Texts[f] = maps.Clone(byLang)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// save writes what differs between before and after and lists it.
func (tx *Tx) save(ctx context.Context, assetID string, before, after Metadata) ([]MetaChange, error) {
	var changes []MetaChange
	for _, field := range TextFields {
		langs := slices.Sorted(maps.Keys(mergeKeys(before.Texts[field], after.Texts[field])))
		for _, lang := range langs {
			b, a := before.Text(field, lang), after.Text(field, lang)
			if sameText(b, a) && b.State == a.State && b.SetByID == a.SetByID {
				continue
			}
			if err := tx.putText(ctx, assetID, field, lang, a); err != nil {
				return nil, err
			}
			changes = append(changes, MetaChange{Field: field + "." + lang, Before: auditText(b), After: auditText(a)})
		}
	}
	plainBefore, plainAfter := plainOf(before), plainOf(after)
	if plainBefore != plainAfter {
		if err := tx.putPlain(ctx, assetID, after); err != nil {
			return nil, err
		}
		for name, b := range plainBefore.fields() {
			if a := plainAfter.fields()[name]; a != b {
				changes = append(changes, MetaChange{Field: name, Before: b, After: a})
			}
		}
	}
	return changes, nil
}

func mergeKeys(a, b map[string]Text) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func auditText(t Text) map[string]any {
	if t.Empty() {
		return map[string]any{"state": TextEmpty}
	}
	if t.Keywords != nil {
		return map[string]any{"keywords": t.Keywords, "state": t.State}
	}
	return map[string]any{"text": t.Value, "state": t.State}
}

type plain struct{ creator, credit, date, country, source string }

func plainOf(m Metadata) plain {
	return plain{m.Creator, m.Credit, m.DateCreated, m.CountryCode, m.SourceType}
}

func (p plain) fields() map[string]string {
	return map[string]string{"creator": p.creator, "credit": p.credit, "date_created": p.date, "country_code": p.country, "source_type": p.source}
}
