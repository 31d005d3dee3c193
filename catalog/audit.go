package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Event is one audit-log entry.
type Event struct {
	ID          int64
	At          time.Time
	ActorID     int64 // 0 for the system
	OrgID       int64 // 0 when not tied to an organisation
	Action      string
	SubjectType string
	SubjectID   string
	Detail      map[string]any
}

// Audit records an event as part of the transaction.
func (tx *Tx) Audit(ctx context.Context, e Event) error {
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return fmt.Errorf("catalog: audit detail: %w", err)
	}
	if e.Detail == nil {
		detail = []byte("{}")
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, org_id, action, subject_type, subject_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, now(), nullID(e.ActorID), nullID(e.OrgID), e.Action, e.SubjectType, e.SubjectID, string(detail))
	if err != nil {
		return fmt.Errorf("catalog: audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditFor lists the events about one subject, oldest first.
func (d *DB) AuditFor(ctx context.Context, subjectType, subjectID string) ([]Event, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, at, coalesce(actor_id, 0), coalesce(org_id, 0), action, subject_type, subject_id, detail
		FROM audit_log WHERE subject_type = ? AND subject_id = ? ORDER BY id`, subjectType, subjectID)
	if err != nil {
		return nil, fmt.Errorf("catalog: audit of %s %s: %w", subjectType, subjectID, err)
	}
	defer rows.Close()
	var es []Event
	for rows.Next() {
		var e Event
		var at, detail string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.OrgID, &e.Action, &e.SubjectType, &e.SubjectID, &detail); err != nil {
			return nil, err
		}
		e.At = parseTime(at)
		_ = json.Unmarshal([]byte(detail), &e.Detail)
		es = append(es, e)
	}
	return es, rows.Err()
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
