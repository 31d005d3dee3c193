package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/quangba/quangba/catalog/vntext"
)

// Names is a name in Vietnamese and English.
type Names struct {
	VI string `json:"vi"`
	EN string `json:"en"`
}

// Package is a curator's selection of assets for one submission profile.
type Package struct {
	ID          string
	Profile     string // profile id, e.g. happyvietnam-2025
	Name        Names
	OrgID       int64
	OrgName     string // filled on read
	CreatedByID int64
	CreatedBy   string // filled on read
	CreatedAt   time.Time
	UpdatedAt   time.Time
	AssetIDs    []string // in bundle order
}

// MaxPackageAssets bounds a package; contests take tens of entries, portals
// a few hundred.
const MaxPackageAssets = 5000

// CreatePackage stores a new package (p.ID and timestamps are filled) and
// audits it. Only curators and admins pack assets.
func (d *DB) CreatePackage(ctx context.Context, p *Package, actor Principal) error {
	if err := mayPack(actor); err != nil {
		return err
	}
	if err := cleanNames(&p.Name); err != nil {
		return err
	}
	if p.Profile == "" {
		return fmt.Errorf("%w: package profile is empty", ErrInvalid)
	}
	p.ID, p.OrgID, p.CreatedByID = NewAssetID(), actor.OrgID, actor.UserID
	t := time.Now().UTC()
	p.CreatedAt, p.UpdatedAt = t, t
	return d.InTx(ctx, func(tx *Tx) error {
		_, err := tx.tx.ExecContext(ctx, `INSERT INTO packages (id, profile, name_vi, name_en, org_id, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, p.ID, p.Profile, p.Name.VI, p.Name.EN, p.OrgID, nullID(p.CreatedByID), formatTime(t), formatTime(t))
		if err != nil {
			return fmt.Errorf("catalog: create package: %w", err)
		}
		return tx.auditPackage(ctx, actor, p.ID, "package.create", map[string]any{"profile": p.Profile, "name": p.Name})
	})
}

// PackageChange is an edit of a package; nil fields stay as they are.
type PackageChange struct {
	Name    *Names
	Profile *string
}

// UpdatePackage renames a package or moves it to another profile.
func (d *DB) UpdatePackage(ctx context.Context, id string, ch PackageChange, actor Principal) (Package, error) {
	if err := mayPack(actor); err != nil {
		return Package{}, err
	}
	err := d.InTx(ctx, func(tx *Tx) error {
		p, err := tx.pkg(ctx, id)
		if err != nil {
			return err
		}
		before := map[string]any{"name": p.Name, "profile": p.Profile}
		if ch.Name != nil {
			if err := cleanNames(ch.Name); err != nil {
				return err
			}
			p.Name = *ch.Name
		}
		if ch.Profile != nil {
			if *ch.Profile == "" {
				return fmt.Errorf("%w: package profile is empty", ErrInvalid)
			}
			p.Profile = *ch.Profile
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE packages SET name_vi = ?, name_en = ?, profile = ?, updated_at = ? WHERE id = ?`,
			p.Name.VI, p.Name.EN, p.Profile, now(), id); err != nil {
			return fmt.Errorf("catalog: update package %s: %w", id, err)
		}
		return tx.auditPackage(ctx, actor, id, "package.update", map[string]any{"before": before, "after": map[string]any{"name": p.Name, "profile": p.Profile}})
	})
	if err != nil {
		return Package{}, err
	}
	return d.Package(ctx, id)
}

// Refusal is an asset that could not be added to a package, and why.
type Refusal struct {
	AssetID string
	Code    string // not_found, not_exportable, duplicate
	Vi, En  string
}

