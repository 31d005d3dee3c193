package catalog

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Export states.
const (
	ExportRunning = "running"
	ExportDone    = "done"
	ExportFailed  = "failed"
)

// Export is one bundle made from a package.
type Export struct {
	PackageID      string
	N              int
	Format         string // zip or bagit
	Status         string
	Profile        string
	ProfileVersion string
	Destination    string
	StorageKey     string
	ByteSize       int64
	SHA256         string
	Files          int
	Assets         []string // the assets in the bundle
	Acknowledged   []string // "asset/rule" warnings accepted by the curator
	Error          string
	CreatedByID    int64
	CreatedBy      string // filled on read
	CreatedAt      time.Time
	FinishedAt     *time.Time
}

// ExportResult is what a finished bundle is.
type ExportResult struct {
	StorageKey string
	ByteSize   int64
	SHA256     string
	Files      int
}

// StartExport records a running export of a package with the next number
// (e.N is filled). The caller has validated the package.
func (d *DB) StartExport(ctx context.Context, e *Export, actor Principal) error {
	if err := mayPack(actor); err != nil {
		return err
	}
	if e.Format != "zip" && e.Format != "bagit" {
		return fmt.Errorf("%w: export format %q (zip or bagit)", ErrInvalid, e.Format)
	}
	e.Status, e.CreatedByID, e.CreatedAt = ExportRunning, actor.UserID, time.Now().UTC()
	return d.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.pkg(ctx, e.PackageID); err != nil {
			return err
		}
		if err := tx.tx.QueryRowContext(ctx, `SELECT coalesce(max(n), 0) + 1 FROM exports WHERE package_id = ?`, e.PackageID).Scan(&e.N); err != nil {
			return fmt.Errorf("catalog: next export of %s: %w", e.PackageID, err)
		}
		assets, _ := json.Marshal(nonNil(e.Assets))
		acks, _ := json.Marshal(nonNil(e.Acknowledged))
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO exports (package_id, n, format, status, profile, profile_version, destination, assets, acknowledged, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.PackageID, e.N, e.Format, e.Status, e.Profile, e.ProfileVersion, e.Destination,
			string(assets), string(acks), nullID(actor.UserID), formatTime(e.CreatedAt))
		if err != nil {
			return fmt.Errorf("catalog: start export of %s: %w", e.PackageID, err)
		}
		return tx.auditPackage(ctx, actor, e.PackageID, "package.export.start", map[string]any{"export": e.N, "format": e.Format,
			"profile": e.Profile, "acknowledged": nonNil(e.Acknowledged)})
	})
}

