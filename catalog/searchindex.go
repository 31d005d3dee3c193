package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/quangba/quangba/catalog/vntext"
)

// searchFields are the language-bearing fields whose text is searchable.
var searchFields = []string{FieldTitle, FieldCaption, FieldKeywords, FieldAltText, FieldSublocation, FieldCity, FieldProvince, FieldCountry}

// searchDoc gathers one asset's searchable text.
type searchDoc struct {
	parts []string
}

func (s *searchDoc) add(field, value string) {
	if value == "" {
		return
	}
	if field == FieldKeywords {
		var kws []string
		if json.Unmarshal([]byte(value), &kws) == nil {
			value = strings.Join(kws, " ; ")
		}
	}
	s.parts = append(s.parts, value)
}

// forms returns the exact (NFC, lower-case, diacritics kept) and the
// folded (no diacritics, đ → d) form of the text.
func (s *searchDoc) forms() (exact, folded string) {
	exact = strings.ToLower(vntext.NFC(strings.Join(s.parts, " \n ")))
	return exact, strings.ToLower(vntext.Fold(exact))
}

// reindex rebuilds one asset's search document from its current rows.
func (tx *Tx) reindex(ctx context.Context, assetID string) error {
	var doc searchDoc
	var raw, creator, credit string
	err := tx.tx.QueryRowContext(ctx, "SELECT raw_file_name, creator, credit FROM assets WHERE id = ?", assetID).Scan(&raw, &creator, &credit)
	if err == sql.ErrNoRows {
		return fmt.Errorf("%w: asset %s", ErrNotFound, assetID)
	}
	if err != nil {
		return fmt.Errorf("catalog: reindex %s: %w", assetID, err)
	}
	rows, err := tx.tx.QueryContext(ctx, "SELECT field, value FROM asset_texts WHERE asset_id = ? ORDER BY field, lang", assetID)
	if err != nil {
		return fmt.Errorf("catalog: reindex %s: %w", assetID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var field, value string
		if err := rows.Scan(&field, &value); err != nil {
			return fmt.Errorf("catalog: reindex %s: %w", assetID, err)
		}
		if slices.Contains(searchFields, field) {
			doc.add(field, value)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("catalog: reindex %s: %w", assetID, err)
	}
	doc.add("", creator)
	doc.add("", credit)
	doc.add("", raw)
	return tx.writeDoc(ctx, assetID, &doc)
}

// writeDoc replaces the asset's document in the index.
func (tx *Tx) writeDoc(ctx context.Context, assetID string, doc *searchDoc) error {
	var docid int64
	err := tx.tx.QueryRowContext(ctx, `INSERT INTO asset_search_docs (asset_id, kind, status, org_id)
		SELECT id, kind, status, org_id FROM assets WHERE id = ?
		ON CONFLICT (asset_id) DO UPDATE SET indexed = 1 RETURNING docid`, assetID).Scan(&docid)
	if err != nil {
		return fmt.Errorf("catalog: reindex %s: %w", assetID, err)
	}
	exact, folded := doc.forms()
	if _, err := tx.tx.ExecContext(ctx, "DELETE FROM asset_search WHERE rowid = ?", docid); err != nil {
		return fmt.Errorf("catalog: reindex %s: %w", assetID, err)
	}
	if _, err := tx.tx.ExecContext(ctx, "INSERT INTO asset_search (rowid, exact, folded) VALUES (?, ?, ?)", docid, exact, folded); err != nil {
		return fmt.Errorf("catalog: reindex %s: %w", assetID, err)
	}
	if _, err := tx.tx.ExecContext(ctx, "UPDATE asset_search_docs SET indexed = 1 WHERE docid = ?", docid); err != nil {
		return fmt.Errorf("catalog: reindex %s: %w", assetID, err)
	}
	return nil
}

// Reindex rebuilds the search documents of every asset whose text is
// missing or stale (all = true: of every asset), in one transaction. Open
// calls it, so that assets written before the index existed are found.
func (d *DB) Reindex(ctx context.Context, all bool) (int, error) {
	if !all {
		var stale bool
		if err := d.db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM asset_search_docs WHERE indexed = 0)").Scan(&stale); err != nil || !stale {
			return 0, err
		}
	}
	n := 0
	err := d.InTx(ctx, func(tx *Tx) error {
		if all {
			if _, err := tx.tx.ExecContext(ctx, "UPDATE asset_search_docs SET indexed = 0"); err != nil {
				return fmt.Errorf("catalog: reindex: %w", err)
			}
		}
		ids, err := tx.staleDocs(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := tx.reindex(ctx, id); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, err
}

func (tx *Tx) staleDocs(ctx context.Context) ([]string, error) {
	rows, err := tx.tx.QueryContext(ctx, "SELECT asset_id FROM asset_search_docs WHERE indexed = 0")
	if err != nil {
		return nil, fmt.Errorf("catalog: reindex: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("catalog: reindex: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