// AddToPackage appends the assets to the package in the order given. Assets
// that are missing, not approved, restricted or already in it are refused
// one by one; the rest are added.
func (d *DB) AddToPackage(ctx context.Context, id string, assetIDs []string, actor Principal) (added []string, refused []Refusal, err error) {
	if err := mayPack(actor); err != nil {
		return nil, nil, err
	}
	err = d.InTx(ctx, func(tx *Tx) error {
		p, err := tx.pkg(ctx, id)
		if err != nil {
			return err
		}
		if len(p.AssetIDs)+len(assetIDs) > MaxPackageAssets {
			return fmt.Errorf("%w: a package holds at most %d assets", ErrInvalid, MaxPackageAssets)
		}
		in := map[string]bool{}
		for _, a := range p.AssetIDs {
			in[a] = true
		}
		for _, aid := range assetIDs {
			r, err := tx.addOne(ctx, id, aid, len(p.AssetIDs)+len(added), in, actor)
			if err != nil {
				return err
			}
			if r != nil {
				refused = append(refused, *r)
				continue
			}
			added, in[aid] = append(added, aid), true
		}
		if len(added) == 0 {
			return nil
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE packages SET updated_at = ? WHERE id = ?`, now(), id); err != nil {
			return fmt.Errorf("catalog: touch package %s: %w", id, err)
		}
		return tx.auditPackage(ctx, actor, id, "package.add", map[string]any{"assets": added})
	})
	return added, refused, err
}

func (tx *Tx) addOne(ctx context.Context, pkgID, assetID string, pos int, in map[string]bool, actor Principal) (*Refusal, error) {
	if in[assetID] {
		return &Refusal{AssetID: assetID, Code: "duplicate", Vi: "Tư liệu đã có trong gói.", En: "The asset is already in the package."}, nil
	}
	a, err := scanAsset(tx.tx.QueryRowContext(ctx, "SELECT "+assetColumns+" WHERE a.id = ?", assetID))
	if errors.Is(err, sql.ErrNoRows) {
		return &Refusal{AssetID: assetID, Code: "not_found", Vi: "Không tìm thấy tư liệu.", En: "Asset not found."}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("catalog: asset %s: %w", assetID, err)
	}
	var pe *PermissionError
	if err := Check(actor, ActExport, a); errors.As(err, &pe) {
		return &Refusal{AssetID: assetID, Code: "not_exportable", Vi: pe.Vi, En: pe.En}, nil
	}
	_, err = tx.tx.ExecContext(ctx, `INSERT INTO package_assets (package_id, asset_id, position, added_by, added_at) VALUES (?, ?, ?, ?, ?)`,
		pkgID, assetID, pos, nullID(actor.UserID), now())
	if err != nil {
		return nil, fmt.Errorf("catalog: add %s to package %s: %w", assetID, pkgID, err)
	}
	return nil, nil
}

// RemoveFromPackage takes an asset out of a package; the others keep their
// order.
func (d *DB) RemoveFromPackage(ctx context.Context, id, assetID string, actor Principal) error {
	if err := mayPack(actor); err != nil {
		return err
	}
	return d.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.pkg(ctx, id); err != nil {
			return err
		}
		res, err := tx.tx.ExecContext(ctx, `DELETE FROM package_assets WHERE package_id = ? AND asset_id = ?`, id, assetID)
		if err != nil {
			return fmt.Errorf("catalog: remove %s from package %s: %w", assetID, id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: asset %s is not in package %s", ErrNotFound, assetID, id)
		}
		if _, err := tx.tx.ExecContext(ctx, `UPDATE packages SET updated_at = ? WHERE id = ?`, now(), id); err != nil {
			return fmt.Errorf("catalog: touch package %s: %w", id, err)
		}
		return tx.auditPackage(ctx, actor, id, "package.remove", map[string]any{"asset": assetID})
	})
}

// Package returns a package with its assets in order.
func (d *DB) Package(ctx context.Context, id string) (Package, error) {
	var p Package
	err := d.InTx(ctx, func(tx *Tx) error {
		var err error
		p, err = tx.pkg(ctx, id)
		return err
	})
	return p, err
}

const packageColumns = `p.id, p.profile, p.name_vi, p.name_en, p.org_id, o.name, coalesce(p.created_by, 0), coalesce(u.name, ''), p.created_at, p.updated_at
	FROM packages p JOIN organisations o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.created_by`

func scanPackage(s scanner) (Package, error) {
	var p Package
	var created, updated string
	err := s.Scan(&p.ID, &p.Profile, &p.Name.VI, &p.Name.EN, &p.OrgID, &p.OrgName, &p.CreatedByID, &p.CreatedBy, &created, &updated)
	p.CreatedAt, p.UpdatedAt = parseTime(created), parseTime(updated)
	return p, err
}

func (tx *Tx) pkg(ctx context.Context, id string) (Package, error) {
	p, err := scanPackage(tx.tx.QueryRowContext(ctx, "SELECT "+packageColumns+" WHERE p.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Package{}, fmt.Errorf("%w: package %s", ErrNotFound, id)
	}
	if err != nil {
		return Package{}, fmt.Errorf("catalog: package %s: %w", id, err)
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT asset_id FROM package_assets WHERE package_id = ? ORDER BY position, added_at, asset_id`, id)
	if err != nil {
		return Package{}, fmt.Errorf("catalog: assets of package %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return Package{}, err
		}
		p.AssetIDs = append(p.AssetIDs, a)
	}
	return p, rows.Err()
}

// Packages lists packages, most recently changed first.
func (d *DB) Packages(ctx context.Context, limit int) ([]Package, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := d.db.QueryContext(ctx, "SELECT "+packageColumns+" ORDER BY p.updated_at DESC, p.id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("catalog: list packages: %w", err)
	}
	defer rows.Close()
	var out []Package
	for rows.Next() {
		p, err := scanPackage(rows)
		if err != nil {
			return nil, fmt.Errorf("catalog: list packages: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func mayPack(actor Principal) error {
	if actor.Role == RoleCurator || actor.Role == RoleAdmin {
		return nil
	}
	return deny(ActExport, "Chỉ biên tập viên và quản trị viên được lập gói và xuất tư liệu.", "Only curators and admins can build packages and export.")
}

func cleanNames(n *Names) error {
	n.VI, n.EN = strings.TrimSpace(vntext.NFC(n.VI)), strings.TrimSpace(vntext.NFC(n.EN))
	switch {
	case n.VI == "":
		return fmt.Errorf("%w: package needs a Vietnamese name", ErrInvalid)
	case len(n.VI) > 300 || len(n.EN) > 300:
		return fmt.Errorf("%w: package names are at most 300 bytes", ErrInvalid)
	case strings.ContainsAny(n.VI+n.EN, "\x00\r\n"):
		return fmt.Errorf("%w: package names are one line", ErrInvalid)
	}
	return nil
}

func (tx *Tx) auditPackage(ctx context.Context, actor Principal, id, action string, detail map[string]any) error {
	return tx.Audit(ctx, Event{ActorID: actor.UserID, OrgID: actor.OrgID, Action: action, SubjectType: "package", SubjectID: id, Detail: detail})
}
