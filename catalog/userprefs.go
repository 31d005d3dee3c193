package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Page languages a user can choose.
const (
	LangVi = "vi"
	LangEn = "en"
)

// UserLang returns the language the user reads the pages in ("vi" or "en").
func (d *DB) UserLang(ctx context.Context, userID int64) (string, error) {
	var l string
	err := d.db.QueryRowContext(ctx, "SELECT lang FROM users WHERE id = ?", userID).Scan(&l)
	if errors.Is(err, sql.ErrNoRows) {
		return "", userNotFound(fmt.Sprint("#", userID))
	}
	if err != nil {
		return "", fmt.Errorf("catalog: language of user %d: %w", userID, err)
	}
	return l, nil
}

// SetUserLang remembers the user's page language: "vi" or "en".
func (d *DB) SetUserLang(ctx context.Context, userID int64, lang string) error {
	if lang != LangVi && lang != LangEn {
		return accountErr(ErrInvalid, "invalid_lang", fmt.Sprintf("Ngôn ngữ %q không hợp lệ (vi hoặc en).", lang),
			fmt.Sprintf("Language %q is not valid (want vi or en).", lang))
	}
	res, err := d.db.ExecContext(ctx, "UPDATE users SET lang = ? WHERE id = ?", lang, userID)
	if err != nil {
		return fmt.Errorf("catalog: set language of user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return userNotFound(fmt.Sprint("#", userID))
	}
	return nil
}

// OrgSummary is an organisation with how many users it has.
type OrgSummary struct {
	Org
	Users int // people and token-only accounts, disabled ones too
}

// OrgSummaries lists every organisation by name with its user count.
func (d *DB) OrgSummaries(ctx context.Context) ([]OrgSummary, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT o.id, o.name, o.created_at, count(u.id) FROM organisations o
		LEFT JOIN users u ON u.org_id = o.id GROUP BY o.id ORDER BY o.name, o.id`)
	if err != nil {
		return nil, fmt.Errorf("catalog: organisations: %w", err)
	}
	defer rows.Close()
	var out []OrgSummary
	for rows.Next() {
		var o OrgSummary
		var created string
		if err := rows.Scan(&o.ID, &o.Name, &created, &o.Users); err != nil {
			return nil, fmt.Errorf("catalog: organisations: %w", err)
		}
		o.CreatedAt = parseTime(created)
		out = append(out, o)
	}
	return out, rows.Err()
}
