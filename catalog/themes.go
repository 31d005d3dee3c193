package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// AssetTheme is one theme of an asset.
type AssetTheme struct {
	ID        string // "tourism", "tourism/eco"
	Confirmed bool   // false: suggested from the text, not yet confirmed
	SetBy     string
	SetAt     time.Time
}

// Themes lists an asset's themes, confirmed first.
func (d *DB) Themes(ctx context.Context, assetID string) ([]AssetTheme, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT t.theme, t.confirmed, coalesce(u.name, ''), t.set_at FROM asset_themes t
		LEFT JOIN users u ON u.id = t.set_by WHERE t.asset_id = ? ORDER BY t.confirmed DESC, t.theme`, assetID)
	if err != nil {
		return nil, fmt.Errorf("catalog: themes of %s: %w", assetID, err)
	}
	defer rows.Close()
	var out []AssetTheme
	for rows.Next() {
		var t AssetTheme
		var at string
		if err := rows.Scan(&t.ID, &t.Confirmed, &t.SetBy, &at); err != nil {
			return nil, fmt.Errorf("catalog: themes of %s: %w", assetID, err)
		}
		t.SetAt = parseTime(at)
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetThemes makes ids the asset's confirmed themes (suggestions among them
// become confirmed, other suggestions stay) and audits the change.
func (d *DB) SetThemes(ctx context.Context, assetID string, ids []string, actor Principal) error {
	return d.InTx(ctx, func(tx *Tx) error {
		before, err := tx.confirmedThemes(ctx, assetID)
		if err != nil {
			return err
		}
		if _, err := tx.tx.ExecContext(ctx, "DELETE FROM asset_themes WHERE asset_id = ? AND (confirmed = 1 OR theme IN (SELECT value FROM json_each(?)))",
			assetID, jsonList(ids)); err != nil {
			return fmt.Errorf("catalog: themes of %s: %w", assetID, err)
		}
		for _, id := range ids {
			if err := tx.putTheme(ctx, assetID, id, true, actor.UserID); err != nil {
				return err
			}
		}
		slices.Sort(ids)
		if slices.Equal(before, ids) {
			return nil
		}
		return tx.Audit(ctx, Event{ActorID: actor.UserID, OrgID: actor.OrgID, Action: "asset.themes", SubjectType: "asset", SubjectID: assetID,
			Detail: map[string]any{"before": before, "after": ids}})
	})
}

// SuggestThemes records themes suggested from the asset's text, replacing
// earlier suggestions; confirmed themes are left as they are.
func (d *DB) SuggestThemes(ctx context.Context, assetID string, ids []string) error {
	return d.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.tx.ExecContext(ctx, "DELETE FROM asset_themes WHERE asset_id = ? AND confirmed = 0", assetID); err != nil {
			return fmt.Errorf("catalog: theme suggestions of %s: %w", assetID, err)
		}
		for _, id := range ids {
			_, err := tx.tx.ExecContext(ctx, `INSERT INTO asset_themes (asset_id, theme, confirmed, set_at) VALUES (?, ?, 0, ?)
				ON CONFLICT (asset_id, theme) DO NOTHING`, assetID, id, now())
			if err != nil {
				return fmt.Errorf("catalog: theme suggestions of %s: %w", assetID, err)
			}
		}
		return nil
	})
}

func (tx *Tx) putTheme(ctx context.Context, assetID, id string, confirmed bool, by int64) error {
	_, err := tx.tx.ExecContext(ctx, `INSERT INTO asset_themes (asset_id, theme, confirmed, set_by, set_at) VALUES (?, ?, ?, ?, ?)`,
		assetID, id, confirmed, nullID(by), now())
	if err != nil {
		return fmt.Errorf("catalog: theme %s of %s: %w", id, assetID, err)
	}
	return nil
}

func (tx *Tx) confirmedThemes(ctx context.Context, assetID string) ([]string, error) {
	rows, err := tx.tx.QueryContext(ctx, "SELECT theme FROM asset_themes WHERE asset_id = ? AND confirmed = 1 ORDER BY theme", assetID)
	if err != nil {
		return nil, fmt.Errorf("catalog: themes of %s: %w", assetID, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ThemeCounts counts assets by confirmed theme; orgID restricts to one
// organisation when non-zero.
func (d *DB) ThemeCounts(ctx context.Context, orgID int64) (map[string]int, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT t.theme, count(*) FROM asset_themes t JOIN assets a ON a.id = t.asset_id
		WHERE t.confirmed = 1 AND (? = 0 OR a.org_id = ?) GROUP BY t.theme`, orgID, orgID)
	if err != nil {
		return nil, fmt.Errorf("catalog: theme counts: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

func jsonList(ids []string) string {
	b, _ := json.Marshal(append([]string{}, ids...))
	return string(b)
}
