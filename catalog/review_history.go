package catalog

import (
	"context"
	"encoding/json"
	"fmt"
)

// HistoryEntry is an audit event with the name of its actor.
type HistoryEntry struct {
	Event
	Actor string // "" for the system
}

// History lists the events about one subject, newest first, with actor
// names: what an asset's history page shows.
func (d *DB) History(ctx context.Context, subjectType, subjectID string) ([]HistoryEntry, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT l.id, l.at, coalesce(l.actor_id, 0), coalesce(l.org_id, 0), l.action,
		l.subject_type, l.subject_id, l.detail, coalesce(u.name, '')
		FROM audit_log l LEFT JOIN users u ON u.id = l.actor_id
		WHERE l.subject_type = ? AND l.subject_id = ? ORDER BY l.id DESC`, subjectType, subjectID)
	if err != nil {
		return nil, fmt.Errorf("catalog: history of %s %s: %w", subjectType, subjectID, err)
	}
	defer rows.Close()
	var hs []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var at, detail string
		if err := rows.Scan(&h.ID, &at, &h.ActorID, &h.OrgID, &h.Action, &h.SubjectType, &h.SubjectID, &detail, &h.Actor); err != nil {
			return nil, fmt.Errorf("catalog: history of %s %s: %w", subjectType, subjectID, err)
		}
		h.At = parseTime(at)
		_ = json.Unmarshal([]byte(detail), &h.Detail)
		hs = append(hs, h)
	}
	return hs, rows.Err()
}
