package catalog

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	d, err := Open(context.Background(), filepath.Join(t.TempDir(), "sub", "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestOpenAppliesMigrationsOnceInWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "catalog.db")
	for i := 0; i < 2; i++ {
		d, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i+1, err)
		}
		var mode string
		if err := d.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
			t.Errorf("journal_mode = %q, %v; want wal", mode, err)
		}
		ms, _ := migrations()
		if v, err := d.SchemaVersion(ctx); err != nil || v != ms[len(ms)-1].version {
			t.Errorf("schema version = %d, %v; want %d", v, err, ms[len(ms)-1].version)
		}
		var n int
		d.db.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n)
		if n != len(ms) {
			t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
		}
		d.Close()
	}
}

func TestTokens(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	nt, err := d.CreateToken(ctx, "Báo Đắk Lắk", "phóng viên", RoleContributor)
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Authenticate(ctx, nt.Secret)
	if err != nil {
		t.Fatalf("authenticate: %v", err)
	}
	if p.OrgName != "Báo Đắk Lắk" || p.UserName != "phóng viên" || p.Role != RoleContributor || p.SeesAllOrgs() {
		t.Errorf("principal = %+v", p)
	}
	var stored int
	d.db.QueryRowContext(ctx, "SELECT count(*) FROM api_tokens WHERE hash = ? OR prefix = ?", nt.Secret, nt.Secret).Scan(&stored)
	if stored != 0 {
		t.Error("token secret is stored in clear")
	}
	for _, bad := range []string{"", "qb_nope", nt.Secret + "x"} {
		if _, err := d.Authenticate(ctx, bad); !errors.Is(err, ErrUnauthorized) {
			t.Errorf("Authenticate(%q) = %v, want ErrUnauthorized", bad, err)
		}
	}
	d.db.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ?", now())
	if _, err := d.Authenticate(ctx, nt.Secret); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("revoked token: %v, want ErrUnauthorized", err)
	}
	if _, err := d.CreateToken(ctx, "Báo Đắk Lắk", "phóng viên", RoleCurator); !errors.Is(err, ErrInvalid) {
		t.Errorf("same user, other role: %v, want ErrInvalid", err)
	}
	if _, err := d.CreateToken(ctx, "Báo Đắk Lắk", "", "boss"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown role: %v, want ErrInvalid", err)
	}
}

func testAsset(org Org, sum string) *Asset {
	alt := 512.5
	cap := time.Date(2025, 3, 10, 8, 30, 0, 0, time.UTC)
	return &Asset{Kind: KindPhoto, Status: StatusReady, OrgID: org.ID, FileName: "Ho-Lak.jpg", RawFileName: "Hồ Lắk.jpg",
		Format: "jpeg", MIME: "image/jpeg", ByteSize: 1234, SHA256: sum, Width: 4032, Height: 3024, Orientation: 6,
		CapturedAt: &cap, CameraMake: "Samsung", GPS: &GPS{Lat: 12.4, Lon: 108.2, Alt: &alt}, Warnings: []string{"w1"}}
}

func TestInsertAssetAndDuplicate(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	org, _ := d.EnsureOrg(ctx, "Sở VHTTDL")
	a := testAsset(org, "aa11")
	if err := d.InsertAsset(ctx, a, File{Name: "original", StorageKey: "originals/aa/aa11", MIME: "image/jpeg", ByteSize: 1234}); err != nil {
		t.Fatal(err)
	}
	got, err := d.Asset(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.RawFileName != "Hồ Lắk.jpg" || got.OrgName != "Sở VHTTDL" || got.GPS == nil || *got.GPS.Alt != 512.5 ||
		!got.CapturedAt.Equal(*a.CapturedAt) || got.Orientation != 6 || len(got.Warnings) != 1 {
		t.Errorf("read back %+v", got)
	}
	if bySum, err := d.AssetBySHA256(ctx, "aa11"); err != nil || bySum.ID != a.ID {
		t.Errorf("AssetBySHA256 = %v, %v", bySum.ID, err)
	}
	dup := testAsset(org, "aa11")
	if err := d.InsertAsset(ctx, dup, File{Name: "original", StorageKey: "k", MIME: "image/jpeg"}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate insert: %v, want ErrDuplicate", err)
	}
	if _, err := d.Asset(ctx, dup.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("failed insert left a row: %v", err)
	}
	f, err := d.Original(ctx, a.ID)
	if err != nil || f.StorageKey != "originals/aa/aa11" || f.Role != "original" {
		t.Errorf("Original = %+v, %v", f, err)
	}
	ev, err := d.AuditFor(ctx, "asset", a.ID)
	if err != nil || len(ev) != 1 || ev[0].Action != "asset.ingest" || ev[0].Detail["sha256"] != "aa11" {
		t.Errorf("audit = %+v, %v", ev, err)
	}
}

func TestListAssetsPagesNewestFirst(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	o1, _ := d.EnsureOrg(ctx, "A")
	o2, _ := d.EnsureOrg(ctx, "B")
	var ids []string
	for i := 0; i < 7; i++ {
		org := o1
		if i%3 == 0 {
			org = o2
		}
		a := testAsset(org, fmt.Sprintf("sum%d", i))
		if err := d.InsertAsset(ctx, a, File{Name: "original", StorageKey: "k", MIME: "image/jpeg"}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	var seen []string
	cursor := ""
	for page := 0; page < 10; page++ {
		items, next, err := d.ListAssets(ctx, ListQuery{Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range items {
			seen = append(seen, a.ID)
		}
		if next == "" {
			break
		}
		cursor = next
	}
	if len(seen) != 7 {
		t.Fatalf("paged through %d assets, want 7", len(seen))
	}
	for i := range seen {
		if seen[i] != ids[len(ids)-1-i] {
			t.Errorf("position %d: %s, want %s (newest first)", i, seen[i], ids[len(ids)-1-i])
		}
	}
	only, _, err := d.ListAssets(ctx, ListQuery{OrgID: o2.ID})
	if err != nil || len(only) != 3 {
		t.Errorf("org filter: %d assets, %v; want 3", len(only), err)
	}
	if _, _, err := d.ListAssets(ctx, ListQuery{Cursor: "'; DROP TABLE assets; --"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad cursor: %v, want ErrInvalid", err)
	}
}
