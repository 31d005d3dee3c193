package catalog

import (
	"context"
	"errors"
	"testing"
)

func TestUserLang(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	u := createTestUser(t, d, "lan.anh")
	if l, err := d.UserLang(ctx, u.ID); err != nil || l != LangVi {
		t.Fatalf("new user's language = %q, %v; want vi", l, err)
	}
	if err := d.SetUserLang(ctx, u.ID, LangEn); err != nil {
		t.Fatal(err)
	}
	if l, _ := d.UserLang(ctx, u.ID); l != LangEn {
		t.Errorf("after SetUserLang(en): %q", l)
	}
	for _, bad := range []string{"", "fr", "EN", "vi-VN"} {
		if err := d.SetUserLang(ctx, u.ID, bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetUserLang(%q) = %v; want ErrInvalid", bad, err)
		}
	}
	if err := d.SetUserLang(ctx, 9999, LangEn); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown user: %v; want ErrNotFound", err)
	}
	if _, err := d.UserLang(ctx, 9999); !errors.Is(err, ErrNotFound) {
		t.Errorf("UserLang of unknown user: %v; want ErrNotFound", err)
	}
}

func TestOrgSummaries(t *testing.T) {
	ctx := context.Background()
	d := openTest(t)
	createTestUser(t, d, "lan.anh")
	createTestUser(t, d, "minh.duc")
	if _, err := d.EnsureOrg(ctx, "Báo Đắk Lắk"); err != nil {
		t.Fatal(err)
	}
	got, err := d.OrgSummaries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"Sở VHTTDL": 2, "Báo Đắk Lắk": 0}
	if len(got) != len(want) {
		t.Fatalf("got %d organisations: %+v", len(got), got)
	}
	for _, o := range got {
		if n, ok := want[o.Name]; !ok || n != o.Users || o.CreatedAt.IsZero() {
			t.Errorf("%+v; want %d users", o, n)
		}
	}
}
