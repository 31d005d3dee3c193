// Package catalog is the SQLite catalogue of organisations, users, tokens,
// assets, their files, jobs and the audit log; it is the only package that
// speaks SQL.
package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// Kinds of failure.
var (
	// ErrNotFound: no row matches.
	ErrNotFound = errors.New("catalog: not found")
	// ErrDuplicate: a row with the same unique value (e.g. SHA-256) exists.
	ErrDuplicate = errors.New("catalog: duplicate")
	// ErrUnauthorized: a token is unknown or revoked.
	ErrUnauthorized = errors.New("catalog: unauthorized")
	// ErrInvalid: an argument is not acceptable (unknown role, bad cursor).
	ErrInvalid = errors.New("catalog: invalid argument")
)

// DB is an open catalogue.
type DB struct {
	db *sql.DB
}

// Open opens (creating if needed) the SQLite file at path in WAL mode and
// applies pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("catalog: create folder for %s: %w", path, err)
	}
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_busy_timeout", "10000")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "NORMAL")
	q.Set("_txlock", "immediate")
	sqldb, err := sql.Open("sqlite3", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("catalog: open %s: %w", path, err)
	}
	d := &DB{db: sqldb}
	if err := d.migrate(ctx); err != nil {
		sqldb.Close()
		return nil, fmt.Errorf("catalog: migrate %s: %w", path, err)
	}
	if _, err := d.Reindex(ctx, false); err != nil { // search text of assets not yet indexed (searchindex.go)
		sqldb.Close()
		return nil, fmt.Errorf("catalog: search index %s: %w", path, err)
	}
	return d, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Ping reports whether the database answers a query.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	if err := d.db.QueryRowContext(ctx, "SELECT 1").Scan(&one); err != nil {
		return fmt.Errorf("catalog: ping: %w", err)
	}
	return nil
}

// Tx is a transaction; the write methods that take a *Tx let a stage group
// several changes into one unit.
type Tx struct {
	tx *sql.Tx
}

// InTx runs fn in a write transaction, committing if fn returns nil and
// rolling back otherwise.
func (d *DB) InTx(ctx context.Context, fn func(*Tx) error) error {
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("catalog: begin: %w", err)
	}
	if err := fn(&Tx{tx: tx}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("catalog: commit: %w", err)
	}
	return nil
}

func now() string { return formatTime(time.Now()) }

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func parseNullTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

// isUnique reports whether err is a UNIQUE constraint violation.
func isUnique(err error) bool {
	var se sqlite3.Error
	return errors.As(err, &se) && se.ExtendedCode == sqlite3.ErrConstraintUnique
}
