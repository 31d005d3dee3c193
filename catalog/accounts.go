package catalog

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Roles a user can hold.
const (
	RoleContributor = "contributor"
	RoleCurator     = "curator"
	RoleAdmin       = "admin"
)

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool {
	return r == RoleContributor || r == RoleCurator || r == RoleAdmin
}

// Org is an organisation: a press agency, department or commune.
type Org struct {
	ID        int64
	Name      string
	CreatedAt time.Time
}

// Principal is who a request acts as.
type Principal struct {
	UserID   int64
	UserName string
	OrgID    int64
	OrgName  string
	Role     string
}

// SeesAllOrgs reports whether the principal may see other organisations' work.
func (p Principal) SeesAllOrgs() bool { return p.Role == RoleCurator || p.Role == RoleAdmin }

// EnsureOrg returns the organisation named name, creating it if missing.
func (d *DB) EnsureOrg(ctx context.Context, name string) (Org, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Org{}, fmt.Errorf("%w: organisation name is empty", ErrInvalid)
	}
	var o Org
	err := d.InTx(ctx, func(tx *Tx) error {
		var err error
		o, err = tx.ensureOrg(ctx, name)
		return err
	})
	return o, err
}

func (tx *Tx) ensureOrg(ctx context.Context, name string) (Org, error) {
	_, err := tx.tx.ExecContext(ctx, "INSERT INTO organisations (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING", name, now())
	if err != nil {
		return Org{}, fmt.Errorf("catalog: create organisation %q: %w", name, err)
	}
	var o Org
	var created string
	err = tx.tx.QueryRowContext(ctx, "SELECT id, name, created_at FROM organisations WHERE name = ?", name).Scan(&o.ID, &o.Name, &created)
	if err != nil {
		return Org{}, fmt.Errorf("catalog: read organisation %q: %w", name, err)
	}
	o.CreatedAt = parseTime(created)
	return o, nil
}

// OrgByName finds an organisation.
func (d *DB) OrgByName(ctx context.Context, name string) (Org, error) {
	var o Org
	var created string
	err := d.db.QueryRowContext(ctx, "SELECT id, name, created_at FROM organisations WHERE name = ?", strings.TrimSpace(name)).Scan(&o.ID, &o.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return Org{}, fmt.Errorf("%w: organisation %q", ErrNotFound, name)
	}
	if err != nil {
		return Org{}, fmt.Errorf("catalog: organisation %q: %w", name, err)
	}
	o.CreatedAt = parseTime(created)
	return o, nil
}

// NewToken is a freshly created API token. Secret is shown once and never
// stored; the catalogue keeps only its SHA-256.
type NewToken struct {
	ID        int64
	Secret    string
	Principal Principal
}

// CreateToken creates an API token for the user userName of organisation
// orgName, creating the organisation and the user (with role) if missing.
// An existing user keeps their role; asking for a different one is an error.
func (d *DB) CreateToken(ctx context.Context, orgName, userName, role string) (NewToken, error) {
	if !ValidRole(role) {
		return NewToken{}, fmt.Errorf("%w: role %q (want contributor, curator or admin)", ErrInvalid, role)
	}
	if strings.TrimSpace(userName) == "" {
		userName = role
	}
	secret, err := newSecret()
	if err != nil {
		return NewToken{}, err
	}
	var nt NewToken
	err = d.InTx(ctx, func(tx *Tx) error {
		org, err := tx.ensureOrg(ctx, orgName)
		if err != nil {
			return err
		}
		p, err := tx.ensureUser(ctx, org, strings.TrimSpace(userName), role)
		if err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, "INSERT INTO api_tokens (user_id, prefix, hash, created_at) VALUES (?, ?, ?, ?)",
			p.UserID, secret[:12], hashToken(secret), now())
		if err != nil {
			return fmt.Errorf("catalog: insert token: %w", err)
		}
		id, _ := res.LastInsertId()
		nt = NewToken{ID: id, Secret: secret, Principal: p}
		return tx.Audit(ctx, Event{ActorID: p.UserID, OrgID: p.OrgID, Action: "token.create", SubjectType: "token", SubjectID: fmt.Sprint(id),
			Detail: map[string]any{"user": p.UserName, "role": p.Role, "prefix": secret[:12]}})
	})
	return nt, err
}

func (tx *Tx) ensureUser(ctx context.Context, org Org, name, role string) (Principal, error) {
	_, err := tx.tx.ExecContext(ctx, "INSERT INTO users (org_id, name, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (org_id, name) DO NOTHING",
		org.ID, name, role, now())
	if err != nil {
		return Principal{}, fmt.Errorf("catalog: create user %q: %w", name, err)
	}
	p := Principal{OrgID: org.ID, OrgName: org.Name, UserName: name}
	err = tx.tx.QueryRowContext(ctx, "SELECT id, role FROM users WHERE org_id = ? AND name = ?", org.ID, name).Scan(&p.UserID, &p.Role)
	if err != nil {
		return Principal{}, fmt.Errorf("catalog: read user %q: %w", name, err)
	}
	if p.Role != role {
		return Principal{}, fmt.Errorf("%w: user %q of %q already has role %s", ErrInvalid, name, org.Name, p.Role)
	}
	return p, nil
}

// Authenticate returns the principal a token acts as, or ErrUnauthorized.
func (d *DB) Authenticate(ctx context.Context, secret string) (Principal, error) {
	var p Principal
	var tokenID int64
	err := d.db.QueryRowContext(ctx, `SELECT t.id, u.id, u.name, u.role, o.id, o.name
		FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.org_id
		WHERE t.hash = ? AND t.revoked_at IS NULL AND u.disabled = 0`, hashToken(secret)).
		Scan(&tokenID, &p.UserID, &p.UserName, &p.Role, &p.OrgID, &p.OrgName)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, ErrUnauthorized
	}
	if err != nil {
		return Principal{}, fmt.Errorf("catalog: authenticate: %w", err)
	}
	return p, nil
}

// newSecret returns "qb_" followed by 32 random base32 characters (160 bits).
func newSecret() (string, error) {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("catalog: random token: %w", err)
	}
	return "qb_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