// FinishExport marks a running export done and records, for each asset in
// it, an asset.export event naming the destination (what reports count).
func (d *DB) FinishExport(ctx context.Context, pkgID string, n int, r ExportResult, actor Principal) error {
	return d.InTx(ctx, func(tx *Tx) error {
		e, err := tx.export(ctx, pkgID, n)
		if err != nil {
			return err
		}
		if e.Status != ExportRunning {
			return fmt.Errorf("%w: export %d of %s is %s", ErrInvalid, n, pkgID, e.Status)
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE exports SET status = 'done', storage_key = ?, byte_size = ?, sha256 = ?, files = ?, finished_at = ?
			WHERE package_id = ? AND n = ?`, r.StorageKey, r.ByteSize, r.SHA256, r.Files, now(), pkgID, n); err != nil {
			return fmt.Errorf("catalog: finish export %d of %s: %w", n, pkgID, err)
		}
		for _, aid := range e.Assets {
			if err := tx.Audit(ctx, Event{ActorID: actor.UserID, OrgID: actor.OrgID, Action: "asset.export", SubjectType: "asset", SubjectID: aid,
				Detail: map[string]any{"destination": e.Destination, "package": pkgID, "export": n, "profile": e.Profile}}); err != nil {
				return err
			}
		}
		return tx.auditPackage(ctx, actor, pkgID, "package.export", map[string]any{"export": n, "bytes": r.ByteSize, "sha256": r.SHA256, "files": r.Files})
	})
}

// FailExport marks a running export failed with a reason.
func (d *DB) FailExport(ctx context.Context, pkgID string, n int, reason string) error {
	_, err := d.db.ExecContext(ctx, `UPDATE exports SET status = 'failed', error = ?, finished_at = ? WHERE package_id = ? AND n = ? AND status = 'running'`,
		reason, now(), pkgID, n)
	if err != nil {
		return fmt.Errorf("catalog: fail export %d of %s: %w", n, pkgID, err)
	}
	return nil
}

// FailInterruptedExports marks every running export failed: called at start,
// when no export of this catalogue can still be running.
func (d *DB) FailInterruptedExports(ctx context.Context) (int, error) {
	res, err := d.db.ExecContext(ctx, `UPDATE exports SET status = 'failed', error = 'interrupted: the service stopped during the export', finished_at = ?
		WHERE status = 'running'`, now())
	if err != nil {
		return 0, fmt.Errorf("catalog: fail interrupted exports: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Export returns export n of a package.
func (d *DB) Export(ctx context.Context, pkgID string, n int) (Export, error) {
	var e Export
	err := d.InTx(ctx, func(tx *Tx) error {
		var err error
		e, err = tx.export(ctx, pkgID, n)
		return err
	})
	return e, err
}

const exportColumns = `e.package_id, e.n, e.format, e.status, e.profile, e.profile_version, e.destination, e.storage_key, e.byte_size, e.sha256,
	e.files, e.assets, e.acknowledged, e.error, coalesce(e.created_by, 0), coalesce(u.name, ''), e.created_at, e.finished_at
	FROM exports e LEFT JOIN users u ON u.id = e.created_by`

func scanExport(s scanner) (Export, error) {
	var e Export
	var assets, acks, created string
	var finished sql.NullString
	err := s.Scan(&e.PackageID, &e.N, &e.Format, &e.Status, &e.Profile, &e.ProfileVersion, &e.Destination, &e.StorageKey, &e.ByteSize, &e.SHA256,
		&e.Files, &assets, &acks, &e.Error, &e.CreatedByID, &e.CreatedBy, &created, &finished)
	_ = json.Unmarshal([]byte(assets), &e.Assets)
	_ = json.Unmarshal([]byte(acks), &e.Acknowledged)
	e.CreatedAt, e.FinishedAt = parseTime(created), parseNullTime(finished)
	return e, err
}

func (tx *Tx) export(ctx context.Context, pkgID string, n int) (Export, error) {
	e, err := scanExport(tx.tx.QueryRowContext(ctx, "SELECT "+exportColumns+" WHERE e.package_id = ? AND e.n = ?", pkgID, n))
	if errors.Is(err, sql.ErrNoRows) {
		return Export{}, fmt.Errorf("%w: export %d of package %s", ErrNotFound, n, pkgID)
	}
	if err != nil {
		return Export{}, fmt.Errorf("catalog: export %d of %s: %w", n, pkgID, err)
	}
	return e, nil
}

// Exports lists a package's exports, newest first.
func (d *DB) Exports(ctx context.Context, pkgID string) ([]Export, error) {
	rows, err := d.db.QueryContext(ctx, "SELECT "+exportColumns+" WHERE e.package_id = ? ORDER BY e.n DESC", pkgID)
	if err != nil {
		return nil, fmt.Errorf("catalog: exports of %s: %w", pkgID, err)
	}
	defer rows.Close()
	var out []Export
	for rows.Next() {
		e, err := scanExport(rows)
		if err != nil {
			return nil, fmt.Errorf("catalog: exports of %s: %w", pkgID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Submission records that an exported bundle was sent to its destination.
type Submission struct {
	ID          int64
	PackageID   string
	Export      int
	Destination string
	Reference   string // the destination's receipt or entry number
	Date        string // YYYY-MM-DD
	Note        string
	CreatedByID int64
	CreatedBy   string // filled on read
	CreatedAt   time.Time
}

var isoDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// AddSubmission records a submission of a finished export (s.ID and
// s.CreatedAt are filled). The destination defaults to the export's.
func (d *DB) AddSubmission(ctx context.Context, s *Submission, actor Principal) error {
	if err := mayPack(actor); err != nil {
		return err
	}
	s.Reference, s.Note = strings.TrimSpace(s.Reference), strings.TrimSpace(s.Note)
	if s.Date == "" {
		s.Date = time.Now().In(ProvinceZone).Format(time.DateOnly)
	}
	if _, err := time.Parse(time.DateOnly, s.Date); err != nil || !isoDate.MatchString(s.Date) {
		return fmt.Errorf("%w: submission date %q is not YYYY-MM-DD", ErrInvalid, s.Date)
	}
	if len(s.Reference) > 200 || len(s.Note) > 2000 || len(s.Destination) > 100 {
		return fmt.Errorf("%w: submission reference, destination or note too long", ErrInvalid)
	}
	s.CreatedByID, s.CreatedAt = actor.UserID, time.Now().UTC()
	return d.InTx(ctx, func(tx *Tx) error {
		e, err := tx.export(ctx, s.PackageID, s.Export)
		if err != nil {
			return err
		}
		if e.Status != ExportDone {
			return fmt.Errorf("%w: export %d is %s; only a finished export can be submitted", ErrInvalid, e.N, e.Status)
		}
		if s.Destination == "" {
			s.Destination = e.Destination
		}
		res, err := tx.tx.ExecContext(ctx, `INSERT INTO submissions (package_id, export_n, destination, reference, submitted_on, note, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, s.PackageID, s.Export, s.Destination, s.Reference, s.Date, s.Note, nullID(actor.UserID), formatTime(s.CreatedAt))
		if err != nil {
			return fmt.Errorf("catalog: record submission of %s: %w", s.PackageID, err)
		}
		s.ID, _ = res.LastInsertId()
		return tx.auditPackage(ctx, actor, s.PackageID, "package.submit", map[string]any{"export": s.Export, "destination": s.Destination,
			"reference": s.Reference, "date": s.Date, "assets": nonNil(e.Assets)})
	})
}

// Submissions lists a package's submissions, newest first.
func (d *DB) Submissions(ctx context.Context, pkgID string) ([]Submission, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT s.id, s.package_id, s.export_n, s.destination, s.reference, s.submitted_on, s.note,
		coalesce(s.created_by, 0), coalesce(u.name, ''), s.created_at FROM submissions s LEFT JOIN users u ON u.id = s.created_by
		WHERE s.package_id = ? ORDER BY s.id DESC`, pkgID)
	if err != nil {
		return nil, fmt.Errorf("catalog: submissions of %s: %w", pkgID, err)
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		var s Submission
		var created string
		if err := rows.Scan(&s.ID, &s.PackageID, &s.Export, &s.Destination, &s.Reference, &s.Date, &s.Note, &s.CreatedByID, &s.CreatedBy, &created); err != nil {
			return nil, fmt.Errorf("catalog: submissions of %s: %w", pkgID, err)
		}
		s.CreatedAt = parseTime(created)
		out = append(out, s)
	}
	return out, rows.Err()
}
