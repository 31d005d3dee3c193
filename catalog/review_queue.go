package catalog

import (
	"context"
	"fmt"
	"strings"

	"github.com/oklog/ulid/v2"
)

// QueueQuery selects a page of the review queue: assets awaiting review
// (ready), in upload order, oldest first.
type QueueQuery struct {
	Kind   string // only this kind when set
	Org    string // only this organisation's assets (by name) when set
	Theme  string // only assets with this theme, confirmed or suggested; "tourism" includes "tourism/eco"
	Limit  int    // page size (default 50, at most 500)
	Cursor string // from the previous page's next cursor
}

// ReviewQueue returns one page of the review queue and the cursor of the
// next page ("" when this is the last).
func (d *DB) ReviewQueue(ctx context.Context, q QueueQuery) ([]Asset, string, error) {
	where, args, err := q.where()
	if err != nil {
		return nil, "", err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	rows, err := d.db.QueryContext(ctx, "SELECT "+assetColumns+" WHERE "+where+" ORDER BY a.id LIMIT ?", append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("catalog: review queue: %w", err)
	}
	defer rows.Close()
	var out []Asset
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, "", fmt.Errorf("catalog: review queue: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, "", fmt.Errorf("catalog: review queue: %w", err)
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		next = out[len(out)-1].ID
	}
	return out, next, nil
}

func (q QueueQuery) where() (string, []any, error) {
	where, args := []string{"a.status = ?"}, []any{StatusReady}
	if q.Kind != "" {
		if q.Kind != KindPhoto && q.Kind != KindClip && q.Kind != KindTrailer {
			return "", nil, fmt.Errorf("%w: kind %q (want photo, clip or trailer)", ErrInvalid, q.Kind)
		}
		where, args = append(where, "a.kind = ?"), append(args, q.Kind)
	}
	if q.Org != "" {
		where, args = append(where, "o.name = ?"), append(args, strings.TrimSpace(q.Org))
	}
	if q.Theme != "" {
		where = append(where, "EXISTS (SELECT 1 FROM asset_themes t WHERE t.asset_id = a.id AND (t.theme = ? OR substr(t.theme, 1, length(?) + 1) = ? || '/'))")
		args = append(args, q.Theme, q.Theme, q.Theme)
	}
	if q.Cursor != "" {
		if _, err := ulid.ParseStrict(strings.ToUpper(q.Cursor)); err != nil {
			return "", nil, fmt.Errorf("%w: cursor %q", ErrInvalid, q.Cursor)
		}
		where, args = append(where, "a.id > ?"), append(args, q.Cursor)
	}
	return strings.Join(where, " AND "), args, nil
}
